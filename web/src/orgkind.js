// The kinds of party organization (as the server names them) and their i18n keys.
export const ORG_KINDS = [['工委', 'work'], ['党委', 'committee'], ['党总支', 'general'], ['党支部', 'branch'],
  ['联合党支部', 'joint'], ['临时党支部', 'temp']]
const CODE = Object.fromEntries(ORG_KINDS)
/** The kind in the UI language (t from useI18n); unknown kinds as given. */
export const orgKindLabel = (t, k) => (CODE[k] ? t(`org.kind.${CODE[k]}`) : k || '')
