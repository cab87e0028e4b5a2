/* utf8 — validation, iteration, trimming, NFKC (utf8proc) and t2s (OpenCC).
 *
 * The decoder is hand-written because it sits in the inner loop of every
 * ledger import (millions of cells); NFKC goes to utf8proc only when a string
 * holds a codepoint outside the ranges known to be NFKC-stable. */
#include "core/utf8.h"

#include <opencc/opencc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Decode one sequence; returns the codepoint and its length in *len, or -1
 * (with *len = 1) when the bytes at p are not a well-formed sequence. */
static int32_t decode(const unsigned char *p, const unsigned char *end, size_t *len) {
    unsigned c = p[0];
    *len = 1;
    if (c < 0x80) return (int32_t)c;
    size_t need;
    int32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) { need = 2; cp = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { need = 3; cp = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { need = 4; cp = c & 0x07; min = 0x10000; }
    else return -1;
    if ((size_t)(end - p) < need) return -1;
    for (size_t i = 1; i < need; i++) {
        if ((p[i] & 0xC0) != 0x80) return -1;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    *len = need;
    return cp;
}

size_t utf8_valid_prefix(const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        /* ASCII runs are the common case in CSV files: skip them 8 at a time. */
        while (end - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            if (w & 0x8080808080808080ULL) break;
            p += 8;
        }
        if (p >= end) break;
        if (*p < 0x80) { p++; continue; }
        /* Chinese text: a lead byte E1–EC or EE–EF with two continuation
         * bytes is always well-formed (no overlong form, no surrogate) */
        if (*p >= 0xE1 && *p <= 0xEF && *p != 0xED && end - p >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
            p += 3;
            continue;
        }
        size_t len;
        if (decode(p, end, &len) < 0) break;
        p += len;
    }
    return (size_t)(p - (const unsigned char *)s);
}

bool utf8_valid(const char *s, size_t n) { return utf8_valid_prefix(s, n) == n; }

int32_t utf8_next(const char **p, const char *end) {
    size_t len;
    int32_t cp = decode((const unsigned char *)*p, (const unsigned char *)end, &len);
    *p += len;
    return cp;
}

size_t utf8_scrub(char *s, size_t n) {
    const char *p = s, *end = s + n;
    size_t k = 0;
    while (p < end) {
        char *at = (char *)p;
        if (utf8_next(&p, end) < 0) {   /* one byte at a time (see utf8_next) */
            *at = '?';
            k++;
        }
    }
    return k;
}

size_t utf8_encode(int32_t cp, char *out) {
    unsigned char *o = (unsigned char *)out;
    if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t utf8_count(const char *s, size_t n) {
    const char *p = s, *end = s + n;
    size_t k = 0;
    while (p < end) {
        if ((unsigned char)*p < 0x80) p++;
        else utf8_next(&p, end);
        k++;
    }
    return k;
}

bool utf8_is_space(int32_t cp) {
    switch (cp) {
    case ' ': case '\t': case '\n': case '\v': case '\f': case '\r':
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F:
    case 0x205F: case 0x3000: case 0xFEFF: case 0x200B: case 0x200C: case 0x200D:
    case 0x2060: case 0x180E:
        return true;
    default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
}

size_t utf8_trim(const char **s, size_t n) {
    const char *p = *s, *end = p + n;
    while (p < end) {
        const char *q = p;
        int32_t cp = utf8_next(&q, end);
        if (!utf8_is_space(cp)) break;
        p = q;
    }
    /* From the back: step over continuation bytes to find each sequence start. */
    while (end > p) {
        const char *q = end - 1;
        while (q > p && ((unsigned char)*q & 0xC0) == 0x80 && end - q < 4) q--;
        const char *r = q;
        int32_t cp = utf8_next(&r, end);
        if (r != end || !utf8_is_space(cp)) break;
        end = q;
    }
    *s = p;
    return (size_t)(end - p);
}

bool utf8_nfkc_quick(const char *s, size_t n) {
    const char *p = s, *end = s + n;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x80) { p++; continue; }
        int32_t cp = utf8_next(&p, end);
        /* CJK Unified Ideographs (and Extension A) have no compatibility
         * mappings; most general punctuation used in names does not either. */
        if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)) continue;
        if (cp == 0x3001 || cp == 0x3002 || cp == 0x300A || cp == 0x300B || cp == 0x2014 ||
            cp == 0x201C || cp == 0x201D || cp == 0x2018 || cp == 0x2019 || cp == 0xB7)
            continue;
        return false;
    }
    return true;
}

