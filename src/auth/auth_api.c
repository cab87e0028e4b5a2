/* auth_api — the HTTP face of accounts: login/logout, the caller's own
 * account (sessions, password, second factor), user management, the audit
 * trail and its export, and a region's detail (the simplest scoped object).
 *
 * Shapes the web UI relies on (keep them): login and /api/me answer
 * {"user":{id,username,name,role,role_label,scope:{kind,code,name},...},
 *  "permissions":[...], "assignable_roles":[{name,label,scope_kind}]}; refusals carry error.code bad_credentials (401, the
 * same sentence for an unknown user and a wrong password), otp_required (401)
 * and locked (423, error.detail.until as ISO time). */
#include "auth/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "auth/audit.h"
#include "auth/clock.h"
#include "auth/crypt.h"
#include "auth/lockout.h"
#include "auth/password.h"
#include "auth/roles.h"
#include "auth/session.h"
#include "auth/totp.h"
#include "auth/users.h"
#include "core/config.h"
#include "core/jsonx.h"

static json_t *api_me_json(const users_row *u) {
    json_t *perms = json_array();
    const roles_role *ro = roles_find(u->role);
    for (const char *const *p = ro ? ro->perms : NULL; p && *p; p++) json_array_append_new(perms, json_string(*p));
    /* The roles this user may create accounts of, with the scope each needs:
     * the user form offers these and asks for the right kind of scope. */
    json_t *assign = json_array();
    for (const char *const *a = ro ? ro->assigns : NULL; a && *a; a++) {
        const roles_role *t = roles_find(*a);
        if (t)
            json_array_append_new(assign,
                                  json_pack("{s:s,s:s,s:s}", "name", t->name, "label", t->label, "scope_kind", t->scope_kind));
    }
    return json_pack("{s:o,s:o,s:o}", "user", users_json(u), "permissions", perms, "assignable_roles", assign);
}

static st api_code(err *e, st s, const char *code) {
    snprintf(e->api_code, sizeof e->api_code, "%s", code);
    return s;
}

/* ---- login / logout / me ---- */

static st api_bad_credentials(err *e) {
    err_set(e, ST_UNAUTH, "用户名或密码错误，请重新输入。连续多次输错将暂时锁定账号。");
    return api_code(e, ST_UNAUTH, "bad_credentials");
}

static st api_locked_reply(http_req *r, int64_t until) {
    char iso[32];
    clock_iso(until, iso, sizeof iso);
    err e;
    err_set(&e, ST_LOCKED, "账号因多次登录失败已被锁定，请于 %s（UTC）之后再试，或联系系统管理员解锁。", iso);
    api_code(&e, ST_LOCKED, "locked");
    return http_reply_json(r, 423, http_error_json(&e, json_pack("{s:s}", "until", iso)));
}

/* A failed attempt on a known account: count it, audit it, maybe lock. */
static st api_login_failed(http_req *r, const users_row *u, const char *why, int64_t now, int64_t *until, err *e) {
    db *d = http_db(r);
    st s = db_begin(d, e);
    if (s) return s;
    s = lockout_fail(d, u->id, now, until, e);
    audit_entry a = {.user_id = u->id, .username = u->username, .role = u->role, .action = "auth.login_failed",
                     .object = u->username, .result = "failed", .address = r->addr, .detail = why};
    if (!s) s = audit_append(d, &a, e);
    if (!s && *until) {
        char det[120], iso[32];
        clock_iso(*until, iso, sizeof iso);
        snprintf(det, sizeof det, "连续 %ld 次登录失败，锁定至 %s", cfg_int("lockout-failures"), iso);
        audit_entry l = {.user_id = u->id, .username = u->username, .role = u->role, .action = "auth.lockout",
                         .object = u->username, .result = "locked", .address = r->addr, .detail = det};
        s = audit_append(d, &l, e);
    }
    if (!s) return db_commit(d, e);
    db_rollback(d);
    return s;
}

