/* Unit tests for the study-hours figures (src/study/study_progress*.c) on
 * SQLite and, when EJIA_TEST_PG_URL is set, PostgreSQL: the requirement by
 * role (a secretary or committee member needs 56 学时, anyone else 32); the
 * share and ranks at ties; the kept figures agree exactly with the figures
 * counted straight from the credits (for the city, a district, each branch),
 * also after a rebuild; a member moving organization takes their hours
 * along; a member whose state stops counting leaves the figures; the ranking
 * by organization counts each one's members as a direct count does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "committee/committee_store.h"
#include "member/member_store.h"
#include "member/tally.h"
#include "study/study_credit.h"
#include "study/study_progress.h"
#include "study/study_progress_store.h"
#include "org/org_store.h"
#include "org/org_fixture.h"
#include "meeting/meeting_fixture.h"

static int setup(void **state) {
    fx_setup(state);
    return mfx_clock_setup("studyprog");
}

static int teardown(void **state) {
    mfx_clock_done();
    return fx_teardown(state);
}

static int64_t source_id = 100;

static st credit(fx *x, int64_t person, const char *day, int64_t minutes, const char *cat, err *e) {
    study_credit k = {.person_id = person, .day = day, .minutes = minutes, .category = cat, .source = "offline",
                      .source_id = source_id++};
    st s = uc_begin(&x->c, e);
    if (!s) s = study_credit_add(&x->c, &k, e);
    uc_act a = {"study.credit", uc_obj(&x->c, "member", person), "学时"};
    return uc_end(&x->c, s, &a, e);
}

/* Credit h hours on the year's days (each credit ≤ 24 h). */
static void hours(fx *x, int64_t person, int year, int64_t h, const char *cat) {
    err e;
    for (int d = 1; h > 0; d++) {
        int64_t m = h > 8 ? 8 : h;
        char day[32];
        snprintf(day, sizeof day, "%04d-01-%02d", year % 10000, d % 32);
        if (credit(x, person, day, m * 60, cat, &e)) fail_msg("credit: %s", e.msg);
        h -= m;
    }
}

static int64_t reg(fx *x, const char *name, const char *id, int64_t org) {
    member_new m = {.name = name, .id_number = id, .org_id = org, .category = MEMBER_FULL,
                    .joined_on = "2015-07-01", .full_on = "2016-07-01", .day = "2019-01-01"};
    int64_t p = 0;
    err e;
    if (member_store_register(&x->c, &m, &p, NULL, &e)) fail_msg("register %s: %s", name, e.msg);
    return p;
}

static json_t *figures(fx *x, const study_unit *u, int year, const char *by) {
    json_t *f = NULL;
    err e;
    if (study_progress_store_figures(&x->c, u, year, by, &f, &e)) fail_msg("figures: %s", e.msg);
    return f;
}

static int64_t geti(json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }

/* The kept figures agree with those counted from the credits. */
static void agree(fx *x, const study_unit *u, int year) {
    json_t *f = figures(x, u, year, NULL), *p = NULL;
    err e;
    if (study_progress_store_plain(&x->c, u, year, &p, &e)) fail_msg("plain: %s", e.msg);
    assert_int_equal(geti(f, "members"), geti(p, "members"));
    assert_int_equal(geti(f, "reached"), geti(p, "reached"));
    assert_int_equal(geti(f, "minutes"), geti(p, "minutes"));
    json_t *a = json_object_get(f, "by_category"), *b = json_object_get(p, "by_category");
    assert_int_equal(json_array_size(a), json_array_size(b));
    for (size_t i = 0; i < json_array_size(a); i++) {
        assert_string_equal(json_string_value(json_object_get(json_array_get(a, i), "category")),
                            json_string_value(json_object_get(json_array_get(b, i), "category")));
        assert_int_equal(geti(json_array_get(a, i), "minutes"), geti(json_array_get(b, i), "minutes"));
    }
}

/* The city ranked by district and each district's figures (read from the districts' kept rows, migration 0080)
   agree with those counted from the credits, and the districts add up to the city. */
static void districts_agree(fx *x, int year) {
    json_t *rows = json_object_get(figures(x, &(study_unit){.kind = "city"}, year, "district"), "rows");
    assert_true(json_array_size(rows) > 0);
    int64_t reached = 0, minutes = 0;
    for (size_t i = 0; i < json_array_size(rows); i++) {
        json_t *r = json_array_get(rows, i), *p = NULL;
        study_unit d = {.kind = "district", .code = json_string_value(json_object_get(r, "code"))};
        err e;
        if (study_progress_store_plain(&x->c, &d, year, &p, &e)) fail_msg("plain: %s", e.msg);
        assert_int_equal(geti(r, "members"), geti(p, "members"));
        assert_int_equal(geti(r, "reached"), geti(p, "reached"));
        assert_int_equal(geti(r, "minutes"), geti(p, "minutes"));
        agree(x, &d, year);
        reached += geti(r, "reached");
        minutes += geti(r, "minutes");
    }
    json_t *city = figures(x, &(study_unit){.kind = "city"}, year, NULL);
    assert_int_equal(reached, geti(city, "reached"));
    assert_int_equal(minutes, geti(city, "minutes"));
}

