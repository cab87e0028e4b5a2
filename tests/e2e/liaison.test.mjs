// 领导挂钩联系 in the browser (issue 23, "a leader's visit is recorded and shown").  The spec makes
// its own links through the API as the city office: the district user (思明区) linked as a leader to
// a 思明 enterprise ninety days ago, with a visit sixty days ago whose problem (no due day: the
// setting's 30 days) is now thirty days overdue; the city user linked to the investor's enterprise
// with a visit.  At 1440 px the district user sees the problem in 走访问题超期 (and exports the list),
// opens 我的挂钩企业, records today's visit with a new problem, closes the overdue one — which leaves
// the overdue list — and opens the enterprise's register page: the linked leader and today's visit,
// the problem closed.  At 390 px the investor's 本企业 page shows the linked leader's name and the
// last visit's day (no problems), and 我的挂钩企业 and the overdue list fit the phone's width.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openBrowser, loginAs, apiAs, shot, until, toastSeen, downloadXlsx, openMenuItem, USERS, PHONE } from './lib.mjs'

const WIDE = { width: 1440, height: 900 }
const dayOf = (t) => new Date(t + 8 * 3600 * 1000).toISOString().slice(0, 10)
const addDays = (day, n) => new Date(Date.parse(day + 'T00:00:00Z') + n * 86400000).toISOString().slice(0, 10)
const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)
const tag = String.fromCharCode(0x4e00 + Math.floor(Math.random() * 2000))
const PROB = `企业党员活动场地不足${tag}`
const NEW = `青年骨干入党积极分子培训名额${tag}`

let made = null
async function setUp() {
  if (made) return made
  const city = await apiAs('city'), dist = await apiAs('district')
  const leader = (await dist.get('/api/me')).body.user
  const cityUser = (await city.get('/api/me')).body.user
  // the server's today (the enterprise endpoint answers with it)
  const ents = (await city.get('/api/register/enterprises?district=350203&size=100')).body.items
  let ent = null, today = null
  for (const e of ents) {
    const r = await city.get(`/api/liaison/enterprises/${e.id}`)
    today = r.body.day
    if (!r.body.history.length) { ent = e; break }
  }
  assert.ok(ent, 'a 思明 enterprise nobody is linked to')
  let r = await city.post('/api/liaison/links', { leader_id: leader.id, enterprise_id: ent.id, title: '区委常委、组织部部长', from_day: addDays(today, -90) })
  assert.equal(r.status, 201, JSON.stringify(r.body))
  const link = r.body.id
  r = await city.post(`/api/liaison/links/${link}/visits`, { day: addDays(today, -60), met: '总经理 陈志远；党支部书记 林晓燕',
    problems: [{ description: PROB, follow_up: '协调街道党群服务中心提供场地', owner: '街道党工委' }] })
  assert.equal(r.status, 201, JSON.stringify(r.body))
  const problem = r.body.problems[0].id
  // the investor's enterprise: the city user linked, visited ten days ago
  const inv = USERS.investor ? (await (await apiAs('investor')).get('/api/me')).body.user.scope.code : null
  let invVisit = null
  if (inv) {
    const cur = (await city.get(`/api/liaison/enterprises/${inv}`)).body
    let l = cur.links.find((x) => x.leader_id === cityUser.id)
    if (!l) {
      r = await city.post('/api/liaison/links', { leader_id: cityUser.id, enterprise_id: Number(inv), title: '市委常委、组织部部长', from_day: addDays(today, -30) })
      assert.equal(r.status, 201, JSON.stringify(r.body))
      l = { id: r.body.id }
    }
    invVisit = addDays(today, -10)
    r = await city.post(`/api/liaison/links/${l.id}/visits`, { day: invVisit, met: '董事长', problems: [{ description: '人才公寓申请', follow_up: '对接区人才办', owner: '区人才办' }] })
    assert.equal(r.status, 201, JSON.stringify(r.body))
  }
  made = { ent, link, problem, today, leader, cityUser, inv, invVisit }
  return made
}

