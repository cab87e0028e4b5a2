// roster — party-member rosters (花名册) as branches send them, into the
// registry: through the API and the command line; xlsx with a title row and
// date cells, CSV in UTF-8 and GBK; headers that differ; dates, ID numbers
// and names written every which way; refused rows with their reason, the rest
// imported; the same file twice imports nothing; a file whose organization is
// unknown fails unless asked to create it.  The files are made here (the
// project's tests do not read ../shared).  SQLite and PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, backend, addUser, loginAs, ejia } from './lib.mjs';
import { sheetRows } from './xlsx.mjs';

let srv, dir, siming, huli, city, member, orgA, orgAName, orgHuliName;

function sql(q) {
  const r = backend === 'sqlite'
    ? spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', srv.db.url, q], { encoding: 'utf8' })
    : spawnSync('psql', [srv.db.url, '-qAtc', q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const id18 = (b) => b + '10X98765432'[[...b].reduce((s, c, i) => s + Number(c) * W[i], 0) % 11];
const FW = (s) => s.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xFEE0));

// Six people, written the ways rosters write them.
const P = {
  a: id18('35020319800101001'), b: id18('35020319810202002'), c: id18('35020319820303003'),
  d: id18('35020519830404004'), e: id18('35020519840505005'), f: id18('35020619851206006'),
};
const bad = P.a.slice(0, 17) + (P.a[17] === '1' ? '2' : '1');
const old15 = (x) => x.slice(0, 6) + x.slice(8, 17);

function write(name, text) { const p = path.join(dir, name); writeFileSync(p, text); return p; }
function gbk(name, text) {
  const src = write(name + '.utf8', text);
  const out = path.join(dir, name);
  const r = spawnSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030', '-o', out, src]);
  if (r.status !== 0) throw new Error('iconv: ' + r.stderr);
  return out;
}
// xlsx through openpyxl (python3-openpyxl, installed by scripts/deps): a title row, a date row, real date cells
function xlsx(name, title, head, rows) {
  const out = path.join(dir, name);
  const py = `
import json, sys, datetime, openpyxl
spec = json.load(sys.stdin)
wb = openpyxl.Workbook(); ws = wb.active; ws.title = '花名册'
if spec['title']: ws.append([spec['title']]); ws.append(['填报日期：2018年6月30日'])
ws.append(spec['head'])
for r in spec['rows']:
    ws.append([datetime.date.fromisoformat(v[5:]) if isinstance(v, str) and v.startswith('DATE:') else v for v in r])
wb.save(spec['out'])`;
  // Debian's python3 (where python3-openpyxl is), not another one earlier on PATH
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const r = spawnSync(python, ['-c', py], { input: JSON.stringify({ title, head, rows, out }), encoding: 'utf8' });
  if (r.status !== 0) throw new Error('openpyxl: ' + r.stderr);
  return out;
}

async function upload(c, file, fields = {}) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append('file', new Blob([readFileSync(file)]), path.basename(file));
  return c.req('POST', '/api/members/imports', { body: fd });
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ejia-roster-'));
  srv = await startServer({ demo: true });
  const rows = sql("SELECT id, name, district_code FROM org WHERE kind = '党支部' AND dissolved_on IS NULL ORDER BY id");
  const a = rows.find((r) => r[2] === '350203');
  [orgA, orgAName] = [Number(a[0]), a[1]];
  orgHuliName = rows.find((r) => r[2] === '350206')[1];
  addUser(srv.db.url, 'r_city', 'city');
  addUser(srv.db.url, 'r_siming', 'district', '350203');
  addUser(srv.db.url, 'r_huli', 'district', '350206');
  addUser(srv.db.url, 'r_member', 'member');
  [city, siming, huli, member] = await Promise.all(['r_city', 'r_siming', 'r_huli', 'r_member'].map((u) => loginAs(srv.base, u)));
});
after(async () => { await srv?.stop(); rmSync(dir, { recursive: true, force: true }); });

