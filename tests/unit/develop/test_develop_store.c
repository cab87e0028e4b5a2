/* Unit tests for src/develop/develop_store.c on SQLite and, when
 * EJIA_TEST_PG_URL is set, PostgreSQL: a paper application taken to full
 * member through the store (the vote registers a 预备党员 in the registry, the
 * full-member vote makes them 正式党员; one audit row per act, none for a
 * refusal, nothing written by a refused step); undo; the due list as of a past
 * day; the caller's scope; the table of steps edited and every open file's
 * deadline moved with it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>

#include "develop/develop_store.h"
#include "member/member_store.h"
#include "org/org_store.h"
#include "org/org_fixture.h"

/* 17 digits and the GB 11643 check character */
static const char *id18(const char *body17) {
    static char out[8][19];
    static int k;
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++) sum += (body17[i] - '0') * w[i];
    char *o = out[k++ % 8];
    memcpy(o, body17, 17);
    o[17] = "10X98765432"[sum % 11];
    o[18] = 0;
    return o;
}

static int64_t branch(fx *x, const char *name, char ent) {
    int64_t e0 = fx_ent(x, ent), id = 0;
    org_new o = {.name = name, .kind = "党支部", .day = "2018-01-02", .enterprises = &e0, .n_enterprises = 1, .approved = true};
    err e;
    if (org_store_create(&x->c, &o, &id, &e)) fail_msg("org %s: %s", name, e.msg);
    return id;
}

static int64_t reg(fx *x, int64_t org, const char *name, const char *id, const char *category, const char *joined) {
    member_new m = {.name = name, .id_number = id, .org_id = org, .category = category, .joined_on = joined,
                    .full_on = !strcmp(category, MEMBER_FULL) ? joined : NULL};
    int64_t person = 0;
    err e;
    if (member_store_register(&x->c, &m, &person, NULL, &e)) fail_msg("register %s: %s", name, e.msg);
    return person;
}

static st step(fx *x, int64_t id, const char *code, const char *day, const int64_t *people, size_t n, err *e) {
    develop_step_new s = {.code = code, .day = day, .people = people, .n_people = n, .hours = 24};
    int64_t rec = 0;
    return develop_store_step(&x->c, id, &s, &rec, e);
}

static void ok(st s, const err *e) {
    if (s) fail_msg("%s", e->msg);
}

