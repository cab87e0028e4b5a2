/* Unit tests for the dues store (src/dues/dues_store.c) on SQLite and, when
 * EJIA_TEST_PG_URL is set, PostgreSQL.  The clock is the test clock, set to
 * 2026-06-15 10:00 China time (this month 2026-06), and to 2027-01-05 for
 * the receipts' new year.
 *
 * Bases: the amount from dues_calc, the base sealed (the column does not
 * hold the plain number), a correction of the same month replaces it, a
 * month before the vote refused, the opening audited; a member declares
 * their own only.  The due of a month: relief > base > nobase, probationary
 * members from the month of their vote.  Sheets: made and remade (paid lines
 * stay, a leaver's unpaid line goes), past months from the spans, the whole
 * city at once equal to one by one, a district only its own.  Payments: the
 * back and advance limits, consent, a month paid twice, the received check,
 * the central flag, receipts in sequence across a year boundary, the
 * activity log, the lines and sums; void; owing; the member's own page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "base/clock.h"
#include "dues/dues_store.h"
#include "meeting/meeting.h"
#include "member/member_store.h"
#include "org/org_store.h"
#include "org/org_fixture.h"
#include "meeting/meeting_fixture.h"

static char clock_path[80];

/* The server's clock at 10:00 China time on day. */
static void set_day(const char *day) {
    FILE *f = fopen(clock_path, "w");
    if (!f) fail_msg("clock file");
    fprintf(f, "%lld\n", (long long)(meeting_epoch(day, "10:00") - (int64_t)time(NULL)));
    fclose(f);
}

static int setup(void **state) {
    fx_setup(state);
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    snprintf(clock_path, sizeof clock_path, "/tmp/ejia-duestest-clock-%d", (int)getpid());
    set_day("2026-06-15");
    err e;
    return cfg_set("test-clock-file", clock_path, &e) ? -1 : 0;
}

static int teardown(void **state) {
    unlink(clock_path);
    return fx_teardown(state);
}

static int64_t reg(fx *x, int64_t org, const char *name, const char *id, bool prob, const char *joined, const char *day) {
    member_new m = {.name = name, .id_number = id, .org_id = org, .category = prob ? MEMBER_PROBATION : MEMBER_FULL, .joined_on = joined,
                    .full_on = prob ? NULL : "2016-07-01", .day = day};
    int64_t person = 0;
    err e;
    if (member_store_register(&x->c, &m, &person, NULL, &e)) fail_msg("register %s: %s", name, e.msg);
    return person;
}

static int64_t base(uc *c, int64_t person, const char *from, dues_kind kind, int64_t fen) {
    dues_base_new b = {.person_id = person, .from_month = from, .kind = kind, .base_fen = fen, .declared_by = "secretary"};
    dues_amount a;
    err e;
    if (dues_store_base_set(c, &b, &a, &e)) fail_msg("base: %s", e.msg);
    return a.fen;
}

