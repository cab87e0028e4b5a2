/* core_store — see core_store.h. */
#include "http/core_store.h"

st core_store_ping(db *d, err *e) {
    int64_t one = 0;
    return db_query_int(d, &one, "SELECT 1", e, "");
}

st core_store_regions(db *d, const char *kind, const char *parent, json_t **out, err *e) {
    return db_query_json(d, out,
                         "SELECT code, name, kind, parent_code FROM region "
                         "WHERE (CAST($1 AS TEXT) IS NULL OR kind = $1) AND (CAST($2 AS TEXT) IS NULL OR parent_code = $2) ORDER BY code",
                         e, "tt", kind, parent);
}
