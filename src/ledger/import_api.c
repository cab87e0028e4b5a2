/* import_api — the ledger import routes:
 *   POST /api/ledger/imports                  multipart "file" (+ "sheet", "mapping")
 *   GET  /api/ledger/imports                  paged list within the caller's scope
 *   GET  /api/ledger/imports/{id}             one import, its columns and problems (paged, filtered)
 *   GET  /api/ledger/imports/{id}/problems.xlsx   the problem report as a spreadsheet
 * An import belongs where its importer works (scope_code: district or park;
 * NULL = city office), which is what the scope check and the list filter use. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/scope.h"
#include "core/config.h"
#include "http/http.h"
#include "ledger/import.h"

/* Where the caller's imports belong: their district or park; NULL for the city. */
static const char *import_scope_of(http_req *r) {
    const char *k = r->user.scope_kind;
    if (k && (!strcmp(k, "district") || !strcmp(k, "park"))) return r->user.scope_code;
    return NULL;
}

static st h_import_create(http_req *r, err *e) {
    const http_upload *u = http_upload_get(r, "file");
    if (!u) return err_field(e, ST_INVALID, "file", "请选择要上传的台账文件（表单字段 file）。");
    if (u->size == 0) return err_field(e, ST_INVALID, "file", "上传的文件 %s 是空的。", u->filename);
    ledger_read_opts o = {0};
    o.sheet = http_field(r, "sheet");
    if (o.sheet && !*o.sheet) o.sheet = NULL;
    o.mapping = http_field(r, "mapping");
    if (o.mapping && !*o.mapping) o.mapping = NULL;
    o.max_uncompressed = (size_t)cfg_int("max-unzipped");
    o.max_entries = (size_t)cfg_int("max-zip-entries");
    o.max_cell_text = (size_t)cfg_int("max-cell-text");
    /* Read from the temp file but name the table after the user's file name. */
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
    st s = ledger_table_read_mem(u->filename, data, u->size, &o, &t, e);
    free(data);
    if (s) {
        if (s == ST_IO || s == ST_INTERNAL) s = ST_INVALID;  /* the file is bad, not the server */
        return s;
    }
    int64_t id = 0;
    ledger_import_who who = {.importer = r->user.username ? r->user.username : "-",
                             .importer_id = r->user.id,
                             .scope_code = import_scope_of(r)};
    s = ledger_import_store(http_db(r), t, u->size, &who, NULL, NULL, &id, e);
    ledger_table_free(t);
    if (s == ST_CONFLICT && id) {
        err keep = *e;
        json_t *body = http_error_json(&keep, json_pack("{s:I}", "import_id", (json_int_t)id));
        return http_reply_json(r, 409, body);
    }
    if (s) return s;
    json_t *imp;
    if ((s = ledger_import_get(http_db(r), id, &imp, NULL, e))) return s;
    return http_reply_json(r, 201, json_pack("{s:o}", "import", imp));
}

