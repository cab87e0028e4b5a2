/* Unit tests for the study-hours ledger (src/study/study_credit_store.c) on
 * SQLite and, when EJIA_TEST_PG_URL is set, PostgreSQL: online study of a
 * course on one day grows one row; any other record credits once (a second
 * credit is refused and counts nothing); the year's total follows every
 * credit; each credit writes a line to the activity log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "member/member_store.h"
#include "study/study_credit.h"
#include "org/org_store.h"
#include "org/org_fixture.h"
#include "meeting/meeting_fixture.h"

static int setup(void **state) {
    fx_setup(state);
    return mfx_clock_setup("studytest");
}

static int teardown(void **state) {
    mfx_clock_done();
    return fx_teardown(state);
}

static st credit(fx *x, int64_t person, const char *day, int64_t minutes, const char *source, int64_t id, err *e) {
    study_credit k = {.person_id = person, .day = day, .minutes = minutes, .category = "理论学习", .source = source,
                      .source_id = id};
    st s = uc_begin(&x->c, e);
    if (!s) s = study_credit_add(&x->c, &k, e);
    uc_act a = {"study.credit", uc_obj(&x->c, "member", person), "学时"};
    return uc_end(&x->c, s, &a, e);
}

static void test_credits(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        int64_t a = mfx_branch(&x, "中共测试甲公司支部", 'A');
        member_new m = {.name = "张三", .id_number = "350203199003151236", .org_id = a, .category = MEMBER_FULL,
                        .joined_on = "2015-07-01", .full_on = "2016-07-01", .day = "2019-01-01"};
        int64_t p = 0;
        err e;
        if (member_store_register(&x.c, &m, &p, NULL, &e)) fail_msg("register: %s", e.msg);
        int64_t acts = fx_count(&x, "SELECT COUNT(*) FROM activity WHERE kind LIKE 'study.%'");
        assert_int_equal(credit(&x, p, "2026-03-01", 10, "online", 7, &e), ST_OK);
        assert_int_equal(credit(&x, p, "2026-03-01", 5, "online", 7, &e), ST_OK);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM study_credit WHERE source = 'online'"), 1);
        assert_int_equal(fx_count(&x, "SELECT minutes FROM study_credit WHERE source = 'online'"), 15);
        assert_int_equal(credit(&x, p, "2026-03-02", 240, "offline", 3, &e), ST_OK);
        assert_int_equal(credit(&x, p, "2026-03-02", 240, "offline", 3, &e), ST_CONFLICT);
        assert_int_equal(credit(&x, p, "2025-12-31", 60, "exam", 9, &e), ST_OK);
        assert_int_equal(credit(&x, p, "2026-02-30", 60, "exam", 9, &e), ST_INVALID);
        assert_int_equal(credit(&x, p, "2026-03-02", 60, "gift", 9, &e), ST_INVALID);
        assert_int_equal(credit(&x, p, "2026-03-02", 0, "exam", 9, &e), ST_INVALID);
        int64_t min = 0;
        if (study_credit_year(x.d, p, 2026, &min, &e)) fail_msg("year: %s", e.msg);
        assert_int_equal(min, 255);
        if (study_credit_year(x.d, p, 2025, &min, &e)) fail_msg("year: %s", e.msg);
        assert_int_equal(min, 60);
        if (study_credit_year(x.d, p, 2024, &min, &e)) fail_msg("year: %s", e.msg);
        assert_int_equal(min, 0);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM activity WHERE kind LIKE 'study.%'") - acts, 4);
        json_t *rows = NULL;
        if (study_credit_list(x.d, p, 2026, &rows, &e)) fail_msg("list: %s", e.msg);
        assert_int_equal(json_array_size(rows), 2);
        assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "source")), "offline");
        json_decref(rows);
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_credits),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
