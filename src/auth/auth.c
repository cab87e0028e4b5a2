/* auth — the http_auth_ops hooks and the helpers handlers call (auth.h). */
#include "auth.h"

#include <stdio.h>
#include <string.h>

#include "auth/login.h"
#include "auth/roles.h"
#include "auth/session.h"
#include "auth/users.h"
#include "base/audit.h"
#include "base/clock.h"
#include "base/crypt.h"
#include "core/config.h"
#include "core/log.h"

/* What authenticate learned beyond http_user (arena-owned). */
typedef struct auth_ctx {
    const char *scope_name;
    bool totp_required, totp_enabled, cookie_seen;
    bool must_change;   /* one-time or reset password not yet replaced */
} auth_ctx;

static auth_ctx *auth_ctx_of(http_req *r) {
    if (!r->user.ext) r->user.ext = arena_calloc(&r->mem, 1, sizeof(auth_ctx));
    return r->user.ext;
}

static st auth_authenticate(http_req *r, err *e) {
    const char *token = http_cookie(r, SESSION_COOKIE);
    if (!token) return ST_OK;
    auth_ctx *cx = auth_ctx_of(r);
    if (cx) cx->cookie_seen = true;
    err le;
    err_clear(&le);
    session_user u;
    st s = session_store_lookup_user(http_uc(r), token, &u, &le);
    if (s == ST_UNAUTH) return ST_OK;  /* anonymous: the route decides whether that is enough */
    if (s) {
        *e = le;
        return s;
    }
    if (!u.has_user || u.disabled) return ST_OK;
    r->user.id = u.uid;
    r->user.username = arena_strdup(&r->mem, u.username);
    r->user.name = arena_strdup(&r->mem, u.name);
    r->user.role = arena_strdup(&r->mem, u.role);
    r->user.scope_kind = arena_strdup(&r->mem, u.scope_kind);
    r->user.scope_code = arena_strdup(&r->mem, u.scope_code);
    r->user.session_id = u.sid;
    if (cx) {
        cx->scope_name = arena_strdup(&r->mem, u.scope_name);
        cx->totp_enabled = u.totp_enabled;
        cx->totp_required = roles_totp_required(u.role);
        cx->must_change = u.must_change;
    }
    return ST_OK;
}

/* One object a route names (scope.h): its kind and one or two keys, each
 * taken from the path ({p}), the query (?p) or the JSON body (.p; .p[] for
 * every element of an array). */
typedef struct auth_ref {
    char kind[32];
    int nkeys;
    char src[2];          /* '{', '?' or '.' */
    char name[2][32];
    bool each[2];         /* .p[] */
} auth_ref;

/* Parse one declaration "kind:K" or "kind:K1/K2" of length n; false when malformed. */
static bool auth_ref_parse(const char *decl, size_t n, auth_ref *ref) {
    memset(ref, 0, sizeof *ref);
    const char *colon = memchr(decl, ':', n);
    if (!colon || colon == decl || (size_t)(colon - decl) >= sizeof ref->kind) return false;
    memcpy(ref->kind, decl, (size_t)(colon - decl));
    const char *p = colon + 1, *end = decl + n;
    while (p < end && ref->nkeys < 2) {
        int k = ref->nkeys;
        char c = *p++;
        if (c != '{' && c != '?' && c != '.') return false;
        ref->src[k] = c;
        size_t m = 0;
        while (p + m < end && (p[m] == '_' || (p[m] >= 'a' && p[m] <= 'z') || (p[m] >= '0' && p[m] <= '9'))) m++;
        if (m == 0 || m >= sizeof ref->name[k]) return false;
        memcpy(ref->name[k], p, m);
        p += m;
        if (c == '{') {
            if (p >= end || *p != '}') return false;
            p++;
        } else if (c == '.' && end - p >= 2 && p[0] == '[' && p[1] == ']') {
            ref->each[k] = true;
            p += 2;
        }
        ref->nkeys++;
        if (p < end) {
            if (*p != '/') return false;
            p++;
        }
    }
    /* an array may stand only for the single key of its object */
    if (p != end || ref->nkeys == 0 || (ref->nkeys == 2 && (ref->each[0] || ref->each[1]))) return false;
    return true;
}

/* Walk the declarations of a route's scope string; false when one is malformed. */
static bool auth_refs(const char *decl, auth_ref *refs, int max, int *n) {
    *n = 0;
    const char *p = decl;
    while (*p) {
        while (*p == ' ') p++;
        if (!*p) break;
        size_t len = strcspn(p, " ");
        if (*n >= max || !auth_ref_parse(p, len, &refs[*n])) return false;
        (*n)++;
        p += len;
    }
    return *n > 0;
}

/* The text of a body value: integers as decimal, strings as they are; NULL
 * for null; "" (never a valid key: refused by the resolver) for other types. */
