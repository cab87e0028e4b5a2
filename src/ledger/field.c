/* field — canonical ledger fields, the synonym dictionary, header detection
 * and explicit mappings.
 *
 * Every office names its columns differently (企业名称 / 单位名称 / 公司名称 /
 * 企业（单位）名称 …).  A header is normalised (NFKC, spaces out, ASCII upper)
 * and then matched in two steps: an exact table of known headers, then an
 * ordered list of key words, where the order settles overlaps (联系电话 is a
 * phone before it is a contact; 经营地址 an address before 经营状态 a status).
 * Key words only apply to short texts, so a title row ("…企业名单（经信局）")
 * never looks like a header. */
#include "ledger/read_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "core/utf8.h"

static const struct { const char *name, *label; } FIELDS[LF__COUNT] = {
    [LF_SEQ] = {"seq", "序号"},
    [LF_NAME] = {"name", "企业名称"},
    [LF_CODE] = {"code", "统一社会信用代码"},
    [LF_ADDRESS] = {"address", "地址"},
    [LF_DISTRICT] = {"district", "所属区"},
    [LF_STREET] = {"street", "街道"},
    [LF_PARK] = {"park", "园区"},
    [LF_EMPLOYEES] = {"employees", "从业人数"},
    [LF_MEMBERS] = {"members", "党员数"},
    [LF_CATEGORY] = {"category", "所属行业"},
    [LF_STATUS] = {"status", "经营状态"},
    [LF_CONTACT] = {"contact", "联系人"},
    [LF_PHONE] = {"phone", "联系电话"},
    [LF_CAPITAL] = {"capital", "注册资本"},
    [LF_FOUNDED] = {"founded", "成立日期"},
    [LF_SCOPE] = {"scope", "经营范围"},
    [LF_PREMISES] = {"premises", "办公场所"},
    [LF_OPERATING] = {"operating", "是否正常经营"},
    [LF_LNG] = {"lng", "经度"},
    [LF_LAT] = {"lat", "纬度"},
};

const char *ledger_field_name(ledger_field f) {
    return f >= 0 && f < LF__COUNT ? FIELDS[f].name : "none";
}

const char *ledger_field_label(ledger_field f) {
    return f >= 0 && f < LF__COUNT ? FIELDS[f].label : "附加列";
}

ledger_field ledger_field_by_name(const char *s) {
    if (!s) return LF_NONE;
    for (int f = 0; f < LF__COUNT; f++)
        if (strcasecmp(s, FIELDS[f].name) == 0 || strcmp(s, FIELDS[f].label) == 0) return (ledger_field)f;
    return LF_NONE;
}

char *ledger_field_norm(const char *s, size_t n, char *out, size_t cap) {
    size_t o = 0;
    if (cap == 0) return out;
    arena a;
    arena_init(&a, 0);
    size_t len = utf8_valid_prefix(s, n);
    const char *m = len ? utf8_nfkc(&a, s, len, &len) : NULL;
    if (!m) { m = ""; len = 0; }
    const char *p = m, *end = m + len;
    while (p < end) {
        const char *q = p;
        int32_t cp = utf8_next(&q, end);
        /* Spaces, line breaks inside a header cell, and stars marking
         * required columns carry no meaning. */
        if (utf8_is_space(cp) || cp == '*' || cp == ':') { p = q; continue; }
        size_t l = (size_t)(q - p);
        if (o + l >= cap) break;
        for (size_t i = 0; i < l; i++) {
            char c = p[i];
            out[o++] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
        }
        p = q;
    }
    out[o] = 0;
    arena_free(&a);
    return out;
}

