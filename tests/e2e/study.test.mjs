// Online study in the browser (issue 16, "done when"): a member studies an article and a video
// on a 390 px phone and is credited exactly the honest time — a hidden tab, a second course
// opened at once and a replayed heartbeat credit nothing, a video never more than its length.
// Time is counted by the server's clock, which here stands still where the test puts it (a
// server of the spec's own on a copy of its database, "--test-clock-file" holding "@<seconds>");
// the page's own timers run on Playwright's clock, moved by the heartbeat interval at a time.
// Also the office's course library at 1440 px: a district office writes an article (its HTML
// sanitized by the server) and publishes it.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { openBrowser, loginAs, apiAs, shot, until, toastSeen, openMenuItem, USERS, PHONE } from './lib.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.join(here, '..', '..')
const WIDE = { width: 1440, height: 900 }
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const id18 = (b) => b + '10X98765432'[[...b].reduce((s, c, i) => s + Number(c) * W[i], 0) % 11]
const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)

// ---- a server of our own whose clock stands still, on a copy of this spec's database ----
let S = null
async function startClocked() {
  const state = process.env.E2E_STATE
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ejia-e2e-study-'))
  const db = path.join(dir, 'ejia.db'), clock = path.join(dir, 'clock')
  const b = spawnSync('sqlite3', ['-cmd', '.timeout 20000', path.join(state, 'ejia.db'), `.backup '${db}'`], { encoding: 'utf8' })
  if (b.status !== 0) throw new Error(`copying the database: ${b.stderr}`)
  fs.copyFileSync(path.join(state, 'ejia.db.key'), db + '.key')
  fs.chmodSync(db + '.key', 0o600)
  const q = spawnSync('sqlite3', [db, "SELECT id FROM org WHERE kind = '党支部' AND dissolved_on IS NULL AND established_on <= '2018-01-01' ORDER BY id LIMIT 1"], { encoding: 'utf8' })
  const branch = Number(q.stdout.trim())
  if (!branch) throw new Error(`no active branch in the demo data: ${q.stderr}`)
  let T = Math.floor(Date.now() / 1000)
  fs.writeFileSync(clock, '@' + T)
  const bin = process.env.E2E_EJIA || path.join(ROOT, 'ejia')
  const extra = (process.env.EJIA_SERVE_ARGS || '').split(/\s+/).filter(Boolean)
  const child = spawn(bin, ['serve', '--db', db, '--port', '0', '--web-root', process.env.E2E_WEB_ROOT || path.join(ROOT, 'web', 'dist'),
    '--test-clock-file', clock, '--course-heartbeat-sec', '30', '--course-heartbeat-grace-sec', '10', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stdout.on('data', (d) => { log += d })
  child.stderr.on('data', (d) => { log += d })
  const base = await until(async () => {
    const m = log.match(/http:\/\/127\.0\.0\.1:\d+/)
    if (!m) return null
    try { return (await fetch(`${m[0]}/healthz`)).ok ? m[0] : null } catch { return null }
  }, 'the clocked server answering /healthz', 60000)
  return {
    base, branch, dir, child,
    /** The server's clock: set to t (epoch seconds), standing still there. */
    at(t) { T = t; fs.writeFileSync(clock, '@' + t) },
    now: () => T,
    async stop() {
      const gone = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await gone
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
after(async () => { if (S) await S.stop() })

/** The city's API client on base, with PATCH and uploads. */
async function cityApi(base) {
  const c = await apiAs('city', base)
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: base },
    body: JSON.stringify({ username: USERS.city.username, password: USERS.city.password }) })
  const cookie = login.headers.getSetCookie().map((x) => x.split(';')[0]).join('; ')
  c.patch = async (url, data) => {
    const r = await fetch(`${base}${url}`, { method: 'PATCH', headers: { cookie, Origin: base, 'Content-Type': 'application/json' }, body: JSON.stringify(data) })
    return { status: r.status, body: await r.json() }
  }
  return c
}

const setVisible = (page, visible) => page.evaluate((v) => {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (v ? 'visible' : 'hidden') })
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => !v })
  document.dispatchEvent(new Event('visibilitychange'))
}, visible)
const beats = async (page) => Number(await page.locator('[data-beats]').first().getAttribute('data-beats'))
const credited = async (page) => Number(await page.getByTestId('course-study-status').getAttribute('data-credited'))
/** One heartbeat interval of the page's timers (the pointer moved: the member is active), and its answer. */
async function interval(page, pages = [page]) {
  const before = await Promise.all(pages.map(beats))
  for (const p of pages) await p.mouse.move(100 + Math.random() * 100, 200 + Math.random() * 100)
  await page.clock.runFor(30000)
  await until(async () => (await Promise.all(pages.map(beats))).every((n, i) => n > before[i]), 'the heartbeat answered')
}

