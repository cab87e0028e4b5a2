/* verify — the rules of field verification (see verify.h): the template an
 * area office fills in, reading it back row by row, and what a result means
 * for round 4.  No SQL: verify_store.c and round_store.c bring the rows. */
#include "ledger/verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xlsxwriter.h>

#include "ledger/table.h"

int ledger_verify_yes_no(const char *v) {
    if (!v || !*v) return -1;
    if (!strncmp(v, "有", 3) || !strncmp(v, "是", 3) || !strcmp(v, "1") || !strcasecmp(v, "Y") || !strcasecmp(v, "yes")) return 1;
    if (!strncmp(v, "无", 3) || !strncmp(v, "否", 3) || !strncmp(v, "没有", 6) || !strcmp(v, "0") || !strcasecmp(v, "N") ||
        !strcasecmp(v, "no"))
        return 0;
    return -2;
}

const char *ledger_verify_removal(const ledger_verification *v) {
    if (!v) return "未实地核查";
    if (v->premises == 0) return "实地核查：无固定办公场所";
    if (v->operating == 0) return "实地核查：未正常经营";
    if (v->employees == 0) return "实地核查：无从业人员";
    return NULL;
}

void ledger_verify_round4(ledger_round_entity *x, const ledger_verification *v) {
    x->removed_reason = ledger_verify_removal(v);
    if (v && v->employees >= 0) x->employees = v->employees;
}

/* ---- the template ---- */

#define NCOLS 11
static const char *const vt_heads[NCOLS] = {"企业编号", "企业名称", "统一社会信用代码", "所属区", "地址", "台账从业人数",
                                            "核实从业人数", "有无办公场所", "是否正常经营", "核查人", "备注"};

/* The yellow columns take 有/无, 是/否 and counts of 0 or more only. */
static void template_validation(lxw_worksheet *ws, size_t n) {
    lxw_data_validation yn = {0}, sf = {0}, nonneg = {0};
    const char *yn_list[] = {"有", "无", NULL}, *shi_fou[] = {"是", "否", NULL};
    yn.validate = LXW_VALIDATION_TYPE_LIST;
    yn.value_list = (char **)yn_list;
    sf.validate = LXW_VALIDATION_TYPE_LIST;
    sf.value_list = (char **)shi_fou;
    nonneg.validate = LXW_VALIDATION_TYPE_INTEGER;
    nonneg.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
    nonneg.value_number = 0;
    worksheet_data_validation_range(ws, 2, 6, (lxw_row_t)(n + 1), 6, &nonneg);
    worksheet_data_validation_range(ws, 2, 7, (lxw_row_t)(n + 1), 7, &yn);
    worksheet_data_validation_range(ws, 2, 8, (lxw_row_t)(n + 1), 8, &sf);
}

static void template_head(lxw_workbook *wb, lxw_worksheet *ws, int64_t round, const char *area) {
    lxw_format *title = workbook_add_format(wb);
    format_set_bold(title);
    format_set_font_size(title, 14);
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_bg_color(head, 0xDDEBF7);
    format_set_border(head, LXW_BORDER_THIN);
    format_set_text_wrap(head);
    lxw_format *fill = workbook_add_format(wb);
    format_set_bg_color(fill, 0xFFF2CC);
    format_set_border(fill, LXW_BORDER_THIN);
    char t[200];
    snprintf(t, sizeof t, "企业实地核查表（第 %lld 号轮次%s%s）——请填写黄色列后导回", (long long)round,
             area ? "，区划 " : "", area ? area : "");
    worksheet_write_string(ws, 0, 0, t, title);
    static const double w[NCOLS] = {9, 34, 22, 9, 40, 12, 12, 12, 12, 10, 24};
    for (int c = 0; c < NCOLS; c++) {
        worksheet_write_string(ws, 1, (lxw_col_t)c, vt_heads[c], head);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w[c], c >= 6 ? fill : NULL);
    }
    worksheet_freeze_panes(ws, 2, 2);
}

st ledger_verify_template_xlsx(const char *path, int64_t round, const char *area, const json_t *rows, err *e) {
    lxw_workbook *wb = workbook_new(path);
    if (!wb) return err_set(e, ST_IO, "无法创建文件 %s。", path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "实地核查");
    template_head(wb, ws, round, area);
    size_t n = json_array_size(rows);
    for (size_t i = 0; i < n; i++) {
        const json_t *o = json_array_get(rows, i);
        lxw_row_t r = (lxw_row_t)(i + 2);
        worksheet_write_number(ws, r, 0, (double)json_integer_value(json_object_get(o, "entity_no")), NULL);
        static const char *k[] = {"name", "uscc", "district", "address"};
        for (int c = 0; c < 4; c++) {
            const char *v = json_string_value(json_object_get(o, k[c]));
            if (v) worksheet_write_string(ws, r, (lxw_col_t)(c + 1), v, NULL);
        }
        if (json_is_integer(json_object_get(o, "employees")))
            worksheet_write_number(ws, r, 5, (double)json_integer_value(json_object_get(o, "employees")), NULL);
        const char *zr = json_string_value(json_object_get(o, "zombie_reason"));
        if (zr) worksheet_write_string(ws, r, 10, zr, NULL);
    }
    if (n) template_validation(ws, n);
    lxw_error x = workbook_close(wb);
    return x == LXW_NO_ERROR ? ST_OK : err_set(e, ST_IO, "写入 %s 失败：%s", path, lxw_strerror(x));
}

