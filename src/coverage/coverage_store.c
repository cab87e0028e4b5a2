/* coverage_store — all the SQL of coverage (see coverage.h).  One statement
 * per grouping (string literals, so each is prepared once per connection).
 * "Covered on day D" is one definition used everywhere: a cover row with
 * from_day <= D and (to_day IS NULL OR to_day > D); the covered set is built
 * once per query (a DISTINCT subquery joined by enterprise), which both
 * databases run as one pass over the index on org_cover rather than one
 * probe per enterprise.  Every query keeps to the caller's scope: SCOPE_COND
 * on the enterprise's district, park and id, bound by scope_bind. */
#include "coverage/coverage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/scope.h"
#include "core/buf.h"
#include "covkept/covkept.h"
#include "org/org_store.h"
#include "db/db_like.h"

#define COV_JOINS                                                                                                   \
    " FROM enterprise e "                                                                                           \
    "LEFT JOIN (SELECT DISTINCT enterprise_id FROM org_cover WHERE from_day <= $1 AND (to_day IS NULL OR to_day > $1)) cv " \
    "  ON cv.enterprise_id = e.id "                                                                                 \
    "LEFT JOIN (SELECT DISTINCT enterprise_id FROM org_instructor WHERE from_day <= $1 AND (to_day IS NULL OR to_day > $1)) ins " \
    "  ON ins.enterprise_id = e.id " COV_PLACE
/* Where the enterprise was on day $1 (issue 23, migration 0073): an earlier
 * place of enterprise_place when the day falls in one, else its columns.
 * Only enterprises that moved have rows, so this join is small. */
#define COV_PLACE                                                                                                 \
    "LEFT JOIN (SELECT enterprise_id, district_code, park_code, street_code FROM enterprise_place "                \
    "WHERE to_day > $1 AND (from_day IS NULL OR from_day <= $1)) pl ON pl.enterprise_id = e.id "
#define COV_D "(CASE WHEN pl.enterprise_id IS NULL THEN e.district_code ELSE pl.district_code END)"
#define COV_P "(CASE WHEN pl.enterprise_id IS NULL THEN e.park_code ELSE pl.park_code END)"
#define COV_S "(CASE WHEN pl.enterprise_id IS NULL THEN e.street_code ELSE pl.street_code END)"
#define COV_SCOPE SCOPE_COND("$2", "$3", COV_D, COV_P, "NULL", "e.id", "NULL")
/* In the register on day $1 (issue 23): entered by then (a campaign's enterprise has no reg_from), not closed or merged. */
#define COV_INREG " AND (e.reg_from IS NULL OR e.reg_from <= $1) AND (e.reg_to IS NULL OR e.reg_to > $1)"
/* Grouped first, named after: the region lookup runs once per group, not per enterprise. */
#define COV_FIG(KEY)                                                                                           \
    "SELECT y.k, g.name, y.n, y.cv, y.wk FROM (SELECT x.k AS k, COUNT(*) AS n, CAST(SUM(x.cv) AS BIGINT) AS cv, " \
    "CAST(SUM(CASE WHEN x.cv = 1 OR x.ins = 1 THEN 1 ELSE 0 END) AS BIGINT) AS wk FROM ("                      \
    "SELECT " KEY " AS k, CASE WHEN cv.enterprise_id IS NULL THEN 0 ELSE 1 END AS cv, "                        \
    "CASE WHEN ins.enterprise_id IS NULL THEN 0 ELSE 1 END AS ins" COV_JOINS "WHERE e.zombie = 0" COV_INREG " AND " COV_SCOPE \
    ") x GROUP BY x.k) y LEFT JOIN region g ON g.code = y.k ORDER BY y.k"

static const char *const coverage_fig_sql[] = {
    COV_FIG("CAST('city' AS TEXT)"), COV_FIG(COV_D), COV_FIG(COV_P),
    COV_FIG(COV_S), COV_FIG("e.category"),
};

