// volunteer — 志愿服务 (issue 18) over HTTP on the demo city: the demo's teams,
// its past activity's confirmed hours as points lines that name the activity;
// an organizer in scope makes a team and an activity (one outside refused),
// members sign up until full (the next refused, a cancel frees the place), the
// organizer's rolling code checks in only the signed-up, hours are confirmed
// once and feed the points; the figures per member and per team as workbooks;
// the member's certificate as a PDF (pdftotext); a cancelled activity.
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

let srv, tmp, clockFile, clock = 0, today, orgA, orgH;
const U = {};
const P = {};
const USERS = [['vt_city', 'city'], ['vt_siming', 'district', '350203'], ['vt_huli', 'district', '350206'], ['vt_sec', 'secretary', 'A'],
  ['vt_admin', 'org_admin', 'A'], ['vt_secH', 'secretary', 'H']];

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
const setClock = (s) => { clock = s; writeFileSync(clockFile, String(s)); };
const local = (t) => new Date((t + 8 * 3600) * 1000).toISOString();
const dayOf = (t) => local(t).slice(0, 10);
const addDays = (day, n) => new Date(Date.parse(day + 'T00:00:00Z') + n * 86400000).toISOString().slice(0, 10);
const at = (day, hhmm) => Math.floor(Date.parse(`${day}T${hhmm}:00+08:00`) / 1000);
const clockTo = (day, hhmm) => setClock(at(day, hhmm) - Math.floor(Date.now() / 1000));
const audits = (action, result = 'ok') => Number(sql(`SELECT COUNT(*) FROM audit WHERE action = '${action}' AND result = '${result}'`)[0][0]);
const download = async (c, p) => fetch(srv.base + p, { headers: { cookie: c.cookieHeader() } });

async function relogin() {
  for (const u of Object.keys(U)) U[u] = await loginAs(srv.base, u);
}

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'ejia-volunteer-'));
  clockFile = path.join(tmp, 'clock');
  const real = Math.floor(Date.now() / 1000);
  today = addDays(dayOf(real), 1);
  clockTo(today, '10:00');
  srv = await startServer({ demo: true, args: ['--test-clock-file', clockFile, '--points-run-seconds', '0'] });
  const branches = sql("SELECT id, district_code FROM org WHERE kind = '党支部' AND dissolved_on IS NULL AND established_on <= '2018-01-01' ORDER BY id");
  orgA = Number(branches.find(([, d]) => d === '350203')[0]);
  orgH = Number(branches.find(([, d]) => d === '350206')[0]);
  const scope = { A: orgA, H: orgH };
  for (const [u, role, s] of USERS) addUser(srv.db.url, u, role, s in scope ? String(scope[s]) : s);
  for (const [u] of USERS) U[u] = await loginAs(srv.base, u);
  const reg = async (name, body17, org, username) => {
    addUser(srv.db.url, username, 'member');
    const r = await U.vt_city.post('/api/members', { name, id_number: id18(body17), org_id: org, category: '正式党员', joined_on: '2015-07-01', full_on: '2016-07-01', day: '2019-01-01', username });
    assert.equal(r.status, 201, r.text);
    U[username] = await loginAs(srv.base, username);
    return r.data.member.id;
  };
  P.m1 = await reg('志甲', '35020319880101771', orgA, 'vt_m1');
  P.m2 = await reg('志乙', '35020319890202772', orgA, 'vt_m2');
  P.m3 = await reg('志丙', '35020619900303773', orgH, 'vt_m3');
});
after(async () => { await srv?.stop(); rmSync(tmp, { recursive: true, force: true }); });

test('the demo: two teams, a past activity with confirmed hours as points lines naming it, two upcoming', async () => {
  const teams = await U.vt_city.get('/api/volunteer/teams');
  assert.equal(teams.status, 200, teams.text);
  assert.ok(teams.data.total >= 2);
  const [[past, n]] = sql("SELECT a.id, COUNT(*) FROM volunteer_activity a JOIN volunteer_signup s ON s.activity_id = a.id WHERE s.confirmed_at IS NOT NULL GROUP BY a.id");
  assert.ok(Number(n) >= 1);
  const lines = sql(`SELECT COUNT(*) FROM points_line WHERE code = 'volunteer.hours' AND ref = 'volunteer:${past}'`);
  assert.equal(Number(lines[0][0]), Number(n), 'each confirmed attendee has a points line naming the activity');
  const [[up]] = sql(`SELECT COUNT(*) FROM volunteer_activity WHERE state = 'open' AND day >= '${today}'`);
  assert.ok(Number(up) >= 2);
});

let team, act;

