// dues_cli — `ejia dues calc` from outside, without a server or a database:
// the monthly amount at the brackets' edges as a secretary reads it, and a
// bad --base or --kind refused with a Chinese message and exit code 2.  Then
// `ejia dues sheets` and `ejia dues owing` on the demo's data (both databases):
// every sheet of this month made again with the same counts, a month not yet
// come and bad arguments refused, a member's months owed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ejia, startServer } from './lib.mjs';

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

// This month as the server counts it (China's date).
const thisMonth = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date()).slice(0, 7);

test('ejia dues sheets makes every sheet of a month, and again with the same counts; ejia dues owing', async () => {
  // the demo's data (its seven months of sheets), the server stopped before the commands run
  const srv = await startServer({ demo: true });
  await srv.stop({ keepDb: true });
  const db = srv.db;
  try {
    const month = thisMonth();
    const sheets = (...a) => ejia(['dues', 'sheets', '--db', db.url, ...a]);
    let r = sheets('--month', month);
    assert.equal(r.status, 0, r.stderr);
    const m = r.stdout.match(/^(\d{4}-\d{2}) 党费应交名单：(\d+) 个党组织，(\d+) 名党员 \/ sheets (\d+), lines (\d+)\n用时 elapsed: [0-9.]+ s\n$/);
    assert.ok(m, r.stdout);
    assert.equal(m[1], month);
    assert.ok(Number(m[2]) > 100 && Number(m[3]) > 5000, r.stdout);   // the demo city: about 190 organizations, 7,500 members
    assert.equal(m[2], m[4]);
    assert.equal(m[3], m[5]);
    // made again: the same sheets and lines (the paid lines stay, nobody is counted twice)
    r = sheets(`--month=${month}`);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.split('\n')[0], `${month} 党费应交名单：${m[2]} 个党组织，${m[3]} 名党员 / sheets ${m[2]}, lines ${m[3]}`);
    // a month after this one, a bad month, a missing or unknown flag
    const [y, mo] = month.split('-').map(Number);
    const next = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
    r = sheets('--month', next);
    assert.equal(r.status === 0, false);
    assert.match(r.stderr, new RegExp(`${next} 还没有到：只能生成本月（${month}）及以前各月的党费应交名单`));
    r = sheets('--month', '2026-13');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--month 的值“2026-13”不是有效的月份：应写作 YYYY-MM/);
    r = sheets();
    assert.equal(r.status, 2);
    assert.match(r.stderr, /缺少 --month/);
    r = sheets('--month', month, '--months', '2');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /不认识的参数“--months”/);
    // the audit chain holds (the acts were written through the one writer)
    r = ejia(['audit', 'verify', '--db', db.url]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    // owing: a member of the demo (some owe, most do not); nobody by that number; not a number
    const owing = (...a) => ejia(['dues', 'owing', '--db', db.url, ...a]);
    let owes = 0, clear = 0;
    for (let id = 1; id <= 40; id++) {
      r = owing('--person', String(id));
      if (r.status !== 0) { assert.match(r.stderr, /没有编号为 \d+ 的党员/); continue; }
      if (/没有欠交的党费。$/m.test(r.stdout)) clear++;
      else { assert.match(r.stdout, /欠交 \d+ 个月（\d{4}-\d{2} 至 \d{4}-\d{2}），共 \d+\.\d{2} 元$/m); owes++; }
    }
    assert.ok(clear > owes, `most members have paid: ${clear} clear, ${owes} owing`);
    r = owing('--person', '99999999');
    assert.equal(r.status === 0, false);
    assert.match(r.stderr, /没有编号为 99999999 的党员/);
    r = owing('--person', 'abc');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--person 的值不是党员编号/);
    r = owing('--person', '1', '--from', '2026-1');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--from 的值“2026-1”不是有效的月份/);
  } finally {
    db.cleanup();
  }
});
