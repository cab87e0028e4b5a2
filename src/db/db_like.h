/* db_like — the pattern for a "contains" search with LIKE.  A user's search
 * text is bound as a parameter (never pasted into SQL), but LIKE still reads
 * '%' and '_' in it as wildcards: "50%" would find "500" and "_" everything.
 * db_like escapes them (and the escape character itself) so the text means
 * itself; the SQL says `x LIKE $n ESCAPE '\'` (the same on SQLite, which has
 * no default escape, and PostgreSQL). */
#ifndef EJIA_DB_DB_LIKE_H
#define EJIA_DB_DB_LIKE_H

#include "core/arena.h"

/* "%q%" with q's '%', '_' and '\' escaped by '\', in a's memory; NULL for a
 * NULL q or when memory ran out; "%%" for "". */
const char *db_like(arena *a, const char *q);

/* The same escape in SQL, for a parameter P that is also used as itself
 * (a name searched by part, or a credit code matched whole):
 * `e.name LIKE " DB_LIKE_CONTAINS("$6") "`. */
#define DB_LIKE_CONTAINS(P) \
    "'%' || REPLACE(REPLACE(REPLACE(CAST(" P " AS TEXT), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%' ESCAPE '\\'"

#endif
