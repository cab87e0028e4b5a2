/* org_scope — where the org module's objects sit, for the one scope
 * check (auth/scope.h): a row per kind of object a route may name. */
#include "auth/scope.h"

const scope_resolver org_scope_resolvers[] = {
    /* An organization: its own path "/1/5/9/" lists it and its ancestors. */
    {"org", true, false, "SELECT district_code, park_code, path, NULL, NULL FROM org WHERE id = CAST($1 AS BIGINT)", 0, false,
     false, "SELECT 1 FROM org_cover WHERE org_id = CAST($1 AS BIGINT) AND enterprise_id = CAST($2 AS BIGINT)"},
    /* A party-building instructor sits where the enterprise they were sent to is. */
    {"instructor", true, false,
     "SELECT e.district_code, e.park_code, NULL, CAST(e.id AS TEXT), NULL FROM org_instructor i "
     "JOIN enterprise e ON e.id = i.enterprise_id WHERE i.id = CAST($1 AS BIGINT)"},
    {NULL, false, false, NULL},
};
