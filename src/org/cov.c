/* cov — see cov.h.  One statement per grouping (string literals, so each is
 * prepared once per connection).  "Covered on day D" is one definition used
 * everywhere: a cover row with from_day <= D and (to_day IS NULL OR to_day > D);
 * the covered set is built once per query (a DISTINCT subquery joined by
 * enterprise), which both databases run as one pass over the index on
 * org_cover rather than one probe per enterprise. */
#include "cov.h"

#include "core/buf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "auth/scope.h"

st cov_by_parse(const char *s, cov_by *out, err *e) {
    static const char *const names[] = {"city", "district", "park", "street", "category"};
    if (!s || !*s) {
        *out = COV_CITY;
        return ST_OK;
    }
    for (int i = 0; i < 5; i++)
        if (!strcmp(s, names[i])) {
            *out = (cov_by)i;
            return ST_OK;
        }
    return err_field(e, ST_INVALID, "by", "by=“%s”无效，应为 city、district、park、street 或 category。", s);
}

const char *cov_by_name(cov_by b) {
    static const char *const names[] = {"city", "district", "park", "street", "category"};
    return names[b];
}

double cov_rate(int64_t part, int64_t n) { return n ? round(1000.0 * (double)part / (double)n) / 10.0 : 0.0; }

#define COV_JOINS                                                                                                   \
    " FROM enterprise e "                                                                                           \
    "LEFT JOIN (SELECT DISTINCT enterprise_id FROM org_cover WHERE from_day <= $1 AND (to_day IS NULL OR to_day > $1)) cv " \
    "  ON cv.enterprise_id = e.id "                                                                                 \
    "LEFT JOIN (SELECT DISTINCT enterprise_id FROM org_instructor WHERE from_day <= $1 AND (to_day IS NULL OR to_day > $1)) ins " \
    "  ON ins.enterprise_id = e.id "
#define COV_SCOPE SCOPE_COND("$2", "$3", "e.district_code", "e.park_code", "NULL", "e.id", "NULL")
/* Grouped first, named after: the region lookup runs once per group, not per enterprise. */
#define COV_FIG(KEY)                                                                                           \
    "SELECT y.k, g.name, y.n, y.cv, y.wk FROM (SELECT x.k AS k, COUNT(*) AS n, CAST(SUM(x.cv) AS BIGINT) AS cv, " \
    "CAST(SUM(CASE WHEN x.cv = 1 OR x.ins = 1 THEN 1 ELSE 0 END) AS BIGINT) AS wk FROM ("                      \
    "SELECT " KEY " AS k, CASE WHEN cv.enterprise_id IS NULL THEN 0 ELSE 1 END AS cv, "                        \
    "CASE WHEN ins.enterprise_id IS NULL THEN 0 ELSE 1 END AS ins" COV_JOINS "WHERE e.zombie = 0 AND " COV_SCOPE \
    ") x GROUP BY x.k) y LEFT JOIN region g ON g.code = y.k ORDER BY y.k"

static const char *const cov_fig_sql[] = {
    COV_FIG("CAST('city' AS TEXT)"), COV_FIG("e.district_code"), COV_FIG("e.park_code"),
    COV_FIG("e.street_code"), COV_FIG("e.category"),
};

st cov_figures(db *d, const char *day, cov_by by, const char *k, const char *c, json_t **rows, err *e) {
    db_stmt *q;
    st s = db_prepare(d, cov_fig_sql[by], &q, e);
    if (s) return s;
    db_bind_text(q, 1, day);
    db_bind_text(q, 2, k);
    db_bind_text(q, 3, c);
    json_t *a = json_array();
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        const char *key = db_col_text(q, 0), *name = db_col_text(q, 1);
        int64_t n = db_col_int(q, 2), cv = db_col_int(q, 3), wk = db_col_int(q, 4);
        if (!name) name = by == COV_CATEGORY && key ? key : by == COV_PARK && !key ? "（不在园区）" : !key ? "（未填写）" : key;
        json_array_append_new(a, json_pack("{s:s?,s:s,s:I,s:I,s:I,s:f,s:f}", "key", by == COV_CITY ? NULL : key, "name", name,
                                           "enterprises", (json_int_t)n, "covered", (json_int_t)cv, "work_covered",
                                           (json_int_t)wk, "rate", cov_rate(cv, n), "work_rate", cov_rate(wk, n)));
    }
    db_reset(q);
    if (r == DB_ERROR) {
        json_decref(a);
        return e->code;
    }
    if (by == COV_CITY) {
        /* the whole-scope line always exists */
        if (!json_array_size(a))
            json_array_append_new(a, json_pack("{s:n,s:s,s:i,s:i,s:i,s:f,s:f}", "key", "name", "", "enterprises", 0,
                                               "covered", 0, "work_covered", 0, "rate", 0.0, "work_rate", 0.0));
        json_object_set_new(json_array_get(a, 0), "name", cov_scope_name(d, k, c));
    }
    *rows = a;
    return ST_OK;
}

