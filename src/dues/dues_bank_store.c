/* dues_bank_store — see dues_bank_store.h. */
#include "dues/dues_bank_store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "core/config.h"
#include "dues/dues.h"
#include "dues/dues_store.h"

typedef struct bank_org {
    char name[256], path[512], district[32], park[32];
} bank_org;

static st bank_org_get(uc *c, int64_t org_id, bank_org *o, err *e) {
    memset(o, 0, sizeof *o);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT name, path, COALESCE(district_code, ''), COALESCE(park_code, '') FROM org WHERE id = $1", &q,
                      e);
    if (s) return s;
    db_bind_int(q, 1, org_id);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        snprintf(o->name, sizeof o->name, "%s", db_col_text(q, 0));
        snprintf(o->path, sizeof o->path, "%s", db_col_text(q, 1));
        snprintf(o->district, sizeof o->district, "%s", db_col_text(q, 2));
        snprintf(o->park, sizeof o->park, "%s", db_col_text(q, 3));
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_field(e, ST_NOT_FOUND, "org_id", "没有编号为 %lld 的党组织。", (long long)org_id);
    return ST_OK;
}

/* The months member pid owes from `from` to `to` (each month asked alone:
 * its dues), oldest first, in c's memory. */
static st bank_owed(uc *c, int64_t pid, const char *from, const char *to, dues_bank_owed **out, int *n, err *e) {
    int span = dues_month_diff(from, to) + 1;
    *n = 0;
    *out = NULL;
    if (span <= 0) return ST_OK;
    dues_bank_owed *ow = arena_calloc(c->mem, (size_t)span, sizeof *ow);
    if (!ow) return err_set(e, ST_NOMEM, "内存不足。");
    for (int k = 0; k < span; k++) {
        char m[8];
        dues_month_add(from, k, m);
        dues_owing o;
        st s = dues_store_owing(c, pid, m, m, &o, e);
        if (s) return s;
        if (o.months == 1 && o.fen > 0) {
            snprintf(ow[*n].month, sizeof ow[*n].month, "%s", m);
            ow[*n].fen = o.fen;
            (*n)++;
        }
    }
    *out = ow;
    return ST_OK;
}

static const char *actor(const uc *c) { return c->who.username ? c->who.username : "-"; }

/* The import's counts from its lines. */
static st bank_recount(uc *c, int64_t id, err *e) {
    return db_run(c->d,
                  "UPDATE dues_bank_import SET "
                  "lines = (SELECT COUNT(*) FROM dues_bank_line WHERE import_id = $1), "
                  "matched = (SELECT COUNT(*) FROM dues_bank_line WHERE import_id = $1 AND state = 'matched'), "
                  "unmatched = (SELECT COUNT(*) FROM dues_bank_line WHERE import_id = $1 AND state = 'unmatched'), "
                  "assigned = (SELECT COUNT(*) FROM dues_bank_line WHERE import_id = $1 AND state = 'assigned'), "
                  "ignored = (SELECT COUNT(*) FROM dues_bank_line WHERE import_id = $1 AND state = 'ignored'), "
                  "notpay = (SELECT COUNT(*) FROM dues_bank_line WHERE import_id = $1 AND state = 'notpay'), "
                  "credit_fen = (SELECT COALESCE(SUM(amount_fen), 0) FROM dues_bank_line WHERE import_id = $1 AND amount_fen > 0), "
                  "paid_fen = (SELECT COALESCE(SUM(amount_fen), 0) FROM dues_bank_line WHERE import_id = $1 "
                  "AND state IN ('matched', 'assigned')) WHERE id = $1",
                  e, "i", id);
}

static st bank_pay(uc *c, int64_t import_id, const dues_bank_line *l, int64_t pid, const char *first, const char *last,
                   int64_t voluntary, const char *consent, bool proxy, const char *proxy_name, int64_t *pay_id, err *e) {
    dues_payment_new p = {.person_id = pid,
                          .first_month = first,
                          .last_month = last,
                          .voluntary_fen = voluntary,
                          .received_fen = l->fen,
                          .consent = consent,
                          .way = "treasurer",
                          .way_ref = arena_printf(c->mem, "bank:%lld:%d", (long long)import_id, l->row),
                          .proxy = proxy,
                          .proxy_name = proxy ? proxy_name : NULL,
                          .paid_on = l->day};
    const char *receipt = NULL;
    uc part = uc_part(c);   /* the payment is a part of the import's (or decision's) act: one row */
    return dues_store_pay(&part, &p, pay_id, &receipt, e);
}

