/* user — `ejia user add|list`: accounts from the command line.
 *
 *   ejia user add --db DB --username NAME --role ROLE [--scope CODE] [--name NAME] --password-stdin
 *   ejia user list --db DB
 *
 * The form of `user add` is stable: deployment scripts create the first
 * administrator with it (there are no default accounts).  The password is
 * read from stdin (one line), never from argv where `ps` would show it, and
 * checked against the password policy.  The creation is audited. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/audit.h"
#include "auth/crypt.h"
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
    st s = crypt_init(d, &e);
    if (!s) s = audit_guard_install(d, &e);
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

int cli_user(int argc, char **argv);  /* called from main.c's table */
int cli_user(int argc, char **argv) {
    const char *sub = argc > 1 ? argv[1] : "";
    if (!strcmp(sub, "add")) return user_add(argc - 1, argv + 1);
    if (!strcmp(sub, "list")) return user_list();
    fprintf(stderr, "ejia: 用法：ejia user add --db DB --username 用户名 --role 角色 [--scope 代码] [--name 姓名] --password-stdin\n"
                    "            ejia user list --db DB\n");
    return 2;
}
