/* fuzz_multipart — uploads: the boundary read from Content-Type and the check
 * that a multipart body ended with its closing delimiter (src/http/multipart.c),
 * alone and behind libmicrohttpd's post processor as the server runs it.
 *
 * Input: the first byte seeds the chunk sizes; up to the first '\n' is the
 * boundary parameter (empty: "XyZ"); the rest is the body.  Checks:
 *   1. mp_boundary never reads or writes out of bounds, whatever the value;
 *   2. the tracker, fed in chunks of any sizes, agrees with a search for
 *      CRLF "--" boundary "--" over the whole body (with the CRLF the body is
 *      taken to start with);
 *   3. a real MHD daemon (no listening socket, driven with MHD_run) reads the
 *      request from a socket pair; its access handler feeds each chunk to MHD's
 *      post processor and to the tracker, as server.c does, and the tracker's
 *      verdict is again the whole-body search's. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool reference(const char *boundary, size_t blen, const char *body, size_t n) {
    size_t dl = blen + 6, wl = n + 2;
    char *delim = malloc(dl), *whole = malloc(wl);
    memcpy(delim, "\r\n--", 4);
    memcpy(delim + 4, boundary, blen);
    memcpy(delim + 4 + blen, "--", 2);
    memcpy(whole, "\r\n", 2);
    if (n) memcpy(whole + 2, body, n);
    bool found = memmem(whole, wl, delim, dl) != NULL;
    free(delim);
    free(whole);
    return found;
}

/* ---- 3: behind MHD ---- */

typedef struct run {
    const char *boundary;
    size_t blen;
    struct MHD_PostProcessor *pp;
    mp_close m;
    size_t file_bytes;
    bool done, ended, closed;
} run;

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                               const char *content_type, const char *transfer_encoding, const char *data,
                               uint64_t off, size_t size) {
    (void)kind, (void)key, (void)filename, (void)content_type, (void)transfer_encoding, (void)off;
    run *r = cls;
    if (size && data) r->file_bytes += size;
    return MHD_YES;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                 const char *version, const char *upload, size_t *upload_size, void **ctx) {
    (void)url, (void)method, (void)version;
    run *r = cls;
    if (!*ctx) {
        *ctx = r;
        char b[MP_BOUNDARY_MAX + 1];
        const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
        size_t blen = mp_boundary(ct, b, sizeof b);
        if (blen != r->blen || memcmp(b, r->boundary, blen) != 0) __builtin_trap();  /* read as sent */
        r->pp = MHD_create_post_processor(c, 64 * 1024, on_part, r);
        mp_close_init(&r->m, b, blen);
        return MHD_YES;
    }
    if (*upload_size) {
        mp_close_feed(&r->m, upload, *upload_size);
        if (r->pp) MHD_post_process(r->pp, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->pp) MHD_destroy_post_processor(r->pp);
    r->pp = NULL;
    r->done = true;
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ok = MHD_queue_response(c, 200, resp);
    MHD_destroy_response(resp);
    return ok;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **ctx, enum MHD_RequestTerminationCode toe) {
    (void)c, (void)toe;
    run *r = cls;
    if (r->pp) MHD_destroy_post_processor(r->pp);   /* the request ended before its body did */
    r->pp = NULL;
    r->ended = true;
    *ctx = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **sctx, enum MHD_ConnectionNotificationCode toe) {
    (void)c, (void)sctx;
    if (toe == MHD_CONNECTION_NOTIFY_CLOSED) ((run *)cls)->closed = true;
}

static struct MHD_Daemon *daemon_for(run *holder) {
    static struct MHD_Daemon *d;
    if (!d)
        d = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET, 0, NULL, NULL, on_access, holder,
                             MHD_OPTION_NOTIFY_COMPLETED, on_completed, holder,
                             MHD_OPTION_NOTIFY_CONNECTION, on_connection, holder,
                             MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)5, MHD_OPTION_END);
    return d;
}

