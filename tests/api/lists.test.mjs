// Every list sorts and exports the same way (src/http/listq.c), so this file is
// generated from the OpenAPI document like the access tests: for each route
// that declares x-sort, every key in both directions must come back ordered
// (NULLs last) and an unknown key must be refused naming the field; for each
// route with x-export, ?format=xlsx must be a real workbook whose header row
// carries the declared Chinese titles and whose rows are the list's rows —
// within the caller's scope — and the export must be in the audit log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sheetRows, unesc } from './xlsx.mjs';
import { startServer, addUser, loginAs } from './lib.mjs';

const login = (name) => loginAs(srv.base, name);

let srv, city, siming, auditor, api;


// The few path and query values lists need (demo data: rounds 1–3).
const FILL = {
  '/api/ledger/rounds/{id}': { path: { id: 3 }, q: '', items: (d) => d.entities.items, total: (d) => d.entities.total },
  '/api/ledger/rounds/{id}/diff': { path: { id: 3 }, q: 'to=2&list=changed' },
  '/api/ledger/imports/{id}': { path: { id: 1 }, q: '', items: (d) => d.problems.items, total: (d) => d.problems.total },
  '/api/audit': { as: () => auditor },
  '/api/notices/{id}/recipients': { path: { id: 1 }, q: '' },   // the demo city's first notice: to every member
};
function urlOf(p) {
  const f = FILL[p] || {};
  let u = p;
  for (const [k, v] of Object.entries(f.path || {})) u = u.replace(`{${k}}`, v);
  assert.ok(!u.includes('{'), `lists.test.mjs needs a value for ${u}`);
  return { u, q: f.q || '', items: f.items || ((d) => d.items), total: f.total || ((d) => d.total), c: f.as ? f.as() : city };
}
const join = (u, q, more) => u + '?' + [q, more].filter(Boolean).join('&');


async function getBuf(c, u) {
  const res = await fetch(srv.base + u, { headers: { cookie: c.cookieHeader() } });
  return { status: res.status, type: res.headers.get('content-type') || '', buf: Buffer.from(await res.arrayBuffer()) };
}

before(async () => {
  srv = await startServer({ demo: true, args: ['--bulletin-schedule', 'false'] });
  addUser(srv.db.url, 'l_city', 'city', null);
  addUser(srv.db.url, 'l_siming', 'district', '350203');
  addUser(srv.db.url, 'l_member', 'member', null);
  city = await login('l_city');
  siming = await login('l_siming');
  addUser(srv.db.url, 'l_auditor', 'auditor', null);
  auditor = await login('l_auditor');
  // A dues sheet of this month (a branch's secretary makes it), for the export of one sheet.
  const br = await city.get(`/api/orgs?kind=${encodeURIComponent('党支部')}&size=1&status=active`);
  const org = br.data.items[0].id;
  addUser(srv.db.url, 'l_sec', 'secretary', String(org));
  const made = await (await login('l_sec')).post(`/api/dues/orgs/${org}/sheets`, {});
  assert.equal(made.status, 201, made.text);
  FILL['/api/dues/orgs/{id}/sheets/{month}'] = { path: { id: org, month: made.data.month }, q: '', total: (d) => d.items.length };
  // an exam's results: the demo's open exam (issue 16)
  const ex = await city.get('/api/exams');
  assert.equal(ex.status, 200, ex.text);
  FILL['/api/exams/{id}/results'] = { path: { id: ex.data.items[0].id }, q: '' };
  // the responsibility assessment's results (issue 23): the demo's draft of this year, every district and park
  const as = await city.get('/api/assessments');
  assert.equal(as.status, 200, as.text);
  FILL['/api/assessments/{id}/rows'] = { path: { id: as.data.items[0].id }, q: '' };
  // the star ratings' results (issue 18): the demo's ratings, each with its organizations' rows
  const sr = await city.get('/api/stars');
  assert.equal(sr.status, 200, sr.text);
  FILL['/api/stars/{id}/rows'] = { path: { id: sr.data.items[0].id }, q: '' };
  // a benefit's applications (issue 18): the demo's benefit that organizations applied for
  const bs = await city.get('/api/benefits');
  assert.equal(bs.status, 200, bs.text);
  let withApps = null;
  for (const b of bs.data.items) {
    const a = await city.get(`/api/benefits/${b.id}/applications`);
    if (a.status === 200 && a.data.total > 1) { withApps = b.id; break; }
  }
  assert.ok(withApps, 'the demo has a benefit with applications');
  FILL['/api/benefits/{id}/applications'] = { path: { id: withApps }, q: '' };
  const r = await city.get('/api/openapi.json');
  api = r.data;
});
after(async () => { await srv?.stop(); });

