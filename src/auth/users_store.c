/* users_store — all the SQL of accounts (see users.h): loading, the scoped
 * list, and the use cases that change an account, each with its one audit
 * row.  The web and the command line call the same functions; what differs
 * is the actor: on the server's shell (role "cli") there is no role to
 * respect and the whole city is in scope, so auditors and administrators
 * are made there (separation of duties). */
#include "auth/users.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/lockout.h"
#include "auth/password.h"
#include "auth/roles.h"
#include "auth/scope.h"
#include "auth/session.h"
#include "base/clock.h"
#include "base/crypt.h"
#include "core/config.h"
#include "db/db_like.h"

/* The command line (and the demo) act for the whole city, outside the role table. */
static bool users_on_server(const uc *c) { return c->who.role && !strcmp(c->who.role, "cli"); }

/* ---- reading ---- */

#define USERS_COLS                                                                                     \
    "u.id, u.username, u.name, u.role, u.scope_kind, u.scope_code, u.scope_name, u.password_hash, "    \
    "u.password_changed_at, u.locked_until, u.failed_count, u.must_change_password, u.disabled, u.totp_secret, " \
    "u.id_number, u.phone, u.totp_last_step"

static void users_cp(char *dst, size_t n, const char *src) { snprintf(dst, n, "%s", src ? src : ""); }

/* A sealed column: in mem when given, else pointing into the statement (valid until its next step). */
static const char *users_sealed(db_stmt *q, int col, arena *mem) {
    if (db_col_null(q, col)) return NULL;
    return mem ? arena_strdup(mem, db_col_text(q, col)) : db_col_text(q, col);
}

/* One row of USERS_COLS. */
static void users_read(db_stmt *q, users_row *out, arena *mem) {
    memset(out, 0, sizeof *out);
    out->id = db_col_int(q, 0);
    users_cp(out->username, sizeof out->username, db_col_text(q, 1));
    users_cp(out->name, sizeof out->name, db_col_text(q, 2));
    users_cp(out->role, sizeof out->role, db_col_text(q, 3));
    users_cp(out->scope_kind, sizeof out->scope_kind, db_col_text(q, 4));
    users_cp(out->scope_code, sizeof out->scope_code, db_col_text(q, 5));
    users_cp(out->scope_name, sizeof out->scope_name, db_col_text(q, 6));
    users_cp(out->password_hash, sizeof out->password_hash, db_col_text(q, 7));
    out->password_changed_at = db_col_int(q, 8);
    out->locked_until = db_col_int(q, 9);
    out->failed_count = db_col_int(q, 10);
    out->must_change = db_col_int(q, 11) != 0;
    out->disabled = db_col_int(q, 12) != 0;
    out->totp_secret_sealed = users_sealed(q, 13, mem);
    out->totp_enabled = !db_col_null(q, 13);
    out->id_number_sealed = users_sealed(q, 14, mem);
    out->phone_sealed = users_sealed(q, 15, mem);
    out->totp_last_step = db_col_int(q, 16);
}

st users_store_load(uc *c, int64_t id, const char *username, users_row *out, err *e) {
    memset(out, 0, sizeof *out);
    db_stmt *q;
    st s = db_prepare(c->d, "SELECT " USERS_COLS " FROM users u WHERE u.id = $1 OR ($1 = 0 AND u.username = $2)", &q, e);
    if (s) return s;
    db_bind_int(q, 1, id);
    db_bind_text(q, 2, username ? username : "");
    int r = db_step(q, e);
    if (r == DB_ROW) users_read(q, out, c->mem);
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    return r == DB_ROW ? ST_OK : err_set(e, ST_NOT_FOUND, "没有这个用户。");
}

#define USERS_WHERE                                                                                                  \
    " FROM users u WHERE "                                                                                            \
    SCOPE_COND("$1", "$2", USERS_DISTRICT_SQL, USERS_PARK_SQL, USERS_ORG_PATH_SQL, USERS_ENTERPRISE_SQL, "u.id")      \
    " AND (CAST($3 AS TEXT) IS NULL OR u.role = $3) AND (CAST($4 AS TEXT) IS NULL OR u.username LIKE $4 ESCAPE '\\' OR u.name LIKE $4 ESCAPE '\\')"

