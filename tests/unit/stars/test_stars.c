/* Unit tests for the pure rules of star ratings and the benefits'
 * allocation (src/stars/stars.c): stars from a total under the thresholds
 * (equal totals, equal stars: the thresholds decide, not the order), the
 * settings' check, the period kinds, the order's setting, and the
 * allocation's order at ties (equal stars fall back to points, equal points
 * to the time, equal times to the application's id) under each order of keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/config.h"
#include "stars/stars.h"

static int setup(void **state) {
    (void)state;
    err e;
    int argc = 1;
    char *argv[] = {"test", NULL};
    return cfg_load(&argc, argv, &e) ? -1 : 0;
}

static int teardown(void **state) {
    (void)state;
    cfg_free();
    return 0;
}

static void test_stars_of(void **state) {
    (void)state;
    int min[STARS_MAX + 1];
    assess_rule rules[8];
    err e;
    assert_int_equal(stars_rules_load(rules, min, &e), ST_OK);
    assert_int_equal(min[2], 40);
    assert_int_equal(min[5], 90);
    assert_int_equal(stars_of(0, min), 1);
    assert_int_equal(stars_of(3999, min), 1);
    assert_int_equal(stars_of(4000, min), 2);   /* at the threshold: the star */
    assert_int_equal(stars_of(7499, min), 3);
    assert_int_equal(stars_of(7500, min), 4);
    assert_int_equal(stars_of(10000, min), 5);
    /* ties: equal totals, equal stars, whatever else differs */
    int totals[] = {8000, 6000, 8000, 6000};
    assert_int_equal(stars_of(totals[0], min), stars_of(totals[2], min));
    assert_int_equal(stars_of(totals[1], min), stars_of(totals[3], min));
    /* thresholds that do not ascend are refused, naming the setting */
    assert_int_equal(cfg_set("star-min-4", "60", &e), ST_OK);
    assert_int_equal(stars_rules_load(rules, min, &e), ST_INVALID);
    assert_string_equal(e.field, "star-min-4");
    assert_int_equal(cfg_set("star-min-4", "75", &e), ST_OK);
    assert_int_equal(cfg_set("star-floor-life", "95", &e), ST_OK);
    assert_int_equal(stars_rules_load(rules, min, &e), ST_INVALID);
    assert_string_equal(e.field, "star-floor-life");
    assert_int_equal(cfg_set("star-floor-life", "50", &e), ST_OK);
    assert_int_equal(stars_criteria_count(), 5);
}

static void test_period(void **state) {
    (void)state;
    assert_true(stars_period_ok("year", "2025"));
    assert_false(stars_period_ok("year", "2025-Q1"));
    assert_true(stars_period_ok("quarter", "2025-Q4"));
    assert_false(stars_period_ok("quarter", "2025-Q5"));
    assert_false(stars_period_ok("quarter", "2025"));
    assert_false(stars_period_ok("year", "1999"));
    assert_false(stars_period_ok("year", "20x5"));
    assert_false(stars_period_ok("month", "2025-01"));
}

static void test_order(void **state) {
    (void)state;
    stars_key k[STARS_KEYS];
    err e;
    assert_int_equal(stars_order_parse("stars,points,time", k, &e), ST_OK);
    assert_int_equal(k[0], STARS_KEY_STARS);
    assert_int_equal(k[2], STARS_KEY_TIME);
    assert_int_equal(stars_order_parse("points,time,stars", k, &e), ST_OK);
    assert_int_equal(k[0], STARS_KEY_POINTS);
    assert_int_equal(stars_order_parse("stars,points", k, &e), ST_INVALID);
    assert_string_equal(e.field, "benefit-order");
    assert_int_equal(stars_order_parse("stars,stars,time", k, &e), ST_INVALID);
    assert_int_equal(stars_order_parse("stars,points,time,stars", k, &e), ST_INVALID);
    assert_int_equal(stars_order_parse("stars,points,tim", k, &e), ST_INVALID);
    assert_int_equal(stars_order_parse("", k, &e), ST_INVALID);
}

static int64_t at(const stars_applicant *a, size_t n, int rank) {
    for (size_t i = 0; i < n; i++)
        if (a[i].rank == rank) return a[i].id;
    return -1;
}

static void test_allocate(void **state) {
    (void)state;
    stars_key k[STARS_KEYS];
    err e;
    assert_int_equal(stars_order_parse("stars,points,time", k, &e), ST_OK);
    /* id, stars, points, time */
    stars_applicant a[] = {
        {1, 3, 5000, 100, 0, false},   /* 3 stars, 50 points, late */
        {2, 4, 1000, 300, 0, false},   /* 4 stars: first whatever its points */
        {3, 3, 5000, 50, 0, false},    /* equal stars and points to 1: earlier, so before it */
        {4, 3, 6000, 400, 0, false},   /* equal stars to 1 and 3, more points: before both */
        {5, 3, 5000, 50, 0, false},    /* equal all three to 3: the lower id (3, stored first) before it */
        {6, 0, 9000, 10, 0, false},    /* no stars: last, whatever its points and time */
    };
    size_t n = sizeof a / sizeof *a;
    stars_allocate(a, n, k, 3);
    assert_int_equal(at(a, n, 1), 2);
    assert_int_equal(at(a, n, 2), 4);
    assert_int_equal(at(a, n, 3), 3);
    assert_int_equal(at(a, n, 4), 5);
    assert_int_equal(at(a, n, 5), 1);
    assert_int_equal(at(a, n, 6), 6);
    for (size_t i = 0; i < n; i++) assert_int_equal(a[i].within, a[i].rank <= 3);
    /* the same applicants in reverse order of arrival in the array: the same result */
    stars_applicant b[6];
    for (size_t i = 0; i < n; i++) b[i] = a[n - 1 - i];
    stars_allocate(b, n, k, 3);
    for (int r = 1; r <= 6; r++) assert_int_equal(at(b, n, r), at(a, n, r));
    /* time first: the earliest wins */
    assert_int_equal(stars_order_parse("time,stars,points", k, &e), ST_OK);
    stars_allocate(a, n, k, 1);
    assert_int_equal(at(a, n, 1), 6);
    assert_int_equal(at(a, n, 2), 3);   /* 3 and 5 at 50: equal stars and points too — the id */
    assert_int_equal(at(a, n, 3), 5);
    assert_true(a[0].within && !a[1].within);
    /* no quota: nobody within */
    stars_allocate(a, n, k, 0);
    for (size_t i = 0; i < n; i++) assert_false(a[i].within);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stars_of),
        cmocka_unit_test(test_period),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_allocate),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
