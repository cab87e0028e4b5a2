/* findings — the formation rules over a whole scope (see findings.h): run
 * over a set the store loaded, turned into the API's JSON, counted per
 * district for the bulletin.  Pure: no SQL, no HTTP. */
#include "org/findings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void org_fset_free(org_fset *fs) {
    free(fs->ents);
    free(fs->orgs);
    free(fs->group);
    free(fs->level);
    arena_free(&fs->mem);
    memset(fs, 0, sizeof *fs);
}

static int org_fset_cmp(const void *a, const void *b) {
    const org_forg *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

org_forg *org_fset_find(org_fset *fs, int64_t id) {
    org_forg key = {.id = id};
    return fs->no ? bsearch(&key, fs->orgs, fs->no, sizeof *fs->orgs, org_fset_cmp) : NULL;   /* no organizations: orgs is NULL */
}

static int org_bits(unsigned f) {
    int n = 0;
    for (int b = 0; b < ORG_F__COUNT; b++) n += (f >> b) & 1;
    return n;
}

/* ---- running the rules ---- */

/* The joint-branch plan over the enterprises that are candidates; a small
 * unit no group could take: an instructor is the way. */
static st org_findings_plan(const org_thresholds *t, org_fset *fs, err *e) {
    size_t nc = 0;
    for (size_t i = 0; i < fs->ne; i++) nc += (fs->ents[i].f & ORG_F_JOINT) != 0;
    org_ent *cand = malloc((nc ? nc : 1) * sizeof *cand);
    size_t *back = malloc((nc ? nc : 1) * sizeof *back);
    int *cg = malloc((nc ? nc : 1) * sizeof *cg);
    fs->group = malloc((fs->ne ? fs->ne : 1) * sizeof *fs->group);
    fs->level = calloc(nc ? nc : 1, sizeof *fs->level);
    st s = cand && back && cg && fs->group && fs->level ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
    if (!s) {
        nc = 0;
        for (size_t i = 0; i < fs->ne; i++) {
            fs->group[i] = -1;
            if (fs->ents[i].f & ORG_F_JOINT) {
                cand[nc] = fs->ents[i].r;
                back[nc++] = i;
            }
        }
        fs->ngroups = org_joint_plan(t, cand, nc, cg, fs->level);
        for (size_t i = 0; i < nc; i++) {
            fs->group[back[i]] = cg[i];
            if (cg[i] >= 0) continue;
            fs->ents[back[i]].f &= ~(unsigned)ORG_F_JOINT;
            if (!fs->ents[back[i]].r.instructor) fs->ents[back[i]].f |= ORG_F_INSTRUCTOR;
        }
    }
    free(cand);
    free(back);
    free(cg);
    return s;
}

/* Members of everything below an organization count for it: added up the
 * tree from the deepest level. */
static void org_findings_rollup(org_fset *fs) {
    int maxd = 0;
    for (size_t i = 0; i < fs->no; i++) maxd = fs->orgs[i].depth > maxd ? fs->orgs[i].depth : maxd;
    for (int dep = maxd; dep > 0; dep--)
        for (size_t i = 0; i < fs->no; i++) {
            if (fs->orgs[i].depth != dep || !fs->orgs[i].parent_id) continue;
            org_forg *p = org_fset_find(fs, fs->orgs[i].parent_id);
            if (p) {
                p->members += fs->orgs[i].members;
                p->reg_full += fs->orgs[i].reg_full;
            }
        }
}

st org_findings_run(const org_thresholds *t, org_fset *fs, err *e) {
    for (size_t i = 0; i < fs->ne; i++) {
        org_fent *x = &fs->ents[i];
        x->r.district = x->district;
        x->r.park = x->park;
        x->r.street = x->street;
        x->r.building = x->building;
        x->f = org_rules_enterprise(t, &x->r);
    }
    st s = org_findings_plan(t, fs, e);
    if (s) return s;
    org_findings_rollup(fs);
    for (size_t i = 0; i < fs->no; i++) {
        org_forg *o = &fs->orgs[i];
        org_unit u = {.id = o->id, .kind = o->kind, .members = (int)o->members, .units = (int)o->units,
                      .has_committee = o->committee, .registry = fs->registry, .registry_full = (int)o->reg_full,
                      .no_secretary = o->no_secretary, .seats_known = true, .committee_seats = o->seats};
        o->f = org_rules_org(t, &u);
    }
    return ST_OK;
}

/* ---- the API's JSON ---- */

static json_t *org_codes(unsigned f) {
    json_t *a = json_array();
    for (int b = 0; b < ORG_F__COUNT; b++)
        if (f & (1u << b)) json_array_append_new(a, json_string(org_finding_code(1 << b)));
    return a;
}

static json_t *org_findings_ents(const org_fset *fs, size_t max_items, int key_employees, int64_t *counts) {
    json_t *ents = json_array();
    for (size_t i = 0; i < fs->ne; i++) {
        const org_fent *x = &fs->ents[i];
        for (int b = 0; b < ORG_F__COUNT; b++) counts[b] += (x->f >> b) & 1;
        if (!x->f || (max_items && json_array_size(ents) >= max_items)) continue;
        /* "key": a key enterprise by head count (rule-key-employees), first in line for an instructor */
        json_array_append_new(ents, json_pack("{s:I,s:s,s:s,s:s,s:i,s:i,s:b,s:b,s:b,s:o}", "id", (json_int_t)x->r.id, "name",
                                              x->name, "district_code", x->district, "park_code", x->park, "members",
                                              x->r.members, "employees", x->r.employees, "key",
                                              x->r.employees >= key_employees, "covered", x->r.covered,
                                              "instructor", x->r.instructor, "findings", org_codes(x->f)));
        /* a new enterprise of the register (issue 23): the office sees it needs an organization from its day */
        json_object_set_new(json_array_get(ents, json_array_size(ents) - 1), "registered_on",
                            x->registered ? json_string(x->registered) : json_null());
    }
    return ents;
}

/* Organizations are within the scope when their district is (工委 never have findings). */
static json_t *org_findings_orgs(const org_fset *fs, const char *k, const char *c, size_t max_items, int64_t *counts) {
    json_t *orgs = json_array();
    for (size_t i = 0; i < fs->no; i++) {
        const org_forg *o = &fs->orgs[i];
        if (!o->f) continue;
        if (k && !strcmp(k, "district") && strcmp(o->district, c ? c : "")) continue;
        if (k && strcmp(k, "city") && strcmp(k, "district")) continue;
        for (int b = 0; b < ORG_F__COUNT; b++) counts[b] += (o->f >> b) & 1;
        if (max_items && json_array_size(orgs) >= max_items) continue;
        json_array_append_new(orgs, json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:I,s:b,s:o}", "id", (json_int_t)o->id, "name",
                                              o->name, "kind", o->kind, "district_code", o->district, "members",
                                              (json_int_t)o->members, "reg_full", (json_int_t)o->reg_full, "units",
                                              (json_int_t)o->units, "committee", o->committee, "findings", org_codes(o->f)));
    }
    return orgs;
}

