// ledger import over HTTP: upload, mapping, problem report (paged, filtered,
// xlsx), idempotence by content, broken files refused with nothing stored,
// limits (file, zip, total cell text), content types, data scope between
// districts, and logins that keep working while a large file is written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateRawSync, crc32 } from 'node:zlib';
import { startServer, Client, ejia, addUser, loginAs, TEST_PW } from './lib.mjs';

// A zip of deflated entries, written by hand (name → text).
function zip(files) {
  const parts = [], dir = [];
  let off = 0;
  for (const [name, text] of Object.entries(files)) {
    const raw = Buffer.from(text), data = deflateRawSync(raw), nm = Buffer.from(name), crc = crc32(raw);
    const head = (sig, n) => { const b = Buffer.alloc(n); b.writeUInt32LE(sig, 0); return b; };
    const lh = head(0x04034b50, 30);
    lh.writeUInt16LE(20, 4); lh.writeUInt16LE(0x0800, 6); lh.writeUInt16LE(8, 8); lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(data.length, 18); lh.writeUInt32LE(raw.length, 22); lh.writeUInt16LE(nm.length, 26);
    const ch = head(0x02014b50, 46);
    ch.writeUInt16LE(20, 4); ch.writeUInt16LE(20, 6); ch.writeUInt16LE(0x0800, 8); ch.writeUInt16LE(8, 10);
    ch.writeUInt32LE(crc, 16); ch.writeUInt32LE(data.length, 20); ch.writeUInt32LE(raw.length, 24);
    ch.writeUInt16LE(nm.length, 28); ch.writeUInt32LE(off, 42);
    parts.push(lh, nm, data);
    dir.push(ch, nm);
    off += 30 + nm.length + data.length;
  }
  const cd = Buffer.concat(dir), end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(dir.length / 2, 8); end.writeUInt16LE(dir.length / 2, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(off, 16);
  return Buffer.concat([...parts, cd, end]);
}

// An xlsx whose `rows` data rows each have a name, a distinct code and `wide`
// remark cells that all point at one shared string of `len` bytes: a few KiB
// of file, rows × wide × len bytes of cell text once read.
function sharedStringXlsx(rows, wide, len) {
  const heads = ['企业名称', '统一社会信用代码', ...Array.from({ length: wide }, (_, i) => `备注${i + 1}`)];
  const strings = ['长'.repeat(Math.floor(len / 3)), ...heads];   // 长 is 3 bytes in UTF-8
  const col = (i) => String.fromCharCode(65 + i);
  const cells = [`<row r="1">${heads.map((_, i) => `<c r="${col(i)}1" t="s"><v>${i + 1}</v></c>`).join('')}</row>`];
  for (let r = 2; r <= rows + 1; r++) {
    let row = `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>厦门第${r}网络科技有限公司</t></is></c>`;
    row += `<c r="B${r}" t="inlineStr"><is><t>9135020${String(r).padStart(11, '0')}</t></is></c>`;
    for (let i = 0; i < wide; i++) row += `<c r="${col(i + 2)}${r}" t="s"><v>0</v></c>`;
    cells.push(row + '</row>');
  }
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  return zip({
    'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8"?><workbook ${ns} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    'xl/sharedStrings.xml': `<?xml version="1.0" encoding="UTF-8"?><sst ${ns}>${strings.map((x) => `<si><t>${x}</t></si>`).join('')}</sst>`,
    'xl/worksheets/sheet1.xml': `<?xml version="1.0" encoding="UTF-8"?><worksheet ${ns}><sheetData>${cells.join('')}</sheetData></worksheet>`,
  });
}

const login = (name) => loginAs(srv.base, name);
let srv, dir;
const users = {
  t_city: ['city', null], t_siming: ['district', '350203'], t_huli: ['district', '350206'], t_member: ['member', null],
};



function upload(c, name, bytes, fields = {}, type = 'application/octet-stream') {
  const fd = new FormData();
  fd.append('file', new Blob([bytes], { type }), name);
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  return c.req('POST', '/api/ledger/imports', { body: fd });
}

// a CSV as offices send it: a title row, headers in their own words, a bad credit code
const CSV = '\ufeff2018年厦门市互联网企业名单（测试局）\r\n' +
  '序号,单位名称,社会信用代码,所属区,职工人数,党员数,联系电话\r\n' +
  '1,厦门美图网络科技有限公司,91350200751625373U,思明区,300,12,0592-1234567\r\n' +
  '2,厦门测试信息技术有限公司,91350203MA2XXXXXX1,思明,25,3,13800138000\r\n' +
  '3,（厦门）某某网络科技有限公司,350203200012345,350206,abc,0,\r\n';

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ejia-imp-'));
  srv = await startServer({ demo: true, args: ['--max-upload', String(256 * 1024)] });
  for (const [u, [role, scope]] of Object.entries(users)) addUser(srv.db.url, u, role, scope);
});
after(async () => { await srv?.stop(); rmSync(dir, { recursive: true, force: true }); });

