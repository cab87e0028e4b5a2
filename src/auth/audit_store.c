/* audit_store — the auditor's queries over the audit table (see audit_store.h). */
#include "auth/audit_store.h"

#include "base/clock.h"

#define AUDIT_WHERE                                                                                                    \
    " FROM audit WHERE (CAST($1 AS TEXT) IS NULL OR username = $1) AND (CAST($2 AS TEXT) IS NULL OR action LIKE $2) " \
    "AND (CAST($3 AS TEXT) IS NULL OR result = $3) AND at >= $4 AND at <= $5"

st audit_store_list(uc *c, const audit_filter *f, const uc_page *pg, json_t **items, int64_t *total, err *e) {
    *items = NULL;
    st s = db_query_int(c->d, total, "SELECT COUNT(*)" AUDIT_WHERE, e, "tttii", f->user, f->action, f->result, f->from,
                        f->to);
    if (s) return s;
    const char *sql = arena_printf(c->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $6 OFFSET $7",
                                   "SELECT seq, at, user_id, username, role, action, object, result, address, detail, "
                                   "hash" AUDIT_WHERE,
                                   pg->order ? pg->order : "q.seq DESC");
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    s = db_query_json(c->d, items, sql, e, "tttiiii", f->user, f->action, f->result, f->from, f->to, pg->limit,
                      pg->offset);
    if (s) return s;
    size_t i;
    json_t *row;
    json_array_foreach(*items, i, row) {
        char iso[32];
        clock_iso(json_integer_value(json_object_get(row, "at")), iso, sizeof iso);
        json_object_set_new(row, "time", json_string(iso));
    }
    return ST_OK;
}

static const char *audit_text(db_stmt *q, int col) { return db_col_null(q, col) ? NULL : db_col_text(q, col); }

st audit_store_each(uc *c, const audit_filter *f, int64_t max, st (*row)(void *arg, const audit_line *l, err *e),
                    void *arg, int64_t *n, bool *more, err *e) {
    *n = 0;
    *more = false;
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT seq, at, username, role, action, object, result, address, detail, hash" AUDIT_WHERE
                      " ORDER BY seq LIMIT $6",
                      &q, e);
    if (s) return s;
    db_bind_text(q, 1, f->user);
    db_bind_text(q, 2, f->action);
    db_bind_text(q, 3, f->result);
    db_bind_int(q, 4, f->from);
    db_bind_int(q, 5, f->to);
    db_bind_int(q, 6, max + 1);   /* one more tells whether there are more */
    int rc = DB_DONE;
    while (!s && (rc = db_step(q, e)) == DB_ROW) {
        if (*n == max) {
            *more = true;
            break;
        }
        audit_line l = {db_col_int(q, 0), db_col_int(q, 1), audit_text(q, 2), audit_text(q, 3), audit_text(q, 4),
                        audit_text(q, 5), audit_text(q, 6), audit_text(q, 7), audit_text(q, 8), audit_text(q, 9)};
        s = row(arg, &l, e);
        (*n)++;
    }
    db_reset(q);
    if (!s && rc == DB_ERROR) s = e->code;
    return s;
}
