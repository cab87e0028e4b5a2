/* Unit tests for the pure rules of 党群服务中心 and the 10-minute circle
 * (src/center/center.c): HH:MM, overlapping spans (touching ends do not),
 * the order bookings are served in (first come first served), the haversine
 * distance against known figures, the radius from the settings, the circle
 * over its grid against every point × every center (brute force, here), at
 * Xiamen's latitude and far north, and the greedy suggestion against a
 * direct greedy over all pairs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "center/center.h"

static void test_hhmm(void **state) {
    (void)state;
    assert_int_equal(center_hhmm("00:00"), 0);
    assert_int_equal(center_hhmm("09:30"), 570);
    assert_int_equal(center_hhmm("24:00"), 1440);
    assert_int_equal(center_hhmm("24:01"), -1);
    assert_int_equal(center_hhmm("12:60"), -1);
    assert_int_equal(center_hhmm("9:30"), -1);
    assert_int_equal(center_hhmm("09-30"), -1);
    assert_int_equal(center_hhmm(NULL), -1);
}

static void test_overlap(void **state) {
    (void)state;
    assert_true(center_spans_overlap(540, 660, 600, 720));
    assert_true(center_spans_overlap(540, 660, 560, 580));    /* inside */
    assert_true(center_spans_overlap(560, 580, 540, 660));
    assert_false(center_spans_overlap(540, 660, 660, 720));   /* touching: 9–11 and 11–12 */
    assert_false(center_spans_overlap(660, 720, 540, 660));
    assert_false(center_spans_overlap(540, 600, 700, 720));
}

static void test_claims(void **state) {
    (void)state;
    center_claim a = {5, 1000, 0}, b = {3, 2000, 0}, c = {7, 1000, 0};
    for (int by_star = 0; by_star <= 1; by_star++) {   /* equal stars: first come either way */
        assert_true(center_claim_cmp(&a, &b, by_star) < 0);   /* the earlier asks first */
        assert_true(center_claim_cmp(&b, &a, by_star) > 0);
        assert_true(center_claim_cmp(&a, &c, by_star) < 0);   /* same second: the smaller id */
        assert_int_equal(center_claim_cmp(&a, &a, by_star), 0);
    }
    center_claim starred = {9, 3000, 5}, three = {10, 500, 3};
    assert_true(center_claim_cmp(&a, &starred, false) < 0);   /* near the day: first come, stars or not */
    assert_true(center_claim_cmp(&starred, &a, true) < 0);    /* in the priority period: 5 stars before none */
    assert_true(center_claim_cmp(&starred, &three, true) < 0);   /* 5 before 3, though 3 asked first */
    assert_true(center_claim_cmp(&three, &starred, false) < 0);
}

static void test_distance(void **state) {
    (void)state;
    /* one millidegree of latitude: 111.195 m on the mean sphere */
    assert_true(abs((int)(center_haversine_m(118000000, 24000000, 118000000, 24001000) * 1000) - 111195) <= 1);
    /* one millidegree of longitude at 24.5°: 111.195 × cos 24.5° = 101.18 m */
    double d = center_haversine_m(118000000, 24500000, 118001000, 24500000);
    assert_true(d > 101.1 && d < 101.3);
    assert_true(center_haversine_m(118089000, 24479000, 118089000, 24479000) == 0);
    /* 10 minutes at 80 m a minute with a detour of 1.3: 615.4 m of straight line */
    double r = center_radius_m(10, 80, 1.3);
    assert_true(r > 615.3 && r < 615.4);
    assert_true(center_walk_minutes(r, 80, 1.3) > 9.999 && center_walk_minutes(r, 80, 1.3) < 10.001);
}

static uint64_t rng = 88172645463325252ull;
static int64_t rnd(int64_t lo, int64_t hi) {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return lo + (int64_t)(rng % (uint64_t)(hi - lo + 1));
}

