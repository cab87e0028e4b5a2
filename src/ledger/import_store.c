/* import_store — all of the imports' SQL (see import.h).  One transaction
 * per file: a crash at any instant leaves either no trace of the file or all
 * of it, and its audit row commits with it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/scope.h"
#include "base/crypt.h"
#include "core/buf.h"
#include "core/log.h"
#include "db/db_like.h"
#include "ledger/import.h"
#include "ledger/ledger_scope.h"

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The same file imported before: nothing stored, the attempt audited. */
static st import_duplicate(uc *c, const ledger_table *t, const char *sha, int64_t *id, err *e) {
    int64_t prev = 0;
    st s = db_query_int(c->d, &prev, "SELECT id FROM ledger_import WHERE sha256 = $1", e, "t", sha);
    if (s == ST_NOT_FOUND) return ST_OK;
    if (s) return s;
    uc_act a = {"ledger.import", uc_obj(c, "ledger_import", prev),
                arena_printf(c->mem, "文件《%s》与导入 %lld 内容相同，未重复导入", t->source, (long long)prev), "duplicate"};
    if ((s = uc_audit(c, &a, e))) return s;
    *id = prev;
    return err_set(e, ST_CONFLICT, "文件 %s 已经导入过（导入编号 %lld，内容完全相同），未重复导入。", t->source, (long long)prev);
}

static st insert_import(uc *c, const ledger_import_in *in, const ledger_import_staged *sg, int64_t *id, err *e) {
    const ledger_table *t = in->t;
    st s = db_query_int(c->d, id,
                        "INSERT INTO ledger_import(sha256, source, format, encoding, sheet, header_row, file_size, rows, "
                        "problems, errors, columns, importer, importer_id, scope_code, created_at) "
                        "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,{{NOW}}) RETURNING id",
                        e, "tttttiiiiittit", sg->sha, t->source, t->format, t->encoding, t->sheet, (int64_t)t->header_row,
                        (int64_t)in->file_size, (int64_t)t->nrows, (int64_t)t->nproblems, (int64_t)sg->errors, sg->columns,
                        in->importer ? in->importer : c->who.username, c->who.user_id, ledger_area_of(c));
    if (s == ST_CONFLICT)   /* imported concurrently by someone else a moment ago */
        err_set(e, ST_CONFLICT, "文件 %s 刚刚已被导入，未重复导入。", t->source);
    return s;
}

static void bind_count(db_stmt *q, int idx, const char *v) {
    if (v) db_bind_int(q, idx, strtoll(v, NULL, 10));
    else db_bind_null(q, idx);
}

/* Every row, with its provenance (import, row, sheet row). */
static st insert_records(uc *c, const ledger_import_in *in, const ledger_import_staged *sg, int64_t id, err *e) {
    const ledger_table *t = in->t;
    db_stmt *q = NULL;
    st s = db_prepare(c->d,
                      "INSERT INTO ledger_record(import_id, row, sheet_row, name, code, code_kind, address, district, "
                      "district_code, street, park, employees, members, category, status, contact, phone, capital, "
                      "founded, business_scope, premises, operating, cells, contact_masked, phone_masked, "
                      "cells_sealed, pii, lng_e6, lat_e6) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,"
                      "$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,1,$27,$28)",
                      &q, e);
    for (int i = 0; !s && i < t->nrows; i++) {
        const ledger_row *r = &t->rows[i];
        const ledger_pii_row *p = &sg->rows[i];
        char dc[16];
        snprintf(dc, sizeof dc, "%d", r->district_code);
        db_bind_int(q, 1, id);
        db_bind_int(q, 2, r->row);
        db_bind_int(q, 3, r->sheet_row);
        db_bind_text(q, 4, r->val[LF_NAME]);
        db_bind_text(q, 5, r->val[LF_CODE]);
        db_bind_text(q, 6, ledger_import_code_kind_name(r->code_kind));
        db_bind_text(q, 7, r->val[LF_ADDRESS]);
        db_bind_text(q, 8, r->val[LF_DISTRICT]);
        db_bind_text(q, 9, r->district_code ? dc : NULL);
        db_bind_text(q, 10, r->val[LF_STREET]);
        db_bind_text(q, 11, r->val[LF_PARK]);
        bind_count(q, 12, r->val[LF_EMPLOYEES]);
        bind_count(q, 13, r->val[LF_MEMBERS]);
        db_bind_text(q, 14, r->val[LF_CATEGORY]);
        db_bind_text(q, 15, r->val[LF_STATUS]);
        db_bind_text(q, 16, p->contact_sealed);
        db_bind_text(q, 17, p->phone_sealed);
        db_bind_text(q, 18, r->val[LF_CAPITAL]);
        db_bind_text(q, 19, r->val[LF_FOUNDED]);
        db_bind_text(q, 20, r->val[LF_SCOPE]);
        db_bind_text(q, 21, r->val[LF_PREMISES]);
        db_bind_text(q, 22, r->val[LF_OPERATING]);
        db_bind_text(q, 23, p->cells_masked);
        db_bind_text(q, 24, p->contact_sealed ? p->contact_masked : NULL);
        db_bind_text(q, 25, p->phone_sealed ? p->phone_masked : NULL);
        db_bind_text(q, 26, p->cells_sealed);
        /* 经度/纬度 (issue 19): both or neither */
        int64_t lng, lat;
        if (r->val[LF_LNG] && r->val[LF_LAT] && ledger_degrees_e6(r->val[LF_LNG], &lng) && ledger_degrees_e6(r->val[LF_LAT], &lat)) {
            db_bind_int(q, 27, lng);
            db_bind_int(q, 28, lat);
        } else {
            db_bind_null(q, 27);
            db_bind_null(q, 28);
        }
        if (db_step(q, e) == DB_ERROR) s = e->code;
        db_reset(q);
        if (in->progress && (i % 4096 == 0 || i + 1 == t->nrows)) in->progress(in->ctx, (uint64_t)i + 1, (uint64_t)t->nrows);
    }
    return s;
}