st users_store_list(uc *c, const users_filter *f, const uc_page *pg, json_t **items, int64_t *total, err *e) {
    *items = NULL;
    *total = 0;
    const char *k, *code;
    scope_bind(c, &k, &code);
    const char *like = f->q && *f->q ? db_like(c->mem, f->q) : NULL;
    const char *role = f->role;
    st s = db_query_int(c->d, total, "SELECT COUNT(*)" USERS_WHERE, e, "tttt", k, code, role, like);
    if (s) return s;
    /* created_at after the row's own columns: a sort key, not shown */
    const char *sql = arena_printf(c->mem, "SELECT * FROM (SELECT %s, u.created_at%s) q ORDER BY %s LIMIT $5 OFFSET $6",
                                   USERS_COLS, USERS_WHERE, pg->order ? pg->order : "q.id");
    json_t *arr = arena_json(c->mem, json_array());
    if (!sql || !arr) return err_set(e, ST_NOMEM, "内存不足。");
    db_stmt *q;
    if ((s = db_prepare(c->d, sql, &q, e))) return s;
    db_bind_text(q, 1, k);
    db_bind_text(q, 2, code);
    db_bind_text(q, 3, role);
    db_bind_text(q, 4, like);
    db_bind_int(q, 5, pg->limit);
    db_bind_int(q, 6, pg->offset);
    int rc = DB_DONE;
    for (int64_t got = 0; got < pg->limit && (rc = db_step(q, e)) == DB_ROW; got++) {
        users_row u;
        users_read(q, &u, NULL);   /* shown at once: the sealed columns need not outlive the step */
        json_array_append_new(arr, users_json(&u));
    }
    db_reset(q);
    if (rc == DB_ERROR) return e->code;
    *items = arr;
    return ST_OK;
}

/* ---- creating ---- */

/* Resolve the scope code for a role's scope kind; fills code and name. */
static st users_scope(uc *c, const char *kind, const char *scope, char code[64], char name[256], err *e) {
    char *nm = NULL;
    st s = ST_OK;
    if (!strcmp(kind, "self")) {
        snprintf(code, 64, "0");  /* the user's own id, set after insert */
        name[0] = 0;
        return ST_OK;
    }
    if (!strcmp(kind, "city")) {
        if (scope && *scope)
            s = db_query_text(c->d, &nm, "SELECT name FROM region WHERE code = $1 AND kind = 'city'", e, "t", scope);
        else
            s = db_query_text(c->d, &nm, "SELECT name FROM region WHERE kind = 'city' ORDER BY code LIMIT 1", e, "");
        if (s == ST_NOT_FOUND)
            return err_field(e, ST_INVALID, "scope", scope ? "“%s”不是本市的行政区划代码（市级代码如 3502）。"
                                                           : "数据库中还没有市级行政区划，请先导入区划或运行 ejia demo。",
                             scope);
        if (!s) {
            if (!(scope && *scope)) {
                free(nm);
                nm = NULL;
                char *city = NULL;
                s = db_query_text(c->d, &city, "SELECT code FROM region WHERE kind = 'city' ORDER BY code LIMIT 1", e, "");
                if (!s) snprintf(code, 64, "%s", city);
                free(city);
                if (!s) s = db_query_text(c->d, &nm, "SELECT name FROM region WHERE code = $1", e, "t", code);
            } else {
                snprintf(code, 64, "%s", scope);
            }
        }
    } else if (!scope || !*scope) {
        return err_field(e, ST_INVALID, "scope", "该角色必须指定数据范围（--scope）：%s。",
                         !strcmp(kind, "district") ? "区的行政区划代码，如 350203（思明区）"
                         : !strcmp(kind, "park")   ? "园区代码，如 P0002（软件园二期）"
                         : !strcmp(kind, "org")    ? "党组织编号"
                                                   : "企业编号或统一社会信用代码");
    } else if (!strcmp(kind, "district") || !strcmp(kind, "park")) {
        s = db_query_text(c->d, &nm, "SELECT name FROM region WHERE code = $1 AND kind = $2", e, "tt", scope, kind);
        if (s == ST_NOT_FOUND)
            return err_field(e, ST_INVALID, "scope", "“%s”不是%s代码，请用 GET /api/regions?kind=%s 查看可选的代码。", scope,
                             !strcmp(kind, "park") ? "园区" : "区（县）", kind);
        if (!s) snprintf(code, 64, "%s", scope);
    } else if (!strcmp(kind, "enterprise")) {
        char *id = NULL;
        s = db_query_text(c->d, &id, "SELECT CAST(id AS TEXT) FROM enterprise WHERE CAST(id AS TEXT) = $1 OR uscc = $1", e,
                          "t", scope);
        if (s == ST_NOT_FOUND)
            return err_field(e, ST_INVALID, "scope", "没有编号或统一社会信用代码为“%s”的企业。", scope);
        if (!s) snprintf(code, 64, "%s", id);
        free(id);
        if (!s) s = db_query_text(c->d, &nm, "SELECT name FROM enterprise WHERE CAST(id AS TEXT) = $1", e, "t", code);
    } else if (!strcmp(kind, "org")) {
        char *end;
        long long v = strtoll(scope, &end, 10);
        if (*end || v <= 0) return err_field(e, ST_INVALID, "scope", "党组织编号应为正整数，而不是“%s”。", scope);
        snprintf(code, 64, "%lld", v);
        /* The organization may be created after its administrator (the demo does so). */
        s = db_query_text(c->d, &nm, "SELECT name FROM org WHERE id = CAST($1 AS BIGINT)", e, "t", code);
        if (s == ST_NOT_FOUND) {
            s = ST_OK;
            nm = malloc(64);
            if (nm) snprintf(nm, 64, "党组织（编号 %lld）", v);
        }
    }
    if (!s) snprintf(name, 256, "%s", nm ? nm : code);
    free(nm);
    return s;
}