test('a member studies an article and a video and is credited exactly the honest time (390 px)',
  { skip: (!process.env.E2E_STATE || !(USERS.city && USERS.member)) && 'needs the spec\'s own database and the users' }, async () => {
    S = await startClocked()
    const city = await cityApi(S.base)
    // the member account on a branch's roll (a record of its own in this copy)
    const r0 = Math.floor(Math.random() * 1e6)
    let res = await city.post('/api/members', { name: '学习测试', id_number: id18(`35020319860${1 + (r0 % 9)}1${r0 % 9}${String(r0 % 1000).padStart(3, '0')}`),
      org_id: S.branch, category: '正式党员', joined_on: '2015-07-01', full_on: '2016-07-01', day: '2019-01-01', username: USERS.member.username })
    assert.equal(res.status, 201, JSON.stringify(res.body))
    const year = Number(new Date((S.now() + 8 * 3600) * 1000).toISOString().slice(0, 4))
    res = await city.post('/api/courses', { kind: 'article', title: '浏览器学习测试：党章导读', category: '党章党规', minutes: 20, required_year: year, state: 'published',
      body: '<h2>第一章 党员</h2>' + '<p>中国共产党党员是中国工人阶级的有共产主义觉悟的先锋战士。</p>'.repeat(30) })
    assert.equal(res.status, 201, JSON.stringify(res.body))
    const art = res.body.id
    res = await city.post('/api/courses', { kind: 'video', title: '浏览器学习测试：党课视频', category: '党课', minutes: 5 })
    const vid = res.body.id
    const fd = new FormData()
    fd.append('file', new Blob([Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(4096, 7)])]), '党课.mp4')
    fd.append('duration_sec', '45')
    assert.equal((await city.post(`/api/courses/${vid}/file`, fd)).status, 200)
    assert.equal((await city.patch(`/api/courses/${vid}`, { state: 'published' })).status, 200)

    const b = await openBrowser({ viewport: PHONE, baseURL: S.base })
    const { page, ctx } = b
    try {
      await page.clock.install()
      await loginAs(page, 'member')
      await page.goto('/me/study')
      const req = page.getByTestId('my-study-required').locator(`[data-id="${art}"]`)
      await req.waitFor()
      assert.ok(await noHScroll(page), 'no sideways scrolling at 390 px')
      await shot(page, 'study-mine-390')
      const t0 = S.now()
      await req.click()
      await page.getByTestId('course-article').waitFor()
      await until(async () => (await page.getByTestId('course-study-status').count()) > 0, 'the study session opened')
      // 30 s visible and active: 30 s
      S.at(t0 + 30)
      await interval(page)
      assert.equal(await credited(page), 30)
      // hidden 10 s later: the last heartbeat credits those 10 s; five minutes hidden credit nothing
      S.at(t0 + 40)
      let n = await beats(page)
      await setVisible(page, false)
      await until(async () => (await beats(page)) > n, 'the pause heartbeat')
      assert.equal(await credited(page), 40)
      S.at(t0 + 340)
      n = await beats(page)
      await page.clock.runFor(300000)
      assert.equal(await beats(page), n, 'no heartbeat while hidden')
      n = await beats(page)
      await setVisible(page, true)
      await until(async () => (await beats(page)) > n, 'the heartbeat on coming back')
      assert.equal(await credited(page), 40, 'the hidden minutes credit nothing')
      S.at(t0 + 370)
      await interval(page)
      assert.equal(await credited(page), 70)
      await shot(page, 'study-article-390')
      // a second course opened at once (another tab): the first page credits nothing from then on
      S.at(t0 + 380)
      const p2 = await ctx.newPage()
      const sent = []
      p2.on('request', (r) => { if (r.url().endsWith('/api/me/study/heartbeat')) sent.push(r.postData()) })
      await p2.goto(`/me/study/courses/${vid}`)
      await p2.getByTestId('course-video').waitFor()
      await until(async () => (await p2.getByTestId('course-study-status').count()) > 0, 'the video session opened')
      S.at(t0 + 410)
      await interval(page, [page, p2])
      await page.getByTestId('course-study-superseded').waitFor()
      assert.equal(await credited(p2), 30)
      // a replayed heartbeat: refused, nothing credited
      const again = await p2.request.post('/api/me/study/heartbeat', { data: JSON.parse(sent.at(-1)), headers: { Origin: S.base } })
      assert.equal(again.status(), 409)
      assert.equal((await again.json()).error.code, 'replayed')
      // the video is 45 s long: 15 s more, then nothing
      S.at(t0 + 440)
      await interval(p2)
      assert.equal(await credited(p2), 45)
      S.at(t0 + 470)
      await interval(p2)
      assert.equal(await credited(p2), 45)
      assert.ok(await noHScroll(p2), 'no sideways scrolling at 390 px')
      await shot(p2, 'study-video-390')
      // the server's figures: exactly the honest time
      const mine = async (id) => (await (await page.request.get(`/api/me/study/courses/${id}`)).json()).seconds
      assert.equal(await mine(art), 70)
      assert.equal(await mine(vid), 45)
      await page.goto('/me/study')
      await page.getByTestId('my-study-continue').first().waitFor()
      assert.equal(await page.getByTestId('my-study-continue').first().getAttribute('data-id'), String(vid), 'continue where I stopped: the video first')
    } finally { await b.close() }
  })

