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
 * Everything goes through org_store's *_in functions (the same validation
 * as the API) inside the demo's transaction; deterministic for a seed. */
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
    int64_t org;      /* covering org once planned */
} odent;

typedef struct odunit {
    bool joint;
    size_t ent[5];
    int n;
    int members;
    char park[16], street[16], district[16];
} odunit;

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

static st od_load(db *d, odent **out, size_t *n, err *e) {
    db_stmt *q;
    st s = db_prepare(d,
                      "SELECT id, name, COALESCE(district_code, ''), COALESCE(park_code, ''), COALESCE(street_code, ''), "
                      "COALESCE(members, 0) FROM enterprise WHERE zombie = 0 ORDER BY id",
                      &q, e);
    if (s) return s;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 512;
            odent *x = realloc(*out, cap * sizeof *x);
            if (!x) {
                db_reset(q);
                return err_set(e, ST_NOMEM, "内存不足。");
            }
            *out = x;
        }
        odent *x = &(*out)[(*n)++];
        memset(x, 0, sizeof *x);
        x->id = db_col_int(q, 0);
        snprintf(x->name, sizeof x->name, "%s", db_col_text(q, 1));
        snprintf(x->district, sizeof x->district, "%s", db_col_text(q, 2));
        snprintf(x->park, sizeof x->park, "%s", db_col_text(q, 3));
        snprintf(x->street, sizeof x->street, "%s", db_col_text(q, 4));
        x->members = (int)db_col_int(q, 5);
    }
    db_reset(q);
    return r == DB_ERROR ? e->code : ST_OK;
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

static st od_wk(db *d, const char *name, const char *district, const char *park, const char *street, err *e) {
    int64_t id;
    org_new o = {.name = name, .kind = "工委", .district = district, .park = park, .street = street,
                 .day = "2012-06-30", .actor = "demo"};
    return org_store_create_in(d, &o, &id, e);
}

static st od_regions(db *d, err *e) {
    json_t *rows = NULL;
    st s = db_run(d, "UPDATE org SET name = (SELECT '中共' || name || '委两新工委' FROM region WHERE kind = 'city' "
                     "ORDER BY code LIMIT 1) WHERE parent_id IS NULL AND EXISTS (SELECT 1 FROM region WHERE kind = 'city')",
                  e, "");
    /* districts first: parks and streets hang under them */
    if (!s) s = db_query_json(d, &rows, "SELECT code, name, kind, parent_code FROM region WHERE kind IN ('district', 'park', 'street') "
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
        s = od_wk(d, full, park || street ? parent : code, park ? code : NULL, street ? code : NULL, e);
        if (s) break;
    }
    json_decref(rows);
    return s;
}

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
                 .n_enterprises = (size_t)u->n, .approved = true, .actor = "demo"};
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
        st s = org_store_create_in(c->d, &o, id, e);
        free(base);
        return s;
    }
    const odent *x = &E[u->ent[0]];
    o.kind = !force_branch && x->members >= 100 ? "党委" : !force_branch && x->members >= 50 ? "党总支" : "党支部";
    snprintf(name, sizeof name, "中共%s%s", x->name,
             !strcmp(o.kind, "党委") ? "委员会" : !strcmp(o.kind, "党总支") ? "总支部委员会" : committee ? "支部委员会" : "党支部");
    o.name = name;
    return org_store_create_in(c->d, &o, id, e);
}

static void od_day(demo_rng *r, const char *from, int span, char out[11]) { org_day_add(from, demo_range(r, 0, span), out); }

