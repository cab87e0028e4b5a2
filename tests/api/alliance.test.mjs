// alliance — 党建联盟 over HTTP on the demo city (issue 23): the list keeps to
// the caller's scope (the lead organization's), filtered by kind, district and
// park, exported as a workbook (audited); an alliance created by a district
// office, a member of another district refused with the member rule and added
// by the city; edited; a member added by the park office only inside the park;
// a membership ended (not the lead's); the members as of a day; a joint
// activity recorded by the lead branch's secretary (members of the day only,
// the people of the participating organizations; an activity-log line per
// organization), a photo and the minutes uploaded and read back (audited); an
// organization's alliances; the map's feed; dissolving.  SQLite and
// PostgreSQL.
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

let srv, tmp, today, lead, sim1, sim2, huliOrg, parkOrg, demo;
const U = {};

function sql(q) {
  const r = backend === 'sqlite'
    ? spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', srv.db.url, q], { encoding: 'utf8' })
    : spawnSync('psql', [srv.db.url, '-qAtc', q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}
const dayOf = (t) => new Date((t + 8 * 3600) * 1000).toISOString().slice(0, 10);
const addDays = (day, n) => new Date(Date.parse(day + 'T00:00:00Z') + n * 86400000).toISOString().slice(0, 10);
const audits = (action, object) => Number(sql(`SELECT COUNT(*) FROM audit WHERE action = '${action}' AND object = '${object}'`)[0][0]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 4, 0, 0, 0, 3]);
const PDF = Buffer.from('%PDF-1.4\n% 纪要\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const branch = (where) => Number(sql(`SELECT MIN(o.id) FROM org o WHERE o.dissolved_on IS NULL AND o.kind = '党支部' AND o.established_on < '2020-01-01' AND ${where} AND EXISTS (SELECT 1 FROM member m WHERE m.org_id = o.id)`)[0][0]);

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'ejia-alliance-'));
  const clockFile = path.join(tmp, 'clock');
  const real = Math.floor(Date.now() / 1000);
  today = addDays(dayOf(real), 1);
  writeFileSync(clockFile, String(Math.floor(Date.parse(today + 'T10:00:00+08:00') / 1000) - real));
  srv = await startServer({ demo: true, args: ['--test-clock-file', clockFile, '--meeting-files-dir', path.join(tmp, 'files'), '--password-max-age-days', '0'] });
  // the demo's industry alliance of 软件园二期 and its lead branch
  demo = Number(sql("SELECT id FROM alliance WHERE kind = '行业'")[0][0]);
  lead = Number(sql(`SELECT lead_org_id FROM alliance WHERE id = ${demo}`)[0][0]);
  // branches of 思明区 outside the parks, of 湖里区, of 软件园二期 (none of them in the demo's alliances)
  const free = 'NOT EXISTS (SELECT 1 FROM alliance_member x WHERE x.org_id = o.id)';
  sim1 = branch(`o.district_code = '350203' AND o.park_code IS NULL AND ${free}`);
  sim2 = branch(`o.district_code = '350203' AND o.park_code IS NULL AND ${free} AND o.id <> ${sim1}`);
  huliOrg = branch(`o.district_code = '350206' AND ${free}`);
  parkOrg = branch(`o.park_code = 'P0002' AND ${free}`);
  const users = [['al_city', 'city'], ['al_siming', 'district', '350203'], ['al_huli', 'district', '350206'], ['al_park', 'park', 'P0002'], ['al_sec', 'secretary', String(lead)]];
  for (const [u, role, s] of users) addUser(srv.db.url, u, role, s);
  for (const [u] of users) U[u] = await loginAs(srv.base, u);
});
after(async () => { await srv?.stop(); rmSync(tmp, { recursive: true, force: true }); });

