// Coverage (组织覆盖): from a dashboard figure to the list behind it.  The city
// office clicks a district on the dashboard and lands on that district's
// enterprises (every row in the district, the same count as the API), sorts,
// pages, opens an enterprise's coverage history and exports the list as xlsx.
// A district office sees only its own district, even when the URL asks for
// another.  On a phone the list is a list of cards and the dashboard still works.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { openBrowser, loginAs, apiGet, shot, USERS, PHONE } from './lib.mjs'
import { sheetRows, unesc } from '../api/xlsx.mjs'

/** The header row of a list's export (the page's own export link, with its cookies). */
async function exportHeader(page, href) {
  const res = await page.request.get(href)
  assert.equal(res.status(), 200, href)
  return sheetRows(Buffer.from(await res.body()))[0].map(unesc)
}
/** The visible column titles of an Element Plus table, left to right. */
function columnTitles(table) {
  return table.locator('thead th:not(.gutter) .cell').evaluateAll((cells) => cells.map((c) => c.innerText.trim()).filter(Boolean))
}
/** a is b with some items left out, in b's order */
function subsequence(a, b) {
  let j = 0
  for (const x of b) if (j < a.length && a[j] === x) j++
  return j === a.length
}

/** District codes of the rows shown (desktop table or phone cards). */
async function rowDistricts(page) {
  return page.locator('[data-testid="coverage-table"] .cell-district, [data-testid="coverage-table"] .ccard')
    .evaluateAll((els) => els.map((e) => e.dataset.code || e.dataset.district || ''))
}