st demo_org_fill(demo_ctx *c, err *e) {
    db *d = c->d;
    st s = od_regions(d, e);
    if (s) return s;
    odent *E = NULL;
    size_t n = 0;
    if ((s = od_load(d, &E, &n, e))) {
        free(E);
        return s;
    }
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    bool *used = calloc(n ? n : 1, sizeof *used);
    odunit *U = malloc((n ? n : 1) * sizeof *U);
    if (!idx || !used || !U) {
        free(E);
        free(idx);
        free(used);
        free(U);
        return err_set(e, ST_NOMEM, "内存不足。");
    }
    demo_rng *r = &c->rng;
    /* Standalone units: every enterprise with enough members; the large ones
     * first (they had branches long before 2018), the rest shuffled. */
    size_t ns = 0;
    for (size_t i = 0; i < n; i++)
        if (E[i].members >= 3) idx[ns++] = i;
    od_sort(idx, ns, E);
    size_t big = 0;
    while (big < ns && E[idx[big]].members >= 50) big++;
    for (size_t i = ns; i-- > big + 1;) {
        size_t j = big + (size_t)demo_range(r, 0, (int)(i - big));
        size_t t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
    size_t nu = 0;
    for (size_t i = 0; i < ns; i++) {
        U[nu] = (odunit){.n = 1, .members = E[idx[i]].members};
        U[nu].ent[0] = idx[i];
        used[idx[i]] = true;
        nu++;
    }
    size_t n_stand = nu;
    /* Joint units: small enterprises by park, then by street. */
    for (int level = 0; level < 2; level++) {
        size_t *grp = malloc((n ? n : 1) * sizeof *grp);
        bool *done = calloc(n ? n : 1, sizeof *done);
        for (size_t i = 0; grp && done && i < n; i++) {
            const char *key = level ? E[i].street : E[i].park;
            if (used[i] || done[i] || !*key) continue;
            size_t g = 0;
            for (size_t k = i; k < n; k++)
                if (!used[k] && !done[k] && !strcmp(level ? E[k].street : E[k].park, key)) {
                    grp[g++] = k;
                    done[k] = true;
                }
            size_t before = nu;
            nu = od_joints(E, grp, g, used, U, nu, n);
            for (size_t k = before; k < nu; k++) {
                snprintf(U[k].district, sizeof U[k].district, "%s", E[i].district);
                if (level) snprintf(U[k].street, sizeof U[k].street, "%s", key);
                else snprintf(U[k].park, sizeof U[k].park, "%s", key);
            }
        }
        free(grp);
        free(done);
    }
    /* Dates: before 2018 up to 37.1%, the campaign to 73.5%, then to ~75%. */
    size_t t1 = (size_t)(0.371 * (double)n + 0.5), t2 = (size_t)(0.735 * (double)n + 0.5), t3 = (size_t)(0.752 * (double)n + 0.5);
    size_t covered = 0, si = 0, ji = n_stand;
    int serial = 0;
    int64_t *org_of_unit = calloc(nu ? nu : 1, sizeof *org_of_unit);
    char (*day_of_unit)[11] = calloc(nu ? nu : 1, sizeof *day_of_unit);
    size_t order_n = 0;
    size_t *order = malloc((nu ? nu : 1) * sizeof *order);
    if (!org_of_unit || !day_of_unit || !order) s = err_set(e, ST_NOMEM, "内存不足。");
    /* phase 1: mostly standalone, a few joints in parks */
    while (!s && covered < t1 && (si < n_stand || ji < nu)) {
        bool joint = (covered >= t1 * 85 / 100 && ji < nu) || si >= n_stand;
        size_t k = joint ? ji++ : si++;
        od_day(r, "2013-03-01", 1700, day_of_unit[k]);
        order[order_n++] = k;
        covered += (size_t)U[k].n;
    }
    /* phase 2 and 3: alternate, dated in rising order across the 旬 */
    for (int phase = 2; !s && phase <= 3; phase++) {
        size_t target = phase == 2 ? t2 : t3, start = order_n;
        while (covered < target && (si < n_stand || ji < nu)) {
            bool joint = ((order_n - start) % 3 == 2 && ji < nu) || si >= n_stand;
            size_t k = joint ? ji++ : si++;
            order[order_n++] = k;
            covered += (size_t)U[k].n;
        }
        size_t cnt = order_n - start;
        const char *from = phase == 2 ? "2018-02-05" : "2018-05-03";
        int span = phase == 2 ? 84 : 55;
        for (size_t q = 0; q < cnt; q++)
            org_day_add(from, (int)((double)span * (double)(q + 1) / (double)cnt), day_of_unit[order[start + q]]);
    }
    /* Create in date order, so that each organization's parent and events read naturally. */
    for (size_t a = 1; a < order_n; a++)
        for (size_t b = a; b > 0 && strcmp(day_of_unit[order[b - 1]], day_of_unit[order[b]]) > 0; b--) {
            size_t t = order[b];
            order[b] = order[b - 1];
            order[b - 1] = t;
        }
    int upgrades = 0;
    for (size_t q = 0; !s && q < order_n; q++) {
        size_t k = order[q];
        bool early = strcmp(day_of_unit[k], "2018-01-01") < 0;
        /* four of the large ones were branches until the campaign upgraded them */
        /* (a fifth, when the ledger has one, stays a branch: a 可升格 finding) */
        bool force = !U[k].joint && early && U[k].members >= 50 && upgrades < 5;
        if (force) upgrades++;
        s = od_create(c, E, &U[k], U[k].joint ? ++serial : 0, day_of_unit[k], force, &org_of_unit[k], e);
        if (!s && force && upgrades <= 4) {
            char day[11];
            od_day(r, "2018-02-20", 60, day);
            s = org_store_upgrade_in(d, org_of_unit[k], U[k].members >= 100 ? "党委" : "党总支", day, true,
                                     "百日攻坚：按党员人数升格", "demo", e);
        }
    }
    /* Instructors: before a joint branch formed, some of its units had one;
     * withdrawn when the branch took them in. */
    int early_ins = 0;
    for (size_t q = 0; !s && q < order_n && early_ins < 3; q++) {
        size_t k = order[q];
        if (!U[k].joint || strcmp(day_of_unit[k], "2018-02-01") < 0) continue;
        for (int m = 0; m < U[k].n; m++) {
            if (E[U[k].ent[m]].members) continue;
            char who[32];
            int64_t iid;
            od_person(r, who, sizeof who);
            s = org_store_instructor_assign_in(d, E[U[k].ent[m]].id, who, NULL, 0, "2017-10-16", "demo", &iid, e);
            if (!s) s = org_store_instructor_withdraw_in(d, iid, day_of_unit[k], "已纳入联合党支部", "demo", e);
            early_ins++;
            break;
        }
    }
    /* Enterprises still uncovered without members: instructors for most. */
    bool *cov = calloc(n ? n : 1, sizeof *cov);
    for (size_t q = 0; cov && q < order_n; q++)
        for (int m = 0; m < U[order[q]].n; m++) cov[U[order[q]].ent[m]] = true;
    for (size_t i = 0; !s && cov && i < n; i++) {
        if (cov[i] || E[i].members || demo_range(r, 0, 9) < 4) continue;
        char who[32], day[11];
        int64_t iid;
        od_person(r, who, sizeof who);
        od_day(r, "2018-03-01", 110, day);
        s = org_store_instructor_assign_in(d, E[i].id, who, NULL, 0, day, "demo", &iid, e);
    }
    free(cov);
    /* One early branch dissolved (its enterprise moved away), one unit leaves a joint branch. */
    for (size_t q = 0; !s && q < order_n; q++) {
        size_t k = order[q];
        if (U[k].joint || U[k].members >= 7 || strcmp(day_of_unit[k], "2018-01-01") >= 0) continue;
        s = org_store_dissolve_in(d, org_of_unit[k], "2018-05-25", "企业迁出本市", "demo", e);
        break;
    }
    for (size_t q = order_n; !s && q-- > 0;) {
        size_t k = order[q];
        if (!U[k].joint || U[k].n < 4 || strcmp(day_of_unit[k], "2018-06-01") >= 0) continue;
        size_t last = U[k].ent[U[k].n - 1];
        if (E[last].members) continue;
        s = org_store_cover_remove_in(d, org_of_unit[k], E[last].id, "2018-06-12", "企业停止经营，移出联合党支部", "demo", e);
        break;
    }
    free(order);
    free(org_of_unit);
    free(day_of_unit);
    free(E);
    free(idx);
    free(used);
    free(U);
    return s;
}
