/* json_text — a reply's JSON as text, byte for byte what jansson's
 * json_dumps(JSON_COMPACT) writes, in one buffer grown from 16 KiB.
 *
 * Why not json_dumps: for every object and array it writes the value's
 * address with snprintf("%p") into a hash table of parents (its loop check)
 * and grows its output from 16 bytes; on the hot list page that was a quarter
 * of the server's time (bench/http.txt).  Our replies are trees built per
 * request, never cyclic; a depth limit stands in for the loop check.
 *
 * The same output as jansson: keys in insertion order; strings checked as
 * UTF-8 (a string jansson would refuse fails the whole text, as with
 * json_dumps), '"' '\\' and control characters escaped, \uXXXX in capitals;
 * integers in decimal; reals by jansson itself (rare, and its format is its own). */
#include "http_internal.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JT_FIRST_BUF (16 * 1024)
#define JT_MAX_DEPTH 2048   /* jansson's own parser limit: deeper is no reply of ours */

typedef struct jt { char *p; size_t len, cap; bool bad; } jt;

static bool jt_room(jt *o, size_t n) {
    if (o->bad) return false;
    if (o->len + n <= o->cap) return true;
    size_t cap = o->cap ? o->cap : JT_FIRST_BUF;
    while (cap < o->len + n) cap *= 2;
    char *p = realloc(o->p, cap);
    if (!p) {
        o->bad = true;
        return false;
    }
    o->p = p;
    o->cap = cap;
    return true;
}

static void jt_put(jt *o, const char *s, size_t n) {
    if (!jt_room(o, n)) return;
    memcpy(o->p + o->len, s, n);
    o->len += n;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 when invalid:
 * no overlong forms, no surrogates, nothing above U+10FFFF (jansson's rules). */
static size_t utf8_seq(const unsigned char *s, size_t n) {
    unsigned c = s[0];
    size_t k;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) k = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        k = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        k = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (n < k || s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < k; i++)
        if (s[i] < 0x80 || s[i] > 0xBF) return 0;
    return k;
}

/* Room for the worst case (every byte a \u00XX) is made once, then the
 * string is written without a check per piece. */
static void jt_string(jt *o, const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str, *end = s + n;
    if (n > (SIZE_MAX - 2) / 6 || !jt_room(o, 6 * n + 2)) {
        o->bad = true;
        return;
    }
    char *w = o->p + o->len;
    *w++ = '"';
    while (s < end) {
        unsigned c = *s;
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            *w++ = (char)c;
            s++;
            continue;
        }
        if (c >= 0x80) {
            size_t k = utf8_seq(s, (size_t)(end - s));
            if (!k) {
                o->bad = true;
                return;
            }
            memcpy(w, s, k);
            w += k;
            s += k;
            continue;
        }
        *w++ = '\\';
        switch (c) {
        case '"': *w++ = '"'; break;
        case '\\': *w++ = '\\'; break;
        case '\b': *w++ = 'b'; break;
        case '\f': *w++ = 'f'; break;
        case '\n': *w++ = 'n'; break;
        case '\r': *w++ = 'r'; break;
        case '\t': *w++ = 't'; break;
        default: {
            static const char hex[] = "0123456789ABCDEF";
            *w++ = 'u';
            *w++ = '0';
            *w++ = '0';
            *w++ = hex[c >> 4];
            *w++ = hex[c & 15];
        }
        }
        s++;
    }
    *w++ = '"';
    o->len = (size_t)(w - o->p);
}

static void jt_integer(jt *o, json_int_t v) {
    char d[24], *p = d + sizeof d;
    /* unsigned arithmetic: the most negative value has no positive twin */
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0) *--p = '-';
    jt_put(o, p, (size_t)(d + sizeof d - p));
}

static void jt_value(jt *o, const json_t *j, int depth) {
    if (o->bad) return;
    if (!j || depth > JT_MAX_DEPTH) {
        o->bad = true;
        return;
    }
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        jt_put(o, "{", 1);
        bool first = true;
        for (void *it = json_object_iter((json_t *)j); it && !o->bad; it = json_object_iter_next((json_t *)j, it)) {
            if (!first) jt_put(o, ",", 1);
            first = false;
            jt_string(o, json_object_iter_key(it), json_object_iter_key_len(it));
            jt_put(o, ":", 1);
            jt_value(o, json_object_iter_value(it), depth + 1);
        }
        jt_put(o, "}", 1);
        break;
    }
    case JSON_ARRAY: {
        jt_put(o, "[", 1);
        size_t n = json_array_size(j);
        for (size_t i = 0; i < n && !o->bad; i++) {
            if (i) jt_put(o, ",", 1);
            jt_value(o, json_array_get(j, i), depth + 1);
        }
        jt_put(o, "]", 1);
        break;
    }
    case JSON_STRING: jt_string(o, json_string_value(j), json_string_length(j)); break;
    case JSON_INTEGER: jt_integer(o, json_integer_value(j)); break;
    case JSON_REAL: {
        char *t = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
        if (!t) {
            o->bad = true;
            return;
        }
        jt_put(o, t, strlen(t));
        free(t);
        break;
    }
    case JSON_TRUE: jt_put(o, "true", 4); break;
    case JSON_FALSE: jt_put(o, "false", 5); break;
    case JSON_NULL: jt_put(o, "null", 4); break;
    }
}

char *http_json_text(const json_t *j, size_t *n) {
    jt o = {0};
    /* json_dumps writes only an object or an array at the top */
    if (!json_is_object(j) && !json_is_array(j)) o.bad = true;
    jt_value(&o, j, 0);
    if (o.bad || !o.p) {
        free(o.p);
        *n = 0;
        return NULL;
    }
    *n = o.len;
    return o.p;
}
