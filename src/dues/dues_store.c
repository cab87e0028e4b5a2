/* dues_store — party dues in the database (see dues_store.h).  All of the
 * dues module's SQL is here.
 *
 * A month's due for a person is found by two lookups on indexes: the newest
 * base with from_month <= M (the unique (person_id, from_month) index, as a
 * correlated subquery with ORDER BY … LIMIT 1) and the newest relief not
 * revoked that covers M.  The sheets of a month are made set-based: one
 * INSERT … SELECT of the sheets, one of the lines (from member for this
 * month, from member_span as of the month's last day for a month before),
 * and one UPDATE … FROM of the sheets' sums — never a loop over members. */
#include "dues/dues_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/scope.h"
#include "base/clock.h"
#include "base/crypt.h"
#include "core/config.h"
#include "core/day.h"
#include "member/member_store.h"

static const char *du_col(uc *c, db_stmt *q, int i) { return db_col_null(q, i) ? NULL : arena_strdup(c->mem, db_col_text(q, i)); }

static st du_nomem(err *e) { return err_set(e, ST_NOMEM, "内存不足。"); }

void dues_store_this_month(char out[8]) {
    char d[11];
    clock_day(clock_now(), d);
    memcpy(out, d, 7);
    out[7] = 0;
}

static void du_today(char out[11]) { clock_day(clock_now(), out); }

static bool du_day_valid(const char *s) {
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    return y >= 1900 && m >= 1 && m <= 12 && d >= 1 && d <= day_month_days(y, m);
}

static st du_month_check(const char *m, const char *field, err *e) {
    if (dues_month_valid(m)) return ST_OK;
    return err_field(e, ST_INVALID, field, "%s 的值“%.16s”不是有效的月份：应写作 YYYY-MM，如 2026-03。", field, m ? m : "");
}

/* A member of the party's own account binds the scope "self": they may read
 * and declare their own dues only; the rest is their branch's work. */
static bool du_self(const uc *c) { return c->who.scope_kind && !strcmp(c->who.scope_kind, "self"); }

static st du_staff(const uc *c, const char *what, err *e) {
    if (!du_self(c)) return ST_OK;
    return err_set(e, ST_FORBIDDEN, "党员本人不能%s：请由所在支部的书记或党费收缴员办理。", what);
}

/* ---- the person ------------------------------------------------------- */

typedef struct du_person {
    int64_t id, org_id, user_id;
    const char *name, *org_path, *district, *park, *joined_on, *state;
} du_person;

/* The person's membership (inside the caller's scope). */
static st du_person_load(uc *c, int64_t person, du_person *p, err *e) {
    memset(p, 0, sizeof *p);
    if (person <= 0) return err_field(e, ST_INVALID, "person_id", "请指定党员（person_id）。");
    st s = scope_check_id(c, "member", person, e);
    if (s == ST_NOT_FOUND) return err_field(e, ST_NOT_FOUND, "person_id", "没有编号为 %lld 的党员。", (long long)person);
    if (s) return s;
    db_stmt *q;
    if ((s = db_prepare(c->d,
                        "SELECT m.org_id, COALESCE(p.user_id, 0), m.name, m.org_path, m.district_code, m.park_code, m.joined_on, m.state "
                        "FROM member m JOIN person p ON p.id = m.person_id WHERE m.person_id = $1",
                        &q, e)))
        return s;
    db_bind_int(q, 1, person);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        p->id = person;
        p->org_id = db_col_int(q, 0);
        p->user_id = db_col_int(q, 1);
        p->name = du_col(c, q, 2);
        p->org_path = du_col(c, q, 3);
        p->district = du_col(c, q, 4);
        p->park = du_col(c, q, 5);
        p->joined_on = du_col(c, q, 6);
        p->state = du_col(c, q, 7);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_field(e, ST_NOT_FOUND, "person_id", "没有编号为 %lld 的党员。", (long long)person);
    return ST_OK;
}

/* ---- a month's due ---------------------------------------------------- */

/* The newest base of person P with from_month <= M, and the newest relief
 * (not revoked) covering M: their ids (NULL when none). */
#define DU_BASE_ID(P, M) \
    "(SELECT b.id FROM dues_base b WHERE b.person_id = " P " AND b.from_month <= " M " ORDER BY b.from_month DESC LIMIT 1)"
/* the newest relief is the highest id: MAX, not ORDER BY … LIMIT 1, which made SQLite open a sorter for
   each of a province's members */
#define DU_RELIEF_ID(P, M)                                                                                               \
    "(SELECT MAX(r.id) FROM dues_relief r WHERE r.person_id = " P " AND r.revoked_at IS NULL AND r.from_month <= " M   \
    " AND r.to_month >= " M ")"

typedef struct du_due {
    int64_t fen, relief_id;
    const char *kind;     /* the base's kind; NULL without a base */
    const char *state;    /* "owed", "waived", "nobase" */
} du_due;

static st du_due_of(uc *c, int64_t person, const char *month, du_due *d, err *e) {
    memset(d, 0, sizeof *d);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT b.kind, b.amount_fen, r.id, r.amount_fen FROM (SELECT " DU_BASE_ID("$1", "$2") " AS bid, " DU_RELIEF_ID(
                          "$1", "$2") " AS rid) x LEFT JOIN dues_base b ON b.id = x.bid LEFT JOIN dues_relief r ON r.id = x.rid",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, person);
    db_bind_text(q, 2, month);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        d->kind = du_col(c, q, 0);
        if (!db_col_null(q, 2)) {
            d->relief_id = db_col_int(q, 2);
            d->fen = db_col_int(q, 3);
            d->state = d->fen ? "owed" : "waived";
        } else if (d->kind) {
            d->fen = db_col_int(q, 1);
            d->state = "owed";
        } else d->state = "nobase";
    }
    db_reset(q);
    return r == DB_ERROR ? e->code : ST_OK;
}

/* The sums of the sheets that WHERE names (the sheets of one person's lines,
 * or one sheet): few rows, correlated counts on the lines' primary key. */
#define DU_SUMS_SET                                                                                                      \
    "UPDATE dues_sheet SET members = (SELECT COUNT(*) FROM dues_line l WHERE l.sheet_id = dues_sheet.id), "              \
    "due_fen = (SELECT COALESCE(SUM(l.due_fen), 0) FROM dues_line l WHERE l.sheet_id = dues_sheet.id), "                 \
    "paid_fen = (SELECT COALESCE(SUM(l.paid_fen), 0) FROM dues_line l WHERE l.sheet_id = dues_sheet.id AND l.state = 'paid'), " \
    "paid_members = (SELECT COUNT(*) FROM dues_line l WHERE l.sheet_id = dues_sheet.id AND l.state IN ('paid', 'waived')), " \
    "nobase = (SELECT COUNT(*) FROM dues_line l WHERE l.sheet_id = dues_sheet.id AND l.state = 'nobase') "

/* An unpaid line's kind, due, relief and state from the bases and reliefs
 * (dues_line.person_id and dues_line.month name it).  No key column changes,
 * so SQLite writes the lines in bulk without a statement journal. */
#define DU_L_RELIEF DU_RELIEF_ID("dues_line.person_id", "dues_line.month")
#define DU_L_BASE DU_BASE_ID("dues_line.person_id", "dues_line.month")
#define DU_L_RAMT "(SELECT r2.amount_fen FROM dues_relief r2 WHERE r2.id = " DU_L_RELIEF ")"
#define DU_LINE_SET                                                                                                      \
    "relief_id = " DU_L_RELIEF ", kind = (SELECT b2.kind FROM dues_base b2 WHERE b2.id = " DU_L_BASE "), "                \
    "due_fen = COALESCE(" DU_L_RAMT ", (SELECT b2.amount_fen FROM dues_base b2 WHERE b2.id = " DU_L_BASE "), 0), "        \
    "state = CASE WHEN " DU_L_RAMT " = 0 THEN 'waived' WHEN " DU_L_RAMT " IS NOT NULL OR " DU_L_BASE                      \
    " IS NOT NULL THEN 'owed' ELSE 'nobase' END, paid_fen = 0, payment_id = NULL "

/* The months from..to that have sheets (a few dozen at most), in c's memory. */
static st du_sheet_months(uc *c, const char *from, const char *to, char (**months)[8], size_t *n, err *e) {
    *months = NULL;
    *n = 0;
    db_stmt *q;
    st s = db_prepare(c->d, "SELECT DISTINCT month FROM dues_sheet WHERE month >= $1 AND month <= $2 ORDER BY month", &q, e);
    if (s) return s;
    db_bind_text(q, 1, from);
    db_bind_text(q, 2, to);
    size_t cap = 0;
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        char(*m)[8] = arena_push(c->mem, (void **)months, n, &cap, 16, sizeof **months);
        if (!m) {
            db_reset(q);
            return du_nomem(e);
        }
        snprintf(*m, sizeof *m, "%.7s", db_col_text(q, 0));
    }
    db_reset(q);
    return r == DB_ERROR ? e->code : ST_OK;
}

