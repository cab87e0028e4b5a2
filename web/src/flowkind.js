// 流动党员: the reasons for going as the server names them (flow_reasons in src/flow/flow.c) and
// their i18n keys: the Chinese words are data the server sends and expects, the labels come
// from locales/parts/flow.js.
export const FLOW_REASONS = [['务工经商', 'work'], ['学习进修', 'study'], ['随迁投亲', 'family'], ['待业', 'jobless'], ['其他', 'other']]
const REASON = Object.fromEntries(FLOW_REASONS)
/** A reason in the UI language; unknown values as given. */
export const reasonLabel = (t, v) => (REASON[v] ? t(`flow.reasons.${REASON[v]}`) : v || '')
