/* dues_api — party dues over HTTP (党费).
 * The calculator (党费计算器), for every logged-in role: the same rules, parser
 * and words as `ejia dues calc` (dues/dues.h).
 *   GET /api/dues/calc?base=3000.01&kind=employee   a monthly amount, the rule that gave it
 *   GET /api/dues/rules                             the brackets, rates and flat amounts in force
 * Both read the settings only: no SQL, no store, no personal data (nothing
 * stored, so nothing audited).  A bad base or kind is a 400 naming the field
 * (base, kind) with the parser's Chinese message and where the fault is.
 *
 * The dues themselves, through the store (dues/dues_store.h): a member's bases
 * (the base itself shown to the member, their secretary or organization
 * administrator and the city; a district sees the amounts only) and reliefs,
 * an organization's sheet for a month, the month's sheets in the caller's
 * scope, payments recorded by the treasurer (with the branch's consent for
 * months ahead), voided with a reason, listed and exported, each with its
 * receipt as PDF (dues/dues_receipt.h, audited "dues.receipt"); and the
 * member's own: what I owe and have paid, my base, my receipts.  Amounts in a
 * body are written in 元 ("3000.01") and go through dues_amount_parse; every
 * refusal here is a 400 naming its field; the store's refusals come through
 * unchanged. */
#include <stdio.h>
#include <string.h>

#include "core/jsonx.h"
#include "dues/dues.h"
#include "dues/dues_receipt.h"
#include "dues/dues_sheets_store.h"
#include "dues/dues_store.h"
#include "http/http.h"
#include "member/member_store.h"

static json_t *du_money(int64_t fen) {
    char s[32];
    dues_fen_format(fen, s);
    return json_string(s);
}

static json_t *du_bracket(const dues_rules *rules, dues_kind kind, int k) {
    int64_t lo, hi;
    int bp;
    char rate[16], words[128];
    dues_bracket(rules, kind, k, &lo, &hi, &bp);
    dues_bp_format(bp, rate);
    dues_bracket_words(rules, kind, k, words);
    json_t *o = json_object();
    json_object_set_new(o, "index", json_integer(k));
    json_object_set_new(o, "above_fen", json_integer(lo));
    json_object_set_new(o, "above", du_money(lo));
    json_object_set_new(o, "up_to_fen", hi < 0 ? json_null() : json_integer(hi));
    json_object_set_new(o, "up_to", hi < 0 ? json_null() : du_money(hi));
    json_object_set_new(o, "rate_bp", json_integer(bp));
    json_object_set_new(o, "rate", json_string(rate));
    json_object_set_new(o, "text", json_string(words));
    return o;
}

static st h_dues_calc(http_req *r, err *e) {
    const char *kind_s = http_query(r, "kind");
    int kind = kind_s && *kind_s ? dues_kind_parse(kind_s) : DUES_EMPLOYEE;
    if (kind < 0)
        return err_field(e, ST_INVALID, "kind",
                         "党员类别“%.64s”无效：应为 employee（在职）、retiree（离退休）、student（学生）、"
                         "unemployed（失业）、farmer（农民）或 relief（享受低保）。",
                         kind_s);
    const char *base_s = http_query(r, "base");
    bool given = base_s && *base_s;
    int64_t base = 0;
    if (!given && dues_kind_rated((dues_kind)kind))
        return err_field(e, ST_INVALID, "base", "请填写%s的月%s（元），如 3000 或 3000.01。", dues_kind_name((dues_kind)kind),
                         kind == DUES_RETIREE ? "离退休费" : "工资基数");
    if (given && dues_amount_parse(base_s, strlen(base_s), &base, e)) {
        snprintf(e->field, sizeof e->field, "base");   /* keeps the message and where */
        return e->code;
    }
    dues_rules rules;
    dues_amount a;
    st s = dues_rules_load(&rules, e);
    if (!s) s = dues_calc(&rules, (dues_kind)kind, base, &a, e);
    if (s) return s;
    char rate[16], words[256], rule[256];
    dues_bp_format(a.bp, rate);
    dues_words((dues_kind)kind, base, &a, words);
    dues_rule_words(&rules, (dues_kind)kind, base, &a, rule);
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string(dues_kind_code((dues_kind)kind)));
    json_object_set_new(o, "kind_name", json_string(dues_kind_name((dues_kind)kind)));
    json_object_set_new(o, "base_fen", json_integer(base));
    json_object_set_new(o, "base", du_money(base));
    json_object_set_new(o, "amount_fen", json_integer(a.fen));
    json_object_set_new(o, "amount", du_money(a.fen));
    json_object_set_new(o, "flat", json_boolean(a.flat));
    json_object_set_new(o, "rate_bp", json_integer(a.bp));
    json_object_set_new(o, "rate", a.flat ? json_null() : json_string(rate));
    json_object_set_new(o, "bracket", a.flat ? json_null() : du_bracket(&rules, (dues_kind)kind, a.bracket));
    json_object_set_new(o, "rule", json_string(rule));
    json_object_set_new(o, "words", json_string(words));
    return http_reply_json(r, 200, o);
}

