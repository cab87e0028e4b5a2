// bench/lib/develop-http.mjs — the development pipeline's city-wide questions
// through ejia's HTTP API, as a logged-in city user, for bench/development.
//
//   node bench/lib/develop-http.mjs BASE USER PASSWORD DISTRICT PASTDAY REPEAT
//
// Each request once to warm up, then REPEAT times one after another on a
// kept-alive connection; prints the median (min, max) milliseconds from sending
// the request to the last byte of the answer, beside the target (issue 14:
// ≤ 500 ms), and what the answer held, so a fast wrong answer does not pass.
import { Client } from './ejia.mjs';

const [base, user, password, district, past, repeatArg] = process.argv.slice(2);
const repeat = Number(repeatArg || 7);
const c = new Client(base);
await c.login(user, password);

const median = (a) => { const s = [...a].sort((x, y) => x - y); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const due = (d) => `${d.total} due or overdue, first ${d.items[0]?.name} ${d.items[0]?.step_name} ${d.items[0]?.due_on}`;
const figs = (d) => `${d.by_stage.reduce((s, x) => s + Number(x.count), 0)} files by stage, ${d.by_year.length} year×category rows`;
const cases = [
  ['overdue list today, whole city', '/api/develop/due?within=30', 500, due],
  [`overdue list as of ${past}, whole city`, `/api/develop/due?within=30&as_of=${past}`, 500, due],
  [`overdue list as of ${past}, one district`, `/api/develop/due?within=30&as_of=${past}&district=${district}`, 500, due],
  ['figures by stage, category, year: city', '/api/develop/figures', 500, figs],
  ['figures, one district', `/api/develop/figures?district=${district}`, 500, figs],
];
for (const [label, path, target, show] of cases) {
  const first = await c.get(path, { timeoutMs: 900000 });
  if (first.status !== 200) throw new Error(`${path}: ${first.status} ${first.text.slice(0, 300)}`);
  const ms = [];
  for (let i = 0; i < repeat; i++) {
    const r = await c.get(path, { timeoutMs: 900000 });
    if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
    ms.push(r.ms);
  }
  const m = median(ms);
  console.log(`${('ejia HTTP: ' + label).padEnd(52)} ${m.toFixed(1).padStart(9)} ms  (n ${repeat}, min ${Math.min(...ms).toFixed(1)}, max ${Math.max(...ms).toFixed(1)}; target ≤ ${target} ms: ${m <= target ? 'met' : 'MISSED'})  → ${show(first.data)}`);
}
c.close();
