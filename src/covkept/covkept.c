/* covkept — the timeline of one enterprise's contribution to coverage, and
 * the rebuild's accumulator (see covkept.h).  Pure: no SQL, unit-tested. */
#include "covkept/covkept.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *nz(const char *s) { return s ? s : ""; }

/* ---- one enterprise's timeline ---- */

size_t covkept_timeline_max(const covkept_ent *x) {
    /* at most two deltas on each day something starts or ends */
    return 2 * (3 + 2 * (x->nplaces + x->ncovers + x->ninstr));
}

/* Its state on one day: the same rules as coverage_store.c's COV_FIG. */
typedef struct kstate {
    bool in;
    covkept_key key;
    int cv, wk;
} kstate;

static bool active(const char *from, const char *to, const char *day) {
    return (!from || strcmp(from, day) <= 0) && (!to || strcmp(to, day) > 0);
}

static kstate state_on(const covkept_ent *x, const char *day) {
    kstate s = {0};
    if (x->zombie || (x->reg_from && strcmp(x->reg_from, day) > 0) || (x->reg_to && strcmp(x->reg_to, day) <= 0)) return s;
    s.in = true;
    s.key = (covkept_key){nz(x->district), nz(x->park), nz(x->street), nz(x->category)};
    for (size_t i = 0; i < x->nplaces; i++)
        if (active(x->places[i].from, x->places[i].to, day)) {
            s.key.district = nz(x->places[i].district);
            s.key.park = nz(x->places[i].park);
            s.key.street = nz(x->places[i].street);
            break;
        }
    for (size_t i = 0; i < x->ncovers && !s.cv; i++) s.cv = active(x->covers[i].from, x->covers[i].to, day);
    s.wk = s.cv;
    for (size_t i = 0; i < x->ninstr && !s.wk; i++) s.wk = active(x->instr[i].from, x->instr[i].to, day);
    return s;
}

static bool key_eq(const covkept_key *a, const covkept_key *b) {
    return !strcmp(a->district, b->district) && !strcmp(a->park, b->park) && !strcmp(a->street, b->street) &&
           !strcmp(a->category, b->category);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static void put(covkept_delta *d, const char *day, covkept_key key, int64_t n, int64_t cv, int64_t wk) {
    snprintf(d->day, sizeof d->day, "%s", day);
    d->key = key;
    d->n = n;
    d->covered = cv;
    d->work = wk;
}

size_t covkept_timeline(const covkept_ent *x, covkept_delta *out) {
    if (x->zombie) return 0;
    /* the days anything starts or ends: the state is the same from one to the next */
    size_t nb = 0, cap = 3 + 2 * (x->nplaces + x->ncovers + x->ninstr);
    const char **b = malloc(cap * sizeof *b);
    if (!b) return 0;
    b[nb++] = COVKEPT_START;
    if (x->reg_from) b[nb++] = x->reg_from;
    if (x->reg_to) b[nb++] = x->reg_to;
    for (size_t i = 0; i < x->nplaces; i++) {
        if (x->places[i].from) b[nb++] = x->places[i].from;
        if (x->places[i].to) b[nb++] = x->places[i].to;
    }
    const covkept_span *sp[2] = {x->covers, x->instr};
    size_t ns[2] = {x->ncovers, x->ninstr};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < ns[k]; i++) {
            if (sp[k][i].from) b[nb++] = sp[k][i].from;
            if (sp[k][i].to) b[nb++] = sp[k][i].to;
        }
    qsort(b, nb, sizeof *b, cmp_str);
    size_t n = 0;
    kstate prev = {0};
    for (size_t i = 0; i < nb; i++) {
        if (i && !strcmp(b[i], b[i - 1])) continue;
        kstate cur = state_on(x, b[i]);
        if (prev.in && cur.in && key_eq(&prev.key, &cur.key)) {
            if (cur.cv != prev.cv || cur.wk != prev.wk) put(&out[n++], b[i], cur.key, 0, cur.cv - prev.cv, cur.wk - prev.wk);
        } else {
            if (prev.in) put(&out[n++], b[i], prev.key, -1, -prev.cv, -prev.wk);
            if (cur.in) put(&out[n++], b[i], cur.key, 1, cur.cv, cur.wk);
        }
        prev = cur;
    }
    free(b);
    return n;
}

