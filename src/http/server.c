/* server — libmicrohttpd glue: connection limits, body limits, multipart
 * streaming to temp files, dispatch through the route table, the reply with
 * security headers, one log line per request, graceful stop.
 *
 * MHD calls the access handler several times per request: first with no body
 * (we set up the request and refuse early: unknown route, wrong content type,
 * Content-Length over the limit), then with body chunks, then once more with
 * nothing left — only then do we run the handler and queue the reply
 * (queuing on the first call closes the connection in 0.9.75). */
#include "http.h"
#include "http_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"

struct http_server {
    struct MHD_Daemon *d;
    db_pool *pool;
    atomic_int active;
    uint16_t port;
};

static const http_auth_ops *auth_ops;
void http_set_auth(const http_auth_ops *ops) { auth_ops = ops; }

st http_audit(http_req *r, const char *action, const char *object, const char *result, const char *detail, err *e) {
    return auth_ops && auth_ops->audit ? auth_ops->audit(r, action, object, result, detail, e) : ST_OK;
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

static void req_free(http_req *r) {
    http_server *s = r->daemon_ctx;
    if (r->pp) MHD_destroy_post_processor(r->pp);
    if (r->upload_fd >= 0) close(r->upload_fd);
    for (int i = 0; i < r->nuploads; i++)
        if (r->uploads[i].path) unlink(r->uploads[i].path);
    for (int i = 0; i < r->ntmp; i++) unlink(r->tmp_paths[i]);
    if (r->db_conn) db_pool_put(s->pool, r->db_conn);
    json_decref(r->json);
    json_decref(r->reply);
    free(r->reply_raw);
    if (r->reply_fd >= 0) close(r->reply_fd);
    buf_free(&r->body);
    arena_free(&r->mem);
    free(r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
    (void)cls;
    (void)c;
    http_req *r = *con_cls;
    if (!r) return;
    if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && r->status == 0) r->status = 499;
    log_request(r->method, r->path, r->status, now_ms() - r->t_start, r->user.username, r->addr);
    req_free(r);
    *con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe) {
    (void)c;
    (void)socket_context;
    http_server *s = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) atomic_fetch_add(&s->active, 1);
    else atomic_fetch_sub(&s->active, 1);
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
            if (r->upload_fd >= 0) close(r->upload_fd);
            const char *dir = cfg_str("upload-dir");
            if (!*dir) dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
            char *tmpl = arena_printf(&r->mem, "%s/ejia-upload-XXXXXX", dir);
            r->upload_fd = tmpl ? mkstemp(tmpl) : -1;
            if (r->upload_fd < 0) {
                r->early = err_set(&r->early_err, ST_IO, "无法保存上传文件（临时目录 %s 不可写）。", dir);
                return MHD_NO;
            }
            u = &r->uploads[r->nuploads++];
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
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                            "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
                            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
    if (api || r->no_store) MHD_add_response_header(resp, "Cache-Control", "no-store");
    for (int i = 0; i < 2; i++)
        if (r->set_cookie[i]) MHD_add_response_header(resp, "Set-Cookie", r->set_cookie[i]);
}