static const char *auth_json_key(http_req *r, json_t *v) {
    if (!v || json_is_null(v)) return NULL;
    if (json_is_integer(v)) return arena_printf(&r->mem, "%lld", (long long)json_integer_value(v));
    if (json_is_string(v)) return json_string_value(v);
    return "";
}

/* The values of one key: *n of them (0 = absent: an optional parameter names
 * no object).  ST_INVALID when a path parameter is missing (a malformed route). */
static st auth_ref_values(http_req *r, const auth_ref *ref, int k, const char **vals, size_t max, size_t *n, err *e) {
    *n = 0;
    const char *name = ref->name[k];
    if (ref->src[k] == '{') {
        if (!(vals[0] = http_param(r, name)))
            return err_set(e, ST_FORBIDDEN, "接口的数据范围声明引用了不存在的路径参数“%s”，已拒绝访问。", name);
        *n = 1;
    } else if (ref->src[k] == '?') {
        if ((vals[0] = http_query(r, name)) && *vals[0]) *n = 1;
    } else {
        json_t *v = r->json ? json_object_get(r->json, name) : NULL;
        if (ref->each[k] && json_is_array(v)) {
            size_t i;
            json_t *x;
            json_array_foreach(v, i, x) {
                if (*n >= max) return err_field(e, ST_INVALID, name, "字段“%s”的编号过多（最多 %zu 个）。", name, max);
                const char *t = auth_json_key(r, x);
                if (t) vals[(*n)++] = t;
            }
        } else if ((vals[0] = auth_json_key(r, v))) {
            *n = 1;
        }
    }
    return ST_OK;
}

/* A refused change to an account (reset, unlock, disable) of an auditor or
 * administrator: say why and how it is done instead — but only when the
 * account is otherwise inside the caller's scope, so the refusal tells
 * nobody the role of an account they may not see. */
static void auth_cli_only_refusal(http_req *r, const scope_who *who, const char *key, err *e) {
    scope_loc loc;
    err le;
    if (scope_locate(http_db(r), "managed_user", key, NULL, &loc, &le) || !roles_cli_only(loc.manage_role)) return;
    char role[sizeof loc.manage_role];
    snprintf(role, sizeof role, "%s", loc.manage_role);
    loc.manage_role[0] = 0;
    if (!scope_contains(who, &loc)) return;
    const roles_role *t = roles_find(role);
    err_set(e, ST_FORBIDDEN,
            "三权分立：%s账号不能在网页或接口中重置密码、解锁或停用，以免有人接管审计自己的账号。"
            "请由服务器上的运维人员用命令行办理：ejia user reset|unlock|disable|enable --db 数据库 --username 用户名"
            "（重置会打印一次性密码，首次登录后必须修改）。",
            t ? t->label : role);
    snprintf(e->api_code, sizeof e->api_code, "separation_of_duties");
}

/* Every object the route names must lie inside the caller's scope. */
static st auth_objects(http_req *r, err *e) {
    const char *decl = r->route ? r->route->scope : NULL;
    if (!decl || !*decl || !r->user.id) return ST_OK;
    auth_ref refs[8];
    int nrefs;
    if (!auth_refs(decl, refs, 8, &nrefs))
        return err_set(e, ST_FORBIDDEN, "接口的数据范围声明“%s”无法识别，已拒绝访问。", decl);
    scope_who who = scope_who_of(http_uc(r));
    for (int i = 0; i < nrefs; i++) {
        const auth_ref *ref = &refs[i];
        enum { MAXV = 1024 };
        const char **v0 = arena_alloc(&r->mem, MAXV * sizeof *v0), *v1[1] = {NULL};
        size_t n0 = 0, n1 = 1;
        if (!v0) return err_set(e, ST_NOMEM, "内存不足。");
        st s = auth_ref_values(r, ref, 0, v0, MAXV, &n0, e);
        if (!s && ref->nkeys == 2) s = auth_ref_values(r, ref, 1, v1, 1, &n1, e);
        if (s) return s;
        if (n0 == 0 || n1 == 0) continue;  /* an optional parameter left out */
        for (size_t j = 0; j < n0; j++) {
            if ((s = scope_check2(http_db(r), &who, ref->kind, v0[j], ref->nkeys == 2 ? v1[0] : NULL, e))) {
                if (s == ST_FORBIDDEN && !strcmp(ref->kind, "managed_user")) auth_cli_only_refusal(r, &who, v0[j], e);
                /* name the parameter that pointed outside (the path's own ids need no name) */
                int k = ref->nkeys == 2 && ref->src[0] == '{' ? 1 : 0;
                if (ref->src[k] == '{') return s;
                /* an id given in the query or body that does not exist is bad input (400 at its field) */
                if (s == ST_NOT_FOUND)
                    return err_field(e, ST_INVALID, ref->name[k], "参数“%s”中的编号 %.40s 不存在，请检查后重试。", ref->name[k],
                                     k ? v1[0] : v0[j]);
                if (!e->field[0]) snprintf(e->field, sizeof e->field, "%s", ref->name[k]);
                return s;
            }
        }
    }
    return ST_OK;
}

