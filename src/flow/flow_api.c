/* flow_api — 流动党员 over HTTP: parse, call flow_store, reply.
 *   GET  /api/flows                  the flows inside my scope (side out/in, status, organization, name; xlsx)
 *   GET  /api/flows/counts           one organization's figures (its page)
 *   GET  /api/flows/orgs             organizations of the whole system by name (where a member goes)
 *   POST /api/flows/out              register an outflow (the member's organization)
 *   POST /api/flows/in               register an inflow (the receiving organization)
 *   POST /api/flows/{id}/return      the member came back (the member's organization)
 * Permissions: transfer.read to read, transfer.write to write.  A flow sits
 * where the member's organization is ("flow:{id}"); the lists show both
 * sides' flows (home or managing organization inside the caller's scope). */
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "flow/flow_store.h"
#include "http/http.h"

static const char *fl_q(http_req *r, const char *name) {
    const char *v = http_query(r, name);
    return v && *v ? v : NULL;
}

static st fl_reply(http_req *r, int status, int64_t id, err *e) {
    json_t *o = NULL;
    st s = flow_store_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, status, o);
}

static const char *fl_status_name(const char *s) {
    return !s                         ? ""
           : !strcmp(s, "returned")    ? "已返回"
           : !strcmp(s, "handed_over") ? "已转由流入地管理"
           : !strcmp(s, "overdue")     ? "逾期未返回"
                                       : "外出中";
}

