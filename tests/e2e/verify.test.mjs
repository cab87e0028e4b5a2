// Field verification (round 3 → round 4) as a district worker: open round 3,
// record one enterprise's results in the form (a value the server refuses is
// reported at its field, a malformed one before sending), see them saved and
// shown again; download the district's template (a real xlsx); upload a filled
// template and read the summary of what was taken and what was refused.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openBrowser, loginAs, apiGet, apiAs, shot, USERS, PHONE } from './lib.mjs'

const stamp = Date.now().toString(36)

async function round3(page) {
  const rounds = await apiGet(page, '/api/ledger/rounds')
  assert.equal(rounds.status, 200)
  const r3 = rounds.body.items.find((r) => r.number === 3)
  assert.ok(r3, 'the demo leaves a round 3 (the round that takes field verification)')
  return r3
}

test('district: verify one enterprise, see a refused value at its field, template, upload', { skip: !USERS.district && 'no district user' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ejia-e2e-verify-'))
  const b = await openBrowser()
  try {
    const { page } = b
    await loginAs(page, 'district')
    const r3 = await round3(page)
    // the district's own enterprises, kept in round 3
    const mine = (await apiGet(page, `/api/ledger/rounds/${r3.id}?removed=0&size=5`)).body.entities.items
    assert.ok(mine.length >= 2, 'the district has enterprises in round 3')
    for (const e of mine) assert.equal(e.district_code, '350203', 'a district worker sees their district only')
    const [one, two] = mine

    await page.goto(`/ledger/rounds/${r3.id}`)
    const table = page.getByTestId('entities-table')
    await table.locator('.ent-row').first().waitFor()
    await page.getByTestId('round-search').fill(one.name)
    const row = table.locator('.ent-row', { hasText: one.name })
    await row.first().waitFor()
    await shot(page, 'round')
    await row.first().getByTestId('verify-btn').click()
    const dlg = page.getByTestId('verify-dialog')
    await dlg.getByText(one.name).waitFor()

    // A malformed head count is caught before sending …
    await dlg.getByLabel('核实从业人数').fill('三十')
    await dlg.getByLabel('有无办公场所').getByText('有', { exact: true }).click()
    await dlg.getByLabel('是否正常经营').getByText('是', { exact: true }).click()
    await dlg.getByTestId('verify-save').click()
    const empItem = dlg.getByTestId('verify-employees-item')
    await empItem.locator('.el-form-item__error').getByText('请填写不小于 0 的整数').waitFor()
    // … one out of range is refused by the server, and its message lands at that field.
    await dlg.getByLabel('核实从业人数').fill('99999999')
    const [put] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes(`/verification/${one.entity_no}`)),
      dlg.getByTestId('verify-save').click(),
    ])
    assert.equal(put.status(), 400)
    assert.equal((await put.json()).error.field, 'employees')
    await empItem.locator('.el-form-item__error').getByText(/核实从业人数.*10000000/).waitFor()
    await shot(page, 'verify-form-error')

    // A good value is saved …
    const who = `核查员${stamp.slice(-4)}`
    await dlg.getByLabel('核实从业人数').fill('12')
    await dlg.getByLabel('核查人').fill(who)
    await dlg.getByLabel('备注').fill('e2e 实地核查')
    await dlg.getByTestId('verify-save').click()
    await page.getByText(`已保存“${one.name}”的核查结果`).waitFor()
    await dlg.waitFor({ state: 'hidden' })
    const saved = (await apiGet(page, `/api/ledger/rounds/${r3.id}/entities/${one.entity_no}`)).body.verification
    assert.equal(saved.employees, 12)
    assert.equal(saved.premises, 1)
    assert.equal(saved.operating, 1)
    assert.equal(saved.verifier, who)
    // … and shown again when the form is opened once more
    await row.first().getByTestId('verify-btn').click()
    await dlg.getByTestId('verify-last').waitFor()
    assert.equal(await dlg.getByLabel('核实从业人数').inputValue(), '12')
    assert.equal(await dlg.getByLabel('核查人').inputValue(), who)
    await shot(page, 'verify-form')
    await page.keyboard.press('Escape')
    await dlg.waitFor({ state: 'hidden' })

    // The enterprise's detail shows the verification and its lineage.
    await row.first().getByRole('button', { name: one.name, exact: true }).click()
    const ent = page.getByTestId('entity-dialog')
    await ent.getByTestId('entity-verification').getByText(who).waitFor()
    await ent.getByTestId('lineage-table').locator('tbody tr').first().waitFor()
    await page.keyboard.press('Escape')
    await ent.waitFor({ state: 'hidden' })

    // The verification tab: the district's template is a real xlsx.
    await page.getByRole('tab', { name: '实地核查' }).click()
    await page.getByTestId('verify-panel').getByText('思明区').first().waitFor()
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('template-download').click()])
    assert.match(dl.suggestedFilename(), /\.xlsx$/i)
    const tpl = path.join(dir, 'template.xlsx')
    await dl.saveAs(tpl)
    assert.equal(fs.readFileSync(tpl).subarray(0, 2).toString('latin1'), 'PK', 'the template is an xlsx (zip) file')

    // Upload a filled template: one good row, one enterprise outside the district, one bad count.
    const filled = path.join(dir, `核查表-${stamp}.csv`)
    fs.writeFileSync(filled, [
      '企业编号,企业名称,核实从业人数,有无办公场所,是否正常经营,核查人,备注',
      `${two.entity_no},${two.name},7,有,是,${who},导入`,
      '999999,不存在的企业,3,有,是,,',
      `${one.entity_no},${one.name},约十人,有,是,,`,
    ].join('\r\n') + '\r\n')
    await page.locator('[data-testid="verify-upload"] input[type=file]').setInputFiles(filled)
    const res = page.getByTestId('verify-result')
    await res.waitFor({ timeout: 30000 })
    assert.match(await res.innerText(), /1 家企业的核查结果已保存，2 行未导入/)
    const probs = await res.getByTestId('verify-problems').innerText()
    assert.match(probs, /999999/)
    assert.match(probs, /约十人/)
    await shot(page, 'verify-upload')
    const two2 = (await apiGet(page, `/api/ledger/rounds/${r3.id}/entities/${two.entity_no}`)).body.verification
    assert.equal(two2.employees, 7)
    const one2 = (await apiGet(page, `/api/ledger/rounds/${r3.id}/entities/${one.entity_no}`)).body.verification
    assert.equal(one2.employees, 12, 'the refused row left the earlier result alone')
    assert.deepEqual(b.problems, [])
  } finally {
    await b.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('district: the verification form fits a phone', { skip: !USERS.district && 'no district user' }, async () => {
  const b = await openBrowser({ viewport: PHONE })
  try {
    const { page } = b
    await loginAs(page, 'district')
    const r3 = await round3(page)
    await page.goto(`/ledger/rounds/${r3.id}`)
    const card = page.locator('[data-testid="entities-table"] li.ent-row').first()
    await card.waitFor()
    await card.getByTestId('verify-btn').click()
    const dlg = page.getByTestId('verify-dialog')
    await dlg.getByTestId('verify-save').waitFor()
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1), false)
    await shot(page, 'verify-form-phone')
  } finally { await b.close() }
})