function routes(ext) {
  const out = [];
  for (const [p, ops] of Object.entries(api.paths)) if (ops.get && ops.get[ext]) out.push({ path: p, op: ops.get });
  return out;
}

// JavaScript's order for the values the server sorts: NULLs last, numbers by
// value, strings by code point (SQLite BINARY and PostgreSQL C.UTF-8 agree),
// or by pinyin for the keys in x-sort-pinyin (ICU's zh collation, as Node's Intl).
const pinyin = new Intl.Collator('zh').compare;
function ordered(vals, desc, zh = false) {
  for (let i = 1; i < vals.length; i++) {
    const a = vals[i - 1], b = vals[i];
    if (b === null || b === undefined) continue;
    if (a === null || a === undefined) return `NULL before a value at ${i}`;
    const c = typeof a === 'number' && typeof b === 'number' ? a - b
      : zh ? pinyin(String(a), String(b)) : (a < b ? -1 : a > b ? 1 : 0);
    if (desc ? c < 0 : c > 0) return `${JSON.stringify(a)} before ${JSON.stringify(b)} at ${i}`;
  }
  return null;
}

test('the lists that sort and export are declared in the API document', () => {
  const sorted = routes('x-sort').map((r) => r.path), exported = routes('x-export').map((r) => r.path);
  for (const p of ['/api/orgs', '/api/coverage/enterprises', '/api/bulletins', '/api/org/events', '/api/instructors',
    '/api/ledger/imports', '/api/ledger/rounds', '/api/ledger/rounds/{id}', '/api/ledger/rounds/{id}/diff', '/api/users']) {
    assert.ok(sorted.includes(p), `${p} declares no x-sort`);
    assert.ok(exported.includes(p), `${p} declares no x-export`);
  }
});

test('Chinese names sort by pinyin, not by code point, on every list that has them', async () => {
  const zhKeys = routes('x-sort').flatMap(({ path, op }) => (op['x-sort-pinyin'] || []).map((k) => `${path} ${k}`));
  for (const want of ['/api/orgs name', '/api/coverage/enterprises name', '/api/users name', '/api/ledger/rounds/{id} name'])
    assert.ok(zhKeys.includes(want), `${want} is not sorted by pinyin`);
  // the demo's enterprises: the first by pinyin is not the first by code point
  const r = await city.get('/api/coverage/enterprises?sort=name&size=50');
  const names = r.data.items.map((x) => x.name);
  assert.deepEqual(names, [...names].sort(pinyin), 'the page is in pinyin order');
  const byCode = await city.get('/api/coverage/enterprises?size=500');
  const all = byCode.data.items.map((x) => x.name);
  assert.notDeepEqual([...all].sort(pinyin).slice(0, 5), [...all].sort().slice(0, 5), 'pinyin and code point differ on this data');
});

