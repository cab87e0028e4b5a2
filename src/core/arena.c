/* arena — blocks of at least 64 KiB, bump allocation; large requests get a
 * block of their own.  No per-allocation free: the owner frees the arena. */
#include "arena.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ARENA_BLOCK (64 * 1024)

struct arena_block {
    arena_block *next;
    size_t size, pos;
    _Alignas(16) unsigned char data[];
};

struct arena_defer {
    arena_defer_node *next;
    void (*release)(void *);
    void *p;
};

/* Blocks grow with the arena: one that has already used much (a ledger of a
 * million rows holds hundreds of MiB) gets blocks of an eighth of what it
 * used, up to 8 MiB, so a request's arena stays on 64 KiB blocks while a big
 * one makes few mallocs.  Blocks of 2 MiB and more are aligned to 2 MiB and
 * advised as huge pages: every 4 KiB page of fresh memory is otherwise a
 * fault into the kernel on first touch (a trap that costs more in a virtual
 * machine), 17% of reading a large xlsx ledger before this. */
#define ARENA_BLOCK_MAX (8u << 20)
#define ARENA_HUGE (2u << 20)

static size_t arena_block_size(size_t used) {
    size_t sz = ARENA_BLOCK;
    while (sz < ARENA_BLOCK_MAX && sz * 8 <= used) sz *= 2;
    return sz;
}

static arena_block *arena_block_new(size_t sz) {
    arena_block *b;
    if (sz >= ARENA_HUGE - sizeof *b) {
        size_t total = (sizeof *b + sz + ARENA_HUGE - 1) & ~(size_t)(ARENA_HUGE - 1);
        b = aligned_alloc(ARENA_HUGE, total);
        if (!b) return NULL;
        (void)madvise(b, total, MADV_HUGEPAGE);   /* advice only: without it, plain pages */
        sz = total - sizeof *b;
    } else {
        b = malloc(sizeof *b + sz);
        if (!b) return NULL;
    }
    b->size = sz;
    return b;
}

void arena_init(arena *a, size_t cap) {
    a->head = NULL;
    a->used = 0;
    a->cap = cap;
    a->defers = NULL;
}

void *arena_alloc(arena *a, size_t n) {
    n = (n + 15) & ~(size_t)15;
    if (n == 0) n = 16;
    if (a->cap && (n > a->cap || a->used > a->cap - n)) return NULL;
    arena_block *b = a->head;
    if (!b || b->size - b->pos < n) {
        size_t grow = arena_block_size(a->used);
        size_t sz = n > grow ? n : grow;
        b = arena_block_new(sz);
        if (!b) return NULL;
        b->pos = 0;
        /* A big one-off block goes behind the head so the head keeps its free room. */
        if (a->head && n > grow) {
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = b->data + b->pos;
    b->pos += n;
    a->used += n;
    return p;
}

void *arena_calloc(arena *a, size_t n, size_t sz) {
    if (sz && n > SIZE_MAX / sz) return NULL;
    void *p = arena_alloc(a, n * sz);
    if (p) memset(p, 0, n * sz);
    return p;
}

void *arena_push(arena *a, void **v, size_t *n, size_t *cap, size_t first, size_t sz) {
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : first;
        void *g = arena_calloc(a, nc, sz);
        if (!g) return NULL;
        if (*n) memcpy(g, *v, *n * sz);
        *v = g;
        *cap = nc;
    }
    return (char *)*v + (*n)++ * sz;
}

char *arena_strndup(arena *a, const char *s, size_t n) {
    char *p = arena_alloc(a, n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_strdup(arena *a, const char *s) {
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(arena *a, const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = n >= 0 ? arena_alloc(a, (size_t)n + 1) : NULL;
    if (p) vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

void *arena_defer(arena *a, void (*release)(void *), void *p) {
    if (!p) return NULL;
    arena_defer_node *n = arena_alloc(a, sizeof *n);
    if (!n) {
        release(p);
        return NULL;
    }
    n->release = release;
    n->p = p;
    n->next = a->defers;
    a->defers = n;
    return p;
}

void *arena_own(arena *a, void *malloced) { return arena_defer(a, free, malloced); }

static void arena_json_release(void *j) { json_decref(j); }
json_t *arena_json(arena *a, json_t *j) { return arena_defer(a, arena_json_release, j); }

void arena_free(arena *a) {
    /* releases first: their nodes live in the blocks freed below */
    for (arena_defer_node *n = a->defers; n; n = n->next) n->release(n->p);
    a->defers = NULL;
    arena_block *b = a->head;
    while (b) {
        arena_block *n = b->next;
        free(b);
        b = n;
    }
    a->head = NULL;
    a->used = 0;
}
