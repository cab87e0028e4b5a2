// points_sched — the server runs the points engine by itself every
// points-run-seconds (issue 18): a row written to the activity log becomes a
// ledger line without anyone asking, the run is audited as the system's, and
// the ledger still equals a recompute.  The other test servers turn the timer
// off (tests/api/lib.mjs); this one sets it to one second and waits for the
// line (a condition, not a time).  SQLite and PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, backend, addUser, loginAs } from './lib.mjs';

let srv, city, person, org;

function sql(q) {
  const r = backend === 'sqlite'
    ? spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', srv.db.url, q], { encoding: 'utf8' })
    : spawnSync('psql', [srv.db.url, '-qAtc', q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}

async function until(what, fn, limitMs = 300000) {
  const end = Date.now() + limitMs;
  for (;;) {
    if (fn()) return;
    if (Date.now() > end) throw new Error(`waited ${limitMs / 1000} s for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

before(async () => {
  srv = await startServer({ demo: true, args: ['--points-run-seconds', '1'] });
  addUser(srv.db.url, 'ps_city', 'city');
  city = await loginAs(srv.base, 'ps_city');
  [[person, org]] = sql("SELECT m.person_id, m.org_id FROM member m WHERE m.state = '正常' ORDER BY m.person_id LIMIT 1");
});

after(async () => { await srv?.stop(); });

test('a new activity row becomes a ledger line by the timer alone, audited as the system', async () => {
  const runs = () => Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'points.run' AND username = 'system'")[0][0]);
  const [[day]] = sql('SELECT MAX(day) FROM activity');
  sql(`INSERT INTO activity(person_id, org_id, kind, at, day, ref, value) VALUES (${person}, ${org}, 'study.offline', 0, '${day}', 'offline:888888', 2)`);
  await until('the timer to count the new row', () => Number(sql("SELECT COUNT(*) FROM points_line WHERE ref = 'offline:888888'")[0][0]) === 1);
  await until('the run\'s audit row', () => runs() >= 1);
  const r = await city.get('/api/points/verify');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.data, { equal: true, missing: 0, extra: 0 });
});
