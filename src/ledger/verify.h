/* verify — field verification of a round 3 (实地核查), between round 3 and
 * round 4: a template of the round's enterprises for the area offices to fill
 * in (one district's part or all), the results read back from it or entered
 * one by one, and what a result means for round 4.
 *
 *   verify.c        the rules: the template workbook, reading a filled one row
 *                   by row (what each row says, or why it cannot be taken), the
 *                   reason round 4 removes an enterprise (no SQL)
 *   verify_store.c  the results in the database: the template's rows, one
 *                   result (ledger.verify_set), a filled template
 *                   (ledger.verify_import), each an audited use case
 * Round 4 itself is built by the round store (round.h) with these rules. */
#ifndef EJIA_LEDGER_VERIFY_H
#define EJIA_LEDGER_VERIFY_H

#include <jansson.h>
#include <stdint.h>
#include "base/uc.h"
#include "core/arena.h"
#include "core/err.h"
#include "ledger/round.h"

/* What was found on site. */
typedef struct ledger_verification {
    int64_t employees;           /* -1: not given */
    int premises, operating;     /* 1 yes, 0 no, -1 not given */
    const char *verifier, *note; /* NULL: not given */
    const char *verified_on;     /* YYYY-MM-DD, NULL: not given */
} ledger_verification;

/* ---- rules (verify.c) ---- */

/* 有/是/1/Y/yes → 1, 无/否/没有/0/N/no → 0, empty → -1, anything else → -2. */
int ledger_verify_yes_no(const char *v);
/* Why round 4 removes an enterprise with this result (NULL: not verified at
 * all); NULL when it stays. */
const char *ledger_verify_removal(const ledger_verification *v);
/* The round 4 enterprise from its round 3 one and its result (NULL: none):
 * removed with the reason, the verified head count replacing the ledgers'. */
void ledger_verify_round4(ledger_round_entity *x, const ledger_verification *v);

/* Write the template for rows (JSON objects: entity_no, name, uscc,
 * district, address, employees, zombie_reason) of round, for area (a
 * district or park code, NULL for the whole city). */
st ledger_verify_template_xlsx(const char *path, int64_t round, const char *area, const json_t *rows, err *e);

/* One row of a filled template, in sheet order. */
typedef struct ledger_verify_row {
    int sheet_row;
    int64_t no;                  /* the enterprise's number */
    const char *no_text;         /* as written */
    ledger_verification v;
    bool empty;                  /* nothing filled in yet: skipped quietly */
    /* a row that cannot be taken: the column, the value and why (NULL: fine) */
    const char *bad_column, *bad_value, *bad_message;
} ledger_verify_row;

/* Read a filled template (xlsx or CSV, named name for messages); every data
 * row in order, strings in a.  ST_INVALID when the file is not a template. */
st ledger_verify_read(const char *path, const char *name, arena *a, ledger_verify_row **rows, size_t *n, err *e);
/* A problem of a row not taken, as the reply lists it. */
json_t *ledger_verify_problem(int sheet_row, const char *column, const char *value, const char *message);

/* ---- store (verify_store.c) ---- */

/* The template of a round 3 for the actor's area (or area, the city's
 * choice) at path; an audited download (ledger.verify_template). */
st ledger_verify_store_template(uc *c, int64_t round, const char *area, const char *path, err *e);
/* One result for enterprise no of round 3 (ledger.verify_set); an area
 * office only for its own area. */
st ledger_verify_store_set(uc *c, int64_t round, int64_t no, const ledger_verification *v, err *e);
/* A filled template: every row with a result is recorded, all or nothing;
 * rows not taken (bad values, another area, no such enterprise) are listed
 * in *problems (caller owns).  One use case (ledger.verify_import). */
st ledger_verify_store_import(uc *c, int64_t round, const char *path, const char *name, int *taken,
                              json_t **problems, err *e);

#endif
