/* Unit tests for src/core/utf8: validation edge cases (overlongs, surrogates,
 * truncated sequences), trimming of the spaces Excel users cannot see, NFKC
 * folding of full-width text, and Traditional → Simplified through OpenCC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <string.h>

#include "core/utf8.h"

static void test_valid(void **state) {
    (void)state;
    assert_true(utf8_valid("abc", 3));
    assert_true(utf8_valid("厦门市", strlen("厦门市")));
    assert_true(utf8_valid("\xF0\x9F\x98\x80", 4));          /* U+1F600 */
    assert_false(utf8_valid("\xC0\xAF", 2));                 /* overlong '/' */
    assert_false(utf8_valid("\xED\xA0\x80", 3));             /* surrogate */
    assert_false(utf8_valid("\xF4\x90\x80\x80", 4));         /* > U+10FFFF */
    assert_false(utf8_valid("\xE5\x8E", 2));                 /* truncated */
    assert_false(utf8_valid("\xB3\xA7\xC3\xC5", 4));         /* GBK 厂门 */
    /* The valid prefix stops before the first bad sequence, also after 8-byte ASCII runs. */
    assert_int_equal(utf8_valid_prefix("abcdefghij\xFFxyz", 14), 10);
    assert_int_equal(utf8_valid_prefix("厦\xE9\x97", 5), 3);
}

static void test_next_count_encode(void **state) {
    (void)state;
    const char *s = "a厦\xFF", *p = s, *end = s + strlen(s);
    assert_int_equal(utf8_next(&p, end), 'a');
    assert_int_equal(utf8_next(&p, end), 0x53A6);
    assert_int_equal(utf8_next(&p, end), -1);   /* invalid byte: -1, one byte on */
    assert_ptr_equal(p, end);
    assert_int_equal(utf8_count("厦门 ab", strlen("厦门 ab")), 5);
    char out[4];
    assert_int_equal(utf8_encode(0x3000, out), 3);
    assert_memory_equal(out, "\xE3\x80\x80", 3);
    assert_int_equal(utf8_encode(0x1F600, out), 4);
    assert_int_equal(utf8_encode(0xD800, out), 0);
}

static void test_trim(void **state) {
    (void)state;
    /* Full-width space, NBSP, BOM and zero-width space around the text. */
    const char *in = "\xE3\x80\x80 \xC2\xA0\xEF\xBB\xBF厦门 市\xE2\x80\x8B\t\r\n";
    const char *s = in;
    size_t n = utf8_trim(&s, strlen(in));
    assert_int_equal(n, strlen("厦门 市"));
    assert_memory_equal(s, "厦门 市", n);
    s = "\xE3\x80\x80\xE3\x80\x80";
    assert_int_equal(utf8_trim(&s, 6), 0);
    s = "";
    assert_int_equal(utf8_trim(&s, 0), 0);
}

static void test_nfkc(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    size_t n;
    /* Full-width digits, letters and brackets fold; plain CJK stays. */
    const char *in = "９１３５０２００ＭＡ（厦门）有限公司";
    char *r = utf8_nfkc(&a, in, strlen(in), &n);
    assert_string_equal(r, "91350200MA(厦门)有限公司");
    assert_int_equal(n, strlen(r));
    assert_true(utf8_nfkc_quick("厦门市abc", strlen("厦门市abc")));
    assert_false(utf8_nfkc_quick("１", strlen("１")));
    assert_null(utf8_nfkc(&a, "\xFF", 1, NULL));
    buf b;
    buf_init(&b, 8);
    assert_int_equal(utf8_nfkc_buf(&b, "ＡＢ", strlen("ＡＢ")), ST_OK);
    assert_string_equal(b.data, "AB");
    assert_int_equal(utf8_nfkc_buf(&b, "0123456789", 10), ST_TOO_LARGE);   /* the cap holds */
    buf_free(&b);
    arena_free(&a);
}

static void *t2s_thread(void *arg) {
    arena a;
    arena_init(&a, 0);
    char *r = utf8_t2s(&a, "廈門網絡科技有限公司", strlen("廈門網絡科技有限公司"), NULL);
    int ok = r && strcmp(r, "厦门网络科技有限公司") == 0;
    arena_free(&a);
    *(int *)arg = ok;
    return NULL;
}

static void test_t2s(void **state) {
    (void)state;
    /* Several threads race to open the converter; all must get the same answer. */
    pthread_t th[4];
    int ok[4] = {0};
    for (int i = 0; i < 4; i++) pthread_create(&th[i], NULL, t2s_thread, &ok[i]);
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++) assert_true(ok[i]);
    arena a;
    arena_init(&a, 0);
    err e = {0};
    assert_string_equal(utf8_t2s(&a, "abc", 3, &e), "abc");
    assert_null(utf8_t2s(&a, "\xFF", 1, &e));
    assert_int_equal(e.code, ST_INVALID);
    arena_free(&a);
}

/* Error messages quote user bytes and may be cut inside a character: each
 * stray byte becomes '?', the rest is kept, the result is valid. */
static void test_scrub(void **state) {
    (void)state;
    char a[] = "而不是“9999\xFF\xFE" "99”";
    assert_int_equal(utf8_scrub(a, strlen(a)), 2);
    assert_string_equal(a, "而不是“9999??99”");
    char b[] = "“一二三四五六七八九十一二三\xE5\x9B" "”。";   /* "%.40s" cut 四 after 2 bytes */
    assert_int_equal(utf8_scrub(b, strlen(b)), 2);
    assert_string_equal(b, "“一二三四五六七八九十一二三??”。");
    assert_true(utf8_valid(b, strlen(b)));
    char c[] = "\xC0\xAF\xED\xA0\x80\xF0\x9F\x98";   /* overlong, surrogate, truncated at the end */
    utf8_scrub(c, strlen(c));
    assert_true(utf8_valid(c, strlen(c)));
    assert_int_equal(strlen(c), 8);
    char d[] = "厦门 ok";
    assert_int_equal(utf8_scrub(d, strlen(d)), 0);
    assert_string_equal(d, "厦门 ok");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid), cmocka_unit_test(test_next_count_encode), cmocka_unit_test(test_trim),
        cmocka_unit_test(test_nfkc), cmocka_unit_test(test_t2s), cmocka_unit_test(test_scrub),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    utf8_t2s_shutdown();
    return r;
}
