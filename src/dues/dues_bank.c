/* dues_bank — see dues_bank.h. */
#include "dues/dues_bank.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "dues/dues.h"
#include "ledger/table.h"
#include "member/member.h"

/* ---- the statement's columns ----------------------------------------- */

typedef enum bank_field {
    BF_NONE = -1,
    BF_DATE = 0,   /* 交易日期 */
    BF_DATETIME,   /* 交易时间: a day when no 日期 column is there */
    BF_CREDIT,     /* 贷方金额 */
    BF_DEBIT,      /* 借方金额 */
    BF_AMOUNT,     /* 交易金额 (signed, or with a direction) */
    BF_DIR,        /* 借贷标志 */
    BF_NAME,       /* 对方户名 */
    BF_ACCOUNT,    /* 对方账号 */
    BF_MEMO,       /* 摘要 */
    BF_NOTE,       /* 附言 / 用途 / 备注: a second memo */
    BF_BALANCE,    /* 余额 (known, not used) */
    BF_SEQ,        /* 序号 / 流水号 (known, not used) */
    BF__COUNT
} bank_field;


/* Headers as banks write them, after NFKC without spaces and without a
 * bracketed unit ("贷方金额(元)"). */
static const struct { const char *h; bank_field f; } BF_EXACT[] = {
    {"交易日期", BF_DATE},       {"记账日期", BF_DATE},       {"入账日期", BF_DATE},       {"日期", BF_DATE},
    {"交易日", BF_DATE},         {"发生日期", BF_DATE},       {"会计日期", BF_DATE},       {"账务日期", BF_DATE},
    {"交易时间", BF_DATETIME},   {"记账时间", BF_DATETIME},   {"入账时间", BF_DATETIME},   {"交易日期时间", BF_DATETIME},
    {"贷方金额", BF_CREDIT},     {"收入金额", BF_CREDIT},     {"贷方发生额", BF_CREDIT},   {"收入", BF_CREDIT},
    {"贷方", BF_CREDIT},         {"存入金额", BF_CREDIT},     {"存入", BF_CREDIT},         {"来账金额", BF_CREDIT},
    {"借方金额", BF_DEBIT},      {"支出金额", BF_DEBIT},      {"借方发生额", BF_DEBIT},    {"支出", BF_DEBIT},
    {"借方", BF_DEBIT},          {"取出金额", BF_DEBIT},      {"往账金额", BF_DEBIT},      {"交易金额", BF_AMOUNT},
    {"金额", BF_AMOUNT},         {"发生额", BF_AMOUNT},       {"借贷标志", BF_DIR},        {"借贷方向", BF_DIR},
    {"收支标志", BF_DIR},        {"借贷", BF_DIR},            {"收支方向", BF_DIR},        {"交易方向", BF_DIR},
    {"收支", BF_DIR},            {"对方户名", BF_NAME},       {"付款人", BF_NAME},         {"付款人名称", BF_NAME},
    {"付款方户名", BF_NAME},     {"付款人户名", BF_NAME},     {"对方名称", BF_NAME},       {"对方账户名", BF_NAME},
    {"对方账户名称", BF_NAME},   {"对手方户名", BF_NAME},     {"对方户名称", BF_NAME},     {"付款方名称", BF_NAME},
    {"对方账号", BF_ACCOUNT},    {"付款人账号", BF_ACCOUNT},  {"付款账号", BF_ACCOUNT},    {"对方账户", BF_ACCOUNT},
    {"付款方账号", BF_ACCOUNT},  {"对手方账号", BF_ACCOUNT},  {"对方卡号", BF_ACCOUNT},    {"对方账号/卡号", BF_ACCOUNT},
    {"摘要", BF_MEMO},           {"交易摘要", BF_MEMO},       {"附言", BF_NOTE},           {"交易附言", BF_NOTE},
    {"用途", BF_NOTE},           {"备注", BF_NOTE},           {"用途/附言", BF_NOTE},      {"附言/用途", BF_NOTE},
    {"摘要/附言", BF_MEMO},      {"余额", BF_BALANCE},        {"账户余额", BF_BALANCE},    {"交易后余额", BF_BALANCE},
    {"序号", BF_SEQ},            {"流水号", BF_SEQ},          {"交易流水号", BF_SEQ},      {"凭证号", BF_SEQ},
};

