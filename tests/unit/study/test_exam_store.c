/* Unit tests for the exam store (src/study/exam_store.c) on SQLite and, when
 * EJIA_TEST_PG_URL is set, PostgreSQL: a bank imported from a CSV, an exam
 * drawn from it; the draw with an injected seed is the same for two members
 * and never repeats a question; answers saved, the attempt scored, the first
 * pass credited through the study-hours ledger and a second pass not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "member/member_store.h"
#include "study/exam.h"
#include "study/exam_store.h"
#include "org/org_store.h"
#include "org/org_fixture.h"
#include "meeting/meeting_fixture.h"

static int setup(void **state) {
    fx_setup(state);
    return mfx_clock_setup("examtest");
}

static int teardown(void **state) {
    mfx_clock_done();
    return fx_teardown(state);
}

static const char BANK[] =
    "题型,题目,选项A,选项B,选项C,选项D,答案,解析\n"
    "单选题,一,甲,乙,丙,丁,A,解析一\n"
    "单选题,二,甲,乙,丙,丁,B,解析二\n"
    "单选题,三,甲,乙,丙,丁,C,解析三\n"
    "多选题,四,甲,乙,丙,丁,ABD,解析四\n"
    "多选题,五,甲,乙,丙,丁,CD,解析五\n"
    "判断题,六,,,,,对,解析六\n"
    "判断题,七,,,,,错,解析七\n"
    "判断题,八,,,,,对,解析八\n";

/* A member registered in the branch with an account of their own; returns the account's id. */
static int64_t member_with_account(fx *x, int64_t org, const char *name, const char *id18, const char *user) {
    member_new m = {.name = name, .id_number = id18, .org_id = org, .category = MEMBER_FULL, .joined_on = "2015-07-01",
                    .full_on = "2016-07-01", .day = "2019-01-01"};
    int64_t p = 0, u = 0;
    err e;
    if (member_store_register(&x->c, &m, &p, NULL, &e)) fail_msg("register: %s", e.msg);
    if (db_run(x->d,
               "INSERT INTO users(username, name, role, scope_kind, scope_code, scope_name, password_hash) VALUES ($1, $2, 'member', "
               "'self', '0', '本人', 'x') ON CONFLICT (username) DO NOTHING",
               &e, "tt", user, name) ||
        db_query_int(x->d, &u, "SELECT id FROM users WHERE username = $1", &e, "t", user) ||
        db_run(x->d, "UPDATE person SET user_id = $1 WHERE id = $2", &e, "ii", u, p))
        fail_msg("account: %s", e.msg);
    return u;
}

static uc as_member(fx *x, int64_t user) {
    uc c = x->c;
    c.who.user_id = user;
    c.who.role = "member";
    c.who.scope_kind = "self";
    c.who.scope_code = "0";
    c.who.username = "exam-member";
    return c;
}

/* Answer every question of an attempt rightly, then submit. */
static void take(fx *x, uc *c, int64_t attempt) {
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT aq.seq, q.answer FROM exam_attempt_question aq JOIN exam_question q ON q.id = aq.question_id WHERE aq.attempt_id = %lld",
             (long long)attempt);
    json_t *rows = NULL;
    err e;
    if (db_query_json(x->d, &rows, sql, &e, "")) fail_msg("answers: %s", e.msg);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        if (exam_store_answer(c, attempt, json_integer_value(json_object_get(r, "seq")), json_string_value(json_object_get(r, "answer")), &e))
            fail_msg("answer: %s", e.msg);
    }
    json_decref(rows);
    if (exam_store_submit(c, attempt, NULL, &e)) fail_msg("submit: %s", e.msg);
}

