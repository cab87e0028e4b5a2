/* org_api — the routes of party organizations, coverage and the 旬 bulletin.
 *
 *   organizations  GET/POST /api/orgs, GET /api/orgs/{id}, POST /api/orgs/{id}/upgrade|merge|split|dissolve,
 *                  POST /api/orgs/{id}/covers, POST /api/orgs/{id}/covers/{enterprise_id}/remove,
 *                  GET /api/org/events, GET /api/org/findings[.xlsx]
 *   instructors    GET /api/instructors, POST /api/enterprises/{id}/instructors,
 *                  POST /api/enterprises/{id}/instructors/{instructor_id}/withdraw
 *   coverage       GET /api/coverage, /api/coverage/trend, /api/coverage/enterprises,
 *                  GET /api/enterprises/{id}/coverage
 *   bulletins      GET /api/bulletins, /api/bulletins/{period}[/html|/xlsx|/pdf], POST /api/bulletins/{period}/issue
 *
 * Routes with an object in the path declare its scope ("org:{id}" ...) for
 * the auth module; handlers that reach objects named in the body (the
 * enterprises of a new organization, the organization to merge into) check
 * them here with scope_contains, so a district cannot reach another's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "auth/scope.h"
#include "core/config.h"
#include "core/jsonx.h"
#include "http/http.h"
#include "org/bulletin.h"
#include "org/cov.h"
#include "org/findings.h"
#include "org/org_store.h"

/* ---- helpers ---- */

typedef struct oa_scope { const char *k, *c; char uid[24]; } oa_scope;

static void oa_scope_of(http_req *r, oa_scope *s) {
    s->k = r->user.scope_kind ? r->user.scope_kind : "";
    s->c = r->user.scope_code ? r->user.scope_code : "";
    snprintf(s->uid, sizeof s->uid, "%lld", (long long)r->user.id);
    if (!strcmp(s->k, "self")) s->c = s->uid;
}

static const char *oa_actor(http_req *r) { return r->user.username ? r->user.username : "-"; }

/* The day a figure is asked for: ?date=YYYY-MM-DD, today when absent. */
static st oa_day(http_req *r, const char *name, char out[11], err *e) {
    const char *q = http_query(r, name);
    if (!q || !*q) {
        org_today(out);
        return ST_OK;
    }
    if (!org_day_parse(q, NULL, NULL, NULL))
        return err_field(e, ST_INVALID, name, "%s=“%s”不是有效日期，应为 YYYY-MM-DD（如 2018-04-30）。", name, q);
    snprintf(out, 11, "%s", q);
    return ST_OK;
}

static const char *oa_q(http_req *r, const char *name) {
    const char *v = http_query(r, name);
    return v && *v ? v : NULL;
}


/* May the caller reach organization id?  The one scope check (auth/scope.c),
 * naming the field that held the id. */
static st oa_reach_org(http_req *r, int64_t id, const char *field, err *e) {
    scope_who who = {r->user.scope_kind, r->user.scope_code, r->user.id};
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    st s = scope_check(http_db(r), &who, "org", key, e);
    if (s == ST_NOT_FOUND) return err_field(e, ST_NOT_FOUND, field, "未找到编号为 %lld 的党组织。", (long long)id);
    if (s == ST_FORBIDDEN)
        return err_field(e, ST_FORBIDDEN, field, "党组织 %lld 不在您的数据范围内，或不存在，无权操作。", (long long)id);
    return s;
}

static st oa_reach_ent(http_req *r, int64_t id, const char *field, err *e) {
    scope_who who = {r->user.scope_kind, r->user.scope_code, r->user.id};
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    st s = scope_check(http_db(r), &who, "enterprise", key, e);
    if (s == ST_NOT_FOUND) return err_field(e, ST_INVALID, field, "企业编号 %lld 不在企业台账中。", (long long)id);
    if (s) snprintf(e->field, sizeof e->field, "%s", field);
    return s;
}

static st oa_reach_region(http_req *r, const char *code, const char *field, err *e) {
    if (!code || !*code) return ST_OK;
    scope_who who = {r->user.scope_kind, r->user.scope_code, r->user.id};
    st s = scope_check(http_db(r), &who, "region", code, e);
    if (s == ST_NOT_FOUND) return err_field(e, ST_INVALID, field, "区划代码“%s”不存在。", code);
    if (s) snprintf(e->field, sizeof e->field, "%s", field);
    return s;
}

static st oa_body(http_req *r, const char *const *allowed, err *e) {
    if (!r->json || !json_is_object(r->json)) return err_set(e, ST_INVALID, "请求体应为 JSON 对象。");
    return jsonx_only(r->json, allowed, e);
}

/* enterprise_ids: an array of 1..100 positive integers (arena-owned). */
static st oa_ids(http_req *r, const char *key, bool required, int64_t **out, size_t *n, err *e) {
    json_t *a = json_object_get(r->json, key);
    *out = NULL;
    *n = 0;
    if (!a || json_is_null(a)) {
        if (required) return err_field(e, ST_INVALID, key, "请提供 %s（企业编号数组）。", key);
        return ST_OK;
    }
    if (!json_is_array(a) || json_array_size(a) > 100)
        return err_field(e, ST_INVALID, key, "%s 应为企业编号的数组（最多 100 个）。", key);
    *n = json_array_size(a);
    *out = arena_calloc(&r->mem, *n ? *n : 1, sizeof **out);
    if (!*out) return err_set(e, ST_NOMEM, "内存不足。");
    for (size_t i = 0; i < *n; i++) {
        json_t *v = json_array_get(a, i);
        if (!json_is_integer(v) || json_integer_value(v) <= 0)
            return err_field(e, ST_INVALID, key, "%s[%zu] 应为正整数企业编号。", key, i);
        (*out)[i] = json_integer_value(v);
    }
    return ST_OK;
}

