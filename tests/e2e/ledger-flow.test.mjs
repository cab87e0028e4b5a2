// The ledger flow on the web, as the city office does it (issue 21, items 1 and 2):
// an uploaded file goes on to a round built from the chosen imports, each page says
// the next step (导入 → 生成轮次 → 审核 → 实地核查 → 发布), the diff compares with the
// round before by default; in round 3 one field check is recorded, and 生成第四轮 states
// in numbers what will happen — the server's counts — and warns that most enterprises
// are unchecked before it goes on; round 4 shows the checked enterprise as 已核查; the
// 发布为最终台账 confirm gives its counts too (cancelled at 1440 px, confirmed on a phone).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openBrowser, loginAs, apiGet, shot, until, toastSeen, USERS, PHONE, BASE } from './lib.mjs'

const WIDE = { width: 1440, height: 900 }
const stamp = Date.now().toString(36)
let round4 = null // made by the first test, published by the second

const flowStep = (page, s) => page.getByTestId(`flow-${s}`)
async function rounds(page) { return (await apiGet(page, '/api/ledger/rounds?size=100')).body.items }

test('city at 1440 px: upload → build a round → next steps → round 4 with counts and the unchecked warning', { skip: !USERS.city && 'no city user' }, async () => {
  const b = await openBrowser({ viewport: WIDE })
  const { page } = b
  try {
    await loginAs(page, 'city')

    // 导入: the page says what comes next, and an upload offers it at once
    await page.goto('/ledger/imports')
    await page.getByTestId('ledger-flow').waitFor()
    assert.equal(await flowStep(page, 'import').getAttribute('data-state'), 'done')
    assert.equal(await flowStep(page, 'round').getAttribute('data-state'), 'current')
    const name = `09-统计局-${stamp}.csv`
    const csv = '企业名称,统一社会信用代码,所属区,从业人数\n' +
      `厦门流程测试${stamp}网络科技有限公司,,思明区,12\n厦门流程测试${stamp}信息技术有限公司,,湖里区,8\n`
    await page.getByTestId('upload').locator('input[type=file]').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await page.getByTestId('upload-result').waitFor()
    await shot(page, 'ledger-imports-next')
    await page.getByTestId('upload-next').click()
    const dlg = page.getByTestId('round-create')
    await dlg.waitFor()
    // the uploaded file is chosen already; round 1 from it alone
    const box = dlg.getByTestId('create-imports').locator('.el-checkbox', { hasText: name })
    await until(async () => (await box.getAttribute('class')).includes('is-checked'), 'the uploaded import chosen')
    await dlg.getByTestId('create-number-1').click()
    await shot(page, 'ledger-round-create')
    await dlg.getByTestId('create-submit').click()
    await page.waitForURL(/\/ledger\/rounds\/\d+/)
    const newId = Number(page.url().match(/rounds\/(\d+)/)[1])
    const made = (await rounds(page)).find((r) => r.id === newId)
    assert.equal(made.number, 1)
    assert.equal(made.records, 2, 'the round holds the chosen import’s rows')
    await until(() => toastSeen(page, '已生成'), 'the toast names what was built')
    await page.getByTestId('ledger-flow').waitFor()
    assert.match(await page.getByTestId('flow-next').innerText(), /下一步/)

    // the diff compares with the round before without being asked
    const all = await rounds(page)
    const r3 = all.filter((r) => r.number === 3).sort((a, c) => c.id - a.id)[0]
    const r2 = all.filter((r) => r.number === 2 && r.id < r3.id).sort((a, c) => c.id - a.id)[0]
    await page.goto(`/ledger/rounds/${r3.id}?tab=diff`)
    const span = page.getByTestId('diff-span')
    await span.waitFor()
    assert.match(await span.innerText(), new RegExp(`从第 ${r2.id} 号轮次到第 ${r3.id} 号轮次（默认与上一轮比较`))
    await shot(page, 'round-diff-default')

    // round 3: one field check recorded, then 实地核查 → 生成第四轮
    const kept = (await apiGet(page, `/api/ledger/rounds/${r3.id}?removed=0&size=1`)).body.entities.items[0]
    const put = await page.request.put(`/api/ledger/rounds/${r3.id}/verification/${kept.entity_no}`,
      { data: { employees: 15, premises: true, operating: true, verifier: '陈晓' }, headers: { Origin: BASE } })
    assert.equal(put.status(), 200)
    const plan = (await apiGet(page, `/api/ledger/rounds/${r3.id}/verify/preview`)).body
    assert.equal(plan.kept, 1)
    assert.equal(plan.over, true)
    // the next step of round 3 is its review while pairs are open, then the field checks
    const open = (await apiGet(page, `/api/ledger/rounds/${r3.id}/review?state=open&size=1`)).body.total
    await page.goto(`/ledger/rounds/${r3.id}`)
    const step = open ? 'review' : 'verify'
    await until(async () => (await flowStep(page, step).getAttribute('data-state')) === 'current', `${step} the current step`)
    if (open) assert.match(await page.getByTestId('flow-next').innerText(), new RegExp(`还有 ${open} 对疑似重复的记录待审核`))
    await shot(page, 'round3-flow')
    await page.getByRole('tab', { name: '实地核查' }).click()
    await page.getByTestId('make-round4').click()
    const confirm = page.getByTestId('round4-plan')
    await confirm.waitFor()
    const said = await confirm.innerText()
    assert.ok(said.includes(`将保留 ${plan.kept} 家、剔除 ${plan.removed} 家（未核查 ${plan.unchecked} 家）`), said)
    assert.match(said, /超过设置的 50%/)
    await shot(page, 'round4-confirm')
    // cancelled: nothing is made
    const before = (await rounds(page)).length
    await page.locator('.plan-dialog').getByRole('button', { name: '取消' }).click()
    await confirm.waitFor({ state: 'detached' })
    assert.equal((await rounds(page)).length, before)
    // confirmed after the warning: round 4, the checked enterprise shown as checked
    await page.getByTestId('make-round4').click()
    await confirm.waitFor()
    await page.locator('.plan-dialog').getByRole('button', { name: '仍然继续' }).click()
    await page.waitForURL((u) => !u.pathname.endsWith(`/rounds/${r3.id}`))
    round4 = Number(page.url().match(/rounds\/(\d+)/)[1])
    const row = page.getByTestId('entities-table').locator('.ent-row', { hasText: kept.name })
    await row.first().waitFor()
    assert.match(await row.first().innerText(), /已核查/)
    assert.equal(await flowStep(page, 'publish').getAttribute('data-state'), 'current')
    await shot(page, 'round4')

    // 发布为最终台账: the confirm states the counts; cancelled here
    const pp = (await apiGet(page, `/api/ledger/rounds/${round4}/publish/preview`)).body
    await page.getByTestId('publish').click()
    const pub = page.getByTestId('publish-plan')
    await pub.waitFor()
    assert.ok((await pub.innerText()).includes(`将发布 ${pp.kept} 家企业为最终台账：新增 ${pp.added} 家、更新 ${pp.updated} 家`))
    await shot(page, 'publish-confirm')
    await page.locator('.plan-dialog').getByRole('button', { name: '取消' }).click()
    await pub.waitFor({ state: 'detached' })
    assert.equal((await rounds(page)).find((r) => r.id === round4).published_at, null)
    assert.deepEqual(b.problems, [])
  } finally {
    await b.close()
  }
})

