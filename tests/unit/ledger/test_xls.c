/* Unit tests for the legacy xls path: an OLE2 file that is not a workbook, a
 * truncated one, the temporary file used for memory input cleaned up; and a
 * real workbook (title row, two sheets, a date, a 注册号) written by Debian's
 * python3-xlwt when it is installed (the test is skipped, saying so, when not:
 * no C library writes xls). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>

#include "ledger_test.h"

static int count_tmp(void) {
    DIR *d = opendir("/tmp");
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) n += strncmp(e->d_name, "ejia-xls-", 9) == 0;
    if (d) closedir(d);
    return n;
}

static void test_broken_ole(void **state) {
    (void)state;
    unsigned char d[2048];
    memset(d, 0, sizeof d);
    memcpy(d, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
    setenv("TMPDIR", "/tmp", 1);
    int before = count_tmp();
    st r;
    err e;
    assert_null(read_bytes("旧台账.xls", d, sizeof d, NULL, &r, &e));
    assert_int_equal(r, ST_INVALID);
    assert_non_null(strstr(e.msg, "旧台账.xls"));
    assert_non_null(strstr(e.msg, "xls"));
    assert_null(read_bytes("短.xls", d, 8, NULL, &r, &e));   /* just the signature */
    assert_int_equal(r, ST_INVALID);
    assert_int_equal(count_tmp(), before);
}

static const char XLWT[] =
    "import sys, datetime, xlwt\n"
    "wb = xlwt.Workbook(encoding='utf-8')\n"
    "wb.add_sheet('说明').write(0, 0, '本表由湖里区填报')\n"
    "ws = wb.add_sheet('湖里区摸排')\n"
    "ws.write_merge(0, 0, 0, 5, '厦门市互联网企业名单（湖里区摸排）')\n"
    "for c, h in enumerate(['序号', '单位名称', '统一代码', '所在区', '从业人数', '成立日期']): ws.write(1, c, h)\n"
    "ws.write(2, 0, 1); ws.write(2, 1, '厦门甲网络科技有限公司'); ws.write(2, 2, '91350100m000100y43')\n"
    "ws.write(2, 3, '湖里'); ws.write(2, 4, 25)\n"
    "ws.write(2, 5, datetime.date(2018, 3, 5), xlwt.easyxf(num_format_str='YYYY-MM-DD'))\n"
    "ws.write(3, 1, '乙公司'); ws.write(3, 2, '350200200012345'); ws.write(3, 4, 12.5)\n"
    "wb.save(sys.argv[1])\n";

static void test_real_xls(void **state) {
    (void)state;
    char *py = write_temp("mk.py", XLWT, sizeof XLWT - 1);
    char out[512], cmd[1200];
    snprintf(out, sizeof out, "%s.xls", py);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s 2>/dev/null", py, out);
    if (system(cmd) != 0) {
        remove_temp(py);
        skip();   /* python3-xlwt not installed */
    }
    ledger_table *t = NULL;
    err e;
    st r = ledger_table_read(out, NULL, &t, &e);
    remove(out);
    remove_temp(py);
    assert_int_equal(r, ST_OK);
    assert_string_equal(t->format, "xls");
    assert_string_equal(t->sheet, "湖里区摸排");   /* the sheet with the table */
    assert_int_equal(t->header_row, 2);
    assert_int_equal(t->nrows, 2);
    assert_int_equal(col_of(t, LF_CODE), 2);
    const ledger_row *row = &t->rows[0];
    assert_string_equal(row->cells[0], "1");
    assert_string_equal(row->val[LF_CODE], "91350100M000100Y43");
    assert_int_equal(row->code_kind, LC_USCC);
    assert_int_equal(row->district_code, 350206);
    assert_string_equal(row->val[LF_EMPLOYEES], "25");
    assert_string_equal(row->val[LF_FOUNDED], "2018-03-05");
    row = &t->rows[1];
    assert_int_equal(row->sheet_row, 4);
    assert_int_equal(row->code_kind, LC_REGNO);
    assert_string_equal(row->cells[4], "12.5");
    assert_non_null(problem_with(t, 2, "不是整数"));
    ledger_table_free(t);
}

/* The cap on total cell text applies to xls as to the other formats (one place,
 * the builder).  The workbook is the fuzz corpus's, read from the source tree. */
static void test_cell_text_cap(void **state) {
    (void)state;
    const char *path = "tests/fuzz/corpus/xls/two_sheets.xls";
    FILE *f = fopen(path, "rb");
    if (!f) skip();   /* not run from the source tree */
    fclose(f);
    ledger_table *t = NULL;
    err e;
    ledger_read_opts o = {.max_cell_text = 1u << 20};
    assert_int_equal(ledger_table_read(path, &o, &t, &e), ST_OK);
    assert_int_equal(t->nrows, 2);
    ledger_table_free(t);
    o.max_cell_text = 20;
    assert_int_equal(ledger_table_read(path, &o, &t, &e), ST_TOO_LARGE);
    assert_null(t);
    assert_non_null(strstr(e.msg, "「two_sheets.xls」"));
    assert_non_null(strstr(e.msg, "20 字节"));
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_broken_ole), cmocka_unit_test(test_real_xls),
                                       cmocka_unit_test(test_cell_text_cap)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
