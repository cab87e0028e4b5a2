/* Unit tests for the auth stores and the login's steps, against SQLite and,
 * when EJIA_TEST_PG_URL is set, PostgreSQL: accounts created with every
 * check by the command line and by web actors (separation of duties, roles
 * that may assign, scope), listed within the actor's scope, reset, unlocked,
 * disabled, revealed; a password changed; sessions opened, found, ended,
 * listed; the second factor set up, enabled, disabled, its step taken once;
 * a login's outcomes with their rows; the auditor's list and export rows.
 * Every successful write leaves exactly one audit row, every failure none
 * (or, for refused logins, its own rows in order). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/audit_store.h"
#include "auth/lockout.h"
#include "auth/login.h"
#include "auth/session.h"
#include "auth/totp.h"
#include "auth/users.h"
#include "base/audit.h"
#include "base/clock.h"
#include "base/crypt.h"
#include "base/uc.h"
#include "core/config.h"
#include "db/db.h"
#include "../testdb.h"

static testdb tdb;

static const char PW[] = "Store-test-2026";

static int setup(void **state) {
    (void)state;
    /* The key of test_uc: run by hand against one PostgreSQL database, the
     * unit tests share its audit chain (HMAC under this key). */
    testdb_init(&tdb, "userstore", 3);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    testdb_done(&tdb);
    return 0;
}

/* A migrated database without accounts (PostgreSQL's test database is shared
 * and kept between runs: its accounts are removed; audit rows cannot be, so
 * the tests count rows after a sequence number). */
static db *open_fresh(const char *url) {
    db *d = NULL;
    err e;
    int applied = 0;
    assert_int_equal(db_open(url, &d, &e), ST_OK);
    assert_int_equal(db_migrate(d, &applied, &e), ST_OK);
    assert_int_equal(audit_guard_install(d, &e), ST_OK);
    assert_int_equal(db_exec(d, "DELETE FROM sessions; DELETE FROM users; DELETE FROM login_name_failures; "
                                "DELETE FROM login_throttle",
                             &e),
                     ST_OK);
    return d;
}

static int64_t count(db *d, const char *sql) {
    int64_t n = -1;
    err e;
    assert_int_equal(db_query_int(d, &n, sql, &e, ""), ST_OK);
    return n;
}

static int64_t last_seq(db *d) { return count(d, "SELECT COALESCE(MAX(seq), 0) FROM audit"); }

/* The actions of the audit rows after seq, oldest first, joined by spaces;
 * each row's actor is checked against who when given. */
static char *acts_since(db *d, int64_t seq, const char *who) {
    json_t *rows = NULL;
    err e;
    assert_int_equal(db_query_json(d, &rows, "SELECT action, username FROM audit WHERE seq > $1 ORDER BY seq", &e, "i", seq),
                     ST_OK);
    static char out[512];
    out[0] = 0;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        if (who) assert_string_equal(json_string_value(json_object_get(r, "username")), who);
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? " " : "",
                 json_string_value(json_object_get(r, "action")));
    }
    json_decref(rows);
    return out;
}

/* A web actor: an account's id, name, role and scope, from a loopback address. */
static uc web(db *d, arena *mem, const users_row *u) {
    uc c = {.d = d, .mem = mem};
    c.who.user_id = u->id;
    c.who.username = u->username;
    c.who.role = u->role;
    c.who.scope_kind = u->scope_kind;
    c.who.scope_code = u->scope_code;
    c.who.address = "127.0.0.1";
    return c;
}

static int64_t add(uc *c, const char *username, const char *role, const char *scope, users_row *out) {
    users_new nu = {.username = username, .name = username, .role = role, .scope = scope, .password = PW};
    char otp[17];
    int64_t id = 0;
    err e;
    st s = users_store_create(c, &nu, otp, &id, &e);
    if (s) fail_msg("create %s: %s", username, e.msg);
    assert_string_equal(otp, "");
    if (out) assert_int_equal(users_store_load(c, id, NULL, out, &e), ST_OK);
    return id;
}

