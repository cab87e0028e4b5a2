/* findings — the formation rules applied to a whole scope on a day: every
 * enterprise and organization with something to do (应建未建, 联合组建, 选派指导员,
 * 应设支委会, 升格, 拆分) and the suggested joint branches.  Loads the scope's
 * enterprises, members and covers once and runs the pure rules of org.c over
 * them, so a city of 50,000 enterprises is one pass, not a query per unit.
 * findings_xlsx.c renders the result as a workbook. */
#include "org/findings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/scope.h"
#include "core/utf8.h"
#include "org/org.h"

/* ---- findings ---- */

typedef struct org_fent {
    org_ent r;
    char *name, *district, *park, *street, *building;
    unsigned f;
} org_fent;
typedef struct org_forg {
    int64_t id, parent_id;
    char *name, *kind, *district;
    int depth;
    int64_t members, units;
    bool committee;
    unsigned f;
} org_forg;

typedef struct org_fset {
    org_fent *ents;
    size_t ne;
    org_forg *orgs;
    size_t no;
    int *group;
    const char **level;
    int ngroups;
} org_fset;

static void org_fset_free(org_fset *fs) {
    for (size_t i = 0; i < fs->ne; i++) {
        free(fs->ents[i].name);
        free(fs->ents[i].district);
        free(fs->ents[i].park);
        free(fs->ents[i].street);
        free(fs->ents[i].building);
    }
    for (size_t i = 0; i < fs->no; i++) {
        free(fs->orgs[i].name);
        free(fs->orgs[i].kind);
        free(fs->orgs[i].district);
    }
    free(fs->ents);
    free(fs->orgs);
    free(fs->group);
    free(fs->level);
    memset(fs, 0, sizeof *fs);
}

static char *org_dup(const char *s) { return strdup(s ? s : ""); }

static int org_id_cmp(const void *a, const void *b) {
    const org_forg *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}
static org_forg *org_find(org_fset *fs, int64_t id) {
    org_forg key = {.id = id};
    return bsearch(&key, fs->orgs, fs->no, sizeof *fs->orgs, org_id_cmp);
}

