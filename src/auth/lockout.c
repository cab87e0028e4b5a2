/* lockout — see lockout.h. */
#include "lockout.h"

#include "core/config.h"

st lockout_fail(db *d, int64_t user_id, int64_t now, int64_t *locked_until, err *e) {
    *locked_until = 0;
    int64_t n = 0;
    st s = db_query_int(d, &n, "UPDATE users SET failed_count = failed_count + 1 WHERE id = $1 RETURNING failed_count",
                        e, "i", user_id);
    if (s || n < cfg_int("lockout-failures")) return s;
    *locked_until = now + cfg_int("lockout-minutes") * 60;
    return db_run(d, "UPDATE users SET failed_count = 0, locked_until = $1 WHERE id = $2", e, "ii", *locked_until,
                  user_id);
}

st lockout_clear(db *d, int64_t user_id, err *e) {
    return db_run(d, "UPDATE users SET failed_count = 0, locked_until = 0 WHERE id = $1", e, "i", user_id);
}
