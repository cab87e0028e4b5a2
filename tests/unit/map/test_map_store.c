/* Unit tests for the map's store (src/map/map_store.c) on SQLite and, when
 * EJIA_TEST_PG_URL is set, PostgreSQL: an enterprise without a coordinate is
 * placed at its district's centroid and says so (source centroid, approx);
 * the form sets a 'form' coordinate (audited, bounds checked, unknown
 * enterprise refused); a ledger import's 经度/纬度 give 'ledger' coordinates
 * by credit code, never over a form's, and only inside the caller's scope;
 * the places of a district's scope are its own; the centroids are the ones
 * the shipped map data gives (web/src/assets/map/xiamen-districts.json). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "ledger/code.h"
#include "ledger/import.h"
#include "ledger/table.h"
#include "map/map.h"
#include "org/org_fixture.h"

/* A valid credit code for district 350203 from an 8-character body. */
static void make_uscc(const char *body8, char out[19]) {
    char org[10], want = 0;
    snprintf(org, sizeof org, "%s0", body8);
    code_org_check(org, 9, &want);
    snprintf(out, 19, "91350203%s%c0", body8, want);
    int bad = 0;
    code_uscc_check(out, 18, &want, &bad);
    out[17] = want;
}

static int64_t count(fx *x, const char *sql) {
    int64_t n = -1;
    err e;
    if (db_query_int(x->d, &n, sql, &e, "")) fail_msg("%s: %s", sql, e.msg);
    return n;
}

static json_t *coord(uc *c, int64_t id) {
    json_t *o = NULL;
    err e;
    if (map_store_coord_get(c, id, &o, &e)) fail_msg("coord %lld: %s", (long long)id, e.msg);
    return o;
}

static void test_centroids_match_the_map_data(void **state) {
    (void)state;
    json_error_t je;
    json_t *doc = json_load_file("web/src/assets/map/xiamen-districts.json", 0, &je);
    assert_non_null(doc);
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        json_t *cents = NULL;
        err e;
        assert_int_equal(map_store_centroids(&x.c, &cents, &e), ST_OK);
        assert_int_equal(json_array_size(cents), 6);
        size_t i;
        json_t *f;
        json_array_foreach(json_object_get(doc, "features"), i, f) {
            const char *code = json_string_value(json_object_get(json_object_get(f, "properties"), "code"));
            json_t *c = json_object_get(json_object_get(f, "properties"), "centroid");
            int found = 0;
            size_t k;
            json_t *r;
            json_array_foreach(cents, k, r) if (!strcmp(json_string_value(json_object_get(r, "region_code")), code)) {
                found = 1;
                assert_int_equal(json_integer_value(json_object_get(r, "lng_e6")), llround(json_number_value(json_array_get(c, 0)) * 1e6));
                assert_int_equal(json_integer_value(json_object_get(r, "lat_e6")), llround(json_number_value(json_array_get(c, 1)) * 1e6));
            }
            assert_true(found);
        }
        json_decref(cents);
        fx_close(&x);
    }
    json_decref(doc);
}

