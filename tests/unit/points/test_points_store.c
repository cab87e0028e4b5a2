/* Unit tests for the points ledger (src/points/) on SQLite and, when
 * EJIA_TEST_PG_URL is set, PostgreSQL: the pure rules (period keys, the cap,
 * ranks); rule versions by date (a new version counts from its day only, a
 * past line keeps its version); caps per month and year (a void past the cap
 * takes back only what was counted); a rule needing approval makes a pending
 * claim, approved into a line; a member's claim with evidence approved, one
 * refused (reason required), a deduction; recompute from scratch equals the
 * stored ledger after several incremental runs, and a rebuild gives the same
 * totals; a ranking's ties (shared rank, earlier last day first); a unit's
 * total for the assessment.  The clock is the test clock: 10:00 tomorrow. */
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
#include "points/points.h"
#include "points/points_store.h"
#include "org/org_fixture.h"
#include "meeting/meeting_fixture.h"

static int setup(void **state) {
    fx_setup(state);
    return mfx_clock_setup("pointstest");
}

static int teardown(void **state) {
    mfx_clock_done();
    return fx_teardown(state);
}

static void test_pure(void **state) {
    (void)state;
    char k[16], f[11], u[11];
    assert_true(points_period_key("month", "2026-09-14", k));
    assert_string_equal(k, "2026-09");
    assert_true(points_period_key("quarter", "2026-09-14", k));
    assert_string_equal(k, "2026-Q3");
    assert_true(points_period_key("quarter", "2026-10-01", k));
    assert_string_equal(k, "2026-Q4");
    assert_true(points_period_key("year", "2026-09-14", k));
    assert_string_equal(k, "2026");
    assert_false(points_period_key("week", "2026-09-14", k));
    assert_true(points_period_parse("2024-02", f, u));
    assert_string_equal(u, "2024-02-29");
    assert_true(points_period_parse("2026-Q3", f, u));
    assert_string_equal(f, "2026-07-01");
    assert_string_equal(u, "2026-09-30");
    assert_false(points_period_parse("2026-13", f, u));
    /* cap 10: 8 then 4 (2 counted); a void of 3 when the raw sum is 9 takes back 1 (10 counted, 9 earned) */
    assert_int_equal(points_capped(10, 8, 8), 8);
    assert_int_equal(points_capped(10, 12, 4), 2);
    assert_int_equal(points_capped(10, 9, -3), -1);
    assert_int_equal(points_capped(-1, 99, 7), 7);
    int64_t pts[] = {50, 30, 30, 10};
    int rank[4];
    points_rank(pts, 4, rank);
    assert_int_equal(rank[0], 1);
    assert_int_equal(rank[1], 2);
    assert_int_equal(rank[2], 2);
    assert_int_equal(rank[3], 4);
}

static int64_t reg(fx *x, int64_t org, const char *name, const char *id) {
    member_new m = {.name = name, .id_number = id, .org_id = org, .category = MEMBER_FULL, .joined_on = "2015-07-01",
                    .full_on = "2016-07-01", .day = "2019-01-01"};
    int64_t person = 0;
    err e;
    if (member_store_register(&x->c, &m, &person, NULL, &e)) fail_msg("register %s: %s", name, e.msg);
    return person;
}

static void act(fx *x, int64_t person, int64_t org, const char *kind, const char *day, const char *ref, double value) {
    member_activity a = {person, org, kind, day, ref, value};
    err e;
    if (db_begin(x->d, &e) || member_store_activity(&x->c, &a, &e) || db_commit(x->d, &e)) fail_msg("activity %s: %s", kind, e.msg);
}

static void run(fx *x) {
    err e;
    int64_t l = 0, k = 0;
    if (points_store_run(&x->c, &l, &k, &e)) fail_msg("run: %s", e.msg);
}

static int64_t sum(fx *x, const char *where) {
    char q[1024];
    snprintf(q, sizeof q, "SELECT COALESCE(SUM(points), 0) FROM points_line WHERE %s", where);
    return fx_count(x, q);
}

