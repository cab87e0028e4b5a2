/* Unit tests for organizations' people and terms in the database
 * (src/committee/committee_store.c) on SQLite and, when EJIA_TEST_PG_URL is
 * set, PostgreSQL: the names given with a new organization become posts
 * (未关联), the carry-over links the one that matches a single 正式党员; a
 * post is refused for a 预备党员 and for a member of another organization
 * (the rule named); the committee as of a date and the "holds a post" check
 * follow the posts' days; the term's end by kind; a branch past its term is
 * overdue until its election is recorded, which ends the old committee and
 * keeps org.secretary and org.committee in step; each write one audit row.
 * The clock is the test clock: 10:00 China time tomorrow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "committee/committee_store.h"
#include "member/member_store.h"
#include "org/org_store.h"
#include "org/org_fixture.h"
#include "meeting/meeting_fixture.h"

static int setup(void **state) {
    fx_setup(state);
    return mfx_clock_setup("committeetest");
}

static int teardown(void **state) {
    mfx_clock_done();
    return fx_teardown(state);
}

static int64_t reg(fx *x, int64_t org, const char *name, const char *id, const char *category) {
    member_new m = {.name = name, .id_number = id, .org_id = org, .category = category, .joined_on = "2015-07-01",
                    .full_on = strcmp(category, MEMBER_FULL) ? NULL : "2016-07-01", .day = "2019-01-01"};
    if (strcmp(category, MEMBER_FULL)) m.joined_on = "2025-12-01";
    int64_t person = 0;
    err e;
    if (member_store_register(&x->c, &m, &person, NULL, &e)) fail_msg("register %s: %s", name, e.msg);
    return person;
}

/* The names of the posts of org on day, "书记:张三,委员:王五". */
static const char *posts_on(fx *x, int64_t org, const char *day) {
    static char out[400];
    json_t *o = NULL;
    err e;
    if (committee_store_get(&x->c, org, day, &o, &e)) fail_msg("get: %s", e.msg);
    size_t i, n = 0;
    json_t *p;
    out[0] = 0;
    json_array_foreach(json_object_get(o, "posts"), i, p)
        n += (size_t)snprintf(out + n, sizeof out - n, "%s%s:%s", i ? "," : "", json_string_value(json_object_get(p, "post")),
                              json_string_value(json_object_get(p, "name")));
    return out;
}

static bool in_terms(fx *x, uc *c, const char *status, int64_t org) {
    committee_term_filter f = {status, 0, NULL};
    json_t *items = NULL;
    err e;
    if (committee_store_terms(c, &f, &items, &e)) fail_msg("terms: %s", e.msg);
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) if (json_integer_value(json_object_get(it, "id")) == org) return true;
    (void)x;
    return false;
}

