/* match — entity resolution: features, blocking, Fellegi–Sunter scoring with
 * EM, constrained clustering, review queue.  The stages are described in
 * match.h; this file keeps them in that order.
 *
 * Memory: one result arena for the outputs; per-thread arenas for the
 * normalized strings kept for later stages; the blocking index is malloc'd
 * and freed before clustering except for a small (key, size) table kept for
 * explanations.  At a million records the peak is the blocking index
 * (~16 bytes per key, ~10 keys per record) plus the features (~200 bytes per
 * record). */
#include "ledger/match.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ledger/norm.h"

const char *const ledger_match_categories[6] = {"新闻", "社交", "网游", "电商", "金融", "数据"};

/* ---- levels --------------------------------------------------------------- */

static const int NLEV[LMF__COUNT] = {7, 4, 3, 3, 5, 3};

enum { NM_EXACT = 1, NM_COMPAT, NM_NEAR, NM_BRAND_ONLY, NM_WEAK, NM_DIFF };

static const char *const FIELD_NAMES[LMF__COUNT] = {"名称", "信用代码", "电话", "联系人", "地址", "所属区"};
static const char *const LEVEL_NAMES[LMF__COUNT][LEDGER_MATCH_MAXLEV] = {
    {"缺失", "字号与行业相同", "字号相同、行业词相容", "字号仅差一字（错字/颠倒）", "字号相同、行业不同",
     "字号近似、行业不同", "不同"},
    {"缺失", "相同", "仅差一位（录错/颠倒）", "不同"},
    {"缺失", "相同", "不同"},
    {"缺失", "相同", "不同"},
    {"缺失", "门牌与室号相同", "门牌相同（一方无室号）", "门牌相同、室号不同", "不同"},
    {"缺失", "相同", "不同"},
};

const char *ledger_match_field_name(ledger_match_field f) { return FIELD_NAMES[f]; }
const char *ledger_match_level_name(ledger_match_field f, int l) {
    return (l >= 0 && l < NLEV[f]) ? LEVEL_NAMES[f][l] : "?";
}
int ledger_match_nlevels(ledger_match_field f) { return NLEV[f]; }

static int pattern_of(const uint8_t *lev) {
    int p = 0;
    for (int f = 0; f < LMF__COUNT; f++) p = p * NLEV[f] + lev[f];
    return p;
}
#define NPAT (7 * 4 * 3 * 3 * 5 * 3)

/* ---- features --------------------------------------------------------------- */

#define BMAX 8
#define MAXK 18

typedef struct feat {
    uint64_t brand_h, trade_h, fbrand_h, ftrade_h;
    uint64_t trade_cls, ftrade_cls;     /* synonym-class masks; bit 63 = unknown word */
    uint64_t code_h, uscc_h;            /* uscc_h only for a valid credit code */
    uint64_t phone_h, contact_h, road_h, addr_h, room_h;   /* room_h: detail after the number */
    uint64_t branch_h;                  /* 1 = head office, else the branch label's hash */
    uint32_t brand[BMAX], fbrand[BMAX];
    uint8_t nbrand, nfbrand, code_kind, code_len;
    char code[20];
    int32_t district;
} feat;

typedef struct priv {
    feat *f;
    arena *thr_mem;          /* per-thread arenas holding info strings */
    int nthr;
    uint64_t *gkey;          /* keys shared by >= 2 records, sorted, with sizes */
    uint32_t *gsize;
    size_t ngroups;
    int block_cap;
    uint32_t *keyidx;        /* open-addressing table of record keys → index+1 */
    size_t keycap;
} priv;

static uint64_t hash_bytes(uint64_t salt, const void *p, size_t n) {
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603ULL ^ (salt * 0x9E3779B97F4A7C15ULL);
    for (size_t i = 0; i < n; i++) { h ^= s[i]; h *= 1099511628211ULL; }
    h ^= h >> 29; h *= 0xBF58476D1CE4E5B9ULL; h ^= h >> 32;
    return h ? h : 1;
}
static uint64_t hash_str(uint64_t salt, const char *s) {
    return (s && s[0]) ? hash_bytes(salt, s, strlen(s)) : 0;
}

static int to_cps(const char *s, uint32_t *cp, int max) {
    const unsigned char *p = (const unsigned char *)s;
    int n = 0;
    while (*p && n < max) {
        uint32_t c = *p;
        int l = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (l == 2) c &= 0x1F; else if (l == 3) c &= 0x0F; else if (l == 4) c &= 0x07;
        for (int k = 1; k < l && p[k]; k++) c = (c << 6) | (p[k] & 0x3F);
        cp[n++] = c;
        for (int k = 0; k < l && *p; k++) p++;
    }
    return n;
}

/* Trade classes as an integer so that the inner loop compares masks, not
 * strings; the dictionary is norm's. */
static uint64_t trade_mask(const char *t) { return ledger_norm_trade_classes(t); }

/* 2 = same trade, 1 = compatible (subset by synonym classes, or one empty), 0 = different */
static int trade_cmp(uint64_t ha, uint64_t ca, uint64_t hb, uint64_t cb) {
    if (ha == hb) return 2;
    if (!ha || !hb) return 1;
    if ((ca >> 63) || (cb >> 63)) return 0;
    uint64_t x = ca & cb;
    return (x == ca || x == cb) ? 1 : 0;
}

/* Damerau distance <= 1 (substitution, adjacent swap, insertion/deletion). */
static int near1(const uint32_t *a, int na, const uint32_t *b, int nb) {
    if (na == nb) {
        int d = 0, first = -1;
        for (int i = 0; i < na; i++)
            if (a[i] != b[i]) { if (d == 0) first = i; d++; }
        if (d == 1) return 1;
        if (d == 2 && first + 1 < na && a[first] == b[first + 1] && a[first + 1] == b[first]) return 1;
        return 0;
    }
    if (na + 1 == nb) { const uint32_t *t = a; a = b; b = t; int tn = na; na = nb; nb = tn; }
    if (na != nb + 1) return 0;
    int i = 0;
    while (i < nb && a[i] == b[i]) i++;
    for (int k = i; k < nb; k++) if (a[k + 1] != b[k]) return 0;
    return 1;
}

static int near1_str(const char *a, int na, const char *b, int nb) {
    uint32_t x[24], y[24];
    for (int i = 0; i < na && i < 24; i++) x[i] = (unsigned char)a[i];
    for (int i = 0; i < nb && i < 24; i++) y[i] = (unsigned char)b[i];
    return near1(x, na < 24 ? na : 24, y, nb < 24 ? nb : 24);
}

