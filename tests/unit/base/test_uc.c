/* Unit tests for src/base/uc and what it stands on: transactions nest as
 * savepoints (an inner rollback keeps the outer work, an outer rollback
 * drops everything); a write commits only with its audit row, in the same
 * transaction; a failed write leaves neither change nor row; the command
 * line's actor is the OS user; objects tied to an arena are released with
 * it.  Against SQLite and, when EJIA_TEST_PG_URL is set, PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "base/audit.h"
#include "base/crypt.h"
#include "base/uc.h"
#include "core/arena.h"
#include "db/db.h"
#include "../testdb.h"

static testdb tdb;

static int setup(void **state) {
    (void)state;
    testdb_init(&tdb, "uctest", 3);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    testdb_done(&tdb);
    return 0;
}

static db *open_fresh(const char *url) {
    db *d = NULL;
    err e;
    int applied = 0;
    assert_int_equal(db_open(url, &d, &e), ST_OK);
    assert_int_equal(db_migrate(d, &applied, &e), ST_OK);
    assert_int_equal(db_exec(d, "DROP TABLE IF EXISTS uc_t; CREATE TABLE uc_t(v INTEGER)", &e), ST_OK);
    return d;
}

static int64_t count(db *d, const char *sql) {
    int64_t n = -1;
    err e;
    assert_int_equal(db_query_int(d, &n, sql, &e, ""), ST_OK);
    return n;
}

static void test_nested(void **state) {
    (void)state;
    for (int u = 0; u < tdb.n; u++) {
        db *d = open_fresh(tdb.urls[u]);
        err e;
        assert_int_equal(db_tx_depth(d), 0);
        assert_int_equal(db_begin(d, &e), ST_OK);
        assert_int_equal(db_run(d, "INSERT INTO uc_t(v) VALUES (1)", &e, ""), ST_OK);
        assert_int_equal(db_begin(d, &e), ST_OK);   /* a savepoint */
        assert_int_equal(db_tx_depth(d), 2);
        assert_int_equal(db_run(d, "INSERT INTO uc_t(v) VALUES (2)", &e, ""), ST_OK);
        db_rollback(d);                              /* only the inner part */
        assert_int_equal(db_tx_depth(d), 1);
        assert_int_equal(db_begin(d, &e), ST_OK);
        assert_int_equal(db_run(d, "INSERT INTO uc_t(v) VALUES (3)", &e, ""), ST_OK);
        assert_int_equal(db_commit(d, &e), ST_OK);   /* released into the outer one */
        assert_int_equal(db_commit(d, &e), ST_OK);
        assert_int_equal(db_tx_depth(d), 0);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM uc_t"), 2);
        assert_int_equal(count(d, "SELECT SUM(v) FROM uc_t"), 4);
        /* an outer rollback takes the committed inner work with it */
        assert_int_equal(db_begin(d, &e), ST_OK);
        assert_int_equal(db_begin(d, &e), ST_OK);
        assert_int_equal(db_run(d, "INSERT INTO uc_t(v) VALUES (10)", &e, ""), ST_OK);
        assert_int_equal(db_commit(d, &e), ST_OK);
        db_rollback_all(d);
        assert_int_equal(db_tx_depth(d), 0);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM uc_t"), 2);
        assert_int_not_equal(db_commit(d, &e), ST_OK);   /* nothing open: an error, not a crash */
        db_close(d);
    }
}

static st work_ok(uc *c, void *arg, uc_act *a, err *e) {
    int64_t v = *(int64_t *)arg;
    st s = db_run(c->d, "INSERT INTO uc_t(v) VALUES ($1)", e, "i", v);
    a->object = uc_obj(c, "uc_t", v);   /* known only now */
    return s;
}

static st work_fail(uc *c, void *arg, uc_act *a, err *e) {
    (void)a;
    st s = db_run(c->d, "INSERT INTO uc_t(v) VALUES ($1)", e, "i", *(int64_t *)arg);
    return s ? s : err_set(e, ST_CONFLICT, "故意失败");
}

