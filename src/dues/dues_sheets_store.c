/* dues_sheets_store — a month's sheets inside the caller's scope (dues_sheets_store.h). */
#include "dues/dues_sheets_store.h"

#include "auth/scope.h"
#include "core/arena.h"
#include "db/db.h"

#define DS_SCOPE(K, C) SCOPE_COND(K, C, "s.district_code", "s.park_code", "s.org_path", "NULL", "NULL")
#define DS_WHERE                                                                                                       \
    "FROM dues_sheet s JOIN org o ON o.id = s.org_id WHERE s.month = $3 AND " DS_SCOPE("$1", "$2")                    \
    " AND (CAST($4 AS BIGINT) IS NULL OR s.org_path LIKE (SELECT path FROM org WHERE id = CAST($4 AS BIGINT)) || '%')"

st dues_sheets_list(uc *c, const dues_sheet_filter *f, const uc_page *p, json_t **items, int64_t *total, json_t **sums,
                    err *e) {
    *items = NULL;
    *sums = NULL;
    const char *k, *code;
    scope_bind(c, &k, &code);
    const char *org = f->org_id > 0 ? arena_printf(c->mem, "%lld", (long long)f->org_id) : NULL;
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT COUNT(*) AS sheets, COALESCE(SUM(s.members), 0) AS members, COALESCE(SUM(s.due_fen), 0) AS due_fen, "
                         "COALESCE(SUM(s.paid_fen), 0) AS paid_fen, COALESCE(SUM(s.paid_members), 0) AS paid_members " DS_WHERE,
                         e, "tttt", k, code, f->month, org);
    if (s) return s;
    *sums = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    *total = json_integer_value(json_object_get(*sums, "sheets"));
    const char *sql = arena_printf(c->mem,
                                   "SELECT * FROM (SELECT s.id, s.org_id, o.name AS org_name, o.kind AS org_kind, s.month, s.members, "
                                   "s.due_fen, s.paid_fen, s.paid_members, s.nobase, s.made_at %s) q ORDER BY %s LIMIT $5 OFFSET $6",
                                   DS_WHERE, p && p->order ? p->order : "q.org_name");
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    return db_query_json(c->d, items, sql, e, "ttttii", k, code, f->month, org, p ? p->limit : 50, p ? p->offset : 0);
}