/* NFKC; spaces, stars and colons out; a bracketed part ("(元)", "[CNY]") out. */
static void bf_norm(const char *s, size_t n, char *out, size_t cap) {
    arena a;
    arena_init(&a, 1 << 16);
    size_t len = utf8_valid_prefix(s, n > 256 ? 256 : n);
    const char *m = len ? utf8_nfkc(&a, s, len, &len) : NULL;
    size_t o = 0;
    int depth = 0;
    const char *p = m, *end = m ? m + len : NULL;
    while (p && p < end) {
        const char *q = p;
        int32_t cp = utf8_next(&q, end);
        if (cp == '(' || cp == '[' || cp == 0x3010 /* 【 */) depth++;
        else if ((cp == ')' || cp == ']' || cp == 0x3011) && depth > 0) depth--;
        else if (!depth && !utf8_is_space(cp) && cp != '*' && cp != ':') {
            size_t l = (size_t)(q - p);
            if (o + l >= cap) break;
            memcpy(out + o, p, l);
            o += l;
        }
        p = q;
    }
    out[o] = 0;
    arena_free(&a);
}

static int bf_header_field(void *ctx, const char *text, size_t len) {
    (void)ctx;
    char h[256];
    bf_norm(text, len, h, sizeof h);
    if (!*h || strlen(h) > 30) return BF_NONE;
    for (size_t i = 0; i < sizeof BF_EXACT / sizeof BF_EXACT[0]; i++)
        if (!strcmp(h, BF_EXACT[i].h)) return BF_EXACT[i].f;
    return BF_NONE;
}

/* ---- cells ----------------------------------------------------------- */

/* s[0..n) trimmed of white space (ASCII and Unicode) */
static const char *trim(const char *s, size_t *n) {
    size_t len = utf8_valid_prefix(s, *n);
    *n = utf8_trim(&s, len);
    return s;
}

bool dues_bank_day(const char *s, size_t n, char out[11]) {
    out[0] = 0;
    s = trim(s, &n);
    /* the day is before a time: "2026-11-05 10:23:11", "2026-11-05T10:23", "20261105 102311" */
    size_t k = 0;
    while (k < n && s[k] != ' ' && s[k] != 'T' && s[k] != '\t') k++;
    if (!k || k > 40) return false;
    char t[48];
    memcpy(t, s, k);
    t[k] = 0;
    /* an Excel day number is a spreadsheet's own, not a statement's text */
    bool digits = true;
    for (size_t i = 0; i < k; i++) digits = digits && t[i] >= '0' && t[i] <= '9';
    if (digits && k != 8) return false;
    return member_day_parse(t, out);
}

st dues_bank_amount(const char *s, size_t n, int64_t *fen, bool *negative, err *e) {
    *fen = 0;
    *negative = false;
    char in[128];
    if (n >= sizeof in) return err_set(e, ST_INVALID, "金额太长，不是一个金额。");
    memcpy(in, s, n);
    in[n] = 0;
    const char *v = trim(in, &n);
    bool paren = n >= 2 && v[0] == '(' && v[n - 1] == ')';
    if (paren) { v++; n -= 2; }
    char t[128];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t rest = n - i;
        if (rest >= 2 && !strncmp(v + i, "¥", 2)) { i += 1; continue; }        /* U+00A5 */
        if (rest >= 3 && !strncmp(v + i, "￥", 3)) { i += 2; continue; }       /* U+FFE5 */
        if (rest == 3 && !strncmp(v + i, "元", 3)) break;
        if (rest >= 3 && !strncmp(v + i, "，", 3)) { t[k++] = ','; i += 2; continue; }
        if (v[i] == ' ') continue;
        t[k++] = v[i];
    }
    t[k] = 0;
    const char *p = t;
    if (k >= 3 && (!strncmp(p, "RMB", 3) || !strncmp(p, "CNY", 3))) p += 3;
    if (*p == '+') p++;
    else if (*p == '-') { *negative = true; p++; }
    if (paren) *negative = true;
    return dues_amount_parse(p, strlen(p), fen, e);
}

