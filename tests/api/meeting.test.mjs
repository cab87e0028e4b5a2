// meeting — organizational life (三会一课 and 主题党日) over HTTP on the demo
// city: planning (validation, the kinds an organization owes, the year
// proposed), leave asked and answered, the phone check-in (happy path,
// replayed, stale, forged and foreign tokens, outside the window, refusals
// audited), recording with the quorum of a 支部党员大会, the lock and
// amendments, compliance and the scorecard at the edges of months, quarters
// and a leap February, the roll-ups and rankings, the member's own meetings,
// and each role's reach.  SQLite and PostgreSQL.
//
// Time is the server's (test-clock-file): it starts at 10:00:00 China time on
// the day after today and only moves forward in large steps, so no answer
// depends on how long a request takes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, backend, addUser, loginAs, ejia } from './lib.mjs';

let srv, tmp, clockFile, clock = 0;
let orgA, orgB, orgHuli;
const P = {};    // person ids
const U = {};    // logged-in clients by user name
const USERS = [['mt_city', 'city'], ['mt_siming', 'district', '350203'], ['mt_huli', 'district', '350206'],
  ['mt_sec', 'secretary', 'A'], ['mt_admin', 'org_admin', 'A'], ['mt_adminB', 'org_admin', 'B'], ['mt_secH', 'secretary', 'H'],
  ['mt_m1', 'member'], ['mt_m2', 'member'], ['mt_m3', 'member'], ['mt_mh', 'member'], ['mt_inv', 'investor', 'E']];

function sql(q) {
  const r = backend === 'sqlite'
    // a busy timeout: the server may be writing (its 旬 bulletins at start) when this writes
    ? spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', srv.db.url, q], { encoding: 'utf8' })
    : spawnSync('psql', [srv.db.url, '-qAtc', q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}
function id18(body17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  return body17 + '10X98765432'[[...body17].reduce((s, c, i) => s + Number(c) * w[i], 0) % 11];
}
const setClock = (s) => { clock = s; writeFileSync(clockFile, String(s)); };
const now = () => Math.floor(Date.now() / 1000) + clock;
// China's local day and time of an epoch second
const local = (t) => new Date((t + 8 * 3600) * 1000).toISOString();
const dayOf = (t) => local(t).slice(0, 10);
const addDays = (day, n) => new Date(Date.parse(day + 'T00:00:00Z') + n * 86400000).toISOString().slice(0, 10);
let today;   // the server's day

async function relogin() {
  for (const [u] of USERS) U[u] = await loginAs(srv.base, u);
}

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'ejia-meeting-'));
  clockFile = path.join(tmp, 'clock');
  // 10:00:00 China time tomorrow
  const real = Math.floor(Date.now() / 1000);
  const tomorrow = addDays(dayOf(real), 1);
  setClock(Math.floor(Date.parse(tomorrow + 'T10:00:00+08:00') / 1000) - real);
  today = tomorrow;
  // small photo limits, to test them without a large upload
  srv = await startServer({ demo: true, args: ['--test-clock-file', clockFile, '--meeting-photo-max-bytes', '65536', '--meeting-photo-max-count', '3'] });
  const branches = sql("SELECT id, district_code FROM org WHERE kind = '党支部' AND dissolved_on IS NULL AND established_on <= '2018-01-01' ORDER BY id");
  [orgA, orgB] = branches.filter(([, d]) => d === '350203').map(([id]) => Number(id));
  orgHuli = Number(branches.find(([, d]) => d === '350206')[0]);
  // orgB starts with no meetings of its own (the demo gives every branch a year of them): the edges below count from nothing
  sql(`DELETE FROM meeting_attendee WHERE meeting_id IN (SELECT id FROM meeting WHERE org_id = ${orgB})`);
  sql(`DELETE FROM meeting WHERE org_id = ${orgB}`);
  sql(`DELETE FROM meeting_month WHERE org_id = ${orgB}`);   // and its months and last day as the roll-ups keep them
  sql(`DELETE FROM meeting_last WHERE org_id = ${orgB}`);
  const scope = { A: orgA, B: orgB, H: orgHuli, E: Number(sql('SELECT MIN(id) FROM enterprise')[0][0]) };
  for (const [u, role, s] of USERS) addUser(srv.db.url, u, role, s in scope ? String(scope[s]) : s);
  await relogin();
  // four members of our own, on the rolls since 2019
  const reg = async (name, body17, org, category, username) => {
    const r = await U.mt_city.post('/api/members', { name, id_number: id18(body17), org_id: org, category, joined_on: '2015-07-01', full_on: category === '正式党员' ? '2016-07-01' : undefined, day: '2019-01-01', username });
    assert.equal(r.status, 201, r.text);
    return r.data.member.id;
  };
  P.m1 = await reg('会甲', '35020319880101771', orgA, '正式党员', 'mt_m1');
  P.m2 = await reg('会乙', '35020319890202772', orgA, '正式党员', 'mt_m2');
  P.m3 = await reg('会丙', '35020319900303773', orgA, '预备党员', 'mt_m3');
  P.mh = await reg('会丁', '35020619910404774', orgHuli, '正式党员', 'mt_mh');
});
after(async () => { await srv?.stop(); rmSync(tmp, { recursive: true, force: true }); });

let mA, mH;   // today's 支部党员大会 of orgA (10:00–11:00), and a meeting of the 湖里 branch at the same time

test('the demo city has a year of meetings: held with attendance, every light lit in the running month', async () => {
  const [[n, att]] = sql("SELECT COUNT(*), (SELECT COUNT(*) FROM meeting_attendee WHERE status = 'present') FROM meeting WHERE state = 'held' AND created_by = 'demo'");
  assert.ok(Number(n) > 1000, `demo meetings: ${n}`);
  assert.ok(Number(att) > 5000);
  const r = await U.mt_city.get(`/api/meetings/compliance?by=city&period=${today.slice(0, 7)}`);
  assert.equal(r.status, 200);
  const [city] = r.data.items;
  assert.ok(city.green > 0 && city.red > 0, JSON.stringify(city));
  // without a period: the running quarter
  const q = await U.mt_city.get('/api/meetings/compliance?by=district');
  assert.equal(q.data.period, `${today.slice(0, 4)}-Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`);
});