test('an xlsx roster with a title row and date cells: every row read, a bad ID refused with its reason', async () => {
  const f = xlsx(`${orgAName}党员花名册.xlsx`, `${orgAName}党员花名册`,
    ['序号', '姓名', '性别', '公民身份号码', '民族', '出生年月', '学历', '党员类型', '入党时间', '转为正式党员日期', '职务', '手机号码'],
    [[1, '王 伟', '男', P.a.toLowerCase(), '汉', 'DATE:1980-01-01', '大学本科', '正式党员', 'DATE:2005-07-01', '2006.07.01', '工程师', '13900003001'],
     [2, '李娜', '女', ` ${old15(P.b)} `, '畲族', '1981-02-02', '研究生', '正式', '2006年9月25日', '20070925', '经理', ''],
     [3, '张敏', '女', FW(P.c), '汉族', '', '大学专科', '预备党员', '2026/3/1', '', '', ''],
     [4, '错号', '男', bad, '汉族', '', '', '正式党员', '2010-01-01', '2011-01-01', '', '']]);
  const r = await upload(siming, f);
  assert.equal(r.status, 201, r.text);
  const imp = r.data.import;
  assert.equal(imp.org_id, orgA);
  assert.deepEqual([imp.rows, imp.registered, imp.refused], [4, 3, 1]);
  const refused = r.data.problems.filter((p) => p.kind === 'refused');
  assert.equal(refused.length, 1);
  assert.equal(refused[0].sheet_row, 7, 'title, date line and header above');
  assert.equal(refused[0].column_name, '公民身份号码');
  assert.match(refused[0].message, /公民身份号码.*无效/);
  assert.ok(!refused[0].value.includes(bad.slice(4, 14)), 'the number quoted masked');
  assert.ok(!refused[0].message.includes(bad.slice(4, 14)), 'and not repeated in the reason (kept with the import, read by others)');
  // (the demo city's branch may have members of these common names too: the rows of the file are the ones born on the
  // days their ID numbers say)
  const got = Object.fromEntries(sql(`SELECT p.name, p.ethnicity || '|' || m.joined_on || '|' || COALESCE(m.full_on, '') || '|' || m.category FROM person p JOIN member m ON m.person_id = p.id WHERE m.org_id = ${orgA} AND p.name IN ('王伟', '李娜', '张敏') AND p.birth_date IN ('1980-01-01', '1981-02-02', '1982-03-03')`)
    .map(([n, ...v]) => [n, v.join('|')]));
  assert.equal(got['王伟'], '汉族|2005-07-01|2006-07-01|正式党员');
  assert.equal(got['李娜'], '畲族|2006-09-25|2007-09-25|正式党员');
  assert.equal(got['张敏'], '汉族|2026-03-01||预备党员');
  // the same file again: nothing new
  const again = await upload(siming, f);
  assert.equal(again.status, 409);
  assert.match(again.data.error.message, /已经导入过/);
  assert.equal(sql(`SELECT COUNT(*) FROM audit WHERE action = 'member.import'`)[0][0], '1');
});

test('a GBK CSV of another branch: someone registered already is refused naming where', async () => {
  const f = gbk(`${orgHuliName}党员花名册.csv`, '姓名,身份证号,人员类别,入党日期,转正日期\r\n' +
    `王伟,${P.a},正式党员,2005-07-01,2006-07-01\r\n` +
    `赵强,${P.f},正式党员,2001-01-01,2002-01-01\r\n`);
  assert.equal((await upload(siming, f)).status, 403, 'a 思明区 worker cannot load a 湖里区 branch');
  const r = await upload(huli, f);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.data.import.registered, r.data.import.refused], [1, 1]);
  const p = r.data.problems.find((x) => x.kind === 'refused');
  assert.match(p.message, new RegExp(`已在“${orgAName}”登记，请办理组织关系转接`));
});

