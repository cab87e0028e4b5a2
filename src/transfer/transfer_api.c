/* transfer_api — organization-relation transfers over HTTP: parse, call transfer_store, reply.
 *   GET  /api/transfers                       the transfers of my scope (state, direction in/out, org, overdue letters; xlsx)
 *   POST /api/transfers                       start one for a member of my scope (inside the system, or out with a letter)
 *   GET  /api/transfers/targets?q=            organizations of the whole system to send to
 *   POST /api/transfers/incoming              register a letter from outside (person matched by ID number or registered)
 *   GET  /api/transfers/{id}                  one transfer: steps, and the actions the caller may take
 *   POST /api/transfers/{id}/approve|refuse|cancel|resubmit|receipt   the sending side's steps
 *   POST /api/transfers/{id}/accept|return    the receiving side's steps
 *   GET  /api/transfers/{id}/letter.pdf       the letter (存根, 介绍信, 回执), a download (audited)
 *   GET  /api/me/transfers                    my transfers and their progress
 *   POST /api/me/transfers                    I ask to move my membership to another organization
 *   POST /api/me/transfers/{id}/cancel        I withdraw my request before it is approved
 * Scope: the sending side's steps name the transfer where its sending
 * organization is (transfer), the receiving side's where its receiving one is
 * (transfer_in); a transfer is read by whoever holds either side (checked by
 * the store), the member's own by the member. */
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "http/http.h"
#include "transfer/transfer_store.h"

static const char *ta_q(http_req *r, const char *name) {
    const char *v = http_query(r, name);
    return v && *v ? v : NULL;
}

static st ta_reply(http_req *r, int status, int64_t id, err *e) {
    json_t *o = NULL;
    st s = transfer_store_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, status, o);
}

static st h_transfer_list(http_req *r, err *e) {
    transfer_filter f = {ta_q(r, "state"), ta_q(r, "direction"), ta_q(r, "kind"), 0, false, ta_q(r, "q")};
    int64_t overdue = 0;
    if (f.state && !transfer_state_ok(f.state))
        return err_field(e, ST_INVALID, "state",
                         "状态 state 应为 requested、sent、returned、refused、accepted、cancelled、letter 或 completed。");
    if (f.direction && strcmp(f.direction, "in") && strcmp(f.direction, "out"))
        return err_field(e, ST_INVALID, "direction", "方向 direction 应为 in（转入本组织）或 out（从本组织转出）。");
    if (f.kind && !transfer_kind_ok(f.kind)) return err_field(e, ST_INVALID, "kind", "类别 kind 应为 internal、out 或 in。");
    if (f.q && strlen(f.q) > 90) return err_field(e, ST_INVALID, "q", "姓名关键词 q 过长。");
    st s = http_query_int(r, "org_id", 0, 0, INT64_MAX, &f.org_id, e);
    if (!s) s = http_query_int(r, "overdue", 0, 0, 1, &overdue, e);
    f.overdue = overdue == 1;
    http_page pg;
    const char *order;
    if (!s) s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "-id", "q.id DESC", &order, e);
    if (s) return s;
    uc_page p = {pg.size, pg.offset, order};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = transfer_store_list(http_uc(r), &f, &p, &items, &total, e))) return s;
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static st ta_new(http_req *r, bool mine, err *e) {
    static const char *const only[] = {"kind", "person_id", "to_org_id", "to_name", "reason", "day", NULL};
    static const char *const only_me[] = {"to_org_id", "reason", NULL};
    transfer_new n;
    memset(&n, 0, sizeof n);
    st s = jsonx_only(r->json, mine ? only_me : only, e);
    if (!s && !mine) s = jsonx_str(r->json, "kind", false, 0, 20, &n.kind, e);
    if (!s && !mine) s = jsonx_int(r->json, "person_id", true, 1, INT64_MAX, 0, &n.person_id, e);
    if (!s) s = jsonx_int(r->json, "to_org_id", false, 1, INT64_MAX, 0, &n.to_org_id, e);
    if (!s && !mine) s = jsonx_str(r->json, "to_name", false, 0, 120, &n.to_name, e);
    if (!s) s = jsonx_str(r->json, "reason", false, 0, 220, &n.reason, e);
    if (!s && !mine) s = jsonx_str(r->json, "day", false, 0, 20, &n.day, e);
    if (mine) n.kind = "internal";
    int64_t id = 0;
    if (!s) s = transfer_store_request(http_uc(r), &n, mine, &id, e);
    if (s) return s;
    return ta_reply(r, 201, id, e);
}
static st h_transfer_create(http_req *r, err *e) { return ta_new(r, false, e); }
static st h_me_transfer_create(http_req *r, err *e) { return ta_new(r, true, e); }

