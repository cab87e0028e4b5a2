// Party organizations: the tree in the side bar, the list (filter, sort, xlsx),
// an organization's detail (covered enterprises, history), the district's scope
// (its own organizations only; another district's by URL is forbidden), a joint
// branch formed from a finding's suggestion (a validation message first), an
// upgrade that shows in the history, read-only roles, and the phone layout.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { openBrowser, downloadXlsx, loginAs, apiGet, apiAs, shot, texts, USERS, PHONE } from './lib.mjs'
import { sheetRows, unesc } from '../api/xlsx.mjs'

const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)
/** Pick an option of an Element Plus select. */
async function pick(page, select, option) {
  await select.click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: new RegExp(`^${option}$`) }).first().click()
}
/** GET a JSON API as the city user, without a browser. */
async function cityGet(url) {
  const res = await (await apiAs('city')).get(url)
  assert.equal(res.status, 200)
  return res.body
}
/** Wait for the next GET of a list URL to be answered. */
const answered = (page, part) => page.waitForResponse((r) => r.url().includes(part) && r.request().method() === 'GET')

test('city: tree → detail with covered enterprises and history; list filter, sort, xlsx', { skip: !USERS.city && 'no city user' }, async () => {
  const b = await openBrowser()
  const { page } = b
  try {
    await loginAs(page, 'city')
    // the tree: the city's top organization, children loaded on expand, a click opens it
    const tree = page.getByTestId('org-tree')
    const root = tree.locator('.el-tree-node').filter({ hasText: '中共厦门市委两新工委' }).first()
    await root.waitFor()
    const kids = (await apiGet(page, '/api/orgs?parent_id=1&size=50')).body.items.filter((o) => o.parent_id === 1)
    assert.ok(kids.length > 0, 'the city root has sub-organizations')
    await root.locator('.el-tree-node__expand-icon').first().click()
    const child = tree.locator('.node').filter({ hasText: new RegExp(`^${kids[0].name}$`) }).first()
    await child.waitFor()
    await child.click()
    await page.waitForURL(new RegExp(`/orgs/${kids[0].id}(\\?|$)`))
    await page.getByTestId('org-title').filter({ hasText: kids[0].name }).waitFor()

    // an organization that covers enterprises: its covers and its history
    const joint = (await apiGet(page, '/api/orgs?kind=联合党支部&size=1')).body.items[0]
    const det = (await apiGet(page, `/api/orgs/${joint.id}`)).body.org
    assert.ok(det.covers.length > 0)
    await page.goto(`/orgs/${joint.id}`)
    await page.getByTestId('org-title').filter({ hasText: joint.name }).waitFor()
    await page.getByTestId('org-covers').getByText(det.covers[0].name).first().waitFor()
    assert.equal(await page.getByTestId('org-units').textContent(), String(det.units))
    await page.getByRole('tab', { name: /变动记录/ }).click()
    await page.getByTestId('org-history').getByText('成立').first().waitFor()
    assert.equal(await page.getByTestId('org-history').locator('li').count(), det.events.length)
    await shot(page, 'org-detail')

    // the list: filter by kind, then sort by the date of establishment
    await page.goto('/orgs')
    const table = page.getByTestId('orgs-table')
    await table.locator('tbody tr').first().waitFor()
    let got = answered(page, 'kind=')
    await pick(page, page.getByTestId('orgs-kind'), '联合党支部')
    await got
    await page.waitForURL(/kind=/)
    await texts(table.locator('tbody tr td:nth-child(3)'), (v) => v.length > 0 && v.every((k) => k.trim() === '联合党支部'), 'only 联合党支部')
    got = answered(page, 'sort=established_on')
    await table.locator('thead th').filter({ hasText: '成立日期' }).click()
    const want = (await (await got).json()).items.map((o) => o.established_on || '')
    const byDay = (a, b) => (!a ? 1 : !b ? -1 : a < b ? -1 : a > b ? 1 : 0) // no date last
    assert.deepEqual(want, [...want].sort(byDay), 'the server orders by date of establishment')
    await page.waitForURL(/sort=established_on/)
    await texts(table.locator('tbody tr td.col-established'), (v) => JSON.stringify(v.map((d) => d.trim())) === JSON.stringify(want),
      'the table shows the server order (ascending by date of establishment)')
    await shot(page, 'orgs-list')

    // xlsx of the same filtered list
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').first().click()])
    assert.match(dl.url(), /format=xlsx/)
    assert.match(dl.url(), /kind=/)
    const file = await dl.path()
    assert.equal(fs.readFileSync(file).subarray(0, 2).toString(), 'PK', 'the download is an xlsx (zip) file')
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }
})

