/* listq — what every list route shares beyond paging: ordering by a key the
 * route declares (?sort=key / ?sort=-key) and export of the same list as an
 * Excel file (?format=xlsx).
 *
 * Why here and not in each module: offices expect every table in the
 * workbench to sort and export the same way.  Doing it once means a list
 * handler only writes its query; the server turns its JSON answer into the
 * xlsx (columns from the route's export spec), so what is exported is exactly
 * what the screen shows, with the same filters, scope and order. */
#include "http_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "core/collate.h"
#include "core/config.h"
#include "core/embed.h"
#include "core/log.h"

st http_order(http_req *r, const char *def, const char *tie, const char **order, err *e) {
    const http_sort_key *keys = r->route ? r->route->sort : NULL;
    const char *want = http_query(r, "sort");
    bool from_query = want && *want;
    if (!from_query) want = def;
    *order = tie ? tie : "1";
    if (!want || !*want) return ST_OK;
    bool desc = want[0] == '-';
    const char *k = desc ? want + 1 : want;
    for (const http_sort_key *p = keys; p && p->key; p++) {
        if (strcmp(p->key, k) != 0) continue;
        /* NULLs last in both directions on SQLite and PostgreSQL alike; names by pinyin.  A keyed
         * column is a NOT NULL sort key ordered bare, so that its index serves the order: the
         * "(x) IS NULL" term in front made a district's first page sort all its members */
        if (p->keyed)
            *order = arena_printf(&r->mem, "%s %s%s%s", p->sql, desc ? "DESC" : "ASC", tie ? ", " : "", tie ? tie : "");
        else
            *order = arena_printf(&r->mem, "(%s) IS NULL, %s%s %s%s%s", p->sql, p->sql, p->zh ? "{{ZH}}" : "",
                                  desc ? "DESC" : "ASC", tie ? ", " : "", tie ? tie : "");
        return *order ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
    }
    if (!from_query) return err_set(e, ST_INTERNAL, "默认排序键 %s 未在路由中声明。", want);
    char allowed[400];
    size_t n = 0;
    allowed[0] = 0;
    for (const http_sort_key *p = keys; p && p->key && n < sizeof allowed - 1; p++)
        n += (size_t)snprintf(allowed + n, sizeof allowed - n, "%s%s", n ? "、" : "", p->key);
    if (!n) return err_field(e, ST_INVALID, "sort", "此列表不支持排序参数 sort。");
    return err_field(e, ST_INVALID, "sort", "sort=“%s”无效：可按 %s 排序，前加 - 为降序（如 sort=-%s）。", want, allowed,
                     keys[0].key);
}

/* ---- lists built in memory ---- */

static const char *lq_sort_key; /* qsort has no context argument; set under lq_lock */
static int lq_sort_desc, lq_sort_zh;
static pthread_mutex_t lq_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct lq_ent { json_t *o; size_t i; } lq_ent;

/* NULLs (and missing fields) last; numbers by value, strings by code point
 * (by pinyin for zh keys, as the databases do); ties keep the list's own order
 * (qsort is not stable). */
static int lq_cmp(const void *pa, const void *pb) {
    const lq_ent *a = pa, *b = pb;
    json_t *x = json_object_get(a->o, lq_sort_key), *y = json_object_get(b->o, lq_sort_key);
    bool xn = !x || json_is_null(x), yn = !y || json_is_null(y);
    int c;
    if (xn || yn) {
        if (xn != yn) return xn ? 1 : -1;
        c = 0;
    } else if (json_is_number(x) && json_is_number(y)) {
        double dx = json_number_value(x), dy = json_number_value(y);
        c = dx < dy ? -1 : dx > dy;
    } else if (json_is_string(x) && json_is_string(y)) {
        c = lq_sort_zh ? collate_zh(json_string_value(x), json_string_length(x), json_string_value(y), json_string_length(y))
                       : strcmp(json_string_value(x), json_string_value(y));
    } else {
        c = (int)json_typeof(x) - (int)json_typeof(y);
    }
    if (lq_sort_desc) c = -c;
    return c ? c : (a->i < b->i ? -1 : a->i > b->i);
}

