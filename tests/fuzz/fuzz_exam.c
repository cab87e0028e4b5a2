/* fuzz_exam — libFuzzer target for question banks (考试题库): the ledger
 * readers with the exam header dictionary, the column map and its check,
 * every row turned into a question or a problem, and the answers read back
 * as a member would send them and scored.  No database: everything before the
 * store.  Any input: a result or a clean refusal, never a crash or a leak. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "study/exam.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ledger_table *t = NULL;
    err e;
    ledger_read_opts o = {.header_field = exam_header_field, .header_hint = "“题型”“题目”“答案”", .max_cell_text = 1 << 22};
    if (ledger_table_read_mem("模糊测试题库.csv", data, size, &o, &t, &e) != ST_OK) return 0;
    exam_cols cols;
    exam_map(t, &cols);
    char msg[400];
    (void)exam_cols_ok(&cols, msg, sizeof msg);
    arena a;
    arena_init(&a, 1 << 24);
    for (int i = 0; i < t->nrows; i++) {
        exam_q q;
        exam_problem p;
        if (exam_row_read(t, &cols, &t->rows[i], &a, &q, &p) != 1) continue;
        char given[EXAM_MAX_OPTIONS + 1], again[EXAM_MAX_OPTIONS + 1];
        /* the right answer, sent back by a phone, scores full marks */
        if (!exam_answer_given(q.kind, q.noptions, q.answer, given) || exam_halves(q.kind, q.answer, given, true) != 2) __builtin_trap();
        if (!exam_answer_read(q.kind, q.noptions, q.answer, again) && strcmp(q.kind, "judge")) __builtin_trap();
        (void)exam_percent(exam_halves(q.kind, q.answer, "A", true), t->nrows);
    }
    arena_free(&a);
    ledger_table_free(t);
    return 0;
}
