// auth_duties — separation of duties (三权分立, issue 11 item 8), through the
// real server on a demo database (SQLite, or PostgreSQL when
// EJIA_TEST_PG_BASE is set).
//
// The auditor reads the log of what the administrators do, so no web account
// may create, reset, unlock, disable or enable an auditor or a system
// administrator (nor receive their one-time password): those accounts are
// managed only with `ejia user ...` on the server.  Checked for every role
// against every such account, including the caller's own; /api/me offers no
// such role; the CLI does what the API refuses, and audits it.
//
// The administrator's second factor is set up with the server's clock moved
// forward (test-clock-file) for each new code: nobody waits for a 30-s step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { startServer, Client, backend, ejia, totp, replaceOneTimePassword } from './lib.mjs';

const ROLES = JSON.parse(readFileSync('data/roles.json', 'utf8'));
const CLI_ONLY = ROLES.cli_only;
const DEMO_USER = { sysadmin: 'admin', city: 'city', district: 'siming', park: 'rjy2', org_admin: 'orgadmin', secretary: 'secretary', member: 'member', investor: 'investor', auditor: 'auditor' };
let srv, tmp, clockFile, clock = 0, secret;
const pw = {}, ids = {};
const advance = (s) => { clock += s; writeFileSync(clockFile, String(clock)); };
const nowS = () => Math.floor(Date.now() / 1000) + clock;

function sql(q) {
  const r = backend === 'sqlite'
    ? spawnSync('sqlite3', ['-cmd', '.timeout 20000', srv.db.url, q], { encoding: 'utf8' })
    : spawnSync('psql', [srv.db.url, '-qAtc', q], { encoding: 'utf8' });
  return (r.stdout || '').trim();
}

async function login(username, password, extra = {}) {
  const c = new Client(srv.base);
  const r = await c.post('/api/auth/login', { username, password, ...extra });
  return { c, r };
}
// A logged-in client for the demo user of a role (the administrator with a fresh code).
async function as(role) {
  const u = DEMO_USER[role];
  let extra = {};
  if (role === 'sysadmin' && secret) { advance(60); extra = { otp: totp(secret, nowS()) }; }
  const { c, r } = await login(u, pw[u], extra);
  assert.equal(r.status, 200, `${u}: ${r.text}`);
  return c;
}
const holds = (role, perm) => ROLES.roles[role].permissions.includes(perm);
// Every role, the administrator first (the one the rule is mostly about).
const EVERY_ROLE = ['sysadmin', ...Object.keys(ROLES.roles).filter((r) => r !== 'sysadmin')];

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'ejia-duties-'));
  clockFile = path.join(tmp, 'clock');
  writeFileSync(clockFile, '0');
  srv = await startServer({
    demo: true,
    args: ['--test-clock-file', clockFile],
    onDemo: (out) => { for (const m of out.matchAll(/^\s+(\w+)\s+(\S+)\s+(\S+)\s+\S/gm)) pw[m[2]] = m[3]; },
  });
  for (const u of Object.values(DEMO_USER)) {
    assert.ok(pw[u], `the demo printed a password for ${u}`);
    pw[u] = await replaceOneTimePassword(srv.base, u, pw[u]);
    ids[u] = Number(sql(`SELECT id FROM users WHERE username = '${u}'`));
    assert.ok(ids[u] > 0);
  }
  // The administrator must use a second factor before anything else.
  const { c } = await login('admin', pw.admin);
  const r = await c.post('/api/me/totp/setup', { password: pw.admin });
  assert.equal(r.status, 200, r.text);
  assert.equal((await c.post('/api/me/totp/enable', { otp: totp(r.data.secret, nowS()) })).status, 204);
  secret = r.data.secret;
});
after(async () => { await srv?.stop(); rmSync(tmp, { recursive: true, force: true }); });

test('the role table: no role assigns an auditor or an administrator; /api/me offers none, for every role', async () => {
  assert.deepEqual([...CLI_ONLY].sort(), ['auditor', 'sysadmin']);
  for (const [role, def] of Object.entries(ROLES.roles)) {
    for (const x of CLI_ONLY) assert.ok(!(def.assigns || []).includes(x), `${role} assigns ${x}`);
    const me = await (await as(role)).get('/api/me');
    assert.equal(me.status, 200);
    const offered = me.data.assignable_roles.map((a) => a.name);
    assert.deepEqual(offered, def.assigns, `${role}: the user form offers what the server allows`);
  }
});

