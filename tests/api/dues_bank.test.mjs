// dues_bank — a bank statement matched against an organization's month of dues over HTTP
// (POST/GET /api/dues/bank/imports, GET /api/dues/bank/imports/{id}, POST …/lines/{row}): the
// issue's "a month is collected with a bank statement matched" — a member paying a quarter at once
// and a proxy named in the memo become payments with receipts (way treasurer, reference
// bank:<import>:<row>) and the sheet's lines paid; two members of one name, an amount of no whole
// number of months and a debit wait for a person, who assigns one (a payment) and ignores another
// with a reason; the same file twice is refused; a statement without a payer column is refused
// naming the file; a GBK CSV and an xlsx read as banks export them.  The members' bases are
// written straight into the database (the routes that declare them are another part of the
// issue); everything else goes through the API.  SQLite and PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, backend, addUser, loginAs } from './lib.mjs';

let srv, dir, city, sec, org, otherOrg;
const people = {};

function sql(q) {
  const r = backend === 'sqlite'
    ? spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', srv.db.url, q], { encoding: 'utf8' })
    : spawnSync('psql', [srv.db.url, '-qAtc', q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const id18 = (b) => b + '10X98765432'[[...b].reduce((s, c, i) => s + Number(c) * W[i], 0) % 11];
const monthAdd = (m, k) => { const d = new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)) - 1 + k, 1)); return d.toISOString().slice(0, 7); };
// China's month now (the server's clock)
const THIS = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 7);
const M2 = monthAdd(THIS, -2);
const day = `${THIS}-01`;

function write(name, text) { const p = path.join(dir, name); writeFileSync(p, text); return p; }
async function upload(c, file, q) {
  const fd = new FormData();
  fd.append('file', new Blob([readFileSync(file)]), path.basename(file));
  return c.req('POST', `/api/dues/bank/imports?${new URLSearchParams(q)}`, { body: fd });
}

/** A member of org with a monthly due from a month on (the base as the store writes it). */
async function member(key, name, n, fen, from) {
  const res = await city.post('/api/members', { name, id_number: id18(`3502031985010${n}${String(n).padStart(3, '0')}`), org_id: org,
    category: '正式党员', joined_on: '2010-07-01', full_on: '2011-07-01', day: '2019-01-01' });
  assert.equal(res.status, 201, res.text);
  const pid = res.data.member.person_id ?? res.data.member.id;
  sql(`INSERT INTO dues_base(person_id, from_month, kind, amount_fen, rule, declared_by, actor, created_at) VALUES (${pid}, '${from}', 'employee', ${fen}, '测试基数', 'secretary', 'test', 0)`);
  people[key] = pid;
  return pid;
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ejia-bank-'));
  srv = await startServer({ demo: true });
  const rows = sql("SELECT id FROM org WHERE kind = '党支部' AND dissolved_on IS NULL AND district_code = '350203' ORDER BY id LIMIT 2");
  [org, otherOrg] = rows.map((r) => Number(r[0]));
  addUser(srv.db.url, 'bk_city', 'city');
  addUser(srv.db.url, 'bk_sec', 'secretary', String(org));
  city = await loginAs(srv.base, 'bk_city');
  sec = await loginAs(srv.base, 'bk_sec');
  await member('heng', '蔺书恒', 1, 3000, M2);          // owes three months of 30.00
  await member('yuan', '蔺书远', 2, 1500, THIS);        // owes this month's 15.00
  await member('ming1', '郜明月', 3, 1000, THIS);       // two of one name
  await member('ming2', '郜明月', 4, 1000, THIS);
  await member('kuang', '邝一鸣', 5, 2000, THIS);
});
after(async () => { await srv?.stop(); if (dir) rmSync(dir, { recursive: true, force: true }); });

let imp;