static int64_t jint(json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }
static const char *jstr(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static int64_t q1(fx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int64_t q1(fx *x, const char *fmt, ...) {
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    return fx_count(x, sql);
}

/* A sheet's line of person: "state due paid" */
static const char *line(fx *x, int64_t org, const char *month, int64_t person) {
    static char out[64];
    json_t *rows = NULL;
    err e;
    if (db_query_json(x->d, &rows,
                      "SELECT l.state, l.due_fen, l.paid_fen FROM dues_line l JOIN dues_sheet s ON s.id = l.sheet_id "
                      "WHERE s.org_id = $1 AND s.month = $2 AND l.person_id = $3",
                      &e, "iti", org, month, person))
        fail_msg("line: %s", e.msg);
    json_t *r = json_array_get(rows, 0);
    if (r) snprintf(out, sizeof out, "%s %lld %lld", jstr(r, "state"), (long long)jint(r, "due_fen"), (long long)jint(r, "paid_fen"));
    else snprintf(out, sizeof out, "-");
    json_decref(rows);
    return out;
}

/* A sheet's sums: "members due paid paid_members nobase" */
static const char *sums(fx *x, int64_t org, const char *month) {
    static char out[96];
    json_t *rows = NULL;
    err e;
    if (db_query_json(x->d, &rows, "SELECT members, due_fen, paid_fen, paid_members, nobase FROM dues_sheet WHERE org_id = $1 AND month = $2", &e,
                      "it", org, month))
        fail_msg("sums: %s", e.msg);
    json_t *r = json_array_get(rows, 0);
    if (r)
        snprintf(out, sizeof out, "%lld %lld %lld %lld %lld", (long long)jint(r, "members"), (long long)jint(r, "due_fen"),
                 (long long)jint(r, "paid_fen"), (long long)jint(r, "paid_members"), (long long)jint(r, "nobase"));
    else snprintf(out, sizeof out, "-");
    json_decref(rows);
    return out;
}

/* An account of role member (scope self) linked to person. */
static uc member_uc(fx *x, int64_t person, const char *username) {
    err e;
    char sql[256];
    snprintf(sql, sizeof sql, "DELETE FROM users WHERE username = '%s'", username);
    fx_exec(x, sql);
    int64_t uid = 0;
    if (db_query_int(x->d, &uid,
                     "INSERT INTO users(username, name, role, scope_kind, scope_code, scope_name, password_hash) "
                     "VALUES ($1, '党员', 'member', 'self', '0', '本人', 'x') RETURNING id",
                     &e, "t", username))
        fail_msg("user: %s", e.msg);
    if (db_run(x->d, "UPDATE users SET scope_code = CAST(id AS TEXT) WHERE id = $1", &e, "i", uid) ||
        db_run(x->d, "UPDATE person SET user_id = $1 WHERE id = $2", &e, "ii", uid, person))
        fail_msg("link: %s", e.msg);
    uc c = x->c;
    c.who.user_id = uid;
    c.who.username = arena_strdup(&x->mem, username);
    c.who.role = "member";
    c.who.scope_kind = "self";
    c.who.scope_code = arena_printf(&x->mem, "%lld", (long long)uid);
    return c;
}

static void users_clear(fx *x) {
    fx_exec(x, "UPDATE person SET user_id = NULL");
    fx_exec(x, "DELETE FROM users WHERE username LIKE 'duestest%'");
}

static void test_bases(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        set_day("2026-06-15");
        fx x;
        fx_open(&x, u);
        users_clear(&x);
        int64_t a = mfx_branch(&x, "中共测试甲公司支部", 'A');
        int64_t zhang = reg(&x, a, "张三", "350203198001011235", false, "2015-07-01", "2019-01-01");
        int64_t li = reg(&x, a, "李四", "350203198102022347", false, "2015-07-01", "2019-01-01");
        err e;
        int64_t audit0 = fx_audit_rows(&x);
        assert_int_equal(base(&x.c, zhang, "2026-01", DUES_EMPLOYEE, 300000), 1500);   /* 3000 元 → 15.00 */
        assert_int_equal(fx_audit_rows(&x), audit0 + 1);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "dues.base person:%lld", (long long)zhang));
        /* sealed: the column holds ciphertext, not 300000 */
        char *sealed = NULL;
        assert_int_equal(db_query_text(x.d, &sealed, "SELECT base_sealed FROM dues_base WHERE person_id = $1", &e, "i", zhang), ST_OK);
        assert_non_null(sealed);
        assert_null(strstr(sealed, "300000"));
        assert_true(!strncmp(sealed, "v1.", 3));
        free(sealed);
        /* a correction of the same month replaces it: 3000.01 → 30.00 */
        assert_int_equal(base(&x.c, zhang, "2026-01", DUES_EMPLOYEE, 300001), 3000);
        assert_int_equal(q1(&x, "SELECT COUNT(*) FROM dues_base WHERE person_id = %lld", (long long)zhang), 1);
        assert_int_equal(base(&x.c, zhang, "2026-04", DUES_RETIREE, 500000), 2500);   /* retiree 5000 → 25.00 */
        /* a flat kind keeps no base */
        assert_int_equal(base(&x.c, li, "2026-01", DUES_STUDENT, 0), 20);
        assert_int_equal(q1(&x, "SELECT COUNT(*) FROM dues_base WHERE person_id = %lld AND base_sealed IS NULL", (long long)li), 1);
        /* before the vote: refused */
        dues_base_new early = {.person_id = zhang, .from_month = "2015-06", .kind = DUES_EMPLOYEE, .base_fen = 100000, .declared_by = "secretary"};
        dues_amount am;
        assert_int_equal(dues_store_base_set(&x.c, &early, &am, &e), ST_INVALID);
        assert_string_equal(e.field, "from_month");
        early.from_month = "2026-13";
        assert_int_equal(dues_store_base_set(&x.c, &early, &am, &e), ST_INVALID);
        assert_string_equal(e.field, "from_month");
        /* read: closed, then opened (audited), newest first */
        json_t *o = NULL;
        assert_int_equal(dues_store_bases(&x.c, zhang, false, &o, &e), ST_OK);
        json_t *items = json_object_get(o, "items");
        assert_int_equal(json_array_size(items), 2);
        assert_string_equal(jstr(json_array_get(items, 0), "from_month"), "2026-04");
        assert_null(json_object_get(json_array_get(items, 0), "base_fen"));
        assert_null(json_object_get(json_array_get(items, 0), "base_sealed"));
        assert_string_equal(jstr(json_array_get(items, 1), "amount"), "30.00");
        /* the rule in words names the bracket and rate, never the sealed base */
        assert_string_equal(jstr(json_array_get(items, 1), "rule"), "在职党员，适用 3000 元以上至 5000 元（含）1%");
        assert_null(strstr(jstr(json_array_get(items, 0), "rule"), "5000.00"));
        json_decref(o);
        int64_t before = fx_audit_rows(&x);
        assert_int_equal(dues_store_bases(&x.c, zhang, true, &o, &e), ST_OK);
        assert_int_equal(jint(json_array_get(json_object_get(o, "items"), 1), "base_fen"), 300001);
        assert_string_equal(jstr(json_array_get(json_object_get(o, "items"), 1), "base"), "3000.01");
        json_decref(o);
        assert_int_equal(fx_audit_rows(&x), before + 1);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "dues.base.read person:%lld", (long long)zhang));
        /* the member: their own only, declared as the member; their own opening is not audited */
        uc me = member_uc(&x, zhang, "duestest1");
        dues_base_new mine = {.person_id = zhang, .kind = DUES_EMPLOYEE, .base_fen = 400000, .declared_by = "member"};
        assert_int_equal(dues_store_base_set(&me, &mine, &am, &e), ST_OK);   /* this month: 2026-06 */
        assert_int_equal(am.fen, 4000);   /* 4000 元 × 1% */
        assert_int_equal(q1(&x, "SELECT COUNT(*) FROM dues_base WHERE person_id = %lld AND from_month = '2026-06' AND declared_by = 'member'",
                            (long long)zhang), 1);
        mine.declared_by = "secretary";
        assert_int_equal(dues_store_base_set(&me, &mine, &am, &e), ST_FORBIDDEN);
        mine.declared_by = "member";
        mine.person_id = li;
        assert_int_equal(dues_store_base_set(&me, &mine, &am, &e), ST_FORBIDDEN);
        before = fx_audit_rows(&x);
        assert_int_equal(dues_store_bases(&me, zhang, true, &o, &e), ST_OK);
        json_decref(o);
        assert_int_equal(fx_audit_rows(&x), before);
        assert_int_equal(dues_store_bases(&me, li, false, &o, &e), ST_FORBIDDEN);
        /* outside the scope: the 湖里 office cannot see 思明's member */
        uc huli = fx_scoped(&x, "district", "350206");
        assert_int_equal(dues_store_bases(&huli, zhang, false, &o, &e), ST_FORBIDDEN);
        users_clear(&x);
        fx_close(&x);
    }
}

