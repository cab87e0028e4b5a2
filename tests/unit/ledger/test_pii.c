/* Unit tests for src/ledger/pii: personal columns found by header, by
 * content and cell by cell; masks that keep just enough (and never cut a
 * Chinese character); a row sealed so that nothing personal is left in what
 * is stored in clear, and opened back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypt.h"
#include "ledger/pii.h"

#define ID1 "350203198506150011"
#define ID2 "11010519491231002X"

static void test_columns(void **state) {
    (void)state;
    const char *headers[] = {"企业名称", "联系人", "联系电话", "法人身份证号", "备注", "编号", "邮编"};
    ledger_field fields[] = {LF_NAME, LF_CONTACT, LF_PHONE, LF_NONE, LF_NONE, LF_NONE, LF_NONE};
    const char *r1[] = {"甲公司", "王伟", "13900001001", ID1, "", ID2, "361000"};
    const char *r2[] = {"乙公司", "李娜", "0592-5551001", "", "法人手机 13900001002", "350205199001011232", "361001"};
    const char *r3[] = {"丙公司", "", "", "", "无", "X-1", "361002"};
    ledger_row rows[3];
    memset(rows, 0, sizeof rows);
    rows[0].cells = r1;
    rows[1].cells = r2;
    rows[2].cells = r3;
    ledger_table t;
    memset(&t, 0, sizeof t);
    t.ncols = 7;
    t.headers = headers;
    t.col_field = fields;
    t.nrows = 3;
    t.rows = rows;
    ledger_pii_kind k[7];
    ledger_pii_columns(&t, k);
    assert_int_equal(k[0], PII_NONE);
    assert_int_equal(k[1], PII_NAME);     /* mapped contact */
    assert_int_equal(k[2], PII_PHONE);    /* mapped phone */
    assert_int_equal(k[3], PII_IDCARD);   /* by header */
    assert_int_equal(k[4], PII_NONE);     /* a notes column ... */
    assert_int_equal(k[5], PII_IDCARD);   /* by content: 2 of 3 values are valid IDs */
    assert_int_equal(k[6], PII_NONE);     /* six digits are not a phone */
    /* ... whose one cell with a mobile in it is personal all the same */
    assert_int_equal(ledger_pii_cell(k[4], LF_NONE, r2[4]), PII_PHONE);
    assert_int_equal(ledger_pii_cell(k[4], LF_NONE, "无"), PII_NONE);
    assert_int_equal(ledger_pii_cell(PII_NONE, LF_NONE, " 350203198506150011 "), PII_IDCARD);
    assert_int_equal(ledger_pii_cell(PII_NONE, LF_NONE, "11010519491231002x"), PII_IDCARD);   /* a lower-case x */
    assert_int_equal(ledger_pii_cell(PII_NONE, LF_NONE, "350203198506150012"), PII_NONE);     /* check digit wrong */
    assert_int_equal(ledger_pii_cell(PII_NONE, LF_CODE, ID1), PII_NONE);   /* a mapped enterprise field is the enterprise's */
    assert_string_equal(ledger_pii_kind_name(PII_IDCARD), "idcard");
    assert_null(ledger_pii_kind_name(PII_NONE));
}

static void test_mask(void **state) {
    (void)state;
    char m[64];
    ledger_pii_mask(PII_IDCARD, ID1, m, sizeof m);
    assert_string_equal(m, "3502**********0011");
    ledger_pii_mask(PII_PHONE, "13900001001", m, sizeof m);
    assert_string_equal(m, "139****1001");
    ledger_pii_mask(PII_NAME, "王伟", m, sizeof m);
    assert_string_equal(m, "王*");
    ledger_pii_mask(PII_NAME, "欧阳娜娜", m, sizeof m);
    assert_string_equal(m, "欧***");
    ledger_pii_mask(PII_PHONE, "法人手机 13900001002", m, sizeof m);
    assert_string_equal(m, "法人手机 139****1002");
    ledger_pii_mask(PII_NAME, "王伟 13900001001", m, sizeof m);
    assert_string_equal(m, "王伟 139****1001");
    ledger_pii_mask(PII_PHONE, "0592-5551001/13900001003", m, sizeof m);
    assert_null(strstr(m, "5551001"));
    assert_null(strstr(m, "13900001003"));
    /* a small buffer never splits a character */
    char s[5];
    ledger_pii_mask(PII_NAME, "欧阳娜娜", s, sizeof s);
    assert_string_equal(s, "欧*");
    ledger_pii_mask(PII_NAME, NULL, m, sizeof m);
    assert_string_equal(m, "");
}

static void test_seal(void **state) {
    (void)state;
    unsigned char key[32];
    memset(key, 7, sizeof key);
    crypt_set_key(key);
    const char *headers[] = {"企业名称", "联系人", "电话", "身份证"};
    ledger_field fields[] = {LF_NAME, LF_CONTACT, LF_PHONE, LF_NONE};
    const char *cells[] = {"甲公司", "王伟", "13900001001", ID1};
    ledger_row r;
    memset(&r, 0, sizeof r);
    r.cells = cells;
    r.val[LF_NAME] = "甲公司";
    r.val[LF_CONTACT] = "王伟";
    r.val[LF_PHONE] = "13900001001";
    ledger_table t;
    memset(&t, 0, sizeof t);
    t.ncols = 4;
    t.headers = headers;
    t.col_field = fields;
    t.nrows = 1;
    t.rows = &r;
    ledger_pii_kind k[4];
    ledger_pii_columns(&t, k);
    ledger_pii_row p;
    err e;
    assert_int_equal(ledger_pii_row_seal(&t, k, &r, &p, &e), ST_OK);
    /* nothing personal left in clear */
    const char *stored[] = {p.contact_sealed, p.phone_sealed, p.cells_masked, p.cells_sealed, p.contact_masked, p.phone_masked};
    for (size_t i = 0; i < sizeof stored / sizeof stored[0]; i++) {
        assert_non_null(stored[i]);
        assert_null(strstr(stored[i], "王伟"));
        assert_null(strstr(stored[i], "13900001001"));
        assert_null(strstr(stored[i], ID1));
    }
    assert_non_null(strstr(p.cells_masked, "甲公司"));
    assert_string_equal(p.contact_masked, "王*");
    char *back = NULL;
    assert_int_equal(ledger_pii_open("ledger_record.phone", p.phone_sealed, &back, &e), ST_OK);
    assert_string_equal(back, "13900001001");
    free(back);
    /* a ciphertext moved to another column does not open */
    assert_int_not_equal(ledger_pii_open("ledger_record.contact", p.phone_sealed, &back, &e), ST_OK);
    /* rows stored before encryption read as they are */
    assert_int_equal(ledger_pii_open("ledger_record.phone", "0592-5551001", &back, &e), ST_OK);
    assert_string_equal(back, "0592-5551001");
    free(back);
    json_t *o = NULL;
    assert_int_equal(ledger_pii_open_cells(p.cells_sealed, &o, &e), ST_OK);
    assert_string_equal(json_string_value(json_object_get(o, "1")), "王伟");
    assert_string_equal(json_string_value(json_object_get(o, "2")), "13900001001");
    assert_string_equal(json_string_value(json_object_get(o, "3")), ID1);
    assert_null(json_object_get(o, "0"));
    json_decref(o);
    ledger_pii_row_free(&p);
    crypt_reset();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_mask),
        cmocka_unit_test(test_seal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
