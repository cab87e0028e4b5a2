/* lockout_store — the counters behind account locks, names that are no
 * account, and paused addresses (see lockout.h).  Every function runs inside
 * the caller's use case (a failed login, a reauthentication, an unlock); the
 * caller writes the audit rows. */
#include "auth/lockout.h"

#include "core/config.h"

/* How long a name that is no account keeps its count when nobody tries it. */
#define LOCKOUT_NAME_KEEP (30 * 86400)

st lockout_store_fail(uc *c, int64_t user_id, int64_t now, int64_t *locked_until, err *e) {
    *locked_until = 0;
    int64_t n = 0;
    st s = db_query_int(c->d, &n, "UPDATE users SET failed_count = failed_count + 1 WHERE id = $1 RETURNING failed_count",
                        e, "i", user_id);
    if (s || n < cfg_int("lockout-failures")) return s;
    *locked_until = now + cfg_int("lockout-minutes") * 60;
    return db_run(c->d, "UPDATE users SET failed_count = 0, locked_until = $1 WHERE id = $2", e, "ii", *locked_until,
                  user_id);
}

st lockout_store_clear(uc *c, int64_t user_id, err *e) {
    return db_run(c->d, "UPDATE users SET failed_count = 0, locked_until = 0 WHERE id = $1", e, "i", user_id);
}

st lockout_store_name_until(uc *c, const char *name, int64_t *locked_until, err *e) {
    *locked_until = 0;
    st s = db_query_int(c->d, locked_until, "SELECT locked_until FROM login_name_failures WHERE username = $1", e, "t",
                        name);
    return s == ST_NOT_FOUND ? ST_OK : s;
}

st lockout_store_name_fail(uc *c, const char *name, int64_t now, int64_t *locked_until, err *e) {
    *locked_until = 0;
    /* Forget names nobody has tried for a long time (and that are not locked). */
    st s = db_run(c->d, "DELETE FROM login_name_failures WHERE updated_at < $1 AND locked_until < $2", e, "ii",
                  now - LOCKOUT_NAME_KEEP, now);
    int64_t n = 0;
    if (!s)
        s = db_query_int(c->d, &n,
                         "INSERT INTO login_name_failures(username, failed_count, locked_until, updated_at) "
                         "VALUES ($1, 1, 0, $2) ON CONFLICT (username) DO UPDATE SET "
                         "failed_count = login_name_failures.failed_count + 1, updated_at = $2 RETURNING failed_count",
                         e, "ti", name, now);
    if (s || n < cfg_int("lockout-failures")) return s;
    *locked_until = now + cfg_int("lockout-minutes") * 60;
    return db_run(c->d, "UPDATE login_name_failures SET failed_count = 0, locked_until = $1 WHERE username = $2", e, "it",
                  *locked_until, name);
}

st lockout_store_addr_until(uc *c, const char *addr, int64_t now, int64_t *until, err *e) {
    *until = 0;
    int64_t u = 0;
    st s = db_query_int(c->d, &u, "SELECT paused_until FROM login_throttle WHERE address = $1", e, "t", addr ? addr : "");
    if (s == ST_NOT_FOUND) return ST_OK;
    if (!s && u > now) *until = u;
    return s;
}

st lockout_store_addr_fail(uc *c, const char *addr, int64_t now, int64_t *paused_until, err *e) {
    *paused_until = 0;
    int64_t window = cfg_int("login-address-minutes") * 60, n = 0;
    /* A window older than login-address-minutes (or in the future: the clock
     * was set back) starts again at this failure. */
    st s = db_query_int(c->d, &n,
                        "INSERT INTO login_throttle(address, window_start, failures, paused_until) VALUES ($1, $2, 1, 0) "
                        "ON CONFLICT (address) DO UPDATE SET "
                        "failures = CASE WHEN login_throttle.window_start <= $3 OR login_throttle.window_start > $2 "
                        "THEN 1 ELSE login_throttle.failures + 1 END, "
                        "window_start = CASE WHEN login_throttle.window_start <= $3 OR login_throttle.window_start > $2 "
                        "THEN $2 ELSE login_throttle.window_start END "
                        "RETURNING failures",
                        e, "tii", addr ? addr : "", now, now - window);
    if (!s) s = db_run(c->d, "DELETE FROM login_throttle WHERE window_start <= $1 AND paused_until <= $2", e, "ii",
                       now - window, now);
    int64_t limit = cfg_int("login-address-failures");
    if (s || n < limit) return s;
    /* Past the limit only when concurrent failures raced the check: pause
     * all the same (without moving a pause already set), but report (and so
     * audit) the pause once. */
    int64_t until = now + window;
    if (n == limit) *paused_until = until;
    return db_run(c->d, "UPDATE login_throttle SET paused_until = $1 WHERE address = $2 AND paused_until <= $3", e, "iti",
                  until, addr ? addr : "", now);
}