/* committee: an array of 1..7 names, stored as JSON text (arena-owned). */
static st oa_committee(http_req *r, const char **out, err *e) {
    json_t *a = json_object_get(r->json, "committee");
    *out = NULL;
    if (!a || json_is_null(a)) return ST_OK;
    if (!json_is_array(a) || json_array_size(a) > 7)
        return err_field(e, ST_INVALID, "committee", "committee 应为支委会委员姓名的数组（3–5 人，最多 7 人）。");
    for (size_t i = 0; i < json_array_size(a); i++) {
        const char *s = json_string_value(json_array_get(a, i));
        if (!s || !*s || strlen(s) > 60) return err_field(e, ST_INVALID, "committee", "committee[%zu] 应为委员姓名。", i);
    }
    char *t = json_dumps(a, JSON_COMPACT);
    if (!t) return err_set(e, ST_NOMEM, "内存不足。");
    *out = arena_strdup(&r->mem, t);
    free(t);
    return ST_OK;
}

static st oa_reply_org(http_req *r, int status, int64_t id, err *e) {
    json_t *o = NULL;
    st s = org_store_get(http_db(r), id, NULL, &o, e);
    if (s) return s;
    return http_reply_json(r, status, json_pack("{s:o}", "org", o));
}

static st oa_list_reply(http_req *r, json_t *items, int64_t total, const http_page *pg) {
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg->page, "size", (json_int_t)pg->size));
}

/* ---- organizations ---- */

/* An organization belongs to the enterprises it covers or covered (an
 * investor sees their enterprise's organizations): the caller's enterprise
 * when it is one of them, else NULL. */
#define OA_ORG_ENT(O)                                                                                             \
    "(SELECT MIN(c.enterprise_id) FROM org_cover c WHERE c.org_id = " O ".id AND CAST(c.enterprise_id AS TEXT) = " \
    "CAST($2 AS TEXT))"
#define OA_ORG_WHERE                                                                                              \
    " FROM org o LEFT JOIN region g ON g.code = o.district_code WHERE "                                         \
    "(CAST($3 AS TEXT) IS NULL OR o.kind = $3) AND (CAST($4 AS TEXT) IS NULL OR o.district_code = $4) "          \
    "AND (CAST($5 AS TEXT) IS NULL OR o.name LIKE '%' || $5 || '%') "                                             \
    "AND (CAST($6 AS TEXT) = 'all' OR (o.established_on <= $7 AND (o.dissolved_on IS NULL OR o.dissolved_on > $7))) " \
    "AND ($8 = 0 OR o.parent_id = $8) AND ($9 = 0 OR o.parent_id IS NULL OR NOT EXISTS (SELECT 1 FROM org p "        \
    "WHERE p.id = o.parent_id AND " SCOPE_COND("$1", "$2", "p.district_code", "p.park_code", "p.path", OA_ORG_ENT("p"), "NULL") \
    ")) AND " SCOPE_COND("$1", "$2", "o.district_code", "o.park_code", "o.path", OA_ORG_ENT("o"), "NULL")

/* parent_id=N: its children (the lazily opened tree); roots=1: the top
 * organizations of the caller's scope (no parent, or a parent outside it). */
static st h_org_list(http_req *r, err *e) {
    http_page pg;
    st s = http_paging(r, &pg, e);
    if (s) return s;
    char day[11];
    if ((s = oa_day(r, "date", day, e))) return s;
    const char *kind = oa_q(r, "kind"), *status = oa_q(r, "status");
    if (kind && !org_kind_valid(kind)) return err_field(e, ST_INVALID, "kind", "kind=“%s”无效，应为 党委、党总支、党支部、联合党支部、临时党支部 或 工委。", kind);
    if (!status) status = "active";
    if (strcmp(status, "active") && strcmp(status, "all")) return err_field(e, ST_INVALID, "status", "status 应为 active（当日有效）或 all。");
    int64_t parent = 0, roots = 0;
    if ((s = http_query_int(r, "parent_id", 0, 0, INT64_MAX, &parent, e))) return s;
    if ((s = http_query_int(r, "roots", 0, 0, 1, &roots, e))) return s;
    const char *order;
    if ((s = http_order(r, "path", "q.id", &order, e))) return s;
    oa_scope sc;
    oa_scope_of(r, &sc);
    int64_t total = 0;
    db *d = http_db(r);
    if ((s = db_query_int(d, &total, "SELECT COUNT(*)" OA_ORG_WHERE, e, "tttttttii", sc.k, sc.c, kind, oa_q(r, "district"),
                          oa_q(r, "q"), status, day, parent, roots)))
        return s;
    json_t *items = NULL;
    const char *sql = arena_printf(
        &r->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $10 OFFSET $11",
        "SELECT o.id, o.name, o.kind, o.parent_id, o.path, o.district_code, g.name AS district_name, o.park_code, "
        "o.street_code, o.based_on, o.base_name, o.secretary, o.established_on, o.dissolved_on, "
        "(SELECT COUNT(*) FROM org_cover c WHERE c.org_id = o.id AND c.from_day <= $7 "
        "AND (c.to_day IS NULL OR c.to_day > $7)) AS units, "
        "(SELECT COUNT(*) FROM org ch WHERE ch.parent_id = o.id AND (CAST($6 AS TEXT) = 'all' OR "
        "(ch.established_on <= $7 AND (ch.dissolved_on IS NULL OR ch.dissolved_on > $7)))) AS children" OA_ORG_WHERE,
        order);
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    s = db_query_json(d, &items, sql, e, "tttttttiiii", sc.k, sc.c, kind, oa_q(r, "district"), oa_q(r, "q"), status, day,
                      parent, roots, pg.size, pg.offset);
    if (s) return s;
    return oa_list_reply(r, items, total, &pg);
}

static const char *const oa_create_fields[] = {"name", "kind", "parent_id", "district_code", "park_code", "street_code",
                                               "based_on", "base_name", "secretary", "committee", "established_on",
                                               "enterprise_ids", "approved", "note", NULL};

