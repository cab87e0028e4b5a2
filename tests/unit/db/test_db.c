/* Unit tests for src/db: the same assertions against SQLite and, when
 * EJIA_TEST_PG_URL names a database (scripts/check starts a private cluster),
 * against PostgreSQL: binding and reading every type, portable SQL rewriting,
 * transactions, constraint errors, JSON rows, migrations, the pool, backup;
 * faults: SQLite busy (503 material, no SQLite text), the pool's write queue,
 * a PostgreSQL connection killed under the pool and reopened; the read
 * replica's pool refusing what it must not read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/config.h"
#include "db/db.h"
#include "db/db_impl.h"

static char lite_path[64];

static const char *urls[2];
static int nurls;

static int setup(void **state) {
    (void)state;
    snprintf(lite_path, sizeof lite_path, "/tmp/ejia-dbtest-%d.db", (int)getpid());
    unlink(lite_path);
    urls[nurls++] = lite_path;
    const char *pg = getenv("EJIA_TEST_PG_URL");
    if (pg && *pg) urls[nurls++] = pg;
    else fprintf(stderr, "note: EJIA_TEST_PG_URL not set, PostgreSQL part not run here\n");
    return 0;
}

static int teardown(void **state) {
    (void)state;
    char p[80];
    unlink(lite_path);
    snprintf(p, sizeof p, "%s-wal", lite_path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", lite_path);
    unlink(p);
    return 0;
}

static void test_rewrite(void **state) {
    (void)state;
    buf b;
    buf_init(&b, 0);
    assert_int_equal(db_rewrite(DB_SQLITE, "SELECT $1, '$2', \"$3\" -- it's $4\n, $10", &b), ST_OK);
    assert_string_equal(b.data, "SELECT ?1, '$2', \"$3\" -- it's $4\n, ?10");
    assert_int_equal(db_rewrite(DB_PGSQL, "SELECT $1, {{NOW}}", &b), ST_OK);
    assert_string_equal(b.data, "SELECT $1, CAST(EXTRACT(EPOCH FROM now()) AS BIGINT)");
    assert_int_equal(db_rewrite(DB_SQLITE, "CREATE TABLE t(id {{ID}}, b {{BLOB}}, s 'x''{{ID}}')", &b), ST_OK);
    assert_string_equal(b.data, "CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, b BLOB, s 'x''{{ID}}')");
    /* a line PostgreSQL alone runs: a comment to SQLite, up to the line's end only */
    assert_int_equal(db_rewrite(DB_SQLITE, "{{PG_ONLY}}CREATE INDEX i ON t(a) INCLUDE (b);\nSELECT $1", &b), ST_OK);
    assert_string_equal(b.data, "--CREATE INDEX i ON t(a) INCLUDE (b);\nSELECT ?1");
    assert_int_equal(db_rewrite(DB_PGSQL, "{{PG_ONLY}}CREATE INDEX i ON t(a) INCLUDE (b);\nSELECT $1", &b), ST_OK);
    assert_string_equal(b.data, "CREATE INDEX i ON t(a) INCLUDE (b);\nSELECT $1");
    /* an insert that only ever skips conflicts: OR IGNORE on SQLite (no statement journal), nothing on PostgreSQL */
    assert_int_equal(db_rewrite(DB_SQLITE, "INSERT{{OR_IGNORE}} INTO t(a) SELECT $1 ON CONFLICT DO NOTHING", &b), ST_OK);
    assert_string_equal(b.data, "INSERT OR IGNORE INTO t(a) SELECT ?1 ON CONFLICT DO NOTHING");
    assert_int_equal(db_rewrite(DB_PGSQL, "INSERT{{OR_IGNORE}} INTO t(a) SELECT $1 ON CONFLICT DO NOTHING", &b), ST_OK);
    assert_string_equal(b.data, "INSERT INTO t(a) SELECT $1 ON CONFLICT DO NOTHING");
    assert_int_equal(db_rewrite(DB_SQLITE, "SELECT a FROM t{{NOT_INDEXED}} WHERE b < $1", &b), ST_OK);
    assert_string_equal(b.data, "SELECT a FROM t NOT INDEXED WHERE b < ?1");
    assert_int_equal(db_rewrite(DB_PGSQL, "SELECT a FROM t{{NOT_INDEXED}} WHERE b < $1", &b), ST_OK);
    assert_string_equal(b.data, "SELECT a FROM t WHERE b < $1");
    buf_free(&b);
}

