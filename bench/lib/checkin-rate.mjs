// checkin-rate — how many phone check-ins per second one server takes (issue 15:
// "check-in ≥ 1,000 per second, a city's 主题党日 morning").  M members of one
// branch each check in to K meetings of the same hour: M × K check-ins, each
// a real POST /api/checkin with a signed code (one audited act each; the server
// commits those that arrive together in one transaction), sent C at a time.
// Beside it, the peer: the same members reading GET /api/me/meetings as many
// times (a read of the same size: session, the member's rows, JSON).  The
// server runs on the demo city with its clock set to 10:00 China time tomorrow
// (test-clock-file), so the window is open.
//   node bench/lib/checkin-rate.mjs [M=50] [K=20] [C=64]   (EJIA_TEST_PG_BASE for PostgreSQL)
//   CLIENT=wrk (default; C, two threads) or CLIENT=node (fetch: the client then
//   takes more CPU than the server); SERVER_ARGS="--threads 8" for ejia serve;
//   BENCH_PERF=file records the server with perf over the check-ins.
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { startServer, addUser, loginAs, backend } from '../../tests/api/lib.mjs';
import { wrkJobs } from './wrk-jobs.mjs';

const [M, K, C] = [Number(process.argv[2] || 50), Number(process.argv[3] || 20), Number(process.argv[4] || 64)];
const CLIENT = process.env.CLIENT || 'wrk';
const tmp = mkdtempSync(path.join(tmpdir(), 'ejia-checkin-'));
const clockFile = path.join(tmp, 'clock');
const real = Math.floor(Date.now() / 1000);
const tomorrow = new Date((real + 8 * 3600 + 86400) * 1000).toISOString().slice(0, 10);
writeFileSync(clockFile, String(Math.floor(Date.parse(tomorrow + 'T10:00:00+08:00') / 1000) - real));
const srv = await startServer({ demo: true, args: ['--test-clock-file', clockFile, '--per-ip-limit', '0', ...(process.env.SERVER_ARGS || '').split(' ').filter(Boolean)] });   // every client is 127.0.0.1 here
const id18 = (b) => b + '10X98765432'[[...b].reduce((s, c, i) => s + Number(c) * [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2][i], 0) % 11];
try {
  addUser(srv.db.url, 'b_city', 'city');
  const city = await loginAs(srv.base, 'b_city');
  const org = (await city.get('/api/orgs?kind=党支部&size=1')).data.items[0].id;
  addUser(srv.db.url, 'b_sec', 'secretary', String(org));
  const sec = await loginAs(srv.base, 'b_sec');
  const members = [];
  for (let i = 0; i < M; i++) {
    addUser(srv.db.url, `b_m${i}`, 'member');
    const r = await city.post('/api/members', { name: `签${String.fromCharCode(0x5f20 + i)}`, id_number: id18(`35020319900101${String(1000 + i).slice(1)}`), org_id: org, category: '正式党员', joined_on: '2015-07-01', full_on: '2016-07-01', day: '2019-01-01', username: `b_m${i}` });
    if (r.status !== 201) throw new Error(r.text);
    members.push(await loginAs(srv.base, `b_m${i}`));
  }
  const tokens = [];
  for (let k = 0; k < K; k++) {
    const m = await sec.post(`/api/orgs/${org}/meetings`, { kind: '主题党日', day: tomorrow, start: '10:00', end: '11:00', place: '活动室' });
    if (m.status !== 201) throw new Error(m.text);
    tokens.push((await sec.get(`/api/meetings/${m.data.id}/checkin-token`)).data.token);
  }
  const jobs = [];
  for (let k = 0; k < K; k++) for (let i = 0; i < M; i++) jobs.push({ c: members[i], method: 'POST', path: '/api/checkin', body: { token: tokens[k] } });
  const reads = jobs.map((j) => ({ c: j.c, method: 'GET', path: '/api/me/meetings' }));
  const load = loadavg().map((x) => x.toFixed(2)).join(' ');
  // CPU seconds of the server (utime + stime of its process), to tell whether it or the client ran out
  const cpu = () => readFileSync(`/proc/${srv.child.pid}/stat`, 'utf8').split(') ')[1].split(' ').slice(11, 13).reduce((a, x) => a + Number(x), 0) / 100;

  // Send every job once, C at a time; returns ok, refused, seconds, p50 and p99 (ms) where known.
  async function run(list, label) {
    if (CLIENT === 'wrk') return wrkJobs(list, { base: srv.base, tmp, label, C })
    let next = 0, ok = 0, bad = 0;
    const t0 = process.hrtime.bigint();
    await Promise.all(Array.from({ length: C }, async () => {
      while (next < list.length) {
        const j = list[next++];
        const r = j.method === 'GET' ? await j.c.get(j.path) : await j.c.post(j.path, j.body);
        if (r.status === 200) ok++; else bad++;
      }
    }));
    return { ok, bad, s: Number(process.hrtime.bigint() - t0) / 1e9 };
  }
  const line = (what, r, cpuS) => `${backend}: ${what.padEnd(22)} ${String(r.ok).padStart(6)} ok (${r.bad} refused) in ${r.s.toFixed(2)} s = ${String((r.ok / r.s).toFixed(0)).padStart(5)} per second` +
    (r.p50 !== undefined ? `; p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms` : '') + `; server CPU ${(cpuS * 1000 / r.ok).toFixed(2)} ms each`;

  // BENCH_PERF=file: perf record of the server over the check-ins alone (where its time goes)
  const perf = process.env.BENCH_PERF && spawn('perf', ['record', '-F', '1999', '--call-graph', 'dwarf,16384', '-p', String(srv.child.pid), '-o', process.env.BENCH_PERF], { stdio: 'ignore' });
  if (perf) await new Promise((r) => setTimeout(r, 1000));
  let c0 = cpu();
  const w = await run(jobs, 'checkin');
  const wc = cpu() - c0;
  if (perf) { perf.kill('SIGINT'); await new Promise((r) => perf.on('close', r)); }
  c0 = cpu();
  const rd = await run(reads, 'read');
  const rc = cpu() - c0;
  console.log(`# ${CLIENT} client, ${C} at a time, ${M} members × ${K} meetings; load before ${load}`);
  console.log(line('check-in (write)', w, wc));
  console.log(line('peer: my meetings (read)', rd, rc));
} finally {
  await srv.stop();
  rmSync(tmp, { recursive: true, force: true });
}