test('the list keeps to the lead organization\'s scope, filtered by kind, district and park; exported as a workbook (audited)', async () => {
  const all = await U.al_city.get('/api/alliances?size=100');
  assert.equal(all.status, 200, all.text);
  assert.equal(all.data.total, 3);
  const sim = await U.al_siming.get('/api/alliances?size=100');
  assert.deepEqual(sim.data.items.map((x) => x.district_code), ['350203', '350203']);
  const huli = await U.al_huli.get('/api/alliances');
  assert.deepEqual(huli.data.items.map((x) => x.kind), ['园区']);
  const park = await U.al_park.get('/api/alliances');
  assert.deepEqual(park.data.items.map((x) => x.id), [demo]);
  const d = park.data.items[0];
  assert.ok(d.members >= 4, JSON.stringify(d));
  assert.equal(d.activities, 2);
  assert.equal((await U.al_city.get('/api/alliances?kind=行业')).data.total, 1);
  assert.equal((await U.al_city.get('/api/alliances?district=350206')).data.total, 1);
  assert.equal((await U.al_city.get('/api/alliances?park=P0002')).data.items[0].id, demo);
  const bad = await U.al_city.get('/api/alliances?kind=区域');
  assert.equal(bad.status, 400);
  assert.equal(bad.data.error.field, 'kind');
  assert.match(bad.data.error.message, /跨企业、园区 或 行业/);
  const ex0 = Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'list.export' AND object = '/api/alliances'")[0][0]);
  const buf = Buffer.from(await (await fetch(`${srv.base}/api/alliances?format=xlsx`, { headers: { cookie: U.al_siming.cookieHeader() } })).arrayBuffer());
  const rows = sheetRows(buf);
  assert.deepEqual(rows[0].slice(0, 3), ['联盟名称', '类型', '牵头组织']);
  assert.equal(rows.length, 3);
  assert.ok(rows.some((r) => r.includes(d.name) && r.includes('行业')));
  assert.equal(Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'list.export' AND object = '/api/alliances'")[0][0]), ex0 + 1);
});

let made;
test('created by a district office: another district\'s branch refused with the member rule, the lead outside the scope refused; edited', async () => {
  const body = { name: '思明区测试党建联盟', kind: '跨企业', lead_org_id: sim1, founded_on: addDays(today, -200), description: '结对共建' };
  let r = await U.al_siming.post('/api/alliances', { ...body, members: [{ org_id: huliOrg }] });
  assert.equal(r.status, 403, r.text);
  assert.equal(r.data.error.field, 'members');
  assert.match(r.data.error.message, /不在您的管辖范围内.*联盟成员规则.*区委组织部/);
  r = await U.al_huli.post('/api/alliances', body);
  assert.equal(r.status, 403, r.text);   // the lead outside 湖里区 (the route's scope)
  r = await U.al_siming.post('/api/alliances', { ...body, kind: '区域' });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'kind');
  r = await U.al_siming.post('/api/alliances', { ...body, founded_on: addDays(today, 1) });
  assert.equal(r.status, 400);
  assert.match(r.data.error.message, /晚于今天/);
  r = await U.al_siming.post('/api/alliances', { ...body, name: '软件园二期软件和信息服务业党建联盟' });
  assert.equal(r.status, 409);
  assert.match(r.data.error.message, /已有名为/);
  r = await U.al_siming.post('/api/alliances', { ...body, members: [{ org_id: sim2, joined_on: addDays(today, -100) }] });
  assert.equal(r.status, 201, r.text);
  made = r.data.id;
  assert.equal(audits('alliance.create', `alliance:${made}`), 1);
  assert.deepEqual(r.data.members.map((m) => [m.org_id, m.role, m.current]), [[sim1, 'lead', 1], [sim2, 'member', 1]]);
  // edited
  r = await U.al_siming.put(`/api/alliances/${made}`, { name: '思明区测试党建联盟（二期）', description: '' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.name, '思明区测试党建联盟（二期）');
  assert.equal(r.data.description, null);
  assert.equal(audits('alliance.update', `alliance:${made}`), 1);
  r = await U.al_siming.put(`/api/alliances/${made}`, { founded_on: addDays(today, -50) });
  assert.equal(r.status, 400);
  assert.match(r.data.error.message, /成立日期不能晚于/);
  assert.equal((await U.al_huli.put(`/api/alliances/${made}`, { name: '越权修改' })).status, 403);
});

test('members: the park office adds only inside its park, the city anyone; a membership ends (not the lead\'s); the members as of a day', async () => {
  const day = addDays(today, -30);
  // the park office works on the demo alliance it leads: a 思明 branch outside the park is refused
  let r = await U.al_park.post(`/api/alliances/${demo}/members`, { org_id: sim1, joined_on: day });
  assert.equal(r.status, 403, r.text);
  assert.match(r.data.error.message, /联盟成员规则/);
  r = await U.al_park.post(`/api/alliances/${demo}/members`, { org_id: parkOrg, joined_on: addDays(today, 3) });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'joined_on');
  r = await U.al_park.post(`/api/alliances/${demo}/members`, { org_id: lead, joined_on: day });
  assert.equal(r.status, 409);
  assert.match(r.data.error.message, /牵头组织/);
  const adds0 = audits('alliance.member.add', `alliance:${demo}`);
  r = await U.al_park.post(`/api/alliances/${demo}/members`, { org_id: parkOrg, joined_on: day, note: '新入盟' });
  assert.equal(r.status, 201, r.text);
  assert.equal(audits('alliance.member.add', `alliance:${demo}`), adds0 + 1);
  r = await U.al_park.post(`/api/alliances/${demo}/members`, { org_id: parkOrg, joined_on: day });
  assert.equal(r.status, 409);
  // the city adds 湖里's branch to 思明's alliance
  r = await U.al_siming.post(`/api/alliances/${made}/members`, { org_id: huliOrg, joined_on: day });
  assert.equal(r.status, 403);
  r = await U.al_city.post(`/api/alliances/${made}/members`, { org_id: huliOrg, joined_on: day });
  assert.equal(r.status, 201, r.text);
  const hm = r.data.members.find((m) => m.org_id === huliOrg);
  // ending: not the lead's, not by 思明区 (湖里's branch), not before it joined; by the city
  const leadM = r.data.members.find((m) => m.role === 'lead');
  r = await U.al_siming.post(`/api/alliances/${made}/members/${leadM.id}/leave`, { left_on: today });
  assert.equal(r.status, 409);
  assert.match(r.data.error.message, /牵头组织，不能退出/);
  r = await U.al_siming.post(`/api/alliances/${made}/members/${hm.id}/leave`, { left_on: today });
  assert.equal(r.status, 403);
  assert.match(r.data.error.message, /联盟成员规则/);
  r = await U.al_city.post(`/api/alliances/${made}/members/${hm.id}/leave`, { left_on: addDays(day, -1) });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'left_on');
  r = await U.al_city.post(`/api/alliances/${made}/members/${hm.id}/leave`, { left_on: addDays(day, 10), note: '结对期满' });
  assert.equal(r.status, 200, r.text);
  assert.equal(audits('alliance.member.leave', `alliance:${made}`), 1);
  // as of a day
  const on = async (d) => (await U.al_siming.get(`/api/alliances/${made}?day=${d}`)).data.members.filter((m) => m.current).map((m) => m.org_id);
  assert.deepEqual(await on(addDays(day, 5)), [sim1, sim2, huliOrg]);
  assert.deepEqual(await on(addDays(day, 10)), [sim1, sim2]);
  assert.deepEqual(await on(addDays(today, -150)), [sim1]);
  assert.equal((await U.al_siming.get(`/api/alliances/${made}?day=2026-02-30`)).data.error.field, 'day');
});

