/* fuzz_query — query strings: the decoder a request without a connection
 * uses (http_query_lookup, request.c) and what list routes do with the
 * values: paging (page, size), ordering by a declared key (?sort=, listq.c:
 * SQL text and the in-memory sort), the ?format=xlsx check, the integer
 * parameters handlers read, and the error reply each refusal becomes.
 *
 * Input: the query string, up to a NUL (a URL has none).  The route is the
 * (size % n)-th list route that declares sort keys, or one that declares none.
 * Checks:
 *   1. accepted paging lies in its bounds and its offset does not overflow;
 *   2. an accepted ORDER BY is built only from the route's own static SQL
 *      (never from query text), exactly as listq.c formats it;
 *   3. every refusal gives an error reply (JSON, so valid UTF-8 whatever the
 *      query held) whose message does not leak past its buffer;
 *   4. the decoder agrees with libmicrohttpd: when the query can be sent in a
 *      request line, a real MHD daemon (no listening socket, driven with
 *      MHD_run over a socket pair) parses it, and for every name it reports
 *      and every name handlers read, MHD's value and ours are the same.
 * The route scope declarations (src/auth/auth.c, "kind:?name") are static
 * text; the query values they name go through http_query (covered here) and
 * then to a database lookup, which this target does not reach. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <jansson.h>
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

#include "core/utf8.h"
#include "http/http.h"
#include "http/http_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* names the handlers read (grep 'http_query' src) and a few the lists share */
static const char *const names[] = {"page", "size", "sort", "format", "q", "kind", "to", "from", "district", "verified",
                                    "user", "state", "roots", "role", "result", "removed", "parent_id", "parent",
                                    "org_id", "max", "list", "enterprise_id", "a", "b", "action", "", "PAGE", NULL};

/* ---- routes ---- */

static const http_route *routes[160];
static int nroutes;
static const http_route plain = {"GET", "/api/plain", "login", NULL, HB_NONE, "无排序", "t", NULL, NULL, NULL};
static json_t *items[160];   /* per route: objects holding every sort key, of mixed types */

static void init_routes(void) {
    for (const http_route *const *t = http_route_tables; *t; t++)
        for (const http_route *rt = *t; rt->method; rt++)
            if (rt->sort && rt->sort[0].key && !strcmp(rt->method, "GET") && nroutes < 159) routes[nroutes++] = rt;
    routes[nroutes++] = &plain;
    static const char *const zh[] = {"厦门", "思明区", "软件园二期", NULL, "Ａｂｃ", "湖里区"};
    for (int i = 0; i < nroutes; i++) {
        items[i] = json_array();
        for (int k = 0; k < 6; k++) {
            json_t *o = json_object();
            for (const http_sort_key *sk = routes[i]->sort; sk && sk->key; sk++) {
                json_t *v;
                switch ((k + (int)(sk - routes[i]->sort)) % 4) {
                case 0: v = zh[k] ? json_string(zh[k]) : json_null(); break;
                case 1: v = json_integer(k * 7 % 5); break;
                case 2: v = json_real(k / 3.0); break;
                default: v = k % 2 ? json_null() : json_string("b"); break;
                }
                json_object_set_new(o, sk->key, v);
            }
            json_array_append_new(items[i], o);
        }
    }
}

/* 2: what listq.c may build for this route, and nothing else */
static bool order_ok(const http_route *rt, const char *tie, const char *order) {
    if (!strcmp(order, tie)) return true;
    char want[1024];
    for (const http_sort_key *p = rt->sort; p && p->key; p++)
        for (int desc = 0; desc < 2; desc++) {
            if (p->keyed)   /* a kept NOT NULL sort key: ordered bare, so that its index serves */
                snprintf(want, sizeof want, "%s %s, %s", p->sql, desc ? "DESC" : "ASC", tie);
            else
                snprintf(want, sizeof want, "(%s) IS NULL, %s%s %s, %s", p->sql, p->sql, p->zh ? "{{ZH}}" : "",
                         desc ? "DESC" : "ASC", tie);
            if (!strcmp(order, want)) return true;
        }
    return false;
}

/* 3: a refusal as the client sees it */
static void error_reply(const err *e) {
    if (memchr(e->msg, 0, sizeof e->msg) == NULL || memchr(e->field, 0, sizeof e->field) == NULL) __builtin_trap();
    json_t *j = http_error_json(e, NULL);
    if (!j) {
        fprintf(stderr, "fuzz_query: no error reply for \"%s\" (field %s)\n", e->msg, e->field);
        __builtin_trap();
    }
    json_decref(j);
}

/* ---- 4: behind MHD ---- */

typedef struct run {
    const char *query;
    bool called, done, closed;
    int mismatches;
} run;

static enum MHD_Result each_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
    (void)kind, (void)value;
    const char ***keys = cls;
    if (key) *(*keys)++ = key;
    return MHD_YES;
}

