// pii — personal data that arrives in ledgers and instructor records is
// encrypted at rest and shown masked everywhere; the full value only to a
// permitted role inside its scope, after the password, audited (issue 11,
// item 3).  Columns are recognised by header and by content.  Rows written
// by an older version are sealed when the server starts.  SQLite and PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, backend, addUser, loginAs, TEST_PW } from './lib.mjs';
import { sheetRows } from './xlsx.mjs';

const ID1 = '350203198506150011', ID2 = '350205199001011232', ID3 = '11010519491231002X';
const PHONES = ['13900001001', '13900001002', '0592-5551003'];
const NAMES = ['王伟', '李娜'];
// 身份证 by its header; 证照号 (a header that says nothing) by its content; a
// mobile typed into 备注.
const CSV = '企业名称,所属区,从业人数,联系人,联系电话,法人身份证号,证照号,备注\n' +
  `厦门甲乙网络科技有限公司,思明区,30,${NAMES[0]},${PHONES[0]},${ID1},${ID2},法人手机 ${PHONES[1]}\n` +
  `厦门丙丁信息技术有限公司,海沧区,40,${NAMES[1]},${PHONES[2]},,${ID3},无\n`;
const SECRETS = [ID1, ID2, ID3, ...PHONES, '5551003', ...NAMES];

let srv, city, siming, haicang, member, recs = [];

