/* server — libmicrohttpd glue: connection limits, body limits, multipart
 * streaming to temp files, dispatch through the route table, the reply with
 * security headers and a request id, one log line per request, deadlines for
 * slow clients, graceful stop.
 *
 * MHD calls the access handler several times per request: first with no body
 * (we set up the request and refuse early: unknown route, wrong content type),
 * then with body chunks, then once more with nothing left — only then do we
 * run the handler and queue the reply (queuing on the first call closes the
 * connection in 0.9.75).  A body over its limit is the exception: it is
 * answered 413 as soon as it is known to be too large — from Content-Length
 * before any of it is read, or at the limit for a chunked one — and never
 * read in full (see refuse_body).
 *
 * Deadlines (issue 11 item 7): MHD's connection timeout restarts with every
 * byte, so a client sending one header line every few seconds held its
 * connection — and, 64 times over, its address's whole per-IP quota —
 * forever.  Every connection has a phase and the time it began (conn_state,
 * from MHD_OPTION_NOTIFY_CONNECTION); a sweeper thread shuts down the socket of
 * any connection whose headers took longer than header-timeout (counted from
 * connect, or from the request line on a kept-alive connection) or whose body
 * took longer than body-timeout.  Shutting the socket down wakes the worker
 * that owns it, which then closes it; the list is locked while we do so, and
 * MHD tells us a connection is closed (and we unlink it) before it closes the
 * socket, so we never touch a descriptor that belongs to someone else.
 * The same list lets a stop close idle kept-alive connections at once. */
#include "http.h"
#include "http_internal.h"
#include "multipart.h"

#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <microhttpd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/audit.h"
#include "core/config.h"
#include "core/log.h"
#include "core/utf8.h"

/* Where a connection is; each phase but CP_BUSY has a deadline. */
typedef enum conn_phase {
    CP_NEW,      /* accepted, headers not complete: header-timeout from connect */
    CP_IDLE,     /* kept alive after a reply, nothing sent yet: conn-timeout */
    CP_HEADERS,  /* request line seen on a kept-alive connection: header-timeout from it */
    CP_BODY,     /* headers done, body being read: body-timeout */
    CP_LINGER,   /* body refused (413 sent): discarding what is still on its way, LINGER_MS */
    CP_BUSY,     /* handler running or reply being sent: MHD's idle timeout only */
} conn_phase;

typedef struct conn_state {
    struct conn_state *prev, *next;
    int fd;
    conn_phase phase;
    double since;       /* when the phase's deadline started (ms, monotonic) */
    bool shut;          /* we shut the socket down; MHD will close it */
    atomic_bool cut;    /* shut while its body was being read: the request is over */
    char addr[64];
    char request_id[17];
} conn_state;

struct http_server {
    struct MHD_Daemon *d;
    db_pool *pool;
    atomic_int active;
    uint16_t port;
    pthread_mutex_t mu;       /* guards conns and every conn_state's phase, since, shut */
    conn_state *conns;
    atomic_bool stopping;
    double header_ms, body_ms, idle_ms;
    pthread_t sweeper;
    bool sweeper_running;
    pthread_mutex_t wake_mu;  /* the sweeper naps on wake, so that a stop need not wait for it */
    pthread_cond_t wake;
    bool sweeper_quit;
};

static const http_auth_ops *auth_ops;
void http_set_auth(const http_auth_ops *ops) { auth_ops = ops; }

st http_audit(http_req *r, const char *action, const char *object, const char *result, const char *detail, err *e) {
    uc_act a = {action, object, detail, result};
    return uc_audit(http_uc(r), &a, e);
}