void dues_bank_mask_account(const char *s, char *out, size_t n) {
    if (!n) return;
    out[0] = 0;
    if (!s) return;
    char d[64];
    size_t k = 0;
    for (const char *p = s; *p && k < sizeof d - 1; p++)
        if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) d[k++] = *p;
    d[k] = 0;
    if (!k) return;
    size_t o = 0;
    for (size_t i = 0; i < k && o + 1 < n; i++) {
        bool keep = k > 8 ? (i < 4 || i >= k - 4) : i >= (k > 4 ? k - 4 : 0);
        out[o++] = keep ? d[i] : '*';
    }
    out[o] = 0;
}

char *dues_bank_norm_name(arena *a, const char *s) {
    if (!s) return arena_strdup(a, "");
    size_t n = utf8_valid_prefix(s, strlen(s));
    size_t len = 0;
    const char *m = n ? utf8_nfkc(a, s, n, &len) : "";
    if (!m) return arena_strdup(a, "");
    char *out = arena_alloc(a, len + 1);
    if (!out) return arena_strdup(a, "");
    size_t o = 0;
    const char *p = m, *end = m + len;
    while (p < end) {
        const char *q = p;
        int32_t cp = utf8_next(&q, end);
        /* spaces and the dots between the parts of a name (·, •, ‧, ・) */
        if (!utf8_is_space(cp) && cp != 0xB7 && cp != 0x2022 && cp != 0x2027 && cp != 0x30FB && cp != 0xFF65) {
            memcpy(out + o, p, (size_t)(q - p));
            o += (size_t)(q - p);
        }
        p = q;
    }
    out[o] = 0;
    return out;
}

/* ---- reading a statement --------------------------------------------- */

/* Words of the lines a bank adds under the transactions. */
static const char *const FOOTER_WORDS[] = {"合计", "总计", "小计", "共计", "累计", "笔数", "打印", "制表", "经办",
                                           "复核", "注：", "注:", "说明", "本页", "期末余额", "期初余额", "承前页",
                                           "过次页", "以下空白", "END", "End"};

static bool footer_like(const ledger_table *t, const ledger_row *r) {
    for (int c = 0; c < t->ncols; c++) {
        const char *v = r->cells[c];
        if (!v || !*v) continue;
        for (size_t i = 0; i < sizeof FOOTER_WORDS / sizeof *FOOTER_WORDS; i++)
            if (strstr(v, FOOTER_WORDS[i])) return true;
    }
    return false;
}

static bool blank_cell(const char *v) {
    size_t n = v ? strlen(v) : 0;
    v = trim(v ? v : "", &n);
    if (!n) return true;
    /* "-", "--", "—", "/" in an empty amount cell */
    return (n == 1 && (v[0] == '-' || v[0] == '/')) || (n == 2 && !strncmp(v, "--", 2)) || (n == 3 && !strncmp(v, "—", 3)) ||
           (n == 6 && !strncmp(v, "——", 6));
}

static const char *cell(const ledger_row *r, int col) { return col >= 0 && r->cells[col] ? r->cells[col] : ""; }

static const char *tidy(arena *a, const char *v) {
    size_t n = strlen(v);
    const char *s = trim(v, &n);
    char *o = arena_strndup(a, s, n);
    return o ? o : "";
}

