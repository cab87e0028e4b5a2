/* meeting_api — organizational life over HTTP: parse, call meeting_store, reply.
 *   GET   /api/meetings                        list (organization with sub-organizations, district, park,
 *                                               kind, state, days; xlsx)
 *   GET   /api/meetings/compliance             required vs held per organization, park, district, city; ranked
 *   POST  /api/orgs/{id}/meetings              plan a meeting
 *   POST  /api/orgs/{id}/meetings/propose      plan the year's required meetings
 *   GET   /api/orgs/{id}/scorecard             one organization's scorecard of a period
 *   GET   /api/meetings/{id}                   one meeting: record, roll, leave, attendance, quorum, amendments
 *   PATCH /api/meetings/{id}                   move a planned meeting
 *   POST  /api/meetings/{id}/record            record a held meeting (until it locks)
 *   POST  /api/meetings/{id}/amendments        change a held record, with a reason (history kept)
 *   POST  /api/meetings/{id}/leave/{person_id} answer a leave request
 *   GET   /api/meetings/{id}/checkin-token     the check-in code of now (the secretary's screen)
 *   POST  /api/checkin                         the logged-in member checks in with a code
 *   GET   /api/me/meetings                     my meetings (我的党建)
 *   POST  /api/me/meetings/{id}/leave          ask leave
 *   POST  /api/meetings/{id}/photos            add a photo (multipart: file, and reason once the record has locked)
 *   GET   /api/meetings/{id}/photos/{photo_id} one photo (audited)
 *   DELETE /api/meetings/{id}/photos/{photo_id} remove a photo ({reason}: required once the record has locked)
 * Scope: the city all, a district or park its area, an organization's
 * administrator and secretary their organization and below; a member only
 * the meetings they are expected at (checked by the store: the routes of
 * the member's own side name no object). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "core/jsonx.h"
#include "http/http.h"
#include "auth/roles.h"
#include "develop/develop_store.h"
#include "meeting/meeting_store.h"

static const char *mt_q(http_req *r, const char *name) {
    const char *v = http_query(r, name);
    return v && *v ? v : NULL;
}

static st mt_day_q(http_req *r, const char *name, const char **out, err *e) {
    *out = mt_q(r, name);
    if (*out && !meeting_day_ok(*out))
        return err_field(e, ST_INVALID, name, "%s=“%s”不是有效日期，应为 YYYY-MM-DD（如 2026-03-31）。", name, *out);
    return ST_OK;
}

/* The period asked for; without one, the running quarter (what an office opens the page to see). */
static st mt_period(http_req *r, meeting_period *p, err *e) {
    const char *v = http_query(r, "period");
    if (!v) {
        char today[11];
        clock_day(clock_now(), today);
        meeting_period_of(today, 3, p);
        return ST_OK;
    }
    if (!meeting_period_parse(v, p))
        return err_field(e, ST_INVALID, "period", "期间 period=“%s”无效，应为月份 2026-03、季度 2026-Q1 或年份 2026。", v);
    return ST_OK;
}

static st h_meeting_list(http_req *r, err *e) {
    meeting_filter f;
    memset(&f, 0, sizeof f);
    http_page pg;
    const char *order;
    st s = http_query_int(r, "org_id", 0, 0, INT64_MAX, &f.org_id, e);
    f.district = mt_q(r, "district");
    f.park = mt_q(r, "park");
    f.kind = mt_q(r, "kind");
    f.state = mt_q(r, "state");
    const char *own = mt_q(r, "own");
    f.own = own && !strcmp(own, "1");
    if (!s && f.kind && meeting_kind_index(f.kind) < 0)
        s = err_field(e, ST_INVALID, "kind", "会议类别 kind 应为 支部党员大会、支委会、党小组会、党课、主题党日、组织生活会、民主评议党员 或 谈心谈话。");
    if (!s && f.state && strcmp(f.state, "planned") && strcmp(f.state, "held"))
        s = err_field(e, ST_INVALID, "state", "状态 state 应为 planned（计划）或 held（已召开）。");
    if (!s) s = mt_day_q(r, "from", &f.from, e);
    if (!s) s = mt_day_q(r, "to", &f.to, e);
    if (!s) s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "-day", "q.id DESC", &order, e);
    if (s) return s;
    uc_page p = {pg.size, pg.offset, order};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = meeting_store_list(http_uc(r), &f, &p, &items, &total, e))) return s;
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static const char *const mt_plan_fields[] = {"kind", "day", "start", "end", "place", "online_url", "topic", NULL};

