// 台账导入 end to end: a ledger CSV made here (title row, header, rows with a
// bad credit code, an empty one and a non-numeric head count) is dropped on
// the upload area; the import appears with its problem report, which filters
// by kind, searches, and exports as xlsx; the same file again is refused as a
// duplicate with a link to the first import.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openBrowser, loginAs, shot, texts, apiAs, USERS, LEDGER_ROLES, PHONE } from './lib.mjs'

const role = LEDGER_ROLES.find((r) => USERS[r])

/** A ledger CSV of its own (a name and content no other test uses: the server takes a file once). */
function fixture(tag = 'a') {
  const stamp = `${Date.now().toString(36)}${tag}`
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ejia-e2e-ledger-'))
  const file = path.join(dir, `e2e-网信办-${stamp}.csv`)
  const lines = [
    `厦门市互联网企业名单（网信办，e2e ${stamp}）`,
    '序号,公司名称,所属行业,状态,经营地址,电话,所属区,正式党员数,职工人数,统一社会信用代码,联系人',
    '1,厦门自然梦网络传媒有限责任公司,新闻,存续,同安区新美街道同集路682号,15162254713,同安区,0,12,91350212MA2XYZ1234,张伟',
    '2,正华集团（厦门）社交网络有限公司,社交网络,存续,厦门市翔安区翔安东路67号3020室,15036661028,翔安区,3,22,NOT-A-CODE,马健芳',
    '3,厦门乐里互通信息有限公司,社交,存续,福建省厦门市思明区软件园二期望海路10号,13113148273,思明区,0,约三十人,,莫娥',
    `4,厦门e2e测试科技有限公司${stamp},数据,存续,厦门市湖里区五缘湾道1号,0592-5550000,湖里区,1,8,,李娜`,
  ]
  fs.writeFileSync(file, lines.join('\r\n') + '\r\n')
  return { file, dir, name: path.basename(file) }
}

test('upload a ledger, read its problem report, filter, export, and be told of a duplicate', { skip: !role && 'no user with a ledger role' }, async () => {
  const fx = fixture()
  const b = await openBrowser()
  try {
    const { page } = b
    await loginAs(page, role)
    await page.goto('/ledger/imports')
    await page.getByTestId('imports-table').waitFor()

    await page.locator('[data-testid="upload"] input[type=file]').setInputFiles(fx.file)
    const ok = page.getByTestId('upload-result')
    const bad = page.getByTestId('upload-error')
    await Promise.race([ok.waitFor({ timeout: 30000 }), bad.waitFor({ timeout: 30000 })])
    assert.ok(await ok.isVisible(), 'upload succeeded: ' + (await bad.isVisible() ? await bad.innerText() : ''))
    assert.match(await ok.innerText(), new RegExp(fx.name.replace(/[.()]/g, '\\$&')))
    await page.getByTestId('imports-table').getByText(fx.name).waitFor()
    await shot(page, 'ledger-imports')

    // The list sorts on the server (rows, descending: the URL keeps it) and exports as xlsx.
    const rowsHead = page.getByTestId('imports-table').locator('thead th', { hasText: '行数' })
    await Promise.all([page.waitForResponse((r) => /\/api\/ledger\/imports\?.*sort=rows/.test(r.url()) && r.ok()), rowsHead.click()])
    await Promise.all([page.waitForResponse((r) => /\/api\/ledger\/imports\?.*sort=-rows/.test(r.url()) && r.ok()), rowsHead.click()])
    await page.waitForURL(/sort=-rows/)
    const api = (await (await page.request.get('/api/ledger/imports?sort=-rows&size=20')).json()).items.map((i) => i.rows)
    assert.deepEqual(api, [...api].sort((a, b) => b - a), 'the server orders by rows')
    const shown = page.getByTestId('imports-table').locator('tbody tr td:nth-child(3)')
    await shown.first().getByText(String(api[0].toLocaleString('zh-CN'))).waitFor()
    const [xl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()])
    assert.match(xl.suggestedFilename(), /\.xlsx$/i)
    const listFile = path.join(fx.dir, 'imports.xlsx')
    await xl.saveAs(listFile)
    assert.equal(fs.readFileSync(listFile).subarray(0, 2).toString('latin1'), 'PK', 'the list export is an xlsx (zip) file')

    // Open the report from the list.
    await page.getByTestId('imports-table').getByRole('link', { name: fx.name }).click()
    await page.waitForURL(/\/ledger\/imports\/[^/]+$/)
    await page.getByTestId('problems-table').waitFor()
    assert.equal((await page.getByTestId('import-rows').innerText()).trim(), '4', 'four data rows (title and header rows not counted)')
    const problems = Number((await page.getByTestId('import-problems').innerText()).replace(/\D/g, ''))
    assert.ok(problems >= 2, `the bad code and the non-numeric head count are reported (got ${problems})`)
    const rows = page.locator('[data-testid="problems-table"] .problem-row')
    await rows.first().waitFor()
    assert.ok(await rows.count() >= 2)
    const body = await page.getByTestId('problems-table').innerText()
    assert.match(body, /NOT-A-CODE/, 'the wrong credit code is quoted in the report')
    await shot(page, 'ledger-import-detail')

    // Only errors (the table shows the filtered answer: every kind is 错误).
    await Promise.all([
      page.waitForResponse((r) => /\/api\/ledger\/imports\/[^/?]+\?.*kind=error/.test(r.url())),
      page.getByTestId('kind-filter').getByText('错误').click(),
    ])
    await texts(page.locator('[data-testid="problems-table"] .problem-row .pkind'),
      (v) => v.length > 0 && v.every((k) => k.trim() === '错误'), 'only errors listed')

    // Search narrows to the row with the bad code.
    await page.getByTestId('kind-filter').getByText('全部').click()
    await Promise.all([
      page.waitForResponse((r) => /\/api\/ledger\/imports\/[^/?]+\?.*q=NOT-A-CODE/.test(r.url())),
      page.getByTestId('problem-search').fill('NOT-A-CODE'),
    ])
    await texts(rows, (v) => v.length >= 1 && v.every((t) => /NOT-A-CODE/.test(t)), 'only the row with the bad code')
    await page.getByTestId('problem-search').fill('')

    // Export: a real xlsx (a zip file).
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()])
    assert.match(dl.suggestedFilename(), /\.xlsx$/i)
    const saved = path.join(fx.dir, 'report.xlsx')
    await dl.saveAs(saved)
    const head = fs.readFileSync(saved).subarray(0, 2).toString('latin1')
    assert.equal(head, 'PK', 'the export is an xlsx (zip) file')

    // The same file again: refused as a duplicate, with a link to the first import.
    const firstUrl = page.url().split('?')[0]
    await page.goto('/ledger/imports')
    await page.locator('[data-testid="upload"] input[type=file]').setInputFiles(fx.file)
    await bad.waitFor({ timeout: 30000 })
    assert.match(await bad.innerText(), /已.*导入/)
    await shot(page, 'ledger-duplicate')
    await bad.getByRole('button').click()
    await page.waitForURL((u) => u.toString().split('?')[0] === firstUrl)
    assert.deepEqual(b.problems, [])
  } finally {
    await b.close()
    fs.rmSync(fx.dir, { recursive: true, force: true })
  }
})

