// org over HTTP: organizations formed, upgraded, merged, split and dissolved,
// covers and instructors added and withdrawn — and coverage as of the day
// before and the day of each event; the 旬 bulletin checked against a direct
// count in the database, issued once, its change measured against the issued
// one, downloaded as xlsx and PDF (read back with pdftotext); the schedule
// issuing the finished 旬 by itself, 旬 by 旬, never past the data (its day
// injected with test-clock-file); and the data scope of a district.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, ejia, backend, freshDb, addUser, loginAs, TEST_PW } from './lib.mjs';
import { sheetRows, sheetNames } from './xlsx.mjs';

const login = (s, name) => loginAs(s.base, name);
let srv, dir, city;



// One number straight from the database, bypassing ejia's SQL.
function sql(q) {
  return Number(sqlText(q));
}
// The first row as text, columns separated by '|' (both clients' default), on db (default: the shared server's).
function sqlText(q, url = srv.db.url) {
  const out = backend === 'postgresql'
    ? execFileSync('psql', [url, '-qAtc', q], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 20000', url, q], { encoding: 'utf8' });
  return out.trim().split('\n')[0];
}
const lastAudit = () => sqlText('SELECT action, object, username FROM audit ORDER BY seq DESC LIMIT 1');

async function cityCov(day) {
  const r = await city.get(`/api/coverage?date=${day}`);
  assert.equal(r.status, 200, JSON.stringify(r.data));
  return r.data.rows[0];
}

async function orgOf(entId, day) {
  const r = await city.get(`/api/enterprises/${entId}/coverage`);
  assert.equal(r.status, 200);
  const c = r.data.enterprise.covers.find((x) => x.from_day <= day && (!x.to_day || x.to_day > day));
  return c ? c.org_id : null;
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ejia-org-'));
  // the demo's own campaign bulletins would be in the way of issuing them here
  srv = await startServer({ demo: true, demoArgs: ['--bulletins', 'no'], args: ['--bulletin-schedule', 'false'] });
  addUser(srv.db.url, 'o_city', 'city', null);
  addUser(srv.db.url, 'o_siming', 'district', '350203');
  addUser(srv.db.url, 'o_member', 'member', null);
  city = await login(srv, 'o_city');
});
after(async () => { await srv?.stop(); rmSync(dir, { recursive: true, force: true }); });