static void test_write(void **state) {
    (void)state;
    for (int u = 0; u < tdb.n; u++) {
        db *d = open_fresh(tdb.urls[u]);
        err e;
        arena mem;
        arena_init(&mem, 0);
        uc c;
        uc_cli(&c, d, &mem);
        assert_string_equal(c.who.role, "cli");
        assert_int_equal(strncmp(c.who.username, "cli:", 4), 0);
        int64_t rows0 = audit_rows_written(), audit0 = count(d, "SELECT COUNT(*) FROM audit");
        int64_t v = 7;
        uc_act a = {"test.write", NULL, "测试写入", NULL};
        assert_int_equal(uc_write(&c, &a, work_ok, &v, &e), ST_OK);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM uc_t WHERE v = 7"), 1);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM audit") - audit0, 1);
        assert_int_equal(audit_rows_written() - rows0, 1);
        json_t *row = NULL;
        assert_int_equal(db_query_json(d, &row, "SELECT action, object, username, address FROM audit ORDER BY seq DESC LIMIT 1", &e, ""),
                         ST_OK);
        json_t *r0 = json_array_get(row, 0);
        assert_string_equal(json_string_value(json_object_get(r0, "action")), "test.write");
        assert_string_equal(json_string_value(json_object_get(r0, "object")), "uc_t:7");
        assert_string_equal(json_string_value(json_object_get(r0, "username")), c.who.username);
        assert_string_equal(json_string_value(json_object_get(r0, "address")), "cli");
        json_decref(row);
        /* a failed write: neither the change nor a row */
        v = 8;
        uc_act b = {"test.fail", NULL, NULL, NULL};
        assert_int_equal(uc_write(&c, &b, work_fail, &v, &e), ST_CONFLICT);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM uc_t WHERE v = 8"), 0);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM audit") - audit0, 1);
        assert_int_equal(db_tx_depth(d), 0);
        /* no act, no commit */
        assert_int_equal(uc_begin(&c, &e), ST_OK);
        assert_int_equal(db_run(d, "INSERT INTO uc_t(v) VALUES (9)", &e, ""), ST_OK);
        assert_int_equal(uc_end(&c, ST_OK, NULL, &e), ST_INTERNAL);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM uc_t WHERE v = 900"), 0);
        /* a write inside another: one transaction, one row — the outer act's */
        assert_int_equal(uc_begin(&c, &e), ST_OK);
        v = 11;
        uc_act in = {"test.inner", NULL, NULL, NULL};
        uc part = uc_part(&c);
        assert_int_equal(uc_write(&part, &in, work_ok, &v, &e), ST_OK);
        uc_act out = {"test.outer", "uc_t", NULL, NULL};
        assert_int_equal(uc_end(&c, ST_OK, &out, &e), ST_OK);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM audit") - audit0, 2);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM audit WHERE action = 'test.inner'"), 0);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM uc_t WHERE v = 11"), 1);
        /* a part alone (no act around it) is refused and leaves nothing */
        part = uc_part(&c);
        v = 12;
        assert_int_equal(uc_write(&part, &in, work_ok, &v, &e), ST_INTERNAL);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM uc_t WHERE v = 12"), 0);
        /* an act inside another that is not a part writes its own row */
        assert_int_equal(uc_begin(&c, &e), ST_OK);
        v = 13;
        assert_int_equal(uc_write(&c, &in, work_ok, &v, &e), ST_OK);
        assert_int_equal(uc_end(&c, ST_OK, &out, &e), ST_OK);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM audit WHERE action = 'test.inner'"), 1);
        audit0 += 2;
        /* an audited read */
        uc_act rd = {"test.export", "uc_t", "导出", NULL};
        assert_int_equal(uc_audit(&c, &rd, &e), ST_OK);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM audit") - audit0, 3);
        audit_check chk;
        assert_int_equal(audit_verify(d, &chk, &e), ST_OK);
        assert_int_equal(chk.bad_seq, 0);
        arena_free(&mem);
        db_close(d);
    }
}


/* ---- group commit (uc_batched) ---- */

enum { BT_N = 9 };   /* the second batch 8 acts, 7 audit rows: written 5 and 1 and 1 at once (audit_held_flush) */
static uc_batch bt_batch = UC_BATCH_INIT;
static volatile int bt_leading;   /* the first act has begun: the others may queue behind it */

typedef struct bt_job {
    const char *url;
    int v;
    st s;
    int64_t rows;             /* audit rows this thread was credited with */
    char msg[512];
} bt_job;

static void bt_nap(void) {
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
}

static st bt_work(uc *c, void *arg, err *e) {
    bt_job *j = arg;
    st s = uc_begin(c, e);
    if (s) return s;
    s = db_run(c->d, "INSERT INTO uc_t(v) VALUES ($1)", e, "i", (int64_t)j->v);
    if (!s && j->v == 0) {
        /* the first act holds its batch open until every other one has queued
           (a condition, bounded at 60 s), so the second batch takes them all */
        bt_leading = 1;
        for (int i = 0; i < 60000 && uc_batch_queued(&bt_batch) < BT_N - 1; i++) bt_nap();
    }
    if (!s && j->v == 3) {
        /* an inner act commits its part (its audit row held for the batch), then the act fails:
           both roll back alone, the inner act's row with them */
        s = uc_begin(c, e);
        if (!s) s = db_run(c->d, "INSERT INTO uc_t(v) VALUES (100)", e, "");
        uc_act in = {"test.batch-inner", uc_obj(c, "uc_t", 100), NULL, NULL};
        s = uc_end(c, s, &in, e);
        if (!s) s = err_set(e, ST_CONFLICT, "第 3 项失败");   /* rolls back alone */
    }
    uc_act a = {"test.batch", uc_obj(c, "uc_t", j->v), NULL, NULL};
    return uc_end(c, s, &a, e);
}

