/* Unit tests for the pure rules of organizations' people and terms
 * (src/committee/committee.c): the posts, the term's length by kind (the
 * settings), its end (29 February), its state on a day at the edges of the
 * reminder, and who may hold a post (the rule named in the refusal). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "committee/committee.h"
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

static void test_posts(void **state) {
    (void)state;
    assert_true(committee_post_ok("书记"));
    assert_true(committee_post_ok("纪检委员"));
    assert_false(committee_post_ok("主任"));
    assert_false(committee_post_ok(NULL));
    assert_int_equal(committee_post_rank("书记"), 0);
    assert_true(committee_post_rank("副书记") < committee_post_rank("委员"));
}

static void test_term_by_kind(void **state) {
    (void)state;
    assert_int_equal(committee_term_years("党委"), 5);
    assert_int_equal(committee_term_years("党总支"), 3);
    assert_int_equal(committee_term_years("党支部"), 3);
    assert_int_equal(committee_term_years("联合党支部"), 3);
    assert_int_equal(committee_term_years("临时党支部"), 0);
    assert_int_equal(committee_term_years("工委"), 0);
    err e;
    assert_int_equal(cfg_set("org-term-years-branch", "2", &e), ST_OK);
    assert_int_equal(committee_term_years("党支部"), 2);
    assert_int_equal(cfg_set("org-term-years-branch", "3", &e), ST_OK);
    char out[11];
    assert_true(committee_term_end("2023-06-30", 3, out));
    assert_string_equal(out, "2026-06-30");
    assert_true(committee_term_end("2024-02-29", 5, out));
    assert_string_equal(out, "2029-02-28");
    assert_true(committee_term_end("2024-02-29", 4, out));
    assert_string_equal(out, "2028-02-29");
    assert_false(committee_term_end("2024-02-30", 3, out));
}

static void test_term_status(void **state) {
    (void)state;
    assert_int_equal(committee_days_between("2026-12-01", "2027-01-01"), 31);
    assert_int_equal(committee_days_between("2027-01-01", "2026-12-01"), -31);
    assert_int_equal(committee_days_between("2024-02-28", "2024-03-01"), 2);
    /* runs out on its last day, overdue from the next */
    assert_string_equal(committee_term_status("2026-06-30", "2026-06-30", 90), "due");
    assert_string_equal(committee_term_status("2026-06-30", "2026-07-01", 90), "overdue");
    /* the reminder's edge: 90 days before is due, 91 is not */
    assert_string_equal(committee_term_status("2026-06-30", "2026-04-01", 90), "due");
    assert_string_equal(committee_term_status("2026-06-30", "2026-03-31", 90), "ok");
    assert_string_equal(committee_term_status("2026-06-30", "2026-06-29", 0), "ok");
}

static void test_holder(void **state) {
    (void)state;
    err e;
    committee_holder ok = {"张三", true, 7, NULL, "正式党员", "正常"};
    assert_int_equal(committee_holder_check(&ok, 7, "中共甲支部", "书记", "2026-01-05", &e), ST_OK);
    committee_holder prob = {"李四", true, 7, NULL, "预备党员", "正常"};
    assert_int_equal(committee_holder_check(&prob, 7, "中共甲支部", "组织委员", "2026-01-05", &e), ST_INVALID);
    assert_string_equal(e.field, "person_id");
    assert_non_null(strstr(e.msg, "预备党员"));
    assert_non_null(strstr(e.msg, "须为本组织的正式党员"));
    committee_holder other = {"赵六", true, 9, "中共乙支部", "正式党员", "正常"};
    assert_int_equal(committee_holder_check(&other, 7, "中共甲支部", "委员", "2026-01-05", &e), ST_INVALID);
    assert_non_null(strstr(e.msg, "中共乙支部"));
    assert_non_null(strstr(e.msg, "须为本组织的正式党员"));
    committee_holder none = {"钱七", false, 0, NULL, NULL, NULL};
    assert_int_equal(committee_holder_check(&none, 7, "中共甲支部", "书记", "2026-01-05", &e), ST_INVALID);
    assert_non_null(strstr(e.msg, "不是党员名册中的党员"));
    committee_holder gone = {"孙八", true, 7, NULL, "正式党员", "停止党籍"};
    assert_int_equal(committee_holder_check(&gone, 7, "中共甲支部", "书记", "2026-01-05", &e), ST_INVALID);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_posts),
        cmocka_unit_test(test_term_by_kind),
        cmocka_unit_test(test_term_status),
        cmocka_unit_test(test_holder),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
