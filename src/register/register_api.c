/* register_api — the enterprise register over HTTP (see register.h): parse,
 * call register_store, reply.
 *   GET  /api/register/enterprises               the register (q, district, status; sort; xlsx)
 *   POST /api/register/enterprises               a new enterprise from a day
 *   GET  /api/register/enterprises/{id}          one enterprise: its events, covers, what merged into it, its findings
 *   PUT  /api/register/enterprises/{id}          fields changed on a day
 *   POST /api/register/enterprises/{id}/close    closed on a day
 *   POST /api/register/enterprises/{id}/merge    the same enterprise as `into`
 *   POST /api/register/feeds?date=               the market regulator's registrations (multipart "file")
 *   GET  /api/register/feeds                     the feeds read
 *   GET  /api/register/feeds/{id}                one feed
 *   GET  /api/register/proposals                 what the feeds propose (status, feed_id)
 *   POST /api/register/proposals/{id}/accept     it becomes the event it proposes
 *   POST /api/register/proposals/{id}/refuse     with a reason
 * register.write (city, district) to write; coverage.read to read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "core/config.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "http/http.h"
#include "org/org.h"
#include "org/org_store.h"
#include "register/register.h"

static const char *rg_q(http_req *r, const char *name) {
    const char *v = http_query(r, name);
    return v && *v ? v : NULL;
}

static st rg_list_reply(http_req *r, json_t *items, int64_t total, const http_page *pg) {
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg->page, "size", (json_int_t)pg->size));
}

static st h_ent_list(http_req *r, err *e) {
    http_page pg;
    const char *order;
    st s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "id", "q.id", &order, e);
    if (s) return s;
    const char *q = rg_q(r, "q");
    if (q && strlen(q) > 90) return err_field(e, ST_INVALID, "q", "名称关键词 q 过长（最多 30 个字）。");
    register_filter f = {q, rg_q(r, "district"), rg_q(r, "status")};
    uc_page p = {pg.size, pg.offset, order};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = register_store_list(http_uc(r), &f, &p, &items, &total, e))) return s;
    return rg_list_reply(r, items, total, &pg);
}

/* The fields of a create or an edit from the JSON body. */
static st rg_body(http_req *r, register_ent_in *in, bool create, err *e) {
    static const char *const only[] = {"name", "uscc", "district_code", "street_code", "park_code", "address", "category",
                                       "business_scope", "founded_on", "employees", "members", "day", "note", NULL};
    memset(in, 0, sizeof *in);
    in->employees = in->members = -1;
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "name", create, 1, 100, &in->name, e);
    if (!s) s = jsonx_str(r->json, "uscc", false, 0, 18, &in->uscc, e);
    if (!s) s = jsonx_str(r->json, "district_code", create, 0, 12, &in->district_code, e);
    if (!s) s = jsonx_str(r->json, "street_code", false, 0, 12, &in->street_code, e);
    if (!s) s = jsonx_str(r->json, "park_code", false, 0, 12, &in->park_code, e);
    if (!s) s = jsonx_str(r->json, "address", false, 0, 200, &in->address, e);
    if (!s) s = jsonx_str(r->json, "category", false, 0, 4, &in->category, e);
    if (!s) s = jsonx_str(r->json, "business_scope", false, 0, 2000, &in->business_scope, e);
    if (!s) s = jsonx_str(r->json, "founded_on", false, 0, 10, &in->founded_on, e);
    if (!s) s = jsonx_int(r->json, "employees", false, -1, 10000000, -1, &in->employees, e);
    if (!s) s = jsonx_int(r->json, "members", false, -1, 1000000, -1, &in->members, e);
    if (!s) s = jsonx_str(r->json, "day", true, 10, 10, &in->day, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 500, &in->note, e);
    return s;
}

static st rg_reply_ent(http_req *r, int status, int64_t id, err *e);

static st h_ent_create(http_req *r, err *e) {
    register_ent_in in;
    int64_t id = 0;
    st s = rg_body(r, &in, true, e);
    if (!s) s = register_store_create(http_uc(r), &in, &id, e);
    if (s) return s;
    return rg_reply_ent(r, 201, id, e);
}

static st h_ent_edit(http_req *r, err *e) {
    int64_t id;
    register_ent_in in;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = rg_body(r, &in, false, e);
    if (!s) s = register_store_edit(http_uc(r), id, &in, e);
    if (s) return s;
    return rg_reply_ent(r, 200, id, e);
}

