/* test_rules — the formation rules at every threshold edge (defaults of
 * rules.md: 3 members for a branch, 7 for a committee, 50 / 100 for a
 * general branch / committee, a branch above 50 is split, ≤ 5 units in a
 * joint branch), and the joint-branch plan as a district worker would check
 * it: groups of one building, then park, then street, each reaching 3
 * members with at most 5 units. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "org/org.h"

static const org_thresholds T = {.branch_min = 3, .committee_min = 7, .general_min = 50, .party_min = 100,
                                 .branch_max = 50, .joint_max_units = 5, .key_employees = 10, .org_full_min = 3,
                                 .committee_seats_min = 1};

static unsigned ent(int members, bool own, bool covered, bool instructor) {
    org_ent e = {.id = 1, .members = members, .employees = 20, .own_org = own, .covered = covered, .instructor = instructor};
    return org_rules_enterprise(&T, &e);
}

static unsigned org(const char *kind, int members, int units, bool committee) {
    org_unit u = {.id = 1, .kind = kind, .members = members, .units = units, .has_committee = committee};
    return org_rules_org(&T, &u);
}

static void test_should_form_edge(void **state) {
    (void)state;
    assert_int_equal(ent(2, false, false, false) & ORG_F_SHOULD_FORM, 0);
    assert_int_equal(ent(3, false, false, false) & ORG_F_SHOULD_FORM, ORG_F_SHOULD_FORM);
    /* in a joint branch but big enough for its own: still 应建未建 */
    assert_int_equal(ent(3, false, true, false) & ORG_F_SHOULD_FORM, ORG_F_SHOULD_FORM);
    assert_int_equal(ent(3, true, true, false), 0);
    assert_int_equal(ent(40, true, true, false), 0);
}

static void test_joint_and_instructor(void **state) {
    (void)state;
    assert_int_equal(ent(1, false, false, false), ORG_F_JOINT);
    assert_int_equal(ent(2, false, false, false), ORG_F_JOINT);
    assert_int_equal(ent(2, false, true, false), 0);           /* already in a joint branch */
    assert_int_equal(ent(0, false, false, false), ORG_F_INSTRUCTOR);
    assert_int_equal(ent(0, false, false, true), 0);           /* has one */
    assert_int_equal(ent(0, false, true, false), 0);           /* covered by a joint branch */
}

static void test_committee_edge(void **state) {
    (void)state;
    assert_int_equal(org("党支部", 6, 1, false) & ORG_F_COMMITTEE, 0);
    assert_int_equal(org("党支部", 7, 1, false) & ORG_F_COMMITTEE, ORG_F_COMMITTEE);
    assert_int_equal(org("党支部", 7, 1, true) & ORG_F_COMMITTEE, 0);
    assert_int_equal(org("联合党支部", 7, 3, false) & ORG_F_COMMITTEE, ORG_F_COMMITTEE);
    assert_int_equal(org("工委", 500, 0, false), 0);
}

/* The office's rules (issue 21): the registry's 正式党员, a branch's 书记, a committee's 委员. */
static unsigned office(const char *kind, const org_thresholds *t, int reg_full, bool no_secretary, int seats) {
    org_unit u = {.id = 1, .kind = kind, .members = 10, .units = 1, .has_committee = true, .registry = true,
                  .registry_full = reg_full, .no_secretary = no_secretary, .seats_known = true, .committee_seats = seats};
    return org_rules_org(t, &u);
}

