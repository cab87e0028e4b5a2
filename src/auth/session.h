/* session — server-side sessions behind the ejia_session cookie.
 *
 * The cookie carries 256 random bits (base64url); the database keeps only
 * their SHA-256, so a stolen database copy opens no session.  A new token is
 * issued at every login (no fixation).  A session ends at logout, when the
 * user ends it from their list, after session-idle seconds without a
 * request, or session-absolute seconds after login, whichever comes first.
 * Cookie: HttpOnly; SameSite=Strict; Path=/; Secure when behind-tls.
 *
 * The store (session_store.c) holds all the SQL of sessions.  Opening one is
 * part of the login's use case (login.c); logging out and ending one of
 * one's own sessions are use cases of their own, each with its audit row;
 * ending all of an account's sessions is part of a password change, a reset
 * or a disable. */
#ifndef EJIA_AUTH_SESSION_H
#define EJIA_AUTH_SESSION_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "base/uc.h"
#include "core/err.h"

#define SESSION_COOKIE "ejia_session"

/* Set-Cookie values (session.c). */
void session_cookie(const char *token, char *out, size_t n);
void session_cookie_clear(char *out, size_t n);

/* Open a session for user_id from c's address (inside the caller's use
 * case); token gets the cookie value (43 characters + NUL). */
st session_store_open(uc *c, int64_t user_id, const char *user_agent, char token[48], int64_t *sid, err *e);
/* The session for a cookie token: *sid and *uid, or ST_UNAUTH when unknown,
 * ended or expired (an expired one is ended on the way). */
st session_store_lookup(uc *c, const char *token, int64_t *sid, int64_t *uid, err *e);

/* A session with what a request needs of its account, read together: every
 * authenticated request asks, and one query is one round trip to PostgreSQL
 * instead of two (bench/http.txt).  Nothing is cached: a session ended or an
 * account changed, disabled or given another role on any server counts from
 * the next request.  has_user false when the account row is gone. */
typedef struct session_user {
    int64_t sid, uid;
    bool has_user;
    char username[64], name[128], role[32], scope_kind[16], scope_code[64], scope_name[256];
    bool must_change, disabled, totp_enabled;
} session_user;
/* As session_store_lookup, filling out. */
st session_store_lookup_user(uc *c, const char *token, session_user *out, err *e);
/* End one session (inside the caller's use case). */
st session_store_end(uc *c, int64_t sid, err *e);
/* End every session of a user except keep_sid (inside the caller's use case). */
st session_store_end_all(uc *c, int64_t user_id, int64_t keep_sid, err *e);
/* auth.logout: end the actor's session sid.  Without a session (sid 0) there
 * is nothing to end, and the row says so. */
st session_store_logout(uc *c, int64_t sid, err *e);
/* auth.session_end: end session id if it is one of the actor's own. */
st session_store_end_mine(uc *c, int64_t id, err *e);
/* The actor's live sessions, newest first, as a new JSON array (id,
 * created_at, last_seen, expires_at, address, user_agent, current). */
st session_store_list_mine(uc *c, int64_t current_sid, json_t **items, err *e);

#endif
