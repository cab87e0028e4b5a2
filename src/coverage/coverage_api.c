/* coverage_api — the routes of coverage: parse the query, call the store
 * (coverage_store.c), reply.  No SQL here.
 *
 *   GET /api/coverage                    figures as of a day, for the scope or by district, park, street, category
 *   GET /api/coverage/trend              the same at the end of every 旬 (or month) between two days
 *   GET /api/coverage/enterprises        the enterprises behind a figure (a list: sort keys, xlsx export)
 *   GET /api/enterprises/{id}/coverage   one enterprise's covers, instructors and events
 *   GET /api/asof                        the default as-of day of every page (coverage_asof_rule)
 *
 * Every figure is the caller's scope's: the store binds it from the
 * use-case context. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "coverage/coverage.h"
#include "http/http.h"
#include "org/org_store.h"

static const char *cova_q(http_req *r, const char *name) {
    const char *v = http_query(r, name);
    return v && *v ? v : NULL;
}

static st h_coverage(http_req *r, err *e) {
    char day[11];
    coverage_by by;
    st s = org_day_arg(http_query(r, "date"), "date", day, e);
    if (!s) s = coverage_by_parse(cova_q(r, "by"), &by, e);
    coverage_row *rows = NULL;
    size_t n = 0;
    if (!s) s = coverage_store_figures(http_uc(r), day, by, &rows, &n, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:s,s:s,s:o}", "date", day, "by", coverage_by_name(by), "rows",
                                             coverage_rows_json(rows, n)));
}

/* One point of the trend for the whole scope: its one row from the series. */
static json_t *cova_city_point(const coverage_point *p, const char *name, int64_t n, int64_t covered, int64_t work) {
    coverage_row row = {NULL, name, n, covered, work};
    return json_pack("{s:s,s:s,s:[o]}", "date", p->day, "period", p->period, "rows", coverage_row_json(&row));
}

static st cova_trend_points(http_req *r, coverage_by by, const coverage_point *pts, size_t np, json_t *points, err *e) {
    uc *c = http_uc(r);
    if (by == COVERAGE_CITY) { /* one pass over the intervals for every day (the dashboard's trend) */
        const char *dp[COVERAGE_TREND_MAX];
        int64_t n[COVERAGE_TREND_MAX], cv[COVERAGE_TREND_MAX], wk[COVERAGE_TREND_MAX];
        for (size_t i = 0; i < np; i++) dp[i] = pts[i].day;
        st s = coverage_store_city_series(c, dp, np, n, cv, wk, e);
        if (s) return s;
        const char *name = org_store_scope_name(c);
        for (size_t i = 0; i < np; i++) json_array_append_new(points, cova_city_point(&pts[i], name, n[i], cv[i], wk[i]));
        return ST_OK;
    }
    for (size_t i = 0; i < np; i++) {
        coverage_row *rows = NULL;
        size_t n = 0;
        st s = coverage_store_figures(c, pts[i].day, by, &rows, &n, e);
        if (s) return s;
        json_array_append_new(points, json_pack("{s:s,s:s,s:o}", "date", pts[i].day, "period", pts[i].period, "rows",
                                                coverage_rows_json(rows, n)));
    }
    return ST_OK;
}

static st h_coverage_trend(http_req *r, err *e) {
    char from[11], to[11];
    st s = org_day_arg(http_query(r, "to"), "to", to, e);
    if (s) return s;
    if (cova_q(r, "from")) s = org_day_arg(http_query(r, "from"), "from", from, e);
    else org_day_add(to, -180, from);
    if (s) return s;
    if (strcmp(from, to) > 0) return err_field(e, ST_INVALID, "from", "起始日期 from=%s 晚于截止日期 to=%s。", from, to);
    coverage_by by;
    if ((s = coverage_by_parse(cova_q(r, "by"), &by, e))) return s;
    const char *step = cova_q(r, "step");
    if (!step) step = "xun";
    if (strcmp(step, "xun") && strcmp(step, "month"))
        return err_field(e, ST_INVALID, "step", "step 应为 xun（每旬）或 month（每月）。");
    coverage_point *pts = arena_calloc(&r->mem, COVERAGE_TREND_MAX, sizeof *pts);
    json_t *points = arena_json(&r->mem, json_array());
    if (!pts || !points) return err_set(e, ST_NOMEM, "内存不足。");
    size_t np = coverage_trend_points(from, to, !strcmp(step, "month"), pts, COVERAGE_TREND_MAX);
    if ((s = cova_trend_points(r, by, pts, np, points, e))) return s;
    return http_reply_json(r, 200, json_pack("{s:s,s:s,s:s,s:s,s:O}", "from", from, "to", to, "by", coverage_by_name(by),
                                             "step", step, "points", points));
}

