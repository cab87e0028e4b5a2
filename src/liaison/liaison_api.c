/* liaison_api — 领导挂钩联系 over HTTP (issue 23): parse, call liaison_store,
 * reply.  No SQL here.
 *
 *   GET  /api/liaison/leaders                     the leaders the caller may link (liaison.write)
 *   GET  /api/liaison/links?day=&history=         links inside my scope as of a day
 *   POST /api/liaison/links                       link a leader to an enterprise from a day
 *   POST /api/liaison/links/{id}/end              end a link on a day
 *   POST /api/liaison/links/{id}/visits           a visit under a link, with its problems
 *   GET  /api/liaison/visits/{id}                 one visit with its problems
 *   POST /api/liaison/problems/{id}/close         close a problem (day, result)
 *   GET  /api/liaison/overdue                     problems past their due day, not closed (xlsx)
 *   GET  /api/liaison/mine                        我的挂钩企业 (the caller as a leader)
 *   GET  /api/liaison/enterprises/{id}?day=       an enterprise's links, visits and problems
 *   GET  /api/liaison/enterprises/{id}/summary    the enterprise's own view: leaders' names, last visit's day
 * Reading: the offices (coverage.read: city, district, park) for
 * enterprises inside their scope, and a leader for their own links, visits
 * and problems (the resolvers' owner); the enterprise itself (enterprise.read)
 * only the summary — no problems' text.  Writing: liaison.write (city,
 * district), the rules in liaison.h. */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "core/config.h"
#include "core/jsonx.h"
#include "http/http.h"
#include "liaison/liaison_store.h"
#include "org/org.h"

static const char *la_q(http_req *r, const char *name) {
    const char *v = http_query(r, name);
    return v && *v ? v : NULL;
}

static st la_list_reply(http_req *r, json_t *all, const char *def, err *e) {
    json_t *items = NULL;
    int64_t total = 0;
    http_page pg;
    st s = http_page_array(r, all, def, &items, &total, e);
    if (!s) s = http_paging(r, &pg, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page", (json_int_t)pg.page,
                                             "size", (json_int_t)pg.size));
}

static st la_q_check(const char *q, err *e) {
    return q && strlen(q) > 90 ? err_field(e, ST_INVALID, "q", "关键词 q 过长（最多 30 个字）。") : ST_OK;
}

static st h_leaders(http_req *r, err *e) {
    json_t *items = NULL;
    st s = liaison_store_leaders(http_uc(r), &items, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:O}", "items", items));
}

static st h_links(http_req *r, err *e) {
    liaison_link_filter f = {0};
    char day[11];
    int64_t hist = 0;
    st s = ST_OK;
    if (la_q(r, "day")) {
        s = org_day_arg(la_q(r, "day"), "day", day, e);
        f.day = day;
    }
    if (!s) s = http_query_int(r, "history", 0, 0, 1, &hist, e);
    if (!s) s = http_query_int(r, "leader_id", 0, 1, INT64_MAX, &f.leader_id, e);
    if (!s) s = http_query_int(r, "enterprise_id", 0, 1, INT64_MAX, &f.enterprise_id, e);
    f.history = hist == 1;
    f.district = la_q(r, "district");
    f.q = la_q(r, "q");
    if (!s) s = la_q_check(f.q, e);
    json_t *all = NULL;
    if (!s) s = liaison_store_links(http_uc(r), &f, &all, e);
    return s ? s : la_list_reply(r, all, "-from_day", e);
}

static st h_link(http_req *r, err *e) {
    static const char *const only[] = {"leader_id", "enterprise_id", "title", "from_day", "note", NULL};
    liaison_link_new n = {0};
    int64_t id = 0;
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_int(r->json, "leader_id", true, 1, INT64_MAX, 0, &n.leader_id, e);
    if (!s) s = jsonx_int(r->json, "enterprise_id", true, 1, INT64_MAX, 0, &n.enterprise_id, e);
    if (!s) s = jsonx_str(r->json, "title", false, 0, 60, &n.title, e);
    if (!s) s = jsonx_str(r->json, "from_day", true, 1, 20, &n.from_day, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 200, &n.note, e);
    if (!s) s = liaison_store_link(http_uc(r), &n, &id, e);
    if (s) return s;
    return http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static st h_unlink(http_req *r, err *e) {
    static const char *const only[] = {"day", "note", NULL};
    int64_t id;
    const char *day = NULL, *note = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "day", true, 1, 20, &day, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 200, &note, e);
    if (!s) s = liaison_store_unlink(http_uc(r), id, day, note, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id, "to_day", day));
}

