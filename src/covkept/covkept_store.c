/* covkept_store — all the SQL of the kept coverage figures (see covkept.h):
 * one enterprise's raw rows, the running sums moved by a write, the rebuild
 * from the raw tables, the stale mark. */
#include "covkept/covkept.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"

static const char *dupn(arena *a, db_stmt *q, int col) { return db_col_null(q, col) ? NULL : arena_strdup(a, db_col_text(q, col)); }

/* ---- one enterprise ---- */

/* The spans of one table (org_cover, org_instructor) for one enterprise. */
static st load_spans(db *d, arena *a, const char *sql, int64_t ent, covkept_span **out, size_t *n, err *e) {
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    db_stmt *q;
    st s = db_prepare(d, sql, &q, e);
    if (s) return s;
    db_bind_int(q, 1, ent);
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        covkept_span *x = arena_push(a, (void **)out, n, &cap, 8, sizeof *x);
        if (!x) {
            db_reset(q);
            return err_set(e, ST_NOMEM, "内存不足。");
        }
        x->from = dupn(a, q, 0);
        x->to = dupn(a, q, 1);
    }
    db_reset(q);
    return r == DB_ERROR ? e->code : ST_OK;
}

/* Enterprise ent's raw rows as the figures see them; an enterprise not (or no longer) there has none. */
static st load_ent(uc *c, int64_t ent, covkept_ent *x, err *e) {
    memset(x, 0, sizeof *x);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT zombie, reg_from, reg_to, district_code, park_code, street_code, category FROM enterprise WHERE id = $1",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, ent);
    int r = db_step(q, e);
    bool found = r == DB_ROW;
    if (found) {
        x->zombie = db_col_int(q, 0) != 0;
        x->reg_from = dupn(c->mem, q, 1);
        x->reg_to = dupn(c->mem, q, 2);
        x->district = dupn(c->mem, q, 3);
        x->park = dupn(c->mem, q, 4);
        x->street = dupn(c->mem, q, 5);
        x->category = dupn(c->mem, q, 6);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (!found) {
        x->zombie = true;   /* nothing to count */
        return ST_OK;
    }
    covkept_place *pl = NULL;
    size_t cap = 0;
    if ((s = db_prepare(c->d, "SELECT from_day, to_day, district_code, park_code, street_code FROM enterprise_place "
                              "WHERE enterprise_id = $1 ORDER BY to_day",
                        &q, e)))
        return s;
    db_bind_int(q, 1, ent);
    while ((r = db_step(q, e)) == DB_ROW) {
        covkept_place *p = arena_push(c->mem, (void **)&pl, &x->nplaces, &cap, 4, sizeof *p);
        if (!p) {
            db_reset(q);
            return err_set(e, ST_NOMEM, "内存不足。");
        }
        *p = (covkept_place){dupn(c->mem, q, 0), dupn(c->mem, q, 1), dupn(c->mem, q, 2), dupn(c->mem, q, 3), dupn(c->mem, q, 4)};
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    x->places = pl;
    covkept_span *cv = NULL, *in = NULL;
    s = load_spans(c->d, c->mem, "SELECT from_day, to_day FROM org_cover WHERE enterprise_id = $1", ent, &cv, &x->ncovers, e);
    if (!s) s = load_spans(c->d, c->mem, "SELECT from_day, to_day FROM org_instructor WHERE enterprise_id = $1", ent, &in, &x->ninstr, e);
    x->covers = cv;
    x->instr = in;
    return s;
}

static st timeline_of(uc *c, int64_t ent, covkept_delta **out, size_t *n, err *e) {
    covkept_ent x;
    st s = load_ent(c, ent, &x, e);
    if (s) return s;
    *out = arena_calloc(c->mem, covkept_timeline_max(&x), sizeof **out);
    if (!*out) return err_set(e, ST_NOMEM, "内存不足。");
    *n = covkept_timeline(&x, *out);
    return ST_OK;
}

/* ---- moving the running sums ---- */

static st group_id(db *d, const covkept_key *k, int64_t *id, err *e) {
    static const char sel[] = "SELECT id FROM coverage_group WHERE district_code = $1 AND park_code = $2 AND street_code = $3 "
                              "AND category = $4";
    st s = db_query_int(d, id, sel, e, "tttt", k->district, k->park, k->street, k->category);
    if (s != ST_NOT_FOUND) return s;
    s = db_query_int(d, id,
                     "INSERT INTO coverage_group(district_code, park_code, street_code, category) VALUES ($1, $2, $3, $4) "
                     "ON CONFLICT (district_code, park_code, street_code, category) DO NOTHING RETURNING id",
                     e, "tttt", k->district, k->park, k->street, k->category);
    /* another transaction added it meanwhile (PostgreSQL): it is there now */
    return s == ST_NOT_FOUND ? db_query_int(d, id, sel, e, "tttt", k->district, k->park, k->street, k->category) : s;
}

/* One delta into the running sums: the group's row of that day (a copy of the one before it when new), then it
 * and every later row of the group move by the delta — a back-dated change moves the figures of every day since. */
static st apply(db *d, const covkept_delta *x, err *e) {
    int64_t g = 0;
    st s = group_id(d, &x->key, &g, e);
    if (!s)
        s = db_run(d,
                   "INSERT INTO coverage_cum(grp, day, n, covered, work) SELECT CAST($1 AS BIGINT), CAST($2 AS TEXT), "
                   "COALESCE(MAX(p.n), 0), COALESCE(MAX(p.covered), 0), COALESCE(MAX(p.work), 0) FROM (SELECT n, covered, work "
                   "FROM coverage_cum WHERE grp = $1 AND day < $2 ORDER BY day DESC LIMIT 1) p WHERE 1 = 1 "
                   "ON CONFLICT (grp, day) DO NOTHING",
                   e, "it", g, x->day);
    if (!s)
        s = db_run(d, "UPDATE coverage_cum SET n = n + $3, covered = covered + $4, work = work + $5 WHERE grp = $1 AND day >= $2",
                   e, "itiii", g, x->day, x->n, x->covered, x->work);
    return s;
}

st covkept_before(uc *c, int64_t ent, covkept_snap *snap, err *e) {
    memset(snap, 0, sizeof *snap);
    snap->ent = ent;
    st s = covkept_store_stale(c->d, &snap->skip, e);
    if (s || snap->skip || !ent) return s;
    return timeline_of(c, ent, &snap->old, &snap->n, e);
}

st covkept_after(uc *c, covkept_snap *snap, err *e) {
    if (snap->skip) return ST_OK;
    covkept_delta *now = NULL;
    size_t n = 0;
    st s = timeline_of(c, snap->ent, &now, &n, e);
    if (s) return s;
    /* the difference: the timeline now, less the one before */
    covkept_delta *all = arena_calloc(c->mem, n + snap->n + 1, sizeof *all);
    if (!all) return err_set(e, ST_NOMEM, "内存不足。");
    memcpy(all, now, n * sizeof *all);
    for (size_t i = 0; i < snap->n; i++) {
        all[n + i] = snap->old[i];
        all[n + i].n = -all[n + i].n;
        all[n + i].covered = -all[n + i].covered;
        all[n + i].work = -all[n + i].work;
    }
    size_t k = covkept_merge(all, n + snap->n);
    for (size_t i = 0; i < k && !s; i++) s = apply(c->d, &all[i], e);
    return s;
}

/* ---- staleness ---- */

st covkept_store_stale(db *d, bool *stale, err *e) {
    int64_t n = 0;
    st s = db_query_int(d, &n, "SELECT COUNT(*) FROM meta WHERE key = 'coverage-kept-stale'", e, "");
    *stale = !s && n > 0;
    return s;
}

st covkept_store_mark_stale(db *d, err *e) {
    return db_run(d, "INSERT INTO meta(key, value) VALUES ('coverage-kept-stale', 'yes') ON CONFLICT (key) DO NOTHING", e, "");
}

/* ---- the rebuild ----
 *
 * In pages of enterprises (a keyset on id, so PostgreSQL never holds half a
 * million rows at once): the page's enterprises, then their places, covers
 * and instructors by enterprise; each enterprise's timeline into the
 * accumulator; at the end the groups and the running rows written in
 * batches. */

enum { COVKEPT_PAGE = 20000, COVKEPT_BATCH = 12 };   /* 60 parameters: under the PostgreSQL driver's 64 */

typedef struct page_rows {
    int64_t *ent;
    void *v;
    size_t n, cap;
} page_rows;

/* Rows of (enterprise_id, from_day, to_day[, district, park, street]) for the enterprises lo < id <= hi. */
static st page_load(db *d, arena *a, const char *sql, int64_t lo, int64_t hi, bool place, page_rows *out, err *e) {
    memset(out, 0, sizeof *out);
    size_t cap_e = 0, n_e = 0;
    db_stmt *q;
    st s = db_prepare(d, sql, &q, e);
    if (s) return s;
    db_bind_int(q, 1, lo);
    db_bind_int(q, 2, hi);
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        int64_t *id = arena_push(a, (void **)&out->ent, &n_e, &cap_e, 256, sizeof *id);
        void *x = place ? arena_push(a, &out->v, &out->n, &out->cap, 256, sizeof(covkept_place))
                        : arena_push(a, &out->v, &out->n, &out->cap, 256, sizeof(covkept_span));
        if (!id || !x) {
            db_reset(q);
            return err_set(e, ST_NOMEM, "内存不足。");
        }
        *id = db_col_int(q, 0);
        if (place)
            *(covkept_place *)x = (covkept_place){dupn(a, q, 1), dupn(a, q, 2), dupn(a, q, 3), dupn(a, q, 4), dupn(a, q, 5)};
        else
            *(covkept_span *)x = (covkept_span){dupn(a, q, 1), dupn(a, q, 2)};
    }
    db_reset(q);
    return r == DB_ERROR ? e->code : ST_OK;
}

/* The rows of page p for enterprise id, from *at on (both ordered by enterprise). */
static size_t page_take(const page_rows *p, size_t *at, int64_t id) {
    while (*at < p->n && p->ent[*at] < id) (*at)++;
    size_t from = *at;
    while (*at < p->n && p->ent[*at] == id) (*at)++;
    return from;
}

static st rebuild_page(db *d, covkept_acc *acc, int64_t *after, bool *more, covkept_delta **tl, size_t *cap, err *e) {
    arena a;
    arena_init(&a, 0);
    typedef struct { int64_t id; covkept_ent x; } ent_row;
    ent_row *ents = NULL;
    size_t n = 0, ecap = 0;
    db_stmt *q;
    st s = db_prepare(d,
                      "SELECT id, reg_from, reg_to, district_code, park_code, street_code, category FROM enterprise "
                      "WHERE id > $1 AND zombie = 0 ORDER BY id LIMIT 20000",
                      &q, e);
    if (s) goto out;
    db_bind_int(q, 1, *after);
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        ent_row *x = arena_push(&a, (void **)&ents, &n, &ecap, 1024, sizeof *x);
        if (!x) {
            r = DB_ERROR;
            err_set(e, ST_NOMEM, "内存不足。");
            break;
        }
        memset(x, 0, sizeof *x);
        x->id = db_col_int(q, 0);
        x->x.reg_from = dupn(&a, q, 1);
        x->x.reg_to = dupn(&a, q, 2);
        x->x.district = dupn(&a, q, 3);
        x->x.park = dupn(&a, q, 4);
        x->x.street = dupn(&a, q, 5);
        x->x.category = dupn(&a, q, 6);
    }
    db_reset(q);
    if (r == DB_ERROR) {
        s = e->code ? e->code : ST_INTERNAL;
        goto out;
    }
    *more = n == COVKEPT_PAGE;
    if (!n) goto out;
    int64_t lo = *after, hi = ents[n - 1].id;
    *after = hi;
    page_rows pl, cv, in;
    s = page_load(d, &a, "SELECT enterprise_id, from_day, to_day, district_code, park_code, street_code FROM enterprise_place "
                         "WHERE enterprise_id > $1 AND enterprise_id <= $2 ORDER BY enterprise_id, to_day",
                  lo, hi, true, &pl, e);
    if (!s)
        s = page_load(d, &a, "SELECT enterprise_id, from_day, to_day FROM org_cover WHERE enterprise_id > $1 AND enterprise_id <= $2 "
                             "ORDER BY enterprise_id",
                      lo, hi, false, &cv, e);
    if (!s)
        s = page_load(d, &a, "SELECT enterprise_id, from_day, to_day FROM org_instructor WHERE enterprise_id > $1 "
                             "AND enterprise_id <= $2 ORDER BY enterprise_id",
                      lo, hi, false, &in, e);
    size_t ap = 0, ac = 0, ai = 0;
    for (size_t i = 0; !s && i < n; i++) {
        covkept_ent *x = &ents[i].x;
        size_t f = page_take(&pl, &ap, ents[i].id);
        x->places = (covkept_place *)pl.v + f;
        x->nplaces = ap - f;
        f = page_take(&cv, &ac, ents[i].id);
        x->covers = (covkept_span *)cv.v + f;
        x->ncovers = ac - f;
        f = page_take(&in, &ai, ents[i].id);
        x->instr = (covkept_span *)in.v + f;
        x->ninstr = ai - f;
        size_t need = covkept_timeline_max(x);
        if (need > *cap) {
            covkept_delta *nb = realloc(*tl, need * sizeof *nb);
            if (!nb) {
                s = err_set(e, ST_NOMEM, "内存不足。");
                break;
            }
            *tl = nb;
            *cap = need;
        }
        size_t k = covkept_timeline(x, *tl);
        if (!covkept_acc_add(acc, *tl, k)) s = err_set(e, ST_NOMEM, "内存不足。");
    }
out:
    arena_free(&a);
    return s;
}

