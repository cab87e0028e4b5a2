/* stars — star ratings (星级评定) of organizations and the allocation of the
 * benefits (权益) they bring (issue 18): the pure rules (no SQL, no HTTP).
 *
 * A rating follows the responsibility assessment's design (assess/assess.h)
 * and shares its arithmetic: each criterion's figure is a share (num of den)
 * scored 0–100 linearly between a floor and a target, the total is the
 * weighted mean over the criteria that have a figure (assess_score,
 * assess_total).  Its criteria are the organization's own: points, the
 * organizational life on time, development steps on time, dues collected
 * (and coverage, which is kept by district and park only: not available for
 * one organization, so it neither adds nor takes away).  The settings:
 * star-weight-<key>, star-floor-<key>, star-target-<key>.
 *
 * Stars from the total: the thresholds star-min-2 … star-min-5 (points,
 * 0–100, ascending): the most stars whose threshold the total reaches, at
 * least one; equal totals get equal stars whatever their order. */
#ifndef EJIA_STARS_STARS_H
#define EJIA_STARS_STARS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "assess/assess.h"
#include "core/err.h"

enum { STARS_MAX = 5, STARS_KEYS = 3 };

/* A criterion of the rating. */
typedef struct stars_criterion {
    const char *key;          /* "points" …: the settings star-weight-<key>, star-floor-<key>, star-target-<key> */
    const char *name, *figure, *unit;
} stars_criterion;
/* The criteria, in the order shown; NULL-terminated. */
extern const stars_criterion stars_criteria[];
size_t stars_criteria_count(void);

/* Every criterion's rule from the settings (rules[stars_criteria_count()])
 * and the thresholds min[2..5] (min[0], min[1] = 0); ST_INVALID naming the
 * setting when a floor is not below its target or the thresholds do not
 * ascend. */
st stars_rules_load(assess_rule *rules, int min[STARS_MAX + 1], err *e);

/* The stars of a total (hundredths of a point) under thresholds min (points):
 * 1..5. */
int stars_of(int total, const int min[STARS_MAX + 1]);

/* The period kind of ratings as set (star-period: "year" or "quarter") and
 * whether code is a period of that kind ("2025", "2025-Q3"). */
bool stars_period_ok(const char *kind, const char *code);

/* ---- the allocation of a benefit's places ---- */

/* The order's keys: stars (more first), points (more first), time (earlier first). */
typedef enum { STARS_KEY_STARS, STARS_KEY_POINTS, STARS_KEY_TIME } stars_key;
/* Parse the setting benefit-order ("stars,points,time": each key once, in
 * the order they decide); ST_INVALID naming the setting otherwise. */
st stars_order_parse(const char *text, stars_key keys[STARS_KEYS], err *e);

typedef struct stars_applicant {
    int64_t id;               /* the application: the last key, unique (the order of arrival) */
    int stars;
    int64_t points;           /* hundredths */
    int64_t applied_at;       /* epoch seconds */
    int rank;                 /* out: 1.. */
    bool within;              /* out: rank <= quota */
} stars_applicant;
/* Order a[0..n) by keys, then the application's id (two applications in the
 * same second: the one stored first), and set each one's rank and whether
 * it is within quota. */
void stars_allocate(stars_applicant *a, size_t n, const stars_key keys[STARS_KEYS], int quota);

/* The states of a rating: 草稿 draft → 已确认 confirmed → 已发布 published. */
const char *stars_state_name(const char *state);

#endif