test('no role creates an auditor or an administrator through the API; those who manage users are told to use ejia user add', async () => {
  for (const role of EVERY_ROLE) {
    const c = await as(role);
    for (const target of CLI_ONLY) {
      const r = await c.post('/api/users', { username: `new-${role}-${target}`.replace(/_/g, '-'), name: '新账号', role: target });
      assert.equal(r.status, 403, `${role} creating ${target}: ${r.text}`);
      assert.equal(r.data.one_time_password, undefined);
      if (holds(role, 'user.write')) {
        assert.equal(r.data.error.code, 'separation_of_duties', `${role} → ${target}`);
        assert.equal(r.data.error.field, 'role');
        assert.match(r.data.error.message, /三权分立/);
        assert.match(r.data.error.message, new RegExp(`ejia user add .*--role ${target}`));
      }
    }
  }
  assert.equal(sql("SELECT COUNT(*) FROM users WHERE username LIKE 'new-%'"), '0', 'nothing was created');
  // The administrator still creates other accounts (the rule is narrow).
  const r = await (await as('sysadmin')).post('/api/users', { username: 'duty-member', name: '普通党员', role: 'member' });
  assert.equal(r.status, 201, r.text);
});

test('no role resets, unlocks, disables or enables an auditor or an administrator (its own account included); the refusal says how to do it on the server', async () => {
  const targets = ['auditor', 'admin'];
  for (const role of EVERY_ROLE) {
    const c = await as(role);
    const me = DEMO_USER[role];
    for (const t of targets) {
      for (const [what, body] of [['reset', { password: pw[me] }], ['reset', { password: pw[me], totp: true }], ['unlock', undefined], ['disable', { disabled: true }], ['disable', { disabled: false }]]) {
        const r = await c.post(`/api/users/${ids[t]}/${what}`, body);
        assert.equal(r.status, 403, `${role} ${what} ${t}: ${r.text}`);
        assert.equal(r.data?.one_time_password, undefined);
        if (holds(role, 'user.write')) {
          assert.equal(r.data.error.code, 'separation_of_duties', `${role} ${what} ${t}`);
          assert.match(r.data.error.message, /三权分立/);
          assert.match(r.data.error.message, /ejia user reset\|unlock\|disable\|enable/);
        }
      }
    }
  }
  // Nothing changed: the auditor and the administrator log in as before.
  assert.equal((await login('auditor', pw.auditor)).r.status, 200);
  await as('sysadmin'); // (asserts the login)
  // Every refusal is in the audit log.
  const denied = Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'access.denied' AND object LIKE 'POST /api/users/%'"));
  assert.ok(denied >= Object.keys(ROLES.roles).length * targets.length * 5, `denials audited (${denied})`);
  // The administrator still manages other accounts.
  const r = await (await as('sysadmin')).post(`/api/users/${ids.city}/unlock`);
  assert.equal(r.status, 204, r.text);
});

test('on the server: ejia user add / reset / unlock / disable / enable manage auditors and administrators, each audited', async () => {
  const db = srv.db.url;
  let r = ejia(['user', 'add', '--db', db, '--username', 'auditor2', '--role', 'auditor', '--password-stdin'], { input: 'Aud-pass-2026x\n' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await login('auditor2', 'Aud-pass-2026x')).r.status, 200);
  const { c: old } = await login('auditor', pw.auditor);
  r = ejia(['user', 'reset', '--db', db, '--username', 'auditor']);
  assert.equal(r.status, 0, r.stderr);
  const otp = r.stdout.match(/一次性密码 \/ one-time password: (\S+)/)?.[1];
  assert.ok(otp, r.stdout);
  assert.equal((await old.get('/api/me')).status, 401, 'the reset ended its sessions');
  const l = await login('auditor', otp);
  assert.equal(l.r.status, 200);
  assert.equal(l.r.data.user.must_change_password, true, 'the one-time password must be replaced');
  pw.auditor = await replaceOneTimePassword(srv.base, 'auditor', otp);
  r = ejia(['user', 'reset', '--db', db, '--username', 'admin', '--totp', '--password-stdin'], { input: 'short\n' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /密码太短/);
  r = ejia(['user', 'disable', '--db', db, '--username', 'auditor2']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await login('auditor2', 'Aud-pass-2026x')).r.status, 401);
  r = ejia(['user', 'enable', '--db', db, '--username', 'auditor2']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await login('auditor2', 'Aud-pass-2026x')).r.status, 200);
  sql(`UPDATE users SET locked_until = ${nowS() + 3600} WHERE username = 'auditor2'`);
  assert.equal((await login('auditor2', 'Aud-pass-2026x')).r.status, 423);
  r = ejia(['user', 'unlock', '--db', db, '--username', 'auditor2']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await login('auditor2', 'Aud-pass-2026x')).r.status, 200);
  r = ejia(['user', 'reset', '--db', db, '--username', 'nobody-at-all']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /没有用户名为“nobody-at-all”的账号/);
  // The actor is the operating-system user who ran the command (base/uc.h: uc_cli).
  const actor = `cli:${process.env.SUDO_USER || userInfo().username}`;
  const acts = sql(`SELECT action FROM audit WHERE username = '${actor}' AND address = 'cli' ORDER BY seq`).split('\n');
  for (const a of ['user.create', 'user.reset', 'user.disable', 'user.enable', 'user.unlock']) assert.ok(acts.includes(a), `${a} audited`);
  const v = ejia(['audit', 'verify', '--db', db]);
  assert.equal(v.status, 0, v.stdout);
});