/* Read an org_new from the body (create and split share it). */
static st oa_org_new(http_req *r, org_new *o, bool split, err *e) {
    memset(o, 0, sizeof *o);
    st s = oa_body(r, oa_create_fields, e);
    if (!s) s = jsonx_str(r->json, "name", true, 2, 100, &o->name, e);
    if (!s) s = jsonx_str(r->json, "kind", !split, 1, 10, &o->kind, e);
    if (!s) s = jsonx_int(r->json, "parent_id", false, 1, INT64_MAX, 0, &o->parent_id, e);
    if (!s) s = jsonx_str(r->json, "district_code", false, 0, 12, &o->district, e);
    if (!s) s = jsonx_str(r->json, "park_code", false, 0, 12, &o->park, e);
    if (!s) s = jsonx_str(r->json, "street_code", false, 0, 12, &o->street, e);
    if (!s) s = jsonx_str(r->json, "based_on", false, 0, 20, &o->based_on, e);
    if (!s) s = jsonx_str(r->json, "base_name", false, 0, 100, &o->base_name, e);
    if (!s) s = jsonx_str(r->json, "secretary", false, 0, 30, &o->secretary, e);
    if (!s) s = oa_committee(r, &o->committee, e);
    if (!s) s = jsonx_str(r->json, "established_on", true, 10, 10, &o->day, e);
    if (!s) s = oa_ids(r, "enterprise_ids", split, (int64_t **)&o->enterprises, &o->n_enterprises, e);
    if (!s) s = jsonx_bool(r->json, "approved", false, false, &o->approved, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 500, &o->note, e);
    o->actor = oa_actor(r);
    /* the caller must reach everything named.  A split names enterprises of the
     * organization being split (the store refuses any other), which the caller
     * reaches already: so an organization's own administrator can split it. */
    for (size_t i = 0; !s && !split && i < o->n_enterprises; i++) {
        char f[48];
        snprintf(f, sizeof f, "enterprise_ids[%zu]", i);
        s = oa_reach_ent(r, o->enterprises[i], f, e);
    }
    if (!s) s = oa_reach_region(r, o->district, "district_code", e);
    if (!s) s = oa_reach_region(r, o->park, "park_code", e);
    if (!s && o->parent_id) s = oa_reach_org(r, o->parent_id, "parent_id", e);
    /* below the city, an organization without enterprises must hang under one's own */
    if (!s && !split && !o->n_enterprises && !o->parent_id && r->user.scope_kind && strcmp(r->user.scope_kind, "city") &&
        !o->district)
        s = err_field(e, ST_INVALID, "parent_id", "请指定上级党组织（parent_id）或所在区（district_code）。");
    return s;
}

static st h_org_create(http_req *r, err *e) {
    org_new o;
    st s = oa_org_new(r, &o, false, e);
    if (s) return s;
    int64_t id = 0;
    if ((s = org_store_create(http_db(r), &o, &id, e))) return s;
    return oa_reply_org(r, 201, id, e);
}

static st oa_id(http_req *r, int64_t *id, err *e) {
    st s = http_param_int(r, "id", id, e);
    if (!s) s = oa_reach_org(r, *id, "id", e);
    return s;
}

static st h_org_get(http_req *r, err *e) {
    int64_t id;
    st s = oa_id(r, &id, e);
    if (s) return s;
    char day[11];
    if ((s = oa_day(r, "date", day, e))) return s;
    json_t *o = NULL;
    if ((s = org_store_get(http_db(r), id, day, &o, e))) return s;
    return http_reply_json(r, 200, json_pack("{s:o}", "org", o));
}

static st h_org_upgrade(http_req *r, err *e) {
    static const char *const f[] = {"to_kind", "day", "approved", "note", NULL};
    int64_t id;
    const char *to = NULL, *day = NULL, *note = NULL;
    bool approved = false;
    st s = oa_id(r, &id, e);
    if (!s) s = oa_body(r, f, e);
    if (!s) s = jsonx_str(r->json, "to_kind", true, 1, 10, &to, e);
    if (!s) s = jsonx_str(r->json, "day", true, 10, 10, &day, e);
    if (!s) s = jsonx_bool(r->json, "approved", false, false, &approved, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 500, &note, e);
    if (!s) s = org_store_upgrade(http_db(r), id, to, day, approved, note, oa_actor(r), e);
    return s ? s : oa_reply_org(r, 200, id, e);
}

static st h_org_merge(http_req *r, err *e) {
    static const char *const f[] = {"into_id", "day", "note", NULL};
    int64_t id, into = 0;
    const char *day = NULL, *note = NULL;
    st s = oa_id(r, &id, e);
    if (!s) s = oa_body(r, f, e);
    if (!s) s = jsonx_int(r->json, "into_id", true, 1, INT64_MAX, 0, &into, e);
    if (!s) s = jsonx_str(r->json, "day", true, 10, 10, &day, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 500, &note, e);
    if (!s) s = oa_reach_org(r, into, "into_id", e);
    if (!s) s = org_store_merge(http_db(r), id, into, day, note, oa_actor(r), e);
    return s ? s : oa_reply_org(r, 200, into, e);
}

static st h_org_split(http_req *r, err *e) {
    int64_t id, nid = 0;
    st s = oa_id(r, &id, e);
    org_new o;
    if (!s) s = oa_org_new(r, &o, true, e);
    if (!s && !o.kind) {
        /* the new part keeps the kind of a branch */
        o.kind = "党支部";
    }
    if (!s && !o.parent_id) {
        /* without parent_id the new part goes beside the old one: the caller must
         * reach that parent too (an organization's administrator splitting their
         * top organization would otherwise create one outside their own scope) */
        int64_t parent = 0;
        s = db_query_int(http_db(r), &parent, "SELECT COALESCE(parent_id, 0) FROM org WHERE id = $1", e, "i", id);
        if (!s && parent && oa_reach_org(r, parent, "parent_id", e))
            s = err_field(e, ST_FORBIDDEN, "parent_id",
                          "拆分出的党组织将与原组织同级，位于您的数据范围之外；请指定您范围内的上级党组织（parent_id）。");
    }
    if (!s) s = org_store_split(http_db(r), id, &o, &nid, e);
    return s ? s : oa_reply_org(r, 201, nid, e);
}

