// flow — 流动党员 over HTTP on the demo city: an outflow registered by the
// member's branch (checked fields named in Chinese, the phone kept sealed, the
// registry state 流动 from the day, one audit row), the receiving branch sees
// it as an inflow and its meeting roll holds the member while the home roll
// does not; an inflow registered by the receiving side by ID number and name
// (one not in the registry refused, saying to register or transfer them); a
// flow the home side managed taken over; lists, counts, the workbook, the
// overdue reminder for both sides; the return (state 正常 again, dated).
// SQLite and PostgreSQL.
//
// Time is the server's (test-clock-file): 10:00 China time on the day after today.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, backend, addUser, loginAs } from './lib.mjs';
import { sheetRows } from './xlsx.mjs';

let srv, tmp, orgA, orgH, orgHName, today;
const P = {};
const U = {};
const USERS = [['fl_city', 'city'], ['fl_siming', 'district', '350203'], ['fl_secA', 'secretary', 'A'], ['fl_secH', 'secretary', 'H']];

function sql(q) {
  const r = backend === 'sqlite'
    ? spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', srv.db.url, q], { encoding: 'utf8' })
    : spawnSync('psql', [srv.db.url, '-qAtc', q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}
function id18(body17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  return body17 + '10X98765432'[[...body17].reduce((s, c, i) => s + Number(c) * w[i], 0) % 11];
}
const dayOf = (t) => new Date((t + 8 * 3600) * 1000).toISOString().slice(0, 10);
const addDays = (day, n) => new Date(Date.parse(day + 'T00:00:00Z') + n * 86400000).toISOString().slice(0, 10);
const audits = (action, object) => Number(sql(`SELECT COUNT(*) FROM audit WHERE action = '${action}' AND object = '${object}'`)[0][0]);
const stateOf = (person) => sql(`SELECT state, since FROM member WHERE person_id = ${person}`)[0];

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'ejia-flow-'));
  const clockFile = path.join(tmp, 'clock');
  const real = Math.floor(Date.now() / 1000);
  today = addDays(dayOf(real), 1);
  writeFileSync(clockFile, String(Math.floor(Date.parse(today + 'T10:00:00+08:00') / 1000) - real));
  srv = await startServer({ demo: true, args: ['--test-clock-file', clockFile] });
  const branches = sql("SELECT id, district_code, name FROM org WHERE kind = '党支部' AND dissolved_on IS NULL AND established_on <= '2018-01-01' ORDER BY id");
  orgA = Number(branches.find(([, d]) => d === '350203')[0]);
  [orgH, , orgHName] = branches.find(([, d]) => d === '350206');
  orgH = Number(orgH);
  const scope = { A: orgA, H: orgH };
  for (const [u, role, s] of USERS) addUser(srv.db.url, u, role, s in scope ? String(scope[s]) : s);
  for (const [u] of USERS) U[u] = await loginAs(srv.base, u);
  const reg = async (name, body17, org) => {
    const r = await U.fl_city.post('/api/members', { name, id_number: id18(body17), org_id: org, category: '正式党员', joined_on: '2015-07-01', full_on: '2016-07-01', day: '2019-01-01' });
    assert.equal(r.status, 201, r.text);
    return r.data.member.id;
  };
  P.a1 = await reg('流甲', '35020319880101711', orgA);
  P.a2 = await reg('流乙', '35020319890202712', orgA);
  P.a3 = await reg('流丙', '35020319900303713', orgA);
  P.h1 = await reg('流丁', '35020619910404714', orgH);
});
after(async () => { await srv?.stop(); rmSync(tmp, { recursive: true, force: true }); });

let fOut;   // a1: out of branch A, managed by the 湖里 branch

