#include <sys/stat.h>
#include <strings.h>
#include <ctype.h>
/* request — helpers a handler uses to read its request and set its reply. */
#include "http_internal.h"

#include "core/config.h"
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

const char *http_param(http_req *r, const char *name) {
    for (int i = 0; i < r->nparams; i++)
        if (strcmp(r->param_name[i], name) == 0) return r->param_val[i];
    return NULL;
}

static st parse_int(const char *v, const char *name, int64_t min, int64_t max, int64_t *out, err *e) {
    char *end;
    if (!v || !*v) return err_field(e, ST_INVALID, name, "参数 %s 不能为空。", name);
    long long x = strtoll(v, &end, 10);
    if (*end || x < min || x > max)
        return err_field(e, ST_INVALID, name, "参数 %s 应为 %lld–%lld 之间的整数，而不是“%.40s”。", name,
                         (long long)min, (long long)max, v);
    *out = x;
    return ST_OK;
}

st http_param_int(http_req *r, const char *name, int64_t *out, err *e) {
    const char *v = http_param(r, name);
    st s = parse_int(v, name, 1, INT64_MAX, out, e);
    /* A malformed id names nothing: answer as for an id that does not exist. */
    if (s) err_field(e, ST_NOT_FOUND, name, "未找到编号为“%.40s”的对象。", v ? v : "");
    return s ? ST_NOT_FOUND : ST_OK;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* One decoded byte of a query's name or value at *p (p < end), advancing *p:
 * '+' is a space, %XX the byte, anything else (a lone '%' too) itself. */
static unsigned char query_byte(const char **p, const char *end) {
    const char *s = *p;
    if (s[0] == '%' && end - s >= 3 && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
        *p += 3;
        return (unsigned char)(hexval(s[1]) << 4 | hexval(s[2]));
    }
    *p += 1;
    return s[0] == '+' ? ' ' : (unsigned char)s[0];
}

static unsigned char ascii_lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

const char *http_query_lookup(arena *a, const char *query, const char *name) {
    if (!query || !name) return NULL;
    size_t nl = strlen(name);
    for (const char *p = query; *p;) {
        size_t len = strcspn(p, "&");
        const char *end = p + len, *eq = memchr(p, '=', len), *kend = eq ? eq : end;
        /* the decoded name, compared byte by byte without copying it */
        const char *k = p;
        size_t i = 0;
        while (k < kend && i <= nl) {
            unsigned char c = query_byte(&k, kend);
            if (i == nl || ascii_lower(c) != ascii_lower((unsigned char)name[i])) {
                i = nl + 1;   /* longer or different */
                break;
            }
            i++;
        }
        if (i == nl && k == kend) {
            if (!eq) return NULL;
            const char *v = eq + 1;
            char *out = arena_alloc(a, (size_t)(end - v) + 1), *w = out;
            if (!out) return NULL;
            while (v < end) *w++ = (char)query_byte(&v, end);
            *w = 0;
            return out;
        }
        p = *end ? end + 1 : end;
    }
    return NULL;
}

const char *http_query(http_req *r, const char *name) {
    if (!r->conn) return http_query_lookup(&r->mem, r->query, name);
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

st http_query_int(http_req *r, const char *name, int64_t def, int64_t min, int64_t max,
                  int64_t *out, err *e) {
    const char *v = http_query(r, name);
    if (!v || !*v) {
        *out = def;
        return ST_OK;
    }
    return parse_int(v, name, min, max, out, e);
}

const char *http_header(http_req *r, const char *name) {
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(http_req *r, const char *name) {
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *http_field(http_req *r, const char *name) {
    for (int i = 0; i < r->nfields; i++)
        if (strcmp(r->field_name[i], name) == 0) return r->field_val[i];
    return NULL;
}

const http_upload *http_upload_get(http_req *r, const char *field) {
    for (int i = 0; i < r->nuploads; i++)
        if (strcmp(r->uploads[i].field, field) == 0) return &r->uploads[i];
    return NULL;
}

st http_paging(http_req *r, http_page *p, err *e) {
    if (r->exporting) {   /* the whole list, one row over the cap to tell "truncated" */
        p->page = 1;
        p->size = cfg_int("export-row-cap") + 1;
        p->offset = 0;
        return ST_OK;
    }
    st s = http_query_int(r, "page", 1, 1, 1000000, &p->page, e);
    if (!s) s = http_query_int(r, "size", 20, 1, 500, &p->size, e);
    /* Only from accepted values: a refused page or size is never stored, and
     * multiplying what the caller's stack held overflowed (UB; fuzz_query,
     * corpus/query/crash-paging-refused). */
    if (s) {
        *p = (http_page){1, 20, 0};
        return s;
    }
    p->offset = (p->page - 1) * p->size;
    return s;
}

st http_reply_json(http_req *r, int status, json_t *j) {
    json_decref(r->reply);
    r->reply = j;
    r->status = status;
    return j ? ST_OK : ST_NOMEM;
}

st http_reply_raw(http_req *r, int status, const char *type, char *data, size_t len) {
    free(r->reply_raw);
    r->reply_raw = data;
    r->reply_len = len;
    r->reply_type = type;
    r->status = status;
    return ST_OK;
}

st http_reply_empty(http_req *r, int status) {
    r->status = status;
    return ST_OK;
}

st http_reply_file(http_req *r, const char *path, const char *type, const char *download_name,
                   err *e) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return err_set(e, ST_IO, "无法读取文件。");
    if (r->reply_fd >= 0) close(r->reply_fd);
    r->reply_fd = fd;
    r->reply_type = type;
    r->status = 200;
    if (download_name) {
        /* RFC 6266 / 5987: UTF-8 file names percent-encoded, ASCII fallback. */
        char enc[600];
        size_t k = 0;
        for (const unsigned char *p = (const unsigned char *)download_name; *p && k < sizeof enc - 4; p++) {
            if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                *p == '.' || *p == '-' || *p == '_')
                enc[k++] = (char)*p;
            else k += (size_t)snprintf(enc + k, sizeof enc - k, "%%%02X", *p);
        }
        enc[k] = 0;
        r->reply_disposition = arena_printf(&r->mem, "attachment; filename=\"download\"; filename*=UTF-8''%s", enc);
    }
    return ST_OK;
}

/* ---- Range (http_reply_file_range) ---- */

static bool rg_num(const char **p, int64_t *v) {
    const char *s = *p;
    if (!isdigit((unsigned char)*s)) return false;
    int64_t x = 0;
    while (isdigit((unsigned char)*s)) {
        if (x > (INT64_MAX - 9) / 10) return false;
        x = x * 10 + (*s++ - '0');
    }
    *v = x;
    *p = s;
    return true;
}

int http_range_parse(const char *h, int64_t size, int64_t *from, int64_t *to) {
    if (!h) return 0;
    while (*h == ' ') h++;
    if (strncasecmp(h, "bytes=", 6)) return 0;
    const char *p = h + 6;
    while (*p == ' ') p++;
    int64_t a = -1, b = -1;
    if (*p == '-') {   /* the last n bytes */
        p++;
        if (!rg_num(&p, &b)) return 0;
        while (*p == ' ') p++;
        if (*p) return 0;   /* several ranges: the whole file */
        if (b == 0 || size == 0) return -1;
        *from = b >= size ? 0 : size - b;
        *to = size - 1;
        return 1;
    }
    if (!rg_num(&p, &a) || *p != '-') return 0;
    p++;
    if (*p && *p != ' ' && *p != ',' && !rg_num(&p, &b)) return 0;
    while (*p == ' ') p++;
    if (*p) return 0;
    if (b >= 0 && b < a) return 0;   /* invalid: ignored (the whole file), RFC 9110 */
    if (a >= size) return -1;
    *from = a;
    *to = b < 0 || b >= size ? size - 1 : b;
    return 1;
}

st http_reply_file_range(http_req *r, const char *path, const char *type, err *e) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return err_set(e, ST_IO, "无法读取文件。");
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        close(fd);
        return err_set(e, ST_IO, "无法读取文件。");
    }
    int64_t size = (int64_t)sb.st_size, from = 0, to = size - 1;
    int k = http_range_parse(http_header(r, "Range"), size, &from, &to);
    r->accept_ranges = true;
    if (k < 0) {
        close(fd);
        r->content_range = arena_printf(&r->mem, "bytes */%lld", (long long)size);
        err x;
        err_set(&x, ST_INVALID, "请求的范围超出文件大小（%lld 字节）。", (long long)size);
        snprintf(x.api_code, sizeof x.api_code, "range_not_satisfiable");
        return http_reply_json(r, 416, http_error_json(&x, NULL));
    }
    if (r->reply_fd >= 0) close(r->reply_fd);
    r->reply_fd = fd;
    r->reply_type = type;
    r->status = 200;
    if (k > 0) {
        r->status = 206;
        r->reply_off = from;
        r->reply_count = to - from + 1;
        r->content_range = arena_printf(&r->mem, "bytes %lld-%lld/%lld", (long long)from, (long long)to, (long long)size);
    }
    return ST_OK;
}

