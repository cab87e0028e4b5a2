// points — the points ledger (积分, issue 18) over HTTP on the demo city: the
// demo's ledger equals a recompute from the log; a new activity row is read by
// a run and shows on the member's 我的积分 with the page of its record; a
// member's claim with evidence (none: refused), decided by the secretary in
// scope (one outside refused, a refusal needs a reason), its line appended and
// its evidence downloaded (audited); a secretary's claim for a member, refused;
// a deduction; rule versions by the city only, from a day after today, on the
// latest version; rankings of a branch and a district with shared ranks, and
// their workbooks.  SQLite and PostgreSQL.
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

let srv, tmp, today, year, orgA, orgH, person, meetingId;
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
const audits = (action) => Number(sql(`SELECT COUNT(*) FROM audit WHERE action = '${action}'`)[0][0]);
const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const form = (fields, file) => {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, String(v));
  if (file) fd.append('file', new Blob([file]), '证书.pdf');
  return fd;
};
const xlsx = async (c, p) => sheetRows(Buffer.from(await (await fetch(srv.base + p, { headers: { cookie: c.cookieHeader() } })).arrayBuffer()));

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'ejia-points-'));
  const clockFile = path.join(tmp, 'clock');
  const real = Math.floor(Date.now() / 1000);
  today = addDays(dayOf(real), 1);
  year = today.slice(0, 4);
  writeFileSync(clockFile, String(Math.floor(Date.parse(today + 'T10:00:00+08:00') / 1000) - real));
  srv = await startServer({ demo: true, args: ['--test-clock-file', clockFile, '--points-files-dir', path.join(tmp, 'files'), '--points-run-seconds', '0'] });
  // a branch of 思明 with members and meetings, one of 湖里
  [[orgA]] = sql("SELECT o.id FROM org o WHERE o.kind = '党支部' AND o.district_code = '350203' AND o.dissolved_on IS NULL AND EXISTS (SELECT 1 FROM member m JOIN person p ON p.id = m.person_id WHERE m.org_id = o.id AND p.user_id IS NULL) AND EXISTS (SELECT 1 FROM meeting x WHERE x.org_id = o.id) ORDER BY o.id LIMIT 1");
  [[orgH]] = sql("SELECT id FROM org WHERE kind = '党支部' AND district_code = '350206' AND dissolved_on IS NULL ORDER BY id LIMIT 1");
  [[person]] = sql(`SELECT m.person_id FROM member m JOIN person p ON p.id = m.person_id WHERE m.org_id = ${orgA} AND p.user_id IS NULL AND m.state = '正常' ORDER BY m.person_id LIMIT 1`);
  [[meetingId]] = sql(`SELECT id FROM meeting WHERE org_id = ${orgA} ORDER BY id LIMIT 1`);
  addUser(srv.db.url, 'pt_city', 'city');
  addUser(srv.db.url, 'pt_siming', 'district', '350203');
  addUser(srv.db.url, 'pt_sec', 'secretary', String(orgA));
  addUser(srv.db.url, 'pt_secH', 'secretary', String(orgH));
  addUser(srv.db.url, 'pt_member', 'member');
  sql(`UPDATE person SET user_id = (SELECT id FROM users WHERE username = 'pt_member') WHERE id = ${person}`);
  for (const u of ['pt_city', 'pt_siming', 'pt_sec', 'pt_secH', 'pt_member']) U[u] = await loginAs(srv.base, u);
});

