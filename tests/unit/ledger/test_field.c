/* Unit tests for src/ledger/field: the synonym dictionary (every header seen
 * in the offices' ledgers maps to its field, titles and sentences do not),
 * field names and labels, and header detection below title rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ledger/read_int.h"
#include "ledger_test.h"

static ledger_field det(const char *s) { return ledger_field_detect(s, strlen(s)); }

static void test_synonyms(void **state) {
    (void)state;
    static const struct { const char *h; ledger_field f; } cases[] = {
        {"序号", LF_SEQ}, {"企业名称", LF_NAME}, {"单位名称", LF_NAME}, {"公司名称", LF_NAME},
        {"企业（单位）名称", LF_NAME}, {"企业 名称", LF_NAME}, {"*企业名称", LF_NAME},
        {"统一社会信用代码", LF_CODE}, {"社会信用代码", LF_CODE}, {"信用代码", LF_CODE}, {"统一代码", LF_CODE},
        {"注册号", LF_CODE}, {"经营地址", LF_ADDRESS}, {"注册地址", LF_ADDRESS}, {"办公地址", LF_ADDRESS},
        {"企业地址", LF_ADDRESS}, {"所属区", LF_DISTRICT}, {"辖区", LF_DISTRICT}, {"区域", LF_DISTRICT},
        {"所在区", LF_DISTRICT}, {"所属街道", LF_STREET}, {"所在园区", LF_PARK},
        {"从业人数", LF_EMPLOYEES}, {"从业人员数", LF_EMPLOYEES}, {"员工人数", LF_EMPLOYEES},
        {"职工人数", LF_EMPLOYEES}, {"党员数", LF_MEMBERS}, {"正式党员数", LF_MEMBERS}, {"党员人数", LF_MEMBERS},
        {"所属行业", LF_CATEGORY}, {"行业类别", LF_CATEGORY}, {"行业", LF_CATEGORY}, {"类别", LF_CATEGORY},
        {"状态", LF_STATUS}, {"登记状态", LF_STATUS}, {"经营状态", LF_STATUS}, {"联系人", LF_CONTACT},
        {"负责人", LF_CONTACT}, {"电话", LF_PHONE}, {"联系电话", LF_PHONE}, {"负责人电话", LF_PHONE},
        {"注册资本（万元）", LF_CAPITAL}, {"成立日期", LF_FOUNDED}, {"经营范围", LF_SCOPE},
        {"有无办公场所", LF_PREMISES}, {"是否正常经营", LF_OPERATING}, {"ｎａｍｅ", LF_NAME},
        {"备注", LF_NONE}, {"", LF_NONE}, {"联系人：张三", LF_NONE}, {"电话 13812345678", LF_NONE},
        {"联系人：", LF_CONTACT},
        {"2018年厦门市互联网企业名单（经信局）以下企业名称按笔画排序请各区核对后报送", LF_NONE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ledger_field f = det(cases[i].h);
        if (f != cases[i].f) fail_msg("「%s」: got %s, want %s", cases[i].h, ledger_field_name(f), ledger_field_name(cases[i].f));
    }
}

static void test_names(void **state) {
    (void)state;
    for (int f = 0; f < LF__COUNT; f++) {
        assert_int_equal(ledger_field_by_name(ledger_field_name((ledger_field)f)), f);
        assert_int_equal(ledger_field_by_name(ledger_field_label((ledger_field)f)), f);
    }
    assert_int_equal(ledger_field_by_name("CODE"), LF_CODE);
    assert_int_equal(ledger_field_by_name("nonsense"), LF_NONE);
    assert_int_equal(ledger_field_by_name(NULL), LF_NONE);
    assert_string_equal(ledger_field_name(LF_NONE), "none");
    char l[8];
    ledger_col_letters(0, l);
    assert_string_equal(l, "A");
    ledger_col_letters(25, l);
    assert_string_equal(l, "Z");
    ledger_col_letters(26, l);
    assert_string_equal(l, "AA");
    ledger_col_letters(16383, l);
    assert_string_equal(l, "XFD");
}

static void test_header_below_titles(void **state) {
    (void)state;
    /* A merged title, a subtitle naming one field, an empty row, then the header. */
    const char *a = "2018年厦门市互联网企业名单\n"
                    "填报单位：经信局,,联系人：张三,联系电话：0592-5551234\n"
                    "\n"
                    "序号,企业名称,信用代码\n"
                    "1,甲公司,91350100M000100Y43\n";
    ledger_table *t = read_bytes("h.csv", a, strlen(a), NULL, NULL, NULL);
    assert_int_equal(t->header_row, 4);
    assert_int_equal(t->nrows, 1);
    assert_null(problem_with(t, 0, "没有找到表头"));
    ledger_table_free(t);
    /* The header must be within the first 20 non-empty rows. */
    char b[4096];
    size_t n = 0;
    for (int i = 0; i < 25; i++) n += (size_t)snprintf(b + n, sizeof b - n, "说明第%d行\n", i);
    n += (size_t)snprintf(b + n, sizeof b - n, "企业名称,信用代码\n甲,91350100M000100Y43\n");
    t = read_bytes("late.csv", b, n, NULL, NULL, NULL);
    assert_int_equal(t->header_row, 1);
    assert_non_null(problem_with(t, 0, "没有找到表头"));
    assert_int_equal(t->nrows, 27 - 1);   /* nothing is lost: every other row is data */
    ledger_table_free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_synonyms), cmocka_unit_test(test_names), cmocka_unit_test(test_header_below_titles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
