// 组织关系接转 in the browser.  A member on a 390 px phone asks to move to a branch of 湖里区
// (我的组织关系转接: the organization found among all by name); their secretary at 1440 px finds
// it through the bell's reminder on the list and approves it; the city accepts it as the
// receiving side; the member's page (我的党建) then shows the new organization, and the
// progress page the steps.  Another member leaves as a printed letter: the secretary starts it,
// approves it, the letter's PDF link answers a PDF with its number (read with pdftotext), the
// receipt is recorded; the city's list shows letters past validity.  Both widths, no sideways
// scrolling on the phone.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { openBrowser, loginAs, apiAs, shot, until, toastSeen, USERS, PHONE } from './lib.mjs'

const DESK = { width: 1440, height: 900 }
const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)
function checkDigit(body17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  return '10X98765432'[[...body17].reduce((s, c, i) => s + Number(c) * w[i], 0) % 11]
}
const id18 = (b) => b + checkDigit(b)

/** Choose in a remote select: type q, wait for the answer of url to that q, click the option with text. */
async function pick(page, sel, q, text, url) {
  await sel.click()
  const answered = page.waitForResponse((r) => {
    const u = new URL(r.url())
    return u.pathname === url && u.searchParams.get('q') === q
  })
  await sel.locator('input').fill(q)
  await answered
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: text }).first().click()
  await sel.locator('.el-select__selected-item').filter({ hasText: text }).first().waitFor()
}

/** On a transfer's page: press an action, give a note if asked, confirm; wait for the new state. */
async function act(page, action, state, note) {
  await page.getByTestId(`transfer-act-${action}`).click()
  const dlg = page.getByTestId('transfer-act-dialog')
  await dlg.waitFor()
  if (note) await dlg.getByTestId('transfer-act-note').fill(note)
  await dlg.getByTestId('transfer-act-submit').click()
  await page.locator(`[data-testid="transfer-state"][data-state="${state}"]`).waitFor()
}

const ready = !!(USERS.city && USERS.secretary && USERS.member)

test('a member asks on the phone, the secretary approves, the receiving side accepts: the membership moved', { skip: !ready && 'no users' }, async () => {
  const city = await apiAs('city')
  const sec = await apiAs('secretary')
  const secOrg = Number((await sec.get('/api/me')).body.user.scope.code)
  const huli = (await city.get(`/api/orgs?district=350206&kind=${encodeURIComponent('党支部')}&size=1&status=active`)).body.items[0]
  assert.ok(huli, 'a branch in 湖里区')
  const r = await city.post('/api/members', { name: '转接甲', id_number: id18('35020319870707781'), org_id: secOrg, category: '正式党员',
    joined_on: '2012-07-01', full_on: '2013-07-01', username: USERS.member.username })
  assert.equal(r.status, 201, JSON.stringify(r.body))

  // ---- the member, 390 px: 组织关系转接 from the side menu ----
  let b = await openBrowser({ viewport: PHONE })
  try {
    const { page } = b
    await loginAs(page, 'member')
    await page.getByRole('button', { name: '打开菜单' }).click()
    await page.locator('.el-drawer [data-menu="my-transfer"]').click()
    await page.waitForURL(/\/me\/transfer$/)
    await page.getByRole('heading', { level: 1, name: '组织关系转接' }).waitFor()
    const orgName = (await sec.get(`/api/orgs/${secOrg}`)).body.org.name
    assert.equal((await page.getByTestId('my-transfer-org').innerText()).trim(), orgName)
    await pick(page, page.getByTestId('my-transfer-to'), huli.name.slice(2, 10), huli.name, '/api/transfers/targets')
    await page.getByTestId('my-transfer-reason').fill('工作调动')
    await page.getByTestId('my-transfer-submit').click()
    await page.locator('.my-transfer-row[data-state="requested"]').waitFor()
    assert.ok(await toastSeen(page, '已提交'))
    assert.ok(await noHScroll(page), 'no sideways scrolling at 390 px')
    await shot(page, 'transfer-mine-phone')
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }

  const mine = (await (await apiAs('member')).get('/api/me/transfers')).body
  const id = mine.items[0].id

  // ---- the secretary, 1440 px: the reminder leads to the list; the transfer approved ----
  b = await openBrowser({ viewport: DESK })
  try {
    const { page } = b
    await loginAs(page, 'secretary')
    // the branch's page counts it, and links to the list so filtered
    await page.goto(`/orgs/${secOrg}`)
    const approve = page.getByTestId('org-transfers-approve')
    await until(async () => Number((await approve.locator('.num').innerText().catch(() => '')).trim()) >= 1, 'the count to approve on the branch\'s page')
    await approve.click()
    await page.waitForURL(/\/transfers\?.*direction=out/)
    await page.locator('[data-testid="transfers-table"] .transfer-row').filter({ hasText: '转接甲' }).first().waitFor()
    await page.goto('/')
    await page.getByTestId('card-reminders').locator('.reminder-row[data-kind="transfer_approve"]').click()
    await page.waitForURL(/\/transfers\?/)
    const row = page.locator('[data-testid="transfers-table"] .transfer-row').filter({ hasText: '转接甲' })
    await row.first().waitFor()
    await shot(page, 'transfers-list')
    await row.first().click()
    await page.waitForURL(new RegExp(`/transfers/${id}$`))
    await page.getByTestId('transfer-heading').waitFor()
    assert.equal(await page.getByTestId('transfer-act-accept').count(), 0, 'the sending side does not accept')
    await act(page, 'approve', 'sent')
    assert.ok(await toastSeen(page, '已办理'))
    await page.locator('[data-testid="transfer-steps"] .step[data-action="approve"]').waitFor()
    await shot(page, 'transfer-sent')
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }

  // ---- the receiving side (the city acts for the branch of 湖里区): returned once, sent again, accepted ----
  b = await openBrowser({ viewport: DESK })
  try {
    const { page } = b
    await loginAs(page, 'city')
    // the receiving branch's page counts it to accept
    await page.goto(`/orgs/${huli.id}`)
    await until(async () => Number((await page.getByTestId('org-transfers-accept').locator('.num').innerText().catch(() => '')).trim()) >= 1, 'the count to accept on the receiving branch\'s page')
    await shot(page, 'transfer-org-counts')
    await page.goto(`/transfers/${id}`)
    await act(page, 'return', 'returned', '请补充原工作单位')
    await act(page, 'resubmit', 'sent', '已补充')
    await act(page, 'accept', 'accepted')
    const steps = await page.locator('[data-testid="transfer-steps"] .step').evaluateAll((els) => els.map((e) => e.dataset.action))
    assert.deepEqual(steps, ['request', 'approve', 'return', 'resubmit', 'accept'])
    await shot(page, 'transfer-accepted')
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }

  // ---- the member's pages show the new organization ----
  b = await openBrowser({ viewport: PHONE })
  try {
    const { page } = b
    await loginAs(page, 'member')
    await page.goto('/me')
    await until(async () => (await page.getByTestId('me-org-name').innerText().catch(() => '')).includes(huli.name), 'the new organization on 我的党建')
    await page.goto('/me/transfer')
    await page.locator('.my-transfer-row[data-state="accepted"]').waitFor()
    assert.equal((await page.getByTestId('my-transfer-org').innerText()).trim(), huli.name)
    assert.ok(await noHScroll(page))
    await shot(page, 'transfer-mine-accepted-phone')
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }
})

