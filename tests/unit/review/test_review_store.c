/* Unit tests for content pre-review in the database (src/review/review_store.c)
 * on SQLite and, when EJIA_TEST_PG_URL is set, PostgreSQL: the group is made
 * of members of the organization covering the enterprise (another's member
 * and an uncovered enterprise refused, the rule said); an item keeps the
 * checklist version it was submitted with when the enterprise edits its own
 * or the city its default; the state machine through the use cases (no
 * decision before a reviewer hands in, nothing after the decision); the
 * content is refused to the offices (city, district) and read by the
 * enterprise's organization; the figures by enterprise and district inside a
 * scope: time to decision (median, p90 by nearest rank), rejections by
 * reason, overdue; each write one audit row.  The clock is the test clock:
 * 10:00 China time tomorrow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "core/config.h"
#include "review/review_store.h"
#include "member/member_store.h"
#include "org/org_store.h"
#include "org/org_fixture.h"
#include "meeting/meeting_fixture.h"

static int setup(void **state) {
    fx_setup(state);
    return mfx_clock_setup("reviewtest");
}

static int teardown(void **state) {
    mfx_clock_done();
    return fx_teardown(state);
}

static int64_t reg(fx *x, int64_t org, const char *name, const char *id) {
    member_new m = {.name = name, .id_number = id, .org_id = org, .category = MEMBER_FULL, .joined_on = "2015-07-01", .full_on = "2016-07-01",
                    .day = "2019-01-01"};
    int64_t person = 0;
    err e;
    if (member_store_register(&x->c, &m, &person, NULL, &e)) fail_msg("register %s: %s", name, e.msg);
    return person;
}

static void account(fx *x, int64_t person, const char *username) {
    int64_t uid = 0;
    err e;
    if (db_query_int(x->d, &uid,
                     "INSERT INTO users(username, name, role, scope_kind, scope_code, scope_name, password_hash) "
                     "VALUES ($1, '审核人', 'member', 'self', '0', '本人', 'x') RETURNING id",
                     &e, "t", username))
        fail_msg("user: %s", e.msg);
    if (db_run(x->d, "UPDATE person SET user_id = $1 WHERE id = $2", &e, "ii", uid, person)) fail_msg("link: %s", e.msg);
}

static int64_t submit(fx *x, int64_t ent, const char *title, const char *deadline) {
    review_item_new it = {"game", title, "说明", deadline, NULL, 0};
    int64_t id = 0;
    err e;
    if (review_store_submit(&x->c, ent, &it, &id, &e)) fail_msg("submit %s: %s", title, e.msg);
    return id;
}

/* Assign person, hand in all-pass findings, decide; the decision's times set to submitted + hours. */
static void decide(fx *x, int64_t item, int64_t person, const char *decision, const char *reason_cat, double days) {
    err e;
    if (review_store_assign(&x->c, item, &person, 1, &e)) fail_msg("assign: %s", e.msg);
    int64_t asg = 0;
    if (db_query_int(x->d, &asg, "SELECT id FROM review_assign WHERE item_id = $1", &e, "i", item)) fail_msg("asg: %s", e.msg);
    json_t *checks = NULL;
    if (db_query_json(x->d, &checks, "SELECT k.id, k.category FROM review_check k JOIN review_item i ON i.checklist_id = k.checklist_id WHERE i.id = $1 ORDER BY k.seq",
                      &e, "i", item))
        fail_msg("checks: %s", e.msg);
    size_t n = json_array_size(checks);
    review_finding_new f[64];
    int64_t reason = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *k = json_array_get(checks, i);
        f[i] = (review_finding_new){json_integer_value(json_object_get(k, "id")), "pass", NULL};
        if (reason_cat && !strcmp(json_string_value(json_object_get(k, "category")), reason_cat)) reason = f[i].check_id;
    }
    json_decref(checks);
    if (review_store_findings(&x->c, asg, f, n, true, &e)) fail_msg("findings: %s", e.msg);
    if (review_store_decide(&x->c, item, 0, decision, reason ? &reason : NULL, reason ? 1 : 0, NULL, &e)) fail_msg("decide: %s", e.msg);
    if (db_run(x->d, "UPDATE review_item SET decided_at = submitted_at + $1 WHERE id = $2", &e, "ii", (int64_t)(days * 86400), item))
        fail_msg("times: %s", e.msg);
}

