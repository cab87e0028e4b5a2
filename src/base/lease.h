/* lease — periodic work (the 旬 bulletin, the points engine) runs on ONE of
 * the servers that share a database, and another takes it over when that one
 * dies (issue 20).
 *
 * On PostgreSQL a lease is a session-level advisory lock, one per kind of
 * work, taken with pg_try_advisory_lock on a connection of its own that the
 * scheduler keeps for as long as it runs: PostgreSQL lets go of the lock the
 * moment that session ends — the process killed, the machine gone, the
 * connection cut — so no expiry to tune and no clock to trust; the next tick
 * of another server takes it.  On SQLite one file has one server, which
 * always leads.  The work itself stays idempotent (a 旬 is issued once, the
 * points engine has its watermark), because in the instant a lease changes
 * hands both may be running a tick already begun.
 *
 * The leading session names itself (application_name "ejia lease <server>"),
 * so `ejia doctor` and pg_stat_activity show which server leads. */
#ifndef EJIA_BASE_LEASE_H
#define EJIA_BASE_LEASE_H

#include <stdbool.h>

#include "core/err.h"

typedef struct lease lease;

/* A lease on the work named `work` ("bulletin", "points") in the database at
 * url; no connection yet (lease_lead opens it).  NULL when out of memory. */
lease *lease_new(const char *url, const char *work);
/* Whether this server leads the work now: call at each tick, before the
 * work.  Opens the connection, checks that it (and so the lock) is still
 * there, takes the lock when free; logs each change of hands.  false when
 * another server leads or the database cannot be reached. */
bool lease_lead(lease *l);
/* Let go (the scheduler's end): the connection closed, the lock with it. */
void lease_free(lease *l);

/* This server as the audit trail and the logs name it: "<host> 进程 <pid>". */
const char *lease_self(void);

/* Which server leads work in the database d (PostgreSQL): "<host> 进程 <pid>"
 * in *who (malloc'ed), or ST_NOT_FOUND when none does. */
st lease_holder(const char *url, const char *work, char **who, err *e);

#endif
