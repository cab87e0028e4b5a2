/* notice_api — notices and reminders over HTTP: parse, call notice_store, reply.
 *   GET  /api/notices                        the notices inside my scope (state, part of the title; xlsx)
 *   POST /api/notices                        write a notice to my scope or an organization in it (draft, or published at once)
 *   GET  /api/notices/{id}                   one notice: text, place, state, read / not read counts
 *   POST /api/notices/{id}/publish           publish a draft
 *   POST /api/notices/{id}/withdraw          withdraw a published notice, with a reason
 *   GET  /api/notices/{id}/recipients        who it went to: ?read=0 those who have not read it (xlsx)
 *   GET  /api/me/notices                     my notices (我的通知), unread first counted
 *   GET  /api/me/notices/{id}                one of my notices with its body
 *   POST /api/me/notices/{id}/read           I have read it (the receipt)
 *   GET  /api/me/reminders                   my reminders: the bell and the member's home
 * Scope: the city all notices, a district or park its area's, an
 * organization's administrator and secretary their organization's and
 * those below; a member only the notices sent to them (checked by the store:
 * the routes of the member's own side name no object). */
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "http/http.h"
#include "notice/notice_store.h"

static const char *nt_q(http_req *r, const char *name) {
    const char *v = http_query(r, name);
    return v && *v ? v : NULL;
}

static st nt_reply(http_req *r, int status, int64_t id, err *e) {
    json_t *o = NULL;
    st s = notice_store_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, status, o);
}

static st h_notice_list(http_req *r, err *e) {
    notice_filter f = {nt_q(r, "state"), nt_q(r, "q")};
    if (f.state && strcmp(f.state, "draft") && strcmp(f.state, "published") && strcmp(f.state, "withdrawn"))
        return err_field(e, ST_INVALID, "state", "状态 state 应为 draft（草稿）、published（已发布）或 withdrawn（已撤回）。");
    if (f.q && strlen(f.q) > 200) return err_field(e, ST_INVALID, "q", "标题关键词 q 过长（最多 200 字节）。");
    http_page pg;
    const char *order;
    st s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "-id", "q.id DESC", &order, e);
    if (s) return s;
    uc_page p = {pg.size, pg.offset, order};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = notice_store_list(http_uc(r), &f, &p, &items, &total, e))) return s;
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static st h_notice_create(http_req *r, err *e) {
    static const char *const only[] = {"title", "body", "org_id", "draft", NULL};
    notice_new n;
    memset(&n, 0, sizeof n);
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "title", true, 1, NOTICE_TITLE_MAX + 20, &n.title, e);
    if (!s) s = jsonx_str(r->json, "body", true, 1, NOTICE_BODY_MAX + 20, &n.body, e);
    if (!s) s = jsonx_int(r->json, "org_id", false, 1, INT64_MAX, 0, &n.org_id, e);
    if (!s) s = jsonx_bool(r->json, "draft", false, false, &n.draft, e);
    int64_t id = 0;
    if (!s) s = notice_store_create(http_uc(r), &n, &id, e);
    if (s) return s;
    return nt_reply(r, 201, id, e);
}

static st h_notice_get(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (s) return s;
    return nt_reply(r, 200, id, e);
}

static st h_notice_publish(http_req *r, err *e) {
    static const char *const only[] = {NULL};
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (!s && r->json) s = jsonx_only(r->json, only, e);
    if (!s) s = notice_store_publish(http_uc(r), id, e);
    if (s) return s;
    return nt_reply(r, 200, id, e);
}

static st h_notice_withdraw(http_req *r, err *e) {
    static const char *const only[] = {"reason", NULL};
    int64_t id;
    const char *reason = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "reason", true, 2, 200, &reason, e);
    if (!s) s = notice_store_withdraw(http_uc(r), id, reason, e);
    if (s) return s;
    return nt_reply(r, 200, id, e);
}

