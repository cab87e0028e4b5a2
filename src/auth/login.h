/* login — proving who one is: the login and the password asked again before
 * a sensitive action.
 *
 * A login goes through its steps in an order chosen for what a reply may
 * reveal:
 *   1. the address: every login from a paused address is refused, whatever
 *      the name and even with the right password (the same for every name);
 *   2. the name: an account, or a name that is none (counted and locked all
 *      the same, so the replies do not tell which);
 *   3. the lock: the account's or the name's (the same 423);
 *   4. the password: hashed for unknown names too, so the time does not tell;
 *   5. the second factor, for accounts that have one: a code is good once;
 *   6. the session: a new token (no fixation), the failure count cleared,
 *      the code's time step taken, the browser's previous session ended —
 *      one use case with one audit row, auth.login.
 * Every refusal is audited (auth.login_paused, auth.login_locked,
 * auth.login_failed, with auth.lockout and auth.address_paused when the
 * failure started a lock or a pause); failures count toward the account's
 * lock and the address's pause (lockout.h).  The HTTP face (auth_api.c)
 * turns the outcome into the replies the web UI knows. */
#ifndef EJIA_AUTH_LOGIN_H
#define EJIA_AUTH_LOGIN_H

#include <stdbool.h>
#include <stdint.h>
#include "auth/users.h"
#include "base/uc.h"
#include "core/err.h"

typedef struct login_try {
    const char *username, *password;
    const char *otp;          /* NULL or "" = none given */
    const char *client;       /* the address failures are counted and paused by (auth_api.c:
                                 behind the TLS proxy, the client it names); the audit rows
                                 carry the connection's (c->who.address) */
    const char *user_agent;
    const char *old_token;    /* the browser's previous session cookie, ended on success; NULL = none */
} login_try;

typedef enum login_outcome {
    LOGIN_OK,                 /* a new session: token, sid, user */
    LOGIN_PAUSED,             /* the address is paused until .until (429) */
    LOGIN_LOCKED,             /* the account, or the name, is locked until .until (423) */
    LOGIN_BAD_CREDENTIALS,    /* wrong name or password, or a disabled account (401) */
    LOGIN_OTP_REQUIRED,       /* the second factor missing or refused (401); otp_given says which */
} login_outcome;

typedef struct login_result {
    login_outcome outcome;
    int64_t now;              /* the clock the attempt was judged by */
    int64_t until;            /* LOGIN_PAUSED, LOGIN_LOCKED: when it ends */
    bool otp_given;
    users_row user;           /* LOGIN_OK */
    char token[48];           /* LOGIN_OK: the cookie value */
    int64_t sid;
} login_result;

/* Try a login; c's actor is nobody yet (its address is the connection's).
 * ST_OK with the outcome in res; an error status only when the database or
 * the key failed. */
st login_run(uc *c, const login_try *t, login_result *res, err *e);

/* The actor's password asked again before a sensitive action (what: the
 * path, for the audit row).  A wrong one counts toward the lock and is
 * audited (auth.reauth_failed, auth.lockout): ST_FORBIDDEN with code
 * bad_password on field "password"; none at all is ST_INVALID. */
st login_reauth(uc *c, const char *what, const char *password, err *e);

#endif