/* problems: [{"description", "follow_up", "owner", "due_day"?}, …] */
static st la_problems(http_req *r, liaison_problem_new **out, size_t *n, err *e) {
    *out = NULL;
    *n = 0;
    json_t *a = json_object_get(r->json, "problems");
    if (!a || json_is_null(a)) return ST_OK;
    if (!json_is_array(a) || json_array_size(a) > 20)
        return err_field(e, ST_INVALID, "problems", "problems 应为最多 20 个问题的数组，每项含 description（问题）、follow_up（跟进措施）、owner（责任人）、due_day（办结期限，可不填）。");
    size_t k = json_array_size(a);
    liaison_problem_new *p = k ? arena_alloc(&r->mem, k * sizeof *p) : NULL;
    if (k && !p) return err_set(e, ST_NOMEM, "内存不足。");
    static const char *const only[] = {"description", "follow_up", "owner", "due_day", NULL};
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x) {
        memset(&p[i], 0, sizeof p[i]);
        st s = json_is_object(x) ? jsonx_only(x, only, e) : err_field(e, ST_INVALID, "problems", "problems 第 %zu 项应为对象。", i + 1);
        if (!s) s = jsonx_str(x, "description", true, 1, 500, &p[i].description, e);
        if (!s) s = jsonx_str(x, "follow_up", true, 1, 300, &p[i].follow_up, e);
        if (!s) s = jsonx_str(x, "owner", true, 1, 60, &p[i].owner, e);
        if (!s) s = jsonx_str(x, "due_day", false, 0, 20, &p[i].due_day, e);
        if (s) {
            char msg[sizeof e->msg];
            snprintf(msg, sizeof msg, "%s", e->msg);
            return err_field(e, s, "problems", "第 %zu 个问题：%s", i + 1, msg);
        }
    }
    *out = p;
    *n = k;
    return ST_OK;
}

static st h_visit(http_req *r, err *e) {
    static const char *const only[] = {"day", "met", "summary", "problems", NULL};
    int64_t id, vid = 0;
    liaison_visit_new v = {0};
    liaison_problem_new *ps = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "day", true, 1, 20, &v.day, e);
    if (!s) s = jsonx_str(r->json, "met", true, 1, 300, &v.met, e);
    if (!s) s = jsonx_str(r->json, "summary", false, 0, 1000, &v.summary, e);
    if (!s) s = la_problems(r, &ps, &v.n, e);
    v.problems = ps;
    if (!s) s = liaison_store_visit(http_uc(r), id, &v, &vid, e);
    json_t *o = NULL;
    if (!s) s = liaison_store_visit_get(http_uc(r), vid, &o, e);
    if (s) return s;
    return http_reply_json(r, 201, json_incref(o));
}

static st h_visit_get(http_req *r, err *e) {
    int64_t id;
    json_t *o = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = liaison_store_visit_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, json_incref(o));
}

static st h_close(http_req *r, err *e) {
    static const char *const only[] = {"day", "result", NULL};
    int64_t id;
    const char *day = NULL, *result = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "day", true, 1, 20, &day, e);
    if (!s) s = jsonx_str(r->json, "result", true, 1, 500, &result, e);
    if (!s) s = liaison_store_problem_close(http_uc(r), id, day, result, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "closed_on", day, "result", result));
}

static st h_overdue(http_req *r, err *e) {
    liaison_overdue_filter f = {la_q(r, "district"), la_q(r, "q"), 0};
    st s = http_query_int(r, "leader_id", 0, 1, INT64_MAX, &f.leader_id, e);
    if (!s) s = la_q_check(f.q, e);
    json_t *all = NULL;
    if (!s) s = liaison_store_overdue(http_uc(r), &f, &all, e);
    return s ? s : la_list_reply(r, all, "-days_over", e);
}

