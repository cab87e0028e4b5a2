/* transfer_store — organization-relation transfers in the database (see
 * transfer_store.h).  All of the transfer module's SQL is here; the registry
 * is changed through member_store (member_store_change, member_store_register)
 * as a part of the transfer's own act, so each step leaves one audit row. */
#include "transfer/transfer_store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "base/clock.h"
#include "base/crypt.h"
#include "base/ids.h"
#include "core/config.h"
#include "core/day.h"
#include "core/utf8.h"
#include "dues/dues.h"
#include "dues/dues_store.h"
#include "flow/flow_store.h"
#include "member/member_store.h"
#include "db/db_like.h"

static const char *tr_col(uc *c, db_stmt *q, int i) { return db_col_null(q, i) ? NULL : arena_strdup(c->mem, db_col_text(q, i)); }

static void tr_today(char out[11]) { clock_day(clock_now(), out); }

static const char *tr_actor(const uc *c) { return c->who.username ? c->who.username : "system"; }

/* A text field: trimmed length in characters between min and max (NULL allowed when min is 0). */
static st tr_text(const char *v, const char *field, const char *what, size_t min, size_t max, err *e) {
    size_t n = v ? utf8_count(v, strlen(v)) : 0;
    if (n < min) return err_field(e, ST_INVALID, field, "请填写%s（至少 %zu 个字）。", what, min);
    if (n > max) return err_field(e, ST_INVALID, field, "%s过长（最多 %zu 个字）。", what, max);
    return ST_OK;
}

/* The day of a step: given or today; a real day, not after today, not before since. */
static st tr_day(const char *given, const char *since, char out[11], err *e) {
    char today[11];
    tr_today(today);
    if (!given || !*given) {
        memcpy(out, today, 11);
    } else if (!member_day_parse(given, out)) {
        return err_field(e, ST_INVALID, "day", "日期“%s”无效，应为 YYYY-MM-DD。", given);
    }
    if (strcmp(out, today) > 0) return err_field(e, ST_INVALID, "day", "日期 %s 晚于今天，请核对。", out);
    if (since && strcmp(out, since) < 0) return err_field(e, ST_INVALID, "day", "日期 %s 早于上一步骤的日期 %s，请按时间顺序办理。", out, since);
    return ST_OK;
}

/* ---- organizations ---- */

typedef struct tr_org {
    int64_t id;
    const char *name, *path, *district, *park;
} tr_org;

static st tr_org_load(uc *c, int64_t id, const char *day, const char *field, tr_org *o, err *e) {
    memset(o, 0, sizeof *o);
    db_stmt *q;
    st s = db_prepare(c->d, "SELECT name, path, district_code, park_code, dissolved_on FROM org WHERE id = $1", &q, e);
    if (s) return s;
    db_bind_int(q, 1, id);
    int r = db_step(q, e);
    const char *dissolved = NULL;
    if (r == DB_ROW) {
        o->id = id;
        o->name = tr_col(c, q, 0);
        o->path = tr_col(c, q, 1);
        o->district = tr_col(c, q, 2);
        o->park = tr_col(c, q, 3);
        dissolved = tr_col(c, q, 4);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_field(e, ST_INVALID, field, "没有编号为 %lld 的党组织。", (long long)id);
    if (dissolved && strcmp(dissolved, day) <= 0)
        return err_field(e, ST_INVALID, field, "“%s”已于 %s 撤销，不能办理组织关系转接。", o->name, dissolved);
    return ST_OK;
}

/* ---- the transfer's row ---- */

typedef struct tr_row {
    int64_t id, person_id, from_org_id, to_org_id, owner;
    const char *kind, *state, *name, *from_name, *to_name, *from_path, *to_path, *from_district, *to_district, *from_park, *to_park;
    const char *requested_on, *approved_on, *letter_no;
} tr_row;

static st tr_load(uc *c, int64_t id, tr_row *t, err *e) {
    memset(t, 0, sizeof *t);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT t.kind, t.state, t.person_id, t.name, t.from_org_id, t.from_name, t.from_path, t.from_district, "
                      "t.from_park, t.to_org_id, t.to_name, t.to_path, t.to_district, t.to_park, t.requested_on, t.approved_on, "
                      "t.letter_no, p.user_id FROM transfer t JOIN person p ON p.id = t.person_id WHERE t.id = $1",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, id);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        t->id = id;
        t->kind = tr_col(c, q, 0);
        t->state = tr_col(c, q, 1);
        t->person_id = db_col_int(q, 2);
        t->name = tr_col(c, q, 3);
        t->from_org_id = db_col_null(q, 4) ? 0 : db_col_int(q, 4);
        t->from_name = tr_col(c, q, 5);
        t->from_path = tr_col(c, q, 6);
        t->from_district = tr_col(c, q, 7);
        t->from_park = tr_col(c, q, 8);
        t->to_org_id = db_col_null(q, 9) ? 0 : db_col_int(q, 9);
        t->to_name = tr_col(c, q, 10);
        t->to_path = tr_col(c, q, 11);
        t->to_district = tr_col(c, q, 12);
        t->to_park = tr_col(c, q, 13);
        t->requested_on = tr_col(c, q, 14);
        t->approved_on = tr_col(c, q, 15);
        t->letter_no = tr_col(c, q, 16);
        t->owner = db_col_null(q, 17) ? 0 : db_col_int(q, 17);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    return r == DB_ROW ? ST_OK : err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的组织关系转接。", (long long)id);
}

