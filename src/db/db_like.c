#include "db/db_like.h"

#include <string.h>

const char *db_like(arena *a, const char *q) {
    if (!q) return NULL;
    char *like = arena_alloc(a, strlen(q) * 2 + 3);
    if (!like) return NULL;
    char *w = like;
    *w++ = '%';
    for (const char *p = q; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\') *w++ = '\\';
        *w++ = *p;
    }
    *w++ = '%';
    *w = 0;
    return like;
}
