/* Unit tests for src/ledger/code: GB 32100 credit codes (the standard's own
 * example and real published codes), the embedded GB 11714 organisation code,
 * 15-digit registration numbers, GB 11643 ID numbers and phones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ledger/code.h"
#include "base/ids.h"

#define U(s) code_uscc_check((s), strlen(s), &want, &pos)

static void test_uscc(void **state) {
    (void)state;
    char want;
    int pos;
    assert_int_equal(U("91350100M000100Y43"), CODE_USCC_OK);   /* example in GB 32100-2015 */
    assert_int_equal(U("91110000802100433B"), CODE_USCC_OK);
    assert_int_equal(U("91440300708461136T"), CODE_USCC_OK);
    /* Last character changed: the check character is named. */
    assert_int_equal(U("91350100M000100Y44"), CODE_USCC_CHECK);
    assert_int_equal(want, '3');
    /* A digit of the organisation code changed: its own check fails first. */
    assert_int_equal(U("91350100M000200Y43"), CODE_USCC_ORG_CHECK);
    /* Letters outside the alphabet, and letters in the region digits. */
    assert_int_equal(U("91350100M0001O0Y43"), CODE_USCC_CHAR);
    assert_int_equal(pos, 14);
    assert_int_equal(U("913F0100M000100Y43"), CODE_USCC_CHAR);
    assert_int_equal(pos, 4);
    assert_int_equal(U("91350100M000100Y4"), CODE_USCC_LENGTH);
    assert_int_equal(U(""), CODE_USCC_LENGTH);
    assert_int_equal(code_uscc_check("91350100m000100y43", 18, NULL, NULL), CODE_USCC_CHAR);  /* callers upper-case */
}

static void test_org(void **state) {
    (void)state;
    char want;
    assert_true(code_org_check("M000100Y4", 9, &want));
    assert_true(code_org_check("802100433", 9, NULL));
    assert_false(code_org_check("802100434", 9, &want));
    assert_int_equal(want, '3');
    /* 11 - 12 mod 11 = 10 is written X; 11 - 0 = 11 is written 0. */
    assert_true(code_org_check("00000006X", 9, NULL));
    assert_false(code_org_check("000000060", 9, &want));
    assert_int_equal(want, 'X');
    assert_true(code_org_check("000000000", 9, NULL));
    assert_false(code_org_check("80210043", 8, NULL));
}

static void test_regno(void **state) {
    (void)state;
    assert_true(code_is_regno("350200200012345", 15));
    assert_false(code_is_regno("35020020001234X", 15));
    assert_false(code_is_regno("3502002000123456", 16));
    assert_true(code_regno_check("350200200012345", 15));
    assert_false(code_regno_check("350200200012346", 15));
}

static void test_idcard(void **state) {
    (void)state;
    assert_true(ids_idcard_check("11010519491231002X", 18));   /* example in GB 11643 */
    assert_true(ids_idcard_check("11010519491231002x", 18));
    assert_int_equal(ids_idcard_sex("11010519491231002X", 18), 2);
    assert_false(ids_idcard_check("110105194912310021", 18));   /* check wrong */
    assert_false(ids_idcard_check("110105194902300028", 18));   /* 30 February */
    assert_false(ids_idcard_check("1101051949123100", 16));
    assert_int_equal(ids_idcard_sex("110105194912310021", 18), 0);
}

static void test_phone(void **state) {
    (void)state;
    char out[40];
    assert_int_equal(ids_phone_check("13812345678", 11, out), IDS_PHONE_MOBILE);
    assert_string_equal(out, "13812345678");
    assert_int_equal(ids_phone_check("+86 138 1234 5678", 17, out), IDS_PHONE_MOBILE);
    assert_string_equal(out, "13812345678");
    assert_int_equal(ids_phone_check("0592-5551234", 12, out), IDS_PHONE_LANDLINE);
    assert_string_equal(out, "0592-5551234");
    assert_int_equal(ids_phone_check("05925551234", 11, out), IDS_PHONE_LANDLINE);
    assert_string_equal(out, "0592-5551234");
    assert_int_equal(ids_phone_check("(010)87654321", 13, out), IDS_PHONE_LANDLINE);
    assert_string_equal(out, "010-87654321");
    assert_int_equal(ids_phone_check("5551234", 7, out), IDS_PHONE_LANDLINE);
    const char *ext = "0592-5551234转801";
    assert_int_equal(ids_phone_check(ext, strlen(ext), out), IDS_PHONE_LANDLINE);
    assert_string_equal(out, "0592-5551234-801");
    assert_int_equal(ids_phone_check("12812345678", 11, out), IDS_PHONE_BAD);   /* no 12x mobiles */
    assert_int_equal(ids_phone_check("1381234567", 10, out), IDS_PHONE_BAD);
    assert_int_equal(ids_phone_check("abc", 3, out), IDS_PHONE_BAD);
    assert_int_equal(ids_phone_check("", 0, out), IDS_PHONE_BAD);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uscc), cmocka_unit_test(test_org), cmocka_unit_test(test_regno),
        cmocka_unit_test(test_idcard), cmocka_unit_test(test_phone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