/* The place of a cell in words: "「x.csv」第 7 行“交易日期”列（B 列）". */
static st cell_err(err *e, const dues_bank_statement *s, const ledger_table *t, int sheet_row, int col, const char *value,
                   const char *how) {
    char letters[8];
    ledger_col_letters(col, letters);
    st r = err_set(e, ST_INVALID, "「%s」第 %d 行“%s”列（%s 列）的“%.60s”%s", s->source, sheet_row, t->headers[col], letters,
                   value, how);
    if (e) {
        snprintf(e->where, sizeof e->where, "第 %d 行 %s 列", sheet_row, letters);
        snprintf(e->field, sizeof e->field, "file");
    }
    return r;
}

static st bank_from_table(const char *name, ledger_table *t, dues_bank_statement **out, err *e) {
    dues_bank_statement *s = calloc(1, sizeof *s);
    if (!s) return err_set(e, ST_NOMEM, "内存不足。");
    arena_init(&s->mem, (size_t)1 << 30);
    s->source = arena_strdup(&s->mem, name ? name : "银行流水");
    s->format = arena_strdup(&s->mem, t->format ? t->format : "");
    s->encoding = t->encoding ? arena_strdup(&s->mem, t->encoding) : NULL;
    memcpy(s->sha256, t->sha256, sizeof s->sha256);
    s->header_row = t->header_row;
    int col[BF__COUNT];
    for (int f = 0; f < BF__COUNT; f++) col[f] = -1;
    for (int c = 0; c < t->ncols; c++) {
        const char *h = t->headers[c];
        int f = h ? bf_header_field(NULL, h, strlen(h)) : BF_NONE;
        if (f >= 0 && col[f] < 0) col[f] = c;
    }
    if (col[BF_DATE] < 0) col[BF_DATE] = col[BF_DATETIME];
    st r = ST_OK;
    if (col[BF_DATE] < 0)
        r = err_field(e, ST_INVALID, "file",
                      "「%s」的表头（第 %d 行）里没有找到交易日期列：银行流水应有“交易日期”或“记账日期”一列。请确认选的是银行导出的流水明细。",
                      s->source, t->header_row);
    else if (col[BF_CREDIT] < 0 && col[BF_AMOUNT] < 0)
        r = err_field(e, ST_INVALID, "file",
                      "「%s」的表头（第 %d 行）里没有找到收入金额列：银行流水应有“贷方金额”“收入金额”或“交易金额”一列。", s->source,
                      t->header_row);
    else if (col[BF_NAME] < 0)
        r = err_field(e, ST_INVALID, "file",
                      "「%s」的表头（第 %d 行）里没有找到付款人列：银行流水应有“对方户名”或“付款人”一列，才能知道是谁交的党费。",
                      s->source, t->header_row);
    if (r) {
        dues_bank_free(s);
        return r;
    }
    s->lines = arena_calloc(&s->mem, (size_t)t->nrows + 1, sizeof *s->lines);
    if (!s->lines) {
        dues_bank_free(s);
        return err_set(e, ST_NOMEM, "内存不足，无法读取「%s」。", name);
    }
    bool footer = false;   /* once the summary lines began, nothing after them is a transaction */
    for (int i = 0; i < t->nrows && !r; i++) {
        const ledger_row *row = &t->rows[i];
        const char *dv = cell(row, col[BF_DATE]);
        dues_bank_line *l = &s->lines[s->nlines];
        bool day_ok = dues_bank_day(dv, strlen(dv), l->day);
        if (!day_ok) {
            if (footer || blank_cell(dv) || footer_like(t, row)) {
                footer = footer || !blank_cell(dv) || footer_like(t, row);
                s->skipped++;
                continue;
            }
            r = cell_err(e, s, t, row->sheet_row, col[BF_DATE], dv,
                         "不是日期：应写作 2026-11-05、2026/11/05 或 20261105。");
            break;
        }
        if (footer) {   /* a dated line after the summary: the bank's print time and the like */
            s->skipped++;
            continue;
        }
        int64_t fen = 0, debit = 0;
        bool neg = false;
        err ae;
        const char *cv = col[BF_CREDIT] >= 0 ? cell(row, col[BF_CREDIT]) : cell(row, col[BF_AMOUNT]);
        int ccol = col[BF_CREDIT] >= 0 ? col[BF_CREDIT] : col[BF_AMOUNT];
        if (!blank_cell(cv) && dues_bank_amount(cv, strlen(cv), &fen, &neg, &ae)) {
            char how[600];
            snprintf(how, sizeof how, "不是金额：%s", ae.msg);
            r = cell_err(e, s, t, row->sheet_row, ccol, cv, how);
            break;
        }
        if (col[BF_CREDIT] < 0 && col[BF_DIR] >= 0) {   /* one amount column and a direction */
            const char *d = cell(row, col[BF_DIR]);
            if (strstr(d, "借") || strstr(d, "支") || strstr(d, "出") || !strcmp(d, "D") || !strcmp(d, "d")) neg = true;
        }
        if (col[BF_CREDIT] >= 0 && (blank_cell(cv) || fen == 0) && col[BF_DEBIT] >= 0) {
            const char *dv2 = cell(row, col[BF_DEBIT]);
            bool dneg;
            if (!blank_cell(dv2) && dues_bank_amount(dv2, strlen(dv2), &debit, &dneg, &ae)) {
                char how[600];
                snprintf(how, sizeof how, "不是金额：%s", ae.msg);
                r = cell_err(e, s, t, row->sheet_row, col[BF_DEBIT], dv2, how);
                break;
            }
        }
        l->row = row->sheet_row;
        if (neg && fen > 0) {
            l->kind = "debit";
            l->fen = -fen;
        } else if (fen > 0) {
            l->kind = "credit";
            l->fen = fen;
            l->payment = true;
        } else if (debit > 0) {
            l->kind = "debit";
            l->fen = -debit;
        } else {
            l->kind = "zero";
            l->fen = 0;
        }
        l->payer_name = tidy(&s->mem, cell(row, col[BF_NAME]));
        char masked[64];
        dues_bank_mask_account(cell(row, col[BF_ACCOUNT]), masked, sizeof masked);
        l->payer_account = arena_strdup(&s->mem, masked);
        const char *memo = tidy(&s->mem, cell(row, col[BF_MEMO]));
        const char *note = tidy(&s->mem, cell(row, col[BF_NOTE]));
        if (*memo && *note && strcmp(memo, note)) l->memo = arena_printf(&s->mem, "%s；%s", memo, note);
        else l->memo = *memo ? memo : note;
        if (!l->payer_name || !l->payer_account || !l->memo) {
            r = err_set(e, ST_NOMEM, "内存不足，无法读取「%s」。", s->source);
            break;
        }
        s->nlines++;
    }
    if (r) {
        dues_bank_free(s);
        return r;
    }
    *out = s;
    return ST_OK;
}

