/* map — the city map (issue 19, Map): where the enterprises are, where each
 * coordinate came from, and the layers the map page draws.
 *
 * Nothing here is geocoded.  An enterprise's coordinate is one of
 *   ledger    the 经度/纬度 columns of a ledger row with its credit code
 *             (map_store_from_ledger: the import and row are kept),
 *   form      set on the register's enterprise page, picked on the map
 *             (map_store_coord_set, register.write, audited),
 *   centroid  none of these: the centroid of its street, else of its district
 *             (map_centroid; the shipped data has districts only) — drawn
 *             differently and labelled 近似位置.
 * Coordinates are whole millionths of a degree (int64), in the map data's
 * system; the bounds of the city are settings (map-lng-min-e6 …).
 *
 * Parts: this header; the rules in map.c (pure: parsing degrees, bounds, an
 * organization's place from its enterprises); the store in map_store.c (all
 * its SQL, kept to the caller's scope); the routes in map_api.c; the table of
 * layers in src/app/map_layers.c (one row per layer; another module adds its
 * own there — docs/internals.md). */
#ifndef EJIA_MAP_MAP_H
#define EJIA_MAP_MAP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/uc.h"
#include "core/err.h"

/* ---- rules (map.c) ---- */

/* "118.089123" or "118.089123°" (at most 6 decimals; more are rounded half
 * away from zero) into millionths of a degree.  ST_INVALID with a Chinese
 * message naming `label` (经度, 纬度) when it is not a number. */
st map_degrees_parse(const char *text, const char *label, int64_t *out_e6, err *e);
/* A number given in JSON (a double) the same way. */
st map_degrees_from_double(double v, const char *label, int64_t *out_e6, err *e);
/* Inside the city's bounds (settings map-lng-min-e6, map-lng-max-e6,
 * map-lat-min-e6, map-lat-max-e6)?  ST_INVALID naming the field ("lng" or
 * "lat") and saying what the bounds are, and that 经度 and 纬度 may be swapped. */
st map_bounds_check(int64_t lng_e6, int64_t lat_e6, err *e);
/* "118.089123" (6 decimals) into out. */
void map_e6_text(int64_t v, char out[24]);

/* An organization's place: the mean of the places of the enterprises it
 * covers; approximate when any of them is (a centroid).  n = 0: no place. */
typedef struct map_mean { int64_t lng_sum, lat_sum, n; bool approx; } map_mean;
void map_mean_add(map_mean *m, int64_t lng_e6, int64_t lat_e6, bool approx);
/* false when m holds nothing. */
bool map_mean_get(const map_mean *m, int64_t *lng_e6, int64_t *lat_e6);

/* The three sources, and whether one is an approximation. */
bool map_source_known(const char *s);          /* "ledger" "form" "centroid" */
bool map_source_approx(const char *s);         /* "centroid" */

/* ---- store (map_store.c) ---- */

/* Set an enterprise's coordinate by the form (source 'form'; act map.coord.set,
 * object enterprise:id).  ST_NOT_FOUND for no such enterprise; bounds checked. */
st map_store_coord_set(uc *c, int64_t enterprise_id, int64_t lng_e6, int64_t lat_e6, err *e);
/* Take a ledger import's 经度/纬度 into the register: each row with both and a
 * valid credit code gives its enterprise (same uscc) a 'ledger' coordinate,
 * unless the enterprise has one set by the form (never overwritten); rows
 * outside the city's bounds are skipped.  One act map.coord.ledger (object
 * ledger_import:id); *n = enterprises given a coordinate. */
st map_store_from_ledger(uc *c, int64_t import_id, int64_t *n, err *e);
/* One enterprise's coordinate as the map draws it: {enterprise_id, lng, lat,
 * source, approx, region_code (the centroid's), ledger_import_id, ledger_row,
 * set_by, set_at}; lng/lat null when it has neither a coordinate nor a
 * centroid.  ST_NOT_FOUND when no such enterprise. */
st map_store_coord_get(uc *c, int64_t enterprise_id, json_t **out, err *e);
/* Every enterprise of the caller's scope with its place: an object keyed by
 * the id's decimal text, each [lng_e6, lat_e6, source] (source "centroid"
 * for an approximation; enterprises with no place at all are left out). */
st map_store_places(uc *c, json_t **out, err *e);
/* The centroids the map knows: [{region_code, lng, lat, source}]. */
st map_store_centroids(uc *c, json_t **out, err *e);

/* ---- layers (map_api.c; the table in src/app/map_layers.c) ---- */

/* A layer of the map page.  `get` answers its JSON for a day (YYYY-MM-DD):
 * {"kind": "areas"|"points", "items": [...], ...}.  A role sees a layer when
 * it holds `perm` (and the route's coverage.read); the data stays in its scope
 * because `get` runs in the caller's use case. */
typedef struct map_layer {
    const char *name;        /* "districts": the URL's {name}, the web's key */
    const char *label;       /* 覆盖率（按区）: shown in the layer list */
    const char *kind;        /* "areas" or "points" */
    const char *perm;        /* permission to see it */
    st (*get)(uc *c, const char *day, json_t **out, err *e);
    /* Drawn only when the person ticks it: a layer whose answer is a computation
       (the circle's suggested centers: a greedy search, seconds at a province's
       500,000 enterprises) must not hold up every first paint of the map. */
    bool on_demand;
} map_layer;
extern const map_layer map_layers[];   /* ends with {NULL} */

/* The built-in layers (map_api.c). */
st map_layer_districts(uc *c, const char *day, json_t **out, err *e);
st map_layer_enterprises(uc *c, const char *day, json_t **out, err *e);
st map_layer_orgs(uc *c, const char *day, json_t **out, err *e);

#endif
