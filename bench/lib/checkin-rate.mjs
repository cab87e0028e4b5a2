// checkin-rate — how many phone check-ins per second one server takes (issue 15:
// "check-in ≥ 1,000 per second, a city's 主题党日 morning").  M members of one
// branch each check in to K meetings of the same hour: M × K check-ins, each
// a real POST /api/checkin with a signed code (one audited transaction each),
// sent C at a time.  The server runs on the demo city with its clock set to
// 10:00 China time tomorrow (test-clock-file), so the window is open.
//   node bench/lib/checkin-rate.mjs [M=50] [K=20] [C=64]   (EJIA_TEST_PG_BASE for PostgreSQL)
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import path from 'node:path';
import { startServer, addUser, loginAs, backend } from '../../tests/api/lib.mjs';

const [M, K, C] = [Number(process.argv[2] || 50), Number(process.argv[3] || 20), Number(process.argv[4] || 64)];
const tmp = mkdtempSync(path.join(tmpdir(), 'ejia-checkin-'));
const clockFile = path.join(tmp, 'clock');
const real = Math.floor(Date.now() / 1000);
const tomorrow = new Date((real + 8 * 3600 + 86400) * 1000).toISOString().slice(0, 10);
writeFileSync(clockFile, String(Math.floor(Date.parse(tomorrow + 'T10:00:00+08:00') / 1000) - real));
const srv = await startServer({ demo: true, args: ['--test-clock-file', clockFile, '--per-ip-limit', '0'] });   // every client is 127.0.0.1 here
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
  for (let k = 0; k < K; k++) for (let i = 0; i < M; i++) jobs.push([members[i], tokens[k]]);
  const load = loadavg().map((x) => x.toFixed(2)).join(' ');
  let next = 0, ok = 0, bad = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: C }, async () => {
    while (next < jobs.length) {
      const [c, token] = jobs[next++];
      const r = await c.post('/api/checkin', { token });
      if (r.status === 200) ok++; else bad++;
    }
  }));
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${backend}: ${ok} check-ins (${bad} refused) in ${s.toFixed(2)} s = ${(ok / s).toFixed(0)} per second; ${C} at a time; load before ${load}`);
} finally {
  await srv.stop();
  rmSync(tmp, { recursive: true, force: true });
}
