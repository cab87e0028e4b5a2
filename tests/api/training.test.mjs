// training — training batches (轮训) over HTTP on the demo city: the city office
// creates a batch and its sessions, enrols a branch's members by organization
// and invites an investor's account (not a party member), who accepts in their
// account; a member checks in at the session on now with the code shown at the
// venue (the meetings' rotating code, a key of its own), the rest is marked by
// hand with a reason; completion by the share of sessions, certificates
// numbered in the year's sequence, the batch's hours credited once and only to
// registry members; both certificate downloads read back with pdftotext and
// audited; a session nobody attended removed, a batch changed, a withdrawal, the
// list's filters and workbook; who may do what.  SQLite and PostgreSQL.
//
// Time is the server's (test-clock-file): 10:00 China time tomorrow.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, backend, addUser, loginAs } from './lib.mjs';
import { sheetRows } from './xlsx.mjs';

let srv, tmp, clockFile, orgA;
const U = {};
const P = {};
const USERS = [['tg_city', 'city'], ['tg_siming', 'district', '350203'], ['tg_sec', 'secretary', 'A'], ['tg_m1', 'member'], ['tg_m2', 'member'],
  ['tg_inv', 'investor', 'E']];

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
const audits = (action, object) => Number(sql(`SELECT COUNT(*) FROM audit WHERE action = '${action}' AND object = '${object}'`)[0][0]);
const addDays = (day, n) => new Date(Date.parse(day + 'T00:00:00Z') + n * 86400000).toISOString().slice(0, 10);
let today;

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'ejia-training-'));
  clockFile = path.join(tmp, 'clock');
  const real = Math.floor(Date.now() / 1000);
  today = addDays(new Date((real + 8 * 3600) * 1000).toISOString().slice(0, 10), 1);
  writeFileSync(clockFile, String(Math.floor(Date.parse(today + 'T10:00:00+08:00') / 1000) - real));
  srv = await startServer({ demo: true, args: ['--test-clock-file', clockFile] });
  orgA = Number(sql("SELECT MIN(id) FROM org WHERE kind = '党支部' AND district_code = '350203' AND dissolved_on IS NULL AND established_on <= '2018-01-01'")[0][0]);
  const scope = { A: String(orgA), E: sql('SELECT MIN(id) FROM enterprise')[0][0] };
  for (const [u, role, s] of USERS) addUser(srv.db.url, u, role, s in scope ? scope[s] : s);
  for (const [u] of USERS) U[u] = await loginAs(srv.base, u);
  const reg = async (name, id, username) => {
    const r = await U.tg_city.post('/api/members', { name, id_number: id, org_id: orgA, category: '正式党员', joined_on: '2015-07-01', full_on: '2016-07-01', day: '2019-01-01', username });
    assert.equal(r.status, 201, r.text);
    return r.data.member.id;
  };
  P.m1 = await reg('培甲', id18('35020319880101781'), 'tg_m1');
  P.m2 = await reg('培乙', id18('35020319900303783'), 'tg_m2');
  P.inv = Number(sql("SELECT id FROM users WHERE username = 'tg_inv'")[0][0]);
});
after(async () => { await srv?.stop(); rmSync(tmp, { recursive: true, force: true }); });

let B, S1, S2, S3, A1, A2, AI;