static st h_login(http_req *r, err *e) {
    static const char *const allowed[] = {"username", "password", "otp", NULL};
    const char *username, *password, *otp;
    st s = jsonx_only(r->json, allowed, e);
    if (!s) s = jsonx_str(r->json, "username", true, 1, 64, &username, e);
    if (!s) s = jsonx_str(r->json, "password", true, 1, 256, &password, e);
    if (!s) s = jsonx_str(r->json, "otp", false, 0, 10, &otp, e);
    if (s) return s;
    db *d = http_db(r);
    int64_t now = clock_now();
    char uname[64];
    users_row u;
    memset(&u, 0, sizeof u);
    bool known = users_username(username, uname, NULL) == ST_OK;
    if (known) {
        s = users_load(d, 0, uname, &u, e);
        if (s == ST_NOT_FOUND) known = false;
        else if (s) return s;
    }
    if (!known) {
        password_dummy_verify(password);
        audit_entry a = {.username = username, .action = "auth.login_failed", .object = username,
                         .result = "failed", .address = r->addr, .detail = "未知用户名"};
        if ((s = audit_record(d, &a, e))) return s;
        return api_bad_credentials(e);
    }
    if (u.locked_until > now) {
        audit_entry a = {.user_id = u.id, .username = u.username, .role = u.role, .action = "auth.login_locked",
                         .object = u.username, .result = "locked", .address = r->addr, .detail = "账号锁定期间尝试登录"};
        int64_t until = u.locked_until;
        users_row_free(&u);
        if ((s = audit_record(d, &a, e))) return s;
        return api_locked_reply(r, until);
    }
    int64_t until = 0, otp_step = 0;
    if (!password_verify(u.password_hash, password) || u.disabled) {
        s = api_login_failed(r, &u, u.disabled ? "账号已停用" : "口令错误", now, &until, e);
        users_row_free(&u);
        if (s) return s;
        return until ? api_locked_reply(r, until) : api_bad_credentials(e);
    }
    if (u.totp_enabled) {
        char *secret = NULL;
        if ((s = crypt_open("users.totp_secret", u.totp_secret_sealed, &secret, e))) {
            users_row_free(&u);
            return s;
        }
        bool ok = otp && *otp && totp_check_once(secret, now, otp, u.totp_last_step, &otp_step);
        free(secret);
        if (!ok) {
            if (otp && *otp) s = api_login_failed(r, &u, "动态验证码错误", now, &until, e);
            users_row_free(&u);
            if (s) return s;
            if (until) return api_locked_reply(r, until);
            err_field(e, ST_UNAUTH, "otp", otp && *otp ? "动态验证码不正确、已过期或已使用过，请等待下一个验证码后重新输入。"
                                                      : "该账号已启用双因素认证，请输入身份验证器中显示的 6 位动态验证码。");
            return api_code(e, ST_UNAUTH, "otp_required");
        }
    }
    /* Success: a new session (new token: no fixation), the failure count cleared. */
    char token[48];
    int64_t sid = 0;
    if ((s = db_begin(d, e))) {
        users_row_free(&u);
        return s;
    }
    s = lockout_clear(d, u.id, e);
    if (!s && otp_step) s = db_run(d, "UPDATE users SET totp_last_step = $1 WHERE id = $2", e, "ii", otp_step, u.id);
    if (!s) s = session_create(d, u.id, r->addr, http_header(r, "User-Agent"), token, &sid, e);
    char det[64];
    snprintf(det, sizeof det, "会话 %lld", (long long)sid);
    audit_entry a = {.user_id = u.id, .username = u.username, .role = u.role, .action = "auth.login",
                     .object = u.username, .result = "ok", .address = r->addr, .detail = det};
    if (!s) s = audit_append(d, &a, e);
    if (!s) s = db_commit(d, e);
    else db_rollback(d);
    if (s) {
        users_row_free(&u);
        return s;
    }
    /* The old cookie (if any) names another session: end it so one browser holds one session. */
    const char *old = http_cookie(r, SESSION_COOKIE);
    if (old) {
        int64_t osid = 0, ouid = 0;
        err oe;
        if (!session_lookup(d, old, &osid, &ouid, &oe) && osid) session_end(d, osid, &oe);
    }
    char cookie[160];
    session_cookie(token, cookie, sizeof cookie);
    http_set_cookie(r, cookie);
    u.failed_count = 0;
    u.locked_until = 0;
    json_t *body = api_me_json(&u);
    users_row_free(&u);
    return http_reply_json(r, 200, body);
}

static st h_logout(http_req *r, err *e) {
    if (r->user.id) {
        db *d = http_db(r);
        st s = db_begin(d, e);
        if (!s) s = session_end(d, r->user.session_id, e);
        if (!s) s = auth_audit_tx(r, "auth.logout", r->user.username, "ok", NULL, e);
        if (!s) s = db_commit(d, e);
        else db_rollback(d);
        if (s) return s;
    }
    char cookie[160];
    session_cookie_clear(cookie, sizeof cookie);
    http_set_cookie(r, cookie);
    return http_reply_empty(r, 204);
}

static st h_me(http_req *r, err *e) {
    users_row u;
    st s = users_load(http_db(r), r->user.id, NULL, &u, e);
    if (s) return s;
    json_t *body = api_me_json(&u);
    json_object_set_new(body, "session", json_pack("{s:I}", "id", (json_int_t)r->user.session_id));
    users_row_free(&u);
    return http_reply_json(r, 200, body);
}