static void each_backend(void (*fn)(db *d, const char *url)) {
    for (int i = 0; i < nurls; i++) {
        db *d = NULL;
        err e;
        if (db_open(urls[i], &d, &e)) fail_msg("open %s: %s", urls[i], e.msg);
        db_exec(d, "DROP TABLE IF EXISTS t_items", &e);
        fn(d, urls[i]);
        db_exec(d, "DROP TABLE IF EXISTS t_items", &e);
        db_close(d);
    }
}

/* db_stream: every row handed over, one at a time, with its columns; a stream left half read and
 * reset frees the connection for the next statement; an error in the middle of the rows is an
 * error, and the connection works after it. */
static void body_stream(db *d, const char *url) {
    (void)url;
    err e;
    assert_int_equal(db_exec(d, "CREATE TABLE t_items (id BIGINT PRIMARY KEY, name TEXT)", &e), ST_OK);
    assert_int_equal(db_exec(d, "INSERT INTO t_items(id, name) SELECT i, 'n' || i FROM "
                                "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000) SELECT i FROM s) g",
                             &e),
                     ST_OK);
    db_stmt *q;
    assert_int_equal(db_prepare(d, "SELECT id, name FROM t_items WHERE id >= $1 ORDER BY id", &q, &e), ST_OK);
    db_bind_int(q, 1, 1);
    db_stream(q);
    int64_t n = 0, sum = 0;
    int r;
    while ((r = db_step(q, &e)) == DB_ROW) {
        n++;
        sum += db_col_int(q, 0);
        char want[16];
        snprintf(want, sizeof want, "n%lld", (long long)db_col_int(q, 0));
        assert_string_equal(db_col_text(q, 1), want);
    }
    assert_int_equal(r, DB_DONE);
    db_reset(q);
    assert_int_equal(n, 1000);
    assert_int_equal(sum, 500500);
    /* half read, reset, another statement */
    assert_int_equal(db_prepare(d, "SELECT id, name FROM t_items WHERE id >= $1 ORDER BY id", &q, &e), ST_OK);
    db_bind_int(q, 1, 1);
    db_stream(q);
    for (int i = 0; i < 10; i++) assert_int_equal(db_step(q, &e), DB_ROW);
    assert_int_equal(db_col_int(q, 0), 10);
    db_reset(q);
    int64_t count = 0;
    assert_int_equal(db_query_int(d, &count, "SELECT COUNT(*) FROM t_items", &e, ""), ST_OK);
    assert_int_equal(count, 1000);
    /* an error after some rows (a division by zero at the 500th on PostgreSQL; SQLite gives NULL) */
    assert_int_equal(db_prepare(d, "SELECT id, 1 / (id - 500) FROM t_items WHERE id >= $1 ORDER BY id", &q, &e), ST_OK);
    db_bind_int(q, 1, 1);
    db_stream(q);
    while ((r = db_step(q, &e)) == DB_ROW) {
    }
    db_reset(q);
    assert_int_equal(r, strncmp(url, "postgres", 8) ? DB_DONE : DB_ERROR);
    assert_int_equal(db_query_int(d, &count, "SELECT COUNT(*) FROM t_items WHERE id > 990", &e, ""), ST_OK);
    assert_int_equal(count, 10);
}

static void test_stream(void **state) {
    (void)state;
    each_backend(body_stream);
}