static const ledger_read_opts BANK_OPTS = {
    .header_field = bf_header_field,
    .header_hint = "“交易日期”“贷方金额”“对方户名”",
    .max_cell_text = 64u << 20,
    .max_memory = 512u << 20,
};

/* A file that cannot be read is the user's to fix, not the server's failure. */
static st bank_table_err(st s, err *e) {
    if (s != ST_IO) return s;
    if (e) e->code = ST_INVALID;
    return ST_INVALID;
}

st dues_bank_read_mem(const char *name, const void *data, size_t len, dues_bank_statement **out, err *e) {
    *out = NULL;
    if (!len) return err_field(e, ST_INVALID, "file", "「%s」是空文件，请重新从网银导出流水明细。", name ? name : "银行流水");
    ledger_table *t = NULL;
    st s = ledger_table_read_mem(name ? name : "银行流水", data, len, &BANK_OPTS, &t, e);
    if (s) return bank_table_err(s, e);
    s = bank_from_table(name, t, out, e);
    ledger_table_free(t);
    return s;
}

st dues_bank_read(const char *path, const char *name, dues_bank_statement **out, err *e) {
    *out = NULL;
    ledger_table *t = NULL;
    st s = ledger_table_read(path, &BANK_OPTS, &t, e);
    if (s) return bank_table_err(s, e);
    if (!t->ncols && !t->nrows) {
        ledger_table_free(t);
        return err_field(e, ST_INVALID, "file", "「%s」是空文件，请重新从网银导出流水明细。", name ? name : "银行流水");
    }
    s = bank_from_table(name, t, out, e);
    ledger_table_free(t);
    return s;
}