static int cmp_delta(const void *pa, const void *pb) {
    const covkept_delta *a = pa, *b = pb;
    int r = strcmp(a->day, b->day);
    if (!r) r = strcmp(a->key.district, b->key.district);
    if (!r) r = strcmp(a->key.park, b->key.park);
    if (!r) r = strcmp(a->key.street, b->key.street);
    if (!r) r = strcmp(a->key.category, b->key.category);
    return r;
}

size_t covkept_merge(covkept_delta *d, size_t n) {
    if (!n) return 0;
    qsort(d, n, sizeof *d, cmp_delta);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k && !cmp_delta(&d[k - 1], &d[i])) {
            d[k - 1].n += d[i].n;
            d[k - 1].covered += d[i].covered;
            d[k - 1].work += d[i].work;
        } else {
            d[k++] = d[i];
        }
        if (d[k - 1].n == 0 && d[k - 1].covered == 0 && d[k - 1].work == 0) k--;
    }
    return k;
}

/* ---- days as integers ---- */

int32_t covkept_day_int(const char *day) {
    int y = 0, m = 0, dd = 0;
    if (sscanf(day, "%4d-%2d-%2d", &y, &m, &dd) != 3) return 0;
    return y * 10000 + m * 100 + dd;
}

void covkept_day_str(int32_t v, char *out) {
    const unsigned u = v < 0 ? 0u : (unsigned)v;
    snprintf(out, 11, "%04u-%02u-%02u", u / 10000 % 10000, u / 100 % 100, u % 100);
}

/* ---- the rebuild's accumulator ----
 *
 * A province has tens of thousands of groups and a few million deltas:
 * groups are interned in an open-addressing table, deltas appended as
 * small records, then sorted by (group, day) and summed into running rows. */

typedef struct acc_group {
    char *s[4];
    uint64_t h;
} acc_group;

typedef struct acc_rec {
    uint32_t grp;
    int32_t day, n, cv, wk;
} acc_rec;

struct covkept_acc {
    acc_group *g;
    size_t ng, capg;
    uint32_t *slot;   /* group index + 1; 0 = empty */
    size_t nslot;
    acc_rec *r;
    size_t nr, capr;
    covkept_row *rows;
};

covkept_acc *covkept_acc_new(void) { return calloc(1, sizeof(covkept_acc)); }

void covkept_acc_free(covkept_acc *a) {
    if (!a) return;
    for (size_t i = 0; i < a->ng; i++)
        for (int k = 0; k < 4; k++) free(a->g[i].s[k]);
    free(a->g);
    free(a->slot);
    free(a->r);
    free(a->rows);
    free(a);
}

static uint64_t key_hash(const covkept_key *k) {
    uint64_t h = 1469598103934665603ULL;
    const char *p[4] = {k->district, k->park, k->street, k->category};
    for (int i = 0; i < 4; i++) {
        for (const unsigned char *c = (const unsigned char *)p[i]; *c; c++) h = (h ^ *c) * 1099511628211ULL;
        h = (h ^ 0x1f) * 1099511628211ULL;
    }
    return h;
}

static bool acc_grow_slots(covkept_acc *a) {
    size_t n = a->nslot ? a->nslot * 2 : 1024;
    uint32_t *s = calloc(n, sizeof *s);
    if (!s) return false;
    for (size_t i = 0; i < a->ng; i++) {
        size_t j = a->g[i].h & (n - 1);
        while (s[j]) j = (j + 1) & (n - 1);
        s[j] = (uint32_t)i + 1;
    }
    free(a->slot);
    a->slot = s;
    a->nslot = n;
    return true;
}

