// assess — the yearly responsibility assessment (责任考核, issue 23) over HTTP
// on the demo city: the demo's published last year and this year's draft; the
// city opens a year (one audit row), computes it again while a draft, confirms
// and publishes it (each one audit row; the wrong order refused with a
// Chinese message), exports the results (xlsx, audited); each figure carries
// the link to the records behind it; a district sees only published years and
// only its own row (a draft is not found), a park the same; data changed after
// publication (an enterprise covered in that year) leaves the published year
// as it was while this year's draft, computed again, follows it.
// SQLite and PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, backend, addUser, loginAs } from './lib.mjs';
import { sheetRows } from './xlsx.mjs';

let srv;
const U = {};
const USERS = [['as_city', 'city'], ['as_siming', 'district', '350203'], ['as_huli', 'district', '350206'], ['as_park', 'park', 'P0002']];

function sql(q) {
  const r = backend === 'sqlite'
    ? spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', srv.db.url, q], { encoding: 'utf8' })
    : spawnSync('psql', [srv.db.url, '-qAtc', q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}
const audits = (action, object) => Number(sql(`SELECT COUNT(*) FROM audit WHERE action = '${action}' AND object = '${object}'`)[0][0]);
const fig = (row, key) => row.figures.find((f) => f.key === key);
const rowOf = (a, code) => a.rows.find((r) => r.unit_code === code);

before(async () => {
  srv = await startServer({ demo: true, args: ['--password-max-age-days', '0'] });
  for (const [u, role, s] of USERS) addUser(srv.db.url, u, role, s);
  for (const [u] of USERS) U[u] = await loginAs(srv.base, u);
});
after(async () => { await srv.stop(); });

test('the demo: last year published, this year a draft; the figures with their links and the renormalised weights', async () => {
  const r = await U.as_city.get('/api/assessments');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.items.length, 2);
  const [now, last] = r.data.items;
  assert.equal(now.year, last.year + 1);
  assert.equal(now.state, 'draft');
  assert.equal(now.state_name, '草稿');
  assert.equal(last.state, 'published');
  assert.deepEqual(r.data.criteria.map((c) => c.key), ['coverage', 'life', 'develop', 'study', 'dues', 'points']);
  const a = (await U.as_city.get(`/api/assessments/${now.id}`)).data;
  assert.equal(a.criteria.length, 6);
  assert.equal(a.rows.filter((x) => x.unit_kind === 'district').length, 6);
  assert.equal(a.rows.filter((x) => x.unit_kind === 'park').length, 8);
  const sm = rowOf(a, '350203');
  const cov = fig(sm, 'coverage');
  assert.equal(cov.available, true);
  assert.equal(cov.name, '组织覆盖率');
  assert.equal(cov.link, `/coverage?district=350203&date=${a.as_of}`);
  // the coverage figure is the coverage module's, as of the same day
  const c = await U.as_city.get(`/api/coverage?by=district&date=${a.as_of}`);
  const crow = c.data.rows.find((x) => x.key === '350203');
  assert.equal(cov.num, crow.covered);
  assert.equal(cov.den, crow.enterprises);
  // points: the district's organizations' own points of the year (the demo ledger's) against a base per branch
  // that owes meetings, so a figure exactly when the meetings' is; its link the points ranking of the district
  const pts = fig(sm, 'points');
  assert.equal(pts.available, fig(sm, 'life').available);
  if (pts.available) {
    assert.ok(pts.den > 0 && pts.num >= 0 && pts.num <= pts.den, `points ${pts.num} of ${pts.den}`);
    assert.ok(pts.weight_used > 0);
  }
  assert.equal(pts.link, `/points?tab=ranking&period=${now.year}&district=350203`);
  const used = sm.figures.reduce((s, f) => s + f.weight_used, 0);
  assert.ok(Math.abs(used - 100) < 0.05, `the weights used add up to 100 %: ${used}`);
  const total = sm.figures.filter((f) => f.available).reduce((s, f) => s + f.score * f.weight_used / 100, 0);
  assert.ok(Math.abs(total - sm.total) < 0.05, `the total ${sm.total} is the weighted mean ${total}`);
  // a park's dues are not kept: not available, no link
  const park = rowOf(a, 'P0002');
  assert.equal(fig(park, 'dues').available, false);
  assert.equal(fig(park, 'dues').link, undefined);
  assert.match(fig(park, 'coverage').link, /park=P0002/);
});

test('the city opens a year, computes it again, confirms and publishes it; the wrong order is refused', async () => {
  const years = (await U.as_city.get('/api/assessments')).data.items.map((x) => x.year);
  const year = Math.min(...years) - 1;
  let r = await U.as_city.post('/api/assessments', { year, note: '补做' });
  assert.equal(r.status, 201, r.text);
  const id = r.data.id;
  assert.equal(r.data.state, 'draft');
  assert.equal(r.data.as_of, `${year}-12-31`);
  assert.equal(audits('assess.open', `assessment:${id}`), 1);
  r = await U.as_city.post('/api/assessments', { year });
  assert.equal(r.status, 409);
  assert.equal(r.data.error.field, 'year');
  assert.match(r.data.error.message, /已经开启/);
  r = await U.as_city.post('/api/assessments', { year: Math.max(...years) + 1 });
  assert.equal(r.status, 400);
  assert.match(r.data.error.message, /考核年度/);
  r = await U.as_city.post(`/api/assessments/${id}/publish`);
  assert.equal(r.status, 409);
  assert.match(r.data.error.message, /只有“已确认”的考核才能发布/);
  r = await U.as_city.post(`/api/assessments/${id}/recompute`);
  assert.equal(r.status, 200, r.text);
  assert.equal(audits('assess.recompute', `assessment:${id}`), 1);
  r = await U.as_city.post(`/api/assessments/${id}/confirm`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.state, 'confirmed');
  assert.equal(audits('assess.confirm', `assessment:${id}`), 1);
  r = await U.as_city.post(`/api/assessments/${id}/recompute`);
  assert.equal(r.status, 409);
  assert.match(r.data.error.message, /不能重新计算/);
  r = await U.as_city.post(`/api/assessments/${id}/publish`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.state, 'published');
  assert.equal(audits('assess.publish', `assessment:${id}`), 1);
  // the results as a workbook (audited)
  const before = Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'list.export'")[0][0]);
  const res = await fetch(`${srv.base}/api/assessments/${id}/rows?format=xlsx`, { headers: { cookie: U.as_city.cookieHeader() } });
  assert.equal(res.status, 200);
  const rows = sheetRows(Buffer.from(await res.arrayBuffer()));
  assert.deepEqual(rows[0].slice(0, 6), ['类别', '单位', '名次', '总分', '组织覆盖率（%）', '组织覆盖率得分']);
  assert.equal(rows.length, 1 + 14);
  assert.equal(Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'list.export'")[0][0]), before + 1);
});

test('a district sees only published years and only its own row; a park the same', async () => {
  const all = (await U.as_city.get('/api/assessments')).data.items;
  const draft = all.find((x) => x.state === 'draft');
  const published = all.filter((x) => x.state === 'published');
  let r = await U.as_huli.get('/api/assessments');
  assert.equal(r.status, 200);
  assert.deepEqual(r.data.items.map((x) => x.id), published.map((x) => x.id));
  r = await U.as_huli.get(`/api/assessments/${draft.id}`);
  assert.equal(r.status, 404);
  assert.match(r.data.error.message, /已发布/);
  r = await U.as_huli.get(`/api/assessments/${published[0].id}`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.data.rows.map((x) => x.unit_code), ['350206']);
  r = await U.as_huli.get(`/api/assessments/${published[0].id}/rows`);
  assert.deepEqual(r.data.items.map((x) => x.unit_code), ['350206']);
  const res = await fetch(`${srv.base}/api/assessments/${published[0].id}/rows?format=xlsx`, { headers: { cookie: U.as_huli.cookieHeader() } });
  assert.equal(res.status, 200);
  const rows = sheetRows(Buffer.from(await res.arrayBuffer()));
  assert.equal(rows.length, 2);
  assert.equal(rows[1][1], '湖里区');
  r = await U.as_park.get(`/api/assessments/${published[0].id}`);
  assert.deepEqual(r.data.rows.map((x) => x.unit_code), ['P0002']);
  // writing is the city's
  r = await U.as_siming.post(`/api/assessments/${draft.id}/recompute`);
  assert.equal(r.status, 403);
});

test('a published year does not change when the data does; the draft follows the data when computed again', async () => {
  const all = (await U.as_city.get('/api/assessments')).data.items;
  const draft = all.find((x) => x.state === 'draft');
  const last = all.find((x) => x.year === draft.year - 1);
  assert.equal(last.state, 'published');
  const before = (await U.as_city.get(`/api/assessments/${last.id}`)).data;
  const draftBefore = (await U.as_city.get(`/api/assessments/${draft.id}`)).data;
  // an enterprise of 思明区 not covered at the end of last year gets an organization dated in it
  const day = `${last.year}-06-01`;
  const list = await U.as_city.get(`/api/coverage/enterprises?district=350203&state=uncovered&date=${draftBefore.as_of}&size=50`);
  assert.equal(list.status, 200, list.text);
  const ent = list.data.items[0];
  assert.ok(ent, 'the demo leaves an uncovered enterprise in 思明区');
  const r = await U.as_city.post('/api/orgs', { name: '中共考核测试公司支部', kind: '党支部', established_on: day, enterprise_ids: [ent.id], approved: true });
  assert.equal(r.status, 201, r.text);
  const after = (await U.as_city.get(`/api/assessments/${last.id}`)).data;
  assert.deepEqual(after.rows, before.rows);
  assert.equal(after.computed_at, before.computed_at);
  const rc = await U.as_city.post(`/api/assessments/${draft.id}/recompute`);
  assert.equal(rc.status, 200, rc.text);
  assert.equal(fig(rowOf(rc.data, '350203'), 'coverage').num, fig(rowOf(draftBefore, '350203'), 'coverage').num + 1);
  assert.deepEqual((await U.as_city.get(`/api/assessments/${last.id}`)).data.rows, before.rows);
});
