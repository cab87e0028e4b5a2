/* Unit tests for the responsibility assessment's store
 * (src/assess/assess_store.c) on SQLite and, when EJIA_TEST_PG_URL is set,
 * PostgreSQL: opening last year computes a row per district and per park
 * with the figures the owning stores give (coverage as of the year's last
 * day; the meetings' compliance of the year), the weights renormalised over
 * the criteria that have a figure; one audit row per act; a draft follows
 * the data when computed again, a confirmed year does not (recompute
 * refused, its figures kept however the data change); the steps go draft →
 * confirmed → published only; a district or a park sees nothing before
 * publication and then only its own row; a year twice or a year to come is
 * refused.  The clock is the test clock: 10:00 China time tomorrow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "assess/assess_store.h"
#include "meeting/meeting_store.h"
#include "org/org_store.h"
#include "org/org_fixture.h"
#include "meeting/meeting_fixture.h"

static int setup(void **state) {
    fx_setup(state);
    err e;
    /* coverage scores from 0 % (nothing) to 50 % (full), so a quarter is half the points */
    if (cfg_set("assess-floor-coverage", "0", &e) || cfg_set("assess-target-coverage", "50", &e)) return -1;
    return mfx_clock_setup("assesstest");
}

static int teardown(void **state) {
    mfx_clock_done();
    return fx_teardown(state);
}

static int64_t branch(fx *x, const char *name, char ent, const char *day) {
    int64_t e0 = fx_ent(x, ent), id = 0;
    org_new o = {.name = name, .kind = "党支部", .day = day, .enterprises = &e0, .n_enterprises = 1, .approved = true};
    err e;
    if (org_store_create(&x->c, &o, &id, &e)) fail_msg("org %s: %s", name, e.msg);
    return id;
}

/* The row of unit code in an assessment's reply (NULL when not there). */
static json_t *row_of(json_t *a, const char *code) {
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(a, "rows"), i, r) if (!strcmp(json_string_value(json_object_get(r, "unit_code")), code)) return r;
    return NULL;
}

static json_t *fig_of(json_t *row, const char *key) {
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(row, "figures"), i, f) if (!strcmp(json_string_value(json_object_get(f, "key")), key)) return f;
    return NULL;
}

static json_t *get(uc *c, int64_t id) {
    json_t *a = NULL;
    err e;
    if (assess_store_get(c, id, &a, &e)) fail_msg("get: %s", e.msg);
    return a;
}

/* The figure the meetings' store gives for a district's year. */
static void life_of(fx *x, int year, const char *district, int64_t *on_time, int64_t *due) {
    meeting_period p;
    char code[16];
    snprintf(code, sizeof code, "%d", year);
    assert_true(meeting_period_parse(code, &p));
    json_t *rows = NULL;
    err e;
    if (meeting_store_compliance(&x->c, &p, "district", NULL, NULL, &rows, &e)) fail_msg("compliance: %s", e.msg);
    *on_time = *due = 0;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) if (!strcmp(json_string_value(json_object_get(r, "code")), district)) {
        *on_time = json_integer_value(json_object_get(r, "on_time"));
        *due = json_integer_value(json_object_get(r, "due"));
    }
    json_decref(rows);
}

