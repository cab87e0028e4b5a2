/* dues_bank_api — bank statements over HTTP:
 *   POST /api/dues/bank/imports?org_id=&month=        upload a statement (multipart "file": CSV, xlsx, xls)
 *                                                     for the organization's month; matched lines are paid
 *   GET  /api/dues/bank/imports?org_id=&month=        the imports within the caller's scope
 *   GET  /api/dues/bank/imports/{id}?state=           one import with its lines (and the sheet's members)
 *   POST /api/dues/bank/imports/{id}/lines/{row}      decide an unmatched line: {"action":"assign",
 *                                                     "person_id", "first_month", "last_month", "voluntary",
 *                                                     "consent", "reason"} or {"action":"ignore", "reason"} */
#include <stdio.h>
#include <string.h>

#include "core/jsonx.h"
#include "dues/dues_bank.h"
#include "dues/dues_bank_store.h"
#include "dues/dues_store.h"
#include "http/http.h"

static st h_bank_upload(http_req *r, err *e) {
    int64_t org_id = 0;
    st s = http_query_int(r, "org_id", 0, 0, INT64_MAX, &org_id, e);
    if (s) return s;
    if (!org_id) return err_field(e, ST_INVALID, "org_id", "请指明是哪个党组织的银行流水（org_id）。");
    const char *month = http_query(r, "month");
    if (!month || !dues_month_valid(month)) return err_field(e, ST_INVALID, "month", "请指明对账的月份，如 2026-11（month）。");
    const http_upload *u = http_upload_get(r, "file");
    if (!u) return err_field(e, ST_INVALID, "file", "请选择要导入的银行流水文件（表单字段 file）：CSV 或 xlsx，按网银导出的原样。");
    dues_bank_statement *st_ = NULL;
    s = dues_bank_read(u->path, u->filename && *u->filename ? u->filename : "银行流水", &st_, e);
    if (s) {
        if (!e->field[0]) snprintf(e->field, sizeof e->field, "file");
        return s;
    }
    dues_bank_result res;
    s = dues_bank_store_import(http_uc(r), org_id, month, st_, &res, e);
    json_t *out = NULL;
    if (!s)
        out = json_pack("{s:{s:I,s:s,s:s,s:i,s:i,s:i,s:i,s:I,s:I}}", "import", "id", (json_int_t)res.import_id, "source",
                        st_->source, "month", month, "lines", res.lines, "matched", res.matched, "unmatched", res.unmatched,
                        "notpay", res.notpay, "credit_fen", (json_int_t)res.credit_fen, "paid_fen", (json_int_t)res.paid_fen);
    dues_bank_free(st_);
    if (s) return s;
    return http_reply_json(r, 201, out);
}

static st h_bank_list(http_req *r, err *e) {
    http_page pg;
    const char *order;
    int64_t org_id = 0;
    st s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "-id", "q.id", &order, e);
    if (!s) s = http_query_int(r, "org_id", 0, 0, INT64_MAX, &org_id, e);
    if (s) return s;
    const char *month = http_query(r, "month");
    if (month && *month && !dues_month_valid(month))
        return err_field(e, ST_INVALID, "month", "月份“%.20s”无效，应写作 2026-11。", month);
    uc_page p = {pg.size, pg.offset, order};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = dues_bank_store_imports(http_uc(r), org_id, month, &p, &items, &total, e))) return s;
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static st h_bank_get(http_req *r, err *e) {
    int64_t id;
    json_t *o = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = dues_bank_store_get(http_uc(r), id, http_query(r, "state"), &o, e);
    if (s) return s;
    /* the sheet's members, for a person assigning a line */
    json_t *sheet = NULL;
    json_t *members = json_array();
    int64_t org_id = json_integer_value(json_object_get(o, "org_id"));
    const char *month = json_string_value(json_object_get(o, "month"));
    err se;
    if (dues_store_sheet_get(http_uc(r), org_id, month, &sheet, &se) == ST_OK) {
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(sheet, "items"), i, it) {
            json_array_append_new(members, json_pack("{s:O,s:O,s:O,s:O}", "person_id", json_object_get(it, "person_id"),
                                                     "name", json_object_get(it, "name"), "state",
                                                     json_object_get(it, "state"), "due_fen", json_object_get(it, "due_fen")));
        }
        json_decref(sheet);
    }
    json_object_set_new(o, "members", members);
    return http_reply_json(r, 200, json_pack("{s:o}", "import", o));
}