static st tr_step_add(uc *c, int64_t id, const char *action, const char *day, const char *side, const char *note, err *e) {
    return db_run(c->d,
                  "INSERT INTO transfer_step(transfer_id, action, day, side, actor, actor_id, note, at) "
                  "VALUES ($1, $2, $3, $4, $5, NULLIF($6, 0), $7, $8)",
                  e, "ittttiti", id, action, day, side, tr_actor(c), c->who.user_id,
                  note && *note ? note : NULL, clock_now());
}

/* The person's membership now: organization, name, category, state. */
typedef struct tr_member {
    int64_t org_id;
    const char *name, *category, *state;
} tr_member;

static st tr_member_load(uc *c, int64_t person, tr_member *m, err *e) {
    memset(m, 0, sizeof *m);
    db_stmt *q;
    st s = db_prepare(c->d, "SELECT org_id, name, category, state FROM member WHERE person_id = $1", &q, e);
    if (s) return s;
    db_bind_int(q, 1, person);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        m->org_id = db_col_int(q, 0);
        m->name = tr_col(c, q, 1);
        m->category = tr_col(c, q, 2);
        m->state = tr_col(c, q, 3);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    return r == DB_ROW ? ST_OK : err_field(e, ST_NOT_FOUND, "person_id", "没有编号为 %lld 的党员。", (long long)person);
}

/* ---- dues ---- */

st transfer_dues_check(uc *c, int64_t person_id, const char *month, const char **owed, const char **paid_through, err *e) {
    *owed = NULL;
    *paid_through = NULL;
    /* every month from ten years back (the dues store starts at the month the member joined)
       to the month of leaving, as the member's own page asks */
    char first[8];
    dues_month_add(month, -(int)cfg_int("dues-back-max-months") - 114, first);
    dues_owing o;
    st s = dues_store_owing(c, person_id, first, month, &o, e);
    if (s) return s;
    if (o.months) {
        char yuan[32];
        dues_fen_format(o.fen, yuan);
        *owed = o.months == 1 ? arena_printf(c->mem, "%s（%s 元）", o.first_owed, yuan)
                              : arena_printf(c->mem, "%s 至 %s 间的 %d 个月（共 %s 元）", o.first_owed, o.last_owed, o.months, yuan);
    }
    /* the last month paid, for the letter (none recorded: left blank to be written by hand) */
    char *last = NULL;
    s = db_query_text(c->d, &last, "SELECT MAX(month) FROM dues_paid WHERE person_id = $1 AND month <= $2", e, "it", person_id, month);
    if (s == ST_NOT_FOUND) s = ST_OK;
    if (!s && last && *last) *paid_through = arena_strdup(c->mem, last);
    free(last);
    return s;
}

/* ---- start ---- */

static st tr_request_work(uc *c, const transfer_new *n, bool by_member, int64_t *id, const char **detail, err *e) {
    const char *kind = n->kind && *n->kind ? n->kind : "internal";
    if (!transfer_kind_ok(kind) || !strcmp(kind, "in"))
        return err_field(e, ST_INVALID, "kind", "转接类别 kind 应为 internal（系统内）或 out（转出系统，开具介绍信）。");
    int64_t person = n->person_id;
    st s;
    if (by_member && (s = member_store_person_of_user(c, c->who.user_id, &person, e))) return s;
    if (person <= 0) return err_field(e, ST_INVALID, "person_id", "请选择要转接组织关系的党员。");
    tr_member m;
    if ((s = tr_member_load(c, person, &m, e))) return s;
    if (!member_state_counts(m.state))
        return err_field(e, ST_INVALID, "person_id", "%s的党籍状态为“%s”，不能办理组织关系转接。", m.name, m.state);
    int64_t open = 0;
    if ((s = db_query_int(c->d, &open,
                          "SELECT COUNT(*) FROM transfer WHERE person_id = $1 AND state IN ('requested', 'sent', 'returned', 'letter')", e,
                          "i", person)))
        return s;
    if (open) {
        s = err_field(e, ST_CONFLICT, "person_id", "%s已有一件尚未办结的组织关系转接，请先办结或撤销。", m.name);
        snprintf(e->api_code, sizeof e->api_code, "open_transfer");
        return s;
    }
    char day[11];
    if ((s = tr_day(n->day, NULL, day, e))) return s;
    tr_org from, to;
    memset(&to, 0, sizeof to);
    if ((s = tr_org_load(c, m.org_id, day, "person_id", &from, e))) return s;
    const char *to_name = NULL;
    if (!strcmp(kind, "internal")) {
        if (n->to_org_id <= 0) return err_field(e, ST_INVALID, "to_org_id", "请选择接收的党组织。");
        if (n->to_org_id == m.org_id) return err_field(e, ST_INVALID, "to_org_id", "接收党组织就是%s现在所在的党组织，无需转接。", m.name);
        if ((s = tr_org_load(c, n->to_org_id, day, "to_org_id", &to, e))) return s;
        to_name = to.name;
    } else {
        if ((s = tr_text(n->to_name, "to_name", "接收党组织的全称", 2, 100, e))) return s;
        to_name = n->to_name;
    }
    if ((s = tr_text(n->reason, "reason", "转接原因", 0, 200, e))) return s;
    s = db_query_int(c->d, id,
                     "INSERT INTO transfer(kind, state, person_id, name, category, from_org_id, from_path, from_district, from_park, "
                     "from_name, to_org_id, to_path, to_district, to_park, to_name, reason, by_member, requested_on, requested_by, "
                     "created_at, updated_at) VALUES ($1, 'requested', $2, $3, $4, $5, $6, $7, $8, $9, NULLIF($10, 0), $11, $12, $13, "
                     "$14, $15, $16, $17, $18, $19, $19) RETURNING id",
                     e, "tittitttti" "tttttitti", kind, person, m.name, m.category, from.id, from.path, from.district, from.park,
                     from.name, to.id, to.path, to.district, to.park, to_name, n->reason && *n->reason ? n->reason : NULL,
                     (int64_t)(by_member ? 1 : 0), day, tr_actor(c), clock_now());
    if (!s) s = tr_step_add(c, *id, "request", day, by_member ? TRANSFER_MEMBER : TRANSFER_SENDER, n->reason, e);
    *detail = arena_printf(c->mem, "%s：%s → %s", m.name, from.name, to_name);
    return s;
}

