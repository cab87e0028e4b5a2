/* Unit tests for the pure rules of the responsibility assessment
 * (src/assess/assess.c): the year's period (a year not over is judged as of
 * today), the figure as a percentage to 0.1, the linear score between the
 * floor and the target (edges, rounding), the total as the weighted mean
 * renormalised over the criteria that have a figure (and a weight), ranks
 * with ties, the settings' check, the criteria table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "assess/assess.h"
#include "core/config.h"

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

static void test_period(void **state) {
    (void)state;
    assess_period p;
    assert_true(assess_period_of(2025, "2026-03-01", &p));
    assert_string_equal(p.from, "2025-01-01");
    assert_string_equal(p.to, "2025-12-31");
    assert_string_equal(p.as_of, "2025-12-31");
    assert_string_equal(p.code, "2025");
    assert_true(assess_period_of(2026, "2026-03-01", &p));
    assert_string_equal(p.as_of, "2026-03-01");   /* not over: as of today */
    assert_true(assess_period_of(2026, "2026-12-31", &p));
    assert_string_equal(p.as_of, "2026-12-31");
    assert_false(assess_period_of(2027, "2026-12-31", &p));   /* a year to come */
    assert_false(assess_period_of(1999, "2026-12-31", &p));
}

static void test_value(void **state) {
    (void)state;
    assert_true(assess_value(1, 4) == 25.0);
    assert_true(assess_value(1, 3) == 33.3);
    assert_true(assess_value(2, 3) == 66.7);   /* half up at 0.1 */
    assert_true(assess_value(1, 8) == 12.5);
    assert_true(assess_value(5, 0) == 0.0);
    assert_true(assess_value(7, 7) == 100.0);
}

static void test_score(void **state) {
    (void)state;
    assess_rule r = {10, 50, 90};
    assert_int_equal(assess_score(0.0, &r), 0);
    assert_int_equal(assess_score(50.0, &r), 0);          /* at the floor: nothing */
    assert_int_equal(assess_score(50.1, &r), 25);         /* 0.1 of 40 points = 0.25 */
    assert_int_equal(assess_score(70.0, &r), 5000);       /* half way */
    assert_int_equal(assess_score(89.9, &r), 9975);
    assert_int_equal(assess_score(90.0, &r), ASSESS_SCORE_MAX);   /* at the target: full */
    assert_int_equal(assess_score(100.0, &r), ASSESS_SCORE_MAX);
    {
        assess_rule t = {10, 0, 30};
        assert_int_equal(assess_score(10.0, &t), 3333);   /* 1/3 rounded */
        assert_int_equal(assess_score(20.0, &t), 6667);   /* 2/3 rounded half up */
    }
}

static void test_total_renormalised(void **state) {
    (void)state;
    assess_rule rules[4] = {{30, 0, 100}, {20, 0, 100}, {50, 0, 100}, {0, 0, 100}};
    assess_fig figs[4] = {{true, 1, 1, NULL}, {true, 1, 2, NULL}, {false, 0, 0, "无"}, {true, 0, 1, NULL}};
    int scores[4] = {10000, 5000, 0, 0}, used[4], total = -1;
    assert_true(assess_total(figs, scores, rules, 4, used, &total));
    /* the third is not available, the fourth has no weight: 30 and 20 count, as 60 % and 40 % */
    assert_int_equal(used[0], 6000);
    assert_int_equal(used[1], 4000);
    assert_int_equal(used[2], 0);
    assert_int_equal(used[3], 0);
    assert_int_equal(total, 8000);   /* (30·100 + 20·50) / 50 */
    /* all available: the plain weighted mean */
    figs[2].available = true;
    assert_true(assess_total(figs, scores, rules, 4, used, &total));
    assert_int_equal(total, 4000);   /* (3000 + 1000 + 0) / 100 · 100 */
    assert_int_equal(used[2], 5000);
    /* rounding of the shares and of the total: weights 1, 1, 1 */
    assess_rule thirds[3] = {{1, 0, 100}, {1, 0, 100}, {1, 0, 100}};
    assess_fig all[3] = {{true, 1, 1, NULL}, {true, 1, 1, NULL}, {true, 1, 1, NULL}};
    int s3[3] = {10000, 10000, 1};
    assert_true(assess_total(all, s3, thirds, 3, used, &total));
    assert_int_equal(used[0], 3333);
    assert_int_equal(total, 6667);   /* 20001 / 3 = 6667.0 */
    /* nothing counts: no total */
    for (int i = 0; i < 3; i++) all[i].available = false;
    assert_false(assess_total(all, s3, thirds, 3, used, &total));
    assert_int_equal(total, 0);
    assert_int_equal(used[1], 0);
}