test('a month collected with a bank statement matched: payments with receipts, the rest left to decide', async () => {
  const csv = write('党费专户流水.csv', '\ufeff中国工商银行账户历史明细\n账号,6222020402001234567\n'
    + '交易日期,摘要,贷方金额(元),借方金额(元),余额,对方户名,对方账号\n'
    + `${day} 09:12:45,第四季度党费,90.00,,1090.00,蔺书恒,6222021234567890123\n`
    + `${day.replaceAll('-', '/')},代蔺书远缴纳党费,15.00,,1105.00,王五,6217000011112222\n`
    + `${day.replaceAll('-', '')},党费,10.00,,1115.00,郜明月,6217000011113333\n`
    + `${day},党费,7.77,,1122.77,邝一鸣,\n`
    + `${day},手续费,,2.00,1120.77,,\n`
    + '合计,,"122.77",2.00,,,\n');
  // the secretary of another branch may not import into this one (checked by the route's scope)
  const r = await upload(sec, csv, { org_id: String(org), month: THIS });
  assert.equal(r.status, 201, r.text);
  imp = r.data.import;
  assert.deepEqual([imp.lines, imp.matched, imp.unmatched, imp.notpay], [5, 2, 2, 1]);
  assert.equal(imp.paid_fen, 10500);
  assert.equal(imp.credit_fen, 12277);

  const g = await sec.get(`/api/dues/bank/imports/${imp.id}`);
  assert.equal(g.status, 200, g.text);
  const L = Object.fromEntries(g.data.import.lines.map((l) => [l.row, l]));
  assert.equal(L[4].state, 'matched');
  assert.equal(L[4].person_id, people.heng);
  assert.deepEqual([L[4].first_month, L[4].last_month], [M2, THIS]);
  assert.match(L[4].receipt_no, /^\d{4}-\d{6}$/);
  assert.equal(L[4].payer_account, '6222***********0123');
  assert.equal(L[5].state, 'matched');
  assert.equal(L[5].person_id, people.yuan);
  assert.equal(L[5].reason, `王五 代 蔺书远 缴纳 ${THIS} 党费。`);
  assert.equal(L[6].state, 'unmatched');
  assert.match(L[6].reason, /本支部有 2 名党员叫郜明月/);
  assert.equal(L[7].state, 'unmatched');
  assert.match(L[7].reason, /7\.77 元不是 邝一鸣 所欠党费的整月数/);
  assert.equal(L[8].state, 'notpay');
  assert.equal(g.data.import.members.filter((m) => m.name === '郜明月').length, 2);

  // the payments: through the treasurer, the bank line as their reference, the proxy named
  const pays = sql(`SELECT person_id, first_month, last_month, months, dues_fen, way, way_ref, payer, COALESCE(proxy_name, ''), paid_on FROM dues_payment WHERE way_ref LIKE 'bank:${imp.id}:%' ORDER BY way_ref`);
  assert.deepEqual(pays, [
    [String(people.heng), M2, THIS, '3', '9000', 'treasurer', `bank:${imp.id}:4`, 'self', '', day],
    [String(people.yuan), THIS, THIS, '1', '1500', 'treasurer', `bank:${imp.id}:5`, 'proxy', '王五', day],
  ]);
  // the month's sheet says they paid
  const lines = sql(`SELECT l.person_id, l.state FROM dues_line l JOIN dues_sheet s ON s.id = l.sheet_id WHERE s.org_id = ${org} AND s.month = '${THIS}' AND l.person_id IN (${people.heng}, ${people.yuan}, ${people.kuang}) ORDER BY l.person_id`);
  assert.deepEqual(lines.map((x) => x[1]), ['paid', 'paid', 'owed']);
  // one audit row for the whole import (the sheet and the payments are parts of it)
  const audit = sql(`SELECT action FROM audit WHERE object = 'dues_bank_import:${imp.id}' AND result = 'ok'`);
  assert.deepEqual(audit.map((a) => a[0]), ['dues.bank.import']);

  // the same file again is refused
  const again = await upload(sec, csv, { org_id: String(org), month: THIS });
  assert.equal(again.status, 409, again.text);
  assert.match(again.data.error.message, new RegExp(`已经导入过（对账编号 ${imp.id}`));

  // the list, by organization and month; the lines waiting
  const list = await sec.get(`/api/dues/bank/imports?org_id=${org}&month=${THIS}`);
  assert.equal(list.status, 200, list.text);
  assert.equal(list.data.total, 1);
  assert.equal(list.data.items[0].unmatched, 2);
  assert.equal(list.data.items[0].importer, 'bk_sec');
  assert.equal(list.data.items[0].encoding, 'UTF-8 BOM');
  assert.equal(list.data.items[0].lines, 5);
  const open = await sec.get(`/api/dues/bank/imports/${imp.id}?state=unmatched`);
  assert.deepEqual(open.data.import.lines.map((l) => l.row), [6, 7]);
  const bad = await sec.get(`/api/dues/bank/imports/${imp.id}?state=whatever`);
  assert.equal(bad.status, 400);
  assert.equal(bad.data.error.field, 'state');
});

