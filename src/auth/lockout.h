/* lockout — too many failed logins lock the account for a while, and too
 * many from one address pause that address.
 *
 * Accounts: lockout-failures consecutive failures (default 5) set
 * locked_until to now + lockout-minutes (default 30); a successful login
 * clears the count.  While locked, even the right password is refused (423),
 * so guessing stops.
 *
 * Names that are no account are counted and locked the same way (table
 * login_name_failures), so that the replies — 401, then 423 with the same
 * until — do not tell whether an account exists.  Rows of such names idle for
 * 30 days are forgotten (an attacker's list of names must not grow the table
 * for ever; the address throttle bounds how fast it grows).
 *
 * Addresses: login-address-failures failures from one address within
 * login-address-minutes pause every login from that address for
 * login-address-minutes (429 with Retry-After), whatever the name and even
 * with the right password (else a pause would not stop guessing).  A paused
 * address reaches no account, so it cannot lock more than
 * login-address-failures / lockout-failures accounts per window: one attacker
 * can no longer lock everyone out.  The address is the connection's peer, or
 * behind the TLS proxy (behind-tls) the last X-Forwarded-For entry — else the
 * proxy's one address would pause everybody (auth_api.c).  Successful logins do not clear an
 * address's count (an attacker with one good account must not reset it).
 *
 * The store (lockout_store.c) holds the counters; its functions run inside
 * the caller's use case (uc_begin … uc_end), which writes the audit rows. */
#ifndef EJIA_AUTH_LOCKOUT_H
#define EJIA_AUTH_LOCKOUT_H

#include <stdbool.h>
#include <stdint.h>
#include "core/err.h"
#include "base/uc.h"

/* Count one failure; *locked_until > 0 when this failure locked the account. */
st lockout_store_fail(uc *c, int64_t user_id, int64_t now, int64_t *locked_until, err *e);
st lockout_store_clear(uc *c, int64_t user_id, err *e);

/* A name that is no account: until when it is "locked" (0 = not). */
st lockout_store_name_until(uc *c, const char *name, int64_t *locked_until, err *e);
/* Count one failure for such a name; *locked_until > 0 when this one locked it. */
st lockout_store_name_fail(uc *c, const char *name, int64_t now, int64_t *locked_until, err *e);

/* Is the address paused?  *until = end of the pause, 0 when not paused. */
st lockout_store_addr_until(uc *c, const char *addr, int64_t now, int64_t *until, err *e);
/* Count one failed login from addr; *paused_until > 0 when this failure
 * started a pause. */
st lockout_store_addr_fail(uc *c, const char *addr, int64_t now, int64_t *paused_until, err *e);

#endif
