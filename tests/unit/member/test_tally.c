/* Unit tests for src/member/tally.c, the buffer of the registry's counters:
 * a member counts in the city, their district and their park (when they have
 * one) under each dimension; taking their facts away before a change and
 * adding them after it leaves only the difference; blanks are counted as
 * "未填"; a member of an organization also counts in its own counter
 * ("o:<id>", members); a buffer grows past its first size and empties on clear. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "member/tally.h"

typedef struct seen {
    int rows;
    int64_t sum;
    char last[256];
    int64_t found;   /* n of the row named by `want` */
    const char *want;
} seen;

static void visit(void *arg, const char *area, const char *dim, const char *key, const char *category, const char *state,
                  int64_t n) {
    seen *s = arg;
    s->rows++;
    s->sum += n;
    snprintf(s->last, sizeof s->last, "%s|%s|%s|%s|%s", area, dim, key, category, state);
    if (s->want && !strcmp(s->want, s->last)) s->found = n;
}

static void test_areas_and_dims(void **state) {
    (void)state;
    tally *t = tally_new();
    tally_facts a = {"正式党员", "正常", "350203", "P0005", "男", "大学本科", NULL, "1990-03-15", "2015-07-01", 0};
    assert_true(tally_add(t, &a, 1));
    assert_int_equal(tally_size(t), 21);   /* 3 areas × 7 dimensions */
    seen s = {.want = "p:P0005|ethnicity|未填|正式党员|正常"};
    tally_each(t, visit, &s);
    assert_int_equal(s.rows, 21);
    assert_int_equal(s.sum, 21);
    assert_int_equal(s.found, 1);
    seen m = {.want = "d:350203|birth_m|1990-03|正式党员|正常"};
    tally_each(t, visit, &m);
    assert_int_equal(m.found, 1);
    seen dd = {.want = "c|joined_d|07-01-2015|正式党员|正常"};   /* a day, month first */
    tally_each(t, visit, &dd);
    assert_int_equal(dd.found, 1);
    /* without a park: the city and the district only */
    tally_facts b = {"预备党员", "流动", "350206", NULL, "女", "高中", "汉族", "2001-12-31", "2025-01-02", 0};
    assert_true(tally_add(t, &b, 1));
    assert_int_equal(tally_size(t), 35);
    /* with an organization: one more counter, its members ("o:<id>", dim members) */
    tally_facts c = b;
    c.org_id = 42;
    assert_true(tally_add(t, &c, 1));
    seen o = {.want = "o:42|members||预备党员|流动"};
    tally_each(t, visit, &o);
    assert_int_equal(o.found, 1);
    assert_int_equal(tally_size(t), 36);
    tally_free(t);
}

static void test_change_leaves_the_difference(void **state) {
    (void)state;
    tally *t = tally_new();
    tally_facts before = {"预备党员", "正常", "350203", NULL, "女", "大学本科", "汉族", "1995-05-05", "2025-06-01", 0};
    tally_facts after = before;
    after.category = "正式党员";   /* 转正: only the category moves */
    assert_true(tally_add(t, &before, -1));
    assert_true(tally_add(t, &after, 1));
    seen s = {.want = "c|birth_d|05-05-1995|预备党员|正常"};
    tally_each(t, visit, &s);
    assert_int_equal(s.rows, 28);   /* 2 areas × 7 dimensions, out of one category and into the other */
    assert_int_equal(s.sum, 0);
    assert_int_equal(s.found, -1);
    /* the same facts out and in again: nothing to write */
    tally_clear(t);
    assert_true(tally_add(t, &after, -1));
    assert_true(tally_add(t, &after, 1));
    seen z = {0};
    tally_each(t, visit, &z);
    assert_int_equal(z.rows, 0);
    tally_free(t);
}

static void test_grows(void **state) {
    (void)state;
    tally *t = tally_new();
    char day[40];   /* room for any int the compiler imagines */
    for (int i = 0; i < 3000; i++) {   /* 3,000 different birthdays: past the first 256 slots many times */
        snprintf(day, sizeof day, "19%02d-%02d-%02d", 50 + i % 50, 1 + i / 50 % 12, 1 + i / 600);
        tally_facts f = {"正式党员", "正常", "350203", NULL, "男", "大学本科", "汉族", day, "2010-01-01", 0};
        assert_true(tally_add(t, &f, 1));
    }
    seen s = {.want = "d:350203|joined_d|01-01-2010|正式党员|正常"};
    tally_each(t, visit, &s);
    assert_int_equal(s.found, 3000);
    assert_int_equal(s.sum, 3000 * 14);
    tally_clear(t);
    assert_int_equal(tally_size(t), 0);
    tally_free(t);
    tally_free(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_areas_and_dims),
        cmocka_unit_test(test_change_leaves_the_difference),
        cmocka_unit_test(test_grows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