// `ejia org coverage --verify` on the shared server's database: the kept figures (issue 20) against the raw tables, day by day.
function verifyKept(what) {
  const r = ejia(['org', 'coverage', '--db', srv.db.url, '--verify', '--log-level', 'warn']);
  assert.equal(r.status, 0, `${what}: ${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /保存的覆盖数字与原始数据一致：逐日核对 \d+ 天/);
  assert.ok(Number(r.stdout.match(/逐日核对 (\d+) 天/)[1]) > 100, 'the demo has more than a hundred days of changes');
}

test('the demo\'s kept coverage agrees with the raw tables on every day (ejia org coverage --verify)', () => {
  verifyKept('the demo');
});

test('the demo tells the article: about a third at the end of 2017, about three quarters by May 2018', async () => {
  const a = await cityCov('2017-12-31'), b = await cityCov('2018-04-30');
  assert.ok(a.rate > 33 && a.rate < 41, `end of 2017: ${a.rate}`);
  assert.ok(b.rate > 70 && b.rate < 78, `end of April 2018: ${b.rate}`);
  assert.ok(b.work_rate > b.rate, 'instructors add work coverage');
  const t = await city.get('/api/coverage/trend?from=2017-12-21&to=2018-04-30');
  assert.equal(t.status, 200);
  const pts = t.data.points;
  assert.equal(pts[0].period, '2017-12-3');
  assert.equal(pts.at(-1).date, '2018-04-30');
  assert.equal(pts.length, 13);
  assert.ok(pts.at(-1).rows[0].rate > pts[0].rows[0].rate + 30);
  const ev = await city.get('/api/org/events?kind=upgraded&from=2018-01-01&to=2018-06-30');
  assert.equal(ev.data.total, 4, 'four upgrades in the campaign');
  // every figure by district adds up to the city
  const byD = await city.get('/api/coverage?date=2018-04-30&by=district');
  assert.equal(byD.data.rows.reduce((s, x) => s + x.covered, 0), b.covered);
  const byC = await city.get('/api/coverage?date=2018-04-30&by=category');
  assert.equal(byC.data.rows.reduce((s, x) => s + x.enterprises, 0), b.enterprises);
  assert.ok(byC.data.rows.every((x) => ['新闻', '社交', '网游', '电商', '金融', '数据'].includes(x.key)));
  const byP = await city.get('/api/coverage?date=2018-04-30&by=park');
  assert.ok(byP.data.rows.some((x) => x.name === '火炬园'));
  // the enterprises behind a number
  const d0 = byD.data.rows[0];
  const list = await city.get(`/api/coverage/enterprises?date=2018-04-30&by=district&key=${d0.key}&state=covered&size=500`);
  assert.equal(list.data.total, d0.covered);
  assert.ok(list.data.items.every((x) => x.covered === 1 && x.org_id && x.org_name));
});

test('coverage as of the day before and the day of every kind of event', async () => {
  const free = await city.get('/api/coverage/enterprises?date=2019-01-01&state=uncovered&size=500');
  assert.equal(free.status, 200);
  const pool = free.data.items.filter((x) => x.members === 0 && !x.instructor);
  assert.ok(pool.length >= 6, 'enough uncovered enterprises in the demo');
  const [A, B, C, D, E, F] = pool;
  const c0 = (await cityCov('2019-01-10')).covered;

  // established (a standalone branch, approved below the member minimum)
  let r = await city.post('/api/orgs', { name: '中共测试甲公司支部', kind: '党支部', established_on: '2019-03-05', enterprise_ids: [A.id], approved: true, secretary: '张三' });
  assert.equal(r.status, 201, JSON.stringify(r.data));
  const orgA = r.data.org;
  assert.equal(orgA.units, 1);
  assert.match(orgA.path, new RegExp(`/${orgA.id}/$`));
  assert.equal((await cityCov('2019-03-04')).covered, c0);
  assert.equal((await cityCov('2019-03-05')).covered, c0 + 1);
  const dist = await city.get(`/api/coverage?date=2019-03-05&by=district`);
  const dist0 = await city.get(`/api/coverage?date=2019-03-04&by=district`);
  const k = (x) => x.data.rows.find((y) => y.key === A.district_code).covered;
  assert.equal(k(dist) - k(dist0), 1);

  // a joint branch of two, then a cover added and removed
  r = await city.post('/api/orgs', { name: '中共测试联合支部', kind: '联合党支部', based_on: 'street', base_name: '测试街道', district_code: B.district_code, established_on: '2019-04-01', enterprise_ids: [B.id, C.id], approved: true });
  assert.equal(r.status, 201, JSON.stringify(r.data));
  const J = r.data.org;
  assert.equal((await cityCov('2019-03-31')).covered, c0 + 1);
  assert.equal((await cityCov('2019-04-01')).covered, c0 + 3);
  r = await city.post(`/api/orgs/${J.id}/covers`, { enterprise_id: D.id, day: '2019-05-01' });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  assert.equal((await cityCov('2019-04-30')).covered, c0 + 3);
  assert.equal((await cityCov('2019-05-01')).covered, c0 + 4);
  r = await city.post(`/api/orgs/${J.id}/covers/${D.id}/remove`, { day: '2019-06-01', note: '企业迁出' });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  assert.equal((await cityCov('2019-05-31')).covered, c0 + 4);
  assert.equal((await cityCov('2019-06-01')).covered, c0 + 3);

  // upgraded: coverage unchanged, kind and event recorded
  r = await city.post(`/api/orgs/${orgA.id}/upgrade`, { to_kind: '党总支', day: '2019-07-01', approved: true });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  assert.equal(r.data.org.kind, '党总支');
  assert.equal((await cityCov('2019-07-01')).covered, c0 + 3);
  const ev = await city.get(`/api/org/events?org_id=${orgA.id}&kind=upgraded`);
  assert.equal(ev.data.total, 1);
  assert.equal(ev.data.items[0].from_kind, '党支部');
  assert.equal(ev.data.items[0].to_kind, '党总支');

  // merged: E's own branch into J — E stays covered, by J from that day
  r = await city.post('/api/orgs', { name: '中共测试临时支部', kind: '临时党支部', established_on: '2019-08-01', enterprise_ids: [E.id] });
  assert.equal(r.status, 201, JSON.stringify(r.data));
  const S = r.data.org;
  assert.equal((await cityCov('2019-08-01')).covered, c0 + 4);
  r = await city.post(`/api/orgs/${S.id}/merge`, { into_id: J.id, day: '2019-09-01' });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  assert.equal((await cityCov('2019-08-31')).covered, c0 + 4);
  assert.equal((await cityCov('2019-09-01')).covered, c0 + 4);
  assert.equal(await orgOf(E.id, '2019-08-31'), S.id);
  assert.equal(await orgOf(E.id, '2019-09-01'), J.id);
  const gone = await city.get(`/api/orgs/${S.id}`);
  assert.equal(gone.data.org.dissolved_on, '2019-09-01');
  r = await city.post(`/api/orgs/${S.id}/covers`, { enterprise_id: F.id, day: '2019-09-02' });
  assert.equal(r.status, 409, 'a merged organization takes nothing more');
  assert.match(r.data.error.message, /已于 2019-09-01 撤销或合并/);

  // split: E leaves J for a new branch — still covered, by the new one
  r = await city.post(`/api/orgs/${J.id}/split`, { name: '中共测试拆分支部', established_on: '2019-10-01', enterprise_ids: [E.id], approved: true });
  assert.equal(r.status, 201, JSON.stringify(r.data));
  const N = r.data.org;
  assert.equal((await cityCov('2019-10-01')).covered, c0 + 4);
  assert.equal(await orgOf(E.id, '2019-09-30'), J.id);
  assert.equal(await orgOf(E.id, '2019-10-01'), N.id);
  assert.ok((await city.get(`/api/org/events?org_id=${N.id}&kind=split`)).data.total === 1);

  // dissolved: A is no longer covered from that day
  r = await city.post(`/api/orgs/${orgA.id}/dissolve`, { day: '2019-11-01', note: '企业注销' });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  assert.equal((await cityCov('2019-10-31')).covered, c0 + 4);
  assert.equal((await cityCov('2019-11-01')).covered, c0 + 3);
  r = await city.post(`/api/orgs/${orgA.id}/dissolve`, { day: '2019-11-02' });
  assert.equal(r.status, 409);

  // instructors: work coverage only
  const w0 = await cityCov('2019-03-09');
  r = await city.post(`/api/enterprises/${F.id}/instructors`, { name: '李指导', day: '2019-03-10' });
  assert.equal(r.status, 201, JSON.stringify(r.data));
  const ins = r.data.instructor;
  const w1 = await cityCov('2019-03-10');
  assert.equal(w1.work_covered, w0.work_covered + 1);
  assert.equal(w1.covered, w0.covered);
  r = await city.post(`/api/enterprises/${F.id}/instructors`, { name: '王指导', day: '2019-03-11' });
  assert.equal(r.status, 409, 'one instructor at a time');
  r = await city.post(`/api/enterprises/${F.id}/instructors/${ins.id}/withdraw`, { day: '2019-04-10' });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  const w2 = await cityCov('2019-04-09'), w3 = await cityCov('2019-04-10');
  assert.equal(w3.work_covered, w2.work_covered - 1);
  assert.equal(w3.covered, w2.covered);

  // every change of E is traced to an event
  const hist = await city.get(`/api/org/events?enterprise_id=${E.id}`);
  assert.deepEqual(hist.data.items.map((x) => x.kind), ['cover_added', 'cover_added', 'cover_added']);
  assert.deepEqual(hist.data.items.map((x) => x.day), ['2019-08-01', '2019-09-01', '2019-10-01']);
});

test('refusals say what, where and what to do, in Chinese', async () => {
  const covered = (await city.get('/api/coverage/enterprises?state=covered&size=1')).data.items[0];
  const free = (await city.get('/api/coverage/enterprises?state=uncovered&size=500')).data.items;
  let r = await city.post('/api/orgs', { name: '中共重复覆盖支部', kind: '党支部', established_on: '2020-01-02', enterprise_ids: [covered.id], approved: true });
  assert.equal(r.status, 409);
  assert.equal(r.data.error.field, 'enterprise_ids[0]');
  assert.match(r.data.error.message, /已由.*覆盖/);
  r = await city.post('/api/orgs', { name: '中共单家联合支部', kind: '联合党支部', based_on: 'park', established_on: '2020-01-02', enterprise_ids: [free[0].id] });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'enterprise_ids');
  assert.match(r.data.error.message, /2–5 家/);
  r = await city.post('/api/orgs', { name: '中共六家联合支部', kind: '联合党支部', based_on: 'park', established_on: '2020-01-02', enterprise_ids: free.slice(0, 6).map((x) => x.id) });
  assert.equal(r.status, 400);
  r = await city.post('/api/orgs', { name: '中共错类型', kind: '支部', established_on: '2020-01-02', enterprise_ids: [free[0].id] });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'kind');
  r = await city.post('/api/orgs', { name: '中共错日期', kind: '党支部', established_on: '2019-02-30', enterprise_ids: [free[0].id] });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'established_on');
  r = await city.post('/api/orgs', { name: '中共将来', kind: '党支部', established_on: '2999-01-01', enterprise_ids: [free[0].id] });
  assert.equal(r.status, 400);
  assert.match(r.data.error.message, /晚于今天/);
  const small = free.find((x) => x.members < 3);
  r = await city.post('/api/orgs', { name: '中共党员不足支部', kind: '党支部', established_on: '2020-01-02', enterprise_ids: [small.id] });
  assert.equal(r.status, 400);
  assert.match(r.data.error.message, /不足 3 人.*联合组建或选派党建指导员/);
  r = await city.post('/api/orgs', { name: '中共未知字段', kind: '党支部', established_on: '2020-01-02', enterprise_ids: [small.id], bogus: 1 });
  assert.equal(r.status, 400);
  // upgrade below the threshold
  const br = (await city.get('/api/orgs?kind=党支部&size=1')).data.items[0];
  r = await city.post(`/api/orgs/${br.id}/upgrade`, { to_kind: '党委', day: '2020-01-02' });
  assert.equal(r.status, 400);
  assert.match(r.data.error.message, /不足 100 人/);
  r = await city.get('/api/coverage?by=bogus');
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'by');
  r = await city.get('/api/bulletins/2018-04-4');
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'period');
});

test('findings and joint suggestions follow the rules', async () => {
  const r = await city.get('/api/org/findings?date=2018-04-30&max=1000');
  assert.equal(r.status, 200);
  const f = r.data;
  for (const g of f.joint) {
    assert.ok(g.members >= 3, 'each suggested joint branch reaches 3 members');
    assert.ok(g.enterprises.length >= 1 && g.enterprises.length <= 5);
    assert.ok(['building', 'park', 'street'].includes(g.level));
  }
  assert.equal(f.counts.joint, f.joint.reduce((s, g) => s + g.enterprises.length, 0));
  for (const e of f.enterprises) {
    if (e.findings.includes('should_form')) assert.ok(e.members >= 3);
    if (e.findings.includes('instructor')) assert.ok(!e.covered && !e.instructor);
  }
  for (const o of f.orgs) {
    if (o.findings.includes('committee')) assert.ok(o.members >= 7 && !o.committee);
    if (o.findings.includes('split')) assert.ok(o.members > 50);
  }
  // the demo left branches with 7 or more members and no committee
  assert.ok(f.counts.committee >= 1);
});

test('the office\'s rules: too few 正式党员 on the registry, a branch without a 书记, a committee without 委员; member counts on the list and the page', async () => {
  const day = '2020-01-10';
  const f = (await city.get(`/api/org/findings?date=${day}&max=0`)).data;
  const regFull = (o) => sql(`SELECT COUNT(*) FROM member_span s JOIN org m ON m.id = s.org_id WHERE m.path LIKE (SELECT path FROM org WHERE id = ${o.id}) || '%' AND s.category = '正式党员' AND s.from_day <= '${day}' AND (s.to_day IS NULL OR s.to_day > '${day}') AND s.state IN ('正常', '流动', '失联')`);
  let few = 0, seats = 0;
  for (const o of f.orgs) {
    if (o.findings.includes('few_full')) { few++; assert.ok(o.reg_full < 3, `${o.name}: ${o.reg_full} 名正式党员`); }
    if (['党委', '党总支'].includes(o.kind)) assert.equal(o.findings.includes('no_seats'), !o.committee, o.name);
    if (o.findings.includes('no_seats')) seats++;
  }
  assert.equal(f.counts.few_full, few);
  assert.equal(f.counts.no_seats, seats);
  assert.ok(few >= 1 && seats >= 1, `the demo has both: ${few}, ${seats}`);
  const one = f.orgs.find((o) => o.findings.includes('few_full'));
  assert.equal(one.reg_full, regFull(one), 'the registry\'s count, rolled up');

  // a branch formed without a 书记 and with nobody on its roll
  const free = (await city.get('/api/coverage/enterprises?date=2020-01-01&state=uncovered&size=500')).data.items.filter((x) => x.members === 0);
  let r = await city.post('/api/orgs', { name: '中共测试无书记公司支部', kind: '党支部', established_on: day, enterprise_ids: [free[free.length - 1].id], approved: true });
  assert.equal(r.status, 201, JSON.stringify(r.data));
  const b = r.data.org;
  r = await city.get(`/api/orgs/${b.id}?date=${day}`);
  assert.equal(r.status, 200);
  const codes = Object.fromEntries(r.data.org.findings.map((x) => [x.code, x]));
  assert.equal(codes.no_secretary.label, '未配备书记');
  assert.equal(codes.no_secretary.rule, '党支部未配备书记');
  assert.equal(codes.few_full.rule, '按党员名册，正式党员少于 3 名');
  assert.equal(r.data.org.reg_full, 0);
  assert.equal(r.data.org.reg_members, 0);
  assert.ok((await city.get(`/api/org/findings?date=${day}&max=0`)).data.orgs.find((o) => o.id === b.id).findings.includes('no_secretary'));

  // the list and the page give the registry's counts of the same day
  const d = f.orgs.find((o) => o.kind === '党委') || one;
  const page = (await city.get(`/api/orgs/${d.id}?date=${day}`)).data.org;
  assert.equal(page.reg_full, regFull(d));
  assert.ok(page.reg_members >= page.reg_full);
  const list = (await city.get(`/api/orgs?date=${day}&q=${encodeURIComponent(page.name)}&size=100`)).data.items;
  const li = list.find((x) => x.id === d.id);
  assert.equal(li.reg_full, page.reg_full);
  assert.equal(li.reg_members, page.reg_members);
});

test('findings download as a workbook: every finding, not only the first page the screen shows', async () => {
  const all = (await city.get('/api/org/findings?date=2018-04-30&max=0')).data;
  const res = await fetch(`${srv.base}/api/org/findings.xlsx?date=2018-04-30`, { headers: { cookie: city.cookieHeader() } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /spreadsheetml/);
  assert.match(decodeURIComponent(res.headers.get('content-disposition') || ''), /规则提示-2018-04-30\.xlsx/);
  const buf = Buffer.from(await res.arrayBuffer());
  assert.deepEqual(sheetNames(buf), ['汇总', '企业', '党组织', '联合组建建议']);
  const summary = sheetRows(buf, 1);
  const row = (label) => summary.find((r) => r[0] === label);
  assert.equal(Number(row('应建未建')[1]), all.counts.should_form);
  assert.equal(Number(row('应设支委会')[1]), all.counts.committee);
  assert.equal(Number(row('建议联合组建组数')[1]), all.joint.length);
  const ents = sheetRows(buf, 2);
  assert.equal(ents[0][1], '企业名称');
  assert.equal(ents.length - 1, all.enterprises.length, 'one row per enterprise with a finding');
  const first = all.enterprises[0];
  const er = ents.find((r) => Number(r[0]) === first.id);
  assert.equal(er[1], first.name);
  assert.ok(!/^\d+$/.test(er[2]), `the district by name, got ${er[2]}`);
  assert.ok(/应建未建|联合组建|选派指导员/.test(er[9]), `findings in words, got ${er[9]}`);
  assert.equal(sheetRows(buf, 3).length - 1, all.orgs.length);
  const joint = sheetRows(buf, 4);
  assert.equal(joint.length - 1, all.joint.length);
  if (all.joint.length) assert.equal(Number(joint[1][5]), all.joint[0].enterprises.length);
  // a district's download holds its own district only, and the download is audited
  const siming = await login(srv, 'o_siming');
  const sm = await fetch(`${srv.base}/api/org/findings.xlsx?date=2018-04-30`, { headers: { cookie: siming.cookieHeader() } });
  assert.equal(sm.status, 200);
  const smEnts = sheetRows(Buffer.from(await sm.arrayBuffer()), 2).slice(1);
  assert.ok(smEnts.length > 0 && smEnts.every((r) => r[2] === '思明区'), 'only 思明区 enterprises');
  const a = sql("SELECT COUNT(*) FROM audit WHERE action = 'list.export' AND object = '/api/org/findings.xlsx'");
  assert.equal(a, 2);
  // a member has no org findings to download
  const m = await login(srv, 'o_member');
  assert.equal((await fetch(`${srv.base}/api/org/findings.xlsx`, { headers: { cookie: m.cookieHeader() } })).status, 403);
});

test('bulletin: numbers equal a direct count, issued once, change against the issued one, xlsx and PDF', async () => {
  let r = await city.get('/api/bulletins/2018-04-3');
  assert.equal(r.status, 200);
  const b = r.data;
  assert.equal(b.issued, false);
  assert.equal(b.title, '2018年4月下旬');
  assert.equal(b.last_day, '2018-04-30');
  assert.equal(b.rows.length, 6);
  for (const row of b.rows) {
    const n = sql(`SELECT COUNT(*) FROM enterprise WHERE zombie = 0 AND district_code = '${row.code}'`);
    const cv = sql(`SELECT COUNT(DISTINCT e.id) FROM enterprise e JOIN org_cover c ON c.enterprise_id = e.id WHERE e.zombie = 0 AND e.district_code = '${row.code}' AND c.from_day <= '2018-04-30' AND (c.to_day IS NULL OR c.to_day > '2018-04-30')`);
    const nw = sql(`SELECT COUNT(*) FROM org_event v JOIN org o ON o.id = v.org_id WHERE v.kind = 'established' AND o.kind <> '工委' AND v.district_code = '${row.code}' AND v.day BETWEEN '2018-04-21' AND '2018-04-30'`);
    assert.equal(row.enterprises, n, row.name);
    assert.equal(row.covered, cv, row.name);
    assert.equal(row.new_orgs, nw, row.name);
    assert.equal(row.rate, Math.round(1000 * cv / n) / 10);
  }
  const ranks = b.rows.map((x) => x.rank);
  assert.deepEqual(ranks, [1, 2, 3, 4, 5, 6]);
  for (let i = 1; i < b.rows.length; i++) assert.ok(b.rows[i - 1].rate >= b.rows[i].rate);
  assert.equal(b.city.covered, b.rows.reduce((s, x) => s + x.covered, 0));
  assert.equal(b.city.upgrades, sql(`SELECT COUNT(*) FROM org_event WHERE kind = 'upgraded' AND day BETWEEN '2018-04-21' AND '2018-04-30'`));

  // organizational life: the quarter holding the 旬's last day, the figures of the meeting compliance
  const life = b.life;
  assert.equal(life.period, '2018-Q2');
  assert.equal(life.from, '2018-04-01');
  assert.equal(life.to, '2018-06-30');
  const comp = (await city.get('/api/meetings/compliance?by=district&period=2018-Q2&size=500')).data.items;
  assert.ok(comp.length > 0);
  assert.deepEqual(life.rows.map((x) => x.code), comp.map((x) => x.code), 'the districts as the compliance ranks them');
  for (const row of life.rows) {
    const c = comp.find((x) => x.code === row.code);
    for (const k of ['rank', 'name', 'orgs', 'required', 'held', 'due', 'on_time', 'attended', 'expected', 'green', 'yellow', 'red']) assert.equal(row[k], c[k], `${row.name} ${k}`);
    assert.equal(row.rate, Math.round(1000 * c.rate) / 10, row.name);
    assert.equal(row.attendance_rate, c.expected ? Math.round(1000 * c.attended / c.expected) / 10 : null, row.name);
  }
  for (const k of ['orgs', 'required', 'held', 'red', 'yellow', 'green']) assert.equal(life.city[k], life.rows.reduce((t, x) => t + x[k], 0), `city ${k}`);
  const byOrg = (await city.get('/api/meetings/compliance?by=org&period=2018-Q2&size=500')).data;
  assert.ok(byOrg.total <= 500);
  const reds = byOrg.items.filter((x) => x.status === 'red').reverse();
  assert.equal(life.red_total, reds.length);
  assert.equal(life.red_total, life.city.red);
  assert.equal(life.red_max, 20);
  assert.deepEqual(life.red_orgs.map((x) => x.org_id), reds.slice(0, 20).map((x) => x.org_id), 'the red organizations, worst first');
  for (const o of life.red_orgs) {
    const c = reds.find((x) => x.org_id === o.org_id);
    assert.equal(o.name, c.org_name);
    assert.equal(o.district_name, c.district_name);
    assert.equal(o.idle_days, c.idle_days);
  }

  // issue the previous 旬, then this one: change is measured against the issued figures
  r = await city.post('/api/bulletins/2018-04-2/issue');
  assert.equal(r.status, 201, JSON.stringify(r.data));
  const prev = r.data;
  assert.equal(prev.issued, true);
  assert.equal(prev.issued_by, 'o_city');
  r = await city.post('/api/bulletins/2018-04-2/issue');
  assert.equal(r.status, 409);
  r = await city.post('/api/bulletins/2018-04-3/issue');
  assert.equal(r.status, 201);
  const cur = r.data;
  assert.equal(cur.prev_source, 'issued');
  assert.deepEqual(cur.life, life, 'the section is issued with the rest');
  for (const row of cur.rows) {
    const p = prev.rows.find((x) => x.code === row.code);
    assert.equal(row.prev_rate, p.rate);
    assert.equal(row.change, Math.round((row.rate - p.rate) * 10) / 10);
  }
  // a 旬 that has not ended cannot be issued
  const now = new Date();
  const x = now.getDate() <= 10 ? 1 : now.getDate() <= 20 ? 2 : 3;
  const open = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${x}`;
  r = await city.post(`/api/bulletins/${open}/issue`);
  assert.equal(r.status, 400);
  assert.match(r.data.error.message, /尚未结束/);
  const list = await city.get('/api/bulletins?year=2018');
  assert.deepEqual(list.data.items.map((i) => i.period), ['2018-04-3', '2018-04-2']);

  // downloads
  r = await city.get('/api/bulletins/2018-04-3/html');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/html/);
  assert.match(r.text, /<table class="rank">/);
  assert.match(r.text, /思明区/);
  // the formal document (issue 21 item 11): masthead, 期号, office and date, progress in words, chart, print line
  assert.equal(cur.number, 12, '2018年4月下旬 is the 12th 旬 of the year');
  assert.ok(cur.office && cur.cc && cur.summary, 'office, copy line and summary in the document');
  assert.match(cur.summary, /^截至2018年4月30日，厦门市 \d+ 家互联网企业中已有 \d+ 家建立党组织/);
  const best = cur.rows.filter((x) => x.enterprises)[0];
  assert.ok(cur.summary.includes(`${best.name}覆盖率最高（${best.rate.toFixed(1)}%）`), cur.summary);
  for (const n of cur.new_org_names) assert.ok(cur.summary.includes(n), `${n} named`);
  assert.equal(cur.new_org_names.length, Math.min(cur.city.new_orgs, 5));
  for (const part of ['厦门市互联网企业党建工作旬报', '2018年第12期', cur.office, cur.summary, '<svg role="img"', `抄送：${cur.cc}。`, '印发'])
    assert.ok(r.text.includes(part.replace(/&/g, '&amp;')), `the page has ${part.slice(0, 20)}`);
  assert.ok(r.text.includes('<th>较上期<br>(百分点)</th>'), 'a long head breaks where it should');
  assert.match(r.text, /<h2>组织生活落实情况（2018年第2季度）<\/h2>/);
  assert.match(r.text, /本旬所在季度 2018-04-01 至 2018-06-30/);
  assert.match(r.text, new RegExp(`红灯党组织（共 ${life.red_total} 个`));
  const res = await fetch(srv.base + '/api/bulletins/2018-04-3/xlsx', { headers: { cookie: city.cookieHeader() } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /spreadsheetml/);
  const xlsx = Buffer.from(await res.arrayBuffer());
  assert.equal(xlsx.subarray(0, 2).toString(), 'PK');
  writeFileSync(path.join(dir, 'b.xlsx'), xlsx);
  const strings = execFileSync('python3', ['-c', 'import sys,zipfile; print(zipfile.ZipFile(sys.argv[1]).read("xl/sharedStrings.xml").decode())', path.join(dir, 'b.xlsx')], { encoding: 'utf8' });
  assert.match(strings, /全市合计/);
  assert.match(strings, /2018年4月下旬/);
  const sheet = execFileSync('python3', ['-c', 'import sys,zipfile; print(zipfile.ZipFile(sys.argv[1]).read("xl/worksheets/sheet1.xml").decode())', path.join(dir, 'b.xlsx')], { encoding: 'utf8' });
  assert.match(sheet, /<pane [^>]*ySplit="7"/, 'frozen header (under the masthead, the number, the office and date, the title and the summary)');
  for (const part of ['厦门市互联网企业党建工作旬报', '2018年第12期', cur.office, `抄送：${cur.cc}。`, '较上期\n(百分点)'])
    assert.ok(strings.includes(part), `the workbook has ${part}`);
  assert.ok(strings.includes(cur.summary.slice(0, 40)), 'the workbook has the summary');
  const zipNames = execFileSync('python3', ['-c', 'import sys,zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', path.join(dir, 'b.xlsx')], { encoding: 'utf8' });
  assert.match(zipNames, /xl\/charts\/chart1\.xml/, 'the workbook has the chart');
  const book = execFileSync('python3', ['-c', 'import sys,zipfile; print(zipfile.ZipFile(sys.argv[1]).read("xl/workbook.xml").decode())', path.join(dir, 'b.xlsx')], { encoding: 'utf8' });
  assert.match(book, /<sheet name="组织生活"/);
  assert.match(strings, /组织生活落实情况/);
  assert.match(strings, /红灯党组织/);
  if (life.red_orgs.length) assert.ok(strings.includes(life.red_orgs[0].name.replace(/&/g, '&amp;')));
  const pres = await fetch(srv.base + '/api/bulletins/2018-04-3/pdf', { headers: { cookie: city.cookieHeader() } });
  assert.equal(pres.status, 200);
  assert.equal(pres.headers.get('content-type'), 'application/pdf');
  const pdf = path.join(dir, 'b.pdf');
  writeFileSync(pdf, Buffer.from(await pres.arrayBuffer()));
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  assert.match(text, /党组织覆盖情况通报/);
  assert.match(text, /2018年4月下/);
  assert.match(text, /全市合计/);
  // the formal parts: masthead, 期号, office, the paragraph, the chart, the print line (印发, 抄送 from the settings)
  assert.match(text, /厦门市互联网企业党建工作旬报/);
  assert.match(text, /2018年第12期/);
  assert.ok(text.includes(cur.office), 'the issuing office');
  assert.match(text, /截至2018年4月30日，厦门市/);
  assert.match(text, /各区覆盖率（%，括号内为较上期变化）/);
  assert.ok(text.replace(/\s+/g, '').includes(`抄送：${cur.cc}。`), 'the copy line');
  assert.match(text, /\d{4}年\d{1,2}月\d{1,2}日印发/);
  // heads that do not wrap mid-word: each of their lines whole
  const heads = text.slice(text.indexOf('排名'), text.indexOf('排名') + 400);
  for (const h of ['较上期', '(百分点)', '工作覆盖率', '本旬', '待处理']) assert.ok(heads.includes(h), `head ${h} whole`);
  // the table (after its heads: the paragraph above names districts too)
  const table = text.slice(text.indexOf('排名'));
  const cityLine = table.split('\n').find((l) => l.includes('全市合计'));
  assert.ok(cityLine.includes(String(cur.city.covered)) && cityLine.includes(cur.city.rate.toFixed(1)), cityLine);
  for (const row of cur.rows) {
    const line = table.split('\n').find((l) => l.includes(row.name));
    assert.ok(line && line.includes(String(row.enterprises)) && line.includes(row.rate.toFixed(1)), `${row.name}: ${line}`);
  }
  // the organizational-life page: each district's line with its figures, the red organizations
  const lifeText = text.slice(text.indexOf('组织生活落实情况'));
  assert.ok(lifeText.length > 20, 'the section is in the PDF');
  for (const row of cur.life.rows) {
    const line = lifeText.split('\n').find((l) => l.includes(row.name));
    assert.ok(line && line.includes(String(row.required)) && line.includes(row.rate.toFixed(1)), `${row.name}: ${line}`);
  }
  const lifeCity = lifeText.split('\n').find((l) => l.includes('全市合计'));
  assert.ok(lifeCity.includes(String(cur.life.city.required)) && lifeCity.includes(String(cur.life.city.red)), lifeCity);
  for (const o of cur.life.red_orgs) {
    const line = lifeText.split('\n').find((l) => l.includes(o.name.slice(0, 10)));
    assert.ok(line && line.includes(o.district_name) && line.includes(String(o.idle_days)), `red ${o.name}: ${line}`);
  }
  const pages = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  assert.match(pages, /Page size:\s+595\.\d+ x 841\.\d+/, 'A4');

  // the CLI writes the same bulletin
  const out = path.join(dir, 'cli.pdf');
  const c = ejia(['bulletin', '--db', srv.db.url, '--period', '2018-04-3', '--format', 'pdf', '--out', out]);
  assert.equal(c.status, 0, c.stderr);
  assert.match(execFileSync('pdftotext', [out, '-'], { encoding: 'utf8' }), /全市合计/);
  const bad = ejia(['bulletin', '--db', srv.db.url, '--period', '2018-4-3', '--format', 'pdf', '--out', out]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /年-月-旬/);
});

