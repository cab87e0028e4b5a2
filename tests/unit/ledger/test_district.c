/* Unit tests for src/ledger/district: every way a ledger writes a Xiamen
 * district maps to one code; streets and addresses lead to their district. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ledger/district.h"

static int code_of(const char *s) {
    const district *d = district_find(s, strlen(s));
    return d ? d->code : 0;
}

static void test_find(void **state) {
    (void)state;
    assert_int_equal(code_of("思明"), 350203);
    assert_int_equal(code_of("思明区"), 350203);
    assert_int_equal(code_of("350203"), 350203);
    assert_int_equal(code_of("厦门市思明区"), 350203);
    assert_int_equal(code_of("福建省厦门市湖里区"), 350206);
    assert_int_equal(code_of(" 翔安 "), 350213);
    assert_int_equal(code_of("\xE3\x80\x80同安区\xE3\x80\x80"), 350212);
    assert_int_equal(code_of("开元区"), 350203);    /* merged into 思明 in 2003 */
    assert_int_equal(code_of("杏林"), 350211);
    assert_int_equal(code_of("350206000000"), 350206);
    assert_int_equal(code_of("鼓楼区"), 0);        /* Fuzhou, not Xiamen */
    assert_int_equal(code_of("350102"), 0);
    assert_int_equal(code_of(""), 0);
    const district *d = district_by_code(350205);
    assert_non_null(d);
    assert_string_equal(d->name, "海沧区");
    size_t n;
    district_all(&n);
    assert_int_equal(n, 6);
}

static void test_streets(void **state) {
    (void)state;
    const district_street *s = district_street_find("殿前街道", strlen("殿前街道"));
    assert_non_null(s);
    assert_int_equal(s->district, 350206);
    s = district_street_find("灌口", strlen("灌口"));
    assert_non_null(s);
    assert_string_equal(s->name, "灌口镇");
    assert_null(district_street_find("不存在街道", strlen("不存在街道")));
}

static void test_address(void **state) {
    (void)state;
    const char *a = "厦门市湖里区金山街道高林中路348号";
    assert_int_equal(district_from_address(a, strlen(a)), 350206);
    a = "福建省厦门市香山街道新店大道472号";   /* street only */
    assert_int_equal(district_from_address(a, strlen(a)), 350213);
    a = "厦门市湖滨南路630号";                 /* neither */
    assert_int_equal(district_from_address(a, strlen(a)), 0);
    a = "思明区与湖里区交界";                   /* two: ambiguous */
    assert_int_equal(district_from_address(a, strlen(a)), 0);
}

/* The street an address names (issue 21): full names, long stems, within the district when known. */
static void test_street_from_address(void **state) {
    (void)state;
    const char *a = "厦门市湖里区金山街道高林中路348号";
    const district_street *s = district_street_from_address(a, strlen(a), 0);
    assert_non_null(s);
    assert_string_equal(s->name, "金山街道");
    assert_non_null(district_street_from_address(a, strlen(a), 350206));
    assert_null(district_street_from_address(a, strlen(a), 350203));      /* not a street of 思明 */
    a = "厦门市集美区灌口镇深青路1号";
    s = district_street_from_address(a, strlen(a), 350211);
    assert_non_null(s);
    assert_string_equal(s->name, "灌口镇");
    a = "厦门市湖里区湖里大道22号";                                        /* 湖里 is a road here, not 湖里街道 */
    assert_null(district_street_from_address(a, strlen(a), 0));
    a = "厦门市思明区软件园二期观日路8号";                                  /* a road only */
    assert_null(district_street_from_address(a, strlen(a), 350203));
    a = "金山街道与江头街道交界";                                          /* two: ambiguous */
    assert_null(district_street_from_address(a, strlen(a), 0));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find), cmocka_unit_test(test_streets), cmocka_unit_test(test_address),
        cmocka_unit_test(test_street_from_address),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