static st bank_import_work(uc *c, int64_t org_id, const char *month, const dues_bank_statement *s, dues_bank_result *out,
                           err *e) {
    if (!month || !dues_month_valid(month))
        return err_field(e, ST_INVALID, "month", "月份“%s”无效，应写作 2026-11。", month ? month : "");
    if (!s->nlines)
        return err_field(e, ST_INVALID, "file", "「%s」里没有任何交易（只有表头或汇总），未导入：请导出有明细的流水。", s->source);
    bank_org org;
    st r = bank_org_get(c, org_id, &org, e);
    if (r) return r;
    char sha[65];
    sodium_bin2hex(sha, sizeof sha, s->sha256, sizeof s->sha256);
    int64_t prev = 0;
    r = db_query_int(c->d, &prev, "SELECT id FROM dues_bank_import WHERE sha256 = $1", e, "t", sha);
    if (!r)
        return err_field(e, ST_CONFLICT, "file", "「%s」已经导入过（对账编号 %lld，文件内容完全相同），未重复导入。", s->source,
                         (long long)prev);
    if (r != ST_NOT_FOUND) return r;
    /* the month's sheet, made or brought up to date as a part of the import */
    int64_t sheet_id = 0;
    uc part = uc_part(c);
    if ((r = dues_store_sheet_make(&part, org_id, month, &sheet_id, e))) return r;
    json_t *sheet = NULL;
    if ((r = dues_store_sheet_get(c, org_id, month, &sheet, e))) return r;
    arena_json(c->mem, sheet);
    r = db_query_int(c->d, &out->import_id,
                     "INSERT INTO dues_bank_import(org_id, month, org_path, district_code, park_code, sha256, source, format, "
                     "encoding, importer, importer_id, created_at) VALUES ($1, $2, $3, NULLIF($4, ''), NULLIF($5, ''), $6, $7, "
                     "$8, $9, $10, NULLIF($11, 0), $12) RETURNING id",
                     e, "itttttttttii", org_id, month, org.path, org.district, org.park, sha, s->source, s->format,
                     s->encoding, actor(c), c->who.user_id, clock_now());
    if (r == ST_CONFLICT) return err_field(e, ST_CONFLICT, "file", "「%s」刚刚已被导入，未重复导入。", s->source);
    if (r) return r;
    /* the sheet's members whose name a line mentions, with the months they owe */
    json_t *items = json_object_get(sheet, "items");
    size_t nitems = json_array_size(items);
    dues_bank_member *m = arena_calloc(c->mem, nitems + 1, sizeof *m);
    if (!m) return err_set(e, ST_NOMEM, "内存不足。");
    char **said = arena_calloc(c->mem, (size_t)s->nlines * 2 + 1, sizeof *said);
    if (!said) return err_set(e, ST_NOMEM, "内存不足。");
    for (int i = 0; i < s->nlines; i++) {
        said[2 * i] = dues_bank_norm_name(c->mem, s->lines[i].payer_name);
        said[2 * i + 1] = dues_bank_norm_name(c->mem, s->lines[i].memo);
    }
    char this_month[8], from[8];
    dues_store_this_month(this_month);
    dues_month_add(this_month, -(int)cfg_int("dues-back-max-months"), from);
    int nm = 0;
    for (size_t i = 0; i < nitems; i++) {
        json_t *it = json_array_get(items, i);
        const char *name = json_string_value(json_object_get(it, "name"));
        if (!name) continue;
        m[nm].person_id = json_integer_value(json_object_get(it, "person_id"));
        m[nm].name = arena_strdup(c->mem, name);
        const char *nn = dues_bank_norm_name(c->mem, name);
        bool mentioned = false;
        for (int k = 0; k < 2 * s->nlines && !mentioned && *nn; k++) mentioned = strstr(said[k], nn) != NULL;
        if (mentioned && (r = bank_owed(c, m[nm].person_id, from, month, &m[nm].owed, &m[nm].nowed, e))) return r;
        nm++;
    }
    dues_bank_match *mt = arena_calloc(c->mem, (size_t)s->nlines + 1, sizeof *mt);
    if (!mt) return err_set(e, ST_NOMEM, "内存不足。");
    dues_bank_match_lines(s->lines, s->nlines, m, nm, c->mem, mt);
    db_stmt *q = NULL;
    r = db_prepare(c->d,
                   "INSERT INTO dues_bank_line(import_id, row_no, day, amount_fen, payer_name, payer_account, memo, state, "
                   "reason, person_id, first_month, last_month, payment_id, decided_by, decided_at) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
                   &q, e);
    for (int i = 0; !r && i < s->nlines; i++) {
        const dues_bank_line *l = &s->lines[i];
        const dues_bank_match *x = &mt[i];
        const char *state = !l->payment ? "notpay" : x->person_id ? "matched" : "unmatched";
        const char *reason = x->reason;
        int64_t pay_id = 0;
        if (x->person_id) {
            err pe;
            st ps = bank_pay(c, out->import_id, l, x->person_id, x->first, x->last, 0, NULL, x->proxy, x->proxy_name,
                             &pay_id, &pe);
            if (ps == ST_INVALID || ps == ST_CONFLICT) {   /* the store refuses it: a person decides */
                state = "unmatched";
                reason = arena_printf(c->mem, "%s 的这笔缴费未能自动记账：%s", x->name, pe.msg);
                pay_id = 0;
            } else if (ps) {
                *e = pe;
                r = ps;
                break;
            }
        }
        bool paid = pay_id != 0;
        db_bind_int(q, 1, out->import_id);
        db_bind_int(q, 2, l->row);
        db_bind_text(q, 3, l->day);
        db_bind_int(q, 4, l->fen);
        db_bind_text(q, 5, l->payer_name);
        db_bind_text(q, 6, l->payer_account);
        db_bind_text(q, 7, l->memo);
        db_bind_text(q, 8, state);
        db_bind_text(q, 9, reason);
        if (paid) {
            db_bind_int(q, 10, x->person_id);
            db_bind_text(q, 11, x->first);
            db_bind_text(q, 12, x->last);
            db_bind_int(q, 13, pay_id);
            db_bind_text(q, 14, actor(c));
            db_bind_int(q, 15, clock_now());
        } else {
            for (int k = 10; k <= 15; k++) db_bind_null(q, k);
        }
        if (db_step(q, e) == DB_ERROR) r = e->code;
        db_reset(q);
        out->lines++;
        if (!l->payment) out->notpay++;
        else if (paid) out->matched++, out->paid_fen += l->fen;
        else out->unmatched++;
        if (l->payment) out->credit_fen += l->fen;
    }
    if (!r) r = bank_recount(c, out->import_id, e);
    return r;
}

