/* norm — Chinese-aware normalization of names, addresses and phones.
 *
 * See norm.h for what is removed and why.  The dictionaries here are data:
 * FORMS, BRANCH_WORDS, TRADE_WORDS (with their synonym class), CATEGORY_WORDS
 * and STATUS_NOTES; region names are loaded from the GB/T 2260 tables that
 * are compiled into the binary (the data folder).  Everything is decided by
 * suffix/prefix matching on UTF-8 bytes of already normalized text, which is
 * safe because every dictionary word is itself normalized UTF-8. */
#include "ledger/norm.h"

#include <opencc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/embed.h"

/* ---- dictionaries ------------------------------------------------------- */

/* Legal forms, longest first so that 股份有限公司 wins over 有限公司. */
static const char *const FORMS[] = {
    "股份有限责任公司", "股份有限公司", "有限责任公司", "个人独资企业", "股份合作公司", "有限公司",
    "股份公司", "有限合伙", "普通合伙", "合伙企业", "独资企业", "公司", "工作室",
    NULL,
};

/* Words that end the name of a branch office. */
static const char *const BRANCH_WORDS[] = {
    "分支机构", "分公司", "办事处", "营业部", "分中心", "分部", "分店", "分厂", "分所",
    NULL,
};

/* Trade words (行业表述) with a synonym class: words of one class mean the same
 * (科技 / 技术; 电商 / 电子商务; 通讯 / 通信).  A trade is the run of these
 * words at the end of the name core; longer words are tried first. */
typedef struct trade_word { const char *w; int cls; } trade_word;
static const trade_word TRADE_WORDS[] = {
    {"互联网信息服务", 30}, {"人工智能", 9}, {"电子商务", 8}, {"信息服务", 31},
    {"互联网", 4}, {"计算机", 5}, {"大数据", 6}, {"云计算", 7}, {"供应链", 10},
    {"物联网", 11}, {"区块链", 12},
    {"科技", 1}, {"技术", 1}, {"信息", 2}, {"网络", 3}, {"软件", 13}, {"开发", 14},
    {"数据", 6}, {"智能", 9}, {"电子", 15}, {"商务", 16}, {"电商", 8}, {"销售", 17},
    {"管理", 18}, {"游戏", 19}, {"网游", 19}, {"动漫", 20}, {"互动", 21}, {"娱乐", 22},
    {"文化", 23}, {"传媒", 24}, {"媒体", 24}, {"传播", 25}, {"广告", 26}, {"新闻", 27},
    {"金融", 28}, {"服务", 29}, {"支付", 32}, {"投资", 33}, {"咨询", 34}, {"互通", 35},
    {"通讯", 36}, {"通信", 36}, {"社交", 37}, {"系统", 38}, {"集成", 39}, {"工程", 40},
    {"教育", 41}, {"物流", 42}, {"贸易", 43}, {"实业", 44}, {"发展", 45}, {"设计", 46},
    {"营销", 47}, {"直播", 48}, {"视频", 49}, {"数字", 50}, {"出版", 51}, {"影视", 52},
    {"创意", 53}, {"电竞", 54}, {"保险", 55}, {"基金", 56}, {"资产", 57}, {"运营", 58},
    {"安全", 59}, {"研究", 60}, {"应用", 61},
    {NULL, 0},
};

/* Lengths and last bytes of TRADE_WORDS, filled at init (the inner loop of
 * every name). */
#define NTRADE (sizeof TRADE_WORDS / sizeof TRADE_WORDS[0])
static size_t g_trade_len[NTRADE];
static unsigned char g_trade_last[NTRADE];

/* Keywords that imply one of the campaign's six categories, checked in this
 * order: the specific ones (游戏, 金融, 商务, 传媒, 社交) before the generic
 * 数据 words (网络, 科技), because "网络游戏" is a game company and
 * "互联网金融信息" a finance one. */