/* ---- accounts ---- */

static void test_create(void **state) {
    (void)state;
    for (int k = 0; k < tdb.n; k++) {
        db *d = open_fresh(tdb.urls[k]);
        arena mem;
        arena_init(&mem, 0);
        uc cli;
        uc_cli(&cli, d, &mem);
        err e;
        /* the command line: any role, one row each, named after the OS user */
        int64_t seq = last_seq(d);
        users_row city, sim;
        add(&cli, "city1", "city", NULL, &city);
        add(&cli, "Sim1", "district", "350203", &sim);
        add(&cli, "adm1", "sysadmin", NULL, NULL);
        assert_string_equal(acts_since(d, seq, cli.who.username), "user.create user.create user.create");
        assert_string_equal(city.scope_kind, "city");
        assert_string_equal(city.scope_code, "3502");
        assert_string_equal(sim.username, "sim1");
        assert_string_equal(sim.scope_name, "思明区");
        assert_false(sim.must_change);
        /* refusals write nothing */
        seq = last_seq(d);
        char otp[17];
        int64_t id = 0;
        users_new dup = {.username = "sim1", .role = "member", .password = PW};
        assert_int_equal(users_store_create(&cli, &dup, otp, &id, &e), ST_CONFLICT);
        assert_string_equal(e.field, "username");
        users_new weak = {.username = "weak1", .role = "member", .password = "abc"};
        assert_int_equal(users_store_create(&cli, &weak, otp, &id, &e), ST_INVALID);
        assert_string_equal(e.field, "password");
        users_new noscope = {.username = "park1", .role = "park", .password = PW};
        assert_int_equal(users_store_create(&cli, &noscope, otp, &id, &e), ST_INVALID);
        assert_string_equal(e.field, "scope");
        users_new badid = {.username = "idn1", .role = "member", .password = PW, .id_number = "350206198512124565"};
        assert_int_equal(users_store_create(&cli, &badid, otp, &id, &e), ST_INVALID);
        assert_string_equal(e.field, "id_number");
        users_new norole = {.username = "nor1", .role = "wizard", .password = PW};
        assert_int_equal(users_store_create(&cli, &norole, otp, &id, &e), ST_INVALID);
        assert_non_null(strstr(e.msg, "没有角色"));
        assert_string_equal(acts_since(d, seq, NULL), "");
        assert_int_equal(db_tx_depth(d), 0);
        /* a web actor: a one-time password when none is given; inside its scope; by role */
        uc c = web(d, &mem, &city);
        users_new gen = {.username = "sim2", .name = "思明二", .role = "district", .scope = "350203", .must_change = true,
                         .id_number = "350206198512124564", .phone = "13812345678"};
        assert_int_equal(users_store_create(&c, &gen, otp, &id, &e), ST_OK);
        assert_int_equal(strlen(otp), 16);
        users_row u;
        assert_int_equal(users_store_load(&c, 0, "sim2", &u, &e), ST_OK);
        assert_true(u.must_change);
        assert_string_equal(acts_since(d, seq, "city1"), "user.create");
        /* personal data sealed, masked in the JSON */
        assert_non_null(u.id_number_sealed);
        assert_int_equal(strncmp(u.id_number_sealed, "v1.", 3), 0);
        json_t *j = users_json(&u);
        assert_string_equal(json_string_value(json_object_get(j, "id_number")), "3502**********4564");
        assert_string_equal(json_string_value(json_object_get(j, "phone")), "138****5678");
        json_decref(j);
        seq = last_seq(d);
        users_new aud = {.username = "aud9", .role = "auditor", .password = PW};
        assert_int_equal(users_store_create(&c, &aud, otp, &id, &e), ST_FORBIDDEN);
        assert_string_equal(e.api_code, "separation_of_duties");
        assert_non_null(strstr(e.msg, "ejia user add"));
        users_new over = {.username = "adm9", .role = "sysadmin", .password = PW};
        assert_int_equal(users_store_create(&c, &over, otp, &id, &e), ST_FORBIDDEN);
        uc ds = web(d, &mem, &sim);
        users_new mem1 = {.username = "mem9", .role = "member", .password = PW};
        assert_int_equal(users_store_create(&ds, &mem1, otp, &id, &e), ST_FORBIDDEN);
        assert_non_null(strstr(e.msg, "不能创建"));
        assert_string_equal(acts_since(d, seq, NULL), "");
        assert_int_equal(count(d, "SELECT COUNT(*) FROM users WHERE username IN ('aud9', 'adm9', 'mem9')"), 0);
        arena_free(&mem);
        db_close(d);
    }
}