static st auth_authorize(http_req *r, const char *perm, err *e) {
    if (!r->user.id) return err_set(e, ST_UNAUTH, "请先登录。");
    auth_ctx *cx = r->user.ext;
    /* An administrator without the required second factor may only set it up. */
    if (cx && cx->totp_required && !cx->totp_enabled && strncmp(r->path, "/api/me", 7) != 0 &&
        strncmp(r->path, "/api/auth/", 10) != 0)
        return err_set(e, ST_FORBIDDEN, "您的账号必须先设置双因素认证（动态验证码）才能使用此功能：请在“我的账号”中完成设置。");
    /* A one-time password (first login, or reset by an administrator) is known to
     * someone else: it opens only the account pages until it is replaced. */
    if (cx && cx->must_change && strncmp(r->path, "/api/me", 7) != 0 && strncmp(r->path, "/api/auth/", 10) != 0) {
        err_set(e, ST_FORBIDDEN, "您正在使用一次性密码（首次登录或管理员重置）：请先在“我的账号”中修改密码，再使用其他功能。");
        snprintf(e->api_code, sizeof e->api_code, "password_change_required");
        return ST_FORBIDDEN;
    }
    if (strcmp(perm, "login") != 0 && !roles_has(r->user.role, perm)) {
        const roles_role *ro = roles_find(r->user.role);
        return err_set(e, ST_FORBIDDEN, "您的角色（%s）没有“%s”权限。如需使用，请联系系统管理员。",
                       ro ? ro->label : r->user.role, perm);
    }
    return ST_OK;
}

static void auth_denied(http_req *r, st code, const err *e) {
    /* Logins audit themselves; a 401 without any cookie is an anonymous probe with nobody to name. */
    if (r->route && !strcmp(r->route->pattern, "/api/auth/login")) return;
    auth_ctx *cx = r->user.ext;
    if (code == ST_UNAUTH && !(cx && cx->cookie_seen)) return;
    if (code == ST_UNAUTH) {
        /* The browser holds a dead session: tell it to drop the cookie. */
        char cookie[160];
        session_cookie_clear(cookie, sizeof cookie);
        http_set_cookie(r, cookie);
    }
    db *d = http_db(r);
    db_rollback_all(d);  /* whatever the handler had open failed */
    char obj[300];
    snprintf(obj, sizeof obj, "%s %s", r->method, r->path);
    err ae;
    audit_entry a = {.user_id = r->user.id, .username = r->user.username, .role = r->user.role,
                     .action = code == ST_UNAUTH ? "access.unauthenticated" : "access.denied", .object = obj,
                     .result = "denied", .address = r->addr, .detail = e ? e->msg : NULL};
    if (audit_record(d, &a, &ae)) log_error("审计写入失败：%s", ae.msg);
}

const http_auth_ops auth_http_ops = {auth_authenticate, auth_authorize, auth_denied, auth_audit, auth_objects};

bool auth_has(http_req *r, const char *perm) { return r->user.id && roles_has(r->user.role, perm); }

st auth_audit(http_req *r, const char *action, const char *object, const char *result, const char *detail, err *e) {
    return http_audit(r, action, object, result, detail, e);
}

st auth_reauth(http_req *r, const char *password, err *e) { return login_reauth(http_uc(r), r->path, password, e); }

st auth_init(db *d, err *e) {
    st s = crypt_init(d, e);
    if (!s) s = audit_guard_install(d, e);
    int64_t removed = 0;
    if (!s) s = audit_purge(d, clock_now() - cfg_int("audit-retention-days") * 86400, &removed, e);
    if (!s && removed) log_info("审计日志保留期清理：移除 %lld 条 / audit retention purge", (long long)removed);
    return s;
}

void auth_check_routes(void) {
    for (const http_route *const *t = http_route_tables; *t; t++)
        for (const http_route *rt = *t; rt->method; rt++) {
            if (strcmp(rt->perm, "public") && strcmp(rt->perm, "login") && !roles_perm_known(rt->perm))
                log_warn("路由 %s %s 的权限“%s”不在角色表中：所有人都将被拒绝（src/auth/roles.c, data/roles.json）",
                         rt->method, rt->pattern, rt->perm);
            if (rt->scope) {
                auth_ref refs[8];
                int n = 0;
                bool ok = auth_refs(rt->scope, refs, 8, &n);
                for (int i = 0; ok && i < n; i++) ok = scope_kind_keys(refs[i].kind) == refs[i].nkeys;
                if (!ok)
                    log_warn("路由 %s %s 的数据范围“%s”无法解析：所有人都将被拒绝（src/auth/scope.c）", rt->method,
                             rt->pattern, rt->scope);
            }
        }
}
