/* Unit tests for src/develop/develop.c: every rule of developing new members
 * at its edge, over the default table of steps (the rows migration 0044
 * seeds): a day too early refused and the day itself accepted for each
 * interval, the 18th birthday, who may be a contact or an introducer, the
 * order of the steps, training and extension lengths, and when the next step
 * falls due. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "develop/develop.h"
#include "member/member.h"

/* the defaults of migration 0044 (rule texts shortened) */
static const develop_rule R[] = {
    {"apply", "入党申请人", "递交入党申请书", 10, false, NULL, 0, 0, NULL, 0, 0, 0, 0, 0, 0, "年满十八岁"},
    {"talk", "入党申请人", "党组织派人谈话", 20, false, "apply", 0, 1, NULL, 0, 0, 0, 0, 0, 0, "一个月内谈话"},
    {"activist", "入党积极分子", "确定入党积极分子", 30, false, "apply", 0, 0, "contact", 1, 2, 0, 0, 0, 0, "一至两名培养联系人"},
    {"target", "发展对象", "确定发展对象", 40, false, "activist", 12, 0, "introducer", 2, 2, 0, 0, 0, 0, "一年以上"},
    {"review", "发展对象", "政治审查", 50, false, "target", 0, 0, NULL, 0, 0, 0, 0, 0, 0, "政治审查"},
    {"training", "发展对象", "集中培训", 60, false, "target", 0, 0, NULL, 0, 0, 3, 24, 0, 0, "三天或二十四学时"},
    {"vote", "预备党员", "支部大会讨论接收为预备党员", 70, false, "target", 0, 0, NULL, 0, 0, 0, 0, 0, 0, "支部大会"},
    {"approve", "预备党员", "上级党委审批", 80, false, "vote", 0, 3, NULL, 0, 0, 0, 0, 0, 0, "三个月内审批"},
    {"cancel", "预备党员", "取消预备党员资格", 85, true, "vote", 0, 0, NULL, 0, 0, 0, 0, 0, 0, "取消"},
    {"extend", "预备党员", "延长预备期", 90, true, "vote", 0, 0, NULL, 0, 0, 0, 0, 6, 12, "半年至一年"},
    {"full", "正式党员", "支部大会讨论转为正式党员", 100, false, "vote", 12, 12, NULL, 0, 0, 0, 0, 0, 0, "预备期一年"},
};
#define NR (sizeof R / sizeof R[0])

static const develop_person FULL1 = {1, "张正", MEMBER_FULL}, FULL2 = {2, "李正", MEMBER_FULL}, PROB = {3, "王预", MEMBER_PROBATION},
                            NONE = {4, "赵某", NULL}, NAMESAKE = {5, "张正", MEMBER_FULL};

static st chk(const develop_done *d, size_t nd, const char *code, const char *day, err *e) {
    develop_step_in in = {.code = code, .day = day};
    return develop_check(R, NR, d, nd, "1990-01-01", 18, &in, e);
}

static void test_age(void **state) {
    (void)state;
    err e;
    develop_step_in in = {.code = "apply", .day = "2024-03-14"};
    /* born 2006-03-15: the day before the 18th birthday refused, the birthday itself accepted */
    assert_int_equal(develop_check(R, NR, NULL, 0, "2006-03-15", 18, &in, &e), ST_INVALID);
    assert_string_equal(e.field, "day");
    assert_non_null(strstr(e.msg, "未满 18 周岁"));
    assert_non_null(strstr(e.msg, "年满十八岁"));   /* the rule quoted */
    in.day = "2024-03-15";
    assert_int_equal(develop_check(R, NR, NULL, 0, "2006-03-15", 18, &in, &e), ST_OK);
    /* born 29 February: 18 on 1 March of a common year */
    in.day = "2024-02-28";
    assert_int_equal(develop_check(R, NR, NULL, 0, "2006-02-28", 18, &in, &e), ST_OK);
    assert_false(develop_age_ok("2004-02-29", "2022-02-28", 18));
    assert_true(develop_age_ok("2004-02-29", "2022-03-01", 18));
}