static void test_list(void **state) {
    (void)state;
    for (int k = 0; k < tdb.n; k++) {
        db *d = open_fresh(tdb.urls[k]);
        arena mem;
        arena_init(&mem, 0);
        uc cli;
        uc_cli(&cli, d, &mem);
        err e;
        users_row sim;
        add(&cli, "city1", "city", NULL, NULL);
        add(&cli, "sim1", "district", "350203", &sim);
        add(&cli, "sim2", "district", "350203", NULL);
        add(&cli, "huli1", "district", "350206", NULL);
        json_t *items;
        int64_t total = 0;
        users_filter all = {NULL, NULL};
        uc_page page = {100, 0, NULL};
        assert_int_equal(users_store_list(&cli, &all, &page, &items, &total, &e), ST_OK);
        assert_int_equal(total, 4);
        assert_int_equal(json_array_size(items), 4);
        /* a district office sees its district's accounts (scope_bind) */
        uc c = web(d, &mem, &sim);
        uc_page desc = {1, 0, "q.username DESC, q.id"};
        assert_int_equal(users_store_list(&c, &all, &desc, &items, &total, &e), ST_OK);
        assert_int_equal(total, 2);
        assert_int_equal(json_array_size(items), 1);
        assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "username")), "sim2");
        users_filter f = {"district", "im1"};
        assert_int_equal(users_store_list(&c, &f, &page, &items, &total, &e), ST_OK);
        assert_int_equal(total, 1);
        assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "username")), "sim1");
        users_filter none = {"city", NULL};
        assert_int_equal(users_store_list(&c, &none, &page, &items, &total, &e), ST_OK);
        assert_int_equal(total, 0);
        /* nobody bound: nothing */
        uc anon = {.d = d, .mem = &mem};
        assert_int_equal(users_store_list(&anon, &all, &page, &items, &total, &e), ST_OK);
        assert_int_equal(total, 0);
        arena_free(&mem);
        db_close(d);
    }
}

