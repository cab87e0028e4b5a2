/* Unit tests for the pure rules of party dues (src/dues/dues.c) at their
 * edges: every bracket bound on both sides (upper bounds inclusive), the
 * retirees' brackets, the flat amounts, a zero, negative or overflow-sized
 * base, changed settings (another bracket bound and rate, the farmers' amount
 * and range, bad values refused naming the setting), the rounding modes, and
 * the parser of an amount in 元 (separators, decimals, what it refuses and
 * where it says the fault is). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/config.h"
#include "dues/dues.h"

static int setup(void **state) {
    (void)state;
    err e;
    int argc = 1;
    char *argv[] = {"test", NULL};
    cfg_load(&argc, argv, &e);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    cfg_free();
    return 0;
}

/* each test starts from the defaults */
static int reset(void **state) {
    teardown(state);
    return setup(state);
}

static int64_t parse_ok(const char *s) {
    int64_t v = -1;
    err e;
    err_clear(&e);
    st rc = dues_amount_parse(s, strlen(s), &v, &e);
    if (rc) fail_msg("“%s” refused: %s", s, e.msg);
    return v;
}

/* the monthly amount in fen of a base written in 元 */
static int64_t calc(dues_kind kind, const char *base) {
    dues_rules r;
    err e;
    err_clear(&e);
    if (dues_rules_load(&r, &e)) fail_msg("rules: %s", e.msg);
    dues_amount a;
    if (dues_calc(&r, kind, parse_ok(base), &a, &e)) fail_msg("calc %s: %s", base, e.msg);
    return a.fen;
}

static void test_employee_brackets(void **state) {
    (void)state;
    assert_int_equal(calc(DUES_EMPLOYEE, "3000"), 1500);          /* 15.00 */
    assert_int_equal(calc(DUES_EMPLOYEE, "3000.01"), 3000);       /* 30.00 */
    assert_int_equal(calc(DUES_EMPLOYEE, "5000"), 5000);          /* 50.00 */
    assert_int_equal(calc(DUES_EMPLOYEE, "5000.01"), 7500);       /* 75.00 */
    assert_int_equal(calc(DUES_EMPLOYEE, "10000"), 15000);        /* 150.00 */
    assert_int_equal(calc(DUES_EMPLOYEE, "10000.01"), 20000);     /* 200.00 */
    assert_int_equal(calc(DUES_EMPLOYEE, "0.01"), 0);             /* 0.005 分 rounds to nothing */
    assert_int_equal(calc(DUES_EMPLOYEE, "2999.99"), 1500);       /* 14.99995 → 15.00 */
    assert_int_equal(calc(DUES_EMPLOYEE, "1000000"), 2000000);    /* 20,000.00 */
    /* the rate reported is the bracket's */
    dues_rules r;
    dues_amount a;
    err e;
    assert_int_equal(dues_rules_load(&r, &e), ST_OK);
    assert_int_equal(dues_calc(&r, DUES_EMPLOYEE, 300000, &a, &e), ST_OK);
    assert_int_equal(a.bp, 50);
    assert_false(a.flat);
    assert_int_equal(dues_calc(&r, DUES_EMPLOYEE, 300001, &a, &e), ST_OK);
    assert_int_equal(a.bp, 100);
    assert_int_equal(dues_calc(&r, DUES_EMPLOYEE, 1000001, &a, &e), ST_OK);
    assert_int_equal(a.bp, 200);
}

static void test_retiree_brackets(void **state) {
    (void)state;
    assert_int_equal(calc(DUES_RETIREE, "5000"), 2500);      /* 25.00 */
    assert_int_equal(calc(DUES_RETIREE, "5000.01"), 5000);   /* 50.00 */
    assert_int_equal(calc(DUES_RETIREE, "3000.01"), 1500);   /* retirees have no 3000 bound */
    assert_int_equal(calc(DUES_RETIREE, "20000"), 20000);    /* 1% above 5000, however high */
}