static st h_dues_rules(http_req *r, err *e) {
    dues_rules rules;
    st s = dues_rules_load(&rules, e);
    if (s) return s;
    json_t *o = json_object();
    for (dues_kind k = DUES_EMPLOYEE; k <= DUES_RETIREE; k++) {
        json_t *list = json_array();
        for (int i = 0; i < dues_brackets(k); i++) json_array_append_new(list, du_bracket(&rules, k, i));
        json_object_set_new(o, dues_kind_code(k), list);
    }
    json_t *flat = json_array();
    for (int k = 0; k < DUES_KINDS; k++) {
        if (dues_kind_rated((dues_kind)k)) continue;
        json_t *f = json_object();
        json_object_set_new(f, "kind", json_string(dues_kind_code((dues_kind)k)));
        json_object_set_new(f, "kind_name", json_string(dues_kind_name((dues_kind)k)));
        json_object_set_new(f, "amount_fen", json_integer(rules.flat[k]));
        json_object_set_new(f, "amount", du_money(rules.flat[k]));
        json_array_append_new(flat, f);
    }
    json_object_set_new(o, "flat", flat);
    json_object_set_new(o, "farmer_min_fen", json_integer(rules.farmer_min));
    json_object_set_new(o, "farmer_min", du_money(rules.farmer_min));
    json_object_set_new(o, "farmer_max_fen", json_integer(rules.farmer_max));
    json_object_set_new(o, "farmer_max", du_money(rules.farmer_max));
    json_object_set_new(o, "rounding", json_string(dues_round_code(rules.round)));
    return http_reply_json(r, 200, o);
}

/* ---- the dues themselves ---- */

static const char *du_q(http_req *r, const char *k) {
    const char *v = http_query(r, k);
    return v && *v ? v : NULL;
}

/* A month "YYYY-MM" in field (required or not); NULL when absent. */
static st du_month(const char *v, const char *field, const char *what, bool required, const char **out, err *e) {
    *out = NULL;
    if (!v || !*v) {
        if (required) return err_field(e, ST_INVALID, field, "请填写%s（年-月，如 2026-03）。", what);
        return ST_OK;
    }
    if (!dues_month_valid(v)) return err_field(e, ST_INVALID, field, "%s“%.32s”无效：应写作 年-月，如 2026-03。", what, v);
    *out = v;
    return ST_OK;
}
static st du_month_of(const json_t *body, const char *field, const char *what, bool required, const char **out, err *e) {
    const char *v = NULL;
    if (jsonx_str(body, field, false, 0, 16, &v, e))
        return err_field(e, ST_INVALID, field, "%s应写作 年-月，如 2026-03。", what);
    return du_month(v, field, what, required, out, e);
}