/* One suggested group with its enterprises (by[from..to) index fs->ents). */
static json_t *org_findings_group(const org_fset *fs, size_t g, const size_t *by, size_t from, size_t to) {
    json_t *units = json_array();
    int64_t m = 0;
    const org_fent *one = NULL;
    for (size_t q = from; q < to; q++) {
        one = &fs->ents[by[q]];
        m += one->r.members;
        json_array_append_new(units, json_pack("{s:I,s:s,s:i}", "id", (json_int_t)one->r.id, "name", one->name, "members",
                                               one->r.members));
    }
    const char *lv = fs->level[g];
    const char *key = !strcmp(lv, "building") ? one->building : !strcmp(lv, "park") ? one->park : one->street;
    return json_pack("{s:i,s:s,s:s,s:s,s:I,s:o}", "group", (int)g, "level", lv, "key", key, "district_code", one->district,
                     "members", (json_int_t)m, "enterprises", units);
}

/* The suggested groups: the enterprises of each, bucketed once (groups ×
 * enterprises would not scale). */
static st org_findings_joint(const org_fset *fs, size_t max_items, json_t **out, err *e) {
    size_t ng = (size_t)fs->ngroups;
    size_t *start = calloc(ng + 1, sizeof *start), *by = malloc((fs->ne ? fs->ne : 1) * sizeof *by),
           *fill = calloc(ng + 1, sizeof *fill);
    if (!start || !by || !fill) {
        free(start);
        free(by);
        free(fill);
        return err_set(e, ST_NOMEM, "内存不足。");
    }
    for (size_t i = 0; i < fs->ne; i++)
        if (fs->group[i] >= 0) start[fs->group[i] + 1]++;
    for (size_t g = 0; g < ng; g++) start[g + 1] += start[g];
    for (size_t i = 0; i < fs->ne; i++)
        if (fs->group[i] >= 0) by[start[fs->group[i]] + fill[fs->group[i]]++] = i;
    json_t *joint = json_array();
    for (size_t g = 0; g < ng; g++) {
        if (max_items && json_array_size(joint) >= max_items) break;
        if (start[g] == start[g + 1]) continue;
        json_array_append_new(joint, org_findings_group(fs, g, by, start[g], start[g + 1]));
    }
    free(start);
    free(by);
    free(fill);
    *out = joint;
    return ST_OK;
}

st org_findings_json(const org_fset *fs, const char *day, const char *k, const char *c, size_t max_items,
                     int key_employees, json_t **out, err *e) {
    int64_t counts[ORG_F__COUNT] = {0};
    json_t *ents = org_findings_ents(fs, max_items, key_employees, counts);
    json_t *orgs = org_findings_orgs(fs, k, c, max_items, counts);
    json_t *joint = NULL;
    st s = org_findings_joint(fs, max_items, &joint, e);
    if (s) {
        json_decref(ents);
        json_decref(orgs);
        return s;
    }
    json_t *cj = json_object();
    for (int b = 0; b < ORG_F__COUNT; b++) json_object_set_new(cj, org_finding_code(1 << b), json_integer(counts[b]));
    *out = json_pack("{s:s,s:o,s:i,s:o,s:o,s:o}", "date", day, "counts", cj, "joint_groups", fs->ngroups, "enterprises",
                     ents, "orgs", orgs, "joint", joint);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

/* ---- per district ---- */

size_t org_findings_by_district(const org_fset *fs, org_district_count *out) {
    json_t *at = json_object();   /* district code -> its index in out (a hash, not a scan per unit) */
    size_t n = 0;
    for (size_t pass = 0; pass < 2; pass++) {
        size_t m = pass ? fs->no : fs->ne;
        for (size_t i = 0; i < m; i++) {
            unsigned f = pass ? fs->orgs[i].f : fs->ents[i].f;
            const char *dc = pass ? fs->orgs[i].district : fs->ents[i].district;
            if (!f || !dc || !*dc) continue;
            json_t *ix = json_object_get(at, dc);
            size_t k = ix ? (size_t)json_integer_value(ix) : n;
            if (!ix) {
                out[n++] = (org_district_count){dc, 0, 0};
                json_object_set_new(at, dc, json_integer((json_int_t)k));
            }
            out[k].findings += org_bits(f);
            if (f & ORG_F_SHOULD_FORM) out[k].should_form++;
        }
    }
    json_decref(at);
    return n;
}
