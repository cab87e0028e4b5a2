/* test_norm — name, address and phone normalization as a user would notice
 * it: every variation named in issue 5 must reduce to the same brand and
 * trade, and what distinguishes enterprises (trade, branch) must survive. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ledger/norm.h"

static void parse(const char *s, ledger_norm_name *n) { ledger_norm_name_parse(s, n); }

static int setup(void **state) {
    (void)state;
    err e;
    return ledger_norm_init(&e) == ST_OK ? 0 : -1;
}

static void test_region_and_brackets(void **state) {
    (void)state;
    const char *same[] = {"厦门美图网络科技有限公司", "美图（厦门）网络科技有限公司", "美图(厦门)网络科技有限公司",
                          "厦门市美图网络科技有限公司", "福建省厦门市美图网络科技有限公司", "美图网络科技有限公司",
                          "美图【厦门】网络科技有限公司", NULL};
    for (int i = 0; same[i]; i++) {
        ledger_norm_name n;
        parse(same[i], &n);
        assert_string_equal(n.brand, "美图");
        assert_string_equal(n.trade, "网络科技");
        assert_int_equal(n.is_branch, 0);
    }
    ledger_norm_name n;
    parse("美图（厦门）网络科技有限公司", &n);
    assert_string_equal(n.region, "厦门");
}

static void test_forms(void **state) {
    (void)state;
    static const char *const forms[][2] = {{"厦门美图网络科技有限公司", "有限公司"},
                                           {"厦门美图网络科技有限责任公司", "有限责任公司"},
                                           {"厦门美图网络科技股份有限公司", "股份有限公司"},
                                           {"厦门美图网络科技公司", "公司"},
                                           {"厦门美图网络科技股份有限责任公司", "股份有限责任公司"},
                                           {"美图网络科技股份（厦门）有限公司", "股份有限公司"},
                                           {"厦门美图网络科技", ""}};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        ledger_norm_name n;
        parse(forms[i][0], &n);
        assert_string_equal(n.brand, "美图");
        assert_string_equal(n.trade, "网络科技");
        assert_string_equal(n.form, forms[i][1]);
    }
}

static void test_width_spaces_traditional(void **state) {
    (void)state;
    ledger_norm_name n;
    parse("  厦門 美圖網絡科技有限公 司 ", &n);
    assert_string_equal(n.text, "厦门美图网络科技有限公司");
    assert_string_equal(n.brand, "美图");
    parse("ＡＢＣ（厦门）科技有限公司", &n);
    assert_string_equal(n.brand, "ABC");
    assert_string_equal(n.trade, "科技");
    char t[64];
    ledger_norm_text("abc　１２３", t, sizeof t);
    assert_string_equal(t, "ABC123");
}

static void test_status_and_former_notes(void **state) {
    (void)state;
    ledger_norm_name n;
    parse("厦门美图网络科技有限公司（已注销）", &n);
    assert_string_equal(n.brand, "美图");
    assert_string_equal(n.status_note, "已注销");
    assert_true(ledger_norm_status(n.status_note) & LEDGER_NORM_ST_CANCELLED);
    parse("厦门美颜信息技术有限公司（原厦门美图网络科技有限公司）", &n);
    assert_string_equal(n.brand, "美颜");
    assert_string_equal(n.trade, "信息技术");
    assert_string_equal(n.former_brand, "美图");
    assert_string_equal(n.former_trade, "网络科技");
    parse("厦门美图网络科技有限公司已吊销", &n);
    assert_string_equal(n.brand, "美图");
    assert_true(ledger_norm_status(n.status_note) & LEDGER_NORM_ST_REVOKED);
}

static void test_branch(void **state) {
    (void)state;
    ledger_norm_name n;
    parse("厦门美图网络科技有限公司思明分公司", &n);
    assert_int_equal(n.is_branch, 1);
    assert_string_equal(n.branch, "思明");
    assert_string_equal(n.brand, "美图");
    parse("厦门美图网络科技有限公司思明区分部", &n);
    assert_int_equal(n.is_branch, 1);
    assert_string_equal(n.branch, "思明");
    parse("厦门美图网络科技有限公司", &n);
    assert_int_equal(n.is_branch, 0);
}

static void test_trades(void **state) {
    (void)state;
    assert_int_equal(ledger_norm_trade_compat("网络科技", "网络科技"), 2);
    assert_int_equal(ledger_norm_trade_compat("网络科技", "网络技术"), 1);
    assert_int_equal(ledger_norm_trade_compat("网络科技", "科技"), 1);
    assert_int_equal(ledger_norm_trade_compat("电子商务", "电商"), 1);
    assert_int_equal(ledger_norm_trade_compat("网络科技", "信息技术"), 0);   /* 美图网络科技 ≠ 美图信息技术 */
    assert_int_equal(ledger_norm_trade_compat("网络游戏", "网络科技"), 0);
    assert_string_equal(ledger_norm_category("网络游戏"), "网游");
    assert_string_equal(ledger_norm_category("互联网金融信息"), "金融");
    assert_string_equal(ledger_norm_category("电子商务"), "电商");
    assert_string_equal(ledger_norm_category("文化传媒"), "新闻");
    assert_string_equal(ledger_norm_category("网络通讯"), "社交");
    assert_string_equal(ledger_norm_category("软件开发"), "数据");
    assert_null(ledger_norm_category("餐饮"));
}

static void test_regions_from_gbt2260(void **state) {
    (void)state;
    assert_true(ledger_norm_is_region("厦门", strlen("厦门")));
    assert_true(ledger_norm_is_region("厦门市", strlen("厦门市")));
    assert_true(ledger_norm_is_region("思明区", strlen("思明区")));
    assert_true(ledger_norm_is_region("福建", strlen("福建")));
    assert_false(ledger_norm_is_region("美图", strlen("美图")));
    ledger_norm_name n;
    parse("深圳市腾讯计算机系统有限公司", &n);     /* any city, not only Xiamen */
    assert_string_equal(n.brand, "腾讯");
}

static void test_address_phone(void **state) {
    (void)state;
    ledger_norm_addr a, b;
    ledger_norm_addr_parse("福建省厦门市思明区滨海街道观日路２４号３０１室", &a);
    ledger_norm_addr_parse("思明区观日路24号", &b);
    assert_string_equal(a.road, "观日路24号");
    assert_string_equal(a.road, b.road);
    ledger_norm_addr_parse("厦门市翔安区金海街道翔安南路956号", &a);
    assert_string_equal(a.road, "翔安南路956号");
    char p[32];
    ledger_norm_phone("0592-5551234", p, sizeof p);
    assert_string_equal(p, "5551234");
    ledger_norm_phone("+86 139 0000 1111", p, sizeof p);
    assert_string_equal(p, "13900001111");
    ledger_norm_phone("12", p, sizeof p);
    assert_string_equal(p, "");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_region_and_brackets), cmocka_unit_test(test_forms),
        cmocka_unit_test(test_width_spaces_traditional), cmocka_unit_test(test_status_and_former_notes),
        cmocka_unit_test(test_branch), cmocka_unit_test(test_trades),
        cmocka_unit_test(test_regions_from_gbt2260), cmocka_unit_test(test_address_phone),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