/* Who creates whom on the web: the actor's role must be allowed to assign
 * the role, and auditors and administrators are created only on the server
 * (separation of duties), so no web account sets up the account that audits
 * it.  The command line creates any role. */
static st users_may_create(uc *c, const char *role, err *e) {
    if (users_on_server(c)) return ST_OK;
    if (roles_cli_only(role)) {
        const roles_role *t = roles_find(role);
        err_field(e, ST_FORBIDDEN, "role",
                  "三权分立：%s账号不能在网页或接口中创建，以免管理员自己设立审计自己的账号。"
                  "请由服务器上的运维人员用命令行创建：ejia user add --db 数据库 --username 用户名 --role %s "
                  "--password-stdin（密码从标准输入读入）。",
                  t->label, t->name);
        snprintf(e->api_code, sizeof e->api_code, "separation_of_duties");
        return ST_FORBIDDEN;
    }
    if (!roles_may_assign(c->who.role, role))
        return err_field(e, ST_FORBIDDEN, "role", "您的角色不能创建“%s”角色的用户。", role);
    return ST_OK;
}

/* What can be checked without the database: username, password, role, name. */
static st users_check_new(const users_new *u, const char *password, char uname[64], const roles_role **role, err *e) {
    st s = users_username(u->username, uname, e);
    if (!s) s = password_policy_check(cfg_str("password-policy"), password, uname, e);
    if (s) return s;
    if (!(*role = roles_find(u->role)))
        return err_field(e, ST_INVALID, "role",
                         "没有角色“%s”。可选：city（市委组织部）、district（区委组织部）、park（园区党工委）、org_admin（组织管理员）、"
                         "secretary（支部书记）、member（党员）、investor（出资人）、auditor（审计员）、sysadmin（系统管理员）。",
                         u->role ? u->role : "");
    const char *name = u->name && *u->name ? u->name : uname;
    if (strlen(name) > 100) return err_field(e, ST_INVALID, "name", "姓名过长（最多 100 字节）。");
    return ST_OK;
}

/* The row itself, inside the use case: scope resolved, personal data
 * sealed, the username free. */