static void body_types(db *d, const char *url) {
    (void)url;
    err e;
    assert_int_equal(db_exec(d, "CREATE TABLE t_items (id {{ID}}, name TEXT NOT NULL UNIQUE, n BIGINT, "
                                "x DOUBLE PRECISION, b {{BLOB}}, at BIGINT)", &e), ST_OK);
    const unsigned char blob[4] = {0, 1, 0xfe, 0xff};
    assert_int_equal(db_run(d, "INSERT INTO t_items(name, n, x, b, at) VALUES ($1, $2, $3, $4, {{NOW}})", &e,
                            "tidb", "思明区", (int64_t)9007199254740993LL, 2.5, blob, sizeof blob), ST_OK);
    assert_int_equal(db_run(d, "INSERT INTO t_items(name, n, x, b) VALUES ($1, $2, $3, $4)", &e, "tnnn", "湖里区"), ST_OK);
    int64_t id = 0;
    assert_int_equal(db_query_int(d, &id, "INSERT INTO t_items(name) VALUES ($1) RETURNING id", &e, "t", "集美区"), ST_OK);
    assert_int_equal(id, 3);
    /* unique violation maps to ST_CONFLICT */
    assert_int_equal(db_run(d, "INSERT INTO t_items(name) VALUES ($1)", &e, "t", "思明区"), ST_CONFLICT);
    db_stmt *q;
    assert_int_equal(db_prepare(d, "SELECT name, n, x, b, at FROM t_items WHERE id = $1", &q, &e), ST_OK);
    db_bind_int(q, 1, 1);
    assert_int_equal(db_step(q, &e), DB_ROW);
    assert_string_equal(db_col_text(q, 0), "思明区");
    assert_int_equal(db_col_int(q, 1), 9007199254740993LL);
    assert_true(db_col_double(q, 2) == 2.5);
    size_t n = 0;
    const unsigned char *bp = db_col_blob(q, 3, &n);
    assert_int_equal(n, 4);
    assert_memory_equal(bp, blob, 4);
    assert_true(db_col_int(q, 4) > 1700000000);
    assert_int_equal(db_step(q, &e), DB_DONE);
    db_reset(q);
    /* the cached statement is reused with new bindings */
    assert_int_equal(db_prepare(d, "SELECT name, n, x, b, at FROM t_items WHERE id = $1", &q, &e), ST_OK);
    db_bind_int(q, 1, 2);
    assert_int_equal(db_step(q, &e), DB_ROW);
    assert_true(db_col_null(q, 1));
    assert_null(db_col_text(q, 1));
    db_reset(q);
    json_t *rows;
    assert_int_equal(db_query_json(d, &rows, "SELECT id, name, n, x FROM t_items ORDER BY id", &e, ""), ST_OK);
    assert_int_equal(json_array_size(rows), 3);
    assert_true(json_is_integer(json_object_get(json_array_get(rows, 0), "n")));
    assert_true(json_is_real(json_object_get(json_array_get(rows, 0), "x")));
    assert_true(json_is_null(json_object_get(json_array_get(rows, 1), "n")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 2), "name")), "集美区");
    json_decref(rows);
    char *txt;
    assert_int_equal(db_query_text(d, &txt, "SELECT name FROM t_items WHERE id = $1", &e, "i", (int64_t)99), ST_NOT_FOUND);
    assert_int_equal(db_query_text(d, &txt, "SELECT name FROM t_items WHERE id = $1", &e, "i", (int64_t)3), ST_OK);
    assert_string_equal(txt, "集美区");
    free(txt);
    /* a bad statement fails with a message, not a crash */
    assert_int_equal(db_prepare(d, "SELEKT 1", &q, &e), ST_DB);
    assert_true(strlen(e.msg) > 0);
}

static void body_tx(db *d, const char *url) {
    (void)url;
    err e;
    assert_int_equal(db_exec(d, "CREATE TABLE t_items (id {{ID}}, name TEXT NOT NULL UNIQUE)", &e), ST_OK);
    assert_int_equal(db_begin(d, &e), ST_OK);
    assert_int_equal(db_run(d, "INSERT INTO t_items(name) VALUES ($1)", &e, "t", "a"), ST_OK);
    db_rollback(d);
    int64_t n = -1;
    assert_int_equal(db_query_int(d, &n, "SELECT COUNT(*) FROM t_items", &e, ""), ST_OK);
    assert_int_equal(n, 0);
    assert_int_equal(db_begin(d, &e), ST_OK);
    assert_int_equal(db_run(d, "INSERT INTO t_items(name) VALUES ($1)", &e, "t", "a"), ST_OK);
    assert_int_equal(db_run(d, "INSERT INTO t_items(name) VALUES ($1)", &e, "t", "b"), ST_OK);
    assert_int_equal(db_commit(d, &e), ST_OK);
    assert_int_equal(db_query_int(d, &n, "SELECT COUNT(*) FROM t_items", &e, ""), ST_OK);
    assert_int_equal(n, 2);
    db_rollback(d);  /* harmless without a transaction */
}