test('upload a CSV with a title row: columns mapped, every row kept, problems reported', async () => {
  const c = await login('t_city');
  const r = await upload(c, '测试局.csv', CSV);
  assert.equal(r.status, 201, JSON.stringify(r.data));
  const imp = r.data.import;
  assert.equal(imp.source, '测试局.csv');
  assert.equal(imp.format, 'csv');
  assert.equal(imp.rows, 3);
  assert.equal(imp.header_row, 2);
  const fields = Object.fromEntries(imp.columns.map((x) => [x.header, x.field]));
  assert.equal(fields['单位名称'], 'name');
  assert.equal(fields['社会信用代码'], 'code');
  assert.equal(fields['职工人数'], 'employees');
  assert.ok(imp.problems >= 2, 'bad check digit and a non-number at least');

  const d = await c.get(`/api/ledger/imports/${imp.id}?size=100`);
  assert.equal(d.status, 200);
  assert.equal(d.data.problems.total, imp.problems);
  const p = d.data.problems.items;
  assert.ok(p.some((x) => x.row === 3 && x.column === '职工人数' && x.value === 'abc'), JSON.stringify(p));
  assert.ok(p.every((x) => /[\u4e00-\u9fa5]/.test(x.message)), 'messages in Chinese');
  const e = await c.get(`/api/ledger/imports/${imp.id}?kind=error&size=100`);
  assert.ok(e.data.problems.items.every((x) => x.kind === 'error'));
  const q = await c.get(`/api/ledger/imports/${imp.id}?q=abc`);
  assert.ok(q.data.problems.total >= 1);
  assert.ok(q.data.problems.items.every((x) => JSON.stringify(x).includes('abc')));
  assert.equal((await c.get(`/api/ledger/imports/${imp.id}?kind=bogus`)).status, 400);

  const x = await c.get(`/api/ledger/imports/${imp.id}/problems.xlsx`);
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  assert.match(x.headers.get('content-disposition'), /attachment/);
});

test('the same file again is not imported twice (409 naming the first import)', async () => {
  const c = await login('t_city');
  const before = (await c.get('/api/ledger/imports')).data.total;
  const r = await upload(c, '另一个名字.csv', CSV);
  assert.equal(r.status, 409);
  assert.equal(r.data.error.code, 'conflict');
  assert.ok(r.data.error.detail.import_id > 0);
  assert.equal((await c.get('/api/ledger/imports')).data.total, before);
});

test('a GBK file with the columns in another order', async () => {
  const c = await login('t_city');
  const text = '企业名称,从业人数,统一社会信用代码,区域\r\n厦门甲乙网络科技有限公司,12,91350200751625373U,湖里区\r\n';
  const gbk = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: text });
  const r = await upload(c, 'gbk.csv', gbk);
  assert.equal(r.status, 201, JSON.stringify(r.data));
  assert.match(r.data.import.encoding, /GB/);
  assert.equal(r.data.import.rows, 1);
});

test('a broken xlsx is refused with its name and reason, and nothing is stored', async () => {
  const c = await login('t_city');
  const before = (await c.get('/api/ledger/imports')).data.total;
  // a zip's local header, then nothing: truncated
  const bytes = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(40, 1)]);
  const r = await upload(c, '坏文件.xlsx', bytes);
  assert.equal(r.status, 400, JSON.stringify(r.data));
  assert.match(r.data.error.message, /坏文件\.xlsx/);
  assert.equal((await c.get('/api/ledger/imports')).data.total, before);
  const empty = await upload(c, 'empty.csv', '');
  assert.equal(empty.status, 400);
});

test('limits and content types', async () => {
  const c = await login('t_city');
  const big = 'a,b\n'.repeat(100000);
  const r = await upload(c, 'big.csv', big);
  assert.equal(r.status, 413);
  const j = await c.post('/api/ledger/imports', { file: 'x' });
  assert.equal(j.status, 415);
  const fd = new FormData();
  fd.append('sheet', 'x');
  const nf = await c.req('POST', '/api/ledger/imports', { body: fd });
  assert.equal(nf.status, 400);
  assert.equal(nf.data.error.field, 'file');
});

test('a shared-string bomb (a few KiB of xlsx, 400 MB of cell text) is refused with 413, nothing stored', async () => {
  const c = await login('t_city');
  const before = (await c.get('/api/ledger/imports')).data.total;
  // 2,500 rows × 5 cells, every cell the same 32 KiB shared string
  const bomb = sharedStringXlsx(2500, 5, 32 * 1024);
  assert.ok(bomb.length < 100 * 1024, `the file itself is small (${bomb.length} bytes)`);
  const r = await upload(c, '共享字符串.xlsx', bomb);
  assert.equal(r.status, 413, JSON.stringify(r.data).slice(0, 300));
  assert.equal(r.data.error.code, 'too_large');
  const msg = r.data.error.message;
  assert.match(msg, /共享字符串\.xlsx/, 'names the file');
  assert.match(msg, /64 MiB/, 'names the limit (max-cell-text, 64 MiB by default)');
  assert.match(msg, /单元格/);
  assert.equal((await c.get('/api/ledger/imports')).data.total, before, 'nothing imported');
});

