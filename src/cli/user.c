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
 * replaced at the first login, and ends the account's sessions.
 *
 * Each command calls the same use case as the API (users_store_*, users.h),
 * with the same checks and the same audit row; the actor is the operating-
 * system user, "cli:<login>" from address "cli" (uc_cli). */
#include "cli.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/users.h"
#include "base/audit.h"
#include "base/crypt.h"
#include "base/uc.h"

/* The database with its key and the audit guards, and the command's use-case
 * context in mem; NULL (error printed) when that fails. */
static db *user_open(uc *c, arena *mem) {
    db *d = cli_open_db();
    if (!d) return NULL;
    err e;
    err_clear(&e);
    if (crypt_init(d, &e) || audit_guard_install(d, &e)) {
        cli_fail(&e);
        db_close(d);
        return NULL;
    }
    arena_init(mem, 0);
    uc_cli(c, d, mem);
    return d;
}

static void user_close(db *d, arena *mem) {
    db_close(d);
    arena_free(mem);
}

/* One line of stdin (the password) into pw; false when there is none. */
static bool user_read_password(char *pw, size_t n) {
    if (!fgets(pw, (int)n, stdin)) return false;
    pw[strcspn(pw, "\r\n")] = 0;
    return true;
}

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
        err_set(&e, ST_INVALID, "请用 --password-stdin 从标准输入提供密码（不要写在命令行上），例如：printf '%%s' \"$PW\" | ejia user add ... --password-stdin");
        return cli_fail(&e);
    }
    char pw[512];
    if (!user_read_password(pw, sizeof pw)) {
        err_set(&e, ST_INVALID, "标准输入中没有读到密码。");
        return cli_fail(&e);
    }
    uc c;
    arena mem;
    db *d = user_open(&c, &mem);
    if (!d) {
        sodium_memzero(pw, sizeof pw);
        return 1;
    }
    /* an empty line is a password too short, not a request for a generated one */
    users_new nu = {.username = username, .name = cli_flag(argc, argv, "name"), .role = role,
                    .scope = cli_flag(argc, argv, "scope"), .password = pw,
                    .id_number = cli_flag(argc, argv, "id-number"), .phone = cli_flag(argc, argv, "phone")};
    char otp[17];
    int64_t id = 0;
    st s = users_store_create(&c, &nu, otp, &id, &e);
    sodium_memzero(pw, sizeof pw);
    users_row u;
    if (!s && !users_store_load(&c, id, NULL, &u, &e))
        printf("已创建用户 %s（编号 %lld，角色 %s，数据范围 %s %s） / user created\n", u.username, (long long)u.id, u.role,
               u.scope_kind, u.scope_name);
    user_close(d, &mem);
    if (!s) return 0;
    if (e.field[0] && !e.where[0])
        snprintf(e.where, sizeof e.where, "--%s", !strcmp(e.field, "id_number") ? "id-number" : e.field);
    return cli_fail(&e);
}

static int user_list(void) {
    uc c;
    arena mem;
    db *d = user_open(&c, &mem);
    if (!d) return 1;
    err e;
    users_filter f = {NULL, NULL};
    uc_page all = {INT64_MAX / 2, 0, "q.id"};
    json_t *rows;
    int64_t total = 0;
    st s = users_store_list(&c, &f, &all, &rows, &total, &e);
    if (!s) {
        printf("%-6s %-20s %-12s %-10s %s\n", "编号", "用户名", "角色", "范围", "姓名");
        size_t i;
        json_t *r;
        json_array_foreach(rows, i, r) {
            json_t *sc = json_object_get(r, "scope");
            printf("%-6lld %-20s %-12s %-10s %s（%s）%s\n", (long long)json_integer_value(json_object_get(r, "id")),
                   json_string_value(json_object_get(r, "username")), json_string_value(json_object_get(r, "role")),
                   json_string_value(json_object_get(sc, "kind")), json_string_value(json_object_get(r, "name")),
                   json_string_value(json_object_get(sc, "name")),
                   json_is_true(json_object_get(r, "disabled")) ? " [停用]" : "");
        }
    }
    user_close(d, &mem);
    return s ? cli_fail(&e) : 0;
}

/* The account named by --username, in an opened database; NULL (error
 * printed, *rc the exit code) when that fails. */
static db *user_target(int argc, char **argv, const char *usage, uc *c, arena *mem, users_row *u, int *rc) {
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
    db *d = user_open(c, mem);
    if (!d) return NULL;
    st s = users_store_load(c, 0, uname, u, &e);
    if (s == ST_NOT_FOUND) err_set(&e, ST_NOT_FOUND, "没有用户名为“%s”的账号（ejia user list 列出全部账号）。", uname);
    if (s) {
        user_close(d, mem);
        *rc = cli_fail(&e);
        return NULL;
    }
    *rc = 0;
    return d;
}

static int user_reset(int argc, char **argv) {
    static const char usage[] = "ejia user reset --db DB --username 用户名 [--totp] [--password-stdin]";
    uc c;
    arena mem;
    users_row u;
    int rc;
    db *d = user_target(argc, argv, usage, &c, &mem, &u, &rc);
    if (!d) return rc;
    err e;
    err_clear(&e);
    bool totp = cli_has(argc, argv, "totp"), given = cli_has(argc, argv, "password-stdin");
    char pw[512], otp[17] = "";
    st s = ST_OK;
    if (given && !user_read_password(pw, sizeof pw)) s = err_set(&e, ST_INVALID, "标准输入中没有读到密码。");
    if (!s) s = users_store_reset(&c, u.id, given ? pw : NULL, totp, otp, &e);
    if (given) sodium_memzero(pw, sizeof pw);
    if (!s) {
        printf("已重置用户 %s（编号 %lld，角色 %s）的密码%s，其全部会话已结束 / password reset\n", u.username,
               (long long)u.id, u.role, totp ? "和动态验证码" : "");
        if (!given) printf("一次性密码 / one-time password: %s\n（请当面或用安全渠道交给本人；首次登录后必须修改）\n", otp);
    }
    sodium_memzero(otp, sizeof otp);
    user_close(d, &mem);
    if (!s) return 0;
    if (!strcmp(e.field, "password")) snprintf(e.where, sizeof e.where, "--password-stdin");
    return cli_fail(&e);
}

/* unlock, disable, enable. */
static int user_flag(int argc, char **argv, const char *what) {
    char usage[120];
    snprintf(usage, sizeof usage, "ejia user %s --db DB --username 用户名", what);
    uc c;
    arena mem;
    users_row u;
    int rc;
    db *d = user_target(argc, argv, usage, &c, &mem, &u, &rc);
    if (!d) return rc;
    err e;
    err_clear(&e);
    bool unlock = !strcmp(what, "unlock"), off = !strcmp(what, "disable");
    st s = unlock ? users_store_unlock(&c, u.id, &e) : users_store_set_disabled(&c, u.id, off, &e);
    const char *done = unlock ? "已解除锁定 / unlocked" : off ? "已停用，其全部会话已结束 / disabled" : "已启用 / enabled";
    if (!s) printf("用户 %s（编号 %lld，角色 %s）%s\n", u.username, (long long)u.id, u.role, done);
    user_close(d, &mem);
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
