/* stars_store — star ratings (星级评定) and benefits (权益) in the database
 * (migration 0071; issue 18).  All of the module's SQL; the figures come from
 * the owning modules' stores (meetings' compliance, points, development,
 * dues), never their SQL.
 *
 * A rating is one period's snapshot (as the responsibility assessment's,
 * assess_store.h): opened and computed by the city (star.open), computed
 * again while nothing is confirmed (star.recompute), confirmed by the level
 * above each organization — the city, or the district or park it lies in —
 * for the rows in its scope (star.confirm; the rating is confirmed when every
 * row is), published by the city (star.publish).  A published period never
 * changes: later data do not touch it. */
#ifndef EJIA_STARS_STARS_STORE_H
#define EJIA_STARS_STARS_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "auth/scope.h"
#include "base/uc.h"
#include "core/err.h"
#include "stars/stars.h"

/* Open the rating of period (star-period's kind: "2025", "2025-Q3") and
 * compute it (a draft); the city only.  Refused: a period not of the kind
 * set, one starting after today, one that has a rating already. */
st stars_store_open(uc *c, const char *period, const char *note, int64_t *id, err *e);
/* Compute a draft again from today's data and settings (the city; refused
 * once any row is confirmed). */
st stars_store_recompute(uc *c, int64_t id, err *e);
/* Confirm the proposed stars of the rows in the caller's scope (*n of them);
 * the rating becomes confirmed when no row is left. */
st stars_store_confirm(uc *c, int64_t id, int64_t *n, err *e);
/* confirmed → published (the city). */
st stars_store_publish(uc *c, int64_t id, err *e);

/* The ratings the caller may see, newest first (the offices: all; the
 * others: published ones). */
st stars_store_list(uc *c, json_t **items, err *e);
/* One rating: its criteria and thresholds as computed and the rows of the
 * caller's scope ({…, criteria, thresholds, rows:[{org_id, org_name,
 * district_code, park_code, has_total, total, stars, confirmed, figures:[…]}]});
 * ST_NOT_FOUND for one not published to a caller below the offices. */
st stars_store_get(uc *c, int64_t id, json_t **out, err *e);
/* The same rows flattened for a list and its workbook. */
st stars_store_rows(uc *c, int64_t id, json_t **items, err *e);
/* One organization's published stars, newest first, with the figures
 * behind each ({org_id, level, period, history:[…]}); the route checks scope. */
st stars_store_org(uc *c, int64_t org_id, json_t **out, err *e);

/* For other modules (the investor's page, the centers' booking priority):
 * an organization's current star level — that of the latest published
 * rating with a row for it — and that rating's period (period may be NULL;
 * else at least 16 bytes).  *level 0 and period "" when it has none; no
 * scope check (the caller's route did it). */
st stars_store_org_level(uc *c, int64_t org_id, int *level, char *period, err *e);

/* ---- benefits (权益) ---- */

typedef struct stars_benefit {
    const char *name, *kind, *provider, *description;
    int quota;
    const char *period_kind;   /* year | quarter | month */
    const char *applicants;    /* org | member | both */
    bool active;
} stars_benefit;
/* Add (id 0) or change a benefit of the catalogue (benefit.add / benefit.edit; the city). */
st stars_store_benefit_save(uc *c, int64_t id, const stars_benefit *b, int64_t *out_id, err *e);
/* The catalogue (inactive ones to the city only), each with the current
 * period and the number of applications in it. */
st stars_store_benefits(uc *c, json_t **items, err *e);
st stars_store_benefit_get(uc *c, int64_t id, json_t **out, err *e);

/* Apply for a benefit's current period (benefit.apply): for organization
 * org_id (org_admin, secretary: in their scope) or, org_id 0, for the
 * member themself.  One live application per applicant and period. */
st stars_store_apply(uc *c, int64_t benefit_id, int64_t org_id, const char *note, int64_t *id, err *e);
/* Withdraw one's application before the period's allocation (benefit.withdraw). */
st stars_store_withdraw(uc *c, int64_t app_id, err *e);
/* The applications of a benefit (period NULL = current) in the caller's
 * scope, with their place in the latest allocation when there is one. */
st stars_store_apps(uc *c, int64_t benefit_id, const char *period, json_t **items, err *e);
/* The caller's own applications (a member's, an organization's) with their places. */
st stars_store_my_apps(uc *c, json_t **items, err *e);

/* Allocate a benefit's places for period (NULL = current) (benefit.allocate;
 * the city): the live applications ordered by benefit-order (stars, points,
 * time), then by the application's id; each applicant's stars (the latest
 * published), points (the period's year to the day) and time kept with the
 * rank and whether within the quota. */
st stars_store_allocate(uc *c, int64_t benefit_id, const char *period, int64_t *alloc_id, err *e);
/* The latest allocation of a benefit and period with the rows of the
 * caller's scope and each one's reason ({…, rows:[…]}); ST_NOT_FOUND when none. */
st stars_store_allocation(uc *c, int64_t benefit_id, const char *period, json_t **out, err *e);

extern const scope_resolver stars_scope_resolvers[];

#endif
