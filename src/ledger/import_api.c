/* import_api — the ledger import routes:
 *   POST /api/ledger/imports                  multipart "file" (+ "sheet", "mapping")
 *   GET  /api/ledger/imports                  paged list within the caller's scope
 *   GET  /api/ledger/imports/{id}             one import, its columns and problems (paged, filtered)
 *   GET  /api/ledger/imports/{id}/problems.xlsx   the problem report as a spreadsheet
 * An import belongs where its importer works (scope_code: district or park;
 * NULL = city office), which is what the scope check and the list filter use
 * (import_store.c).  Handlers read the upload and the query, call the store,
 * reply; the store audits the import and the report download. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "http/http.h"
#include "ledger/import.h"

/* The uploaded file read into a table named after the user's file name. */
static st upload_table(http_req *r, const http_upload *u, ledger_table **t, err *e) {
    ledger_read_opts o = {0};
    o.sheet = http_field(r, "sheet");
    if (o.sheet && !*o.sheet) o.sheet = NULL;
    o.mapping = http_field(r, "mapping");
    if (o.mapping && !*o.mapping) o.mapping = NULL;
    o.max_uncompressed = (size_t)cfg_int("max-unzipped");
    o.max_entries = (size_t)cfg_int("max-zip-entries");
    o.max_cell_text = (size_t)cfg_int("max-cell-text");
    FILE *f = fopen(u->path, "rb");
    if (!f) return err_set(e, ST_IO, "无法读取上传的文件。");
    char *data = malloc(u->size ? u->size : 1);
    size_t got = data ? fread(data, 1, u->size, f) : 0;
    fclose(f);
    if (!data || got != u->size) {
        free(data);
        return err_set(e, ST_IO, "无法读取上传的文件。");
    }
    st s = ledger_table_read_mem(u->filename, data, u->size, &o, t, e);
    free(data);
    if (s == ST_IO || s == ST_INTERNAL) s = ST_INVALID;  /* the file is bad, not the server */
    return s;
}

static st h_import_create(http_req *r, err *e) {
    const http_upload *u = http_upload_get(r, "file");
    if (!u) return err_field(e, ST_INVALID, "file", "请选择要上传的台账文件（表单字段 file）。");
    if (u->size == 0) return err_field(e, ST_INVALID, "file", "上传的文件 %s 是空的。", u->filename);
    ledger_table *t = NULL;
    st s = upload_table(r, u, &t, e);
    if (s) return s;
    int64_t id = 0;
    ledger_import_in in = {.t = t, .file_size = u->size};
    s = ledger_import_store_add(http_uc(r), &in, &id, e);
    ledger_table_free(t);
    if (s == ST_CONFLICT && id) {   /* the earlier import, named in the reply */
        err keep = *e;
        json_t *body = http_error_json(&keep, json_pack("{s:I}", "import_id", (json_int_t)id));
        return http_reply_json(r, 409, body);
    }
    json_t *imp;
    if (!s) s = ledger_import_store_get(http_uc(r), id, &imp, e);
    if (s) return s;
    return http_reply_json(r, 201, json_pack("{s:o}", "import", imp));
}

static st h_import_list(http_req *r, err *e) {
    http_page pg = {0};
    const char *order = NULL;
    json_t *items = NULL;
    int64_t total = 0;
    st s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "-id", "q.id DESC", &order, e);
    ledger_import_filter f = {http_query(r, "q")};
    uc_page p = {pg.size, pg.offset, order};
    if (!s) s = ledger_import_store_list(http_uc(r), &f, &p, &items, &total, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total,
                                             "page", (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

/* ?kind= is error, warning or empty (all). */
static st problem_kind(http_req *r, const char **kind, err *e) {
    *kind = http_query(r, "kind");
    if (*kind && **kind && strcmp(*kind, "error") && strcmp(*kind, "warning"))
        return err_field(e, ST_INVALID, "kind", "kind 只能是 error 或 warning。");
    if (*kind && !**kind) *kind = NULL;
    return ST_OK;
}

static st h_import_get(http_req *r, err *e) {
    int64_t id;
    http_page pg = {0};
    const char *order = NULL;
    ledger_problem_filter f = {NULL, http_query(r, "q")};
    json_t *imp = NULL, *items = NULL;
    int64_t total = 0;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_paging(r, &pg, e);
    if (!s) s = problem_kind(r, &f.kind, e);
    if (!s) s = ledger_import_store_get(http_uc(r), id, &imp, e);
    if (!s) s = http_order(r, "row", "q.col, q.id", &order, e);
    uc_page p = {pg.size, pg.offset, order};
    if (!s) s = ledger_import_store_problems(http_uc(r), id, &f, &p, &items, &total, e);
    if (s) {
        json_decref(imp);
        return s;
    }
    json_t *cols = json_incref(json_object_get(imp, "columns"));
    return http_reply_json(r, 200, json_pack("{s:o,s:o,s:{s:o,s:I,s:I,s:I}}", "import", imp, "columns", cols,
                                             "problems", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

/* The problem report: the same filters as the table on screen (kind, q), all
 * rows up to the export cap. */
static st h_import_report(http_req *r, err *e) {
    int64_t id;
    const char *path = NULL, *source = NULL;
    ledger_problem_filter f = {NULL, http_query(r, "q")};
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = problem_kind(r, &f.kind, e);
    if (!s) s = http_tempfile(r, &path, e);
    if (!s) s = ledger_import_store_report(http_uc(r), id, &f, cfg_int("export-row-cap"), path, &source, e);
    if (s) return s;
    char *name = arena_printf(&r->mem, "%s-问题清单.xlsx", source ? source : "台账");
    return http_reply_file(r, path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name, e);
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
     "下载问题清单（xlsx）", "ledger", "ledger_import:{id}", .download = true},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