static st h_org_dissolve(http_req *r, err *e) {
    static const char *const f[] = {"day", "note", NULL};
    int64_t id;
    const char *day = NULL, *note = NULL;
    st s = oa_id(r, &id, e);
    if (!s) s = oa_body(r, f, e);
    if (!s) s = jsonx_str(r->json, "day", true, 10, 10, &day, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 500, &note, e);
    if (!s) s = org_store_dissolve(http_db(r), id, day, note, oa_actor(r), e);
    return s ? s : oa_reply_org(r, 200, id, e);
}

static st h_cover_add(http_req *r, err *e) {
    static const char *const f[] = {"enterprise_id", "day", NULL};
    int64_t id, ent = 0;
    const char *day = NULL;
    st s = oa_id(r, &id, e);
    if (!s) s = oa_body(r, f, e);
    if (!s) s = jsonx_int(r->json, "enterprise_id", true, 1, INT64_MAX, 0, &ent, e);
    if (!s) s = jsonx_str(r->json, "day", true, 10, 10, &day, e);
    if (!s) s = oa_reach_ent(r, ent, "enterprise_id", e);
    if (!s) s = org_store_cover_add(http_db(r), id, ent, day, oa_actor(r), e);
    return s ? s : oa_reply_org(r, 200, id, e);
}

static st h_cover_remove(http_req *r, err *e) {
    static const char *const f[] = {"day", "note", NULL};
    int64_t id, ent = 0;
    const char *day = NULL, *note = NULL;
    st s = oa_id(r, &id, e);
    if (!s) s = http_param_int(r, "enterprise_id", &ent, e);
    if (!s) s = oa_body(r, f, e);
    if (!s) s = jsonx_str(r->json, "day", true, 10, 10, &day, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 500, &note, e);
    if (!s) s = org_store_cover_remove(http_db(r), id, ent, day, note, oa_actor(r), e);
    return s ? s : oa_reply_org(r, 200, id, e);
}

static st h_events(http_req *r, err *e) {
    http_page pg;
    st s = http_paging(r, &pg, e);
    int64_t org_id = 0, ent = 0;
    if (!s) s = http_query_int(r, "org_id", 0, 0, INT64_MAX, &org_id, e);
    if (!s) s = http_query_int(r, "enterprise_id", 0, 0, INT64_MAX, &ent, e);
    const char *from = oa_q(r, "from"), *to = oa_q(r, "to");
    if (!s && from && !org_day_parse(from, NULL, NULL, NULL)) s = err_field(e, ST_INVALID, "from", "from 应为 YYYY-MM-DD。");
    if (!s && to && !org_day_parse(to, NULL, NULL, NULL)) s = err_field(e, ST_INVALID, "to", "to 应为 YYYY-MM-DD。");
    if (s) return s;
    oa_scope sc;
    oa_scope_of(r, &sc);
    json_t *items = NULL;
    int64_t total = 0;
    const char *order;
    if ((s = http_order(r, "day", "q.id", &order, e))) return s;
    if ((s = org_store_events(http_db(r), org_id, ent, oa_q(r, "district"), from, to, oa_q(r, "kind"), sc.k, sc.c, order,
                              pg.size, pg.offset, &items, &total, e)))
        return s;
    return oa_list_reply(r, items, total, &pg);
}

static st h_findings(http_req *r, err *e) {
    char day[11];
    st s = oa_day(r, "date", day, e);
    int64_t max = 0;
    if (!s) s = http_query_int(r, "max", 200, 0, 100000, &max, e);
    if (s) return s;
    oa_scope sc;
    oa_scope_of(r, &sc);
    json_t *out = NULL;
    if ((s = org_findings(http_db(r), day, sc.k, sc.c, oa_q(r, "district"), (size_t)max, &out, e))) return s;
    return http_reply_json(r, 200, out);
}

/* All the findings (no cap but export-row-cap) as a workbook; audited like a list export. */
static st h_findings_xlsx(http_req *r, err *e) {
    char day[11];
    st s = oa_day(r, "date", day, e);
    if (s) return s;
    oa_scope sc;
    oa_scope_of(r, &sc);
    db *d = http_db(r);
    json_t *f = NULL, *regions = NULL, *names = json_object(), *scope = cov_scope_name(d, sc.k, sc.c);
    const char *path = NULL;
    /* each sheet holds at most export-row-cap rows (and says so past it): build no more
     * than one over the cap; the counts on the summary sheet are over everything */
    s = org_findings(d, day, sc.k, sc.c, oa_q(r, "district"), (size_t)cfg_int("export-row-cap") + 1, &f, e);
    if (!s) s = db_query_json(d, &regions, "SELECT code, name FROM region", e, "");
    size_t i;
    json_t *g;
    json_array_foreach(regions, i, g) json_object_set(names, json_string_value(json_object_get(g, "code")), json_object_get(g, "name"));
    if (!s) s = http_tempfile(r, &path, e);
    if (!s) s = org_findings_xlsx(f, names, json_string_value(scope), path, e);
    char det[200];
    snprintf(det, sizeof det, "规则提示 截至 %s：企业 %zu、党组织 %zu、联合组建建议 %zu 组%s%s", day,
             json_array_size(json_object_get(f, "enterprises")), json_array_size(json_object_get(f, "orgs")),
             json_array_size(json_object_get(f, "joint")), oa_q(r, "district") ? "；区 " : "",
             oa_q(r, "district") ? oa_q(r, "district") : "");
    json_decref(f);
    json_decref(regions);
    json_decref(names);
    json_decref(scope);
    if (!s) s = http_audit(r, "list.export", "/api/org/findings.xlsx", "ok", det, e);
    if (s) return s;
    char *name = arena_printf(&r->mem, "规则提示-%s.xlsx", day);
    return name ? http_reply_file(r, path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name, e)
                : err_set(e, ST_NOMEM, "内存不足。");
}

/* ---- instructors ---- */

#define OA_INS_WHERE                                                                                             \
    " FROM org_instructor i JOIN enterprise e ON e.id = i.enterprise_id WHERE "                                  \
    "(CAST($3 AS TEXT) IS NULL OR e.district_code = $3) AND (CAST($4 AS TEXT) = 'all' OR "                      \
    "(i.from_day <= $5 AND (i.to_day IS NULL OR i.to_day > $5))) AND "                                          \
    SCOPE_COND("$1", "$2", "e.district_code", "e.park_code", "NULL", "e.id", "NULL")

