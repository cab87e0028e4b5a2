/* Unit tests for the meeting store (src/meeting/meeting_store.c) on SQLite
 * and, when EJIA_TEST_PG_URL is set, PostgreSQL: the members expected are the
 * roll of the meeting's day (a member who moved away the day before is not on
 * it, one who moves the day after is); the quorum of a 支部党员大会 recorded
 * (exactly half of the 正式党员 is not enough); a locked record refused and
 * amended with its history; one audit row per act; the activity log written
 * once per member; the check-in once per member, refusals audited; the
 * year proposed and compliance of a finished quarter.  The clock is the test
 * clock (test-clock-file): 10:00 China time tomorrow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "base/clock.h"
#include "meeting/meeting_store.h"
#include "member/member_store.h"
#include "org/org_store.h"
#include "org/org_fixture.h"
#include "meeting/meeting_fixture.h"

static int setup(void **state) {
    fx_setup(state);
    return mfx_clock_setup("meetingtest");
}

static int teardown(void **state) {
    mfx_clock_done();
    return fx_teardown(state);
}

static int64_t reg(fx *x, int64_t org, const char *name, const char *id, const char *category) {
    member_new m = {.name = name, .id_number = id, .org_id = org, .category = category, .joined_on = "2015-07-01",
                    .full_on = !strcmp(category, MEMBER_FULL) ? "2016-07-01" : NULL, .day = "2019-01-01"};
    int64_t person = 0;
    err e;
    if (member_store_register(&x->c, &m, &person, NULL, &e)) fail_msg("register %s: %s", name, e.msg);
    return person;
}

static int64_t plan(fx *x, int64_t org, const char *kind, const char *day) {
    meeting_new m = {.org_id = org, .kind = kind, .day = day, .start = "10:00", .end = "11:00", .place = "活动室", .topic = kind};
    int64_t id = 0;
    err e;
    if (meeting_store_plan(&x->c, &m, &id, &e)) fail_msg("plan %s %s: %s", kind, day, e.msg);
    return id;
}


static void test_roll_quorum_lock(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        int64_t a = mfx_branch(&x, "中共测试甲公司支部", 'A'), b = mfx_branch(&x, "中共测试戊公司支部", 'E');
        int64_t zhang = reg(&x, a, "张三", "350203199003151236", MEMBER_FULL);
        int64_t li = reg(&x, a, "李四", "350203198511202349", MEMBER_FULL);
        int64_t an = reg(&x, a, "安然", "35020320000101345X", MEMBER_FULL);
        int64_t wang = reg(&x, a, "王五", "350203199505054567", MEMBER_PROBATION);
        err e;
        member_change mv = {.day = "2020-03-01", .org_id = b};   /* 李四 leaves on 2020-03-01 */
        if (member_store_change(&x.c, li, &mv, &e)) fail_msg("move: %s", e.msg);
        int64_t before = plan(&x, a, MEETING_ASSEMBLY, "2020-02-29"), on = plan(&x, a, MEETING_ASSEMBLY, "2020-03-01");
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM meeting_attendee WHERE meeting_id IN (SELECT MIN(id) FROM meeting)"), 4);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM meeting_attendee WHERE meeting_id IN (SELECT MAX(id) FROM meeting)"), 3);
        (void)before;
        /* 2 正式党员 on 2020-03-01 (李四 left that day): one of them and the probationer present is
           exactly half — not enough */
        int64_t audit0 = fx_audit_rows(&x);
        int64_t pres[] = {zhang, wang};
        meeting_record r = {.present = pres, .n_present = 2, .minutes = "记录"};
        assert_int_equal(meeting_store_record(&x.c, on, &r, &e), ST_OK);
        assert_int_equal(fx_audit_rows(&x), audit0 + 1);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "meeting.record meeting:%lld", (long long)on));
        json_t *o = NULL;
        assert_int_equal(meeting_store_get(&x.c, on, &o, &e), ST_OK);
        assert_int_equal(json_integer_value(json_object_get(o, "quorum")), 0);
        assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "quorum_detail"), "voting")), 2);
        assert_true(json_is_true(json_object_get(o, "locked")));
        json_decref(o);
        assert_int_equal(meeting_store_record(&x.c, on, &r, &e), ST_CONFLICT);   /* locked long ago */
        assert_string_equal(e.api_code, "locked");
        int64_t pres2[] = {zhang, an};
        meeting_record am = {.present = pres2, .n_present = 2, .reason = "补登出席人员"};
        assert_int_equal(meeting_store_amend(&x.c, on, &am, &e), ST_OK);
        assert_int_equal(fx_count(&x, "SELECT quorum FROM meeting WHERE id = (SELECT MAX(id) FROM meeting)"), 1);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM meeting_amendment"), 1);
        meeting_record noreason = {.topic = "x"};
        assert_int_equal(meeting_store_amend(&x.c, on, &noreason, &e), ST_INVALID);
        assert_string_equal(e.field, "reason");
        /* the activity log: 张三 and 王五 at the record, 安然 at the amendment, each once; the branch once */
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM activity WHERE kind = 'meeting.attended'"), 3);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM activity WHERE kind = 'meeting.held'"), 1);
        /* someone not on the roll of the day */
        int64_t bad[] = {li};
        meeting_record r3 = {.present = bad, .n_present = 1};
        int64_t p3 = plan(&x, a, "党课", "2020-03-02");
        assert_int_equal(meeting_store_record(&x.c, p3, &r3, &e), ST_INVALID);
        assert_string_equal(e.field, "present");
        /* a district office outside: refused */
        uc huli = fx_scoped(&x, "district", "350206");
        meeting_new m = {.org_id = a, .kind = "党课", .day = "2020-05-01", .start = "09:00", .end = "10:00"};
        int64_t id = 0;
        assert_int_equal(meeting_store_plan(&huli, &m, &id, &e), ST_FORBIDDEN);
        fx_close(&x);
    }
}