/* The group's index, interned on first sight; -1 when out of memory. */
static int64_t acc_intern(covkept_acc *a, const covkept_key *k) {
    if ((a->ng + 1) * 2 > a->nslot && !acc_grow_slots(a)) return -1;
    uint64_t h = key_hash(k);
    size_t j = h & (a->nslot - 1);
    for (; a->slot[j]; j = (j + 1) & (a->nslot - 1)) {
        const acc_group *g = &a->g[a->slot[j] - 1];
        if (g->h == h && !strcmp(g->s[0], k->district) && !strcmp(g->s[1], k->park) && !strcmp(g->s[2], k->street) &&
            !strcmp(g->s[3], k->category))
            return a->slot[j] - 1;
    }
    if (a->ng == a->capg) {
        size_t nc = a->capg ? a->capg * 2 : 256;
        acc_group *ng = realloc(a->g, nc * sizeof *ng);
        if (!ng) return -1;
        a->g = ng;
        a->capg = nc;
    }
    acc_group *g = &a->g[a->ng];
    const char *p[4] = {k->district, k->park, k->street, k->category};
    for (int i = 0; i < 4; i++) g->s[i] = strdup(p[i]);
    if (!g->s[0] || !g->s[1] || !g->s[2] || !g->s[3]) {
        for (int i = 0; i < 4; i++) free(g->s[i]);
        return -1;
    }
    g->h = h;
    a->slot[j] = (uint32_t)++a->ng;
    return (int64_t)a->ng - 1;
}

bool covkept_acc_add(covkept_acc *a, const covkept_delta *d, size_t n) {
    for (size_t i = 0; i < n; i++) {
        int64_t g = acc_intern(a, &d[i].key);
        if (g < 0) return false;
        if (a->nr == a->capr) {
            size_t nc = a->capr ? a->capr * 2 : 65536;
            acc_rec *nr = realloc(a->r, nc * sizeof *nr);
            if (!nr) return false;
            a->r = nr;
            a->capr = nc;
        }
        a->r[a->nr++] = (acc_rec){(uint32_t)g, covkept_day_int(d[i].day), (int32_t)d[i].n, (int32_t)d[i].covered, (int32_t)d[i].work};
    }
    return true;
}

size_t covkept_acc_groups(const covkept_acc *a) { return a->ng; }

covkept_key covkept_acc_group(const covkept_acc *a, size_t g) {
    return (covkept_key){a->g[g].s[0], a->g[g].s[1], a->g[g].s[2], a->g[g].s[3]};
}

static int cmp_rec(const void *pa, const void *pb) {
    const acc_rec *a = pa, *b = pb;
    if (a->grp != b->grp) return a->grp < b->grp ? -1 : 1;
    return a->day < b->day ? -1 : a->day > b->day;
}

size_t covkept_acc_rows(covkept_acc *a, const covkept_row **rows) {
    *rows = NULL;
    if (!a->nr) return 0;
    qsort(a->r, a->nr, sizeof *a->r, cmp_rec);
    free(a->rows);
    a->rows = malloc(a->nr * sizeof *a->rows);
    if (!a->rows) return 0;
    size_t k = 0;
    covkept_row run = {0};
    for (size_t i = 0; i < a->nr;) {
        if (!i || a->r[i].grp != a->r[i - 1].grp) run = (covkept_row){a->r[i].grp, 0, 0, 0, 0};
        int32_t day = a->r[i].day;
        int64_t dn = 0, dc = 0, dw = 0;
        for (; i < a->nr && a->r[i].grp == run.grp && a->r[i].day == day; i++) {
            dn += a->r[i].n;
            dc += a->r[i].cv;
            dw += a->r[i].wk;
        }
        if (!dn && !dc && !dw) continue;   /* nothing changed that day (a cover moved to another organization) */
        run.day = day;
        run.n += dn;
        run.covered += dc;
        run.work += dw;
        a->rows[k++] = run;
    }
    *rows = a->rows;
    return k;
}
