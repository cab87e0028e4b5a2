/* exam — the rules of exams (在线考试), pure (no SQL, no HTTP):
 *
 * Question banks as offices write them in xlsx or CSV (the template:
 * 序号, 题型, 题目, 选项A…选项F, 答案, 解析, 分类), read by the ledger readers
 * with this module's header dictionary; each data row turned into a question
 * or into one clear problem in Chinese (the sheet row, the column, what is
 * wrong, what to do).  Answers are kept as letters in order: a single choice
 * "B", a multiple choice "ACD", true/false "A" (正确) or "B" (错误); the file
 * may say 对/错, √/×, "A、C", "a,c" and the like.
 *
 * Drawing an attempt's questions (distinct, uniformly, from a seed: the
 * server's random one, a test's fixed one) and scoring an answer: all or
 * nothing, or, when partial credit is on (setting exam-multiple-partial), half
 * for a multiple choice answered with some right letters and no wrong one.
 * Points are counted in halves.  The SQL is in exam_store.c. */
#ifndef EJIA_STUDY_EXAM_H
#define EJIA_STUDY_EXAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "ledger/table.h"

enum { EXAM_MAX_OPTIONS = 6, EXAM_STEM_MAX = 1000, EXAM_OPTION_MAX = 300, EXAM_TEXT_MAX = 2000 };

typedef enum exam_field {
    EF_NONE = -1,
    EF_SEQ = 0, EF_KIND, EF_STEM, EF_A, EF_B, EF_C, EF_D, EF_E, EF_F, EF_ANSWER, EF_EXPLAIN, EF_CATEGORY,
    EF__COUNT
} exam_field;

const char *exam_field_label(exam_field f);   /* 题型, 题目, 选项A, … */
/* The field a header cell names, EF_NONE when none (ledger_read_opts.header_field). */
int exam_header_field(void *ctx, const char *text, size_t len);

typedef struct exam_cols { int col[EF__COUNT]; } exam_cols;
void exam_map(const ledger_table *t, exam_cols *out);
/* The columns a bank needs (题型, 题目, 答案, 选项A, 选项B): false with the
 * message naming what is missing. */
bool exam_cols_ok(const exam_cols *cols, char *msg, size_t n);

/* "single" | "multiple" | "judge" → 单选题 | 多选题 | 判断题 ("" otherwise). */
const char *exam_kind_label(const char *kind);
bool exam_kind_ok(const char *kind);

/* One question read from a row (texts in the arena). */
typedef struct exam_q {
    const char *kind;                       /* "single" | "multiple" | "judge" */
    const char *stem;
    const char *options[EXAM_MAX_OPTIONS];  /* none for true/false */
    int noptions;
    char answer[EXAM_MAX_OPTIONS + 1];      /* letters in order */
    const char *explanation, *category;     /* NULL when empty */
} exam_q;

/* What is wrong with a row: its sheet row, the column (letters, name). */
typedef struct exam_problem {
    int sheet_row;
    char column[8];                         /* "J", "" when about the row */
    const char *column_name;                /* "答案", NULL */
    char msg[480];                          /* Chinese: where, what is wrong, what to do */
} exam_problem;

/* A data row: 1 = a question (out), 0 = a blank row (skipped), -1 = a
 * problem (p; nothing in out to use). */
int exam_row_read(const ledger_table *t, const exam_cols *cols, const ledger_row *r, arena *a, exam_q *out,
                  exam_problem *p);

/* A file's answer for a kind with noptions options, as letters in order
 * (out ≥ EXAM_MAX_OPTIONS + 1): false when it cannot be read. */
bool exam_answer_read(const char *kind, int noptions, const char *in, char *out);
/* A member's answer as the phone sends it ("", "B", "ACD" or "CA"): letters
 * in order in out; false when it is not letters of the question's options
 * (one for a single choice or true/false). */
bool exam_answer_given(const char *kind, int noptions, const char *in, char *out);

/* Points of an answer, in halves (0, 1 or 2): the answer must be the right
 * letters exactly; with partial, a multiple choice answered with a nonempty
 * subset of the right letters and no wrong one earns 1. */
int exam_halves(const char *kind, const char *right, const char *given, bool partial);
/* The score, a percent rounded half up, of halves earned over questions. */
int exam_percent(int64_t halves, int64_t questions);

/* Draw k distinct indexes of 0..n-1 into out (k ≤ n), uniformly, from the
 * seed (a partial Fisher–Yates shuffle on splitmix64): the same seed, the
 * same draw.  scratch holds n ints. */
void exam_draw(int n, int k, uint64_t seed, int *scratch, int *out);

#endif