static void test_assessment(void **state) {
    (void)state;
    int year = atoi(mfx_today()) - 1;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        branch(&x, "中共测试甲公司支部", 'A', "2018-01-02");
        int64_t before = fx_audit_rows(&x), id = 0;
        err e;
        assert_int_equal(assess_store_open(&x.c, year, "测试", &id, &e), ST_OK);
        assert_int_equal(fx_audit_rows(&x) - before, 1);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "assess.open assessment:%lld", (long long)id));
        /* a row per district (six) and per park (the fixture's one) */
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM assess_row WHERE unit_kind = 'district'"), 6);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM assess_row WHERE unit_kind = 'park'"), 1);
        json_t *a = get(&x.c, id);
        assert_string_equal(json_string_value(json_object_get(a, "state")), "draft");
        char end[24];
        snprintf(end, sizeof end, "%d-12-31", year);
        assert_string_equal(json_string_value(json_object_get(a, "as_of")), end);
        assert_int_equal(json_array_size(json_object_get(a, "criteria")), 6);
        /* 思明区: A covered of A, B, C, D (the zombie left out) */
        json_t *sm = row_of(a, "350203"), *cov = fig_of(sm, "coverage");
        assert_true(json_is_true(json_object_get(cov, "available")));
        assert_int_equal(json_integer_value(json_object_get(cov, "num")), 1);
        assert_int_equal(json_integer_value(json_object_get(cov, "den")), 4);
        assert_true(json_real_value(json_object_get(cov, "value")) == 25.0);
        assert_true(json_real_value(json_object_get(cov, "score")) == 50.0);
        assert_string_equal(json_string_value(json_object_get(cov, "link")),
                            arena_printf(&x.mem, "/coverage?district=350203&date=%s", end));
        /* the meetings' figure is the meetings' store's */
        int64_t on_time, due;
        life_of(&x, year, "350203", &on_time, &due);
        json_t *life = fig_of(sm, "life");
        assert_int_equal(json_is_true(json_object_get(life, "available")), due > 0);
        if (due > 0) assert_int_equal(json_integer_value(json_object_get(life, "den")), due);
        /* no development, study, dues: not available, each with its reason, weight not used */
        const char *none[] = {"develop", "study", "dues"};
        for (int k = 0; k < 3; k++) {
            json_t *f = fig_of(sm, none[k]);
            assert_false(json_is_true(json_object_get(f, "available")));
            assert_non_null(json_string_value(json_object_get(f, "reason")));
            assert_int_equal(json_integer_value(json_object_get(f, "weight_used_bp")), 0);
        }
        /* points: the organizations' own points of the year (none here: 0) against 100 a branch that owes
           meetings — a figure exactly when the meetings' is; its link the points ranking of the unit */
        json_t *pts = fig_of(sm, "points");
        assert_int_equal(json_is_true(json_object_get(pts, "available")), due > 0);
        if (due > 0) {
            assert_int_equal(json_integer_value(json_object_get(pts, "num")), 0);
            assert_true(json_integer_value(json_object_get(pts, "den")) > 0);
            assert_int_equal(json_integer_value(json_object_get(pts, "den")) % (100 * 100), 0);
            assert_true(json_real_value(json_object_get(pts, "score")) == 0.0);
        }
        assert_string_equal(json_string_value(json_object_get(pts, "link")),
                            arena_printf(&x.mem, "/points?tab=ranking&period=%d&district=350203", year));
        /* the total: coverage (30) and, when due, life (25) and points (10, scoring 0) renormalised */
        double want = due > 0 ? (30.0 * 5000 + 25.0 * (double)json_real_value(json_object_get(life, "score")) * 100) / 65.0 : 5000;
        assert_true(json_is_true(json_object_get(sm, "has_total")));
        assert_true(json_real_value(json_object_get(sm, "total")) * 100 - want < 0.51 &&
                    want - json_real_value(json_object_get(sm, "total")) * 100 < 0.51);
        assert_int_equal(json_integer_value(json_object_get(fig_of(sm, "coverage"), "weight_used_bp")), due > 0 ? 4615 : 10000);
        /* the park: A of A, B, C; the park's dues are not kept */
        json_t *pk = row_of(a, "P9001");
        assert_int_equal(json_integer_value(json_object_get(fig_of(pk, "coverage"), "den")), 3);
        assert_string_equal(json_string_value(json_object_get(pk, "district_code")), "350203");
        assert_null(json_object_get(fig_of(pk, "dues"), "link"));
        /* 湖里区 (E, F, G, none covered) ranks after 思明区; a district without enterprises has no total */
        assert_true(json_real_value(json_object_get(row_of(a, "350206"), "total")) < json_real_value(json_object_get(sm, "total")));
        assert_int_equal(json_integer_value(json_object_get(sm, "rank")), 1);
        assert_false(json_is_true(json_object_get(row_of(a, "350205"), "has_total")));
        assert_int_equal(json_integer_value(json_object_get(row_of(a, "350205"), "rank")), 0);
        json_decref(a);

        /* a district and a park see nothing before publication */
        uc dist = fx_scoped(&x, "district", "350206"), park = fx_scoped(&x, "park", "P9001");
        json_t *items = NULL;
        assert_int_equal(assess_store_list(&dist, &items, &e), ST_OK);
        assert_int_equal(json_array_size(items), 0);
        json_decref(items);
        assert_int_equal(assess_store_get(&dist, id, &a, &e), ST_NOT_FOUND);

        /* a draft follows the data: B covered from 2019 */
        branch(&x, "中共测试乙公司支部", 'B', "2019-03-01");
        before = fx_audit_rows(&x);
        assert_int_equal(assess_store_recompute(&x.c, id, &e), ST_OK);
        assert_int_equal(fx_audit_rows(&x) - before, 1);
        a = get(&x.c, id);
        assert_int_equal(json_integer_value(json_object_get(fig_of(row_of(a, "350203"), "coverage"), "num")), 2);
        json_decref(a);

        /* publish before confirming: refused; confirm; then the figures stay */
        assert_int_equal(assess_store_publish(&x.c, id, &e), ST_CONFLICT);
        assert_int_equal(assess_store_confirm(&x.c, id, &e), ST_OK);
        assert_int_equal(assess_store_confirm(&x.c, id, &e), ST_CONFLICT);
        char *snap = NULL;
        if (db_query_text(x.d, &snap, "SELECT figures FROM assess_row WHERE unit_code = '350203'", &e, "")) fail_msg("%s", e.msg);
        branch(&x, "中共测试丙公司支部", 'C', "2019-04-01");
        before = fx_audit_rows(&x);
        assert_int_equal(assess_store_recompute(&x.c, id, &e), ST_CONFLICT);
        assert_int_equal(fx_audit_rows(&x) - before, 0);
        assert_int_equal(assess_store_publish(&x.c, id, &e), ST_OK);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "assess.publish assessment:%lld", (long long)id));
        char *now = NULL;
        if (db_query_text(x.d, &now, "SELECT figures FROM assess_row WHERE unit_code = '350203'", &e, "")) fail_msg("%s", e.msg);
        assert_string_equal(now, snap);   /* the published year did not move with the data */
        free(snap);
        free(now);

        /* published: each sees its own row only */
        a = get(&dist, id);
        assert_int_equal(json_array_size(json_object_get(a, "rows")), 1);
        assert_non_null(row_of(a, "350206"));
        json_decref(a);
        a = get(&park, id);
        assert_int_equal(json_array_size(json_object_get(a, "rows")), 1);
        assert_non_null(row_of(a, "P9001"));
        json_decref(a);
        assert_int_equal(assess_store_list(&dist, &items, &e), ST_OK);
        assert_int_equal(json_array_size(items), 1);
        json_decref(items);
        assert_int_equal(assess_store_rows(&dist, id, &items, &e), ST_OK);
        assert_int_equal(json_array_size(items), 1);
        assert_non_null(json_object_get(json_array_get(items, 0), "coverage"));
        json_decref(items);

        /* the same year again, a year to come: refused, nothing written */
        int64_t other = 0;
        before = fx_audit_rows(&x);
        assert_int_equal(assess_store_open(&x.c, year, NULL, &other, &e), ST_CONFLICT);
        assert_string_equal(e.field, "year");
        assert_int_equal(assess_store_open(&x.c, year + 2, NULL, &other, &e), ST_INVALID);
        assert_int_equal(fx_audit_rows(&x) - before, 0);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM assess"), 1);
        /* this year: as of today */
        assert_int_equal(assess_store_open(&x.c, year + 1, NULL, &other, &e), ST_OK);
        a = get(&x.c, other);
        assert_string_equal(json_string_value(json_object_get(a, "as_of")), mfx_today());
        json_decref(a);
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assessment),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
