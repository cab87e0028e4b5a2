/* Unit tests for src/core/day.c, the one calendar arithmetic: leap years
 * (2000 yes, 2100 no), month lengths, day numbers both ways across 1970 and
 * leap days, adding days and months (clamped to the month's end). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/day.h"

static void test_leap_and_months(void **state) {
    (void)state;
    assert_true(day_leap(2000));
    assert_false(day_leap(2100));
    assert_true(day_leap(2024));
    assert_int_equal(day_month_days(2024, 2), 29);
    assert_int_equal(day_month_days(2100, 2), 28);
    assert_int_equal(day_month_days(2026, 4), 30);
    assert_int_equal(day_month_days(2026, 13), 0);
}

static void test_numbers(void **state) {
    (void)state;
    assert_int_equal(day_number(1970, 1, 1), 0);
    assert_int_equal(day_number(1969, 12, 31), -1);
    assert_int_equal(day_number(2000, 3, 1) - day_number(2000, 2, 28), 2);
    int y, m, d;
    day_civil(day_number(2024, 2, 29), &y, &m, &d);
    assert_int_equal(y * 10000 + m * 100 + d, 20240229);
    char out[11];
    day_add("2024-02-28", 1, out);
    assert_string_equal(out, "2024-02-29");
    day_add("2026-12-31", 1, out);
    assert_string_equal(out, "2027-01-01");
    day_add("2026-03-01", -1, out);
    assert_string_equal(out, "2026-02-28");
    assert_int_equal(day_between("2025-12-06", "2026-12-06"), 365);
    assert_int_equal(day_between("2024-01-01", "2023-12-31"), -1);
}

static void test_months(void **state) {
    (void)state;
    char out[11];
    day_add_months("2026-01-31", 1, out);
    assert_string_equal(out, "2026-02-28");
    day_add_months("2024-01-31", 1, out);
    assert_string_equal(out, "2024-02-29");
    day_add_months("2025-11-15", 3, out);
    assert_string_equal(out, "2026-02-15");
    day_add_months("2024-02-29", 12, out);
    assert_string_equal(out, "2025-02-28");
    day_add_months("2026-03-31", -1, out);
    assert_string_equal(out, "2026-02-28");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leap_and_months),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_months),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
