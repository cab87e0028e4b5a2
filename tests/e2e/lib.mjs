// Shared helpers for the browser tests: Debian's chromium driven by
// playwright-core (installed with the web app, web/node_modules), one fresh
// profile per browser, the server's address and accounts from the environment
// that scripts/e2e sets up:
//   E2E_BASE_URL  http://127.0.0.1:PORT
//   E2E_USERS     JSON {"city":{"username","password","scope_name"?}, ...} one per role
//   SCREENSHOTS=1 save PNGs under tests/e2e/screenshots/
//   E2E_TIMEOUT   how long a wait may take before it fails (ms, default 30000)
//
// Every spec stands on its own: it makes what it needs (with names of its own) and
// waits for conditions — the answer of an API call, a row, a text, a state reached
// (until(), texts()) — never for a fixed time and never for what another spec left.
import { createRequire } from 'node:module'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import crypto from 'node:crypto'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const require = createRequire(path.join(here, '..', '..', 'web', 'package.json'))
const { chromium } = require('playwright-core')
export const AXE_PATH = require.resolve('axe-core/axe.min.js')

export const BASE = process.env.E2E_BASE_URL || ''
export const USERS = JSON.parse(process.env.E2E_USERS || '{}')
export const SHOTS = process.env.SCREENSHOTS === '1'
export const SHOT_DIR = path.join(here, 'screenshots')
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
export const DESKTOP = { width: 1366, height: 800 }
export const PHONE = { width: 390, height: 844 }
// A cap, not a pause: waits end as soon as their condition holds.  Generous, so that a
// machine busy with other work (two cores shared by a build) does not fail a good run.
export const TIMEOUT = Number(process.env.E2E_TIMEOUT) || 30000

if (!BASE) throw new Error('E2E_BASE_URL is not set: run the browser tests through scripts/e2e')

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

/**
 * A fresh browser with its own temporary profile (so no cookies leak between
 * roles).  Returns {ctx, page, close}.  Console errors and CSP violations are
 * collected in `problems` so tests can assert the page ran cleanly.
 */
export async function openBrowser({ viewport = DESKTOP, locale = 'zh-CN', bypassCSP = false, baseURL = BASE, hasTouch = false } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ejia-e2e-profile-'))
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport,
    locale,
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
    baseURL, // another server of the spec's own (one with a test clock) when given
    bypassCSP, // only the accessibility check needs it, to inject axe-core
    hasTouch, // a phone's taps (the map, issue 19)
  })
  // Every toast (ElMessage) the page shows, kept: one is on screen for three seconds, and a test
  // process starved of CPU for that long looked for it after it had gone (toastSeen)
  await ctx.addInitScript(() => {
    window.__ejiaToasts = []
    const seen = new WeakSet()
    const look = () => {
      for (const el of document.querySelectorAll('.el-message')) {
        const t = el.textContent.trim()
        if (t && !seen.has(el)) { seen.add(el); window.__ejiaToasts.push(t) }
      }
    }
    new MutationObserver(look).observe(document, { childList: true, subtree: true, characterData: true })
  })
  const page = ctx.pages()[0] || await ctx.newPage()
  page.setDefaultTimeout(TIMEOUT)
  const problems = []
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(m.text())
  })
  page.on('pageerror', (e) => problems.push(String(e)))
  // API calls in flight: a single-page app's route changes are not navigations,
  // so Playwright's 'networkidle' says nothing about them; settled() does.
  let inflight = 0, last = Date.now()
  const isApi = (r) => new URL(r.url()).pathname.startsWith('/api/')
  page.on('request', (r) => { if (isApi(r)) { inflight++; last = Date.now() } })
  const done = (r) => { if (isApi(r)) { inflight--; last = Date.now() } }
  page.on('requestfinished', done)
  page.on('requestfailed', done)
  /** Resolves once no API call has been in flight for quietMs. */
  const settled = async (quietMs = 500) => {
    for (const end = Date.now() + TIMEOUT; Date.now() < end;) {
      if (inflight <= 0 && Date.now() - last >= quietMs) return
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`API calls still in flight after ${TIMEOUT / 1000} s (${inflight})`)
  }
  /** The page has loaded what it shows: no skeleton or loading mask left (a page's chained
   *  calls end with what fills them), then no API call in flight.  Call it once the page's
   *  own content has begun to show (quiet alone is time: a starved renderer can pause
   *  longer than quietMs between two chained calls). */
  const ready = async () => {
    await page.waitForFunction(() => !document.querySelector('.el-skeleton, .el-loading-mask'))
    await settled()
  }
  const close = async () => {
    await ctx.close().catch(() => {})
    fs.rmSync(dir, { recursive: true, force: true })
  }
  return { ctx, page, problems, close, settled, ready }
}

