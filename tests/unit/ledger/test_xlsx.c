/* Unit tests for the xlsx reader: workbooks written here with libxlsxwriter
 * (shared strings, inline strings in constant-memory mode, numbers, dates by
 * style, merged title rows, several sheets) and packages built by hand with
 * libzip (rich text with phonetic runs, absolute relationship targets, cells
 * without references, a DOCTYPE, a Word file), broken and oversized zips, and
 * a sheet that reaches Excel's last row, 1,048,576.  Set EJIA_TEST_BIG=1 to
 * also read a sheet with all 1,048,576 rows filled. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "ledger_test.h"
#include "core/buf.h"
#include "ledger/read_int.h"

typedef struct blob { char *data; size_t len; } blob;

static blob slurp(const char *path) {
    blob b = {0};
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    b.len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    b.data = malloc(b.len ? b.len : 1);
    assert_int_equal(fread(b.data, 1, b.len, f), b.len);
    fclose(f);
    return b;
}

/* A temporary path for a writer, removed by remove_temp. */
static char *temp_path(const char *name) { return write_temp(name, "", 0); }

typedef void (*fill_fn)(lxw_workbook *wb, void *ctx);

static blob make_xlsx(fill_fn fill, void *ctx, bool constant_memory) {
    char *path = temp_path("t.xlsx");
    lxw_workbook_options opt = {.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE, .tmpdir = NULL};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    assert_non_null(wb);
    fill(wb, ctx);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    blob b = slurp(path);
    remove_temp(path);
    return b;
}

static void fill_ledger(lxw_workbook *wb, lxw_worksheet *ws) {
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy\"年\"m\"月\"d\"日\"");
    lxw_format *builtin = workbook_add_format(wb);
    format_set_num_format_index(builtin, 14);
    worksheet_merge_range(ws, 0, 0, 0, 5, "2018年厦门市互联网企业名单（经信局）", NULL);
    const char *hdr[] = {"序号", "企业名称", "社会信用代码", "辖区", "员工人数", "成立日期", "备注"};
    for (int c = 0; c < 7; c++) worksheet_write_string(ws, 1, (lxw_col_t)c, hdr[c], NULL);
    worksheet_write_number(ws, 2, 0, 1, NULL);
    worksheet_write_string(ws, 2, 1, "厦门甲网络科技有限公司", NULL);
    worksheet_write_string(ws, 2, 2, "91350100m000100y43", NULL);
    worksheet_write_string(ws, 2, 3, "思明", NULL);
    worksheet_write_number(ws, 2, 4, 25, NULL);
    lxw_datetime dt = {2018, 3, 5, 0, 0, 0};
    worksheet_write_datetime(ws, 2, 5, &dt, date);
    worksheet_write_string(ws, 2, 6, "重点", NULL);
    worksheet_write_number(ws, 3, 0, 2, NULL);
    worksheet_write_string(ws, 3, 1, "乙公司", NULL);
    worksheet_write_string(ws, 3, 2, "350200200012345", NULL);
    worksheet_write_string(ws, 3, 3, "350206", NULL);
    worksheet_write_number(ws, 3, 4, 12.5, NULL);
    worksheet_write_number(ws, 3, 5, 43831, builtin);
    /* Row 5 left empty; row 6 has data again. */
    worksheet_write_string(ws, 5, 1, "丙公司", NULL);
    worksheet_write_number(ws, 5, 4, 0.1 + 0.2, NULL);
}

static void fill_one(lxw_workbook *wb, void *ctx) {
    (void)ctx;
    fill_ledger(wb, workbook_add_worksheet(wb, "经信局"));
}