static int name_level1(const uint32_t *ba, int na, uint64_t bha, uint64_t tha, uint64_t tca,
                       const uint32_t *bb, int nb, uint64_t bhb, uint64_t thb, uint64_t tcb) {
    if (!bha || !bhb) return 0;
    int tc = trade_cmp(tha, tca, thb, tcb);
    if (bha == bhb) return tc == 2 ? NM_EXACT : tc == 1 ? NM_COMPAT : NM_BRAND_ONLY;
    if (na >= 2 && nb >= 2 && near1(ba, na, bb, nb)) return tc ? NM_NEAR : NM_WEAK;
    return NM_DIFF;
}

static void compare(const feat *a, const feat *b, uint8_t *lev) {
    int nl = name_level1(a->brand, a->nbrand, a->brand_h, a->trade_h, a->trade_cls,
                         b->brand, b->nbrand, b->brand_h, b->trade_h, b->trade_cls);
    /* a former name on either side may be what the other ledger still uses */
    if (a->fbrand_h && nl != NM_EXACT) {
        int x = name_level1(a->fbrand, a->nfbrand, a->fbrand_h, a->ftrade_h, a->ftrade_cls,
                            b->brand, b->nbrand, b->brand_h, b->trade_h, b->trade_cls);
        if (x && (!nl || x < nl)) nl = x;
    }
    if (b->fbrand_h && nl != NM_EXACT) {
        int x = name_level1(a->brand, a->nbrand, a->brand_h, a->trade_h, a->trade_cls,
                            b->fbrand, b->nfbrand, b->fbrand_h, b->ftrade_h, b->ftrade_cls);
        if (x && (!nl || x < nl)) nl = x;
    }
    lev[LMF_NAME] = (uint8_t)nl;

    int cl = 0;
    if (a->code_h && b->code_h) {
        int ka = a->code_kind == LC_USCC_BAD ? LC_USCC : a->code_kind;
        int kb = b->code_kind == LC_USCC_BAD ? LC_USCC : b->code_kind;
        if (ka == kb) {
            if (a->code_h == b->code_h) cl = 1;
            else if ((a->code_kind != LC_USCC || b->code_kind != LC_USCC) &&
                     near1_str(a->code, a->code_len, b->code, b->code_len)) cl = 2;
            else cl = 3;
        }
    }
    lev[LMF_CODE] = (uint8_t)cl;
    lev[LMF_PHONE] = (!a->phone_h || !b->phone_h) ? 0 : a->phone_h == b->phone_h ? 1 : 2;
    lev[LMF_CONTACT] = (!a->contact_h || !b->contact_h) ? 0 : a->contact_h == b->contact_h ? 1 : 2;
    /* rooms are compared only when both give one: "观日路24号" and
     * "观日路24号301室" may well be one office */
    lev[LMF_ADDRESS] = (!a->addr_h || !b->addr_h) ? 0 : a->road_h != b->road_h ? 4
                       : (!a->room_h || !b->room_h) ? 2 : a->room_h == b->room_h ? 1 : 3;
    lev[LMF_DISTRICT] = (!a->district || !b->district) ? 0 : a->district == b->district ? 1 : 2;
}

/* key kinds (the salt of the key hash) */
enum { K_CODE = 1, K_ORG, K_PHONE, K_BRAND, K_DEL, K_ANAGRAM, K_ROAD, K__N };
static const char *const KEY_NAMES[K__N] = {"", "信用代码", "组织机构代码段", "电话", "字号",
                                            "字号删一字", "字号字序", "道路门牌"};

static int make_keys(const feat *f, uint64_t *k, uint8_t *kind) {
    int n = 0;
    uint8_t kd[MAXK];
    if (!kind) kind = kd;
    if (f->code_h) kind[n] = K_CODE, k[n++] = hash_bytes(K_CODE, f->code, f->code_len);
    if (f->code_len == 18) kind[n] = K_ORG, k[n++] = hash_bytes(K_ORG, f->code + 8, 9);
    if (f->phone_h) kind[n] = K_PHONE, k[n++] = f->phone_h ^ (uint64_t)K_PHONE * 0x9E3779B97F4A7C15ULL;
    if (f->brand_h) kind[n] = K_BRAND, k[n++] = hash_bytes(K_BRAND, f->brand, sizeof(uint32_t) * f->nbrand);
    if (f->fbrand_h) kind[n] = K_BRAND, k[n++] = hash_bytes(K_BRAND, f->fbrand, sizeof(uint32_t) * f->nfbrand);
    /* typo keys only from three characters on: a two-character brand minus
     * one character is a single common character, a block of thousands */
    if (f->brand_h && f->nbrand >= 3) {
        uint32_t t[BMAX + 2];
        int nb = f->nbrand;
        for (int d = 0; d < nb && n < MAXK - 2; d++) {
            int m = 0;
            for (int i = 0; i < nb; i++) if (i != d) t[m++] = f->brand[i];
            memcpy(&t[m], &f->trade_cls, sizeof f->trade_cls);
            kind[n] = K_DEL, k[n++] = hash_bytes(K_DEL, t, sizeof(uint32_t) * (size_t)m + sizeof f->trade_cls);
        }
        uint32_t s[BMAX];
        memcpy(s, f->brand, sizeof(uint32_t) * (size_t)nb);
        for (int i = 1; i < nb; i++)
            for (int j = i; j > 0 && s[j - 1] > s[j]; j--) { uint32_t x = s[j]; s[j] = s[j - 1]; s[j - 1] = x; }
        kind[n] = K_ANAGRAM, k[n++] = hash_bytes(K_ANAGRAM, s, sizeof(uint32_t) * (size_t)nb);
    }
    /* renamed enterprises share no name: road and number bring them
     * together.  These blocks also show EM what firms of one building that
     * are not the same look like, which keeps the address weight honest. */
    if (f->road_h && n < MAXK) kind[n] = K_ROAD, k[n++] = f->road_h ^ (uint64_t)K_ROAD * 0x9E3779B97F4A7C15ULL;
    return n;
}

static char *keep(arena *a, const char *s) { return s[0] ? arena_strdup(a, s) : ""; }