static void test_flat(void **state) {
    (void)state;
    assert_int_equal(calc(DUES_STUDENT, "0"), 20);
    assert_int_equal(calc(DUES_UNEMPLOYED, "0"), 20);
    assert_int_equal(calc(DUES_RELIEF, "0"), 20);
    assert_int_equal(calc(DUES_FARMER, "0"), 20);
    assert_int_equal(calc(DUES_STUDENT, "8000"), 20);   /* the base does not matter */
    dues_rules r;
    dues_amount a;
    err e;
    assert_int_equal(dues_rules_load(&r, &e), ST_OK);
    assert_int_equal(dues_calc(&r, DUES_STUDENT, 0, &a, &e), ST_OK);
    assert_true(a.flat);
    assert_int_equal(a.bp, 0);
    /* the farmers' amount anywhere in its range, the ends included */
    assert_int_equal(cfg_set("dues-flat-farmer", "1", &e), ST_OK);
    assert_int_equal(calc(DUES_FARMER, "0"), 100);
    assert_int_equal(cfg_set("dues-flat-farmer", "0.5", &e), ST_OK);
    assert_int_equal(calc(DUES_FARMER, "0"), 50);
}

static void test_bad_bases(void **state) {
    (void)state;
    dues_rules r;
    dues_amount a;
    err e;
    assert_int_equal(dues_rules_load(&r, &e), ST_OK);
    /* zero: an employee or retiree without income pays a flat amount instead */
    err_clear(&e);
    assert_int_equal(dues_calc(&r, DUES_EMPLOYEE, 0, &a, &e), ST_INVALID);
    assert_string_equal(e.field, "base");
    assert_non_null(strstr(e.msg, "unemployed"));
    assert_int_equal(dues_calc(&r, DUES_RETIREE, 0, &a, &e), ST_INVALID);
    /* negative: refused for every kind */
    for (int k = 0; k < DUES_KINDS; k++) {
        err_clear(&e);
        assert_int_equal(dues_calc(&r, (dues_kind)k, -1, &a, &e), ST_INVALID);
        assert_non_null(strstr(e.msg, "负数"));
        assert_int_equal(dues_calc(&r, (dues_kind)k, INT64_MIN, &a, &e), ST_INVALID);
    }
    /* overflow-sized: the largest base is computed exactly, one fen more is refused */
    assert_int_equal(dues_calc(&r, DUES_EMPLOYEE, DUES_FEN_MAX, &a, &e), ST_OK);
    assert_int_equal(a.fen, DUES_FEN_MAX / 50);
    assert_int_equal(dues_calc(&r, DUES_EMPLOYEE, DUES_FEN_MAX + 1, &a, &e), ST_INVALID);
    assert_non_null(strstr(e.msg, "过大"));
    assert_int_equal(dues_calc(&r, DUES_RETIREE, INT64_MAX, &a, &e), ST_INVALID);
    assert_int_equal(dues_calc(&r, DUES_EMPLOYEE, INT64_MAX, &a, &e), ST_INVALID);
    /* an unknown kind */
    assert_int_equal(dues_calc(&r, DUES_KINDS, 100, &a, &e), ST_INVALID);
}

static void test_settings_changed(void **state) {
    (void)state;
    err e;
    /* a local rule: the first bracket up to 3500 元 at 0.6% */
    assert_int_equal(cfg_set("dues-employee-max-1", "3500", &e), ST_OK);
    assert_int_equal(cfg_set("dues-employee-rate-1", "60", &e), ST_OK);
    assert_int_equal(calc(DUES_EMPLOYEE, "3000.01"), 1800);   /* 18.00006 → 18.00 */
    assert_int_equal(calc(DUES_EMPLOYEE, "3500"), 2100);      /* 21.00, the bound inclusive */
    assert_int_equal(calc(DUES_EMPLOYEE, "3500.01"), 3500);   /* 35.0001 → 35.00 at 1% */
    /* the retirees' bound moved */
    assert_int_equal(cfg_set("dues-retiree-max-1", "6,000.50", &e), ST_OK);
    assert_int_equal(calc(DUES_RETIREE, "6000.50"), 3000);    /* 30.0025 → 30.00 */
    assert_int_equal(calc(DUES_RETIREE, "6000.51"), 6001);    /* 60.0051 → 60.01 */
    /* a flat amount changed */
    assert_int_equal(cfg_set("dues-flat-student", "0.30", &e), ST_OK);
    assert_int_equal(calc(DUES_STUDENT, "0"), 30);
}

