/* assess_store — the yearly responsibility assessments (责任考核) in the
 * database (migration 0065; issue 23).  All of the module's SQL is here;
 * the figures themselves come from the owning modules' stores through the
 * criteria's providers (assess_criteria.c).  Every write is one audited use
 * case: an assessment opened for a year and computed (assess.open), computed
 * again while a draft (assess.recompute), confirmed (assess.confirm),
 * published (assess.publish).  A confirmed or published year is a snapshot:
 * later changes to the data do not touch it.  The city sees every
 * assessment and row; a district or a park only published years and only
 * its own row. */
#ifndef EJIA_ASSESS_ASSESS_STORE_H
#define EJIA_ASSESS_ASSESS_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "assess/assess.h"
#include "auth/scope.h"
#include "base/uc.h"
#include "core/err.h"

/* Open the assessment of year and compute it (a draft).  Refused: a year
 * after this one or before 2000, a year that has one already, a floor not
 * below its target in the settings. */
st assess_store_open(uc *c, int year, const char *note, int64_t *id, err *e);
/* Compute a draft again from today's data and settings (refused once confirmed). */
st assess_store_recompute(uc *c, int64_t id, err *e);
/* draft → confirmed: the figures are fixed (refused otherwise). */
st assess_store_confirm(uc *c, int64_t id, err *e);
/* confirmed → published: the districts and parks see their rows. */
st assess_store_publish(uc *c, int64_t id, err *e);

/* The assessments the caller may see, newest year first:
 * [{id, year, state, state_name, as_of, computed_at, confirmed_at, published_at, units}]. */
st assess_store_list(uc *c, json_t **items, err *e);
/* One assessment with the criteria as computed and the caller's rows
 * ({…, criteria:[{key, name, figure, records, weight, floor, target}],
 * rows:[{unit_kind, unit_code, unit_name, district_code, has_total, total,
 * rank, figures:[{key, name, available, num, den, value, score, weight,
 * weight_used, reason, link}]}]}); ST_NOT_FOUND for a year not published
 * to a caller below the city. */
st assess_store_get(uc *c, int64_t id, json_t **out, err *e);
/* The caller's rows flattened for a list and its workbook: [{rank,
 * unit_name, kind_name, total, <key>: {value, score, weight, text}}]. */
st assess_store_rows(uc *c, int64_t id, json_t **items, err *e);

/* assessment: city-wide, every area office reads its own part of it. */
extern const scope_resolver assess_scope_resolvers[];

#endif