test('an organizer makes a team and an activity in scope; outside refused; bad input explained', async () => {
  let r = await U.vt_sec.post('/api/volunteer/teams', { name: '测试党员志愿服务队', owner_kind: 'org', org_id: orgA, intro: '测试' });
  assert.equal(r.status, 201, r.text);
  team = r.data.id;
  assert.equal((await U.vt_secH.post('/api/volunteer/teams', { name: '越界', owner_kind: 'org', org_id: orgA })).status, 403);
  r = await U.vt_sec.post('/api/volunteer/teams', { name: '无归属', owner_kind: 'enterprise' });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'owner_kind');
  r = await U.vt_city.post('/api/volunteer/teams', { name: '测试园区志愿服务队', owner_kind: 'park', park_code: 'P0002' });
  assert.equal(r.status, 201, r.text);
  assert.equal((await U.vt_huli.get(`/api/volunteer/teams/${r.data.id}`)).status, 403, '湖里区 does not reach a park of 思明区');
  // an activity today 10:20–12:20, two places
  r = await U.vt_admin.post(`/api/volunteer/teams/${team}/activities`, { title: '社区环境整治', day: today, start_time: '10:20', end_time: '12:20', place: '文屏社区', places: 2 });
  assert.equal(r.status, 201, r.text);
  act = r.data.id;
  assert.equal(r.data.hours, 2);
  assert.equal(r.data.left, 2);
  r = await U.vt_sec.post(`/api/volunteer/teams/${team}/activities`, { title: '过去的活动', day: '2020-01-01', start_time: '09:00', end_time: '10:00', place: '某地', places: 2 });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'day');
  assert.match(r.data.error.message, /已过/);
  assert.equal((await U.vt_secH.post(`/api/volunteer/teams/${team}/activities`, { title: '越界', day: today, start_time: '10:20', end_time: '12:20', place: '某地', places: 2 })).status, 403);
  const got = await U.vt_siming.get(`/api/volunteer/teams/${team}`);
  assert.equal(got.status, 200);
  assert.equal(got.data.activities[0].id, act);
});

test('members sign up until full; cancelling frees the place; joining once', async () => {
  let r = await U.vt_m1.post(`/api/me/volunteer/activities/${act}/signup`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.upcoming.find((a) => a.id === act).signed_up, 1);
  r = await U.vt_m1.post(`/api/me/volunteer/activities/${act}/signup`, {});
  assert.equal(r.status, 409);
  assert.equal(r.data.error.code, 'already_signed_up');
  assert.equal((await U.vt_m2.post(`/api/me/volunteer/activities/${act}/signup`, {})).status, 200);
  r = await U.vt_m3.post(`/api/me/volunteer/activities/${act}/signup`, {});
  assert.equal(r.status, 409);
  assert.equal(r.data.error.code, 'full');
  assert.match(r.data.error.message, /已报满/);
  r = await U.vt_m2.post(`/api/me/volunteer/activities/${act}/cancel`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.upcoming.find((a) => a.id === act).left, 1);
  assert.equal((await U.vt_m3.post(`/api/me/volunteer/activities/${act}/signup`, {})).status, 200);
  assert.equal((await U.vt_m1.post(`/api/me/volunteer/teams/${team}/join`, {})).status, 200);
  r = await U.vt_m1.post(`/api/me/volunteer/teams/${team}/join`, {});
  assert.equal(r.status, 409);
  const mine = await U.vt_m1.get('/api/me/volunteer');
  assert.equal(mine.data.teams.find((t) => t.id === team).joined, 1);
});

test('check-in with the organizer\'s code: only the signed-up, once; refusals audited', async () => {
  let t = await U.vt_sec.get(`/api/volunteer/activities/${act}/checkin-token`);
  assert.equal(t.status, 200, t.text);
  assert.match(t.data.url, /^\/m\/volunteer\/checkin\?t=/);
  assert.equal((await U.vt_secH.get(`/api/volunteer/activities/${act}/checkin-token`)).status, 403);
  let r = await U.vt_m1.post('/api/me/volunteer/checkin', { token: t.data.token });
  assert.equal(r.status, 200, r.text);
  const refused = audits('volunteer.checkin', 'refused');
  r = await U.vt_m1.post('/api/me/volunteer/checkin', { token: t.data.token });
  assert.equal(r.status, 409);
  assert.equal(r.data.error.code, 'already_checked_in');
  r = await U.vt_m2.post('/api/me/volunteer/checkin', { token: t.data.token });
  assert.equal(r.status, 403);
  assert.equal(r.data.error.code, 'not_signed_up');
  assert.equal(audits('volunteer.checkin', 'refused'), refused + 2);
  // a meeting's code is not an activity's
  r = await U.vt_m1.post('/api/me/volunteer/checkin', { token: '1.2.00000000000000000000000000000000' });
  assert.equal(r.status, 400);
});

