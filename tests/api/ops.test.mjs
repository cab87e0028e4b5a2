// ops — running ejia in production (issue 20): `ejia doctor` reads the settings that decide
// whether data survive a crash, a replica can follow, the servers' connections fit and the key
// is safe, and says what to change; a backup restores to the same data with the audit chain
// intact — `ejia backup` for SQLite, pg_dump/pg_restore for PostgreSQL, as the README's
// "备份与恢复" tells an operator.  Both databases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ejia, demoDb, freshDb, backend } from './lib.mjs';

const doctor = (url) => {
  const r = ejia(['doctor', '--db', url, '--json']);
  return { ...r, items: r.stdout ? JSON.parse(r.stdout) : [] };
};
const item = (items, name) => items.find((x) => x.item === name);
const LEVELS = ['ok', 'note', 'warn', 'bad'];

test('ejia doctor names each setting with its level and advice; bad ones make the exit status 1', async () => {
  const { db } = await demoDb();
  try {
    const r = doctor(db.url);
    assert.ok(r.items.length >= 5, r.stdout + r.stderr);
    for (const x of r.items) {
      assert.ok(LEVELS.includes(x.level), JSON.stringify(x));
      assert.ok(x.item && typeof x.value === 'string', JSON.stringify(x));
      if (x.level === 'warn' || x.level === 'bad') assert.ok(x.advice.length > 0, `no advice for ${x.item}`);
    }
    assert.equal(r.status, r.items.some((x) => x.level === 'bad') ? 1 : 0, r.stdout + r.stderr);
    assert.equal(item(r.items, '数据库结构').level, 'ok');
    assert.match(item(r.items, '数据库结构').value, /未执行 0 个/);
    if (backend === 'sqlite') {
      assert.equal(item(r.items, '日志模式 journal_mode').level, 'ok');
      assert.equal(item(r.items, '加密密钥').level, 'ok');
      // the key readable by others: a warning saying what to do
      chmodSync(db.url + '.key', 0o644);
      const w = doctor(db.url);
      assert.equal(item(w.items, '加密密钥').level, 'warn');
      assert.match(item(w.items, '加密密钥').advice, /chmod 600/);
      chmodSync(db.url + '.key', 0o600);
    } else {
      // the test cluster runs with fsync=off: that is what doctor must call bad
      const f = item(r.items, 'fsync');
      assert.equal(f.value, 'off');
      assert.equal(f.level, 'bad');
      assert.equal(r.status, 1);
      assert.match(item(r.items, '连接数').value, /max_connections \d+/);
      assert.ok(item(r.items, '读副本'), 'the replicas are listed (none here)');
    }
    // the text form: one line a finding, marked in Chinese, and the summary
    const t = ejia(['doctor', '--db', db.url]);
    assert.match(t.stdout, /^\[(正常|提示|注意|问题)\] 数据库：/m);
    assert.match(t.stdout, /(项问题需要处理|没有需要立即处理的问题)。\n$/);
  } finally { db.cleanup(); }
});

test('ejia doctor on a database not migrated says to migrate; on a missing file it creates nothing', () => {
  const db = freshDb();
  try {
    if (backend === 'sqlite') writeFileSync(db.url, '');   // an empty file is an empty SQLite database
    const r = doctor(db.url);
    const m = item(r.items, '数据库结构');
    assert.equal(m.level, 'bad');
    assert.match(m.advice, /ejia migrate/);
    assert.equal(r.status, 1);
    if (backend === 'sqlite') {
      const missing = path.join(path.dirname(db.url), 'nothing.db');
      const x = ejia(['doctor', '--db', missing]);
      assert.equal(x.status, 1);
      assert.match(x.stderr, /数据库文件 .*nothing\.db 不存在/);
      assert.equal(existsSync(missing), false);
    }
  } finally { db.cleanup(); }
});

// What an operator compares after a restore: the coverage figures and the audit trail's check.
const coverage = (url) => {
  const r = ejia(['org', 'coverage', '--db', url]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.replace(/用时 elapsed: .*\n/, '');
};
const auditOk = (url) => {
  const r = ejia(['audit', 'verify', '--db', url]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /审计日志完整/);
  return r.stdout.match(/(\d+) 条记录/)[1];
};

test('a backup restores to the same data with the audit chain intact', async () => {
  const { db } = await demoDb();
  const dir = mkdtempSync(path.join(tmpdir(), 'ejia-restore-'));
  let restored = null;
  try {
    const before = coverage(db.url);
    if (backend === 'sqlite') {
      const to = path.join(dir, 'restored.db');
      const b = ejia(['backup', '--db', db.url, '--to', to]);
      assert.equal(b.status, 0, b.stderr);
      // a second backup to the same file is refused, not overwritten
      assert.equal(ejia(['backup', '--db', db.url, '--to', to]).status, 1);
      copyFileSync(db.url + '.key', to + '.key');   // the key is backed up apart from the database
      chmodSync(to + '.key', 0o600);
      restored = to;
    } else {
      const dump = path.join(dir, 'ejia.dump');
      let r = spawnSync('pg_dump', ['-Fc', '-f', dump, db.url], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const into = freshDb();
      r = spawnSync('pg_restore', ['--no-owner', '-d', into.url, dump], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      restored = into;
    }
    const url = restored.url || restored;
    assert.equal(coverage(url), before);
    assert.equal(auditOk(url), auditOk(db.url));
    assert.equal(item(doctor(url).items, '数据库结构').level, 'ok');
  } finally {
    db.cleanup();
    restored?.cleanup?.();
    rmSync(dir, { recursive: true, force: true });
  }
});
