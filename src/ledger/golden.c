/* golden — golden records chosen by the rules stated in golden.h.
 *
 * Every rule is a vote over the entity's records with a deterministic
 * tie-break (earlier record = earlier source, then earlier row), so the same
 * inputs always give the same golden record. */
#include "ledger/golden.h"

#include <stdlib.h>
#include <string.h>

#include "ledger/norm.h"

/* The value of idx[] (record indexes) that occurs most often under key();
 * ties go to the first occurrence.  n is small (records of one entity). */
typedef const char *(*keyfn)(const ledger_match_result *r, uint32_t i);

static long vote(const ledger_match_result *r, const uint32_t *idx, uint32_t n, keyfn key,
                 int (*better)(const ledger_match_result *, uint32_t, uint32_t)) {
    long best = -1;
    int bestc = 0;
    for (uint32_t x = 0; x < n; x++) {
        const char *k = key(r, idx[x]);
        if (!k || !k[0]) continue;
        int c = 0, seen_before = 0;
        for (uint32_t y = 0; y < n; y++) {
            const char *k2 = key(r, idx[y]);
            if (k2 && strcmp(k, k2) == 0) { c++; if (y < x) seen_before = 1; }
        }
        if (seen_before && !better) continue;
        if (c > bestc || (c == bestc && better && best >= 0 && better(r, idx[x], (uint32_t)best))) {
            best = idx[x];
            bestc = c;
        }
    }
    return best;
}

static const char *k_name(const ledger_match_result *r, uint32_t i) {
    return r->info[i].name;
}
static const char *k_code(const ledger_match_result *r, uint32_t i) {
    const ledger_row *row = r->recs[i].row;
    return row->code_kind == LC_USCC ? row->val[LF_CODE] : NULL;
}
static const char *k_district(const ledger_match_result *r, uint32_t i) {
    const ledger_row *row = r->recs[i].row;
    return row->district_code ? row->val[LF_DISTRICT] : NULL;
}

/* Among equally frequent names prefer one with a legal form; otherwise the
 * earlier record (the earlier source: the base ledger comes first). */
static int name_better(const ledger_match_result *r, uint32_t a, uint32_t b) {
    int fa = strstr(r->info[a].name, "公司") != NULL, fb = strstr(r->info[b].name, "公司") != NULL;
    if (fa != fb) return fa > fb;
    return a < b;
}

/* Registered shape: drop "(已注销)" / "(原…)" notes, brackets full-width. */
static char *display_name(arena *a, const char *s) {
    size_t n = strlen(s);
    char *o = arena_alloc(a, n * 3 + 1), *p = o;
    if (!o) return NULL;
    for (size_t i = 0; i < n;) {
        if (s[i] == '(') {
            const char *c = strchr(s + i, ')');
            if (c) {
                size_t cl = (size_t)(c - s - i - 1);
                int note = (cl >= 3 && memcmp(s + i + 1, "原", 3) == 0) ||
                           ledger_norm_status(arena_strndup(a, s + i + 1, cl)) != 0;
                if (note) { i = (size_t)(c - s) + 1; continue; }
            }
            memcpy(p, "（", 3); p += 3; i++;
            continue;
        }
        if (s[i] == ')') { memcpy(p, "）", 3); p += 3; i++; continue; }
        *p++ = s[i++];
    }
    *p = 0;
    return o;
}

/* How often each region placement and form is written across all records:
 * the tie-break when an enterprise's own ledgers are split one against one
 * (the usage of the whole data set, e.g. 有限公司 over 有限责任公司). */
#define GLOBAL_MAX 64
typedef struct global_use { char key[GLOBAL_MAX][LEDGER_NORM_PART]; long count[GLOBAL_MAX]; int n; } global_use;

static long global_count(const global_use *g, const char *k) {
    for (int i = 0; i < g->n; i++)
        if (strcmp(g->key[i], k) == 0) return g->count[i];
    return 0;
}

static void global_add(global_use *g, const char *k) {
    for (int i = 0; i < g->n; i++)
        if (strcmp(g->key[i], k) == 0) { g->count[i]++; return; }
    if (g->n < GLOBAL_MAX) { strcpy(g->key[g->n], k); g->count[g->n++] = 1; }
}

/* Most frequent of n strings (ties: the more common in the whole data when
 * g is given, then the first); NULL when all are empty. */
