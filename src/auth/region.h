/* region — the city's administrative regions as a scoped object: one
 * region with its children (GET /api/regions/{code}; the scope resolver
 * "region" is in scope.c).  The store is region_store.c. */
#ifndef EJIA_AUTH_REGION_H
#define EJIA_AUTH_REGION_H

#include <jansson.h>
#include "base/uc.h"
#include "core/err.h"

/* {code, name, kind, parent_code, children:[{code, name, kind}]} as a new
 * JSON object (caller owns); ST_NOT_FOUND naming the code when there is none. */
st region_store_get(uc *c, const char *code, json_t **out, err *e);

#endif
