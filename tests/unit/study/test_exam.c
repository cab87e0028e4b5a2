/* Unit tests for the exam rules (src/study/exam.c): the bank file's headers
 * and rows (each kind, answers written every which way, each problem with its
 * row, column and message), the member's answers, the scoring (single,
 * multiple all-or-nothing and with partial credit, true/false) and the draw
 * (no question twice, the same seed the same draw, every question reachable). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "study/exam.h"

static ledger_table *csv(const char *text) {
    ledger_read_opts o = {.header_field = exam_header_field, .header_hint = "“题型”“题目”", .max_cell_text = 1 << 20};
    ledger_table *t = NULL;
    err e;
    if (ledger_table_read_mem("题库.csv", text, strlen(text), &o, &t, &e)) fail_msg("read: %s", e.msg);
    return t;
}

static void test_headers(void **state) {
    (void)state;
    static const struct { const char *h; int f; } cases[] = {
        {"题型", EF_KIND}, {"题目类型", EF_KIND}, {"题干", EF_STEM}, {"试题内容", EF_STEM}, {"选项A", EF_A}, {"选项 b", EF_B},
        {"C选项", EF_C},   {"Ｄ", EF_D},         {"选项F", EF_F},  {"正确答案", EF_ANSWER}, {"答案解析", EF_EXPLAIN},
        {"解析*", EF_EXPLAIN}, {"分类", EF_CATEGORY}, {"知识点", EF_CATEGORY}, {"序号", EF_SEQ}, {"选项G", EF_NONE},
        {"备注", EF_NONE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int f = exam_header_field(NULL, cases[i].h, strlen(cases[i].h));
        if (f != cases[i].f) fail_msg("%s: %d, want %d", cases[i].h, f, cases[i].f);
    }
}

static void test_rows(void **state) {
    (void)state;
    ledger_table *t = csv("序号,题型,题目,选项A,选项B,选项C,选项D,答案,解析,分类\n"
                          "1,单选题,党的最高理想是什么？,实现共产主义,小康,现代化,复兴,a,党章总纲,党章\n"
                          "2,多项选择题,党员的权利有哪些？,参加会议,参加讨论,提出建议,拒绝决议,\"C、A ,B\",第四条,党章\n"
                          "3,判断,预备期为一年。,,,,,√,第七条,\n"
                          "4,判断题,预备党员有表决权。,,,,,错误,,\n"
                          ",,,,,,,,,\n"
                          "6,填空题,什么？,,,,,A,,\n"
                          "7,单选题,,甲,乙,,,A,,\n"
                          "8,单选题,缺选项B,甲,,丙,,A,,\n"
                          "9,单选题,两个答案,甲,乙,丙,,AB,,\n"
                          "10,多选题,一个答案,甲,乙,丙,,B,,\n"
                          "11,单选题,答案越界,甲,乙,,,D,,\n"
                          "12,判断题,无法判断,,,,,也许,,\n"
                          "13,单选题,只有一个选项,甲,,,,A,,\n"
                          "14,单选题,答案为空,甲,乙,,,,,\n"
                          "15,多选题,答案是数字,甲,乙,丙,,1 2,,\n");
    exam_cols cols;
    exam_map(t, &cols);
    char msg[256];
    assert_true(exam_cols_ok(&cols, msg, sizeof msg));
    arena a;
    arena_init(&a, 1 << 20);
    static const struct { int r; const char *kind, *answer; int nopt; const char *col, *has; } want[] = {
        {1, "single", "A", 4, NULL, NULL},
        {1, "multiple", "ABC", 4, NULL, NULL},
        {1, "judge", "A", 0, NULL, NULL},
        {1, "judge", "B", 0, NULL, NULL},
        {-1, NULL, NULL, 0, "B", "题型“填空题”无法识别"},
        {-1, NULL, NULL, 0, "C", "题目为空"},
        {-1, NULL, NULL, 0, "E", "选项B为空，而选项C有内容"},
        {-1, NULL, NULL, 0, "H", "单选题只能有一个答案"},
        {-1, NULL, NULL, 0, "H", "多选题至少要有两个正确选项"},
        {-1, NULL, NULL, 0, "H", "本题只有 A–B"},
        {-1, NULL, NULL, 0, "H", "判断题的答案“也许”无法识别"},
        {-1, NULL, NULL, 0, "E", "至少要有两个选项"},
        {-1, NULL, NULL, 0, "H", "答案为空"},
        {-1, NULL, NULL, 0, "H", "无法识别"},
    };
    assert_int_equal(t->nrows, (int)(sizeof want / sizeof want[0]));
    for (int i = 0; i < t->nrows; i++) {
        exam_q q;
        exam_problem p;
        int r = exam_row_read(t, &cols, &t->rows[i], &a, &q, &p);
        if (r != want[i].r) fail_msg("row %d: %d, want %d (%s)", i + 2, r, want[i].r, r < 0 ? p.msg : "");
        if (r == 1) {
            assert_string_equal(q.kind, want[i].kind);
            assert_string_equal(q.answer, want[i].answer);
            assert_int_equal(q.noptions, want[i].nopt);
        }
        if (r < 0) {
            int row = i < 4 ? i + 2 : i + 3;   /* the blank line (sheet row 6) is not a data row */
            assert_int_equal(p.sheet_row, row);
            assert_string_equal(p.column, want[i].col);
            if (!strstr(p.msg, want[i].has)) fail_msg("row %d: “%s” lacks “%s”", i + 2, p.msg, want[i].has);
            char where[32];
            snprintf(where, sizeof where, "第 %d 行 %s 列", row, want[i].col);
            if (!strstr(p.msg, where)) fail_msg("row %d: “%s” does not say where", i + 2, p.msg);
        }
    }
    arena_free(&a);
    ledger_table_free(t);
}