/* A valid 18-digit ID number: 350203 1980 01 01, sequence n (0..999). */
static void id_of(int n, char out[19]) {
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    snprintf(out, 19, "35020319800101%03d", n % 1000);
    int sum = 0;
    for (int i = 0; i < 17; i++) sum += (out[i] - '0') * w[i];
    out[17] = "10X98765432"[sum % 11];
    out[18] = 0;
}

/* A large branch: its roll and its attendance written in chunks (the PostgreSQL
 * backend takes 64 parameters a statement), every member on the list and present. */
static void test_large_branch(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        int64_t g = mfx_branch(&x, "中共测试庚公司支部", 'G');
        enum { N = 130 };
        int64_t ids[N];
        static const char *const names[] = {"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"};
        for (int i = 0; i < N; i++) {
            char id[19], name[32];
            id_of(i, id);
            snprintf(name, sizeof name, "测%s%s", names[i / 10 % 10], names[i % 10]);
            if (i >= 100) snprintf(name, sizeof name, "员%s%s", names[i / 10 % 10], names[i % 10]);
            ids[i] = reg(&x, g, name, id, MEMBER_FULL);
        }
        int64_t m = plan(&x, g, MEETING_ASSEMBLY, "2020-06-01");
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM meeting_attendee"), N);
        meeting_record r = {.present = ids, .n_present = N};
        err e;
        assert_int_equal(meeting_store_record(&x.c, m, &r, &e), ST_OK);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM meeting_attendee WHERE status = 'present' AND logged = 1"), N);
        assert_int_equal(fx_count(&x, "SELECT quorum FROM meeting"), 1);
        fx_close(&x);
    }
}