/* Runs utf8proc; the result is malloc'd (utf8proc's allocator) or NULL. */
static utf8proc_uint8_t *nfkc_map(const char *s, size_t n, size_t *out_len) {
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &out,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
    if (r < 0) return NULL;
    *out_len = (size_t)r;
    return out;
}

char *utf8_nfkc(arena *a, const char *s, size_t n, size_t *out_len) {
    if (utf8_nfkc_quick(s, n)) {
        if (!utf8_valid(s, n)) return NULL;
        if (out_len) *out_len = n;
        return arena_strndup(a, s, n);
    }
    size_t len;
    utf8proc_uint8_t *m = nfkc_map(s, n, &len);
    if (!m) return NULL;
    char *r = arena_strndup(a, (const char *)m, len);
    free(m);
    if (r && out_len) *out_len = len;
    return r;
}

st utf8_nfkc_buf(buf *b, const char *s, size_t n) {
    if (utf8_nfkc_quick(s, n)) {
        if (!utf8_valid(s, n)) return ST_INVALID;
        return buf_append(b, s, n);
    }
    size_t len;
    utf8proc_uint8_t *m = nfkc_map(s, n, &len);
    if (!m) return ST_INVALID;
    st r = buf_append(b, m, len);
    free(m);
    return r;
}

/* The OpenCC converter: opened once.  opencc_open returns (opencc_t)-1 on failure. */
static pthread_once_t t2s_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t t2s_lock = PTHREAD_MUTEX_INITIALIZER;
static opencc_t t2s_cc;
static bool t2s_ok;

static void t2s_open(void) {
    t2s_cc = opencc_open("t2s.json");  /* looked up in OpenCC's data dir, /usr/share/opencc */
    if (t2s_cc == (opencc_t)-1) t2s_cc = opencc_open("/usr/share/opencc/t2s.json");
    t2s_ok = t2s_cc != (opencc_t)-1;
}

char *utf8_t2s(arena *a, const char *s, size_t n, err *e) {
    if (!utf8_valid(s, n)) {
        err_set(e, ST_INVALID, "文本不是有效的 UTF-8，无法做繁简转换");
        return NULL;
    }
    /* Pure ASCII has nothing to convert; spare OpenCC the call. */
    size_t i = 0;
    while (i < n && (unsigned char)s[i] < 0x80) i++;
    if (i == n) return arena_strndup(a, s, n);
    pthread_once(&t2s_once, t2s_open);
    pthread_mutex_lock(&t2s_lock);
    bool ok = t2s_ok;
    opencc_t cc = t2s_cc;
    pthread_mutex_unlock(&t2s_lock);
    if (!ok) {
        err_set(e, ST_UNAVAILABLE,
                "找不到 OpenCC 的繁简转换数据 t2s.json；请安装 Debian 包 libopencc-data");
        return NULL;
    }
    char *m = opencc_convert_utf8(cc, s, n);
    if (!m) {
        err_set(e, ST_INTERNAL, "繁简转换失败：%s", opencc_error());
        return NULL;
    }
    char *r = arena_strdup(a, m);
    opencc_convert_utf8_free(m);
    if (!r) err_set(e, ST_NOMEM, "内存不足，无法做繁简转换");
    return r;
}

void utf8_t2s_shutdown(void) {
    pthread_once(&t2s_once, t2s_open);
    pthread_mutex_lock(&t2s_lock);
    if (t2s_ok) opencc_close(t2s_cc);
    t2s_ok = false;
    pthread_mutex_unlock(&t2s_lock);
}
