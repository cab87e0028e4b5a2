// Organizational life in the browser (三会一课, 主题党日).  The "done when": a
// secretary plans, holds, records and locks a meeting, the members checking in by phone —
// the QR code the secretary's screen draws is screenshotted, decoded (jsQR) and opened in a
// 390 px phone that logs in on the way; the same code again is refused as replayed.  The
// lock needs time to pass: that test runs its own server on a copy of this spec's database
// with a test clock (--test-clock-file), starting at 10:00 China time tomorrow and moved 31
// days on.  The other tests use the spec's server: the member's 我的会议 on a phone, the
// compliance roll-up drilled from the city to a branch, the scorecard's figures opening the
// meetings behind them.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { openBrowser, loginAs, submitLogin, apiAs, downloadXlsx, shot, texts, until, toastSeen, USERS, PHONE, TIMEOUT } from './lib.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.join(here, '..', '..')
const require = createRequire(path.join(ROOT, 'web', 'package.json'))
const jsQR = require('jsqr')
const { PNG } = require('pngjs')

const WIDE = { width: 1440, height: 900 }
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const id18 = (b) => b + '10X98765432'[[...b].reduce((s, c, i) => s + Number(c) * W[i], 0) % 11]
const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)
const dayOf = (t) => new Date((t + 8 * 3600) * 1000).toISOString().slice(0, 10)   // China's day of an epoch second
const addDays = (day, n) => new Date(Date.parse(day + 'T00:00:00Z') + n * 86400000).toISOString().slice(0, 10)
/** Pick an option of an Element Plus select. */
async function pick(page, select, option) {
  await select.click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: new RegExp(`^${option}$`) }).first().click()
}
/** The member account (USERS.member) linked to a new record on a branch's roll since 2019 (or the branch's start). */
async function linkMember(city, org) {
  const since = (await city.get(`/api/orgs/${org}`)).body.org.established_on
  const r = Math.floor(Math.random() * 1e6)
  const body = `35020319850${1 + (r % 9)}1${r % 9}${String(r % 1000).padStart(3, '0')}`
  const res = await city.post('/api/members', { name: '会议测试', id_number: id18(body), org_id: org, category: '正式党员',
    joined_on: '2015-07-01', full_on: '2016-07-01', day: since > '2019-01-01' ? since : '2019-01-01', username: USERS.member.username })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return res.body.member
}

// ---- a server of our own with a test clock, on a copy of this spec's database ----
let clocked = null
async function startClocked() {
  if (clocked) return clocked
  const state = process.env.E2E_STATE
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ejia-e2e-meet-'))
  const db = path.join(dir, 'ejia.db'), clock = path.join(dir, 'clock')
  const b = spawnSync('sqlite3', ['-cmd', '.timeout 20000', path.join(state, 'ejia.db'), `.backup '${db}'`], { encoding: 'utf8' })
  if (b.status !== 0) throw new Error(`copying the database: ${b.stderr}`)
  fs.copyFileSync(path.join(state, 'ejia.db.key'), db + '.key')
  fs.chmodSync(db + '.key', 0o600)
  const bin = process.env.E2E_EJIA || path.join(ROOT, 'ejia')
  // a secretary of a branch that lives through the test (the run's own secretary may have a dissolved one)
  const q = spawnSync('sqlite3', [db, "SELECT id FROM org WHERE kind = '党支部' AND dissolved_on IS NULL AND established_on <= '2018-01-01' ORDER BY id LIMIT 1"], { encoding: 'utf8' })
  const branch = Number(q.stdout.trim())
  if (!branch) throw new Error(`no active branch in the demo data: ${q.stderr}`)
  const pass = `E2e-${Math.random().toString(16).slice(2, 10)}-Pw!`
  const u = spawnSync(bin, ['user', 'add', '--db', db, '--username', 'e2e_meet_secretary', '--role', 'secretary', '--scope', String(branch)], { input: pass + '\n', encoding: 'utf8' })
  if (u.status !== 0) throw new Error(`ejia user add: ${u.stderr}`)
  USERS.meet_secretary = { username: 'e2e_meet_secretary', password: pass }
  // 10:00:00 China time tomorrow, whatever the hour of the run
  const real = Math.floor(Date.now() / 1000)
  const today = addDays(dayOf(real), 1)
  let offset = Math.floor(Date.parse(today + 'T10:00:00+08:00') / 1000) - real
  fs.writeFileSync(clock, String(offset))
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
  const city = await apiAs('city', base)
  const member = await linkMember(city, branch)
  let moved = 0
  clocked = {
    base, today, child, dir, branch, member,
    /** The server's day now. */
    day: () => addDays(today, Math.floor(moved / 86400)),
    /** Move the server's clock on by seconds. */
    move(s) { offset += s; moved += s; fs.writeFileSync(clock, String(offset)) },
    async stop() {
      const gone = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await gone
      fs.rmSync(dir, { recursive: true, force: true })
    },
    log: () => log,
  }
  return clocked
}
after(async () => { if (clocked) await clocked.stop() })