static st users_insert(uc *c, const users_new *u, const char *uname, const roles_role *role, const char *hash,
                       int64_t *id, err *e) {
    const char *name = u->name && *u->name ? u->name : uname;
    char code[64], sname[256];
    st s = users_scope(c, role->scope_kind, u->scope, code, sname, e);
    if (s) return s;
    if (!strcmp(role->scope_kind, "self")) snprintf(sname, sizeof sname, "%s", name);
    const char *idn, *ph;
    if ((s = users_seal_pii(c, u, &idn, &ph, e))) return s;
    int64_t have = 0;
    s = db_query_int(c->d, &have, "SELECT COUNT(*) FROM users WHERE username = $1", e, "t", uname);
    if (!s && have) s = err_field(e, ST_CONFLICT, "username", "用户名“%s”已被使用，请换一个。", uname);
    int64_t now = clock_now();
    if (!s)
        s = db_query_int(c->d, id,
                         "INSERT INTO users(username, name, role, scope_kind, scope_code, scope_name, password_hash, "
                         "password_changed_at, must_change_password, id_number, phone, created_at, updated_at) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $8, $8) RETURNING id",
                         e, "tttttttiitt", uname, name, role->name, role->scope_kind, code, sname, hash, now,
                         (int64_t)(u->must_change ? 1 : 0), idn, ph);
    if (!s && !strcmp(role->scope_kind, "self"))
        s = db_run(c->d, "UPDATE users SET scope_code = CAST(id AS TEXT) WHERE id = $1", e, "i", *id);
    return s;
}

/* A web actor's new account must lie inside the actor's own scope. */
static st users_inside_actor(uc *c, int64_t id, err *e) {
    if (users_on_server(c)) return ST_OK;
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    scope_who who = scope_who_of(c);
    st s = scope_check(c->d, &who, "user", key, e);
    if (s) err_field(e, ST_FORBIDDEN, "scope", "新用户的数据范围超出了您自己的数据范围。");
    return s;
}

st users_store_create(uc *c, const users_new *u, char otp[17], int64_t *id, err *e) {
    *id = 0;
    otp[0] = 0;
    st s = users_may_create(c, u->role ? u->role : "", e);
    if (s) return s;
    const char *password = u->password;
    if (!password) {
        password_generate(otp);
        password = otp;
    }
    char uname[64], hash[crypto_pwhash_STRBYTES];
    const roles_role *role = NULL;
    if ((s = users_check_new(u, password, uname, &role, e))) return s;
    if ((s = password_hash(password, hash, e))) return s;   /* before the transaction: see users.h */
    if ((s = uc_begin(c, e))) return s;
    s = users_insert(c, u, uname, role, hash, id, e);
    if (!s) s = users_inside_actor(c, *id, e);
    sodium_memzero(hash, sizeof hash);
    users_row made;   /* the scope as resolved, by its name */
    if (!s) s = users_store_load(c, *id, NULL, &made, e);
    uc_act a = {"user.create", uc_obj(c, "user", *id),
                arena_printf(c->mem, "用户名 %s，角色 %s，范围 %s", u->username, role->label, s ? "" : made.scope_name)};
    return uc_end(c, s, &a, e);
}

/* ---- changing ---- */

/* The account a change is about, for its checks and its audit row's detail. */
static st users_target(uc *c, int64_t id, users_row *u, const char **who, err *e) {
    st s = users_store_load(c, id, NULL, u, e);
    const roles_role *ro = s ? NULL : roles_find(u->role);
    if (!s) *who = arena_printf(c->mem, "用户名 %s，角色 %s，范围 %s", u->username, ro ? ro->label : u->role, u->scope_name);
    return s;
}