static st h_sessions(http_req *r, err *e) {
    json_t *rows;
    st s = db_query_json(http_db(r), &rows,
                         "SELECT id, created_at, last_seen, expires_at, address, user_agent FROM sessions "
                         "WHERE user_id = $1 AND ended_at IS NULL AND expires_at > $2 AND last_seen > $3 ORDER BY id DESC",
                         e, "iii", r->user.id, clock_now(), clock_now() - cfg_int("session-idle"));
    if (s) return s;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        json_object_set_new(row, "current",
                            json_boolean(json_integer_value(json_object_get(row, "id")) == r->user.session_id));
    }
    return http_reply_json(r, 200, json_pack("{s:o}", "items", rows));
}

static st h_session_end(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (s) return s;
    db *d = http_db(r);
    char obj[40];
    snprintf(obj, sizeof obj, "session:%lld", (long long)id);
    if ((s = db_begin(d, e))) return s;
    s = db_run(d, "UPDATE sessions SET ended_at = $1 WHERE id = $2 AND user_id = $3 AND ended_at IS NULL", e, "iii",
               clock_now(), id, r->user.id);
    if (!s) s = auth_audit_tx(r, "auth.session_end", obj, "ok", NULL, e);
    if (!s) s = db_commit(d, e);
    else db_rollback(d);
    if (s) return s;
    if (id == r->user.session_id) {
        char cookie[160];
        session_cookie_clear(cookie, sizeof cookie);
        http_set_cookie(r, cookie);
    }
    return http_reply_empty(r, 204);
}

static st h_password(http_req *r, err *e) {
    static const char *const allowed[] = {"password", "new_password", NULL};
    const char *cur, *neu;
    st s = jsonx_only(r->json, allowed, e);
    if (!s) s = jsonx_str(r->json, "password", true, 1, 256, &cur, e);
    if (!s) s = jsonx_str(r->json, "new_password", true, 1, 256, &neu, e);
    if (!s) s = auth_reauth(r, cur, e);
    if (!s) s = password_policy_check(cfg_str("password-policy"), neu, r->user.username, e);
    if (s) {
        if (!strcmp(e->field, "password") && s == ST_INVALID && cur) snprintf(e->field, sizeof e->field, "new_password");
        return s;
    }
    if (!strcmp(cur, neu)) return err_field(e, ST_INVALID, "new_password", "新口令不能与当前口令相同。");
    char hash[crypto_pwhash_STRBYTES];
    if ((s = password_hash(neu, hash, e))) return s;
    db *d = http_db(r);
    if ((s = db_begin(d, e))) return s;
    s = db_run(d,
               "UPDATE users SET password_hash = $1, password_changed_at = $2, must_change_password = 0, updated_at = $2 "
               "WHERE id = $3",
               e, "tii", hash, clock_now(), r->user.id);
    /* Other sessions may be the reason for the change: end them. */
    if (!s) s = session_end_all(d, r->user.id, r->user.session_id, e);
    if (!s) s = auth_audit_tx(r, "user.password_change", r->user.username, "ok", "其他会话已结束", e);
    if (!s) s = db_commit(d, e);
    else db_rollback(d);
    return s ? s : http_reply_empty(r, 204);
}

/* ---- second factor ---- */

static st h_totp_status(http_req *r, err *e) {
    users_row u;
    st s = users_load(http_db(r), r->user.id, NULL, &u, e);
    if (s) return s;
    json_t *o = json_pack("{s:b,s:b}", "required", roles_totp_required(u.role), "enabled", u.totp_enabled);
    users_row_free(&u);
    return http_reply_json(r, 200, o);
}

static st h_totp_setup(http_req *r, err *e) {
    static const char *const allowed[] = {"password", NULL};
    const char *pw;
    st s = jsonx_only(r->json, allowed, e);
    if (!s) s = jsonx_str(r->json, "password", true, 1, 256, &pw, e);
    if (!s) s = auth_reauth(r, pw, e);
    if (s) return s;
    char secret[33];
    char *sealed = NULL;
    if ((s = totp_new_secret(secret, e)) || (s = crypt_seal("users.totp_secret", secret, &sealed, e))) return s;
    db *d = http_db(r);
    if (!(s = db_begin(d, e))) {
        s = db_run(d, "UPDATE users SET totp_pending = $1, updated_at = $2 WHERE id = $3", e, "tii", sealed, clock_now(),
                   r->user.id);
        if (!s) s = auth_audit_tx(r, "auth.totp_setup", r->user.username, "ok", "生成新的动态验证码密钥（待确认）", e);
        if (!s) s = db_commit(d, e);
        else db_rollback(d);
    }
    free(sealed);
    if (s) return s;
    char *uri = totp_uri(secret, r->user.username);
    json_t *o = json_pack("{s:s,s:s?}", "secret", secret, "uri", uri);
    free(uri);
    return http_reply_json(r, 200, o);
}

