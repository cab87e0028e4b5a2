// transfer — organization-relation transfers (组织关系接转) over HTTP on the demo
// city: a member asks to move to a branch of another district, their
// secretary approves, the receiving secretary returns it, it is sent again and
// accepted — the membership moved as a dated event (the old branch's roll of
// yesterday still has them) —, each step one audit row with who and when; a
// letter out of the system numbered in the city's sequence, its PDF read back
// with pdftotext, listed when past validity, its receipt ending the membership
// here; a letter from outside registered (a new person, a person who had left,
// one registered elsewhere refused); the reminders of both sides; the list's
// filters and workbook; each side's reach.  SQLite and PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, backend, addUser, loginAs } from './lib.mjs';
import { sheetRows } from './xlsx.mjs';

let srv, tmp;
let orgA, orgA2, orgH;
const P = {};
const U = {};
const USERS = [['tr_city', 'city'], ['tr_siming', 'district', '350203'], ['tr_huli', 'district', '350206'], ['tr_secA', 'secretary', 'A'],
  ['tr_secH', 'secretary', 'H'], ['tr_m1', 'member'], ['tr_m3', 'member']];

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
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const yesterday = new Date(Date.now() + 8 * 3600e3 - 86400e3).toISOString().slice(0, 10);
const ID2 = id18('35020319850505782');
const monthAdd = (m, k) => { const d = new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)) - 1 + k, 1)); return d.toISOString().slice(0, 7); };

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'ejia-transfer-'));
  srv = await startServer({ demo: true });
  const branches = sql("SELECT id, district_code FROM org WHERE kind = '党支部' AND dissolved_on IS NULL AND established_on <= '2018-01-01' ORDER BY id");
  const siming = branches.filter(([, d]) => d === '350203');
  orgA = Number(siming[0][0]);
  orgA2 = Number(siming[1][0]);
  orgH = Number(branches.find(([, d]) => d === '350206')[0]);
  const scope = { A: orgA, H: orgH };
  for (const [u, role, s] of USERS) addUser(srv.db.url, u, role, s in scope ? String(scope[s]) : s);
  for (const [u] of USERS) U[u] = await loginAs(srv.base, u);
  const reg = async (name, id, org, username) => {
    const r = await U.tr_city.post('/api/members', { name, id_number: id, org_id: org, category: '正式党员', joined_on: '2015-07-01', full_on: '2016-07-01', day: '2019-01-01', username });
    assert.equal(r.status, 201, r.text);
    return r.data.member.id;
  };
  P.m1 = await reg('转甲', id18('35020319880101781'), orgA, 'tr_m1');
  P.m2 = await reg('转乙', ID2, orgA);
  P.m3 = await reg('转丙', id18('35020319900303783'), orgA2, 'tr_m3');
});
after(async () => { await srv?.stop(); rmSync(tmp, { recursive: true, force: true }); });

let t1;   // m1's transfer to 湖里

test('a member asks to move; one open transfer at a time; the receiver is found among all organizations', async () => {
  const found = await U.tr_m1.get('/api/transfers/targets?q=' + encodeURIComponent(sql(`SELECT name FROM org WHERE id = ${orgH}`)[0][0]));
  assert.equal(found.status, 200, found.text);
  assert.ok(found.data.items.some((o) => o.id === orgH), 'a member finds a branch of another district');
  let r = await U.tr_m1.post('/api/me/transfers', { to_org_id: orgA, reason: '工作调动' });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.data.error.field, 'to_org_id');
  assert.match(r.data.error.message, /无需转接/);
  r = await U.tr_m1.post('/api/me/transfers', { to_org_id: orgH, reason: '工作调动' });
  assert.equal(r.status, 201, r.text);
  t1 = r.data.id;
  assert.equal(r.data.state, 'requested');
  assert.equal(r.data.state_label, '待转出审批');
  assert.equal(r.data.by_member, 1);
  assert.equal(r.data.steps[0].action, 'request');
  assert.equal(r.data.steps[0].side, 'member');
  assert.equal(audits('transfer.request', `transfer:${t1}`), 1);
  r = await U.tr_m1.post('/api/me/transfers', { to_org_id: orgA2 });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.data.error.code, 'open_transfer');
  const mine = await U.tr_m1.get('/api/me/transfers');
  assert.equal(mine.status, 200);
  assert.equal(mine.data.items[0].id, t1);
  assert.deepEqual(mine.data.items[0].actions.map((a) => a.action), ['cancel']);
  assert.equal(mine.data.member.org_id, orgA);
});

