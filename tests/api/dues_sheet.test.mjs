// dues_sheet — party dues over HTTP on the demo city: a member declares their own base and a
// secretary another's (the base itself shown only to the member, their branch and the city; a
// district sees the amounts), reliefs added and revoked, a branch's sheet for the month made and
// read (and exported), the month's sheets in each role's scope with their sums, a payment recorded
// by the treasurer (paid by a proxy, with a voluntary 1000 元 going to the central committee, the
// amount received checked), its receipt as PDF read back with pdftotext (the amount in capitals),
// the member's own page and receipts (only their own), the payments list with filters and
// export, and a payment voided (its receipt marked 作废, its month owed again).  Every refusal of
// a field is a 400 naming it with a Chinese message.  SQLite and PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, backend, addUser, loginAs } from './lib.mjs';

let srv, tmp, orgA, orgH, M;
const P = {};
const U = {};
const USERS = [['du_city', 'city'], ['du_siming', 'district', '350203'], ['du_huli', 'district', '350206'],
  ['du_sec', 'secretary', 'A'], ['du_admin', 'org_admin', 'A'], ['du_secH', 'secretary', 'H'], ['du_park', 'park', 'P0002'],
  ['du_m1', 'member'], ['du_m2', 'member'], ['du_mh', 'member']];

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
const addMonth = (m, k) => { const d = new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)) - 1 + k, 1)); return d.toISOString().slice(0, 7); };
async function pdfText(c, url) {
  const r = await fetch(srv.base + url, { headers: { cookie: c.cookieHeader() } });
  assert.equal(r.status, 200, url);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.match(r.headers.get('content-disposition') || '', /attachment/);
  const f = path.join(tmp, 'r.pdf');
  writeFileSync(f, Buffer.from(await r.arrayBuffer()));
  return execFileSync('pdftotext', ['-layout', f, '-'], { encoding: 'utf8' });
}
const bad = (r, field, says) => {
  assert.equal(r.status, 400, r.text);
  assert.equal(r.data.error.field, field, r.text);
  assert.match(r.data.error.message, /[\u4e00-\u9fff]/);
  if (says) assert.match(r.data.error.message, says);
};

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'ejia-dues-'));
  srv = await startServer({ demo: true });
  const branches = sql("SELECT id, district_code FROM org WHERE kind = '党支部' AND dissolved_on IS NULL AND established_on <= '2018-01-01' ORDER BY id");
  orgA = Number(branches.find(([, d]) => d === '350203')[0]);
  orgH = Number(branches.find(([, d]) => d === '350206')[0]);
  const scope = { A: orgA, H: orgH };
  for (const [u, role, s] of USERS) addUser(srv.db.url, u, role, s in scope ? String(scope[s]) : s);
  for (const [u] of USERS) U[u] = await loginAs(srv.base, u);
  const reg = async (name, body17, org, username) => {
    const r = await U.du_city.post('/api/members', { name, id_number: id18(body17), org_id: org, category: '正式党员', joined_on: '2015-07-01', full_on: '2016-07-01', day: '2019-01-01', username });
    assert.equal(r.status, 201, r.text);
    return r.data.member.id;
  };
  P.m1 = await reg('费甲', '35020319880101661', orgA, 'du_m1');
  P.m2 = await reg('费乙', '35020319890202662', orgA, 'du_m2');
  P.mh = await reg('费丁', '35020619910404664', orgH, 'du_mh');
  M = (await U.du_city.get('/api/dues/sheets')).data.month;
  assert.match(M, /^\d{4}-\d{2}$/);
});
after(async () => { await srv?.stop(); rmSync(tmp, { recursive: true, force: true }); });

