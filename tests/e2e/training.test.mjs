// Training batches (轮训) in the browser, from enrolment to certificate.  The city office (1440 px)
// creates a batch from the menu 学习培训 · 轮训培训班, adds a session, enrols a member by name; the
// venue's QR screen is screenshotted and decoded (jsQR) and opened on a 390 px phone, where the
// member logs in and is checked in; the office marks the afternoon by hand with a reason, completes
// the batch and downloads the certificate; the member downloads theirs on the phone.  Check-in needs
// the session's window: the test runs its own server on a copy of this spec's database with a test
// clock (--test-clock-file) at 10:00 China time tomorrow.  The list and the member's page of the
// spec's own server (the demo's four batches) are shown too.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { openBrowser, loginAs, apiAs, shot, until, toastSeen, openMenuItem, USERS, PHONE } from './lib.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.join(here, '..', '..')
const require = createRequire(path.join(ROOT, 'web', 'package.json'))
const jsQR = require('jsqr')
const { PNG } = require('pngjs')

const WIDE = { width: 1440, height: 900 }
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const id18 = (b) => b + '10X98765432'[[...b].reduce((s, c, i) => s + Number(c) * W[i], 0) % 11]
const dayOf = (t) => new Date((t + 8 * 3600) * 1000).toISOString().slice(0, 10)
const addDays = (day, n) => new Date(Date.parse(day + 'T00:00:00Z') + n * 86400000).toISOString().slice(0, 10)
const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)

