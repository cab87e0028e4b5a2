// pool — requests do not hold a pooled database connection while they wait
// on the network.  A worker thread that waits for a connection reads no body
// and sends no reply of its other requests; if those held the connections, the
// server stood still until body-timeout (found when the API suite first ran
// its files side by side: crash.test's six uploads at once on two threads).
// Here one worker thread and a pool of two, more uploads in flight than that,
// each sending its body slowly: the server keeps answering, and every upload
// is imported once its body is complete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, addUser, loginAs } from './lib.mjs';

// Wait until cond() holds; fail after ms.
async function until(cond, ms, what) {
  const t = Date.now();
  while (!(await cond())) {
    if (Date.now() - t > ms) throw new Error(`after ${ms} ms still waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Does the server answer /healthz (it asks the database) within a second?
async function answers(base) {
  try { return (await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) })).status === 200; } catch { return false; }
}

// An upload on a raw connection: headers and the first part of the body now,
// the rest when finish() is called.  Resolves reply() with the status line.
function slowUpload(port, cookie, name) {
  const b = 'PoOlBoUnDaRy';
  const csv = `企业名称,统一社会信用代码,所属区,从业人数\n${name}网络科技有限公司,,思明区,5\n`;
  const body = `--${b}\r\nContent-Disposition: form-data; name="file"; filename="${name}.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${b}--\r\n`;
  const bytes = Buffer.from(body);
  const s = net.connect(port, '127.0.0.1');
  let data = '';
  s.setEncoding('utf8');
  s.on('data', (d) => { data += d; });
  s.on('error', () => {});
  const cut = 40;   // inside the file part: the request has begun, its body is not complete
  s.write(`POST /api/ledger/imports HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\nCookie: ${cookie}\r\n` +
    `Content-Type: multipart/form-data; boundary=${b}\r\nContent-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`);
  s.write(bytes.subarray(0, cut));
  return {
    finish() { s.write(bytes.subarray(cut)); },
    status() { const m = data.match(/^HTTP\/1\.1 (\d+)/); return m ? Number(m[1]) : null; },
    close() { s.destroy(); },
  };
}

test('uploads in flight hold no database connection: one thread, a pool of two, four slow uploads, the server keeps answering', async () => {
  const srv = await startServer({ args: ['--threads', '1', '--db-pool', '2', '--body-timeout', '600'] });
  const ups = [];
  try {
    addUser(srv.db.url, 'pool_city', 'city');
    const c = await loginAs(srv.base, 'pool_city');
    const cookie = c.cookieHeader();
    for (let i = 0; i < 4; i++) {
      ups.push(slowUpload(srv.port, cookie, `连接池测试${i}`));
      // each begun (its caller checked) before the next: a request the server has answered shows it is not stuck
      await until(() => answers(srv.base), 20000, `an answer with ${i + 1} upload(s) in flight`);
    }
    assert.equal((await c.get('/api/ledger/imports')).status, 200, 'a request that needs the database is answered meanwhile');
    for (const u of ups) u.finish();
    await until(() => ups.every((u) => u.status() !== null), 30000, 'a reply to every upload');
    assert.deepEqual(ups.map((u) => u.status()), [201, 201, 201, 201]);
  } finally {
    for (const u of ups) u.close();
    await srv.stop();
  }
});
