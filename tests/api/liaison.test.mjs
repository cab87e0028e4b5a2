// liaison — 领导挂钩联系 over HTTP on the demo city (issue 23): a district
// office links its own district's leader to one of its enterprises (not
// another district's leader, not another district's enterprise, not a closed
// one — the message says why); the leader records a visit with the people
// met and the problems raised (a problem's due day from the setting when not
// given), an office that is not the leader cannot; the overdue list counts
// days on the server's clock (moved forward for the second half), keeps to
// the caller's scope and exports as an audited workbook; 我的挂钩企业; the
// enterprise page (offices in scope) and the enterprise's own summary (the
// investor: the leader's name and the last visit's day, no problems); a
// problem closed; a link ended and who is linked as of a date.  Every write
// one audit row.  SQLite and PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, backend, addUser, loginAs } from './lib.mjs';
import { sheetRows } from './xlsx.mjs';

let srv, tmp, clockFile, offset, today, entSM, entSM2, entHL, entClosed;
const U = {};
const ID = {};

function sql(q) {
  const r = backend === 'sqlite'
    ? spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', srv.db.url, q], { encoding: 'utf8' })
    : spawnSync('psql', [srv.db.url, '-qAtc', q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}
const dayOf = (t) => new Date((t + 8 * 3600) * 1000).toISOString().slice(0, 10);
const addDays = (day, n) => new Date(Date.parse(day + 'T00:00:00Z') + n * 86400000).toISOString().slice(0, 10);
const audits = (action) => Number(sql(`SELECT COUNT(*) FROM audit WHERE action = '${action}' AND result = 'ok'`)[0][0]);

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'ejia-liaison-'));
  clockFile = path.join(tmp, 'clock');
  const real = Math.floor(Date.now() / 1000);
  today = addDays(dayOf(real), 1);
  offset = Math.floor(Date.parse(today + 'T10:00:00+08:00') / 1000) - real;
  writeFileSync(clockFile, String(offset));
  srv = await startServer({ demo: true, args: ['--test-clock-file', clockFile, '--password-max-age-days', '0'] });
  // enterprises no demo leader is linked to: two in 思明 (outside parks), one in 湖里
  const free = (d) => sql(`SELECT id FROM enterprise WHERE district_code = '${d}' AND park_code IS NULL AND reg_to IS NULL AND id NOT IN (SELECT enterprise_id FROM liaison_link) ORDER BY id LIMIT 3`).map(([x]) => Number(x));
  [entSM, entSM2, entClosed] = free('350203');
  [entHL] = free('350206');
  for (const [u, role, s] of [['li_city', 'city'], ['li_siming', 'district', '350203'], ['li_huli', 'district', '350206'], ['li_park', 'park', 'P0002'],
    ['lead_sm', 'district', '350203'], ['lead_hl', 'district', '350206'], ['li_inv', 'investor', String(entSM)]]) {
    addUser(srv.db.url, u, role, s);
    U[u] = await loginAs(srv.base, u);
    ID[u] = (await U[u].get('/api/me')).data.user.id;
  }
});
after(async () => { await srv?.stop(); rmSync(tmp, { recursive: true, force: true }); });

test('links: a district links its own leader to its own enterprise; other districts\' leaders and enterprises and closed ones refused', async () => {
  const leaders = await U.li_siming.get('/api/liaison/leaders');
  assert.equal(leaders.status, 200, leaders.text);
  assert.ok(leaders.data.items.some((l) => l.id === ID.lead_sm));
  assert.ok(!leaders.data.items.some((l) => l.id === ID.lead_hl), 'another district\'s leader is not offered');
  assert.ok((await U.li_city.get('/api/liaison/leaders')).data.items.some((l) => l.id === ID.lead_hl));

  let r = await U.li_siming.post('/api/liaison/links', { leader_id: ID.lead_hl, enterprise_id: entSM, from_day: addDays(today, -60) });
  assert.equal(r.status, 403, r.text);
  assert.match(r.data.error.message, /本区/);
  r = await U.li_siming.post('/api/liaison/links', { leader_id: ID.lead_sm, enterprise_id: entHL, from_day: addDays(today, -60) });
  assert.equal(r.status, 403, r.text);
  r = await U.li_siming.post('/api/liaison/links', { leader_id: ID.lead_sm, enterprise_id: entSM, from_day: addDays(today, 3) });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.data.error.field, 'from_day');

  const links0 = audits('liaison.link');
  r = await U.li_siming.post('/api/liaison/links', { leader_id: ID.lead_sm, enterprise_id: entSM, title: '区委常委、组织部部长', from_day: addDays(today, -60) });
  assert.equal(r.status, 201, r.text);
  ID.link = r.data.id;
  assert.equal(audits('liaison.link'), links0 + 1);
  r = await U.li_siming.post('/api/liaison/links', { leader_id: ID.lead_sm, enterprise_id: entSM, from_day: addDays(today, -10) });
  assert.equal(r.status, 409, r.text);
  // the city links another district's leader to a 思明 enterprise
  r = await U.li_city.post('/api/liaison/links', { leader_id: ID.lead_hl, enterprise_id: entSM2, title: '区委副书记', from_day: addDays(today, -30) });
  assert.equal(r.status, 201, r.text);
  ID.link2 = r.data.id;

  // a closed enterprise gets no new link
  r = await U.li_city.post(`/api/register/enterprises/${entClosed}/close`, { day: addDays(today, -5), note: '注销' });
  assert.equal(r.status, 200, r.text);
  r = await U.li_city.post('/api/liaison/links', { leader_id: ID.lead_sm, enterprise_id: entClosed, from_day: addDays(today, -1) });
  assert.equal(r.status, 409, r.text);
  assert.match(r.data.error.message, /关闭.*不能新建挂钩联系/);
});

