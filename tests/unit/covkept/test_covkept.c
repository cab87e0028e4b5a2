/* Unit tests for the kept coverage's pure part (src/covkept/covkept.c): one
 * enterprise's timeline of deltas (covers overlapping, an instructor, a move,
 * a stay in the register, a zombie), merging deltas, days as integers, and
 * the rebuild's accumulator turning deltas into running rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "covkept/covkept.h"

static void expect(const covkept_delta *d, const char *day, const char *district, int64_t n, int64_t cv, int64_t wk) {
    assert_string_equal(d->day, day);
    assert_string_equal(d->key.district, district);
    assert_int_equal(d->n, n);
    assert_int_equal(d->covered, cv);
    assert_int_equal(d->work, wk);
}

static void test_timeline(void **state) {
    (void)state;
    /* in the register from 2019-01-10 to 2019-12-01; two covers overlapping (one coverage), an instructor inside them,
     * and a move from 350206 to 350203 on 2019-06-01 */
    covkept_span cv[2] = {{"2019-02-01", "2019-05-01"}, {"2019-04-01", NULL}};
    covkept_span in[1] = {{"2019-03-01", "2019-03-15"}};
    covkept_place pl[1] = {{NULL, "2019-06-01", "350206", NULL, NULL}};
    covkept_ent x = {.reg_from = "2019-01-10", .reg_to = "2019-12-01", .district = "350203", .category = "数据",
                     .places = pl, .nplaces = 1, .covers = cv, .ncovers = 2, .instr = in, .ninstr = 1};
    covkept_delta d[64];
    assert_true(covkept_timeline_max(&x) <= 64);
    size_t n = covkept_timeline(&x, d);
    assert_int_equal(n, 5);
    expect(&d[0], "2019-01-10", "350206", 1, 0, 0);     /* enters, where it was then */
    expect(&d[1], "2019-02-01", "350206", 0, 1, 1);     /* covered; the instructor adds nothing, the second cover neither */
    expect(&d[2], "2019-06-01", "350206", -1, -1, -1);  /* moves: leaves one district ... */
    expect(&d[3], "2019-06-01", "350203", 1, 1, 1);     /* ... for the other, still covered */
    expect(&d[4], "2019-12-01", "350203", -1, -1, -1);  /* leaves the register */
    assert_string_equal(d[0].key.park, "");
    assert_string_equal(d[0].key.category, "数据");
    /* an instructor alone is work coverage; a campaign enterprise counts from the start */
    covkept_ent y = {.district = "350203", .instr = in, .ninstr = 1};
    n = covkept_timeline(&y, d);
    assert_int_equal(n, 3);
    expect(&d[0], COVKEPT_START, "350203", 1, 0, 0);
    expect(&d[1], "2019-03-01", "350203", 0, 0, 1);
    expect(&d[2], "2019-03-15", "350203", 0, 0, -1);
    /* a zombie counts nowhere */
    y.zombie = true;
    assert_int_equal(covkept_timeline(&y, d), 0);
}

static void test_merge(void **state) {
    (void)state;
    covkept_key k = {"350203", "", "", "数据"}, k2 = {"350206", "", "", "数据"};
    covkept_delta d[4] = {{"2019-02-01", k, 0, 1, 1}, {"2019-01-01", k2, 1, 0, 0}, {"2019-02-01", k, 0, -1, -1}, {"2019-01-01", k2, 1, 1, 0}};
    size_t n = covkept_merge(d, 4);
    assert_int_equal(n, 1);   /* the cover that came and went the same day is nothing */
    expect(&d[0], "2019-01-01", "350206", 2, 1, 0);
}

static void test_days(void **state) {
    (void)state;
    char s[11];
    assert_int_equal(covkept_day_int("2019-03-05"), 20190305);
    assert_int_equal(covkept_day_int(COVKEPT_START), 0);
    covkept_day_str(20190305, s);
    assert_string_equal(s, "2019-03-05");
    covkept_day_str(0, s);
    assert_string_equal(s, COVKEPT_START);
}

static void test_acc(void **state) {
    (void)state;
    covkept_acc *a = covkept_acc_new();
    assert_non_null(a);
    covkept_key k = {"350203", "P1", "", "数据"}, k2 = {"350206", "", "", "金融"};
    covkept_delta d[5] = {{COVKEPT_START, k, 1, 0, 0}, {"2019-02-01", k, 0, 1, 1}, {COVKEPT_START, k, 1, 0, 0},
                          {"2019-02-01", k2, 1, 0, 0}, {"2019-03-01", k, 0, 0, 0}};
    assert_true(covkept_acc_add(a, d, 5));
    /* many groups: the table grows */
    char names[3000][16];
    for (int i = 0; i < 3000; i++) {
        snprintf(names[i], sizeof names[i], "D%d", i);
        covkept_delta x = {"2019-05-01", {names[i], "", "", ""}, 1, 1, 1};
        assert_true(covkept_acc_add(a, &x, 1));
    }
    assert_int_equal(covkept_acc_groups(a), 3002);
    assert_string_equal(covkept_acc_group(a, 1).category, "金融");
    const covkept_row *r = NULL;
    size_t n = covkept_acc_rows(a, &r);
    assert_int_equal(n, 3 + 3000);
    /* group 0: two from the start, one covered from 2019-02-01 (the zero change of 2019-03-01 left out) */
    assert_int_equal(r[0].grp, 0);
    assert_int_equal(r[0].day, 0);
    assert_int_equal(r[0].n, 2);
    assert_int_equal(r[1].day, 20190201);
    assert_int_equal(r[1].n, 2);
    assert_int_equal(r[1].covered, 1);
    assert_int_equal(r[2].grp, 1);
    assert_int_equal(r[2].n, 1);
    covkept_acc_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timeline),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_days),
        cmocka_unit_test(test_acc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