test('district: only its own organizations; another district’s by URL is forbidden', { skip: !(USERS.city && USERS.district) && 'no users' }, async () => {
  // an organization of another district, as the city sees it
  const other = (await cityGet('/api/orgs?district=350206&kind=党支部&size=1')).items[0]
  assert.ok(other && other.district_code === '350206')

  const b = await openBrowser()
  const { page } = b
  try {
    await loginAs(page, 'district')
    await page.getByTestId('scope').getByText('思明区').waitFor()
    await page.getByTestId('org-tree').locator('.node').first().waitFor()
    await page.goto('/orgs?size=50')
    const table = page.getByTestId('orgs-table')
    await table.locator('tbody tr').first().waitFor()
    const districts = await table.locator('tbody tr td:nth-child(4)').allTextContents()
    assert.ok(districts.length > 1 && districts.every((d) => d.trim() === '思明区'), `only 思明区: ${districts}`)
    const api = await apiGet(page, '/api/orgs?size=500&status=all')
    assert.ok(api.body.items.every((o) => o.district_code === '350203'))

    await page.goto(`/orgs/${other.id}`)
    await page.getByTestId('org-forbidden').waitFor()
    assert.equal(await page.getByTestId('org-info').count(), 0, 'no data of the other district')
    assert.equal(await page.getByText(other.name).count(), 0)
  } finally { await b.close() }
})

test('city: a joint branch from a suggestion (validation first), an upgrade in the history', { skip: !USERS.city && 'no city user' }, async () => {
  const b = await openBrowser()
  const { page } = b
  try {
    await loginAs(page, 'city')
    const fd = (await apiGet(page, '/api/org/findings')).body
    assert.ok(fd.joint.length > 0, 'the demo suggests a joint branch')
    const g = fd.joint[0]
    await page.goto('/orgs?tab=findings')
    const group = page.getByTestId('joint-group').first()
    await group.getByText(g.enterprises[0].name).waitFor()
    // every finding, also those past the first page the screen shows, as one workbook
    await downloadXlsx(page, page.getByTestId('findings-xlsx'))
    await group.getByTestId('joint-create').click()
    const form = page.getByTestId('org-form')
    await form.waitFor()
    // prefilled: kind and the suggested enterprises
    await form.getByTestId('of-kind').getByText('联合党支部').waitFor()
    for (const e of g.enterprises) await form.getByTestId('of-ents').getByText(e.name).first().waitFor()
    // no name: the server's message under the name field, and the rest kept
    await form.getByTestId('org-form-submit').click()
    const nameErr = form.locator('[data-field="name"] .el-form-item__error')
    await nameErr.waitFor()
    assert.match(await nameErr.textContent(), /name/)
    await form.getByTestId('of-ents').getByText(g.enterprises[0].name).first().waitFor()
    await shot(page, 'org-create')
    const name = `中共厦门测试联合支部委员会${Date.now() % 100000}`
    await form.getByTestId('of-name').fill(name)
    await form.getByTestId('org-form-submit').click()
    await page.waitForURL(/\/orgs\/\d+/)
    await page.getByTestId('org-title').filter({ hasText: name }).waitFor()
    for (const e of g.enterprises) await page.getByTestId('org-covers').getByText(e.name).first().waitFor()

    // upgrade a branch: below 50 members the server refuses (shown at 升格为), approved passes
    const br = (await apiGet(page, '/api/orgs?kind=党支部&size=1')).body.items[0]
    await page.goto(`/orgs/${br.id}`)
    await page.getByTestId('org-title').filter({ hasText: br.name }).waitFor()
    await page.getByTestId('act-upgrade').click()
    const op = page.getByTestId('org-op-form')
    await op.waitFor()
    await op.getByTestId('org-op-submit').click()
    await op.locator('[data-field="to_kind"] .el-form-item__error').filter({ hasText: /不足/ }).waitFor()
    await op.getByTestId('op-approved').click()
    await op.getByTestId('org-op-submit').click()
    await op.waitFor({ state: 'hidden' })
    await page.getByTestId('org-history').locator('li[data-kind="upgraded"]').filter({ hasText: '党支部 → 党总支' }).waitFor()
    const after = (await apiGet(page, `/api/orgs/${br.id}`)).body.org
    assert.equal(after.kind, '党总支')
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }
})