static void build_feat(const ledger_match_rec *r, feat *f, ledger_match_info *in, arena *a) {
    memset(f, 0, sizeof *f);
    const ledger_row *row = r->row;
    ledger_norm_name nm;
    ledger_norm_name_parse(row->val[LF_NAME], &nm);
    f->brand_h = hash_str(K_BRAND, nm.brand);
    f->trade_h = hash_str(11, nm.trade);
    f->trade_cls = trade_mask(nm.trade);
    f->nbrand = (uint8_t)to_cps(nm.brand, f->brand, BMAX);
    if (nm.former_brand[0] && strcmp(nm.former_brand, nm.brand) != 0) {
        f->fbrand_h = hash_str(K_BRAND, nm.former_brand);
        f->ftrade_h = hash_str(11, nm.former_trade);
        f->ftrade_cls = trade_mask(nm.former_trade);
        f->nfbrand = (uint8_t)to_cps(nm.former_brand, f->fbrand, BMAX);
    }
    f->branch_h = nm.is_branch ? hash_str(12, nm.branch[0] ? nm.branch : "?") : 1;
    const char *code = row->val[LF_CODE];
    if (code && code[0] && row->code_kind != LC_NONE) {
        size_t cl = strlen(code);
        if (cl >= sizeof f->code) cl = sizeof f->code - 1;
        memcpy(f->code, code, cl);
        f->code_len = (uint8_t)cl;
        f->code_kind = (uint8_t)row->code_kind;
        f->code_h = hash_bytes(K_CODE, f->code, cl);
        if (row->code_kind == LC_USCC) f->uscc_h = f->code_h;
    }
    char tmp[LEDGER_NORM_TEXT];
    ledger_norm_phone(row->val[LF_PHONE], tmp, sizeof tmp);
    f->phone_h = hash_str(K_PHONE, tmp);
    ledger_norm_text(row->val[LF_CONTACT], tmp, sizeof tmp);
    f->contact_h = hash_str(13, tmp);
    ledger_norm_addr ad;
    ledger_norm_addr_parse(row->val[LF_ADDRESS], &ad);
    f->addr_h = hash_str(14, ad.rest);
    f->road_h = hash_str(15, ad.road);
    f->room_h = hash_str(16, ad.rest + strlen(ad.road));
    f->district = row->district_code;

    in->name = keep(a, nm.text);
    in->brand = keep(a, nm.brand);
    in->trade = keep(a, nm.trade);
    in->branch = keep(a, nm.branch);
    in->is_branch = (uint8_t)nm.is_branch;
    in->note_status = (uint8_t)ledger_norm_status(nm.status_note);
    const char *cat = ledger_norm_category(nm.trade);
    in->category = -1;
    for (int i = 0; cat && i < 6; i++)
        if (strcmp(cat, ledger_match_categories[i]) == 0) in->category = (int8_t)i;
}

/* ---- threads ------------------------------------------------------------------ */

typedef struct entry { uint64_t h; uint32_t rec; uint32_t pad; } entry;

typedef struct pairvec { ledger_match_pair *p; size_t n, cap; } pairvec;
/* A compared pair as kept between comparison and EM: 12 bytes, so that tens
 * of millions of pairs fit and nothing is compared twice. */
typedef struct cpair { uint32_t a, b; uint32_t pat; } cpair;
typedef struct cpvec { cpair *p; size_t n, cap; } cpvec;

typedef struct job {
    const ledger_match_rec *recs;
    size_t n;
    feat *f;
    ledger_match_info *info;
    uint64_t (*keys)[MAXK];
    uint8_t *nkeys;
    /* blocking index */
    const entry *ent;
    const uint32_t *goff;       /* per record: offsets into rgroups */
    const uint32_t *rgroups;    /* group ids */
    const uint32_t *gstart;     /* group g = ent[gstart[g] .. gstart[g+1]) */
    int block_cap;
    atomic_size_t next;
    int err;
} job;

typedef struct worker {
    job *j;
    arena mem;
    uint32_t *mark;
    uint64_t *counts;           /* NPAT */
    size_t compared;
    cpvec out;
    int fail;
} worker;

#define CHUNK 2048

static void *feat_thread(void *arg) {
    worker *w = arg;
    job *j = w->j;
    for (;;) {
        size_t s = atomic_fetch_add(&j->next, CHUNK);
        if (s >= j->n) break;
        size_t e = s + CHUNK < j->n ? s + CHUNK : j->n;
        for (size_t i = s; i < e; i++) {
            build_feat(&j->recs[i], &j->f[i], &j->info[i], &w->mem);
            j->nkeys[i] = (uint8_t)make_keys(&j->f[i], j->keys[i], NULL);
        }
    }
    return NULL;
}

static int cp_push(cpvec *v, uint32_t a, uint32_t b, uint32_t pat) {
    if (v->n == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 65536;
        cpair *np = realloc(v->p, nc * sizeof *np);
        if (!np) return -1;
        v->p = np;
        v->cap = nc;
    }
    v->p[v->n++] = (cpair){a, b, pat};
    return 0;
}

static int pv_push(pairvec *v, const ledger_match_pair *p) {
    if (v->n == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 4096;
        ledger_match_pair *np = realloc(v->p, nc * sizeof *np);
        if (!np) return -1;
        v->p = np;
        v->cap = nc;
    }
    v->p[v->n++] = *p;
    return 0;
}

static int pat_hopeless(const uint8_t *lev) {
    return (lev[LMF_NAME] == 0 || lev[LMF_NAME] >= NM_BRAND_ONLY) && lev[LMF_CODE] != 1 && lev[LMF_CODE] != 2 &&
           lev[LMF_PHONE] != 1 && lev[LMF_CONTACT] != 1 && (lev[LMF_ADDRESS] == 0 || lev[LMF_ADDRESS] >= 3);
}

static void *score_thread(void *arg) {
    worker *w = arg;
    job *j = w->j;
    for (;;) {
        size_t s = atomic_fetch_add(&j->next, CHUNK);
        if (s >= j->n) break;
        size_t e = s + CHUNK < j->n ? s + CHUNK : j->n;
        for (size_t i = s; i < e; i++) {
            for (uint32_t gi = j->goff[i]; gi < j->goff[i + 1]; gi++) {
                uint32_t g = j->rgroups[gi];
                uint32_t a = j->gstart[g], b = j->gstart[g + 1];
                for (uint32_t x = a; x < b; x++) {
                    uint32_t r = j->ent[x].rec;
                    if (r <= i || w->mark[r] == (uint32_t)i) continue;
                    w->mark[r] = (uint32_t)i;
                    uint8_t lev[LMF__COUNT];
                    compare(&j->f[i], &j->f[r], lev);
                    int pat = pattern_of(lev);
                    w->compared++;
                    w->counts[pat]++;
                    /* a pair that agrees on nothing can never be linked or reviewed */
                    if (pat_hopeless(lev)) continue;
                    if (cp_push(&w->out, (uint32_t)i, r, (uint32_t)pat)) { w->fail = 1; return NULL; }
                }
            }
        }
    }
    return NULL;
}