export async function shot(page, name) {
  if (!SHOTS) return
  fs.mkdirSync(SHOT_DIR, { recursive: true })
  await page.evaluate(() => window.scrollTo(0, 0)) // a sticky top bar would show mid-page otherwise
  await stillness(page) // no transition caught half way
  await page.screenshot({ path: path.join(SHOT_DIR, `${name}.png`), fullPage: true })
}

/** Resolves once no finite CSS transition or animation is running (a dialog fading in, a
 *  tag zooming in); endless ones (a spinner) do not count. */
export async function stillness(page) {
  await page.waitForFunction(() => document.getAnimations().every((a) => {
    const t = a.effect && a.effect.getComputedTiming ? a.effect.getComputedTiming() : {}
    return a.playState !== 'running' || t.iterations === Infinity
  }))
}

/**
 * Polls fn until it returns something other than undefined, null or false, and returns
 * that.  For conditions Playwright's own waits cannot express (the rows the table shows
 * equal what the API answers; a row the server writes after the reply).  Fails after
 * TIMEOUT naming `what` and the last value fn saw (fn may set it through the `seen` box).
 */
export async function until(fn, what = 'condition', timeout = TIMEOUT) {
  const seen = { value: undefined }
  for (const end = Date.now() + timeout; ;) {
    const v = await fn(seen)
    if (v !== undefined && v !== null && v !== false) return v
    if (Date.now() > end) throw new Error(`${what}: not so within ${timeout / 1000} s; last seen ${JSON.stringify(seen.value)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Has the page shown a toast (ElMessage) with this text since it loaded (or since the one
 *  taken last)?  Takes it, so that the next save must show its own. */
export function toastSeen(page, text) {
  return page.evaluate((t) => {
    const all = window.__ejiaToasts || []
    const i = all.findIndex((x) => x.includes(t))
    if (i < 0) return false
    all.splice(i, 1)
    return true
  }, text)
}

/** The inner texts of a locator's elements once ok(texts) holds (the table shows the new answer). */
export function texts(locator, ok, what = 'texts') {
  return until(async (seen) => {
    const v = await locator.allInnerTexts()
    seen.value = v
    return ok(v) ? v : null
  }, what)
}

/**
 * A role's API without a browser (node's fetch, the session cookie kept), for a spec
 * that makes its own data as another user: get/post/put return {status, body}; post
 * takes a FormData for uploads.
 */
export async function apiAs(role, base = BASE) {
  const u = USERS[role]
  if (!u) throw new Error(`no e2e user for role ${role}`)
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Origin: base },
    body: JSON.stringify({ username: u.username, password: u.password }),
  })
  if (login.status !== 200) throw new Error(`API login as ${role}: HTTP ${login.status}`)
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const call = async (method, url, data) => {
    const headers = { cookie, Origin: base }
    let body
    if (data instanceof FormData) body = data
    else if (data !== undefined) { body = JSON.stringify(data); headers['Content-Type'] = 'application/json' }
    const res = await fetch(`${base}${url}`, { method, headers, body })
    let json = null
    try { json = await res.json() } catch { /* not JSON */ }
    return { status: res.status, body: json }
  }
  return {
    get: (url) => call('GET', url),
    post: (url, data) => call('POST', url, data),
    put: (url, data) => call('PUT', url, data),
  }
}

/** Fill the login form and submit (no assertion on the result). */
export async function submitLogin(page, username, password) {
  if (!page.url().includes('/login')) await page.goto('/login')
  await page.getByLabel('用户名').fill(username)
  await page.getByLabel('密码', { exact: true }).fill(password)
  await page.getByTestId('login-submit').click()
}

// The second factor of the accounts that must use one (sysadmin): whichever spec
// sets it up first records the key here, in the run's own temporary folder
// (scripts/e2e sets E2E_STATE), so later specs can log in with a fresh code.
const STATE = process.env.E2E_STATE || ''
const totpFile = () => path.join(STATE, 'totp.json')
export function savedTotp(role) {
  try { return JSON.parse(fs.readFileSync(totpFile(), 'utf8'))[role] || null } catch { return null }
}
export function saveTotp(role, secret, last) {
  if (!STATE) return
  let all = {}
  try { all = JSON.parse(fs.readFileSync(totpFile(), 'utf8')) } catch { /* first one */ }
  all[role] = { secret, last }
  fs.writeFileSync(totpFile(), JSON.stringify(all))
}

/** Log in as a role from E2E_USERS and wait for the workbench.  A role that
 *  must use a second factor gets it set up (through the API) the first time and
 *  answers the code prompt with the saved key afterwards. */
export async function loginAs(page, role) {
  const u = USERS[role]
  if (!u) throw new Error(`no e2e user for role ${role}`)
  await page.goto('/login')
  await submitLogin(page, u.username, u.password)
  const otp = page.getByLabel('动态验证码')
  const scope = page.getByTestId('scope')
  await Promise.race([otp.waitFor(), scope.waitFor()])
  if (await otp.isVisible()) {
    const k = savedTotp(role)
    if (!k) throw new Error(`${role} asks for a second factor and no spec of this run has recorded its key`)
    const code = await freshTotp(k.secret, k.last)
    saveTotp(role, k.secret, code)
    await otp.fill(code)
    await page.getByTestId('login-submit').click()
    await scope.waitFor()
  }
  const me = (await apiGet(page, '/api/me')).body
  const tf = me && me.user && me.user.totp
  if (tf && tf.required && !tf.enabled) {
    const setup = await page.request.post('/api/me/totp/setup', { data: { password: u.password }, headers: { Origin: BASE } })
    if (!setup.ok()) throw new Error(`TOTP setup for ${role}: HTTP ${setup.status()}`)
    const { secret } = await setup.json()
    const code = totpCode(secret)
    const en = await page.request.post('/api/me/totp/enable', { data: { otp: code }, headers: { Origin: BASE } })
    if (!en.ok()) throw new Error(`TOTP enable for ${role}: HTTP ${en.status()}`)
    saveTotp(role, secret, code)
    await page.goto('/')
    await scope.waitFor()
  }
  return u
}

/** Click an export link and check the download is a real xlsx (a zip: "PK"). */
export async function downloadXlsx(page, locator) {
  const [dl] = await Promise.all([page.waitForEvent('download'), locator.click()])
  if (!/\.xlsx$/i.test(dl.suggestedFilename())) throw new Error(`not an xlsx name: ${dl.suggestedFilename()}`)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ejia-e2e-xlsx-'))
  try {
    const f = path.join(dir, 'x.xlsx')
    await dl.saveAs(f)
    const head = fs.readFileSync(f).subarray(0, 2).toString('latin1')
    if (head !== 'PK') throw new Error(`the export is not an xlsx (zip) file: starts with ${JSON.stringify(head)}`)
  } finally { fs.rmSync(dir, { recursive: true, force: true }) }
}

/** GET a JSON API with the page's cookies. */
export async function apiGet(page, url) {
  const res = await page.request.get(url)
  let body = null
  try { body = await res.json() } catch { /* not JSON */ }
  return { status: res.status(), body }
}

export const LEDGER_ROLES = ['city', 'district', 'park']
export const ROLES = ['city', 'district', 'park', 'org_admin', 'secretary', 'member', 'investor', 'auditor', 'sysadmin']

// ---- second factor: RFC 6238 TOTP (SHA-1, 30 s, 6 digits), as authenticator apps compute it ----
function base32(str) {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const c of str.replace(/[\s=]/g, '').toUpperCase()) bits += A.indexOf(c).toString(2).padStart(5, '0')
  const out = []
  for (let i = 0; i + 8 <= bits.length; i += 8) out.push(parseInt(bits.slice(i, i + 8), 2))
  return Buffer.from(out)
}
export function totpCode(secret, when = Date.now()) {
  const msg = Buffer.alloc(8)
  msg.writeBigUInt64BE(BigInt(Math.floor(when / 30000)))
  const h = crypto.createHmac('sha1', base32(secret)).update(msg).digest()
  const o = h[h.length - 1] & 15
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, '0')
}
/** A code different from `used` (servers may refuse a code twice): waits for the next 30 s step if needed. */
export async function freshTotp(secret, used) {
  for (;;) {
    const c = totpCode(secret)
    if (c !== used) return c
    await new Promise((r) => setTimeout(r, 1000))
  }
}

/** Click a page of a group of the menu (党费管理 …), in the side menu or, on a phone, the open drawer: the group is
 *  opened first when it is closed (its pages are hidden until then). */
export async function openMenuItem(page, name, group) {
  const drawer = page.locator('.el-drawer')
  const menu = (await drawer.count()) && (await drawer.first().isVisible()) ? drawer.first() : page.getByTestId('side-menu')
  const title = menu.locator('.el-sub-menu__title', { hasText: group }).first()
  await title.waitFor()
  const item = menu.locator(`[data-menu="${name}"]`).first()
  if (!(await item.isVisible())) await title.click()
  await item.click()
}
