/* Unit tests for query strings without a connection (src/http/request.c):
 * the decoder http_query() uses when r->conn is NULL, paging that refuses a
 * value, and the error reply a refusal becomes (src/http/server.c) when the
 * value it quotes is not UTF-8.  The decoder is checked against
 * libmicrohttpd's own parsing by tests/fuzz/fuzz_query.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/utf8.h"
#include "http/http.h"

static void test_lookup(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    const char *q = "page=2&q=%E5%8E%A6+%E9%97%A8&sort=-name&flag&empty=&Size=50&x=%zz%4g%&pct=100%25&"
                    "page=3&nul=ab%00cd&k%61=v&eq=a=b&&=e";
    assert_string_equal(http_query_lookup(&a, q, "page"), "2");           /* the first of a repeated name */
    assert_string_equal(http_query_lookup(&a, q, "q"), "厦 门");          /* %XX, '+' is a space */
    assert_string_equal(http_query_lookup(&a, q, "sort"), "-name");
    assert_null(http_query_lookup(&a, q, "flag"));                         /* no '=': no value, as MHD */
    assert_string_equal(http_query_lookup(&a, q, "empty"), "");
    assert_string_equal(http_query_lookup(&a, q, "size"), "50");           /* names ignore ASCII case */
    assert_string_equal(http_query_lookup(&a, q, "x"), "%zz%4g%");         /* invalid escapes kept */
    assert_string_equal(http_query_lookup(&a, q, "pct"), "100%");
    assert_string_equal(http_query_lookup(&a, q, "nul"), "ab");            /* ends at %00 */
    assert_string_equal(http_query_lookup(&a, q, "ka"), "v");              /* names are decoded too */
    assert_string_equal(http_query_lookup(&a, q, "eq"), "a=b");            /* the first '=' splits */
    assert_null(http_query_lookup(&a, q, ""));   /* "&&" is a first empty name without '=' */
    assert_string_equal(http_query_lookup(&a, "=e&a", ""), "e");
    assert_null(http_query_lookup(&a, q, "pag"));
    assert_null(http_query_lookup(&a, q, "pagex"));
    assert_null(http_query_lookup(&a, "", "page"));
    assert_null(http_query_lookup(&a, NULL, "page"));
    assert_string_equal(http_query_lookup(&a, "a=%2B+%2b", "a"), "+ +");  /* %2B after '+' decoding */
    arena_free(&a);
}

static void test_request_without_connection(void **state) {
    (void)state;
    http_req r;
    memset(&r, 0, sizeof r);
    arena_init(&r.mem, 0);
    r.query = "page=3&size=50&name=%E6%80%9D%E6%98%8E";
    assert_string_equal(http_query(&r, "name"), "思明");
    http_page p;
    err e;
    assert_int_equal(http_paging(&r, &p, &e), ST_OK);
    assert_int_equal(p.page, 3);
    assert_int_equal(p.size, 50);
    assert_int_equal(p.offset, 100);
    /* a refused value leaves the page at its defaults (the offset used to be
     * computed from whatever the caller's struct held: signed overflow) */
    r.query = "page=99999999999999999999&size=-1";
    memset(&p, 0x7f, sizeof p);
    assert_int_equal(http_paging(&r, &p, &e), ST_INVALID);
    assert_string_equal(e.field, "page");
    assert_int_equal(p.page, 1);
    assert_int_equal(p.size, 20);
    assert_int_equal(p.offset, 0);
    r.query = "size=0";
    assert_int_equal(http_paging(&r, &p, &e), ST_INVALID);
    assert_string_equal(e.field, "size");
    assert_int_equal(p.offset, 0);
    arena_free(&r.mem);
}

/* The reply to a refused value quoting bytes that are not UTF-8 (or a Chinese
 * value cut inside a character by "%.40s") used to have no body at all. */
static void test_error_reply_not_utf8(void **state) {
    (void)state;
    http_req r;
    memset(&r, 0, sizeof r);
    arena_init(&r.mem, 0);
    const char *queries[] = {"page=9999%FF%FE99", "page=%E4%B8%80%E4%BA%8C%E4%B8%89%E5%9B%9B%E4%BA%94%E5%85%AD"
                                                  "%E4%B8%83%E5%85%AB%E4%B9%9D%E5%8D%81%E4%B8%80%E4%BA%8C%E4%B8%89%E5%9B%9B"};
    for (size_t i = 0; i < 2; i++) {
        r.query = queries[i];
        http_page p;
        err e;
        assert_int_equal(http_paging(&r, &p, &e), ST_INVALID);
        assert_false(utf8_valid(e.msg, strlen(e.msg)));
        json_t *j = http_error_json(&e, NULL);
        assert_non_null(j);
        const char *msg = json_string_value(json_object_get(json_object_get(j, "error"), "message"));
        assert_non_null(msg);
        assert_non_null(strstr(msg, "参数 page 应为"));
        assert_non_null(strstr(msg, "?"));
        assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "field")), "page");
        json_decref(j);
    }
    arena_free(&r.mem);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_request_without_connection),
        cmocka_unit_test(test_error_reply_not_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
