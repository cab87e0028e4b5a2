/* buf — growable byte buffer with a hard cap and one owner.
 *
 * The owner calls buf_free().  Appends past the cap fail with ST_TOO_LARGE and
 * leave the buffer as it was, so a caller can report the limit cleanly.
 * The data is always NUL-terminated (not counted in len). */
#ifndef EJIA_CORE_BUF_H
#define EJIA_CORE_BUF_H

#include <stddef.h>
#include "err.h"

typedef struct buf {
    char *data;
    size_t len, alloc, cap;  /* cap 0 = unlimited */
} buf;

void buf_init(buf *b, size_t cap);
st buf_append(buf *b, const void *p, size_t n);
/* Room for n more bytes (at most the cap) without a move: for a caller that
 * knows what is coming (an unzipped part's size), so that doubling does not
 * copy and fault its way up to it. */
st buf_reserve(buf *b, size_t n);
st buf_puts(buf *b, const char *s);
st buf_putc(buf *b, char c);
st buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(buf *b);              /* len = 0, keeps memory */
char *buf_detach(buf *b);            /* caller owns the returned string; b is empty */
void buf_free(buf *b);

#endif
