/* cov — coverage figures as of any date.
 *
 * Organizational coverage: enterprises of the final ledger (zombies
 * excluded) covered by a party organization on that day, over all of them.
 * Work coverage adds those with a party-building instructor.  Figures are
 * given for the city or grouped by district, park, street or category, for
 * any day and as a trend between two days; the enterprises behind every
 * figure are one call away (cov_enterprises), and the events behind a change
 * are org_store_events.  Every query keeps to the caller's scope
 * (SCOPE_COND on the enterprise's district, park and id). */
#ifndef EJIA_ORG_COV_H
#define EJIA_ORG_COV_H

#include <jansson.h>
#include <stdint.h>
#include "core/err.h"
#include "db/db.h"

typedef enum cov_by { COV_CITY, COV_DISTRICT, COV_PARK, COV_STREET, COV_CATEGORY } cov_by;
/* "city" "district" "park" "street" "category" (NULL = city). */
st cov_by_parse(const char *s, cov_by *out, err *e);
const char *cov_by_name(cov_by b);

/* Rows {key, name, enterprises, covered, work_covered, rate, work_rate} as of
 * day; rates are percentages rounded to 0.1. */
st cov_figures(db *d, const char *day, cov_by by, const char *scope_k, const char *scope_c, json_t **rows, err *e);
/* Percentage rounded to one decimal (0 when n is 0). */
double cov_rate(int64_t part, int64_t n);
/* The enterprises behind a figure: state "all" | "covered" | "uncovered" |
 * "work" | "work_uncovered"; key = the group key (NULL for the city); f adds
 * filters that combine (NULL or empty fields = any): q = part of the name or
 * the whole credit code, and a district, park, street or category; order =
 * ORDER BY terms over the item columns as q.* (trusted text from http_order), NULL for q.id. */
/* The whole scope's line over many days at once (days sorted ascending,
 * YYYY-MM-DD): enterprises, covered and work-covered per day, as cov_figures
 * with COV_CITY would give for each day, in one pass over the intervals. */
st cov_city_series(db *d, const char *const *days, size_t ndays, const char *scope_k, const char *scope_c, int64_t *n,
                   int64_t *covered, int64_t *work, err *e);
/* The name of the caller's whole scope (the city, or their district or park). */
json_t *cov_scope_name(db *d, const char *scope_k, const char *scope_c);
typedef struct cov_filter { const char *q, *district, *park, *street, *category; } cov_filter;
/* The filtered set's own figures (any state): enterprises, covered, work-covered. */
typedef struct cov_sum { int64_t n, covered, work; } cov_sum;
/* total: rows in the given state (for the pager); sum (may be NULL): the figures
 * of every enterprise that passes the filters, computed in the same pass. */
st cov_enterprises(db *d, const char *day, cov_by by, const char *key, const char *state, const cov_filter *f,
                   const char *scope_k, const char *scope_c, const char *order, int64_t limit, int64_t offset,
                   json_t **items, int64_t *total, cov_sum *sum, err *e);

#endif