/* ---- reading a filled template ---- */

json_t *ledger_verify_problem(int sheet_row, const char *column, const char *value, const char *message) {
    return json_pack("{s:i,s:s,s:s,s:s}", "row", sheet_row, "column", column, "value", value ? value : "", "message",
                     message);
}

typedef struct tcols { int no, emp, pre, op, who, note; } tcols;

static int col_of(const ledger_table *t, const char *head) {
    for (int c = 0; c < t->ncols; c++)
        if (t->headers[c] && !strcmp(t->headers[c], head)) return c;
    return -1;
}

static st read_file(const char *path, const char *name, ledger_table **t, err *e) {
    FILE *f = fopen(path, "rb");
    if (!f) return err_set(e, ST_IO, "无法打开文件 %s。", name);
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = sz > 0 ? malloc((size_t)sz) : NULL;
    size_t got = data ? fread(data, 1, (size_t)sz, f) : 0;
    fclose(f);
    if (!data || got != (size_t)sz) {
        free(data);
        return err_set(e, ST_INVALID, "文件 %s 为空或无法读取。", name);
    }
    ledger_read_opts o = {0};
    st s = ledger_table_read_mem(name, data, (size_t)sz, &o, t, e);
    free(data);
    return s;
}

static void row_bad(ledger_verify_row *x, const char *column, const char *value, const char *message) {
    x->bad_column = column;
    x->bad_value = value;
    x->bad_message = message;
}

/* What one row says, checked in the order a person fixes it: the count, the
 * yes/no columns, then (when anything is filled in) the enterprise's number. */
static void row_read(const ledger_row *r, const tcols *k, ledger_verify_row *x) {
    memset(x, 0, sizeof *x);
    x->sheet_row = r->sheet_row;
    x->no_text = r->cells[k->no];
    x->no = strtoll(x->no_text, NULL, 10);
    const char *emp_s = k->emp >= 0 ? r->cells[k->emp] : "";
    x->v.premises = k->pre >= 0 ? ledger_verify_yes_no(r->cells[k->pre]) : -1;
    x->v.operating = k->op >= 0 ? ledger_verify_yes_no(r->cells[k->op]) : -1;
    x->v.employees = -1;
    if (*emp_s) {
        char *end;
        x->v.employees = strtoll(emp_s, &end, 10);
        if (*end || x->v.employees < 0) { row_bad(x, "核实从业人数", emp_s, "核实从业人数应为不小于 0 的整数，本行未导入。"); return; }
    }
    if (x->v.premises == -2) { row_bad(x, "有无办公场所", r->cells[k->pre], "请填写“有/无”或“是/否”，本行未导入。"); return; }
    if (x->v.operating == -2) { row_bad(x, "是否正常经营", r->cells[k->op], "请填写“有/无”或“是/否”，本行未导入。"); return; }
    if (x->v.employees < 0 && x->v.premises < 0 && x->v.operating < 0) {
        x->empty = true;   /* not filled in yet */
        return;
    }
    if (!*x->no_text || x->no <= 0) { row_bad(x, "企业编号", x->no_text, "企业编号缺失或无效，本行未导入。"); return; }
    x->v.verifier = k->who >= 0 && *r->cells[k->who] ? r->cells[k->who] : NULL;
    x->v.note = k->note >= 0 && *r->cells[k->note] ? r->cells[k->note] : NULL;
}

st ledger_verify_read(const char *path, const char *name, arena *a, ledger_verify_row **rows, size_t *n, err *e) {
    *rows = NULL;
    *n = 0;
    ledger_table *t = NULL;
    st s = read_file(path, name, &t, e);
    if (s) return s;
    tcols k = {col_of(t, "企业编号"), col_of(t, "核实从业人数"), col_of(t, "有无办公场所"),
               col_of(t, "是否正常经营"), col_of(t, "核查人"), col_of(t, "备注")};
    if (k.no < 0 || (k.emp < 0 && k.pre < 0 && k.op < 0)) {
        ledger_table_free(t);
        return err_set(e, ST_INVALID, "文件 %s 不是实地核查表：缺少“企业编号”或核查结果列。请用系统导出的核查表填写。", name);
    }
    *rows = arena_calloc(a, t->nrows ? (size_t)t->nrows : 1, sizeof **rows);
    if (!*rows) s = err_set(e, ST_NOMEM, "内存不足");
    for (int i = 0; !s && i < t->nrows; i++) {
        ledger_verify_row *x = &(*rows)[i];
        row_read(&t->rows[i], &k, x);
        /* the strings outlive the table */
        const char **str[] = {&x->no_text, &x->v.verifier, &x->v.note, &x->bad_value};
        for (size_t q = 0; q < sizeof str / sizeof str[0]; q++)
            if (*str[q] && !(*str[q] = arena_strdup(a, *str[q]))) s = err_set(e, ST_NOMEM, "内存不足");
    }
    if (!s) *n = (size_t)t->nrows;
    ledger_table_free(t);
    return s;
}
