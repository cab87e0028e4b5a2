/* test_xun — the 旬 calendar: parsing, first and last days (month ends,
 * February in leap and common years, century rules), stepping across months
 * and years, the 旬 of a day, and day arithmetic. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "org/org.h"

static void last_of(const char *p, const char *want) {
    org_xun x;
    assert_true(org_xun_parse(p, &x));
    char d[11];
    org_xun_last(&x, d);
    assert_string_equal(d, want);
}

static void test_parse(void **state) {
    (void)state;
    org_xun x;
    assert_true(org_xun_parse("2018-04-3", &x));
    assert_int_equal(x.y, 2018);
    assert_int_equal(x.m, 4);
    assert_int_equal(x.x, 3);
    assert_false(org_xun_parse("2018-04-4", &x));
    assert_false(org_xun_parse("2018-04-0", &x));
    assert_false(org_xun_parse("2018-13-1", &x));
    assert_false(org_xun_parse("2018-4-1", &x));
    assert_false(org_xun_parse("2018-04-1x", &x));
    assert_false(org_xun_parse(NULL, &x));
    char s[16];
    org_xun_format(&x, s);
    assert_string_equal(s, "2018-04-3");
    char t[64];
    org_xun_title(&x, t, sizeof t);
    assert_string_equal(t, "2018年4月下旬");
}

static void test_month_ends(void **state) {
    (void)state;
    last_of("2018-04-1", "2018-04-10");
    last_of("2018-04-2", "2018-04-20");
    last_of("2018-04-3", "2018-04-30");
    last_of("2018-01-3", "2018-01-31");
    last_of("2018-02-3", "2018-02-28");
    last_of("2020-02-3", "2020-02-29");   /* leap */
    last_of("1900-02-3", "1900-02-28");   /* century, not leap */
    last_of("2000-02-3", "2000-02-29");   /* 400 years, leap */
    last_of("2018-12-3", "2018-12-31");
    org_xun x = {2018, 4, 3};
    char d[11];
    org_xun_first(&x, d);
    assert_string_equal(d, "2018-04-21");
}

static void test_steps(void **state) {
    (void)state;
    org_xun x = {2018, 1, 1}, p = org_xun_prev(&x);
    assert_int_equal(p.y, 2017);
    assert_int_equal(p.m, 12);
    assert_int_equal(p.x, 3);
    org_xun n = org_xun_next(&p);
    assert_int_equal(n.y, 2018);
    assert_int_equal(n.m, 1);
    assert_int_equal(n.x, 1);
    org_xun m = {2018, 3, 1};
    p = org_xun_prev(&m);
    assert_int_equal(p.m, 2);
    assert_int_equal(p.x, 3);
    org_xun a = org_xun_of(2018, 2, 10), b = org_xun_of(2018, 2, 11), c = org_xun_of(2018, 2, 28), d = org_xun_of(2018, 2, 21);
    assert_int_equal(a.x, 1);
    assert_int_equal(b.x, 2);
    assert_int_equal(c.x, 3);
    assert_int_equal(d.x, 3);
    assert_int_equal(org_xun_of(2018, 5, 20).x, 2);
    assert_int_equal(org_xun_of(2018, 5, 31).x, 3);
}

static void test_days(void **state) {
    (void)state;
    int y, m, d;
    assert_true(org_day_parse("2020-02-29", &y, &m, &d));
    assert_false(org_day_parse("2019-02-29", &y, &m, &d));
    assert_false(org_day_parse("2018-04-31", &y, &m, &d));
    assert_false(org_day_parse("2018-4-30", &y, &m, &d));
    char o[11];
    org_day_add("2020-02-28", 1, o);
    assert_string_equal(o, "2020-02-29");
    org_day_add("2019-02-28", 1, o);
    assert_string_equal(o, "2019-03-01");
    org_day_add("2018-01-01", -1, o);
    assert_string_equal(o, "2017-12-31");
    org_day_add("2017-12-31", 365, o);
    assert_string_equal(o, "2018-12-31");
    assert_int_equal(org_month_days(2100, 2), 28);
    assert_int_equal(org_month_days(2024, 2), 29);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse), cmocka_unit_test(test_month_ends), cmocka_unit_test(test_steps),
        cmocka_unit_test(test_days),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