test('every sort key orders its list both ways, NULLs last', async () => {
  let checked = 0;
  for (const { path, op } of routes('x-sort')) {
    const { u, q, items, c } = urlOf(path);
    for (const key of op['x-sort']) {
      for (const desc of [false, true]) {
        const r = await c.get(join(u, q, `sort=${desc ? '-' : ''}${key}&size=200`));
        assert.equal(r.status, 200, `${path} sort=${key}: ${JSON.stringify(r.data)}`);
        const list = items(r.data);
        assert.ok(Array.isArray(list), `${path}: no items`);
        const zh = (op['x-sort-pinyin'] || []).includes(key);
        const bad = ordered(list.map((x) => x[key]), desc, zh);
        assert.equal(bad, null, `${path} sort=${desc ? "-" : ""}${key}: ${bad}`);
        checked++;
      }
    }
    const bad = await c.get(join(u, q, 'sort=no_such_key'));
    assert.equal(bad.status, 400, `${path}: unknown sort key accepted`);
    assert.equal(bad.data.error.field, 'sort');
    assert.match(bad.data.error.message, /sort/);
  }
  assert.ok(checked >= 40, `only ${checked} orderings checked`);
});

test('paging walks the whole sorted list without gaps or repeats', async () => {
  const all = await city.get('/api/orgs?sort=name&size=500&status=all');
  const seen = [];
  for (let page = 1; page <= Math.ceil(all.data.total / 7); page++) {
    const r = await city.get(`/api/orgs?sort=name&size=7&page=${page}&status=all`);
    seen.push(...r.data.items.map((x) => x.id));
  }
  assert.deepEqual(seen, all.data.items.map((x) => x.id));
});

test('every exportable list downloads as xlsx with its titles and its rows', async () => {
  for (const { path, op } of routes('x-export')) {
    const { u, q, items, total } = urlOf(path);
    const json = await city.get(join(u, q, 'size=500'));
    assert.equal(json.status, 200, `${path}: ${JSON.stringify(json.data)}`);
    const x = await getBuf(city, join(u, q, 'format=xlsx'));
    assert.equal(x.status, 200, `${path} format=xlsx: ${x.buf.toString().slice(0, 200)}`);
    assert.match(x.type, /spreadsheetml/);
    assert.equal(x.buf.subarray(0, 2).toString(), 'PK');
    const rows = sheetRows(x.buf);
    const cols = op['x-export'].split('|').slice(1).map((c) => c.split(':'));
    assert.deepEqual(rows[0].map(unesc), cols.map((c) => c[1]), `${path}: header row`);
    const n = total(json.data);
    assert.equal(rows.length - 1, n, `${path}: ${rows.length - 1} rows exported, list has ${n}`);
    // the first row's first column matches the list's first item
    const first = items(json.data)[0];
    if (first) {
      const v = first[cols[0][0]];
      assert.equal(unesc(rows[1][0]), v === null || v === undefined ? '' : String(v), `${path}: first cell`);
    }
  }
});

test('an export keeps the filters, the order and the caller\'s scope', async () => {
  const x = await getBuf(city, '/api/coverage/enterprises?by=district&key=350203&sort=-employees&format=xlsx');
  const rows = sheetRows(x.buf).slice(1);
  assert.ok(rows.length > 0);
  assert.ok(rows.every((r) => r[3] === '思明区'), 'only 思明区 rows (the district by name, as on the screen)');
  const emp = rows.map((r) => (r[7] === '' || r[7] === undefined ? null : Number(r[7])));
  assert.equal(ordered(emp, true), null);
  // a district worker asking for the whole city gets only their district
  const y = await getBuf(siming, '/api/coverage/enterprises?format=xlsx');
  const yr = sheetRows(y.buf).slice(1);
  assert.ok(yr.length > 0 && yr.every((r) => r[3] === '思明区'), 'district export leaked other districts');
  const z = await getBuf(siming, '/api/orgs?format=xlsx&status=all');
  const zr = sheetRows(z.buf).slice(1);
  assert.ok(zr.length > 0 && zr.every((r) => r[3] === '思明区'), 'district org export leaked other districts');
});

// One dictionary of titles and labels (data/fields.json) for the screen and the export.
const FIELDS = JSON.parse(readFileSync(new URL('../../data/fields.json', import.meta.url), 'utf8'));
const zh = (labels) => Object.values(FIELDS.labels[labels]).map((x) => x[0]);

