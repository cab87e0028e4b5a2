/* center — the rules of the service centers and the 10-minute circle (see
 * center.h).  Pure: no SQL, no HTTP. */
#include "center/center.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CT_R 6371008.8                    /* mean Earth radius, metres */
#define CT_M_PER_DEG (CT_R * M_PI / 180.0)
#define CT_RAD(e6) ((double)(e6) * 1e-6 * M_PI / 180.0)

int center_hhmm(const char *s) {
    if (!s || strlen(s) != 5 || s[2] != ':') return -1;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9')) return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m)) return -1;
    return h * 60 + m;
}

bool center_spans_overlap(int a0, int a1, int b0, int b1) { return a0 < b1 && b0 < a1; }

int center_claim_cmp(const center_claim *a, const center_claim *b, bool by_star) {
    /* issue 18 (星级): a higher star gives priority to the city's benefits, venue rental among them —
       but only while the day is far enough ahead for others to plan; nearer the day, first come */
    if (by_star && a->star_level != b->star_level) return a->star_level > b->star_level ? -1 : 1;
    if (a->booked_at != b->booked_at) return a->booked_at < b->booked_at ? -1 : 1;
    if (a->id != b->id) return a->id < b->id ? -1 : 1;
    return 0;
}

double center_haversine_m(int64_t lng1, int64_t lat1, int64_t lng2, int64_t lat2) {
    double p1 = CT_RAD(lat1), p2 = CT_RAD(lat2), dp = p2 - p1, dl = CT_RAD(lng2 - lng1);
    double a = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
    if (a > 1) a = 1;
    return 2 * CT_R * asin(sqrt(a));
}

double center_radius_m(double minutes, double speed, double detour) { return detour > 0 ? minutes * speed / detour : 0; }

double center_walk_minutes(double straight_m, double speed, double detour) { return speed > 0 ? straight_m * detour / speed : 0; }

/* ---- a grid of cells at least the radius wide ---- */

typedef struct ct_grid {
    int64_t x0, y0, cw, ch;   /* origin and cell size, millionths of a degree */
    int64_t cols, rows;
    size_t *start;            /* cols*rows + 1 */
    size_t *item;             /* the points' indexes, cell by cell */
} ct_grid;

static void ct_grid_free(ct_grid *g) {
    free(g->start);
    free(g->item);
    memset(g, 0, sizeof *g);
}

/* The cell size for radius_m: the latitude's span bounds the distance from
 * below exactly (d ≥ R·|Δφ|); the longitude's at the greatest |latitude| of
 * the points, with 1% to spare for the parallel being longer than the great
 * circle (far less than 1% at these distances). */
static int ct_grid_build(ct_grid *g, const center_pt *p, size_t n, double radius_m, double max_abs_lat_deg) {
    memset(g, 0, sizeof *g);
    double c = cos(max_abs_lat_deg * M_PI / 180.0);
    if (c < 0.01) c = 0.01;
    g->ch = (int64_t)(radius_m / CT_M_PER_DEG * 1e6 * 1.01) + 1;
    g->cw = (int64_t)(radius_m / (CT_M_PER_DEG * c) * 1e6 * 1.01) + 1;
    int64_t x1 = 0, y1 = 0;
    for (size_t i = 0; i < n; i++) {
        if (!i || p[i].lng_e6 < g->x0) g->x0 = p[i].lng_e6;
        if (!i || p[i].lat_e6 < g->y0) g->y0 = p[i].lat_e6;
        if (!i || p[i].lng_e6 > x1) x1 = p[i].lng_e6;
        if (!i || p[i].lat_e6 > y1) y1 = p[i].lat_e6;
    }
    /* at most ~4M cells: larger cells are still correct, only slower */
    for (;;) {
        g->cols = (x1 - g->x0) / g->cw + 1;
        g->rows = (y1 - g->y0) / g->ch + 1;
        if (g->cols * g->rows <= 4000000) break;
        g->cw *= 2;
        g->ch *= 2;
    }
    size_t nc = (size_t)(g->cols * g->rows);
    g->start = calloc(nc + 1, sizeof *g->start);
    g->item = malloc((n ? n : 1) * sizeof *g->item);
    if (!g->start || !g->item) {
        ct_grid_free(g);
        return -1;
    }
    for (size_t i = 0; i < n; i++) g->start[(size_t)(((p[i].lat_e6 - g->y0) / g->ch) * g->cols + (p[i].lng_e6 - g->x0) / g->cw) + 1]++;
    for (size_t i = 0; i < nc; i++) g->start[i + 1] += g->start[i];
    size_t *fill = malloc((nc ? nc : 1) * sizeof *fill);
    if (!fill) {
        ct_grid_free(g);
        return -1;
    }
    memcpy(fill, g->start, nc * sizeof *fill);
    for (size_t i = 0; i < n; i++) g->item[fill[(size_t)(((p[i].lat_e6 - g->y0) / g->ch) * g->cols + (p[i].lng_e6 - g->x0) / g->cw)]++] = i;
    free(fill);
    return 0;
}