static st h_bank_decide(http_req *r, err *e) {
    static const char *const only[] = {"action", "reason", "person_id", "first_month", "last_month", "voluntary", "consent",
                                       NULL};
    int64_t id, row;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_param_int(r, "row", &row, e);
    if (s) return s;
    if (row < 1 || row > 10000000) return err_field(e, ST_INVALID, "row", "行号 %lld 无效。", (long long)row);
    dues_bank_decision d;
    memset(&d, 0, sizeof d);
    const char *action = NULL;
    s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "action", true, 1, 16, &action, e);
    if (!s) s = jsonx_str(r->json, "reason", false, 0, 500, &d.reason, e);
    if (!s) s = jsonx_int(r->json, "person_id", false, 1, INT64_MAX, 0, &d.person_id, e);
    if (!s) s = jsonx_str(r->json, "first_month", false, 0, 16, &d.first_month, e);
    if (!s) s = jsonx_str(r->json, "last_month", false, 0, 16, &d.last_month, e);
    if (!s) s = jsonx_bool(r->json, "voluntary", false, false, &d.voluntary, e);
    if (!s) s = jsonx_str(r->json, "consent", false, 0, 500, &d.consent, e);
    if (s) return s;
    if (!strcmp(action, "ignore")) d.ignore = true;
    else if (strcmp(action, "assign"))
        return err_field(e, ST_INVALID, "action", "处理方式“%.16s”无效：应为 assign（分配给党员）或 ignore（忽略）。", action);
    if ((s = dues_bank_store_decide(http_uc(r), id, (int)row, &d, e))) return s;
    json_t *o = NULL;
    if ((s = dues_bank_store_get(http_uc(r), id, NULL, &o, e))) return s;
    json_t *line = NULL;
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(o, "lines"), i, l) {
        if (json_integer_value(json_object_get(l, "row")) == row) line = json_incref(l);
    }
    json_object_set_new(o, "lines", json_integer((json_int_t)json_array_size(json_object_get(o, "lines"))));
    return http_reply_json(r, 200, json_pack("{s:o,s:o}", "import", o, "line", line ? line : json_null()));
}

static const http_sort_key bank_sort[] = {{"id", "q.id"},       {"month", "q.month"},           {"source", "q.source", true},
                                          {"lines", "q.lines"}, {"unmatched", "q.unmatched"}, {"created_at", "q.created_at"},
                                          {NULL, NULL}};

const http_route dues_bank_routes[] = {
    {"POST", "/api/dues/bank/imports", "dues.write", h_bank_upload, HB_MULTIPART,
     "导入银行流水（CSV、xlsx）与当月党费应交表对账：对上的记为已缴，其余待人工处理", "dues", "org:?org_id"},
    {"GET", "/api/dues/bank/imports", "dues.read", h_bank_list, HB_NONE, "银行流水对账记录", "dues", "org:?org_id", NULL,
     bank_sort},
    {"GET", "/api/dues/bank/imports/{id}", "dues.read", h_bank_get, HB_NONE, "一次银行流水对账及其逐笔结果", "dues",
     "dues_bank_import:{id}"},
    {"POST", "/api/dues/bank/imports/{id}/lines/{row}", "dues.write", h_bank_decide, HB_JSON,
     "处理一笔未对上的银行流水：分配给党员及月份（记为缴费），或写明原因忽略", "dues", "dues_bank_import:{id} member:.person_id"},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