static st h_totp_enable(http_req *r, err *e) {
    static const char *const allowed[] = {"otp", NULL};
    const char *otp;
    st s = jsonx_only(r->json, allowed, e);
    if (!s) s = jsonx_str(r->json, "otp", true, 6, 6, &otp, e);
    if (s) return s;
    db *d = http_db(r);
    char *sealed = NULL, *secret = NULL;
    s = db_query_text(d, &sealed, "SELECT totp_pending FROM users WHERE id = $1 AND totp_pending IS NOT NULL", e, "i",
                      r->user.id);
    if (s == ST_NOT_FOUND) return err_set(e, ST_CONFLICT, "请先生成动态验证码密钥（POST /api/me/totp/setup）。");
    if (!s) s = crypt_open("users.totp_secret", sealed, &secret, e);
    int64_t step = 0;
    if (!s && !totp_check_once(secret, clock_now(), otp, 0, &step))
        s = err_field(e, ST_INVALID, "otp", "动态验证码不正确：请核对身份验证器中的 6 位数字和手机时间后重试。");
    if (secret) free(secret);
    if (!s && !(s = db_begin(d, e))) {
        s = db_run(d,
                   "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $1, updated_at = $2 "
                   "WHERE id = $3",
                   e, "iii", step, clock_now(), r->user.id);
        if (!s) s = auth_audit_tx(r, "auth.totp_enable", r->user.username, "ok", NULL, e);
        if (!s) s = db_commit(d, e);
        else db_rollback(d);
    }
    free(sealed);
    return s ? s : http_reply_empty(r, 204);
}

static st h_totp_disable(http_req *r, err *e) {
    static const char *const allowed[] = {"password", NULL};
    const char *pw;
    st s = jsonx_only(r->json, allowed, e);
    if (!s) s = jsonx_str(r->json, "password", true, 1, 256, &pw, e);
    if (s) return s;
    if (roles_totp_required(r->user.role))
        return err_set(e, ST_FORBIDDEN, "您的角色必须使用双因素认证，不能关闭；如需更换手机，请重新设置（POST /api/me/totp/setup）。");
    if ((s = auth_reauth(r, pw, e))) return s;
    db *d = http_db(r);
    if ((s = db_begin(d, e))) return s;
    s = db_run(d, "UPDATE users SET totp_secret = NULL, totp_pending = NULL, updated_at = $1 WHERE id = $2", e, "ii",
               clock_now(), r->user.id);
    if (!s) s = auth_audit_tx(r, "auth.totp_disable", r->user.username, "ok", NULL, e);
    if (!s) s = db_commit(d, e);
    else db_rollback(d);
    return s ? s : http_reply_empty(r, 204);
}

/* ---- users ---- */

