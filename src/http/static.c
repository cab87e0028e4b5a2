/* static — the web UI's files from the build folder (--web-root).
 *
 * sendfile through MHD_create_response_from_fd64; MIME by extension; a weak
 * ETag from size and mtime with 304 answers; hashed assets (/assets/...) are
 * cached for a year, everything else revalidated; unknown paths without a file
 * extension fall back to index.html so that the SPA's own routes load.
 *
 * Compression: the UI build leaves a gzip copy beside each text file
 * (app.js.gz, scripts/web-build); a browser that accepts gzip gets that copy
 * as is — no compression work per request, a third of the bytes to a phone. */
#include "http_internal.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"

static char root[PATH_MAX];

void http_static_init(void) {
    if (!realpath(cfg_str("web-root"), root)) root[0] = 0;
}
void http_static_free(void) {}

static const char *mime_of(const char *path) {
    static const struct { const char *ext, *type; } types[] = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".json", "application/json"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
        {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".gif", "image/gif"},
        {".webp", "image/webp"}, {".ico", "image/x-icon"}, {".woff", "font/woff"},
        {".woff2", "font/woff2"}, {".ttf", "font/ttf"}, {".txt", "text/plain; charset=utf-8"},
        {".map", "application/json"}, {".webmanifest", "application/manifest+json"},
        {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        {".pdf", "application/pdf"}, {".wasm", "application/wasm"},
    };
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (dot && (!slash || dot > slash))
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (strcasecmp(dot, types[i].ext) == 0) return types[i].type;
    return "application/octet-stream";
}

static const char fallback_page[] =
    "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>ejia 党建e家</title></head>"
    "<body><h1>ejia 党建e家</h1><p>服务已启动，但网页界面尚未构建（未找到 web/dist/index.html）。"
    "请在源码目录运行 <code>make</code>，或用 --web-root 指定界面目录。接口文档：<a href=\"/api/openapi.json\">/api/openapi.json</a>。</p>"
    "<p lang=\"en\">The server is running but the web UI has not been built. Run <code>make</code>.</p></body></html>";

/* Does Accept-Encoding allow gzip?  ("gzip", "gzip;q=0.5", not "gzip;q=0") */
bool http_accepts_gzip(const char *ae) {
    for (const char *p = ae; p && (p = strstr(p, "gzip")); p += 4) {
        if (p != ae && p[-1] != ' ' && p[-1] != ',') continue;
        const char *q = p + 4;
        while (*q == ' ') q++;
        if (*q == ',' || *q == 0) return true;
        if (*q != ';') continue;
        q++;
        while (*q == ' ') q++;
        if (strncmp(q, "q=", 2) != 0) return true;
        return strtod(q + 2, NULL) > 0;
    }
    return false;
}

static bool safe_path(const char *p) {
    if (p[0] != '/') return false;
    for (const char *s = p; *s; s++) {
        if (s[0] == '/' && s[1] == '.') return false;   /* .., dot files */
        if ((unsigned char)*s < 0x20) return false;
    }
    return true;
}

void http_static_serve(http_req *r, struct http_server *srv) {
    (void)srv;
    if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
        r->status = 405;
        r->reply = json_pack("{s:{s:s,s:s}}", "error", "code", "method_not_allowed", "message", "此地址只支持 GET。");
        return;
    }
    char path[PATH_MAX * 2];
    struct stat sb;
    int fd = -1;
    bool spa = false;
    if (root[0] && safe_path(r->path)) {
        snprintf(path, sizeof path, "%s%s", root, r->path);
        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            size_t n = strlen(path);
            snprintf(path + n, sizeof path - n, "%sindex.html", path[n - 1] == '/' ? "" : "/");
        }
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            const char *last = strrchr(r->path, '/');
            if (!strchr(last ? last : r->path, '.')) {
                spa = true;
                snprintf(path, sizeof path, "%s/index.html", root);
                fd = open(path, O_RDONLY | O_CLOEXEC);
            }
        }
    }
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        if (fd >= 0) close(fd);
        if (!root[0] || spa || strcmp(r->path, "/") == 0) {
            r->status = 200;
            r->reply_raw = strdup(fallback_page);
            r->reply_len = sizeof fallback_page - 1;
            r->reply_type = "text/html; charset=utf-8";
            r->no_store = true;
            return;
        }
        r->status = 404;
        r->reply_raw = strdup("未找到 Not found");
        r->reply_len = strlen(r->reply_raw);
        r->reply_type = "text/plain; charset=utf-8";
        return;
    }
    /* the precompressed copy, when there is one at least as new as the file */
    char gz[PATH_MAX * 2 + 4];
    snprintf(gz, sizeof gz, "%s.gz", path);
    struct stat gsb;
    if (stat(gz, &gsb) == 0 && S_ISREG(gsb.st_mode) && gsb.st_mtime >= sb.st_mtime) {
        r->vary_encoding = true;
        const char *ae = http_header(r, "Accept-Encoding");
        int gfd = ae && http_accepts_gzip(ae) ? open(gz, O_RDONLY | O_CLOEXEC) : -1;
        if (gfd >= 0 && fstat(gfd, &gsb) == 0) {
            close(fd);
            fd = gfd;
            sb.st_size = gsb.st_size;
            r->content_encoding = "gzip";
        } else if (gfd >= 0) {
            close(gfd);
        }
    }
    char *etag = arena_printf(&r->mem, "W/\"%llx-%llx%s\"", (unsigned long long)sb.st_size,
                              (unsigned long long)sb.st_mtime, r->content_encoding ? "-gz" : "");
    r->etag = etag;
    r->cache_control = strncmp(r->path, "/assets/", 8) == 0 && !spa
                           ? "public, max-age=31536000, immutable"
                           : "no-cache";
    const char *inm = http_header(r, "If-None-Match");
    if (inm && strcmp(inm, etag) == 0) {
        close(fd);
        r->status = 304;
        return;
    }
    r->reply_fd = fd;
    r->reply_type = mime_of(path);
    r->status = 200;
}

void http_static_headers(http_req *r, struct MHD_Response *resp) {
    if (r->etag) MHD_add_response_header(resp, "ETag", r->etag);
    if (r->cache_control) MHD_add_response_header(resp, "Cache-Control", r->cache_control);
    if (r->content_encoding) MHD_add_response_header(resp, "Content-Encoding", r->content_encoding);
    if (r->vary_encoding) MHD_add_response_header(resp, "Vary", "Accept-Encoding");
}
