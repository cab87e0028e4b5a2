/* totp — the second factor for administrator accounts (RFC 6238 via liboath):
 * 6 digits, 30-second steps, one step of clock drift accepted either side.
 * Secrets are 160 random bits, handed to the user in base32 (and as an
 * otpauth:// URI for authenticator apps), stored encrypted (crypt.h). */
#ifndef EJIA_AUTH_TOTP_H
#define EJIA_AUTH_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
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

#endif