st transfer_store_request(uc *c, const transfer_new *n, bool by_member, int64_t *id, err *e) {
    *id = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    const char *detail = NULL;
    s = tr_request_work(c, n, by_member, id, &detail, e);
    uc_act a = {"transfer.request", uc_obj(c, "transfer", *id), detail, NULL};
    return uc_end(c, s, &a, e);
}

/* ---- the steps ---- */

/* The city's next letter number of year (one counter a year). */
static st tr_letter_seq(uc *c, int year, int64_t *seq, err *e) {
    int64_t n = 0;
    st s = db_query_int(c->d, &n, "SELECT COUNT(*) FROM transfer_counter WHERE year = $1", e, "i", (int64_t)year);
    if (!s && !n) s = db_run(c->d, "INSERT INTO transfer_counter(year, last_seq) VALUES ($1, 0)", e, "i", (int64_t)year);
    if (!s) s = db_run(c->d, "UPDATE transfer_counter SET last_seq = last_seq + 1 WHERE year = $1", e, "i", (int64_t)year);
    if (!s) s = db_query_int(c->d, seq, "SELECT last_seq FROM transfer_counter WHERE year = $1", e, "i", (int64_t)year);
    return s;
}

static st tr_approve(uc *c, const tr_row *t, const char *next, const char *day, const transfer_act *a, const char **detail, err *e) {
    tr_member m;
    st s = tr_member_load(c, t->person_id, &m, e);
    if (s) return s;
    if (m.org_id != t->from_org_id)
        return err_set(e, ST_CONFLICT, "%s已不在“%s”，不能同意转出：请撤销这件转接。", t->name, t->from_name);
    char month[8];
    transfer_month(day, month);
    const char *owed = NULL, *paid = NULL;
    if ((s = transfer_dues_check(c, t->person_id, month, &owed, &paid, e))) return s;
    const char *override = a->override_reason && *a->override_reason ? a->override_reason : NULL;
    if (owed && !override) {
        s = err_field(e, ST_CONFLICT, "override_reason", "%s的党费未缴到转出当月（%s）：尚欠 %s 的党费。请先补缴，或填写理由后仍然同意转出。", t->name,
                      month, owed);
        snprintf(e->api_code, sizeof e->api_code, "dues_unpaid");
        return s;
    }
    if (override && (s = tr_text(override, "override_reason", "未缴清党费仍同意转出的理由", 2, 200, e))) return s;
    if (!owed) override = NULL;
    char no[128] = "", until[11] = "";
    int64_t seq = 0;
    int year = atoi(day);
    if (!strcmp(next, "letter")) {
        if ((s = tr_letter_seq(c, year, &seq, e))) return s;
        transfer_letter_number(cfg_str("transfer-letter-prefix"), year, (int)seq, no, sizeof no);
        transfer_valid_until(day, (int)cfg_int("transfer-letter-valid-days"), until);
    }
    if (no[0])
        s = db_run(c->d,
                   "UPDATE transfer SET state = $1, approved_on = $2, approved_by = $3, dues_owed = $4, dues_override = $5, "
                   "letter_no = $6, letter_year = $7, letter_seq = $8, letter_on = $2, valid_until = $9, updated_at = $10 WHERE id = $11",
                   e, "ttttttiitii", next, day, tr_actor(c), owed, override, no, (int64_t)year, seq, until, clock_now(), t->id);
    else
        s = db_run(c->d,
                   "UPDATE transfer SET state = $1, approved_on = $2, approved_by = $3, dues_owed = $4, dues_override = $5, "
                   "updated_at = $6 WHERE id = $7",
                   e, "tttttii", next, day, tr_actor(c), owed, override, clock_now(), t->id);
    *detail = no[0] ? arena_printf(c->mem, "%s：开具介绍信 %s，转往 %s", t->name, no, t->to_name)
                    : arena_printf(c->mem, "%s：同意转往 %s%s", t->name, t->to_name, owed ? "（党费未缴清，已说明理由）" : "");
    return s;
}

