/* audit_api — the HTTP face of the audit log for auditors: the filtered
 * list, its export as xlsx (a download, capped at export-row-cap rows and
 * itself audited) and the hash-chain check.  The queries are audit_store.c;
 * the chain is base/audit.h.  Each row of the list and the export says its
 * action in Chinese (audit_names.c) and its object by name, looked up for
 * the rows shown: "GET /api/orgs/2" becomes the route's summary and the
 * organization's name. */
#include "auth/auth.h"

#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "auth/audit_store.h"
#include "auth/roles.h"
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


/* ---- what the rows name, in words ---- */

/* A route's summary without its trailing note ("党员详情与变动记录（…）" → "党员详情与变动记录"). */
static const char *aa_summary(http_req *r, const http_route *rt) {
    const char *p = strstr(rt->summary, "（");
    return p ? arena_strndup(&r->mem, rt->summary, (size_t)(p - rt->summary)) : rt->summary;
}

/* The value path gives to the pattern's parameter {name}; NULL when none. */
static const char *aa_param(http_req *r, const char *pattern, const char *path, const char *name, size_t nlen) {
    const char *p = pattern, *u = path;
    while (*p && *u) {
        if (*p == '{') {
            const char *pe = strchr(p, '}');
            const char *ue = strchr(u, '/');
            if (!pe) return NULL;
            if (!ue) ue = u + strlen(u);
            if ((size_t)(pe - p - 1) == nlen && !strncmp(p + 1, name, nlen)) return arena_strndup(&r->mem, u, (size_t)(ue - u));
            p = pe + 1;
            u = ue;
            continue;
        }
        if (*p != *u) return NULL;
        p++;
        u++;
    }
    return NULL;
}

/* "GET /api/orgs/2" (a refused request): the route's summary and the first object its path names. */
static st aa_request_name(http_req *r, const char *object, const char **out, err *e) {
    char method[8];
    const char *sp = strchr(object, ' ');
    if (!sp || sp - object >= (ptrdiff_t)sizeof method) return ST_OK;
    memcpy(method, object, (size_t)(sp - object));
    method[sp - object] = 0;
    const char *path = sp + 1, *q = strchr(path, '?');
    if (q) path = arena_strndup(&r->mem, path, (size_t)(q - path));
    bool exists;
    const http_route *rt = http_route_match(method, path, NULL, &exists);
    if (!rt) return ST_OK;
    const char *what = aa_summary(r, rt), *name = NULL;
    /* the first declaration with a path parameter: "org:{id}" */
    const char *d = rt->scope;
    while (d && *d && !name) {
        const char *colon = strchr(d, ':'), *end = strchr(d, ' ');
        if (!end) end = d + strlen(d);
        if (colon && colon < end && colon[1] == '{') {
            const char *close = strchr(colon, '}');
            if (close && close < end) {
                const char *kind = arena_strndup(&r->mem, d, (size_t)(colon - d));
                const char *key = aa_param(r, rt->pattern, path, colon + 2, (size_t)(close - colon - 2));
                st s = key ? audit_store_object_name(http_uc(r), kind, key, &name, e) : ST_OK;
                if (s) return s;
            }
        }
        d = *end ? end + 1 : end;
    }
    *out = name ? arena_printf(&r->mem, "%s（%s）", what, name) : what;
    return ST_OK;
}

/* What an audit row's object is, in words ("党组织：思明区委"); NULL when
 * there is nothing better to say than the object itself. */
static st aa_object_name(http_req *r, const char *object, const char **out, err *e) {
    *out = NULL;
    if (!object || !*object) return ST_OK;
    if (object[0] >= 'A' && object[0] <= 'Z') return aa_request_name(r, object, out, e);
    if (object[0] == '/') {   /* a list's route (list.export) */
        bool exists;
        const http_route *rt = http_route_match("GET", object, NULL, &exists);
        if (rt) *out = aa_summary(r, rt);
        return ST_OK;
    }
    if (!strcmp(object, "audit")) return *out = "审计日志", ST_OK;
    if (!strcmp(object, "audit_head")) return *out = "审计日志链头", ST_OK;
    const char *colon = strchr(object, ':');
    if (!colon) return audit_store_object_name(http_uc(r), NULL, object, out, e);
    return audit_store_object_name(http_uc(r), arena_strndup(&r->mem, object, (size_t)(colon - object)), colon + 1, out, e);
}