/* Filled on every call: the caller is known only once the auth hook ran. */
uc *http_uc(http_req *r) {
    r->use.d = http_db(r);
    r->use.mem = &r->mem;
    r->use.who.user_id = r->user.id;
    r->use.who.username = r->user.username;
    r->use.who.role = r->user.role;
    r->use.who.scope_kind = r->user.scope_kind;
    r->use.who.scope_code = r->user.scope_code;
    r->use.who.address = r->addr;
    r->use.request_id = r->request_id;
    return &r->use;
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

db *http_db(http_req *r) {
    if (!r->db_conn) r->db_conn = db_pool_get(((http_server *)r->daemon_ctx)->pool);
    return r->db_conn;
}

/* The pooled connection goes back as soon as the request stops needing it —
 * after the handler, and once an upload's caller was checked (its body may
 * take minutes) — not when the reply has gone out: a worker thread waiting in
 * db_pool_get reads no body and sends no reply of its other connections, so
 * connections held by those deadlock the pool (six uploads at once on two
 * threads, pool of three: crash.test waited out body-timeout).  http_db()
 * takes one again if anything still asks. */
static void release_db(http_req *r) {
    if (!r->db_conn) return;
    if (r->on_replica) db_replica_put(http_replica(), r->db_conn);
    else db_pool_put(((http_server *)r->daemon_ctx)->pool, r->db_conn);   /* rolls back an open tx */
    r->db_conn = NULL;
    r->on_replica = false;
}

static void req_free(http_req *r) {
    if (r->pp) MHD_destroy_post_processor(r->pp);
    /* upload_fd is the last upload's, closed with it (uploads[].fd) */
    for (int i = 0; i < r->nuploads; i++)
        if (r->uploads[i].path && r->uploads[i].fd >= 0) close(r->uploads[i].fd);
    for (int i = 0; i < r->ntmp; i++) close(r->tmp_fds[i]);
    release_db(r);
    json_decref(r->json);
    json_decref(r->reply);
    free(r->reply_raw);
    if (r->reply_fd >= 0) close(r->reply_fd);
    buf_free(&r->body);
    arena_free(&r->mem);
    free(r);
}

/* ---- connections and their deadlines ---- */

static conn_state *conn_of(struct MHD_Connection *c) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* Move a connection to a phase; restart its clock unless keep_clock. */
static void conn_enter(http_server *s, conn_state *cs, conn_phase phase, bool keep_clock) {
    if (!cs) return;
    pthread_mutex_lock(&s->mu);
    cs->phase = phase;
    if (!keep_clock) cs->since = now_ms();
    pthread_mutex_unlock(&s->mu);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe) {
    http_server *s = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        atomic_fetch_add(&s->active, 1);
        /* Without memory for its state a connection just has no deadline of
         * ours (MHD's idle timeout still applies). */
        conn_state *cs = calloc(1, sizeof *cs);
        *socket_context = cs;
        if (!cs) return;
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        cs->fd = ci ? ci->connect_fd : -1;
        ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        snprintf(cs->addr, sizeof cs->addr, "-");
        if (ci && ci->client_addr) http_format_addr(ci->client_addr, cs->addr, sizeof cs->addr);
        cs->phase = CP_NEW;
        cs->since = now_ms();
        pthread_mutex_lock(&s->mu);
        cs->next = s->conns;
        if (s->conns) s->conns->prev = cs;
        s->conns = cs;
        pthread_mutex_unlock(&s->mu);
    } else {
        /* MHD calls this before it closes the socket: once unlinked, the
         * sweeper can no longer shut down a descriptor number reused by
         * another connection. */
        conn_state *cs = *socket_context;
        if (cs) {
            pthread_mutex_lock(&s->mu);
            if (cs->prev) cs->prev->next = cs->next;
            else s->conns = cs->next;
            if (cs->next) cs->next->prev = cs->prev;
            pthread_mutex_unlock(&s->mu);
            free(cs);
            *socket_context = NULL;
        }
        atomic_fetch_sub(&s->active, 1);
    }
}

/* Called when a request line has arrived (MHD_OPTION_URI_LOG_CALLBACK): on a
 * kept-alive connection the headers' deadline starts now.  Returns the initial
 * request context, which on_access makes itself. */
static void *on_request_line(void *cls, const char *uri, struct MHD_Connection *c) {
    (void)uri;
    http_server *s = cls;
    conn_state *cs = conn_of(c);
    if (cs) {
        pthread_mutex_lock(&s->mu);
        if (cs->phase == CP_IDLE) {
            cs->phase = CP_HEADERS;
            cs->since = now_ms();
        } else if (cs->phase == CP_NEW) {
            cs->phase = CP_HEADERS;   /* the clock keeps running from connect */
        }
        pthread_mutex_unlock(&s->mu);
    }
    return NULL;
}

/* Security headers of every reply, ours and the raw ones below. */
static const char *const security_headers[][2] = {
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "same-origin"},
    {"Content-Security-Policy",
     "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
     "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
     "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
};

/* A JSON error reply written straight to the socket, then the sending side
 * shut (FIN after the reply), for the cases MHD 0.9.75 cannot queue a reply
 * in: while a body is being read.  Best effort within wait_ms: the
 * connection is closed right after either way. */
static void send_raw_error(int fd, int status, const char *reason, const err *shown, const char *request_id,
                           int wait_ms) {
    if (fd < 0) return;
    json_t *j = http_error_json(shown, NULL);
    json_object_set_new(json_object_get(j, "error"), "request_id", json_string(request_id));
    char *body = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (!body) return;
    char head[2048];
    int k = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=utf-8\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\nCache-Control: no-store\r\n"
                     "X-Request-Id: %s\r\n",
                     status, reason, strlen(body), request_id);
    for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0] && k > 0 && (size_t)k < sizeof head; i++)
        k += snprintf(head + k, sizeof head - (size_t)k, "%s: %s\r\n", security_headers[i][0], security_headers[i][1]);
    if (k > 0 && (size_t)k < sizeof head) k += snprintf(head + k, sizeof head - (size_t)k, "\r\n");
    if (k <= 0 || (size_t)k >= sizeof head) {
        free(body);
        return;
    }
    struct { const char *p; size_t n; } parts[2] = {{head, (size_t)k}, {body, strlen(body)}};
    double until = now_ms() + wait_ms;
    for (int i = 0; i < 2; i++) {
        while (parts[i].n) {
            ssize_t w = send(fd, parts[i].p, parts[i].n, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (w > 0) {
                parts[i].p += w;
                parts[i].n -= (size_t)w;
                continue;
            }
            if (w < 0 && errno == EINTR) continue;
            int left = (int)(until - now_ms());
            if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && left > 0) {
                struct pollfd pf = {.fd = fd, .events = POLLOUT};
                poll(&pf, 1, left);
                continue;
            }
            i = 2;   /* the peer is gone or not reading: give up */
            break;
        }
    }
    shutdown(fd, SHUT_WR);
    free(body);
}

/* How long, and how much, a refused body is read on (see refuse_body). */
#define LINGER_MS 2000
#define LINGER_BYTES (1u << 20)

/* Shut down every connection past its deadline (and, while stopping, every
 * connection not serving a request).  shutdown() rather than close(): the
 * descriptor stays MHD's, which sees the end of the stream and closes it. */