static void test_rank_ties(void **state) {
    (void)state;
    int totals[6] = {7000, 8000, 7000, 9000, 0, 7000};
    bool has[6] = {true, true, true, true, false, true};
    int rank[6];
    assess_rank(totals, has, 6, rank);
    assert_int_equal(rank[3], 1);
    assert_int_equal(rank[1], 2);
    assert_int_equal(rank[0], 3);   /* three tied share the 3rd place … */
    assert_int_equal(rank[2], 3);
    assert_int_equal(rank[5], 3);
    assert_int_equal(rank[4], 0);   /* … no total, no rank */
    int one[1] = {0};
    bool h1[1] = {true};
    assess_rank(one, h1, 1, rank);
    assert_int_equal(rank[0], 1);   /* a total of 0 still ranks */
}

static void test_rules_from_settings(void **state) {
    (void)state;
    size_t n = assess_criteria_count();
    assert_int_equal(n, 6);
    assess_rule rules[6];
    err e;
    assert_int_equal(assess_rules_load(rules, &e), ST_OK);
    assert_string_equal(assess_criteria[0].key, "coverage");
    assert_int_equal(rules[0].weight, 30);
    assert_int_equal(rules[0].floor, 50);
    assert_int_equal(rules[0].target, 90);
    assert_int_equal(cfg_set("assess-weight-life", "40", &e), ST_OK);
    assert_int_equal(assess_rules_load(rules, &e), ST_OK);
    assert_int_equal(rules[1].weight, 40);
    /* a floor not below its target is refused, naming the setting */
    assert_int_equal(cfg_set("assess-floor-study", "95", &e), ST_OK);
    assert_int_equal(assess_rules_load(rules, &e), ST_INVALID);
    assert_string_equal(e.field, "assess-floor-study");
    assert_non_null(strstr(e.msg, "assess-target-study"));
    assert_int_equal(cfg_set("assess-floor-study", "40", &e), ST_OK);
    assert_int_equal(cfg_set("assess-weight-life", "25", &e), ST_OK);
}

static void test_points_slot(void **state) {
    (void)state;
    /* the points criterion is in the table with its provider and its link (its figures: test_assess_store) */
    const assess_criterion *pc = NULL;
    for (size_t k = 0; assess_criteria[k].key; k++)
        if (!strcmp(assess_criteria[k].key, "points")) pc = &assess_criteria[k];
    assert_non_null(pc);
    assert_non_null(pc->fill);
    assert_non_null(pc->link);
}

static void test_state_names(void **state) {
    (void)state;
    assert_string_equal(assess_state_name("draft"), "草稿");
    assert_string_equal(assess_state_name("confirmed"), "已确认");
    assert_string_equal(assess_state_name("published"), "已发布");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_period),          cmocka_unit_test(test_value),      cmocka_unit_test(test_score),
        cmocka_unit_test(test_total_renormalised), cmocka_unit_test(test_rank_ties), cmocka_unit_test(test_rules_from_settings),
        cmocka_unit_test(test_points_slot),     cmocka_unit_test(test_state_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
