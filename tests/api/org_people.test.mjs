// org_people — organizations' people and terms over HTTP on the demo city
// (issue 23): the committee as of a day with its history and term; a post
// refused for a 预备党员 and for a member of another organization (the rule
// named, field person_id), added for a 正式党员 (one audit row), ended; a
// carried-over name (未关联) linked; the scope (another district sees nothing);
// a branch's term runs out (the server's clock moved past its end) and shows
// in 换届提醒 and the reminders until its election is recorded (multipart: the
// new committee and the vote record, kept and downloaded, audited); the list
// as a workbook.  SQLite and PostgreSQL.
//
// Time is the server's (test-clock-file): 10:00 China time on the day after
// today, moved past the branch's end of term for the second half.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, backend, addUser, loginAs } from './lib.mjs';
import { sheetRows } from './xlsx.mjs';

let srv, tmp, clockFile, offset, orgA, orgH, today;
const P = {};
const U = {};
const USERS = [['op_city', 'city'], ['op_siming', 'district', '350203'], ['op_huli', 'district', '350206'], ['op_secA', 'secretary', 'A'], ['op_admA', 'org_admin', 'A']];

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
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4]);

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'ejia-orgpeople-'));
  clockFile = path.join(tmp, 'clock');
  const real = Math.floor(Date.now() / 1000);
  today = addDays(dayOf(real), 1);
  offset = Math.floor(Date.parse(today + 'T10:00:00+08:00') / 1000) - real;
  writeFileSync(clockFile, String(offset));
  srv = await startServer({ demo: true, args: ['--test-clock-file', clockFile, '--org-files-dir', path.join(tmp, 'files'), '--password-max-age-days', '0'] });
  // a 思明 branch with an election in the demo, its term running; a 湖里 branch
  const branches = sql("SELECT o.id, o.district_code FROM org o WHERE o.kind = '党支部' AND o.dissolved_on IS NULL AND o.established_on <= '2018-01-01' AND EXISTS (SELECT 1 FROM org_election x WHERE x.org_id = o.id) ORDER BY o.id");
  orgA = Number(branches.find(([, d]) => d === '350203')[0]);
  orgH = Number(branches.find(([, d]) => d === '350206')[0]);
  const scope = { A: orgA };
  for (const [u, role, s] of USERS) addUser(srv.db.url, u, role, s in scope ? String(scope[s]) : s);
  for (const [u] of USERS) U[u] = await loginAs(srv.base, u);
  const reg = async (name, body17, org, category = '正式党员') => {
    const r = await U.op_city.post('/api/members', { name, id_number: id18(body17), org_id: org, category, joined_on: category === '正式党员' ? '2015-07-01' : '2026-01-05', full_on: category === '正式党员' ? '2016-07-01' : undefined, day: '2019-01-01' });
    assert.equal(r.status, 201, r.text);
    return r.data.member.id;
  };
  P.a1 = await reg('任甲', '35020319880101721', orgA);
  P.a2 = await reg('任乙', '35020319890202722', orgA);
  P.prob = await reg('任丙', '35020319990303723', orgA, '预备党员');
  P.h1 = await reg('任丁', '35020619910404724', orgH);
});
after(async () => { await srv?.stop(); rmSync(tmp, { recursive: true, force: true }); });

test('the committee as of a day: the demo election\'s posts, the history, the term from the election', async () => {
  const r = await U.op_secA.get(`/api/orgs/${orgA}/committee`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.data.posts.length >= 1);
  assert.equal(r.data.posts[0].post, '书记');
  assert.ok(r.data.posts.every((p) => p.person_id > 0));
  assert.equal(r.data.term.basis, 'election');
  assert.equal(r.data.term.status === 'overdue', false);
  assert.equal(r.data.term.years, 3);
  assert.match(r.data.rule, /正式党员/);
  // the names the branch was founded with: ended on the election day, kept in the history
  const elected = r.data.elections[0].day;
  assert.ok(r.data.history.some((p) => p.source === 'carried' && p.to_day === elected));
  const before = await U.op_secA.get(`/api/orgs/${orgA}/committee?day=${addDays(elected, -1)}`);
  assert.equal(before.status, 200);
  assert.ok(before.data.posts.every((p) => p.source === 'carried'));
  assert.equal((await U.op_secA.get(`/api/orgs/${orgA}/committee?day=2026-02-30`)).data.error.field, 'day');
  // org.secretary follows the posts (what the organization page and the findings read)
  const org = await U.op_city.get(`/api/orgs/${orgA}`);
  assert.equal(org.data.org.secretary, r.data.posts[0].name);
});

