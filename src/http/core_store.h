/* core_store — the SQL behind the routes every deployment has (core_api.c):
 * the database's pulse for the health check and the city's reference regions. */
#ifndef EJIA_HTTP_CORE_STORE_H
#define EJIA_HTTP_CORE_STORE_H

#include <jansson.h>
#include "core/err.h"
#include "db/db.h"

/* One round trip to the database; its error as the driver words it. */
st core_store_ping(db *d, err *e);

/* Regions (code, name, kind, parent_code) in code order, optionally of one
 * kind and/or under one parent; *out a new array (caller owns). */
st core_store_regions(db *d, const char *kind, const char *parent, json_t **out, err *e);

#endif
