/* Unit tests against real spreadsheets: the files of other projects' test
 * suites on which the readers went wrong (issue 22; tests/data/spreadsheets,
 * NOTICE.md there for their origin and licences, DEFECTS.md for what went
 * wrong).  Each test names its defect; every file of the set is read by one
 * of them.  Run from the source tree (as scripts/check does). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <iconv.h>
#include <unistd.h>

#include "cli/ledger_read.h"
#include "ledger/read_int.h"
#include "ledger_test.h"

#define DIR "tests/data/spreadsheets/"

static ledger_table *rd(const char *rel, const ledger_read_opts *o, st *r, err *e) {
    char path[512];
    snprintf(path, sizeof path, DIR "%s", rel);
    if (access(path, R_OK) != 0) fail_msg("%s is missing: run the tests from the source tree", path);
    ledger_table *t = NULL;
    memset(e, 0, sizeof *e);
    *r = ledger_table_read(path, o, &t, e);
    return t;
}

/* A file that must read, with its table. */
static ledger_table *ok(const char *rel) {
    st r;
    err e;
    ledger_table *t = rd(rel, NULL, &r, &e);
    if (r != ST_OK) fail_msg("%s: %s", rel, e.msg);
    return t;
}

/* A file that must be refused with a message containing `want`. */
static void refused(const char *rel, st code, const char *want) {
    st r;
    err e;
    ledger_table *t = rd(rel, NULL, &r, &e);
    if (r == ST_OK) ledger_table_free(t);
    assert_int_equal(r, code);
    if (!strstr(e.msg, want)) fail_msg("%s: \"%s\" does not say \"%s\"", rel, e.msg, want);
}

/* The text at a physical row (the header row's are its headers) and column. */
static const char *at(const ledger_table *t, int sheet_row, int col) {
    if (sheet_row == t->header_row) return col < t->ncols ? t->headers[col] : "";
    for (int i = 0; i < t->nrows; i++)
        if (t->rows[i].sheet_row == sheet_row) return col < t->ncols ? t->rows[i].cells[col] : "";
    return "(no such row)";
}

/* The first data row whose cell `col` is `text`, or NULL. */
static const ledger_row *row_with(const ledger_table *t, int col, const char *text) {
    for (int i = 0; i < t->nrows; i++)
        if (col < t->ncols && strcmp(t->rows[i].cells[col], text) == 0) return &t->rows[i];
    return NULL;
}

static int nonempty_cells(const ledger_table *t) {
    int n = 0;
    for (int i = 0; i < t->nrows; i++)
        for (int c = 0; c < t->ncols; c++) n += t->rows[i].cells[c][0] != 0;
    return n;
}

/* D01: formula cells come back with their cached results (freexl: empty). */
static void test_d01_formulas(void **state) {
    (void)state;
    ledger_table *t = ok("D01_xls_formula_values_dropped/calamine__tests_xls_formula.xls");
    assert_int_equal(t->nrows, 3);   /* freexl: 0 */
    assert_string_equal(at(t, 2, 0), "20");
    assert_string_equal(at(t, 3, 0), "110");
    assert_string_equal(at(t, 4, 0), "65");
    ledger_table_free(t);
    /* the statistics office's file: 997 non-empty data cells with freexl */
    t = ok("D01_xls_formula_values_dropped/poi__test-data_spreadsheet_at.gv.land-oberoesterreich.www_cps_rde_xbcr_"
           "SID-4A1B954F-5C07F98E_ooe_stat_download_bp10.xls");
    assert_int_equal(t->nrows, 494);
    assert_int_equal(nonempty_cells(t), 4442);
    const ledger_row *land = NULL;
    for (int i = 0; i < t->nrows && !land; i++)
        if (strcmp(t->rows[i].cells[0], "40000") == 0) land = &t->rows[i];
    assert_non_null(land);
    assert_string_equal(land->cells[1], "Land Oberösterreich");
    assert_string_equal(land->cells[2], "1092760");
    assert_string_equal(land->cells[4], "56.6");
    ledger_table_free(t);
    t = ok("D01_xls_formula_values_dropped/sheetjs__wps_fn.xls");   /* saved by WPS */
    assert_int_equal(nonempty_cells(t), 6);   /* freexl: 4 */
    ledger_table_free(t);
    t = ok("D01_xls_formula_values_dropped/phpss__tests_data_Reader_XLS_pr607.sum_data.xls");
    assert_int_equal(t->nrows, 9);   /* freexl: 0 */
    assert_int_equal(nonempty_cells(t), 27);
    ledger_table_free(t);
    t = ok("D01_xls_formula_values_dropped/poi__test-data_spreadsheet_31749.xls");
    assert_int_equal(t->nrows, 236);   /* freexl: 202 */
    assert_int_equal(nonempty_cells(t), 367);
    ledger_table_free(t);
}

