/* Unit tests for the coverage store (src/coverage/coverage_store.c) on
 * SQLite and, when EJIA_TEST_PG_URL is set, PostgreSQL: figures as of the
 * day before and the day of a change, grouped and within the caller's
 * scope; the trend's one pass agreeing with the figures of each day; the
 * enterprises behind a figure with their states, filters and sums; one
 * enterprise's history. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>

#include "coverage/coverage.h"
#include "org/org_store.h"
#include "org/org_fixture.h"
#include "register/register.h"

/* A's own branch from 2019-03-05, B and C's joint branch from 2019-04-01 until
 * B leaves on 2019-06-01, an instructor for F from 2019-03-10 to 2019-04-10. */
static void history(fx *x) {
    err e;
    int64_t A = fx_ent(x, 'A'), bc[2] = {fx_ent(x, 'B'), fx_ent(x, 'C')}, id = 0, ins = 0;
    org_new a = {.name = "中共测试甲公司支部", .kind = "党支部", .day = "2019-03-05", .enterprises = &A, .n_enterprises = 1};
    org_new j = {.name = "中共测试联合支部", .kind = "联合党支部", .based_on = "park", .day = "2019-04-01", .enterprises = bc,
                 .n_enterprises = 2, .approved = true};
    if (org_store_create(&x->c, &a, &id, &e) || org_store_create(&x->c, &j, &id, &e) ||
        org_store_cover_remove(&x->c, id, bc[0], "2019-06-01", NULL, &e) ||
        org_store_instructor_assign(&x->c, fx_ent(x, 'F'), "李指导", NULL, 0, "2019-03-10", &ins, &e) ||
        org_store_instructor_withdraw(&x->c, ins, "2019-04-10", NULL, &e))
        fail_msg("history: %s", e.msg);
}

static void city(fx *x, uc *c, const char *day, int64_t n, int64_t covered, int64_t work) {
    coverage_row *rows = NULL;
    size_t nr = 0;
    err e;
    if (coverage_store_figures(c, day, COVERAGE_CITY, &rows, &nr, &e)) fail_msg("figures %s: %s", day, e.msg);
    (void)x;
    assert_int_equal(nr, 1);
    if (rows[0].enterprises != n || rows[0].covered != covered || rows[0].work != work)
        fail_msg("%s: %lld/%lld/%lld, want %lld/%lld/%lld", day, (long long)rows[0].enterprises, (long long)rows[0].covered,
                 (long long)rows[0].work, (long long)n, (long long)covered, (long long)work);
}

static void test_figures(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        history(&x);
        /* seven enterprises (the zombie does not count) */
        city(&x, &x.c, "2019-03-04", 7, 0, 0);
        city(&x, &x.c, "2019-03-05", 7, 1, 1);
        city(&x, &x.c, "2019-03-10", 7, 1, 2);
        city(&x, &x.c, "2019-04-01", 7, 3, 4);
        city(&x, &x.c, "2019-04-10", 7, 3, 3);
        city(&x, &x.c, "2019-06-01", 7, 2, 2);
        /* a district sees its own total, named after it */
        uc huli = fx_scoped(&x, "district", "350206");
        city(&x, &huli, "2019-03-10", 3, 0, 1);
        coverage_row *rows = NULL;
        size_t n = 0;
        err e;
        assert_int_equal(coverage_store_figures(&huli, "2019-03-10", COVERAGE_CITY, &rows, &n, &e), ST_OK);
        assert_string_equal(rows[0].name, "湖里区");
        assert_null(rows[0].key);
        /* an empty scope still has its line */
        uc park = fx_scoped(&x, "park", "P0000");
        assert_int_equal(coverage_store_figures(&park, "2019-03-10", COVERAGE_CITY, &rows, &n, &e), ST_OK);
        assert_int_equal(n, 1);
        assert_int_equal(rows[0].enterprises, 0);
        /* grouped: by district, in code order, named; by park with the enterprises outside parks */
        assert_int_equal(coverage_store_figures(&x.c, "2019-04-01", COVERAGE_DISTRICT, &rows, &n, &e), ST_OK);
        assert_int_equal(n, 2);
        assert_string_equal(rows[0].key, "350203");
        assert_string_equal(rows[0].name, "思明区");
        assert_int_equal(rows[0].enterprises, 4);
        assert_int_equal(rows[0].covered, 3);
        assert_int_equal(coverage_store_figures(&x.c, "2019-04-01", COVERAGE_PARK, &rows, &n, &e), ST_OK);
        assert_int_equal(n, 2);
        for (size_t i = 0; i < n; i++)
            if (!rows[i].key) assert_string_equal(rows[i].name, "（不在园区）");
            else assert_string_equal(rows[i].name, "测试园区");
        assert_int_equal(coverage_store_figures(&x.c, "2019-04-01", COVERAGE_CATEGORY, &rows, &n, &e), ST_OK);
        assert_int_equal(n, 1);
        assert_string_equal(rows[0].name, "数据");
        fx_close(&x);
    }
}

