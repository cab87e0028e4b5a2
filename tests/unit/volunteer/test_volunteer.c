/* Unit tests for the volunteers' pure rules (src/volunteer/volunteer.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "points/points.h"
#include "volunteer/volunteer.h"

static void test_length(void **state) {
    (void)state;
    assert_true(volunteer_length("09:00", "11:30") == 2.5);
    assert_true(volunteer_length("09:00", "09:20") == 0.33);
    assert_true(volunteer_length("09:00", "09:00") == 0);
    assert_true(volunteer_length("10:00", "09:00") == 0);
    assert_true(volunteer_length("9:00", "11:00") == 0);
    assert_true(volunteer_length("00:00", "23:59") == 23.98);
}

static void test_hours_and_places(void **state) {
    (void)state;
    assert_true(volunteer_hours_ok(0.25, 12));
    assert_true(volunteer_hours_ok(12, 12));
    assert_false(volunteer_hours_ok(12.01, 12));
    assert_false(volunteer_hours_ok(0, 12));
    assert_false(volunteer_hours_ok(-1, 12));
    assert_false(volunteer_hours_ok(1.005, 12));
    assert_true(volunteer_owner_ok("org") && volunteer_owner_ok("park"));
    assert_false(volunteer_owner_ok("enterprise") || volunteer_owner_ok(NULL));
    assert_int_equal(volunteer_left(3, 2), 1);
    assert_int_equal(volunteer_left(3, 3), 0);
    assert_int_equal(volunteer_left(3, 4), 0);
}

/* A points line of confirmed volunteer hours links to the member's volunteer page, the activity marked. */
static void test_points_link(void **state) {
    (void)state;
    char buf[64];
    assert_string_equal(points_ref_link("volunteer:12", buf, sizeof buf), "/me/volunteer?activity=12");
    assert_null(points_ref_link("volunteer:", buf, sizeof buf));
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_length), cmocka_unit_test(test_hours_and_places), cmocka_unit_test(test_points_link)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
