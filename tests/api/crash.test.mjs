// crash — the server killed with SIGKILL at random moments while imports are
// being written: afterwards the database passes its integrity check, every
// import that was acknowledged (201) is there whole, and no import is there
// in part (security.md: "a crash at any instant leaves the old state or the new").
// SQLite only: that is where ejia itself owns durability.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, Client, ejia, freshDb, backend } from './lib.mjs';

const PW = 'Ejia-test-2026';

function ledger(i, rows) {
  let s = '企业名称,统一社会信用代码,所属区,从业人数\n';
  for (let r = 0; r < rows; r++) s += `厦门崩溃测试${i}号${r}网络科技有限公司,,思明区,${r % 50}\n`;
  return s;
}

function sql(db, q) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 20000', db, q], { encoding: 'utf8' });
  return r.stdout.trim();
}

test('SIGKILL during imports loses nothing acknowledged and leaves nothing half-written', { skip: backend !== 'sqlite' ? 'SQLite only' : false }, async () => {
  const db = freshDb();
  ejia(['migrate', '--db', db.url]);
  const r = ejia(['user', 'add', '--db', db.url, '--username', 'crash', '--role', 'city', '--password-stdin'], { input: PW + '\n' });
  assert.equal(r.status, 0, r.stderr);
  const acked = new Map();   // sha-free: file name → rows
  let n = 0;
  for (let round = 0; round < 8; round++) {
    const srv = await startServer({ db });
    const c = new Client(srv.base);
    assert.equal((await c.post('/api/auth/login', { username: 'crash', password: PW })).status, 200);
    const pending = [];
    for (let k = 0; k < 6; k++) {
      const name = `崩溃-${n++}.csv`;
      const rows = 200 + ((n * 37) % 800);
      const fd = new FormData();
      fd.append('file', new Blob([ledger(n, rows)]), name);
      pending.push(c.req('POST', '/api/ledger/imports', { body: fd }).then((res) => {
        if (res.status === 201) acked.set(name, rows);
      }).catch(() => {}));
    }
    // the first upload is let through (so that acknowledged writes exist to be checked),
    // the others are cut at a moment that varies from round to round
    await pending[0];
    await new Promise((res) => setTimeout(res, (round * 53) % 40));
    srv.child.kill('SIGKILL');
    await Promise.all(pending);
    // killed on purpose: stop() only waits for it and looks for a sanitizer report
    await srv.stop({ keepDb: true });
    assert.equal(sql(db.url, 'PRAGMA integrity_check'), 'ok');
    // every import present is whole: its stored rows equal its row count
    const bad = sql(db.url, 'SELECT COUNT(*) FROM ledger_import i WHERE rows <> (SELECT COUNT(*) FROM ledger_record r WHERE r.import_id = i.id)');
    assert.equal(bad, '0');
    for (const [name, rows] of acked) {
      assert.equal(sql(db.url, `SELECT rows FROM ledger_import WHERE source = '${name}'`), String(rows), `acknowledged ${name} kept`);
    }
  }
  assert.ok(acked.size > 0, 'some imports were acknowledged before a kill');
  // the server on what the kills left works and stops cleanly (exit 0; under
  // ASan: no leak, nothing undefined), checked like every other server
  const last = await startServer({ db });
  assert.equal((await new Client(last.base).post('/api/auth/login', { username: 'crash', password: PW })).status, 200);
  await last.stop();
});
