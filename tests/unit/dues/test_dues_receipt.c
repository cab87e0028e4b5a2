/* Unit tests for the receipt of a dues payment (src/dues/dues_receipt.c): the
 * amount in Chinese capitals (大写) at its edges — 角 and 分 alone, whole 元
 * with 整, zeros inside and between the groups of four digits (万, 亿) — and
 * the PDF rendered from a payment (read back with pdftotext when present). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "dues/dues.h"
#include "dues/dues_receipt.h"
#include "bulletin/bulletin.h"

static void caps_is(int64_t fen, const char *want) {
    char out[128];
    dues_fen_capitals(fen, out, sizeof out);
    if (strcmp(out, want)) fail_msg("%lld fen: got %s, want %s", (long long)fen, out, want);
}

static void test_capitals(void **state) {
    (void)state;
    caps_is(0, "零元整");
    caps_is(1, "壹分");
    caps_is(5, "伍分");
    caps_is(20, "贰角");
    caps_is(25, "贰角伍分");
    caps_is(100, "壹元整");
    caps_is(105, "壹元零伍分");
    caps_is(150, "壹元伍角");
    caps_is(1500, "壹拾伍元整");
    caps_is(3000, "叁拾元整");
    caps_is(2500, "贰拾伍元整");
    caps_is(10000, "壹佰元整");
    caps_is(10050, "壹佰元伍角");
    caps_is(100005, "壹仟元零伍分");
    caps_is(100500, "壹仟零伍元整");
    caps_is(101000, "壹仟零壹拾元整");
    caps_is(123456, "壹仟贰佰叁拾肆元伍角陆分");
    caps_is(1000000, "壹万元整");
    caps_is(10000500, "壹拾万零伍元整");
    caps_is(100001000, "壹佰万零壹拾元整");
    caps_is(1000000000, "壹仟万元整");
    caps_is(INT64_C(10000000000), "壹亿元整");
    caps_is(INT64_C(10001000000), "壹亿零壹万元整");
    caps_is(INT64_C(10000100000), "壹亿零壹仟元整");
    caps_is(INT64_C(12345678900), "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元整");
    caps_is(DUES_FEN_MAX, "壹万亿元整");
    caps_is(DUES_FEN_MAX - 1, "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分");
    caps_is(-1, "");
    caps_is(DUES_FEN_MAX + 1, "");
    /* a short buffer is never overrun */
    char small[8];
    dues_fen_capitals(1500, small, sizeof small);
    assert_true(strlen(small) < sizeof small);
}

static void test_pdf(void **state) {
    (void)state;
    char path[] = "/tmp/ejia-receipt-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    json_t *pay = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:b,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s}", "receipt_no", "2026-000007",
                            "name", "林晓", "org_name", "软件园二期第一党支部", "first_month", "2026-01", "last_month",
                            "2026-03", "months", (json_int_t)3, "dues_fen", (json_int_t)4500, "voluntary_fen",
                            (json_int_t)100000, "central", 1, "kind", "back", "way_label", "支部党费收缴员收取", "payer",
                            "proxy", "proxy_name", "林父", "paid_on", "2026-03-15", "recorded_by", "收缴员甲", "voided_at",
                            (json_int_t)1767225600, "void_reason", "金额录错");
    err e = {0};
    assert_int_equal(dues_receipt_pdf(pay, "党费收据", path, &e), ST_OK);
    json_decref(pay);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char head[5] = {0};
    assert_int_equal(fread(head, 1, 4, f), 4);
    fclose(f);
    assert_string_equal(head, "%PDF");
    if (access("/usr/bin/pdftotext", X_OK) == 0) {
        char cmd[256], text[8192] = {0};
        snprintf(cmd, sizeof cmd, "pdftotext -layout %s -", path);
        FILE *pp = popen(cmd, "r");
        assert_non_null(pp);
        size_t n = fread(text, 1, sizeof text - 1, pp);
        text[n] = '\0';
        pclose(pp);
        static const char *const want[] = {"2026-000007", "林晓", "软件园二期第一党支部", "2026年1月 至 2026年3月",
                                           "壹仟零肆拾伍元整", "¥1045.00", "上缴中央", "代缴：林父",
                                           "支部党费收缴员收取", "收缴员甲", "作废", "金额录错"};
        for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
            if (!strstr(text, want[i])) fail_msg("the receipt lacks %s:\n%s", want[i], text);
    }
    unlink(path);
}

/* The PDF's font caches (pango, cairo, fontconfig) released at the end, and the
   leak checker's suppression of cairo 1.16's own leak linked in with them, as
   the server does at exit (bulletin_render_shutdown). */
static int pdf_teardown(void **state) {
    (void)state;
    bulletin_render_shutdown();
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_capitals), cmocka_unit_test(test_pdf)};
    return cmocka_run_group_tests(tests, NULL, pdf_teardown);
}
