/* roster_store — see roster_store.h. */
#include "member/roster_store.h"
#include "member/tally.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "auth/scope.h"
#include "base/clock.h"
#include "base/crypt.h"
#include "base/mask.h"
#include "core/config.h"
#include "member/member_store.h"
#include "member/roster.h"
#include "org/org_store.h"

st roster_read(const char *path, const char *name, ledger_table **out, err *e) {
    ledger_read_opts o = {.header_field = roster_header_field, .header_hint = "“姓名”“公民身份号码”",
                          .max_cell_text = (size_t)cfg_int("max-cell-text")};
    (void)name;
    return ledger_table_read(path, &o, out, e);
}

/* ---- the organization a file belongs to ---- */

typedef struct roster_org {
    int64_t id;
    char established[11], path[512], district[32], park[32];
} roster_org;

static st roster_org_find(uc *c, const char *name, roster_org *o, err *e) {
    memset(o, 0, sizeof *o);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT id, established_on, path, COALESCE(district_code, ''), COALESCE(park_code, '') FROM org "
                      "WHERE name = $1 AND dissolved_on IS NULL ORDER BY id LIMIT 1",
                      &q, e);
    if (s) return s;
    db_bind_text(q, 1, name);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        o->id = db_col_int(q, 0);
        snprintf(o->established, sizeof o->established, "%s", db_col_text(q, 1));
        snprintf(o->path, sizeof o->path, "%s", db_col_text(q, 2));
        snprintf(o->district, sizeof o->district, "%s", db_col_text(q, 3));
        snprintf(o->park, sizeof o->park, "%s", db_col_text(q, 4));
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    return r == DB_ROW ? ST_OK : ST_NOT_FOUND;
}

/* A branch for a file whose organization is not in the tree yet (a city's first load). */
static st roster_org_create(uc *c, const char *name, const char *district, roster_org *o, err *e) {
    char ent_name[256];
    roster_org_enterprise(name, ent_name, sizeof ent_name);
    int64_t ent = 0;
    if (*ent_name) {
        st s = db_query_int(c->d, &ent, "SELECT id FROM enterprise WHERE name = $1 ORDER BY id LIMIT 1", e, "t", ent_name);
        if (s && s != ST_NOT_FOUND) return s;
    }
    char today[11];
    clock_day(clock_now(), today);
    org_new n = {.name = name, .kind = roster_org_kind(name), .district = district, .day = today,
                 .enterprises = ent ? &ent : NULL, .n_enterprises = ent ? 1 : 0, .approved = true,
                 .note = "导入党员花名册时建立"};
    int64_t id = 0;
    uc part = uc_part(c);   /* the import's row names the branch it made (one act, one row) */
    st s = org_store_create(&part, &n, &id, e);
    if (s) return s;
    return roster_org_find(c, name, o, e);
}

/* ---- one file ---- */

static json_t *roster_problem(const ledger_row *r, int col, const char *col_name, const char *value, const char *kind,
                              const char *msg) {
    char letters[8] = "";
    if (col >= 0) ledger_col_letters(col, letters);
    return json_pack("{s:i,s:i,s:s?,s:s?,s:s?,s:s,s:s}", "row", r->row, "sheet_row", r->sheet_row, "column",
                     col >= 0 ? letters : NULL,
                     "column_name", col_name, "value", value, "kind", kind, "message", msg);
}

/* The column a refusal is about, from the field the check named. */
static roster_field roster_field_of(const char *field) {
    static const struct { const char *f; roster_field rf; } m[] = {
        {"name", RF_NAME}, {"id_number", RF_ID}, {"category", RF_CATEGORY}, {"state", RF_STATE},
        {"joined_on", RF_JOINED}, {"full_on", RF_FULL}, {"phone", RF_PHONE}, {"day", RF_JOINED}};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (!strcmp(field, m[i].f)) return m[i].rf;
    return RF_NONE;
}

/* Personal values are quoted masked in a report. */
static const char *roster_shown(arena *a, roster_field f, const char *v) {
    if (!v) return NULL;
    char m[64];
    if (f == RF_ID) mask_idcard(v, m, sizeof m);
    else if (f == RF_PHONE) mask_phone(v, m, sizeof m);
    else return v;
    return arena_strdup(a, m);
}

typedef struct roster_ents { int64_t *id; size_t n, cap; } roster_ents;

