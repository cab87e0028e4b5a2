// 党费计算器 in the browser: a member on a 390 px phone opens it from the side menu, computes
// 3000 → 15.00 and 3000.01 → 30.00 with the rule that gave them (the same words as the server's),
// a retiree's 5000.01 → 50.00, a student's flat amount with no base; a bad base shows the
// server's message under the field; the table of brackets comes from /api/dues/rules; the page
// scrolls only up and down.  Once at 1440 px too.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openBrowser, loginAs, apiAs, shot, until, USERS, PHONE } from './lib.mjs'

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
    await page.getByRole('heading', { level: 1, name: '党费计算器' }).waitFor()

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