test('a person decides: one line assigned to a member (a payment), one ignored with a reason', async () => {
  const url = (row) => `/api/dues/bank/imports/${imp.id}/lines/${row}`;
  // months whose dues are not the line's amount are refused, naming the field
  let r = await sec.post(url(6), { action: 'assign', person_id: people.kuang, first_month: THIS });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.data.error.field, 'last_month');
  r = await sec.post(url(6), { action: 'assign', person_id: people.ming2, first_month: THIS, reason: '电话核实是第二位郜明月' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.line.state, 'assigned');
  assert.equal(r.data.line.person_id, people.ming2);
  assert.match(r.data.line.receipt_no, /^\d{4}-\d{6}$/);
  assert.equal(r.data.import.assigned, 1);
  assert.equal(r.data.import.unmatched, 1);
  const [pay] = sql(`SELECT person_id, dues_fen, way, way_ref, payer FROM dues_payment WHERE way_ref = 'bank:${imp.id}:6'`);
  assert.deepEqual(pay, [String(people.ming2), '1000', 'treasurer', `bank:${imp.id}:6`, 'self']);
  // decided once
  r = await sec.post(url(6), { action: 'ignore', reason: '重复' });
  assert.equal(r.status, 409, r.text);
  // ignoring needs a reason
  r = await sec.post(url(7), { action: 'ignore' });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.data.error.field, 'reason');
  r = await sec.post(url(7), { action: 'ignore', reason: '金额有误，已退回付款人' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.line.state, 'ignored');
  assert.equal(r.data.line.reason, '金额有误，已退回付款人');
  assert.equal(r.data.import.ignored, 1);
  assert.equal(r.data.import.lines, 5);
  assert.equal(r.data.import.unmatched, 0);
  // not a payment: nothing to decide
  r = await sec.post(url(8), { action: 'ignore', reason: '手续费' });
  assert.equal(r.status, 409, r.text);
  r = await sec.post(url(99), { action: 'ignore', reason: 'x' });
  assert.equal(r.status, 404, r.text);
  r = await sec.post(url(7), { action: 'keep' });
  assert.equal(r.status, 400, r.text);
  const acts = sql(`SELECT action FROM audit WHERE object = 'dues_bank_import:${imp.id}' AND result = 'ok' ORDER BY seq`).map((a) => a[0]);
  assert.deepEqual(acts, ['dues.bank.import', 'dues.bank.assign', 'dues.bank.ignore']);
});

test('statements as banks export them: GBK with tabs, xlsx; a file without a payer column refused by name', async () => {
  // GB18030, tab-separated, one signed amount column with a 借贷标志
  const src = write('gbk.utf8', `交易时间\t交易金额\t借贷标志\t付款人\t付款人账号\t附言\n${day}\t+20.00\t贷\t邝一鸣\t6222\t党费\n`);
  const gbk = path.join(dir, '建行流水.csv');
  const ic = spawnSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030', '-o', gbk, src]);
  assert.equal(ic.status, 0, String(ic.stderr));
  let r = await upload(sec, gbk, { org_id: String(org), month: THIS });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.data.import.lines, r.data.import.matched], [1, 1]);
  // xlsx (openpyxl): a title row, a date cell, a number cell, a summary row
  const out = path.join(dir, '招行流水.xlsx');
  const py = `
import sys, datetime, openpyxl
wb = openpyxl.Workbook(); ws = wb.active; ws.title = '交易明细'
ws.append(['招商银行交易流水'])
ws.append(['记账日期', '交易金额', '对方户名', '对方账号', '摘要'])
ws.append([datetime.date.fromisoformat(sys.argv[2]), 20, '郜明月', '6214830012345678', '党费'])
ws.append(['本页小计', 20])
wb.save(sys.argv[1])`;
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const x = spawnSync(python, ['-c', py, out, day], { encoding: 'utf8' });
  assert.equal(x.status, 0, x.stderr);
  r = await upload(sec, out, { org_id: String(org), month: THIS });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.data.import.lines, r.data.import.matched, r.data.import.unmatched], [1, 0, 1]);
  // a header and a summary, no transaction
  const empty = write('空流水.csv', '交易日期,贷方金额,对方户名\n合计,0.00,\n');
  r = await upload(sec, empty, { org_id: String(org), month: THIS });
  assert.equal(r.status, 400, r.text);
  assert.match(r.data.error.message, /「空流水\.csv」里没有任何交易/);
  // no payer column
  const nopayer = write('无付款人.csv', `交易日期,贷方金额,摘要\n${day},30.00,党费\n`);
  r = await upload(sec, nopayer, { org_id: String(org), month: THIS });
  assert.equal(r.status, 400, r.text);
  assert.match(r.data.error.message, /「无付款人\.csv」的表头（第 1 行）里没有找到付款人列/);
  // a cell that is not a date, named by file, row and column
  const baddate = write('坏日期.csv', `交易日期,贷方金额,对方户名\n${day},30.00,张三\n十一月三日,30.00,李四\n`);
  r = await upload(sec, baddate, { org_id: String(org), month: THIS });
  assert.equal(r.status, 400, r.text);
  assert.match(r.data.error.message, /「坏日期\.csv」第 3 行“交易日期”列（A 列）的“十一月三日”不是日期/);
  // the organization and month are required; another branch is outside the secretary's scope
  r = await upload(sec, nopayer, { month: THIS });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.data.error.field, 'org_id');
  r = await upload(sec, nopayer, { org_id: String(org), month: '2026-13' });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.data.error.field, 'month');
  r = await upload(sec, nopayer, { org_id: String(otherOrg), month: THIS });
  assert.equal(r.status, 403, r.text);
});