/* A day "YYYY-MM-DD" (shape only; the store checks the calendar). */
static bool du_day_shape(const char *v) {
    if (strlen(v) != 10 || v[4] != '-' || v[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (v[i] < '0' || v[i] > '9')) return false;
    return true;
}

/* An amount in 元 from a body field: a string ("3000.01") or a number of whole
 * 元 written as an integer; absent: def. */
static st du_money_of(const json_t *body, const char *field, const char *what, int64_t def, int64_t *out, err *e) {
    json_t *v = json_object_get(body, field);
    *out = def;
    if (!v || json_is_null(v)) return ST_OK;
    if (json_is_integer(v)) {
        json_int_t y = json_integer_value(v);
        if (y < 0 || y > DUES_FEN_MAX / 100) return err_field(e, ST_INVALID, field, "%s应为不小于 0 的金额（元）。", what);
        *out = (int64_t)y * 100;
        return ST_OK;
    }
    if (!json_is_string(v)) return err_field(e, ST_INVALID, field, "%s应写作金额（元），如 \"30.00\"。", what);
    const char *s = json_string_value(v);
    if (!*s) return ST_OK;
    if (dues_amount_parse(s, strlen(s), out, e)) {
        char msg[sizeof e->msg + 64];
        int n = snprintf(msg, sizeof msg, "%s：%s", what, e->msg);
        if (n > 0 && (size_t)n < sizeof e->msg) memcpy(e->msg, msg, (size_t)n + 1);
        snprintf(e->field, sizeof e->field, "%s", field);
        return e->code;
    }
    return ST_OK;
}

/* Money fields of an item in 元 beside their fen: due_fen → due. */
static void du_money_fields(json_t *o) {
    static const char *const keys[] = {"due_fen", "paid_fen", "amount_fen", "base_fen", "dues_fen", "voluntary_fen", "owed_fen", "fen", NULL};
    for (int i = 0; keys[i]; i++) {
        json_t *v = json_object_get(o, keys[i]);
        if (!json_is_integer(v)) continue;
        char k[32];
        snprintf(k, sizeof k, "%.*s", (int)(strlen(keys[i]) - 4), keys[i]);
        if (!json_object_get(o, k)) json_object_set_new(o, k, du_money(json_integer_value(v)));
    }
    json_t *d = json_object_get(o, "dues_fen"), *v = json_object_get(o, "voluntary_fen");
    if (json_is_integer(d) && json_is_integer(v))
        json_object_set_new(o, "total", du_money(json_integer_value(d) + json_integer_value(v)));
}
static void du_money_items(json_t *items) {
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) du_money_fields(it);
}

static const char *du_state_name(const char *s) {
    if (!s) return "";
    if (!strcmp(s, "owed")) return "未交";
    if (!strcmp(s, "paid")) return "已交";
    if (!strcmp(s, "waived")) return "免交";
    if (!strcmp(s, "nobase")) return "未核定基数";
    return s;
}
static const char *du_kind_name(const char *k) {
    int i = k ? dues_kind_parse(k) : -1;
    return i < 0 ? "" : dues_kind_name((dues_kind)i);
}

/* Who may see a member's base itself: the member, their secretary or
 * organization administrator, the city (the route's scope check has put
 * the member inside the caller's scope already). */
static bool du_base_open(http_req *r) {
    const char *k = r->user.scope_kind ? r->user.scope_kind : "";
    return !strcmp(k, "city") || !strcmp(k, "org") || !strcmp(k, "self");
}

/* A refusal of the store names the field of its struct (received_fen, base_fen):
 * the body's field is the same name without "_fen"; the message is kept. */
static st du_store_field(st s, err *e) {
    size_t n = strlen(e->field);
    if (s && n > 4 && !strcmp(e->field + n - 4, "_fen")) e->field[n - 4] = '\0';
    return s;
}

static st du_person(http_req *r, int64_t *id, err *e) { return http_param_int(r, "id", id, e); }

static st du_reply_bases(http_req *r, int64_t pid, err *e) {
    json_t *o = NULL;
    bool open = du_base_open(r);
    st s = dues_store_bases(http_uc(r), pid, open, &o, e);
    if (s) return s;
    du_money_items(json_object_get(o, "items"));
    json_object_set_new(o, "base_visible", json_boolean(open));
    return http_reply_json(r, 200, o);
}

static st h_dues_bases(http_req *r, err *e) {
    int64_t pid;
    st s = du_person(r, &pid, e);
    return s ? s : du_reply_bases(r, pid, e);
}

