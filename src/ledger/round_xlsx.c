/* round_xlsx — a round's ledger as a workbook: the kept enterprises on one
 * sheet, the removed ones (with the reason) on another, each with a title,
 * a frozen header and a filter.  The rows come from the store (already
 * limited to the actor's area); nothing here reads the database. */
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "ledger/round.h"

#define NCOLS 11
static const char *const heads[NCOLS] = {"企业编号", "企业名称", "统一社会信用代码", "所属区", "地址", "行业分类",
                                         "从业人数", "党员数", "疑似僵尸原因", "剔除原因", "来源记录数"};
static const char *const keys[NCOLS] = {"entity_no", "name", "uscc", "district", "address", "category", "employees",
                                        "members", "zombie_reason", "removed_reason", "records"};
static const double widths[NCOLS] = {9, 36, 22, 9, 40, 9, 10, 8, 36, 36, 10};

static void sheet_head(lxw_worksheet *ws, const char *title_text, lxw_format *title, lxw_format *head) {
    worksheet_write_string(ws, 0, 0, title_text, title);
    for (int c = 0; c < NCOLS; c++) {
        worksheet_write_string(ws, 1, (lxw_col_t)c, heads[c], head);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
    }
    worksheet_freeze_panes(ws, 2, 2);
}

/* One enterprise; "records" (its lineage) is shown as how many rows it has. */
static void sheet_row(lxw_worksheet *ws, lxw_row_t r, const json_t *o) {
    for (int c = 0; c < NCOLS; c++) {
        json_t *v = json_object_get(o, keys[c]);
        if (c == NCOLS - 1) {
            json_t *arr = json_loads(json_string_value(v), 0, NULL);
            worksheet_write_number(ws, r, (lxw_col_t)c, (double)json_array_size(arr), NULL);
            json_decref(arr);
        } else if (json_is_integer(v))
            worksheet_write_number(ws, r, (lxw_col_t)c, (double)json_integer_value(v), NULL);
        else if (json_is_string(v))
            worksheet_write_string(ws, r, (lxw_col_t)c, json_string_value(v), NULL);
    }
}

st ledger_round_xlsx(const char *path, const char *round_name, int64_t round, const json_t *rows, err *e) {
    lxw_workbook *wb = workbook_new(path);
    if (!wb) return err_set(e, ST_IO, "无法创建文件 %s。", path);
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_bg_color(head, 0xDDEBF7);
    format_set_border(head, LXW_BORDER_THIN);
    lxw_format *title = workbook_add_format(wb);
    format_set_bold(title);
    format_set_font_size(title, 14);
    lxw_worksheet *sheets[2] = {workbook_add_worksheet(wb, "台账"), workbook_add_worksheet(wb, "已剔除")};
    lxw_row_t next[2] = {2, 2};
    for (int k = 0; k < 2; k++) {
        char t[300];
        snprintf(t, sizeof t, "%s（轮次编号 %lld）%s", round_name ? round_name : "", (long long)round,
                 k ? "——已剔除的企业" : "");
        sheet_head(sheets[k], t, title, head);
    }
    for (size_t i = 0; i < json_array_size(rows); i++) {
        const json_t *o = json_array_get(rows, i);
        int k = json_is_null(json_object_get(o, "removed_reason")) ? 0 : 1;
        sheet_row(sheets[k], next[k]++, o);
    }
    for (int k = 0; k < 2; k++) worksheet_autofilter(sheets[k], 1, 0, next[k] > 2 ? next[k] - 1 : 2, NCOLS - 1);
    lxw_error x = workbook_close(wb);
    return x == LXW_NO_ERROR ? ST_OK : err_set(e, ST_IO, "写入 %s 失败：%s", path, lxw_strerror(x));
}