static st h_transfer_get(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (s) return s;
    return ta_reply(r, 200, id, e);
}

/* One step: the body {day?, note?, override_reason?, to_org_id?}. */
static st ta_act(http_req *r, const char *action, const char *side, err *e) {
    static const char *const only[] = {"day", "note", "override_reason", "to_org_id", NULL};
    int64_t id;
    transfer_act a;
    memset(&a, 0, sizeof a);
    st s = http_param_int(r, "id", &id, e);
    if (!s && r->json) s = jsonx_only(r->json, only, e);
    if (!s && r->json) s = jsonx_str(r->json, "day", false, 0, 20, &a.day, e);
    if (!s && r->json) s = jsonx_str(r->json, "note", false, 0, 220, &a.note, e);
    if (!s && r->json) s = jsonx_str(r->json, "override_reason", false, 0, 220, &a.override_reason, e);
    if (!s && r->json) s = jsonx_int(r->json, "to_org_id", false, 1, INT64_MAX, 0, &a.to_org_id, e);
    if (!s) s = transfer_store_act(http_uc(r), id, action, side, &a, e);
    if (s) return s;
    if (!strcmp(side, TRANSFER_MEMBER)) {
        json_t *o = NULL;
        if ((s = transfer_store_mine(http_uc(r), &o, e))) return s;
        return http_reply_json(r, 200, o);
    }
    return ta_reply(r, 200, id, e);
}
static st h_approve(http_req *r, err *e) { return ta_act(r, "approve", TRANSFER_SENDER, e); }
static st h_refuse(http_req *r, err *e) { return ta_act(r, "refuse", TRANSFER_SENDER, e); }
static st h_cancel(http_req *r, err *e) { return ta_act(r, "cancel", TRANSFER_SENDER, e); }
static st h_resubmit(http_req *r, err *e) { return ta_act(r, "resubmit", TRANSFER_SENDER, e); }
static st h_receipt(http_req *r, err *e) { return ta_act(r, "receipt", TRANSFER_SENDER, e); }
static st h_accept(http_req *r, err *e) { return ta_act(r, "accept", TRANSFER_RECEIVER, e); }
static st h_return(http_req *r, err *e) { return ta_act(r, "return", TRANSFER_RECEIVER, e); }
static st h_me_cancel(http_req *r, err *e) { return ta_act(r, "cancel", TRANSFER_MEMBER, e); }

static st h_incoming(http_req *r, err *e) {
    static const char *const only[] = {"letter_no", "from_name", "id_number", "name", "category", "joined_on", "full_on",
                                       "to_org_id", "day", "reason", NULL};
    transfer_incoming in;
    memset(&in, 0, sizeof in);
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "letter_no", true, 1, 60, &in.letter_no, e);
    if (!s) s = jsonx_str(r->json, "from_name", true, 2, 100, &in.from_name, e);
    if (!s) s = jsonx_str(r->json, "id_number", true, 15, 24, &in.id_number, e);
    if (!s) s = jsonx_str(r->json, "name", false, 0, 30, &in.name, e);
    if (!s) s = jsonx_str(r->json, "category", false, 0, 10, &in.category, e);
    if (!s) s = jsonx_str(r->json, "joined_on", false, 0, 20, &in.joined_on, e);
    if (!s) s = jsonx_str(r->json, "full_on", false, 0, 20, &in.full_on, e);
    if (!s) s = jsonx_int(r->json, "to_org_id", true, 1, INT64_MAX, 0, &in.to_org_id, e);
    if (!s) s = jsonx_str(r->json, "day", false, 0, 20, &in.day, e);
    if (!s) s = jsonx_str(r->json, "reason", false, 0, 220, &in.reason, e);
    int64_t id = 0;
    if (!s) s = transfer_store_incoming(http_uc(r), &in, &id, e);
    if (s) return s;
    return ta_reply(r, 201, id, e);
}