/* D02: valid workbooks freexl refused (NULL handle; BOOK/WORKBOOK in capitals). */
static void test_d02_valid_xls(void **state) {
    (void)state;
    ledger_table *t = ok("D02_valid_xls_refused/poi__test-data_spreadsheet_54016.xls");
    assert_int_equal(t->nrows, 5095);
    assert_string_equal(at(t, 1, 0), "Code");
    assert_string_equal(at(t, 2, 0), "10");
    ledger_table_free(t);
    t = ok("D02_valid_xls_refused/poi__test-data_spreadsheet_WORKBOOK_in_capitals.xls");
    assert_int_equal(t->nrows, 240);
    assert_int_equal(t->header_row, 2);
    assert_string_equal(at(t, 3, 1), "per 27.10.2006");
    ledger_table_free(t);
    t = ok("D02_valid_xls_refused/calamine__tests_capitalized_wbook_stream.xls");   /* stream "BOOK", an empty sheet */
    assert_string_equal(t->sheet, "Sheet1");
    assert_int_equal(t->nrows, 0);
    ledger_table_free(t);
    t = ok("D02_valid_xls_refused/sheetjs__biff5_write.xls");   /* Excel 5 */
    assert_string_equal(at(t, 2, 0), "TRUE");
    assert_string_equal(at(t, 2, 1), "FALSE");
    assert_string_equal(at(t, 3, 0), "foo");
    assert_string_equal(at(t, 3, 2), "2014-02-19");
    ledger_table_free(t);
    t = ok("D02_valid_xls_refused/sheetjs__minimal_112.xls");
    assert_string_equal(at(t, 2, 0), "123");
    assert_string_equal(at(t, 2, 1), "1.23");
    ledger_table_free(t);
    static const struct { const char *file; int rows; } more[] = {
        {"poi__test-data_spreadsheet_angelo.edu_content_files_19555-nsse-2011-multiyear-benchmark.xls", 2},
        {"poi__test-data_spreadsheet_bug66319.xls", 1258},
        {"poi__test-data_spreadsheet_florida_data.ashx.xls", 87},
        {"sheetjs__A4X_gnumeric.xls", 0},
        {"sheetjs__artifacts_quattro_write_97.xls", 3},
    };
    for (size_t i = 0; i < sizeof more / sizeof *more; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "D02_valid_xls_refused/%s", more[i].file);
        t = ok(rel);
        if (t->nrows != more[i].rows) fail_msg("%s: %d rows, not %d", rel, t->nrows, more[i].rows);
        ledger_table_free(t);
    }
    t = ok("D02_valid_xls_refused/sheetjs__A4X_gnumeric.xls");   /* written by Gnumeric */
    assert_string_equal(at(t, t->header_row, 0), "x");
    ledger_table_free(t);
}

/* D03: password-protected files say so, and what to do. */
static void test_d03_password(void **state) {
    (void)state;
    static const char *files[] = {
        "sheetjs__password_2002_40_xor.xls", "sheetjs__password_2002_128_strong.xls",
        "poi__test-data_spreadsheet_password.xls", "excelize__test_encryptAES.xlsx",
        "xlsxpop__examples_encryption_out.xlsx", "calamine__tests_pass_protected.xlsx",
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "D03_encrypted_files_misleading_message/%s", files[i]);
        refused(rel, ST_UNSUPPORTED, "密码");
        refused(rel, ST_UNSUPPORTED, "不设密码");
    }
}