/* The sums of the sheets holding a person's line of a month. */
static st du_person_sums(uc *c, int64_t person, const char *month, err *e) {
    return db_run(c->d, DU_SUMS_SET "WHERE id IN (SELECT l.sheet_id FROM dues_line l WHERE l.month = $2 AND l.person_id = $1)", e, "it", person,
                  month);
}

/* A person's unpaid lines of months from..to brought up to date with the
 * bases and reliefs, and the sums of their sheets: month by month, each an
 * equality on the lines' (month, person_id) index. */
static st du_person_refresh(uc *c, int64_t person, const char *from, const char *to, err *e) {
    char(*months)[8];
    size_t n;
    st s = du_sheet_months(c, from, to, &months, &n, e);
    for (size_t i = 0; i < n && !s; i++) {
        s = db_run(c->d, "UPDATE dues_line SET " DU_LINE_SET "WHERE month = $2 AND person_id = $1 AND state <> 'paid'", e, "it", person, months[i]);
        if (!s) s = du_person_sums(c, person, months[i], e);
    }
    return s;
}

/* ---- bases ------------------------------------------------------------- */

static const char *du_ad(uc *c, int64_t person) { return arena_printf(c->mem, "dues_base:%lld", (long long)person); }

static st du_base_in(uc *c, const dues_base_new *b, const char *from, dues_amount *out, err *e) {
    du_person p;
    st s = du_person_load(c, b->person_id, &p, e);
    if (s) return s;
    const char *by = b->declared_by ? b->declared_by : "";
    if (strcmp(by, "member") && strcmp(by, "secretary") && strcmp(by, "import"))
        return err_field(e, ST_INVALID, "declared_by", "declared_by 应为 member（本人申报）、secretary（书记核定）或 import（导入）。");
    if (du_self(c) && strcmp(by, "member"))
        return err_field(e, ST_FORBIDDEN, "declared_by", "党员本人只能申报自己的党费基数（declared_by 为 member）。");
    if (!du_self(c) && !strcmp(by, "member") && c->who.user_id && c->who.user_id != p.user_id)
        return err_field(e, ST_INVALID, "declared_by", "只有党员本人申报的基数才能记为 member：书记核定的请记为 secretary。");
    if ((int)b->kind < 0 || b->kind >= DUES_KINDS)
        return err_field(e, ST_INVALID, "kind", "党员类别无效：应为 employee、retiree、student、unemployed、farmer 或 relief。");
    if ((s = du_month_check(from, "from_month", e))) return s;
    char joined[8];
    snprintf(joined, sizeof joined, "%.7s", p.joined_on ? p.joined_on : "");
    if (strcmp(from, joined) < 0)
        return err_field(e, ST_INVALID, "from_month", "起始月份 %s 早于%s入党的月份 %s：党费基数从入党（支部大会通过）的月份起算。", from, p.name,
                         joined);
    dues_rules r;
    if ((s = dues_rules_load(&r, e))) return s;
    char rule[256];
    if (b->kind == DUES_FARMER && b->base_fen > 0) {
        /* the farmers' amount is set by the office within the range */
        char a[32], lo[32], hi[32];
        dues_fen_format(b->base_fen, a);
        dues_fen_format(r.farmer_min, lo);
        dues_fen_format(r.farmer_max, hi);
        if (b->base_fen < r.farmer_min || b->base_fen > r.farmer_max)
            return err_field(e, ST_INVALID, "base", "农民党员的每月定额 %s 元不在规定的范围 %s 元至 %s 元之内。", a, lo, hi);
        memset(out, 0, sizeof *out);
        out->fen = b->base_fen;
        out->flat = true;
        snprintf(rule, sizeof rule, "农民党员每月定额 %s 元", a);
    } else {
        if ((s = dues_calc(&r, b->kind, b->base_fen, out, e))) return s;
        if (dues_kind_rated(b->kind)) {
            /* the bracket and rate, never the base: the base is sealed, and the rule is shown to whoever reads the sheet */
            char words[128], bp[16];
            dues_bracket_words(&r, b->kind, out->bracket, words);
            dues_bp_format(out->bp, bp);
            size_t wn = strlen(words);   /* as dues_rule_words: no space after a full-width parenthesis */
            bool paren = wn >= 3 && !strcmp(words + wn - 3, "）");
            snprintf(rule, sizeof rule, "%s，适用 %s%s%s", dues_kind_name(b->kind), words, paren ? "" : " ", bp);
        } else dues_rule_words(&r, b->kind, b->base_fen, out, rule);
    }
    char *sealed = NULL;
    if (dues_kind_rated(b->kind)) {
        char plain[24];
        snprintf(plain, sizeof plain, "%lld", (long long)b->base_fen);
        if ((s = crypt_init(c->d, e)) || (s = crypt_seal(du_ad(c, p.id), plain, &sealed, e))) return s;
        arena_own(c->mem, sealed);
    }
    s = db_run(c->d,
               "INSERT INTO dues_base(person_id, from_month, kind, base_sealed, amount_fen, rule, declared_by, actor, created_at) "
               "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (person_id, from_month) DO UPDATE SET kind = excluded.kind, "
               "base_sealed = excluded.base_sealed, amount_fen = excluded.amount_fen, rule = excluded.rule, "
               "declared_by = excluded.declared_by, actor = excluded.actor, created_at = excluded.created_at",
               e, "itttittti", p.id, from, dues_kind_code(b->kind), sealed, out->fen, rule, by,
               c->who.username ? c->who.username : "", clock_now());
    if (!s) s = du_person_refresh(c, p.id, from, "9999-12", e);
    return s;
}

st dues_store_base_set(uc *c, const dues_base_new *b, dues_amount *out, err *e) {
    dues_amount tmp;
    if (!out) out = &tmp;
    memset(out, 0, sizeof *out);
    char now[8];
    dues_store_this_month(now);
    const char *from = b->from_month ? b->from_month : now;
    st s = uc_begin(c, e);
    if (s) return s;
    s = du_base_in(c, b, from, out, e);
    const char *detail = NULL;
    if (!s) {
        char a[32];
        dues_fen_format(out->fen, a);
        detail = arena_printf(c->mem, "%s 起 %s，月交 %s 元", from, dues_kind_name(b->kind), a);
    }
    uc_act a = {"dues.base", uc_obj(c, "person", b->person_id), detail};
    return uc_end(c, s, &a, e);
}

st dues_store_bases(uc *c, int64_t person_id, bool open, json_t **out, err *e) {
    *out = NULL;
    du_person p;
    st s = du_person_load(c, person_id, &p, e);
    json_t *rows = NULL;
    if (!s)
        s = db_query_json(c->d, &rows,
                          "SELECT from_month, kind, amount_fen, rule, declared_by, actor, created_at, base_sealed FROM dues_base "
                          "WHERE person_id = $1 ORDER BY from_month DESC",
                          e, "i", person_id);
    if (s) return s;
    if (!arena_json(c->mem, rows)) return du_nomem(e);
    bool reader_is_member = p.user_id && c->who.user_id == p.user_id;
    if (open && !reader_is_member) {
        uc_act a = {"dues.base.read", uc_obj(c, "person", person_id), p.name};
        if ((s = uc_audit(c, &a, e))) return s;
    }
    if (open && (s = crypt_init(c->d, e))) return s;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        int k = dues_kind_parse(json_string_value(json_object_get(r, "kind")));
        json_object_set_new(r, "kind_name", json_string(k >= 0 ? dues_kind_name((dues_kind)k) : ""));
        char a[32];
        dues_fen_format(json_integer_value(json_object_get(r, "amount_fen")), a);
        json_object_set_new(r, "amount", json_string(a));
        const char *sealed = json_string_value(json_object_get(r, "base_sealed"));
        if (open && sealed) {
            char *plain = NULL;
            if ((s = crypt_open(du_ad(c, person_id), sealed, &plain, e))) return s;
            int64_t fen = strtoll(plain, NULL, 10);
            free(plain);
            dues_fen_format(fen, a);
            json_object_set_new(r, "base_fen", json_integer(fen));
            json_object_set_new(r, "base", json_string(a));
        }
        json_object_del(r, "base_sealed");
    }
    *out = json_pack("{s:O}", "items", rows);
    return *out ? ST_OK : du_nomem(e);
}

/* ---- reliefs ------------------------------------------------------------ */

static st du_relief_in(uc *c, const dues_relief_new *r, int64_t *id, err *e) {
    st s = du_staff(c, "批准减免党费", e);
    du_person p;
    if (!s) s = du_person_load(c, r->person_id, &p, e);
    if (!s) s = du_month_check(r->from_month, "from_month", e);
    if (!s) s = du_month_check(r->to_month, "to_month", e);
    if (s) return s;
    if (strcmp(r->from_month, r->to_month) > 0)
        return err_field(e, ST_INVALID, "to_month", "截止月份 %s 早于起始月份 %s。", r->to_month, r->from_month);
    if (r->amount_fen < 0 || r->amount_fen > DUES_FEN_MAX)
        return err_field(e, ST_INVALID, "amount_fen", "减免后的每月金额不能为负数（免交请填 0）。");
    if (!r->reason || !*r->reason) return err_field(e, ST_INVALID, "reason", "请填写减免原因 reason（如支部大会决定的事由）。");
    if (!r->approver || !*r->approver) return err_field(e, ST_INVALID, "approver", "请填写批准人或批准机关 approver。");
    s = db_query_int(c->d, id,
                     "INSERT INTO dues_relief(person_id, from_month, to_month, amount_fen, reason, approver, actor, created_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                     e, "ittittti", p.id, r->from_month, r->to_month, r->amount_fen, r->reason, r->approver,
                     c->who.username ? c->who.username : "", clock_now());
    if (!s) s = du_person_refresh(c, p.id, r->from_month, r->to_month, e);
    return s;
}

