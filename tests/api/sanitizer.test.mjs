// sanitizer — the API suite sees what the sanitizers see.  Under the ASan
// build a server that leaks fails the test that stops it (lib.mjs stop():
// LeakSanitizer's report at exit, the non-zero exit): shown with a test-only
// route that leaks on purpose (GET /api/test/leak, src/http/test_api.c), which
// exists only when the server runs with --test-routes, never in production,
// and is not in the OpenAPI document otherwise (so the access test and the
// audit coverage never see it).  Without the ASan build the leak test is
// skipped, saying why; the route's absence is checked on every build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startServer, Client, EJIA } from './lib.mjs';

// Is EJIA built with AddressSanitizer (gcc links libasan dynamically; clang's
// runtime is static, its symbols in the binary), with leak detection on?
function leakCheckOff() {
  const ldd = spawnSync('ldd', [EJIA], { encoding: 'utf8' });
  const asan = /libasan/.test(ldd.stdout || '') || readFileSync(EJIA).includes('__asan_init');
  if (!asan) return `${EJIA} is not the ASan build (make SANITIZE=1; scripts/check runs this in its ASan pass)`;
  if (/detect_leaks=(0|false)/.test(process.env.ASAN_OPTIONS || '')) return 'ASAN_OPTIONS turns leak detection off';
  return false;
}

test('a leak in the server fails the test that stops it (ASan build)', { skip: leakCheckOff() }, async () => {
  const srv = await startServer({ args: ['--test-routes', 'true'] });
  let stopped = false;
  try {
    const r = await new Client(srv.base).get('/api/test/leak');
    assert.equal(r.status, 200, r.text);
    stopped = true;
    await assert.rejects(srv.stop(), /sanitizer report: .*LeakSanitizer/, 'stop() reports the leak');
    assert.notEqual(srv.child.exitCode, 0, 'and the server exited non-zero');
    assert.match(srv.stderr(), /LeakSanitizer: detected memory leaks/);
  } finally {
    if (!stopped) await srv.stop({ expectFailure: true });
  }
});

test('the test-only routes exist only with --test-routes: not matched, not in the OpenAPI document', async () => {
  const plain = await startServer({});
  try {
    const c = new Client(plain.base);
    assert.equal((await c.get('/api/test/leak')).status, 404);
    const doc = (await c.get('/api/openapi.json')).data;
    assert.ok(doc.paths['/api/healthz'], 'the document lists the routes');
    assert.deepEqual(Object.keys(doc.paths).filter((p) => p.startsWith('/api/test/')), []);
  } finally { await plain.stop(); }
  const testing = await startServer({ args: ['--test-routes', 'true'] });
  try {
    const doc = (await new Client(testing.base).get('/api/openapi.json')).data;
    assert.ok(doc.paths['/api/test/leak']?.get, 'listed when the setting is on');
  } finally { await testing.stop(); }   // the leak route not called: a clean stop on every build
});
