/* bulletin_api — the routes of the 旬 bulletin: parse, call the store
 * (bulletin_store.c) and a rendering (bulletin_render.c), reply.  No SQL.
 *
 *   GET  /api/bulletins                       issued bulletins (a list: sort keys, xlsx export)
 *   GET  /api/bulletins/{period}              the document (issued, or a preview)
 *   GET  /api/bulletins/{period}/html         the page
 *   GET  /api/bulletins/{period}/xlsx|pdf     downloads, audited (bulletin.export)
 *   POST /api/bulletins/{period}/issue        issue a finished 旬 (bulletin.issue)
 *
 * The bulletin is the city's: every reader with bulletin.read sees the same. */
#include <string.h>

#include "bulletin/bulletin.h"
#include "http/http.h"

static st ba_period(http_req *r, org_xun *x, err *e) {
    const char *p = http_param(r, "period");
    if (!org_xun_parse(p, x))
        return err_field(e, ST_INVALID, "period", "旬“%s”无效，应为 年-月-旬，如 2018-04-3（1 上旬、2 中旬、3 下旬）。", p ? p : "");
    return ST_OK;
}

/* The document of the path's 旬: issued, or computed. */
static st ba_doc(http_req *r, bulletin_doc **d, err *e) {
    org_xun x;
    st s = ba_period(r, &x, e);
    return s ? s : bulletin_store_get(http_uc(r), &x, d, e);
}

static st h_bulletin_list(http_req *r, err *e) {
    http_page pg;
    const char *order = NULL, *year = http_query(r, "year");
    st s = http_paging(r, &pg, e);
    if (s) return s;
    if (year && !*year) year = NULL;
    if (year && (strlen(year) != 4 || strspn(year, "0123456789") != 4))
        return err_field(e, ST_INVALID, "year", "year 应为四位年份，如 2018。");
    if ((s = http_order(r, "-period", NULL, &order, e))) return s;
    uc_page page = {pg.size, pg.offset, order};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = bulletin_store_list(http_uc(r), year, &page, &items, &total, e))) return s;
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static st h_bulletin_get(http_req *r, err *e) {
    bulletin_doc *d = NULL;
    st s = ba_doc(r, &d, e);
    return s ? s : http_reply_json(r, 200, bulletin_to_json(d));
}

static st h_bulletin_issue(http_req *r, err *e) {
    org_xun x;
    bulletin_doc *d = NULL;
    st s = ba_period(r, &x, e);
    if (!s) s = bulletin_store_issue(http_uc(r), &x, r->user.username ? r->user.username : "-", &d, e);
    return s ? s : http_reply_json(r, 201, bulletin_to_json(d));
}

/* The page the browser shows (not a download: no file is offered). */
static st h_bulletin_html(http_req *r, err *e) {
    bulletin_doc *d = NULL;
    st s = ba_doc(r, &d, e);
    if (s) return s;
    buf b;
    buf_init(&b, 16u << 20);
    if ((s = bulletin_render_html(d, &b, e))) {
        buf_free(&b);
        return s;
    }
    size_t n = b.len;
    return http_reply_raw(r, 200, "text/html; charset=utf-8", buf_detach(&b), n);
}

/* A download: rendered to a request's temporary file, audited, then sent. */
static st ba_file(http_req *r, bool pdf, err *e) {
    bulletin_doc *d = NULL;
    const char *path = NULL, *ext = pdf ? "pdf" : "xlsx";
    st s = ba_doc(r, &d, e);
    if (!s) s = http_tempfile(r, &path, e);
    if (!s) s = pdf ? bulletin_render_pdf(d, path, e) : bulletin_render_xlsx(d, path, e);
    if (!s) s = bulletin_store_exported(http_uc(r), d, ext, e);
    if (s) return s;
    const char *name = bulletin_file_name(&r->mem, d, ext);
    if (!name) return err_set(e, ST_NOMEM, "内存不足。");
    return http_reply_file(r, path, pdf ? "application/pdf" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           name, e);
}
static st h_bulletin_pdf(http_req *r, err *e) { return ba_file(r, true, e); }
static st h_bulletin_xlsx(http_req *r, err *e) { return ba_file(r, false, e); }

static const http_sort_key ba_sort[] = {
    {"period", "q.period"}, {"issued_at", "q.issued_at"}, {"issued_by", "q.issued_by"}, {NULL, NULL}};
#define BA_EXPORT "旬报|period:旬|title:标题|first_day:起始日|last_day:截止日|issued_by:发布人|issued_at:发布时间"

const http_route bulletin_routes[] = {
    {"GET", "/api/bulletins", "bulletin.read", h_bulletin_list, HB_NONE, "已发布的旬报", "bulletin", NULL, BA_EXPORT, ba_sort},
    {"GET", "/api/bulletins/{period}", "bulletin.read", h_bulletin_get, HB_NONE, "旬报内容（已发布或预览）", "bulletin", NULL},
    {"GET", "/api/bulletins/{period}/html", "bulletin.read", h_bulletin_html, HB_NONE, "旬报网页", "bulletin", NULL},
    {"GET", "/api/bulletins/{period}/xlsx", "bulletin.read", h_bulletin_xlsx, HB_NONE, "下载旬报（xlsx）", "bulletin", NULL,
     .download = true},
    {"GET", "/api/bulletins/{period}/pdf", "bulletin.read", h_bulletin_pdf, HB_NONE, "下载旬报（PDF）", "bulletin", NULL,
     .download = true},
    {"POST", "/api/bulletins/{period}/issue", "bulletin.issue", h_bulletin_issue, HB_NONE, "发布旬报", "bulletin", NULL},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
