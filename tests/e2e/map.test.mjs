// 全市地图 in the browser (issue 19, Map's "done when"): the map renders offline — every request the
// page makes goes to this server at 127.0.0.1 (the map data ships with the build; any other host fails
// the test) — at 1440 px for the city office with its layers (coverage by district, enterprises,
// organizations) and the same figures as text beside it; layers toggle; a click on a district opens its
// coverage list and a click on an enterprise opens its page, where the place is picked on a small map
// and saved (地图点选).  At 390 px, for a district office: the map fills the width, the toggles are
// reachable, a tap opens the district's list, and only its own enterprises are drawn.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openBrowser, loginAs, apiAs, apiGet, shot, until, toastSeen, USERS, PHONE } from './lib.mjs'

const WIDE = { width: 1440, height: 900 }
const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)

/** Every request of the browser, kept; the test fails on one that leaves 127.0.0.1. */
function watchRequests(b) {
  const outside = []
  b.ctx.on('request', (r) => {
    const u = new URL(r.url())
    if (u.protocol === 'data:' || u.protocol === 'blob:') return
    if (u.hostname !== '127.0.0.1') outside.push(r.url())
  })
  return outside
}

/** Page coordinates of a geographic point on the drawn map. */
async function pixelOf(page, lng, lat) {
  return page.evaluate(([x, y]) => {
    const el = document.querySelector('[data-testid="map-chart"]')
    const p = el.__chart.convertToPixel({ geoIndex: 0 }, [x, y])
    const r = el.getBoundingClientRect()
    return { x: r.left + p[0], y: r.top + p[1], inside: p[0] >= 0 && p[1] >= 0 && p[0] <= r.width && p[1] <= r.height }
  }, [lng, lat])
}
const painted = (page) => page.locator('[data-testid="map-chart"][data-painted="1"]').waitFor()
const series = (page) => page.getByTestId('map-chart').getAttribute('data-series')

