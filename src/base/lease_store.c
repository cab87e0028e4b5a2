/* lease_store — the SQL of base/lease.c (see lease.h).  The lock's key is the
 * two-number form: ejia's namespace, then the hash of the work's name, so a
 * lock of another program in the same database cannot collide with ours. */
#include "base/lease_store.h"

#include <stdlib.h>

#define LEASE_NS "1701538145"   /* "ejia" as a 32-bit number */

st lease_store_name(db *d, const char *name, err *e) {
    return db_run(d, "SELECT set_config('application_name', $1, false)", e, "t", name);
}

st lease_store_try(db *d, const char *work, bool *got, err *e) {
    int64_t v = 0;
    st s = db_query_int(d, &v, "SELECT pg_try_advisory_lock(" LEASE_NS ", hashtext($1))::int", e, "t", work);
    *got = !s && v == 1;
    return s;
}

st lease_store_ping(db *d, err *e) {
    int64_t v = 0;
    return db_query_int(d, &v, "SELECT 1", e, "");
}

st lease_store_holder(db *d, const char *work, char **name, err *e) {
    /* pg_locks shows the second number as an unsigned oid */
    return db_query_text(d, name,
                         "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                         "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.classid = " LEASE_NS " "
                         "AND l.objid::bigint = (hashtext($1)::bigint & 4294967295) "
                         "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                         e, "t", work);
}