test('outflow: checked fields named in Chinese; registered, the phone sealed, the registry state 流动 from the day, one audit row', async () => {
  const good = { person_id: P.a1, org_id: orgH, reason: '务工经商', from_day: '2026-01-10', expect_day: '2026-06-30', contact: '138 1234 5678', card_no: 'LD-2026-001' };
  const bad = async (body, field, status = 400) => {
    const r = await U.fl_secA.post('/api/flows/out', { ...good, ...body });
    assert.equal(r.status, status, r.text);
    if (field) assert.equal(r.data.error.field, field);
    assert.match(r.data.error.message, /[\u4e00-\u9fff]/);
  };
  await bad({ reason: '旅游' }, 'reason');
  await bad({ from_day: addDays(today, 3) }, 'from_day');
  await bad({ from_day: '2018-05-01' }, 'from_day');          // before the member's current state began
  await bad({ expect_day: '2026-01-01' }, 'expect_day');
  await bad({ org_id: orgA }, 'org_id');                      // their own branch
  await bad({ org_id: 0, place: undefined }, 'place');        // nowhere named
  // another district's secretary cannot register branch A's member
  assert.equal((await U.fl_secH.post('/api/flows/out', good)).status, 403);
  const r = await U.fl_secA.post('/api/flows/out', good);
  assert.equal(r.status, 201, r.text);
  fOut = r.data;
  assert.equal(fOut.manager_org_id, orgH);
  assert.equal(fOut.place, orgHName, 'the place defaults to the receiving organization');
  assert.equal(fOut.direction, 'out');
  assert.equal(fOut.status, 'overdue', 'the expected return has passed');
  assert.match(fOut.contact, /^138\*+5678$/);
  const [[plain, sealed]] = sql(`SELECT COALESCE(contact, ''), contact_sealed FROM member_flow WHERE id = ${fOut.id}`);
  assert.equal(plain, '');
  assert.ok(sealed && !sealed.includes('13812345678'), 'the phone is sealed');
  assert.deepEqual(stateOf(P.a1), ['流动', '2026-01-10']);
  assert.equal(audits('flow.out', `flow:${fOut.id}`), 1);
  assert.equal(audits('member.change', `person:${P.a1}`), 0, 'the state change is a part of the flow\'s act');
  // registered twice: refused, naming who manages them
  const again = await U.fl_secA.post('/api/flows/out', { ...good, from_day: '2026-02-01' });
  assert.equal(again.status, 409);
  assert.match(again.data.error.message, new RegExp(orgHName));
  // a contact that is not a phone is kept as written
  const w = await U.fl_secA.post('/api/flows/out', { person_id: P.a3, reason: '学习进修', place: '北京市海淀区', from_day: '2026-03-01', contact: '微信 liubing2026' });
  assert.equal(w.status, 201, w.text);
  assert.equal(w.data.contact, '微信 liubing2026');
  assert.equal(w.data.manager_org_id, orgA, 'gone where the system has no organization: the home branch manages');
});