test('the office keeps its course library: an article written, sanitized and published (1440 px)',
  { skip: !USERS.district && 'needs the district user' }, async () => {
    const b = await openBrowser({ viewport: WIDE })
    const { page, problems, ready } = b
    try {
      await loginAs(page, 'district')
      await openMenuItem(page, 'courses', '学习培训')
      await page.getByTestId('courses-table').waitFor()
      await ready()
      const title = `区课程测试 ${Date.now() % 100000}`
      await page.getByTestId('course-create').click()
      const form = page.getByTestId('course-form')
      await form.getByTestId('course-title').fill(title)
      await form.getByTestId('course-category').fill('理论学习')
      await form.getByTestId('course-body').fill('<p>学习<strong>新思想</strong><script>alert(1)</script></p>')
      await form.getByTestId('course-required').click()
      await form.getByTestId('course-save').click()
      await until(() => toastSeen(page, '课程已保存'), 'saved')
      const row = page.locator('.course-row', { hasText: title })
      await row.waitFor()
      await row.getByTestId('course-publish').click()
      await until(() => toastSeen(page, '课程已发布'), 'published')
      await until(async () => (await row.getByTestId('course-state').innerText()) === '已发布', 'the state shown')
      const id = await until(async () => {
        const r = await (await page.request.get(`/api/courses?q=${encodeURIComponent(title)}`)).json()
        return r.items[0] && r.items[0].id
      }, 'the course listed')
      const c = await (await page.request.get(`/api/courses/${id}`)).json()
      assert.equal(c.body, '<p>学习<strong>新思想</strong></p>', 'the script is gone')
      assert.equal(c.district_code, '350203')
      await shot(page, 'study-courses-1440')
      assert.deepEqual(problems, [])
    } finally { await b.close() }
  })