/* Exact headers (normalised). */
static const struct { const char *h; ledger_field f; } EXACT[] = {
    {"经度", LF_LNG}, {"纬度", LF_LAT}, {"LNG", LF_LNG}, {"LON", LF_LNG}, {"LONGITUDE", LF_LNG},
    {"LAT", LF_LAT}, {"LATITUDE", LF_LAT},
    {"序号", LF_SEQ}, {"序", LF_SEQ}, {"编号", LF_SEQ}, {"NO", LF_SEQ}, {"NO.", LF_SEQ}, {"行号", LF_SEQ},
    {"企业名称", LF_NAME}, {"单位名称", LF_NAME}, {"公司名称", LF_NAME}, {"名称", LF_NAME},
    {"企业(单位)名称", LF_NAME}, {"单位(企业)名称", LF_NAME}, {"企业", LF_NAME}, {"单位", LF_NAME},
    {"公司", LF_NAME}, {"市场主体名称", LF_NAME}, {"主体名称", LF_NAME}, {"机构名称", LF_NAME},
    {"企业全称", LF_NAME}, {"单位全称", LF_NAME},
    {"所属区", LF_DISTRICT}, {"所在区", LF_DISTRICT}, {"辖区", LF_DISTRICT}, {"区域", LF_DISTRICT},
    {"区", LF_DISTRICT}, {"区县", LF_DISTRICT}, {"所属区县", LF_DISTRICT}, {"所属区域", LF_DISTRICT},
    {"行政区", LF_DISTRICT}, {"行政区划", LF_DISTRICT}, {"所在区域", LF_DISTRICT}, {"所属辖区", LF_DISTRICT},
    {"类别", LF_CATEGORY}, {"行业", LF_CATEGORY}, {"分类", LF_CATEGORY}, {"类型", LF_CATEGORY},
    {"企业类型", LF_CATEGORY}, {"产业", LF_CATEGORY},
    {"状态", LF_STATUS},
    {"联系人", LF_CONTACT}, {"负责人", LF_CONTACT}, {"法人", LF_CONTACT}, {"法定代表人", LF_CONTACT},
    {"电话", LF_PHONE}, {"手机", LF_PHONE}, {"联系方式", LF_PHONE},
};

/* Key words, in order: the first that the header contains wins. */
static const struct { const char *kw; ledger_field f; } KEYWORDS[] = {
    {"经度", LF_LNG}, {"纬度", LF_LAT},
    {"信用代码", LF_CODE}, {"统一代码", LF_CODE}, {"社会代码", LF_CODE}, {"注册号", LF_CODE},
    {"机构代码", LF_CODE}, {"USCC", LF_CODE}, {"统一社会", LF_CODE},
    {"电话", LF_PHONE}, {"手机", LF_PHONE}, {"联系方式", LF_PHONE}, {"TEL", LF_PHONE},
    {"联系人", LF_CONTACT}, {"负责人", LF_CONTACT}, {"法定代表", LF_CONTACT}, {"法人代表", LF_CONTACT},
    {"地址", LF_ADDRESS}, {"住所", LF_ADDRESS}, {"经营场所地址", LF_ADDRESS},
    {"党员", LF_MEMBERS},
    {"从业", LF_EMPLOYEES}, {"员工", LF_EMPLOYEES}, {"职工", LF_EMPLOYEES}, {"雇员", LF_EMPLOYEES},
    {"人数", LF_EMPLOYEES}, {"用工", LF_EMPLOYEES},
    {"正常经营", LF_OPERATING},
    {"状态", LF_STATUS},
    {"注册资本", LF_CAPITAL}, {"注册资金", LF_CAPITAL}, {"资本", LF_CAPITAL},
    {"成立日期", LF_FOUNDED}, {"成立时间", LF_FOUNDED}, {"注册日期", LF_FOUNDED}, {"成立", LF_FOUNDED},
    {"经营范围", LF_SCOPE}, {"业务范围", LF_SCOPE},
    {"场所", LF_PREMISES},
    {"园区", LF_PARK}, {"楼宇", LF_PARK},
    {"街道", LF_STREET}, {"乡镇", LF_STREET}, {"镇街", LF_STREET},
    {"辖区", LF_DISTRICT}, {"区域", LF_DISTRICT}, {"区县", LF_DISTRICT}, {"行政区", LF_DISTRICT},
    {"所属区", LF_DISTRICT}, {"所在区", LF_DISTRICT},
    {"行业", LF_CATEGORY}, {"类别", LF_CATEGORY}, {"门类", LF_CATEGORY},
    {"名称", LF_NAME}, {"企业名", LF_NAME}, {"单位名", LF_NAME},
};

/* Longer texts are sentences or titles, not column names. */
#define HEADER_MAX_BYTES 48

static ledger_field detect_norm(const char *h) {
    size_t n = strlen(h);
    if (n == 0 || n > HEADER_MAX_BYTES) return LF_NONE;
    for (size_t i = 0; i < sizeof EXACT / sizeof *EXACT; i++)
        if (strcmp(h, EXACT[i].h) == 0) return EXACT[i].f;
    for (size_t i = 0; i < sizeof KEYWORDS / sizeof *KEYWORDS; i++)
        if (strstr(h, KEYWORDS[i].kw)) return KEYWORDS[i].f;
    /* The canonical English names, as a mapping file or an export may use them. */
    for (int f = 0; f < LF__COUNT; f++)
        if (strcasecmp(h, FIELDS[f].name) == 0) return (ledger_field)f;
    return LF_NONE;
}

/* "联系人：张三", "联系电话：0592-5551234" in a subtitle row are a label with
 * its value, not column names: a colon with text after it, or a run of five
 * digits, rules a cell out as a header. */
