/* org_api — the routes of party organizations and instructors: parse and
 * validate, call the store (org_store*.c), reply.  No SQL here.
 *
 *   organizations  GET/POST /api/orgs, GET /api/orgs/{id}, POST /api/orgs/{id}/upgrade|merge|split|dissolve,
 *                  POST /api/orgs/{id}/covers, POST /api/orgs/{id}/covers/{enterprise_id}/remove,
 *                  GET /api/org/events, GET /api/org/findings, GET /api/org/findings.xlsx (a download, audited)
 *   instructors    GET /api/instructors, POST /api/enterprises/{id}/instructors,
 *                  POST /api/enterprises/{id}/instructors/{instructor_id}/withdraw,
 *                  POST /api/instructors/{id}/reveal (password again, audited)
 *
 * Routes with an object in the path declare its scope ("org:{id}" ...) and
 * the auth module checks it before the handler runs; objects named in the
 * body (the enterprises of a new organization, the organization to merge
 * into) are checked here with the one scope check (scope_check), so a
 * district cannot reach another's.  Every write is one audited use case in
 * the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "auth/scope.h"
#include "core/config.h"
#include "core/jsonx.h"
#include "http/http.h"
#include "org/org_store.h"

/* ---- helpers ---- */

static const char *oa_q(http_req *r, const char *name) {
    const char *v = http_query(r, name);
    return v && *v ? v : NULL;
}

/* Is object kind:id inside the caller's scope?  ST_NOT_FOUND / ST_FORBIDDEN from the one check. */
static st oa_check(http_req *r, const char *kind, int64_t id, err *e) {
    scope_who who = scope_who_of(http_uc(r));
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    return scope_check(http_db(r), &who, kind, key, e);
}

/* May the caller reach organization id, named by field? */
static st oa_reach_org(http_req *r, int64_t id, const char *field, err *e) {
    st s = oa_check(r, "org", id, e);
    if (s == ST_NOT_FOUND) return err_field(e, ST_NOT_FOUND, field, "未找到编号为 %lld 的党组织。", (long long)id);
    if (s == ST_FORBIDDEN)
        return err_field(e, ST_FORBIDDEN, field, "党组织 %lld 不在您的数据范围内，或不存在，无权操作。", (long long)id);
    return s;
}

static st oa_reach_ent(http_req *r, int64_t id, const char *field, err *e) {
    st s = oa_check(r, "enterprise", id, e);
    if (s == ST_NOT_FOUND) return err_field(e, ST_INVALID, field, "企业编号 %lld 不在企业台账中。", (long long)id);
    if (s) snprintf(e->field, sizeof e->field, "%s", field);
    return s;
}

static st oa_reach_region(http_req *r, const char *code, const char *field, err *e) {
    if (!code || !*code) return ST_OK;
    scope_who who = scope_who_of(http_uc(r));
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
    st s = org_store_get(http_uc(r), id, NULL, &o, e);
    if (s) return s;
    return http_reply_json(r, status, json_pack("{s:o}", "org", o));
}

static st oa_list_reply(http_req *r, json_t *items, int64_t total, const http_page *pg) {
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg->page, "size", (json_int_t)pg->size));
}

/* The page a store is asked for: pg (http_paging) in the order of the route's sort keys (def when none given). */
static st oa_page(http_req *r, const char *def, const char *tie, const http_page *pg, uc_page *page, err *e) {
    const char *order = NULL;
    st s = http_order(r, def, tie, &order, e);
    *page = (uc_page){pg->size, pg->offset, order};
    return s;
}

/* ---- organizations ---- */

/* parent_id=N: its children (the lazily opened tree); roots=1: the top
 * organizations of the caller's scope (no parent, or a parent outside it). */
static st h_org_list(http_req *r, err *e) {
    http_page pg;
    uc_page page;
    char day[11];
    st s = http_paging(r, &pg, e);
    if (!s) s = org_day_arg(http_query(r, "date"), "date", day, e);
    if (s) return s;
    org_filter f = {.day = day, .kind = oa_q(r, "kind"), .district = oa_q(r, "district"), .q = oa_q(r, "q"),
                    .status = oa_q(r, "status")};
    if (f.kind && !org_kind_valid(f.kind))
        return err_field(e, ST_INVALID, "kind", "kind=“%s”无效，应为 党委、党总支、党支部、联合党支部、临时党支部 或 工委。", f.kind);
    if (!f.status) f.status = "active";
    if (strcmp(f.status, "active") && strcmp(f.status, "all"))
        return err_field(e, ST_INVALID, "status", "status 应为 active（当日有效）或 all。");
    int64_t roots = 0;
    if ((s = http_query_int(r, "parent_id", 0, 0, INT64_MAX, &f.parent_id, e))) return s;
    if ((s = http_query_int(r, "roots", 0, 0, 1, &roots, e))) return s;
    f.roots = roots != 0;
    if ((s = oa_page(r, "path", "q.id", &pg, &page, e))) return s;
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = org_store_list(http_uc(r), &f, &page, &items, &total, e))) return s;
    return oa_list_reply(r, items, total, &pg);
}