static st h_targets(http_req *r, err *e) {
    const char *q = ta_q(r, "q");
    if (q && strlen(q) > 90) return err_field(e, ST_INVALID, "q", "党组织名称关键词 q 过长。");
    json_t *items = NULL;
    st s = transfer_store_targets(http_uc(r), q, &items, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static st h_letter(http_req *r, err *e) {
    int64_t id;
    transfer_letter l;
    const char *path = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = transfer_store_letter(http_uc(r), id, &l, e);
    if (!s) s = http_tempfile(r, &path, e);
    if (!s) s = transfer_letter_pdf(&l, path, e);
    if (s) return s;
    const char *name = arena_printf(&r->mem, "组织关系介绍信-%s.pdf", l.number);
    if (!name) return err_set(e, ST_NOMEM, "内存不足。");
    return http_reply_file(r, path, "application/pdf", name, e);
}

static st h_me_transfers(http_req *r, err *e) {
    json_t *o = NULL;
    st s = transfer_store_mine(http_uc(r), &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static const http_sort_key ta_sort[] = {{"id", "q.id"},
                                        {"name", "q.name", true},
                                        {"state", "q.state"},
                                        {"from_name", "q.from_name", true},
                                        {"to_name", "q.to_name", true},
                                        {"requested_on", "q.requested_on"},
                                        {"valid_until", "q.valid_until"},
                                        {NULL, NULL}};
#define TA_EXPORT                                                                                                        \
    "组织关系转接|id:编号|name:姓名|category:人员类别|kind_label:类别|state_label:状态|from_name:转出党组织|to_name:接收党组织|reason:原因|" \
    "requested_on:申请日期|approved_on:同意转出日期|accepted_on:接收日期|letter_no:介绍信编号|valid_until:有效期至|receipt_on:回执日期|" \
    "overdue:逾期未回执:bool|dues_owed:欠缴党费月份|dues_override:欠费仍转出的理由|note:退回或不予转出的理由"

const http_route transfer_routes[] = {
    {"GET", "/api/transfers", "transfer.read", h_transfer_list, HB_NONE,
     "组织关系转接列表（本范围内转出或转入的；按状态、方向、组织、逾期未回执的介绍信筛选）", "transfer", NULL, TA_EXPORT, ta_sort},
    {"POST", "/api/transfers", "transfer.write", h_transfer_create, HB_JSON, "为本范围内的党员发起组织关系转接（系统内，或开具介绍信转出系统）",
     "transfer", "member:.person_id"},
    {"GET", "/api/transfers/targets", "login", h_targets, HB_NONE, "可转往的党组织（全系统，按名称查找）", "transfer", NULL},
    {"POST", "/api/transfers/incoming", "transfer.write", h_incoming, HB_JSON, "登记从系统外转入的介绍信（按身份证号匹配或新登记党员）",
     "transfer", "org:.to_org_id"},
    {"GET", "/api/transfers/{id}", "transfer.read", h_transfer_get, HB_NONE, "一件组织关系转接：各步骤及当前可办理的操作", "transfer",
     NULL},
    {"POST", "/api/transfers/{id}/approve", "transfer.write", h_approve, HB_JSON, "转出党组织同意转出（核对党费；转出系统的开具介绍信）",
     "transfer", "transfer:{id}"},
    {"POST", "/api/transfers/{id}/refuse", "transfer.write", h_refuse, HB_JSON, "转出党组织不予转出（须说明理由）", "transfer",
     "transfer:{id}"},
    {"POST", "/api/transfers/{id}/cancel", "transfer.write", h_cancel, HB_JSON, "转出党组织撤销转接（须说明理由）", "transfer",
     "transfer:{id}"},
    {"POST", "/api/transfers/{id}/resubmit", "transfer.write", h_resubmit, HB_JSON, "被退回的转接改正后重新发送", "transfer",
     "transfer:{id}"},
    {"POST", "/api/transfers/{id}/receipt", "transfer.write", h_receipt, HB_JSON, "登记介绍信回执（党员组织关系转出本系统）", "transfer",
     "transfer:{id}"},
    {"POST", "/api/transfers/{id}/accept", "transfer.write", h_accept, HB_JSON, "接收党组织接收（党员组织关系当日转入）", "transfer",
     "transfer_in:{id}"},
    {"POST", "/api/transfers/{id}/return", "transfer.write", h_return, HB_JSON, "接收党组织退回（须说明理由）", "transfer",
     "transfer_in:{id}"},
    {"GET", "/api/transfers/{id}/letter.pdf", "transfer.read", h_letter, HB_NONE, "下载组织关系介绍信（存根、介绍信、回执，PDF）",
     "transfer", "transfer:{id}", .download = true},
    {"GET", "/api/me/transfers", "transfer.request", h_me_transfers, HB_NONE, "我的组织关系转接及办理进度", "transfer", NULL},
    {"POST", "/api/me/transfers", "transfer.request", h_me_transfer_create, HB_JSON, "申请将本人组织关系转往另一党组织", "transfer",
     NULL},
    {"POST", "/api/me/transfers/{id}/cancel", "transfer.request", h_me_cancel, HB_JSON, "撤回本人尚未审批的转接申请", "transfer", NULL},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
