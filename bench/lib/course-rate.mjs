// course-rate — online study at a city's evening (issue 16): how many heartbeats one server
// takes per second, and a 200 MB video served with range requests from disk.
//   Heartbeats: M members each open a course (their study session) and send K heartbeats
//   (POST /api/me/study/heartbeat: the session's row read and updated, the credit when a minute
//   is full, one audited act each; the server commits those that arrive together in one
//   transaction), C at a time with wrk.  Peer: the same members reading GET /api/me as many
//   times (a session lookup and a small JSON reply).
//   Video: a 200 MB file uploaded as a course's video, then read whole with curl (no range, and
//   as "bytes=0-") and in 1 MB ranges at random places; the peer is `dd` of the same kept file
//   to /dev/null (both from the page cache after a first read).  The server's RSS is read from
//   /proc before, during and after.
//   node bench/lib/course-rate.mjs [M=200] [K=25] [C=64] [VIDEO_MB=200]   (EJIA_TEST_PG_BASE for PostgreSQL)
import { mkdtempSync, writeFileSync, rmSync, readFileSync, openSync, writeSync, closeSync, statSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startServer, addUser, loginAs, backend } from '../../tests/api/lib.mjs';
import { wrkJobs } from './wrk-jobs.mjs';

const [M, K, C, MB] = [Number(process.argv[2] || 200), Number(process.argv[3] || 25), Number(process.argv[4] || 64), Number(process.argv[5] || 200)];
const tmp = mkdtempSync(path.join(tmpdir(), 'ejia-course-'));
const clockFile = path.join(tmp, 'clock');
writeFileSync(clockFile, '0');
const srv = await startServer({ demo: true, args: ['--test-clock-file', clockFile, '--per-ip-limit', '0', '--max-upload', String((MB + 10) * 1048576),
  '--course-daily-cap-min', '1440', ...(process.env.SERVER_ARGS || '').split(' ').filter(Boolean)] });
