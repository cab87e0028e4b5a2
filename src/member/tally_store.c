/* tally_store — the counters of tally.h in member_tally (migration 0042). */
#include "member/tally.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"

/* The person's facts as tally_add wants them, from the current membership. */
#define TALLY_FACTS_SQL                                                                                                \
    "SELECT m.category, m.state, m.district_code, m.park_code, p.gender, p.education, p.ethnicity, p.birth_date, "   \
    "m.joined_on, m.person_id, m.org_id FROM member m JOIN person p ON p.id = m.person_id"

static void tally_facts_of(db_stmt *q, tally_facts *f) {
    f->category = db_col_text(q, 0);
    f->state = db_col_text(q, 1);
    f->district = db_col_text(q, 2);
    f->park = db_col_text(q, 3);
    f->gender = db_col_text(q, 4);
    f->education = db_col_text(q, 5);
    f->ethnicity = db_col_text(q, 6);
    f->birth = db_col_text(q, 7);
    f->joined = db_col_text(q, 8);
    f->org_id = db_col_null(q, 10) ? 0 : db_col_int(q, 10);
}

st tally_store_person(uc *c, tally *t, int64_t person, int sign, err *e) {
    db_stmt *q;
    st s = db_prepare(c->d, TALLY_FACTS_SQL " WHERE m.person_id = $1", &q, e);
    if (s) return s;
    db_bind_int(q, 1, person);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        tally_facts f;
        tally_facts_of(q, &f);
        if (!tally_add(t, &f, sign)) s = err_set(e, ST_NOMEM, "内存不足。");
    } else if (r == DB_ERROR) {
        s = e->code;
    }
    db_reset(q);
    return s;
}

/* ---- writing the deltas: one upsert of up to 10 rows at a time (60 parameters: PostgreSQL's
 * prepared statements here take at most 64) ---- */

typedef struct flush_ctx {
    db *d;
    struct { const char *area, *dim, *key, *category, *state; int64_t n; } row[10];
    int nrow;
    st s;
    err *e;
} flush_ctx;

/* Statements of 10, 3 and 1 rows: few distinct texts, all kept prepared. */
static st flush_rows(flush_ctx *x, int from, int n) {
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "INSERT INTO member_tally(area, dim, key, category, state, n) VALUES ");
    for (int i = 0; i < n; i++)
        buf_printf(&b, "%s($%d, $%d, $%d, $%d, $%d, $%d)", i ? ", " : "", i * 6 + 1, i * 6 + 2, i * 6 + 3, i * 6 + 4,
                   i * 6 + 5, i * 6 + 6);
    buf_puts(&b, " ON CONFLICT (area, dim, key, category, state) DO UPDATE SET n = member_tally.n + excluded.n");
    if (!b.data) return err_set(x->e, ST_NOMEM, "内存不足。");
    db_stmt *q;
    st s = db_prepare(x->d, b.data, &q, x->e);
    buf_free(&b);
    if (s) return s;
    for (int i = 0; i < n; i++) {
        const int k = i * 6;
        db_bind_text(q, k + 1, x->row[from + i].area);
        db_bind_text(q, k + 2, x->row[from + i].dim);
        db_bind_text(q, k + 3, x->row[from + i].key);
        db_bind_text(q, k + 4, x->row[from + i].category);
        db_bind_text(q, k + 5, x->row[from + i].state);
        db_bind_int(q, k + 6, x->row[from + i].n);
    }
    if (db_step(q, x->e) == DB_ERROR) s = x->e->code;
    db_reset(q);
    return s;
}

static void flush_out(flush_ctx *x) {
    int at = 0;
    static const int sizes[] = {10, 3, 1};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0] && !x->s; i++) {
        const int size = sizes[i];
        while (!x->s && x->nrow - at >= size) {
            x->s = flush_rows(x, at, size);
            at += size;
        }
    }
    x->nrow = 0;
}

static void flush_one(void *arg, const char *area, const char *dim, const char *key, const char *category,
                      const char *state, int64_t n) {
    flush_ctx *x = arg;
    if (x->s) return;
    /* the strings are the buffer's until tally_clear, after the last row is written */
    x->row[x->nrow].area = area;
    x->row[x->nrow].dim = dim;
    x->row[x->nrow].key = key;
    x->row[x->nrow].category = category;
    x->row[x->nrow].state = state;
    x->row[x->nrow].n = n;
    if (++x->nrow == 10) flush_out(x);
}

st tally_store_flush(uc *c, tally *t, err *e) {
    if (!tally_size(t)) return ST_OK;
    flush_ctx x = {.d = c->d, .e = e};
    tally_each(t, flush_one, &x);
    if (!x.s) flush_out(&x);
    tally_clear(t);
    return x.s;
}

/* ---- staleness and rebuilding ---- */

/* A stale registry's counters carry one row of area '*': the migration that
 * creates the table puts it there, so does a bulk load around the store. */
st tally_store_stale(db *d, bool *stale, err *e) {
    int64_t n = 0;
    st s = db_query_int(d, &n, "SELECT COUNT(*) FROM member_tally WHERE area = '*'", e, "");
    *stale = !s && n > 0;
    return s;
}

st tally_store_mark_stale(db *d, err *e) {
    return db_run(d,
                  "INSERT INTO member_tally(area, dim, key, category, state, n) VALUES ('*', 'stale', '', '', '', 1) "
                  "ON CONFLICT (area, dim, key, category, state) DO NOTHING",
                  e, "");
}