static st tr_act_work(uc *c, int64_t id, const char *action, const char *side, const transfer_act *a, const char **detail, err *e) {
    tr_row t;
    st s = tr_load(c, id, &t, e);
    if (s) return s;
    if (!strcmp(side, TRANSFER_MEMBER) && (!t.owner || t.owner != c->who.user_id))
        return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的组织关系转接。", (long long)id);
    const char *next = transfer_next(t.kind, t.state, action, side);
    if (!next) {
        char why[256];
        transfer_refusal(t.state, action, why, sizeof why);
        s = err_set(e, ST_CONFLICT, "%s", why);
        snprintf(e->api_code, sizeof e->api_code, "state");
        return s;
    }
    char day[11];
    const char *since = t.approved_on && strcmp(t.approved_on, t.requested_on) > 0 ? t.approved_on : t.requested_on;
    if ((s = tr_day(a->day, since, day, e))) return s;
    bool reason_needed = !strcmp(action, "refuse") || !strcmp(action, "return") || !strcmp(action, "cancel");
    if ((s = tr_text(a->note, "note", reason_needed ? "理由" : "备注", reason_needed ? 2 : 0, 200, e))) return s;
    const char *note = a->note && *a->note ? a->note : NULL;
    int64_t now = clock_now();
    *detail = arena_printf(c->mem, "%s：%s", t.name, transfer_action_label(action));
    uc part = uc_part(c);
    if (!strcmp(action, "approve")) {
        s = tr_approve(c, &t, next, day, a, detail, e);
    } else if (!strcmp(action, "refuse") || !strcmp(action, "cancel")) {
        s = db_run(c->d, "UPDATE transfer SET state = $1, closed_on = $2, note = $3, updated_at = $4 WHERE id = $5", e, "tttii", next, day,
                   note, now, id);
    } else if (!strcmp(action, "return")) {
        s = db_run(c->d, "UPDATE transfer SET state = $1, note = $2, updated_at = $3 WHERE id = $4", e, "ttii", next, note, now, id);
    } else if (!strcmp(action, "resubmit")) {
        if (a->to_org_id > 0 && a->to_org_id != t.to_org_id) {
            tr_org to;
            if (a->to_org_id == t.from_org_id) return err_field(e, ST_INVALID, "to_org_id", "接收党组织不能是转出党组织。");
            if ((s = tr_org_load(c, a->to_org_id, day, "to_org_id", &to, e))) return s;
            s = db_run(c->d,
                       "UPDATE transfer SET to_org_id = $1, to_path = $2, to_district = $3, to_park = $4, to_name = $5 WHERE id = $6", e,
                       "itttti", to.id, to.path, to.district, to.park, to.name, id);
            if (!s) *detail = arena_printf(c->mem, "%s：改为转往 %s，重新发送", t.name, to.name);
        }
        if (!s) s = db_run(c->d, "UPDATE transfer SET state = $1, note = $2, updated_at = $3 WHERE id = $4", e, "ttii", next, note, now, id);
    } else if (!strcmp(action, "accept")) {
        tr_member m;
        if ((s = tr_member_load(c, t.person_id, &m, e))) return s;
        if (m.org_id != t.from_org_id)
            return err_set(e, ST_CONFLICT, "%s已不在“%s”，不能接收：请与转出党组织联系。", t.name, t.from_name);
        member_change x = {.day = day, .org_id = t.to_org_id,
                           .note = arena_printf(c->mem, "组织关系转接：由“%s”转入“%s”", t.from_name, t.to_name)};
        /* a 流动党员 whose membership moves: the flow ends, the new organization manages them */
        bool flowed = false;
        s = flow_store_close_on_move(c, t.person_id, day, x.note, &flowed, e);
        if (!s && flowed && !strcmp(m.state, "流动")) x.state = "正常";
        if (!s) s = member_store_change(&part, t.person_id, &x, e);
        if (!s)
            s = db_run(c->d,
                       "UPDATE transfer SET state = $1, accepted_on = $2, accepted_by = $3, closed_on = $2, note = NULL, updated_at = $4 "
                       "WHERE id = $5",
                       e, "tttii", next, day, tr_actor(c), now, id);
        *detail = arena_printf(c->mem, "%s：由 %s 转入 %s", t.name, t.from_name, t.to_name);
    } else if (!strcmp(action, "receipt")) {
        /* 转出: still in the party, off this city's rolls (migration 0062) */
        member_change x = {.day = day, .state = "转出",
                           .note = arena_printf(c->mem, "组织关系转出系统：介绍信 %s，转往“%s”，回执已收回", t.letter_no ? t.letter_no : "",
                                                t.to_name)};
        bool flowed = false;
        s = flow_store_close_on_move(c, t.person_id, day, x.note, &flowed, e);
        if (!s) s = member_store_change(&part, t.person_id, &x, e);
        if (!s)
            s = db_run(c->d,
                       "UPDATE transfer SET state = $1, receipt_on = $2, receipt_note = $3, closed_on = $2, updated_at = $4 WHERE id = $5",
                       e, "tttii", next, day, note, now, id);
        *detail = arena_printf(c->mem, "%s：介绍信 %s 回执已收回", t.name, t.letter_no ? t.letter_no : "");
    } else {
        return err_set(e, ST_INVALID, "未知的操作“%s”。", action);
    }
    if (!s) s = tr_step_add(c, id, !strcmp(action, "approve") && !strcmp(next, "letter") ? "letter" : action, day, side,
                            !strcmp(action, "approve") && a->override_reason && *a->override_reason
                                ? arena_printf(c->mem, "党费未缴清仍同意转出：%s", a->override_reason)
                                : note,
                            e);
    return s;
}

