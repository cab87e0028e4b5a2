// The four rounds over HTTP with a hand-made city: department ledgers and a
// district survey that overlap, a zombie, a branch office beside its head
// office; then review decisions re-applied, field verification, round 4,
// publishing, diffs with reasons, and each role's reach.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, Client, ejia, backend } from './lib.mjs';

const PW = 'Ejia-test-2026';
const ALPHA = '0123456789ABCDEFGHJKLMNPQRTUWXY';
// GB 11714 organization code check (letters count A=10 … Z=35) and GB 32100 check character
function orgCheck(b8) {
  const w = [3, 7, 9, 10, 5, 8, 4, 2];
  const v = (c) => (/\d/.test(c) ? Number(c) : c.charCodeAt(0) - 55);
  const c = 11 - ([...b8].reduce((s, ch, i) => s + v(ch) * w[i], 0) % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}
function uscc(region, b8) {
  const body = '91' + region + b8 + orgCheck(b8);
  let s = 0, p = 1;
  for (const ch of body) { s += ALPHA.indexOf(ch) * p; p = (p * 3) % 31; }
  return body + ALPHA[(31 - (s % 31)) % 31];
}
const C = [uscc('350203', 'MA2XK7B1'), uscc('350206', 'MA31FB27'), uscc('350211', '75162543'),
  uscc('350205', 'MA8UPL04'), uscc('350203', 'MA2XK7C2'), uscc('350203', 'MA9QRT55')];

const FILES = {
  '01-经信局.csv': '厦门市互联网企业名单（经信局）\n序号,企业名称,统一社会信用代码,所属区,从业人数,党员数,状态,联系电话\n' +
    `1,厦门美图网络科技有限公司,${C[0]},思明区,300,12,存续,0592-5550100\n` +
    `2,厦门飞鱼信息技术有限公司,${C[1]},湖里区,50,3,存续,13800000002\n` +
    `3,厦门旧时光传媒有限公司（已注销）,${C[2]},集美区,0,0,注销,\n` +
    '4,厦门云海数据有限公司,,思明区,12,1,存续,0592-5550001\n',
  '02-网信办.csv': '单位名称,信用代码,辖区,员工人数\n' +
    `美图（厦门）网络科技有限公司,${C[0]},思明,290\n` +
    `厦门飞鱼信息科技有限公司,${C[1]},湖里区,48\n` +
    `厦门蓝天电子商务有限公司,${C[3]},海沧区,20\n`,
  '06-思明区摸排.csv': '企业名称,统一社会信用代码,区域,从业人员数,联系人,电话,办公地址\n' +
    '厦门云海数据有限公司,,思明区,11,王伟,0592-5550001,厦门市思明区软件园二期观日路12号301室\n' +
    `厦门美图网络科技有限公司思明分公司,${C[4]},思明区,40,李娜,,\n` +
    `厦门新星软件有限公司,${C[5]},思明区,8,张敏,13900000003,\n`,
};

let srv, city, siming, member, park;
const imp = {};

async function login(name) {
  const c = new Client(srv.base);
  const r = await c.post('/api/auth/login', { username: name, password: PW });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  return c;
}

before(async () => {
  srv = await startServer({ demo: true });
  for (const [u, role, scope] of [['t_city', 'city'], ['t_siming', 'district', '350203'], ['t_m', 'member'], ['t_park', 'park', 'P0002']]) {
    const args = ['user', 'add', '--db', srv.db.url, '--username', u, '--role', role, '--password-stdin'];
    if (scope) args.push('--scope', scope);
    const r = ejia(args, { input: PW + '\n' });
    assert.equal(r.status, 0, r.stderr);
  }
  city = await login('t_city');
  siming = await login('t_siming');
  member = await login('t_m');
  park = await login('t_park');
  for (const [name, text] of Object.entries(FILES)) {
    const fd = new FormData();
    fd.append('file', new Blob([text]), name);
    const r = await city.req('POST', '/api/ledger/imports', { body: fd });
    assert.equal(r.status, 201, JSON.stringify(r.data));
    imp[name] = r.data.import.id;
  }
});
after(async () => { await srv?.stop(); });

const entities = async (c, id, q = '') => (await c.get(`/api/ledger/rounds/${id}?size=100${q}`)).data.entities.items;
let r1, r2, r3;

test('round 1 merges the departments, round 2 the survey', async () => {
  let r = await city.post('/api/ledger/rounds', { number: 1, imports: [imp['01-经信局.csv'], imp['02-网信办.csv']] });
  assert.equal(r.status, 201, JSON.stringify(r.data));
  r1 = r.data.round.id;
  assert.equal(r.data.round.records, 7);
  assert.equal(r.data.round.entities, 5, 'same code, same enterprise; 美图 and 飞鱼 merged across the two files');
  r = await city.post('/api/ledger/rounds', { number: 2, imports: [imp['06-思明区摸排.csv']] });
  assert.equal(r.status, 201);
  r2 = r.data.round.id;
  assert.equal(r.data.round.entities, 3);
  const ents = await entities(city, r1);
  const meitu = ents.find((x) => x.uscc === C[0]);
  assert.ok(meitu, 'golden record keeps the valid credit code');
  assert.equal(meitu.district_code, '350203');
});

test('round 3: duplicates merged, the zombie removed with its reason, the branch kept apart', async () => {
  const r = await city.post('/api/ledger/rounds', { number: 3, base_rounds: [r1, r2] });
  assert.equal(r.status, 201, JSON.stringify(r.data));
  r3 = r.data.round.id;
  assert.equal(r.data.round.records, 10);
  assert.equal(r.data.round.removed, 1);
  assert.equal(r.data.round.entities, 6);
  const removed = await entities(city, r3, '&removed=1');
  assert.equal(removed.length, 1);
  assert.match(removed[0].name, /旧时光/);
  assert.match(removed[0].removed_reason, /僵尸企业.*注销/);
  const kept = await entities(city, r3, '&removed=0');
  assert.ok(kept.some((x) => /分公司/.test(x.name)) && kept.some((x) => x.uscc === C[0]), 'branch and head office both kept');
  const yunhai = kept.filter((x) => /云海/.test(x.name));
  assert.equal(yunhai.length, 1, 'same name and phone, no code: one enterprise');

  const d = await city.get(`/api/ledger/rounds/${r1}/diff?to=${r3}`);
  assert.equal(d.status, 200);
  assert.equal(d.data.counts.added, 2);
  assert.ok(d.data.added.some((x) => /新星/.test(x.name)));
  assert.ok(d.data.removed.some((x) => /旧时光/.test(x.name) && /僵尸/.test(x.reason)));
  const ch = d.data.changed.find((x) => /云海/.test(x.name));
  assert.ok(ch && ch.changes.some((c) => c.field === 'employees'), 'counts of the merged enterprise changed');
});

test('lineage, explanation and a decision that is re-applied on the next run', async () => {
  const kept = await entities(city, r3, '&removed=0&q=云海');
  const e = await city.get(`/api/ledger/rounds/${r3}/entities/${kept[0].entity_no}`);
  assert.equal(e.status, 200);
  assert.equal(e.data.lineage.length, 2);
  assert.deepEqual(e.data.lineage.map((x) => x.source).sort(), ['01-经信局.csv', '06-思明区摸排.csv']);
  const [a, b] = e.data.lineage.map((x) => x.record_id);
  const x = await city.get(`/api/ledger/rounds/${r3}/explain?a=${a}&b=${b}`);
  assert.equal(x.status, 200);
  assert.ok(x.data.text.length > 20);
  let d = await city.post('/api/ledger/decisions', { a, b, verdict: 'different' });
  assert.equal(d.status, 200, JSON.stringify(d.data));
  assert.equal((await city.post('/api/ledger/decisions', { a, b, verdict: 'maybe' })).status, 400);
  const missing = await city.post('/api/ledger/decisions', { a, b: 999999, verdict: 'same' });
  assert.equal(missing.status, 400, 'an id in the body that does not exist is bad input, named at its field');
  assert.equal(missing.data.error.field, 'b');
  assert.match(missing.data.error.message, /999999/);
  const again = await city.post('/api/ledger/rounds', { number: 3, base_rounds: [r1, r2] });
  assert.equal(again.status, 201);
  assert.equal(again.data.round.entities, 7, 'the reviewer said they differ: kept apart');
  d = await city.post('/api/ledger/decisions', { a, b, verdict: 'same' });
  const third = await city.post('/api/ledger/rounds', { number: 3, base_rounds: [r1, r2] });
  assert.equal(third.data.round.entities, 6);
  const rev = await city.get(`/api/ledger/rounds/${r3}/review?state=all`);
  assert.equal(rev.status, 200);
  assert.ok(Array.isArray(rev.data.items));
});

test('round 4 before any field check: the counts come first, and it is refused until confirmed', async () => {
  const p = await city.get(`/api/ledger/rounds/${r3}/verify/preview`);
  assert.equal(p.status, 200, JSON.stringify(p.data));
  assert.deepEqual([p.data.total, p.data.kept, p.data.removed, p.data.unchecked, p.data.over], [6, 0, 6, 6, true]);
  assert.equal(p.data.max_unchecked_pct, 50);
  assert.deepEqual(p.data.reasons, [{ reason: '未实地核查', count: 6 }]);
  const before = Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'ledger.round4'")[0][0]);
  const r = await city.post(`/api/ledger/rounds/${r3}/verify`, undefined);
  assert.equal(r.status, 409, JSON.stringify(r.data));
  assert.equal(r.data.error.code, 'unchecked');
  assert.match(r.data.error.message, /将保留 0 家、剔除 6 家，其中未实地核查 6 家（占 100%，超过设置的 50%）/);
  assert.equal(Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'ledger.round4'")[0][0]), before, 'a refusal writes nothing');
  assert.equal((await siming.get(`/api/ledger/rounds/${r3}/verify/preview`)).status, 403, 'round 4 is the city’s');
  assert.equal((await city.get(`/api/ledger/rounds/${r1}/verify/preview`)).status, 400, 'round 4 comes from a round 3');
  assert.equal((await city.post(`/api/ledger/rounds/${r3}/verify?force=2`)).status, 400);
});

let r4;
test('field verification, round 4, publishing', async () => {
  const t = await city.get(`/api/ledger/rounds/${r3}/verification.xlsx`);
  assert.equal(t.status, 200);
  assert.match(t.headers.get('content-type'), /spreadsheetml/);
  const kept = await entities(city, r3, '&removed=0');
  const byName = (re) => kept.find((x) => re.test(x.name));
  const ok = [byName(/^美图|厦门美图网络科技有限公司$/), byName(/飞鱼/), byName(/云海/), byName(/新星/)];
  for (const x of ok) {
    const r = await city.put(`/api/ledger/rounds/${r3}/verification/${x.entity_no}`, { employees: 20, premises: true, operating: true, verifier: '张三' });
    assert.equal(r.status, 200, JSON.stringify(r.data));
  }
  const lantian = byName(/蓝天/);
  let r = await city.put(`/api/ledger/rounds/${r3}/verification/${lantian.entity_no}`, { employees: 0, premises: false, operating: false });
  assert.equal(r.status, 200);
  r = await city.put(`/api/ledger/rounds/${r3}/verification/${lantian.entity_no}`, { premises: 'no', operating: false });
  assert.equal(r.status, 400);
  // the untouched template goes back in without error and changes nothing
  const raw = await fetch(srv.base + `/api/ledger/rounds/${r3}/verification.xlsx`, { headers: { cookie: city.cookieHeader() } });
  const fd2 = new FormData();
  fd2.append('file', new Blob([await raw.arrayBuffer()]), '核查表.xlsx');
  r = await city.req('POST', `/api/ledger/rounds/${r3}/verification`, { body: fd2 });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  assert.equal(r.data.taken, 0);

  const p = await city.get(`/api/ledger/rounds/${r3}/verify/preview`);
  assert.deepEqual([p.data.total, p.data.kept, p.data.removed, p.data.unchecked, p.data.checked, p.data.over], [6, 4, 2, 1, 5, false]);
  r = await city.post(`/api/ledger/rounds/${r3}/verify`, undefined);
  assert.equal(r.status, 201, JSON.stringify(r.data));
  r4 = r.data.round.id;
  const k4 = await entities(city, r4, '&removed=0');
  assert.ok(k4.every((x) => x.verified === 1), 'round 4 shows the results recorded in round 3');
  assert.equal((await entities(city, r4, '&verified=1')).length, 5, 'the verified filter reads round 3’s results too');
  const one = await city.get(`/api/ledger/rounds/${r4}/entities/${k4[0].entity_no}`);
  assert.equal(one.data.verification.premises, 1, JSON.stringify(one.data.verification));
  const x4 = await entities(city, r4, '&removed=1');
  assert.equal(k4.length, 4);
  assert.ok(x4.some((x) => /蓝天/.test(x.name) && /无固定办公场所/.test(x.removed_reason)));
  assert.ok(x4.some((x) => /分公司/.test(x.name) && /未实地核查/.test(x.removed_reason)));
  assert.ok(k4.every((x) => x.employees === 20), 'verified head counts replace the ledgers’');
  const d = await city.get(`/api/ledger/rounds/${r3}/diff?to=${r4}`);
  assert.equal(d.data.counts.removed, 2, JSON.stringify(d.data.removed));
  assert.equal((await city.post(`/api/ledger/rounds/${r3}/publish`)).status, 400, 'only round 4 is published');
  assert.equal((await city.get(`/api/ledger/rounds/${r3}/publish/preview`)).status, 400);
  const pp = await city.get(`/api/ledger/rounds/${r4}/publish/preview`);
  assert.equal(pp.status, 200, JSON.stringify(pp.data));
  assert.deepEqual([pp.data.kept, pp.data.removed, pp.data.unchecked, pp.data.added + pp.data.updated, pp.data.leaving, pp.data.over],
    [4, 2, 1, 4, 0, false]);
  r = await city.post(`/api/ledger/rounds/${r4}/publish`);
  assert.equal(r.status, 200, JSON.stringify(r.data));
  assert.equal(r.data.published, 4);
  const x = await city.get(`/api/ledger/rounds/${r4}/export.xlsx`);
  assert.equal(x.status, 200);
});

test('most enterprises unchecked: round 4 and publishing only after an explicit confirmation', async () => {
  let r = await city.post('/api/ledger/rounds', { number: 3, base_rounds: [r1, r2] });
  assert.equal(r.status, 201);
  const bare = r.data.round.id;
  r = await city.post(`/api/ledger/rounds/${bare}/verify?force=1`);
  assert.equal(r.status, 201, JSON.stringify(r.data));
  const r4b = r.data.round.id;
  const audit = sql(`SELECT detail FROM audit WHERE action = 'ledger.round4' AND object = 'ledger_round:${r4b}'`)[0][0];
  assert.match(audit, /未核查 6 家.*经确认继续/);
  const pp = await city.get(`/api/ledger/rounds/${r4b}/publish/preview`);
  assert.deepEqual([pp.data.kept, pp.data.unchecked, pp.data.leaving, pp.data.over], [0, 6, 4, true], JSON.stringify(pp.data));
  r = await city.post(`/api/ledger/rounds/${r4b}/publish`);
  assert.equal(r.status, 409);
  assert.equal(r.data.error.code, 'unchecked');
  assert.match(r.data.error.message, /发布的第四轮将保留 0 家、剔除 6 家，其中未实地核查 6 家/);
  assert.equal(Number(sql(`SELECT COUNT(*) FROM enterprise WHERE ledger_round = ${r4} AND zombie = 0`)[0][0]), 4, 'the register is untouched');
});

test('a district or park worker sees and verifies only their area; a member sees nothing', async () => {
  const mine = await entities(siming, r3);
  assert.ok(mine.length > 0 && mine.every((x) => x.district_code === '350203'), JSON.stringify(mine));
  const all = await entities(city, r3, '&removed=0');
  const huli = all.find((x) => x.district_code === '350206');
  assert.equal((await siming.get(`/api/ledger/rounds/${r3}/entities/${huli.entity_no}`)).status, 403);
  assert.equal((await siming.put(`/api/ledger/rounds/${r3}/verification/${huli.entity_no}`, { premises: true, operating: true })).status, 403);
  const own = mine.find((x) => x.removed_reason === null);
  assert.equal((await siming.put(`/api/ledger/rounds/${r3}/verification/${own.entity_no}`, { premises: true, operating: true })).status, 200);
  assert.equal((await siming.get(`/api/ledger/rounds/${r3}/export.xlsx`)).status, 200, 'their own part');
  // a park worker: the enterprises whose address is in their park
  const inPark = await entities(park, r3);
  assert.equal(inPark.length, 1, JSON.stringify(inPark));
  assert.match(inPark[0].name, /云海/);
  assert.equal(inPark[0].park_code, 'P0002');
  assert.equal((await member.get('/api/ledger/rounds')).status, 403);
  assert.equal((await member.post('/api/ledger/rounds', { number: 1, imports: [1] })).status, 403);
});

test('bad requests say what is wrong', async () => {
  let r = await city.post('/api/ledger/rounds', { number: 4, imports: [1] });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'number');
  r = await city.post('/api/ledger/rounds', { number: 1, imports: [99999] });
  assert.equal(r.status, 400);
  assert.match(r.data.error.message, /99999/);
  r = await city.post('/api/ledger/rounds', { number: 1, imports: [], extra: 1 });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'extra');
  const none = await city.get('/api/ledger/rounds/424242');
  assert.equal(none.status, 404);
  assert.match(none.data.error.message, /没有编号为 424242 的轮次/, 'the city is told which round is missing');
  assert.equal((await city.get(`/api/ledger/rounds/${r1}/diff`)).status, 400);
});