test('exports speak the screen\'s words: titles and labels from the one dictionary', async () => {
  const open = async (u, list) => {
    const x = await getBuf(city, u);
    assert.equal(x.status, 200, u);
    const rows = sheetRows(x.buf).map((r) => r.map(unesc));
    assert.deepEqual(rows[0], FIELDS.lists[list].map((c) => c[1]), `${u}: the header row is the dictionary's`);
    const col = (key) => FIELDS.lists[list].findIndex((c) => c[0] === key);
    return { rows: rows.slice(1), col };
  };
  // organizations: 依托 in words (楼宇、园区、街道…), the park by name, never a code
  const o = await open('/api/orgs?status=all&format=xlsx', 'orgs');
  const oj = (await city.get('/api/orgs?status=all&size=500')).data.items;
  assert.equal(o.rows.length, oj.length);
  const basedOn = o.rows.map((r) => r[o.col('based_on')]).filter(Boolean);
  assert.ok(basedOn.length > 0 && basedOn.every((v) => zh('based_on').includes(v)), `依托 in words: ${[...new Set(basedOn)]}`);
  const park = oj.find((x) => x.based_on === 'park' && x.park_code);
  assert.ok(park, 'the demo has an organization based on a park');
  const pr = o.rows.find((r) => Number(r[0]) === park.id);
  assert.equal(pr[o.col('based_on')], FIELDS.labels.based_on.park[0]);
  assert.equal(pr[o.col('park_name')], park.park_name);
  assert.ok(park.park_name && !/^P\d+$/.test(park.park_name), `the park by name: ${park.park_name}`);
  assert.ok(o.rows.every((r) => !/^P\d+$/.test(r[o.col('park_name')] || '')), 'no park codes');
  assert.equal(pr[o.col('reg_full')], String(park.reg_full));
  // coverage: districts, parks and streets by name; 组织覆盖 and 党建指导员 as the screen's tags say
  const c = await open('/api/coverage/enterprises?format=xlsx', 'coverage');
  assert.ok(c.rows.length > 0);
  for (const k of ['district_name', 'park_name', 'street_name'])
    assert.ok(c.rows.every((r) => !/^[A-Z]?\d+$/.test(r[c.col(k)] || '')), `${k}: names, not codes`);
  assert.ok(c.rows.every((r) => r[c.col('district_name')]), 'every enterprise has its district named');
  assert.ok(c.rows.every((r) => zh('covered').includes(r[c.col('covered')])), '组织覆盖: 已覆盖 / 未覆盖');
  assert.ok(c.rows.every((r) => zh('instructor').includes(r[c.col('instructor')])), '党建指导员: 已选派 / 未选派');
  const cj = (await city.get('/api/coverage/enterprises?size=1')).data.items[0];
  assert.equal(c.rows[0][c.col('covered')], FIELDS.labels.covered[cj.covered ? '1' : '0'][0]);
  // a round's enterprises: 疑似僵尸 and 核查状态 in words
  const e = await open('/api/ledger/rounds/3?format=xlsx', 'round_entities');
  assert.ok(e.rows.length > 0);
  assert.ok(e.rows.every((r) => zh('yesno').includes(r[e.col('zombie')])), '疑似僵尸: 是 / 否');
  assert.ok(e.rows.every((r) => ['', ...zh('verified')].includes(r[e.col('verified')] || '')), '核查状态: 已核查 / 未核查');
  // the change history: 变动 in words (成立、升格…), never the stored code
  const v = await open('/api/org/events?format=xlsx', 'org_events');
  const vj = (await city.get('/api/org/events?size=500&sort=id')).data.items;
  assert.ok(v.rows.length > 0 && v.rows.every((r) => zh('event_kind').includes(r[v.col('kind')])), '变动 in words');
  assert.ok(v.rows.every((r) => !/^[a-z_]+$/.test(r[v.col('kind')])), 'no event codes');
  const up = vj.find((x) => x.kind === 'upgraded');
  if (up) assert.ok(v.rows.some((r) => r[v.col('kind')] === FIELDS.labels.event_kind.upgraded[0] && r[v.col('org_name')] === up.org_name));
  // instructors: the district by name, not its code
  const n = await open('/api/instructors?status=all&format=xlsx', 'instructors');
  assert.ok(n.rows.length > 0, 'the demo sends instructors');
  assert.ok(n.rows.every((r) => r[n.col('district_name')] && !/^\d+$/.test(r[n.col('district_name')])), '所在区 by name');
  // states in words in the lists that have them: meetings, notices, applicants (the screen's words, one dictionary)
  for (const [u, title, labels] of [['/api/meetings?size=500', '状态', 'meeting_state'], ['/api/notices', '状态', 'notice_state'],
    ['/api/develop/applicants', '状态', 'develop_status']]) {
    const x = await getBuf(city, `${u}${u.includes('?') ? '&' : '?'}format=xlsx`);
    assert.equal(x.status, 200, u);
    const rows = sheetRows(x.buf).map((r) => r.map(unesc));
    const k = rows[0].indexOf(title);
    assert.ok(k >= 0 && rows.length > 1, `${u}: a ${title} column and rows`);
    assert.ok(rows.slice(1).every((r) => zh(labels).includes(r[k])), `${u}: ${title} in words: ${[...new Set(rows.slice(1).map((r) => r[k]))]}`);
  }
  // the API document shows the columns the workbook has
  assert.equal(api.paths['/api/orgs'].get['x-export'].split('|')[0], '党组织');
  assert.ok(api.paths['/api/orgs'].get['x-export'].includes('|based_on:依托:labels=based_on|'));
});