/* The problems found reading the file; a problem quotes its value masked
 * when the cell is personal. */
static st insert_problems(uc *c, const ledger_table *t, const ledger_import_staged *sg, int64_t id, err *e) {
    db_stmt *q = NULL;
    st s = db_prepare(c->d,
                      "INSERT INTO ledger_problem(import_id, row, sheet_row, col, kind, column_name, value, message) "
                      "VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
                      &q, e);
    for (int i = 0; !s && i < t->nproblems; i++) {
        const ledger_problem *p = &t->problems[i];
        char masked[256];
        db_bind_int(q, 1, id);
        db_bind_int(q, 2, p->row);
        db_bind_int(q, 3, p->sheet_row);
        db_bind_int(q, 4, p->col);
        db_bind_text(q, 5, p->kind == LP_ERROR ? "error" : "warning");
        db_bind_text(q, 6, p->column);
        db_bind_text(q, 7, ledger_import_problem_value(t, sg, p, masked, sizeof masked));
        db_bind_text(q, 8, p->msg ? p->msg : "");
        if (db_step(q, e) == DB_ERROR) s = e->code;
        db_reset(q);
    }
    return s;
}

st ledger_import_store_add(uc *c, const ledger_import_in *in, int64_t *id, err *e) {
    const ledger_table *t = in->t;
    *id = 0;
    ledger_import_staged sg;
    memset(&sg, 0, sizeof sg);
    char sha[65];
    ledger_import_sha(t, sha);
    st s = import_duplicate(c, t, sha, id, e);
    if (!s) s = crypt_init(c->d, e);   /* personal data is sealed while staging */
    if (!s) s = ledger_import_stage(t, &sg, e);
    if (s) {
        ledger_import_staged_free(t, &sg);
        return s;
    }
    double t0 = now_ms();
    if (!(s = uc_begin(c, e))) {
        s = insert_import(c, in, &sg, id, e);
        if (!s) s = insert_records(c, in, &sg, *id, e);
        if (!s) s = insert_problems(c, t, &sg, *id, e);
        uc_act a = {"ledger.import", uc_obj(c, "ledger_import", *id),
                    arena_printf(c->mem, "导入台账《%s》：%d 行，%d 个问题（%d 个错误）", t->source, t->nrows, t->nproblems,
                                 sg.errors)};
        s = uc_end(c, s, &a, e);
    }
    if (!s)
        log_info("ledger: import %lld (%s): %d rows, %d problems written in one transaction of %.0f ms",
                 (long long)*id, t->source, t->nrows, t->nproblems, now_ms() - t0);
    else
        *id = 0;
    ledger_import_staged_free(t, &sg);
    return s;
}

st ledger_import_store_get(uc *c, int64_t id, json_t **out, err *e) {
    json_t *rows;
    *out = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT id, source, format, encoding, sheet, header_row, file_size, rows, problems, errors, "
                         "columns, importer, scope_code, sha256, created_at FROM ledger_import WHERE id = $1",
                         e, "i", id);
    if (s) return s;
    json_t *o = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    if (!o) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的导入记录。", (long long)id);
    /* columns is stored as JSON text: hand it back as JSON */
    json_t *cols = json_loads(json_string_value(json_object_get(o, "columns")), 0, NULL);
    json_object_set_new(o, "columns", cols ? cols : json_array());
    json_object_set_new(o, "status", json_string("done"));
    *out = o;
    return ST_OK;
}

