/* totp — the second factor for administrator accounts (RFC 6238 via liboath):
 * 6 digits, 30-second steps, one step of clock drift accepted either side.
 * Secrets are 160 random bits, handed to the user in base32 (and as an
 * otpauth:// URI for authenticator apps), stored encrypted (crypt.h).
 *
 * The rules are in totp.c; the state of an account's second factor (the
 * pending secret, the secret in use, the last step a code was taken from) is
 * kept by totp_store.c: setting up, enabling and disabling are use cases of
 * the account's owner, each with its audit row. */
#ifndef EJIA_AUTH_TOTP_H
#define EJIA_AUTH_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/uc.h"
#include "core/err.h"

/* A new secret in base32 (32 characters + NUL). */
st totp_new_secret(char out[33], err *e);
/* The code for a base32 secret at time now (out: 7 bytes); for tests and the demo. */
st totp_code(const char *b32, int64_t now, char out[7], err *e);
/* Does otp match the secret at now (±1 step)? */
bool totp_check(const char *b32, int64_t now, const char *otp);
/* As totp_check, and only for a time step after last_step (a code is good
 * once: replay refused); *step gets the step the code belongs to. */
bool totp_check_once(const char *b32, int64_t now, const char *otp, int64_t last_step, int64_t *step);
/* otpauth://totp/ejia:USER?secret=...&issuer=ejia (out malloc'ed). */
char *totp_uri(const char *b32, const char *username);

/* ---- store (totp_store.c): the actor's own second factor ---- */

/* auth.totp_setup: a new secret (base32, returned in secret), kept pending
 * until confirmed with totp_store_enable. */
st totp_store_setup(uc *c, char secret[33], err *e);
/* auth.totp_enable: the pending secret confirmed by a current code. */
st totp_store_enable(uc *c, const char *otp, err *e);
/* auth.totp_disable: no second factor any more. */
st totp_store_disable(uc *c, err *e);
/* Inside a login's use case: take step for user_id — only when it is later
 * than the last step taken, so that one code opens one session even when
 * logins carrying it race (the row lock, or SQLite's single writer, orders
 * them).  *taken false: a concurrent login took it first. */
st totp_store_take_step(uc *c, int64_t user_id, int64_t step, bool *taken, err *e);

#endif