json_t *cov_scope_name(db *d, const char *k, const char *c) {
    /* the city, or the district or park of a worker there (their total, not the city's) */
    char *name = NULL;
    bool area = k && (!strcmp(k, "district") || !strcmp(k, "park"));
    if (area && db_query_text(d, &name, "SELECT name FROM region WHERE code = $1", NULL, "t", c)) name = NULL;
    if (!name && db_query_text(d, &name, "SELECT name FROM region WHERE kind = 'city' ORDER BY code LIMIT 1", NULL, ""))
        name = NULL;
    json_t *j = json_string(name ? name : "全市");
    free(name);
    return j;
}

/* ---- the whole scope over many days, in one pass ----
 *
 * cov_figures per day costs a scan of every active cover; a trend of 18 旬 at a
 * province's size would be 18 such scans.  Instead: read each in-scope
 * enterprise's cover and instructor intervals once, ordered by enterprise, and
 * for each enterprise mark the sample days its intervals span (binary search on
 * the sorted days); then count.  Same definitions as COV_FIG: non-zombie
 * enterprises in scope, covered = an org_cover active on the day
 * (from_day <= day < to_day), work = covered or an instructor active. */

/* index of the first day >= s (ndays when none) */
static size_t cov_lower(const char *const *days, size_t ndays, const char *s) {
    size_t lo = 0, hi = ndays;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(days[mid], s) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* Mark days[i] for from <= days[i] < to (to NULL = open). */
static void cov_mark(const char *const *days, size_t ndays, const char *from, const char *to, unsigned char *flag) {
    size_t lo = cov_lower(days, ndays, from), hi = to ? cov_lower(days, ndays, to) : ndays;
    for (size_t i = lo; i < hi; i++) flag[i] = 1;
}

#define COV_INTERVALS(TABLE)                                                                                     \
    "SELECT x.enterprise_id, x.from_day, x.to_day FROM " TABLE " x JOIN enterprise e ON e.id = x.enterprise_id " \
    "WHERE e.zombie = 0 AND x.from_day <= $4 AND (x.to_day IS NULL OR x.to_day > $1) AND " COV_SCOPE            \
    " ORDER BY x.enterprise_id"

st cov_city_series(db *d, const char *const *days, size_t ndays, const char *k, const char *c, int64_t *n,
                   int64_t *covered, int64_t *work, err *e) {
    memset(covered, 0, ndays * sizeof *covered);
    memset(work, 0, ndays * sizeof *work);
    *n = 0;
    if (!ndays) return ST_OK;
    st s = db_query_int(d, n,
                        "SELECT COUNT(*) FROM enterprise e WHERE e.zombie = 0 AND "
                        SCOPE_COND("$1", "$2", "e.district_code", "e.park_code", "NULL", "e.id", "NULL"),
                        e, "tt", k, c);
    if (s) return s;
    db_stmt *qc = NULL, *qi = NULL;
    static const char *const sql_c = COV_INTERVALS("org_cover"), *const sql_i = COV_INTERVALS("org_instructor");
    unsigned char *cf = calloc(ndays, 1), *wf = calloc(ndays, 1);
    if (!cf || !wf) s = err_set(e, ST_NOMEM, "内存不足。");
    /* two statements stepped side by side: both ordered by enterprise */
    if (!s) s = db_prepare(d, sql_c, &qc, e);
    if (!s) s = db_prepare(d, sql_i, &qi, e);
    if (!s) {
        db_stmt *qs[2] = {qc, qi};
        for (int j = 0; j < 2; j++) {
            db_bind_text(qs[j], 1, days[0]);
            db_bind_text(qs[j], 2, k);
            db_bind_text(qs[j], 3, c);
            db_bind_text(qs[j], 4, days[ndays - 1]);
        }
        int rc = db_step(qc, e), ri = db_step(qi, e);
        while (!s && (rc == DB_ROW || ri == DB_ROW)) {
            int64_t ec = rc == DB_ROW ? db_col_int(qc, 0) : INT64_MAX, ei = ri == DB_ROW ? db_col_int(qi, 0) : INT64_MAX;
            int64_t ent = ec < ei ? ec : ei;
            memset(cf, 0, ndays);
            memset(wf, 0, ndays);
            while (rc == DB_ROW && db_col_int(qc, 0) == ent) {
                cov_mark(days, ndays, db_col_text(qc, 1), db_col_null(qc, 2) ? NULL : db_col_text(qc, 2), cf);
                rc = db_step(qc, e);
            }
            while (ri == DB_ROW && db_col_int(qi, 0) == ent) {
                cov_mark(days, ndays, db_col_text(qi, 1), db_col_null(qi, 2) ? NULL : db_col_text(qi, 2), wf);
                ri = db_step(qi, e);
            }
            for (size_t i = 0; i < ndays; i++) {
                covered[i] += cf[i];
                work[i] += cf[i] | wf[i];
            }
        }
        if (rc == DB_ERROR || ri == DB_ERROR) s = e->code;
    }
    if (qc) db_reset(qc);
    if (qi) db_reset(qi);
    free(cf);
    free(wf);
    return s;
}

/* a combinable filter: a code, or "none" for enterprises without one (no park, say) */
#define COV_NAMED(P, COL)                                                                                         \
    " AND (CAST(" P " AS TEXT) IS NULL OR (CAST(" P " AS TEXT) = 'none' AND " COL " IS NULL) OR " COL " = " P ")"
/* the enterprises of the scope that pass the filters, whatever their state */
#define COV_ENT_BASE(KEY)                                                                                        \
    COV_JOINS "WHERE e.zombie = 0 AND " COV_SCOPE                                                                \
    " AND (CAST($4 AS TEXT) IS NULL OR (CAST($4 AS TEXT) = 'none' AND " KEY " IS NULL) OR " KEY " = $4)"         \
    " AND (CAST($6 AS TEXT) IS NULL OR e.name LIKE '%' || $6 || '%' OR e.uscc = UPPER($6))"                      \
    COV_NAMED("$7", "e.district_code") COV_NAMED("$8", "e.park_code") COV_NAMED("$9", "e.street_code")             \
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
     "SELECT e.id, e.name, e.uscc, e.district_code, e.park_code, e.street_code, e.category, e.employees, e.members, " \
     "CASE WHEN cv.enterprise_id IS NULL THEN 0 ELSE 1 END AS covered, "                                        \
     "CASE WHEN ins.enterprise_id IS NULL THEN 0 ELSE 1 END AS instructor, "                                    \
     "(SELECT MIN(c.org_id) FROM org_cover c WHERE c.enterprise_id = e.id AND c.from_day <= $1 "                \
     "AND (c.to_day IS NULL OR c.to_day > $1)) AS org_id" COV_ENT_WHERE(KEY)}

