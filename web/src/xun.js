// Days and 旬 (ten-day periods) in the browser, as the server writes them:
// days "YYYY-MM-DD" (local), periods "YYYY-MM-X" with X = 1 上旬, 2 中旬, 3 下旬.
export const pad2 = (n) => String(n).padStart(2, '0')
export const ymd = (d) => `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`
export const today = () => ymd(new Date())
export const isDay = (s) => typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s)

export function addDays(s, n) {
  const [y, m, d] = s.split('-').map(Number)
  return ymd(new Date(y, m - 1, d + n))
}

/** The last day of the 旬 a day falls in (the 10th, the 20th or the month's end). */
export function xunEnd(s) {
  const [y, m, d] = s.split('-').map(Number)
  const end = d <= 10 ? 10 : d <= 20 ? 20 : new Date(y, m, 0).getDate()
  return `${y}-${pad2(m)}-${pad2(end)}`
}

export const PERIOD = /^(\d{4})-(\d{1,2})-([123])$/
/** "1" | "2" | "3" of a period, "" when it is not one. */
export const xunOf = (p) => { const m = PERIOD.exec(String(p || '')); return m ? m[3] : '' }

/** The period n 旬 after p (n < 0: before), "" for a malformed p. */
export function periodStep(p, n) {
  const m = PERIOD.exec(p)
  if (!m) return ''
  let i = Number(m[1]) * 36 + (Number(m[2]) - 1) * 3 + (Number(m[3]) - 1) + n
  const y = Math.floor(i / 36); i -= y * 36
  return `${y}-${pad2(Math.floor(i / 3) + 1)}-${(i % 3) + 1}`
}

/** The last 旬 that has ended before the given date: [year, month, x]. */
export function lastEndedXun(d = new Date()) {
  const day = d.getDate()
  if (day > 20) return [d.getFullYear(), d.getMonth() + 1, 2]
  if (day > 10) return [d.getFullYear(), d.getMonth() + 1, 1]
  return d.getMonth() === 0 ? [d.getFullYear() - 1, 12, 3] : [d.getFullYear(), d.getMonth(), 3]
}

// ---- the one "as of" rule ----
// Every page that shows figures as of a day (工作台, 覆盖率, 组织详情, 规则提示) starts on the same day, the
// server's (GET /api/asof, coverage_asof_rule): the latest day the data speaks of — today while the
// organizations changed within the last half year, else the last day of the 旬 of the city's latest change
// (the demo: 2018-06-30) — the same for every user whatever their scope.  Asked afresh each time (a change
// just recorded moves it); calls made together share one request.
let asOfAsked = null
/** The default as-of day ("YYYY-MM-DD"); today when it cannot be asked (no org.read, offline). */
export function asOfDefault() {
  if (!asOfAsked) {
    asOfAsked = import('./api.js')
      .then(({ api }) => api.get('/api/asof'))
      .then((r) => (r && isDay(r.date) ? r.date : today()))
      .catch(() => today())
      .finally(() => { asOfAsked = null })
  }
  return asOfAsked
}