static void test_series(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        history(&x);
        const char *days[] = {"2019-03-04", "2019-03-05", "2019-03-10", "2019-04-01", "2019-04-10", "2019-06-01"};
        int64_t n[6], cv[6], wk[6];
        err e;
        assert_int_equal(coverage_store_city_series(&x.c, days, 6, n, cv, wk, &e), ST_OK);
        for (int i = 0; i < 6; i++) assert_int_equal(n[i], 7);
        int64_t want_c[] = {0, 1, 1, 3, 3, 2}, want_w[] = {0, 1, 2, 4, 3, 2};
        assert_memory_equal(cv, want_c, sizeof want_c);
        assert_memory_equal(wk, want_w, sizeof want_w);
        uc siming = fx_scoped(&x, "district", "350203");
        assert_int_equal(coverage_store_city_series(&siming, days, 6, n, cv, wk, &e), ST_OK);
        assert_int_equal(n[0], 4);
        assert_int_equal(cv[3], 3);
        assert_int_equal(wk[2], 1);   /* F's instructor is in 湖里 */
        assert_int_equal(coverage_store_city_series(&x.c, days, 0, n, cv, wk, &e), ST_OK);
        fx_close(&x);
    }
}

static void test_enterprises(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        history(&x);
        err e;
        json_t *items = NULL;
        int64_t total = 0;
        coverage_sum sum = {0};
        uc_page pg = {50, 0, NULL};
        assert_int_equal(coverage_store_enterprises(&x.c, "2019-04-01", COVERAGE_CITY, NULL, "covered", NULL, &pg, &items, &total,
                                                    &sum, &e), ST_OK);
        assert_int_equal(total, 3);
        assert_int_equal(sum.n, 7);
        assert_int_equal(sum.covered, 3);
        assert_int_equal(sum.work, 4);
        json_t *first = json_array_get(items, 0);
        assert_int_equal(json_integer_value(json_object_get(first, "id")), fx_ent(&x, 'A'));
        assert_string_equal(json_string_value(json_object_get(first, "org_name")), "中共测试甲公司支部");
        json_decref(items);
        /* a group and a combinable filter: 思明, not in a park */
        coverage_filter f = {.park = "none"};
        assert_int_equal(coverage_store_enterprises(&x.c, "2019-04-01", COVERAGE_DISTRICT, "350203", "all", &f, &pg, &items,
                                                    &total, &sum, &e), ST_OK);
        assert_int_equal(total, 1);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), fx_ent(&x, 'D'));
        json_decref(items);
        /* by name, within the caller's scope */
        coverage_filter q = {.q = "庚"};
        uc siming = fx_scoped(&x, "district", "350203");
        assert_int_equal(coverage_store_enterprises(&siming, "2019-04-01", COVERAGE_CITY, NULL, NULL, &q, &pg, &items, &total,
                                                    &sum, &e), ST_OK);
        assert_int_equal(total, 0);
        json_decref(items);
        assert_int_equal(coverage_store_enterprises(&x.c, "2019-04-01", COVERAGE_CITY, NULL, "work_uncovered", &q, &pg, &items,
                                                    &total, &sum, &e), ST_OK);
        assert_int_equal(total, 1);
        json_decref(items);
        /* paging and order */
        uc_page two = {2, 1, "q.name DESC, q.id"};
        assert_int_equal(coverage_store_enterprises(&x.c, "2019-04-01", COVERAGE_CITY, NULL, "all", NULL, &two, &items, &total,
                                                    NULL, &e), ST_OK);
        assert_int_equal(total, 7);
        assert_int_equal(json_array_size(items), 2);
        json_decref(items);
        assert_int_equal(coverage_store_enterprises(&x.c, "2019-04-01", COVERAGE_CITY, NULL, "bogus", NULL, &pg, &items, &total,
                                                    NULL, &e), ST_INVALID);
        assert_string_equal(e.field, "state");
        fx_close(&x);
    }
}