static void test_order(void **state) {
    (void)state;
    err e;
    /* nothing before the application */
    assert_int_equal(chk(NULL, 0, "talk", "2024-01-10", &e), ST_INVALID);
    assert_string_equal(e.field, "step");
    assert_non_null(strstr(e.msg, "请先办理“递交入党申请书”"));
    develop_done d[] = {{"apply", "2024-01-05", 0}};
    assert_int_equal(chk(d, 1, "talk", "2024-01-10", &e), ST_OK);
    /* the talk skipped: no activist */
    develop_step_in in = {.code = "activist", .day = "2024-03-01", .people = &FULL1, .n_people = 1};
    assert_int_equal(develop_check(R, NR, d, 1, NULL, 18, &in, &e), ST_INVALID);
    assert_non_null(strstr(e.msg, "党组织派人谈话"));
    /* a step dated before the one done */
    assert_int_equal(chk(d, 1, "talk", "2024-01-04", &e), ST_INVALID);
    assert_string_equal(e.field, "day");
    assert_int_equal(chk(d, 1, "talk", "2024-01-05", &e), ST_OK);
    /* twice */
    assert_int_equal(chk(d, 1, "apply", "2024-01-06", &e), ST_CONFLICT);
    /* an unknown step */
    assert_int_equal(chk(d, 1, "party", "2024-01-06", &e), ST_INVALID);
    /* a step before a later one already done */
    develop_done d2[] = {{"apply", "2024-01-05", 0}, {"talk", "2024-01-10", 0}, {"activist", "2024-02-01", 0}};
    assert_int_equal(chk(d2, 3, "talk", "2024-02-02", &e), ST_CONFLICT);
    /* a finished file takes nothing more */
    develop_done d3[] = {{"apply", "2020-01-05", 0}, {"talk", "2020-01-10", 0}, {"activist", "2020-02-01", 0},
                         {"target", "2021-02-01", 0}, {"review", "2021-03-01", 0}, {"training", "2021-03-05", 0},
                         {"vote", "2021-04-01", 0},   {"approve", "2021-05-01", 0}, {"cancel", "2021-09-01", 0}};
    assert_int_equal(chk(d3, 9, "full", "2022-04-01", &e), ST_INVALID);
    assert_non_null(strstr(e.msg, "已经结束"));
    /* cancellation and extension are optional: full membership without them */
    assert_int_equal(chk(d3, 8, "full", "2022-04-01", &e), ST_OK);
    assert_string_equal(develop_stage(R, NR, d3, 8), "预备党员");
    assert_string_equal(develop_stage(R, NR, d3, 3), "入党积极分子");
    assert_string_equal(develop_stage(R, NR, NULL, 0), "入党申请人");
}

static void test_people(void **state) {
    (void)state;
    err e;
    develop_done d[] = {{"apply", "2023-01-05", 0}, {"talk", "2023-01-10", 0}};
    develop_person three[] = {FULL1, FULL2, {6, "孙正", MEMBER_FULL}};
    develop_step_in in = {.code = "activist", .day = "2023-01-31", .people = three, .n_people = 0};
    assert_int_equal(develop_check(R, NR, d, 2, NULL, 18, &in, &e), ST_INVALID);
    assert_string_equal(e.field, "people");
    in.n_people = 3;
    assert_int_equal(develop_check(R, NR, d, 2, NULL, 18, &in, &e), ST_INVALID);
    in.people = &NONE, in.n_people = 1;
    assert_int_equal(develop_check(R, NR, d, 2, NULL, 18, &in, &e), ST_INVALID);
    assert_non_null(strstr(e.msg, "不是党员"));
    in.people = &PROB;
    assert_int_equal(develop_check(R, NR, d, 2, NULL, 18, &in, &e), ST_INVALID);
    in.people = three, in.n_people = 2;
    assert_int_equal(develop_check(R, NR, d, 2, NULL, 18, &in, &e), ST_OK);
    in.people = &FULL1, in.n_people = 1;
    assert_int_equal(develop_check(R, NR, d, 2, NULL, 18, &in, &e), ST_OK);

    develop_done d2[] = {{"apply", "2023-01-05", 0}, {"talk", "2023-01-10", 0}, {"activist", "2023-01-31", 0}};
    develop_person intro[] = {FULL1, PROB};
    in = (develop_step_in){.code = "target", .day = "2024-01-31", .people = intro, .n_people = 2};
    /* an introducer who is 预备党员 */
    assert_int_equal(develop_check(R, NR, d2, 3, NULL, 18, &in, &e), ST_INVALID);
    assert_string_equal(e.field, "people");
    assert_non_null(strstr(e.msg, "王预"));
    assert_non_null(strstr(e.msg, "正式党员"));
    intro[1] = NONE;
    assert_int_equal(develop_check(R, NR, d2, 3, NULL, 18, &in, &e), ST_INVALID);
    assert_non_null(strstr(e.msg, "不是党员"));
    in.n_people = 1;
    assert_int_equal(develop_check(R, NR, d2, 3, NULL, 18, &in, &e), ST_INVALID);
    intro[1] = FULL1;   /* the same person twice */
    in.n_people = 2;
    assert_int_equal(develop_check(R, NR, d2, 3, NULL, 18, &in, &e), ST_INVALID);
    intro[1] = NAMESAKE;   /* another member of the same name: two people */
    assert_int_equal(develop_check(R, NR, d2, 3, NULL, 18, &in, &e), ST_OK);
    intro[1] = FULL2;
    assert_int_equal(develop_check(R, NR, d2, 3, NULL, 18, &in, &e), ST_OK);
    /* people where the step takes none */
    in = (develop_step_in){.code = "talk", .day = "2023-01-10", .people = &FULL1, .n_people = 1};
    assert_int_equal(develop_check(R, NR, d, 1, NULL, 18, &in, &e), ST_INVALID);
}

