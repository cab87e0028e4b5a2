/* Unit tests for the star ratings' and benefits' store
 * (src/stars/stars_store.c, benefit_store.c) on SQLite and, when
 * EJIA_TEST_PG_URL is set, PostgreSQL: opening last year proposes a row per
 * organization that owes meetings with the figures of the owning stores;
 * organizations with equal figures get equal stars; each district confirms
 * its own organizations only, the rating is confirmed when all are, then
 * the city publishes it; a published year does not move when the data and
 * the settings change; an organization's level is the latest published;
 * the allocation orders equal stars and points by the time of application
 * and equal times by the application's id, with each one's reason; one
 * audit row per act. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "stars/stars_store.h"
#include "org/org_store.h"
#include "org/org_fixture.h"
#include "meeting/meeting_fixture.h"

static int setup(void **state) {
    fx_setup(state);
    return mfx_clock_setup("starstest");
}

static int teardown(void **state) {
    mfx_clock_done();
    return fx_teardown(state);
}

static int64_t branch(fx *x, const char *name, char ent) {
    int64_t e0 = fx_ent(x, ent), id = 0;
    org_new o = {.name = name, .kind = "党支部", .day = "2018-01-02", .enterprises = &e0, .n_enterprises = 1, .approved = true};
    err e;
    if (org_store_create(&x->c, &o, &id, &e)) fail_msg("org %s: %s", name, e.msg);
    return id;
}

static json_t *row_of(json_t *a, int64_t org) {
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(a, "rows"), i, r) if (json_integer_value(json_object_get(r, "org_id")) == org) return r;
    return NULL;
}

static json_t *get(uc *c, int64_t id) {
    json_t *a = NULL;
    err e;
    if (stars_store_get(c, id, &a, &e)) fail_msg("get: %s", e.msg);
    return a;
}

static char *snap(fx *x, int64_t org) {
    char *t = NULL;
    err e;
    if (db_query_text(x->d, &t, "SELECT CAST(stars AS TEXT) || ' ' || CAST(total AS TEXT) || ' ' || figures FROM star_row WHERE org_id = $1", &e,
                      "i", org))
        fail_msg("%s", e.msg);
    return t;
}

static void test_rating(void **state) {
    (void)state;
    int year = atoi(mfx_today()) - 1;
    char period[16];
    snprintf(period, sizeof period, "%d", year);
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        int64_t a = branch(&x, "中共测试甲公司支部", 'A'), b = branch(&x, "中共测试乙公司支部", 'B'), g = branch(&x, "中共测试戊公司支部", 'E');
        int64_t before = fx_audit_rows(&x), id = 0;
        err e;
        /* only the city opens */
        uc dist = fx_scoped(&x, "district", "350203"), hl = fx_scoped(&x, "district", "350206"), org = fx_scoped(&x, "org", arena_printf(&x.mem, "%lld", (long long)a));
        assert_int_equal(stars_store_open(&dist, period, NULL, &id, &e), ST_CONFLICT);
        assert_int_equal(stars_store_open(&x.c, "2025-Q1", NULL, &id, &e), ST_INVALID);   /* a quarter while star-period is year */
        assert_string_equal(e.field, "period");
        assert_int_equal(fx_audit_rows(&x) - before, 0);
        assert_int_equal(stars_store_open(&x.c, period, "测试", &id, &e), ST_OK);
        assert_int_equal(fx_audit_rows(&x) - before, 1);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "star.open star_rating:%lld", (long long)id));
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM star_row"), 3);
        json_t *r = get(&x.c, id);
        assert_string_equal(json_string_value(json_object_get(r, "state")), "draft");
        assert_int_equal(json_array_size(json_object_get(r, "criteria")), 5);
        assert_int_equal(json_array_size(json_object_get(r, "thresholds")), 5);
        json_t *ra = row_of(r, a), *rb = row_of(r, b);
        assert_non_null(ra);
        /* the figures behind the stars: points available (0 of the base), coverage never for one organization */
        json_t *f;
        size_t i;
        int seen = 0;
        json_array_foreach(json_object_get(ra, "figures"), i, f) {
            const char *k = json_string_value(json_object_get(f, "key"));
            if (!strcmp(k, "points")) {
                assert_true(json_is_true(json_object_get(f, "available")));
                assert_int_equal(json_integer_value(json_object_get(f, "num")), 0);
                assert_int_equal(json_integer_value(json_object_get(f, "den")), 100 * 100);
                seen++;
            }
            if (!strcmp(k, "coverage")) {
                assert_false(json_is_true(json_object_get(f, "available")));
                assert_non_null(json_string_value(json_object_get(f, "reason")));
                seen++;
            }
        }
        assert_int_equal(seen, 2);
        /* ties: A and B have the same figures — the same total, the same stars */
        assert_true(json_equal(json_object_get(ra, "total"), json_object_get(rb, "total")));
        assert_int_equal(json_integer_value(json_object_get(ra, "stars")), json_integer_value(json_object_get(rb, "stars")));
        assert_true(json_integer_value(json_object_get(ra, "stars")) >= 1);
        json_decref(r);
        /* an organization sees nothing before publication */
        json_t *items = NULL;
        assert_int_equal(stars_store_list(&org, &items, &e), ST_OK);
        assert_int_equal(json_array_size(items), 0);
        json_decref(items);
        assert_int_equal(stars_store_get(&org, id, &r, &e), ST_NOT_FOUND);
        /* a district sees and confirms its own organizations only */
        r = get(&dist, id);
        assert_int_equal(json_array_size(json_object_get(r, "rows")), 2);
        assert_null(row_of(r, g));
        json_decref(r);
        int64_t n = 0;
        before = fx_audit_rows(&x);
        assert_int_equal(stars_store_confirm(&dist, id, &n, &e), ST_OK);
        assert_int_equal(n, 2);
        assert_int_equal(fx_audit_rows(&x) - before, 1);
        assert_int_equal(stars_store_confirm(&dist, id, &n, &e), ST_CONFLICT);   /* nothing left in its scope */
        /* confirmed rows: no recompute; not all confirmed: no publication */
        assert_int_equal(stars_store_recompute(&x.c, id, &e), ST_CONFLICT);
        assert_int_equal(stars_store_publish(&x.c, id, &e), ST_CONFLICT);
        assert_int_equal(stars_store_confirm(&hl, id, &n, &e), ST_OK);
        assert_int_equal(n, 1);
        r = get(&x.c, id);
        assert_string_equal(json_string_value(json_object_get(r, "state")), "confirmed");
        json_decref(r);
        assert_int_equal(stars_store_publish(&dist, id, &e), ST_CONFLICT);
        char *was = snap(&x, a);
        assert_int_equal(stars_store_publish(&x.c, id, &e), ST_OK);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "star.publish star_rating:%lld", (long long)id));
        /* the data and the settings change: the published year stays as it was */
        branch(&x, "中共测试丙公司支部", 'C');
        assert_int_equal(cfg_set("star-min-2", "1", &e), ST_OK);
        assert_int_equal(cfg_set("star-weight-points", "90", &e), ST_OK);
        assert_int_equal(stars_store_recompute(&x.c, id, &e), ST_CONFLICT);
        char *now = snap(&x, a);
        assert_string_equal(now, was);
        free(now);
        free(was);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM star_row"), 3);
        /* the level other modules read, and the organization's page */
        int level = -1;
        char p[16];
        assert_int_equal(stars_store_org_level(&x.c, a, &level, p, &e), ST_OK);
        assert_true(level >= 1 && level <= 5);
        assert_string_equal(p, period);
        int64_t c3 = fx_count(&x, "SELECT MAX(id) FROM org");
        assert_int_equal(stars_store_org_level(&x.c, c3, &level, p, &e), ST_OK);
        assert_int_equal(level, 0);
        assert_string_equal(p, "");
        r = get(&org, id);
        assert_int_equal(json_array_size(json_object_get(r, "rows")), 1);
        json_decref(r);
        assert_int_equal(stars_store_org(&x.c, a, &r, &e), ST_OK);
        assert_int_equal(json_array_size(json_object_get(r, "history")), 1);
        assert_string_equal(json_string_value(json_object_get(r, "period")), period);
        json_decref(r);
        assert_int_equal(stars_store_rows(&x.c, id, &items, &e), ST_OK);
        assert_int_equal(json_array_size(items), 3);
        assert_non_null(json_object_get(json_array_get(items, 0), "life"));
        json_decref(items);
        /* the same period again: refused */
        int64_t other = 0;
        assert_int_equal(stars_store_open(&x.c, period, NULL, &other, &e), ST_CONFLICT);
        assert_int_equal(cfg_set("star-min-2", "40", &e), ST_OK);
        assert_int_equal(cfg_set("star-weight-points", "10", &e), ST_OK);
        fx_close(&x);
    }
}