test('an organization\'s administrator splits a branch below it, but never out of their own scope', async () => {
  // a 党委 with a branch of two enterprises below it, made by the city
  const free = (await city.get('/api/coverage/enterprises?date=2020-01-01&state=uncovered&size=500')).data.items
    .filter((x) => !x.instructor);
  const party = (await city.get('/api/orgs?kind=' + encodeURIComponent('党委') + '&size=1')).data.items[0];
  const two = free.filter((x) => x.district_code === party.district_code).slice(-2);
  assert.equal(two.length, 2, 'two uncovered enterprises in the 党委\'s district');
  let r = await city.post('/api/orgs', { name: '中共测试党委下属联合支部', kind: '联合党支部', based_on: 'street', base_name: '测试街道',
    district_code: party.district_code, parent_id: party.id, established_on: '2020-01-01', enterprise_ids: two.map((x) => x.id), approved: true });
  assert.equal(r.status, 201, JSON.stringify(r.data));
  const Y = r.data.org;
  addUser(srv.db.url, 'o_party_admin', 'org_admin', String(party.id));
  const oa = await login(srv, 'o_party_admin');
  // splitting the branch below: allowed, and the new branch sits under the 党委 too
  r = await oa.post(`/api/orgs/${Y.id}/split`, { name: '中共测试拆出支部', established_on: '2020-02-01', enterprise_ids: [two[0].id], approved: true });
  assert.equal(r.status, 201, JSON.stringify(r.data));
  assert.equal(r.data.org.parent_id, party.id);
  assert.equal(await orgOf(two[0].id, '2020-02-01'), r.data.org.id);
  // an enterprise the branch does not cover cannot be split out of it
  r = await oa.post(`/api/orgs/${Y.id}/split`, { name: '中共测试越权支部', established_on: '2020-03-01', enterprise_ids: [free[0].id], approved: true });
  assert.ok(r.status === 400 || r.status === 403, JSON.stringify(r.data));
  assert.equal((await city.get(`/api/orgs?q=${encodeURIComponent('中共测试越权支部')}&status=all`)).data.total, 0, 'nothing made');
  // splitting the 党委 itself would put the new part beside it, outside the administrator's scope
  const own = (await city.get(`/api/orgs/${party.id}`)).data.org.covers.map((c) => c.enterprise_id);
  assert.ok(own.length >= 1);
  r = await oa.post(`/api/orgs/${party.id}/split`, { name: '中共测试同级支部', established_on: '2020-03-01', enterprise_ids: [own[0]], approved: true });
  assert.equal(r.status, 403, JSON.stringify(r.data));
  assert.equal(r.data.error.field, 'parent_id');
  assert.match(r.data.error.message, /数据范围之外/);
  // adding an enterprise from outside stays the district's and the city's work
  r = await oa.post(`/api/orgs/${Y.id}/covers`, { enterprise_id: free[0].id, day: '2020-03-01' });
  assert.equal(r.status, 403);
});