/* The branch of the due tests: 张三 (base 3000 from 2026-01: 15.00), 李四
 * (student 0.20, waived 2026-03..04), 王五 probationary voted 2026-04-20
 * (retiree 5000: 25.00), 赵六 without a base. */
typedef struct city {
    int64_t a, b, zhang, li, wang, zhao;
} city;

static void city_make(fx *x, city *k) {
    k->a = mfx_branch(x, "中共测试甲公司支部", 'A');
    k->b = mfx_branch(x, "中共测试戊公司支部", 'E');
    k->zhang = reg(x, k->a, "张三", "350203198001011235", false, "2015-07-01", "2019-01-01");
    k->li = reg(x, k->a, "李四", "350203198102022347", false, "2015-07-01", "2019-01-01");
    k->wang = reg(x, k->a, "王五", "350203198203033459", true, "2026-04-20", "2026-04-20");
    k->zhao = reg(x, k->a, "赵六", "350203198304044560", false, "2015-07-01", "2019-01-01");
    base(&x->c, k->zhang, "2026-01", DUES_EMPLOYEE, 300000);
    base(&x->c, k->li, "2026-01", DUES_STUDENT, 0);
    base(&x->c, k->wang, "2026-04", DUES_RETIREE, 500000);
    dues_relief_new r = {.person_id = k->li, .from_month = "2026-03", .to_month = "2026-04", .amount_fen = 0, .reason = "生活困难",
                         .approver = "支部大会"};
    int64_t id = 0;
    err e;
    if (dues_store_relief_add(&x->c, &r, &id, &e)) fail_msg("relief: %s", e.msg);
}

