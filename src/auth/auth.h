/* auth — what the rest of ejia uses of accounts, roles, scope and audit.
 *
 * serve calls auth_init (key file, audit guards, retention purge) and
 * installs auth_http_ops with http_set_auth before the server starts.  The
 * server then runs, for every request: CSRF check, auth_http_ops.authenticate
 * (cookie → session → user), and unless the route is "public",
 * auth_http_ops.authorize: logged in? role holds the route's permission?
 * object named by the route's `scope` inside the user's scope?  Every 401/403
 * goes through .denied into the audit trail.
 *
 * Handlers use:
 *   auth_reauth                  password re-entry before a sensitive action (login.h);
 *   auth_has                     does the caller hold a permission (optional parts of a reply);
 * and write through their module's store with http_uc(r) (base/uc.h), whose
 * lists bind the caller's scope with scope_bind (scope.h). */
#ifndef EJIA_AUTH_AUTH_H
#define EJIA_AUTH_AUTH_H

#include <stdbool.h>
#include "auth/scope.h"
#include "http/http.h"

extern const http_auth_ops auth_http_ops;
extern const http_route auth_routes[];
extern const http_route users_routes[];  /* users_api.c */
extern const http_route audit_routes[];  /* audit_api.c */

/* Load the field key, install the audit guards, purge audit rows past the
 * retention.  d is an open, migrated connection. */
st auth_init(db *d, err *e);
/* Warn (log) about routes whose permission or scope kind is unknown: such
 * routes refuse everyone until fixed. */
void auth_check_routes(void);

bool auth_has(http_req *r, const char *perm);
/* The audit hook of auth_http_ops (list exports): http_audit for the caller. */
st auth_audit(http_req *r, const char *action, const char *object, const char *result, const char *detail, err *e);
/* Check the caller's password again (field "password" of the body by
 * convention); a wrong one counts toward lockout and is audited:
 * ST_FORBIDDEN with code "bad_password". */
st auth_reauth(http_req *r, const char *password, err *e);

#endif
