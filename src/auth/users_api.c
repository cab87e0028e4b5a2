/* users_api — the HTTP face of user management: the accounts within the
 * caller's scope (list, create, detail, reveal, unlock, reset, disable and
 * enable).  Handlers parse, call the users store (users.h), reply; every
 * change there is one audited use case.  Reveal and reset need the caller's
 * own password again (auth_reauth).  Which accounts a route may touch is its
 * scope declaration: "user:{id}" to look at, "managed_user:{id}" to change
 * (auth.c refuses auditors and administrators, with the way to do it on the
 * server). */
#include "auth/auth.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "auth/users.h"
#include "core/jsonx.h"

static st h_users_list(http_req *r, err *e) {
    http_page pg;
    const char *order;
    st s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "id", "q.id", &order, e);
    if (s) return s;
    users_filter f = {http_query(r, "role"), http_query(r, "q")};
    uc_page page = {pg.size, pg.offset, order};
    json_t *items;
    int64_t total = 0;
    /* a page, or a whole export (up to export-row-cap + 1 rows) */
    if ((s = users_store_list(http_uc(r), &f, &page, &items, &total, e))) return s;
    return http_reply_json(r, 200, json_pack("{s:O,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

/* The account as every reply shows it: {"user": ...}. */
static json_t *api_user(http_req *r, int64_t id, err *e, st *s) {
    users_row u;
    *s = users_store_load(http_uc(r), id, NULL, &u, e);
    return *s ? NULL : json_pack("{s:o}", "user", users_json(&u));
}

static st h_users_create(http_req *r, err *e) {
    static const char *const allowed[] = {"username", "name", "role", "scope", "password", "id_number", "phone", NULL};
    users_new nu = {.must_change = true};  /* whoever set it, the new user did not choose it */
    st s = jsonx_only(r->json, allowed, e);
    if (!s) s = jsonx_str(r->json, "username", true, 2, 32, &nu.username, e);
    if (!s) s = jsonx_str(r->json, "name", true, 1, 50, &nu.name, e);
    if (!s) s = jsonx_str(r->json, "role", true, 1, 32, &nu.role, e);
    if (!s) s = jsonx_str(r->json, "scope", false, 0, 64, &nu.scope, e);
    if (!s) s = jsonx_str(r->json, "password", false, 0, 256, &nu.password, e);
    if (!s) s = jsonx_str(r->json, "id_number", false, 0, 32, &nu.id_number, e);
    if (!s) s = jsonx_str(r->json, "phone", false, 0, 32, &nu.phone, e);
    if (!s && nu.password && !*nu.password) nu.password = NULL;  /* none given: a one-time password */
    char otp[17];
    int64_t id = 0;
    if (!s) s = users_store_create(http_uc(r), &nu, otp, &id, e);
    json_t *o = s ? NULL : api_user(r, id, e, &s);
    if (s) return s;
    if (otp[0]) json_object_set_new(o, "one_time_password", json_string(otp));
    return http_reply_json(r, 201, o);
}

static st h_user_get(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    json_t *o = s ? NULL : api_user(r, id, e, &s);
    return s ? s : http_reply_json(r, 200, o);
}

static st h_user_reveal(http_req *r, err *e) {
    static const char *const allowed[] = {"password", NULL};
    const char *pw;
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, allowed, e);
    if (!s) s = jsonx_str(r->json, "password", true, 1, 256, &pw, e);
    if (!s) s = auth_reauth(r, pw, e);
    char *idn = NULL, *ph = NULL;
    if (!s) s = users_store_reveal(http_uc(r), id, &idn, &ph, e);
    if (s) return s;
    json_t *o = json_pack("{s:I,s:s?,s:s?}", "id", (json_int_t)id, "id_number", idn, "phone", ph);
    if (idn) sodium_memzero(idn, strlen(idn));
    free(idn);
    free(ph);
    return http_reply_json(r, 200, o);
}

static st h_user_unlock(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = users_store_unlock(http_uc(r), id, e);
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
    if (!s) s = auth_reauth(r, pw, e);
    char otp[17];
    if (!s) s = users_store_reset(http_uc(r), id, NULL, totp, otp, e);
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
    if (!s) s = users_store_set_disabled(http_uc(r), id, off, e);
    return s ? s : http_reply_empty(r, 204);
}

/* Lists: sort keys (listq.c). */
static const http_sort_key aa_user_sort[] = {
    {"id", "q.id"}, {"username", "q.username"}, {"name", "q.name", true}, {"role", "q.role"}, {NULL, NULL}};

const http_route users_routes[] = {
    {"GET", "/api/users", "user.read", h_users_list, HB_NONE, "用户列表（本人数据范围内）", "auth", NULL,
     "用户|id:编号|username:用户名|name:姓名|role_label:角色|scope.name:数据范围|phone:电话（脱敏）|locked:已锁定:bool|"
     "disabled:已停用:bool|must_change_password:须改密码:bool|totp.enabled:动态验证码:bool",
     aa_user_sort},
    {"POST", "/api/users", "user.write", h_users_create, HB_JSON, "创建用户", "auth", NULL},
    {"GET", "/api/users/{id}", "user.read", h_user_get, HB_NONE, "用户详情（敏感字段脱敏）", "auth", "user:{id}"},
    {"POST", "/api/users/{id}/reveal", "user.reveal", h_user_reveal, HB_JSON, "查看完整身份证号和电话（需密码，记入审计）",
     "auth", "user:{id}"},
    {"POST", "/api/users/{id}/unlock", "user.write", h_user_unlock, HB_NONE, "解除账号锁定", "auth", "managed_user:{id}"},
    {"POST", "/api/users/{id}/reset", "user.write", h_user_reset, HB_JSON,
     "重置密码（可同时重置动态验证码），返回一次性密码（需密码）", "auth", "managed_user:{id}"},
    {"POST", "/api/users/{id}/disable", "user.write", h_user_disable, HB_JSON, "停用或启用账号", "auth", "managed_user:{id}"},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
