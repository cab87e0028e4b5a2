/* dues_report — the pure rules of the dues reports and of the arrears warning
 * (自行脱党预警; rules.md: 党章第九条 — six consecutive months of not paying
 * dues or of no organizational life without good reason may be taken as
 * having left the party, which the 支部大会 decides).  No SQL, no HTTP.
 *
 * A member's months are written as marks, one a month from the first month
 * judged on: 'o' the month was kept (paid, waived by a relief of 0, a due of
 * 0; for organizational life: attended a held meeting, or excused from every
 * one on approved leave), 'x' it was not (owed and unpaid; expected at held
 * meetings and attended none), '-' it does not count either way (before
 * joining, no base declared — nothing could be asked —, no sheet made, no
 * held meeting the member was expected at).  A '-' breaks a run: the rule
 * speaks of consecutive months in which something was asked and not done. */
#ifndef EJIA_DUES_DUES_REPORT_H
#define EJIA_DUES_DUES_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

#define DUES_MARK_NONE '-'
#define DUES_MARK_OK 'o'
#define DUES_MARK_MISS 'x'

/* A month of dues as its sheet's line (state owed, paid, waived, nobase;
 * NULL: no line) and the months a payment settled say it: paid (a line paid,
 * or the month settled without a line) 'o'; waived or a due of 0 'o'; owed
 * 'x'; nobase or no line '-'. */
char dues_mark_dues(const char *state, int64_t due_fen, bool settled);
/* A month of organizational life: expected at that many held meetings of the
 * member's organization, attended (present or online) that many, on approved
 * leave from that many.  None expected '-'; one attended, or leave from every
 * one, 'o'; else 'x'. */
char dues_mark_life(int64_t expected, int64_t attended, int64_t excused);

/* The latest run of at least need consecutive 'x' in marks[0..n): true with
 * the index of its first month and its length (the whole run, which may be
 * longer than need).  need < 1 is taken as 1. */
bool dues_arrears_run(const char *marks, int n, int need, int *first, int *len);

/* A report's period: a month "2026-11", a quarter "2026-Q4" or a year
 * "2026"; from and to the first and last month ("YYYY-MM"). */
typedef struct dues_period {
    char code[16];
    char from[16], to[16];
    char kind;   /* 'm', 'q', 'y' */
} dues_period;
/* ST_INVALID (field "period") with a Chinese message saying how to write one. */
st dues_period_parse(const char *s, dues_period *p, err *e);

/* The share of the due collected, in ten-thousandths, rounded down (paid ≥
 * due: 10000; nothing due: 10000, nothing was missing). */
int dues_rate_bp(int64_t paid_fen, int64_t due_fen);

#endif