test('a district sees and changes only its own', async () => {
  const sm = await login(srv, 'o_siming');
  let r = await sm.get('/api/coverage?by=district&date=2018-04-30');
  assert.equal(r.status, 200);
  assert.deepEqual(r.data.rows.map((x) => x.key), ['350203']);
  r = await sm.get('/api/orgs?size=500');
  assert.ok(r.data.items.length > 0 && r.data.items.every((x) => x.district_code === '350203'));
  const other = (await city.get('/api/orgs?district=350206&kind=党支部&size=1')).data.items[0];
  r = await sm.get(`/api/orgs/${other.id}`);
  assert.equal(r.status, 403);
  const foreign = (await city.get('/api/coverage/enterprises?by=district&key=350206&state=uncovered&size=1')).data.items[0];
  r = await sm.post('/api/orgs', { name: '中共越界支部', kind: '党支部', established_on: '2020-01-02', enterprise_ids: [foreign.id], approved: true });
  assert.equal(r.status, 403);
  r = await sm.post('/api/bulletins/2018-03-1/issue');
  assert.equal(r.status, 403, 'a district reads bulletins, the city issues them');
  const m = await login(srv, 'o_member');
  assert.equal((await m.get('/api/coverage')).status, 403);
});

// The schedule's day is the server's clock moved by test-clock-file (never the wall clock's day).
function clockAt(day) {
  const f = path.join(dir, `clock-${day}`);
  const target = Date.parse(`${day}T12:00:00`) / 1000;   // local noon: the same local day in any zone
  writeFileSync(f, String(Math.round(target - Date.now() / 1000)));
  return f;
}
async function scheduled(c, want) {
  // until the schedule has issued what it should (a busy machine may take long: a generous deadline,
  // not a count of tries); one pass issues its whole plan, so what it issued is all there at once
  const deadline = Date.now() + 120000;
  for (;;) {
    const items = (await c.get('/api/bulletins?size=100')).data.items;
    if (items.filter((b) => b.issued_by === 'schedule').length >= want) break;
    if (Date.now() > deadline) assert.fail(`the schedule issued ${items.filter((b) => b.issued_by === 'schedule').length} of ${want} in 120 s`);
    await new Promise((res) => setTimeout(res, 100));
  }
  // later passes (every second) must add nothing: look again after a few of them (a pause can only
  // miss an extra bulletin, never fail a right schedule)
  await new Promise((res) => setTimeout(res, 2500));
  return (await c.get('/api/bulletins?size=100')).data.items;
}