/* The same figures from the kept running sums (covkept.h, migration 0075): per group in scope its row of the
 * latest day <= $1 — scalar subqueries on the primary key (grp, day), one probe each, so both databases walk
 * the groups and not the running rows (a join on the latest day made SQLite scan every row and probe per
 * row) — added up by the grouping.  A few ten thousand groups instead of every enterprise, cover and instructor. */
#define KEPT_D "NULLIF(g.district_code, '')"
#define KEPT_P "NULLIF(g.park_code, '')"
#define KEPT_S "NULLIF(g.street_code, '')"
#define KEPT_C "NULLIF(g.category, '')"
#define KEPT_AT(COL) "(SELECT x." COL " FROM coverage_cum x WHERE x.grp = g0.id AND x.day <= CAST($1 AS TEXT) ORDER BY x.day DESC LIMIT 1)"
#define COV_KEPT(KEY)                                                                                               \
    "SELECT y.k, r.name, y.n, y.cv, y.wk FROM (SELECT " KEY " AS k, CAST(SUM(g.n) AS BIGINT) AS n, "                 \
    "CAST(SUM(g.cv) AS BIGINT) AS cv, CAST(SUM(g.wk) AS BIGINT) AS wk FROM (SELECT g0.district_code, g0.park_code, "  \
    "g0.street_code, g0.category, " KEPT_AT("n") " AS n, " KEPT_AT("covered") " AS cv, " KEPT_AT("work") " AS wk "   \
    "FROM coverage_group g0 WHERE " SCOPE_COND("$2", "$3", "NULLIF(g0.district_code, '')", "NULLIF(g0.park_code, '')", \
                                               "NULL", "NULL", "NULL")                                                \
    ") g GROUP BY " KEY " HAVING SUM(g.n) <> 0) y LEFT JOIN region r ON r.code = y.k ORDER BY y.k"

static const char *const coverage_kept_sql[] = {
    COV_KEPT("CAST('city' AS TEXT)"), COV_KEPT(KEPT_D), COV_KEPT(KEPT_P), COV_KEPT(KEPT_S), COV_KEPT(KEPT_C),
};

/* The kept figures answer for the scopes of places (the city, a district, a park) once they are not stale;
 * the rest (an enterprise's own account, say) count from the raw tables. */
static bool coverage_kept_ok(uc *c, const char *k) {
    if (strcmp(k, "city") && strcmp(k, "district") && strcmp(k, "park")) return false;
    bool stale = true;
    err e;
    return !covkept_store_stale(c->d, &stale, &e) && !stale;
}

/* A group without a region name: a category is its own name; the rest say what is missing. */
static const char *coverage_group_name(coverage_by by, const char *key) {
    if (by == COVERAGE_CATEGORY && key) return key;
    if (by == COVERAGE_PARK && !key) return "（不在园区）";
    return key ? key : "（未填写）";
}

/* Append one row to a growing arena array. */
static coverage_row *coverage_push(uc *c, coverage_row **rows, size_t *n, size_t *cap) {
    return arena_push(c->mem, (void **)rows, n, cap, 16, sizeof **rows);
}

st coverage_store_figures(uc *c, const char *day, coverage_by by, coverage_row **rows, size_t *n, err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    *rows = NULL;
    *n = 0;
    size_t cap = 0;
    db_stmt *q;
    st s = db_prepare(c->d, coverage_kept_ok(c, k) ? coverage_kept_sql[by] : coverage_fig_sql[by], &q, e);
    if (s) return s;
    db_bind_text(q, 1, day);
    db_bind_text(q, 2, k);
    db_bind_text(q, 3, code);
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        coverage_row *x = coverage_push(c, rows, n, &cap);
        if (!x) {
            db_reset(q);
            return err_set(e, ST_NOMEM, "内存不足。");
        }
        const char *key = db_col_text(q, 0), *name = db_col_text(q, 1);
        x->key = by == COVERAGE_CITY || !key ? NULL : arena_strdup(c->mem, key);
        x->name = arena_strdup(c->mem, name ? name : coverage_group_name(by, key));
        x->enterprises = db_col_int(q, 2);
        x->covered = db_col_int(q, 3);
        x->work = db_col_int(q, 4);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (by == COVERAGE_CITY) {
        /* the whole-scope line always exists, named after the scope (a district's total, not the city's) */
        if (!*n && !coverage_push(c, rows, n, &cap)) return err_set(e, ST_NOMEM, "内存不足。");
        (*rows)[0].name = org_store_scope_name(c);
    }
    return ST_OK;
}

