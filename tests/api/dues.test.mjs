// dues — the dues calculator over HTTP (GET /api/dues/calc, GET /api/dues/rules) against
// the real server: the brackets' edges give the same amounts and the same words as
// `ejia dues calc`, with the rule that gave them; a bad base or kind is a 400 naming its
// field with the parser's Chinese message; every logged-in role may use it, nobody else.
// SQLite and PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, addUser, loginAs, Client, ejia } from './lib.mjs';

let srv, member, city;

before(async () => {
  srv = await startServer();
  addUser(srv.db.url, 'du_member', 'member');
  addUser(srv.db.url, 'du_city', 'city');
  member = await loginAs(srv.base, 'du_member');
  city = await loginAs(srv.base, 'du_city');
});
after(async () => { await srv?.stop(); });

const calc = (c, q) => c.get(`/api/dues/calc?${new URLSearchParams(q)}`);

test('the brackets\' edges: the same amounts and words as ejia dues calc, with the rule applied', async () => {
  const edges = [
    ['employee', '3000', '15.00', 1500, '0.5%', '3000 元（含）以下'],
    ['employee', '3000.01', '30.00', 3000, '1%', '3000 元以上至 5000 元（含）'],
    ['employee', '5000', '50.00', 5000, '1%', '3000 元以上至 5000 元（含）'],
    ['employee', '5000.01', '75.00', 7500, '1.5%', '5000 元以上至 10000 元（含）'],
    ['employee', '10000', '150.00', 15000, '1.5%', '5000 元以上至 10000 元（含）'],
    ['employee', '10000.01', '200.00', 20000, '2%', '10000 元以上'],
    ['retiree', '5000', '25.00', 2500, '0.5%', '5000 元（含）以下'],
    ['retiree', '5000.01', '50.00', 5000, '1%', '5000 元以上'],
  ];
  for (const [kind, base, amount, fen, rate, bracket] of edges) {
    const r = await calc(member, { base, kind });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.data.amount, amount, `${kind} ${base}`);
    assert.equal(r.data.amount_fen, fen, `${kind} ${base}`);
    assert.equal(r.data.kind, kind);
    assert.equal(r.data.flat, false);
    assert.equal(r.data.rate, rate, `${kind} ${base}`);
    assert.equal(r.data.bracket.text, bracket, `${kind} ${base}`);
    const cli = ejia(['dues', 'calc', '--base', base, '--kind', kind]);
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal(r.data.words + '\n', cli.stdout, `${kind} ${base}: the CLI's words`);
    assert.match(r.data.rule, new RegExp(`${kind === 'retiree' ? '月离退休费' : '月工资基数'} ${r.data.base} 元，适用 ${bracket.replace(/[()（）]/g, '.')}${bracket.endsWith('）') ? '' : ' '}${rate.replace('.', '\\.')}$`));
  }
  // the example of the page: 3000.01 with its rule in words; the kind defaults to employee
  const r = await calc(member, { base: '3,000.01' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.base_fen, 300001);
  assert.equal(r.data.rule, '月工资基数 3000.01 元，适用 3000 元以上至 5000 元（含）1%');
  assert.equal(r.data.bracket.above_fen, 300000);
  assert.equal(r.data.bracket.up_to_fen, 500000);
  // the flat kinds need no base
  for (const kind of ['student', 'unemployed', 'relief', 'farmer']) {
    const f = await calc(member, { kind });
    assert.equal(f.status, 200, f.text);
    assert.equal(f.data.amount, '0.20', kind);
    assert.equal(f.data.flat, true);
    assert.equal(f.data.bracket, null);
    assert.match(f.data.rule, /每月定额 0\.20 元$/);
    assert.equal(f.data.words + '\n', ejia(['dues', 'calc', '--kind', kind]).stdout, kind);
  }
  // the Chinese name of a kind is understood too
  assert.equal((await calc(city, { kind: '离退休', base: '5000.01' })).data.amount, '50.00');
});

test('a bad base or kind: 400 with the Chinese message under its field', async () => {
  for (const [q, field, says] of [
    [{ base: 'abc' }, 'base', '第 1 个字符“a”'],
    [{ base: '3000元' }, 'base', '不要带单位“元”'],
    [{ base: '-5' }, 'base', '负数'],
    [{ base: '3000.001' }, 'base', '最多两位小数'],
    [{ base: '1e5' }, 'base', '科学计数法'],
    [{ base: '0' }, 'base', 'unemployed'],
    [{}, 'base', '请填写在职党员的月工资基数'],
    [{ kind: 'retiree' }, 'base', '月离退休费'],
    [{ base: '3000', kind: 'worker' }, 'kind', '党员类别“worker”无效'],
  ]) {
    const r = await calc(member, q);
    assert.equal(r.status, 400, `${JSON.stringify(q)}: ${r.text}`);
    assert.equal(r.data.error.field, field, JSON.stringify(q));
    assert.ok(r.data.error.message.includes(says) || (r.data.error.where || '').includes(says), `${JSON.stringify(q)}: ${r.text}`);
    assert.match(r.data.error.message, /[\u4e00-\u9fff]/);
  }
  // where the fault is, as the CLI says it
  const r = await calc(member, { base: '30a0' });
  assert.equal(r.data.error.where, '第 3 个字符“a”');
});

test('the rules in force: brackets, rates and flat amounts', async () => {
  const r = await member.get('/api/dues/rules');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.data.employee.map((b) => [b.above, b.up_to, b.rate, b.text]), [
    ['0.00', '3000.00', '0.5%', '3000 元（含）以下'],
    ['3000.00', '5000.00', '1%', '3000 元以上至 5000 元（含）'],
    ['5000.00', '10000.00', '1.5%', '5000 元以上至 10000 元（含）'],
    ['10000.00', null, '2%', '10000 元以上'],
  ]);
  assert.deepEqual(r.data.retiree.map((b) => [b.above_fen, b.up_to_fen, b.rate_bp]), [[0, 500000, 50], [500000, null, 100]]);
  assert.deepEqual(r.data.flat.map((f) => [f.kind, f.amount]), [['student', '0.20'], ['unemployed', '0.20'], ['farmer', '0.20'], ['relief', '0.20']]);
  assert.equal(r.data.flat[0].kind_name, '学生党员');
  assert.equal(r.data.farmer_max, '1.00');
  assert.equal(r.data.rounding, 'half-up');
});

test('not logged in: 401 on both routes', async () => {
  const anon = new Client(srv.base);
  for (const p of ['/api/dues/calc?base=3000', '/api/dues/rules']) {
    const r = await anon.get(p);
    assert.equal(r.status, 401, `${p}: ${r.text}`);
  }
});

test('the routes are in the OpenAPI document with Chinese summaries, for every logged-in role', async () => {
  const doc = (await member.get('/api/openapi.json')).data;
  for (const p of ['/api/dues/calc', '/api/dues/rules']) {
    const op = doc.paths[p]?.get;
    assert.ok(op, p);
    assert.match(op.summary, /[\u4e00-\u9fff]/);
    assert.equal(op['x-permission'], 'login');
  }
});
