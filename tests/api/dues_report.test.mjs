// dues_report — the dues reports up the tree, the 自行脱党 warning and the scorecard's dues
// section over HTTP, on the demo city.  SQLite and PostgreSQL.
//
// The sheets, lines and held meetings the reads need are written in SQL (the reports read
// only the sheets' kept sums; the warning reads the lines and the meetings' attendance), so
// every figure below is checked against the rows it must come from: a report's row against
// the sheets its drill names, a quarter and a year against their months, each scope against
// what it may see; the warning's members against the months written for them (unpaid,
// waived, paid; absent, present, on leave), its count in the secretary's reminders, and the
// scorecard's section against the organization's sheets.
//
// Time is the server's (test-clock-file): the 15th of next month, 10:00 China time, so the
// months judged never move under the test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, backend, addUser, loginAs } from './lib.mjs';

let srv, tmp;
let orgA, orgB, pathA;
const U = {};
const P = [];   // three members of orgA: unpaid / waived in the middle and absent / paid and on leave
let T;          // the server's month
const USERS = [['dr_city', 'city'], ['dr_siming', 'district', '350203'], ['dr_huli', 'district', '350206'],
  ['dr_sec', 'secretary', 'A'], ['dr_adminB', 'org_admin', 'B'], ['dr_m', 'member']];