static int run_threads(int nthr, worker *w, void *(*fn)(void *)) {
    pthread_t t[8];
    int started = 0;
    for (int i = 1; i < nthr; i++) {
        if (pthread_create(&t[i], NULL, fn, &w[i]) != 0) break;
        started = i;
    }
    fn(&w[0]);
    for (int i = 1; i <= started; i++) pthread_join(t[i], NULL);
    return 0;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* LSD radix sort of entries by h, 16 bits a pass; stable, so records stay in
 * ascending order inside a key. */
static int radix_sort(entry *e, size_t n) {
    entry *tmp = malloc(n * sizeof *tmp);
    size_t *cnt = malloc(65536 * sizeof *cnt);
    if (!tmp || !cnt) { free(tmp); free(cnt); return -1; }
    for (int pass = 0; pass < 4; pass++) {
        int sh = pass * 16;
        memset(cnt, 0, 65536 * sizeof *cnt);
        for (size_t i = 0; i < n; i++) cnt[(e[i].h >> sh) & 0xFFFF]++;
        size_t s = 0;
        for (size_t k = 0; k < 65536; k++) { size_t c = cnt[k]; cnt[k] = s; s += c; }
        for (size_t i = 0; i < n; i++) tmp[cnt[(e[i].h >> sh) & 0xFFFF]++] = e[i];
        entry *x = e; e = tmp; tmp = x;
    }
    /* four passes: the data is back in the caller's array */
    free(tmp);
    free(cnt);
    return 0;
}

/* ---- EM ------------------------------------------------------------------------ */

static void pat_levels(int p, uint8_t *lev) {
    for (int f = LMF__COUNT - 1; f >= 0; f--) { lev[f] = (uint8_t)(p % NLEV[f]); p /= NLEV[f]; }
}

#define EM_MIN_PAIRS 200

static int em(const uint64_t *counts, ledger_match_result *r, int max_it) {
    static const double M0[LMF__COUNT][LEDGER_MATCH_MAXLEV] = {
        {0, .70, .12, .06, .03, .01, .08}, {0, .93, .05, .02}, {0, .9, .1}, {0, .9, .1},
        {0, .5, .4, .05, .05}, {0, .9, .1}};
    static const double U0[LMF__COUNT][LEDGER_MATCH_MAXLEV] = {
        {0, .02, .01, .01, .15, .05, .76}, {0, .01, .01, .98}, {0, .02, .98}, {0, .02, .98},
        {0, .01, .05, .04, .9}, {0, .3, .7}};
    memcpy(r->m, M0, sizeof M0);
    memcpy(r->u, U0, sizeof U0);
    double lam = 0.3;
    int it;
    for (it = 0; it < max_it; it++) {
        double sm[LMF__COUNT][LEDGER_MATCH_MAXLEV] = {{0}}, su[LMF__COUNT][LEDGER_MATCH_MAXLEV] = {{0}};
        double tg = 0, tot = 0;
        for (int p = 0; p < NPAT; p++) {
            if (!counts[p]) continue;
            uint8_t lev[LMF__COUNT];
            pat_levels(p, lev);
            double pm = lam, pu = 1 - lam;
            for (int f = 0; f < LMF__COUNT; f++)
                if (lev[f]) { pm *= r->m[f][lev[f]]; pu *= r->u[f][lev[f]]; }
            double g = pm / (pm + pu);
            double c = (double)counts[p];
            tg += c * g;
            tot += c;
            for (int f = 0; f < LMF__COUNT; f++)
                if (lev[f]) { sm[f][lev[f]] += c * g; su[f][lev[f]] += c * (1 - g); }
        }
        double nl = tg / tot, delta = fabs(nl - lam);
        lam = nl;
        for (int f = 0; f < LMF__COUNT; f++) {
            double tm = 0, tu = 0;
            for (int l = 1; l < NLEV[f]; l++) { tm += sm[f][l] + 0.5; tu += su[f][l] + 0.5; }
            for (int l = 1; l < NLEV[f]; l++) {
                double m = (sm[f][l] + 0.5) / tm, u = (su[f][l] + 0.5) / tu;
                delta = fmax(delta, fabs(m - r->m[f][l]));
                r->m[f][l] = m;
                r->u[f][l] = u;
            }
        }
        if (delta < 1e-7) break;
    }
    r->lambda = lam;
    return it;
}

static void pattern_tables(const ledger_match_result *r, double *prob, double *w) {
    double prior = log2(r->lambda / (1 - r->lambda));
    for (int p = 0; p < NPAT; p++) {
        uint8_t lev[LMF__COUNT];
        pat_levels(p, lev);
        double s = 0;
        for (int f = 0; f < LMF__COUNT; f++)
            if (lev[f]) s += log2(r->m[f][lev[f]] / r->u[f][lev[f]]);
        w[p] = s;
        prob[p] = 1.0 / (1.0 + exp2(-(s + prior)));
    }
}

/* ---- clustering ----------------------------------------------------------------- */

typedef struct uf {
    uint32_t *parent, *size;
    uint64_t *uscc, *branch;    /* per root */
    int32_t *forb;              /* per root: head of forbidden-partner list, -1 none */
    uint32_t *fpartner;
    int32_t *fnext;
    size_t nf, fcap;
} uf;

static uint32_t uf_find(uf *u, uint32_t x) {
    while (u->parent[x] != x) { u->parent[x] = u->parent[u->parent[x]]; x = u->parent[x]; }
    return x;
}

static ledger_match_why uf_check(uf *u, uint32_t ra, uint32_t rb) {
    if (u->uscc[ra] && u->uscc[rb] && u->uscc[ra] != u->uscc[rb]) return LMW_RULE_CODES;
    if (u->branch[ra] != u->branch[rb]) return LMW_RULE_BRANCH;
    for (int32_t k = u->forb[ra]; k >= 0; k = u->fnext[k])
        if (uf_find(u, u->fpartner[k]) == rb) return LMW_RULE_DECISION;
    return LMW_SCORE;
}

static void uf_union(uf *u, uint32_t ra, uint32_t rb) {
    if (u->size[ra] < u->size[rb]) { uint32_t t = ra; ra = rb; rb = t; }
    u->parent[rb] = ra;
    u->size[ra] += u->size[rb];
    if (!u->uscc[ra]) u->uscc[ra] = u->uscc[rb];
    if (u->forb[rb] >= 0) {                     /* append rb's list to ra's */
        int32_t k = u->forb[rb];
        while (u->fnext[k] >= 0) k = u->fnext[k];
        u->fnext[k] = u->forb[ra];
        u->forb[ra] = u->forb[rb];
    }
}

static int uf_forbid(uf *u, uint32_t a, uint32_t partner) {
    if (u->nf == u->fcap) {
        size_t nc = u->fcap ? u->fcap * 2 : 64;
        uint32_t *p = realloc(u->fpartner, nc * sizeof *p);
        if (!p) return -1;
        u->fpartner = p;
        int32_t *q = realloc(u->fnext, nc * sizeof *q);
        if (!q) return -1;
        u->fnext = q;
        u->fcap = nc;
    }
    uint32_t r = uf_find(u, a);
    u->fpartner[u->nf] = partner;
    u->fnext[u->nf] = u->forb[r];
    u->forb[r] = (int32_t)u->nf++;
    return 0;
}

static int pair_cmp(const void *x, const void *y) {
    const ledger_match_pair *a = x, *b = y;
    if (a->weight != b->weight) return a->weight > b->weight ? -1 : 1;
    if (a->a != b->a) return a->a < b->a ? -1 : 1;
    return a->b < b->b ? -1 : a->b > b->b;
}

/* ---- record keys ------------------------------------------------------------------ */

static void keyidx_build(priv *pv, const ledger_match_rec *recs, size_t n) {
    size_t cap = 16;
    while (cap < n * 2 + 16) cap <<= 1;
    pv->keyidx = calloc(cap, sizeof *pv->keyidx);
    pv->keycap = pv->keyidx ? cap : 0;
    for (size_t i = 0; pv->keyidx && i < n; i++) {
        if (!recs[i].key) continue;
        uint64_t h = hash_str(21, recs[i].key);
        for (size_t k = h & (cap - 1);; k = (k + 1) & (cap - 1))
            if (!pv->keyidx[k]) { pv->keyidx[k] = (uint32_t)i + 1; break; }
    }
}

long ledger_match_find(const ledger_match_result *r, const char *key) {
    const priv *pv = r->priv;
    if (!pv || !pv->keycap || !key) return -1;
    uint64_t h = hash_str(21, key);
    for (size_t k = h & (pv->keycap - 1); pv->keyidx[k]; k = (k + 1) & (pv->keycap - 1)) {
        uint32_t i = pv->keyidx[k] - 1;
        if (r->recs[i].key && strcmp(r->recs[i].key, key) == 0) return (long)i;
    }
    return -1;
}

/* ---- the run ------------------------------------------------------------------------ */

static int online_threads(int want) {
    if (want <= 0) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        want = c > 0 ? (int)c : 1;
    }
    return want > 8 ? 8 : want;
}

