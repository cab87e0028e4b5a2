/* Unit tests for src/auth/audit on a real SQLite database: the chain
 * verifies; the guards refuse UPDATE and DELETE; and once they are dropped
 * (someone with file access), a changed row, a deleted row, an inserted row
 * and removed trailing rows are each found and the first bad row named.  The
 * retention purge removes old rows and the chain still verifies from its
 * anchor.  The head carries a mac: newest rows deleted with the head set to
 * match are found, the head and anchor cannot move back while the guards
 * stand, and a head without a good mac is only sealed again by audit_seal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/audit.h"
#include "core/config.h"

static char path[96];

static db *fresh(int rows) {
    char p[128];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
    err e;
    db *d = NULL;
    int applied = 0;
    assert_int_equal(db_open(path, &d, &e), ST_OK);
    assert_int_equal(db_migrate(d, &applied, &e), ST_OK);
    assert_int_equal(audit_guard_install(d, &e), ST_OK);
    for (int i = 1; i <= rows; i++) {
        char obj[32];
        snprintf(obj, sizeof obj, "user:%d", i);
        audit_entry a = {.at = 1000 + i * 100, .user_id = i, .username = "city", .role = "city",
                         .action = "user.create", .object = obj, .result = "ok", .address = "127.0.0.1",
                         .detail = i == 2 ? NULL : "详情"};
        assert_int_equal(audit_record(d, &a, &e), ST_OK);
    }
    return d;
}

static int64_t bad(db *d) {
    err e;
    audit_check c;
    assert_int_equal(audit_verify(d, &c, &e), ST_OK);
    if (c.bad_seq) fprintf(stderr, "  verify: %s\n", c.why);
    return c.bad_seq;
}

static void run(db *d, const char *sql) {
    err e;
    if (db_exec(d, sql, &e)) fail_msg("%s: %s", sql, e.msg);
}

/* Someone with the database but without the key file rewrites a row and
 * recomputes the plain SHA-256 chain from there: still caught. */
static void test_forged_chain_without_key(void **state) {
    (void)state;
    db *d = fresh(3);
    run(d, "DROP TRIGGER audit_no_update");
    unsigned char guess[32] = {0};
    char prev[65], h[65];
    err e;
    char *p0 = NULL;
    assert_int_equal(db_query_text(d, &p0, "SELECT prev_hash FROM audit WHERE seq = 3", &e, ""), ST_OK);
    snprintf(prev, sizeof prev, "%s", p0);
    free(p0);
    audit_entry a = {.at = 1300, .user_id = 3, .username = "city", .role = "city", .action = "user.create",
                     .object = "user:3", .result = "ok", .address = "127.0.0.1", .detail = "改过"};
    audit_hash(guess, prev, 3, &a, h);
    char q[300];
    snprintf(q, sizeof q, "UPDATE audit SET detail = '改过', hash = '%s' WHERE seq = 3; UPDATE audit_head SET hash = '%s'", h, h);
    run(d, q);
    assert_int_equal(bad(d), 3);
    db_close(d);
}

static void test_intact_and_guarded(void **state) {
    (void)state;
    db *d = fresh(5);
    err e;
    audit_check c;
    assert_int_equal(audit_verify(d, &c, &e), ST_OK);
    assert_int_equal(c.rows, 5);
    assert_int_equal(c.bad_seq, 0);
    assert_int_not_equal(db_exec(d, "UPDATE audit SET detail = 'x' WHERE seq = 3", &e), ST_OK);
    assert_non_null(strstr(e.msg, "append-only"));
    assert_int_not_equal(db_exec(d, "DELETE FROM audit WHERE seq = 1", &e), ST_OK);
    assert_int_equal(bad(d), 0);
    db_close(d);
}

static void test_tamper_update(void **state) {
    (void)state;
    db *d = fresh(5);
    run(d, "DROP TRIGGER audit_no_update");
    run(d, "UPDATE audit SET detail = '改过' WHERE seq = 3");
    assert_int_equal(bad(d), 3);
    db_close(d);
    d = fresh(5);
    run(d, "DROP TRIGGER audit_no_update");
    run(d, "UPDATE audit SET detail = '' WHERE seq = 2");   /* NULL → "" is a change too */
    assert_int_equal(bad(d), 2);
    db_close(d);
}

