/* totp_store — an account's second factor in the users table (see totp.h):
 * totp_pending (a secret set up, not yet confirmed), totp_secret (in use)
 * and totp_last_step (the last time step a code was accepted from, so a code
 * works once).  Secrets are sealed (crypt.h). */
#include "auth/totp.h"

#include <stdlib.h>

#include "base/clock.h"
#include "base/crypt.h"

st totp_store_setup(uc *c, char secret[33], err *e) {
    char *sealed = NULL;
    st s = totp_new_secret(secret, e);
    if (!s) s = crypt_seal("users.totp_secret", secret, &sealed, e);
    if (!s) s = uc_begin(c, e);
    if (s) {
        free(sealed);
        return s;
    }
    s = db_run(c->d, "UPDATE users SET totp_pending = $1, updated_at = $2 WHERE id = $3", e, "tii", sealed, clock_now(),
               c->who.user_id);
    free(sealed);
    uc_act a = {"auth.totp_setup", c->who.username, "生成新的动态验证码密钥（待确认）"};
    return uc_end(c, s, &a, e);
}

/* The pending secret, opened (malloc'ed). */
static st totp_pending(uc *c, char **secret, err *e) {
    char *sealed = NULL;
    *secret = NULL;
    st s = db_query_text(c->d, &sealed, "SELECT totp_pending FROM users WHERE id = $1 AND totp_pending IS NOT NULL", e,
                         "i", c->who.user_id);
    if (s == ST_NOT_FOUND) return err_set(e, ST_CONFLICT, "请先生成动态验证码密钥（POST /api/me/totp/setup）。");
    if (!s) s = crypt_open("users.totp_secret", sealed, secret, e);
    free(sealed);
    return s;
}

st totp_store_enable(uc *c, const char *otp, err *e) {
    char *secret = NULL;
    st s = totp_pending(c, &secret, e);
    int64_t step = 0;
    if (!s && !totp_check_once(secret, clock_now(), otp, 0, &step))
        s = err_field(e, ST_INVALID, "otp", "动态验证码不正确：请核对身份验证器中的 6 位数字和手机时间后重试。");
    free(secret);
    if (!s) s = uc_begin(c, e);
    if (s) return s;
    /* The confirming code's step counts as used: it cannot open a session too. */
    s = db_run(c->d,
               "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $1, updated_at = $2 "
               "WHERE id = $3",
               e, "iii", step, clock_now(), c->who.user_id);
    uc_act a = {"auth.totp_enable", c->who.username, NULL};
    return uc_end(c, s, &a, e);
}

st totp_store_disable(uc *c, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    s = db_run(c->d, "UPDATE users SET totp_secret = NULL, totp_pending = NULL, updated_at = $1 WHERE id = $2", e, "ii",
               clock_now(), c->who.user_id);
    uc_act a = {"auth.totp_disable", c->who.username, NULL};
    return uc_end(c, s, &a, e);
}

st totp_store_take_step(uc *c, int64_t user_id, int64_t step, bool *taken, err *e) {
    int64_t hit = 0;
    st s = db_query_int(c->d, &hit,
                        "UPDATE users SET totp_last_step = $1 WHERE id = $2 "
                        "AND (totp_last_step IS NULL OR totp_last_step < $1) RETURNING id",
                        e, "ii", step, user_id);
    *taken = s == ST_OK;
    return s == ST_NOT_FOUND ? ST_OK : s;
}
