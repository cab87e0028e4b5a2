/* fuzz_route — URL paths through the router (parameters captured into the
 * request arena), SQL text through the dialect rewriter, and header text
 * through the Accept-Encoding reader. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_impl.h"
#include "http/http.h"
#include "http/http_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    if (!s) return 0;
    memcpy(s, data, size);
    s[size] = 0;
    http_req r;
    memset(&r, 0, sizeof r);
    arena_init(&r.mem, 1 << 20);
    bool exists;
    static const char *methods[] = {"GET", "POST", "DELETE", "PUT"};
    http_route_match(methods[size % 4], s, &r, &exists);
    arena_free(&r.mem);
    buf b;
    buf_init(&b, 1 << 22);
    db_rewrite(DB_SQLITE, s, &b);
    db_rewrite(DB_PGSQL, s, &b);
    buf_free(&b);
    (void)http_accepts_gzip(s);
    free(s);
    return 0;
}