/* The body of a declaration: {from_month?, kind, base?} (base in 元; for a farmer, the set amount). */
static st du_base_body(http_req *r, dues_base_new *b, err *e) {
    static const char *const only[] = {"from_month", "kind", "base", NULL};
    const char *kind_s = NULL;
    st s = jsonx_only(r->json, only, e);
    if (!s) s = du_month_of(r->json, "from_month", "起算月份", false, &b->from_month, e);
    if (!s) s = jsonx_str(r->json, "kind", true, 1, 32, &kind_s, e);
    if (s) return s;
    int kind = dues_kind_parse(kind_s);
    if (kind < 0)
        return err_field(e, ST_INVALID, "kind",
                         "党员类别“%.64s”无效：应为 employee（在职）、retiree（离退休）、student（学生）、"
                         "unemployed（失业）、farmer（农民）或 relief（享受低保）。",
                         kind_s);
    b->kind = (dues_kind)kind;
    if ((s = du_money_of(r->json, "base", kind == DUES_RETIREE ? "月离退休费" : kind == DUES_FARMER ? "定额" : "月工资基数", -1,
                         &b->base_fen, e)))
        return s;
    if (b->base_fen < 0) {
        if (dues_kind_rated(b->kind))
            return err_field(e, ST_INVALID, "base", "请填写%s的月%s（元），如 3000 或 3000.01。", dues_kind_name(b->kind),
                             kind == DUES_RETIREE ? "离退休费" : "工资基数");
        if (b->kind == DUES_FARMER) return err_field(e, ST_INVALID, "base", "请填写农民党员每月交纳的定额（元）。");
        b->base_fen = 0;
    }
    return ST_OK;
}

static st du_reply_amount(http_req *r, const dues_base_new *b, const dues_amount *a) {
    json_t *o = json_object();
    json_object_set_new(o, "person_id", json_integer(b->person_id));
    json_object_set_new(o, "kind", json_string(dues_kind_code(b->kind)));
    json_object_set_new(o, "amount_fen", json_integer(a->fen));
    json_object_set_new(o, "amount", du_money(a->fen));
    return http_reply_json(r, 201, o);
}

static st h_dues_base_set(http_req *r, err *e) {
    dues_base_new b = {.declared_by = "secretary"};
    dues_amount a;
    st s = du_person(r, &b.person_id, e);
    if (!s) s = du_base_body(r, &b, e);
    if (!s) s = du_store_field(dues_store_base_set(http_uc(r), &b, &a, e), e);
    return s ? s : du_reply_amount(r, &b, &a);
}

/* The logged-in member's person; a 404 in words when the account has none. */
static st du_me(http_req *r, int64_t *pid, err *e) {
    st s = member_store_person_of_user(http_uc(r), r->user.id, pid, e);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "您的账号没有关联党员档案，无法办理党费事项；请联系所在支部。");
    return s;
}

static st h_me_base_set(http_req *r, err *e) {
    dues_base_new b = {.declared_by = "member"};
    dues_amount a;
    st s = du_me(r, &b.person_id, e);
    if (!s) s = du_base_body(r, &b, e);
    if (!s) s = du_store_field(dues_store_base_set(http_uc(r), &b, &a, e), e);
    return s ? s : du_reply_amount(r, &b, &a);
}

static st h_me_bases(http_req *r, err *e) {
    int64_t pid;
    st s = du_me(r, &pid, e);
    return s ? s : du_reply_bases(r, pid, e);
}

static st h_dues_reliefs(http_req *r, err *e) {
    int64_t pid;
    json_t *o = NULL;
    st s = du_person(r, &pid, e);
    if (!s) s = dues_store_reliefs(http_uc(r), pid, &o, e);
    if (s) return s;
    du_money_items(json_object_get(o, "items"));
    return http_reply_json(r, 200, o);
}