after(async () => {
  await srv?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('the demo ledger equals a recompute; a new activity row is read by a run and traced to its record', async () => {
  let r = await U.pt_city.get('/api/points/verify');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.data, { equal: true, missing: 0, extra: 0 });
  const before = await U.pt_member.get(`/api/me/points?period=${year}`);
  assert.equal(before.status, 200, before.text);
  sql(`INSERT INTO activity(person_id, org_id, kind, at, day, ref, value) VALUES (${person}, ${orgA}, 'study.offline', 0, '${today}', 'offline:999999', 1.5)`);
  r = await U.pt_sec.post('/api/points/run', {});
  assert.equal(r.status, 200, r.text);
  assert.ok(r.data.lines >= 1);
  // asked again with nothing new: nothing appended, and the ask is audited all the same
  const runs = audits('points.run');
  r = await U.pt_sec.post('/api/points/run', {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.lines, 0);
  assert.equal(audits('points.run'), runs + 1);
  r = await U.pt_member.get(`/api/me/points?period=${year}`);
  const line = r.data.lines.find((l) => l.ref === 'offline:999999');
  assert.ok(line, 'the new line is on my page');
  assert.equal(line.code, 'study.offline');
  assert.equal(line.rule_name, '线下学习（每学时）');
  assert.ok(line.version_from);
  assert.equal(line.link, '/me/study/hours?offline=999999');
  assert.equal(r.data.total, r.data.lines.reduce((s, l) => s + l.points, 0));
  assert.equal(r.data.total - before.data.total, line.points);
  // every line names its rule, version and record
  for (const l of r.data.lines) assert.ok(l.code && l.ref && (l.rule_id || l.claim_id), JSON.stringify(l));
  r = await U.pt_city.get('/api/points/verify');
  assert.equal(r.data.equal, true);
  // a month that is not one
  assert.equal((await U.pt_member.get('/api/me/points?period=2026-13')).status, 400);
});

test('claims: the member with evidence, decided by the secretary in scope; deductions', async () => {
  let r = await U.pt_member.req('POST', '/api/me/points/claims', { body: form({ code: 'claim.award', title: '获评园区优秀共产党员', day: today }) });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.data.error.field, 'file');
  r = await U.pt_member.req('POST', '/api/me/points/claims', { body: form({ code: 'claim.award', title: '获评园区优秀共产党员', day: today }, pdf) });
  assert.equal(r.status, 201, r.text);
  const claim = r.data.id;
  assert.equal(r.data.state, 'pending');
  assert.equal((await U.pt_member.post(`/api/points/claims/${claim}/approve`, {})).status, 403);
  assert.equal((await U.pt_secH.post(`/api/points/claims/${claim}/approve`, {})).status, 403);
  r = await U.pt_sec.post(`/api/points/claims/${claim}/refuse`, {});
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'reason');
  r = await U.pt_sec.get('/api/points/claims?state=pending');
  assert.ok(r.data.items.some((k) => k.id === claim));
  const ev = audits('points.evidence');
  r = await U.pt_sec.get(`/api/points/claims/${claim}/evidence`);
  assert.equal(r.status, 200);
  assert.equal(audits('points.evidence'), ev + 1);
  r = await U.pt_sec.post(`/api/points/claims/${claim}/approve`, { reason: '表彰文件已核对' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.state, 'approved');
  assert.equal(r.data.counted, 1000);
  assert.equal((await U.pt_sec.post(`/api/points/claims/${claim}/approve`, {})).status, 409);
  r = await U.pt_member.get(`/api/me/points?period=${year}`);
  const line = r.data.lines.find((l) => l.claim_id === claim);
  assert.equal(line.points, 1000);
  assert.equal(line.link, `/me/points?claim=${claim}`);
  assert.ok(r.data.claims.some((k) => k.id === claim && k.state === 'approved'));
  // the secretary claims for a member of the branch; refused with a reason
  r = await U.pt_sec.req('POST', '/api/points/claims', { body: form({ subject: 'member', subject_id: person, code: 'claim.breakthrough', title: '攻克核心算法难题', day: today }, pdf) });
  assert.equal(r.status, 201, r.text);
  const second = r.data.id;
  r = await U.pt_sec.req('POST', '/api/points/claims', { body: form({ subject: 'member', subject_id: person, code: 'claim.breakthrough', title: '攻克核心算法难题', day: today }, pdf) });
  assert.equal(r.status, 201);
  assert.equal((await U.pt_secH.req('POST', '/api/points/claims', { body: form({ subject: 'member', subject_id: person, code: 'claim.award', title: '越权申报', day: today }, pdf) })).status, 403);
  r = await U.pt_city.post(`/api/points/claims/${second}/refuse`, { reason: '证明材料与事项不符' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.state, 'refused');
  // deductions, with a reason, in scope
  assert.equal((await U.pt_secH.post('/api/points/deductions', { person_id: Number(person), points: 200, reason: '无故缺席主题党日' })).status, 403);
  r = await U.pt_sec.post('/api/points/deductions', { person_id: Number(person), points: 200 });
  assert.equal(r.status, 400);
  r = await U.pt_sec.post('/api/points/deductions', { person_id: Number(person), points: 200, reason: '无故缺席主题党日' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.counted, -200);
  r = await U.pt_sec.get(`/api/points/members/${person}?period=${year}`);
  assert.equal(r.status, 200);
  assert.ok(r.data.lines.some((l) => l.code === 'deduction' && l.points === -200));
  assert.equal((await U.pt_secH.get(`/api/points/members/${person}?period=${year}`)).status, 403);
  const rows = await xlsx(U.pt_sec, '/api/points/claims?format=xlsx');
  assert.ok(rows.some((row) => row.includes('获评园区优秀共产党员')));
  r = await U.pt_city.get('/api/points/verify');
  assert.equal(r.data.equal, true, JSON.stringify(r.data));
});

test('rule versions: the city only, from a day after today, on the latest version; past lines keep theirs', async () => {
  let r = await U.pt_member.get('/api/points/rules');
  assert.equal(r.status, 200);
  const v1 = r.data.items[0];
  assert.ok(v1.rules.some((x) => x.code === 'meeting.attend'));
  const rules = v1.rules.map(({ id, version_id, ...x }) => (x.code === 'meeting.attend' ? { ...x, points: 300 } : x));
  assert.equal((await U.pt_sec.post(`/api/points/rules/${v1.id}/next`, { effective_from: addDays(today, 2), rules })).status, 403);
  assert.equal((await U.pt_siming.post(`/api/points/rules/${v1.id}/next`, { effective_from: addDays(today, 2), rules })).status, 403);
  r = await U.pt_city.post(`/api/points/rules/${v1.id}/next`, { effective_from: today, rules });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'effective_from');
  r = await U.pt_city.post(`/api/points/rules/${v1.id}/next`, { effective_from: addDays(today, 2), note: '参加组织生活 3 分', rules });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.items[0].effective_from, addDays(today, 2));
  assert.equal(r.data.items[1].effective_until, addDays(today, 2));
  r = await U.pt_city.post(`/api/points/rules/${v1.id}/next`, { effective_from: addDays(today, 5), rules });
  assert.equal(r.status, 409);
  // the lines already counted keep version 1
  const [[old]] = sql(`SELECT COUNT(*) FROM points_line WHERE code = 'meeting.attend' AND version_id <> ${v1.id}`);
  assert.equal(Number(old), 0);
});

test('rankings of a branch and a district: ranks shared at ties, workbooks', async () => {
  let r = await U.pt_sec.get(`/api/points/ranking?subject=member&period=${year}&org_id=${orgA}`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.data.items.length > 1);
  const it = r.data.items;
  for (let i = 1; i < it.length; i++) {
    assert.ok(it[i - 1].points >= it[i].points);
    if (it[i - 1].points === it[i].points) {
      assert.equal(it[i].rank, it[i - 1].rank);
      assert.ok(it[i - 1].last_day <= it[i].last_day);
    } else assert.equal(it[i].rank, i + 1);
  }
  assert.equal((await U.pt_secH.get(`/api/points/ranking?subject=member&period=${year}&org_id=${orgA}`)).status, 403);
  r = await U.pt_siming.get(`/api/points/ranking?subject=org&period=${year}&district=350203`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.data.items.length > 0);
  assert.equal((await U.pt_siming.get(`/api/points/ranking?subject=org&period=${year}&district=350206`)).status, 403);
  r = await U.pt_city.get(`/api/points/ranking?subject=member&period=${year}-Q${Math.floor((Number(today.slice(5, 7)) + 2) / 3)}&size=5`);
  assert.equal(r.status, 200);
  const rows = await xlsx(U.pt_sec, `/api/points/ranking?subject=member&period=${year}&org_id=${orgA}&format=xlsx`);
  assert.equal(rows[0][0], '名次');
  assert.ok(rows.length >= it.length + 1);
  assert.equal((await U.pt_city.get('/api/points/ranking?subject=member&period=2026-W1')).status, 400);
});
