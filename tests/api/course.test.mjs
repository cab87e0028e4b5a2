// course — the course library and honest online study over HTTP, on the demo
// city: courses kept by the city or a district (a district's are its own: the
// other district and the city's own courses are out of reach), an article's
// HTML sanitized on the server, a PDF or video checked by its content and
// served with range requests (206 with exactly the file's slice, 416 for a
// range past its end); a member studies with heartbeats credited by the
// server's clock — which stands still here ("@<seconds>" in the test clock
// file) so seconds are counted exactly: the real time since the previous
// accepted heartbeat, nothing after a pause (a hidden tab), nothing for a
// replayed sequence number, nothing for a page superseded by a second course
// opened at once, never more than the video's length; whole minutes reach the
// study-hours ledger.  Heartbeats kept in memory and written on a flush (one audit row), two servers on one
// database never crediting the same seconds, the held sessions written at the stop.  Offline hours recorded by
// a secretary, all or none.
// SQLite and PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startServer, backend, addUser, loginAs } from './lib.mjs';
import { sheetRows } from './xlsx.mjs';

let srv, tmp, clockFile, T, orgA, orgH;
const P = {}, U = {}, C = {};
const USERS = [['sc_city', 'city'], ['sc_siming', 'district', '350203'], ['sc_huli', 'district', '350206'], ['sc_secA', 'secretary', 'A'],
  ['sc_m1', 'member'], ['sc_mh', 'member']];

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
const at = (t) => { T = t; writeFileSync(clockFile, '@' + t); };
const video = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), randomBytes(300000)]);
const upload = (c, p, buf, name, fields = {}) => {
  const fd = new FormData();
  fd.append('file', new Blob([buf]), name);
  for (const [k, v] of Object.entries(fields)) fd.append(k, String(v));
  return c.req('POST', p, { body: fd });
};
const raw = (c, p, headers = {}) => fetch(srv.base + p, { headers: { cookie: c.cookieHeader(), ...headers } });
const onlineSeconds = (person) => Number(sql(`SELECT COALESCE(SUM(minutes), 0) FROM study_credit WHERE person_id = ${person} AND source = 'online'`)[0][0]);

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'ejia-course-'));
  clockFile = path.join(tmp, 'clock');
  // 10:00 China time tomorrow, standing still
  const day = new Date(Date.now() + 8 * 3600 * 1000 + 86400000).toISOString().slice(0, 10);
  at(Math.floor(Date.parse(day + 'T10:00:00+08:00') / 1000));
  srv = await startServer({ demo: true, args: ['--test-clock-file', clockFile, '--course-heartbeat-sec', '30', '--course-heartbeat-grace-sec', '10', '--course-daily-cap-min', '240',
    // every heartbeat written at once, so the tests below read each one's effect in the tables; the flush
    // of heartbeats kept in memory is the last test's, on a second server with its own setting
    '--course-flush-beats', '1'] });
  const branches = sql("SELECT id, district_code FROM org WHERE kind = '党支部' AND dissolved_on IS NULL AND established_on <= '2018-01-01' ORDER BY id");
  orgA = Number(branches.find(([, d]) => d === '350203')[0]);
  orgH = Number(branches.find(([, d]) => d === '350206')[0]);
  const scope = { A: orgA, H: orgH };
  for (const [u, role, s] of USERS) addUser(srv.db.url, u, role, s in scope ? String(scope[s]) : s);
  for (const [u] of USERS) U[u] = await loginAs(srv.base, u);
  const reg = async (name, body17, org, username) => {
    const r = await U.sc_city.post('/api/members', { name, id_number: id18(body17), org_id: org, category: '正式党员', joined_on: '2015-07-01', full_on: '2016-07-01', day: '2019-01-01', username });
    assert.equal(r.status, 201, r.text);
    return r.data.member.id;
  };
  P.m1 = await reg('学甲', '35020319880101561', orgA, 'sc_m1');
  P.mh = await reg('学丁', '35020619910404564', orgH, 'sc_mh');
});
after(async () => { await srv?.stop(); rmSync(tmp, { recursive: true, force: true }); });

