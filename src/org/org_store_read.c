/* org_store_read — the org module's reads (see org_store.h): one
 * organization as of a day with its rules, the organization list, the
 * event log, and the region names its pages and workbooks show.  Lists
 * keep to the caller's scope with SCOPE_COND bound by scope_bind. */
#include "org/org_store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/scope.h"
#include "db/db_like.h"

/* ---- one organization ---- */

/* The findings of an organization active on day: [{code, label, rule}]. */
static json_t *org_get_findings(const org_row *o, const char *day, const org_unit *in) {
    org_thresholds t;
    org_thresholds_load(&t);
    org_unit u = *in;
    u.id = o->id;
    u.kind = o->kind;
    u.has_committee = o->has_committee;
    unsigned f = org_kind_covers(o->kind) && !(o->dissolved[0] && strcmp(o->dissolved, day) <= 0) ? org_rules_org(&t, &u) : 0;
    json_t *fa = json_array();
    char rule[256];
    for (int b = 0; b < ORG_F__COUNT; b++)
        if (f & (1u << b)) {
            org_finding_rule(&t, 1 << b, rule, sizeof rule);
            json_array_append_new(fa, json_pack("{s:s,s:s,s:s}", "code", org_finding_code(1 << b), "label",
                                                org_finding_label(1 << b), "rule", rule));
        }
    return fa;
}

/* The parts of one organization's page, each one query. */
typedef struct org_parts { json_t *row, *covers, *hist, *children, *events; } org_parts;

static void org_parts_free(org_parts *p) {
    json_decref(p->row);
    json_decref(p->covers);
    json_decref(p->hist);
    json_decref(p->children);
    json_decref(p->events);
}

static st org_get_parts(uc *c, int64_t id, const char *day, org_parts *p, err *e) {
    db *d = c->d;
    st s = db_query_json(d, &p->row,
                         "SELECT o.id, o.parent_id, p.name AS parent_name, o.path, o.name, o.kind, o.district_code, "
                         "g.name AS district_name, o.park_code, k.name AS park_name, o.street_code, o.based_on, o.base_name, "
                         "o.secretary, o.committee, o.established_on, o.dissolved_on FROM org o "
                         "LEFT JOIN org p ON p.id = o.parent_id LEFT JOIN region g ON g.code = o.district_code "
                         "LEFT JOIN region k ON k.code = o.park_code WHERE o.id = $1", e, "i", id);
    if (!s)
        s = db_query_json(d, &p->covers,
                          "SELECT c.enterprise_id, e.name, e.district_code, e.park_code, e.category, e.employees, e.members, "
                          "c.joint, c.from_day, c.to_day FROM org_cover c JOIN enterprise e ON e.id = c.enterprise_id "
                          "WHERE c.org_id = $1 AND c.from_day <= $2 AND (c.to_day IS NULL OR c.to_day > $2) ORDER BY e.name",
                          e, "it", id, day);
    if (!s)
        s = db_query_json(d, &p->hist,
                          "SELECT c.enterprise_id, e.name, c.joint, c.from_day, c.to_day FROM org_cover c "
                          "JOIN enterprise e ON e.id = c.enterprise_id WHERE c.org_id = $1 ORDER BY c.from_day, c.id",
                          e, "i", id);
    if (!s)
        s = db_query_json(d, &p->children,
                          "SELECT id, name, kind, established_on, dissolved_on FROM org WHERE parent_id = $1 "
                          "ORDER BY established_on, id LIMIT 1000", e, "i", id);
    if (!s)
        s = db_query_json(d, &p->events,
                          "SELECT v.id, v.day, v.kind, v.enterprise_id, e.name AS enterprise_name, v.other_org_id, "
                          "x.name AS other_org_name, v.from_kind, v.to_kind, v.note, v.actor FROM org_event v "
                          "LEFT JOIN enterprise e ON e.id = v.enterprise_id LEFT JOIN org x ON x.id = v.other_org_id "
                          "WHERE v.org_id = $1 OR v.other_org_id = $1 ORDER BY v.day, v.id LIMIT 1000", e, "i", id);
    return s;
}

