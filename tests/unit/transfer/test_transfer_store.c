/* Unit tests for the transfer store (src/transfer/transfer_store.c) on SQLite
 * and, when EJIA_TEST_PG_URL is set, PostgreSQL: a transfer inside the system
 * requested, approved by the sending side and accepted by the receiving one —
 * the membership moved as a dated event (yesterday's standing is still the old
 * branch), one audit row per step, a step out of turn refused; the reminders'
 * counts of each side; dues owed up to the month of leaving refuse the
 * approval (api code dues_unpaid) unless a reason is given, which is kept; a
 * letter out of the system numbered, its receipt ending the membership here.
 * The clock is the test clock: 10:00 China time tomorrow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "base/clock.h"
#include "core/day.h"
#include "member/member_store.h"
#include "org/org_store.h"
#include "transfer/transfer_store.h"
#include "org/org_fixture.h"
#include "meeting/meeting_fixture.h"

static int setup(void **state) {
    fx_setup(state);
    return mfx_clock_setup("transfertest");
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

static const char *state_of(fx *x, int64_t id) {
    static char s[32];
    json_t *o = NULL;
    err e;
    if (transfer_store_get(&x->c, id, &o, &e)) fail_msg("get %lld: %s", (long long)id, e.msg);
    snprintf(s, sizeof s, "%s", json_string_value(json_object_get(o, "state")));
    json_decref(o);
    return s;
}

static void act_ok(fx *x, int64_t id, const char *action, const char *side, const transfer_act *a) {
    int64_t before = fx_audit_rows(x);
    err e;
    if (transfer_store_act(&x->c, id, action, side, a, &e)) fail_msg("%s: %s", action, e.msg);
    assert_int_equal(fx_audit_rows(x), before + 1);   /* one row per step, the registry's change a part of it */
}

