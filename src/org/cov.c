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
        /* the whole-scope line always exists, named after the scope: the city, or
         * the district or park of a worker there (their total, not the city's) */
        char *city = NULL;
        bool area = k && (!strcmp(k, "district") || !strcmp(k, "park"));
        if (area && db_query_text(d, &city, "SELECT name FROM region WHERE code = $1", NULL, "t", c)) city = NULL;
        if (!city && db_query_text(d, &city, "SELECT name FROM region WHERE kind = 'city' ORDER BY code LIMIT 1", NULL, ""))
            city = NULL;
        if (!json_array_size(a))
            json_array_append_new(a, json_pack("{s:n,s:s,s:i,s:i,s:i,s:f,s:f}", "key", "name", "", "enterprises", 0,
                                               "covered", 0, "work_covered", 0, "rate", 0.0, "work_rate", 0.0));
        json_object_set_new(json_array_get(a, 0), "name", json_string(city ? city : "全市"));
        free(city);
    }
    *rows = a;
    return ST_OK;
}

/* a combinable filter: a code, or "none" for enterprises without one (no park, say) */
#define COV_NAMED(P, COL)                                                                                         \
    " AND (CAST(" P " AS TEXT) IS NULL OR (CAST(" P " AS TEXT) = 'none' AND " COL " IS NULL) OR " COL " = " P ")"
#define COV_ENT_WHERE(KEY)                                                                                       \
    COV_JOINS "WHERE e.zombie = 0 AND " COV_SCOPE                                                                \
    " AND (CAST($4 AS TEXT) IS NULL OR (CAST($4 AS TEXT) = 'none' AND " KEY " IS NULL) OR " KEY " = $4)"         \
    " AND (CAST($5 AS TEXT) = 'all' OR (CAST($5 AS TEXT) = 'covered' AND cv.enterprise_id IS NOT NULL)"          \
    " OR (CAST($5 AS TEXT) = 'uncovered' AND cv.enterprise_id IS NULL)"                                          \
    " OR (CAST($5 AS TEXT) = 'work' AND (cv.enterprise_id IS NOT NULL OR ins.enterprise_id IS NOT NULL))"        \
    " OR (CAST($5 AS TEXT) = 'work_uncovered' AND cv.enterprise_id IS NULL AND ins.enterprise_id IS NULL))"        \
    " AND (CAST($6 AS TEXT) IS NULL OR e.name LIKE '%' || $6 || '%' OR e.uscc = UPPER($6))"                      \
    COV_NAMED("$7", "e.district_code") COV_NAMED("$8", "e.park_code") COV_NAMED("$9", "e.street_code")             \
    COV_NAMED("$10", "e.category")
#define COV_ENT(KEY)                                                                                             \
    {"SELECT COUNT(*)" COV_ENT_WHERE(KEY),                                                                       \
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
                   int64_t *total, err *e) {
    if (!state || !*state) state = "all";
    if (strcmp(state, "all") && strcmp(state, "covered") && strcmp(state, "uncovered") && strcmp(state, "work") &&
        strcmp(state, "work_uncovered"))
        return err_field(e, ST_INVALID, "state", "state=“%s”无效，应为 all、covered、uncovered、work 或 work_uncovered。", state);
    if (by == COV_CITY) key = NULL;
    cov_filter none = {0};
    if (!f) f = &none;
    const char *q = cov_nz(f->q), *dist = cov_nz(f->district), *park = cov_nz(f->park), *street = cov_nz(f->street),
               *cat = cov_nz(f->category);
    st s = db_query_int(d, total, cov_ent_sql[by][0], e, "tttttttttt", day, k, c, key, state, q, dist, park, street, cat);
    if (s) return s;
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
