/* xml_scan — see xml_scan.h. */
#include "ledger/xml_scan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/utf8.h"

/* The window: large enough that refills (and the move of a partial token
 * to its start) are rare; it grows only for a tag longer than itself. */
#define WINDOW (256 * 1024)
/* A start tag longer than this is not a spreadsheet's. */
#define TAG_MAX ((size_t)4 << 20)
/* Text with no '<' in sight is handed out in pieces, keeping this much back
 * when the piece's end could fall inside an entity or a "\r\n". */
#define TEXT_KEEP 16

enum { NEED_MORE = -1 };

bool xs_init(xs *s, xs_fill_fn fill, void *ctx) {
    memset(s, 0, sizeof *s);
    s->buf = malloc(WINDOW);
    s->cap = WINDOW;
    s->fill = fill;
    s->ctx = ctx;
    return s->buf != NULL;
}

void xs_free(xs *s) {
    free(s->buf);
    s->buf = NULL;
}

/* Move what is left to the window's start and read more: 1 read, 0 at the
 * end, -1 fill failed, -2 a token larger than TAG_MAX, -3 out of memory. */
static int more(xs *s) {
    if (s->eof) return 0;
    if (s->pos) {
        memmove(s->buf, s->buf + s->pos, s->len - s->pos);
        s->len -= s->pos;
        s->pos = 0;
    }
    if (s->len == s->cap) {
        if (s->cap >= TAG_MAX) return -2;
        char *b = realloc(s->buf, s->cap * 2);
        if (!b) return -3;
        s->buf = b;
        s->cap *= 2;
    }
    long n = s->fill(s->ctx, s->buf + s->len, s->cap - s->len);
    if (n < 0) return -1;
    if (n == 0) {
        s->eof = true;
        return 0;
    }
    s->len += (size_t)n;
    return 1;
}

static xs_kind fail(xs *s, const char *why) {
    s->why = why;
    return XS_ERROR;
}

static bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static const char *local_name(const char *n, size_t *len) {
    const char *c = NULL;
    for (size_t i = 0; i < *len; i++)   /* names are short: no library call */
        if (n[i] == ':') c = n + i;
    if (!c) return n;
    *len -= (size_t)(c + 1 - n);
    return c + 1;
}

static bool same_open(const xs *s, int d, const char *n, size_t len) {
    size_t keep = len < sizeof s->open[d].name ? len : sizeof s->open[d].name;
    return s->open[d].len == (len > 255 ? 255 : len) && memcmp(s->open[d].name, n, keep) == 0;
}

/* <![CDATA[ ... ]]>, <!-- ... -->, <!DOCTYPE: *skip says to look for the next
 * token (a comment). */
static int markup(xs *s, xs_tok *t, bool *skip, xs_kind *k) {
    char *p = s->buf + s->pos, *end = s->buf + s->len;
    size_t have = (size_t)(end - p);
    static const char CD[] = "<![CDATA[", CM[] = "<!--", DT[] = "<!DOCTYPE";
    if (have < sizeof CD - 1 && !s->eof) return NEED_MORE;
    if (have >= 4 && memcmp(p, CM, 4) == 0) {
        char *q = memmem(p + 4, have - 4, "-->", 3);
        if (!q) return NEED_MORE;
        s->pos = (size_t)(q + 3 - s->buf);
        *skip = true;
        return 0;
    }
    if (have >= sizeof CD - 1 && memcmp(p, CD, sizeof CD - 1) == 0) {
        char *q = memmem(p + 9, have - 9, "]]>", 3);
        if (!q) return NEED_MORE;
        if (s->depth == 0) {
            *k = fail(s, "根元素之外有文字");
            return 0;
        }
        t->kind = *k = XS_TEXT;
        t->text = p + 9;
        t->tlen = (size_t)(q - p - 9);
        t->cdata = true;
        s->pos = (size_t)(q + 3 - s->buf);
        return 0;
    }
    if (have >= sizeof DT - 1 && memcmp(p, DT, sizeof DT - 1) == 0)
        *k = fail(s, "含有 DOCTYPE，这不是 Excel 写的文件");
    else
        *k = fail(s, "有无法识别的“<!”标记");
    return 0;
}

