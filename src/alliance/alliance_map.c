/* alliance_map — the alliances' layer of the city map (issue 23: "shown on
 * the map"; the table of layers is src/app/map_layers.c).  An alliance is
 * drawn at the mean of the places of its member organizations' enterprises
 * that day (map_store_places: a ledger or form coordinate, else the district's
 * centroid), approximate when any of them is; an alliance none of whose
 * enterprises has a place is left out.  The alliances are the caller's
 * (alliance_store_map: led inside the caller's scope), the places too. */
#include "alliance/alliance_map.h"

#include <stdio.h>

#include "alliance/alliance_store.h"
#include "map/map.h"

st alliance_map_layer(uc *c, const char *day, json_t **out, err *e) {
    *out = NULL;
    json_t *items = NULL, *places = NULL;
    st s = alliance_store_map(c, day, &items, e);
    if (!s) s = map_store_places(c, &places, e);
    if (s) return s;   /* items belong to the use case's arena (alliance_store_map); places are ours */
    json_t *rows = json_array();
    size_t i, k;
    json_t *a, *id;
    char key[24];
    json_array_foreach(items, i, a) {
        map_mean m = {0};
        json_array_foreach(json_object_get(a, "enterprise_ids"), k, id) {
            snprintf(key, sizeof key, "%lld", (long long)json_integer_value(id));
            json_t *p = json_object_get(places, key);
            if (p)
                map_mean_add(&m, json_integer_value(json_array_get(p, 0)), json_integer_value(json_array_get(p, 1)),
                             map_source_approx(json_string_value(json_array_get(p, 2))));
        }
        int64_t x, y;
        if (!map_mean_get(&m, &x, &y)) continue;
        const char *name = json_string_value(json_object_get(a, "name")), *kind = json_string_value(json_object_get(a, "kind"));
        json_array_append_new(rows, json_pack("[I,s,s,I,I,s,I]", (json_int_t)json_integer_value(json_object_get(a, "id")),
                                              name ? name : "", kind ? kind : "", (json_int_t)x, (json_int_t)y,
                                              m.approx ? "centroid" : "mean", (json_int_t)m.n));
    }
    *out = json_pack("{s:s,s:[s,s,s,s,s,s,s],s:o}", "kind", "points", "fields", "id", "name", "type", "lng_e6", "lat_e6", "source",
                     "enterprises", "rows", rows);
    json_decref(places);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}