static st h_dues_relief_add(http_req *r, err *e) {
    static const char *const only[] = {"from_month", "to_month", "amount", "reason", "approver", NULL};
    dues_relief_new n = {0};
    st s = du_person(r, &n.person_id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = du_month_of(r->json, "from_month", "减免起始月份", true, &n.from_month, e);
    if (!s) s = du_month_of(r->json, "to_month", "减免截止月份", true, &n.to_month, e);
    if (!s && strcmp(n.to_month, n.from_month) < 0)
        s = err_field(e, ST_INVALID, "to_month", "减免截止月份 %s 早于起始月份 %s。", n.to_month, n.from_month);
    if (!s) s = du_money_of(r->json, "amount", "减免后每月应交", 0, &n.amount_fen, e);
    if (!s) s = jsonx_str(r->json, "reason", true, 1, 500, &n.reason, e);
    if (!s) s = jsonx_str(r->json, "approver", true, 1, 100, &n.approver, e);
    if (s) {
        if (!strcmp(e->field, "reason") && e->code == ST_INVALID) snprintf(e->msg, sizeof e->msg, "请写明减免或免交的理由（最多 500 字）。");
        if (!strcmp(e->field, "approver") && e->code == ST_INVALID)
            snprintf(e->msg, sizeof e->msg, "请写明批准人（如 支部党员大会，报上级党委批准）。");
        return s;
    }
    int64_t id = 0;
    if ((s = du_store_field(dues_store_relief_add(http_uc(r), &n, &id, e), e))) return s;
    return http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/* {reason} of a revocation or a voiding, required. */
static st du_reason(http_req *r, const char *what, const char **reason, err *e) {
    static const char *const only[] = {"reason", NULL};
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "reason", true, 1, 500, reason, e);
    if (s && e->code == ST_INVALID && !strcmp(e->field, "reason")) snprintf(e->msg, sizeof e->msg, "请写明%s的原因（最多 500 字）。", what);
    return s;
}

static st h_dues_relief_revoke(http_req *r, err *e) {
    int64_t id;
    const char *reason;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = du_reason(r, "撤销减免", &reason, e);
    if (!s) s = dues_store_relief_revoke(http_uc(r), id, reason, e);
    return s ? s : http_reply_json(r, 200, json_pack("{s:I,s:b}", "id", (json_int_t)id, "revoked", 1));
}

static st du_reply_sheet(http_req *r, int status, int64_t org, const char *month, err *e) {
    json_t *o = NULL;
    st s = dues_store_sheet_get(http_uc(r), org, month, &o, e);
    if (s == ST_NOT_FOUND && status == 200)
        return err_set(e, ST_NOT_FOUND, "该组织 %s 的党费应交表尚未生成；请先生成。", month);
    if (s) return s;
    du_money_fields(o);
    json_t *items = json_object_get(o, "items");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        du_money_fields(it);
        json_object_set_new(it, "state_name", json_string(du_state_name(json_string_value(json_object_get(it, "state")))));
        json_object_set_new(it, "kind_name", json_string(du_kind_name(json_string_value(json_object_get(it, "kind")))));
    }
    return http_reply_json(r, status, o);
}

static st h_dues_sheet_make(http_req *r, err *e) {
    static const char *const only[] = {"month", NULL};
    int64_t org, sheet = 0;
    const char *month = NULL;
    st s = http_param_int(r, "id", &org, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = du_month_of(r->json, "month", "月份", false, &month, e);
    char now[8];
    if (!s && !month) {
        dues_store_this_month(now);
        month = now;
    }
    if (!s) s = dues_store_sheet_make(http_uc(r), org, month, &sheet, e);
    return s ? s : du_reply_sheet(r, 201, org, month, e);
}

static st h_dues_sheet_get(http_req *r, err *e) {
    int64_t org;
    const char *month;
    st s = http_param_int(r, "id", &org, e);
    if (!s) s = du_month(http_param(r, "month"), "month", "月份", true, &month, e);
    return s ? s : du_reply_sheet(r, 200, org, month, e);
}

static const http_sort_key du_sheets_sort[] = {{"org_name", "q.org_name", true},
                                               {"members", "q.members"},
                                               {"due_fen", "q.due_fen"},
                                               {"paid_fen", "q.paid_fen"},
                                               {"paid_members", "q.paid_members"},
                                               {"nobase", "q.nobase"},
                                               {NULL, NULL}};

static st h_dues_sheets(http_req *r, err *e) {
    dues_sheet_filter f = {0};
    char now[8];
    st s = du_month(du_q(r, "month"), "month", "月份", false, &f.month, e);
    if (!s && !f.month) {
        dues_store_this_month(now);
        f.month = now;
    }
    if (!s) s = http_query_int(r, "org_id", 0, 0, INT64_MAX, &f.org_id, e);
    http_page pg;
    const char *order;
    if (!s) s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "org_name", "q.org_id", &order, e);
    if (s) return s;
    uc_page p = {pg.size, pg.offset, order};
    json_t *items = NULL, *sums = NULL;
    int64_t total = 0;
    if ((s = dues_sheets_list(http_uc(r), &f, &p, &items, &total, &sums, e))) return s;
    du_money_items(items);
    du_money_fields(sums);
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I,s:s,s:o}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size, "month", f.month, "sums", sums));
}