static void test_sheets(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        set_day("2026-06-15");
        fx x;
        fx_open(&x, u);
        users_clear(&x);
        city k;
        city_make(&x, &k);
        err e;
        int64_t sid = 0;
        /* March: 张三 owes, 李四 waived, 赵六 nobase, 王五 not yet voted */
        assert_int_equal(dues_store_sheet_make(&x.c, k.a, "2026-03", &sid, &e), ST_OK);
        assert_true(sid > 0);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "dues.sheet dues_sheet:%lld", (long long)sid));
        assert_string_equal(line(&x, k.a, "2026-03", k.zhang), "owed 1500 0");
        assert_string_equal(line(&x, k.a, "2026-03", k.li), "waived 0 0");
        assert_string_equal(line(&x, k.a, "2026-03", k.zhao), "nobase 0 0");
        assert_string_equal(line(&x, k.a, "2026-03", k.wang), "-");
        assert_string_equal(sums(&x, k.a, "2026-03"), "3 1500 0 1 1");
        /* April: the probationary member from the month of the vote */
        assert_int_equal(dues_store_sheet_make(&x.c, k.a, "2026-04", &sid, &e), ST_OK);
        assert_string_equal(line(&x, k.a, "2026-04", k.wang), "owed 2500 0");
        /* a later relief over the same month takes precedence; revoked, the one before is back */
        dues_relief_new r = {.person_id = k.li, .from_month = "2026-03", .to_month = "2026-05", .amount_fen = 10, .reason = "减半",
                             .approver = "支部大会"};
        int64_t rid = 0;
        assert_int_equal(dues_store_relief_add(&x.c, &r, &rid, &e), ST_OK);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "dues.relief dues_relief:%lld", (long long)rid));
        assert_string_equal(line(&x, k.a, "2026-03", k.li), "owed 10 0");
        assert_string_equal(sums(&x, k.a, "2026-03"), "3 1510 0 0 1");
        assert_int_equal(dues_store_relief_revoke(&x.c, rid, "", &e), ST_INVALID);
        assert_int_equal(dues_store_relief_revoke(&x.c, rid, "误录", &e), ST_OK);
        assert_int_equal(dues_store_relief_revoke(&x.c, rid, "误录", &e), ST_CONFLICT);
        assert_string_equal(line(&x, k.a, "2026-03", k.li), "waived 0 0");
        assert_string_equal(sums(&x, k.a, "2026-03"), "3 1500 0 1 1");
        json_t *o = NULL;
        assert_int_equal(dues_store_reliefs(&x.c, k.li, &o, &e), ST_OK);
        assert_int_equal(json_array_size(json_object_get(o, "items")), 2);
        json_decref(o);
        /* a base declared later brings the unpaid lines up to date */
        base(&x.c, k.zhao, "2026-03", DUES_UNEMPLOYED, 0);
        assert_string_equal(line(&x, k.a, "2026-03", k.zhao), "owed 20 0");
        assert_string_equal(sums(&x, k.a, "2026-03"), "3 1520 0 1 0");
        /* a month after this one: refused */
        assert_int_equal(dues_store_sheet_make(&x.c, k.a, "2026-07", &sid, &e), ST_INVALID);
        assert_string_equal(e.field, "month");
        /* this month: 张三 pays, then 张三 and 赵六 move to the 湖里 branch; remade, the paid line stays, 赵六's goes */
        assert_int_equal(dues_store_sheet_make(&x.c, k.a, "2026-06", &sid, &e), ST_OK);
        assert_string_equal(sums(&x, k.a, "2026-06"), "4 4040 0 0 0");
        dues_payment_new p = {.person_id = k.zhang, .first_month = "2026-06", .received_fen = -1};
        int64_t pid = 0;
        assert_int_equal(dues_store_pay(&x.c, &p, &pid, NULL, &e), ST_OK);
        assert_string_equal(line(&x, k.a, "2026-06", k.zhang), "paid 1500 1500");
        member_change mv = {.day = "2026-06-15", .org_id = k.b};
        assert_int_equal(member_store_change(&x.c, k.zhang, &mv, &e), ST_OK);
        assert_int_equal(member_store_change(&x.c, k.zhao, &mv, &e), ST_OK);
        assert_int_equal(dues_store_sheet_make(&x.c, k.a, "2026-06", &sid, &e), ST_OK);
        assert_string_equal(line(&x, k.a, "2026-06", k.zhang), "paid 1500 1500");
        assert_string_equal(line(&x, k.a, "2026-06", k.zhao), "-");
        assert_string_equal(sums(&x, k.a, "2026-06"), "3 4020 1500 1 0");
        assert_int_equal(dues_store_sheet_make(&x.c, k.b, "2026-06", &sid, &e), ST_OK);
        assert_string_equal(line(&x, k.b, "2026-06", k.zhao), "owed 20 0");
        assert_string_equal(line(&x, k.b, "2026-06", k.zhang), "-");   /* paid on the other sheet */
        /* sheet_get: pinyin order, receipt shown */
        assert_int_equal(dues_store_sheet_get(&x.c, k.a, "2026-06", &o, &e), ST_OK);
        assert_int_equal(jint(o, "members"), 3);
        assert_string_equal(jstr(o, "org_name"), "中共测试甲公司支部");
        json_t *items = json_object_get(o, "items");
        assert_string_equal(jstr(json_array_get(items, 0), "name"), "李四");
        assert_string_equal(jstr(json_array_get(items, 2), "name"), "张三");
        assert_non_null(jstr(json_array_get(items, 2), "receipt_no"));
        json_decref(o);
        assert_int_equal(dues_store_sheet_get(&x.c, k.a, "2026-02", &o, &e), ST_NOT_FOUND);
        /* May, one by one, against the whole city at once (May's members from the spans: 赵六 still in 甲) */
        assert_int_equal(dues_store_sheet_make(&x.c, k.a, "2026-05", &sid, &e), ST_OK);
        assert_int_equal(dues_store_sheet_make(&x.c, k.b, "2026-05", &sid, &e), ST_OK);
        assert_string_equal(line(&x, k.a, "2026-05", k.zhao), "owed 20 0");
        json_t *one = NULL, *all = NULL;
        const char *snap = "SELECT s.org_id, l.person_id, l.kind, l.due_fen, l.state, l.paid_fen, l.relief_id, s.members, s.due_fen AS sdue, "
                           "s.paid_fen AS spaid, s.paid_members, s.nobase FROM dues_line l JOIN dues_sheet s ON s.id = l.sheet_id "
                           "WHERE s.month = '2026-05' ORDER BY s.org_id, l.person_id";
        assert_int_equal(db_query_json(x.d, &one, snap, &e, ""), ST_OK);
        fx_exec(&x, "DELETE FROM dues_line WHERE month = '2026-05'; DELETE FROM dues_sheet WHERE month = '2026-05'");
        int64_t nsheets = 0, nlines = 0;
        assert_int_equal(dues_store_sheets_make(&x.c, "2026-05", &nsheets, &nlines, &e), ST_OK);
        assert_string_equal(fx_last_audit(&x), "dues.sheets dues_month:2026-05");
        assert_int_equal(nsheets, 1);   /* 乙 had nobody in May */
        assert_int_equal(nlines, 4);
        assert_int_equal(db_query_json(x.d, &all, snap, &e, ""), ST_OK);
        assert_true(json_equal(one, all));
        json_decref(one);
        json_decref(all);
        /* March for the whole city: 王五 had not been voted in yet (April), so has no line even when his
           membership's span reaches back before the vote (a record registered early, its vote day corrected
           later) — the city's form on PostgreSQL finds the month's members by who joined after it, not by a
           join, and must still leave him out */
        fx_exec(&x, arena_printf(&x.mem, "UPDATE member_span SET from_day = '2026-01-01' WHERE person_id = %lld", (long long)k.wang));
        fx_exec(&x, "DELETE FROM dues_line WHERE month = '2026-03'; DELETE FROM dues_sheet WHERE month = '2026-03'");
        assert_int_equal(dues_store_sheets_make(&x.c, "2026-03", &nsheets, &nlines, &e), ST_OK);
        assert_string_equal(line(&x, k.a, "2026-03", k.wang), "-");
        assert_string_equal(line(&x, k.a, "2026-03", k.zhang), "owed 1500 0");
        assert_int_equal(dues_store_sheets_make(&x.c, "2026-04", &nsheets, &nlines, &e), ST_OK);
        assert_string_equal(line(&x, k.a, "2026-04", k.wang), "owed 2500 0");
        /* this month for the city: remade, the same as one by one */
        assert_int_equal(db_query_json(x.d, &one, "SELECT org_id, members, due_fen, paid_fen FROM dues_sheet WHERE month = '2026-06' ORDER BY org_id",
                                       &e, ""),
                         ST_OK);
        assert_int_equal(dues_store_sheets_make(&x.c, "2026-06", &nsheets, &nlines, &e), ST_OK);
        assert_int_equal(nsheets, 2);
        assert_int_equal(nlines, 4);
        assert_int_equal(db_query_json(x.d, &all, "SELECT org_id, members, due_fen, paid_fen FROM dues_sheet WHERE month = '2026-06' ORDER BY org_id",
                                       &e, ""),
                         ST_OK);
        assert_true(json_equal(one, all));
        json_decref(one);
        json_decref(all);
        /* a district makes only its own: 湖里 (the 戊 branch) for April */
        uc huli = fx_scoped(&x, "district", "350206");
        assert_int_equal(dues_store_sheets_make(&huli, "2026-02", &nsheets, &nlines, &e), ST_OK);
        assert_int_equal(nsheets, 0);   /* nobody in 湖里 in February */
        assert_int_equal(q1(&x, "SELECT COUNT(*) FROM dues_sheet WHERE month = '2026-02'"), 0);
        assert_int_equal(dues_store_sheet_make(&huli, k.a, "2026-02", &sid, &e), ST_FORBIDDEN);
        assert_int_equal(dues_store_sheet_get(&huli, k.a, "2026-06", &o, &e), ST_FORBIDDEN);
        /* a member cannot make sheets */
        uc me = member_uc(&x, k.li, "duestest2");
        assert_int_equal(dues_store_sheets_make(&me, "2026-06", &nsheets, &nlines, &e), ST_FORBIDDEN);
        /* a 流动党员 pays where managed: 王五 (甲) managed by 戊 from April 10 on — April's sheets (the spans
           as of April 30) and this month's, remade, move the unpaid line from 甲 to 戊; March stays in 甲 */
        fx_exec(&x, arena_printf(&x.mem,
                                 "INSERT INTO member_flow(person_id, name, home_org_id, home_path, manager_org_id, manager_path, "
                                 "manager_district, place, reason, direction, from_day, created_by) "
                                 "SELECT %lld, '王五', a.id, a.path, b.id, b.path, b.district_code, '湖里', '务工经商', 'in', "
                                 "'2026-04-10', 'test' FROM org a, org b WHERE a.id = %lld AND b.id = %lld",
                                 (long long)k.wang, (long long)k.a, (long long)k.b));
        assert_string_equal(line(&x, k.a, "2026-04", k.wang), "owed 2500 0");
        assert_int_equal(dues_store_sheet_make(&x.c, k.a, "2026-04", &sid, &e), ST_OK);
        assert_string_equal(line(&x, k.a, "2026-04", k.wang), "-");
        assert_int_equal(dues_store_sheet_make(&x.c, k.b, "2026-04", &sid, &e), ST_OK);
        assert_string_equal(line(&x, k.b, "2026-04", k.wang), "owed 2500 0");
        assert_int_equal(dues_store_sheets_make(&x.c, "2026-06", &nsheets, &nlines, &e), ST_OK);
        assert_string_equal(line(&x, k.a, "2026-06", k.wang), "-");
        assert_string_equal(line(&x, k.b, "2026-06", k.wang), "owed 2500 0");
        assert_int_equal(dues_store_sheets_make(&huli, "2026-04", &nsheets, &nlines, &e), ST_OK);   /* 湖里 sees its own */
        assert_string_equal(line(&x, k.b, "2026-04", k.wang), "owed 2500 0");
        /* a member moved is on one sheet a month: 李四 moves to 戊 and 戊's sheet is made before 甲's is remade —
           the unpaid line goes from 甲 (its sums follow) to 戊 */
        assert_string_not_equal(line(&x, k.a, "2026-06", k.li), "-");
