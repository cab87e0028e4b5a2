/* user — `ejia user add|reset|unlock|disable|enable|list`: accounts from the
 * command line on the server.
 *
 *   ejia user add --db DB --username NAME --role ROLE [--scope CODE] [--name NAME] --password-stdin
 *   ejia user reset --db DB --username NAME [--totp] [--password-stdin]
 *   ejia user unlock|disable|enable --db DB --username NAME
 *   ejia user list --db DB
 *
 * The form of `user add` is stable: deployment scripts create the first
 * administrator with it (there are no default accounts).  The password is
 * read from stdin (one line), never from argv where `ps` would show it, and
 * checked against the password policy.
 *
 * Separation of duties (三权分立): auditor and sysadmin accounts are created,
 * reset, unlocked, disabled and enabled only here — by someone with a shell
 * and the key file on the server — never through the web UI or the API, so
 * no web account can create, reset or take over the account that audits it
 * (roles.h: roles_cli_only).  These commands work for every role.  A reset
 * prints a one-time password (or takes one from stdin), which must be
 * replaced at the first login, and ends the account's sessions.  Every
 * change is audited as user "cli" from address "cli". */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/audit.h"
#include "base/clock.h"
#include "base/crypt.h"
#include "auth/lockout.h"
#include "auth/password.h"
#include "auth/session.h"
#include "auth/users.h"
#include "core/config.h"

static int user_add(int argc, char **argv) {
    err e;
    err_clear(&e);
    const char *username = cli_flag(argc, argv, "username"), *role = cli_flag(argc, argv, "role");
    if (!username || !role) {
        err_set(&e, ST_INVALID, "用法：ejia user add --db DB --username 用户名 --role 角色 [--scope 代码] [--name 姓名] --password-stdin");
        return cli_fail(&e);
    }
    /* Scripts that pipe the password in without the flag are served too; a
     * terminal without the flag is refused rather than echoing a prompt. */
    if (!cli_has(argc, argv, "password-stdin") && isatty(0)) {
        err_set(&e, ST_INVALID, "请用 --password-stdin 从标准输入提供口令（不要写在命令行上），例如：printf '%%s' \"$PW\" | ejia user add ... --password-stdin");
        return cli_fail(&e);
    }
    char pw[512];
    if (!fgets(pw, sizeof pw, stdin)) {
        err_set(&e, ST_INVALID, "标准输入中没有读到口令。");
        return cli_fail(&e);
    }
    pw[strcspn(pw, "\r\n")] = 0;
    db *d = cli_open_db();
    if (!d) return 1;
    users_new nu = {.username = username, .name = cli_flag(argc, argv, "name"), .role = role,
                    .scope = cli_flag(argc, argv, "scope"), .password = pw,
                    .id_number = cli_flag(argc, argv, "id-number"), .phone = cli_flag(argc, argv, "phone")};
    int64_t id = 0;
    char hash[160];
    st s = crypt_init(d, &e);
    if (!s) s = audit_guard_install(d, &e);
    if (!s) s = users_hash_password(&nu, hash, sizeof hash, &e);
    if (!s) nu.password_hash = hash;
    if (!s) s = db_begin(d, &e);
    if (!s) {
        s = users_create(d, &nu, &id, &e);
        char obj[40], det[200];
        snprintf(obj, sizeof obj, "user:%lld", (long long)id);
        snprintf(det, sizeof det, "命令行创建：用户名 %s，角色 %s，范围 %s", username, role, nu.scope ? nu.scope : "默认");
        audit_entry a = {.username = "cli", .action = "user.create", .object = obj, .result = "ok", .address = "cli",
                         .detail = det};
        if (!s) s = audit_append(d, &a, &e);
        if (!s) s = db_commit(d, &e);
        else db_rollback(d);
    }
    memset(pw, 0, sizeof pw);
    if (s) {
        db_close(d);
        if (e.field[0] && !e.where[0]) snprintf(e.where, sizeof e.where, "--%s", !strcmp(e.field, "id_number") ? "id-number" : e.field);
        return cli_fail(&e);
    }
    users_row u;
    if (!users_load(d, id, NULL, &u, &e)) {
        printf("已创建用户 %s（编号 %lld，角色 %s，数据范围 %s %s） / user created\n", u.username, (long long)u.id, u.role,
               u.scope_kind, u.scope_name);
        users_row_free(&u);
    }
    db_close(d);
    return 0;
}