/* Load enterprises and organizations as of day within the scope and run the rules. */
static st org_fset_load(db *d, const char *day, const char *k, const char *c, const char *district, org_fset *fs,
                        err *e) {
    memset(fs, 0, sizeof *fs);
    org_thresholds t;
    org_thresholds_load(&t);
    db_stmt *q;
    st s = db_prepare(d,
                      "SELECT e.id, e.name, e.district_code, e.park_code, e.street_code, e.address, COALESCE(e.employees, 0), "
                      "COALESCE(e.members, 0), CASE WHEN cv.j = 0 THEN 1 ELSE 0 END, "
                      "CASE WHEN cv.enterprise_id IS NULL THEN 0 ELSE 1 END, CASE WHEN ins.enterprise_id IS NULL THEN 0 ELSE 1 END "
                      "FROM enterprise e "
                      /* one pass over the covers: covered at all, and by an own (not joint) organization */
                      "LEFT JOIN (SELECT enterprise_id, MIN(joint) AS j FROM org_cover WHERE from_day <= $1 "
                      "  AND (to_day IS NULL OR to_day > $1) GROUP BY enterprise_id) cv ON cv.enterprise_id = e.id "
                      "LEFT JOIN (SELECT DISTINCT enterprise_id FROM org_instructor WHERE from_day <= $1 AND (to_day IS NULL OR to_day > $1)) ins "
                      "  ON ins.enterprise_id = e.id "
                      "WHERE e.zombie = 0 AND (CAST($2 AS TEXT) IS NULL OR e.district_code = $2) AND "
                      SCOPE_COND("$3", "$4", "e.district_code", "e.park_code", "NULL", "e.id", "NULL")
                      " ORDER BY e.id",
                      &q, e);
    if (s) return s;
    db_bind_text(q, 1, day);
    db_bind_text(q, 2, district);
    db_bind_text(q, 3, k);
    db_bind_text(q, 4, c);
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
        x->r = (org_ent){.id = db_col_int(q, 0), .employees = (int)db_col_int(q, 6), .members = (int)db_col_int(q, 7),
                         .own_org = db_col_int(q, 8) != 0, .covered = db_col_int(q, 9) != 0,
                         .instructor = db_col_int(q, 10) != 0};
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code ? e->code : ST_NOMEM;
    for (size_t i = 0; i < fs->ne; i++) {
        org_fent *x = &fs->ents[i];
        x->r.district = x->district;
        x->r.park = x->park;
        x->r.street = x->street;
        x->r.building = x->building;
        x->f = org_rules_enterprise(&t, &x->r);
    }
    /* Joint plan over the candidates. */
    size_t nc = 0;
    for (size_t i = 0; i < fs->ne; i++) nc += (fs->ents[i].f & ORG_F_JOINT) != 0;
    org_ent *cand = malloc((nc ? nc : 1) * sizeof *cand);
    size_t *back = malloc((nc ? nc : 1) * sizeof *back);
    fs->group = malloc((fs->ne ? fs->ne : 1) * sizeof *fs->group);
    fs->level = calloc(nc ? nc : 1, sizeof *fs->level);
    int *cg = malloc((nc ? nc : 1) * sizeof *cg);
    if (!cand || !back || !fs->group || !fs->level || !cg) {
        free(cand);
        free(back);
        free(cg);
        return err_set(e, ST_NOMEM, "内存不足。");
    }
    nc = 0;
    for (size_t i = 0; i < fs->ne; i++) {
        fs->group[i] = -1;
        if (fs->ents[i].f & ORG_F_JOINT) {
            cand[nc] = fs->ents[i].r;
            back[nc++] = i;
        }
    }
    fs->ngroups = org_joint_plan(&t, cand, nc, cg, fs->level);
    for (size_t i = 0; i < nc; i++) {
        fs->group[back[i]] = cg[i];
        /* A small unit no group could take: an instructor is the way. */
        if (cg[i] < 0) {
            fs->ents[back[i]].f &= ~(unsigned)ORG_F_JOINT;
            if (!fs->ents[back[i]].r.instructor) fs->ents[back[i]].f |= ORG_F_INSTRUCTOR;
        }
    }
    free(cand);
    free(back);
    free(cg);
    /* Organizations active on day, with their kind on that day. */
    s = db_prepare(d,
                   "SELECT o.id, o.parent_id, o.name, "
                   "COALESCE((SELECT v.from_kind FROM org_event v WHERE v.org_id = o.id AND v.kind = 'upgraded' AND v.day > $1 "
                   "ORDER BY v.day, v.id LIMIT 1), o.kind), o.district_code, o.path, "
                   "CASE WHEN o.committee IS NOT NULL AND o.committee <> '[]' THEN 1 ELSE 0 END FROM org o "
                   "WHERE o.established_on <= $1 AND (o.dissolved_on IS NULL OR o.dissolved_on > $1) "
                   "AND (CAST($2 AS TEXT) IS NULL OR o.district_code = $2 OR o.kind = '工委') ORDER BY o.id",
                   &q, e);
    if (s) return s;
    db_bind_text(q, 1, day);
    db_bind_text(q, 2, district);
    cap = 0;
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
        const char *p = db_col_text(q, 5);
        for (; p && *p; p++) o->depth += *p == '/';
        o->committee = db_col_int(q, 6) != 0;
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code ? e->code : ST_NOMEM;
    /* Direct members and units per organization, then rolled up the tree. */
    if ((s = db_prepare(d,
                        "SELECT c.org_id, CAST(SUM(COALESCE(e.members, 0)) AS BIGINT), COUNT(*) FROM org_cover c "
                        "JOIN enterprise e ON e.id = c.enterprise_id WHERE c.from_day <= $1 AND (c.to_day IS NULL OR c.to_day > $1) "
                        "GROUP BY c.org_id", &q, e)))
        return s;
    db_bind_text(q, 1, day);
    while ((r = db_step(q, e)) == DB_ROW) {
        org_forg *o = org_find(fs, db_col_int(q, 0));
        if (o) {
            o->members = db_col_int(q, 1);
            o->units = db_col_int(q, 2);
        }
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    int maxd = 0;
    for (size_t i = 0; i < fs->no; i++) maxd = fs->orgs[i].depth > maxd ? fs->orgs[i].depth : maxd;
    for (int dep = maxd; dep > 0; dep--)
        for (size_t i = 0; i < fs->no; i++) {
            if (fs->orgs[i].depth != dep || !fs->orgs[i].parent_id) continue;
            org_forg *p = org_find(fs, fs->orgs[i].parent_id);
            if (p) p->members += fs->orgs[i].members;
        }
    for (size_t i = 0; i < fs->no; i++) {
        org_forg *o = &fs->orgs[i];
        org_unit u = {.id = o->id, .kind = o->kind, .members = (int)o->members, .units = (int)o->units,
                      .has_committee = o->committee};
        o->f = org_rules_org(&t, &u);
    }
    return ST_OK;
}

static json_t *org_codes(unsigned f) {
    json_t *a = json_array();
    for (int b = 0; b < ORG_F__COUNT; b++)
        if (f & (1u << b)) json_array_append_new(a, json_string(org_finding_code(1 << b)));
    return a;
}

st org_findings(db *d, const char *day, const char *k, const char *c, const char *district, size_t max_items,
                json_t **out, err *e) {
    org_fset fs;
    st s = org_fset_load(d, day, k, c, district, &fs, e);
    if (s) {
        org_fset_free(&fs);
        return s;
    }
    int64_t counts[ORG_F__COUNT] = {0};
    org_thresholds t;
    org_thresholds_load(&t);
    int fs_key_employees = t.key_employees;
    json_t *ents = json_array(), *orgs = json_array(), *joint = json_array();
    for (size_t i = 0; i < fs.ne; i++) {
        org_fent *x = &fs.ents[i];
        for (int b = 0; b < ORG_F__COUNT; b++) counts[b] += (x->f >> b) & 1;
        if (!x->f || (max_items && json_array_size(ents) >= max_items)) continue;
        /* "key": a key enterprise by head count (rule-key-employees), first in line for an instructor */
        json_array_append_new(ents, json_pack("{s:I,s:s,s:s,s:s,s:i,s:i,s:b,s:b,s:b,s:o}", "id", (json_int_t)x->r.id, "name",
                                              x->name, "district_code", x->district, "park_code", x->park, "members",
                                              x->r.members, "employees", x->r.employees, "key",
                                              x->r.employees >= fs_key_employees, "covered", x->r.covered,
                                              "instructor", x->r.instructor, "findings", org_codes(x->f)));
    }
    /* Organizations are within the scope when their district is (工委 never have findings). */
    for (size_t i = 0; i < fs.no; i++) {
        org_forg *o = &fs.orgs[i];
        if (!o->f) continue;
        if (k && !strcmp(k, "district") && strcmp(o->district, c ? c : "")) continue;
        if (k && strcmp(k, "city") && strcmp(k, "district")) continue;
        for (int b = 0; b < ORG_F__COUNT; b++) counts[b] += (o->f >> b) & 1;
        if (max_items && json_array_size(orgs) >= max_items) continue;
        json_array_append_new(orgs, json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:b,s:o}", "id", (json_int_t)o->id, "name",
                                              o->name, "kind", o->kind, "district_code", o->district, "members",
                                              (json_int_t)o->members, "units", (json_int_t)o->units, "committee",
                                              o->committee, "findings", org_codes(o->f)));
    }
    /* enterprises of each group, bucketed once (groups × enterprises would not scale) */
    size_t ng = (size_t)fs.ngroups;
    size_t *start = calloc(ng + 1, sizeof *start), *by = malloc((fs.ne ? fs.ne : 1) * sizeof *by);
    if (!start || !by) {
        free(start);
        free(by);
        json_decref(ents);
        json_decref(orgs);
        json_decref(joint);
        org_fset_free(&fs);
        return err_set(e, ST_NOMEM, "内存不足。");
    }
    for (size_t i = 0; i < fs.ne; i++)
        if (fs.group[i] >= 0) start[fs.group[i] + 1]++;
    for (size_t g = 0; g < ng; g++) start[g + 1] += start[g];
    {
        size_t *fill = calloc(ng + 1, sizeof *fill);
        for (size_t i = 0; fill && i < fs.ne; i++)
            if (fs.group[i] >= 0) by[start[fs.group[i]] + fill[fs.group[i]]++] = i;
        free(fill);
    }
    for (size_t g = 0; g < ng; g++) {
        if (max_items && json_array_size(joint) >= max_items) break;
        if (start[g] == start[g + 1]) continue;
        json_t *units = json_array();
        int64_t m = 0;
        const org_fent *one = NULL;
        for (size_t q = start[g]; q < start[g + 1]; q++) {
            one = &fs.ents[by[q]];
            m += one->r.members;
            json_array_append_new(units, json_pack("{s:I,s:s,s:i}", "id", (json_int_t)one->r.id, "name", one->name,
                                                   "members", one->r.members));
        }
        const char *lv = fs.level[g];
        const char *key = !strcmp(lv, "building") ? one->building : !strcmp(lv, "park") ? one->park : one->street;
        json_array_append_new(joint, json_pack("{s:i,s:s,s:s,s:s,s:I,s:o}", "group", (int)g, "level", lv, "key", key,
                                               "district_code", one->district, "members", (json_int_t)m,
                                               "enterprises", units));
    }
    free(start);
    free(by);
    json_t *cj = json_object();
    for (int b = 0; b < ORG_F__COUNT; b++) json_object_set_new(cj, org_finding_code(1 << b), json_integer(counts[b]));
    *out = json_pack("{s:s,s:o,s:i,s:o,s:o,s:o}", "date", day, "counts", cj, "joint_groups", fs.ngroups, "enterprises",
                     ents, "orgs", orgs, "joint", joint);
    org_fset_free(&fs);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