test('visits: the leader records one with its problems; an office that is not the leader cannot; the due day from the setting', async () => {
  const body = {
    day: addDays(today, -50), met: '总经理 陈志远；党支部书记 林晓燕', summary: '了解党建和经营情况',
    problems: [
      { description: '新招聘党员的组织关系未转入', follow_up: '指导办理组织关系转接', owner: '区委组织部组织科' },
      { description: '活动场地不足', follow_up: '协调党群服务中心', owner: '街道党工委', due_day: addDays(today, 10) },
    ],
  };
  let r = await U.li_siming.post(`/api/liaison/links/${ID.link}/visits`, body);
  assert.equal(r.status, 403, r.text);
  assert.match(r.data.error.message, /挂钩领导/);
  r = await U.li_huli.post(`/api/liaison/links/${ID.link}/visits`, body);
  assert.equal(r.status, 403, r.text);
  r = await U.lead_sm.post(`/api/liaison/links/${ID.link}/visits`, { ...body, day: addDays(today, -61) });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.data.error.field, 'day');
  r = await U.lead_sm.post(`/api/liaison/links/${ID.link}/visits`, { ...body, problems: [{ description: '缺少责任人', follow_up: '跟进' }] });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.data.error.field, 'problems');
  const v0 = audits('liaison.visit');
  r = await U.lead_sm.post(`/api/liaison/links/${ID.link}/visits`, body);
  assert.equal(r.status, 201, r.text);
  assert.equal(audits('liaison.visit'), v0 + 1);
  ID.visit = r.data.id;
  assert.equal(r.data.problems.length, 2);
  assert.equal(r.data.problems[0].due_day, addDays(today, -20), '30 days after the visit (liaison-problem-due-days)');
  ID.p1 = r.data.problems[0].id;
  ID.p2 = r.data.problems[1].id;
  // the city records on the other leader's behalf
  r = await U.li_city.post(`/api/liaison/links/${ID.link2}/visits`, { day: addDays(today, -2), met: '副总经理 郑海峰' });
  assert.equal(r.status, 201, r.text);
  // reading one visit: the office in scope and the leader; not another district
  assert.equal((await U.li_siming.get(`/api/liaison/visits/${ID.visit}`)).status, 200);
  assert.equal((await U.lead_sm.get(`/api/liaison/visits/${ID.visit}`)).status, 200);
  assert.equal((await U.li_huli.get(`/api/liaison/visits/${ID.visit}`)).status, 403);
});

test('overdue follow-ups: days over on the server\'s clock, the caller\'s scope, the workbook audited', async () => {
  let r = await U.li_siming.get('/api/liaison/overdue?size=200');
  assert.equal(r.status, 200, r.text);
  const row = r.data.items.find((x) => x.id === ID.p1);
  assert.ok(row, JSON.stringify(r.data.items));
  assert.equal(row.days_over, 20);
  assert.equal(row.leader_name, 'lead_sm');
  assert.ok(!r.data.items.some((x) => x.id === ID.p2), 'not yet due');
  assert.ok(!(await U.li_huli.get('/api/liaison/overdue?size=200')).data.items.some((x) => x.id === ID.p1));
  assert.ok((await U.li_city.get(`/api/liaison/overdue?leader_id=${ID.lead_sm}`)).data.items.every((x) => x.leader_id === ID.lead_sm));
  const ex0 = Number(sql("SELECT COUNT(*) FROM audit WHERE object LIKE '%/api/liaison/overdue%' OR detail LIKE '%走访问题超期未办结%'")[0][0]);
  const buf = Buffer.from(await (await fetch(`${srv.base}/api/liaison/overdue?format=xlsx`, { headers: { cookie: U.li_siming.cookieHeader() } })).arrayBuffer());
  const rows = sheetRows(buf);
  assert.deepEqual(rows[0].slice(0, 3), ['企业', '所在区', '挂钩领导']);
  assert.ok(rows.some((x) => x.includes('新招聘党员的组织关系未转入') && x.includes('20')), JSON.stringify(rows.slice(0, 3)));
  assert.ok(Number(sql("SELECT COUNT(*) FROM audit WHERE object LIKE '%/api/liaison/overdue%' OR detail LIKE '%走访问题超期未办结%'")[0][0]) > ex0, 'the export is audited');

  // 我的挂钩企业
  r = await U.lead_sm.get('/api/liaison/mine');
  assert.equal(r.status, 200, r.text);
  const mine = r.data.items.find((x) => x.enterprise_id === entSM);
  assert.equal(mine.last_visit, addDays(today, -50));
  assert.equal(mine.open_problems.length, 2);
  assert.equal(r.data.overdue_problems, 1);

});

