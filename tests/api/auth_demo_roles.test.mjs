// auth_demo_roles — the demo's accounts tell one story (issue 21 item 12): the
// secretary leads a branch of their own (not the city's whole committee), is
// named like a person, and sees that branch's organizations and members only;
// the demo member is named like a person and belongs to that branch; the
// investor owns an enterprise it covers; every scope has a name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, Client, backend, replaceOneTimePassword } from './lib.mjs';

function sql(q) {
  const r = backend === 'sqlite'
    ? spawnSync('sqlite3', ['-cmd', '.timeout 20000', srv.db.url, q], { encoding: 'utf8' })
    : spawnSync('psql', [srv.db.url, '-qAtc', q], { encoding: 'utf8' });
  return (r.stdout || '').trim();
}

let srv;
const pw = {};
const as = async (u) => {
  const c = new Client(srv.base);
  const r = await c.post('/api/auth/login', { username: u, password: pw[u] });
  assert.equal(r.status, 200, `${u}: ${r.text}`);
  return c;
};

before(async () => {
  srv = await startServer({
    demo: true,
    onDemo: (out) => { for (const m of out.matchAll(/^\s+(\w+)\s+(\S+)\s+(\S+)\s+\S/gm)) pw[m[2]] = m[3]; },
  });
  for (const u of ['city', 'secretary', 'member', 'investor']) pw[u] = await replaceOneTimePassword(srv.base, u, pw[u]);
});
after(async () => { await srv?.stop(); });

test('the demo secretary leads one branch; the member and the investor belong to it', async () => {
  const city = await as('city');
  const all = (await city.get('/api/orgs?size=1')).data.total;
  const sec = await as('secretary');
  const me = (await sec.get('/api/me')).data.user;
  assert.equal(me.scope.kind, 'org');
  assert.doesNotMatch(me.name, /支部书记|^党员/, `named like a person: ${me.name}`);
  assert.match(me.name, /^[\u4e00-\u9fff]{2,4}$/);
  const branch = (await city.get(`/api/orgs/${me.scope.code}`)).data;
  assert.equal(branch.org.kind, '党支部');
  assert.equal(me.scope.name, branch.org.name);
  const seen = (await sec.get('/api/orgs?size=1')).data.total;
  assert.ok(seen >= 1 && seen < 5 && seen < all, `the secretary sees their branch (${seen}), not all ${all} organizations`);
  const members = (await sec.get('/api/members?size=1')).data.total;
  assert.ok(members >= 3, `the branch has members to work with (${members})`);

  const mem = (await (await as('member')).get('/api/me')).data.user;
  assert.equal(mem.name, '林晓');
  assert.equal(mem.scope.name, '林晓');
  const mine = (await (await as('member')).get('/api/me/member')).data.member;
  assert.equal(String(mine.org_id), String(me.scope.code), 'the member is in the secretary\'s branch');

  const inv = (await (await as('investor')).get('/api/me')).data.user;
  assert.equal(inv.scope.kind, 'enterprise');
  assert.ok(inv.scope.name && !/^\d+$/.test(inv.scope.name), `the enterprise by name: ${inv.scope.name}`);
  const covered = sql(`SELECT COUNT(*) FROM org_cover WHERE org_id = ${Number(me.scope.code)} AND enterprise_id = ${Number(inv.scope.code)} AND to_day IS NULL`);
  assert.equal(covered, '1', 'the branch covers the investor\'s enterprise');
});
