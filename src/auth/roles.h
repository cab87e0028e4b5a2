/* roles — who may do what: the static table role → permissions.
 *
 * Routes name a permission in their table entry (http_route.perm); a user may
 * use the route when their role's list holds it ("login" = any logged-in
 * user, "public" = anyone).  A permission no role holds is refused to all:
 * the check fails closed.  The same table is kept as data/roles.json, which
 * the access tests read for their expected answers (tests/unit/auth/
 * test_roles.c proves the two are the same).
 *
 * Each role also fixes the kind of data scope its users are bound to
 * (scope.h): a district worker to a district, a secretary to an
 * organization, a member to themselves. */
#ifndef EJIA_AUTH_ROLES_H
#define EJIA_AUTH_ROLES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct roles_perm { const char *name, *label; } roles_perm;
typedef struct roles_role {
    const char *name;          /* "district" */
    const char *label;         /* "区委组织部" */
    const char *scope_kind;    /* "district" */
    const char *const *perms;  /* NULL-terminated */
    const char *const *assigns;/* roles this role may create users of, NULL-terminated */
} roles_role;

const roles_role *roles_find(const char *name);
const roles_role *roles_all(size_t *n);
const roles_perm *roles_permissions(size_t *n);
bool roles_perm_known(const char *perm);
bool roles_has(const char *role, const char *perm);
/* May actor_role create (and so reset, unlock, disable) accounts of target_role?
 * Never for a roles_cli_only role. */
bool roles_may_assign(const char *actor_role, const char *target_role);
/* Separation of duties (三权分立): auditor and sysadmin accounts are created
 * and reset only with `ejia user ...` on the server, never through the API. */
bool roles_cli_only(const char *role);
/* Must this role use a second factor (setting totp-roles)? */
bool roles_totp_required(const char *role);

#endif
