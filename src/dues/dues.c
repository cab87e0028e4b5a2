/* dues — the pure rules of party dues (see dues.h). */
#include "dues/dues.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/utf8.h"

static const char *const dues_codes[DUES_KINDS] = {"employee", "retiree", "student", "unemployed", "farmer", "relief"};
static const char *const dues_short[DUES_KINDS] = {"在职", "离退休", "学生", "失业", "农民", "低保"};
static const char *const dues_names[DUES_KINDS] = {"在职党员", "离退休党员", "学生党员", "失业党员", "农民党员", "享受低保的党员"};
/* the flat amount's setting of each kind (NULL: a rated kind) */
static const char *const dues_flat_settings[DUES_KINDS] = {NULL, NULL, "dues-flat-student", "dues-flat-unemployed",
                                                           "dues-flat-farmer", "dues-flat-relief"};
static const char *const dues_employee_max[DUES_EMPLOYEE_BRACKETS - 1] = {"dues-employee-max-1", "dues-employee-max-2",
                                                                          "dues-employee-max-3"};
static const char *const dues_employee_rate[DUES_EMPLOYEE_BRACKETS] = {"dues-employee-rate-1", "dues-employee-rate-2",
                                                                       "dues-employee-rate-3", "dues-employee-rate-4"};
static const char *const dues_retiree_max[DUES_RETIREE_BRACKETS - 1] = {"dues-retiree-max-1"};
static const char *const dues_retiree_rate[DUES_RETIREE_BRACKETS] = {"dues-retiree-rate-1", "dues-retiree-rate-2"};
static const char *const dues_rounds[] = {"half-up", "half-even", "down", "up"};

#define DUES_HOW "请写以元为单位的数字，最多两位小数，如 3000、3000.01 或 3,000.50。"

int dues_kind_parse(const char *s) {
    for (int i = 0; s && i < DUES_KINDS; i++)
        if (!strcmp(s, dues_codes[i]) || !strcmp(s, dues_short[i]) || !strcmp(s, dues_names[i])) return i;
    return -1;
}

const char *dues_kind_code(dues_kind k) { return k < DUES_KINDS ? dues_codes[k] : ""; }
const char *dues_kind_name(dues_kind k) { return k < DUES_KINDS ? dues_names[k] : ""; }
bool dues_kind_rated(dues_kind k) { return k == DUES_EMPLOYEE || k == DUES_RETIREE; }

int dues_round_parse(const char *s) {
    for (int i = 0; s && i < (int)(sizeof dues_rounds / sizeof *dues_rounds); i++)
        if (!strcmp(s, dues_rounds[i])) return i;
    return -1;
}

const char *dues_round_code(dues_round m) {
    return (unsigned)m < sizeof dues_rounds / sizeof *dues_rounds ? dues_rounds[m] : "";
}

/* ---- amounts ---- */

void dues_fen_format(int64_t fen, char out[32]) {
    /* the magnitude as unsigned: INT64_MIN has no positive int64 */
    uint64_t m = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    snprintf(out, 32, "%s%llu.%02llu", fen < 0 ? "-" : "", (unsigned long long)(m / 100), (unsigned long long)(m % 100));
}

void dues_bp_format(int bp, char out[16]) {
    if (bp < 0) bp = 0;
    int whole = bp / 100, frac = bp % 100;
    if (!frac) snprintf(out, 16, "%d%%", whole);
    else if (frac % 10 == 0) snprintf(out, 16, "%d.%d%%", whole, frac / 10);
    else snprintf(out, 16, "%d.%02d%%", whole, frac);
}

/* The refusal of s[0..n): what is wrong (why), the character at byte pos when
 * there is one (pos < n), and how to write an amount. */
static st dues_amount_fail(err *e, const char *s, size_t n, size_t pos, const char *why) {
    /* the input is quoted only when it is short, readable text (a user's bytes
     * may be anything; the message becomes JSON on the server) */
    bool quote = n <= 64 && utf8_valid(s, n);
    for (size_t i = 0; quote && i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) quote = false;
    if (quote) err_set(e, ST_INVALID, "金额“%.*s”无效：%s。" DUES_HOW, (int)n, s, why);
    else err_set(e, ST_INVALID, "金额无效：%s。" DUES_HOW, why);
    if (e && pos < n) {
        size_t at = utf8_count(s, pos) + 1;
        const char *p = s + pos;
        int32_t cp = utf8_next(&p, s + n);
        if (cp >= 0x20 && cp != 0x7f)
            snprintf(e->where, sizeof e->where, "第 %zu 个字符“%.*s”", at, (int)(p - (s + pos)), s + pos);
        else snprintf(e->where, sizeof e->where, "第 %zu 个字符（字节 0x%02X）", at, (unsigned char)s[pos]);
    }
    return ST_INVALID;
}

