// regfeed — a small generator of the market regulator's registration feed
// (市场监管部门企业登记数据) for the register's tests (issue 23): valid unified
// social credit codes (GB 32100, with the GB 11714 organisation code inside),
// and the file as offices receive it — 统一社会信用代码, 企业名称, 成立日期,
// 登记状态 (存续/在业/注销/吊销), 经营范围, 住所, 行业 — as CSV (UTF-8, optionally
// with a title row above the header, as exports have).  No dependency beyond node.
//
//   import { uscc, feedCsv } from './regfeed.mjs';
//   uscc('91350203', 'MA31YF01') → '91350203MA31YF018Q'
//   feedCsv([{ uscc, name, founded, state, scope, address, industry }], { title: '2026年11月企业登记' })
const CH = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

// GB 11714: 8 characters and the check character.
function orgCode(b8) {
  const w = [3, 7, 9, 10, 5, 8, 4, 2];
  const v = (c) => (/\d/.test(c) ? Number(c) : c.charCodeAt(0) - 55);
  const c = 11 - ([...b8].reduce((s, ch, i) => s + v(ch) * w[i], 0) % 11);
  return b8 + (c === 10 ? 'X' : c === 11 ? '0' : String(c));
}

// An 18-character code: prefix (登记管理部门 + 机构类别 + 登记管理机关 code, 8 characters) and 8 characters of the body.
export function uscc(prefix, body8) {
  const body = prefix + orgCode(body8);
  const s = [...body].reduce((a, ch, i) => a + CH.indexOf(ch) * W[i], 0);
  return body + CH[(31 - (s % 31)) % 31];
}

// A body8 from a number (distinct numbers, distinct codes): 'MA' and six digits.
export const body = (n) => 'MA' + String(n).padStart(6, '0');

const HEAD = ['统一社会信用代码', '企业名称', '成立日期', '登记状态', '经营范围', '住所', '行业'];
const cell = (v) => { const s = v == null ? '' : String(v); return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };

export function feedCsv(rows, { title } = {}) {
  const lines = [];
  if (title) lines.push(cell(title));
  lines.push(HEAD.join(','));
  for (const r of rows) lines.push([r.uscc, r.name, r.founded, r.state || '存续', r.scope, r.address, r.industry].map(cell).join(','));
  return lines.join('\n') + '\n';
}