static void *bt_thread(void *arg) {
    bt_job *j = arg;
    db *d = NULL;
    err e;
    if ((j->s = db_open(j->url, &d, &e))) return NULL;
    arena mem;
    arena_init(&mem, 0);
    uc c;
    uc_cli(&c, d, &mem);
    int64_t rows0 = audit_rows_written();
    j->s = uc_batched(&c, &bt_batch, bt_work, j, &e);
    j->rows = audit_rows_written() - rows0;
    snprintf(j->msg, sizeof j->msg, "%s", j->s ? e.msg : "");
    arena_free(&mem);
    db_close(d);
    return NULL;
}

/* Acts of several threads committed together: each writes its own audit row
 * and each thread is credited with its own (the server's audit check counts
 * per thread); one that fails rolls back alone; the second batch takes all
 * that queued while the first was running. */
static void test_batched(void **state) {
    (void)state;
    for (int u = 0; u < tdb.n; u++) {
        db *d = open_fresh(tdb.urls[u]);
        int64_t audit0 = count(d, "SELECT COUNT(*) FROM audit");
        bt_batch.batches = bt_batch.acts = 0;
        bt_leading = 0;
        bt_job jobs[BT_N];
        pthread_t th[BT_N];
        for (int i = 0; i < BT_N; i++) jobs[i] = (bt_job){tdb.urls[u], i, ST_OK, 0, ""};
        assert_int_equal(pthread_create(&th[0], NULL, bt_thread, &jobs[0]), 0);
        for (int i = 0; i < 60000 && !bt_leading; i++) bt_nap();
        assert_true(bt_leading);
        for (int i = 1; i < BT_N; i++) assert_int_equal(pthread_create(&th[i], NULL, bt_thread, &jobs[i]), 0);
        for (int i = 0; i < BT_N; i++) pthread_join(th[i], NULL);
        for (int i = 0; i < BT_N; i++) {
            if (jobs[i].s != (i == 3 ? ST_CONFLICT : ST_OK)) fail_msg("%s: act %d: %d %s", tdb.urls[u], i, jobs[i].s, jobs[i].msg);
            assert_int_equal(jobs[i].rows, 1);   /* job 3: its inner act's row, appended and rolled back */
        }
        assert_string_equal(jobs[3].msg, "第 3 项失败");
        assert_int_equal(bt_batch.batches, 2);
        assert_int_equal(bt_batch.acts, BT_N);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM uc_t"), BT_N - 1);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM uc_t WHERE v = 3 OR v = 100"), 0);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM audit WHERE action = 'test.batch-inner'"), 0);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM audit WHERE action = 'test.batch'") , BT_N - 1);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM audit") - audit0, BT_N - 1);
        audit_check chk;
        err e;
        assert_int_equal(audit_verify(d, &chk, &e), ST_OK);
        assert_int_equal(chk.bad_seq, 0);
        assert_false(chk.head_unsealed);
        /* one seq after another, each act's own row */
        assert_int_equal(count(d, "SELECT MAX(seq) - MIN(seq) + 1 FROM audit WHERE action = 'test.batch'"), BT_N - 1);
        assert_int_equal(count(d, "SELECT COUNT(DISTINCT object) FROM audit WHERE action = 'test.batch'"), BT_N - 1);
        /* inside an open transaction an act just runs in it */
        arena mem;
        arena_init(&mem, 0);
        uc c;
        uc_cli(&c, d, &mem);
        assert_int_equal(db_begin(d, &e), ST_OK);
        bt_job in = {tdb.urls[u], 900, ST_OK, 0, ""};
        assert_int_equal(uc_batched(&c, &bt_batch, bt_work, &in, &e), ST_OK);
        assert_int_equal(bt_batch.batches, 2);
        db_rollback(d);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM uc_t WHERE v = 900"), 0);
        arena_free(&mem);
        db_close(d);
    }
}

static int released;
static void count_release(void *p) {
    released += *(int *)p;
    free(p);
}

static void test_defer(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    released = 0;
    for (int i = 1; i <= 3; i++) {
        int *p = malloc(sizeof *p);
        *p = i;
        assert_ptr_equal(arena_defer(&a, count_release, p), p);
    }
    assert_non_null(arena_json(&a, json_array()));
    assert_non_null(arena_own(&a, strdup("x")));
    assert_null(arena_defer(&a, count_release, NULL));
    arena_free(&a);
    assert_int_equal(released, 6);
    /* at the cap: released at once, NULL returned (LeakSanitizer checks nothing leaks) */
    arena_init(&a, 16);
    assert_non_null(arena_alloc(&a, 16));
    int *p = malloc(sizeof *p);
    *p = 100;
    assert_null(arena_defer(&a, count_release, p));
    assert_int_equal(released, 106);
    arena_free(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nested),
        cmocka_unit_test(test_write),
        cmocka_unit_test(test_batched),
        cmocka_unit_test(test_defer),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