st http_tempfile(http_req *r, const char **path, err *e) {
    *path = NULL;
    if (r->ntmp >= (int)(sizeof r->tmp_fds / sizeof r->tmp_fds[0]))
        return err_set(e, ST_INTERNAL, "一次请求生成的临时文件过多。");
    const char *dir = cfg_str("upload-dir");
    if (!*dir) dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char *tmpl = arena_printf(&r->mem, "%s/ejia-out-XXXXXX", dir);
    int fd = tmpl ? mkstemp(tmpl) : -1;
    if (fd < 0) {
        log_error("request %s: cannot create a temporary file in %s: %s", r->request_id, dir, strerror(errno));
        return err_set(e, ST_IO, "无法创建临时文件，请联系系统管理员检查服务器的临时目录。");
    }
    /* No name from the start (written and read through /proc/self/fd), so a
     * server killed while building a download leaves nothing behind. */
    unlink(tmpl);
    r->tmp_fds[r->ntmp++] = fd;
    *path = arena_printf(&r->mem, "/proc/self/fd/%d", fd);
    return *path ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

void http_set_cookie(http_req *r, const char *cookie) {
    for (size_t i = 0; i < sizeof r->set_cookie / sizeof r->set_cookie[0]; i++)
        if (!r->set_cookie[i]) {
            r->set_cookie[i] = arena_strdup(&r->mem, cookie);
            return;
        }
}

void http_format_addr(const struct sockaddr *sa, char *out, size_t n) {
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)n);
    else snprintf(out, n, "-");
}

