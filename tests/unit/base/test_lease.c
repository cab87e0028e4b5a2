/* Unit tests for src/base/lease: of two servers' leases on the same work one
 * leads and the other waits; the leader stays the leader tick after tick;
 * when the leader's session ends (its process dies: here its lease freed,
 * which closes the connection as death does) the other leads on its next
 * tick; a lease on another work is independent; the holder is named as
 * lease_self names this server.  On SQLite every lease leads (one file, one
 * server).  PostgreSQL parts when EJIA_TEST_PG_URL is set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "base/lease.h"

static void test_sqlite_always_leads(void **state) {
    (void)state;
    lease *a = lease_new("/tmp/ejia-lease-never-opened.db", "points");
    lease *b = lease_new("sqlite:/tmp/ejia-lease-never-opened.db", "points");
    assert_true(lease_lead(a));
    assert_true(lease_lead(b));
    lease_free(a);
    lease_free(b);
    char *who = NULL;
    err e;
    err_clear(&e);
    assert_int_equal(lease_holder("/tmp/x.db", "points", &who, &e), ST_NOT_FOUND);
    assert_null(who);
}

static void test_pg_one_leader_and_takeover(void **state) {
    (void)state;
    const char *url = getenv("EJIA_TEST_PG_URL");
    if (!url || !*url) skip();
    lease *a = lease_new(url, "lease-test");
    lease *b = lease_new(url, "lease-test");
    lease *other = lease_new(url, "lease-test-other");
    err e;
    err_clear(&e);
    char *who = NULL;
    assert_int_equal(lease_holder(url, "lease-test", &who, &e), ST_NOT_FOUND);
    assert_true(lease_lead(a));
    for (int i = 0; i < 3; i++) {   /* tick after tick: still a, never b */
        assert_false(lease_lead(b));
        assert_true(lease_lead(a));
    }
    assert_true(lease_lead(other));   /* another work, its own lock */
    assert_int_equal(lease_holder(url, "lease-test", &who, &e), ST_OK);
    assert_string_equal(who, lease_self());
    free(who);
    lease_free(a);   /* the leader's session ends */
    /* the server drops a's lock when its backend has exited, a moment after the client hung up
       (CI's sanitizer run asked at once and lost the race): wait for that, bounded (30 s) */
    bool took = false;
    for (int i = 0; i < 300 && !(took = lease_lead(b)); i++) nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
    assert_true(took);
    assert_true(lease_lead(b));
    lease_free(b);
    lease_free(other);
    assert_int_equal(lease_holder(url, "lease-test", &who, &e), ST_NOT_FOUND);
}

static void test_pg_unreachable_does_not_lead(void **state) {
    (void)state;
    lease *a = lease_new("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", "points");
    assert_false(lease_lead(a));
    assert_false(lease_lead(a));
    lease_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sqlite_always_leads),
        cmocka_unit_test(test_pg_one_leader_and_takeover),
        cmocka_unit_test(test_pg_unreachable_does_not_lead),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
