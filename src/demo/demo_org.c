/* demo_org — the demo's party organizations: a dated history over the demo
 * enterprises that tells the article's story.  Before 2018 about 37.1% of
 * the final ledger is covered (mostly the larger enterprises' own branches,
 * a few joint branches in parks); the 百日攻坚 campaign from February to the
 * end of April 2018 forms branches where members allow (应建必建), joint
 * branches of small enterprises by park and street, sends instructors, and
 * upgrades four organizations, reaching about 73.5%; May–June adds a little
 * more, one branch is dissolved and one unit leaves a joint branch.  What is
 * left uncovered gives the findings something to say.
 *
 * Every change goes through the org store's use cases with the demo's
 * context (c->use, actor "demo"): the same validation and the same audit
 * rows as the API, each a savepoint inside the demo's transaction.
 * Deterministic for a seed: the steps draw from the generator in a fixed
 * order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo/demo.h"
#include "org/org_store.h"

st demo_org_fill(demo_ctx *c, err *e);

typedef struct odent {
    int64_t id;
    char name[200], district[16], park[16], street[16];
    int members;
} odent;

/* A unit an organization is formed for: one enterprise, or a joint group. */
typedef struct odunit {
    bool joint;
    size_t ent[5];
    int n;
    int members;
    char park[16], street[16], district[16];
} odunit;

/* The whole plan: the enterprises, the units, and when each unit is covered. */
typedef struct odplan {
    odent *E;
    size_t n;
    size_t *idx;          /* scratch order of enterprises */
    bool *used;           /* enterprise taken by a unit */
    odunit *U;
    size_t nu, n_stand;   /* units; the standalone ones come first */
    int64_t *org_of_unit;
    char (*day_of_unit)[11];
    size_t *order;        /* units covered, in the order they are formed */
    size_t order_n;
} odplan;

static const char *const od_surnames[] = {"陈", "林", "黄", "张", "李", "王", "吴", "刘", "蔡", "杨", "郑", "许", "洪", "苏", "曾", "谢"};
static const char *const od_given[] = {"建国", "晓敏", "志强", "丽娟", "海峰", "雅婷", "文杰", "秀英", "振华", "美玲",
                                       "国栋", "思远", "惠珍", "明辉", "少华", "婉清", "嘉豪", "雪梅", "立新", "宏伟"};

static void od_person(demo_rng *r, char *out, size_t n) {
    snprintf(out, n, "%s%s", od_surnames[demo_range(r, 0, 15)], od_given[demo_range(r, 0, 19)]);
}

static void od_committee(demo_rng *r, int n, char *out, size_t cap) {
    size_t len = (size_t)snprintf(out, cap, "[");
    for (int i = 0; i < n && len < cap; i++) {
        char p[32];
        od_person(r, p, sizeof p);
        len += (size_t)snprintf(out + len, cap - len, "%s\"%s\"", i ? "," : "", p);
    }
    if (len < cap) snprintf(out + len, cap - len, "]");
}

static int od_members_desc(const void *a, const void *b, void *ctx) {
    const odent *E = ctx;
    const size_t *x = a, *y = b;
    return E[*y].members - E[*x].members;
}

/* qsort_r is GNU; the demo only runs in ejia's own process. */
static void od_sort(size_t *idx, size_t n, odent *E) { qsort_r(idx, n, sizeof *idx, od_members_desc, E); }

static void od_day(demo_rng *r, const char *from, int span, char out[11]) { org_day_add(from, demo_range(r, 0, span), out); }

static void od_plan_free(odplan *p) {
    free(p->E);
    free(p->idx);
    free(p->used);
    free(p->U);
    free(p->org_of_unit);
    free(p->day_of_unit);
    free(p->order);
    memset(p, 0, sizeof *p);
}

/* ---- step 1: the working committees (工委) of districts, parks and streets ---- */

static st od_wk(demo_ctx *c, const char *name, const char *district, const char *park, const char *street, err *e) {
    int64_t id;
    org_new o = {.name = name, .kind = "工委", .district = district, .park = park, .street = street, .day = "2012-06-30"};
    return org_store_create(&c->use, &o, &id, e);
}

