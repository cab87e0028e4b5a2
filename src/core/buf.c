/* buf — see buf.h. Doubling growth, bounded by cap. */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define BUF_HUGE (2u << 20)

void buf_init(buf *b, size_t cap) {
    b->data = NULL;
    b->len = b->alloc = 0;
    b->cap = cap;
}

static st buf_grow(buf *b, size_t extra) {
    if (b->cap && (extra > b->cap || b->len > b->cap - extra)) return ST_TOO_LARGE;
    size_t need = b->len + extra + 1;
    if (need <= b->alloc) return ST_OK;
    size_t n = b->alloc ? b->alloc : 256;
    while (n < need) n *= 2;
    char *p = realloc(b->data, n);
    if (!p) return ST_NOMEM;
    b->data = p;
    b->alloc = n;
    return ST_OK;
}

st buf_append(buf *b, const void *p, size_t n) {
    st s = buf_grow(b, n);
    if (s) return s;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
    return ST_OK;
}

st buf_reserve(buf *b, size_t n) {
    if (b->cap && n > b->cap) n = b->cap;
    size_t need = b->len + n + 1;
    if (need <= b->alloc) return ST_OK;
    if (need < BUF_HUGE) return buf_grow(b, n);
    /* Tens of MiB written once from start to end: aligned and advised as huge
     * pages, one fault per 2 MiB instead of one per 4 KiB (see core/arena.c).
     * realloc may move it later: then plain pages, as any buffer. */
    size_t size = (need + BUF_HUGE - 1) & ~(size_t)(BUF_HUGE - 1);
    char *p = aligned_alloc(BUF_HUGE, size);
    if (!p) return ST_NOMEM;
    (void)madvise(p, size, MADV_HUGEPAGE);
    if (b->data) memcpy(p, b->data, b->len + 1);
    else p[0] = 0;
    free(b->data);
    b->data = p;
    b->alloc = size;
    return ST_OK;
}

st buf_puts(buf *b, const char *s) { return buf_append(b, s, strlen(s)); }
st buf_putc(buf *b, char c) { return buf_append(b, &c, 1); }

st buf_printf(buf *b, const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    st s = n < 0 ? ST_INTERNAL : buf_grow(b, (size_t)n);
    if (!s) {
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
    return s;
}

void buf_reset(buf *b) {
    b->len = 0;
    if (b->data) b->data[0] = 0;
}

char *buf_detach(buf *b) {
    char *p = b->data;
    if (!p) p = calloc(1, 1);
    b->data = NULL;
    b->len = b->alloc = 0;
    return p;
}

void buf_free(buf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->alloc = 0;
}
