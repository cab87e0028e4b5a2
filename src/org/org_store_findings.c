/* org_store_findings — what the formation rules need over a scope, loaded
 * in one pass each (see findings.h): the scope's enterprises, the
 * organizations active on the day with the kind they had then, the covers
 * active on the day (which enterprises are covered, and by an own
 * organization; each organization's own members and units) and the
 * instructors.  The rules (findings.c) run over the loaded set.
 *
 * Each pass is a plain scan whose rows are matched to the loaded set in C
 * (enterprises and organizations are sorted by id): at a province's size
 * (500,000 enterprises, 200,000 organizations) a join per row — the covers
 * grouped per enterprise and probed for each, an organization's upgrade
 * looked up for each organization — cost more than the scans themselves
 * (bench/coverage.txt, "findings"). */
#include "org/org_store_int.h"

#include <stdlib.h>
#include <string.h>

#include "auth/scope.h"

/* Strings go to the set's arena (a province's million of them: one free, not a million). */
static char *org_dup(org_fset *fs, const char *s) { return arena_strdup(&fs->mem, s ? s : ""); }

/* An enterprise's district, park and street on the day (pl: its earlier place that day, if any). */
#define ORG_ENT_D "(CASE WHEN pl.enterprise_id IS NULL THEN e.district_code ELSE pl.district_code END)"
#define ORG_ENT_P "(CASE WHEN pl.enterprise_id IS NULL THEN e.park_code ELSE pl.park_code END)"
#define ORG_ENT_S "(CASE WHEN pl.enterprise_id IS NULL THEN e.street_code ELSE pl.street_code END)"

/* The enterprises outside the set (a zombie, out of the register, another district or scope), sorted
 * by id: their members count for the organizations that cover them all the same. */
typedef struct org_other {
    int64_t id, members;
} org_other;
typedef struct org_others {
    org_other *v;
    size_t n, cap;
} org_others;

/* One scan of every enterprise: the scope's (and one district's, NULL = all) into the set, sorted by id,
 * the others' members into out; their covers and instructors come after (org_findings_covers,
 * org_findings_instructors). */
static st org_findings_ents(uc *c, const char *day, const char *district, org_fset *fs, org_others *out, err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT e.id, e.name, " ORG_ENT_D ", " ORG_ENT_P ", " ORG_ENT_S ", e.address, COALESCE(e.employees, 0), "
                      ORG_ENT_MEMBERS ", e.reg_from, "
                      "CASE WHEN e.zombie = 0 AND (e.reg_from IS NULL OR e.reg_from <= $1) AND (e.reg_to IS NULL OR e.reg_to > $1) "
                      "AND (CAST($2 AS TEXT) IS NULL OR " ORG_ENT_D " = $2) AND "
                      SCOPE_COND("$3", "$4", ORG_ENT_D, ORG_ENT_P, "NULL", "e.id", "NULL")
                      " THEN 1 ELSE 0 END "
                      "FROM enterprise e "
                      /* where it was that day (issue 23, migration 0073: only enterprises that moved have rows) */
                      "LEFT JOIN (SELECT enterprise_id, district_code, park_code, street_code FROM enterprise_place "
                      "  WHERE to_day > $1 AND (from_day IS NULL OR from_day <= $1)) pl ON pl.enterprise_id = e.id "
                      "ORDER BY e.id",
                      &q, e);
    if (s) return s;
    db_bind_text(q, 1, day);
    db_bind_text(q, 2, district);
    db_bind_text(q, 3, k);
    db_bind_text(q, 4, code);
    size_t cap = 0;
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        if (!db_col_int(q, 9)) {
            org_other *o = arena_push(&fs->mem, (void **)&out->v, &out->n, &out->cap, 1024, sizeof *out->v);
            if (!o) { r = DB_ERROR; err_set(e, ST_NOMEM, "内存不足。"); break; }
            *o = (org_other){db_col_int(q, 0), db_col_int(q, 7)};
            continue;
        }
        if (fs->ne == cap) {
            cap = cap ? cap * 2 : 1024;
            org_fent *n = realloc(fs->ents, cap * sizeof *n);
            if (!n) { r = DB_ERROR; err_set(e, ST_NOMEM, "内存不足。"); break; }
            fs->ents = n;
        }
        org_fent *x = &fs->ents[fs->ne++];
        memset(x, 0, sizeof *x);
        x->name = org_dup(fs, db_col_text(q, 1));
        x->district = org_dup(fs, db_col_text(q, 2));
        x->park = org_dup(fs, db_col_text(q, 3));
        x->street = org_dup(fs, db_col_text(q, 4));
        char b[256];
        org_building_of(db_col_text(q, 5), b, sizeof b);
        x->building = org_dup(fs, b);
        x->registered = db_col_null(q, 8) ? NULL : org_dup(fs, db_col_text(q, 8));
        x->r = (org_ent){.id = db_col_int(q, 0), .employees = (int)db_col_int(q, 6), .members = (int)db_col_int(q, 7)};
        if (!x->name || !x->district || !x->park || !x->street || !x->building || (!x->registered && !db_col_null(q, 8))) {
            fs->ne--;
            r = DB_ERROR;
            err_set(e, ST_NOMEM, "内存不足。");
            break;
        }
    }
    db_reset(q);
    return r == DB_ERROR ? (e->code ? e->code : ST_NOMEM) : ST_OK;
}

