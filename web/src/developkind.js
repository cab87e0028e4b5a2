// Developing new members: the values the server names (the five stages, the status of a
// file, the kinds of document) and their i18n keys.  The Chinese words are data the server
// sends and expects; the labels come from locales/parts/develop.js.
export const DEVELOP_STAGES = [['入党申请人', 'applicant'], ['入党积极分子', 'activist'], ['发展对象', 'target'],
  ['预备党员', 'probation'], ['正式党员', 'full']]
export const DEVELOP_STATUSES = ['pending', 'refused', 'active', 'cancelled', 'done']
export const DOC_KINDS = ['application', 'review', 'vote', 'other']
const STAGE = Object.fromEntries(DEVELOP_STAGES)
/** A stage in the UI language; unknown values as given. */
export const stageLabel = (t, v) => (STAGE[v] ? t(`develop.stage.${STAGE[v]}`) : v || '')
/** A file's status in the UI language. */
export const statusLabel = (t, v) => (DEVELOP_STATUSES.includes(v) ? t(`develop.status.${v}`) : v || '')
export const statusType = (v) => ({ pending: 'warning', refused: 'danger', active: 'primary', cancelled: 'info', done: 'success' }[v] || 'info')
/** The tag colour of a stage. */
export const stageType = (v) => ({ 入党申请人: 'info', 入党积极分子: 'primary', 发展对象: 'warning', 预备党员: 'danger', 正式党员: 'success' }[v] || 'info')
const utc = (day) => { const [y, m, d] = String(day).split('-').map(Number); return Date.UTC(y, m - 1, d) }
/** The browser's day as YYYY-MM-DD. */
export function todayDay() {
  const n = new Date()
  return `${n.getFullYear()}-${String(n.getMonth() + 1).padStart(2, '0')}-${String(n.getDate()).padStart(2, '0')}`
}
/** Days from `from` (YYYY-MM-DD, default the browser's day; the server's as_of when known) to
 *  a YYYY-MM-DD day; negative when past. */
export function daysTo(day, from) {
  if (!day) return null
  return Math.round((utc(day) - utc(from || todayDay())) / 86400000)
}
/** A deadline's state: 'overdue', 'soon' (within 30 days) or '' (later or none). */
export function dueState(day, from) {
  const n = daysTo(day, from)
  if (n === null) return ''
  if (n < 0) return 'overdue'
  return n <= 30 ? 'soon' : ''
}