/* A row's action and object in words, beside the codes. */
static st aa_words(http_req *r, json_t *row, err *e) {
    const char *a = json_string_value(json_object_get(row, "action"));
    const char *an = audit_action_name(a);
    json_object_set_new(row, "action_name", json_string(an ? an : a ? a : ""));
    const char *on = NULL;
    st s = aa_object_name(r, json_string_value(json_object_get(row, "object")), &on, e);
    if (!s && on) json_object_set_new(row, "object_name", json_string(on));
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
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) if ((s = aa_words(r, row, e))) break;
    if (s) {
        json_decref(rows);
        return s;
    }
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", rows, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

/* ---- the export ---- */

typedef struct api_sheet {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold, *wrap;
    lxw_row_t next;          /* the next row to write */
    http_req *r;             /* names the objects (aa_words) */
    json_t *names;           /* object → its words, looked up once per export (the request's arena owns it) */
} api_sheet;

/* A workbook at path with the header row. */
static st api_sheet_open(api_sheet *x, http_req *r, const char *path, err *e) {
    memset(x, 0, sizeof *x);
    x->r = r;
    x->names = arena_json(&r->mem, json_object());
    if (!x->names) return err_set(e, ST_NOMEM, "内存不足。");
    x->wb = workbook_new(path);
    x->ws = x->wb ? workbook_add_worksheet(x->wb, "审计日志") : NULL;
    if (!x->ws) {
        if (x->wb) workbook_close(x->wb);
        return err_set(e, ST_IO, "无法生成 xlsx 文件。");
    }
    x->bold = workbook_add_format(x->wb);
    format_set_bold(x->bold);
    x->wrap = workbook_add_format(x->wb);
    format_set_text_wrap(x->wrap);
    format_set_align(x->wrap, LXW_ALIGN_VERTICAL_TOP);
    /* the words first, as on the screen; the codes after them for the record */
    static const char *const head[] = {"序号", "时间（UTC）", "用户", "角色", "动作", "对象", "结果", "来源地址", "详情",
                                       "动作代码", "对象代码", "散列"};
    static const double widths[] = {8, 22, 14, 14, 24, 36, 8, 16, 60, 22, 24, 20};
    for (int c = 0; c < 12; c++) {
        worksheet_write_string(x->ws, 0, (lxw_col_t)c, head[c], x->bold);
        worksheet_set_column(x->ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
    }
    worksheet_freeze_panes(x->ws, 1, 0);
    x->next = 1;
    return ST_OK;
}

static st api_sheet_row(void *arg, const audit_line *l, err *e) {
    api_sheet *x = arg;
    char iso[32];
    clock_iso(l->at, iso, sizeof iso);
    worksheet_write_number(x->ws, x->next, 0, (double)l->seq, NULL);
    worksheet_write_string(x->ws, x->next, 1, iso, NULL);
    const roles_role *ro = l->role ? roles_find(l->role) : NULL;
    const char *an = audit_action_name(l->action), *on = NULL;
    /* the same objects come back row after row (a user's logins, a list's exports): one lookup each */
    const json_t *seen = l->object ? json_object_get(x->names, l->object) : NULL;
    if (seen) {
        on = json_is_string(seen) ? json_string_value(seen) : NULL;
    } else {
        st s = aa_object_name(x->r, l->object, &on, e);
        if (s) return s;
        if (l->object) json_object_set_new(x->names, l->object, on ? json_string(on) : json_null());
    }
    const char *result = !l->result ? NULL : !strcmp(l->result, "ok") ? "成功" : !strcmp(l->result, "failed") ? "失败"
                       : !strcmp(l->result, "denied") ? "拒绝" : !strcmp(l->result, "locked") ? "锁定" : l->result;
    const char *cols[] = {l->username, ro ? ro->label : l->role, an ? an : l->action, on ? on : l->object, result,
                          l->address, l->detail, l->action, l->object, l->hash};
    for (int c = 0; c < 10; c++)
        if (cols[c]) worksheet_write_string(x->ws, x->next, (lxw_col_t)(c + 2), cols[c], c == 6 ? x->wrap : NULL);
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
    if (!s) s = api_sheet_open(&x, r, path, e);
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

/* The Chinese name of every action the log may hold (the filter's choices). */
static st h_audit_actions(http_req *r, err *e) {
    (void)e;
    json_t *a = json_array();
    for (const audit_action *x = audit_actions; x->action; x++)
        json_array_append_new(a, json_pack("{s:s,s:s}", "action", x->action, "name", x->name));
    return http_reply_json(r, 200, json_pack("{s:o}", "items", a));
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
    {"GET", "/api/audit/actions", "audit.read", h_audit_actions, HB_NONE, "审计动作的中文名称", "audit", NULL},
    {"GET", "/api/audit/verify", "audit.read", h_audit_verify, HB_NONE, "校验审计日志散列链", "audit", NULL},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