/* What one run holds between its stages.  Each stage returns 0, or -1 when
 * memory ran out; run_free releases whatever the stages left. */
typedef struct run {
    const ledger_match_rec *recs;
    size_t n;
    const ledger_match_opts *o;
    ledger_match_result *r;
    priv *pv;
    int nthr;
    double rlo, rhi;            /* the review band */
    worker *w;
    job j;
    uint64_t (*keys)[MAXK];     /* stage 1 → 2 */
    uint8_t *nkeys;
    entry *ent;                 /* stage 2 → 3: the blocking index */
    uint32_t *goff, *rgroups, *gstart;
    pairvec all;                /* stage 3 → 4, 5: pairs worth clustering or reviewing */
    uf u;                       /* stage 4 */
    pairvec links, refused, review;
    double t;                   /* when the current stage started */
} run;

#define NZ(n) ((n) ? (n) : 1)

static int run_init(run *x, const ledger_match_rec *recs, size_t n, const ledger_match_opts *o) {
    x->recs = recs;
    x->n = n;
    x->o = o;
    ledger_match_result *r = x->r = calloc(1, sizeof *r);
    priv *pv = x->pv = calloc(1, sizeof *pv);
    if (!r || !pv) return -1;
    arena_init(&r->mem, 0);
    r->priv = pv;
    r->nrec = n;
    r->recs = recs;
    r->link_prob = o->link_prob > 0 ? o->link_prob : 0.5;
    x->rlo = o->review_lo > 0 ? o->review_lo : 0.2;
    x->rhi = o->review_hi > 0 ? o->review_hi : 0.8;
    pv->block_cap = o->block_cap > 0 ? o->block_cap : 200;
    x->nthr = pv->nthr = online_threads(o->threads);
    x->w = calloc((size_t)x->nthr, sizeof *x->w);
    pv->thr_mem = calloc((size_t)x->nthr, sizeof *pv->thr_mem);
    pv->f = malloc(NZ(n) * sizeof *pv->f);
    r->info = arena_calloc(&r->mem, NZ(n), sizeof *r->info);
    r->entity = arena_calloc(&r->mem, NZ(n), sizeof *r->entity);
    x->keys = malloc(NZ(n) * sizeof *x->keys);
    x->nkeys = malloc(NZ(n));
    if (!x->w || !pv->thr_mem || !pv->f || !r->info || !r->entity || !x->keys || !x->nkeys) return -1;
    for (int t = 0; t < x->nthr; t++) {
        x->w[t].j = &x->j;
        arena_init(&x->w[t].mem, 0);
    }
    x->t = now();
    return 0;
}

/* 1. features and blocking keys of every record, on every thread; the
 * normalized strings stay in the threads' arenas, kept by the result. */
static int run_features(run *x) {
    job *j = &x->j;
    j->recs = x->recs;
    j->n = x->n;
    j->f = x->pv->f;
    j->info = x->r->info;
    j->keys = x->keys;
    j->nkeys = x->nkeys;
    atomic_init(&j->next, 0);
    run_threads(x->nthr, x->w, feat_thread);
    for (int t = 0; t < x->nthr; t++) {
        x->pv->thr_mem[t] = x->w[t].mem;
        memset(&x->w[t].mem, 0, sizeof x->w[t].mem);
    }
    double t1 = now();
    x->r->stats.seconds_features = t1 - x->t;
    x->t = t1;
    return 0;
}

/* The end of the group of equal keys starting at ent[i]. */
static size_t group_end(const entry *ent, size_t nent, size_t i) {
    size_t k = i;
    while (k < nent && ent[k].h == ent[i].h) k++;
    return k;
}

/* 2. blocking index: (key, record) sorted by key; groups of 2..block_cap
 * records are compared, larger ones only remembered (for explanations). */