static st h_notice_recipients(http_req *r, err *e) {
    int64_t id, read = -1;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_query_int(r, "read", -1, 0, 1, &read, e);
    http_page pg;
    const char *order;
    if (!s) s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "name", "q.person_id", &order, e);
    if (s) return s;
    uc_page p = {pg.size, pg.offset, order};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = notice_store_recipients(http_uc(r), id, (int)read, &p, &items, &total, e))) return s;
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static st h_me_notices(http_req *r, err *e) {
    http_page pg;
    st s = http_paging(r, &pg, e);
    if (s) return s;
    uc_page p = {pg.size, pg.offset, NULL};
    json_t *o = NULL;
    if ((s = notice_store_mine(http_uc(r), &p, &o, e))) return s;
    json_object_set_new(o, "page", json_integer(pg.page));
    json_object_set_new(o, "size", json_integer(pg.size));
    return http_reply_json(r, 200, o);
}

static st h_me_notice(http_req *r, err *e) {
    int64_t id;
    json_t *o = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = notice_store_mine_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st h_me_notice_read(http_req *r, err *e) {
    int64_t id;
    json_t *o = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = notice_store_read(http_uc(r), id, e);
    if (!s) s = notice_store_mine_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st h_me_reminders(http_req *r, err *e) {
    json_t *o = NULL;
    st s = notice_store_reminders(http_uc(r), &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static const http_sort_key nt_sort[] = {{"id", "q.id"},
                                        {"title", "q.title", true},
                                        {"scope_name", "q.scope_name", true},
                                        {"state", "q.state"},
                                        {"published_at", "q.published_at"},
                                        {"recipients", "q.recipients"},
                                        {"read_count", "q.read_count"},
                                        {"unread", "q.unread"},
                                        {NULL, NULL}};
static const http_sort_key nt_rcpt_sort[] = {
    {"name", "q.name", true}, {"org_name", "q.org_name", true}, {"read_at", "q.read_at"}, {NULL, NULL}};
#define NT_EXPORT \
    "通知公告|id:编号|title:标题|scope_name:发送范围|state:状态:labels=notice_state|sender:发送人|published_on:发布日期|recipients:应读人数|read_count:已读|unread:未读"
#define NT_RCPT_EXPORT "阅读情况|name:姓名|org_name:所在党组织|read_time:阅读时间"

const http_route notice_routes[] = {
    {"GET", "/api/notices", "notice.send", h_notice_list, HB_NONE, "通知公告列表（本范围内发出的；按状态、标题筛选）", "notice", NULL,
     NT_EXPORT, nt_sort},
    {"POST", "/api/notices", "notice.send", h_notice_create, HB_JSON, "撰写通知公告（发给本范围或范围内某一党组织及其下级；可存为草稿）",
     "notice", "org:.org_id"},
    {"GET", "/api/notices/{id}", "notice.send", h_notice_get, HB_NONE, "通知详情：正文、发送范围、状态、已读与未读人数", "notice",
     "notice:{id}"},
    {"POST", "/api/notices/{id}/publish", "notice.send", h_notice_publish, HB_JSON, "发布草稿（按当日党员名册确定接收人）", "notice",
     "notice:{id}"},
    {"POST", "/api/notices/{id}/withdraw", "notice.send", h_notice_withdraw, HB_JSON, "撤回已发布的通知（须说明原因）", "notice",
     "notice:{id}"},
    {"GET", "/api/notices/{id}/recipients", "notice.send", h_notice_recipients, HB_NONE, "接收人及阅读情况（read=0 为未读名单）",
     "notice", "notice:{id}", NT_RCPT_EXPORT, nt_rcpt_sort},
    {"GET", "/api/me/notices", "notice.read", h_me_notices, HB_NONE, "我的通知（含未读数）", "notice", NULL},
    {"GET", "/api/me/notices/{id}", "notice.read", h_me_notice, HB_NONE, "我的一条通知（正文）", "notice", NULL},
    {"POST", "/api/me/notices/{id}/read", "notice.read", h_me_notice_read, HB_JSON, "标记已读（本人）", "notice", NULL},
    {"GET", "/api/me/reminders", "login", h_me_reminders, HB_NONE, "我的提醒：近期会议、正在签到、未读通知，以及本范围待处理事项", "notice",
     NULL},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
