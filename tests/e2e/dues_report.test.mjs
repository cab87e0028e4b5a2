// 党费收缴情况 and 自行脱党预警 in the browser.  The spec's database gets a branch's dues sheets
// for the eight months before this one, written in SQL into the run's SQLite file (the pages
// read only these rows): one member unpaid every month, one paid.  The city, at 1440 px, opens
// the collection report by district, finds the branch's district with the figures the API
// gives, opens the sheets behind the row and the branch's scorecard with its dues; the
// branch's secretary, on a 390 px phone, sees the warning (the 支部大会 decides, nothing is
// changed), the member, the reason and the months behind it, and the report as cards.
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { openBrowser, loginAs, apiAs, shot, until, downloadXlsx, openMenuItem, USERS, PHONE } from './lib.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.join(here, '..', '..')
const WIDE = { width: 1440, height: 900 }
const STATE = process.env.E2E_STATE || ''
const DB = path.join(STATE, 'ejia.db')
const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)
const addMonth = (m, k) => {
  const [y, mo] = m.split('-').map(Number)
  const n = y * 12 + (mo - 1) + k
  return `${Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`
}
function sql(q) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', DB, q], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`)
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'))
}

let branch, branchName, last, P = []
const ready = () => STATE && USERS.city

before(() => {
  if (!ready()) return
  // a living branch of 思明区 with three members in the party
  const [[id, p, pk, name]] = sql("SELECT o.id, o.path, COALESCE(o.park_code, ''), o.name FROM org o WHERE o.kind = '党支部' AND o.dissolved_on IS NULL AND o.district_code = '350203' AND (SELECT COUNT(*) FROM member m WHERE m.org_id = o.id AND m.state = '正常') >= 3 ORDER BY o.id LIMIT 1")
  branch = Number(id); branchName = name
  P = sql(`SELECT person_id, name FROM member WHERE org_id = ${branch} AND state = '正常' ORDER BY person_id LIMIT 2`)
  const thisMonth = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 7)   // China's month
  last = addMonth(thisMonth, -1)
  // the demo's own sheets of the branch go (its payments stay: the pages read the sheets)
  sql(`DELETE FROM dues_line WHERE sheet_id IN (SELECT id FROM dues_sheet WHERE org_id = ${branch})`)
  sql(`DELETE FROM dues_sheet WHERE org_id = ${branch}`)
  for (let k = 9; k >= 1; k--) {
    const m = addMonth(thisMonth, -k)
    sql(`INSERT INTO dues_sheet(org_id, month, org_path, district_code, park_code, members, due_fen, paid_fen, paid_members, nobase, made_at)
         VALUES (${branch}, '${m}', '${p}', '350203', NULLIF('${pk}', ''), 2, 3500, 2000, 1, 0, 1767225600)`)
    const [[sid]] = sql(`SELECT id FROM dues_sheet WHERE org_id = ${branch} AND month = '${m}'`)
    sql(`INSERT INTO dues_line(sheet_id, person_id, month, org_id, kind, due_fen, state, paid_fen) VALUES
         (${sid}, ${P[0][0]}, '${m}', ${branch}, 'employee', 1500, 'owed', 0), (${sid}, ${P[1][0]}, '${m}', ${branch}, 'employee', 2000, 'paid', 2000)`)
  }
  // the branch's secretary
  const pass = `E2e-${Math.random().toString(16).slice(2, 10)}-Pw!`
  const bin = process.env.E2E_EJIA || path.join(ROOT, 'ejia')
  const u = spawnSync(bin, ['user', 'add', '--db', DB, '--username', 'e2e_dues_secretary', '--role', 'secretary', '--scope', String(branch)], { input: pass + '\n', encoding: 'utf8' })
  if (u.status !== 0) throw new Error(`ejia user add: ${u.stderr}`)
  USERS.dues_secretary = { username: 'e2e_dues_secretary', password: pass }
})