static void sweep(http_server *s) {
    double now = now_ms();
    bool stopping = atomic_load(&s->stopping);
    pthread_mutex_lock(&s->mu);
    for (conn_state *cs = s->conns; cs; cs = cs->next) {
        if (cs->shut || cs->fd < 0) continue;
        double limit;
        switch (cs->phase) {
        case CP_NEW:
        case CP_HEADERS: limit = stopping ? 0 : s->header_ms; break;
        case CP_IDLE: limit = stopping ? 0 : s->idle_ms; break;
        case CP_LINGER: limit = stopping ? 0 : LINGER_MS; break;
        case CP_BODY: limit = s->body_ms; break;
        default: continue;
        }
        if (now - cs->since < limit) continue;
        if (cs->phase == CP_BODY) {
            /* The worker may be reading this body right now, but it writes
             * nothing until it holds this lock to enter CP_BUSY and sees cut. */
            atomic_store(&cs->cut, true);
            err e;
            err_set(&e, ST_INVALID, "请求体没有在 %ld 秒内传完，连接已断开。请检查网络后重试；上传大文件时可请管理员调大 body-timeout 设置。",
                    (long)(s->body_ms / 1000));
            snprintf(e.api_code, sizeof e.api_code, "request_timeout");
            send_raw_error(cs->fd, 408, "Request Timeout", &e, cs->request_id, 0);
            log_warn("req %s: 请求体超过 %ld 秒未传完，已断开 addr=%s", cs->request_id, (long)(s->body_ms / 1000),
                     cs->addr);
        } else if (cs->phase != CP_IDLE && !stopping) {
            /* info, not warn: a browser's unused pre-opened connection ends so too */
            log_info("请求头超过 %ld 秒未收完，已断开连接 addr=%s", (long)(s->header_ms / 1000), cs->addr);
        }
        shutdown(cs->fd, SHUT_RDWR);
        cs->shut = true;
    }
    pthread_mutex_unlock(&s->mu);
}

#define SWEEP_MS 100

static void *sweeper_main(void *arg) {
    http_server *s = arg;
    pthread_mutex_lock(&s->wake_mu);
    while (!s->sweeper_quit) {
        pthread_mutex_unlock(&s->wake_mu);
        sweep(s);
        pthread_mutex_lock(&s->wake_mu);
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += SWEEP_MS * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        if (!s->sweeper_quit) pthread_cond_timedwait(&s->wake, &s->wake_mu, &ts);
    }
    pthread_mutex_unlock(&s->wake_mu);
    return NULL;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
    http_server *s = cls;
    conn_state *cs = conn_of(c);
    http_req *r = *con_cls;
    /* The reply is out: a kept-alive connection now waits for the next request. */
    conn_enter(s, cs, CP_IDLE, false);
    if (!r) return;
    if (cs && atomic_load(&cs->cut)) r->status = 408;
    if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && r->status == 0) r->status = 499;
    log_request(r->method, r->path, r->status, now_ms() - r->t_start, r->user.username, r->addr, r->request_id);
    req_free(r);
    *con_cls = NULL;
}

/* ---- multipart ---- */

static enum MHD_Result on_post_data(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *filename, const char *content_type,
                                    const char *transfer_encoding, const char *data, uint64_t off,
                                    size_t size) {
    (void)kind;
    (void)content_type;
    (void)transfer_encoding;
    http_req *r = cls;
    if (r->early) return MHD_NO;
    if (filename) {
        http_upload *u = r->nuploads ? &r->uploads[r->nuploads - 1] : NULL;
        if (!u || strcmp(u->field, key) != 0 || off == 0) {
            if (r->nuploads >= 4) {
                r->early = err_set(&r->early_err, ST_INVALID, "一次最多上传 4 个文件。");
                return MHD_NO;
            }
            const char *dir = cfg_str("upload-dir");
            if (!*dir) dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
            char *tmpl = arena_printf(&r->mem, "%s/ejia-upload-XXXXXX", dir);
            /* The file loses its name at once: it lives while we hold it open
             * and is read through /proc/self/fd, so a server killed mid-request
             * leaves no upload behind in a folder others share. */
            r->upload_fd = tmpl ? mkstemp(tmpl) : -1;
            if (r->upload_fd < 0) {
                r->early = err_set(&r->early_err, ST_IO, "无法保存上传文件（临时目录 %s 不可写）。", dir);
                return MHD_NO;
            }
            unlink(tmpl);
            u = &r->uploads[r->nuploads++];
            u->fd = r->upload_fd;
            tmpl = arena_printf(&r->mem, "/proc/self/fd/%d", u->fd);
            u->field = arena_strdup(&r->mem, key);
            const char *base = strrchr(filename, '/');
            const char *base2 = strrchr(base ? base : filename, '\\');
            u->filename = arena_strdup(&r->mem, base2 ? base2 + 1 : base ? base + 1 : filename);
            u->path = tmpl;
            u->size = 0;
        }
        if (u->size + size > (uint64_t)cfg_int("max-upload")) {
            r->early = err_set(&r->early_err, ST_TOO_LARGE, "上传文件超过上限 %ld 字节。",
                               cfg_int("max-upload"));
            return MHD_NO;
        }
        size_t done = 0;
        while (done < size) {
            ssize_t w = write(r->upload_fd, data + done, size - done);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) {
                r->early = err_set(&r->early_err, ST_IO, "保存上传文件失败：%s", strerror(errno));
                return MHD_NO;
            }
            done += (size_t)w;
        }
        u->size += size;
        return MHD_YES;
    }
    /* A text field: kept whole in the arena, small. */
    for (int i = 0; i < r->nfields; i++)
        if (strcmp(r->field_name[i], key) == 0) {
            size_t old = strlen(r->field_val[i]);
            if (old + size > 65536) {
                r->early = err_set(&r->early_err, ST_TOO_LARGE, "表单字段 %s 过长。", key);
                return MHD_NO;
            }
            char *v = arena_alloc(&r->mem, old + size + 1);
            if (!v) return MHD_NO;
            memcpy(v, r->field_val[i], old);
            memcpy(v + old, data, size);
            v[old + size] = 0;
            r->field_val[i] = v;
            return MHD_YES;
        }
    if (r->nfields >= 16) {
        r->early = err_set(&r->early_err, ST_INVALID, "表单字段过多。");
        return MHD_NO;
    }
    r->field_name[r->nfields] = arena_strdup(&r->mem, key);
    r->field_val[r->nfields] = arena_strndup(&r->mem, data, size);
    r->nfields++;
    return MHD_YES;
}

