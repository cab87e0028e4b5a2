// wrk-jobs — send a list of HTTP jobs once each through wrk (two threads, C connections) and time
// them: the one load loop of bench/lib/checkin-rate.mjs and bench/lib/course-rate.mjs.
// Each job is { c (a logged-in client: cookieHeader()), method, path, body? }.  Each wrk thread
// sends its half of the list, a connection's next request when its last reply came, and says DONE
// when its last reply came; wrk runs for its -d whatever its threads do, so the time is taken from
// the start to the second DONE, then wrk is stopped.  Returns { ok, bad, s, p50, p99 } (ms).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';

export async function wrkJobs(list, { base, tmp, label, C }) {
  const lua = path.join(tmp, `${label}.lua`);
  const q = (x) => JSON.stringify(x);
  writeFileSync(lua, `jobs = {${list.map((j) => `{${q(j.c.cookieHeader())}, ${q(j.method)}, ${q(j.path)}, ${j.body ? q(JSON.stringify(j.body)) : 'nil'}}`).join(',\n')}}
threads, nthreads = {}, 0
function setup(t) nthreads = nthreads + 1; t:set("me", nthreads); table.insert(threads, t) end
function init(args) mine = {}; for i = me, #jobs, 2 do mine[#mine + 1] = jobs[i] end; sent = 0; ok = 0; bad = 0; got = 0 end
function request()
  sent = sent + 1
  local j = mine[sent] or mine[#mine]
  return wrk.format(j[2], j[3], {["Cookie"] = j[1], ["Origin"] = "${base}", ["Content-Type"] = "application/json"}, j[4])
end
function response(status, headers, body)
  got = got + 1
  if got <= #mine then if status == 200 then ok = ok + 1 else bad = bad + 1 end end
  if got == #mine then io.write("DONE\\n"); io.stdout:flush(); wrk.thread:stop() end
end
function done(summary, latency, requests)
  local o, b = 0, 0
  for _, t in ipairs(threads) do o = o + t:get("ok"); b = b + t:get("bad") end
  io.write(string.format("RESULT %d %d %d %d\\n", o, b, latency:percentile(50), latency:percentile(99)))
end
`);
  const t0 = process.hrtime.bigint();
  const w = spawn('wrk', ['-t2', `-c${C}`, '-d300s', '--latency', '-s', lua, base + '/'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', dones = 0, s = 0;
  const closedW = new Promise((r) => w.on('close', r));
  await new Promise((resolve) => {
    w.stdout.on('data', (d) => {
      out += d;
      const n = (out.match(/DONE/g) || []).length;
      if (n > dones && (dones = n) === 2) { s = Number(process.hrtime.bigint() - t0) / 1e9; resolve(); }
    });
    w.on('close', resolve);
  });
  w.kill('SIGINT');
  await closedW;
  const m = out.match(/RESULT (\d+) (\d+) (\d+) (\d+)/);
  if (!m || dones < 2) throw new Error('wrk: ' + out);
  return { ok: Number(m[1]), bad: Number(m[2]), s, p50: Number(m[3]) / 1000, p99: Number(m[4]) / 1000 };
}
