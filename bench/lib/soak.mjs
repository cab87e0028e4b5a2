// bench/lib/soak.mjs — the body of bench/soak (see there).
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  startServer, Client, ejiaRun, multipart, ledgerRows, csvOf, xlsxOf, sqlRows, sqlOne, percentile, slope, randInt, pick, DISTRICT_CODES,
} from './ejia.mjs';

const argv = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, ...v]) => [k, v.join('=')]));
const SECONDS = Number(argv.seconds || 60);
const CONNS = Number(argv.conns || 64);
const TMP = argv.tmp, BIN = argv.bin, PGBASE = argv.pg || '';
const SERVER_ARGS = (argv['server-args'] || '').split(' ').filter(Boolean);
if (!TMP || !BIN) { console.error('usage: soak.mjs --seconds=S --tmp=DIR --bin=EJIA [--pg=URL] [--conns=64] [--server-args="…"]'); process.exit(2); }
const PW = 'Soak-load-2026!';
const TAG = Date.now().toString(36).slice(-5);
const env = {};
let dbUrl;
if (PGBASE) {
  const name = `soak_${process.pid}`;
  const r = spawnSync('psql', [`${PGBASE}/postgres`, '-qAtc', `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('createdb: ' + r.stderr);
  dbUrl = `${PGBASE}/${name}`;
  env.EJIA_KEY_FILE = path.join(TMP, 'pg.key');
} else dbUrl = path.join(TMP, 'soak.db');
const backend = PGBASE ? 'PostgreSQL' : 'SQLite';
const UPLOADS = path.join(TMP, 'uploads');   // the server's TMPDIR: uploads are spooled there
mkdirSync(UPLOADS, { recursive: true });
env.TMPDIR = UPLOADS;

// ---- set up: a demo city, a city user, the server ----
let t = Date.now();
ejiaRun(BIN, ['demo', '--db', dbUrl], { env });
ejiaRun(BIN, ['user', 'add', '--db', dbUrl, '--username', 'soak-city', '--role', 'city', '--password-stdin'], { input: PW + '\n', env });
const srv = await startServer({ bin: BIN, db: dbUrl, env, args: ['--bulletin-schedule', 'false', ...SERVER_ARGS],
  onPid: (pid) => spawnSync('sh', ['-c', `echo ${pid} > ${TMP}/server.pid`]) });
process.on('exit', () => { try { process.kill(srv.pid, 'SIGKILL'); } catch {} });
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => process.exit(130));
const c = new Client(srv.base, { maxSockets: CONNS });
await c.login('soak-city', PW);
const setupMs = Date.now() - t;

// what the load reads and writes
const orgIds = sqlRows(dbUrl, "SELECT id FROM org WHERE kind <> '工委'").map((r) => Number(r[0]));
const parents = sqlRows(dbUrl, "SELECT id FROM org WHERE kind = '工委'").map((r) => Number(r[0]));
const entIds = sqlRows(dbUrl, 'SELECT id FROM enterprise').map((r) => Number(r[0]));
const freeEnts = sqlRows(dbUrl, `SELECT id FROM enterprise e WHERE zombie = 0 AND NOT EXISTS (SELECT 1 FROM org_cover c
  WHERE c.enterprise_id = e.id AND (c.to_day IS NULL OR c.to_day > '2019-01-01'))`).map((r) => Number(r[0]));
const DAY0 = Date.UTC(2019, 0, 1), SPAN = Math.min(2500, Math.floor((Date.now() - DAY0) / 86400000) - 2);
let tStart = 0;
const today = () => new Date(DAY0 + Math.floor(Math.min(1, (Date.now() - tStart) / (SECONDS * 1000)) * SPAN) * 86400000).toISOString().slice(0, 10);

const myOrgs = [];      // {id, kind, covers: [{ent, from}], busy}
const myUsers = [];     // {id, disabled, busy}
let n = 0;

const READS = [
  () => '/api/orgs?roots=1',
  () => `/api/orgs?parent_id=${pick(parents)}&size=50`,
  () => `/api/orgs/${pick(orgIds)}`,
  () => `/api/orgs?size=20&sort=name&q=${encodeURIComponent('中共')}`,
  () => '/api/coverage?date=2018-04-30&by=district',
  () => '/api/coverage/trend?from=2017-12-21&to=2018-04-30',
  () => '/api/coverage/enterprises?date=2018-04-30&state=uncovered&size=50',
  () => `/api/enterprises/${pick(entIds)}/coverage`,
  () => '/api/ledger/imports?size=20',
  () => '/api/ledger/rounds',
  () => `/api/ledger/rounds/3?size=20&page=${randInt(1, 10)}`,
  () => '/api/users?size=20',
  () => '/api/org/events?size=20',
  () => '/api/instructors?size=20',
];

// one operation: {kind, group, method, path, json|body, done(res)}
function nextOp() {
  const x = Math.random() * 100;
  const day = today();
  if (x < 78) {
    const p = pick(READS)();
    return { group: 'read', kind: 'read ' + p.split('?')[0].replace(/\/\d+/g, '/{id}'), method: 'GET', path: p };
  }
  if (x < 84) {   // uploads: small ledger files, each new
    const rows = randInt(5, 200), xlsx = Math.random() < 0.4;
    const data = ledgerRows(`压测${TAG}-${++n}-`, rows);
    const mp = multipart('file', `压测-${TAG}-${n}.${xlsx ? 'xlsx' : 'csv'}`, xlsx ? xlsxOf(data) : csvOf(data));
    return { group: 'upload', kind: 'upload ledger import', method: 'POST', path: '/api/ledger/imports', body: mp.body, contentType: mp.contentType };
  }
  if (x < 95) {   // organization writes
    const live = myOrgs.filter((o) => !o.busy && !o.dissolved);
    const y = Math.random();
    if (y < 0.35 || live.length < 5) {
      const joint = freeEnts.length >= 2 && Math.random() < 0.5, single = !joint && freeEnts.length >= 1 && Math.random() < 0.5;
      const ents = joint ? freeEnts.splice(0, 2) : single ? freeEnts.splice(0, 1) : [];
      const body = { name: `中共压测${TAG}第${++n}${joint ? '联合' : ''}支部`, kind: joint ? '联合党支部' : '党支部', established_on: day, approved: true };
      if (ents.length) body.enterprise_ids = ents; else body.district_code = pick(DISTRICT_CODES);
      if (joint) { body.based_on = 'building'; body.base_name = '压测大厦'; }
      return { group: 'write', kind: 'org create', method: 'POST', path: '/api/orgs', json: body, done: (r) => {
        if (r && r.status === 201) myOrgs.push({ id: r.data.org.id, kind: body.kind, covers: ents.map((e) => ({ ent: e, from: day })) });
        else freeEnts.push(...ents);
      } };
    }
    const o = pick(live);
    o.busy = true;
    const open = o.covers.filter((cv) => cv.from < day);
    if (y < 0.6 && freeEnts.length && (o.kind === '联合党支部' ? o.covers.length < 5 : o.covers.length === 0)) {
      const ent = freeEnts.shift();
      return { group: 'write', kind: 'org cover add', method: 'POST', path: `/api/orgs/${o.id}/covers`, json: { enterprise_id: ent, day }, done: (r) => {
        o.busy = false;
        if (r && r.status === 200) o.covers.push({ ent, from: day }); else freeEnts.push(ent);
      } };
    }
    if (y < 0.8 && open.length) {
      const cv = pick(open);
      return { group: 'write', kind: 'org cover remove', method: 'POST', path: `/api/orgs/${o.id}/covers/${cv.ent}/remove`, json: { day }, done: (r) => {
        o.busy = false;
        if (r && r.status === 200) { o.covers = o.covers.filter((x) => x !== cv); freeEnts.push(cv.ent); }
      } };
    }
    if (y < 0.9 && o.kind === '党支部') {
      return { group: 'write', kind: 'org upgrade', method: 'POST', path: `/api/orgs/${o.id}/upgrade`, json: { to_kind: '党总支', day, approved: true }, done: (r) => {
        o.busy = false;
        if (r && r.status === 200) o.kind = '党总支';
      } };
    }
    return { group: 'write', kind: 'org dissolve', method: 'POST', path: `/api/orgs/${o.id}/dissolve`, json: { day }, done: (r) => {
      o.busy = false;
      if (r && r.status === 200) { o.dissolved = true; freeEnts.push(...o.covers.map((cv) => cv.ent)); o.covers = []; }
    } };
  }
  // user writes (create, disable/enable, and — two argon2 hashes — reset)
  const idle = myUsers.filter((u) => !u.busy);
  const y = Math.random();
  if (y < 0.4 || idle.length < 3) {
    const district = Math.random() < 0.5, i = ++n;
    const body = { username: `soak${TAG}-${i}`, name: `压测${i}`, role: district ? 'district' : 'member' };
    if (district) body.scope = pick(DISTRICT_CODES);
    return { group: 'write', kind: 'user create', method: 'POST', path: '/api/users', json: body, done: (r) => {
      if (r && r.status === 201) myUsers.push({ id: r.data.user.id, disabled: false });
    } };
  }
  const u = pick(idle);
  u.busy = true;
  if (y < 0.8) {
    return { group: 'write', kind: 'user disable/enable', method: 'POST', path: `/api/users/${u.id}/disable`, json: { disabled: !u.disabled }, done: (r) => {
      u.busy = false;
      if (r && r.status === 204) u.disabled = !u.disabled;
    } };
  }
  return { group: 'write', kind: 'user reset', method: 'POST', path: `/api/users/${u.id}/reset`, json: { password: PW }, done: () => { u.busy = false; } };
}

// ---- the load ----
const kinds = new Map();   // kind → {n, lat:[], errors, refused: Map(status → n), sample}
const groups = { read: [], write: [], upload: [] };
const all = [];
let errors = 0, refused = 0;
const errSamples = [], refSamples = new Map();
const rec = (op, ms, status, err) => {
  let k = kinds.get(op.kind);
  if (!k) kinds.set(op.kind, (k = { group: op.group, n: 0, lat: [], errors: 0, refused: 0 }));
  k.n++;
  if (err || status >= 500) {
    errors++; k.errors++;
    if (errSamples.length < 10) errSamples.push(`${op.method} ${op.path}: ${err || status}`);
    return;
  }
  k.lat.push(ms); groups[op.group].push(ms); all.push(ms);
  if (status >= 400) {
    refused++; k.refused++;
    const key = `${op.kind} ${status}`;
    if (!refSamples.has(key)) refSamples.set(key, { n: 0, sample: '' });
    const s = refSamples.get(key);
    s.n++; s.sample ||= String(op.resp?.error?.message || '').slice(0, 120);
  }
};

// RSS of the server every second
const rss = [];   // [seconds since start, KiB]
const readRss = () => { try { const m = readFileSync(`/proc/${srv.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/); return m ? Number(m[1]) : null; } catch { return null; } };
const cpuOf = () => { try { const f = readFileSync(`/proc/${srv.pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) / 100; } catch { return 0; } };
const conns = () => {   // established TCP connections to the server's port (server side)
  const hex = srv.port.toString(16).toUpperCase().padStart(4, '0');
  try { return readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((f) => f[1]?.endsWith(':' + hex) && f[3] === '01').length; } catch { return -1; }
};

console.log(`soak: ${CONNS} connections for ${SECONDS} s on ${backend} (demo city), server ${srv.base} pid ${srv.pid}${SERVER_ARGS.length ? ' ' + SERVER_ARGS.join(' ') : ''}; set up in ${setupMs} ms`);
tStart = Date.now();
const tEnd = tStart + SECONDS * 1000;
const cpu0 = cpuOf(), ccpu0 = process.cpuUsage();
rss.push([0, readRss()]);
let maxConns = 0;
const sampler = setInterval(() => {
  rss.push([(Date.now() - tStart) / 1000, readRss()]);
  maxConns = Math.max(maxConns, conns());
}, 1000);

async function loop() {
  while (Date.now() < tEnd) {
    const op = nextOp();
    const t0 = process.hrtime.bigint();
    let r = null, err = null;
    try {
      r = await c.request(op.method, op.path, { json: op.json, body: op.body, contentType: op.contentType, timeoutMs: 60000 });
      op.resp = r.data;
    } catch (e) { err = e.code || e.message; }
    rec(op, Number(process.hrtime.bigint() - t0) / 1e6, r?.status, err);
    op.done?.(r);
  }
}
await Promise.all(Array.from({ length: CONNS }, loop));
const elapsed = (Date.now() - tStart) / 1000;
clearInterval(sampler);
rss.push([elapsed, readRss()]);
const cpu1 = cpuOf(), ccpu = process.cpuUsage(ccpu0);
c.close();

// after the load: the server is alive and answers, the database is sound, SIGTERM stops it
const alive = srv.child.exitCode === null && srv.child.signalCode === null;
let hz = 'dead';
if (alive) { const h = new Client(srv.base); hz = await h.get('/healthz').then((r) => r.status, (e) => e.message); h.close(); }
const ts = Date.now();
srv.child.kill('SIGTERM');
const ex = await Promise.race([srv.exited, new Promise((r) => setTimeout(() => r({ code: 'still running after 60 s' }), 60000))]);
const stopMs = Date.now() - ts;
const ic = PGBASE ? 'n/a' : sqlRows(dbUrl, 'PRAGMA integrity_check').map((x) => x[0]).join('; ');
const av = ejiaRun(BIN, ['audit', 'verify', '--db', dbUrl, '--log-level', 'warn'], { env, check: false });

// ---- report ----
const sorted = (a) => a.slice().sort((x, y) => x - y);
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');
const total = [...kinds.values()].reduce((a, k) => a + k.n, 0);
console.log('');
console.log(`== soak, ${backend}, ${CONNS} connections, ${elapsed.toFixed(1)} s ==`);
console.log(`${'kind'.padEnd(36)} ${'requests'.padStart(8)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'4xx'.padStart(5)} ${'errors'.padStart(6)}`);
const line = (name, nreq, lat, r4, er) => {
  const s = sorted(lat);
  console.log(`${name.padEnd(36)} ${String(nreq).padStart(8)} ${(nreq / elapsed).toFixed(1).padStart(7)} ${f1(percentile(s, 50)).padStart(8)} ${f1(percentile(s, 99)).padStart(8)} ${String(r4).padStart(5)} ${String(er).padStart(6)}`);
};
for (const g of ['read', 'write', 'upload']) {
  const ks = [...kinds.entries()].filter(([, k]) => k.group === g).sort((a, b) => b[1].n - a[1].n);
  for (const [name, k] of ks) line('  ' + name, k.n, k.lat, k.refused, k.errors);
  line(`${g}s (all)`, ks.reduce((a, [, k]) => a + k.n, 0), groups[g], ks.reduce((a, [, k]) => a + k.refused, 0), ks.reduce((a, [, k]) => a + k.errors, 0));
}
line('all requests', total, all, refused, errors);
console.log(`errors (5xx or connection errors): ${errors}${errSamples.length ? ' — ' + errSamples.join('; ') : ''}`);
console.log(`4xx (refusals, not errors): ${refused}${refused ? ' — ' + [...refSamples.entries()].map(([k, v]) => `${k} ×${v.n} (“${v.sample}”)`).join('; ') : ''}`);
const vals = rss.filter((x) => x[1] !== null);
const half = vals.filter((x) => x[0] >= elapsed / 2);
const fit = (pts) => {   // least-squares slope (KiB/s) and the residual noise (KiB)
  const sl = slope(pts.map((x) => x[0]), pts.map((x) => x[1]));
  const mx = pts.reduce((a, x) => a + x[0], 0) / pts.length, my = pts.reduce((a, x) => a + x[1], 0) / pts.length;
  const noise = Math.sqrt(pts.reduce((a, x) => a + (x[1] - (my + sl * (x[0] - mx))) ** 2, 0) / pts.length);
  return { sl, noise, mean: my };
};
// Each argon2 hash (user create, reset) borrows 19 MiB for a moment, so single
// samples jump; the floor (the least of every 5 consecutive samples) is what
// stays allocated.
const floor = [];
for (let i = 0; i + 5 <= half.length; i += 5) floor.push([half[i + 2][0], Math.min(...half.slice(i, i + 5).map((x) => x[1]))]);
const raw = fit(half), fl = floor.length >= 2 ? fit(floor) : raw;
const span = elapsed / 2;
const grows = (f) => f.sl * span > Math.max(1024, 0.02 * f.mean, 2 * f.noise);
const flat = !grows(raw) && !grows(fl);
const mib = (k) => (k / 1024).toFixed(1);
console.log(`server RSS (VmRSS, ${vals.length} samples, 1/s): first ${mib(vals[0][1])} MiB, last ${mib(vals.at(-1)[1])} MiB, max ${mib(Math.max(...vals.map((x) => x[1])))} MiB`);
console.log(`  second half (${span.toFixed(0)} s): slope ${(raw.sl * 60 / 1024).toFixed(2)} MiB/min over all samples (noise ${mib(raw.noise)} MiB), ` +
  `${floor.length >= 2 ? (fl.sl * 60 / 1024).toFixed(2) + ' MiB/min' : 'n/a (run too short)'} over the 5-s floors (${floor.map((x) => mib(x[1])).join(' ')} MiB) → ${flat ? 'memory flat' : 'MEMORY GROWS'}`);
console.log(`RSS series (s:MiB): ${vals.filter((_, i) => i % Math.max(1, Math.round(vals.length / 20)) === 0 || _ === vals.at(-1)).map((x) => `${x[0].toFixed(0)}:${mib(x[1])}`).join(' ')}`);
console.log(`CPU: server ${(cpu1 - cpu0).toFixed(1)} s, load generator ${((ccpu.user + ccpu.system) / 1e6).toFixed(1)} s over ${elapsed.toFixed(0)} s on ${(await import('node:os')).cpus().length} cores; established connections seen at most ${maxConns}`);
console.log(`afterwards: /healthz ${hz}; SIGTERM → exit ${ex.code ?? ex.sig} in ${stopMs} ms; ${PGBASE ? '' : `integrity_check ${ic}; `}ejia audit verify exit ${av.status}; ` +
  `${myOrgs.length} organizations and ${myUsers.length} users created; ${readdirSync(UPLOADS).length} temp files left in the server's TMPDIR`);
if (PGBASE) spawnSync('psql', [`${PGBASE}/postgres`, '-qAtc', `DROP DATABASE IF EXISTS soak_${process.pid} WITH (FORCE)`]);
const bad = errors || !flat || !alive || hz !== 200 || (!PGBASE && ic !== 'ok') || av.status !== 0;
process.exit(bad ? 1 : 0);
