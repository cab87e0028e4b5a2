/* Unit tests for training batches in the database (src/study/training_store.c)
 * on SQLite and, when EJIA_TEST_PG_URL is set, PostgreSQL: a batch with three
 * sessions; a branch's members enrolled by organization, an investor's
 * account (not a party member) invited and accepting; a check-in with the
 * session's rotating code (the meetings' mechanism, a code of its own: a
 * meeting's code is refused), twice refused; attendance marked by hand with a
 * reason; completion by the share (training-complete-share): who completes,
 * certificate numbers in a sequence per year, the batch's hours credited once
 * and to registry members only (a second completion credits nothing); a
 * withdrawal; the certificate refused before completion and audited after.
 * The clock is the test clock: 10:00 China time tomorrow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "base/clock.h"
#include "core/config.h"
#include "member/member_store.h"
#include "org/org_store.h"
#include "study/study_credit.h"
#include "study/training_store.h"
#include "org/org_fixture.h"
#include "meeting/meeting_fixture.h"

static int setup(void **state) {
    fx_setup(state);
    return mfx_clock_setup("trainingtest");
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

static int64_t user(fx *x, const char *username, const char *name, const char *role) {
    int64_t uid = 0;
    err e;
    char *sql = arena_printf(&x->mem,
                             "INSERT INTO users(username, name, role, scope_kind, scope_code, scope_name, password_hash) "
                             "VALUES ('%s', '%s', '%s', '%s', '0', '测试', 'x') RETURNING id",
                             username, name, role, !strcmp(role, "investor") ? "enterprise" : "self");
    if (db_query_int(x->d, &uid, sql, &e, "")) fail_msg("user: %s", e.msg);
    return uid;
}

static uc as(fx *x, int64_t uid, const char *username, const char *role) {
    uc me = x->c;
    me.who.user_id = uid;
    me.who.username = username;
    me.who.role = role;
    me.who.scope_kind = "self";
    me.who.scope_code = "0";
    return me;
}

static int64_t batch(fx *x, const char *name, const char *from, const char *to) {
    training_batch_in b = {.name = name, .number = 1, .starts_on = from, .ends_on = to, .place = "市委党校", .audience = "secretary",
                           .organizer = "中共厦门市委组织部"};
    int64_t id = 0;
    err e;
    if (training_store_create(&x->c, &b, &id, &e)) fail_msg("batch: %s", e.msg);
    return id;
}

static int64_t session(fx *x, int64_t b, const char *day, const char *start, const char *end, int64_t minutes) {
    training_session_in s = {.day = day, .start = start, .end = end, .topic = "党章党规专题", .teacher = "市委党校教授", .minutes = minutes};
    int64_t id = 0;
    err e;
    if (training_store_session_add(&x->c, b, &s, &id, &e)) fail_msg("session %s %s: %s", day, start, e.msg);
    return id;
}

static int64_t attendee(fx *x, int64_t b, const char *who_sql) {
    char *sql = arena_printf(&x->mem, "SELECT id FROM training_attendee WHERE batch_id = %lld AND %s", (long long)b, who_sql);
    return fx_count(x, sql);
}

static const char *token(fx *x, int64_t b, int64_t sid) {
    json_t *t = NULL;
    err e;
    if (training_store_token(&x->c, b, sid, &t, &e)) fail_msg("token: %s", e.msg);
    const char *tok = arena_strdup(&x->mem, json_string_value(json_object_get(t, "token")));
    json_decref(t);
    return tok;
}

static void mark(fx *x, int64_t b, int64_t sid, int64_t aid) {
    err e;
    if (training_store_mark(&x->c, b, sid, aid, true, "手机无法扫码，经班主任核实到课", &e)) fail_msg("mark: %s", e.msg);
}

static void test_batch_to_certificate(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        fx_exec(&x, "DELETE FROM users WHERE username IN ('trainzhang', 'traininv')");
        int64_t a = mfx_branch(&x, "中共测试甲公司支部", 'A');
        int64_t zhang = reg(&x, a, "张三", "350203199003151236"), li = reg(&x, a, "李四", "350203198511202349");
        int64_t uz = user(&x, "trainzhang", "张三", "member"), ui = user(&x, "traininv", "王出资", "investor");
        err e;
        if (db_run(x.d, "UPDATE person SET user_id = $1 WHERE id = $2", &e, "ii", uz, zhang)) fail_msg("link: %s", e.msg);
        const char *today = mfx_today();
        int64_t b = batch(&x, "第一期互联网企业党组织书记培训班", today, today);
        int64_t s1 = session(&x, b, today, "09:00", "12:00", 180), s2 = session(&x, b, today, "14:00", "17:00", 180),
                s3 = session(&x, b, today, "19:00", "20:30", 90);
        /* a session outside the batch's days is refused */
        training_session_in bad = {.day = "2020-01-01", .start = "09:00", .end = "10:00", .topic = "专题", .teacher = "某", .minutes = 60};
        int64_t sid = 0;
        assert_int_equal(training_store_session_add(&x.c, b, &bad, &sid, &e), ST_INVALID);

        /* the branch's members by organization; the investor by invitation */
        training_enrol byorg = {.org_id = a};
        int64_t added = 0;
        assert_int_equal(training_store_enrol(&x.c, b, &byorg, &added, &e), ST_OK);
        assert_int_equal(added, 2);
        assert_int_equal(training_store_enrol(&x.c, b, &byorg, &added, &e), ST_OK);
        assert_int_equal(added, 0);   /* those on the roster are left as they are */
        int64_t users[] = {ui};
        training_enrol inv = {.user_ids = users, .n_users = 1, .invite = true};
        assert_int_equal(training_store_enrol(&x.c, b, &inv, &added, &e), ST_OK);
        assert_int_equal(added, 1);
        int64_t az = attendee(&x, b, arena_printf(&x.mem, "person_id = %lld", (long long)zhang));
        int64_t al = attendee(&x, b, arena_printf(&x.mem, "person_id = %lld", (long long)li));
        int64_t ai = attendee(&x, b, arena_printf(&x.mem, "user_id = %lld", (long long)ui));
        assert_true(az > 0 && al > 0 && ai > 0);

        /* the investor answers in their account; someone else cannot */
        uc inv_c = as(&x, ui, "traininv", "investor"), zc = as(&x, uz, "trainzhang", "member");
        assert_int_equal(training_store_answer(&zc, ai, true, &e), ST_NOT_FOUND);
        json_t *o = NULL;
        const char *tok = token(&x, b, s1);
        assert_int_equal(training_store_checkin(&inv_c, tok, &o, &e), ST_FORBIDDEN);   /* not yet accepted */
        assert_int_equal(training_store_answer(&inv_c, ai, true, &e), ST_OK);
        assert_int_equal(training_store_answer(&inv_c, ai, false, &e), ST_CONFLICT);   /* answered once */

        /* check-in at the first session with its code (10:00 is inside 09:00–12:00) */
        int64_t audit0 = fx_audit_rows(&x);
        assert_int_equal(training_store_checkin(&zc, tok, &o, &e), ST_OK);
        assert_int_equal(json_integer_value(json_object_get(o, "session_id")), s1);
        json_decref(o);
        assert_int_equal(fx_audit_rows(&x), audit0 + 1);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "training.checkin training_batch:%lld", (long long)b));
        assert_int_equal(training_store_checkin(&zc, tok, &o, &e), ST_CONFLICT);   /* once */
        assert_int_equal(training_store_checkin(&inv_c, tok, &o, &e), ST_OK);
        json_decref(o);
        /* a meeting's code is not a session's: signed under another key */
        assert_int_equal(training_store_checkin(&zc, "1.2.00000000000000000000000000000000", &o, &e), ST_INVALID);
        /* the second session's window is not open at 10:00 */
        json_t *t = NULL;
        assert_int_equal(training_store_token(&x.c, b, s2, &t, &e), ST_CONFLICT);

        /* by hand: a reason is required */
        assert_int_equal(training_store_mark(&x.c, b, s2, az, true, "", &e), ST_INVALID);
        mark(&x, b, s2, az);
        mark(&x, b, s3, az);
        mark(&x, b, s2, ai);
        mark(&x, b, s3, ai);
        mark(&x, b, s1, al);   /* 李四: one of three */

        /* the certificate before completion: refused */
        training_cert k;
        assert_int_equal(training_store_certificate(&x.c, b, az, &k, &e), ST_CONFLICT);

        /* completion: 张三 and the investor attended 3 of 3, 李四 1 of 3 (80 % asked) */
        int64_t credits0 = fx_count(&x, "SELECT COUNT(*) FROM study_credit WHERE source = 'training'");
        assert_int_equal(training_store_complete(&x.c, b, &o, &e), ST_OK);
        assert_int_equal(json_integer_value(json_object_get(o, "completed")), 2);
        assert_int_equal(json_integer_value(json_object_get(o, "credited")), 1);   /* the investor is no registry member */
        assert_int_equal(json_integer_value(json_object_get(o, "not_completed")), 1);
        json_decref(o);
        int64_t min = 0;
        int year = atoi(today);
        if (study_credit_year(x.d, zhang, year, &min, &e)) fail_msg("year: %s", e.msg);
        assert_int_equal(min, 450);   /* 3 + 3 + 1.5 学时 */
        if (study_credit_year(x.d, li, year, &min, &e)) fail_msg("year: %s", e.msg);
        assert_int_equal(min, 0);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM study_credit WHERE source = 'training'") - credits0, 1);
        char *no1 = arena_printf(&x.mem, "SELECT COUNT(*) FROM training_attendee WHERE cert_no = '厦党培〔%d〕第0001号' AND id = %lld", year,
                                 (long long)az);
        assert_int_equal(fx_count(&x, no1), 1);
        char *no2 = arena_printf(&x.mem, "SELECT COUNT(*) FROM training_attendee WHERE cert_no = '厦党培〔%d〕第0002号' AND id = %lld", year,
                                 (long long)ai);
        assert_int_equal(fx_count(&x, no2), 1);

        /* 李四's attendance marked late, completion run again: only he completes, nobody is credited twice */
        mark(&x, b, s2, al);
        mark(&x, b, s3, al);
        assert_int_equal(training_store_mark(&x.c, b, s3, az, false, "误登", &e), ST_CONFLICT);   /* completed: fixed */
        assert_int_equal(training_store_complete(&x.c, b, &o, &e), ST_OK);
        assert_int_equal(json_integer_value(json_object_get(o, "completed")), 1);
        json_decref(o);
        assert_int_equal(training_store_complete(&x.c, b, &o, &e), ST_OK);
        assert_int_equal(json_integer_value(json_object_get(o, "completed")), 0);
        json_decref(o);
        if (study_credit_year(x.d, zhang, year, &min, &e)) fail_msg("year: %s", e.msg);
        assert_int_equal(min, 450);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM study_credit WHERE source = 'training'") - credits0, 2);

        /* a batch of last year numbers its certificates in that year's sequence; this year's goes on */
        char last[32];
        snprintf(last, sizeof last, "%d-12-01", year - 1);
        int64_t b2 = batch(&x, "第一期互联网企业出资人培训班", last, last);
        int64_t s4 = session(&x, b2, last, "09:00", "11:00", 120);
        int64_t pids[] = {zhang};
        training_enrol one = {.person_ids = pids, .n_persons = 1};
        assert_int_equal(training_store_enrol(&x.c, b2, &one, &added, &e), ST_OK);
        int64_t az2 = attendee(&x, b2, arena_printf(&x.mem, "person_id = %lld", (long long)zhang));
        mark(&x, b2, s4, az2);
        assert_int_equal(training_store_complete(&x.c, b2, &o, &e), ST_OK);
        json_decref(o);
        char *no3 = arena_printf(&x.mem, "SELECT COUNT(*) FROM training_attendee WHERE cert_no = '厦党培〔%d〕第0001号' AND id = %lld",
                                 year - 1, (long long)az2);
        assert_int_equal(fx_count(&x, no3), 1);
        if (study_credit_year(x.d, zhang, year - 1, &min, &e)) fail_msg("year: %s", e.msg);
        assert_int_equal(min, 120);
        /* a finished batch takes nobody new */
        assert_int_equal(training_store_enrol(&x.c, b2, &byorg, &added, &e), ST_CONFLICT);

        /* the certificate: the office's and the member's own, each download audited; not another's */
        audit0 = fx_audit_rows(&x);
        assert_int_equal(training_store_certificate(&x.c, b, az, &k, &e), ST_OK);
        assert_string_equal(k.name, "张三");
        assert_string_equal(k.hours, "7.5");
        assert_int_equal(fx_audit_rows(&x), audit0 + 1);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "training.certificate training_batch:%lld", (long long)b));
        assert_int_equal(training_store_certificate(&zc, 0, az, &k, &e), ST_OK);
        assert_int_equal(training_store_certificate(&zc, 0, ai, &k, &e), ST_NOT_FOUND);
        assert_int_equal(training_store_certificate(&x.c, b2, az, &k, &e), ST_NOT_FOUND);   /* not that batch's */

        /* my batches: both, with my sessions and attendance */
        assert_int_equal(training_store_mine(&zc, &o, &e), ST_OK);
        assert_int_equal(json_array_size(json_object_get(o, "items")), 2);
        json_decref(o);

        /* withdrawal: with a reason, not once completed */
        int64_t b3 = batch(&x, "第一期平台管理员培训班", today, today);
        assert_int_equal(training_store_enrol(&x.c, b3, &byorg, &added, &e), ST_OK);
        int64_t al3 = attendee(&x, b3, arena_printf(&x.mem, "person_id = %lld", (long long)li));
        assert_int_equal(training_store_withdraw(&x.c, b3, al3, "", &e), ST_INVALID);
        assert_int_equal(training_store_withdraw(&x.c, b3, al3, "工作调动，无法参训", &e), ST_OK);
        assert_int_equal(training_store_withdraw(&x.c, b3, al3, "再次", &e), ST_CONFLICT);
        assert_int_equal(training_store_withdraw(&x.c, b, az, "结业后退出", &e), ST_CONFLICT);
        assert_int_equal(training_store_enrol(&x.c, b3, &byorg, &added, &e), ST_OK);
        assert_int_equal(added, 1);   /* put on again */
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_to_certificate),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
