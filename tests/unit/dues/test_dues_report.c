/* Unit tests for the pure rules of the dues reports and the arrears warning
 * (src/dues/dues_report.c) at their edges: a month's mark from its line (a
 * waiver or a due of 0 counts as paid; nobase and no line do not count), a
 * month of organizational life (leave from every meeting excuses it), the run
 * of consecutive unkept months (exactly the setting, one short, broken by a
 * month that does not count, the latest of two, at the start and at the end),
 * the periods and the collection rate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dues/dues_report.h"

static void marks_of_dues(void **state) {
    (void)state;
    assert_int_equal(dues_mark_dues("paid", 1500, false), 'o');
    assert_int_equal(dues_mark_dues("waived", 0, false), 'o');        /* a relief of 0 counts as paid */
    assert_int_equal(dues_mark_dues("owed", 0, false), 'o');          /* nothing was due */
    assert_int_equal(dues_mark_dues("owed", 1, false), 'x');
    assert_int_equal(dues_mark_dues("owed", 1500, true), 'o');        /* settled by a payment (in advance) */
    assert_int_equal(dues_mark_dues("nobase", 0, false), '-');        /* nothing could be asked */
    assert_int_equal(dues_mark_dues(NULL, 0, false), '-');            /* no line: before joining, no sheet */
    assert_int_equal(dues_mark_dues(NULL, 0, true), 'o');
}

static void marks_of_life(void **state) {
    (void)state;
    assert_int_equal(dues_mark_life(0, 0, 0), '-');   /* no held meeting expected of them */
    assert_int_equal(dues_mark_life(3, 0, 0), 'x');
    assert_int_equal(dues_mark_life(3, 1, 0), 'o');
    assert_int_equal(dues_mark_life(3, 0, 2), 'x');   /* leave from two, absent from the third */
    assert_int_equal(dues_mark_life(3, 0, 3), 'o');   /* excused from every one */
}

static void runs(void **state) {
    (void)state;
    int f, l;
    assert_true(dues_arrears_run("xxxxxx", 6, 6, &f, &l));
    assert_int_equal(f, 0);
    assert_int_equal(l, 6);
    assert_false(dues_arrears_run("xxxxx", 5, 6, &f, &l));            /* one short */
    assert_false(dues_arrears_run("oxxxxxo", 7, 6, &f, &l));
    assert_false(dues_arrears_run("xxx-xxx", 7, 6, &f, &l));          /* a month that does not count breaks it */
    assert_false(dues_arrears_run("xxxoxxx", 7, 6, &f, &l));
    assert_true(dues_arrears_run("--oxxxxxxx", 10, 6, &f, &l));      /* months before joining, then seven unpaid */
    assert_int_equal(f, 3);
    assert_int_equal(l, 7);
    assert_true(dues_arrears_run("xxxxxxoxxxxxxxxo", 16, 6, &f, &l)); /* the latest of two runs */
    assert_int_equal(f, 7);
    assert_int_equal(l, 8);
    assert_true(dues_arrears_run("xxxxxxoxxo", 10, 6, &f, &l));       /* an older run still stands when no later one does */
    assert_int_equal(f, 0);
    assert_int_equal(l, 6);
    assert_false(dues_arrears_run("", 0, 6, &f, &l));
    assert_true(dues_arrears_run("x", 1, 0, &f, &l));                 /* need < 1 is 1 */
    assert_true(dues_arrears_run("ox", 2, 1, &f, &l));
    assert_int_equal(f, 1);
}

static void periods(void **state) {
    (void)state;
    dues_period p;
    err e;
    assert_int_equal(dues_period_parse("2026-11", &p, &e), ST_OK);
    assert_string_equal(p.from, "2026-11");
    assert_string_equal(p.to, "2026-11");
    assert_int_equal(p.kind, 'm');
    assert_int_equal(dues_period_parse("2026-Q4", &p, &e), ST_OK);
    assert_string_equal(p.from, "2026-10");
    assert_string_equal(p.to, "2026-12");
    assert_string_equal(p.code, "2026-Q4");
    assert_int_equal(dues_period_parse("2026-q1", &p, &e), ST_OK);
    assert_string_equal(p.from, "2026-01");
    assert_string_equal(p.code, "2026-Q1");
    assert_int_equal(dues_period_parse("2026", &p, &e), ST_OK);
    assert_string_equal(p.from, "2026-01");
    assert_string_equal(p.to, "2026-12");
    assert_int_equal(p.kind, 'y');
    const char *bad[] = {"", "2026-13", "2026-Q5", "2026-Q0", "26", "2026-1", "2026-11-01", "abcd", "2026-Q41"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(dues_period_parse(bad[i], &p, &e), ST_INVALID);
        assert_string_equal(e.field, "period");
    }
    assert_int_equal(dues_period_parse(NULL, &p, &e), ST_INVALID);
}

static void rates(void **state) {
    (void)state;
    assert_int_equal(dues_rate_bp(0, 0), 10000);
    assert_int_equal(dues_rate_bp(0, 100), 0);
    assert_int_equal(dues_rate_bp(100, 100), 10000);
    assert_int_equal(dues_rate_bp(150, 100), 10000);
    assert_int_equal(dues_rate_bp(1, 3), 3333);   /* rounded down */
    assert_int_equal(dues_rate_bp(2, 3), 6666);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(marks_of_dues), cmocka_unit_test(marks_of_life), cmocka_unit_test(runs),
        cmocka_unit_test(periods),       cmocka_unit_test(rates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
