/* audit_api — the HTTP face of the audit log for auditors: the filtered
 * list, its export as xlsx (a download, capped at export-row-cap rows and
 * itself audited) and the hash-chain check.  The queries are audit_store.c;
 * the chain is base/audit.h. */
#include "auth/auth.h"

#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "auth/audit_store.h"
#include "base/audit.h"
#include "base/clock.h"
#include "core/config.h"

/* The query's filters: user, action ("auth." matches every auth.* action),
 * result, from, to (epoch seconds).  like: room for the action's pattern. */
static st api_audit_filter(http_req *r, audit_filter *f, char like[80], err *e) {
    memset(f, 0, sizeof *f);
    f->user = http_query(r, "user");
    f->result = http_query(r, "result");
    const char *a = http_query(r, "action");
    if (a && *a) {
        snprintf(like, 80, "%.70s%s", a, a[strlen(a) - 1] == '.' ? "%" : "");
        f->action = like;
    }
    if (f->user && !*f->user) f->user = NULL;
    if (f->result && !*f->result) f->result = NULL;
    st s = http_query_int(r, "from", 0, 0, INT64_MAX / 2, &f->from, e);
    if (!s) s = http_query_int(r, "to", INT64_MAX / 2, 0, INT64_MAX / 2, &f->to, e);
    return s;
}

static st h_audit_list(http_req *r, err *e) {
    http_page pg;
    audit_filter f;
    char like[80];
    const char *order;
    st s = http_paging(r, &pg, e);
    if (!s) s = api_audit_filter(r, &f, like, e);
    if (!s) s = http_order(r, "-seq", "q.seq DESC", &order, e);
    if (s) return s;
    uc_page page = {pg.size, pg.offset, order};
    json_t *rows;
    int64_t total = 0;
    if ((s = audit_store_list(http_uc(r), &f, &page, &rows, &total, e))) return s;
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", rows, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

/* ---- the export ---- */

typedef struct api_sheet {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold;
    lxw_row_t next;          /* the next row to write */
} api_sheet;

/* A workbook at path with the header row. */
static st api_sheet_open(api_sheet *x, const char *path, err *e) {
    memset(x, 0, sizeof *x);
    x->wb = workbook_new(path);
    x->ws = x->wb ? workbook_add_worksheet(x->wb, "审计日志") : NULL;
    if (!x->ws) {
        if (x->wb) workbook_close(x->wb);
        return err_set(e, ST_IO, "无法生成 xlsx 文件。");
    }
    x->bold = workbook_add_format(x->wb);
    format_set_bold(x->bold);
    static const char *const head[] = {"序号", "时间（UTC）", "用户", "角色", "动作", "对象", "结果", "来源地址", "详情", "散列"};
    static const double widths[] = {8, 22, 14, 12, 22, 30, 8, 16, 40, 20};
    for (int c = 0; c < 10; c++) {
        worksheet_write_string(x->ws, 0, (lxw_col_t)c, head[c], x->bold);
        worksheet_set_column(x->ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
    }
    worksheet_freeze_panes(x->ws, 1, 0);
    x->next = 1;
    return ST_OK;
}

static st api_sheet_row(void *arg, const audit_line *l, err *e) {
    (void)e;
    api_sheet *x = arg;
    char iso[32];
    clock_iso(l->at, iso, sizeof iso);
    worksheet_write_number(x->ws, x->next, 0, (double)l->seq, NULL);
    worksheet_write_string(x->ws, x->next, 1, iso, NULL);
    const char *cols[] = {l->username, l->role, l->action, l->object, l->result, l->address, l->detail, l->hash};
    for (int c = 0; c < 8; c++)
        if (cols[c]) worksheet_write_string(x->ws, x->next, (lxw_col_t)(c + 2), cols[c], NULL);
    x->next++;
    return ST_OK;
}

/* The rows the filter keeps, up to export-row-cap (and a line saying so
 * when there were more), as 审计日志.xlsx; audit.export is written before
 * the file is sent. */
static st h_audit_export(http_req *r, err *e) {
    audit_filter f;
    char like[80];
    const char *path;
    api_sheet x;
    st s = api_audit_filter(r, &f, like, e);
    if (!s) s = http_tempfile(r, &path, e);
    if (!s) s = api_sheet_open(&x, path, e);
    if (s) return s;
    int64_t n = 0;
    bool truncated = false;
    s = audit_store_each(http_uc(r), &f, cfg_int("export-row-cap"), api_sheet_row, &x, &n, &truncated, e);
    if (truncated)
        worksheet_write_string(x.ws, (lxw_row_t)(n + 2), 0, "已达导出行数上限（export-row-cap），其余记录未导出；请缩小时间范围分批导出。", x.bold);
    lxw_error xe = workbook_close(x.wb);
    if (!s && xe != LXW_NO_ERROR) s = err_set(e, ST_IO, "写入 xlsx 失败：%s", lxw_strerror(xe));
    if (s) return s;
    char det[160];
    snprintf(det, sizeof det, "导出 %lld 条%s；筛选 user=%s action=%s result=%s", (long long)n, truncated ? "（已截断）" : "",
             f.user ? f.user : "", f.action ? f.action : "", f.result ? f.result : "");
    if ((s = http_audit(r, "audit.export", "audit", "ok", det, e))) return s;
    return http_reply_file(r, path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "审计日志.xlsx", e);
}

static st h_audit_verify(http_req *r, err *e) {
    audit_check c;
    st s = audit_verify(http_db(r), &c, e);
    if (s) return s;
    json_t *o = json_pack("{s:b,s:I}", "ok", c.bad_seq == 0, "rows", (json_int_t)c.rows);
    if (c.bad_seq) {
        json_object_set_new(o, "bad_seq", json_integer(c.bad_seq));
        json_object_set_new(o, "why", json_string(c.why));
    }
    return http_reply_json(r, 200, o);
}

/* The audit log has no ?format=xlsx: exporting it is its own permission
 * (audit.export) and its own route, a download. */
static const http_sort_key aa_audit_sort[] = {
    {"seq", "q.seq"}, {"at", "q.at"}, {"username", "q.username"}, {"action", "q.action"}, {"result", "q.result"},
    {NULL, NULL}};

const http_route audit_routes[] = {
    {"GET", "/api/audit", "audit.read", h_audit_list, HB_NONE, "审计日志（筛选、分页；导出见 export.xlsx）", "audit", NULL,
     NULL, aa_audit_sort},
    {"GET", "/api/audit/export.xlsx", "audit.export", h_audit_export, HB_NONE, "导出审计日志 xlsx（限行数，记入审计）",
     "audit", NULL, .download = true},
    {"GET", "/api/audit/verify", "audit.read", h_audit_verify, HB_NONE, "校验审计日志散列链", "audit", NULL},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
