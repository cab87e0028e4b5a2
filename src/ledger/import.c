/* import — see import.h.  One transaction per file: a crash at any instant
 * leaves either no trace of the file or all of it. */
#include "import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#include "base/crypt.h"
#include "core/buf.h"
#include "core/log.h"
#include "ledger/pii.h"

static const char *code_kind_name(ledger_code_kind k) {
    switch (k) {
    case LC_USCC: return "uscc";
    case LC_USCC_BAD: return "uscc_bad";
    case LC_REGNO: return "regno";
    case LC_OTHER: return "other";
    default: return NULL;
    }
}

static void hex(const uint8_t *p, size_t n, char *out) {
    for (size_t i = 0; i < n; i++) snprintf(out + 2 * i, 3, "%02x", p[i]);
}

/* The columns as found, with the kind of personal data each holds ("pii"). */
static json_t *columns_json(const ledger_table *t, const ledger_pii_kind *kinds) {
    json_t *a = json_array();
    for (int c = 0; c < t->ncols; c++)
        json_array_append_new(a, json_pack("{s:s,s:s?,s:s?}", "header", t->headers[c] ? t->headers[c] : "",
                                           "field", t->col_field[c] == LF_NONE ? NULL : ledger_field_name(t->col_field[c]),
                                           "pii", ledger_pii_kind_name(kinds[c])));
    return a;
}