let clocked = null
async function startClocked() {
  const state = process.env.E2E_STATE
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ejia-e2e-training-'))
  const db = path.join(dir, 'ejia.db'), clock = path.join(dir, 'clock')
  const b = spawnSync('sqlite3', ['-cmd', '.timeout 20000', path.join(state, 'ejia.db'), `.backup '${db}'`], { encoding: 'utf8' })
  if (b.status !== 0) throw new Error(`copying the database: ${b.stderr}`)
  fs.copyFileSync(path.join(state, 'ejia.db.key'), db + '.key')
  fs.chmodSync(db + '.key', 0o600)
  const bin = process.env.E2E_EJIA || path.join(ROOT, 'ejia')
  const q = spawnSync('sqlite3', [db, "SELECT id FROM org WHERE kind = '党支部' AND dissolved_on IS NULL AND established_on <= '2018-01-01' ORDER BY id LIMIT 1"], { encoding: 'utf8' })
  const branch = Number(q.stdout.trim())
  if (!branch) throw new Error(`no active branch in the demo data: ${q.stderr}`)
  const real = Math.floor(Date.now() / 1000)
  const today = addDays(dayOf(real), 1)
  fs.writeFileSync(clock, String(Math.floor(Date.parse(today + 'T10:00:00+08:00') / 1000) - real))
  const extra = (process.env.EJIA_SERVE_ARGS || '').split(/\s+/).filter(Boolean)
  const child = spawn(bin, ['serve', '--db', db, '--port', '0', '--web-root', process.env.E2E_WEB_ROOT || path.join(ROOT, 'web', 'dist'),
    '--test-clock-file', clock, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stdout.on('data', (d) => { log += d })
  child.stderr.on('data', (d) => { log += d })
  const base = await until(async () => {
    const m = log.match(/http:\/\/127\.0\.0\.1:\d+/)
    if (!m) return null
    try { return (await fetch(`${m[0]}/healthz`)).ok ? m[0] : null } catch { return null }
  }, 'the clocked server answering /healthz', 60000)
  // the member account (USERS.member) linked to a new record on the branch's roll: a registry member
  const city = await apiAs('city', base)
  const r = Math.floor(Math.random() * 1e6)
  const res = await city.post('/api/members', { name: '培训学员', id_number: id18(`35020319860${1 + (r % 9)}1${r % 9}${String(r % 1000).padStart(3, '0')}`),
    org_id: branch, category: '正式党员', joined_on: '2015-07-01', full_on: '2016-07-01', day: '2019-01-01', username: USERS.member.username })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  clocked = {
    base, today, city, person: res.body.member.id,
    async stop() {
      const gone = new Promise((x) => child.once('exit', x))
      child.kill('SIGTERM')
      await gone
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
  return clocked
}
after(async () => { if (clocked) await clocked.stop() })

async function readQr(locator) {
  const png = PNG.sync.read(await locator.screenshot())
  const code = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height)
  return code ? code.data : null
}
async function saved(page, text) {
  const bad = page.locator('.el-alert--error:visible, .el-form-item__error:visible')
  const ok = await until(async () => (await toastSeen(page, text)) || ((await bad.count()) > 0 ? 'bad' : false), `“${text}” or an error`)
  if (ok === 'bad') throw new Error(`“${text}” expected; the page says: ${(await bad.allInnerTexts()).join(' | ')}`)
}
/** A download's bytes start with %PDF. */
async function pdfDownloaded(page, locator) {
  const [dl] = await Promise.all([page.waitForEvent('download'), locator.click()])
  assert.match(dl.suggestedFilename(), /^结业证书-.*\.pdf$/)
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ejia-e2e-cert-')), 'c.pdf')
  await dl.saveAs(f)
  assert.equal(fs.readFileSync(f).subarray(0, 4).toString('latin1'), '%PDF')
  fs.rmSync(path.dirname(f), { recursive: true, force: true })
}

test('a batch from enrolment (office, 1440) through check-in (member, 390) to the certificate',
  { skip: (!process.env.E2E_STATE || !(USERS.city && USERS.member)) && 'needs the spec\'s own database and the users' }, async () => {
    const S = await startClocked()
    const b = await openBrowser({ viewport: WIDE, baseURL: S.base })
    const ph = await openBrowser({ viewport: PHONE, baseURL: S.base })
    const { page } = b
    try {
      // ---- the office creates the batch from the menu ----
      await loginAs(page, 'city')
      await openMenuItem(page, 'training', '学习培训')
      await page.waitForURL(/\/training$/)
      await page.getByTestId('training-table').waitFor()
      await page.getByTestId('training-create').click()
      const form = page.getByTestId('training-form')
      await form.getByTestId('training-name').fill('第三期互联网企业党组织书记培训班')
      for (const ph_ of ['开班日期', '结业日期']) {
        const d = form.getByPlaceholder(ph_)
        await d.fill(S.today)
        await d.press('Enter')
      }
      await form.getByTestId('training-save').click()
      await page.waitForURL(/\/training\/\d+$/)
      const bid = Number(page.url().match(/\/training\/(\d+)$/)[1])
      await page.getByTestId('batch-name').filter({ hasText: '第三期互联网企业党组织书记培训班' }).waitFor()

      // ---- a session (09:00–12:00 today; the server's clock says 10:00), a second one by the API ----
      await page.getByTestId('session-add').click()
      const sf = page.getByTestId('session-form')
      const day = sf.getByPlaceholder('日期')
      await day.fill(S.today)
      await day.press('Enter')
      await sf.getByTestId('session-start').fill('09:00')
      await sf.getByTestId('session-end').fill('12:00')
      await sf.getByTestId('session-topic').fill('互联网党建实务')
      await sf.getByTestId('session-teacher').fill('市委党校 陈教授')
      await sf.getByTestId('session-save').click()
      await saved(page, '课程已添加')
      const more = await S.city.post(`/api/training/batches/${bid}/sessions`, { day: S.today, start: '14:00', end: '17:00', topic: '互联网企业管理', teacher: '王书记', hours: 3 })
      assert.equal(more.status, 201, JSON.stringify(more.body))
      const [s1, s2] = more.body.session_list.map((x) => x.id)
      await page.reload()
      await until(async () => (await page.getByTestId('sessions-table').locator('.session-row').count()) === 2, 'two sessions listed')
      await shot(page, 'training-batch-sessions')

      // ---- enrolment by name ----
      await page.getByRole('tab', { name: /学员名单/ }).click()
      await page.getByTestId('roster-enrol').click()
      const ef = page.getByTestId('enrol-form')
      await ef.getByTestId('enrol-people').click()
      await page.keyboard.type('培训学员')
      await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '培训学员' }).first().click()
      await page.keyboard.press('Escape')
      await ef.getByTestId('enrol-save').click()
      await saved(page, '已加入 1 人')
      await page.getByTestId('roster-table').locator('.roster-row').filter({ hasText: '培训学员' }).waitFor()
      await shot(page, 'training-batch-roster')
      const aid = (await S.city.get(`/api/training/batches/${bid}`)).body.attendees.find((a) => a.person_id === S.person).id

      // ---- the venue's QR screen, decoded as a camera would ----
      await page.goto(`/training/${bid}/sessions/${s1}/qr`)
      const qr = page.getByTestId('training-checkin-qr')
      await qr.waitFor()
      const url = await until(() => readQr(qr), 'a QR code decoded from the screenshot')
      assert.match(url, new RegExp(`^${S.base.replace(/[.]/g, '\\.')}/me/training\\?c=${s1}\\.\\d+\\.[0-9a-f]+$`), url)
      await shot(page, 'training-qr')

      // ---- the member on the phone: through the login and checked in ----
      const pp = ph.page
      await pp.goto(new URL(url).pathname + new URL(url).search)
      await pp.waitForURL(/\/login/)
      await pp.getByLabel('用户名').fill(USERS.member.username)
      await pp.getByLabel('密码', { exact: true }).fill(USERS.member.password)
      await pp.getByTestId('login-submit').click()
      await pp.getByTestId('training-checkin-ok').waitFor()
      await pp.getByTestId('training-batch').filter({ hasText: '第三期互联网企业党组织书记培训班' }).locator(`[data-session="${s1}"]`).filter({ hasText: '已签到' }).waitFor()
      assert.ok(await noHScroll(pp), 'no sideways scrolling at 390 px')
      await shot(pp, 'my-training-checkin')
      await page.getByTestId('training-qr-count').filter({ hasText: '已签到 1 / 1' }).waitFor()

      // ---- the afternoon marked by hand, with a reason; completion; the certificate ----
      await page.goto(`/training/${bid}?tab=attendance`)
      await page.getByTestId(`mark-${s2}-${aid}`).click()
      await page.getByTestId('mark-reason').fill('手机无法扫码，经班主任核实到课')
      await page.getByTestId('mark-save').click()
      await saved(page, '已登记')
      await page.getByTestId(`mark-${s1}-${aid}`).filter({ hasText: '扫码' }).waitFor()
      await page.getByTestId(`mark-${s2}-${aid}`).filter({ hasText: '手工' }).waitFor()
      await shot(page, 'training-batch-attendance')
      await page.getByRole('tab', { name: '结业与证书' }).click()
      await page.getByTestId('batch-complete').click()
      await page.getByTestId('complete-result').filter({ hasText: '结业 1 人，记入学时 1 人' }).waitFor()
      const no = await page.getByTestId(`cert-no-${aid}`).innerText()
      assert.match(no, new RegExp(`^厦党培〔${S.today.slice(0, 4)}〕第\\d{4,}号$`))
      await pdfDownloaded(page, page.getByTestId(`cert-pdf-${aid}`))
      await shot(page, 'training-batch-completion')
      const credited = (await S.city.get(`/api/training/batches/${bid}`)).body.attendees.find((a) => a.id === aid).credited_minutes
      assert.equal(credited, 360, 'the batch\'s 6 学时 credited')

      // ---- the member downloads theirs on the phone ----
      await pp.goto('/me/training')
      await pdfDownloaded(pp, pp.getByTestId(`my-cert-${aid}`))
      await shot(pp, 'my-training-certificate')
    } finally {
      await b.close()
      await ph.close()
    }
  })

test('the batches of the demo in the office\'s list (1440) and the investor\'s invitation on the phone (390)',
  { skip: !(USERS.city && USERS.investor) && 'needs the city and investor users' }, async () => {
    const b = await openBrowser({ viewport: WIDE })
    try {
      await loginAs(b.page, 'city')
      await b.page.goto('/training')
      const rows = b.page.getByTestId('training-table').locator('.training-row')
      await until(async () => (await rows.count()) >= 4, 'the demo\'s four batches')
      await rows.filter({ hasText: '第一期互联网企业党组织书记培训班' }).filter({ hasText: '已结业' }).waitFor()
      await shot(b.page, 'training-list')
    } finally { await b.close() }
    // the office invites the investors' accounts (the run's investor among them); the investor answers on the phone
    const city = await apiAs('city')
    const batch = (await city.get('/api/training/batches?audience=investor')).body.items[0]
    assert.ok(batch, 'the demo\'s investors\' batch')
    assert.equal((await city.post(`/api/training/batches/${batch.id}/enrol`, { role: 'investor', invite: true })).status, 200)
    const inv = await apiAs('investor')
    const mine = (await inv.get('/api/me/training')).body
    assert.ok(mine.invited >= 1, 'an invitation to answer')
    const ph = await openBrowser({ viewport: PHONE })
    try {
      await loginAs(ph.page, 'investor')
      await ph.page.goto('/me/training')
      const card = ph.page.getByTestId('training-invitation').first()
      await card.waitFor()
      await shot(ph.page, 'my-training-invitation')
      await card.getByTestId('invitation-accept').click()
      await until(() => toastSeen(ph.page, '已接受邀请'), 'the invitation accepted')
      assert.ok(await noHScroll(ph.page), 'no sideways scrolling at 390 px')
    } finally { await ph.close() }
  })