test('the sending side approves; the receiving side returns it, it is sent again and accepted: the membership moves that day', async () => {
  // the reminders: the sender has one to approve, the receiver nothing yet
  let rem = await U.tr_secA.get('/api/me/reminders');
  assert.ok(rem.data.items.some((i) => i.kind === 'transfer_approve' && i.count >= 1), JSON.stringify(rem.data));
  let d = await U.tr_secA.get(`/api/transfers/${t1}`);
  assert.equal(d.status, 200, d.text);
  assert.deepEqual(d.data.actions.map((a) => a.action).sort(), ['approve', 'cancel', 'refuse']);
  // the receiver may not approve; the sender may not accept
  assert.equal((await U.tr_secH.post(`/api/transfers/${t1}/approve`, {})).status, 403);
  assert.equal((await U.tr_secA.post(`/api/transfers/${t1}/accept`, {})).status, 403);
  // not yet sent: accepting is refused by the state machine
  let r = await U.tr_huli.post(`/api/transfers/${t1}/accept`, {});
  assert.equal(r.status, 409, r.text);
  assert.equal(r.data.error.code, 'state');
  r = await U.tr_secA.post(`/api/transfers/${t1}/refuse`, {});
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'note');
  // dues owed up to the month of leaving (a student's flat 15.00 from three months ago, nothing paid): refused, naming them
  const m0 = monthAdd(today.slice(0, 7), -3);
  sql(`INSERT INTO dues_base(person_id, from_month, kind, amount_fen, rule, declared_by, actor) VALUES (${P.m1}, '${m0}', 'student', 1500, '学生党员每月定额 15.00 元', 'secretary', 'test')`);
  r = await U.tr_secA.post(`/api/transfers/${t1}/approve`, {});
  assert.equal(r.status, 409, r.text);
  assert.equal(r.data.error.code, 'dues_unpaid');
  assert.equal(r.data.error.field, 'override_reason');
  assert.ok(r.data.error.message.includes(`${m0} 至 ${today.slice(0, 7)} 间的 4 个月（共 60.00 元）`), r.data.error.message);
  assert.equal(audits('transfer.approve', `transfer:${t1}`), 0);
  r = await U.tr_secA.post(`/api/transfers/${t1}/approve`, { override_reason: '本人已承诺到新单位后补缴' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.state, 'sent');
  assert.equal(r.data.approved_on, today);
  assert.match(r.data.dues_owed, /4 个月/);
  assert.equal(r.data.dues_override, '本人已承诺到新单位后补缴');
  assert.match(r.data.steps.find((x) => x.action === 'approve').note, /党费未缴清仍同意转出：本人已承诺/);
  assert.equal(audits('transfer.approve', `transfer:${t1}`), 1);
  assert.match(sql(`SELECT detail FROM audit WHERE action = 'transfer.approve' AND object = 'transfer:${t1}'`)[0][0], /党费未缴清/);
  rem = await U.tr_secH.get('/api/me/reminders');
  assert.ok(rem.data.items.some((i) => i.kind === 'transfer_accept' && i.link.includes('direction=in')), JSON.stringify(rem.data));
  d = await U.tr_secH.get(`/api/transfers/${t1}`);
  assert.deepEqual(d.data.actions.map((a) => a.action).sort(), ['accept', 'return']);
  r = await U.tr_secH.post(`/api/transfers/${t1}/return`, { note: '请注明原工作单位' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.state, 'returned');
  assert.equal(r.data.note, '请注明原工作单位');
  r = await U.tr_secA.post(`/api/transfers/${t1}/resubmit`, { note: '已补充' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.state, 'sent');
  // the member sees the progress
  const mine = await U.tr_m1.get('/api/me/transfers');
  assert.deepEqual(mine.data.items[0].steps.map((s) => s.action), ['request', 'approve', 'return', 'resubmit']);
  assert.deepEqual(mine.data.items[0].actions, [], 'no longer the member\'s to withdraw');
  r = await U.tr_secH.post(`/api/transfers/${t1}/accept`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.state, 'accepted');
  assert.equal(r.data.accepted_on, today);
  for (const a of ['request', 'approve', 'return', 'resubmit', 'accept']) assert.equal(audits(`transfer.${a}`, `transfer:${t1}`), 1, a);
  assert.equal(audits('member.change', `person:${P.m1}`), 0, 'the move is a part of the acceptance: one row');
  const me = await U.tr_m1.get('/api/me/member');
  assert.equal(me.data.member?.org_id ?? me.data.org_id ?? me.data.person?.org_id, orgH, me.text);
  // dated: yesterday's roll of A has them, today's has not
  const was = await U.tr_city.get(`/api/members?org_id=${orgA}&as_of=${yesterday}&q=${encodeURIComponent('转甲')}`);
  assert.equal(was.data.total, 1, was.text);
  const now = await U.tr_city.get(`/api/members?org_id=${orgA}&q=${encodeURIComponent('转甲')}`);
  assert.equal(now.data.total, 0);
  const ev = await U.tr_city.get(`/api/members/${P.m1}`);
  assert.ok(ev.data.events.some((x) => x.kind === 'moved' && x.day === today && x.org_id === orgH));
  r = await U.tr_secH.post(`/api/transfers/${t1}/return`, { note: '再退回' });
  assert.equal(r.status, 409, 'accepted: nothing more');
});

let t2, letterNo;

test('a letter out of the system: numbered, a PDF of stub, letter and receipt, listed past validity, its receipt ends the membership here', async () => {
  let r = await U.tr_secA.post('/api/transfers', { kind: 'out', person_id: P.m2, reason: '赴外地工作' });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'to_name');
  r = await U.tr_secA.post('/api/transfers', { kind: 'out', person_id: P.m2, to_name: '中共北京市海淀区某科技公司支部委员会', reason: '赴外地工作' });
  assert.equal(r.status, 201, r.text);
  t2 = r.data.id;
  assert.equal(r.data.letter_pdf, null, 'no letter before approval');
  assert.equal((await U.tr_secA.get(`/api/transfers/${t2}/letter.pdf`)).status, 409);
  r = await U.tr_secA.post(`/api/transfers/${t2}/approve`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.state, 'letter');
  letterNo = r.data.letter_no;
  assert.match(letterNo, new RegExp(`^厦组转〔${today.slice(0, 4)}〕第\\d{4}号$`));
  assert.equal(r.data.valid_until, new Date(Date.parse(today) + 89 * 86400e3).toISOString().slice(0, 10), '90 days from the day of issue');
  assert.equal(r.data.letter_pdf, `/api/transfers/${t2}/letter.pdf`);
  const steps = r.data.steps.map((s) => s.action);
  assert.deepEqual(steps, ['request', 'letter']);
  // the next letter of the year takes the next number
  const seq = Number(letterNo.match(/第(\d+)号/)[1]);
  const res = await fetch(srv.base + `/api/transfers/${t2}/letter.pdf`, { headers: { cookie: U.tr_secA.cookieHeader() } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  const pdf = path.join(tmp, 'letter.pdf');
  writeFileSync(pdf, Buffer.from(await res.arrayBuffer()));
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  const flat = text.replace(/\s+/g, '');
  for (const part of ['中国共产党党员组织关系介绍信（存根）', '中国共产党党员组织关系介绍信', '（回执）', letterNo, '转乙同志', ID2,
    '中共北京市海淀区某科技公司支部委员会', '请接洽', '特此回执', '有效期90天', '剪开'])
    assert.ok(flat.includes(part), `the letter has ${part}:\n${text}`);
  assert.equal(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }).match(/Pages:\s+(\d+)/)[1], '1', 'one A4 page');
  assert.equal(audits('transfer.letter', `transfer:${t2}`), 1, 'the download is audited');
  // past validity without a receipt: listed
  let over = await U.tr_secA.get('/api/transfers?overdue=1');
  assert.ok(!over.data.items.some((x) => x.id === t2));
  sql(`UPDATE transfer SET valid_until = '2020-01-01' WHERE id = ${t2}`);
  over = await U.tr_secA.get('/api/transfers?overdue=1');
  assert.ok(over.data.items.some((x) => x.id === t2 && x.overdue === true), over.text);
  // the receiving side outside the system: no district may accept it; the city only sees it
  assert.equal((await U.tr_huli.post(`/api/transfers/${t2}/accept`, {})).status, 403);
  r = await U.tr_secA.post(`/api/transfers/${t2}/receipt`, { note: '回执已寄回' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.state, 'completed');
  assert.equal(r.data.receipt_on, today);
  assert.equal(audits('transfer.receipt', `transfer:${t2}`), 1);
  const m = await U.tr_city.get(`/api/members/${P.m2}`);
  assert.equal(m.data.member.state, '转出');   // still in the party, off this city's rolls
  assert.ok(m.data.events.some((x) => x.kind === 'left' && x.day === today && /介绍信/.test(x.note)));
  over = await U.tr_secA.get('/api/transfers?overdue=1');
  assert.ok(!over.data.items.some((x) => x.id === t2));
  // the sequence goes on
  r = await U.tr_secA.post('/api/transfers', { kind: 'out', person_id: P.m3 === undefined ? 0 : P.m3, to_name: '中共上海市某公司支部委员会' });
  assert.equal(r.status, 403, 'm3 is not in the secretary\'s branch');
  r = await U.tr_city.post('/api/transfers', { kind: 'out', person_id: P.m3, to_name: '中共上海市某公司支部委员会' });
  assert.equal(r.status, 201, r.text);
  r = await U.tr_city.post(`/api/transfers/${r.data.id}/approve`, {});
  assert.equal(r.data.letter_no, letterNo.replace(/第\d+号/, `第${String(seq + 1).padStart(4, '0')}号`));
  r = await U.tr_city.post(`/api/transfers/${r.data.id}/cancel`, { note: '本人未成行' });
  assert.equal(r.data.state, 'cancelled');
});

test('a letter from outside: a new person registered, a person who had left matched by ID number, one registered elsewhere refused, one who died refused', async () => {
  const body = { letter_no: '京组转〔2026〕第0123号', from_name: '中共北京市某公司支部委员会', id_number: id18('11010819920606784'), name: '转丁', category: '正式党员', joined_on: '2016-07-01', full_on: '2017-07-01', to_org_id: orgH };
  assert.equal((await U.tr_secA.post('/api/transfers/incoming', body)).status, 403, 'into an organization outside the caller\'s scope');
  let r = await U.tr_secH.post('/api/transfers/incoming', { ...body, letter_no: '' });
  assert.equal(r.status, 400);
  r = await U.tr_secH.post('/api/transfers/incoming', body);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.kind, 'in');
  assert.equal(r.data.state, 'accepted');
  assert.equal(r.data.from_name, body.from_name);
  assert.match(r.data.steps[0].note, /新登记/);
  assert.equal(audits('transfer.incoming', `transfer:${r.data.id}`), 1);
  assert.equal(audits('member.register', `person:${r.data.person_id}`), 0, 'registered as a part of the letter\'s act');
  const m = await U.tr_secH.get(`/api/members/${r.data.person_id}`);
  assert.equal(m.data.member.org_id, orgH);
  // the person who left with the letter above comes back: matched, in the party again
  r = await U.tr_secH.post('/api/transfers/incoming', { ...body, id_number: ID2, name: '转乙', letter_no: '京组转〔2026〕第0456号' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.person_id, P.m2);
  assert.match(r.data.steps[0].note, /匹配/);
  const back = await U.tr_city.get(`/api/members/${P.m2}`);
  assert.equal(back.data.member.state, '正常');
  assert.equal(back.data.member.org_id, orgH);
  // someone in the system already: the system's own transfer
  r = await U.tr_secH.post('/api/transfers/incoming', { ...body, id_number: id18('35020319900303783'), name: '转丙' });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.data.error.code, 'registered_elsewhere');
  // a letter names someone the registry has as 去世: refused, nothing changed (only 转出 comes back with a letter)
  const gone = (await U.tr_city.post('/api/members', { name: '转戊', id_number: id18('35020319700404785'), org_id: orgA, category: '正式党员', joined_on: '1995-07-01', full_on: '1996-07-01', day: '2019-01-01' })).data.member.id;
  assert.equal((await U.tr_city.post(`/api/members/${gone}/changes`, { day: yesterday, state: '去世', note: '病故' })).status, 200);
  r = await U.tr_secH.post('/api/transfers/incoming', { ...body, id_number: id18('35020319700404785'), name: '转戊', letter_no: '京组转〔2026〕第0789号' });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.data.error.code, 'not_in_party');
  assert.match(r.data.error.message, /去世/);
  assert.equal((await U.tr_city.get(`/api/members/${gone}`)).data.member.state, '去世');
});