/* a bad setting: refused with its name as the field and in the message */
static void bad_setting(const char *name, const char *value, const char *says) {
    err e;
    err_clear(&e);
    assert_int_equal(cfg_set(name, value, &e), ST_OK);
    dues_rules r;
    err_clear(&e);
    assert_int_equal(dues_rules_load(&r, &e), ST_INVALID);
    if (!strstr(e.msg, says)) fail_msg("%s = %s: “%s” does not say “%s”", name, value, e.msg, says);
    reset(NULL);
}

static void test_settings_refused(void **state) {
    (void)state;
    bad_setting("dues-employee-max-1", "abc", "dues-employee-max-1");
    bad_setting("dues-employee-max-1", "3000.001", "最多两位小数");
    bad_setting("dues-employee-max-2", "3000", "逐档增大");      /* equal to the first: not increasing */
    bad_setting("dues-employee-max-3", "4000", "dues-employee-max-3");
    bad_setting("dues-employee-rate-2", "5e1", "不是费率");    /* the setting's integer check takes 5e1 as 50; not here */
    bad_setting("dues-retiree-rate-1", "50.0", "不是费率");
    bad_setting("dues-flat-unemployed", "", "没有填写");
    bad_setting("dues-flat-relief", "-0.2", "负数");
    bad_setting("dues-flat-farmer", "1.01", "0.20–1.00");
    bad_setting("dues-flat-farmer", "0.19", "dues-flat-farmer");
    bad_setting("dues-farmer-min", "2", "dues-farmer-max");
    bad_setting("dues-rounding", "banker", "dues-rounding");
    /* the settings' own check still refuses a rate outside 0–10000 */
    err e;
    assert_int_equal(cfg_set("dues-employee-rate-4", "10001", &e), ST_INVALID);
    assert_int_equal(cfg_set("dues-employee-rate-2", "1.5", &e), ST_INVALID);
    assert_int_equal(cfg_set("dues-employee-rate-2", "-1", &e), ST_INVALID);
    /* and the field names the setting */
    assert_int_equal(cfg_set("dues-employee-max-2", "1", &e), ST_OK);
    dues_rules r;
    assert_int_equal(dues_rules_load(&r, &e), ST_INVALID);
    assert_string_equal(e.field, "dues-employee-max-2");
}