test('city: round 4 is made from the verification results, ready to publish', { skip: !(USERS.city && USERS.district) && 'needs city and district users' }, async () => {
  // the district records one enterprise's field check of its own (through the API; the form is the test above)
  const district = await apiAs('district')
  const r3d = (await district.get('/api/ledger/rounds')).body.items.find((r) => r.number === 3)
  const ent = (await district.get(`/api/ledger/rounds/${r3d.id}?removed=0&size=5`)).body.entities.items.at(-1)
  const put = await district.put(`/api/ledger/rounds/${r3d.id}/verification/${ent.entity_no}`,
    { premises: true, operating: true, employees: 9, verifier: `核查员${stamp.slice(-4)}`, note: 'e2e 第四轮' })
  assert.equal(put.status, 200, JSON.stringify(put.body))
  const b = await openBrowser()
  try {
    const { page } = b
    await loginAs(page, 'city')
    const r3 = await round3(page)
    // what the district recorded (above, and whatever else it verified) is kept in round 4
    const kept = (await apiGet(page, `/api/ledger/rounds/${r3.id}?removed=0&size=100`)).body.entities.items
    await page.goto(`/ledger/rounds/${r3.id}?tab=verify`)
    await page.getByTestId('verify-panel').waitFor()
    await page.getByTestId('make-round4').click()
    // the confirm states the server's counts; with most enterprises unchecked it warns first,
    // and only "仍然继续" sends the explicit override
    const plan = (await apiGet(page, `/api/ledger/rounds/${r3.id}/verify/preview`)).body
    const said = await page.getByTestId('round4-plan').innerText()
    assert.ok(said.includes(`将保留 ${plan.kept} 家、剔除 ${plan.removed} 家（未核查 ${plan.unchecked} 家）`), said)
    assert.equal(plan.over, true, 'the demo’s round 3 is mostly unchecked')
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/rounds/${r3.id}/verify?force=1`) && r.status() === 201),
      page.getByRole('dialog').getByRole('button', { name: '仍然继续' }).click(),
    ])
    await page.waitForURL((u) => /\/ledger\/rounds\/\d+/.test(u.pathname) && !u.pathname.endsWith(`/${r3.id}`))
    await page.getByTestId('round-title').getByText('第四轮').waitFor()
    await page.getByTestId('publish').waitFor() // the city office publishes from here
    const r4 = Number(new URL(page.url()).pathname.split('/').pop())
    const verified = []
    for (const e of kept.filter((x) => x.district_code === '350203')) { // the district user's part
      const v = (await apiGet(page, `/api/ledger/rounds/${r3.id}/entities/${e.entity_no}`)).body.verification
      if (v && v.premises && v.operating && v.employees !== 0) verified.push(e.entity_no)
    }
    assert.ok(verified.length > 0, 'the district verified at least one enterprise')
    const r4kept = (await apiGet(page, `/api/ledger/rounds/${r4}?removed=0&size=100`)).body.entities.items.map((e) => e.entity_no)
    for (const no of verified) assert.ok(r4kept.includes(no), `verified enterprise ${no} is kept in round 4`)
    // the others leave with the reason
    await page.getByTestId('removed-filter').getByText('已剔除').click()
    await page.locator('[data-testid="entities-table"] .ent-row', { hasText: '未实地核查' }).first().waitFor()
    await shot(page, 'round-4')
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }
})