/** A save's success message (a toast, seen even if it has gone again), or the error the page shows
 *  instead (named in the failure). */
async function saved(page, text) {
  const bad = page.locator('.el-alert--error:visible, .el-form-item__error:visible')
  const ok = await until(async () => (await toastSeen(page, text)) || ((await bad.count()) > 0 ? 'bad' : false), `“${text}” or an error`)
  if (ok === 'bad') throw new Error(`“${text}” expected; the page says: ${(await bad.allInnerTexts()).join(' | ')}`)
}

/** The QR code the canvas shows, as a camera would read it: a screenshot decoded. */
async function readQr(locator) {
  const png = PNG.sync.read(await locator.screenshot())
  const code = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height)
  return code ? code.data : null
}

test('a secretary plans, holds (members check in by phone from the decoded QR), records and locks a meeting',
  { skip: (!process.env.E2E_STATE || !(USERS.city && USERS.member)) && 'needs the spec\'s own database and the users' }, async () => {
    const S = await startClocked()
    let sec = await apiAs('meet_secretary', S.base)
    const { branch, member: m } = S
    const next = Number(S.today.slice(0, 4)) + 1
    const b = await openBrowser({ viewport: WIDE, baseURL: S.base })
    const ph = await openBrowser({ viewport: PHONE, baseURL: S.base })
    const { page } = b
    try {
      // ---- plan: the year proposed, one meeting moved ----
      await loginAs(page, 'meet_secretary')
      await page.locator('[data-menu="meetings"]').first().click()
      await page.waitForURL(/\/meetings/)
      await page.getByTestId('meetings-table').waitFor()
      await pick(page, page.getByTestId('meetings-year'), `${next} 年`)
      await page.getByTestId('meeting-propose').click()
      await page.locator('.el-message-box').getByRole('button', { name: '生成全年计划' }).click()
      await until(() => toastSeen(page, `已生成 ${next} 年计划会议`), 'the year proposed (its message)')
      const year = (await sec.get(`/api/meetings?org_id=${branch}&own=1&from=${next}-01-01&to=${next}-12-31&size=100&sort=day`)).body
      assert.ok(year.total >= 35, `proposed: ${year.total}`)
      await until(async () => (await page.getByTestId('meetings-table').locator('.meeting-row').count()) === Math.min(year.total, 50), 'the proposed year in the table')
      const moved = year.items.find((x) => x.kind === '主题党日')
      await page.goto(`/meetings/${moved.id}`)
      await page.getByTestId('meeting-form-planned').waitFor()
      await page.getByTestId('mf-place').fill('三楼党员活动室')
      await page.getByTestId('mf-move').click()
      await saved(page, '会议计划已调整')
      assert.equal((await sec.get(`/api/meetings/${moved.id}`)).body.place, '三楼党员活动室')

      // ---- the member asks leave for that one on the phone; the secretary approves it ----
      const pp = ph.page
      await loginAs(pp, 'member')
      await pp.goto('/me/meetings')
      const row = pp.getByTestId('mm-coming').locator(`.mm-row[data-id="${moved.id}"]`)
      await row.getByTestId('mm-ask-leave').click()
      await pp.getByTestId('mm-leave-reason').fill('外出培训')
      await pp.getByTestId('mm-leave-send').click()
      await row.getByTestId('mm-leave-state').filter({ hasText: '待审批' }).waitFor()
      await page.reload()
      const lr = page.getByTestId('meeting-leave').locator(`.leave-row[data-person="${m.id}"]`)
      await lr.getByTestId('leave-approve').click()
      await lr.getByText('已同意').waitFor()
      const a = (await sec.get(`/api/meetings/${moved.id}`)).body.attendees.find((x) => x.leave_reason === '外出培训')
      assert.equal(a.leave_state, 'approved')
      await pp.reload()
      await row.getByTestId('mm-leave-state').filter({ hasText: '已同意' }).waitFor()

      // ---- hold: today's 主题党日, 09:30–11:00 (the server's clock says 10:00) ----
      await page.goto('/meetings')
      await page.getByTestId('meeting-plan').click()
      const form = page.getByTestId('plan-form')
      const day = form.getByPlaceholder('日期')
      await day.fill(S.today)
      await day.press('Enter')
      await form.getByTestId('plan-start').fill('09:30')
      await form.getByTestId('plan-end').fill('11:00')
      await form.getByTestId('plan-place').fill('党员活动室')
      await form.getByTestId('plan-topic').fill('学习贯彻全会精神')
      await form.getByTestId('plan-save').click()
      await page.waitForURL(/\/meetings\/\d+$/)
      const mid = Number(page.url().match(/\/meetings\/(\d+)$/)[1])
      await page.getByTestId('meeting-topic').filter({ hasText: '学习贯彻全会精神' }).waitFor()
      const planned = (await sec.get(`/api/meetings/${mid}`)).body
      assert.equal(planned.day, S.today)
      const mine = planned.attendees.find((x) => x.name === '会议测试')
      assert.ok(mine, 'the member is on the roll of the day')

      // the secretary's screen: a real QR code, read from its screenshot
      await page.getByTestId('meeting-qr').click()
      await page.waitForURL(/\/meetings\/\d+\/qr$/)
      const qr = page.getByTestId('checkin-qr')
      await qr.waitFor()
      await page.getByTestId('qr-count').filter({ hasText: '已签到 0 /' }).waitFor()
      const url = await until(() => readQr(qr), 'a QR code decoded from the screenshot')
      const shown = await qr.getAttribute('data-token')
      assert.match(url, new RegExp(`^${S.base.replace(/[.]/g, '\\.')}/checkin\\?c=${mid}\\.\\d+\\.[0-9a-f]+$`), url)
      const token = new URL(url).searchParams.get('c')
      assert.ok(token.split('.')[1] <= shown.split('.')[1], 'the code of the step shown, or the one before it')
      await shot(page, 'meeting-qr')

      // the member's phone, logged in, opens it at once: checked in
      await pp.goto(url)
      await pp.getByTestId('checkin-ok').waitFor()
      assert.match(pp.url(), /\/checkin\?c=/)
      assert.match(await pp.getByTestId('checkin-ok').innerText(), /签到成功[\s\S]*主题党日[\s\S]*学习贯彻全会精神/)
      assert.ok(await noHScroll(pp), 'no sideways scrolling on the phone')
      await shot(pp, 'meeting-checkin-phone')
      // the secretary's screen counts it
      await page.getByTestId('qr-count').filter({ hasText: '已签到 1 /' }).waitFor()
      // the same code again: refused as replayed, in the server's words
      await pp.goto(url)
      const refused = pp.getByTestId('checkin-refused')
      await refused.waitFor()
      assert.equal(await refused.getAttribute('data-code'), 'already_checked_in')
      assert.match(await pp.getByTestId('checkin-reason').innerText(), /已签到过本次会议/)
      // a code that is not one (a changed signature): refused in Chinese
      await pp.goto(`/checkin?c=${token.replace(/.$/, (c) => (c === '0' ? '1' : '0'))}`)
      await pp.getByTestId('checkin-reason').filter({ hasText: /签到码/ }).waitFor()
      assert.deepEqual(ph.problems, [])
      // a phone not logged in goes through the login and comes back to the check-in, which
      // answers (already checked in, or stale if the login outlasted the code's two steps)
      const ph2 = await openBrowser({ viewport: PHONE, baseURL: S.base })
      try {
        const p2 = ph2.page
        await p2.goto(url)
        await p2.waitForURL(/\/login\?redirect=/)
        await submitLogin(p2, USERS.member.username, USERS.member.password)
        await p2.getByTestId('checkin-refused').waitFor()
        assert.match(p2.url(), /\/checkin\?c=/)
        assert.match(await p2.getByTestId('checkin-reason').innerText(), /已签到过本次会议|已过期/)
      } finally { await ph2.close() }
      const att = (await sec.get(`/api/meetings/${mid}`)).body.attendees.find((x) => x.person_id === mine.person_id)
      assert.equal(att.status, 'present')
      assert.ok(att.checked_in_at)

      // ---- record: minutes, decisions, the attendance as checked in ----
      await page.goto(`/meetings/${mid}`)
      await page.getByTestId('meeting-form-planned').waitFor()
      const rr = page.getByTestId('meeting-roll').locator(`.roll-row[data-person="${mine.person_id}"]`)
      assert.ok(await rr.getByRole('radio', { name: '现场出席' }).isChecked(), 'checked in: present')
      await page.getByTestId('mf-minutes').fill('传达学习全会精神，交流学习体会。')
      await page.getByTestId('mf-decisions').fill('各党小组开展专题学习。')
      await page.getByTestId('mf-record').click()
      await saved(page, '会议记录已保存')
      await page.getByTestId('meeting-state').filter({ hasText: '已召开' }).waitFor()
      let rec = (await sec.get(`/api/meetings/${mid}`)).body
      assert.equal(rec.state, 'held')
      assert.equal(rec.minutes, '传达学习全会精神，交流学习体会。')
      assert.equal(rec.attendees.find((x) => x.person_id === mine.person_id).status, 'present')
      assert.equal(rec.locked, false)

      // ---- lock: 31 days on, the record is read only; an amendment needs a reason ----
      S.move(31 * 86400)
      await loginAs(page, 'meet_secretary')   // the session idled out over the jump
      sec = await apiAs('meet_secretary', S.base)
      await page.goto(`/meetings/${mid}`)
      await page.getByTestId('meeting-state').filter({ hasText: '已锁定' }).waitFor()
      await page.getByTestId('meeting-form-locked').waitFor()
      assert.equal(await page.getByTestId('mf-record').count(), 0, 'no record button on a locked meeting')
      assert.equal(await page.getByTestId('meeting-qr').count(), 0, 'no check-in for a locked meeting')
      assert.equal((await sec.post(`/api/meetings/${mid}/record`, { minutes: 'x' })).status, 409)
      await page.getByTestId('mf-decisions').fill('各党小组开展专题学习，月底前报送学习记录。')
      await page.getByTestId('mf-amend').click()
      await page.getByTestId('meeting-form-locked').locator('.el-form-item__error').filter({ hasText: '请填写更正理由' }).waitFor()
      assert.equal((await sec.post(`/api/meetings/${mid}/amendments`, { decisions: 'x' })).status, 400, 'nor through the API')
      await page.getByTestId('mf-reason').fill('补充决议事项的完成时限')
      await page.getByTestId('mf-amend').click()
      await saved(page, '更正已记录')
      const hist = page.getByTestId('meeting-amendments').locator('.amend-row')
      await texts(hist, (v) => v.length === 1 && v[0].includes('补充决议事项的完成时限') && v[0].includes('决议事项'), 'the amendment in the history')
      rec = (await sec.get(`/api/meetings/${mid}`)).body
      assert.equal(rec.amendments.length, 1)
      assert.equal(rec.amendments[0].reason, '补充决议事项的完成时限')
      assert.equal(rec.amendments[0].before.decisions, '各党小组开展专题学习。')
      assert.equal(rec.decisions, '各党小组开展专题学习，月底前报送学习记录。')
      await shot(page, 'meeting-locked')
      // the branch's list says locked
      await page.goto(`/meetings?from=${S.today}&to=${S.today}&org_id=${branch}`)
      await texts(page.getByTestId('meetings-table').locator('.meeting-row'), (v) => v.some((x) => x.includes('已锁定')), 'the locked meeting in the list')
      assert.deepEqual(b.problems.filter((x) => !/40[1349]/.test(x)), [])
    } finally { await b.close(); await ph.close() }
  })