/* The running rows, COVKEPT_BATCH to a statement (then the rest one by one). */
static st write_rows(db *d, const covkept_row *rows, size_t n, const int64_t *gid, err *e) {
    buf b = {0};
    buf_puts(&b, "INSERT INTO coverage_cum(grp, day, n, covered, work) VALUES ");
    for (int i = 0; i < COVKEPT_BATCH; i++)
        buf_printf(&b, "%s($%d, $%d, $%d, $%d, $%d)", i ? ", " : "", i * 5 + 1, i * 5 + 2, i * 5 + 3, i * 5 + 4, i * 5 + 5);
    if (!b.data) return err_set(e, ST_NOMEM, "内存不足。");
    st s = ST_OK;
    size_t i = 0;
    char day[COVKEPT_BATCH][11];
    for (; !s && i + COVKEPT_BATCH <= n; i += COVKEPT_BATCH) {
        db_stmt *q;
        if ((s = db_prepare(d, b.data, &q, e))) break;
        for (int j = 0; j < COVKEPT_BATCH; j++) {
            const covkept_row *r = &rows[i + j];
            covkept_day_str(r->day, day[j]);
            db_bind_int(q, j * 5 + 1, gid[r->grp]);
            db_bind_text(q, j * 5 + 2, day[j]);
            db_bind_int(q, j * 5 + 3, r->n);
            db_bind_int(q, j * 5 + 4, r->covered);
            db_bind_int(q, j * 5 + 5, r->work);
        }
        if (db_step(q, e) == DB_ERROR) s = e->code;
        db_reset(q);
    }
    buf_free(&b);
    for (; !s && i < n; i++) {
        covkept_day_str(rows[i].day, day[0]);
        s = db_run(d, "INSERT INTO coverage_cum(grp, day, n, covered, work) VALUES ($1, $2, $3, $4, $5)", e, "itiii",
                   gid[rows[i].grp], day[0], rows[i].n, rows[i].covered, rows[i].work);
    }
    return s;
}