static void test_changes(void **state) {
    (void)state;
    for (int k = 0; k < tdb.n; k++) {
        db *d = open_fresh(tdb.urls[k]);
        arena mem;
        arena_init(&mem, 0);
        uc cli;
        uc_cli(&cli, d, &mem);
        err e;
        users_row city, m;
        add(&cli, "city1", "city", NULL, &city);
        int64_t id = add(&cli, "mem1", "member", NULL, &m);
        uc c = web(d, &mem, &city), mine = web(d, &mem, &m);
        char tok[48];
        int64_t s1, s2;
        assert_int_equal(session_store_open(&mine, id, "ua", tok, &s1, &e), ST_OK);
        assert_int_equal(session_store_open(&mine, id, "ua", tok, &s2, &e), ST_OK);
        assert_int_equal(db_run(d, "UPDATE users SET failed_count = 3, locked_until = 9999999999, totp_secret = 'x' WHERE id = $1",
                                &e, "i", id),
                         ST_OK);
        /* reset: a generated one-time password, the lock and the sessions gone */
        int64_t seq = last_seq(d);
        char otp[17];
        assert_int_equal(users_store_reset(&c, id, NULL, false, otp, &e), ST_OK);
        assert_int_equal(strlen(otp), 16);
        users_row u;
        assert_int_equal(users_store_load(&c, id, NULL, &u, &e), ST_OK);
        assert_true(u.must_change);
        assert_int_equal(u.locked_until, 0);
        assert_int_equal(u.failed_count, 0);
        assert_true(u.totp_enabled);   /* kept unless asked */
        assert_int_equal(count(d, "SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL"), 0);
        assert_string_equal(acts_since(d, seq, "city1"), "user.reset");
        /* a given password follows the policy; --totp clears the second factor */
        seq = last_seq(d);
        assert_int_equal(users_store_reset(&cli, id, "short", true, otp, &e), ST_INVALID);
        assert_string_equal(e.field, "password");
        assert_int_equal(users_store_reset(&cli, id, "Given-pass-2026", true, otp, &e), ST_OK);
        assert_string_equal(otp, "");
        assert_int_equal(users_store_load(&c, id, NULL, &u, &e), ST_OK);
        assert_false(u.totp_enabled);
        assert_int_equal(users_store_reset(&cli, 999999, NULL, false, otp, &e), ST_NOT_FOUND);
        assert_string_equal(acts_since(d, seq, cli.who.username), "user.reset");
        /* unlock, disable (sessions ended), enable; nobody disables themselves */
        assert_int_equal(session_store_open(&mine, id, "ua", tok, &s1, &e), ST_OK);
        assert_int_equal(db_run(d, "UPDATE users SET locked_until = 9999999999 WHERE id = $1", &e, "i", id), ST_OK);
        seq = last_seq(d);
        assert_int_equal(users_store_unlock(&c, id, &e), ST_OK);
        assert_int_equal(users_store_set_disabled(&c, id, true, &e), ST_OK);
        assert_int_equal(users_store_load(&c, id, NULL, &u, &e), ST_OK);
        assert_true(u.disabled);
        assert_int_equal(u.locked_until, 0);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL"), 0);
        assert_int_equal(users_store_set_disabled(&c, id, false, &e), ST_OK);
        assert_int_equal(users_store_set_disabled(&c, city.id, true, &e), ST_INVALID);
        assert_string_equal(e.field, "disabled");
        assert_string_equal(acts_since(d, seq, "city1"), "user.unlock user.disable user.enable");
        /* the owner's password change: the policy and "not the same" first; other sessions end */
        assert_int_equal(session_store_open(&mine, id, "ua", tok, &s1, &e), ST_OK);
        assert_int_equal(session_store_open(&mine, id, "ua", tok, &s2, &e), ST_OK);
        seq = last_seq(d);
        assert_int_equal(users_store_password_change(&mine, "Given-pass-2026", "short", s1, &e), ST_INVALID);
        assert_string_equal(e.field, "new_password");
        assert_int_equal(users_store_password_change(&mine, "Given-pass-2026", "Given-pass-2026", s1, &e), ST_INVALID);
        assert_string_equal(e.field, "new_password");
        assert_int_equal(users_store_password_change(&mine, "Given-pass-2026", "Mine-pass-2026x", s1, &e), ST_OK);
        assert_int_equal(users_store_load(&c, id, NULL, &u, &e), ST_OK);
        assert_false(u.must_change);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL"), 1);
        assert_string_equal(acts_since(d, seq, "mem1"), "user.password_change");
        assert_int_equal(db_tx_depth(d), 0);
        arena_free(&mem);
        db_close(d);
    }
}

