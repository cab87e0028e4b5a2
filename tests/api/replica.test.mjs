// replica — `ejia serve --db-read` (issue 20): lists, statistics and reports from a streaming
// replica, the writer's own reads from the primary until the replica has replayed its write, and
// the primary when the replica is gone.  Its own pair of clusters (scripts/pg-test-cluster start,
// then replica: pg_basebackup -R), both stopped at the end; a small demo city is made in the
// primary.  Which database answered is in the reply's X-Ejia-Db header
// (sent only when --db-read is set).  PostgreSQL only: SQLite has no replica.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addUser, backend, ejia, loginAs, startServer } from './lib.mjs';

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}
const psql = (url, sql) => sh('psql', [url, '-qAtc', sql]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Ask again until ok(reply) holds (the replica catches up in its own time), bounded.
async function until(what, ask, ok) {
  let r;
  for (let i = 0; i < 600; i++) {
    r = await ask();
    if (ok(r)) return r;
    await sleep(100);
  }
  throw new Error(`${what}: not within 60 s; last reply ${r.status} ${r.headers.get('x-ejia-db')} ${r.text.slice(0, 300)}`);
}

test('a report from the replica, the writer\'s next page from the primary, the primary when the replica stops', { skip: backend !== 'postgresql' && 'a read replica is a PostgreSQL streaming replica; SQLite has none' }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ejia-replica-'));
  chmodSync(dir, 0o755);   // the clusters run as postgres when the tests run as root
  const pdir = path.join(dir, 'primary'), rdir = path.join(dir, 'replica');
  let srv = null;
  try {
    const P = sh('scripts/pg-test-cluster', ['start', pdir]);
    psql(`${P}/postgres`, "CREATE DATABASE ejia TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'");
    // a small demo city straight into the primary (the pass's cached demo lives in another cluster)
    const d = ejia(['demo', '--db', `${P}/ejia`, '--enterprises', '40', '--bulletins', 'no', '--log-level', 'warn']);
    assert.equal(d.status, 0, d.stderr);
    addUser(`${P}/ejia`, 'rp_reader', 'city');
    addUser(`${P}/ejia`, 'rp_writer', 'city');
    const R = sh('scripts/pg-test-cluster', ['replica', pdir, rdir]);
    srv = await startServer({ db: { url: `${P}/ejia`, cleanup() {} }, args: ['--db-read', `${R}/ejia`, '--db-read-retry', '1'] });

    // `ejia doctor` sees the replica and how far behind it is
    const doc = ejia(['doctor', '--db', `${P}/ejia`, '--db-read', `${R}/ejia`, '--json']);
    const lag = JSON.parse(doc.stdout).find((f) => f.item === '读副本延迟');
    assert.ok(lag && /落后 \d+ 字节/.test(lag.value), doc.stdout + doc.stderr);

    const reader = await loginAs(srv.base, 'rp_reader');
    const writer = await loginAs(srv.base, 'rp_writer');
    // a report served by the replica (once it has replayed the logins, which wrote)
    const cov = await until('coverage from the replica', () => reader.get('/api/coverage?by=district'),
      (r) => r.status === 200 && r.headers.get('x-ejia-db') === 'replica');
    assert.ok(cov.data.rows.length > 0, cov.text);
    // a route not declared a replica read, and an export (audited: a write), read the primary
    let r = await reader.get('/api/me');
    assert.equal(r.headers.get('x-ejia-db'), 'primary');
    r = await reader.get('/api/orgs?format=xlsx');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-ejia-db'), 'primary');

    // the replica stops replaying: the writer's write is on its next page all the same
    await until('writer on the replica', () => writer.get('/api/orgs?q=副本测试'), (x) => x.headers.get('x-ejia-db') === 'replica');
    await until('reader on the replica', () => reader.get('/api/orgs?q=副本测试'), (x) => x.headers.get('x-ejia-db') === 'replica');
    psql(`${R}/postgres`, 'SELECT pg_wal_replay_pause()');
    const free = await writer.get('/api/coverage/enterprises?state=uncovered&size=50');
    assert.equal(free.status, 200, free.text);
    const ent = free.data.items.find((x) => x.members === 0 && !x.instructor) || free.data.items[0];
    assert.ok(ent, 'an uncovered enterprise in the demo');
    r = await writer.post('/api/orgs', { name: '中共副本测试公司支部', kind: '党支部', established_on: '2019-03-05', enterprise_ids: [ent.id], approved: true });
    assert.equal(r.status, 201, r.text);
    assert.match(writer.cookies.ejia_lsn || '', /^[0-9A-F]+\/[0-9A-F]+$/, 'the write left its WAL position');
    r = await writer.get('/api/orgs?q=副本测试');
    assert.equal(r.status, 200);
    assert.equal(r.data.total, 1, r.text);
    assert.equal(r.headers.get('x-ejia-db'), 'primary', 'the replica has not replayed the write: the writer reads the primary');
    // another user's report is the replica's, a moment old
    r = await reader.get('/api/orgs?q=副本测试');
    assert.equal(r.headers.get('x-ejia-db'), 'replica');
    assert.equal(r.data.total, 0, 'replay is paused: the replica does not have the new organization yet');
    // replay resumes: both read the replica again, and see the write there
    psql(`${R}/postgres`, 'SELECT pg_wal_replay_resume()');
    r = await until('writer back on the replica', () => writer.get('/api/orgs?q=副本测试'), (x) => x.headers.get('x-ejia-db') === 'replica');
    assert.equal(r.data.total, 1, r.text);
    r = await reader.get('/api/orgs?q=副本测试');
    assert.equal(r.data.total, 1, r.text);

    // the replica stops: every read is answered, from the primary
    sh('scripts/pg-test-cluster', ['stop', rdir]);
    for (let i = 0; i < 5; i++) {
      r = await reader.get('/api/coverage?by=district');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('x-ejia-db'), 'primary');
    }
    r = await writer.get('/api/orgs?q=副本测试');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.data.total, 1);
    assert.match(srv.stderr(), /read replica cannot serve/);
    const doc2 = ejia(['doctor', '--db', `${P}/ejia`, '--db-read', `${R}/ejia`, '--json']);
    const lag2 = JSON.parse(doc2.stdout).find((f) => f.item === '读副本延迟');
    assert.equal(lag2?.level, 'warn', doc2.stdout);
  } finally {
    await srv?.stop();
    sh('scripts/pg-test-cluster', ['stop', rdir]);
    sh('scripts/pg-test-cluster', ['stop', pdir]);
    rmSync(dir, { recursive: true, force: true });
  }
});
