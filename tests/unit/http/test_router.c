/* Unit tests for src/http/router.c: matching with parameters, method
 * handling, and the OpenAPI document generated from the same tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/config.h"
#include "http/http.h"

static void test_match(void **state) {
    (void)state;
    http_req r;
    memset(&r, 0, sizeof r);
    arena_init(&r.mem, 0);
    bool exists;
    const http_route *rt = http_route_match("GET", "/api/ledger/imports/42", &r, &exists);
    assert_non_null(rt);
    assert_true(exists);
    assert_string_equal(rt->pattern, "/api/ledger/imports/{id}");
    assert_int_equal(r.nparams, 1);
    assert_string_equal(http_param(&r, "id"), "42");
    assert_null(http_param(&r, "nope"));
    /* the longer route with a suffix is a different route */
    rt = http_route_match("GET", "/api/ledger/imports/42/problems.xlsx", &r, &exists);
    assert_non_null(rt);
    assert_string_equal(rt->pattern, "/api/ledger/imports/{id}/problems.xlsx");
    /* a known path with another method: no route, but the path exists (405) */
    rt = http_route_match("DELETE", "/api/ledger/imports/42", &r, &exists);
    assert_null(rt);
    assert_true(exists);
    /* HEAD is served by GET routes */
    assert_non_null(http_route_match("HEAD", "/healthz", &r, &exists));
    /* empty parameter segments and unknown paths do not match */
    assert_null(http_route_match("GET", "/api/ledger/imports//problems.xlsx", &r, &exists));
    assert_null(http_route_match("GET", "/api/unknown", &r, &exists));
    assert_false(exists);
    assert_null(http_route_match("GET", "/healthz/", &r, &exists));
    arena_free(&r.mem);
}

static void test_table_sane(void **state) {
    (void)state;
    /* every route: a known method, a pattern under /api (or /healthz), a permission,
     * a handler and a Chinese summary; no two routes with the same method and pattern */
    static const char *methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
    int n = 0;
    for (const http_route *const *t = http_route_tables; *t; t++)
        for (const http_route *a = *t; a->method; a++, n++) {
            bool ok = false;
            for (int i = 0; i < 5; i++) ok |= !strcmp(a->method, methods[i]);
            assert_true(ok);
            assert_true(!strncmp(a->pattern, "/api/", 5) || !strcmp(a->pattern, "/healthz"));
            assert_non_null(a->perm);
            assert_non_null(a->handler);
            assert_non_null(a->summary);
            assert_true((unsigned char)a->summary[0] >= 0x80);  /* Chinese first */
            for (const http_route *const *u = http_route_tables; *u; u++)
                for (const http_route *b = *u; b->method; b++)
                    if (a != b) assert_false(!strcmp(a->method, b->method) && !strcmp(a->pattern, b->pattern));
        }
    assert_true(n > 10);
}

/* Every route is in the document, but a test-only one only with the test-routes setting. */
static void openapi_lists_routes(bool test_routes) {
    err e;
    assert_int_equal(cfg_set("test-routes", test_routes ? "true" : "false", &e), ST_OK);
    json_t *doc = http_openapi();
    json_t *paths = json_object_get(doc, "paths");
    for (const http_route *const *t = http_route_tables; *t; t++)
        for (const http_route *a = *t; a->method; a++) {
            json_t *item = json_object_get(paths, a->pattern);
            if (a->test_only && !test_routes) {
                assert_null(item);
                continue;
            }
            assert_non_null(item);
            char m[8];
            size_t i = 0;
            for (; a->method[i]; i++) m[i] = (char)(a->method[i] | 0x20);
            m[i] = 0;
            json_t *op = json_object_get(item, m);
            assert_non_null(op);
            assert_string_equal(json_string_value(json_object_get(op, "x-permission")), a->perm);
        }
    json_decref(doc);
}

static void test_openapi(void **state) {
    (void)state;
    openapi_lists_routes(false);
    openapi_lists_routes(true);
    cfg_free();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_table_sane),
        cmocka_unit_test(test_openapi),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