static void test_reveal(void **state) {
    (void)state;
    for (int k = 0; k < tdb.n; k++) {
        db *d = open_fresh(tdb.urls[k]);
        arena mem;
        arena_init(&mem, 0);
        uc cli;
        uc_cli(&cli, d, &mem);
        err e;
        users_new nu = {.username = "pii1", .role = "member", .password = PW, .id_number = "35020319900101123x",
                        .phone = "0592-5123456"};
        char otp[17];
        int64_t id;
        if (users_store_create(&cli, &nu, otp, &id, &e)) fail_msg("%s", e.msg);
        int64_t seq = last_seq(d);
        char *idn = NULL, *ph = NULL;
        assert_int_equal(users_store_reveal(&cli, id, &idn, &ph, &e), ST_OK);
        assert_string_equal(idn, "35020319900101123X");
        assert_string_equal(ph, "0592-5123456");
        free(idn);
        free(ph);
        assert_string_equal(acts_since(d, seq, cli.who.username), "user.reveal");
        assert_int_equal(users_store_reveal(&cli, 999999, &idn, &ph, &e), ST_NOT_FOUND);
        assert_null(idn);
        assert_string_equal(acts_since(d, seq, NULL), "user.reveal");
        arena_free(&mem);
        db_close(d);
    }
}

/* ---- sessions and the second factor ---- */

static void test_sessions(void **state) {
    (void)state;
    for (int k = 0; k < tdb.n; k++) {
        db *d = open_fresh(tdb.urls[k]);
        arena mem;
        arena_init(&mem, 0);
        uc cli;
        uc_cli(&cli, d, &mem);
        err e;
        users_row a, b;
        add(&cli, "sa", "member", NULL, &a);
        add(&cli, "sb", "member", NULL, &b);
        uc ca = web(d, &mem, &a), cb = web(d, &mem, &b);
        char ta[48], tb[48];
        int64_t sa1, sa2, sb1, sid, uid;
        assert_int_equal(session_store_open(&ca, a.id, "browser", ta, &sa1, &e), ST_OK);
        assert_int_equal(strlen(ta), 43);
        assert_int_equal(session_store_open(&ca, a.id, NULL, ta, &sa2, &e), ST_OK);
        assert_int_equal(session_store_open(&cb, b.id, NULL, tb, &sb1, &e), ST_OK);
        assert_int_equal(session_store_lookup(&ca, ta, &sid, &uid, &e), ST_OK);
        assert_int_equal(sid, sa2);
        assert_int_equal(uid, a.id);
        assert_int_equal(session_store_lookup(&ca, "nope", &sid, &uid, &e), ST_UNAUTH);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM sessions WHERE token_hash LIKE '%-%'"), 0);
        json_t *items;
        assert_int_equal(session_store_list_mine(&ca, sa2, &items, &e), ST_OK);
        assert_int_equal(json_array_size(items), 2);
        assert_true(json_is_true(json_object_get(json_array_get(items, 0), "current")));
        assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "address")), "127.0.0.1");
        json_decref(items);
        int64_t seq = last_seq(d);
        /* another's session is not ended; one's own is */
        assert_int_equal(session_store_end_mine(&ca, sb1, &e), ST_OK);
        assert_int_equal(session_store_lookup(&cb, tb, &sid, &uid, &e), ST_OK);
        assert_int_equal(session_store_end_mine(&ca, sa1, &e), ST_OK);
        assert_int_equal(session_store_logout(&ca, sa2, &e), ST_OK);
        assert_int_equal(session_store_lookup(&ca, ta, &sid, &uid, &e), ST_UNAUTH);
        assert_string_equal(acts_since(d, seq, "sa"), "auth.session_end auth.session_end auth.logout");
        /* a logout without a session says so */
        uc anon = {.d = d, .mem = &mem};
        anon.who.address = "127.0.0.1";
        seq = last_seq(d);
        assert_int_equal(session_store_logout(&anon, 0, &e), ST_OK);
        assert_string_equal(acts_since(d, seq, NULL), "auth.logout");
        arena_free(&mem);
        db_close(d);
    }
}

