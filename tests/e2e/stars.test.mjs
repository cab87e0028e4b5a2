// 星级评定 and 星级权益 in the browser, on the demo (last year's stars published, this year's a
// draft; four benefits with the organizations' applications, the venue allocated).  The city, at
// 1440 px, opens 星级评定 from the menu, reads the thresholds and an organization's figures behind
// its stars as the API gives them, exports the rating, then opens an earlier year through the
// dialog, confirms and publishes it; the organization's page shows its current stars.  A district
// office, on a 390 px phone, sees only its own organizations.  A member of the secretary's branch,
// on a 390 px phone, applies for the training places and sees the application; the city, at 1440 px,
// allocates the places and reads each applicant's reason.
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { openBrowser, loginAs, apiAs, shot, until, toastSeen, downloadXlsx, USERS, PHONE } from './lib.mjs'

const WIDE = { width: 1440, height: 900 }
const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)
const here = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.join(here, '..', '..')
const STATE = process.env.E2E_STATE || ''
const DB = path.join(STATE, 'ejia.db')
function sql(q) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', DB, q], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`)
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'))
}

before(async () => {
  if (!(STATE && USERS.secretary)) return
  // a member's own account: a member of the secretary's branch without one yet
  const sec = await apiAs('secretary')
  const org = (await sec.get('/api/me')).body.user.scope.code
  const pass = `E2e-${Math.random().toString(16).slice(2, 10)}-Pw!`
  const bin = process.env.E2E_EJIA || path.join(ROOT, 'ejia')
  const u = spawnSync(bin, ['user', 'add', '--db', DB, '--username', 'e2e_stars_member', '--role', 'member'], { input: pass + '\n', encoding: 'utf8' })
  if (u.status !== 0) throw new Error(`ejia user add: ${u.stderr}`)
  USERS.stars_member = { username: 'e2e_stars_member', password: pass }
  const [[pid]] = sql(`SELECT m.person_id FROM member m JOIN person p ON p.id = m.person_id WHERE p.user_id IS NULL AND m.org_path LIKE '%/${Number(org)}/%' AND m.state = '正常' ORDER BY m.person_id LIMIT 1`)
  sql(`UPDATE person SET user_id = (SELECT id FROM users WHERE username = 'e2e_stars_member') WHERE id = ${pid}`)
})

test('the city reads the stars and their figures, exports, opens, confirms and publishes a year at 1440 px', { skip: !USERS.city && 'no city user' }, async () => {
  const api = await apiAs('city')
  const list = (await api.get('/api/stars')).body.items
  const draft = list.find((x) => x.state === 'draft')
  const published = list.find((x) => x.state === 'published')
  assert.ok(draft && published, 'the demo has this year\'s draft and last year\'s published stars')
  const want = (await api.get(`/api/stars/${list[0].id}`)).body
  const first = want.rows[0]
  const b = await openBrowser({ viewport: WIDE })
  try {
    const { page } = b
    await loginAs(page, 'city')
    await page.getByTestId('side-menu').locator('[data-menu="stars"]').first().click()
    await page.waitForURL(/\/stars$/)
    await page.getByRole('heading', { level: 1, name: '星级评定' }).waitFor()
    await until(async () => (await page.getByTestId('stars-state').count()) === 1, 'the newest period chosen')
    assert.equal((await page.getByTestId('stars-state').innerText()).trim(), list[0].state_name)
    assert.match(await page.getByTestId('stars-thresholds').innerText(), new RegExp(`5 星 ≥ ${want.thresholds[4].min} 分`))
    // the first organization: its stars and, unfolded, the figures behind them
    const row = page.locator(`[data-testid="stars-row"][data-org="${first.org_id}"]`)
    await row.waitFor()
    assert.equal(Number(await row.getByTestId('star-level').getAttribute('data-level')), first.stars)
    await row.getByTestId('stars-why').click()
    const figs = page.getByTestId('stars-figures').first()
    await figs.waitFor()
    assert.equal(await figs.locator('li').count(), 5)
    assert.match(await figs.locator('li[data-key="coverage"]').innerText(), /按区、园区统计/)
    await shot(page, 'stars-desktop')
    await downloadXlsx(page, page.getByTestId('export-xlsx').first())
    // an earlier year: open, confirm (the city: every organization), publish
    const have = new Set(list.map((x) => x.period))
    let year = Number(draft.period)
    while (have.has(String(year))) year--
    await page.getByTestId('stars-open').click()
    await page.getByTestId('stars-open-dialog').waitFor()
    await page.locator('input[data-testid="stars-open-period"], [data-testid="stars-open-period"] input').first().fill(String(year))
    await page.getByTestId('stars-open-submit').click()
    await until(() => toastSeen(page, `${year} 星级评定已开启`), 'the opened toast')
    await until(async () => (await page.getByTestId('stars-period').innerText()).includes(String(year)), 'the new period chosen')
    await page.getByTestId('stars-confirm').click()
    await until(() => toastSeen(page, `已确认本辖区党组织 ${year} 的星级`), 'the confirmed toast')
    await until(async () => (await page.getByTestId('stars-state').innerText()).trim() === '已确认', 'the state 已确认')
    await page.getByTestId('stars-publish').click()
    await page.locator('.el-message-box').getByRole('button', { name: '发布' }).click()
    await until(() => toastSeen(page, `${year} 星级评定已发布`), 'the published toast')
    await until(async () => (await page.getByTestId('stars-state').innerText()).trim() === '已发布', 'the state 已发布')
    assert.equal(await page.getByTestId('stars-recompute').count(), 0)
    // the organization's page: its current stars (the latest published period)
    const org = (await api.get(`/api/orgs/${first.org_id}/stars`)).body
    await page.goto(`/orgs/${first.org_id}`)
    const card = page.getByTestId('org-stars')
    await card.getByTestId('org-stars-now').waitFor()
    assert.match(await card.getByTestId('org-stars-now').innerText(), new RegExp(org.period))
    assert.equal(Number(await card.getByTestId('org-stars-now').getByTestId('star-level').getAttribute('data-level')), org.level)
    await shot(page, 'stars-org-desktop')
  } finally { await b.close() }
})

