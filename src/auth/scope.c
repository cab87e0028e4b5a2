/* scope — see scope.h.  The resolver table is the one place that knows how
 * to find where each kind of object sits. */
#include "scope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "base/uc.h"
#include "auth/users.h"



/* The objects of accounts and the city's reference data; each domain lists
 * its own in its store (ledger_scope_resolvers, org_scope_resolvers ...),
 * and app/scopes.c gathers the lists. */
const scope_resolver scope_core_resolvers[] = {
    /* A region: a district is its own district; streets and parks belong to
     * their parent district; the city itself lies in no district. */
    {"region", false, false,
     "SELECT CASE kind WHEN 'district' THEN code WHEN 'city' THEN NULL ELSE parent_code END, "
     "CASE kind WHEN 'park' THEN code END, NULL, NULL, NULL FROM region WHERE code = $1"},
    {"enterprise", true, false,
     "SELECT district_code, park_code, NULL, CAST(id AS TEXT), NULL FROM enterprise WHERE id = CAST($1 AS BIGINT)"},
    /* A user account sits where its scope is; it also belongs to itself. */
    {"user", true, false,
     "SELECT " USERS_DISTRICT_SQL ", " USERS_PARK_SQL ", " USERS_ORG_PATH_SQL ", " USERS_ENTERPRISE_SQL ", u.id "
     "FROM users u WHERE u.id = CAST($1 AS BIGINT)"},
    {"managed_user", true, false,
     "SELECT " USERS_DISTRICT_SQL ", " USERS_PARK_SQL ", " USERS_ORG_PATH_SQL ", " USERS_ENTERPRISE_SQL ", u.id, u.role "
     "FROM users u WHERE u.id = CAST($1 AS BIGINT)", 0, true},
    {"session", true, true, "SELECT NULL, NULL, NULL, NULL, user_id FROM sessions WHERE id = CAST($1 AS BIGINT)"},
    {NULL, false, false, NULL},
};

static const scope_resolver *scope_resolver_find(const char *kind) {
    for (const scope_resolver *const *t = scope_resolver_tables; kind && *t; t++)
        for (const scope_resolver *rs = *t; rs->kind; rs++)
            if (!strcmp(rs->kind, kind)) return rs;
    return NULL;
}

int scope_kind_keys(const char *kind) {
    const scope_resolver *rs = scope_resolver_find(kind);
    return rs ? (rs->nkeys ? rs->nkeys : 1) : 0;
}

static bool scope_key_ok(const char *key, bool numeric) {
    if (!key || !*key || strlen(key) > 64) return false;
    if (!numeric) return true;
    char *end;
    long long v = strtoll(key, &end, 10);
    return !*end && v > 0;
}

bool scope_contains(const scope_who *who, const scope_loc *loc) {
    if (!who || !who->kind || !loc) return false;
    if (loc->manage_role[0] && !(who->role && roles_may_assign(who->role, loc->manage_role))) return false;
    if (loc->owner_only) return loc->owner && loc->owner == who->user_id;
    if (loc->areas)
        return !strcmp(who->kind, "city") || !strcmp(who->kind, "district") || !strcmp(who->kind, "park");
    if (loc->owner && loc->owner == who->user_id) return true;
    const char *k = who->kind, *c = who->code ? who->code : "";
    if (!strcmp(k, "city")) return true;   /* the whole city (the command line's actor has no code) */
    if (!*c && strcmp(k, "self") != 0) return false;
    if (!strcmp(k, "district")) return loc->district[0] && !strcmp(loc->district, c);
    if (!strcmp(k, "park")) return loc->park[0] && !strcmp(loc->park, c);
    if (!strcmp(k, "enterprise")) return loc->enterprise[0] && !strcmp(loc->enterprise, c);
    if (!strcmp(k, "org")) {
        char needle[48];
        snprintf(needle, sizeof needle, "/%s/", c);
        return loc->org_path[0] && strstr(loc->org_path, needle) != NULL;
    }
    /* "self": only what the user owns (handled above); anything unknown: closed. */
    return false;
}

static void scope_copy(char *dst, size_t n, const char *src) { snprintf(dst, n, "%s", src ? src : ""); }