test('read-only roles: no write buttons for a secretary, no tree for a member', { skip: !(USERS.secretary && USERS.member) && 'no users' }, async () => {
  const b = await openBrowser()
  try {
    await loginAs(b.page, 'secretary')
    const node = b.page.getByTestId('org-tree').locator('.node').first()
    await node.waitFor()
    await node.click()
    await b.page.waitForURL(/\/orgs\/\d+/)
    await b.page.getByTestId('org-info').waitFor()
    assert.equal(await b.page.getByTestId('act-upgrade').count(), 0)
    assert.equal(await b.page.getByTestId('act-merge').count(), 0)
    // (the demo's first 党支部 was dissolved in the story: the list shows it with status=all)
    await b.page.goto('/orgs?status=all')
    await b.page.getByTestId('orgs-table').locator('tbody tr').first().waitFor()
    assert.equal(await b.page.getByTestId('org-create').count(), 0)
  } finally { await b.close() }
  const m = await openBrowser()
  try {
    await loginAs(m.page, 'member')
    await m.page.getByTestId('side-menu').waitFor()
    assert.equal(await m.page.getByTestId('org-tree').count(), 0)
  } finally { await m.close() }
})

test('org_admin: splits among its own enterprises, adds none from outside', { skip: !USERS.org_admin && 'no org_admin user' }, async () => {
  const b = await openBrowser()
  const { page } = b
  try {
    await loginAs(page, 'org_admin')
    const node = page.getByTestId('org-tree').locator('.node').first()
    await node.waitFor()
    await node.click()
    await page.waitForURL(/\/orgs\/\d+/)
    await page.getByTestId('org-info').waitFor()
    const id = Number(new URL(page.url()).pathname.split('/').pop())
    const org = (await apiGet(page, `/api/orgs/${id}`)).body.org
    assert.ok(org.covers.length >= 1, 'the 党委 covers its enterprise')
    assert.equal(await page.getByTestId('act-add-cover').count(), 0, 'no enterprise from outside its scope')
    await page.getByTestId('act-split').click()
    const form = page.getByTestId('org-form')
    await form.waitFor()
    await form.getByTestId('of-ents').click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: org.covers[0].name }).first().waitFor()
    await page.keyboard.press('Escape')
    await shot(page, 'org-split-org-admin')
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }
})

/** a is b with some items left out, in b's order */
function subsequence(a, b) {
  let j = 0
  for (const x of b) if (j < a.length && a[j] === x) j++
  return j === a.length
}
/** An organization with the office's findings (正式党员不足, 委员会缺委员) in the demo, and its page. */
async function officeFinding(code) {
  const f = await cityGet('/api/org/findings?max=0')
  const o = f.orgs.find((x) => x.findings.includes(code))
  assert.ok(o, `the demo has an organization with ${code}`)
  return { ...o, date: f.date }   // pages opened as of the same day
}