static void test_office_rules_edges(void **state) {
    (void)state;
    unsigned mask = ORG_F_FEW_FULL | ORG_F_NO_SECRETARY | ORG_F_NO_SEATS;
    assert_int_equal(office("党支部", &T, 2, false, 0) & mask, ORG_F_FEW_FULL);
    assert_int_equal(office("党支部", &T, 3, false, 0) & mask, 0);   /* a branch needs no 委员 of a committee */
    assert_int_equal(office("联合党支部", &T, 3, true, 0) & mask, ORG_F_NO_SECRETARY);
    assert_int_equal(office("党总支", &T, 3, true, 0) & mask, ORG_F_NO_SEATS);   /* 书记: the branch rule only */
    assert_int_equal(office("党委", &T, 30, false, 1) & mask, 0);
    assert_int_equal(office("党委", &T, 2, false, 0) & mask, ORG_F_FEW_FULL | ORG_F_NO_SEATS);
    assert_int_equal(office("工委", &T, 0, true, 0), 0);
    /* the thresholds are settings */
    org_thresholds t = T;
    t.org_full_min = 5;
    t.committee_seats_min = 5;
    assert_int_equal(office("党支部", &t, 4, false, 0) & mask, ORG_F_FEW_FULL);
    assert_int_equal(office("党委", &t, 5, false, 4) & mask, ORG_F_NO_SEATS);
    assert_int_equal(office("党委", &t, 5, false, 5) & mask, 0);
    /* nothing known (a unit without the registry's counts): silent */
    org_unit u = {.id = 1, .kind = "党支部", .members = 10, .units = 1, .has_committee = true};
    assert_int_equal(org_rules_org(&T, &u) & mask, 0);
    char rule[128];
    org_finding_rule(&t, ORG_F_FEW_FULL, rule, sizeof rule);
    assert_string_equal(rule, "按党员名册，正式党员少于 5 名");
    assert_string_equal(org_finding_code(ORG_F_NO_SEATS), "no_seats");
    assert_string_equal(org_finding_label(ORG_F_NO_SECRETARY), "未配备书记");
}

static void test_upgrade_and_split_edges(void **state) {
    (void)state;
    assert_int_equal(org("党支部", 49, 1, true), 0);
    assert_int_equal(org("党支部", 50, 1, true), ORG_F_UP_GENERAL);                 /* 50: may be a 总支, not split */
    assert_int_equal(org("党支部", 51, 1, true), ORG_F_UP_GENERAL | ORG_F_SPLIT);   /* 51: over the branch limit */
    assert_int_equal(org("党支部", 99, 1, true), ORG_F_UP_GENERAL | ORG_F_SPLIT);
    assert_int_equal(org("党支部", 100, 1, true), ORG_F_UP_PARTY | ORG_F_SPLIT);
    assert_int_equal(org("党总支", 99, 1, true), 0);
    assert_int_equal(org("党总支", 100, 1, true), ORG_F_UP_PARTY);
    assert_int_equal(org("党委", 1000, 1, true), 0);
    assert_int_equal(org("联合党支部", 5, 5, false), 0);
    assert_int_equal(org("联合党支部", 5, 6, false), ORG_F_JOINT_UNITS);
}

static void test_kinds(void **state) {
    (void)state;
    assert_true(org_kind_valid("临时党支部"));
    assert_false(org_kind_valid("支部"));
    assert_false(org_kind_covers("工委"));
    assert_true(org_kind_rank("党委") > org_kind_rank("党总支"));
    assert_string_equal(org_finding_label(ORG_F_UP_PARTY), "可升格为党委");
    assert_string_equal(org_finding_code(ORG_F_SHOULD_FORM), "should_form");
}

static org_ent cand(int64_t id, const char *district, const char *building, const char *park, const char *street, int m) {
    return (org_ent){.id = id, .district = district, .building = building, .park = park, .street = street, .members = m};
}

static void test_joint_plan_building_first(void **state) {
    (void)state;
    org_ent c[] = {
        cand(1, "350203", "观日路1号", "P0001", "350203001", 1),
        cand(2, "350203", "观日路1号", "P0001", "350203001", 2),
        cand(3, "350203", "望海路2号", "P0001", "350203001", 1),
        cand(4, "350203", "望海路3号", "P0001", "350203001", 1),
        cand(5, "350203", "望海路4号", "P0001", "350203001", 1),
    };
    int g[5];
    const char *lv[5];
    int n = org_joint_plan(&T, c, 5, g, lv);
    assert_int_equal(n, 2);
    assert_int_equal(g[0], g[1]);                 /* the same building: 1 + 2 = 3 */
    assert_string_equal(lv[g[0]], "building");
    assert_int_equal(g[2], g[3]);                 /* the rest by park: 1 + 1 + 1 */
    assert_int_equal(g[3], g[4]);
    assert_string_equal(lv[g[2]], "park");
}