test('the city office creates a batch and its sessions; others may not', async () => {
  const body = { name: '第一期互联网企业党组织书记培训班', number: 1, starts_on: today, ends_on: today, place: '市委党校', audience: 'secretary', organizer: '中共厦门市委组织部' };
  assert.equal((await U.tg_siming.post('/api/training/batches', body)).status, 403, 'a district office keeps no batches');
  let r = await U.tg_city.post('/api/training/batches', { ...body, audience: 'boss' });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'audience');
  r = await U.tg_city.post('/api/training/batches', { ...body, ends_on: addDays(today, -1) });
  assert.equal(r.status, 400);
  assert.match(r.data.error.message, /早于开班日期/);
  r = await U.tg_city.post('/api/training/batches', body);
  assert.equal(r.status, 201, r.text);
  B = r.data.id;
  assert.equal(r.data.audience_label, '党组织书记');
  assert.equal(audits('training.batch.create', `training_batch:${B}`), 1);
  r = await U.tg_city.patch(`/api/training/batches/${B}`, { place: '厦门市委党校（思明校区）' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.place, '厦门市委党校（思明校区）');
  const add = (start, end, hours, topic) => U.tg_city.post(`/api/training/batches/${B}/sessions`, { day: today, start, end, topic, teacher: '市委党校教授', hours });
  r = await add('09:00', '12:00', 3, '学习贯彻党章和党内法规');
  assert.equal(r.status, 201, r.text);
  r = await add('14:00', '17:00', '3', '互联网企业党建工作实务');
  r = await add('19:00', '20:30', 1.5, '书记讲党课交流');
  r = await add('20:30', '21:00', 0.5, '临时安排');
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.session_list.length, 4);
  [S1, S2, S3] = r.data.session_list.map((s) => s.id);
  const S4 = r.data.session_list[3].id;
  r = await U.tg_city.del(`/api/training/batches/${B}/sessions/${S4}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.session_list.length, 3);
  assert.equal(r.data.hours, '7.5');
  r = await add('09:00', '10:00', 0.01, '太短');
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'hours');
  r = await U.tg_city.post(`/api/training/batches/${B}/sessions`, { day: addDays(today, 3), start: '09:00', end: '10:00', topic: '日期不对', teacher: '某', hours: 1 });
  assert.equal(r.status, 400);
  assert.match(r.data.error.message, /不在培训班/);
});

test('enrolment by a list and by invitation; the investor answers in their account', async () => {
  let r = await U.tg_city.post(`/api/training/batches/${B}/enrol`, { person_ids: [P.m1, P.m2] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.added, 2);
  r = await U.tg_city.post(`/api/training/batches/${B}/enrol`, { person_ids: [P.m1] });
  assert.equal(r.data.added, 0, 'those on the roster are left as they are');
  const cand = await U.tg_city.get('/api/training/candidates?q=' + encodeURIComponent('tg_inv'));
  assert.equal(cand.status, 200, cand.text);
  assert.ok(cand.data.items.some((x) => x.user_id === P.inv && x.kind === 'account'), 'an investor who is not a member is found as an account');
  r = await U.tg_city.post(`/api/training/batches/${B}/enrol`, { user_ids: [P.inv], invite: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.added, 1);
  const by = (f) => r.data.attendees.find(f);
  A1 = by((a) => a.person_id === P.m1).id;
  A2 = by((a) => a.person_id === P.m2).id;
  AI = by((a) => a.user_id === P.inv).id;
  assert.equal(by((a) => a.id === AI).state, 'invited');
  assert.equal(by((a) => a.id === AI).kind, 'account');
  let mine = await U.tg_inv.get('/api/me/training');
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.data.invited, 1);
  assert.equal((await U.tg_m1.post(`/api/me/training/${AI}/accept`)).status, 404, 'not their invitation');
  r = await U.tg_inv.post(`/api/me/training/${AI}/accept`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.items[0].state, 'enrolled');
  assert.equal((await U.tg_inv.post(`/api/me/training/${AI}/decline`)).status, 409, 'answered once');
  assert.equal(audits('training.invite.accept', `training_batch:${B}`), 1);
});

test('check-in with the code shown at the venue, once; the rest marked by hand with a reason', async () => {
  assert.equal((await U.tg_siming.get(`/api/training/batches/${B}/sessions/${S1}/checkin-token`)).status, 403);
  const t = await U.tg_city.get(`/api/training/batches/${B}/sessions/${S1}/checkin-token`);
  assert.equal(t.status, 200, t.text);
  assert.match(t.data.url, /^\/me\/training\?c=/);
  let r = await U.tg_m1.post('/api/me/training/checkin', { token: t.data.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.session_id, S1);
  r = await U.tg_m1.post('/api/me/training/checkin', { token: t.data.token });
  assert.equal(r.status, 409);
  assert.equal(r.data.error.code, 'already_checked_in');
  r = await U.tg_inv.post('/api/me/training/checkin', { token: t.data.token });
  assert.equal(r.status, 200, r.text);
  r = await U.tg_sec.post('/api/me/training/checkin', { token: t.data.token });
  assert.equal(r.status, 403, 'not on the roster');
  r = await U.tg_m1.post('/api/me/training/checkin', { token: 'x.y.z' });
  assert.equal(r.status, 400);
  // the afternoon's window is not open at 10:00
  r = await U.tg_city.get(`/api/training/batches/${B}/sessions/${S2}/checkin-token`);
  assert.equal(r.status, 409);
  assert.equal(r.data.error.code, 'outside_window');
  r = await U.tg_city.post(`/api/training/batches/${B}/sessions/${S2}/attendance`, { attendee_id: A1, present: true });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'reason');
  for (const [s, a] of [[S2, A1], [S3, A1], [S2, AI], [S3, AI], [S1, A2]]) {
    r = await U.tg_city.post(`/api/training/batches/${B}/sessions/${s}/attendance`, { attendee_id: a, present: true, reason: '手机无法扫码，经班主任核实到课' });
    assert.equal(r.status, 200, r.text);
  }
  assert.equal(r.data.attendance.filter((x) => x.how === 'manual').length, 5);
  assert.equal(r.data.attendance.filter((x) => x.how === 'checkin').length, 2);
  assert.equal((await U.tg_city.del(`/api/training/batches/${B}/sessions/${S1}`)).status, 409, 'a session attended is kept');
  const mine = await U.tg_m1.get('/api/me/training');
  assert.equal(mine.data.items[0].attended, 3);
  assert.equal(mine.data.items[0].session_list.find((s) => s.id === S1).how, 'checkin');
});

test('completion: the share of sessions, certificates numbered, hours credited once to members only', async () => {
  assert.equal((await U.tg_city.get(`/api/training/batches/${B}/attendees/${A1}/certificate.pdf`)).status, 409, 'no certificate before completion');
  const year = Number(today.slice(0, 4));
  const before = Number(sql(`SELECT COUNT(*) FROM training_attendee WHERE cert_no LIKE '%〔${year}〕%'`)[0][0]);
  let r = await U.tg_city.post(`/api/training/batches/${B}/complete`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.data.result, { completed: 2, credited: 1, not_completed: 1 });
  assert.equal(r.data.state, 'finished');
  const a1 = r.data.attendees.find((a) => a.id === A1), ai = r.data.attendees.find((a) => a.id === AI);
  assert.equal(a1.cert_no, `厦党培〔${year}〕第${String(before + 1).padStart(4, '0')}号`);
  assert.equal(ai.cert_no, `厦党培〔${year}〕第${String(before + 2).padStart(4, '0')}号`);
  assert.equal(a1.credited_minutes, 450);
  assert.equal(ai.credited_minutes, 0, 'an investor who is no member is credited nothing');
  const credited = () => Number(sql(`SELECT COALESCE(SUM(minutes), 0) FROM study_credit WHERE source = 'training' AND source_id = ${B} AND person_id = ${P.m1}`)[0][0]);
  assert.equal(credited(), 450);
  r = await U.tg_city.post(`/api/training/batches/${B}/complete`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.result.completed, 0);
  assert.equal(credited(), 450, 'credited once');
  assert.equal(Number(sql(`SELECT minutes FROM study_year WHERE person_id = ${P.m1} AND year = ${year}`)[0][0]) >= 450, true);
  // a finished batch takes nobody new
  assert.equal((await U.tg_city.post(`/api/training/batches/${B}/enrol`, { person_ids: [P.m2] })).status, 409);
});

test('certificates: the office\'s and the member\'s own, read back, downloads audited', async () => {
  const res = await fetch(srv.base + `/api/training/batches/${B}/attendees/${A1}/certificate.pdf`, { headers: { cookie: U.tg_city.cookieHeader() } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  const pdf = path.join(tmp, 'cert.pdf');
  writeFileSync(pdf, Buffer.from(await res.arrayBuffer()));
  const flat = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
  for (const part of ['结业证书', '培甲同志', '第一期互联网企业党组织书记培训班', '7.5学时', '中共厦门市委组织部', '厦党培〔'])
    assert.ok(flat.includes(part), `the certificate has ${part}: ${flat}`);
  assert.equal(audits('training.certificate', `training_batch:${B}`), 1);
  let r = await U.tg_m1.get(`/api/me/training/${A1}/certificate.pdf`);
  assert.equal(r.status, 200);
  assert.equal(audits('training.certificate', `training_batch:${B}`), 2);
  assert.equal((await U.tg_m1.get(`/api/me/training/${AI}/certificate.pdf`)).status, 404, 'not another\'s');
  assert.equal((await U.tg_m2.get(`/api/me/training/${A2}/certificate.pdf`)).status, 409, 'not completed');
  r = await U.tg_inv.get(`/api/me/training/${AI}/certificate.pdf`);
  assert.equal(r.status, 200, 'the investor has theirs too');
});

test('enrolment by organization and by role; withdrawal with a reason; the list, its filters and workbook', async () => {
  let r = await U.tg_city.post('/api/training/batches', { name: '第一期互联网企业出资人培训班', starts_on: addDays(today, 7), ends_on: addDays(today, 8), place: '软件园二期', audience: 'investor', organizer: '中共厦门市委组织部' });
  assert.equal(r.status, 201, r.text);
  const b2 = r.data.id;
  const inOrg = Number(sql(`SELECT COUNT(*) FROM member WHERE org_path LIKE '%/${orgA}/%' AND state IN ('正常', '流动')`)[0][0]);
  r = await U.tg_city.post(`/api/training/batches/${b2}/enrol`, { org_id: orgA });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.added, inOrg, 'the organization\'s members');
  const investors = Number(sql("SELECT COUNT(*) FROM users WHERE role = 'investor' AND disabled = 0")[0][0]);
  r = await U.tg_city.post(`/api/training/batches/${b2}/enrol`, { role: 'investor', invite: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.added, investors, 'every investor\'s account invited');
  const invA = r.data.attendees.find((x) => x.user_id === P.inv).id;
  const d = await U.tg_inv.post(`/api/me/training/${invA}/decline`);
  assert.equal(d.status, 200, d.text);
  assert.ok(!d.data.items.some((x) => x.attendee_id === invA), 'a declined invitation is no longer listed');
  assert.equal(audits('training.invite.decline', `training_batch:${b2}`), 1);
  assert.equal((await U.tg_city.post(`/api/training/batches/${b2}/enrol`, { role: 'auditor' })).status, 400);
  assert.equal((await U.tg_city.post(`/api/training/batches/${b2}/enrol`, {})).status, 400);
  const a = r.data.attendees.find((x) => x.person_id === P.m2).id;
  r = await U.tg_city.post(`/api/training/batches/${b2}/attendees/${a}/withdraw`, {});
  assert.equal(r.status, 400);
  r = await U.tg_city.post(`/api/training/batches/${b2}/attendees/${a}/withdraw`, { reason: '工作调动，无法参训' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.attendees.find((x) => x.id === a).state, 'withdrawn');
  assert.equal((await U.tg_city.post(`/api/training/batches/${b2}/complete`)).status, 409, 'not ended yet');
  r = await U.tg_city.get('/api/training/batches?audience=investor');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.data.items.every((x) => x.audience === 'investor'));
  assert.ok(r.data.items.some((x) => x.id === b2));
  r = await U.tg_city.get('/api/training/batches?state=finished&q=' + encodeURIComponent('书记'));
  assert.ok(r.data.items.some((x) => x.id === B));
  assert.equal((await U.tg_city.get('/api/training/batches?state=bad')).status, 400);
  r = await U.tg_siming.get('/api/training/batches');
  assert.equal(r.status, 200);
  assert.equal(r.data.total, 0, 'batches are the city office\'s');
  assert.equal((await U.tg_siming.get(`/api/training/batches/${B}`)).status, 403);
  const res = await fetch(srv.base + '/api/training/batches?format=xlsx', { headers: { cookie: U.tg_city.cookieHeader() } });
  assert.equal(res.status, 200);
  const rows = sheetRows(Buffer.from(await res.arrayBuffer()));
  assert.equal(rows[0][1], '名称');
  assert.ok(rows.some((row) => row.includes('第一期互联网企业党组织书记培训班')));
});