st org_store_get(uc *c, int64_t id, const char *day, json_t **out, err *e) {
    char today[11];
    if (!day) {
        org_today(today);
        day = today;
    }
    org_row o;
    org_parts p = {0};
    int64_t members = 0, units = 0, reg_full = 0, reg_all = 0;
    bool used = false;
    org_unit u = {0};
    st s = org_row_load(c, id, &o, e);
    if (!s) s = org_get_parts(c, id, day, &p, e);
    if (!s) s = org_members_on(c, o.path, day, &members, &units, e);
    if (!s) s = org_registry_on(c, o.path, day, &reg_full, &reg_all, e);
    if (!s) s = org_registry_used(c, &used, e);
    if (s) {
        org_parts_free(&p);
        return s;
    }
    json_t *obj = json_incref(json_array_get(p.row, 0));
    /* committee is stored as JSON text: hand it back as an array */
    const char *ct = json_string_value(json_object_get(obj, "committee"));
    json_t *cj = ct ? json_loads(ct, 0, NULL) : NULL;
    json_object_set_new(obj, "committee", cj ? cj : json_null());
    json_object_set_new(obj, "as_of", json_string(day));
    json_object_set_new(obj, "members", json_integer(members));
    json_object_set_new(obj, "units", json_integer(units));
    /* the registry's roll (its own and below): 正式党员 and all members on the day */
    json_object_set_new(obj, "reg_full", json_integer(reg_full));
    json_object_set_new(obj, "reg_members", json_integer(reg_all));
    u.members = (int)members;
    u.units = (int)units;
    u.registry = used;
    u.registry_full = (int)reg_full;
    u.no_secretary = o.no_secretary;
    u.committee_seats = o.seats;
    u.seats_known = true;
    json_object_set_new(obj, "findings", org_get_findings(&o, day, &u));
    json_object_set(obj, "covers", p.covers);
    json_object_set(obj, "cover_history", p.hist);
    json_object_set(obj, "children", p.children);
    json_object_set(obj, "events", p.events);
    org_parts_free(&p);
    *out = obj;
    return ST_OK;
}

st org_store_parent(uc *c, int64_t id, int64_t *parent, err *e) {
    return db_query_int(c->d, parent, "SELECT COALESCE(parent_id, 0) FROM org WHERE id = $1", e, "i", id);
}

/* ---- the organization list ---- */

/* An organization belongs to the enterprises it covers or covered (an
 * investor sees their enterprise's organizations): the caller's enterprise
 * when it is one of them, else NULL. */
#define ORG_LIST_ENT(O)                                                                                           \
    "(SELECT MIN(c.enterprise_id) FROM org_cover c WHERE c.org_id = " O ".id AND CAST(c.enterprise_id AS TEXT) = " \
    "CAST($2 AS TEXT))"
#define ORG_LIST_WHERE                                                                                            \
    " FROM org o LEFT JOIN region g ON g.code = o.district_code LEFT JOIN region k ON k.code = o.park_code WHERE "                                         \
    "(CAST($3 AS TEXT) IS NULL OR o.kind = $3) AND (CAST($4 AS TEXT) IS NULL OR o.district_code = $4) "          \
    "AND (CAST($5 AS TEXT) IS NULL OR o.name LIKE " DB_LIKE_CONTAINS("$5") ") "                                             \
    "AND (CAST($6 AS TEXT) = 'all' OR (o.established_on <= $7 AND (o.dissolved_on IS NULL OR o.dissolved_on > $7))) " \
    "AND ($8 = 0 OR o.parent_id = $8) AND ($9 = 0 OR o.parent_id IS NULL OR NOT EXISTS (SELECT 1 FROM org p "        \
    "WHERE p.id = o.parent_id AND " SCOPE_COND("$1", "$2", "p.district_code", "p.park_code", "p.path", ORG_LIST_ENT("p"), "NULL") \
    ")) AND " SCOPE_COND("$1", "$2", "o.district_code", "o.park_code", "o.path", ORG_LIST_ENT("o"), "NULL")