static void test_rounding(void **state) {
    (void)state;
    err e;
    /* 3333.33 × 0.5% = 16.66665 (a retiree's first bracket; an employee's is 1%: 33.3333) */
    assert_int_equal(calc(DUES_RETIREE, "3333.33"), 1667);    /* half-up, the default */
    assert_int_equal(calc(DUES_EMPLOYEE, "3333.33"), 3333);
    assert_int_equal(calc(DUES_EMPLOYEE, "2333.33"), 1167);   /* 11.66665 */
    assert_int_equal(calc(DUES_EMPLOYEE, "2999.99"), 1500);   /* 14.99995 */
    assert_int_equal(cfg_set("dues-rounding", "down", &e), ST_OK);
    assert_int_equal(calc(DUES_RETIREE, "3333.33"), 1666);
    assert_int_equal(calc(DUES_EMPLOYEE, "2333.33"), 1166);
    assert_int_equal(calc(DUES_EMPLOYEE, "2999.99"), 1499);
    assert_int_equal(cfg_set("dues-rounding", "up", &e), ST_OK);
    assert_int_equal(calc(DUES_RETIREE, "3333.33"), 1667);
    assert_int_equal(calc(DUES_EMPLOYEE, "3333.33"), 3334);   /* 33.3333 up */
    assert_int_equal(calc(DUES_EMPLOYEE, "0.01"), 1);
    assert_int_equal(calc(DUES_EMPLOYEE, "3000"), 1500);      /* exact: nothing to round */
    /* a tie, exactly half a fen: 1.00 × 0.5% = 0.5 分, 3.00 × 0.5% = 1.5 分 */
    assert_int_equal(dues_apply_rate(100, 50, DUES_ROUND_HALF_UP), 1);
    assert_int_equal(dues_apply_rate(100, 50, DUES_ROUND_HALF_EVEN), 0);
    assert_int_equal(dues_apply_rate(300, 50, DUES_ROUND_HALF_EVEN), 2);
    assert_int_equal(dues_apply_rate(300, 50, DUES_ROUND_DOWN), 1);
    assert_int_equal(dues_apply_rate(300, 50, DUES_ROUND_UP), 2);
    assert_int_equal(dues_apply_rate(300, 50, DUES_ROUND_HALF_UP), 2);
    /* just under and over half */
    assert_int_equal(dues_apply_rate(99, 50, DUES_ROUND_HALF_UP), 0);      /* 0.495 */
    assert_int_equal(dues_apply_rate(101, 50, DUES_ROUND_HALF_EVEN), 1);   /* 0.505 */
    assert_int_equal(cfg_set("dues-rounding", "half-even", &e), ST_OK);
    assert_int_equal(calc(DUES_EMPLOYEE, "1"), 0);
    assert_int_equal(calc(DUES_EMPLOYEE, "3"), 2);
    assert_int_equal(calc(DUES_RETIREE, "3333.33"), 1667);   /* 1666.665 分: more than half */
    assert_int_equal(calc(DUES_EMPLOYEE, "3333.33"), 3333);
    assert_int_equal(dues_apply_rate(333333, 50, DUES_ROUND_HALF_EVEN), 1667);
    /* the largest base and rate stay inside int64 */
    assert_int_equal(dues_apply_rate(DUES_FEN_MAX, 10000, DUES_ROUND_UP), DUES_FEN_MAX);
    assert_int_equal(dues_apply_rate(0, 200, DUES_ROUND_UP), 0);
    assert_int_equal(dues_apply_rate(100, 0, DUES_ROUND_UP), 0);
}

static void test_parse_accepts(void **state) {
    (void)state;
    assert_int_equal(parse_ok("3000"), 300000);
    assert_int_equal(parse_ok("3000.01"), 300001);
    assert_int_equal(parse_ok("3000.1"), 300010);
    assert_int_equal(parse_ok("3000.10"), 300010);
    assert_int_equal(parse_ok("3,000.50"), 300050);
    assert_int_equal(parse_ok("1,234,567.89"), 123456789);
    assert_int_equal(parse_ok("999"), 99900);
    assert_int_equal(parse_ok("0"), 0);
    assert_int_equal(parse_ok("0.2"), 20);
    assert_int_equal(parse_ok("0.01"), 1);
    assert_int_equal(parse_ok("007"), 700);
    assert_int_equal(parse_ok("  3000 \t"), 300000);   /* white space around */
    assert_int_equal(parse_ok("1000000000000"), DUES_FEN_MAX);
    assert_int_equal(parse_ok("1,000,000,000,000.00"), DUES_FEN_MAX);
    /* a length, not a NUL, ends it */
    int64_t v = 0;
    assert_int_equal(dues_amount_parse("30009", 4, &v, NULL), ST_OK);
    assert_int_equal(v, 300000);
}

/* refused, with a message saying why and where (when given) */
static void parse_bad(const char *s, const char *says, const char *where) {
    int64_t v = 42;
    err e;
    err_clear(&e);
    assert_int_equal(dues_amount_parse(s, strlen(s), &v, &e), ST_INVALID);
    assert_int_equal(v, 0);
    if (!strstr(e.msg, says)) fail_msg("“%s”: “%s” does not say “%s”", s, e.msg, says);
    if (!strstr(e.msg, "请写")) fail_msg("“%s”: “%s” does not say what to write", s, e.msg);
    if (where && strcmp(e.where, where)) fail_msg("“%s”: where “%s”, not “%s”", s, e.where, where);
}