test('a secretary adds a photo of the meeting (a PNG made here) and sees its thumbnail; views it larger and removes it',
  { skip: (!process.env.E2E_STATE || !(USERS.city && USERS.member)) && 'needs the spec\'s own database and the users' }, async () => {
    const S = await startClocked()
    const sec = await apiAs('meet_secretary', S.base)
    const today = S.day()
    let r = await sec.post(`/api/orgs/${S.branch}/meetings`, { kind: '党小组会', day: today, start: '08:00', end: '09:00', place: '活动室', topic: '照片测试' })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    const mid = r.body.id
    // a 64×48 picture in the party's red with a white band, as a camera would hand it over
    const png = new PNG({ width: 64, height: 48 })
    for (let i = 0; i < 64 * 48; i++) {
      const white = Math.floor(i / 64) >= 20 && Math.floor(i / 64) < 28
      png.data.set(white ? [255, 255, 255, 255] : [200, 22, 29, 255], i * 4)
    }
    const bytes = PNG.sync.write(png)
    const b = await openBrowser({ viewport: PHONE, baseURL: S.base })
    const { page } = b
    try {
      await loginAs(page, 'meet_secretary')
      await page.goto(`/meetings/${mid}`)
      const card = page.getByTestId('meeting-photos')
      await card.waitFor()
      assert.equal(await page.getByTestId('photo-input').getAttribute('accept'), 'image/*', 'the phone offers its camera')
      await page.getByTestId('photo-input').setInputFiles({ name: '会议合影.png', mimeType: 'image/png', buffer: bytes })
      await saved(page, '照片已上传')
      const thumb = card.getByTestId('photo-thumb')
      await thumb.first().waitFor()
      // the thumbnail is the picture itself, decoded by the browser
      await until(() => thumb.first().evaluate((img) => img.complete && img.naturalWidth === 64 && img.naturalHeight === 48), 'the thumbnail loaded', TIMEOUT)
      const rec = (await sec.get(`/api/meetings/${mid}`)).body
      assert.equal(rec.photos.length, 1)
      assert.equal(rec.photos[0].filename, '会议合影.png')
      assert.equal(rec.photos[0].mime, 'image/png')
      assert.equal(rec.photos[0].size, bytes.length)
      assert.equal(rec.photos[0].width, 64)
      assert.equal(rec.photos[0].height, 48)
      assert.ok(await noHScroll(page), 'no sideways scrolling at 390 px')
      await shot(page, 'meeting-photo-phone')
      // larger, then removed
      await card.getByRole('button', { name: '查看照片 会议合影.png' }).click()
      await page.getByTestId('photo-large').waitFor()
      await page.keyboard.press('Escape')
      await page.getByTestId('photo-large').waitFor({ state: 'hidden' })
      await card.getByTestId('photo-remove').click()
      await page.locator('.el-message-box').getByRole('button', { name: '删除' }).click()
      await saved(page, '照片已删除')
      await card.getByTestId('photo-thumb').waitFor({ state: 'detached' })
      assert.equal((await sec.get(`/api/meetings/${mid}`)).body.photos_removed.length, 1)
      assert.deepEqual(b.problems.filter((x) => !/40[1349]/.test(x)), [])
    } finally { await b.close() }
  })