st dues_store_relief_add(uc *c, const dues_relief_new *r, int64_t *id, err *e) {
    int64_t tmp = 0;
    if (!id) id = &tmp;
    *id = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    s = du_relief_in(c, r, id, e);
    const char *detail = NULL;
    if (!s) {
        char a[32];
        dues_fen_format(r->amount_fen, a);
        detail = arena_printf(c->mem, "%s 至 %s %s（%s，批准：%s）", r->from_month, r->to_month,
                              r->amount_fen ? arena_printf(c->mem, "每月减为 %s 元", a) : "免交", r->reason, r->approver);
    }
    uc_act a = {"dues.relief", uc_obj(c, "dues_relief", *id), detail};
    return uc_end(c, s, &a, e);
}

static st du_revoke_in(uc *c, int64_t id, const char *reason, err *e) {
    st s = du_staff(c, "撤销党费减免", e);
    if (s) return s;
    json_t *rows = NULL;
    if ((s = db_query_json(c->d, &rows, "SELECT person_id, from_month, to_month, revoked_at FROM dues_relief WHERE id = $1", e, "i", id)))
        return s;
    arena_json(c->mem, rows);
    json_t *r = json_array_get(rows, 0);
    if (!r) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的党费减免。", (long long)id);
    int64_t person = json_integer_value(json_object_get(r, "person_id"));
    du_person p;
    if ((s = du_person_load(c, person, &p, e))) return s;
    if (!json_is_null(json_object_get(r, "revoked_at")) && json_object_get(r, "revoked_at"))
        return err_set(e, ST_CONFLICT, "这项党费减免已经撤销。");
    if (!reason || !*reason) return err_field(e, ST_INVALID, "reason", "请填写撤销原因 reason。");
    s = db_run(c->d, "UPDATE dues_relief SET revoked_at = $2, revoke_reason = $3 WHERE id = $1", e, "iit", id, clock_now(), reason);
    if (!s)
        s = du_person_refresh(c, person, json_string_value(json_object_get(r, "from_month")), json_string_value(json_object_get(r, "to_month")),
                              e);
    return s;
}

st dues_store_relief_revoke(uc *c, int64_t id, const char *reason, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    s = du_revoke_in(c, id, reason, e);
    uc_act a = {"dues.relief.revoke", uc_obj(c, "dues_relief", id), reason};
    return uc_end(c, s, &a, e);
}

st dues_store_reliefs(uc *c, int64_t person_id, json_t **out, err *e) {
    *out = NULL;
    du_person p;
    st s = du_person_load(c, person_id, &p, e);
    json_t *rows = NULL;
    if (!s)
        s = db_query_json(c->d, &rows,
                          "SELECT id, person_id, from_month, to_month, amount_fen, reason, approver, actor, created_at, revoked_at, "
                          "revoke_reason FROM dues_relief WHERE person_id = $1 ORDER BY id DESC",
                          e, "i", person_id);
    if (s) return s;
    *out = json_pack("{s:o}", "items", rows);
    return *out ? ST_OK : du_nomem(e);
}

/* ---- sheets ------------------------------------------------------------ */

/* Who is on a sheet of month $1 whose last day (today, for this month) is $2:
 * the memberships in the party then, from the month of the vote, each on the
 * sheet of the organization that manages them that day — their own, or the
 * one a 流动党员's open flow names (member_flow: at most one counts a day), so
 * a floating member pays where they are managed.  m is the membership row
 * (member, or member_span as of the day) with the managing organization's id
 * and place in org_id, district_code, park_code and org_path. */
#define DU_FLOW_ON(M) "LEFT JOIN member_flow f ON f.person_id = " M ".person_id AND f.from_day <= $2 AND (f.to_day IS NULL OR f.to_day > $2) "
#define DU_MANAGED                                                                                                       \
    "CASE WHEN f.id IS NULL THEN mm.org_id ELSE f.manager_org_id END AS org_id, "                                        \
    "CASE WHEN f.id IS NULL THEN mm.district_code ELSE f.manager_district END AS district_code, "                        \
    "CASE WHEN f.id IS NULL THEN mm.park_code ELSE f.manager_park END AS park_code, "                                    \
    "CASE WHEN f.id IS NULL THEN mm.org_path ELSE f.manager_path END AS org_path "
#define DU_ON_NOW_(X)                                                                                                    \
    "FROM (SELECT mm.person_id, mm.state, mm.joined_on, " DU_MANAGED "FROM member mm" X " " DU_FLOW_ON("mm") ") m "     \
    "WHERE m.state IN ('正常', '流动') AND SUBSTR(m.joined_on, 1, 7) <= $1 AND m.joined_on <= $2 "
#define DU_ON_PAST_(X)                                                                                                   \
    "FROM (SELECT mm.person_id, mm.state, j.joined_on, " DU_MANAGED "FROM member_span mm" X " JOIN member j ON j.person_id = mm.person_id " \
    DU_FLOW_ON("mm") "WHERE mm.from_day <= $2 AND (mm.to_day IS NULL OR mm.to_day > $2)) m "                             \
    "WHERE m.state IN ('正常', '流动') AND SUBSTR(m.joined_on, 1, 7) <= $1 "
#define DU_ON_NOW DU_ON_NOW_("")
#define DU_ON_PAST DU_ON_PAST_("")
/* The whole city: the registry read in its own order.  SQLite otherwise walked
 * member_span by its district index (a skip-scan for the day's condition) and
 * fetched each row out of order, so every lookup after it (the person, the
 * base, the line's insert) landed on another page: 20 s of CPU for the
 * province's 5,000,000 memberships where the plain scan takes 4 s. */
#define DU_ON_NOW_ALL DU_ON_NOW_("{{NOT_INDEXED}}")
#define DU_ON_PAST_ALL DU_ON_PAST_("{{NOT_INDEXED}}")
/* One organization's: its own members and those it manages, found by index first. */
#define DU_IN_ORG_NOW                                                                                                    \
    "AND m.org_id = $3 AND m.person_id IN (SELECT person_id FROM member WHERE org_id = $3 "                              \
    "UNION ALL SELECT person_id FROM member_flow WHERE manager_org_id = $3) "
#define DU_IN_ORG_PAST                                                                                                   \
    "AND m.org_id = $3 AND m.person_id IN (SELECT person_id FROM member_span WHERE org_id = $3 "                         \
    "UNION ALL SELECT person_id FROM member_flow WHERE manager_org_id = $3) "
#define DU_IN_SCOPE "AND " SCOPE_COND("$3", "$4", "m.district_code", "m.park_code", "m.org_path", "NULL", "NULL") " "
#define DU_SHEET_SCOPE(K, C) SCOPE_COND(K, C, "s.district_code", "s.park_code", "s.org_path", "NULL", "NULL")
#define DU_SHEET_SCOPE_T(K, C) SCOPE_COND(K, C, "t.district_code", "t.park_code", "t.org_path", "NULL", "NULL")

/* The lines of the people ON … who have no line of the month yet: the due
 * from the newest relief, else the newest base; a month paid in advance as
 * paid.  A member is on one sheet a month (dues_line's unique (month,
 * person_id)): one with a line already — here, or paid on another sheet, where
 * a paid line stays — is skipped by the conflict, not by reading dues_line in
 * the SELECT, which made SQLite materialize every new line of the city in a
 * temporary table before writing any (it failed at 5,000,000 members).  An
 * unpaid line of someone now managed elsewhere is removed first (du_moved).
 * OR IGNORE (SQLite; dues_line has no foreign keys, migration 0054): no
 * constraint left can abort the statement, so SQLite keeps no statement
 * journal of the pages it changes; every column written is non-NULL and
 * within its CHECK by construction, so only the one-line-a-month conflict is
 * ever ignored. */
