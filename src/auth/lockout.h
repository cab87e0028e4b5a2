/* lockout — too many failed logins lock the account for a while.
 *
 * lockout-failures consecutive failures (default 5) set locked_until to now +
 * lockout-minutes (default 30); a successful login clears the count.  While
 * locked, even the right password is refused (423), so guessing stops.  The
 * caller holds the write transaction and writes the audit rows. */
#ifndef EJIA_AUTH_LOCKOUT_H
#define EJIA_AUTH_LOCKOUT_H

#include <stdbool.h>
#include <stdint.h>
#include "core/err.h"
#include "db/db.h"

/* Count one failure; *locked_until > 0 when this failure locked the account. */
st lockout_fail(db *d, int64_t user_id, int64_t now, int64_t *locked_until, err *e);
st lockout_clear(db *d, int64_t user_id, err *e);

#endif
