// bench/lib/crash-cycles.mjs — the body of bench/crash-cycles (see there).
//
// One database (a demo city), one city user logged in once (the session
// outlives every restart).  Each cycle: 1–3 workers send writes one after
// another — ledger imports (CSV/xlsx, multipart), rounds, organization writes
// (create, cover add/remove, upgrade, dissolve, merge), user writes (create,
// reset, disable/enable) — and the server gets SIGKILL at a log-uniform random
// moment 5 µs … 1.2 s after the first write has been handed to the kernel.
// Then the server is restarted and the database is read directly:
//   - SQLite: PRAGMA integrity_check = ok, foreign_key_check empty; `ejia audit verify`;
//   - every object this script ever wrote is exactly as the model says: an
//     acknowledged write (2xx received) is there and whole; a refused one (4xx)
//     left nothing; a write cut by the kill is there whole or not at all (never
//     half); nothing else changed;
//   - invariants over whole tables (each import has all its records, each round
//     all its entities and members, every organization its path, the audit
//     chain has no gap).
// A write cut by the kill is then pinned to what was found, so the model stays exact.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, copyFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  startServer, Client, ejiaRun, multipart, ledgerRows, csvOf, xlsxOf, sha256, sqlRows, sqlOne,
  randInt, logUniform, pick, DISTRICT_CODES,
} from './ejia.mjs';

// ---- arguments ----
const argv = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, ...v]) => [k, v.join('=')]));
const N = Number(argv.n || 1000);
const TMP = argv.tmp;
const BIN = argv.bin;
const PGBASE = argv.pg || '';
const MAX_SECONDS = Number(argv['max-seconds'] || 0) || N * 20 + 300;   // a hard bound on the whole run
const KEEP_GOING = process.env.KEEP_GOING === '1';
const VERBOSE = process.env.VERBOSE === '1';
if (!TMP || !BIN) { console.error('usage: crash-cycles.mjs --n=N --tmp=DIR --bin=EJIA [--pg=postgresql://…]'); process.exit(2); }

