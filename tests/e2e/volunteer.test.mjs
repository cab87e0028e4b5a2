// 志愿服务 (issue 18) in the browser.  The secretary (1440 px) opens 志愿服务 from the menu, makes a
// team for the branch and publishes an activity of today 09:00–11:00 with one place; the member on a
// 390 px phone signs up from the list of upcoming activities (the place shows taken); the
// secretary's QR screen is screenshotted and decoded (jsQR), the phone opens the code and is checked
// in; after the end the secretary confirms the hours (the row shows them), the figures list the
// member, and the member downloads the certificate (a PDF) on the phone, and follows the hours' line
// in 我的积分 back to the activity.  Sign-up and check-in need
// times: the test runs its own server on a copy of this spec's database with a test clock
// (--test-clock-file) at 08:40 China time tomorrow, later moved past the activity's end.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { openBrowser, loginAs, apiAs, shot, until, toastSeen, USERS, PHONE } from './lib.mjs'

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
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ejia-e2e-volunteer-'))
  const db = path.join(dir, 'ejia.db'), clock = path.join(dir, 'clock')
  const b = spawnSync('sqlite3', ['-cmd', '.timeout 20000', path.join(state, 'ejia.db'), `.backup '${db}'`], { encoding: 'utf8' })
  if (b.status !== 0) throw new Error(`copying the database: ${b.stderr}`)
  fs.copyFileSync(path.join(state, 'ejia.db.key'), db + '.key')
  fs.chmodSync(db + '.key', 0o600)
  const bin = process.env.E2E_EJIA || path.join(ROOT, 'ejia')
  const real = Math.floor(Date.now() / 1000)
  const today = addDays(dayOf(real), 1)
  const setClock = (hhmm) => fs.writeFileSync(clock, String(Math.floor(Date.parse(`${today}T${hhmm}:00+08:00`) / 1000) - Math.floor(Date.now() / 1000)))
  setClock('08:40')
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
  // the member account (USERS.member) on the secretary's branch roll
  const sec = await apiAs('secretary', base)
  const branch = Number((await sec.get('/api/me')).body.user.scope.code)
  const city = await apiAs('city', base)
  const r = Math.floor(Math.random() * 1e6)
  const res = await city.post('/api/members', { name: '志愿者小陈', id_number: id18(`35020319870${1 + (r % 9)}1${r % 9}${String(r % 1000).padStart(3, '0')}`),
    org_id: branch, category: '正式党员', joined_on: '2015-07-01', full_on: '2016-07-01', day: '2019-01-01', username: USERS.member.username })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  clocked = {
    base, today, setClock,
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

test('a team and an activity (secretary, 1440), sign-up and check-in (member, 390), hours and the certificate',
  { skip: (!process.env.E2E_STATE || !(USERS.city && USERS.secretary && USERS.member)) && 'needs the spec\'s own database and the users' }, async () => {
    const S = await startClocked()
    const b = await openBrowser({ viewport: WIDE, baseURL: S.base })
    const ph = await openBrowser({ viewport: PHONE, baseURL: S.base })
    const { page } = b
    const phone = ph.page
    try {
      // ---- the secretary makes a team from the menu ----
      await loginAs(page, 'secretary')
      await page.getByTestId('side-menu').locator('[data-menu="volunteer"]').first().click()
      await page.waitForURL(/\/volunteer$/)
      await page.getByTestId('volunteer-team-create').click()
      const dlg = page.getByTestId('volunteer-team-dialog')
      await dlg.getByTestId('team-name').fill('支部青年志愿服务队')
      await dlg.getByTestId('team-intro').fill('助老、助学、社区环境整治')
      await dlg.getByTestId('team-save').click()
      await page.waitForURL(/\/volunteer\/teams\/\d+$/)
      await page.getByTestId('volunteer-team-name').filter({ hasText: '支部青年志愿服务队' }).waitFor()

      // ---- an activity today 09:00–11:00 (the defaults), one place ----
      await page.getByTestId('volunteer-activity-create').click()
      const af = page.getByTestId('volunteer-activity-dialog')
      await af.getByTestId('act-title').fill('社区敬老院助老服务')
      const day = af.getByRole('combobox', { name: '日期' })
      await day.fill(S.today)
      await day.press('Enter')
      await af.getByTestId('act-place').fill('文屏社区敬老院')
      await af.getByTestId('act-places').locator('input').fill('1')
      await af.getByTestId('act-save').click()
      await page.waitForURL(/\/volunteer\/activities\/\d+$/)
      const aid = Number(page.url().match(/\/activities\/(\d+)$/)[1])
      await page.getByTestId('volunteer-activity-title').filter({ hasText: '社区敬老院助老服务' }).waitFor()
      await shot(page, 'volunteer-activity-new')

      // ---- the member signs up on the phone ----
      await loginAs(phone, 'member')
      await phone.goto('/me/volunteer')
      const card = phone.locator(`[data-testid="volunteer-activity"][data-id="${aid}"]`)
      await card.waitFor()
      assert.match(await card.getByTestId('volunteer-left').innerText(), /剩余 1 个名额/)
      await card.getByTestId('volunteer-signup').click()
      await saved(phone, '报名成功')
      await until(async () => /已报满/.test(await card.getByTestId('volunteer-left').innerText()), 'the place shown taken')
      await card.getByTestId('volunteer-unsign').waitFor()
      assert.ok(await noHScroll(phone), 'the member\'s page fits 390 px')
      await shot(phone, 'volunteer-mine-phone')

      // ---- the secretary's QR screen, decoded; the phone opens the code ----
      await page.reload()
      await page.getByTestId('volunteer-qr-link').click()
      await page.waitForURL(/\/volunteer\/activities\/\d+\/qr$/)
      const qr = page.getByTestId('checkin-qr')
      await qr.waitFor()
      await shot(page, 'volunteer-qr')
      const text = await until(() => readQr(qr), 'a readable QR code')
      const url = new URL(text)
      assert.equal(url.pathname, '/me/volunteer')
      await phone.goto(url.pathname + url.search)
      await phone.getByTestId('volunteer-checkin-ok').waitFor()
      await shot(phone, 'volunteer-checkin-phone')
      await until(async () => /已签到 1 \/ 报名 1 人/.test(await page.getByTestId('qr-count').innerText()), 'the screen counting the check-in')

      // ---- after the end: the hours confirmed, in the figures ----
      S.setClock('11:10')
      await loginAs(page, 'secretary')
      await page.goto(`/volunteer/activities/${aid}`)
      await page.getByTestId('volunteer-confirm-all').click()
      await saved(page, '已确认 1 人的服务时长')
      await page.locator('[data-testid^="volunteer-hours-"]').filter({ hasText: '2 小时' }).waitFor()
      await shot(page, 'volunteer-activity-hours')
      await page.goto('/volunteer')
      await page.getByTestId('volunteer-figures-table').locator('tr', { hasText: '志愿者小陈' }).first().waitFor()
      await shot(page, 'volunteer-teams')

      // ---- the member's certificate ----
      await loginAs(phone, 'member')
      await phone.goto('/me/volunteer')
      const cert = phone.getByTestId(`volunteer-cert-${aid}`)
      await cert.waitFor()
      assert.match(await phone.getByTestId('volunteer-hours').innerText(), /累计服务时长 2 小时/)
      const [dl] = await Promise.all([phone.waitForEvent('download'), cert.click()])
      assert.match(dl.suggestedFilename(), /^志愿服务证明-.*\.pdf$/)
      const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ejia-e2e-vcert-')), 'c.pdf')
      await dl.saveAs(f)
      assert.equal(fs.readFileSync(f).subarray(0, 4).toString('latin1'), '%PDF')
      fs.rmSync(path.dirname(f), { recursive: true, force: true })

      // ---- the hours in 我的积分, traced back to the activity ----
      const run = await (await apiAs('city', S.base)).post('/api/points/run', {})
      assert.ok([200, 201].includes(run.status), JSON.stringify(run.body))
      await phone.goto('/me/points')
      const open = phone.locator('.my-points-open', { hasText: `volunteer:${aid}` })
      await open.waitFor()
      await open.click()
      await phone.waitForURL(new RegExp(`/me/volunteer\\?activity=${aid}$`))
      await phone.locator(`.item.marked[data-id="${aid}"]`).waitFor()
      await shot(phone, 'volunteer-from-points-phone')
    } finally {
      await b.close()
      await ph.close()
    }
  })