test('the library: a district keeps its own, the city all; an article sanitized; publishing needs the file; the list as a workbook', async () => {
  let r = await U.sc_city.post('/api/courses', { kind: 'article', title: '学习党章第一章', category: '党章党规', minutes: 30, required_year: Number(new Date(T * 1000).toISOString().slice(0, 4)),
    body: '<h2>党员</h2><p onclick="steal()">年满十八岁<script>alert(1)</script><a href="javascript:x()">链接</a></p><iframe src="https://evil"></iframe>', state: 'published' });
  assert.equal(r.status, 201, r.text);
  C.art = r.data.id;
  assert.equal(r.data.body, '<h2>党员</h2><p>年满十八岁<a>链接</a></p>');
  assert.equal(r.data.district_code, null);
  r = await U.sc_siming.post('/api/courses', { kind: 'video', title: '思明区党课视频', category: '党课', minutes: 10, audience: 'all' });
  assert.equal(r.status, 201, r.text);
  C.vid = r.data.id;
  assert.equal(r.data.district_code, '350203');
  assert.equal(r.data.state, 'draft');
  r = await U.sc_siming.req('PATCH', `/api/courses/${C.vid}`, { json: { state: 'published' } });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'state');
  assert.match(r.data.error.message, /上传/);
  // checked by content: a text file named .mp4 is refused
  r = await upload(U.sc_siming, `/api/courses/${C.vid}/file`, Buffer.from('not a video at all'), '党课.mp4', { duration_sec: 75 });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'file');
  r = await upload(U.sc_siming, `/api/courses/${C.vid}/file`, video, '党课.mp4');
  assert.equal(r.status, 400, 'a video needs its length');
  assert.equal(r.data.error.field, 'duration_sec');
  r = await upload(U.sc_siming, `/api/courses/${C.vid}/file`, video, '党课.mp4', { duration_sec: 75 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.file_mime, 'video/mp4');
  assert.equal(r.data.file_size, video.length);
  r = await U.sc_siming.req('PATCH', `/api/courses/${C.vid}`, { json: { state: 'published' } });
  assert.equal(r.status, 200, r.text);
  // the other district and the city's course are out of a district's reach
  assert.equal((await U.sc_huli.get(`/api/courses/${C.vid}`)).status, 403);
  assert.equal((await U.sc_huli.req('PATCH', `/api/courses/${C.vid}`, { json: { title: '改名' } })).status, 403);
  assert.equal((await U.sc_siming.req('PATCH', `/api/courses/${C.art}`, { json: { title: '改名' } })).status, 403);
  assert.equal((await U.sc_secA.get('/api/courses')).status, 403, 'a secretary does not keep courses');
  assert.ok((await U.sc_city.get('/api/courses?size=100')).data.items.some((c) => c.id === C.vid));
  assert.ok(!(await U.sc_huli.get('/api/courses?size=100')).data.items.some((c) => c.id === C.vid || c.id === C.art));
  // bad fields say what and where in Chinese
  r = await U.sc_city.post('/api/courses', { kind: 'book', title: '书', category: '理论', minutes: 5 });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'kind');
  assert.match(r.data.error.message, /课程类型/);
  const wb = sheetRows(Buffer.from(await (await raw(U.sc_siming, '/api/courses?format=xlsx')).arrayBuffer()));
  assert.deepEqual(wb[0].slice(0, 3), ['编号', '课程名称', '类型']);
  assert.ok(wb.slice(1).some((x) => x[1] === '思明区党课视频'));
});

