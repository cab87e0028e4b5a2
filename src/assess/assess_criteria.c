/* assess_criteria — the criteria of the responsibility assessment and where
 * each figure comes from (assess.h).  Every provider calls the store of the
 * module that owns the figure — coverage, the meetings' compliance, the due
 * development steps, the study progress, the dues reports — as the caller
 * (the city office), never their SQL; each link names the existing page that
 * lists the records behind a figure, filtered to the unit and the period.
 *
 * A criterion without a figure for a unit (none due, no data) does not
 * count for it: the weights are renormalised over the criteria that do. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "assess/assess.h"
#include "core/config.h"
#include "coverage/coverage.h"
#include "develop/develop_store.h"
#include "dues/dues_report_store.h"
#include "meeting/meeting_store.h"
#include "points/points_store.h"
#include "study/study_progress_store.h"

static const char *ac_unit_q(uc *c, const assess_unit *u) { return arena_printf(c->mem, "%s=%s", u->kind, u->code); }

/* ---- 组织覆盖率: enterprises of the register covered by an organization on the day (coverage/) ---- */

static st ac_coverage_fill(uc *c, const assess_period *p, const assess_unit *units, size_t n, assess_fig *out, err *e) {
    for (int pass = 0; pass < 2; pass++) {
        const char *kind = pass ? "park" : "district";
        coverage_row *rows = NULL;
        size_t nr = 0;
        st s = coverage_store_figures(c, p->as_of, pass ? COVERAGE_PARK : COVERAGE_DISTRICT, &rows, &nr, e);
        if (s) return s;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(units[i].kind, kind)) continue;
            out[i].reason = "截至该日没有在册企业";
            for (size_t j = 0; j < nr; j++)
                if (rows[j].key && !strcmp(rows[j].key, units[i].code) && rows[j].enterprises > 0)
                    out[i] = (assess_fig){true, rows[j].covered, rows[j].enterprises, NULL};
        }
    }
    return ST_OK;
}

static const char *ac_coverage_link(uc *c, const assess_period *p, const assess_unit *u) {
    return arena_printf(c->mem, "/coverage?%s&date=%s", ac_unit_q(c, u), p->as_of);
}

/* ---- 组织生活按期率: meetings due in the year held on time (meeting_store_compliance) ---- */

static st ac_life_fill(uc *c, const assess_period *p, const assess_unit *units, size_t n, assess_fig *out, err *e) {
    meeting_period mp;
    if (!meeting_period_parse(p->code, &mp)) return err_set(e, ST_INVALID, "考核年度 %s 无效。", p->code);
    for (int pass = 0; pass < 2; pass++) {
        const char *kind = pass ? "park" : "district";
        json_t *rows = NULL;
        st s = meeting_store_compliance(c, &mp, kind, NULL, NULL, &rows, e);
        if (s) return s;
        arena_json(c->mem, rows);
        for (size_t i = 0; i < n; i++) {
            if (strcmp(units[i].kind, kind)) continue;
            out[i].reason = "当年没有到期应开的组织生活";
            size_t j;
            json_t *r;
            json_array_foreach(rows, j, r) {
                const char *code = json_string_value(json_object_get(r, "code"));
                int64_t due = json_integer_value(json_object_get(r, "due"));
                if (code && !strcmp(code, units[i].code) && due > 0)
                    out[i] = (assess_fig){true, json_integer_value(json_object_get(r, "on_time")), due, NULL};
            }
        }
    }
    return ST_OK;
}

static const char *ac_life_link(uc *c, const assess_period *p, const assess_unit *u) {
    return arena_printf(c->mem, "/meetings/compliance?by=org&period=%s&%s", p->code, ac_unit_q(c, u));
}

/* ---- 发展党员按期率: of the development steps with a deadline open on the day, those not past it (develop_store_due) ---- */

static st ac_develop_count(uc *c, const assess_period *p, const assess_unit *u, int within, int64_t *total, err *e) {
    develop_filter f = {0};
    if (!strcmp(u->kind, "park")) f.park = u->code;
    else f.district = u->code;
    f.as_of = p->as_of;
    f.within = within;
    uc_page pg = {1, 0, NULL};
    json_t *items = NULL;
    st s = develop_store_due(c, &f, &pg, &items, total, e);
    json_decref(items);
    return s;
}

static st ac_develop_fill(uc *c, const assess_period *p, const assess_unit *units, size_t n, assess_fig *out, err *e) {
    for (size_t i = 0; i < n; i++) {
        int64_t all = 0, late = 0;
        /* every open step with a deadline (within a century), then those whose deadline passed before the day */
        st s = ac_develop_count(c, p, &units[i], 36500, &all, e);
        if (!s) s = ac_develop_count(c, p, &units[i], -1, &late, e);
        if (s) return s;
        if (all > 0) out[i] = (assess_fig){true, all - late, all, NULL};
        else out[i].reason = "截至该日没有在途的发展步骤";
    }
    return ST_OK;
}

static const char *ac_develop_link(uc *c, const assess_period *p, const assess_unit *u) {
    return arena_printf(c->mem, "/develop/due?as_of=%s&within=0&%s", p->as_of, ac_unit_q(c, u));
}

/* ---- 学时达标率: members who reached the year's study hours (study_progress_store_figures) ---- */

