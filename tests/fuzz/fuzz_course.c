/* fuzz_course — libFuzzer target for the parsers of the course module: the
 * article sanitizer (course_sanitize: any bytes in; when it succeeds, what it
 * wrote must sanitize to itself — the allow-list is a fixed point — and hold
 * no '<' that starts a tag outside the list) and the Range header
 * (http_range_parse: a satisfiable range lies inside the file) and the rows
 * of an offline-hours sheet (the bytes read as a CSV table with the roster's
 * headers, then course_sheet_rows: every row accepted holds a valid number). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "ledger/table.h"
#include "member/roster.h"
#include "base/ids.h"
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
    ledger_read_opts o = {.header_field = roster_header_field, .header_hint = "“姓名”“公民身份号码”", .max_cell_text = 1u << 20,
                          .max_memory = 64u << 20};
    ledger_table *t = NULL;
    if (ledger_table_read_mem("f.csv", data, size, &o, &t, &e) == ST_OK) {
        arena mem;
        arena_init(&mem, 1u << 24);
        course_sheet_row *rows = NULL;
        int n = 0;
        if (course_sheet_rows(t, &mem, &rows, &n, &e) == ST_OK)
            for (int i = 0; i < n; i++)
                if (!rows[i].refused && (strlen(rows[i].id18) != 18 || !ids_idcard_check(rows[i].id18, 18))) abort();
        arena_free(&mem);
        ledger_table_free(t);
    }
    return 0;
}