test('range requests: 206 with the file\'s exact slice, the last bytes, the whole file, 416 past the end; only the member\'s own courses', async () => {
  let r = await raw(U.sc_m1, `/api/me/study/courses/${C.vid}/file`, { Range: 'bytes=100-1123' });
  assert.equal(r.status, 206);
  assert.equal(r.headers.get('content-range'), `bytes 100-1123/${video.length}`);
  assert.equal(r.headers.get('accept-ranges'), 'bytes');
  assert.equal(r.headers.get('content-type'), 'video/mp4');
  assert.ok(Buffer.from(await r.arrayBuffer()).equals(video.subarray(100, 1124)));
  r = await raw(U.sc_m1, `/api/me/study/courses/${C.vid}/file`, { Range: 'bytes=-500' });
  assert.equal(r.status, 206);
  assert.ok(Buffer.from(await r.arrayBuffer()).equals(video.subarray(video.length - 500)));
  r = await raw(U.sc_m1, `/api/me/study/courses/${C.vid}/file`, { Range: `bytes=${video.length - 10}-` });
  assert.ok(Buffer.from(await r.arrayBuffer()).equals(video.subarray(video.length - 10)));
  r = await raw(U.sc_m1, `/api/me/study/courses/${C.vid}/file`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('accept-ranges'), 'bytes');
  assert.ok(Buffer.from(await r.arrayBuffer()).equals(video));
  r = await raw(U.sc_m1, `/api/me/study/courses/${C.vid}/file`, { Range: `bytes=${video.length}-` });
  assert.equal(r.status, 416);
  assert.equal(r.headers.get('content-range'), `bytes */${video.length}`);
  assert.match((await r.json()).error.message, /范围/);
  r = await raw(U.sc_siming, `/api/courses/${C.vid}/file`, { Range: 'bytes=0-99' });
  assert.equal(r.status, 206);
  assert.ok(Buffer.from(await r.arrayBuffer()).equals(video.subarray(0, 100)));
  // a member of another district: not published for them
  assert.equal((await raw(U.sc_mh, `/api/me/study/courses/${C.vid}/file`)).status, 404);
  assert.equal((await U.sc_mh.get(`/api/me/study/courses/${C.vid}`)).status, 404);
  assert.equal((await U.sc_mh.post(`/api/me/study/courses/${C.vid}/open`, {})).status, 404);
});

test('honest time: the real elapsed time, nothing after a pause, a replay or on a superseded page, never past the video\'s length', async () => {
  const beat = (course, token, seq) => U.sc_m1.post('/api/me/study/heartbeat', { course_id: course, token, seq, position: seq });
  let r = await U.sc_m1.get('/api/me/study/courses');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.data.required.some((c) => c.id === C.art && !c.done), 'the required article, not done');
  assert.ok(r.data.categories.some((g) => g.category === '党课' && g.courses.some((c) => c.id === C.vid)));
  r = await U.sc_m1.post(`/api/me/study/courses/${C.art}/open`, {});
  assert.equal(r.status, 200, r.text);
  const a = r.data.token;
  assert.equal(r.data.interval, 30);
  const t0 = T;
  at(t0 + 30);
  r = await beat(C.art, a, 1);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.credited, 30);
  r = await beat(C.art, a, 1);
  assert.equal(r.status, 409, 'replayed');
  assert.equal(r.data.error.code, 'replayed');
  at(t0 + 60);
  assert.equal((await beat(C.art, a, 2)).data.credited, 30);
  assert.equal(onlineSeconds(P.m1), 1, 'a whole minute in the ledger');
  at(t0 + 360);   // the tab was hidden for five minutes: the first heartbeat after credits nothing
  r = await beat(C.art, a, 3);
  assert.equal(r.data.credited, 0);
  assert.equal(r.data.gap, true);
  at(t0 + 390);
  assert.equal((await beat(C.art, a, 4)).data.credited, 30);
  // the page is hidden 10 s later: that pause heartbeat credits the 10 s, the next (visible again) nothing
  at(t0 + 400);
  r = await U.sc_m1.post('/api/me/study/heartbeat', { course_id: C.art, token: a, seq: 5, position: 4, pause: true });
  assert.equal(r.data.credited, 10);
  at(t0 + 410);
  assert.equal((await U.sc_m1.post('/api/me/study/heartbeat', { course_id: C.art, token: a, seq: 6, position: 4 })).data.credited, 0);
  // a second course opened at once: the first page credits nothing from now on
  at(t0 + 420);
  const v = (await U.sc_m1.post(`/api/me/study/courses/${C.vid}/open`, {})).data.token;
  at(t0 + 450);
  r = await beat(C.art, a, 7);
  assert.equal(r.status, 409);
  assert.equal(r.data.error.code, 'superseded');
  assert.match(r.data.error.message, /只计一门课程/);
  assert.equal((await beat(C.vid, v, 1)).data.credited, 30);
  at(t0 + 480);
  assert.equal((await beat(C.vid, v, 2)).data.credited, 30);
  at(t0 + 510);
  r = await beat(C.vid, v, 3);
  assert.equal(r.data.credited, 15, 'the video is 75 s long');
  assert.equal(r.data.seconds, 75);
  at(t0 + 540);
  assert.equal((await beat(C.vid, v, 4)).data.credited, 0);
  // a token that is not the session's
  assert.equal((await beat(C.vid, 'f'.repeat(32), 9)).status, 409);
  assert.equal((await U.sc_m1.post('/api/me/study/heartbeat', { course_id: C.vid, token: v, seq: 0 })).status, 400);
  // 100 s of the article and 75 of the video: two whole minutes, each course its own row
  assert.equal(onlineSeconds(P.m1), 2);
  assert.deepEqual(sql(`SELECT source_id, minutes FROM study_credit WHERE person_id = ${P.m1} AND source = 'online' ORDER BY source_id`),
    [[String(C.art), '1'], [String(C.vid), '1']]);
  r = await U.sc_m1.get('/api/me/study/courses');
  assert.deepEqual(r.data.recent.map((c) => c.id), [C.vid, C.art], 'continue where I stopped: the latest first');
  assert.equal(r.data.recent[0].position, 4);
  r = await U.sc_m1.get(`/api/me/study/courses/${C.art}`);
  assert.equal(r.data.seconds, 100);
  assert.equal(r.data.body, '<h2>党员</h2><p>年满十八岁<a>链接</a></p>');
  assert.equal(r.data.position, 4);
  assert.ok(Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'course.heartbeat' AND result = 'refused'")[0][0]) >= 3);
});