static bool dues_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }
static bool dues_digit(char c) { return c >= '0' && c <= '9'; }

/* Why the character at s[i] cannot be there, with a hint for what people type. */
static const char *dues_amount_why(const char *s, size_t n, size_t i, size_t start) {
    char c = s[i];
    if (c == '-' && i == start) return "金额不能为负数";
    if (c == '+' && i == start) return "不要写正号";
    if (n - i >= 3 && !memcmp(s + i, "元", 3)) return "只写数字，不要带单位“元”";
    if (n - i >= 3 && (unsigned char)s[i] == 0xEF && ((unsigned char)s[i + 1] == 0xBC || (unsigned char)s[i + 1] == 0xBD))
        return "请用半角数字和符号（不要用全角字符）";
    if (c == 'e' || c == 'E') return "不要用科学计数法";
    if (c == ' ' || c == '\t') return "数字中间不能有空格";
    return "这里应是数字";
}

st dues_amount_parse(const char *s, size_t n, int64_t *fen, err *e) {
    if (fen) *fen = 0;
    if (!s) s = "", n = 0;
    size_t a = 0, b = n;
    while (a < b && dues_space(s[a])) a++;
    while (b > a && dues_space(s[b - 1])) b--;
    if (a == b) return dues_amount_fail(e, s, n, n, "没有填写金额");
    int64_t yuan = 0;
    size_t i = a, digits = 0, run = 0, comma = a;
    bool grouped = false;
    for (; i < b && s[i] != '.'; i++) {
        char c = s[i];
        if (dues_digit(c)) {
            yuan = yuan * 10 + (c - '0');
            if (yuan > DUES_FEN_MAX / 100) return dues_amount_fail(e, s, n, n, "金额过大（上限 1,000,000,000,000 元）");
            digits++;
            run++;
        } else if (c == ',') {
            /* thousands separators: 1–3 digits before the first, exactly 3 between and after */
            if (!run || run > 3 || (grouped && run != 3))
                return dues_amount_fail(e, s, n, i, "千位分隔符“,”的位置不对（每三位一个，如 3,000.50）");
            grouped = true;
            comma = i;
            run = 0;
        } else return dues_amount_fail(e, s, n, i, dues_amount_why(s, n, i, a));
    }
    if (grouped && run != 3)
        return dues_amount_fail(e, s, n, comma, "千位分隔符“,”的位置不对（每三位一个，如 3,000.50）");
    if (!digits) return dues_amount_fail(e, s, n, a, "小数点前要有整数部分（如 0.20）");
    int64_t cents = 0;
    if (i < b) {   /* s[i] == '.' */
        size_t dot = i++, k = 0;
        for (; i < b && dues_digit(s[i]); i++, k++) {
            if (k == 2) return dues_amount_fail(e, s, n, i, "最多两位小数（到分）");
            cents = cents * 10 + (s[i] - '0');
        }
        if (i < b) {
            if (s[i] == '.' || s[i] == ',')
                return dues_amount_fail(e, s, n, i, s[i] == '.' ? "只能有一个小数点" : "小数部分不能有千位分隔符");
            return dues_amount_fail(e, s, n, i, dues_amount_why(s, n, i, a));
        }
        if (!k) return dues_amount_fail(e, s, n, dot, "小数点后要有一到两位数字");
        if (k == 1) cents *= 10;
    }
    int64_t v = yuan * 100 + cents;
    if (v > DUES_FEN_MAX) return dues_amount_fail(e, s, n, n, "金额过大（上限 1,000,000,000,000 元）");
    if (fen) *fen = v;
    return ST_OK;
}

/* ---- the calculation ---- */

int64_t dues_apply_rate(int64_t base_fen, int bp, dues_round mode) {
    if (base_fen <= 0 || bp <= 0) return 0;
    /* ≤ 1e14 × 1e4 = 1e18 < INT64_MAX */
    int64_t num = base_fen * bp, q = num / 10000, rem = num % 10000;
    switch (mode) {
    case DUES_ROUND_HALF_UP: return q + (rem * 2 >= 10000);
    case DUES_ROUND_HALF_EVEN: return q + (rem * 2 > 10000 || (rem * 2 == 10000 && (q & 1)));
    case DUES_ROUND_DOWN: return q;
    case DUES_ROUND_UP: return q + (rem > 0);
    }
    return q + (rem * 2 >= 10000);
}

