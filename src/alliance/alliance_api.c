/* alliance_api — 党建联盟 over HTTP (issue 23): parse, call alliance_store,
 * reply.  No SQL here.
 *
 *   GET  /api/alliances?kind=&district=&park=&q=&state=     the alliances led inside my scope (xlsx export)
 *   POST /api/alliances                                     create (lead organization, members)
 *   GET  /api/alliances/map?day=                            per alliance: its members' enterprise ids (the city map)
 *   GET  /api/alliances/{id}?day=                           one alliance: members with dates, activities
 *   PUT  /api/alliances/{id}                                edit, or dissolve (dissolved_on)
 *   POST /api/alliances/{id}/members                        an organization joins
 *   POST /api/alliances/{id}/members/{member_id}/leave      a membership ends
 *   POST /api/alliances/{id}/activities                     a joint activity (联合活动)
 *   POST /api/alliance-activities/{id}/files                a photo or the minutes (multipart: kind, file)
 *   GET  /api/alliance-activities/{id}/files/{file_id}      one file (audited)
 *   GET  /api/orgs/{id}/alliances                           the alliances an organization leads or belongs to today
 * Permissions: org.read to read, org.write to write; joint activities and
 * their files: org.read at the route, and in the store org.write or
 * meeting.write (the lead organization's secretary or administrator).  An
 * alliance and its activities sit where the lead organization is. */
#include <stdlib.h>
#include <string.h>

#include "alliance/alliance_store.h"
#include "base/clock.h"
#include "core/jsonx.h"
#include "http/http.h"
#include "org/org.h"

static const char *aa_q(http_req *r, const char *name) {
    const char *v = http_query(r, name);
    return v && *v ? v : NULL;
}

static st aa_reply(http_req *r, int status, int64_t id, err *e) {
    char today[11];
    clock_day(clock_now(), today);
    json_t *o = NULL;
    st s = alliance_store_get(http_uc(r), id, today, &o, e);
    if (s) return s;
    return http_reply_json(r, status, json_incref(o));
}

/* An array of positive ids in field key (at most max). */
static st aa_ids(http_req *r, const char *key, bool required, size_t max, int64_t **out, size_t *n, err *e) {
    *out = NULL;
    *n = 0;
    json_t *a = json_object_get(r->json, key);
    if (!a || json_is_null(a)) return required ? err_field(e, ST_INVALID, key, "请填写 %s（编号的数组）。", key) : ST_OK;
    if (!json_is_array(a) || json_array_size(a) > max) return err_field(e, ST_INVALID, key, "%s 应为最多 %zu 个编号的数组。", key, max);
    int64_t *v = json_array_size(a) ? arena_alloc(&r->mem, json_array_size(a) * sizeof *v) : NULL;
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x) {
        if (!json_is_integer(x) || json_integer_value(x) <= 0) return err_field(e, ST_INVALID, key, "%s 第 %zu 项应为正整数编号。", key, i + 1);
        v[i] = json_integer_value(x);
    }
    *out = v;
    *n = json_array_size(a);
    return ST_OK;
}

static st h_list(http_req *r, err *e) {
    alliance_filter f = {aa_q(r, "kind"), aa_q(r, "district"), aa_q(r, "park"), aa_q(r, "q"), aa_q(r, "state")};
    st s = ST_OK;
    if (f.q && strlen(f.q) > 90) s = err_field(e, ST_INVALID, "q", "名称关键词 q 过长（最多 30 个字）。");
    json_t *all = NULL, *items = NULL;
    int64_t total = 0;
    if (!s) s = alliance_store_list(http_uc(r), &f, &all, e);
    if (!s) s = http_page_array(r, all, "name", &items, &total, e);
    if (s) return s;
    http_page pg;
    if ((s = http_paging(r, &pg, e))) {
        json_decref(items);
        return s;
    }
    char today[11];
    clock_day(clock_now(), today);
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I,s:s}", "items", items, "total", (json_int_t)total, "page", (json_int_t)pg.page, "size",
                                             (json_int_t)pg.size, "day", today));
}

