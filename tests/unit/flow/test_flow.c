/* Unit tests for the pure rules of 流动党员 (src/flow/flow.c) at their edges:
 * the reasons, the days of a new flow (today allowed, tomorrow not; the day the
 * member's state began allowed, the day before not; an expected return on the
 * day of leaving refused, the day after allowed; days written as rosters write
 * them), the return day, a flow open on a day (from inclusive, to exclusive),
 * its status (open, overdue the day after the expected return, returned,
 * handed over) and which contacts are phones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "flow/flow.h"

static void test_reasons(void **state) {
    (void)state;
    for (size_t i = 0; flow_reasons[i]; i++) assert_true(flow_reason_ok(flow_reasons[i]));
    assert_true(flow_reason_ok("务工经商"));
    assert_true(flow_reason_ok("学习进修"));
    assert_false(flow_reason_ok("务工"));
    assert_false(flow_reason_ok(""));
    assert_false(flow_reason_ok(NULL));
}

static void test_days(void **state) {
    (void)state;
    char from[11], expect[11];
    err e;
    assert_int_equal(flow_days_check("2026-03-01", "2026-09-01", "2019-01-01", "2026-03-01", from, expect, &e), ST_OK);
    assert_string_equal(from, "2026-03-01");
    assert_string_equal(expect, "2026-09-01");
    /* as rosters write days */
    assert_int_equal(flow_days_check("2026年3月1日", "2026.9.1", "", "2026-12-01", from, expect, &e), ST_OK);
    assert_string_equal(from, "2026-03-01");
    assert_string_equal(expect, "2026-09-01");
    /* no expected return */
    assert_int_equal(flow_days_check("2026-03-01", NULL, NULL, "2026-12-01", from, expect, &e), ST_OK);
    assert_string_equal(expect, "");
    assert_int_equal(flow_days_check("2026-03-01", "", NULL, "2026-12-01", from, expect, &e), ST_OK);
    /* tomorrow: not yet */
    assert_int_equal(flow_days_check("2026-03-02", NULL, NULL, "2026-03-01", from, expect, &e), ST_INVALID);
    assert_string_equal(e.field, "from_day");
    /* the state began on since: that day allowed, the day before not */
    assert_int_equal(flow_days_check("2026-02-10", NULL, "2026-02-10", "2026-03-01", from, expect, &e), ST_OK);
    assert_int_equal(flow_days_check("2026-02-09", NULL, "2026-02-10", "2026-03-01", from, expect, &e), ST_INVALID);
    assert_string_equal(e.field, "from_day");
    assert_non_null(strstr(e.msg, "2026-02-10"));
    /* the expected return after the day of leaving */
    assert_int_equal(flow_days_check("2026-03-01", "2026-03-01", NULL, "2026-12-01", from, expect, &e), ST_INVALID);
    assert_string_equal(e.field, "expect_day");
    assert_int_equal(flow_days_check("2026-03-01", "2026-03-02", NULL, "2026-12-01", from, expect, &e), ST_OK);
    assert_int_equal(flow_days_check("2026-03-01", "明年", NULL, "2026-12-01", from, expect, &e), ST_INVALID);
    assert_string_equal(e.field, "expect_day");
    /* missing and not a day */
    assert_int_equal(flow_days_check(NULL, NULL, NULL, "2026-12-01", from, expect, &e), ST_INVALID);
    assert_string_equal(e.field, "from_day");
    assert_int_equal(flow_days_check("2026-02-30", NULL, NULL, "2026-12-01", from, expect, &e), ST_INVALID);
    assert_string_equal(e.field, "from_day");
}

static void test_return_day(void **state) {
    (void)state;
    char d[11];
    err e;
    assert_int_equal(flow_return_check("2026-03-02", "2026-03-01", "2026-12-01", d, &e), ST_OK);
    assert_string_equal(d, "2026-03-02");
    assert_int_equal(flow_return_check("2026-12-01", "2026-03-01", "2026-12-01", d, &e), ST_OK);   /* today */
    assert_int_equal(flow_return_check("2026-03-01", "2026-03-01", "2026-12-01", d, &e), ST_INVALID);   /* the day of leaving */
    assert_string_equal(e.field, "day");
    assert_int_equal(flow_return_check("2026-12-02", "2026-03-01", "2026-12-01", d, &e), ST_INVALID);   /* tomorrow */
    assert_int_equal(flow_return_check("", "2026-03-01", "2026-12-01", d, &e), ST_INVALID);
    assert_int_equal(flow_return_check(NULL, "2026-03-01", "2026-12-01", d, &e), ST_INVALID);
}

static void test_open_on(void **state) {
    (void)state;
    assert_false(flow_open_on("2026-03-01", NULL, "2026-02-28"));
    assert_true(flow_open_on("2026-03-01", NULL, "2026-03-01"));
    assert_true(flow_open_on("2026-03-01", "", "2030-01-01"));
    assert_true(flow_open_on("2026-03-01", "2026-09-01", "2026-08-31"));
    assert_false(flow_open_on("2026-03-01", "2026-09-01", "2026-09-01"));   /* back that day: home again */
    assert_false(flow_open_on(NULL, NULL, "2026-03-01"));
}

static void test_status(void **state) {
    (void)state;
    assert_string_equal(flow_status(NULL, NULL, "2026-09-01", "2026-09-01"), "open");       /* due today: not late yet */
    assert_string_equal(flow_status(NULL, NULL, "2026-09-01", "2026-09-02"), "overdue");
    assert_string_equal(flow_status(NULL, NULL, NULL, "2030-01-01"), "open");               /* no expected return */
    assert_string_equal(flow_status("", NULL, "", "2030-01-01"), "open");
    assert_string_equal(flow_status("2026-10-01", "returned", "2026-09-01", "2026-12-01"), "returned");
    assert_string_equal(flow_status("2026-10-01", NULL, "2026-09-01", "2026-12-01"), "returned");
    assert_string_equal(flow_status("2026-05-01", "handed_over", NULL, "2026-12-01"), "handed_over");
}

static void test_contact(void **state) {
    (void)state;
    char p[32];
    assert_true(flow_contact_phone("13812345678", p));
    assert_string_equal(p, "13812345678");
    assert_true(flow_contact_phone("138 1234 5678", p));
    assert_string_equal(p, "13812345678");
    assert_true(flow_contact_phone("+86 138-1234-5678", p));
    assert_true(flow_contact_phone("0592-5551234", p));
    assert_false(flow_contact_phone("微信 liubing2026", p));
    assert_false(flow_contact_phone("深圳市南山区科技园 1 号", p));
    assert_false(flow_contact_phone("12345", p));
    assert_false(flow_contact_phone("", p));
    assert_false(flow_contact_phone(NULL, p));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reasons), cmocka_unit_test(test_days),   cmocka_unit_test(test_return_day),
        cmocka_unit_test(test_open_on), cmocka_unit_test(test_status), cmocka_unit_test(test_contact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