st scope_locate(db *d, const char *kind, const char *key, const char *key2, scope_loc *loc, err *e) {
    memset(loc, 0, sizeof *loc);
    const scope_resolver *rs = scope_resolver_find(kind);
    int nkeys = rs ? (rs->nkeys ? rs->nkeys : 1) : 0;
    if (!rs || (nkeys == 2) != (key2 != NULL))
        return err_set(e, ST_FORBIDDEN, "无法判断对象类型“%s”的数据范围，已拒绝访问。", kind ? kind : "");
    if (!scope_key_ok(key, rs->numeric) || (key2 && !scope_key_ok(key2, rs->numeric)))
        return err_set(e, ST_NOT_FOUND, "未找到编号为“%.40s”的对象。", key ? key : "");
    db_stmt *q;
    st s = db_prepare(d, rs->sql, &q, e);
    if (s) return s;
    db_bind_text(q, 1, key);
    if (key2) db_bind_text(q, 2, key2);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        scope_copy(loc->district, sizeof loc->district, db_col_text(q, 0));
        scope_copy(loc->park, sizeof loc->park, db_col_text(q, 1));
        scope_copy(loc->org_path, sizeof loc->org_path, db_col_text(q, 2));
        scope_copy(loc->enterprise, sizeof loc->enterprise, db_col_text(q, 3));
        loc->owner = db_col_null(q, 4) ? 0 : db_col_int(q, 4);
        loc->owner_only = rs->owner_only;
        loc->areas = rs->areas;
        if (rs->managed) scope_copy(loc->manage_role, sizeof loc->manage_role, db_col_text(q, 5));
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_set(e, ST_NOT_FOUND, "未找到该对象。");
    return ST_OK;
}

st scope_check(db *d, const scope_who *who, const char *kind, const char *key, err *e) {
    return scope_check2(d, who, kind, key, NULL, e);
}

st scope_check2(db *d, const scope_who *who, const char *kind, const char *key, const char *key2, err *e) {
    scope_loc loc;
    st s = scope_locate(d, kind, key, key2, &loc, e);
    if (s == ST_NOT_FOUND) {
        /* Below the city, "missing" and "not yours" look the same (no probing for ids). */
        if (who && who->kind && !strcmp(who->kind, "city")) {
            const scope_resolver *rs = scope_resolver_find(kind);
            if (rs && rs->noun) return err_set(e, ST_NOT_FOUND, "没有编号为 %.40s 的%s。", key ? key : "", rs->noun);
            return s;
        }
        return err_set(e, ST_FORBIDDEN, "该对象不在您的数据范围内，或不存在。");
    }
    if (s) return s;
    /* An object of several enterprises: is the caller's enterprise one of them? */
    const scope_resolver *rs = scope_resolver_find(kind);
    if (rs && rs->ent_sql && who && who->kind && !strcmp(who->kind, "enterprise") && who->code &&
        scope_key_ok(who->code, true)) {
        db_stmt *q;
        if ((s = db_prepare(d, rs->ent_sql, &q, e))) return s;
        db_bind_text(q, 1, key);
        db_bind_text(q, 2, who->code);
        int rr = db_step(q, e);
        db_reset(q);
        if (rr == DB_ERROR) return e->code;
        if (rr == DB_ROW) scope_copy(loc.enterprise, sizeof loc.enterprise, who->code);
    }
    if (!scope_contains(who, &loc)) return err_set(e, ST_FORBIDDEN, "该对象不在您的数据范围内，无权访问。");
    return ST_OK;
}

void scope_bind(const uc *c, const char **k, const char **code) {
    /* nobody bound: closed (SCOPE_COND matches no kind) */
    *k = c && c->who.scope_kind ? c->who.scope_kind : "none";
    *code = c && c->who.scope_code ? c->who.scope_code : "";
}

scope_who scope_who_of(const uc *c) {
    scope_who w = {c->who.scope_kind, c->who.scope_code, c->who.user_id, c->who.role};
    return w;
}

st scope_check_id(const uc *c, const char *kind, int64_t id, err *e) {
    scope_who who = scope_who_of(c);
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    return scope_check(c->d, &who, kind, key, e);
}
