/* ledger_scope — where the ledger's objects sit and which part of the
 * city's ledger an actor works on.
 *
 * The resolvers (ledger_scope_resolvers, listed in app/scopes.c) locate the
 * objects routes name for the one scope check (auth/scope.h).  Rounds are
 * city-wide: the city sees all of a round, a district or park office its own
 * area of it — the enterprises whose district or park is theirs (a district
 * code like 350203 and a park code like P0002 never collide, so one "= area"
 * test on either column serves both) — and nobody else sees round data.  The
 * city may narrow a view to one area; an area office always gets its own.
 * That rule is ledger_area(), on the actor's binding (scope_bind), used by
 * every store of the module. */
#ifndef EJIA_LEDGER_LEDGER_SCOPE_H
#define EJIA_LEDGER_LEDGER_SCOPE_H

#include <stdbool.h>
#include "auth/scope.h"
#include "base/uc.h"
#include "core/err.h"

extern const scope_resolver ledger_scope_resolvers[];

/* The area the actor sees of a round: NULL for the whole city (or `want`, the
 * area the city asked for, passed through as given), its own district or park
 * code for an area office; ST_FORBIDDEN for everyone else. */
st ledger_area(const uc *c, const char *want, const char **area, err *e);
/* Where the actor's imports belong: its district or park, NULL otherwise. */
const char *ledger_area_of(const uc *c);

/* Does an enterprise in this district and park lie in area (NULL: the whole city)? */
bool ledger_area_has(const char *area, const char *district_code, const char *park_code);

/* SQL keeping the rows of area P (a parameter, "$2"; NULL keeps all) given
 * the row's district and park code columns. */
#define LEDGER_AREA_COND(P, DISTRICT, PARK) \
    "(CAST(" P " AS TEXT) IS NULL OR " DISTRICT " = " P " OR " PARK " = " P ")"

#endif
