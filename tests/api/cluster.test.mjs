// cluster — several `ejia serve` on one PostgreSQL behind nginx (issue 20: Debian's nginx as the
// balancer, round robin, on loopback).  A session made on one server works on the other; a write
// through one is read at once through the other; requests through the balancer land on both; the
// audit trail written by both at once is still one unbroken chain (its head is a row both lock);
// the 旬 bulletins the two schedulers issue at start are issued once each.  The core of the API through
// the balancer (health, errors, login, a list, a write, an export, a logout seen by both); a file
// uploaded through one server is served by the other, whose folder had no copy (the database holds
// the bytes, base/files.h).  Periodic work (the points engine every second) runs on one server only —
// the one holding the lease (base/lease.h) — and moves to the other when that one is killed.
// SQLite is one file for one server, so this runs on PostgreSQL only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, addUser, backend, demoDb, ejia, loginAs, startServer } from './lib.mjs';

const freePort = () => new Promise((resolve, reject) => {
  const s = createServer();
  s.once('error', reject);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

// nginx in the foreground with everything it writes in dir (started as root its workers run as
// nobody, hence the open folder); stopped by the caller.
async function startNginx(dir, ports) {
  const port = await freePort();
  chmodSync(dir, 0o777);
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(conf, `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 128; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream ejia { ${ports.map((p) => `server 127.0.0.1:${p};`).join(' ')} keepalive 8; }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 64m;
    location / {
      proxy_pass http://ejia;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`);
  const child = spawn('nginx', ['-p', dir, '-e', `${dir}/error.log`, '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${err}${readFileSync(`${dir}/error.log`, 'utf8')}`);
    try { if ((await fetch(base + '/healthz')).status === 200) break; } catch { /* not listening yet */ }
    if (i > 600) throw new Error('nginx did not answer within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, stop: () => new Promise((r) => { child.on('close', r); child.kill('SIGQUIT'); }) };
}

const PG_ONLY = { skip: backend !== 'postgresql' && 'several servers share one PostgreSQL; a SQLite file has one server' };

// one demo database for the tests below (each starts its own servers on it): a demo on PostgreSQL
// takes minutes on a busy machine
let db = null;
before(async () => { if (backend === 'postgresql') ({ db } = await demoDb()); });
after(() => db?.cleanup());

test('two servers behind nginx share sessions, writes and one audit chain', PG_ONLY, async () => {
  addUser(db.url, 'cl_city', 'city');
  const dir = mkdtempSync(path.join(tmpdir(), 'ejia-cluster-'));
  const a = await startServer({ db });
  const b = await startServer({ db });
  let lb = null;
  try {
    // a session made on A, used on B
    const onA = await loginAs(a.base, 'cl_city');
    const onB = new Client(b.base);
    onB.cookies = { ...onA.cookies };
    let r = await onB.get('/api/me');
    assert.equal(r.status, 200, JSON.stringify(r.data));
    assert.equal(r.data.user.username, 'cl_city');
    // a write on B, read on A at once
    r = await onB.post('/api/users', { username: 'cl_new', name: '集群新用户', role: 'member', id_number: '350206198512124564' });
    assert.equal(r.status, 201, JSON.stringify(r.data));
    r = await onA.get('/api/users?q=cl_new');
    assert.equal(r.status, 200);
    assert.ok(JSON.stringify(r.data).includes('集群新用户'), JSON.stringify(r.data));
    // through the balancer: a login, then requests landing on both servers, every one answered
    lb = await startNginx(dir, [a.port, b.port]);
    const c = await loginAs(lb.base, 'cl_city');
    const seen = new Set();
    const writes = [];
    for (let i = 0; i < 20; i++) {
      r = await c.get('/api/me');
      assert.equal(r.status, 200, `request ${i}: ${r.status}`);
      seen.add(r.headers.get('x-upstream'));
      // and writes from both servers at the same time: each one an audit row on the one chain
      writes.push(c.post('/api/users', { username: `cl_u${i}`, name: `集群用户${i}`, role: 'member', id_number: '350206198512124564' }));
    }
    assert.deepEqual([...seen].sort(), [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`].sort());
    for (const w of await Promise.all(writes)) assert.equal(w.status, 201, JSON.stringify(w.data));
    // the bulletins both schedulers issued at start: one per period
    const list = await c.get('/api/bulletins?size=200');
    assert.equal(list.status, 200);
    const periods = (list.data.items || []).map((x) => x.period);
    assert.equal(new Set(periods).size, periods.length, `a period issued twice: ${periods.join(' ')}`);
    // one chain, though two servers appended to it at once
    const v = ejia(['audit', 'verify', '--db', db.url]);
    assert.equal(v.status, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /审计日志完整/);
  } finally {
    await lb?.stop();
    await a.stop({ keepDb: true });
    await b.stop({ keepDb: true });
    rmSync(dir, { recursive: true, force: true });
  }
});

function sql(url, q) {
  const r = spawnSync('psql', [url, '-qAtc', q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}

// a condition, polled, with a generous bound (a loaded machine, the sanitizer build)
async function until(what, fn, limitMs = 120000) {
  const end = Date.now() + limitMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`waited ${limitMs / 1000} s for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('the core of the API through the balancer; a file uploaded through one server is served by the other', PG_ONLY, async () => {
  addUser(db.url, 'cl_core', 'city');
  const dir = mkdtempSync(path.join(tmpdir(), 'ejia-cluster-'));
  // each server its own folder, as on two machines: only the database is shared
  const a = await startServer({ db, args: ['--course-files-dir', path.join(dir, 'files-a')] });
  const b = await startServer({ db, args: ['--course-files-dir', path.join(dir, 'files-b')] });
  let lb = null;
  try {
    lb = await startNginx(dir, [a.port, b.port]);
    let r = await fetch(lb.base + '/healthz');
    assert.equal(r.status, 200);
    assert.match(await r.text(), /postgresql/);
    const c = new Client(lb.base);
    r = await c.get('/api/no/such/path');
    assert.equal(r.status, 404);
    assert.match(r.data.error.message, /[\u4e00-\u9fff]/, 'the error in Chinese');
    assert.equal((await c.get('/api/me')).status, 401);
    r = await c.post('/api/auth/login', { username: 'cl_core', password: 'x-wrong-password-1' });
    assert.equal(r.status, 401);
    const me = await loginAs(lb.base, 'cl_core');
    // a list: the same page, sorted, whichever server answers
    const pages = new Set(), ups = new Set();
    for (let i = 0; i < 6; i++) {
      r = await me.get('/api/ledger/rounds/3?size=20&sort=name');
      assert.equal(r.status, 200, r.text);
      assert.ok(r.data.entities.items.length > 0, r.text);
      pages.add(JSON.stringify(r.data.entities.items));
      ups.add(r.headers.get('x-upstream'));
    }
    assert.equal(pages.size, 1, 'both servers give the same page');
    assert.equal(ups.size, 2, 'the list was served by both servers');
    // a write, then an export that carries it (audited), through the balancer
    r = await me.post('/api/users', { username: 'cl_core_new', name: '集群核心', role: 'member', id_number: '350206198512124564' });
    assert.equal(r.status, 201, r.text);
    const x = await fetch(lb.base + '/api/ledger/rounds/3/export.xlsx', { headers: { cookie: me.cookieHeader() } });
    assert.equal(x.status, 200);
    assert.equal(Buffer.from(await x.arrayBuffer()).subarray(0, 2).toString(), 'PK', 'an xlsx (a zip)');
    // an upload through A, a download through B: the whole file, though B's folder never had it
    const video = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), randomBytes(2.5 * 1024 * 1024)]);
    const onA = new Client(a.base), onB = new Client(b.base);
    onA.cookies = { ...me.cookies };
    onB.cookies = { ...me.cookies };
    r = await onA.post('/api/courses', { kind: 'video', title: '集群党课视频', category: '党课', minutes: 10, audience: 'all' });
    assert.equal(r.status, 201, r.text);
    const id = r.data.id;
    const fd = new FormData();
    fd.append('file', new Blob([video]), '党课.mp4');
    fd.append('duration_sec', '75');
    r = await onA.req('POST', `/api/courses/${id}/file`, { body: fd });
    assert.equal(r.status, 200, r.text);
    const sha = r.data.file_sha || sql(db.url, `SELECT file_sha FROM course WHERE id = ${id}`)[0][0];
    assert.ok(existsSync(path.join(dir, 'files-a', sha.slice(0, 2), sha)), 'A keeps its copy');
    assert.ok(!existsSync(path.join(dir, 'files-b', sha.slice(0, 2), sha)), 'B has none yet');
    const got = await fetch(b.base + `/api/courses/${id}/file`, { headers: { cookie: me.cookieHeader() } });
    assert.equal(got.status, 200);
    assert.ok(Buffer.from(await got.arrayBuffer()).equals(video), 'B serves the very bytes uploaded through A');
    const part = await fetch(b.base + `/api/courses/${id}/file`, { headers: { cookie: me.cookieHeader(), Range: 'bytes=100-1123' } });
    assert.equal(part.status, 206);
    assert.ok(Buffer.from(await part.arrayBuffer()).equals(video.subarray(100, 1124)));
    // a logout through the balancer ends the session on both servers
    assert.equal((await me.post('/api/auth/logout')).status, 204);
    assert.equal((await onA.get('/api/me')).status, 401);
    assert.equal((await onB.get('/api/me')).status, 401);
  } finally {
    await lb?.stop();
    await a.stop({ keepDb: true });
    await b.stop({ keepDb: true });
    rmSync(dir, { recursive: true, force: true });
  }
});

test('periodic work runs on one server, and on the other once that one is killed', PG_ONLY, async () => {
  // the points engine every second on both: a new activity row becomes a ledger line, the run one
  // audit row of the system naming the server that ran it (its address, base/lease.h)
  const a = await startServer({ db, args: ['--points-run-seconds', '1'] });
  const b = await startServer({ db, args: ['--points-run-seconds', '1'] });
  const name = (srv) => new RegExp(` 进程 ${srv.child.pid}$`);
  const [[person, org]] = sql(db.url, "SELECT m.person_id, m.org_id FROM member m WHERE m.state = '正常' ORDER BY m.person_id LIMIT 1");
  const [[day]] = sql(db.url, 'SELECT MAX(day) FROM activity');
  const runs = () => sql(db.url, "SELECT address FROM audit WHERE action = 'points.run' AND username = 'system' ORDER BY seq").map(([x]) => x);
  const holder = () => sql(db.url, "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid " +
    "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 1701538145 AND l.objid::bigint = (hashtext('points')::bigint & 4294967295) " +
    'AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())').map(([x]) => x);
  let ref = 777000;
  const activity = async () => {
    const r = `offline:${++ref}`;
    sql(db.url, `INSERT INTO activity(person_id, org_id, kind, at, day, ref, value) VALUES (${person}, ${org}, 'study.offline', 0, '${day}', '${r}', 2)`);
    await until(`the timer to count ${r}`, () => Number(sql(db.url, `SELECT COUNT(*) FROM points_line WHERE ref = '${r}'`)[0][0]) === 1);
  };
  let leader = null, other = null;
  try {
    // both servers tick every second; four rows, each counted by the leader alone
    for (let i = 0; i < 4; i++) await activity();
    const seen = new Set(runs());
    assert.equal(seen.size, 1, `runs by more than one server: ${[...seen].join(', ')}`);
    const [who] = seen;
    [leader, other] = name(a).test(who) ? [a, b] : [b, a];
    assert.match(who, name(leader));
    // the lock's session names the same server
    const h = holder();
    assert.equal(h.length, 1, `one holder: ${h.join(', ')}`);
    assert.match(h[0], new RegExp(`^ejia lease ${leader.child.pid} `));
    // the leader dies without a word; the other takes over on a tick of its own
    const before = runs().length;
    leader.child.kill('SIGKILL');
    await until('the lease to move', () => { const x = holder(); return x.length === 1 && x[0].startsWith(`ejia lease ${other.child.pid} `); });
    await activity();
    const after = runs().slice(before);
    assert.ok(after.length >= 1);
    for (const x of after) assert.match(x, name(other));
  } finally {
    await a.stop({ keepDb: true });
    await b.stop({ keepDb: true });
  }
});