/* A flat transaction: inner levels are counted, not savepoints; one rolled back dooms the whole. */
static void body_flat(db *d, const char *url) {
    (void)url;
    err e;
    int64_t n = -1;
    assert_int_equal(db_exec(d, "CREATE TABLE t_items (id {{ID}}, name TEXT NOT NULL UNIQUE)", &e), ST_OK);
    /* all levels commit: everything stays, one COMMIT */
    assert_int_equal(db_begin_flat(d, &e), ST_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(db_begin(d, &e), ST_OK);
        assert_int_equal(db_tx_depth(d), 2);
        assert_int_equal(db_run(d, "INSERT INTO t_items(name) VALUES ($1)", &e, "t", i == 0 ? "a" : i == 1 ? "b" : "c"), ST_OK);
        assert_int_equal(db_commit(d, &e), ST_OK);
    }
    assert_false(db_doomed(d));
    assert_int_equal(db_commit(d, &e), ST_OK);
    assert_int_equal(db_tx_depth(d), 0);
    assert_int_equal(db_query_int(d, &n, "SELECT COUNT(*) FROM t_items", &e, ""), ST_OK);
    assert_int_equal(n, 3);
    /* an inner level rolls back: its rows are not undone alone, the whole is doomed and rolls back */
    assert_int_equal(db_begin_flat(d, &e), ST_OK);
    assert_int_equal(db_begin(d, &e), ST_OK);
    assert_int_equal(db_run(d, "INSERT INTO t_items(name) VALUES ($1)", &e, "t", "d"), ST_OK);
    assert_int_equal(db_commit(d, &e), ST_OK);
    assert_int_equal(db_begin(d, &e), ST_OK);
    assert_int_equal(db_run(d, "INSERT INTO t_items(name) VALUES ($1)", &e, "t", "e"), ST_OK);
    db_rollback(d);
    assert_true(db_doomed(d));
    assert_int_equal(db_commit(d, &e), ST_CONFLICT);
    assert_int_equal(db_tx_depth(d), 0);
    assert_false(db_doomed(d));
    assert_int_equal(db_query_int(d, &n, "SELECT COUNT(*) FROM t_items", &e, ""), ST_OK);
    assert_int_equal(n, 3);
    /* not inside another transaction; an ordinary one afterwards nests with savepoints again */
    assert_int_equal(db_begin(d, &e), ST_OK);
    assert_int_equal(db_begin_flat(d, &e), ST_INTERNAL);
    assert_int_equal(db_begin(d, &e), ST_OK);
    assert_int_equal(db_run(d, "INSERT INTO t_items(name) VALUES ($1)", &e, "t", "f"), ST_OK);
    db_rollback(d);   /* a savepoint: only "f" goes */
    assert_int_equal(db_run(d, "INSERT INTO t_items(name) VALUES ($1)", &e, "t", "g"), ST_OK);
    assert_int_equal(db_commit(d, &e), ST_OK);
    assert_int_equal(db_query_int(d, &n, "SELECT COUNT(*) FROM t_items", &e, ""), ST_OK);
    assert_int_equal(n, 4);
}

static void body_migrate(db *d, const char *url) {
    (void)url;
    err e;
    int applied = -1;
    assert_int_equal(db_migrate(d, &applied, &e), ST_OK);
    int again = -1;
    assert_int_equal(db_migrate(d, &again, &e), ST_OK);
    assert_int_equal(again, 0);
    int64_t n = 0;
    assert_int_equal(db_query_int(d, &n, "SELECT COUNT(*) FROM schema_migrations", &e, ""), ST_OK);
    assert_true(n >= 1);
    assert_int_equal(db_query_int(d, &n, "SELECT COUNT(*) FROM region", &e, ""), ST_OK);
}

typedef struct pool_arg { db_pool *p; int ok; } pool_arg;
static void *pool_worker(void *arg) {
    pool_arg *a = arg;
    for (int i = 0; i < 50; i++) {
        db *d = db_pool_get(a->p);
        err e;
        int64_t v = 0;
        if (db_query_int(d, &v, "SELECT $1 + 1", &e, "i", (int64_t)i) == ST_OK && v == i + 1) a->ok++;
        db_pool_put(a->p, d);
    }
    return NULL;
}