let postId;
test('a post: refused for a 预备党员 and for another organization\'s member (the rule named); added for a 正式党员, one audit row; ended', async () => {
  const bad = async (body, field, re) => {
    const r = await U.op_admA.post(`/api/orgs/${orgA}/posts`, { post: '宣传委员', person_id: P.a1, from_day: today, ...body });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.data.error.field, field);
    if (re) assert.match(r.data.error.message, re);
  };
  await bad({ person_id: P.prob }, 'person_id', /预备党员.*须为本组织的正式党员/);
  await bad({ person_id: P.h1 }, 'person_id', /不是“中共.*须为本组织的正式党员/);
  await bad({ post: '主任' }, 'post');
  await bad({ from_day: addDays(today, 1) }, 'from_day', /晚于今天/);
  const adds0 = audits('org.post.add', `org:${orgA}`);
  const r = await U.op_admA.post(`/api/orgs/${orgA}/posts`, { post: '宣传委员', person_id: P.a1, from_day: today, note: '增补' });
  assert.equal(r.status, 201, r.text);
  assert.equal(audits('org.post.add', `org:${orgA}`) - adds0, 1);
  const p = r.data.posts.find((x) => x.person_id === P.a1);
  assert.equal(p.post, '宣传委员');
  postId = p.id;
  // the same again: a conflict, nothing written
  const again = await U.op_admA.post(`/api/orgs/${orgA}/posts`, { post: '宣传委员', person_id: P.a1, from_day: today });
  assert.equal(again.status, 409, again.text);
  assert.equal(audits('org.post.add', `org:${orgA}`) - adds0, 1);
  // as of yesterday they held nothing
  const y = await U.op_city.get(`/api/orgs/${orgA}/committee?day=${addDays(today, -1)}`);
  assert.ok(!y.data.posts.some((x) => x.person_id === P.a1));
  // another district neither sees nor ends it
  assert.equal((await U.op_huli.get(`/api/orgs/${orgA}/committee`)).status, 403);
  assert.equal((await U.op_huli.post(`/api/org-posts/${postId}/end`, { day: today })).status, 403);
  const end = await U.op_siming.post(`/api/org-posts/${postId}/end`, { day: today, note: '调离' });
  assert.equal(end.status, 200, end.text);
  assert.equal(audits('org.post.end', `org_post:${postId}`), 1);
  assert.ok(!end.data.posts.some((x) => x.id === postId));
  assert.equal(end.data.history.find((x) => x.id === postId).to_day, today);
});