st covkept_store_rebuild(db *d, int64_t *groups, err *e) {
    *groups = 0;
    covkept_acc *acc = covkept_acc_new();
    if (!acc) return err_set(e, ST_NOMEM, "内存不足。");
    covkept_delta *tl = NULL;
    size_t cap = 0;
    int64_t *gid = NULL;
    bool outer = db_tx_depth(d) > 0;
    st s = db_begin(d, e);
    if (s) {
        covkept_acc_free(acc);
        return s;
    }
    s = db_exec(d, "DELETE FROM coverage_cum; DELETE FROM coverage_group", e);
    int64_t after = 0;
    for (bool more = true; !s && more;) s = rebuild_page(d, acc, &after, &more, &tl, &cap, e);
    const covkept_row *rows = NULL;
    size_t nrows = s ? 0 : covkept_acc_rows(acc, &rows);
    size_t ng = covkept_acc_groups(acc);
    if (!s && ng && !rows) s = err_set(e, ST_NOMEM, "内存不足。");
    if (!s && ng && !(gid = calloc(ng, sizeof *gid))) s = err_set(e, ST_NOMEM, "内存不足。");
    for (size_t g = 0; !s && g < ng; g++) {
        covkept_key k = covkept_acc_group(acc, g);
        s = db_query_int(d, &gid[g],
                         "INSERT INTO coverage_group(district_code, park_code, street_code, category) VALUES ($1, $2, $3, $4) RETURNING id",
                         e, "tttt", k.district, k.park, k.street, k.category);
    }
    if (!s) s = write_rows(d, rows, nrows, gid, e);
    if (!s) s = db_run(d, "DELETE FROM meta WHERE key = 'coverage-kept-stale'", e, "");
    if (!s) s = db_commit(d, e);
    else db_rollback(d);
    /* fresh rows over dead ones: PostgreSQL plans the lookups well only once it knows them */
    if (!s && !outer && db_kind_of(d) == DB_PGSQL) s = db_exec(d, "VACUUM ANALYZE coverage_cum", e);   /* one a statement: */
    if (!s && !outer && db_kind_of(d) == DB_PGSQL) s = db_exec(d, "VACUUM ANALYZE coverage_group", e);   /* not in a block */
    if (!s) *groups = (int64_t)ng;
    free(gid);
    free(tl);
    covkept_acc_free(acc);
    return s;
}

st covkept_store_upgrade(db *d, int64_t *groups, err *e) {
    *groups = 0;
    bool stale = false;
    st s = covkept_store_stale(d, &stale, e);
    if (s || !stale) return s;
    log_info("正在按名录重新统计党组织覆盖 / rebuilding the kept coverage figures");
    return covkept_store_rebuild(d, groups, e);
}