st org_store_list(uc *c, const org_filter *f, const uc_page *pg, json_t **items, int64_t *total, err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    const char *status = f->status ? f->status : "active";
    int64_t parent = f->parent_id, roots = f->roots ? 1 : 0;
    st s = db_query_int(c->d, total, "SELECT COUNT(*)" ORG_LIST_WHERE, e, "tttttttii", k, code, f->kind, f->district, f->q,
                        status, f->day, parent, roots);
    if (s) return s;
    const char *sql = arena_printf(
        c->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $10 OFFSET $11",
        "SELECT o.id, o.name, o.kind, o.parent_id, o.path, o.district_code, g.name AS district_name, o.park_code, "
        "k.name AS park_name, "
        "o.street_code, o.based_on, o.base_name, o.secretary, o.established_on, o.dissolved_on, "
        "(SELECT COUNT(*) FROM org_cover c WHERE c.org_id = o.id AND c.from_day <= $7 "
        "AND (c.to_day IS NULL OR c.to_day > $7)) AS units, "
        "(SELECT COUNT(*) FROM org ch WHERE ch.parent_id = o.id AND (CAST($6 AS TEXT) = 'all' OR "
        "(ch.established_on <= $7 AND (ch.dissolved_on IS NULL OR ch.dissolved_on > $7)))) AS children" ORG_LIST_WHERE,
        pg->order ? pg->order : "q.path, q.id");
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    s = db_query_json(c->d, items, sql, e, "tttttttiiii", k, code, f->kind, f->district, f->q, status, f->day, parent,
                      roots, pg->limit, pg->offset);
    /* the registry's counts of the page's organizations (their rolls and those below) on the day */
    size_t i;
    json_t *it;
    json_array_foreach(s ? NULL : *items, i, it) {
        int64_t full = 0, all = 0;
        if ((s = org_registry_on(c, json_string_value(json_object_get(it, "path")), f->day, &full, &all, e))) break;
        json_object_set_new(it, "reg_full", json_integer(full));
        json_object_set_new(it, "reg_members", json_integer(all));
    }
    if (s) {
        json_decref(*items);
        *items = NULL;
    }
    return s;
}

/* ---- the event log ---- */

#define ORG_EVENTS_WHERE                                                                                     \
    " FROM org_event v LEFT JOIN enterprise e ON e.id = v.enterprise_id LEFT JOIN org o ON o.id = v.org_id " \
    "LEFT JOIN region g ON g.code = v.district_code "                                                         \
    "WHERE ($1 = 0 OR v.org_id = $1 OR v.other_org_id = $1) AND ($2 = 0 OR v.enterprise_id = $2) "           \
    "AND (CAST($3 AS TEXT) IS NULL OR v.district_code = $3) AND (CAST($4 AS TEXT) IS NULL OR v.day >= $4) "   \
    "AND (CAST($5 AS TEXT) IS NULL OR v.day <= $5) AND (CAST($6 AS TEXT) IS NULL OR v.kind = $6) AND "        \
    SCOPE_COND("$7", "$8", "v.district_code", "COALESCE(e.park_code, o.park_code)", "o.path", "v.enterprise_id", "NULL")

st org_store_events(uc *c, const org_event_filter *f, const uc_page *pg, json_t **items, int64_t *total, err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    st s = db_query_int(c->d, total, "SELECT COUNT(*)" ORG_EVENTS_WHERE, e, "iitttttt", f->org_id, f->enterprise_id,
                        f->district, f->from, f->to, f->kind, k, code);
    if (s) return s;
    const char *sql = arena_printf(c->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $9 OFFSET $10",
                                   "SELECT v.id, v.day, v.kind, v.org_id, o.name AS org_name, o.kind AS org_kind, v.enterprise_id, "
                                   "e.name AS enterprise_name, v.other_org_id, v.district_code, g.name AS district_name, v.from_kind, "
                                   "v.to_kind, v.note, v.actor" ORG_EVENTS_WHERE,
                                   pg->order ? pg->order : "q.day, q.id");
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    return db_query_json(c->d, items, sql, e, "iittttttii", f->org_id, f->enterprise_id, f->district, f->from, f->to, f->kind,
                         k, code, pg->limit, pg->offset);
}

/* ---- regions ---- */

const char *org_store_scope_name(uc *c) {
    /* the city, or the district or park of a worker there (their total, not the city's) */
    const char *k, *code;
    scope_bind(c, &k, &code);
    char *name = NULL;
    bool area = !strcmp(k, "district") || !strcmp(k, "park");
    if (area && db_query_text(c->d, &name, "SELECT name FROM region WHERE code = $1", NULL, "t", code)) name = NULL;
    if (!name && db_query_text(c->d, &name, "SELECT name FROM region WHERE kind = 'city' ORDER BY code LIMIT 1", NULL, ""))
        name = NULL;
    const char *out = arena_strdup(c->mem, name ? name : "全市");
    free(name);
    return out ? out : "全市";
}

st org_store_region_names(uc *c, json_t **names, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, "SELECT code, name FROM region", e, "");
    if (s) return s;
    json_t *o = json_object();
    size_t i;
    json_t *g;
    json_array_foreach(rows, i, g) json_object_set(o, json_string_value(json_object_get(g, "code")), json_object_get(g, "name"));
    json_decref(rows);
    *names = o;
    return ST_OK;
}