test('planning: checked fields named in Chinese, the kinds an organization owes, each role\'s reach', async () => {
  let r = await U.mt_sec.post(`/api/orgs/${orgA}/meetings`, { kind: '支部党员大会', day: today, start: '10:00', end: '11:00', place: '党员活动室', topic: '学习贯彻全会精神' });
  assert.equal(r.status, 201, r.text);
  mA = r.data.id;
  assert.equal(r.data.state, 'planned');
  assert.equal(r.data.today, today, 'the server\'s day, by which the page offers the record');
  const roll = r.data.attendees.map((a) => a.person_id);
  for (const p of [P.m1, P.m2, P.m3]) assert.ok(roll.includes(p), 'our members are on the roll of the day');
  assert.ok(!roll.includes(P.mh));
  assert.ok(r.data.attendees.every((a) => a.status === 'expected'));
  r = await U.mt_secH.post(`/api/orgs/${orgHuli}/meetings`, { kind: '主题党日', day: today, start: '10:00', end: '11:00', online_url: 'https://meeting.example.cn/123' });
  assert.equal(r.status, 201, r.text);
  mH = r.data.id;
  const bad = async (body, field) => {
    const x = await U.mt_sec.post(`/api/orgs/${orgA}/meetings`, { kind: '党课', day: today, start: '09:00', end: '10:00', ...body });
    assert.equal(x.status, 400, x.text);
    assert.equal(x.data.error.field, field);
    assert.match(x.data.error.message, /[\u4e00-\u9fff]/);
  };
  await bad({ day: '2026-02-29' }, 'day');           // no such day
  await bad({ start: '25:00' }, 'start');
  await bad({ end: '08:00' }, 'end');                // before the start
  await bad({ kind: '座谈会' }, 'kind');
  await bad({ online_url: 'javascript:alert(1)' }, 'online_url');
  await bad({ day: '2010-01-01' }, 'day');           // before the branch began
  // a branch without a committee holds no 支委会
  const [[com]] = sql(`SELECT CASE WHEN committee IS NULL OR committee = '[]' THEN 0 ELSE 1 END FROM org WHERE id = ${orgA}`);
  r = await U.mt_sec.post(`/api/orgs/${orgA}/meetings`, { kind: '支委会', day: today, start: '14:00', end: '15:00' });
  if (com === '0') { assert.equal(r.status, 400); assert.equal(r.data.error.field, 'kind'); } else assert.equal(r.status, 201, r.text);
  // scope and permissions
  assert.equal((await U.mt_sec.post(`/api/orgs/${orgHuli}/meetings`, { kind: '党课', day: today, start: '09:00', end: '10:00' })).status, 403);
  assert.equal((await U.mt_siming.post(`/api/orgs/${orgA}/meetings`, { kind: '党课', day: today, start: '09:00', end: '10:00' })).status, 403);
  assert.equal((await U.mt_m1.post(`/api/orgs/${orgA}/meetings`, { kind: '党课', day: today, start: '09:00', end: '10:00' })).status, 403);
  assert.equal((await U.mt_city.get(`/api/meetings/${mA}`)).status, 200);
  assert.equal((await U.mt_siming.get(`/api/meetings/${mA}`)).status, 200);
  assert.equal((await U.mt_huli.get(`/api/meetings/${mA}`)).status, 403);
  assert.equal((await U.mt_secH.get(`/api/meetings/${mA}`)).status, 403);
  assert.equal((await U.mt_m1.get(`/api/meetings/${mA}`)).status, 403);
  assert.equal((await U.mt_inv.get('/api/meetings')).status, 403);
  r = await U.mt_huli.get('/api/meetings');
  assert.equal(r.status, 200);
  assert.ok(r.data.items.every((m) => m.district_code === '350206'));
  assert.ok(r.data.items.some((m) => m.id === mH));
  r = await U.mt_siming.get(`/api/meetings?org_id=${orgA}&sort=-day`);
  assert.ok(r.data.items.some((m) => m.id === mA));
  assert.equal((await U.mt_huli.get(`/api/meetings?org_id=${orgA}`)).status, 403);
  assert.equal((await U.mt_m1.get('/api/meetings')).data.total, 0);   // a member's scope is themselves: their meetings are under /api/me
});