static st h_import_list(http_req *r, err *e) {
    http_page pg;
    st s = http_paging(r, &pg, e);
    if (s) return s;
    db *d = http_db(r);
    const char *k = r->user.scope_kind ? r->user.scope_kind : "";
    const char *c = r->user.scope_code ? r->user.scope_code : "";
    char uid[24];
    snprintf(uid, sizeof uid, "%lld", (long long)r->user.id);
    if (!strcmp(k, "self")) c = uid;
    int64_t total = 0;
#define IMPORT_WHERE                                                                                   \
    " FROM ledger_import i LEFT JOIN region g ON g.code = i.scope_code WHERE "                        \
    SCOPE_COND("$1", "$2", "(CASE WHEN g.kind = 'park' THEN g.parent_code ELSE i.scope_code END)",      \
               "(CASE WHEN g.kind = 'park' THEN i.scope_code END)", "NULL", "NULL", "i.importer_id")          \
    " AND (CAST($3 AS TEXT) IS NULL OR i.source LIKE '%' || $3 || '%')"
    const char *q = http_query(r, "q");
    if (q && !*q) q = NULL;
    if ((s = db_query_int(d, &total, "SELECT COUNT(*)" IMPORT_WHERE, e, "ttt", k, c, q))) return s;
    json_t *items;
    const char *order;
    if ((s = http_order(r, "-id", "q.id DESC", &order, e))) return s;
    const char *sql = arena_printf(&r->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $4 OFFSET $5",
                                   "SELECT i.id, i.source, i.format, i.sheet, i.rows, i.problems, i.errors, i.importer, "
                                   "i.scope_code, i.created_at, 'done' AS status" IMPORT_WHERE,
                                   order);
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    s = db_query_json(d, &items, sql, e, "tttii", k, c, q, pg.size, pg.offset);
#undef IMPORT_WHERE
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total,
                                             "page", (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static st h_import_get(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (s) return s;
    http_page pg;
    if ((s = http_paging(r, &pg, e))) return s;
    const char *kind = http_query(r, "kind");
    if (kind && *kind && strcmp(kind, "error") && strcmp(kind, "warning"))
        return err_field(e, ST_INVALID, "kind", "kind 只能是 error 或 warning。");
    if (kind && !*kind) kind = NULL;
    json_t *imp;
    if ((s = ledger_import_get(http_db(r), id, &imp, NULL, e))) return s;
    json_t *items = NULL;
    int64_t total = 0;
    const char *order = NULL;
    if ((s = http_order(r, "row", "q.col, q.id", &order, e))) {
        json_decref(imp);
        return s;
    }
    s = ledger_import_problems(http_db(r), id, kind, http_query(r, "q"), order, pg.offset, pg.size, &items, &total, e);
    if (s) {
        json_decref(imp);
        return s;
    }
    json_t *cols = json_incref(json_object_get(imp, "columns"));
    return http_reply_json(r, 200, json_pack("{s:o,s:o,s:{s:o,s:I,s:I,s:I}}", "import", imp, "columns", cols,
                                             "problems", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static st h_import_report(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (s) return s;
    /* what the request reads lives as long as the request (one cleanup path) */
    json_t *imp = NULL, *items = NULL;
    if ((s = ledger_import_get(http_db(r), id, &imp, NULL, e))) return s;
    if (!arena_json(&r->mem, imp)) return err_set(e, ST_NOMEM, "内存不足。");
    int64_t total = 0;
    /* the same filters as the table on screen (kind, q), all rows up to the cap */
    const char *kind = http_query(r, "kind");
    if (kind && *kind && strcmp(kind, "error") && strcmp(kind, "warning"))
        return err_field(e, ST_INVALID, "kind", "kind 只能是 error 或 warning。");
    s = ledger_import_problems(http_db(r), id, kind && *kind ? kind : NULL, http_query(r, "q"), NULL, 0,
                               cfg_int("export-row-cap"), &items, &total, e);
    if (!s && !arena_json(&r->mem, items)) s = err_set(e, ST_NOMEM, "内存不足。");
    const char *path = NULL;
    if (!s) s = http_tempfile(r, &path, e);
    const char *source = json_string_value(json_object_get(imp, "source"));
    if (!s) s = ledger_report_xlsx(path, source, items, NULL, e);
    if (!s) {
        char *name = arena_printf(&r->mem, "%s-问题清单.xlsx", source ? source : "台账");
        s = http_reply_file(r, path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name, e);
    }
    return s;
}

static const http_sort_key ia_problem_sort[] = {
    {"row", "q.row"}, {"sheet_row", "q.sheet_row"}, {"kind", "q.kind"}, {"column", "q.\"column\""}, {NULL, NULL}};
static const http_sort_key ia_sort[] = {
    {"id", "q.id"}, {"source", "q.source", true}, {"rows", "q.rows"}, {"problems", "q.problems"}, {"errors", "q.errors"},
    {"importer", "q.importer"}, {"created_at", "q.created_at"}, {NULL, NULL}};

const http_route ledger_import_routes[] = {
    {"POST", "/api/ledger/imports", "ledger.import", h_import_create, HB_MULTIPART, "上传并导入台账文件", "ledger", NULL},
    {"GET", "/api/ledger/imports", "ledger.read", h_import_list, HB_NONE, "导入记录列表", "ledger", NULL,
     "台账导入记录|id:编号|source:文件|format:格式|sheet:工作表|rows:行数|problems:问题数|errors:错误数|importer:导入人|"
     "scope_code:范围|created_at:导入时间",
     ia_sort},
    {"GET", "/api/ledger/imports/{id}", "ledger.read", h_import_get, HB_NONE, "导入详情与问题清单", "ledger",
     "ledger_import:{id}", NULL, ia_problem_sort},
    {"GET", "/api/ledger/imports/{id}/problems.xlsx", "ledger.read", h_import_report, HB_NONE,
     "下载问题清单（xlsx）", "ledger", "ledger_import:{id}"},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