static st od_regions(demo_ctx *c, err *e) {
    json_t *rows = NULL;
    /* the seed's root is named after the demo city (reference data, not a use case) */
    st s = db_run(c->d, "UPDATE org SET name = (SELECT '中共' || name || '委两新工委' FROM region WHERE kind = 'city' "
                        "ORDER BY code LIMIT 1) WHERE parent_id IS NULL AND EXISTS (SELECT 1 FROM region WHERE kind = 'city')",
                  e, "");
    /* districts first: parks and streets hang under them */
    if (!s) s = db_query_json(c->d, &rows, "SELECT code, name, kind, parent_code FROM region WHERE kind IN ('district', 'park', 'street') "
                                           "ORDER BY CASE kind WHEN 'district' THEN 0 WHEN 'park' THEN 1 ELSE 2 END, code", e, "");
    size_t i;
    json_t *r;
    if (!s) json_array_foreach(rows, i, r) {
        const char *code = json_string_value(json_object_get(r, "code")), *name = json_string_value(json_object_get(r, "name"));
        const char *kind = json_string_value(json_object_get(r, "kind")), *parent = json_string_value(json_object_get(r, "parent_code"));
        char full[256];
        bool park = !strcmp(kind, "park"), street = !strcmp(kind, "street");
        if (park || street) snprintf(full, sizeof full, "%s党工委", name);
        else snprintf(full, sizeof full, "中共厦门市%s委两新工委", name);
        s = od_wk(c, full, park || street ? parent : code, park ? code : NULL, street ? code : NULL, e);
        if (s) break;
    }
    json_decref(rows);
    return s;
}

/* ---- step 2: the enterprises of the final ledger ---- */

static st od_load(demo_ctx *c, odplan *p, err *e) {
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT id, name, COALESCE(district_code, ''), COALESCE(park_code, ''), COALESCE(street_code, ''), "
                      "COALESCE(members, 0) FROM enterprise WHERE zombie = 0 ORDER BY id",
                      &q, e);
    if (s) return s;
    size_t cap = 0;
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        if (p->n == cap) {
            cap = cap ? cap * 2 : 512;
            odent *x = realloc(p->E, cap * sizeof *x);
            if (!x) {
                db_reset(q);
                return err_set(e, ST_NOMEM, "内存不足。");
            }
            p->E = x;
        }
        odent *x = &p->E[p->n++];
        memset(x, 0, sizeof *x);
        x->id = db_col_int(q, 0);
        snprintf(x->name, sizeof x->name, "%s", db_col_text(q, 1));
        snprintf(x->district, sizeof x->district, "%s", db_col_text(q, 2));
        snprintf(x->park, sizeof x->park, "%s", db_col_text(q, 3));
        snprintf(x->street, sizeof x->street, "%s", db_col_text(q, 4));
        x->members = (int)db_col_int(q, 5);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    size_t n = p->n ? p->n : 1;
    p->idx = malloc(n * sizeof *p->idx);
    p->used = calloc(n, sizeof *p->used);
    p->U = malloc(n * sizeof *p->U);
    return p->idx && p->used && p->U ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

/* ---- step 3: the units ---- */

/* Standalone units: every enterprise with enough members; the large ones
 * first (they had branches long before 2018), the rest shuffled. */