static void check_ledger(ledger_table *t) {
    assert_string_equal(t->format, "xlsx");
    assert_null(t->encoding);
    assert_int_equal(t->header_row, 2);
    assert_int_equal(t->ncols, 7);
    assert_int_equal(t->nrows, 3);
    assert_int_equal(col_of(t, LF_CODE), 2);
    assert_int_equal(col_of(t, LF_FOUNDED), 5);
    assert_int_equal(t->col_field[6], LF_NONE);
    const ledger_row *r = &t->rows[0];
    assert_int_equal(r->sheet_row, 3);
    assert_string_equal(r->cells[0], "1");                       /* a number, as Excel shows it */
    assert_string_equal(r->val[LF_CODE], "91350100M000100Y43");  /* upper-cased */
    assert_int_equal(r->code_kind, LC_USCC);
    assert_string_equal(r->val[LF_DISTRICT], "思明区");
    assert_string_equal(r->val[LF_EMPLOYEES], "25");
    assert_string_equal(r->cells[5], "2018-03-05");               /* date by custom format */
    assert_string_equal(r->val[LF_FOUNDED], "2018-03-05");
    assert_string_equal(r->cells[6], "重点");
    r = &t->rows[1];
    assert_int_equal(r->code_kind, LC_REGNO);
    assert_int_equal(r->district_code, 350206);
    assert_string_equal(r->cells[4], "12.5");
    assert_non_null(problem_with(t, 2, "不是整数"));
    assert_string_equal(r->cells[5], "2020-01-01");               /* date by built-in format 14 */
    r = &t->rows[2];
    assert_int_equal(r->sheet_row, 6);                            /* the empty row 5 is skipped, not renumbered */
    assert_int_equal(r->row, 3);
    assert_string_equal(r->cells[4], "0.3");
    assert_string_equal(r->cells[0], "");
}

static void test_shared_strings(void **state) {
    (void)state;
    blob b = make_xlsx(fill_one, NULL, false);
    st r;
    ledger_table *t = read_bytes("01-经信局.xlsx", b.data, b.len, NULL, &r, NULL);
    assert_int_equal(r, ST_OK);
    assert_string_equal(t->sheet, "经信局");
    check_ledger(t);
    ledger_table_free(t);
    free(b.data);
}

static void test_inline_strings(void **state) {
    (void)state;
    blob b = make_xlsx(fill_one, NULL, true);   /* constant memory: inline strings, no sst */
    ledger_table *t = read_bytes("x.xlsx", b.data, b.len, NULL, NULL, NULL);
    assert_non_null(t);
    check_ledger(t);
    ledger_table_free(t);
    free(b.data);
}

static void fill_sheets(lxw_workbook *wb, void *ctx) {
    (void)ctx;
    lxw_worksheet *a = workbook_add_worksheet(wb, "说明");
    worksheet_write_string(a, 0, 0, "本表由经信局填报", NULL);
    worksheet_write_string(a, 1, 0, "截至2018年底", NULL);
    fill_ledger(wb, workbook_add_worksheet(wb, "台账"));
    lxw_worksheet *c = workbook_add_worksheet(wb, "另一张");
    worksheet_write_string(c, 0, 0, "企业名称", NULL);
    worksheet_write_string(c, 0, 1, "信用代码", NULL);
    worksheet_write_string(c, 1, 0, "丁公司", NULL);
}

static void test_sheet_choice(void **state) {
    (void)state;
    blob b = make_xlsx(fill_sheets, NULL, false);
    ledger_table *t = read_bytes("s.xlsx", b.data, b.len, NULL, NULL, NULL);
    assert_string_equal(t->sheet, "台账");   /* the first sheet with a table, not the first sheet */
    check_ledger(t);
    ledger_table_free(t);
    ledger_read_opts o = {.sheet = "另一张"};
    t = read_bytes("s.xlsx", b.data, b.len, &o, NULL, NULL);
    assert_string_equal(t->sheet, "另一张");
    assert_int_equal(t->nrows, 1);
    assert_string_equal(t->rows[0].val[LF_NAME], "丁公司");
    ledger_table_free(t);
    o.sheet = "不存在";
    err e;
    st r;
    assert_null(read_bytes("s.xlsx", b.data, b.len, &o, &r, &e));
    assert_int_equal(r, ST_INVALID);
    assert_non_null(strstr(e.msg, "不存在"));
    assert_non_null(strstr(e.msg, "台账"));   /* names the sheets there are */
    free(b.data);
}