typedef struct cat_word { const char *w; const char *cat; } cat_word;
static const cat_word CATEGORY_WORDS[] = {
    {"游戏", "网游"}, {"网游", "网游"}, {"动漫", "网游"}, {"娱乐", "网游"}, {"电竞", "网游"},
    {"金融", "金融"}, {"支付", "金融"}, {"保险", "金融"}, {"基金", "金融"}, {"理财", "金融"},
    {"投资", "金融"}, {"征信", "金融"}, {"小额贷款", "金融"},
    {"电子商务", "电商"}, {"电商", "电商"}, {"商务", "电商"}, {"销售", "电商"},
    {"供应链", "电商"}, {"贸易", "电商"}, {"零售", "电商"}, {"商城", "电商"},
    {"新闻", "新闻"}, {"传媒", "新闻"}, {"媒体", "新闻"}, {"出版", "新闻"}, {"传播", "新闻"},
    {"影视", "新闻"}, {"资讯", "新闻"},
    {"社交", "社交"}, {"通讯", "社交"}, {"通信", "社交"}, {"互通", "社交"}, {"交友", "社交"},
    {"社区", "社交"}, {"互联网信息服务", "社交"},
    {"数据", "数据"}, {"软件", "数据"}, {"计算机", "数据"}, {"信息技术", "数据"},
    {"信息科技", "数据"}, {"网络", "数据"}, {"科技", "数据"}, {"技术", "数据"},
    {"智能", "数据"}, {"云计算", "数据"}, {"信息", "数据"},
    {NULL, NULL},
};

/* Notes in brackets (or at the end) that tell a status, not a name. */
static const char *const STATUS_NOTES[] = {
    "注销", "吊销", "停业", "歇业", "撤销", "迁出", "清算", "关闭", "破产", NULL,
};

/* Suffixes of GB/T 2260 names that may be left off ("厦门市" → "厦门"). */
static const char *const REGION_SUFFIXES[] = {
    "特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州",
    "自治县", "地区", "省", "市", "区", "县", "盟", "旗", NULL,
};

/* ---- small UTF-8 helpers ------------------------------------------------ */

static size_t u8_len(unsigned char c) {
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Decode one code point; *n = bytes used.  Invalid bytes decode as themselves
 * (one byte), which is harmless for matching. */
static uint32_t u8_dec(const unsigned char *s, size_t avail, size_t *n) {
    size_t l = u8_len(s[0]);
    if (l > avail) l = 1;
    *n = l;
    switch (l) {
    case 1: return s[0];
    case 2: return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    case 3: return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    default:
        return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
               ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    }
}

static size_t u8_enc(uint32_t c, char *o) {
    if (c < 0x80) { o[0] = (char)c; return 1; }
    if (c < 0x800) { o[0] = (char)(0xC0 | (c >> 6)); o[1] = (char)(0x80 | (c & 0x3F)); return 2; }
    if (c < 0x10000) {
        o[0] = (char)(0xE0 | (c >> 12)); o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        o[2] = (char)(0x80 | (c & 0x3F)); return 3;
    }
    o[0] = (char)(0xF0 | (c >> 18)); o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((c >> 6) & 0x3F)); o[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

static size_t u8_count(const char *s, size_t len) {
    size_t n = 0;
    for (size_t i = 0; i < len; i += u8_len((unsigned char)s[i])) n++;
    return n;
}

/* Copy at most cap-1 bytes, cutting at a character boundary. */
static void copy_cut(char *dst, size_t cap, const char *src, size_t len) {
    if (len >= cap) {
        len = cap - 1;
        while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80) len--;
    }
    memmove(dst, src, len);
    dst[len] = 0;
}

static int ends_with(const char *s, size_t len, const char *suf, size_t *sl) {
    /* the last byte first: it rejects almost every dictionary word at once */
    if (!len || s[len - 1] != suf[0 + strlen(suf) - 1]) return 0;
    size_t l = strlen(suf);
    if (l > len || memcmp(s + len - l, suf, l) != 0) return 0;
    *sl = l;
    return 1;
}

static uint64_t fnv(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) { h ^= (unsigned char)s[i]; h *= 1099511628211ULL; }
    return h;
}

