/* dues_api — the dues calculator over HTTP (党费计算器), for every logged-in
 * role: the same rules, parser and words as `ejia dues calc` (dues/dues.h).
 *   GET /api/dues/calc?base=3000.01&kind=employee   a monthly amount, the rule that gave it
 *   GET /api/dues/rules                             the brackets, rates and flat amounts in force
 * Both read the settings only: no SQL, no store, no personal data (nothing
 * stored, so nothing audited).  A bad base or kind is a 400 naming the field
 * (base, kind) with the parser's Chinese message and where the fault is. */
#include <stdio.h>
#include <string.h>

#include "dues/dues.h"
#include "http/http.h"

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

const http_route dues_routes[] = {
    {"GET", "/api/dues/calc", "login", h_dues_calc, HB_NONE,
     "党费计算器：按党员类别和月工资基数（元）算出每月应交党费，并说明适用的档次和比例或定额", "dues", NULL},
    {"GET", "/api/dues/rules", "login", h_dues_rules, HB_NONE, "现行党费标准：在职、离退休党员各档上限和比例，各类定额", "dues",
     NULL},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
