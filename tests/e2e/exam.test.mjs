// 在线考试 in the browser.  The city office at 1440 px opens 学习培训 · 考试题库, downloads the
// template, imports a file with a wrong row (nothing imported, the row's problem shown) and then
// the corrected one; under 在线考试 it makes an exam of three questions from that bank and opens
// it.  A member on a 390 px phone finds it under 我的考试, answers one question at a time (each
// answer saved as chosen, the server's countdown shown), submits, and sees the score, the pass,
// the hours credited and the right answers with their explanations.  The office's exam page then
// shows one taker, one pass, 100 %, and the member behind the pass figure; the results export.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openBrowser, loginAs, apiAs, shot, until, toastSeen, openMenuItem, downloadXlsx, USERS, PHONE } from './lib.mjs'

const DESK = { width: 1440, height: 900 }
const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)
const tag = String(Date.now()).slice(-6)
const BANK = `浏览器测试题库${tag}`
const TITLE = `浏览器测试考试${tag}`
const HEAD = '序号,题型,题目,选项A,选项B,选项C,选项D,答案,解析,分类\n'
const ROWS = [
  `1,单选题,预备党员的预备期为多久？（${tag}）,半年,一年,两年,三年,B,党章第七条：预备党员的预备期为一年。,党章\n`,
  `2,多选题,党的纪律处分包括哪些？（${tag}）,警告,严重警告,留党察看,罚款,ABC,党章第四十条：罚款不是党的纪律处分。,党章\n`,
  `3,判断题,党员有退党的自由。（${tag}）,,,,,对,党章第九条：党员有退党的自由。,党章\n`,
]
// an Element input's own <input>, whether the test id sits on it or on its wrapper; the value committed (blur)
async function fillIn(loc, v) {
  const input = (await loc.evaluate((e) => e.tagName)) === 'INPUT' ? loc : loc.locator('input').first()
  await input.fill(v)
  await input.press('Tab')
}
const csv = (rows) => Buffer.from('\uFEFF' + HEAD + rows.join(''))

const ready = !!(USERS.city && USERS.member)