/* The circle over the grid is every point × every center. */
static void circle_vs_brute(int64_t lng0, int64_t lat0, int64_t span, size_t nc, size_t np, double radius) {
    center_pt *c = malloc(nc * sizeof *c), *p = malloc(np * sizeof *p);
    for (size_t i = 0; i < nc; i++) c[i] = (center_pt){rnd(lng0, lng0 + span), rnd(lat0, lat0 + span)};
    for (size_t i = 0; i < np; i++) p[i] = (center_pt){rnd(lng0 - span / 10, lng0 + span + span / 10), rnd(lat0 - span / 10, lat0 + span + span / 10)};
    /* a few exactly on a center, a few just inside and just outside its radius due north */
    int64_t dlat = (int64_t)(radius / 111194.9 * 1e6);
    p[0] = c[0];
    p[1] = (center_pt){c[1].lng_e6, c[1].lat_e6 + dlat - 2};
    p[2] = (center_pt){c[1].lng_e6, c[1].lat_e6 + dlat + 2};
    unsigned char *cov = malloc(np);
    int32_t *near = malloc(np * sizeof *near);
    assert_int_equal(center_circle(c, nc, p, np, radius, cov, near), 0);
    size_t covered = 0;
    for (size_t i = 0; i < np; i++) {
        double best = -1;
        int32_t who = -1;
        for (size_t j = 0; j < nc; j++) {
            double d = center_haversine_m(c[j].lng_e6, c[j].lat_e6, p[i].lng_e6, p[i].lat_e6);
            if (d <= radius && (best < 0 || d < best)) best = d, who = (int32_t)j;
        }
        assert_int_equal(cov[i], who >= 0);
        assert_int_equal(near[i], who);
        covered += cov[i];
    }
    assert_true(cov[0] && cov[1] && covered > 0 && covered < np);
    /* without nearest the same coverage */
    unsigned char *cov2 = malloc(np);
    assert_int_equal(center_circle(c, nc, p, np, radius, cov2, NULL), 0);
    assert_memory_equal(cov, cov2, np);
    center_circle_plain(c, nc, p, np, radius, cov2);   /* the bench's peer answers the same */
    assert_memory_equal(cov, cov2, np);
    free(cov2);
    free(cov);
    free(near);
    free(c);
    free(p);
}

static void test_circle(void **state) {
    (void)state;
    circle_vs_brute(117900000, 24400000, 300000, 300, 6000, 615.4);    /* Xiamen */
    circle_vs_brute(24700000, 60100000, 80000, 120, 4000, 615.4);     /* Helsinki: the longitude's cell is twice as wide */
    circle_vs_brute(118000000, 24400000, 20000, 5, 3000, 1500);        /* few centers, large radius */
    unsigned char cov[2];
    center_pt one = {118000000, 24400000};
    assert_int_equal(center_circle(&one, 0, &one, 1, 600, cov, NULL), 0);   /* no centers: nothing covered */
    assert_int_equal(cov[0], 0);
}

/* The greedy over all pairs, for comparison. */
static void test_suggest(void **state) {
    (void)state;
    size_t np = 1500;
    center_pt *p = malloc(np * sizeof *p);
    /* three clusters of different sizes and a scatter */
    for (size_t i = 0; i < np; i++) {
        int k = i < 600 ? 0 : i < 1000 ? 1 : i < 1200 ? 2 : 3;
        static const int64_t cx[] = {118100000, 118150000, 118050000}, cy[] = {24480000, 24520000, 24600000};
        p[i] = k < 3 ? (center_pt){cx[k] + rnd(-6000, 6000), cy[k] + rnd(-6000, 6000)} : (center_pt){rnd(117950000, 118300000), rnd(24400000, 24700000)};
    }
    double radius = 615.4;
    size_t picks[6], gain[6], n = 0;
    int32_t *held = malloc(np * sizeof *held);
    assert_int_equal(center_suggest(p, np, radius, 6, picks, gain, &n, held), 0);
    assert_int_equal(n, 6);
    /* direct greedy */
    int32_t *mine = malloc(np * sizeof *mine);
    for (size_t i = 0; i < np; i++) mine[i] = -1;
    for (size_t j = 0; j < 6; j++) {
        size_t best = 0, bi = 0;
        for (size_t i = 0; i < np; i++) {
            size_t g = 0;
            for (size_t q = 0; q < np; q++)
                if (mine[q] < 0 && center_haversine_m(p[i].lng_e6, p[i].lat_e6, p[q].lng_e6, p[q].lat_e6) <= radius) g++;
            if (g > best) best = g, bi = i;
        }
        assert_int_equal(picks[j], bi);
        assert_int_equal(gain[j], best);
        for (size_t q = 0; q < np; q++)
            if (mine[q] < 0 && center_haversine_m(p[bi].lng_e6, p[bi].lat_e6, p[q].lng_e6, p[q].lat_e6) <= radius) mine[q] = (int32_t)j;
    }
    assert_memory_equal(held, mine, np * sizeof *held);
    assert_true(gain[0] >= gain[1] && gain[1] >= gain[2]);
    /* fewer picks when nothing is left to hold */
    center_pt two[2] = {{118000000, 24400000}, {118000100, 24400100}};
    assert_int_equal(center_suggest(two, 2, radius, 5, picks, gain, &n, NULL), 0);
    assert_int_equal(n, 1);
    assert_int_equal(gain[0], 2);
    free(held);
    free(mine);
    free(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hhmm),   cmocka_unit_test(test_overlap), cmocka_unit_test(test_claims),
        cmocka_unit_test(test_distance), cmocka_unit_test(test_circle), cmocka_unit_test(test_suggest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