/* One token at s->pos, or NEED_MORE when it does not end inside the window. */
static int scan(xs *s, xs_tok *t, xs_kind *k) {
    char *p = s->buf + s->pos, *end = s->buf + s->len;
    memset(t, 0, sizeof *t);
    if (*p != '<') {
        char *q = memchr(p, '<', (size_t)(end - p));
        char *stop = q;
        if (!q) {
            if (s->eof) {
                stop = end;
            } else {
                if ((size_t)(end - p) <= 4 * TEXT_KEEP) return NEED_MORE;
                stop = end - TEXT_KEEP;
                /* not inside an entity (one that straddles stop starts at
                 * the last '&' before it), not between \r and \n */
                char *amp = memrchr(p, '&', (size_t)(stop - p));
                char *semi = amp ? memchr(amp, ';', (size_t)(end - amp)) : NULL;
                if (amp && (!semi || semi >= stop)) stop = amp;
                if (stop > p && stop[-1] == '\r') stop--;
                if (stop == p) return NEED_MORE;
            }
        }
        s->pos = (size_t)(stop - s->buf);
        if (s->depth == 0) {
            for (char *c = p; c < stop; c++)
                if (!space(*c)) {
                    *k = fail(s, s->done ? "根元素之后还有文字" : "根元素之前有文字");
                    return 0;
                }
            *k = XS_TEXT;   /* white space outside the root: skipped by the caller's loop */
            t->kind = XS_TEXT;
            t->text = p;
            t->tlen = 0;
            return 0;
        }
        t->kind = *k = XS_TEXT;
        t->text = p;
        t->tlen = (size_t)(stop - p);
        return 0;
    }
    if (end - p < 2) return s->eof ? (*k = fail(s, "文件在标签中间结束（不完整）"), 0) : NEED_MORE;
    if (p[1] == '/') {
        char *q = memchr(p + 2, '>', (size_t)(end - p - 2));
        if (!q) return NEED_MORE;
        char *ne = q;
        while (ne > p + 2 && space(ne[-1])) ne--;
        size_t n = (size_t)(ne - (p + 2));
        if (s->depth == 0 || !same_open(s, s->depth - 1, p + 2, n)) {
            *k = fail(s, "结束标签和开始标签不配对");
            return 0;
        }
        s->depth--;
        if (s->depth == 0) s->done = true;
        t->kind = *k = XS_END;
        t->nlen = n;
        t->name = local_name(p + 2, &t->nlen);
        s->pos = (size_t)(q + 1 - s->buf);
        return 0;
    }
    if (p[1] == '?') {
        char *q = memmem(p + 2, (size_t)(end - p - 2), "?>", 2);
        if (!q) return NEED_MORE;
        s->pos = (size_t)(q + 2 - s->buf);
        *k = XS_TEXT;   /* skipped: an empty text */
        t->kind = XS_TEXT;
        t->text = p;
        return 0;
    }
    if (p[1] == '!') {
        bool skip = false;
        int r = markup(s, t, &skip, k);
        if (r == NEED_MORE) return s->eof ? (*k = fail(s, "文件在注释或 CDATA 中间结束（不完整）"), 0) : NEED_MORE;
        if (skip) {
            *k = XS_TEXT;
            t->kind = XS_TEXT;
            t->text = p;
        }
        return 0;
    }
    /* a start tag: the name, then attributes up to a '>' outside quotes */
    char *n = p + 1, *c = n;
    while (c < end && !space(*c) && *c != '/' && *c != '>') c++;
    if (c == n) {
        *k = fail(s, "“<”后面没有元素名");
        return 0;
    }
    char *a = c;
    while (c < end && *c != '>') {
        if (*c == '"' || *c == '\'') {
            char *q = memchr(c + 1, *c, (size_t)(end - c - 1));
            if (!q) return NEED_MORE;
            c = q + 1;
            continue;
        }
        if (*c == '<') {
            *k = fail(s, "标签没有结束就出现了“<”");
            return 0;
        }
        c++;
    }
    if (c == end) return NEED_MORE;
    if (s->done) {
        *k = fail(s, "根元素之后还有元素");
        return 0;
    }
    bool empty = c[-1] == '/' && c - 1 >= a;
    size_t nl = (size_t)(a - n);
    t->kind = *k = XS_START;
    t->empty = empty;
    t->atts = a;
    t->alen = (size_t)((empty ? c - 1 : c) - a);
    t->nlen = nl;
    t->name = local_name(n, &t->nlen);
    s->started = true;
    if (empty) {
        if (s->depth == 0) s->done = true;
    } else {
        if (s->depth == XS_DEPTH_MAX) {
            *k = fail(s, "元素嵌套超过 256 层");
            return 0;
        }
        s->open[s->depth].len = (unsigned char)(nl > 255 ? 255 : nl);
        memcpy(s->open[s->depth].name, n, nl < sizeof s->open[0].name ? nl : sizeof s->open[0].name);
        s->depth++;
    }
    s->pos = (size_t)(c + 1 - s->buf);
    return 0;
}

xs_kind xs_next(xs *s, xs_tok *t) {
    for (;;) {
        if (!s->begun) {
            /* the first bytes: a byte order mark says which encoding */
            while (s->len < 4 && !s->eof) {
                int m = more(s);
                if (m < 0) return m == -1 ? XS_FAIL : fail(s, "内存不足");
            }
            s->begun = true;
            const unsigned char *b = (const unsigned char *)s->buf;
            if (s->len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)))
                return fail(s, "是 UTF-16 编码的（Excel 和 WPS 只写 UTF-8）");
            if (s->len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) s->pos = 3;
        }
        if (s->pos == s->len) {
            int m = more(s);
            if (m == -1) return XS_FAIL;
            if (m < -1) return fail(s, "内存不足");
            if (m == 0) {
                if (!s->started) return fail(s, "是空的，没有任何元素");
                if (s->depth) return fail(s, "在元素中间结束（文件不完整）");
                memset(t, 0, sizeof *t);
                return t->kind = XS_EOF;
            }
            continue;
        }
        xs_kind k = XS_ERROR;
        if (scan(s, t, &k) == NEED_MORE) {
            int m = more(s);
            if (m == -1) return XS_FAIL;
            if (m == -2) return fail(s, "有一个超过 4 MiB 的标签");
            if (m == -3) return fail(s, "内存不足");
            if (m == 0 && s->pos < s->len) {
                /* at the end the scanner takes what is there; a tag cut off is an error */
                if (scan(s, t, &k) == NEED_MORE) return fail(s, "在标签中间结束（文件不完整）");
                if (k == XS_TEXT && t->tlen == 0) continue;
                return k;
            }
            continue;
        }
        if (k == XS_TEXT && t->tlen == 0) continue;   /* a comment, a PI, white space between elements */
        return k;
    }
}

