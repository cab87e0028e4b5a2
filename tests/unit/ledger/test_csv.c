/* Unit tests for the CSV reader and the table builder behind it: encodings
 * (UTF-8 with and without BOM, GBK made with iconv, UTF-16), title rows above
 * the header, columns in any order, unknown columns kept, huge cells, quoted
 * line breaks, blank lines, and the problem report for bad values.  Every
 * fixture is made here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <iconv.h>

#include "ledger_test.h"

static const char LEDGER[] =
    "厦门市互联网企业名单（经信局）\r\n"
    ",,,,,\r\n"
    "序号,单位名称,统一社会信用代码,所属区,从业人员数,联系电话,备注\r\n"
    "1,厦门甲网络科技有限公司,91350100M000100Y43,思明,25,13812345678,重点\r\n"
    "2,乙（厦门）信息技术有限公司 ,91110000802100433B,湖里区,１２,0592-5551234,\r\n";

static void test_utf8_title_rows(void **state) {
    (void)state;
    st r;
    ledger_table *t = read_bytes("a.csv", LEDGER, sizeof LEDGER - 1, NULL, &r, NULL);
    assert_int_equal(r, ST_OK);
    assert_string_equal(t->format, "csv");
    assert_string_equal(t->encoding, "UTF-8");
    assert_string_equal(t->source, "a.csv");
    assert_int_equal(t->header_row, 3);
    assert_int_equal(t->ncols, 7);
    assert_int_equal(t->nrows, 2);
    assert_int_equal(col_of(t, LF_NAME), 1);
    assert_int_equal(col_of(t, LF_CODE), 2);
    assert_int_equal(col_of(t, LF_DISTRICT), 3);
    assert_int_equal(col_of(t, LF_EMPLOYEES), 4);
    assert_int_equal(col_of(t, LF_PHONE), 5);
    assert_int_equal(t->col_field[6], LF_NONE);   /* 备注: kept as an extra column */
    assert_string_equal(t->headers[6], "备注");
    assert_string_equal(t->rows[0].cells[6], "重点");
    assert_int_equal(t->rows[0].row, 1);
    assert_int_equal(t->rows[0].sheet_row, 4);
    assert_int_equal(t->rows[1].sheet_row, 5);
    assert_string_equal(t->rows[0].val[LF_DISTRICT], "思明区");
    assert_int_equal(t->rows[0].district_code, 350203);
    assert_int_equal(t->rows[0].code_kind, LC_USCC);
    /* Trailing space trimmed, full-width brackets and digits folded. */
    assert_string_equal(t->rows[1].val[LF_NAME], "乙(厦门)信息技术有限公司");
    assert_string_equal(t->rows[1].cells[1], "乙（厦门）信息技术有限公司 ");   /* raw kept */
    assert_string_equal(t->rows[1].val[LF_EMPLOYEES], "12");
    assert_string_equal(t->rows[1].val[LF_PHONE], "0592-5551234");
    assert_int_equal(t->nproblems, 0);
    ledger_table_free(t);
}

static void test_bom_and_path(void **state) {
    (void)state;
    char data[sizeof LEDGER + 3] = "\xEF\xBB\xBF";
    memcpy(data + 3, LEDGER, sizeof LEDGER);
    char *path = write_temp("02-网信办.csv", data, sizeof data - 1);
    assert_non_null(path);
    ledger_table *t = NULL;
    err e = {0};
    assert_int_equal(ledger_table_read(path, NULL, &t, &e), ST_OK);
    assert_string_equal(t->encoding, "UTF-8 BOM");
    assert_string_equal(t->source, "02-网信办.csv");
    assert_int_equal(t->nrows, 2);
    assert_int_equal(t->header_row, 3);
    /* Same bytes from memory: same hash. */
    ledger_table *m = read_bytes("x", data, sizeof data - 1, NULL, NULL, NULL);
    assert_memory_equal(t->sha256, m->sha256, 32);
    ledger_table *other = read_bytes("x", LEDGER, sizeof LEDGER - 1, NULL, NULL, NULL);
    assert_memory_not_equal(t->sha256, other->sha256, 32);
    ledger_table_free(other);
    ledger_table_free(m);
    ledger_table_free(t);
    remove_temp(path);
    assert_int_equal(ledger_table_read("/nonexistent/台账.csv", NULL, &t, &e), ST_IO);
    assert_non_null(strstr(e.msg, "台账.csv"));
    assert_null(t);
}

