/* files_store — the SQL of base/files.c: a kept file's bytes in the database
 * (migration 0077), in chunks, for the servers that have no copy of it. */
#ifndef EJIA_BASE_FILES_STORE_H
#define EJIA_BASE_FILES_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "db/db.h"

/* Whether the database holds the whole file sha. */
st files_store_has(db *d, const char *sha, bool *has, err *e);
/* One chunk (n from 0), then the file's row once every chunk is in (its size and count). */
st files_store_chunk(db *d, const char *sha, int64_t n, const void *data, size_t len, err *e);
st files_store_done(db *d, const char *sha, int64_t size, int64_t chunks, err *e);
/* The file's chunks in order, each handed to sink (which returns non-zero to stop: ST_IO);
 * ST_NOT_FOUND when the database does not hold the whole file. */
st files_store_read(db *d, const char *sha, int (*sink)(void *arg, const void *p, size_t n), void *arg, err *e);

#endif
