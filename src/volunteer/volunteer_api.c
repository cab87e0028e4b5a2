/* volunteer_api — 志愿服务 (issue 18) over HTTP: parse, call volunteer_store, reply.
 *   GET  /api/volunteer/teams                        teams of my scope (members, activities, confirmed hours; xlsx)
 *   POST /api/volunteer/teams                        a new team of an organization (org_id) or a park (park_code)
 *   GET  /api/volunteer/teams/{id}                   one team: members and activities
 *   POST /api/volunteer/teams/{id}/activities        a new activity (day, times, place, places, hours)
 *   GET  /api/volunteer/activities/{id}              one activity with its sign-ups, check-ins and hours
 *   POST /api/volunteer/activities/{id}/cancel       the organizer cancels it (reason)
 *   GET  /api/volunteer/activities/{id}/checkin-token  the check-in code of now (the organizer's QR screen)
 *   POST /api/volunteer/activities/{id}/hours        confirm attendees' hours once ({items:[{person_id, hours?}]}; none = all checked in)
 *   GET  /api/volunteer/hours/members|teams          confirmed hours per member / per team (from, until; xlsx)
 *   GET  /api/me/volunteer                           upcoming activities, my sign-ups, teams and hours
 *   POST /api/me/volunteer/teams/{id}/join           I join a team
 *   POST /api/me/volunteer/activities/{id}/signup|cancel   I sign up / cancel my sign-up
 *   POST /api/me/volunteer/checkin                   I check in with the code on the organizer's screen
 *   GET  /api/me/volunteer/activities/{id}/certificate.pdf  my certificate of confirmed hours (audited download)
 * The organizers' routes name the team or activity (where the team's owner
 * is); the member's routes name nothing: the list is public to members and
 * each act is the caller's own. */
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "http/http.h"
#include "meeting/meeting.h"
#include "volunteer/volunteer_store.h"

static const char *va_q(http_req *r, const char *name) {
    const char *v = http_query(r, name);
    return v && *v ? v : NULL;
}

static st h_teams(http_req *r, err *e) {
    const char *q = va_q(r, "q");
    if (q && strlen(q) > 90) return err_field(e, ST_INVALID, "q", "队伍名称关键词 q 过长。");
    http_page pg;
    const char *order;
    st s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "id", "q.id", &order, e);
    if (s) return s;
    uc_page p = {pg.size, pg.offset, order};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = volunteer_store_teams(http_uc(r), q, &p, &items, &total, e))) return s;
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static st va_team_reply(http_req *r, int status, int64_t id, err *e) {
    json_t *o = NULL;
    st s = volunteer_store_team_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, status, o);
}

static st h_team_create(http_req *r, err *e) {
    static const char *const only[] = {"name", "owner_kind", "org_id", "park_code", "intro", NULL};
    volunteer_team_new t;
    memset(&t, 0, sizeof t);
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "name", true, 2, 60, &t.name, e);
    if (!s) s = jsonx_str(r->json, "owner_kind", true, 1, 10, &t.owner_kind, e);
    if (!s) s = jsonx_int(r->json, "org_id", false, 1, INT64_MAX, 0, &t.org_id, e);
    if (!s) s = jsonx_str(r->json, "park_code", false, 0, 20, &t.park_code, e);
    if (!s) s = jsonx_str(r->json, "intro", false, 0, 500, &t.intro, e);
    int64_t id = 0;
    if (!s) s = volunteer_store_team_create(http_uc(r), &t, &id, e);
    if (s) return s;
    return va_team_reply(r, 201, id, e);
}

static st h_team_get(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (s) return s;
    return va_team_reply(r, 200, id, e);
}

static st va_act_reply(http_req *r, int status, int64_t id, err *e) {
    json_t *o = NULL;
    st s = volunteer_store_activity_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, status, o);
}

static st h_activity_create(http_req *r, err *e) {
    static const char *const only[] = {"title", "day", "start_time", "end_time", "place", "places", "hours", NULL};
    volunteer_activity_new a;
    memset(&a, 0, sizeof a);
    int64_t team;
    st s = http_param_int(r, "id", &team, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "title", true, 2, 80, &a.title, e);
    if (!s) s = jsonx_str(r->json, "day", true, 10, 10, &a.day, e);
    if (!s) s = jsonx_str(r->json, "start_time", true, 5, 5, &a.start, e);
    if (!s) s = jsonx_str(r->json, "end_time", true, 5, 5, &a.end, e);
    if (!s) s = jsonx_str(r->json, "place", true, 2, 120, &a.place, e);
    if (!s) s = jsonx_int(r->json, "places", true, 1, 100000, 0, &a.places, e);
    if (!s) {
        json_t *h = json_object_get(r->json, "hours");
        if (h && !json_is_null(h)) {
            if (!json_is_number(h)) return err_field(e, ST_INVALID, "hours", "服务时长 hours 应为数字（小时）。");
            a.hours = json_number_value(h);
            if (a.hours <= 0) return err_field(e, ST_INVALID, "hours", "服务时长 hours 应大于 0。");
        }
    }
    int64_t id = 0;
    if (!s) s = volunteer_store_activity_create(http_uc(r), team, &a, &id, e);
    if (s) return s;
    return va_act_reply(r, 201, id, e);
}

