/* multipart — is a multipart/form-data body closed?  See multipart.h. */
#include "multipart.h"

#include <string.h>
#include <strings.h>

size_t mp_boundary(const char *ct, char *out, size_t cap) {
    static const char kind[] = "multipart/form-data";
    if (cap) out[0] = 0;
    if (!ct || strncasecmp(ct, kind, sizeof kind - 1) != 0) return 0;
    /* As MHD: the first "boundary=" after the type, to the end of the value. */
    const char *b = strstr(ct + sizeof kind - 1, "boundary=");
    if (!b) return 0;
    b += strlen("boundary=");
    size_t n = strlen(b);
    /* MHD strips enclosing quotes when the first and the last character are
     * quotes; a lone '"' is both, so refuse anything that does not leave at
     * least one character, and an opening quote without its closing one. */
    if (n >= 2 && b[0] == '"' && b[n - 1] == '"') {
        b++;
        n -= 2;
    } else if (n && b[0] == '"') {
        return 0;
    }
    if (n == 0 || n > MP_BOUNDARY_MAX || n + 1 > cap) return 0;
    memcpy(out, b, n);
    out[n] = 0;
    return n;
}

void mp_close_init(mp_close *m, const char *boundary, size_t blen) {
    memset(m, 0, sizeof *m);
    if (blen > MP_BOUNDARY_MAX) blen = MP_BOUNDARY_MAX;
    memcpy(m->delim, "\r\n--", 4);
    memcpy(m->delim + 4, boundary, blen);
    memcpy(m->delim + 4 + blen, "--", 2);
    m->dlen = blen + 6;
    /* A body may start with its first delimiter, without the CRLF that
     * precedes every later one: pretend one came before the body. */
    memcpy(m->carry, "\r\n", 2);
    m->ncarry = 2;
}

/* Does the close delimiter occur in carry + data[0..n)?  Only matches that
 * reach into data are new (carry alone is shorter than the delimiter). */
static bool found_across(const mp_close *m, const char *data, size_t n) {
    /* starts inside carry: at most ncarry positions, each checked piecewise */
    for (size_t i = 0; i < m->ncarry; i++) {
        size_t head = m->ncarry - i;               /* delimiter bytes taken from carry */
        if (head + n < m->dlen) continue;          /* not enough data yet */
        if (memcmp(m->carry + i, m->delim, head) == 0 &&
            memcmp(data, m->delim + head, m->dlen - head) == 0)
            return true;
    }
    /* wholly inside data */
    if (n >= m->dlen) {
        const char *p = data, *end = data + n - m->dlen + 1;
        while (p < end && (p = memchr(p, '\r', (size_t)(end - p))) != NULL) {
            if (memcmp(p, m->delim, m->dlen) == 0) return true;
            p++;
        }
    }
    return false;
}

void mp_close_feed(mp_close *m, const char *data, size_t n) {
    if (m->closed || n == 0 || m->dlen == 0) return;
    if (found_across(m, data, n)) {
        m->closed = true;
        return;
    }
    /* keep the last dlen - 1 bytes of carry + data */
    size_t keep = m->dlen - 1;
    if (n >= keep) {
        memcpy(m->carry, data + n - keep, keep);
        m->ncarry = keep;
    } else {
        size_t from_old = m->ncarry + n > keep ? keep - n : m->ncarry;
        memmove(m->carry, m->carry + m->ncarry - from_old, from_old);
        memcpy(m->carry + from_old, data, n);
        m->ncarry = from_old + n;
    }
}

bool mp_close_done(const mp_close *m) { return m->closed; }