static void test_missing_columns(void **state) {
    (void)state;
    ledger_table *t = csv("题目,选项A,选项B,备注\n一,甲,乙,\n");
    exam_cols cols;
    exam_map(t, &cols);
    char msg[256];
    assert_false(exam_cols_ok(&cols, msg, sizeof msg));
    assert_non_null(strstr(msg, "“题型”"));
    assert_non_null(strstr(msg, "“答案”"));
    assert_null(strstr(msg, "“题目”"));
    ledger_table_free(t);
}

static void test_given(void **state) {
    (void)state;
    char out[8];
    assert_true(exam_answer_given("single", 4, "C", out));
    assert_string_equal(out, "C");
    assert_true(exam_answer_given("single", 4, "", out));
    assert_string_equal(out, "");
    assert_false(exam_answer_given("single", 4, "AB", out));
    assert_false(exam_answer_given("single", 4, "E", out));
    assert_false(exam_answer_given("single", 4, "c", out));
    assert_true(exam_answer_given("multiple", 5, "ECA", out));
    assert_string_equal(out, "ACE");
    assert_true(exam_answer_given("judge", 0, "B", out));
    assert_false(exam_answer_given("judge", 0, "C", out));
    assert_false(exam_answer_given("essay", 4, "A", out));
}

static void test_scoring(void **state) {
    (void)state;
    assert_int_equal(exam_halves("single", "B", "B", false), 2);
    assert_int_equal(exam_halves("single", "B", "C", false), 0);
    assert_int_equal(exam_halves("single", "B", "", false), 0);
    assert_int_equal(exam_halves("judge", "A", "A", true), 2);
    assert_int_equal(exam_halves("judge", "A", "B", true), 0);
    /* multiple: all or nothing ... */
    assert_int_equal(exam_halves("multiple", "ACD", "ACD", false), 2);
    assert_int_equal(exam_halves("multiple", "ACD", "AC", false), 0);
    assert_int_equal(exam_halves("multiple", "ACD", "ABCD", false), 0);
    /* ... or half for some right letters and no wrong one */
    assert_int_equal(exam_halves("multiple", "ACD", "AC", true), 1);
    assert_int_equal(exam_halves("multiple", "ACD", "AB", true), 0);
    assert_int_equal(exam_halves("multiple", "ACD", "ABCD", true), 0);
    assert_int_equal(exam_halves("single", "B", "BC", true), 0);
    assert_int_equal(exam_percent(0, 10), 0);
    assert_int_equal(exam_percent(20, 10), 100);
    assert_int_equal(exam_percent(12, 10), 60);
    assert_int_equal(exam_percent(1, 3), 17);   /* 16.67 */
    assert_int_equal(exam_percent(1, 4), 13);   /* 12.5 half up */
    assert_int_equal(exam_percent(5, 0), 0);
}

static void test_draw(void **state) {
    (void)state;
    int scratch[50], a[20], b[20], c[20];
    exam_draw(50, 20, 42, scratch, a);
    exam_draw(50, 20, 42, scratch, b);
    exam_draw(50, 20, 43, scratch, c);
    assert_memory_equal(a, b, sizeof a);
    assert_memory_not_equal(a, c, sizeof a);
    for (int i = 0; i < 20; i++) {
        assert_in_range(a[i], 0, 49);
        for (int j = 0; j < i; j++) assert_int_not_equal(a[i], a[j]);
    }
    /* all of them: a permutation; and over seeds every question is drawn */
    int all[50], seen[50] = {0};
    exam_draw(50, 50, 7, scratch, all);
    for (int i = 0; i < 50; i++) seen[all[i]]++;
    for (int i = 0; i < 50; i++) assert_int_equal(seen[i], 1);
    int hit[50] = {0};
    for (uint64_t s = 1; s < 200; s++) {
        int one[5];
        exam_draw(50, 5, s, scratch, one);
        for (int i = 0; i < 5; i++) hit[one[i]]++;
    }
    for (int i = 0; i < 50; i++) assert_true(hit[i] > 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headers), cmocka_unit_test(test_rows), cmocka_unit_test(test_missing_columns),
        cmocka_unit_test(test_given),   cmocka_unit_test(test_scoring), cmocka_unit_test(test_draw),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