test('city: a district on the dashboard opens its enterprises; sort, page, history, xlsx', { skip: !USERS.city && 'no city user' }, async () => {
  const b = await openBrowser()
  const { page, problems } = b
  try {
    await loginAs(page, 'city')
    const card = page.getByTestId('card-coverage-district')
    await card.waitFor()
    await page.getByTestId('coverage-rate').waitFor()
    await page.getByTestId('card-coverage-category').waitFor()
    await page.getByTestId('latest-bulletin').or(page.getByTestId('card-bulletin').locator('.el-empty')).first().waitFor()
    await page.getByTestId('findings-total').waitFor()
    // the dashboard follows the data: the demo campaign's last 旬, not a fixed window
    const asOf = await page.locator('#dash-date').inputValue()
    assert.match(asOf, /^\d{4}-\d{2}-\d{2}$/, 'the dashboard shows its 截至日期')
    await shot(page, 'dashboard')

    // every district bar has a link equivalent; take the one with the most enterprises after the first
    const links = card.getByTestId('group-link')
    assert.ok(await links.count() >= 2, 'the city sees several districts')
    const link = links.nth(1)
    const key = await link.getAttribute('data-key')
    const name = (await link.innerText()).split(/\s/)[0]
    await link.click()
    await page.waitForURL((u) => u.pathname === '/coverage' && u.searchParams.get('district') === key)
    const date = new URL(page.url()).searchParams.get('date') || ''
    const table = page.getByTestId('coverage-table')
    await table.locator('.coverage-row').first().waitFor()
    await page.getByTestId('coverage-summary').getByText(name).first().waitFor()
    let codes = await rowDistricts(page)
    assert.ok(codes.length > 0, 'the district has enterprises')
    assert.deepEqual([...new Set(codes)], [key], `every row is in ${name}`)
    const api = await apiGet(page, `/api/coverage/enterprises?by=district&key=${key}&size=1${date ? `&date=${date}` : ''}`)
    assert.equal(api.status, 200)
    await page.getByTestId('coverage-total').getByText(`(${api.body.total})`).waitFor()
    await shot(page, 'coverage')

    // sort by employees, descending (server-side: the first row is the largest of the district)
    const header = table.locator('th').filter({ hasText: '从业人数' })
    const listed = (re) => (r) => r.url().includes('/api/coverage/enterprises?') && re.test(r.url())
    await Promise.all([page.waitForResponse(listed(/[?&]sort=employees(&|$)/)), header.click()])
    await Promise.all([page.waitForResponse(listed(/[?&]sort=-employees(&|$)/)), header.click()])
    await page.waitForURL((u) => u.searchParams.get('sort') === '-employees')
    const top = await apiGet(page, `/api/coverage/enterprises?by=district&key=${key}&size=1&sort=-employees${date ? `&date=${date}` : ''}`)
    assert.equal(top.status, 200)
    await table.locator('.coverage-row').first().getByText(top.body.items[0].name, { exact: true }).waitFor()
    const emp = await table.locator('.coverage-row td.col-employees').evaluateAll((tds) => tds.map((td) => Number(td.innerText.replace(/[^\d]/g, ''))))
    assert.deepEqual(emp, [...emp].sort((x, y) => y - x), 'rows are in descending order of employees')
    codes = await rowDistricts(page)
    assert.deepEqual([...new Set(codes)], [key], 'sorting keeps the filter')

    // page 2 (when there is one): different rows, same district
    if (api.body.total > 20) {
      const first = await table.locator('.coverage-row').first().innerText()
      await Promise.all([page.waitForResponse(listed(/[?&]page=2(&|$)/)), page.locator('.el-pagination .btn-next').click()])
      await page.waitForURL((u) => u.searchParams.get('page') === '2')
      await page.waitForFunction((f) => document.querySelector('[data-testid="coverage-table"] .coverage-row')?.innerText !== f, first)
      assert.deepEqual([...new Set(await rowDistricts(page))], [key], 'page 2 is still the district')
    }

    // uncovered only: the state filter from the URL
    await page.goto(`/coverage?district=${key}&covered=0${date ? `&date=${date}` : ''}`)
    await page.waitForURL((u) => u.searchParams.get('state') === 'uncovered' && !u.searchParams.has('covered'))
    await table.locator('.coverage-row').first().or(page.getByTestId('coverage-empty')).first().waitFor()
    const tags = await table.locator('.coverage-row td.col-covered').allInnerTexts()
    assert.ok(tags.every((s) => s.includes('未覆盖')), 'only uncovered enterprises')

    // one enterprise's coverage history
    await page.goto(`/coverage?district=${key}&state=covered${date ? `&date=${date}` : ''}`)
    const row = table.locator('.coverage-row').first()
    await row.waitFor()
    const ent = (await row.locator('td').first().innerText()).trim()
    await row.click()
    const drawer = page.getByTestId('coverage-history')
    await drawer.getByText(`${ent} 的覆盖历史`).waitFor()
    await drawer.getByTestId('history-covers').locator('tbody tr').first().waitFor()
    await page.waitForURL((u) => u.searchParams.has('ent'))
    await page.keyboard.press('Escape')
    await drawer.waitFor({ state: 'hidden' })

    // export: the same filtered list as a real xlsx
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()])
    const buf = fs.readFileSync(await dl.path())
    assert.equal(buf.subarray(0, 2).toString('latin1'), 'PK', 'the export is an xlsx (zip) file')
    const href = await page.getByTestId('export-xlsx').getAttribute('href')
    assert.match(href, new RegExp(`[?&]district=${key}(&|$)`))
    assert.match(href, /format=xlsx/)

    // the category links of the dashboard land filtered too
    await page.goto('/')
    const cat = page.getByTestId('category-link').first()
    const ckey = await cat.getAttribute('data-key')
    await cat.click()
    await page.waitForURL((u) => u.pathname === '/coverage' && u.searchParams.get('category') === ckey)
    await table.locator('.coverage-row').first().waitFor()
    const cats = await table.locator('.coverage-row td.col-category').allInnerTexts()
    assert.ok(cats.length > 0 && cats.every((c) => c.trim() === ckey), `every row is in industry ${ckey}`)

    // a combination (the district above and this industry) has its own figures line
    await page.goto(`/coverage?district=${key}&category=${encodeURIComponent(ckey)}${date ? `&date=${date}` : ''}`)
    const both = await apiGet(page, `/api/coverage/enterprises?district=${key}&category=${encodeURIComponent(ckey)}&size=1${date ? `&date=${date}` : ''}`)
    const line = page.getByTestId('coverage-summary')
    await line.getByText(`${name} · ${ckey}`).waitFor()
    assert.match(await line.innerText(), new RegExp(`企业 ${both.body.summary.enterprises.toLocaleString('zh-CN')} 家`))

    assert.deepEqual(problems, [], 'no console errors')
  } finally { await b.close() }
})

test('district: only its own district, even when the URL asks for another', { skip: !USERS.district && 'no district user' }, async () => {
  const b = await openBrowser()
  const { page, problems } = b
  try {
    await loginAs(page, 'district')
    const me = (await apiGet(page, '/api/me')).body.user
    const own = me.scope.code
    await page.goto('/coverage')
    const table = page.getByTestId('coverage-table')
    await table.locator('.coverage-row').first().waitFor()
    const codes = await rowDistricts(page)
    assert.ok(codes.length > 0)
    assert.deepEqual([...new Set(codes)], [own], `a district office sees ${USERS.district.scope_name || own} only`)
    // the district select offers its own district only
    const api = await apiGet(page, '/api/coverage?by=district')
    assert.deepEqual(api.body.rows.map((r) => r.key), [own])

    // another district in the URL: no data, a clear message
    const other = own === '350206' ? '350203' : '350206'
    await page.goto(`/coverage?district=${other}`)
    await page.getByTestId('coverage-empty').waitFor()
    await page.getByTestId('out-of-scope').waitFor()
    assert.equal(await table.locator('.coverage-row').count(), 0, 'no enterprise of another district')
    const leak = await apiGet(page, `/api/coverage/enterprises?by=district&key=${other}`)
    assert.ok(leak.status !== 200 || leak.body.total === 0, 'the API gives nothing of another district either')
    assert.deepEqual(problems, [], 'no console errors')
  } finally { await b.close() }
})