static enum MHD_Result queue_reply(struct MHD_Connection *c, http_req *r) {
    struct MHD_Response *resp;
    bool api = strncmp(r->path, "/api/", 5) == 0 || strcmp(r->path, "/healthz") == 0;
    if (r->reply_fd >= 0) {
        struct stat sb;
        if (fstat(r->reply_fd, &sb) != 0) sb.st_size = 0;
        resp = MHD_create_response_from_fd64((uint64_t)sb.st_size, r->reply_fd);
        r->reply_fd = -1;  /* MHD closes it */
        if (r->reply_type) MHD_add_response_header(resp, "Content-Type", r->reply_type);
    } else if (r->reply) {
        char *s = json_dumps(r->reply, JSON_COMPACT | JSON_ENSURE_ASCII * 0);
        size_t n = s ? strlen(s) : 0;
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
    http_static_headers(r, resp);
    add_security_headers(resp, r, api);
    /* 503 is "not now" (database busy or reconnecting): say when to come back. */
    if (r->status == 503) MHD_add_response_header(resp, "Retry-After", "2");
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ok;
}

json_t *http_error_json(const err *e, json_t *detail) {
    json_t *o = json_pack("{s:s,s:s}", "code", e->api_code[0] ? e->api_code : st_name(e->code), "message",
                          e->msg[0] ? e->msg : "服务器内部错误，请稍后重试。");
    if (e->field[0]) json_object_set_new(o, "field", json_string(e->field));
    if (e->where[0]) json_object_set_new(o, "where", json_string(e->where));
    if (detail) json_object_set_new(o, "detail", detail);
    return json_pack("{s:o}", "error", o);
}

static void reply_error(http_req *r, const err *e) {
    json_decref(r->reply);
    r->reply = NULL;
    free(r->reply_raw);
    r->reply_raw = NULL;
    if (r->reply_fd >= 0) close(r->reply_fd);
    r->reply_fd = -1;
    int status = st_http(e->code);
    if (status >= 500) log_error("%s %s: %s", r->method, r->path, e->msg);
    err shown = *e;
    if (status >= 500 && e->code == ST_DB) {
        /* Database messages can reveal the schema: log them, show a plain one. */
        snprintf(shown.msg, sizeof shown.msg, "数据库操作失败，请稍后重试；如持续出现请联系系统管理员。");
    }
    r->status = status;
    r->reply = http_error_json(&shown, NULL);
    if (status == 401 || status == 403) {
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

static void dispatch(http_req *r) {
    err e;
    err_clear(&e);
    st s = r->early;
    if (s) e = r->early_err;
    if (!s) s = csrf_check(r, &e);
    if (!s && auth_ops && auth_ops->authenticate) s = auth_ops->authenticate(r, &e);
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
    if (!s) s = http_export_begin(r, &e);
    if (!s) s = r->route->handler(r, &e);
    if (!s) s = http_export_finish(r, auth_ops, &e);
    if (s) {
        if (!e.code) err_set(&e, s, "服务器内部错误，请稍后重试。");
        e.code = s;
        reply_error(r, &e);
    } else if (!r->status) {
        r->status = 200;
    }
    if (r->db_conn && r->db_conn != NULL) db_rollback(r->db_conn);  /* never leave a tx open */
}

static bool content_type_is(const char *ct, const char *want) {
    if (!ct) return false;
    size_t n = strlen(want);
    return strncasecmp(ct, want, n) == 0 && (ct[n] == 0 || ct[n] == ';' || ct[n] == ' ');
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_size, void **con_cls) {
    (void)version;
    http_server *srv = cls;
    http_req *r = *con_cls;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r) return MHD_NO;
        arena_init(&r->mem, 64 * 1024 * 1024);
        r->t_start = now_ms();
        r->daemon_ctx = srv;
        r->conn = c;
        r->reply_fd = -1;
        r->upload_fd = -1;
        r->method = arena_strdup(&r->mem, method);
        r->path = arena_strdup(&r->mem, url);
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        char addr[64] = "-";
        if (ci && ci->client_addr) http_format_addr(ci->client_addr, addr, sizeof addr);
        r->addr = arena_strdup(&r->mem, addr);
        buf_init(&r->body, (size_t)cfg_int("max-body"));
        *con_cls = r;

        bool path_exists = false;
        if (strncmp(url, "/api/", 5) == 0 || strcmp(url, "/healthz") == 0) {
            r->route = http_route_match(method, url, r, &path_exists);
            if (!r->route) {
                err e;
                if (path_exists) err_set(&e, ST_INVALID, "此地址不支持 %s 方法。", method);
                else err_set(&e, ST_NOT_FOUND, "没有这个接口：%s", url);
                reply_error(r, &e);
                if (path_exists) {
                    r->status = 405;
                    json_object_set_new(json_object_get(r->reply, "error"), "code",
                                        json_string("method_not_allowed"));
                }
                return MHD_YES;  /* reply queued after the body is drained */
            }
            const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
            const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
            unsigned long long len = cl ? strtoull(cl, NULL, 10) : 0;
            unsigned long long limit = r->route->body == HB_MULTIPART
                                           ? (unsigned long long)cfg_int("max-upload") + 65536
                                           : (unsigned long long)cfg_int("max-body");
            bool has_body = len > 0 || MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding");
            if (len > limit) {
                r->early = err_set(&r->early_err, ST_TOO_LARGE, "请求体 %llu 字节，超过上限 %llu 字节。", len, limit);
            } else if (r->route->body == HB_JSON && has_body && !content_type_is(ct, "application/json")) {
                r->early = err_set(&r->early_err, ST_UNSUPPORTED, "请求体应为 application/json。");
            } else if (r->route->body == HB_MULTIPART) {
                if (!content_type_is(ct, "multipart/form-data"))
                    r->early = err_set(&r->early_err, ST_UNSUPPORTED, "上传应使用 multipart/form-data。");
                else if (!(r->pp = MHD_create_post_processor(c, 64 * 1024, on_post_data, r)))
                    r->early = err_set(&r->early_err, ST_INVALID, "无法解析上传请求（multipart 边界缺失？）。");
            } else if (r->route->body == HB_NONE && has_body && strcmp(method, "GET") != 0) {
                /* Bodies on routes that take none are ignored, not an error. */
            }
        }
        return MHD_YES;
    }
    if (*upload_size) {
        if (r->status || r->early) {  /* already failed: drain and discard */
            *upload_size = 0;
            return MHD_YES;
        }
        if (r->route && r->route->body == HB_MULTIPART && r->pp) {
            if (MHD_post_process(r->pp, upload_data, *upload_size) != MHD_YES && !r->early)
                r->early = err_set(&r->early_err, ST_INVALID, "上传请求格式错误。");
        } else if (r->route && r->route->body == HB_JSON) {
            st s = buf_append(&r->body, upload_data, *upload_size);
            if (s) r->early = err_set(&r->early_err, ST_TOO_LARGE, "请求体超过上限 %ld 字节。",
                                      cfg_int("max-body"));
        }
        *upload_size = 0;
        return MHD_YES;
    }
    /* Body complete. */
    if (r->upload_fd >= 0) {
        close(r->upload_fd);
        r->upload_fd = -1;
    }
    if (!r->status) {
        if (r->route) dispatch(r);
        else http_static_serve(r, srv);
    }
    return queue_reply(c, r);
}

st http_server_start(db_pool *pool, http_server **out, err *e) {
    http_server *s = calloc(1, sizeof *s);
    if (!s) return err_set(e, ST_NOMEM, "内存不足");
    s->pool = pool;
    unsigned threads = (unsigned)cfg_int("threads");
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)n : 2;
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
    s->d = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL,
        on_access, s, MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_SOCK_ADDR, &sa,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg_int("conn-limit"),
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg_int("per-ip-limit"),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg_int("conn-timeout"),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
        MHD_OPTION_END);
    if (!s->d) {
        free(s);
        return err_set(e, ST_IO, "无法在 %s:%ld 上启动服务（端口被占用？）。", cfg_str("bind"), cfg_int("port"));
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : (uint16_t)cfg_int("port");
    *out = s;
    return ST_OK;
}

uint16_t http_server_port(http_server *s) { return s->port; }

void http_server_stop(http_server *s) {
    if (!s) return;
    /* Stop accepting, then let in-flight requests finish (bounded wait). */
    MHD_socket fd = MHD_quiesce_daemon(s->d);
    for (int i = 0; i < 300 && atomic_load(&s->active) > 0; i++) usleep(100 * 1000);
    MHD_stop_daemon(s->d);
    if (fd != MHD_INVALID_SOCKET) close(fd);
    http_static_free();
    free(s);
}
