/* Unit tests for the map's rules (src/map/map.c, pure): degrees parsed to
 * millionths (rounding, signs, °, refusals naming the field), the city's
 * bounds (with the swapped-axes hint), an organization's place as the mean of
 * its enterprises' (approximate when any is a centroid), the three sources;
 * and the ledger reader's 经度/纬度 columns (ledger_degrees_e6, the header
 * words, the cleaned value and the warning for a cell that is no number). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/config.h"
#include "ledger/table.h"
#include "map/map.h"

static void test_degrees(void **state) {
    (void)state;
    int64_t v = 0;
    err e;
    assert_int_equal(map_degrees_parse("118.089123", "经度", &v, &e), ST_OK);
    assert_int_equal(v, 118089123);
    assert_int_equal(map_degrees_parse(" 24.48°", "纬度", &v, &e), ST_OK);
    assert_int_equal(v, 24480000);
    assert_int_equal(map_degrees_parse("118.0891235", "经度", &v, &e), ST_OK);   /* rounded half up */
    assert_int_equal(v, 118089124);
    assert_int_equal(map_degrees_parse("-0.5", "经度", &v, &e), ST_OK);
    assert_int_equal(v, -500000);
    assert_int_equal(map_degrees_parse("东经118", "经度", &v, &e), ST_INVALID);
    assert_string_equal(e.field, "经度");
    assert_non_null(strstr(e.msg, "不是以度为单位的数字"));
    assert_int_equal(map_degrees_parse("", "纬度", &v, &e), ST_INVALID);
    assert_int_equal(map_degrees_parse("24.4.8", "纬度", &v, &e), ST_INVALID);
    assert_int_equal(map_degrees_from_double(118.0912, "lng", &v, &e), ST_OK);
    assert_int_equal(v, 118091200);
    char t[24];
    map_e6_text(-24480001, t);
    assert_string_equal(t, "-24.480001");
}

static void test_bounds(void **state) {
    (void)state;
    err e;
    assert_int_equal(map_bounds_check(118089123, 24479834, &e), ST_OK);
    assert_int_equal(map_bounds_check(24479834, 118089123, &e), ST_INVALID);   /* swapped */
    assert_string_equal(e.field, "lng");
    assert_non_null(strstr(e.msg, "填反"));
    assert_int_equal(map_bounds_check(118089123, 25500000, &e), ST_INVALID);
    assert_string_equal(e.field, "lat");
}

static void test_mean_and_sources(void **state) {
    (void)state;
    map_mean m = {0};
    int64_t x = 0, y = 0;
    assert_false(map_mean_get(&m, &x, &y));
    map_mean_add(&m, 118000000, 24000000, false);
    map_mean_add(&m, 118000001, 24000002, false);
    assert_true(map_mean_get(&m, &x, &y));
    assert_int_equal(x, 118000001);   /* 118000000.5 rounded half away from zero */
    assert_int_equal(y, 24000001);
    assert_false(m.approx);
    map_mean_add(&m, 118000002, 24000000, true);
    assert_true(m.approx);
    assert_true(map_source_known("ledger") && map_source_known("form") && map_source_known("centroid"));
    assert_false(map_source_known("geocoded"));
    assert_true(map_source_approx("centroid"));
    assert_false(map_source_approx("form"));
}

static void test_ledger_columns(void **state) {
    (void)state;
    int64_t v = 0;
    assert_true(ledger_degrees_e6("118.123456°", &v));
    assert_int_equal(v, 118123456);
    assert_true(ledger_degrees_e6("24.5度", &v));
    assert_int_equal(v, 24500000);
    assert_false(ledger_degrees_e6("东经", &v));
    assert_int_equal(ledger_field_by_name("经度"), LF_LNG);
    assert_int_equal(ledger_field_by_name("lat"), LF_LAT);
    const char *csv = "企业名称,统一社会信用代码,经度,纬度\n甲公司,,118.1234567,24.5\n乙公司,,东经,24.5\n";
    ledger_table *t = NULL;
    ledger_read_opts o = {0};
    err e;
    assert_int_equal(ledger_table_read_mem("坐标.csv", csv, strlen(csv), &o, &t, &e), ST_OK);
    assert_int_equal(t->col_field[2], LF_LNG);
    assert_int_equal(t->col_field[3], LF_LAT);
    assert_string_equal(t->rows[0].val[LF_LNG], "118.123457");
    assert_string_equal(t->rows[0].val[LF_LAT], "24.500000");
    assert_null(t->rows[1].val[LF_LNG]);
    int warned = 0;
    for (int i = 0; i < t->nproblems; i++)
        if (t->problems[i].row == 2 && strstr(t->problems[i].msg, "经度“东经”不是以度为单位的小数")) warned = 1;
    assert_true(warned);
    ledger_table_free(t);
}

static int setup(void **state) {
    (void)state;
    err e;
    int argc = 1;
    char *argv[] = {"test", NULL};
    return cfg_load(&argc, argv, &e) ? -1 : 0;
}
static int teardown(void **state) {
    (void)state;
    cfg_free();
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_degrees),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_mean_and_sources),
        cmocka_unit_test(test_ledger_columns),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