static st h_dues_pay(http_req *r, err *e) {
    static const char *const only[] = {"person_id", "first_month", "last_month", "voluntary", "received", "consent",
                                       "way", "way_ref", "proxy", "proxy_name", "paid_on", NULL};
    dues_payment_new p = {.received_fen = -1};
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_int(r->json, "person_id", true, 1, INT64_MAX, 0, &p.person_id, e);
    if (!s) s = du_month_of(r->json, "first_month", "交纳起始月份", true, &p.first_month, e);
    if (!s) s = du_month_of(r->json, "last_month", "交纳截止月份", false, &p.last_month, e);
    if (!s && p.last_month && strcmp(p.last_month, p.first_month) < 0)
        s = err_field(e, ST_INVALID, "last_month", "交纳截止月份 %s 早于起始月份 %s。", p.last_month, p.first_month);
    if (!s) s = du_money_of(r->json, "voluntary", "自愿多交金额", 0, &p.voluntary_fen, e);
    if (!s) s = du_money_of(r->json, "received", "实收金额", -1, &p.received_fen, e);
    if (!s) s = jsonx_str(r->json, "consent", false, 0, 500, &p.consent, e);
    if (!s) s = jsonx_str(r->json, "way", false, 1, 32, &p.way, e);
    if (!s) s = jsonx_str(r->json, "way_ref", false, 0, 200, &p.way_ref, e);
    if (!s) s = jsonx_bool(r->json, "proxy", false, false, &p.proxy, e);
    if (!s) s = jsonx_str(r->json, "proxy_name", false, 0, 50, &p.proxy_name, e);
    if (!s) s = jsonx_str(r->json, "paid_on", false, 0, 10, &p.paid_on, e);
    if (s) return s;
    if (p.consent && !*p.consent) p.consent = NULL;
    if (p.paid_on && !*p.paid_on) p.paid_on = NULL;
    if (p.paid_on && !du_day_shape(p.paid_on))
        return err_field(e, ST_INVALID, "paid_on", "交纳日期“%s”无效：应写作 年-月-日，如 2026-03-15。", p.paid_on);
    if (p.proxy && (!p.proxy_name || !*p.proxy_name))
        return err_field(e, ST_INVALID, "proxy_name", "代缴时请填写代缴人姓名。");
    if (!p.proxy) p.proxy_name = NULL;
    if (p.way && !dues_way_find(p.way, e)) return e->code ? e->code : ST_INVALID;
    int64_t id = 0;
    const char *no = NULL;
    if ((s = du_store_field(dues_store_pay(http_uc(r), &p, &id, &no, e), e))) return s;
    json_t *o = NULL;
    if ((s = dues_store_payment_get(http_uc(r), id, &o, e))) return s;
    du_money_fields(o);
    return http_reply_json(r, 201, o);
}

static st h_dues_void(http_req *r, err *e) {
    int64_t id;
    const char *reason;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = du_reason(r, "作废", &reason, e);
    if (!s) s = dues_store_void(http_uc(r), id, reason, e);
    json_t *o = NULL;
    if (!s) s = dues_store_payment_get(http_uc(r), id, &o, e);
    if (s) return s;
    du_money_fields(o);
    return http_reply_json(r, 200, o);
}

static st h_dues_payment(http_req *r, err *e) {
    int64_t id;
    json_t *o = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = dues_store_payment_get(http_uc(r), id, &o, e);
    if (s) return s;
    du_money_fields(o);
    return http_reply_json(r, 200, o);
}

static const http_sort_key du_pay_sort[] = {{"paid_on", "q.paid_on"},         {"receipt_no", "q.receipt_no"},
                                            {"name", "q.name", true},         {"org_name", "q.org_name", true},
                                            {"dues_fen", "q.dues_fen"},       {"voluntary_fen", "q.voluntary_fen"},
                                            {"first_month", "q.first_month"}, {NULL, NULL}};

