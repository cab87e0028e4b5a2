/* db_doctor — the database's part of `ejia doctor` (db_doctor.h).  Read-only:
 * it applies no migration and changes no setting, so it can be pointed at a
 * production database, or at a replica, at any time. */
#include "db/db_doctor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/embed.h"

void db_doctor_add(json_t *out, const char *item, const char *value, const char *level, const char *advice) {
    json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s}", "item", item, "value", value ? value : "", "level", level,
                                         "advice", advice ? advice : ""));
}

st db_migrations_pending(db *d, int *pending, int *latest, err *e) {
    *pending = *latest = 0;
    int64_t have_table = 0;
    st s = db_kind_of(d) == DB_SQLITE
               ? db_query_int(d, &have_table, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'", e, "")
               : db_query_int(d, &have_table, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'schema_migrations' "
                                              "AND table_schema = current_schema()", e, "");
    for (const struct embedded_file *f = embedded_files; !s && f->name; f++) {
        if (!strstr(f->name, "src/db/migrations/") || !strstr(f->name, ".sql")) continue;
        long version = strtol(strrchr(f->name, '/') + 1, NULL, 10);
        if (version > *latest) *latest = (int)version;
        int64_t have = 0;
        if (have_table) s = db_query_int(d, &have, "SELECT COUNT(*) FROM schema_migrations WHERE version = $1", e, "i", (int64_t)version);
        if (!s && !have) (*pending)++;
    }
    return s;
}

/* One setting of PostgreSQL's, as text ("" when the server does not know it). */
static st dd_pg_setting(db *d, const char *name, char *out, size_t n, err *e) {
    char *v = NULL;
    st s = db_query_text(d, &v, "SELECT COALESCE(current_setting($1, true), '')", e, "t", name);
    snprintf(out, n, "%s", v ? v : "");
    free(v);
    return s;
}

static st dd_sqlite(db *d, json_t *out, err *e) {
    char *v = NULL;
    st s = db_query_text(d, &v, "SELECT sqlite_version()", e, "");
    if (s) return s;
    char ver[64];
    snprintf(ver, sizeof ver, "SQLite %s", v);
    free(v);
    db_doctor_add(out, "数据库", ver, "ok", "单文件嵌入式数据库；多台服务器或读副本请用 PostgreSQL。");
    v = NULL;
    if ((s = db_query_text(d, &v, "PRAGMA journal_mode", e, ""))) return s;
    bool wal = v && !strcmp(v, "wal");
    db_doctor_add(out, "日志模式 journal_mode", v, wal ? "ok" : "bad",
                  wal ? "WAL：读不阻塞写，崩溃后自动恢复。" : "应为 wal：ejia serve 启动时会设置；若仍不是，检查数据库文件所在目录是否可写。");
    free(v);
    int64_t sync = 0, pages = 0, freep = 0, psize = 0;
    if ((s = db_query_int(d, &sync, "PRAGMA synchronous", e, ""))) return s;
    static const char *const names[] = {"OFF", "NORMAL", "FULL", "EXTRA"};
    db_doctor_add(out, "同步 synchronous", sync >= 0 && sync <= 3 ? names[sync] : "?", sync >= 1 ? "ok" : "bad",
                  sync >= 1 ? "WAL 模式下 NORMAL 在程序崩溃时不丢数据；掉电时可能丢最后几笔提交，要求更严可设 FULL。"
                            : "OFF 时掉电或系统崩溃可能损坏数据库：不要在生产环境关闭同步。");
    if (!s) s = db_query_int(d, &pages, "PRAGMA page_count", e, "");
    if (!s) s = db_query_int(d, &freep, "PRAGMA freelist_count", e, "");
    if (!s) s = db_query_int(d, &psize, "PRAGMA page_size", e, "");
    if (s) return s;
    char size[96];
    snprintf(size, sizeof size, "%.1f MB（空闲 %.1f MB）", (double)(pages * psize) / 1e6, (double)(freep * psize) / 1e6);
    bool roomy = pages > 0 && freep * 4 > pages && freep * psize > 64LL * 1024 * 1024;
    db_doctor_add(out, "文件大小", size, roomy ? "note" : "ok",
                  roomy ? "超过四分之一是删除后留下的空闲页：可在停机维护时用 sqlite3 执行 VACUUM 收回（ejia backup 得到的副本是紧凑的）。"
                        : "备份：ejia backup --to 文件（在线，不停服务）。");
    return ST_OK;
}

/* The replica --db-read names, seen from both ends: how far its replay is
 * behind the primary's WAL (bytes), and since when (seconds).  A replica that
 * cannot be reached is a finding, not a failure of the doctor. */
static st dd_replica(db *primary, const char *url, json_t *out, err *e) {
    db *r = NULL;
    err re;
    err_clear(&re);
    json_t *rows = NULL;
    if (db_open(url, &r, &re) ||
        db_query_json(r, &rows,
                      "SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END AS standby, "
                      "COALESCE(CAST(pg_last_wal_replay_lsn() AS TEXT), '') AS lsn, "
                      "CAST(COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), -1) AS DOUBLE PRECISION) AS since",
                      &re, "")) {
        db_close(r);
        db_doctor_add(out, "读副本延迟", re.msg, "warn",
                      "--db-read 指向的副本连不上：列表、统计和报表都在读主库（服务照常）。检查副本是否在运行、地址与口令是否正确。");
        return ST_OK;
    }
    db_close(r);
    json_t *row = json_array_get(rows, 0);
    bool standby = json_integer_value(json_object_get(row, "standby")) == 1;
    const char *lsn = json_string_value(json_object_get(row, "lsn"));
    double since = json_number_value(json_object_get(row, "since"));
    char v[200];
    if (!standby || !db_lsn_valid(lsn)) {
        json_decref(rows);
        db_doctor_add(out, "读副本延迟", "不是备库", "bad",
                      "--db-read 指向的数据库不在恢复（流复制）状态：它可能已被提升为主库，数据会与主库分叉。ejia 不会从它读；请重建副本（pg_basebackup -R）或改正地址。");
        return ST_OK;
    }
    int64_t behind = 0;
    st s = db_query_int(primary, &behind, "SELECT CAST(pg_wal_lsn_diff(pg_current_wal_lsn(), CAST($1 AS pg_lsn)) AS BIGINT)", e, "t", lsn);
    json_decref(rows);
    if (s) return s;
    if (behind <= 0) since = 0;   /* caught up: the last replayed commit may be old when nothing is written */
    snprintf(v, sizeof v, "落后 %lld 字节，约 %.1f 秒", (long long)(behind > 0 ? behind : 0), since > 0 ? since : 0);
    bool far = behind > 0 && since > 10;
    db_doctor_add(out, "读副本延迟", v, far ? "warn" : "ok",
                  far ? "副本回放落后超过 10 秒：报表会读到旧数据（写入者本人仍读主库）。检查副本的磁盘、负载与网络。" : "");
    return ST_OK;
}

static st dd_pgsql(db *d, int pool, json_t *out, err *e) {
    char v[256], w[256];
    st s = dd_pg_setting(d, "server_version", v, sizeof v, e);
    if (s) return s;
    char ver[300];
    snprintf(ver, sizeof ver, "PostgreSQL %s", v);
    int64_t standby = 0;
    if ((s = db_query_int(d, &standby, "SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END", e, ""))) return s;
    db_doctor_add(out, "数据库", ver, standby ? "bad" : "ok",
                  standby ? "这是只读的备库（副本）：--db 应指向主库，副本只能作读库。" : "主库。备份：pg_dump -Fc，恢复：pg_restore（见 README“备份与恢复”）。");
    if ((s = dd_pg_setting(d, "fsync", v, sizeof v, e))) return s;
    db_doctor_add(out, "fsync", v, strcmp(v, "on") ? "bad" : "ok",
                  strcmp(v, "on") ? "fsync 关闭时操作系统崩溃或掉电会损坏数据库：生产环境必须为 on。" : "");
    if ((s = dd_pg_setting(d, "full_page_writes", v, sizeof v, e))) return s;
    db_doctor_add(out, "full_page_writes", v, strcmp(v, "on") ? "bad" : "ok",
                  strcmp(v, "on") ? "关闭后掉电可能留下写了一半的数据页：除非文件系统保证整页原子写，应为 on。" : "");
    if ((s = dd_pg_setting(d, "synchronous_commit", v, sizeof v, e))) return s;
    bool async = !strcmp(v, "off");
    db_doctor_add(out, "synchronous_commit", v, async ? "warn" : "ok",
                  async ? "off：崩溃时可能丢失最后约 0.6 秒内已告知用户“成功”的提交（数据库不会损坏）。党费、审计等记录建议为 on。" : "");
    if ((s = dd_pg_setting(d, "wal_level", v, sizeof v, e))) return s;
    bool minimal = !strcmp(v, "minimal");
    db_doctor_add(out, "wal_level", v, minimal ? "warn" : "ok",
                  minimal ? "minimal 时不能建流复制读副本，也不能按时间点恢复：应为 replica。" : "可以建流复制读副本。");
    if ((s = dd_pg_setting(d, "archive_mode", v, sizeof v, e))) return s;
    bool arch = strcmp(v, "off") != 0;
    db_doctor_add(out, "archive_mode", v, arch ? "ok" : "note",
                  arch ? "WAL 归档已开：可按时间点恢复。"
                       : "未归档 WAL：只能恢复到最近一次 pg_dump / pg_basebackup；要按时间点恢复，开启 archive_mode 并设置 archive_command。");
    int64_t maxc = 0, reserved = 0, used = 0;
    if (!(s = dd_pg_setting(d, "max_connections", v, sizeof v, e))) maxc = atoll(v);
    if (!s && !(s = dd_pg_setting(d, "superuser_reserved_connections", v, sizeof v, e))) reserved = atoll(v);
    if (!s) s = db_query_int(d, &used, "SELECT COUNT(*) FROM pg_stat_activity WHERE backend_type = 'client backend'", e, "");
    if (s) return s;
    int64_t room = maxc - reserved;
    snprintf(w, sizeof w, "max_connections %lld（留给超级用户 %lld），现有 %lld 个连接；每台 ejia 服务器 %d 个", (long long)maxc,
             (long long)reserved, (long long)used, pool);
    char adv[400];
    int servers = pool > 0 ? (int)(room / pool) : 0;
    snprintf(adv, sizeof adv, "按 db-pool = %d，最多可接 %d 台服务器（还要留连接给备份和管理）。", pool, servers);
    db_doctor_add(out, "连接数", w, servers < 1 ? "bad" : servers < 2 ? "warn" : "ok",
                  servers < 1 ? "一台服务器的连接池就超过了数据库允许的连接数：调小 db-pool 或调大 max_connections。" : adv);
    if ((s = dd_pg_setting(d, "shared_buffers", v, sizeof v, e))) return s;
    db_doctor_add(out, "shared_buffers", v, "note", "常用做法为内存的四分之一；默认的 128MB 对省级规模偏小。");
    if ((s = dd_pg_setting(d, "max_wal_size", v, sizeof v, e))) return s;
    db_doctor_add(out, "max_wal_size", v, "note",
                  "一个月的全市党费应交名单一次写入数百万行：默认 1GB 会在其间频繁检查点（日志里的“checkpoints are occurring too frequently”），可调到 4GB 以上。");
    json_t *reps = NULL;
    s = db_query_json(d, &reps,
                      "SELECT COALESCE(application_name, '') AS name, COALESCE(CAST(client_addr AS TEXT), '') AS addr, "
                      "COALESCE(state, '') AS state, CAST(COALESCE(EXTRACT(EPOCH FROM replay_lag), 0) AS DOUBLE PRECISION) AS lag "
                      "FROM pg_stat_replication ORDER BY application_name",
                      e, "");
    if (s) return s;
    if (!json_array_size(reps)) db_doctor_add(out, "读副本", "无", "note", "没有流复制副本：--db-read 无处可指；主库故障时只能从备份恢复。");
    size_t i;
    json_t *r;
    json_array_foreach(reps, i, r) {
        double lag = json_number_value(json_object_get(r, "lag"));
        snprintf(w, sizeof w, "%s %s %s，回放延迟 %.1f 秒", json_string_value(json_object_get(r, "name")),
                 json_string_value(json_object_get(r, "addr")), json_string_value(json_object_get(r, "state")), lag);
        db_doctor_add(out, "读副本", w, lag > 10 ? "warn" : "ok", lag > 10 ? "副本落后超过 10 秒：报表可能读到旧数据，检查网络与副本负载。" : "");
    }
    json_decref(reps);
    if (*cfg_str("db-read") && (s = dd_replica(d, cfg_str("db-read"), out, e))) return s;
    int64_t bytes = 0;
    if ((s = db_query_int(d, &bytes, "SELECT pg_database_size(current_database())", e, ""))) return s;
    snprintf(w, sizeof w, "%.1f MB", (double)bytes / 1e6);
    db_doctor_add(out, "数据库大小", w, "ok", "");
    return ST_OK;
}

st db_doctor(db *d, int pool, json_t *out, err *e) {
    st s = db_kind_of(d) == DB_SQLITE ? dd_sqlite(d, out, e) : dd_pgsql(d, pool, out, e);
    if (s) return s;
    int pending = 0, latest = 0;
    if ((s = db_migrations_pending(d, &pending, &latest, e))) return s;
    char v[96];
    snprintf(v, sizeof v, "程序带 %04d，未执行 %d 个", latest, pending);
    db_doctor_add(out, "数据库结构", v, pending ? "bad" : "ok", pending ? "运行 ejia migrate（ejia serve 启动时也会执行）。" : "");
    return ST_OK;
}
