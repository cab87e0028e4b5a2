/* exam — see exam.h. */
#include "study/exam.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/utf8.h"

static const char *const EF_LABEL[EF__COUNT] = {
    [EF_SEQ] = "序号",   [EF_KIND] = "题型",  [EF_STEM] = "题目",   [EF_A] = "选项A",   [EF_B] = "选项B",
    [EF_C] = "选项C",    [EF_D] = "选项D",    [EF_E] = "选项E",     [EF_F] = "选项F",   [EF_ANSWER] = "答案",
    [EF_EXPLAIN] = "解析", [EF_CATEGORY] = "分类",
};

const char *exam_field_label(exam_field f) { return f >= 0 && f < EF__COUNT ? EF_LABEL[f] : "附加列"; }

static const struct { const char *h; exam_field f; } EF_EXACT[] = {
    {"序号", EF_SEQ},        {"编号", EF_SEQ},        {"题号", EF_SEQ},          {"题型", EF_KIND},
    {"题目类型", EF_KIND},   {"试题类型", EF_KIND},   {"类型", EF_KIND},         {"题目", EF_STEM},
    {"题干", EF_STEM},       {"试题", EF_STEM},       {"试题内容", EF_STEM},     {"题目内容", EF_STEM},
    {"问题", EF_STEM},       {"答案", EF_ANSWER},     {"正确答案", EF_ANSWER},   {"参考答案", EF_ANSWER},
    {"标准答案", EF_ANSWER}, {"解析", EF_EXPLAIN},    {"答案解析", EF_EXPLAIN},  {"试题解析", EF_EXPLAIN},
    {"题目解析", EF_EXPLAIN}, {"说明", EF_EXPLAIN},   {"分类", EF_CATEGORY},     {"类别", EF_CATEGORY},
    {"题目分类", EF_CATEGORY}, {"知识点", EF_CATEGORY}, {"学习类别", EF_CATEGORY},
};

/* NFKC, spaces, stars and colons out, ASCII letters upper case. */
static void ef_norm(const char *s, size_t n, char *out, size_t cap) {
    arena a;
    arena_init(&a, 1 << 16);
    size_t len = utf8_valid_prefix(s, n > 256 ? 256 : n);
    const char *m = len ? utf8_nfkc(&a, s, len, &len) : NULL;
    size_t o = 0;
    const char *p = m, *end = m ? m + len : NULL;
    while (p && p < end) {
        const char *q = p;
        int32_t cp = utf8_next(&q, end);
        if (!utf8_is_space(cp) && cp != '*' && cp != ':' && cp != '-' && cp != '_') {
            size_t l = (size_t)(q - p);
            if (o + l >= cap) break;
            for (size_t i = 0; i < l; i++) {
                char ch = p[i];
                out[o++] = ch >= 'a' && ch <= 'z' ? (char)(ch - 'a' + 'A') : ch;
            }
        }
        p = q;
    }
    out[o] = 0;
    arena_free(&a);
}

int exam_header_field(void *ctx, const char *text, size_t len) {
    (void)ctx;
    char h[256];
    ef_norm(text, len, h, sizeof h);
    if (!*h || strlen(h) > 30) return EF_NONE;
    for (size_t i = 0; i < sizeof EF_EXACT / sizeof EF_EXACT[0]; i++)
        if (!strcmp(h, EF_EXACT[i].h)) return EF_EXACT[i].f;
    /* 选项A, A选项, 选项 A, or a bare A: the option's letter */
    const char *opt = strstr(h, "选项");
    const char *letter = NULL;
    if (opt == h && strlen(h) == strlen("选项") + 1) letter = h + strlen("选项");
    else if (opt && opt == h + 1 && strlen(h) == strlen("选项") + 1) letter = h;
    else if (strlen(h) == 1) letter = h;
    if (letter && *letter >= 'A' && *letter <= 'F') return EF_A + (*letter - 'A');
    if (strstr(h, "解析")) return EF_EXPLAIN;
    if (strstr(h, "答案")) return EF_ANSWER;
    if (strstr(h, "题型")) return EF_KIND;
    if (strstr(h, "题干") || strstr(h, "题目")) return EF_STEM;
    return EF_NONE;
}

void exam_map(const ledger_table *t, exam_cols *out) {
    for (int f = 0; f < EF__COUNT; f++) out->col[f] = -1;
    for (int c = 0; c < t->ncols; c++) {
        const char *h = t->headers[c];
        int f = h ? exam_header_field(NULL, h, strlen(h)) : EF_NONE;
        if (f >= 0 && out->col[f] < 0) out->col[f] = c;
    }
}