static st h_users_list(http_req *r, err *e) {
    http_page pg;
    st s = http_paging(r, &pg, e);
    if (s) return s;
    const char *role = http_query(r, "role");
    const char *q = http_query(r, "q");
    char like[140] = "";
    if (q && *q) snprintf(like, sizeof like, "%%%.100s%%", q);
#define USERS_WHERE                                                                                                  \
    " FROM users u WHERE "                                                                                            \
    SCOPE_COND("$1", "$2", USERS_DISTRICT_SQL, USERS_PARK_SQL, USERS_ORG_PATH_SQL, USERS_ENTERPRISE_SQL, "u.id") \
    " AND (CAST($3 AS TEXT) IS NULL OR u.role = $3) AND (CAST($4 AS TEXT) IS NULL OR u.username LIKE $4 OR u.name LIKE $4)"
    db *d = http_db(r);
    int64_t total = 0;
    s = db_query_int(d, &total, "SELECT COUNT(*)" USERS_WHERE, e, "tttt", r->user.scope_kind, r->user.scope_code,
                     role, like[0] ? like : NULL);
    if (s) return s;
    const char *order;
    if ((s = http_order(r, "id", "q.id", &order, e))) return s;
    const char *sql = arena_printf(&r->mem, "SELECT q.id FROM (%s) q ORDER BY %s LIMIT $5 OFFSET $6",
                                   "SELECT u.id, u.username, u.name, u.role, u.created_at" USERS_WHERE, order);
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    db_stmt *st_;
    if ((s = db_prepare(d, sql, &st_, e))) return s;
#undef USERS_WHERE
    db_bind_text(st_, 1, r->user.scope_kind);
    db_bind_text(st_, 2, r->user.scope_code);
    db_bind_text(st_, 3, role);
    db_bind_text(st_, 4, like[0] ? like : NULL);
    db_bind_int(st_, 5, pg.size);
    db_bind_int(st_, 6, pg.offset);
    /* a page, or a whole export (up to export-row-cap + 1 rows): arena-owned */
    int64_t *ids = arena_calloc(&r->mem, (size_t)pg.size, sizeof *ids);
    if (!ids) {
        db_reset(st_);
        return err_set(e, ST_NOMEM, "内存不足。");
    }
    int64_t n = 0;
    int rc = DB_DONE; /* pg.size 0 reads nothing */
    while (n < pg.size && (rc = db_step(st_, e)) == DB_ROW) ids[n++] = db_col_int(st_, 0);
    db_reset(st_);
    if (n < pg.size && rc == DB_ERROR) return e->code;
    json_t *items = json_array();
    for (int64_t i = 0; i < n; i++) {
        users_row u;
        if ((s = users_load(d, ids[i], NULL, &u, e))) {
            json_decref(items);
            return s;
        }
        json_array_append_new(items, users_json(&u));
        users_row_free(&u);
    }
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static st h_users_create(http_req *r, err *e) {
    static const char *const allowed[] = {"username", "name", "role", "scope", "password", "id_number", "phone", NULL};
    users_new nu = {0};
    st s = jsonx_only(r->json, allowed, e);
    if (!s) s = jsonx_str(r->json, "username", true, 2, 32, &nu.username, e);
    if (!s) s = jsonx_str(r->json, "name", true, 1, 50, &nu.name, e);
    if (!s) s = jsonx_str(r->json, "role", true, 1, 32, &nu.role, e);
    if (!s) s = jsonx_str(r->json, "scope", false, 0, 64, &nu.scope, e);
    if (!s) s = jsonx_str(r->json, "password", false, 0, 256, &nu.password, e);
    if (!s) s = jsonx_str(r->json, "id_number", false, 0, 32, &nu.id_number, e);
    if (!s) s = jsonx_str(r->json, "phone", false, 0, 32, &nu.phone, e);
    if (s) return s;
    if (!roles_may_assign(r->user.role, nu.role))
        return err_field(e, ST_FORBIDDEN, "role", "您的角色不能创建“%s”角色的用户。", nu.role);
    char otp[17];
    bool generated = !nu.password || !*nu.password;
    if (generated) {
        password_generate(otp);
        nu.password = otp;
    }
    nu.must_change = true;  /* whoever set it, the new user did not choose it */
    db *d = http_db(r);
    int64_t id = 0;
    if ((s = db_begin(d, e))) return s;
    s = users_create(d, &nu, &id, e);
    /* The new account must lie inside the creator's own scope. */
    if (!s) {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)id);
        scope_who who = {r->user.scope_kind, r->user.scope_code, r->user.id};
        s = scope_check(d, &who, "user", key, e);
        if (s) err_field(e, ST_FORBIDDEN, "scope", "新用户的数据范围超出了您自己的数据范围。");
    }
    char obj[40], det[160];
    snprintf(obj, sizeof obj, "user:%lld", (long long)id);
    snprintf(det, sizeof det, "用户名 %s，角色 %s，范围 %s", nu.username, nu.role, nu.scope ? nu.scope : "默认");
    if (!s) s = auth_audit_tx(r, "user.create", obj, "ok", det, e);
    if (!s) s = db_commit(d, e);
    else db_rollback(d);
    if (s) return s;
    users_row u;
    if ((s = users_load(d, id, NULL, &u, e))) return s;
    json_t *o = json_pack("{s:o}", "user", users_json(&u));
    users_row_free(&u);
    if (generated) json_object_set_new(o, "one_time_password", json_string(otp));
    return http_reply_json(r, 201, o);
}

static st h_user_get(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (s) return s;
    users_row u;
    if ((s = users_load(http_db(r), id, NULL, &u, e))) return s;
    json_t *o = json_pack("{s:o}", "user", users_json(&u));
    users_row_free(&u);
    return http_reply_json(r, 200, o);
}

static st h_user_reveal(http_req *r, err *e) {
    static const char *const allowed[] = {"password", NULL};
    const char *pw;
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, allowed, e);
    if (!s) s = jsonx_str(r->json, "password", true, 1, 256, &pw, e);
    if (!s) s = auth_reauth(r, pw, e);
    if (s) return s;
    users_row u;
    if ((s = users_load(http_db(r), id, NULL, &u, e))) return s;
    char *idn = NULL, *ph = NULL;
    s = users_reveal(&u, &idn, &ph, e);
    users_row_free(&u);
    char obj[40];
    snprintf(obj, sizeof obj, "user:%lld", (long long)id);
    /* The reveal is only shown once its audit row is committed. */
    if (!s) s = auth_audit(r, "user.reveal", obj, "ok", "查看完整身份证号和电话", e);
    if (s) {
        free(idn);
        free(ph);
        return s;
    }
    json_t *o = json_pack("{s:I,s:s?,s:s?}", "id", (json_int_t)id, "id_number", idn, "phone", ph);
    if (idn) sodium_memzero(idn, strlen(idn));
    free(idn);
    free(ph);
    return http_reply_json(r, 200, o);
}