let act;
test('a joint activity by the lead branch\'s secretary: members of the day, people of the participating organizations; a log line per organization', async () => {
  const g = (await U.al_sec.get(`/api/alliances/${demo}`)).data;
  assert.equal(g.may_record, true);
  assert.equal(g.may_write, false);
  const orgs = g.members.filter((m) => m.current).map((m) => m.org_id).slice(0, 3);
  const people = sql(`SELECT person_id FROM member WHERE org_id = ${orgs[0]} ORDER BY person_id LIMIT 2`).map((r) => Number(r[0]));
  const other = Number(sql(`SELECT MIN(person_id) FROM member WHERE org_id = ${huliOrg}`)[0][0]);
  const body = { day: today, place: '软件园二期党群服务中心', topic: '联合主题党日', content: '学习交流，签订共建协议。', org_ids: orgs, person_ids: people, attendance: 20 };
  let r = await U.al_sec.post(`/api/alliances/${demo}/activities`, { ...body, org_ids: [...orgs, huliOrg] });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.data.error.field, 'org_ids');
  assert.match(r.data.error.message, /不是“.*”的成员/);
  r = await U.al_sec.post(`/api/alliances/${demo}/activities`, { ...body, person_ids: [...people, other] });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'person_ids');
  r = await U.al_sec.post(`/api/alliances/${demo}/activities`, { ...body, attendance: 1 });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'attendance');
  r = await U.al_sec.post(`/api/alliances/${demo}/activities`, { ...body, topic: '' });
  assert.equal(r.status, 400);
  assert.equal((await U.al_huli.post(`/api/alliances/${demo}/activities`, body)).status, 403);
  const n0 = audits('alliance.activity', `alliance:${demo}`);
  r = await U.al_sec.post(`/api/alliances/${demo}/activities`, body);
  assert.equal(r.status, 201, r.text);
  assert.equal(audits('alliance.activity', `alliance:${demo}`), n0 + 1);
  act = r.data.activities[0];
  assert.equal(act.topic, '联合主题党日');
  assert.deepEqual(act.orgs.map((o) => o.org_id).sort(), [...orgs].sort());
  assert.deepEqual(act.people.map((p) => p.person_id), people);
  assert.equal(act.attendance, 20);
  const log = sql(`SELECT org_id, kind, day FROM activity WHERE ref = 'alliance_activity:${act.id}' ORDER BY org_id`);
  assert.deepEqual(log.map((x) => Number(x[0])), [...orgs].sort((a, b) => a - b));
  assert.ok(log.every((x) => x[1] === 'alliance.activity' && x[2] === today));
});