void http_new_request_id(char out[17]) {
    /* Random rather than a counter: ids stay unique across restarts and
     * several servers writing to one log, and tell nothing about traffic. */
    unsigned char b[8];
    if (getrandom(b, sizeof b, GRND_NONBLOCK) != (ssize_t)sizeof b) {
        static atomic_uint_fast64_t n;
        uint64_t v = (uint64_t)time(NULL) << 24 ^ atomic_fetch_add(&n, 1);
        for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (8 * i));
    }
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++) {
        out[2 * i] = hex[b[i] >> 4];
        out[2 * i + 1] = hex[b[i] & 15];
    }
    out[16] = 0;
}

/* Every message of the database layer starts so (lite_err in db_sqlite.c,
 * pg_err in db_pgsql.c) and ends with the driver's own text. */
static const char db_msg_prefix[] = "数据库错误（";

bool http_error_public(const err *in, const char *request_id, err *out) {
    *out = *in;
    bool internal = st_http(in->code) >= 500 || strncmp(in->msg, db_msg_prefix, sizeof db_msg_prefix - 1) == 0;
    if (!internal) return false;
    const char *what;
    switch (in->code) {
    case ST_DB: what = "数据库操作失败，请稍后重试"; break;
    case ST_UNAVAILABLE: what = "服务暂时不可用（数据库正忙或正在重新连接），请稍后重试"; break;
    case ST_IO: what = "服务器读写文件失败，请稍后重试"; break;
    case ST_NOMEM: what = "服务器资源不足，请缩小查询或文件范围后重试"; break;
    case ST_CONFLICT: what = "提交的数据与已有记录冲突（可能刚被他人修改），请刷新后检查再试"; break;
    default: what = st_http(in->code) >= 500 ? "服务器内部错误，请稍后重试" : "请求无法完成，请稍后重试"; break;
    }
    snprintf(out->msg, sizeof out->msg, "%s；如持续出现，请联系系统管理员并提供请求编号 %s。", what,
             request_id && *request_id ? request_id : "-");
    out->field[0] = 0;
    out->where[0] = 0;
    return true;
}
