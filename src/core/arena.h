/* arena — region allocator: many small allocations, one free.
 *
 * Every HTTP request and every import owns one arena; everything allocated for
 * it dies with arena_free().  An arena has a hard cap (bytes) so that a hostile
 * request cannot grow memory without bound: allocation past the cap returns
 * NULL and callers report ST_NOMEM / ST_TOO_LARGE. */
#ifndef EJIA_CORE_ARENA_H
#define EJIA_CORE_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct arena {
    arena_block *head;
    size_t used;   /* bytes handed out, for the cap */
    size_t cap;    /* 0 = unlimited */
} arena;

void arena_init(arena *a, size_t cap);
void *arena_alloc(arena *a, size_t n);          /* 16-byte aligned, NULL at cap */
void *arena_calloc(arena *a, size_t n, size_t sz);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(arena *a);                       /* frees all; a can be reused after arena_init */

#endif
