/* Unit tests for the pure rules of organizational life (src/meeting/meeting.c)
 * at their edges: periods (the last day of a quarter, leap Februaries, bad
 * codes), how many meetings fall due in a period and from an organization's
 * first day, the quorum (exactly half is not enough), the lock day, the
 * check-in window, the check-in tokens' steps (the one before still counts,
 * two before is stale, a later one refused, a changed character forged) and
 * the lights. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "core/config.h"
#include "meeting/meeting.h"

static int setup(void **state) {
    (void)state;
    err e;
    int argc = 1;
    char *argv[] = {"test", NULL};
    cfg_load(&argc, argv, &e);
    setenv("TZ", "Asia/Shanghai", 1);   /* as main.c sets it: meeting days are China's */
    tzset();
    return 0;
}

static int teardown(void **state) {
    (void)state;
    cfg_free();
    return 0;
}

static void test_periods(void **state) {
    (void)state;
    meeting_period p;
    assert_true(meeting_period_parse("2026-Q1", &p));
    assert_string_equal(p.from, "2026-01-01");
    assert_string_equal(p.to, "2026-03-31");
    assert_int_equal(p.months, 3);
    assert_true(meeting_period_parse("2026-Q4", &p));
    assert_string_equal(p.from, "2026-10-01");
    assert_string_equal(p.to, "2026-12-31");
    assert_true(meeting_period_parse("2024-02", &p));
    assert_string_equal(p.to, "2024-02-29");   /* leap */
    assert_true(meeting_period_parse("2100-02", &p));
    assert_string_equal(p.to, "2100-02-28");   /* a century, not leap */
    assert_true(meeting_period_parse("2000-02", &p));
    assert_string_equal(p.to, "2000-02-29");   /* every 400 years, leap */
    assert_true(meeting_period_parse("2026", &p));
    assert_string_equal(p.from, "2026-01-01");
    assert_string_equal(p.to, "2026-12-31");
    assert_string_equal(p.code, "2026");
    assert_true(meeting_period_parse("2026-06", &p));
    assert_string_equal(p.code, "2026-06");
    assert_string_equal(p.to, "2026-06-30");
    const char *bad[] = {"2026-13", "2026-00", "2026-Q0", "2026-Q5", "26", "2026-1", "2026-", "", "abcd", "2026-03-01", "1899"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) assert_false(meeting_period_parse(bad[i], &p));
    assert_false(meeting_period_parse(NULL, &p));
    /* the period holding a day */
    assert_true(meeting_period_of("2026-03-31", 3, &p));
    assert_string_equal(p.code, "2026-Q1");
    assert_true(meeting_period_of("2026-04-01", 3, &p));
    assert_string_equal(p.code, "2026-Q2");
    assert_true(meeting_period_of("2024-02-29", 1, &p));
    assert_string_equal(p.code, "2024-02");
    assert_false(meeting_period_of("2023-02-29", 1, &p));
}

static void test_required(void **state) {
    (void)state;
    meeting_period y, q, m;
    meeting_period_parse("2026", &y);
    meeting_period_parse("2026-Q2", &q);
    meeting_period_parse("2026-05", &m);
    assert_int_equal(meeting_required(1, &y, NULL), 12);
    assert_int_equal(meeting_required(3, &y, NULL), 4);
    assert_int_equal(meeting_required(12, &y, NULL), 1);
    assert_int_equal(meeting_required(1, &q, NULL), 3);
    assert_int_equal(meeting_required(3, &q, NULL), 1);
    assert_int_equal(meeting_required(12, &q, NULL), 0);   /* counted in its year */
    assert_int_equal(meeting_required(3, &m, NULL), 0);
    assert_int_equal(meeting_required(0, &y, NULL), 0);
    /* an organization founded on the last day of a stretch owes that stretch; the day after, not */
    assert_int_equal(meeting_required(3, &y, "2026-03-31"), 4);
    assert_int_equal(meeting_required(3, &y, "2026-04-01"), 3);
    assert_int_equal(meeting_required(1, &q, "2026-06-30"), 1);
    assert_int_equal(meeting_required(1, &q, "2026-07-01"), 0);
    meeting_period s;
    assert_true(meeting_stretch(&y, 3, 3, &s));
    assert_string_equal(s.from, "2026-10-01");
    assert_string_equal(s.to, "2026-12-31");
    assert_false(meeting_stretch(&y, 3, 4, &s));
    assert_false(meeting_stretch(&q, 12, 0, &s));
}

