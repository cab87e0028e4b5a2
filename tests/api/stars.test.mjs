// stars — star ratings (星级评定) and benefits (权益), issue 18, over HTTP on
// the demo city: last year's rating published, this year's a draft; the figures
// behind each star; a district confirms its own organizations only, the city
// publishes once all are confirmed (each act one audit row; the wrong order
// refused in Chinese); a published year does not move; an organization sees
// its own published stars; the catalogue kept by the city, applications by a
// secretary for the branch and by a member for themself, the allocation by
// stars, points and time with each applicant's reason (the member sees their
// own only); the exports audited.  SQLite and PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, backend, addUser, loginAs } from './lib.mjs';
import { sheetRows } from './xlsx.mjs';

let srv, orgA, orgH, person;
const U = {};

function sql(q) {
  const r = backend === 'sqlite'
    ? spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', srv.db.url, q], { encoding: 'utf8' })
    : spawnSync('psql', [srv.db.url, '-qAtc', q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}
const audits = (action, object) => Number(sql(`SELECT COUNT(*) FROM audit WHERE action = '${action}'${object ? ` AND object = '${object}'` : ''}`)[0][0]);

before(async () => {
  srv = await startServer({ demo: true, args: ['--password-max-age-days', '0'] });
  // a rated branch of 思明区 with a member without an account, and one of 湖里区
  [[orgA]] = sql("SELECT r.org_id FROM star_row r JOIN star_rating a ON a.id = r.rating_id WHERE a.state = 'published' AND r.district_code = '350203' AND EXISTS (SELECT 1 FROM member m JOIN person p ON p.id = m.person_id WHERE m.org_id = r.org_id AND p.user_id IS NULL AND m.state = '正常') ORDER BY r.org_id LIMIT 1");
  [[orgH]] = sql("SELECT r.org_id FROM star_row r JOIN star_rating a ON a.id = r.rating_id WHERE a.state = 'published' AND r.district_code = '350206' ORDER BY r.org_id LIMIT 1");
  [[person]] = sql(`SELECT m.person_id FROM member m JOIN person p ON p.id = m.person_id WHERE m.org_id = ${orgA} AND p.user_id IS NULL AND m.state = '正常' ORDER BY m.person_id LIMIT 1`);
  addUser(srv.db.url, 'st_city', 'city');
  addUser(srv.db.url, 'st_siming', 'district', '350203');
  addUser(srv.db.url, 'st_huli', 'district', '350206');
  addUser(srv.db.url, 'st_sec', 'secretary', String(orgA));
  addUser(srv.db.url, 'st_member', 'member');
  sql(`UPDATE person SET user_id = (SELECT id FROM users WHERE username = 'st_member') WHERE id = ${person}`);
  for (const u of ['st_city', 'st_siming', 'st_huli', 'st_sec', 'st_member']) U[u] = await loginAs(srv.base, u);
});
after(async () => { await srv.stop(); });

test('the demo: last year published, this year a draft; the figures and the thresholds behind each star', async () => {
  const r = await U.st_city.get('/api/stars');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.items.length, 2);
  const [now, last] = r.data.items;
  assert.equal(Number(now.period), Number(last.period) + 1);
  assert.equal(now.state_name, '草稿');
  assert.equal(last.state_name, '已发布');
  assert.deepEqual(r.data.criteria.map((c) => c.key), ['points', 'life', 'coverage', 'develop', 'dues']);
  const a = (await U.st_city.get(`/api/stars/${last.id}`)).data;
  assert.equal(a.thresholds.length, 5);
  assert.ok(a.rows.length > 5, `rows: ${a.rows.length}`);
  for (const row of a.rows) {
    assert.ok(row.stars >= 0 && row.stars <= 5);
    if (!row.has_total) continue;
    // the stars are the thresholds' for the total, whatever the order (ties: equal totals, equal stars)
    const want = Math.max(1, ...a.thresholds.filter((t) => row.total >= t.min).map((t) => t.stars));
    assert.equal(row.stars, want, `${row.org_name}: ${row.total} → ${row.stars}`);
    const used = row.figures.reduce((s, f) => s + f.weight_used, 0);
    assert.ok(Math.abs(used - 100) < 0.05, `the weights used add up to 100 %: ${used}`);
    assert.equal(row.figures.find((f) => f.key === 'coverage').available, false);
  }
  // a member or a secretary sees only published years; the secretary's branch on its page
  const m = await U.st_member.get('/api/stars');
  assert.deepEqual(m.data.items.map((x) => x.id), [last.id]);
  assert.equal((await U.st_sec.get(`/api/stars/${now.id}`)).status, 403);
  const o = await U.st_sec.get(`/api/orgs/${orgA}/stars`);
  assert.equal(o.status, 200, o.text);
  assert.equal(o.data.period, last.period);
  assert.equal(o.data.level, a.rows.find((x) => x.org_id === Number(orgA)).stars);
  assert.equal(o.data.history[0].figures.length, 5);
  assert.equal((await U.st_sec.get(`/api/orgs/${orgH}/stars`)).status, 403);
});

test('review: each district confirms its own, the city publishes; a published year does not move', async () => {
  const now = (await U.st_city.get('/api/stars')).data.items[0];
  let r = await U.st_city.post('/api/stars', { period: `${now.period}-Q1` });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'period');
  assert.match(r.data.error.message, /star-period/);
  r = await U.st_city.post('/api/stars', { period: now.period });
  assert.equal(r.status, 409);
  assert.equal((await U.st_siming.post('/api/stars', { period: String(Number(now.period) - 5) })).status, 409);
  // an earlier year, opened by the city: a draft of every rated organization
  r = await U.st_city.post('/api/stars', { period: String(Number(now.period) - 2), note: '补评' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.state, 'draft');
  assert.equal(r.data.as_of, `${Number(now.period) - 2}-12-31`);
  assert.equal(audits('star.open', `star_rating:${r.data.id}`), 1);
  r = await U.st_city.post(`/api/stars/${now.id}/recompute`);
  assert.equal(r.status, 200, r.text);
  assert.equal(audits('star.recompute', `star_rating:${now.id}`), 1);
  // 思明区 sees and confirms its own organizations
  r = await U.st_siming.get(`/api/stars/${now.id}`);
  assert.equal(r.status, 200);
  assert.ok(r.data.rows.length > 0 && r.data.rows.every((x) => x.district_code === '350203'));
  r = await U.st_siming.post(`/api/stars/${now.id}/confirm`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.data.rows.every((x) => x.confirmed));
  assert.equal(audits('star.confirm', `star_rating:${now.id}`), 1);
  assert.equal((await U.st_siming.post(`/api/stars/${now.id}/confirm`)).status, 409);
  // not all confirmed: no publication; once confirmed, no recompute
  r = await U.st_city.post(`/api/stars/${now.id}/publish`);
  assert.equal(r.status, 409);
  assert.match(r.data.error.message, /全部审定确认后才能发布/);
  r = await U.st_city.post(`/api/stars/${now.id}/recompute`);
  assert.equal(r.status, 409);
  assert.equal((await U.st_siming.post(`/api/stars/${now.id}/publish`)).status, 409);
  r = await U.st_city.post(`/api/stars/${now.id}/confirm`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.state, 'confirmed');
  const before = sql(`SELECT org_id, stars, total, figures FROM star_row WHERE rating_id = ${now.id} ORDER BY org_id`);
  r = await U.st_city.post(`/api/stars/${now.id}/publish`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.state, 'published');
  assert.equal(audits('star.publish', `star_rating:${now.id}`), 1);
  // the data change (the organizations' points of the year are gone): the published year stays as it was
  sql(`DELETE FROM points_line WHERE subject = 'org' AND day >= '${now.period}-01-01'`);
  assert.equal((await U.st_city.post(`/api/stars/${now.id}/recompute`)).status, 409);
  assert.deepEqual(sql(`SELECT org_id, stars, total, figures FROM star_row WHERE rating_id = ${now.id} ORDER BY org_id`), before);
  // the organization's level is now this year's
  const o = await U.st_sec.get(`/api/orgs/${orgA}/stars`);
  assert.equal(o.data.period, now.period);
  assert.equal(o.data.history.length, 2);
  // the workbook, audited; 湖里区 gets its own rows only
  const exports = audits('list.export');
  const res = await fetch(`${srv.base}/api/stars/${now.id}/rows?format=xlsx`, { headers: { cookie: U.st_huli.cookieHeader() } });
  assert.equal(res.status, 200);
  const rows = sheetRows(Buffer.from(await res.arrayBuffer()));
  assert.equal(rows[0][0], '党组织');
  assert.ok(rows.slice(1).every((x) => x[1] === '350206'), JSON.stringify(rows.slice(0, 3)));
  assert.equal(audits('list.export'), exports + 1);
});

test('benefits: the catalogue, applications, the allocation with the reasons', async () => {
  let r = await U.st_member.get('/api/benefits');
  assert.equal(r.status, 200);
  assert.equal(r.data.items.length, 4);
  const venue = r.data.items.find((b) => b.kind === 'venue'), training = r.data.items.find((b) => b.kind === 'training');
  const apartment = r.data.items.find((b) => b.kind === 'apartment');
  assert.ok(venue.applications > 0);
  // the city adds and changes one; others may not
  r = await U.st_city.post('/api/benefits', { name: '红色教育基地参观名额', kind: 'other', quota: 2, period_kind: 'year', applicants: 'both' });
  assert.equal(r.status, 201, r.text);
  const nb = r.data.id;
  assert.equal(audits('benefit.add', `benefit:${nb}`), 1);
  r = await U.st_city.put(`/api/benefits/${nb}`, { name: '红色教育基地参观名额', kind: 'other', quota: 1, period_kind: 'year', applicants: 'both' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.quota, 1);
  r = await U.st_city.post('/api/benefits', { name: '无效', kind: 'car', quota: 1, period_kind: 'year', applicants: 'both' });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'kind');
  assert.equal((await U.st_siming.post('/api/benefits', { name: '区级', kind: 'other', quota: 1, period_kind: 'year', applicants: 'both' })).status, 403);
  // the secretary for the branch, the member for themself; the wrong applicant refused
  r = await U.st_sec.post(`/api/benefits/${nb}/applications`, { org_id: Number(orgA), note: '组织党员参观学习' });
  assert.equal(r.status, 201, r.text);
  const appOrg = r.data.id;
  assert.equal(audits('benefit.apply', `benefit_app:${appOrg}`), 1);
  assert.equal((await U.st_sec.post(`/api/benefits/${nb}/applications`, { org_id: Number(orgA) })).status, 409);
  assert.equal((await U.st_sec.post(`/api/benefits/${nb}/applications`, { org_id: Number(orgH) })).status, 403);
  r = await U.st_member.post(`/api/benefits/${nb}/applications`, {});
  assert.equal(r.status, 201, r.text);
  const appMe = r.data.id;
  r = await U.st_member.post(`/api/benefits/${venue.id}/applications`, {});
  assert.equal(r.status, 400);
  assert.match(r.data.error.message, /只接受党组织/);
  r = await U.st_member.post(`/api/benefits/${apartment.id}/applications`, { note: '申请人才公寓' });
  assert.equal(r.status, 201, r.text);
  // equal stars (the member counts with the branch's) and equal points: the earlier application first
  sql(`UPDATE benefit_app SET applied_at = 2000 WHERE id = ${appOrg}`);
  sql(`UPDATE benefit_app SET applied_at = 1000 WHERE id = ${appMe}`);
  sql(`DELETE FROM points_line WHERE subject = 'org' AND subject_id IN (SELECT o.id FROM org o WHERE o.path LIKE '%/${orgA}/%')`);
  sql(`DELETE FROM points_line WHERE subject = 'member' AND subject_id = ${person}`);
  assert.equal((await U.st_siming.post(`/api/benefits/${nb}/allocate`, {})).status, 403);
  r = await U.st_city.post(`/api/benefits/${nb}/allocate`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(audits('benefit.allocate', `benefit:${nb}`), 1);
  const me = r.data.rows.find((x) => x.id === appMe), org = r.data.rows.find((x) => x.id === appOrg);
  assert.equal(me.rank, 1);
  assert.equal(me.result, '在名额内');
  assert.equal(org.rank, 2);
  assert.equal(org.result, '未在名额内');
  assert.equal(me.stars, org.stars);
  assert.match(org.reason, /排第 2 名，名额 1 个，未在名额内/);
  assert.match(org.reason, /星级→积分→申请时间→申请编号/);
  // the member sees their own only, with the reason
  r = await U.st_member.get(`/api/benefits/${nb}/allocation`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.data.rows.map((x) => x.id), [appMe]);
  r = await U.st_member.get('/api/benefit-applications');
  assert.equal(r.status, 200);
  assert.ok(r.data.items.every((x) => x.applicant === 'member'));
  assert.equal(r.data.items.find((x) => x.id === appMe).rank, 1);
  // the applications' workbook, audited
  const res = await fetch(`${srv.base}/api/benefits/${nb}/applications?format=xlsx`, { headers: { cookie: U.st_city.cookieHeader() } });
  assert.equal(res.status, 200);
  const rows = sheetRows(Buffer.from(await res.arrayBuffer()));
  assert.equal(rows[0][0], '权益');
  assert.equal(rows.length, 3);
  const res2 = await fetch(`${srv.base}/api/benefit-applications?format=xlsx`, { headers: { cookie: U.st_sec.cookieHeader() } });
  assert.equal(res2.status, 200);
  // withdrawn by its owner; not another's
  assert.equal((await U.st_sec.post(`/api/benefit-applications/${appMe}/withdraw`)).status, 403);   // a member's own: theirs only
  r = await U.st_member.post(`/api/benefit-applications/${appMe}/withdraw`);
  assert.equal(r.status, 200, r.text);
  assert.equal(audits('benefit.withdraw', `benefit_app:${appMe}`), 1);
  assert.equal(training.period.length, 4);
});