test('format=xlsx is refused where there is no list, and exports are audited', async () => {
  const r = await city.get('/api/regions?format=xlsx');
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'format');
  const bad = await city.get('/api/orgs?format=pdf');
  assert.equal(bad.status, 400);
  assert.equal(bad.data.error.field, 'format');
  // member may not read organizations at all: no export either
  const member = await login('l_member');
  const m = await getBuf(member, '/api/orgs?format=xlsx');
  assert.equal(m.status, 403);
  const log = await auditor.get('/api/audit?action=list.export&size=100');
  assert.equal(log.status, 200, JSON.stringify(log.data));
  const items = log.data.items.filter((i) => i.action === 'list.export');
  assert.ok(items.some((i) => i.username === 'l_city' && i.object === '/api/orgs'), 'export of /api/orgs not audited');
  assert.ok(items.some((i) => i.username === 'l_siming' && /导出 \d+ 条/.test(i.detail)), 'district export not audited');
});

test('the organization tree: roots of the scope and children on demand', async () => {
  const roots = await city.get('/api/orgs?roots=1');
  assert.equal(roots.status, 200);
  assert.ok(roots.data.items.length >= 1);
  for (const o of roots.data.items) assert.equal(o.parent_id, null);
  const top = roots.data.items[0];
  assert.ok(top.children > 0);
  const kids = await city.get(`/api/orgs?parent_id=${top.id}&size=500`);
  assert.equal(kids.data.total, top.children);
  assert.ok(kids.data.items.every((k) => k.parent_id === top.id));
  // a district's roots are its own top organizations, whose parents it cannot see
  const sr = await siming.get('/api/orgs?roots=1&size=500');
  assert.ok(sr.data.items.length >= 1);
  assert.ok(sr.data.items.every((o) => o.district_name === '思明区'));
  const all = await siming.get('/api/orgs?size=500');
  const ids = new Set(all.data.items.map((o) => o.id));
  for (const o of sr.data.items) assert.ok(o.parent_id === null || !ids.has(o.parent_id), `${o.name} is not a root`);
  for (const o of all.data.items) {
    if (!ids.has(o.parent_id)) assert.ok(sr.data.items.some((x) => x.id === o.id), `${o.name} has no parent in scope but is not a root`);
  }
});