/* ---- the check of the kept figures ---- */

#define COV_FULL_RAW "COALESCE(" COV_D ", '') || '/' || COALESCE(" COV_P ", '') || '/' || COALESCE(" COV_S ", '') || '/' || COALESCE(e.category, '')"
#define COV_FULL_KEPT "g.district_code || '/' || g.park_code || '/' || g.street_code || '/' || g.category"

typedef struct coverage_grp {
    const char *key;
    coverage_sum v;
} coverage_grp;

static int coverage_grp_cmp(const void *a, const void *b) { return strcmp(((const coverage_grp *)a)->key, ((const coverage_grp *)b)->key); }

/* One day's figures per group, by one of the two statements, sorted by group. */
static st coverage_groups_on(uc *c, arena *m, const char *sql, const char *day, coverage_grp **out, size_t *n, err *e) {
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    db_stmt *q;
    st s = db_prepare(c->d, sql, &q, e);
    if (s) return s;
    db_bind_text(q, 1, day);
    db_bind_text(q, 2, "city");
    db_bind_text(q, 3, "");
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        coverage_grp *x = arena_push(m, (void **)out, n, &cap, 64, sizeof *x);
        if (!x || !(x->key = arena_strdup(m, db_col_text(q, 0) ? db_col_text(q, 0) : ""))) {
            db_reset(q);
            return err_set(e, ST_NOMEM, "内存不足。");
        }
        x->v = (coverage_sum){db_col_int(q, 2), db_col_int(q, 3), db_col_int(q, 4)};
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (*n) qsort(*out, *n, sizeof **out, coverage_grp_cmp);
    return ST_OK;
}

st coverage_store_verify(uc *c, coverage_diff_fn fn, void *arg, int64_t *days, int64_t *diffs, err *e) {
    *days = *diffs = 0;
    bool stale = false;
    st s = covkept_store_stale(c->d, &stale, e);
    if (s) return s;
    if (stale)
        return err_set(e, ST_CONFLICT, "保存的覆盖数字已标记为待重建（批量写入或升级之后），无从核对：先运行 ejia migrate（或重启 ejia serve）重建，再核对。");
    static const char raw_sql[] = COV_FIG(COV_FULL_RAW), kept_sql[] = COV_KEPT(COV_FULL_KEPT);
    json_t *dl = NULL;
    s = db_query_json(c->d, &dl,
                      "SELECT d FROM (SELECT from_day AS d FROM org_cover UNION SELECT to_day FROM org_cover "
                      "UNION SELECT from_day FROM org_instructor UNION SELECT to_day FROM org_instructor "
                      "UNION SELECT reg_from FROM enterprise UNION SELECT reg_to FROM enterprise "
                      "UNION SELECT from_day FROM enterprise_place UNION SELECT to_day FROM enterprise_place "
                      "UNION SELECT day FROM coverage_cum UNION SELECT '" COVKEPT_START "') x WHERE d IS NOT NULL ORDER BY d",
                      e, "");
    size_t i;
    json_t *row;
    json_array_foreach(dl, i, row) {
        if (s) break;
        const char *day = json_string_value(json_object_get(row, "d"));
        if (!day) continue;
        arena m;   /* one day's rows at a time */
        arena_init(&m, 0);
        coverage_grp *a = NULL, *b = NULL;
        size_t na = 0, nb = 0;
        s = coverage_groups_on(c, &m, raw_sql, day, &a, &na, e);
        if (!s) s = coverage_groups_on(c, &m, kept_sql, day, &b, &nb, e);
        (*days)++;
        for (size_t x = 0, y = 0; !s && (x < na || y < nb);) {
            int cmp = x == na ? 1 : y == nb ? -1 : strcmp(a[x].key, b[y].key);
            const coverage_sum zero = {0, 0, 0}, *ra = cmp <= 0 ? &a[x].v : &zero, *kb = cmp >= 0 ? &b[y].v : &zero;
            const char *key = cmp <= 0 ? a[x].key : b[y].key;
            if (ra->n != kb->n || ra->covered != kb->covered || ra->work != kb->work) {
                (*diffs)++;
                if (fn) fn(arg, day, key, ra, kb);
            }
            if (cmp <= 0) x++;
            if (cmp >= 0) y++;
        }
        arena_free(&m);
    }
    json_decref(dl);
    return s;
}