/* ---- region set and t2s map (built once) -------------------------------- */

enum { REG_FULL = 1, REG_SHORT_TOP = 2, REG_SHORT_AREA = 4 };
typedef struct reg_slot { uint64_t h; int flags; } reg_slot;
#define REG_CAP 16384u   /* power of two, > 4 × the ~7,000 names */

static reg_slot g_reg[REG_CAP];
#define T2S_LO 0x3400u
#define T2S_HI 0x9FFFu
static uint32_t g_t2s[T2S_HI - T2S_LO + 1];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static st g_init_st = ST_OK;
static char g_init_msg[256];

static void reg_put(const char *s, size_t n, int flags) {
    uint64_t h = fnv(s, n);
    for (uint32_t i = (uint32_t)h & (REG_CAP - 1);; i = (i + 1) & (REG_CAP - 1)) {
        if (g_reg[i].h == 0 || g_reg[i].h == h) { g_reg[i].h = h; g_reg[i].flags |= flags; return; }
    }
}

static int reg_get(const char *s, size_t n) {
    uint64_t h = fnv(s, n);
    for (uint32_t i = (uint32_t)h & (REG_CAP - 1); g_reg[i].h; i = (i + 1) & (REG_CAP - 1))
        if (g_reg[i].h == h) return g_reg[i].flags;
    return 0;
}

/* Add "厦门市" and its short form "厦门" (short forms of one character are not
 * added: they would eat brand characters). */
static void reg_add_name(const char *s, size_t n, int top) {
    if (n == 0 || (n == 9 && memcmp(s, "市辖区", 9) == 0)) return;
    reg_put(s, n, REG_FULL);
    for (int i = 0; REGION_SUFFIXES[i]; i++) {
        size_t sl;
        if (ends_with(s, n, REGION_SUFFIXES[i], &sl) && u8_count(s, n - sl) >= 2) {
            reg_put(s, n - sl, top ? REG_SHORT_TOP : REG_SHORT_AREA);
            break;
        }
    }
}

/* Region CSVs: code,"name",... — the name is the second column, quoted. */
static int reg_load(const char *file, int top) {
    const struct embedded_file *f = embed_find(file);
    if (!f) return -1;
    const char *p = (const char *)f->data, *end = p + f->size;
    while (p < end && *p != '\n') p++;                  /* header */
    while (p < end) {
        const char *line = ++p;
        while (p < end && *p != '\n') p++;
        const char *c = memchr(line, ',', (size_t)(p - line));
        if (!c) continue;
        c++;
        if (c < p && *c == '"') c++;
        const char *e = c;
        while (e < p && *e != '"' && *e != ',') e++;
        reg_add_name(c, (size_t)(e - c), top);
    }
    return 0;
}

static void t2s_build(void) {
    for (uint32_t c = T2S_LO; c <= T2S_HI; c++) g_t2s[c - T2S_LO] = c;
    opencc_t cc = opencc_open("t2s.json");
    if (cc == (opencc_t)-1) {
        snprintf(g_init_msg, sizeof g_init_msg, "OpenCC 的 t2s.json 无法打开：繁体字不会转为简体（请安装 opencc 数据文件）");
        return;
    }
    /* One character a line so that phrase rules never join neighbours. */
    size_t n = (T2S_HI - T2S_LO + 1) * 4;
    char *in = malloc(n + 1), *p = in;
    if (!in) { opencc_close(cc); return; }
    for (uint32_t c = T2S_LO; c <= T2S_HI; c++) { p += u8_enc(c, p); *p++ = '\n'; }
    *p = 0;
    char *out = opencc_convert_utf8(cc, in, (size_t)(p - in));
    if (out) {
        const unsigned char *q = (const unsigned char *)out;
        for (uint32_t c = T2S_LO; c <= T2S_HI && *q; c++) {
            const unsigned char *ls = q;
            while (*q && *q != '\n') q++;
            size_t used;
            uint32_t d = u8_dec(ls, (size_t)(q - ls), &used);
            if (used == (size_t)(q - ls) && d != c) g_t2s[c - T2S_LO] = d;  /* one char → one char */
            if (*q) q++;
        }
        opencc_convert_utf8_free(out);
    }
    free(in);
    opencc_close(cc);
}

