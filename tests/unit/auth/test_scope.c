/* Unit tests for src/auth/scope and roles: containment for every kind of
 * binding (city, district, park, organization subtree, enterprise, self,
 * owner-only objects), failing closed on unknown kinds and missing objects;
 * SCOPE_COND filters the same rows as scope_contains decides one by one;
 * and the role table in C is the same as data/roles.json (which the access
 * tests read). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "auth/roles.h"
#include "auth/scope.h"
#include "core/config.h"

static scope_loc loc(const char *district, const char *park, const char *org_path, const char *ent, int64_t owner) {
    scope_loc l;
    memset(&l, 0, sizeof l);
    snprintf(l.district, sizeof l.district, "%s", district);
    snprintf(l.park, sizeof l.park, "%s", park);
    snprintf(l.org_path, sizeof l.org_path, "%s", org_path);
    snprintf(l.enterprise, sizeof l.enterprise, "%s", ent);
    l.owner = owner;
    return l;
}

static void test_contains(void **state) {
    (void)state;
    scope_who city = {"city", "3502", 1}, siming = {"district", "350203", 2}, rjy2 = {"park", "P0002", 3},
              org1 = {"org", "1", 4}, org5 = {"org", "5", 5}, ent = {"enterprise", "42", 6}, self = {"self", "7", 7},
              odd = {"galaxy", "1", 8}, nocode = {"district", "", 9};
    scope_loc in_park = loc("350203", "P0002", "", "", 0), in_huli = loc("350206", "P0004", "", "", 0),
              branch = loc("350203", "", "/1/5/9/", "", 0), company = loc("350203", "P0002", "", "42", 0),
              mine = loc("", "", "", "", 7), cityloc = loc("", "", "", "", 0);
    assert_true(scope_contains(&city, &in_park));
    assert_true(scope_contains(&city, &cityloc));
    assert_true(scope_contains(&siming, &in_park));
    assert_false(scope_contains(&siming, &in_huli));
    assert_false(scope_contains(&siming, &cityloc));   /* the city itself is above a district */
    assert_true(scope_contains(&rjy2, &in_park));
    assert_false(scope_contains(&rjy2, &branch));      /* same district, not in the park */
    assert_true(scope_contains(&org1, &branch));       /* subtree */
    assert_true(scope_contains(&org5, &branch));
    scope_who org11 = {"org", "11", 10};
    scope_loc b11 = loc("", "", "/1/11/", "", 0);
    assert_false(scope_contains(&org1, &in_park));
    assert_true(scope_contains(&org11, &b11));
    assert_false(scope_contains(&org5, &b11));         /* 5 is not on the path /1/11/ */
    assert_true(scope_contains(&org1, &b11));
    scope_loc b51 = loc("", "", "/51/", "", 0);
    assert_false(scope_contains(&org5, &b51));         /* 5 is not a prefix match of 51 */
    assert_true(scope_contains(&ent, &company));
    assert_false(scope_contains(&ent, &in_park));
    assert_true(scope_contains(&self, &mine));
    assert_false(scope_contains(&self, &in_park));
    /* a city-wide object every area office works on (a ledger round) */
    scope_loc round = loc("", "", "", "", 0);
    round.areas = true;
    assert_true(scope_contains(&city, &round));
    assert_true(scope_contains(&siming, &round));
    assert_true(scope_contains(&rjy2, &round));
    assert_false(scope_contains(&org1, &round));
    assert_false(scope_contains(&ent, &round));
    assert_false(scope_contains(&self, &round));
    assert_false(scope_contains(&odd, &round));
    assert_false(scope_contains(&odd, &in_park));      /* unknown binding: closed */
    assert_false(scope_contains(&nocode, &in_park));   /* empty code: closed */
    assert_false(scope_contains(NULL, &in_park));
    /* Accounts to manage: also the role rule (city may not manage an administrator, even its own account). */
    scope_who cityr = {"city", "3502", 1, "city"}, sys = {"city", "3502", 11, "sysadmin"};
    scope_loc admin_acct = loc("", "", "", "", 11), dist_acct = loc("350203", "", "", "", 3);
    snprintf(admin_acct.manage_role, sizeof admin_acct.manage_role, "sysadmin");
    snprintf(dist_acct.manage_role, sizeof dist_acct.manage_role, "district");
    assert_false(scope_contains(&cityr, &admin_acct));
    assert_true(scope_contains(&cityr, &dist_acct));
    assert_false(scope_contains(&sys, &admin_acct));   /* 三权分立: administrators only on the server (roles_cli_only) */
    assert_false(scope_contains(&city, &dist_acct));   /* no role given: closed */
    /* Owner-only objects (sessions): the owner, nobody else, not even the city. */
    scope_loc sess = loc("", "", "", "", 2);
    sess.owner_only = true;
    assert_true(scope_contains(&siming, &sess));
    assert_false(scope_contains(&city, &sess));
}