#define MEMBERS_OF "SELECT members FROM dues_sheet WHERE month = '2026-06' AND org_id = %lld"
        int64_t a_members = q1(&x, MEMBERS_OF, (long long)k.a);
        member_change mv2 = {.day = "2026-06-15", .org_id = k.b};
        assert_int_equal(member_store_change(&x.c, k.li, &mv2, &e), ST_OK);
        assert_int_equal(dues_store_sheet_make(&x.c, k.b, "2026-06", &sid, &e), ST_OK);
        assert_string_equal(line(&x, k.a, "2026-06", k.li), "-");
        assert_string_not_equal(line(&x, k.b, "2026-06", k.li), "-");
        assert_int_equal(q1(&x, MEMBERS_OF, (long long)k.a), a_members - 1);
#undef MEMBERS_OF
        assert_int_equal(q1(&x, "SELECT COUNT(*) FROM dues_line WHERE month = '2026-06' AND person_id IN "
                                "(SELECT person_id FROM dues_line GROUP BY month, person_id HAVING COUNT(*) > 1)"), 0);
        users_clear(&x);
        fx_close(&x);
    }
}

static int64_t pay(fx *x, dues_payment_new *p, const char **no) {
    int64_t id = 0;
    err e;
    if (dues_store_pay(&x->c, p, &id, no, &e)) fail_msg("pay %s..%s: %s", p->first_month, p->last_month ? p->last_month : "", e.msg);
    return id;
}