test('the enterprise page: offices in scope see links, visits and problems; the investor only the leader\'s name and the last visit', async () => {
  let r = await U.li_siming.get(`/api/liaison/enterprises/${entSM}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.links[0].leader_name, 'lead_sm');
  assert.equal(r.data.links[0].title, '区委常委、组织部部长');
  assert.equal(r.data.last_visit.day, addDays(today, -50));
  assert.equal(r.data.visits[0].problems.length, 2);
  assert.equal(r.data.overdue_problems, 1);
  assert.equal((await U.li_huli.get(`/api/liaison/enterprises/${entSM}`)).status, 403);
  assert.equal((await U.li_inv.get(`/api/liaison/enterprises/${entSM}`)).status, 403);
  r = await U.li_inv.get(`/api/liaison/enterprises/${entSM}/summary`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.data.leaders.map((l) => l.leader_name), ['lead_sm']);
  assert.equal(r.data.last_visit, addDays(today, -50));
  assert.ok(!r.text.includes('组织关系'), 'no problems\' text for the enterprise');
  assert.equal((await U.li_inv.get(`/api/liaison/enterprises/${entSM2}/summary`)).status, 403);
});

test('closing a problem and ending a link: by the leader or the office, as of a date', async () => {
  let r = await U.li_huli.post(`/api/liaison/problems/${ID.p1}/close`, { day: today, result: '已办结' });
  assert.equal(r.status, 403, r.text);
  r = await U.lead_sm.post(`/api/liaison/problems/${ID.p1}/close`, { day: addDays(today, -51), result: '已办结' });
  assert.equal(r.status, 400, r.text);
  const c0 = audits('liaison.problem.close');
  r = await U.lead_sm.post(`/api/liaison/problems/${ID.p1}/close`, { day: today, result: '6 名党员组织关系已全部转入' });
  assert.equal(r.status, 200, r.text);
  assert.equal(audits('liaison.problem.close'), c0 + 1);
  r = await U.li_siming.post(`/api/liaison/problems/${ID.p2}/close`, { day: today, result: '已协调街道党群服务中心' });
  assert.equal(r.status, 200, r.text);
  r = await U.lead_sm.post(`/api/liaison/problems/${ID.p1}/close`, { day: today, result: '再次' });
  assert.equal(r.status, 409, r.text);
  assert.ok(!(await U.li_siming.get('/api/liaison/overdue?size=200')).data.items.some((x) => x.id === ID.p1));

  // another district cannot end 思明's link; 思明 ends it today
  r = await U.li_huli.post(`/api/liaison/links/${ID.link}/end`, { day: today });
  assert.equal(r.status, 403, r.text);
  const u0 = audits('liaison.unlink');
  r = await U.li_siming.post(`/api/liaison/links/${ID.link}/end`, { day: today, note: '工作调整' });
  assert.equal(r.status, 200, r.text);
  assert.equal(audits('liaison.unlink'), u0 + 1);
  const before = await U.li_siming.get(`/api/liaison/links?day=${addDays(today, -1)}&enterprise_id=${entSM}`);
  assert.deepEqual(before.data.items.map((x) => x.leader_id), [ID.lead_sm]);
  const now = await U.li_siming.get(`/api/liaison/links?enterprise_id=${entSM}`);
  assert.deepEqual(now.data.items, []);
  const hist = await U.li_siming.get(`/api/liaison/links?history=1&enterprise_id=${entSM}`);
  assert.equal(hist.data.items[0].to_day, today);
  assert.equal((await U.li_huli.get(`/api/liaison/links?enterprise_id=${entSM}`)).status, 403);
  r = await U.li_park.get('/api/liaison/links');
  assert.equal(r.status, 200, r.text);
  assert.ok(!r.data.items.some((x) => x.enterprise_id === entSM2), 'a park sees only its own');
});

test('the clock moves on: a problem open past its due day shows with its days over', async () => {
  let r = await U.li_city.post(`/api/liaison/links/${ID.link2}/visits`, { day: today, met: '董事长 王建国', problems: [{ description: '人才公寓申请', follow_up: '对接区人才办', owner: '区人才办', due_day: addDays(today, 5) }] });
  assert.equal(r.status, 201, r.text);
  const p = r.data.problems[0].id;
  assert.ok(!(await U.li_city.get('/api/liaison/overdue?size=200')).data.items.some((x) => x.id === p));
  writeFileSync(clockFile, String(offset + 12 * 86400));   // sessions end: log in again on the moved clock
  const city = await loginAs(srv.base, 'li_city');
  r = await city.get('/api/liaison/overdue?size=200');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.items.find((x) => x.id === p)?.days_over, 7);
  writeFileSync(clockFile, String(offset));
});
