/* Unit tests for the pure rules of 党建联盟 (src/alliance/alliance.c): the
 * kinds, a membership held on a day (joined that day, left that day), two
 * spans of one organization overlapping or not, who may record a joint
 * activity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "alliance/alliance.h"

static void test_kinds(void **state) {
    (void)state;
    assert_true(alliance_kind_ok("跨企业"));
    assert_true(alliance_kind_ok("园区"));
    assert_true(alliance_kind_ok("行业"));
    assert_false(alliance_kind_ok("区域"));
    assert_false(alliance_kind_ok(""));
    assert_false(alliance_kind_ok(NULL));
}

static void test_member_on(void **state) {
    (void)state;
    assert_true(alliance_member_on("2026-03-01", NULL, "2026-03-01"));
    assert_false(alliance_member_on("2026-03-01", NULL, "2026-02-28"));
    assert_true(alliance_member_on("2026-03-01", "2026-06-01", "2026-05-31"));
    assert_false(alliance_member_on("2026-03-01", "2026-06-01", "2026-06-01"));   /* the day it left: no longer */
    assert_false(alliance_member_on(NULL, NULL, "2026-06-01"));
}

static void test_overlap(void **state) {
    (void)state;
    assert_true(alliance_spans_overlap("2026-03-01", NULL, "2025-01-01", NULL));
    assert_true(alliance_spans_overlap("2026-03-01", NULL, "2025-01-01", "2026-03-02"));
    assert_false(alliance_spans_overlap("2026-03-01", NULL, "2025-01-01", "2026-03-01"));   /* rejoins the day it left */
    assert_false(alliance_spans_overlap("2024-01-01", "2024-06-01", "2024-06-01", NULL));
    assert_true(alliance_spans_overlap("2024-01-01", "2024-06-02", "2024-06-01", NULL));
}

static void test_recorder(void **state) {
    (void)state;
    assert_true(alliance_activity_role_ok("city"));        /* org.write */
    assert_true(alliance_activity_role_ok("park"));        /* org.write */
    assert_true(alliance_activity_role_ok("org_admin"));   /* org.write, meeting.write */
    assert_true(alliance_activity_role_ok("secretary"));   /* meeting.write */
    assert_true(alliance_activity_role_ok("cli"));
    assert_false(alliance_activity_role_ok("member"));
    assert_false(alliance_activity_role_ok("investor"));
    assert_false(alliance_activity_role_ok("auditor"));
    assert_false(alliance_activity_role_ok(NULL));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_member_on),
        cmocka_unit_test(test_overlap),
        cmocka_unit_test(test_recorder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