static const char *vote_str(char (*v)[LEDGER_NORM_PART], uint32_t n, const global_use *g) {
    int bestc = 0;
    long bestg = -1;
    const char *best = NULL;
    for (uint32_t x = 0; x < n; x++) {
        if (!v[x][0]) continue;
        int c = 0;
        for (uint32_t y = 0; y < n; y++) c += strcmp(v[x], v[y]) == 0;
        long gc = g ? global_count(g, v[x]) : 0;
        if (c > bestc || (c == bestc && gc > bestg)) { bestc = c; bestg = gc; best = v[x]; }
    }
    return best;
}

static void style_key(const ledger_norm_name *nm, char *out) {
    if (!nm->region[0]) { strcpy(out, "N"); return; }
    size_t l = strlen(nm->region);
    if (l > LEDGER_NORM_PART - 2) l = LEDGER_NORM_PART - 2;   /* a vote key, never shown cut */
    out[0] = strncmp(nm->text, nm->region, strlen(nm->region)) == 0 ? 'P' : 'B';
    memcpy(out + 1, nm->region, l);
    out[1 + l] = 0;
}

/* The registered name put together from the parts each ledger agrees on
 * most: region placement (厦门… / …（厦门）… / none), brand, trade, form.
 * Ledgers vary one part at a time, so a vote per part finds the registered
 * name more often than a vote over whole names.  NULL for branch offices and
 * names without a brand (the whole-name vote is used then). */
static char *compose_name(const ledger_match_result *r, const uint32_t *m, uint32_t n, arena *a,
                          const global_use *gstyle, const global_use *gform) {
    char (*part)[4][LEDGER_NORM_PART] = malloc(n * sizeof *part);
    char (*col)[LEDGER_NORM_PART] = malloc(n * sizeof *col);
    char *out = NULL;
    if (!part || !col) goto done;
    int branches = 0;
    for (uint32_t x = 0; x < n; x++) {
        ledger_norm_name nm;
        ledger_norm_name_parse(r->recs[m[x]].row->val[LF_NAME], &nm);
        branches += nm.is_branch;
        /* style: "P厦门" region first, "B厦门" region in brackets, "N" none */
        style_key(&nm, part[x][0]);
        memcpy(part[x][1], nm.brand, LEDGER_NORM_PART);
        memcpy(part[x][2], nm.trade, LEDGER_NORM_PART);
        memcpy(part[x][3], nm.form, LEDGER_NORM_PART);
    }
    if (branches * 2 >= (int)n) goto done;
    const char *pv[4];
    for (int k = 0; k < 4; k++) {
        for (uint32_t x = 0; x < n; x++) memcpy(col[x], part[x][k], LEDGER_NORM_PART);
        const char *w = vote_str(col, n, k == 0 ? gstyle : k == 3 ? gform : NULL);
        pv[k] = w ? arena_strdup(a, w) : "";
    }
    if (!pv[1][0]) goto done;
    if (pv[0][0] == 'P') out = arena_printf(a, "%s%s%s%s", pv[0] + 1, pv[1], pv[2], pv[3]);
    else if (pv[0][0] == 'B') out = arena_printf(a, "%s（%s）%s%s", pv[1], pv[0] + 1, pv[2], pv[3]);
    else out = arena_printf(a, "%s%s%s", pv[1], pv[2], pv[3]);
done:
    free(part);
    free(col);
    return out;
}

static int cmp_long(const void *x, const void *y) {
    long a = *(const long *)x, b = *(const long *)y;
    return (a > b) - (a < b);
}

static long median(const ledger_match_result *r, const uint32_t *idx, uint32_t n, ledger_field f, long *tmp) {
    uint32_t c = 0;
    for (uint32_t x = 0; x < n; x++) {
        const char *v = r->recs[idx[x]].row->val[f];
        if (v && v[0] >= '0' && v[0] <= '9') tmp[c++] = strtol(v, NULL, 10);
    }
    if (!c) return -1;
    qsort(tmp, c, sizeof *tmp, cmp_long);
    return tmp[(c - 1) / 2];
}

/* The road and number given most often, then the longest text with it. */
static const char *golden_address(const ledger_match_result *r, const uint32_t *m, uint32_t n) {
    int bestc = 0;
    const char *best = "";
    for (uint32_t x = 0; x < n; x++) {
        ledger_norm_addr ax;
        const char *v = r->recs[m[x]].row->val[LF_ADDRESS];
        if (!v || !v[0]) continue;
        ledger_norm_addr_parse(v, &ax);
        int c = 0;
        for (uint32_t y = 0; y < n; y++) {
            const char *w = r->recs[m[y]].row->val[LF_ADDRESS];
            if (!w || !w[0]) continue;
            ledger_norm_addr ay;
            ledger_norm_addr_parse(w, &ay);
            if (strcmp(ax.road, ay.road) == 0) c++;
        }
        if (c > bestc || (c == bestc && strlen(v) > strlen(best))) {
            bestc = c;
            best = v;
        }
    }
    return best;
}