static int user_list(void) {
    db *d = cli_open_db();
    if (!d) return 1;
    err e;
    json_t *rows;
    st s = db_query_json(d, &rows,
                         "SELECT id, username, name, role, scope_kind, scope_code, scope_name, locked_until, disabled "
                         "FROM users ORDER BY id",
                         &e, "");
    db_close(d);
    if (s) return cli_fail(&e);
    printf("%-6s %-20s %-12s %-10s %s\n", "编号", "用户名", "角色", "范围", "姓名");
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        printf("%-6lld %-20s %-12s %-10s %s（%s）%s\n", (long long)json_integer_value(json_object_get(r, "id")),
               json_string_value(json_object_get(r, "username")), json_string_value(json_object_get(r, "role")),
               json_string_value(json_object_get(r, "scope_kind")), json_string_value(json_object_get(r, "name")),
               json_string_value(json_object_get(r, "scope_name")),
               json_integer_value(json_object_get(r, "disabled")) ? " [停用]" : "");
    }
    json_decref(rows);
    return 0;
}

/* Open the database with the key and the audit guards, and find the account
 * named by --username; NULL (error printed) when that fails. */
static db *user_target(int argc, char **argv, const char *usage, users_row *u, int *rc) {
    err e;
    err_clear(&e);
    const char *username = cli_flag(argc, argv, "username");
    char uname[64];
    *rc = 1;
    if (!username) {
        err_set(&e, ST_INVALID, "用法：%s", usage);
        *rc = cli_fail(&e);
        return NULL;
    }
    if (users_username(username, uname, &e)) {
        snprintf(e.where, sizeof e.where, "--username");
        *rc = cli_fail(&e);
        return NULL;
    }
    db *d = cli_open_db();
    if (!d) return NULL;
    st s = crypt_init(d, &e);
    if (!s) s = audit_guard_install(d, &e);
    if (!s) s = users_load(d, 0, uname, u, &e);
    if (s == ST_NOT_FOUND) err_set(&e, ST_NOT_FOUND, "没有用户名为“%s”的账号（ejia user list 列出全部账号）。", uname);
    if (s) {
        db_close(d);
        *rc = cli_fail(&e);
        return NULL;
    }
    *rc = 0;
    return d;
}

static int user_reset(int argc, char **argv) {
    static const char usage[] = "ejia user reset --db DB --username 用户名 [--totp] [--password-stdin]";
    users_row u;
    int rc;
    db *d = user_target(argc, argv, usage, &u, &rc);
    if (!d) return rc;
    err e;
    err_clear(&e);
    bool totp = cli_has(argc, argv, "totp");
    char pw[512];
    bool given = cli_has(argc, argv, "password-stdin");
    st s = ST_OK;
    if (given) {
        if (!fgets(pw, sizeof pw, stdin)) s = err_set(&e, ST_INVALID, "标准输入中没有读到口令。");
        else pw[strcspn(pw, "\r\n")] = 0;
        if (!s) s = password_policy_check(cfg_str("password-policy"), pw, u.username, &e);
    } else {
        password_generate(pw);
    }
    char hash[crypto_pwhash_STRBYTES];
    if (!s) s = password_hash(pw, hash, &e);
    if (!s) s = db_begin(d, &e);
    if (!s) {
        /* Whoever typed it, the account's owner did not choose it: it must be replaced at the first login. */
        s = db_run(d,
                   "UPDATE users SET password_hash = $1, must_change_password = 1, password_changed_at = $2, "
                   "failed_count = 0, locked_until = 0, updated_at = $2 WHERE id = $3",
                   &e, "tii", hash, clock_now(), u.id);
        if (!s && totp)
            s = db_run(d, "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = 0 WHERE id = $1",
                       &e, "i", u.id);
        if (!s) s = session_end_all(d, u.id, 0, &e);
        char obj[40], det[200];
        snprintf(obj, sizeof obj, "user:%lld", (long long)u.id);
        snprintf(det, sizeof det, "命令行重置%s（用户名 %s，角色 %s），结束其全部会话", totp ? "口令和动态验证码" : "口令",
                 u.username, u.role);
        audit_entry a = {.username = "cli", .action = "user.reset", .object = obj, .result = "ok", .address = "cli",
                         .detail = det};
        if (!s) s = audit_append(d, &a, &e);
        if (!s) s = db_commit(d, &e);
        else db_rollback(d);
    }
    sodium_memzero(hash, sizeof hash);
    db_close(d);
    if (s) {
        sodium_memzero(pw, sizeof pw);
        if (!strcmp(e.field, "password")) snprintf(e.where, sizeof e.where, "--password-stdin");
        users_row_free(&u);
        return cli_fail(&e);
    }
    printf("已重置用户 %s（编号 %lld，角色 %s）的口令%s，其全部会话已结束 / password reset\n", u.username, (long long)u.id,
           u.role, totp ? "和动态验证码" : "");
    if (!given) printf("一次性口令 / one-time password: %s\n（请当面或用安全渠道交给本人；首次登录后必须修改）\n", pw);
    sodium_memzero(pw, sizeof pw);
    users_row_free(&u);
    return 0;
}

