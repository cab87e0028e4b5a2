/* multipart — the check libmicrohttpd's post processor leaves out: did a
 * multipart/form-data body end with its closing delimiter?
 *
 * MHD streams each file part to us as it arrives and says nothing when the
 * body stops in the middle of a part, so a cut-off upload looked complete and
 * was imported.  The server feeds every body chunk to an mp_close tracker and,
 * once the body is complete, refuses the upload unless the close delimiter
 * (CRLF "--" boundary "--", RFC 2046 §5.1.1) was seen.  The tracker keeps only
 * the last bytes of the previous chunk, so the check costs no memory however
 * large the upload.  Pure functions, fuzzed in tests/fuzz/fuzz_multipart.c. */
#ifndef EJIA_HTTP_MULTIPART_H
#define EJIA_HTTP_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 2046 allows 70 characters; some clients send longer ones, MHD takes
 * them, so we allow more — but a bound keeps the tracker a fixed size. */
#define MP_BOUNDARY_MAX 200

typedef struct mp_close {
    char delim[MP_BOUNDARY_MAX + 6];  /* CRLF "--" boundary "--" */
    size_t dlen;
    char carry[MP_BOUNDARY_MAX + 6];  /* the last dlen - 1 bytes fed (a delimiter split across chunks) */
    size_t ncarry;
    bool closed;
} mp_close;

/* The boundary of a Content-Type value, read as MHD's post processor reads it
 * (everything after the first "boundary=" following "multipart/form-data",
 * enclosing quotes removed), so that both look for the same delimiter.
 * Writes it to out (NUL-terminated) and returns its length; 0 when the value
 * is not multipart/form-data, has no boundary, or it is longer than
 * MP_BOUNDARY_MAX. */
size_t mp_boundary(const char *content_type, char *out, size_t cap);

/* Start tracking a body with this boundary (blen ≤ MP_BOUNDARY_MAX). */
void mp_close_init(mp_close *m, const char *boundary, size_t blen);
/* The next bytes of the body, in order; chunks may be any size, even 0. */
void mp_close_feed(mp_close *m, const char *data, size_t n);
/* Has the close delimiter been seen?  (An epilogue after it is allowed.) */
bool mp_close_done(const mp_close *m);

#endif