/* D04: the 1904 date system (Mac Excel), in xlsx (ignored before) and xls. */
static void test_d04_1904(void **state) {
    (void)state;
    ledger_table *t = ok("D04_xlsx_1904_date_system_ignored/sheetjs__1904_1904.xlsx");
    assert_string_equal(at(t, 2, 1), "1904-01-12");   /* was 1900-01-11 */
    assert_string_equal(at(t, 2, 2), "1904-01-12");   /* Excel's own TEXT() of it */
    ledger_table_free(t);
    t = ok("D04_xlsx_1904_date_system_ignored/sheetjs__1904_1904.xls");
    assert_string_equal(at(t, 2, 1), "1904-01-12");
    ledger_table_free(t);
    t = ok("D04_xlsx_1904_date_system_ignored/calamine__tests_date_1904.xlsx");
    assert_string_equal(at(t, 1, 0), "2021-01-01");
    ledger_table_free(t);
    t = ok("D04_xlsx_1904_date_system_ignored/openpyxl__openpyxl_reader_tests_data_date_1904.xlsx");
    assert_string_equal(at(t, 1, 0), "2011-10-31");
    ledger_table_free(t);
    t = ok("D04_xlsx_1904_date_system_ignored/phpss__tests_data_Reader_XLSX_1904_Calendar.xlsx");
    assert_string_equal(at(t, 1, 0), "2022-01-01");
    assert_string_equal(at(t, 2, 1), "2023-01-01");
    ledger_table_free(t);
    t = ok("D04_xlsx_1904_date_system_ignored/tealeg__testdocs_testcelltypes.xlsx");
    assert_string_equal(at(t, 2, 0), "日本語");
    ledger_table_free(t);
}

/* D05: [h]:mm:ss keeps the days (10.632 days is 255:10:10, not 15:10:10). */
static void test_d05_elapsed(void **state) {
    (void)state;
    ledger_table *t = ok("D05_elapsed_time_days_dropped/calamine__tests_date.xlsx");
    assert_string_equal(at(t, 3, 0), "255:10:10");
    ledger_table_free(t);
    t = ok("D05_elapsed_time_days_dropped/calamine__tests_date.xls");
    assert_string_equal(at(t, 3, 0), "255:10:10");
    ledger_table_free(t);
    t = ok("D05_elapsed_time_days_dropped/sheetjs__LONumbers.xlsx");
    ledger_table_free(t);
    t = ok("D05_elapsed_time_days_dropped/sheetjs__number_format.xlsm");
    ledger_table_free(t);
    char out[32];
    assert_int_equal(ledger_num_code_kind("[h]:mm:ss"), LNUM_HOURS);
    assert_int_equal(ledger_num_code_kind("[mm]:ss"), LNUM_MINUTES);
    assert_int_equal(ledger_num_code_kind("[Red]0.00"), LNUM_NUMBER);
    assert_int_equal(ledger_num_code_kind("[MAGENTA]0.00"), LNUM_NUMBER);   /* a colour, not [m] */
    assert_int_equal(ledger_num_code_kind("[SS]"), LNUM_SECONDS);
    assert_int_equal(ledger_num_code_kind("[$-804]yyyy\"年\"m\"月\"d\"日\""), LNUM_DATE);
    ledger_num_date(1.5, LNUM_MINUTES, false, out, sizeof out);
    assert_string_equal(out, "2160:00");
}

/* D06: xls booleans and errors as the xlsx path shows them; an error is a problem of its row. */
static void test_d06_boolerr(void **state) {
    (void)state;
    ledger_table *t = ok("D06_xls_error_and_bool_cells_as_numbers/sheetjs__ErrorTypes.xls");
    assert_string_equal(at(t, 2, 0), "#NULL!");   /* freexl: 0 */
    assert_string_equal(at(t, 3, 0), "#DIV/0!");   /* freexl: 1 */
    assert_string_equal(at(t, 7, 0), "#NUM!");
    assert_string_equal(at(t, 2, 7), "TRUE");
    assert_string_equal(at(t, 2, 8), "FALSE");
    /* no ledger header in this file: the rows are read before one is chosen,
     * so the problem names the sheet's row (a data row once a header is known) */
    const ledger_problem *p = NULL;
    for (int i = 0; i < t->nproblems && !p; i++)
        if (t->problems[i].sheet_row == 3 && strstr(t->problems[i].msg, "#DIV/0!")) p = &t->problems[i];
    assert_non_null(p);
    assert_string_equal(p->value, "#DIV/0!");
    ledger_table_free(t);
    t = ok("D06_xls_error_and_bool_cells_as_numbers/sheetjs__write.xls");
    assert_string_equal(at(t, 2, 0), "TRUE");
    assert_string_equal(at(t, 2, 1), "FALSE");
    ledger_table_free(t);
    t = ok("D06_xls_error_and_bool_cells_as_numbers/sheetjs__metadata_2019.xls");
    assert_string_equal(at(t, 2, 0), "#VALUE!");
    assert_non_null(problem_with(t, 0, "#VALUE!"));
    ledger_table_free(t);
}