test('a member leaves as a printed letter: the PDF, then its receipt; letters past validity listed', { skip: !ready && 'no users' }, async () => {
  const city = await apiAs('city')
  const sec = await apiAs('secretary')
  const secOrg = Number((await sec.get('/api/me')).body.user.scope.code)
  const r = await city.post('/api/members', { name: '转接乙', id_number: id18('35020319860606782'), org_id: secOrg, category: '正式党员',
    joined_on: '2010-07-01', full_on: '2011-07-01' })
  assert.equal(r.status, 201, JSON.stringify(r.body))
  const tmp = mkdtempSync(path.join(tmpdir(), 'ejia-e2e-letter-'))
  for (const viewport of [DESK]) {
    const b = await openBrowser({ viewport })
    try {
      const { page } = b
      await loginAs(page, 'secretary')
      await page.goto('/transfers')
      await page.getByTestId('transfer-start').click()
      const form = page.getByTestId('transfer-form')
      await form.waitFor()
      await form.getByTestId('transfer-kind').getByText('转出系统（介绍信）').click()
      await pick(page, form.getByTestId('transfer-person'), '转接乙', '转接乙', '/api/members')
      await form.getByTestId('transfer-to-name').fill('中共北京市海淀区某科技有限公司支部委员会')
      await form.getByTestId('transfer-reason').fill('赴外地工作')
      await shot(page, 'transfer-start-letter')
      await form.getByTestId('transfer-save').click()
      await page.waitForURL(/\/transfers\/\d+$/)
      await page.locator('[data-testid="transfer-state"][data-state="requested"]').waitFor()
      await act(page, 'approve', 'letter')
      const no = (await page.getByTestId('transfer-letter-no').innerText()).trim()
      assert.match(no, /^厦组转〔\d{4}〕第\d{4}号$/)
      const link = page.getByTestId('transfer-letter-pdf')
      const href = await link.getAttribute('href')
      const res = await page.request.get(href)
      assert.equal(res.status(), 200)
      assert.equal(res.headers()['content-type'], 'application/pdf')
      const pdf = path.join(tmp, 'letter.pdf')
      writeFileSync(pdf, await res.body())
      const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, '')
      for (const part of [no, '转接乙同志', '中共北京市海淀区某科技有限公司支部委员会', '（回执）']) assert.ok(text.includes(part), `the letter has ${part}`)
      await shot(page, 'transfer-letter')
      await act(page, 'receipt', 'completed', '回执已寄回')
      await page.locator('[data-testid="transfer-steps"] .step[data-action="receipt"]').waitFor()
      assert.deepEqual(b.problems, [])
    } finally { await b.close() }
  }
  // the city: letters past validity without a receipt (the demo has one), on a desktop and on a phone
  for (const viewport of [DESK, PHONE]) {
    const b = await openBrowser({ viewport })
    try {
      const { page } = b
      await loginAs(page, 'city')
      await page.goto('/transfers')
      await page.getByTestId('transfers-overdue').click()
      await page.waitForURL(/overdue=1/)
      const rows = page.locator('.transfer-row')
      await rows.first().waitFor()
      const api = await city.get('/api/transfers?overdue=1')
      await until(async () => (await rows.count()) === api.body.items.length, 'the overdue letters as the server lists them')
      for (const t of await rows.allInnerTexts()) assert.match(t, /逾期未回执/)
      if (viewport === PHONE) assert.ok(await noHScroll(page))
      await shot(page, viewport === PHONE ? 'transfers-overdue-phone' : 'transfers-overdue')
      assert.deepEqual(b.problems, [])
    } finally { await b.close() }
  }
  rmSync(tmp, { recursive: true, force: true })
})