/* ---- the whole scope over many days, in one pass ----
 *
 * Figures per day cost a scan of every active cover; a trend of 18 旬 at a
 * province's size would be 18 such scans.  Instead: read each in-scope
 * enterprise's cover and instructor intervals once, ordered by enterprise,
 * and for each enterprise mark the sample days its intervals span
 * (coverage_mark); then count.  Same definitions as COV_FIG: non-zombie
 * enterprises in scope, covered = an org_cover active on the day
 * (from_day <= day < to_day), work = covered or an instructor active. */

/* An enterprise inside the scope ($K, $C) now or at one of its earlier places (issue 23). */
#define COV_SCOPE_EVER(K, C)                                                                                     \
    "(" SCOPE_COND(K, C, "e.district_code", "e.park_code", "NULL", "e.id", "NULL")                                \
    " OR EXISTS (SELECT 1 FROM enterprise_place pw WHERE pw.enterprise_id = e.id AND "                           \
    SCOPE_COND(K, C, "pw.district_code", "pw.park_code", "NULL", "e.id", "NULL") "))"

#define COV_INTERVALS(TABLE)                                                                                     \
    "SELECT x.enterprise_id, x.from_day, x.to_day, e.reg_from, e.reg_to FROM " TABLE " x JOIN enterprise e ON e.id = x.enterprise_id " \
    "WHERE e.zombie = 0 AND x.from_day <= $4 AND (x.to_day IS NULL OR x.to_day > $1) AND " COV_SCOPE_EVER("$2", "$3") \
    " ORDER BY x.enterprise_id"

/* The earlier places of the enterprises that moved, each with whether it and
 * the present place are inside the caller's scope, ordered by enterprise:
 * the days an enterprise counts for the scope (coverage_in_scope). */
typedef struct coverage_place {
    int64_t ent;
    const char *from, *to;   /* from NULL: since it entered the register */
    unsigned char in, now_in;
} coverage_place;

typedef struct coverage_places {
    coverage_place *p;
    size_t n;
} coverage_places;

static st coverage_places_load(uc *c, const char *k, const char *code, coverage_places *pl, err *e) {
    pl->p = NULL;
    pl->n = 0;
    size_t cap = 0;
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT p.enterprise_id, p.from_day, p.to_day, CASE WHEN "
                      SCOPE_COND("$1", "$2", "p.district_code", "p.park_code", "NULL", "e.id", "NULL")
                      " THEN 1 ELSE 0 END, CASE WHEN " SCOPE_COND("$1", "$2", "e.district_code", "e.park_code", "NULL", "e.id", "NULL")
                      " THEN 1 ELSE 0 END FROM enterprise_place p JOIN enterprise e ON e.id = p.enterprise_id WHERE e.zombie = 0 "
                      "ORDER BY p.enterprise_id, p.to_day",
                      &q, e);
    if (s) return s;
    db_bind_text(q, 1, k);
    db_bind_text(q, 2, code);
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        coverage_place *x = arena_push(c->mem, (void **)&pl->p, &pl->n, &cap, 64, sizeof *x);
        if (!x) {
            db_reset(q);
            return err_set(e, ST_NOMEM, "内存不足。");
        }
        x->ent = db_col_int(q, 0);
        x->from = db_col_null(q, 1) ? NULL : arena_strdup(c->mem, db_col_text(q, 1));
        x->to = arena_strdup(c->mem, db_col_text(q, 2));
        x->in = (unsigned char)db_col_int(q, 3);
        x->now_in = (unsigned char)db_col_int(q, 4);
    }
    db_reset(q);
    return r == DB_ERROR ? e->code : ST_OK;
}