static void test_transfers(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        int64_t a = mfx_branch(&x, "中共测试甲公司支部", 'A'), b = mfx_branch(&x, "中共测试戊公司支部", 'E');
        int64_t zhang = reg(&x, a, "张三", "350203199003151236");
        int64_t li = reg(&x, a, "李四", "350203198511202349");
        err e;
        const char *today = mfx_today();
        char yesterday[11];
        day_add(today, -1, yesterday);

        /* inside the system */
        transfer_new n = {.kind = "internal", .person_id = zhang, .to_org_id = b, .reason = "工作调动"};
        int64_t t1 = 0;
        assert_int_equal(transfer_store_request(&x.c, &n, false, &t1, &e), ST_OK);
        assert_string_equal(state_of(&x, t1), "requested");
        int64_t id2 = 0;
        assert_int_equal(transfer_store_request(&x.c, &n, false, &id2, &e), ST_CONFLICT);   /* one open transfer a person */
        assert_string_equal(e.api_code, "open_transfer");
        int64_t ap = 0, ac = 0;
        assert_int_equal(transfer_store_pending_counts(&x.c, &ap, &ac, &e), ST_OK);
        assert_int_equal(ap, 1);
        assert_int_equal(ac, 0);
        transfer_act none = {0};
        assert_int_equal(transfer_store_act(&x.c, t1, "accept", TRANSFER_RECEIVER, &none, &e), ST_CONFLICT);   /* not sent yet */
        assert_string_equal(e.api_code, "state");
        act_ok(&x, t1, "approve", TRANSFER_SENDER, &none);
        assert_string_equal(state_of(&x, t1), "sent");
        assert_int_equal(transfer_store_pending_counts(&x.c, &ap, &ac, &e), ST_OK);
        assert_int_equal(ap, 0);
        assert_int_equal(ac, 1);
        act_ok(&x, t1, "accept", TRANSFER_RECEIVER, &none);
        assert_string_equal(state_of(&x, t1), "accepted");
        member_standing ms;
        assert_int_equal(member_store_standing(&x.c, zhang, today, &ms, &e), ST_OK);
        assert_int_equal(ms.org_id, b);
        assert_int_equal(member_store_standing(&x.c, zhang, yesterday, &ms, &e), ST_OK);
        assert_int_equal(ms.org_id, a);   /* dated: the old branch's roll of yesterday keeps them */

        /* a 流动党员 whose membership moves: the open flow ends on the day, the state is 正常 again */
        int64_t wang = reg(&x, a, "王五", "350203199201012317");
        member_change fl = {.day = today, .state = "流动"};
        assert_int_equal(member_store_change(&x.c, wang, &fl, &e), ST_OK);
        char fsql[640];
        snprintf(fsql, sizeof fsql,
                 "INSERT INTO member_flow(person_id, name, home_org_id, home_path, manager_org_id, manager_path, place, reason, "
                 "direction, from_day, created_by) SELECT %lld, '王五', o.id, o.path, o.id, o.path, '外省', '务工经商', 'out', '%s', "
                 "'test' FROM org o WHERE o.id = %lld",
                 (long long)wang, today, (long long)a);
        fx_exec(&x, fsql);
        transfer_new nw = {.kind = "internal", .person_id = wang, .to_org_id = b, .reason = "流入地转接"};
        int64_t t3 = 0;
        assert_int_equal(transfer_store_request(&x.c, &nw, false, &t3, &e), ST_OK);
        act_ok(&x, t3, "approve", TRANSFER_SENDER, &none);
        act_ok(&x, t3, "accept", TRANSFER_RECEIVER, &none);
        assert_int_equal(member_store_standing(&x.c, wang, today, &ms, &e), ST_OK);
        assert_int_equal(ms.org_id, b);
        char *fst = NULL;
        snprintf(fsql, sizeof fsql, "SELECT m.state || ' ' || f.to_day || ' ' || f.ended FROM member m JOIN member_flow f ON "
                                    "f.person_id = m.person_id WHERE m.person_id = %lld", (long long)wang);
        assert_int_equal(db_query_text(x.d, &fst, fsql, &e, ""), ST_OK);
        assert_string_equal(fst, arena_printf(&x.mem, "正常 %s handed_over", today));
        free(fst);

        /* out of the system, dues owed: refused, then approved with a reason */
        char m0[8], sql[512];
        snprintf(m0, sizeof m0, "%.7s", today);
        snprintf(sql, sizeof sql,
                 "INSERT INTO dues_base(person_id, from_month, kind, amount_fen, rule, declared_by, actor) VALUES (%lld, '%s', 'student', "
                 "20, '学生党员每月定额 0.20 元', 'secretary', 'test')",
                 (long long)li, m0);
        fx_exec(&x, sql);
        transfer_new o = {.kind = "out", .person_id = li, .to_name = "中共北京市某公司支部委员会"};
        int64_t t2 = 0;
        assert_int_equal(transfer_store_request(&x.c, &o, false, &t2, &e), ST_OK);
        int64_t rows = fx_audit_rows(&x);
        assert_int_equal(transfer_store_act(&x.c, t2, "approve", TRANSFER_SENDER, &none, &e), ST_CONFLICT);
        assert_string_equal(e.api_code, "dues_unpaid");
        assert_string_equal(e.field, "override_reason");
        assert_int_equal(fx_audit_rows(&x), rows);
        transfer_act why = {.override_reason = "到新单位后补缴"};
        act_ok(&x, t2, "approve", TRANSFER_SENDER, &why);
        assert_string_equal(state_of(&x, t2), "letter");
        json_t *g = NULL;
        assert_int_equal(transfer_store_get(&x.c, t2, &g, &e), ST_OK);
        assert_string_equal(json_string_value(json_object_get(g, "dues_override")), "到新单位后补缴");
        assert_non_null(strstr(json_string_value(json_object_get(g, "dues_owed")), m0));
        assert_non_null(strstr(json_string_value(json_object_get(g, "letter_no")), "〕第"));
        json_decref(g);
        transfer_act back = {.note = "回执已寄回"};
        act_ok(&x, t2, "receipt", TRANSFER_SENDER, &back);
        assert_string_equal(state_of(&x, t2), "completed");
        assert_int_equal(member_store_standing(&x.c, li, today, &ms, &e), ST_OK);
        assert_string_equal(ms.state, "转出");   /* still in the party, off these rolls */
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transfers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