static void roster_ents_add(roster_ents *x, int64_t id) {
    if (id <= 0) return;
    for (size_t i = 0; i < x->n; i++)
        if (x->id[i] == id) return;
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 16;
        int64_t *p = realloc(x->id, cap * sizeof *p);
        if (!p) return;
        x->id = p;
        x->cap = cap;
    }
    x->id[x->n++] = id;
}

/* The employer of a row: its 工作单位 when that is an enterprise of the register, else the one
 * enterprise the organization covers, else none. */
static st roster_employer(uc *c, const char *employer, int64_t cover_ent, int64_t *ent, err *e) {
    *ent = cover_ent;
    if (!employer) return ST_OK;
    int64_t id = 0;
    st s = db_query_int(c->d, &id, "SELECT id FROM enterprise WHERE name = $1 ORDER BY id LIMIT 1", e, "t", employer);
    if (s == ST_NOT_FOUND) return ST_OK;
    if (!s) *ent = id;
    return s;
}

static st roster_rows(uc *c, const ledger_table *t, const roster_cols *cols, const roster_org *org, int64_t cover_ent,
                      roster_result *out, roster_ents *ents, tally *tl, err *e) {
    st s = ST_OK;
    for (int i = 0; !s && i < t->nrows; i++) {
        const ledger_row *r = &t->rows[i];
        roster_row rr;
        roster_row_read(t, cols, r, c->mem, &rr);
        if (!rr.m.name && !rr.m.id_number) continue;   /* a blank or notes line */
        out->rows++;
        rr.m.org_id = org->id;
        /* counts in this organization from joining, or from its founding if later */
        rr.m.day = NULL;
        member_checked k;
        err re;
        err_clear(&re);
        st rs = roster_employer(c, rr.employer, cover_ent, &rr.m.enterprise_id, e);
        if (rs) return rs;
        rs = member_check(&rr.m, &k, &re);
        if (!rs) {
            const char *from = strcmp(k.joined_on, org->established) > 0 ? k.joined_on : org->established;
            snprintf(k.day, sizeof k.day, "%s", from);
            rr.m.day = k.day;
            int64_t person = 0;
            bool wrote = false;
            /* No savepoint per row: a refusal comes before any write (member_store_register_in),
             * and a savepoint each row made SQLite copy every page the row touched once more. */
            rs = member_store_register_in(c, &rr.m, &k, false, tl, &person, &wrote, &re);
            if (rs && wrote) return *e = re, rs == ST_INVALID || rs == ST_CONFLICT ? ST_INTERNAL : rs;
        }
        if (rs == ST_INVALID || rs == ST_CONFLICT) {
            roster_field f = re.field[0] ? roster_field_of(re.field) : RF_NONE;
            const char *v = f == RF_ID ? rr.m.id_number : f == RF_NAME ? rr.m.name : f == RF_JOINED ? rr.m.joined_on
                            : f == RF_FULL ? rr.m.full_on : f == RF_CATEGORY ? rr.m.category : NULL;
            json_array_append_new(out->problems, roster_problem(r, f != RF_NONE ? cols->col[f] : -1,
                                                                f != RF_NONE ? roster_field_label(f) : NULL,
                                                                roster_shown(c->mem, f, v), "refused", re.msg));
            out->refused++;
            continue;
        }
        if (rs) return *e = re, rs;
        out->registered++;
        roster_ents_add(ents, rr.m.enterprise_id);
        if (k.flags[0]) {
            json_array_append_new(out->problems, roster_problem(r, -1, NULL, NULL, "flagged", k.flags));
            out->flagged++;
        }
    }
    return s;
}

static st roster_save(uc *c, const ledger_table *t, const char *sha, const roster_org *org, roster_result *out, err *e) {
    st s = db_query_int(c->d, &out->import_id,
                        "INSERT INTO roster_import(sha256, source, org_id, org_path, district_code, park_code, rows, registered, "
                        "refused, flagged, importer, importer_id, created_at) VALUES ($1, $2, $3, $4, NULLIF($5, ''), "
                        "NULLIF($6, ''), $7, $8, $9, $10, $11, NULLIF($12, 0), $13) RETURNING id",
                        e, "ttitttiiiitii", sha, t->source, org->id, org->path, org->district, org->park, (int64_t)out->rows,
                        (int64_t)out->registered, (int64_t)out->refused, (int64_t)out->flagged,
                        c->who.username ? c->who.username : "-", c->who.user_id, clock_now());
    if (s == ST_CONFLICT) return err_set(e, ST_CONFLICT, "文件 %s 刚刚已被导入，未重复导入。", t->source);
    db_stmt *q = NULL;
    if (!s)
        s = db_prepare(c->d,
                       "INSERT INTO roster_problem(import_id, row, sheet_row, col, kind, column_name, value, message) "
                       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                       &q, e);
    size_t i;
    json_t *p;
    json_array_foreach(out->problems, i, p) {
        if (s) break;
        db_bind_int(q, 1, out->import_id);
        db_bind_int(q, 2, json_integer_value(json_object_get(p, "row")));
        db_bind_int(q, 3, json_integer_value(json_object_get(p, "sheet_row")));
        db_bind_text(q, 4, json_string_value(json_object_get(p, "column")));
        db_bind_text(q, 5, json_string_value(json_object_get(p, "kind")));
        db_bind_text(q, 6, json_string_value(json_object_get(p, "column_name")));
        db_bind_text(q, 7, json_string_value(json_object_get(p, "value")));
        db_bind_text(q, 8, json_string_value(json_object_get(p, "message")));
        if (db_step(q, e) == DB_ERROR) s = e->code;
        db_reset(q);
    }
    return s;
}