static st h_ins_list(http_req *r, err *e) {
    http_page pg;
    st s = http_paging(r, &pg, e);
    char day[11];
    if (!s) s = oa_day(r, "date", day, e);
    if (s) return s;
    const char *status = oa_q(r, "status");
    if (!status) status = "active";
    if (strcmp(status, "active") && strcmp(status, "all")) return err_field(e, ST_INVALID, "status", "status 应为 active 或 all。");
    oa_scope sc;
    oa_scope_of(r, &sc);
    int64_t total = 0;
    json_t *items = NULL;
    const char *order;
    if ((s = http_order(r, "from_day", "q.id", &order, e))) return s;
    if ((s = db_query_int(http_db(r), &total, "SELECT COUNT(*)" OA_INS_WHERE, e, "ttttt", sc.k, sc.c, oa_q(r, "district"),
                          status, day)))
        return s;
    const char *sql = arena_printf(&r->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $6 OFFSET $7",
                                   "SELECT i.id, i.enterprise_id, e.name AS enterprise_name, e.district_code, i.org_id, "
                                   "i.name, i.phone_masked AS phone, i.from_day, i.to_day" OA_INS_WHERE,
                                   order);
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    if ((s = db_query_json(http_db(r), &items, sql, e, "tttttii", sc.k, sc.c, oa_q(r, "district"), status, day, pg.size,
                           pg.offset)))
        return s;
    return oa_list_reply(r, items, total, &pg);
}

static st h_ins_assign(http_req *r, err *e) {
    static const char *const f[] = {"name", "phone", "org_id", "day", NULL};
    int64_t ent = 0, org_id = 0, id = 0;
    const char *name = NULL, *phone = NULL, *day = NULL;
    st s = http_param_int(r, "id", &ent, e);
    if (!s) s = oa_reach_ent(r, ent, "id", e);
    if (!s) s = oa_body(r, f, e);
    if (!s) s = jsonx_str(r->json, "name", true, 2, 20, &name, e);
    if (!s) s = jsonx_str(r->json, "phone", false, 0, 20, &phone, e);
    if (!s) s = jsonx_int(r->json, "org_id", false, 1, INT64_MAX, 0, &org_id, e);
    if (!s) s = jsonx_str(r->json, "day", true, 10, 10, &day, e);
    if (!s && org_id) s = oa_reach_org(r, org_id, "org_id", e);
    if (!s) s = org_store_instructor_assign(http_db(r), ent, name, phone, org_id, day, oa_actor(r), &id, e);
    if (s) return s;
    json_t *row = NULL;
    if ((s = db_query_json(http_db(r), &row, "SELECT id, enterprise_id, org_id, name, phone_masked AS phone, from_day, to_day FROM org_instructor "
                                             "WHERE id = $1", e, "i", id)))
        return s;
    st rs = http_reply_json(r, 201, json_pack("{s:O}", "instructor", json_array_get(row, 0)));
    json_decref(row);
    return rs;
}

static st h_ins_withdraw(http_req *r, err *e) {
    static const char *const f[] = {"day", "note", NULL};
    int64_t id, ent = 0;
    const char *day = NULL, *note = NULL;
    st s = http_param_int(r, "id", &ent, e);
    if (!s) s = oa_reach_ent(r, ent, "id", e);
    if (!s) s = http_param_int(r, "instructor_id", &id, e);
    if (!s) {
        int64_t owner = 0;
        s = db_query_int(http_db(r), &owner, "SELECT enterprise_id FROM org_instructor WHERE id = $1", e, "i", id);
        if (s == ST_NOT_FOUND || (!s && owner != ent))
            s = err_field(e, ST_NOT_FOUND, "instructor_id", "企业 %lld 没有编号为 %lld 的党建指导员选派记录。", (long long)ent,
                          (long long)id);
    }
    if (!s) s = oa_body(r, f, e);
    if (!s) s = jsonx_str(r->json, "day", true, 10, 10, &day, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 500, &note, e);
    if (!s) s = org_store_instructor_withdraw(http_db(r), id, day, note, oa_actor(r), e);
    if (s) return s;
    json_t *row = NULL;
    if ((s = db_query_json(http_db(r), &row, "SELECT id, enterprise_id, org_id, name, phone_masked AS phone, from_day, to_day FROM org_instructor "
                                             "WHERE id = $1", e, "i", id)))
        return s;
    st rs = http_reply_json(r, 200, json_pack("{s:O}", "instructor", json_array_get(row, 0)));
    json_decref(row);
    return rs;
}

/* The full phone of an instructor, after the caller re-enters their
 * password; shown only once its audit row is committed. */
static st h_ins_reveal(http_req *r, err *e) {
    static const char *const f[] = {"password", NULL};
    int64_t id;
    const char *pw;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = oa_body(r, f, e);
    if (!s) s = jsonx_str(r->json, "password", true, 1, 256, &pw, e);
    if (!s) s = auth_reauth(r, pw, e);
    char *phone = NULL;
    if (!s) s = org_store_instructor_phone(http_db(r), id, &phone, e);
    if (!s) s = http_audit(r, "instructor.reveal", arena_printf(&r->mem, "instructor:%lld", (long long)id), "ok",
                           "查看党建指导员完整电话", e);
    if (s) {
        free(phone);
        return s;
    }
    json_t *o = json_pack("{s:I,s:s?}", "id", (json_int_t)id, "phone", phone);
    free(phone);
    return http_reply_json(r, 200, o);
}

/* ---- coverage ---- */

static st h_coverage(http_req *r, err *e) {
    char day[11];
    cov_by by;
    st s = oa_day(r, "date", day, e);
    if (!s) s = cov_by_parse(oa_q(r, "by"), &by, e);
    if (s) return s;
    oa_scope sc;
    oa_scope_of(r, &sc);
    json_t *rows = NULL;
    if ((s = cov_figures(http_db(r), day, by, sc.k, sc.c, &rows, e))) return s;
    return http_reply_json(r, 200, json_pack("{s:s,s:s,s:o}", "date", day, "by", cov_by_name(by), "rows", rows));
}

