// db_faults — the server against database faults: PostgreSQL restarted and
// stopped under load (a private cluster started here: the shared one serves the
// other tests), and SQLite's write lock held by another process.  A request
// that meets the fault gets 503 with Retry-After and a Chinese message — never
// a hang, a 500 or the database library's text — and the server recovers by
// itself, without a restart.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, addUser, loginAs, TEST_PW } from './lib.mjs';

const onPg = !!process.env.EJIA_TEST_PG_BASE;
const cleanups = [];
// every cleanup runs (servers stopped and checked, the private cluster
// stopped), then the first failure is reported
after(async () => {
  const failures = [];
  for (const f of cleanups.reverse()) { try { await f(); } catch (e) { failures.push(e); } }
  if (failures.length) throw failures[0];
});

// One request with a deadline: a hang is a failure, not a stuck test.
async function call(base, method, p, { cookie, json } = {}) {
  const headers = { origin: base };
  if (cookie) headers.cookie = cookie;
  if (json) headers['content-type'] = 'application/json';
  try {
    const res = await fetch(base + p, { method, headers, body: json && JSON.stringify(json), signal: AbortSignal.timeout(30000) });
    const text = await res.text();
    let data = null;
    try { data = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, retryAfter: res.headers.get('retry-after'), data, text };
  } catch (err) {
    return { status: err.name === 'TimeoutError' ? 'hang' : `error ${err.message}` };
  }
}

const sessionOf = (c) => Object.entries(c.cookies).map(([k, v]) => `${k}=${v}`).join('; ');

// What a user may see when the database cannot serve: 503, when to come back,
// a Chinese message; nothing of SQLite's or libpq's own words.
function assertCleanUnavailable(r, what) {
  assert.equal(r.status, 503, `${what}: ${r.status} ${r.text ?? ''}`);
  assert.ok(Number(r.retryAfter) > 0, `${what}: Retry-After (${r.retryAfter})`);
  assert.equal(r.data?.error?.code, 'unavailable', r.text);
  const msg = r.data.error.message;
  assert.match(msg, /[\u4e00-\u9fa5]/, 'a Chinese message');
  assert.match(msg, /稍后重试/, 'says what to do');
  assert.doesNotMatch(r.text, /locked|SQLITE|sqlite|database|server|connection|terminat|FATAL|SQLSTATE|postgres|libpq/i, r.text);
}

// ---- SQLite ----

// Holds SQLite's write lock from another process until its stdin closes.
const HOLD = `import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute('BEGIN IMMEDIATE')
print('locked', flush=True)
sys.stdin.read()
c.execute('ROLLBACK')
`;

test('SQLite: a write finding the lock held by another process gets 503 with Retry-After; reads go on; then it works',
  { skip: onPg && 'SQLite test: runs in the SQLite pass' }, async () => {
    const srv = await startServer({ args: ['--busy-timeout', '100'] });
    cleanups.push(() => srv.stop());
    addUser(srv.db.url, 'f_city', 'city', null);
    const c = await loginAs(srv.base, 'f_city');
    const holder = spawn('python3', ['-c', HOLD, srv.db.url], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise((r) => holder.on('exit', r));
    await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the lock holder did not start')), 30000);
      holder.stdout.on('data', (d) => { if (/locked/.test(d)) { clearTimeout(t); resolve(); } });
      holder.on('exit', (code) => { clearTimeout(t); reject(new Error(`the lock holder exited ${code}`)); });
    });
    try {
      const login = await call(srv.base, 'POST', '/api/auth/login', { json: { username: 'f_city', password: TEST_PW } });
      assertCleanUnavailable(login, 'login while another process writes');
      const read = await call(srv.base, 'GET', '/api/regions?kind=district', { cookie: sessionOf(c) });
      assert.equal(read.status, 200, 'readers are not blocked by a writer (WAL)');
    } finally {
      holder.stdin.end();
      await exited;
    }
    const again = await call(srv.base, 'POST', '/api/auth/login', { json: { username: 'f_city', password: TEST_PW } });
    assert.equal(again.status, 200, again.text);
  });

// ---- PostgreSQL ----

const PG_BIN = '/usr/lib/postgresql/15/bin';