static void test_enterprise_history(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        history(&x);
        err e;
        json_t *o = NULL;
        assert_int_equal(coverage_store_enterprise(&x.c, fx_ent(&x, 'B'), &o, &e), ST_OK);
        json_t *covers = json_object_get(o, "covers");
        assert_int_equal(json_array_size(covers), 1);
        assert_string_equal(json_string_value(json_object_get(json_array_get(covers, 0), "to_day")), "2019-06-01");
        assert_int_equal(json_array_size(json_object_get(o, "events")), 2);   /* added, removed */
        json_decref(o);
        assert_int_equal(coverage_store_enterprise(&x.c, fx_ent(&x, 'F'), &o, &e), ST_OK);
        assert_int_equal(json_array_size(json_object_get(o, "instructors")), 1);
        json_decref(o);
        assert_int_equal(coverage_store_enterprise(&x.c, 999999999, &o, &e), ST_NOT_FOUND);
        fx_close(&x);
    }
}

/* The as-of day: the whole city's latest change, whoever asks (issue 21: one day for every page and scope). */
static void test_asof(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        char day[11];
        assert_int_equal(coverage_store_asof(&x.c, "2026-12-07", day, &e), ST_OK);
        assert_string_equal(day, "2026-12-07");           /* no change ever: today */
        history(&x);
        assert_int_equal(coverage_store_asof(&x.c, "2026-12-07", day, &e), ST_OK);
        assert_string_equal(day, "2019-06-10");           /* the end of the 旬 of the last change (2019-06-01) */
        uc huli = fx_scoped(&x, "district", "350206");
        assert_int_equal(coverage_store_asof(&huli, "2026-12-07", day, &e), ST_OK);
        assert_string_equal(day, "2019-06-10");           /* the same for a district */
        assert_int_equal(coverage_store_asof(&x.c, "2019-06-05", day, &e), ST_OK);
        assert_string_equal(day, "2019-06-05");           /* live */
        fx_close(&x);
    }
}

/* ---- the kept figures (covkept.h) against the raw tables ---- */

typedef struct diff_log {
    int n;
    char first[512];
} diff_log;

static void diff_seen(void *arg, const char *day, const char *group, const coverage_sum *raw, const coverage_sum *kept) {
    diff_log *l = arg;
    if (!l->n++)
        snprintf(l->first, sizeof l->first, "%s %s: raw %lld/%lld/%lld kept %lld/%lld/%lld", day, group, (long long)raw->n,
                 (long long)raw->covered, (long long)raw->work, (long long)kept->n, (long long)kept->covered, (long long)kept->work);
}

/* The kept figures agree with the raw tables on every day (after `what`). */
static void agrees(fx *x, const char *what) {
    diff_log l = {0};
    int64_t days = 0, diffs = 0;
    err e;
    if (coverage_store_verify(&x->c, diff_seen, &l, &days, &diffs, &e)) fail_msg("verify after %s: %s", what, e.msg);
    if (diffs) fail_msg("after %s: %lld differences over %lld days, first %s", what, (long long)diffs, (long long)days, l.first);
    assert_true(days >= 1);
}

static void must(st s, const char *what, const err *e) {
    if (s) fail_msg("%s: %s", what, e->msg);
}