st org_findings_by_district(db *d, const char *day, json_t **out, err *e) {
    org_fset fs;
    st s = org_fset_load(d, day, "city", "", NULL, &fs, e);
    if (s) {
        org_fset_free(&fs);
        return s;
    }
    json_t *o = json_object();
    for (size_t pass = 0; pass < 2; pass++) {
        size_t n = pass ? fs.no : fs.ne;
        for (size_t i = 0; i < n; i++) {
            unsigned f = pass ? fs.orgs[i].f : fs.ents[i].f;
            const char *dc = pass ? fs.orgs[i].district : fs.ents[i].district;
            if (!f || !dc || !*dc) continue;
            json_t *row = json_object_get(o, dc);
            if (!row) {
                row = json_pack("{s:i,s:i}", "findings", 0, "should_form", 0);
                json_object_set_new(o, dc, row);
            }
            int cnt = 0;
            for (int b = 0; b < ORG_F__COUNT; b++) cnt += (f >> b) & 1;
            json_object_set_new(row, "findings", json_integer(json_integer_value(json_object_get(row, "findings")) + cnt));
            if (f & ORG_F_SHOULD_FORM)
                json_object_set_new(row, "should_form",
                                    json_integer(json_integer_value(json_object_get(row, "should_form")) + 1));
        }
    }
    org_fset_free(&fs);
    *out = o;
    return ST_OK;
}
