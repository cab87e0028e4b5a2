// 学时完成情况 and 我的学时 in the browser, on the demo's credits.  The city, at 1440 px, opens the
// page from the 学习培训 group of the menu, reads the city's figures as the API gives them, drills
// from a district's 未达标 to the members behind it (as many as the figure), opens the district's
// organizations ranked by share, exports the ranking, and finds the study figure on a branch's
// scorecard, which opens its members.  The member, on a 390 px phone, reads their hours, what is
// left and every credit behind the total with its source.
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { openBrowser, loginAs, apiAs, shot, until, downloadXlsx, openMenuItem, USERS, PHONE } from './lib.mjs'

const WIDE = { width: 1440, height: 900 }
const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)
const here = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.join(here, '..', '..')
const STATE = process.env.E2E_STATE || ''
const DB = path.join(STATE, 'ejia.db')
const ready = () => STATE && USERS.city
function sql(q) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', DB, q], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`)
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'))
}

before(() => {
  if (!ready()) return
  // a member's own account: a member of the demo with credits this year and no account yet
  const pass = `E2e-${Math.random().toString(16).slice(2, 10)}-Pw!`
  const bin = process.env.E2E_EJIA || path.join(ROOT, 'ejia')
  const u = spawnSync(bin, ['user', 'add', '--db', DB, '--username', 'e2e_study_member', '--role', 'member'], { input: pass + '\n', encoding: 'utf8' })
  if (u.status !== 0) throw new Error(`ejia user add: ${u.stderr}`)
  USERS.study_member = { username: 'e2e_study_member', password: pass }
  const [[pid]] = sql(`SELECT m.person_id FROM member m JOIN person p ON p.id = m.person_id WHERE p.user_id IS NULL
    AND (SELECT COUNT(*) FROM study_credit c WHERE c.person_id = m.person_id) >= 2 ORDER BY m.person_id LIMIT 1`)
  sql(`UPDATE person SET user_id = (SELECT id FROM users WHERE username = 'e2e_study_member') WHERE id = ${pid}`)
})

test('the city reads the completion figures at 1440 px and drills to the members behind them', { skip: !ready() && 'no e2e users' }, async () => {
  const api = await apiAs('city')
  const want = (await api.get('/api/study/progress?city=1&size=100')).body
  assert.ok(want.reached > 0 && want.not_reached > 0, JSON.stringify(want))
  const dist = want.items.find((x) => x.not_reached > 0)
  const b = await openBrowser({ viewport: WIDE })
  try {
    const { page } = b
    await loginAs(page, 'city')
    await openMenuItem(page, 'study-progress', '学习培训')
    await page.waitForURL(/\/study\/progress/)
    await page.getByRole('heading', { level: 1, name: '学时完成情况' }).waitFor()
    await until(async () => (await page.getByTestId('study-fig-share').innerText()).trim() === want.share, 'the city\'s share')
    assert.equal((await page.getByTestId('study-fig-reached').innerText()).replace(/,/g, ''), String(want.reached))
    assert.equal((await page.getByTestId('study-fig-not-reached').innerText()).replace(/,/g, ''), String(want.not_reached))
    const row = page.getByTestId('study-progress-table').locator('tr.study-progress-row').filter({ hasText: dist.name })
    await row.waitFor()
    assert.match(await row.innerText(), new RegExp(`${dist.rank}[\\s\\S]*${dist.name}[\\s\\S]*${dist.share.replace('.', '\\.')}`))
    await downloadXlsx(page, page.getByRole('link', { name: '导出 Excel' }).first())
    await shot(page, 'study-progress-desktop')
    // the district's 未达标 → the members behind it
    await row.locator('.study-not-reached').click()
    await page.waitForURL(/\/study\/progress\/members\?.*district=/)
    const members = page.getByTestId('study-members-table').locator('tr.study-member-row')
    await members.first().waitFor()
    await until(async () => (await page.getByTestId('study-members-total').innerText()).replace(/,/g, '') === `(${dist.not_reached})`, 'as many members as the figure')
    assert.match(await members.first().innerText(), /未达标/)
    await shot(page, 'study-progress-members-desktop')
    // back: the district's row opens its organizations, ranked
    await page.getByTestId('study-members-back').click()
    await page.waitForURL(/\/study\/progress(\?|$)/)
    await page.getByTestId('study-progress-table').locator('tr.study-progress-row').filter({ hasText: dist.name }).locator('.study-open').click()
    await until(async () => (await page.getByTestId('study-within').count()) === 1, 'the district\'s organizations')
    await page.getByRole('heading', { name: /各党组织达标排名/ }).waitFor()
    const orgs = (await api.get(`/api/study/progress?district=${dist.code}&size=5`)).body
    await page.getByTestId('study-progress-table').locator('tr.study-progress-row').filter({ hasText: orgs.items[0].name }).first().waitFor()
    // a branch's scorecard shows its study figure, which opens its members not reached
    const org = orgs.items.find((x) => x.not_reached > 0) || orgs.items[0]
    await page.goto(`/orgs/${org.id}?tab=meetings`)
    await page.getByTestId('sc-study').waitFor()
    assert.equal((await page.getByTestId('sc-study-share').innerText()).trim(), org.share)
    assert.equal((await page.getByTestId('sc-study-not').innerText()).trim(), String(org.not_reached))
    await shot(page, 'study-scorecard-desktop')
    await page.getByTestId('sc-study-not').click()
    await page.waitForURL(/\/study\/progress\/members\?.*org_id=/)
    if (org.not_reached > 0) await members.first().waitFor()
  } finally { await b.close() }
})

test('the member reads their hours, what is left and every credit at 390 px', { skip: !ready() && 'no e2e users' }, async () => {
  const api = await apiAs('study_member')
  const me = (await api.get('/api/me/study/progress')).body
  assert.ok(me.minutes > 0 && me.credits.length >= 2, JSON.stringify(me))
  const b = await openBrowser({ viewport: PHONE })
  try {
    const { page } = b
    await loginAs(page, 'study_member')
    await page.getByRole('button', { name: '打开菜单' }).click()
    await page.locator('.el-drawer [data-menu="my-study-hours"]').click()   // a page of its own in the menu
    await page.waitForURL(/\/me\/study\/hours/)
    await page.getByRole('heading', { level: 1, name: '我的学时' }).waitFor()
    const h = (m) => (Math.round(m / 6) / 10).toLocaleString('zh-CN')
    await until(async () => (await page.getByTestId('my-study-hours').innerText()).includes(h(me.minutes)), 'my hours')
    const left = await page.getByTestId('my-study-left').innerText()
    assert.ok(me.reached ? /已达标/.test(left) : left.includes(`还差 ${h(me.left_minutes)} 学时`), left)
    const credits = page.locator('.my-study-credit')
    await until(async () => (await credits.count()) === me.credits.length, 'every credit')
    if (me.credits.length) assert.match(await credits.first().innerText(), new RegExp(`${me.credits[0].day}[\\s\\S]*${me.credits[0].source_label}`))
    assert.ok(await noHScroll(page), 'no sideways scrolling at 390 px')
    await shot(page, 'my-study-hours-phone')
  } finally { await b.close() }
})
