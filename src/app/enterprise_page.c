/* enterprise_page — 本企业 (issue 19): one route with everything the
 * investor's page shows for one enterprise, read from the stores that own
 * each part (no SQL here): the enterprise, the organizations covering it and
 * its coverage as of today (coverage_store_enterprise), each covering
 * organization's points this year and its current star level
 * (points_store_unit_total, stars_store_org_level), its content pre-review
 * figures as the offices see them (review_store_figures, its own row), and
 * whether the caller may apply to join the party from the page
 * (develop.apply: the page links to 我要入党, /develop/apply).
 *
 * GET /api/enterprises/{id}/page, enterprise.read, scope enterprise:{id}:
 * the investor reaches their own enterprise, an office the ones in its scope.
 * It sits in app/ because it reads modules that read each other (the stars
 * read the assessment, which reads coverage). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "base/clock.h"
#include "coverage/coverage.h"
#include "http/http.h"
#include "points/points_store.h"
#include "review/review_store.h"
#include "stars/stars_store.h"

/* Held on day: from_day <= day < to_day (NULL: open). */
static bool ep_on(json_t *x, const char *day) {
    const char *f = json_string_value(json_object_get(x, "from_day")), *t = json_string_value(json_object_get(x, "to_day"));
    return f && strcmp(f, day) <= 0 && (!t || strcmp(t, day) > 0);
}

/* The covering organizations of today, each with its points this year (with
 * its members', hundredths) and its current star level. */
static st ep_orgs(uc *c, json_t *covers, const char *today, json_t **out, err *e) {
    json_t *orgs = json_array();
    char from[11];
    snprintf(from, sizeof from, "%.4s-01-01", today);
    size_t i;
    json_t *x;
    st s = ST_OK;
    json_array_foreach(covers, i, x) {
        if (!ep_on(x, today)) continue;
        int64_t org = json_integer_value(json_object_get(x, "org_id"));
        int64_t points = 0;
        int level = 0;
        char period[32] = "", unit[24];
        snprintf(unit, sizeof unit, "%lld", (long long)org);
        if ((s = points_store_unit_total(c, "org", unit, from, today, true, &points, e))) break;
        if ((s = stars_store_org_level(c, org, &level, period, e))) break;
        json_array_append_new(orgs, json_pack("{s:I,s:O,s:O,s:O,s:O,s:I,s:s,s:s,s:i,s:s?}", "org_id", (json_int_t)org, "org_name",
                                              json_object_get(x, "org_name"), "org_kind", json_object_get(x, "org_kind"), "joint",
                                              json_object_get(x, "joint"), "from_day", json_object_get(x, "from_day"),
                                              "points_hundredths", (json_int_t)points, "points_from", from, "points_to", today,
                                              "star_level", level, "star_period", period[0] ? period : NULL));
    }
    if (s) {
        json_decref(orgs);
        return s;
    }
    *out = orgs;
    return ST_OK;
}

/* The enterprise's row of the pre-review figures (zeros when it has no items). */
static st ep_review(uc *c, int64_t id, json_t **out, err *e) {
    json_t *fig = NULL;   /* the use case's arena holds it (review_store.h) */
    st s = review_store_figures(c, "enterprise", NULL, NULL, &fig, e);
    if (s) return s;
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    size_t i;
    json_t *x, *row = NULL;
    json_array_foreach(json_object_get(fig, "items"), i, x) {
        const char *k = json_string_value(json_object_get(x, "key"));
        if (k && !strcmp(k, key)) row = x;
    }
    *out = row ? json_deep_copy(row)
               : json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:n,s:n,s:n}", "key", key, "items", (json_int_t)0, "open", (json_int_t)0,
                           "overdue", (json_int_t)0, "decided", (json_int_t)0, "pass", (json_int_t)0, "pass_changes", (json_int_t)0,
                           "reject", (json_int_t)0, "withdrawn", (json_int_t)0, "median_days", "p90_days", "reject_rate");
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

static st h_enterprise_page(http_req *r, err *e) {
    uc *c = http_uc(r);
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (s) return s;
    char today[11];
    clock_day(clock_now(), today);
    json_t *ent = NULL, *orgs = NULL, *review = NULL;
    s = coverage_store_enterprise(c, id, &ent, e);
    if (!s) s = ep_orgs(c, json_object_get(ent, "covers"), today, &orgs, e);
    if (!s) s = ep_review(c, id, &review, e);
    if (s) {
        json_decref(ent);
        json_decref(orgs);
        json_decref(review);
        return s;
    }
    bool covered = json_array_size(orgs) > 0, instructor = false;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(ent, "instructors"), i, x) instructor |= ep_on(x, today);
    json_t *out = json_pack("{s:o,s:s,s:{s:b,s:b,s:b},s:o,s:o,s:{s:b,s:s}}", "enterprise", ent, "as_of", today, "coverage", "covered",
                            covered, "instructor", instructor, "work", covered || instructor, "orgs", orgs, "review", review, "apply",
                            "allowed", auth_has(r, "develop.apply"), "path", "/develop/apply");
    if (!out) return err_set(e, ST_NOMEM, "内存不足。");
    return http_reply_json(r, 200, out);
}

const http_route enterprise_page_routes[] = {
    {"GET", "/api/enterprises/{id}/page", "enterprise.read", h_enterprise_page, HB_NONE,
     "本企业页（出资人）：企业、党组织、今日覆盖、积分与星级、内容预审数字、申请入党", "coverage", "enterprise:{id}"},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
