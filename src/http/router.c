/* router — matches a method and path against the static route tables and
 * generates the OpenAPI document from the same tables (so it cannot drift).
 * Patterns are literal segments and {name} parameters; a parameter matches one
 * non-empty segment.  Linear scan: a few hundred routes cost well under a
 * microsecond next to a database query. */
#include "http_internal.h"

#include <string.h>

#include "core/config.h"
#include "core/version.h"

/* A test-only route is there only when the server was started for the tests. */
static bool route_present(const http_route *rt) { return !rt->test_only || cfg_bool("test-routes"); }

static bool route_match(const char *pattern, const char *path, http_req *r) {
    const char *p = pattern, *u = path;
    int n = 0;
    while (*p && *u) {
        if (*p == '{') {
            const char *pe = strchr(p, '}');
            const char *ue = strchr(u, '/');
            if (!pe) return false;
            if (!ue) ue = u + strlen(u);
            if (ue == u) return false;
            if (r && n < 8) {
                r->param_name[n] = arena_strndup(&r->mem, p + 1, (size_t)(pe - p - 1));
                r->param_val[n] = arena_strndup(&r->mem, u, (size_t)(ue - u));
                n++;
            }
            p = pe + 1;
            u = ue;
            continue;
        }
        if (*p != *u) return false;
        p++;
        u++;
    }
    if (*p || *u) return false;
    if (r) r->nparams = n;
    return true;
}

const http_route *http_route_match(const char *method, const char *path, http_req *r,
                                   bool *path_exists) {
    *path_exists = false;
    for (const http_route *const *t = http_route_tables; *t; t++)
        for (const http_route *rt = *t; rt->method; rt++) {
            if (!route_present(rt) || !route_match(rt->pattern, path, NULL)) continue;
            *path_exists = true;
            if (strcmp(rt->method, method) == 0 || (!strcmp(method, "HEAD") && !strcmp(rt->method, "GET"))) {
                route_match(rt->pattern, path, r);
                return rt;
            }
        }
    return NULL;
}

json_t *http_openapi(void) {
    json_t *paths = json_object();
    for (const http_route *const *t = http_route_tables; *t; t++)
        for (const http_route *rt = *t; rt->method; rt++) {
            if (!route_present(rt)) continue;
            json_t *item = json_object_get(paths, rt->pattern);
            if (!item) {
                item = json_object();
                json_object_set_new(paths, rt->pattern, item);
            }
            char m[16];
            size_t i = 0;
            for (; rt->method[i] && i < sizeof m - 1; i++) m[i] = (char)(rt->method[i] | 0x20);
            m[i] = 0;
            json_t *params = json_array();
            for (const char *p = strchr(rt->pattern, '{'); p; p = strchr(p + 1, '{')) {
                const char *pe = strchr(p, '}');
                if (!pe) break;
                json_array_append_new(params, json_pack("{s:s%,s:s,s:b,s:{s:s}}", "name", p + 1,
                                                        (size_t)(pe - p - 1), "in", "path", "required", 1,
                                                        "schema", "type", "string"));
            }
            json_t *op = json_pack("{s:s,s:[s],s:o,s:s,s:{s:{s:s},s:{s:s}}}", "summary", rt->summary,
                                   "tags", rt->tag, "parameters", params, "x-permission", rt->perm,
                                   "responses", "200", "description", "成功", "default", "description",
                                   "错误：{\"error\":{\"code\",\"message\",\"field\",\"detail\"}}");
            if (rt->body == HB_JSON)
                json_object_set_new(op, "requestBody",
                                    json_pack("{s:{s:{}}}", "content", "application/json"));
            else if (rt->body == HB_MULTIPART)
                json_object_set_new(op, "requestBody",
                                    json_pack("{s:{s:{}}}", "content", "multipart/form-data"));
            if (rt->scope) json_object_set_new(op, "x-scope", json_string(rt->scope));
            if (rt->export) {
                json_object_set_new(op, "x-export", json_string(http_export_spec(rt->export)));
                json_array_append_new(params, json_pack("{s:s,s:s,s:s,s:{s:s,s:[s,s]}}", "name", "format", "in", "query",
                                                        "description", "xlsx：以 Excel 文件导出同一筛选、排序下的全部记录",
                                                        "schema", "type", "string", "enum", "json", "xlsx"));
            }
            if (rt->download) json_object_set_new(op, "x-download", json_true());
            if (rt->audit_on_flush) json_object_set_new(op, "x-audit-on-flush", json_true());
            if (rt->sort) {
                json_t *keys = json_array();
                for (const http_sort_key *k = rt->sort; k->key; k++) json_array_append_new(keys, json_string(k->key));
                json_object_set_new(op, "x-sort", keys);
                json_t *zh = json_array(); /* the keys ordered by pinyin (Chinese text) */
                for (const http_sort_key *k = rt->sort; k->key; k++)
                    if (k->zh) json_array_append_new(zh, json_string(k->key));
                json_object_set_new(op, "x-sort-pinyin", zh);
                json_array_append_new(params, json_pack("{s:s,s:s,s:s,s:{s:s}}", "name", "sort", "in", "query", "description",
                                                        "排序键（见 x-sort），前加 - 为降序", "schema", "type", "string"));
            }
            if (strcmp(rt->perm, "public") != 0)
                json_object_set_new(op, "security", json_pack("[{s:[]}]", "session"));
            json_object_set_new(item, m, op);
        }
    return json_pack("{s:s,s:{s:s,s:s,s:s},s:o,s:{s:{s:{s:s,s:s,s:s}}}}", "openapi", "3.0.3", "info",
                     "title", "ejia API", "version", EJIA_VERSION, "description",
                     "ejia 党建e家 平台接口。错误统一为 {\"error\":{...}}。", "paths", paths,
                     "components", "securitySchemes", "session", "type", "apiKey", "in", "cookie",
                     "name", "ejia_session");
}
