// 党群服务中心 and the 10-minute circle in the browser (issue 19).  At 1440 px the demo secretary opens
// 党群服务中心 from the menu, opens 思明区软件园党群服务中心, books its 共享会议室 for their branch (a day
// picked in the date picker), sees the booking listed, is refused an overlapping one with the server's
// Chinese message, and finds it on the branch's page.  At 390 px a member sees the centers as cards and
// a center's page without sideways scrolling, and the secretary books a room there.  The city office's
// circle: the estimate said, the shares by district, a suggestion tried (the shares count it); on the map
// the centers with their circles, a click on one opens its page.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openBrowser, loginAs, apiAs, shot, until, toastSeen, USERS, PHONE } from './lib.mjs'

const WIDE = { width: 1440, height: 900 }
const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)
const series = (page) => page.getByTestId('map-chart').getAttribute('data-series')

/** A day n days after today in China, as YYYY-MM-DD (the server runs on the real clock here). */
async function dayAhead(n) {
  return new Date(Date.now() + 8 * 3600000 + n * 86400000).toISOString().slice(0, 10)
}

async function openRjy(page) {
  const row = page.locator('.center-row', { hasText: '思明区软件园党群服务中心' }).first()
  await row.waitFor()
  await row.getByRole('link', { name: '思明区软件园党群服务中心' }).click()
  await page.getByTestId('center-name').filter({ hasText: '思明区软件园党群服务中心' }).waitFor()
}

async function book(page, room, day, start, end, purpose) {
  await page.getByTestId('bk-room').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: room }).first().click()
  const d = page.locator('[data-testid="bk-day"] input').first()
  await d.fill(day)
  await d.press('Enter')
  await page.getByTestId('bk-start').fill(start)
  await page.getByTestId('bk-end').fill(end)
  await page.getByTestId('bk-purpose').fill(purpose)
  await page.getByTestId('bk-submit').click()
}

test('a secretary books a room of a service center; an overlap is refused; the branch\'s page lists it (1440 px)',
  { skip: !USERS.secretary && 'needs the secretary' }, async () => {
    const day = await dayAhead(12)
    const { page, close, problems } = await openBrowser({ viewport: WIDE })
    try {
      await loginAs(page, 'secretary')
      await page.getByTestId('side-menu').locator('[data-menu="centers"]').first().click()
      await until(async () => (await page.locator('.center-row').count()) >= 4, 'the demo\'s centers')
      await shot(page, 'centers-1440')
      await openRjy(page)
      await page.getByTestId('center-book').waitFor()
      await book(page, '共享会议室', day, '14:00', '15:30', '支部委员会会议')
      await toastSeen(page, '已预约')
      const listed = page.locator('[data-testid="center-bookings"] .booking', { hasText: `${day} 14:00–15:30` })
      await listed.waitFor()
      await book(page, '共享会议室', day, '15:00', '16:00', '党小组会')
      const err = page.getByTestId('bk-error')
      await err.waitFor()
      assert.match(await err.innerText(), /时间重叠/)
      await shot(page, 'center-1440')
      const me = (await (await apiAs('secretary')).get('/api/me')).body.user
      await page.goto(`/orgs/${me.scope.code}`)
      const section = page.getByTestId('org-center-bookings')
      await section.locator('.card', { hasText: `${day} 14:00–15:30` }).waitFor()
      await shot(page, 'org-center-bookings-1440')
      // cancelled again from the center's page, so a second run books the same span
      await section.getByRole('link', { name: '思明区软件园党群服务中心' }).first().click()
      await listed.getByTestId('booking-cancel').click()
      await page.locator('.el-message-box__btns .el-button--primary').click()
      await toastSeen(page, '已取消预约')
      await until(async () => (await listed.count()) === 0, 'the booking gone')
      assert.deepEqual(problems, [])
    } finally { await close() }
  })