static st h_coverage_ents(http_req *r, err *e) {
    http_page pg;
    char day[11];
    coverage_by by;
    const char *order;
    st s = http_paging(r, &pg, e);
    if (!s) s = org_day_arg(http_query(r, "date"), "date", day, e);
    if (!s) s = coverage_by_parse(cova_q(r, "by"), &by, e);
    if (!s) s = http_order(r, "id", "q.id", &order, e);
    if (s) return s;
    coverage_filter f = {cova_q(r, "q"), cova_q(r, "district"), cova_q(r, "park"), cova_q(r, "street"), cova_q(r, "category")};
    uc_page page = {pg.size, pg.offset, order};
    json_t *items = NULL;
    int64_t total = 0;
    coverage_sum sum = {0};
    if ((s = coverage_store_enterprises(http_uc(r), day, by, cova_q(r, "key"), cova_q(r, "state"), &f, &page, &items, &total,
                                        &sum, e)))
        return s;
    /* an export names the district, park and street as the screen does (the screen maps the codes itself) */
    if (r->exporting) {
        json_t *names = NULL;
        if ((s = org_store_region_names(http_uc(r), &names, e))) {
            json_decref(items);
            return s;
        }
        static const char *const dims[][2] = {{"district_code", "district_name"}, {"park_code", "park_name"}, {"street_code", "street_name"}};
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it) for (size_t d = 0; d < 3; d++) {
            json_t *name = json_object_get(names, json_string_value(json_object_get(it, dims[d][0])) ? json_string_value(json_object_get(it, dims[d][0])) : "");
            json_object_set(it, dims[d][1], name ? name : json_null());
        }
        json_decref(names);
    }
    /* summary: the figures of everything the filters select (any state), so any
     * combination of district, park, street, industry and name has its rate */
    json_t *summary = json_pack("{s:I,s:I,s:f,s:I,s:f}", "enterprises", (json_int_t)sum.n, "covered", (json_int_t)sum.covered,
                                "rate", coverage_rate(sum.covered, sum.n), "work_covered", (json_int_t)sum.work, "work_rate",
                                coverage_rate(sum.work, sum.n));
    return http_reply_json(r, 200, json_pack("{s:s,s:o,s:I,s:I,s:I,s:o}", "date", day, "items", items, "total", (json_int_t)total,
                                             "page", (json_int_t)pg.page, "size", (json_int_t)pg.size, "summary", summary));
}

/* The default as-of day of every page (coverage_asof_rule), with the rule in words. */
static st h_asof(http_req *r, err *e) {
    char today[11], day[11];
    clock_day(clock_now(), today);
    st s = coverage_store_asof(http_uc(r), today, day, e);
    if (s) return s;
    const char *rule = !strcmp(day, today) ? "今天（近半年内有组织变动）" : "最近一次组织变动所在旬的最后一天（近半年内无变动）";
    return http_reply_json(r, 200, json_pack("{s:s,s:s,s:s}", "date", day, "today", today, "rule", rule));
}

/* The route's scope ("enterprise:{id}") has placed the enterprise in the caller's scope already. */
static st h_enterprise_coverage(http_req *r, err *e) {
    int64_t id;
    json_t *o = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = coverage_store_enterprise(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:o}", "enterprise", o));
}

/* 本企业: an investor's own enterprise, its organizations and its coverage
 * over time (the same record the offices see for it). */
static st h_me_enterprise(http_req *r, err *e) {
    uc *c = http_uc(r);
    if (!c->who.scope_kind || strcmp(c->who.scope_kind, "enterprise") != 0 || !c->who.scope_code)
        return err_set(e, ST_NOT_FOUND, "您的账号没有关联企业：“本企业”页面供出资人查看本企业的党组织和覆盖情况。");
    int64_t id = strtoll(c->who.scope_code, NULL, 10);
    json_t *o = NULL;
    st s = coverage_store_enterprise(c, id, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:o}", "enterprise", o));
}

static const http_sort_key cova_ent_sort[] = {
    {"id", "q.id"}, {"name", "q.name", true}, {"uscc", "q.uscc"}, {"district_code", "q.district_code"},
    {"park_code", "q.park_code"}, {"category", "q.category", true}, {"employees", "q.employees"}, {"members", "q.members"},
    {"covered", "q.covered"}, {"instructor", "q.instructor"}, {NULL, NULL}};
/* columns and labels from the dictionary (data/fields.json lists.coverage), as on the screen */
#define COVA_ENT_EXPORT "覆盖企业名单|#coverage"

const http_route coverage_routes[] = {
    {"GET", "/api/coverage", "coverage.read", h_coverage, HB_NONE, "覆盖率（按日期；全市、区、园区、街道、类别）", "coverage", NULL},
    {"GET", "/api/coverage/trend", "coverage.read", h_coverage_trend, HB_NONE, "覆盖率趋势（每旬或每月）", "coverage", NULL},
    {"GET", "/api/coverage/enterprises", "coverage.read", h_coverage_ents, HB_NONE,
     "覆盖数字背后的企业名单（by/key 或可组合的 district、park、street、category、q）", "coverage", NULL, COVA_ENT_EXPORT,
     cova_ent_sort},
    {"GET", "/api/enterprises/{id}/coverage", "coverage.read", h_enterprise_coverage, HB_NONE, "一家企业的覆盖历史", "coverage",
     "enterprise:{id}"},
    {"GET", "/api/asof", "org.read", h_asof, HB_NONE, "默认截至日期（全市最新数据之日，各页面共用）", "coverage", NULL},
    {"GET", "/api/me/enterprise", "enterprise.read", h_me_enterprise, HB_NONE, "本企业（出资人）：企业、党组织和覆盖历史", "coverage",
     NULL},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