test('the year proposed: every required meeting once, then moved by the secretary', async () => {
  const y = Number(today.slice(0, 4)) + 1;
  let r = await U.mt_admin.post(`/api/orgs/${orgA}/meetings/propose`, { year: y });
  assert.equal(r.status, 200, r.text);
  const [[com]] = sql(`SELECT CASE WHEN committee IS NULL OR committee = '[]' THEN 0 ELSE 1 END FROM org WHERE id = ${orgA}`);
  // 支部党员大会 4, 党小组会 12, 党课 4, 主题党日 12, 组织生活会 1, 民主评议党员 1, 谈心谈话 1 (+ 支委会 12)
  assert.equal(r.data.created, 35 + (com === '1' ? 12 : 0));
  const list = await U.mt_admin.get(`/api/meetings?org_id=${orgA}&from=${y}-01-01&to=${y}-12-31&size=100&sort=day`);
  assert.equal(list.data.total, r.data.created);
  assert.ok(list.data.items.every((m) => m.state === 'planned' && m.day >= `${y}-01-01`));
  assert.ok(list.data.items.every((m) => ![0, 6].includes(new Date(m.day + 'T00:00:00Z').getUTCDay())), 'on working days');
  assert.equal(list.data.items.filter((m) => m.kind === '支部党员大会').length, 4);
  r = await U.mt_admin.post(`/api/orgs/${orgA}/meetings/propose`, { year: y });
  assert.equal(r.data.created, 0, 'proposed twice: nothing new');
  const first = list.data.items.find((m) => m.kind === '主题党日');
  r = await U.mt_sec.patch(`/api/meetings/${first.id}`, { day: `${y}-01-15`, start: '14:30', end: '16:00', place: '三楼会议室' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.day, `${y}-01-15`);
  assert.equal(r.data.place, '三楼会议室');
  assert.equal((await U.mt_sec.patch(`/api/meetings/${first.id}`, { end: '14:00' })).data.error.field, 'end');
  assert.equal((await U.mt_secH.patch(`/api/meetings/${first.id}`, { place: 'x' })).status, 403);
  assert.equal((await U.mt_adminB.post(`/api/orgs/${orgA}/meetings/propose`, { year: y })).status, 403);
  assert.equal((await U.mt_admin.post(`/api/orgs/${orgA}/meetings/propose`, { year: 1999 })).data.error.field, 'year');
});

test('leave: the member asks, the secretary approves or refuses; others cannot', async () => {
  let r = await U.mt_m3.post(`/api/me/meetings/${mA}/leave`, { reason: '出差在外' });
  assert.equal(r.status, 204, r.text);
  r = await U.mt_m3.get('/api/me/meetings');
  const mine = r.data.coming.find((m) => m.id === mA);
  assert.equal(mine.leave_state, 'requested');
  assert.equal(mine.leave_reason, '出差在外');
  r = await U.mt_sec.post(`/api/meetings/${mA}/leave/${P.m3}`, { approve: true, note: '同意' });
  assert.equal(r.status, 200, r.text);
  const a3 = r.data.attendees.find((a) => a.person_id === P.m3);
  assert.equal(a3.leave_state, 'approved');
  assert.equal(a3.status, 'leave');
  // someone not expected there: not found (the meeting of another branch is not shown to them)
  assert.equal((await U.mt_mh.post(`/api/me/meetings/${mA}/leave`, { reason: '事假' })).status, 404);
  assert.equal((await U.mt_m1.post(`/api/me/meetings/${mA}/leave`, { reason: '' })).status, 400);
  r = await U.mt_m2.post(`/api/me/meetings/${mA}/leave`, { reason: '家中有事' });
  assert.equal(r.status, 204);
  r = await U.mt_sec.post(`/api/meetings/${mA}/leave/${P.m2}`, { approve: false, note: '会议重要，请安排参加' });
  assert.equal(r.data.attendees.find((a) => a.person_id === P.m2).leave_state, 'refused');
  assert.equal(r.data.attendees.find((a) => a.person_id === P.m2).status, 'expected');
  assert.equal((await U.mt_sec.post(`/api/meetings/${mA}/leave/${P.m1}`, { approve: true })).status, 404, 'no request to answer');
  assert.equal((await U.mt_secH.post(`/api/meetings/${mA}/leave/${P.m3}`, { approve: true })).status, 403);
});

const refusedCheckins = () => Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'meeting.checkin' AND result = 'refused'")[0][0]);

test('check-in: a signed code of now, once per member; replayed, stale, forged, foreign and out-of-window codes refused and audited', async () => {
  let t = await U.mt_sec.get(`/api/meetings/${mA}/checkin-token`);
  assert.equal(t.status, 200, t.text);
  assert.match(t.data.url, /^\/m\/checkin\?t=/);
  assert.equal(t.data.step_seconds, 30);
  assert.ok(t.data.url.endsWith(t.data.token));
  assert.equal((await U.mt_siming.get(`/api/meetings/${mA}/checkin-token`)).status, 403, 'a district office shows no codes');
  assert.equal((await U.mt_secH.get(`/api/meetings/${mA}/checkin-token`)).status, 403);
  const refused0 = refusedCheckins();
  // happy path
  let r = await U.mt_m1.post('/api/checkin', { token: t.data.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.meeting_id, mA);
  assert.equal(r.data.status, 'present');
  // the same code again: refused
  r = await U.mt_m1.post('/api/checkin', { token: t.data.token });
  assert.equal(r.status, 409);
  assert.equal(r.data.error.code, 'already_checked_in');
  // a fresh code does not make a second check-in either
  r = await U.mt_m1.post('/api/checkin', { token: (await U.mt_sec.get(`/api/meetings/${mA}/checkin-token`)).data.token });
  assert.equal(r.status, 409);
  // forged: another meeting's number under this code's signature, a changed signature
  const [id, step, mac] = t.data.token.split('.');
  for (const tok of [`${mH}.${step}.${mac}`, `${id}.${step}.${mac.replace(/^./, (c) => (c === '0' ? '1' : '0'))}`, `${id}.${Number(step) + 1}.${mac}`, 'x', '1.2.3']) {
    r = await U.mt_m2.post('/api/checkin', { token: tok });
    assert.equal(r.status, 400, tok);
    assert.equal(r.data.error.field, 'token');
  }
  // stale: the code of two minutes ago
  const old = t.data.token;
  setClock(clock + 120);
  r = await U.mt_m2.post('/api/checkin', { token: old });
  assert.equal(r.status, 400);
  assert.match(r.data.error.message, /过期/);
  // another branch's code (the 湖里 meeting, its window open): not on that roll
  const th = await U.mt_secH.get(`/api/meetings/${mH}/checkin-token`);
  assert.equal(th.status, 200);
  r = await U.mt_m2.post('/api/checkin', { token: th.data.token });
  assert.equal(r.status, 403);
  assert.equal(r.data.error.code, 'not_on_roll');
  // online attendance through the online link
  r = await U.mt_mh.post('/api/checkin', { token: th.data.token, online: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.status, 'online');
  // the current code works for m2 (refused leave: comes after all)
  t = await U.mt_sec.get(`/api/meetings/${mA}/checkin-token`);
  r = await U.mt_m2.post('/api/checkin', { token: t.data.token });
  assert.equal(r.status, 200, r.text);
  // every refusal above is in the audit log (replay 2, forged 5, stale 1, foreign 1)
  assert.equal(refusedCheckins() - refused0, 9);
  const [[who, obj]] = sql("SELECT username, object FROM audit WHERE action = 'meeting.checkin' AND result = 'refused' ORDER BY seq DESC LIMIT 1");
  assert.equal(who, 'mt_m2');
  assert.equal(obj, `meeting:${mH}`);
  // outside the window: the meeting ends at 11:00, check-in closes 30 minutes later
  const end = Math.floor(Date.parse(`${today}T11:30:00+08:00`) / 1000);
  setClock(clock + (end - 600 - now()));
  await relogin();   // the sessions idled out over the jump
  // ten seconds before the close only now, after the logins (seconds on a busy machine under ASan)
  setClock(clock + (end - 10 - now()));
  t = await U.mt_sec.get(`/api/meetings/${mA}/checkin-token`);
  assert.equal(t.status, 200, t.text);
  setClock(clock + 20);
  r = await U.mt_m3.post('/api/checkin', { token: t.data.token });
  assert.equal(r.status, 409);
  assert.equal(r.data.error.code, 'outside_window');
  assert.equal((await U.mt_sec.get(`/api/meetings/${mA}/checkin-token`)).data.error.code, 'outside_window');
  // before the window: a meeting of tomorrow
  const tm = await U.mt_sec.post(`/api/orgs/${orgA}/meetings`, { kind: '党课', day: addDays(today, 1), start: '10:00', end: '11:00', place: '活动室' });
  assert.equal((await U.mt_sec.get(`/api/meetings/${tm.data.id}/checkin-token`)).status, 409);
  // the member's own page
  r = await U.mt_m1.get('/api/me/meetings');
  assert.equal(r.status, 200);
  const m = [...r.data.coming, ...r.data.past].find((x) => x.id === mA);
  assert.equal(m.attended, true);
  assert.ok(r.data.coming.some((x) => x.id === tm.data.id));
  assert.equal((await U.mt_city.get('/api/me/meetings')).status, 403);
});

test('record: the quorum of a 支部党员大会 — exactly half is not enough, more than half is', async () => {
  const m = (await U.mt_sec.get(`/api/meetings/${mA}`)).data;
  const full = m.attendees.filter((a) => a.category === '正式党员').map((a) => a.person_id);
  const v = full.length;
  assert.ok(v >= 2);
  const half = Math.floor(v / 2);
  const rec = (k) => U.mt_sec.post(`/api/meetings/${mA}/record`, { minutes: '会议记录……', decisions: '通过了……', present: full.slice(0, k), absent: full.slice(k) });
  let r = await rec(half);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.state, 'held');
  assert.equal(r.data.quorum, 0);
  assert.equal(r.data.quorum_detail.voting, v);
  assert.equal(r.data.quorum_detail.voting_present, half);
  assert.equal(r.data.quorum_detail.met, false);
  r = await rec(half + 1);
  assert.equal(r.data.quorum, 1);
  assert.equal(r.data.quorum_detail.met, true);
  assert.equal(r.data.attendees.find((a) => a.person_id === P.m3).status, 'leave', 'approved leave stays');
  // recorded again naming no one: the attendance stays as it was
  r = await U.mt_sec.post(`/api/meetings/${mA}/record`, { minutes: '会议记录（修订）' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.minutes, '会议记录（修订）');
  assert.equal(r.data.quorum, 1);
  assert.equal(r.data.quorum_detail.voting_present, half + 1);
  // the activity log: one "meeting.attended" per member present, once
  const [[n]] = sql(`SELECT COUNT(*) FROM activity WHERE kind = 'meeting.attended' AND ref = 'meeting:${mA}'`);
  assert.ok(Number(n) >= half + 1);
  const [[h]] = sql(`SELECT COUNT(*) FROM activity WHERE kind = 'meeting.held' AND ref = 'meeting:${mA}'`);
  assert.equal(h, '1');
  // a held meeting is no longer moved; a name not on the roll is refused
  assert.equal((await U.mt_sec.patch(`/api/meetings/${mA}`, { place: '别处' })).status, 409);
  r = await U.mt_sec.post(`/api/meetings/${mA}/record`, { present: [P.mh] });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'present');
  // a meeting cannot be recorded before its day
  const later = await U.mt_sec.post(`/api/orgs/${orgA}/meetings`, { kind: '党小组会', day: addDays(today, 3), start: '10:00', end: '11:00' });
  r = await U.mt_sec.post(`/api/meetings/${later.data.id}/record`, { place: '活动室', topic: 'x' });
  assert.equal(r.data.error.field, 'day');
  r = await U.mt_sec.post(`/api/meetings/${later.data.id}/record`, { day: today, start: '14:00', end: '15:00', topic: 'x' });
  assert.equal(r.data.error.field, 'place');
});

test('lock: a record locks 30 days after its day; then only an amendment with a reason, history kept', async () => {
  const day = addDays(today, -40);
  let r = await U.mt_sec.post(`/api/orgs/${orgA}/meetings`, { kind: '党课', day, start: '15:00', end: '16:30', place: '会议室', topic: '党史学习' });
  assert.equal(r.status, 201, r.text);
  const id = r.data.id;
  r = await U.mt_sec.post(`/api/meetings/${id}/record`, { present: [P.m1, P.m2], minutes: '讲授党史' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.locked, true);
  // the list says so too (the branch's page shows it locked); a record of today is not
  let l = await U.mt_sec.get(`/api/meetings?org_id=${orgA}&own=1&from=${day}&to=${today}&size=100`);
  assert.equal(l.data.items.find((m) => m.id === id).locked, 1);
  assert.equal(l.data.items.find((m) => m.id === mA).locked, 0);
  r = await U.mt_sec.post(`/api/meetings/${id}/record`, { topic: '改了' });
  assert.equal(r.status, 409);
  assert.equal(r.data.error.code, 'locked');
  r = await U.mt_sec.post(`/api/meetings/${id}/amendments`, { topic: '改了' });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'reason');
  r = await U.mt_sec.post(`/api/meetings/${id}/amendments`, { topic: '党史学习教育专题党课', present: [P.m1, P.m2, P.m3], reason: '补记漏登的出席人员' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.topic, '党史学习教育专题党课');
  assert.equal(r.data.amendments.length, 1);
  const a = r.data.amendments[0];
  assert.equal(a.reason, '补记漏登的出席人员');
  assert.equal(a.actor, 'mt_sec');
  assert.equal(a.before.topic, '党史学习');
  assert.equal(a.after.topic, '党史学习教育专题党课');
  assert.equal(a.before.attendance.find((x) => x.person_id === P.m3).status, 'absent');
  assert.equal(a.after.attendance.find((x) => x.person_id === P.m3).status, 'present');
  const [[act]] = sql(`SELECT COUNT(*) FROM audit WHERE action = 'meeting.amend' AND object = 'meeting:${id}'`);
  assert.equal(act, '1');
  assert.equal((await U.mt_siming.post(`/api/meetings/${id}/amendments`, { reason: '区里更正' })).status, 403);
  // a planned meeting has no record to amend
  const p = await U.mt_sec.post(`/api/orgs/${orgA}/meetings`, { kind: '党小组会', day, start: '09:00', end: '10:00' });
  assert.equal((await U.mt_sec.post(`/api/meetings/${p.data.id}/amendments`, { reason: '更正一下' })).status, 409);
});

test('photos: by their content, size- and count-limited, viewed (audited), removed; a locked record only by an amendment; each role\'s reach', async () => {
  // a PNG's signature and IHDR (3 × 2), enough for the server: it reads the type and the size from the header
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.from('IHDR'),
    Buffer.from([0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0]), Buffer.from('a small png body')]);
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), Buffer.from('JFIF\0 a photo'), Buffer.from([0xff, 0xd9])]);
  const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.from([20, 0, 0, 0]), Buffer.from('WEBPVP8L a photo')]);
  const upload = (c, id, buf, name, reason) => {
    const fd = new FormData();
    fd.append('file', new Blob([buf]), name);
    if (reason) fd.append('reason', reason);
    return c.req('POST', `/api/meetings/${id}/photos`, { body: fd });
  };
  let r = await U.mt_sec.post(`/api/orgs/${orgA}/meetings`, { kind: '党小组会', day: today, start: '08:00', end: '09:00', place: '会议室', topic: '学习讨论' });
  assert.equal(r.status, 201, r.text);
  const id = r.data.id;
  assert.deepEqual(r.data.photos, []);
  assert.equal(r.data.photo_limits.max_bytes, 65536);
  // a PNG named .jpg is a PNG; JPEG and WebP too
  r = await upload(U.mt_sec, id, png, '合影.jpg');
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.photos.length, 1);
  const [p1] = r.data.photos;
  assert.equal(p1.mime, 'image/png');
  assert.equal(p1.filename, '合影.jpg');
  assert.equal(p1.uploaded_by, 'mt_sec');
  assert.equal(p1.width, 3);
  assert.equal(p1.height, 2);
  assert.equal(p1.url, `/api/meetings/${id}/photos/${p1.id}`);
  r = await upload(U.mt_admin, id, jpeg, '现场.jpeg');
  assert.equal(r.status, 201, r.text);
  r = await upload(U.mt_sec, id, webp, '手机.webp');
  assert.equal(r.data.photos.map((p) => p.mime).join(), 'image/png,image/jpeg,image/webp');
  assert.equal(r.data.photos[1].width, null, 'a JPEG without its frame header: no size');
  // by content, not by name; too large; empty; no file
  r = await upload(U.mt_sec, id, Buffer.from('not an image at all'), '照片.png');
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'file');
  assert.match(r.data.error.message, /JPEG、PNG 或 WebP/);
  r = await upload(U.mt_sec, id, Buffer.concat([png, Buffer.alloc(65536)]), '大.png');
  assert.equal(r.status, 400);
  assert.match(r.data.error.message, /过大/);
  r = await upload(U.mt_sec, id, Buffer.alloc(0), '空.png');
  assert.equal(r.status, 400);
  // three photos, a limit of three
  r = await upload(U.mt_sec, id, jpeg, '第四张.jpg');
  assert.equal(r.status, 409);
  assert.match(r.data.error.message, /上限/);
  const fd = new FormData();
  fd.append('reason', '没有文件');
  r = await U.mt_sec.req('POST', `/api/meetings/${id}/photos`, { body: fd });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'file');
  // viewed by whoever reads the meeting, audited; not by another district, another organization or a member
  r = await U.mt_siming.get(p1.url);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'image/png');
  assert.equal(Number(r.headers.get('content-length')), png.length);
  assert.equal(sql(`SELECT COUNT(*) FROM audit WHERE action = 'meeting.photo.read' AND object = 'meeting_photo:${p1.id}' AND username = 'mt_siming'`)[0][0], '1');
  assert.equal((await U.mt_huli.get(p1.url)).status, 403);
  assert.equal((await U.mt_adminB.get(p1.url)).status, 403);
  assert.equal((await U.mt_m1.get(p1.url)).status, 403);
  assert.equal((await U.mt_city.get(p1.url)).status, 200);
  // only who may record the meeting adds or removes
  assert.equal((await upload(U.mt_siming, id, png, 'x.png')).status, 403);
  assert.equal((await upload(U.mt_city, id, png, 'x.png')).status, 403);
  assert.equal((await upload(U.mt_adminB, id, png, 'x.png')).status, 403);
  assert.equal((await upload(U.mt_m1, id, png, 'x.png')).status, 403);
  assert.equal((await U.mt_siming.del(p1.url, { json: {} })).status, 403);
  assert.equal((await U.mt_adminB.del(p1.url, { json: {} })).status, 403);
  // removed while open: no reason needed; the row kept (who, when), no longer listed or shown
  r = await U.mt_sec.del(p1.url, { json: {} });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.photos.length, 2);
  assert.equal(r.data.photos_removed.length, 1);
  assert.equal(r.data.photos_removed[0].removed_by, 'mt_sec');
  assert.equal((await U.mt_sec.get(p1.url)).status, 404);
  assert.equal((await U.mt_sec.del(p1.url, { json: {} })).status, 409);
  assert.equal(sql(`SELECT COUNT(*) FROM audit WHERE action IN ('meeting.photo_add', 'meeting.photo_remove') AND object = 'meeting:${id}'`)[0][0], '4');
  // a locked record (held 40 days ago): refused without a reason, saying what to do; an amendment with one
  r = await U.mt_sec.post(`/api/orgs/${orgA}/meetings`, { kind: '党课', day: addDays(today, -40), start: '08:00', end: '09:00', place: '会议室', topic: '旧的党课' });
  const old = r.data.id;
  r = await U.mt_sec.post(`/api/meetings/${old}/record`, { minutes: '讲授' });
  assert.equal(r.data.locked, true);
  r = await upload(U.mt_sec, old, jpeg, '补拍.jpg');
  assert.equal(r.status, 409);
  assert.equal(r.data.error.code, 'locked');
  assert.equal(r.data.error.field, 'reason');
  assert.match(r.data.error.message, /锁定.*更正理由/);
  r = await upload(U.mt_sec, old, jpeg, '补拍.jpg', '补传会议现场照片');
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.photos.length, 1);
  assert.equal(r.data.amendments.length, 1);
  assert.equal(r.data.amendments[0].reason, '补传会议现场照片');
  assert.deepEqual(r.data.amendments[0].before.photos, []);
  assert.equal(r.data.amendments[0].after.photos[0].filename, '补拍.jpg');
  const op = r.data.photos[0];
  // a photo through another meeting: not found there (the city is told so; a district is refused alike)
  r = await U.mt_city.get(`/api/meetings/${id}/photos/${op.id}`);
  assert.equal(r.status, 404);
  assert.equal(r.data.error.message, `没有编号为 ${op.id} 的会议照片。`);
  assert.equal((await U.mt_siming.get(`/api/meetings/${id}/photos/${op.id}`)).status, 403);
  assert.equal((await U.mt_sec.del(`/api/meetings/${id}/photos/${op.id}`, { json: { reason: '删错会议的照片' } })).status, 403);
  r = await U.mt_sec.del(op.url, { json: {} });
  assert.equal(r.status, 409);
  assert.equal(r.data.error.code, 'locked');
  r = await U.mt_sec.del(op.url, { json: { reason: '照片与本次会议无关' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.photos.length, 0);
  assert.equal(r.data.amendments.length, 2);
  assert.equal(r.data.amendments[1].after.photos.length, 0);
  assert.equal(r.data.photos_removed[0].removed_reason, '照片与本次会议无关');
});