static st h_ent_close(http_req *r, err *e) {
    static const char *const only[] = {"day", "note", NULL};
    int64_t id;
    const char *day = NULL, *note = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "day", true, 10, 10, &day, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 500, &note, e);
    if (!s) s = register_store_close(http_uc(r), id, day, note, 0, e);
    if (s) return s;
    return rg_reply_ent(r, 200, id, e);
}

static st h_ent_merge(http_req *r, err *e) {
    static const char *const only[] = {"into", "day", "note", NULL};
    int64_t id, into = 0;
    const char *day = NULL, *note = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_int(r->json, "into", true, 1, INT64_MAX, 0, &into, e);
    if (!s) s = jsonx_str(r->json, "day", true, 10, 10, &day, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 500, &note, e);
    if (!s) s = register_store_merge(http_uc(r), id, into, day, note, e);
    if (s) return s;
    return rg_reply_ent(r, 200, into, e);
}

/* The enterprise's own findings of the formation rules as of day (its district's set, this one picked). */
static json_t *rg_findings_of(http_req *r, json_t *ent, const char *day) {
    const char *district = json_string_value(json_object_get(ent, "district_code"));
    int64_t id = json_integer_value(json_object_get(ent, "id"));
    json_t *all = NULL, *mine = json_array();
    err e;
    if (district && org_store_findings(http_uc(r), day, district, 0, &all, &e) == ST_OK) {
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(all, "enterprises"), i, x) {
            if (json_integer_value(json_object_get(x, "id")) == id) json_array_extend(mine, json_object_get(x, "findings"));
        }
    }
    json_decref(all);
    return mine;
}

static st rg_reply_ent(http_req *r, int status, int64_t id, err *e) {
    json_t *o = NULL;
    st s = register_store_get(http_uc(r), id, &o, e);
    if (s) return s;
    char day[11];
    clock_day(clock_now(), day);
    const char *to = json_string_value(json_object_get(o, "reg_to"));
    if (to) org_day_add(to, -1, day);   /* a closed one: the rules on its last day */
    json_object_set_new(o, "findings", rg_findings_of(r, o, day));
    json_object_set_new(o, "findings_date", json_string(day));
    return http_reply_json(r, status, json_pack("{s:o}", "enterprise", o));
}

static st h_ent_get(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (s) return s;
    return rg_reply_ent(r, 200, id, e);
}

/* ---- the feed ---- */

static void rg_progress(void *ctx, const char *phase, uint64_t done, uint64_t total) {
    http_req *r = ctx;
    (void)r;
    log_msg(LOG_INFO, "register feed: %s %llu/%llu", phase, (unsigned long long)done, (unsigned long long)total);
}

static st h_feed_upload(http_req *r, err *e) {
    const http_upload *u = http_upload_get(r, "file");
    if (!u) return err_field(e, ST_INVALID, "file", "请选择要导入的市场监管登记数据文件（表单字段 file）：CSV 或 xlsx，按收到的原样。");
    char day[11];
    st s = org_day_arg(rg_q(r, "date") ? rg_q(r, "date") : http_field(r, "date"), "date", day, e);
    if (s) return s;
    FILE *f = fopen(u->path, "rb");
    if (!f) return err_set(e, ST_IO, "无法读取上传的文件。");
    char *data = malloc(u->size ? u->size : 1);
    size_t got = data ? fread(data, 1, u->size, f) : 0;
    fclose(f);
    if (!data || got != u->size) {
        free(data);
        return err_set(e, ST_IO, "无法读取上传的文件。");
    }
    ledger_table *t = NULL;
    s = register_feed_read_mem(u->filename && *u->filename ? u->filename : "登记数据", data, u->size, &t, e);
    free(data);
    if (s) return s;
    int64_t id = 0;
    s = register_store_feed_import(http_uc(r), t, day, rg_progress, r, &id, e);
    ledger_table_free(t);
    json_t *o = NULL;
    if (!s) s = register_store_feed_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, 201, json_pack("{s:o}", "feed", o));
}

static st h_feed_list(http_req *r, err *e) {
    http_page pg;
    const char *order;
    st s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "-id", "q.id DESC", &order, e);
    if (s) return s;
    uc_page p = {pg.size, pg.offset, order};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = register_store_feeds(http_uc(r), &p, &items, &total, e))) return s;
    return rg_list_reply(r, items, total, &pg);
}

static st h_feed_get(http_req *r, err *e) {
    int64_t id;
    json_t *o = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = register_store_feed_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:o}", "feed", o));
}

static st h_prop_list(http_req *r, err *e) {
    http_page pg;
    const char *order;
    int64_t feed = 0;
    st s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "id", "q.id", &order, e);
    if (!s) s = http_query_int(r, "feed_id", 0, 0, INT64_MAX, &feed, e);
    if (s) return s;
    uc_page p = {pg.size, pg.offset, order};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = register_store_proposals(http_uc(r), rg_q(r, "status"), feed, &p, &items, &total, e))) return s;
    return rg_list_reply(r, items, total, &pg);
}

