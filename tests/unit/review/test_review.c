/* Unit tests for the pure rules of content pre-review (src/review/review.c):
 * the state machine (what each state allows and where it leads, the
 * refusals in Chinese), a decision's reasons, overdue at the deadline's edge,
 * and the quantiles the figures use (nearest rank). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "review/review.h"

static void test_states(void **state) {
    (void)state;
    assert_string_equal(review_next("submitted", "assign"), "reviewing");
    assert_string_equal(review_next("submitted", "upload"), "submitted");
    assert_string_equal(review_next("submitted", "withdraw"), "withdrawn");
    assert_null(review_next("submitted", "decide"));
    assert_null(review_next("submitted", "findings"));
    assert_string_equal(review_next("reviewing", "assign"), "reviewing");
    assert_string_equal(review_next("reviewing", "findings"), "reviewing");
    assert_string_equal(review_next("reviewing", "decide"), "decided");
    assert_string_equal(review_next("reviewing", "withdraw"), "withdrawn");
    static const char *const actions[] = {"assign", "upload", "findings", "decide", "withdraw"};
    for (size_t i = 0; i < 5; i++) {
        assert_null(review_next("decided", actions[i]));
        assert_null(review_next("withdrawn", actions[i]));
        assert_null(review_next(NULL, actions[i]));
    }
    assert_null(review_next("reviewing", "publish"));
    err e;
    assert_int_equal(review_refuse("decided", "decide", &e), ST_CONFLICT);
    assert_non_null(strstr(e.msg, "已决定"));
    assert_non_null(strstr(e.msg, "作出决定"));
    assert_int_equal(review_refuse("submitted", "decide", &e), ST_CONFLICT);
    assert_non_null(strstr(e.msg, "还没有分配审核人"));
    assert_string_equal(review_state_label("withdrawn"), "已撤回");
    assert_string_equal(review_kind_label("game"), "游戏/版本");
    assert_false(review_kind_ok("video"));
    assert_true(review_category_ok("minors"));
    assert_false(review_category_ok("weather"));
    assert_string_equal(review_category_label("map"), "地图与国界");
}

static void test_reasons(void **state) {
    (void)state;
    err e;
    assert_int_equal(review_reasons_check("pass", 0, &e), ST_OK);
    assert_int_equal(review_reasons_check("pass", 1, &e), ST_INVALID);
    assert_string_equal(e.field, "reasons");
    assert_int_equal(review_reasons_check("reject", 0, &e), ST_INVALID);
    assert_non_null(strstr(e.msg, "不通过"));
    assert_int_equal(review_reasons_check("reject", 2, &e), ST_OK);
    assert_int_equal(review_reasons_check("pass_changes", 0, &e), ST_INVALID);
    assert_int_equal(review_reasons_check("pass_changes", 1, &e), ST_OK);
    assert_int_equal(review_reasons_check("maybe", 0, &e), ST_INVALID);
    assert_string_equal(e.field, "decision");
}

static void test_overdue(void **state) {
    (void)state;
    assert_false(review_overdue("submitted", "2026-03-01", "2026-03-01"));   /* the deadline day itself is not late */
    assert_true(review_overdue("submitted", "2026-03-01", "2026-03-02"));
    assert_true(review_overdue("reviewing", "2026-02-28", "2026-03-01"));
    assert_false(review_overdue("decided", "2026-02-28", "2026-03-01"));
    assert_false(review_overdue("withdrawn", "2026-02-28", "2026-03-01"));
}

static void test_quantile(void **state) {
    (void)state;
    assert_true(review_quantile(NULL, 0, 0.5) == 0);
    double one[] = {3.5};
    assert_true(review_quantile(one, 1, 0.5) == 3.5);
    assert_true(review_quantile(one, 1, 0.9) == 3.5);
    double v[] = {9, 1, 5, 3, 7, 2, 8, 4, 6, 10};   /* sorted in place */
    assert_true(review_quantile(v, 10, 0.5) == 5);
    assert_true(review_quantile(v, 10, 0.9) == 9);
    assert_true(review_quantile(v, 10, 1.0) == 10);
    assert_true(review_quantile(v, 10, 0.0) == 1);
    double w[] = {4, 1, 2};
    assert_true(review_quantile(w, 3, 0.5) == 2);
    assert_true(review_quantile(w, 3, 0.9) == 4);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_states),
        cmocka_unit_test(test_reasons),
        cmocka_unit_test(test_overdue),
        cmocka_unit_test(test_quantile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
