// 党费对账 in the browser (the "a month is collected with a bank statement matched"): a
// branch secretary opens 党费对账 from the side menu at 1440 px, uploads the month's bank statement
// (a CSV as the online bank exports it: title rows, a summary line); the lines whose payer is a
// member paying whole months — a quarter at once, a proxy named in the memo — show as matched with
// their receipts; of the two left, one is assigned to a member (a payment) and one ignored with a
// reason; then the same page on a 390 px phone, as cards, scrolling only up and down.  The
// members are made through the API; their monthly dues (bases) are written into this spec's own
// database (the routes that declare bases are another part of the issue).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { openBrowser, loginAs, apiAs, shot, until, toastSeen, stillness, openMenuItem, AXE_PATH, USERS, PHONE } from './lib.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.join(here, '..', '..')
const WIDE = { width: 1440, height: 900 }
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const id18 = (b) => b + '10X98765432'[[...b].reduce((s, c, i) => s + Number(c) * W[i], 0) % 11]
const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)
const THIS = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 7)   // China's month (the server's)
const monthAdd = (m, k) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)) - 1 + k, 1)).toISOString().slice(0, 7)
const M2 = monthAdd(THIS, -2)

function sql(q) {
  const db = path.join(process.env.E2E_STATE, 'ejia.db')
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', db, q], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`)
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'))
}

/** No serious or critical axe-core finding (WCAG 2 A and AA) on the settled page (as a11y.test.mjs). */
async function axeClean(b, what) {
  const { page } = b
  await b.ready()
  await page.waitForFunction(() => !document.querySelector('.el-message'))
  await stillness(page)
  await page.addScriptTag({ path: AXE_PATH })
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }))
  })
  assert.deepEqual(res.filter((v) => v.impact === 'serious' || v.impact === 'critical'), [], `${what}: serious accessibility problems`)
}

/** A secretary of a branch that lives through the test, and three members of it with their dues. */
async function setup() {
  const [[branch, est]] = sql("SELECT id, established_on FROM org WHERE kind = '党支部' AND dissolved_on IS NULL AND established_on <= '2018-01-01' ORDER BY id LIMIT 1")
  const bin = process.env.E2E_EJIA || path.join(ROOT, 'ejia')
  const pass = `E2e-${Math.random().toString(16).slice(2, 10)}-Pw!`
  const u = spawnSync(bin, ['user', 'add', '--db', path.join(process.env.E2E_STATE, 'ejia.db'), '--username', 'e2e_bank_secretary', '--role', 'secretary', '--scope', branch], { input: pass + '\n', encoding: 'utf8' })
  if (u.status !== 0) throw new Error(`ejia user add: ${u.stderr}`)
  USERS.bank_secretary = { username: 'e2e_bank_secretary', password: pass }
  const city = await apiAs('city')
  const people = {}
  const made = [['heng', '蔺书恒', 1, 3000, M2], ['yuan', '蔺书远', 2, 1500, THIS], ['kuang', '邝一鸣', 3, 2000, THIS]]
  for (const [key, name, n, fen, from] of made) {
    const r = Math.floor(Math.random() * 1e5)
    const res = await city.post('/api/members', { name, id_number: id18(`35020319860${n}1${n}${String(r % 1000).padStart(3, '0')}`.slice(0, 17)), org_id: Number(branch),
      category: '正式党员', joined_on: '2010-07-01', full_on: '2011-07-01', day: est > '2019-01-01' ? est : '2019-01-01' })
    assert.equal(res.status, 201, JSON.stringify(res.body))
    const pid = res.body.member.person_id ?? res.body.member.id
    sql(`INSERT INTO dues_base(person_id, from_month, kind, amount_fen, rule, declared_by, actor, created_at) VALUES (${pid}, '${from}', 'employee', ${fen}, '测试基数', 'secretary', 'e2e', 0)`)
    people[key] = pid
  }
  return { branch: Number(branch), people }
}

const statement = () => {
  const day = `${THIS}-02`
  return '\ufeff中国工商银行账户历史明细\n账号,6222020402001234567\n'
    + '交易日期,摘要,贷方金额(元),借方金额(元),余额,对方户名,对方账号\n'
    + `${day} 09:12:45,第四季度党费,90.00,,1090.00,蔺书恒,6222021234567890123\n`     // row 4: a quarter
    + `${day.replaceAll('-', '/')},代蔺书远缴纳党费,15.00,,1105.00,王五,6217000011112222\n` // row 5: a proxy
    + `${day},党费,20.00,,1125.00,邝一明,6217000011113333\n`                            // row 6: a name mistyped
    + `${day},货款,500.00,,1625.00,厦门乙贸易公司,4100001234\n`                          // row 7: not dues
    + `${day},手续费,,2.00,1623.00,,\n`                                                  // row 8: a debit
    + '合计,,"625.00",2.00,,,\n'
}

