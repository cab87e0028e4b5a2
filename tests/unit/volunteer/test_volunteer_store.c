/* Unit tests for the volunteers' store (src/volunteer/volunteer_store.c) on
 * SQLite and, when EJIA_TEST_PG_URL is set, PostgreSQL: sign-up until full at
 * the boundary (the last place to one, the next refused as full), cancelling
 * frees a place, check-in with the rolling code only for the signed-up (and
 * once), hours confirmed once (a second time refused) and written to the
 * activity log as volunteer.hours for the points; the figures per member and
 * per team.  The clock is the test clock: 10:00 China time tomorrow, then
 * moved past the activity's end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "base/clock.h"
#include "member/member_store.h"
#include "org/org_store.h"
#include "volunteer/volunteer_store.h"
#include "org/org_fixture.h"
#include "meeting/meeting_fixture.h"

static int setup(void **state) {
    fx_setup(state);
    return mfx_clock_setup("volunteertest");
}

static int teardown(void **state) {
    mfx_clock_done();
    return fx_teardown(state);
}

/* Move the test clock to hhmm of the server's day. */
static void clock_to(const char *day, const char *hhmm) {
    FILE *f = fopen(mfx_clock_path, "w");
    if (!f) fail_msg("clock file");
    fprintf(f, "%lld\n", (long long)(meeting_epoch(day, hhmm) - (int64_t)time(NULL)));
    fclose(f);
}

static int64_t reg(fx *x, int64_t org, const char *name, const char *id) {
    member_new m = {.name = name, .id_number = id, .org_id = org, .category = MEMBER_FULL, .joined_on = "2015-07-01",
                    .full_on = "2016-07-01", .day = "2019-01-01"};
    int64_t person = 0;
    err e;
    if (member_store_register(&x->c, &m, &person, NULL, &e)) fail_msg("register %s: %s", name, e.msg);
    return person;
}

/* A member's own context: an account linked to person. */
static uc as_member(fx *x, int64_t person, const char *username) {
    int64_t uid = 0;
    err e;
    if (db_query_int(x->d, &uid,
                     "INSERT INTO users(username, name, role, scope_kind, scope_code, scope_name, password_hash) "
                     "VALUES ($1, '志愿者', 'member', 'self', '0', '本人', 'x') RETURNING id",
                     &e, "t", username))
        fail_msg("user: %s", e.msg);
    if (db_run(x->d, "UPDATE person SET user_id = $1 WHERE id = $2", &e, "ii", uid, person)) fail_msg("link: %s", e.msg);
    uc me = x->c;
    me.who.user_id = uid;
    me.who.username = arena_strdup(&x->mem, username);
    me.who.role = "member";
    me.who.scope_kind = "self";
    me.who.scope_code = arena_printf(&x->mem, "%lld", (long long)uid);
    return me;
}

static int64_t taken(fx *x, int64_t act) {
    return fx_count(x, arena_printf(&x->mem, "SELECT taken FROM volunteer_activity WHERE id = %lld", (long long)act));
}