test('the enterprise list finds by part of a name or by the whole credit code', async () => {
  const all = await city.get('/api/coverage/enterprises?size=5');
  const one = all.data.items[0];
  const part = [...one.name].slice(2, 4).join('');
  const r = await city.get(`/api/coverage/enterprises?q=${encodeURIComponent(part)}&size=500`);
  assert.equal(r.status, 200);
  assert.ok(r.data.items.some((x) => x.id === one.id));
  assert.ok(r.data.items.every((x) => x.name.includes(part)));
  assert.ok(r.data.total < all.data.total);
  if (one.uscc) {
    const c = await city.get(`/api/coverage/enterprises?q=${one.uscc.toLowerCase()}`);
    assert.deepEqual(c.data.items.map((x) => x.id), [one.id]);
  }
  // and never past the caller's scope
  const s = await siming.get(`/api/coverage/enterprises?q=${encodeURIComponent(part)}&size=500`);
  assert.ok(s.data.items.every((x) => x.district_code === '350203'));
});

test('ledger lists filter by name, by verification, and keep the day of a field check', async () => {
  // imports by file name
  const imp = await city.get('/api/ledger/imports?q=' + encodeURIComponent('摸排') + '&size=100');
  assert.equal(imp.status, 200);
  assert.ok(imp.data.items.length > 0 && imp.data.items.every((i) => i.source.includes('摸排')));
  const all = await city.get('/api/ledger/imports?size=100');
  assert.ok(imp.data.total < all.data.total);
  // a diff list by part of a name
  const d = await city.get('/api/ledger/rounds/3/diff?to=2&list=removed&size=500');
  const one = d.data.items[0];
  const part = [...one.name].slice(1, 3).join('');
  const f = await city.get(`/api/ledger/rounds/3/diff?to=2&list=removed&size=500&q=${encodeURIComponent(part)}`);
  assert.ok(f.data.items.some((x) => x.entity_no === one.entity_no));
  assert.ok(f.data.items.every((x) => x.name.includes(part)));
  assert.equal(f.data.total, f.data.items.length);
  // verification: entered with its day, then found by verified=1 and shown in the detail
  const ents = await siming.get('/api/ledger/rounds/3?size=5');
  const no = ents.data.entities.items[0].entity_no;
  assert.equal(ents.data.entities.items[0].verified, 0);
  let r = await siming.put(`/api/ledger/rounds/3/verification/${no}`, { employees: 12, premises: true, operating: true, verified_on: '2099-01-01' });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'verified_on');
  r = await siming.put(`/api/ledger/rounds/3/verification/${no}`, { employees: 12, premises: true, operating: true, verified_on: '2018-02-30' });
  assert.equal(r.data.error.field, 'verified_on');
  r = await siming.put(`/api/ledger/rounds/3/verification/${no}`, { employees: 12, premises: true, operating: true, verified_on: '2018-05-20', verifier: '张三' });
  assert.equal(r.status, 200, r.text);
  const v1 = await siming.get('/api/ledger/rounds/3?verified=1&size=500');
  assert.deepEqual(v1.data.entities.items.map((x) => x.entity_no), [no]);
  assert.equal(v1.data.entities.items[0].verified, 1);
  const v0 = await siming.get('/api/ledger/rounds/3?verified=0&size=5');
  assert.equal(v0.data.entities.total, ents.data.entities.total - 1);
  const det = await siming.get(`/api/ledger/rounds/3/entities/${no}`);
  assert.equal(JSON.stringify(det.data).includes('2018-05-20'), true, 'the check day is shown with the enterprise');
  // problems sort keys are checked above; their export keeps the kind filter
  const bad = await city.get('/api/ledger/imports/1/problems.xlsx?kind=nonsense');
  assert.equal(bad.status, 400);
});

