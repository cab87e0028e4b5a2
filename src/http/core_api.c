/* core_api — routes every deployment has: health, the OpenAPI document,
 * and the reference data (districts, streets, parks). */
#include "http.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/version.h"
#include "http/core_store.h"

static st h_healthz(http_req *r, err *e) {
    st s = core_store_ping(http_db(r), e);
    if (s) {
        /* Anyone may call this: the driver's own text (host names, users, paths)
         * goes to the log under the request id, the caller gets a plain message. */
        log_error("req %s healthz: 数据库不可用：%s", r->request_id, e->msg);
        return err_set(e, ST_UNAVAILABLE, "数据库暂时不可用，请稍后重试；如持续出现请联系系统管理员。");
    }
    return http_reply_json(r, 200, json_pack("{s:s,s:s,s:s}", "status", "ok", "version", EJIA_VERSION,
                                             "db", db_kind_of(http_db(r)) == DB_SQLITE ? "sqlite" : "postgresql"));
}

/* The document depends only on the route tables: build it once. */
static char *openapi_text;
static pthread_once_t openapi_once = PTHREAD_ONCE_INIT;
static void openapi_build(void) {
    json_t *j = http_openapi();
    openapi_text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
}

static st h_openapi(http_req *r, err *e) {
    pthread_once(&openapi_once, openapi_build);
    if (!openapi_text) return err_set(e, ST_NOMEM, "内存不足");
    char *copy = strdup(openapi_text);
    if (!copy) return err_set(e, ST_NOMEM, "内存不足");
    return http_reply_raw(r, 200, "application/json; charset=utf-8", copy, strlen(copy));
}

static st h_regions(http_req *r, err *e) {
    const char *kind = http_query(r, "kind");
    const char *parent = http_query(r, "parent");
    json_t *rows;
    st s = core_store_regions(http_db(r), kind, parent, &rows, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:o}", "items", rows));
}

const http_route core_routes[] = {
    {"GET", "/healthz", "public", h_healthz, HB_NONE, "健康检查", "core", NULL},
    {"GET", "/api/healthz", "public", h_healthz, HB_NONE, "健康检查", "core", NULL},
    {"GET", "/api/openapi.json", "public", h_openapi, HB_NONE, "接口文档（OpenAPI 3）", "core", NULL},
    {"GET", "/api/regions", "login", h_regions, HB_NONE, "行政区、街道和园区", "core", NULL},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