static char *dump(json_t *j) {
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return s;
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

st ledger_import_store(db *d, const ledger_table *t, uint64_t file_size, const ledger_import_who *who,
                       void (*progress)(void *ctx, uint64_t done, uint64_t total), void *ctx,
                       int64_t *id, err *e) {
    char sha[65];
    hex(t->sha256, 32, sha);
    *id = 0;
    int64_t prev = 0;
    st s = db_query_int(d, &prev, "SELECT id FROM ledger_import WHERE sha256 = $1", e, "t", sha);
    if (s == ST_OK) {
        *id = prev;
        return err_set(e, ST_CONFLICT, "文件 %s 已经导入过（导入编号 %lld，内容完全相同），未重复导入。",
                       t->source, (long long)prev);
    }
    if (s != ST_NOT_FOUND) return s;
    s = ST_OK;
    int errors = 0;
    for (int i = 0; i < t->nproblems; i++) errors += t->problems[i].kind == LP_ERROR;
    /* Stage everything before the write transaction: on SQLite the transaction
     * holds the database's one write lock, and every other writer (a login, a
     * session) waits for it.  Building each row's cells as JSON is most of the
     * CPU of an import, so it is done here, and the lock is held only for the
     * inserts themselves (docs/internals.md, "Databases"). */
    /* Sealing the personal data (pii.h) is part of the staging too. */
    ledger_pii_kind *kinds = calloc(t->ncols ? (size_t)t->ncols : 1, sizeof *kinds);
    ledger_pii_row *cells = calloc(t->nrows ? (size_t)t->nrows : 1, sizeof *cells);
    if (kinds) ledger_pii_columns(t, kinds);
    char *cols = kinds ? dump(columns_json(t, kinds)) : NULL;
    if (!cols || !cells || !kinds) {
        free(cols);
        free(cells);
        free(kinds);
        return err_set(e, ST_NOMEM, "内存不足，无法导入 %s。", t->source);
    }
    s = crypt_init(d, e);
    for (int i = 0; !s && i < t->nrows; i++) s = ledger_pii_row_seal(t, kinds, &t->rows[i], &cells[i], e);
    double t0 = now_ms();
    if (!s) s = db_begin(d, e);
    if (!s) {
        s = db_query_int(d, id,
                         "INSERT INTO ledger_import(sha256, source, format, encoding, sheet, header_row, file_size, rows, "
                         "problems, errors, columns, importer, importer_id, scope_code, created_at) "
                         "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,{{NOW}}) RETURNING id",
                         e, "tttttiiiiittit", sha, t->source, t->format, t->encoding, t->sheet, (int64_t)t->header_row,
                         (int64_t)file_size, (int64_t)t->nrows, (int64_t)t->nproblems, (int64_t)errors, cols,
                         who->importer, who->importer_id, who->scope_code);
        if (s == ST_CONFLICT)   /* imported concurrently by someone else a moment ago */
            err_set(e, ST_CONFLICT, "文件 %s 刚刚已被导入，未重复导入。", t->source);
    }
    db_stmt *q = NULL;
    if (!s) s = db_prepare(d,
                           "INSERT INTO ledger_record(import_id, row, sheet_row, name, code, code_kind, address, district, "
                           "district_code, street, park, employees, members, category, status, contact, phone, capital, "
                           "founded, business_scope, premises, operating, cells, contact_masked, phone_masked, "
                           "cells_sealed, pii) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,"
                           "$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,1)",
                           &q, e);
    for (int i = 0; !s && i < t->nrows; i++) {
        const ledger_row *r = &t->rows[i];
        db_bind_int(q, 1, *id);
        db_bind_int(q, 2, r->row);
        db_bind_int(q, 3, r->sheet_row);
        db_bind_text(q, 4, r->val[LF_NAME]);
        db_bind_text(q, 5, r->val[LF_CODE]);
        db_bind_text(q, 6, code_kind_name(r->code_kind));
        db_bind_text(q, 7, r->val[LF_ADDRESS]);
        db_bind_text(q, 8, r->val[LF_DISTRICT]);
        char dc[16];
        snprintf(dc, sizeof dc, "%d", r->district_code);
        db_bind_text(q, 9, r->district_code ? dc : NULL);
        db_bind_text(q, 10, r->val[LF_STREET]);
        db_bind_text(q, 11, r->val[LF_PARK]);
        if (r->val[LF_EMPLOYEES]) db_bind_int(q, 12, strtoll(r->val[LF_EMPLOYEES], NULL, 10));
        else db_bind_null(q, 12);
        if (r->val[LF_MEMBERS]) db_bind_int(q, 13, strtoll(r->val[LF_MEMBERS], NULL, 10));
        else db_bind_null(q, 13);
        db_bind_text(q, 14, r->val[LF_CATEGORY]);
        db_bind_text(q, 15, r->val[LF_STATUS]);
        const ledger_pii_row *p = &cells[i];
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
        int rc = db_step(q, e);
        db_reset(q);
        if (rc == DB_ERROR) s = e->code;
        if (progress && (i % 4096 == 0 || i + 1 == t->nrows)) progress(ctx, (uint64_t)i + 1, (uint64_t)t->nrows);
    }
    if (!s) s = db_prepare(d,
                           "INSERT INTO ledger_problem(import_id, row, sheet_row, col, kind, column_name, value, message) "
                           "VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
                           &q, e);
    for (int i = 0; !s && i < t->nproblems; i++) {
        const ledger_problem *p = &t->problems[i];
        db_bind_int(q, 1, *id);
        db_bind_int(q, 2, p->row);
        db_bind_int(q, 3, p->sheet_row);
        db_bind_int(q, 4, p->col);
        db_bind_text(q, 5, p->kind == LP_ERROR ? "error" : "warning");
        db_bind_text(q, 6, p->column);
        /* a problem quotes its value: masked when the cell is personal */
        char masked[256];
        ledger_pii_kind k = p->col >= 0 && p->col < t->ncols ? ledger_pii_cell(kinds[p->col], t->col_field[p->col], p->value)
                                                               : PII_NONE;
        if (k != PII_NONE) ledger_pii_mask(k, p->value, masked, sizeof masked);
        db_bind_text(q, 7, k != PII_NONE ? masked : p->value);
        db_bind_text(q, 8, p->msg ? p->msg : "");
        int rc = db_step(q, e);
        db_reset(q);
        if (rc == DB_ERROR) s = e->code;
    }
    if (!s) s = db_commit(d, e);
    else db_rollback(d);
    if (!s)
        log_info("ledger: import %lld (%s): %d rows, %d problems written in one transaction of %.0f ms",
                 (long long)*id, t->source, t->nrows, t->nproblems, now_ms() - t0);
    else
        *id = 0;
    for (int i = 0; i < t->nrows; i++) ledger_pii_row_free(&cells[i]);
    free(cells);
    free(kinds);
    free(cols);
    return s;
}

st ledger_import_get(db *d, int64_t id, json_t **out, char **scope_code, err *e) {
    json_t *rows;
    *out = NULL;
    if (scope_code) *scope_code = NULL;
    st s = db_query_json(d, &rows,
                         "SELECT id, source, format, encoding, sheet, header_row, file_size, rows, problems, errors, "
                         "columns, importer, scope_code, sha256, created_at FROM ledger_import WHERE id = $1",
                         e, "i", id);
    if (s) return s;
    json_t *o = json_array_get(rows, 0);
    if (!o) {
        json_decref(rows);
        return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的导入记录。", (long long)id);
    }
    json_incref(o);
    json_decref(rows);
    /* columns is stored as JSON text: hand it back as JSON */
    json_t *cols = json_loads(json_string_value(json_object_get(o, "columns")), 0, NULL);
    json_object_set_new(o, "columns", cols ? cols : json_array());
    json_object_set_new(o, "status", json_string("done"));
    if (scope_code) {
        const char *sc = json_string_value(json_object_get(o, "scope_code"));
        *scope_code = sc ? strdup(sc) : NULL;
    }
    *out = o;
    return ST_OK;
}

st ledger_import_problems(db *d, int64_t id, const char *kind, const char *q, const char *order, int64_t offset,
                          int64_t limit, json_t **items, int64_t *total, err *e) {
    char *like = NULL;
    if (q && *q) {
        /* escape LIKE wildcards so that a search for "50%" means that text */
        like = malloc(strlen(q) * 2 + 3);
        if (!like) return err_set(e, ST_NOMEM, "内存不足");
        char *w = like;
        *w++ = '%';
        for (const char *p = q; *p; p++) {
            if (*p == '%' || *p == '_' || *p == '\\') *w++ = '\\';
            *w++ = *p;
        }
        *w++ = '%';
        *w = 0;
    }
    st s = db_query_int(d, total,
                        "SELECT COUNT(*) FROM ledger_problem WHERE import_id = $1 AND (CAST($2 AS TEXT) IS NULL OR kind = $2) "
                        "AND (CAST($3 AS TEXT) IS NULL OR column_name LIKE $3 ESCAPE '\\' OR value LIKE $3 ESCAPE '\\' "
                        "OR message LIKE $3 ESCAPE '\\')",
                        e, "itt", id, kind, like);
    buf sql;
    buf_init(&sql, 0);
    if (!s)
        s = buf_printf(&sql, "SELECT * FROM (%s) q ORDER BY %s LIMIT $4 OFFSET $5",
                       "SELECT id, row, sheet_row, col, kind, column_name AS \"column\", value, message FROM ledger_problem "
                       "WHERE import_id = $1 AND (CAST($2 AS TEXT) IS NULL OR kind = $2) "
                       "AND (CAST($3 AS TEXT) IS NULL OR column_name LIKE $3 ESCAPE '\\' OR value LIKE $3 ESCAPE '\\' "
                       "OR message LIKE $3 ESCAPE '\\')",
                       order ? order : "q.row, q.col, q.id");
    if (!s) s = db_query_json(d, items, sql.data, e, "ittii", id, kind, like, limit, offset);
    buf_free(&sql);
    free(like);
    return s;
}

st ledger_report_xlsx(const char *path, const char *source, const json_t *problems,
                      const ledger_table *t, err *e) {
    lxw_workbook *wb = workbook_new(path);
    if (!wb) return err_set(e, ST_IO, "无法创建报告文件 %s。", path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "问题清单");
    lxw_format *title = workbook_add_format(wb);
    format_set_bold(title);
    format_set_font_size(title, 14);
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_bg_color(head, 0xDDEBF7);
    format_set_border(head, LXW_BORDER_THIN);
    lxw_format *errf = workbook_add_format(wb);
    format_set_font_color(errf, 0xC00000);
    char tbuf[512];
    snprintf(tbuf, sizeof tbuf, "台账导入问题清单：%s", source ? source : "");
    worksheet_write_string(ws, 0, 0, tbuf, title);
    static const char *heads[] = {"数据行", "表格行号", "列", "级别", "原值", "问题说明"};
    static const double widths[] = {8, 10, 18, 8, 30, 70};
    for (int c = 0; c < 6; c++) {
        worksheet_write_string(ws, 1, (lxw_col_t)c, heads[c], head);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
    }
    worksheet_freeze_panes(ws, 2, 0);
    lxw_row_t r = 2;
    size_t n = problems ? json_array_size(problems) : (size_t)(t ? t->nproblems : 0);
    for (size_t i = 0; i < n; i++, r++) {
        int row, sheet_row;
        const char *col, *kind, *val, *msg;
        if (problems) {
            const json_t *p = json_array_get(problems, i);
            row = (int)json_integer_value(json_object_get(p, "row"));
            sheet_row = (int)json_integer_value(json_object_get(p, "sheet_row"));
            col = json_string_value(json_object_get(p, "column"));
            kind = json_string_value(json_object_get(p, "kind"));
            val = json_string_value(json_object_get(p, "value"));
            msg = json_string_value(json_object_get(p, "message"));
        } else {
            const ledger_problem *p = &t->problems[i];
            row = p->row;
            sheet_row = p->sheet_row;
            col = p->column;
            kind = p->kind == LP_ERROR ? "error" : "warning";
            val = p->value;
            msg = p->msg;
        }
        bool is_err = kind && !strcmp(kind, "error");
        if (row) worksheet_write_number(ws, r, 0, row, NULL);
        if (sheet_row) worksheet_write_number(ws, r, 1, sheet_row, NULL);
        worksheet_write_string(ws, r, 2, col ? col : "", NULL);
        worksheet_write_string(ws, r, 3, is_err ? "错误" : "提示", is_err ? errf : NULL);
        worksheet_write_string(ws, r, 4, val ? val : "", NULL);
        worksheet_write_string(ws, r, 5, msg ? msg : "", NULL);
    }
    worksheet_autofilter(ws, 1, 0, r > 2 ? r - 1 : 2, 5);
    lxw_error x = workbook_close(wb);
    if (x != LXW_NO_ERROR) return err_set(e, ST_IO, "写入报告文件 %s 失败：%s", path, lxw_strerror(x));
    return ST_OK;
}