static st h_activity_get(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (s) return s;
    return va_act_reply(r, 200, id, e);
}

static st h_activity_cancel(http_req *r, err *e) {
    static const char *const only[] = {"reason", NULL};
    int64_t id;
    const char *reason = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "reason", true, 2, 200, &reason, e);
    if (!s) s = volunteer_store_activity_cancel(http_uc(r), id, reason, e);
    if (s) return s;
    return va_act_reply(r, 200, id, e);
}

static st h_token(http_req *r, err *e) {
    int64_t id;
    json_t *o = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = volunteer_store_token(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st h_hours_confirm(http_req *r, err *e) {
    static const char *const only[] = {"items", NULL};
    int64_t id, done = 0;
    st s = http_param_int(r, "id", &id, e);
    if (!s && r->json) s = jsonx_only(r->json, only, e);
    if (s) return s;
    json_t *items = r->json ? json_object_get(r->json, "items") : NULL;
    size_t n = 0;
    volunteer_hours_item *v = NULL;
    if (items && !json_is_null(items)) {
        if (!json_is_array(items) || json_array_size(items) > 1000)
            return err_field(e, ST_INVALID, "items", "items 应为至多 1000 项的数组：[{\"person_id\": 编号, \"hours\": 小时}]。");
        n = json_array_size(items);
        v = arena_alloc(&r->mem, (n ? n : 1) * sizeof *v);
        if (!v) return err_set(e, ST_NOMEM, "内存不足。");
        for (size_t i = 0; i < n; i++) {
            json_t *it = json_array_get(items, i), *pid = json_object_get(it, "person_id"), *h = json_object_get(it, "hours");
            if (!json_is_object(it) || !json_is_integer(pid) || json_integer_value(pid) <= 0)
                return err_field(e, ST_INVALID, "items", "第 %zu 项缺少人员编号 person_id。", i + 1);
            if (h && !json_is_null(h) && (!json_is_number(h) || json_number_value(h) <= 0))
                return err_field(e, ST_INVALID, "hours", "第 %zu 项的时长 hours 应为大于 0 的数字（小时）。", i + 1);
            v[i].person_id = json_integer_value(pid);
            v[i].hours = h && !json_is_null(h) ? json_number_value(h) : 0;
        }
    }
    if ((s = volunteer_store_confirm(http_uc(r), id, v, n, &done, e))) return s;
    json_t *o = NULL;
    if ((s = volunteer_store_activity_get(http_uc(r), id, &o, e))) return s;
    json_object_set_new(o, "confirmed", json_integer(done));
    return http_reply_json(r, 200, o);
}

static st va_hours(http_req *r, const char *by, err *e) {
    const char *from = va_q(r, "from"), *until = va_q(r, "until");
    if (from && !meeting_day_ok(from)) return err_field(e, ST_INVALID, "from", "起始日期 from 应为 YYYY-MM-DD。");
    if (until && !meeting_day_ok(until)) return err_field(e, ST_INVALID, "until", "截止日期 until 应为 YYYY-MM-DD。");
    http_page pg;
    const char *order;
    st s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "-hours", !strcmp(by, "team") ? "q.hours DESC, q.team_id" : "q.hours DESC, q.person_id", &order, e);
    if (s) return s;
    uc_page p = {pg.size, pg.offset, order};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = volunteer_store_hours(http_uc(r), by, from, until, &p, &items, &total, e))) return s;
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}
static st h_hours_members(http_req *r, err *e) { return va_hours(r, "member", e); }
static st h_hours_teams(http_req *r, err *e) { return va_hours(r, "team", e); }