test('the receiving side sees the inflow; the managing branch\'s roll holds the member, the home roll does not', async () => {
  let r = await U.fl_secH.get('/api/flows?side=in');
  assert.equal(r.status, 200);
  assert.deepEqual(r.data.items.map((x) => x.id), [fOut.id]);
  assert.equal(r.data.items[0].home_org_name.length > 0, true);
  assert.equal(r.data.items[0].home_side, 0, 'the managing side does not record the return');
  assert.equal((await U.fl_secA.get('/api/flows?side=out')).data.items[0].home_side, 1);
  r = await U.fl_secH.get('/api/flows?side=out');
  assert.equal(r.data.total, 0, 'the 湖里 branch has no members gone out');
  r = await U.fl_secA.get(`/api/flows?side=out&org_id=${orgA}&sort=from_day`);
  assert.deepEqual(r.data.items.map((x) => x.name), ['流甲', '流丙']);
  r = await U.fl_secA.get('/api/flows?status=overdue');
  assert.deepEqual(r.data.items.map((x) => x.id), [fOut.id]);
  assert.equal((await U.fl_secA.get('/api/flows?status=later')).status, 400);
  assert.equal((await U.fl_secH.get(`/api/flows?org_id=${orgA}`)).status, 403);
  // the district of the home branch sees them
  r = await U.fl_siming.get('/api/flows?q=流');
  assert.equal(r.data.total, 2);
  // counts on each organization's page
  r = await U.fl_secA.get(`/api/flows/counts?org_id=${orgA}`);
  assert.deepEqual(r.data, { out_open: 2, out_overdue: 1, in_open: 0, in_overdue: 0, returned: 0 });
  r = await U.fl_secH.get(`/api/flows/counts?org_id=${orgH}`);
  assert.equal(r.data.in_open, 1);
  assert.equal(r.data.in_overdue, 1);
  // a meeting of the managing branch today has the member on its list; the home branch's does not
  r = await U.fl_secH.post(`/api/orgs/${orgH}/meetings`, { kind: '主题党日', day: today, start: '09:00', end: '10:00' });
  assert.equal(r.status, 201, r.text);
  assert.ok(r.data.attendees.some((a) => a.person_id === P.a1), 'on the managing roll');
  r = await U.fl_secA.post(`/api/orgs/${orgA}/meetings`, { kind: '主题党日', day: today, start: '09:00', end: '10:00' });
  assert.equal(r.status, 201, r.text);
  const home = r.data.attendees.map((a) => a.person_id);
  assert.ok(!home.includes(P.a1), 'not on the home roll while managed elsewhere');
  assert.ok(home.includes(P.a3), 'gone where no organization manages them: still on the home roll');
  // a meeting before the flow began: on the home roll then
  r = await U.fl_secA.post(`/api/orgs/${orgA}/meetings`, { kind: '党课', day: '2026-01-05', start: '09:00', end: '10:00' });
  assert.equal(r.status, 201, r.text);
  assert.ok(r.data.attendees.some((a) => a.person_id === P.a1), 'before the flow: on the home roll');
});

test('the overdue reminder reaches both the home and the managing secretaries', async () => {
  for (const u of ['fl_secA', 'fl_secH']) {
    const r = await U[u].get('/api/me/reminders');
    assert.equal(r.status, 200);
    const it = r.data.items.find((x) => x.kind === 'flow');
    assert.ok(it, `${u}: ${JSON.stringify(r.data.items)}`);
    assert.equal(it.count, 1);
    assert.match(it.title, /流动党员/);
  }
});

test('inflow by the receiving side: found by ID number and name; one not in the registry refused with what to do', async () => {
  const good = { id_number: id18('35020319890202712'), name: '流乙', org_id: orgH, reason: '随迁投亲', from_day: '2026-04-01', expect_day: addDays(today, 90), card_no: 'LD-IN-7' };
  let r = await U.fl_secH.post('/api/flows/in', { ...good, name: '别人' });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'name');
  r = await U.fl_secH.post('/api/flows/in', { ...good, id_number: id18('11010519800101001') });
  assert.equal(r.status, 404);
  assert.equal(r.data.error.field, 'id_number');
  assert.match(r.data.error.message, /党员名册/);
  assert.match(r.data.error.message, /登记/);
  assert.match(r.data.error.message, /转接/);
  r = await U.fl_secH.post('/api/flows/in', { ...good, id_number: '12345' });
  assert.equal(r.status, 400);
  // only into an organization of one's own scope
  assert.equal((await U.fl_secA.post('/api/flows/in', good)).status, 403);
  r = await U.fl_secH.post('/api/flows/in', good);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.direction, 'in');
  assert.equal(r.data.home_org_id, orgA);
  assert.equal(r.data.manager_org_id, orgH);
  assert.equal(r.data.card_no, 'LD-IN-7');
  assert.equal(r.data.status, 'open');
  assert.deepEqual(stateOf(P.a2), ['流动', '2026-04-01']);
  assert.equal(audits('flow.in', `flow:${r.data.id}`), 1);
  r = await U.fl_secH.post('/api/flows/in', good);
  assert.equal(r.status, 409);
  // the home side sees it among its members gone out
  r = await U.fl_secA.get('/api/flows?side=out&q=流乙');
  assert.equal(r.data.items[0].manager_org_name, orgHName);
});