static void test_joint_plan_limits(void **state) {
    (void)state;
    /* six units of one member in one park: two branches of three */
    org_ent c[6];
    for (int i = 0; i < 6; i++) c[i] = cand(i + 1, "350206", "", "P0004", "", 1);
    int g[6];
    const char *lv[6];
    assert_int_equal(org_joint_plan(&T, c, 6, g, lv), 2);
    int count[2] = {0, 0};
    for (int i = 0; i < 6; i++) {
        assert_true(g[i] >= 0);
        count[g[i]]++;
    }
    assert_int_equal(count[0], 3);
    assert_int_equal(count[1], 3);
    /* two units (2 members) cannot reach 3: nothing, not a branch below the minimum */
    org_ent d[2] = {cand(1, "350206", "", "P0004", "", 1), cand(2, "350206", "", "P0004", "", 1)};
    assert_int_equal(org_joint_plan(&T, d, 2, g, lv), 0);
    assert_int_equal(g[0], -1);
    /* a minimum that five units cannot reach: no group has more than five units */
    org_thresholds t = T;
    t.branch_min = 6;
    org_ent e[6];
    for (int i = 0; i < 6; i++) e[i] = cand(i + 1, "350206", "", "P0004", "", 1);
    assert_int_equal(org_joint_plan(&t, e, 6, g, lv), 0);
    /* best fit: 2 2 1 1 gives two branches (2+1, 2+1), not one (2+2) */
    org_ent f[4] = {cand(1, "350203", "", "P0002", "", 2), cand(2, "350203", "", "P0002", "", 2),
                    cand(3, "350203", "", "P0002", "", 1), cand(4, "350203", "", "P0002", "", 1)};
    assert_int_equal(org_joint_plan(&T, f, 4, g, lv), 2);
}

static void test_joint_plan_districts_apart(void **state) {
    (void)state;
    /* the same street code text in two districts never groups across them */
    org_ent c[] = {cand(1, "350203", "", "", "S1", 1), cand(2, "350206", "", "", "S1", 1), cand(3, "350203", "", "", "S1", 1)};
    int g[3];
    const char *lv[3];
    assert_int_equal(org_joint_plan(&T, c, 3, g, lv), 0);
    org_ent d[] = {cand(1, "350203", "", "", "S1", 2), cand(2, "350206", "", "", "S1", 2), cand(3, "350203", "", "", "S1", 1)};
    assert_int_equal(org_joint_plan(&T, d, 3, g, lv), 1);
    assert_int_equal(g[1], -1);
    assert_string_equal(lv[g[0]], "street");
}

static void test_building_key(void **state) {
    (void)state;
    char b[64];
    org_building_of("厦门市思明区观日路12号301室", b, sizeof b);
    assert_string_equal(b, "厦门市思明区观日路12号");
    org_building_of("厦门市思明区某大厦", b, sizeof b);
    assert_string_equal(b, "");
    org_building_of(NULL, b, sizeof b);
    assert_string_equal(b, "");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_should_form_edge),     cmocka_unit_test(test_joint_and_instructor),
        cmocka_unit_test(test_committee_edge),       cmocka_unit_test(test_upgrade_and_split_edges),
        cmocka_unit_test(test_kinds),                cmocka_unit_test(test_joint_plan_building_first),
        cmocka_unit_test(test_joint_plan_limits),    cmocka_unit_test(test_joint_plan_districts_apart),
        cmocka_unit_test(test_building_key),         cmocka_unit_test(test_office_rules_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