test('phone: the dashboard and the coverage list as cards', { skip: !USERS.city && 'no city user' }, async () => {
  const b = await openBrowser({ viewport: PHONE })
  const { page, problems } = b
  try {
    await loginAs(page, 'city')
    await page.getByTestId('coverage-rate').waitFor()
    await page.getByTestId('card-coverage-district').getByTestId('group-link').first().waitFor()
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(width <= PHONE.width + 1, `no sideways scrolling on a phone (${width}px)`)
    await shot(page, 'dashboard-phone')
    await page.getByTestId('card-coverage-district').getByTestId('group-link').first().click()
    await page.waitForURL((u) => u.pathname === '/coverage' && u.searchParams.has('district'))
    const cards = page.locator('[data-testid="coverage-table"] .ccard')
    await cards.first().waitFor()
    assert.equal(await page.locator('[data-testid="coverage-table"] table').count(), 0, 'cards, not a table')
    const key = new URL(page.url()).searchParams.get('district')
    assert.deepEqual([...new Set(await rowDistricts(page))], [key])
    await shot(page, 'coverage-phone')
    await cards.first().getByRole('button').first().click()
    await page.getByTestId('coverage-history').getByTestId('history-covers').waitFor()
    assert.deepEqual(problems, [], 'no console errors')
  } finally { await b.close() }
})

test('desktop 1440: every column fits beside the sidebar, 组织覆盖 pinned with its tag whole; the columns are the export\'s', { skip: !USERS.city && 'no city user' }, async () => {
  const b = await openBrowser({ viewport: { width: 1440, height: 900 } })
  const { page, problems } = b
  try {
    await loginAs(page, 'city')
    await page.goto('/coverage')
    const table = page.getByTestId('coverage-table')
    await table.locator('.coverage-row').first().waitFor()
    // no column falls off to the right: the table needs no sideways scrolling, every header cell is inside it
    const fit = await table.evaluate((el) => {
      const t = el.classList.contains('el-table') ? el : el.querySelector('.el-table')
      const box = t.getBoundingClientRect()
      const wrap = t.querySelector('.el-table__body-wrapper .el-scrollbar__wrap') || t.querySelector('.el-table__body-wrapper')
      const outer = t.closest('.lp-scroll') || t.parentElement
      const ths = [...t.querySelectorAll('thead th')].map((th) => ({ text: th.innerText.trim(), right: th.getBoundingClientRect().right }))
      return { scroll: wrap.scrollWidth, client: wrap.clientWidth, oscroll: outer.scrollWidth, oclient: outer.clientWidth,
        out: ths.filter((x) => x.right > box.right + 1).map((x) => x.text) }
    })
    assert.ok(fit.scroll <= fit.client + 1, `no sideways scrolling in the table at 1440 px (${fit.scroll} > ${fit.client})`)
    assert.ok(fit.oscroll <= fit.oclient + 1, `nor around it (${fit.oscroll} > ${fit.oclient})`)
    assert.deepEqual(fit.out, [], 'no column past the right edge')
    // 组织覆盖 is pinned at the right and its tags are whole, not clipped by the cell
    const th = table.locator('thead th.col-covered').first()
    assert.match(await th.getAttribute('class'), /fixed-column--right|is-fixed-right|fixed-right/, '组织覆盖 is a pinned column')
    const clipped = await table.locator('tbody td.col-covered').evaluateAll((tds) => tds.filter((td) => {
      const tag = td.querySelector('.el-tag'), cell = td.querySelector('.cell')
      if (!tag || !cell) return true
      const a = tag.getBoundingClientRect(), c = td.getBoundingClientRect()
      return a.left < c.left - 0.5 || a.right > c.right + 0.5 || tag.scrollWidth > tag.clientWidth + 1 || cell.scrollWidth > cell.clientWidth + 1
    }).length)
    assert.equal(clipped, 0, 'no 组织覆盖 tag is clipped')
    // nothing in a header is cut either (titles may wrap, not vanish)
    const cut = await table.locator('thead th .cell').evaluateAll((cs) => cs.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.innerText))
    assert.deepEqual(cut, [], 'no header title is cut')
    // the screen's titles are the export's header, in the same order (the export adds 企业编号)
    const titles = await columnTitles(table)
    const href = await page.getByTestId('export-xlsx').getAttribute('href')
    const header = await exportHeader(page, href)
    assert.ok(titles.length >= 10, `the columns: ${titles}`)
    assert.ok(subsequence(titles, header), `screen ${JSON.stringify(titles)} vs export ${JSON.stringify(header)}`)
    assert.deepEqual(header.filter((h) => !titles.includes(h)), ['企业编号'], 'the export has only the id besides')
    await shot(page, 'coverage-1440')
    assert.deepEqual(problems, [], 'no console errors')
  } finally { await b.close() }
})
