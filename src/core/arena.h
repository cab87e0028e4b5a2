/* arena — region allocator: many small allocations, one free.
 *
 * Every HTTP request and every import owns one arena; everything allocated for
 * it dies with arena_free().  An arena has a hard cap (bytes) so that a hostile
 * request cannot grow memory without bound: allocation past the cap returns
 * NULL and callers report ST_NOMEM / ST_TOO_LARGE.  Objects that are not
 * arena memory are tied to it with arena_defer, so an owner has one cleanup:
 * arena_free. */
#ifndef EJIA_CORE_ARENA_H
#define EJIA_CORE_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct arena_defer arena_defer_node;
typedef struct arena {
    arena_block *head;
    size_t used;   /* bytes handed out, for the cap */
    size_t cap;    /* 0 = unlimited */
    arena_defer_node *defers;   /* releases to run at arena_free, newest first */
} arena;

void arena_init(arena *a, size_t cap);
void *arena_alloc(arena *a, size_t n);          /* 16-byte aligned, NULL at cap */
void *arena_calloc(arena *a, size_t n, size_t sz);
/* A growing array in the arena: the slot after the n elements of *v, doubling
 * the room (*cap elements, from `first`) when it is full; the old copy stays
 * until the arena is freed.  NULL at the arena's cap (*v unchanged).
 *     item *x = arena_push(c->mem, (void **)&items, &n, &cap, 32, sizeof *items);  */
void *arena_push(arena *a, void **v, size_t *n, size_t *cap, size_t first, size_t sz);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(arena *a);                       /* runs the deferred releases, frees all; reusable after arena_init */

/* Tie an object that is not arena memory (a json_t, a malloc'ed string, a
 * file) to the arena's lifetime: release(p) runs at arena_free, newest
 * first.  Returns p, or NULL when the arena is at its cap — and then p has
 * been released already, so the caller has one path either way:
 *     json_t *j = arena_json(&r->mem, json_array());
 *     if (!j) return err_set(e, ST_NOMEM, ...);
 * A NULL p is returned as NULL without a release. */
void *arena_defer(arena *a, void (*release)(void *), void *p);
/* The common ones: free() and, for JSON values, json_decref(). */
void *arena_own(arena *a, void *malloced);
struct json_t;
struct json_t *arena_json(arena *a, struct json_t *j);

#endif
