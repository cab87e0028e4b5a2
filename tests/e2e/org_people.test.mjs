// Organizations' people and terms in the browser (issue 23, "a branch's term runs out and shows
// as overdue until its election is recorded").  The test runs its own server on a copy of this
// spec's database with a test clock (--test-clock-file), starting at 10:00 China time tomorrow:
// at 1440 px the city opens a branch whose term is running (the committee card: the posts of
// the demo's election, the term in force); the clock moves to the day after the term's end; the
// branch shows in 换届提醒 as 已到期未换届 and on its page as overdue; the election is recorded
// there (the new 书记 and 组织委员, found by name among the branch's 正式党员, and the vote record
// uploaded) and the branch leaves the overdue list.  At 390 px the branch's administrator sees
// the new committee on the organization's page and the 换届提醒 list as cards, scrolling only up
// and down.  The spec makes its own members and administrator.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { openBrowser, loginAs, apiAs, shot, until, toastSeen, USERS, PHONE } from './lib.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.join(here, '..', '..')
const WIDE = { width: 1440, height: 900 }
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const id18 = (b) => b + '10X98765432'[[...b].reduce((s, c, i) => s + Number(c) * W[i], 0) % 11]
const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)
const dayOf = (t) => new Date((t + 8 * 3600) * 1000).toISOString().slice(0, 10)
const addDays = (day, n) => new Date(Date.parse(day + 'T00:00:00Z') + n * 86400000).toISOString().slice(0, 10)
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0])