test('compliance and the scorecard at the edges: the last day of a quarter, a leap February, finished and running periods', async () => {
  const A = U.mt_adminB;
  const [[com]] = sql(`SELECT CASE WHEN committee IS NULL OR committee = '[]' THEN 0 ELSE 1 END FROM org WHERE id = ${orgB}`);
  const held = async (kind, day) => {
    let r = await A.post(`/api/orgs/${orgB}/meetings`, { kind, day, start: '09:00', end: '10:00', place: '会议室', topic: kind });
    assert.equal(r.status, 201, r.text);
    r = await A.post(`/api/meetings/${r.data.id}/record`, {});
    assert.equal(r.status, 200, r.text);
    return r.data.id;
  };
  const asm1 = await held('支部党员大会', '2025-03-31');   // the last day of Q1
  await held('支部党员大会', '2025-04-01');                  // the first of Q2
  await held('主题党日', '2024-02-29');                      // a leap day
  // May 2025: every monthly meeting held, the last on the month's last day
  await held('党小组会', '2025-05-06');
  await held('主题党日', '2025-05-31');
  if (com === '1') await held('支委会', '2025-05-20');
  const card = async (period) => {
    const r = await A.get(`/api/orgs/${orgB}/scorecard?period=${period}`);
    assert.equal(r.status, 200, r.text);
    return r.data;
  };
  const kind = (c, k) => c.sections.meetings.kinds.find((x) => x.kind === k);
  let c = await card('2025-Q1');
  assert.equal(c.period.from, '2025-01-01');
  assert.equal(c.period.to, '2025-03-31');
  assert.equal(kind(c, '支部党员大会').required, 1);
  assert.equal(kind(c, '支部党员大会').held, 1);
  assert.equal(kind(c, '支部党员大会').missing, false);
  assert.equal(kind(c, '主题党日').required, 3);
  assert.equal(kind(c, '组织生活会').required, 0, 'a yearly meeting is due in its year, not in a quarter');
  assert.equal(c.sections.meetings.status, 'red', 'monthly meetings missing in a finished quarter');
  // the drill-down lists the meetings behind the figure
  let d = await A.get(kind(c, '支部党员大会').drill);
  assert.equal(d.status, 200, d.text);
  assert.deepEqual(d.data.items.map((m) => m.id), [asm1]);
  c = await card('2025-Q2');
  assert.equal(kind(c, '支部党员大会').held, 1);
  assert.equal(kind(c, '党小组会').held, 1);
  c = await card('2025-03');
  assert.equal(c.period.to, '2025-03-31');
  assert.equal(kind(c, '支部党员大会').required, 0, 'a quarterly meeting is not due in a month');
  c = await card('2024-02');
  assert.equal(c.period.to, '2024-02-29');
  assert.equal(kind(c, '主题党日').held, 1);
  assert.equal((await card('2023-02')).period.to, '2023-02-28');
  c = await card('2025-05');
  assert.equal(c.sections.meetings.status, 'green', `everything due in May held, the last on its last day: ${JSON.stringify(c.sections.meetings)}`);
  assert.equal(c.sections.meetings.idle_days, 0);
  assert.equal(c.sections.meetings.last_held, '2025-05-31');
  assert.equal(c.sections.meetings.due, com === '1' ? 3 : 2);
  assert.equal(c.sections.meetings.on_time, c.sections.meetings.due);
  assert.equal(c.sections.meetings.rate, 1);
  c = await card('2025-06');
  assert.equal(c.sections.meetings.status, 'red');
  assert.ok(kind(c, '主题党日').missing);
  assert.equal(c.sections.meetings.on_time, 0);
  assert.equal(c.sections.meetings.rate, 0);
  // the running month: no finished stretch yet; 45 days without a meeting → yellow
  await held('谈心谈话', addDays(today, -45));
  c = await card(today.slice(0, 7));
  assert.equal(c.sections.meetings.idle_days, 45);
  assert.equal(c.sections.meetings.status, 'yellow');
  // a finished month without a meeting, the last of all time after it: the roll-up (meeting_last, then that
  // organization's months before the period) says what the scorecard (its own meetings) says
  c = await card('2025-06');
  const roll = (await U.mt_siming.get('/api/meetings/compliance?period=2025-06&by=org&size=500')).data.items.find((x) => x.org_id === orgB);
  assert.ok(c.sections.meetings.last_held && c.sections.meetings.last_held < '2025-07-01', JSON.stringify(c.sections.meetings));
  assert.deepEqual([roll.last_held, roll.idle_days, roll.status], [c.sections.meetings.last_held, c.sections.meetings.idle_days, c.sections.meetings.status]);
  // bad periods
  for (const p of ['2025-13', '2025-Q5', '25', '2025-1', '']) {   // '' given but empty: refused, not the default
    const r = await A.get(`/api/orgs/${orgB}/scorecard?period=${p}`);
    assert.equal(r.status, 400, p);
    assert.equal(r.data.error.field, 'period');
  }
  assert.equal((await U.mt_huli.get(`/api/orgs/${orgB}/scorecard?period=2025`)).status, 403);
  assert.equal((await U.mt_siming.get(`/api/orgs/${orgB}/scorecard?period=2025`)).status, 200);
  // roll-ups: organizations ranked, districts ranked, the city
  let r = await U.mt_siming.get('/api/meetings/compliance?period=2025-05&by=org&size=500');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.data.items.every((x) => x.district_code === '350203'));
  const rowB = r.data.items.find((x) => x.org_id === orgB);
  assert.equal(rowB.status, 'green');
  assert.deepEqual(r.data.items.map((x) => x.rank), r.data.items.map((_, i) => i + 1));
  // one light only (the bulletin's red list): the same organizations and ranks as in the whole list
  const all = r.data.items;
  for (const light of ['green', 'yellow', 'red']) {
    const f = await U.mt_siming.get(`/api/meetings/compliance?period=2025-05&by=org&size=500&status=${light}`);
    assert.equal(f.status, 200, f.text);
    const want = all.filter((x) => x.status === light);
    assert.equal(f.data.total, want.length, light);
    assert.deepEqual(f.data.items.map((x) => [x.org_id, x.rank]), want.map((x) => [x.org_id, x.rank]), light);
  }
  const worst = await U.mt_siming.get('/api/meetings/compliance?period=2025-05&by=org&size=2&status=red&sort=-rank');
  assert.deepEqual(worst.data.items.map((x) => x.org_id), all.filter((x) => x.status === 'red').reverse().slice(0, 2).map((x) => x.org_id));
  assert.equal((await U.mt_siming.get('/api/meetings/compliance?period=2025-05&by=org&status=blue')).data.error.field, 'status');
  r = await U.mt_city.get('/api/meetings/compliance?period=2025-05&by=district');
  assert.equal(r.status, 200);
  const ds = r.data.items.map((x) => x.code);
  assert.ok(ds.includes('350203') && ds.includes('350206'));
  const sm = r.data.items.find((x) => x.code === '350203');
  assert.equal(sm.name, '思明区');
  assert.equal(sm.green + sm.yellow + sm.red, sm.orgs);
  assert.ok(sm.green >= 1);
  r = await U.mt_city.get('/api/meetings/compliance?period=2025&by=city');
  assert.equal(r.data.items.length, 1);
  r = await U.mt_siming.get('/api/meetings/compliance?period=2025-Q2&by=park');
  assert.equal(r.status, 200);
  assert.ok(r.data.items.every((x) => x.code.startsWith('P')));
  assert.equal((await U.mt_huli.get('/api/meetings/compliance?period=2025&district=350203')).status, 403);
  assert.equal((await U.mt_city.get('/api/meetings/compliance?period=2025&by=street')).data.error.field, 'by');
  assert.equal((await U.mt_inv.get('/api/meetings/compliance?period=2025')).status, 403);
  // an office's export
  r = await U.mt_siming.get('/api/meetings/compliance?period=2025-05&by=org&format=xlsx');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  r = await U.mt_siming.get(`/api/meetings?org_id=${orgB}&format=xlsx`);
  assert.equal(r.status, 200);
});