st transfer_store_act(uc *c, int64_t id, const char *action, const char *side, const transfer_act *a, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    const char *detail = NULL;
    s = tr_act_work(c, id, action, side, a, &detail, e);
    uc_act act = {arena_printf(c->mem, "transfer.%s", action), uc_obj(c, "transfer", id), detail, NULL};
    return uc_end(c, s, &act, e);
}

/* ---- a letter from outside ---- */

static st tr_incoming_work(uc *c, const transfer_incoming *in, int64_t *id, const char **detail, err *e) {
    st s;
    if ((s = tr_text(in->letter_no, "letter_no", "介绍信编号", 1, 60, e))) return s;
    if ((s = tr_text(in->from_name, "from_name", "转出党组织的全称", 2, 100, e))) return s;
    if ((s = tr_text(in->reason, "reason", "转接原因", 0, 200, e))) return s;
    char day[11];
    if ((s = tr_day(in->day, NULL, day, e))) return s;
    if (in->to_org_id <= 0) return err_field(e, ST_INVALID, "to_org_id", "请选择接收的党组织。");
    tr_org to;
    if ((s = tr_org_load(c, in->to_org_id, day, "to_org_id", &to, e))) return s;
    if (!in->id_number || !*in->id_number) return err_field(e, ST_INVALID, "id_number", "请填写公民身份号码。");
    char id18[19], key[33];
    if (!ids_idcard_normalize(in->id_number, strlen(in->id_number), id18))
        return err_field(e, ST_INVALID, "id_number", "公民身份号码无效：应为 18 位（或一代 15 位），出生日期真实，末位校验码正确。");
    if ((s = crypt_init(c->d, e)) || (s = member_id_key(id18, key, e))) return s;
    int64_t person = 0;
    s = db_query_int(c->d, &person, "SELECT id FROM person WHERE id_key = $1", e, "t", key);
    if (s && s != ST_NOT_FOUND) return s;
    uc part = uc_part(c);
    const char *how;
    if (s == ST_NOT_FOUND) {
        member_new m = {.name = in->name, .id_number = in->id_number, .org_id = to.id, .category = in->category,
                        .joined_on = in->joined_on, .full_on = in->full_on, .day = day};
        if ((s = member_store_register(&part, &m, &person, NULL, e))) return s;
        how = "新登记";
    } else {
        tr_member m;
        if ((s = tr_member_load(c, person, &m, e))) return s;
        if (member_state_counts(m.state)) {
            const char *where = NULL;
            db_query_text(c->d, (char **)&where, "SELECT name FROM org WHERE id = $1", e, "i", m.org_id);
            s = err_field(e, ST_CONFLICT, "id_number", "此人已在系统内的“%s”登记，请由该党组织办理系统内转接。", where ? where : "");
            free((char *)where);
            snprintf(e->api_code, sizeof e->api_code, "registered_elsewhere");
            return s;
        }
        /* only a relation transferred out comes back with a letter: 出党, 去世 and 停止党籍 are not undone by one */
        if (strcmp(m.state, "转出")) {
            s = err_field(e, ST_CONFLICT, "id_number", "%s的党籍状态为“%s”，不能凭介绍信转入：请核对身份证号，或按党籍处理的结论办理。",
                          m.name, m.state);
            snprintf(e->api_code, sizeof e->api_code, "not_in_party");
            return s;
        }
        member_change back = {.day = day, .state = "正常", .note = arena_printf(c->mem, "凭介绍信 %s 由系统外转回", in->letter_no)};
        if ((s = member_store_change(&part, person, &back, e))) return s;
        if (m.org_id != to.id) {
            member_change mv = {.day = day, .org_id = to.id, .note = arena_printf(c->mem, "凭介绍信 %s 由“%s”转入", in->letter_no, in->from_name)};
            if ((s = member_store_change(&part, person, &mv, e))) return s;
        }
        how = "按身份证号匹配到原登记";
    }
    tr_member m;
    if ((s = tr_member_load(c, person, &m, e))) return s;
    s = db_query_int(c->d, id,
                     "INSERT INTO transfer(kind, state, person_id, name, category, from_name, to_org_id, to_path, to_district, to_park, "
                     "to_name, reason, requested_on, requested_by, approved_on, accepted_on, accepted_by, closed_on, letter_no, "
                     "created_at, updated_at) VALUES ('in', 'accepted', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11, $11, "
                     "$12, $11, $13, $14, $14) RETURNING id",
                     e, "i" "ttt" "i" "tttttttt" "i", person, m.name, m.category, in->from_name, to.id, to.path, to.district, to.park, to.name,
                     in->reason && *in->reason ? in->reason : NULL, day, tr_actor(c), in->letter_no, clock_now());
    if (!s) s = tr_step_add(c, *id, "incoming", day, TRANSFER_RECEIVER, arena_printf(c->mem, "介绍信 %s（%s）", in->letter_no, how), e);
    *detail = arena_printf(c->mem, "%s：凭“%s”介绍信 %s 转入 %s（%s）", m.name, in->from_name, in->letter_no, to.name, how);
    return s;
}