test('the server issues each finished 旬 by itself, once, catching up after the last issued (clock at 2018-05-25)', async () => {
  const db = freshDb();
  let r = ejia(['demo', '--db', db.url, '--enterprises', '20', '--bulletins', 'no']);
  assert.equal(r.status, 0, r.stderr);
  r = ejia(['bulletin', '--db', db.url, '--period', '2018-04-3', '--format', 'html', '--out', path.join(dir, 'x.html'), '--issue']);
  assert.equal(r.status, 0, r.stderr);
  const s2 = await startServer({ db, args: ['--bulletin-check-seconds', '1', '--test-clock-file', clockAt('2018-05-25')] });
  try {
    addUser(s2.db.url, 'c2', 'city', null);
    const c = await login(s2, 'c2');
    const items = await scheduled(c, 2);
    // the data is live on that day: every finished 旬 after the last issued, in order, none skipped
    assert.deepEqual(items.map((i) => i.period), ['2018-05-2', '2018-05-1', '2018-04-3']);
    assert.deepEqual(items.map((i) => i.issued_by), ['schedule', 'schedule', 'cli']);
    const d = (await c.get('/api/bulletins/2018-05-1')).data;
    assert.equal(d.prev_period, '2018-04-3');
    assert.equal(d.prev_source, 'issued');
    // each issue is audited: the schedule's by the system, the command line's by whoever ran it
    assert.equal(Number(sqlText("SELECT COUNT(*) FROM audit WHERE action = 'bulletin.issue' AND username = 'system'", s2.db.url)), 2);
    assert.equal(Number(sqlText("SELECT COUNT(*) FROM audit WHERE action = 'bulletin.issue' AND username LIKE 'cli:%'", s2.db.url)), 1);
  } finally {
    await s2.stop();
  }
});