static void test_kinds(void **state) {
    (void)state;
    assert_int_equal(meeting_kind_index("支部党员大会"), 0);
    assert_int_equal(meeting_kind_index("谈心谈话"), 7);
    assert_int_equal(meeting_kind_index("座谈会"), -1);
    assert_int_equal(meeting_kind_index(NULL), -1);
    assert_int_equal(meeting_freq(0), 3);    /* defaults: rules.md */
    assert_int_equal(meeting_freq(1), 1);
    assert_int_equal(meeting_freq(4), 1);
    assert_int_equal(meeting_freq(5), 12);
    assert_int_equal(meeting_freq_parse("weekly"), -1);
    assert_int_equal(meeting_freq_parse("none"), 0);
    /* 支委会 only with a committee; a 党委 its committee and 党课; a 工委 nothing */
    assert_true(meeting_kind_applies(1, "党支部", true));
    assert_false(meeting_kind_applies(1, "党支部", false));
    assert_true(meeting_kind_applies(0, "联合党支部", false));
    assert_true(meeting_kind_applies(1, "党委", true));
    assert_true(meeting_kind_applies(3, "党委", false));
    assert_false(meeting_kind_applies(0, "党委", true));
    assert_false(meeting_kind_applies(3, "工委", true));
}

static void test_days_and_times(void **state) {
    (void)state;
    char d[11];
    meeting_day_add("2024-02-28", 1, d);
    assert_string_equal(d, "2024-02-29");
    meeting_day_add("2023-02-28", 1, d);
    assert_string_equal(d, "2023-03-01");
    meeting_day_add("2026-01-01", -1, d);
    assert_string_equal(d, "2025-12-31");
    assert_int_equal(meeting_days_between("2024-01-01", "2025-01-01"), 366);
    assert_int_equal(meeting_days_between("2025-01-01", "2026-01-01"), 365);
    assert_int_equal(meeting_weekday("2026-12-06"), 0);   /* a Sunday */
    assert_int_equal(meeting_weekday("1970-01-01"), 4);
    assert_int_equal(meeting_weekday("1969-12-31"), 3);
    assert_true(meeting_day_ok("2024-02-29"));
    assert_false(meeting_day_ok("2026-02-29"));
    assert_false(meeting_day_ok("2026-4-01"));
    assert_true(meeting_time_ok("00:00"));
    assert_true(meeting_time_ok("23:59"));
    assert_false(meeting_time_ok("24:00"));
    assert_false(meeting_time_ok("9:30"));
    assert_false(meeting_time_ok("09:60"));
    /* China's time: 2026-03-05 09:30 is 01:30 UTC */
    assert_int_equal(meeting_epoch("2026-03-05", "09:30"), 1772674200);
}