static json_t *app_row(json_t *alloc, int64_t app) {
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(alloc, "rows"), i, r) if (json_integer_value(json_object_get(r, "id")) == app) return r;
    return NULL;
}

static void test_allocation(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        int64_t a = branch(&x, "中共测试甲公司支部", 'A'), b = branch(&x, "中共测试乙公司支部", 'B');
        err e;
        stars_benefit bn = {"党群服务中心场地使用", "venue", "市党群服务中心", "每季度可预约一次", 1, "year", "both", true};
        int64_t ben = 0, x1 = 0, x2 = 0, al = 0;
        uc org = fx_scoped(&x, "org", arena_printf(&x.mem, "%lld", (long long)a));
        assert_int_equal(stars_store_benefit_save(&x.c, 0, &bn, &ben, &e), ST_OK);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "benefit.add benefit:%lld", (long long)ben));
        bn.quota = 0;
        assert_int_equal(stars_store_benefit_save(&x.c, ben, &bn, &x1, &e), ST_INVALID);
        assert_string_equal(e.field, "quota");
        assert_int_equal(stars_store_apply(&org, ben, a, "申请", &x1, &e), ST_OK);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "benefit.apply benefit_app:%lld", (long long)x1));
        assert_int_equal(stars_store_apply(&org, ben, b, NULL, &x2, &e), ST_FORBIDDEN);   /* B is not in A's scope */
        assert_int_equal(stars_store_apply(&x.c, ben, b, NULL, &x2, &e), ST_OK);
        assert_int_equal(stars_store_apply(&org, ben, a, NULL, &al, &e), ST_CONFLICT);   /* once a period */
        /* equal stars (none published) and points (none): the earlier application first */
        fx_exec(&x, arena_printf(&x.mem, "UPDATE benefit_app SET applied_at = 2000 WHERE id = %lld", (long long)x1));
        fx_exec(&x, arena_printf(&x.mem, "UPDATE benefit_app SET applied_at = 1000 WHERE id = %lld", (long long)x2));
        int64_t before = fx_audit_rows(&x);
        assert_int_equal(stars_store_allocate(&x.c, ben, NULL, &al, &e), ST_OK);
        assert_int_equal(fx_audit_rows(&x) - before, 1);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "benefit.allocate benefit:%lld", (long long)ben));
        json_t *o = NULL;
        assert_int_equal(stars_store_allocation(&x.c, ben, NULL, &o, &e), ST_OK);
        json_t *r1 = app_row(o, x1), *r2 = app_row(o, x2);
        assert_int_equal(json_integer_value(json_object_get(r2, "rank")), 1);
        assert_int_equal(json_integer_value(json_object_get(r2, "within")), 1);
        assert_int_equal(json_integer_value(json_object_get(r1, "rank")), 2);
        assert_string_equal(json_string_value(json_object_get(r1, "result")), "未在名额内");
        const char *why = json_string_value(json_object_get(r1, "reason"));
        assert_non_null(strstr(why, "尚无已发布的星级"));
        assert_non_null(strstr(why, "排第 2 名"));
        assert_non_null(strstr(why, "星级→积分→申请时间→申请编号"));
        json_decref(o);
        /* equal in all three: the application stored first (the lower id) */
        fx_exec(&x, arena_printf(&x.mem, "UPDATE benefit_app SET applied_at = 1000 WHERE id = %lld", (long long)x1));
        assert_int_equal(stars_store_allocate(&x.c, ben, NULL, &al, &e), ST_OK);
        assert_int_equal(stars_store_allocation(&x.c, ben, NULL, &o, &e), ST_OK);
        assert_int_equal(json_integer_value(json_object_get(app_row(o, x1), "rank")), x1 < x2 ? 1 : 2);
        assert_int_equal(json_integer_value(json_object_get(o, "id")), al);   /* the latest run is shown */
        json_decref(o);
        /* the organization sees its own application only */
        assert_int_equal(stars_store_allocation(&org, ben, NULL, &o, &e), ST_OK);
        assert_int_equal(json_array_size(json_object_get(o, "rows")), 1);
        json_decref(o);
        /* withdrawn: not in the next run; a benefit without applications: nothing to allocate */
        assert_int_equal(stars_store_withdraw(&x.c, x2, &e), ST_OK);
        assert_int_equal(stars_store_withdraw(&x.c, x2, &e), ST_CONFLICT);
        assert_int_equal(stars_store_allocate(&x.c, ben, NULL, &al, &e), ST_OK);
        assert_int_equal(fx_count(&x, arena_printf(&x.mem, "SELECT COUNT(*) FROM benefit_alloc_row WHERE alloc_id = %lld", (long long)al)), 1);
        /* a bad order setting: refused naming it */
        assert_int_equal(cfg_set("benefit-order", "stars,time", &e), ST_OK);
        assert_int_equal(stars_store_allocate(&x.c, ben, NULL, &al, &e), ST_INVALID);
        assert_string_equal(e.field, "benefit-order");
        assert_int_equal(cfg_set("benefit-order", "stars,points,time", &e), ST_OK);
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rating),
        cmocka_unit_test(test_allocation),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
