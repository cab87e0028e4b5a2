/* map_store — all of the map's SQL: coordinates set by the form or taken
 * from a ledger (audited use cases), and the places of the enterprises in the
 * caller's scope (a coordinate, else a centroid).  See map.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/scope.h"
#include "core/config.h"
#include "map/map.h"

/* the enterprise's place: its own coordinate, else its street's centroid, else its district's */
#define MAP_PLACE_JOINS                                                        \
    " FROM enterprise e LEFT JOIN enterprise_coord k ON k.enterprise_id = e.id" \
    " LEFT JOIN map_centroid s ON s.region_code = e.street_code"               \
    " LEFT JOIN map_centroid d ON d.region_code = e.district_code"
#define MAP_SCOPE SCOPE_COND("$1", "$2", "e.district_code", "e.park_code", "NULL", "e.id", "NULL")

st map_store_coord_set(uc *c, int64_t id, int64_t lng_e6, int64_t lat_e6, err *e) {
    st s = map_bounds_check(lng_e6, lat_e6, e);
    if (s) return s;
    if ((s = uc_begin(c, e))) return s;
    char *name = NULL;
    s = db_query_text(c->d, &name, "SELECT name FROM enterprise WHERE id = $1", e, "i", id);
    if (s == ST_NOT_FOUND) s = err_set(e, ST_NOT_FOUND, "未找到编号为 %lld 的企业；请从企业名录重新打开。", (long long)id);
    if (!s)
        s = db_run(c->d,
                   "INSERT INTO enterprise_coord(enterprise_id, lng_e6, lat_e6, source, ledger_import_id, ledger_row, set_by, set_at) "
                   "VALUES ($1, $2, $3, 'form', NULL, NULL, $4, {{NOW}}) ON CONFLICT (enterprise_id) DO UPDATE SET "
                   "lng_e6 = excluded.lng_e6, lat_e6 = excluded.lat_e6, source = 'form', ledger_import_id = NULL, "
                   "ledger_row = NULL, set_by = excluded.set_by, set_at = excluded.set_at",
                   e, "iiit", id, lng_e6, lat_e6, c->who.username ? c->who.username : "");
    char x[24], y[24];
    map_e6_text(lng_e6, x);
    map_e6_text(lat_e6, y);
    uc_act a = {"map.coord.set", uc_obj(c, "enterprise", id),
                arena_printf(c->mem, "%s：在地图上设置位置 经度 %s、纬度 %s", name ? name : "", x, y)};
    free(name);
    return uc_end(c, s, &a, e);
}

#define MAP_LEDGER_ROWS                                                                                              \
    " FROM ledger_record r JOIN enterprise e ON e.uscc = r.code"                                                     \
    " LEFT JOIN enterprise_coord k ON k.enterprise_id = e.id"                                                        \
    " WHERE r.import_id = $3 AND r.code_kind = 'uscc' AND r.lng_e6 IS NOT NULL AND r.lat_e6 IS NOT NULL"             \
    " AND r.lng_e6 BETWEEN $4 AND $5 AND r.lat_e6 BETWEEN $6 AND $7 AND (k.source IS NULL OR k.source <> 'form')"   \
    " AND r.id = (SELECT MAX(r2.id) FROM ledger_record r2 WHERE r2.import_id = r.import_id AND r2.code = r.code"    \
    " AND r2.lng_e6 BETWEEN $4 AND $5 AND r2.lat_e6 BETWEEN $6 AND $7) AND " MAP_SCOPE

