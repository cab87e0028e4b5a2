/* Unit tests for bank statements against a dues sheet (src/dues/dues_bank.c):
 * the reader on small statements as banks export them (tests/data/dues_bank:
 * a CSV in UTF-8 with a byte-order mark, title rows and a summary under it; a
 * tab-separated one in GB18030 with one signed amount column and a 借贷标志;
 * an xlsx written here with a date cell, a number cell and a footer), its
 * refusals naming file, row and column, the days, amounts and masks it
 * reads; and the matcher at its edges: a name, a proxy named in the memo, a
 * quarter at once, two members of one name, an amount of no whole number of
 * months, more than owed, nothing owed, two lines of one member. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <xlsxwriter.h>

#include "core/config.h"
#include "dues/dues.h"
#include "dues/dues_bank.h"

#define DIR "tests/data/dues_bank/"

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

static dues_bank_statement *read_ok(const char *file) {
    dues_bank_statement *s = NULL;
    err e = {0};
    st r = dues_bank_read(file, strrchr(file, '/') + 1, &s, &e);
    if (r) fail_msg("%s: %s", file, e.msg);
    return s;
}

static err read_bad(const char *file) {
    dues_bank_statement *s = NULL;
    err e = {0};
    st r = dues_bank_read(file, strrchr(file, '/') + 1, &s, &e);
    assert_int_equal(r, ST_INVALID);
    assert_null(s);
    return e;
}

static void test_csv_utf8_bom(void **state) {
    (void)state;
    dues_bank_statement *s = read_ok(DIR "icbc-utf8-bom.csv");
    assert_string_equal(s->format, "csv");
    assert_string_equal(s->encoding, "UTF-8 BOM");
    assert_int_equal(s->header_row, 5);
    assert_int_equal(s->nlines, 5);
    assert_int_equal(s->skipped, 2);   /* 合计, 打印时间 */
    const dues_bank_line *l = s->lines;
    assert_int_equal(l[0].row, 6);
    assert_string_equal(l[0].day, "2026-11-03");
    assert_int_equal(l[0].fen, 3000);
    assert_true(l[0].payment);
    assert_string_equal(l[0].kind, "credit");
    assert_string_equal(l[0].payer_name, "张三");
    assert_string_equal(l[0].payer_account, "6222***********0123");
    assert_string_equal(l[0].memo, "党费");
    assert_string_equal(l[1].day, "2026-11-04");
    assert_int_equal(l[1].fen, 150000);
    assert_string_equal(l[2].day, "2026-11-05");
    assert_string_equal(l[2].memo, "代李四缴纳党费");
    assert_string_equal(l[2].payer_name, "王五");
    /* a debit and a zero line are kept, as not payments */
    assert_false(l[3].payment);
    assert_string_equal(l[3].kind, "debit");
    assert_int_equal(l[3].fen, -200);
    assert_false(l[4].payment);
    assert_string_equal(l[4].kind, "zero");
    assert_int_equal(l[4].row, 10);
    dues_bank_free(s);
}

static void test_csv_gbk_tab(void **state) {
    (void)state;
    dues_bank_statement *s = read_ok(DIR "ccb-gbk-tab.csv");
    assert_string_equal(s->encoding, "GB18030");
    assert_int_equal(s->nlines, 2);
    assert_string_equal(s->lines[0].day, "2026-11-05");
    assert_int_equal(s->lines[0].fen, 1500);
    assert_true(s->lines[0].payment);
    assert_string_equal(s->lines[0].payer_name, "张三");
    assert_string_equal(s->lines[0].payer_account, "6222");   /* short: the last 4 are all there is */
    assert_string_equal(s->lines[0].memo, "十一月党费");
    assert_false(s->lines[1].payment);   /* -15.00 借 */
    assert_int_equal(s->lines[1].fen, -1500);
    dues_bank_free(s);
}