/* The ranking by organization reads each organization's members from the registry's counters ("o:<id>"):
   they agree with a direct count of the members, organization by organization, and no organization with
   counted members is missing. */
static void org_counts_agree(fx *x, const study_unit *u, int year) {
    bool stale = true;
    err e;
    if (tally_store_stale(x->d, &stale, &e)) fail_msg("stale: %s", e.msg);
    assert_false(stale);   /* the counters, not the members' GROUP BY, are what is read */
    json_t *rows = json_object_get(figures(x, u, year, "org"), "rows");
    int64_t total = 0;
    for (size_t i = 0; i < json_array_size(rows); i++) {
        json_t *r = json_array_get(rows, i);
        int64_t n = fx_count(x, arena_printf(x->c.mem, "SELECT COUNT(*) FROM member WHERE org_id = %lld AND %s",
                                             (long long)geti(r, "id"), STUDY_COUNTED_SQL("member")));
        if (geti(r, "members") != n)
            fail_msg("organization %lld: %lld members in the ranking, %lld counted", (long long)geti(r, "id"),
                     (long long)geti(r, "members"), (long long)n);
        total += n;
    }
    assert_int_equal(total, geti(figures(x, u, year, NULL), "members"));
}

static void test_rules(void **state) {
    (void)state;
    assert_int_equal(study_progress_required(false), 32 * 60);
    assert_int_equal(study_progress_required(true), 56 * 60);
    assert_int_equal(study_progress_share_bp(0, 0), 0);
    assert_int_equal(study_progress_share_bp(1, 3), 3333);
    assert_int_equal(study_progress_share_bp(2, 3), 6666);
    assert_int_equal(study_progress_share_bp(3, 3), 10000);
    char t[16];
    study_progress_share_text(6666, t, sizeof t);
    assert_string_equal(t, "66.6%");
    int64_t v[] = {10000, 5000, 5000, 2000, 2000, 2000, 0};
    int r[7];
    study_progress_rank(v, 7, r);
    int want[] = {1, 2, 2, 4, 4, 4, 7};
    for (int i = 0; i < 7; i++) assert_int_equal(r[i], want[i]);
}

