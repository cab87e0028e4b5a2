/* center — 党群服务中心 and the 10-minute circle (issue 19): the rules.
 *
 * Pure (no SQL, no HTTP): a booking's time span and its overlap with others,
 * the order in which competing bookings are served, the walking distance of
 * the circle, the circle itself over a spatial grid, the coverage shares and
 * the greedy suggestion of new centers.  The store is center_store.h.
 *
 * Coordinates are millionths of a degree (int64), as src/map keeps them.
 * Walking distance is an ESTIMATE: the haversine (great-circle) distance ×
 * a detour factor (setting circle-detour-factor), at a walking speed
 * (circle-walk-m-per-min); an enterprise lies in a center's circle when its
 * walking time is at most circle-minutes.  Nothing is routed on streets. */
#ifndef EJIA_CENTER_CENTER_H
#define EJIA_CENTER_CENTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- bookings ---- */

/* "HH:MM" (00:00–24:00, minutes 00–59) into minutes of the day; -1 when not. */
int center_hhmm(const char *s);
/* Two spans [a0, a1) and [b0, b1) (minutes) overlap; touching ends do not. */
bool center_spans_overlap(int a0, int a1, int b0, int b1);

/* Who is served first when bookings compete for a room: negative when a goes
 * before b.  Today: first come, first served — the earlier booking time,
 * then the smaller id.  The star level of the organization (issue 18, the
 * points issue: 星级) is to slot in HERE as the first key once it exists
 * (a higher star level first), and only here: every place that orders
 * bookings calls this function. */
typedef struct center_claim {
    int64_t id;
    int64_t booked_at;     /* when it was asked for (unix seconds) */
    int star_level;        /* the organization's latest published stars (0 = none) */
} center_claim;
/* Who holds a span: <0 when a comes first.  by_star (the day is still in its
 * priority period, center-priority-days ahead): the higher star level first,
 * then first come; otherwise first come alone.  Ties: the lower id. */
int center_claim_cmp(const center_claim *a, const center_claim *b, bool by_star);

/* ---- the circle ---- */

/* Great-circle distance in metres (mean Earth radius 6,371,008.8 m). */
double center_haversine_m(int64_t lng1_e6, int64_t lat1_e6, int64_t lng2_e6, int64_t lat2_e6);
/* The straight-line radius of the circle in metres: minutes × speed / detour. */
double center_radius_m(double minutes, double walk_m_per_min, double detour);
/* Minutes of walking from the straight-line distance. */
double center_walk_minutes(double straight_m, double walk_m_per_min, double detour);

typedef struct center_pt { int64_t lng_e6, lat_e6; } center_pt;

/* Which points lie within radius_m (straight line, haversine) of any of the
 * centers: covered[i] = 1 or 0; nearest[i] (may be NULL) = the index of the
 * nearest center within reach, else -1.  Uses a grid of cells at least
 * radius_m wide over the centers, so each point looks at the centers of the
 * nine cells around it only — not every center.  0 on success, -1 when out
 * of memory. */
int center_circle(const center_pt *centers, size_t nc, const center_pt *pts, size_t np, double radius_m, unsigned char *covered,
                  int32_t *nearest);

/* The same answer the plain way: every point against every center (the
 * benchmark's peer, bench/circle; and a check in the tests). */
void center_circle_plain(const center_pt *centers, size_t nc, const center_pt *pts, size_t np, double radius_m, unsigned char *covered);

/* The greedy suggestion: among the candidate points (the uncovered
 * enterprises' coordinates) pick up to k, each the one whose circle holds the
 * most of the points not yet held by an earlier pick (weights: 1 each);
 * ties go to the lower index.  picks[j] = the candidate's index, gain[j] = the
 * points it newly holds; *n_picks may be fewer than k when nothing is left.
 * held (may be NULL; np entries) = the pick (0-based) that first holds each
 * point, else -1.  Lazy greedy (the gains only shrink), over a grid.  0 on
 * success, -1 when out of memory. */
int center_suggest(const center_pt *pts, size_t np, double radius_m, size_t k, size_t *picks, size_t *gain, size_t *n_picks,
                   int32_t *held);

#endif