test('at 390 px: a member sees the centers as cards and a center\'s page; the secretary books a room',
  { skip: !(USERS.member && USERS.secretary) && 'needs the member and the secretary' }, async () => {
    let b = await openBrowser({ viewport: PHONE })
    try {
      await loginAs(b.page, 'member')
      await b.page.goto('/centers')
      await until(async () => (await b.page.locator('.center-row').count()) >= 4, 'the centers as cards')
      assert.ok(await noHScroll(b.page), 'nothing wider than the screen')
      await shot(b.page, 'centers-390')
      await openRjy(b.page)
      await b.page.getByTestId('center-rooms').waitFor()
      assert.equal(await b.page.getByTestId('center-book').count(), 0, 'a member does not book')
      assert.ok(await noHScroll(b.page))
      assert.deepEqual(b.problems, [])
    } finally { await b.close() }
    const day = await dayAhead(13)
    b = await openBrowser({ viewport: PHONE })
    try {
      await loginAs(b.page, 'secretary')
      await b.page.goto('/centers')
      await openRjy(b.page)
      await b.page.getByTestId('center-book').scrollIntoViewIfNeeded()
      await book(b.page, '红色会客厅', day, '09:00', '10:00', '主题党日')
      await toastSeen(b.page, '已预约')
      const listed = b.page.locator('[data-testid="center-bookings"] .booking', { hasText: `${day} 09:00–10:00` })
      await listed.waitFor()
      assert.ok(await noHScroll(b.page))
      await shot(b.page, 'center-390')
      await listed.getByTestId('booking-cancel').click()
      await b.page.locator('.el-message-box__btns .el-button--primary').click()
      await toastSeen(b.page, '已取消预约')
      assert.deepEqual(b.problems, [])
    } finally { await b.close() }
  })

for (const [label, viewport] of [['1440 px', WIDE], ['390 px', PHONE]]) {
  test(`the city office's 10-minute circle: an estimate, shares by district, a suggestion tried; the centers on the map (${label})`,
    { skip: !USERS.city && 'needs the city user' }, async () => {
      const api = await apiAs('city')
      const circle = (await api.get('/api/centers/circle?k=3')).body
      const { page, close, problems } = await openBrowser({ viewport })
      try {
        await loginAs(page, 'city')
        await page.goto('/centers/circle')
        await page.getByTestId('circle-estimate').filter({ hasText: '估算' }).waitFor()
        assert.match(await page.getByTestId('circle-estimate').innerText(), /绕行系数 1\.3.*80 米\/分钟.*10 分钟/)
        const rows = page.locator('[data-testid="circle-table"] .el-table__row')
        await until(async () => (await rows.count()) === circle.districts.length + 1, 'a row per district and the total')
        assert.match(await rows.last().innerText(), new RegExp(`${circle.totals.share.toFixed(2)}%`))
        const tryBtn = page.getByTestId('circle-try').first()
        await tryBtn.waitFor()
        await tryBtn.click()
        await page.getByTestId('circle-trying').waitFor()
        const gained = circle.suggestions[0].enterprises
        const share = ((circle.totals.covered + gained) * 100 / circle.totals.enterprises).toFixed(2)
        await until(async () => (await rows.last().innerText()).includes(`${share}%`), 'the shares count the tried center')
        assert.ok(await noHScroll(page))
        await shot(page, `circle-${label.replace(' ', '')}`)
        // the map: the centers with their circles; the suggestions; a click on a center opens its page
        await page.goto('/map')
        await page.locator('[data-testid="map-chart"][data-painted="1"]').waitFor()
        // the suggested centers wait for their tick (on_demand: a search at a province's size)
        await page.locator('[data-testid="map-layers"] [data-layer="circle-gaps"]').scrollIntoViewIfNeeded()
        await page.locator('[data-testid="map-layers"] [data-layer="circle-gaps"]').click()
        await until(async () => /center-circles centers centers-approx gap-circles gaps/.test(await series(page)), 'the centers\' layers drawn')
        for (const l of ['enterprises', 'orgs', 'alliances', 'circle-gaps']) {
          const box = page.locator(`[data-testid="map-layers"] [data-layer="${l}"]`)
          await box.scrollIntoViewIfNeeded()
          await box.click()
        }
        await until(async () => (await series(page)) === 'districts center-circles centers centers-approx', 'the centers alone')
        await shot(page, `circle-map-${label.replace(' ', '')}`)
        const layer = (await api.get('/api/map/layers/centers')).body
        const hc = layer.rows.map((r) => Object.fromEntries(layer.fields.map((f, i) => [f, r[i]]))).find((c) => c.name === '海沧区新阳党群服务中心')
        await page.getByTestId('map-chart').scrollIntoViewIfNeeded()
        const at = await page.evaluate(([x, y]) => {
          const el = document.querySelector('[data-testid="map-chart"]')
          const p = el.__chart.convertToPixel({ geoIndex: 0 }, [x, y])
          const r = el.getBoundingClientRect()
          return { x: r.left + p[0], y: r.top + p[1] }
        }, [hc.lng_e6 / 1e6, hc.lat_e6 / 1e6])
        await page.mouse.click(at.x, at.y - 6)   // inside the pin
        await page.waitForURL(new RegExp(`/centers/${hc.id}$`))
        await page.getByTestId('center-name').filter({ hasText: '海沧区新阳党群服务中心' }).waitFor()
        assert.deepEqual(problems, [])
      } finally { await close() }
    })
}