/* D07: Excel 95 rich text kept; code page 1258 not shifted. */
static void test_d07_biff5(void **state) {
    (void)state;
    ledger_table *t = ok("D07_biff5_text_lost_or_shifted/sheetjs__biff5_rich_text_stress.xls");
    assert_string_equal(at(t, 2, 1), "this text is bold, sure enough");   /* freexl: empty */
    assert_string_equal(t->rows[t->nrows - 1].cells[1], "lets try all combinations of BIU in cell");
    ledger_table_free(t);
    t = ok("D07_biff5_text_lost_or_shifted/sheetjs__biff5_number_format_vietnamese.xls");
    assert_string_equal(t->sheet, "Implied");   /* freexl: "Implie" */
    assert_string_equal(at(t, 1, 0), "Format");   /* freexl: "FForma" */
    assert_string_equal(at(t, 1, 5), "Macro");
    ledger_table_free(t);
    t = ok("D07_biff5_text_lost_or_shifted/phpss__samples_templates_30templatebiff5.xls");
    assert_string_equal(at(t, 1, 1), "Invoice");
    assert_non_null(row_with(t, 0, "Product Id"));
    ledger_table_free(t);
}

/* D08: _xHHHH_ escapes decoded (shared strings, inline strings, formula text). */
static void test_d08_escapes(void **state) {
    (void)state;
    ledger_table *t = ok("D08_xlsx_xHHHH_escapes_not_decoded/calamine__tests_has_x000D_.xlsx");
    assert_string_equal(at(t, 1, 0), "ABC\r\nDEF");
    ledger_table_free(t);
    t = ok("D08_xlsx_xHHHH_escapes_not_decoded/calamine__tests_has_x000D_inline.xlsx");
    assert_string_equal(at(t, 1, 0), "ABC\r\nDEF");
    ledger_table_free(t);
    t = ok("D08_xlsx_xHHHH_escapes_not_decoded/phpss__tests_data_Reader_XLSX_issue.4724.xlsx");
    assert_string_equal(at(t, 2, 0), "A_x0030_B");   /* "_x005F_" is the underscore */
    ledger_table_free(t);
    t = ok("D08_xlsx_xHHHH_escapes_not_decoded/sheetjs__crlf_crlf.xlsx");
    assert_null(strstr(at(t, 1, 1), "_x000D_"));
    assert_null(strstr(at(t, 2, 1), "_x000D_"));
    ledger_table_free(t);
}

/* D09: an inline string with a <v> is its <t>; an empty boolean cell is empty. */
static void test_d09_inline_bool(void **state) {
    (void)state;
    ledger_table *t = ok("D09_xlsx_inlinestr_and_empty_bool/calamine__tests_inlineStr_with_value.xlsx");
    assert_string_equal(at(t, 2, 3), "1.");   /* was "1.01." */
    ledger_table_free(t);
    t = ok("D09_xlsx_inlinestr_and_empty_bool/phpss__tests_data_Reader_XLSX_issue.2488.xlsx");
    assert_string_equal(at(t, 3, 3), "");   /* was FALSE */
    assert_string_equal(at(t, 3, 0), "FALSE");
    assert_string_equal(at(t, 3, 4), "TRUE");
    ledger_table_free(t);
}

