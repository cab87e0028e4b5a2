// Organizational life's values as the server names them (the kinds of meeting, a
// meeting's state, an attendee's status, the lights) and their i18n keys: the Chinese
// kinds are data the server sends and expects, the labels come from locales/parts/meeting.js.
export const MEETING_KINDS = [['支部党员大会', 'assembly'], ['支委会', 'committee'], ['党小组会', 'group'], ['党课', 'lecture'],
  ['主题党日', 'partyDay'], ['组织生活会', 'life'], ['民主评议党员', 'review'], ['谈心谈话', 'talk']]
const KIND = Object.fromEntries(MEETING_KINDS)
/** The kind in the UI language; unknown kinds as given. */
export const meetingKindLabel = (t, k) => (KIND[k] ? t(`meeting.kind.${KIND[k]}`) : k || '')
/** planned / held / locked (a held record past its lock day). */
export const meetingState = (m) => (m.state === 'held' ? (m.locked ? 'locked' : 'held') : 'planned')
export const stateTag = (s) => ({ planned: 'info', held: 'success', locked: 'warning' }[s] || 'info')
/** An attendee's status: expected, present, online, leave, absent. */
export const ATTEND = ['present', 'online', 'absent']
export const attendTag = (s) => ({ present: 'success', online: 'success', leave: 'warning', absent: 'danger' }[s] || 'info')
/** A light: green, yellow, red. */
export const lightTag = (s) => ({ green: 'success', yellow: 'warning', red: 'danger' }[s] || 'info')
/** The meetings list's query for a drill link of the API ("/api/meetings?org_id=…&kind=…"). */
export function drillQuery(url) {
  const q = {}
  const i = String(url || '').indexOf('?')
  if (i >= 0) for (const [k, v] of new URLSearchParams(url.slice(i + 1))) q[k] = v
  return q
}
/** The running quarter (what the server shows without a period). */
export function currentQuarter(d = new Date()) { return `${d.getFullYear()}-Q${Math.floor(d.getMonth() / 3) + 1}` }
/** The branch a user of an organization's scope (a secretary, an organization's administrator) works for. */
export function scopeOrg(user) {
  const sc = (user && user.scope) || {}
  return sc.kind === 'org' && sc.code ? Number(sc.code) : 0
}
