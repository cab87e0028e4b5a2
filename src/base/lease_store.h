/* lease_store — the SQL of base/lease.c (PostgreSQL's advisory locks). */
#ifndef EJIA_BASE_LEASE_STORE_H
#define EJIA_BASE_LEASE_STORE_H

#include <stdbool.h>

#include "core/err.h"
#include "db/db.h"

/* Name this session in pg_stat_activity (application_name). */
st lease_store_name(db *d, const char *name, err *e);
/* Try the work's advisory lock for this session: *got says whether it is ours. */
st lease_store_try(db *d, const char *work, bool *got, err *e);
/* The connection (and so a session lock) still there. */
st lease_store_ping(db *d, err *e);
/* The application_name of the session holding the work's lock (malloc'ed), ST_NOT_FOUND when none. */
st lease_store_holder(db *d, const char *work, char **name, err *e);

#endif