static void compare(run *r, struct MHD_Connection *c, const char *name) {
    arena a;
    arena_init(&a, 1 << 20);
    const char *mine = http_query_lookup(&a, r->query, name);
    const char *theirs = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
    if ((mine == NULL) != (theirs == NULL) || (mine && strcmp(mine, theirs) != 0)) {
        fprintf(stderr, "fuzz_query: \"%s\" in \"%s\": ours %s%s%s, MHD %s%s%s\n", name, r->query, mine ? "\"" : "",
                mine ? mine : "NULL", mine ? "\"" : "", theirs ? "\"" : "", theirs ? theirs : "NULL", theirs ? "\"" : "");
        r->mismatches++;
    }
    arena_free(&a);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                 const char *version, const char *upload, size_t *upload_size, void **ctx) {
    (void)url, (void)method, (void)version, (void)upload, (void)upload_size, (void)ctx;
    run *r = cls;
    if (!r->called) {
        r->called = true;
        const char *keys[4096], **kp = keys;
        int n = MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, NULL, NULL);
        if (n > 0 && n <= 4096) {
            MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, each_arg, &kp);
            for (const char **k = keys; k < kp; k++) compare(r, c, *k);
        }
        for (const char *const *k = names; *k; k++) compare(r, c, *k);
    }
    r->done = true;
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ok = MHD_queue_response(c, 200, resp);
    MHD_destroy_response(resp);
    return ok;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **sctx, enum MHD_ConnectionNotificationCode toe) {
    (void)c, (void)sctx;
    if (toe == MHD_CONNECTION_NOTIFY_CLOSED) ((run *)cls)->closed = true;
}

static void through_mhd(const char *q, size_t n) {
    static run r;
    static struct MHD_Daemon *d;
    if (!d)
        d = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET, 0, NULL, NULL, on_access, &r, MHD_OPTION_NOTIFY_CONNECTION,
                             on_connection, &r, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)5, MHD_OPTION_END);
    if (!d) return;
    memset(&r, 0, sizeof r);
    r.query = q;
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
    size_t total = n + 40;
    char *req = malloc(total);
    if (!req) abort();
    int k = snprintf(req, total, "GET /x?%s HTTP/1.1\r\nHost: x\r\n\r\n", q);
    size_t sent = 0;
    char sink[4096];
    for (int i = 0; i < 1000 && !r.done; i++) {
        while (sent < (size_t)k) {
            ssize_t w = write(sv[1], req + sent, (size_t)k - sent);
            if (w <= 0) break;
            sent += (size_t)w;
        }
        MHD_run(d);
        while (read(sv[1], sink, sizeof sink) > 0) {}
    }
    free(req);
    close(sv[1]);
    for (int i = 0; i < 1000 && !r.closed; i++) MHD_run(d);
    if (!r.closed) {
        fprintf(stderr, "fuzz_query: MHD kept the connection open\n");
        __builtin_trap();
    }
    if (r.mismatches) __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!nroutes) init_routes();
    size_t n = strnlen((const char *)data, size);
    char *q = malloc(n + 1);
    if (!q) return 0;
    memcpy(q, data, n);
    q[n] = 0;
    int ri = (int)(size % (size_t)nroutes);
    const http_route *rt = routes[ri];
    http_req r;
    memset(&r, 0, sizeof r);
    arena_init(&r.mem, 1 << 22);
    r.method = "GET";
    r.path = rt->pattern;
    r.route = rt;
    r.query = q;
    r.reply_fd = -1;
    err e;
    err_clear(&e);

    /* the export check, then paging as the list would page (one big page when exporting) */
    st s = http_export_begin(&r, &e);
    if (s) error_reply(&e);
    http_page pg;
    if ((s = http_paging(&r, &pg, &e))) error_reply(&e);
    else if (!r.exporting && (pg.page < 1 || pg.page > 1000000 || pg.size < 1 || pg.size > 500 ||
                              pg.offset != (pg.page - 1) * pg.size))
        __builtin_trap();

    /* ordering: the SQL terms, then the in-memory sort of a small list */
    const char *def = rt->sort ? rt->sort[0].key : NULL, *order = NULL;
    if ((s = http_order(&r, def, "t.id", &order, &e))) error_reply(&e);
    else if (!order_ok(rt, "t.id", order)) {
        fprintf(stderr, "fuzz_query: ORDER BY \"%s\" from \"%s\"\n", order, q);
        __builtin_trap();
    }
    json_t *page = NULL;
    int64_t total = 0;
    if ((s = http_page_array(&r, items[ri], def, &page, &total, &e))) error_reply(&e);
    else if (total != (int64_t)json_array_size(items[ri]) || json_array_size(page) > (size_t)total) __builtin_trap();
    json_decref(page);

    /* the integer parameters handlers read, and the rest as text */
    for (const char *const *k = names; *k; k++) {
        int64_t v;
        if ((s = http_query_int(&r, *k, 0, -5, 1000, &v, &e))) error_reply(&e);
        else if (v < -5 || v > 1000) __builtin_trap();
        const char *t = http_query(&r, *k);
        if (t) utf8_valid(t, strlen(t));
    }
    arena_free(&r.mem);

    /* 4: a query a client can put in a request line (no space, control or '#') */
    bool sendable = n > 0;
    for (size_t i = 0; i < n && sendable; i++)
        sendable = (unsigned char)q[i] > 0x20 && q[i] != 0x7f && q[i] != '#';
    if (sendable) through_mhd(q, n);
    free(q);
    return 0;
}