static st h_coverage_trend(http_req *r, err *e) {
    char from[11], to[11];
    st s = oa_day(r, "to", to, e);
    if (s) return s;
    if (oa_q(r, "from")) s = oa_day(r, "from", from, e);
    else org_day_add(to, -180, from);
    if (s) return s;
    if (strcmp(from, to) > 0) return err_field(e, ST_INVALID, "from", "起始日期 from=%s 晚于截止日期 to=%s。", from, to);
    cov_by by;
    if ((s = cov_by_parse(oa_q(r, "by"), &by, e))) return s;
    const char *step = oa_q(r, "step");
    if (!step) step = "xun";
    if (strcmp(step, "xun") && strcmp(step, "month"))
        return err_field(e, ST_INVALID, "step", "step 应为 xun（每旬）或 month（每月）。");
    oa_scope sc;
    oa_scope_of(r, &sc);
    int y, m, d;
    org_day_parse(from, &y, &m, &d);
    org_xun x = org_xun_of(y, m, d);
    if (!strcmp(step, "month")) x.x = 3;
    /* the sample days: the end of each 旬 (or month), the last one cut at `to` */
    enum { MAXP = 400 };
    char days[MAXP][11], periods[MAXP][16];
    size_t np = 0;
    for (; np < MAXP; np++) {
        char last[11];
        org_xun_last(&x, last);
        bool end = strcmp(last, to) >= 0;
        snprintf(days[np], sizeof days[np], "%s", end ? to : last);
        org_xun_format(&x, periods[np]);
        if (end) {
            np++;
            break;
        }
        x = org_xun_next(&x);
        if (!strcmp(step, "month")) {
            x = org_xun_next(&x);
            x = org_xun_next(&x);
        }
    }
    json_t *points = json_array();
    if (by == COV_CITY) { /* one pass over the intervals for every day (the dashboard's trend) */
        const char *dp[MAXP];
        int64_t n = 0, cv[MAXP], wk[MAXP];
        for (size_t i = 0; i < np; i++) dp[i] = days[i];
        if ((s = cov_city_series(http_db(r), dp, np, sc.k, sc.c, &n, cv, wk, e))) {
            json_decref(points);
            return s;
        }
        json_t *name = cov_scope_name(http_db(r), sc.k, sc.c);
        for (size_t i = 0; i < np; i++)
            json_array_append_new(
                points, json_pack("{s:s,s:s,s:[{s:n,s:O,s:I,s:I,s:I,s:f,s:f}]}", "date", days[i], "period", periods[i],
                                  "rows", "key", "name", name, "enterprises", (json_int_t)n, "covered", (json_int_t)cv[i],
                                  "work_covered", (json_int_t)wk[i], "rate", cov_rate(cv[i], n), "work_rate",
                                  cov_rate(wk[i], n)));
        json_decref(name);
    } else {
        for (size_t i = 0; i < np; i++) {
            json_t *rows = NULL;
            if ((s = cov_figures(http_db(r), days[i], by, sc.k, sc.c, &rows, e))) {
                json_decref(points);
                return s;
            }
            json_array_append_new(points, json_pack("{s:s,s:s,s:o}", "date", days[i], "period", periods[i], "rows", rows));
        }
    }
    return http_reply_json(r, 200, json_pack("{s:s,s:s,s:s,s:s,s:o}", "from", from, "to", to, "by", cov_by_name(by), "step",
                                             step, "points", points));
}

static st h_coverage_ents(http_req *r, err *e) {
    http_page pg;
    char day[11];
    cov_by by;
    st s = http_paging(r, &pg, e);
    if (!s) s = oa_day(r, "date", day, e);
    if (!s) s = cov_by_parse(oa_q(r, "by"), &by, e);
    if (s) return s;
    oa_scope sc;
    oa_scope_of(r, &sc);
    json_t *items = NULL;
    int64_t total = 0;
    const char *order;
    if ((s = http_order(r, "id", "q.id", &order, e))) return s;
    cov_filter f = {oa_q(r, "q"), oa_q(r, "district"), oa_q(r, "park"), oa_q(r, "street"), oa_q(r, "category")};
    cov_sum sum = {0};
    if ((s = cov_enterprises(http_db(r), day, by, oa_q(r, "key"), oa_q(r, "state"), &f, sc.k, sc.c, order, pg.size,
                             pg.offset, &items, &total, &sum, e)))
        return s;
    /* summary: the figures of everything the filters select (any state), so any
     * combination of district, park, street, industry and name has its rate */
    json_t *summary = json_pack("{s:I,s:I,s:f,s:I,s:f}", "enterprises", (json_int_t)sum.n, "covered", (json_int_t)sum.covered,
                                "rate", cov_rate(sum.covered, sum.n), "work_covered", (json_int_t)sum.work, "work_rate",
                                cov_rate(sum.work, sum.n));
    return http_reply_json(r, 200, json_pack("{s:s,s:o,s:I,s:I,s:I,s:o}", "date", day, "items", items, "total", (json_int_t)total,
                                             "page", (json_int_t)pg.page, "size", (json_int_t)pg.size, "summary", summary));
}

static st h_enterprise_coverage(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = oa_reach_ent(r, id, "id", e);
    if (s) return s;
    db *d = http_db(r);
    json_t *ent = NULL, *covers = NULL, *ins = NULL, *events = NULL;
    s = db_query_json(d, &ent, "SELECT id, name, uscc, district_code, park_code, street_code, category, employees, members, "
                               "zombie FROM enterprise WHERE id = $1", e, "i", id);
    if (!s)
        s = db_query_json(d, &covers, "SELECT c.org_id, o.name AS org_name, o.kind AS org_kind, c.joint, c.from_day, c.to_day "
                                      "FROM org_cover c JOIN org o ON o.id = c.org_id WHERE c.enterprise_id = $1 "
                                      "ORDER BY c.from_day, c.id", e, "i", id);
    if (!s)
        s = db_query_json(d, &ins, "SELECT id, name, org_id, from_day, to_day FROM org_instructor WHERE enterprise_id = $1 "
                                   "ORDER BY from_day, id", e, "i", id);
    if (!s)
        s = db_query_json(d, &events, "SELECT v.id, v.day, v.kind, v.org_id, o.name AS org_name, v.note FROM org_event v "
                                      "LEFT JOIN org o ON o.id = v.org_id WHERE v.enterprise_id = $1 ORDER BY v.day, v.id",
                          e, "i", id);
    if (s || !json_array_size(ent)) {
        json_decref(ent);
        json_decref(covers);
        json_decref(ins);
        json_decref(events);
        return s ? s : err_set(e, ST_NOT_FOUND, "未找到编号为 %lld 的企业。", (long long)id);
    }
    json_t *o = json_incref(json_array_get(ent, 0));
    json_decref(ent);
    json_object_set_new(o, "covers", covers);
    json_object_set_new(o, "instructors", ins);
    json_object_set_new(o, "events", events);
    return http_reply_json(r, 200, json_pack("{s:o}", "enterprise", o));
}

