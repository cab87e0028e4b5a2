/* Unit tests for src/http/json_text.c: the reply text must be exactly what
 * json_dumps(JSON_COMPACT) writes — for every kind of value, escapes, keys in
 * insertion order, non-ASCII text — and fail wherever json_dumps fails
 * (invalid UTF-8, a scalar at the top). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_internal.h"

/* Both writers on j: equal text, or both fail. */
static void same_as_jansson(json_t *j) {
    char *want = json_dumps(j, JSON_COMPACT);
    size_t n = 7;
    char *got = http_json_text(j, &n);
    if (!want) {
        assert_null(got);
        assert_int_equal(n, 0);
    } else {
        assert_non_null(got);
        assert_int_equal(n, strlen(want));
        assert_memory_equal(got, want, n);
    }
    free(want);
    free(got);
    json_decref(j);
}

static void test_values(void **state) {
    (void)state;
    same_as_jansson(json_object());
    same_as_jansson(json_array());
    same_as_jansson(json_pack("{s:i,s:I,s:I,s:I,s:b,s:b,s:n,s:f,s:f,s:f}", "zero", 0, "big", (json_int_t)INT64_MAX,
                              "small", (json_int_t)INT64_MIN, "neg", (json_int_t)-42, "t", 1, "f", 0, "nil", "r1", 1.0,
                              "r2", 0.1, "r3", -1.5e300));
    /* keys in the order they were set, not sorted; a replaced key keeps its place */
    json_t *o = json_pack("{s:i,s:i,s:i}", "z", 1, "a", 2, "m", 3);
    json_object_set_new(o, "a", json_string("again"));
    json_object_del(o, "z");
    json_object_set_new(o, "z", json_true());
    same_as_jansson(o);
    same_as_jansson(json_pack("[[],{},[[[1]]],{s:{s:[i,s,n]}}]", "a", "b", 1, "x"));
}

static void test_strings(void **state) {
    (void)state;
    same_as_jansson(json_pack("{s:s}", "s", ""));
    same_as_jansson(json_pack("{s:s}", "quote\"back\\slash/", "tab\tnl\ncr\rbs\bff\f"));
    same_as_jansson(json_pack("{s:s}", "c", "\x01\x1f\x7f end"));
    same_as_jansson(json_pack("{s:s}", "中文键", "党组织覆盖率 100%，“引号”，𠀀 (U+20000)，é"));
    /* NUL inside a string and a key with a NUL: written as \u0000 */
    json_t *o = json_object();
    json_object_set_new(o, "nul", json_stringn("a\0b", 3));
    json_object_setn_new(o, "k\0ey", 4, json_integer(1));
    same_as_jansson(o);
    /* a long string crosses the first buffer (whole characters: 5000 times 8 bytes) */
    const char unit[] = "ab\"c\n中";
    char *big = malloc(40000);
    for (int i = 0; i < 40000; i++) big[i] = unit[i % 8];
    same_as_jansson(json_pack("{s:o}", "big", json_stringn(big, 40000)));
    /* cut inside its last character: both refuse */
    same_as_jansson(json_pack("{s:o}", "cut", json_stringn_nocheck(big, 39999)));
    free(big);
}

static void test_failures(void **state) {
    (void)state;
    /* not UTF-8 (the database layer makes strings unchecked): both refuse */
    const char *bad[] = {"\xff", "\xc0\x80", "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe4\xb8", "a\x80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "s", json_stringn_nocheck(bad[i], strlen(bad[i])));
        same_as_jansson(o);
    }
    /* a scalar at the top: json_dumps writes nothing without JSON_ENCODE_ANY */
    same_as_jansson(json_string("x"));
    same_as_jansson(json_integer(3));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