st map_store_from_ledger(uc *c, int64_t import_id, int64_t *n, err *e) {
    *n = 0;
    const char *k, *code;
    scope_bind(c, &k, &code);
    int64_t x0 = cfg_int("map-lng-min-e6"), x1 = cfg_int("map-lng-max-e6");
    int64_t y0 = cfg_int("map-lat-min-e6"), y1 = cfg_int("map-lat-max-e6");
    st s = uc_begin(c, e);
    if (s) return s;
    char *source = NULL;
    s = db_query_text(c->d, &source, "SELECT source FROM ledger_import WHERE id = $1", e, "i", import_id);
    if (s == ST_NOT_FOUND) s = err_set(e, ST_NOT_FOUND, "未找到编号为 %lld 的台账导入。", (long long)import_id);
    if (!s) s = db_query_int(c->d, n, "SELECT COUNT(*)" MAP_LEDGER_ROWS, e, "ttiiiii", k, code, import_id, x0, x1, y0, y1);
    if (!s)
        s = db_run(c->d,
                   "INSERT INTO enterprise_coord(enterprise_id, lng_e6, lat_e6, source, ledger_import_id, ledger_row, set_by, set_at) "
                   "SELECT e.id, r.lng_e6, r.lat_e6, 'ledger', r.import_id, r.sheet_row, $8, {{NOW}}" MAP_LEDGER_ROWS
                   " ON CONFLICT (enterprise_id) DO UPDATE SET lng_e6 = excluded.lng_e6, lat_e6 = excluded.lat_e6, "
                   "source = 'ledger', ledger_import_id = excluded.ledger_import_id, ledger_row = excluded.ledger_row, "
                   "set_by = excluded.set_by, set_at = excluded.set_at",
                   e, "ttiiiiit", k, code, import_id, x0, x1, y0, y1, c->who.username ? c->who.username : "");
    uc_act a = {"map.coord.ledger", uc_obj(c, "ledger_import", import_id),
                arena_printf(c->mem, "从台账“%s”的经度、纬度列取得 %lld 家企业的位置", source ? source : "", (long long)*n)};
    free(source);
    s = uc_end(c, s, &a, e);
    if (s) *n = 0;
    return s;
}

st map_store_coord_get(uc *c, int64_t id, json_t **out, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT e.id AS enterprise_id, e.name, COALESCE(k.lng_e6, s.lng_e6, d.lng_e6) AS lng_e6, "
                         "COALESCE(k.lat_e6, s.lat_e6, d.lat_e6) AS lat_e6, "
                         "CASE WHEN k.source IS NOT NULL THEN k.source WHEN s.region_code IS NOT NULL OR d.region_code IS NOT NULL "
                         "THEN 'centroid' END AS source, "
                         "CASE WHEN k.source IS NULL THEN COALESCE(s.region_code, d.region_code) END AS region_code, "
                         "k.ledger_import_id, k.ledger_row, k.set_by, k.set_at" MAP_PLACE_JOINS " WHERE e.id = $1",
                         e, "i", id);
    if (s) return s;
    if (!json_array_size(rows)) {
        json_decref(rows);
        return err_set(e, ST_NOT_FOUND, "未找到编号为 %lld 的企业。", (long long)id);
    }
    json_t *o = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    /* degrees beside the millionths, for the reader */
    for (int i = 0; i < 2; i++) {
        json_t *v = json_object_get(o, i ? "lat_e6" : "lng_e6");
        json_object_set_new(o, i ? "lat" : "lng", json_is_integer(v) ? json_real((double)json_integer_value(v) / 1e6) : json_null());
    }
    json_object_set_new(o, "approx", json_boolean(map_source_approx(json_string_value(json_object_get(o, "source")))));
    *out = o;
    return ST_OK;
}

st map_store_places(uc *c, json_t **out, err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    db_stmt *q = NULL;
    st s = db_prepare(c->d,
                      "SELECT e.id, COALESCE(k.lng_e6, s.lng_e6, d.lng_e6), COALESCE(k.lat_e6, s.lat_e6, d.lat_e6), "
                      "COALESCE(k.source, 'centroid')" MAP_PLACE_JOINS " WHERE " MAP_SCOPE
                      " AND (k.enterprise_id IS NOT NULL OR s.region_code IS NOT NULL OR d.region_code IS NOT NULL)",
                      &q, e);
    if (s) return s;
    json_t *o = json_object();
    db_bind_text(q, 1, k);
    db_bind_text(q, 2, code);
    int rc;
    char key[24];
    while ((rc = db_step(q, e)) == DB_ROW) {
        snprintf(key, sizeof key, "%lld", (long long)db_col_int(q, 0));
        json_object_set_new(o, key, json_pack("[I,I,s]", (json_int_t)db_col_int(q, 1), (json_int_t)db_col_int(q, 2),
                                              db_col_text(q, 3) ? db_col_text(q, 3) : "centroid"));
    }
    db_reset(q);
    if (rc == DB_ERROR) {
        json_decref(o);
        return e->code;
    }
    *out = o;
    return ST_OK;
}

st map_store_centroids(uc *c, json_t **out, err *e) {
    return db_query_json(c->d, out,
                         "SELECT m.region_code, g.name, m.lng_e6, m.lat_e6, m.source FROM map_centroid m "
                         "LEFT JOIN region g ON g.code = m.region_code ORDER BY m.region_code",
                         e, "");
}