/* unlock, disable, enable: one column, one audit row. */
static int user_flag(int argc, char **argv, const char *what) {
    char usage[120];
    snprintf(usage, sizeof usage, "ejia user %s --db DB --username 用户名", what);
    users_row u;
    int rc;
    db *d = user_target(argc, argv, usage, &u, &rc);
    if (!d) return rc;
    err e;
    err_clear(&e);
    bool unlock = !strcmp(what, "unlock"), off = !strcmp(what, "disable");
    st s = db_begin(d, &e);
    if (!s) {
        if (unlock) s = lockout_clear(d, u.id, &e);
        else s = db_run(d, "UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3", &e, "iii", (int64_t)off,
                        clock_now(), u.id);
        /* A disabled account keeps no session. */
        if (!s && off) s = session_end_all(d, u.id, 0, &e);
        char obj[40];
        snprintf(obj, sizeof obj, "user:%lld", (long long)u.id);
        audit_entry a = {.username = "cli", .action = unlock ? "user.unlock" : off ? "user.disable" : "user.enable",
                         .object = obj, .result = "ok", .address = "cli",
                         .detail = unlock ? "命令行解除锁定" : off ? "命令行停用，结束其全部会话" : "命令行启用"};
        if (!s) s = audit_append(d, &a, &e);
        if (!s) s = db_commit(d, &e);
        else db_rollback(d);
    }
    const char *done = unlock ? "已解除锁定 / unlocked" : off ? "已停用，其全部会话已结束 / disabled" : "已启用 / enabled";
    db_close(d);
    if (!s) printf("用户 %s（编号 %lld，角色 %s）%s\n", u.username, (long long)u.id, u.role, done);
    users_row_free(&u);
    return s ? cli_fail(&e) : 0;
}

int cli_user(int argc, char **argv);  /* called from main.c's table */
int cli_user(int argc, char **argv) {
    const char *sub = argc > 1 ? argv[1] : "";
    if (!strcmp(sub, "add")) return user_add(argc - 1, argv + 1);
    if (!strcmp(sub, "list")) return user_list();
    if (!strcmp(sub, "reset")) return user_reset(argc - 1, argv + 1);
    if (!strcmp(sub, "unlock") || !strcmp(sub, "disable") || !strcmp(sub, "enable"))
        return user_flag(argc - 1, argv + 1, sub);
    fprintf(stderr, "ejia: 用法：ejia user add --db DB --username 用户名 --role 角色 [--scope 代码] [--name 姓名] --password-stdin\n"
                    "            ejia user reset --db DB --username 用户名 [--totp] [--password-stdin]\n"
                    "            ejia user unlock|disable|enable --db DB --username 用户名\n"
                    "            ejia user list --db DB\n");
    return 2;
}