/* Organizations active on day (of the district, and every 工委), sorted by id, with their
 * kind on that day: before a later upgrade, the kind the first upgrade after the day (by day, then id)
 * was from — the upgrades after the day numbered once per organization, not looked up for each. */
static st org_findings_orgs(uc *c, const char *day, const char *district, org_fset *fs, err *e) {
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT o.id, o.parent_id, o.name, "
                      "COALESCE(u.from_kind, o.kind), o.district_code, o.path, "
                      "CASE WHEN o.committee IS NOT NULL AND o.committee <> '[]' THEN 1 ELSE 0 END, "
                      "CASE WHEN o.secretary IS NULL OR TRIM(o.secretary) = '' THEN 1 ELSE 0 END, o.committee FROM org o "
                      "LEFT JOIN (SELECT v.org_id, v.from_kind FROM (SELECT org_id, from_kind, "
                      "  ROW_NUMBER() OVER (PARTITION BY org_id ORDER BY day, id) AS n FROM org_event "
                      "  WHERE kind = 'upgraded' AND day > $1) v WHERE v.n = 1) u ON u.org_id = o.id "
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
        o->name = org_dup(fs, db_col_text(q, 2));
        o->kind = org_dup(fs, db_col_text(q, 3));
        o->district = org_dup(fs, db_col_text(q, 4));
        if (!o->name || !o->kind || !o->district) {
            fs->no--;
            r = DB_ERROR;
            err_set(e, ST_NOMEM, "内存不足。");
            break;
        }
        for (const char *p = db_col_text(q, 5); p && *p; p++) o->depth += *p == '/';
        o->committee = db_col_int(q, 6) != 0;
        o->no_secretary = db_col_int(q, 7) != 0;
        o->seats = org_seats_of(db_col_null(q, 8) ? NULL : db_col_text(q, 8));
    }
    db_reset(q);
    return r == DB_ERROR ? (e->code ? e->code : ST_NOMEM) : ST_OK;
}

static int org_fent_cmp(const void *a, const void *b) {
    const org_fent *x = a, *y = b;
    return (x->r.id > y->r.id) - (x->r.id < y->r.id);
}

static org_fent *org_fset_ent(org_fset *fs, int64_t id) {
    org_fent key = {.r = {.id = id}};
    return fs->ne ? bsearch(&key, fs->ents, fs->ne, sizeof *fs->ents, org_fent_cmp) : NULL;   /* no set: ents is NULL */
}

static int org_other_cmp(const void *a, const void *b) {
    const org_other *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

/* The covers active on day, one scan: an enterprise of the set is covered, and by an own (not joint)
 * organization when any of its covers is not joint; each organization's own full members and units
 * (every covered enterprise counts for its organization, in the set or not — its members from the
 * enterprises' scan, not a join per cover). */
static st org_findings_covers(uc *c, const char *day, org_fset *fs, const org_others *others, err *e) {
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT c.org_id, c.enterprise_id, COALESCE(c.joint, 1) FROM org_cover c "
                      "WHERE c.from_day <= $1 AND (c.to_day IS NULL OR c.to_day > $1)",
                      &q, e);
    if (s) return s;
    db_bind_text(q, 1, day);
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        int64_t id = db_col_int(q, 1), members;
        org_fent *x = org_fset_ent(fs, id);
        if (x) {
            x->r.covered = true;
            if (db_col_int(q, 2) == 0) x->r.own_org = true;
            members = x->r.members;
        } else {
            org_other key = {.id = id};
            const org_other *y = others->n ? bsearch(&key, others->v, others->n, sizeof *others->v, org_other_cmp) : NULL;
            if (!y) continue;   /* no such enterprise */
            members = y->members;
        }
        org_forg *o = org_fset_find(fs, db_col_int(q, 0));
        if (o) {
            o->members += members;
            o->units++;
        }
    }
    db_reset(q);
    return r == DB_ERROR ? e->code : ST_OK;
}

/* The enterprises of the set with an instructor on day. */
static st org_findings_instructors(uc *c, const char *day, org_fset *fs, err *e) {
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT DISTINCT enterprise_id FROM org_instructor WHERE enterprise_id IS NOT NULL "
                      "AND from_day <= $1 AND (to_day IS NULL OR to_day > $1)", &q, e);
    if (s) return s;
    db_bind_text(q, 1, day);
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        org_fent *x = org_fset_ent(fs, db_col_int(q, 0));
        if (x) x->r.instructor = true;
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
    org_others others = {0};   /* in the set's arena */
    st s = org_findings_ents(c, day, district, fs, &others, e);
    if (!s) s = org_findings_orgs(c, day, district, fs, e);
    if (!s) s = org_findings_covers(c, day, fs, &others, e);
    if (!s) s = org_findings_instructors(c, day, fs, e);
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
