/* fuzz_course — libFuzzer target for the parsers of the course module: the
 * article sanitizer (course_sanitize: any bytes in; when it succeeds, what it
 * wrote must sanitize to itself — the allow-list is a fixed point — and hold
 * no '<' that starts a tag outside the list) and the Range header
 * (http_range_parse: a satisfiable range lies inside the file). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "study/course.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    buf a, b;
    err e;
    buf_init(&a, 1u << 22);
    buf_init(&b, 1u << 22);
    if (course_sanitize((const char *)data, size, &a, &e) == ST_OK) {
        const char *s = a.data ? a.data : "";
        if (course_sanitize(s, a.len, &b, &e) != ST_OK || b.len != a.len || (a.len && memcmp(a.data, b.data, a.len))) abort();
        /* text's '<' is escaped, so every '<' left opens a tag of the list */
        if (strstr(s, "<script") || strstr(s, "<iframe") || strstr(s, "<style") || strstr(s, "<object")) abort();
        if (strstr(s, "href=\"javascript:") || strstr(s, "src=\"javascript:") || strstr(s, "href=\"//")) abort();
    }
    buf_free(&a);
    buf_free(&b);
    /* the same bytes as a Range header for files of a few sizes */
    char *h = malloc(size + 1);
    if (!h) return 0;
    memcpy(h, data, size);
    h[size] = 0;
    static const int64_t sizes[] = {0, 1, 100, 1 << 20, INT64_MAX / 2};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        int64_t from = -1, to = -1;
        int k = http_range_parse(h, sizes[i], &from, &to);
        if (k == 1 && !(from >= 0 && from <= to && to < sizes[i])) abort();
    }
    free(h);
    return 0;
}
