// 我的党费 and the branch's 党费 pages in the browser.
// The member's 我的党费 (/me/dues) at 390 px: declares their base from the calculator's result;
// the secretary at 1440 px makes the branch's sheet of the month (党费收缴 → 党费应交表), records
// the member's payment from their line (paid by a proxy) and opens its receipt (a PDF); the member
// then sees the month paid on their phone, with the receipt to open; the payments list and the
// member's dues page at 1440 px, the sheet at 390 px.  Each page is shot.
// 党费计算器: a member on a 390 px phone opens it from the side menu, computes
// 3000 → 15.00 and 3000.01 → 30.00 with the rule that gave them (the same words as the server's),
// a retiree's 5000.01 → 50.00, a student's flat amount with no base; a bad base shows the
// server's message under the field; the table of brackets comes from /api/dues/rules; the page
// scrolls only up and down.  Once at 1440 px too.
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { openBrowser, loginAs, apiAs, shot, until, toastSeen, USERS, PHONE } from './lib.mjs'

function id18(body17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  return body17 + '10X98765432'[[...body17].reduce((s, c, i) => s + Number(c) * w[i], 0) % 11]
}
// The member account (USERS.member) is linked to a record on the secretary's branch (this spec's own
// copy of the demo), so that it has dues of its own.
before(async () => {
  if (!USERS.member || !USERS.secretary || !USERS.city) return
  const m = await apiAs('member')
  if ((await m.get('/api/me/dues')).status !== 404) return
  const city = await apiAs('city')
  const org = Number((await (await apiAs('secretary')).get('/api/me')).body.user.scope.code)
  const since = (await city.get(`/api/orgs/${org}`)).body.org.established_on
  const r = Math.floor(Math.random() * 1e6)
  const res = await city.post('/api/members', { name: '党费测试', id_number: id18(`35020319860${1 + (r % 9)}1${r % 9}${String(r % 1000).padStart(3, '0')}`),
    org_id: org, category: '正式党员', joined_on: '2015-07-01', full_on: '2016-07-01', day: since > '2019-01-01' ? since : '2019-01-01', username: USERS.member.username })
  assert.equal(res.status, 201, JSON.stringify(res.body))
})

const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)

/** Type a base, press 计算 and wait for the amount the server gives (or the refusal). */
async function compute(page, base) {
  await page.getByTestId('dues-base').fill(base)
  await page.getByTestId('dues-calc').click()
}
async function amountShown(page, amount) {
  const el = page.locator(`[data-testid="dues-amount"][data-amount="${amount}"]`)
  await el.waitFor()
  return (await el.innerText()).trim()
}

test('a member computes the monthly dues on a 390 px phone', { skip: !USERS.member && 'no member user' }, async () => {
  const api = await apiAs('member')
  const b = await openBrowser({ viewport: PHONE })
  try {
    const { page } = b
    await loginAs(page, 'member')
    // from the side menu (the phone's drawer)
    await page.getByRole('button', { name: '打开菜单' }).click()
    await page.locator('.el-drawer [data-menu="my-dues"]').click()
    await page.waitForURL(/\/me\/dues$/)
    await page.getByRole('heading', { level: 1, name: '我的党费' }).waitFor()
    await page.getByRole('heading', { level: 2, name: '党费计算器' }).waitFor()

    // the table of the rules in force, from the server
    const rows = page.getByTestId('dues-rules-employee').locator('tbody tr')
    await until(async () => (await rows.count()) === 4, 'four brackets of employees')
    assert.deepEqual((await rows.allInnerTexts()).map((x) => x.replace(/\s+/g, ' ').trim()), [
      '3000 元（含）以下 0.5%', '3000 元以上至 5000 元（含） 1%', '5000 元以上至 10000 元（含） 1.5%', '10000 元以上 2%'])

    await compute(page, '3000')
    assert.equal(await amountShown(page, '15.00'), '15.00 元')
    await compute(page, '3000.01')
    assert.equal(await amountShown(page, '30.00'), '30.00 元')
    const rule = (await page.getByTestId('dues-rule').innerText()).trim()
    assert.equal(rule, '月工资基数 3000.01 元，适用 3000 元以上至 5000 元（含）1%')
    // the page's words are the server's (asked as the same member)
    const r = await api.get('/api/dues/calc?base=3000.01&kind=employee')
    assert.equal(r.status, 200)
    assert.equal(rule, r.body.rule)
    // the bracket applied is marked in the table
    assert.match(await page.getByTestId('dues-rules-employee').locator('tr.hit').innerText(), /3000 元以上至 5000 元/)
    assert.ok(await noHScroll(page), 'no sideways scrolling at 390 px')
    await shot(page, 'dues-calc-phone')

    // a bad base: the server's message under the field, no amount left on screen
    await compute(page, '3000元')
    const err = page.getByTestId('dues-base-item').locator('.el-form-item__error')
    await err.waitFor()
    const says = await err.innerText()
    assert.match(says, /不要带单位“元”/)
    assert.match(says, /位置：第 5 个字符“元”/)
    assert.equal(await page.getByTestId('dues-result').count(), 0)
    assert.ok(await noHScroll(page), 'no sideways scrolling with the error shown')

    // a retiree
    await page.locator('[data-kind="retiree"]').click()
    await page.getByTestId('dues-base-item').getByText('月离退休费').waitFor()
    await compute(page, '5000.01')
    assert.equal(await amountShown(page, '50.00'), '50.00 元')
    assert.equal((await page.getByTestId('dues-rule').innerText()).trim(), '月离退休费 5000.01 元，适用 5000 元以上 1%')

    // a student: a flat amount, no base asked
    await page.locator('[data-kind="student"]').click()
    assert.equal(await amountShown(page, '0.20'), '0.20 元')
    assert.equal(await page.getByTestId('dues-base').count(), 0)
    assert.equal((await page.getByTestId('dues-rule').innerText()).trim(), '学生党员每月定额 0.20 元')
    assert.ok(await noHScroll(page), 'no sideways scrolling at the end')
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }
})

