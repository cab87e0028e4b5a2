/* tally — see tally.h.  The buffer is an open-addressed hash map from the
 * counter's five parts (one key) to a delta; a flush
 * writes each non-zero delta once, so a roster file of fifty members costs a
 * few hundred counter updates, not fifty times fifteen.  A key is its five
 * parts one after the other, each ending in a NUL, so tally_each hands out
 * pointers into it. */
#include "member/tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
    char *key;      /* area \0 dim \0 key \0 category \0 state \0, owned */
    size_t len;
    uint64_t hash;
    int64_t n;
} slot;

struct tally {
    slot *s;
    size_t cap, used;
};

tally *tally_new(void) { return calloc(1, sizeof(tally)); }

void tally_clear(tally *t) {
    if (!t) return;
    for (size_t i = 0; i < t->cap; i++) free(t->s[i].key);
    free(t->s);
    t->s = NULL;
    t->cap = t->used = 0;
}

void tally_free(tally *t) {
    tally_clear(t);
    free(t);
}

size_t tally_size(const tally *t) { return t ? t->used : 0; }

static uint64_t tally_hash(const char *k, size_t n) {   /* FNV-1a: short keys, no adversary (our own values) */
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)k[i]) * 1099511628211ULL;
    return h;
}

static bool tally_grow(tally *t) {
    size_t cap = t->cap ? t->cap * 2 : 256;
    slot *s = calloc(cap, sizeof *s);
    if (!s) return false;
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->s[i].key) continue;
        size_t j = t->s[i].hash & (cap - 1);
        while (s[j].key) j = (j + 1) & (cap - 1);
        s[j] = t->s[i];
    }
    free(t->s);
    t->s = s;
    t->cap = cap;
    return true;
}

static bool tally_bump(tally *t, const char *area, const char *dim, const char *key, const char *cat, const char *state,
                       int64_t n) {
    char k[512];
    size_t len = 0;
    const char *parts[5] = {area, dim, key, cat, state};
    for (int i = 0; i < 5; i++) {
        size_t pl = strlen(parts[i]);
        if (len + pl + 1 > sizeof k) return true;   /* values are bounded (≤ 90 bytes) long before this */
        memcpy(k + len, parts[i], pl + 1);
        len += pl + 1;
    }
    if ((t->used + 1) * 4 > t->cap * 3 && !tally_grow(t)) return false;
    uint64_t h = tally_hash(k, len);
    size_t j = h & (t->cap - 1);
    while (t->s[j].key) {
        if (t->s[j].hash == h && t->s[j].len == len && !memcmp(t->s[j].key, k, len)) {
            t->s[j].n += n;
            return true;
        }
        j = (j + 1) & (t->cap - 1);
    }
    if (!(t->s[j].key = malloc(len))) return false;
    memcpy(t->s[j].key, k, len);
    t->s[j].len = len;
    t->s[j].hash = h;
    t->s[j].n = n;
    t->used++;
    return true;
}

static const char *tally_or(const char *v, const char *blank) { return v && *v ? v : blank; }

/* 'YYYY-MM-DD' → 'YYYY-MM' (the month) and 'MM-DD-YYYY' (the day, month first, so that
 * one month's days of every year are one range of keys); '' when not a day. */
static bool tally_is_day(const char *v) { return v && strlen(v) == 10 && v[4] == '-' && v[7] == '-'; }
static void tally_month(const char *v, char out[8]) {
    if (tally_is_day(v)) snprintf(out, 8, "%.7s", v);
    else out[0] = 0;
}
static void tally_day(const char *v, char out[11]) {
    if (tally_is_day(v)) snprintf(out, 11, "%.5s-%.4s", v + 5, v);
    else out[0] = 0;
}

bool tally_add(tally *t, const tally_facts *f, int sign) {
    char areas[3][48];
    int na = 0;
    snprintf(areas[na++], sizeof areas[0], "c");
    snprintf(areas[na++], sizeof areas[0], "d:%.40s", tally_or(f->district, ""));
    if (f->park && *f->park) snprintf(areas[na++], sizeof areas[0], "p:%.40s", f->park);
    const char *cat = tally_or(f->category, ""), *state = tally_or(f->state, "");
    char bm[8], bd[11], jm[8], jd[11];
    tally_month(f->birth, bm);
    tally_day(f->birth, bd);
    tally_month(f->joined, jm);
    tally_day(f->joined, jd);
    const struct { const char *dim, *key; } d[] = {
        {"gender", tally_or(f->gender, "未填")}, {"education", tally_or(f->education, "未填")},
        {"ethnicity", tally_or(f->ethnicity, "未填")}, {"birth_m", bm}, {"birth_d", bd}, {"joined_m", jm}, {"joined_d", jd},
    };
    for (int a = 0; a < na; a++)
        for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
            if (!tally_bump(t, areas[a], d[i].dim, d[i].key, cat, state, sign)) return false;
    if (f->org_id > 0) {   /* the organization's own members: one counter per category and state */
        char org[32];
        snprintf(org, sizeof org, "o:%lld", (long long)f->org_id);
        if (!tally_bump(t, org, "members", "", cat, state, sign)) return false;
    }
    return true;
}

void tally_each(const tally *t, tally_visit fn, void *arg) {
    if (!t) return;
    for (size_t i = 0; i < t->cap; i++) {
        const slot *s = &t->s[i];
        if (!s->key || !s->n) continue;
        const char *part[5];
        const char *p = s->key;
        for (int k = 0; k < 5; k++, p += strlen(p) + 1) part[k] = p;
        fn(arg, part[0], part[1], part[2], part[3], part[4], s->n);
    }
}