/* D10: UTF-32 with its BOM; Windows-1252 told from GB18030 by what the text looks like. */
static void test_d10_encodings(void **state) {
    (void)state;
    ledger_table *t = ok("D10_csv_encoding_silent_misread/phpss__tests_data_Reader_CSV_premiere.utf32lebom.csv");
    assert_string_equal(t->encoding, "UTF-32LE BOM");
    assert_string_equal(at(t, 1, 0), "première");   /* was empty */
    assert_string_equal(at(t, 2, 2), "sixième");
    ledger_table_free(t);
    t = ok("D10_csv_encoding_silent_misread/phpss__tests_data_Reader_CSV_premiere.win1252.csv");
    assert_string_equal(t->encoding, "Windows-1252");
    assert_string_equal(at(t, 1, 0), "première");   /* was "premi鑢e" */
    assert_string_equal(at(t, 2, 0), "Quatrième");
    ledger_table_free(t);
    t = ok("D10_csv_encoding_silent_misread/phpss__samples_Reader2_sampleData_example2.csv");
    assert_string_equal(t->encoding, "Windows-1252");   /* was GB18030 */
    assert_non_null(row_with(t, 0, "Agaña"));   /* was "Aga馻" */
    assert_non_null(row_with(t, 1, "Réunion"));
    ledger_table_free(t);
    /* Both kinds of pairs: the majority wins, with a warning naming the other. */
    const char mixed[] = "企业名称,地址\n\xCF\xC3\xC3\xC5\xCA\xD0,premi\xE8re\n";
    st r;
    t = read_bytes("m.csv", mixed, sizeof mixed - 1, NULL, &r, NULL);
    assert_int_equal(r, ST_OK);
    assert_string_equal(t->encoding, "GB18030");
    assert_non_null(problem_with(t, 0, "也可能是"));
    ledger_table_free(t);
    /* UTF-32BE with its BOM */
    const char be[] = "\0\0\xFE\xFF\0\0\0a\0\0\0,\0\0\0b\0\0\0\n\0\0\0001\0\0\0,\0\0\0002\0\0\0\n";
    t = read_bytes("be.csv", be, sizeof be - 1, NULL, &r, NULL);
    assert_int_equal(r, ST_OK);
    assert_string_equal(t->encoding, "UTF-32BE BOM");
    assert_string_equal(t->headers[1], "b");
    ledger_table_free(t);
}

/* D11: zip entries named with '\' read. */
static void test_d11_backslash(void **state) {
    (void)state;
    ledger_table *t = ok("D11_backslash_zip_paths_refused/calamine__tests_issue_530.xlsx");
    assert_string_equal(at(t, 1, 0), "报表导出人:");
    ledger_table_free(t);
    t = ok("D11_backslash_zip_paths_refused/phpss__tests_data_Reader_XLSX_Zip-Windows-Directory-Separator.xlsx");
    assert_string_equal(at(t, 1, 0), "Key ID");
    ledger_table_free(t);
    t = ok("D11_backslash_zip_paths_refused/phpss__tests_data_Reader_XLSX_issue.3730.xlsx");
    assert_true(t->nrows > 0);
    ledger_table_free(t);
}

/* D12: old formats and BOM-less UTF-16 are refused, saying what they are. */
static void test_d12_old_formats(void **state) {
    (void)state;
    refused("D12_old_formats_misleading_message/poi__test-data_spreadsheet_testEXCEL_4.xls", ST_UNSUPPORTED,
            "Excel 2.x–4.0");
    refused("D12_old_formats_misleading_message/sheetjs__crlf_CRLFX5_4.XLS", ST_UNSUPPORTED, "另存为 xlsx");
    refused("D12_old_formats_misleading_message/phpss__tests_data_Reader_CSV_premiere.utf16le.csv", ST_UNSUPPORTED,
            "不带 BOM 标记的 UTF-16LE");
}

/* N01: one long shared string in every cell is bounded by the per-file text cap. */
static void test_n01_amplification(void **state) {
    (void)state;
    ledger_read_opts o = {.max_cell_text = 64u << 20};   /* the max-cell-text default imports pass */
    st r;
    err e;
    ledger_table *t = rd("N01_observation_shared_string_amplification/poi__test-data_spreadsheet_poc-shared-strings.xlsx",
                         &o, &r, &e);
    assert_null(t);
    assert_int_equal(r, ST_TOO_LARGE);
    assert_non_null(strstr(e.msg, "64 MiB"));
    assert_non_null(strstr(e.msg, "同一大段文字"));
}

/* N02: two zip entries of one name refused. */
static void test_n02_duplicate_entries(void **state) {
    (void)state;
    refused("N02_observation_duplicate_zip_entries/poi__test-data_spreadsheet_duplicate-filename.xlsx", ST_INVALID,
            "两个同名的文件 xl/worksheets/sheet1.xml");
}

/* ---- a Chinese Excel 95 workbook, written here ---------------------------- */

/* No file of the set is a Chinese BIFF5 workbook (CODEPAGE 936, GBK text), as
 * Excel 95 on a Chinese Windows wrote them: one is built byte by byte, in the
 * smallest OLE2 container (one FAT sector, one directory sector, the "Book"
 * stream in 4,096 bytes so that it is not in the mini stream). */
typedef struct bw { unsigned char d[4096]; size_t n; } bw;

