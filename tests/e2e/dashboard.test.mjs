// Dashboard (工作台) and the one "as of" rule (issue 21, item 4): the city's and a district's
// dashboards, an organization's detail and the rule findings all start on the same day, the
// server's (GET /api/asof: the demo's campaign ends on 2018-06-30), whatever the scope; a
// district's latest-bulletin card shows the district's own line (rate, change, rank), not the
// city's; enterprises without a street get no bar of their own but a line naming the gap
// in the data and opening their list.  At 1440 px and at 390 px.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openBrowser, loginAs, apiGet, shot, until, USERS, PHONE } from './lib.mjs'

const WIDE = { width: 1440, height: 900 }

async function dashboardDate(page) {
  const input = page.locator('#dash-date')
  await input.waitFor()
  return until(async () => { const v = await input.inputValue(); return /^\d{4}-\d{2}-\d{2}$/.test(v) && v }, 'the dashboard date')
}

test('city and district: the same as-of day on the dashboard, an organization and the findings', { skip: (!USERS.city || !USERS.district) && 'no city or district user' }, async () => {
  const days = {}
  for (const role of ['city', 'district']) {
    const b = await openBrowser({ viewport: WIDE })
    const { page, problems } = b
    try {
      await loginAs(page, role)
      const asof = await apiGet(page, '/api/asof')
      assert.equal(asof.status, 200)
      assert.match(asof.body.date, /^\d{4}-\d{2}-\d{2}$/)
      assert.ok(asof.body.rule, 'the rule in words')
      assert.equal(await dashboardDate(page), asof.body.date, `${role}: the dashboard starts on the server's as-of day`)
      await page.getByTestId('asof-rule').waitFor()
      days[role] = asof.body.date
      await page.getByTestId('coverage-rate').waitFor()
      await shot(page, `dashboard-asof-${role}`)

      // an organization's detail without a date in the URL: the same day
      const orgs = await apiGet(page, '/api/orgs?size=1')
      assert.equal(orgs.status, 200)
      const id = orgs.body.items[0].id
      await page.goto(`/orgs/${id}`)
      const od = page.getByRole('combobox', { name: '截至日期' })
      await od.waitFor()
      await until(async () => (await od.inputValue()) === asof.body.date || undefined, 'the organization\'s as-of day')
      // and the rule findings
      await page.goto('/orgs?tab=findings')
      await page.getByTestId('findings').waitFor()
      await page.getByText(`截至 ${asof.body.date} 的待处理事项`).waitFor()
      assert.deepEqual(problems, [], 'no console errors')
    } finally { await b.close() }
  }
  assert.equal(days.city, days.district, 'one day for the city and the district')
})

test('district: its own line of the latest bulletin; enterprises without a street named as a data gap (1440 and 390 px)', { skip: !USERS.district && 'no district user' }, async () => {
  for (const viewport of [WIDE, PHONE]) {
    const b = await openBrowser({ viewport })
    const { page, problems } = b
    try {
      await loginAs(page, 'district')
      const me = (await apiGet(page, '/api/me')).body.user
      const date = await dashboardDate(page)
      // the bulletin the card shows: the newest issued one ended by the date
      const list = await apiGet(page, `/api/bulletins?year=${date.slice(0, 4)}&size=40`)
      const shown = list.body.items.find((x) => x.last_day <= date)
      assert.ok(shown, 'an issued bulletin by the as-of day')
      const doc = await apiGet(page, `/api/bulletins/${shown.period}`)
      const own = doc.body.rows.find((r) => r.code === me.scope.code)
      const card = page.getByTestId('latest-bulletin')
      await card.getByText(shown.title).waitFor()
      const rate = page.getByTestId('latest-own-rate')
      await rate.getByText(`${own.name}覆盖率`).waitFor()
      assert.match(await rate.innerText(), new RegExp(own.rate.toFixed(1).replace('.', '\\.')), 'the district\'s own rate')
      await page.getByTestId('latest-own-rank').getByText(`全市第 ${own.rank} 名`).waitFor()
      assert.equal(await card.getByText('全市覆盖率').count(), 0, 'not the city\'s rate')

      // the streets: no "(未填写)" bar; the gap is named, with its list one click away
      const streets = await apiGet(page, `/api/coverage?date=${date}&by=street`)
      const none = streets.body.rows.find((r) => r.key === null)
      const chart = page.getByTestId('card-coverage-district')
      await chart.getByTestId('group-link').first().waitFor()
      const keys = await chart.getByTestId('group-link').evaluateAll((els) => els.map((e) => e.dataset.key))
      assert.ok(!keys.includes('none'), 'no bar or link for enterprises without a street')
      assert.equal(keys.length, streets.body.rows.filter((r) => r.key !== null).length)
      const width = await page.evaluate(() => document.documentElement.scrollWidth)
      assert.ok(width <= viewport.width + 1, `no sideways scrolling (${width}px)`)
      await shot(page, viewport === PHONE ? 'dashboard-district-phone' : 'dashboard-district')
      if (none && none.enterprises) {
        const note = page.getByTestId('unplaced')
        await note.getByText(`${none.enterprises.toLocaleString('zh-CN')} 家企业的台账未填写所在街道`).waitFor()
        await note.getByText('数据待补').waitFor()
        await page.getByTestId('unplaced-link').click()
        await page.waitForURL((u) => u.pathname === '/coverage' && u.searchParams.get('street') === 'none')
        const api = await apiGet(page, `/api/coverage/enterprises?street=none&date=${date}&size=1`)
        assert.equal(api.body.total, none.enterprises, 'the list is the enterprises without a street')
      } else {
        assert.equal(await page.getByTestId('unplaced').count(), 0)
      }
      assert.deepEqual(problems, [], 'no console errors')
    } finally { await b.close() }
  }
})