static void test_pipeline(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        int64_t a = branch(&x, "中共测试甲公司支部", 'A');
        branch(&x, "中共测试戊公司支部", 'E');
        int64_t f1 = reg(&x, a, "林介绍", id18("35020319700101051"), MEMBER_FULL, "2015-07-01");
        int64_t f2 = reg(&x, a, "陈介绍", id18("35020319710202052"), MEMBER_FULL, "2016-07-01");
        int64_t p1 = reg(&x, a, "吴预备", id18("35020319900303053"), MEMBER_PROBATION, "2018-06-01");

        /* an enterprise the branch does not cover */
        develop_new n = {.name = "许发展", .id_number = id18("35020319950615061"), .org_id = a, .enterprise_id = fx_ent(&x, 'E'),
                         .applied_on = "2019-03-01", .phone = "13900003001"};
        int64_t id = 0;
        assert_int_equal(develop_store_create(&x.c, &n, &id, &e), ST_INVALID);
        assert_string_equal(e.field, "org_id");
        n.enterprise_id = fx_ent(&x, 'A');
        int64_t audits = fx_audit_rows(&x);
        ok(develop_store_create(&x.c, &n, &id, &e), &e);
        assert_int_equal(fx_audit_rows(&x), audits + 1);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "develop.create develop:%lld", (long long)id));

        ok(step(&x, id, "talk", "2019-03-20", NULL, 0, &e), &e);
        ok(step(&x, id, "activist", "2019-04-10", &f1, 1, &e), &e);
        /* refused: too early, and a 预备党员 introducer — no row, no audit */
        int64_t recs = fx_count(&x, "SELECT COUNT(*) FROM develop_record");
        audits = fx_audit_rows(&x);
        int64_t early[] = {f1, f2}, prob[] = {f1, p1};
        assert_int_equal(step(&x, id, "target", "2020-04-09", early, 2, &e), ST_INVALID);
        assert_string_equal(e.field, "day");
        assert_int_equal(step(&x, id, "target", "2020-04-10", prob, 2, &e), ST_INVALID);
        assert_string_equal(e.field, "people");
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM develop_record"), recs);
        assert_int_equal(fx_audit_rows(&x), audits);
        ok(step(&x, id, "target", "2020-04-10", early, 2, &e), &e);
        ok(step(&x, id, "review", "2020-05-01", NULL, 0, &e), &e);
        /* undo the latest, recorded again */
        assert_int_equal(develop_store_undo(&x.c, id, "", &e), ST_INVALID);
        ok(develop_store_undo(&x.c, id, "日期录错", &e), &e);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM develop_record WHERE undone_at IS NOT NULL"), 1);
        ok(step(&x, id, "review", "2020-05-02", NULL, 0, &e), &e);
        ok(step(&x, id, "training", "2020-05-10", NULL, 0, &e), &e);
        audits = fx_audit_rows(&x);
        ok(step(&x, id, "vote", "2020-06-01", NULL, 0, &e), &e);
        /* one act, one row: the registration is a part of it */
        assert_int_equal(fx_audit_rows(&x), audits + 1);
        json_t *o = NULL;
        ok(develop_store_get(&x.c, id, &o, &e), &e);
        int64_t person = json_integer_value(json_object_get(o, "person_id"));
        assert_string_equal(json_string_value(json_object_get(o, "stage")), "预备党员");
        assert_string_equal(json_string_value(json_object_get(o, "next_due")), "2020-09-01");
        json_decref(o);
        member_standing m;
        ok(member_store_standing(&x.c, person, "2020-06-01", &m, &e), &e);
        assert_string_equal(m.category, MEMBER_PROBATION);
        assert_int_equal(member_store_standing(&x.c, person, "2020-05-31", &m, &e), ST_NOT_FOUND);
        assert_int_equal(develop_store_undo(&x.c, id, "试试", &e), ST_CONFLICT);
        ok(step(&x, id, "approve", "2020-08-01", NULL, 0, &e), &e);
        assert_int_equal(step(&x, id, "full", "2021-05-31", NULL, 0, &e), ST_INVALID);
        ok(step(&x, id, "full", "2021-06-01", NULL, 0, &e), &e);
        ok(member_store_standing(&x.c, person, "2021-06-01", &m, &e), &e);
        assert_string_equal(m.category, MEMBER_FULL);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM activity WHERE kind IN ('develop.probation', 'develop.full')"), 2);

        /* the due list as of past days: approval, then the end of probation */
        develop_filter f = {.as_of = "2020-07-01", .within = 62};
        json_t *items = NULL;
        int64_t total = -1;
        ok(develop_store_due(&x.c, &f, NULL, &items, &total, &e), &e);
        assert_int_equal(json_array_size(items), 1);
        assert_int_equal(total, 1);
        assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "step")), "approve");
        json_decref(items);
        f.within = 61;
        ok(develop_store_due(&x.c, &f, NULL, &items, &total, &e), &e);
        assert_int_equal(json_array_size(items), 0);
        json_decref(items);
        /* the day before the full-member vote: due tomorrow; on its day: done, nothing due */
        f = (develop_filter){.as_of = "2021-05-31", .within = 1};
        ok(develop_store_due(&x.c, &f, NULL, &items, &total, &e), &e);
        assert_int_equal(json_array_size(items), 1);
        assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "step")), "full");
        assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "days_left")), 1);
        json_decref(items);
        f = (develop_filter){.as_of = "2021-06-01", .within = 0};
        ok(develop_store_due(&x.c, &f, NULL, &items, &total, &e), &e);
        assert_int_equal(json_array_size(items), 0);
        json_decref(items);
        /* worked out again from the steps (the upgrade after migration 0045): the same answers */
        int64_t files = 0;
        ok(develop_store_rebuild(x.d, &files, &e), &e);
        assert_true(files >= 1);
        f = (develop_filter){.as_of = "2020-07-01", .within = 62};
        ok(develop_store_due(&x.c, &f, NULL, &items, &total, &e), &e);
        assert_int_equal(total, 1);
        json_decref(items);

        /* scope: 湖里's office sees nothing of 思明's branch */
        uc huli = fx_scoped(&x, "district", "350206");
        assert_int_equal(develop_store_get(&huli, id, &o, &e), ST_NOT_FOUND);
        ok(develop_store_list(&huli, &(develop_filter){0}, NULL, &items, &total, &e), &e);
        assert_int_equal(total, 0);
        json_decref(items);
        uc siming = fx_scoped(&x, "district", "350203");
        ok(develop_store_list(&siming, &(develop_filter){0}, NULL, &items, &total, &e), &e);
        assert_int_equal(total, 1);
        json_decref(items);
        fx_close(&x);
    }
}

static void test_rules_edit(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        int64_t a = branch(&x, "中共测试甲公司支部", 'A');
        develop_new n = {.name = "叶待谈", .id_number = id18("35020319970817101"), .org_id = a, .applied_on = "2024-01-10"};
        int64_t id = 0;
        ok(develop_store_create(&x.c, &n, &id, &e), &e);
        develop_rule *rules;
        size_t nr;
        ok(develop_store_rules(&x.c, &rules, &nr, &e), &e);
        develop_rule talk = *develop_rule_find(rules, nr, "talk");
        assert_int_equal(talk.due_months, 1);
        talk.due_months = 2;
        ok(develop_store_rule_set(&x.c, &talk, &e), &e);
        assert_string_equal(fx_last_audit(&x), "develop.rule develop_step:talk");
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM develop_applicant WHERE next_due = '2024-03-10'"), 1);
        /* an anchor that comes later: refused, nothing changed */
        develop_rule bad = talk;
        bad.anchor = "vote";
        assert_int_equal(develop_store_rule_set(&x.c, &bad, &e), ST_INVALID);
        assert_string_equal(e.field, "anchor");
        develop_rule vote = *develop_rule_find(rules, nr, "vote");
        vote.optional = true;
        assert_int_equal(develop_store_rule_set(&x.c, &vote, &e), ST_INVALID);
        talk.due_months = 1;   /* the shared database keeps the defaults */
        ok(develop_store_rule_set(&x.c, &talk, &e), &e);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM develop_applicant WHERE next_due = '2024-02-10'"), 1);
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pipeline),
        cmocka_unit_test(test_rules_edit),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