test('compliance: the city\'s roll-up by district, drilled to a district\'s parks and branches, exported; a branch\'s scorecard opens its meetings',
  { skip: !USERS.city && 'no city user' }, async () => {
    const city = await apiAs('city')
    const b = await openBrowser({ viewport: WIDE })
    const { page } = b
    try {
      await loginAs(page, 'city')
      await page.locator('[data-menu="meeting-compliance"]').first().click()
      await page.waitForURL(/\/meetings\/compliance/)
      const rows = page.getByTestId('compliance-table').locator('.comp-row')
      const q = new Date()
      const period = `${q.getFullYear()}-Q${Math.floor(q.getMonth() / 3) + 1}`
      const api = (await city.get(`/api/meetings/compliance?by=district&period=${period}&size=50`)).body
      await texts(rows, (v) => v.length === api.items.length && v[0].includes(api.items[0].name), 'the districts ranked as the API ranks them')
      await downloadXlsx(page, page.getByTestId('export-xlsx'))
      // a year, by branch, within 思明区: every row of that district, lights as the API says
      const y = String(q.getFullYear())
      await page.getByTestId('comp-period-year').click()
      const years = (await city.get(`/api/meetings/compliance?by=district&period=${y}&size=50`)).body
      await texts(rows, (v) => v.length === years.items.length && v.every((x, i) => x.includes(years.items[i].name) && x.includes(String(years.items[i].held))), 'the year\'s districts')
      await b.settled()
      await page.getByRole('link', { name: '思明区' }).first().click()
      await page.getByTestId('comp-within').filter({ hasText: '思明区' }).waitFor()
      await b.settled()
      await page.getByTestId('comp-by').getByText('按党组织').click()
      const orgs = (await city.get(`/api/meetings/compliance?by=org&period=${y}&district=350203&size=50`)).body
      await texts(rows, (v) => v.length === Math.min(50, orgs.total) && v[0].includes(orgs.items[0].org_name), 'the district\'s branches ranked')
      const lights = await page.getByTestId('compliance-table').locator('.comp-row [data-status]').evaluateAll((els) => els.map((e) => e.dataset.status))
      assert.deepEqual(lights, orgs.items.map((x) => x.status))
      await shot(page, 'meeting-compliance')
      // a branch's row: its scorecard on its page, the figures open the meetings behind them
      const first = orgs.items.find((x) => x.held > 0) || orgs.items[0]
      await page.getByTestId('compliance-table').getByRole('link', { name: first.org_name }).first().click()
      await page.waitForURL(/\/orgs\/\d+\?.*tab=meetings/)
      const card = (await city.get(`/api/orgs/${first.org_id}/scorecard?period=${y}`)).body.sections.meetings
      await page.getByTestId('sc-status').and(page.locator(`[data-status="${card.status}"]`)).waitFor()
      assert.equal(Number(await page.getByTestId('sc-held').innerText()), card.held)
      const kinds = await page.getByTestId('sc-kinds').locator('.sc-kind').count()
      assert.equal(kinds, card.kinds.length)
      await page.getByTestId('sc-held').click()
      await page.waitForURL(/\/meetings\?/)
      const list = (await city.get(`/api/meetings?org_id=${first.org_id}&own=1&state=held&from=${y}-01-01&to=${y}-12-31&size=1`)).body
      await until(async () => /\d+/.test(await page.getByTestId('meetings-total').innerText()) && Number((await page.getByTestId('meetings-total').innerText()).replace(/\D/g, '')) === list.total, 'the held meetings behind the figure')
      assert.equal(list.total, card.held)
      assert.deepEqual(b.problems, [])
    } finally { await b.close() }
  })