static void put16(bw *w, unsigned v) { w->d[w->n++] = (unsigned char)v; w->d[w->n++] = (unsigned char)(v >> 8); }
static void put32(bw *w, uint32_t v) { put16(w, v & 0xFFFF); put16(w, v >> 16); }

static void rec(bw *w, unsigned type, const void *data, size_t len) {
    put16(w, type);
    put16(w, (unsigned)len);
    if (len) memcpy(w->d + w->n, data, len);   /* EOF has no data (NULL) */
    w->n += len;
}

/* A BIFF5 string: u16 length, then the text in GBK. */
static size_t gbk(const char *utf8, unsigned char *out, size_t cap) {
    iconv_t cd = iconv_open("GBK", "UTF-8");
    char *ip = (char *)utf8, *op = (char *)out;
    size_t il = strlen(utf8), ol = cap;
    iconv(cd, &ip, &il, &op, &ol);
    iconv_close(cd);
    return cap - ol;
}

static void label(bw *w, unsigned row, unsigned col, const char *text) {
    unsigned char b[256];
    size_t k = gbk(text, b + 8, sizeof b - 8);
    b[0] = (unsigned char)row; b[1] = (unsigned char)(row >> 8); b[2] = (unsigned char)col; b[3] = 0;
    b[4] = b[5] = 0;
    b[6] = (unsigned char)k; b[7] = (unsigned char)(k >> 8);
    rec(w, 0x0204, b, 8 + k);
}