static st h_user_unlock(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (s) return s;
    db *d = http_db(r);
    char obj[40];
    snprintf(obj, sizeof obj, "user:%lld", (long long)id);
    if ((s = db_begin(d, e))) return s;
    s = lockout_clear(d, id, e);
    if (!s) s = auth_audit_tx(r, "user.unlock", obj, "ok", NULL, e);
    if (!s) s = db_commit(d, e);
    else db_rollback(d);
    return s ? s : http_reply_empty(r, 204);
}

static st h_user_reset(http_req *r, err *e) {
    static const char *const allowed[] = {"password", "totp", NULL};
    const char *pw;
    bool totp = false;
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, allowed, e);
    if (!s) s = jsonx_str(r->json, "password", true, 1, 256, &pw, e);
    if (!s) s = jsonx_bool(r->json, "totp", false, false, &totp, e);
    if (s) return s;
    db *d = http_db(r);
    if ((s = auth_reauth(r, pw, e))) return s;
    char otp[17], hash[crypto_pwhash_STRBYTES], obj[40];
    password_generate(otp);
    if ((s = password_hash(otp, hash, e))) return s;
    snprintf(obj, sizeof obj, "user:%lld", (long long)id);
    if ((s = db_begin(d, e))) return s;
    s = db_run(d,
               "UPDATE users SET password_hash = $1, must_change_password = 1, password_changed_at = $2, failed_count = 0, "
               "locked_until = 0, updated_at = $2 WHERE id = $3",
               e, "tii", hash, clock_now(), id);
    if (!s && totp)
        s = db_run(d, "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = 0 WHERE id = $1", e, "i", id);
    if (!s) s = session_end_all(d, id, 0, e);
    if (!s) s = auth_audit_tx(r, "user.reset", obj, "ok", totp ? "重置口令和动态验证码，结束其全部会话" : "重置口令，结束其全部会话", e);
    if (!s) s = db_commit(d, e);
    else db_rollback(d);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id, "one_time_password", otp));
}

static st h_user_disable(http_req *r, err *e) {
    static const char *const allowed[] = {"disabled", NULL};
    bool off = true;
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, allowed, e);
    if (!s) s = jsonx_bool(r->json, "disabled", true, true, &off, e);
    if (s) return s;
    if (id == r->user.id) return err_field(e, ST_INVALID, "disabled", "不能停用自己的账号。");
    db *d = http_db(r);
    char obj[40];
    snprintf(obj, sizeof obj, "user:%lld", (long long)id);
    if ((s = db_begin(d, e))) return s;
    s = db_run(d, "UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3", e, "iii", (int64_t)off, clock_now(), id);
    if (!s && off) s = session_end_all(d, id, 0, e);
    if (!s) s = auth_audit_tx(r, off ? "user.disable" : "user.enable", obj, "ok", NULL, e);
    if (!s) s = db_commit(d, e);
    else db_rollback(d);
    return s ? s : http_reply_empty(r, 204);
}

/* ---- audit ---- */

/* Filters shared by the list and the export: user, action, result, from, to (epoch seconds). */
#define AUDIT_WHERE                                                                                                    \
    " FROM audit WHERE (CAST($1 AS TEXT) IS NULL OR username = $1) AND (CAST($2 AS TEXT) IS NULL OR action LIKE $2) " \
    "AND (CAST($3 AS TEXT) IS NULL OR result = $3) AND at >= $4 AND at <= $5"

typedef struct audit_filter { const char *user, *action, *result; int64_t from, to; char action_like[80]; } audit_filter;

static st api_audit_filter(http_req *r, audit_filter *f, err *e) {
    memset(f, 0, sizeof *f);
    f->user = http_query(r, "user");
    f->result = http_query(r, "result");
    const char *a = http_query(r, "action");
    if (a && *a) {
        /* "auth." matches every auth.* action. */
        snprintf(f->action_like, sizeof f->action_like, "%.70s%s", a, a[strlen(a) - 1] == '.' ? "%" : "");
        f->action = f->action_like;
    }
    if (f->user && !*f->user) f->user = NULL;
    if (f->result && !*f->result) f->result = NULL;
    st s = http_query_int(r, "from", 0, 0, INT64_MAX / 2, &f->from, e);
    if (!s) s = http_query_int(r, "to", INT64_MAX / 2, 0, INT64_MAX / 2, &f->to, e);
    return s;
}