static void test_pool(void **state) {
    (void)state;
    for (int u = 0; u < nurls; u++) {
        db_pool *p;
        err e;
        assert_int_equal(db_pool_open(urls[u], 2, &p, &e), ST_OK);
        pthread_t th[4];
        pool_arg args[4];
        for (int i = 0; i < 4; i++) {
            args[i] = (pool_arg){p, 0};
            pthread_create(&th[i], NULL, pool_worker, &args[i]);
        }
        for (int i = 0; i < 4; i++) {
            pthread_join(th[i], NULL);
            assert_int_equal(args[i].ok, 50);
        }
        db_pool_close(p);
    }
}

static void test_backup(void **state) {
    (void)state;
    db *d;
    err e;
    assert_int_equal(db_open(lite_path, &d, &e), ST_OK);
    assert_int_equal(db_exec(d, "CREATE TABLE IF NOT EXISTS t_b(x TEXT); INSERT INTO t_b VALUES ('备份')", &e), ST_OK);
    char to[80];
    snprintf(to, sizeof to, "%s.bak", lite_path);
    unlink(to);
    assert_int_equal(db_backup(d, to, &e), ST_OK);
    db_close(d);
    assert_int_equal(db_open(to, &d, &e), ST_OK);
    char *v;
    assert_int_equal(db_query_text(d, &v, "SELECT x FROM t_b", &e, ""), ST_OK);
    assert_string_equal(v, "备份");
    free(v);
    db_close(d);
    unlink(to);
    /* a path that cannot be opened fails clearly */
    assert_int_equal(db_open("/nonexistent-dir/x.db", &d, &e), ST_IO);
    assert_non_null(strstr(e.msg, "/nonexistent-dir/x.db"));
    assert_int_equal(db_open("postgresql://nobody@127.0.0.1:1/none", &d, &e), ST_UNAVAILABLE);
}

/* SQL built per request (a sort order) often lands at the same address with
 * other text: the statement cache must not hand back the old statement. */
static void body_dynamic(db *d, const char *url) {
    (void)url;
    err e;
    assert_int_equal(db_exec(d, "CREATE TABLE t_items (id {{ID}}, name TEXT NOT NULL)", &e), ST_OK);
    assert_int_equal(db_run(d, "INSERT INTO t_items(name) VALUES ('a'), ('b'), ('c')", &e, ""), ST_OK);
    char sql[128];
    const char *dirs[] = {"ASC", "DESC", "ASC", "DESC"};
    for (int k = 0; k < 4; k++) {
        snprintf(sql, sizeof sql, "SELECT name FROM t_items ORDER BY name %s LIMIT 1", dirs[k]);
        char *v = NULL;
        assert_int_equal(db_query_text(d, &v, sql, &e, ""), ST_OK);
        assert_string_equal(v, k % 2 ? "c" : "a");
        free(v);
    }
    /* and many distinct statements (more than the cache holds) stay correct */
    for (int k = 0; k < 300; k++) {
        snprintf(sql, sizeof sql, "SELECT COUNT(*) + %d FROM t_items", k);
        int64_t n = 0;
        assert_int_equal(db_query_int(d, &n, sql, &e, ""), ST_OK);
        assert_int_equal(n, 3 + k);
    }
    /* the cache full: two new statements prepared before either is stepped (the coverage trend's
       pair) each keep their own — the second must not take the first one's slot */
    char sa[128], sb[128];
    snprintf(sa, sizeof sa, "SELECT name FROM t_items WHERE name = 'a' AND 1 = %d", 1);
    snprintf(sb, sizeof sb, "SELECT COUNT(*), 'b' FROM t_items WHERE 2 = %d", 2);
    db_stmt *qa = NULL, *qb = NULL;
    assert_int_equal(db_prepare(d, sa, &qa, &e), ST_OK);
    assert_int_equal(db_prepare(d, sb, &qb, &e), ST_OK);
    assert_ptr_not_equal(qa, qb);
    assert_int_equal(db_step(qa, &e), DB_ROW);
    assert_string_equal(db_col_text(qa, 0), "a");
    assert_int_equal(db_step(qb, &e), DB_ROW);
    assert_int_equal(db_col_int(qb, 0), 3);
    db_reset(qa);
    db_reset(qb);
}

/* ---- faults ---- */