static st h_flow_list(http_req *r, err *e) {
    flow_filter f = {0, fl_q(r, "side"), fl_q(r, "status"), fl_q(r, "q")};
    st s = http_query_int(r, "org_id", 0, 1, INT64_MAX, &f.org_id, e);
    if (s) return s;
    if (f.side && strcmp(f.side, "out") && strcmp(f.side, "in"))
        return err_field(e, ST_INVALID, "side", "方向 side 应为 out（本组织流出）或 in（流入本组织）。");
    if (f.status && strcmp(f.status, "open") && strcmp(f.status, "overdue") && strcmp(f.status, "returned"))
        return err_field(e, ST_INVALID, "status", "状态 status 应为 open（外出中）、overdue（逾期未返回）或 returned（已返回）。");
    if (f.q && strlen(f.q) > 90) return err_field(e, ST_INVALID, "q", "姓名关键词 q 过长（最多 30 个字）。");
    http_page pg;
    const char *order;
    if (!s) s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "-id", "q.id DESC", &order, e);
    if (s) return s;
    uc_page p = {pg.size, pg.offset, order};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = flow_store_list(http_uc(r), &f, &p, &items, &total, e))) return s;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
        json_object_set_new(it, "status_name", json_string(fl_status_name(json_string_value(json_object_get(it, "status")))));
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static st h_flow_counts(http_req *r, err *e) {
    int64_t org = 0;
    st s = http_query_int(r, "org_id", 0, 1, INT64_MAX, &org, e);
    if (!s && !org) s = err_field(e, ST_INVALID, "org_id", "请指定党组织 org_id。");
    json_t *o = NULL;
    if (!s) s = flow_store_counts(http_uc(r), org, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st h_flow_orgs(http_req *r, err *e) {
    const char *q = fl_q(r, "q");
    if (!q) return err_field(e, ST_INVALID, "q", "请输入党组织名称中的几个字 q。");
    if (strlen(q) > 90) return err_field(e, ST_INVALID, "q", "名称关键词 q 过长（最多 30 个字）。");
    json_t *items = NULL;
    st s = flow_store_orgs(http_uc(r), q, &items, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* The fields both registrations share. */
static st fl_common(http_req *r, flow_new *x, err *e) {
    st s = jsonx_str(r->json, "place", false, 1, 100, &x->place, e);
    if (!s) s = jsonx_str(r->json, "reason", true, 1, 20, &x->reason, e);
    if (!s) s = jsonx_str(r->json, "from_day", true, 1, 20, &x->from_day, e);
    if (!s) s = jsonx_str(r->json, "expect_day", false, 0, 20, &x->expect_day, e);
    if (!s) s = jsonx_str(r->json, "contact", false, 0, 100, &x->contact, e);
    if (!s) s = jsonx_str(r->json, "card_no", false, 0, 60, &x->card_no, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 200, &x->note, e);
    return s;
}

static st h_flow_out(http_req *r, err *e) {
    static const char *const only[] = {"person_id", "org_id", "place", "reason", "from_day", "expect_day", "contact", "card_no", "note", NULL};
    flow_new x;
    memset(&x, 0, sizeof x);
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_int(r->json, "person_id", true, 1, INT64_MAX, 0, &x.person_id, e);
    if (!s) s = jsonx_int(r->json, "org_id", false, 0, INT64_MAX, 0, &x.org_id, e);
    if (!s) s = fl_common(r, &x, e);
    int64_t id = 0;
    if (!s) s = flow_store_out(http_uc(r), &x, &id, e);
    if (s) return s;
    return fl_reply(r, 201, id, e);
}

static st h_flow_in(http_req *r, err *e) {
    static const char *const only[] = {"id_number", "name", "org_id", "place", "reason", "from_day", "expect_day", "contact", "card_no", "note", NULL};
    flow_new x;
    memset(&x, 0, sizeof x);
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "id_number", true, 1, 30, &x.id_number, e);
    if (!s) s = jsonx_str(r->json, "name", true, 1, 30, &x.name, e);
    if (!s) s = jsonx_int(r->json, "org_id", true, 1, INT64_MAX, 0, &x.org_id, e);
    if (!s) s = fl_common(r, &x, e);
    int64_t id = 0;
    if (!s) s = flow_store_in(http_uc(r), &x, &id, e);
    if (s) return s;
    return fl_reply(r, 201, id, e);
}

static st h_flow_return(http_req *r, err *e) {
    static const char *const only[] = {"day", "note", NULL};
    int64_t id;
    const char *day = NULL, *note = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "day", true, 1, 20, &day, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 200, &note, e);
    if (!s) s = flow_store_return(http_uc(r), id, day, note, e);
    if (s) return s;
    return fl_reply(r, 200, id, e);
}

static const http_sort_key fl_sort[] = {{"id", "q.id"},
                                        {"name", "q.name", true},
                                        {"home_org_name", "q.home_org_name", true},
                                        {"manager_org_name", "q.manager_org_name", true},
                                        {"from_day", "q.from_day"},
                                        {"expect_day", "q.expect_day"},
                                        {"to_day", "q.to_day"},
                                        {NULL, NULL}};
#define FL_EXPORT                                                                                                          \
    "流动党员|id:编号|name:姓名|home_org_name:所在党组织|manager_org_name:管理党组织|place:外出去向|reason:流动原因|"     \
    "from_day:外出日期|expect_day:预计返回日期|to_day:返回日期|status_name:状态|contact:联系方式|card_no:流动党员活动证号"

const http_route flow_routes[] = {
    {"GET", "/api/flows", "transfer.read", h_flow_list, HB_NONE,
     "流动党员列表（本范围内流出与流入的；按方向、状态、党组织、姓名筛选）", "flow", "org:?org_id", FL_EXPORT, fl_sort},
    {"GET", "/api/flows/counts", "transfer.read", h_flow_counts, HB_NONE, "党组织的流动党员数：流出、流入、逾期未返回", "flow",
     "org:?org_id"},
    {"GET", "/api/flows/orgs", "transfer.write", h_flow_orgs, HB_NONE, "按名称查找全市的党组织（流动党员的去向）", "flow", NULL},
    {"POST", "/api/flows/out", "transfer.write", h_flow_out, HB_JSON, "登记流出党员（所在党组织：去向、外出日期、预计返回、原因、联系方式）",
     "flow", "member:.person_id"},
    {"POST", "/api/flows/in", "transfer.write", h_flow_in, HB_JSON,
     "登记流入党员（接收党组织：按公民身份号码和姓名查找党员名册中的党员，本组织负责管理）", "flow", "org:.org_id"},
    {"POST", "/api/flows/{id}/return", "transfer.write", h_flow_return, HB_JSON, "登记流动党员返回（所在党组织）", "flow", "flow:{id}"},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
