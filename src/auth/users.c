/* users — see users.h. */
#include "users.h"
#include "base/ids.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/crypt.h"
#include "base/mask.h"
#include "auth/password.h"
#include "auth/roles.h"
#include "core/config.h"

st users_username(const char *in, char out[64], err *e) {
    size_t n = in ? strlen(in) : 0;
    if (n < 2 || n > 32)
        return err_field(e, ST_INVALID, "username", "用户名应为 2–32 个字符（当前 %zu 个）。", n);
    for (size_t i = 0; i < n; i++) {
        char c = (char)tolower((unsigned char)in[i]);
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return err_field(e, ST_INVALID, "username", "用户名只能包含英文字母、数字和 . _ -（第 %zu 个字符不符合），请改用拼音或工号。", i + 1);
        out[i] = c;
    }
    out[n] = 0;
    return ST_OK;
}

/* Resolve the scope code for a role's scope kind; fills code and name. */
static st users_scope(db *d, const char *kind, const char *scope, char code[64], char name[256], err *e) {
    char *nm = NULL;
    st s = ST_OK;
    if (!strcmp(kind, "self")) {
        snprintf(code, 64, "0");  /* the user's own id, set after insert */
        name[0] = 0;
        return ST_OK;
    }
    if (!strcmp(kind, "city")) {
        if (scope && *scope)
            s = db_query_text(d, &nm, "SELECT name FROM region WHERE code = $1 AND kind = 'city'", e, "t", scope);
        else
            s = db_query_text(d, &nm, "SELECT name FROM region WHERE kind = 'city' ORDER BY code LIMIT 1", e, "");
        if (s == ST_NOT_FOUND)
            return err_field(e, ST_INVALID, "scope", scope ? "“%s”不是本市的行政区划代码（市级代码如 3502）。"
                                                           : "数据库中还没有市级行政区划，请先导入区划或运行 ejia demo。",
                             scope);
        if (!s) {
            if (!(scope && *scope)) {
                free(nm);
                nm = NULL;
                char *c = NULL;
                s = db_query_text(d, &c, "SELECT code FROM region WHERE kind = 'city' ORDER BY code LIMIT 1", e, "");
                if (!s) snprintf(code, 64, "%s", c);
                free(c);
                if (!s) s = db_query_text(d, &nm, "SELECT name FROM region WHERE code = $1", e, "t", code);
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
        s = db_query_text(d, &nm, "SELECT name FROM region WHERE code = $1 AND kind = $2", e, "tt", scope, kind);
        if (s == ST_NOT_FOUND)
            return err_field(e, ST_INVALID, "scope", "“%s”不是%s代码，请用 GET /api/regions?kind=%s 查看可选的代码。", scope,
                             !strcmp(kind, "park") ? "园区" : "区（县）", kind);
        if (!s) snprintf(code, 64, "%s", scope);
    } else if (!strcmp(kind, "enterprise")) {
        char *id = NULL;
        s = db_query_text(d, &id, "SELECT CAST(id AS TEXT) FROM enterprise WHERE CAST(id AS TEXT) = $1 OR uscc = $1", e,
                          "t", scope);
        if (s == ST_NOT_FOUND)
            return err_field(e, ST_INVALID, "scope", "没有编号或统一社会信用代码为“%s”的企业。", scope);
        if (!s) snprintf(code, 64, "%s", id);
        free(id);
        if (!s) s = db_query_text(d, &nm, "SELECT name FROM enterprise WHERE CAST(id AS TEXT) = $1", e, "t", code);
    } else if (!strcmp(kind, "org")) {
        char *end;
        long long v = strtoll(scope, &end, 10);
        if (*end || v <= 0) return err_field(e, ST_INVALID, "scope", "党组织编号应为正整数，而不是“%s”。", scope);
        snprintf(code, 64, "%lld", v);
        /* The organization may be created after its administrator (the demo does so). */
        s = db_query_text(d, &nm, "SELECT name FROM org WHERE id = CAST($1 AS BIGINT)", e, "t", code);
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

st users_hash_password(const users_new *u, char *hash, size_t n, err *e) {
    char uname[64];
    st s = users_username(u->username, uname, e);
    if (!s) s = password_policy_check(cfg_str("password-policy"), u->password ? u->password : "", uname, e);
    if (s) return s;
    char h[crypto_pwhash_STRBYTES];
    if ((s = password_hash(u->password, h, e))) return s;
    snprintf(hash, n, "%s", h);
    sodium_memzero(h, sizeof h);
    return ST_OK;
}

st users_create(db *d, const users_new *u, int64_t *id, err *e) {
    char uname[64];
    st s = users_username(u->username, uname, e);
    if (s) return s;
    const roles_role *role = roles_find(u->role);
    if (!role)
        return err_field(e, ST_INVALID, "role",
                         "没有角色“%s”。可选：city（市委组织部）、district（区委组织部）、park（园区党工委）、org_admin（组织管理员）、"
                         "secretary（支部书记）、member（党员）、investor（出资人）、auditor（审计员）、sysadmin（系统管理员）。",
                         u->role ? u->role : "");
    const char *name = u->name && *u->name ? u->name : uname;
    if (strlen(name) > 100) return err_field(e, ST_INVALID, "name", "姓名过长（最多 100 字节）。");
    if ((s = password_policy_check(cfg_str("password-policy"), u->password ? u->password : "", uname, e))) return s;
    char code[64], sname[256];
    if ((s = users_scope(d, role->scope_kind, u->scope, code, sname, e))) return s;
    if (!strcmp(role->scope_kind, "self")) snprintf(sname, sizeof sname, "%s", name);
    /* Sensitive fields: validated, then sealed. */
    char *idn = NULL, *ph = NULL;
    if (u->id_number && *u->id_number) {
        char v[32];
        size_t n = strlen(u->id_number);
        if (n >= sizeof v) n = sizeof v - 1;
        for (size_t i = 0; i < n; i++) v[i] = (char)toupper((unsigned char)u->id_number[i]);
        v[n] = 0;
        if (!ids_idcard_check(v, n))
            return err_field(e, ST_INVALID, "id_number", "居民身份证号无效：应为 18 位，出生日期真实，末位校验码正确（GB 11643）。");
        if ((s = crypt_seal("users.id_number", v, &idn, e))) return s;
    }
    if (u->phone && *u->phone) {
        char v[40];
        if (ids_phone_check(u->phone, strlen(u->phone), v) == IDS_PHONE_BAD) {
            free(idn);
            return err_field(e, ST_INVALID, "phone", "电话号码无效：手机号应为 11 位（1 开头），座机如 0592-1234567。");
        }
        if ((s = crypt_seal("users.phone", v, &ph, e))) {
            free(idn);
            return s;
        }
    }
    char hash[crypto_pwhash_STRBYTES];
    if (u->password_hash) snprintf(hash, sizeof hash, "%s", u->password_hash);
    else if ((s = password_hash(u->password, hash, e))) {
        free(idn);
        free(ph);
        return s;
    }
    int64_t have = 0;
    s = db_query_int(d, &have, "SELECT COUNT(*) FROM users WHERE username = $1", e, "t", uname);
    if (!s && have) s = err_field(e, ST_CONFLICT, "username", "用户名“%s”已被使用，请换一个。", uname);
    int64_t now = clock_now();
    if (!s)
        s = db_query_int(d, id,
                         "INSERT INTO users(username, name, role, scope_kind, scope_code, scope_name, password_hash, "
                         "password_changed_at, must_change_password, id_number, phone, created_at, updated_at) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $8, $8) RETURNING id",
                         e, "tttttttiitt", uname, name, role->name, role->scope_kind, code, sname, hash, now,
                         (int64_t)(u->must_change ? 1 : 0), idn, ph);
    if (!s && !strcmp(role->scope_kind, "self"))
        s = db_run(d, "UPDATE users SET scope_code = CAST(id AS TEXT) WHERE id = $1", e, "i", *id);
    sodium_memzero(hash, sizeof hash);
    free(idn);
    free(ph);
    return s;
}

static void users_cp(char *dst, size_t n, const char *src) { snprintf(dst, n, "%s", src ? src : ""); }
static char *users_dup(db_stmt *q, int c) { return db_col_null(q, c) ? NULL : strdup(db_col_text(q, c)); }

st users_load(db *d, int64_t id, const char *username, users_row *out, err *e) {
    memset(out, 0, sizeof *out);
    db_stmt *q;
    st s = db_prepare(d,
                      "SELECT id, username, name, role, scope_kind, scope_code, scope_name, password_hash, "
                      "password_changed_at, locked_until, failed_count, must_change_password, disabled, totp_secret, "
                      "id_number, phone, totp_last_step FROM users WHERE id = $1 OR ($1 = 0 AND username = $2)",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, id);
    db_bind_text(q, 2, username ? username : "");
    int r = db_step(q, e);
    if (r == DB_ROW) {
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
        out->totp_secret_sealed = users_dup(q, 13);
        out->totp_enabled = out->totp_secret_sealed != NULL;
        out->id_number_sealed = users_dup(q, 14);
        out->phone_sealed = users_dup(q, 15);
        out->totp_last_step = db_col_int(q, 16);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    return r == DB_ROW ? ST_OK : err_set(e, ST_NOT_FOUND, "没有这个用户。");
}

void users_row_free(users_row *u) {
    free(u->totp_secret_sealed);
    free(u->id_number_sealed);
    free(u->phone_sealed);
    u->totp_secret_sealed = u->id_number_sealed = u->phone_sealed = NULL;
}

st users_reveal(const users_row *u, char **id_number, char **phone, err *e) {
    *id_number = *phone = NULL;
    st s = ST_OK;
    if (u->id_number_sealed) s = crypt_open("users.id_number", u->id_number_sealed, id_number, e);
    if (!s && u->phone_sealed) s = crypt_open("users.phone", u->phone_sealed, phone, e);
    if (s) {
        free(*id_number);
        *id_number = NULL;
    }
    return s;
}

json_t *users_json(const users_row *u) {
    const roles_role *role = roles_find(u->role);
    json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s}}", "id", (json_int_t)u->id, "username", u->username,
                          "name", u->name, "role", u->role, "role_label", role ? role->label : u->role, "scope",
                          "kind", u->scope_kind, "code", u->scope_code, "name", u->scope_name);
    char *idn = NULL, *ph = NULL;
    err e;
    char m[64];
    if (!users_reveal(u, &idn, &ph, &e)) {
        if (idn) {
            mask_idcard(idn, m, sizeof m);
            json_object_set_new(o, "id_number", json_string(m));
        }
        if (ph) {
            mask_phone(ph, m, sizeof m);
            json_object_set_new(o, "phone", json_string(m));
        }
    }
    if (idn) sodium_memzero(idn, strlen(idn));
    free(idn);
    free(ph);
    int64_t now = clock_now(), max_age = cfg_int("password-max-age-days") * 86400;
    json_object_set_new(o, "must_change_password", json_boolean(u->must_change));
    json_object_set_new(o, "password_expired", json_boolean(max_age > 0 && now - u->password_changed_at > max_age));
    json_object_set_new(o, "locked", json_boolean(u->locked_until > now));
    json_object_set_new(o, "disabled", json_boolean(u->disabled));
    json_object_set_new(o, "totp", json_pack("{s:b,s:b}", "required", roles_totp_required(u->role), "enabled",
                                             u->totp_enabled));
    return o;
}