static void test_totp(void **state) {
    (void)state;
    for (int k = 0; k < tdb.n; k++) {
        db *d = open_fresh(tdb.urls[k]);
        arena mem;
        arena_init(&mem, 0);
        uc cli;
        uc_cli(&cli, d, &mem);
        err e;
        users_row a;
        add(&cli, "ta", "member", NULL, &a);
        uc c = web(d, &mem, &a);
        int64_t seq = last_seq(d);
        assert_int_equal(totp_store_enable(&c, "123456", &e), ST_CONFLICT);   /* nothing set up */
        char secret[33], code[7];
        assert_int_equal(totp_store_setup(&c, secret, &e), ST_OK);
        assert_int_equal(strlen(secret), 32);
        assert_int_equal(totp_code(secret, clock_now() - 600, code, &e), ST_OK);
        assert_int_equal(totp_store_enable(&c, code, &e), ST_INVALID);
        assert_string_equal(e.field, "otp");
        assert_int_equal(totp_code(secret, clock_now(), code, &e), ST_OK);
        assert_int_equal(totp_store_enable(&c, code, &e), ST_OK);
        users_row u;
        assert_int_equal(users_store_load(&c, a.id, NULL, &u, &e), ST_OK);
        assert_true(u.totp_enabled);
        assert_true(u.totp_last_step > 0);
        /* a step is taken once, and only forward */
        bool taken;
        assert_int_equal(totp_store_take_step(&c, a.id, u.totp_last_step, &taken, &e), ST_OK);
        assert_false(taken);
        assert_int_equal(totp_store_take_step(&c, a.id, u.totp_last_step + 1, &taken, &e), ST_OK);
        assert_true(taken);
        assert_int_equal(totp_store_take_step(&c, a.id, u.totp_last_step - 1, &taken, &e), ST_OK);
        assert_false(taken);
        assert_int_equal(totp_store_disable(&c, &e), ST_OK);
        assert_int_equal(users_store_load(&c, a.id, NULL, &u, &e), ST_OK);
        assert_false(u.totp_enabled);
        assert_string_equal(acts_since(d, seq, "ta"), "auth.totp_setup auth.totp_enable auth.totp_disable");
        arena_free(&mem);
        db_close(d);
    }
}

/* ---- the login ---- */

static login_result try_login(uc *c, const char *name, const char *pw, const char *otp, const char *client) {
    login_try t = {.username = name, .password = pw, .otp = otp, .client = client, .user_agent = "test"};
    login_result res;
    err e;
    st s = login_run(c, &t, &res, &e);
    if (s) fail_msg("login %s: %s", name, e.msg);
    return res;
}