void dues_bank_free(dues_bank_statement *s) {
    if (!s) return;
    arena_free(&s->mem);
    free(s);
}

/* ---- the matcher ----------------------------------------------------- */

static void money(int64_t fen, char out[32]) { dues_fen_format(fen, out); }

/* The members whose name is nm (normalised); their indexes in idx, count returned. */
static int by_name(dues_bank_member *m, int nm, char **norm, const char *name, int *idx, int cap) {
    int k = 0;
    if (!*name) return 0;
    for (int i = 0; i < nm; i++)
        if (!strcmp(norm[i], name)) {
            if (k < cap) idx[k] = i;
            k++;
        }
    (void)m;
    return k;
}

/* Take the months of member mb that line's fen pays (oldest owed first). */
static void take_months(dues_bank_member *mb, const dues_bank_line *l, bool proxy, const char *payer, arena *a,
                        dues_bank_match *o) {
    char f[32];
    money(l->fen, f);
    int left = mb->nowed - mb->taken;
    if (left <= 0) {
        o->reason = arena_printf(a, "%s 本月及以前没有欠交的党费，%s 元无法对应到月份，请人工处理（预交需支部同意）。", mb->name, f);
        return;
    }
    int64_t sum = 0;
    int k = 0;
    const dues_bank_owed *ow = mb->owed + mb->taken;
    int gap = -1;
    while (k < left && sum < l->fen) {
        if (k > 0) {   /* the months of one payment follow each other */
            char next[8];
            dues_month_add(ow[k - 1].month, 1, next);
            if (strcmp(next, ow[k].month)) {
                gap = k;
                break;
            }
        }
        sum += ow[k].fen;
        k++;
    }
    if (sum != l->fen) {
        char first[32], all[32];
        money(ow[0].fen, first);
        int64_t total = 0;
        for (int i = 0; i < left; i++) total += ow[i].fen;
        money(total, all);
        if (sum < l->fen && gap > 0)
            o->reason = arena_printf(a,
                                     "%s 所欠的月份不相连（%s 之后欠的是 %s），%s 元跨过了已交的月份，一笔只能对应相连的月份，请人工分配。",
                                     mb->name, ow[gap - 1].month, ow[gap].month, f);
        else if (sum < l->fen && k == left)
            o->reason = arena_printf(a,
                                     "%s 元多于 %s 所欠的 %d 个月党费（共 %s 元）：多出的部分是预交还是自愿多交，请人工分配。", f,
                                     mb->name, left, all);
        else
            o->reason = arena_printf(a, "%s 元不是 %s 所欠党费的整月数（共欠 %d 个月 %s 元，最早的 %s 为 %s 元），请人工分配。", f,
                                     mb->name, left, all, ow[0].month, first);
        return;
    }
    o->person_id = mb->person_id;
    o->name = mb->name;
    snprintf(o->first, sizeof o->first, "%s", ow[0].month);
    snprintf(o->last, sizeof o->last, "%s", ow[k - 1].month);
    o->months = k;
    o->proxy = proxy;
    o->proxy_name = proxy ? payer : NULL;
    mb->taken += k;
    if (proxy)
        o->reason = k == 1 ? arena_printf(a, "%s 代 %s 缴纳 %s 党费。", payer, mb->name, o->first)
                           : arena_printf(a, "%s 代 %s 缴纳 %s 至 %s 共 %d 个月党费。", payer, mb->name, o->first, o->last, k);
    else
        o->reason = k == 1 ? arena_printf(a, "%s 缴纳 %s 党费。", mb->name, o->first)
                           : arena_printf(a, "%s 缴纳 %s 至 %s 共 %d 个月党费。", mb->name, o->first, o->last, k);
}

