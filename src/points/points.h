/* points — 积分管理 (issue 18): the pure rules of the points ledger.
 *
 * Points are kept in hundredths (1 积分 = 100).  A rule of a dated version
 * (points_rule_version) gives points per record or per unit of an activity
 * row's value, a cap per subject and period (month, quarter, year) and
 * whether each row needs approval.  A line's points under a cap: with raw the
 * line's points before the cap and run the raw sum of the subject's lines of
 * the same code and period up to and including this one (in the order of the
 * activity rows, or of decisions for claims), the points counted are
 * min(cap, run) - min(cap, run - raw) — so a void (negative raw) past the cap
 * takes back only what was counted.  The store's SQL computes exactly this
 * (points_store.c); these functions are its specification and the tests'. */
#ifndef EJIA_POINTS_POINTS_H
#define EJIA_POINTS_POINTS_H

#include <stdbool.h>
#include <stdint.h>

/* "month" → "2026-09", "quarter" → "2026-Q3", "year" → "2026" for day "2026-09-14"; false on a bad period or day. */
bool points_period_key(const char *period, const char *day, char out[16]);
/* The points counted for a line (see above); cap < 0 = none. */
int64_t points_capped(int64_t cap, int64_t run, int64_t raw);
/* A ranking's period: "2026" | "2026-Q1".."2026-Q4" | "2026-01".."2026-12"; *from and *until (inclusive) filled. */
bool points_period_parse(const char *p, char from[11], char until[11]);
/* Is s a known subject ("member", "org"), cap period, unit, source? */
bool points_subject_ok(const char *s);
bool points_cap_period_ok(const char *s);
bool points_unit_ok(const char *s);
bool points_source_ok(const char *s);
/* The record behind a line's ref ("meeting:12") as the member's page that lists it ("/me/meetings?meeting=12"), or NULL. */
const char *points_ref_link(const char *ref, char *buf, int n);
/* Competition ranking over points sorted best first: rank[i] = 1 + the number strictly better. */
void points_rank(const int64_t *points, int n, int *rank);

#endif