static st h_mine(http_req *r, err *e) {
    json_t *o = NULL;
    st s = volunteer_store_mine(http_uc(r), &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st va_mine_reply(http_req *r, err *e) { return h_mine(r, e); }

static st h_join(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = volunteer_store_join(http_uc(r), id, e);
    if (s) return s;
    return va_mine_reply(r, e);
}

static st h_signup(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = volunteer_store_signup(http_uc(r), id, e);
    if (s) return s;
    return va_mine_reply(r, e);
}

static st h_unsign(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = volunteer_store_unsign(http_uc(r), id, e);
    if (s) return s;
    return va_mine_reply(r, e);
}

static st h_checkin(http_req *r, err *e) {
    static const char *const only[] = {"token", NULL};
    const char *tok = NULL;
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "token", true, 1, MEETING_TOKEN_MAX, &tok, e);
    json_t *o = NULL;
    if (!s) s = volunteer_store_checkin(http_uc(r), tok, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st h_cert(http_req *r, err *e) {
    int64_t id;
    volunteer_cert k;
    const char *path = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = volunteer_store_cert(http_uc(r), id, &k, e);
    if (!s) s = http_tempfile(r, &path, e);
    if (!s) s = volunteer_cert_pdf(&k, path, e);
    if (s) return s;
    const char *name = arena_printf(&r->mem, "志愿服务证明-%s.pdf", k.number);
    if (!name) return err_set(e, ST_NOMEM, "内存不足。");
    return http_reply_file(r, path, "application/pdf", name, e);
}

static const http_sort_key va_team_sort[] = {{"id", "q.id"}, {"name", "q.name", true}, {"members", "q.members"}, {"hours", "q.hours"}, {NULL, NULL}};
static const http_sort_key va_member_sort[] = {{"hours", "q.hours"}, {"name", "q.name", true}, {"activities", "q.activities"}, {NULL, NULL}};
static const http_sort_key va_tsum_sort[] = {{"hours", "q.hours"}, {"team_name", "q.team_name", true}, {"people", "q.people"}, {NULL, NULL}};

#define VA_TEAMS_EXPORT "志愿服务队|id:编号|name:队伍名称|org_name:所属党组织|park_name:所属园区|members:队员数|activities:活动数|hours:已确认服务时长（小时）"
#define VA_MEMBERS_EXPORT "志愿服务时长（按党员）|person_id:人员编号|name:姓名|org_name:所在党组织|teams:参加队伍数|activities:活动次数|hours:服务时长（小时）"
#define VA_TSUM_EXPORT "志愿服务时长（按队伍）|team_id:队伍编号|team_name:队伍名称|org_name:所属党组织|park_name:所属园区|people:服务人数|activities:活动次数|hours:服务时长（小时）"

const http_route volunteer_routes[] = {
    {"GET", "/api/volunteer/teams", "volunteer.read", h_teams, HB_NONE, "志愿服务队列表（本范围内的；队员数、活动数、已确认时长）", "volunteer", NULL,
     VA_TEAMS_EXPORT, va_team_sort},
    {"POST", "/api/volunteer/teams", "volunteer.write", h_team_create, HB_JSON, "新建志愿服务队（企业党组织的或园区的）", "volunteer",
     "org:.org_id region:.park_code"},
    {"GET", "/api/volunteer/teams/{id}", "volunteer.read", h_team_get, HB_NONE, "一支志愿服务队：队员和活动", "volunteer", "volunteer_team:{id}"},
    {"POST", "/api/volunteer/teams/{id}/activities", "volunteer.write", h_activity_create, HB_JSON,
     "发布志愿服务活动（日期、时间、地点、招募人数、服务时长）", "volunteer", "volunteer_team:{id}"},
    {"GET", "/api/volunteer/activities/{id}", "volunteer.read", h_activity_get, HB_NONE, "一项志愿服务活动：报名、签到和确认的时长", "volunteer",
     "volunteer_activity:{id}"},
    {"POST", "/api/volunteer/activities/{id}/cancel", "volunteer.write", h_activity_cancel, HB_JSON, "取消志愿服务活动（须说明原因）", "volunteer",
     "volunteer_activity:{id}"},
    {"GET", "/api/volunteer/activities/{id}/checkin-token", "volunteer.write", h_token, HB_NONE, "当前签到码（定时更换，用于显示二维码）",
     "volunteer", "volunteer_activity:{id}"},
    {"POST", "/api/volunteer/activities/{id}/hours", "volunteer.write", h_hours_confirm, HB_JSON,
     "确认签到人员的服务时长（每人一次，默认为活动时长；计入积分）", "volunteer", "volunteer_activity:{id}"},
    {"GET", "/api/volunteer/hours/members", "volunteer.read", h_hours_members, HB_NONE, "志愿服务时长统计（按党员）", "volunteer", NULL,
     VA_MEMBERS_EXPORT, va_member_sort},
    {"GET", "/api/volunteer/hours/teams", "volunteer.read", h_hours_teams, HB_NONE, "志愿服务时长统计（按队伍）", "volunteer", NULL,
     VA_TSUM_EXPORT, va_tsum_sort},
    {"GET", "/api/me/volunteer", "volunteer.join", h_mine, HB_NONE, "近期志愿服务活动、我的报名、队伍和服务时长", "volunteer", NULL},
    {"POST", "/api/me/volunteer/teams/{id}/join", "volunteer.join", h_join, HB_JSON, "加入志愿服务队（本人）", "volunteer", NULL},
    {"POST", "/api/me/volunteer/activities/{id}/signup", "volunteer.join", h_signup, HB_JSON, "报名志愿服务活动（本人）", "volunteer", NULL},
    {"POST", "/api/me/volunteer/activities/{id}/cancel", "volunteer.join", h_unsign, HB_JSON, "取消报名（本人，活动开始前）", "volunteer", NULL},
    {"POST", "/api/me/volunteer/checkin", "volunteer.join", h_checkin, HB_JSON, "志愿服务活动扫码签到（本人）", "volunteer", NULL},
    {"GET", "/api/me/volunteer/activities/{id}/certificate.pdf", "volunteer.join", h_cert, HB_NONE, "下载本人的志愿服务证明（PDF）", "volunteer",
     NULL, .download = true},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