st transfer_store_incoming(uc *c, const transfer_incoming *in, int64_t *id, err *e) {
    *id = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    const char *detail = NULL;
    s = tr_incoming_work(c, in, id, &detail, e);
    uc_act a = {"transfer.incoming", uc_obj(c, "transfer", *id), detail, NULL};
    return uc_end(c, s, &a, e);
}

/* ---- reading ---- */

#define TR_COLS                                                                                                             \
    "t.id, t.kind, t.state, t.person_id, t.name, t.category, t.from_org_id, t.from_name, t.to_org_id, t.to_name, t.reason, " \
    "t.by_member, t.requested_on, t.requested_by, t.approved_on, t.approved_by, t.dues_owed, t.dues_override, t.accepted_on, "   \
    "t.accepted_by, t.closed_on, t.note, t.letter_no, t.letter_on, t.valid_until, t.receipt_on, t.receipt_note"

/* The words a row's codes stand for, and whether its letter is overdue. */
static void tr_words(json_t *o, const char *today) {
    const char *state = json_string_value(json_object_get(o, "state")), *kind = json_string_value(json_object_get(o, "kind"));
    const char *until = json_string_value(json_object_get(o, "valid_until"));
    json_object_set_new(o, "state_label", json_string(transfer_state_label(state)));
    json_object_set_new(o, "kind_label", json_string(transfer_kind_label(kind)));
    json_object_set_new(o, "overdue", json_boolean(transfer_overdue(state, until, today)));
}

static void tr_loc(scope_loc *l, const char *district, const char *park, const char *path) {
    memset(l, 0, sizeof *l);
    snprintf(l->district, sizeof l->district, "%s", district ? district : "");
    snprintf(l->park, sizeof l->park, "%s", park ? park : "");
    snprintf(l->org_path, sizeof l->org_path, "%s", path ? path : "");
}

st transfer_store_get(uc *c, int64_t id, json_t **out, err *e) {
    *out = NULL;
    tr_row t;
    st s = tr_load(c, id, &t, e);
    if (s) return s;
    scope_who who = scope_who_of(c);
    scope_loc from, to;
    tr_loc(&from, t.from_district, t.from_park, t.from_path);
    tr_loc(&to, t.to_district, t.to_park, t.to_path);
    const char *role = c->who.role ? c->who.role : "";
    bool in_from = strcmp(t.kind, "in") && scope_contains(&who, &from), in_to = t.to_org_id && scope_contains(&who, &to);
    bool city = c->who.scope_kind && !strcmp(c->who.scope_kind, "city");
    if (city) in_to = true;   /* the city also acts for a letter's receiver: none */
    bool reader = (roles_has(role, "transfer.read") || !strcmp(role, "cli")) && (in_from || in_to);
    bool owner = t.owner && t.owner == c->who.user_id;
    if (!reader && !owner) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的组织关系转接，或不在您的数据范围内。", (long long)id);
    json_t *rows = NULL, *steps = NULL;
    if ((s = db_query_json(c->d, &rows, "SELECT " TR_COLS " FROM transfer t WHERE t.id = $1", e, "i", id))) return s;
    json_t *o = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    if (!o) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的组织关系转接。", (long long)id);
    char today[11];
    tr_today(today);
    tr_words(o, today);
    if ((s = db_query_json(c->d, &steps, "SELECT action, day, side, actor, note, at FROM transfer_step WHERE transfer_id = $1 ORDER BY id", e,
                           "i", id))) {
        json_decref(o);
        return s;
    }
    size_t i;
    json_t *st_;
    json_array_foreach(steps, i, st_) {
        json_object_set_new(st_, "label", json_string(transfer_action_label(json_string_value(json_object_get(st_, "action")))));
    }
    json_object_set_new(o, "steps", steps);
    /* what the caller may do now, and as which side */
    bool writer = roles_has(role, "transfer.write") || !strcmp(role, "cli");
    static const char *const actions[] = {"approve", "refuse", "accept", "return", "resubmit", "receipt", "cancel", NULL};
    json_t *acts = json_array();
    for (size_t k = 0; actions[k]; k++) {
        const char *side = NULL;
        if (writer && in_from && transfer_next(t.kind, t.state, actions[k], TRANSFER_SENDER)) side = TRANSFER_SENDER;
        else if (writer && t.to_org_id && in_to && transfer_next(t.kind, t.state, actions[k], TRANSFER_RECEIVER)) side = TRANSFER_RECEIVER;
        else if (owner && roles_has(role, "transfer.request") && transfer_next(t.kind, t.state, actions[k], TRANSFER_MEMBER))
            side = TRANSFER_MEMBER;
        if (side)
            json_array_append_new(acts, json_pack("{s:s,s:s,s:s}", "action", actions[k], "side", side, "label", transfer_action_label(actions[k])));
    }
    json_object_set_new(o, "actions", acts);
    bool letter = !strcmp(t.kind, "out") && t.letter_no && (!strcmp(t.state, "letter") || !strcmp(t.state, "completed"));
    json_object_set_new(o, "letter_pdf", letter && reader && in_from ? json_sprintf("/api/transfers/%lld/letter.pdf", (long long)id) : json_null());
    *out = o;
    return ST_OK;
}