function sql(q) {
  const r = backend === 'sqlite'
    ? spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', srv.db.url, q], { encoding: 'utf8' })
    : spawnSync('psql', [srv.db.url, '-qAtc', q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}

test('every write and download over HTTP leaves one audit row naming the user', () => {
  const rows = sql("SELECT action, username, COUNT(*) FROM audit WHERE action LIKE 'ledger.%' AND username = 't_city' GROUP BY action, username ORDER BY action");
  const seen = Object.fromEntries(rows.map(([a, , n]) => [a, Number(n)]));
  for (const a of ['ledger.import', 'ledger.round_create', 'ledger.decide', 'ledger.verify_set', 'ledger.verify_import',
    'ledger.round4', 'ledger.publish', 'ledger.export', 'ledger.verify_template']) assert.ok(seen[a] >= 1, `${a}: ${JSON.stringify(seen)}`);
  assert.equal(seen['ledger.publish'], 1);
  assert.equal(seen['ledger.round4'], 2, 'the one made after verification and the one confirmed with most unchecked');
  assert.ok(sql("SELECT COUNT(*) FROM audit WHERE action = 'ledger.export' AND username = 't_siming'")[0][0] >= 1, 'the district exported its part');
});

test('the command line writes the same audited rows, as cli:<login>', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ejia-round-cli-'));
  try {
    const count = (action) => Number(sql(`SELECT COUNT(*) FROM audit WHERE action = '${action}' AND username LIKE 'cli:%'`)[0][0]);
    const f = path.join(dir, '08-统计局.csv');
    writeFileSync(f, '企业名称,统一社会信用代码,所属区,从业人数\n厦门统计测试网络科技有限公司,,思明区,9\n');
    let r = ejia(['ledger', 'import', '--db', srv.db.url, f]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(count('ledger.import'), 1);
    const id = Number(sql("SELECT id FROM ledger_import WHERE source = '08-统计局.csv'")[0][0]);
    assert.match(sql(`SELECT importer FROM ledger_import WHERE id = ${id}`)[0][0], /^cli:/);
    r = ejia(['ledger', 'round', 'create', '--db', srv.db.url, '--number', '1', '--imports', String(id)]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(count('ledger.round_create'), 1);
    const rid = Number(sql("SELECT MAX(id) FROM ledger_round")[0][0]);
    assert.match(sql(`SELECT created_by FROM ledger_round WHERE id = ${rid}`)[0][0], /^cli:/);
    const recs = sql(`SELECT id FROM ledger_record WHERE import_id IN (${imp['01-经信局.csv']}, ${id}) ORDER BY id LIMIT 2`).map((x) => x[0]);
    r = ejia(['ledger', 'review', '--db', srv.db.url, '--decide', `${recs[0]},${recs[1]},different`]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(count('ledger.decide'), 1);
    r = ejia(['ledger', 'review', '--db', srv.db.url, '--round', String(r3)]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /共 \d+ 对待审/);
    const out = path.join(dir, 'r.xlsx');
    r = ejia(['ledger', 'export', '--db', srv.db.url, '--round', String(rid), '--format', 'xlsx', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(out).subarray(0, 2).toString(), 'PK');
    assert.equal(count('ledger.export'), 1);
    r = ejia(['ledger', 'verify-template', '--db', srv.db.url, '--round', String(r3), '--district', '350203', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(count('ledger.verify_template'), 1);
    r = ejia(['ledger', 'verify-import', '--db', srv.db.url, '--round', String(r3), out]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(count('ledger.verify_import'), 1);
    r = ejia(['ledger', 'round', 'publish', '--db', srv.db.url, '--round', String(r3)]);
    assert.notEqual(r.status, 0, 'only round 4 is published');
    assert.equal(count('ledger.publish'), 0, 'a refused write leaves no row');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
