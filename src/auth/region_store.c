/* region_store — a region and its children from the region table (see region.h). */
#include "auth/region.h"

st region_store_get(uc *c, const char *code, json_t **out, err *e) {
    *out = NULL;
    json_t *rows, *kids;
    st s = db_query_json(c->d, &rows, "SELECT code, name, kind, parent_code FROM region WHERE code = $1", e, "t", code);
    if (s) return s;
    if (json_array_size(rows) == 0) {
        json_decref(rows);
        return err_set(e, ST_NOT_FOUND, "没有代码为“%s”的区划。", code);
    }
    if ((s = db_query_json(c->d, &kids, "SELECT code, name, kind FROM region WHERE parent_code = $1 ORDER BY code", e,
                           "t", code))) {
        json_decref(rows);
        return s;
    }
    *out = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    json_object_set_new(*out, "children", kids);
    return ST_OK;
}