/* ---- bulletins ---- */

static st oa_period(http_req *r, org_xun *x, err *e) {
    const char *p = http_param(r, "period");
    if (!org_xun_parse(p, x))
        return err_field(e, ST_INVALID, "period", "旬“%s”无效，应为 年-月-旬，如 2018-04-3（1 上旬、2 中旬、3 下旬）。", p ? p : "");
    return ST_OK;
}

static st h_bulletin_list(http_req *r, err *e) {
    http_page pg;
    st s = http_paging(r, &pg, e);
    if (s) return s;
    const char *year = oa_q(r, "year");
    if (year && (strlen(year) != 4 || strspn(year, "0123456789") != 4))
        return err_field(e, ST_INVALID, "year", "year 应为四位年份，如 2018。");
    json_t *items = NULL;
    int64_t total = 0;
    const char *order;
    if ((s = http_order(r, "-period", NULL, &order, e))) return s;
    if ((s = bulletin_list(http_db(r), year, order, pg.size, pg.offset, &items, &total, e))) return s;
    return oa_list_reply(r, items, total, &pg);
}

static st h_bulletin_get(http_req *r, err *e) {
    org_xun x;
    st s = oa_period(r, &x, e);
    json_t *doc = NULL;
    if (!s) s = bulletin_get(http_db(r), &x, &doc, e);
    if (s) return s;
    return http_reply_json(r, 200, doc);
}

static st h_bulletin_issue(http_req *r, err *e) {
    org_xun x;
    st s = oa_period(r, &x, e);
    json_t *doc = NULL;
    if (!s) s = bulletin_issue(http_db(r), &x, oa_actor(r), &doc, e);
    if (s) return s;
    return http_reply_json(r, 201, doc);
}

static st h_bulletin_html(http_req *r, err *e) {
    org_xun x;
    st s = oa_period(r, &x, e);
    json_t *doc = NULL;
    if (!s) s = bulletin_get(http_db(r), &x, &doc, e);
    if (s) return s;
    buf b;
    buf_init(&b, 16u << 20);
    s = bulletin_render_html(doc, &b, e);
    json_decref(doc);
    if (s) {
        buf_free(&b);
        return s;
    }
    size_t n = b.len;
    return http_reply_raw(r, 200, "text/html; charset=utf-8", buf_detach(&b), n);
}

static st oa_bulletin_file(http_req *r, bool pdf, err *e) {
    org_xun x;
    st s = oa_period(r, &x, e);
    json_t *doc = NULL;
    if (!s) s = bulletin_get(http_db(r), &x, &doc, e);
    if (s) return s;
    const char *path;
    s = http_tempfile(r, &path, e);
    if (!s) s = pdf ? bulletin_render_pdf(doc, path, e) : bulletin_render_xlsx(doc, path, e);
    if (!s) {
        char *name = arena_printf(&r->mem, "%s互联网企业党建旬报-%s.%s", json_string_value(json_object_get(json_object_get(doc, "city"), "name")),
                                  json_string_value(json_object_get(doc, "period")), pdf ? "pdf" : "xlsx");
        s = http_reply_file(r, path, pdf ? "application/pdf" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            name, e);
    }
    json_decref(doc);
    return s;
}
static st h_bulletin_pdf(http_req *r, err *e) { return oa_bulletin_file(r, true, e); }
static st h_bulletin_xlsx(http_req *r, err *e) { return oa_bulletin_file(r, false, e); }

/* Lists: the keys they sort by and the columns of their Excel export (listq.c). */
static const http_sort_key oa_org_sort[] = {
    {"path", "q.path"}, {"name", "q.name", true}, {"kind", "q.kind", true}, {"district_name", "q.district_name", true},
    {"secretary", "q.secretary", true}, {"established_on", "q.established_on"}, {"dissolved_on", "q.dissolved_on"},
    {"units", "q.units"}, {"children", "q.children"}, {"id", "q.id"}, {NULL, NULL}};
#define OA_ORG_EXPORT                                                                                            \
    "党组织|id:编号|name:名称|kind:类型|district_name:所在区|park_code:园区代码|based_on:组建方式|base_name:依托单位|" \
    "secretary:书记|established_on:成立日期|dissolved_on:撤销日期|units:覆盖企业数|children:下级组织数"
static const http_sort_key oa_event_sort[] = {
    {"day", "q.day"}, {"kind", "q.kind"}, {"org_name", "q.org_name", true}, {"enterprise_name", "q.enterprise_name", true},
    {"district_name", "q.district_name", true}, {"actor", "q.actor"}, {"id", "q.id"}, {NULL, NULL}};
#define OA_EVENT_EXPORT                                                                                          \
    "组织变动记录|day:日期|kind:变动|org_name:党组织|org_kind:组织类型|enterprise_name:企业|district_name:区|"       \
    "from_kind:原类型|to_kind:新类型|note:说明|actor:操作人"
static const http_sort_key oa_ins_sort[] = {
    {"from_day", "q.from_day"}, {"to_day", "q.to_day"}, {"name", "q.name", true}, {"enterprise_name", "q.enterprise_name", true},
    {"district_code", "q.district_code"}, {"id", "q.id"}, {NULL, NULL}};
