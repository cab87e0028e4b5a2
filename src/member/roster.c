/* roster — see roster.h. */
#include "member/roster.h"

#include <stdio.h>
#include <string.h>

#include "core/utf8.h"

static const char *const RF_LABEL[RF__COUNT] = {
    [RF_SEQ] = "序号",     [RF_NAME] = "姓名",   [RF_ID] = "公民身份号码", [RF_GENDER] = "性别",
    [RF_BIRTH] = "出生日期", [RF_ETHNIC] = "民族", [RF_EDU] = "学历",        [RF_CATEGORY] = "人员类别",
    [RF_JOINED] = "入党日期", [RF_FULL] = "转正日期", [RF_POST] = "工作岗位",  [RF_PHONE] = "联系电话",
    [RF_STATE] = "党籍状态", [RF_EMPLOYER] = "工作单位",
};

const char *roster_field_label(roster_field f) { return f >= 0 && f < RF__COUNT ? RF_LABEL[f] : "附加列"; }

/* Headers as branches write them (exact, after NFKC and without spaces) ... */
static const struct { const char *h; roster_field f; } RF_EXACT[] = {
    {"序号", RF_SEQ},          {"编号", RF_SEQ},          {"姓名", RF_NAME},           {"党员姓名", RF_NAME},
    {"名字", RF_NAME},         {"公民身份号码", RF_ID},   {"身份证号", RF_ID},         {"身份证号码", RF_ID},
    {"居民身份证号", RF_ID},   {"居民身份证号码", RF_ID}, {"证件号码", RF_ID},         {"性别", RF_GENDER},
    {"出生日期", RF_BIRTH},    {"出生年月", RF_BIRTH},    {"出生年月日", RF_BIRTH},     {"民族", RF_ETHNIC},
    {"学历", RF_EDU},          {"文化程度", RF_EDU},      {"全日制学历", RF_EDU},      {"最高学历", RF_EDU},
    {"人员类别", RF_CATEGORY}, {"党员类型", RF_CATEGORY}, {"党员类别", RF_CATEGORY},  {"类别", RF_CATEGORY},
    {"入党日期", RF_JOINED},   {"入党时间", RF_JOINED},   {"加入党组织日期", RF_JOINED}, {"转正日期", RF_FULL},
    {"转为正式党员日期", RF_FULL}, {"转正时间", RF_FULL},  {"工作岗位", RF_POST},       {"职务", RF_POST},
    {"岗位", RF_POST},         {"联系电话", RF_PHONE},    {"手机号码", RF_PHONE},      {"手机", RF_PHONE},
    {"电话", RF_PHONE},        {"党籍状态", RF_STATE},    {"工作单位", RF_EMPLOYER},   {"所在单位", RF_EMPLOYER},
};
/* ... and key words for the rest, most specific first (转正 before 入党). */
static const struct { const char *w; roster_field f; } RF_WORDS[] = {
    {"身份证", RF_ID}, {"身份号码", RF_ID}, {"转正", RF_FULL}, {"入党", RF_JOINED}, {"出生", RF_BIRTH},
    {"电话", RF_PHONE}, {"手机", RF_PHONE}, {"学历", RF_EDU}, {"姓名", RF_NAME},
};