/* The majority of the records' category column, else of the trade words in their names. */
static const char *golden_category(const ledger_match_result *r, const uint32_t *m, uint32_t n) {
    int votes[6] = {0}, tv[6] = {0};
    for (uint32_t x = 0; x < n; x++) {
        const char *c = ledger_norm_category(r->recs[m[x]].row->val[LF_CATEGORY]);
        for (int q = 0; c && q < 6; q++)
            if (strcmp(c, ledger_match_categories[q]) == 0) votes[q]++;
        if (r->info[m[x]].category >= 0) tv[r->info[m[x]].category]++;
    }
    int bc = -1;
    for (int q = 0; q < 6; q++)
        if (votes[q] && (bc < 0 || votes[q] > votes[bc])) bc = q;
    if (bc < 0)
        for (int q = 0; q < 6; q++)
            if (tv[q] && (bc < 0 || tv[q] > tv[bc])) bc = q;
    return bc >= 0 ? ledger_match_categories[bc] : "";
}

/* Entity k's golden record from its records m[0..n); NULL name when out of memory. */
static void golden_one(ledger_match_result *r, size_t k, const uint32_t *m, uint32_t n, arena *a, const global_use *gstyle,
                       const global_use *gform, long *tmp, ledger_golden *o) {
    o->entity = (uint32_t)k;
    o->recs = m;
    o->nrecs = n;
    long b;
    o->name = compose_name(r, m, n, a, gstyle, gform);
    if (!o->name) {
        b = vote(r, m, n, k_name, name_better);
        o->name = b >= 0 ? display_name(a, r->info[b].name) : "";
    }
    b = vote(r, m, n, k_code, NULL);
    o->code = b >= 0 ? r->recs[b].row->val[LF_CODE] : "";
    b = vote(r, m, n, k_district, NULL);
    o->district = b >= 0 ? r->recs[b].row->val[LF_DISTRICT] : "";
    o->district_code = b >= 0 ? r->recs[b].row->district_code : 0;
    o->address = golden_address(r, m, n);
    o->employees = median(r, m, n, LF_EMPLOYEES, tmp);
    o->members = median(r, m, n, LF_MEMBERS, tmp);
    o->category = golden_category(r, m, n);
}

st ledger_golden_build(ledger_match_result *r, arena *a, ledger_golden **out, err *e) {
    const uint32_t *off, *idx;
    st s = ledger_match_members(r, &off, &idx, e);
    if (s) return s;
    ledger_golden *g = arena_calloc(a, r->nentity ? r->nentity : 1, sizeof *g);
    uint32_t maxn = 0;
    for (size_t k = 0; k < r->nentity; k++)
        if (off[k + 1] - off[k] > maxn) maxn = off[k + 1] - off[k];
    long *tmp = malloc((maxn ? maxn : 1) * sizeof *tmp);
    global_use *gstyle = calloc(1, sizeof *gstyle), *gform = calloc(1, sizeof *gform);
    if (!g || !tmp || !gstyle || !gform) {
        free(tmp); free(gstyle); free(gform);
        return err_set(e, ST_NOMEM, "内存不足：无法生成企业主记录");
    }
    /* how each style of name and each legal form is written across all the data (tie-breaks) */
    for (size_t i = 0; i < r->nrec; i++) {
        ledger_norm_name nm;
        char k[LEDGER_NORM_PART];
        ledger_norm_name_parse(r->recs[i].row->val[LF_NAME], &nm);
        style_key(&nm, k);
        global_add(gstyle, k);
        if (nm.form[0]) global_add(gform, nm.form);
    }
    for (size_t k = 0; !s && k < r->nentity; k++) {
        golden_one(r, k, idx + off[k], off[k + 1] - off[k], a, gstyle, gform, tmp, &g[k]);
        if (!g[k].name) s = err_set(e, ST_NOMEM, "内存不足：无法生成企业主记录");
    }
    free(tmp);
    free(gstyle);
    free(gform);
    if (!s) *out = g;
    return s;
}