test('bases: the member declares their own, the secretary another\'s; the base itself only for the member, their branch and the city', async () => {
  let r = await U.du_m1.post('/api/me/dues/bases', { kind: 'employee', base: '3000.01' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.amount, '30.00');
  r = await U.du_m1.get('/api/me/dues/bases');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.items[0].base, '3000.01');
  assert.equal(r.data.items[0].declared_by, 'member');
  r = await U.du_sec.post(`/api/dues/members/${P.m2}/bases`, { kind: 'retiree', base: '5000', from_month: addMonth(M, -3) });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.amount, '25.00');
  r = await U.du_sec.post(`/api/dues/members/${P.mh}/bases`, { kind: 'student' });
  assert.equal(r.status, 403, 'another branch\'s member');
  assert.equal((await U.du_secH.post(`/api/dues/members/${P.mh}/bases`, { kind: 'student' })).status, 201);
  // who sees the base itself
  for (const [u, visible] of [['du_sec', true], ['du_admin', true], ['du_city', true], ['du_siming', false]]) {
    r = await U[u].get(`/api/dues/members/${P.m1}/bases`);
    assert.equal(r.status, 200, `${u}: ${r.text}`);
    assert.equal(r.data.base_visible, visible, u);
    assert.equal(r.data.items[0].amount, '30.00', u);
    assert.equal(r.data.items[0].base, visible ? '3000.01' : undefined, u);
  }
  for (const u of ['du_huli', 'du_secH', 'du_park', 'du_m2']) assert.equal((await U[u].get(`/api/dues/members/${P.m1}/bases`)).status, 403, u);
  // refusals name their field
  bad(await U.du_sec.post(`/api/dues/members/${P.m2}/bases`, { kind: 'worker', base: '3000' }), 'kind', /党员类别/);
  bad(await U.du_sec.post(`/api/dues/members/${P.m2}/bases`, { kind: 'employee' }), 'base', /月工资基数/);
  bad(await U.du_sec.post(`/api/dues/members/${P.m2}/bases`, { kind: 'employee', base: '3000元' }), 'base', /不要带单位/);
  bad(await U.du_sec.post(`/api/dues/members/${P.m2}/bases`, { kind: 'employee', base: '3000', from_month: '2026-13' }), 'from_month', /年-月/);
  bad(await U.du_m1.post('/api/me/dues/bases', { kind: 'retiree', base: '-1' }), 'base', /负数/);
  assert.equal((await U.du_m1.post(`/api/dues/members/${P.m1}/bases`, { kind: 'student' })).status, 403, 'a member declares through /api/me only');
});

test('reliefs: added with reason and approver, listed, revoked with a reason', async () => {
  const url = `/api/dues/members/${P.m2}/reliefs`;
  const ok = { from_month: addMonth(M, -12), to_month: addMonth(M, -11), amount: '0', reason: '长期患病，生活困难', approver: '支部党员大会，报上级党委批准' };
  bad(await U.du_sec.post(url, { ...ok, approver: undefined }), 'approver', /批准人/);
  bad(await U.du_sec.post(url, { ...ok, reason: '' }), 'reason', /理由/);
  bad(await U.du_sec.post(url, { ...ok, to_month: addMonth(M, -13) }), 'to_month', /早于/);
  bad(await U.du_sec.post(url, { ...ok, amount: '0.001' }), 'amount', /两位小数/);
  assert.equal((await U.du_siming.post(url, ok)).status, 403, 'a district reads, it does not decide');
  let r = await U.du_sec.post(url, ok);
  assert.equal(r.status, 201, r.text);
  const id = r.data.id;
  r = await U.du_siming.get(url);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.data.items.some((x) => x.id === id && x.amount_fen === 0 && x.approver === ok.approver));
  bad(await U.du_sec.post(`/api/dues/reliefs/${id}/revoke`, {}), 'reason', /原因/);
  assert.equal((await U.du_secH.post(`/api/dues/reliefs/${id}/revoke`, { reason: '误报' })).status, 403);
  r = await U.du_sec.post(`/api/dues/reliefs/${id}/revoke`, { reason: '情况已好转' });
  assert.equal(r.status, 200, r.text);
  assert.ok((await U.du_sec.get(url)).data.items.find((x) => x.id === id).revoked_at);
});

let payId, receiptNo;

test('the month\'s sheet: made by the branch, read, exported; the month\'s sheets in each scope with their sums', async () => {
  bad(await U.du_sec.post(`/api/dues/orgs/${orgA}/sheets`, { month: '2026-1' }), 'month', /年-月/);
  assert.equal((await U.du_sec.get(`/api/dues/orgs/${orgA}/sheets/${addMonth(M, -36)}`)).status, 404, 'a month not made');
  assert.equal((await U.du_siming.post(`/api/dues/orgs/${orgA}/sheets`, { month: M })).status, 403);
  assert.equal((await U.du_secH.post(`/api/dues/orgs/${orgA}/sheets`, { month: M })).status, 403);
  let r = await U.du_sec.post(`/api/dues/orgs/${orgA}/sheets`, { month: M });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.month, M);
  const l1 = r.data.items.find((l) => l.person_id === P.m1);
  assert.ok(l1, 'our member is on the sheet');
  assert.deepEqual([l1.due_fen, l1.due, l1.state, l1.state_name, l1.kind_name], [3000, '30.00', 'owed', '未交', '在职党员']);
  assert.equal(r.data.items.find((l) => l.person_id === P.m2).due, '25.00');
  assert.ok(!r.data.items.some((l) => l.person_id === P.mh));
  assert.equal((await U.du_secH.post(`/api/dues/orgs/${orgH}/sheets`, {})).status, 201, 'this month without a month given');
  bad(await U.du_sec.get(`/api/dues/orgs/${orgA}/sheets/2026-00`), 'month');
  r = await U.du_siming.get(`/api/dues/orgs/${orgA}/sheets/${M}`);
  assert.equal(r.status, 200, r.text);
  assert.equal((await U.du_huli.get(`/api/dues/orgs/${orgA}/sheets/${M}`)).status, 403);
  // the sheet as Excel
  r = await U.du_sec.get(`/api/dues/orgs/${orgA}/sheets/${M}?format=xlsx`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  // the month's sheets: each scope sees its own, with the sums
  r = await U.du_siming.get(`/api/dues/sheets?month=${M}&size=200`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.data.items.some((s) => s.org_id === orgA));
  assert.ok(!r.data.items.some((s) => s.org_id === orgH));
  assert.equal(r.data.sums.due_fen, r.data.items.reduce((a, s) => a + s.due_fen, 0));
  r = await U.du_sec.get(`/api/dues/sheets?month=${M}`);
  assert.deepEqual(r.data.items.map((s) => s.org_id), [orgA]);
  r = await U.du_city.get(`/api/dues/sheets?month=${M}&org_id=${orgH}`);
  assert.deepEqual(r.data.items.map((s) => s.org_id), [orgH]);
  assert.equal((await U.du_sec.get(`/api/dues/sheets?org_id=${orgH}`)).status, 403);
  bad(await U.du_city.get('/api/dues/sheets?month=May'), 'month');
  r = await U.du_city.get(`/api/dues/sheets?month=${M}&format=xlsx`);
  assert.equal(r.status, 200);
  assert.equal((await U.du_park.get('/api/dues/sheets')).status, 403, 'a park office has no dues');
});

