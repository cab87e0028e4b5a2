/* findings — the formation rules applied to a whole scope on a day: every
 * enterprise and organization with something to do (应建未建, 联合组建,
 * 选派指导员, 应设支委会, 升格, 拆分) and the suggested joint branches.
 *
 * The store loads the scope's enterprises, organizations, members and covers
 * once into an org_fset (org_store_findings.c); the pure functions here run
 * the rules of org.c over it, so a city of 50,000 enterprises is one pass,
 * not a query per unit, and the rules can be tested on a hand-made set.
 * findings_xlsx.c renders the result as a workbook. */
#ifndef EJIA_ORG_FINDINGS_H
#define EJIA_ORG_FINDINGS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "org/org.h"

/* One enterprise of the scope (strings in the set's arena). */
typedef struct org_fent {
    org_ent r;
    char *name, *district, *park, *street, *building;
    char *registered;    /* the day it entered the register between campaigns (issue 23), NULL = the campaign's */
    unsigned f;          /* findings, after org_findings_run */
} org_fent;
/* One organization active on the day, with its kind on that day. */
typedef struct org_forg {
    int64_t id, parent_id;
    char *name, *kind, *district;
    int depth;           /* levels of its path */
    int64_t members, units;   /* its own covers' (loaded), then with everything below (after the run) */
    bool committee;
    int64_t reg_full;    /* the registry's 正式党员 on its roll (loaded), then with those below (after the run) */
    bool no_secretary;
    int seats;           /* names in its committee */
    unsigned f;
} org_forg;
/* The scope as the rules see it.  orgs sorted by id. */
typedef struct org_fset {
    org_fent *ents;
    size_t ne;
    org_forg *orgs;
    size_t no;
    bool registry;       /* the registry holds anyone: reg_full counts */
    int *group;          /* per enterprise: its suggested joint branch, or -1 */
    const char **level;  /* per group: "building", "park" or "street" */
    int ngroups;
    arena mem;           /* the strings of ents and orgs: one free for a province's worth of them */
} org_fset;
void org_fset_free(org_fset *fs);
/* The organization with this id, or NULL. */
org_forg *org_fset_find(org_fset *fs, int64_t id);

/* Run the rules: each enterprise's findings, the joint-branch plan over the
 * candidates (a candidate no group could take needs an instructor), members
 * rolled up the organization tree, each organization's findings. */
st org_findings_run(const org_thresholds *t, org_fset *fs, err *e);
/* The findings as the API gives them:
 *   {"date", "counts": {code: n}, "joint_groups", "enterprises": [...], "orgs": [...],
 *    "joint": [{group, level, key, district_code, members, enterprises: [...]}]}
 * Organizations count when the scope (kind, code as bound) holds their
 * district; max_items caps each list (0 = all). */
st org_findings_json(const org_fset *fs, const char *day, const char *scope_kind, const char *scope_code,
                     size_t max_items, int key_employees, json_t **out, err *e);

/* Per district: open findings and 应建未建 (for the bulletin). */
typedef struct org_district_count {
    const char *district;
    int64_t findings, should_form;
} org_district_count;
/* Counted over the set, into out (room for ne + no entries); returns how many districts. */
size_t org_findings_by_district(const org_fset *fs, org_district_count *out);

/* The findings (org_findings_json) as an xlsx workbook at path: 汇总, 企业,
 * 党组织, 联合组建建议.  names: region code -> name; scope: the scope's name. */
st org_findings_xlsx(const json_t *findings, const json_t *names, const char *scope, const char *path, err *e);

#endif