test('the scorecard carries the development steps due, as the due list counts them', async () => {
  // the branch with the most applicants in the demo city
  const [[org]] = sql("SELECT org_id FROM develop_applicant WHERE status = 'active' GROUP BY org_id ORDER BY COUNT(*) DESC, org_id LIMIT 1");
  for (const period of [dayOf(now()).slice(0, 7), '2025']) {
    const r = await U.mt_city.get(`/api/orgs/${org}/scorecard?period=${period}`);
    assert.equal(r.status, 200, r.text);
    const d = r.data.sections.develop;
    assert.equal(d.as_of, period === '2025' ? '2025-12-31' : dayOf(now()));
    const list = await U.mt_city.get(d.drill + '&size=500');
    assert.equal(list.status, 200, list.text);
    assert.equal(list.data.total, d.overdue + d.due_soon);
    assert.equal(list.data.items.filter((x) => x.due_on < d.as_of).length, d.overdue);
  }
  const r = await U.mt_city.get(`/api/orgs/${org}/scorecard`);
  assert.ok(r.data.sections.develop.overdue + r.data.sections.develop.due_soon > 0, 'the demo branch has steps due');
});

test('a record left open locks when the days pass (the clock moves 31 days)', async () => {
  setClock(clock + 31 * 86400);
  await relogin();
  let r = await U.mt_sec.post(`/api/meetings/${mA}/record`, { minutes: '补充' });
  assert.equal(r.status, 409);
  assert.equal(r.data.error.code, 'locked');
  r = await U.mt_sec.get(`/api/meetings/${mA}`);
  assert.equal(r.data.locked, true);
  r = await U.mt_sec.get(`/api/meetings?org_id=${orgA}&own=1&state=held&from=${today}&to=${today}`);
  assert.equal(r.data.items.find((m) => m.id === mA).locked, 1);
  r = await U.mt_sec.post(`/api/meetings/${mA}/amendments`, { minutes: '补充记录', reason: '补充会议记录' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.minutes, '补充记录');
  assert.equal(r.data.quorum, 1, 'the quorum is kept when the attendance is not changed');
});

test('check-ins at once are committed together, each with its own audit row; the replays among them refused', async () => {
  // 10:00 China time on the day after the server's day: a new meeting of orgA, its window open
  const day = addDays(dayOf(now()), 1);
  setClock(clock + (Math.floor(Date.parse(day + 'T10:00:00+08:00') / 1000) - now()));
  await relogin();
  const m = await U.mt_sec.post(`/api/orgs/${orgA}/meetings`, { kind: '主题党日', day, start: '10:00', end: '11:00', place: '活动室' });
  assert.equal(m.status, 201, m.text);
  const { token } = (await U.mt_sec.get(`/api/meetings/${m.data.id}/checkin-token`)).data;
  // three members, each sending the same code three times at once: nine requests in flight
  const who = ['mt_m1', 'mt_m2', 'mt_m3'];
  const res = await Promise.all(who.flatMap((u) => [0, 1, 2].map(async () => [u, await U[u].post('/api/checkin', { token })])));
  for (const u of who) {
    const mine = res.filter(([x]) => x === u).map(([, r]) => r);
    assert.equal(mine.filter((r) => r.status === 200).length, 1, `${u}: one check-in`);
    for (const r of mine.filter((x) => x.status !== 200)) {
      assert.equal(r.status, 409, r.text);
      assert.equal(r.data.error.code, 'already_checked_in');
    }
  }
  // the server's audit check (a write without exactly one row of its own fails with 500) held for each
  const rows = sql(`SELECT result, COUNT(*) FROM audit WHERE action = 'meeting.checkin' AND object = 'meeting:${m.data.id}' GROUP BY result ORDER BY result`);
  assert.deepEqual(rows, [['ok', '3'], ['refused', '6']]);
  const att = sql(`SELECT COUNT(*) FROM meeting_attendee WHERE meeting_id = ${m.data.id} AND status = 'present' AND checked_in_at IS NOT NULL`);
  assert.equal(att[0][0], '3');
  // a group's rows are written together at its end (audit_held_flush): the chain and its head hold
  const v = ejia(['audit', 'verify', '--db', srv.db.url]);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  assert.doesNotMatch(v.stdout + v.stderr, /未封|unsealed|不符/);
});

test('the months the roll-ups read equal the meetings they count (every write above kept them)', async () => {
  // held meetings by organization and month, with their attendance, counted from the meetings themselves
  const counted = `SELECT x.org_id, x.month, COUNT(*) AS n, SUM(x.att) AS att, SUM(x.exp) AS exp, MAX(x.day) AS last
    FROM (SELECT m.org_id, substr(m.day, 1, 7) AS month, m.day,
            (SELECT COUNT(*) FROM meeting_attendee a WHERE a.meeting_id = m.id AND a.status IN ('present', 'online')) AS att,
            (SELECT COUNT(*) FROM meeting_attendee a WHERE a.meeting_id = m.id) AS exp
          FROM meeting m WHERE m.state = 'held') x GROUP BY x.org_id, x.month`;
  const kept = `SELECT org_id, month, k0 + k1 + k2 + k3 + k4 + k5 + k6 + k7, attended, expected, last_day FROM meeting_month`;
  assert.ok(Number(sql('SELECT COUNT(*) FROM meeting_month')[0][0]) > 100, 'the demo city has months of meetings');
  assert.deepEqual(sql(`${counted} EXCEPT ${kept}`), [], 'a month counted but not kept so');
  assert.deepEqual(sql(`${kept} EXCEPT ${counted}`), [], 'a month kept but not counted so');
  const kinds = ['支部党员大会', '支委会', '党小组会', '党课', '主题党日', '组织生活会', '民主评议党员', '谈心谈话'];
  for (const [i, k] of kinds.entries()) {
    const c = `SELECT org_id, substr(day, 1, 7), COUNT(*) FROM meeting WHERE state = 'held' AND kind = '${k}' GROUP BY org_id, substr(day, 1, 7)`;
    assert.deepEqual(sql(`${c} EXCEPT SELECT org_id, month, k${i} FROM meeting_month WHERE k${i} > 0`), [], k);
  }
  // the last day each organization held one, of all time
  const lastCounted = "SELECT org_id, MAX(day) FROM meeting WHERE state = 'held' GROUP BY org_id";
  assert.deepEqual(sql(`${lastCounted} EXCEPT SELECT org_id, last_day FROM meeting_last`), [], 'a last day counted but not kept so');
  assert.deepEqual(sql(`SELECT org_id, last_day FROM meeting_last EXCEPT ${lastCounted}`), [], 'a last day kept but not counted so');
});