test('a payment recorded by the treasurer: proxy, voluntary 1000 元 to the centre, the amount received checked', async () => {
  const pay = { person_id: P.m1, first_month: M, voluntary: '1000', proxy: true, proxy_name: '费父', received: '1030.00' };
  bad(await U.du_sec.post('/api/dues/payments', { ...pay, first_month: undefined }), 'first_month', /交纳起始月份/);
  bad(await U.du_sec.post('/api/dues/payments', { ...pay, last_month: addMonth(M, -1) }), 'last_month', /早于/);
  bad(await U.du_sec.post('/api/dues/payments', { ...pay, proxy_name: '' }), 'proxy_name', /代缴人/);
  bad(await U.du_sec.post('/api/dues/payments', { ...pay, voluntary: 'abc' }), 'voluntary');
  bad(await U.du_sec.post('/api/dues/payments', { ...pay, paid_on: '2026/01/02' }), 'paid_on', /年-月-日/);
  bad(await U.du_sec.post('/api/dues/payments', { ...pay, way: 'wechat' }), 'way');
  // the store's refusals come through with their field
  bad(await U.du_sec.post('/api/dues/payments', { ...pay, received: '1000.00' }), 'received');
  bad(await U.du_sec.post('/api/dues/payments', { ...pay, first_month: addMonth(M, 1) }), 'consent');
  assert.equal((await U.du_siming.post('/api/dues/payments', pay)).status, 403);
  assert.equal((await U.du_secH.post('/api/dues/payments', pay)).status, 403);
  assert.equal((await U.du_m1.post('/api/dues/payments', pay)).status, 403, 'a member does not record their own payment');
  const r = await U.du_sec.post('/api/dues/payments', pay);
  assert.equal(r.status, 201, r.text);
  payId = r.data.id;
  receiptNo = r.data.receipt_no;
  assert.match(receiptNo, /^\d{4}-\d{6}$/);
  assert.deepEqual([r.data.dues, r.data.voluntary, r.data.total, !!r.data.central, r.data.payer, r.data.proxy_name], ['30.00', '1000.00', '1030.00', true, 'proxy', '费父']);
  // the month is paid once
  const again = await U.du_sec.post('/api/dues/payments', { person_id: P.m1, first_month: M });
  assert.ok([400, 409].includes(again.status), again.text);
  assert.match(again.data.error.message, /[\u4e00-\u9fff]/);
  // the sheet follows
  const s = await U.du_sec.get(`/api/dues/orgs/${orgA}/sheets/${M}`);
  const l1 = s.data.items.find((l) => l.person_id === P.m1);
  assert.deepEqual([l1.state, l1.receipt_no, l1.payment_id], ['paid', receiptNo, payId]);
  // a second member pays two months back, themselves
  const b = await U.du_admin.post('/api/dues/payments', { person_id: P.m2, first_month: addMonth(M, -1), last_month: M });
  assert.equal(b.status, 201, b.text);
  assert.equal(b.data.months, 2);
});

