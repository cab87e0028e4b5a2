/* norm — Chinese-aware normalization of enterprise names, addresses, phones.
 *
 * The matcher compares what is left of a name once everything that varies
 * between ledgers without changing the enterprise is taken away: width
 * (NFKC), script (traditional → simplified), spaces, the region (福建省 /
 * 厦门市 / 厦门 at the start, "（厦门）" anywhere), the legal form (有限公司 /
 * 有限责任公司 / 股份有限公司 ...), status notes ("（已注销）") and former-name
 * notes ("（原…）").  What remains is split into brand (字号) and trade
 * (行业词), and a branch office (…有限公司思明分公司) keeps its branch label
 * so that it is never confused with its head office.
 *
 * Dictionaries: region names come from GB/T 2260 (data/provinces.csv,
 * data/cities.csv, data/areas.csv, compiled into the binary); trade words
 * and forms are tables in norm.c.  Traditional → simplified uses OpenCC's
 * t2s character table, flattened once into a code-point map so that a
 * million names cost one lookup per character rather than one OpenCC call
 * per name.
 *
 * All functions are thread-safe after ledger_norm_init() (which is itself
 * idempotent and safe to call from several threads). */
#ifndef EJIA_LEDGER_NORM_H
#define EJIA_LEDGER_NORM_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

/* Sizes of the fixed buffers below (bytes, NUL included).  Longer parts are
 * cut at a character boundary; real enterprise names are far shorter. */
#define LEDGER_NORM_PART 96
#define LEDGER_NORM_TEXT 384

typedef struct ledger_norm_name {
    char text[LEDGER_NORM_TEXT];      /* NFKC + t2s, spaces removed, brackets as ASCII ( ) */
    char region[LEDGER_NORM_PART];    /* region words removed, joined ("厦门") */
    char brand[LEDGER_NORM_PART];     /* 字号 */
    char trade[LEDGER_NORM_PART];     /* 行业词 ("网络科技"), "" when none found */
    char form[LEDGER_NORM_PART];      /* 有限公司 ..., "" when none */
    char branch[LEDGER_NORM_PART];    /* branch label ("思明") when is_branch */
    int is_branch;                    /* name is a branch office (…分公司 / 分部 / 办事处) */
    char status_note[LEDGER_NORM_PART]; /* "已注销" ... from a bracket or the end */
    char former[LEDGER_NORM_TEXT];    /* former name from "（原…）", "" none */
    char former_brand[LEDGER_NORM_PART];
    char former_trade[LEDGER_NORM_PART];
} ledger_norm_name;

typedef struct ledger_norm_addr {
    char rest[LEDGER_NORM_TEXT];      /* address without province/city/district/street */
    char road[LEDGER_NORM_TEXT];      /* road and number, up to and including 号 */
} ledger_norm_addr;

/* Load dictionaries (GB/T 2260 names, OpenCC table).  Idempotent.  Fails
 * with ST_INTERNAL when the embedded region data is missing; an OpenCC that
 * cannot be opened only disables t2s (reported once through e). */
st ledger_norm_init(err *e);

/* NFKC, traditional → simplified, whitespace removed, full-width brackets
 * folded to ASCII.  Writes at most cap bytes (NUL included); returns length. */
size_t ledger_norm_text(const char *in, char *out, size_t cap);

/* Split a name into its parts (see ledger_norm_name). */
void ledger_norm_name_parse(const char *name, ledger_norm_name *out);

/* Address without region prefixes; road = "观日路123号". */
void ledger_norm_addr_parse(const char *addr, ledger_norm_addr *out);

/* Phone digits without country / Xiamen area prefix; "" when too short. */
void ledger_norm_phone(const char *phone, char *out, size_t cap);

/* Trade comparison: 2 = same words, 1 = compatible (one a generalisation or
 * synonym of the other: 网络科技 / 网络技术 / 科技), 0 = different.
 * Empty trades are compatible with anything. */
int ledger_norm_trade_compat(const char *a, const char *b);

/* Synonym classes of the trade words in t as a bit set (bit 63: a word not
 * in the dictionary, which is then only equal to itself); 0 for "". */
uint64_t ledger_norm_trade_classes(const char *t);

/* Category among 新闻 社交 网游 电商 金融 数据 implied by a trade word or a
 * category text ("网络游戏" → "网游", "电商" → "电商"); NULL when none. */
const char *ledger_norm_category(const char *text);

/* Is s (normalized) a region name in GB/T 2260 (full like 厦门市 or short
 * like 厦门)?  Exposed for tests and the address parser. */
int ledger_norm_is_region(const char *s, size_t len);

/* Which status words does a status text or note carry?  Returns a bit set
 * of LEDGER_NORM_ST_*. */
enum {
    LEDGER_NORM_ST_REVOKED = 1,    /* 吊销 */
    LEDGER_NORM_ST_CANCELLED = 2,  /* 注销 */
    LEDGER_NORM_ST_SUSPENDED = 4,  /* 停业 / 歇业 */
    LEDGER_NORM_ST_MOVED = 8       /* 迁出 */
};
int ledger_norm_status(const char *text);

#endif
