// auth_audit_names — the audit log read by an auditor (issue 21 item 7):
// every action the code writes has a Chinese name (the dictionary is read
// from the server, the actions from src/ itself, so a new action without a
// name fails here), and the list and the export say each row's action in
// Chinese and its object by name — an organization by its name, a refused
// request ("GET /api/orgs/2") by what it asked for and the object it named.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, Client, replaceOneTimePassword } from './lib.mjs';
import { sheetRows } from './xlsx.mjs';

let srv;
const pw = {};
const as = async (u) => {
  const c = new Client(srv.base);
  const r = await c.post('/api/auth/login', { username: u, password: pw[u] });
  assert.equal(r.status, 200, `${u}: ${r.text}`);
  return c;
};
const CJK = /[\u4e00-\u9fff]/;

// Every action written in src/: the first string of an uc_act, the action of an
// audit_entry (.action = …), of http_audit(r, …) and of the login's rows.
function actionsInSource() {
  const files = [];
  const walk = (d) => { for (const f of readdirSync(d, { withFileTypes: true })) { const p = path.join(d, f.name); if (f.isDirectory()) walk(p); else if (p.endsWith('.c')) files.push(p); } };
  walk('src');
  const found = new Map();
  const CTX = /uc_act\b|http_audit\(|\.action\s*=|login_row|\bact\b/;
  for (const f of files) {
    const lines = readFileSync(f, 'utf8').split('\n');
    lines.forEach((l, i) => {
      if (/member_activity|\.kind\s*=/.test(l)) return;   // the registry's activity log, not the audit log
      if (!CTX.test(l) && !CTX.test(lines[i - 1] || '')) return;
      for (const m of l.matchAll(/"([a-z_]+(?:\.[a-z_0-9]+)+)"/g)) {
        if (/\.(h|c|xml)$/.test(m[1]) || /^[a-z]\./.test(m[1])) continue;   // headers, SQL aliases
        if (!found.has(m[1])) found.set(m[1], `${f}:${i + 1}`);
      }
    });
  }
  return found;
}

before(async () => {
  srv = await startServer({
    demo: true,
    onDemo: (out) => { for (const m of out.matchAll(/^\s+(\w+)\s+(\S+)\s+(\S+)\s+\S/gm)) pw[m[2]] = m[3]; },
  });
  for (const u of ['city', 'siming', 'auditor']) pw[u] = await replaceOneTimePassword(srv.base, u, pw[u]);
});
after(async () => { await srv?.stop(); });

test('every action the code writes has a Chinese name in the dictionary', async () => {
  const aud = await as('auditor');
  const r = await aud.get('/api/audit/actions');
  assert.equal(r.status, 200, r.text);
  const names = new Map(r.data.items.map((x) => [x.action, x.name]));
  const src = actionsInSource();
  assert.ok(src.size > 60, `found the actions in src/ (${src.size})`);
  for (const a of ['auth.login', 'access.denied', 'list.export', 'user.reset', 'org.create']) assert.ok(src.has(a), `the scan finds ${a}`);
  const missing = [...src].filter(([a]) => !names.has(a)).map(([a, where]) => `${a} (${where})`);
  assert.deepEqual(missing, [], 'actions without a Chinese name (add them to src/auth/audit_names.c)');
  for (const [a, n] of names) assert.match(n, CJK, `${a}: ${n}`);
  for (const u of ['city', 'siming']) assert.equal((await (await as(u)).get('/api/audit/actions')).status, 403);
});

test('the list and the export name actions in Chinese and objects by name', async () => {
  // Something for the auditor to read: a district worker opens an organization
  // outside its district (refused), the city office exports a list.
  const city = await as('city');
  const orgs = await city.get('/api/orgs?size=200');
  assert.equal(orgs.status, 200, orgs.text);
  const outside = orgs.data.items.find((o) => o.district_code && o.district_code !== '350203');   // siming: 思明区 350203
  assert.ok(outside, 'an organization outside 思明区');
  const siming = await as('siming');
  assert.equal((await siming.get(`/api/orgs/${outside.id}`)).status, 403);
  assert.equal((await city.get('/api/orgs?format=xlsx')).status, 200);

  const aud = await as('auditor');
  const denied = await aud.get('/api/audit?action=access.denied&user=siming&size=5');
  const row = denied.data.items.find((x) => x.object === `GET /api/orgs/${outside.id}`);
  assert.ok(row, JSON.stringify(denied.data.items.map((x) => x.object)));
  assert.equal(row.action_name, '拒绝访问（无权限或超出数据范围）');
  assert.ok(row.object_name.includes(outside.name), `the refused request names the organization: ${row.object_name}`);
  assert.match(row.object_name, CJK);

  const exp = await aud.get('/api/audit?action=list.export&user=city&size=5');
  assert.equal(exp.data.items[0].action_name, '导出列表（Excel）');
  assert.match(exp.data.items[0].object_name, CJK, exp.data.items[0].object_name);

  const logins = await aud.get('/api/audit?action=auth.login&size=50');
  assert.ok(logins.data.items.every((x) => x.action_name === '登录'));
  const created = await aud.get('/api/audit?action=user.create&size=50');
  const u = created.data.items.find((x) => /^user:\d+$/.test(x.object));
  assert.ok(u && /^用户：.+（[a-z0-9._-]+）$/.test(u.object_name), u && u.object_name);
  const orgRows = await aud.get('/api/audit?action=org.create&size=5');
  assert.ok(orgRows.data.items.length > 0 && orgRows.data.items.every((x) => x.object_name.startsWith('党组织：')));

  // the whole page: no action shown as its code
  const page = await aud.get('/api/audit?size=100');
  for (const x of page.data.items) assert.match(x.action_name, CJK, `${x.action} has no Chinese name`);

  const res = await fetch(`${srv.base}/api/audit/export.xlsx?action=access.denied&user=siming`, { headers: { cookie: aud.cookieHeader() } });
  assert.equal(res.status, 200);
  const rows = sheetRows(Buffer.from(await res.arrayBuffer()));
  assert.deepEqual(rows[0].slice(0, 12), ['序号', '时间（UTC）', '用户', '角色', '动作', '对象', '结果', '来源地址', '详情', '动作代码', '对象代码', '散列']);
  const x = rows.find((r) => r[10] === `GET /api/orgs/${outside.id}`);
  assert.ok(x, 'the refused request is exported');
  assert.equal(x[3], '区委组织部');
  assert.equal(x[4], '拒绝访问（无权限或超出数据范围）');
  assert.ok(x[5].includes(outside.name), x[5]);
  assert.equal(x[6], '拒绝');
  assert.equal(x[9], 'access.denied');
});
