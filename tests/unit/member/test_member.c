/* Unit tests for src/member/member.c and the ID normalisation it stands on:
 * days in every form rosters write them, resident ID numbers as people type
 * them (15 → 18, full-width, spaces, a lower-case x), and a registration's
 * refusals and flags at their edges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/ids.h"
#include "core/config.h"
#include "member/member.h"

static void test_days(void **state) {
    (void)state;
    char d[11];
    const char *ok[][2] = {
        {"2006-09-25", "2006-09-25"}, {"2006.09.25", "2006-09-25"}, {"2006年9月25日", "2006-09-25"},
        {"20060925", "2006-09-25"},   {"2006/9/25", "2006-09-25"},  {"2006-9-25", "2006-09-25"},
        {"２００６－０９－２５", "2006-09-25"}, {" 2006 年 9 月 25 日 ", "2006-09-25"}, {"38985", "2006-09-25"},
        {"2000-02-29", "2000-02-29"}, {"61", "1900-03-01"},   /* Excel's phantom 1900-02-29 skipped */
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_true(member_day_parse(ok[i][0], d));
        assert_string_equal(d, ok[i][1]);
    }
    const char *bad[] = {"", "2006-13-01", "2006-02-30", "1900-02-29", "2100-01-01", "06-09-25", "2006-09", "明天", "2006-09-25x",
                         "200609250", NULL};
    for (size_t i = 0; bad[i]; i++) assert_false(member_day_parse(bad[i], d));
    assert_false(member_day_parse(NULL, d));
    assert_int_equal(member_years("1990-03-01", "2008-02-29"), 17);
    assert_int_equal(member_years("1990-03-01", "2008-03-01"), 18);
}

static void test_ids(void **state) {
    (void)state;
    char out[19];
    assert_true(ids_idcard_normalize("350203198506150011", 18, out));
    assert_string_equal(out, "350203198506150011");
    /* first generation: 15 digits, the century inserted, the check computed */
    assert_true(ids_idcard_normalize("350203850615001", 15, out));
    assert_string_equal(out, "350203198506150011");
    const char *x = "35020319900101123x";
    assert_true(ids_idcard_normalize(x, strlen(x), out));
    assert_string_equal(out, "35020319900101123X");
    const char *fw = "３５０２０３１９８５０６１５００１１";   /* full-width digits */
    assert_true(ids_idcard_normalize(fw, strlen(fw), out));
    assert_string_equal(out, "350203198506150011");
    const char *sp = " 3502 0319 8506 1500 11 ";
    assert_true(ids_idcard_normalize(sp, strlen(sp), out));
    assert_false(ids_idcard_normalize("350203198506150012", 18, out));   /* check character */
    assert_false(ids_idcard_normalize("350203198502300011", 18, out));   /* February 30th */
    assert_false(ids_idcard_normalize("35020319850615001", 17, out));
    assert_false(ids_idcard_normalize("35020385061500A", 15, out));
    char birth[11];
    ids_idcard_birth("350203198506150011", birth);
    assert_string_equal(birth, "1985-06-15");
}

static member_new base(void) {
    member_new m = {.name = "王伟", .id_number = "350203198506150011", .org_id = 1, .category = MEMBER_FULL,
                    .joined_on = "2008-07-01", .full_on = "2009-07-01"};
    return m;
}

static void test_check(void **state) {
    (void)state;
    member_checked k;
    err e;
    member_new m = base();
    assert_int_equal(member_check(&m, &k, &e), ST_OK);
    assert_string_equal(k.id18, "350203198506150011");
    assert_string_equal(k.birth, "1985-06-15");
    assert_string_equal(k.gender, "男");   /* 17th digit 1: odd */
    assert_string_equal(k.state, "正常");
    assert_string_equal(k.flags, "");
    /* refusals name their field */
    m = base();
    m.id_number = "350203198506150012";
    assert_int_equal(member_check(&m, &k, &e), ST_INVALID);
    assert_string_equal(e.field, "id_number");
    m = base();
    m.category = "党员";
    assert_int_equal(member_check(&m, &k, &e), ST_INVALID);
    assert_string_equal(e.field, "category");
    m = base();
    m.joined_on = "2008-02-30";
    assert_int_equal(member_check(&m, &k, &e), ST_INVALID);
    assert_string_equal(e.field, "joined_on");
    m = base();
    m.full_on = "2007-01-01";   /* before joining */
    assert_int_equal(member_check(&m, &k, &e), ST_INVALID);
    assert_string_equal(e.field, "full_on");
    m = base();
    m.category = MEMBER_PROBATION;   /* a full-member day but still on probation */
    assert_int_equal(member_check(&m, &k, &e), ST_INVALID);
    m = base();
    m.joined_on = "1980-01-01";   /* before birth */
    assert_int_equal(member_check(&m, &k, &e), ST_INVALID);
    m = base();
    m.state = "退休";
    assert_int_equal(member_check(&m, &k, &e), ST_INVALID);
    assert_string_equal(e.field, "state");
    /* flagged but registered */
    m = base();
    m.gender = "女";
    m.birth = "1985年6月16日";
    m.joined_on = "2003-06-14";   /* the day before the 18th birthday */
    m.full_on = "2004-06-14";
    assert_int_equal(member_check(&m, &k, &e), ST_OK);
    assert_non_null(strstr(k.flags, "性别"));
    assert_non_null(strstr(k.flags, "1985-06-16"));
    assert_non_null(strstr(k.flags, "未满 18 周岁"));
    m.joined_on = "2003-06-15";   /* the 18th birthday itself: old enough */
    m.gender = "男";
    m.birth = NULL;
    assert_int_equal(member_check(&m, &k, &e), ST_OK);
    assert_string_equal(k.flags, "");
    /* probation long over with no full-member day */
    m = base();
    m.category = MEMBER_PROBATION;
    m.full_on = NULL;
    m.joined_on = "2015-01-01";
    assert_int_equal(member_check(&m, &k, &e), ST_OK);
    assert_non_null(strstr(k.flags, "预备期"));
}

int main(void) {
    int argc = 1;
    char *argv[] = {"test_member", NULL};
    err e;
    cfg_load(&argc, argv, &e);   /* the settings' defaults (member-min-age 18, probation 12 months) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
