/* Unit tests for 党群服务中心 in the database (src/center/center_store.c) on
 * SQLite and, when EJIA_TEST_PG_URL is set, PostgreSQL: a center created and
 * edited (a name taken, a district that is none, a coordinate outside the
 * city refused; no coordinate: drawn at its district's centroid, approx);
 * rooms; a booking, an overlapping one refused in Chinese naming the one in
 * the way, touching spans and another room accepted, a past day, an end
 * before the start and a day too far ahead refused; cancelling frees the
 * span and is not done twice; the organization's bookings; each write one
 * audit row, each refusal none.  The circle: the shares of enterprises and
 * members covered, by district, equal a direct computation in this test (its
 * own haversine over every enterprise × every center), for the city and for
 * a district office; enterprises without a coordinate of their own are never
 * covered; a center tried on the map counts; the suggestion's first pick
 * holds at least as many as any other. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "center/center_store.h"
#include "core/config.h"
#include "org/org_store.h"
#include "org/org_fixture.h"
#include "meeting/meeting_fixture.h"

static int setup(void **state) {
    fx_setup(state);
    return mfx_clock_setup("centertest");
}

static int teardown(void **state) {
    mfx_clock_done();
    return fx_teardown(state);
}

static const char *day_plus(int days) {
    static char d[4][11];
    static int k;
    k = (k + 1) % 4;
    clock_day(clock_now() + (int64_t)days * 86400, d[k]);
    return d[k];
}

static void test_centers_and_bookings(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        int64_t a = mfx_branch(&x, "中共测试甲公司支部", 'A'), b = mfx_branch(&x, "中共测试乙公司支部", 'B');
        int64_t before = fx_audit_rows(&x), id = 0, id2 = 0;
        center_in bad = {"软件", "350203", "思明区观日路 26 号", NULL, NULL, NULL, NULL, NULL, false, false, 0, 0};
        assert_int_equal(center_store_create(&x.c, &bad, &id, &e), ST_INVALID);
        assert_string_equal(e.field, "name");
        bad.name = "思明区软件园党群服务中心";
        bad.district_code = "350299";
        assert_int_equal(center_store_create(&x.c, &bad, &id, &e), ST_INVALID);
        assert_string_equal(e.field, "district_code");
        bad.district_code = "350203";
        bad.has_coord = true, bad.lng_e6 = 116000000, bad.lat_e6 = 24490000;   /* outside the city */
        assert_int_equal(center_store_create(&x.c, &bad, &id, &e), ST_INVALID);
        assert_int_equal(fx_audit_rows(&x), before);
        center_in ok = {"思明区软件园党群服务中心", "350203", "思明区软件园二期观日路 26 号", "周一至周六 9:00–21:00", "党员活动室、红色会客厅", "林晓燕",
                        "0592-5521806", NULL, true, false, 118180300, 24490900};
        if (center_store_create(&x.c, &ok, &id, &e)) fail_msg("create: %s", e.msg);
        assert_int_equal(fx_audit_rows(&x) - before, 1);
        assert_true(!strncmp(fx_last_audit(&x), "center.create ", strlen("center.create ")));
        assert_int_equal(center_store_create(&x.c, &ok, &id2, &e), ST_CONFLICT);   /* the name is taken */
        center_in far = {"集美区软件园三期党群服务中心", "350211", "集美区诚毅北大街 A 区", NULL, NULL, NULL, NULL, NULL, false, false, 0, 0};
        if (center_store_create(&x.c, &far, &id2, &e)) fail_msg("create: %s", e.msg);
        json_t *o = NULL;
        if (center_store_get(&x.c, id2, mfx_today(), &o, &e)) fail_msg("get: %s", e.msg);
        assert_string_equal(json_string_value(json_object_get(o, "source")), "centroid");
        assert_true(json_is_true(json_object_get(o, "approx")));
        assert_int_equal(json_integer_value(json_object_get(o, "lng_e6")), 118028300);   /* 集美区's centroid */
        /* edited: picked on the map, then hours cleared */
        center_in ed = {0};
        ed.has_coord = true, ed.lng_e6 = 118030000, ed.lat_e6 = 24610000, ed.hours = "";
        if (center_store_update(&x.c, id2, &ed, &e)) fail_msg("update: %s", e.msg);
        if (center_store_get(&x.c, id2, mfx_today(), &o, &e)) fail_msg("get: %s", e.msg);
        assert_string_equal(json_string_value(json_object_get(o, "source")), "form");
        assert_true(json_is_null(json_object_get(o, "hours")));
        assert_string_equal(json_string_value(json_object_get(o, "name")), "集美区软件园三期党群服务中心");
        uc siming = fx_scoped(&x, "district", "350203");
        siming.who.role = "district";
        if (center_store_get(&siming, id, mfx_today(), &o, &e)) fail_msg("get: %s", e.msg);
        assert_true(json_is_true(json_object_get(o, "may_write")));
        if (center_store_get(&siming, id2, mfx_today(), &o, &e)) fail_msg("get: %s", e.msg);
        assert_false(json_is_true(json_object_get(o, "may_write")));   /* another district's */

        /* rooms */
        int64_t r1 = 0, r2 = 0;
        center_room_in room = {"红色会客厅", "投影、党旗", 30};
        if (center_store_room_add(&x.c, id, &room, &r1, &e)) fail_msg("room: %s", e.msg);
        assert_int_equal(center_store_room_add(&x.c, id, &room, &r2, &e), ST_CONFLICT);
        center_room_in room2 = {"党员活动室", NULL, 60};
        if (center_store_room_add(&x.c, id, &room2, &r2, &e)) fail_msg("room: %s", e.msg);

        /* bookings */
        const char *d3 = day_plus(3);
        before = fx_audit_rows(&x);
        int64_t b1 = 0, b2 = 0;
        center_booking_in bk = {r1, a, 20, d3, "14:30", "16:30", "主题党日活动"};
        if (center_store_book(&x.c, id, &bk, &b1, &e)) fail_msg("book: %s", e.msg);
        assert_int_equal(fx_audit_rows(&x) - before, 1);
        assert_true(!strncmp(fx_last_audit(&x), "center.book ", strlen("center.book ")));
        before = fx_audit_rows(&x);
        center_booking_in clash = {r1, b, 10, d3, "16:00", "17:00", "支部委员会"};
        assert_int_equal(center_store_book(&x.c, id, &clash, &b2, &e), ST_CONFLICT);
        assert_non_null(strstr(e.msg, "已被“中共测试甲公司支部”预约"));
        assert_non_null(strstr(e.msg, "14:30–16:30"));
        assert_non_null(strstr(e.msg, "时间重叠"));
        center_booking_in inside = {r1, b, 10, d3, "15:00", "15:30", "支部委员会"};
        assert_int_equal(center_store_book(&x.c, id, &inside, &b2, &e), ST_CONFLICT);
        center_booking_in wrong_room = {r1, b, 10, d3, "18:00", "19:00", "支部委员会"};
        assert_int_equal(center_store_book(&x.c, id2, &wrong_room, &b2, &e), ST_INVALID);   /* the room is not that center's */
        assert_string_equal(e.field, "room_id");
        center_booking_in past = {r1, b, 10, day_plus(-2), "09:00", "10:00", "支部委员会"};
        assert_int_equal(center_store_book(&x.c, id, &past, &b2, &e), ST_INVALID);
        assert_non_null(strstr(e.msg, "已经过去"));
        center_booking_in backwards = {r1, b, 10, d3, "10:00", "09:00", "支部委员会"};
        assert_int_equal(center_store_book(&x.c, id, &backwards, &b2, &e), ST_INVALID);
        assert_string_equal(e.field, "end");
        center_booking_in ahead = {r1, b, 10, day_plus((int)cfg_int("center-booking-days-ahead") + 2), "09:00", "10:00", "支部委员会"};
        assert_int_equal(center_store_book(&x.c, id, &ahead, &b2, &e), ST_INVALID);
        assert_non_null(strstr(e.msg, "提前"));
        assert_int_equal(fx_audit_rows(&x), before);
        center_booking_in touching = {r1, b, 10, d3, "16:30", "17:30", "支部委员会"};   /* starts as the first ends */
        if (center_store_book(&x.c, id, &touching, &b2, &e)) fail_msg("touching: %s", e.msg);
        center_booking_in other_room = {r2, b, 10, d3, "15:00", "16:00", "党课"};
        if (center_store_book(&x.c, id, &other_room, &b2, &e)) fail_msg("other room: %s", e.msg);
        json_t *items = NULL;
        if (center_store_of_org(&x.c, b, mfx_today(), &items, &e)) fail_msg("of org: %s", e.msg);
        assert_int_equal(json_array_size(items), 2);
        if (center_store_get(&x.c, id, mfx_today(), &o, &e)) fail_msg("get: %s", e.msg);
        assert_int_equal(json_array_size(json_object_get(o, "bookings")), 3);
        assert_int_equal(json_array_size(json_object_get(o, "rooms")), 2);

        /* cancelled: the span is free again; not twice */
        before = fx_audit_rows(&x);
        if (center_store_cancel(&x.c, b1, &e)) fail_msg("cancel: %s", e.msg);
        assert_true(!strncmp(fx_last_audit(&x), "center.booking.cancel ", strlen("center.booking.cancel ")));
        assert_int_equal(center_store_cancel(&x.c, b1, &e), ST_CONFLICT);
        assert_int_equal(fx_audit_rows(&x) - before, 1);
        if (center_store_book(&x.c, id, &inside, &b2, &e)) fail_msg("after cancel: %s", e.msg);
        if (center_store_of_org(&x.c, a, mfx_today(), &items, &e)) fail_msg("of org: %s", e.msg);
        assert_int_equal(json_array_size(items), 1);
        assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "state")), "cancelled");

        /* star priority (issue 18): well ahead of the day a higher published star level takes an
           overlapping span and the booking it outranks gives way, in the same act; equal stars and,
           nearer the day than center-priority-days, any stars: first come */
        fx_exec(&x, "INSERT INTO star_rating(period, state, as_of, rules, computed_at, computed_by, created_by) "
                    "VALUES ('2025', 'published', '2025-12-31', '{}', 0, 'test', 'test')");
        fx_exec(&x, arena_printf(&x.mem,
                                 "INSERT INTO star_row(rating_id, org_id, org_name, org_path, has_total, total, stars, figures) "
                                 "SELECT (SELECT id FROM star_rating WHERE period = '2025'), id, name, path, 1, "
                                 "CASE WHEN id = %lld THEN 8000 ELSE 4500 END, CASE WHEN id = %lld THEN 4 ELSE 2 END, '[]' "
                                 "FROM org WHERE id IN (%lld, %lld)",
                                 (long long)b, (long long)b, (long long)a, (long long)b));
        const char *d30 = day_plus(30);
        int64_t low = 0, high = 0, again = 0;
        center_booking_in a30 = {r2, a, 10, d30, "09:00", "10:00", "主题党日活动"};
        if (center_store_book(&x.c, id, &a30, &low, &e)) fail_msg("a30: %s", e.msg);
        before = fx_audit_rows(&x);
        center_booking_in b30 = {r2, b, 10, d30, "09:30", "10:30", "党课"};
        if (center_store_book(&x.c, id, &b30, &high, &e)) fail_msg("b30: %s", e.msg);
        assert_int_equal(fx_audit_rows(&x) - before, 1);
        assert_true(!strncmp(fx_last_audit(&x), "center.book ", strlen("center.book ")));
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM audit WHERE action = 'center.book' AND detail LIKE '%让位%'"), 1);
        if (center_store_of_org(&x.c, a, mfx_today(), &items, &e)) fail_msg("of org: %s", e.msg);
        bool gave_way = false;
        size_t k;
        json_t *it;
        json_array_foreach(items, k, it) {
            if (json_integer_value(json_object_get(it, "id")) == low)
                gave_way = !strcmp(json_string_value(json_object_get(it, "state")), "displaced");
        }
        assert_true(gave_way);
        assert_int_equal(center_store_cancel(&x.c, low, &e), ST_CONFLICT);   /* nobody cancelled it: it gave way */
        assert_non_null(strstr(e.msg, "已让位给星级更高的党组织"));
        assert_int_equal(center_store_book(&x.c, id, &a30, &again, &e), ST_CONFLICT);   /* 2 stars cannot take it back */
        assert_non_null(strstr(e.msg, "星级优先期内"));
        center_booking_in b30b = {r2, b, 10, d30, "10:00", "11:00", "支部委员会"};   /* equal stars (its own): first come */
        assert_int_equal(center_store_book(&x.c, id, &b30b, &again, &e), ST_CONFLICT);
        center_booking_in a3 = {r2, a, 10, d3, "15:30", "16:30", "主题党日活动"};   /* 3 days ahead: first come, stars or not */
        assert_int_equal(center_store_book(&x.c, id, &a3, &again, &e), ST_CONFLICT);
        assert_non_null(strstr(e.msg, "先到先得"));

        /* the list: every center, by district */
        center_filter f = {"350211", NULL, false};
        if (center_store_list(&siming, &f, &items, &e)) fail_msg("list: %s", e.msg);
        assert_int_equal(json_array_size(items), 1);
        center_filter pct = {"350211", "%", false};   /* a search text means itself: no center's name holds '%' */
        if (center_store_list(&siming, &pct, &items, &e)) fail_msg("list q=%%: %s", e.msg);
        assert_int_equal(json_array_size(items), 0);
        fx_close(&x);
    }
}