static const char *const cov_ent_sql[][2] = {
    COV_ENT("CAST(NULL AS TEXT)"), COV_ENT("e.district_code"), COV_ENT("e.park_code"),
    COV_ENT("e.street_code"), COV_ENT("e.category"),
};

static const char *cov_nz(const char *s) { return s && *s ? s : NULL; }

st cov_enterprises(db *d, const char *day, cov_by by, const char *key, const char *state, const cov_filter *f,
                   const char *k, const char *c, const char *order, int64_t limit, int64_t offset, json_t **items,
                   int64_t *total, cov_sum *sum, err *e) {
    if (!state || !*state) state = "all";
    if (strcmp(state, "all") && strcmp(state, "covered") && strcmp(state, "uncovered") && strcmp(state, "work") &&
        strcmp(state, "work_uncovered"))
        return err_field(e, ST_INVALID, "state", "state=“%s”无效，应为 all、covered、uncovered、work 或 work_uncovered。", state);
    if (by == COV_CITY) key = NULL;
    cov_filter none = {0};
    if (!f) f = &none;
    const char *q = cov_nz(f->q), *dist = cov_nz(f->district), *park = cov_nz(f->park), *street = cov_nz(f->street),
               *cat = cov_nz(f->category);
    db_stmt *cq;
    st s = db_prepare(d, cov_ent_sql[by][0], &cq, e);
    if (s) return s;
    const char *args[] = {day, k, c, key, state, q, dist, park, street, cat};
    for (int i = 0; i < 10; i++) db_bind_text(cq, i + 1, args[i]);
    int rc = db_step(cq, e);
    if (rc == DB_ROW) {
        *total = db_col_int(cq, 0);
        if (sum) *sum = (cov_sum){db_col_int(cq, 1), db_col_int(cq, 2), db_col_int(cq, 3)};
    }
    db_reset(cq);
    if (rc == DB_ERROR) return e->code;
    buf sql;
    buf_init(&sql, 0);
    s = buf_printf(&sql, "SELECT * FROM (%s) q ORDER BY %s LIMIT $11 OFFSET $12", cov_ent_sql[by][1], order ? order : "q.id");
    if (!s)
        s = db_query_json(d, items, sql.data, e, "ttttttttttii", day, k, c, key, state, q, dist, park, street, cat, limit,
                          offset);
    buf_free(&sql);
    if (s) return s;
    /* the covering organization's name, for the reader */
    size_t i;
    json_t *row;
    json_array_foreach(*items, i, row) {
        json_t *oid = json_object_get(row, "org_id");
        if (!json_is_integer(oid)) continue;
        char *name = NULL;
        if (!db_query_text(d, &name, "SELECT name FROM org WHERE id = $1", NULL, "i", (int64_t)json_integer_value(oid))) {
            json_object_set_new(row, "org_name", json_string(name));
            free(name);
        }
    }
    return ST_OK;
}