test('the enterprise list combines district, category and state filters', async () => {
  const r = await city.get('/api/coverage/enterprises?district=350203&category=' + encodeURIComponent('电商') + '&state=uncovered&size=500');
  assert.equal(r.status, 200);
  assert.ok(r.data.items.every((x) => x.district_code === '350203' && x.category === '电商' && x.covered === 0));
  const d = await city.get('/api/coverage/enterprises?district=350203&size=500');
  const c = await city.get('/api/coverage/enterprises?category=' + encodeURIComponent('电商') + '&size=500');
  const both = d.data.items.filter((x) => x.category === '电商' && x.covered === 0).map((x) => x.id);
  assert.deepEqual(r.data.items.map((x) => x.id).sort((a, b) => a - b), both.sort((a, b) => a - b));
  assert.ok(c.data.total > r.data.total);
  // the figures of the combination (any state), counted from its own rows
  const all = await city.get('/api/coverage/enterprises?district=350203&category=' + encodeURIComponent('电商') + '&size=500');
  const sum = r.data.summary;
  assert.deepEqual(sum, all.data.summary, 'the state filter does not change the figures of the set');
  assert.equal(sum.enterprises, all.data.total);
  assert.equal(sum.covered, all.data.items.filter((x) => x.covered).length);
  assert.equal(sum.work_covered, all.data.items.filter((x) => x.covered || x.instructor).length);
  assert.equal(sum.enterprises - sum.covered, r.data.total, 'uncovered = set − covered');
  // one dimension alone: the same figures as that group's coverage line
  const g = (await city.get('/api/coverage?by=district')).data.rows.find((x) => x.key === '350203');
  const one = (await city.get('/api/coverage/enterprises?district=350203&size=1')).data.summary;
  for (const k of ['enterprises', 'covered', 'rate', 'work_covered', 'work_rate']) assert.equal(one[k], g[k], k);
  // a district worker cannot widen their scope with a filter
  const s = await siming.get('/api/coverage/enterprises?district=350206');
  assert.equal(s.data.total, 0);
  assert.equal(s.data.summary.enterprises, 0);
});

test('the whole-scope coverage line is named after the caller\'s scope', async () => {
  const c = await city.get('/api/coverage?date=2018-06-30');
  assert.equal(c.data.rows[0].name, '厦门市');
  const s = await siming.get('/api/coverage?date=2018-06-30');
  assert.equal(s.data.rows[0].name, '思明区');
  const sd = await city.get('/api/coverage?date=2018-06-30&by=district');
  assert.equal(s.data.rows[0].enterprises, sd.data.rows.find((r) => r.key === '350203').enterprises);
  const t = await siming.get('/api/coverage/trend?from=2018-06-01&to=2018-06-30');
  assert.ok(t.data.points.every((p) => p.rows[0].name === '思明区'));
});

test('the trend (one pass over the intervals) equals the coverage asked day by day', async () => {
  for (const c of [city, siming]) {
    for (const q of ['from=2017-12-01&to=2018-06-30', 'from=2017-06-01&to=2018-06-15&step=month', 'from=2018-05-20&to=2018-05-25']) {
      const t = await c.get(`/api/coverage/trend?${q}`);
      assert.equal(t.status, 200, t.text);
      assert.ok(t.data.points.length >= 1);
      for (const p of t.data.points) {
        const one = await c.get(`/api/coverage?date=${p.date}`);
        assert.deepEqual(p.rows, one.data.rows, `${q} at ${p.date}`);
      }
    }
  }
  // and it moves: coverage grew during the campaign
  const t = await city.get('/api/coverage/trend?from=2017-12-01&to=2018-06-30');
  const first = t.data.points[0].rows[0], last = t.data.points.at(-1).rows[0];
  assert.ok(last.covered > first.covered, `${first.covered} → ${last.covered}`);
});

test('the audit log sorts but exports only through its own permission', async () => {
  assert.ok(api.paths['/api/audit'].get['x-sort'].includes('username'));
  assert.equal(api.paths['/api/audit'].get['x-export'], undefined);
  const r = await auditor.get('/api/audit?format=xlsx');
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'format');
});
