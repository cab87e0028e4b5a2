/* auth_api — the HTTP face of accounts: login/logout, the caller's own
 * account (sessions, password, second factor), user management, the audit
 * trail and its export (users_api.c), and a region's detail (the simplest
 * scoped object).
 *
 * Shapes the web UI relies on (keep them): login and /api/me answer
 * {"user":{id,username,name,role,role_label,scope:{kind,code,name},...},
 *  "permissions":[...], "assignable_roles":[{name,label,scope_kind}]}; refusals carry error.code bad_credentials (401, the
 * same sentence for an unknown user and a wrong password), otp_required (401),
 * locked (423, error.detail.until as ISO time; names that are no account lock
 * alike) and rate_limited (429 with Retry-After, error.detail.retry_after:
 * too many failures from the caller's address, see lockout.h). */
#include "auth/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/audit.h"
#include "base/clock.h"
#include "base/crypt.h"
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

/* The address logins are counted and paused by.  Behind the TLS reverse
 * proxy (behind-tls) every connection comes from the proxy, so pausing that
 * address would lock everyone out: there the client is the last entry of
 * X-Forwarded-For — the one our proxy appended; earlier entries are the
 * client's own say and may be forged.  Without the header, the peer. */
static const char *api_client_addr(http_req *r) {
    const char *xff = cfg_bool("behind-tls") ? http_header(r, "X-Forwarded-For") : NULL;
    if (!xff) return r->addr;
    const char *last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    last += strspn(last, " \t");
    size_t n = strspn(last, "0123456789abcdefABCDEF:.");
    if (n == 0 || n > 45 || last[n + strspn(last + n, " \t")]) return r->addr;  /* not an address: ignore */
    return arena_strndup(&r->mem, last, n);
}

/* Every login from this address is paused (lockout.h): 429 with Retry-After.
 * The same for every name, so it tells nothing about accounts. */
static st api_paused_reply(http_req *r, const char *addr, int64_t now, int64_t until) {
    char iso[32];
    clock_iso(until, iso, sizeof iso);
    int64_t secs = until > now ? until - now : 1;
    err e;
    err_set(&e, ST_RATE,
            "来自您所在地址（%s）的登录失败次数过多，该地址的登录已暂停：请 %lld 分钟后（%s UTC 之后）再试。"
            "忘记口令请联系管理员重置。",
            addr ? addr : "", (long long)((secs + 59) / 60), iso);
    api_code(&e, ST_RATE, "rate_limited");
    r->retry_after = secs;
    return http_reply_json(r, 429, http_error_json(&e, json_pack("{s:I,s:s}", "retry_after", (json_int_t)secs,
                                                                 "until", iso)));
}

/* A failed attempt: count it against the account — or, for a name that is
 * no account (u NULL), against that name, so both lock alike — and against
 * the address; audit it, the lock and the pause it may start. */
static st api_login_failed(http_req *r, const users_row *u, const char *key, const char *typed, const char *why,
                           int64_t now, int64_t *until, err *e) {
    db *d = http_db(r);
    st s = db_begin(d, e);
    if (s) return s;
    int64_t paused = 0;
    s = u ? lockout_fail(d, u->id, now, until, e) : lockout_name_fail(d, key, now, until, e);
    const char *addr = api_client_addr(r);
    if (!s) s = lockout_addr_fail(d, addr, now, &paused, e);
    const char *who = u ? u->username : typed, *role = u ? u->role : NULL;
    int64_t uid = u ? u->id : 0;
    audit_entry a = {.user_id = uid, .username = who, .role = role, .action = "auth.login_failed", .object = who,
                     .result = "failed", .address = r->addr, .detail = why};
    if (!s) s = audit_append(d, &a, e);
    if (!s && *until) {
        char det[200], iso[32];
        clock_iso(*until, iso, sizeof iso);
        snprintf(det, sizeof det, "%s连续 %ld 次登录失败，锁定至 %s", u ? "" : "未知用户名（答复与真实账号相同）：",
                 cfg_int("lockout-failures"), iso);
        audit_entry l = {.user_id = uid, .username = who, .role = role, .action = "auth.lockout", .object = who,
                         .result = "locked", .address = r->addr, .detail = det};
        s = audit_append(d, &l, e);
    }
    if (!s && paused) {
        char det[240], iso[32], obj[80];
        clock_iso(paused, iso, sizeof iso);
        snprintf(obj, sizeof obj, "address:%s", addr ? addr : "");
        snprintf(det, sizeof det, "该地址 %ld 分钟内登录失败 %ld 次（最后一次用户名 %.64s），暂停其全部登录至 %s",
                 cfg_int("login-address-minutes"), cfg_int("login-address-failures"), who ? who : "", iso);
        audit_entry p = {.action = "auth.address_paused", .object = obj, .result = "locked", .address = r->addr,
                         .detail = det};
        s = audit_append(d, &p, e);
    }
    if (!s) return db_commit(d, e);
    db_rollback(d);
    return s;
}

