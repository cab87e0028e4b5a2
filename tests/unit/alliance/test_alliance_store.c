/* Unit tests for 党建联盟 in the database (src/alliance/alliance_store.c) on
 * SQLite and, when EJIA_TEST_PG_URL is set, PostgreSQL: an alliance created
 * by a district office with members of its district; a member of another
 * district refused with the member rule, a branch outside a park refused to
 * the park office, both added by the city; the members as of a day follow
 * the joined and left days; a second membership while one is open, the lead
 * leaving, a day before the founding refused; a joint activity needs members
 * of the day and people of the participating organizations, writes a line
 * per organization to the activity log and is refused to a member's role;
 * the list, the organization's alliances and the map keep to the caller's
 * scope; a dissolved alliance closes its memberships and takes no more
 * activities; each write one audit row, each refusal none.
 * The clock is the test clock: 10:00 China time tomorrow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "alliance/alliance_store.h"
#include "member/member_store.h"
#include "org/org_store.h"
#include "org/org_fixture.h"
#include "meeting/meeting_fixture.h"

static int setup(void **state) {
    fx_setup(state);
    return mfx_clock_setup("alliancetest");
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

/* The ids of the members on day, "a,b,c" in their listed order (the lead first). */
static const char *members_on(fx *x, int64_t id, const char *day) {
    static char out[200];
    json_t *o = NULL;
    err e;
    if (alliance_store_get(&x->c, id, day, &o, &e)) fail_msg("get: %s", e.msg);
    size_t i, n = 0;
    json_t *m;
    out[0] = 0;
    json_array_foreach(json_object_get(o, "members"), i, m) if (json_integer_value(json_object_get(m, "current")))
        n += (size_t)snprintf(out + n, sizeof out - n, "%s%lld", n ? "," : "", (long long)json_integer_value(json_object_get(m, "org_id")));
    return out;
}

static size_t list_n(uc *c, const char *kind) {
    alliance_filter f = {kind, NULL, NULL, NULL, "all"};
    json_t *items = NULL;
    err e;
    if (alliance_store_list(c, &f, &items, &e)) fail_msg("list: %s", e.msg);
    return json_array_size(items);
}

