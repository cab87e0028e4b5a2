/* xml_scan — a pull scanner for the big, simple parts of an xlsx (the sheet's
 * cells and the shared strings).
 *
 * expat spent more than a third of an xlsx import in its tokenizer and
 * callbacks, for XML that is a tiny subset of the language: elements,
 * attributes, text, entities.  This scanner hands out one token at a time
 * from a window over the inflated entry (refilled by the caller's function),
 * so the reader keeps its own state in local variables and nothing is copied
 * twice.  It still refuses what is not well-formed in ways that matter:
 * unbalanced or unterminated tags, unknown entities, control characters,
 * a DOCTYPE (no xlsx has one; entity bombs live there), text or elements
 * outside the root.  It does not check what expat checks beyond that (names'
 * characters, duplicate attributes): the reader only looks at the few
 * attributes it knows, and every cell's text is checked as UTF-8 afterwards.
 *
 * Only UTF-8 parts are read (Excel, WPS and every library write UTF-8); a
 * UTF-16 part is refused with a message saying so. */
#ifndef EJIA_LEDGER_XML_SCAN_H
#define EJIA_LEDGER_XML_SCAN_H

#include <stdbool.h>
#include <stddef.h>

typedef enum xs_kind {
    XS_START,   /* <name attrs> or <name attrs/> (empty set) */
    XS_END,     /* </name> (none after an empty element <name/>: its START says empty) */
    XS_TEXT,    /* character data, raw (entities not decoded) unless cdata; may come in pieces */
    XS_EOF,     /* the part ended after its root element closed */
    XS_ERROR,   /* not well-formed: why says what (Chinese) */
    XS_FAIL     /* the fill function failed (it reported the error itself) */
} xs_kind;

typedef struct xs_tok {
    xs_kind kind;
    const char *name;    /* local name, namespace prefix removed (START, END) */
    size_t nlen;
    const char *atts;    /* raw attribute text of a START (for xs_attr) */
    size_t alen;
    bool empty;          /* a START written <name/>: no END follows */
    char *text;          /* TEXT: raw bytes, mutable (xs_decode works in place) */
    size_t tlen;
    bool cdata;          /* TEXT from <![CDATA[...]]>: no entities to decode */
} xs_tok;

/* Fills dst with up to cap bytes of the part: returns the count, 0 at its
 * end, -1 on failure (having reported it). */
typedef long (*xs_fill_fn)(void *ctx, char *dst, size_t cap);

#define XS_DEPTH_MAX 256

typedef struct xs {
    char *buf;
    size_t cap, pos, len;
    bool eof, begun, started, done;   /* input ended; BOM checked; root opened; root closed */
    xs_fill_fn fill;
    void *ctx;
    const char *why;                 /* on XS_ERROR */
    int depth;
    struct { unsigned char len; char name[15]; } open[XS_DEPTH_MAX];
} xs;

/* A scanner over fill(ctx); false when out of memory. */
bool xs_init(xs *s, xs_fill_fn fill, void *ctx);
void xs_free(xs *s);
/* The next token.  Tokens point into the window and are valid until the next
 * call. */
xs_kind xs_next(xs *s, xs_tok *t);

/* The unread bytes of the window, between tokens: for a caller that
 * recognises a whole balanced fragment itself (elements opened and closed,
 * nothing the scanner would refuse) and then consumes it with xs_skip.  At
 * most what the window holds: when a fragment does not fit, xs_next refills. */
static inline const char *xs_window(const xs *s, size_t *n) {
    *n = s->len - s->pos;
    return s->buf + s->pos;
}
static inline void xs_skip(xs *s, size_t n) { s->pos += n; }

/* The next attribute of a START's raw attribute text (*p starts at t->atts,
 * end = t->atts + t->alen): its local name and raw value.  False at the end
 * or when the text is malformed (then *bad is set). */
bool xs_attr(const char **p, const char *end, const char **name, size_t *nlen, const char **val, size_t *vlen,
             bool *bad);

/* Decode entities (&lt; &#20013; &#x4E2D; ...) and line ends (\r\n, \r → \n)
 * of raw text into out, which may be raw itself (the result is never longer).
 * Returns the decoded length, or (size_t)-1 with *why set when the text has
 * an unknown entity or a character XML does not allow. */
size_t xs_decode(const char *raw, size_t n, char *out, const char **why);

#endif
