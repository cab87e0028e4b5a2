/* jsonx — strict reading of JSON request bodies (jansson).
 *
 * Bodies are objects with known fields only: jsonx_only() refuses unknown
 * fields (security.md: "unknown JSON fields refused").  Getters validate type,
 * length (in characters) and range and report the field name in Chinese. */
#ifndef EJIA_CORE_JSONX_H
#define EJIA_CORE_JSONX_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "err.h"

/* Parse body (len bytes) into an object; ST_INVALID with the position on error. */
st jsonx_parse_object(const char *body, size_t len, json_t **out, err *e);
/* Every key of obj must be in the NULL-terminated list. */
st jsonx_only(const json_t *obj, const char *const *allowed, err *e);
/* String field: required or not; length bounds in UTF-8 characters; *out NULL when absent. */
st jsonx_str(const json_t *obj, const char *key, bool required, size_t min_chars,
             size_t max_chars, const char **out, err *e);
st jsonx_int(const json_t *obj, const char *key, bool required, int64_t min, int64_t max,
             int64_t def, int64_t *out, err *e);
st jsonx_bool(const json_t *obj, const char *key, bool required, bool def, bool *out, err *e);

#endif