test('a member at 390 px: 我的会议 lists the coming and past meetings without sideways scrolling',
  { skip: (!process.env.E2E_STATE || !(USERS.city && USERS.member)) && 'needs the spec\'s own database and the users' }, async () => {
  const S = await startClocked()
  const sec = await apiAs('meet_secretary', S.base)
  const { branch, member: m } = S
  // one meeting held five days ago with the member present, one in three days
  const today = S.day()
  const plan = async (day, topic) => {
    const r = await sec.post(`/api/orgs/${branch}/meetings`, { kind: '党课', day, start: '09:00', end: '10:00', place: '活动室', topic })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    return r.body.id
  }
  const past = await plan(addDays(today, -5), '党史专题党课')
  const rec = await sec.post(`/api/meetings/${past}/record`, { present: [m.id] })
  assert.equal(rec.status, 200, JSON.stringify(rec.body))
  const coming = await plan(addDays(today, 3), '党章学习')
  const me = await apiAs('member', S.base)
  const data = (await me.get('/api/me/meetings')).body
  assert.ok(data.past.some((x) => x.id === past && x.attended) && data.coming.some((x) => x.id === coming), JSON.stringify(data))
  const b = await openBrowser({ viewport: PHONE, baseURL: S.base })
  const { page } = b
  try {
    await loginAs(page, 'member')
    await page.goto('/me/meetings')
    await texts(page.getByTestId('mm-past').locator('.mm-row'), (v) => v.length === data.past.length, 'the past meetings')
    await texts(page.getByTestId('mm-coming').locator('.mm-row'), (v) => v.length === data.coming.length && v.some((x) => x.includes('党章学习')), 'the coming meetings')
    const tags = await page.getByTestId('mm-past').getByTestId('mm-attended').allInnerTexts()
    assert.equal(tags.filter((x) => x.includes('已出席')).length, data.past.filter((x) => x.attended).length)
    assert.ok(await page.getByTestId('mm-coming').locator(`.mm-row[data-id="${coming}"]`).getByTestId('mm-ask-leave').isVisible())
    assert.ok(await noHScroll(page), 'no sideways scrolling')
    await shot(page, 'my-meetings-phone')
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }
})