/* For an enterprise that moved, flag[i] = 1 on the days it was inside the
 * scope; false (flag untouched) for one that never moved: inside on every day. */
static bool coverage_in_scope(const coverage_places *pl, int64_t ent, const char *const *days, size_t ndays, unsigned char *flag) {
    size_t lo = 0, hi = pl->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pl->p[mid].ent < ent) lo = mid + 1;
        else hi = mid;
    }
    if (lo == pl->n || pl->p[lo].ent != ent) return false;
    memset(flag, pl->p[lo].now_in, ndays);
    for (size_t j = lo; j < pl->n && pl->p[j].ent == ent; j++)
        for (size_t i = 0; i < ndays; i++)
            if ((!pl->p[j].from || strcmp(days[i], pl->p[j].from) >= 0) && strcmp(days[i], pl->p[j].to) < 0) flag[i] = pl->p[j].in;
    return true;
}

/* An interval [from, to) cut to the enterprise's days in the register [rf, rt) (issue 23); false when nothing is left. */
static bool coverage_clip(const char *from, const char *to, const char *rf, const char *rt, const char **f, const char **t) {
    *f = rf && strcmp(rf, from) > 0 ? rf : from;
    *t = rt && (!to || strcmp(rt, to) < 0) ? rt : to;
    return !*t || strcmp(*f, *t) < 0;
}

/* Mark the days of one interval row (enterprise, from, to, reg_from, reg_to). */
static void coverage_mark_row(db_stmt *q, const char *const *days, size_t ndays, unsigned char *flag) {
    const char *f, *t;
    if (coverage_clip(db_col_text(q, 1), db_col_null(q, 2) ? NULL : db_col_text(q, 2), db_col_null(q, 3) ? NULL : db_col_text(q, 3),
                      db_col_null(q, 4) ? NULL : db_col_text(q, 4), &f, &t))
        coverage_mark(days, ndays, f, t, flag);
}

/* Step both interval statements (ordered by enterprise) side by side and add
 * up, per day, the enterprises covered and work-covered (on the days each was
 * inside the scope). */
static st coverage_series_count(db_stmt *qc, db_stmt *qi, const coverage_places *pl, const char *const *days, size_t ndays,
                                int64_t *covered, int64_t *work, unsigned char *cf, unsigned char *wf, unsigned char *sf, err *e) {
    int rc = db_step(qc, e), ri = db_step(qi, e);
    while (rc == DB_ROW || ri == DB_ROW) {
        int64_t ec = rc == DB_ROW ? db_col_int(qc, 0) : INT64_MAX, ei = ri == DB_ROW ? db_col_int(qi, 0) : INT64_MAX;
        int64_t ent = ec < ei ? ec : ei;
        memset(cf, 0, ndays);
        memset(wf, 0, ndays);
        while (rc == DB_ROW && db_col_int(qc, 0) == ent) {
            coverage_mark_row(qc, days, ndays, cf);
            rc = db_step(qc, e);
        }
        while (ri == DB_ROW && db_col_int(qi, 0) == ent) {
            coverage_mark_row(qi, days, ndays, wf);
            ri = db_step(qi, e);
        }
        if (coverage_in_scope(pl, ent, days, ndays, sf))
            for (size_t i = 0; i < ndays; i++) {
                cf[i] &= sf[i];
                wf[i] &= sf[i];
            }
        for (size_t i = 0; i < ndays; i++) {
            covered[i] += cf[i];
            work[i] += cf[i] | wf[i];
        }
    }
    return rc == DB_ERROR || ri == DB_ERROR ? e->code : ST_OK;
}

