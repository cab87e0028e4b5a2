/* demo_map — the demo city's coordinates for the map (issue 19).  Nothing is
 * geocoded: 湖里区's survey (07-湖里区摸排.csv, demo_ledger.c) carries 经度/纬度
 * columns, taken into the register by the district's office as any office
 * would (map_store_from_ledger: source 'ledger'); the city office places four
 * enterprises of 软件园二期 by hand on the map (source 'form'); every other
 * enterprise is drawn at its district's centroid as 近似位置. */
#include "demo/demo.h"
#include "map/map.h"

st demo_map_fill(demo_ctx *c, err *e) {
    int64_t imp = 0, n = 0;
    st s = db_query_int(c->d, &imp, "SELECT id FROM ledger_import WHERE source = '07-湖里区摸排.csv'", e, "");
    if (s) return s;
    uc office = c->use;
    office.who.scope_kind = "district";
    office.who.scope_code = "350206";
    s = map_store_from_ledger(&office, imp, &n, e);
    /* picked on the map: the buildings of 软件园二期 (观日路) */
    static const int64_t at[][2] = {{118179500, 24490500}, {118181200, 24488700}, {118176800, 24492100}, {118183000, 24493500}};
    json_t *ids = NULL;
    if (!s)
        s = db_query_json(c->d, &ids, "SELECT id FROM enterprise WHERE park_code = 'P0002' AND zombie = 0 ORDER BY id LIMIT 4", e,
                          "");
    for (size_t i = 0; !s && i < json_array_size(ids); i++)
        s = map_store_coord_set(&c->use, json_integer_value(json_object_get(json_array_get(ids, i), "id")), at[i][0], at[i][1], e);
    json_decref(ids);
    return s;
}