st http_page_array(http_req *r, json_t *arr, const char *def, json_t **items, int64_t *total, err *e) {
    http_page pg;
    st s = http_paging(r, &pg, e);
    const char *order;
    if (!s) s = http_order(r, def, NULL, &order, e); /* validates the key */
    if (s) return s;
    const char *want = http_query(r, "sort");
    if (!want || !*want) want = def;
    size_t n = json_array_size(arr);
    lq_ent *v = calloc(n ? n : 1, sizeof *v);
    if (!v) return err_set(e, ST_NOMEM, "内存不足。");
    for (size_t i = 0; i < n; i++) v[i] = (lq_ent){json_array_get(arr, i), i};
    if (want && *want) {
        pthread_mutex_lock(&lq_lock);
        lq_sort_desc = want[0] == '-';
        lq_sort_key = want + (want[0] == '-');
        lq_sort_zh = 0;
        for (const http_sort_key *k = r->route ? r->route->sort : NULL; k && k->key; k++)
            if (!strcmp(k->key, lq_sort_key)) lq_sort_zh = k->zh;
        qsort(v, n, sizeof *v, lq_cmp);
        pthread_mutex_unlock(&lq_lock);
    }
    *total = (int64_t)n;
    *items = json_array();
    for (size_t i = (size_t)pg.offset; *items && i < n && (int64_t)(i - (size_t)pg.offset) < pg.size; i++)
        json_array_append(*items, v[i].o);
    free(v);
    return *items ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

/* ---- export ---- */

/* The dictionary of list titles and value labels (data/fields.json, embedded;
 * the web build imports the same file), read once. */
static json_t *lq_fields;
static pthread_once_t lq_fields_once = PTHREAD_ONCE_INIT;
static void lq_fields_load(void) {
    const struct embedded_file *f = embed_find("data/fields.json");
    if (f) lq_fields = json_loadb((const char *)f->data, f->size, 0, NULL);
}
const json_t *http_fields(void) {
    pthread_once(&lq_fields_once, lq_fields_load);
    return lq_fields;
}

/* "党组织|#orgs" → "党组织|id:编号|…|based_on:依托:labels=based_on", built once per spec. */
static struct { const char *in; char *out; } lq_specs[64];
static pthread_mutex_t lq_specs_lock = PTHREAD_MUTEX_INITIALIZER;
const char *http_export_spec(const char *spec) {
    const char *hash = spec ? strstr(spec, "|#") : NULL;
    if (!hash) return spec;
    pthread_mutex_lock(&lq_specs_lock);
    const char *out = NULL;
    size_t i = 0;
    for (; i < sizeof lq_specs / sizeof lq_specs[0] && lq_specs[i].in; i++)
        if (lq_specs[i].in == spec) out = lq_specs[i].out;
    if (!out) {
        const json_t *cols = json_object_get(json_object_get(http_fields(), "lists"), hash + 2);
        buf b;
        buf_init(&b, 0);
        buf_printf(&b, "%.*s", (int)(hash - spec), spec);
        size_t k;
        json_t *c;
        json_array_foreach(cols, k, c) {
            buf_printf(&b, "|%s:%s", json_string_value(json_array_get(c, 0)), json_string_value(json_array_get(c, 1)));
            if (json_array_size(c) > 3) buf_printf(&b, ":labels=%s", json_string_value(json_array_get(c, 3)));
        }
        out = b.data;
        if (!cols) log_error("导出列表“%s”不在字段词典 data/fields.json 中", hash + 2);
        if (out && i < sizeof lq_specs / sizeof lq_specs[0]) {
            lq_specs[i].in = spec;
            lq_specs[i].out = b.data;
        } else {
            out = spec;   /* out of room or memory: the spec as written */
            buf_free(&b);
        }
    }
    pthread_mutex_unlock(&lq_specs_lock);
    return out;
}

/* A value's label from the dictionary's labels[name] ("1"/"0" for numbers and
 * booleans), or NULL when it has none. */
static const char *lq_label(const char *name, json_t *v) {
    const json_t *map = json_object_get(json_object_get(http_fields(), "labels"), name);
    const char *key = NULL;
    if (json_is_string(v)) key = json_string_value(v);
    else if (json_is_boolean(v)) key = json_is_true(v) ? "1" : "0";
    else if (json_is_integer(v)) key = json_integer_value(v) ? "1" : "0";
    return key ? json_string_value(json_array_get(json_object_get(map, key), 0)) : NULL;
}

/* The value at a dotted path ("district.name") of an item, or NULL. */
static json_t *lq_get(json_t *item, const char *path) {
    char part[64];
    json_t *v = item;
    while (v && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        if (n >= sizeof part) return NULL;
        memcpy(part, path, n);
        part[n] = 0;
        v = json_is_object(v) ? json_object_get(v, part) : NULL;
        path += n + (dot ? 1 : 0);
    }
    return v;
}

/* Arrays of strings read best as "甲、乙、丙"; other structures as compact JSON.
 * A column marked :bool shows 0/1 (and false/true) as 否/是. */
static void lq_write(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, json_t *v, bool as_bool) {
    if (!v || json_is_null(v)) return;
    if (as_bool && (json_is_integer(v) || json_is_boolean(v))) {
        bool t = json_is_boolean(v) ? json_is_true(v) : json_integer_value(v) != 0;
        worksheet_write_string(ws, row, col, t ? "是" : "否", NULL);
    } else if (json_is_string(v)) {
        worksheet_write_string(ws, row, col, json_string_value(v), NULL);
    } else if (json_is_integer(v)) {
        worksheet_write_number(ws, row, col, (double)json_integer_value(v), NULL);
    } else if (json_is_real(v)) {
        worksheet_write_number(ws, row, col, json_real_value(v), NULL);
    } else if (json_is_boolean(v)) {
        worksheet_write_string(ws, row, col, json_is_true(v) ? "是" : "否", NULL);
    } else {
        bool strings = json_is_array(v), changes = json_is_array(v);
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            if (!json_is_string(x) && !json_is_number(x)) strings = false;
            if (!json_is_object(x) || !json_object_get(x, "label") || !json_object_get(x, "to")) changes = false;
        }
        buf b;
        buf_init(&b, 0);
        if (changes) { /* a diff's changed fields: "名称：甲 → 乙；从业人数：19 → 21" */
            json_array_foreach(v, i, x) {
                buf_printf(&b, "%s%s：", i ? "；" : "", json_string_value(json_object_get(x, "label")));
                for (int k = 0; k < 2; k++) {
                    json_t *f = json_object_get(x, k ? "to" : "from");
                    if (k) buf_puts(&b, " → ");
                    if (json_is_string(f)) buf_puts(&b, json_string_value(f));
                    else if (json_is_number(f)) buf_printf(&b, "%g", json_number_value(f));
                    else buf_puts(&b, "（空）");
                }
            }
            worksheet_write_string(ws, row, col, b.data ? b.data : "", NULL);
        } else if (strings) {
            json_array_foreach(v, i, x) {
                if (i) buf_puts(&b, "、");
                if (json_is_string(x)) buf_puts(&b, json_string_value(x));
                else buf_printf(&b, "%g", json_number_value(x));
            }
            worksheet_write_string(ws, row, col, b.data ? b.data : "", NULL);
        } else {
            char *s = json_dumps(v, JSON_COMPACT);
            if (s) worksheet_write_string(ws, row, col, s, NULL);
            free(s);
        }
        buf_free(&b);
    }
}