st coverage_store_city_series(uc *c, const char *const *days, size_t ndays, int64_t *n, int64_t *covered,
                              int64_t *work, err *e) {
    memset(covered, 0, ndays * sizeof *covered);
    memset(work, 0, ndays * sizeof *work);
    memset(n, 0, ndays * sizeof *n);
    if (!ndays) return ST_OK;
    const char *k, *code;
    scope_bind(c, &k, &code);
    coverage_places pl;
    st s = coverage_places_load(c, k, code, &pl, e);
    if (s) return s;
    /* the enterprises of each day: those of the campaign that never moved on every day, the rest on their days in the
     * register and inside the scope */
    int64_t always = 0;
    s = db_query_int(c->d, &always,
                     "SELECT COUNT(*) FROM enterprise e WHERE e.zombie = 0 AND e.reg_from IS NULL AND e.reg_to IS NULL AND "
                     "NOT EXISTS (SELECT 1 FROM enterprise_place pw WHERE pw.enterprise_id = e.id) AND "
                     SCOPE_COND("$1", "$2", "e.district_code", "e.park_code", "NULL", "e.id", "NULL"),
                     e, "tt", k, code);
    if (s) return s;
    for (size_t i = 0; i < ndays; i++) n[i] = always;
    db_stmt *qr;
    if ((s = db_prepare(c->d,
                        "SELECT e.id, COALESCE(e.reg_from, '0000-00-00'), e.reg_to FROM enterprise e WHERE e.zombie = 0 AND "
                        "(e.reg_from IS NOT NULL OR e.reg_to IS NOT NULL OR EXISTS (SELECT 1 FROM enterprise_place pw "
                        "WHERE pw.enterprise_id = e.id)) AND " COV_SCOPE_EVER("$1", "$2"),
                        &qr, e)))
        return s;
    db_bind_text(qr, 1, k);
    db_bind_text(qr, 2, code);
    unsigned char *rf = arena_alloc(c->mem, ndays), *sf = arena_alloc(c->mem, ndays);
    if (!rf || !sf) {
        db_reset(qr);
        return err_set(e, ST_NOMEM, "内存不足。");
    }
    int rr;
    while ((rr = db_step(qr, e)) == DB_ROW) {
        memset(rf, 0, ndays);
        coverage_mark(days, ndays, db_col_text(qr, 1), db_col_null(qr, 2) ? NULL : db_col_text(qr, 2), rf);
        if (coverage_in_scope(&pl, db_col_int(qr, 0), days, ndays, sf))
            for (size_t i = 0; i < ndays; i++) rf[i] &= sf[i];
        for (size_t i = 0; i < ndays; i++) n[i] += rf[i];
    }
    db_reset(qr);
    if (rr == DB_ERROR) return e->code;
    db_stmt *qc = NULL, *qi = NULL;
    static const char *const sql_c = COV_INTERVALS("org_cover"), *const sql_i = COV_INTERVALS("org_instructor");
    unsigned char *cf = arena_alloc(c->mem, ndays), *wf = arena_alloc(c->mem, ndays);
    if (!cf || !wf) s = err_set(e, ST_NOMEM, "内存不足。");
    if (!s) s = db_prepare(c->d, sql_c, &qc, e);
    if (!s) s = db_prepare(c->d, sql_i, &qi, e);
    if (!s) {
        db_stmt *qs[2] = {qc, qi};
        for (int j = 0; j < 2; j++) {
            db_bind_text(qs[j], 1, days[0]);
            db_bind_text(qs[j], 2, k);
            db_bind_text(qs[j], 3, code);
            db_bind_text(qs[j], 4, days[ndays - 1]);
        }
        s = coverage_series_count(qc, qi, &pl, days, ndays, covered, work, cf, wf, sf, e);
    }
    if (qc) db_reset(qc);
    if (qi) db_reset(qi);
    return s;
}

