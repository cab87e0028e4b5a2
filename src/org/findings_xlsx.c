/* findings_xlsx — the rule findings (org_findings()) as an Excel workbook for
 * the offices that work through them: a summary sheet, the enterprises and
 * organizations with their findings in words, and the suggested joint
 * branches with their enterprises.  Pure rendering: the caller fetches the
 * findings (uncapped) and a code → name map for districts, parks and streets. */
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "core/buf.h"
#include "core/config.h"
#include "org/org.h"
#include "org/findings.h"

typedef struct fx_col { const char *head; double width; } fx_col;

typedef struct fx {
    lxw_workbook *wb;
    lxw_format *head, *bold;
    const json_t *names;
    int64_t cap;
} fx;

static const char *fx_str(const json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* A region code as its name ("350203" → "思明区"); the code itself when unknown. */
static const char *fx_name(const fx *x, const char *code) {
    const char *n = code && *code ? json_string_value(json_object_get(x->names, code)) : NULL;
    return n ? n : code ? code : "";
}

/* ["should_form", "joint"] → "应建未建、联合组建" */
static void fx_labels(const json_t *codes, buf *b) {
    size_t i;
    const json_t *c;
    json_array_foreach(codes, i, c) {
        const char *label = json_string_value(c);
        for (int bit = 0; bit < ORG_F__COUNT; bit++)
            if (label && !strcmp(label, org_finding_code(1 << bit))) label = org_finding_label(1 << bit);
        buf_printf(b, "%s%s", i ? "、" : "", label ? label : "");
    }
}

static lxw_worksheet *fx_sheet(fx *x, const char *name, const fx_col *cols, int n) {
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);
    if (!ws) return NULL;
    for (int c = 0; c < n; c++) {
        worksheet_write_string(ws, 0, (lxw_col_t)c, cols[c].head, x->head);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, cols[c].width, NULL);
    }
    worksheet_freeze_panes(ws, 1, 0);
    return ws;
}

/* Rows written of n; a closing line says when export-row-cap cut the list. */
static size_t fx_rows(const fx *x, lxw_worksheet *ws, size_t n) {
    if ((int64_t)n <= x->cap) return n;
    worksheet_write_string(ws, (lxw_row_t)(x->cap + 2), 0,
                           "已达导出行数上限（export-row-cap），其余记录未导出；请按区分别导出。", x->bold);
    return (size_t)x->cap;
}

static void fx_bool(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const json_t *v) {
    worksheet_write_string(ws, r, c, json_is_true(v) ? "是" : "否", NULL);
}

static void fx_summary(fx *x, const json_t *f, const char *scope) {
    static const fx_col cols[] = {{"提示", 22}, {"数量", 10}};
    lxw_worksheet *ws = fx_sheet(x, "汇总", cols, 2);
    if (!ws) return;
    const json_t *counts = json_object_get(f, "counts");
    lxw_row_t r = 1;
    for (int bit = 0; bit < ORG_F__COUNT; bit++) {
        worksheet_write_string(ws, r, 0, org_finding_label(1 << bit), NULL);
        worksheet_write_number(ws, r++, 1, (double)json_integer_value(json_object_get(counts, org_finding_code(1 << bit))), NULL);
    }
    worksheet_write_string(ws, r, 0, "建议联合组建组数", NULL);
    worksheet_write_number(ws, r++, 1, (double)json_array_size(json_object_get(f, "joint")), NULL);
    char line[300];
    snprintf(line, sizeof line, "截至 %s · 范围：%s", fx_str(f, "date"), scope);
    worksheet_write_string(ws, r + 1, 0, line, NULL);
}

static void fx_enterprises(fx *x, const json_t *ents, buf *b) {
    static const fx_col cols[] = {{"企业编号", 10}, {"企业名称", 36}, {"区", 10}, {"园区", 16}, {"党员数", 8},
                                  {"从业人数", 10}, {"重点企业", 10}, {"已覆盖", 8}, {"已派指导员", 10}, {"提示", 30}};
    lxw_worksheet *ws = fx_sheet(x, "企业", cols, 10);
    if (!ws) return;
    size_t n = fx_rows(x, ws, json_array_size(ents));
    for (size_t i = 0; i < n; i++) {
        const json_t *it = json_array_get(ents, i);
        lxw_row_t r = (lxw_row_t)(i + 1);
        worksheet_write_number(ws, r, 0, (double)json_integer_value(json_object_get(it, "id")), NULL);
        worksheet_write_string(ws, r, 1, fx_str(it, "name"), NULL);
        worksheet_write_string(ws, r, 2, fx_name(x, fx_str(it, "district_code")), NULL);
        worksheet_write_string(ws, r, 3, fx_name(x, fx_str(it, "park_code")), NULL);
        worksheet_write_number(ws, r, 4, (double)json_integer_value(json_object_get(it, "members")), NULL);
        worksheet_write_number(ws, r, 5, (double)json_integer_value(json_object_get(it, "employees")), NULL);
        fx_bool(ws, r, 6, json_object_get(it, "key"));
        fx_bool(ws, r, 7, json_object_get(it, "covered"));
        fx_bool(ws, r, 8, json_object_get(it, "instructor"));
        buf_reset(b);
        fx_labels(json_object_get(it, "findings"), b);
        worksheet_write_string(ws, r, 9, b->data ? b->data : "", NULL);
    }
}