/* An import belongs where its importer works: the district of the region
 * it was imported in (a park's parent district), the park, the importer. */
#define IMPORT_WHERE                                                                                        \
    " FROM ledger_import i LEFT JOIN region g ON g.code = i.scope_code WHERE "                             \
    SCOPE_COND("$1", "$2", "(CASE WHEN g.kind = 'park' THEN g.parent_code ELSE i.scope_code END)",           \
               "(CASE WHEN g.kind = 'park' THEN i.scope_code END)", "NULL", "NULL", "i.importer_id")         \
    " AND (CAST($3 AS TEXT) IS NULL OR i.source LIKE $3 ESCAPE '\\')"

st ledger_import_store_list(uc *c, const ledger_import_filter *f, const uc_page *pg, json_t **items, int64_t *total,
                            err *e) {
    const char *k, *code, *q = f && f->q && *f->q ? db_like(c->mem, f->q) : NULL;
    *items = NULL;
    scope_bind(c, &k, &code);
    st s = db_query_int(c->d, total, "SELECT COUNT(*)" IMPORT_WHERE, e, "ttt", k, code, q);
    if (s) return s;
    const char *sql = arena_printf(c->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $4 OFFSET $5",
                                   "SELECT i.id, i.source, i.format, i.sheet, i.rows, i.problems, i.errors, i.importer, "
                                   "i.scope_code, i.created_at, 'done' AS status" IMPORT_WHERE,
                                   pg->order ? pg->order : "q.id DESC");
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    return db_query_json(c->d, items, sql, e, "tttii", k, code, q, pg->limit, pg->offset);
}

#define PROBLEM_WHERE                                                                                       \
    " FROM ledger_problem WHERE import_id = $1 AND (CAST($2 AS TEXT) IS NULL OR kind = $2) "               \
    "AND (CAST($3 AS TEXT) IS NULL OR column_name LIKE $3 ESCAPE '\\' OR value LIKE $3 ESCAPE '\\' "        \
    "OR message LIKE $3 ESCAPE '\\')"

st ledger_import_store_problems(uc *c, int64_t id, const ledger_problem_filter *f, const uc_page *pg, json_t **items,
                                int64_t *total, err *e) {
    *items = NULL;
    const char *like = f->q && *f->q ? db_like(c->mem, f->q) : NULL;
    if (f->q && *f->q && !like) return err_set(e, ST_NOMEM, "内存不足");
    st s = db_query_int(c->d, total, "SELECT COUNT(*)" PROBLEM_WHERE, e, "itt", id, f->kind, like);
    buf sql;
    buf_init(&sql, 0);
    if (!s)
        s = buf_printf(&sql, "SELECT * FROM (%s) q ORDER BY %s LIMIT $4 OFFSET $5",
                       "SELECT id, row, sheet_row, col, kind, column_name AS \"column\", value, message" PROBLEM_WHERE,
                       pg->order ? pg->order : "q.row, q.col, q.id");
    if (!s) s = db_query_json(c->d, items, sql.data, e, "ittii", id, f->kind, like, pg->limit, pg->offset);
    buf_free(&sql);
    return s;
}

st ledger_import_store_report(uc *c, int64_t id, const ledger_problem_filter *f, int64_t cap, const char *path,
                              const char **source, err *e) {
    *source = NULL;
    json_t *imp = NULL, *items = NULL;
    int64_t total = 0;
    uc_page all = {cap, 0, NULL};
    st s = ledger_import_store_get(c, id, &imp, e);
    if (!s) s = ledger_import_store_problems(c, id, f, &all, &items, &total, e);
    const char *src = json_string_value(json_object_get(imp, "source"));
    if (!s && src && !(*source = arena_strdup(c->mem, src))) s = err_set(e, ST_NOMEM, "内存不足。");
    if (!s) s = ledger_import_report_xlsx(path, src, items, NULL, e);
    if (!s) {
        uc_act a = {"ledger.import_report", uc_obj(c, "ledger_import", id),
                    arena_printf(c->mem, "下载导入问题清单《%s》（%zu 条）", src ? src : "", json_array_size(items))};
        s = uc_audit(c, &a, e);
    }
    json_decref(imp);
    json_decref(items);
    return s;
}