static size_t biff5_workbook(unsigned char *file, size_t cap) {
    bw w = {.n = 0};
    static const unsigned char bof_wb[] = {0x00, 0x05, 0x05, 0x00, 0, 0, 0, 0};
    static const unsigned char bof_ws[] = {0x00, 0x05, 0x10, 0x00, 0, 0, 0, 0};
    rec(&w, 0x0809, bof_wb, sizeof bof_wb);
    static const unsigned char cp936[] = {0xA8, 0x03};
    rec(&w, 0x0042, cp936, 2);
    size_t bs = w.n;   /* BOUNDSHEET: its offset is filled in below */
    unsigned char sh[64] = {0};
    size_t k = gbk("台账", sh + 7, sizeof sh - 7);
    sh[6] = (unsigned char)k;
    rec(&w, 0x0085, sh, 7 + k);
    rec(&w, 0x000A, NULL, 0);
    uint32_t pos = (uint32_t)w.n;
    memcpy(w.d + bs + 4, &pos, 4);   /* little-endian, as the tests run on */
    rec(&w, 0x0809, bof_ws, sizeof bof_ws);
    label(&w, 0, 0, "企业名称");
    label(&w, 0, 1, "统一社会信用代码");
    label(&w, 0, 2, "备注");
    label(&w, 0, 3, "从业人数");
    label(&w, 1, 0, "厦门甲网络科技有限公司");
    label(&w, 1, 1, "91350100M000100Y43");
    /* a formula with a text result: its STRING record follows */
    unsigned char f[22] = {1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    rec(&w, 0x0006, f, sizeof f);
    unsigned char str[64];
    k = gbk("合计", str + 2, sizeof str - 2);
    str[0] = (unsigned char)k; str[1] = 0;
    rec(&w, 0x0207, str, 2 + k);
    unsigned char rk[10] = {1, 0, 3, 0, 0, 0};
    uint32_t v = (25u << 2) | 2;   /* an integer RK */
    memcpy(rk + 6, &v, 4);
    rec(&w, 0x027E, rk, sizeof rk);
    rec(&w, 0x000A, NULL, 0);

    /* the container: header, FAT (sector 0), directory (1), Book (2..9) */
    size_t len = 512 * 11;
    assert_true(len <= cap);
    memset(file, 0, len);
    bw h = {.n = 0};
    memcpy(h.d, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
    h.n = 0x18;
    put16(&h, 0x3E); put16(&h, 3); put16(&h, 0xFFFE); put16(&h, 9); put16(&h, 6);
    h.n = 0x2C;
    put32(&h, 1); put32(&h, 1); put32(&h, 0); put32(&h, 4096);
    put32(&h, 0xFFFFFFFE); put32(&h, 0); put32(&h, 0xFFFFFFFE); put32(&h, 0);
    put32(&h, 0);
    for (int i = 1; i < 109; i++) put32(&h, 0xFFFFFFFF);
    memcpy(file, h.d, 512);
    bw fat = {.n = 0};
    put32(&fat, 0xFFFFFFFD);
    put32(&fat, 0xFFFFFFFE);
    for (uint32_t s = 2; s < 9; s++) put32(&fat, s + 1);
    put32(&fat, 0xFFFFFFFE);
    while (fat.n < 512) put32(&fat, 0xFFFFFFFF);
    memcpy(file + 512, fat.d, 512);
    unsigned char *dir = file + 1024;
    static const char *names[] = {"Root Entry", "Book"};
    for (int e = 0; e < 4; e++) {
        unsigned char *p = dir + 128 * e;
        memset(p + 0x44, 0xFF, 12);   /* left, right, child: none */
        if (e >= 2) continue;
        size_t nl = strlen(names[e]);
        for (size_t i = 0; i < nl; i++) p[2 * i] = (unsigned char)names[e][i];
        p[0x40] = (unsigned char)(2 * nl + 2);
        p[0x42] = e == 0 ? 5 : 2;
        uint32_t child = 1, start = e == 0 ? 0xFFFFFFFE : 2, size = e == 0 ? 0 : 4096;
        if (e == 0) memcpy(p + 0x4C, &child, 4);
        memcpy(p + 0x74, &start, 4);
        memcpy(p + 0x78, &size, 4);
    }
    memcpy(file + 1536, w.d, w.n);   /* the rest of the 4,096 bytes stays zero */
    return len;
}

static void test_biff5_gbk(void **state) {
    (void)state;
    unsigned char file[512 * 11];
    size_t n = biff5_workbook(file, sizeof file);
    st r;
    err e;
    ledger_table *t = read_bytes("九五台账.xls", file, n, NULL, &r, &e);
    if (r) fail_msg("%s", e.msg);
    assert_string_equal(t->format, "xls");
    assert_string_equal(t->sheet, "台账");
    assert_int_equal(col_of(t, LF_NAME), 0);
    assert_int_equal(col_of(t, LF_CODE), 1);
    assert_int_equal(t->nrows, 1);
    assert_string_equal(t->rows[0].val[LF_NAME], "厦门甲网络科技有限公司");
    assert_string_equal(t->rows[0].cells[2], "合计");   /* the formula's text */
    assert_string_equal(t->rows[0].val[LF_EMPLOYEES], "25");
    ledger_table_free(t);
    /* the same workbook cut short: refused or read in part, never past its end */
    for (size_t cut = 8; cut < n; cut += 97) {
        t = read_bytes("短.xls", file, cut, NULL, &r, &e);
        if (t) ledger_table_free(t);
    }
}

/* `ejia ledger read --csv`: the table as read, header first, quoted as RFC 4180. */
static void test_cli_csv(void **state) {
    (void)state;
    char tmpl[] = "/tmp/ejia-csv-XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    fflush(stdout);
    int saved = dup(1);
    dup2(fd, 1);
    char *argv[] = {"read", "--csv", DIR "D08_xlsx_xHHHH_escapes_not_decoded/sheetjs__crlf_crlf.xlsx", NULL};
    int rc = cli_ledger_read(3, argv);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    char got[4096] = {0};
    ssize_t n = pread(fd, got, sizeof got - 1, 0);
    close(fd);
    unlink(tmpl);
    assert_int_equal(rc, 0);
    assert_true(n > 0);
    assert_string_equal(got, "Normal,\"abc\ndef\"\r\nFormula,\"abc\r\ndef\"\r\nTest,\r\n");
    char *two[] = {"read", "--csv", "a.csv", "b.csv", NULL};
    assert_int_equal(cli_ledger_read(4, two), 2);   /* one table on stdout */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_d01_formulas),     cmocka_unit_test(test_d02_valid_xls),
        cmocka_unit_test(test_d03_password),     cmocka_unit_test(test_d04_1904),
        cmocka_unit_test(test_d05_elapsed),      cmocka_unit_test(test_d06_boolerr),
        cmocka_unit_test(test_d07_biff5),        cmocka_unit_test(test_d08_escapes),
        cmocka_unit_test(test_d09_inline_bool),  cmocka_unit_test(test_d10_encodings),
        cmocka_unit_test(test_d11_backslash),    cmocka_unit_test(test_d12_old_formats),
        cmocka_unit_test(test_n01_amplification), cmocka_unit_test(test_n02_duplicate_entries),
        cmocka_unit_test(test_cli_csv),          cmocka_unit_test(test_biff5_gbk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