static int run_blocking(run *x) {
    priv *pv = x->pv;
    size_t n = x->n, nent = 0;
    for (size_t i = 0; i < n; i++) nent += x->nkeys[i];
    entry *ent = x->ent = malloc(NZ(nent) * sizeof *ent);
    if (!ent) return -1;
    nent = 0;
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < x->nkeys[i]; k++) ent[nent++] = (entry){x->keys[i][k], (uint32_t)i, 0};
    free(x->keys);
    x->keys = NULL;
    x->r->stats.keys = nent;
    if (radix_sort(ent, nent)) return -1;
    size_t ng = 0, nmember = 0, nshared = 0;
    for (size_t i = 0, k; i < nent; i = k) {
        k = group_end(ent, nent, i);
        if (k - i < 2) continue;
        nshared++;
        if (k - i <= (size_t)pv->block_cap) {
            ng++;
            nmember += k - i;
        } else x->r->stats.blocks_capped++;
    }
    x->r->stats.blocks_used = ng;
    x->gstart = malloc((ng + 1) * sizeof *x->gstart);
    x->goff = calloc(n + 1, sizeof *x->goff);
    x->rgroups = malloc(NZ(nmember) * sizeof *x->rgroups);
    pv->gkey = malloc(NZ(nshared) * sizeof *pv->gkey);
    pv->gsize = malloc(NZ(nshared) * sizeof *pv->gsize);
    uint32_t *fill = malloc(NZ(n) * sizeof *fill);
    if (!x->gstart || !x->goff || !x->rgroups || !pv->gkey || !pv->gsize || !fill) {
        free(fill);
        return -1;
    }
    /* compact the kept groups to the front of ent so that gstart indexes it */
    size_t wpos = 0, g = 0;
    for (size_t i = 0, k; i < nent; i = k) {
        k = group_end(ent, nent, i);
        if (k - i < 2) continue;
        pv->gkey[pv->ngroups] = ent[i].h;
        pv->gsize[pv->ngroups++] = (uint32_t)(k - i);
        if (k - i > (size_t)pv->block_cap) continue;
        x->gstart[g++] = (uint32_t)wpos;
        for (size_t y = i; y < k; y++) {
            x->goff[ent[y].rec + 1]++;
            ent[wpos++] = ent[y];
        }
    }
    x->gstart[g] = (uint32_t)wpos;
    for (size_t i = 0; i < n; i++) x->goff[i + 1] += x->goff[i];
    memcpy(fill, x->goff, n * sizeof *fill);
    for (size_t gg = 0; gg < ng; gg++)
        for (uint32_t y = x->gstart[gg]; y < x->gstart[gg + 1]; y++) x->rgroups[fill[ent[y].rec]++] = (uint32_t)gg;
    free(fill);
    double t2 = now();
    x->r->stats.seconds_blocking = t2 - x->t;
    x->t = t2;
    return 0;
}

/* Compare each candidate pair once, on every thread; *counts: how many
 * pairs of each comparison pattern (EM's input). */
static int score_pairs(run *x, uint64_t *counts) {
    job *j = &x->j;
    j->ent = x->ent;
    j->goff = x->goff;
    j->rgroups = x->rgroups;
    j->gstart = x->gstart;
    j->block_cap = x->pv->block_cap;
    for (int t = 0; t < x->nthr; t++) {
        worker *w = &x->w[t];
        w->mark = malloc(NZ(x->n) * sizeof *w->mark);
        w->counts = calloc(NPAT, sizeof *w->counts);
        if (!w->mark || !w->counts) return -1;
        memset(w->mark, 0xFF, x->n * sizeof *w->mark);
    }
    atomic_store(&j->next, 0);
    run_threads(x->nthr, x->w, score_thread);
    int fail = 0;
    for (int t = 0; t < x->nthr; t++) {
        worker *w = &x->w[t];
        for (int p = 0; p < NPAT; p++) counts[p] += w->counts[p];
        x->r->stats.compared += w->compared;
        fail |= w->fail;
        free(w->mark);
        w->mark = NULL;
    }
    return fail ? -1 : 0;
}

/* The compared pairs worth clustering or reviewing (probability at least
 * keep), with their probability, weight and levels, heaviest first. */
static int keep_pairs(run *x, const double *pprob, const double *pw, double keep) {
    size_t tot = 0;
    for (int t = 0; t < x->nthr; t++)
        for (size_t i = 0; i < x->w[t].out.n; i++) tot += pprob[x->w[t].out.p[i].pat] >= keep;
    x->all.p = malloc(NZ(tot) * sizeof *x->all.p);
    if (!x->all.p) return -1;
    for (int t = 0; t < x->nthr; t++) {
        worker *w = &x->w[t];
        for (size_t i = 0; i < w->out.n; i++) {
            const cpair *c = &w->out.p[i];
            if (pprob[c->pat] < keep) continue;
            ledger_match_pair *p = &x->all.p[x->all.n++];
            memset(p, 0, sizeof *p);
            p->a = c->a;
            p->b = c->b;
            p->prob = (float)pprob[c->pat];
            p->weight = (float)pw[c->pat];
            pat_levels((int)c->pat, p->lev);
        }
        free(w->out.p);
        w->out.p = NULL;
        free(w->counts);
        w->counts = NULL;
    }
    qsort(x->all.p, x->all.n, sizeof *x->all.p, pair_cmp);
    return 0;
}

/* 3. scoring: compare each candidate pair once, count its pattern for EM and
 * keep it (12 bytes) unless it agrees on nothing; after EM keep the pairs
 * worth clustering or reviewing.  The blocking index is freed here. */
static int run_scoring(run *x) {
    uint64_t *counts = calloc(NPAT, sizeof *counts);
    double *pprob = malloc(NPAT * sizeof *pprob), *pw = malloc(NPAT * sizeof *pw);
    int rc = counts && pprob && pw ? score_pairs(x, counts) : -1;
    if (!rc) {
        /* EM needs pairs to learn from; on a handful of records the starting
         * values (agreement likely among matches, unlikely among the rest)
         * are the better guess. */
        x->r->stats.em_iterations = em(counts, x->r, x->r->stats.compared >= EM_MIN_PAIRS ? 500 : 0);
        pattern_tables(x->r, pprob, pw);
        rc = keep_pairs(x, pprob, pw, fmin(x->rlo, x->r->link_prob));
    }
    free(counts);
    free(pprob);
    free(pw);
    free(x->ent);
    x->ent = NULL;
    free(x->goff);
    x->goff = NULL;
    free(x->rgroups);
    x->rgroups = NULL;
    free(x->gstart);
    x->gstart = NULL;
    double t3 = now();
    x->r->stats.seconds_scoring = t3 - x->t;
    x->t = t3;
    return rc;
}

/* Every record its own entity, with its credit code and branch for the rules. */
static int cluster_init(run *x) {
    uf *u = &x->u;
    size_t n = x->n;
    keyidx_build(x->pv, x->recs, n);
    u->parent = malloc(NZ(n) * sizeof *u->parent);
    u->size = malloc(NZ(n) * sizeof *u->size);
    u->uscc = malloc(NZ(n) * sizeof *u->uscc);
    u->branch = malloc(NZ(n) * sizeof *u->branch);
    u->forb = malloc(NZ(n) * sizeof *u->forb);
    if (!u->parent || !u->size || !u->uscc || !u->branch || !u->forb || (n && !x->pv->keycap)) return -1;
    for (size_t i = 0; i < n; i++) {
        u->parent[i] = (uint32_t)i;
        u->size[i] = 1;
        u->uscc[i] = x->pv->f[i].uscc_h;
        u->branch[i] = x->pv->f[i].branch_h;
        u->forb[i] = -1;
    }
    return 0;
}