static void test_exam_store(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        int64_t org = mfx_branch(&x, "中共测试甲公司支部", 'A');
        int64_t u1 = member_with_account(&x, org, "张三", "350203199003151236", "exam_u1");
        int64_t u2 = member_with_account(&x, org, "李四", "350203198805050010", "exam_u2");
        err e;
        ledger_read_opts o = {.header_field = exam_header_field, .header_hint = "“题型”", .max_cell_text = 1 << 20};
        ledger_table *t = NULL;
        if (ledger_table_read_mem("测试题库.csv", BANK, sizeof BANK - 1, &o, &t, &e)) fail_msg("read: %s", e.msg);
        int64_t bank = 0, exam = 0;
        json_t *problems = NULL;
        if (exam_store_bank_import(&x.c, t, NULL, NULL, &bank, &problems, &e)) fail_msg("import: %s", e.msg);
        ledger_table_free(t);
        assert_null(problems);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM exam_question"), 8);
        exam_new n = {.title = "测试考试", .bank_id = bank, .n_any = 5, .minutes = 10, .pass_score = 60, .attempts = 2,
                      .audience = "all", .opens_on = mfx_today(), .closes_on = mfx_today(), .credit_minutes = 30,
                      .credit_category = "理论学习"};
        if (exam_store_create(&x.c, &n, &exam, &e)) fail_msg("create: %s", e.msg);
        uc c1 = as_member(&x, u1), c2 = as_member(&x, u2);
        int64_t a1 = 0, a2 = 0;
        assert_int_equal(exam_store_start(&c1, exam, 42, &a1, &e), ST_CONFLICT);   /* a draft */
        if (exam_store_set_state(&x.c, exam, "open", &e)) fail_msg("open: %s", e.msg);
        if (exam_store_start(&c1, exam, 42, &a1, &e)) fail_msg("start: %s", e.msg);
        if (exam_store_start(&c2, exam, 42, &a2, &e)) fail_msg("start: %s", e.msg);
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT COUNT(DISTINCT question_id) FROM exam_attempt_question WHERE attempt_id = %lld", (long long)a1);
        assert_int_equal(fx_count(&x, sql), 5);
        /* the same seed, the same questions in the same order */
        snprintf(sql, sizeof sql,
                 "SELECT COUNT(*) FROM exam_attempt_question p JOIN exam_attempt_question q ON q.seq = p.seq AND q.question_id = "
                 "p.question_id WHERE p.attempt_id = %lld AND q.attempt_id = %lld",
                 (long long)a1, (long long)a2);
        assert_int_equal(fx_count(&x, sql), 5);
        /* the attempt as the phone gets it: no answers, no explanations */
        json_t *view = NULL;
        if (exam_store_attempt(&c1, a1, &view, &e)) fail_msg("view: %s", e.msg);
        char *text = json_dumps(view, 0);
        assert_null(strstr(text, "解析"));
        assert_null(strstr(text, "right_answer"));
        free(text);
        json_decref(view);
        assert_int_equal(exam_store_attempt(&c2, a1, &view, &e), ST_NOT_FOUND);   /* not another's */
        take(&x, &c1, a1);
        snprintf(sql, sizeof sql, "SELECT score * 10 + passed FROM exam_attempt WHERE id = %lld", (long long)a1);
        assert_int_equal(fx_count(&x, sql), 1001);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM study_credit WHERE source = 'exam'"), 1);
        /* a second pass grants nothing more */
        int64_t a3 = 0;
        if (exam_store_start(&c1, exam, 7, &a3, &e)) fail_msg("start again: %s", e.msg);
        assert_int_not_equal(a3, a1);
        take(&x, &c1, a3);
        snprintf(sql, sizeof sql, "SELECT passed * 100 + credited_minutes FROM exam_attempt WHERE id = %lld", (long long)a3);
        assert_int_equal(fx_count(&x, sql), 100);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM study_credit WHERE source = 'exam'"), 1);
        assert_int_equal(fx_count(&x, "SELECT COALESCE(SUM(minutes), 0) FROM study_credit WHERE source = 'exam'"), 30);
        int64_t a4 = 0;
        assert_int_equal(exam_store_start(&c1, exam, 9, &a4, &e), ST_CONFLICT);   /* two attempts allowed */
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exam_store),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