static st mt_text(const json_t *j, const char *const *only, const char **day, const char **start, const char **end, const char **place,
                  const char **url, const char **topic, err *e) {
    st s = jsonx_only(j, only, e);
    if (!s) s = jsonx_str(j, "day", false, 1, 20, day, e);
    if (!s) s = jsonx_str(j, "start", false, 1, 10, start, e);
    if (!s) s = jsonx_str(j, "end", false, 1, 10, end, e);
    if (!s) s = jsonx_str(j, "place", false, 0, 100, place, e);
    if (!s) s = jsonx_str(j, "online_url", false, 0, 500, url, e);
    if (!s) s = jsonx_str(j, "topic", false, 0, 200, topic, e);
    return s;
}

static st mt_reply(http_req *r, int status, int64_t id, err *e) {
    json_t *o = NULL;
    st s = meeting_store_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, status, o);
}

static st h_meeting_plan(http_req *r, err *e) {
    meeting_new m;
    memset(&m, 0, sizeof m);
    st s = http_param_int(r, "id", &m.org_id, e);
    if (!s) s = jsonx_str(r->json, "kind", true, 1, 10, &m.kind, e);
    if (!s) s = mt_text(r->json, mt_plan_fields, &m.day, &m.start, &m.end, &m.place, &m.online_url, &m.topic, e);
    if (!s && !m.day) s = err_field(e, ST_INVALID, "day", "请填写会议日期 day（YYYY-MM-DD）。");
    if (!s && !m.start) s = err_field(e, ST_INVALID, "start", "请填写开始时间 start（HH:MM）。");
    if (!s && !m.end) s = err_field(e, ST_INVALID, "end", "请填写结束时间 end（HH:MM）。");
    int64_t id = 0;
    if (!s) s = meeting_store_plan(http_uc(r), &m, &id, e);
    if (s) return s;
    return mt_reply(r, 201, id, e);
}

static st h_meeting_propose(http_req *r, err *e) {
    static const char *const only[] = {"year", NULL};
    int64_t org, year;
    st s = http_param_int(r, "id", &org, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_int(r->json, "year", true, 2000, 2100, 0, &year, e);
    int created = 0;
    if (!s) s = meeting_store_propose(http_uc(r), org, (int)year, &created, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:I,s:I,s:i}", "org_id", (json_int_t)org, "year", (json_int_t)year, "created", created));
}

static st h_meeting_get(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (s) return s;
    return mt_reply(r, 200, id, e);
}

static st h_meeting_move(http_req *r, err *e) {
    int64_t id;
    meeting_move x;
    memset(&x, 0, sizeof x);
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = mt_text(r->json, mt_plan_fields + 1, &x.day, &x.start, &x.end, &x.place, &x.online_url, &x.topic, e);
    if (!s) s = meeting_store_move(http_uc(r), id, &x, e);
    if (s) return s;
    return mt_reply(r, 200, id, e);
}

/* A list of person ids (present, online, absent), in the request's memory. */
static st mt_ids(http_req *r, const char *key, const int64_t **out, size_t *n, err *e) {
    *out = NULL;
    *n = 0;
    json_t *a = json_object_get(r->json, key);
    if (!a) return ST_OK;
    if (!json_is_array(a) || json_array_size(a) > 10000)
        return err_field(e, ST_INVALID, key, "%s 应为人员编号（person_id）的数组。", key);
    int64_t *v = arena_calloc(&r->mem, json_array_size(a) + 1, sizeof *v);
    if (!v) return err_set(e, ST_NOMEM, "内存不足。");
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x) {
        if (!json_is_integer(x) || json_integer_value(x) <= 0)
            return err_field(e, ST_INVALID, key, "%s 的第 %zu 项应为人员编号（正整数）。", key, i + 1);
        v[i] = json_integer_value(x);
    }
    *out = v;
    *n = json_array_size(a);
    return ST_OK;
}