static st roster_import_work(uc *c, const ledger_table *t, const roster_opts *o, roster_result *out, err *e) {
    char sha[65];
    sodium_bin2hex(sha, sizeof sha, t->sha256, sizeof t->sha256);
    int64_t prev = 0;
    st s = db_query_int(c->d, &prev, "SELECT id FROM roster_import WHERE sha256 = $1", e, "t", sha);
    if (!s) {
        out->import_id = prev;
        return err_set(e, ST_CONFLICT, "文件 %s 已经导入过（导入编号 %lld，内容完全相同），未重复导入。", t->source, (long long)prev);
    }
    if (s != ST_NOT_FOUND) return s;
    roster_cols cols;
    roster_map(t, &cols);
    if (cols.col[RF_ID] < 0 || cols.col[RF_NAME] < 0)
        return err_set(e, ST_INVALID, "%s 里没有找到“姓名”和“公民身份号码”两列，未导入：请检查表头。", t->source);
    char name[256];
    if (!roster_org_name(t, name, sizeof name))
        return err_set(e, ST_INVALID, "无法从 %s 的标题或文件名看出所属党组织，未导入：请把文件命名为“党组织全称党员花名册”。", t->source);
    out->org_name = arena_strdup(c->mem, name);
    roster_org org;
    s = roster_org_find(c, name, &org, e);
    if (s == ST_NOT_FOUND) {
        if (!o || !o->create_orgs)
            return err_set(e, ST_INVALID,
                           "%s：没有找到党组织“%s”（按全称），未导入。请先建立该党组织，或在命令行用 --create-orgs --district 区划代码 新建。",
                           t->source, name);
        if (!o->district || !*o->district) return err_set(e, ST_INVALID, "新建党组织需要 --district 区划代码（如 350203）。");
        s = roster_org_create(c, name, o->district, &org, e);
        out->org_created = !s;
    }
    if (s) return s;
    out->org_id = org.id;
    /* the file's organization must lie inside the caller's scope */
    scope_who who = scope_who_of(c);
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)org.id);
    if ((s = scope_check(c->d, &who, "org", key, e)))
        return err_set(e, s, "%s 属于党组织“%s”，不在您的数据范围内，未导入。", t->source, name);
    int64_t cover_ent = 0;   /* the one enterprise it covers, the members' employer when no 工作单位 column says */
    s = db_query_int(c->d, &cover_ent,
                     "SELECT CASE WHEN COUNT(*) = 1 THEN MIN(enterprise_id) ELSE 0 END FROM org_cover WHERE org_id = $1 AND to_day IS NULL",
                     e, "i", org.id);
    if (s) return s;
    roster_ents ents = {0};
    /* the file's counters, written once at its end, or by the caller once for its group */
    tally *tl = o && o->counters ? o->counters : tally_new();
    s = tl ? roster_rows(c, t, &cols, &org, cover_ent, out, &ents, tl, e) : err_set(e, ST_NOMEM, "内存不足。");
    for (size_t i = 0; !s && i < ents.n; i++) s = member_store_recount(c, ents.id[i], e);
    if (!(o && o->counters)) {
        if (!s) s = tally_store_flush(c, tl, e);
        tally_free(tl);
    }
    free(ents.id);
    if (!s) s = roster_save(c, t, sha, &org, out, e);
    return s;
}