static void norm_init_once(void) {
    for (size_t i = 0; TRADE_WORDS[i].w; i++) {
        g_trade_len[i] = strlen(TRADE_WORDS[i].w);
        g_trade_last[i] = (unsigned char)TRADE_WORDS[i].w[g_trade_len[i] - 1];
    }
    if (reg_load("data/provinces.csv", 1) || reg_load("data/cities.csv", 1) ||
        reg_load("data/areas.csv", 0)) {
        g_init_st = ST_INTERNAL;
        snprintf(g_init_msg, sizeof g_init_msg,
                 "行政区划数据（data/provinces.csv、cities.csv、areas.csv）未编入程序：请重新构建 ejia");
        return;
    }
    /* Not in GB/T 2260 but used in brackets the same way. */
    reg_add_name("中国", strlen("中国"), 1);
    t2s_build();
}

st ledger_norm_init(err *e) {
    pthread_once(&g_once, norm_init_once);
    if (g_init_st != ST_OK) return err_set(e, g_init_st, "%s", g_init_msg);
    return ST_OK;
}

int ledger_norm_is_region(const char *s, size_t len) {
    pthread_once(&g_once, norm_init_once);
    return reg_get(s, len) != 0;
}

/* ---- text ---------------------------------------------------------------- */

static int fast_cp(uint32_t c) {
    return c < 0x80 || (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xFF01 && c <= 0xFF5E) ||
           c == 0x3000 || (c >= 0x3010 && c <= 0x3015);
}

size_t ledger_norm_text(const char *in, char *out, size_t cap) {
    pthread_once(&g_once, norm_init_once);
    if (!in || cap == 0) { if (cap) out[0] = 0; return 0; }
    const unsigned char *s = (const unsigned char *)in;
    size_t len = strlen(in);
    unsigned char *mapped = NULL;
    /* NFKC through utf8proc only when a character outside the common ranges
     * (ASCII, CJK, full-width forms) appears: CJK and ASCII are NFKC-stable. */
    for (size_t i = 0; i < len;) {
        size_t n;
        if (!fast_cp(u8_dec(s + i, len - i, &n))) {
            utf8proc_ssize_t r = utf8proc_map(s, (utf8proc_ssize_t)len, &mapped,
                                              UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
            if (r >= 0) { s = mapped; len = (size_t)r; }
            break;
        }
        i += n;
    }
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        size_t n;
        uint32_t c = u8_dec(s + i, len - i, &n);
        i += n;
        if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;          /* full-width ASCII */
        else if (c == 0x3000 || c == 0xA0) c = ' ';
        else if (c == 0x3010 || c == 0x3014) c = '(';          /* 【 〔 */
        else if (c == 0x3011 || c == 0x3015) c = ')';          /* 】 〕 */
        else if (c >= T2S_LO && c <= T2S_HI) c = g_t2s[c - T2S_LO];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0x200B || c == 0xFEFF) continue;
        if (c >= 'a' && c <= 'z') c -= 32;
        char tmp[4];
        size_t k = u8_enc(c, tmp);
        if (o + k >= cap) break;
        memcpy(out + o, tmp, k);
        o += k;
    }
    out[o] = 0;
    free(mapped);
    return o;
}

/* ---- names --------------------------------------------------------------- */

static int status_note(const char *s, size_t n) {
    for (int i = 0; STATUS_NOTES[i]; i++)
        if (memmem(s, n, STATUS_NOTES[i], strlen(STATUS_NOTES[i]))) return 1;
    return 0;
}

static int is_form(const char *s, size_t n) {
    for (int i = 0; FORMS[i]; i++)
        if (strlen(FORMS[i]) == n && memcmp(s, FORMS[i], n) == 0) return 1;
    return 0;
}