static void test_sources(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        int64_t a = fx_ent(&x, 'A'), d = fx_ent(&x, 'D'), ee = fx_ent(&x, 'E');
        /* no coordinate: the district's centroid, approximate */
        json_t *o = coord(&x.c, a);
        assert_string_equal(json_string_value(json_object_get(o, "source")), "centroid");
        assert_true(json_is_true(json_object_get(o, "approx")));
        assert_string_equal(json_string_value(json_object_get(o, "region_code")), "350203");
        assert_int_equal(json_integer_value(json_object_get(o, "lng_e6")), 118134250);
        json_decref(o);
        /* the form */
        int64_t n0 = count(&x, "SELECT COUNT(*) FROM audit WHERE action = 'map.coord.set'");
        assert_int_equal(map_store_coord_set(&x.c, a, 118179500, 24490500, &e), ST_OK);
        assert_int_equal(count(&x, "SELECT COUNT(*) FROM audit WHERE action = 'map.coord.set'"), n0 + 1);
        o = coord(&x.c, a);
        assert_string_equal(json_string_value(json_object_get(o, "source")), "form");
        assert_false(json_is_true(json_object_get(o, "approx")));
        assert_true(json_is_null(json_object_get(o, "region_code")));
        assert_int_equal(json_integer_value(json_object_get(o, "lat_e6")), 24490500);
        json_decref(o);
        assert_int_equal(map_store_coord_set(&x.c, a, 120000000, 24490500, &e), ST_INVALID);
        assert_string_equal(e.field, "lng");
        assert_int_equal(map_store_coord_set(&x.c, 99999999, 118179500, 24490500, &e), ST_NOT_FOUND);
        assert_int_equal(count(&x, "SELECT COUNT(*) FROM audit WHERE action = 'map.coord.set'"), n0 + 1);

        /* a ledger with 经度/纬度: A (form kept), D (given), E (another district: outside 思明's scope) */
        char ua[19], ud[19], ue[19];
        make_uscc("MA2Y0A01", ua), make_uscc("MA2Y0D01", ud), make_uscc("MA2Y0E01", ue);
        db_run(x.d, "UPDATE enterprise SET uscc = $1 WHERE id = $2", &e, "ti", ua, a);
        db_run(x.d, "UPDATE enterprise SET uscc = $1 WHERE id = $2", &e, "ti", ud, d);
        db_run(x.d, "UPDATE enterprise SET uscc = $1 WHERE id = $2", &e, "ti", ue, ee);
        char csv[1024];
        snprintf(csv, sizeof csv,
                 "企业名称,统一社会信用代码,经度,纬度\n测试甲公司,%s,118.100000,24.450000\n测试丁公司,%s,118.101000,24.451000\n"
                 "测试戊公司,%s,118.140000,24.520000\n测试外地公司%lld,%s,116.0,24.45\n",
                 ua, ud, ue, (long long)time(NULL) * 10 + u, ud);
        ledger_table *t = NULL;
        ledger_read_opts ro = {0};
        assert_int_equal(ledger_table_read_mem("坐标.csv", csv, strlen(csv), &ro, &t, &e), ST_OK);
        ledger_import_in in = {.t = t, .file_size = strlen(csv)};
        int64_t imp = 0;
        if (ledger_import_store_add(&x.c, &in, &imp, &e)) fail_msg("import: %s", e.msg);
        ledger_table_free(t);
        uc siming = fx_scoped(&x, "district", "350203");
        int64_t n = -1;
        assert_int_equal(map_store_from_ledger(&siming, imp, &n, &e), ST_OK);
        /* D only: A has the form's, E is not 思明's, the last row of D (outside the city) is not taken */
        assert_int_equal(n, 1);
        o = coord(&x.c, d);
        assert_string_equal(json_string_value(json_object_get(o, "source")), "ledger");
        assert_int_equal(json_integer_value(json_object_get(o, "lng_e6")), 118101000);
        assert_int_equal(json_integer_value(json_object_get(o, "ledger_import_id")), imp);
        assert_int_equal(json_integer_value(json_object_get(o, "ledger_row")), 3);
        json_decref(o);
        o = coord(&x.c, a);
        assert_string_equal(json_string_value(json_object_get(o, "source")), "form");
        json_decref(o);
        o = coord(&x.c, ee);
        assert_string_equal(json_string_value(json_object_get(o, "source")), "centroid");
        assert_string_equal(json_string_value(json_object_get(o, "region_code")), "350206");
        json_decref(o);
        /* the city's turn: E now; A still the form's */
        assert_int_equal(map_store_from_ledger(&x.c, imp, &n, &e), ST_OK);
        assert_int_equal(n, 2);   /* D again (same values) and E */
        o = coord(&x.c, ee);
        assert_string_equal(json_string_value(json_object_get(o, "source")), "ledger");
        json_decref(o);
        assert_int_equal(map_store_from_ledger(&x.c, 99999999, &n, &e), ST_NOT_FOUND);

        /* places: 思明's scope holds 思明's enterprises only (the zombie too: the coverage list leaves it out) */
        json_t *pl = NULL;
        assert_int_equal(map_store_places(&siming, &pl, &e), ST_OK);
        const char *k;
        json_t *v;
        json_object_foreach(pl, k, v) {
            int64_t id = strtoll(k, NULL, 10);
            assert_true(id != ee && id != fx_ent(&x, 'F') && id != fx_ent(&x, 'G'));
        }
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)d);
        assert_string_equal(json_string_value(json_array_get(json_object_get(pl, key), 2)), "ledger");
        snprintf(key, sizeof key, "%lld", (long long)fx_ent(&x, 'B'));
        assert_string_equal(json_string_value(json_array_get(json_object_get(pl, key), 2)), "centroid");
        json_decref(pl);
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_centroids_match_the_map_data),
        cmocka_unit_test(test_sources),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