/* ---- the enterprises behind a figure ---- */

/* a combinable filter: a code, or "none" for enterprises without one (no park, say) */
#define COV_NAMED(P, COL)                                                                                         \
    " AND (CAST(" P " AS TEXT) IS NULL OR (CAST(" P " AS TEXT) = 'none' AND " COL " IS NULL) OR " COL " = " P ")"
/* the enterprises of the scope that pass the filters, whatever their state */
#define COV_ENT_BASE(KEY)                                                                                        \
    COV_JOINS "WHERE e.zombie = 0" COV_INREG " AND " COV_SCOPE                                                   \
    " AND (CAST($4 AS TEXT) IS NULL OR (CAST($4 AS TEXT) = 'none' AND " KEY " IS NULL) OR " KEY " = $4)"         \
    " AND (CAST($6 AS TEXT) IS NULL OR e.name LIKE " DB_LIKE_CONTAINS("$6") " OR e.uscc = UPPER($6))"                      \
    COV_NAMED("$7", COV_D) COV_NAMED("$8", COV_P) COV_NAMED("$9", COV_S)                                         \
    COV_NAMED("$10", "e.category")
#define COV_STATE                                                                                                \
    "(CAST($5 AS TEXT) = 'all' OR (CAST($5 AS TEXT) = 'covered' AND cv.enterprise_id IS NOT NULL)"               \
    " OR (CAST($5 AS TEXT) = 'uncovered' AND cv.enterprise_id IS NULL)"                                          \
    " OR (CAST($5 AS TEXT) = 'work' AND (cv.enterprise_id IS NOT NULL OR ins.enterprise_id IS NOT NULL))"        \
    " OR (CAST($5 AS TEXT) = 'work_uncovered' AND cv.enterprise_id IS NULL AND ins.enterprise_id IS NULL))"
#define COV_ENT_WHERE(KEY) COV_ENT_BASE(KEY) " AND " COV_STATE
/* The count for the pager and the figures of the filtered set (any state) in one pass. */
#define COV_ENT(KEY)                                                                                             \
    {"SELECT COALESCE(SUM(CASE WHEN " COV_STATE " THEN 1 ELSE 0 END), 0), COUNT(*), "                            \
     "COALESCE(SUM(CASE WHEN cv.enterprise_id IS NOT NULL THEN 1 ELSE 0 END), 0), "                             \
     "COALESCE(SUM(CASE WHEN cv.enterprise_id IS NOT NULL OR ins.enterprise_id IS NOT NULL THEN 1 ELSE 0 END), 0)" \
     COV_ENT_BASE(KEY),                                                                                          \
     "SELECT e.id, e.name, e.uscc, " COV_D " AS district_code, " COV_P " AS park_code, " COV_S " AS street_code, "   \
     "e.category, e.employees, e.members, "                                                                     \
     "CASE WHEN cv.enterprise_id IS NULL THEN 0 ELSE 1 END AS covered, "                                        \
     "CASE WHEN ins.enterprise_id IS NULL THEN 0 ELSE 1 END AS instructor, "                                    \
     "(SELECT MIN(c.org_id) FROM org_cover c WHERE c.enterprise_id = e.id AND c.from_day <= $1 "                \
     "AND (c.to_day IS NULL OR c.to_day > $1)) AS org_id" COV_ENT_WHERE(KEY)}

static const char *const coverage_ent_sql[][2] = {
    COV_ENT("CAST(NULL AS TEXT)"), COV_ENT(COV_D), COV_ENT(COV_P),
    COV_ENT(COV_S), COV_ENT("e.category"),
};