test('the calculator at 1440 px', { skip: !USERS.member && 'no member user' }, async () => {
  const b = await openBrowser({ viewport: { width: 1440, height: 900 } })
  try {
    const { page } = b
    await loginAs(page, 'member')
    await page.getByTestId('side-menu').locator('[data-menu="my-dues"]').click()
    await page.waitForURL(/\/me\/dues$/)
    await compute(page, '10000.01')
    assert.equal(await amountShown(page, '200.00'), '200.00 元')
    assert.equal((await page.getByTestId('dues-rule').innerText()).trim(), '月工资基数 10000.01 元，适用 10000 元以上 2%')
    assert.ok(await noHScroll(page))
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }
})


const WIDE = { width: 1440, height: 900 }
/** The receipt behind a link opens: the same request the browser makes, with the page's session. */
async function receiptOpens(page, link) {
  const href = await link.getAttribute('href')
  assert.match(href, /\/receipt\.pdf$/)
  const res = await page.request.get(href)
  assert.equal(res.status(), 200, href)
  assert.equal(res.headers()['content-type'], 'application/pdf')
  assert.equal((await res.body()).subarray(0, 4).toString('latin1'), '%PDF')
  return href
}
/** A page of the 党费管理 group of the side menu (the group opened first when it is closed). */
async function openMenu(page, name) {
  const menu = page.getByTestId('side-menu')
  const item = menu.locator(`[data-menu="${name}"]`)
  if (!(await item.isVisible())) await menu.locator('.el-sub-menu__title', { hasText: '党费管理' }).click()
  await item.click()
}
const month = () => { const d = new Date(Date.now() + 8 * 3600 * 1000); return d.toISOString().slice(0, 7) }   // China's month