st tally_store_rebuild(db *d, int64_t *members, err *e) {
    *members = 0;
    arena mem;
    arena_init(&mem, 0);
    uc c;
    uc_cli(&c, d, &mem);
    tally *t = tally_new();
    st s = t ? db_begin(d, e) : err_set(e, ST_NOMEM, "内存不足。");
    if (!s) s = db_run(d, "DELETE FROM member_tally", e, "");
    /* in pages by person (a keyset, so PostgreSQL never holds five million rows at once) */
    int64_t after = 0;
    for (bool more = true; !s && more;) {
        db_stmt *q;
        /* the page of members first, then their persons: joined the other way round, PostgreSQL's
         * generic plan hashed all five million persons for every page (2 s a page) */
        s = db_prepare(d,
                       "SELECT m.category, m.state, m.district_code, m.park_code, p.gender, p.education, p.ethnicity, "
                       "p.birth_date, m.joined_on, m.person_id, m.org_id FROM (SELECT * FROM member WHERE person_id > $1 "
                       "ORDER BY person_id LIMIT 20000) m JOIN person p ON p.id = m.person_id ORDER BY m.person_id",
                       &q, e);
        if (s) break;
        db_bind_int(q, 1, after);
        int r, got = 0;
        while ((r = db_step(q, e)) == DB_ROW) {
            tally_facts f;
            tally_facts_of(q, &f);
            after = db_col_int(q, 9);
            got++;
            if (!tally_add(t, &f, 1)) {
                r = DB_ERROR;
                err_set(e, ST_NOMEM, "内存不足。");
                break;
            }
        }
        db_reset(q);
        if (r == DB_ERROR) s = e->code ? e->code : ST_INTERNAL;
        *members += got;
        more = got == 20000;
        /* bounded memory: write out once the buffer holds a few hundred thousand counters */
        if (!s && (!more || tally_size(t) > 300000)) s = tally_store_flush(&c, t, e);
    }
    if (!s) s = db_commit(d, e);
    else db_rollback(d);
    /* rebuilt counters are new rows over dead ones: PostgreSQL reads them by the primary key
     * only once the table is vacuumed and its statistics are known */
    if (!s && db_kind_of(d) == DB_PGSQL) s = db_exec(d, "VACUUM ANALYZE member_tally", e);
    tally_free(t);
    arena_free(&mem);
    return s;
}

st tally_store_upgrade(db *d, int64_t *members, err *e) {
    *members = 0;
    bool stale = false;
    st s = tally_store_stale(d, &stale, e);
    if (s || !stale) return s;
    log_info("正在重新统计党员名册的计数 / recounting the registry's statistics");
    return tally_store_rebuild(d, members, e);
}

/* ---- reading ---- */

st tally_store_read(uc *c, const char *area, const char *category, const char *state, const char *day, tally_row fn,
                    void *arg, err *e) {
    /* Summed over the states in the database, grouped in the primary key's order (SQLite adds
     * them up as it reads): first the small dimensions and the months, then the days of one
     * month ($4 <= key < $5, "MM-" to "MM.") — each a range of the primary key. */
#define TALLY_READ(DIMS, COND, KEYS)                                                                          \
    "SELECT dim, key, category, SUM(n) FROM member_tally WHERE area = $1 AND dim IN " DIMS " AND " COND       \
    " AND (CAST($2 AS TEXT) = '' OR category = CAST($2 AS TEXT))" KEYS " GROUP BY dim, key, category HAVING SUM(n) <> 0"
#define TALLY_SMALL "('gender', 'education', 'ethnicity', 'birth_m', 'joined_m')"
#define TALLY_DAYS "('birth_d', 'joined_d')"
#define TALLY_ALIVE "state IN ('正常', '流动', '失联') AND CAST($3 AS TEXT) = ''"
#define TALLY_STATE "state = CAST($3 AS TEXT)"
#define TALLY_MONTH " AND key >= CAST($4 AS TEXT) AND key < CAST($5 AS TEXT)"   /* key is bytewise (COLLATE "C") */
    const bool one = state && *state;
    const char *sql[2] = {one ? TALLY_READ(TALLY_SMALL, TALLY_STATE, "") : TALLY_READ(TALLY_SMALL, TALLY_ALIVE, ""),
                          one ? TALLY_READ(TALLY_DAYS, TALLY_STATE, TALLY_MONTH) : TALLY_READ(TALLY_DAYS, TALLY_ALIVE, TALLY_MONTH)};
#undef TALLY_READ
#undef TALLY_SMALL
#undef TALLY_DAYS
#undef TALLY_ALIVE
#undef TALLY_STATE
#undef TALLY_MONTH
    char from[4], to[4];
    snprintf(from, sizeof from, "%.2s-", day && strlen(day) >= 7 ? day + 5 : "00");
    snprintf(to, sizeof to, "%.2s.", day && strlen(day) >= 7 ? day + 5 : "00");
    st s = ST_OK;
    for (int i = 0; i < 2 && !s; i++) {
        db_stmt *q;
        if ((s = db_prepare(c->d, sql[i], &q, e))) break;
        db_bind_text(q, 1, area);
        db_bind_text(q, 2, category ? category : "");
        db_bind_text(q, 3, state ? state : "");
        if (i) {
            db_bind_text(q, 4, from);
            db_bind_text(q, 5, to);
        }
        int r;
        while ((r = db_step(q, e)) == DB_ROW)
            fn(arg, db_col_text(q, 0), db_col_text(q, 1), db_col_text(q, 2), db_col_int(q, 3));
        db_reset(q);
        if (r == DB_ERROR) s = e->code;
    }
    return s;
}