static void equal_ledger_at(fx *x, int line) {
    int64_t missing = -1, extra = -1;
    err e;
    if (points_store_verify(&x->c, &missing, &extra, &e)) fail_msg("verify: %s", e.msg);
    if (missing || extra) fail_msg("line %d: recompute differs from the ledger: %lld missing, %lld extra", line, (long long)missing, (long long)extra);
}
#define equal_ledger(x) equal_ledger_at(x, __LINE__)

static void test_ledger(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        const char *today = mfx_today();
        char tomorrow[11], month[8], year[5], sql[512];
        meeting_day_add(today, 1, tomorrow);
        snprintf(month, sizeof month, "%.7s", today);
        snprintf(year, sizeof year, "%.4s", today);
        int64_t br = mfx_branch(&x, "积分测试支部", 'A'), br2 = mfx_branch(&x, "积分测试第二支部", 'E');
        int64_t li = reg(&x, br, "李积分", "35020319900101123X"), wang = reg(&x, br, "王积分", "350203199202022349"),
                zhao = reg(&x, br2, "赵积分", "350206198803033451");

        /* caps per month: meeting.attend 2 points a meeting, at most 10 a month */
        for (int i = 0; i < 6; i++) {
            char ref[32];
            snprintf(ref, sizeof ref, "meeting:%d", 900 + i);
            act(&x, li, br, "meeting.attended", today, ref, 1);
        }
        run(&x);
        snprintf(sql, sizeof sql, "subject = 'member' AND subject_id = %lld AND code = 'meeting.attend'", (long long)li);
        assert_int_equal(sum(&x, sql), 1000);
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM points_line WHERE subject_id = %lld AND code = 'meeting.attend' AND points = 0",
                 (long long)li);
        assert_int_equal(fx_count(&x, sql), 1);   /* the sixth is a line of 0: explained, not hidden */

        /* caps per year, with a void: 10 months then 5 (12 counted), 3 voided — still 12 paid, nothing taken back */
        act(&x, wang, br, "dues.paid", today, "dues_payment:1", 10);
        act(&x, wang, br, "dues.paid", today, "dues_payment:2", 5);
        run(&x);
        act(&x, wang, br, "dues.voided", today, "dues_payment:2", -3);
        act(&x, wang, br, "dues.voided", today, "dues_payment:1", -10);
        run(&x);
        snprintf(sql, sizeof sql, "subject = 'member' AND subject_id = %lld AND code = 'dues'", (long long)wang);
        assert_int_equal(sum(&x, sql), 200);   /* 2 months paid remain */
        equal_ledger(&x);

        /* study hours: value × points (0.2 h = 0.2 point), the organization's meetings */
        act(&x, zhao, 0, "study.online", today, "online:7", 0.2);
        act(&x, 0, br2, "meeting.held", today, "meeting:950", 1);
        run(&x);
        snprintf(sql, sizeof sql, "subject = 'member' AND subject_id = %lld", (long long)zhao);
        assert_int_equal(sum(&x, sql), 20);
        snprintf(sql, sizeof sql, "subject = 'org' AND subject_id = %lld", (long long)br2);
        assert_int_equal(sum(&x, sql), 500);

        /* a new version from tomorrow: 3 points a meeting from then on; today's lines keep version 1 */
        json_t *o = NULL;
        assert_int_equal(points_store_rules(&x.c, &o, &e), ST_OK);
        json_t *v1 = json_array_get(json_object_get(o, "items"), 0);
        int64_t v1id = json_integer_value(json_object_get(v1, "id"));
        json_t *rules = json_deep_copy(json_object_get(v1, "rules"));
        json_decref(o);
        size_t i;
        json_t *r;
        json_array_foreach(rules, i, r) if (!strcmp(json_string_value(json_object_get(r, "code")), "meeting.attend")) {
            json_object_set_new(r, "points", json_integer(300));
            json_object_set_new(r, "cap", json_null());
        }
        int64_t v2 = 0;
        assert_int_equal(points_store_version_add(&x.c, today, "不能从今天起", rules, &v2, &e), ST_INVALID);   /* not today: after it */
        int64_t rows = fx_audit_rows(&x);
        if (points_store_version_add(&x.c, tomorrow, "参加组织生活 3 分", rules, &v2, &e)) fail_msg("version: %s", e.msg);
        assert_int_equal(fx_audit_rows(&x), rows + 1);
        json_decref(rules);
        act(&x, li, br, "meeting.attended", tomorrow, "meeting:960", 1);
        act(&x, li, br, "meeting.attended", today, "meeting:961", 1);   /* recorded late, for today: version 1, capped */
        run(&x);
        snprintf(sql, sizeof sql, "SELECT points FROM points_line WHERE ref = 'meeting:960' AND subject_id = %lld", (long long)li);
        assert_int_equal(fx_count(&x, sql), 300);
        snprintf(sql, sizeof sql, "SELECT version_id FROM points_line WHERE ref = 'meeting:960' AND subject_id = %lld", (long long)li);
        assert_int_equal(fx_count(&x, sql), v2);
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM points_line WHERE ref = 'meeting:900' AND version_id = %lld AND points = 200",
                 (long long)v1id);
        assert_int_equal(fx_count(&x, sql), 1);
        snprintf(sql, sizeof sql, "SELECT points FROM points_line WHERE ref = 'meeting:961' AND subject_id = %lld", (long long)li);
        assert_int_equal(fx_count(&x, sql), 0);
        equal_ledger(&x);

        /* a rule needing approval: the alliance's activity becomes a pending claim */
        act(&x, 0, br, "alliance.activity", today, "alliance:3", 1);
        run(&x);
        int64_t ac = fx_count(&x, "SELECT id FROM points_claim WHERE kind = 'activity' AND state = 'pending'");
        assert_true(ac > 0);
        snprintf(sql, sizeof sql, "subject = 'org' AND subject_id = %lld AND code = 'org.alliance'", (long long)br);
        assert_int_equal(sum(&x, sql), 0);
        assert_int_equal(points_store_claim_decide(&x.c, ac, true, NULL, &e), ST_OK);
        assert_int_equal(sum(&x, sql), 1000);
        assert_int_equal(points_store_claim_decide(&x.c, ac, true, NULL, &e), ST_CONFLICT);   /* decided once */

        /* a member's claim with evidence (by an officer), approved; one refused without a reason is refused */
        char ev[64];
        snprintf(ev, sizeof ev, "/tmp/ejia-points-ev-%d.png", (int)getpid());
        FILE *fp = fopen(ev, "wb");
        fwrite("\x89PNG\r\n\x1a\n0000", 1, 12, fp);
        fclose(fp);
        char dir[80];
        snprintf(dir, sizeof dir, "/tmp/ejia-points-files-%d", (int)getpid());
        assert_int_equal(cfg_set("points-files-dir", dir, &e), ST_OK);
        points_claim_new n = {.subject = "member", .subject_id = wang, .code = "claim.award", .day = today, .title = "获评市级优秀共产党员",
                              .evidence_path = ev, .evidence_name = "证书.png"};
        int64_t k1 = 0, k2 = 0, d1 = 0;
        assert_int_equal(points_store_claim_submit(&x.c, &n, false, &k1, &e), ST_OK);
        n.code = "claim.nothing";
        assert_int_equal(points_store_claim_submit(&x.c, &n, false, &k2, &e), ST_INVALID);
        n.code = "claim.title";
        n.title = "获评党员示范岗";
        assert_int_equal(points_store_claim_submit(&x.c, &n, false, &k2, &e), ST_OK);
        assert_int_equal(points_store_claim_decide(&x.c, k1, true, "材料属实", &e), ST_OK);
        assert_int_equal(points_store_claim_decide(&x.c, k2, false, NULL, &e), ST_INVALID);
        assert_int_equal(points_store_claim_decide(&x.c, k2, false, "证明材料不清晰", &e), ST_OK);
        snprintf(sql, sizeof sql, "SELECT points FROM points_line WHERE claim_id = %lld", (long long)k1);
        assert_int_equal(fx_count(&x, sql), 1000);
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM points_line WHERE claim_id = %lld", (long long)k2);
        assert_int_equal(fx_count(&x, sql), 0);
        /* a deduction with a reason */
        assert_int_equal(points_store_deduct(&x.c, "member", zhao, today, 50, "x", &d1, &e), ST_INVALID);
        assert_int_equal(points_store_deduct(&x.c, "member", zhao, today, 50, "无故缺席主题党日", &d1, &e), ST_OK);
        snprintf(sql, sizeof sql, "subject = 'member' AND subject_id = %lld", (long long)zhao);
        assert_int_equal(sum(&x, sql), -30);
        equal_ledger(&x);

        /* recompute from scratch: the same lines, the same totals */
        int64_t total_before = fx_count(&x, "SELECT SUM(points) FROM points_total WHERE LENGTH(period) = 4");
        int64_t lines_before = fx_count(&x, "SELECT COUNT(*) FROM points_line");
        int64_t nl = 0;
        assert_int_equal(points_store_rebuild(&x.c, &nl, &e), ST_OK);
        assert_int_equal(nl, lines_before);
        assert_int_equal(fx_count(&x, "SELECT SUM(points) FROM points_total WHERE LENGTH(period) = 4"), total_before);
        equal_ledger(&x);

        /* lines a member sees, each with its record's page */
        json_t *mine = NULL;
        assert_int_equal(points_store_lines(&x.c, "member", li, year, &mine, &e), ST_OK);
        assert_int_equal(json_integer_value(json_object_get(mine, "total")), 1300);
        json_t *l0 = json_array_get(json_object_get(mine, "lines"), 0);
        assert_string_equal(json_string_value(json_object_get(l0, "link")), "/me/meetings?meeting=960");
        json_decref(mine);

        /* a tie: wang (dues 2 + award 10) gets 10 more by meetings today */
        act(&x, wang, br, "meeting.attended", today, "meeting:970", 1);
        act(&x, wang, br, "meeting.attended", today, "meeting:971", 1);
        act(&x, wang, br, "meeting.attended", today, "meeting:972", 1);
        act(&x, wang, br, "meeting.attended", today, "meeting:973", 1);
        act(&x, wang, br, "meeting.attended", today, "meeting:974", 1);
        run(&x);
        /* wang: 2 + 10 + 10 = 22 by today; li: 10 today + 3 tomorrow = 13 (last day tomorrow) */
        act(&x, li, br, "study.offline", today, "offline:5", 9.0);   /* li: 22, last day tomorrow */
        run(&x);
        points_ranking_q q = {"member", year, br, NULL};
        uc_page pg = {10, 0, NULL};
        json_t *items = NULL;
        int64_t total = 0;
        assert_int_equal(points_store_ranking(&x.c, &q, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 2);
        json_t *a0 = json_array_get(items, 0), *a1 = json_array_get(items, 1);
        assert_int_equal(json_integer_value(json_object_get(a0, "points")), 2200);
        assert_int_equal(json_integer_value(json_object_get(a1, "points")), 2200);
        assert_int_equal(json_integer_value(json_object_get(a0, "rank")), 1);
        assert_int_equal(json_integer_value(json_object_get(a1, "rank")), 1);
        assert_int_equal(json_integer_value(json_object_get(a0, "id")), wang);   /* reached 22 today, li tomorrow */
        json_decref(items);
        /* the second page starts with the shared rank */
        uc_page pg2 = {1, 1, NULL};
        assert_int_equal(points_store_ranking(&x.c, &q, &pg2, &items, &total, &e), ST_OK);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "rank")), 1);
        json_decref(items);
        /* out of a district office's scope: nothing */
        uc hl = fx_scoped(&x, "district", "350206");
        assert_int_equal(points_store_ranking(&hl, &q, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 0);
        json_decref(items);

        /* a unit's total for the assessment: the organization's own and with its members */
        char from[11], until[11];
        points_period_parse(year, from, until);
        int64_t ut = 0;
        char unit[24];
        snprintf(unit, sizeof unit, "%lld", (long long)br);
        assert_int_equal(points_store_unit_total(&x.c, "org", unit, from, until, false, &ut, &e), ST_OK);
        assert_int_equal(ut, 1000);
        assert_int_equal(points_store_unit_total(&x.c, "org", unit, from, until, true, &ut, &e), ST_OK);
        assert_int_equal(ut, 1000 + 2200 + 2200);
        assert_int_equal(points_store_unit_total(&x.c, "district", "350206", from, until, false, &ut, &e), ST_OK);
        assert_int_equal(ut, 500);
        equal_ledger(&x);
        unlink(ev);
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pure),
        cmocka_unit_test(test_ledger),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
