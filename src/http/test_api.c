/* test_api — routes that exist only for the test suites, when the server runs
 * with the test-routes setting (never in production: without it they are not
 * matched and not in /api/openapi.json, so the access test and the audit
 * coverage never see them).  They break the server on purpose so that a test
 * can show the suite notices: GET /api/test/leak loses memory the way a
 * forgotten json_decref does, and LeakSanitizer must report it when the ASan
 * build stops (tests/api/sanitizer.test.mjs). */
#include "http.h"

#include <string.h>

#include "core/jsonx.h"

/* Kept out of line so that the lost reference is gone from every register
 * and stack slot by the time LeakSanitizer looks at exit. */
__attribute__((noinline)) static bool lose_a_document(const char *request_id) {
    char filler[1024];
    memset(filler, 'x', sizeof filler - 1);
    filler[sizeof filler - 1] = 0;
    json_t *lost = json_pack("{s:s,s:s,s:s}", "what", "test-routes: leaked on purpose", "request", request_id,
                             "filler", filler);
    return lost != NULL;   /* and never released */
}

static st h_leak(http_req *r, err *e) {
    if (!lose_a_document(r->request_id)) return err_set(e, ST_NOMEM, "内存不足。");
    return http_reply_json(r, 200, json_pack("{s:b}", "leaked", 1));
}

const http_route test_routes[] = {
    {"GET", "/api/test/leak", "public", h_leak, HB_NONE, "测试专用：故意泄漏一块内存（test-routes）", "test", NULL,
     .test_only = true},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