test('the city office\'s map at 1440 px: offline, layers, text alternative, click-through, a place picked',
  { skip: !USERS.city && 'needs the city user' }, async () => {
    const b = await openBrowser({ viewport: WIDE })
    const outside = watchRequests(b)
    try {
      const { page } = b
      await loginAs(page, 'city')
      await page.getByTestId('side-menu').locator('[data-menu="map"]').first().click()
      await page.waitForURL(/\/map$/)
      await page.getByRole('heading', { level: 1, name: '全市地图' }).waitFor()
      await painted(page)
      assert.equal(await page.locator('[data-testid="map-chart"] canvas').count() > 0, true, 'the map is drawn on a canvas')
      const api = await apiAs('city')
      const asof = (await api.get('/api/asof')).body.date
      const dist = (await api.get(`/api/map/layers/districts?date=${asof}`)).body
      const cov = (await api.get(`/api/coverage?date=${asof}&by=district`)).body
      assert.deepEqual(dist.items, cov.rows, 'the map\'s figures are the coverage page\'s')
      // the text alternative: the districts' figures as a table beside the map
      await until(async () => (await page.locator('[data-testid="map-table"] .el-table__row').count()) === cov.rows.length, 'a row per district')
      const firstRow = await page.locator('[data-testid="map-table"] .el-table__row').first().innerText()
      assert.match(firstRow, new RegExp(`${cov.rows[0].name}[\\s\\S]*${cov.rows[0].rate}%`))
      const ents = (await api.get(`/api/map/layers/enterprises?date=${asof}`)).body
      const pts = ents.rows.map((r) => Object.fromEntries(ents.fields.map((f, i) => [f, r[i]])))
      const by = (s) => pts.filter((p) => p.source === s).length
      assert.ok(by('ledger') > 0 && by('form') > 0 && by('centroid') > 0, 'the demo has all three sources')
      await until(async () => (await page.getByTestId('map-points').innerText()).includes(`台账坐标 ${by('ledger')} 家，地图点选 ${by('form')} 家，近似位置 ${by('centroid')} 家`), 'the points line')
      assert.equal(await series(page), 'districts ent-covered ent-uncovered ent-covered-approx ent-uncovered-approx orgs alliances alliances-approx center-circles centers centers-approx')
      // the circle's suggested centers are a search, not a lookup: drawn only when ticked (on_demand), then hidden again
      await page.locator('[data-testid="map-layers"] [data-layer="circle-gaps"]').click()
      await until(async () => (await series(page)).endsWith('centers-approx gap-circles gaps'), 'the suggestions drawn when ticked')
      await page.locator('[data-testid="map-layers"] [data-layer="circle-gaps"]').click()
      await until(async () => !(await series(page)).includes('gaps'), 'the suggestions hidden again')
      await shot(page, 'map-1440')

      // layers toggle: enterprises off and on again, organizations off
      await page.locator('[data-testid="map-layers"] [data-layer="enterprises"]').click()
      await until(async () => (await series(page)) === 'districts orgs alliances alliances-approx center-circles centers centers-approx', 'enterprises hidden')
      await page.locator('[data-testid="map-layers"] [data-layer="orgs"]').click()
      await until(async () => (await series(page)) === 'districts alliances alliances-approx center-circles centers centers-approx', 'organizations hidden')
      await page.locator('[data-testid="map-layers"] [data-layer="alliances"]').click()
      await until(async () => (await series(page)) === 'districts center-circles centers centers-approx', 'alliances hidden')
      // the service centers and the suggested ones (issue 19) hidden too
      await page.locator('[data-testid="map-layers"] [data-layer="centers"]').click()
      await until(async () => (await series(page)) === 'districts', 'centers hidden')
      // the districts alone: a district's shape opens its coverage list as of the map's day
      const hl = dist.centroids.find((c) => c.region_code === '350206')
      const at = await pixelOf(page, hl.lng_e6 / 1e6, hl.lat_e6 / 1e6)
      assert.ok(at.inside)
      await page.mouse.click(at.x, at.y)
      await page.waitForURL((u) => u.pathname === '/coverage' && u.searchParams.get('district') === '350206' && u.searchParams.get('date') === asof)
      await page.goBack()
      await painted(page)
      await until(async () => (await series(page)) === 'districts ent-covered ent-uncovered ent-covered-approx ent-uncovered-approx orgs alliances alliances-approx center-circles centers centers-approx', 'all layers again')

      // an enterprise's point opens its page (one placed by hand: drawn as its own point; the
      // organizations' pins, at the mean place of what they cover, hidden so none lies above it)
      await page.locator('[data-testid="map-layers"] [data-layer="orgs"]').click()
      await until(async () => !(await series(page)).includes('orgs'), 'organizations hidden')
      await page.locator('[data-testid="map-layers"] [data-layer="alliances"]').click()
      await until(async () => !(await series(page)).includes('alliances'), 'alliances hidden')
      await page.locator('[data-testid="map-layers"] [data-layer="centers"]').click()
      await until(async () => !(await series(page)).includes('centers') && !(await series(page)).includes('gaps'), 'centers hidden')
      const placed = pts.find((p) => p.source === 'form')
      const pp = await pixelOf(page, placed.lng_e6 / 1e6, placed.lat_e6 / 1e6)
      await page.mouse.click(pp.x, pp.y)
      await page.waitForURL(/\/register\/enterprises\/\d+$/)
      const id = Number(page.url().match(/(\d+)$/)[1])
      const near = pts.filter((p) => Math.abs(p.lng_e6 - placed.lng_e6) < 3000 && Math.abs(p.lat_e6 - placed.lat_e6) < 3000).map((p) => p.id)
      assert.ok(near.includes(id), `the click opened an enterprise drawn there (${id})`)

      // its place, picked on the small map and saved
      await page.getByTestId('reg-ent-coord').waitFor()
      await page.locator('[data-testid="map-picker"][data-ready="1"]').waitFor()
      const box = await page.getByTestId('map-picker').boundingBox()
      await page.mouse.click(box.x + box.width * 0.55, box.y + box.height * 0.6)
      await until(async () => (await page.getByTestId('reg-ent-coord-lng').inputValue()) !== '', 'the picked longitude')
      const lng = await page.getByTestId('reg-ent-coord-lng').inputValue()
      const lat = await page.getByTestId('reg-ent-coord-lat').inputValue()
      await page.getByTestId('reg-ent-coord-save').click()
      await toastSeen(page, '已保存')
      await page.locator('[data-testid="reg-ent-coord-source"][data-source="form"]').waitFor()
      const saved = (await apiGet(page, `/api/register/enterprises/${id}/coord`)).body
      assert.equal(saved.source, 'form')
      assert.equal(saved.lng.toFixed(6), Number(lng).toFixed(6))
      assert.equal(saved.lat.toFixed(6), Number(lat).toFixed(6))
      await shot(page, 'map-register-coord-1440')
      assert.deepEqual(b.problems, [])
      assert.deepEqual(outside, [], 'no request left 127.0.0.1')
    } finally { await b.close() }
  })