static char path[96];

static void test_locate_and_cond(void **state) {
    (void)state;
    unlink(path);
    err e;
    db *d = NULL;
    int applied = 0;
    assert_int_equal(db_open(path, &d, &e), ST_OK);
    assert_int_equal(db_migrate(d, &applied, &e), ST_OK);
    assert_int_equal(db_exec(d,
                             "INSERT INTO region VALUES ('3502','厦门市','city',NULL),('350203','思明区','district','3502'),"
                             "('350206','湖里区','district','3502'),('350203001','厦港街道','street','350203'),"
                             "('P0002','软件园二期','park','350203'),('P0004','火炬园','park','350206') ON CONFLICT DO NOTHING;"
                             "INSERT INTO enterprise(id, name, district_code, park_code) VALUES (1,'甲','350203','P0002'),"
                             "(2,'乙','350203',NULL),(3,'丙','350206','P0004') ON CONFLICT DO NOTHING;",
                             &e),
                     ST_OK);
    scope_loc l;
    assert_int_equal(scope_locate(d, "region", "350203001", NULL, &l, &e), ST_OK);
    assert_string_equal(l.district, "350203");
    assert_int_equal(scope_locate(d, "region", "P0002", NULL, &l, &e), ST_OK);
    assert_string_equal(l.district, "350203");
    assert_string_equal(l.park, "P0002");
    assert_int_equal(scope_locate(d, "enterprise", "3", NULL, &l, &e), ST_OK);
    assert_string_equal(l.district, "350206");
    assert_string_equal(l.enterprise, "3");
    assert_int_equal(scope_locate(d, "enterprise", "99", NULL, &l, &e), ST_NOT_FOUND);
    assert_int_equal(scope_locate(d, "enterprise", "1 OR 1=1", NULL, &l, &e), ST_NOT_FOUND);
    assert_int_equal(scope_locate(d, "spaceship", "1", NULL, &l, &e), ST_FORBIDDEN);
    assert_int_equal(scope_locate(d, "enterprise", "1", "2", &l, &e), ST_FORBIDDEN);     /* wrong number of keys */
    assert_int_equal(scope_locate(d, "ledger_entity", "1", NULL, &l, &e), ST_FORBIDDEN);
    scope_who siming = {"district", "350203", 2}, city = {"city", "3502", 1};
    assert_int_equal(scope_check(d, &siming, "enterprise", "1", &e), ST_OK);
    assert_int_equal(scope_check(d, &siming, "enterprise", "3", &e), ST_FORBIDDEN);
    assert_int_equal(scope_check(d, &siming, "enterprise", "99", &e), ST_FORBIDDEN);  /* missing: looks the same */
    assert_int_equal(scope_check(d, &city, "enterprise", "99", &e), ST_NOT_FOUND);
    /* The list condition keeps exactly the rows scope_contains accepts, for each binding. */
    static const struct { const char *kind, *code; const char *want; } cases[] = {
        {"city", "3502", "1,2,3"}, {"district", "350203", "1,2"}, {"district", "350206", "3"},
        {"park", "P0002", "1"}, {"enterprise", "2", "2"}, {"org", "1", ""}, {"self", "1", ""}, {"galaxy", "x", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *rows;
        assert_int_equal(db_query_json(d, &rows,
                                       "SELECT id FROM enterprise e WHERE "
                                       SCOPE_COND("$1", "$2", "e.district_code", "e.park_code", "NULL", "e.id", "NULL")
                                       " ORDER BY id",
                                       &e, "tt", cases[i].kind, cases[i].code),
                         ST_OK);
        char got[64] = "";
        size_t k;
        json_t *r;
        json_array_foreach(rows, k, r) {
            char one[16];
            snprintf(one, sizeof one, "%s%lld", k ? "," : "", (long long)json_integer_value(json_object_get(r, "id")));
            strcat(got, one);
        }
        json_decref(rows);
        if (strcmp(got, cases[i].want)) fail_msg("%s %s: got %s want %s", cases[i].kind, cases[i].code, got, cases[i].want);
    }
    db_close(d);
    unlink(path);
}

static void test_roles_match_json(void **state) {
    (void)state;
    json_error_t je;
    json_t *j = json_load_file("data/roles.json", 0, &je);
    if (!j) j = json_load_file("../../../data/roles.json", 0, &je);
    if (!j) fail_msg("data/roles.json: %s", je.text);
    json_t *perms = json_object_get(j, "permissions"), *roles = json_object_get(j, "roles");
    size_t np, nr;
    const roles_perm *pt = roles_permissions(&np);
    const roles_role *rt = roles_all(&nr);
    assert_int_equal(json_object_size(perms), np);
    for (size_t i = 0; i < np; i++) {
        json_t *l = json_object_get(perms, pt[i].name);
        if (!l) fail_msg("permission %s missing from data/roles.json", pt[i].name);
        assert_string_equal(json_string_value(l), pt[i].label);
    }
    assert_int_equal(json_object_size(roles), nr);
    for (size_t i = 0; i < nr; i++) {
        json_t *r = json_object_get(roles, rt[i].name);
        if (!r) fail_msg("role %s missing from data/roles.json", rt[i].name);
        assert_string_equal(json_string_value(json_object_get(r, "label")), rt[i].label);
        assert_string_equal(json_string_value(json_object_get(r, "scope")), rt[i].scope_kind);
        json_t *pl = json_object_get(r, "permissions");
        size_t n = 0;
        for (const char *const *p = rt[i].perms; *p; p++, n++) {
            assert_true(roles_perm_known(*p));
            bool found = false;
            size_t k;
            json_t *v;
            json_array_foreach(pl, k, v) found = found || !strcmp(json_string_value(v), *p);
            if (!found) fail_msg("%s: %s in roles.c, not in data/roles.json", rt[i].name, *p);
        }
        assert_int_equal(json_array_size(pl), n);
        json_t *al = json_object_get(r, "assigns");
        n = 0;
        for (const char *const *p = rt[i].assigns; *p; p++, n++) assert_true(roles_may_assign(rt[i].name, *p));
        assert_int_equal(json_array_size(al), n);
    }
    json_decref(j);
    /* Unknown roles and permissions hold nothing. */
    assert_false(roles_has("nobody", "user.read"));
    assert_false(roles_has("sysadmin", "no.such"));
    assert_false(roles_has(NULL, "user.read"));
    assert_true(roles_has("auditor", "audit.read"));
    assert_false(roles_has("sysadmin", "audit.read"));   /* 三权分立: the administrator does not audit */
    assert_false(roles_may_assign("city", "sysadmin"));
}

static void test_totp_roles(void **state) {
    (void)state;
    err e;
    assert_true(roles_totp_required("sysadmin"));
    assert_false(roles_totp_required("city"));
    assert_int_equal(cfg_set("totp-roles", "sysadmin, city", &e), ST_OK);
    assert_true(roles_totp_required("city"));
    assert_false(roles_totp_required("cit"));
    assert_int_equal(cfg_set("totp-roles", "sysadmin", &e), ST_OK);
}

int main(void) {
    err e;
    int argc = 1;
    char *argv[] = {"test", NULL};
    cfg_load(&argc, argv, &e);
    snprintf(path, sizeof path, "/tmp/ejia-scope-test-%d.db", (int)getpid());
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contains),
        cmocka_unit_test(test_locate_and_cond),
        cmocka_unit_test(test_roles_match_json),
        cmocka_unit_test(test_totp_roles),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char p[128];
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
    cfg_free();
    return rc;
}
