/* Unit tests for src/db: the same assertions against SQLite and, when
 * EJIA_TEST_PG_URL names a database (scripts/check starts a private cluster),
 * against PostgreSQL: binding and reading every type, portable SQL rewriting,
 * transactions, constraint errors, JSON rows, migrations, the pool, backup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
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
}

static void test_types(void **s) { (void)s; each_backend(body_types); }
static void test_dynamic(void **s) { (void)s; each_backend(body_dynamic); }
static void test_tx(void **s) { (void)s; each_backend(body_tx); }
static void test_migrate(void **s) { (void)s; each_backend(body_migrate); }

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rewrite), cmocka_unit_test(test_types), cmocka_unit_test(test_tx),
        cmocka_unit_test(test_migrate), cmocka_unit_test(test_pool),  cmocka_unit_test(test_backup),
        cmocka_unit_test(test_dynamic),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