static void fill_xlsx(lxw_workbook *wb) {
    lxw_worksheet *ws = workbook_add_worksheet(wb, "交易明细");
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    worksheet_write_string(ws, 0, 0, "招商银行交易流水", NULL);
    const char *hdr[] = {"记账日期", "交易金额", "对方户名", "对方账号", "摘要", "用途"};
    for (int c = 0; c < 6; c++) worksheet_write_string(ws, 1, (lxw_col_t)c, hdr[c], NULL);
    lxw_datetime dt = {2026, 11, 8, 0, 0, 0};
    worksheet_write_datetime(ws, 2, 0, &dt, date);
    worksheet_write_number(ws, 2, 1, 90, NULL);
    worksheet_write_string(ws, 2, 2, "李四", NULL);
    worksheet_write_string(ws, 2, 3, "6214 8300 1234 5678", NULL);
    worksheet_write_string(ws, 2, 4, "网银转账", NULL);
    worksheet_write_string(ws, 2, 5, "第四季度党费", NULL);
    worksheet_write_string(ws, 3, 0, "2026-11-09", NULL);
    worksheet_write_number(ws, 3, 1, 30.5, NULL);
    worksheet_write_string(ws, 3, 2, "张 三", NULL);
    worksheet_write_string(ws, 4, 0, "本页小计", NULL);
    worksheet_write_number(ws, 4, 1, 120.5, NULL);
}

static void test_xlsx(void **state) {
    (void)state;
    char path[] = "/tmp/dues_bank_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    assert_non_null(wb);
    fill_xlsx(wb);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    dues_bank_statement *s = NULL;
    err e = {0};
    st r = dues_bank_read(path, "招商银行流水.xlsx", &s, &e);
    unlink(path);
    if (r) fail_msg("%s", e.msg);
    assert_string_equal(s->format, "xlsx");
    assert_int_equal(s->nlines, 2);
    assert_int_equal(s->skipped, 1);
    assert_int_equal(s->lines[0].row, 3);
    assert_string_equal(s->lines[0].day, "2026-11-08");
    assert_int_equal(s->lines[0].fen, 9000);
    assert_string_equal(s->lines[0].payer_account, "6214********5678");
    assert_string_equal(s->lines[0].memo, "网银转账；第四季度党费");
    assert_int_equal(s->lines[1].fen, 3050);
    assert_string_equal(s->lines[1].payer_name, "张 三");
    dues_bank_free(s);
}

static void test_refusals(void **state) {
    (void)state;
    err e = read_bad(DIR "bad-date.csv");
    assert_non_null(strstr(e.msg, "「bad-date.csv」第 3 行“记账日期”列（A 列）的“十一月三日”不是日期"));
    assert_string_equal(e.where, "第 3 行 A 列");
    e = read_bad(DIR "bad-amount.csv");
    assert_non_null(strstr(e.msg, "「bad-amount.csv」第 2 行“收入金额”列（B 列）的“30.005”不是金额"));
    e = read_bad(DIR "no-payer.csv");
    assert_non_null(strstr(e.msg, "「no-payer.csv」的表头（第 1 行）里没有找到付款人列"));
    dues_bank_statement *s = NULL;
    assert_int_equal(dues_bank_read_mem("空.csv", "", 0, &s, &e), ST_INVALID);
    assert_non_null(strstr(e.msg, "「空.csv」是空文件"));
    const char *no_amount = "交易日期,对方户名\n2026-11-01,张三\n";
    assert_int_equal(dues_bank_read_mem("x.csv", no_amount, strlen(no_amount), &s, &e), ST_INVALID);
    assert_non_null(strstr(e.msg, "没有找到收入金额列"));
    const char *no_day = "对方户名,贷方金额\n张三,30\n";
    assert_int_equal(dues_bank_read_mem("x.csv", no_day, strlen(no_day), &s, &e), ST_INVALID);
    assert_non_null(strstr(e.msg, "没有找到交易日期列"));
}