#define DU_LINES(ON)                                                                                                     \
    "INSERT{{OR_IGNORE}} INTO dues_line(sheet_id, person_id, month, org_id, kind, due_fen, relief_id, state, paid_fen, payment_id) "   \
    "SELECT sh.id, x.person_id, $1, x.org_id, b.kind, "                                                                  \
    "CASE WHEN pd.payment_id IS NOT NULL THEN pd.fen WHEN r.id IS NOT NULL THEN r.amount_fen WHEN b.id IS NOT NULL THEN b.amount_fen ELSE 0 END, " \
    "r.id, "                                                                                                             \
    "CASE WHEN pd.payment_id IS NOT NULL THEN 'paid' WHEN r.id IS NOT NULL AND r.amount_fen = 0 THEN 'waived' "         \
    "WHEN r.id IS NOT NULL OR b.id IS NOT NULL THEN 'owed' ELSE 'nobase' END, "                                          \
    "COALESCE(pd.fen, 0), pd.payment_id "                                                                                \
    "FROM (SELECT m.person_id, m.org_id, " DU_BASE_ID("m.person_id", "$1") " AS base_id, " DU_RELIEF_ID("m.person_id", "$1") \
    " AS relief_id " ON ") x "                                                                                          \
    "JOIN dues_sheet sh ON sh.org_id = x.org_id AND sh.month = $1 "                                                      \
    "LEFT JOIN dues_base b ON b.id = x.base_id LEFT JOIN dues_relief r ON r.id = x.relief_id "                          \
    "LEFT JOIN dues_paid pd ON pd.person_id = x.person_id AND pd.month = $1 WHERE 1 = 1 ON CONFLICT DO NOTHING"

/* The same lines for a district's or the city's registry on PostgreSQL, where
 * the form above cost 94 s at 5,000,000 members (EXPLAIN ANALYZE, bench/dues.txt):
 * its correlated subqueries were evaluated twice per line (the planner put
 * them in a hash condition) and every base was then fetched by id.  Here the
 * newest base and relief of everyone are one sort each (DISTINCT ON, newest
 * first) hashed against the registry; the lines are written in the primary
 * key's order, so its index grows at its right edge; and a member who has a
 * line already is left out by an anti-join, not by ON CONFLICT, whose
 * speculative insertion checked the unique index again for each of the
 * 5,000,000 rows (11 s).  A member has one membership on a day and one
 * manager, so the registry names each person once and no conflict is left.
 * SQLite keeps the form above: its correlated lookups cost a few µs each and
 * it has no DISTINCT ON. */
/* A past month's registry for DU_LINES_PG: the people who had joined by the
 * month are everyone but the few who joined after it (joined_on is NOT NULL),
 * a hashed NOT IN of a handful of people, where DU_ON_PAST joins all of
 * member to member_span for joined_on — a hash of 5,000,000 people built and
 * probed, 5 s of a city's month on PostgreSQL (EXPLAIN ANALYZE, bench/dues.txt). */
#define DU_ON_PAST_PG                                                                                                    \
    "FROM (SELECT mm.person_id, mm.state, " DU_MANAGED "FROM member_span mm " DU_FLOW_ON("mm")                         \
    "WHERE mm.from_day <= $2 AND (mm.to_day IS NULL OR mm.to_day > $2) "                                                \
    "AND mm.person_id NOT IN (SELECT j.person_id FROM member j WHERE SUBSTR(j.joined_on, 1, 7) > $1)) m "              \
    "WHERE m.state IN ('正常', '流动') "
#define DU_LINES_PG(ON)                                                                                                  \
    "INSERT INTO dues_line(sheet_id, person_id, month, org_id, kind, due_fen, relief_id, state, paid_fen, payment_id) "  \
    "SELECT sh.id, x.person_id, $1, x.org_id, b.kind, "                                                                  \
    "CASE WHEN pd.payment_id IS NOT NULL THEN pd.fen WHEN r.id IS NOT NULL THEN r.amount_fen WHEN b.id IS NOT NULL THEN b.amount_fen ELSE 0 END, " \
    "r.id, "                                                                                                             \
    "CASE WHEN pd.payment_id IS NOT NULL THEN 'paid' WHEN r.id IS NOT NULL AND r.amount_fen = 0 THEN 'waived' "         \
    "WHEN r.id IS NOT NULL OR b.id IS NOT NULL THEN 'owed' ELSE 'nobase' END, "                                          \
    "COALESCE(pd.fen, 0), pd.payment_id "                                                                                \
    "FROM (SELECT m.person_id, m.org_id " ON ") x "                                                                      \
    "JOIN dues_sheet sh ON sh.org_id = x.org_id AND sh.month = $1 "                                                      \
    "LEFT JOIN (SELECT DISTINCT ON (person_id) person_id, id, kind, amount_fen FROM dues_base WHERE from_month <= $1 "   \
    "ORDER BY person_id, from_month DESC) b ON b.person_id = x.person_id "                                               \
    "LEFT JOIN (SELECT DISTINCT ON (person_id) person_id, id, amount_fen FROM dues_relief WHERE revoked_at IS NULL "     \
    "AND from_month <= $1 AND to_month >= $1 ORDER BY person_id, id DESC) r ON r.person_id = x.person_id "             \
    "LEFT JOIN dues_paid pd ON pd.person_id = x.person_id AND pd.month = $1 "                                           \
    "WHERE x.person_id NOT IN (SELECT l.person_id FROM dues_line l WHERE l.month = $1) "                            \
    "ORDER BY sh.id, x.person_id"

/* Is the person of an unpaid line still on its organization's sheet (the
 * same conditions as DU_ON_NOW / DU_ON_PAST, $1 the month, $2 the day)? */
#define DU_STILL_NOW                                                                                                     \
    "EXISTS (SELECT 1 FROM member m " DU_FLOW_ON("m") "WHERE m.person_id = dues_line.person_id "                          \
    "AND (CASE WHEN f.id IS NULL THEN m.org_id ELSE f.manager_org_id END) = dues_line.org_id "                            \
    "AND m.state IN ('正常', '流动') AND SUBSTR(m.joined_on, 1, 7) <= $1 AND m.joined_on <= $2)"
#define DU_STILL_PAST                                                                                                    \
    "EXISTS (SELECT 1 FROM member_span m JOIN member j ON j.person_id = m.person_id " DU_FLOW_ON("m")                     \
    "WHERE m.person_id = dues_line.person_id "                                                                           \
    "AND (CASE WHEN f.id IS NULL THEN m.org_id ELSE f.manager_org_id END) = dues_line.org_id "                            \
    "AND m.from_day <= $2 AND (m.to_day IS NULL OR m.to_day > $2) "                                                      \
    "AND m.state IN ('正常', '流动') AND SUBSTR(j.joined_on, 1, 7) <= $1)"

/* The month's last day, or today for this month; a month after this one refused. */
static st du_sheet_month(const char *month, char day[11], bool *now, err *e) {
    st s = du_month_check(month, "month", e);
    if (s) return s;
    char tm[8];
    dues_store_this_month(tm);
    int k = strcmp(month, tm);
    if (k > 0) return err_field(e, ST_INVALID, "month", "%s 还没有到：只能生成本月（%s）及以前各月的党费应交名单。", month, tm);
    *now = k == 0;
    if (*now) du_today(day);
    else dues_month_last_day(month, day);
    return ST_OK;
}

/* The unpaid lines of month $1, on sheets other than those being made, of
 * people now on them (sql: "FROM dues_line l … WHERE …" selecting l): removed
 * so the new line can be written, and those sheets' sums brought up to date. */
static st du_moved(uc *c, const char *where, const char *month, const char *day, const char *a3, const char *a4, int64_t org,
                   err *e) {
    json_t *ids = NULL;
    const char *sel = arena_printf(c->mem, "SELECT DISTINCT l.sheet_id AS id FROM dues_line l %s", where);
    st s = org ? db_query_json(c->d, &ids, sel, e, "tti", month, day, org) : db_query_json(c->d, &ids, sel, e, "tttt", month, day, a3, a4);
    if (s || !json_array_size(ids)) {
        json_decref(ids);
        return s;
    }
    const char *del = arena_printf(c->mem, "DELETE FROM dues_line WHERE (sheet_id, person_id) IN (SELECT l.sheet_id, l.person_id FROM dues_line l %s)", where);
    s = org ? db_run(c->d, del, e, "tti", month, day, org) : db_run(c->d, del, e, "tttt", month, day, a3, a4);
    size_t i;
    json_t *r;
    json_array_foreach(ids, i, r) {
        if (s) break;
        s = db_run(c->d, DU_SUMS_SET "WHERE id = $1", e, "i", (int64_t)json_integer_value(json_object_get(r, "id")));
    }
    json_decref(ids);
    return s;
}