test('a district worker does not see the city office\'s import, not even by its address', { skip: !(USERS.city && USERS.district) && 'needs city and district users' }, async () => {
  // the city office uploads a ledger of its own (through the API: the upload itself is the test above)
  const fx = fixture('city')
  let id, name
  try {
    const city = await apiAs('city')
    const form = new FormData()
    form.append('file', new Blob([fs.readFileSync(fx.file)], { type: 'text/csv' }), fx.name)
    const up = await city.post('/api/ledger/imports', form)
    assert.equal(up.status, 201, JSON.stringify(up.body))
    id = up.body.import.id; name = up.body.import.source
    assert.equal(name, fx.name)
  } finally { fs.rmSync(fx.dir, { recursive: true, force: true }) }
  const b = await openBrowser()
  try {
    const { page } = b
    await loginAs(page, 'district')
    const [list] = await Promise.all([
      page.waitForResponse((r) => /\/api\/ledger\/imports\?/.test(r.url()) && r.ok()),
      page.goto('/ledger/imports'),
    ])
    assert.ok(!(await list.json()).items.some((i) => i.source === name), 'not in the district\'s list')
    await page.getByTestId('imports-table').locator('a').or(page.getByTestId('imports-table').locator('.el-empty')).first().waitFor()
    assert.equal(await page.getByTestId('imports-table').getByText(name).count(), 0, 'not in the district list')
    await page.goto(`/ledger/imports/${id}`)
    await page.getByTestId('import-not-found').waitFor()
    const api = await page.request.get(`/api/ledger/imports/${id}`)
    assert.ok([403, 404].includes(api.status()), `the API refuses too (got ${api.status()})`)
    await shot(page, 'ledger-out-of-scope')
  } finally { await b.close() }
})

test('a file that is not a ledger is refused with the accepted types', { skip: !role && 'no user with a ledger role' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ejia-e2e-bad-'))
  const file = path.join(dir, 'notes.txt')
  fs.writeFileSync(file, 'not a ledger\n')
  const b = await openBrowser()
  try {
    const { page } = b
    await loginAs(page, role)
    await page.goto('/ledger/imports')
    await page.locator('[data-testid="upload"] input[type=file]').setInputFiles(file)
    const bad = page.getByTestId('upload-error')
    await bad.waitFor()
    assert.match(await bad.innerText(), /notes\.txt.*xlsx/s)
  } finally {
    await b.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('the problem report is usable on a phone', { skip: !role && 'no user with a ledger role' }, async () => {
  const b = await openBrowser({ viewport: PHONE })
  try {
    const { page } = b
    await loginAs(page, role)
    await page.goto('/ledger/imports')
    const link = page.locator('[data-testid="imports-table"] a').first()
    await link.waitFor()
    await link.click()
    await page.getByTestId('problems-table').waitFor()
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 1, `no page-wide horizontal scrolling (overflow ${overflow}px)`)
    await shot(page, 'ledger-import-detail-phone')
  } finally { await b.close() }
})