/* The cell of a point (may be outside the grid: then no neighbours there). */
static void ct_cell(const ct_grid *g, const center_pt *q, int64_t *cx, int64_t *cy) {
    int64_t dx = q->lng_e6 - g->x0, dy = q->lat_e6 - g->y0;
    *cx = dx >= 0 ? dx / g->cw : -((-dx + g->cw - 1) / g->cw);
    *cy = dy >= 0 ? dy / g->ch : -((-dy + g->ch - 1) / g->ch);
}

static double ct_max_lat(const center_pt *a, size_t na, const center_pt *b, size_t nb) {
    int64_t m = 0;
    for (size_t i = 0; i < na; i++) m = llabs(a[i].lat_e6) > m ? llabs(a[i].lat_e6) : m;
    for (size_t i = 0; i < nb; i++) m = llabs(b[i].lat_e6) > m ? llabs(b[i].lat_e6) : m;
    return (double)m * 1e-6;
}

int center_circle(const center_pt *centers, size_t nc, const center_pt *pts, size_t np, double radius_m, unsigned char *covered,
                  int32_t *nearest) {
    memset(covered, 0, np);
    if (nearest)
        for (size_t i = 0; i < np; i++) nearest[i] = -1;
    if (!nc || !np || radius_m <= 0) return 0;
    ct_grid g;
    if (ct_grid_build(&g, centers, nc, radius_m, ct_max_lat(centers, nc, pts, np))) return -1;
    for (size_t i = 0; i < np; i++) {
        int64_t cx, cy;
        ct_cell(&g, &pts[i], &cx, &cy);
        double best = radius_m;
        int32_t who = -1;
        for (int64_t y = cy - 1; y <= cy + 1; y++) {
            if (y < 0 || y >= g.rows) continue;
            for (int64_t x = cx - 1; x <= cx + 1; x++) {
                if (x < 0 || x >= g.cols) continue;
                size_t cell = (size_t)(y * g.cols + x);
                for (size_t k = g.start[cell]; k < g.start[cell + 1]; k++) {
                    size_t j = g.item[k];
                    double d = center_haversine_m(centers[j].lng_e6, centers[j].lat_e6, pts[i].lng_e6, pts[i].lat_e6);
                    if (d <= radius_m) {
                        covered[i] = 1;
                        if (d < best || (d == best && (who < 0 || (int32_t)j < who))) {
                            best = d;
                            who = (int32_t)j;
                        }
                        if (!nearest) goto next;
                    }
                }
            }
        }
        if (nearest) nearest[i] = who;
    next:;
    }
    ct_grid_free(&g);
    return 0;
}

void center_circle_plain(const center_pt *centers, size_t nc, const center_pt *pts, size_t np, double radius_m, unsigned char *covered) {
    for (size_t i = 0; i < np; i++) {
        covered[i] = 0;
        for (size_t j = 0; j < nc && !covered[i]; j++)
            covered[i] = center_haversine_m(centers[j].lng_e6, centers[j].lat_e6, pts[i].lng_e6, pts[i].lat_e6) <= radius_m;
    }
}

