// dues_cli — `ejia dues calc` from outside, without a server or a database:
// the monthly amount at the brackets' edges as a secretary reads it, and a
// bad --base or --kind refused with a Chinese message and exit code 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ejia } from './lib.mjs';

const calc = (...args) => ejia(['dues', 'calc', ...args]);

test('ejia dues calc prints the monthly amount at the brackets\' edges', () => {
  let r = calc('--base', '3000');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '月交党费 15.00 元（月工资基数 3000.00 元 × 0.5%）\n');
  for (const [base, amount, rate] of [['3000.01', '30.00', '1%'], ['5000', '50.00', '1%'], ['5000.01', '75.00', '1.5%'],
    ['10000', '150.00', '1.5%'], ['10000.01', '200.00', '2%'], ['3,000.50', '30.01', '1%']]) {
    r = calc(`--base=${base}`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^月交党费 ${amount} 元（月工资基数 [0-9.]+ 元 × ${rate.replace('.', '\\.')}）`), base);
  }
  r = calc('--base', '5000', '--kind', 'retiree');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^月交党费 25\.00 元（离退休党员/);
  assert.match(calc('--base', '5000.01', '--kind', 'retiree').stdout, /^月交党费 50\.00 元/);
  for (const kind of ['student', 'unemployed', 'relief', 'farmer']) {
    r = calc('--kind', kind);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^月交党费 0\.20 元（.*每月定额）/, kind);
  }
  // the settings reach the calculator: another first bracket
  r = calc('--base', '3200', '--dues-employee-max-1', '3500');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^月交党费 16\.00 元（月工资基数 3200\.00 元 × 0\.5%）/);
});

test('a bad --base or --kind exits 2 saying what, where and what to write', () => {
  for (const [base, says] of [['abc', '第 1 个字符“a”'], ['3000元', '不要带单位“元”'], ['-5', '负数'], ['3000.001', '最多两位小数'],
    ['3,00', '千位分隔符'], ['', '没有填写'], ['1e5', '科学计数法'], ['99999999999999999', '过大']]) {
    const r = calc('--base', base);
    assert.equal(r.status, 2, `--base ${base}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^ejia: --base 的值不对：/, base);
    assert.ok(r.stderr.includes(says), `--base ${base}: ${r.stderr}`);
    if (base) assert.ok(r.stderr.includes('请写以元为单位的数字'), r.stderr);
  }
  let r = calc('--base', '0');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unemployed/);
  r = calc();
  assert.equal(r.status, 2);
  assert.match(r.stderr, /缺少 --base/);
  r = calc('--base', '3000', '--kind', 'worker');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--kind 的值“worker”无效/);
  r = calc('--bsae', '3000');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /不认识的参数“--bsae”/);
  r = ejia(['dues']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /用法 usage: ejia dues calc/);
  // a bad setting is named
  r = calc('--base', '3000', '--dues-rounding', 'sometimes');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /设置 dues-rounding 的值“sometimes”无效/);
});

test('ejia serve stops at once on a mistyped setting or a bad dues setting, naming it', () => {
  // an unknown --setting used to be ignored silently by serve
  let r = ejia(['serve', '--port', '0', '--dues-way', 'treasurer']);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /不认识的参数或设置“--dues-way”/);
  // the dues settings are read when a request needs them: checked at start instead
  r = ejia(['serve', '--port', '0', '--dues-ways', 'treasurer,wechat']);
  assert.notEqual(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stderr, /dues-ways 中的缴纳方式“wechat”不存在/);
  r = ejia(['serve', '--port', '0', '--dues-employee-max-1', '6000']);
  assert.notEqual(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stderr, /dues-employee-max-2.*应大于 dues-employee-max-1/);
  r = ejia(['migrate', 'extra']);
  assert.equal(r.status, 2, r.stdout + r.stderr);
});
