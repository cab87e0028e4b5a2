/* coverage — how much of the final ledger party organizations cover, as of
 * any day.
 *
 * Organizational coverage: enterprises of the final ledger (zombies
 * excluded) covered by a party organization on that day, over all of them.
 * Work coverage adds those with a party-building instructor.  Figures are
 * given for the caller's whole scope or grouped by district, park, street
 * or category, for any day and as a trend between two days; the enterprises
 * behind every figure are one call away (coverage_store_enterprises), and
 * the events behind a change are org_store_events.
 *
 * The module's four parts: this header; the rules in coverage.c (groupings,
 * the one rounding of every percentage, the trend's sample days, interval
 * marking — pure, unit-tested); the store in coverage_store.c (all its SQL,
 * every query kept to the caller's scope through scope_bind); the routes in
 * coverage_api.c.  It reads the org module's tables and calendar (org.h);
 * the bulletin reads it. */
#ifndef EJIA_COVERAGE_COVERAGE_H
#define EJIA_COVERAGE_COVERAGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/uc.h"
#include "core/err.h"

/* ---- rules (coverage.c) ---- */

typedef enum coverage_by { COVERAGE_CITY, COVERAGE_DISTRICT, COVERAGE_PARK, COVERAGE_STREET, COVERAGE_CATEGORY } coverage_by;
/* "city" "district" "park" "street" "category" (NULL or "" = city); ST_INVALID naming "by". */
st coverage_by_parse(const char *s, coverage_by *out, err *e);
const char *coverage_by_name(coverage_by b);

/* The one rounding of every percentage ejia shows: a value given in tenths
 * (1000·part/n for a rate, 10·(a − b) for a change in points) to a whole
 * number of tenths, halves away from zero, returned as the percentage:
 * coverage_tenths(735.4) = 73.5. */
double coverage_tenths(double tenths);
/* part of n as a percentage to 0.1 (0 when n is 0). */
double coverage_rate(int64_t part, int64_t n);
/* rate − prev in percentage points to 0.1. */
double coverage_change(double rate, double prev);

/* One figure: a group (key = district code, park code ...; NULL for the
 * whole scope or for enterprises without one) and its counts. */
typedef struct coverage_row {
    const char *key, *name;
    int64_t enterprises, covered, work;   /* work: covered or with an instructor */
} coverage_row;
/* {key, name, enterprises, covered, work_covered, rate, work_rate}: the one
 * JSON shape of a figure (key null when NULL). */
json_t *coverage_row_json(const coverage_row *r);
json_t *coverage_rows_json(const coverage_row *rows, size_t n);

/* The trend's sample days from `from` to `to` (from <= to): the last day of
 * each 旬 (monthly: of each month), the last one cut at `to`; with its 旬.
 * Returns how many, at most max. */
typedef struct coverage_point { char day[11], period[16]; } coverage_point;
enum { COVERAGE_TREND_MAX = 400 };
size_t coverage_trend_points(const char *from, const char *to, bool monthly, coverage_point *out, size_t max);

/* Mark flag[i] for every days[i] (sorted ascending) with from <= days[i] < to
 * (to NULL = open): the days an interval covers. */
void coverage_mark(const char *const *days, size_t ndays, const char *from, const char *to, unsigned char *flag);

/* The one "as of" rule (截至日期) of every page that shows figures as of a day
 * (the dashboard, the coverage pages, an organization's detail, the rule
 * findings) and of the bulletin schedule: the latest day the data speaks of.
 * latest = the day of the latest organizational change over the whole city
 * (NULL or "" when there is none).  Today, when something changed within the
 * last COVERAGE_ASOF_STALE_DAYS days (a live deployment) or nothing ever did;
 * otherwise the last day of the 旬 of that change (the demo's campaign ends on
 * 2018-06-30), never after today.  The same for every user, whatever their
 * scope: a district sees the city's day, not its own latest change. */
enum { COVERAGE_ASOF_STALE_DAYS = 183 };
void coverage_asof_rule(const char *today, const char *latest, char out[11]);

/* ---- store (coverage_store.c): every query within the caller's scope ---- */

/* The as-of day (coverage_asof_rule) as the database gives it: the latest
 * change over the whole city (whoever asks), judged on today. */
st coverage_store_asof(uc *c, const char *today, char out[11], err *e);

/* The figures as of day, grouped by `by`, in key order (arena memory).  For
 * COVERAGE_CITY one row always, named after the caller's scope. */
st coverage_store_figures(uc *c, const char *day, coverage_by by, coverage_row **rows, size_t *n, err *e);
/* The whole scope's line over many days at once (days sorted ascending,
 * YYYY-MM-DD): enterprises in the register, covered and work-covered per day — as
 * coverage_store_figures with COVERAGE_CITY would give for each day, in one
 * pass over the cover and instructor intervals. */
st coverage_store_city_series(uc *c, const char *const *days, size_t ndays, int64_t *n, int64_t *covered,
                              int64_t *work, err *e);

/* The check of the kept figures (covkept.h) against the raw tables, over the whole city: on every day
 * anything starts or ends (a cover, an instructor, a stay in the register, a place) and every day of the
 * kept rows, the figures of each group (district/park/street/category, '' for none) counted both ways.
 * Between those days neither can change, so agreeing on them is agreeing on every day.  fn is told each
 * difference (a side without the group: zeros); *days = days compared, *diffs = differences found.
 * ST_CONFLICT when the kept figures are stale (there is nothing kept to compare yet). */
typedef struct coverage_sum coverage_sum;
typedef void (*coverage_diff_fn)(void *arg, const char *day, const char *group, const coverage_sum *raw, const coverage_sum *kept);
st coverage_store_verify(uc *c, coverage_diff_fn fn, void *arg, int64_t *days, int64_t *diffs, err *e);

/* Filters of the enterprise list that combine (NULL or "" = any): q = part
 * of the name or the whole credit code; a district, park, street or
 * category code, or "none" for enterprises without one. */
typedef struct coverage_filter { const char *q, *district, *park, *street, *category; } coverage_filter;
/* The filtered set's own figures (any state). */
struct coverage_sum { int64_t n, covered, work; };
/* The enterprises behind a figure as of day: by/key = the group (key NULL
 * for the city); state "all" | "covered" | "uncovered" | "work" |
 * "work_uncovered" (NULL = all); f the combinable filters (may be NULL).
 * items: the page asked for (pg->order over the item columns as q.*, NULL =
 * q.id), each with its covering organization's name; total: rows in that
 * state; sum (may be NULL): the figures of everything the filters select,
 * computed in the same pass. */
st coverage_store_enterprises(uc *c, const char *day, coverage_by by, const char *key, const char *state,
                              const coverage_filter *f, const uc_page *pg, json_t **items, int64_t *total,
                              coverage_sum *sum, err *e);
/* One enterprise's coverage history: the enterprise with its covers,
 * instructors and events ({..., covers, instructors, events}); ST_NOT_FOUND
 * when there is no such enterprise. */
st coverage_store_enterprise(uc *c, int64_t id, json_t **out, err *e);

#endif