/* Reviewers' decisions: "not the same" first (so that a chain of "same"
 * cannot undo them), then "same" — unless a rule forbids the merge. */
static int cluster_decisions(run *x) {
    ledger_match_result *r = x->r;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t d = 0; d < x->o->ndecisions; d++) {
            const ledger_match_decision *dc = &x->o->decisions[d];
            if ((pass == 0) != (dc->verdict == LEDGER_MATCH_DIFFERENT)) continue;
            long a = ledger_match_find(r, dc->a), b = ledger_match_find(r, dc->b);
            if (a < 0 || b < 0 || a == b) {
                r->stats.decisions_unknown++;
                continue;
            }
            if (pass == 0) {
                if (uf_forbid(&x->u, (uint32_t)a, (uint32_t)b) || uf_forbid(&x->u, (uint32_t)b, (uint32_t)a)) return -1;
                r->stats.decisions_applied++;
                continue;
            }
            uint32_t ra = uf_find(&x->u, (uint32_t)a), rb = uf_find(&x->u, (uint32_t)b);
            ledger_match_pair p;
            ledger_match_compare(r, (uint32_t)(a < b ? a : b), (uint32_t)(a < b ? b : a), &p);
            if (ra == rb) {
                r->stats.decisions_applied++;
                continue;
            }
            ledger_match_why why = uf_check(&x->u, ra, rb);
            if (why != LMW_SCORE) {
                p.why = (uint8_t)why;
                r->stats.decisions_conflict++;
                if (pv_push(&x->refused, &p)) return -1;
                continue;
            }
            uf_union(&x->u, ra, rb);
            p.why = LMW_DECISION;
            if (pv_push(&x->links, &p)) return -1;
            r->stats.decisions_applied++;
        }
    }
    return 0;
}

/* Links strongest first, each refused when a hard rule forbids it. */
static int cluster_links(run *x) {
    ledger_match_result *r = x->r;
    for (size_t i = 0; i < x->all.n; i++) {
        ledger_match_pair *p = &x->all.p[i];
        if (p->prob < r->link_prob) continue;
        uint32_t ra = uf_find(&x->u, p->a), rb = uf_find(&x->u, p->b);
        if (ra == rb) continue;
        ledger_match_why why = uf_check(&x->u, ra, rb);
        if (why != LMW_SCORE) {
            p->why = (uint8_t)why;
            if (why == LMW_RULE_CODES) r->stats.refused_codes++;
            else if (why == LMW_RULE_BRANCH) r->stats.refused_branch++;
            else r->stats.refused_decision++;
            if (pv_push(&x->refused, p)) return -1;
            continue;
        }
        uf_union(&x->u, ra, rb);
        p->why = LMW_SCORE;
        if (pv_push(&x->links, p)) return -1;
    }
    r->stats.links = x->links.n;
    return 0;
}

/* Entity numbers in record order: the first record of each is numbered first. */
static void cluster_number(run *x) {
    uf *u = &x->u;
    uint32_t *lab = u->size;            /* reused: root → label */
    for (size_t i = 0; i < x->n; i++) u->forb[i] = 0;
    size_t next = 0;
    for (size_t i = 0; i < x->n; i++) {
        uint32_t rt = uf_find(u, (uint32_t)i);
        if (!u->forb[rt]) {
            u->forb[rt] = 1;
            lab[rt] = (uint32_t)next++;
        }
        x->r->entity[i] = lab[rt];
    }
    x->r->nentity = next;
}

/* 4. clustering */
static int run_clustering(run *x) {
    if (cluster_init(x) || cluster_decisions(x) || cluster_links(x)) return -1;
    cluster_number(x);
    return 0;
}

/* Was the pair of records a, b decided by a reviewer? */
static int decided(const run *x, uint32_t pa, uint32_t pb) {
    for (size_t d = 0; d < x->o->ndecisions; d++) {
        long a = ledger_match_find(x->r, x->o->decisions[d].a), b = ledger_match_find(x->r, x->o->decisions[d].b);
        if ((a == pa && b == pb) || (a == pb && b == pa)) return 1;
    }
    return 0;
}

/* 5. review: uncertain pairs that a decision has not settled; a pair already
 * joined through other, surer links needs no review unless it was itself
 * the link that joined them. */
static int run_review(run *x) {
    ledger_match_result *r = x->r;
    for (size_t i = 0; i < x->all.n; i++) {
        ledger_match_pair *p = &x->all.p[i];
        if (p->prob < x->rlo || p->prob >= x->rhi) continue;
        if (p->prob >= r->link_prob && p->why != LMW_SCORE) continue;   /* refused by a rule */
        int joined = r->entity[p->a] == r->entity[p->b];
        if (joined && p->prob < r->link_prob) continue;
        if (pv_push(&x->review, p)) return -1;
    }
    if (x->o->ndecisions) {   /* decided pairs leave the queue */
        size_t k = 0;
        for (size_t i = 0; i < x->review.n; i++)
            if (!decided(x, x->review.p[i].a, x->review.p[i].b)) x->review.p[k++] = x->review.p[i];
        x->review.n = k;
    }
    return 0;
}

/* The links, refusals and review queue into the result's arena. */
static int run_result(run *x) {
    ledger_match_result *r = x->r;
    r->links = arena_alloc(&r->mem, NZ(x->links.n) * sizeof *r->links);
    r->refused = arena_alloc(&r->mem, NZ(x->refused.n) * sizeof *r->refused);
    r->review = arena_alloc(&r->mem, NZ(x->review.n) * sizeof *r->review);
    if (!r->links || !r->refused || !r->review) return -1;
    if (x->links.n) memcpy(r->links, x->links.p, x->links.n * sizeof *r->links);
    if (x->refused.n) memcpy(r->refused, x->refused.p, x->refused.n * sizeof *r->refused);
    if (x->review.n) memcpy(r->review, x->review.p, x->review.n * sizeof *r->review);
    r->nlinks = x->links.n;
    r->nrefused = x->refused.n;
    r->nreview = x->review.n;
    r->stats.seconds_cluster = now() - x->t;
    return 0;
}