bool exam_cols_ok(const exam_cols *cols, char *msg, size_t n) {
    static const exam_field need[] = {EF_KIND, EF_STEM, EF_ANSWER};
    char missing[128] = "";
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (cols->col[need[i]] < 0) {
            size_t l = strlen(missing);
            snprintf(missing + l, sizeof missing - l, "%s“%s”", l ? "、" : "", EF_LABEL[need[i]]);
        }
    if (*missing) {
        snprintf(msg, n, "题库文件缺少%s列，未导入：请下载题库模板，按模板的表头填写后再导入。", missing);
        return false;
    }
    return true;
}

const char *exam_kind_label(const char *kind) {
    if (!kind) return "";
    if (!strcmp(kind, "single")) return "单选题";
    if (!strcmp(kind, "multiple")) return "多选题";
    if (!strcmp(kind, "judge")) return "判断题";
    return "";
}

bool exam_kind_ok(const char *kind) { return *exam_kind_label(kind) != 0; }

static const char *ef_kind_read(const char *s) {
    static const struct { const char *w; const char *k; } K[] = {
        {"单选题", "single"},   {"单选", "single"},     {"单项选择题", "single"},   {"单项选择", "single"},
        {"SINGLE", "single"},   {"多选题", "multiple"}, {"多选", "multiple"},       {"多项选择题", "multiple"},
        {"多项选择", "multiple"}, {"不定项选择题", "multiple"}, {"MULTIPLE", "multiple"}, {"判断题", "judge"},
        {"判断", "judge"},      {"是非题", "judge"},    {"JUDGE", "judge"},
    };
    char h[64];
    ef_norm(s, strlen(s), h, sizeof h);
    for (size_t i = 0; i < sizeof K / sizeof K[0]; i++)
        if (!strcmp(h, K[i].w)) return K[i].k;
    return NULL;
}

/* Letters of an answer as a bit mask (bit i = letter 'A' + i, up to 'Z');
 * false when anything but letters and separators is written. */
static bool ef_letters(const char *in, uint32_t *mask) {
    *mask = 0;
    arena a;
    arena_init(&a, 1 << 14);
    size_t len = utf8_valid_prefix(in, strlen(in) > 200 ? 200 : strlen(in));
    if (len != strlen(in)) {
        arena_free(&a);
        return false;
    }
    const char *m = len ? utf8_nfkc(&a, in, len, &len) : "";
    bool ok = m != NULL;
    const char *p = m, *end = m ? m + len : NULL;
    while (ok && p < end) {
        int32_t cp = utf8_next(&p, end);
        if (cp >= 'a' && cp <= 'z') cp -= 'a' - 'A';
        if (cp >= 'A' && cp <= 'Z') *mask |= 1u << (cp - 'A');
        else if (!(utf8_is_space(cp) || cp == ',' || cp == 0x3001 /* 、 */ || cp == ';' || cp == '/' || cp == '.' ||
                   cp == '|'))
            ok = false;
    }
    arena_free(&a);
    return ok;
}

static void ef_mask_letters(uint32_t mask, char *out) {
    int o = 0;
    for (int i = 0; i < EXAM_MAX_OPTIONS; i++)
        if (mask & (1u << i)) out[o++] = (char)('A' + i);
    out[o] = 0;
}

static int ef_bits(uint32_t m) {
    int n = 0;
    for (; m; m &= m - 1) n++;
    return n;
}

static bool ef_judge_read(const char *in, char *out) {
    static const char *const yes[] = {"对", "正确", "√", "✓", "✔", "T", "TRUE", "是", "Y", "A", "O", NULL};
    static const char *const no[] = {"错", "错误", "×", "✗", "✘", "X", "F", "FALSE", "否", "N", "B", NULL};
    char h[64];
    ef_norm(in, strlen(in), h, sizeof h);
    for (const char *const *w = yes; *w; w++)
        if (!strcmp(h, *w)) return strcpy(out, "A"), true;
    for (const char *const *w = no; *w; w++)
        if (!strcmp(h, *w)) return strcpy(out, "B"), true;
    return false;
}