static void test_alliances(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        int64_t a = mfx_branch(&x, "中共测试甲公司支部", 'A'), b = mfx_branch(&x, "中共测试乙公司支部", 'B');
        int64_t d = mfx_branch(&x, "中共测试丁公司支部", 'D'), g = mfx_branch(&x, "中共测试戊公司支部", 'E');
        int64_t pa = reg(&x, a, "张三", "350203199003151236"), pg = reg(&x, g, "赵六", "350206199201014426");
        uc siming = fx_scoped(&x, "district", "350203"), huli = fx_scoped(&x, "district", "350206"), park = fx_scoped(&x, "park", "P9001");
        int64_t before = fx_audit_rows(&x), id = 0, mid = 0;

        /* refused: a kind not in the list, a name too short, another district's member (the rule named) */
        alliance_member_new ms[] = {{b, NULL, NULL}, {d, "2025-03-01", NULL}};
        alliance_new bad = {"软件园党建联盟", "区域", NULL, "2025-01-10", a, ms, 2};
        assert_int_equal(alliance_store_create(&siming, &bad, &id, &e), ST_INVALID);
        assert_string_equal(e.field, "kind");
        bad.kind = "行业";
        bad.name = "联";
        assert_int_equal(alliance_store_create(&siming, &bad, &id, &e), ST_INVALID);
        alliance_member_new other[] = {{g, NULL, NULL}};
        alliance_new far = {"跨区党建联盟", "跨企业", NULL, "2025-01-10", a, other, 1};
        assert_int_equal(alliance_store_create(&siming, &far, &id, &e), ST_FORBIDDEN);
        assert_non_null(strstr(e.msg, "中共测试戊公司支部"));
        assert_non_null(strstr(e.msg, "联盟成员规则"));
        /* a lead outside the caller's scope */
        alliance_new led = {"湖里党建联盟", "跨企业", NULL, "2025-01-10", a, NULL, 0};
        assert_int_equal(alliance_store_create(&huli, &led, &id, &e), ST_FORBIDDEN);
        assert_int_equal(fx_audit_rows(&x), before);

        /* created by 思明区: the lead from the founding, 乙 too, 丁 from 2025-03-01 */
        alliance_new ok = {"软件园党建联盟", "行业", "园区软件企业党组织共建", "2025-01-10", a, ms, 2};
        if (alliance_store_create(&siming, &ok, &id, &e)) fail_msg("create: %s", e.msg);
        assert_int_equal(fx_audit_rows(&x) - before, 1);
        assert_int_equal(alliance_store_create(&siming, &ok, &mid, &e), ST_CONFLICT);   /* the same name again */
        char want[80];
        snprintf(want, sizeof want, "%lld,%lld", (long long)a, (long long)b);
        assert_string_equal(members_on(&x, id, "2025-02-28"), want);
        snprintf(want, sizeof want, "%lld,%lld,%lld", (long long)a, (long long)b, (long long)d);
        assert_string_equal(members_on(&x, id, "2025-03-01"), want);

        /* the park may not add 丁 (outside the park) nor 戊; the city adds 戊 */
        before = fx_audit_rows(&x);
        alliance_member_new jg = {g, "2025-06-01", NULL};
        assert_int_equal(alliance_store_member_add(&park, id, &jg, &mid, &e), ST_FORBIDDEN);
        assert_non_null(strstr(e.msg, "区委组织部"));
        assert_int_equal(alliance_store_member_add(&siming, id, &jg, &mid, &e), ST_FORBIDDEN);
        alliance_member_new early = {g, "2024-12-31", NULL};
        assert_int_equal(alliance_store_member_add(&x.c, id, &early, &mid, &e), ST_INVALID);   /* before the founding */
        alliance_member_new again = {b, "2025-06-01", NULL};
        assert_int_equal(alliance_store_member_add(&x.c, id, &again, &mid, &e), ST_CONFLICT);   /* a member already */
        assert_int_equal(fx_audit_rows(&x), before);
        int64_t gm = 0;
        if (alliance_store_member_add(&x.c, id, &jg, &gm, &e)) fail_msg("add: %s", e.msg);
        assert_int_equal(fx_audit_rows(&x) - before, 1);

        /* leaving: not the lead; 戊 leaves 2025-09-01 (not by 思明区: outside it) */
        json_t *o = NULL;
        if (alliance_store_get(&x.c, id, mfx_today(), &o, &e)) fail_msg("get: %s", e.msg);
        int64_t lead_m = json_integer_value(json_object_get(json_array_get(json_object_get(o, "members"), 0), "id"));
        assert_int_equal(alliance_store_member_leave(&siming, id, lead_m, "2025-09-01", NULL, &e), ST_CONFLICT);
        assert_non_null(strstr(e.msg, "牵头组织"));
        assert_int_equal(alliance_store_member_leave(&siming, id, gm, "2025-09-01", NULL, &e), ST_FORBIDDEN);
        assert_int_equal(alliance_store_member_leave(&x.c, id, gm, "2025-05-01", NULL, &e), ST_INVALID);   /* before it joined */
        if (alliance_store_member_leave(&x.c, id, gm, "2025-09-01", "搬迁", &e)) fail_msg("leave: %s", e.msg);
        snprintf(want, sizeof want, "%lld,%lld,%lld,%lld", (long long)a, (long long)b, (long long)d, (long long)g);
        assert_string_equal(members_on(&x, id, "2025-08-31"), want);
        snprintf(want, sizeof want, "%lld,%lld,%lld", (long long)a, (long long)b, (long long)d);
        assert_string_equal(members_on(&x, id, "2025-09-01"), want);
        /* rejoining after it left is a new membership */
        alliance_member_new back = {g, "2025-10-01", NULL};
        if (alliance_store_member_add(&x.c, id, &back, &mid, &e)) fail_msg("rejoin: %s", e.msg);

        /* a joint activity: 戊 was no member on 2025-09-15; 赵六 is no member of a participating organization */
        before = fx_audit_rows(&x);
        int64_t orgs[] = {a, g}, orgs2[] = {a, b}, people[] = {pa}, people2[] = {pa, pg}, act = 0;
        alliance_activity_new x1 = {"2025-09-15", "软件园二期党群服务中心", "主题党日", "纪要", orgs, 2, people, 1, 12};
        assert_int_equal(alliance_store_activity_add(&siming, id, &x1, &act, &e), ST_INVALID);
        assert_non_null(strstr(e.msg, "中共测试戊公司支部"));
        x1.orgs = orgs2;
        x1.people = people2;
        x1.n_people = 2;
        assert_int_equal(alliance_store_activity_add(&siming, id, &x1, &act, &e), ST_INVALID);
        assert_string_equal(e.field, "person_ids");
        x1.n_people = 1;
        x1.attendance = 0;   /* the people named: 1 */
        uc member = x.c;
        member.who.role = "member";
        assert_int_equal(alliance_store_activity_add(&member, id, &x1, &act, &e), ST_FORBIDDEN);
        assert_int_equal(fx_audit_rows(&x), before);
        uc secretary = siming;
        secretary.who.role = "secretary";
        if (alliance_store_activity_add(&secretary, id, &x1, &act, &e)) fail_msg("activity: %s", e.msg);
        assert_int_equal(fx_audit_rows(&x) - before, 1);
        char sql[200];
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM activity WHERE kind = 'alliance.activity' AND ref = 'alliance_activity:%lld'", (long long)act);
        assert_int_equal(fx_count(&x, sql), 2);
        assert_int_equal(fx_count(&x, "SELECT attendance FROM alliance_activity"), 1);
        int64_t al = 0;
        if (alliance_store_activity_alliance(&x.c, act, &al, &e)) fail_msg("activity alliance: %s", e.msg);
        assert_int_equal(al, id);

        /* scope: 思明区 and the city list it, 湖里区 does not; by kind */
        assert_int_equal(list_n(&siming, NULL), 1);
        assert_int_equal(list_n(&x.c, "行业"), 1);
        assert_int_equal(list_n(&x.c, "园区"), 0);
        assert_int_equal(list_n(&huli, NULL), 0);
        /* 戊's alliances: listed, not to be opened by 湖里区 (led in 思明区) */
        json_t *items = NULL;
        if (alliance_store_of_org(&huli, g, mfx_today(), &items, &e)) fail_msg("of org: %s", e.msg);
        assert_int_equal(json_array_size(items), 1);
        assert_false(json_is_true(json_object_get(json_array_get(items, 0), "open")));
        if (alliance_store_of_org(&siming, g, mfx_today(), &items, &e)) fail_msg("of org: %s", e.msg);
        assert_true(json_is_true(json_object_get(json_array_get(items, 0), "open")));
        if (alliance_store_of_org(&x.c, g, "2025-09-15", &items, &e)) fail_msg("of org: %s", e.msg);
        assert_int_equal(json_array_size(items), 0);
        /* the map: the members' enterprises on the day */
        if (alliance_store_map(&siming, "2025-09-15", &items, &e)) fail_msg("map: %s", e.msg);
        assert_int_equal(json_array_size(items), 1);
        json_t *ents = json_object_get(json_array_get(items, 0), "enterprise_ids");
        assert_int_equal(json_array_size(ents), 3);   /* 甲, 乙, 丁 */
        assert_int_equal(json_array_size(json_object_get(json_array_get(items, 0), "members")), 3);
        if (alliance_store_map(&huli, mfx_today(), &items, &e)) fail_msg("map: %s", e.msg);
        assert_int_equal(json_array_size(items), 0);

        /* dissolved: not before the last activity; then every membership closes, no more activities or edits */
        alliance_edit dis = {.dissolved_on = "2025-09-15"};
        assert_int_equal(alliance_store_update(&siming, id, &dis, &e), ST_INVALID);
        alliance_edit ren = {.name = "软件园二期党建联盟", .kind = "园区"};
        if (alliance_store_update(&siming, id, &ren, &e)) fail_msg("rename: %s", e.msg);
        assert_int_equal(list_n(&x.c, "园区"), 1);
        dis.dissolved_on = "2025-12-01";
        if (alliance_store_update(&siming, id, &dis, &e)) fail_msg("dissolve: %s", e.msg);
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM alliance_member WHERE alliance_id = %lld AND left_on IS NULL", (long long)id);
        assert_int_equal(fx_count(&x, sql), 0);
        assert_string_equal(members_on(&x, id, "2025-12-01"), "");
        x1.day = "2025-12-02";
        assert_int_equal(alliance_store_activity_add(&siming, id, &x1, &act, &e), ST_INVALID);
        assert_int_equal(alliance_store_update(&siming, id, &ren, &e), ST_CONFLICT);
        assert_int_equal(list_n(&x.c, NULL), 1);
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alliances),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