#define OA_INS_EXPORT                                                                                            \
    "党建指导员|name:指导员|phone:电话|enterprise_name:企业|district_code:区划代码|from_day:选派日期|to_day:撤回日期"
static const http_sort_key oa_covent_sort[] = {
    {"id", "q.id"}, {"name", "q.name", true}, {"uscc", "q.uscc"}, {"district_code", "q.district_code"},
    {"park_code", "q.park_code"}, {"category", "q.category", true}, {"employees", "q.employees"}, {"members", "q.members"},
    {"covered", "q.covered"}, {"instructor", "q.instructor"}, {NULL, NULL}};
#define OA_COVENT_EXPORT                                                                                         \
    "覆盖企业名单|id:企业编号|name:企业名称|uscc:统一社会信用代码|district_code:区划代码|park_code:园区代码|"        \
    "category:类别|employees:从业人员|members:党员数|covered:已建党组织:bool|instructor:已派党建指导员:bool|"      \
    "org_name:覆盖的党组织"
static const http_sort_key oa_bul_sort[] = {
    {"period", "q.period"}, {"issued_at", "q.issued_at"}, {"issued_by", "q.issued_by"}, {NULL, NULL}};
#define OA_BUL_EXPORT "旬报|period:旬|title:标题|first_day:起始日|last_day:截止日|issued_by:发布人|issued_at:发布时间"

const http_route org_routes[] = {
    {"GET", "/api/orgs", "org.read", h_org_list, HB_NONE, "党组织列表（按日期、类型、区、上级筛选；roots=1 为范围内的顶层）", "org",
     NULL, OA_ORG_EXPORT, oa_org_sort},
    {"POST", "/api/orgs", "org.write", h_org_create, HB_JSON, "新建党组织（单独或联合组建）", "org", NULL},
    {"GET", "/api/orgs/{id}", "org.read", h_org_get, HB_NONE, "党组织详情：覆盖企业、下级、变动记录、规则提示", "org", "org:{id}"},
    {"POST", "/api/orgs/{id}/upgrade", "org.write", h_org_upgrade, HB_JSON, "升格为党总支或党委", "org", "org:{id}"},
    {"POST", "/api/orgs/{id}/merge", "org.write", h_org_merge, HB_JSON, "合并到另一个党组织", "org", "org:{id}"},
    {"POST", "/api/orgs/{id}/split", "org.write", h_org_split, HB_JSON, "拆分出新的党组织", "org", "org:{id}"},
    {"POST", "/api/orgs/{id}/dissolve", "org.write", h_org_dissolve, HB_JSON, "撤销党组织", "org", "org:{id}"},
    {"POST", "/api/orgs/{id}/covers", "org.write", h_cover_add, HB_JSON, "增加覆盖企业", "org", "org:{id}"},
    {"POST", "/api/orgs/{id}/covers/{enterprise_id}/remove", "org.write", h_cover_remove, HB_JSON, "移除覆盖企业", "org",
     "org:{id}"},
    {"GET", "/api/org/events", "org.read", h_events, HB_NONE, "组织变动记录（每项数字的来由）", "org", NULL, OA_EVENT_EXPORT,
     oa_event_sort},
    {"GET", "/api/org/findings", "org.read", h_findings, HB_NONE, "组建规则提示与联合组建建议", "org", NULL},
    {"GET", "/api/org/findings.xlsx", "org.read", h_findings_xlsx, HB_NONE, "下载全部规则提示与联合组建建议（xlsx，记入审计）",
     "org", NULL},
    {"GET", "/api/instructors", "org.read", h_ins_list, HB_NONE, "党建指导员选派列表", "org", NULL, OA_INS_EXPORT, oa_ins_sort},
    {"POST", "/api/enterprises/{id}/instructors", "org.write", h_ins_assign, HB_JSON, "向企业选派党建指导员", "org",
     "enterprise:{id}"},
    {"POST", "/api/enterprises/{id}/instructors/{instructor_id}/withdraw", "org.write", h_ins_withdraw, HB_JSON,
     "撤回党建指导员", "org", "enterprise:{id}"},
    {"POST", "/api/instructors/{id}/reveal", "contact.reveal", h_ins_reveal, HB_JSON, "查看党建指导员完整电话（需口令，记入审计）",
     "org", "instructor:{id}"},
    {"GET", "/api/coverage", "coverage.read", h_coverage, HB_NONE, "覆盖率（按日期；全市、区、园区、街道、类别）", "coverage", NULL},
    {"GET", "/api/coverage/trend", "coverage.read", h_coverage_trend, HB_NONE, "覆盖率趋势（每旬或每月）", "coverage", NULL},
    {"GET", "/api/coverage/enterprises", "coverage.read", h_coverage_ents, HB_NONE, "覆盖数字背后的企业名单（by/key 或可组合的 district、park、street、category、q）", "coverage", NULL,
     OA_COVENT_EXPORT, oa_covent_sort},
    {"GET", "/api/enterprises/{id}/coverage", "coverage.read", h_enterprise_coverage, HB_NONE, "一家企业的覆盖历史", "coverage",
     "enterprise:{id}"},
    {"GET", "/api/bulletins", "bulletin.read", h_bulletin_list, HB_NONE, "已发布的旬报", "bulletin", NULL, OA_BUL_EXPORT,
     oa_bul_sort},
    {"GET", "/api/bulletins/{period}", "bulletin.read", h_bulletin_get, HB_NONE, "旬报内容（已发布或预览）", "bulletin", NULL},
    {"GET", "/api/bulletins/{period}/html", "bulletin.read", h_bulletin_html, HB_NONE, "旬报网页", "bulletin", NULL},
    {"GET", "/api/bulletins/{period}/xlsx", "bulletin.read", h_bulletin_xlsx, HB_NONE, "下载旬报（xlsx）", "bulletin", NULL},
    {"GET", "/api/bulletins/{period}/pdf", "bulletin.read", h_bulletin_pdf, HB_NONE, "下载旬报（PDF）", "bulletin", NULL},
    {"POST", "/api/bulletins/{period}/issue", "bulletin.issue", h_bulletin_issue, HB_NONE, "发布旬报", "bulletin", NULL},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