test('a district office sees only its own organizations on a 390 px phone', { skip: !USERS.district && 'no district user' }, async () => {
  const api = await apiAs('district')
  const list = (await api.get('/api/stars')).body.items
  const a = (await api.get(`/api/stars/${list[0].id}`)).body
  const b = await openBrowser({ viewport: PHONE })
  try {
    const { page } = b
    await loginAs(page, 'district')
    await page.goto('/stars')
    await page.getByRole('heading', { level: 1, name: '星级评定' }).waitFor()
    const rows = page.getByTestId('stars-row')
    await until(async () => (await rows.count()) === a.rows.length, `the district's ${a.rows.length} organizations`)
    assert.ok(a.rows.every((r) => r.district_code === '350203'))
    assert.equal(await page.getByTestId('stars-open').count(), 0)
    assert.equal(await page.getByTestId('stars-publish').count(), 0)
    assert.ok(await noHScroll(page), 'the page fits the phone')
    await shot(page, 'stars-phone')
  } finally { await b.close() }
})

test('a member applies at 390 px; the city allocates and reads the reasons at 1440 px', { skip: !(STATE && USERS.city && USERS.secretary) && 'no e2e users' }, async () => {
  let b = await openBrowser({ viewport: PHONE })
  try {
    const { page } = b
    await loginAs(page, 'stars_member')
    await page.getByRole('button', { name: '打开菜单' }).click()
    await page.locator('.el-drawer [data-menu="benefits"]').click()
    await page.waitForURL(/\/benefits$/)
    await page.getByRole('heading', { level: 1, name: '星级权益' }).waitFor()
    const card = page.locator('[data-testid="benefit-card"][data-kind="training"]')
    await card.waitFor()
    assert.equal(await page.getByTestId('benefit-card').count(), 4)
    await card.getByTestId('benefit-apply').click()
    await until(() => toastSeen(page, '已申请'), 'the applied toast')
    await card.getByTestId('benefit-applied').waitFor()
    const mine = page.getByTestId('my-app')
    await mine.first().waitFor()
    assert.match(await mine.first().innerText(), /党务骨干培训名额/)
    assert.match(await mine.first().innerText(), /待分配/)
    assert.ok(await noHScroll(page), 'the page fits the phone')
    await shot(page, 'benefits-phone')
  } finally { await b.close() }
  b = await openBrowser({ viewport: WIDE })
  try {
    const { page } = b
    await loginAs(page, 'city')
    await page.goto('/benefits')
    const card = page.locator('[data-testid="benefit-card"][data-kind="training"]')
    await card.waitFor()
    await card.getByTestId('benefit-allocate').click()
    await until(() => toastSeen(page, '已分配'), 'the allocated toast')
    const rows = page.getByTestId('alloc-row')
    await rows.first().waitFor()
    assert.match(await rows.first().innerText(), /第 1 名/)
    assert.match(await rows.first().getByTestId('alloc-reason').innerText(), /排第 1 名，名额 4 个，在名额内/)
    const member = page.locator('[data-testid="alloc-row"]', { hasText: '党员' })
    await member.first().waitFor()
    assert.match(await member.first().getByTestId('alloc-reason').innerText(), /星级→积分→申请时间→申请编号/)
    await shot(page, 'benefits-desktop')
  } finally { await b.close() }
})