test('a photo and the minutes of the activity: checked by content, kept, read back (audited)', async () => {
  const up = (kind, bytes, name) => {
    const fd = new FormData();
    fd.append('kind', kind);
    fd.append('file', new Blob([bytes]), name);
    return U.al_sec.req('POST', `/api/alliance-activities/${act.id}/files`, { body: fd });
  };
  let r = await up('photo', Buffer.from('not a picture'), 'x.png');
  assert.equal(r.status, 400, r.text);
  assert.match(r.data.error.message, /JPEG、PNG 或 WebP/);
  r = await up('photo', PDF, 'x.pdf');
  assert.equal(r.status, 400);
  r = await up('video', PNG, 'x.png');
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'kind');
  const n0 = audits('alliance.file.add', `alliance:${demo}`);
  r = await up('photo', PNG, '合影.png');
  assert.equal(r.status, 201, r.text);
  r = await up('minutes', PDF, '纪要.pdf');
  assert.equal(r.status, 201, r.text);
  assert.equal(audits('alliance.file.add', `alliance:${demo}`), n0 + 2);
  const files = r.data.activities.find((a) => a.id === act.id).files;
  assert.deepEqual(files.map((f) => [f.kind, f.filename, f.mime]), [['photo', '合影.png', 'image/png'], ['minutes', '纪要.pdf', 'application/pdf']]);
  const g = await U.al_park.req('GET', `/api/alliance-activities/${act.id}/files/${files[1].id}`);
  assert.equal(g.status, 200);
  assert.equal(audits('alliance.file.read', `alliance_activity:${act.id}`), 1);
  assert.equal((await U.al_huli.req('GET', `/api/alliance-activities/${act.id}/files/${files[1].id}`)).status, 403);
  assert.equal((await U.al_park.req('GET', `/api/alliance-activities/${act.id}/files/99999`)).status, 404);
});

test('an organization\'s alliances today, with whether the caller may open each; the map\'s feed', async () => {
  let r = await U.al_sec.get(`/api/orgs/${lead}/alliances`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.data.items.map((x) => [x.id, x.role, x.open]), [[demo, 'lead', true]]);
  r = await U.al_huli.get(`/api/orgs/${huliOrg}/alliances`);
  assert.deepEqual(r.data.items, []);   // it left 思明's alliance
  r = await U.al_city.get(`/api/orgs/${parkOrg}/alliances`);
  assert.deepEqual(r.data.items.map((x) => [x.id, x.role, x.open]), [[demo, 'member', true]]);
  // the map: per alliance in scope, its members' enterprises
  r = await U.al_park.get('/api/alliances/map');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.data.items.map((x) => x.id), [demo]);
  const m = r.data.items[0];
  assert.equal(m.kind, '行业');
  const ents = sql(`SELECT DISTINCT c.enterprise_id FROM org_cover c JOIN alliance_member m ON m.org_id = c.org_id WHERE m.alliance_id = ${demo} AND m.joined_on <= '${today}' AND (m.left_on IS NULL OR m.left_on > '${today}') AND c.from_day <= '${today}' AND (c.to_day IS NULL OR c.to_day > '${today}') ORDER BY 1`).map((x) => Number(x[0]));
  assert.deepEqual([...m.enterprise_ids].sort((a, b) => a - b), ents);
  assert.ok(m.members.every((x) => Array.isArray(x.enterprise_ids)));
  assert.equal((await U.al_city.get('/api/alliances/map')).data.items.length, 4);
  assert.equal((await U.al_huli.get('/api/alliances/map')).data.items.length, 1);
  assert.equal((await U.al_city.get('/api/alliances/map?day=2026-13-01')).status, 400);
});

test('dissolved: every membership ends that day, no more activities or edits', async () => {
  let r = await U.al_siming.put(`/api/alliances/${made}`, { dissolved_on: addDays(today, -300) });
  assert.equal(r.status, 400);
  r = await U.al_siming.put(`/api/alliances/${made}`, { dissolved_on: today });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.dissolved_on, today);
  assert.ok(r.data.members.every((m) => m.left_on));
  r = await U.al_siming.post(`/api/alliances/${made}/activities`, { day: today, place: '会议室', topic: '解散后活动', org_ids: [sim1], attendance: 3 });
  assert.equal(r.status, 400);
  assert.match(r.data.error.message, /已于 .* 解散/);
  r = await U.al_siming.put(`/api/alliances/${made}`, { name: '再改名' });
  assert.equal(r.status, 409);
  assert.equal((await U.al_siming.get('/api/alliances?state=dissolved')).data.items[0].id, made);
  assert.equal((await U.al_siming.get('/api/alliances')).data.total, 2);
});