static void od_standalone(demo_ctx *c, odplan *p) {
    odent *E = p->E;
    size_t *idx = p->idx, ns = 0;
    for (size_t i = 0; i < p->n; i++)
        if (E[i].members >= 3) idx[ns++] = i;
    od_sort(idx, ns, E);
    size_t big = 0;
    while (big < ns && E[idx[big]].members >= 50) big++;
    for (size_t i = ns; i-- > big + 1;) {
        size_t j = big + (size_t)demo_range(&c->rng, 0, (int)(i - big));
        size_t t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
    for (size_t i = 0; i < ns; i++) {
        p->U[p->nu] = (odunit){.n = 1, .members = E[idx[i]].members};
        p->U[p->nu].ent[0] = idx[i];
        p->used[idx[i]] = true;
        p->nu++;
    }
    p->n_stand = p->nu;
}

/* Joint units over the small enterprises of one key (park or street). */
static size_t od_joints(odent *E, size_t *idx, size_t n, bool *used, odunit *u, size_t nu, size_t cap) {
    if (!n) return nu;
    od_sort(idx, n, E);
    size_t i = 0, j = n;
    while (i < j && nu < cap) {
        odunit x = {.joint = true};
        x.ent[x.n++] = idx[i];
        x.members = E[idx[i++]].members;
        while (x.members < 3 && i < j && x.n < 5) {
            x.ent[x.n++] = idx[i];
            x.members += E[idx[i++]].members;
        }
        while (x.n < 5 && i < j) x.ent[x.n++] = idx[--j];   /* the units without members */
        /* A park's or street's joint branch may also gather units without
         * members: its members then come from the park's own staff or are
         * transferred in (approved by the 工委), as the campaign did. */
        if (x.n < 2) break;
        for (int k = 0; k < x.n; k++) used[x.ent[k]] = true;
        u[nu++] = x;
    }
    return nu;
}

/* Joint units: small enterprises by park (level 0), then by street (level 1). */
static st od_joint_units(odplan *p, int level, err *e) {
    size_t n = p->n;
    size_t *grp = malloc((n ? n : 1) * sizeof *grp);
    bool *done = calloc(n ? n : 1, sizeof *done);
    st s = grp && done ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
    for (size_t i = 0; !s && i < n; i++) {
        const char *key = level ? p->E[i].street : p->E[i].park;
        if (p->used[i] || done[i] || !*key) continue;
        size_t g = 0;
        for (size_t k = i; k < n; k++)
            if (!p->used[k] && !done[k] && !strcmp(level ? p->E[k].street : p->E[k].park, key)) {
                grp[g++] = k;
                done[k] = true;
            }
        size_t before = p->nu;
        p->nu = od_joints(p->E, grp, g, p->used, p->U, p->nu, n);
        for (size_t k = before; k < p->nu; k++) {
            snprintf(p->U[k].district, sizeof p->U[k].district, "%s", p->E[i].district);
            if (level) snprintf(p->U[k].street, sizeof p->U[k].street, "%s", key);
            else snprintf(p->U[k].park, sizeof p->U[k].park, "%s", key);
        }
    }
    free(grp);
    free(done);
    return s;
}

/* ---- step 4: when each unit is covered ---- */

/* Before 2018 up to 37.1%, mostly standalone with a few joints in parks,
 * dated at random; the campaign to 73.5% and after it to ~75%, alternating,
 * dated in rising order across the 旬; then all in date order, so that each
 * organization's parent and events read naturally. */
static st od_schedule(demo_ctx *c, odplan *p, err *e) {
    size_t n = p->n, nu = p->nu;
    p->org_of_unit = calloc(nu ? nu : 1, sizeof *p->org_of_unit);
    p->day_of_unit = calloc(nu ? nu : 1, sizeof *p->day_of_unit);
    p->order = malloc((nu ? nu : 1) * sizeof *p->order);
    if (!p->org_of_unit || !p->day_of_unit || !p->order) return err_set(e, ST_NOMEM, "内存不足。");
    size_t t1 = (size_t)(0.371 * (double)n + 0.5), t2 = (size_t)(0.735 * (double)n + 0.5), t3 = (size_t)(0.752 * (double)n + 0.5);
    size_t covered = 0, si = 0, ji = p->n_stand;
    while (covered < t1 && (si < p->n_stand || ji < nu)) {
        bool joint = (covered >= t1 * 85 / 100 && ji < nu) || si >= p->n_stand;
        size_t k = joint ? ji++ : si++;
        od_day(&c->rng, "2013-03-01", 1700, p->day_of_unit[k]);
        p->order[p->order_n++] = k;
        covered += (size_t)p->U[k].n;
    }
    for (int phase = 2; phase <= 3; phase++) {
        size_t target = phase == 2 ? t2 : t3, start = p->order_n;
        while (covered < target && (si < p->n_stand || ji < nu)) {
            bool joint = ((p->order_n - start) % 3 == 2 && ji < nu) || si >= p->n_stand;
            size_t k = joint ? ji++ : si++;
            p->order[p->order_n++] = k;
            covered += (size_t)p->U[k].n;
        }
        size_t cnt = p->order_n - start;
        const char *from = phase == 2 ? "2018-02-05" : "2018-05-03";
        int span = phase == 2 ? 84 : 55;
        for (size_t q = 0; q < cnt; q++)
            org_day_add(from, (int)((double)span * (double)(q + 1) / (double)cnt), p->day_of_unit[p->order[start + q]]);
    }
    for (size_t a = 1; a < p->order_n; a++)
        for (size_t b = a; b > 0 && strcmp(p->day_of_unit[p->order[b - 1]], p->day_of_unit[p->order[b]]) > 0; b--) {
            size_t t = p->order[b];
            p->order[b] = p->order[b - 1];
            p->order[b - 1] = t;
        }
    return ST_OK;
}

/* ---- step 5: the organizations ---- */

static st od_create(demo_ctx *c, odent *E, odunit *u, int serial, const char *day, bool force_branch, int64_t *id,
                    err *e) {
    demo_rng *r = &c->rng;
    char name[300], sec[32], com[256];
    int64_t ents[5];
    for (int k = 0; k < u->n; k++) ents[k] = E[u->ent[k]].id;
    od_person(r, sec, sizeof sec);
    bool committee = u->members >= 7 && demo_range(r, 0, 4) != 0;   /* one in five still lacks one */
    if (committee) od_committee(r, u->members >= 30 ? 5 : 3, com, sizeof com);
    org_new o = {.day = day, .secretary = sec, .committee = committee ? com : NULL, .enterprises = ents,
                 .n_enterprises = (size_t)u->n, .approved = true};
    if (u->joint) {
        bool park = u->park[0] != 0;
        char *base = NULL;
        if (db_query_text(c->d, &base, "SELECT name FROM region WHERE code = $1", e, "t", park ? u->park : u->street)) base = NULL;
        snprintf(name, sizeof name, "中共%s第%d联合支部委员会", base ? base : "", serial);
        o.kind = "联合党支部";
        o.based_on = park ? "park" : "street";
        o.base_name = base;
        o.name = name;
        o.district = u->district;
        o.park = park ? u->park : NULL;
        o.street = park ? NULL : u->street;
        st s = org_store_create(&c->use, &o, id, e);
        free(base);
        return s;
    }
    const odent *x = &E[u->ent[0]];
    o.kind = !force_branch && x->members >= 100 ? "党委" : !force_branch && x->members >= 50 ? "党总支" : "党支部";
    snprintf(name, sizeof name, "中共%s%s", x->name,
             !strcmp(o.kind, "党委") ? "委员会" : !strcmp(o.kind, "党总支") ? "总支部委员会" : committee ? "支部委员会" : "党支部");
    o.name = name;
    return org_store_create(&c->use, &o, id, e);
}

/* In date order; four of the large ones were branches until the campaign
 * upgraded them (a fifth, when the ledger has one, stays a branch: a 可升格
 * finding). */
static st od_organizations(demo_ctx *c, odplan *p, err *e) {
    int upgrades = 0, serial = 0;
    st s = ST_OK;
    for (size_t q = 0; !s && q < p->order_n; q++) {
        size_t k = p->order[q];
        odunit *u = &p->U[k];
        bool early = strcmp(p->day_of_unit[k], "2018-01-01") < 0;
        bool force = !u->joint && early && u->members >= 50 && upgrades < 5;
        if (force) upgrades++;
        s = od_create(c, p->E, u, u->joint ? ++serial : 0, p->day_of_unit[k], force, &p->org_of_unit[k], e);
        if (!s && force && upgrades <= 4) {
            char day[11];
            od_day(&c->rng, "2018-02-20", 60, day);
            s = org_store_upgrade(&c->use, p->org_of_unit[k], u->members >= 100 ? "党委" : "党总支", day, true,
                                  "百日攻坚：按党员人数升格", e);
        }
    }
    return s;
}

/* ---- step 6: instructors ---- */

/* Before a joint branch formed, some of its units had an instructor,
 * withdrawn when the branch took them in. */
static st od_early_instructors(demo_ctx *c, odplan *p, err *e) {
    int early_ins = 0;
    st s = ST_OK;
    for (size_t q = 0; !s && q < p->order_n && early_ins < 3; q++) {
        size_t k = p->order[q];
        const odunit *u = &p->U[k];
        if (!u->joint || strcmp(p->day_of_unit[k], "2018-02-01") < 0) continue;
        for (int m = 0; m < u->n; m++) {
            if (p->E[u->ent[m]].members) continue;
            char who[32];
            int64_t iid;
            od_person(&c->rng, who, sizeof who);
            s = org_store_instructor_assign(&c->use, p->E[u->ent[m]].id, who, NULL, 0, "2017-10-16", &iid, e);
            if (!s) s = org_store_instructor_withdraw(&c->use, iid, p->day_of_unit[k], "已纳入联合党支部", e);
            early_ins++;
            break;
        }
    }
    return s;
}

/* Enterprises still uncovered without members: instructors for most. */
static st od_instructors(demo_ctx *c, odplan *p, err *e) {
    bool *cov = calloc(p->n ? p->n : 1, sizeof *cov);
    if (!cov) return err_set(e, ST_NOMEM, "内存不足。");
    for (size_t q = 0; q < p->order_n; q++)
        for (int m = 0; m < p->U[p->order[q]].n; m++) cov[p->U[p->order[q]].ent[m]] = true;
    st s = ST_OK;
    for (size_t i = 0; !s && i < p->n; i++) {
        if (cov[i] || p->E[i].members || demo_range(&c->rng, 0, 9) < 4) continue;
        char who[32], day[11];
        int64_t iid;
        od_person(&c->rng, who, sizeof who);
        od_day(&c->rng, "2018-03-01", 110, day);
        s = org_store_instructor_assign(&c->use, p->E[i].id, who, NULL, 0, day, &iid, e);
    }
    free(cov);
    return s;
}

/* ---- step 7: what changed after the campaign ---- */

/* One early branch dissolved (its enterprise moved away), one unit leaves a joint branch. */
static st od_changes(demo_ctx *c, odplan *p, err *e) {
    st s = ST_OK;
    for (size_t q = 0; q < p->order_n; q++) {
        size_t k = p->order[q];
        if (p->U[k].joint || p->U[k].members >= 7 || strcmp(p->day_of_unit[k], "2018-01-01") >= 0) continue;
        s = org_store_dissolve(&c->use, p->org_of_unit[k], "2018-05-25", "企业迁出本市", e);
        break;
    }
    for (size_t q = p->order_n; !s && q-- > 0;) {
        size_t k = p->order[q];
        const odunit *u = &p->U[k];
        if (!u->joint || u->n < 4 || strcmp(p->day_of_unit[k], "2018-06-01") >= 0) continue;
        size_t last = u->ent[u->n - 1];
        if (p->E[last].members) continue;
        s = org_store_cover_remove(&c->use, p->org_of_unit[k], p->E[last].id, "2018-06-12", "企业停止经营，移出联合党支部", e);
        break;
    }
    return s;
}

st demo_org_fill(demo_ctx *c, err *e) {
    odplan p = {0};
    st s = od_regions(c, e);
    if (!s) s = od_load(c, &p, e);
    if (!s) od_standalone(c, &p);
    for (int level = 0; !s && level < 2; level++) s = od_joint_units(&p, level, e);
    if (!s) s = od_schedule(c, &p, e);
    if (!s) s = od_organizations(c, &p, e);
    if (!s) s = od_early_instructors(c, &p, e);
    if (!s) s = od_instructors(c, &p, e);
    if (!s) s = od_changes(c, &p, e);
    od_plan_free(&p);
    return s;
}
