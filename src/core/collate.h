/* collate — Chinese text in the order offices expect: by 拼音, as Excel, phone
 * books and printed name lists sort it (阿里 < 百度 < 重庆 < 厦门 < 字节), not by
 * code point (which scatters names by radical).  ICU's "zh" collator (CLDR
 * pinyin order; digits and Latin letters after Han).  The same collator is
 * registered in SQLite as COLLATE ZH and matches PostgreSQL's "zh-x-icu", so a
 * list sorts alike on both databases and in memory. */
#ifndef EJIA_CORE_COLLATE_H
#define EJIA_CORE_COLLATE_H

#include <stddef.h>

/* <0, 0, >0 like strcmp.  an/bn: byte lengths, or (size_t)-1 for NUL-terminated.
 * Falls back to byte order (with a log line once) if ICU cannot open "zh". */
int collate_zh(const char *a, size_t an, const char *b, size_t bn);

/* A sort key of s as lower-case hex text (NUL-terminated in out): keys
 * compare with strcmp / memcmp / a plain index exactly as collate_zh orders
 * the texts (ICU's sort key, then the bytes as the tie-break), so a table can
 * keep a column of them and page through millions of names in pinyin order
 * on an ordinary index, on either database.  Returns the key's length, or 0
 * when out (≥ 8 bytes) is too small for the whole key — cap it at 512 for
 * names. */
size_t collate_zh_key(const char *s, char *out, size_t cap);

#endif