static void fx_orgs(fx *x, const json_t *orgs, buf *b) {
    static const fx_col cols[] = {{"组织编号", 10}, {"组织名称", 40}, {"类别", 12}, {"区", 10}, {"党员数", 8},
                                  {"覆盖单位数", 10}, {"已设支委会", 10}, {"提示", 30}};
    lxw_worksheet *ws = fx_sheet(x, "党组织", cols, 8);
    if (!ws) return;
    size_t n = fx_rows(x, ws, json_array_size(orgs));
    for (size_t i = 0; i < n; i++) {
        const json_t *it = json_array_get(orgs, i);
        lxw_row_t r = (lxw_row_t)(i + 1);
        worksheet_write_number(ws, r, 0, (double)json_integer_value(json_object_get(it, "id")), NULL);
        worksheet_write_string(ws, r, 1, fx_str(it, "name"), NULL);
        worksheet_write_string(ws, r, 2, fx_str(it, "kind"), NULL);
        worksheet_write_string(ws, r, 3, fx_name(x, fx_str(it, "district_code")), NULL);
        worksheet_write_number(ws, r, 4, (double)json_integer_value(json_object_get(it, "members")), NULL);
        worksheet_write_number(ws, r, 5, (double)json_integer_value(json_object_get(it, "units")), NULL);
        fx_bool(ws, r, 6, json_object_get(it, "committee"));
        buf_reset(b);
        fx_labels(json_object_get(it, "findings"), b);
        worksheet_write_string(ws, r, 7, b->data ? b->data : "", NULL);
    }
}

static void fx_joint(fx *x, const json_t *joint, buf *b) {
    static const fx_col cols[] = {{"组号", 8}, {"依据", 10}, {"所在", 36}, {"区", 10}, {"党员合计", 10},
                                  {"企业数", 8}, {"企业", 60}, {"企业编号", 24}};
    lxw_worksheet *ws = fx_sheet(x, "联合组建建议", cols, 8);
    if (!ws) return;
    size_t n = fx_rows(x, ws, json_array_size(joint));
    for (size_t i = 0; i < n; i++) {
        const json_t *g = json_array_get(joint, i), *ents = json_object_get(g, "enterprises");
        lxw_row_t r = (lxw_row_t)(i + 1);
        const char *lv = fx_str(g, "level");
        worksheet_write_number(ws, r, 0, (double)(i + 1), NULL);
        worksheet_write_string(ws, r, 1, !strcmp(lv, "building") ? "同一楼宇" : !strcmp(lv, "park") ? "同一园区" : "同一街道", NULL);
        /* a building is an address already; parks and streets are codes */
        worksheet_write_string(ws, r, 2, !strcmp(lv, "building") ? fx_str(g, "key") : fx_name(x, fx_str(g, "key")), NULL);
        worksheet_write_string(ws, r, 3, fx_name(x, fx_str(g, "district_code")), NULL);
        worksheet_write_number(ws, r, 4, (double)json_integer_value(json_object_get(g, "members")), NULL);
        worksheet_write_number(ws, r, 5, (double)json_array_size(ents), NULL);
        for (int k = 0; k < 2; k++) {
            buf_reset(b);
            size_t j;
            const json_t *u;
            json_array_foreach(ents, j, u) {
                if (k) buf_printf(b, "%s%lld", j ? "、" : "", (long long)json_integer_value(json_object_get(u, "id")));
                else buf_printf(b, "%s%s", j ? "、" : "", fx_str(u, "name"));
            }
            worksheet_write_string(ws, r, (lxw_col_t)(6 + k), b->data ? b->data : "", NULL);
        }
    }
}

st org_findings_xlsx(const json_t *findings, const json_t *names, const char *scope, const char *path, err *e) {
    fx x = {.names = names, .cap = cfg_int("export-row-cap")};
    x.wb = workbook_new(path);
    if (!x.wb) return err_set(e, ST_IO, "无法创建 Excel 文件。");
    x.head = workbook_add_format(x.wb);
    format_set_bold(x.head);
    format_set_bg_color(x.head, 0xF2DEDE);
    format_set_border(x.head, LXW_BORDER_THIN);
    x.bold = workbook_add_format(x.wb);
    format_set_bold(x.bold);
    buf b;
    buf_init(&b, 256);
    fx_summary(&x, findings, scope ? scope : "");
    fx_enterprises(&x, json_object_get(findings, "enterprises"), &b);
    fx_orgs(&x, json_object_get(findings, "orgs"), &b);
    fx_joint(&x, json_object_get(findings, "joint"), &b);
    buf_free(&b);
    lxw_error rc = workbook_close(x.wb);
    if (rc != LXW_NO_ERROR) return err_set(e, ST_IO, "写入 Excel 文件失败：%s", lxw_strerror(rc));
    return ST_OK;
}