static st api_otp_refused(err *e, bool given) {
    err_field(e, ST_UNAUTH, "otp", given ? "动态验证码不正确、已过期或已使用过，请等待下一个验证码后重新输入。"
                                         : "该账号已启用双因素认证，请输入身份验证器中显示的 6 位动态验证码。");
    return api_code(e, ST_UNAUTH, "otp_required");
}

/* Order matters for what a reply may reveal: the address pause first (the
 * same for every name), then the lock (an account or a name that is none:
 * the same 423), then the password (hashed for unknown names too, so the time
 * does not tell), then the second factor. */
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
    int64_t paused = 0;
    const char *addr = api_client_addr(r);
    if ((s = lockout_addr_until(d, addr, now, &paused, e))) return s;
    if (paused) {
        /* Not even the right password gets through: else the pause would not stop guessing. */
        audit_entry a = {.username = username, .action = "auth.login_paused", .object = username, .result = "denied",
                         .address = r->addr, .detail = "该地址因多次登录失败已暂停登录，未检查口令"};
        if ((s = audit_record(d, &a, e))) return s;
        return api_paused_reply(r, addr, now, paused);
    }
    char uname[64], key[300];
    users_row u;
    memset(&u, 0, sizeof u);
    bool valid = users_username(username, uname, NULL) == ST_OK, known = false;
    if (valid) {
        s = users_load(d, 0, uname, &u, e);
        if (!s) known = true;
        else if (s != ST_NOT_FOUND) return s;
    }
    /* A name that is no account is counted under the form an account would have. */
    snprintf(key, sizeof key, "%s", valid ? uname : username);
    int64_t locked = known ? u.locked_until : 0;
    if (!known && (s = lockout_name_until(d, key, &locked, e))) return s;
    if (locked > now) {
        audit_entry a = {.user_id = u.id, .username = known ? u.username : username, .role = known ? u.role : NULL,
                         .action = "auth.login_locked", .object = known ? u.username : username, .result = "locked",
                         .address = r->addr, .detail = known ? "账号锁定期间尝试登录" : "未知用户名，锁定期间尝试登录"};
        s = audit_record(d, &a, e);
        users_row_free(&u);
        return s ? s : api_locked_reply(r, locked);
    }
    int64_t until = 0, otp_step = 0;
    bool ok;
    if (known) {
        ok = password_verify(u.password_hash, password) && !u.disabled;
    } else {
        password_dummy_verify(password);
        ok = false;
    }
    if (!ok) {
        s = api_login_failed(r, known ? &u : NULL, key, username,
                             !known ? "未知用户名" : u.disabled ? "账号已停用" : "口令错误", now, &until, e);
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
        bool good = otp && *otp && totp_check_once(secret, now, otp, u.totp_last_step, &otp_step);
        free(secret);
        if (!good) {
            if (otp && *otp) s = api_login_failed(r, &u, key, username, "动态验证码错误", now, &until, e);
            users_row_free(&u);
            if (s) return s;
            if (until) return api_locked_reply(r, until);
            return api_otp_refused(e, otp && *otp);
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
    bool replayed = false;
    if (!s && otp_step) {
        /* The step check above read the row before this transaction: logins
         * sent together with one code all pass it.  Only the one whose update
         * still finds an older step (the row lock, or SQLite's single writer,
         * orders them) may go on; the others change no row and fail. */
        int64_t hit = 0;
        s = db_query_int(d, &hit,
                         "UPDATE users SET totp_last_step = $1 WHERE id = $2 "
                         "AND (totp_last_step IS NULL OR totp_last_step < $1) RETURNING id",
                         e, "ii", otp_step, u.id);
        replayed = s == ST_NOT_FOUND;
    }
    if (!s) s = session_create(d, u.id, r->addr, http_header(r, "User-Agent"), token, &sid, e);
    char det[64];
    snprintf(det, sizeof det, "会话 %lld", (long long)sid);
    audit_entry a = {.user_id = u.id, .username = u.username, .role = u.role, .action = "auth.login",
                     .object = u.username, .result = "ok", .address = r->addr, .detail = det};
    if (!s) s = audit_append(d, &a, e);
    if (!s) s = db_commit(d, e);
    else db_rollback(d);
    if (replayed) {
        s = api_login_failed(r, &u, key, username, "动态验证码已被同时进行的另一次登录用过（重放）", now, &until, e);
        users_row_free(&u);
        if (s) return s;
        return until ? api_locked_reply(r, until) : api_otp_refused(e, true);
    }
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
    {"GET", "/api/regions/{code}", "login", h_region, HB_NONE, "区划详情及下级（限本人数据范围）", "core", "region:{code}"},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