static st h_dues_payments(http_req *r, err *e) {
    dues_payment_filter f = {.central = -1};
    int64_t central = -1, voided = 0;
    st s = http_query_int(r, "org_id", 0, 0, INT64_MAX, &f.org_id, e);
    if (!s) s = http_query_int(r, "person_id", 0, 0, INT64_MAX, &f.person_id, e);
    if (!s) s = http_query_int(r, "central", -1, -1, 1, &central, e);
    if (!s) s = http_query_int(r, "voided", 0, 0, 1, &voided, e);
    if (s) return s;
    f.central = (int)central;
    f.voided = voided != 0;
    f.from_day = du_q(r, "from");
    f.to_day = du_q(r, "to");
    if (f.from_day && !du_day_shape(f.from_day))
        return err_field(e, ST_INVALID, "from", "起始日期“%.16s”无效：应写作 年-月-日，如 2026-03-01。", f.from_day);
    if (f.to_day && !du_day_shape(f.to_day))
        return err_field(e, ST_INVALID, "to", "截止日期“%.16s”无效：应写作 年-月-日，如 2026-03-31。", f.to_day);
    http_page pg;
    const char *order;
    if ((s = http_paging(r, &pg, e))) return s;
    if ((s = http_order(r, "-paid_on", "q.id DESC", &order, e))) return s;
    uc_page p = {pg.size, pg.offset, order};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = dues_store_payments(http_uc(r), &f, &p, &items, &total, e))) return s;
    if (!items) items = json_array();
    du_money_items(items);
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        json_t *va = json_object_get(it, "voided_at");
        json_object_set_new(it, "voided", json_boolean(va && !json_is_null(va)));
        json_object_set_new(it, "payer_name", json_string(!strcmp(json_string_value(json_object_get(it, "payer")) ?: "", "proxy")
                                                              ? "代缴"
                                                              : "本人"));
    }
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

/* The receipt of payment {id} as PDF: rendered to a request's temporary
 * file, audited ("dues.receipt"), sent. */
static st h_dues_receipt(http_req *r, err *e) {
    int64_t id;
    json_t *o = NULL;
    const char *path = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = dues_store_payment_get(http_uc(r), id, &o, e);
    if (s) return s;
    arena_json(&r->mem, o);
    const char *no = json_string_value(json_object_get(o, "receipt_no"));
    if (!no) no = "";
    if ((s = http_tempfile(r, &path, e))) return s;
    if ((s = dues_receipt_pdf(o, "党费收据", path, e))) return s;
    const char *obj = arena_printf(&r->mem, "dues_payment:%lld", (long long)id);
    const char *det = arena_printf(&r->mem, "下载党费收据 %s", no);
    if (!obj || !det) return err_set(e, ST_NOMEM, "内存不足。");
    if ((s = http_audit(r, "dues.receipt", obj, "ok", det, e))) return s;
    const char *name = arena_printf(&r->mem, "党费收据-%s.pdf", no);
    if (!name) return err_set(e, ST_NOMEM, "内存不足。");
    return http_reply_file(r, path, "application/pdf", name, e);
}

static st h_me_dues(http_req *r, err *e) {
    json_t *o = NULL;
    st s = dues_store_mine(http_uc(r), &o, e);
    if (s) return s;
    du_money_fields(o);
    json_t *base = json_object_get(o, "base");
    if (json_is_object(base)) {
        du_money_fields(base);
        json_t *k = json_object_get(base, "kind");
        if (json_is_string(k)) json_object_set_new(base, "kind_name", json_string(du_kind_name(json_string_value(k))));
    }
    du_money_items(json_object_get(o, "owed"));
    du_money_items(json_object_get(o, "payments"));
    return http_reply_json(r, 200, o);
}

#define DU_SHEET_EXPORT                                                                                                \
    "党费应交|name:姓名|kind_name:类别|due:应交（元）|state_name:状态|paid:已交（元）|receipt_no:收据编号"
#define DU_SHEETS_EXPORT                                                                                               \
    "党费收缴情况|org_name:党组织|month:月份|members:应交人数|due:应交（元）|paid_members:已交人数|paid:已交（元）|nobase:未核定基数人数"
#define DU_PAY_EXPORT                                                                                                  \
    "党费交纳记录|receipt_no:收据编号|name:姓名|org_name:党组织|first_month:起始月份|last_month:截止月份|months:月数|"   \
    "dues:党费（元）|voluntary:自愿多交（元）|total:合计（元）|central:上缴中央:bool|payer_name:交纳人|proxy_name:代缴人|" \
    "paid_on:交纳日期|recorded_by:经手人|voided:已作废:bool|void_reason:作废原因"