test('inflow of a member whose home branch was managing the flow: the receiving side takes over from its day', async () => {
  const [[old]] = sql(`SELECT id FROM member_flow WHERE person_id = ${P.a3} AND to_day IS NULL`);
  let r = await U.fl_secH.post('/api/flows/in', { id_number: id18('35020319900303713'), name: '流丙', org_id: orgH, reason: '学习进修', from_day: '2026-02-01' });
  assert.equal(r.status, 400, 'not before the day they went');
  assert.equal(r.data.error.field, 'from_day');
  r = await U.fl_secH.post('/api/flows/in', { id_number: id18('35020319900303713'), name: '流丙', org_id: orgH, reason: '学习进修', from_day: '2026-05-01' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(sql(`SELECT to_day, ended FROM member_flow WHERE id = ${old}`)[0], ['2026-05-01', 'handed_over']);
  const listed = (await U.fl_secA.get('/api/flows?side=out&q=流丙&sort=from_day')).data.items;
  assert.deepEqual(listed.map((x) => x.status), ['handed_over', 'open']);
  assert.deepEqual(stateOf(P.a3), ['流动', '2026-03-01'], 'still 流动 since the day they went');
});

test('return: by the home branch, dated; state 正常 again; the flow closed', async () => {
  assert.equal((await U.fl_secH.post(`/api/flows/${fOut.id}/return`, { day: today })).status, 403, 'the managing side does not close it');
  let r = await U.fl_secA.post(`/api/flows/${fOut.id}/return`, { day: '2026-01-10' });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'day');
  r = await U.fl_secA.post(`/api/flows/${fOut.id}/return`, { day: addDays(today, 1) });
  assert.equal(r.status, 400);
  r = await U.fl_secA.post(`/api/flows/${fOut.id}/return`, { day: '2026-09-01', note: '返回原单位工作' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.to_day, '2026-09-01');
  assert.equal(r.data.status, 'returned');
  assert.deepEqual(stateOf(P.a1), ['正常', '2026-09-01']);
  assert.equal(audits('flow.return', `flow:${fOut.id}`), 1);
  r = await U.fl_secA.post(`/api/flows/${fOut.id}/return`, { day: '2026-09-02' });
  assert.equal(r.status, 409);
  r = await U.fl_secA.get(`/api/flows/counts?org_id=${orgA}`);
  assert.equal(r.data.returned, 1);
  // the roll after the return: home again
  r = await U.fl_secA.post(`/api/orgs/${orgA}/meetings`, { kind: '党小组会', day: today, start: '14:00', end: '15:00' });
  assert.equal(r.status, 201, r.text);
  assert.ok(r.data.attendees.some((a) => a.person_id === P.a1));
});

test('the list as a workbook, and organizations found by name for the destination', async () => {
  const buf = Buffer.from(await (await fetch(`${srv.base}/api/flows?side=out&sort=from_day&format=xlsx`, { headers: { cookie: U.fl_secA.cookieHeader() } })).arrayBuffer());
  const rows = sheetRows(buf);
  assert.deepEqual(rows[0].slice(0, 3), ['编号', '姓名', '所在党组织']);
  assert.ok(rows[0].includes('状态') && rows[0].includes('流动党员活动证号'));
  const json = (await U.fl_secA.get('/api/flows?side=out&sort=from_day&size=500')).data.items;
  assert.deepEqual(rows.slice(1).map((x) => x[1]), json.map((x) => x.name));
  assert.ok(rows.slice(1).some((x) => x.includes('已返回')));
  assert.equal(Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'list.export'")[0][0]) >= 1, true);
  const part = orgHName.slice(2);
  const r = await U.fl_secA.get(`/api/flows/orgs?q=${encodeURIComponent(part)}`);
  assert.equal(r.status, 200);
  assert.ok(r.data.items.some((o) => o.id === orgH), 'an organization outside the caller\'s scope is found');
  assert.equal((await U.fl_secA.get('/api/flows/orgs')).status, 400);
});