static const char *const oa_create_fields[] = {"name", "kind", "parent_id", "district_code", "park_code", "street_code",
                                               "based_on", "base_name", "secretary", "committee", "established_on",
                                               "enterprise_ids", "approved", "note", NULL};

/* The fields of an org_new from the body (create and split share them). */
static st oa_org_fields(http_req *r, org_new *o, bool split, err *e) {
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
    return s;
}

/* Read an org_new from the body; the caller must reach everything it names.
 * A split names enterprises of the organization being split (the store
 * refuses any other), which the caller reaches already: so an
 * organization's own administrator can split it. */
static st oa_org_new(http_req *r, org_new *o, bool split, err *e) {
    st s = oa_org_fields(r, o, split, e);
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
    int64_t id = 0;
    st s = oa_org_new(r, &o, false, e);
    if (!s) s = org_store_create(http_uc(r), &o, &id, e);
    return s ? s : oa_reply_org(r, 201, id, e);
}

/* The organization of the path: the route's scope ("org:{id}") has placed it in the caller's scope. */
static st oa_id(http_req *r, int64_t *id, err *e) { return http_param_int(r, "id", id, e); }

static st h_org_get(http_req *r, err *e) {
    int64_t id;
    char day[11];
    json_t *o = NULL;
    st s = oa_id(r, &id, e);
    if (!s) s = org_day_arg(http_query(r, "date"), "date", day, e);
    if (!s) s = org_store_get(http_uc(r), id, day, &o, e);
    if (s) return s;
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
    if (!s) s = org_store_upgrade(http_uc(r), id, to, day, approved, note, e);
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
    if (!s) s = org_store_merge(http_uc(r), id, into, day, note, e);
    return s ? s : oa_reply_org(r, 200, into, e);
}

/* Without parent_id the new part goes beside the old one: the caller must
 * reach that parent too (an organization's administrator splitting their
 * top organization would otherwise create one outside their own scope). */
static st oa_split_parent(http_req *r, int64_t id, err *e) {
    int64_t parent = 0;
    st s = org_store_parent(http_uc(r), id, &parent, e);
    if (!s && parent && oa_reach_org(r, parent, "parent_id", e))
        s = err_field(e, ST_FORBIDDEN, "parent_id",
                      "拆分出的党组织将与原组织同级，位于您的数据范围之外；请指定您范围内的上级党组织（parent_id）。");
    return s;
}

static st h_org_split(http_req *r, err *e) {
    int64_t id, nid = 0;
    org_new o;
    st s = oa_id(r, &id, e);
    if (!s) s = oa_org_new(r, &o, true, e);
    if (!s && !o.kind) o.kind = "党支部";   /* the new part keeps the kind of a branch */
    if (!s && !o.parent_id) s = oa_split_parent(r, id, e);
    if (!s) s = org_store_split(http_uc(r), id, &o, &nid, e);
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
    if (!s) s = org_store_dissolve(http_uc(r), id, day, note, e);
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
    if (!s) s = org_store_cover_add(http_uc(r), id, ent, day, e);
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
    if (!s) s = org_store_cover_remove(http_uc(r), id, ent, day, note, e);
    return s ? s : oa_reply_org(r, 200, id, e);
}

static st h_events(http_req *r, err *e) {
    http_page pg;
    uc_page page;
    org_event_filter f = {.district = oa_q(r, "district"), .from = oa_q(r, "from"), .to = oa_q(r, "to"), .kind = oa_q(r, "kind")};
    st s = http_paging(r, &pg, e);
    if (!s) s = http_query_int(r, "org_id", 0, 0, INT64_MAX, &f.org_id, e);
    if (!s) s = http_query_int(r, "enterprise_id", 0, 0, INT64_MAX, &f.enterprise_id, e);
    if (!s && f.from && !org_day_parse(f.from, NULL, NULL, NULL)) s = err_field(e, ST_INVALID, "from", "from 应为 YYYY-MM-DD。");
    if (!s && f.to && !org_day_parse(f.to, NULL, NULL, NULL)) s = err_field(e, ST_INVALID, "to", "to 应为 YYYY-MM-DD。");
    if (!s) s = oa_page(r, "day", "q.id", &pg, &page, e);
    json_t *items = NULL;
    int64_t total = 0;
    if (!s) s = org_store_events(http_uc(r), &f, &page, &items, &total, e);
    return s ? s : oa_list_reply(r, items, total, &pg);
}

