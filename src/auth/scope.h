/* scope — which objects a user may reach: one mechanism for every route.
 *
 * A user is bound to a scope: the city, a district, a park, an organization
 * (and the organizations below it), an enterprise, or only themselves.
 * A route that reaches one object declares it in its table entry, e.g.
 * `.scope = "region:{code}"` or `"enterprise:{id}"`: the kind of object and
 * the path parameter naming it (two for objects with a composite key:
 * `"ledger_entity:{id}/{no}"`).  Before the handler runs, the object is
 * located with the resolver for its kind (one SQL row in scope.c giving the
 * object's district, park, organization path, enterprise and owning user)
 * and compared with the caller's scope.  An unknown kind, a missing object or
 * a location outside the scope is refused (403): the check fails closed.
 * A new kind of object is one row in scope_resolvers[].
 *
 * A route may name several objects, and not only in its path: `{p}` is a
 * path parameter, `?p` a query parameter, `.p` a field of the JSON body and
 * `.p[]` every element of a JSON array field; declarations are separated by
 * spaces, e.g. "ledger_round_record:{id}/?a ledger_round_record:{id}/?b".
 * Every one must be inside the caller's scope (auth.c checks them once the
 * body is parsed).  An absent optional query or body parameter names no
 * object.
 *
 * "user:{id}" is an account to look at; "managed_user:{id}" an account to
 * change (reset, disable, unlock): it must also have a role the caller's role
 * may create, so a city office cannot take over an administrator.
 *
 * Lists use SCOPE_COND (below): a SQL condition, written once as a string
 * literal, that keeps only the rows inside the caller's scope. */
#ifndef EJIA_AUTH_SCOPE_H
#define EJIA_AUTH_SCOPE_H

#include <stdbool.h>
#include <stdint.h>
#include "core/err.h"
#include "db/db.h"

/* Where an object sits.  Empty strings / 0 when it has no such place. */
typedef struct scope_loc {
    char district[32];     /* district code (350203) */
    char park[32];         /* park code (P0002) */
    char org_path[512];    /* "/1/5/9/": the organization and its ancestors */
    char enterprise[32];   /* enterprise id */
    int64_t owner;         /* user the object belongs to */
    bool owner_only;       /* reachable only by its owner (sessions) */
    bool areas;            /* city-wide, worked on by every area office (ledger rounds) */
    char manage_role[32];  /* an account to be managed: its role, which the
                              caller's role must be allowed to create (roles.h) */
} scope_loc;

/* The caller's binding (http_user's scope_kind/scope_code and id). */
typedef struct scope_who {
    const char *kind, *code;
    int64_t user_id;
    const char *role;      /* needed for managed_user objects; NULL = none (closed) */
} scope_who;

/* How to find where one kind of object sits: a row in a table that the
 * object's own module keeps beside its SQL (its store), listed once in
 * app/scopes.c. */
typedef struct scope_resolver {
    /* one SQL row: district, park, org_path, enterprise, owner (and the role for managed accounts) */
    const char *kind;
    bool numeric;      /* keys must be positive integers (ids) */
    bool owner_only;
    /* $1 = key ($2 = second key when nkeys is 2); one row: district, park,
     * org_path, enterprise, owner. */
    const char *sql;
    int nkeys;         /* 0 means 1 */
    bool managed;      /* a sixth column gives the account's role (managed_user) */
    /* City-wide objects that every area office works on, each in its own part
     * (a ledger round: a district sees and verifies its district's share):
     * inside for the city, district and park scopes, outside for the rest. */
    bool areas;
    /* Objects that belong to several enterprises at once (an organization
     * covering a joint branch's units): $1 = key, $2 = the caller's
     * enterprise id; a row means the object is theirs (investors). */
    const char *ent_sql;
    /* What the object is called when the city is told there is none
     * ("没有编号为 N 的<noun>。"); NULL = a plain "not found". */
    const char *noun;
} scope_resolver;
/* Every module's resolver table, NULL-terminated (app/scopes.c). */
extern const scope_resolver *const scope_resolver_tables[];
extern const scope_resolver scope_core_resolvers[];   /* regions, enterprises, accounts, sessions */

/* Is loc inside who's scope?  Pure; unit-tested. */
bool scope_contains(const scope_who *who, const scope_loc *loc);
/* Locate object `kind` with key `key` (and key2 for composite keys, else
 * NULL); ST_NOT_FOUND when it does not exist, ST_FORBIDDEN for an unknown
 * kind or a wrong number of keys. */
st scope_locate(db *d, const char *kind, const char *key, const char *key2, scope_loc *loc, err *e);
/* Locate and compare: ST_OK, or ST_FORBIDDEN (outside, unknown kind, or
 * missing object for a caller below the city level; ST_NOT_FOUND for the
 * city, which may know what exists). */
st scope_check(db *d, const scope_who *who, const char *kind, const char *key, err *e);
/* The same for a kind with a composite key (key2 NULL for single keys). */
st scope_check2(db *d, const scope_who *who, const char *kind, const char *key, const char *key2, err *e);
/* How many keys kind takes (1 or 2); 0 when the kind is unknown. */
int scope_kind_keys(const char *kind);

/* The caller's binding for SCOPE_COND: *k and *code to bind to its K and C
 * parameters ("city" and "" for the command line).  The one place that
 * turns an actor into list-scope parameters. */
struct uc;
void scope_bind(const struct uc *c, const char **k, const char **code);
/* The actor as a scope_who for scope_check. */
scope_who scope_who_of(const struct uc *c);
/* scope_check of the actor for an object with a numeric key (a meeting, a notice, …). */
st scope_check_id(const struct uc *c, const char *kind, int64_t id, err *e);

/* A SQL condition keeping rows inside the caller's scope.  K and C are the
 * parameters (e.g. "$3", "$4") to bind to the caller's scope kind and code
 * (scope_bind); the column arguments are SQL
 * expressions of the row's district, park, organization path, enterprise id
 * and owner user id — "NULL" where the table has none (then that scope kind
 * sees nothing: closed).  Everything is a literal, so the statement is
 * cached like any other:
 *   "SELECT ... FROM enterprise e WHERE "
 *   SCOPE_COND("$1", "$2", "e.district_code", "e.park_code", "NULL", "e.id", "NULL") */
#define SCOPE_COND(K, C, DISTRICT, PARK, ORG_PATH, ENTERPRISE, OWNER)                                \
    "(CAST(" K " AS TEXT) = 'city'"                                                                   \
    " OR (CAST(" K " AS TEXT) = 'district' AND CAST(" DISTRICT " AS TEXT) = CAST(" C " AS TEXT))"     \
    " OR (CAST(" K " AS TEXT) = 'park' AND CAST(" PARK " AS TEXT) = CAST(" C " AS TEXT))"             \
    " OR (CAST(" K " AS TEXT) = 'org' AND CAST(" ORG_PATH " AS TEXT) LIKE '%/' || CAST(" C " AS TEXT) || '/%')" \
    " OR (CAST(" K " AS TEXT) = 'enterprise' AND CAST(" ENTERPRISE " AS TEXT) = CAST(" C " AS TEXT))" \
    " OR (CAST(" K " AS TEXT) = 'self' AND CAST(" OWNER " AS TEXT) = CAST(" C " AS TEXT)))"

#endif
