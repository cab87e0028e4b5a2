/* exam_store — question banks, exams and attempts in the database (migration
 * 0057).  A bank is imported whole in one audited act ("exam.bank_import") or
 * not at all: any row that cannot be read refuses the file with every row's
 * problem.  A bank and its exams are kept by the city or a district (the
 * scope kinds exam_bank and exam: their district).
 *
 * An attempt: started by the member (exam.start), its questions drawn and
 * stored, its deadline the server's clock plus the time limit; answers saved
 * one by one as the member goes (exam.answer) until the deadline and the grace
 * (setting exam-grace-seconds); the submission (exam.submit) scores on the
 * server.  A submission after the deadline and its grace is not refused: it is
 * scored with the answers saved in time and marked late (the answers it
 * carries are ignored).  An attempt left open past its deadline is scored the
 * same way when the member next starts or submits.  The questions go to the
 * phone without their answers and explanations until the attempt is
 * submitted.  A pass grants the exam's hours once: the member's first passing
 * attempt (exam_pass, one row per exam and member) credits study_credit_add
 * (source "exam", the attempt's id); later passes grant nothing more. */
#ifndef EJIA_STUDY_EXAM_STORE_H
#define EJIA_STUDY_EXAM_STORE_H

#include <jansson.h>
#include <stdint.h>
#include "base/uc.h"
#include "ledger/table.h"

/* Read a bank file (xlsx, xls, CSV) with the exam header dictionary; caller frees. */
st exam_read(const char *path, ledger_table **out, err *e);

/* Import a bank: name (NULL: the file's name), district (NULL: the caller's
 * own — a district's; the city's own bank when the city gives none).
 * ST_INVALID with *problems [{sheet_row, column, column_name, message}] when
 * rows are wrong (nothing imported); ST_CONFLICT when the same file was
 * imported already. */
st exam_store_bank_import(uc *c, const ledger_table *t, const char *name, const char *district, int64_t *id,
                          json_t **problems, err *e);
st exam_store_banks(uc *c, const uc_page *p, json_t **items, int64_t *total, err *e);
/* One bank with its questions (answers and explanations: the office's view). */
st exam_store_bank_get(uc *c, int64_t id, json_t **out, err *e);
/* The template to fill in (with two examples of each kind), audited. */
st exam_store_template(uc *c, const char *path, err *e);

typedef struct exam_new {
    const char *title;
    int64_t bank_id;
    int64_t n_any, n_single, n_multiple, n_judge;   /* counts per kind, or n_any of any kind */
    int64_t minutes, pass_score, attempts;
    const char *audience;                           /* all | full | probation | secretary */
    const char *opens_on, *closes_on;
    int64_t credit_minutes;                         /* 0: a pass grants no hours */
    const char *credit_category;
} exam_new;

st exam_store_create(uc *c, const exam_new *n, int64_t *id, err *e);
/* Change an exam nobody has taken yet (ST_CONFLICT after the first attempt). */
st exam_store_edit(uc *c, int64_t id, const exam_new *n, err *e);
/* "open" or "close". */
st exam_store_set_state(uc *c, int64_t id, const char *action, err *e);
st exam_store_list(uc *c, const uc_page *p, json_t **items, int64_t *total, err *e);
/* One exam with its figures: takers, passed, pass rate, attempts. */
st exam_store_get(uc *c, int64_t id, json_t **out, err *e);
/* Who took it: one row per member, their best attempt; passed -1 any, 0, 1. */
st exam_store_results(uc *c, int64_t id, int passed, const uc_page *p, json_t **items, int64_t *total, err *e);

/* The member's side: open exams they may take, with their attempts. */
st exam_store_mine(uc *c, json_t **out, err *e);
/* Start (or resume the open attempt of) an exam; seed 0 = a random draw. */
st exam_store_start(uc *c, int64_t exam_id, uint64_t seed, int64_t *attempt_id, err *e);
/* One of the member's attempts: before submitting, the questions and the
 * member's answers only; after, the right answers and explanations too. */
st exam_store_attempt(uc *c, int64_t attempt_id, json_t **out, err *e);
st exam_store_answer(uc *c, int64_t attempt_id, int64_t seq, const char *answer, err *e);
/* Submit: answers [{seq, answer}] (may be NULL) saved first when in time. */
st exam_store_submit(uc *c, int64_t attempt_id, const json_t *answers, err *e);

#endif