static void test_posts_and_terms(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        /* a branch founded with a 书记 and a committee by name (2018-01-02) */
        int64_t e0 = fx_ent(&x, 'A'), a = 0;
        org_new on = {.name = "中共测试甲公司支部", .kind = "党支部", .day = "2018-01-02", .enterprises = &e0, .n_enterprises = 1,
                      .approved = true, .secretary = "张三", .committee = "[\"张三\",\"李四\",\"王五\"]"};
        if (org_store_create(&x.c, &on, &a, &e)) fail_msg("org: %s", e.msg);
        int64_t b = mfx_branch(&x, "中共测试戊公司支部", 'E');
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM org_post WHERE person_id IS NULL AND source = 'carried'"), 3);
        int64_t zhang = reg(&x, a, "张三", "350203199003151236", MEMBER_FULL);
        int64_t li = reg(&x, a, "李四", "350203198511202349", MEMBER_PROBATION);
        int64_t sun = reg(&x, a, "孙七", "350203198807083342", MEMBER_FULL);
        int64_t zhao = reg(&x, b, "赵六", "350206199201014426", MEMBER_FULL);

        /* the carry-over: 张三 matches one 正式党员, 李四 a 预备党员, 王五 nobody */
        fx_exec(&x, "DELETE FROM org_post; INSERT INTO meta(key, value) VALUES ('org-post-carry', 'yes') ON CONFLICT DO NOTHING");
        int64_t carried = 0;
        if (committee_store_carry(x.d, &carried, &e)) fail_msg("carry: %s", e.msg);
        assert_int_equal(carried, 3);
        char sql[200];
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM org_post WHERE post = '书记' AND person_id = %lld", (long long)zhang);
        assert_int_equal(fx_count(&x, sql), 1);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM org_post WHERE person_id IS NULL AND post = '委员'"), 2);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM meta WHERE key = 'org-post-carry'"), 0);
        assert_string_equal(posts_on(&x, a, "2020-01-01"), "书记:张三,委员:李四,委员:王五");

        /* refused: a 预备党员, a member of another organization (the rule named) */
        int64_t before = fx_count(&x, "SELECT COUNT(*) FROM audit"), pid = 0;
        committee_post_new p = {"组织委员", li, "2026-03-01", NULL};
        assert_int_equal(committee_store_post_add(&x.c, a, &p, &pid, &e), ST_INVALID);
        assert_non_null(strstr(e.msg, "预备党员"));
        assert_non_null(strstr(e.msg, "须为本组织的正式党员"));
        p.person_id = zhao;
        assert_int_equal(committee_store_post_add(&x.c, a, &p, &pid, &e), ST_INVALID);
        assert_non_null(strstr(e.msg, "中共测试戊公司支部"));
        assert_non_null(strstr(e.msg, "须为本组织的正式党员"));
        /* not a member yet on the day (registered 2019-01-01) */
        committee_post_new early = {"宣传委员", sun, "2018-06-01", NULL};
        assert_int_equal(committee_store_post_add(&x.c, a, &early, &pid, &e), ST_INVALID);
        /* a second 书记 while one holds the post */
        committee_post_new sec2 = {"书记", sun, "2026-03-01", NULL};
        assert_int_equal(committee_store_post_add(&x.c, a, &sec2, &pid, &e), ST_CONFLICT);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM audit"), before);

        /* the committee as of a date: 孙七 宣传委员 from 2026-03-01 to 2026-06-01 */
        committee_post_new ok = {"宣传委员", sun, "2026-03-01", NULL};
        if (committee_store_post_add(&x.c, a, &ok, &pid, &e)) fail_msg("post: %s", e.msg);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM audit") - before, 1);
        assert_string_equal(posts_on(&x, a, "2026-02-28"), "书记:张三,委员:李四,委员:王五");
        assert_string_equal(posts_on(&x, a, "2026-03-01"), "书记:张三,宣传委员:孙七,委员:李四,委员:王五");
        bool holds = false;
        int64_t where = 0;
        if (committee_store_holds(&x.c, sun, "2026-04-01", &holds, &where, &e)) fail_msg("holds: %s", e.msg);
        assert_true(holds);
        assert_int_equal(where, a);
        if (committee_store_post_end(&x.c, pid, "2026-06-01", "调离", &e)) fail_msg("end: %s", e.msg);
        assert_string_equal(posts_on(&x, a, "2026-05-31"), "书记:张三,宣传委员:孙七,委员:李四,委员:王五");
        assert_string_equal(posts_on(&x, a, "2026-06-01"), "书记:张三,委员:李四,委员:王五");
        if (committee_store_holds(&x.c, sun, "2026-06-01", &holds, NULL, &e)) fail_msg("holds: %s", e.msg);
        assert_false(holds);
        if (committee_store_holds(&x.c, zhao, "2026-04-01", &holds, NULL, &e)) fail_msg("holds: %s", e.msg);
        assert_false(holds);
        assert_int_equal(committee_store_post_end(&x.c, pid, "2026-07-01", NULL, &e), ST_CONFLICT);

        /* the term by kind: a branch 3 years from its founding (no election), a 党委 5 */
        json_t *o = NULL;
        if (committee_store_get(&x.c, a, mfx_today(), &o, &e)) fail_msg("get: %s", e.msg);
        json_t *t = json_object_get(o, "term");
        assert_string_equal(json_string_value(json_object_get(t, "term_end")), "2021-01-02");
        assert_string_equal(json_string_value(json_object_get(t, "basis")), "established");
        assert_string_equal(json_string_value(json_object_get(t, "status")), "overdue");
        assert_int_equal(json_integer_value(json_object_get(o, "unlinked")), 2);
        int64_t eg = fx_ent(&x, 'G'), party = 0;
        org_new pn = {.name = "中共测试庚公司委员会", .kind = "党委", .day = "2024-02-29", .enterprises = &eg, .n_enterprises = 1, .approved = true};
        if (org_store_create(&x.c, &pn, &party, &e)) fail_msg("party: %s", e.msg);
        if (committee_store_get(&x.c, party, mfx_today(), &o, &e)) fail_msg("get: %s", e.msg);
        assert_string_equal(json_string_value(json_object_get(json_object_get(o, "term"), "term_end")), "2029-02-28");
        assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "term"), "years")), 5);

        /* overdue until the election: in the city's list and 思明's, not 湖里's */
        uc huli = fx_scoped(&x, "district", "350206"), siming = fx_scoped(&x, "district", "350203");
        assert_true(in_terms(&x, &x.c, "overdue", a));
        assert_true(in_terms(&x, &siming, "overdue", a));
        assert_false(in_terms(&x, &huli, "overdue", a));
        assert_false(in_terms(&x, &x.c, "overdue", party));
        int64_t overdue = 0, due = 0;
        if (committee_store_term_counts(&siming, &overdue, &due, &e)) fail_msg("counts: %s", e.msg);
        assert_true(overdue >= 1);
        /* refused: no 书记; a 预备党员 elected */
        committee_post_new none[] = {{"组织委员", sun, NULL, NULL}};
        committee_election_new bad = {.day = mfx_today(), .posts = none, .n = 1};
        int64_t eid = 0;
        before = fx_count(&x, "SELECT COUNT(*) FROM audit");
        assert_int_equal(committee_store_elect(&x.c, a, &bad, &eid, &e), ST_INVALID);
        committee_post_new probe[] = {{"书记", zhang, NULL, NULL}, {"组织委员", li, NULL, NULL}};
        committee_election_new bad2 = {.day = mfx_today(), .posts = probe, .n = 2};
        assert_int_equal(committee_store_elect(&x.c, a, &bad2, &eid, &e), ST_INVALID);
        assert_non_null(strstr(e.msg, "须为本组织的正式党员"));
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM audit"), before);
        /* recorded: the old committee ends that day, the new one starts, the term runs 3 years */
        committee_post_new good[] = {{"书记", sun, NULL, NULL}, {"组织委员", zhang, NULL, NULL}};
        committee_election_new el = {.day = mfx_today(), .posts = good, .n = 2, .note = "党员大会"};
        if (committee_store_elect(&x.c, a, &el, &eid, &e)) fail_msg("elect: %s", e.msg);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM audit") - before, 1);
        assert_false(in_terms(&x, &x.c, "overdue", a));
        assert_false(in_terms(&x, &x.c, "attention", a));
        assert_true(in_terms(&x, &x.c, "all", a));
        assert_string_equal(posts_on(&x, a, mfx_today()), "书记:孙七,组织委员:张三");
        char sql2[200];
        snprintf(sql2, sizeof sql2, "SELECT COUNT(*) FROM org WHERE id = %lld AND secretary = '孙七' AND committee = '[\"孙七\",\"张三\"]'",
                 (long long)a);
        assert_int_equal(fx_count(&x, sql2), 1);
        if (committee_store_get(&x.c, a, mfx_today(), &o, &e)) fail_msg("get: %s", e.msg);
        t = json_object_get(o, "term");
        assert_string_equal(json_string_value(json_object_get(t, "basis")), "election");
        assert_string_equal(json_string_value(json_object_get(t, "status")), "ok");
        assert_int_equal(json_integer_value(json_object_get(o, "unlinked")), 0);
        char end[11];
        committee_term_end(mfx_today(), 3, end);
        assert_string_equal(json_string_value(json_object_get(t, "term_end")), end);
        /* an election on or before the last one is refused */
        assert_int_equal(committee_store_elect(&x.c, a, &el, &eid, &e), ST_CONFLICT);
        /* the 书记 holds a post today; not once the branch is dissolved (from the day before) */
        if (committee_store_holds(&x.c, sun, mfx_today(), &holds, NULL, &e)) fail_msg("holds: %s", e.msg);
        assert_true(holds);
        char real[11];
        org_today(real);   /* the organization store's today (the real one, the day before the test clock's) */
        if (org_store_dissolve(&x.c, a, real, "测试撤销", &e)) fail_msg("dissolve: %s", e.msg);
        if (committee_store_holds(&x.c, sun, mfx_today(), &holds, NULL, &e)) fail_msg("holds: %s", e.msg);
        assert_false(holds);
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_posts_and_terms),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