#define TR_FROM SCOPE_COND("$1", "$2", "t.from_district", "t.from_park", "t.from_path", "NULL", "NULL")
#define TR_TO SCOPE_COND("$1", "$2", "t.to_district", "t.to_park", "t.to_path", "NULL", "NULL")
#define TR_LIST_WHERE                                                                                                        \
    "FROM transfer t WHERE ((CAST($3 AS TEXT) = 'out' AND " TR_FROM ") OR (CAST($3 AS TEXT) = 'in' AND " TR_TO ") "          \
    "OR (CAST($3 AS TEXT) = '' AND (" TR_FROM " OR " TR_TO "))) "                                                           \
    "AND (CAST($4 AS TEXT) = '' OR t.state = $4) "                                                                           \
    "AND (CAST($5 AS BIGINT) = 0 OR (CAST($3 AS TEXT) = 'out' AND t.from_org_id = $5) "                                      \
    "OR (CAST($3 AS TEXT) = 'in' AND t.to_org_id = $5) OR (CAST($3 AS TEXT) = '' AND (t.from_org_id = $5 OR t.to_org_id = $5))) " \
    "AND (CAST($6 AS BIGINT) = 0 OR (t.state = 'letter' AND t.valid_until < $7)) "                                          \
    "AND (CAST($8 AS TEXT) = '' OR t.kind = $8) AND (CAST($9 AS TEXT) = '' OR t.name LIKE $9 ESCAPE '\\')"

st transfer_store_list(uc *c, const transfer_filter *f, const uc_page *p, json_t **items, int64_t *total, err *e) {
    *items = NULL;
    const char *k, *code;
    scope_bind(c, &k, &code);
    char today[11];
    tr_today(today);
    const char *dir = f->direction ? f->direction : "", *state = f->state ? f->state : "", *kind = f->kind ? f->kind : "";
    const char *like = f->q && *f->q ? db_like(c->mem, f->q) : "";
    st s = db_query_int(c->d, total, "SELECT COUNT(*) " TR_LIST_WHERE, e, "ttttiittt", k, code, dir, state, f->org_id,
                        (int64_t)(f->overdue ? 1 : 0), today, kind, like);
    if (s) return s;
    const char *sql = arena_printf(c->mem, "SELECT * FROM (SELECT " TR_COLS " %s) q ORDER BY %s LIMIT $10 OFFSET $11", TR_LIST_WHERE,
                                   p && p->order ? p->order : "q.id DESC");
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    if ((s = db_query_json(c->d, items, sql, e, "ttttiitttii", k, code, dir, state, f->org_id, (int64_t)(f->overdue ? 1 : 0), today, kind,
                           like, p ? p->limit : 50, p ? p->offset : 0)))
        return s;
    size_t i;
    json_t *o;
    json_array_foreach(*items, i, o) tr_words(o, today);
    return ST_OK;
}