bool exam_answer_read(const char *kind, int noptions, const char *in, char *out) {
    out[0] = 0;
    if (!in || !kind) return false;
    if (!strcmp(kind, "judge")) return ef_judge_read(in, out);
    uint32_t mask;
    if (!ef_letters(in, &mask) || !mask) return false;
    if (mask >> noptions) return false;
    int n = ef_bits(mask);
    if (!strcmp(kind, "single") ? n != 1 : n < 2) return false;
    ef_mask_letters(mask, out);
    return true;
}

bool exam_answer_given(const char *kind, int noptions, const char *in, char *out) {
    out[0] = 0;
    if (!in || !exam_kind_ok(kind)) return false;
    if (!strcmp(kind, "judge")) noptions = 2;
    if (noptions < 1 || noptions > EXAM_MAX_OPTIONS || strlen(in) > EXAM_MAX_OPTIONS) return false;
    uint32_t mask = 0;
    for (const char *p = in; *p; p++) {
        if (*p < 'A' || *p >= 'A' + noptions) return false;
        mask |= 1u << (*p - 'A');
    }
    if (strcmp(kind, "multiple") && ef_bits(mask) > 1) return false;
    ef_mask_letters(mask, out);
    return true;
}

int exam_halves(const char *kind, const char *right, const char *given, bool partial) {
    if (!right || !given || !*given) return 0;
    if (!strcmp(right, given)) return 2;
    if (!partial || !kind || strcmp(kind, "multiple")) return 0;
    for (const char *p = given; *p; p++)
        if (!strchr(right, *p)) return 0;   /* a wrong letter earns nothing */
    return 1;
}

int exam_percent(int64_t halves, int64_t questions) {
    if (questions <= 0 || halves <= 0) return 0;
    if (halves > 2 * questions) halves = 2 * questions;
    return (int)((halves * 100 + questions) / (2 * questions));
}

