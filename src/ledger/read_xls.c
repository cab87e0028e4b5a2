/* read_xls — legacy Excel 97–2003 (.xls, BIFF in an OLE2 file) through freexl.
 *
 * freexl decodes the whole workbook on open and hands out cells by row and
 * column; text comes back as UTF-8 whatever code page the file used (GBK
 * files from Chinese Excel included).  Dates are formatted by freexl; plain
 * numbers are written like Excel shows them.  Sheet choice is the same as for
 * xlsx: the named one, else the first sheet whose top rows hold a header. */
#include "ledger/read_int.h"

#include <freexl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A hostile header may claim any size; freexl has already allocated what the
 * file really holds, but our row loop must not spin over phantom rows. */
#define XLS_MAX_ROWS 1048576u

typedef struct xrow {
    const char **cells;
    size_t *lens;
    char (*num)[48];   /* formatted numbers, per column */
    unsigned short ncols;
} xrow;

/* Fill r with row `row` of the active sheet; returns the number of cells up
 * to the last non-empty one. */
static int get_row(const void *h, unsigned row, xrow *r) {
    int last = 0;
    for (unsigned short c = 0; c < r->ncols; c++) {
        FreeXL_CellValue v;
        r->cells[c] = "";
        r->lens[c] = 0;
        if (freexl_get_cell_value(h, row, c, &v) != FREEXL_OK) continue;
        const char *s = NULL;
        switch (v.type) {
        case FREEXL_CELL_INT:
            snprintf(r->num[c], sizeof r->num[c], "%d", v.value.int_value);
            s = r->num[c];
            break;
        case FREEXL_CELL_DOUBLE: {
            double d = v.value.double_value;
            if (d == floor(d) && fabs(d) < 1e15) snprintf(r->num[c], sizeof r->num[c], "%.0f", d);
            else snprintf(r->num[c], sizeof r->num[c], "%.15g", d);
            s = r->num[c];
            break;
        }
        case FREEXL_CELL_TEXT: case FREEXL_CELL_SST_TEXT: case FREEXL_CELL_DATE:
        case FREEXL_CELL_DATETIME: case FREEXL_CELL_TIME:
            s = v.value.text_value;
            break;
        default:
            break;
        }
        if (!s || !*s) continue;
        size_t n = strlen(s);
        r->cells[c] = s;
        r->lens[c] = n > LEDGER_CELL_MAX + 4 ? LEDGER_CELL_MAX + 4 : n;
        last = c + 1;
    }
    return last;
}

static const char *why(int rc) {
    switch (rc) {
    case FREEXL_INSUFFICIENT_MEMORY: return "内存不足";
    case FREEXL_INVALID_CFBF_HEADER: return "文件头不对，文件可能被截断或不是 Excel 文件";
    case FREEXL_BIFF_INVALID_BOF: case FREEXL_BIFF_INVALID_SST: return "Excel 数据损坏";
    case FREEXL_INVALID_CHARACTER: return "文字编码无法转换";
    default: return "文件损坏或不是 Excel 97–2003 工作簿";
    }
}

st ledger_xls_read(ledger_builder *b, const char *path, err *e) {
    const char *src = b->t->source;
    const void *h = NULL;
    int rc = freexl_open(path, &h);
    if (rc != FREEXL_OK) {
        if (h) freexl_close(h);
        return err_set(e, ST_INVALID, "无法读取「%s」：xls 文件打不开（%s）；请用 Excel 打开后另存为 xlsx 再上传", src, why(rc));
    }
    unsigned int count = 0, pw = 0;
    if (freexl_get_info(h, FREEXL_BIFF_PASSWORD, &pw) == FREEXL_OK && pw == FREEXL_BIFF_OBFUSCATED) {
        freexl_close(h);
        return err_set(e, ST_INVALID, "无法读取「%s」：xls 文件有密码保护；请去掉密码后另存再上传", src);
    }
    if (freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &count) != FREEXL_OK || count == 0) {
        freexl_close(h);
        return err_set(e, ST_INVALID, "无法读取「%s」：xls 文件里没有工作表；请用 Excel 打开检查", src);
    }
    if (count > 1024) count = 1024;
    xrow r = {0};
    r.cells = calloc(65536, sizeof *r.cells);
    r.lens = calloc(65536, sizeof *r.lens);
    r.num = calloc(65536, sizeof *r.num);
    st res = ST_OK;
    if (!r.cells || !r.lens || !r.num) {
        res = err_set(e, ST_NOMEM, "内存不足");
        goto out;
    }
    int chosen = -1, first_nonempty = -1;
    for (unsigned i = 0; i < count && chosen < 0; i++) {
        const char *name = NULL;
        freexl_get_worksheet_name(h, (unsigned short)i, &name);
        if (b->o->sheet) {
            if (name && strcmp(name, b->o->sheet) == 0) chosen = (int)i;
            continue;
        }
        if (count == 1) { chosen = 0; break; }
        unsigned rows = 0;
        unsigned short cols = 0;
        if (freexl_select_active_worksheet(h, (unsigned short)i) != FREEXL_OK ||
            freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK)
            continue;
        r.ncols = cols;
        int seen = 0;
        for (unsigned row = 0; row < rows && seen < LEDGER_HEADER_SCAN; row++) {
            int n = get_row(h, row, &r);
            if (!n) continue;
            seen++;
            if (ledger_field_score(b, n, r.cells, r.lens) >= 2) { chosen = (int)i; break; }
        }
        if (seen && first_nonempty < 0) first_nonempty = (int)i;
    }
    if (chosen < 0 && b->o->sheet) {
        res = err_set(e, ST_INVALID, "「%s」里没有名为「%s」的工作表", src, b->o->sheet);
        goto out;
    }
    if (chosen < 0) chosen = first_nonempty >= 0 ? first_nonempty : 0;
    const char *name = NULL;
    freexl_get_worksheet_name(h, (unsigned short)chosen, &name);
    b->t->sheet = arena_strdup(&b->t->mem, name ? name : "");
    unsigned rows = 0;
    unsigned short cols = 0;
    if (freexl_select_active_worksheet(h, (unsigned short)chosen) != FREEXL_OK ||
        freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK) {
        res = err_set(e, ST_INVALID, "无法读取「%s」：工作表「%s」读不出来；请用 Excel 打开后另存为 xlsx", src, b->t->sheet);
        goto out;
    }
    if (rows > XLS_MAX_ROWS) rows = XLS_MAX_ROWS;
    r.ncols = cols;
    for (unsigned row = 0; row < rows && !res; row++) {
        int n = get_row(h, row, &r);
        bool halt = false;
        res = ledger_builder_row(b, (int)row + 1, n, r.cells, r.lens, &halt, e);
    }
out:
    free(r.cells);
    free(r.lens);
    free(r.num);
    freexl_close(h);
    return res;
}