static size_t to_encoding(const char *enc, const char *in, char *out, size_t cap) {
    iconv_t cd = iconv_open(enc, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    char *ip = (char *)in, *op = out;
    size_t il = strlen(in), ol = cap;
    assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
    iconv_close(cd);
    return (size_t)(op - out);
}

static void test_gbk(void **state) {
    (void)state;
    char gbk[1024];
    size_t n = to_encoding("GBK", LEDGER, gbk, sizeof gbk);
    st r;
    ledger_table *t = read_bytes("gbk.csv", gbk, n, NULL, &r, NULL);
    assert_int_equal(r, ST_OK);
    assert_string_equal(t->encoding, "GB18030");
    assert_int_equal(t->nrows, 2);
    assert_string_equal(t->rows[0].val[LF_NAME], "厦门甲网络科技有限公司");
    assert_string_equal(t->headers[1], "单位名称");
    ledger_table_free(t);
}

static void test_utf16(void **state) {
    (void)state;
    /* Excel's "Unicode text": UTF-16LE with a BOM, tab-separated. */
    const char *tsv = "企业名称\t信用代码\n厦门丙有限公司\t91350100M000100Y43\n";
    char buf[512] = "\xFF\xFE";
    size_t n = to_encoding("UTF-16LE", tsv, buf + 2, sizeof buf - 2) + 2;
    st r;
    ledger_table *t = read_bytes("u16.txt", buf, n, NULL, &r, NULL);
    assert_int_equal(r, ST_OK);
    assert_string_equal(t->encoding, "UTF-16LE BOM");
    assert_int_equal(t->nrows, 1);
    assert_string_equal(t->rows[0].val[LF_CODE], "91350100M000100Y43");
    ledger_table_free(t);
}

static void test_damaged_utf8(void **state) {
    (void)state;
    /* UTF-8 with one stray byte stays UTF-8 (with a warning), not GB18030 mojibake. */
    const char a[] = "企业名称,统一社会信用代码,地址\n厦门甲网络科技有限公司,91350100M000100Y43,厦门市思明区\xE5\n"
                     "厦门乙信息技术有限公司,91110000802100433B,厦门市湖里区\n";
    st r;
    ledger_table *t = read_bytes("d.csv", a, sizeof a - 1, NULL, &r, NULL);
    assert_int_equal(r, ST_OK);
    assert_string_equal(t->encoding, "UTF-8");
    assert_string_equal(t->rows[0].val[LF_NAME], "厦门甲网络科技有限公司");
    assert_string_equal(t->rows[1].val[LF_NAME], "厦门乙信息技术有限公司");
    assert_non_null(problem_with(t, 0, "不是有效的 UTF-8"));
    ledger_table_free(t);
    /* Mostly ASCII with a few GBK characters is still GBK. */
    char gbk[256];
    size_t n = (size_t)snprintf(gbk, sizeof gbk, "name,code,address\n");
    static const char row[] = "\xCF\xC3\xC3\xC5 Co. Ltd,91350100M000100Y43,Xiamen\n";
    memcpy(gbk + n, row, sizeof row - 1);
    n += sizeof row - 1;
    t = read_bytes("g.csv", gbk, n, NULL, &r, NULL);
    assert_int_equal(r, ST_OK);
    assert_string_equal(t->encoding, "GB18030");
    assert_string_equal(t->rows[0].cells[0], "厦门 Co. Ltd");
    ledger_table_free(t);
}

static void test_unreadable(void **state) {
    (void)state;
    err e;
    st r;
    /* Neither UTF-8 nor GB18030 (0xFF is no GB18030 lead byte). */
    const char bad[] = "企业名称,信用代码\n\xFF\xFE\xFF,1\n";
    assert_null(read_bytes("坏编码.csv", bad, sizeof bad - 1, NULL, &r, &e));
    assert_int_equal(r, ST_INVALID);
    assert_non_null(strstr(e.msg, "无法识别的编码"));
    assert_non_null(strstr(e.msg, "坏编码.csv"));
    /* A BOM that lies. */
    const char lying[] = "\xEF\xBB\xBF企业名称\n\xB3\xA7\xC3\xC5\n";
    assert_null(read_bytes("bom.csv", lying, sizeof lying - 1, NULL, &r, &e));
    assert_int_equal(r, ST_INVALID);
    assert_non_null(strstr(e.msg, "UTF-8"));
    /* Binary, empty, and other formats. */
    const char bin[] = "abc\0\1\2def";
    assert_null(read_bytes("x.csv", bin, sizeof bin - 1, NULL, &r, &e));
    assert_int_equal(r, ST_UNSUPPORTED);
    assert_non_null(strstr(e.msg, "不是电子表格"));
    assert_null(read_bytes("empty.csv", "", 0, NULL, &r, &e));
    assert_int_equal(r, ST_INVALID);
    assert_non_null(strstr(e.msg, "空的"));
    assert_null(read_bytes("a.xls", "%PDF-1.4\n", 9, NULL, &r, &e));
    assert_non_null(strstr(e.msg, "PDF"));
    const char html[] = "<html><body><table><tr><td>企业名称</td></tr></table></body></html>";
    assert_null(read_bytes("export.xls", html, sizeof html - 1, NULL, &r, &e));
    assert_non_null(strstr(e.msg, "HTML"));
}

static void test_swapped_columns_and_delims(void **state) {
    (void)state;
    const char *a = "电话;所属区;企业名称;社会信用代码\n13812345678;集美;丁公司;91110000802100433B\n";
    ledger_table *t = read_bytes("s.csv", a, strlen(a), NULL, NULL, NULL);
    assert_int_equal(col_of(t, LF_PHONE), 0);
    assert_int_equal(col_of(t, LF_NAME), 2);
    assert_string_equal(t->rows[0].val[LF_NAME], "丁公司");
    assert_string_equal(t->rows[0].val[LF_DISTRICT], "集美区");
    assert_int_equal(t->rows[0].district_code, 350211);
    ledger_table_free(t);
    const char *b = "企业名称\t从业人数\t党员数\n戊公司\t30\t3\n";
    t = read_bytes("t.tsv", b, strlen(b), NULL, NULL, NULL);
    assert_int_equal(t->ncols, 3);
    assert_string_equal(t->rows[0].val[LF_MEMBERS], "3");
    ledger_table_free(t);
}

static void test_quotes_blank_lines(void **state) {
    (void)state;
    const char *a = "企业名称,地址,信用代码\n"
                    "\"己公司\",\"厦门市湖里区\n殿前街道1号\",91350100M000100Y43\n"
                    "\n"
                    "\"庚,公司\",\"说\"\"明\"\"\",\n";
    ledger_table *t = read_bytes("q.csv", a, strlen(a), NULL, NULL, NULL);
    assert_int_equal(t->nrows, 2);
    assert_string_equal(t->rows[0].cells[1], "厦门市湖里区\n殿前街道1号");
    assert_int_equal(t->rows[0].district_code, 350206);   /* from the address */
    /* The blank line counts as a sheet row, as a spreadsheet shows it. */
    assert_int_equal(t->rows[1].sheet_row, 4);
    assert_int_equal(t->rows[1].row, 2);
    assert_string_equal(t->rows[1].val[LF_NAME], "庚,公司");
    assert_string_equal(t->rows[1].cells[1], "说\"明\"");
    ledger_table_free(t);
}

static void test_huge_cell(void **state) {
    (void)state;
    size_t big = 200000;
    size_t cap = big + 256;
    char *a = malloc(cap);
    size_t n = (size_t)snprintf(a, cap, "企业名称,经营范围\n辛公司,");
    for (size_t i = 0; i < big / 3; i++) { memcpy(a + n, "软", 3); n += 3; }
    n += (size_t)snprintf(a + n, cap - n, "\n壬公司,x\n");
    ledger_table *t = read_bytes("big.csv", a, n, NULL, NULL, NULL);
    free(a);
    assert_int_equal(t->nrows, 2);   /* the row with the huge cell is kept */
    size_t l = strlen(t->rows[0].cells[1]);
    assert_true(l <= 32 * 1024 && l > 30000);
    assert_int_equal(l % 3, 0);        /* cut on a character boundary */
    const ledger_problem *p = problem_with(t, 1, "超过");
    assert_non_null(p);
    assert_int_equal(p->col, 1);
    assert_string_equal(p->column, "经营范围");
    assert_true(strlen(p->value) < 300);
    assert_string_equal(t->rows[1].val[LF_NAME], "壬公司");
    ledger_table_free(t);
}

static void test_problems(void **state) {
    (void)state;
    const char *a =
        "企业名称,统一社会信用代码,所属区,从业人数,党员数,联系电话,成立日期\n"
        "甲公司, 9135 0100 m000 100y43 ,思明,25人,2,138-1234-5678,2018年3月5日\n"   /* all fine after cleaning */
        "乙公司,91350100M000100Y44,鼓楼区,很多,-1,12345,2018-02-30\n"
        "丙公司,350200200012345,,1,5,,43164\n"
        ",123,,,,,\n";
    ledger_table *t = read_bytes("p.csv", a, strlen(a), NULL, NULL, NULL);
    assert_int_equal(t->nrows, 4);   /* no row is dropped */
    const ledger_row *r = &t->rows[0];
    assert_int_equal(problems_on_row(t, 1), 0);
    assert_string_equal(r->val[LF_CODE], "91350100M000100Y43");
    assert_int_equal(r->code_kind, LC_USCC);
    assert_string_equal(r->val[LF_EMPLOYEES], "25");
    assert_string_equal(r->val[LF_PHONE], "13812345678");
    assert_string_equal(r->val[LF_FOUNDED], "2018-03-05");
    r = &t->rows[1];
    assert_int_equal(r->code_kind, LC_USCC_BAD);
    const ledger_problem *p = problem_with(t, 2, "校验位");
    assert_non_null(p);
    assert_int_equal(p->kind, LP_ERROR);
    assert_int_equal(p->sheet_row, 3);
    assert_string_equal(p->column, "统一社会信用代码");
    assert_string_equal(p->value, "91350100M000100Y44");
    assert_non_null(strstr(p->msg, "“3”"));   /* says what it should be */
    assert_non_null(problem_with(t, 2, "无法识别的区"));
    assert_int_equal(r->district_code, 0);
    assert_non_null(problem_with(t, 2, "不是整数"));
    assert_non_null(problem_with(t, 2, "负数"));
    assert_non_null(problem_with(t, 2, "电话"));
    assert_non_null(problem_with(t, 2, "日期"));
    assert_string_equal(r->val[LF_EMPLOYEES], "很多");   /* a bad value stays as written */
    r = &t->rows[2];
    assert_int_equal(r->code_kind, LC_REGNO);
    p = problem_with(t, 3, "注册号");
    assert_non_null(p);
    assert_int_equal(p->kind, LP_WARNING);
    assert_non_null(problem_with(t, 3, "党员数（5）大于从业人数（1）"));
    assert_string_equal(r->val[LF_FOUNDED], "2018-03-05");   /* Excel serial 43164 */
    r = &t->rows[3];
    assert_int_equal(r->code_kind, LC_OTHER);
    assert_non_null(problem_with(t, 4, "18 位"));
    assert_non_null(problem_with(t, 4, "企业名称是空的"));
    ledger_table_free(t);
}

static void test_no_header_and_mapping(void **state) {
    (void)state;
    /* Headers no dictionary knows. */
    const char *a = "公司,码,地区\n甲公司,91350100M000100Y43,思明\n";
    ledger_table *t = read_bytes("n.csv", a, strlen(a), NULL, NULL, NULL);
    /* "公司" alone is a name synonym: one known field is not a header, so the
     * first row is taken with a warning, and no code column is found. */
    assert_int_equal(t->header_row, 1);
    assert_int_equal(t->nrows, 1);
    assert_non_null(problem_with(t, 0, "没有找到表头"));
    assert_non_null(problem_with(t, 0, "统一社会信用代码"));
    ledger_table_free(t);
    ledger_read_opts o = {.mapping = "码=code, 地区=district"};
    t = read_bytes("n.csv", a, strlen(a), &o, NULL, NULL);
    assert_int_equal(col_of(t, LF_CODE), 1);
    assert_int_equal(col_of(t, LF_DISTRICT), 2);
    assert_int_equal(t->rows[0].district_code, 350203);
    assert_null(problem_with(t, 0, "没有找到表头"));
    ledger_table_free(t);
    /* Mapping a column away from its detected field. */
    const char *b = "企业名称,注册地址,经营地址\n甲,思明区A路,湖里区B路\n";
    t = read_bytes("m.csv", b, strlen(b), NULL, NULL, NULL);
    assert_int_equal(col_of(t, LF_ADDRESS), 1);
    assert_non_null(problem_with(t, 0, "两列都像是"));
    ledger_table_free(t);
    o.mapping = "注册地址=none,经营地址=address";
    t = read_bytes("m.csv", b, strlen(b), &o, NULL, NULL);
    assert_int_equal(col_of(t, LF_ADDRESS), 2);
    assert_string_equal(t->rows[0].val[LF_ADDRESS], "湖里区B路");
    ledger_table_free(t);
    err e;
    st r;
    o.mapping = "注册地址=nonsense";
    assert_null(read_bytes("m.csv", b, strlen(b), &o, &r, &e));
    assert_int_equal(r, ST_INVALID);
    assert_non_null(strstr(e.msg, "nonsense"));
    o.mapping = "注册地址";
    assert_null(read_bytes("m.csv", b, strlen(b), &o, &r, &e));
    assert_int_equal(r, ST_INVALID);
}

static void test_wide_rows_and_empty(void **state) {
    (void)state;
    const char *a = "企业名称,信用代码\n甲,91350100M000100Y43,多出来的\n";
    ledger_table *t = read_bytes("w.csv", a, strlen(a), NULL, NULL, NULL);
    assert_int_equal(t->nrows, 1);
    assert_non_null(problem_with(t, 1, "没有列名"));
    ledger_table_free(t);
    const char *b = "\n\n,,,\n";
    st r;
    t = read_bytes("blank.csv", b, strlen(b), NULL, &r, NULL);
    assert_int_equal(r, ST_OK);
    assert_int_equal(t->nrows, 0);
    assert_non_null(problem_with(t, 0, "没有任何内容"));
    ledger_table_free(t);
}

/* The cap on total cell text (max-cell-text for imports): counted over the
 * cells kept (a cell over its own 32 KiB cap counts 32 KiB), data rows and the
 * rows read while looking for the header alike. */
static void test_cell_text_cap(void **state) {
    (void)state;
    size_t rows = 1000, cap = rows * 64 + 64, n = 0;
    char *a = malloc(cap);
    n += (size_t)snprintf(a, cap, "企业名称,信用代码\n");
    for (size_t i = 0; i < rows; i++) n += (size_t)snprintf(a + n, cap - n, "公司%04zu,91350100M000100Y43\n", i);
    /* each row: 10 + 18 bytes of text */
    st r;
    err e;
    ledger_read_opts o = {.max_cell_text = rows * 28};
    ledger_table *t = read_bytes("满.csv", a, n, &o, &r, &e);
    assert_int_equal(r, ST_OK);
    assert_int_equal(t->nrows, (int)rows);
    ledger_table_free(t);
    o.max_cell_text = rows * 28 - 1;
    assert_null(read_bytes("超.csv", a, n, &o, &r, &e));
    assert_int_equal(r, ST_TOO_LARGE);
    assert_non_null(strstr(e.msg, "「超.csv」"));
    assert_non_null(strstr(e.msg, "单元格里的文字合计超过 27999 字节"));
    assert_non_null(strstr(e.msg, "第 1001 行"));   /* where reading stopped */
    free(a);
    /* One huge cell counts its kept 32 KiB, not the 1 MB written. */
    size_t big = 1u << 20;
    char *h = malloc(big + 64);
    n = (size_t)snprintf(h, 64, "企业名称,信用代码\n甲,");
    memset(h + n, 'x', big);
    n += big;
    h[n++] = '\n';
    o.max_cell_text = 40 * 1024;
    t = read_bytes("大格.csv", h, n, &o, &r, &e);
    assert_int_equal(r, ST_OK);
    ledger_table_free(t);
    free(h);
    /* Rows kept while no header is found count too. */
    char *p = malloc(64 * 1024);
    n = 0;
    for (int i = 0; i < 10; i++) n += (size_t)snprintf(p + n, 64 * 1024 - n, "第%d行,%0500d\n", i, 0);
    o.max_cell_text = 2000;
    assert_null(read_bytes("无表头.csv", p, n, &o, &r, &e));
    assert_int_equal(r, ST_TOO_LARGE);
    o.max_cell_text = 10 * 520;   /* all ten rows fit: the first is the header, nine are data */
    t = read_bytes("无表头.csv", p, n, &o, &r, &e);
    assert_int_equal(r, ST_OK);
    assert_int_equal(t->nrows, 9);
    ledger_table_free(t);
    free(p);
}

static void progress(void *ctx, uint64_t done, uint64_t total) {
    (void)total;
    *(uint64_t *)ctx = done;
}

static void test_many_rows(void **state) {
    (void)state;
    size_t rows = 50000, cap = rows * 64 + 64, n = 0;
    char *a = malloc(cap);
    n += (size_t)snprintf(a, cap, "企业名称,信用代码,从业人数\n");
    for (size_t i = 0; i < rows; i++) n += (size_t)snprintf(a + n, cap - n, "公司%zu,91350100M000100Y43,%zu\n", i, i % 97);
    uint64_t done = 0;
    ledger_read_opts o = {.progress = progress, .progress_ctx = &done};
    ledger_table *t = read_bytes("many.csv", a, n, &o, NULL, NULL);
    free(a);
    assert_int_equal(t->nrows, (int)rows);
    assert_int_equal(done, rows);
    assert_string_equal(t->rows[rows - 1].val[LF_NAME], "公司49999");
    assert_int_equal(t->rows[rows - 1].sheet_row, (int)rows + 1);
    assert_int_equal(t->nproblems, 0);
    ledger_table_free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_title_rows), cmocka_unit_test(test_bom_and_path), cmocka_unit_test(test_gbk),
        cmocka_unit_test(test_utf16), cmocka_unit_test(test_damaged_utf8), cmocka_unit_test(test_unreadable),
        cmocka_unit_test(test_swapped_columns_and_delims), cmocka_unit_test(test_quotes_blank_lines),
        cmocka_unit_test(test_huge_cell), cmocka_unit_test(test_problems), cmocka_unit_test(test_no_header_and_mapping),
        cmocka_unit_test(test_wide_rows_and_empty), cmocka_unit_test(test_many_rows),
        cmocka_unit_test(test_cell_text_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