/* Everything but the result; the result too when the run failed. */
static void run_free(run *x, int failed) {
    free(x->links.p);
    free(x->refused.p);
    free(x->review.p);
    free(x->all.p);
    free(x->u.parent);
    free(x->u.size);
    free(x->u.uscc);
    free(x->u.branch);
    free(x->u.forb);
    free(x->u.fpartner);
    free(x->u.fnext);
    free(x->ent);
    free(x->goff);
    free(x->rgroups);
    free(x->gstart);
    free(x->keys);
    free(x->nkeys);
    for (int t = 0; x->w && t < x->nthr; t++) {
        free(x->w[t].mark);
        free(x->w[t].counts);
        free(x->w[t].out.p);
        arena_free(&x->w[t].mem);
    }
    free(x->w);
    if (failed) {
        if (x->r) ledger_match_free(x->r);
        else free(x->pv);
    }
}

st ledger_match_run(const ledger_match_rec *recs, size_t n, const ledger_match_opts *o,
                    ledger_match_result **out, err *e) {
    *out = NULL;
    st s = ledger_norm_init(e);
    if (s) return s;
    if (n >= UINT32_MAX - 1)
        return err_set(e, ST_TOO_LARGE, "记录过多（%zu 条）：一次最多匹配 %u 条", n, UINT32_MAX - 2);
    ledger_match_opts def = {0};
    run x;
    memset(&x, 0, sizeof x);
    int failed = run_init(&x, recs, n, o ? o : &def) || run_features(&x) || run_blocking(&x) || run_scoring(&x) ||
                 run_clustering(&x) || run_review(&x) || run_result(&x);
    run_free(&x, failed);
    if (failed) return err_set(e, ST_NOMEM, "内存不足：匹配 %zu 条记录时无法分配内存（请分批匹配或增加内存）", n);
    *out = x.r;
    return ST_OK;
}

void ledger_match_free(ledger_match_result *r) {
    if (!r) return;
    priv *pv = r->priv;
    if (pv) {
        for (int t = 0; pv->thr_mem && t < pv->nthr; t++) arena_free(&pv->thr_mem[t]);
        free(pv->thr_mem);
        free(pv->f);
        free(pv->gkey);
        free(pv->gsize);
        free(pv->keyidx);
        free(pv);
    }
    arena_free(&r->mem);
    free(r);
}

/* ---- for explain ------------------------------------------------------------------- */

void ledger_match_compare(const ledger_match_result *r, uint32_t a, uint32_t b, ledger_match_pair *p) {
    const priv *pv = r->priv;
    memset(p, 0, sizeof *p);
    p->a = a;
    p->b = b;
    compare(&pv->f[a], &pv->f[b], p->lev);
    double s = 0;
    for (int f = 0; f < LMF__COUNT; f++)
        if (p->lev[f]) s += log2(r->m[f][p->lev[f]] / r->u[f][p->lev[f]]);
    p->weight = (float)s;
    double prior = log2(r->lambda / (1 - r->lambda));
    p->prob = (float)(1.0 / (1.0 + exp2(-(s + prior))));
}

int ledger_match_shared_keys(const ledger_match_result *r, uint32_t a, uint32_t b, char *out, size_t cap) {
    const priv *pv = r->priv;
    uint64_t ka[MAXK], kb[MAXK];
    uint8_t kinda[MAXK];
    int na = make_keys(&pv->f[a], ka, kinda), nb = make_keys(&pv->f[b], kb, NULL);
    int used = 0;
    size_t o = 0;
    out[0] = 0;
    for (int i = 0; i < na; i++)
        for (int k = 0; k < nb; k++) {
            if (ka[i] != kb[k]) continue;
            size_t lo = 0, hi = pv->ngroups;     /* the block's size, for "too large" */
            while (lo < hi) { size_t mid = (lo + hi) / 2; if (pv->gkey[mid] < ka[i]) lo = mid + 1; else hi = mid; }
            uint32_t size = (lo < pv->ngroups && pv->gkey[lo] == ka[i]) ? pv->gsize[lo] : 2;
            int big = size > (uint32_t)pv->block_cap;
            int m = snprintf(out + o, cap - o, "%s%s（%u 条记录%s）", o ? "，" : "", KEY_NAMES[kinda[i]], size,
                             big ? "，过大未比较" : "");
            if (m > 0 && (size_t)m < cap - o) o += (size_t)m;
            if (!big) used++;
            break;
        }
    return used;
}

ledger_match_why ledger_match_rule(const ledger_match_result *r, uint32_t a, uint32_t b) {
    const priv *pv = r->priv;
    const feat *x = &pv->f[a], *y = &pv->f[b];
    if (x->uscc_h && y->uscc_h && x->uscc_h != y->uscc_h) return LMW_RULE_CODES;
    if (x->branch_h != y->branch_h) return LMW_RULE_BRANCH;
    return LMW_SCORE;
}

st ledger_match_members(ledger_match_result *r, const uint32_t **off, const uint32_t **idx, err *e) {
    if (!r->moff) {
        uint32_t *o = arena_calloc(&r->mem, r->nentity + 1, sizeof *o);
        uint32_t *x = arena_alloc(&r->mem, (r->nrec ? r->nrec : 1) * sizeof *x);
        if (!o || !x) return err_set(e, ST_NOMEM, "内存不足：无法列出每个企业的记录");
        for (size_t i = 0; i < r->nrec; i++) o[r->entity[i] + 1]++;
        for (size_t k = 0; k < r->nentity; k++) o[k + 1] += o[k];
        for (size_t i = 0; i < r->nrec; i++) x[o[r->entity[i]]++] = (uint32_t)i;
        for (size_t k = r->nentity; k > 0; k--) o[k] = o[k - 1];   /* o[k] was advanced to the end */
        o[0] = 0;
        r->moff = o;
        r->midx = x;
    }
    *off = r->moff;
    *idx = r->midx;
    return ST_OK;
}

/* ---- adapter from ledger tables ------------------------------------------------------ */

st ledger_match_add_table(ledger_match_rec **recs, size_t *n, size_t *cap, arena *a,
                          const ledger_table *t, int source, err *e) {
    if (*n + (size_t)t->nrows > *cap) {
        size_t nc = *cap ? *cap : 1024;
        while (nc < *n + (size_t)t->nrows) nc *= 2;
        ledger_match_rec *p = realloc(*recs, nc * sizeof *p);
        if (!p) return err_set(e, ST_NOMEM, "内存不足：无法加入 %s 的 %d 行", t->source, t->nrows);
        *recs = p;
        *cap = nc;
    }
    for (int i = 0; i < t->nrows; i++) {
        ledger_match_rec *r = &(*recs)[(*n)++];
        r->source = source;
        r->row = &t->rows[i];
        r->key = arena_printf(a, "%s:%d", t->source, t->rows[i].row);
        if (!r->key) return err_set(e, ST_NOMEM, "内存不足：无法加入 %s 的第 %d 行", t->source, t->rows[i].row);
    }
    return ST_OK;
}