function sql(q) {
  const r = backend === 'sqlite'
    ? spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', srv.db.url, q], { encoding: 'utf8' })
    : spawnSync('psql', [srv.db.url, '-qAtc', q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}
// Everything a table holds, as text: what a stolen database file would show.
const dump = (table) => JSON.stringify(sql(`SELECT * FROM ${table}`));
const leaks = (text) => SECRETS.filter((x) => text.includes(x));

before(async () => {
  srv = await startServer({ demo: true });
  addUser(srv.db.url, 'p_city', 'city');
  addUser(srv.db.url, 'p_siming', 'district', '350203');
  addUser(srv.db.url, 'p_haicang', 'district', '350205');
  addUser(srv.db.url, 'p_member', 'member');
  [city, siming, haicang, member] = await Promise.all(['p_city', 'p_siming', 'p_haicang', 'p_member'].map((u) => loginAs(srv.base, u)));
  const fd = new FormData();
  fd.append('file', new Blob([CSV]), '08-联系人台账.csv');
  const r = await city.req('POST', '/api/ledger/imports', { body: fd });
  assert.equal(r.status, 201, r.text);
  const round = await city.post('/api/ledger/rounds', { number: 1, imports: [r.data.import.id] });
  assert.equal(round.status, 201, round.text);
  recs = sql(`SELECT id FROM ledger_record WHERE import_id = ${r.data.import.id} ORDER BY row`).map((x) => Number(x[0]));
  srv.round = round.data.round.id;
});
after(async () => { await srv?.stop(); });

test('nothing personal of an imported ledger is stored in clear', () => {
  for (const t of ['ledger_record', 'ledger_problem', 'ledger_import']) assert.deepEqual(leaks(dump(t)), [], t);
  // the enterprises' own data is kept as it was
  assert.match(dump('ledger_record'), /厦门甲乙网络科技有限公司/);
  const cols = JSON.parse(sql('SELECT columns FROM ledger_import ORDER BY id DESC LIMIT 1')[0].join('|'));
  assert.deepEqual(cols.map((c) => c.pii ?? null), [null, null, null, 'name', 'phone', 'idcard', 'idcard', null]);
});

test('lineage, the review queue and the explanation show masked values', async () => {
  const ents = (await city.get(`/api/ledger/rounds/${srv.round}?size=10`)).data.entities.items;
  const ent = ents.find((x) => /甲乙/.test(x.name));
  const d = await city.get(`/api/ledger/rounds/${srv.round}/entities/${ent.entity_no}`);
  assert.equal(d.status, 200, d.text);
  assert.deepEqual(leaks(d.text), []);
  assert.equal(d.data.lineage[0].contact, '王*');
  assert.equal(d.data.lineage[0].phone, '139****1001');
  sql(`INSERT INTO ledger_round_review(round_id, a_record, b_record, prob, weight) VALUES (${srv.round}, ${recs[0]}, ${recs[1]}, 0.5, 1)`);
  const rv = await city.get(`/api/ledger/rounds/${srv.round}/review?state=all`);
  assert.equal(rv.status, 200);
  assert.equal(rv.data.items.length, 1);
  assert.deepEqual(leaks(rv.text), []);
  const x = await city.get(`/api/ledger/rounds/${srv.round}/explain?a=${recs[0]}&b=${recs[1]}`);
  assert.equal(x.status, 200, x.text);
  assert.deepEqual(leaks(x.text), []);
  assert.match(x.data.text, /139\*\*\*\*1001/);
});

test('the full values: contact.reveal inside the scope, the password again, audited', async () => {
  const url = `/api/ledger/records/${recs[0]}/reveal`;
  assert.equal((await member.post(url, { password: TEST_PW })).status, 403, 'no permission');
  assert.equal((await haicang.post(url, { password: TEST_PW })).status, 403, 'another district');
  const bad = await siming.post(url, { password: 'wrong-password' });
  assert.equal(bad.status, 403);
  assert.equal(bad.data.error.field, 'password');
  assert.equal((await siming.post(url, {})).status, 400);
  const before = Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'ledger.reveal'")[0][0]);
  const r = await siming.post(url, { password: TEST_PW });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.record.contact, NAMES[0]);
  assert.equal(r.data.record.phone, PHONES[0]);
  const byHeader = Object.fromEntries(r.data.record.cells.map((c) => [c.header, c.value]));
  assert.equal(byHeader['法人身份证号'], ID1);
  assert.equal(byHeader['证照号'], ID2);
  assert.equal(byHeader['备注'], `法人手机 ${PHONES[1]}`);
  assert.equal(byHeader['企业名称'], undefined, 'only the personal cells');
  assert.deepEqual(sql(`SELECT COUNT(*), MIN(object) FROM audit WHERE action = 'ledger.reveal'`), [[String(before + 1), `ledger_record:${recs[0]}`]]);
  const h = await haicang.post(`/api/ledger/records/${recs[1]}/reveal`, { password: TEST_PW });
  assert.equal(h.status, 200, 'their own district\'s record: ' + h.text);
  assert.equal(h.data.record.phone, PHONES[2]);
});

test('an instructor\'s phone: sealed, masked in lists and exports, revealed with the password', async () => {
  const ent = sql("SELECT id FROM enterprise WHERE district_code = '350203' AND id NOT IN (SELECT enterprise_id FROM org_instructor WHERE to_day IS NULL) ORDER BY id LIMIT 1")[0][0];
  let r = await city.post(`/api/enterprises/${ent}/instructors`, { name: '陈指导', phone: '13900001009', day: '2019-03-10' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.instructor.phone, '139****1009');
  const id = r.data.instructor.id;
  assert.ok(!dump('org_instructor').includes('13900001009'), 'sealed at rest');
  r = await city.post(`/api/enterprises/${ent}/instructors`, { name: '陈指导', phone: '12345', day: '2019-03-10' });
  assert.equal(r.status, 400);
  const list = await city.get('/api/instructors?status=all&size=200&date=2019-03-10');
  assert.ok(list.data.items.some((x) => x.id === id && x.phone === '139****1009'));
  assert.ok(!list.text.includes('13900001009'));
  const x = await fetch(srv.base + '/api/instructors?status=all&format=xlsx&date=2019-03-10', { headers: { cookie: city.cookieHeader() } });
  assert.equal(x.status, 200);
  const book = JSON.stringify(sheetRows(Buffer.from(await x.arrayBuffer())));
  assert.ok(book.includes('139****1009') && !book.includes('13900001009'), 'the export is masked');
  assert.equal((await haicang.post(`/api/instructors/${id}/reveal`, { password: TEST_PW })).status, 403);
  r = await siming.post(`/api/instructors/${id}/reveal`, { password: TEST_PW });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.phone, '13900001009');
  assert.equal(sql(`SELECT COUNT(*) FROM audit WHERE action = 'instructor.reveal' AND object = 'instructor:${id}'`)[0][0], '1');
});

test('rows an older version stored in clear are sealed when the server starts', async () => {
  const imp = sql(`SELECT import_id FROM ledger_record WHERE id = ${recs[0]}`)[0][0];
  const legacy = sql(`INSERT INTO ledger_record(import_id, row, sheet_row, name, contact, phone, cells) VALUES (${imp}, 9999, 10000, '旧记录公司', '${NAMES[1]}', '${PHONES[1]}', '["旧记录公司","思明区","5","${NAMES[1]}","${PHONES[1]}","","${ID1}",""]') RETURNING id`)[0][0];
  const ent = sql('SELECT MIN(id) FROM enterprise')[0][0];
  sql(`INSERT INTO org_instructor(enterprise_id, name, phone, from_day, to_day) VALUES (${ent}, '旧指导员', '13900001008', '2017-01-01', '2017-02-01')`);
  await srv.stop({ keepDb: true });
  srv = Object.assign(await startServer({ db: srv.db }), { round: srv.round });
  assert.deepEqual(leaks(dump('ledger_record')), []);
  assert.ok(!dump('org_instructor').includes('13900001008'));
  assert.deepEqual(sql(`SELECT contact_masked, phone_masked, pii FROM ledger_record WHERE id = ${legacy}`), [['李*', '139****1002', '1']]);
  const c = await loginAs(srv.base, 'p_city');
  const r = await c.post(`/api/ledger/records/${legacy}/reveal`, { password: TEST_PW });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.record.phone, PHONES[1]);
  assert.ok(r.data.record.cells.some((x) => x.value === ID1), 'an ID in a cell of an old row found by its content');
});
