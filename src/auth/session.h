/* session — server-side sessions behind the ejia_session cookie.
 *
 * The cookie carries 256 random bits (base64url); the database keeps only
 * their SHA-256, so a stolen database copy opens no session.  A new token is
 * issued at every login (no fixation).  A session ends at logout, when the
 * user ends it from their list, after session-idle seconds without a
 * request, or session-absolute seconds after login, whichever comes first.
 * Cookie: HttpOnly; SameSite=Strict; Path=/; Secure when behind-tls. */
#ifndef EJIA_AUTH_SESSION_H
#define EJIA_AUTH_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "db/db.h"

#define SESSION_COOKIE "ejia_session"

/* Create a session; token gets the cookie value (44 bytes + NUL). */
st session_create(db *d, int64_t user_id, const char *addr, const char *user_agent, char token[48],
                  int64_t *sid, err *e);
/* The session for a cookie token: *sid and *uid, or ST_UNAUTH when unknown,
 * ended or expired (an expired one is ended on the way). */
st session_lookup(db *d, const char *token, int64_t *sid, int64_t *uid, err *e);
st session_end(db *d, int64_t sid, err *e);
/* End every session of a user except keep_sid (password change). */
st session_end_all(db *d, int64_t user_id, int64_t keep_sid, err *e);
/* Set-Cookie values. */
void session_cookie(const char *token, char *out, size_t n);
void session_cookie_clear(char *out, size_t n);

#endif