static void test_tamper_delete_insert(void **state) {
    (void)state;
    db *d = fresh(5);
    run(d, "DROP TRIGGER audit_no_delete");
    run(d, "DELETE FROM audit WHERE seq = 4");
    assert_int_equal(bad(d), 5);
    db_close(d);
    d = fresh(5);
    run(d, "DROP TRIGGER audit_no_delete");
    run(d, "DELETE FROM audit WHERE seq >= 4");   /* trailing rows: the head remembers */
    assert_int_equal(bad(d), 4);
    db_close(d);
    d = fresh(5);
    /* A forged row with a recomputed-looking hash at the end does not fit the chain. */
    run(d, "INSERT INTO audit(seq, at, user_id, username, role, action, object, result, address, detail, prev_hash, hash) "
           "SELECT 6, at, user_id, username, role, action, object, result, address, detail, hash, hash FROM audit WHERE seq = 5");
    assert_int_equal(bad(d), 6);
    db_close(d);
}

static void test_purge_keeps_chain(void **state) {
    (void)state;
    db *d = fresh(6);
    err e;
    int64_t removed = 0;
    assert_int_equal(audit_purge(d, 1000 + 3 * 100 + 1, &removed, &e), ST_OK);  /* rows 1..3 */
    assert_int_equal(removed, 3);
    audit_check c;
    assert_int_equal(audit_verify(d, &c, &e), ST_OK);
    assert_int_equal(c.bad_seq, 0);
    assert_int_equal(c.rows, 4);   /* 4, 5, 6 and the purge's own row */
    int64_t n = 0;
    assert_int_equal(db_query_int(d, &n, "SELECT COUNT(*) FROM audit WHERE action = 'audit.purge'", &e, ""), ST_OK);
    assert_int_equal(n, 1);
    /* The gate closed again after the purge. */
    assert_int_not_equal(db_exec(d, "DELETE FROM audit WHERE seq = 4", &e), ST_OK);
    /* Nothing old enough: nothing removed, still intact. */
    assert_int_equal(audit_purge(d, 0, &removed, &e), ST_OK);
    assert_int_equal(removed, 0);
    assert_int_equal(bad(d), 0);
    db_close(d);
}

/* Hiding the oldest rows by deleting them and moving the anchor (no key
 * needed: the hash is copied) is caught: no purge row vouches for it. */
static void test_moved_anchor(void **state) {
    (void)state;
    db *d = fresh(5);
    run(d, "DROP TRIGGER audit_no_delete");
    run(d, "UPDATE audit_anchor SET anchor_seq = 2, anchor_hash = (SELECT hash FROM audit WHERE seq = 2)");
    run(d, "DELETE FROM audit WHERE seq <= 2");
    assert_int_equal(bad(d), 3);
    db_close(d);
}

static const char *why(db *d) {
    static audit_check c;
    err e;
    assert_int_equal(audit_verify(d, &c, &e), ST_OK);
    return c.why;
}

/* The newest rows deleted and the head set to the last row left (as someone
 * with write access but no key file would): the head's mac no longer fits. */
static void test_truncated_head_rewritten(void **state) {
    (void)state;
    db *d = fresh(5);
    run(d, "DROP TRIGGER audit_no_delete; DROP TRIGGER audit_head_forward;"
           "DELETE FROM audit WHERE seq >= 4;"
           "UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit WHERE seq = 3)");
    assert_int_equal(bad(d), 4);
    assert_non_null(strstr(why(d), "校验码不符"));
    /* Appending does not launder it: the head stays unsealed. */
    err e;
    audit_entry a = {.username = "x", .action = "auth.login_failed", .result = "failed"};
    assert_int_equal(audit_record(d, &a, &e), ST_OK);
    assert_int_not_equal(bad(d), 0);
    assert_non_null(strstr(why(d), "没有校验码"));
    /* The operator looked, and seals it: audited, and verify passes again. */
    audit_check c;
    bool sealed = false;
    assert_int_equal(audit_seal(d, &c, &sealed, &e), ST_OK);
    assert_true(sealed);
    assert_int_equal(bad(d), 0);
    int64_t n = 0;
    assert_int_equal(db_query_int(d, &n, "SELECT COUNT(*) FROM audit WHERE action = 'audit.seal'", &e, ""), ST_OK);
    assert_int_equal(n, 1);
    /* Sealing an intact head does nothing. */
    assert_int_equal(audit_seal(d, &c, &sealed, &e), ST_OK);
    assert_false(sealed);
    db_close(d);
}

