// bench/lib/members-http.mjs — the registry's three questions through ejia's
// HTTP API, as a logged-in city user, for bench/members.
//
//   [RECOUNT=0] node bench/lib/members-http.mjs BASE USER PASSWORD DISTRICT IDNUMBER REPEAT
//
// Each request once to warm up, then REPEAT times (twice when the first took over
// ten times its target) one after another on a
// kept-alive connection; prints the median (and min, max) milliseconds from
// sending the request to the last byte of the answer, beside the target, and
// what the answer held (so a fast wrong answer does not pass).
import { Client } from './ejia.mjs';

const [base, user, password, district, idn, repeatArg] = process.argv.slice(2);
const repeat = Number(repeatArg || 7);
const c = new Client(base);
await c.login(user, password);

const median = (a) => { const s = [...a].sort((x, y) => x - y); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const cases = [
  ['district page, by name', `/api/members?district=${district}&sort=name`, 300,
    (d) => `${d.items.length} of ${d.total}, first ${d.items[0]?.name}`],
  ['find by whole ID number', `/api/members?q=${idn}`, 20,
    (d) => `${d.total} found: ${d.items[0]?.name} ${d.items[0]?.id_number}`],
  ['statistics, whole city', '/api/members/stats', 1000,
    (d) => `total ${d.total}, ${d.category?.map((x) => x.label + ' ' + x.count).join(', ')} (from the ${d.source})`],
  ['statistics, one district', `/api/members/stats?district=${district}`, 1000,
    (d) => `total ${d.total} (from the ${d.source})`],
  ['statistics, whole city, recounted', '/api/members/stats?recount=1', 1000,
    (d) => `total ${d.total} (from the ${d.source}; the question the counters answer, asked of the members)`],
].filter(([label]) => process.env.RECOUNT !== '0' || !label.endsWith('recounted'));   // RECOUNT=0: not the slow one
for (const [label, path, target, show] of cases) {
  const first = await c.get(path, { timeoutMs: 900000 });
  if (first.status !== 200) throw new Error(`${path}: ${first.status} ${first.text.slice(0, 300)}`);
  // a request far over its target (the city's statistics) is repeated twice, not REPEAT times
  const n = first.ms > 10 * target ? Math.min(repeat, 2) : repeat;
  const ms = [];
  for (let i = 0; i < n; i++) {
    const r = await c.get(path, { timeoutMs: 900000 });
    if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
    ms.push(r.ms);
  }
  const m = median(ms);
  console.log(`${('ejia HTTP: ' + label).padEnd(44)} ${m.toFixed(1).padStart(10)} ms  (n ${n}, min ${Math.min(...ms).toFixed(1)}, max ${Math.max(...ms).toFixed(1)}, first ${first.ms.toFixed(1)}; target ≤ ${target} ms: ${m <= target ? 'met' : 'MISSED'})  GET ${path.replace(idn, '<ID number>')}  → ${show(first.data)}`);
}
c.close();
