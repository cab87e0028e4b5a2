// notice — notices (通知公告) with read receipts, and the reminders of the
// bell, over HTTP on the demo city: a secretary's notice to the branch and its
// audience taken from the registry that day, a district's and the city's;
// drafts, publishing and withdrawing (audited), checked fields named in
// Chinese, each role's reach; the member reads on their own side and the
// sender sees who read it and who has not (the list and its workbook); the
// reminders of a member (a meeting coming, a check-in open now, unread
// notices) and of those who run organizations (leave to answer, meetings not
// recorded, development steps overdue).  SQLite and PostgreSQL.
//
// Time is the server's (test-clock-file): 10:00:00 China time on the day after today.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, backend, addUser, loginAs } from './lib.mjs';
import { sheetRows } from './xlsx.mjs';

let srv, tmp, clockFile;
let orgA, orgHuli;
const P = {};    // person ids
const U = {};    // logged-in clients by user name
const USERS = [['nt_city', 'city'], ['nt_siming', 'district', '350203'], ['nt_sec', 'secretary', 'A'], ['nt_secH', 'secretary', 'H'],
  ['nt_m1', 'member'], ['nt_m2', 'member'], ['nt_mh', 'member'], ['nt_inv', 'investor', 'E']];

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
let today;

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'ejia-notice-'));
  clockFile = path.join(tmp, 'clock');
  const real = Math.floor(Date.now() / 1000);
  today = addDays(dayOf(real), 1);
  writeFileSync(clockFile, String(Math.floor(Date.parse(today + 'T10:00:00+08:00') / 1000) - real));
  srv = await startServer({ demo: true, args: ['--test-clock-file', clockFile] });
  const branches = sql("SELECT id, district_code FROM org WHERE kind = '党支部' AND dissolved_on IS NULL AND established_on <= '2018-01-01' ORDER BY id");
  orgA = Number(branches.find(([, d]) => d === '350203')[0]);
  orgHuli = Number(branches.find(([, d]) => d === '350206')[0]);
  const scope = { A: orgA, H: orgHuli, E: Number(sql('SELECT MIN(id) FROM enterprise')[0][0]) };
  for (const [u, role, s] of USERS) addUser(srv.db.url, u, role, s in scope ? String(scope[s]) : s);
  for (const [u] of USERS) U[u] = await loginAs(srv.base, u);
  const reg = async (name, body17, org, username) => {
    const r = await U.nt_city.post('/api/members', { name, id_number: id18(body17), org_id: org, category: '正式党员', joined_on: '2015-07-01', full_on: '2016-07-01', day: '2019-01-01', username });
    assert.equal(r.status, 201, r.text);
    return r.data.member.id;
  };
  P.m1 = await reg('通甲', '35020319880101781', orgA, 'nt_m1');
  P.m2 = await reg('通乙', '35020319890202782', orgA, 'nt_m2');
  P.mh = await reg('通丁', '35020619910404784', orgHuli, 'nt_mh');
});
after(async () => { await srv?.stop(); rmSync(tmp, { recursive: true, force: true }); });

let nA;   // the secretary's notice to branch A

test('writing a notice: checked fields named in Chinese, a draft, then published to the branch\'s members of the day', async () => {
  const bad = async (body, field, status = 400) => {
    const r = await U.nt_sec.post('/api/notices', { title: '关于开展主题党日活动的通知', body: '请各位党员准时参加。', ...body });
    assert.equal(r.status, status, r.text);
    if (field) assert.equal(r.data.error.field, field);
    assert.match(r.data.error.message, /[\u4e00-\u9fff]/);
  };
  await bad({ title: '通' }, 'title');
  await bad({ title: '第一行\n第二行' }, 'title');
  await bad({ title: '长'.repeat(101) }, 'title');
  await bad({ body: '   ' }, 'body');
  await bad({ body: '正文\u0007' }, 'body');
  await bad({ colour: 'red' }, 'colour');
  await bad({ org_id: orgHuli }, null, 403);          // another district's branch: outside the secretary's scope
  assert.equal((await U.nt_m1.post('/api/notices', { title: '党员发通知', body: '不行' })).status, 403);
  assert.equal((await U.nt_inv.post('/api/notices', { title: '出资人发通知', body: '不行' })).status, 403);

  let r = await U.nt_sec.post('/api/notices', { title: '关于开展主题党日活动的通知', body: '请各位党员本周五下午准时参加。\n地点：党员活动室。', draft: true });
  assert.equal(r.status, 201, r.text);
  nA = r.data.id;
  assert.equal(r.data.state, 'draft');
  assert.equal(r.data.recipients, 0);
  assert.equal(r.data.level, 'org');
  assert.equal(audits('notice.create', `notice:${nA}`), 1);
  // a draft reaches nobody yet
  assert.ok(!(await U.nt_m1.get('/api/me/notices')).data.items.some((n) => n.id === nA));
  r = await U.nt_sec.post(`/api/notices/${nA}/publish`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.state, 'published');
  assert.equal(r.data.channels, 'app');
  const [[onRoll]] = sql(`SELECT COUNT(*) FROM member WHERE org_path LIKE (SELECT path FROM org WHERE id = ${orgA}) || '%' AND state IN ('正常', '流动', '失联')`);
  assert.equal(r.data.recipients, Number(onRoll));
  assert.ok(r.data.recipients >= 2);
  assert.equal(r.data.read_count, 0);
  assert.equal(r.data.unread, r.data.recipients);
  assert.equal(audits('notice.publish', `notice:${nA}`), 1);
  r = await U.nt_sec.post(`/api/notices/${nA}/publish`, {});
  assert.equal(r.status, 409);
  assert.match(r.data.error.message, /已经发布/);
});