static st ac_study_fill(uc *c, const assess_period *p, const assess_unit *units, size_t n, assess_fig *out, err *e) {
    /* a year in which nobody in the city was credited a minute: the study records were not kept yet */
    study_unit city = {"city", NULL, 0};
    json_t *cf = NULL;
    st s0 = study_progress_store_figures(c, &city, p->year, NULL, &cf, e);
    if (s0) return s0;   /* cf and f below belong to the use case's arena already (study_progress_store.c) */
    if (json_integer_value(json_object_get(cf, "minutes")) <= 0) {
        for (size_t i = 0; i < n; i++) out[i].reason = "当年全市没有学时记录（学习模块尚未使用），本项不计分";
        return ST_OK;
    }
    for (size_t i = 0; i < n; i++) {
        study_unit su = {units[i].kind, units[i].code, 0};
        json_t *f = NULL;
        st s = study_progress_store_figures(c, &su, p->year, NULL, &f, e);
        if (s) return s;
        int64_t members = json_integer_value(json_object_get(f, "members"));
        if (members > 0) out[i] = (assess_fig){true, json_integer_value(json_object_get(f, "reached")), members, NULL};
        else out[i].reason = "没有计入学时统计的党员";
    }
    return ST_OK;
}

static const char *ac_study_link(uc *c, const assess_period *p, const assess_unit *u) {
    return arena_printf(c->mem, "/study/progress/members?year=%d&reached=0&%s", p->year, ac_unit_q(c, u));
}

/* ---- 党费收缴率: of the dues on the year's sheets, the share paid (dues_report_store_report; kept by district) ---- */

static st ac_dues_fill(uc *c, const assess_period *p, const assess_unit *units, size_t n, assess_fig *out, err *e) {
    dues_period dp;
    st s = dues_period_parse(p->code, &dp, e);
    json_t *items = NULL, *sum = NULL;
    int64_t total = 0;
    dues_report_filter f = {0};
    uc_page pg = {100000, 0, NULL};
    if (!s) s = dues_report_store_report(c, &dp, "district", &f, &pg, &items, &total, &sum, e);
    if (s) return s;   /* items and sum belong to the use case's arena already (dues_report_store.h) */
    for (size_t i = 0; i < n; i++) {
        if (strcmp(units[i].kind, "district")) {
            out[i].reason = "党费收缴按党组织和区汇总，园区不单独统计";
            continue;
        }
        out[i].reason = "当年没有应缴党费的党费表";
        size_t j;
        json_t *r;
        json_array_foreach(items, j, r) {
            const char *code = json_string_value(json_object_get(r, "district_code"));
            int64_t due = json_integer_value(json_object_get(r, "due_fen"));
            if (code && !strcmp(code, units[i].code) && due > 0) {
                int64_t paid = json_integer_value(json_object_get(r, "paid_fen"));
                out[i] = (assess_fig){true, paid < due ? paid : due, due, NULL};
            }
        }
    }
    return ST_OK;
}

static const char *ac_dues_link(uc *c, const assess_period *p, const assess_unit *u) {
    if (strcmp(u->kind, "district")) return NULL;
    return arena_printf(c->mem, "/dues/reports/sheets?period=%s&district=%s", p->code, u->code);
}

/* ---- 积分: the organizations' own points of the year to the as-of day (points/) against a base of
 * assess-points-per-org for each organization that owes meetings (the same rows ac_life_fill reads) ---- */
static st assess_points_fill(uc *c, const assess_period *p, const assess_unit *units, size_t n, assess_fig *out, err *e) {
    meeting_period mp;
    if (!meeting_period_parse(p->code, &mp)) return err_set(e, ST_INVALID, "考核年度 %s 无效。", p->code);
    int64_t per = cfg_int("assess-points-per-org");
    for (int pass = 0; pass < 2; pass++) {
        const char *kind = pass ? "park" : "district";
        json_t *rows = NULL;
        st s = meeting_store_compliance(c, &mp, kind, NULL, NULL, &rows, e);
        if (s) return s;
        arena_json(c->mem, rows);
        for (size_t i = 0; i < n; i++) {
            if (strcmp(units[i].kind, kind)) continue;
            out[i].reason = "当年没有应开组织生活的党组织";
            int64_t orgs = 0;
            size_t j;
            json_t *r;
            json_array_foreach(rows, j, r) {
                const char *code = json_string_value(json_object_get(r, "code"));
                if (code && !strcmp(code, units[i].code)) orgs = json_integer_value(json_object_get(r, "orgs"));
            }
            if (orgs <= 0) continue;
            int64_t total = 0;
            if ((s = points_store_unit_total(c, kind, units[i].code, p->from, p->as_of, false, &total, e))) return s;
            int64_t den = orgs * per * 100;   /* hundredths, as the ledger's totals */
            out[i] = (assess_fig){true, total < 0 ? 0 : total > den ? den : total, den, NULL};
        }
    }
    return ST_OK;
}

static const char *assess_points_link(uc *c, const assess_period *p, const assess_unit *u) {
    return arena_printf(c->mem, "/points?tab=ranking&period=%s&%s", p->code, ac_unit_q(c, u));
}

const assess_criterion assess_criteria[] = {
    {"coverage", "组织覆盖率", "在册企业中已建立党组织的比例（截至考核截止日）", "覆盖情况企业名单", "count", ac_coverage_fill, ac_coverage_link},
    {"life", "组织生活按期率", "当年到期应开的组织生活中按期召开的比例", "各党组织的组织生活完成情况", "count", ac_life_fill, ac_life_link},
    {"develop", "发展党员按期率", "截止日在途且有期限的发展步骤中未逾期的比例", "逾期和到期的发展步骤", "count", ac_develop_fill,
     ac_develop_link},
    {"study", "学时达标率", "党员中当年学时已达标的比例", "学时未达标的党员", "count", ac_study_fill, ac_study_link},
    {"dues", "党费收缴率", "当年党费表应缴金额中已缴的比例", "当年的党费表", "fen", ac_dues_fill, ac_dues_link},
    {"points", "积分", "党组织本年积分（相对每个应开组织生活的党组织的基准分）", "积分排名", "count", assess_points_fill, assess_points_link},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL},
};