// pg_ctl on the private cluster, as its owner (scripts/pg-test-cluster runs
// the cluster as 'postgres' when we are root).  `restart` also starts a
// stopped cluster, with the options it was first started with.
function pgCtl(dir, ...args) {
  const cmd = [`${PG_BIN}/pg_ctl`, '-D', `${dir}/data`, '-l', `${dir}/pg.log`, '-w', '-t', '60', ...args];
  const [file, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', ...cmd]] : [cmd[0], cmd.slice(1)];
  return new Promise((resolve, reject) => {
    const p = spawn(file, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pg_ctl ${args.join(' ')}: exit ${code}: ${err}`))));
  });
}

async function until(what, cond, ms = 60000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let pg;   // { dir, base, srv, cookie }
async function pgServer() {
  if (pg) return pg;
  const dir = mkdtempSync(path.join(tmpdir(), 'ejia-pgfault-'));
  cleanups.push(() => { execFileSync('scripts/pg-test-cluster', ['stop', dir]); rmSync(dir, { recursive: true, force: true }); });
  const base = execFileSync('scripts/pg-test-cluster', ['start', dir], { encoding: 'utf8' }).trim();
  execFileSync('psql', [`${base}/postgres`, '-qAtc',
    "CREATE DATABASE faults TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"]);
  // two HTTP threads, three pooled connections, whatever the machine
  const srv = await startServer({ db: { url: `${base}/faults`, cleanup() {} }, args: ['--threads', '2'] });
  cleanups.push(() => srv.stop());
  addUser(srv.db.url, 'f_city', 'city', null);
  const c = await loginAs(srv.base, 'f_city');
  pg = { dir, base, srv, cookie: sessionOf(c) };
  return pg;
}

const read = (p) => call(p.srv.base, 'GET', '/api/regions?kind=district', { cookie: p.cookie });
const login = (p) => call(p.srv.base, 'POST', '/api/auth/login', { json: { username: 'f_city', password: TEST_PW } });

test('PostgreSQL restarted under load: requests meeting it get 503 with Retry-After, then all succeed without restarting ejia',
  { skip: !onPg && 'PostgreSQL test: runs in the PostgreSQL pass (EJIA_TEST_PG_BASE)' }, async () => {
    const p = await pgServer();
    const results = [];
    let phase = 'before', stop = false;
    const workers = [read, read, login].map(async (fn, w) => {
      while (!stop) results.push({ w, phase, ...(await fn(p)) });
    });
    const okIn = (ph) => (w) => results.some((r) => r.w === w && r.phase === ph && r.status === 200);
    try {
      await until('every worker has succeeded once', () => [0, 1, 2].every(okIn('before')));
      phase = 'restart';
      await pgCtl(p.dir, '-m', 'fast', 'restart');
      phase = 'after';
      // back by itself: each worker's last five requests succeed
      await until('every worker succeeds again', () => [0, 1, 2].every((w) => {
        const mine = results.filter((r) => r.w === w && r.phase === 'after');
        return mine.length >= 5 && mine.slice(-5).every((r) => r.status === 200);
      }));
    } finally {
      stop = true;
      await Promise.all(workers);
    }
    const bad = results.filter((r) => r.status !== 200 && r.status !== 503);
    assert.deepEqual(bad.map((r) => `${r.phase} ${r.status} ${r.text ?? ''}`), [], 'only 200 or 503: no hang, no 500');
    const unavailable = results.filter((r) => r.status === 503);
    // the pool's connections all died with the restart: at least the first request on one meets it
    assert.ok(unavailable.length >= 1, `some request met the restart (${results.length} requests)`);
    for (const r of unavailable) assertCleanUnavailable(r, `${r.phase} worker ${r.w}`);
  });

test('PostgreSQL down: every request is a quick 503 with Retry-After; started again: served without restarting ejia',
  { skip: !onPg && 'PostgreSQL test: runs in the PostgreSQL pass (EJIA_TEST_PG_BASE)' }, async () => {
    const p = await pgServer();
    assert.equal((await read(p)).status, 200);
    await pgCtl(p.dir, '-m', 'fast', 'stop');
    try {
      for (let i = 0; i < 5; i++) {
        assertCleanUnavailable(await read(p), `read ${i} while down`);
        assertCleanUnavailable(await login(p), `login ${i} while down`);
      }
    } finally {
      await pgCtl(p.dir, 'restart');   // starts the stopped cluster with its first options
    }
    await until('a request is served again', async () => (await read(p)).status === 200);
    for (let i = 0; i < 5; i++) assert.equal((await read(p)).status, 200);
    const l = await login(p);
    assert.equal(l.status, 200, `a write (login) works again: ${l.text}`);
    assert.ok(p.srv.child.exitCode === null, 'the same ejia process');
  });