test('a leader sees the overdue problem, records a visit, closes the problem; the enterprise page shows it (1440 px)',
  { skip: !(USERS.city && USERS.district) && 'needs the city and district users' }, async () => {
    const m = await setUp()
    const b = await openBrowser({ viewport: WIDE, bypassCSP: true })
    try {
      const { page } = b
      await loginAs(page, 'district')
      // 走访问题超期: the problem, thirty days over, in the district's list; the list as a workbook
      await openMenuItem(page, 'liaison-overdue', '领导挂钩联系')
      await page.getByRole('heading', { level: 1, name: '走访问题超期未办结' }).waitFor()
      const row = page.locator('[data-testid="liaison-overdue-table"] .overdue-row', { hasText: PROB })
      await row.waitFor()
      assert.equal((await row.getByTestId('liaison-days-over').innerText()).trim(), '30')
      await shot(page, 'liaison-overdue-1440')
      await downloadXlsx(page, page.getByTestId('export-xlsx').first())

      // 我的挂钩企业: the enterprise, the last visit sixty days ago, the overdue problem
      await openMenuItem(page, 'liaison-mine', '领导挂钩联系')
      const card = page.locator(`[data-testid="liaison-mine-ent"][data-enterprise="${m.ent.id}"]`)
      await card.waitFor()
      await until(async () => (await card.getByTestId('liaison-mine-last').innerText()).includes(addDays(m.today, -60)), 'the last visit sixty days ago')
      await card.locator(`[data-testid="liaison-problem"][data-id="${m.problem}"][data-state="overdue"]`).waitFor()
      await shot(page, 'liaison-mine-1440')

      // a visit today, with a new problem (its due day left to the setting)
      await card.getByTestId('liaison-visit-open').click()
      const form = page.getByTestId('liaison-visit-form')
      await form.waitFor()
      await form.getByTestId('liaison-visit-met').fill('人事经理 吴丽；党支部书记 林晓燕')
      await form.getByTestId('liaison-visit-summary').fill('回访场地问题，了解青年人才情况')
      await form.getByTestId('liaison-add-problem').click()
      await form.getByTestId('liaison-problem-description').fill(NEW)
      await form.getByTestId('liaison-problem-follow').fill('纳入下期培训班计划')
      await form.getByTestId('liaison-problem-owner').fill('区委组织部')
      await shot(page, 'liaison-visit-form-1440')
      await form.getByTestId('liaison-visit-save').click()
      await until(() => toastSeen(page, '走访已登记'), 'the visit saved')
      await until(async () => (await card.getByTestId('liaison-mine-last').innerText()).includes(m.today), 'the last visit today')
      await card.locator('[data-testid="liaison-problem"][data-state="open"]', { hasText: NEW }).waitFor()

      // the overdue problem closed
      await card.locator(`[data-testid="liaison-problem"][data-id="${m.problem}"]`).getByTestId('liaison-close-open').click()
      const close = page.getByTestId('liaison-close-form')
      await close.waitFor()
      await close.getByTestId('liaison-close-result').fill('已协调街道党群服务中心每月提供活动室')
      await close.getByTestId('liaison-close-save').click()
      await until(() => toastSeen(page, '问题已销号'), 'the problem closed')
      await card.locator(`[data-testid="liaison-problem"][data-id="${m.problem}"]`).waitFor({ state: 'detached' })

      // it leaves the overdue list
      await openMenuItem(page, 'liaison-overdue', '领导挂钩联系')
      await page.getByTestId('liaison-overdue-table').waitFor()
      await b.ready()
      assert.equal(await page.locator('[data-testid="liaison-overdue-table"] .overdue-row', { hasText: PROB }).count(), 0)

      // the enterprise's register page: the leader linked, today's visit, the problem closed
      await page.goto(`/register/enterprises/${m.ent.id}`)
      const sec = page.getByTestId('liaison-ent')
      await sec.locator(`[data-testid="liaison-link"][data-leader="${m.leader.id}"]`).waitFor()
      assert.match(await sec.getByTestId('liaison-last-visit').innerText(), new RegExp(m.today))
      await sec.locator(`[data-testid="liaison-problem"][data-id="${m.problem}"][data-state="closed"]`).waitFor()
      await sec.locator('[data-testid="liaison-problem"][data-state="open"]', { hasText: NEW }).waitFor()
      await shot(page, 'liaison-enterprise-1440')
      assert.deepEqual(b.problems, [], 'no console errors')
    } finally { await b.close() }
  })

test('at 390 px: the investor sees the linked leader and the last visit; 我的挂钩企业 and the overdue list fit the phone',
  { skip: !(USERS.city && USERS.district && USERS.investor) && 'needs the city, district and investor users' }, async () => {
    const m = await setUp()
    const inv = await openBrowser({ viewport: PHONE, bypassCSP: true })
    try {
      const { page } = inv
      await loginAs(page, 'investor')
      await page.goto('/enterprise')
      const who = page.getByTestId('ent-liaison')
      await until(async () => (await who.isVisible()) && (await who.innerText()).includes(m.cityUser.name), 'the linked leader\'s name')
      assert.equal((await page.getByTestId('ent-liaison-visit').innerText()).trim(), m.invVisit)
      assert.ok(!(await page.locator('body').innerText()).includes('人才公寓申请'), 'no problems\' text for the enterprise')
      assert.ok(await noHScroll(page), 'no sideways scrolling')
      await shot(page, 'liaison-my-enterprise-390')
    } finally { await inv.close() }
    const ph = await openBrowser({ viewport: PHONE, bypassCSP: true })
    try {
      const { page } = ph
      await loginAs(page, 'district')
      await page.goto('/liaison/mine')
      await page.locator(`[data-testid="liaison-mine-ent"][data-enterprise="${m.ent.id}"]`).waitFor()
      await ph.ready()
      assert.ok(await noHScroll(page), 'no sideways scrolling')
      await shot(page, 'liaison-mine-390')
      await page.goto('/liaison/overdue')
      await page.getByTestId('liaison-overdue-table').waitFor()
      await ph.ready()
      assert.ok(await noHScroll(page), 'no sideways scrolling')
      await shot(page, 'liaison-overdue-390')
    } finally { await ph.close() }
  })
