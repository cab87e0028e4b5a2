/* Unit tests for the notice store (src/notice/notice_store.c) on SQLite and,
 * when EJIA_TEST_PG_URL is set, PostgreSQL: the audience of a notice from the
 * city, a district and a branch is the registry's members inside the place
 * that day (one who moved away is not on it); a draft reaches nobody; one
 * audit row per act; an organization outside the sender's scope refused; the
 * read receipt once (read again: the first time stays); who has not read it;
 * withdrawn, it leaves the member's list; an unknown channel in the setting
 * refuses the publication and leaves the draft; and the reminders: a check-in
 * open now, a meeting coming, unread notices, leave to answer, a meeting not
 * recorded.  The clock is the test clock: 10:00 China time tomorrow. */
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
#include "notice/notice_store.h"
#include "org/org_store.h"
#include "org/org_fixture.h"
#include "meeting/meeting_fixture.h"

static int setup(void **state) {
    fx_setup(state);
    return mfx_clock_setup("noticetest");
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

static int64_t send(uc *c, const char *title, int64_t org, bool draft) {
    notice_new n = {.title = title, .body = "请按时参加。", .org_id = org, .draft = draft};
    int64_t id = 0;
    err e;
    if (notice_store_create(c, &n, &id, &e)) fail_msg("notice %s: %s", title, e.msg);
    return id;
}

static int64_t jint(json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }


/* The reminder of kind k in the user's bell (its count; 0 when none). */
static int64_t remind(uc *c, const char *k) {
    json_t *o = NULL;
    err e;
    if (notice_store_reminders(c, &o, &e)) fail_msg("reminders: %s", e.msg);
    int64_t n = 0;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(o, "items"), i, it) if (!strcmp(json_string_value(json_object_get(it, "kind")), k)) n += jint(it, "count");
    json_decref(o);
    return n;
}