static void test_checkin(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        fx_exec(&x, "DELETE FROM users WHERE username = 'meetingtest'");
        int64_t a = mfx_branch(&x, "中共测试甲公司支部", 'A'), b = mfx_branch(&x, "中共测试戊公司支部", 'E');
        int64_t zhang = reg(&x, a, "张三", "350203199003151236", MEMBER_FULL);
        reg(&x, b, "李四", "350203198511202349", MEMBER_FULL);
        int64_t uid = 0;
        err e;
        if (db_query_int(x.d, &uid,
                         "INSERT INTO users(username, name, role, scope_kind, scope_code, scope_name, password_hash) "
                         "VALUES ('meetingtest', '张三', 'member', 'self', '0', '本人', 'x') RETURNING id",
                         &e, ""))
            fail_msg("user: %s", e.msg);
        if (db_run(x.d, "UPDATE person SET user_id = $1 WHERE id = $2", &e, "ii", uid, zhang)) fail_msg("link: %s", e.msg);
        int64_t ma = plan(&x, a, "主题党日", mfx_today()), mb = plan(&x, b, "主题党日", mfx_today());
        json_t *t = NULL, *o = NULL;
        assert_int_equal(meeting_store_token(&x.c, ma, &t, &e), ST_OK);
        char tok[MEETING_TOKEN_MAX];
        snprintf(tok, sizeof tok, "%s", json_string_value(json_object_get(t, "token")));
        json_decref(t);
        uc me = x.c;
        me.who.user_id = uid;
        me.who.username = "meetingtest";
        me.who.role = "member";
        me.who.scope_kind = "self";
        me.who.scope_code = "0";
        int64_t audit0 = fx_audit_rows(&x);
        /* the audit log is append-only and shared by every run on PostgreSQL: count what this run adds */
        int64_t refused0 = fx_count(&x, "SELECT COUNT(*) FROM audit WHERE action = 'meeting.checkin' AND result = 'refused'");
        assert_int_equal(meeting_store_checkin(&me, tok, false, &o, &e), ST_OK);
        json_decref(o);
        assert_int_equal(fx_audit_rows(&x), audit0 + 1);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "meeting.checkin meeting:%lld", (long long)ma));
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM meeting_attendee WHERE status = 'present' AND checked_in_at IS NOT NULL"), 1);
        /* replayed */
        assert_int_equal(meeting_store_checkin(&me, tok, false, &o, &e), ST_CONFLICT);
        assert_null(o);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM audit WHERE action = 'meeting.checkin' AND result = 'refused'"), refused0 + 1);
        /* the other branch's code: not on its roll */
        assert_int_equal(meeting_store_token(&x.c, mb, &t, &e), ST_OK);
        snprintf(tok, sizeof tok, "%s", json_string_value(json_object_get(t, "token")));
        json_decref(t);
        assert_int_equal(meeting_store_checkin(&me, tok, true, &o, &e), ST_FORBIDDEN);
        assert_int_equal(meeting_store_checkin(&me, "1.2.00000000000000000000000000000000", false, &o, &e), ST_INVALID);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM audit WHERE action = 'meeting.checkin' AND result = 'refused'"), refused0 + 3);
        /* leave after checking in: refused */
        assert_int_equal(meeting_store_leave_request(&me, ma, "事假", &e), ST_CONFLICT);
        json_t *mine = NULL;
        assert_int_equal(meeting_store_mine(&me, &mine, &e), ST_OK);
        assert_int_equal(json_array_size(json_object_get(mine, "coming")), 1);
        json_decref(mine);
        fx_exec(&x, "UPDATE person SET user_id = NULL");   /* the account can go on the next run */
        fx_close(&x);
    }
}