/* One connection per input, gone (NOTIFY_CLOSED) before the next begins:
 * the handlers share one run. */
static void through_mhd(const char *param, const char *boundary, size_t blen, const char *body, size_t n,
                        bool want) {
    static run r;
    struct MHD_Daemon *d = daemon_for(&r);
    if (!d) return;
    memset(&r, 0, sizeof r);
    r.boundary = boundary;
    r.blen = blen;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return;
    fcntl(sv[1], F_SETFL, O_NONBLOCK);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(1)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (MHD_add_connection(d, sv[0], (struct sockaddr *)&sa, sizeof sa) != MHD_YES) {
        close(sv[0]);
        close(sv[1]);
        return;
    }
    char head[512];
    int hl = snprintf(head, sizeof head,
                      "POST /u HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=%s\r\n"
                      "Content-Length: %zu\r\n\r\n", param, n);
    size_t total = (size_t)hl + n, sent = 0;
    char sink[4096];
    for (int i = 0; i < 10000 && !r.ended; i++) {
        while (sent < total) {
            const char *p = sent < (size_t)hl ? head + sent : body + (sent - (size_t)hl);
            size_t k = sent < (size_t)hl ? (size_t)hl - sent : total - sent;
            ssize_t w = write(sv[1], p, k);
            if (w <= 0) break;
            sent += (size_t)w;
        }
        MHD_run(d);
        while (read(sv[1], sink, sizeof sink) > 0) {}
        if (r.done) break;
    }
    close(sv[1]);   /* MHD sees the end of the stream and closes its side */
    for (int i = 0; i < 1000 && !r.closed; i++) MHD_run(d);
    if (!r.closed) {
        fprintf(stderr, "fuzz_multipart: MHD kept the connection open\n");
        __builtin_trap();
    }
    if (r.done && mp_close_done(&r.m) != want) __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    unsigned seed = data[0];
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
    const char *nl = memchr(in, '\n', n);
    char param[MP_BOUNDARY_MAX + 64];
    const char *body;
    size_t bn;
    if (nl && (size_t)(nl - in) < sizeof param - 1) {
        memcpy(param, in, (size_t)(nl - in));
        param[nl - in] = 0;
        body = nl + 1;
        bn = n - (size_t)(nl - in) - 1;
    } else {
        snprintf(param, sizeof param, "XyZ");
        body = in;
        bn = n;
    }
    if (!param[0]) snprintf(param, sizeof param, "XyZ");

    /* 1. the value as a whole, and behind the type */
    char b[MP_BOUNDARY_MAX + 1];
    mp_boundary(param, b, sizeof b);
    mp_boundary(param, b, 1 + seed % 8);
    char ct[sizeof param + 64];
    snprintf(ct, sizeof ct, "multipart/form-data; boundary=%s", param);
    size_t blen = mp_boundary(ct, b, sizeof b);
    if (!blen) return 0;
    if (blen > MP_BOUNDARY_MAX || strlen(b) != blen) __builtin_trap();

    /* 2. any chunking gives the whole-body answer */
    bool want = reference(b, blen, body, bn);
    mp_close m;
    mp_close_init(&m, b, blen);
    unsigned x = seed * 2654435761u + 1;
    for (size_t off = 0; off < bn;) {
        x = x * 1103515245u + 12345u;
        size_t k = (x >> 16) % (blen + 9);   /* around the delimiter's length, 0 included */
        if (k > bn - off) k = bn - off;
        mp_close_feed(&m, body + off, k);
        off += k;
    }
    if (mp_close_done(&m) != want) __builtin_trap();

    /* 3. behind MHD, when the value can be sent as a header */
    for (const char *p = param; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) return 0;
    size_t pl = strlen(param);
    if (param[pl - 1] == ' ' || param[pl - 1] == '\t') return 0;   /* MHD trims a header value's end */
    through_mhd(param, b, blen, body, bn, want);
    return 0;
}