const http_route dues_routes[] = {
    {"GET", "/api/dues/calc", "login", h_dues_calc, HB_NONE,
     "党费计算器：按党员类别和月工资基数（元）算出每月应交党费，并说明适用的档次和比例或定额", "dues", NULL},
    {"GET", "/api/dues/rules", "login", h_dues_rules, HB_NONE, "现行党费标准：在职、离退休党员各档上限和比例，各类定额", "dues",
     NULL},
    {"GET", "/api/dues/members/{id}/bases", "dues.read", h_dues_bases, HB_NONE,
     "党员的党费基数记录（基数本人、所在支部和市委组织部可见，其他只见每月金额）", "dues", "member:{id}"},
    {"POST", "/api/dues/members/{id}/bases", "dues.write", h_dues_base_set, HB_JSON,
     "核定党员的党费基数（类别、月工资基数，自某月起；同一月份再报为更正）", "dues", "member:{id}"},
    {"GET", "/api/dues/members/{id}/reliefs", "dues.read", h_dues_reliefs, HB_NONE, "党员的党费减免、免交记录", "dues",
     "member:{id}"},
    {"POST", "/api/dues/members/{id}/reliefs", "dues.write", h_dues_relief_add, HB_JSON,
     "减免或免交党员某几个月的党费（写明理由和批准人）", "dues", "member:{id}"},
    {"POST", "/api/dues/reliefs/{id}/revoke", "dues.write", h_dues_relief_revoke, HB_JSON, "撤销一项党费减免（写明原因）", "dues",
     "dues_relief:{id}"},
    {"GET", "/api/dues/sheets", "dues.read", h_dues_sheets, HB_NONE, "某月各党组织的党费应交表及应交、已交合计（本范围内）", "dues",
     "org:?org_id", DU_SHEETS_EXPORT, du_sheets_sort},
    {"POST", "/api/dues/orgs/{id}/sheets", "dues.write", h_dues_sheet_make, HB_JSON, "生成或刷新党组织某月的党费应交表", "dues",
     "org:{id}"},
    {"GET", "/api/dues/orgs/{id}/sheets/{month}", "dues.read", h_dues_sheet_get, HB_NONE, "党组织某月的党费应交表：每名党员应交、已交",
     "dues", "org:{id}", DU_SHEET_EXPORT},
    {"GET", "/api/dues/payments", "dues.read", h_dues_payments, HB_NONE, "党费交纳记录（按党组织、党员、日期、上缴中央、作废筛选）",
     "dues", "org:?org_id member:?person_id", DU_PAY_EXPORT, du_pay_sort},
    {"POST", "/api/dues/payments", "dues.write", h_dues_pay, HB_JSON,
     "登记党费交纳（收缴员收取；本人或代缴，可补交、经支部同意预交，自愿多交），开具收据", "dues", "member:.person_id"},
    {"GET", "/api/dues/payments/{id}", "dues.read", h_dues_payment, HB_NONE, "一笔党费交纳记录（收据内容）", "dues",
     "dues_payment:{id}"},
    {"POST", "/api/dues/payments/{id}/void", "dues.write", h_dues_void, HB_JSON, "作废一笔党费交纳记录（写明原因；所交月份恢复为未交）",
     "dues", "dues_payment:{id}"},
    {"GET", "/api/dues/payments/{id}/receipt.pdf", "dues.read", h_dues_receipt, HB_NONE, "下载党费收据（PDF）", "dues",
     "dues_payment:{id}", .download = true},
    {"GET", "/api/me/dues", "dues.pay", h_me_dues, HB_NONE, "我的党费：每月应交、欠交月份、交纳记录", "dues", NULL},
    {"GET", "/api/me/dues/bases", "dues.pay", h_me_bases, HB_NONE, "我的党费基数记录", "dues", NULL},
    {"POST", "/api/me/dues/bases", "dues.pay", h_me_base_set, HB_JSON, "申报我的党费基数（类别、月工资基数）", "dues", NULL},
    {"GET", "/api/me/dues/payments/{id}/receipt.pdf", "dues.pay", h_dues_receipt, HB_NONE, "下载我的党费收据（PDF）", "dues",
     "dues_payment:{id}", .download = true},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
