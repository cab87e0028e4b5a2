/* org_store_findings — what the formation rules need over a scope, loaded
 * in one pass each (see findings.h): the scope's enterprises with their
 * covers and instructors on the day, the organizations active on the day
 * with the kind they had then, and each organization's own members and
 * units.  The rules (findings.c) run over the loaded set. */
#include "org/org_store_int.h"

#include <stdlib.h>
#include <string.h>

#include "auth/scope.h"

static char *org_dup(const char *s) { return strdup(s ? s : ""); }

/* An enterprise's district, park and street on the day (pl: its earlier place that day, if any). */
#define ORG_ENT_D "(CASE WHEN pl.enterprise_id IS NULL THEN e.district_code ELSE pl.district_code END)"
#define ORG_ENT_P "(CASE WHEN pl.enterprise_id IS NULL THEN e.park_code ELSE pl.park_code END)"
#define ORG_ENT_S "(CASE WHEN pl.enterprise_id IS NULL THEN e.street_code ELSE pl.street_code END)"

/* The scope's enterprises (and one district, NULL = all), with covered at
 * all, covered by an own (not joint) organization, and an instructor. */
static st org_findings_ents(uc *c, const char *day, const char *district, org_fset *fs, err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT e.id, e.name, " ORG_ENT_D ", " ORG_ENT_P ", " ORG_ENT_S ", e.address, COALESCE(e.employees, 0), "
                      ORG_ENT_MEMBERS ", CASE WHEN cv.j = 0 THEN 1 ELSE 0 END, "
                      "CASE WHEN cv.enterprise_id IS NULL THEN 0 ELSE 1 END, CASE WHEN ins.enterprise_id IS NULL THEN 0 ELSE 1 END, e.reg_from "
                      "FROM enterprise e "
                      /* one pass over the covers: covered at all, and by an own (not joint) organization */
                      "LEFT JOIN (SELECT enterprise_id, MIN(joint) AS j FROM org_cover WHERE from_day <= $1 "
                      "  AND (to_day IS NULL OR to_day > $1) GROUP BY enterprise_id) cv ON cv.enterprise_id = e.id "
                      "LEFT JOIN (SELECT DISTINCT enterprise_id FROM org_instructor WHERE from_day <= $1 AND (to_day IS NULL OR to_day > $1)) ins "
                      "  ON ins.enterprise_id = e.id "
                      /* where it was that day (issue 23, migration 0073: only enterprises that moved have rows) */
                      "LEFT JOIN (SELECT enterprise_id, district_code, park_code, street_code FROM enterprise_place "
                      "  WHERE to_day > $1 AND (from_day IS NULL OR from_day <= $1)) pl ON pl.enterprise_id = e.id "
                      "WHERE e.zombie = 0 AND (e.reg_from IS NULL OR e.reg_from <= $1) AND (e.reg_to IS NULL OR e.reg_to > $1) "
                      "AND (CAST($2 AS TEXT) IS NULL OR " ORG_ENT_D " = $2) AND "
                      SCOPE_COND("$3", "$4", ORG_ENT_D, ORG_ENT_P, "NULL", "e.id", "NULL")
                      " ORDER BY e.id",
                      &q, e);
    if (s) return s;
    db_bind_text(q, 1, day);
    db_bind_text(q, 2, district);
    db_bind_text(q, 3, k);
    db_bind_text(q, 4, code);
    size_t cap = 0;
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        if (fs->ne == cap) {
            cap = cap ? cap * 2 : 1024;
            org_fent *n = realloc(fs->ents, cap * sizeof *n);
            if (!n) { r = DB_ERROR; err_set(e, ST_NOMEM, "内存不足。"); break; }
            fs->ents = n;
        }
        org_fent *x = &fs->ents[fs->ne++];
        memset(x, 0, sizeof *x);
        x->name = org_dup(db_col_text(q, 1));
        x->district = org_dup(db_col_text(q, 2));
        x->park = org_dup(db_col_text(q, 3));
        x->street = org_dup(db_col_text(q, 4));
        char b[256];
        org_building_of(db_col_text(q, 5), b, sizeof b);
        x->building = org_dup(b);
        x->registered = db_col_null(q, 11) ? NULL : strdup(db_col_text(q, 11));
        x->r = (org_ent){.id = db_col_int(q, 0), .employees = (int)db_col_int(q, 6), .members = (int)db_col_int(q, 7),
                         .own_org = db_col_int(q, 8) != 0, .covered = db_col_int(q, 9) != 0,
                         .instructor = db_col_int(q, 10) != 0};
    }
    db_reset(q);
    return r == DB_ERROR ? (e->code ? e->code : ST_NOMEM) : ST_OK;
}

/* Organizations active on day (of the district, and every 工委), with their
 * kind on that day: before a later upgrade, the kind it was upgraded from. */
