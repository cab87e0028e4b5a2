// The kinds of 党建联盟 (as the server names them) and their i18n keys.
export const ALLIANCE_KINDS = [['跨企业', 'cross'], ['园区', 'park'], ['行业', 'industry']]
const CODE = Object.fromEntries(ALLIANCE_KINDS)
/** The kind in the UI language (t from useI18n); unknown kinds as given. */
export const allianceKindLabel = (t, k) => (CODE[k] ? t(`alliance.kinds.${CODE[k]}`) : k || '')