st dues_calc(const dues_rules *r, dues_kind kind, int64_t base_fen, dues_amount *out, err *e) {
    memset(out, 0, sizeof *out);
    if ((int)kind < 0 || kind >= DUES_KINDS)
        return err_field(e, ST_INVALID, "kind", "党员类别无效：应为 employee、retiree、student、unemployed、farmer 或 relief。");
    char b[32];
    dues_fen_format(base_fen, b);
    if (base_fen < 0)
        return err_field(e, ST_INVALID, "base", "月工资基数 %s 元不能为负数。请填写每月税后工资收入中固定、常规的部分。", b);
    if (base_fen > DUES_FEN_MAX)
        return err_field(e, ST_INVALID, "base", "月工资基数 %s 元过大（上限 1,000,000,000,000 元），请核对。", b);
    if (!dues_kind_rated(kind)) {
        out->fen = r->flat[kind];
        out->flat = true;
        return ST_OK;
    }
    if (base_fen == 0)
        return err_field(e, ST_INVALID, "base",
                         "%s的月工资基数为 0：请填写大于 0 的基数；没有收入的党员按失业党员（unemployed）或享受低保的党员（relief）交纳定额党费。",
                         dues_names[kind]);
    const int64_t *max = kind == DUES_EMPLOYEE ? r->employee_max : r->retiree_max;
    const int *bp = kind == DUES_EMPLOYEE ? r->employee_bp : r->retiree_bp;
    int brackets = kind == DUES_EMPLOYEE ? DUES_EMPLOYEE_BRACKETS : DUES_RETIREE_BRACKETS;
    int k = 0;
    while (k < brackets - 1 && base_fen > max[k]) k++;   /* upper bounds inclusive */
    out->bp = bp[k];
    out->bracket = k;
    out->fen = dues_apply_rate(base_fen, bp[k], r->round);
    return ST_OK;
}

/* ---- in words ---- */

int dues_brackets(dues_kind kind) {
    return kind == DUES_EMPLOYEE ? DUES_EMPLOYEE_BRACKETS : kind == DUES_RETIREE ? DUES_RETIREE_BRACKETS : 0;
}

void dues_bracket(const dues_rules *r, dues_kind kind, int k, int64_t *lo, int64_t *hi, int *bp) {
    int n = dues_brackets(kind);
    const int64_t *max = kind == DUES_EMPLOYEE ? r->employee_max : r->retiree_max;
    const int *rate = kind == DUES_EMPLOYEE ? r->employee_bp : r->retiree_bp;
    if (k < 0 || k >= n) {
        *lo = 0, *hi = -1, *bp = 0;
        return;
    }
    *lo = k ? max[k - 1] : 0;
    *hi = k < n - 1 ? max[k] : -1;
    *bp = rate[k];
}

void dues_yuan_format(int64_t fen, char out[32]) {
    dues_fen_format(fen, out);
    if (fen >= 0 && fen % 100 == 0) out[strlen(out) - 3] = 0;
}

void dues_bracket_words(const dues_rules *r, dues_kind kind, int k, char out[128]) {
    int64_t lo, hi;
    int bp;
    dues_bracket(r, kind, k, &lo, &hi, &bp);
    char a[32], b[32];
    dues_yuan_format(lo, a);
    dues_yuan_format(hi, b);
    if (!dues_brackets(kind)) snprintf(out, 128, "每月定额");
    else if (k == 0 && hi >= 0) snprintf(out, 128, "%s 元（含）以下", b);
    else if (hi < 0) snprintf(out, 128, "%s 元以上", a);
    else snprintf(out, 128, "%s 元以上至 %s 元（含）", a, b);
}

void dues_words(dues_kind kind, int64_t base_fen, const dues_amount *a, char out[256]) {
    char amount[32], b[32], rate[16];
    dues_fen_format(a->fen, amount);
    dues_fen_format(base_fen, b);
    dues_bp_format(a->bp, rate);
    if (kind == DUES_EMPLOYEE) snprintf(out, 256, "月交党费 %s 元（月工资基数 %s 元 × %s）", amount, b, rate);
    else if (kind == DUES_RETIREE) snprintf(out, 256, "月交党费 %s 元（离退休党员，月离退休费 %s 元 × %s）", amount, b, rate);
    else snprintf(out, 256, "月交党费 %s 元（%s，每月定额）", amount, dues_kind_name(kind));
}