void dues_bank_match_lines(const dues_bank_line *lines, int n, dues_bank_member *members, int nm, arena *a,
                           dues_bank_match *out) {
    char **norm = nm ? arena_calloc(a, (size_t)nm, sizeof *norm) : NULL;
    for (int i = 0; i < nm; i++) {
        norm[i] = dues_bank_norm_name(a, members[i].name);
        members[i].taken = 0;
    }
    for (int i = 0; i < n; i++) {
        const dues_bank_line *l = &lines[i];
        dues_bank_match *o = &out[i];
        memset(o, 0, sizeof *o);
        if (!l->payment) {
            o->reason = l->fen < 0 ? "支出（借方），不是缴费。" : "金额为零，不是缴费。";
            continue;
        }
        const char *payer = dues_bank_norm_name(a, l->payer_name);
        const char *memo = dues_bank_norm_name(a, l->memo);
        /* the members the memo names (other than the payer), a name inside a longer one not counted */
        int named[8], nnamed = 0;
        bool many = false;
        for (int j = 0; j < nm; j++) {
            if (utf8_count(norm[j], strlen(norm[j])) < 2 || !strstr(memo, norm[j]) || !strcmp(norm[j], payer)) continue;
            bool inside = false;
            for (int q = 0; q < nm && !inside; q++)
                inside = q != j && strlen(norm[q]) > strlen(norm[j]) && strstr(norm[q], norm[j]) && strstr(memo, norm[q]);
            if (inside) continue;
            bool dup = false;
            for (int q = 0; q < nnamed; q++) dup = dup || !strcmp(norm[named[q]], norm[j]);
            if (dup) continue;
            if (nnamed < 8) named[nnamed++] = j;
            else many = true;
        }
        int same[2];
        int npayer = by_name(members, nm, norm, payer, same, 2);
        bool proxy_words = strstr(memo, "代") || strstr(memo, "替");
        if (nnamed > 1 || many) {
            o->reason = arena_printf(a, "摘要“%s”里有不止一名党员的姓名（%s、%s），无法确定是谁的党费，请人工分配。", l->memo,
                                     members[named[0]].name, members[named[1]].name);
            continue;
        }
        int who = -1;
        bool proxy = false;
        if (nnamed == 1 && (proxy_words || npayer == 0)) {
            int idx[2];
            int k = by_name(members, nm, norm, norm[named[0]], idx, 2);
            if (k > 1) {
                o->reason = arena_printf(a, "本支部有 %d 名党员叫%s，摘要未说明是哪一位，请人工分配。", k, members[named[0]].name);
                continue;
            }
            who = named[0];
            proxy = true;
        } else if (npayer > 1) {
            o->reason = arena_printf(a, "本支部有 %d 名党员叫%s，无法确定是哪一位交的，请人工分配。", npayer, l->payer_name);
            continue;
        } else if (npayer == 1) {
            who = same[0];
        } else {
            o->reason = *l->payer_name
                            ? arena_printf(a, "付款人“%s”不是本支部党员，摘要里也没有党员的姓名，请人工分配或忽略。", l->payer_name)
                            : arena_printf(a, "这一笔没有付款人姓名，摘要里也没有党员的姓名，请人工分配或忽略。");
            continue;
        }
        take_months(&members[who], l, proxy, l->payer_name, a, o);
    }
}