static st du_sheet_in(uc *c, int64_t org_id, const char *month, int64_t *sheet_id, err *e) {
    st s = du_staff(c, "生成党费应交名单", e);
    if (!s) s = scope_check_id(c, "org", org_id, e);
    char day[11];
    bool now = false;
    if (!s) s = du_sheet_month(month, day, &now, e);
    if (s) return s;
    int64_t t = clock_now();
    if ((s = db_run(c->d,
                    "INSERT INTO dues_sheet(org_id, month, org_path, district_code, park_code, made_at) "
                    "SELECT o.id, $1, o.path, o.district_code, o.park_code, $3 FROM org o WHERE o.id = $2 "
                    "AND NOT EXISTS (SELECT 1 FROM dues_sheet s WHERE s.org_id = o.id AND s.month = $1)",
                    e, "tii", month, org_id, t)))
        return s;
    s = db_query_int(c->d, sheet_id, "SELECT id FROM dues_sheet WHERE org_id = $1 AND month = $2", e, "it", org_id, month);
    if (s == ST_NOT_FOUND) return err_field(e, ST_NOT_FOUND, "org_id", "没有编号为 %lld 的党组织。", (long long)org_id);
    /* remade in place: the unpaid lines of those no longer there go, the others follow the bases and reliefs, newcomers join */
    if (!s)
        s = db_run(c->d,
                   now ? "DELETE FROM dues_line WHERE sheet_id = $3 AND state <> 'paid' AND NOT " DU_STILL_NOW
                       : "DELETE FROM dues_line WHERE sheet_id = $3 AND state <> 'paid' AND NOT " DU_STILL_PAST,
                   e, "tti", month, day, *sheet_id);
    if (!s) s = db_run(c->d, "UPDATE dues_line SET " DU_LINE_SET "WHERE sheet_id = $1 AND state <> 'paid'", e, "i", *sheet_id);
    if (!s)
        s = du_moved(c,
                     now ? "WHERE l.month = $1 AND l.state <> 'paid' AND l.org_id <> $3 AND l.person_id IN (SELECT m.person_id " DU_ON_NOW
                           DU_IN_ORG_NOW ")"
                         : "WHERE l.month = $1 AND l.state <> 'paid' AND l.org_id <> $3 AND l.person_id IN (SELECT m.person_id " DU_ON_PAST
                           DU_IN_ORG_PAST ")",
                     month, day, NULL, NULL, org_id, e);
    if (!s) s = db_run(c->d, now ? DU_LINES(DU_ON_NOW DU_IN_ORG_NOW) : DU_LINES(DU_ON_PAST DU_IN_ORG_PAST), e, "tti", month, day, org_id);
    if (!s) s = db_run(c->d, DU_SUMS_SET ", made_at = $2 WHERE id = $1", e, "ii", *sheet_id, t);
    return s;
}

st dues_store_sheet_make(uc *c, int64_t org_id, const char *month, int64_t *sheet_id, err *e) {
    int64_t tmp = 0;
    if (!sheet_id) sheet_id = &tmp;
    *sheet_id = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    s = du_sheet_in(c, org_id, month, sheet_id, e);
    uc_act a = {"dues.sheet", uc_obj(c, "dues_sheet", *sheet_id), arena_printf(c->mem, "%s", month ? month : "")};
    return uc_end(c, s, &a, e);
}

static st du_sheets_rows(uc *c, const char *month, const char *day, bool now, const char *k, const char *code, int64_t t,
                         int64_t *sheets, int64_t *lines, err *e);

static st du_sheets_in(uc *c, const char *month, int64_t *sheets, int64_t *lines, err *e) {
    st s = du_staff(c, "生成党费应交名单", e);
    char day[11];
    bool now = false;
    if (!s) s = du_sheet_month(month, day, &now, e);
    if (s) return s;
    const char *k, *code;
    scope_bind(c, &k, &code);
    int64_t t = clock_now();
    /* a province's month is millions of lines: the memory to write them without thrashing (db-bulk-mb) */
    if ((s = db_bulk_begin(c->d, e))) return s;
    s = du_sheets_rows(c, month, day, now, k, code, t, sheets, lines, e);
    db_bulk_end(c->d);
    return s;
}

/* du_sheets_in's rows: the sheets, their lines and their sums. */
static st du_sheets_rows(uc *c, const char *month, const char *day, bool now, const char *k, const char *code, int64_t t,
                         int64_t *sheets, int64_t *lines, err *e) {
    /* a sheet for every organization in the scope without one this month — the registry is read once, by
       the lines below, not a second time to find who has members; the new ones left empty go at the end.
       NOT IN, not a correlated NOT EXISTS: the month's sheets are read once, before any is written.  On
       PostgreSQL with dues_sheet analyzed while empty (a first month), NOT EXISTS became a scan of the
       table for each organization, which read every sheet the statement had written so far — 195,000
       organizations took over ten minutes.  org_id is NOT NULL, so NOT IN means what it says. */
    int64_t before = 0;
    st s = db_query_int(c->d, &before, "SELECT COALESCE(MAX(id), 0) FROM dues_sheet", e, "");
    if (!s)
        s = db_run(c->d,
                   "INSERT INTO dues_sheet(org_id, month, org_path, district_code, park_code, made_at) "
                   "SELECT o.id, $1, o.path, o.district_code, o.park_code, $4 FROM org o WHERE "
                   SCOPE_COND("$2", "$3", "o.district_code", "o.park_code", "o.path", "NULL", "NULL")
                   " AND o.id NOT IN (SELECT s.org_id FROM dues_sheet s WHERE s.month = $1)",
                   e, "ttti", month, k, code, t);
    /* PostgreSQL plans the lines' insert from its statistics, which knew none of the month's sheets just
       written: without them it probed the registry row by row instead of hashing (ANALYZE runs inside the
       transaction and sees them; SQLite's plan does not depend on it) */
    if (!s && db_kind_of(c->d) == DB_PGSQL) s = db_exec(c->d, "ANALYZE dues_sheet", e);
    /* remade in place (the sheets made before): the unpaid lines of those no longer there go, the others follow
       the bases and reliefs; then the newcomers' lines (everyone's, the first time) */
#define DU_MONTH_SHEETS "sheet_id IN (SELECT s.id FROM dues_sheet s WHERE s.month = $1 AND " DU_SHEET_SCOPE("$3", "$4") ")"
    if (!s)
        s = db_run(c->d,
                   now ? "DELETE FROM dues_line WHERE month = $1 AND state <> 'paid' AND " DU_MONTH_SHEETS " AND NOT " DU_STILL_NOW
                       : "DELETE FROM dues_line WHERE month = $1 AND state <> 'paid' AND " DU_MONTH_SHEETS " AND NOT " DU_STILL_PAST,
                   e, "tttt", month, day, k, code);
#undef DU_MONTH_SHEETS
    if (!s)
        s = db_run(c->d,
                   "UPDATE dues_line SET " DU_LINE_SET "WHERE month = $1 AND state <> 'paid' AND sheet_id IN "
                   "(SELECT s.id FROM dues_sheet s WHERE s.month = $1 AND " DU_SHEET_SCOPE("$2", "$3") ")",
                   e, "ttt", month, k, code);
    /* the whole city has no sheet outside: only a smaller scope looks for its people's lines on the others */
    if (!s && strcmp(k, "city"))
        s = du_moved(c,
                     now ? "JOIN dues_sheet s ON s.id = l.sheet_id WHERE l.month = $1 AND l.state <> 'paid' AND NOT " DU_SHEET_SCOPE("$3", "$4")
                           " AND l.person_id IN (SELECT m.person_id " DU_ON_NOW DU_IN_SCOPE ")"
                         : "JOIN dues_sheet s ON s.id = l.sheet_id WHERE l.month = $1 AND l.state <> 'paid' AND NOT " DU_SHEET_SCOPE("$3", "$4")
                           " AND l.person_id IN (SELECT m.person_id " DU_ON_PAST DU_IN_SCOPE ")",
                     month, day, k, code, 0, e);
    if (!s && db_kind_of(c->d) == DB_PGSQL)
        s = db_run(c->d, now ? DU_LINES_PG(DU_ON_NOW DU_IN_SCOPE) : DU_LINES_PG(DU_ON_PAST_PG DU_IN_SCOPE), e, "tttt", month, day, k, code);
    else if (!s)
        s = db_run(c->d,
                   strcmp(k, "city") == 0 ? (now ? DU_LINES(DU_ON_NOW_ALL DU_IN_SCOPE) : DU_LINES(DU_ON_PAST_ALL DU_IN_SCOPE))
                                          : (now ? DU_LINES(DU_ON_NOW DU_IN_SCOPE) : DU_LINES(DU_ON_PAST DU_IN_SCOPE)),
                   e, "tttt", month, day, k, code);
    /* the sums: one aggregate of the lines by sheet, written to every sheet of the scope at once (a sheet
       with no line left gets zeros) — one new version of each sheet, where zeroing first and then adding
       wrote two (PostgreSQL: 195,000 sheets rewritten twice, 13 s of the act at 5,000,000 members) */
    if (!s)
        s = db_run(c->d,
                   "UPDATE dues_sheet SET members = z.n, due_fen = z.due, paid_fen = z.paid, paid_members = z.pm, nobase = z.nb, made_at = $4 "
                   "FROM (SELECT s.id, COALESCE(a.n, 0) AS n, COALESCE(a.due, 0) AS due, COALESCE(a.paid, 0) AS paid, "
                   "COALESCE(a.pm, 0) AS pm, COALESCE(a.nb, 0) AS nb FROM dues_sheet s LEFT JOIN "
                   "(SELECT l.sheet_id, COUNT(*) AS n, SUM(l.due_fen) AS due, SUM(CASE WHEN l.state = 'paid' THEN l.paid_fen ELSE 0 END) AS paid, "
                   "SUM(CASE WHEN l.state IN ('paid', 'waived') THEN 1 ELSE 0 END) AS pm, "
                   "SUM(CASE WHEN l.state = 'nobase' THEN 1 ELSE 0 END) AS nb "
                   "FROM dues_sheet t JOIN dues_line l ON l.sheet_id = t.id WHERE t.month = $1 AND " DU_SHEET_SCOPE_T("$2", "$3")
                   " GROUP BY l.sheet_id) a ON a.sheet_id = s.id "
                   "WHERE s.month = $1 AND " DU_SHEET_SCOPE("$2", "$3") ") z WHERE dues_sheet.id = z.id",
                   e, "ttti", month, k, code, t);
    /* the sheets made now with nobody on them (a made sheet stays, however empty it is now) */
    if (!s) s = db_run(c->d, "DELETE FROM dues_sheet WHERE month = $1 AND id > $2 AND members = 0", e, "ti", month, before);
    if (!s) s = db_query_int(c->d, sheets, "SELECT COUNT(*) FROM dues_sheet s WHERE s.month = $1 AND " DU_SHEET_SCOPE("$2", "$3"), e, "ttt", month, k, code);
    if (!s)
        s = db_query_int(c->d, lines, "SELECT COALESCE(SUM(s.members), 0) FROM dues_sheet s WHERE s.month = $1 AND " DU_SHEET_SCOPE("$2", "$3"), e,
                         "ttt", month, k, code);
    return s;
}

