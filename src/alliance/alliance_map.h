/* alliance_map — the alliances' layer of the city map (see alliance_map.c). */
#ifndef EJIA_ALLIANCE_ALLIANCE_MAP_H
#define EJIA_ALLIANCE_ALLIANCE_MAP_H

#include <jansson.h>

#include "base/uc.h"
#include "core/err.h"

/* The map layer "alliances" for day: {"kind": "points", "fields": [id, name,
 * type, lng_e6, lat_e6, source, enterprises], "rows": [...]}; source "mean"
 * or "centroid" (approximate). */
st alliance_map_layer(uc *c, const char *day, json_t **out, err *e);

#endif