static void test_notices(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        fx_exec(&x, "DELETE FROM users WHERE username = 'noticetest'");
        int64_t a = mfx_branch(&x, "中共测试甲公司支部", 'A'), b = mfx_branch(&x, "中共测试戊公司支部", 'E');
        int64_t zhang = reg(&x, a, "张三", "350203199003151236");
        int64_t li = reg(&x, a, "李四", "350203198511202349");
        int64_t wang = reg(&x, b, "王五", "350203199505054567");
        int64_t zhao = reg(&x, a, "赵六", "35020320000101345X");
        err e;
        member_change mv = {.day = "2020-03-01", .org_id = b};   /* 赵六 moved to the 湖里 branch */
        if (member_store_change(&x.c, zhao, &mv, &e)) fail_msg("move: %s", e.msg);
        (void)wang;
        /* the city: everyone; 思明: the members of 思明 today (赵六 has moved away); the branch: its own */
        int64_t audit0 = fx_audit_rows(&x);
        int64_t nc = send(&x.c, "全市通知", 0, false);
        assert_int_equal(fx_audit_rows(&x), audit0 + 1);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "notice.publish notice:%lld", (long long)nc));
        assert_int_equal(fx_count(&x, arena_printf(&x.mem, "SELECT recipients FROM notice WHERE id = %lld", (long long)nc)), 4);
        uc siming = fx_scoped(&x, "district", "350203"), huli = fx_scoped(&x, "district", "350206");
        siming.who.role = huli.who.role = "district";   /* the duties of the bell follow the role's permissions */
        int64_t nd = send(&siming, "思明区通知", 0, false);
        assert_int_equal(fx_count(&x, arena_printf(&x.mem, "SELECT recipients FROM notice WHERE id = %lld", (long long)nd)), 2);
        assert_int_equal(fx_count(&x, arena_printf(&x.mem, "SELECT COUNT(*) FROM notice_recipient WHERE notice_id = %lld AND person_id = %lld",
                                                   (long long)nd, (long long)zhao)), 0);
        char acode[24];
        snprintf(acode, sizeof acode, "%lld", (long long)a);
        uc sec = fx_scoped(&x, "org", acode);
        sec.who.role = "secretary";
        /* a draft reaches nobody; published, the branch's two */
        int64_t na = send(&sec, "支部通知", 0, true);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "notice.create notice:%lld", (long long)na));
        assert_int_equal(fx_count(&x, arena_printf(&x.mem, "SELECT COUNT(*) FROM notice_recipient WHERE notice_id = %lld", (long long)na)), 0);
        /* an unknown channel in the setting: refused, the notice stays a draft */
        assert_int_equal(cfg_set("notice-channels", "app,sms", &e), ST_OK);
        assert_int_equal(notice_store_publish(&sec, na, &e), ST_INVALID);
        assert_non_null(strstr(e.msg, "sms"));
        assert_int_equal(cfg_set("notice-channels", "app", &e), ST_OK);
        assert_int_equal(fx_count(&x, arena_printf(&x.mem, "SELECT COUNT(*) FROM notice WHERE id = %lld AND state = 'draft'", (long long)na)), 1);
        assert_int_equal(notice_store_publish(&sec, na, &e), ST_OK);
        assert_int_equal(notice_store_publish(&sec, na, &e), ST_CONFLICT);
        json_t *o = NULL;
        assert_int_equal(notice_store_get(&sec, na, &o, &e), ST_OK);
        assert_int_equal(jint(o, "recipients"), 2);
        assert_string_equal(json_string_value(json_object_get(o, "level")), "org");
        assert_string_equal(json_string_value(json_object_get(o, "scope_name")), "中共测试甲公司支部");
        json_decref(o);
        /* outside: the 湖里 office neither sees it nor writes to branch a */
        assert_int_equal(notice_store_get(&huli, na, &o, &e), ST_FORBIDDEN);
        notice_new out = {.title = "越权通知", .body = "正文", .org_id = a};
        int64_t id = 0;
        assert_int_equal(notice_store_create(&huli, &out, &id, &e), ST_FORBIDDEN);
        json_t *items = NULL;
        int64_t total = 0;
        notice_filter f = {0};
        assert_int_equal(notice_store_list(&huli, &f, NULL, &items, &total, &e), ST_OK);
        assert_int_equal(total, 0);
        json_decref(items);
        assert_int_equal(notice_store_list(&siming, &f, NULL, &items, &total, &e), ST_OK);
        assert_int_equal(total, 2);   /* its own and its branch's, not the city's */
        json_decref(items);
        /* zhang reads it: once */
        int64_t uid = 0;
        if (db_query_int(x.d, &uid,
                         "INSERT INTO users(username, name, role, scope_kind, scope_code, scope_name, password_hash) "
                         "VALUES ('noticetest', '张三', 'member', 'self', '0', '本人', 'x') RETURNING id",
                         &e, ""))
            fail_msg("user: %s", e.msg);
        if (db_run(x.d, "UPDATE person SET user_id = $1 WHERE id = $2", &e, "ii", uid, zhang)) fail_msg("link: %s", e.msg);
        uc me = x.c;
        me.who.user_id = uid;
        me.who.username = "noticetest";
        me.who.role = "member";
        me.who.scope_kind = "self";
        me.who.scope_code = "0";
        uc_page pg = {20, 0, NULL};
        assert_int_equal(notice_store_mine(&me, &pg, &o, &e), ST_OK);
        assert_int_equal(jint(o, "total"), 3);
        assert_int_equal(jint(o, "unread"), 3);
        assert_int_equal(jint(json_array_get(json_object_get(o, "items"), 0), "id"), na);   /* newest first */
        json_decref(o);
        assert_int_equal(remind(&me, "notice"), 3);
        audit0 = fx_audit_rows(&x);
        assert_int_equal(notice_store_read(&me, na, &e), ST_OK);
        assert_int_equal(notice_store_read(&me, na, &e), ST_OK);
        assert_int_equal(fx_audit_rows(&x), audit0 + 2);
        assert_int_equal(fx_count(&x, arena_printf(&x.mem, "SELECT read_count FROM notice WHERE id = %lld", (long long)na)), 1);
        assert_int_equal(remind(&me, "notice"), 2);
        assert_int_equal(notice_store_recipients(&sec, na, 0, NULL, &items, &total, &e), ST_OK);
        assert_int_equal(total, 1);
        assert_int_equal(jint(json_array_get(items, 0), "person_id"), li);
        assert_true(json_is_null(json_object_get(json_array_get(items, 0), "read_time")));
        json_decref(items);
        assert_int_equal(notice_store_recipients(&sec, na, 1, NULL, &items, &total, &e), ST_OK);
        assert_int_equal(total, 1);
        assert_int_equal(jint(json_array_get(items, 0), "person_id"), zhang);
        assert_true(json_is_string(json_object_get(json_array_get(items, 0), "read_time")));
        json_decref(items);
        /* not sent to them: not theirs to read */
        uc wme = me;
        assert_int_equal(notice_store_read(&wme, nd + 1000, &e), ST_NOT_FOUND);
        /* withdrawn: gone from the member's side, the receipt stays */
        assert_int_equal(notice_store_withdraw(&sec, na, NULL, &e), ST_INVALID);
        assert_string_equal(e.field, "reason");
        assert_int_equal(notice_store_withdraw(&sec, na, "发错了", &e), ST_OK);
        assert_int_equal(notice_store_withdraw(&sec, na, "再撤一次", &e), ST_CONFLICT);
        assert_int_equal(notice_store_mine_get(&me, na, &o, &e), ST_NOT_FOUND);
        assert_int_equal(notice_store_read(&me, na, &e), ST_NOT_FOUND);
        assert_int_equal(fx_count(&x, arena_printf(&x.mem, "SELECT read_count FROM notice WHERE id = %lld", (long long)na)), 1);
        /* reminders: a meeting now (check-in open), one in two days, leave asked, one not recorded */
        char in2[11], ago[11];
        meeting_day_add(mfx_today(), 2, in2);
        meeting_day_add(mfx_today(), -3, ago);
        meeting_new m1 = {.org_id = a, .kind = "党课", .day = mfx_today(), .start = "10:00", .end = "11:00", .topic = "现在"};
        meeting_new m2 = {.org_id = a, .kind = "主题党日", .day = in2, .start = "14:00", .end = "15:00", .topic = "后天"};
        meeting_new m3 = {.org_id = a, .kind = "党小组会", .day = ago, .start = "14:00", .end = "15:00"};
        int64_t i1, i2, i3;
        assert_int_equal(meeting_store_plan(&x.c, &m1, &i1, &e), ST_OK);
        assert_int_equal(meeting_store_plan(&x.c, &m2, &i2, &e), ST_OK);
        assert_int_equal(meeting_store_plan(&x.c, &m3, &i3, &e), ST_OK);
        assert_int_equal(remind(&me, "checkin"), 1);
        assert_int_equal(remind(&me, "meeting"), 1);
        assert_int_equal(remind(&me, "leave"), 0);   /* a member has no duties */
        assert_int_equal(remind(&sec, "unrecorded"), 1);
        assert_int_equal(remind(&huli, "unrecorded"), 0);
        assert_int_equal(meeting_store_leave_request(&me, i2, "出差", &e), ST_OK);
        assert_int_equal(remind(&sec, "leave"), 1);
        assert_int_equal(remind(&siming, "leave"), 1);
        assert_int_equal(remind(&huli, "leave"), 0);
        fx_exec(&x, "UPDATE person SET user_id = NULL");   /* the account can go on the next run */
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_notices),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