/* Length of the longest region name at the start of s (full names of any
 * level, short names of provinces and cities), 0 when none. */
static size_t region_prefix(const char *s, size_t len) {
    size_t best = 0, cut = 0;
    for (int chars = 0; cut < len && chars < 12; chars++) {
        cut += u8_len((unsigned char)s[cut]);
        if (cut > len) break;
        if (chars >= 1) {
            int f = reg_get(s, cut);
            if (f & (REG_FULL | REG_SHORT_TOP)) best = cut;
        }
    }
    return best;
}

/* Length of the longest region name (any) at the end of s, 0 when none. */
static size_t region_suffix(const char *s, size_t len) {
    size_t best = 0, start = len;
    for (int chars = 0; start > 0 && chars < 12; chars++) {
        do start--; while (start > 0 && ((unsigned char)s[start] & 0xC0) == 0x80);
        if (chars >= 1 && reg_get(s + start, len - start)) best = len - start;
    }
    return best;
}


static const trade_word *trade_suffix(const char *s, size_t len) {
    const trade_word *best = NULL;
    size_t bl = 0;
    if (!len) return NULL;
    unsigned char last = (unsigned char)s[len - 1];
    for (size_t i = 0; TRADE_WORDS[i].w; i++) {
        size_t l = g_trade_len[i];
        if (g_trade_last[i] != last || l > len || l <= bl) continue;
        if (memcmp(s + len - l, TRADE_WORDS[i].w, l) == 0) { best = &TRADE_WORDS[i]; bl = l; }
    }
    return best;
}

/* Brand / trade split of a core: trade words are taken off the end while at
 * least two characters of brand remain. */
static void split_core(const char *s, size_t len, char *brand, char *trade) {
    size_t b = len;
    for (;;) {
        const trade_word *t = trade_suffix(s, b);
        if (!t) break;
        size_t l = strlen(t->w);
        if (u8_count(s, b - l) < 2) break;
        b -= l;
    }
    copy_cut(brand, LEDGER_NORM_PART, s, b);
    copy_cut(trade, LEDGER_NORM_PART, s + b, len - b);
}

static void append(char *dst, size_t cap, const char *s, size_t n) {
    size_t l = strlen(dst);
    if (l + 1 >= cap) return;
    copy_cut(dst + l, cap - l, s, n);
}

/* Parse body (no brackets left) into region/form/brand/trade/branch. */
static void parse_body(char *body, size_t len, ledger_norm_name *o, int top) {
    size_t sl;
    /* "…有限公司已注销" without brackets */
    static const char *const TAIL_NOTES[] = {"已注销", "已吊销", "已停业", "已歇业", "已迁出", NULL};
    for (int i = 0; top && TAIL_NOTES[i]; i++)
        if (ends_with(body, len, TAIL_NOTES[i], &sl)) {
            append(o->status_note, LEDGER_NORM_PART, body + len - sl, sl);
            len -= sl;
            break;
        }
    for (int i = 0; BRANCH_WORDS[i]; i++) {
        if (!ends_with(body, len, BRANCH_WORDS[i], &sl)) continue;
        o->is_branch = 1;
        len -= sl;
        /* the label sits between the head office's form and the branch word */
        const char *last = NULL;
        for (const char *p = body; (p = memmem(p, (size_t)(body + len - p), "公司", 6)); p += 6) last = p;
        size_t lab;
        if (last) lab = (size_t)(body + len - (last + 6));
        else lab = region_suffix(body, len);
        const char *ls = body + len - lab;
        size_t ll = lab;
        for (int k = 0; REGION_SUFFIXES[k]; k++)
            if (ends_with(ls, ll, REGION_SUFFIXES[k], &sl) && u8_count(ls, ll - sl) >= 2) { ll -= sl; break; }
        copy_cut(o->branch, LEDGER_NORM_PART, ls, ll);
        len -= lab;
        break;
    }
    for (int i = 0; FORMS[i]; i++) {
        if (ends_with(body, len, FORMS[i], &sl) && u8_count(body, len - sl) >= 2) {
            /* "…股份（厦门）有限公司": the region in brackets split the form */
            size_t gl = 0;
            if (ends_with(body, len - sl, "股份", &gl) && u8_count(body, len - sl - gl) >= 2) sl += gl;
            copy_cut(o->form, LEDGER_NORM_PART, body + len - sl, sl);
            len -= sl;
            break;
        }
    }
    size_t start = 0;
    for (;;) {
        size_t r = region_prefix(body + start, len - start);
        if (!r || u8_count(body + start + r, len - start - r) < 2) break;
        append(o->region, LEDGER_NORM_PART, body + start, r);
        start += r;
    }
    split_core(body + start, len - start, o->brand, o->trade);
}