void dues_rule_words(const dues_rules *r, dues_kind kind, int64_t base_fen, const dues_amount *a, char out[256]) {
    char b[32], rate[16], bracket[128];
    if (a->flat || !dues_kind_rated(kind)) {
        dues_fen_format(a->fen, b);
        snprintf(out, 256, "%s每月定额 %s 元", dues_kind_name(kind), b);
        return;
    }
    dues_fen_format(base_fen, b);
    dues_bp_format(a->bp, rate);
    dues_bracket_words(r, kind, a->bracket, bracket);
    size_t n = strlen(bracket);   /* no space after a full-width parenthesis: "（含）1%" */
    bool paren = n >= 3 && !strcmp(bracket + n - 3, "）");
    snprintf(out, 256, "%s %s 元，适用 %s%s%s", kind == DUES_RETIREE ? "月离退休费" : "月工资基数", b, bracket, paren ? "" : " ", rate);
}

/* ---- the settings ---- */

static st dues_load_amount(const char *name, int64_t *v, err *e) {
    const char *s = cfg_str(name);
    err sub;
    err_clear(&sub);
    if (!dues_amount_parse(s, strlen(s), v, &sub)) return ST_OK;
    return err_field(e, ST_INVALID, name, "设置 %s 的值不对：%s%s%s%s", name, sub.msg,
                     sub.where[0] ? "（位置：" : "", sub.where, sub.where[0] ? "）" : "");
}

static st dues_load_bp(const char *name, int *v, err *e) {
    const char *s = cfg_str(name);
    long x = 0;
    size_t i = 0;
    for (; s[i] && dues_digit(s[i]) && i < 6; i++) x = x * 10 + (s[i] - '0');
    if (!i || s[i] || x > 10000)
        return err_field(e, ST_INVALID, name,
                         "设置 %s 的值“%s”不是费率：应写 0 到 10000 的整数，单位是万分之一（50 即 0.5%%，200 即 2%%），请改正。",
                         name, s);
    *v = (int)x;
    return ST_OK;
}

static st dues_load_increasing(const char *const *names, const int64_t *max, int n, err *e) {
    for (int k = 1; k < n; k++)
        if (max[k] <= max[k - 1]) {
            char a[32], b[32];
            dues_fen_format(max[k - 1], a);
            dues_fen_format(max[k], b);
            return err_field(e, ST_INVALID, names[k],
                             "设置 %s（%s 元）应大于 %s（%s 元）：各档上限须逐档增大，请改正。", names[k], b,
                             names[k - 1], a);
        }
    return ST_OK;
}

st dues_rules_load(dues_rules *r, err *e) {
    memset(r, 0, sizeof *r);
    st s = ST_OK;
    for (int k = 0; !s && k < DUES_EMPLOYEE_BRACKETS - 1; k++) s = dues_load_amount(dues_employee_max[k], &r->employee_max[k], e);
    for (int k = 0; !s && k < DUES_EMPLOYEE_BRACKETS; k++) s = dues_load_bp(dues_employee_rate[k], &r->employee_bp[k], e);
    for (int k = 0; !s && k < DUES_RETIREE_BRACKETS - 1; k++) s = dues_load_amount(dues_retiree_max[k], &r->retiree_max[k], e);
    for (int k = 0; !s && k < DUES_RETIREE_BRACKETS; k++) s = dues_load_bp(dues_retiree_rate[k], &r->retiree_bp[k], e);
    for (int k = 0; !s && k < DUES_KINDS; k++)
        if (dues_flat_settings[k]) s = dues_load_amount(dues_flat_settings[k], &r->flat[k], e);
    if (!s) s = dues_load_amount("dues-farmer-min", &r->farmer_min, e);
    if (!s) s = dues_load_amount("dues-farmer-max", &r->farmer_max, e);
    if (s) return s;
    s = dues_load_increasing(dues_employee_max, r->employee_max, DUES_EMPLOYEE_BRACKETS - 1, e);
    if (!s) s = dues_load_increasing(dues_retiree_max, r->retiree_max, DUES_RETIREE_BRACKETS - 1, e);
    if (s) return s;
    char lo[32], hi[32], v[32];
    dues_fen_format(r->farmer_min, lo);
    dues_fen_format(r->farmer_max, hi);
    if (r->farmer_min > r->farmer_max)
        return err_field(e, ST_INVALID, "dues-farmer-max",
                         "设置 dues-farmer-max（%s 元）不能小于 dues-farmer-min（%s 元），请改正。", hi, lo);
    if (r->flat[DUES_FARMER] < r->farmer_min || r->flat[DUES_FARMER] > r->farmer_max) {
        dues_fen_format(r->flat[DUES_FARMER], v);
        return err_field(e, ST_INVALID, "dues-flat-farmer",
                         "设置 dues-flat-farmer（%s 元）不在农民党员的定额范围 %s–%s 元内（dues-farmer-min、dues-farmer-max），请改正。",
                         v, lo, hi);
    }
    const char *mode = cfg_str("dues-rounding");
    int m = dues_round_parse(mode);
    if (m < 0)
        return err_field(e, ST_INVALID, "dues-rounding",
                         "设置 dues-rounding 的值“%s”无效：应为 half-up（四舍五入，默认）、half-even（四舍六入五成双）、down（舍去）或 up（进一），请改正。",
                         mode);
    r->round = (dues_round)m;
    return ST_OK;
}