static void test_login(void **state) {
    (void)state;
    for (int k = 0; k < tdb.n; k++) {
        db *d = open_fresh(tdb.urls[k]);
        arena mem;
        arena_init(&mem, 0);
        uc cli;
        uc_cli(&cli, d, &mem);
        err e;
        users_row a;
        add(&cli, "la", "member", NULL, &a);
        uc anon = {.d = d, .mem = &mem};
        anon.who.address = "10.0.0.9";
        assert_int_equal(cfg_set("login-address-failures", "100", &e), ST_OK);
        /* success: one session, one row in the account's name */
        int64_t seq = last_seq(d);
        login_result r = try_login(&anon, "LA", PW, NULL, "10.0.0.9");
        assert_int_equal(r.outcome, LOGIN_OK);
        assert_string_equal(r.user.username, "la");
        assert_true(r.sid > 0);
        assert_string_equal(acts_since(d, seq, "la"), "auth.login");
        /* the previous session of the browser ends with the next login */
        login_try again = {.username = "la", .password = PW, .client = "10.0.0.9", .old_token = r.token};
        login_result r2;
        assert_int_equal(login_run(&anon, &again, &r2, &e), ST_OK);
        assert_int_equal(r2.outcome, LOGIN_OK);
        int64_t sid, uid;
        assert_int_equal(session_store_lookup(&anon, r.token, &sid, &uid, &e), ST_UNAUTH);
        assert_int_equal(session_store_lookup(&anon, r2.token, &sid, &uid, &e), ST_OK);
        /* a wrong password and a name that is none: the same refusal; the fifth locks, the lock holds */
        for (int i = 1; i <= 5; i++) {
            seq = last_seq(d);
            r = try_login(&anon, "la", "Wrong-pass-1x", NULL, "10.0.0.9");
            login_result g = try_login(&anon, "ghost", "Wrong-pass-1x", NULL, "10.0.0.9");
            assert_int_equal(r.outcome, i < 5 ? LOGIN_BAD_CREDENTIALS : LOGIN_LOCKED);
            assert_int_equal(g.outcome, r.outcome);
            assert_string_equal(acts_since(d, seq, NULL), i < 5 ? "auth.login_failed auth.login_failed"
                                                                : "auth.login_failed auth.lockout auth.login_failed auth.lockout");
        }
        assert_true(r.until > r.now);
        seq = last_seq(d);
        assert_int_equal(try_login(&anon, "la", PW, NULL, "10.0.0.9").outcome, LOGIN_LOCKED);
        assert_string_equal(acts_since(d, seq, "la"), "auth.login_locked");
        /* an address with too many failures (10 so far, the limit now 11) is paused for every name */
        assert_int_equal(cfg_set("login-address-failures", "11", &e), ST_OK);
        seq = last_seq(d);
        assert_int_equal(try_login(&anon, "ghost2", "x", NULL, "10.0.0.9").outcome, LOGIN_BAD_CREDENTIALS);
        assert_string_equal(acts_since(d, seq, NULL), "auth.login_failed auth.address_paused");
        r = try_login(&anon, "la", PW, NULL, "10.0.0.9");
        assert_int_equal(r.outcome, LOGIN_PAUSED);
        assert_true(r.until > r.now);
        assert_int_equal(try_login(&anon, "ghost3", "x", NULL, "10.0.0.8").outcome, LOGIN_BAD_CREDENTIALS);
        assert_int_equal(cfg_set("login-address-failures", "10", &e), ST_OK);
        arena_free(&mem);
        db_close(d);
    }
}

static void test_login_otp(void **state) {
    (void)state;
    for (int k = 0; k < tdb.n; k++) {
        db *d = open_fresh(tdb.urls[k]);
        arena mem;
        arena_init(&mem, 0);
        uc cli;
        uc_cli(&cli, d, &mem);
        err e;
        users_row a;
        add(&cli, "lo", "sysadmin", NULL, &a);
        uc c = web(d, &mem, &a), anon = {.d = d, .mem = &mem};
        anon.who.address = "10.0.1.1";
        char secret[33], code[7];
        assert_int_equal(totp_store_setup(&c, secret, &e), ST_OK);
        assert_int_equal(totp_code(secret, clock_now() - 30, code, &e), ST_OK);
        assert_int_equal(totp_store_enable(&c, code, &e), ST_OK);
        /* without a code: asked for one, nothing counted */
        int64_t seq = last_seq(d);
        login_result r = try_login(&anon, "lo", PW, NULL, "10.0.1.1");
        assert_int_equal(r.outcome, LOGIN_OTP_REQUIRED);
        assert_false(r.otp_given);
        assert_string_equal(acts_since(d, seq, NULL), "");
        /* a wrong password is refused before the code is looked at */
        assert_int_equal(try_login(&anon, "lo", "Wrong-pass-1x", "000000", "10.0.1.1").outcome, LOGIN_BAD_CREDENTIALS);
        /* the current code opens one session; the same code again is refused and counted */
        assert_int_equal(totp_code(secret, clock_now(), code, &e), ST_OK);
        seq = last_seq(d);
        r = try_login(&anon, "lo", PW, code, "10.0.1.1");
        assert_int_equal(r.outcome, LOGIN_OK);
        r = try_login(&anon, "lo", PW, code, "10.0.1.1");
        assert_int_equal(r.outcome, LOGIN_OTP_REQUIRED);
        assert_true(r.otp_given);
        assert_string_equal(acts_since(d, seq, "lo"), "auth.login auth.login_failed");
        /* the password asked again: right, then wrong (counted, audited) */
        seq = last_seq(d);
        assert_int_equal(login_reauth(&c, "/api/x", PW, &e), ST_OK);
        assert_int_equal(login_reauth(&c, "/api/x", "", &e), ST_INVALID);
        assert_int_equal(login_reauth(&c, "/api/x", "Wrong-pass-1x", &e), ST_FORBIDDEN);
        assert_string_equal(e.api_code, "bad_password");
        assert_string_equal(acts_since(d, seq, "lo"), "auth.reauth_failed");
        assert_int_equal(db_tx_depth(d), 0);
        arena_free(&mem);
        db_close(d);
    }
}