static void test_intervals(void **state) {
    (void)state;
    err e;
    develop_done d[11] = {{"apply", "2023-01-05", 0}, {"talk", "2023-01-10", 0}, {"activist", "2023-01-31", 0}};
    /* a year of cultivation: 2024-01-31 accepted, 2024-01-30 refused, with the rule quoted */
    develop_step_in in = {.code = "target", .day = "2024-01-30", .people = (develop_person[]){FULL1, FULL2}, .n_people = 2};
    assert_int_equal(develop_check(R, NR, d, 3, NULL, 18, &in, &e), ST_INVALID);
    assert_string_equal(e.field, "day");
    assert_non_null(strstr(e.msg, "最早可于 2024-01-31"));
    assert_non_null(strstr(e.msg, "一年以上"));
    in.day = "2024-01-31";
    assert_int_equal(develop_check(R, NR, d, 3, NULL, 18, &in, &e), ST_OK);
    d[3] = (develop_done){"target", "2024-01-31", 0};
    d[4] = (develop_done){"review", "2024-02-10", 0};
    /* training: 2 days and 23 学时 refused; 3 days, or 24 学时, accepted */
    in = (develop_step_in){.code = "training", .day = "2024-02-20", .days = 2, .hours = 23};
    assert_int_equal(develop_check(R, NR, d, 5, NULL, 18, &in, &e), ST_INVALID);
    assert_string_equal(e.field, "days");
    in.days = 3;
    assert_int_equal(develop_check(R, NR, d, 5, NULL, 18, &in, &e), ST_OK);
    in.days = 0, in.hours = 24;
    assert_int_equal(develop_check(R, NR, d, 5, NULL, 18, &in, &e), ST_OK);
    d[5] = (develop_done){"training", "2024-02-20", 0};
    d[6] = (develop_done){"vote", "2024-02-29", 0};
    d[7] = (develop_done){"approve", "2024-05-10", 0};
    /* probation: a year from the vote on 29 February ends on 28 February */
    assert_int_equal(chk(d, 8, "full", "2025-02-27", &e), ST_INVALID);
    assert_non_null(strstr(e.msg, "2025-02-28"));
    assert_int_equal(chk(d, 8, "full", "2025-02-28", &e), ST_OK);
    /* an extension: 6 to 12 months */
    in = (develop_step_in){.code = "extend", .day = "2025-02-28", .months = 5};
    assert_int_equal(develop_check(R, NR, d, 8, NULL, 18, &in, &e), ST_INVALID);
    assert_string_equal(e.field, "months");
    in.months = 13;
    assert_int_equal(develop_check(R, NR, d, 8, NULL, 18, &in, &e), ST_INVALID);
    in.months = 6;
    assert_int_equal(develop_check(R, NR, d, 8, NULL, 18, &in, &e), ST_OK);
    d[8] = (develop_done){"extend", "2025-02-28", 6};
    /* extended 6 months: the end of probation is 2025-08-29, the day before refused */
    assert_int_equal(chk(d, 9, "full", "2025-08-28", &e), ST_INVALID);
    assert_int_equal(chk(d, 9, "full", "2025-08-29", &e), ST_OK);
    /* twice extended: refused */
    in.months = 6, in.day = "2025-03-01";
    assert_int_equal(develop_check(R, NR, d, 9, NULL, 18, &in, &e), ST_CONFLICT);
}

