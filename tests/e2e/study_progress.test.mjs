// 学时完成情况 and 我的学时 in the browser, on the demo's credits.  The city, at 1440 px, opens the
// page from the 学习培训 group of the menu, reads the city's figures as the API gives them, drills
// from a district's 未达标 to the members behind it (as many as the figure), opens the district's
// organizations ranked by share, exports the ranking, and finds the study figure on a branch's
// scorecard, which opens its members.  The member, on a 390 px phone, reads their hours, what is
// left and every credit behind the total with its source.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openBrowser, loginAs, apiAs, shot, until, downloadXlsx, openMenuItem, USERS, PHONE } from './lib.mjs'

const WIDE = { width: 1440, height: 900 }
const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)
const ready = () => USERS.city && USERS.member

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
  const api = await apiAs('member')
  const me = (await api.get('/api/me/study/progress')).body
  const b = await openBrowser({ viewport: PHONE })
  try {
    const { page } = b
    await loginAs(page, 'member')
    await page.goto('/me/study/hours')
    await page.getByRole('heading', { level: 1, name: '我的学时' }).waitFor()
    if (!me.minutes && me.minutes !== 0) {   // an account without a member record: told so
      await page.getByTestId('my-study-unlinked').waitFor()
      return
    }
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