test('the member reads on their own side; the sender sees who read it and who has not', async () => {
  let r = await U.nt_m1.get('/api/me/notices');
  assert.equal(r.status, 200);
  const mine = r.data.items.find((n) => n.id === nA);
  assert.ok(mine, 'the notice is in the member\'s list');
  assert.equal(mine.is_read, 0);
  assert.ok(r.data.unread >= 1);
  assert.equal(mine.scope_name, sql(`SELECT name FROM org WHERE id = ${orgA}`)[0][0]);
  // not sent to the 湖里 member
  assert.ok(!(await U.nt_mh.get('/api/me/notices')).data.items.some((n) => n.id === nA));
  assert.equal((await U.nt_mh.get(`/api/me/notices/${nA}`)).status, 404);
  assert.equal((await U.nt_mh.post(`/api/me/notices/${nA}/read`, {})).status, 404);
  r = await U.nt_m1.get(`/api/me/notices/${nA}`);
  assert.equal(r.status, 200);
  assert.match(r.data.body, /党员活动室/);
  assert.equal(r.data.is_read, 0, 'opening it does not mark it read');
  r = await U.nt_m1.post(`/api/me/notices/${nA}/read`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.is_read, 1);
  const first = r.data.read_at;
  // again: audited, the first reading stays, counted once
  r = await U.nt_m1.post(`/api/me/notices/${nA}/read`, {});
  assert.equal(r.status, 200);
  assert.equal(r.data.read_at, first);
  assert.equal(audits('notice.read', `notice:${nA}`), 2);
  r = await U.nt_sec.get(`/api/notices/${nA}`);
  assert.equal(r.data.read_count, 1);
  assert.equal(r.data.unread, r.data.recipients - 1);
  // who has not read it
  r = await U.nt_sec.get(`/api/notices/${nA}/recipients?read=0&size=200`);
  assert.equal(r.status, 200);
  assert.equal(r.data.total, r.data.items.length);
  assert.ok(r.data.items.some((x) => x.person_id === P.m2 && x.name === '通乙' && x.read_time === null));
  assert.ok(!r.data.items.some((x) => x.person_id === P.m1));
  r = await U.nt_sec.get(`/api/notices/${nA}/recipients?read=1`);
  assert.deepEqual(r.data.items.map((x) => x.person_id), [P.m1]);
  assert.match(r.data.items[0].read_time, new RegExp(`^${today} 10:0\\d$`), 'read at China time');
  assert.ok(r.data.items[0].org_name);
  assert.equal((await U.nt_sec.get(`/api/notices/${nA}/recipients?read=2`)).data.error.field, 'read');
  // the list of those who have not read it as a workbook, the same rows
  r = await U.nt_sec.get(`/api/notices/${nA}/recipients?read=0&format=xlsx`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  const buf = Buffer.from(await (await fetch(`${srv.base}/api/notices/${nA}/recipients?read=0&format=xlsx&sort=name`, { headers: { cookie: U.nt_sec.cookieHeader() } })).arrayBuffer());
  const rows = sheetRows(buf);
  assert.deepEqual(rows[0], ['姓名', '所在党组织', '阅读时间']);
  const names = (await U.nt_sec.get(`/api/notices/${nA}/recipients?read=0&sort=name&size=500`)).data.items.map((x) => x.name);
  assert.deepEqual(rows.slice(1).map((x) => x[0]), names);
});

test('each office reaches its own area: the district, the city; the lists keep to the scope', async () => {
  let r = await U.nt_siming.post('/api/notices', { title: '思明区关于党费收缴工作的通知', body: '请各支部按时收缴党费。' });
  assert.equal(r.status, 201, r.text);
  const nD = r.data.id;
  assert.equal(r.data.level, 'district');
  assert.equal(r.data.scope_name, '思明区');
  const [[inDistrict]] = sql("SELECT COUNT(*) FROM member WHERE district_code = '350203' AND state IN ('正常', '流动', '失联')");
  assert.equal(r.data.recipients, Number(inDistrict));
  r = await U.nt_city.post('/api/notices', { title: '全市关于学习贯彻全会精神的通知', body: '全市各级党组织认真学习。' });
  assert.equal(r.status, 201, r.text);
  const nC = r.data.id;
  assert.equal(r.data.scope_name, '全市');
  const [[all]] = sql("SELECT COUNT(*) FROM member WHERE state IN ('正常', '流动', '失联')");
  assert.equal(r.data.recipients, Number(all));
  // the 湖里 member has the city's, not the district's
  const hs = (await U.nt_mh.get('/api/me/notices?size=100')).data.items.map((n) => n.id);
  assert.ok(hs.includes(nC) && !hs.includes(nD));
  const ms = (await U.nt_m1.get('/api/me/notices?size=100')).data.items.map((n) => n.id);
  assert.ok(ms.includes(nC) && ms.includes(nD) && ms.includes(nA), JSON.stringify({ ms, nA, nD, nC }));
  assert.deepEqual(ms.slice(0, 2), [nC, nD], 'newest first');
  // the lists: the district sees its branch's notice and its own, not the city's
  const ids = async (c, q = '') => (await c.get(`/api/notices?size=200${q}`)).data.items.map((n) => n.id);
  const d = await ids(U.nt_siming);
  assert.ok(d.includes(nA) && d.includes(nD) && !d.includes(nC));
  const s = await ids(U.nt_sec);
  assert.ok(s.includes(nA) && !s.includes(nD));
  assert.deepEqual(await ids(U.nt_secH), (await ids(U.nt_secH)).filter((x) => ![nA, nD, nC].includes(x)));
  const c = await ids(U.nt_city);
  assert.ok([nA, nD, nC].every((x) => c.includes(x)));
  assert.deepEqual(await ids(U.nt_city, '&q=党费收缴工作'), [nD]);
  assert.equal((await U.nt_city.get('/api/notices?state=sent')).data.error.field, 'state');
  assert.equal((await U.nt_secH.get(`/api/notices/${nA}`)).status, 403);
  assert.equal((await U.nt_secH.get(`/api/notices/${nA}/recipients`)).status, 403);
  assert.equal((await U.nt_siming.get(`/api/notices/${nC}`)).status, 403);
  assert.equal((await U.nt_m1.get('/api/notices')).status, 403);
  r = await U.nt_city.get('/api/notices?format=xlsx');
  assert.equal(r.status, 200);
});

test('withdrawing: a reason, audited; the notice leaves the members\' lists, its receipts stay', async () => {
  let r = await U.nt_sec.post(`/api/notices/${nA}/withdraw`, {});
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'reason');
  assert.equal((await U.nt_secH.post(`/api/notices/${nA}/withdraw`, { reason: '发错了' })).status, 403);
  r = await U.nt_sec.post(`/api/notices/${nA}/withdraw`, { reason: '活动时间调整，另行通知' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.state, 'withdrawn');
  assert.equal(r.data.withdraw_reason, '活动时间调整，另行通知');
  assert.equal(r.data.read_count, 1);
  assert.equal(audits('notice.withdraw', `notice:${nA}`), 1);
  assert.ok(!(await U.nt_m2.get('/api/me/notices')).data.items.some((n) => n.id === nA));
  assert.equal((await U.nt_m2.get(`/api/me/notices/${nA}`)).status, 404);
  assert.equal((await U.nt_m2.post(`/api/me/notices/${nA}/read`, {})).status, 404);
  r = await U.nt_sec.post(`/api/notices/${nA}/withdraw`, { reason: '再撤一次' });
  assert.equal(r.status, 409);
  r = await U.nt_sec.post(`/api/notices/${nA}/publish`, {});
  assert.equal(r.status, 409);
});

test('reminders: a meeting coming, a check-in open now, unread notices; the duties of those who run organizations', async () => {
  // a meeting of branch A now (10:00–11:00: its check-in is open) and one in three days
  let r = await U.nt_sec.post(`/api/orgs/${orgA}/meetings`, { kind: '党课', day: today, start: '10:00', end: '11:00', topic: '提醒测试一' });
  assert.equal(r.status, 201, r.text);
  const now = r.data.id;
  r = await U.nt_sec.post(`/api/orgs/${orgA}/meetings`, { kind: '主题党日', day: addDays(today, 3), start: '14:00', end: '16:00', topic: '提醒测试二', place: '党员活动室' });
  assert.equal(r.status, 201, r.text);
  const later = r.data.id;
  r = await U.nt_sec.post(`/api/orgs/${orgA}/meetings`, { kind: '党课', day: addDays(today, 30), start: '14:00', end: '16:00', topic: '提醒测试三' });
  const far = r.data.id;
  r = await U.nt_m2.get('/api/me/reminders');
  assert.equal(r.status, 200, r.text);
  const kinds = (items) => items.map((x) => x.kind);
  const checkin = r.data.items.find((x) => x.kind === 'checkin' && x.meeting_id === now);
  assert.ok(checkin, JSON.stringify(r.data.items));
  assert.match(checkin.title, /正在签到/);
  const coming = r.data.items.find((x) => x.kind === 'meeting' && x.meeting_id === later);
  assert.ok(coming);
  assert.match(coming.detail, /党员活动室/);
  assert.ok(!r.data.items.some((x) => x.meeting_id === far), 'beyond rule-remind-meeting-days');
  const unread = r.data.items.find((x) => x.kind === 'notice');
  assert.equal(unread.count, (await U.nt_m2.get('/api/me/notices')).data.unread);
  assert.ok(!kinds(r.data.items).some((k) => ['leave', 'unrecorded', 'develop'].includes(k)), 'a member has no duties');
  assert.equal(r.data.count, r.data.items.reduce((s, x) => s + x.count, 0));
  // reading clears the unread count
  for (const n of (await U.nt_m2.get('/api/me/notices?size=100')).data.items.filter((n) => !n.is_read))
    assert.equal((await U.nt_m2.post(`/api/me/notices/${n.id}/read`, {})).status, 200);
  assert.ok(!(await U.nt_m2.get('/api/me/reminders')).data.items.some((x) => x.kind === 'notice'));
  // leave asked: the secretary's bell counts it
  const duty = async (c, kind) => (await c.get('/api/me/reminders')).data.items.find((x) => x.kind === kind)?.count || 0;
  const leave0 = await duty(U.nt_sec, 'leave');
  assert.equal((await U.nt_m2.post(`/api/me/meetings/${later}/leave`, { reason: '出差' })).status, 204);
  assert.equal(await duty(U.nt_sec, 'leave'), leave0 + 1);
  assert.equal(await duty(U.nt_siming, 'leave'), await duty(U.nt_siming, 'leave'));
  assert.ok(await duty(U.nt_siming, 'leave') >= 1, 'the district sees its branches\' duties');
  assert.equal(await duty(U.nt_secH, 'leave'), Number(sql(`SELECT COUNT(*) FROM meeting_attendee a JOIN meeting m ON m.id = a.meeting_id WHERE a.leave_state = 'requested' AND m.state = 'planned' AND m.org_path LIKE '%/${orgHuli}/%'`)[0][0]));
  // a planned meeting whose day passed without a record
  const un0 = await duty(U.nt_sec, 'unrecorded');
  r = await U.nt_sec.post(`/api/orgs/${orgA}/meetings`, { kind: '党小组会', day: addDays(today, -2), start: '09:00', end: '10:00' });
  assert.equal(r.status, 201, r.text);
  assert.equal(await duty(U.nt_sec, 'unrecorded'), un0 + 1);
  // development steps overdue in the city
  const [[overdue]] = sql(`SELECT COUNT(*) FROM develop_applicant WHERE status = 'active' AND next_due < '${today}'`);
  assert.equal(await duty(U.nt_city, 'develop'), Number(overdue));
  // an investor has nothing to be reminded of; after the check-in the meeting leaves the bell
  r = await U.nt_inv.get('/api/me/reminders');
  assert.deepEqual(r.data, { count: 0, items: [] });
  const tok = await U.nt_sec.get(`/api/meetings/${now}/checkin-token`);
  assert.equal(tok.status, 200, tok.text);
  assert.equal((await U.nt_m2.post('/api/checkin', { token: tok.data.token })).status, 200);
  assert.ok(!(await U.nt_m2.get('/api/me/reminders')).data.items.some((x) => x.meeting_id === now));
});