st dues_store_sheets_make(uc *c, const char *month, int64_t *sheets, int64_t *lines, err *e) {
    int64_t t1 = 0, t2 = 0;
    if (!sheets) sheets = &t1;
    if (!lines) lines = &t2;
    *sheets = *lines = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    s = du_sheets_in(c, month, sheets, lines, e);
    uc_act a = {"dues.sheets", arena_printf(c->mem, "dues_month:%s", month ? month : ""),
                s ? NULL : arena_printf(c->mem, "%lld 个党组织，%lld 人", (long long)*sheets, (long long)*lines)};
    return uc_end(c, s, &a, e);
}

st dues_store_sheet_get(uc *c, int64_t org_id, const char *month, json_t **out, err *e) {
    *out = NULL;
    st s = scope_check_id(c, "org", org_id, e);
    if (!s) s = du_month_check(month, "month", e);
    json_t *rows = NULL;
    if (!s)
        s = db_query_json(c->d, &rows,
                          "SELECT s.id, s.org_id, o.name AS org_name, s.month, s.members, s.due_fen, s.paid_fen, s.paid_members, s.nobase, "
                          "s.made_at FROM dues_sheet s JOIN org o ON o.id = s.org_id WHERE s.org_id = $1 AND s.month = $2",
                          e, "it", org_id, month);
    if (s) return s;
    json_t *sh = json_array_get(rows, 0);
    if (!sh) {
        json_decref(rows);
        return err_field(e, ST_NOT_FOUND, "month", "%s 的党费应交名单还没有生成。", month);
    }
    *out = json_incref(sh);
    json_decref(rows);
    json_t *items = NULL;
    s = db_query_json(c->d, &items,
                      "SELECT l.person_id, m.name, l.kind, l.due_fen, l.state, l.paid_fen, l.payment_id, p.receipt_no "
                      "FROM dues_line l JOIN member m ON m.person_id = l.person_id LEFT JOIN dues_payment p ON p.id = l.payment_id "
                      "WHERE l.sheet_id = $1 ORDER BY m.name_key, l.person_id",
                      e, "i", json_integer_value(json_object_get(*out, "id")));
    if (s) {
        json_decref(*out);
        *out = NULL;
        return s;
    }
    json_object_set_new(*out, "items", items);
    return ST_OK;
}

/* ---- payments ------------------------------------------------------------ */

/* The setting dues-central-min in fen. */
static st du_central_min(int64_t *fen, err *e) {
    const char *v = cfg_str("dues-central-min");
    if (!v) v = "1000";
    if (dues_amount_parse(v, strlen(v), fen, e))
        return err_field(e, ST_INVALID, "dues-central-min", "设置 dues-central-min 的值“%.32s”不是有效的金额（元），如 1000。", v);
    return ST_OK;
}

typedef struct du_pay_month {
    char month[8];
    int64_t fen;
} du_pay_month;

static st du_pay_in(uc *c, const dues_payment_new *x, int64_t *id, const char **receipt, err *e) {
    du_person p;
    st s = du_person_load(c, x->person_id, &p, e);
    if (s) return s;
    const dues_way *w = dues_way_find(x->way ? x->way : "treasurer", e);
    if (!w) return e->code ? e->code : ST_INVALID;
    if (du_self(c) && !w->online)
        return err_field(e, ST_FORBIDDEN, "way", "“%s”须由支部党费收缴员收款后登记：党员本人不能自行登记这种缴纳方式。", w->label);
    const char *first = x->first_month, *last = x->last_month ? x->last_month : x->first_month;
    if ((s = du_month_check(first, "first_month", e)) || (s = du_month_check(last, "last_month", e))) return s;
    if (strcmp(first, last) > 0) return err_field(e, ST_INVALID, "last_month", "截止月份 %s 早于起始月份 %s。", last, first);
    char tm[8], oldest[8], newest[8], joined[8];
    dues_store_this_month(tm);
    int back = (int)cfg_int("dues-back-max-months"), adv = (int)cfg_int("dues-advance-max-months");
    dues_month_add(tm, -back, oldest);
    dues_month_add(tm, adv, newest);
    if (strcmp(first, oldest) < 0)
        return err_field(e, ST_INVALID, "first_month", "起始月份 %s 超出补交期限：补交党费最多补交本月之前 %d 个月（%s 起）。", first, back, oldest);
    if (strcmp(last, tm) > 0) {
        if (!x->consent || !*x->consent)
            return err_field(e, ST_INVALID, "consent", "预交 %s 以后的党费须经支部同意：请填写支部同意的情况 consent。", tm);
        if (strcmp(last, newest) > 0)
            return err_field(e, ST_INVALID, "last_month", "截止月份 %s 超出预交期限：经支部同意最多预交本月之后 %d 个月（至 %s）。", last, adv, newest);
    }
    snprintf(joined, sizeof joined, "%.7s", p.joined_on ? p.joined_on : "");
    if (strcmp(first, joined) < 0)
        return err_field(e, ST_INVALID, "first_month", "起始月份 %s 早于%s入党的月份 %s：党费从入党（支部大会通过）的月份起交纳。", first, p.name, joined);
    if (x->voluntary_fen < 0 || x->voluntary_fen > DUES_FEN_MAX)
        return err_field(e, ST_INVALID, "voluntary_fen", "自愿多交的金额不能为负数。");
    if (x->proxy && (!x->proxy_name || !*x->proxy_name))
        return err_field(e, ST_INVALID, "proxy_name", "代交党费请填写代交人姓名 proxy_name。");
    char today[11];
    du_today(today);
    const char *paid_on = x->paid_on ? x->paid_on : today;
    if (!du_day_valid(paid_on)) return err_field(e, ST_INVALID, "paid_on", "缴纳日期“%.16s”无效：应写作 YYYY-MM-DD。", paid_on);
    if (strcmp(paid_on, today) > 0) return err_field(e, ST_INVALID, "paid_on", "缴纳日期 %s 晚于今天（%s）。", paid_on, today);
    /* the months: each one's due, none paid already */
    int n = dues_month_diff(first, last) + 1;
    du_pay_month *ms = arena_calloc(c->mem, (size_t)n, sizeof *ms);
    if (!ms) return du_nomem(e);
    int64_t dues = 0;
    json_t *lines = arena_json(c->mem, json_array());
    if (!lines) return du_nomem(e);
    json_t *dup = NULL;
    if ((s = db_query_json(c->d, &dup,
                           "SELECT d.month, y.receipt_no FROM dues_paid d JOIN dues_payment y ON y.id = d.payment_id "
                           "WHERE d.person_id = $1 AND d.month >= $2 AND d.month <= $3 ORDER BY d.month LIMIT 1",
                           e, "itt", p.id, first, last)))
        return s;
    arena_json(c->mem, dup);
    if (json_array_size(dup)) {
        json_t *d = json_array_get(dup, 0);
        return err_field(e, ST_CONFLICT, "first_month", "%s %s 的党费已经交过（收据 %s），同一个月不能重复缴纳。", p.name,
                         json_string_value(json_object_get(d, "month")), json_string_value(json_object_get(d, "receipt_no")));
    }
    for (int i = 0; i < n; i++) {
        dues_month_add(first, i, ms[i].month);
        du_due d;
        if ((s = du_due_of(c, p.id, ms[i].month, &d, e))) return s;
        if (!strcmp(d.state, "nobase"))
            return err_field(e, ST_INVALID, "first_month", "%s %s 还没有核定党费基数，无法计算应交金额：请先核定基数。", p.name, ms[i].month);
        if (!strcmp(d.state, "waived"))
            return err_field(e, ST_INVALID, "first_month", "%s %s 的党费已批准免交，无需缴纳：请把这个月排除在外。", p.name, ms[i].month);
        ms[i].fen = d.fen;
        dues += d.fen;
        json_array_append_new(lines, json_pack("{s:s,s:I}", "month", ms[i].month, "fen", (json_int_t)d.fen));
    }
    int64_t total = dues + x->voluntary_fen, cmin = 0;
    if ((s = du_central_min(&cmin, e))) return s;
    bool central = x->voluntary_fen > 0 && x->voluntary_fen >= cmin;
    if (x->received_fen >= 0 && x->received_fen != total) {
        char got[32], want[32], a[32], v[32];
        dues_fen_format(x->received_fen, got);
        dues_fen_format(total, want);
        dues_fen_format(dues, a);
        dues_fen_format(x->voluntary_fen, v);
        return err_field(e, ST_INVALID, "received_fen", "实收 %s 元与应收 %s 元（党费 %s 元 + 自愿多交 %s 元）不符，请核对。", got, want, a, v);
    }
    if (w->confirm && (s = w->confirm(x->way_ref, total, e))) return s;
    const char *kind = strcmp(last, tm) > 0 ? "advance" : strcmp(first, tm) < 0 ? "back" : "monthly";
    /* the receipt: the city's counter of this year, taken inside the transaction */
    int year = atoi(today);
    int64_t seq = 0;
    if ((s = db_query_int(c->d, &seq,
                          "INSERT INTO dues_receipt_seq(year, last) VALUES ($1, 1) ON CONFLICT (year) DO UPDATE SET last = dues_receipt_seq.last + 1 "
                          "RETURNING last",
                          e, "i", (int64_t)year)))
        return s;
    const char *no = arena_printf(c->mem, "%04d-%06lld", year, (long long)seq);
    char *ltext = json_dumps(lines, JSON_COMPACT);
    if (!ltext) return du_nomem(e);
    arena_own(c->mem, ltext);
    s = db_query_int(c->d, id,
                     "INSERT INTO dues_payment(receipt_no, person_id, org_id, org_path, district_code, park_code, first_month, last_month, months, "
                     "lines, dues_fen, voluntary_fen, central, kind, consent, way, way_ref, payer, proxy_name, paid_on, recorded_by, created_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING id",
                     e, "tiitttttitiiitttttttti", no, p.id, p.org_id, p.org_path, p.district, p.park, first, last, (int64_t)n, ltext, dues,
                     x->voluntary_fen, (int64_t)(central ? 1 : 0), kind, x->consent && *x->consent ? x->consent : NULL, w->name,
                     x->way_ref && *x->way_ref ? x->way_ref : NULL, x->proxy ? "proxy" : "self", x->proxy ? x->proxy_name : NULL, paid_on,
                     c->who.username ? c->who.username : "", clock_now());
    /* each month settled once (dues_paid's key); then the lines of those months paid, and their sheets' sums */
    for (int i = 0; i < n && !s; i++)
        s = db_run(c->d, "INSERT INTO dues_paid(person_id, month, payment_id, fen) VALUES ($1, $2, $3, $4)", e, "itii", p.id, ms[i].month, *id,
                   ms[i].fen);
#define DU_PAID_MONTHS "(month, person_id) IN (SELECT d.month, d.person_id FROM dues_paid d WHERE d.person_id = $1 AND d.payment_id = $2)"
    if (!s)
        s = db_run(c->d,
                   "UPDATE dues_line SET state = 'paid', paid_fen = (SELECT d.fen FROM dues_paid d WHERE d.person_id = dues_line.person_id "
                   "AND d.month = dues_line.month), payment_id = $2 WHERE " DU_PAID_MONTHS " AND state <> 'paid'",
                   e, "ii", p.id, *id);
    if (!s)
        s = db_run(c->d, DU_SUMS_SET "WHERE id IN (SELECT sheet_id FROM dues_line WHERE " DU_PAID_MONTHS ")", e, "ii", p.id, *id);
#undef DU_PAID_MONTHS
    if (!s) {
        member_activity act = {p.id, p.org_id, "dues.paid", paid_on, arena_printf(c->mem, "dues_payment:%lld", (long long)*id), (double)n};
        s = member_store_activity(c, &act, e);
    }
    if (!s && receipt) *receipt = no;
    return s;
}

