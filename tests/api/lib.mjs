// lib — start the real `ejia serve` on a loopback port against a fresh database
// and talk HTTP to it.  The backend comes from the environment that
// scripts/check sets: EJIA_TEST_PG_BASE (a postgresql:// URL without database
// name, e.g. postgresql://postgres@127.0.0.1:54329) selects PostgreSQL; each
// server gets its own database there.  Otherwise a SQLite file in a temp dir.
// EJIA_TEST_CACHE (a folder scripts/check gives each API pass) keeps the demo
// data made once per pass; each server that asks for it gets its own copy.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash, createHmac } from 'node:crypto';

export const EJIA = process.env.EJIA_BIN || path.resolve('ejia');
export const backend = process.env.EJIA_TEST_PG_BASE ? 'postgresql' : 'sqlite';
let dbCounter = 0;

// A fresh database URL for one test file (created empty, or a copy of the
// PostgreSQL database named by template).
export function freshDb(template) {
  if (process.env.EJIA_TEST_PG_BASE) {
    const name = `t_${process.pid}_${Date.now()}_${dbCounter++}`;
    const base = process.env.EJIA_TEST_PG_BASE;
    const from = template ? `TEMPLATE ${template}` : "TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'";
    // FILE_COPY: copying the files is faster than writing every page to the
    // WAL (PostgreSQL 15's default) on a test cluster that runs with fsync=off
    const r = spawnSync('psql', [`${base}/postgres`, '-qAtc', `CREATE DATABASE ${name} ${from} STRATEGY FILE_COPY`]);
    if (r.status !== 0) throw new Error('createdb failed: ' + r.stderr);
    return { url: `${base}/${name}`, cleanup() { spawnSync('psql', [`${base}/postgres`, '-qAtc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]); } };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'ejia-test-'));
  return { url: path.join(dir, 'test.db'), dir, cleanup() { rmSync(dir, { recursive: true, force: true }); } };
}

// The first line of a report by AddressSanitizer, LeakSanitizer or UBSan in
// a process's stderr (a match: [0] the line, .index where it starts), or null.
export function sanitizerReport(text) {
  return (text || '').match(/^.*(ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:).*$/m);
}

// Run an ejia subcommand synchronously; returns {status, stdout, stderr}.
// A command that printed a sanitizer report (the ASan build) throws, like a
// server that does (stop() below): a leak or undefined behaviour in the CLI
// fails the test whether or not it looks at the exit status.
export function ejia(args, { input, env } = {}) {
  const r = spawnSync(EJIA, args, { input, env: { ...process.env, ...env }, encoding: 'utf8' });
  const report = sanitizerReport(r.stderr);
  if (report) throw new Error(`ejia ${args.join(' ')} printed a sanitizer report: ${report[0]}\n${r.stderr.slice(report.index, report.index + 12000)}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// `ejia demo` run without blocking this process: it takes seconds (minutes
// under ASan on a busy machine), and a blocking spawnSync froze the event
// loop meanwhile, so a server started before it by the same test file saw its
// 60-s start timer fire before its "started" line was read.
function ejiaDemo(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(EJIA, ['demo', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => {
      const report = sanitizerReport(stderr);
      if (report) reject(new Error(`ejia demo printed a sanitizer report: ${report[0]}\n${stderr.slice(report.index, report.index + 12000)}`));
      else resolve({ status, stdout, stderr });
    });
  });
}

// The demo data made once per API pass (EJIA_TEST_CACHE) for this binary,
// backend and demo arguments: `ejia demo` takes seconds (tens under ASan), a
// copy milliseconds.  Test files run in parallel processes, so the first one
// to need it makes it under a lock file and the others wait for it to be done
// (a condition, bounded; a maker that died leaves a lock naming a dead pid,
// which is taken over).  Returns { stdout, file } (SQLite: the database file,
// its key file beside it) or { stdout, template } (PostgreSQL: a database
// that CREATE DATABASE … TEMPLATE copies), or null when there is no cache.
async function demoTemplate(demoArgs) {
  const dir = process.env.EJIA_TEST_CACHE;
  if (!dir) return null;
  mkdirSync(dir, { recursive: true });
  const key = createHash('sha256').update(JSON.stringify([EJIA, statSync(EJIA).mtimeMs, backend,
    process.env.EJIA_TEST_PG_BASE || '', demoArgs])).digest('hex').slice(0, 16);
  const done = path.join(dir, `demo-${key}.json`), lock = path.join(dir, `demo-${key}.lock`);
  const deadline = Date.now() + 600000;
  for (;;) {
    if (existsSync(done)) return JSON.parse(readFileSync(done, 'utf8'));
    let fd = null;
    try { fd = openSync(lock, 'wx'); } catch (e) { if (e.code !== 'EEXIST') throw e; }
    if (fd === null) {
      let holder = 0;
      try { holder = Number(readFileSync(lock, 'utf8')); } catch { /* just removed */ }
      let alive = true;
      if (holder) try { process.kill(holder, 0); } catch { alive = false; }
      if (!alive) { try { unlinkSync(lock); } catch { /* someone else took it over */ } continue; }
      if (Date.now() > deadline) throw new Error(`the demo data for ${demoArgs.join(' ') || 'the tests'} was not made within 10 minutes (${lock})`);
      await sleep(100);
      continue;
    }
    writeFileSync(fd, String(process.pid));
    closeSync(fd);
    try {
      let out;
      if (backend === 'postgresql') {
        const db = freshDb();
        const r = await ejiaDemo(['--db', db.url, ...demoArgs]);
        if (r.status !== 0) { db.cleanup(); throw new Error('ejia demo failed: ' + r.stderr); }
        out = { stdout: r.stdout, template: db.url.slice(db.url.lastIndexOf('/') + 1) };
      } else {
        const file = path.join(dir, `demo-${key}`, 'demo.db');
        rmSync(path.dirname(file), { recursive: true, force: true });
        mkdirSync(path.dirname(file));
        const r = await ejiaDemo(['--db', file, ...demoArgs]);
        if (r.status !== 0) throw new Error('ejia demo failed: ' + r.stderr);
        out = { stdout: r.stdout, file };
      }
      writeFileSync(done + '.tmp', JSON.stringify(out));
      renameSync(done + '.tmp', done);
      return out;
    } finally { unlinkSync(lock); }
  }
}

// A database filled with the demo data: a copy of the pass's template when
// there is one, else `ejia demo` into a fresh one.  Returns { db, stdout }.
export async function demoDb(demoArgs = []) {
  const tpl = await demoTemplate(demoArgs);
  if (!tpl) {
    const db = freshDb();
    const r = await ejiaDemo(['--db', db.url, ...demoArgs]);
    if (r.status !== 0) throw new Error('ejia demo failed: ' + r.stderr);
    return { db, stdout: r.stdout };
  }
  if (tpl.template) return { db: freshDb(tpl.template), stdout: tpl.stdout };
  const db = freshDb();
  for (const ext of ['', '-wal', '.key']) {
    if (!existsSync(tpl.file + ext)) continue;
    copyFileSync(tpl.file + ext, db.url + ext);
    chmodSync(db.url + ext, ext === '.key' ? 0o600 : 0o644);
  }
  return { db, stdout: tpl.stdout };
}

// Start a server. opts.demo fills demo data first (into opts.db when given,
// else into a copy of the pass's demo data); opts.args adds flags.
export async function startServer(opts = {}) {
  let db = opts.db;
  if (opts.demo && !db) {
    const d = await demoDb(opts.demoArgs || []);
    db = d.db;
    opts.onDemo?.(d.stdout);
  } else {
    db ||= freshDb();
    if (opts.demo) {
      const r = await ejiaDemo(['--db', db.url, ...(opts.demoArgs || [])]);
      if (r.status !== 0) throw new Error('ejia demo failed: ' + r.stderr);
      opts.onDemo?.(r.stdout);
    }
  }
  // The audit check (a write or export that leaves no single audit row fails)
  // and the trace of audited routes (scripts/check then checks every one was
  // exercised) are on whenever scripts/check asks for them.
  const audit = [];
  if (process.env.EJIA_AUDIT_CHECK === '1') audit.push('--audit-check');
  if (process.env.EJIA_AUDIT_TRACE) audit.push('--audit-trace', process.env.EJIA_AUDIT_TRACE);
  // The points engine's own timer (real time) is off: a test asks for a run when it wants one, so no
  // background run adds lines or audit rows while a test counts them (tests/api/points_sched.test.mjs
  // runs the timer itself).  opts.args come after and may turn it back on.
  const child = spawn(EJIA, ['serve', '--db', db.url, '--port', '0', '--log-level', 'warn', '--web-root', opts.webRoot || 'web/dist', ...audit, '--points-run-seconds', '0', ...(opts.args || [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  // Closed: exited and its output read to the end (a leak report is written
  // just before the exit, and 'exit' may come before the last of stderr).
  const closed = new Promise((r) => child.on('close', r));
  // The signals the test sent itself (srv.child.kill): a server it killed
  // with SIGKILL on purpose is not a crash.
  const sent = new Set();
  const kill = child.kill.bind(child);
  child.kill = (sig = 'SIGTERM') => { sent.add(sig); return kill(sig); };
  const port = await new Promise((resolve, reject) => {
    let out = '';
    // generous: the ASan build on a busy machine starts in seconds, not milliseconds
    const t = setTimeout(() => reject(new Error('server did not start within 60 s: ' + stderr)), 60000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) { clearTimeout(t); resolve(Number(m[1])); }
    });
    child.on('exit', (code) => { clearTimeout(t); reject(new Error(`server exited ${code}: ${stderr}`)); });
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    base, port, db, child,
    stderr: () => stderr,
    // Stop with SIGTERM (unless it has stopped already) and wait for the end
    // of its output (bounded: a server that does not stop is killed and
    // fails).  A server that printed a sanitizer report (a leak under the ASan
    // build, undefined behaviour), that exited non-zero, or that died of a
    // signal the test did not send it (a crash), fails the test that stops
    // it — unless the test broke it on purpose ({ expectFailure: true }).
    // Every server a test starts ends here, killed on purpose or not.
    async stop({ keepDb = false, expectFailure = false } = {}) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      let hung = false;
      const bound = setTimeout(() => { hung = true; kill('SIGKILL'); }, 60000);
      await closed;
      clearTimeout(bound);
      if (!keepDb) db.cleanup();
      if (!expectFailure) {
        if (hung) throw new Error(`the server did not stop within 60 s of SIGTERM: ${stderr.slice(-2000)}`);
        const report = sanitizerReport(stderr);
        if (report) throw new Error(`the server printed a sanitizer report: ${report[0]}\n${stderr.slice(report.index, report.index + 12000)}`);
        const sig = child.signalCode;
        if (sig ? !sent.has(sig) || sig === 'SIGTERM' : child.exitCode !== 0)
          throw new Error(`the server ${sig ? `died of ${sig}` : `exited ${child.exitCode}`}${sent.size ? ` (sent: ${[...sent].join(', ')})` : ' by itself'}: ${stderr.slice(-2000)}`);
      }
      return child.exitCode;
    },
  };
}

// fetch, saying why it failed.  A GET or HEAD that fails on the socket before
// any answer (a kept-alive connection the server had just closed, which a
// machine under heavy load makes likelier) is sent once more on a new
// connection, as browsers and undici itself do for idempotent requests; other
// methods are never resent (the server may have acted on them).
const SOCKET_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'])
async function fetchOnce(url, init) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (err) {
      const code = err?.cause?.code;
      if (attempt === 1 && (init.method === 'GET' || init.method === 'HEAD') && SOCKET_ERRORS.has(code)) continue;
      if (err?.cause) err.message += ` (${code || ''} ${err.cause.message || ''})`.replace('( ', '(');
      throw err;
    }
  }
}

// A tiny HTTP client with a cookie jar, JSON by default.
export class Client {
  constructor(base) { this.base = base; this.cookies = {}; }
  cookieHeader() { return Object.entries(this.cookies).map(([k, v]) => `${k}=${v}`).join('; '); }
  async req(method, p, { json, body, headers = {}, origin = true } = {}) {
    const h = { ...headers };
    if (json !== undefined) { h['content-type'] = 'application/json'; body = JSON.stringify(json); }
    const c = this.cookieHeader();
    if (c) h.cookie = c;
    if (origin && method !== 'GET' && method !== 'HEAD' && !('origin' in h)) h.origin = this.base;
    const res = await fetchOnce(this.base + p, { method, headers: h, body, redirect: 'manual' });
    for (const sc of res.headers.getSetCookie?.() || []) {
      const [kv] = sc.split(';');
      const i = kv.indexOf('=');
      const k = kv.slice(0, i).trim(), v = kv.slice(i + 1).trim();
      if (v === '' || /max-age=0/i.test(sc)) delete this.cookies[k]; else this.cookies[k] = v;
    }
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = text; }
    return { status: res.status, headers: res.headers, data, text };
  }
  get(p, o) { return this.req('GET', p, o); }
  post(p, json, o = {}) { return this.req('POST', p, { json, ...o }); }
  put(p, json, o = {}) { return this.req('PUT', p, { json, ...o }); }
  patch(p, json, o = {}) { return this.req('PATCH', p, { json, ...o }); }
  del(p, o) { return this.req('DELETE', p, o); }
}

// RFC 6238 TOTP (SHA-1, 6 digits, 30 s) — written here, independent of the server's liboath.
export function totp(secretB32, t = Math.floor(Date.now() / 1000)) {
  const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secretB32.replace(/=+$/, '')) bits += alpha.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(Math.floor(t / 30)));
  const h = createHmac('sha1', key).update(msg).digest();
  const o = h[h.length - 1] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}

// A code for the next unused 30-s step (the server takes each code once and
// accepts one step of drift), waiting when three logins fell in one step.
let lastStep = 0;
export async function nextOtp(secret, offset = 0) {
  for (;;) {
    const now = Math.floor(Date.now() / 1000) + offset;
    const step = Math.max(Math.floor(now / 30) - 1, lastStep + 1);
    if (step <= Math.floor(now / 30) + 1) { lastStep = step; return totp(secret, step * 30); }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

// Demo and reset accounts carry one-time passwords, which open only the
// account pages: log in once and replace it.  Returns the password to use
// from now on (unchanged when it was not a one-time password).
export async function replaceOneTimePassword(base, username, password, extra = {}) {
  const c = new Client(base);
  const r = await c.post('/api/auth/login', { username, password, ...extra });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
  if (!r.data.user.must_change_password) return password;
  const next = `${password}-Nw9`;
  const x = await c.post('/api/me/password', { password, new_password: next });
  if (x.status !== 204) throw new Error(`password change for ${username}: ${x.status} ${x.text}`);
  return next;
}

// Test users: made with the CLI (as an installer would), one password for all.
export const TEST_PW = 'Ejia-test-2026';
export function addUser(dbUrl, name, role, scope, password = TEST_PW) {
  const args = ['user', 'add', '--db', dbUrl, '--username', name, '--role', role, '--password-stdin'];
  if (scope) args.push('--scope', scope);
  const r = ejia(args, { input: password + '\n' });
  if (r.status !== 0) throw new Error(`ejia user add ${name}: ${r.stderr}`);
}
// A logged-in client for such a user (throws unless the login succeeds).
export async function loginAs(base, name, password = TEST_PW) {
  const c = new Client(base);
  const r = await c.post('/api/auth/login', { username: name, password });
  if (r.status !== 200) throw new Error(`login ${name}: ${r.status} ${JSON.stringify(r.data)}`);
  return c;
}