/* ---- payment ways ---------------------------------------------------- */

/* The ways built in.  A deployment adds its channel here from a file of its
   own (see dues.h); the treasurer's way has nothing to confirm: a person
   received the money and a receipt is written. */
static const dues_way dues_way_table[] = {
    {"treasurer", "支部党费收缴员收取", false, NULL},
    {NULL, NULL, false, NULL},
};
enum { DUES_WAYS_MAX = 8 };

static const dues_way *way_lookup(const char *name, size_t k) {
    for (const dues_way *w = dues_way_table; w->name; w++)
        if (strlen(w->name) == k && !strncmp(w->name, name, k)) return w;
    return NULL;
}

st dues_ways_active(const dues_way **out, size_t max, size_t *n, err *e) {
    *n = 0;
    const char *p = cfg_str("dues-ways");
    if (!p) p = "";
    while (*p) {
        p += strspn(p, ", ");
        size_t k = strcspn(p, ", ");
        if (!k) break;
        const dues_way *w = way_lookup(p, k);
        if (!w)
            return err_field(e, ST_INVALID, "dues-ways",
                             "设置 dues-ways 中的缴纳方式“%.*s”不存在：本系统只有支部党费收缴员收取（treasurer）；微信支付、银联等须由部署方接入后再列入。",
                             (int)(k > 64 ? 64 : k), p);
        for (size_t i = 0; i < *n; i++)
            if (out[i] == w) return err_field(e, ST_INVALID, "dues-ways", "设置 dues-ways 中的缴纳方式“%s”重复列出。", w->name);
        if (*n >= max) return err_field(e, ST_INVALID, "dues-ways", "设置 dues-ways 列出的缴纳方式过多（最多 %zu 个）。", max);
        out[(*n)++] = w;
        p += k;
    }
    if (!*n) return err_field(e, ST_INVALID, "dues-ways", "设置 dues-ways 为空：至少应列出 treasurer（支部党费收缴员收取）。");
    return ST_OK;
}

const dues_way *dues_way_find(const char *name, err *e) {
    const dues_way *act[DUES_WAYS_MAX];
    size_t n;
    if (dues_ways_active(act, DUES_WAYS_MAX, &n, e)) return NULL;
    char list[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        if (name && !strcmp(act[i]->name, name)) return act[i];
        int w = snprintf(list + used, sizeof list - used, "%s%s（%s）", i ? "、" : "", act[i]->name, act[i]->label);
        if (w > 0 && (size_t)w < sizeof list - used) used += (size_t)w;
    }
    err_field(e, ST_INVALID, "way", "缴纳方式“%.64s”未启用：可用的方式为 %s。", name ? name : "", list);
    return NULL;
}

/* ---- months ------------------------------------------------------------ */

bool dues_month_valid(const char *s) {
    if (!s || strlen(s) != 7 || s[4] != '-') return false;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9')) return false;
    int y = atoi(s), m = atoi(s + 5);
    return y >= 1900 && m >= 1 && m <= 12;
}

static int month_index(const char *m) { return atoi(m) * 12 + atoi(m + 5) - 1; }

int dues_month_diff(const char *a, const char *b) { return month_index(b) - month_index(a); }

void dues_month_add(const char *m, int k, char out[8]) {
    int i = month_index(m) + k;
    if (i < 0) i = 0;
    unsigned y = (unsigned)(i / 12) % 10000u, mo = (unsigned)(i % 12) + 1u;
    snprintf(out, 8, "%04u-%02u", y, mo % 100u);
}

void dues_month_last_day(const char *m, char out[11]) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = atoi(m), mo = atoi(m + 5);
    int d = days[mo - 1];
    if (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) d = 29;
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)mo % 100u, (unsigned)d % 100u);
}
