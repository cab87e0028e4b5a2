/* Unit tests for src/auth/lockout_store on a real SQLite database: a name that is
 * no account locks after lockout-failures failures like an account does; an
 * address is paused at exactly login-address-failures failures in its window,
 * for login-address-minutes, and counts again from one afterwards (and when
 * the clock went back). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "auth/lockout.h"
#include "core/config.h"

static char path[96];

static db *fresh(void) {
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
    return d;
}

static void test_unknown_name_locks_like_an_account(void **state) {
    (void)state;
    db *d = fresh();
    uc c = {.d = d};
    err e;
    int64_t now = 1000000, until = 0;
    for (int i = 1; i < 5; i++) {
        assert_int_equal(lockout_store_name_fail(&c, "ghost", now + i, &until, &e), ST_OK);
        assert_int_equal(until, 0);
    }
    assert_int_equal(lockout_store_name_until(&c, "ghost", &until, &e), ST_OK);
    assert_int_equal(until, 0);
    assert_int_equal(lockout_store_name_fail(&c, "ghost", now + 5, &until, &e), ST_OK);
    assert_int_equal(until, now + 5 + 30 * 60);   /* lockout-minutes */
    int64_t u2 = 0;
    assert_int_equal(lockout_store_name_until(&c, "ghost", &u2, &e), ST_OK);
    assert_int_equal(u2, until);
    /* Another name is untouched; a name tried once long ago is forgotten. */
    assert_int_equal(lockout_store_name_until(&c, "other", &u2, &e), ST_OK);
    assert_int_equal(u2, 0);
    assert_int_equal(lockout_store_name_fail(&c, "once", now, &u2, &e), ST_OK);
    assert_int_equal(lockout_store_name_fail(&c, "later", now + 31 * 86400, &u2, &e), ST_OK);
    int64_t n = -1;
    assert_int_equal(db_query_int(d, &n, "SELECT COUNT(*) FROM login_name_failures WHERE username = 'once'", &e, ""), ST_OK);
    assert_int_equal(n, 0);
    db_close(d);
}

static void test_address_paused(void **state) {
    (void)state;
    db *d = fresh();
    uc c = {.d = d};
    err e;
    assert_int_equal(cfg_set("login-address-failures", "3", &e), ST_OK);
    int64_t now = 2000000, paused = 0, until = 0;
    assert_int_equal(lockout_store_addr_until(&c, "10.0.0.1", now, &until, &e), ST_OK);
    assert_int_equal(until, 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(lockout_store_addr_fail(&c, "10.0.0.1", now + i, &paused, &e), ST_OK);
        assert_int_equal(paused, 0);
    }
    assert_int_equal(lockout_store_addr_fail(&c, "10.0.0.1", now + 2, &paused, &e), ST_OK);
    assert_int_equal(paused, now + 2 + 15 * 60);   /* login-address-minutes */
    assert_int_equal(lockout_store_addr_until(&c, "10.0.0.1", now + 3, &until, &e), ST_OK);
    assert_int_equal(until, paused);
    /* Another address is not paused. */
    assert_int_equal(lockout_store_addr_until(&c, "10.0.0.2", now + 3, &until, &e), ST_OK);
    assert_int_equal(until, 0);
    /* A failure racing past the limit keeps the pause and is not reported again. */
    assert_int_equal(lockout_store_addr_fail(&c, "10.0.0.1", now + 3, &paused, &e), ST_OK);
    assert_int_equal(paused, 0);
    /* After the pause the count starts again from one. */
    int64_t later = now + 2 + 15 * 60;
    assert_int_equal(lockout_store_addr_until(&c, "10.0.0.1", later, &until, &e), ST_OK);
    assert_int_equal(until, 0);
    assert_int_equal(lockout_store_addr_fail(&c, "10.0.0.1", later, &paused, &e), ST_OK);
    assert_int_equal(paused, 0);
    int64_t n = 0;
    assert_int_equal(db_query_int(d, &n, "SELECT failures FROM login_throttle WHERE address = '10.0.0.1'", &e, ""), ST_OK);
    assert_int_equal(n, 1);
    /* The clock set back (tests, an NTP step): a new window, not a stuck one. */
    assert_int_equal(lockout_store_addr_fail(&c, "10.0.0.1", later - 3600, &paused, &e), ST_OK);
    assert_int_equal(db_query_int(d, &n, "SELECT failures FROM login_throttle WHERE address = '10.0.0.1'", &e, ""), ST_OK);
    assert_int_equal(n, 1);
    assert_int_equal(cfg_set("login-address-failures", "10", &e), ST_OK);
    db_close(d);
}

int main(void) {
    err e;
    int argc = 1;
    char *argv[] = {"test", NULL};
    cfg_load(&argc, argv, &e);
    cfg_set("log-level", "warn", &e);
    snprintf(path, sizeof path, "/tmp/ejia-lockout-test-%d.db", (int)getpid());
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_name_locks_like_an_account),
        cmocka_unit_test(test_address_paused),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char p[128];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
    cfg_free();
    return rc;
}
