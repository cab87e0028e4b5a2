/* Unit tests for the flow store (src/flow/flow_store.c) on SQLite and, when
 * EJIA_TEST_PG_URL is set, PostgreSQL: an outflow to another branch makes the
 * member 流动 from its day, with one audit row (the state change a part of
 * it); the managing organization of a day (flow_store_manager_at) is the
 * home branch before the flow and from the return day, the receiving one in
 * between; the meeting roll of each branch follows the same days
 * (member_store_roll, member_store_standing's roll_org_id); a flow to a place
 * with no organization leaves the member on the home roll; the return makes
 * them 正常 again.  The clock is the test clock: 10:00 China time tomorrow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "flow/flow_store.h"
#include "member/member_store.h"
#include "org/org_store.h"
#include "org/org_fixture.h"
#include "meeting/meeting_fixture.h"

static int setup(void **state) {
    fx_setup(state);
    return mfx_clock_setup("flowtest");
}

static int teardown(void **state) {
    mfx_clock_done();
    return fx_teardown(state);
}

static int64_t reg(fx *x, int64_t org, const char *name, const char *id) {
    member_new m = {.name = name, .id_number = id, .org_id = org, .category = MEMBER_FULL, .joined_on = "2015-07-01",
                    .full_on = "2016-07-01", .day = "2019-01-01"};
    int64_t person = 0;
    err e;
    if (member_store_register(&x->c, &m, &person, NULL, &e)) fail_msg("register %s: %s", name, e.msg);
    return person;
}

static int64_t manager(fx *x, int64_t person, const char *day) {
    int64_t org = 0;
    err e;
    if (flow_store_manager_at(&x->c, person, day, &org, &e)) fail_msg("manager_at %s: %s", day, e.msg);
    return org;
}

/* Is person on org's roll of day? */
static bool on_roll(fx *x, int64_t org, const char *day, int64_t person) {
    member_standing *m;
    size_t n;
    err e;
    if (member_store_roll(&x->c, org, day, &m, &n, &e)) fail_msg("roll: %s", e.msg);
    for (size_t i = 0; i < n; i++)
        if (m[i].person_id == person) {
            assert_int_equal(m[i].roll_org_id, org);
            return true;
        }
    return false;
}

static void test_flows(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        int64_t a = mfx_branch(&x, "中共测试甲公司支部", 'A'), b = mfx_branch(&x, "中共测试戊公司支部", 'E');
        int64_t zhang = reg(&x, a, "张三", "350203199003151236");
        int64_t li = reg(&x, a, "李四", "350203198511202349");
        int64_t before = fx_count(&x, "SELECT COUNT(*) FROM audit");
        flow_new o = {.person_id = zhang, .org_id = b, .reason = "务工经商", .from_day = "2026-03-01", .expect_day = "2026-09-01",
                      .contact = "13812345678"};
        int64_t f = 0;
        err e;
        if (flow_store_out(&x.c, &o, &f, &e)) fail_msg("out: %s", e.msg);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM audit") - before, 1);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM member WHERE state = '流动' AND since = '2026-03-01'"), 1);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM member_flow WHERE contact_sealed IS NOT NULL AND contact IS NULL"), 1);
        /* dated: home before, the receiving branch from the day, home again from the return */
        assert_int_equal(manager(&x, zhang, "2026-02-28"), a);
        assert_int_equal(manager(&x, zhang, "2026-03-01"), b);
        assert_true(on_roll(&x, a, "2026-02-28", zhang));
        assert_false(on_roll(&x, b, "2026-02-28", zhang));
        assert_false(on_roll(&x, a, "2026-03-01", zhang));
        assert_true(on_roll(&x, b, "2026-03-01", zhang));
        assert_true(on_roll(&x, a, "2026-03-01", li));
        member_standing ms;
        if (member_store_standing(&x.c, zhang, "2026-04-01", &ms, &e)) fail_msg("standing: %s", e.msg);
        assert_int_equal(ms.org_id, a);
        assert_int_equal(ms.roll_org_id, b);
        if (flow_store_return(&x.c, f, "2026-06-01", "返回", &e)) fail_msg("return: %s", e.msg);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM member WHERE state = '正常' AND since = '2026-06-01'"), 1);
        assert_int_equal(manager(&x, zhang, "2026-05-31"), b);
        assert_int_equal(manager(&x, zhang, "2026-06-01"), a);
        assert_true(on_roll(&x, b, "2026-05-31", zhang));
        assert_true(on_roll(&x, a, "2026-06-01", zhang));
        assert_false(on_roll(&x, b, "2026-06-01", zhang));
        /* a place with no organization: the home branch manages, the member stays on its roll */
        flow_new w = {.person_id = li, .place = "北京市海淀区", .reason = "学习进修", .from_day = "2026-03-01"};
        if (flow_store_out(&x.c, &w, &f, &e)) fail_msg("out: %s", e.msg);
        assert_int_equal(manager(&x, li, "2026-04-01"), a);
        assert_true(on_roll(&x, a, "2026-04-01", li));
        /* not a member on a day before they were registered */
        int64_t org = 0;
        assert_int_equal(flow_store_manager_at(&x.c, li, "2018-01-01", &org, &e), ST_NOT_FOUND);
        /* a district's office cannot register another district's member */
        uc huli = fx_scoped(&x, "district", "350206");
        flow_new z = {.person_id = zhang, .place = "上海", .reason = "其他", .from_day = "2026-07-01"};
        assert_int_equal(flow_store_out(&huli, &z, &f, &e), ST_FORBIDDEN);
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