/* Without dropping the guards the head and anchor cannot move back or go. */
static void test_head_guarded(void **state) {
    (void)state;
    db *d = fresh(3);
    err e;
    assert_int_not_equal(db_exec(d, "UPDATE audit_head SET seq = 2", &e), ST_OK);
    assert_non_null(strstr(e.msg, "forward"));
    assert_int_not_equal(db_exec(d, "DELETE FROM audit_head", &e), ST_OK);
    assert_int_not_equal(db_exec(d, "UPDATE audit_anchor SET anchor_seq = -1", &e), ST_OK);
    assert_int_not_equal(db_exec(d, "DELETE FROM audit_anchor", &e), ST_OK);
    assert_int_equal(bad(d), 0);
    db_close(d);
}

/* A head without a mac (a database from before it, or a rewritten head with
 * the mac cleared): reported, not sealed by appending, sealed by audit_seal.
 * A chain broken in its rows is not sealed over. */
static void test_unsealed_head(void **state) {
    (void)state;
    db *d = fresh(3);
    run(d, "UPDATE audit_head SET mac = NULL");
    assert_int_equal(bad(d), 4);
    assert_non_null(strstr(why(d), "ejia audit seal"));
    err e;
    audit_check c;
    bool sealed = false;
    assert_int_equal(audit_seal(d, &c, &sealed, &e), ST_OK);
    assert_true(sealed);
    assert_int_equal(bad(d), 0);
    db_close(d);
    d = fresh(3);
    run(d, "DROP TRIGGER audit_no_update; UPDATE audit SET detail = '改过' WHERE seq = 2; UPDATE audit_head SET mac = NULL");
    assert_int_equal(audit_seal(d, &c, &sealed, &e), ST_CONFLICT);
    assert_false(sealed);
    assert_non_null(strstr(e.msg, "第 2 条"));
    db_close(d);
    /* The empty log of a new database verifies. */
    d = fresh(0);
    assert_int_equal(bad(d), 0);
    db_close(d);
}

static void test_head_mac_is_content(void **state) {
    (void)state;
    unsigned char k[32] = {7}, k2[32] = {8};
    char m1[65], m2[65], m3[65], m4[65];
    audit_head_mac(k, 3, "aa", m1);
    audit_head_mac(k, 4, "aa", m2);
    audit_head_mac(k, 3, "ab", m3);
    audit_head_mac(k2, 3, "aa", m4);
    assert_int_equal(strlen(m1), 64);
    assert_string_not_equal(m1, m2);
    assert_string_not_equal(m1, m3);
    assert_string_not_equal(m1, m4);
}

static void test_hash_is_content(void **state) {
    (void)state;
    audit_entry a = {.at = 1, .user_id = 2, .username = "a", .action = "x", .result = "ok"};
    char h1[65], h2[65], h3[65], h4[65];
    unsigned char k[32] = {7}, k2[32] = {8};
    audit_hash(k, "00", 1, &a, h1);
    audit_hash(k, "01", 1, &a, h2);
    audit_hash(k2, "00", 1, &a, h4);   /* another key: another chain (forging needs the key file) */
    a.username = "a\x1f";
    audit_hash(k, "00", 1, &a, h3);
    assert_int_equal(strlen(h1), 64);
    assert_string_not_equal(h1, h2);
    assert_string_not_equal(h1, h3);
    assert_string_not_equal(h1, h4);
}

int main(void) {
    err e;
    int argc = 1;
    char *argv[] = {"test", NULL};
    cfg_load(&argc, argv, &e);
    snprintf(path, sizeof path, "/tmp/ejia-audit-test-%d.db", (int)getpid());
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intact_and_guarded),
        cmocka_unit_test(test_tamper_update),
        cmocka_unit_test(test_tamper_delete_insert),
        cmocka_unit_test(test_purge_keeps_chain),
        cmocka_unit_test(test_hash_is_content),
        cmocka_unit_test(test_forged_chain_without_key),
        cmocka_unit_test(test_moved_anchor),
        cmocka_unit_test(test_truncated_head_rewritten),
        cmocka_unit_test(test_head_guarded),
        cmocka_unit_test(test_unsealed_head),
        cmocka_unit_test(test_head_mac_is_content),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char p[128];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
    snprintf(p, sizeof p, "%s.key", path);
    unlink(p);
    cfg_free();
    return rc;
}