static st h_create(http_req *r, err *e) {
    static const char *const only[] = {"name", "kind", "lead_org_id", "founded_on", "description", "members", NULL};
    alliance_new x = {0};
    int64_t id = 0;
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "name", true, 1, 200, &x.name, e);
    if (!s) s = jsonx_str(r->json, "kind", true, 1, 20, &x.kind, e);
    if (!s) s = jsonx_int(r->json, "lead_org_id", true, 1, INT64_MAX, 0, &x.lead_org_id, e);
    if (!s) s = jsonx_str(r->json, "founded_on", true, 1, 20, &x.founded_on, e);
    if (!s) s = jsonx_str(r->json, "description", false, 0, 3000, &x.description, e);
    /* members: [{"org_id": 12, "joined_on": "2026-03-01"}] (joined_on: the founding day when absent) */
    json_t *m = s ? NULL : json_object_get(r->json, "members");
    if (m && !json_is_null(m)) {
        if (!json_is_array(m) || json_array_size(m) > 200)
            s = err_field(e, ST_INVALID, "members", "members 应为最多 200 个成员组织的数组，每项含 org_id 和 joined_on（可省略，默认成立日期）。");
        alliance_member_new *v = !s && json_array_size(m) ? arena_alloc(&r->mem, json_array_size(m) * sizeof *v) : NULL;
        size_t i;
        json_t *it;
        json_array_foreach(m, i, it) {
            if (s) break;
            json_t *org = json_object_get(it, "org_id"), *day = json_object_get(it, "joined_on");
            if (!json_is_integer(org) || json_integer_value(org) <= 0 || (day && !json_is_null(day) && !json_is_string(day)))
                s = err_field(e, ST_INVALID, "members", "members 第 %zu 项应含 org_id（党组织编号）和可选的 joined_on（YYYY-MM-DD）。", i + 1);
            else
                v[i] = (alliance_member_new){json_integer_value(org), json_is_string(day) ? json_string_value(day) : NULL, NULL};
        }
        x.members = v;
        x.n = s ? 0 : json_array_size(m);
    }
    if (!s) s = alliance_store_create(http_uc(r), &x, &id, e);
    return s ? s : aa_reply(r, 201, id, e);
}

static st h_get(http_req *r, err *e) {
    int64_t id;
    char day[11];
    st s = http_param_int(r, "id", &id, e);
    if (!s && aa_q(r, "day")) s = org_day_arg(aa_q(r, "day"), "day", day, e);
    else clock_day(clock_now(), day);
    json_t *o = NULL;
    if (!s) s = alliance_store_get(http_uc(r), id, day, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, json_incref(o));
}

static st h_update(http_req *r, err *e) {
    static const char *const only[] = {"name", "kind", "description", "founded_on", "dissolved_on", NULL};
    int64_t id;
    alliance_edit x = {0};
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "name", false, 1, 200, &x.name, e);
    if (!s) s = jsonx_str(r->json, "kind", false, 1, 20, &x.kind, e);
    if (!s) s = jsonx_str(r->json, "description", false, 0, 3000, &x.description, e);
    if (!s) s = jsonx_str(r->json, "founded_on", false, 1, 20, &x.founded_on, e);
    if (!s) s = jsonx_str(r->json, "dissolved_on", false, 0, 20, &x.dissolved_on, e);
    if (!s) s = alliance_store_update(http_uc(r), id, &x, e);
    return s ? s : aa_reply(r, 200, id, e);
}

static st h_member_add(http_req *r, err *e) {
    static const char *const only[] = {"org_id", "joined_on", "note", NULL};
    int64_t id, mid = 0;
    alliance_member_new m = {0};
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_int(r->json, "org_id", true, 1, INT64_MAX, 0, &m.org_id, e);
    if (!s) s = jsonx_str(r->json, "joined_on", true, 1, 20, &m.joined_on, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 600, &m.note, e);
    if (!s) s = alliance_store_member_add(http_uc(r), id, &m, &mid, e);
    return s ? s : aa_reply(r, 201, id, e);
}

static st h_member_leave(http_req *r, err *e) {
    static const char *const only[] = {"left_on", "note", NULL};
    int64_t id, mid;
    const char *day = NULL, *note = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_param_int(r, "member_id", &mid, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "left_on", true, 1, 20, &day, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 600, &note, e);
    if (!s) s = alliance_store_member_leave(http_uc(r), id, mid, day, note, e);
    return s ? s : aa_reply(r, 200, id, e);
}

static st h_activity_add(http_req *r, err *e) {
    static const char *const only[] = {"day", "place", "topic", "content", "org_ids", "person_ids", "attendance", NULL};
    int64_t id, aid = 0;
    alliance_activity_new x = {0};
    int64_t *orgs = NULL, *people = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "day", true, 1, 20, &x.day, e);
    if (!s) s = jsonx_str(r->json, "place", true, 1, 200, &x.place, e);
    if (!s) s = jsonx_str(r->json, "topic", true, 1, 200, &x.topic, e);
    if (!s) s = jsonx_str(r->json, "content", false, 0, 15000, &x.content, e);
    if (!s) s = aa_ids(r, "org_ids", true, 200, &orgs, &x.n_orgs, e);
    if (!s) s = aa_ids(r, "person_ids", false, 2000, &people, &x.n_people, e);
    if (!s) s = jsonx_int(r->json, "attendance", false, 0, 100000, 0, &x.attendance, e);
    x.orgs = orgs;
    x.people = people;
    if (!s) s = alliance_store_activity_add(http_uc(r), id, &x, &aid, e);
    return s ? s : aa_reply(r, 201, id, e);
}