test('issue 21: the demo\'s 2018 campaign years later (clock at 2026-11-25): the missing 2018-06-3, compared with 2018-06-2, and nothing after', async () => {
  // the whole demo (its last change on 2018-06-27; 17 bulletins issued, 2018-06-3 left)
  const s3 = await startServer({ demo: true, args: ['--bulletin-check-seconds', '1', '--test-clock-file', clockAt('2026-11-25')] });
  try {
    addUser(s3.db.url, 'c3', 'city', null);
    const c = await login(s3, 'c3');
    const asof = (await c.get('/api/asof')).data;
    assert.equal(asof.date, '2018-06-30', 'the as-of day: the end of the 旬 of the last change');
    assert.equal(asof.today, '2026-11-25');
    const items = await scheduled(c, 1);
    assert.deepEqual(items.filter((b) => b.issued_by === 'schedule').map((b) => b.period), ['2018-06-3']);
    assert.equal(items.filter((b) => b.issued_by === 'demo').length, 17);
    assert.equal(items[0].period, '2018-06-3', 'no bulletin of 2026 (nor of any 旬 after the data)');
    const d = (await c.get('/api/bulletins/2018-06-3')).data;
    assert.equal(d.prev_period, '2018-06-2');
    assert.equal(d.prev_source, 'issued');
    const prev = (await c.get('/api/bulletins/2018-06-2')).data;
    assert.equal(d.city.prev_rate, prev.city.rate, 'change against the 旬 before, as issued');
  } finally {
    await s3.stop();
  }
});