test('the city reads the collection by district at 1440 px and opens the sheets behind a row', { skip: !ready() && 'no e2e state or city user' }, async () => {
  const api = await apiAs('city')
  const want = (await api.get(`/api/dues/reports?period=${last}&by=district`)).body
  const siming = want.items.find((x) => x.code === '350203')
  assert.ok(siming && siming.due_fen >= 3500, JSON.stringify(want))
  const b = await openBrowser({ viewport: WIDE })
  try {
    const { page } = b
    await loginAs(page, 'city')
    // from the side menu
    await openMenuItem(page, 'dues-reports', '党费管理')
    await page.waitForURL(/\/dues\/reports/)
    await page.getByRole('heading', { level: 1, name: '党费收缴情况' }).waitFor()
    await page.goto(`/dues/reports?period=${last}&by=district`)
    const row = page.getByTestId('dues-report-table').locator('tr.dues-report-row').filter({ hasText: siming.name })
    await row.waitFor()
    const cells = (await row.locator('td').allInnerTexts()).map((x) => x.trim())
    assert.ok(cells.includes(siming.due), `${cells} has ${siming.due}`)
    assert.ok(cells.includes(siming.paid), `${cells} has ${siming.paid}`)
    assert.ok(cells.includes(siming.rate_text))
    await until(async () => (await page.getByTestId('dues-report-sum').innerText()).includes(want.sum.due), 'the total under the heading')
    await downloadXlsx(page, page.getByRole('link', { name: '导出 Excel' }).first())
    await shot(page, 'dues-report-desktop')
    // the district's row opens its organizations; the branch's row its sheets
    await row.locator('a').first().click()
    await page.waitForURL(/by=org/)
    assert.match(page.url(), /district=350203/)
    await page.getByTestId('dues-report-table').locator('tr.dues-report-row').first().waitFor()
    // the branch among them (a link names it)
    await page.goto(`/dues/reports?period=${last}&by=org&org_id=${branch}`)
    const brow = page.getByTestId('dues-report-table').locator('tr.dues-report-row').filter({ hasText: branchName })
    await brow.waitFor()
    assert.ok((await brow.locator('td').allInnerTexts()).map((x) => x.trim()).includes('35.00'))
    await brow.locator('.dues-sheets-link').click()
    await page.waitForURL(/\/dues\/reports\/sheets\?.*own=1/)
    const sheets = page.getByTestId('dues-sheets-table').locator('tr.dues-sheet-row')
    await until(async () => (await sheets.count()) === 1, 'the branch\'s one sheet of the month')
    assert.match(await sheets.first().innerText(), new RegExp(`${last}[\\s\\S]*${branchName}[\\s\\S]*35\\.00[\\s\\S]*20\\.00`))
    await shot(page, 'dues-report-sheets-desktop')
    // the branch's scorecard shows the dues of that month, which open the same sheets
    await page.goto(`/orgs/${branch}?tab=meetings&period=${last}`)
    const sc = page.getByTestId('sc-dues')
    await sc.waitFor()
    assert.equal((await page.getByTestId('sc-dues-month').innerText()).trim(), '57.1%')
    assert.equal((await page.getByTestId('sc-dues-owing').innerText()).trim(), '1')
    await shot(page, 'dues-scorecard-desktop')
    await page.getByTestId('sc-dues-month').click()
    await page.waitForURL(/\/dues\/reports\/sheets/)
    await until(async () => (await sheets.count()) === 1, 'the month\'s sheet from the scorecard')
  } finally { await b.close() }
})

test('the secretary sees the 自行脱党 warning and the report on a 390 px phone', { skip: !ready() && 'no e2e state or city user' }, async () => {
  const b = await openBrowser({ viewport: PHONE })
  try {
    const { page } = b
    await loginAs(page, 'dues_secretary')
    await page.getByRole('button', { name: '打开菜单' }).click()
    await openMenuItem(page, 'dues-arrears', '党费管理')
    await page.waitForURL(/\/dues\/arrears/)
    await page.getByRole('heading', { level: 1, name: '自行脱党预警' }).waitFor()
    assert.match(await page.getByTestId('arrears-decide').innerText(), /支部大会讨论决定[\s\S]*不会改变任何人的党籍/)
    const person = page.locator(`.arrears-person[data-person="${P[0][0]}"]`)
    await person.waitFor()
    assert.match(await person.innerText(), new RegExp(`${P[0][1]}[\\s\\S]*连续未交纳党费[\\s\\S]*至 ${last}，连续 [89] 个月`))
    assert.equal(await page.locator(`.arrears-person[data-person="${P[1][0]}"]`).count(), 0, 'the member who paid is not listed')
    // the months behind it
    await person.locator('summary').first().click()
    const recs = person.locator('.arrears-record')
    await until(async () => (await recs.count()) >= 8, 'the unpaid months')
    assert.match(await recs.last().innerText(), new RegExp(`${last}[\\s\\S]*未交[\\s\\S]*应交 15\\.00 元`))
    assert.ok(await noHScroll(page), 'no sideways scrolling at 390 px')
    await shot(page, 'dues-arrears-phone')
    // a record opens the sheet it comes from
    await recs.last().getByRole('link').click()
    await page.waitForURL(/\/dues\/reports\/sheets\?period=.*own=1/)
    await page.getByTestId('dues-sheets-table').locator('.dues-sheet-row').first().waitFor()
    // the report as cards
    await page.goto(`/dues/reports?period=${last}`)
    const card = page.getByTestId('dues-report-table').locator('.dues-report-row').filter({ hasText: branchName })
    await card.waitFor()
    assert.match(await card.innerText(), /35\.00[\s\S]*20\.00[\s\S]*57\.1%/)
    assert.ok(await noHScroll(page), 'no sideways scrolling at 390 px')
    await shot(page, 'dues-report-phone')
  } finally { await b.close() }
})