// A login on a connection of its own (no keep-alive): a kept-alive connection
// is served by the server thread that accepted it, which may be the one busy
// with the upload, and the login would then wait for the HTTP thread, not the database.
function freshLogin(base, username, password) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ username, password });
    const u = new URL('/api/auth/login', base);
    const q = http.request({
      host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), origin: base },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    q.setTimeout(120000, () => q.destroy(new Error('login got no reply in 120 s')));
    q.on('error', reject);
    q.end(body);
  });
}

// SQLite has one writer.  Here the busy timeout is cut to 200 ms, far shorter
// than the import's write, so a login that merely polled for the lock would
// fail (503 "database is locked", as issue 11 saw): it must wait its turn in
// the server's write queue instead.  Two HTTP threads, so that a login can run
// beside the upload whatever the machine's cores.  On PostgreSQL the two never block.
test('logins keep working while a large (under the cap) file is imported', async () => {
  const s2 = await startServer({ args: ['--busy-timeout', '200', '--threads', '2'] });
  try {
    addUser(s2.db.url, 'imp_city', 'city', null);
    addUser(s2.db.url, 'imp_user', 'city', null);
    const c = await loginAs(s2.base, 'imp_city');
    // 2,500 rows × 2 cells of 8,000 bytes: 40 MB of cell text, under the 64 MiB cap
    const big = sharedStringXlsx(2500, 2, 8000);
    let done = false;
    const imp = upload(c, '大文件.xlsx', big).finally(() => { done = true; });
    const logins = [];
    while (!done) {
      const r = await freshLogin(s2.base, 'imp_user', TEST_PW);
      logins.push(r.status === 200 ? 200 : `${r.status} ${r.text}`);
    }
    const r = await imp;
    assert.equal(r.status, 201, JSON.stringify(r.data).slice(0, 300));
    assert.equal(r.data.import.rows, 2500);
    const failed = logins.filter((x) => x !== 200);
    assert.deepEqual(failed, [], `${failed.length} of ${logins.length} logins failed during the import`);
    // and one after it: the queue was left empty
    assert.equal((await freshLogin(s2.base, 'imp_user', TEST_PW)).status, 200);
  } finally {
    await s2.stop();
  }
});

test('scope: a district sees its own imports, not another district’s; the city sees all', async () => {
  const s = await login('t_siming');
  const h = await login('t_huli');
  const city = await login('t_city');
  const r = await upload(s, '思明区摸排.csv', '企业名称,统一社会信用代码\n厦门思明测试科技有限公司,\n');
  assert.equal(r.status, 201, JSON.stringify(r.data));
  const id = r.data.import.id;
  assert.equal(r.data.import.scope_code, '350203');
  assert.equal((await s.get(`/api/ledger/imports/${id}`)).status, 200);
  assert.equal((await h.get(`/api/ledger/imports/${id}`)).status, 403);
  assert.ok(!(await h.get('/api/ledger/imports')).data.items.some((x) => x.id === id));
  assert.ok((await city.get('/api/ledger/imports')).data.items.some((x) => x.id === id));
  assert.ok(!(await s.get('/api/ledger/imports')).data.items.some((x) => x.scope_code !== '350203'));
});

test('a member may not import or read ledgers; nobody without a session', async () => {
  const m = await login('t_member');
  assert.equal((await upload(m, 'm.csv', CSV + ' ')).status, 403);
  assert.equal((await m.get('/api/ledger/imports')).status, 403);
  const anon = new Client(srv.base);
  assert.equal((await anon.get('/api/ledger/imports')).status, 401);
});

test('the CLI imports atomically and skips a file it has seen', () => {
  const f = path.join(dir, '台账.csv');
  writeFileSync(f, '企业名称,统一社会信用代码,从业人数\n厦门乙丙网络科技有限公司,91350200751625373U,30\n');
  let r = ejia(['ledger', 'import', '--db', srv.db.url, f]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /已导入/);
  r = ejia(['ledger', 'import', '--db', srv.db.url, f]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /已经导入过/);
  const bad = path.join(dir, 'bad.xlsx');
  writeFileSync(bad, 'PK\x03\x04garbage');
  r = ejia(['ledger', 'import', '--db', srv.db.url, bad]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad\.xlsx/);
  const rep = path.join(dir, 'rep.xlsx');
  const f2 = path.join(dir, '台账2.csv');
  writeFileSync(f2, '企业名称,统一社会信用代码,从业人数\n厦门丙丁网络科技有限公司,91350200751625373X,十\n');
  r = ejia(['ledger', 'import', '--db', srv.db.url, '--report', rep, f2]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(rep).subarray(0, 2).toString(), 'PK');
});