test('a file whose organization is unknown fails naming it, unless asked to create the branch', async () => {
  const name = '中共厦门测试花名册网络科技有限公司支部委员会';
  const f = write(`${name}党员花名册.csv`, '\uFEFF姓名,公民身份号码,类别,入党日期,转正日期\n' + `钱多,${P.d},正式党员,2012-06-01,2013-06-01\n`);
  let r = await upload(siming, f);
  assert.equal(r.status, 400);
  assert.match(r.data.error.message, new RegExp(name));
  r = await upload(siming, f, { create_orgs: '1', district: '350206' });
  assert.equal(r.status, 403, 'not in another district');
  r = await upload(siming, f, { create_orgs: '1', district: '350203' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.import.org_created, true);
  assert.deepEqual(sql(`SELECT kind, district_code FROM org WHERE name = '${name}'`), [['党支部', '350203']]);
});

test('who may load rosters, and the imports listed, shown and downloaded', async () => {
  const f = write('x.csv', '姓名,公民身份号码\n');
  assert.equal((await upload(member, f)).status, 403);
  const list = await siming.get('/api/members/imports');
  assert.equal(list.status, 200);
  assert.ok(list.data.items.length >= 2 && list.data.items.every((i) => i.org_name));
  const own = list.data.items.find((i) => i.refused === 1 && i.rows === 4);
  const one = await siming.get(`/api/members/imports/${own.id}`);
  assert.equal(one.data.import.problems.filter((p) => p.kind === 'refused').length, 1);
  const hl = await huli.get('/api/members/imports');
  assert.ok(hl.data.items.every((i) => i.id !== own.id), 'another district does not see it');
  assert.equal((await huli.get(`/api/members/imports/${own.id}`)).status, 403);
  const x = await fetch(srv.base + `/api/members/imports/${own.id}/problems.xlsx`, { headers: { cookie: siming.cookieHeader() } });
  assert.equal(x.status, 200);
  const rows = sheetRows(Buffer.from(await x.arrayBuffer()));
  assert.deepEqual(rows[0], ['文件', '表格行号', '列', '列名', '内容', '处理', '说明']);
  assert.ok(rows.some((r) => r[5] === '未登记'));
});

test('the command line: files in name order, one report for all, the OS user in the audit trail', async () => {
  // name order is the characters' order (乙 U+4E59 before 甲 U+7532), as a directory listing gives it
  const n1 = '中共厦门命令行乙网络科技有限公司支部', n2 = '中共厦门命令行甲网络科技有限公司支部';
  const f1 = write(`${n1}党员花名册.csv`, '姓名,公民身份号码,入党日期,转正日期\n' + `孙一,${P.e},2010-01-01,2011-01-01\n`);
  const f2 = write(`${n2}党员花名册.csv`, '姓名,公民身份号码,入党日期,转正日期,工作岗位\n' + `孙一,${P.e},2010-01-01,2011-01-01,财务\n`);
  const report = path.join(dir, 'report.xlsx');
  const r = ejia(['member', 'import', '--db', srv.db.url, '--create-orgs', '--district', '350205', '--report', report, f2, f1]);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /共 2 个文件：导入 2（登记 1 人，拒绝 1 行/);
  // 乙 comes first: the person counts there, 甲's row is the duplicate
  assert.deepEqual(sql(`SELECT o.name FROM member m JOIN person p ON p.id = m.person_id JOIN org o ON o.id = m.org_id WHERE p.name = '孙一'`), [[n1]]);
  const rows = sheetRows(readFileSync(report));
  assert.equal(rows.length, 2);
  assert.match(rows[1][0], /甲/);
  assert.match(sql("SELECT username FROM audit WHERE action = 'member.import' ORDER BY seq DESC LIMIT 1")[0][0], /^cli:/);
  const bad = ejia(['member', 'import', '--db', srv.db.url, path.join(dir, '中共厦门不存在的支部党员花名册.csv')]);
  assert.notEqual(bad.status, 0);
});

test('the command line commits files in groups: a file that fails or was imported before takes nothing else with it', async () => {
  // one group of four: two new branches' files, a file without an ID column, a file imported before
  const nA = '中共厦门成组甲网络科技有限公司支部', nB = '中共厦门成组乙网络科技有限公司支部', nC = '中共厦门成组丙网络科技有限公司支部';
  const fA = write(`${nA}党员花名册.csv`, '姓名,公民身份号码,入党日期,转正日期\n' + `钱一,${id18('35020519860707007')},2012-01-01,2013-01-01\n`);
  const fB = write(`${nB}党员花名册.csv`, '姓名,入党日期\n钱二,2012-01-01\n');
  const fC = write(`${nC}党员花名册.csv`, '姓名,公民身份号码,入党日期,转正日期\n' + `钱三,${id18('35020519880909009')},2014-01-01,2015-01-01\n`);
  const again = path.join(dir, '中共厦门命令行乙网络科技有限公司支部党员花名册.csv');   // imported by the test before
  assert.ok(existsSync(again));
  const before = (await city.get('/api/members/stats')).data.total;
  const n0 = Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'member.import'")[0][0]);
  const r = ejia(['member', 'import', '--db', srv.db.url, '--create-orgs', '--district', '350205', fA, fB, again, fC]);
  assert.equal(r.status, 1, 'a file failed');
  assert.match(r.stdout, /共 4 个文件：导入 2（登记 2 人，拒绝 0 行，待核 0 行），已导入过 1，失败 1/);
  assert.match(r.stderr, /成组乙.*未导入.*姓名.*公民身份号码/);
  assert.match(r.stdout, /已经导入过/);
  assert.deepEqual(sql("SELECT name FROM person WHERE name IN ('钱一', '钱二', '钱三') ORDER BY name"), [['钱一'], ['钱三']]);
  assert.equal(sql(`SELECT COUNT(*) FROM org WHERE name = '${nB}'`)[0][0], '0', 'nothing of the failing file');
  assert.equal(Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'member.import'")[0][0]) - n0, 2, 'one row per imported file');
  // the counters followed the files: today's statistics equal a recount
  const fast = (await city.get('/api/members/stats')).data, slow = (await city.get('/api/members/stats?recount=1')).data;
  assert.equal(fast.source, 'counters');
  delete fast.source;
  delete slow.source;
  assert.deepEqual(fast, slow);
  assert.equal(fast.total, before + 2);
});