static void test_figures(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        int year = atoi(mfx_today());
        int64_t a = mfx_branch(&x, "中共测试甲公司支部", 'A');
        int64_t b = mfx_branch(&x, "中共测试乙公司支部", 'B');
        fx_exec(&x, arena_printf(x.c.mem, "UPDATE org SET secretary = '李四', committee = '[\"王五\"]' WHERE id = %lld", (long long)a));
        int64_t zs = reg(&x, "张三", "350203199003151236", a);
        int64_t ls = reg(&x, "李四", "350203198506122344", a);
        int64_t ww = reg(&x, "王五", "350203197901013450", a);
        int64_t zl = reg(&x, "赵六", "350203199209094564", b);
        int64_t sq = reg(&x, "孙七", "350203198808085673", b);
        (void)sq;
        /* 32 学时 each: 张三 (a member) reached, 李四 (secretary) and 王五 (committee) not */
        hours(&x, zs, year, 20, "理论学习");
        hours(&x, zs, year, 12, "党史学习");
        hours(&x, ls, year, 32, "理论学习");
        hours(&x, ww, year, 32, "理论学习");
        hours(&x, zl, year, 16, "理论学习");
        hours(&x, zl, year - 1, 40, "理论学习");   /* last year's hours do not count this year */
        study_unit ua = {.kind = "org", .org_id = a}, ub = {.kind = "org", .org_id = b}, city = {.kind = "city"};
        json_t *f = figures(&x, &ua, year, NULL);
        assert_int_equal(geti(f, "members"), 3);
        assert_int_equal(geti(f, "reached"), 1);
        assert_int_equal(geti(f, "minutes"), 96 * 60);
        assert_int_equal(geti(f, "share_bp"), 3333);
        agree(&x, &ua, year);
        /* the secretary reaches 56 */
        hours(&x, ls, year, 24, "党史学习");
        f = figures(&x, &ua, year, NULL);
        assert_int_equal(geti(f, "reached"), 2);
        agree(&x, &ua, year);
        /* ties: both branches at 50% after 赵六 reaches → the same rank */
        hours(&x, zl, year, 16, "党史学习");
        hours(&x, ww, year, 24, "理论学习");   /* a: 3/3 */
        f = figures(&x, &city, year, "org");
        json_t *rows = json_object_get(f, "rows");
        assert_int_equal(json_array_size(rows), 2);
        assert_int_equal(geti(json_array_get(rows, 0), "share_bp"), 10000);
        assert_int_equal(geti(json_array_get(rows, 1), "share_bp"), 5000);
        hours(&x, sq, year, 32, "理论学习");   /* b: 2/2 — a tie at 100% */
        f = figures(&x, &city, year, "org");
        rows = json_object_get(f, "rows");
        assert_int_equal(geti(json_array_get(rows, 0), "rank"), 1);
        assert_int_equal(geti(json_array_get(rows, 1), "rank"), 1);
        agree(&x, &city, year);
        districts_agree(&x, year);
        agree(&x, &ub, year);
        org_counts_agree(&x, &city, year);
        /* the members behind a figure */
        json_t *items = NULL;
        int64_t total = 0;
        err e;
        uc_page pg = {50, 0, "q.minutes DESC, q.person_id"};
        if (study_progress_store_members(&x.c, &ua, false, year, 1, &pg, &items, &total, &e)) fail_msg("members: %s", e.msg);
        assert_int_equal(total, 3);
        assert_int_equal(json_array_size(items), 3);
        assert_int_equal(geti(json_array_get(items, 0), "person_id"), ls);
        assert_true(json_is_true(json_object_get(json_array_get(items, 0), "lead")));
        /* 张三 moves to b: his hours go along */
        member_change mc = {.day = mfx_today(), .org_id = b, .note = "调动"};
        if (member_store_change(&x.c, zs, &mc, &e)) fail_msg("change: %s", e.msg);
        f = figures(&x, &ua, year, NULL);
        assert_int_equal(geti(f, "members"), 2);
        assert_int_equal(geti(f, "reached"), 2);
        assert_int_equal(geti(f, "minutes"), (56 + 56) * 60);
        f = figures(&x, &ub, year, NULL);
        assert_int_equal(geti(f, "members"), 3);
        assert_int_equal(geti(f, "reached"), 3);
        agree(&x, &ua, year);
        agree(&x, &ub, year);
        agree(&x, &city, year);
        districts_agree(&x, year);
        agree(&x, &city, year - 1);
        org_counts_agree(&x, &city, year);   /* the counters followed 张三 from a to b */
        /* a state that does not count leaves the figures */
        member_change gone = {.day = mfx_today(), .state = "出党", .note = "测试"};
        if (member_store_change(&x.c, sq, &gone, &e)) fail_msg("change: %s", e.msg);
        f = figures(&x, &ub, year, NULL);
        assert_int_equal(geti(f, "members"), 2);
        assert_int_equal(geti(f, "reached"), 2);
        agree(&x, &ub, year);
        agree(&x, &city, year);
        districts_agree(&x, year);
        org_counts_agree(&x, &city, year);   /* 孙七 (出党) left b's counter */
        assert_int_equal(json_array_size(json_object_get(figures(&x, &ub, year, "org"), "rows")), 1);
        /* a post changes who needs 56 学时, and the kept figures follow at once: 赵六 (32 学时, reached) made a
           委员 of b no longer reaches; the post ended, he does again (study_progress_store_refile through
           the registry's change hooks, called by the committee's writes) */
        int64_t b_reached = geti(figures(&x, &ub, year, NULL), "reached");
        committee_post_new cp = {.post = "委员", .person_id = zl, .from_day = mfx_today()};
        int64_t post = 0;
        if (committee_store_post_add(&x.c, b, &cp, &post, &e)) fail_msg("post: %s", e.msg);
        assert_int_equal(geti(figures(&x, &ub, year, NULL), "reached"), b_reached - 1);
        agree(&x, &ub, year);
        if (committee_store_post_end(&x.c, post, mfx_today(), "测试", &e)) fail_msg("post end: %s", e.msg);
        assert_int_equal(geti(figures(&x, &ub, year, NULL), "reached"), b_reached);
        agree(&x, &ub, year);
        /* counted again from the credits: the same */
        int64_t before = geti(figures(&x, &city, year, NULL), "reached");
        if (study_progress_store_rebuild(x.d, &e)) fail_msg("rebuild: %s", e.msg);
        assert_int_equal(geti(figures(&x, &city, year, NULL), "reached"), before);
        agree(&x, &city, year);
        districts_agree(&x, year);
        /* the registry's counters recounted from the members: the same per organization */
        int64_t counted = 0;
        if (tally_store_rebuild(x.d, &counted, &e)) fail_msg("tally rebuild: %s", e.msg);
        org_counts_agree(&x, &city, year);
        org_counts_agree(&x, &ub, year);
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_figures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