test('a month collected with a bank statement matched; one line assigned, one ignored (1440 px, then 390 px)',
  { skip: (!process.env.E2E_STATE || !USERS.city) && 'needs the spec\'s own database and the city user' }, async () => {
    const { people } = await setup()
    const b = await openBrowser({ viewport: WIDE, bypassCSP: true })   // bypassCSP: axe-core is injected
    const ph = await openBrowser({ viewport: PHONE, bypassCSP: true })
    try {
      const { page } = b
      await loginAs(page, 'bank_secretary')
      await openMenuItem(page, 'dues-bank', '党费管理')
      await page.waitForURL(/\/dues\/bank/)
      await page.getByRole('heading', { level: 1, name: '党费银行流水对账' }).waitFor()
      await until(async () => new URL(page.url()).searchParams.get('month') === THIS, 'this month chosen')

      // upload the statement
      await page.getByTestId('dues-bank-upload').locator('input[type=file]')
        .setInputFiles({ name: '党费专户流水.csv', mimeType: 'text/csv', buffer: Buffer.from(statement()) })
      const result = page.getByTestId('dues-bank-result')
      await result.waitFor()
      assert.match(await result.innerText(), /共 5 笔，自动对上 2 笔（105\.00 元），待处理 2 笔，非缴费 1 笔/)
      const table = page.getByTestId('dues-bank-lines')
      await table.waitFor()
      const row = (n) => table.locator(`tr.line-${n}`)
      assert.match(await row(4).innerText(), /已对上[\s\S]*蔺书恒 · .*~.*收据 \d{4}-\d{6}/)
      assert.match(await row(4).innerText(), new RegExp(`${M2} ~ ${THIS}`))
      assert.match(await row(5).innerText(), /王五 代 蔺书远 缴纳/)
      assert.match(await row(6).innerText(), /待处理[\s\S]*付款人“邝一明”不是本支部党员/)
      assert.match(await row(8).innerText(), /非缴费/)

      // assign row 6 to 邝一鸣 (the bank wrote the name wrong)
      await row(6).getByTestId('dues-bank-assign').click()
      const dlg = page.getByTestId('dues-bank-dialog')
      await dlg.waitFor()
      await page.getByTestId('dues-bank-person').click()
      await page.locator('.el-select-dropdown__item:visible').filter({ hasText: /^邝一鸣$/ }).first().click()
      await page.getByTestId('dues-bank-reason').fill('银行把姓名写错了，电话核实')
      await page.getByTestId('dues-bank-confirm').click()
      await until(() => toastSeen(page, '已分配给 邝一鸣，记为缴费。'), 'the assignment (its message)')
      await until(async () => /已分配[\s\S]*邝一鸣 · .*收据 \d{4}-\d{6}/.test(await row(6).innerText()), 'row 6 assigned with its receipt')

      // ignore row 7 with a reason
      await row(7).getByTestId('dues-bank-ignore').click()
      await page.getByTestId('dues-bank-reason').fill('货款，不是党费')
      await page.getByTestId('dues-bank-confirm').click()
      await until(() => toastSeen(page, '已忽略这一笔。'), 'the line ignored (its message)')
      await until(async () => /已忽略[\s\S]*货款，不是党费/.test(await row(7).innerText()), 'row 7 ignored with its reason')
      await until(async () => (await page.getByTestId('dues-bank-counts').innerText()).trim() === '共 5 笔 · 已对上 2 · 已分配 1 · 待处理 0 · 已忽略 1 · 非缴费 1', 'the counts')
      assert.match(await page.getByTestId('dues-bank-imports').innerText(), /党费专户流水\.csv\s+共 5 笔[\s\S]*e2e_bank_secretary/)

      // the month collected: all three paid (the server's word)
      const sec = await apiAs('bank_secretary')
      const list = (await sec.get(`/api/dues/bank/imports?month=${THIS}`)).body
      const imp = (await sec.get(`/api/dues/bank/imports/${list.items[0].id}`)).body.import
      const paid = imp.lines.filter((l) => l.payment_id).map((l) => l.person_id).sort()
      assert.deepEqual(paid, [people.heng, people.yuan, people.kuang].sort())
      // the filter: only what is left to decide (nothing)
      await page.getByTestId('dues-bank-filter').getByText('待处理').click()
      await page.getByText('没有符合条件的流水。').waitFor()
      await page.getByTestId('dues-bank-filter').getByText('全部').click()
      await table.waitFor()
      await shot(page, 'dues-bank-1440')
      await axeClean(b, 'dues bank 1440')

      // the same statement on a phone: cards, nothing wider than the screen
      await loginAs(ph.page, 'bank_secretary')
      await ph.page.goto(`/dues/bank?month=${THIS}`)
      const cards = ph.page.getByTestId('dues-bank-line')
      await until(async () => (await cards.count()) === 5, 'five lines as cards')
      assert.match(await ph.page.locator('[data-testid="dues-bank-line"][data-row="6"]').innerText(), /已分配[\s\S]*邝一鸣/)
      assert.ok(await noHScroll(ph.page), 'the page scrolls only up and down at 390 px')
      await shot(ph.page, 'dues-bank-390')
      await axeClean(ph, 'dues bank 390')
      assert.deepEqual(b.problems, [])
      assert.deepEqual(ph.problems, [])
    } finally {
      await b.close()
      await ph.close()
    }
  })