test('offline hours: recorded by the secretary for members of the branch, all or none with a report of who was refused', async () => {
  const day = new Date(T * 1000 + 8 * 3600 * 1000).toISOString().slice(0, 10);
  const body = { title: '集中学习：党的二十大报告', category: '党课', day, minutes: 120, org_id: orgA, person_ids: [P.m1] };
  let r = await U.sc_secA.post('/api/study/offline', { ...body, person_ids: [P.m1, P.m1] });
  assert.equal(r.status, 422, r.text);
  assert.match(r.data.error.message, /整批未登记/);
  assert.deepEqual(r.data.error.detail.map((x) => x.reason), ['名单中重复出现']);
  assert.equal((await U.sc_secA.post('/api/study/offline', { ...body, person_ids: [P.m1, P.mh] })).status, 403, 'a member of another branch');
  assert.equal((await U.sc_secA.post('/api/study/offline', { ...body, person_ids: [P.m1, 99999999] })).status, 403, 'an unknown member: outside');
  assert.equal(Number(sql(`SELECT COUNT(*) FROM study_credit WHERE source = 'offline' AND person_id = ${P.m1}`)[0][0]), 0, 'nothing half-recorded');
  r = await U.sc_secA.post('/api/study/offline', { ...body, day: '2999-01-01' });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'day');
  r = await U.sc_secA.post('/api/study/offline', body);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(sql(`SELECT minutes, category, note FROM study_credit WHERE source = 'offline' AND person_id = ${P.m1}`), [['120', '党课', body.title]]);
  r = await U.sc_secA.get('/api/study/offline');
  assert.ok(r.data.items.some((x) => x.title === body.title && x.members === 1));
  assert.ok(!(await U.sc_huli.get('/api/study/offline')).data.items.some((x) => x.title === body.title));
});

test('offline hours imported from a sheet: every refused row reported, nothing half-imported; then the whole file', async () => {
  const day = new Date(T * 1000 + 8 * 3600 * 1000).toISOString().slice(0, 10);
  const m1 = sql(`SELECT name FROM member WHERE person_id = ${P.m1}`)[0][0];
  const send = (csv, fields = {}) => {
    const fd = new FormData();
    fd.append('file', new Blob([csv]), '党课签到表.csv');
    for (const [k, v] of Object.entries({ title: '党课：学习党章（导入）', category: '党课', day, minutes: 60, org_id: orgA, ...fields })) fd.append(k, String(v));
    return U.sc_secA.req('POST', '/api/study/offline/import', { body: fd });
  };
  const idM1 = id18('35020319880101561');
  let r = await send(`姓名,公民身份号码\n${m1},${idM1}\n某某,350203199901011234\n张冒名,${id18('35020619910404564')}\n${m1},${idM1}\n王五,${id18('35020319700101001')}\n`);
  assert.equal(r.status, 422, r.text);
  assert.match(r.data.error.message, /整个文件未登记/);
  assert.deepEqual(r.data.error.detail.map((x) => [x.row, x.reason.slice(0, 8)]), [
    [3, '公民身份号码无效'], [4, '姓名与党员档案不'], [5, '与表中前面一行的'], [6, '系统中没有该公民'],
  ]);
  assert.equal(Number(sql("SELECT COUNT(*) FROM study_credit WHERE note = '党课：学习党章（导入）'")[0][0]), 0, 'nothing half-imported');
  r = await send('姓名,电话\n张三,1\n');
  assert.equal(r.status, 400);
  assert.match(r.data.error.message, /公民身份号码/);
  r = await send(`序号,姓名,公民身份号码\n1,${m1},${idM1}\n`);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(sql("SELECT person_id, minutes FROM study_credit WHERE note = '党课：学习党章（导入）'"), [[String(P.m1), '60']]);
});