static st mt_record_body(http_req *r, meeting_record *x, bool amend, err *e) {
    static const char *const rec[] = {"day", "start", "end", "place", "online_url", "topic", "minutes", "decisions",
                                      "present", "online", "absent", NULL};
    static const char *const am[] = {"day", "start", "end", "place", "online_url", "topic", "minutes", "decisions",
                                     "present", "online", "absent", "reason", NULL};
    memset(x, 0, sizeof *x);
    st s = mt_text(r->json, amend ? am : rec, &x->day, &x->start, &x->end, &x->place, &x->online_url, &x->topic, e);
    if (!s) s = jsonx_str(r->json, "minutes", false, 0, 20000, &x->minutes, e);
    if (!s) s = jsonx_str(r->json, "decisions", false, 0, 5000, &x->decisions, e);
    if (!s && amend) s = jsonx_str(r->json, "reason", true, 2, 500, &x->reason, e);
    if (!s) s = mt_ids(r, "present", &x->present, &x->n_present, e);
    if (!s) s = mt_ids(r, "online", &x->online, &x->n_online, e);
    if (!s) s = mt_ids(r, "absent", &x->absent, &x->n_absent, e);
    return s;
}

static st h_meeting_record(http_req *r, err *e) {
    int64_t id;
    meeting_record x;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = mt_record_body(r, &x, false, e);
    if (!s) s = meeting_store_record(http_uc(r), id, &x, e);
    if (s) return s;
    return mt_reply(r, 200, id, e);
}

static st h_meeting_amend(http_req *r, err *e) {
    int64_t id;
    meeting_record x;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = mt_record_body(r, &x, true, e);
    if (!s) s = meeting_store_amend(http_uc(r), id, &x, e);
    if (s) return s;
    return mt_reply(r, 200, id, e);
}