st dues_store_pay(uc *c, const dues_payment_new *p, int64_t *id, const char **receipt_no, err *e) {
    int64_t tmp = 0;
    if (!id) id = &tmp;
    *id = 0;
    if (receipt_no) *receipt_no = NULL;
    const char *no = NULL;
    st s = uc_begin(c, e);
    if (s) return s;
    s = du_pay_in(c, p, id, &no, e);
    const char *detail = NULL;
    if (!s) detail = arena_printf(c->mem, "收据 %s：%s 至 %s", no, p->first_month, p->last_month ? p->last_month : p->first_month);
    uc_act a = {"dues.pay", uc_obj(c, "dues_payment", *id), detail};
    s = uc_end(c, s, &a, e);
    if (!s && receipt_no) *receipt_no = no;
    return s;
}

static st du_void_in(uc *c, int64_t id, const char *reason, err *e) {
    st s = du_staff(c, "作废党费收据", e);
    if (!s) s = scope_check_id(c, "dues_payment", id, e);
    if (s) return s;
    json_t *rows = NULL;
    if ((s = db_query_json(c->d, &rows,
                           "SELECT person_id, org_id, first_month, last_month, months, receipt_no, voided_at FROM dues_payment WHERE id = $1", e,
                           "i", id)))
        return s;
    arena_json(c->mem, rows);
    json_t *r = json_array_get(rows, 0);
    if (!r) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的党费缴纳记录。", (long long)id);
    if (json_is_integer(json_object_get(r, "voided_at")))
        return err_set(e, ST_CONFLICT, "收据 %s 已经作废。", json_string_value(json_object_get(r, "receipt_no")));
    if (!reason || !*reason) return err_field(e, ST_INVALID, "reason", "请填写作废原因 reason。");
    int64_t person = json_integer_value(json_object_get(r, "person_id"));
    const char *first = json_string_value(json_object_get(r, "first_month")), *last = json_string_value(json_object_get(r, "last_month"));
    char today[11];
    du_today(today);
    s = db_run(c->d, "UPDATE dues_payment SET voided_at = $2, void_reason = $3, voided_by = $4 WHERE id = $1", e, "iitt", id, clock_now(), reason,
               c->who.username ? c->who.username : "");
    if (!s) s = db_run(c->d, "DELETE FROM dues_paid WHERE payment_id = $1", e, "i", id);
    /* its lines owed again: unpaid, then brought up to date (and their sheets' sums) */
    for (int i = 0, n = dues_month_diff(first, last) + 1; i < n && !s; i++) {
        char m[8];
        dues_month_add(first, i, m);
        s = db_run(c->d, "UPDATE dues_line SET state = 'owed', paid_fen = 0, payment_id = NULL WHERE month = $2 AND person_id = $1 AND payment_id = $3",
                   e, "iti", person, m, id);
    }
    if (!s) s = du_person_refresh(c, person, first, last, e);
    if (!s) {
        member_activity act = {person, json_integer_value(json_object_get(r, "org_id")), "dues.voided", today,
                               arena_printf(c->mem, "dues_payment:%lld", (long long)id), -(double)json_integer_value(json_object_get(r, "months"))};
        s = member_store_activity(c, &act, e);
    }
    return s;
}

st dues_store_void(uc *c, int64_t id, const char *reason, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    s = du_void_in(c, id, reason, e);
    uc_act a = {"dues.void", uc_obj(c, "dues_payment", id), reason};
    return uc_end(c, s, &a, e);
}

#define DU_PAY_COLS                                                                                                      \
    "y.id, y.receipt_no, y.person_id, m.name, y.org_id, o.name AS org_name, y.first_month, y.last_month, y.months, y.dues_fen, " \
    "y.voluntary_fen, y.central, y.kind, y.way, y.payer, y.proxy_name, y.paid_on, y.recorded_by, y.voided_at, y.void_reason"
#define DU_PAY_FROM "FROM dues_payment y JOIN member m ON m.person_id = y.person_id JOIN org o ON o.id = y.org_id "

static void du_way_label(json_t *r) {
    const char *w = json_string_value(json_object_get(r, "way"));
    err e;
    const dues_way *dw = dues_way_find(w, &e);
    json_object_set_new(r, "way_label", json_string(dw ? dw->label : w ? w : ""));
}

st dues_store_payment_get(uc *c, int64_t id, json_t **out, err *e) {
    *out = NULL;
    st s = scope_check_id(c, "dues_payment", id, e);
    json_t *rows = NULL;
    if (!s) s = db_query_json(c->d, &rows, "SELECT " DU_PAY_COLS ", y.lines " DU_PAY_FROM "WHERE y.id = $1", e, "i", id);
    if (s) return s;
    json_t *r = json_array_get(rows, 0);
    if (!r) {
        json_decref(rows);
        return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的党费缴纳记录。", (long long)id);
    }
    *out = json_incref(r);
    json_decref(rows);
    json_error_t je;
    json_t *lines = json_loads(json_string_value(json_object_get(*out, "lines")), 0, &je);
    json_object_set_new(*out, "lines", lines ? lines : json_array());
    du_way_label(*out);
    return ST_OK;
}