static void test_volunteers(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        fx_exec(&x, "DELETE FROM users WHERE username LIKE 'voltest%'");
        clock_to(mfx_today(), "10:00");
        int64_t a = mfx_branch(&x, "中共测试甲公司支部", 'A'), b = mfx_branch(&x, "中共测试戊公司支部", 'E');
        int64_t p1 = reg(&x, a, "张三", "350203199003151236"), p2 = reg(&x, a, "李四", "350203198511202349"),
                p3 = reg(&x, b, "王五", "350203198703082345");
        uc m1 = as_member(&x, p1, "voltest1"), m2 = as_member(&x, p2, "voltest2"), m3 = as_member(&x, p3, "voltest3");
        err e;
        const char *today = mfx_today();

        /* a team of the organization, one of the park */
        volunteer_team_new t = {.name = "甲公司青年志愿服务队", .owner_kind = "org", .org_id = a};
        int64_t team = 0, pteam = 0;
        assert_int_equal(volunteer_store_team_create(&x.c, &t, &team, &e), ST_OK);
        volunteer_team_new pt = {.name = "园区志愿服务队", .owner_kind = "park", .park_code = "P9001"};
        if (fx_count(&x, "SELECT COUNT(*) FROM region WHERE code = 'P9001'"))
            assert_int_equal(volunteer_store_team_create(&x.c, &pt, &pteam, &e), ST_OK);
        volunteer_team_new bad = {.name = "无归属", .owner_kind = "enterprise"};
        int64_t none = 0;
        assert_int_equal(volunteer_store_team_create(&x.c, &bad, &none, &e), ST_INVALID);
        /* a district office outside 思明区 cannot add one to a 思明区 branch */
        uc huli = fx_scoped(&x, "district", "350206");
        assert_int_equal(volunteer_store_team_create(&huli, &t, &none, &e), ST_FORBIDDEN);

        /* joining: once */
        assert_int_equal(volunteer_store_join(&m1, team, &e), ST_OK);
        assert_int_equal(volunteer_store_join(&m1, team, &e), ST_CONFLICT);

        /* two places; the activity starts at 10:20, check-in opens 30 minutes before */
        volunteer_activity_new an = {.title = "社区环境整治", .day = today, .start = "10:20", .end = "12:20", .place = "文屏社区", .places = 2};
        int64_t act = 0;
        assert_int_equal(volunteer_store_activity_create(&x.c, team, &an, &act, &e), ST_OK);
        volunteer_activity_new past = an;
        past.day = "2020-01-01";
        assert_int_equal(volunteer_store_activity_create(&x.c, team, &past, &none, &e), ST_INVALID);
        volunteer_activity_new zero = an;
        zero.places = 0;
        assert_int_equal(volunteer_store_activity_create(&x.c, team, &zero, &none, &e), ST_INVALID);

        /* sign-up until full, at the boundary */
        assert_int_equal(volunteer_store_signup(&m1, act, &e), ST_OK);
        assert_int_equal(taken(&x, act), 1);
        assert_int_equal(volunteer_store_signup(&m1, act, &e), ST_CONFLICT);   /* twice */
        assert_string_equal(e.api_code, "already_signed_up");
        assert_int_equal(volunteer_store_signup(&m2, act, &e), ST_OK);          /* the last place */
        assert_int_equal(taken(&x, act), 2);
        int64_t before = fx_audit_rows(&x);
        assert_int_equal(volunteer_store_signup(&m3, act, &e), ST_CONFLICT);    /* full */
        assert_string_equal(e.api_code, "full");
        assert_int_equal(fx_audit_rows(&x), before);
        assert_int_equal(taken(&x, act), 2);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM volunteer_signup"), 2);

        /* cancelling frees a place, which the next one takes */
        assert_int_equal(volunteer_store_unsign(&m2, act, &e), ST_OK);
        assert_int_equal(taken(&x, act), 1);
        assert_int_equal(volunteer_store_unsign(&m2, act, &e), ST_CONFLICT);
        assert_int_equal(volunteer_store_signup(&m3, act, &e), ST_OK);
        assert_int_equal(taken(&x, act), 2);
        json_t *mine = NULL;
        assert_int_equal(volunteer_store_mine(&m2, &mine, &e), ST_OK);
        json_t *up = json_array_get(json_object_get(mine, "upcoming"), 0);
        assert_int_equal(json_integer_value(json_object_get(up, "left")), 0);
        assert_int_equal(json_integer_value(json_object_get(up, "signed_up")), 0);
        json_decref(mine);

        /* check-in with the code: only the signed-up, once */
        json_t *tk = NULL, *o = NULL;
        assert_int_equal(volunteer_store_token(&x.c, act, &tk, &e), ST_OK);
        char tok[MEETING_TOKEN_MAX];
        snprintf(tok, sizeof tok, "%s", json_string_value(json_object_get(tk, "token")));
        json_decref(tk);
        assert_int_equal(volunteer_store_checkin(&m1, tok, &o, &e), ST_OK);
        json_decref(o);
        assert_int_equal(volunteer_store_checkin(&m1, tok, &o, &e), ST_CONFLICT);
        assert_string_equal(e.api_code, "already_checked_in");
        assert_int_equal(volunteer_store_checkin(&m2, tok, &o, &e), ST_FORBIDDEN);   /* cancelled: not signed up */
        assert_string_equal(e.api_code, "not_signed_up");
        assert_null(o);
        assert_int_equal(volunteer_store_checkin(&m1, "1.2.00000000000000000000000000000000", &o, &e), ST_INVALID);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM volunteer_signup WHERE checked_in_at IS NOT NULL"), 1);
        /* signing up or cancelling once it has started: refused */
        clock_to(today, "10:30");
        assert_int_equal(volunteer_store_unsign(&m3, act, &e), ST_CONFLICT);

        /* hours: not before the end; then once, only for the checked in */
        int64_t done = 0;
        assert_int_equal(volunteer_store_confirm(&x.c, act, NULL, 0, &done, &e), ST_CONFLICT);
        clock_to(today, "13:00");
        volunteer_hours_item absent = {p3, 0};
        assert_int_equal(volunteer_store_confirm(&x.c, act, &absent, 1, &done, &e), ST_INVALID);   /* signed up, never came */
        assert_int_equal(volunteer_store_confirm(&x.c, act, NULL, 0, &done, &e), ST_OK);
        assert_int_equal(done, 1);
        assert_int_equal(volunteer_store_confirm(&x.c, act, NULL, 0, &done, &e), ST_CONFLICT);   /* nobody left to confirm */
        volunteer_hours_item again = {p1, 1.5};
        assert_int_equal(volunteer_store_confirm(&x.c, act, &again, 1, &done, &e), ST_CONFLICT);
        assert_string_equal(e.api_code, "already_confirmed");
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM volunteer_signup WHERE confirmed_at IS NOT NULL AND hours = 2"), 1);
        /* the activity log: one row for the points, traceable to the activity */
        assert_int_equal(fx_count(&x, arena_printf(&x.mem,
                                                   "SELECT COUNT(*) FROM activity WHERE kind = 'volunteer.hours' AND person_id = %lld "
                                                   "AND ref = 'volunteer:%lld' AND value = 2",
                                                   (long long)p1, (long long)act)),
                         1);

        /* the figures */
        json_t *items = NULL;
        int64_t total = 0;
        uc_page pg = {50, 0, NULL};
        assert_int_equal(volunteer_store_hours(&x.c, "member", NULL, NULL, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 1);
        assert_true(json_number_value(json_object_get(json_array_get(items, 0), "hours")) == 2.0);
        json_decref(items);
        assert_int_equal(volunteer_store_hours(&x.c, "team", NULL, NULL, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 1);
        json_decref(items);
        assert_int_equal(volunteer_store_hours(&huli, "team", NULL, NULL, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 0);   /* outside the district office's scope */
        json_decref(items);

        /* the certificate: the confirmed attendee's */
        volunteer_cert k;
        assert_int_equal(volunteer_store_cert(&m1, act, &k, &e), ST_OK);
        assert_string_equal(k.hours, "2");
        assert_int_equal(volunteer_store_cert(&m3, act, &k, &e), ST_CONFLICT);

        fx_exec(&x, "UPDATE person SET user_id = NULL");
        fx_exec(&x, "DELETE FROM users WHERE username LIKE 'voltest%'");
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_volunteers)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