const id18 = (b) => b + '10X98765432'[[...b].reduce((s, c, i) => s + Number(c) * [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2][i], 0) % 11];
const rss = () => Number(readFileSync(`/proc/${srv.child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
const cpu = () => readFileSync(`/proc/${srv.child.pid}/stat`, 'utf8').split(') ')[1].split(' ').slice(11, 13).reduce((a, x) => a + Number(x), 0) / 100;
try {
  addUser(srv.db.url, 'b_city', 'city');
  const city = await loginAs(srv.base, 'b_city');
  const org = (await city.get('/api/orgs?kind=党支部&size=1')).data.items[0].id;
  let r = await city.post('/api/courses', { kind: 'article', title: '压测课程', category: '理论学习', minutes: 600, state: 'published', body: '<p>压测</p>' });
  if (r.status !== 201) throw new Error(r.text);
  const course = r.data.id;
  const members = [];
  for (let i = 0; i < M; i++) {
    addUser(srv.db.url, `b_m${i}`, 'member');
    r = await city.post('/api/members', { name: `学${String.fromCharCode(0x5f20 + (i % 500))}`, id_number: id18(`35020319770707${String(i % 1000).padStart(3, '0')}`), org_id: org, category: '正式党员', joined_on: '2015-07-01', full_on: '2016-07-01', day: '2019-01-01', username: `b_m${i}` });
    if (r.status !== 201) throw new Error(r.text);
    const c = await loginAs(srv.base, `b_m${i}`);
    c.token = (await c.post(`/api/me/study/courses/${course}/open`, {})).data.token;
    members.push(c);
  }
  // seq k of every member before seq k+1 of any: a member's next heartbeat follows their previous one
  const jobs = [];
  for (let k = 1; k <= K; k++) for (const c of members) jobs.push({ c, method: 'POST', path: '/api/me/study/heartbeat', body: { course_id: course, token: c.token, seq: k, position: k } });
  const reads = jobs.map((j) => ({ c: j.c, method: 'GET', path: '/api/me' }));
  const load = loadavg().map((x) => x.toFixed(2)).join(' ');

  // every job once, C at a time over wrk's two threads; ok, refused, seconds, p50/p99 (ms)
  const run = (list, label) => wrkJobs(list, { base: srv.base, tmp, label, C })
  const line = (what, x, cpuS) => `${backend}: ${what.padEnd(26)} ${String(x.ok).padStart(6)} ok (${x.bad} refused) in ${x.s.toFixed(2)} s = ${String((x.ok / x.s).toFixed(0)).padStart(5)} per second` +
    `; p50 ${x.p50.toFixed(1)} ms, p99 ${x.p99.toFixed(1)} ms; server CPU ${(cpuS * 1000 / Math.max(1, x.ok)).toFixed(2)} ms each`;
  let c0 = cpu();
  const hb = await run(jobs, 'beat');
  const hc = cpu() - c0;
  c0 = cpu();
  const rd = await run(reads, 'read');
  const rc = cpu() - c0;
  const credited = spawnSync(backend === 'sqlite' ? 'sqlite3' : 'psql', backend === 'sqlite' ? [srv.db.url, "SELECT COUNT(*), COALESCE(SUM(minutes), 0) FROM study_credit WHERE source = 'online'"] : [srv.db.url, '-qAtc', "SELECT COUNT(*), COALESCE(SUM(minutes), 0) FROM study_credit WHERE source = 'online'"], { encoding: 'utf8' }).stdout.trim();
  console.log(`# heartbeats: wrk, ${C} at a time, ${M} members × ${K} heartbeats; load before ${load}; the server's clock runs (credit rows|minutes: ${credited})`);
  console.log(line('heartbeat (write)', hb, hc));
  console.log(line('peer: GET /api/me (read)', rd, rc));

  // ---- the video ----
  const file = path.join(tmp, 'video.mp4');
  const fd = openSync(file, 'w');
  writeSync(fd, Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42')]));
  const chunk = randomBytes(1 << 20);
  for (let i = 0; i < MB; i++) writeSync(fd, chunk);
  closeSync(fd);
  const size = statSync(file).size;
  r = await city.post('/api/courses', { kind: 'video', title: '压测视频', category: '党课', minutes: 60 });
  const vid = r.data.id;
  const up = spawnSync('curl', ['-s', '-o', path.join(tmp, 'up.json'), '-w', '%{http_code} %{time_total}', '-H', `Cookie: ${city.cookieHeader()}`, '-H', `Origin: ${srv.base}`,
    '-F', `file=@${file};filename=v.mp4`, '-F', 'duration_sec=3600', `${srv.base}/api/courses/${vid}/file`], { encoding: 'utf8' });
  if (!up.stdout.startsWith('200')) throw new Error('upload: ' + up.stdout + readFileSync(path.join(tmp, 'up.json'), 'utf8'));
  const sha = JSON.parse(spawnSync(backend === 'sqlite' ? 'sqlite3' : 'psql', backend === 'sqlite' ? ['-json', srv.db.url, `SELECT file_sha FROM course WHERE id = ${vid}`] : [srv.db.url, '-qAtc', `SELECT json_agg(json_build_object('file_sha', file_sha)) FROM course WHERE id = ${vid}`], { encoding: 'utf8' }).stdout)[0].file_sha;
  const kept = backend === 'sqlite' ? path.join(srv.db.url + '.files', sha.slice(0, 2), sha) : path.join('var/files', sha.slice(0, 2), sha);
  const url = `${srv.base}/api/courses/${vid}/file`;
  const curl = (range) => {
    const a = ['-s', '-o', '/dev/null', '-w', '%{http_code} %{size_download} %{time_total}', '-H', `Cookie: ${city.cookieHeader()}`];
    if (range) a.push('-H', `Range: bytes=${range}`);
    const [code, n, t] = spawnSync('curl', [...a, url], { encoding: 'utf8' }).stdout.split(' ');
    return { code, n: Number(n), t: Number(t) };
  };
  const dd = () => { const t0 = process.hrtime.bigint(); spawnSync('dd', [`if=${kept}`, 'of=/dev/null', 'bs=1M'], { encoding: 'utf8' }); return Number(process.hrtime.bigint() - t0) / 1e9; };
  dd(); curl();   // both from the page cache from here on
  const rss0 = rss();
  let peak = rss0;
  const watch = setInterval(() => { peak = Math.max(peak, rss()); }, 20);
  const best = (f) => { let b = Infinity; for (let i = 0; i < 3; i++) b = Math.min(b, f()); return b; };
  const whole = best(() => { const x = curl(); if (x.code !== '200' || x.n !== size) throw new Error('whole: ' + JSON.stringify(x)); return x.t; });
  const ranged = best(() => { const x = curl('0-'); if (x.code !== '206' || x.n !== size) throw new Error('0-: ' + JSON.stringify(x)); return x.t; });
  const peer = best(dd);
  // a phone seeking: 1 MB ranges at 100 places
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 100; i++) {
    const at = Math.floor(Math.random() * (size - (1 << 20)));
    const x = curl(`${at}-${at + (1 << 20) - 1}`);
    if (x.code !== '206' || x.n !== 1 << 20) throw new Error('range: ' + JSON.stringify(x));
  }
  const seeks = Number(process.hrtime.bigint() - t0) / 1e9;
  await new Promise((res) => setTimeout(res, 100));
  clearInterval(watch);
  const mbs = (t) => (size / 1048576 / t).toFixed(0);
  console.log(`# video: ${(size / 1048576).toFixed(0)} MB kept as ${path.basename(kept).slice(0, 12)}…, uploaded in ${up.stdout.split(' ')[1]} s; best of 3, from the page cache`);
  console.log(`${backend}: whole file (200)            ${whole.toFixed(3)} s = ${mbs(whole)} MB/s`);
  console.log(`${backend}: Range bytes=0- (206)        ${ranged.toFixed(3)} s = ${mbs(ranged)} MB/s`);
  console.log(`${backend}: peer: dd bs=1M of the file  ${peer.toFixed(3)} s = ${mbs(peer)} MB/s`);
  console.log(`${backend}: 100 seeks of 1 MB (206)     ${seeks.toFixed(2)} s = ${(seeks * 10).toFixed(1)} ms each (a curl process each)`);
  console.log(`${backend}: server RSS                  ${rss0.toFixed(1)} MB before, peak ${peak.toFixed(1)} MB while serving, ${rss().toFixed(1)} MB after`);
} finally {
  await srv.stop();
  rmSync(tmp, { recursive: true, force: true });
}