/* Turn the handler's JSON list reply into the xlsx the route describes. */
static st lq_xlsx(http_req *r, err *e) {
    const char *spec = http_export_spec(r->route->export);
    char sheet[64];
    const char *bar = strchr(spec, '|');
    size_t sn = bar ? (size_t)(bar - spec) : strlen(spec);
    if (sn >= sizeof sheet) sn = sizeof sheet - 1;
    memcpy(sheet, spec, sn);
    sheet[sn] = 0;
    /* "名称@entities": the list is at reply.entities.items, not reply.items */
    char *at = strchr(sheet, '@');
    json_t *holder = r->reply;
    if (at) {
        *at = 0;
        holder = lq_get(r->reply, at + 1);
    }
    json_t *items = json_object_get(holder, "items");
    if (!json_is_array(items)) return err_set(e, ST_INTERNAL, "此列表的回复没有 items，无法导出。");

    const char *path;
    st s = http_tempfile(r, &path, e);
    if (s) return s;
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, NULL) : NULL;
    if (!ws) {
        if (wb) workbook_close(wb);
        return err_set(e, ST_IO, "无法生成 xlsx 文件。");
    }
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    /* columns: key:title pairs after the sheet name */
    const char *keys[64], *labels[64];
    bool as_bool[64];
    int ncol = 0;
    for (const char *p = bar; p && *p && ncol < 64;) {
        p++;
        const char *end = strchr(p, '|');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *colon = memchr(p, ':', n);
        if (colon) {
            keys[ncol] = arena_strndup(&r->mem, p, (size_t)(colon - p));
            char *title = arena_strndup(&r->mem, colon + 1, n - (size_t)(colon - p) - 1);
            if (!keys[ncol] || !title) {
                workbook_close(wb);
                return err_set(e, ST_NOMEM, "内存不足。");
            }
            char *flag = strrchr(title, ':');
            as_bool[ncol] = flag && !strcmp(flag, ":bool");
            labels[ncol] = flag && !strncmp(flag, ":labels=", 8) ? flag + 8 : NULL;
            if (as_bool[ncol] || labels[ncol]) *flag = 0;
            worksheet_write_string(ws, 0, (lxw_col_t)ncol, title, bold);
            size_t tl = strlen(title);
            worksheet_set_column(ws, (lxw_col_t)ncol, (lxw_col_t)ncol, tl > 12 ? (double)tl : 14, NULL);
            ncol++;
        }
        p = end;
    }
    worksheet_freeze_panes(ws, 1, 0);
    int64_t cap = cfg_int("export-row-cap");
    size_t i, n = json_array_size(items);
    json_t *it;
    json_array_foreach(items, i, it) {
        if ((int64_t)i >= cap) break;
        for (int c = 0; c < ncol; c++) {
            json_t *v = lq_get(it, keys[c]);
            const char *label = labels[c] ? lq_label(labels[c], v) : NULL;
            if (label) worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)c, label, NULL);
            else lq_write(ws, (lxw_row_t)(i + 1), (lxw_col_t)c, v, as_bool[c]);
        }
    }
    if ((int64_t)n > cap)
        worksheet_write_string(ws, (lxw_row_t)(cap + 2), 0,
                               "已达导出行数上限（export-row-cap），其余记录未导出；请加筛选条件分批导出。", bold);
    lxw_error xe = workbook_close(wb);
    if (xe != LXW_NO_ERROR) return err_set(e, ST_IO, "写入 xlsx 失败：%s", lxw_strerror(xe));
    json_decref(r->reply);
    r->reply = NULL;
    char *name = arena_printf(&r->mem, "%s.xlsx", sheet);
    if (!name) return err_set(e, ST_NOMEM, "内存不足。");
    return http_reply_file(r, path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name, e);
}