static st h_findings(http_req *r, err *e) {
    char day[11];
    int64_t max = 0;
    json_t *out = NULL;
    st s = org_day_arg(http_query(r, "date"), "date", day, e);
    if (!s) s = http_query_int(r, "max", 200, 0, 100000, &max, e);
    if (!s) s = org_store_findings(http_uc(r), day, oa_q(r, "district"), (size_t)max, &out, e);
    return s ? s : http_reply_json(r, 200, out);
}

/* All the findings (no cap but export-row-cap) as a workbook: a download,
 * audited like a list export before it is sent. */
static st h_findings_xlsx(http_req *r, err *e) {
    char day[11];
    uc *c = http_uc(r);
    const char *district = oa_q(r, "district"), *path = NULL;
    json_t *f = NULL, *names = NULL;
    st s = org_day_arg(http_query(r, "date"), "date", day, e);
    /* each sheet holds at most export-row-cap rows (and says so past it): build no more
     * than one over the cap; the counts on the summary sheet are over everything */
    if (!s) s = org_store_findings(c, day, district, (size_t)cfg_int("export-row-cap") + 1, &f, e);
    if (!s && !arena_json(&r->mem, f)) s = err_set(e, ST_NOMEM, "内存不足。");
    if (!s) s = org_store_region_names(c, &names, e);
    if (!s && !arena_json(&r->mem, names)) s = err_set(e, ST_NOMEM, "内存不足。");
    if (!s) s = http_tempfile(r, &path, e);
    if (!s) s = org_findings_xlsx(f, names, org_store_scope_name(c), path, e);
    if (s) return s;
    const char *det = arena_printf(&r->mem, "规则提示 截至 %s：企业 %zu、党组织 %zu、联合组建建议 %zu 组%s%s", day,
                                   json_array_size(json_object_get(f, "enterprises")), json_array_size(json_object_get(f, "orgs")),
                                   json_array_size(json_object_get(f, "joint")), district ? "；区 " : "", district ? district : "");
    if ((s = http_audit(r, "list.export", "/api/org/findings.xlsx", "ok", det, e))) return s;
    char *name = arena_printf(&r->mem, "规则提示-%s.xlsx", day);
    return name ? http_reply_file(r, path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name, e)
                : err_set(e, ST_NOMEM, "内存不足。");
}

/* ---- instructors ---- */

static st h_ins_list(http_req *r, err *e) {
    http_page pg;
    uc_page page;
    char day[11];
    st s = http_paging(r, &pg, e);
    if (!s) s = org_day_arg(http_query(r, "date"), "date", day, e);
    if (s) return s;
    org_instructor_filter f = {day, oa_q(r, "district"), oa_q(r, "status")};
    if (!f.status) f.status = "active";
    if (strcmp(f.status, "active") && strcmp(f.status, "all")) return err_field(e, ST_INVALID, "status", "status 应为 active 或 all。");
    if ((s = oa_page(r, "from_day", "q.id", &pg, &page, e))) return s;
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = org_store_instructors(http_uc(r), &f, &page, &items, &total, e))) return s;
    return oa_list_reply(r, items, total, &pg);
}

static st oa_reply_instructor(http_req *r, int status, int64_t id, err *e) {
    json_t *row = NULL;
    st s = org_store_instructor_get(http_uc(r), id, &row, e);
    return s ? s : http_reply_json(r, status, json_pack("{s:o}", "instructor", row));
}

static st h_ins_assign(http_req *r, err *e) {
    static const char *const f[] = {"name", "phone", "org_id", "day", NULL};
    int64_t ent = 0, org_id = 0, id = 0;
    const char *name = NULL, *phone = NULL, *day = NULL;
    st s = http_param_int(r, "id", &ent, e);
    if (!s) s = oa_body(r, f, e);
    if (!s) s = jsonx_str(r->json, "name", true, 2, 20, &name, e);
    if (!s) s = jsonx_str(r->json, "phone", false, 0, 20, &phone, e);
    if (!s) s = jsonx_int(r->json, "org_id", false, 1, INT64_MAX, 0, &org_id, e);
    if (!s) s = jsonx_str(r->json, "day", true, 10, 10, &day, e);
    if (!s && org_id) s = oa_reach_org(r, org_id, "org_id", e);
    if (!s) s = org_store_instructor_assign(http_uc(r), ent, name, phone, org_id, day, &id, e);
    return s ? s : oa_reply_instructor(r, 201, id, e);
}