static void test_parse_refuses(void **state) {
    (void)state;
    parse_bad("", "没有填写", "");
    parse_bad("   ", "没有填写", "");
    parse_bad("abc", "应是数字", "第 1 个字符“a”");
    parse_bad("-5", "负数", "第 1 个字符“-”");
    parse_bad("-0", "负数", NULL);
    parse_bad("+5", "正号", NULL);
    parse_bad("3000元", "不要带单位", "第 5 个字符“元”");
    parse_bad("３０００", "半角", "第 1 个字符“３”");
    parse_bad("3000，00", "半角", "第 5 个字符“，”");
    parse_bad("3e3", "科学计数法", "第 2 个字符“e”");
    parse_bad("3 000", "空格", "第 2 个字符“ ”");
    parse_bad("3000.001", "最多两位小数", "第 8 个字符“1”");
    parse_bad("3000.", "小数点后", "第 5 个字符“.”");
    parse_bad(".5", "整数部分", NULL);
    parse_bad("1.2.3", "一个小数点", "第 4 个字符“.”");
    parse_bad("1.2,3", "小数部分", NULL);
    parse_bad("3,00", "千位分隔符", "第 2 个字符“,”");
    parse_bad("30,00", "千位分隔符", NULL);
    parse_bad("3,0000", "千位分隔符", NULL);
    parse_bad("3000,000", "千位分隔符", NULL);
    parse_bad(",300", "千位分隔符", NULL);
    parse_bad("3,,000", "千位分隔符", NULL);
    parse_bad("3,000,", "千位分隔符", NULL);
    parse_bad("NaN", "应是数字", NULL);
    parse_bad("inf", "应是数字", NULL);
    parse_bad("0x10", "应是数字", "第 2 个字符“x”");
    parse_bad("1000000000000.01", "过大", NULL);
    parse_bad("99999999999999999999999999", "过大", NULL);
    /* bytes that are not text: no quote of them, the byte named */
    int64_t v;
    err e;
    err_clear(&e);
    assert_int_equal(dues_amount_parse("12\0003", 4, &v, &e), ST_INVALID);
    assert_null(strstr(e.msg, "“"));
    assert_string_equal(e.where, "第 3 个字符（字节 0x00）");
    assert_int_equal(dues_amount_parse("1\xff", 2, &v, &e), ST_INVALID);
    assert_string_equal(e.where, "第 2 个字符（字节 0xFF）");
    assert_int_equal(dues_amount_parse(NULL, 5, &v, &e), ST_INVALID);
    assert_int_equal(dues_amount_parse("x", 1, NULL, NULL), ST_INVALID);
}

static void test_format_and_names(void **state) {
    (void)state;
    char b[32], r[16];
    dues_fen_format(300000, b);
    assert_string_equal(b, "3000.00");
    dues_fen_format(5, b);
    assert_string_equal(b, "0.05");
    dues_fen_format(-50, b);
    assert_string_equal(b, "-0.50");
    dues_fen_format(INT64_MIN, b);
    assert_string_equal(b, "-92233720368547758.08");
    dues_bp_format(50, r);
    assert_string_equal(r, "0.5%");
    dues_bp_format(150, r);
    assert_string_equal(r, "1.5%");
    dues_bp_format(200, r);
    assert_string_equal(r, "2%");
    dues_bp_format(5, r);
    assert_string_equal(r, "0.05%");
    dues_bp_format(10000, r);
    assert_string_equal(r, "100%");
    assert_int_equal(dues_kind_parse("employee"), DUES_EMPLOYEE);
    assert_int_equal(dues_kind_parse("relief"), DUES_RELIEF);
    assert_int_equal(dues_kind_parse("低保"), DUES_RELIEF);
    assert_int_equal(dues_kind_parse("离退休"), DUES_RETIREE);
    assert_int_equal(dues_kind_parse("Employee"), -1);
    assert_int_equal(dues_kind_parse(""), -1);
    assert_int_equal(dues_kind_parse(NULL), -1);
    assert_string_equal(dues_kind_code(DUES_FARMER), "farmer");
    assert_true(dues_kind_rated(DUES_RETIREE));
    assert_false(dues_kind_rated(DUES_FARMER));
    assert_int_equal(dues_round_parse("half-up"), DUES_ROUND_HALF_UP);
    assert_int_equal(dues_round_parse("HALF-UP"), -1);
}