test('dues: the member declares a base on the phone; the secretary makes the sheet, records a payment and opens the receipt; the member sees it paid',
  { skip: (!USERS.member || !USERS.secretary) && 'no member or secretary user' }, async () => {
    const M = month()
    // 1. the member, on a 390 px phone: declare the base from the calculator's result
    let b = await openBrowser({ viewport: PHONE })
    try {
      const { page } = b
      await loginAs(page, 'member')
      await page.goto('/me/dues')
      await page.getByTestId('mine-base').waitFor()
      await compute(page, '3000.01')
      await amountShown(page, '30.00')
      await page.getByTestId('dues-declare').click()
      await page.locator('[data-testid="mine-amount"][data-amount="30.00"]').waitFor()
      await until(() => toastSeen(page, '已申报'), 'the declaration\'s toast')
      assert.ok(await noHScroll(page), 'no sideways scrolling at 390 px')
      await shot(page, 'dues-mine-phone')
      assert.deepEqual(b.problems, [])
    } finally { await b.close() }

    // 2. the secretary at 1440 px: 党费收缴 → make the sheet → record the member's payment → the receipt
    const sec = await apiAs('secretary')
    const me = (await sec.get('/api/me')).body.user
    const org = Number(me.scope.code)
    const mine = await (await apiAs('member')).get('/api/me/dues')
    const pid = mine.body.person_id
    // a run against the same data before: the month is paid already — void it, so that it is owed again
    const before = await sec.get(`/api/dues/orgs/${org}/sheets/${M}`)
    const old = before.status === 200 && before.body.items.find((l) => l.person_id === pid && l.payment_id)
    if (old) assert.equal((await sec.post(`/api/dues/payments/${old.payment_id}/void`, { reason: '浏览器测试重跑' })).status, 200)
    b = await openBrowser({ viewport: WIDE })
    let receiptNo
    try {
      const { page } = b
      await loginAs(page, 'secretary')
      await openMenu(page, 'dues-sheets')
      await page.waitForURL(/\/dues(\?.*)?$/)
      await page.getByRole('heading', { level: 1, name: '党费收缴' }).waitFor()
      await page.getByTestId('dues-sheet-make').click()
      await page.waitForURL(new RegExp(`/dues/orgs/${org}/${M}$`))
      await page.getByRole('heading', { level: 1, name: '党费应交表' }).waitFor()
      const row = page.locator('[data-testid="sheet-lines"] tr.line', { has: page.locator(`[data-person="${pid}"]`) }).first()
      await row.waitFor()
      assert.match(await row.innerText(), /30\.00/)
      assert.match(await row.innerText(), /未交/)
      await shot(page, 'dues-sheet-1440')
      await row.getByTestId('line-pay').click()
      const dlg = page.getByTestId('dues-pay')
      await dlg.waitFor()
      await dlg.getByTestId('pay-proxy').click()
      await dlg.getByTestId('pay-proxy-name').fill('林父')
      await dlg.getByTestId('pay-received').fill('30.00')
      await shot(page, 'dues-pay-1440')
      await dlg.getByTestId('pay-save').click()
      const done = page.getByTestId('dues-paid')
      await done.waitFor()
      const text = await done.innerText()
      receiptNo = text.match(/\d{4}-\d{6}/)[0]
      await receiptOpens(page, done.getByTestId('paid-receipt'))
      await done.getByRole('button', { name: '关闭', exact: true }).click()
      // the line is paid, with its receipt
      await until(async () => /已交/.test(await row.innerText()), 'the line paid')
      assert.match(await row.innerText(), new RegExp(receiptNo))
      await receiptOpens(page, row.getByTestId('line-receipt'))
      assert.ok(await noHScroll(page))

      // the payments list: the receipt is there, and opens
      await openMenu(page, 'dues-payments')
      await page.waitForURL(/\/dues\/payments/)
      const prow = page.locator('[data-testid="dues-payments"] tr', { hasText: receiptNo })
      await prow.waitFor()
      assert.match(await prow.innerText(), /代缴：林父/)
      await receiptOpens(page, prow.getByTestId('pay-receipt'))
      await shot(page, 'dues-payments-1440')

      // the member's dues page: the base (visible to their secretary), the payment
      await page.goto(`/dues/members/${pid}`)
      const base = page.locator('[data-testid="member-bases"] td.base-col').first()
      await base.waitFor()
      assert.equal((await base.innerText()).trim(), '3000.01')
      await page.getByTestId('member-payments').getByText(receiptNo).waitFor()
      assert.ok(await noHScroll(page))
      await shot(page, 'dues-member-1440')
      assert.deepEqual(b.problems, [])
    } finally { await b.close() }

    // 3. the member on the phone: this month paid, the receipt opens
    b = await openBrowser({ viewport: PHONE })
    try {
      const { page } = b
      await loginAs(page, 'member')
      await page.goto('/me/dues')
      const p = page.getByTestId('mine-payments').locator('.prow', { hasText: receiptNo })
      await p.waitFor()
      assert.match(await p.innerText(), /30\.00 元/)
      await receiptOpens(page, p.getByTestId('mine-receipt'))
      assert.equal(await page.getByTestId('mine-owed').locator(`.orow[data-month="${M}"]`).count(), 0, 'this month is not owed')
      assert.ok(await noHScroll(page))
      await shot(page, 'dues-mine-paid-phone')
      assert.deepEqual(b.problems, [])
    } finally { await b.close() }

    // 4. the secretary's sheet on a phone: one card per member, no sideways scrolling
    b = await openBrowser({ viewport: PHONE })
    try {
      const { page } = b
      await loginAs(page, 'secretary')
      await page.goto(`/dues/orgs/${org}/${M}`)
      const card = page.locator(`[data-testid="sheet-lines"] li.line[data-person="${pid}"]`)
      await card.waitFor()
      assert.equal(await card.getAttribute('data-state'), 'paid')
      assert.ok(await noHScroll(page), 'no sideways scrolling at 390 px')
      await shot(page, 'dues-sheet-phone')
      assert.deepEqual(b.problems, [])
    } finally { await b.close() }
  })