static st org_findings_orgs(uc *c, const char *day, const char *district, org_fset *fs, err *e) {
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT o.id, o.parent_id, o.name, "
                      "COALESCE((SELECT v.from_kind FROM org_event v WHERE v.org_id = o.id AND v.kind = 'upgraded' AND v.day > $1 "
                      "ORDER BY v.day, v.id LIMIT 1), o.kind), o.district_code, o.path, "
                      "CASE WHEN o.committee IS NOT NULL AND o.committee <> '[]' THEN 1 ELSE 0 END, "
                      "CASE WHEN o.secretary IS NULL OR TRIM(o.secretary) = '' THEN 1 ELSE 0 END, o.committee FROM org o "
                      "WHERE o.established_on <= $1 AND (o.dissolved_on IS NULL OR o.dissolved_on > $1) "
                      "AND (CAST($2 AS TEXT) IS NULL OR o.district_code = $2 OR o.kind = '工委') ORDER BY o.id",
                      &q, e);
    if (s) return s;
    db_bind_text(q, 1, day);
    db_bind_text(q, 2, district);
    size_t cap = 0;
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        if (fs->no == cap) {
            cap = cap ? cap * 2 : 1024;
            org_forg *n = realloc(fs->orgs, cap * sizeof *n);
            if (!n) { r = DB_ERROR; err_set(e, ST_NOMEM, "内存不足。"); break; }
            fs->orgs = n;
        }
        org_forg *o = &fs->orgs[fs->no++];
        memset(o, 0, sizeof *o);
        o->id = db_col_int(q, 0);
        o->parent_id = db_col_null(q, 1) ? 0 : db_col_int(q, 1);
        o->name = org_dup(db_col_text(q, 2));
        o->kind = org_dup(db_col_text(q, 3));
        o->district = org_dup(db_col_text(q, 4));
        for (const char *p = db_col_text(q, 5); p && *p; p++) o->depth += *p == '/';
        o->committee = db_col_int(q, 6) != 0;
        o->no_secretary = db_col_int(q, 7) != 0;
        o->seats = org_seats_of(db_col_null(q, 8) ? NULL : db_col_text(q, 8));
    }
    db_reset(q);
    return r == DB_ERROR ? (e->code ? e->code : ST_NOMEM) : ST_OK;
}

/* Each organization's own full members and units on day (rolled up the tree by the rules). */
static st org_findings_members(uc *c, const char *day, org_fset *fs, err *e) {
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT c.org_id, CAST(SUM(" ORG_ENT_MEMBERS ") AS BIGINT), COUNT(*) FROM org_cover c "
                      "JOIN enterprise e ON e.id = c.enterprise_id WHERE c.from_day <= $1 AND (c.to_day IS NULL OR c.to_day > $1) "
                      "GROUP BY c.org_id", &q, e);
    if (s) return s;
    db_bind_text(q, 1, day);
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        org_forg *o = org_fset_find(fs, db_col_int(q, 0));
        if (o) {
            o->members = db_col_int(q, 1);
            o->units = db_col_int(q, 2);
        }
    }
    db_reset(q);
    return r == DB_ERROR ? e->code : ST_OK;
}

/* Each organization's own roll on day: the registry's 正式党员 still in the party. */
static st org_findings_registry(uc *c, const char *day, org_fset *fs, err *e) {
    st s = org_registry_used(c, &fs->registry, e);
    if (s || !fs->registry) return s;
    db_stmt *q;
    s = db_prepare(c->d,
                   "SELECT s.org_id, COUNT(*) FROM member_span s WHERE s.category = '正式党员' AND s.from_day <= $1 "
                   "AND (s.to_day IS NULL OR s.to_day > $1) AND s.state IN ('正常', '流动', '失联') GROUP BY s.org_id",
                   &q, e);
    if (s) return s;
    db_bind_text(q, 1, day);
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        org_forg *o = org_fset_find(fs, db_col_int(q, 0));
        if (o) o->reg_full = db_col_int(q, 1);
    }
    db_reset(q);
    return r == DB_ERROR ? e->code : ST_OK;
}

/* Load the set and run the rules over it; the caller frees fs either way. */
static st org_findings_load(uc *c, const char *day, const char *district, org_fset *fs, err *e) {
    memset(fs, 0, sizeof *fs);
    org_thresholds t;
    org_thresholds_load(&t);
    st s = org_findings_ents(c, day, district, fs, e);
    if (!s) s = org_findings_orgs(c, day, district, fs, e);
    if (!s) s = org_findings_members(c, day, fs, e);
    if (!s) s = org_findings_registry(c, day, fs, e);
    if (!s) s = org_findings_run(&t, fs, e);
    return s;
}

st org_store_findings(uc *c, const char *day, const char *district, size_t max_items, json_t **out, err *e) {
    org_fset fs;
    st s = org_findings_load(c, day, district, &fs, e);
    if (!s) {
        const char *k, *code;
        scope_bind(c, &k, &code);
        org_thresholds t;
        org_thresholds_load(&t);
        s = org_findings_json(&fs, day, k, code, max_items, t.key_employees, out, e);
    }
    org_fset_free(&fs);
    return s;
}

st org_store_findings_by_district(uc *c, const char *day, org_district_count **out, size_t *n, err *e) {
    org_fset fs;
    *out = NULL;
    *n = 0;
    st s = org_findings_load(c, day, NULL, &fs, e);
    org_district_count *all = NULL;
    if (!s) {
        all = malloc((fs.ne + fs.no + 1) * sizeof *all);
        if (!all) s = err_set(e, ST_NOMEM, "内存不足。");
    }
    if (!s) {
        /* the counts outlive the set: their district codes go into the use case's memory */
        size_t m = org_findings_by_district(&fs, all);
        *out = arena_calloc(c->mem, m ? m : 1, sizeof **out);
        if (!*out) s = err_set(e, ST_NOMEM, "内存不足。");
        for (size_t i = 0; !s && i < m; i++) {
            (*out)[i] = all[i];
            (*out)[i].district = arena_strdup(c->mem, all[i].district);
        }
        if (!s) *n = m;
    }
    free(all);
    org_fset_free(&fs);
    return s;
}
