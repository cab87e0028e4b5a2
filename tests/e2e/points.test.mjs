// 我的积分 and 积分管理 in the browser, on the demo's ledger (the engine ran over the demo's
// activity log).  A member of the secretary's branch, on a 390 px phone, opens 我的积分 from the
// menu, reads the year's total as the API gives it, follows a meeting's line to the page that
// lists that meeting, and claims points with a certificate (a PDF), which shows as 待审核.  The
// secretary, at 1440 px, finds the claim on 积分管理, approves it (the line appears on the
// member's ledger), and reads the branch's ranking (ranks shared at ties) and exports it.
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { openBrowser, loginAs, apiAs, shot, until, toastSeen, downloadXlsx, USERS, PHONE } from './lib.mjs'

const WIDE = { width: 1440, height: 900 }
const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)
const here = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.join(here, '..', '..')
const STATE = process.env.E2E_STATE || ''
const DB = path.join(STATE, 'ejia.db')
const ready = () => STATE && USERS.city && USERS.secretary
const TITLE = `获评“优秀党务工作者”${Math.random().toString(16).slice(2, 6)}`
function sql(q) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', DB, q], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`)
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'))
}
const year = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 4)
const pts = (n) => (Math.round(n || 0) / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 })

before(async () => {
  if (!ready()) return
  // the member's own account: a member of the secretary's branch who attended meetings this year
  const sec = await apiAs('secretary')
  const org = (await sec.get('/api/me')).body.user.scope.code
  const pass = `E2e-${Math.random().toString(16).slice(2, 10)}-Pw!`
  const bin = process.env.E2E_EJIA || path.join(ROOT, 'ejia')
  const u = spawnSync(bin, ['user', 'add', '--db', DB, '--username', 'e2e_points_member', '--role', 'member'], { input: pass + '\n', encoding: 'utf8' })
  if (u.status !== 0) throw new Error(`ejia user add: ${u.stderr}`)
  USERS.points_member = { username: 'e2e_points_member', password: pass }
  const [[pid]] = sql(`SELECT m.person_id FROM member m JOIN person p ON p.id = m.person_id WHERE p.user_id IS NULL AND m.org_path LIKE '%/${Number(org)}/%'
    AND EXISTS (SELECT 1 FROM points_line l WHERE l.subject = 'member' AND l.subject_id = m.person_id AND l.ref LIKE 'meeting:%' AND l.day >= '${year()}-01-01')
    ORDER BY m.person_id LIMIT 1`)
  sql(`UPDATE person SET user_id = (SELECT id FROM users WHERE username = 'e2e_points_member') WHERE id = ${pid}`)
})

test('the member traces a line to its record and claims points at 390 px', { skip: !ready() && 'no e2e users' }, async () => {
  const api = await apiAs('points_member')
  const me = (await api.get(`/api/me/points?period=${year()}`)).body
  assert.ok(me.total > 0 && me.lines.length > 0, JSON.stringify(me).slice(0, 300))
  const meeting = me.lines.find((l) => l.ref.startsWith('meeting:'))
  const b = await openBrowser({ viewport: PHONE })
  try {
    const { page } = b
    await loginAs(page, 'points_member')
    await page.getByRole('button', { name: '打开菜单' }).click()
    await page.locator('.el-drawer [data-menu="my-points"]').click()
    await page.waitForURL(/\/me\/points/)
    await page.getByRole('heading', { level: 1, name: '我的积分' }).waitFor()
    await until(async () => (await page.getByTestId('my-points-sum').getAttribute('data-points')) === String(me.total), 'the year\'s total')
    assert.equal((await page.getByTestId('my-points-sum').innerText()).trim(), pts(me.total))
    const lines = page.locator('.my-points-line')
    await until(async () => (await lines.count()) === me.lines.length, 'every line behind the total')
    assert.ok(await noHScroll(page), 'no sideways scrolling at 390 px')
    await shot(page, 'my-points-phone')
    // a meeting's line leads to the page that lists that meeting
    const line = page.locator(`.my-points-line[data-ref="${meeting.ref}"]`).first()
    await line.scrollIntoViewIfNeeded()
    assert.match(await line.innerText(), /参加组织生活/)
    await line.locator('.my-points-open').click()
    await page.waitForURL(new RegExp(`/me/meetings\\?meeting=${meeting.ref.split(':')[1]}`))
    await page.getByTestId('mm-past').waitFor()
    const mine = (await api.get('/api/me/meetings')).body
    const past = JSON.stringify(mine)
    assert.ok(past.includes(`"id": ${meeting.ref.split(':')[1]}`) || past.includes(`"id":${meeting.ref.split(':')[1]}`), 'the meeting is on my meetings page')
    await page.goBack()
    await page.waitForURL(/\/me\/points/)
    // a claim with a certificate
    await page.getByTestId('my-points-claim').click()
    const form = page.getByTestId('my-points-form')
    await form.waitFor()
    await page.getByTestId('claim-title').fill(TITLE)
    await page.getByTestId('claim-file').setInputFiles({ name: '证书.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n') })
    await shot(page, 'my-points-claim-phone')
    await page.getByTestId('claim-submit').click()
    await toastSeen(page, '已提交')
    const row = page.locator('.my-points-claim-row', { hasText: TITLE })
    await row.waitFor()
    assert.match(await row.innerText(), /待审核/)
  } finally { await b.close() }
})

test('the secretary approves the claim and reads the branch ranking at 1440 px', { skip: !ready() && 'no e2e users' }, async () => {
  const member = await apiAs('points_member')
  const before = (await member.get(`/api/me/points?period=${year()}`)).body
  const claim = before.claims.find((k) => k.title === TITLE)
  assert.ok(claim, 'the member\'s claim (the spec before)')
  const b = await openBrowser({ viewport: WIDE })
  try {
    const { page } = b
    await loginAs(page, 'secretary')
    await page.locator('[data-menu="points"]').first().click()
    await page.waitForURL(/\/points/)
    await page.getByRole('heading', { level: 1, name: '积分管理' }).waitFor()
    const row = page.getByTestId('points-claims').locator('tr.points-claim-row').filter({ hasText: TITLE })
    await row.waitFor()
    await shot(page, 'points-claims-desktop')
    await row.getByTestId('points-approve').click()
    await toastSeen(page, '已通过')
    await until(async () => {
      const now = (await member.get(`/api/me/points?period=${year()}`)).body
      return now.lines.some((l) => l.claim_id === claim.id) && now.total > before.total
    }, 'the approved claim is a line of the member\'s ledger')
    // the branch's ranking
    await page.getByRole('tab', { name: '积分排名' }).click()
    const ranks = page.getByTestId('points-ranking').locator('tr.points-rank-row')
    await ranks.first().waitFor()
    const sec = await apiAs('secretary')
    const org = (await sec.get('/api/me')).body.user.scope.code
    const want = (await sec.get(`/api/points/ranking?subject=member&period=${year()}&org_id=${org}&size=20`)).body
    assert.ok(want.items.length > 0)
    await until(async () => (await ranks.count()) === want.items.length, 'the ranking\'s page')
    assert.match(await ranks.first().innerText(), new RegExp(`^\\s*${want.items[0].rank}\\s+${want.items[0].name}`))
    for (let i = 1; i < want.items.length; i++) {
      if (want.items[i].points === want.items[i - 1].points) assert.equal(want.items[i].rank, want.items[i - 1].rank)
    }
    await downloadXlsx(page, page.getByRole('link', { name: '导出 Excel' }).last())
    await shot(page, 'points-ranking-desktop')
  } finally { await b.close() }
})