// ---- a server of our own with a test clock, on a copy of this spec's database ----
let clocked = null
async function startClocked() {
  const state = process.env.E2E_STATE
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ejia-e2e-orgpeople-'))
  const db = path.join(dir, 'ejia.db'), clock = path.join(dir, 'clock')
  const b = spawnSync('sqlite3', ['-cmd', '.timeout 20000', path.join(state, 'ejia.db'), `.backup '${db}'`], { encoding: 'utf8' })
  if (b.status !== 0) throw new Error(`copying the database: ${b.stderr}`)
  fs.copyFileSync(path.join(state, 'ejia.db.key'), db + '.key')
  fs.chmodSync(db + '.key', 0o600)
  const bin = process.env.E2E_EJIA || path.join(ROOT, 'ejia')
  const real = Math.floor(Date.now() / 1000)
  const today = addDays(dayOf(real), 1)
  // a 思明区 branch of the demo whose elected term is still running tomorrow, the nearest to its end
  const q = spawnSync('sqlite3', ['-separator', '|', db, `SELECT o.id, o.name, o.established_on, x.term_end FROM org o JOIN org_election x ON x.org_id = o.id
    WHERE o.kind = '党支部' AND o.dissolved_on IS NULL AND o.district_code = '350203' AND x.term_end > '${today}'
    AND x.day = (SELECT MAX(y.day) FROM org_election y WHERE y.org_id = o.id) ORDER BY x.term_end LIMIT 1`], { encoding: 'utf8' })
  const [id, name, established, termEnd] = q.stdout.trim().split('|')
  if (!Number(id)) throw new Error(`no branch with a running term in the demo data: ${q.stderr}`)
  const pass = `E2e-${Math.random().toString(16).slice(2, 10)}-Pw!`
  const u = spawnSync(bin, ['user', 'add', '--db', db, '--username', 'e2e_op_admin', '--role', 'org_admin', '--scope', String(id)], { input: pass + '\n', encoding: 'utf8' })
  if (u.status !== 0) throw new Error(`ejia user add: ${u.stderr}`)
  USERS.op_admin = { username: 'e2e_op_admin', password: pass }
  let offset = Math.floor(Date.parse(today + 'T10:00:00+08:00') / 1000) - real
  fs.writeFileSync(clock, String(offset))
  const extra = (process.env.EJIA_SERVE_ARGS || '').split(/\s+/).filter(Boolean)
  const child = spawn(bin, ['serve', '--db', db, '--port', '0', '--web-root', process.env.E2E_WEB_ROOT || path.join(ROOT, 'web', 'dist'),
    '--test-clock-file', clock, '--password-max-age-days', '0', '--org-files-dir', path.join(dir, 'files'), ...extra], { stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stdout.on('data', (d) => { log += d })
  child.stderr.on('data', (d) => { log += d })
  const base = await until(async () => {
    const m = log.match(/http:\/\/127\.0\.0\.1:\d+/)
    if (!m) return null
    try { return (await fetch(`${m[0]}/healthz`)).ok ? m[0] : null } catch { return null }
  }, 'the clocked server answering /healthz', 60000)
  // two 正式党员 of the branch of its own, to be elected
  const city = await apiAs('city', base)
  const r = Math.floor(Math.random() * 1e5)
  const reg = async (nm, i) => {
    const body = `35020319${80 + i}0${1 + (r % 9)}1${i}${String(r % 1000).padStart(3, '0')}`
    const res = await city.post('/api/members', { name: nm, id_number: id18(body), org_id: Number(id), category: '正式党员',
      joined_on: '2010-07-01', full_on: '2011-07-01', day: established > '2019-01-01' ? established : '2019-01-01' })
    assert.equal(res.status, 201, JSON.stringify(res.body))
  }
  const tag = String.fromCharCode(0x4e00 + (r % 2000))
  const names = [`换届甲${tag}`, `换届乙${tag}`]
  await reg(names[0], 1)
  await reg(names[1], 2)
  return {
    base, today, id: Number(id), name, termEnd, names, dir, child,
    /** Set the server's day (10:00 China time). */
    setDay(day) { offset += Math.round((Date.parse(day) - Date.parse(this.day)) / 1000); this.day = day; fs.writeFileSync(clock, String(offset)) },
    day: today,
    async stop() {
      const gone = new Promise((res) => child.once('exit', res))
      child.kill('SIGTERM')
      await gone
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
after(async () => { if (clocked) await clocked.stop() })

/** A remote select: type q, wait for the answer of its own search, click the option, see it chosen. */
async function pick(page, sel, q) {
  await sel.click()
  const answered = page.waitForResponse((r) => {
    const u = new URL(r.url())
    return u.pathname === '/api/members' && u.searchParams.get('q') === q
  })
  await sel.locator('input').fill(q)
  await answered
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: q }).first().click()
  await sel.locator('.el-select__selected-item').filter({ hasText: q }).first().waitFor()
}

const termStatus = (page) => page.getByTestId('committee-term').getAttribute('data-status')

test('a branch\'s term runs out: overdue in 换届提醒 and on its page until the election is recorded (1440 px); the committee at 390 px',
  { skip: (!USERS.city || !process.env.E2E_STATE) && 'needs the city user and the run\'s state' }, async () => {
    clocked = await startClocked()
    const C = clocked
    const { page, close, problems } = await openBrowser({ viewport: WIDE, baseURL: C.base })
    try {
      // ---- the term running: the committee card of the demo's election ----
      await loginAs(page, 'city')
      await page.goto(`/orgs/${C.id}`)
      const card = page.getByTestId('org-committee')
      await card.getByTestId('committee-posts').waitFor()
      assert.notEqual(await termStatus(page), 'overdue')
      assert.ok((await card.getByTestId('committee-term').innerText()).includes(C.termEnd))
      assert.equal(await card.locator('.post').first().getAttribute('data-post'), '书记')
      await shot(page, 'org-people-committee-1440')

      // ---- the day after the end of the term ----
      C.setDay(addDays(C.termEnd, 1))
      await loginAs(page, 'city')   // the session idled out over the jump
      await page.getByTestId('side-menu').locator('[data-menu="org-terms"]').first().click()
      await page.getByTestId('terms-table').waitFor()
      await page.getByTestId('terms-status').click()
      await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '已到期未换届' }).first().click()
      const row = page.locator('.term-row', { hasText: C.name }).first()
      await row.waitFor()
      assert.ok((await row.innerText()).includes(C.termEnd))
      assert.equal(await row.getByTestId('term-status').innerText(), '已到期未换届')
      await shot(page, 'org-people-terms-overdue-1440')

      // ---- its page: overdue; the election recorded ----
      await row.getByRole('link', { name: C.name }).click()
      await until(async () => (await termStatus(page)) === 'overdue', 'the term shown overdue')
      await page.getByTestId('committee-elect').click()
      const form = page.getByTestId('committee-elect-form')
      await form.waitFor()
      assert.equal(await form.locator('#cm-el-day').inputValue(), C.day)
      // a save without the vote record is refused on the page, under its field
      const persons = form.getByTestId('committee-elect-person')
      await pick(page, persons.nth(0), C.names[0])
      await pick(page, persons.nth(1), C.names[1])
      await form.getByTestId('committee-elect-save').click()
      await form.locator('.el-form-item__error').filter({ hasText: '表决记录' }).first().waitFor()
      await form.getByTestId('committee-elect-file').setInputFiles({ name: '计票单.png', mimeType: 'image/png', buffer: PNG })
      await shot(page, 'org-people-elect-1440')
      const answered = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/orgs/${C.id}/elections`)
      await form.getByTestId('committee-elect-save').click()
      const res = await answered
      assert.equal(res.status(), 201, await res.text())
      await until(() => toastSeen(page, '已登记换届选举'), 'the election saved')
      await until(async () => (await termStatus(page)) === 'ok', 'the term in force again')
      const posts = page.getByTestId('committee-posts').locator('.post')
      await until(async () => (await posts.first().innerText()).includes(C.names[0]), 'the new 书记 shown')
      assert.ok((await posts.nth(1).innerText()).includes(C.names[1]))
      assert.ok((await page.getByTestId('committee-term').innerText()).includes(C.day))
      await shot(page, 'org-people-elected-1440')

      // ---- 换届提醒: no longer overdue ----
      await page.getByTestId('side-menu').locator('[data-menu="org-terms"]').first().click()
      await page.getByTestId('terms-status').click()
      await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '已到期未换届' }).first().click()
      await page.getByTestId('terms-total').waitFor()
      const overdue = await page.evaluate(async () => (await fetch('/api/org/terms?status=overdue&size=500')).json())
      assert.ok(!overdue.items.some((x) => x.id === C.id), 'the branch left the overdue list')
      await until(async () => !(await page.locator('.term-row', { hasText: C.name }).count()), 'the row gone from the page')
      assert.deepEqual(problems, [])
    } finally { await close() }

    // ---- 390 px: the branch's administrator on the organization's page and 换届提醒 ----
    const phone = await openBrowser({ viewport: PHONE, baseURL: C.base })
    try {
      const p = phone.page
      await loginAs(p, 'op_admin')
      await p.goto(`/orgs/${C.id}`)
      const card = p.getByTestId('org-committee')
      await card.getByTestId('committee-posts').waitFor()
      assert.ok((await card.locator('.post').first().innerText()).includes(C.names[0]))
      assert.equal(await termStatus(p), 'ok')
      assert.ok(await noHScroll(p), 'the organization page scrolls only up and down at 390 px')
      await shot(p, 'org-people-org-390')
      await p.goto('/org/terms?status=all')
      await p.locator('.term-row').first().waitFor()
      assert.ok(await noHScroll(p), '换届提醒 scrolls only up and down at 390 px')
      await shot(p, 'org-people-terms-390')
      assert.deepEqual(phone.problems, [])
    } finally { await phone.close() }
  })