st dues_bank_store_import(uc *c, int64_t org_id, const char *month, const dues_bank_statement *s,
                          dues_bank_result *out, err *e) {
    memset(out, 0, sizeof *out);
    st r = uc_begin(c, e);
    if (r) return r;
    r = bank_import_work(c, org_id, month, s, out, e);
    char paid[32];
    dues_fen_format(out->paid_fen, paid);
    uc_act a = {"dues.bank.import", uc_obj(c, "dues_bank_import", out->import_id),
                arena_printf(c->mem, "导入银行流水 %s（%s）：%d 笔，自动对上 %d 笔共 %s 元，待处理 %d 笔", s->source,
                             month ? month : "", out->lines, out->matched, paid, out->unmatched),
                NULL};
    return uc_end(c, r, &a, e);
}

/* ---- reading ---- */

#define BANK_SCOPE SCOPE_COND("$1", "$2", "i.district_code", "i.park_code", "i.org_path", "NULL", "i.importer_id")
#define BANK_COLS                                                                                                      \
    "SELECT i.id, i.org_id, o.name AS org_name, i.month, i.source, i.format, i.encoding, i.lines, i.matched, "          \
    "i.unmatched, i.assigned, i.ignored, i.notpay, i.credit_fen, i.paid_fen, i.importer, i.created_at "               \
    "FROM dues_bank_import i JOIN org o ON o.id = i.org_id "

st dues_bank_store_imports(uc *c, int64_t org_id, const char *month, const uc_page *p, json_t **items, int64_t *total,
                           err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    const char *where = " AND ($3 = 0 OR i.org_id = $3) AND (CAST($4 AS TEXT) = '' OR i.month = $4)";
    st s = db_query_int(c->d, total,
                        arena_printf(c->mem, "SELECT COUNT(*) FROM dues_bank_import i WHERE %s%s", BANK_SCOPE, where), e,
                        "ttit", k, code, org_id, month ? month : "");
    const char *sql = arena_printf(c->mem, "SELECT * FROM (" BANK_COLS "WHERE %s%s) q ORDER BY %s LIMIT $5 OFFSET $6",
                                   BANK_SCOPE, where, p && p->order ? p->order : "q.id DESC");
    if (!s)
        s = db_query_json(c->d, items, sql, e, "ttitii", k, code, org_id, month ? month : "", p ? p->limit : 50,
                          p ? p->offset : 0);
    return s;
}

