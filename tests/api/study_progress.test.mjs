// study_progress — the study-hours figures (学时完成情况) over HTTP, on the demo city's credits:
// every figure checked against the credits it must come from (counted here in SQL from
// study_credit, with the rule of who is a secretary or committee member), the members behind
// each figure, the ranking, the scopes, the workbooks, the scorecard's study section, the
// member's own hours with every credit behind them, and a member moving organization taking
// their hours along.  SQLite and PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, backend, addUser, loginAs } from './lib.mjs';

let srv, year, orgA, orgB, distA;
const U = {};
const USERS = [['sp_city', 'city'], ['sp_siming', 'district', '350203'], ['sp_huli', 'district', '350206'],
  ['sp_sec', 'secretary', 'A'], ['sp_m', 'member']];

function sql(q) {
  const r = backend === 'sqlite'
    ? spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', srv.db.url, q], { encoding: 'utf8' })
    : spawnSync('psql', [srv.db.url, '-qAtc', q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}
const one = (q) => Number(sql(q)[0][0]);

// the figures counted from the credits, independently of the kept sums: members that count
// (正常, 流动, 失联) under cond (over member m), who reached 32 学时 (56 for a secretary or
// committee member of their organization, or a post naming 书记 / 委员), their minutes
const LEAD = `(COALESCE(o.secretary, '') = m.name OR COALESCE(o.committee, '') LIKE '%"' || m.name || '"%' OR COALESCE(p.post, '') LIKE '%书记%' OR COALESCE(p.post, '') LIKE '%委员%')`;
function expected(cond) {
  const from = `FROM member m JOIN org o ON o.id = m.org_id JOIN person p ON p.id = m.person_id
    LEFT JOIN (SELECT person_id, SUM(minutes) AS s FROM study_credit WHERE year = ${year} GROUP BY person_id) k ON k.person_id = m.person_id
    WHERE m.state IN ('正常', '流动', '失联') AND ${cond}`;
  const [[members, reached, minutes]] = sql(`SELECT COUNT(*), COALESCE(SUM(CASE WHEN COALESCE(k.s, 0) >= CASE WHEN ${LEAD} THEN 3360 ELSE 1920 END THEN 1 ELSE 0 END), 0), COALESCE(SUM(k.s), 0) ${from}`);
  return { members: Number(members), reached: Number(reached), minutes: Number(minutes) };
}

before(async () => {
  srv = await startServer({ demo: true });
  const branches = sql(`SELECT o.id, o.district_code FROM org o WHERE o.kind = '党支部' AND o.dissolved_on IS NULL
    AND (SELECT COUNT(*) FROM member m WHERE m.org_id = o.id AND m.state = '正常') >= 3
    AND EXISTS (SELECT 1 FROM study_credit c JOIN member m ON m.person_id = c.person_id WHERE m.org_id = o.id) ORDER BY o.id`);
  const a = branches.find(([, d]) => d === '350203');
  orgA = Number(a[0]); distA = a[1];
  orgB = Number(branches.find(([, d]) => d === '350206')[0]);
  const scope = { A: orgA };
  for (const [u, role, s] of USERS) addUser(srv.db.url, u, role, s in scope ? String(scope[s]) : s);
  for (const [u] of USERS) U[u] = await loginAs(srv.base, u);
  year = one('SELECT MAX(year) FROM study_credit');
});

after(async () => { if (srv) await srv.stop(); });

test('the city\'s figures are those counted from the credits; the districts add up to it, ranked by share, each drilling to its members', async () => {
  let r = await U.sp_city.get(`/api/study/progress?year=${year}&size=200`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.unit, 'city');
  const want = expected('1 = 1');
  assert.equal(r.data.members, want.members);
  assert.equal(r.data.reached, want.reached);
  assert.equal(r.data.minutes, want.minutes);
  assert.ok(r.data.reached > 0 && r.data.reached < r.data.members, 'some reached, some not');
  assert.equal(r.data.not_reached, want.members - want.reached);
  assert.equal(r.data.share_bp, Math.floor(want.reached * 10000 / want.members));
  assert.equal(r.data.required_minutes, 32 * 60);
  assert.equal(r.data.required_lead_minutes, 56 * 60);
  // by category: the credits' categories of counted members
  const cats = sql(`SELECT c.category, SUM(c.minutes) FROM study_credit c JOIN member m ON m.person_id = c.person_id
    WHERE c.year = ${year} AND m.state IN ('正常', '流动', '失联') GROUP BY c.category`);
  assert.equal(r.data.by_category.length, cats.length);
  for (const [c, min] of cats) assert.equal(r.data.by_category.find((x) => x.category === c).minutes, Number(min));
  // the districts: rows add up to the city, best share first, ties share a rank
  assert.equal(r.data.rows_by, 'district');
  assert.equal(r.data.items.reduce((t, x) => t + x.members, 0), want.members);
  assert.equal(r.data.items.reduce((t, x) => t + x.reached, 0), want.reached);
  for (let i = 1; i < r.data.items.length; i++) {
    const [p, q] = [r.data.items[i - 1], r.data.items[i]];
    assert.ok(p.share_bp >= q.share_bp);
    assert.equal(q.rank, p.share_bp === q.share_bp ? p.rank : i + 1);
  }
  for (const row of r.data.items) {
    const w = expected(`m.district_code = '${row.code}'`);
    assert.equal(row.members, w.members, row.name);
    assert.equal(row.reached, w.reached, row.name);
    // the drill: the members who have not reached it
    const d = await U.sp_city.get(`${row.drill}&size=5&sort=-minutes`);
    assert.equal(d.status, 200, d.text);
    assert.equal(d.data.total, row.not_reached);
    for (const m of d.data.items) {
      assert.equal(m.reached, false);
      assert.ok(m.minutes < m.required_minutes);
      assert.equal(m.left_minutes, m.required_minutes - m.minutes);
    }
  }
  // the city's not-reached list
  r = await U.sp_city.get(`${r.data.drill}&size=3`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.total, want.members - want.reached);
});

test('a district sees its own, ranked by organization; a branch its members ranked by hours; outside the scope is refused', async () => {
  let r = await U.sp_siming.get(`/api/study/progress?year=${year}&size=500`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.unit, 'district');
  assert.equal(r.data.code, '350203');
  const w = expected("m.district_code = '350203'");
  assert.equal(r.data.members, w.members);
  assert.equal(r.data.reached, w.reached);
  assert.equal(r.data.rows_by, 'org');
  assert.equal(r.data.items.reduce((t, x) => t + x.reached, 0), w.reached);
  const rowA = r.data.items.find((x) => x.id === orgA);
  assert.ok(rowA);
  const wa = expected(`m.org_id = ${orgA}`);
  assert.equal(rowA.members, wa.members);
  assert.equal(rowA.reached, wa.reached);
  // the branch's members, most hours first
  const d = await U.sp_siming.get(`/api/study/progress/members?org_id=${orgA}&year=${year}&sort=-minutes&size=100`);
  assert.equal(d.status, 200, d.text);
  assert.equal(d.data.total, wa.members);
  for (let i = 1; i < d.data.items.length; i++) assert.ok(d.data.items[i - 1].minutes >= d.data.items[i].minutes);
  assert.equal(d.data.items.filter((x) => x.reached).length, wa.reached);
  // refused: another district, another district's branch, the whole city
  assert.equal((await U.sp_siming.get(`/api/study/progress?district=350206&year=${year}`)).status, 403);
  assert.equal((await U.sp_siming.get(`/api/study/progress/members?org_id=${orgB}&year=${year}`)).status, 403);
  r = await U.sp_siming.get(`/api/study/progress?city=1&year=${year}`);
  assert.equal(r.status, 403);
  assert.match(r.data.error.message, /全市/);
  // a member has no access to the office's figures
  assert.equal((await U.sp_m.get(`/api/study/progress?year=${year}`)).status, 403);
  // refusals in Chinese, naming the field
  r = await U.sp_siming.get(`/api/study/progress?year=${year}&by=district`);
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'by');
  r = await U.sp_siming.get(`/api/study/progress/members?year=${year}&own=1`);
  assert.equal(r.data.error.field, 'own');
});

test('the secretary\'s own organization by default; the workbooks; the scorecard shows its study figure', async () => {
  let r = await U.sp_sec.get(`/api/study/progress?year=${year}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.unit, 'org');
  assert.equal(r.data.org_id, orgA);
  const wa = expected(`m.org_id IN (SELECT x.id FROM org x WHERE x.path LIKE '%/${orgA}/%')`);
  assert.equal(r.data.members, wa.members);
  assert.equal(r.data.reached, wa.reached);
  r = await U.sp_sec.get(`/api/study/progress?year=${year}&format=xlsx`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  r = await U.sp_sec.get(`/api/study/progress/members?year=${year}&reached=0&format=xlsx`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  assert.ok(one("SELECT COUNT(*) FROM audit WHERE username = 'sp_sec' AND action LIKE '%export%'") >= 2);
  r = await U.sp_sec.get(`/api/orgs/${orgA}/scorecard?period=${year}`);
  assert.equal(r.status, 200, r.text);
  const st = r.data.sections.study;
  assert.ok(st, 'a study section');
  assert.equal(st.members, wa.members);
  assert.equal(st.reached, wa.reached);
  assert.match(st.drill, /reached=0/);
});

test('my hours: what is left, by category, and every credit behind the total with its source', async () => {
  const r = await U.sp_m.get(`/api/me/study/progress?year=${year}`);
  // sp_m has no member record: told so in Chinese
  assert.equal(r.status, 404);
  assert.match(r.data.error.message, /党员档案/);
  // sp_m becomes the account of a member of orgA who has credits
  const [[pid]] = sql(`SELECT m.person_id FROM member m JOIN person p ON p.id = m.person_id WHERE m.org_id = ${orgA}
    AND p.user_id IS NULL AND EXISTS (SELECT 1 FROM study_credit c WHERE c.person_id = m.person_id AND c.year = ${year}) ORDER BY m.person_id LIMIT 1`);
  sql(`UPDATE person SET user_id = (SELECT id FROM users WHERE username = 'sp_m') WHERE id = ${pid}`);
  const m = await U.sp_m.get(`/api/me/study/progress?year=${year}`);
  assert.equal(m.status, 200, m.text);
  const total = one(`SELECT COALESCE(SUM(minutes), 0) FROM study_credit WHERE person_id = ${pid} AND year = ${year}`);
  assert.equal(m.data.minutes, total);
  assert.ok(total > 0);
  assert.equal(m.data.left_minutes, Math.max(0, m.data.required_minutes - total));
  assert.equal(m.data.credits.reduce((t, c) => t + c.minutes, 0), total);
  assert.equal(m.data.by_category.reduce((t, c) => t + c.minutes, 0), total);
  for (const c of m.data.credits) {
    assert.ok(['online', 'offline', 'exam', 'training'].includes(c.source));
    assert.ok(c.source_id >= 0 && c.source_label && c.day.startsWith(String(year)));
  }
});

test('a member moving organization takes their hours along: both branches agree with the credits', async () => {
  const [[pid]] = sql(`SELECT m.person_id FROM member m JOIN study_year y ON y.person_id = m.person_id AND y.year = ${year}
    WHERE m.org_id = ${orgA} AND m.state = '正常' AND y.reached = 1 ORDER BY m.person_id LIMIT 1`);
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);   // China's day (the server's clock)
  const before = [expected(`m.org_id = ${orgA}`), expected(`m.org_id = ${orgB}`)];
  let r = await U.sp_city.post(`/api/members/${pid}/changes`, { day: today, org_id: orgB, note: '调动' });
  assert.equal(r.status, 200, r.text);
  const after = [expected(`m.org_id = ${orgA}`), expected(`m.org_id = ${orgB}`)];
  assert.equal(after[0].reached, before[0].reached - 1);
  assert.equal(after[1].reached, before[1].reached + 1);
  for (const [org, w] of [[orgA, after[0]], [orgB, after[1]]]) {
    r = await U.sp_city.get(`/api/study/progress?org_id=${org}&year=${year}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.data.members, w.members);
    assert.equal(r.data.reached, w.reached);
    assert.equal(r.data.minutes, w.minutes);
  }
});