st transfer_store_mine(uc *c, json_t **out, err *e) {
    *out = NULL;
    int64_t person = 0;
    st s = member_store_person_of_user(c, c->who.user_id, &person, e);
    if (s == ST_NOT_FOUND) {
        *out = json_pack("{s:[],s:n}", "items", "member");
        return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
    }
    if (s) return s;
    json_t *ids = NULL, *me = NULL;
    if ((s = db_query_json(c->d, &ids, "SELECT id FROM transfer WHERE person_id = $1 ORDER BY id DESC LIMIT 20", e, "i", person))) return s;
    arena_json(c->mem, ids);
    json_t *items = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(ids, i, r) {
        json_t *one = NULL;
        if ((s = transfer_store_get(c, json_integer_value(json_object_get(r, "id")), &one, e))) {
            json_decref(items);
            return s;
        }
        json_array_append_new(items, one);
    }
    if ((s = db_query_json(c->d, &me,
                           "SELECT m.person_id, m.name, m.org_id, o.name AS org_name, m.category, m.state FROM member m "
                           "JOIN org o ON o.id = m.org_id WHERE m.person_id = $1",
                           e, "i", person))) {
        json_decref(items);
        return s;
    }
    json_t *m = json_incref(json_array_get(me, 0));
    json_decref(me);
    *out = json_pack("{s:o,s:o}", "items", items, "member", m ? m : json_null());
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

st transfer_store_pending_counts(uc *c, int64_t *to_approve, int64_t *to_accept, err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    *to_approve = *to_accept = 0;
    st s = db_query_int(c->d, to_approve, "SELECT COUNT(*) FROM transfer t WHERE t.state = 'requested' AND " TR_FROM, e, "tt", k, code);
    if (!s) s = db_query_int(c->d, to_accept, "SELECT COUNT(*) FROM transfer t WHERE t.state = 'sent' AND " TR_TO, e, "tt", k, code);
    return s;
}

st transfer_store_targets(uc *c, const char *q, json_t **items, err *e) {
    char today[11];
    tr_today(today);
    st s = db_query_json(c->d, items,
                         "SELECT o.id, o.name, o.kind, r.name AS district_name FROM org o LEFT JOIN region r ON r.code = o.district_code "
                         "WHERE o.name LIKE $1 ESCAPE '\\' AND (o.dissolved_on IS NULL OR o.dissolved_on > $2) ORDER BY o.name {{ZH}}, o.id LIMIT 20",
                         e, "tt", db_like(c->mem, q ? q : ""), today);
    return s;
}

st transfer_store_letter(uc *c, int64_t id, transfer_letter *l, err *e) {
    memset(l, 0, sizeof *l);
    db_stmt *q;
    st s = crypt_init(c->d, e);
    if (!s)
        s = db_prepare(c->d,
                       "SELECT t.kind, t.letter_no, t.letter_on, t.valid_until, t.name, t.category, t.from_name, t.to_name, t.reason, "
                       "p.gender, p.birth_date, p.ethnicity, p.id_sealed, t.person_id FROM transfer t JOIN person p ON p.id = t.person_id "
                       "WHERE t.id = $1",
                       &q, e);
    if (s) return s;
    db_bind_int(q, 1, id);
    int r = db_step(q, e);
    const char *kind = NULL, *birth = NULL, *sealed = NULL;
    int64_t person = 0;
    if (r == DB_ROW) {
        kind = tr_col(c, q, 0);
        l->number = tr_col(c, q, 1);
        l->issued_on = tr_col(c, q, 2);
        l->valid_until = tr_col(c, q, 3);
        l->name = tr_col(c, q, 4);
        l->category = tr_col(c, q, 5);
        l->from_name = tr_col(c, q, 6);
        l->to_name = tr_col(c, q, 7);
        l->reason = tr_col(c, q, 8);
        l->gender = tr_col(c, q, 9);
        birth = tr_col(c, q, 10);
        l->ethnicity = tr_col(c, q, 11);
        sealed = tr_col(c, q, 12);
        person = db_col_int(q, 13);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的组织关系转接。", (long long)id);
    if (strcmp(kind, "out") || !l->number)
        return err_set(e, ST_CONFLICT, "这件转接没有介绍信：只有转出系统、且已同意转出的才开具介绍信。");
    l->age = birth ? member_years(birth, l->issued_on) : 0;
    l->valid_days = (int)day_between(l->issued_on, l->valid_until) + 1;
    char month[8];
    transfer_month(l->issued_on, month);
    const char *owed = NULL;
    if ((s = transfer_dues_check(c, person, month, &owed, &l->paid_through, e))) return s;
    char *id18 = NULL;
    if (sealed && (s = crypt_open("person.id_number", sealed, &id18, e))) return s;
    l->id_number = id18 ? arena_strdup(c->mem, id18) : "";
    if (id18) {
        sodium_memzero(id18, strlen(id18));
        free(id18);
    }
    uc_act a = {"transfer.letter", uc_obj(c, "transfer", id), arena_printf(c->mem, "下载介绍信 %s（%s）", l->number, l->name), NULL};
    return uc_audit(c, &a, e);
}

/* ---- scope ---- */

const scope_resolver transfer_scope_resolvers[] = {
    /* A transfer as the sending side handles it: where the sending organization
       is (a letter from outside: where it was received). */
    {"transfer", true, false,
     "SELECT CASE WHEN kind = 'in' THEN to_district ELSE from_district END, CASE WHEN kind = 'in' THEN to_park ELSE from_park END, "
     "CASE WHEN kind = 'in' THEN to_path ELSE from_path END, NULL, NULL FROM transfer WHERE id = CAST($1 AS BIGINT)",
     0, false, false, NULL, "组织关系转接"},
    /* The same transfer as the receiving side handles it: where the receiving
       organization is (a letter out of the system: the city only). */
    {"transfer_in", true, false, "SELECT to_district, to_park, to_path, NULL, NULL FROM transfer WHERE id = CAST($1 AS BIGINT)", 0, false,
     false, NULL, "组织关系转接"},
    {NULL, false, false, NULL},
};