/* ---- the auditor's reading ---- */

static st collect(void *arg, const audit_line *l, err *e) {
    (void)e;
    int64_t *last = arg;
    assert_true(l->seq > *last);   /* oldest first */
    assert_non_null(l->action);
    *last = l->seq;
    return ST_OK;
}

static void test_audit_store(void **state) {
    (void)state;
    for (int k = 0; k < tdb.n; k++) {
        db *d = open_fresh(tdb.urls[k]);
        arena mem;
        arena_init(&mem, 0);
        uc cli;
        uc_cli(&cli, d, &mem);
        err e;
        int64_t seq = last_seq(d);
        add(&cli, "au1", "member", NULL, NULL);
        add(&cli, "au2", "member", NULL, NULL);
        add(&cli, "au3", "member", NULL, NULL);
        audit_filter f = {cli.who.username, "user.%", "ok", 0, INT64_MAX / 2};
        uc_page page = {2, 0, NULL};
        json_t *items;
        int64_t total = 0;
        assert_int_equal(audit_store_list(&cli, &f, &page, &items, &total, &e), ST_OK);
        assert_true(total >= 3);
        assert_int_equal(json_array_size(items), 2);
        json_t *first = json_array_get(items, 0);
        assert_true(json_integer_value(json_object_get(first, "seq")) > seq);   /* newest first */
        assert_non_null(json_string_value(json_object_get(first, "time")));
        json_decref(items);
        audit_filter mine = {cli.who.username, "user.create", NULL, count(d, "SELECT MIN(at) FROM audit WHERE seq > 0"),
                             INT64_MAX / 2};
        int64_t n = 0, last = 0;
        bool more = false;
        assert_int_equal(audit_store_each(&cli, &mine, 2, collect, &last, &n, &more, &e), ST_OK);
        assert_int_equal(n, 2);
        assert_true(more);
        audit_filter none = {"nobody-at-all", NULL, NULL, 0, INT64_MAX / 2};
        last = 0;
        assert_int_equal(audit_store_each(&cli, &none, 2, collect, &last, &n, &more, &e), ST_OK);
        assert_int_equal(n, 0);
        assert_false(more);
        audit_check chk;
        assert_int_equal(audit_verify(d, &chk, &e), ST_OK);
        assert_int_equal(chk.bad_seq, 0);
        arena_free(&mem);
        db_close(d);
    }
}

int main(void) {
    err e;
    int argc = 1;
    char *argv[] = {"test", NULL};
    cfg_load(&argc, argv, &e);
    cfg_set("log-level", "warn", &e);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create),   cmocka_unit_test(test_list),      cmocka_unit_test(test_changes),
        cmocka_unit_test(test_reveal),   cmocka_unit_test(test_sessions),  cmocka_unit_test(test_totp),
        cmocka_unit_test(test_login),    cmocka_unit_test(test_login_otp), cmocka_unit_test(test_audit_store),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    cfg_free();
    return rc;
}