/* No library text reaches the user: a Chinese message and nothing else. */
static void assert_clean_unavailable(const err *e) {
    assert_int_equal(e->code, ST_UNAVAILABLE);
    assert_non_null(strstr(e->msg, "请稍后重试"));
    static const char *const leaks[] = {"locked", "database", "SQLITE", "server", "connection", "terminat",
                                        "FATAL", "SQLSTATE", "PQ", NULL};
    for (int i = 0; leaks[i]; i++)
        if (strstr(e->msg, leaks[i])) fail_msg("library text \"%s\" in: %s", leaks[i], e->msg);
}

/* Another process holds SQLite's write lock (a raw handle here, outside ejia's
 * queue): a write gives up after busy-timeout with ST_UNAVAILABLE (503). */
static void test_sqlite_busy(void **state) {
    (void)state;
    err e;
    (void)cfg_int("busy-timeout");   /* settings are loaded on first use; then override */
    assert_int_equal(cfg_set("busy-timeout", "50", &e), ST_OK);
    db *d;
    assert_int_equal(db_open(lite_path, &d, &e), ST_OK);
    assert_int_equal(db_exec(d, "CREATE TABLE IF NOT EXISTS t_busy(x INTEGER)", &e), ST_OK);
    sqlite3 *other;
    assert_int_equal(sqlite3_open(lite_path, &other), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    err_clear(&e);
    assert_int_equal(db_run(d, "INSERT INTO t_busy VALUES (1)", &e, ""), ST_UNAVAILABLE);
    assert_clean_unavailable(&e);
    assert_int_equal(db_begin(d, &e), ST_UNAVAILABLE);
    assert_clean_unavailable(&e);
    sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(other);
    assert_int_equal(db_begin(d, &e), ST_OK);
    assert_int_equal(db_run(d, "INSERT INTO t_busy VALUES (2)", &e, ""), ST_OK);
    assert_int_equal(db_commit(d, &e), ST_OK);
    db_close(d);
    assert_int_equal(cfg_set("busy-timeout", "10000", &e), ST_OK);
}

typedef struct queue_arg {
    db_pool *p;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int begun;        /* the first writer holds its transaction */
    st second;        /* what the second writer's db_begin returned */
    int hold_ms;
} queue_arg;

static void *queue_first(void *arg) {
    queue_arg *a = arg;
    db *d = db_pool_get(a->p);
    err e;
    assert_int_equal(db_begin(d, &e), ST_OK);
    assert_int_equal(db_run(d, "INSERT INTO t_queue VALUES (1)", &e, ""), ST_OK);
    pthread_mutex_lock(&a->mu);
    a->begun = 1;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    usleep((useconds_t)a->hold_ms * 1000);   /* far longer than busy-timeout */
    assert_int_equal(db_commit(d, &e), ST_OK);
    db_pool_put(a->p, d);
    return NULL;
}

/* Writers of one pool queue for SQLite's lock instead of polling it: the
 * second waits as long as the first holds it (here 20 × busy-timeout), and
 * gives up with a clean ST_UNAVAILABLE only after write-queue-timeout. */
static void test_write_queue(void **state) {
    (void)state;
    err e;
    (void)cfg_int("busy-timeout");
    assert_int_equal(cfg_set("busy-timeout", "50", &e), ST_OK);
    db_pool *p;
    assert_int_equal(db_pool_open(lite_path, 2, &p, &e), ST_OK);
    db *d = db_pool_get(p);
    assert_int_equal(db_exec(d, "DROP TABLE IF EXISTS t_queue; CREATE TABLE t_queue(x INTEGER)", &e), ST_OK);
    db_pool_put(p, d);
    for (int round = 0; round < 2; round++) {
        /* round 0: waits its turn; round 1: write-queue-timeout (100 ms) < the hold */
        assert_int_equal(cfg_set("write-queue-timeout", round ? "100" : "60000", &e), ST_OK);
        queue_arg a = {.p = p, .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER, .hold_ms = 1000};
        pthread_t th;
        pthread_create(&th, NULL, queue_first, &a);
        pthread_mutex_lock(&a.mu);
        while (!a.begun) pthread_cond_wait(&a.cv, &a.mu);
        pthread_mutex_unlock(&a.mu);
        d = db_pool_get(p);
        err_clear(&e);
        st s = db_begin(d, &e);
        if (round == 0) {
            assert_int_equal(s, ST_OK);
            assert_int_equal(db_run(d, "INSERT INTO t_queue VALUES (2)", &e, ""), ST_OK);
            assert_int_equal(db_commit(d, &e), ST_OK);
        } else {
            assert_int_equal(s, ST_UNAVAILABLE);
            assert_clean_unavailable(&e);
        }
        db_pool_put(p, d);
        pthread_join(th, NULL);
        /* the queue is left empty: a write goes through at once */
        d = db_pool_get(p);
        assert_int_equal(db_begin(d, &e), ST_OK);
        db_rollback(d);
        db_pool_put(p, d);
    }
    d = db_pool_get(p);
    int64_t n = 0;
    assert_int_equal(db_query_int(d, &n, "SELECT COUNT(*) FROM t_queue", &e, ""), ST_OK);
    assert_int_equal(n, 3);   /* 1, 2 in round 0; 1 in round 1 */
    db_exec(d, "DROP TABLE t_queue", &e);
    db_pool_put(p, d);
    db_pool_close(p);
    assert_int_equal(cfg_set("busy-timeout", "10000", &e), ST_OK);
    assert_int_equal(cfg_set("write-queue-timeout", "20000", &e), ST_OK);
}

/* Kill a pooled connection's server process (as a restart does: SQLSTATE
 * 57P01): the request that meets it gets a clean ST_UNAVAILABLE, the pool
 * reopens it before its next use, and the other connection of the pool —
 * opened to the same server — is reopened too instead of failing a request. */
static void test_pg_reconnect(void **state) {
    (void)state;
    const char *url = getenv("EJIA_TEST_PG_URL");
    if (!url || !*url) skip();
    err e;
    db_pool *p;
    assert_int_equal(db_pool_open(url, 2, &p, &e), ST_OK);
    db *a = db_pool_get(p), *b = db_pool_get(p);
    int64_t pa = 0, pb = 0, killed = 0;
    assert_int_equal(db_query_int(a, &pa, "SELECT pg_backend_pid()", &e, ""), ST_OK);
    assert_int_equal(db_query_int(b, &pb, "SELECT pg_backend_pid()", &e, ""), ST_OK);
    db_pool_put(p, b);
    db *killer;
    assert_int_equal(db_open(url, &killer, &e), ST_OK);
    /* both, as a restart would; a in the middle of a transaction */
    assert_int_equal(db_begin(a, &e), ST_OK);
    assert_int_equal(db_query_int(killer, &killed, "SELECT COUNT(*) FROM pg_stat_activity WHERE pid IN ($1, $2) "
                                                   "AND pg_terminate_backend(pid)", &e, "ii", pa, pb), ST_OK);
    assert_int_equal(killed, 2);
    /* termination is asynchronous: wait (bounded) until both are gone */
    for (int i = 0; i < 500; i++) {
        int64_t left = 1;
        assert_int_equal(db_query_int(killer, &left, "SELECT COUNT(*) FROM pg_stat_activity WHERE pid IN ($1, $2)",
                                      &e, "ii", pa, pb), ST_OK);
        if (!left) break;
        usleep(10000);
    }
    int64_t v = 0;
    err_clear(&e);
    assert_int_equal(db_query_int(a, &v, "SELECT 1", &e, ""), ST_UNAVAILABLE);
    assert_clean_unavailable(&e);
    /* later calls in the same request fail at once, without the network */
    assert_int_equal(db_run(a, "SELECT 2", &e, ""), ST_UNAVAILABLE);
    assert_clean_unavailable(&e);
    db_pool_put(p, a);   /* rolls back what is left of the transaction: nothing, quietly */
    /* the next uses: both connections reopened, fresh sessions, statements prepared anew */
    db *c = db_pool_get(p), *d = db_pool_get(p);
    int64_t pc = 0, pd = 0;
    assert_int_equal(db_query_int(c, &pc, "SELECT pg_backend_pid()", &e, ""), ST_OK);
    assert_int_equal(db_query_int(d, &pd, "SELECT pg_backend_pid()", &e, ""), ST_OK);
    assert_true(pc != pa && pc != pb && pd != pa && pd != pb && pc != pd);
    assert_int_equal(db_query_int(c, &v, "SELECT 1", &e, ""), ST_OK);
    assert_int_equal(db_begin(d, &e), ST_OK);
    assert_int_equal(db_commit(d, &e), ST_OK);
    db_pool_put(p, c);
    db_pool_put(p, d);
    db_close(killer);
    db_pool_close(p);
}

/* Bulk memory for an act: SQLite's page cache grows to db-bulk-mb and comes
 * back; PostgreSQL's work_mem is the transaction's only. */
static void body_bulk(db *d, const char *url) {
    (void)url;
    err e;
    char *v = NULL;
    assert_int_equal(db_begin(d, &e), ST_OK);
    assert_int_equal(db_bulk_begin(d, &e), ST_OK);
    if (db_kind_of(d) == DB_SQLITE) {
        int64_t n = 0;
        assert_int_equal(db_query_int(d, &n, "PRAGMA cache_size", &e, ""), ST_OK);
        assert_int_equal(n, -cfg_int("db-bulk-mb") * 1024);
        db_bulk_end(d);
        assert_int_equal(db_query_int(d, &n, "PRAGMA cache_size", &e, ""), ST_OK);
        assert_int_equal(n, -65536);
    } else {
        assert_int_equal(db_query_text(d, &v, "SHOW work_mem", &e, ""), ST_OK);
        assert_string_equal(v, "1GB");
        free(v);
        db_bulk_end(d);
    }
    assert_int_equal(db_commit(d, &e), ST_OK);
    if (db_kind_of(d) == DB_PGSQL) {
        assert_int_equal(db_query_text(d, &v, "SHOW work_mem", &e, ""), ST_OK);
        assert_string_not_equal(v, "1GB");
        free(v);
    }
}

/* The read replica's pool (db_replica.c): WAL positions checked before they reach SQL; a URL that is
 * not PostgreSQL refused; a replica that cannot be reached, or a database that is not in recovery (a
 * primary, a promoted replica), never handed out — the caller reads the primary. */
static void test_replica(void **state) {
    (void)state;
    assert_true(db_lsn_valid("0/3000060"));
    assert_true(db_lsn_valid("1A/FFFFFFFF"));
    assert_false(db_lsn_valid(NULL));
    assert_false(db_lsn_valid(""));
    assert_false(db_lsn_valid("0/"));
    assert_false(db_lsn_valid("/1"));
    assert_false(db_lsn_valid("0/1/2"));
    assert_false(db_lsn_valid("0/1'; DROP"));
    assert_false(db_lsn_valid("123456789/0"));
    err e;
    db_replica *rp = NULL;
    assert_int_equal(db_replica_open(lite_path, 1, &rp, &e), ST_INVALID);
    assert_null(rp);
    /* nothing listens on port 1: opened all the same, and never used */
    assert_int_equal(db_replica_open("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2", 1, &rp, &e), ST_OK);
    assert_null(db_replica_get(rp, NULL));
    assert_null(db_replica_get(rp, "0/0"));   /* resting: no connection attempt before db-read-retry */
    db_replica_close(rp);
    const char *url = getenv("EJIA_TEST_PG_URL");
    if (!url || !*url) return;
    db *d;
    assert_int_equal(db_open(url, &d, &e), ST_OK);
    char lsn[32];
    assert_int_equal(db_wal_lsn(d, lsn, &e), ST_OK);
    assert_true(db_lsn_valid(lsn));
    db_close(d);
    assert_int_equal(db_replica_open(url, 1, &rp, &e), ST_OK);
    assert_null(db_replica_get(rp, lsn));   /* a primary: pg_last_wal_replay_lsn() is NULL */
    db_replica_close(rp);
}

static void test_types(void **s) { (void)s; each_backend(body_types); }
static void test_dynamic(void **s) { (void)s; each_backend(body_dynamic); }
static void test_tx(void **s) { (void)s; each_backend(body_tx); }
static void test_flat(void **s) { (void)s; each_backend(body_flat); }
static void test_bulk(void **s) { (void)s; each_backend(body_bulk); }
static void test_migrate(void **s) { (void)s; each_backend(body_migrate); }

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rewrite), cmocka_unit_test(test_stream), cmocka_unit_test(test_types), cmocka_unit_test(test_tx), cmocka_unit_test(test_flat), cmocka_unit_test(test_bulk),
        cmocka_unit_test(test_migrate), cmocka_unit_test(test_pool),  cmocka_unit_test(test_backup),
        cmocka_unit_test(test_dynamic), cmocka_unit_test(test_sqlite_busy), cmocka_unit_test(test_write_queue),
        cmocka_unit_test(test_pg_reconnect), cmocka_unit_test(test_replica),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
