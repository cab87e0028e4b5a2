// The registry's values as the server names them (人员类别, 党籍状态, change kinds) and
// their i18n keys: the Chinese words are data the server sends and expects, the
// labels come from locales/parts/member.js.
export const MEMBER_CATEGORIES = [['正式党员', 'full'], ['预备党员', 'probation']]
export const MEMBER_STATES = [['正常', 'normal'], ['流动', 'mobile'], ['失联', 'lost'], ['停止党籍', 'suspended'],
  ['出党', 'out'], ['去世', 'deceased'], ['转出', 'movedOut']]
const CAT = Object.fromEntries(MEMBER_CATEGORIES)
const STATE = Object.fromEntries(MEMBER_STATES)
/** 人员类别 in the UI language; unknown values as given. */
export const categoryLabel = (t, v) => (CAT[v] ? t(`member.cat.${CAT[v]}`) : v || '')
/** 党籍状态 in the UI language. */
export const stateLabel = (t, v) => (STATE[v] ? t(`member.state.${STATE[v]}`) : v || '')
/** A tag colour for a state (normal green, the rest warning or grey). */
export const stateType = (v) => ({ 正常: 'success', 流动: 'warning', 失联: 'danger' }[v] || 'info')