/* ---- replies ---- */

static void add_security_headers(struct MHD_Response *resp, http_req *r, bool api) {
    for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
        MHD_add_response_header(resp, security_headers[i][0], security_headers[i][1]);
    if (api || r->no_store) MHD_add_response_header(resp, "Cache-Control", "no-store");
    for (size_t i = 0; i < sizeof r->set_cookie / sizeof r->set_cookie[0]; i++)
        if (r->set_cookie[i]) MHD_add_response_header(resp, "Set-Cookie", r->set_cookie[i]);
    if (r->retry_after > 0) {
        char ra[24];
        snprintf(ra, sizeof ra, "%lld", (long long)r->retry_after);
        MHD_add_response_header(resp, "Retry-After", ra);
    }
}

static enum MHD_Result queue_reply(struct MHD_Connection *c, http_req *r) {
    struct MHD_Response *resp;
    bool api = strncmp(r->path, "/api/", 5) == 0 || strcmp(r->path, "/healthz") == 0;
    /* Every error body names the request, whoever built it (handlers may use
     * http_error_json themselves). */
    json_t *eo = r->status >= 400 ? json_object_get(r->reply, "error") : NULL;
    if (json_is_object(eo) && !json_object_get(eo, "request_id"))
        json_object_set_new(eo, "request_id", json_string(r->request_id));
    if (r->reply_fd >= 0) {
        struct stat sb;
        if (fstat(r->reply_fd, &sb) != 0) sb.st_size = 0;
        resp = r->status == 206 && r->reply_count >= 0 ? MHD_create_response_from_fd_at_offset64((uint64_t)r->reply_count, r->reply_fd, (uint64_t)r->reply_off)
                                   : MHD_create_response_from_fd64((uint64_t)sb.st_size, r->reply_fd);
        r->reply_fd = -1;  /* MHD closes it */
        if (r->reply_type) MHD_add_response_header(resp, "Content-Type", r->reply_type);
    } else if (r->reply) {
        size_t n = 0;
        char *s = http_json_text(r->reply, &n);   /* json_text.c: json_dumps without its costs */
        resp = MHD_create_response_from_buffer(n, s, MHD_RESPMEM_MUST_FREE);
        MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    } else if (r->reply_raw) {
        resp = MHD_create_response_from_buffer(r->reply_len, r->reply_raw, MHD_RESPMEM_MUST_FREE);
        r->reply_raw = NULL;
        if (r->reply_type) MHD_add_response_header(resp, "Content-Type", r->reply_type);
    } else {
        resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    }
    if (!resp) return MHD_NO;
    if (r->reply_disposition) MHD_add_response_header(resp, "Content-Disposition", r->reply_disposition);
    if (r->accept_ranges) MHD_add_response_header(resp, "Accept-Ranges", "bytes");
    if (r->content_range) MHD_add_response_header(resp, "Content-Range", r->content_range);
    http_static_headers(r, resp);
    add_security_headers(resp, r, api);
    MHD_add_response_header(resp, "X-Request-Id", r->request_id);
    /* with a read replica: which database answered (replica.c; the replica test reads it) */
    if (api && r->route && http_replica()) MHD_add_response_header(resp, "X-Ejia-Db", r->replica_served ? "replica" : "primary");
    /* 503 is "not now" (database busy or reconnecting): say when to come back. */
    if (r->status == 503) MHD_add_response_header(resp, "Retry-After", "2");
    /* While stopping, a connection ends with the request it is serving. */
    if (r->close_after || atomic_load(&((http_server *)r->daemon_ctx)->stopping))
        MHD_add_response_header(resp, "Connection", "close");
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ok;
}

json_t *http_error_json(const err *in, json_t *detail) {
    /* jansson refuses strings that are not UTF-8, and the reply then had no
     * body at all: messages quote what the user sent ("%.40s" of a query value
     * may also cut a character in two; a file name may be GBK).  Such bytes
     * are shown as '?' (fuzz_query, corpus/query/crash-error-not-utf8). */
    err c = *in, *e = &c;
    c.msg[sizeof c.msg - 1] = c.field[sizeof c.field - 1] = c.where[sizeof c.where - 1] = 0;
    utf8_scrub(c.msg, strlen(c.msg));
    utf8_scrub(c.field, strlen(c.field));
    utf8_scrub(c.where, strlen(c.where));
    json_t *o = json_pack("{s:s,s:s}", "code", e->api_code[0] ? e->api_code : st_name(e->code), "message",
                          e->msg[0] ? e->msg : "服务器内部错误，请稍后重试。");
    if (e->field[0]) json_object_set_new(o, "field", json_string(e->field));
    if (e->where[0]) json_object_set_new(o, "where", json_string(e->where));
    if (detail) json_object_set_new(o, "detail", detail);
    return json_pack("{s:o}", "error", o);
}

