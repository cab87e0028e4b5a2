/* Unit tests for src/ledger/clean: Excel serial dates (with the 1900 leap-year
 * bug), date spellings, counts, spaces inside Chinese names, placeholders, and
 * districts derived from addresses when the district cell is empty. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ledger/read_int.h"
#include "ledger_test.h"

static void test_excel_dates(void **state) {
    (void)state;
    char d[16];
    assert_true(ledger_clean_excel_date(1, d));
    assert_string_equal(d, "1900-01-01");
    assert_true(ledger_clean_excel_date(59, d));
    assert_string_equal(d, "1900-02-28");
    assert_true(ledger_clean_excel_date(61, d));   /* after the phantom 1900-02-29 */
    assert_string_equal(d, "1900-03-01");
    assert_true(ledger_clean_excel_date(25569, d));
    assert_string_equal(d, "1970-01-01");
    assert_true(ledger_clean_excel_date(43831.75, d));
    assert_string_equal(d, "2020-01-01");
    assert_true(ledger_clean_excel_date(2958465, d));
    assert_string_equal(d, "9999-12-31");
    assert_false(ledger_clean_excel_date(0, d));
    assert_false(ledger_clean_excel_date(-5, d));
    assert_false(ledger_clean_excel_date(3e9, d));
}

static const char *cell(const ledger_table *t, int row, ledger_field f) { return t->rows[row].val[f]; }

static void test_values(void **state) {
    (void)state;
    const char *a =
        "企业名称,成立日期,从业人数,统一社会信用代码,地址,所属区,联系电话\n"
        "美生堂互动娱乐有限公 司,2018/3/5,\"1,200\",无,厦门市集美区软件园三期,,13812345678/0592-5551234\n"
        "ABC  Software　Co.,2018.03,25.0,--,福建省厦门市香山街道新店大道,,13812345678、abc\n"
        "\xE3\x80\x80丁公司\xC2\xA0,20180305,0,９１３５０１００Ｍ０００１００Ｙ４３,,/,\n";
    ledger_table *t = read_bytes("c.csv", a, strlen(a), NULL, NULL, NULL);
    assert_int_equal(t->nrows, 3);
    assert_string_equal(cell(t, 0, LF_NAME), "美生堂互动娱乐有限公司");   /* stray space between Chinese characters */
    assert_string_equal(cell(t, 0, LF_FOUNDED), "2018-03-05");
    assert_string_equal(cell(t, 0, LF_EMPLOYEES), "1200");
    assert_null(cell(t, 0, LF_CODE));                 /* 无 = nothing, no problem */
    assert_int_equal(t->rows[0].code_kind, LC_NONE);
    assert_null(cell(t, 0, LF_DISTRICT));
    assert_int_equal(t->rows[0].district_code, 350211);   /* from the address */
    assert_string_equal(cell(t, 0, LF_PHONE), "13812345678/0592-5551234");
    assert_int_equal(problems_on_row(t, 1), 0);
    assert_string_equal(cell(t, 1, LF_NAME), "ABC Software Co.");   /* Latin words keep one space */
    assert_string_equal(cell(t, 1, LF_FOUNDED), "2018-03-01");
    assert_string_equal(cell(t, 1, LF_EMPLOYEES), "25");
    assert_int_equal(t->rows[1].district_code, 350213);   /* from the street in the address */
    assert_string_equal(cell(t, 1, LF_STREET), "香山街道");  /* and the street itself (no street column) */
    assert_non_null(problem_with(t, 2, "电话"));           /* one of two phones is bad */
    assert_string_equal(cell(t, 2, LF_NAME), "丁公司");
    assert_string_equal(cell(t, 2, LF_FOUNDED), "2018-03-05");
    assert_string_equal(cell(t, 2, LF_EMPLOYEES), "0");
    assert_string_equal(cell(t, 2, LF_CODE), "91350100M000100Y43");
    assert_int_equal(t->rows[2].code_kind, LC_USCC);
    assert_null(cell(t, 2, LF_DISTRICT));
    assert_int_equal(problems_on_row(t, 3), 0);
    ledger_table_free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_excel_dates), cmocka_unit_test(test_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