test('every write and download leaves its audit row: the action, the object, the actor', async () => {
  // enterprises free in mid-2022, after everything the other tests date
  const free = (await city.get('/api/coverage/enterprises?date=2022-06-01&state=uncovered&size=500')).data.items
    .filter((x) => x.members === 0 && !x.instructor);
  assert.ok(free.length >= 3);
  const [X, Y, W] = free.slice(-3);
  const audited = (want) => assert.equal(lastAudit(), `${want}|o_city`);
  let r = await city.post('/api/orgs', { name: '中共审计测试临时支部', kind: '临时党支部', established_on: '2022-06-01', enterprise_ids: [X.id] });
  assert.equal(r.status, 201, JSON.stringify(r.data));
  const id = r.data.org.id;
  audited(`org.create|org:${id}`);
  r = await city.post(`/api/orgs/${id}/covers`, { enterprise_id: Y.id, day: '2022-06-02' });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  audited(`org.cover_add|org:${id}`);
  r = await city.post(`/api/orgs/${id}/covers/${Y.id}/remove`, { day: '2022-06-03' });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  audited(`org.cover_remove|org:${id}`);
  r = await city.post(`/api/orgs/${id}/upgrade`, { to_kind: '党总支', day: '2022-06-04', approved: true });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  audited(`org.upgrade|org:${id}`);
  r = await city.post(`/api/orgs/${id}/split`, { name: '中共审计测试拆分支部', established_on: '2022-06-05', enterprise_ids: [X.id], approved: true });
  assert.equal(r.status, 201, JSON.stringify(r.data));
  const nid = r.data.org.id;
  audited(`org.split|org:${id}`);
  r = await city.post(`/api/orgs/${nid}/merge`, { into_id: id, day: '2022-06-06' });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  audited(`org.merge|org:${nid}`);
  r = await city.post(`/api/orgs/${id}/dissolve`, { day: '2022-06-07' });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  audited(`org.dissolve|org:${id}`);
  r = await city.post(`/api/enterprises/${W.id}/instructors`, { name: '审计指导', phone: '13900001010', day: '2022-06-01' });
  assert.equal(r.status, 201, JSON.stringify(r.data));
  const iid = r.data.instructor.id;
  audited(`instructor.assign|instructor:${iid}`);
  r = await city.post(`/api/instructors/${iid}/reveal`, { password: TEST_PW });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  assert.equal(r.data.phone, '13900001010');
  audited(`instructor.reveal|instructor:${iid}`);
  r = await city.post(`/api/enterprises/${W.id}/instructors/${iid}/withdraw`, { day: '2022-06-08' });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  audited(`instructor.withdraw|instructor:${iid}`);
  // a refused write leaves nothing
  const n0 = sql('SELECT COUNT(*) FROM audit');
  r = await city.post(`/api/orgs/${id}/dissolve`, { day: '2022-06-09' });
  assert.equal(r.status, 409);
  assert.equal(sql('SELECT COUNT(*) FROM audit'), n0);
  // downloads: audited before they are sent; the page the browser shows is not a download
  const get = (p) => fetch(srv.base + p, { headers: { cookie: city.cookieHeader() } });
  assert.equal((await get('/api/bulletins/2018-02-1/html')).status, 200);
  assert.equal(sql('SELECT COUNT(*) FROM audit'), n0);
  for (const f of ['xlsx', 'pdf']) {
    const res = await get(`/api/bulletins/2018-02-1/${f}`);
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    audited('bulletin.export|bulletin:2018-02-1');
  }
  const fx = await get('/api/org/findings.xlsx?date=2022-06-01');
  assert.equal(fx.status, 200);
  await fx.arrayBuffer();
  audited('list.export|/api/org/findings.xlsx');
  r = await city.post('/api/bulletins/2018-02-1/issue');
  assert.equal(r.status, 201, JSON.stringify(r.data));
  audited('bulletin.issue|bulletin:2018-02-1');
  // the demo's own data came through the same use cases, as "demo"
  assert.ok(sql("SELECT COUNT(*) FROM audit WHERE action = 'org.create' AND username = 'demo'") > 10);
  assert.ok(sql("SELECT COUNT(*) FROM audit WHERE action = 'instructor.assign' AND username = 'demo'") > 0);
});