void ledger_norm_name_parse(const char *name, ledger_norm_name *o) {
    memset(o, 0, sizeof *o);
    if (!name) return;
    size_t tl = ledger_norm_text(name, o->text, sizeof o->text);
    char body[LEDGER_NORM_TEXT];
    size_t bl = 0;
    for (size_t i = 0; i < tl;) {
        if (o->text[i] != '(') {
            size_t n = u8_len((unsigned char)o->text[i]);
            if (bl + n < sizeof body) { memcpy(body + bl, o->text + i, n); bl += n; }
            i += n;
            continue;
        }
        const char *close = memchr(o->text + i + 1, ')', tl - i - 1);
        if (!close) { i++; continue; }                   /* stray "(" */
        const char *c = o->text + i + 1;
        size_t cl = (size_t)(close - c);
        i = (size_t)(close - o->text) + 1;
        if (cl >= 3 && memcmp(c, "原", 3) == 0) {        /* （原厦门某某有限公司） */
            size_t skip = 3;
            if (cl >= 6 && (memcmp(c + 3, "名", 3) == 0)) skip = 6;
            if (cl > skip && c[skip] == ':') skip++;
            copy_cut(o->former, sizeof o->former, c + skip, cl - skip);
        } else if (status_note(c, cl)) {
            append(o->status_note, LEDGER_NORM_PART, c, cl);
        } else if (cl && (reg_get(c, cl) || is_form(c, cl))) {
            if (is_form(c, cl)) copy_cut(o->form, LEDGER_NORM_PART, c, cl);
            else append(o->region, LEDGER_NORM_PART, c, cl);
        } else if (bl + cl < sizeof body) {             /* other notes are part of the name */
            memcpy(body + bl, c, cl);
            bl += cl;
        }
    }
    body[bl] = 0;
    char form_b[LEDGER_NORM_PART];
    memcpy(form_b, o->form, sizeof form_b);
    parse_body(body, bl, o, 1);
    if (!o->form[0]) memcpy(o->form, form_b, sizeof form_b);
    if (o->former[0]) {
        ledger_norm_name f;
        memset(&f, 0, sizeof f);
        size_t fl = strlen(o->former);
        char fb[LEDGER_NORM_TEXT];
        memcpy(fb, o->former, fl + 1);
        parse_body(fb, fl, &f, 0);
        memcpy(o->former_brand, f.brand, sizeof f.brand);
        memcpy(o->former_trade, f.trade, sizeof f.trade);
    }
}

/* ---- trades and categories ------------------------------------------------ */

uint64_t ledger_norm_trade_classes(const char *t) {
    uint64_t m = 0;
    size_t len = strlen(t);
    while (len) {
        const trade_word *w = trade_suffix(t, len);
        if (!w) { m |= 1ULL << 63; break; }   /* unknown word: only equal to itself */
        m |= 1ULL << (w->cls % 63);
        len -= strlen(w->w);
    }
    return m;
}