/* ---- the circle against a direct computation ---- */

/* The test's own great-circle distance (not center.c's). */
static double direct_m(int64_t x1, int64_t y1, int64_t x2, int64_t y2) {
    const double R = 6371008.8, k = M_PI / 180e6;
    double p1 = y1 * k, p2 = y2 * k, dl = (x2 - x1) * k;
    double a = pow(sin((p2 - p1) / 2), 2) + cos(p1) * cos(p2) * pow(sin(dl / 2), 2);
    return 2 * R * asin(sqrt(a));
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static int64_t rnd(int64_t lo, int64_t hi) {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return lo + (int64_t)(rng % (uint64_t)(hi - lo + 1));
}

typedef struct tally { int64_t ents, covered, members, members_covered; } tally;

static void check_shares(json_t *out, const char *district, const tally *t) {
    json_t *d, *hit = NULL;
    size_t i;
    json_array_foreach(json_object_get(out, "districts"), i, d) if (!strcmp(json_string_value(json_object_get(d, "code")), district)) hit = d;
    if (!t->ents) {
        assert_null(hit);
        return;
    }
    assert_non_null(hit);
    assert_int_equal(json_integer_value(json_object_get(hit, "enterprises")), t->ents);
    assert_int_equal(json_integer_value(json_object_get(hit, "covered")), t->covered);
    assert_int_equal(json_integer_value(json_object_get(hit, "members")), t->members);
    assert_int_equal(json_integer_value(json_object_get(hit, "members_covered")), t->members_covered);
    double share = round(t->covered * 10000.0 / t->ents) / 100.0, ms = t->members ? round(t->members_covered * 10000.0 / t->members) / 100.0 : -1;
    assert_true(fabs(json_real_value(json_object_get(hit, "share")) - share) < 1e-9);
    if (ms >= 0) assert_true(fabs(json_real_value(json_object_get(hit, "members_share")) - ms) < 1e-9);
}

static void test_circle_shares(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        /* 400 enterprises with coordinates of their own around two districts, 40 without (centroid only) */
        enum { NE = 400, NU = 40, NC = 12 };
        static int64_t ex[NE], ey[NE], em[NE];
        static char ed[NE][8];
        fx_exec(&x, "DELETE FROM center_booking; DELETE FROM center_room; DELETE FROM center");
        fx_exec(&x, "BEGIN");
        for (int i = 0; i < NE + NU; i++) {
            const char *d = i % 3 ? "350203" : "350206";
            char name[40];
            snprintf(name, sizeof name, "圈测试企业%d", i);
            int64_t id = fx_add_ent(&x, name, d, NULL, 0, 0), m = rnd(0, 30);
            char sql[200];
            snprintf(sql, sizeof sql, "UPDATE enterprise SET reg_members = %lld WHERE id = %lld", (long long)m, (long long)id);
            fx_exec(&x, sql);
            if (i >= NE) continue;
            em[i] = m;
            snprintf(ed[i], sizeof ed[i], "%s", d);
            /* 思明 and 湖里 around two hubs, some scattered */
            ex[i] = (i % 3 ? 118130000 : 118160000) + rnd(-15000, 15000);
            ey[i] = (i % 3 ? 24470000 : 24510000) + rnd(-15000, 15000);
            snprintf(sql, sizeof sql, "INSERT INTO enterprise_coord(enterprise_id, lng_e6, lat_e6, source) VALUES (%lld, %lld, %lld, 'form')",
                     (long long)id, (long long)ex[i], (long long)ey[i]);
            fx_exec(&x, sql);
        }
        fx_exec(&x, "COMMIT");
        int64_t cx[NC + 1], cy[NC + 1];
        for (int j = 0; j < NC; j++) {
            cx[j] = ex[j * 31 % NE] + rnd(-3000, 3000), cy[j] = ey[j * 31 % NE] + rnd(-3000, 3000);
            char name[60];
            snprintf(name, sizeof name, "测试第%d党群服务中心", j + 1);
            center_in c = {name, j % 2 ? "350203" : "350206", "测试地址 1 号", NULL, NULL, NULL, NULL, NULL, true, false, cx[j], cy[j]};
            int64_t id = 0;
            if (center_store_create(&x.c, &c, &id, &e)) fail_msg("center: %s", e.msg);
        }
        /* one with no coordinate: at 思明区's centroid, never counted */
        center_in nc = {"测试无位置党群服务中心", "350203", "测试地址 2 号", NULL, NULL, NULL, NULL, NULL, false, false, 0, 0};
        int64_t nid = 0;
        if (center_store_create(&x.c, &nc, &nid, &e)) fail_msg("center: %s", e.msg);

        double radius = cfg_num("circle-minutes") * cfg_num("circle-walk-m-per-min") / cfg_num("circle-detour-factor");
        for (int pass = 0; pass < 3; pass++) {
            /* pass 0: the city; 1: 湖里区's office; 2: the city with a center tried on the map */
            uc who = pass == 1 ? fx_scoped(&x, "district", "350206") : x.c;
            int nc_used = NC;
            center_pt tried = {118160000, 24510000};
            if (pass == 2) cx[NC] = tried.lng_e6, cy[NC] = tried.lat_e6, nc_used = NC + 1;
            center_circle_opt o = {0};
            o.k = 3;
            if (pass == 2) o.extra = &tried, o.n_extra = 1;
            json_t *out = NULL;
            if (center_store_circle(&who, &o, &out, &e)) fail_msg("circle: %s", e.msg);
            tally sm = {0}, hl = {0}, tot = {0};
            for (int i = 0; i < NE; i++) {
                bool in = false;
                for (int j = 0; j < nc_used && !in; j++) in = direct_m(cx[j], cy[j], ex[i], ey[i]) <= radius;
                tally *t = strcmp(ed[i], "350203") ? &hl : &sm;
                t->ents++, t->members += em[i];
                if (in) t->covered++, t->members_covered += em[i];
            }
            /* the enterprises without a coordinate of their own: in the totals, never covered; and the fixture's own eight */
            json_t *rows = NULL;
            if (db_query_json(x.d, &rows, "SELECT e.district_code, e.reg_members FROM enterprise e WHERE NOT EXISTS "
                                          "(SELECT 1 FROM enterprise_coord k WHERE k.enterprise_id = e.id)", &e, ""))
                fail_msg("%s", e.msg);
            size_t i;
            json_t *r;
            int64_t unlocated = 0;
            json_array_foreach(rows, i, r) {
                tally *t = strcmp(json_string_value(json_object_get(r, "district_code")), "350203") ? &hl : &sm;
                t->ents++, t->members += json_integer_value(json_object_get(r, "reg_members"));
                unlocated++;
            }
            json_decref(rows);
            if (pass == 1) {
                memset(&sm, 0, sizeof sm);   /* 湖里区's office sees its own enterprises only */
                unlocated = 0;
                json_array_foreach(json_object_get(out, "districts"), i, r) assert_string_equal(json_string_value(json_object_get(r, "code")), "350206");
            } else
                assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "totals"), "unlocated")), unlocated);
            check_shares(out, "350203", &sm);
            check_shares(out, "350206", &hl);
            tot.ents = sm.ents + hl.ents, tot.covered = sm.covered + hl.covered;
            assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "totals"), "enterprises")), tot.ents);
            assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "totals"), "covered")), tot.covered);
            assert_true(tot.covered > 0 && tot.covered < tot.ents);
            assert_int_equal(json_integer_value(json_object_get(out, "centers")), NC);   /* the one at a centroid is not counted */
            /* the suggestion: at most k, in falling order of what each newly holds */
            json_t *sug = json_object_get(out, "suggestions");
            assert_true(json_array_size(sug) >= 1 && json_array_size(sug) <= 3);
            for (i = 1; i < json_array_size(sug); i++)
                assert_true(json_integer_value(json_object_get(json_array_get(sug, i - 1), "enterprises")) >=
                            json_integer_value(json_object_get(json_array_get(sug, i), "enterprises")));
            /* the first pick holds at least as many uncovered enterprises as any uncovered enterprise's circle */
            int64_t best = 0;
            for (int a = 0; a < NE; a++) {
                if (pass == 1 && strcmp(ed[a], "350206")) continue;
                bool ina = false;
                for (int j = 0; j < nc_used && !ina; j++) ina = direct_m(cx[j], cy[j], ex[a], ey[a]) <= radius;
                if (ina) continue;
                int64_t g = 0;
                for (int b = 0; b < NE; b++) {
                    if (pass == 1 && strcmp(ed[b], "350206")) continue;
                    bool inb = false;
                    for (int j = 0; j < nc_used && !inb; j++) inb = direct_m(cx[j], cy[j], ex[b], ey[b]) <= radius;
                    if (!inb && direct_m(ex[a], ey[a], ex[b], ey[b]) <= radius) g++;
                }
                if (g > best) best = g;
            }
            assert_int_equal(json_integer_value(json_object_get(json_array_get(sug, 0), "enterprises")), best);
        }
        json_t *layer = NULL;
        if (center_map_layer(&x.c, mfx_today(), &layer, &e)) fail_msg("layer: %s", e.msg);
        assert_int_equal(json_array_size(json_object_get(layer, "rows")), NC + 1);
        json_decref(layer);
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_centers_and_bookings),
        cmocka_unit_test(test_circle_shares),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