static void test_payments(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        set_day("2026-06-15");
        fx x;
        fx_open(&x, u);
        users_clear(&x);
        city k;
        city_make(&x, &k);
        err e;
        int64_t sid = 0;
        assert_int_equal(dues_store_sheet_make(&x.c, k.a, "2026-05", &sid, &e), ST_OK);
        /* back-payment: at most six months before this one (2025-12 on) */
        dues_payment_new p = {.person_id = k.zhang, .first_month = "2025-11", .last_month = "2026-01", .received_fen = -1};
        int64_t id = 0;
        const char *no = NULL;
        assert_int_equal(dues_store_pay(&x.c, &p, &id, &no, &e), ST_INVALID);
        assert_string_equal(e.field, "first_month");
        assert_non_null(strstr(e.msg, "6"));
        /* 2025-12 has no base: refused by name */
        p.first_month = "2025-12";
        assert_int_equal(dues_store_pay(&x.c, &p, &id, &no, &e), ST_INVALID);
        assert_string_equal(e.field, "first_month");
        assert_non_null(strstr(e.msg, "2025-12"));
        /* the received check */
        p.first_month = "2026-01";
        p.last_month = "2026-03";
        p.received_fen = 4000;
        assert_int_equal(dues_store_pay(&x.c, &p, &id, &no, &e), ST_INVALID);
        assert_string_equal(e.field, "received_fen");
        p.received_fen = 4500;
        int64_t audit0 = fx_audit_rows(&x);
        int64_t p1 = pay(&x, &p, &no);
        assert_string_equal(no, "2026-000001");
        assert_int_equal(fx_audit_rows(&x), audit0 + 1);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "dues.pay dues_payment:%lld", (long long)p1));
        assert_int_equal(q1(&x, "SELECT COUNT(*) FROM activity WHERE kind = 'dues.paid' AND person_id = %lld AND ref = 'dues_payment:%lld' AND value = 3",
                            (long long)k.zhang, (long long)p1),
                         1);
        json_t *o = NULL;
        assert_int_equal(dues_store_payment_get(&x.c, p1, &o, &e), ST_OK);
        assert_string_equal(jstr(o, "kind"), "back");
        assert_int_equal(jint(o, "dues_fen"), 4500);
        assert_int_equal(jint(o, "central"), 0);
        assert_string_equal(jstr(o, "way"), "treasurer");
        assert_string_equal(jstr(o, "way_label"), "支部党费收缴员收取");
        assert_string_equal(jstr(o, "name"), "张三");
        assert_int_equal(json_array_size(json_object_get(o, "lines")), 3);
        json_decref(o);
        /* a month paid twice: refused, naming the receipt */
        p.first_month = "2026-03";
        p.last_month = "2026-05";
        p.received_fen = -1;
        assert_int_equal(dues_store_pay(&x.c, &p, &id, &no, &e), ST_CONFLICT);
        assert_non_null(strstr(e.msg, "2026-000001"));
        /* this month with a voluntary sum of 1000 元: central; May's line paid, its sheet's sums follow */
        assert_string_equal(sums(&x, k.a, "2026-05"), "4 4020 0 0 1");
        p.first_month = "2026-04";
        p.last_month = "2026-06";
        p.voluntary_fen = 100000;
        int64_t p2 = pay(&x, &p, &no);
        assert_string_equal(no, "2026-000002");
        assert_int_equal(q1(&x, "SELECT central FROM dues_payment WHERE id = %lld", (long long)p2), 1);
        assert_int_equal(q1(&x, "SELECT voluntary_fen FROM dues_payment WHERE id = %lld", (long long)p2), 100000);
        assert_string_equal(line(&x, k.a, "2026-05", k.zhang), "paid 1500 1500");
        assert_string_equal(sums(&x, k.a, "2026-05"), "4 4020 1500 1 1");
        /* just under: not central */
        p.person_id = k.wang;
        p.first_month = "2026-04";
        p.last_month = "2026-04";
        p.voluntary_fen = 99999;
        int64_t p3 = pay(&x, &p, &no);
        assert_int_equal(q1(&x, "SELECT central FROM dues_payment WHERE id = %lld", (long long)p3), 0);
        /* before the vote: refused */
        p.first_month = p.last_month = "2026-03";
        p.voluntary_fen = 0;
        assert_int_equal(dues_store_pay(&x.c, &p, &id, &no, &e), ST_INVALID);
        assert_string_equal(e.field, "first_month");
        /* a waived month: nothing to pay */
        p.person_id = k.li;
        assert_int_equal(dues_store_pay(&x.c, &p, &id, &no, &e), ST_INVALID);
        assert_non_null(strstr(e.msg, "免交"));
        /* advance: consent needed, at most three months ahead; a sheet made later finds it paid */
        p.person_id = k.zhang;
        p.first_month = "2026-07";
        p.last_month = "2026-09";
        assert_int_equal(dues_store_pay(&x.c, &p, &id, &no, &e), ST_INVALID);
        assert_string_equal(e.field, "consent");
        p.consent = "支部委员会同意（2026-06-10）";
        p.last_month = "2026-10";
        assert_int_equal(dues_store_pay(&x.c, &p, &id, &no, &e), ST_INVALID);
        assert_string_equal(e.field, "last_month");
        p.last_month = "2026-09";
        p.proxy = true;
        assert_int_equal(dues_store_pay(&x.c, &p, &id, &no, &e), ST_INVALID);
        assert_string_equal(e.field, "proxy_name");
        p.proxy_name = "张三之妻";
        int64_t p4 = pay(&x, &p, &no);
        assert_string_equal(no, "2026-000004");
        assert_int_equal(q1(&x, "SELECT COUNT(*) FROM dues_payment WHERE id = %lld AND kind = 'advance' AND payer = 'proxy'", (long long)p4), 1);
        /* an unknown way: refused by name */
        p.way = "wechat";
        p.first_month = p.last_month = "2026-02";
        p.person_id = k.wang;
        assert_int_equal(dues_store_pay(&x.c, &p, &id, &no, &e), ST_INVALID);
        assert_string_equal(e.field, "way");
        p.way = NULL;
        /* owing: 张三 owes nothing from January to June; 赵六 nothing (no base); 王五 May and June */
        dues_owing ow;
        assert_int_equal(dues_store_owing(&x.c, k.zhang, "2026-01", "2026-06", &ow, &e), ST_OK);
        assert_int_equal(ow.months, 0);
        assert_string_equal(ow.first_owed, "");
        assert_int_equal(dues_store_owing(&x.c, k.zhao, "2026-01", "2026-06", &ow, &e), ST_OK);
        assert_int_equal(ow.months, 0);
        assert_int_equal(dues_store_owing(&x.c, k.wang, "2026-01", "2026-12", &ow, &e), ST_OK);
        assert_int_equal(ow.months, 2);
        assert_int_equal(ow.fen, 5000);
        assert_string_equal(ow.first_owed, "2026-05");
        assert_string_equal(ow.last_owed, "2026-06");
        /* void: the months owed again, the sheet's sums back, the receipt kept; paid again after */
        assert_int_equal(dues_store_void(&x.c, p2, "", &e), ST_INVALID);
        assert_int_equal(dues_store_void(&x.c, p2, "金额登记错误", &e), ST_OK);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "dues.void dues_payment:%lld", (long long)p2));
        assert_int_equal(dues_store_void(&x.c, p2, "再次", &e), ST_CONFLICT);
        assert_string_equal(line(&x, k.a, "2026-05", k.zhang), "owed 1500 0");
        assert_string_equal(sums(&x, k.a, "2026-05"), "4 4020 0 0 1");
        assert_int_equal(dues_store_owing(&x.c, k.zhang, "2026-01", "2026-06", &ow, &e), ST_OK);
        assert_int_equal(ow.months, 3);
        assert_int_equal(ow.fen, 4500);
        assert_int_equal(dues_store_payment_get(&x.c, p2, &o, &e), ST_OK);
        assert_true(json_is_integer(json_object_get(o, "voided_at")));
        assert_int_equal(json_array_size(json_object_get(o, "lines")), 3);
        json_decref(o);
        dues_payment_new again = {.person_id = k.zhang, .first_month = "2026-04", .last_month = "2026-06", .received_fen = 4500};
        pay(&x, &again, &no);
        assert_string_equal(no, "2026-000005");
        /* the list: in scope, voided left out unless asked */
        json_t *items = NULL;
        int64_t total = 0;
        dues_payment_filter f = {.central = -1};
        assert_int_equal(dues_store_payments(&x.c, &f, NULL, &items, &total, &e), ST_OK);
        assert_int_equal(total, 4);
        json_decref(items);
        f.voided = true;
        f.person_id = k.zhang;
        assert_int_equal(dues_store_payments(&x.c, &f, NULL, &items, &total, &e), ST_OK);
        assert_int_equal(total, 4);
        json_decref(items);
        uc huli = fx_scoped(&x, "district", "350206");
        assert_int_equal(dues_store_payments(&huli, &f, NULL, &items, &total, &e), ST_OK);
        assert_int_equal(total, 0);
        json_decref(items);
        assert_int_equal(dues_store_payment_get(&huli, p1, &o, &e), ST_FORBIDDEN);
        assert_int_equal(dues_store_void(&huli, p1, "越权", &e), ST_FORBIDDEN);
        /* the member: their own page; cannot record a treasurer's payment */
        uc me = member_uc(&x, k.wang, "duestest3");
        assert_int_equal(dues_store_mine(&me, &o, &e), ST_OK);
        assert_int_equal(jint(o, "person_id"), k.wang);
        assert_string_equal(jstr(o, "this_month"), "2026-06");
        assert_int_equal(jint(json_object_get(o, "base"), "amount_fen"), 2500);
        assert_int_equal(json_array_size(json_object_get(o, "owed")), 2);
        assert_int_equal(jint(o, "owed_fen"), 5000);
        assert_int_equal(json_array_size(json_object_get(o, "payments")), 1);
        json_decref(o);
        dues_payment_new own = {.person_id = k.wang, .first_month = "2026-05", .received_fen = -1};
        assert_int_equal(dues_store_pay(&me, &own, &id, &no, &e), ST_FORBIDDEN);
        assert_int_equal(dues_store_void(&me, p3, "本人", &e), ST_FORBIDDEN);
        f = (dues_payment_filter){.central = -1, .voided = true};
        assert_int_equal(dues_store_payments(&me, &f, NULL, &items, &total, &e), ST_OK);
        assert_int_equal(total, 1);   /* their own only */
        json_decref(items);
        /* the receipts' new year: 2027 starts again at 000001 */
        set_day("2027-01-05");
        dues_payment_new ny = {.person_id = k.wang, .first_month = "2026-12", .received_fen = -1};
        pay(&x, &ny, &no);
        assert_string_equal(no, "2027-000001");
        ny.first_month = "2027-01";
        pay(&x, &ny, &no);
        assert_string_equal(no, "2027-000002");
        assert_int_equal(q1(&x, "SELECT last FROM dues_receipt_seq WHERE year = 2026"), 5);
        set_day("2026-06-15");
        users_clear(&x);
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bases),
        cmocka_unit_test(test_sheets),
        cmocka_unit_test(test_payments),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