static json_t *fig_row(json_t *figs, const char *key) {
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(figs, "items"), i, r) if (!strcmp(json_string_value(json_object_get(r, "key")), key)) return r;
    return NULL;
}

static void test_review(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        fx_exec(&x, "DELETE FROM users WHERE username LIKE 'reviewtest%'");
        int64_t entA = fx_ent(&x, 'A'), entD = fx_ent(&x, 'D'), entE = fx_ent(&x, 'E');
        int64_t a = mfx_branch(&x, "中共测试甲公司支部", 'A'), b = mfx_branch(&x, "中共测试戊公司支部", 'E');
        int64_t zhang = reg(&x, a, "张三", "350203199003151236"), li = reg(&x, a, "李四", "350203198511202349");
        int64_t sun = reg(&x, a, "孙七", "350203198807083342"), zhao = reg(&x, b, "赵六", "350206199201014426");
        account(&x, zhang, "reviewtest1");
        account(&x, zhao, "reviewtest2");

        /* the group: members of the covering organization only */
        int64_t before = fx_audit_rows(&x), gid = 0, gE = 0;
        int64_t bad[] = {zhang, zhao};
        assert_int_equal(review_store_group_setup(&x.c, entA, "审核小组", bad, 2, zhang, &gid, &e), ST_INVALID);
        assert_non_null(strstr(e.msg, "赵六"));
        assert_non_null(strstr(e.msg, "中共测试甲公司支部"));
        int64_t one[] = {zhang};
        assert_int_equal(review_store_group_setup(&x.c, entD, "审核小组", one, 1, zhang, &gid, &e), ST_INVALID);
        assert_non_null(strstr(e.msg, "没有党组织覆盖"));
        assert_int_equal(fx_audit_rows(&x), before);
        int64_t ok[] = {zhang, li};
        if (review_store_group_setup(&x.c, entA, "审核小组", ok, 2, li, &gid, &e)) fail_msg("group: %s", e.msg);
        assert_int_equal(fx_audit_rows(&x), before + 1);
        int64_t eE[] = {zhao};
        if (review_store_group_setup(&x.c, entE, "审核小组", eE, 1, zhao, &gE, &e)) fail_msg("group E: %s", e.msg);

        /* the checklist snapshot: an item keeps the version it was submitted with */
        review_check_new v1[] = {{"political", "政治导向", NULL}, {"map", "地图", NULL}, {"minors", "未成年人", NULL}};
        int64_t l1 = 0, l2 = 0, lc = 0;
        if (review_store_checklist_save(&x.c, entA, "本企业清单", v1, 3, &l1, &e)) fail_msg("checklist: %s", e.msg);
        int64_t i1 = submit(&x, entA, "版本一", "2099-01-01");
        review_check_new v2[] = {{"political", "政治导向", NULL}};
        if (review_store_checklist_save(&x.c, entA, "本企业清单", v2, 1, &l2, &e)) fail_msg("checklist 2: %s", e.msg);
        review_check_new vc[] = {{"other", "城市新清单", NULL}};
        if (review_store_checklist_save(&x.c, 0, "全市清单", vc, 1, &lc, &e)) fail_msg("city: %s", e.msg);
        int64_t i2 = submit(&x, entA, "版本二", "2099-01-01");
        uc org = fx_scoped(&x, "org", "1"), city = fx_scoped(&x, "city", ""), dist = fx_scoped(&x, "district", "350203");
        json_t *o = NULL;
        if (review_store_item(&org, i1, &o, &e)) fail_msg("item: %s", e.msg);
        assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "checklist"), "id")), l1);
        assert_int_equal(json_array_size(json_object_get(json_object_get(o, "checklist"), "checks")), 3);
        if (review_store_item(&org, i2, &o, &e)) fail_msg("item 2: %s", e.msg);
        assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "checklist"), "id")), l2);
        /* E keeps no checklist of its own: the city's newest */
        int64_t iE = submit(&x, entE, "戊的文章", "2099-01-01");
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM review_item i JOIN review_checklist l ON l.id = i.checklist_id WHERE l.enterprise_id IS NULL AND l.version = 2"), 1);

        /* the content: not for the offices */
        assert_int_equal(review_store_item(&city, i1, &o, &e), ST_NOT_FOUND);
        assert_non_null(strstr(e.msg, "内容预审统计"));
        assert_int_equal(review_store_item(&dist, i1, &o, &e), ST_NOT_FOUND);
        assert_int_equal(review_store_enterprise(&city, entA, &o, &e), ST_NOT_FOUND);
        if (review_store_enterprise(&org, entA, &o, &e)) fail_msg("enterprise: %s", e.msg);
        assert_int_equal(json_array_size(json_object_get(o, "items")), 2);

        /* the state machine through the use cases */
        int64_t reason = 0;
        assert_int_equal(review_store_decide(&x.c, i1, 0, "pass", NULL, 0, NULL, &e), ST_CONFLICT);
        int64_t nosign[] = {li};
        assert_int_equal(review_store_assign(&x.c, i1, nosign, 1, &e), ST_INVALID);   /* no account */
        int64_t other[] = {sun};
        assert_int_equal(review_store_assign(&x.c, i1, other, 1, &e), ST_INVALID);   /* not in the group */
        if (review_store_assign(&x.c, i1, &zhang, 1, &e)) fail_msg("assign: %s", e.msg);
        assert_int_equal(review_store_decide(&x.c, i1, 0, "pass", NULL, 0, NULL, &e), ST_CONFLICT);   /* nobody handed in */
        assert_non_null(strstr(e.msg, "review-decide-min-done"));
        fx_exec(&x, "DELETE FROM review_assign");
        fx_exec(&x, "UPDATE review_item SET state = 'submitted'");
        decide(&x, i1, zhang, "reject", "map", 1);
        assert_int_equal(review_store_withdraw(&x.c, i1, NULL, &e), ST_CONFLICT);
        assert_int_equal(review_store_assign(&x.c, i1, &zhang, 1, &e), ST_CONFLICT);
        /* a reason from another checklist version is refused */
        if (db_query_int(x.d, &reason, "SELECT MIN(id) FROM review_check WHERE checklist_id = $1", &e, "i", l1)) fail_msg("%s", e.msg);
        if (review_store_assign(&x.c, i2, &zhang, 1, &e)) fail_msg("assign 2: %s", e.msg);
        if (cfg_set("review-decide-min-done", "0", &e)) fail_msg("setting: %s", e.msg);   /* past the hand-in rule, to the reasons */
        assert_int_equal(review_store_decide(&x.c, i2, 0, "reject", &reason, 1, NULL, &e), ST_INVALID);
        assert_string_equal(e.field, "reasons");
        if (cfg_set("review-decide-min-done", "1", &e)) fail_msg("setting: %s", e.msg);
        fx_exec(&x, "DELETE FROM review_assign WHERE item_id IN (SELECT id FROM review_item WHERE title = '版本二')");
        fx_exec(&x, "UPDATE review_item SET state = 'submitted' WHERE title = '版本二'");
        decide(&x, i2, zhang, "pass", NULL, 2);
        int64_t i3 = submit(&x, entA, "版本三", "2099-01-01");
        decide(&x, i3, zhang, "reject", "political", 10);
        int64_t i4 = submit(&x, entA, "版本四", mfx_today());
        fx_exec(&x, "UPDATE review_item SET deadline = '2000-01-01' WHERE title = '版本四'");   /* open past its deadline */
        (void)i4;
        decide(&x, iE, zhao, "pass_changes", "other", 4);

        /* the figures: 思明区 sees A; 湖里区 E; the city both */
        json_t *f = NULL;
        if (review_store_figures(&dist, "enterprise", NULL, NULL, &f, &e)) fail_msg("figures: %s", e.msg);
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)entA);
        json_t *r = fig_row(f, key);
        assert_non_null(r);
        assert_int_equal(json_array_size(json_object_get(f, "items")), 1);
        assert_int_equal(json_integer_value(json_object_get(r, "items")), 4);
        assert_int_equal(json_integer_value(json_object_get(r, "decided")), 3);
        assert_int_equal(json_integer_value(json_object_get(r, "reject")), 2);
        assert_int_equal(json_integer_value(json_object_get(r, "overdue")), 1);
        assert_int_equal(json_integer_value(json_object_get(r, "open")), 1);
        assert_true(json_real_value(json_object_get(r, "median_days")) == 2.0);   /* 1, 2, 10 */
        assert_true(json_real_value(json_object_get(r, "p90_days")) == 10.0);
        assert_int_equal(json_integer_value(json_object_get(r, "r_map")), 1);
        assert_int_equal(json_integer_value(json_object_get(r, "r_political")), 1);
        char *dump = json_dumps(f, 0);
        assert_null(strstr(dump, "版本"));   /* counts only: no title leaves the enterprise */
        free(dump);
        if (review_store_figures(&city, "district", NULL, NULL, &f, &e)) fail_msg("figures city: %s", e.msg);
        assert_int_equal(json_array_size(json_object_get(f, "items")), 2);
        json_t *t = json_object_get(f, "total");
        assert_int_equal(json_integer_value(json_object_get(t, "items")), 5);
        assert_int_equal(json_integer_value(json_object_get(t, "pass_changes")), 1);
        assert_true(json_real_value(json_object_get(t, "median_days")) == 2.0);   /* 1, 2, 4, 10 */
        assert_true(json_real_value(json_object_get(t, "p90_days")) == 10.0);
        json_t *rs = json_object_get(f, "reasons");
        size_t k;
        json_t *x2;
        json_array_foreach(rs, k, x2) if (!strcmp(json_string_value(json_object_get(x2, "category")), "other"))
            assert_int_equal(json_integer_value(json_object_get(x2, "pass_changes")), 1);
        uc huli = fx_scoped(&x, "district", "350206");
        if (review_store_figures(&huli, "enterprise", NULL, NULL, &f, &e)) fail_msg("figures huli: %s", e.msg);
        assert_int_equal(json_array_size(json_object_get(f, "items")), 1);
        snprintf(key, sizeof key, "%lld", (long long)entE);
        assert_non_null(fig_row(f, key));
        /* the enterprise's organization sees its own */
        char code[24];
        snprintf(code, sizeof code, "%lld", (long long)b);
        uc orgB = fx_scoped(&x, "org", code);
        if (review_store_figures(&orgB, "enterprise", NULL, NULL, &f, &e)) fail_msg("figures org: %s", e.msg);
        assert_int_equal(json_array_size(json_object_get(f, "items")), 1);
        assert_int_equal(review_store_figures(&city, "street", NULL, NULL, &f, &e), ST_INVALID);
        fx_exec(&x, "DELETE FROM review_reason; DELETE FROM review_finding; DELETE FROM review_assign; DELETE FROM review_file; DELETE FROM review_item; "
                    "DELETE FROM review_member; DELETE FROM review_group; UPDATE person SET user_id = NULL");
        fx_exec(&x, "DELETE FROM users WHERE username LIKE 'reviewtest%'");
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_review),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