static void test_kept(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        agrees(&x, "the fixture");
        history(&x);
        agrees(&x, "the history (covers, a joint branch, an uncover, an instructor)");
        int64_t E = fx_ent(&x, 'E'), G = fx_ent(&x, 'G'), eo = 0, gorg = 0, aorg = 0;
        /* a cover */
        org_new oe = {.name = "中共测试戊公司支部", .kind = "党支部", .day = "2019-07-01", .enterprises = &E, .n_enterprises = 1};
        must(org_store_create(&x.c, &oe, &eo, &e), "create", &e);
        agrees(&x, "a new branch");
        /* a dissolution: A's branch */
        must(db_query_int(x.d, &aorg, "SELECT id FROM org WHERE name = '中共测试甲公司支部'", &e, ""), "find", &e);
        must(org_store_dissolve(&x.c, aorg, "2019-09-01", "测试撤销", &e), "dissolve", &e);
        agrees(&x, "a dissolution");
        /* an enterprise's state: E closes, its cover ends */
        must(register_store_close(&x.c, E, "2019-10-01", "测试注销", 0, &e), "close", &e);
        agrees(&x, "a closed enterprise");
        /* back-dated: a branch for G from before everything, F moved to another district in its instructor's time */
        org_new og = {.name = "中共测试庚公司支部", .kind = "党支部", .day = "2019-01-15", .enterprises = &G, .n_enterprises = 1};
        must(org_store_create(&x.c, &og, &gorg, &e), "back-dated create", &e);
        agrees(&x, "a back-dated branch");
        register_ent_in mv = {.district_code = "350203", .employees = -1, .members = -1, .day = "2019-03-20"};
        must(register_store_edit(&x.c, fx_ent(&x, 'F'), &mv, &e), "move", &e);
        agrees(&x, "a back-dated move");
        register_ent_in cat = {.category = "金融", .employees = -1, .members = -1, .day = "2019-05-05"};
        must(register_store_edit(&x.c, fx_ent(&x, 'C'), &cat, &e), "category", &e);
        agrees(&x, "a new category");
        /* a merge: B into C, with B's covers */
        must(register_store_merge(&x.c, fx_ent(&x, 'B'), fx_ent(&x, 'C'), "2019-11-01", "测试合并", &e), "merge", &e);
        agrees(&x, "a merge");
        /* a new enterprise of the register, from its day */
        register_ent_in ne = {.name = "测试新公司", .district_code = "350206", .category = "数据", .employees = 10, .members = 1,
                              .day = "2019-08-08"};
        int64_t nid = 0;
        must(register_store_create(&x.c, &ne, &nid, &e), "register", &e);
        agrees(&x, "a new enterprise");

        /* a wrong kept row is found, with the day and group it is on */
        fx_exec(&x, "UPDATE coverage_cum SET covered = covered + 1 WHERE day = (SELECT MAX(day) FROM coverage_cum)");
        diff_log l = {0};
        int64_t days = 0, diffs = 0;
        assert_int_equal(coverage_store_verify(&x.c, diff_seen, &l, &days, &diffs, &e), ST_OK);
        assert_true(diffs >= 1);
        assert_non_null(strstr(l.first, "kept"));
        /* stale: the figures are counted from the raw tables meanwhile, the check refuses, the start rebuilds */
        coverage_row *rows = NULL;
        size_t n = 0;
        must(covkept_store_mark_stale(x.d, &e), "mark", &e);
        assert_int_equal(coverage_store_verify(&x.c, NULL, NULL, &days, &diffs, &e), ST_CONFLICT);
        must(coverage_store_figures(&x.c, "2019-06-01", COVERAGE_CITY, &rows, &n, &e), "figures", &e);
        coverage_row raw = rows[0];
        int64_t groups = 0;
        must(covkept_store_upgrade(x.d, &groups, &e), "upgrade", &e);
        assert_true(groups > 0);
        agrees(&x, "the rebuild");
        must(coverage_store_figures(&x.c, "2019-06-01", COVERAGE_CITY, &rows, &n, &e), "figures", &e);
        assert_int_equal(rows[0].enterprises, raw.enterprises);
        assert_int_equal(rows[0].covered, raw.covered);
        assert_int_equal(rows[0].work, raw.work);
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_figures),
        cmocka_unit_test(test_series),
        cmocka_unit_test(test_enterprises),
        cmocka_unit_test(test_enterprise_history),
        cmocka_unit_test(test_asof),
        cmocka_unit_test(test_kept),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