static void test_days_amounts_masks(void **state) {
    (void)state;
    char d[11];
    const char *good[][2] = {{"2026-11-05", "2026-11-05"}, {"2026/11/05", "2026-11-05"}, {"20261105", "2026-11-05"},
                             {" 2026.11.5 ", "2026-11-05"}, {"2026-11-05 23:59:59", "2026-11-05"},
                             {"2026-11-05T08:00", "2026-11-05"}, {"2026年11月5日", "2026-11-05"}};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        assert_true(dues_bank_day(good[i][0], strlen(good[i][0]), d));
        assert_string_equal(d, good[i][1]);
    }
    const char *bad[] = {"", "2026-02-30", "2026-13-01", "46000", "abc", "2026-11", "十一月"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) assert_false(dues_bank_day(bad[i], strlen(bad[i]), d));
    int64_t fen;
    bool neg;
    err e;
    assert_int_equal(dues_bank_amount("1,500.00", 8, &fen, &neg, &e), ST_OK);
    assert_int_equal(fen, 150000);
    assert_false(neg);
    assert_int_equal(dues_bank_amount("-30.5", 5, &fen, &neg, &e), ST_OK);
    assert_int_equal(fen, 3050);
    assert_true(neg);
    assert_int_equal(dues_bank_amount("+30", 3, &fen, &neg, &e), ST_OK);
    assert_false(neg);
    const char *yen = "￥30.00元";
    assert_int_equal(dues_bank_amount(yen, strlen(yen), &fen, &neg, &e), ST_OK);
    assert_int_equal(fen, 3000);
    assert_int_equal(dues_bank_amount("(2.00)", 6, &fen, &neg, &e), ST_OK);
    assert_true(neg);
    assert_int_equal(fen, 200);
    assert_int_equal(dues_bank_amount("30.001", 6, &fen, &neg, &e), ST_INVALID);
    assert_int_equal(dues_bank_amount("三十", 6, &fen, &neg, &e), ST_INVALID);
    char m[64];
    dues_bank_mask_account("6222021234567890123", m, sizeof m);
    assert_string_equal(m, "6222***********0123");
    dues_bank_mask_account("12345678", m, sizeof m);
    assert_string_equal(m, "****5678");
    dues_bank_mask_account("", m, sizeof m);
    assert_string_equal(m, "");
}

/* ---- the matcher ----------------------------------------------------- */

static dues_bank_owed OW_ZS[] = {{"2026-09", 3000}, {"2026-10", 3000}, {"2026-11", 3000}};
static dues_bank_owed OW_LS[] = {{"2026-11", 1500}};
static dues_bank_owed OW_W1[] = {{"2026-11", 500}};
static dues_bank_owed OW_W2[] = {{"2026-11", 500}};
static dues_bank_owed OW_GAP[] = {{"2026-08", 1000}, {"2026-11", 1000}};
static dues_bank_owed OW_CHG[] = {{"2026-10", 2000}, {"2026-11", 3000}};

static void members(dues_bank_member m[7]) {
    dues_bank_member init[7] = {
        {1, "张三", 3, OW_ZS, 0},   {2, "李四", 1, OW_LS, 0},  {3, "王芳", 1, OW_W1, 0}, {4, "王 芳", 1, OW_W2, 0},
        {5, "陈静", 2, OW_GAP, 0}, {6, "赵明", 2, OW_CHG, 0}, {7, "孙丽", 0, NULL, 0},
    };
    memcpy(m, init, sizeof init);
}

static dues_bank_line line(int64_t fen, const char *payer, const char *memo) {
    dues_bank_line l = {.row = 2, .fen = fen, .payment = fen > 0, .kind = fen > 0 ? "credit" : "debit",
                        .payer_name = payer, .payer_account = "", .memo = memo};
    strcpy(l.day, "2026-11-05");
    return l;
}

