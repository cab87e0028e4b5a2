// audit-coverage — after an API test run: every route that writes or exports
// was exercised successfully at least once, and every such request left
// exactly one audit row (a route written on a flush, x-audit-on-flush: one row
// when the request flushed, none otherwise, and at least one request flushed).  Reads the trace the servers wrote with
// --audit-trace (one line per successful write or export: METHOD PATTERN
// ROWS) and the route list from /api/openapi.json.  A write is any method
// but GET; an export is a list's ?format=xlsx (x-export, only when a test
// exported it) or a download route (x-download).  Run by scripts/check:
//   node tests/api/audit-coverage.mjs TRACE
import { readFileSync, existsSync } from 'node:fs';
import { startServer, Client } from './lib.mjs';

const trace = process.argv[2];
const lines = trace && existsSync(trace) ? readFileSync(trace, 'utf8').split('\n').filter(Boolean) : [];
const seen = new Map();   // "METHOD PATTERN" -> [rows...]
for (const l of lines) {
  const m = l.match(/^(\S+) (\S+) (-?\d+)$/);
  if (!m) continue;
  const k = `${m[1]} ${m[2]}`;
  if (!seen.has(k)) seen.set(k, []);
  seen.get(k).push(Number(m[3]));
}
const s = await startServer({});
let spec;
try { spec = (await new Client(s.base).get('/api/openapi.json')).data; } finally { await s.stop(); }
const problems = [];
let audited = 0;
for (const [p, item] of Object.entries(spec.paths)) {
  for (const [m, op] of Object.entries(item)) {
    const method = m.toUpperCase();
    const k = `${method} ${p}`;
    const must = method !== 'GET' || op['x-download'];
    const rows = seen.get(k) || [];
    // a write answered from memory and written on a flush (x-audit-on-flush: study heartbeats) leaves one row
    // when it flushed, none otherwise — and a test must show a flush leaving its row
    const flush = !!op['x-audit-on-flush'];
    const bad = rows.filter((n) => n !== 1 && !(flush && n === 0));
    if (bad.length) problems.push(`${k}: a successful request left ${[...new Set(bad)].join('/')} audit rows, want exactly 1${flush ? ' (or 0 when not flushed)' : ''}`);
    if (must) {
      audited++;
      if (!rows.length) problems.push(`${k}: never exercised successfully by the API tests (a write or download must be shown to leave its audit row)`);
      else if (flush && !rows.includes(1)) problems.push(`${k}: written on a flush, but no test request flushed (none left its audit row)`);
    }
  }
}
if (problems.length) {
  console.log(`audit coverage: ${problems.length} problem(s)`);
  for (const x of problems) console.log('  ' + x);
  process.exit(1);
}
console.log(`audit coverage: all ${audited} writing or downloading routes exercised, each request with exactly one audit row (${lines.length} requests)`);