static st h_file_add(http_req *r, err *e) {
    int64_t id, fid = 0, alliance = 0;
    st s = http_param_int(r, "id", &id, e);
    const char *kind = s ? NULL : http_field(r, "kind");
    const http_upload *u = s ? NULL : http_upload_get(r, "file");
    if (!s && !u) s = err_field(e, ST_INVALID, "file", "请选择要上传的文件（表单字段 file：活动照片或纪要）。");
    if (!s) s = alliance_store_file_add(http_uc(r), id, kind && *kind ? kind : "photo", u->path, u->filename, &fid, e);
    if (!s) s = alliance_store_activity_alliance(http_uc(r), id, &alliance, e);
    return s ? s : aa_reply(r, 201, alliance, e);
}

static st h_file_get(http_req *r, err *e) {
    int64_t id, fid;
    const char *path, *mime, *name;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_param_int(r, "file_id", &fid, e);
    if (!s) s = alliance_store_file(http_uc(r), id, fid, &path, &mime, &name, e);
    if (s) return s;
    return http_reply_file(r, path, mime, name, e);
}

static st h_of_org(http_req *r, err *e) {
    int64_t id;
    char day[11];
    clock_day(clock_now(), day);
    json_t *items = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = alliance_store_of_org(http_uc(r), id, day, &items, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:O,s:s}", "items", items, "day", day));
}

static st h_map(http_req *r, err *e) {
    char day[11];
    st s = ST_OK;
    if (aa_q(r, "day")) s = org_day_arg(aa_q(r, "day"), "day", day, e);
    else clock_day(clock_now(), day);
    json_t *items = NULL;
    if (!s) s = alliance_store_map(http_uc(r), day, &items, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:O,s:s}", "items", items, "day", day));
}

static const http_sort_key aa_sort[] = {{"name", "name", true},         {"kind", "kind", true},       {"lead_name", "lead_name", true},
                                        {"district_name", "district_name", true}, {"founded_on", "founded_on"}, {"members", "members"},
                                        {"activities", "activities"},   {"last_activity", "last_activity"}, {"id", "id"},
                                        {NULL, NULL}};
#define AA_EXPORT                                                                                                           \
    "党建联盟|name:联盟名称|kind:类型|lead_name:牵头组织|district_name:所在区|park_name:园区|founded_on:成立日期|"          \
    "dissolved_on:解散日期|members:现有成员组织|activities:联合活动次数|last_activity:最近一次活动"

const http_route alliance_routes[] = {
    {"GET", "/api/alliances", "org.read", h_list, HB_NONE, "党建联盟列表：牵头组织在本范围内的联盟（按类型、区、园区筛选，可导出）", "alliance", NULL,
     AA_EXPORT, aa_sort},
    {"POST", "/api/alliances", "org.write", h_create, HB_JSON,
     "成立党建联盟：名称、类型、牵头组织（本范围内）、成员组织（本范围内，见联盟成员规则）", "alliance", "org:.lead_org_id"},
    {"GET", "/api/alliances/map", "org.read", h_map, HB_NONE, "城市地图用：本范围内各党建联盟及其成员组织覆盖的企业", "alliance", NULL},
    {"GET", "/api/alliances/{id}", "org.read", h_get, HB_NONE, "党建联盟：某日的成员组织、成员的加入与退出日期、联合活动", "alliance",
     "alliance:{id}"},
    {"PUT", "/api/alliances/{id}", "org.write", h_update, HB_JSON, "修改党建联盟（名称、类型、简介、成立日期），或登记解散", "alliance",
     "alliance:{id}"},
    {"POST", "/api/alliances/{id}/members", "org.write", h_member_add, HB_JSON,
     "党组织加入联盟（须在本范围内：范围外的由市委组织部或其所在区委组织部加入）", "alliance", "alliance:{id}"},
    {"POST", "/api/alliances/{id}/members/{member_id}/leave", "org.write", h_member_leave, HB_JSON, "成员组织退出联盟", "alliance",
     "alliance:{id}"},
    {"POST", "/api/alliances/{id}/activities", "org.read", h_activity_add, HB_JSON,
     "登记联盟联合活动（维护党组织权限，或牵头组织的书记、组织管理员）", "alliance", "alliance:{id}"},
    {"POST", "/api/alliance-activities/{id}/files", "org.read", h_file_add, HB_MULTIPART, "上传联合活动的照片或纪要", "alliance",
     "alliance_activity:{id}"},
    {"GET", "/api/alliance-activities/{id}/files/{file_id}", "org.read", h_file_get, HB_NONE, "查看联合活动的照片或纪要（记入审计）", "alliance",
     "alliance_activity:{id}", .download = true},
    {"GET", "/api/orgs/{id}/alliances", "org.read", h_of_org, HB_NONE, "党组织牵头或参加的党建联盟（今天）", "alliance", "org:{id}"},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
