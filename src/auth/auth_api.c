/* auth_api — the HTTP face of the caller's own account: login and logout,
 * /api/me, the caller's sessions, password and second factor; and a
 * region's detail (the simplest scoped object).  Handlers parse, call the
 * use case (login.h, users.h, session.h, totp.h), reply.  User management
 * is users_api.c, the audit log audit_api.c.
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

#include "auth/login.h"
#include "auth/password.h"
#include "auth/region.h"
#include "auth/roles.h"
#include "auth/session.h"
#include "auth/totp.h"
#include "auth/users.h"
#include "base/clock.h"
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
            "忘记密码请联系管理员重置。",
            addr ? addr : "", (long long)((secs + 59) / 60), iso);
    api_code(&e, ST_RATE, "rate_limited");
    r->retry_after = secs;
    return http_reply_json(r, 429, http_error_json(&e, json_pack("{s:I,s:s}", "retry_after", (json_int_t)secs,
                                                                 "until", iso)));
}

static st api_otp_refused(err *e, bool given) {
    err_field(e, ST_UNAUTH, "otp", given ? "动态验证码不正确、已过期或已使用过，请等待下一个验证码后重新输入。"
                                         : "该账号已启用双因素认证，请输入身份验证器中显示的 6 位动态验证码。");
    return api_code(e, ST_UNAUTH, "otp_required");
}

/* Success: the session's cookie and the account as /api/me shows it. */
static st api_logged_in(http_req *r, const login_result *res) {
    char cookie[160];
    session_cookie(res->token, cookie, sizeof cookie);
    http_set_cookie(r, cookie);
    return http_reply_json(r, 200, api_me_json(&res->user));
}

/* The steps and what each refusal may reveal are in login.h. */
static st h_login(http_req *r, err *e) {
    static const char *const allowed[] = {"username", "password", "otp", NULL};
    login_try t = {0};
    st s = jsonx_only(r->json, allowed, e);
    if (!s) s = jsonx_str(r->json, "username", true, 1, 64, &t.username, e);
    if (!s) s = jsonx_str(r->json, "password", true, 1, 256, &t.password, e);
    if (!s) s = jsonx_str(r->json, "otp", false, 0, 10, &t.otp, e);
    if (s) return s;
    t.client = api_client_addr(r);
    t.user_agent = http_header(r, "User-Agent");
    t.old_token = http_cookie(r, SESSION_COOKIE);
    login_result res;
    if ((s = login_run(http_uc(r), &t, &res, e))) return s;
    switch (res.outcome) {
    case LOGIN_OK: return api_logged_in(r, &res);
    case LOGIN_PAUSED: return api_paused_reply(r, t.client, res.now, res.until);
    case LOGIN_LOCKED: return api_locked_reply(r, res.until);
    case LOGIN_OTP_REQUIRED: return api_otp_refused(e, res.otp_given);
    case LOGIN_BAD_CREDENTIALS: break;
    }
    return api_bad_credentials(e);
}

static st h_logout(http_req *r, err *e) {
    st s = session_store_logout(http_uc(r), r->user.id ? r->user.session_id : 0, e);
    if (s) return s;
    char cookie[160];
    session_cookie_clear(cookie, sizeof cookie);
    http_set_cookie(r, cookie);
    return http_reply_empty(r, 204);
}

static st h_me(http_req *r, err *e) {
    users_row u;
    st s = users_store_load(http_uc(r), r->user.id, NULL, &u, e);
    if (s) return s;
    json_t *body = api_me_json(&u);
    json_object_set_new(body, "session", json_pack("{s:I}", "id", (json_int_t)r->user.session_id));
    json_object_set_new(body, "password_rules", json_string(password_policy_text(cfg_str("password-policy"))));
    return http_reply_json(r, 200, body);
}

static st h_sessions(http_req *r, err *e) {
    json_t *rows;
    st s = session_store_list_mine(http_uc(r), r->user.session_id, &rows, e);
    return s ? s : http_reply_json(r, 200, json_pack("{s:o}", "items", rows));
}

static st h_session_end(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = session_store_end_mine(http_uc(r), id, e);
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
    if (!s) s = users_store_password_change(http_uc(r), cur, neu, r->user.session_id, e);
    return s ? s : http_reply_empty(r, 204);
}

/* ---- second factor ---- */

static st h_totp_status(http_req *r, err *e) {
    users_row u;
    st s = users_store_load(http_uc(r), r->user.id, NULL, &u, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:b,s:b}", "required", roles_totp_required(u.role), "enabled",
                                             u.totp_enabled));
}

static st h_totp_setup(http_req *r, err *e) {
    static const char *const allowed[] = {"password", NULL};
    const char *pw;
    char secret[33];
    st s = jsonx_only(r->json, allowed, e);
    if (!s) s = jsonx_str(r->json, "password", true, 1, 256, &pw, e);
    if (!s) s = auth_reauth(r, pw, e);
    if (!s) s = totp_store_setup(http_uc(r), secret, e);
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
    if (!s) s = totp_store_enable(http_uc(r), otp, e);
    return s ? s : http_reply_empty(r, 204);
}

static st h_totp_disable(http_req *r, err *e) {
    static const char *const allowed[] = {"password", NULL};
    const char *pw;
    st s = jsonx_only(r->json, allowed, e);
    if (!s) s = jsonx_str(r->json, "password", true, 1, 256, &pw, e);
    if (s) return s;
    /* before the password: a role that must keep it is told so without a guess counted */
    if (roles_totp_required(r->user.role))
        return err_set(e, ST_FORBIDDEN, "您的角色必须使用双因素认证，不能关闭；如需更换手机，请重新设置（POST /api/me/totp/setup）。");
    if (!s) s = auth_reauth(r, pw, e);
    if (!s) s = totp_store_disable(http_uc(r), e);
    return s ? s : http_reply_empty(r, 204);
}

/* ---- a region and its children (scope: the region) ---- */

static st h_region(http_req *r, err *e) {
    json_t *o;
    st s = region_store_get(http_uc(r), http_param(r, "code"), &o, e);
    return s ? s : http_reply_json(r, 200, o);
}

const http_route auth_routes[] = {
    {"POST", "/api/auth/login", "public", h_login, HB_JSON, "登录（用户名、密码、动态验证码）", "auth", NULL},
    {"POST", "/api/auth/logout", "public", h_logout, HB_NONE, "退出登录", "auth", NULL},
    {"GET", "/api/me", "login", h_me, HB_NONE, "当前用户、角色、数据范围和权限", "auth", NULL},
    {"GET", "/api/me/sessions", "login", h_sessions, HB_NONE, "我的登录会话", "auth", NULL},
    {"DELETE", "/api/me/sessions/{id}", "login", h_session_end, HB_NONE, "结束我的一个会话", "auth", "session:{id}"},
    {"POST", "/api/me/password", "login", h_password, HB_JSON, "修改密码（需当前密码）", "auth", NULL},
    {"GET", "/api/me/totp", "login", h_totp_status, HB_NONE, "双因素认证状态", "auth", NULL},
    {"POST", "/api/me/totp/setup", "login", h_totp_setup, HB_JSON, "生成动态验证码密钥（需密码）", "auth", NULL},
    {"POST", "/api/me/totp/enable", "login", h_totp_enable, HB_JSON, "确认并启用动态验证码", "auth", NULL},
    {"DELETE", "/api/me/totp", "login", h_totp_disable, HB_JSON, "关闭动态验证码（需密码）", "auth", NULL},
    {"GET", "/api/regions/{code}", "login", h_region, HB_NONE, "区划详情及下级（限本人数据范围）", "core", "region:{code}"},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
