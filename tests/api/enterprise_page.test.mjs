// enterprise_page — 本企业 (issue 19): GET /api/enterprises/{id}/page gives the investor's page in one
// answer: the enterprise, the organizations covering it today with their points this year and star
// level, its coverage today, its content pre-review figures (the offices' figures, its own row) and
// whether the caller may apply to join the party from the page.  The investor reaches their own
// enterprise only; the offices those in their scope; roles without enterprise.read nothing (the
// access test walks every role in and out of scope).  SQLite and PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, backend, addUser, loginAs } from './lib.mjs';

let srv;
const U = {};
let inv, other;
const TODAY = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);

function sql(q) {
  const r = backend === 'sqlite'
    ? spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', srv.db.url, q], { encoding: 'utf8' })
    : spawnSync('psql', [srv.db.url, '-qAtc', q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}

before(async () => {
  srv = await startServer({ demo: true });
  inv = sql("SELECT scope_code FROM users WHERE username = 'investor'")[0][0];
  const [[d]] = sql(`SELECT district_code FROM enterprise WHERE id = ${Number(inv)}`);
  other = sql(`SELECT id FROM enterprise WHERE id <> ${Number(inv)} AND district_code <> '${d}' ORDER BY id LIMIT 1`)[0][0];
  for (const [u, role, s] of [['ep_inv', 'investor', inv], ['ep_inv2', 'investor', other], ['ep_city', 'city'], ['ep_in', 'district', d],
    ['ep_out', 'district', d === '350206' ? '350203' : '350206'], ['ep_member', 'member']])
    addUser(srv.db.url, u, role, s);
  for (const u of ['ep_inv', 'ep_inv2', 'ep_city', 'ep_in', 'ep_out', 'ep_member']) U[u] = await loginAs(srv.base, u);
});
after(async () => { await srv?.stop(); });

test('the investor sees their enterprise, its organizations with points and stars, coverage, review figures, the way to apply', async () => {
  const r = await U.ep_inv.get(`/api/enterprises/${inv}/page`);
  assert.equal(r.status, 200, r.text);
  const p = r.data;
  assert.equal(p.enterprise.id, Number(inv));
  assert.equal(p.as_of, TODAY);
  // the organizations covering it today, the same the register knows
  const want = sql(`SELECT org_id FROM org_cover WHERE enterprise_id = ${Number(inv)} AND from_day <= '${TODAY}' AND (to_day IS NULL OR to_day > '${TODAY}') ORDER BY org_id`).map(([x]) => Number(x));
  assert.ok(want.length > 0, 'the demo investor has a covering organization');
  assert.deepEqual(p.orgs.map((o) => o.org_id).sort((a, b) => a - b), want);
  assert.equal(p.coverage.covered, true);
  assert.equal(p.coverage.work, true);
  for (const o of p.orgs) {
    // points this year: the organization's lines and its members' (points_store_unit_total)
    const [[h]] = sql(`SELECT COALESCE(SUM(l.points), 0) FROM points_line l WHERE l.day >= '${TODAY.slice(0, 4)}-01-01' AND l.day <= '${TODAY}' AND `
      + `((l.subject = 'org' AND l.subject_id IN (SELECT x.id FROM org x WHERE x.path LIKE '%/${o.org_id}/%')) OR (l.subject = 'member' AND `
      + `l.subject_id IN (SELECT m.person_id FROM member m WHERE m.org_path LIKE '%/${o.org_id}/%')))`);
    assert.equal(o.points_hundredths, Number(h));
    assert.equal(o.points_from, `${TODAY.slice(0, 4)}-01-01`);
    assert.ok(Number.isInteger(o.star_level) && o.star_level >= 0 && o.star_level <= 5);
    assert.ok(o.org_name);
  }
  // the review figures: its own row of what the offices see, equal to the investor's own figures
  const f = await U.ep_inv.get('/api/review/figures?by=enterprise');
  assert.equal(f.status, 200, f.text);
  assert.equal(p.review.items, f.data.summary.items);
  assert.equal(p.review.open, f.data.summary.open);
  assert.equal(p.review.reject, f.data.summary.reject);
  const city = await U.ep_city.get(`/api/enterprises/${inv}/page`);
  assert.equal(city.status, 200, city.text);
  assert.deepEqual(city.data.review, p.review);   /* the office sees the same row */
  // applying to join the party is the investor's
  assert.deepEqual(p.apply, { allowed: true, path: '/develop/apply' });
  assert.equal(city.data.apply.allowed, false);
});

test('scope: the investor their own enterprise only; an office those in its scope; no enterprise.read, nothing', async () => {
  assert.equal((await U.ep_inv.get(`/api/enterprises/${other}/page`)).status, 403);
  assert.equal((await U.ep_inv2.get(`/api/enterprises/${other}/page`)).status, 200);
  assert.equal((await U.ep_in.get(`/api/enterprises/${inv}/page`)).status, 200);
  assert.equal((await U.ep_out.get(`/api/enterprises/${inv}/page`)).status, 403);
  assert.equal((await U.ep_member.get(`/api/enterprises/${inv}/page`)).status, 403);
  const none = await U.ep_city.get('/api/enterprises/987654321/page');
  assert.ok([403, 404].includes(none.status), none.text);
});