static st h_ins_withdraw(http_req *r, err *e) {
    static const char *const f[] = {"day", "note", NULL};
    int64_t id, ent = 0, owner = 0;
    const char *day = NULL, *note = NULL;
    st s = http_param_int(r, "id", &ent, e);
    if (!s) s = http_param_int(r, "instructor_id", &id, e);
    if (!s) {
        s = org_store_instructor_enterprise(http_uc(r), id, &owner, e);
        if (s == ST_NOT_FOUND || (!s && owner != ent))
            s = err_field(e, ST_NOT_FOUND, "instructor_id", "企业 %lld 没有编号为 %lld 的党建指导员选派记录。", (long long)ent,
                          (long long)id);
    }
    if (!s) s = oa_body(r, f, e);
    if (!s) s = jsonx_str(r->json, "day", true, 10, 10, &day, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 500, &note, e);
    if (!s) s = org_store_instructor_withdraw(http_uc(r), id, day, note, e);
    return s ? s : oa_reply_instructor(r, 200, id, e);
}

/* The full phone of an instructor, after the caller re-enters their
 * password; shown only once its audit row is committed. */
static st h_ins_reveal(http_req *r, err *e) {
    static const char *const f[] = {"password", NULL};
    int64_t id;
    const char *pw;
    char *phone = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = oa_body(r, f, e);
    if (!s) s = jsonx_str(r->json, "password", true, 1, 256, &pw, e);
    if (!s) s = auth_reauth(r, pw, e);
    if (!s) s = org_store_instructor_phone(http_uc(r), id, &phone, e);
    if (phone && !arena_own(&r->mem, phone)) s = err_set(e, ST_NOMEM, "内存不足。");
    if (!s) s = http_audit(r, "instructor.reveal", arena_printf(&r->mem, "instructor:%lld", (long long)id), "ok",
                           "查看党建指导员完整电话", e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:I,s:s?}", "id", (json_int_t)id, "phone", phone));
}

/* Lists: the keys they sort by and the columns of their Excel export (listq.c). */
static const http_sort_key oa_org_sort[] = {
    {"path", "q.path"}, {"name", "q.name", true}, {"kind", "q.kind", true}, {"district_name", "q.district_name", true},
    {"secretary", "q.secretary", true}, {"established_on", "q.established_on"}, {"dissolved_on", "q.dissolved_on"},
    {"units", "q.units"}, {"children", "q.children"}, {"id", "q.id"}, {NULL, NULL}};
/* columns and labels from the dictionary (data/fields.json lists.orgs), as on the screen */
#define OA_ORG_EXPORT "党组织|#orgs"
static const http_sort_key oa_event_sort[] = {
    {"day", "q.day"}, {"kind", "q.kind"}, {"org_name", "q.org_name", true}, {"enterprise_name", "q.enterprise_name", true},
    {"district_name", "q.district_name", true}, {"actor", "q.actor"}, {"id", "q.id"}, {NULL, NULL}};
/* columns and labels from the dictionary (data/fields.json lists.org_events, lists.instructors), as on the screen */
#define OA_EVENT_EXPORT "组织变动记录|#org_events"
static const http_sort_key oa_ins_sort[] = {
    {"from_day", "q.from_day"}, {"to_day", "q.to_day"}, {"name", "q.name", true}, {"enterprise_name", "q.enterprise_name", true},
    {"district_code", "q.district_code"}, {"id", "q.id"}, {NULL, NULL}};
#define OA_INS_EXPORT "党建指导员|#instructors"

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
     "org", NULL, .download = true},
    {"GET", "/api/instructors", "org.read", h_ins_list, HB_NONE, "党建指导员选派列表", "org", NULL, OA_INS_EXPORT, oa_ins_sort},
    {"POST", "/api/enterprises/{id}/instructors", "org.write", h_ins_assign, HB_JSON, "向企业选派党建指导员", "org",
     "enterprise:{id}"},
    {"POST", "/api/enterprises/{id}/instructors/{instructor_id}/withdraw", "org.write", h_ins_withdraw, HB_JSON,
     "撤回党建指导员", "org", "enterprise:{id}"},
    {"POST", "/api/instructors/{id}/reveal", "contact.reveal", h_ins_reveal, HB_JSON, "查看党建指导员完整电话（需密码，记入审计）",
     "org", "instructor:{id}"},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
