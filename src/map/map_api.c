/* map_api — the routes of the map, and its built-in layers.  No SQL here:
 * the figures come from the coverage store (the same numbers as the
 * dashboard), the places from map_store.c.
 *
 *   GET  /api/map/layers                        the layers the caller may see (src/app/map_layers.c)
 *   GET  /api/map/layers/{name}?date=           one layer's items as of a day
 *   GET  /api/register/enterprises/{id}/coord   an enterprise's place and where it came from
 *   PUT  /api/register/enterprises/{id}/coord   set it on the map (register.write; audited map.coord.set)
 *   POST /api/ledger/imports/{id}/coords        take an import's 经度/纬度 into the register (map.coord.ledger)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "core/config.h"
#include "core/jsonx.h"
#include "coverage/coverage.h"
#include "http/http.h"
#include "map/map.h"
#include "org/org.h"

/* ---- the built-in layers ---- */

st map_layer_districts(uc *c, const char *day, json_t **out, err *e) {
    coverage_row *rows = NULL;
    size_t n = 0;
    st s = coverage_store_figures(c, day, COVERAGE_DISTRICT, &rows, &n, e);
    json_t *cents = NULL;
    if (!s) s = map_store_centroids(c, &cents, e);
    if (s) return s;
    *out = json_pack("{s:s,s:s,s:o,s:o}", "kind", "areas", "level", "district", "items", coverage_rows_json(rows, n), "centroids",
                     cents);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

/* Every enterprise of the scope as of day, with its coverage (the coverage store's list) and its place. */
static st map_ents(uc *c, const char *day, json_t **items, json_t **places, bool *truncated, err *e) {
    int64_t max = cfg_int("map-points-max"), total = 0;
    uc_page pg = {max, 0, "q.id"};
    st s = coverage_store_enterprises(c, day, COVERAGE_CITY, NULL, "all", NULL, &pg, items, &total, NULL, e);
    if (!s) s = map_store_places(c, places, e);
    if (s) {
        json_decref(*items);
        *items = NULL;
        return s;
    }
    *truncated = total > max;
    return ST_OK;
}

st map_layer_enterprises(uc *c, const char *day, json_t **out, err *e) {
    json_t *items = NULL, *places = NULL;
    bool truncated = false;
    st s = map_ents(c, day, &items, &places, &truncated, e);
    if (s) return s;
    json_t *rows = json_array();
    int64_t unplaced = 0, approx = 0;
    size_t i;
    json_t *it;
    char key[24];
    json_array_foreach(items, i, it) {
        int64_t id = json_integer_value(json_object_get(it, "id"));
        snprintf(key, sizeof key, "%lld", (long long)id);
        json_t *p = json_object_get(places, key);
        if (!p) {
            unplaced++;
            continue;
        }
        const char *src = json_string_value(json_array_get(p, 2));
        if (map_source_approx(src)) approx++;
        json_t *org = json_object_get(it, "org_id");
        json_array_append_new(rows, json_pack("[I,O,I,I,s,O,I,O,O]", (json_int_t)id, json_object_get(it, "name"),
                                              (json_int_t)json_integer_value(json_array_get(p, 0)),
                                              (json_int_t)json_integer_value(json_array_get(p, 1)), src,
                                              json_object_get(it, "category") ? json_object_get(it, "category") : json_null(),
                                              (json_int_t)json_integer_value(json_object_get(it, "covered")),
                                              org ? org : json_null(),
                                              json_object_get(it, "district_code") ? json_object_get(it, "district_code")
                                                                                  : json_null()));
    }
    json_decref(items);
    json_decref(places);
    *out = json_pack("{s:s,s:[s,s,s,s,s,s,s,s,s],s:o,s:I,s:I,s:b}", "kind", "points", "fields", "id", "name", "lng_e6", "lat_e6",
                     "source", "category", "covered", "org_id", "district_code", "rows", rows, "unplaced", (json_int_t)unplaced,
                     "approx", (json_int_t)approx, "truncated", truncated);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

st map_layer_orgs(uc *c, const char *day, json_t **out, err *e) {
    json_t *items = NULL, *places = NULL;
    bool truncated = false;
    st s = map_ents(c, day, &items, &places, &truncated, e);
    if (s) return s;
    /* each organization at the mean of the enterprises it covers that day */
    json_t *orgs = json_object();   /* org id → index into acc */
    size_t cap = json_array_size(items) + 1, norg = 0;
    map_mean *acc = calloc(cap, sizeof *acc);
    int64_t *ids = calloc(cap, sizeof *ids);
    const char **names = calloc(cap, sizeof *names);
    if (!acc || !ids || !names) {
        free(acc), free(ids), free(names);
        json_decref(items), json_decref(places), json_decref(orgs);
        return err_set(e, ST_NOMEM, "内存不足。");
    }
    size_t i;
    json_t *it;
    char key[24];
    json_array_foreach(items, i, it) {
        json_t *org = json_object_get(it, "org_id");
        if (!json_is_integer(org)) continue;
        snprintf(key, sizeof key, "%lld", (long long)json_integer_value(json_object_get(it, "id")));
        json_t *p = json_object_get(places, key);
        if (!p) continue;
        snprintf(key, sizeof key, "%lld", (long long)json_integer_value(org));
        json_t *ix = json_object_get(orgs, key);
        size_t k;
        if (ix) k = (size_t)json_integer_value(ix);
        else {
            k = norg++;
            ids[k] = json_integer_value(org);
            names[k] = json_string_value(json_object_get(it, "org_name"));
            json_object_set_new(orgs, key, json_integer((json_int_t)k));
        }
        map_mean_add(&acc[k], json_integer_value(json_array_get(p, 0)), json_integer_value(json_array_get(p, 1)),
                     map_source_approx(json_string_value(json_array_get(p, 2))));
    }
    json_t *rows = json_array();
    for (size_t k = 0; k < norg; k++) {
        int64_t x, y;
        if (!map_mean_get(&acc[k], &x, &y)) continue;
        json_array_append_new(rows, json_pack("[I,s,I,I,s,I]", (json_int_t)ids[k], names[k] ? names[k] : "", (json_int_t)x,
                                              (json_int_t)y, acc[k].approx ? "centroid" : "mean", (json_int_t)acc[k].n));
    }
    *out = json_pack("{s:s,s:[s,s,s,s,s,s],s:o,s:b}", "kind", "points", "fields", "id", "name", "lng_e6", "lat_e6", "source",
                     "enterprises", "rows", rows, "truncated", truncated);
    free(acc), free(ids), free(names);
    json_decref(items), json_decref(places), json_decref(orgs);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

/* ---- routes ---- */

static bool map_may(uc *c, const map_layer *l) { return c->who.role && roles_has(c->who.role, l->perm); }

static st h_layers(http_req *r, err *e) {
    (void)e;
    uc *c = http_uc(r);
    json_t *list = json_array();
    for (const map_layer *l = map_layers; l->name; l++)
        if (map_may(c, l)) json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:b}", "name", l->name, "label", l->label, "kind", l->kind, "on_demand", l->on_demand));
    return http_reply_json(r, 200, json_pack("{s:o}", "layers", list));
}

static st h_layer(http_req *r, err *e) {
    const char *name = http_param(r, "name");
    const map_layer *l = map_layers;
    while (l->name && (!name || strcmp(l->name, name))) l++;
    if (!l->name) return err_set(e, ST_NOT_FOUND, "没有名为“%s”的地图图层；可用的图层见 GET /api/map/layers。", name ? name : "");
    uc *c = http_uc(r);
    if (!map_may(c, l)) return err_set(e, ST_FORBIDDEN, "您的角色不能查看地图图层“%s”。", l->label);
    char day[11];
    st s = org_day_arg(http_query(r, "date"), "date", day, e);
    json_t *out = NULL;
    if (!s) s = l->get(c, day, &out, e);
    if (s) return s;
    json_object_set_new(out, "name", json_string(l->name));
    json_object_set_new(out, "label", json_string(l->label));
    json_object_set_new(out, "date", json_string(day));
    return http_reply_json(r, 200, out);
}

static st h_coord_get(http_req *r, err *e) {
    int64_t id;
    json_t *o = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = map_store_coord_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

/* 经度/纬度 as a JSON number or as text ("118.089123") */
static st map_deg_arg(const json_t *body, const char *key, const char *label, int64_t *out, err *e) {
    json_t *v = json_object_get(body, key);
    if (json_is_number(v)) return map_degrees_from_double(json_number_value(v), key, out, e);
    if (json_is_string(v)) {
        st s = map_degrees_parse(json_string_value(v), label, out, e);
        if (s) snprintf(e->field, sizeof e->field, "%s", key);
        return s;
    }
    return err_field(e, ST_INVALID, key, "请给出%s（%s，以度为单位的数字，如 118.089123）；可在地图上点选。", label, key);
}

static st h_coord_put(http_req *r, err *e) {
    static const char *const only[] = {"lng", "lat", NULL};
    int64_t id, x = 0, y = 0;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = map_deg_arg(r->json, "lng", "经度", &x, e);
    if (!s) s = map_deg_arg(r->json, "lat", "纬度", &y, e);
    if (!s) s = map_store_coord_set(http_uc(r), id, x, y, e);
    if (s) return s;
    return h_coord_get(r, e);
}

static st h_from_ledger(http_req *r, err *e) {
    int64_t id, n = 0;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = map_store_from_ledger(http_uc(r), id, &n, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:I,s:I}", "import_id", (json_int_t)id, "enterprises", (json_int_t)n));
}

const http_route map_routes[] = {
    {"GET", "/api/map/layers", "coverage.read", h_layers, HB_NONE, "地图图层（按角色可见）", "map", NULL},
    {"GET", "/api/map/layers/{name}", "coverage.read", h_layer, HB_NONE, "地图的一个图层（某日：覆盖率、企业、党组织……）", "map", NULL},
    {"GET", "/api/register/enterprises/{id}/coord", "coverage.read", h_coord_get, HB_NONE, "企业在地图上的位置及其来源",
     "map", "enterprise:{id}"},
    {"PUT", "/api/register/enterprises/{id}/coord", "register.write", h_coord_put, HB_JSON, "在地图上设置企业位置（经度、纬度）",
     "map", "enterprise:{id}"},
    {"POST", "/api/ledger/imports/{id}/coords", "register.write", h_from_ledger, HB_NONE,
     "从台账的经度、纬度列取得企业位置（按统一社会信用代码）", "map", "ledger_import:{id}"},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