test('an exam is imported, made and opened at 1440 px, taken and scored at 390 px, its results seen', { skip: !ready && 'no users' }, async () => {
  const city = await apiAs('city')
  const member = await apiAs('member')
  // the member's account belongs to a registered member (as in the other member specs)
  if (!(await member.get('/api/me/exams')).body.member) {
    const org = (await city.get(`/api/orgs?kind=${encodeURIComponent('党支部')}&size=1&status=active`)).body.items[0]
    const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    const body17 = '35020319880808' + tag.slice(-3)
    const id = body17 + '10X98765432'[[...body17].reduce((s, c, i) => s + Number(c) * w[i], 0) % 11]
    const r = await city.post('/api/members', { name: '考试甲', id_number: id, org_id: org.id, category: '正式党员', joined_on: '2012-07-01',
      full_on: '2013-07-01', username: USERS.member.username })
    assert.equal(r.status, 201, JSON.stringify(r.body))
  }

  // ---- the city office, 1440 px: the bank ----
  let b = await openBrowser({ viewport: DESK })
  let examId
  try {
    const { page } = b
    await loginAs(page, 'city')
    await openMenuItem(page, 'exam-banks', '学习培训')
    await page.waitForURL(/\/study\/exam-banks$/)
    await page.getByRole('heading', { level: 1, name: '考试题库' }).waitFor()
    await downloadXlsx(page, page.getByTestId('exam-template'))
    await fillIn(page.getByTestId('exam-bank-name'), BANK)
    const input = page.getByTestId('exam-bank-upload').locator('input[type=file]')
    // a wrong row: nothing imported, the row and column named
    await input.setInputFiles({ name: '有错的题库.csv', mimeType: 'text/csv', buffer: csv([ROWS[0], '2,单选题,两个答案,甲,乙,丙,,AB,,\n', ROWS[2]]) })
    await page.getByTestId('exam-bank-error').waitFor()
    assert.match(await page.getByTestId('exam-bank-error').innerText(), /1 行有问题，整个题库未导入/)
    const prob = page.getByTestId('exam-bank-problems')
    await prob.waitFor()
    assert.match(await prob.innerText(), /第 3 行 H 列（答案）：单选题只能有一个答案/)
    await shot(page, 'exam-bank-problems')
    // corrected: imported
    await input.setInputFiles({ name: '党章测试题库.csv', mimeType: 'text/csv', buffer: csv(ROWS) })
    await page.getByTestId('exam-bank-result').waitFor()
    assert.match(await page.getByTestId('exam-bank-result').innerText(), new RegExp(`${BANK}.*3 题`))
    await page.locator('.exam-bank-row', { hasText: BANK }).first().waitFor()
    await shot(page, 'exam-banks')
    await page.locator('.exam-bank-row', { hasText: BANK }).first().click()
    await page.getByTestId('exam-bank-questions').waitFor()
    assert.match(await page.getByTestId('exam-bank-questions').innerText(), /党章第九条/)
    await shot(page, 'exam-bank')

    // ---- the exam: made from the bank, opened ----
    await openMenuItem(page, 'exams', '学习培训')
    await page.waitForURL(/\/study\/exams$/)
    await page.getByTestId('exam-create').click()
    const form = page.getByTestId('exam-form')
    await form.waitFor()
    await fillIn(form.getByTestId('exam-f-title'), TITLE)
    await form.getByTestId('exam-f-bank').click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: BANK }).first().click()
    for (const [k, v] of [['nsingle', 1], ['nmultiple', 1], ['njudge', 1]]) await fillIn(form.getByTestId(`exam-f-${k}`), String(v))
    await fillIn(form.getByTestId('exam-f-minutes'), '10')
    await form.getByTestId('exam-form-save').click()
    await page.waitForURL(/\/study\/exams\/\d+$/)
    examId = Number(page.url().match(/(\d+)$/)[1])
    await until(async () => (await page.getByTestId('exam-state').innerText()).includes('未开放'), 'a draft')
    await page.getByTestId('exam-open').click()
    await until(async () => (await page.getByTestId('exam-state').innerText()).includes('开放中'), 'the exam open')
    assert.ok(await toastSeen(page, '考试已开放'))
    await shot(page, 'exam-open')
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }

  // the right answers, as the office sees them in the bank
  const exam = (await city.get(`/api/exams/${examId}`)).body.exam
  const bank = (await city.get(`/api/exam-banks/${exam.bank_id}`)).body.bank
  const right = Object.fromEntries(bank.items.map((q) => [q.stem, q.answer]))

  // ---- the member, 390 px: 我的考试 ----
  b = await openBrowser({ viewport: PHONE })
  try {
    const { page } = b
    await loginAs(page, 'member')
    await page.getByRole('button', { name: '打开菜单' }).click()
    await page.locator('.el-drawer [data-menu="my-exams"]').click()
    await page.waitForURL(/\/me\/exams$/)
    const card = page.locator('.my-exam', { hasText: TITLE })
    await card.waitFor()
    assert.ok(await noHScroll(page), 'no sideways scrolling at 390 px')
    await shot(page, 'exam-mine-phone')
    await card.getByTestId('my-exam-start').click()
    await page.waitForURL(/\/me\/exams\/attempts\/\d+$/)
    await page.getByTestId('take-question').waitFor()
    assert.match(await page.getByTestId('take-clock').innerText(), /剩余时间 (09:[0-5]\d|10:00)/)
    for (let i = 0; i < 3; i++) {
      const q = page.getByTestId('take-question')
      const stem = (await q.locator('.stem').innerText()).trim()
      const ans = right[stem]
      assert.ok(ans, `the question “${stem}” is the bank's`)
      const seq = await q.getAttribute('data-seq')
      for (const l of ans) {
        const saved = page.waitForResponse((r) => r.url().endsWith('/answers') && r.request().method() === 'POST' && r.status() === 200)
        await q.locator('.opt').nth(l.charCodeAt(0) - 65).click()
        await saved
      }
      await q.getByTestId('take-saved').waitFor()
      assert.equal(await page.getByTestId('take-question').getAttribute('data-seq'), seq)
      if (i === 0) { assert.ok(await noHScroll(page)); await shot(page, 'exam-take-phone') }
      if (i < 2) await q.getByTestId('take-next').click()
    }
    await page.getByTestId('take-submit').click()
    await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
    await page.getByTestId('take-result').waitFor()
    assert.equal((await page.getByTestId('take-score').innerText()).trim(), '100')
    assert.equal((await page.getByTestId('take-passed').innerText()).trim(), '通过')
    assert.match(await page.getByTestId('take-credited').innerText(), /已计入学时 60 分钟/)
    assert.equal(await page.getByTestId('take-review').count(), 3)
    assert.match(await page.locator('[data-testid="take-review"]').allInnerTexts().then((x) => x.join('\n')), /解析：党章第九条/)
    assert.ok(await noHScroll(page))
    await shot(page, 'exam-result-phone')
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }

  // ---- the office again: one taker, one pass, the member behind it; the results exported ----
  b = await openBrowser({ viewport: DESK })
  try {
    const { page } = b
    await loginAs(page, 'city')
    await page.goto(`/study/exams/${examId}`)
    await page.getByTestId('exam-figures').waitFor()
    await until(async () => (await page.getByTestId('exam-pass-rate').innerText()).trim() === '100%', 'the pass rate')
    await page.getByTestId('exam-fig-passed').click()
    await until(async () => (await page.locator('.exam-result-row').count()) === 1, 'the member behind the pass')
    await page.getByTestId('exam-fig-failed').click()
    await until(async () => (await page.locator('.exam-result-row').count()) === 0, 'nobody failed')
    await page.getByTestId('exam-fig-takers').click()
    await until(async () => (await page.locator('.exam-result-row').count()) === 1, 'all takers')
    assert.match(await page.getByTestId('export-xlsx').getAttribute('href'), new RegExp(`/api/exams/${examId}/results\\?.*format=xlsx`))
    await downloadXlsx(page, page.getByTestId('export-xlsx'))
    await shot(page, 'exam-results')
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }
})
