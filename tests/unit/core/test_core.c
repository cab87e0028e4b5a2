/* Unit tests for src/core: arena caps, capped buffers, the settings table
 * (bounds, precedence flag > env > file > default), strict JSON reading and
 * the one status → HTTP mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "core/jsonx.h"

static void test_arena_cap(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 100000);
    char *p = arena_alloc(&a, 1000);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % 16, 0);
    assert_null(arena_alloc(&a, 200000));  /* over the cap */
    char *s = arena_printf(&a, "%s-%d", "区", 7);
    assert_string_equal(s, "区-7");
    for (int i = 0; i < 90; i++) assert_non_null(arena_alloc(&a, 1000));
    assert_null(arena_alloc(&a, 20000));
    arena_free(&a);
    arena_init(&a, 0);
    assert_non_null(arena_alloc(&a, 1 << 20));  /* big block of its own */
    assert_non_null(arena_strndup(&a, "abcdef", 3));
    arena_free(&a);
}

/* A growing array: every element kept in order across the doublings; NULL at the cap, the array intact. */
static void test_arena_push(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 4096);
    int *v = NULL;
    size_t n = 0, cap = 0;
    for (int i = 0; i < 100; i++) {
        int *x = arena_push(&a, (void **)&v, &n, &cap, 4, sizeof *v);
        assert_non_null(x);
        *x = i;
    }
    assert_int_equal(n, 100);
    assert_int_equal(cap, 128);
    for (int i = 0; i < 100; i++) assert_int_equal(v[i], i);
    while (arena_push(&a, (void **)&v, &n, &cap, 4, sizeof *v)) {}
    assert_true(n < 1024);   /* the cap stopped it */
    assert_int_equal(v[99], 99);
    arena_free(&a);
}

static void test_buf_cap(void **state) {
    (void)state;
    buf b;
    buf_init(&b, 10);
    assert_int_equal(buf_puts(&b, "12345"), ST_OK);
    assert_int_equal(buf_printf(&b, "%d", 6789), ST_OK);
    assert_int_equal(buf_puts(&b, "xy"), ST_TOO_LARGE);  /* 11 > 10 */
    assert_string_equal(b.data, "123456789");           /* unchanged after refusal */
    char *d = buf_detach(&b);
    assert_string_equal(d, "123456789");
    free(d);
    assert_null(b.data);
    buf_free(&b);
}

/* A big arena's blocks grow (and from 2 MiB are huge-page blocks): a
 * million small allocations stay intact and 16-byte aligned; a buffer told
 * what is coming keeps its text and its cap. */
static void test_big_arena_and_reserve(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    enum { N = 1000000 };
    uint32_t **p = malloc(N * sizeof *p);
    assert_non_null(p);
    for (uint32_t i = 0; i < N; i++) {
        p[i] = arena_alloc(&a, 24 + i % 40);
        assert_non_null(p[i]);
        assert_int_equal((uintptr_t)p[i] % 16, 0);
        *p[i] = i;
    }
    for (uint32_t i = 0; i < N; i++) assert_int_equal(*p[i], i);
    assert_non_null(arena_alloc(&a, 5u << 20));   /* a one-off bigger than any block */
    assert_int_equal(*p[N - 1], N - 1);
    free(p);
    arena_free(&a);

    buf b;
    buf_init(&b, 0);
    assert_int_equal(buf_puts(&b, "前文"), ST_OK);
    assert_int_equal(buf_reserve(&b, 8u << 20), ST_OK);   /* a huge-page block: the text moves with it */
    assert_string_equal(b.data, "前文");
    size_t alloc = b.alloc;
    for (int i = 0; i < 100000; i++) assert_int_equal(buf_puts(&b, "0123456789"), ST_OK);
    assert_int_equal(b.alloc, alloc);                      /* no move: it had the room */
    assert_int_equal(b.len, strlen("前文") + 1000000);
    assert_int_equal(buf_reserve(&b, 1), ST_OK);
    buf_free(&b);
    buf_init(&b, 64);
    assert_int_equal(buf_reserve(&b, 1u << 30), ST_OK);   /* at most the cap */
    assert_true(b.alloc <= 256);                            /* the first step of any buffer, not 1 GiB */
    buf_free(&b);
}

static void test_config_precedence(void **state) {
    (void)state;
    char path[] = "/tmp/ejia-cfg-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "# comment\nport = 9001\nbind = 127.0.0.2\nthreads=3\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    setenv("EJIA_CONFIG", path, 1);
    setenv("EJIA_BIND", "127.0.0.3", 1);
    char *argv[] = {"ejia", "serve", "--threads", "4", "--to", "x", NULL};
    int argc = 6;
    err e;
    assert_int_equal(cfg_load(&argc, argv, &e), ST_OK);
    assert_int_equal(cfg_int("port"), 9001);           /* file */
    assert_string_equal(cfg_str("bind"), "127.0.0.3");  /* env beats file */
    assert_int_equal(cfg_int("threads"), 4);           /* flag beats file */
    assert_int_equal(argc, 4);                         /* --threads 4 consumed, --to x left */
    assert_string_equal(argv[1], "serve");
    assert_string_equal(argv[2], "--to");
    assert_int_equal(cfg_int("lockout-failures"), 5);  /* default */
    unsetenv("EJIA_CONFIG");
    unsetenv("EJIA_BIND");
    unlink(path);
    cfg_free();
}