static st h_mine(http_req *r, err *e) {
    json_t *o = NULL;
    st s = liaison_store_mine(http_uc(r), &o, e);
    if (s) return s;
    return http_reply_json(r, 200, json_incref(o));
}

static st h_enterprise(http_req *r, err *e) {
    int64_t id;
    char day[11];
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = org_day_arg(la_q(r, "day"), "day", day, e);
    json_t *o = NULL;
    if (!s) s = liaison_store_enterprise(http_uc(r), id, day, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, json_incref(o));
}

static st h_summary(http_req *r, err *e) {
    int64_t id;
    json_t *o = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = liaison_store_summary(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, json_incref(o));
}

static const http_sort_key la_link_sort[] = {{"from_day", "from_day"},         {"leader_name", "leader_name", true},
                                             {"enterprise_name", "enterprise_name", true}, {"last_visit", "last_visit"},
                                             {"open_problems", "open_problems"}, {"id", "id"},
                                             {NULL, NULL}};
static const http_sort_key la_overdue_sort[] = {{"days_over", "days_over"},     {"due_day", "due_day"},
                                                {"visit_day", "visit_day"},     {"enterprise_name", "enterprise_name", true},
                                                {"leader_name", "leader_name", true}, {"district_name", "district_name", true},
                                                {"id", "id"},                   {NULL, NULL}};
#define LA_OVERDUE_EXPORT                                                                                                 \
    "走访问题超期未办结|enterprise_name:企业|district_name:所在区|leader_name:挂钩领导|title:职务|visit_day:走访日期|"   \
    "description:问题|follow_up:跟进措施|owner:责任人|due_day:办结期限|days_over:超期天数"

const http_route liaison_routes[] = {
    {"GET", "/api/liaison/leaders", "liaison.write", h_leaders, HB_NONE, "可安排挂钩联系的领导（市、区组织部门的账号）", "liaison"},
    {"GET", "/api/liaison/links", "coverage.read", h_links, HB_NONE, "领导挂钩联系：本范围内某日的挂钩关系（或全部历史）", "liaison",
     "enterprise:?enterprise_id", NULL, la_link_sort},
    {"POST", "/api/liaison/links", "liaison.write", h_link, HB_JSON, "安排领导挂钩联系企业（自某日起）", "liaison",
     "enterprise:.enterprise_id"},
    {"POST", "/api/liaison/links/{id}/end", "liaison.write", h_unlink, HB_JSON, "结束领导挂钩联系", "liaison", "liaison_link:{id}"},
    {"POST", "/api/liaison/links/{id}/visits", "liaison.write", h_visit, HB_JSON,
     "登记走访：日期、见到的人员、提出的问题及跟进措施、办结期限（挂钩领导本人，或市委组织部代为登记）", "liaison", "liaison_link:{id}"},
    {"GET", "/api/liaison/visits/{id}", "coverage.read", h_visit_get, HB_NONE, "一次走访及其问题", "liaison", "liaison_visit:{id}"},
    {"POST", "/api/liaison/problems/{id}/close", "liaison.write", h_close, HB_JSON, "走访问题销号（办结日期、办理结果）", "liaison",
     "liaison_problem:{id}"},
    {"GET", "/api/liaison/overdue", "coverage.read", h_overdue, HB_NONE, "走访问题超期未办结：本范围内已过办结期限仍未销号的问题", "liaison",
     NULL, LA_OVERDUE_EXPORT, la_overdue_sort},
    {"GET", "/api/liaison/mine", "liaison.write", h_mine, HB_NONE, "我的挂钩企业：挂钩的企业、最近一次走访、未办结的问题", "liaison"},
    {"GET", "/api/liaison/enterprises/{id}", "coverage.read", h_enterprise, HB_NONE, "企业的挂钩领导、走访记录与问题办理", "liaison",
     "enterprise:{id}"},
    {"GET", "/api/liaison/enterprises/{id}/summary", "enterprise.read", h_summary, HB_NONE, "本企业的挂钩领导和最近一次走访日期",
     "liaison", "enterprise:{id}"},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