test('a carried-over name (未关联) linked to the registry: once, for a 正式党员 of the organization', async () => {
  const [[id]] = sql(`INSERT INTO org_post(org_id, post, name, from_day, source, note, created_by) VALUES (${orgA}, '委员', '任乙', '${addDays(today, -30)}', 'carried', '待关联', 'test') RETURNING id`);
  let r = await U.op_city.get(`/api/orgs/${orgA}/committee`);
  assert.equal(r.data.unlinked, 1);
  r = await U.op_admA.post(`/api/org-posts/${id}/link`, { person_id: P.prob });
  assert.equal(r.status, 400, r.text);
  assert.match(r.data.error.message, /正式党员/);
  r = await U.op_admA.post(`/api/org-posts/${id}/link`, { person_id: P.a2 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.unlinked, 0);
  assert.equal(audits('org.post.link', `org_post:${id}`), 1);
  r = await U.op_admA.post(`/api/org-posts/${id}/link`, { person_id: P.a2 });
  assert.equal(r.status, 409, r.text);
});

test('a term runs out: overdue in 换届提醒 and the reminders until the election is recorded (the vote record kept, downloaded, audited)', async () => {
  const c0 = (await U.op_city.get(`/api/orgs/${orgA}/committee`)).data;
  const end = c0.term.term_end;
  // not overdue yet; all terms listed for the city
  let r = await U.op_city.get('/api/org/terms?status=all&size=500');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.items.find((x) => x.id === orgA).status, c0.term.status);
  // the server's clock moves to the day after the end of the term
  const days = Math.round((Date.parse(end) - Date.parse(today)) / 86400000) + 1;
  offset += days * 86400;
  writeFileSync(clockFile, String(offset));
  const now = addDays(today, days);
  for (const [u] of USERS) U[u] = await loginAs(srv.base, u);   // the sessions lapsed with the time
  r = await U.op_siming.get('/api/org/terms?status=overdue&size=500');
  assert.equal(r.status, 200, r.text);
  const row = r.data.items.find((x) => x.id === orgA);
  assert.ok(row, 'the branch is overdue');
  assert.equal(row.term_end, end);
  assert.equal(row.days_over, 1);
  assert.equal(row.status_name, '已到期未换届');
  assert.ok(!(await U.op_huli.get('/api/org/terms?status=overdue&size=500')).data.items.some((x) => x.id === orgA));
  assert.equal((await U.op_huli.get(`/api/org/terms?org_id=${orgA}`)).status, 403);
  const rem = await U.op_secA.get('/api/me/reminders');
  assert.ok(rem.data.items.some((x) => x.kind === 'org_term_overdue' && x.count >= 1), JSON.stringify(rem.data));
  // the list as a workbook, audited
  const buf = Buffer.from(await (await fetch(`${srv.base}/api/org/terms?status=overdue&format=xlsx`, { headers: { cookie: U.op_siming.cookieHeader() } })).arrayBuffer());
  const rows = sheetRows(buf);
  assert.deepEqual(rows[0].slice(0, 2), ['党组织', '类型']);
  assert.ok(rows.some((x) => x.includes(row.name) && x.includes(end)));

  // refused: no vote record; a record that is no PDF or picture; a 预备党员 elected
  const elect = (fields, file) => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    if (file) fd.append('file', new Blob([file]), 'vote.png');
    return U.op_admA.req('POST', `/api/orgs/${orgA}/elections`, { body: fd });
  };
  const posts = JSON.stringify([{ post: '书记', person_id: P.a1 }, { post: '组织委员', person_id: P.a2 }]);
  const elections0 = audits('org.election', `org:${orgA}`);   // the demo's
  r = await elect({ day: now, posts });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.data.error.field, 'file');
  r = await elect({ day: now, posts }, Buffer.from('not a picture'));
  assert.equal(r.status, 400, r.text);
  assert.equal(r.data.error.field, 'file');
  r = await elect({ day: now, posts: JSON.stringify([{ post: '书记', person_id: P.prob }]) }, PNG);
  assert.equal(r.status, 400, r.text);
  assert.equal(r.data.error.field, 'posts');
  assert.match(r.data.error.message, /正式党员/);
  r = await elect({ day: now, posts: JSON.stringify([{ post: '组织委员', person_id: P.a1 }]) }, PNG);
  assert.equal(r.status, 400, r.text);
  assert.match(r.data.error.message, /一名书记/);
  assert.equal(audits('org.election', `org:${orgA}`), elections0);
  // recorded
  r = await elect({ day: now, posts, note: '党员大会选举' }, PNG);
  assert.equal(r.status, 201, r.text);
  assert.equal(audits('org.election', `org:${orgA}`), elections0 + 1);
  assert.deepEqual(r.data.posts.map((p) => [p.post, p.person_id]), [['书记', P.a1], ['组织委员', P.a2]]);
  assert.equal(r.data.term.basis, 'election');
  assert.equal(r.data.term.elected_on, now);
  assert.equal(r.data.term.status, 'ok');
  // the old committee ended on the day
  assert.ok(c0.posts.every((p) => r.data.history.find((h) => h.id === p.id).to_day === now));
  assert.ok(!(await U.op_siming.get('/api/org/terms?status=overdue&size=500')).data.items.some((x) => x.id === orgA));
  assert.equal((await U.op_city.get(`/api/orgs/${orgA}`)).data.org.secretary, '任甲');
  // the vote record: downloaded, audited; not by another district
  const eid = r.data.elections[0].id;
  assert.equal((await U.op_huli.get(`/api/org-elections/${eid}/file`)).status, 403);
  const f = await fetch(`${srv.base}/api/org-elections/${eid}/file`, { headers: { cookie: U.op_secA.cookieHeader() } });
  assert.equal(f.status, 200);
  assert.deepEqual(Buffer.from(await f.arrayBuffer()), PNG);
  assert.equal(audits('org.election.file', `org_election:${eid}`), 1);
  // an election on the same day again: refused
  r = await elect({ day: now, posts }, PNG);
  assert.equal(r.status, 409, r.text);
});