const T_START = Date.now();
const deadline = T_START + MAX_SECONDS * 1000;
const PW = 'Crash-cycle-2026!';
const LOGIN = 'cc-city';
const TAG = Date.now().toString(36).slice(-5);
const ORG_PREFIX = '中共崩溃';
const USER_PREFIX = 'ccu';
const env = {};
let dbUrl;
if (PGBASE) {
  const name = `cc_${process.pid}`;
  const r = spawnSync('psql', [`${PGBASE}/postgres`, '-qAtc', `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('createdb: ' + r.stderr);
  dbUrl = `${PGBASE}/${name}`;
  env.EJIA_KEY_FILE = path.join(TMP, 'pg.key');
} else {
  dbUrl = path.join(TMP, 'cc.db');
}
const backend = PGBASE ? 'PostgreSQL' : 'SQLite';
// the server's temp folder (uploads are spooled there): our own, to see what a kill leaves behind
const UPLOADS = path.join(TMP, 'uploads');
mkdirSync(UPLOADS, { recursive: true });
env.TMPDIR = UPLOADS;

// ---- the server ----
let srv = null;
const client = new Client('http://127.0.0.1:1');
function writePid(pid) { writeFileSync(path.join(TMP, 'server.pid'), String(pid)); }
async function start() {
  srv = await startServer({ bin: BIN, db: dbUrl, env, args: ['--bulletin-schedule', 'false', '--threads', '2'], onPid: writePid });
  client.setBase(srv.base);
}
process.on('exit', () => { try { if (srv) process.kill(srv.pid, 'SIGKILL'); } catch {} });
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => { console.log(`\n(${sig}: stopping)`); process.exit(130); });

// ---- setup ----
const t0 = Date.now();
ejiaRun(BIN, ['demo', '--db', dbUrl, '--enterprises', '800', '--bulletins', 'no'], { env });
ejiaRun(BIN, ['user', 'add', '--db', dbUrl, '--username', LOGIN, '--role', 'city', '--password-stdin'], { input: PW + '\n', env });
await start();
await client.login(LOGIN, PW);
console.log(`crash-cycles: ${N} cycles on ${backend} (${PGBASE ? dbUrl.replace(/\/\/.*@/, '//…@') : 'demo database in a temp folder'}), set up in ${Date.now() - t0} ms`);

// Days: each cycle writes organizations on its own day, later than the last,
// so that covers can be removed and enterprises covered again.
const DAY0 = Date.UTC(2019, 0, 1);
const maxDays = Math.floor((Date.now() - DAY0) / 86400000) - 2;
const dayOf = (c) => new Date(DAY0 + Math.floor(c * Math.min(1, maxDays / (N + 1))) * 86400000).toISOString().slice(0, 10);

// Enterprises nobody covers from the first day on: ours to cover and free again.
const initialFree = sqlRows(dbUrl, `SELECT id FROM enterprise e WHERE zombie = 0 AND NOT EXISTS (SELECT 1 FROM org_cover c
  WHERE c.enterprise_id = e.id AND (c.to_day IS NULL OR c.to_day > '2019-01-01')) ORDER BY id`).map((r) => Number(r[0]));

// ---- reading the database ----
const cnt = (s) => Number(s);
function snapshot() {
  const m = new Map();
  for (const r of sqlRows(dbUrl, `SELECT sha256, id, source, rows, problems, errors,
      (SELECT COUNT(*) FROM ledger_record x WHERE x.import_id = i.id), (SELECT COUNT(*) FROM ledger_problem p WHERE p.import_id = i.id)
      FROM ledger_import i`))
    m.set(`imp:${r[0]}`, { id: cnt(r[1]), source: r[2], rows: cnt(r[3]), problems: cnt(r[4]), errors: cnt(r[5]), nrec: cnt(r[6]), nprob: cnt(r[7]) });
  const rimp = new Map();
  for (const r of sqlRows(dbUrl, 'SELECT round_id, import_id FROM ledger_round_import ORDER BY round_id, position'))
    rimp.set(r[0], [...(rimp.get(r[0]) || []), cnt(r[1])]);
  for (const r of sqlRows(dbUrl, `SELECT id, number, records, entities, removed, review,
      (SELECT COUNT(*) FROM ledger_round_entity x WHERE x.round_id = r.id), (SELECT COUNT(*) FROM ledger_round_member x WHERE x.round_id = r.id),
      (SELECT COUNT(*) FROM ledger_round_review x WHERE x.round_id = r.id) FROM ledger_round r`))
    m.set(`round:${r[0]}`, { id: cnt(r[0]), number: cnt(r[1]), records: cnt(r[2]), entities: cnt(r[3]), removed: cnt(r[4]), review: cnt(r[5]),
      nent: cnt(r[6]), nmem: cnt(r[7]), nrev: cnt(r[8]), imports: (rimp.get(r[0]) || []).join(',') });
  const orgs = new Map(), byId = new Map();
  for (const r of sqlRows(dbUrl, `SELECT id, name, kind, COALESCE(CAST(parent_id AS TEXT), ''), COALESCE(dissolved_on, ''),
      CASE WHEN path = COALESCE((SELECT p.path FROM org p WHERE p.id = o.parent_id), '/') || CAST(o.id AS TEXT) || '/' THEN 1 ELSE 0 END
      FROM org o WHERE name LIKE '${ORG_PREFIX}%'`)) {
    const o = { id: cnt(r[0]), kind: r[2], parent: r[3], dissolved: r[4], path_ok: r[5], covers: [], events: [] };
    orgs.set(r[1], o); byId.set(r[0], o);
  }
  for (const r of sqlRows(dbUrl, `SELECT c.org_id, c.enterprise_id, c.from_day, COALESCE(c.to_day, '') FROM org_cover c
      JOIN org o ON o.id = c.org_id WHERE o.name LIKE '${ORG_PREFIX}%'`))
    byId.get(r[0]).covers.push(`${r[1]}|${r[2]}|${r[3]}`);
  for (const r of sqlRows(dbUrl, `SELECT e.org_id, e.kind, e.day, COALESCE(CAST(e.enterprise_id AS TEXT), ''),
      COALESCE(CAST(e.other_org_id AS TEXT), '') FROM org_event e JOIN org o ON o.id = e.org_id WHERE o.name LIKE '${ORG_PREFIX}%'`))
    byId.get(r[0]).events.push(`${r[1]}|${r[2]}|${r[3]}|${r[4]}`);
  for (const [name, o] of orgs) { o.covers.sort(); o.events.sort(); m.set(`org:${name}`, o); }
  const audits = new Map();
  for (const r of sqlRows(dbUrl, `SELECT object, action, COUNT(*) FROM audit WHERE action IN ('user.create', 'user.reset', 'user.disable', 'user.enable')
      AND object LIKE 'user:%' GROUP BY object, action`))
    audits.set(`${r[0]}|${r[1]}`, cnt(r[2]));
  for (const r of sqlRows(dbUrl, `SELECT id, username, role, scope_code, disabled, must_change_password, password_hash,
      CASE WHEN phone IS NULL THEN 0 ELSE 1 END, (SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id AND s.ended_at IS NULL)
      FROM users u WHERE username LIKE '${USER_PREFIX}%'`)) {
    const a = (act) => audits.get(`user:${r[0]}|${act}`) || 0;
    m.set(`user:${r[1]}`, { id: cnt(r[0]), role: r[2], scope: r[3], disabled: cnt(r[4]), must_change: cnt(r[5]), hash: r[6], phone: cnt(r[7]),
      sessions: cnt(r[8]), a_create: a('user.create'), a_reset: a('user.reset'), a_disable: a('user.disable'), a_enable: a('user.enable') });
  }
  return m;
}

// does actual match an expected state whose fields may be predicates?
function matches(actual, want) {
  if (want === null || want === undefined) return actual === null || actual === undefined;
  if (actual === null || actual === undefined) return false;
  for (const [k, v] of Object.entries(want)) {
    if (typeof v === 'function' ? !v(actual[k], actual) : !isDeepStrictEqual(actual[k], v)) return false;
  }
  return true;
}
const any = () => true;
const show = (o) => (o === null || o === undefined ? 'absent' : JSON.stringify(o, (k, v) => (typeof v === 'function' ? '<pred>' : v)).slice(0, 600));

// ---- the model ----
const exp = snapshot();            // key → the state as it must be found (pinned)
const importFiles = new Map();     // sha → {name, bytes} of imports made here (for duplicate uploads)
const otps = new Map();            // username → {otp, hash} of the last acknowledged reset
let seq = 0;

function openCovers(o) { return o.covers.filter((c) => c.endsWith('|')).map((c) => Number(c.split('|')[0])); }
function freeEnterprises() {
  const used = new Set();
  for (const [k, o] of exp) if (k.startsWith('org:')) for (const e of openCovers(o)) used.add(e);
  return initialFree.filter((e) => !used.has(e));
}
const mine = (prefix) => [...exp.keys()].filter((k) => k.startsWith(prefix));

// Plan one write for this cycle; cx holds the cycle's day, locked keys and free enterprises.
function plan(cx) {
  const kinds = [
    ['import', 22], ['import.dup', 3], ['round', 10],
    ['org.create', 12], ['org.cover_add', 6], ['org.cover_remove', 5], ['org.upgrade', 3], ['org.dissolve', 3], ['org.merge', 3],
    ['user.create', 12], ['user.reset', 8], ['user.disable', 7],
  ];
  for (let tries = 0; tries < 20; tries++) {
    let x = Math.random() * kinds.reduce((a, k) => a + k[1], 0), kind;
    for (const [k, w] of kinds) { if ((x -= w) < 0) { kind = k; break; } }
    const w = build(kind, cx);
    if (w) {
      for (const k of w.keys) cx.locked.add(k);
      w.before = new Map(w.keys.map((k) => [k, exp.has(k) ? exp.get(k) : null]));
      return w;
    }
  }
  return null;
}
const free = (cx, k) => !cx.locked.has(k);
const takeEnts = (cx, n) => (cx.free.length >= n ? cx.free.splice(0, n) : null);

function build(kind, cx) {
  const n = ++seq, day = cx.day;
  switch (kind) {
  case 'import': {
    const rows = Math.round(logUniform(1, 1500));
    const data = ledgerRows(`崩溃${TAG}-${n}-`, rows);
    const xlsx = Math.random() < 0.35;
    const name = `崩溃-${TAG}-${n}.${xlsx ? 'xlsx' : 'csv'}`;
    const bytes = xlsx ? xlsxOf(data) : csvOf(data);
    const sha = sha256(bytes), key = `imp:${sha}`;
    importFiles.set(sha, { name, bytes });
    const mp = multipart('file', name, bytes);
    return {
      kind, keys: [key], method: 'POST', path: '/api/ledger/imports', body: mp.body, contentType: mp.contentType,
      after: (resp) => new Map([[key, { id: resp ? resp.import.id : any, source: name, rows, nrec: rows, problems: resp ? resp.import.problems : any,
        nprob: (v, a) => v === a.problems, errors: resp ? resp.import.errors : (v, a) => v <= a.problems }]]),
    };
  }
  case 'import.dup': {   // the same bytes again: refused (409), nothing changes
    const cand = [...importFiles.entries()].filter(([sha]) => exp.get(`imp:${sha}`) && free(cx, `imp:${sha}`));
    if (!cand.length) return null;
    const [sha, f] = pick(cand), key = `imp:${sha}`;
    const mp = multipart('file', f.name, f.bytes);
    return { kind, keys: [key], method: 'POST', path: '/api/ledger/imports', body: mp.body, contentType: mp.contentType, expectRefusal: 409,
      after: () => new Map([[key, exp.get(key)]]) };
  }
  case 'round': {
    const imps = mine('imp:').map((k) => exp.get(k)).filter(Boolean);
    if (!imps.length) return null;
    const k = Math.min(imps.length, randInt(1, 4)), chosen = [];
    const pool = imps.slice();
    while (chosen.length < k) chosen.push(pool.splice(randInt(0, pool.length - 1), 1)[0]);
    const number = randInt(1, 3), records = chosen.reduce((a, x) => a + x.rows, 0), ids = chosen.map((x) => x.id);
    return { kind, keys: [], round: { number, imports: ids.join(','), records }, method: 'POST', path: '/api/ledger/rounds',
      json: { number, imports: ids } };
  }
  case 'org.create': {
    const joint = Math.random() < 0.4, m = joint ? randInt(2, 3) : randInt(0, 1);
    const ents = takeEnts(cx, m);
    if (!ents) return null;
    const name = `${ORG_PREFIX}${TAG}第${n}${joint ? '联合' : ''}支部`, key = `org:${name}`;
    const body = { name, kind: joint ? '联合党支部' : '党支部', established_on: day, approved: true, secretary: '测试' };
    if (ents.length) body.enterprise_ids = ents;
    if (!ents.length || Math.random() < 0.5) body.district_code = pick(DISTRICT_CODES);
    if (joint) { body.based_on = 'street'; body.base_name = '崩溃测试街道'; }
    return {
      kind, keys: [key], ents, method: 'POST', path: '/api/orgs', json: body,
      after: (resp) => new Map([[key, { id: resp ? resp.org.id : any, kind: body.kind, parent: (v) => v !== '', dissolved: '', path_ok: '1',
        covers: ents.map((e) => `${e}|${day}|`).sort(), events: [`established|${day}||`, ...ents.map((e) => `cover_added|${day}|${e}|`)].sort() }]]),
    };
  }
  case 'org.cover_add': {
    const cand = mine('org:').filter((k) => free(cx, k)).filter((k) => {
      const o = exp.get(k);
      if (!o || o.dissolved) return false;
      const u = openCovers(o).length;
      return o.kind === '联合党支部' ? u < 5 : u === 0;
    });
    if (!cand.length) return null;
    const ents = takeEnts(cx, 1);
    if (!ents) return null;
    const key = pick(cand), o = exp.get(key), ent = ents[0];
    return { kind, keys: [key], ents, method: 'POST', path: `/api/orgs/${o.id}/covers`, json: { enterprise_id: ent, day },
      after: () => new Map([[key, { ...o, covers: [...o.covers, `${ent}|${day}|`].sort(), events: [...o.events, `cover_added|${day}|${ent}|`].sort() }]]) };
  }
  case 'org.cover_remove': {
    const cand = mine('org:').filter((k) => free(cx, k)).filter((k) => exp.get(k)?.covers.some((c) => c.endsWith('|') && c.split('|')[1] < day));
    if (!cand.length) return null;
    const key = pick(cand), o = exp.get(key);
    const c = pick(o.covers.filter((c) => c.endsWith('|') && c.split('|')[1] < day)), ent = Number(c.split('|')[0]);
    return { kind, keys: [key], method: 'POST', path: `/api/orgs/${o.id}/covers/${ent}/remove`, json: { day, note: '崩溃测试移除' },
      after: () => new Map([[key, { ...o, covers: o.covers.map((x) => (x === c ? `${c}${day}` : x)).sort(),
        events: [...o.events, `cover_removed|${day}|${ent}|`].sort() }]]) };
  }
  case 'org.upgrade': {
    const cand = mine('org:').filter((k) => free(cx, k)).filter((k) => { const o = exp.get(k); return o && !o.dissolved && ['党支部', '党总支'].includes(o.kind); });
    if (!cand.length) return null;
    const key = pick(cand), o = exp.get(key), to = o.kind === '党支部' ? '党总支' : '党委';
    return { kind, keys: [key], method: 'POST', path: `/api/orgs/${o.id}/upgrade`, json: { to_kind: to, day, approved: true },
      after: () => new Map([[key, { ...o, kind: to, events: [...o.events, `upgraded|${day}||`].sort() }]]) };
  }
  case 'org.dissolve': {
    const cand = mine('org:').filter((k) => free(cx, k)).filter((k) => { const o = exp.get(k); return o && !o.dissolved; });
    if (!cand.length) return null;
    const key = pick(cand), o = exp.get(key), open = openCovers(o);
    return { kind, keys: [key], method: 'POST', path: `/api/orgs/${o.id}/dissolve`, json: { day, note: '崩溃测试撤销' },
      after: () => new Map([[key, { ...o, dissolved: day, covers: o.covers.map((x) => (x.endsWith('|') ? x + day : x)).sort(),
        events: [...o.events, ...open.map((e) => `cover_removed|${day}|${e}|`), `dissolved|${day}||`].sort() }]]) };
  }
  case 'org.merge': {
    const live = mine('org:').filter((k) => free(cx, k)).filter((k) => { const o = exp.get(k); return o && !o.dissolved; });
    const into = live.filter((k) => exp.get(k).kind === '联合党支部');
    for (let t = 0; t < 10 && into.length; t++) {
      const kb = pick(into), ka = pick(live);
      if (ka === kb) continue;
      const a = exp.get(ka), b = exp.get(kb), moved = openCovers(a);
      if (openCovers(b).length + moved.length > 5) continue;
      return { kind, keys: [ka, kb], method: 'POST', path: `/api/orgs/${a.id}/merge`, json: { into_id: b.id, day, note: '崩溃测试合并' },
        after: () => new Map([
          [ka, { ...a, dissolved: day, covers: a.covers.map((x) => (x.endsWith('|') ? x + day : x)).sort(), events: [...a.events, `merged|${day}||${b.id}`].sort() }],
          [kb, { ...b, covers: [...b.covers, ...moved.map((e) => `${e}|${day}|`)].sort(), events: [...b.events, ...moved.map((e) => `cover_added|${day}|${e}|${a.id}`)].sort() }],
        ]) };
    }
    return null;
  }
  case 'user.create': {
    const username = `${USER_PREFIX}${TAG}-${n}`.toLowerCase(), key = `user:${username}`;
    const district = Math.random() < 0.6;
    const body = { username, name: `崩溃测试${n}`, role: district ? 'district' : 'member', phone: `138${String(10000000 + n).slice(-8)}` };
    if (district) body.scope = pick(DISTRICT_CODES);
    return { kind, keys: [key], method: 'POST', path: '/api/users', json: body,
      after: (resp) => new Map([[key, { id: resp ? resp.user.id : any, role: body.role, scope: district ? body.scope : any, disabled: 0, must_change: 1,
        hash: any, phone: 1, sessions: 0, a_create: 1, a_reset: 0, a_disable: 0, a_enable: 0 }]]) };
  }
  case 'user.reset': {
    const cand = mine('user:').filter((k) => free(cx, k) && exp.get(k));
    if (!cand.length) return null;
    const key = pick(cand), u = exp.get(key);
    return { kind, keys: [key], method: 'POST', path: `/api/users/${u.id}/reset`, json: { password: PW },
      after: () => new Map([[key, { ...u, hash: (h) => h !== u.hash, must_change: 1, sessions: 0, a_reset: u.a_reset + 1 }]]) };
  }
  case 'user.disable': {
    const cand = mine('user:').filter((k) => free(cx, k) && exp.get(k));
    if (!cand.length) return null;
    const key = pick(cand), u = exp.get(key), off = !u.disabled;
    return { kind, keys: [key], method: 'POST', path: `/api/users/${u.id}/disable`, json: { disabled: off },
      after: () => new Map([[key, { ...u, disabled: off ? 1 : 0, sessions: off ? 0 : u.sessions,
        a_disable: u.a_disable + (off ? 1 : 0), a_enable: u.a_enable + (off ? 0 : 1) }]]) };
  }
  }
  return null;
}

// ---- one cycle ----
const KINDS = ['import', 'import.dup', 'round', 'org.create', 'org.cover_add', 'org.cover_remove', 'org.upgrade', 'org.dissolve', 'org.merge',
  'user.create', 'user.reset', 'user.disable'];
const stat = Object.fromEntries(KINDS.map((k) => [k, { sent: 0, acked: 0, refused: 0, killed: 0, killedApplied: 0 }]));
const totals = { cycles: 0, kills: 0, killsIdle: 0, acked: 0, ackedChecks: 0, refused: 0, failures: 0, otpLogins: 0, delays: [], restartMs: [] };
const failures = [];
function fail(cycle, msg) {
  totals.failures++;
  failures.push(`cycle ${cycle}: ${msg}`);
  console.log(`FAIL cycle ${cycle}: ${msg}`);
}

const hr = () => Number(process.hrtime.bigint()) / 1e9;
async function cycle(c) {
  const cx = { day: dayOf(c), locked: new Set(), free: freeEnterprises().sort(() => Math.random() - 0.5) };
  const writes = [];
  let killed = false, killAt = null, firstSent = null;
  const delay = logUniform(5e-6, 1.2);
  let killedKinds = [];
  const kill = () => {
    if (killed) return;
    killed = true;
    killedKinds = writes.filter((w) => w.sent && !w.done).map((w) => w.kind);
    try { process.kill(srv.pid, 'SIGKILL'); } catch {}
    killAt = hr();
  };
  const onFirstSent = () => {
    if (firstSent !== null) return;
    firstSent = hr();
    if (delay < 0.002) { while (hr() - firstSent < delay); kill(); }   // sub-millisecond: spin, then kill at once
    else setTimeout(kill, Math.max(0, (delay - (hr() - firstSent)) * 1000));
  };
  const worker = async () => {
    while (!killed) {
      const w = plan(cx);
      if (!w) return;
      writes.push(w);
      try {
        const r = await client.request(w.method, w.path, { json: w.json, body: w.body, contentType: w.contentType, timeoutMs: 30000,
          onSent: () => { w.sent = true; stat[w.kind].sent++; onFirstSent(); } });
        w.status = r.status; w.resp = r.data;
      } catch (e) { w.error = e.message; }
      w.done = true;
      if (w.status === 401) client.needLogin = true;
    }
  };
  const nw = randInt(1, 3);
  const running = Promise.all(Array.from({ length: nw }, worker));
  // a kill must come: bound the wait in case no write was ever sent
  const guard = setTimeout(kill, 5000);
  const ex = await srv.exited;
  clearTimeout(guard);
  if (!killed) { killed = true; fail(c, `the server exited by itself (${ex.code ?? ex.sig}): ${srv.stderr().slice(-500)}`); }
  const settled = await Promise.race([running.then(() => true), new Promise((r) => setTimeout(() => r(false), 30000))]);
  if (!settled) fail(c, 'requests still open 30 s after the kill');
  totals.kills++;
  totals.delays.push(delay);
  if (!killedKinds.length) totals.killsIdle++;

  const tr = Date.now();
  await start();
  totals.restartMs.push(Date.now() - tr);
  if (client.needLogin) { await client.login(LOGIN, PW); client.needLogin = false; }
  check(c, writes, killedKinds);
  totals.cycles++;
  if (VERBOSE) console.log(`cycle ${c}: day ${cx.day}, ${nw} workers, delay ${(delay * 1000).toFixed(3)} ms, writes ${writes.map((w) => `${w.kind}:${w.status ?? 'cut'}`).join(' ')}`);
}

function check(c, writes, killedKinds) {
  // the database as a whole
  if (!PGBASE) {
    const ic = sqlRows(dbUrl, 'PRAGMA integrity_check').map((r) => r[0]).join('; ');
    if (ic !== 'ok') fail(c, `integrity_check: ${ic}`);
    const fk = sqlRows(dbUrl, 'PRAGMA foreign_key_check');
    if (fk.length) fail(c, `foreign_key_check: ${fk.length} rows, e.g. ${fk[0].join(' ')}`);
  }
  const av = ejiaRun(BIN, ['audit', 'verify', '--db', dbUrl, '--log-level', 'warn'], { env, check: false });
  if (av.status !== 0) fail(c, `ejia audit verify exited ${av.status}: ${(av.stdout + av.stderr).trim().slice(0, 300)}`);
  const inv = sqlRows(dbUrl, `SELECT
      (SELECT COUNT(*) FROM ledger_import i WHERE rows <> (SELECT COUNT(*) FROM ledger_record r WHERE r.import_id = i.id)),
      (SELECT COUNT(*) FROM ledger_round r WHERE entities + removed <> (SELECT COUNT(*) FROM ledger_round_entity x WHERE x.round_id = r.id)
          OR records <> (SELECT COUNT(*) FROM ledger_round_member x WHERE x.round_id = r.id)
          OR NOT EXISTS (SELECT 1 FROM ledger_round_import x WHERE x.round_id = r.id)),
      (SELECT COUNT(*) FROM org o WHERE path <> COALESCE((SELECT p.path FROM org p WHERE p.id = o.parent_id), '/') || CAST(o.id AS TEXT) || '/'),
      (SELECT COUNT(*) FROM audit), (SELECT COALESCE(MAX(seq) - MIN(seq) + 1, 0) FROM audit), (SELECT COALESCE(MAX(seq), 0) FROM audit),
      (SELECT seq FROM audit_head)`)[0].map(Number);
  if (inv[0]) fail(c, `${inv[0]} import(s) without all their records`);
  if (inv[1]) fail(c, `${inv[1]} round(s) without all their entities, members or imports`);
  if (inv[2]) fail(c, `${inv[2]} organization(s) with a wrong path`);
  if (inv[3] !== inv[4] || inv[5] !== inv[6]) fail(c, `audit chain: ${inv[3]} rows over seq span ${inv[4]}, max ${inv[5]}, head ${inv[6]}`);

  // every object against the model
  const act = snapshot();
  const touched = new Set(writes.flatMap((w) => w.keys));
  for (const [k, want] of exp) {
    if (touched.has(k)) continue;
    if (!isDeepStrictEqual(act.get(k) ?? null, want)) fail(c, `${k} changed with no write to it: want ${show(want)}, found ${show(act.get(k))}`);
    else if (want) totals.ackedChecks++;
  }
  for (const w of writes) {
    const st = stat[w.kind];
    const got = new Map(w.keys.map((k) => [k, act.get(k) ?? null]));
    const is = (want) => [...want].every(([k, v]) => matches(got.get(k), v));
    if (w.kind === 'round') continue;
    if (w.status >= 200 && w.status < 300) {
      st.acked++; totals.acked++;
      if (w.expectRefusal) fail(c, `${w.kind} ${w.path} was accepted (${w.status}); ${w.expectRefusal} expected`);
      else if (!is(w.after(w.resp))) fail(c, `acknowledged ${w.kind} ${w.path} ${JSON.stringify(w.json ?? '')} not found whole: want ${show([...w.after(w.resp)][0][1])}, found ${show(got.get(w.keys[0]))}`);
      if (w.kind === 'user.reset') otps.set(w.keys[0], { otp: w.resp.one_time_password, hash: got.get(w.keys[0])?.hash });
    } else if (w.status >= 400 && w.status < 500) {
      st.refused++; totals.refused++;
      if (w.expectRefusal && w.status !== w.expectRefusal) fail(c, `${w.kind}: ${w.status} where ${w.expectRefusal} expected: ${JSON.stringify(w.resp).slice(0, 200)}`);
      if (!w.expectRefusal && VERBOSE) console.log(`  refused ${w.kind} ${w.status}: ${JSON.stringify(w.resp).slice(0, 300)}`);
      if (!is(w.before)) fail(c, `refused ${w.kind} (${w.status}) left a trace: found ${show(got.get(w.keys[0]))}`);
    } else if (w.status >= 500) {
      fail(c, `${w.kind} ${w.path}: ${w.status} ${JSON.stringify(w.resp).slice(0, 300)}`);
    } else {
      // cut by the kill (or never sent): whole or absent, never half
      // (w.sent may lag: the kill can come before node has run the write's callback)
      const applied = is(w.after(null)), none = is(w.before);
      if (w.sent || (applied && !none)) { st.killed++; if (applied && !none) st.killedApplied++; }
      if (!applied && !none) fail(c, `${w.kind} cut by the kill is half there: before ${show(w.before.get(w.keys[0]))}, after ${show(w.after(null).get(w.keys[0]))}, found ${show(got.get(w.keys[0]))}`);
    }
    for (const k of w.keys) { if (act.has(k)) exp.set(k, act.get(k)); else exp.delete(k); }
  }
  // rounds: every round present is known, or comes from one of this cycle's round writes
  const rounds = writes.filter((w) => w.kind === 'round');
  const newRounds = [...act.keys()].filter((k) => k.startsWith('round:') && !exp.has(k));
  const lostKnown = [...exp.keys()].filter((k) => k.startsWith('round:') && !act.has(k));
  for (const k of lostKnown) fail(c, `${k} disappeared`);
  const claimed = new Set();
  for (const w of rounds) {
    const st = stat[w.kind];
    if (w.status >= 200 && w.status < 300) {
      st.acked++; totals.acked++;
      const k = `round:${w.resp.round.id}`, a = act.get(k), r = w.resp.round;
      claimed.add(k);
      if (!matches(a, { number: w.round.number, imports: w.round.imports, records: w.round.records, entities: r.entities, removed: r.removed,
        review: r.review, nent: r.entities + r.removed, nmem: w.round.records, nrev: (v) => v <= r.review })) fail(c, `acknowledged round ${k} not whole: response ${JSON.stringify(r)}, found ${show(a)} (imports ${w.round.imports})`);
    } else if (w.status >= 400 && w.status < 500) {
      st.refused++; totals.refused++;
      if (VERBOSE) console.log(`  refused round ${w.status}: ${JSON.stringify(w.resp).slice(0, 300)}`);
    } else if (w.status >= 500) fail(c, `round: ${w.status} ${JSON.stringify(w.resp).slice(0, 300)}`);
    else w.cut = true;
  }
  for (const k of newRounds) {
    if (claimed.has(k)) continue;
    const a = act.get(k);
    const w = rounds.find((w) => !(w.status >= 200 && w.status < 500) && !w.claimed && w.round.imports === a.imports && w.round.number === a.number);
    if (!w) { fail(c, `round ${k} appeared that no unacknowledged write of this cycle explains: ${show(a)}`); continue; }
    w.claimed = true;
    stat.round.killedApplied++;
    if (!matches(a, { records: w.round.records, nent: a.entities + a.removed, nmem: w.round.records, nrev: (v) => v <= a.review }))
      fail(c, `round ${k} cut by the kill is half there: ${show(a)}`);
  }
  for (const w of rounds) if (w.cut && (w.sent || w.claimed)) stat.round.killed++;
  for (const k of newRounds) exp.set(k, act.get(k));
  for (const [k] of exp) if (k.startsWith('round:') && !act.has(k)) exp.delete(k);
}

// An acknowledged one-time password still opens its account (occasionally: a login costs an argon2 hash).
async function otpLogin(c) {
  const cand = [...otps.entries()].filter(([k, o]) => exp.get(k) && exp.get(k).hash === o.hash && !exp.get(k).disabled);
  if (!cand.length) return;
  const [k, o] = pick(cand);
  const u = new Client(srv.base);
  const r = await u.post('/api/auth/login', { username: k.slice(5), password: o.otp });
  u.close();
  totals.otpLogins++;
  if (r.status !== 200 || !r.data?.user?.must_change_password) fail(c, `login of ${k} with its acknowledged one-time password: ${r.status} ${r.text.slice(0, 200)}`);
  const a = snapshot().get(k);
  exp.set(k, a);
  otps.set(k, { otp: o.otp, hash: a.hash });
}

// ---- run ----
let stopped = '';
for (let c = 1; c <= N; c++) {
  if (Date.now() > deadline) { stopped = `stopped at the time bound (${MAX_SECONDS} s)`; break; }
  const before = totals.failures;
  try {
    await cycle(c);
    if (Math.random() < 0.1) await otpLogin(c);
  } catch (e) {
    fail(c, `cycle aborted: ${e.stack || e.message}`);
    if (!srv || srv.child.exitCode !== null || srv.child.signalCode) { try { await start(); } catch (e2) { fail(c, `restart failed: ${e2.message}`); break; } }
  }
  if (totals.failures > before && !KEEP_GOING) {
    stopped = `stopped after the first failing cycle (${c}); KEEP_GOING=1 runs on`;
    if (!PGBASE) {
      const keep = path.resolve('bench/out', `crash-cycles-fail-${Date.now()}`);
      mkdirSync(keep, { recursive: true });
      try { process.kill(srv.pid, 'SIGKILL'); await srv.exited; } catch {}
      for (const f of ['cc.db', 'cc.db-wal', 'cc.db.key']) if (existsSync(path.join(TMP, f))) copyFileSync(path.join(TMP, f), path.join(keep, f));
      console.log(`database kept in ${keep}`);
    }
    break;
  }
  if (c % 50 === 0 || c === N) {
    const el = (Date.now() - T_START) / 1000;
    console.log(`  … ${c} cycles, ${totals.acked} acknowledged writes, ${totals.failures} failures, ${el.toFixed(0)} s`);
  }
}
try { process.kill(srv.pid, 'SIGTERM'); await Promise.race([srv.exited, new Promise((r) => setTimeout(r, 10000))]); } catch {}
try { process.kill(srv.pid, 'SIGKILL'); } catch {}
client.close();

// ---- summary ----
const secs = (Date.now() - T_START) / 1000;
const groups = { imports: ['import', 'import.dup'], rounds: ['round'], organizations: KINDS.filter((k) => k.startsWith('org.')), users: KINDS.filter((k) => k.startsWith('user.')) };
const sum = (ks, f) => ks.reduce((a, k) => a + stat[k][f], 0);
const d = totals.delays.slice().sort((a, b) => a - b), q = (p) => d[Math.min(d.length - 1, Math.floor(p * d.length))];
const rs = totals.restartMs.slice().sort((a, b) => a - b);
const finalCounts = sqlRows(dbUrl, `SELECT (SELECT COUNT(*) FROM ledger_import), (SELECT COUNT(*) FROM ledger_record), (SELECT COUNT(*) FROM ledger_round),
  (SELECT COUNT(*) FROM org WHERE name LIKE '${ORG_PREFIX}%'), (SELECT COUNT(*) FROM users WHERE username LIKE '${USER_PREFIX}%'), (SELECT COUNT(*) FROM audit)`)[0];
console.log('');
console.log(`== crash cycles, ${backend} ==`);
console.log(`cycles              ${totals.cycles} of ${N}${stopped ? ` (${stopped})` : ''}`);
console.log(`SIGKILLs            ${totals.kills}: delay after the first write was sent log-uniform 5 µs–1.2 s (p10 ${(q(0.1) * 1000).toFixed(3)} ms, median ${(q(0.5) * 1000).toFixed(2)} ms, p90 ${(q(0.9) * 1000).toFixed(0)} ms); ${totals.killsIdle} fell between writes`);
console.log('kills per kind of write (in flight at the kill: applied whole / absent after restart), writes sent, acknowledged, refused:');
for (const [g, ks] of Object.entries(groups)) {
  console.log(`  ${g.padEnd(14)} killed ${String(sum(ks, 'killed')).padStart(5)} (${sum(ks, 'killedApplied')} whole / ${sum(ks, 'killed') - sum(ks, 'killedApplied')} absent)   sent ${String(sum(ks, 'sent')).padStart(5)}   acked ${String(sum(ks, 'acked')).padStart(5)}   refused ${sum(ks, 'refused')}`);
  for (const k of ks) if (ks.length > 1) console.log(`    ${k.padEnd(18)} killed ${String(stat[k].killed).padStart(4)} (${stat[k].killedApplied} whole)   sent ${String(stat[k].sent).padStart(5)}   acked ${String(stat[k].acked).padStart(5)}   refused ${stat[k].refused}`);
}
console.log(`acknowledged writes ${totals.acked}, each checked after every later restart: ${totals.ackedChecks + totals.acked} object checks in all; ${totals.otpLogins} logins with an acknowledged one-time password`);
console.log(`checks per restart  ${PGBASE ? '' : 'PRAGMA integrity_check + foreign_key_check, '}ejia audit verify, table invariants (import records, round entities/members, org paths, audit seq), every object against the model`);
console.log(`restart             median ${rs[Math.floor(rs.length / 2)] ?? '-'} ms, max ${rs.at(-1) ?? '-'} ms (spawn until listening)`);
console.log(`database at the end ${finalCounts[0]} imports / ${finalCounts[1]} records, ${finalCounts[2]} rounds, ${finalCounts[3]} organizations and ${finalCounts[4]} users of this run, ${finalCounts[5]} audit rows`);
const left = readdirSync(UPLOADS);
console.log(`temp files left     ${left.length} in the server's TMPDIR after ${totals.kills} kills (${left.filter((f) => f.startsWith('ejia-upload-')).length} ejia-upload-*${left.length ? ': spooled uploads cut by a kill are not removed, not even at the next start' : ''})`);
console.log(`failures            ${totals.failures}`);
for (const f of failures.slice(0, 20)) console.log(`  ${f}`);
console.log(`time                ${secs.toFixed(0)} s (${(secs / Math.max(1, totals.cycles)).toFixed(2)} s per cycle)`);
if (PGBASE) spawnSync('psql', [`${PGBASE}/postgres`, '-qAtc', `DROP DATABASE IF EXISTS cc_${process.pid} WITH (FORCE)`]);
process.exit(totals.failures ? 1 : 0);