test('heartbeats kept in memory, written on a flush with one audit row; two servers never credit the same seconds', async () => {
  // a second server on the same database (issue 20: several behind a balancer), keeping 3 heartbeats in memory
  const srv2 = await startServer({ db: srv.db, args: ['--test-clock-file', clockFile, '--course-heartbeat-sec', '30', '--course-heartbeat-grace-sec', '10',
    '--course-daily-cap-min', '240', '--course-flush-beats', '3'] });
  let stopped = false;
  try {
    const m2 = await loginAs(srv2.base, 'sc_mh');
    const beat = (c, token, seq) => c.post('/api/me/study/heartbeat', { course_id: C.art, token, seq, position: seq });
    const row = () => sql(`SELECT seq, course_seconds FROM course_session WHERE person_id = ${P.mh}`)[0].map(Number);
    const flushes = () => Number(sql(`SELECT COUNT(*) FROM audit WHERE action = 'course.heartbeat' AND result = 'ok' AND username = 'sc_mh'`)[0][0]);
    let r = await m2.post(`/api/me/study/courses/${C.art}/open`, {});
    assert.equal(r.status, 200, r.text);
    const tok = r.data.token;
    const t0 = T;
    at(t0 + 30);
    assert.equal((await beat(m2, tok, 1)).data.credited, 30);
    at(t0 + 60);
    assert.equal((await beat(m2, tok, 2)).data.credited, 30);
    assert.deepEqual(row(), [0, 0], 'two heartbeats in memory: the row not written');
    assert.equal(flushes(), 0, 'and no audit row');
    assert.equal((await m2.get(`/api/me/study/courses/${C.art}`)).data.seconds, 60, 'the member sees what the server holds');
    at(t0 + 90);
    assert.equal((await beat(m2, tok, 3)).data.credited, 30);
    assert.deepEqual(row(), [3, 90], 'the third heartbeat: flushed');
    assert.equal(flushes(), 1, 'the flush leaves one audit row');
    assert.equal(onlineSeconds(P.mh), 1, 'its whole minute in the ledger');
    at(t0 + 120);
    assert.equal((await beat(m2, tok, 4)).data.credited, 30);          // held by srv2 only
    // the balancer sends heartbeat 5 to the first server: it does not hold the session, loads the row (seq 3) and
    // credits the 40 s since heartbeat 3 — srv2's 30 s of heartbeat 4 among them — and writes at once
    at(t0 + 130);
    r = await beat(U.sc_mh, tok, 5);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.data.credited, 40);
    assert.deepEqual(row(), [5, 130]);
    at(t0 + 150);
    assert.equal((await beat(m2, tok, 6)).data.credited, 30);          // srv2's stale copy (since its heartbeat 4), in memory
    at(t0 + 170);
    // srv2 flushes (its third heartbeat since the last): refused by the guard, its copy dropped and reloaded
    // (seq 5): heartbeat 7 credits the 40 s since heartbeat 5, kept in memory
    r = await beat(m2, tok, 7);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.data.credited, 40);
    assert.equal(r.data.seconds, 170);
    assert.deepEqual(row(), [5, 130], 'the stale flush wrote nothing');
    // the server stops: the session it holds is written, with its audit row
    const before = flushes();
    stopped = true;
    await srv2.stop({ keepDb: true });
    assert.deepEqual(row(), [7, 170], 'written at the stop: 90 + 40 + 40 s, the 30 + 30 s of the stale copy never counted');
    assert.equal(flushes(), before + 1);
  } finally { if (!stopped) await srv2.stop({ keepDb: true }); }
});