static void test_config_bounds(void **state) {
    (void)state;
    err e;
    char *argv[] = {"ejia", "--port", "70000", NULL};
    int argc = 3;
    assert_int_equal(cfg_load(&argc, argv, &e), ST_INVALID);
    assert_non_null(strstr(e.msg, "port"));
    assert_non_null(strstr(e.msg, "超出范围"));
    char *argv2[] = {"ejia", "--port=12x", NULL};
    argc = 2;
    assert_int_equal(cfg_load(&argc, argv2, &e), ST_INVALID);
    assert_non_null(strstr(e.msg, "整数"));
    char *argv3[] = {"ejia", "--behind-tls", NULL};
    argc = 2;
    assert_int_equal(cfg_load(&argc, argv3, &e), ST_OK);
    assert_true(cfg_bool("behind-tls"));
    assert_int_equal(cfg_set("no-such-setting", "1", &e), ST_INVALID);
    cfg_free();
}

static void test_jsonx(void **state) {
    (void)state;
    err e;
    json_t *j = NULL;
    assert_int_equal(jsonx_parse_object("[1]", 3, &j, &e), ST_INVALID);
    assert_int_equal(jsonx_parse_object("{\"a\":", 5, &j, &e), ST_INVALID);
    assert_non_null(strstr(e.msg, "第 1 行"));
    const char *body = "{\"name\":\"思明区\",\"n\":5,\"x\":true}";
    assert_int_equal(jsonx_parse_object(body, strlen(body), &j, &e), ST_OK);
    static const char *const only[] = {"name", "n", NULL};
    assert_int_equal(jsonx_only(j, only, &e), ST_INVALID);
    assert_string_equal(e.field, "x");
    const char *s;
    assert_int_equal(jsonx_str(j, "name", true, 1, 3, &s, &e), ST_OK);   /* 3 characters, 9 bytes */
    assert_string_equal(s, "思明区");
    assert_int_equal(jsonx_str(j, "name", true, 1, 2, &s, &e), ST_INVALID);
    assert_int_equal(jsonx_str(j, "missing", true, 0, 9, &s, &e), ST_INVALID);
    assert_string_equal(e.field, "missing");
    int64_t n;
    assert_int_equal(jsonx_int(j, "n", true, 0, 4, 0, &n, &e), ST_INVALID);
    assert_int_equal(jsonx_int(j, "n", true, 0, 5, 0, &n, &e), ST_OK);
    assert_int_equal(n, 5);
    assert_int_equal(jsonx_str(j, "n", true, 0, 5, &s, &e), ST_INVALID);  /* wrong type */
    json_decref(j);
    /* duplicate keys are refused: they hide which value was meant */
    assert_int_equal(jsonx_parse_object("{\"a\":1,\"a\":2}", 13, &j, &e), ST_INVALID);
}

static void test_err_http(void **state) {
    (void)state;
    assert_int_equal(st_http(ST_INVALID), 400);
    assert_int_equal(st_http(ST_UNAUTH), 401);
    assert_int_equal(st_http(ST_FORBIDDEN), 403);
    assert_int_equal(st_http(ST_NOT_FOUND), 404);
    assert_int_equal(st_http(ST_LOCKED), 423);
    assert_int_equal(st_http(ST_TOO_LARGE), 413);
    assert_int_equal(st_http(ST_UNSUPPORTED), 415);
    assert_int_equal(st_http(ST_DB), 500);
    assert_int_equal(st_http((st)999), 500);
    assert_string_equal(st_name(ST_UNAUTH), "unauthenticated");
    err e;
    err_field(&e, ST_INVALID, "phone", "电话 %s 无效", "123");
    assert_string_equal(e.field, "phone");
    assert_string_equal(e.msg, "电话 123 无效");
}

/* Wrapping the message an err already holds (issue 11 item 10): the text was
 * formatted into the buffer it read from, giving "数据库不可用：数据库不可用：行语句）". */
static void test_err_wraps_own_message(void **state) {
    (void)state;
    err e;
    err_set(&e, ST_DB, "数据库错误（执行语句）：%s", "attempt to write a readonly database");
    err_set(&e, ST_UNAVAILABLE, "数据库不可用：%s", e.msg);
    assert_int_equal(e.code, ST_UNAVAILABLE);
    assert_string_equal(e.msg, "数据库不可用：数据库错误（执行语句）：attempt to write a readonly database");
    /* the argument in the middle, and twice */
    err_set(&e, ST_IO, "甲");
    err_set(&e, ST_IO, "「%s」与「%s」", e.msg, e.msg);
    assert_string_equal(e.msg, "「甲」与「甲」");
    /* a message at the size limit is cut, still terminated */
    char big[600];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    err_set(&e, ST_IO, "%s", big);
    err_set(&e, ST_IO, "前缀：%s", e.msg);
    assert_int_equal(strlen(e.msg), sizeof e.msg - 1);
    assert_memory_equal(e.msg, "前缀：xxx", strlen("前缀：xxx"));
    /* err_field naming the field the err already holds */
    err_field(&e, ST_INVALID, "phone", "电话无效");
    err_field(&e, ST_INVALID, e.field, "%s（第 2 行）", e.msg);
    assert_string_equal(e.field, "phone");
    assert_string_equal(e.msg, "电话无效（第 2 行）");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_cap),       cmocka_unit_test(test_arena_push),
        cmocka_unit_test(test_buf_cap),         cmocka_unit_test(test_big_arena_and_reserve),
        cmocka_unit_test(test_config_precedence), cmocka_unit_test(test_config_bounds),
        cmocka_unit_test(test_jsonx),           cmocka_unit_test(test_err_http),
        cmocka_unit_test(test_err_wraps_own_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
