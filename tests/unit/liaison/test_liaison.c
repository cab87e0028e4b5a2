/* Unit tests for the pure rules of 领导挂钩联系 (src/liaison/liaison.c):
 * days between and days overdue at their edges (the due day itself is not
 * overdue, the day after is one day), the default due day from the setting,
 * who may link which leader (the city any city or district account; a
 * district only its own district's; never a disabled or non-office account),
 * who may record a visit (the leader, or the city) and close a problem. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/config.h"
#include "liaison/liaison.h"

static int setup(void **state) {
    (void)state;
    err e;
    int argc = 1;
    char *argv[] = {"test", NULL};
    return cfg_load(&argc, argv, &e) ? -1 : 0;
}

static void test_days(void **state) {
    (void)state;
    assert_int_equal(liaison_days_between("2026-02-28", "2026-03-01"), 1);
    assert_int_equal(liaison_days_between("2024-02-28", "2024-03-01"), 2);
    assert_int_equal(liaison_days_between("2026-12-31", "2027-01-01"), 1);
    assert_int_equal(liaison_days_between("2026-03-01", "2026-02-28"), -1);
    assert_int_equal(liaison_days_over("2026-03-03", "2026-03-03"), 0);
    assert_int_equal(liaison_days_over("2026-03-03", "2026-03-04"), 1);
    assert_int_equal(liaison_days_over("2026-03-03", "2026-01-01"), 0);
    assert_int_equal(liaison_days_over("2026-03-03", "2026-06-15"), 104);
    char due[11];
    liaison_due_default("2026-02-01", due);
    assert_string_equal(due, "2026-03-03");   /* 30 days, the setting's default */
    err e;
    assert_int_equal(cfg_set("liaison-problem-due-days", "10", &e), ST_OK);
    liaison_due_default("2026-12-25", due);
    assert_string_equal(due, "2027-01-04");
    assert_int_equal(cfg_set("liaison-problem-due-days", "30", &e), ST_OK);
}

static void test_who(void **state) {
    (void)state;
    err e;
    liaison_actor city = {1, "city", ""}, siming = {2, "district", "350203"}, park = {3, "park", "P0002"};
    liaison_leader cityl = {10, "王书记", "city", "", false}, sml = {11, "陈部长", "district", "350203", false},
                   hll = {12, "李部长", "district", "350206", false}, sec = {13, "张三", "secretary", "5", false},
                   off = {14, "赵部长", "district", "350203", true};
    assert_int_equal(liaison_leader_check(&city, &cityl, &e), ST_OK);
    assert_int_equal(liaison_leader_check(&city, &hll, &e), ST_OK);
    assert_int_equal(liaison_leader_check(&siming, &sml, &e), ST_OK);
    assert_int_equal(liaison_leader_check(&siming, &hll, &e), ST_FORBIDDEN);
    assert_non_null(strstr(e.msg, "本区"));
    assert_int_equal(liaison_leader_check(&siming, &cityl, &e), ST_FORBIDDEN);
    assert_int_equal(liaison_leader_check(&city, &sec, &e), ST_INVALID);
    assert_string_equal(e.field, "leader_id");
    assert_int_equal(liaison_leader_check(&city, &off, &e), ST_INVALID);
    assert_non_null(strstr(e.msg, "停用"));
    assert_int_equal(liaison_leader_check(&park, &sml, &e), ST_FORBIDDEN);
    /* visits: the leader themself, or the city on their behalf */
    liaison_actor leader = {11, "district", "350203"};
    assert_int_equal(liaison_visit_check(&leader, 11, "陈部长", &e), ST_OK);
    assert_int_equal(liaison_visit_check(&city, 11, "陈部长", &e), ST_OK);
    assert_int_equal(liaison_visit_check(&siming, 11, "陈部长", &e), ST_FORBIDDEN);
    assert_non_null(strstr(e.msg, "陈部长"));
    /* closing: the leader or an office */
    assert_int_equal(liaison_close_check(&leader, 11, &e), ST_OK);
    assert_int_equal(liaison_close_check(&siming, 11, &e), ST_OK);
    assert_int_equal(liaison_close_check(&park, 11, &e), ST_FORBIDDEN);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days),
        cmocka_unit_test(test_who),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
