/* import — the rules of storing a ledger (see import.h): a read table staged
 * for the store, and the problem report workbook.
 *
 * Staging does, before the write transaction, everything that costs CPU:
 * the file's digest, its columns as JSON, every row's personal data sealed
 * and its cells turned into JSON.  On SQLite the write transaction holds the
 * database's one write lock, and every other writer (a login, a session)
 * waits for it; staged, the lock is held only for the inserts themselves
 * (docs/internals.md, "Databases"). */
#include "ledger/import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

const char *ledger_import_code_kind_name(ledger_code_kind k) {
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
static char *columns_text(const ledger_table *t, const ledger_pii_kind *kinds) {
    json_t *a = json_array();
    for (int c = 0; c < t->ncols; c++)
        json_array_append_new(a, json_pack("{s:s,s:s?,s:s?}", "header", t->headers[c] ? t->headers[c] : "",
                                           "field", t->col_field[c] == LF_NONE ? NULL : ledger_field_name(t->col_field[c]),
                                           "pii", ledger_pii_kind_name(kinds[c])));
    char *s = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return s;
}

void ledger_import_sha(const ledger_table *t, char sha[65]) { hex(t->sha256, 32, sha); }

st ledger_import_stage(const ledger_table *t, ledger_import_staged *s, err *e) {
    memset(s, 0, sizeof *s);
    ledger_import_sha(t, s->sha);
    for (int i = 0; i < t->nproblems; i++) s->errors += t->problems[i].kind == LP_ERROR;
    s->kinds = calloc(t->ncols ? (size_t)t->ncols : 1, sizeof *s->kinds);
    s->rows = calloc(t->nrows ? (size_t)t->nrows : 1, sizeof *s->rows);
    if (s->kinds) ledger_pii_columns(t, s->kinds);
    s->columns = s->kinds ? columns_text(t, s->kinds) : NULL;
    if (!s->columns || !s->rows || !s->kinds) return err_set(e, ST_NOMEM, "内存不足，无法导入 %s。", t->source);
    st r = ST_OK;
    for (int i = 0; !r && i < t->nrows; i++) r = ledger_pii_row_seal(t, s->kinds, &t->rows[i], &s->rows[i], e);
    return r;
}

void ledger_import_staged_free(const ledger_table *t, ledger_import_staged *s) {
    for (int i = 0; s->rows && i < t->nrows; i++) ledger_pii_row_free(&s->rows[i]);
    free(s->rows);
    free(s->kinds);
    free(s->columns);
    memset(s, 0, sizeof *s);
}

const char *ledger_import_problem_value(const ledger_table *t, const ledger_import_staged *s, const ledger_problem *p,
                                        char *buf, size_t n) {
    ledger_pii_kind k = p->col >= 0 && p->col < t->ncols ? ledger_pii_cell(s->kinds[p->col], t->col_field[p->col], p->value)
                                                           : PII_NONE;
    if (k == PII_NONE) return p->value;
    ledger_pii_mask(k, p->value, buf, n);
    return buf;
}

/* ---- the problem report ---- */

typedef struct report_line {
    int row, sheet_row;
    const char *col, *kind, *val, *msg;
} report_line;

/* Line i of the report: from the stored problems, or from the table. */
static report_line report_line_at(const json_t *problems, const ledger_table *t, size_t i) {
    report_line l;
    if (problems) {
        const json_t *p = json_array_get(problems, i);
        l.row = (int)json_integer_value(json_object_get(p, "row"));
        l.sheet_row = (int)json_integer_value(json_object_get(p, "sheet_row"));
        l.col = json_string_value(json_object_get(p, "column"));
        l.kind = json_string_value(json_object_get(p, "kind"));
        l.val = json_string_value(json_object_get(p, "value"));
        l.msg = json_string_value(json_object_get(p, "message"));
    } else {
        const ledger_problem *p = &t->problems[i];
        l = (report_line){p->row, p->sheet_row, p->column, p->kind == LP_ERROR ? "error" : "warning", p->value, p->msg};
    }
    return l;
}

st ledger_import_report_xlsx(const char *path, const char *source, const json_t *problems, const ledger_table *t,
                             err *e) {
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
        report_line l = report_line_at(problems, t, i);
        bool is_err = l.kind && !strcmp(l.kind, "error");
        if (l.row) worksheet_write_number(ws, r, 0, l.row, NULL);
        if (l.sheet_row) worksheet_write_number(ws, r, 1, l.sheet_row, NULL);
        worksheet_write_string(ws, r, 2, l.col ? l.col : "", NULL);
        worksheet_write_string(ws, r, 3, is_err ? "错误" : "提示", is_err ? errf : NULL);
        worksheet_write_string(ws, r, 4, l.val ? l.val : "", NULL);
        worksheet_write_string(ws, r, 5, l.msg ? l.msg : "", NULL);
    }
    worksheet_autofilter(ws, 1, 0, r > 2 ? r - 1 : 2, 5);
    lxw_error x = workbook_close(wb);
    if (x != LXW_NO_ERROR) return err_set(e, ST_IO, "写入报告文件 %s 失败：%s", path, lxw_strerror(x));
    return ST_OK;
}