test('city on a phone: the flow, building a round, publishing round 4 after its counts', { skip: !USERS.city && 'no city user' }, async () => {
  const b = await openBrowser({ viewport: PHONE })
  const { page } = b
  try {
    await loginAs(page, 'city')
    await page.goto('/ledger/rounds')
    await page.getByTestId('round-create-open').click()
    const dlg = page.getByTestId('round-create')
    await dlg.waitFor()
    await dlg.getByTestId('create-number-3').click()
    await dlg.getByTestId('create-bases').waitFor()
    await shot(page, 'ledger-round-create-phone')
    await dlg.getByRole('button', { name: '取消' }).click()
    await dlg.waitFor({ state: 'hidden' })

    assert.ok(round4, 'the desktop test made round 4')
    await page.goto(`/ledger/rounds/${round4}`)
    await page.getByTestId('ledger-flow').waitFor()
    await shot(page, 'round4-phone')
    await page.getByTestId('flow-go').click()   // the next step: 发布
    const pub = page.getByTestId('publish-plan')
    await pub.waitFor()
    assert.match(await pub.innerText(), /将发布 1 家企业为最终台账/)
    await page.getByTestId('plan-over').waitFor()
    await shot(page, 'publish-confirm-phone')
    await page.locator('.plan-dialog').getByRole('button', { name: '仍然继续' }).click()
    await until(() => toastSeen(page, '已发布 1 家企业'), 'published')
    await until(async () => (await rounds(page)).find((r) => r.id === round4).published_at, 'published_at set')
    await until(async () => (await flowStep(page, 'publish').getAttribute('data-state')) === 'done', 'the flow done')
    assert.deepEqual(b.problems, [])
  } finally {
    await b.close()
  }
})
