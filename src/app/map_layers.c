/* map_layers — the one list of the city map's layers (issue 19), as routes.c
 * lists routes.  A module that has something to draw adds a row here with
 * its own `get` (declared in its header, its SQL in its store): its name,
 * Chinese label, "areas" or "points", and the permission that shows it.
 * GET /api/map/layers lists the rows the caller's role may see; the web's
 * web/src/maplayers.js says how each is drawn (docs/internals.md, "The map"). */
#include "alliance/alliance_map.h"
#include "center/center_store.h"
#include "map/map.h"

const map_layer map_layers[] = {
    {"districts", "覆盖率（按区）", "areas", "coverage.read", map_layer_districts},
    {"enterprises", "企业（已覆盖/未覆盖）", "points", "coverage.read", map_layer_enterprises},
    {"orgs", "党组织", "points", "org.read", map_layer_orgs},
    {"alliances", "党建联盟", "points", "org.read", alliance_map_layer},   /* issue 23: at the mean of its members' enterprises */
    {"centers", "党群服务中心（十分钟服务圈）", "points", "center.read", center_map_layer},   /* issue 19: at its coordinate, else its district's centroid */
    {"circle-gaps", "建议新建服务中心（服务圈空白处）", "points", "coverage.read", center_gaps_layer, true},   /* issue 19: the greedy suggestion */
    {NULL, NULL, NULL, NULL, NULL, false},
};