static uint64_t ef_splitmix(uint64_t *x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void exam_draw(int n, int k, uint64_t seed, int *scratch, int *out) {
    if (k > n) k = n;
    for (int i = 0; i < n; i++) scratch[i] = i;
    uint64_t x = seed;
    for (int i = 0; i < k; i++) {
        uint64_t span = (uint64_t)(n - i), lim = UINT64_MAX - UINT64_MAX % span, v;
        do v = ef_splitmix(&x);
        while (v >= lim);   /* no modulo bias */
        int j = i + (int)(v % span);
        int t = scratch[i];
        scratch[i] = scratch[j];
        scratch[j] = t;
        out[i] = scratch[i];
    }
}

/* ---- one row ---- */

static const char *ef_cell(const ledger_row *r, const exam_cols *cols, exam_field f, arena *a) {
    int c = cols->col[f];
    if (c < 0 || !r->cells || !r->cells[c]) return NULL;
    const char *s = r->cells[c];
    size_t len = utf8_valid_prefix(s, strlen(s));
    len = utf8_trim(&s, len);
    return len ? arena_strndup(a, s, len) : NULL;
}

static int ef_problem(exam_problem *p, const ledger_row *r, const exam_cols *cols, exam_field f, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int ef_problem(exam_problem *p, const ledger_row *r, const exam_cols *cols, exam_field f, const char *fmt, ...) {
    memset(p, 0, sizeof *p);
    p->sheet_row = r->sheet_row;
    int c = f >= 0 ? cols->col[f] : -1;
    if (c >= 0) ledger_col_letters(c, p->column);
    p->column_name = f >= 0 ? EF_LABEL[f] : NULL;
    int n = c >= 0 ? snprintf(p->msg, sizeof p->msg, "第 %d 行 %s 列（%s）：", r->sheet_row, p->column, EF_LABEL[f])
                   : snprintf(p->msg, sizeof p->msg, "第 %d 行：", r->sheet_row);
    if (n < 0 || (size_t)n >= sizeof p->msg) n = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->msg + n, sizeof p->msg - (size_t)n, fmt, ap);
    va_end(ap);
    utf8_scrub(p->msg, strlen(p->msg));
    return -1;
}

static bool ef_too_long(const char *s, size_t max) { return s && utf8_count(s, strlen(s)) > max; }

int exam_row_read(const ledger_table *t, const exam_cols *cols, const ledger_row *r, arena *a, exam_q *out,
                  exam_problem *p) {
    (void)t;
    memset(out, 0, sizeof *out);
    const char *kind = ef_cell(r, cols, EF_KIND, a), *stem = ef_cell(r, cols, EF_STEM, a),
               *answer = ef_cell(r, cols, EF_ANSWER, a);
    const char *opt[EXAM_MAX_OPTIONS];
    bool any_option = false;
    for (int i = 0; i < EXAM_MAX_OPTIONS; i++) any_option |= (opt[i] = ef_cell(r, cols, (exam_field)(EF_A + i), a)) != NULL;
    out->explanation = ef_cell(r, cols, EF_EXPLAIN, a);
    out->category = ef_cell(r, cols, EF_CATEGORY, a);
    if (!kind && !stem && !answer && !any_option && !out->explanation) return 0;   /* a blank line */
    if (!kind) return ef_problem(p, r, cols, EF_KIND, "题型为空：请填写“单选题”“多选题”或“判断题”。");
    if (!(out->kind = ef_kind_read(kind)))
        return ef_problem(p, r, cols, EF_KIND, "题型“%.60s”无法识别：请填写“单选题”“多选题”或“判断题”。", kind);
    if (!stem) return ef_problem(p, r, cols, EF_STEM, "题目为空：请填写题目的内容。");
    if (ef_too_long(stem, EXAM_STEM_MAX))
        return ef_problem(p, r, cols, EF_STEM, "题目超过 %d 个字：请精简题目。", EXAM_STEM_MAX);
    out->stem = stem;
    if (ef_too_long(out->explanation, EXAM_TEXT_MAX))
        return ef_problem(p, r, cols, EF_EXPLAIN, "解析超过 %d 个字：请精简解析。", EXAM_TEXT_MAX);
    if (ef_too_long(out->category, 30)) return ef_problem(p, r, cols, EF_CATEGORY, "分类超过 30 个字：请使用简短的分类名称。");
    if (!strcmp(out->kind, "judge")) {
        if (!answer) return ef_problem(p, r, cols, EF_ANSWER, "判断题的答案为空：请填写“对”或“错”。");
        if (!ef_judge_read(answer, out->answer))
            return ef_problem(p, r, cols, EF_ANSWER, "判断题的答案“%.40s”无法识别：请填写“对”或“错”（也可写 √、×）。", answer);
        return 1;
    }
    /* choices: options from A on, without a gap, at least two */
    int n = 0;
    for (int i = 0; i < EXAM_MAX_OPTIONS; i++) {
        if (opt[i] && n < i)
            return ef_problem(p, r, cols, (exam_field)(EF_A + n), "选项%c为空，而选项%c有内容：选项须从 A 起依次填写，中间不能空。",
                              'A' + n, 'A' + i);
        if (opt[i]) {
            if (ef_too_long(opt[i], EXAM_OPTION_MAX))
                return ef_problem(p, r, cols, (exam_field)(EF_A + i), "选项超过 %d 个字：请精简选项。", EXAM_OPTION_MAX);
            out->options[n++] = opt[i];
        }
    }
    out->noptions = n;
    const char *label = exam_kind_label(out->kind);
    if (n < 2)
        return ef_problem(p, r, cols, (exam_field)(EF_A + n), "%s至少要有两个选项（选项A、选项B），现在只有 %d 个：请补全选项。", label, n);
    if (!answer) return ef_problem(p, r, cols, EF_ANSWER, "%s的答案为空：请填写正确选项的字母，如“%s”。", label,
                                   !strcmp(out->kind, "single") ? "B" : "ACD");
    uint32_t mask;
    if (!ef_letters(answer, &mask) || !mask)
        return ef_problem(p, r, cols, EF_ANSWER, "答案“%.40s”无法识别：请只填写选项字母，如“%s”。", answer,
                          !strcmp(out->kind, "single") ? "B" : "ACD");
    if (mask >> n)
        return ef_problem(p, r, cols, EF_ANSWER, "答案“%.40s”中有本题没有的选项（本题只有 A–%c）：请核对答案或补全选项。", answer,
                          'A' + n - 1);
    int k = ef_bits(mask);
    if (!strcmp(out->kind, "single") && k != 1)
        return ef_problem(p, r, cols, EF_ANSWER, "单选题只能有一个答案，这里填了“%.40s”：若有多个正确选项，请把题型改为“多选题”。", answer);
    if (!strcmp(out->kind, "multiple") && k < 2)
        return ef_problem(p, r, cols, EF_ANSWER, "多选题至少要有两个正确选项，这里只有“%.40s”：请补全答案，或把题型改为“单选题”。", answer);
    ef_mask_letters(mask, out->answer);
    return 1;
}