/* The error as the caller sees it: internal text (5xx, database messages)
 * logged under the request id and replaced (http_error_public). */
static void error_shown(http_req *r, const err *e, err *shown) {
    if (http_error_public(e, r->request_id, shown))
        log_error("req %s %s %s: %s: %s", r->request_id, r->method, r->path, st_name(e->code), e->msg);
}

static void reply_error(http_req *r, const err *e) {
    json_decref(r->reply);
    r->reply = NULL;
    free(r->reply_raw);
    r->reply_raw = NULL;
    if (r->reply_fd >= 0) close(r->reply_fd);
    r->reply_fd = -1;
    err shown;
    error_shown(r, e, &shown);
    r->status = st_http(e->code);
    r->reply = http_error_json(&shown, NULL);
    if (r->status == 401 || r->status == 403) {
        if (auth_ops && auth_ops->denied) auth_ops->denied(r, e->code, e);
    }
}

/* Origin check on every write (CSRF): a browser sends Origin on cross-site
 * POSTs; it must name this host.  Requests without Origin and without a
 * cookie (scripts, curl) carry no ambient authority and pass. */
static st csrf_check(http_req *r, err *e) {
    if (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD") || !strcmp(r->method, "OPTIONS"))
        return ST_OK;
    const char *origin = http_header(r, "Origin");
    const char *host = http_header(r, "Host");
    if (!origin) {
        if (http_header(r, "Cookie") && !http_header(r, "X-Requested-With"))
            return err_set(e, ST_FORBIDDEN, "请求缺少 Origin 头，已拒绝（跨站请求防护）。");
        return ST_OK;
    }
    const char *p = strstr(origin, "://");
    if (!host || !p || strcmp(p + 3, host) != 0)
        return err_set(e, ST_FORBIDDEN, "请求来源 %s 与本站不符，已拒绝（跨站请求防护）。", origin);
    return ST_OK;
}

/* A write (any method but GET and HEAD) or an export (a download, or a list
 * as xlsx) that succeeded must have left exactly one audit row.  In the test
 * mode (audit-check) one that did not fails the request, so a forgotten
 * audit fails the tests; audit-trace lists every such request with its rows
 * for the check that every audited route was exercised (scripts/check). */
static st audited_once(http_req *r, int64_t rows, err *e) {
    bool writes = strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0;
    bool export = r->exporting || r->route->download;
    if (r->reply_disposition && !r->route->download && !r->exporting && cfg_bool("audit-check")) {
        log_error("request %s: %s %s sends a file but its route is not declared .download", r->request_id, r->method,
                  r->route->pattern);
        return err_set(e, ST_INTERNAL, "内部错误：该接口发送文件，但路由表没有声明 download（审计检查模式）。");
    }
    if (!writes && !export) return ST_OK;
    /* A refusal the handler answered itself (a login's 423 or 429, which
     * carry error.detail) is no success: its rows are its own. */
    if (r->status >= 400) return ST_OK;
    const char *trace = cfg_str("audit-trace");
    if (trace && *trace) {
        char line[512];
        int n = snprintf(line, sizeof line, "%s %s %lld\n", r->method, r->route->pattern, (long long)rows);
        int fd = open(trace, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd >= 0) {   /* one short write with O_APPEND: lines of concurrent requests do not mix */
            if (write(fd, line, (size_t)n) != n) log_warn("audit-trace: short write to %s", trace);
            close(fd);
        }
    }
    if (rows == 1 || (rows == 0 && r->route->audit_on_flush) || !cfg_bool("audit-check")) return ST_OK;
    log_error("request %s: %s %s succeeded with %lld audit rows (want exactly 1)", r->request_id, r->method,
              r->route->pattern, (long long)rows);
    return err_set(e, ST_INTERNAL, "内部错误：该操作没有恰好一条审计记录（审计检查模式）。");
}

/* The handler reads the replica when it may (replica.c): the primary's
 * connection, used to identify the caller, goes back first. */
static void read_replica(http_req *r) {
    db *rd = http_replica_take(r);
    if (!rd) return;
    release_db(r);
    r->db_conn = rd;
    r->on_replica = r->replica_served = true;
}

/* The replica went away while the handler read it: these routes write
 * nothing, so the same handler runs again on the primary, and the caller
 * never sees the replica's outage. */
static st read_again(http_req *r, err *e) {
    db_replica_failed(http_replica(), e->msg);
    release_db(r);
    r->replica_served = false;
    json_decref(r->reply);
    r->reply = NULL;
    free(r->reply_raw);
    r->reply_raw = NULL;
    r->status = 0;
    err_clear(e);
    return r->route->handler(r, e);
}

static void dispatch(http_req *r) {
    err e;
    err_clear(&e);
    st s = r->early;
    if (s) e = r->early_err;
    if (!s) s = csrf_check(r, &e);
    if (!s && auth_ops && auth_ops->authenticate && !r->authenticated) s = auth_ops->authenticate(r, &e);
    if (!s && strcmp(r->route->perm, "public") != 0) {
        if (auth_ops && auth_ops->authorize) s = auth_ops->authorize(r, r->route->perm, &e);
        else s = err_set(&e, ST_UNAUTH, "请先登录。");
    }
    if (!s && r->route->body == HB_JSON) {
        if (r->body.len == 0 && (!strcmp(r->method, "DELETE")))
            r->json = json_object();
        else
            s = jsonx_parse_object(r->body.data, r->body.len, &r->json, &e);
    }
    /* the objects the route names, the body's among them, once it is parsed */
    if (!s && strcmp(r->route->perm, "public") != 0 && auth_ops && auth_ops->objects) s = auth_ops->objects(r, &e);
    int64_t audited = audit_rows_written();
    if (!s) s = http_export_begin(r, &e);
    if (!s) read_replica(r);
    if (!s) s = r->route->handler(r, &e);
    if (s == ST_UNAVAILABLE && r->on_replica) s = read_again(r, &e);
    if (!s) s = http_export_finish(r, auth_ops, &e);
    int64_t rows = audit_rows_written() - audited;
    if (!s) s = audited_once(r, rows, &e);
    /* a write: the next reads of this browser wait for the replica to replay it */
    if (!s && http_replica() && (rows > 0 || (strcmp(r->method, "GET") && strcmp(r->method, "HEAD")))) http_replica_note_write(r);
    if (r->on_replica) release_db(r);   /* a refusal below is audited: on the primary */
    if (s) {
        if (!e.code) err_set(&e, s, "服务器内部错误，请稍后重试。");
        e.code = s;
        reply_error(r, &e);
    } else if (!r->status) {
        r->status = 200;
    }
    release_db(r);  /* never leave a tx open, nor hold the connection while the reply goes out */
}

/* An upload is streamed to disk as it arrives: first make sure the caller
 * may send it at all (identified, the route's permission, the Origin), so
 * nobody fills the upload folder without an account. */
static st upload_allowed(http_req *r, err *e) {
    if (!strcmp(r->route->perm, "public")) return ST_OK;
    st s = csrf_check(r, e);
    if (!s && auth_ops && auth_ops->authenticate) {
        s = auth_ops->authenticate(r, e);
        r->authenticated = true;
    }
    if (!s) s = auth_ops && auth_ops->authorize ? auth_ops->authorize(r, r->route->perm, e) : err_set(e, ST_UNAUTH, "请先登录。");
    return s;
}

static bool content_type_is(const char *ct, const char *want) {
    if (!ct) return false;
    size_t n = strlen(want);
    return strncasecmp(ct, want, n) == 0 && (ct[n] == 0 || ct[n] == ';' || ct[n] == ' ');
}

/* The body a route may send: uploads get the file limit plus room for the
 * multipart framing; everything else (bodies ignored included) max-body. */
static uint64_t body_limit_of(const http_route *rt) {
    return rt && rt->body == HB_MULTIPART ? (uint64_t)cfg_int("max-upload") + 65536 : (uint64_t)cfg_int("max-body");
}

static void too_large(http_req *r) {
    bool upload = r->route && r->route->body == HB_MULTIPART;
    r->early = err_set(&r->early_err, ST_TOO_LARGE, "%s超过上限 %llu 字节，已拒绝并断开连接。请缩小后重试。",
                       upload ? "上传内容" : "请求体", (unsigned long long)r->body_limit);
}

/* A body over its limit (r->early_err): answer 413 now and stop reading it.
 * MHD 0.9.75 can queue a reply only before the body (and then closes at
 * once) or after all of it, so we write the reply to the socket ourselves,
 * followed by our FIN.  Closing right away would reset the connection while
 * the client is still sending — and a client that meets the reset before it
 * reads loses the reply — so what is still on its way is read and dropped for
 * at most LINGER_MS or LINGER_BYTES ("lingering close"), then the connection
 * is closed.  False when the body deadline cut the request first. */
static bool refuse_body(http_req *r) {
    http_server *srv = r->daemon_ctx;
    conn_state *cs = r->conn_state;
    if (cs) {
        pthread_mutex_lock(&srv->mu);
        bool cut = atomic_load(&cs->cut);
        if (!cut) {
            cs->phase = CP_LINGER;
            cs->since = now_ms();
        }
        pthread_mutex_unlock(&srv->mu);
        if (cut) return false;
    }
    err shown;
    error_shown(r, &r->early_err, &shown);
    r->status = st_http(r->early_err.code);
    r->refused = true;
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    send_raw_error(ci ? ci->connect_fd : -1, r->status,
                   r->status == 413 ? "Content Too Large" : r->status == 401 ? "Unauthorized"
                                                          : r->status == 403 ? "Forbidden" : "Bad Request",
                   &shown, r->request_id, 1000);
    return true;
}

static http_req *req_new(http_server *srv, struct MHD_Connection *c, const char *url, const char *method) {
    http_req *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    arena_init(&r->mem, 64 * 1024 * 1024);
    r->t_start = now_ms();
    http_new_request_id(r->request_id);
    r->daemon_ctx = srv;
    r->conn = c;
    r->reply_fd = -1;
    r->reply_count = -1;
    r->upload_fd = -1;
    r->method = arena_strdup(&r->mem, method);
    r->path = arena_strdup(&r->mem, url);
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char addr[64] = "-";
    if (ci && ci->client_addr) http_format_addr(ci->client_addr, addr, sizeof addr);
    r->addr = arena_strdup(&r->mem, addr);
    buf_init(&r->body, (size_t)cfg_int("max-body"));
    conn_state *cs = conn_of(c);
    r->conn_state = cs;
    if (cs) {   /* headers complete: the body's deadline starts */
        pthread_mutex_lock(&srv->mu);
        cs->phase = CP_BODY;
        cs->since = now_ms();
        memcpy(cs->request_id, r->request_id, sizeof cs->request_id);
        pthread_mutex_unlock(&srv->mu);
    }
    return r;
}

/* First call: route, content type, Content-Length.  Returns true when the
 * reply must go out now (a body over the limit). */
static bool request_begin(http_req *r, struct MHD_Connection *c, const char *url, const char *method) {
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    unsigned long long len = cl ? strtoull(cl, NULL, 10) : 0;
    bool path_exists = false;
    bool api = strncmp(url, "/api/", 5) == 0 || strcmp(url, "/healthz") == 0;
    if (api) r->route = http_route_match(method, url, r, &path_exists);
    r->body_limit = body_limit_of(r->route);
    /* Announced too large (2^64-1 included, which MHD reads as "length
     * unknown" and would wait on for ever): answer at once, read nothing.  A
     * client that asked "Expect: 100-continue" sends nothing until told, so
     * MHD's own early reply (and close) suits it; others are sending already. */
    if (len > r->body_limit) {
        too_large(r);
        const char *expect = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Expect");
        if (expect && strcasecmp(expect, "100-continue") == 0) {
            reply_error(r, &r->early_err);
            r->close_after = true;
            return true;
        }
        refuse_body(r);
        return false;
    }
    if (!api) return false;
    if (!r->route) {
        err e;
        if (path_exists) err_set(&e, ST_INVALID, "此地址不支持 %s 方法。", method);
        else err_set(&e, ST_NOT_FOUND, "没有这个接口：%s", url);
        reply_error(r, &e);
        if (path_exists) {
            r->status = 405;
            json_object_set_new(json_object_get(r->reply, "error"), "code", json_string("method_not_allowed"));
        }
        return false;  /* reply queued after the body is drained */
    }
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    bool has_body = len > 0 || MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding");
    if (r->route->body == HB_JSON && has_body && !content_type_is(ct, "application/json")) {
        r->early = err_set(&r->early_err, ST_UNSUPPORTED, "请求体应为 application/json。");
    } else if (r->route->body == HB_MULTIPART && (r->early = upload_allowed(r, &r->early_err))) {
        /* refused before a byte of the file is written: answered now, the rest not read */
        r->early_err.code = r->early;
        const char *expect = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Expect");
        if (expect && strcasecmp(expect, "100-continue") == 0) {
            reply_error(r, &r->early_err);   /* audits the denial */
            release_db(r);
            r->close_after = true;
            return true;
        }
        if (auth_ops && auth_ops->denied) auth_ops->denied(r, r->early, &r->early_err);
        release_db(r);
        refuse_body(r);
        return false;
    } else if (r->route->body == HB_MULTIPART) {
        release_db(r);   /* allowed: the body arrives without holding a connection */
        char boundary[MP_BOUNDARY_MAX + 1];
        size_t blen = mp_boundary(ct, boundary, sizeof boundary);
        if (!content_type_is(ct, "multipart/form-data")) {
            r->early = err_set(&r->early_err, ST_UNSUPPORTED, "上传应使用 multipart/form-data。");
        } else if (!blen) {
            /* our reading of the boundary must be MHD's, or the closing check below looks for the wrong one */
            r->early = err_set(&r->early_err, ST_INVALID,
                               "上传请求的 Content-Type 缺少有效的 boundary 参数（1 至 %d 个字符）。请用浏览器或标准工具重新上传。",
                               MP_BOUNDARY_MAX);
        } else if (!(r->mp = arena_alloc(&r->mem, sizeof *r->mp)) ||
                   !(r->pp = MHD_create_post_processor(c, 64 * 1024, on_post_data, r))) {
            r->early = err_set(&r->early_err, ST_INVALID, "无法解析上传请求（multipart 边界缺失？）。");
        } else {
            mp_close_init(r->mp, boundary, blen);
        }
    }
    /* Bodies on routes that take none are read and ignored, within max-body. */
    return false;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_size, void **con_cls) {
    (void)version;
    http_server *srv = cls;
    http_req *r = *con_cls;
    if (!r) {
        if (!(r = req_new(srv, c, url, method))) return MHD_NO;
        *con_cls = r;
        if (request_begin(r, c, url, method)) {
            conn_enter(srv, r->conn_state, CP_BUSY, false);
            return queue_reply(c, r);
        }
        return MHD_YES;
    }
    conn_state *cs = r->conn_state;
    if (cs && atomic_load(&cs->cut)) return MHD_NO;   /* past body-timeout: 408 sent, closing */
    if (r->refused) {   /* 413 sent: drop the rest, within the lingering bounds, then close */
        r->lingered += *upload_size;
        bool more = *upload_size && r->lingered <= LINGER_BYTES;
        *upload_size = 0;
        return more ? MHD_YES : MHD_NO;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        r->body_bytes += n;
        if (r->body_bytes > r->body_limit) {
            if (r->early != ST_TOO_LARGE) too_large(r);
        } else if (r->status || r->early) {
            /* already failed: drain and discard (within the limit) */
        } else if (r->route && r->route->body == HB_MULTIPART && r->pp) {
            mp_close_feed(r->mp, upload_data, n);
            if (MHD_post_process(r->pp, upload_data, n) != MHD_YES && !r->early)
                r->early = err_set(&r->early_err, ST_INVALID, "上传请求格式错误。");
        } else if (r->route && r->route->body == HB_JSON) {
            if (buf_append(&r->body, upload_data, n)) too_large(r);
        }
        if (r->early == ST_TOO_LARGE) return refuse_body(r) ? MHD_YES : MHD_NO;
        return MHD_YES;
    }
    /* Body complete. */
    if (cs) {
        pthread_mutex_lock(&srv->mu);
        bool cut = atomic_load(&cs->cut);
        if (!cut) cs->phase = CP_BUSY;
        pthread_mutex_unlock(&srv->mu);
        if (cut) return MHD_NO;
    }
    if (r->upload_fd >= 0) {   /* the file stays open (uploads[].fd) until the request ends */
        r->upload_fd = -1;
    }
    /* MHD's post processor hands over what it has when the body stops, even
     * in the middle of a file: only the closing boundary says it is whole. */
    if (!r->status && !r->early && r->mp && !mp_close_done(r->mp))
        r->early = err_set(&r->early_err, ST_INVALID,
                           "上传内容不完整：没有收到结尾的分隔边界（boundary），文件可能没有传完，未做任何处理。请重新上传。");
    if (!r->status) {
        if (r->route) dispatch(r);
        else http_static_serve(r, srv);
    }
    return queue_reply(c, r);
}

/* glibc gives the top of a thread's heap back to the kernel (madvise) as soon
 * as more than 128 KiB of it is free, and every request frees its arena's
 * 64 KiB blocks and its reply: under load most requests ended in a madvise,
 * and each one's TLB shootdown interrupts every core — a fifth of the list
 * page's time (bench/http.txt).  Fixed thresholds instead: up to
 * MALLOC_KEEP_TOP stays with the thread for its next request; allocations
 * from MALLOC_OWN_MAP up (a large export's buffers) get their own mapping,
 * returned whole when freed, so a big request does not leave its peak behind. */
#define MALLOC_KEEP_TOP (8 * 1024 * 1024)
#define MALLOC_OWN_MAP (1024 * 1024)

static void tune_malloc(void) {
#ifdef __GLIBC__
    static atomic_bool done;
    if (atomic_exchange(&done, true)) return;
    if (!mallopt(M_TRIM_THRESHOLD, MALLOC_KEEP_TOP) || !mallopt(M_MMAP_THRESHOLD, MALLOC_OWN_MAP))
        log_warn("malloc 参数设置失败（mallopt），沿用默认值：高负载下请求会稍慢。");
#endif
}

st http_server_start(db_pool *pool, http_server **out, err *e) {
    http_server *s = calloc(1, sizeof *s);
    if (!s) return err_set(e, ST_NOMEM, "内存不足");
    s->pool = pool;
    s->header_ms = 1000.0 * (double)cfg_int("header-timeout");
    s->body_ms = 1000.0 * (double)cfg_int("body-timeout");
    s->idle_ms = 1000.0 * (double)cfg_int("conn-timeout");
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->wake_mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->wake, &ca);
    pthread_condattr_destroy(&ca);
    unsigned threads = (unsigned)cfg_int("threads");
    if (threads == 0) {
        /* four per core: a request waiting on the disk (a commit's flush, a
           group commit it joined) holds its thread, and with one per core two
           such writes stalled every other request of a 2-core server */
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = 4 * (n > 0 ? (unsigned)n : 2);
    }
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)cfg_int("port"));
    if (inet_pton(AF_INET, cfg_str("bind"), &sa.sin_addr) != 1) {
        free(s);
        return err_field(e, ST_INVALID, "bind", "监听地址 %s 不是 IPv4 地址。", cfg_str("bind"));
    }
    http_static_init();
    tune_malloc();
    s->d = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL,
        on_access, s, MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_SOCK_ADDR, &sa,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg_int("conn-limit"),
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg_int("per-ip-limit"),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg_int("conn-timeout"),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
        MHD_OPTION_URI_LOG_CALLBACK, on_request_line, s,
        MHD_OPTION_END);
    if (!s->d) {
        free(s);
        return err_set(e, ST_IO, "无法在 %s:%ld 上启动服务（端口被占用？）。", cfg_str("bind"), cfg_int("port"));
    }
    if (pthread_create(&s->sweeper, NULL, sweeper_main, s) == 0) {
        s->sweeper_running = true;
    } else {
        MHD_stop_daemon(s->d);
        free(s);
        return err_set(e, ST_INTERNAL, "无法启动连接期限检查线程。");
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : (uint16_t)cfg_int("port");
    *out = s;
    return ST_OK;
}

uint16_t http_server_port(http_server *s) { return s->port; }

void http_server_stop(http_server *s) {
    if (!s) return;
    /* Stop accepting; close connections waiting for a request (kept alive,
     * or still sending headers) at once; let requests being served finish —
     * their replies carry Connection: close — within a bounded wait. */
    atomic_store(&s->stopping, true);
    MHD_socket fd = MHD_quiesce_daemon(s->d);
    for (int i = 0; i < 600 && atomic_load(&s->active) > 0; i++) {
        sweep(s);
        usleep(50 * 1000);
    }
    pthread_mutex_lock(&s->wake_mu);
    s->sweeper_quit = true;
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->wake_mu);
    if (s->sweeper_running) pthread_join(s->sweeper, NULL);
    MHD_stop_daemon(s->d);
    if (fd != MHD_INVALID_SOCKET) close(fd);
    http_static_free();
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->wake_mu);
    pthread_mutex_destroy(&s->mu);
    free(s);
}