function sql(q) {
  const r = backend === 'sqlite'
    ? spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', srv.db.url, q], { encoding: 'utf8' })
    : spawnSync('psql', [srv.db.url, '-qAtc', q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}
const one = (q) => Number(sql(q)[0][0]);
const addMonth = (m, k) => {
  const [y, mo] = m.split('-').map(Number);
  const n = y * 12 + (mo - 1) + k;
  return `${Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`;
};
const yuan = (fen) => `${fen < 0 ? '-' : ''}${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;

// a sheet of org for month with its lines [person, due, state]; the kept sums as the store keeps them
function sheet(org, month, lines) {
  const [[p, d, pk]] = sql(`SELECT path, COALESCE(district_code, ''), COALESCE(park_code, '') FROM org WHERE id = ${org}`);
  const due = lines.reduce((s, l) => s + l[1], 0);
  const paid = lines.filter((l) => l[2] === 'paid').reduce((s, l) => s + l[1], 0);
  const pm = lines.filter((l) => l[2] === 'paid' || l[2] === 'waived').length;
  const nb = lines.filter((l) => l[2] === 'nobase').length;
  sql(`INSERT INTO dues_sheet(org_id, month, org_path, district_code, park_code, members, due_fen, paid_fen, paid_members, nobase, made_at)
       VALUES (${org}, '${month}', '${p}', NULLIF('${d}', ''), NULLIF('${pk}', ''), ${lines.length}, ${due}, ${paid}, ${pm}, ${nb}, 1767225600)`);
  const id = one(`SELECT id FROM dues_sheet WHERE org_id = ${org} AND month = '${month}'`);
  for (const [person, fen, state] of lines)
    sql(`INSERT INTO dues_line(sheet_id, person_id, month, org_id, kind, due_fen, state, paid_fen)
         VALUES (${id}, ${person}, '${month}', ${org}, 'employee', ${fen}, '${state}', ${state === 'paid' ? fen : 0})`);
}
// a held meeting of org on day with the statuses of P
function held(org, day, statuses) {
  const [[p, d]] = sql(`SELECT path, COALESCE(district_code, '') FROM org WHERE id = ${org}`);
  const at = Math.floor(Date.parse(`${day}T19:00:00+08:00`) / 1000);
  sql(`INSERT INTO meeting(org_id, org_path, district_code, kind, state, day, start_time, end_time, starts_at, ends_at, topic, created_at, updated_at)
       VALUES (${org}, '${p}', NULLIF('${d}', ''), '主题党日', 'held', '${day}', '19:00', '20:00', ${at}, ${at + 3600}, '测试', 1767225600, 1767225600)`);
  const id = one(`SELECT MAX(id) FROM meeting WHERE org_id = ${org}`);
  statuses.forEach((s, i) => sql(`INSERT INTO meeting_attendee(meeting_id, person_id, name, category, status)
       VALUES (${id}, ${P[i]}, 'x', '正式党员', '${s}')`));
}

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'ejia-duesrep-'));
  const clockFile = path.join(tmp, 'clock');
  // the 15th of next month, 10:00 China time
  const real = Math.floor(Date.now() / 1000);
  const cn = new Date((real + 8 * 3600) * 1000).toISOString().slice(0, 7);
  T = addMonth(cn, 1);
  writeFileSync(clockFile, String(Math.floor(Date.parse(`${T}-15T10:00:00+08:00`) / 1000) - real));
  srv = await startServer({ demo: true, args: ['--test-clock-file', clockFile] });
  const branches = sql("SELECT o.id, o.district_code, o.path FROM org o WHERE o.kind = '党支部' AND o.dissolved_on IS NULL AND (SELECT COUNT(*) FROM member m WHERE m.org_id = o.id AND m.state = '正常') >= 3 ORDER BY o.id");
  const a = branches.find(([, d]) => d === '350203');
  orgA = Number(a[0]); pathA = a[2];
  orgB = Number(branches.find(([, d]) => d === '350206')[0]);
  for (const [id] of sql(`SELECT person_id FROM member WHERE org_id = ${orgA} AND state = '正常' ORDER BY person_id LIMIT 3`)) P.push(Number(id));
  const scope = { A: orgA, B: orgB };
  for (const [u, role, s] of USERS) addUser(srv.db.url, u, role, s in scope ? String(scope[s]) : s);
  for (const [u] of USERS) U[u] = await loginAs(srv.base, u);

  // the demo's own sheets of the two branches go (their payments stay: nothing here reads them)
  for (const org of [orgA, orgB]) {
    sql(`DELETE FROM dues_line WHERE sheet_id IN (SELECT id FROM dues_sheet WHERE org_id = ${org})`);
    sql(`DELETE FROM dues_sheet WHERE org_id = ${org}`);
  }
  // dues: eight months before this one.  P0 pays nothing; P1 owes but one month in the middle is
  // waived (a relief of 0 counts as paid); P2 pays every month
  for (let k = 8; k >= 1; k--) {
    const m = addMonth(T, -k);
    sheet(orgA, m, [[P[0], 1500, 'owed'], [P[1], k === 4 ? 0 : 3000, k === 4 ? 'waived' : 'owed'], [P[2], 2000, 'paid']]);
  }
  // another district's branch, last month
  sheet(orgB, addMonth(T, -1), [[one(`SELECT MIN(person_id) FROM member WHERE org_id = ${orgB}`), 5000, 'paid']]);
  // organizational life: orgA's own meetings replaced by one held meeting a month for the six months
  // before this one: P0 present, P1 absent, P2 on approved leave
  sql(`DELETE FROM meeting_attendee WHERE meeting_id IN (SELECT id FROM meeting WHERE org_id = ${orgA})`);
  sql(`DELETE FROM meeting_photo WHERE meeting_id IN (SELECT id FROM meeting WHERE org_id = ${orgA})`);
  sql(`DELETE FROM meeting_amendment WHERE meeting_id IN (SELECT id FROM meeting WHERE org_id = ${orgA})`);
  sql(`DELETE FROM meeting WHERE org_id = ${orgA}`);
  for (let k = 6; k >= 1; k--) held(orgA, `${addMonth(T, -k)}-10`, ['present', 'absent', 'leave']);
});

after(async () => {
  if (srv) await srv.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('the collection report sums the sheets, by total, district and organization, each row traceable to its sheets', async () => {
  const last = addMonth(T, -1);
  let r = await U.dr_city.get(`/api/dues/reports?period=${last}&by=district`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.period, last);
  const want = sql(`SELECT district_code, SUM(due_fen), SUM(paid_fen), COUNT(*) FROM dues_sheet WHERE month = '${last}' GROUP BY district_code ORDER BY district_code`);
  assert.equal(r.data.total, want.length);
  for (const [d, due, paid, n] of want) {
    const row = r.data.items.find((x) => x.code === d);
    assert.ok(row, `district ${d}`);
    assert.equal(row.due_fen, Number(due));
    assert.equal(row.paid_fen, Number(paid));
    assert.equal(row.sheets, Number(n));
    assert.equal(row.due, yuan(Number(due)));
    assert.equal(row.owed_fen, Number(due) - Number(paid));
    // the drill: the sheets behind the row add up to it
    const s = await U.dr_city.get(`/api/dues/reports/sheets?${row.drill}&size=200`);
    assert.equal(s.status, 200, s.text);
    assert.equal(s.data.total, Number(n));
    assert.equal(s.data.items.reduce((t, x) => t + x.due_fen, 0), row.due_fen);
    assert.equal(s.data.items.reduce((t, x) => t + x.paid_fen, 0), row.paid_fen);
  }
  // orgA's month: 1500 + 3000 + 2000 due, 2000 paid
  const siming = r.data.items.find((x) => x.code === '350203');
  assert.ok(siming.due_fen >= 6500);
  // the total is the sum of the districts; the rate in words
  const city = await U.dr_city.get(`/api/dues/reports?period=${last}&by=city`);
  assert.equal(city.data.total, 1);
  assert.equal(city.data.items[0].due_fen, r.data.items.reduce((t, x) => t + x.due_fen, 0));
  assert.equal(city.data.sum.due_fen, city.data.items[0].due_fen);
  assert.match(city.data.items[0].rate_text, /^\d+\.\d%$/);
  // by organization, inside a district; orgA's row opens its own sheet
  r = await U.dr_siming.get(`/api/dues/reports?period=${last}&by=org&sort=-due_fen&size=200`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.total, one(`SELECT COUNT(DISTINCT org_id) FROM dues_sheet WHERE month = '${last}' AND district_code = '350203'`));
  assert.ok(r.data.items.every((x, i, a) => i === 0 || a[i - 1].due_fen >= x.due_fen), 'largest due first');
  assert.ok(r.data.items.every((x) => x.district_code === '350203'));
  r = await U.dr_siming.get(`/api/dues/reports?period=${last}&by=org&org_id=${orgA}`);
  const rowA = r.data.items.find((x) => x.org_id === orgA);
  assert.deepEqual([rowA.due_fen, rowA.paid_fen, rowA.members, rowA.paid_members, rowA.rate_text], [6500, 2000, 3, 1, '30.7%']);
  const s = await U.dr_siming.get(`/api/dues/reports/sheets?${rowA.drill}`);
  assert.deepEqual(s.data.items.map((x) => [x.org_id, x.month, x.due_fen]), [[orgA, last, 6500]]);
  // a quarter and a year are the sums of their months
  for (const period of [`${last.slice(0, 4)}`, `${last.slice(0, 4)}-Q${Math.floor((Number(last.slice(5)) - 1) / 3) + 1}`]) {
    const q = await U.dr_city.get(`/api/dues/reports?period=${period}&by=org&org_id=${orgA}`);
    assert.equal(q.status, 200, q.text);
    const months = sql(`SELECT COUNT(*), COALESCE(SUM(due_fen), 0) FROM dues_sheet WHERE org_id = ${orgA} AND month >= '${q.data.from}' AND month <= '${q.data.to}'`)[0].map(Number);
    assert.equal(q.data.items[0].sheets, months[0]);
    assert.equal(q.data.items[0].due_fen, months[1]);
  }
  // the workbook: the same rows
  r = await U.dr_city.get(`/api/dues/reports?period=${last}&by=district&format=xlsx`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  r = await U.dr_city.get(`/api/dues/reports/sheets?period=${last}&format=xlsx`);
  assert.equal(r.status, 200);
  // refusals, in Chinese, naming the field
  r = await U.dr_city.get('/api/dues/reports?period=2026-13');
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'period');
  assert.match(r.data.error.message, /期间/);
  r = await U.dr_city.get(`/api/dues/reports?period=${last}&by=street`);
  assert.equal(r.data.error.field, 'by');
  r = await U.dr_city.get(`/api/dues/reports?period=${last}&sort=nope`);
  assert.equal(r.data.error.field, 'sort');
});

test('each scope sees its own sheets only', async () => {
  const last = addMonth(T, -1);
  let r = await U.dr_huli.get(`/api/dues/reports?period=${last}&by=district`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.data.items.map((x) => x.code), ['350206']);
  assert.equal((await U.dr_huli.get(`/api/dues/reports?period=${last}&district=350203`)).status, 403);
  assert.equal((await U.dr_huli.get(`/api/dues/reports/sheets?period=${last}&org_id=${orgA}`)).status, 403);
  // a secretary: their branch's sheets only
  r = await U.dr_sec.get(`/api/dues/reports?period=${last}&by=org`);
  assert.deepEqual(r.data.items.map((x) => x.org_id), [orgA]);
  r = await U.dr_sec.get(`/api/dues/reports/sheets?period=${last.slice(0, 4)}`);
  assert.ok(r.data.items.length >= 1 && r.data.items.every((x) => x.org_id === orgA));
  // a member has no reports
  assert.equal((await U.dr_m.get(`/api/dues/reports?period=${last}`)).status, 403);
  assert.equal((await U.dr_m.get('/api/dues/arrears')).status, 403);
});

test('the 自行脱党 warning lists the members with six consecutive months unpaid or without organizational life, and why', async () => {
  // the secretary's own organization by default
  let r = await U.dr_sec.get('/api/dues/arrears');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.org_id, orgA);
  assert.equal(r.data.need, 6);
  assert.equal(r.data.to, addMonth(T, -1));   // this month is not over
  assert.match(r.data.note, /支部大会/);
  const by = Object.fromEntries(r.data.items.map((x) => [x.person_id, x]));
  // P0: eight months unpaid (the run is the whole of it)
  assert.deepEqual(by[P[0]].reasons.map((x) => [x.reason, x.first_month, x.last_month, x.months]), [['dues', addMonth(T, -8), addMonth(T, -1), 8]]);
  const recs = by[P[0]].reasons[0].records;
  assert.equal(recs.length, 8);
  assert.ok(recs.every((x) => x.state === 'owed' && x.due_fen === 1500 && x.due === '15.00' && x.org_id === orgA));
  assert.match(recs[0].link, new RegExp(`/dues/reports/sheets\\?period=${addMonth(T, -8)}&org_id=${orgA}&own=1`));
  // P1: the waived month breaks the unpaid run (three and four months), but six months absent
  assert.deepEqual(by[P[1]].reasons.map((x) => [x.reason, x.first_month, x.last_month, x.months]), [['life', addMonth(T, -6), addMonth(T, -1), 6]]);
  assert.ok(by[P[1]].reasons[0].records.every((x) => x.expected === 1 && x.attended === 0 && x.excused === 0));
  assert.match(by[P[1]].reasons[0].records[0].link, new RegExp(`^/meetings\\?org_id=${orgA}&own=1&state=held`));
  // P2: paid, and on approved leave: nothing
  assert.equal(by[P[2]], undefined);
  assert.equal(r.data.total, 2);
  // an office names the organization; another district's may not
  assert.equal((await U.dr_siming.get(`/api/dues/arrears?org_id=${orgA}`)).data.total, 2);
  assert.equal((await U.dr_huli.get(`/api/dues/arrears?org_id=${orgA}`)).status, 403);
  r = await U.dr_city.get('/api/dues/arrears');
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'org_id');
  // nothing was changed: the members are still in the party
  assert.deepEqual(sql(`SELECT state FROM member WHERE person_id IN (${P[0]}, ${P[1]}) ORDER BY person_id`).map((x) => x[0]), ['正常', '正常']);
});

test('the warning counts in the secretary\'s reminders, and the scorecard shows the dues', async () => {
  let r = await U.dr_sec.get('/api/me/reminders');
  assert.equal(r.status, 200, r.text);
  const it = r.data.items.find((x) => x.kind === 'arrears');
  assert.ok(it, JSON.stringify(r.data.items));
  assert.equal(it.count, 2);
  assert.equal(it.link, '/dues/arrears');
  r = await U.dr_adminB.get('/api/me/reminders');
  assert.equal(r.data.items.find((x) => x.kind === 'arrears'), undefined);
  // the scorecard of last month: that month's sheet, the year to it, owing, at risk
  const last = addMonth(T, -1);
  r = await U.dr_sec.get(`/api/orgs/${orgA}/scorecard?period=${last}`);
  assert.equal(r.status, 200, r.text);
  const d = r.data.sections.dues;
  assert.ok(d, JSON.stringify(Object.keys(r.data.sections)));
  assert.deepEqual([d.month.period, d.month.due_fen, d.month.paid_fen, d.month.rate_text], [last, 6500, 2000, '30.7%']);
  assert.equal(d.owing, 2);
  assert.equal(d.at_risk, 2);
  const year = sql(`SELECT SUM(due_fen), SUM(paid_fen) FROM dues_sheet WHERE org_id = ${orgA} AND month >= '${last.slice(0, 4)}-01' AND month <= '${last}'`)[0].map(Number);
  assert.deepEqual([d.year.period, d.year.due_fen, d.year.paid_fen], [last.slice(0, 4), year[0], year[1]]);
  // each figure opens the sheets behind it
  const s = await U.dr_sec.get(`/api/dues/reports/sheets?${d.year.drill}&size=100`);
  assert.equal(s.data.items.reduce((t, x) => t + x.due_fen, 0), year[0]);
});