static st h_prop_accept(http_req *r, err *e) {
    static const char *const only[] = {"note", NULL};
    int64_t id, ent = 0;
    const char *note = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s && r->json) s = jsonx_only(r->json, only, e);
    if (!s && r->json) s = jsonx_str(r->json, "note", false, 0, 500, &note, e);
    if (!s) s = register_store_accept(http_uc(r), id, note, &ent, e);
    if (s) return s;
    return rg_reply_ent(r, 200, ent, e);
}

static st h_prop_refuse(http_req *r, err *e) {
    static const char *const only[] = {"reason", NULL};
    int64_t id;
    const char *reason = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "reason", true, 2, 500, &reason, e);
    if (!s) s = register_store_refuse(http_uc(r), id, reason, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id, "status", "refused"));
}

static const http_sort_key rg_ent_sort[] = {
    {"id", "q.id"}, {"name", "q.name", true}, {"uscc", "q.uscc"}, {"district_code", "q.district_code"},
    {"category", "q.category", true}, {"reg_from", "q.reg_from"}, {"reg_to", "q.reg_to"}, {"last_event", "q.last_event"},
    {NULL, NULL}};
static const http_sort_key rg_feed_sort[] = {{"id", "q.id"}, {"created_at", "q.created_at"}, {"rows", "q.rows"}, {NULL, NULL}};
static const http_sort_key rg_prop_sort[] = {{"id", "q.id"}, {"day", "q.day"}, {"kind", "q.kind"}, {"name", "q.name", true},
                                             {NULL, NULL}};
#define RG_ENT_EXPORT                                                                                                 \
    "企业名录|id:编号|name:企业名称|uscc:统一社会信用代码|district_code:所属区|category:行业类别|reg_from:纳入名录日期|" \
    "reg_to:退出名录日期|reg_end:退出方式|covered:今日已覆盖"

const http_route register_routes[] = {
    {"GET", "/api/register/enterprises", "coverage.read", h_ent_list, HB_NONE, "企业名录（在册、已关闭、已合并）", "register", NULL,
     RG_ENT_EXPORT, rg_ent_sort},
    {"POST", "/api/register/enterprises", "register.write", h_ent_create, HB_JSON, "企业纳入名录（自某日起）", "register",
     "region:.district_code region:.park_code"},
    {"GET", "/api/register/enterprises/{id}", "coverage.read", h_ent_get, HB_NONE, "名录中的一家企业：变动历史、覆盖、组建要求", "register",
     "enterprise:{id}"},
    {"PUT", "/api/register/enterprises/{id}", "register.write", h_ent_edit, HB_JSON, "修改名录中的企业（自某日起）", "register",
     "enterprise:{id} region:.district_code region:.park_code"},
    {"POST", "/api/register/enterprises/{id}/close", "register.write", h_ent_close, HB_JSON, "企业关闭（注销、吊销），自某日起退出名录",
     "register", "enterprise:{id}"},
    {"POST", "/api/register/enterprises/{id}/merge", "register.write", h_ent_merge, HB_JSON,
     "两家实为同一企业：合并到另一家，覆盖与历史都保留", "register", "enterprise:{id} enterprise:.into"},
    {"POST", "/api/register/feeds", "register.write", h_feed_upload, HB_MULTIPART,
     "导入市场监管登记数据（CSV、xlsx）：与名录比对，生成新增、更名、关闭建议", "register", NULL},
    {"GET", "/api/register/feeds", "coverage.read", h_feed_list, HB_NONE, "登记数据导入记录", "register", NULL, NULL, rg_feed_sort},
    {"GET", "/api/register/feeds/{id}", "coverage.read", h_feed_get, HB_NONE, "一次登记数据导入", "register", "register_feed:{id}"},
    {"GET", "/api/register/proposals", "coverage.read", h_prop_list, HB_NONE, "名录变动建议（待处理、已采纳、已拒绝）", "register",
     "register_feed:?feed_id", NULL, rg_prop_sort},
    {"POST", "/api/register/proposals/{id}/accept", "register.write", h_prop_accept, HB_JSON, "采纳名录变动建议（按登记日期记入名录）",
     "register", "register_proposal:{id}"},
    {"POST", "/api/register/proposals/{id}/refuse", "register.write", h_prop_refuse, HB_JSON, "拒绝名录变动建议（写明原因）", "register",
     "register_proposal:{id}"},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