static void test_next(void **state) {
    (void)state;
    const develop_rule *n;
    char from[11], due[11];
    develop_next(R, NR, NULL, 0, &n, from, due);
    assert_string_equal(n->code, "apply");
    develop_done d[10] = {{"apply", "2024-01-31", 0}};
    /* the talk due a month after the application (end of February in a leap year) */
    develop_next(R, NR, d, 1, &n, from, due);
    assert_string_equal(n->code, "talk");
    assert_string_equal(from, "");
    assert_string_equal(due, "2024-02-29");
    d[1] = (develop_done){"talk", "2024-02-10", 0};
    d[2] = (develop_done){"activist", "2024-03-01", 0};
    develop_next(R, NR, d, 3, &n, from, due);
    assert_string_equal(n->code, "target");
    assert_string_equal(from, "2025-03-01");
    assert_string_equal(due, "");
    d[3] = (develop_done){"target", "2025-03-01", 0};
    d[4] = (develop_done){"review", "2025-03-02", 0};
    d[5] = (develop_done){"training", "2025-03-10", 0};
    d[6] = (develop_done){"vote", "2025-04-30", 0};
    develop_next(R, NR, d, 7, &n, from, due);
    assert_string_equal(n->code, "approve");
    assert_string_equal(due, "2025-07-30");
    d[7] = (develop_done){"approve", "2025-06-01", 0};
    develop_next(R, NR, d, 8, &n, from, due);
    assert_string_equal(n->code, "full");
    assert_string_equal(from, "2026-04-30");
    assert_string_equal(due, "2026-04-30");
    d[8] = (develop_done){"extend", "2026-04-30", 12};
    develop_next(R, NR, d, 9, &n, from, due);
    assert_string_equal(due, "2027-04-30");
    d[9] = (develop_done){"full", "2027-04-30", 0};
    develop_next(R, NR, d, 10, &n, from, due);
    assert_null(n);
    assert_string_equal(develop_stage(R, NR, d, 10), "正式党员");
    char out[11];
    develop_add_months("2023-12-31", 2, out);
    assert_string_equal(out, "2024-02-29");
    develop_add_months("2023-11-15", 14, out);
    assert_string_equal(out, "2025-01-15");
    develop_add_days("2024-02-28", 1, out);
    assert_string_equal(out, "2024-02-29");
    develop_add_days("2024-03-01", -1, out);
    assert_string_equal(out, "2024-02-29");
    develop_add_days("2023-12-31", 31, out);
    assert_string_equal(out, "2024-01-31");
    assert_int_equal(develop_days_between("2024-01-31", "2024-03-01"), 30);
    assert_int_equal(develop_days_between("2024-03-01", "2024-01-31"), -30);
}

static void test_rule_check(void **state) {
    (void)state;
    err e;
    for (size_t i = 0; i < NR; i++) assert_int_equal(develop_rule_check(&R[i], &e), ST_OK);
    develop_rule r = R[1];
    r.due_months = -1;
    assert_int_equal(develop_rule_check(&r, &e), ST_INVALID);
    assert_string_equal(e.field, "due_months");
    r = R[1];
    r.anchor = NULL;
    assert_int_equal(develop_rule_check(&r, &e), ST_INVALID);
    r = R[2];
    r.people_min = 3;
    assert_int_equal(develop_rule_check(&r, &e), ST_INVALID);
    r = R[0];
    r.stage = "群众";
    assert_int_equal(develop_rule_check(&r, &e), ST_INVALID);
    assert_string_equal(e.field, "stage");
}

static void test_doc_type(void **state) {
    (void)state;
    assert_string_equal(develop_doc_type((const unsigned char *)"%PDF-1.7\n", 9), "application/pdf");
    assert_string_equal(develop_doc_type((const unsigned char *)"\x89PNG\r\n\x1a\n\0", 9), "image/png");
    assert_string_equal(develop_doc_type((const unsigned char *)"\xff\xd8\xff\xe0\0\x10JFIF", 10), "image/jpeg");
    /* a renamed spreadsheet, a script, a truncated header */
    assert_null(develop_doc_type((const unsigned char *)"PK\x03\x04\x14\0\x06\0", 8));
    assert_null(develop_doc_type((const unsigned char *)"<script>", 8));
    assert_null(develop_doc_type((const unsigned char *)"%PD", 3));
    assert_null(develop_doc_type((const unsigned char *)"\x89PNG\r\n", 6));
    assert_true(develop_doc_kind_ok("application"));
    assert_false(develop_doc_kind_ok("letter"));
    assert_false(develop_doc_kind_ok(NULL));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_age),       cmocka_unit_test(test_order), cmocka_unit_test(test_people),
        cmocka_unit_test(test_intervals), cmocka_unit_test(test_next),  cmocka_unit_test(test_rule_check),
        cmocka_unit_test(test_doc_type),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