static void test_broken_zip(void **state) {
    (void)state;
    blob b = make_xlsx(fill_one, NULL, false);
    err e;
    st r;
    size_t cuts[] = {b.len / 2, b.len - 10, 30};
    for (size_t i = 0; i < 3; i++) {
        assert_null(read_bytes("半截.xlsx", b.data, cuts[i], NULL, &r, &e));
        assert_int_equal(r, ST_INVALID);
        assert_non_null(strstr(e.msg, "半截.xlsx"));
        assert_non_null(strstr(e.msg, "截断"));
    }
    /* Damage inside the compressed data, directory intact: a clear error or a
     * table, never a crash (which of the two depends on the bytes hit). */
    for (size_t off = 100; off + 16 < b.len; off += b.len / 7) {
        char *d = malloc(b.len);
        memcpy(d, b.data, b.len);
        for (int k = 0; k < 16; k++) d[off + (size_t)k] ^= 0x5A;
        ledger_table *t = read_bytes("坏.xlsx", d, b.len, NULL, &r, &e);
        if (t) ledger_table_free(t);
        else assert_non_null(strstr(e.msg, "坏.xlsx"));
        free(d);
    }
    free(b.data);
}

/* Build a zip from (name, content) pairs, for packages libxlsxwriter would never write. */
static blob make_zip(const char *const *entries, int n) {
    char *path = temp_path("h.zip");
    int ze;
    remove(path);
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &ze);
    assert_non_null(z);
    for (int i = 0; i < n; i++) {
        zip_source_t *s = zip_source_buffer(z, entries[2 * i + 1], strlen(entries[2 * i + 1]), 0);
        assert_true(zip_file_add(z, entries[2 * i], s, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    blob b = slurp(path);
    remove_temp(path);
    return b;
}

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " \
           "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""

static const char WB[] = "<workbook " NS "><sheets><sheet name=\"表1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char WB_RELS[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"/xl/worksheets/data.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"strings.xml\"/>"
    "</Relationships>";
static const char SST[] =
    "<sst " NS "><si><t>企业名称</t></si>"
    "<si><r><t>统一社会</t></r><r><rPr><b/></rPr><t>信用代码</t></r><rPh sb=\"0\" eb=\"1\"><t>ピン</t></rPh></si>"
    "<si><t xml:space=\"preserve\"> 厦门&amp;甲公司 </t></si></sst>";
static const char SHEET[] =
    "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><x:sheetData>"
    "<x:row><x:c t=\"s\"><x:v>0</x:v></x:c><x:c t=\"s\"><x:v>1</x:v></x:c></x:row>"
    "<x:row r=\"4\"><x:c r=\"A4\" t=\"s\"><x:v>2</x:v></x:c><x:c r=\"B4\" t=\"inlineStr\"><x:is><x:t>91350100M000100Y43</x:t></x:is></x:c>"
    "<x:c r=\"D4\" t=\"b\"><x:v>1</x:v></x:c><x:c r=\"E4\" t=\"e\"><x:v>#N/A</x:v></x:c>"
    "<x:c r=\"F4\" t=\"s\"><x:v>99</x:v></x:c><x:c r=\"G4\" s=\"1\"><x:v>43164</x:v></x:c>"
    "<x:c r=\"H4\" s=\"2\"><x:v>43164.5</x:v></x:c><x:c r=\"I4\" s=\"3\"><x:v>0.75</x:v></x:c></x:row>"
    "</x:sheetData></x:worksheet>";

/* Custom formats: "General" is not a date (its 'e' is no era), a CJK date
 * with a locale prefix is, and hh:mm is a time. */
static const char STYLES[] =
    "<styleSheet><numFmts><numFmt numFmtId=\"164\" formatCode=\"General\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"[$-804]yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
    "<numFmt numFmtId=\"166\" formatCode=\"hh:mm\"/></numFmts>"
    "<cellStyleXfs><xf numFmtId=\"14\"/></cellStyleXfs>"
    "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"165\"/><xf numFmtId=\"166\"/></cellXfs></styleSheet>";

static void test_hand_made(void **state) {
    (void)state;
    const char *e1[] = {"xl/workbook.xml", WB, "xl/_rels/workbook.xml.rels", WB_RELS, "xl/strings.xml", SST,
                        "xl/worksheets/data.xml", SHEET, "xl/styles.xml", STYLES};
    blob b = make_zip(e1, 5);
    st r;
    err e;
    ledger_table *t = read_bytes("h.xlsx", b.data, b.len, NULL, &r, &e);
    assert_int_equal(r, ST_OK);
    assert_string_equal(t->sheet, "表1");
    assert_string_equal(t->headers[1], "统一社会信用代码");   /* runs joined, phonetic left out */
    assert_int_equal(col_of(t, LF_CODE), 1);
    assert_int_equal(t->nrows, 1);
    const ledger_row *row = &t->rows[0];
    assert_int_equal(row->sheet_row, 4);
    assert_string_equal(row->cells[0], " 厦门&甲公司 ");
    assert_string_equal(row->val[LF_NAME], "厦门&甲公司");
    assert_int_equal(row->code_kind, LC_USCC);
    assert_non_null(problem_with(t, 1, "没有列名"));   /* D4..I4 beyond the two headers */
    assert_non_null(problem_about(t, 1, "43164"));                 /* General: a number */
    assert_non_null(problem_about(t, 1, "2018-03-05"));   /* CJK date format: the date as shown, time part dropped */
    assert_non_null(problem_about(t, 1, "18:00:00"));              /* time */   /* D4..F4 beyond the two headers */
    assert_non_null(problem_with(t, 1, "错误值 #N/A"));   /* an error cell is a problem of its row, as in xls */
    ledger_table_free(t);
    free(b.data);

    /* A DOCTYPE (entity expansion bombs live there) is refused. */
    const char bomb[] = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><workbook " NS "/>";
    const char *e2[] = {"xl/workbook.xml", bomb};
    b = make_zip(e2, 1);
    assert_null(read_bytes("bomb.xlsx", b.data, b.len, NULL, &r, &e));
    assert_int_equal(r, ST_INVALID);
    assert_non_null(strstr(e.msg, "DOCTYPE"));
    free(b.data);

    /* A Word document is a zip too. */
    const char *e3[] = {"word/document.xml", "<w:document/>"};
    b = make_zip(e3, 1);
    assert_null(read_bytes("a.xlsx", b.data, b.len, NULL, &r, &e));
    assert_int_equal(r, ST_UNSUPPORTED);
    assert_non_null(strstr(e.msg, "不是电子表格"));
    assert_non_null(strstr(e.msg, "Word"));
    free(b.data);

    /* Malformed XML in the sheet. */
    const char *e4[] = {"xl/workbook.xml", WB, "xl/_rels/workbook.xml.rels", WB_RELS,
                        "xl/worksheets/data.xml", "<worksheet><sheetData><row><c></row>"};
    b = make_zip(e4, 3);
    assert_null(read_bytes("m.xlsx", b.data, b.len, NULL, &r, &e));
    assert_int_equal(r, ST_INVALID);
    assert_non_null(strstr(e.msg, "XML"));
    free(b.data);
}

/* Row numbers past Excel's last row (1,048,576) are not trusted: such a row
 * takes the next number, as a row without r does.  r="2147483647" used to
 * overflow the next row's number (signed int; found by fuzz_xlsx). */
static void test_row_numbers(void **state) {
    (void)state;
#define IS(t) "<c t=\"inlineStr\"><is><t>" t "</t></is></c>"
    const char sheet[] = "<worksheet " NS "><sheetData>"
                         "<row r=\"1\">" IS("企业名称") IS("统一社会信用代码") "</row>"
                         "<row r=\"2147483647\">" IS("甲公司") "</row>"
                         "<row>" IS("乙公司") "</row>"
                         "<row r=\"1048576\">" IS("丙公司") "</row>"
                         "<row r=\"99999999999999999999\">" IS("丁公司") "</row>"
                         "<row r=\"-5\">" IS("戊公司") "</row>"
                         "</sheetData></worksheet>";
#undef IS
    const char *e1[] = {"xl/workbook.xml", WB, "xl/_rels/workbook.xml.rels", WB_RELS, "xl/worksheets/data.xml", sheet};
    blob b = make_zip(e1, 3);
    st r;
    err e;
    ledger_table *t = read_bytes("rows.xlsx", b.data, b.len, NULL, &r, &e);
    assert_int_equal(r, ST_OK);
    assert_int_equal(t->nrows, 5);
    static const int want[] = {2, 3, 1048576, 1048577, 1048578};
    for (int i = 0; i < 5; i++) assert_int_equal(t->rows[i].sheet_row, want[i]);
    ledger_table_free(t);
    free(b.data);
}

static void test_limits(void **state) {
    (void)state;
    blob b = make_xlsx(fill_one, NULL, false);
    err e;
    st r;
    ledger_read_opts o = {.max_entries = 3};
    assert_null(read_bytes("l.xlsx", b.data, b.len, &o, &r, &e));
    assert_int_equal(r, ST_TOO_LARGE);
    assert_non_null(strstr(e.msg, "上限"));
    ledger_read_opts o2 = {.max_uncompressed = 2000};
    assert_null(read_bytes("l.xlsx", b.data, b.len, &o2, &r, &e));
    assert_int_equal(r, ST_TOO_LARGE);
    free(b.data);
}

static void test_shared_string_bomb(void **state) {
    (void)state;
    /* One 30 KB shared string referenced by every cell of 2,000 rows: a
     * 100 KB file that would expand to 600 MB.  The memory cap stops it. */
    size_t big = 30000;
    char *sst = malloc(big + 200);
    size_t n = (size_t)sprintf(sst, "<sst><si><t>企业名称</t></si><si><t>信用代码</t></si><si><t>");
    memset(sst + n, 'x', big);
    n += big;
    strcpy(sst + n, "</t></si></sst>");
    size_t cap = 2000 * 400 + 400, m = 0;
    char *sheet = malloc(cap);
    m += (size_t)sprintf(sheet, "<worksheet><sheetData><row r=\"1\"><c t=\"s\"><v>0</v></c><c t=\"s\"><v>1</v></c></row>");
    for (int r = 2; r <= 2000; r++) {
        m += (size_t)sprintf(sheet + m, "<row r=\"%d\">", r);
        for (int c = 0; c < 10; c++) m += (size_t)sprintf(sheet + m, "<c t=\"s\"><v>2</v></c>");
        m += (size_t)sprintf(sheet + m, "</row>");
    }
    sprintf(sheet + m, "</sheetData></worksheet>");
    const char *e1[] = {"xl/workbook.xml", WB, "xl/_rels/workbook.xml.rels", WB_RELS, "xl/strings.xml", sst,
                        "xl/worksheets/data.xml", sheet};
    blob b = make_zip(e1, 4);
    free(sst);
    free(sheet);
    ledger_read_opts o = {.max_memory = 64u << 20};
    st r;
    err e;
    assert_null(read_bytes("bomb.xlsx", b.data, b.len, &o, &r, &e));
    assert_int_equal(r, ST_TOO_LARGE);
    assert_non_null(strstr(e.msg, "上限"));
    /* What an import uses: the cap on cell text, whatever the memory allows;
     * the message names the file and the limit. */
    ledger_read_opts o2 = {.max_cell_text = 8u << 20};
    assert_null(read_bytes("bomb.xlsx", b.data, b.len, &o2, &r, &e));
    assert_int_equal(r, ST_TOO_LARGE);
    assert_non_null(strstr(e.msg, "「bomb.xlsx」"));
    assert_non_null(strstr(e.msg, "单元格里的文字合计超过 8 MiB"));
    free(b.data);
}

static void test_cell_text_cap(void **state) {
    (void)state;
    /* the ordinary ledger: about 200 bytes of cell text */
    blob b = make_xlsx(fill_one, NULL, false);
    st r;
    err e;
    ledger_read_opts o = {.max_cell_text = 4096};
    ledger_table *t = read_bytes("01-经信局.xlsx", b.data, b.len, &o, &r, &e);
    assert_int_equal(r, ST_OK);
    check_ledger(t);
    ledger_table_free(t);
    o.max_cell_text = 60;   /* bytes: under a KiB the limit is said in bytes */
    assert_null(read_bytes("01-经信局.xlsx", b.data, b.len, &o, &r, &e));
    assert_int_equal(r, ST_TOO_LARGE);
    assert_non_null(strstr(e.msg, "60 字节"));
    assert_non_null(strstr(e.msg, "「01-经信局.xlsx」"));
    free(b.data);
}

typedef struct many { int rows; bool sparse; } many;

static void fill_many(lxw_workbook *wb, void *ctx) {
    many *m = ctx;
    lxw_worksheet *ws = workbook_add_worksheet(wb, "大表");
    worksheet_write_string(ws, 0, 0, "企业名称", NULL);
    worksheet_write_string(ws, 0, 1, "统一社会信用代码", NULL);
    worksheet_write_string(ws, 0, 2, "从业人数", NULL);
    char name[32];
    if (m->sparse) {
        worksheet_write_string(ws, 1, 0, "第一家", NULL);
        worksheet_write_string(ws, 1048575, 0, "最后一家", NULL);   /* Excel's last row */
        worksheet_write_number(ws, 1048575, 2, 7, NULL);
        return;
    }
    for (int i = 1; i < m->rows; i++) {
        snprintf(name, sizeof name, "公司%d", i);
        worksheet_write_string(ws, (lxw_row_t)i, 0, name, NULL);
        worksheet_write_string(ws, (lxw_row_t)i, 1, "91350100M000100Y43", NULL);
        worksheet_write_number(ws, (lxw_row_t)i, 2, i % 500, NULL);
    }
}

static void test_last_row(void **state) {
    (void)state;
    many m = {.sparse = true};
    blob b = make_xlsx(fill_many, &m, true);
    ledger_table *t = read_bytes("last.xlsx", b.data, b.len, NULL, NULL, NULL);
    assert_int_equal(t->nrows, 2);
    assert_int_equal(t->rows[1].sheet_row, 1048576);
    assert_string_equal(t->rows[1].val[LF_NAME], "最后一家");
    assert_string_equal(t->rows[1].val[LF_EMPLOYEES], "7");
    ledger_table_free(t);
    free(b.data);
}

/* The sheet scanner (xml_scan) on what Excel, WPS and other writers put in a
 * sheet: entities and character references, attributes in any order with
 * spaces and single quotes, self-closing cells, rich text runs, xml:space,
 * CDATA, comments, \r\n, tags and text longer than the scanner's window. */
static ledger_table *read_sheet(const char *sheet, st *r, err *e) {
    const char *e1[] = {"xl/workbook.xml", WB, "xl/_rels/workbook.xml.rels", WB_RELS, "xl/worksheets/data.xml", sheet};
    blob b = make_zip(e1, 3);
    ledger_table *t = read_bytes("x.xlsx", b.data, b.len, NULL, r, e);
    free(b.data);
    return t;
}

#define HDR "<row r=\"1\"><c t=\"inlineStr\"><is><t>企业名称</t></is></c><c t=\"inlineStr\"><is><t>备注</t></is></c></row>"
#define IS2(t) "<c r=\"B2\" t=\"inlineStr\"><is>" t "</is></c>"

static void test_xml_corners(void **state) {
    (void)state;
    st r;
    err e;
    const char sheet[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<!-- 注释 -->"
        "<worksheet " NS "><sheetData>" HDR
        "<row r=\"2\"><c t=\"inlineStr\"><is><t>A&amp;B &lt;&gt;&quot;&apos; &#20013;&#x6587;</t></is></c></row>"
        "<row   r = '3' ><c  t = 'inlineStr'   r=\"A3\" s=\"0\" ><is><t>乙</t></is></c ><c r=\"B3\"/><c t=\"inlineStr\"><is><t>丙</t></is></c></row>"
        "<row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><r><rPr><b/></rPr><t>厦门</t></r><r><t xml:space=\"preserve\"> 甲公司 </t></r>"
        "<rPh sb=\"0\" eb=\"1\"><t>アモイ</t></rPh></is></c></row>"
        "<row r=\"5\"><c r=\"A5\" t=\"inlineStr\"><is><t><![CDATA[丁<公司>&amp;]]></t></is></c><c r=\"B5\"><v>1<!-- x -->2<?pi?></v></c></row>"
        "<row r=\"6\"><c r=\"A6\" t=\"inlineStr\"><is><t>一行\r\n二行\r三行</t></is></c><c r=\"B6\" t=\"s\"/><c r=\"C6\" t=\"b\"><v>0</v></c></row>"
        "</sheetData></worksheet>\n";
    ledger_table *t = read_sheet(sheet, &r, &e);
    assert_int_equal(r, ST_OK);
    assert_int_equal(t->nrows, 5);
    assert_string_equal(t->rows[0].cells[0], "A&B <>\"' 中文");
    assert_string_equal(t->rows[1].cells[0], "乙");
    assert_string_equal(t->rows[1].cells[1], "");      /* <c r="B3"/>: empty */
    assert_non_null(problem_with(t, 2, "没有列名"));    /* 丙 went to C3, after the self-closing B3 */
    assert_string_equal(t->rows[2].cells[0], "厦门 甲公司 ");   /* runs joined, spaces kept, phonetic left out */
    assert_string_equal(t->rows[3].cells[0], "丁<公司>&amp;");  /* CDATA: as written */
    assert_string_equal(t->rows[3].cells[1], "12");
    assert_string_equal(t->rows[4].cells[0], "一行\n二行\n三行");
    assert_string_equal(t->rows[4].cells[1], "");
    ledger_table_free(t);

    /* A cell of 600 KB raw text (entities straddling the scanner's window
     * and its refills) is cut at the cell cap; a tag longer than the window
     * makes it grow. */
    size_t reps = 120000;
    buf big;
    buf_init(&big, 0);
    buf_puts(&big, "<worksheet " NS "><sheetData>" HDR "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>");
    for (size_t i = 0; i < reps; i++) buf_puts(&big, "&amp;");
    buf_puts(&big, "</t></is></c><c r=\"B2\" t=\"inlineStr\" x=\"");
    for (size_t i = 0; i < 300000; i++) buf_putc(&big, 'x');
    buf_puts(&big, "\"><is><t>尾</t></is></c></row></sheetData></worksheet>");
    t = read_sheet(big.data, &r, &e);
    buf_free(&big);
    if (r) fail_msg("%s", e.msg);
    assert_int_equal(strlen(t->rows[0].cells[0]), LEDGER_CELL_MAX);
    assert_int_equal(t->nrows, 1);
    assert_int_equal(strspn(t->rows[0].cells[0], "&"), LEDGER_CELL_MAX);
    assert_non_null(problem_with(t, 1, "只保留了前"));
    assert_string_equal(t->rows[0].cells[1], "尾");
    ledger_table_free(t);
}

/* Sheets that are not well-formed: a clear message naming the sheet, the
 * part and the cell, never a crash. */
static void test_xml_malformed(void **state) {
    (void)state;
    static const struct { const char *sheet, *want, *where; } cases[] = {
        {"<worksheet><sheetData>" HDR "<row r=\"2\">" IS2("<t>甲&nbsp;乙</t>") "</row></sheetData></worksheet>", "实体",
         "单元格 B2"},
        {"<worksheet><sheetData>" HDR "<row r=\"2\">" IS2("<t>甲&amp乙</t>") "</row></sheetData></worksheet>", "&amp;",
         "单元格 B2"},
        {"<worksheet><sheetData>" HDR "<row r=\"2\">" IS2("<t>&#0;</t>") "</row></sheetData></worksheet>", "字符引用",
         "单元格 B2"},
        {"<worksheet><sheetData>" HDR "<row r=\"2\">" IS2("<t>\x01</t>") "</row></sheetData></worksheet>", "控制字符",
         "单元格 B2"},
        {"<worksheet><sheetData>" HDR "<row r=\"2\">" IS2("<t>\xE4\xB8</t>") "</row></sheetData></worksheet>", "UTF-8",
         "单元格 B2"},
        {"<worksheet><sheetData>" HDR "<row r=\"2\"><c r=\"B2\"><v>1</v>", "不完整", "单元格 B2"},
        {"<worksheet><sheetData>" HDR "<row r=\"2\"><c r=\"B2\"><v>1</c></row></sheetData></worksheet>", "不配对",
         "单元格 B2"},
        {"<worksheet><sheetData>" HDR "<row r=\"2\"><c r=B2><v>1</v></c></row></sheetData></worksheet>", "属性", "第 2 行"},
        {"<worksheet><sheetData>" HDR "</sheetData></worksheet>垃圾", "根元素之后", "第 1 行之后"},
        {"<worksheet><sheetData>" HDR "</sheetData></worksheet><worksheet/>", "根元素之后", "第 1 行之后"},
        {"<!DOCTYPE x [<!ENTITY a \"aaaa\">]><worksheet/>", "DOCTYPE", "表格开头"},
        {"\xFF\xFE<", "UTF-16", "表格开头"},   /* a UTF-16 BOM (the zip helper stops at the first NUL) */
        {"", "空的", "表格开头"},
        {"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>甲</t></is></c><", "不完整", "第 1 行"},
        {"<worksheet><sheetData><row><c t=\"inlineStr\"><is><t><![CDATA[甲", "不完整", "单元格 A1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        st r;
        err e;
        const char *e1[] = {"xl/workbook.xml", WB, "xl/_rels/workbook.xml.rels", WB_RELS, "xl/worksheets/data.xml",
                            cases[i].sheet};
        blob b = make_zip(e1, 3);
        ledger_table *t = read_bytes("bad.xlsx", b.data, b.len, NULL, &r, &e);
        free(b.data);
        if (t) fail_msg("case %zu read without an error", i);
        assert_int_equal(r, ST_INVALID);
        if (!strstr(e.msg, cases[i].want) || !strstr(e.msg, cases[i].where) || !strstr(e.msg, "工作表「表1」") ||
            !strstr(e.msg, "XML"))
            fail_msg("case %zu: %s", i, e.msg);
    }
}

/* A sheet whose deflated bytes are damaged: the scanner's fill fails and the
 * message says the file is damaged, naming the part. */
static void test_damaged_sheet(void **state) {
    (void)state;
    blob b = make_xlsx(fill_one, NULL, false);
    static const char name[] = "xl/worksheets/sheet1.xml";
    char *at = memmem(b.data, b.len, name, sizeof name - 1);   /* the local header's copy comes first */
    assert_non_null(at);
    char *data = at + sizeof name - 1;
    assert_true(data + 60 < b.data + b.len);
    for (int i = 8; i < 60; i++) data[i] ^= 0x5A;
    st r;
    err e;
    assert_null(read_bytes("d.xlsx", b.data, b.len, NULL, &r, &e));
    assert_int_equal(r, ST_INVALID);
    if (!strstr(e.msg, "损坏") || !strstr(e.msg, name)) fail_msg("%s", e.msg);
    free(b.data);
}

static void test_many_rows(void **state) {
    (void)state;
    const char *big = getenv("EJIA_TEST_BIG");
    many m = {.rows = big && *big == '1' ? 1048576 : 20000};
    blob b = make_xlsx(fill_many, &m, true);
    ledger_table *t = read_bytes("many.xlsx", b.data, b.len, NULL, NULL, NULL);
    assert_int_equal(t->nrows, m.rows - 1);
    assert_int_equal(t->rows[t->nrows - 1].sheet_row, m.rows);
    assert_int_equal(t->nproblems, 0);
    ledger_table_free(t);
    free(b.data);
}

/* The file's SHA-256 with the CPU's SHA instructions is libsodium's, on
 * every tail length around the 64-byte blocks and at any alignment. */
static void test_sha256(void **state) {
    (void)state;
    size_t n = 4096 + 300;
    unsigned char *d = malloc(n);
    assert_non_null(d);
    for (size_t i = 0; i < n; i++) d[i] = (unsigned char)(i * 131 + (i >> 7));
    for (size_t len = 0; len + 8 <= n; len += len < 300 ? 1 : 997) {
        uint8_t a[32], b[32];
        ledger_sha256(d + len % 8, len, a, false);
        ledger_sha256(d + len % 8, len, b, true);
        assert_memory_equal(a, b, 32);
    }
    uint8_t h[32];
    ledger_sha256("abc", 3, h, false);
    static const uint8_t abc[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
                                    0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    assert_memory_equal(h, abc, 32);
    free(d);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_strings), cmocka_unit_test(test_inline_strings),
        cmocka_unit_test(test_sheet_choice), cmocka_unit_test(test_broken_zip), cmocka_unit_test(test_hand_made), cmocka_unit_test(test_row_numbers),
        cmocka_unit_test(test_limits), cmocka_unit_test(test_shared_string_bomb), cmocka_unit_test(test_cell_text_cap), cmocka_unit_test(test_last_row), cmocka_unit_test(test_many_rows),
        cmocka_unit_test(test_xml_corners), cmocka_unit_test(test_xml_malformed), cmocka_unit_test(test_damaged_sheet), cmocka_unit_test(test_sha256),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