static const char *coverage_nz(const char *s) { return s && *s ? s : NULL; }

/* The covering organization's name beside its id, for the reader (a page of rows). */
static void coverage_org_names(uc *c, json_t *items) {
    size_t i;
    json_t *row;
    json_array_foreach(items, i, row) {
        json_t *oid = json_object_get(row, "org_id");
        if (!json_is_integer(oid)) continue;
        char *name = NULL;
        if (!db_query_text(c->d, &name, "SELECT name FROM org WHERE id = $1", NULL, "i", (int64_t)json_integer_value(oid))) {
            json_object_set_new(row, "org_name", json_string(name));
            free(name);
        }
    }
}

st coverage_store_enterprises(uc *c, const char *day, coverage_by by, const char *key, const char *state,
                              const coverage_filter *f, const uc_page *pg, json_t **items, int64_t *total,
                              coverage_sum *sum, err *e) {
    if (!state || !*state) state = "all";
    if (strcmp(state, "all") && strcmp(state, "covered") && strcmp(state, "uncovered") && strcmp(state, "work") &&
        strcmp(state, "work_uncovered"))
        return err_field(e, ST_INVALID, "state", "state=“%s”无效，应为 all、covered、uncovered、work 或 work_uncovered。", state);
    if (by == COVERAGE_CITY) key = NULL;
    coverage_filter none = {0};
    if (!f) f = &none;
    const char *k, *code;
    scope_bind(c, &k, &code);
    const char *args[] = {day, k, code, key, state, coverage_nz(f->q), coverage_nz(f->district), coverage_nz(f->park),
                          coverage_nz(f->street), coverage_nz(f->category)};
    db_stmt *cq;
    st s = db_prepare(c->d, coverage_ent_sql[by][0], &cq, e);
    if (s) return s;
    for (int i = 0; i < 10; i++) db_bind_text(cq, i + 1, args[i]);
    int rc = db_step(cq, e);
    if (rc == DB_ROW) {
        *total = db_col_int(cq, 0);
        if (sum) *sum = (coverage_sum){db_col_int(cq, 1), db_col_int(cq, 2), db_col_int(cq, 3)};
    }
    db_reset(cq);
    if (rc == DB_ERROR) return e->code;
    const char *sql = arena_printf(c->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $11 OFFSET $12", coverage_ent_sql[by][1],
                                   pg->order ? pg->order : "q.id");
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    s = db_query_json(c->d, items, sql, e, "ttttttttttii", args[0], args[1], args[2], args[3], args[4], args[5], args[6],
                      args[7], args[8], args[9], pg->limit, pg->offset);
    if (s) return s;
    coverage_org_names(c, *items);
    return ST_OK;
}

st coverage_store_enterprise(uc *c, int64_t id, json_t **out, err *e) {
    db *d = c->d;
    json_t *ent = NULL, *covers = NULL, *ins = NULL, *events = NULL;
    st s = db_query_json(d, &ent, "SELECT id, name, uscc, district_code, park_code, street_code, category, employees, members, "
                                  "zombie, reg_members, reg_full_members FROM enterprise WHERE id = $1", e, "i", id);
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
    *out = o;
    return ST_OK;
}

st coverage_store_asof(uc *c, const char *today, char out[11], err *e) {
    char *latest = NULL;
    /* the whole city's latest change, not the caller's scope: one day for every reader */
    /* an organization's change or the register's (issue 23) */
    st s = db_query_text(c->d, &latest,
                         "SELECT MAX(d) FROM (SELECT MAX(day) AS d FROM org_event WHERE day <= $1 "
                         "UNION ALL SELECT MAX(day) AS d FROM enterprise_event WHERE day <= $1) x",
                         e, "t", today);
    if (s == ST_NOT_FOUND) s = ST_OK;
    if (!s) coverage_asof_rule(today, latest, out);
    free(latest);
    return s;
}