/* NFKC, spaces and stars out (a header "姓 名*" is 姓名). */
static void rf_norm(const char *s, size_t n, char *out, size_t cap) {
    arena a;
    arena_init(&a, 1 << 16);
    size_t len = utf8_valid_prefix(s, n > 256 ? 256 : n);
    const char *m = len ? utf8_nfkc(&a, s, len, &len) : NULL;
    size_t o = 0;
    const char *p = m, *end = m ? m + len : NULL;
    while (p && p < end) {
        const char *q = p;
        int32_t cp = utf8_next(&q, end);
        if (!utf8_is_space(cp) && cp != '*' && cp != ':') {
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

int roster_header_field(void *ctx, const char *text, size_t len) {
    (void)ctx;
    char h[256];
    rf_norm(text, len, h, sizeof h);
    if (!*h || strlen(h) > 30) return RF_NONE;   /* a title, not a header */
    for (size_t i = 0; i < sizeof RF_EXACT / sizeof RF_EXACT[0]; i++)
        if (!strcmp(h, RF_EXACT[i].h)) return RF_EXACT[i].f;
    for (size_t i = 0; i < sizeof RF_WORDS / sizeof RF_WORDS[0]; i++)
        if (strstr(h, RF_WORDS[i].w)) return RF_WORDS[i].f;
    return RF_NONE;
}

void roster_map(const ledger_table *t, roster_cols *out) {
    for (int f = 0; f < RF__COUNT; f++) out->col[f] = -1;
    for (int c = 0; c < t->ncols; c++) {
        const char *h = t->headers[c];
        int f = h ? roster_header_field(NULL, h, strlen(h)) : RF_NONE;
        if (f >= 0 && out->col[f] < 0) out->col[f] = c;   /* the first such column counts */
    }
}

/* s without the suffix suf (returns the new length). */
static size_t rf_strip(char *s, const char *suf) {
    size_t n = strlen(s), k = strlen(suf);
    if (n >= k && !strcmp(s + n - k, suf)) s[n -= k] = 0;
    return n;
}

static bool rf_orgish(const char *s) {
    return strstr(s, "支部") || strstr(s, "委员会") || strstr(s, "总支") || strstr(s, "党委");
}

static void rf_org_clean(char *s) {
    static const char *const ext[] = {".xlsx", ".xls", ".csv", ".XLSX", ".XLS", ".CSV"};
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) rf_strip(s, ext[i]);
    /* "（2018年6月）", "(2018)" and the like after the name */
    char *paren = strstr(s, "（");
    if (!paren) paren = strchr(s, '(');
    if (paren && paren > s) *paren = 0;
    static const char *const suffix[] = {"党员花名册", "花名册", "党员名册", "名册", "党员名单", "名单", "_", "-", " "};
    for (size_t before = 0; before != strlen(s);) {   /* until nothing more comes off */
        before = strlen(s);
        for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) rf_strip(s, suffix[i]);
    }
}

bool roster_org_name(const ledger_table *t, char *out, size_t n) {
    out[0] = 0;
    if (t->title && rf_orgish(t->title)) {
        rf_norm(t->title, strlen(t->title), out, n);
        rf_org_clean(out);
        if (*out && rf_orgish(out)) return true;
    }
    if (t->source) {
        rf_norm(t->source, strlen(t->source), out, n);
        rf_org_clean(out);
    }
    return *out != 0;
}

const char *roster_org_kind(const char *name) {
    size_t n = strlen(name);
    if (strstr(name, "联合") && strstr(name, "支部")) return "联合党支部";
    if (strstr(name, "总支")) return "党总支";
    if (n >= 9 && !strcmp(name + n - 9, "委员会") && !strstr(name, "支部")) return "党委";
    return "党支部";
}

void roster_org_enterprise(const char *org_name, char *out, size_t n) {
    out[0] = 0;
    const char *p = org_name;
    if (!strncmp(p, "中共", 6)) p += 6;
    snprintf(out, n, "%s", p);
    static const char *const suf[] = {"联合支部委员会", "联合党支部", "总支部委员会", "支部委员会", "党支部", "支部", "委员会"};
    for (size_t i = 0; i < sizeof suf / sizeof suf[0]; i++) {
        size_t before = strlen(out);
        if (rf_strip(out, suf[i]) != before) break;
    }
    if (!strstr(out, "公司") && !strstr(out, "企业")) out[0] = 0;   /* a place, a park: no enterprise */
}

/* The cell of field f, trimmed, or NULL when empty or absent. */
static const char *rf_cell(const ledger_row *r, const roster_cols *cols, roster_field f, arena *a) {
    int c = cols->col[f];
    if (c < 0 || !r->cells || !r->cells[c]) return NULL;
    const char *s = r->cells[c];
    size_t len = utf8_valid_prefix(s, strlen(s));
    len = utf8_trim(&s, len);
    return len ? arena_strndup(a, s, len) : NULL;
}

/* A Chinese name written with a stray space ("王 伟", full-width too) is one name. */
static const char *rf_name(const char *s, arena *a) {
    if (!s) return NULL;
    char tidy[256];
    rf_norm(s, strlen(s), tidy, sizeof tidy);
    return arena_strdup(a, tidy);
}

static const char *rf_ethnic(const char *s, arena *a) {
    if (!s) return NULL;
    size_t n = strlen(s);
    if (n >= 3 && !strcmp(s + n - 3, "族")) return s;
    return arena_printf(a, "%s族", s);   /* 汉 → 汉族 */
}

static const char *rf_category(const char *s) {
    if (!s) return NULL;
    if (strstr(s, "预备")) return MEMBER_PROBATION;
    if (strstr(s, "正式")) return MEMBER_FULL;
    return s;   /* refused by the check, quoted in its message */
}

void roster_row_read(const ledger_table *t, const roster_cols *cols, const ledger_row *r, arena *a, roster_row *out) {
    (void)t;
    memset(out, 0, sizeof *out);
    member_new *m = &out->m;
    m->name = rf_name(rf_cell(r, cols, RF_NAME, a), a);
    m->id_number = rf_cell(r, cols, RF_ID, a);
    m->gender = rf_cell(r, cols, RF_GENDER, a);
    m->birth = rf_cell(r, cols, RF_BIRTH, a);
    m->ethnicity = rf_ethnic(rf_cell(r, cols, RF_ETHNIC, a), a);
    m->education = rf_cell(r, cols, RF_EDU, a);
    m->category = rf_category(rf_cell(r, cols, RF_CATEGORY, a));
    m->joined_on = rf_cell(r, cols, RF_JOINED, a);
    m->full_on = rf_cell(r, cols, RF_FULL, a);
    m->post = rf_cell(r, cols, RF_POST, a);
    m->phone = rf_cell(r, cols, RF_PHONE, a);
    m->state = rf_cell(r, cols, RF_STATE, a);
    out->employer = rf_cell(r, cols, RF_EMPLOYER, a);
    /* no category column: a full-member date says 正式党员, none 预备党员 */
    if (!m->category && cols->col[RF_CATEGORY] < 0) m->category = m->full_on ? MEMBER_FULL : MEMBER_PROBATION;
}