test('desktop 1440: the list\'s titles are its export\'s; registry counts on list and page; the office\'s rules as findings', { skip: !USERS.city && 'no city user' }, async () => {
  const b = await openBrowser({ viewport: { width: 1440, height: 900 } })
  const { page } = b
  try {
    await loginAs(page, 'city')
    const few = await officeFinding('few_full')
    await page.goto(`/orgs?q=${encodeURIComponent(few.name)}&date=${few.date}`)
    const table = page.getByTestId('orgs-table')
    await table.locator('tbody tr').filter({ hasText: few.name }).first().waitFor()
    // the column titles are the export's header, in its order (the export adds 园区, 依托名称, 下级组织数)
    const titles = await table.locator('thead th .cell').evaluateAll((cs) => cs.map((c) => c.innerText.trim()).filter(Boolean))
    const res = await page.request.get(await page.getByTestId('export-xlsx').first().getAttribute('href'))
    assert.equal(res.status(), 200)
    const rows = sheetRows(Buffer.from(await res.body())).map((r) => r.map(unesc))
    assert.ok(titles.includes('名册正式党员') && titles.includes('依托'), `the titles: ${titles}`)
    assert.ok(subsequence(titles, rows[0]), `screen ${JSON.stringify(titles)} vs export ${JSON.stringify(rows[0])}`)
    // with the registry's column added every column still fits at 1440 px
    const out = await table.evaluate((el) => {
      const t = el.classList.contains('el-table') ? el : el.querySelector('.el-table')
      const right = t.getBoundingClientRect().right
      return [...t.querySelectorAll('thead th')].filter((th) => th.getBoundingClientRect().right > right + 1).map((th) => th.innerText.trim())
    })
    assert.deepEqual(out, [], 'no column past the right edge')
    // the registry's count: the same on the row, in the workbook and on the page
    const row = table.locator('tbody tr').filter({ hasText: few.name }).first()
    assert.equal((await row.locator('td.col-reg-full').innerText()).trim(), String(few.reg_full))
    const xr = rows.find((r) => Number(r[0]) === few.id)
    assert.equal(xr[rows[0].indexOf('名册正式党员')], String(few.reg_full))
    await shot(page, 'orgs-list-1440')
    await page.goto(`/orgs/${few.id}?date=${few.date}`)
    await page.getByTestId('org-reg-full').filter({ hasText: String(few.reg_full) }).waitFor()
    const hint = page.getByTestId('org-hints').locator('[data-code="few_full"]')
    await hint.getByText('正式党员不足').waitFor()
    await hint.getByText(/按党员名册，正式党员少于 3 名/).waitFor()
    await shot(page, 'org-findings-1440')
    // a committee without 委员: its finding and rule
    const seats = await officeFinding('no_seats')
    await page.goto(`/orgs/${seats.id}?date=${seats.date}`)
    const h2 = page.getByTestId('org-hints').locator('[data-code="no_seats"]')
    await h2.getByText('委员会缺委员').waitFor()
    await h2.getByText(/委员会委员少于 1 名/).waitFor()
    // the findings tab counts them like the others
    await page.goto('/orgs?tab=findings')
    const counts = page.getByTestId('findings')
    await counts.getByText(/正式党员不足 \d+/).first().waitFor()
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }
})

test('phone (390 px): card lists, the tree in the drawer, no sideways scroll', { skip: !USERS.city && 'no city user' }, async () => {
  const b = await openBrowser({ viewport: PHONE })
  const { page } = b
  try {
    await loginAs(page, 'city')
    await page.goto('/orgs')
    const cards = page.getByTestId('orgs-cards')
    await cards.locator('li a').first().waitFor()
    assert.equal(await page.getByTestId('orgs-table').count(), 0, 'a card list, not a table')
    assert.ok(await noHScroll(page))
    await shot(page, 'orgs-phone')
    await page.getByRole('button', { name: '打开菜单' }).click()
    await page.locator('.nav-drawer').getByTestId('org-tree').locator('.node').first().waitFor()
    await page.keyboard.press('Escape')
    await cards.locator('li a').first().click()
    await page.getByTestId('org-info').waitFor()
    assert.ok(await noHScroll(page))
    await shot(page, 'org-phone')
    // the registry's count on a card, and the office's rule on the page
    const few = await officeFinding('few_full')
    await page.goto(`/orgs?q=${encodeURIComponent(few.name)}&date=${few.date}`)
    const card = cards.locator('li').filter({ hasText: few.name }).first()
    await card.waitFor()
    assert.match(await card.innerText(), new RegExp(`名册正式党员 ${few.reg_full}(\\D|$)`))
    await page.goto(`/orgs/${few.id}?date=${few.date}`)
    await page.getByTestId('org-hints').locator('[data-code="few_full"]').getByText('正式党员不足').waitFor()
    assert.ok(await noHScroll(page))
    await shot(page, 'org-findings-phone')
  } finally { await b.close() }
})