static void test_match(void **state) {
    (void)state;
    dues_bank_member m[7];
    members(m);
    dues_bank_line l[] = {
        line(3000, "张三", "党费"),              /* 0: one month, the oldest owed */
        line(6000, "张三", ""),                  /* 1: the two months after it */
        line(1500, "王五", "代李四缴纳党费"),    /* 2: a proxy named in the memo */
        line(500, "王芳", ""),                   /* 3: two members of one name */
        line(4500, "赵明", ""),                  /* 4: no whole number of months */
        line(2000, "陈静", ""),                  /* 5: months not in a row */
        line(5000, "赵明", ""),                  /* 6: two months of different dues */
        line(100, "孙丽", ""),                   /* 7: owes nothing */
        line(-200, "", "手续费"),                /* 8: a debit */
        line(3000, "厦门乙公司", "货款"),        /* 9: nobody */
        line(3000, "", "张三 李四 党费"),        /* 10: two members in one memo */
        line(3000, "张三", ""),                  /* 11: 张三 owes nothing more */
    };
    int n = sizeof l / sizeof *l;
    dues_bank_match o[12];
    arena a;
    arena_init(&a, 1 << 20);
    dues_bank_match_lines(l, n, m, 7, &a, o);
    assert_int_equal(o[0].person_id, 1);
    assert_string_equal(o[0].first, "2026-09");
    assert_string_equal(o[0].last, "2026-09");
    assert_int_equal(o[0].months, 1);
    assert_false(o[0].proxy);
    assert_int_equal(o[1].person_id, 1);
    assert_string_equal(o[1].first, "2026-10");
    assert_string_equal(o[1].last, "2026-11");
    assert_int_equal(o[1].months, 2);
    assert_string_equal(o[1].reason, "张三 缴纳 2026-10 至 2026-11 共 2 个月党费。");
    assert_int_equal(o[2].person_id, 2);
    assert_true(o[2].proxy);
    assert_string_equal(o[2].proxy_name, "王五");
    assert_string_equal(o[2].reason, "王五 代 李四 缴纳 2026-11 党费。");
    assert_int_equal(o[3].person_id, 0);
    assert_non_null(strstr(o[3].reason, "本支部有 2 名党员叫王芳"));
    assert_int_equal(o[4].person_id, 0);
    assert_non_null(strstr(o[4].reason, "45.00 元不是 赵明 所欠党费的整月数（共欠 2 个月 50.00 元，最早的 2026-10 为 20.00 元）"));
    assert_int_equal(o[5].person_id, 0);
    assert_non_null(strstr(o[5].reason, "陈静 所欠的月份不相连（2026-08 之后欠的是 2026-11）"));
    assert_int_equal(o[6].person_id, 6);
    assert_int_equal(o[6].months, 2);
    assert_int_equal(o[7].person_id, 0);
    assert_non_null(strstr(o[7].reason, "孙丽 本月及以前没有欠交的党费"));
    assert_int_equal(o[8].person_id, 0);
    assert_string_equal(o[8].reason, "支出（借方），不是缴费。");
    assert_int_equal(o[9].person_id, 0);
    assert_non_null(strstr(o[9].reason, "付款人“厦门乙公司”不是本支部党员"));
    assert_int_equal(o[10].person_id, 0);
    assert_non_null(strstr(o[10].reason, "不止一名党员"));
    assert_int_equal(o[11].person_id, 0);
    assert_non_null(strstr(o[11].reason, "没有欠交"));
    arena_free(&a);
}

static void test_match_edges(void **state) {
    (void)state;
    dues_bank_member m[7];
    members(m);
    dues_bank_line l[] = {
        line(9000, "张三", "第四季度"),          /* a quarter at once */
        line(3000, "李四", ""),                  /* twice what is owed: more than owed */
        line(1500, "李四", "李四党费"),          /* the payer's own name in the memo is no proxy */
        line(500, "王五", "王芳党费"),           /* a memo's name shared by two members */
    };
    dues_bank_match o[4];
    arena a;
    arena_init(&a, 1 << 20);
    dues_bank_match_lines(l, 4, m, 7, &a, o);
    assert_int_equal(o[0].person_id, 1);
    assert_int_equal(o[0].months, 3);
    assert_string_equal(o[0].first, "2026-09");
    assert_string_equal(o[0].last, "2026-11");
    assert_int_equal(o[1].person_id, 0);
    assert_non_null(strstr(o[1].reason, "多于 李四 所欠的 1 个月党费"));
    assert_int_equal(o[2].person_id, 2);
    assert_false(o[2].proxy);
    assert_int_equal(o[3].person_id, 0);
    assert_non_null(strstr(o[3].reason, "本支部有 2 名党员叫王芳"));
    /* a name inside a longer one: 张三丰 is not 张三 */
    dues_bank_owed ow1[] = {{"2026-11", 100}}, ow2[] = {{"2026-11", 200}};
    dues_bank_member m2[] = {{1, "张三", 1, ow1, 0}, {2, "张三丰", 1, ow2, 0}};
    dues_bank_line l2[] = {line(200, "李某", "代张三丰交")};
    dues_bank_match o2[1];
    dues_bank_match_lines(l2, 1, m2, 2, &a, o2);
    assert_int_equal(o2[0].person_id, 2);
    assert_true(o2[0].proxy);
    arena_free(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_utf8_bom), cmocka_unit_test(test_csv_gbk_tab), cmocka_unit_test(test_xlsx),
        cmocka_unit_test(test_refusals),     cmocka_unit_test(test_days_amounts_masks), cmocka_unit_test(test_match),
        cmocka_unit_test(test_match_edges),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