test('after every write above (forms, upgrades, merges, splits, dissolutions, covers, instructors) the kept coverage still agrees', () => {
  verifyKept('the writes of this file');
  // and a wrong kept figure is named, with exit 1
  const url = srv.db.url;
  const bump = "UPDATE coverage_cum SET covered = covered + 1 WHERE day = (SELECT MAX(day) FROM coverage_cum)";
  if (backend === 'postgresql') execFileSync('psql', [url, '-qAtc', bump]);
  else execFileSync('sqlite3', ['-cmd', '.timeout 20000', url, bump]);
  const r = ejia(['org', 'coverage', '--db', url, '--verify', '--log-level', 'warn']);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /保存的覆盖数字与原始数据不一致/);
  assert.match(r.stdout, /按原始数据 企业 \d+、已覆盖 \d+、工作覆盖 \d+；保存的 \d+、\d+、\d+/);
  const undo = bump.replace('covered + 1', 'covered - 1');
  if (backend === 'postgresql') execFileSync('psql', [url, '-qAtc', undo]);
  else execFileSync('sqlite3', ['-cmd', '.timeout 20000', url, undo]);
  verifyKept('undone');
});

test('the server stops cleanly: exit 0, nothing from the sanitizers', async () => {
  const code = await srv.stop();
  const err = srv.stderr();
  srv = null;
  assert.doesNotMatch(err, /LeakSanitizer|runtime error|AddressSanitizer/);
  assert.equal(code, 0);
});
