// like — a search text means itself: '%', '_' and '\' in q are not LIKE wildcards (src/db/db_like.h).
// Every list with a "contains" search, as the city on the demo city: the list without q has rows;
// with q = '%', '_' or '\' (no demo name holds one) it has none — before the escape, '%' and '_'
// matched every row.  SQLite and PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, addUser, loginAs } from './lib.mjs';

let srv, city;
before(async () => {
  srv = await startServer({ demo: true });
  addUser(srv.db.url, 'likecity', 'city');
  city = await loginAs(srv.base, 'likecity');
});
after(async () => { await srv?.stop(); });

const LISTS = ['/api/alliances', '/api/users', '/api/centers', '/api/org/terms?status=all', '/api/develop/applicants',
  '/api/flows', '/api/ledger/imports', '/api/liaison/links', '/api/liaison/overdue', '/api/members', '/api/notices',
  '/api/courses', '/api/training/batches', '/api/transfers', '/api/volunteer/teams', '/api/flows/orgs?q=党',
  '/api/transfers/targets?q=党', '/api/training/candidates?q=陈', '/api/coverage/enterprises', '/api/register/enterprises', '/api/orgs'];

const rows = (d) => (Array.isArray(d) ? d : d?.items ?? d?.rows ?? d?.orgs ?? d?.candidates ?? d?.members ?? []);
const withQ = (p, q) => {
  const u = new URL(p, 'http://x');
  u.searchParams.set('q', q);
  return u.pathname + u.search;
};

test("q = '%', '_' or '\\' finds no row in any searched list", async () => {
  let checked = 0;
  for (const p of LISTS) {
    const all = await city.get(p);
    assert.equal(all.status, 200, `${p}: ${all.text}`);
    if (!rows(all.data).length) continue;
    checked++;
    for (const q of ['%', '_', '\\', '%%', '__']) {
      const r = await city.get(withQ(p, q));
      assert.equal(r.status, 200, `${p} q=${q}: ${r.text}`);
      assert.equal(rows(r.data).length, 0, `${p} q=${q} found ${rows(r.data).length} rows: the wildcard was not escaped`);
    }
  }
  assert.ok(checked >= 10, `only ${checked} lists had rows in the demo`);
});

test('a real part of a name still finds it', async () => {
  const all = await city.get('/api/members?limit=1');
  assert.equal(all.status, 200, all.text);
  const name = rows(all.data)[0].name;
  const r = await city.get(withQ('/api/members', name.slice(0, 1)));
  assert.equal(r.status, 200, r.text);
  assert.ok(rows(r.data).some((m) => m.name === name), `searching ${name.slice(0, 1)} did not find ${name}`);
});
