/* study_progress_api — the study-hours figures over HTTP (issue 16):
 *   GET /api/study/progress?year=[&org_id=|&district=|&park=][&by=district|org]
 *       (study.read) the unit's members, how many reached their hours, the
 *       share, the minutes by category, and the ranking of its parts (the
 *       districts of the city, or the organizations with members) as items,
 *       best share first; each figure drills to its members; ?format=xlsx the
 *       ranking as a workbook (audited)
 *   GET /api/study/progress/members?year=[&org_id=[&own=1]|&district=|&park=][&reached=0|1]
 *       (study.read) the members behind a figure, with their hours and what
 *       is left; ?sort=-minutes ranks them; ?format=xlsx (audited)
 *   GET /api/me/study/progress?year= (study.learn) my hours, what is left,
 *       by category, and every credit behind the total with its source.
 * The unit defaults to the caller's scope; every unit is checked against it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "http/http.h"
#include "study/study_progress.h"
#include "study/study_progress_store.h"

static const char *sp_q(http_req *r, const char *name) {
    const char *v = http_query(r, name);
    return v && *v ? v : NULL;
}

static st sp_year(http_req *r, int *year, err *e) {
    char today[11];
    clock_day(clock_now(), today);
    int64_t y = 0;
    st s = http_query_int(r, "year", atoi(today), 1990, 9999, &y, e);
    *year = (int)y;
    return s;
}

static st sp_unit(http_req *r, study_unit *u, err *e) {
    memset(u, 0, sizeof *u);
    int64_t org = 0;
    st s = http_query_int(r, "org_id", 0, 0, INT64_MAX, &org, e);
    if (s) return s;
    const char *d = sp_q(r, "district"), *p = sp_q(r, "park");
    if (org) {
        u->kind = "org";
        u->org_id = org;
    } else if (d) {
        u->kind = "district";
        u->code = d;
    } else if (p) {
        u->kind = "park";
        u->code = p;
    } else if (sp_q(r, "city")) {
        uc *c = http_uc(r);
        if (c->who.scope_kind && strcmp(c->who.scope_kind, "city"))
            return err_set(e, ST_FORBIDDEN, "全市的学时完成情况只对市级管理人员开放，请查看本区或本组织的情况。");
        u->kind = "city";
    } else
        return study_progress_store_unit_of(http_uc(r), u, e);
    return ST_OK;
}

static st h_figures(http_req *r, err *e) {
    int year;
    study_unit u;
    st s = sp_year(r, &year, e);
    if (!s) s = sp_unit(r, &u, e);
    const char *by = sp_q(r, "by");
    if (!by) by = !strcmp(u.kind ? u.kind : "", "city") ? "district" : "org";
    if (!s && strcmp(by, "district") && strcmp(by, "org"))
        s = err_field(e, ST_INVALID, "by", "排名方式 by 应为 district（按区）或 org（按党组织）。");
    if (!s && !strcmp(by, "district") && strcmp(u.kind, "city"))
        s = err_field(e, ST_INVALID, "by", "按区排名只用于全市；区、园区和党组织请按党组织（by=org）排名。");
    json_t *f = NULL, *items = NULL;
    int64_t total = 0;
    if (!s) s = study_progress_store_figures(http_uc(r), &u, year, by, &f, e);
    if (!s) s = http_page_array(r, json_object_get(f, "rows"), "rank", &items, &total, e);
    if (s) return s;
    json_t *o = json_deep_copy(f);
    json_object_del(o, "rows");
    json_object_set_new(o, "items", items);
    json_object_set_new(o, "total", json_integer(total));
    return http_reply_json(r, 200, o);
}

static st h_members(http_req *r, err *e) {
    int year;
    study_unit u;
    int64_t reached = -1, own = 0;
    st s = sp_year(r, &year, e);
    if (!s) s = sp_unit(r, &u, e);
    if (!s) s = http_query_int(r, "reached", -1, -1, 1, &reached, e);
    if (!s) s = http_query_int(r, "own", 0, 0, 1, &own, e);
    if (!s && own && strcmp(u.kind, "org")) s = err_field(e, ST_INVALID, "own", "只看本组织党员（own=1）须同时指定党组织 org_id。");
    http_page pg;
    const char *order = NULL;
    if (!s) s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "name", "q.person_id", &order, e);
    json_t *items = NULL;
    int64_t total = 0;
    uc_page up = {pg.size, pg.offset, order};
    if (!s) s = study_progress_store_members(http_uc(r), &u, own == 1, year, (int)reached, &up, &items, &total, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:O,s:I,s:I,s:I,s:i}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size, "year", year));
}

static st h_me(http_req *r, err *e) {
    int year;
    json_t *o = NULL;
    st s = sp_year(r, &year, e);
    if (!s) s = study_progress_store_me(http_uc(r), year, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, json_incref(o));
}

static const http_sort_key sp_sort[] = {{"rank", "rank"},       {"name", "name", true}, {"members", "members"},
                                        {"reached", "reached"}, {"share_bp", "share_bp"}, {"minutes", "minutes"},
                                        {NULL, NULL}};
static const http_sort_key sp_member_sort[] = {{"name", "q.name_key", true, true}, {"minutes", "q.minutes"}, {"org_name", "q.org_name", true},
                                               {NULL, NULL}};
#define SP_EXPORT "学时完成情况|rank:名次|name:名称|members:党员人数|reached:已达标人数|not_reached:未达标人数|share:达标率|hours:学时合计"
#define SP_MEMBER_EXPORT                                                                                                   \
    "党员学时|name:姓名|org_name:所在党组织|hours:本年学时|required_minutes:应完成（分钟）|left_minutes:尚差（分钟）|" \
    "lead:书记或委员:bool|reached:已达标:bool"

const http_route study_progress_routes[] = {
    {"GET", "/api/study/progress", "study.read", h_figures, HB_NONE,
     "学时完成情况：党员人数、达标人数与比例、按类别的学时，以及各区或各党组织的达标排名（每个数字可查到背后的党员）", "study",
     "org:?org_id region:?district region:?park", SP_EXPORT, sp_sort},
    {"GET", "/api/study/progress/members", "study.read", h_members, HB_NONE,
     "学时完成情况背后的党员：每人本年学时、应完成学时和尚差学时（可只看未达标的）", "study",
     "org:?org_id region:?district region:?park", SP_MEMBER_EXPORT, sp_member_sort},
    {"GET", "/api/me/study/progress", "study.learn", h_me, HB_NONE, "我的学时：本年已完成、应完成、尚差，按类别，以及每一笔学时的来源",
     "study", NULL},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