st http_export_begin(http_req *r, err *e) {
    const char *f = http_query(r, "format");
    if (!f || !*f || !strcmp(f, "json")) return ST_OK;
    if (strcmp(f, "xlsx") != 0) return err_field(e, ST_INVALID, "format", "format=“%s”无效：应为 json 或 xlsx。", f);
    if (!r->route->export || strcmp(r->method, "GET") != 0)
        return err_field(e, ST_INVALID, "format", "此接口不提供 Excel 导出（format=xlsx）。");
    r->exporting = true;
    return ST_OK;
}

/* The list's query (filters, sort) for the audit record. */
static enum MHD_Result lq_arg(void *cls, enum MHD_ValueKind kind, const char *k, const char *v) {
    (void)kind;
    buf *b = cls;
    if (b->len < 400) buf_printf(b, "%s%s=%s", b->len ? "&" : "", k, v ? v : "");
    return MHD_YES;
}

st http_export_finish(http_req *r, const http_auth_ops *ops, err *e) {
    if (!r->exporting || !r->reply || (r->status && r->status != 200)) return ST_OK;
    const char *at = strchr(r->route->export, '@'), *bar = strchr(r->route->export, '|');
    json_t *holder = r->reply;
    if (at && (!bar || at < bar)) {
        char path[64];
        snprintf(path, sizeof path, "%.*s", (int)((bar ? bar : at + strlen(at)) - at - 1), at + 1);
        holder = lq_get(r->reply, path);
    }
    size_t n = json_array_size(json_object_get(holder, "items"));
    int64_t cap = cfg_int("export-row-cap");
    buf q;
    buf_init(&q, 1024);
    if (r->conn) MHD_get_connection_values((struct MHD_Connection *)r->conn, MHD_GET_ARGUMENT_KIND, lq_arg, &q);
    char det[600];
    snprintf(det, sizeof det, "导出 %lld 条%s；%s", (long long)((int64_t)n > cap ? cap : (int64_t)n),
             (int64_t)n > cap ? "（已截断）" : "", q.data ? q.data : "");
    buf_free(&q);
    st s = lq_xlsx(r, e);
    (void)ops;
    if (!s) s = http_audit(r, "list.export", r->route->pattern, "ok", det, e);
    return s;
}