static void test_quorum_lock_window(void **state) {
    (void)state;
    assert_false(meeting_quorum(10, 5));   /* exactly half: not enough */
    assert_true(meeting_quorum(10, 6));
    assert_false(meeting_quorum(7, 3));
    assert_true(meeting_quorum(7, 4));
    assert_false(meeting_quorum(0, 0));
    assert_true(meeting_quorum(1, 1));
    /* held 2026-03-01, lock 30 days: editable through 2026-03-31, locked from 04-01 */
    assert_false(meeting_locked("2026-03-01", "2026-03-31", 30));
    assert_true(meeting_locked("2026-03-01", "2026-04-01", 30));
    assert_false(meeting_locked("2024-02-01", "2024-03-02", 30));   /* leap February: 02-01 + 30 = 03-02 */
    assert_true(meeting_locked("2024-02-01", "2024-03-03", 30));
    assert_true(meeting_locked("2026-03-01", "2026-03-02", 0));
    /* the window: inclusive at both ends */
    assert_true(meeting_window_open(1000 - 1800, 1000, 4600, 1800, 1800));
    assert_false(meeting_window_open(1000 - 1801, 1000, 4600, 1800, 1800));
    assert_true(meeting_window_open(4600 + 1800, 1000, 4600, 1800, 1800));
    assert_false(meeting_window_open(4600 + 1801, 1000, 4600, 1800, 1800));
}

static void test_tokens(void **state) {
    (void)state;
    unsigned char key[32], other[32];
    memset(key, 7, sizeof key);
    memset(other, 8, sizeof other);
    assert_int_equal(meeting_step(59, 30), 1);
    assert_int_equal(meeting_step(60, 30), 2);
    assert_int_equal(meeting_step(0, 30), 0);
    char t[MEETING_TOKEN_MAX];
    meeting_token_make(key, 42, 1000, t);
    int64_t m, s;
    assert_int_equal(meeting_token_check(key, t, 1000, 1, &m, &s), MEETING_TOKEN_OK);
    assert_int_equal(m, 42);
    assert_int_equal(s, 1000);
    assert_int_equal(meeting_token_check(key, t, 1001, 1, &m, &s), MEETING_TOKEN_OK);      /* the step just before */
    assert_int_equal(meeting_token_check(key, t, 1002, 1, &m, &s), MEETING_TOKEN_STALE);   /* two before */
    assert_int_equal(meeting_token_check(key, t, 999, 1, &m, &s), MEETING_TOKEN_FUTURE);
    assert_int_equal(meeting_token_check(other, t, 1000, 1, &m, &s), MEETING_TOKEN_MALFORMED);   /* another key */
    /* each character changed: refused */
    for (size_t i = 0; t[i]; i++) {
        char u[MEETING_TOKEN_MAX];
        memcpy(u, t, sizeof u);
        u[i] = u[i] == '1' ? '2' : '1';
        if (!strcmp(u, t)) continue;
        assert_int_not_equal(meeting_token_check(key, u, 1000, 1, &m, &s), MEETING_TOKEN_OK);
    }
    /* another meeting's number under this signature */
    char x[MEETING_TOKEN_MAX];
    strcpy(x, t);
    x[1] = '3';   /* 42 → 43 */
    assert_int_equal(meeting_token_check(key, x, 1000, 1, &m, &s), MEETING_TOKEN_MALFORMED);
    const char *junk[] = {"", ".", "42..", "042.1000.00000000000000000000000000000000", "-1.5.aa", "42.1000", NULL};
    for (int i = 0; junk[i]; i++) assert_int_equal(meeting_token_check(key, junk[i], 1000, 1, &m, &s), MEETING_TOKEN_MALFORMED);
    assert_int_equal(meeting_token_check(key, NULL, 1000, 1, &m, &s), MEETING_TOKEN_MALFORMED);
}

static void test_lights(void **state) {
    (void)state;
    assert_int_equal(meeting_light_of(29, false, 30, 90), MEETING_GREEN);
    assert_int_equal(meeting_light_of(30, false, 30, 90), MEETING_YELLOW);
    assert_int_equal(meeting_light_of(89, false, 30, 90), MEETING_YELLOW);
    assert_int_equal(meeting_light_of(90, false, 30, 90), MEETING_RED);
    assert_int_equal(meeting_light_of(0, true, 30, 90), MEETING_RED);
    assert_string_equal(meeting_light_name(MEETING_YELLOW), "yellow");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_periods),       cmocka_unit_test(test_required), cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_days_and_times), cmocka_unit_test(test_quorum_lock_window), cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_lights),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