static st h_audit_list(http_req *r, err *e) {
    http_page pg;
    audit_filter f;
    st s = http_paging(r, &pg, e);
    if (!s) s = api_audit_filter(r, &f, e);
    if (s) return s;
    db *d = http_db(r);
    int64_t total = 0;
    if ((s = db_query_int(d, &total, "SELECT COUNT(*)" AUDIT_WHERE, e, "tttii", f.user, f.action, f.result, f.from, f.to)))
        return s;
    json_t *rows;
    const char *order;
    if ((s = http_order(r, "-seq", "q.seq DESC", &order, e))) return s;
    const char *sql = arena_printf(&r->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $6 OFFSET $7",
                                   "SELECT seq, at, user_id, username, role, action, object, result, address, detail, "
                                   "hash" AUDIT_WHERE,
                                   order);
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    s = db_query_json(d, &rows, sql, e, "tttiiii", f.user, f.action, f.result, f.from, f.to, pg.size, pg.offset);
    if (s) return s;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        char iso[32];
        clock_iso(json_integer_value(json_object_get(row, "at")), iso, sizeof iso);
        json_object_set_new(row, "time", json_string(iso));
    }
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", rows, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static st h_audit_export(http_req *r, err *e) {
    audit_filter f;
    st s = api_audit_filter(r, &f, e);
    if (s) return s;
    const char *path;
    if ((s = http_tempfile(r, &path, e))) return s;
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, "审计日志") : NULL;
    if (!ws) {
        if (wb) workbook_close(wb);
        return err_set(e, ST_IO, "无法生成 xlsx 文件。");
    }
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    static const char *const head[] = {"序号", "时间（UTC）", "用户", "角色", "动作", "对象", "结果", "来源地址", "详情", "散列"};
    static const double widths[] = {8, 22, 14, 12, 22, 30, 8, 16, 40, 20};
    for (int c = 0; c < 10; c++) {
        worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], bold);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
    }
    worksheet_freeze_panes(ws, 1, 0);
    int64_t cap = cfg_int("export-row-cap");
    db *d = http_db(r);
    db_stmt *q;
    s = db_prepare(d,
                   "SELECT seq, at, username, role, action, object, result, address, detail, hash" AUDIT_WHERE
                   " ORDER BY seq LIMIT $6",
                   &q, e);
    int64_t n = 0;
    bool truncated = false;
    if (!s) {
        db_bind_text(q, 1, f.user);
        db_bind_text(q, 2, f.action);
        db_bind_text(q, 3, f.result);
        db_bind_int(q, 4, f.from);
        db_bind_int(q, 5, f.to);
        db_bind_int(q, 6, cap + 1);
        int rc;
        while ((rc = db_step(q, e)) == DB_ROW) {
            if (n == cap) {
                truncated = true;
                break;
            }
            lxw_row_t row = (lxw_row_t)(n + 1);
            char iso[32];
            clock_iso(db_col_int(q, 1), iso, sizeof iso);
            worksheet_write_number(ws, row, 0, (double)db_col_int(q, 0), NULL);
            worksheet_write_string(ws, row, 1, iso, NULL);
            for (int c = 2; c < 10; c++)
                if (!db_col_null(q, c)) worksheet_write_string(ws, row, (lxw_col_t)c, db_col_text(q, c), NULL);
            n++;
        }
        db_reset(q);
        if (rc == DB_ERROR) s = e->code;
    }
    if (truncated)
        worksheet_write_string(ws, (lxw_row_t)(n + 2), 0, "已达导出行数上限（export-row-cap），其余记录未导出；请缩小时间范围分批导出。", bold);
    lxw_error xe = workbook_close(wb);
    if (!s && xe != LXW_NO_ERROR) s = err_set(e, ST_IO, "写入 xlsx 失败：%s", lxw_strerror(xe));
    char det[160];
    snprintf(det, sizeof det, "导出 %lld 条%s；筛选 user=%s action=%s result=%s", (long long)n, truncated ? "（已截断）" : "",
             f.user ? f.user : "", f.action ? f.action : "", f.result ? f.result : "");
    if (!s) s = auth_audit(r, "audit.export", "audit", "ok", det, e);
    if (!s) s = http_reply_file(r, path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                "审计日志.xlsx", e);
    return s;
}

static st h_audit_verify(http_req *r, err *e) {
    audit_check c;
    st s = audit_verify(http_db(r), &c, e);
    if (s) return s;
    json_t *o = json_pack("{s:b,s:I}", "ok", c.bad_seq == 0, "rows", (json_int_t)c.rows);
    if (c.bad_seq) {
        json_object_set_new(o, "bad_seq", json_integer(c.bad_seq));
        json_object_set_new(o, "why", json_string(c.why));
    }
    return http_reply_json(r, 200, o);
}

/* ---- a region and its children (scope: the region) ---- */