st users_store_reset(uc *c, int64_t id, const char *password, bool totp, char otp[17], err *e) {
    otp[0] = 0;
    users_row u;
    const char *who;
    st s = users_target(c, id, &u, &who, e);
    if (s) return s;
    if (password) {
        if ((s = password_policy_check(cfg_str("password-policy"), password, u.username, e))) return s;
    } else {
        password_generate(otp);
        password = otp;
    }
    char hash[crypto_pwhash_STRBYTES];
    if ((s = password_hash(password, hash, e))) return s;
    if ((s = uc_begin(c, e))) return s;
    /* Whoever chose it, the account's owner did not: replaced at the first login. */
    s = db_run(c->d,
               "UPDATE users SET password_hash = $1, must_change_password = 1, password_changed_at = $2, failed_count = 0, "
               "locked_until = 0, updated_at = $2 WHERE id = $3",
               e, "tii", hash, clock_now(), id);
    sodium_memzero(hash, sizeof hash);
    if (!s && totp)
        s = db_run(c->d, "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = 0 WHERE id = $1", e,
                   "i", id);
    if (!s) s = session_store_end_all(c, id, 0, e);
    uc_act a = {"user.reset", uc_obj(c, "user", id),
                arena_printf(c->mem, "重置%s（%s），结束其全部会话", totp ? "密码和动态验证码" : "密码", who)};
    return uc_end(c, s, &a, e);
}

st users_store_unlock(uc *c, int64_t id, err *e) {
    users_row u;
    const char *who;
    st s = users_target(c, id, &u, &who, e);
    if (!s) s = uc_begin(c, e);
    if (s) return s;
    s = lockout_store_clear(c, id, e);
    uc_act a = {"user.unlock", uc_obj(c, "user", id), arena_printf(c->mem, "解除锁定（%s）", who)};
    return uc_end(c, s, &a, e);
}

st users_store_set_disabled(uc *c, int64_t id, bool disabled, err *e) {
    if (id == c->who.user_id) return err_field(e, ST_INVALID, "disabled", "不能停用自己的账号。");
    users_row u;
    const char *who;
    st s = users_target(c, id, &u, &who, e);
    if (!s) s = uc_begin(c, e);
    if (s) return s;
    s = db_run(c->d, "UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3", e, "iii", (int64_t)disabled,
               clock_now(), id);
    /* A disabled account keeps no session. */
    if (!s && disabled) s = session_store_end_all(c, id, 0, e);
    uc_act a = {disabled ? "user.disable" : "user.enable", uc_obj(c, "user", id),
                arena_printf(c->mem, disabled ? "停用（%s），结束其全部会话" : "启用（%s）", who)};
    return uc_end(c, s, &a, e);
}

st users_store_reveal(uc *c, int64_t id, char **id_number, char **phone, err *e) {
    *id_number = *phone = NULL;
    users_row u;
    st s = users_store_load(c, id, NULL, &u, e);
    if (!s) s = users_reveal(&u, id_number, phone, e);
    /* shown only once its audit row is committed */
    uc_act a = {"user.reveal", uc_obj(c, "user", id), "查看完整身份证号和电话"};
    if (!s) s = uc_audit(c, &a, e);
    if (s) {
        if (*id_number) sodium_memzero(*id_number, strlen(*id_number));
        free(*id_number);
        free(*phone);
        *id_number = *phone = NULL;
    }
    return s;
}

st users_store_password_change(uc *c, const char *current, const char *next, int64_t keep_sid, err *e) {
    st s = password_policy_check(cfg_str("password-policy"), next, c->who.username, e);
    if (s) {
        if (!strcmp(e->field, "password")) snprintf(e->field, sizeof e->field, "new_password");
        return s;
    }
    if (!strcmp(current, next)) return err_field(e, ST_INVALID, "new_password", "新密码不能与当前密码相同。");
    char hash[crypto_pwhash_STRBYTES];
    if ((s = password_hash(next, hash, e))) return s;
    if ((s = uc_begin(c, e))) return s;
    s = db_run(c->d,
               "UPDATE users SET password_hash = $1, password_changed_at = $2, must_change_password = 0, updated_at = $2 "
               "WHERE id = $3",
               e, "tii", hash, clock_now(), c->who.user_id);
    sodium_memzero(hash, sizeof hash);
    /* Other sessions may be the reason for the change: end them. */
    if (!s) s = session_store_end_all(c, c->who.user_id, keep_sid, e);
    uc_act a = {"user.password_change", c->who.username, "其他会话已结束"};
    return uc_end(c, s, &a, e);
}
