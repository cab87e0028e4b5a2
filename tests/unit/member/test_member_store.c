/* Unit tests for what the registry offers the later modules
 * (src/member/member_store.c, "what the later modules read and write") on
 * SQLite and, when EJIA_TEST_PG_URL is set, PostgreSQL: the roll of an
 * organization as of a day (those in the party then, in pinyin order; a
 * member moved away or dead is off it from that day, on it the day before);
 * one person's standing on a day; the person behind an account; the
 * activity log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>

#include "member/member_store.h"
#include "org/org_store.h"
#include "org/org_fixture.h"

static int64_t branch(fx *x, const char *name, char ent) {
    int64_t e0 = fx_ent(x, ent), id = 0;
    org_new o = {.name = name, .kind = "党支部", .day = "2018-01-02", .enterprises = &e0, .n_enterprises = 1, .approved = true};
    err e;
    if (org_store_create(&x->c, &o, &id, &e)) fail_msg("org %s: %s", name, e.msg);
    return id;
}

static int64_t reg(fx *x, int64_t org, const char *name, const char *id, const char *category, const char *joined) {
    member_new m = {.name = name, .id_number = id, .org_id = org, .category = category, .joined_on = joined,
                    .full_on = !strcmp(category, MEMBER_FULL) ? joined : NULL, .day = "2019-01-01"};
    int64_t person = 0;
    err e;
    if (member_store_register(&x->c, &m, &person, NULL, &e)) fail_msg("register %s: %s", name, e.msg);
    return person;
}

static void test_roll_and_standing(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        int64_t a = branch(&x, "中共测试甲公司支部", 'A'), b = branch(&x, "中共测试戊公司支部", 'E');
        int64_t zhang = reg(&x, a, "张三", "350203199003151236", MEMBER_FULL, "2015-07-01");
        int64_t li = reg(&x, a, "李四", "350203198511202349", MEMBER_PROBATION, "2018-06-01");
        int64_t an = reg(&x, a, "安然", "35020320000101345X", MEMBER_FULL, "2016-07-01");
        reg(&x, b, "王五", "350203199505054567", MEMBER_FULL, "2017-07-01");
        err e;
        /* 李四 moves to the other branch on 2020-03-01; 安然 dies on 2020-05-10 */
        member_change mv = {.day = "2020-03-01", .org_id = b};
        if (member_store_change(&x.c, li, &mv, &e)) fail_msg("move: %s", e.msg);
        member_change dead = {.day = "2020-05-10", .state = "去世"};
        if (member_store_change(&x.c, an, &dead, &e)) fail_msg("state: %s", e.msg);

        member_standing *r;
        size_t n;
        assert_int_equal(member_store_roll(&x.c, a, "2020-02-29", &r, &n, &e), ST_OK);
        assert_int_equal(n, 3);
        assert_string_equal(r[0].name, "安然");   /* pinyin order: an, li, zhang */
        assert_string_equal(r[1].name, "李四");
        assert_string_equal(r[1].category, MEMBER_PROBATION);
        assert_string_equal(r[2].name, "张三");
        assert_int_equal(r[2].person_id, zhang);
        assert_string_equal(r[2].full_on, "2015-07-01");
        assert_null(r[1].full_on);
        assert_int_equal(member_store_roll(&x.c, a, "2020-03-01", &r, &n, &e), ST_OK);
        assert_int_equal(n, 2);
        assert_int_equal(member_store_roll(&x.c, a, "2020-05-10", &r, &n, &e), ST_OK);
        assert_int_equal(n, 1);
        assert_int_equal(member_store_roll(&x.c, b, "2020-03-01", &r, &n, &e), ST_OK);
        assert_int_equal(n, 2);
        /* before anyone was registered */
        assert_int_equal(member_store_roll(&x.c, a, "2018-12-31", &r, &n, &e), ST_OK);
        assert_int_equal(n, 0);
        assert_null(r);

        member_standing s;
        assert_int_equal(member_store_standing(&x.c, li, "2020-02-29", &s, &e), ST_OK);
        assert_int_equal(s.org_id, a);
        assert_int_equal(member_store_standing(&x.c, li, "2020-03-01", &s, &e), ST_OK);
        assert_int_equal(s.org_id, b);
        assert_int_equal(member_store_standing(&x.c, an, "2020-06-01", &s, &e), ST_OK);
        assert_string_equal(s.state, "去世");
        assert_int_equal(member_store_standing(&x.c, li, "2018-12-31", &s, &e), ST_NOT_FOUND);

        int64_t p = 0;
        assert_int_equal(member_store_person_of_user(&x.c, 999999, &p, &e), ST_NOT_FOUND);
        fx_close(&x);
    }
}

static void test_activity(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        int64_t a = branch(&x, "中共测试甲公司支部", 'A');
        int64_t zhang = reg(&x, a, "张三", "350203199003151236", MEMBER_FULL, "2015-07-01");
        err e;
        member_activity act = {zhang, a, "meeting.attended", "2020-04-01", "meeting:7", 1.5};
        assert_int_equal(member_store_activity(&x.c, &act, &e), ST_OK);
        member_activity org_act = {0, a, "meeting.held", "2020-04-01", "meeting:7", 0};
        assert_int_equal(member_store_activity(&x.c, &org_act, &e), ST_OK);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM activity WHERE person_id IS NULL AND kind = 'meeting.held'"), 1);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM activity WHERE value = 1.5 AND ref = 'meeting:7'"), 1);
        member_activity bad = {zhang, a, "", "2020-04-01", NULL, 0};
        assert_int_equal(member_store_activity(&x.c, &bad, &e), ST_INVALID);
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roll_and_standing),
        cmocka_unit_test(test_activity),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