test('a district office\'s map at 390 px: fills the width, toggles reachable, a tap opens the list, its own points only',
  { skip: !USERS.district && 'needs the district user' }, async () => {
    const b = await openBrowser({ viewport: PHONE, hasTouch: true })
    const outside = watchRequests(b)
    try {
      const { page } = b
      await loginAs(page, 'district')
      await page.goto('/map')
      await painted(page)
      const box = await page.getByTestId('map-chart').boundingBox()
      assert.ok(box.width >= PHONE.width - 48, `the map fills the width (${box.width} px)`)
      assert.ok(await noHScroll(page), 'nothing wider than the screen')
      const toggle = page.locator('[data-testid="map-layers"] [data-layer="orgs"]')
      await toggle.scrollIntoViewIfNeeded()
      assert.ok(await toggle.isVisible())
      await toggle.tap()
      await until(async () => !(await series(page)).includes('orgs'), 'organizations hidden by a tap')
      await toggle.tap()
      await until(async () => (await series(page)).includes('orgs'), 'organizations back')
      // the district sees its own enterprises only
      const me = (await apiGet(page, '/api/me')).body.user
      const asof = (await apiGet(page, '/api/asof')).body.date
      const ents = (await apiGet(page, `/api/map/layers/enterprises?date=${asof}`)).body
      const di = ents.fields.indexOf('district_code')
      assert.ok(ents.rows.length > 0 && ents.rows.every((r) => r[di] === me.scope.code))
      await until(async () => (await page.getByTestId('map-points').innerText()).includes(`地图上的企业 ${ents.rows.length} 家`), 'the points line')
      await shot(page, 'map-390')
      // the points hidden, a tap on its district opens the coverage list
      await page.locator('[data-testid="map-layers"] [data-layer="enterprises"]').tap()
      await toggle.tap()
      await page.locator('[data-testid="map-layers"] [data-layer="alliances"]').tap()
      await page.locator('[data-testid="map-layers"] [data-layer="centers"]').tap()
      await until(async () => (await series(page)) === 'districts', 'the districts alone')
      const dist = (await apiGet(page, `/api/map/layers/districts?date=${asof}`)).body
      const c = dist.centroids.find((x) => x.region_code === me.scope.code)
      await page.getByTestId('map-chart').scrollIntoViewIfNeeded()
      const at = await pixelOf(page, c.lng_e6 / 1e6, c.lat_e6 / 1e6)
      await page.touchscreen.tap(at.x, at.y)
      await page.waitForURL((u) => u.pathname === '/coverage' && u.searchParams.get('district') === me.scope.code)
      assert.deepEqual(b.problems, [])
      assert.deepEqual(outside, [], 'no request left 127.0.0.1')
    } finally { await b.close() }
  })