static st h_region(http_req *r, err *e) {
    const char *code = http_param(r, "code");
    json_t *rows, *kids;
    st s = db_query_json(http_db(r), &rows, "SELECT code, name, kind, parent_code FROM region WHERE code = $1", e, "t", code);
    if (s) return s;
    if (json_array_size(rows) == 0) {
        json_decref(rows);
        return err_set(e, ST_NOT_FOUND, "没有代码为“%s”的区划。", code);
    }
    if ((s = db_query_json(http_db(r), &kids, "SELECT code, name, kind FROM region WHERE parent_code = $1 ORDER BY code", e,
                           "t", code))) {
        json_decref(rows);
        return s;
    }
    json_t *o = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    json_object_set_new(o, "children", kids);
    return http_reply_json(r, 200, o);
}

/* Lists: sort keys (listq.c).  The audit log has no ?format=xlsx: exporting it
 * is its own permission (audit.export, /api/audit/export.xlsx). */
static const http_sort_key aa_user_sort[] = {
    {"id", "q.id"}, {"username", "q.username"}, {"name", "q.name"}, {"role", "q.role"}, {NULL, NULL}};
static const http_sort_key aa_audit_sort[] = {
    {"seq", "q.seq"}, {"at", "q.at"}, {"username", "q.username"}, {"action", "q.action"}, {"result", "q.result"},
    {NULL, NULL}};

const http_route auth_routes[] = {
    {"POST", "/api/auth/login", "public", h_login, HB_JSON, "登录（用户名、口令、动态验证码）", "auth", NULL},
    {"POST", "/api/auth/logout", "public", h_logout, HB_NONE, "退出登录", "auth", NULL},
    {"GET", "/api/me", "login", h_me, HB_NONE, "当前用户、角色、数据范围和权限", "auth", NULL},
    {"GET", "/api/me/sessions", "login", h_sessions, HB_NONE, "我的登录会话", "auth", NULL},
    {"DELETE", "/api/me/sessions/{id}", "login", h_session_end, HB_NONE, "结束我的一个会话", "auth", "session:{id}"},
    {"POST", "/api/me/password", "login", h_password, HB_JSON, "修改口令（需当前口令）", "auth", NULL},
    {"GET", "/api/me/totp", "login", h_totp_status, HB_NONE, "双因素认证状态", "auth", NULL},
    {"POST", "/api/me/totp/setup", "login", h_totp_setup, HB_JSON, "生成动态验证码密钥（需口令）", "auth", NULL},
    {"POST", "/api/me/totp/enable", "login", h_totp_enable, HB_JSON, "确认并启用动态验证码", "auth", NULL},
    {"DELETE", "/api/me/totp", "login", h_totp_disable, HB_JSON, "关闭动态验证码（需口令）", "auth", NULL},
    {"GET", "/api/users", "user.read", h_users_list, HB_NONE, "用户列表（本人数据范围内）", "auth", NULL,
     "用户|id:编号|username:用户名|name:姓名|role_label:角色|scope.name:数据范围|phone:电话（脱敏）|locked:已锁定:bool|"
     "disabled:已停用:bool|must_change_password:须改口令:bool|totp.enabled:动态验证码:bool",
     aa_user_sort},
    {"POST", "/api/users", "user.write", h_users_create, HB_JSON, "创建用户", "auth", NULL},
    {"GET", "/api/users/{id}", "user.read", h_user_get, HB_NONE, "用户详情（敏感字段脱敏）", "auth", "user:{id}"},
    {"POST", "/api/users/{id}/reveal", "user.reveal", h_user_reveal, HB_JSON, "查看完整身份证号和电话（需口令，记入审计）",
     "auth", "user:{id}"},
    {"POST", "/api/users/{id}/unlock", "user.write", h_user_unlock, HB_NONE, "解除账号锁定", "auth", "managed_user:{id}"},
    {"POST", "/api/users/{id}/reset", "user.write", h_user_reset, HB_JSON,
     "重置口令（可同时重置动态验证码），返回一次性口令（需口令）", "auth", "managed_user:{id}"},
    {"POST", "/api/users/{id}/disable", "user.write", h_user_disable, HB_JSON, "停用或启用账号", "auth", "managed_user:{id}"},
    {"GET", "/api/audit", "audit.read", h_audit_list, HB_NONE, "审计日志（筛选、分页；导出见 export.xlsx）", "audit", NULL,
     NULL, aa_audit_sort},
    {"GET", "/api/audit/export.xlsx", "audit.export", h_audit_export, HB_NONE, "导出审计日志 xlsx（限行数，记入审计）",
     "audit", NULL},
    {"GET", "/api/audit/verify", "audit.read", h_audit_verify, HB_NONE, "校验审计日志散列链", "audit", NULL},
    {"GET", "/api/regions/{code}", "login", h_region, HB_NONE, "区划详情及下级（限本人数据范围）", "core", "region:{code}"},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