int ledger_norm_trade_compat(const char *a, const char *b) {
    if (!a || !b || !a[0] || !b[0]) return 1;
    if (strcmp(a, b) == 0) return 2;
    uint64_t x = ledger_norm_trade_classes(a), y = ledger_norm_trade_classes(b);
    if ((x >> 63) || (y >> 63)) return 0;
    return ((x & y) == x || (x & y) == y) ? 1 : 0;
}

const char *ledger_norm_category(const char *text) {
    if (!text || !text[0]) return NULL;
    static const char *const SIX[] = {"新闻", "社交", "网游", "电商", "金融", "数据", NULL};
    for (int i = 0; SIX[i]; i++)
        if (strcmp(text, SIX[i]) == 0) return SIX[i];
    for (const cat_word *c = CATEGORY_WORDS; c->w; c++)
        if (strstr(text, c->w)) return c->cat;
    return NULL;
}

int ledger_norm_status(const char *text) {
    if (!text) return 0;
    int m = 0;
    if (strstr(text, "吊销")) m |= LEDGER_NORM_ST_REVOKED;
    if (strstr(text, "注销")) m |= LEDGER_NORM_ST_CANCELLED;
    if (strstr(text, "停业") || strstr(text, "歇业")) m |= LEDGER_NORM_ST_SUSPENDED;
    if (strstr(text, "迁出")) m |= LEDGER_NORM_ST_MOVED;
    return m;
}

/* ---- addresses and phones -------------------------------------------------- */

static int is_admin_suffix(const char *c) {
    static const char *const SUF[] = {"省", "市", "区", "县", "州", "旗", "盟", NULL};
    for (int i = 0; SUF[i]; i++)
        if (memcmp(c, SUF[i], 3) == 0) return 1;
    return 0;
}

void ledger_norm_addr_parse(const char *addr, ledger_norm_addr *o) {
    char t[LEDGER_NORM_TEXT];
    size_t len = ledger_norm_text(addr, t, sizeof t);
    size_t s = 0;
    o->rest[0] = o->road[0] = 0;
    for (;;) {
        /* full region names only: "翔安南路" must keep its 翔安 */
        size_t best = 0, cut = 0;
        for (int chars = 0; s + cut < len && chars < 12; chars++) {
            size_t cl = u8_len((unsigned char)t[s + cut]);
            cut += cl;
            /* full names end in 省 市 区 县 州 旗 盟: skip the hash otherwise */
            if (chars >= 1 && cl == 3 && s + cut <= len && is_admin_suffix(t + s + cut - 3) &&
                (reg_get(t + s, cut) & REG_FULL)) best = cut;
        }
        if (!best) break;
        s += best;
    }
    /* street / town: "香山街道", "新店镇" within the first few characters */
    const char *p = t + s;
    size_t rem = len - s;
    const char *jd = memmem(p, rem < 24 ? rem : 24, "街道", 6);
    if (jd && u8_count(p, (size_t)(jd - p)) >= 2) s += (size_t)(jd - p) + 6;
    else {
        const char *z = memmem(p, rem < 15 ? rem : 15, "镇", 3);
        if (z && u8_count(p, (size_t)(z - p)) >= 2) s += (size_t)(z - p) + 3;
    }
    copy_cut(o->rest, sizeof o->rest, t + s, len - s);
    const char *hao = strstr(o->rest, "号");
    size_t rl = hao ? (size_t)(hao - o->rest) + 3 : strlen(o->rest);
    copy_cut(o->road, sizeof o->road, o->rest, rl);
}

void ledger_norm_phone(const char *phone, char *out, size_t cap) {
    char d[64];
    size_t n = 0;
    out[0] = 0;
    if (!phone) return;
    for (const char *p = phone; *p && n + 1 < sizeof d; p++)
        if (*p >= '0' && *p <= '9') d[n++] = *p;
    d[n] = 0;
    const char *s = d;
    if (n == 13 && memcmp(s, "86", 2) == 0) { s += 2; n -= 2; }
    if (n >= 11 && memcmp(s, "0592", 4) == 0) { s += 4; n -= 4; }
    if (n < 7) return;
    copy_cut(out, cap, s, n);
}