static st h_meeting_leave_decide(http_req *r, err *e) {
    static const char *const only[] = {"approve", "note", NULL};
    int64_t id, person;
    bool approve = false;
    const char *note = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_param_int(r, "person_id", &person, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_bool(r->json, "approve", true, false, &approve, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 200, &note, e);
    if (!s) s = meeting_store_leave_decide(http_uc(r), id, person, approve, note, e);
    if (s) return s;
    return mt_reply(r, 200, id, e);
}

static st h_meeting_token(http_req *r, err *e) {
    int64_t id;
    json_t *o = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = meeting_store_token(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st h_checkin(http_req *r, err *e) {
    static const char *const only[] = {"token", "online", NULL};
    const char *tok = NULL;
    bool online = false;
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "token", true, 1, MEETING_TOKEN_MAX, &tok, e);
    if (!s) s = jsonx_bool(r->json, "online", false, false, &online, e);
    json_t *o = NULL;
    if (!s) s = meeting_store_checkin(http_uc(r), tok, online, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st h_me_meetings(http_req *r, err *e) {
    json_t *o = NULL;
    st s = meeting_store_mine(http_uc(r), &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st h_me_leave(http_req *r, err *e) {
    static const char *const only[] = {"reason", NULL};
    int64_t id;
    const char *reason = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "reason", true, 1, 200, &reason, e);
    if (!s) s = meeting_store_leave_request(http_uc(r), id, reason, e);
    if (s) return s;
    return http_reply_empty(r, 204);
}

static st h_compliance(http_req *r, err *e) {
    meeting_period p;
    st s = mt_period(r, &p, e);
    const char *by = mt_q(r, "by");
    if (!by) by = "org";
    if (!s && strcmp(by, "org") && strcmp(by, "park") && strcmp(by, "district") && strcmp(by, "city"))
        s = err_field(e, ST_INVALID, "by", "汇总方式 by 应为 org（组织）、park（园区）、district（区）或 city（全市）。");
    json_t *all = NULL, *items = NULL;
    int64_t total = 0;
    http_page pg;
    if (!s) s = http_paging(r, &pg, e);
    if (!s && !strcmp(by, "org")) {   /* a province's organizations: sorted and paged before any JSON */
        const char *order, *sort = mt_q(r, "sort"), *status = mt_q(r, "status");
        if (status && strcmp(status, "green") && strcmp(status, "yellow") && strcmp(status, "red"))
            s = err_field(e, ST_INVALID, "status", "亮灯 status 应为 green（绿）、yellow（黄）或 red（红）。");
        if (!s && !(s = http_order(r, "rank", NULL, &order, e)))   /* checks the key */
            s = meeting_store_compliance_page(http_uc(r), &p, mt_q(r, "district"), mt_q(r, "park"), status, sort ? sort : "rank",
                                              pg.offset, pg.size, &items, &total, e);
    } else {
        if (!s) s = meeting_store_compliance(http_uc(r), &p, by, mt_q(r, "district"), mt_q(r, "park"), &all, e);
        if (!s && !arena_json(&r->mem, all)) s = err_set(e, ST_NOMEM, "内存不足。");
        if (!s) s = http_page_array(r, all, "rank", &items, &total, e);
    }
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I,s:s,s:s,s:s,s:s}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size, "by", by, "period", p.code, "from",
                                             p.from, "to", p.to));
}

static st h_scorecard(http_req *r, err *e) {
    int64_t id;
    meeting_period p;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = mt_period(r, &p, e);
    json_t *o = NULL;
    if (!s) s = meeting_store_scorecard(http_uc(r), id, &p, &o, e);
    if (s) return s;
    /* the sections of the modules that add to it (issue 15: study hours, dues, transfers
       when they come), each only for a caller who may read that module */
    uc *c = http_uc(r);
    if (roles_has(c->who.role, "develop.read")) {
        char today[11], day[11];
        clock_day(clock_now(), today);
        snprintf(day, sizeof day, "%s", strcmp(today, p.to) < 0 ? today : p.to);
        int within = 30;
        int64_t overdue = 0, soon = 0;
        if ((s = develop_store_due_counts(c, id, day, within, &overdue, &soon, e))) {
            json_decref(o);
            return s;
        }
        json_object_set_new(json_object_get(o, "sections"), "develop",
                            json_pack("{s:s,s:i,s:I,s:I,s:s}", "as_of", day, "within", within, "overdue", (json_int_t)overdue,
                                      "due_soon", (json_int_t)soon, "drill",
                                      arena_printf(&r->mem, "/api/develop/due?org_id=%lld&as_of=%s&within=%d", (long long)id, day,
                                                   within)));
    }
    /* the sections of the modules that read the meetings themselves (app/routes.c lists them) */
    for (const meeting_scorecard_section *x = meeting_scorecard_sections; x->name; x++) {
        if (!roles_has(c->who.role, x->perm)) continue;
        json_t *sec = NULL;
        if ((s = x->fn(c, id, &p, &sec, e))) {
            json_decref(o);
            return s;
        }
        if (sec) json_object_set_new(json_object_get(o, "sections"), x->name, sec);
    }
    return http_reply_json(r, 200, o);
}

/* ---- photos (meeting_photo_store.c) ---- */

static st h_photo_add(http_req *r, err *e) {
    int64_t id, photo = 0;
    st s = http_param_int(r, "id", &id, e);
    const http_upload *u = s ? NULL : http_upload_get(r, "file");
    if (!s && !u) s = err_field(e, ST_INVALID, "file", "请选择要上传的会议照片（表单字段 file：JPEG、PNG 或 WebP 图片）。");
    const char *reason = s ? NULL : http_field(r, "reason");
    if (!s && reason && strlen(reason) > 1500) s = err_field(e, ST_INVALID, "reason", "更正理由 reason 最多 500 个字。");
    if (!s) s = meeting_store_photo_add(http_uc(r), id, u->path, u->filename, reason && *reason ? reason : NULL, &photo, e);
    if (s) return s;
    return mt_reply(r, 201, id, e);
}

static st h_photo_get(http_req *r, err *e) {
    int64_t id, photo;
    const char *path, *mime, *name;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_param_int(r, "photo_id", &photo, e);
    if (!s) s = meeting_store_photo(http_uc(r), id, photo, &path, &mime, &name, e);
    if (s) return s;
    return http_reply_file(r, path, mime, name, e);
}

static st h_photo_remove(http_req *r, err *e) {
    static const char *const only[] = {"reason", NULL};
    int64_t id, photo;
    const char *reason = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_param_int(r, "photo_id", &photo, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "reason", false, 0, 500, &reason, e);
    if (!s) s = meeting_store_photo_remove(http_uc(r), id, photo, reason && *reason ? reason : NULL, e);
    if (s) return s;
    return mt_reply(r, 200, id, e);
}

static const http_sort_key mt_sort[] = {
    {"day", "q.day"},         {"kind", "q.kind", true}, {"state", "q.state"}, {"org_name", "q.org_name", true},
    {"present", "q.present"}, {"roll", "q.roll"},       {"id", "q.id"},       {NULL, NULL}};
static const http_sort_key mt_comp_sort[] = {
    {"rank", "rank"},         {"rate", "rate"},       {"status", "status"}, {"attendance_rate", "attendance_rate"},
    {"idle_days", "idle_days"}, {"held", "held"},     {"required", "required"}, {NULL, NULL}};
#define MT_EXPORT                                                                                                     \
    "三会一课|day:日期|start:开始|end:结束|kind:类别|org_name:党组织|topic:主题|place:地点|state:状态:labels=meeting_state|roll:应到|" \
    "present:实到|on_leave:请假|quorum:达到法定人数:bool"
#define MT_COMP_EXPORT                                                                                                   \
    "组织生活落实|rank:排名|org_name:党组织|name:名称|district_name:所在区|park_name:园区|status:状态|required:应开|"   \
    "held:已开|rate:完成率|attendance_rate:出席率|red:红灯|yellow:黄灯|green:绿灯|last_held:最近一次|idle_days:未开会天数"
#define MT_LIST_OBJECTS "org:?org_id region:?district region:?park"

const http_route meeting_routes[] = {
    {"GET", "/api/meetings", "meeting.read", h_meeting_list, HB_NONE, "三会一课会议列表（按组织含下级、区、园区、类别、状态、日期筛选）",
     "meeting", MT_LIST_OBJECTS, MT_EXPORT, mt_sort},
    {"GET", "/api/meetings/compliance", "meeting.read", h_compliance, HB_NONE,
     "组织生活落实情况（某月、季度或年；按组织、园区、区或全市汇总并排名，红黄绿灯）", "meeting", "region:?district region:?park",
     MT_COMP_EXPORT, mt_comp_sort},
    {"POST", "/api/orgs/{id}/meetings", "meeting.write", h_meeting_plan, HB_JSON, "安排会议", "meeting", "org:{id}"},
    {"POST", "/api/orgs/{id}/meetings/propose", "meeting.write", h_meeting_propose, HB_JSON, "按规定频次生成全年会议计划", "meeting",
     "org:{id}"},
    {"GET", "/api/orgs/{id}/scorecard", "meeting.read", h_scorecard, HB_NONE, "党组织工作记分卡（某期间；各项可查到明细）", "meeting",
     "org:{id}"},
    {"GET", "/api/meetings/{id}", "meeting.read", h_meeting_get, HB_NONE, "会议详情：记录、应到人员、请假、出席、法定人数、更正记录",
     "meeting", "meeting:{id}"},
    {"PATCH", "/api/meetings/{id}", "meeting.write", h_meeting_move, HB_JSON, "调整计划中的会议（日期、时间、地点、主题）", "meeting",
     "meeting:{id}"},
    {"POST", "/api/meetings/{id}/record", "meeting.write", h_meeting_record, HB_JSON, "记录已召开的会议（锁定前）", "meeting",
     "meeting:{id}"},
    {"POST", "/api/meetings/{id}/amendments", "meeting.write", h_meeting_amend, HB_JSON, "更正会议记录（须说明理由，保留修改前后）",
     "meeting", "meeting:{id}"},
    {"POST", "/api/meetings/{id}/leave/{person_id}", "meeting.write", h_meeting_leave_decide, HB_JSON, "审批请假", "meeting",
     "meeting:{id}"},
    {"GET", "/api/meetings/{id}/checkin-token", "meeting.write", h_meeting_token, HB_NONE, "当前签到码（每 30 秒更换，用于显示二维码）",
     "meeting", "meeting:{id}"},
    {"POST", "/api/checkin", "meeting.attend", h_checkin, HB_JSON, "扫码签到（本人）", "meeting", NULL},
    {"GET", "/api/me/meetings", "meeting.attend", h_me_meetings, HB_NONE, "我的会议：将要召开和已召开、是否出席、请假情况", "meeting",
     NULL},
    {"POST", "/api/me/meetings/{id}/leave", "meeting.attend", h_me_leave, HB_JSON, "请假（本人）", "meeting", NULL},
    {"POST", "/api/meetings/{id}/photos", "meeting.write", h_photo_add, HB_MULTIPART,
     "上传会议照片（表单字段 file：JPEG、PNG 或 WebP，按内容判断；记录锁定后须填 reason，作为更正）", "meeting", "meeting:{id}"},
    {"GET", "/api/meetings/{id}/photos/{photo_id}", "meeting.read", h_photo_get, HB_NONE, "查看会议照片（记入审计）", "meeting",
     "meeting_photo:{photo_id}/{id}", NULL, NULL, true},
    {"DELETE", "/api/meetings/{id}/photos/{photo_id}", "meeting.write", h_photo_remove, HB_JSON,
     "删除会议照片（保留删除记录；记录锁定后须填 reason，作为更正）", "meeting", "meeting_photo:{photo_id}/{id}"},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