/* ---- the greedy suggestion ---- */

typedef struct ct_heap_item { size_t gain, idx, round; } ct_heap_item;

static bool ct_before(const ct_heap_item *a, const ct_heap_item *b) { return a->gain != b->gain ? a->gain > b->gain : a->idx < b->idx; }

static void ct_push(ct_heap_item *h, size_t *n, ct_heap_item v) {
    size_t i = (*n)++;
    while (i && ct_before(&v, &h[(i - 1) / 2])) {
        h[i] = h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h[i] = v;
}

static ct_heap_item ct_pop(ct_heap_item *h, size_t *n) {
    ct_heap_item top = h[0], v = h[--*n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        const ct_heap_item *best = &v;
        if (l < *n && ct_before(&h[l], best)) m = l, best = &h[l];
        if (r < *n && ct_before(&h[r], best)) m = r;
        if (m == i) break;
        h[i] = h[m];
        i = m;
    }
    if (*n) h[i] = v;
    return top;
}

/* The points of pts within radius_m of pts[i] (haversine); when `hold` is
 * >= 0 they are marked held by that pick; returns how many were not held. */
static size_t ct_reach(const ct_grid *g, const center_pt *pts, size_t i, double radius_m, int32_t *held, int32_t hold) {
    int64_t cx, cy;
    ct_cell(g, &pts[i], &cx, &cy);
    size_t n = 0;
    for (int64_t y = cy - 1; y <= cy + 1; y++) {
        if (y < 0 || y >= g->rows) continue;
        for (int64_t x = cx - 1; x <= cx + 1; x++) {
            if (x < 0 || x >= g->cols) continue;
            size_t cell = (size_t)(y * g->cols + x);
            for (size_t k = g->start[cell]; k < g->start[cell + 1]; k++) {
                size_t j = g->item[k];
                if (held[j] >= 0) continue;
                if (center_haversine_m(pts[i].lng_e6, pts[i].lat_e6, pts[j].lng_e6, pts[j].lat_e6) > radius_m) continue;
                n++;
                if (hold >= 0) held[j] = hold;
            }
        }
    }
    return n;
}

int center_suggest(const center_pt *pts, size_t np, double radius_m, size_t k, size_t *picks, size_t *gain, size_t *n_picks,
                   int32_t *held_out) {
    *n_picks = 0;
    if (!np || !k || radius_m <= 0) {
        if (held_out)
            for (size_t i = 0; i < np; i++) held_out[i] = -1;
        return 0;
    }
    ct_grid g;
    if (ct_grid_build(&g, pts, np, radius_m, ct_max_lat(pts, np, NULL, 0))) return -1;
    int32_t *held = held_out ? held_out : malloc(np * sizeof *held);
    ct_heap_item *h = malloc(np * sizeof *h);
    if (!held || !h) {
        if (!held_out) free(held);
        free(h);
        ct_grid_free(&g);
        return -1;
    }
    for (size_t i = 0; i < np; i++) held[i] = -1;
    size_t nh = 0;
    for (size_t i = 0; i < np; i++) ct_push(h, &nh, (ct_heap_item){ct_reach(&g, pts, i, radius_m, held, -1), i, 0});
    size_t round = 0;
    while (*n_picks < k && nh) {
        ct_heap_item top = ct_pop(h, &nh);
        if (!top.gain) break;
        if (top.round != round) {   /* stale: the gain may have shrunk since */
            top.gain = ct_reach(&g, pts, top.idx, radius_m, held, -1);
            top.round = round;
            ct_push(h, &nh, top);
            continue;
        }
        picks[*n_picks] = top.idx;
        gain[*n_picks] = ct_reach(&g, pts, top.idx, radius_m, held, (int32_t)*n_picks);
        ++*n_picks;
        round++;
    }
    if (!held_out) free(held);
    free(h);
    ct_grid_free(&g);
    return 0;
}