/* the words of the calculator: the CLI's line, the rule applied and the brackets */
static void test_words(void **state) {
    (void)state;
    dues_rules r;
    err e;
    err_clear(&e);
    assert_int_equal(dues_rules_load(&r, &e), ST_OK);
    char w[256], br[128], y[32];
    dues_amount a;
    struct {
        dues_kind kind;
        const char *base, *words, *rule;
        int bracket;
    } cases[] = {
        {DUES_EMPLOYEE, "3000", "月交党费 15.00 元（月工资基数 3000.00 元 × 0.5%）", "月工资基数 3000.00 元，适用 3000 元（含）以下 0.5%", 0},
        {DUES_EMPLOYEE, "3000.01", "月交党费 30.00 元（月工资基数 3000.01 元 × 1%）", "月工资基数 3000.01 元，适用 3000 元以上至 5000 元（含）1%", 1},
        {DUES_EMPLOYEE, "10000", "月交党费 150.00 元（月工资基数 10000.00 元 × 1.5%）",
         "月工资基数 10000.00 元，适用 5000 元以上至 10000 元（含）1.5%", 2},
        {DUES_EMPLOYEE, "10000.01", "月交党费 200.00 元（月工资基数 10000.01 元 × 2%）", "月工资基数 10000.01 元，适用 10000 元以上 2%", 3},
        {DUES_RETIREE, "5000", "月交党费 25.00 元（离退休党员，月离退休费 5000.00 元 × 0.5%）", "月离退休费 5000.00 元，适用 5000 元（含）以下 0.5%", 0},
        {DUES_RETIREE, "5000.01", "月交党费 50.00 元（离退休党员，月离退休费 5000.01 元 × 1%）", "月离退休费 5000.01 元，适用 5000 元以上 1%", 1},
        {DUES_STUDENT, "0", "月交党费 0.20 元（学生党员，每月定额）", "学生党员每月定额 0.20 元", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int64_t base = parse_ok(cases[i].base);
        assert_int_equal(dues_calc(&r, cases[i].kind, base, &a, &e), ST_OK);
        assert_int_equal(a.bracket, cases[i].bracket);
        dues_words(cases[i].kind, base, &a, w);
        assert_string_equal(w, cases[i].words);
        dues_rule_words(&r, cases[i].kind, base, &a, w);
        assert_string_equal(w, cases[i].rule);
    }
    assert_int_equal(dues_brackets(DUES_EMPLOYEE), 4);
    assert_int_equal(dues_brackets(DUES_RETIREE), 2);
    assert_int_equal(dues_brackets(DUES_FARMER), 0);
    int64_t lo, hi;
    int bp;
    dues_bracket(&r, DUES_EMPLOYEE, 3, &lo, &hi, &bp);
    assert_true(lo == 1000000 && hi == -1 && bp == 200);
    dues_bracket(&r, DUES_EMPLOYEE, 0, &lo, &hi, &bp);
    assert_true(lo == 0 && hi == 300000 && bp == 50);
    dues_bracket_words(&r, DUES_RETIREE, 1, br);
    assert_string_equal(br, "5000 元以上");
    dues_yuan_format(300050, y);
    assert_string_equal(y, "3000.50");
    dues_yuan_format(0, y);
    assert_string_equal(y, "0");
    assert_string_equal(dues_round_code(DUES_ROUND_HALF_EVEN), "half-even");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_employee_brackets, reset), cmocka_unit_test_setup(test_retiree_brackets, reset),
        cmocka_unit_test_setup(test_flat, reset),              cmocka_unit_test_setup(test_bad_bases, reset),
        cmocka_unit_test_setup(test_settings_changed, reset),  cmocka_unit_test_setup(test_settings_refused, reset),
        cmocka_unit_test_setup(test_rounding, reset),          cmocka_unit_test_setup(test_parse_accepts, reset),
        cmocka_unit_test_setup(test_parse_refuses, reset),     cmocka_unit_test(test_format_and_names),
        cmocka_unit_test_setup(test_words, reset),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
