/* assess — the office's yearly responsibility assessment (责任考核) of
 * districts and parks (issue 23), from the figures the system already has.
 *
 * A criterion (评分项) is a row of assess_criteria[] (assess_criteria.c): a
 * key, its Chinese name, the settings of its weight, floor and target
 * (assess-weight-<key>, assess-floor-<key>, assess-target-<key>), a provider
 * that fills the figure of every unit for a year by calling the owning
 * module's store (never its SQL), and the link to the page that lists the
 * records behind a figure.  A figure is a share (num of den, as a percentage
 * to 0.1); it maps to a score of 0–100 linearly between the floor (0 points
 * at or below) and the target (100 points at or above).  The total is the
 * weighted mean of the scores of the criteria available for that unit: the
 * weights are renormalised over them (a criterion without a figure — no
 * provider yet, no records, not kept per park — neither adds nor takes away).
 *
 * The rules here are pure (no SQL, no HTTP); assess_store.c keeps the
 * yearly snapshots (migration 0065). */
#ifndef EJIA_ASSESS_ASSESS_H
#define EJIA_ASSESS_ASSESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/uc.h"
#include "core/err.h"

/* Scores are kept in hundredths of a point: 0..10000 = 0.00..100.00. */
enum { ASSESS_SCORE_MAX = 10000 };

/* A unit assessed: a district, or a park (with the district it lies in). */
typedef struct assess_unit {
    const char *kind;        /* "district" | "park" */
    const char *code, *name;
    const char *district;    /* the district's code (a park's parent) */
} assess_unit;

/* The year's period: the year and the day the figures are of (its last day,
 * or today while the year is not over). */
typedef struct assess_period {
    int year;
    char from[11], to[11];   /* YYYY-01-01, YYYY-12-31 */
    char as_of[11];          /* min(to, today) */
    char code[5];            /* "YYYY" */
} assess_period;
/* The period of year as seen on today; false for a year after today's. */
bool assess_period_of(int year, const char *today, assess_period *p);

/* One criterion's figure for one unit. */
typedef struct assess_fig {
    bool available;          /* false: no figure (reason says why); it does not count */
    int64_t num, den;        /* the share: num of den */
    const char *reason;      /* when not available (static or the use case's memory) */
} assess_fig;

/* A provider fills out[i] for units[i], i < n, for the period (the caller
 * zeroes out: not available, no reason).  It calls its module's store as c. */
typedef st (*assess_fill_fn)(uc *c, const assess_period *p, const assess_unit *units, size_t n, assess_fig *out, err *e);
/* The web page that lists the records behind a unit's figure (a path with
 * its query, in c's memory), or NULL when there is none. */
typedef const char *(*assess_link_fn)(uc *c, const assess_period *p, const assess_unit *u);

typedef struct assess_criterion {
    const char *key;         /* "coverage" …: the settings assess-weight-<key>, assess-floor-<key>, assess-target-<key> */
    const char *name;        /* 组织覆盖率 … */
    const char *figure;      /* what the share is, in words (shown on the page) */
    const char *records;     /* what the link lists (the link's label) */
    const char *unit;        /* what num and den count: "fen" (money, in fen) or "count" */
    assess_fill_fn fill;
    assess_link_fn link;
} assess_criterion;
/* The criteria, in the order shown; NULL-terminated (assess_criteria.c). */
extern const assess_criterion assess_criteria[];
size_t assess_criteria_count(void);

/* A criterion's rule as set: weight (0..100; 0 = not counted), floor and
 * target as percentages (floor < target). */
typedef struct assess_rule {
    int weight, floor, target;
} assess_rule;
/* The rule of every criterion from the settings (rules[assess_criteria_count()]);
 * ST_INVALID naming the setting when a floor is not below its target. */
st assess_rules_load(assess_rule *rules, err *e);

/* The figure as a percentage to 0.1 (num of den; 0 when den is 0). */
double assess_value(int64_t num, int64_t den);
/* The score (hundredths of a point) of a percentage under a rule: 0 at or
 * below the floor, ASSESS_SCORE_MAX at or above the target, linear between,
 * rounded half up. */
int assess_score(double value, const assess_rule *r);

/* A unit's total: the weighted mean of the scores of the available criteria
 * with a weight, the weights renormalised over them.  weight_used[i] gets
 * criterion i's share of the weight in basis points (0 when not counted;
 * they add up to 10000 but for rounding).  *total in hundredths of a point;
 * false (and *total 0) when no criterion counts. */
bool assess_total(const assess_fig *figs, const int *scores, const assess_rule *rules, size_t n, int *weight_used_bp,
                  int *total);

/* Ranks of totals[0..n) (hundredths), best first; equal totals share a rank
 * (1, 2, 2, 4); a unit without a total (has[i] false) gets rank 0. */
void assess_rank(const int *totals, const bool *has, size_t n, int *rank);

/* The states of an assessment: 草稿 draft → 已确认 confirmed → 已发布 published. */
const char *assess_state_name(const char *state);

#endif