test('the member withdraws a request not yet approved', async () => {
  let r = await U.tr_m3.post('/api/me/transfers', { to_org_id: orgH, reason: '搬家' });
  assert.equal(r.status, 201, r.text);
  const id = r.data.id;
  assert.equal((await U.tr_m1.post(`/api/me/transfers/${id}/cancel`, { note: '不是我的' })).status, 404);
  r = await U.tr_m3.post(`/api/me/transfers/${id}/cancel`, { note: '不去了' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.items[0].state, 'cancelled');
  assert.equal(audits('transfer.cancel', `transfer:${id}`), 1);
  // asked again, and refused by the sending side with its reason
  r = await U.tr_m3.post('/api/me/transfers', { to_org_id: orgH, reason: '搬家' });
  assert.equal(r.status, 201, r.text);
  const again = r.data.id;
  assert.equal((await U.tr_huli.post(`/api/transfers/${again}/refuse`, { note: '不是湖里的' })).status, 403, 'the receiving district is not the sender');
  r = await U.tr_siming.post(`/api/transfers/${again}/refuse`, { note: '尚有党费未核对，暂缓转出' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.state, 'refused');
  assert.equal(r.data.note, '尚有党费未核对，暂缓转出');
  assert.equal(r.data.closed_on, today);
  assert.equal(audits('transfer.refuse', `transfer:${again}`), 1);
  const mine = await U.tr_m3.get('/api/me/transfers');
  assert.equal(mine.data.items[0].state_label, '不予转出');
  assert.equal(mine.data.items[0].steps.at(-1).note, '尚有党费未核对，暂缓转出');
});

test('the list: each side sees its transfers, filtered by direction, organization and state; the workbook', async () => {
  const a = await U.tr_secA.get('/api/transfers?direction=out');
  assert.ok(a.data.items.some((x) => x.id === t1) && a.data.items.some((x) => x.id === t2), a.text);
  const ain = await U.tr_secA.get('/api/transfers?direction=in');
  assert.ok(!ain.data.items.some((x) => x.id === t1));
  const h = await U.tr_huli.get('/api/transfers');
  assert.ok(h.data.items.some((x) => x.id === t1), 'the receiving district sees it');
  assert.ok(!h.data.items.some((x) => x.id === t2), 'a letter out of 思明 is not 湖里\'s');
  assert.equal((await U.tr_huli.get(`/api/transfers/${t2}`)).status, 404);
  const byOrg = await U.tr_city.get(`/api/transfers?org_id=${orgH}&direction=in&state=accepted`);
  assert.ok(byOrg.data.items.every((x) => x.to_org_id === orgH && x.state === 'accepted') && byOrg.data.total >= 2, byOrg.text);
  assert.equal((await U.tr_city.get('/api/transfers?state=bogus')).status, 400);
  assert.equal((await U.tr_city.get('/api/transfers?direction=up')).status, 400);
  const res = await fetch(srv.base + '/api/transfers?direction=out&format=xlsx', { headers: { cookie: U.tr_secA.cookieHeader() } });
  assert.equal(res.status, 200);
  const rows = sheetRows(Buffer.from(await res.arrayBuffer()));
  assert.deepEqual(rows[0].slice(0, 6), ['编号', '姓名', '人员类别', '类别', '状态', '转出党组织']);
  assert.ok(rows.some((row) => row.includes(letterNo)), 'the letter number is in the workbook');
  // a member has no list
  assert.equal((await U.tr_m1.get('/api/transfers')).status, 403);
});