test('hours: after the end, once per attendee, into the points; figures and workbooks; the certificate', async () => {
  let r = await U.vt_sec.post(`/api/volunteer/activities/${act}/hours`, {});
  assert.equal(r.status, 409, 'not before the end');
  clockTo(today, '13:00');
  await relogin();   // the sessions idled out over the three hours
  r = await U.vt_sec.post(`/api/volunteer/activities/${act}/hours`, { items: [{ person_id: P.m3 }] });
  assert.equal(r.status, 400, 'signed up, never checked in');
  assert.match(r.data.error.message, /没有签到/);
  r = await U.vt_secH.post(`/api/volunteer/activities/${act}/hours`, {});
  assert.equal(r.status, 403);
  r = await U.vt_sec.post(`/api/volunteer/activities/${act}/hours`, { items: [{ person_id: P.m1, hours: 1.75 }] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.confirmed, 1);
  r = await U.vt_sec.post(`/api/volunteer/activities/${act}/hours`, { items: [{ person_id: P.m1 }] });
  assert.equal(r.status, 409);
  assert.equal(r.data.error.code, 'already_confirmed');
  assert.deepEqual(sql(`SELECT value FROM activity WHERE kind = 'volunteer.hours' AND ref = 'volunteer:${act}' AND person_id = ${P.m1}`), [['1.75']]);
  // the points: the engine's run gives the line, naming the activity
  r = await U.vt_city.post('/api/points/run', {});
  assert.ok([200, 201].includes(r.status), r.text);
  assert.deepEqual(sql(`SELECT raw FROM points_line WHERE code = 'volunteer.hours' AND ref = 'volunteer:${act}'`), [['175']]);
  // figures in scope
  r = await U.vt_siming.get('/api/volunteer/hours/members?from=' + today + '&until=' + today);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.data.items.map((x) => [x.person_id, x.hours]), [[P.m1, 1.75]]);
  r = await U.vt_huli.get('/api/volunteer/hours/members?from=' + today);
  assert.equal(r.data.total, 0);
  r = await U.vt_sec.get(`/api/volunteer/hours/teams?from=${today}`);
  assert.equal(r.data.items[0].team_id, team);
  const ex = audits('list.export');
  let rows = sheetRows(Buffer.from(await (await download(U.vt_siming, `/api/volunteer/hours/members?from=${today}&format=xlsx`)).arrayBuffer()));
  assert.equal(rows[0][1], '姓名');
  assert.equal(rows[1][1], '志甲');
  rows = sheetRows(Buffer.from(await (await download(U.vt_sec, `/api/volunteer/hours/teams?from=${today}&format=xlsx`)).arrayBuffer()));
  assert.equal(rows[1][1], '测试党员志愿服务队');
  rows = sheetRows(Buffer.from(await (await download(U.vt_sec, '/api/volunteer/teams?format=xlsx')).arrayBuffer()));
  assert.ok(rows.some((x) => x[1] === '测试党员志愿服务队'));
  assert.equal(audits('list.export'), ex + 3);
  // the certificate: the attendee's own, confirmed
  const res = await download(U.vt_m1, `/api/me/volunteer/activities/${act}/certificate.pdf`);
  assert.equal(res.status, 200);
  const file = path.join(tmp, 'cert.pdf');
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  const txt = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, '');
  assert.match(txt, /志愿服务证明/);
  assert.match(txt, /志甲同志/);
  assert.match(txt, /社区环境整治/);
  assert.match(txt, /1\.75小时/);
  assert.equal(audits('volunteer.certificate'), 1);
  r = await U.vt_m3.get(`/api/me/volunteer/activities/${act}/certificate.pdf`);
  assert.equal(r.status, 409, 'no hours confirmed');
});

test('the organizer cancels an upcoming activity (reason required); it leaves the members\' list', async () => {
  const day = addDays(today, 3);
  let r = await U.vt_sec.post(`/api/volunteer/teams/${team}/activities`, { title: '周末助老', day, start_time: '09:00', end_time: '11:00', place: '敬老院', places: 5, hours: 1.5 });
  assert.equal(r.status, 201, r.text);
  const id = r.data.id;
  assert.equal(r.data.hours, 1.5);
  assert.equal((await U.vt_m1.post(`/api/me/volunteer/activities/${id}/signup`, {})).status, 200);
  r = await U.vt_sec.post(`/api/volunteer/activities/${id}/cancel`, {});
  assert.equal(r.status, 400);
  r = await U.vt_sec.post(`/api/volunteer/activities/${id}/cancel`, { reason: '天气原因' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.state, 'cancelled');
  const mine = await U.vt_m1.get('/api/me/volunteer');
  assert.ok(!mine.data.upcoming.some((a) => a.id === id));
  r = await U.vt_m2.post(`/api/me/volunteer/activities/${id}/signup`, {});
  assert.equal(r.status, 409);
  assert.equal((await U.vt_sec.get(`/api/volunteer/activities/${id}`)).data.signups.length, 1);
});
