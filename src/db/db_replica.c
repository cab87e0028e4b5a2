/* db_replica — the read replica's pool and the WAL positions that decide
 * whether a read may go there (db.h, issue 20).
 *
 * Whether the replica is usable is asked on every read it gets: one short
 * query that says both "still a replica in recovery" and "has replayed the
 * caller's last write".  A replica that failed is left alone for db-read-retry
 * seconds, so that while it is down the reads cost the primary nothing more
 * than they would without a replica (no connect attempt per request, which on
 * an unreachable host is libpq's connect_timeout each). */
#include "db_impl.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/log.h"

struct db_replica {
    db_pool *pool;
    pthread_mutex_t mu;
    double down_until;   /* monotonic ms: no read goes to the replica before then */
    bool down;           /* warned about, not yet back: one line per outage, not one per request */
};

static double replica_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

st db_replica_open(const char *url, int n, db_replica **out, err *e) {
    *out = NULL;
    if (strncmp(url, "postgresql://", 13) != 0 && strncmp(url, "postgres://", 11) != 0)
        return err_field(e, ST_INVALID, "db-read", "读副本 --db-read 应为 PostgreSQL 流复制备库的地址（postgresql://…），不能是 %s。", url);
    db_replica *rp = calloc(1, sizeof *rp);
    if (!rp) return err_set(e, ST_NOMEM, "内存不足");
    st s = db_pool_open_with(url, n, db_pgsql_open_standby, &rp->pool, e);
    if (s) {
        free(rp);
        return s;
    }
    pthread_mutex_init(&rp->mu, NULL);
    *out = rp;
    return ST_OK;
}

void db_replica_close(db_replica *rp) {
    if (!rp) return;
    db_pool_close(rp->pool);
    pthread_mutex_destroy(&rp->mu);
    free(rp);
}

void db_replica_failed(db_replica *rp, const char *why) {
    pthread_mutex_lock(&rp->mu);
    rp->down_until = replica_now_ms() + 1000.0 * (double)cfg_int("db-read-retry");
    bool first = !rp->down;
    rp->down = true;
    pthread_mutex_unlock(&rp->mu);
    if (first) log_warn("db: the read replica cannot serve (%s): reads go to the primary, next try in %ld s", why, cfg_int("db-read-retry"));
}

bool db_lsn_valid(const char *s) {
    if (!s) return false;
    const char *slash = strchr(s, '/');
    if (!slash) return false;
    size_t a = (size_t)(slash - s), b = strlen(slash + 1);
    if (a < 1 || a > 8 || b < 1 || b > 8) return false;
    for (const char *p = s; *p; p++)
        if (p != slash && !isxdigit((unsigned char)*p)) return false;
    return true;
}

db *db_replica_get(db_replica *rp, const char *min_lsn) {
    pthread_mutex_lock(&rp->mu);
    bool resting = rp->down && replica_now_ms() < rp->down_until;
    pthread_mutex_unlock(&rp->mu);
    if (resting) return NULL;
    db *d = db_pool_get(rp->pool);   /* reopens a lost connection first (at most once a second) */
    int64_t ok = 0;
    err e;
    err_clear(&e);
    /* -1: not in recovery (promoted, or --db-read names a primary): its data may part from the
       primary's for good, so it is not read at all */
    st s = db_query_int(d, &ok,
                        "SELECT CASE WHEN pg_last_wal_replay_lsn() IS NULL THEN -1 "
                        "WHEN pg_last_wal_replay_lsn() >= CAST($1 AS pg_lsn) THEN 1 ELSE 0 END",
                        &e, "t", db_lsn_valid(min_lsn) ? min_lsn : "0/0");
    if (s || ok < 0) {
        db_replica_put(rp, d);
        db_replica_failed(rp, s ? e.msg : "not in recovery: pg_last_wal_replay_lsn() is NULL");
        return NULL;
    }
    pthread_mutex_lock(&rp->mu);
    bool was_down = rp->down;
    rp->down = false;
    pthread_mutex_unlock(&rp->mu);
    if (was_down) log_info("db: the read replica serves again");
    if (!ok) {   /* behind the caller's last write: this read goes to the primary */
        db_replica_put(rp, d);
        return NULL;
    }
    return d;
}

void db_replica_put(db_replica *rp, db *d) { db_pool_put(rp->pool, d); }

st db_wal_lsn(db *primary, char out[32], err *e) {
    char *v = NULL;
    out[0] = 0;
    st s = db_query_text(primary, &v, "SELECT CAST(pg_current_wal_lsn() AS TEXT)", e, "");
    if (!s && !db_lsn_valid(v)) s = err_set(e, ST_DB, "数据库返回的 WAL 位置无法识别：%.40s", v ? v : "");
    if (!s) snprintf(out, 32, "%s", v);
    free(v);
    return s;
}