test('the receipt as PDF: number, member, months, amount in figures and capitals, the centre, the proxy; only one\'s own for a member', async () => {
  const text = await pdfText(U.du_sec, `/api/dues/payments/${payId}/receipt.pdf`);
  for (const want of ['党费收据', receiptNo, '费甲', '1030.00', '壹仟零叁拾元整', '上缴中央', '代缴：费父', '支部党费收缴员收取', 'du_sec']) assert.ok(text.includes(want), `${want} in:\n${text}`);
  assert.ok(text.includes(`${Number(M.slice(0, 4))}年${Number(M.slice(5, 7))}月`), text);
  assert.ok(!text.includes('作废'));
  // district and city read it; another district does not
  assert.equal((await U.du_siming.get(`/api/dues/payments/${payId}/receipt.pdf`)).status, 200);
  assert.equal((await U.du_huli.get(`/api/dues/payments/${payId}/receipt.pdf`)).status, 403);
  // the member's own
  assert.ok((await pdfText(U.du_m1, `/api/me/dues/payments/${payId}/receipt.pdf`)).includes(receiptNo));
  assert.equal((await U.du_m2.get(`/api/me/dues/payments/${payId}/receipt.pdf`)).status, 403, 'not another member\'s');
  assert.equal((await U.du_m1.get(`/api/dues/payments/${payId}/receipt.pdf`)).status, 403, 'the workbench route is not the member\'s');
  // the download is in the audit log
  const [[n]] = sql(`SELECT COUNT(*) FROM audit WHERE action = 'dues.receipt' AND object = 'dues_payment:${payId}'`);
  assert.equal(Number(n), 3, `receipt downloads audited: ${n}`);
});

test('the member\'s own: base, months owed, payments with receipts', async () => {
  let r = await U.du_m1.get('/api/me/dues');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.this_month, M);
  assert.equal(r.data.base.amount, '30.00');
  assert.equal(r.data.base.kind_name, '在职党员');
  assert.ok(!r.data.owed.some((o) => o.month === M), 'this month is paid');
  const p = r.data.payments.find((x) => x.id === payId);
  assert.equal(p.receipt_no, receiptNo);
  assert.equal(p.total, '1030.00');
  r = await U.du_mh.get('/api/me/dues');
  assert.equal(r.status, 200);
  assert.ok(!r.data.payments.some((x) => x.id === payId));
  for (const u of ['du_sec', 'du_city']) assert.equal((await U[u].get('/api/me/dues')).status, 403, u);
});

test('the payments list: filters, scope, export', async () => {
  let r = await U.du_sec.get('/api/dues/payments');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.data.items.some((x) => x.id === payId));
  r = await U.du_city.get('/api/dues/payments?central=1');
  assert.ok(r.data.items.length >= 1 && r.data.items.every((x) => x.central));
  r = await U.du_siming.get(`/api/dues/payments?person_id=${P.m2}`);
  assert.ok(r.data.items.length >= 1 && r.data.items.every((x) => x.person_id === P.m2));
  r = await U.du_huli.get('/api/dues/payments');
  assert.ok(!r.data.items.some((x) => x.id === payId));
  assert.equal((await U.du_huli.get(`/api/dues/payments?org_id=${orgA}`)).status, 403);
  bad(await U.du_city.get('/api/dues/payments?from=2026-1-1'), 'from');
  bad(await U.du_city.get('/api/dues/payments?central=2'), 'central');
  bad(await U.du_city.get('/api/dues/payments?sort=amount'), 'sort');
  r = await U.du_city.get('/api/dues/payments?format=xlsx&sort=-paid_on');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  r = await U.du_city.get(`/api/dues/payments/${payId}`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.data.lines.map((l) => l.month), [M]);
});

test('a payment voided: with a reason, its receipt marked 作废, its month owed again', async () => {
  bad(await U.du_sec.post(`/api/dues/payments/${payId}/void`, {}), 'reason', /作废的原因/);
  assert.equal((await U.du_siming.post(`/api/dues/payments/${payId}/void`, { reason: 'x' })).status, 403);
  let r = await U.du_sec.post(`/api/dues/payments/${payId}/void`, { reason: '金额登记错误' });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.data.voided_at);
  assert.equal(r.data.void_reason, '金额登记错误');
  const again = await U.du_sec.post(`/api/dues/payments/${payId}/void`, { reason: '再次' });
  assert.equal(again.status, 409, again.text);
  const text = await pdfText(U.du_m1, `/api/me/dues/payments/${payId}/receipt.pdf`);
  assert.ok(text.includes('作废') && text.includes('金额登记错误'), text);
  r = await U.du_sec.get(`/api/dues/orgs/${orgA}/sheets/${M}`);
  assert.equal(r.data.items.find((l) => l.person_id === P.m1).state, 'owed');
  r = await U.du_m1.get('/api/me/dues');
  assert.ok(r.data.owed.some((o) => o.month === M));
  r = await U.du_sec.get('/api/dues/payments');
  assert.ok(!r.data.items.some((x) => x.id === payId), 'voided ones left out by default');
  r = await U.du_sec.get('/api/dues/payments?voided=1');
  assert.ok(r.data.items.find((x) => x.id === payId).voided);
});