st dues_bank_store_get(uc *c, int64_t id, const char *state, json_t **out, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, BANK_COLS "WHERE i.id = $1", e, "i", id);
    if (s) return s;
    json_t *r = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    if (!r) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的银行流水导入记录。", (long long)id);
    if (state && !*state) state = NULL;
    if (state && strcmp(state, "matched") && strcmp(state, "unmatched") && strcmp(state, "assigned") &&
        strcmp(state, "ignored") && strcmp(state, "notpay")) {
        json_decref(r);
        return err_field(e, ST_INVALID, "state", "状态“%.20s”无效：应为 matched、unmatched、assigned、ignored 或 notpay。", state);
    }
    json_t *lines = NULL;
    s = db_query_json(c->d, &lines,
                      "SELECT l.row_no AS row, l.day, l.amount_fen, l.payer_name, l.payer_account, l.memo, l.state, l.reason, "
                      "l.person_id, p.name AS person_name, l.first_month, l.last_month, l.payment_id, y.receipt_no, "
                      "l.decided_by, l.decided_at FROM dues_bank_line l LEFT JOIN person p ON p.id = l.person_id "
                      "LEFT JOIN dues_payment y ON y.id = l.payment_id "
                      "WHERE l.import_id = $1 AND (CAST($2 AS TEXT) = '' OR l.state = $2) ORDER BY l.row_no",
                      e, "it", id, state ? state : "");
    if (s) {
        json_decref(r);
        return s;
    }
    json_object_set_new(r, "lines", lines);
    *out = r;
    return ST_OK;
}

/* ---- deciding a line ---- */

typedef struct bank_line_row {
    dues_bank_line l;
    char state[16], month[8];
    int64_t org_id;
} bank_line_row;

static st bank_line_load(uc *c, int64_t import_id, int row, bank_line_row *o, err *e) {
    memset(o, 0, sizeof *o);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT l.day, l.amount_fen, l.payer_name, l.memo, l.state, i.month, i.org_id FROM dues_bank_line l "
                      "JOIN dues_bank_import i ON i.id = l.import_id WHERE l.import_id = $1 AND l.row_no = $2",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, import_id);
    db_bind_int(q, 2, row);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        snprintf(o->l.day, sizeof o->l.day, "%s", db_col_text(q, 0));
        o->l.fen = db_col_int(q, 1);
        o->l.row = row;
        o->l.payer_name = arena_strdup(c->mem, db_col_text(q, 2));
        o->l.memo = arena_strdup(c->mem, db_col_text(q, 3));
        snprintf(o->state, sizeof o->state, "%s", db_col_text(q, 4));
        snprintf(o->month, sizeof o->month, "%s", db_col_text(q, 5));
        o->org_id = db_col_int(q, 6);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW)
        return err_field(e, ST_NOT_FOUND, "row", "银行流水导入 %lld 里没有第 %d 行。", (long long)import_id, row);
    return ST_OK;
}