static void test_propose_and_compliance(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        int64_t a = mfx_branch(&x, "中共测试甲公司支部", 'A');
        reg(&x, a, "张三", "350203199003151236", MEMBER_FULL);
        err e;
        int year = atoi(mfx_today()) + 1, n = 0;
        assert_int_equal(meeting_store_propose(&x.c, a, year, &n, &e), ST_OK);
        assert_int_equal(n, 35);   /* no committee: 4 + 12 + 4 + 12 + 1 + 1 + 1 */
        assert_int_equal(meeting_store_propose(&x.c, a, year, &n, &e), ST_OK);
        assert_int_equal(n, 0);
        /* 主题党日 on a fixed day: the 15th, or the Monday after when it falls on a weekend */
        int64_t b = mfx_branch(&x, "中共测试戊公司支部", 'E');
        assert_int_equal(cfg_set("rule-meeting-theme-day", "15", &e), ST_OK);
        assert_int_equal(meeting_store_propose(&x.c, b, year, &n, &e), ST_OK);
        assert_int_equal(cfg_set("rule-meeting-theme-day", "0", &e), ST_OK);
        json_t *themes = NULL;
        if (db_query_json(x.d, &themes, "SELECT day FROM meeting WHERE org_id = $1 AND kind = '主题党日'", &e, "i", b))
            fail_msg("%s", e.msg);
        assert_int_equal(json_array_size(themes), 12);
        size_t ti;
        json_t *tr;
        json_array_foreach(themes, ti, tr) {
            const char *d = json_string_value(json_object_get(tr, "day"));
            int dom = atoi(d + 8), wd = meeting_weekday(d);
            assert_true(wd >= 1 && wd <= 5);
            assert_true(dom == 15 || (dom == 16 && wd == 1) || (dom == 17 && wd == 1));
        }
        json_decref(themes);
        /* 2025-Q1: a 支部党员大会 on its last day and every monthly meeting */
        const char *days[] = {"2025-01-10", "2025-02-10", "2025-03-31"};
        for (int i = 0; i < 3; i++) {
            meeting_record r = {0};
            int64_t g = plan(&x, a, "党小组会", days[i]), t = plan(&x, a, "主题党日", days[i]);
            assert_int_equal(meeting_store_record(&x.c, g, &r, &e), ST_OK);
            assert_int_equal(meeting_store_record(&x.c, t, &r, &e), ST_OK);
        }
        meeting_record r = {0};
        assert_int_equal(meeting_store_record(&x.c, plan(&x, a, MEETING_ASSEMBLY, "2025-03-31"), &r, &e), ST_OK);
        assert_int_equal(meeting_store_record(&x.c, plan(&x, a, "党课", "2025-01-02"), &r, &e), ST_OK);
        meeting_period q;
        meeting_period_parse("2025-Q1", &q);
        json_t *card = NULL;
        assert_int_equal(meeting_store_scorecard(&x.c, a, &q, &card, &e), ST_OK);
        json_t *mt = json_object_get(json_object_get(card, "sections"), "meetings");
        assert_string_equal(json_string_value(json_object_get(mt, "status")), "green");
        assert_int_equal(json_integer_value(json_object_get(mt, "required")), 8);   /* 1 + 3 + 1 + 3 */
        assert_int_equal(json_integer_value(json_object_get(mt, "held")), 8);
        assert_int_equal(json_integer_value(json_object_get(mt, "idle_days")), 0);
        assert_int_equal(json_integer_value(json_object_get(mt, "due")), 8);
        assert_int_equal(json_integer_value(json_object_get(mt, "on_time")), 8);
        assert_true(json_real_value(json_object_get(mt, "rate")) == 1.0);
        json_decref(card);
        meeting_period_parse("2025-Q2", &q);
        assert_int_equal(meeting_store_scorecard(&x.c, a, &q, &card, &e), ST_OK);
        mt = json_object_get(json_object_get(card, "sections"), "meetings");
        assert_string_equal(json_string_value(json_object_get(mt, "status")), "red");
        json_decref(card);
        json_t *rows = NULL;
        meeting_period_parse("2025-Q1", &q);
        assert_int_equal(meeting_store_compliance(&x.c, &q, "district", NULL, NULL, &rows, &e), ST_OK);
        assert_true(json_array_size(rows) >= 1);
        json_decref(rows);
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roll_quorum_lock),
        cmocka_unit_test(test_large_branch),
        cmocka_unit_test(test_checkin),
        cmocka_unit_test(test_propose_and_compliance),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