bool xs_attr(const char **pp, const char *end, const char **name, size_t *nlen, const char **val, size_t *vlen,
             bool *bad) {
    const char *p = *pp;
    while (p < end && space(*p)) p++;
    if (p >= end) return false;
    const char *n = p;
    while (p < end && *p != '=' && !space(*p)) p++;
    size_t l = (size_t)(p - n);
    while (p < end && space(*p)) p++;
    if (l == 0 || p >= end || *p != '=') goto bad;
    p++;
    while (p < end && space(*p)) p++;
    if (p >= end || (*p != '"' && *p != '\'')) goto bad;
    const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));
    if (!q) goto bad;
    *name = local_name(n, &l);
    *nlen = l;
    *val = p + 1;
    *vlen = (size_t)(q - p - 1);
    *pp = q + 1;
    return true;
bad:
    *bad = true;
    return false;
}

/* Bytes that need a look: '&', '\r' and the control characters XML forbids. */
static const unsigned char special[256] = {
    [0] = 1, [1] = 1, [2] = 1, [3] = 1, [4] = 1, [5] = 1, [6] = 1, [7] = 1, [8] = 1,
    [11] = 1, [12] = 1, [13] = 1, [14] = 1, [15] = 1, [16] = 1, [17] = 1, [18] = 1, [19] = 1,
    [20] = 1, [21] = 1, [22] = 1, [23] = 1, [24] = 1, [25] = 1, [26] = 1, [27] = 1, [28] = 1,
    [29] = 1, [30] = 1, [31] = 1, ['&'] = 1,
};

static bool xml_char(uint32_t c) {
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
           (c >= 0x10000 && c <= 0x10FFFF);
}

size_t xs_decode(const char *raw, size_t n, char *out, const char **why) {
    size_t o = 0, i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && !special[(unsigned char)raw[j]]) j++;
        if (j > i) {
            if (out + o != raw + i) memmove(out + o, raw + i, j - i);
            o += j - i;
            i = j;
            if (i == n) break;
        }
        char c = raw[i];
        if (c == '\r') {
            out[o++] = '\n';
            i++;
            if (i < n && raw[i] == '\n') i++;
            continue;
        }
        if (c != '&') {
            *why = "含有 XML 不允许的控制字符";
            return (size_t)-1;
        }
        const char *semi = memchr(raw + i, ';', n - i < 16 ? n - i : 16);
        if (!semi) {
            *why = "有一个“&”后面不是实体（应写成 &amp;）";
            return (size_t)-1;
        }
        const char *e = raw + i + 1;
        size_t el = (size_t)(semi - e);
        char ch = 0;
        if (el == 2 && memcmp(e, "lt", 2) == 0) ch = '<';
        else if (el == 2 && memcmp(e, "gt", 2) == 0) ch = '>';
        else if (el == 3 && memcmp(e, "amp", 3) == 0) ch = '&';
        else if (el == 4 && memcmp(e, "quot", 4) == 0) ch = '"';
        else if (el == 4 && memcmp(e, "apos", 4) == 0) ch = '\'';
        if (ch) {
            out[o++] = ch;
        } else if (el >= 2 && e[0] == '#') {
            uint32_t cp = 0;
            bool hex = e[1] == 'x', ok = el > (hex ? 2u : 1u);
            for (size_t k = hex ? 2 : 1; ok && k < el; k++) {
                char d = e[k];
                int v = d >= '0' && d <= '9' ? d - '0'
                        : hex && d >= 'a' && d <= 'f' ? d - 'a' + 10
                        : hex && d >= 'A' && d <= 'F' ? d - 'A' + 10 : -1;
                if (v < 0 || cp > 0x10FFFF) ok = false;
                else cp = cp * (hex ? 16 : 10) + (uint32_t)v;
            }
            if (!ok || !xml_char(cp)) {
                *why = "有无效的字符引用（&#…;）";
                return (size_t)-1;
            }
            o += utf8_encode((int32_t)cp, out + o);
        } else {
            *why = "有未知的实体（只认得 &lt; &gt; &amp; &quot; &apos;）";
            return (size_t)-1;
        }
        i = (size_t)(semi + 1 - raw);
    }
    return o;
}