static bool label_with_value(const char *s, size_t n) {
    int digits = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        digits = (c >= '0' && c <= '9') ? digits + 1 : 0;
        if (digits >= 5) return true;
        bool colon = c == ':' || (i + 3 <= n && memcmp(s + i, "：", 3) == 0);
        if (colon) {
            const char *rest = s + i + (c == ':' ? 1 : 3);
            size_t left = n - (size_t)(rest - s);
            if (utf8_trim(&rest, left) > 0) return true;
        }
    }
    return false;
}

ledger_field ledger_field_detect(const char *s, size_t n) {
    char h[128];
    if (n > 4 * HEADER_MAX_BYTES || label_with_value(s, n)) return LF_NONE;
    ledger_field_norm(s, n, h, sizeof h);
    return detect_norm(h);
}

ledger_field ledger_field_for(const ledger_builder *b, const char *s, size_t n) {
    char h[128];
    if (n > 512) return LF_NONE;
    ledger_field_norm(s, n, h, sizeof h);
    for (int i = 0; i < b->nmap; i++)
        if (strcmp(h, b->map[i].header) == 0) return b->map[i].field;
    return label_with_value(s, n) ? LF_NONE : detect_norm(h);
}

int ledger_field_score(const ledger_builder *b, int n, const char *const *cells, const size_t *lens) {
    if (b->o && b->o->header_field) {   /* a roster or other table: the caller's dictionary */
        bool mine[64] = {0};
        int score = 0;
        for (int c = 0; c < n && c < LEDGER_COLS_MAX; c++) {
            if (lens[c] == 0) continue;
            int f = b->o->header_field(b->o->header_ctx, cells[c], lens[c]);
            if (f >= 0 && f < 64 && !mine[f]) {
                mine[f] = true;
                score++;
            }
        }
        return score;
    }
    bool seen[LF__COUNT] = {0};
    int score = 0;
    for (int c = 0; c < n && c < LEDGER_COLS_MAX; c++) {
        if (lens[c] == 0) continue;
        ledger_field f = ledger_field_for(b, cells[c], lens[c]);
        if (f != LF_NONE && !seen[f]) {
            seen[f] = true;
            score++;
        }
    }
    return score;
}

st ledger_field_parse_mapping(ledger_builder *b, const char *spec, err *e) {
    ledger_table *t = b->t;
    int cap = 1;
    for (const char *p = spec; *p; p++) cap += *p == ',' || *p == ';' || *p == '\n';
    b->map = arena_calloc(&t->mem, (size_t)cap, sizeof *b->map);
    if (!b->map) return err_set(e, ST_NOMEM, "内存不足");
    b->nmap = 0;
    const char *p = spec;
    while (*p) {
        size_t l = strcspn(p, ",;\n");
        const char *eq = memchr(p, '=', l);
        const char *item = p;
        p += l;
        if (*p) p++;
        if (l == 0 || (l == 1 && item[0] == ' ')) continue;
        if (!eq)
            return err_field(e, ST_INVALID, "mapping", "映射「%.*s」缺少“=”；格式是“列名=字段”，多项用逗号隔开，如“单位名称=name,统一代码=code”",
                             (int)l, item);
        const char *fv = eq + 1;
        size_t fl = (size_t)(item + l - fv);
        fl = utf8_trim(&fv, fl);
        char fname[64];
        if (fl >= sizeof fname) fl = sizeof fname - 1;
        memcpy(fname, fv, fl);
        fname[fl] = 0;
        ledger_field f = ledger_field_by_name(fname);
        if (f == LF_NONE && strcmp(fname, "none") != 0 && strcmp(fname, "-") != 0) {
            char names[512];
            size_t o = 0;
            for (int i = 0; i < LF__COUNT && o < sizeof names; i++)
                o += (size_t)snprintf(names + o, sizeof names - o, "%s%s(%s)", i ? ", " : "", FIELDS[i].name,
                                      FIELDS[i].label);
            return err_field(e, ST_INVALID, "mapping", "映射里的字段「%s」不认识；可用的字段：%s，或 none（作为附加列保留）",
                             fname, names);
        }
        char h[128];
        ledger_field_norm(item, (size_t)(eq - item), h, sizeof h);
        if (!h[0])
            return err_field(e, ST_INVALID, "mapping", "映射「%.*s」的列名是空的", (int)l, item);
        b->map[b->nmap].header = arena_strdup(&t->mem, h);
        b->map[b->nmap].field = f;
        if (!b->map[b->nmap].header) return err_set(e, ST_NOMEM, "内存不足");
        b->nmap++;
    }
    return ST_OK;
}
