// cluster — several `ejia serve` on one PostgreSQL behind nginx (issue 20: Debian's nginx as the
// balancer, round robin, on loopback).  A session made on one server works on the other; a write
// through one is read at once through the other; requests through the balancer land on both; the
// audit trail written by both at once is still one unbroken chain (its head is a row both lock);
// the 旬 bulletins the two schedulers issue at start are issued once each.  SQLite is one file for
// one server, so this runs on PostgreSQL only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

test('two servers behind nginx share sessions, writes and one audit chain', { skip: backend !== 'postgresql' && 'several servers share one PostgreSQL; a SQLite file has one server' }, async () => {
  const { db } = await demoDb();
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
    await a.stop({ keepDb: true });   // the database goes with the last server
    await b.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