st roster_store_import(uc *c, const ledger_table *t, const roster_opts *o, roster_result *out, err *e) {
    memset(out, 0, sizeof *out);
    out->problems = json_array();
    st s = crypt_init(c->d, e);
    if (!s) s = uc_begin(c, e);
    if (s) return s;
    s = roster_import_work(c, t, o, out, e);
    uc_act a = {"member.import", uc_obj(c, "roster_import", out->import_id),
                arena_printf(c->mem, "导入党员花名册 %s：%d 行，登记 %d 人，拒绝 %d 行，待核 %d 行", t->source, out->rows,
                             out->registered, out->refused, out->flagged),
                NULL};
    return uc_end(c, s, &a, e);
}

/* ---- reading imports ---- */

#define ROSTER_SCOPE SCOPE_COND("$1", "$2", "i.district_code", "i.park_code", "i.org_path", "NULL", "i.importer_id")

st roster_store_list(uc *c, const uc_page *p, json_t **items, int64_t *total, err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    st s = db_query_int(c->d, total, "SELECT COUNT(*) FROM roster_import i WHERE " ROSTER_SCOPE, e, "tt", k, code);
    const char *sql = arena_printf(c->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $3 OFFSET $4",
                                   "SELECT i.id, i.source, i.org_id, o.name AS org_name, i.rows, i.registered, "
                                   "i.refused, i.flagged, i.importer, i.created_at FROM roster_import i "
                                   "LEFT JOIN org o ON o.id = i.org_id WHERE " ROSTER_SCOPE,
                                   p && p->order ? p->order : "q.id DESC");
    if (!s) s = db_query_json(c->d, items, sql, e, "ttii", k, code, p ? p->limit : 50, p ? p->offset : 0);
    return s;
}

st roster_store_get(uc *c, int64_t id, json_t **out, err *e) {
    json_t *rows = NULL, *probs = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT i.id, i.source, i.org_id, o.name AS org_name, i.rows, i.registered, i.refused, i.flagged, "
                         "i.importer, i.created_at FROM roster_import i LEFT JOIN org o ON o.id = i.org_id WHERE i.id = $1",
                         e, "i", id);
    if (s) return s;
    json_t *r = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    if (!r) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的花名册导入记录。", (long long)id);
    s = db_query_json(c->d, &probs,
                      "SELECT row, sheet_row, col AS column, column_name, value, kind, message FROM roster_problem "
                      "WHERE import_id = $1 ORDER BY sheet_row, id",
                      e, "i", id);
    if (s) {
        json_decref(r);
        return s;
    }
    json_object_set_new(r, "problems", probs);
    *out = r;
    return ST_OK;
}

st roster_report_xlsx(const char *path, const json_t *files, err *e) {
    lxw_workbook *wb = workbook_new(path);
    if (!wb) return err_set(e, ST_IO, "无法生成问题报告。");
    lxw_worksheet *ws = workbook_add_worksheet(wb, "问题清单");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    static const char *const head[] = {"文件", "表格行号", "列", "列名", "内容", "处理", "说明"};
    for (int i = 0; i < 7; i++) worksheet_write_string(ws, 0, (lxw_col_t)i, head[i], bold);
    worksheet_freeze_panes(ws, 1, 0);
    worksheet_set_column(ws, 0, 0, 40, NULL);
    worksheet_set_column(ws, 6, 6, 80, NULL);
    lxw_row_t row = 1;
    size_t i, j;
    json_t *f, *p;
    json_array_foreach(files, i, f) {
        const char *src = json_string_value(json_object_get(f, "source"));
        json_array_foreach(json_object_get(f, "problems"), j, p) {
            if (row > 1048000) break;   /* Excel's own limit */
            const char *kind = json_string_value(json_object_get(p, "kind"));
            worksheet_write_string(ws, row, 0, src ? src : "", NULL);
            worksheet_write_number(ws, row, 1, (double)json_integer_value(json_object_get(p, "sheet_row")), NULL);
            const char *v;
            if ((v = json_string_value(json_object_get(p, "column")))) worksheet_write_string(ws, row, 2, v, NULL);
            if ((v = json_string_value(json_object_get(p, "column_name")))) worksheet_write_string(ws, row, 3, v, NULL);
            if ((v = json_string_value(json_object_get(p, "value")))) worksheet_write_string(ws, row, 4, v, NULL);
            worksheet_write_string(ws, row, 5, kind && !strcmp(kind, "refused") ? "未登记" : "已登记，待核", NULL);
            if ((v = json_string_value(json_object_get(p, "message")))) worksheet_write_string(ws, row, 6, v, NULL);
            row++;
        }
    }
    return workbook_close(wb) == LXW_NO_ERROR ? ST_OK : err_set(e, ST_IO, "无法生成问题报告。");
}
