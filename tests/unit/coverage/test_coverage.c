/* Unit tests for the rules of coverage (src/coverage/coverage.c): the one
 * rounding of every percentage at its halves, rates and changes, the
 * groupings, the trend's sample days at month ends and leap years, and the
 * marking of the days an interval covers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "coverage/coverage.h"

static void test_rounding(void **state) {
    (void)state;
    assert_true(coverage_tenths(735.4) == 73.5);
    assert_true(coverage_tenths(735.5) == 73.6);    /* halves away from zero */
    assert_true(coverage_tenths(-735.5) == -73.6);
    assert_true(coverage_tenths(-0.4) == -0.0);
    assert_true(coverage_rate(0, 0) == 0.0);
    assert_true(coverage_rate(1, 3) == 33.3);
    assert_true(coverage_rate(2, 3) == 66.7);
    assert_true(coverage_rate(1, 16) == 6.3);        /* 6.25 */
    assert_true(coverage_rate(1, 80) == 1.3);        /* 1.25 */
    assert_true(coverage_rate(3, 2000) == 0.2);      /* 0.15 */
    assert_true(coverage_rate(7, 7) == 100.0);
    /* a change is the difference of two rounded rates, rounded again */
    assert_true(coverage_change(73.5, 37.1) == 36.4);
    assert_true(coverage_change(37.1, 73.5) == -36.4);
    assert_true(coverage_change(70.0, 70.0) == 0.0);
    assert_true(coverage_change(0.3, 0.1) == 0.2);   /* 0.19999999999999998 in doubles */
}

static void test_by(void **state) {
    (void)state;
    coverage_by b;
    err e;
    assert_int_equal(coverage_by_parse(NULL, &b, &e), ST_OK);
    assert_int_equal(b, COVERAGE_CITY);
    assert_int_equal(coverage_by_parse("", &b, &e), ST_OK);
    assert_int_equal(b, COVERAGE_CITY);
    assert_int_equal(coverage_by_parse("category", &b, &e), ST_OK);
    assert_int_equal(b, COVERAGE_CATEGORY);
    assert_string_equal(coverage_by_name(COVERAGE_PARK), "park");
    assert_int_equal(coverage_by_parse("bogus", &b, &e), ST_INVALID);
    assert_string_equal(e.field, "by");
}

static void test_row_json(void **state) {
    (void)state;
    coverage_row r = {NULL, "厦门市", 8, 3, 5};
    json_t *j = coverage_row_json(&r);
    assert_true(json_is_null(json_object_get(j, "key")));
    assert_int_equal(json_integer_value(json_object_get(j, "work_covered")), 5);
    assert_true(json_real_value(json_object_get(j, "rate")) == 37.5);
    assert_true(json_real_value(json_object_get(j, "work_rate")) == 62.5);
    json_decref(j);
}

static void test_trend_points(void **state) {
    (void)state;
    coverage_point p[COVERAGE_TREND_MAX];
    size_t n = coverage_trend_points("2017-12-21", "2018-04-30", false, p, COVERAGE_TREND_MAX);
    assert_int_equal(n, 13);
    assert_string_equal(p[0].day, "2017-12-31");
    assert_string_equal(p[0].period, "2017-12-3");
    assert_string_equal(p[1].day, "2018-01-10");
    assert_string_equal(p[12].day, "2018-04-30");
    /* the last one cut at `to` */
    n = coverage_trend_points("2018-02-05", "2018-02-25", false, p, COVERAGE_TREND_MAX);
    assert_int_equal(n, 3);
    assert_string_equal(p[2].day, "2018-02-25");
    assert_string_equal(p[2].period, "2018-02-3");
    /* month ends, February of a leap year */
    n = coverage_trend_points("2020-01-15", "2020-04-30", true, p, COVERAGE_TREND_MAX);
    assert_int_equal(n, 4);
    assert_string_equal(p[1].day, "2020-02-29");
    assert_string_equal(p[3].day, "2020-04-30");
    /* one day */
    n = coverage_trend_points("2018-04-30", "2018-04-30", false, p, COVERAGE_TREND_MAX);
    assert_int_equal(n, 1);
    assert_string_equal(p[0].day, "2018-04-30");
    /* capped */
    assert_int_equal(coverage_trend_points("2000-01-01", "2030-01-01", false, p, 5), 5);
}

static void test_mark(void **state) {
    (void)state;
    const char *days[] = {"2018-01-10", "2018-01-20", "2018-01-31", "2018-02-10"};
    unsigned char f[4] = {0};
    coverage_mark(days, 4, "2018-01-20", "2018-02-10", f);   /* from inclusive, to exclusive */
    assert_memory_equal(f, ((unsigned char[]){0, 1, 1, 0}), 4);
    memset(f, 0, 4);
    coverage_mark(days, 4, "2018-01-11", NULL, f);            /* open */
    assert_memory_equal(f, ((unsigned char[]){0, 1, 1, 1}), 4);
    memset(f, 0, 4);
    coverage_mark(days, 4, "2018-03-01", NULL, f);
    assert_memory_equal(f, ((unsigned char[]){0, 0, 0, 0}), 4);
    coverage_mark(days, 4, "2017-01-01", "2018-01-10", f);    /* ends before the first day */
    assert_memory_equal(f, ((unsigned char[]){0, 0, 0, 0}), 4);
}

/* The one as-of rule: today while the data is live, else the end of the 旬 of the latest change. */
static void test_asof_rule(void **state) {
    (void)state;
    char out[11];
    coverage_asof_rule("2026-12-07", NULL, out);
    assert_string_equal(out, "2026-12-07");            /* nothing ever changed */
    coverage_asof_rule("2026-12-07", "", out);
    assert_string_equal(out, "2026-12-07");
    coverage_asof_rule("2026-12-07", "2026-11-03", out);
    assert_string_equal(out, "2026-12-07");            /* live */
    coverage_asof_rule("2026-12-07", "2018-06-25", out);
    assert_string_equal(out, "2018-06-30");            /* the demo's campaign: the city's and every district's day */
    coverage_asof_rule("2026-12-07", "2018-06-12", out);
    assert_string_equal(out, "2018-06-20");
    coverage_asof_rule("2019-02-27", "2018-02-05", out);
    assert_string_equal(out, "2018-02-10");
    /* the edge of half a year */
    coverage_asof_rule("2026-12-07", "2026-06-07", out);
    assert_string_equal(out, "2026-12-07");
    coverage_asof_rule("2026-12-07", "2026-06-06", out);
    assert_string_equal(out, "2026-06-10");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rounding),
        cmocka_unit_test(test_by),
        cmocka_unit_test(test_row_json),
        cmocka_unit_test(test_trend_points),
        cmocka_unit_test(test_mark),
        cmocka_unit_test(test_asof_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