static st bank_decide_work(uc *c, int64_t import_id, int row, const dues_bank_decision *d, const char **detail, err *e) {
    bank_line_row b;
    st s = bank_line_load(c, import_id, row, &b, e);
    if (s) return s;
    char amount[32];
    dues_fen_format(b.l.fen, amount);
    if (strcmp(b.state, "unmatched"))
        return err_field(e, ST_CONFLICT, "row", "第 %d 行（%s 元）已经处理过（%s），不能再次处理。", row, amount,
                         !strcmp(b.state, "matched")    ? "已自动对上"
                         : !strcmp(b.state, "assigned") ? "已分配"
                         : !strcmp(b.state, "ignored")  ? "已忽略"
                                                        : "不是缴费");
    const char *reason = d->reason && *d->reason ? d->reason : NULL;
    if (d->ignore) {
        if (!reason) return err_field(e, ST_INVALID, "reason", "忽略这一笔需要写明原因（例如：不是党费、已另行退回）。");
        *detail = arena_printf(c->mem, "忽略银行流水第 %d 行（%s，%s 元，%s）：%s", row, b.l.day, amount, b.l.payer_name,
                               reason);
        return db_run(c->d,
                      "UPDATE dues_bank_line SET state = 'ignored', reason = $3, decided_by = $4, decided_at = $5 "
                      "WHERE import_id = $1 AND row_no = $2",
                      e, "iitti", import_id, (int64_t)row, reason, actor(c), clock_now());
    }
    if (d->person_id <= 0) return err_field(e, ST_INVALID, "person_id", "请选择这笔党费是哪位党员的。");
    const char *first = d->first_month, *last = d->last_month && *d->last_month ? d->last_month : d->first_month;
    if (!first || !dues_month_valid(first))
        return err_field(e, ST_INVALID, "first_month", "请写明缴的是哪个月的党费（如 2026-11）。");
    if (!dues_month_valid(last) || strcmp(last, first) < 0)
        return err_field(e, ST_INVALID, "last_month", "截止月份“%s”无效：应写作 2026-11，且不早于起始月份。", last);
    char *name = NULL;
    s = db_query_text(c->d, &name, "SELECT name FROM person WHERE id = $1", e, "i", d->person_id);
    if (s == ST_NOT_FOUND) return err_field(e, ST_INVALID, "person_id", "没有编号为 %lld 的党员。", (long long)d->person_id);
    if (s) return s;
    arena_own(c->mem, name);
    dues_owing ow;
    if ((s = dues_store_owing(c, d->person_id, first, last, &ow, e))) return s;
    int span = dues_month_diff(first, last) + 1;
    if (ow.months != span)
        return err_field(e, ST_INVALID, "first_month", "%s 在 %s 至 %s 中只有 %d 个月欠交党费（不是 %d 个月）：已交或无需缴纳的月份不能再分配。",
                         name, first, last, ow.months, span);
    char dues[32];
    dues_fen_format(ow.fen, dues);
    if (ow.fen > b.l.fen)
        return err_field(e, ST_INVALID, "last_month", "%s 在 %s 至 %s 应交党费 %s 元，多于这笔的 %s 元：请少选几个月。", name, first,
                         last, dues, amount);
    if (ow.fen < b.l.fen && !d->voluntary) {
        char more[32];
        dues_fen_format(b.l.fen - ow.fen, more);
        return err_field(e, ST_INVALID, "voluntary", "%s 在 %s 至 %s 应交党费 %s 元，这笔 %s 元多出 %s 元：如是自愿多交请注明，否则请多选月份。",
                         name, first, last, dues, amount, more);
    }
    char *n1 = dues_bank_norm_name(c->mem, name), *n2 = dues_bank_norm_name(c->mem, b.l.payer_name);
    bool proxy = *n2 && strcmp(n1, n2);
    int64_t pay_id = 0;
    s = bank_pay(c, import_id, &b.l, d->person_id, first, last, b.l.fen - ow.fen, d->consent, proxy, b.l.payer_name,
                 &pay_id, e);
    if (s) return s;
    *detail = arena_printf(c->mem, "银行流水第 %d 行（%s，%s 元，%s）分配给 %s：%s 至 %s%s%s", row, b.l.day, amount,
                           b.l.payer_name, name, first, last, reason ? "；" : "", reason ? reason : "");
    return db_run(c->d,
                  "UPDATE dues_bank_line SET state = 'assigned', reason = $3, person_id = $4, first_month = $5, "
                  "last_month = $6, payment_id = $7, decided_by = $8, decided_at = $9 WHERE import_id = $1 AND row_no = $2",
                  e, "iitittiti", import_id, (int64_t)row, reason, d->person_id, first, last, pay_id, actor(c), clock_now());
}

st dues_bank_store_decide(uc *c, int64_t import_id, int row, const dues_bank_decision *d, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    const char *detail = NULL;
    s = bank_decide_work(c, import_id, row, d, &detail, e);
    if (!s) s = bank_recount(c, import_id, e);
    uc_act a = {d->ignore ? "dues.bank.ignore" : "dues.bank.assign", uc_obj(c, "dues_bank_import", import_id),
                detail ? detail : arena_printf(c->mem, "银行流水第 %d 行", row), NULL};
    return uc_end(c, s, &a, e);
}

const scope_resolver dues_bank_scope_resolvers[] = {
    /* A statement counts where its organization is; its importer owns it. */
    {"dues_bank_import", true, false,
     "SELECT district_code, park_code, org_path, NULL, importer_id FROM dues_bank_import WHERE id = CAST($1 AS BIGINT)",
     .noun = "银行流水导入记录"},
    {NULL, false, false, NULL},
};