#define DU_PAY_WHERE                                                                                                     \
    "WHERE " SCOPE_COND("$1", "$2", "y.district_code", "y.park_code", "y.org_path", "NULL", "pe.user_id")                \
    " AND (CAST($3 AS BIGINT) = 0 OR y.org_path LIKE '%/' || CAST($3 AS TEXT) || '/%') "                              \
    "AND (CAST($4 AS BIGINT) = 0 OR y.person_id = $4) AND (CAST($5 AS TEXT) IS NULL OR y.paid_on >= $5) "               \
    "AND (CAST($6 AS TEXT) IS NULL OR y.paid_on <= $6) AND (CAST($7 AS BIGINT) < 0 OR y.central = $7) "                 \
    "AND (CAST($8 AS BIGINT) = 1 OR y.voided_at IS NULL)"

st dues_store_payments(uc *c, const dues_payment_filter *f, const uc_page *p, json_t **items, int64_t *total, err *e) {
    *items = NULL;
    const char *k, *code;
    scope_bind(c, &k, &code);
    const char *from = f->from_day && *f->from_day ? f->from_day : NULL, *to = f->to_day && *f->to_day ? f->to_day : NULL;
    st s = db_query_int(c->d, total,
                        "SELECT COUNT(*) FROM dues_payment y JOIN person pe ON pe.id = y.person_id " DU_PAY_WHERE, e, "ttiittii", k, code,
                        f->org_id, f->person_id, from, to, (int64_t)f->central, (int64_t)(f->voided ? 1 : 0));
    if (s) return s;
    const char *sql = arena_printf(c->mem,
                                   "SELECT * FROM (SELECT " DU_PAY_COLS " " DU_PAY_FROM "JOIN person pe ON pe.id = y.person_id %s) q "
                                   "ORDER BY %s LIMIT $9 OFFSET $10",
                                   DU_PAY_WHERE, p && p->order ? p->order : "q.paid_on DESC, q.id DESC");
    if (!sql) return du_nomem(e);
    s = db_query_json(c->d, items, sql, e, "ttiittiiii", k, code, f->org_id, f->person_id, from, to, (int64_t)f->central,
                      (int64_t)(f->voided ? 1 : 0), p ? p->limit : 50, p ? p->offset : 0);
    if (!s) {
        size_t i;
        json_t *r;
        json_array_foreach(*items, i, r) du_way_label(r);
    }
    return s;
}

/* ---- a member's standing ------------------------------------------------- */

/* The months first..last (no later than this month, none before the vote)
 * that person owes: a month paid is not owed, nor one waived or without a
 * base. */
static st du_owing_in(uc *c, const du_person *p, const char *first, const char *last, dues_owing *o, json_t *list, err *e) {
    memset(o, 0, sizeof *o);
    char tm[8], from[8], to[8];
    dues_store_this_month(tm);
    snprintf(from, sizeof from, "%.7s", p->joined_on ? p->joined_on : "");
    if (strcmp(first, from) > 0) snprintf(from, sizeof from, "%s", first);
    snprintf(to, sizeof to, "%s", strcmp(last, tm) < 0 ? last : tm);
    /* nothing is owed before the first base or relief */
    char *since = NULL;
    st s0 = db_query_text(c->d, &since,
                          "SELECT MIN(m) FROM (SELECT MIN(from_month) AS m FROM dues_base WHERE person_id = $1 UNION ALL "
                          "SELECT MIN(from_month) FROM dues_relief WHERE person_id = $1 AND revoked_at IS NULL AND amount_fen > 0) x",
                          e, "i", p->id);
    if (s0 && s0 != ST_NOT_FOUND) return s0;
    err_clear(e);
    if (!since) return ST_OK;   /* neither: nothing owed */
    if (strcmp(since, from) > 0) snprintf(from, sizeof from, "%.7s", since);
    free(since);
    if (strcmp(from, to) > 0) return ST_OK;
    int n = dues_month_diff(from, to) + 1;
    if (n > 1200) return err_field(e, ST_INVALID, "first", "月份范围过大（%d 个月）。", n);
    for (int i = 0; i < n; i++) {
        char m[8];
        dues_month_add(from, i, m);
        int64_t paid = 0;
        st s = db_query_int(c->d, &paid, "SELECT COUNT(*) FROM dues_paid WHERE person_id = $1 AND month = $2", e, "it", p->id, m);
        if (s) return s;
        if (paid) continue;
        du_due d;
        if ((s = du_due_of(c, p->id, m, &d, e))) return s;
        if (strcmp(d.state, "owed") || d.fen <= 0) continue;
        if (!o->months) snprintf(o->first_owed, sizeof o->first_owed, "%s", m);
        snprintf(o->last_owed, sizeof o->last_owed, "%s", m);
        o->months++;
        o->fen += d.fen;
        if (list) json_array_append_new(list, json_pack("{s:s,s:I}", "month", m, "due_fen", (json_int_t)d.fen));
    }
    return ST_OK;
}

st dues_store_owing(uc *c, int64_t person_id, const char *first, const char *last, dues_owing *out, err *e) {
    memset(out, 0, sizeof *out);
    du_person p;
    st s = du_person_load(c, person_id, &p, e);
    if (!s) s = du_month_check(first, "first", e);
    if (!s) s = du_month_check(last, "last", e);
    if (s) return s;
    return du_owing_in(c, &p, first, last, out, NULL, e);
}

st dues_store_mine(uc *c, json_t **out, err *e) {
    *out = NULL;
    int64_t person = 0;
    st s = c->who.user_id ? member_store_person_of_user(c, c->who.user_id, &person, e)
                          : err_set(e, ST_NOT_FOUND, "您的账号还没有关联党员名册中的记录：请联系所在支部书记登记或关联。");
    du_person p;
    if (!s) s = du_person_load(c, person, &p, e);
    if (s) return s;
    char tm[8], first[8];
    dues_store_this_month(tm);
    dues_month_add(tm, -(int)cfg_int("dues-back-max-months") - 114, first);   /* ten years back: what a member may still be asked */
    json_t *base = NULL, *owed = arena_json(c->mem, json_array()), *pays = NULL;
    if (!owed) return du_nomem(e);
    if ((s = db_query_json(c->d, &base,
                           "SELECT b.kind, b.amount_fen, b.rule, b.from_month FROM dues_base b WHERE b.person_id = $1 AND b.from_month <= $2 "
                           "ORDER BY b.from_month DESC LIMIT 1",
                           e, "it", person, tm)))
        return s;
    arena_json(c->mem, base);
    dues_owing o;
    if ((s = du_owing_in(c, &p, first, tm, &o, owed, e))) return s;
    if ((s = db_query_json(c->d, &pays,
                           "SELECT y.id, y.receipt_no, y.first_month, y.last_month, y.months, y.dues_fen, y.voluntary_fen, y.central, y.kind, "
                           "y.way, y.payer, y.paid_on, y.voided_at FROM dues_payment y WHERE y.person_id = $1 ORDER BY y.paid_on DESC, y.id DESC",
                           e, "i", person)))
        return s;
    size_t i;
    json_t *r;
    json_array_foreach(pays, i, r) du_way_label(r);
    json_t *b = json_array_get(base, 0);
    if (b) {
        int k = dues_kind_parse(json_string_value(json_object_get(b, "kind")));
        json_object_set_new(b, "kind_name", json_string(k >= 0 ? dues_kind_name((dues_kind)k) : ""));
    }
    *out = json_pack("{s:I,s:s,s:O?,s:O,s:I,s:o}", "person_id", (json_int_t)person, "this_month", tm, "base", b, "owed", owed, "owed_fen",
                     (json_int_t)o.fen, "payments", pays);
    if (*out && !b) json_object_set_new(*out, "base", json_null());
    return *out ? ST_OK : du_nomem(e);
}

/* ---- scope ---------------------------------------------------------------- */

const scope_resolver dues_scope_resolvers[] = {
    /* A payment counts where it was recorded; the member's own account owns it. */
    {"dues_payment", true, false,
     "SELECT y.district_code, y.park_code, y.org_path, NULL, p.user_id FROM dues_payment y JOIN person p ON p.id = y.person_id "
     "WHERE y.id = CAST($1 AS BIGINT)",
     0, false, false, NULL, "党费缴纳记录"},
    /* A relief sits where its member is. */
    {"dues_relief", true, false,
     "SELECT m.district_code, m.park_code, m.org_path, NULL, p.user_id FROM dues_relief r JOIN member m ON m.person_id = r.person_id "
     "JOIN person p ON p.id = r.person_id WHERE r.id = CAST($1 AS BIGINT)",
     0, false, false, NULL, "党费减免"},
    /* A sheet sits where its organization is. */
    {"dues_sheet", true, false, "SELECT district_code, park_code, org_path, NULL, NULL FROM dues_sheet WHERE id = CAST($1 AS BIGINT)", 0,
     false, false, NULL, "党费应交名单"},
    {NULL, false, false, NULL, 0, false, false, NULL, NULL},
};
