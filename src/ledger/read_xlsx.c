/* read_xlsx — xlsx ledgers: libzip for the package, expat for the small
 * parts' XML, xml_scan for the big ones.
 *
 * No packaged C library reads xlsx, and the part we need is small: the
 * workbook's sheet list and relationships, shared strings, the styles that
 * say which numbers are dates, and the sheet's cells.  The sheet is streamed —
 * the scanner pulls the inflated entry through a window and each row goes to
 * the builder as soon as its </row> is seen — so memory holds only the table,
 * the shared strings and one row, never a DOM of the sheet.  The sheet and the
 * shared strings go through the hand-written scanner (xml_scan.h: expat's
 * callbacks were a third of an import); workbook, relationships and styles,
 * a few KiB, stay with expat.
 *
 * Untrusted input: the number of entries and the bytes inflated are capped
 * (the sizes in the zip directory are checked first, and the real count is
 * checked while inflating, since a directory can lie); expat's billion-laughs
 * protection is on by default and a DOCTYPE is refused outright (no xlsx has
 * one). */
#include "ledger/read_int.h"

#include <expat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>
#include "core/utf8.h"
#include "ledger/xml_scan.h"

#define DEFAULT_MAX_UNZIPPED ((size_t)512 * 1024 * 1024)
#define DEFAULT_MAX_ENTRIES 10000
#define CHUNK (64 * 1024)
#define TEXT_MAX (LEDGER_CELL_MAX + 4)
/* One row's cell text (shared strings can repeat a long text in every cell). */
#define ROW_BYTES_MAX (64u * 1024 * 1024)
/* The last row number Excel can write. */
#define XLSX_ROWS_MAX 1048576
/* offs[] of a cell whose cells[] points at its shared string, not into rowbuf */
#define DIRECT ((size_t)-1)

typedef struct sheet_ref { const char *name, *rid, *path; bool hidden; } sheet_ref;

typedef struct xl {
    ledger_builder *b;
    err *e;
    const char *source;
    zip_t *z;
    size_t max_unzipped, unzipped;
    arena mem;                 /* shared strings, sheet list, styles: freed at the end */
    /* shared strings: all their text in one buffer, each NUL-terminated,
     * found by offset (no allocation per string) */
    buf ss_text;
    size_t *ss_off;
    uint32_t *ss_len;
    size_t nss, ss_cap;
    unsigned char *xf_kind;    /* per cellXfs entry: 0 number, 1 date, 2 datetime, 3 time */
    size_t nxf;
    sheet_ref *sheets;
    int nsheets;
    const char *wb_dir;        /* "xl/" */
    bool date1904;             /* <workbookPr date1904="1">: Mac Excel's day count */
    /* the zip's entries by name ('\\' read as '/', no leading '/'), sorted */
    struct zname { const char *name; zip_int64_t idx; } *names;
    size_t nnames;
} xl;

/* Per-part parse state: one struct, the handlers look at what they need. */
typedef struct pstate {
    xl *x;
    XML_Parser p;
    const char *part;
    st status;
    bool halted;               /* a handler stopped the part (status says why, ST_OK for a probe done) */
    const char *sheet;         /* the sheet's name, for messages */
    const char *why;           /* xml_scan parts: what is not well-formed */
    /* text collection: into *into from its offset mark on (the sheet: s->text
     * from 0; the shared strings: x->ss_text from the current string's start) */
    buf text, *into;
    size_t mark;
    bool collect, in_rph;
    int depth_si;
    /* styles */
    bool in_cellxfs;
    int fmt_ids[512]; unsigned char fmt_kind[512]; int nfmts;
    unsigned char *xf; size_t nxf, xf_cap;
    /* rels / workbook */
    struct { char *id, *target; } *rels; int nrels, rels_cap;
    /* sheet */
    ledger_row_fn fn;
    void *fn_ctx;
    int row, next_row, col, next_col;
    char ctype;                /* 's' shared, 'i' inline, 'n' number, 'b' bool, 'e' error, 'S' str, 'd' date */
    int style;
    bool in_row, in_cell;
    bool got_t;                /* an inline string's <t> seen: its <v>, if any, is not the text */
    buf rowbuf;                /* cell bytes of the current row ... */
    size_t direct;             /* ... and of its cells pointing into the shared strings (offs DIRECT) */
    size_t *offs, *lens;
    const char **cells;
    int ncells, cells_cap;
    /* columns of this row's error cells (#DIV/0!...), reported once the row
     * is handed over; a row with more is reported for these */
    int errs[64], nerrs;
} pstate;

static const char *local(const char *name) {
    /* Excel writes unprefixed names; short ones ("c", "v", "row") are checked
     * by hand before a library call. */
    if (name[0] && name[0] != ':' && (name[1] == 0 || (name[1] != ':' && name[2] == 0))) return name;
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *want) {
    for (int i = 0; atts[i]; i += 2)
        if (strcmp(local(atts[i]), want) == 0) return atts[i + 1];
    return NULL;
}

static void stop(pstate *s, st code) {
    if (!s->status) s->status = code;
    s->halted = true;
    if (s->p) XML_StopParser(s->p, XML_FALSE);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
                               int has_internal) {
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    pstate *s = ud;
    err_set(s->x->e, ST_INVALID, "无法读取「%s」：xlsx 里的 %s 含有 DOCTYPE，这不是 Excel 写的文件；请用 Excel 重新另存",
            s->x->source, s->part);
    stop(s, ST_INVALID);
}

static void XMLCALL on_text(void *ud, const XML_Char *t, int len) {
    pstate *s = ud;
    if (!s->collect || s->in_rph) return;
    size_t room = TEXT_MAX > s->text.len ? TEXT_MAX - s->text.len : 0;
    size_t n = (size_t)len < room ? (size_t)len : room;
    if (n) buf_append(&s->text, t, n);
}

static int zname_cmp(const void *a, const void *b) {
    return strcmp(((const struct zname *)a)->name, ((const struct zname *)b)->name);
}

/* Find an entry, tolerating a leading '/', '\\' for '/' (some Windows
 * exporters write "xl\\workbook.xml") and a different case. */
static zip_int64_t locate(xl *x, const char *path) {
    if (path[0] == '/' || path[0] == '\\') path++;
    char norm[1024];
    snprintf(norm, sizeof norm, "%s", path);   /* a relationship may name "worksheets\\sheet1.xml" too */
    for (char *p = norm; *p; p++)
        if (*p == '\\') *p = '/';
    path = norm;
    struct zname key = {path, 0};
    struct zname *f = x->nnames ? bsearch(&key, x->names, x->nnames, sizeof *x->names, zname_cmp) : NULL;
    if (f) return f->idx;
    for (size_t i = 0; i < x->nnames; i++)
        if (strcasecmp(x->names[i].name, path) == 0) return x->names[i].idx;
    return -1;
}

/* Open one zip entry; *f stays NULL when an optional one is absent. */
static st open_part(xl *x, const char *path, bool required, zip_file_t **f) {
    *f = NULL;
    zip_int64_t idx = locate(x, path);
    if (idx < 0) {
        if (!required) return ST_OK;
        return err_set(x->e, ST_INVALID, "无法读取「%s」：xlsx 文件不完整，缺少 %s；文件可能损坏，请用 Excel 重新另存",
                       x->source, path);
    }
    *f = zip_fopen_index(x->z, (zip_uint64_t)idx, 0);
    if (!*f)
        return err_set(x->e, ST_INVALID, "无法读取「%s」：xlsx 里的 %s 打不开（%s）；文件可能损坏或加了密码",
                       x->source, path, zip_strerror(x->z));
    return ST_OK;
}

/* Inflate into dst, counting against the limit (a directory can lie about
 * sizes): the scanner's fill function. */
typedef struct zpart { xl *x; zip_file_t *f; const char *path; st status; } zpart;

static long zfill(void *ctx, char *dst, size_t cap) {
    zpart *z = ctx;
    xl *x = z->x;
    zip_int64_t n = zip_fread(z->f, dst, cap);
    if (n < 0) {
        z->status = err_set(x->e, ST_INVALID, "无法读取「%s」：xlsx 文件已损坏，%s 读不完（%s）；请重新下载或用 Excel 重新另存",
                            x->source, z->path, zip_file_strerror(z->f));
        return -1;
    }
    x->unzipped += (size_t)n;
    if (x->unzipped > x->max_unzipped) {
        z->status = err_set(x->e, ST_TOO_LARGE, "无法读取「%s」：解压后超过 %zu MiB 的上限（可能是压缩炸弹）；请拆成几个文件",
                            x->source, x->max_unzipped >> 20);
        return -1;
    }
    return (long)n;
}

/* Stream one zip entry through a fresh expat parser set up by the caller. */
static st parse_part(xl *x, pstate *s, const char *path, bool required) {
    zip_file_t *f;
    st r = open_part(x, path, required, &f);
    if (r || !f) return r;
    s->part = path;
    XML_SetStartDoctypeDeclHandler(s->p, on_doctype);
    for (;;) {
        /* Inflate straight into expat's buffer: no copy in between. */
        void *chunk = XML_GetBuffer(s->p, CHUNK);
        if (!chunk) {
            s->status = err_set(x->e, ST_NOMEM, "内存不足");
            break;
        }
        zip_int64_t n = zip_fread(f, chunk, CHUNK);
        if (n < 0) {
            s->status = err_set(x->e, ST_INVALID, "无法读取「%s」：xlsx 文件已损坏，%s 读不完（%s）；请重新下载或用 Excel 重新另存",
                                x->source, path, zip_file_strerror(f));
            break;
        }
        x->unzipped += (size_t)n;
        if (x->unzipped > x->max_unzipped) {
            s->status = err_set(x->e, ST_TOO_LARGE, "无法读取「%s」：解压后超过 %zu MiB 的上限（可能是压缩炸弹）；请拆成几个文件",
                                x->source, x->max_unzipped >> 20);
            break;
        }
        if (XML_ParseBuffer(s->p, (int)n, n == 0) == XML_STATUS_ERROR) {
            if (XML_GetErrorCode(s->p) == XML_ERROR_ABORTED) break;
            s->status = err_set(x->e, ST_INVALID, "无法读取「%s」：xlsx 里的 %s 不是有效的 XML（第 %lu 行：%s）；文件可能损坏，请用 Excel 重新另存",
                                x->source, path, (unsigned long)XML_GetCurrentLineNumber(s->p),
                                XML_ErrorString(XML_GetErrorCode(s->p)));
            break;
        }
        if (n == 0 || s->status) break;
    }
    zip_fclose(f);
    return s->status;
}

/* expat: a parser for a small part (the big ones use xml_scan). */
static void pstate_init(pstate *s, xl *x, bool expat) {
    memset(s, 0, sizeof *s);
    s->x = x;
    if (expat) {
        s->p = XML_ParserCreate("UTF-8");
        XML_SetUserData(s->p, s);
        XML_SetCharacterDataHandler(s->p, on_text);
    }
    buf_init(&s->text, TEXT_MAX + 16);
    s->into = &s->text;
    buf_init(&s->rowbuf, ROW_BYTES_MAX);
}

static void pstate_free(pstate *s) {
    if (s->p) XML_ParserFree(s->p);
    buf_free(&s->text);
    buf_free(&s->rowbuf);
    free(s->xf);
    free(s->rels);
    free(s->offs);
    free(s->lens);
    free(s->cells);
}

/* ---- relationships ---------------------------------------------------- */

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    pstate *s = ud;
    if (strcmp(local(name), "Relationship") != 0) return;
    const char *id = attr(atts, "Id"), *target = attr(atts, "Target"), *type = attr(atts, "Type");
    if (!id || !target) return;
    if (s->nrels == s->rels_cap) {
        int cap = s->rels_cap ? s->rels_cap * 2 : 16;
        if (cap > 100000) return stop(s, err_set(s->x->e, ST_TOO_LARGE, "「%s」的关系表太大", s->x->source));
        void *r = realloc(s->rels, (size_t)cap * sizeof *s->rels);
        if (!r) return stop(s, ST_NOMEM);
        s->rels = r;
        s->rels_cap = cap;
    }
    /* Parts found by type rather than id get the type's last segment as key
     * (every type URL contains "/officeDocument/" in its middle, so compare tails). */
    const char *tail = type ? strrchr(type, '/') : NULL;
    if (tail && strcmp(tail, "/officeDocument") == 0) id = "#officeDocument";
    else if (tail && strcmp(tail, "/sharedStrings") == 0) id = "#sharedStrings";
    else if (tail && strcmp(tail, "/styles") == 0) id = "#styles";
    s->rels[s->nrels].id = arena_strdup(&s->x->mem, id);
    s->rels[s->nrels].target = arena_strdup(&s->x->mem, target);
    s->nrels++;
}

static const char *rel_target(pstate *s, const char *id) {
    for (int i = 0; i < s->nrels; i++)
        if (s->rels[i].id && strcmp(s->rels[i].id, id) == 0) return s->rels[i].target;
    return NULL;
}

/* A relationship target relative to the workbook's folder, or absolute. */
static const char *resolve(xl *x, const char *target) {
    if (target[0] == '/') return target + 1;
    const char *dir = x->wb_dir;
    while (strncmp(target, "../", 3) == 0) {   /* rare, but Excel allows it */
        target += 3;
        dir = "";
    }
    return arena_printf(&x->mem, "%s%s", dir, target);
}

/* ---- workbook --------------------------------------------------------- */

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    pstate *s = ud;
    xl *x = s->x;
    if (strcmp(local(name), "workbookPr") == 0) {
        const char *v = attr(atts, "date1904");
        /* extensions may repeat the element without the attribute: only an
         * attribute that is there decides */
        if (v) x->date1904 = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
        return;
    }
    if (strcmp(local(name), "sheet") != 0) return;
    const char *nm = attr(atts, "name"), *rid = attr(atts, "id"), *state = attr(atts, "state");
    if (!nm || !rid) return;
    if (x->nsheets >= 1024) return;
    if (!x->sheets) x->sheets = arena_calloc(&x->mem, 1024, sizeof *x->sheets);
    if (!x->sheets) return stop(s, ST_NOMEM);
    sheet_ref *r = &x->sheets[x->nsheets++];
    r->name = arena_strdup(&x->mem, nm);
    r->rid = arena_strdup(&x->mem, rid);
    r->hidden = state && strcmp(state, "visible") != 0;
}

/* OOXML escapes a character XML cannot hold as _xHHHH_ ("_x000D_" for a
 * carriage return; "_x005F_" for the underscore of a literal "_x0030_").
 * Decoded in place (the UTF-8 is never longer than the escape); returns the
 * new length. */
static size_t unescape_x(char *v, size_t n) {
    if (!memchr(v, '_', n)) return n;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned cp = 0;
        bool esc = i + 7 <= n && v[i] == '_' && v[i + 1] == 'x' && v[i + 6] == '_';
        for (int k = 2; esc && k < 6; k++) {
            char c = v[i + k];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) esc = false;
            else cp = cp * 16 + (unsigned)d;
        }
        if (esc && cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;   /* a lone half of a pair: no character */
        if (!esc || cp == 0) {
            v[o++] = v[i++];
            continue;
        }
        o += utf8_encode((int32_t)cp, v + o);
        i += 7;
    }
    return o;
}

/* ---- the big parts: xml_scan -------------------------------------------- */

typedef void (*tag_fn)(pstate *s, const xs_tok *t);

/* An attribute value as a C string (r, t, s are short; entities decoded). */
static void attr_str(const char *v, size_t n, char *out, size_t cap) {
    if (n >= cap) n = cap - 1;
    bool amp = false;
    for (size_t i = 0; i < n; i++) {   /* two or three bytes: no library call */
        out[i] = v[i];
        amp |= v[i] == '&';
    }
    out[n] = 0;
    if (amp) {
        const char *why;
        size_t m = xs_decode(out, n, out, &why);
        out[m == (size_t)-1 ? 0 : m] = 0;
    }
}

/* Where a part stopped being XML, for the message. */
static void scan_where(const pstate *s, char *out, size_t cap) {
    char l[8];
    if (!s->sheet) snprintf(out, cap, "在第 %zu 个共享字符串附近", s->x->nss + 1);
    else if (s->in_cell) ledger_col_letters(s->col, l), snprintf(out, cap, "在单元格 %s%d 附近", l, s->row);
    else if (s->in_row) snprintf(out, cap, "在第 %d 行附近", s->row);
    else if (s->row) snprintf(out, cap, "在第 %d 行之后", s->row);
    else snprintf(out, cap, "在表格开头");
}

/* Cell text is UTF-8 or the file is not what it claims (a cap may have cut
 * the last character: up to 3 bytes short is fine then). */
static bool text_ok(const pstate *s) {
    size_t n = s->into->len - s->mark;
    const unsigned char *d = (const unsigned char *)s->into->data + s->mark;
    size_t i = 0;
    while (i < n && d[i] < 0x80) i++;   /* a cell's <v> is a few ASCII bytes: no call */
    if (i == n) return true;
    size_t v = i + utf8_valid_prefix((const char *)d + i, n - i);
    return v == n || (n >= TEXT_MAX && v + 3 >= n);
}

/* Stream one big part through the scanner to start/end handlers; text is
 * decoded (which checks it) and collected while s->collect says so. */
/* A part's handler for whole fragments it recognises (the sheet's ordinary
 * cells): the bytes it consumed from the window, 0 for none. */
typedef size_t (*fast_fn)(pstate *s, xs *sc);

static st scan_part(xl *x, pstate *s, const char *path, bool required, tag_fn start, tag_fn end, fast_fn fast) {
    zip_file_t *f;
    st r = open_part(x, path, required, &f);
    if (r || !f) return r;
    s->part = path;
    zpart zp = {x, f, path, ST_OK};
    xs sc;
    if (!xs_init(&sc, zfill, &zp)) {
        zip_fclose(f);
        return err_set(x->e, ST_NOMEM, "内存不足");
    }
    while (!s->halted && !s->why) {
        if (fast && fast(s, &sc)) continue;
        xs_tok t;
        xs_kind k = xs_next(&sc, &t);
        if (k == XS_START) {
            start(s, &t);
            if (t.empty && !s->halted && !s->why) end(s, &t);
        } else if (k == XS_END) {
            end(s, &t);
        } else if (k == XS_TEXT) {
            size_t n = t.tlen;
            if (!t.cdata && (n = xs_decode(t.text, n, t.text, &s->why)) == (size_t)-1) break;
            if (!s->collect || s->in_rph) continue;
            size_t have = s->into->len - s->mark, room = TEXT_MAX > have ? TEXT_MAX - have : 0;
            if (n > room) n = room;
            if (n && buf_append(s->into, t.text, n) != ST_OK) stop(s, err_set(x->e, ST_NOMEM, "内存不足"));
        } else if (k == XS_EOF) {
            break;
        } else if (k == XS_FAIL) {
            stop(s, zp.status);
        } else {
            s->why = sc.why;
        }
    }
    if (s->why && !s->status) {
        char where[96];
        scan_where(s, where, sizeof where);
        if (s->sheet)
            s->status = err_set(x->e, ST_INVALID, "无法读取「%s」：工作表「%s」（%s）不是有效的 XML：%s，%s；"
                                "文件可能损坏，请用 Excel 或 WPS 打开后重新另存", x->source, s->sheet, path, s->why, where);
        else
            s->status = err_set(x->e, ST_INVALID, "无法读取「%s」：共享字符串表（%s）不是有效的 XML：%s，%s；"
                                "文件可能损坏，请用 Excel 或 WPS 打开后重新另存", x->source, path, s->why, where);
    }
    xs_free(&sc);
    zip_fclose(f);
    return s->status;
}

#define IS(t, lit) ((t)->nlen == sizeof(lit) - 1 && memcmp((t)->name, lit, sizeof(lit) - 1) == 0)

/* ---- shared strings --------------------------------------------------- */

static void sst_start(pstate *s, const xs_tok *t) {
    if (IS(t, "si")) { s->mark = s->x->ss_text.len; s->depth_si = 1; }
    else if (IS(t, "t") && s->depth_si) s->collect = true;
    else if (IS(t, "rPh")) s->in_rph = true;   /* phonetic guide: not part of the text */
}

static void sst_end(pstate *s, const xs_tok *t) {
    xl *x = s->x;
    if (IS(t, "t")) s->collect = false;
    else if (IS(t, "rPh")) s->in_rph = false;
    else if (IS(t, "si")) {
        s->depth_si = 0;
        if (!text_ok(s)) {
            s->why = "有一个共享字符串不是有效的 UTF-8 文字";
            return;
        }
        if (x->nss == x->ss_cap) {
            size_t cap = x->ss_cap ? x->ss_cap * 2 : 1024;
            if (cap > 16u * 1024 * 1024) return stop(s, err_set(x->e, ST_TOO_LARGE, "无法读取「%s」：共享字符串超过 1600 万个", x->source));
            size_t *a = realloc(x->ss_off, cap * sizeof *a);
            if (a) x->ss_off = a;
            uint32_t *b = realloc(x->ss_len, cap * sizeof *b);
            if (b) x->ss_len = b;
            if (!a || !b) return stop(s, err_set(x->e, ST_NOMEM, "内存不足"));
            x->ss_cap = cap;
        }
        size_t n = x->ss_text.len - s->mark;
        if (n) n = unescape_x(x->ss_text.data + s->mark, n);
        x->ss_text.len = s->mark + n;
        if (buf_append(&x->ss_text, "", 1) != ST_OK) return stop(s, err_set(x->e, ST_NOMEM, "内存不足"));
        x->ss_off[x->nss] = s->mark;
        x->ss_len[x->nss] = (uint32_t)n;
        x->nss++;
    }
}

/* ---- styles: which cell formats are dates ----------------------------- */

static void XMLCALL sty_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    pstate *s = ud;
    const char *l = local(name);
    if (strcmp(l, "numFmt") == 0) {
        const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
        if (id && code && s->nfmts < 512) {
            s->fmt_ids[s->nfmts] = atoi(id);
            s->fmt_kind[s->nfmts] = ledger_num_code_kind(code);
            s->nfmts++;
        }
    } else if (strcmp(l, "cellXfs") == 0) {
        s->in_cellxfs = true;
    } else if (strcmp(l, "xf") == 0 && s->in_cellxfs) {
        if (s->nxf == s->xf_cap) {
            size_t cap = s->xf_cap ? s->xf_cap * 2 : 64;
            if (cap > 65536 * 4) return;
            unsigned char *n = realloc(s->xf, cap);
            if (!n) return stop(s, ST_NOMEM);
            s->xf = n;
            s->xf_cap = cap;
        }
        const char *idv = attr(atts, "numFmtId");
        int id = idv ? atoi(idv) : 0;
        unsigned char k = ledger_num_builtin_kind(id);
        for (int i = 0; i < s->nfmts; i++)
            if (s->fmt_ids[i] == id) k = s->fmt_kind[i];
        s->xf[s->nxf++] = k;
    }
}

static void XMLCALL sty_end(void *ud, const XML_Char *name) {
    pstate *s = ud;
    if (strcmp(local(name), "cellXfs") == 0) s->in_cellxfs = false;
}

/* ---- the sheet -------------------------------------------------------- */

/* "AB12" → column 27 (0-based) and row 12; -1 when absent. */
static void cell_ref(const char *r, int *col, int *row) {
    int c = 0, n = 0;
    const char *p = r;
    while (*p >= 'A' && *p <= 'Z' && n < 4) { c = c * 26 + (*p - 'A' + 1); p++; n++; }
    *col = n ? c - 1 : -1;
    long rv = 0;
    int k = 0;
    while (*p >= '0' && *p <= '9' && k < 8) { rv = rv * 10 + (*p - '0'); p++; k++; }
    *row = k ? (int)rv : -1;
}

static void sh_start(pstate *s, const xs_tok *t) {
    const char *p = t->atts, *end = t->atts + t->alen, *an, *av;
    size_t anl, avl;
    bool bad = false;
    switch (t->name[0]) {
    case 'c':
        if (t->nlen == 1 && s->in_row) {
            /* The hottest handler: one pass over the attributes. */
            char r[32] = "", ty[16] = "", sv[16] = "";
            const char *rv = NULL;   /* r's value read in place when it has no entity */
            while (xs_attr(&p, end, &an, &anl, &av, &avl, &bad))
                if (anl == 1) {
                    if (an[0] == 'r') {
                        rv = avl && !memchr(av, '&', avl) ? av : NULL;
                        if (!rv) attr_str(av, avl, r, sizeof r);
                    } else if (an[0] == 't') {
                        attr_str(av, avl, ty, sizeof ty);
                    } else if (an[0] == 's') {
                        attr_str(av, avl, sv, sizeof sv);
                    }
                }
            if (bad) break;   /* not a cell to place */
            int col = -1, row;
            /* cell_ref stops at the closing quote as at the copy's NUL (it
             * reads at most 12 bytes: the copy's cut at 31 never mattered) */
            if (rv) cell_ref(rv, &col, &row);
            else if (r[0]) cell_ref(r, &col, &row);
            s->col = col >= 0 ? col : s->next_col;
            s->next_col = s->col + 1;
            s->ctype = 'n';
            if (ty[0]) {
                if (ty[0] == 's' && ty[1] == 0) s->ctype = 's';
                else if (strcmp(ty, "inlineStr") == 0) s->ctype = 'i';
                else if (strcmp(ty, "str") == 0) s->ctype = 'S';
                else if (ty[0] == 'b') s->ctype = 'b';
                else if (ty[0] == 'e') s->ctype = 'e';
                else if (ty[0] == 'd') s->ctype = 'd';
            }
            s->style = sv[0] ? atoi(sv) : 0;
            s->in_cell = true;
            s->got_t = false;
            buf_reset(&s->text);
        }
        break;
    case 'v':
        /* an inline string's text is its <t>; a <v> beside it (some writers
         * add one) was appended to it ("1." became "1.01.") */
        if (t->nlen == 1 && s->in_cell && !(s->ctype == 'i' && s->got_t)) s->collect = true;
        break;
    case 't':
        if (t->nlen == 1 && s->in_cell && s->ctype == 'i') {
            if (!s->got_t) buf_reset(&s->text);   /* what a <v> before it held */
            s->got_t = true;
            s->collect = true;
        }
        break;
    case 'r':
        if (IS(t, "row")) {
            /* Excel numbers rows 1..1048576.  A number beyond is not one to
             * trust: the row takes the next number, as one without r does
             * (r="2147483647" made next_row overflow, and atoi is undefined
             * past INT_MAX; fuzz_xlsx, corpus/xlsx/crash-row-number-overflow). */
            char r[32] = "";
            while (xs_attr(&p, end, &an, &anl, &av, &avl, &bad))
                if (anl == 1 && an[0] == 'r') attr_str(av, avl, r, sizeof r);
            long rv = r[0] ? strtol(r, NULL, 10) : 0;
            s->row = rv > 0 && rv <= XLSX_ROWS_MAX ? (int)rv : s->next_row;
            s->next_row = s->row + 1;
            s->next_col = 0;
            s->ncells = 0;
            s->nerrs = 0;
            buf_reset(&s->rowbuf);
            s->direct = 0;
            s->in_row = true;
        } else if (IS(t, "rPh")) {
            s->in_rph = true;
        }
        break;
    case 'd':
        /* <dimension ref="A1:K1250">: the last row, a size hint for the
         * builder (only a hint: a lying one costs a little memory, bounded
         * by Excel's 1,048,576 rows). */
        if (IS(t, "dimension") && s->fn == ledger_builder_row) {
            char ref[64] = "";
            while (xs_attr(&p, end, &an, &anl, &av, &avl, &bad))
                if (anl == 3 && memcmp(an, "ref", 3) == 0) attr_str(av, avl, ref, sizeof ref);
            const char *colon = strchr(ref, ':');
            int col, row = -1;
            if (colon) cell_ref(colon + 1, &col, &row);
            if (row > 0) ledger_builder_hint(s->fn_ctx, row > XLSX_ROWS_MAX ? XLSX_ROWS_MAX : (size_t)row);
        }
        break;
    default:
        break;
    }
    if (bad) s->why = "有写错的属性（应为 名字=\"值\"）";
}

/* A number as a user would read it: integers without ".0" or exponent, others
 * with at most 15 significant digits (Excel's own precision). */
static size_t format_number(const char *v, size_t n, char *out, size_t cap) {
    bool simple = n > 0 && n < 16;
    for (size_t i = 0; i < n && simple; i++) simple = (v[i] >= '0' && v[i] <= '9') || (i == 0 && v[i] == '-');
    if (simple) {
        memcpy(out, v, n);
        return n;
    }
    char tmp[64];
    if (n >= sizeof tmp) n = sizeof tmp - 1;
    memcpy(tmp, v, n);
    tmp[n] = 0;
    char *end;
    double d = strtod(tmp, &end);
    if (end == tmp || !isfinite(d)) {
        memcpy(out, v, n);
        return n;
    }
    int k;
    if (d == floor(d) && fabs(d) < 1e15) k = snprintf(out, cap, "%.0f", d);
    else k = snprintf(out, cap, "%.15g", d);
    return k > 0 ? (size_t)k : 0;
}

static void end_cell(pstate *s) {
    xl *x = s->x;
    s->in_cell = false;
    s->collect = false;
    if (s->col >= LEDGER_COLS_MAX + 1) return;
    const char *v = s->text.len ? s->text.data : "";
    size_t n = s->text.len;
    char num[80];
    bool direct = false;   /* a shared string: the row points at it (the table keeps them; no copy) */
    switch (s->ctype) {
    case 's': {
        char *end = NULL;
        unsigned long i = 0;
        size_t k = 0;
        while (k < n && k < 9 && v[k] >= '0' && v[k] <= '9') i = i * 10 + (unsigned long)(v[k++] - '0');
        if (k && k == n) end = (char *)v + k;   /* only digits (the usual): what strtoul gives */
        else i = strtoul(v, &end, 10);
        if (end != v && i < x->nss) { v = x->ss_text.data + x->ss_off[i]; n = x->ss_len[i]; }
        else { v = ""; n = 0; }
        direct = true;
        break;
    }
    case 'b':   /* a boolean cell without a value is empty, not FALSE */
        if (n) { v = v[0] == '1' ? "TRUE" : "FALSE"; n = strlen(v); }
        break;
    case 'i': case 'S':
        if (n) n = unescape_x(s->text.data, n);
        break;
    case 'n':
        if (n) {
            unsigned char kind = (s->style >= 0 && (size_t)s->style < x->nxf) ? x->xf_kind[s->style] : 0;
            size_t k = 0;
            if (kind) {
                char tmp[64];
                size_t m = n < sizeof tmp - 1 ? n : sizeof tmp - 1;
                memcpy(tmp, v, m);
                tmp[m] = 0;
                k = ledger_num_date(strtod(tmp, NULL), kind, x->date1904, num, sizeof num);
            }
            if (!k) k = format_number(v, n, num, sizeof num);
            v = num;
            n = k;
        }
        break;
    default: break;   /* inline string, formula string, error, ISO date: the text as is */
    }
    if (n == 0) return;   /* an empty cell is the same as an absent one */
    /* Place at its column; the gap before it is empty cells. */
    int need = s->col + 1;
    if (need > s->cells_cap) {
        int cap = s->cells_cap ? s->cells_cap : 32;
        while (cap < need) cap *= 2;
        size_t *o = realloc(s->offs, (size_t)cap * sizeof *o);
        if (o) s->offs = o;
        size_t *l = realloc(s->lens, (size_t)cap * sizeof *l);
        if (l) s->lens = l;
        const char **c = realloc(s->cells, (size_t)cap * sizeof *c);
        if (c) s->cells = c;
        if (!o || !l || !c) return stop(s, err_set(x->e, ST_NOMEM, "内存不足"));
        s->cells_cap = cap;
    }
    while (s->ncells < need) {
        s->offs[s->ncells] = 0;
        s->lens[s->ncells] = 0;
        s->ncells++;
    }
    s->lens[s->col] = n;
    if (s->ctype == 'e' && s->nerrs < (int)(sizeof s->errs / sizeof *s->errs)) s->errs[s->nerrs++] = s->col;
    /* the row's text counts against ROW_BYTES_MAX, copied or pointed at */
    size_t have = s->rowbuf.len + s->direct;
    if (n > ROW_BYTES_MAX || have > ROW_BYTES_MAX - n || (!direct && buf_append(&s->rowbuf, v, n) != ST_OK))
        return stop(s, err_set(x->e, ST_TOO_LARGE, "无法读取「%s」：第 %d 行的内容超过 %u MiB；这不像是台账，请检查文件",
                               x->source, s->row, ROW_BYTES_MAX >> 20));
    if (direct) {
        s->offs[s->col] = DIRECT;
        s->cells[s->col] = v;
        s->direct += n;
    } else {
        s->offs[s->col] = s->rowbuf.len - n;
    }
}

static void sh_end(pstate *s, const xs_tok *t) {
    if (t->nlen == 1 && t->name[0] == 'c' && s->in_cell) {
        if (!text_ok(s)) {
            s->why = "单元格里的文字不是有效的 UTF-8";
            return;
        }
        end_cell(s);
    } else if (t->nlen == 1 && (t->name[0] == 'v' || t->name[0] == 't')) {
        s->collect = false;
    } else if (IS(t, "rPh")) {
        s->in_rph = false;
    } else if (IS(t, "row") && s->in_row) {
        s->in_row = false;
        for (int i = 0; i < s->ncells; i++)
            if (s->offs[i] != DIRECT) s->cells[i] = s->lens[i] ? s->rowbuf.data + s->offs[i] : "";
        bool halt = false;
        ledger_builder *b = s->fn == ledger_builder_row ? s->fn_ctx : NULL;
        int before = b ? b->t->nrows : 0;
        st r = s->fn(s->fn_ctx, s->row, s->ncells, s->cells, s->lens, &halt, s->x->e);
        for (int i = 0; b && !r && i < s->nerrs; i++)
            if (s->errs[i] < s->ncells)
                ledger_builder_cell_error(b, before, s->row, s->errs[i], s->cells[s->errs[i]], s->lens[s->errs[i]]);
        if (r) stop(s, r);
        else if (halt) stop(s, ST_OK);
    }
}

/* How Excel writes nearly every cell: <c r="B12"><v>34</v></c> (a number) or
 * <c r="B12" t="s"><v>5</v></c> (a shared string), one after another.  Those
 * are taken here in one step each, with the very effects the tokens would
 * have through sh_start and sh_end (a cell starts: column, type, style 0;
 * <v> collects; its digits are the text; </v>; </c> ends the cell); anything
 * else (another attribute, a formula, white space, a cell cut by the window's
 * end) goes token by token as before.  Five tokens per cell were half of
 * reading a sheet. */
static size_t sh_fast(pstate *s, xs *sc) {
    if (!s->in_row || s->in_cell || s->in_rph || s->collect) return 0;
    size_t n, done = 0;
    const char *w = xs_window(sc, &n);
    while (!s->halted && !s->why) {
        const char *p = w + done;
        size_t m = n - done, i = 6;
        if (m < 22 || memcmp(p, "<c r=\"", 6) != 0) break;
        while (i < m && p[i] >= 'A' && p[i] <= 'Z') i++;
        if (i == 6 || i > 9) break;   /* one to three letters */
        size_t d = i;
        while (i < m && p[i] >= '0' && p[i] <= '9') i++;
        if (i == d || i - d > 7 || i >= m || p[i] != '"') break;
        i++;
        char ctype = 'n';
        if (m - i >= 6 && memcmp(p + i, " t=\"s\"", 6) == 0) {
            ctype = 's';
            i += 6;
        }
        if (m - i < 4 || memcmp(p + i, "><v>", 4) != 0) break;
        i += 4;
        size_t v = i;
        while (i < m && p[i] >= '0' && p[i] <= '9') i++;
        if (i == v || i - v > 15 || m - i < 8 || memcmp(p + i, "</v></c>", 8) != 0) break;
        int col, row;
        cell_ref(p + 6, &col, &row);   /* stops at the quote */
        s->col = col;
        s->next_col = col + 1;
        s->ctype = ctype;
        s->style = 0;
        s->in_cell = true;
        s->got_t = false;
        buf_reset(&s->text);
        if (buf_append(&s->text, p + v, i - v) != ST_OK) {   /* at most 15 bytes: cannot fail */
            stop(s, err_set(s->x->e, ST_NOMEM, "内存不足"));
            break;
        }
        done += i + 8;
        end_cell(s);   /* </c>: digits are valid UTF-8 (text_ok) */
    }
    if (done) xs_skip(sc, done);
    return done;
}

static st parse_sheet(xl *x, int sheet, ledger_row_fn fn, void *ctx) {
    pstate s;
    pstate_init(&s, x, false);
    s.sheet = x->sheets[sheet].name;
    s.fn = fn;
    s.fn_ctx = ctx;
    s.next_row = 1;
    st r = scan_part(x, &s, x->sheets[sheet].path, true, sh_start, sh_end, sh_fast);
    pstate_free(&s);
    return r;
}

/* Probing: does a sheet have a header in its first rows? */
static const char *sheet_name(const void *ctx, int i) { return ((const xl *)ctx)->sheets[i].name; }

static st open_zip(xl *x, const unsigned char *data, size_t len) {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (!src) {
        zip_error_fini(&ze);
        return err_set(x->e, ST_NOMEM, "内存不足");
    }
    /* No ZIP_CHECKCONS: some office suites write local headers that differ from
     * the directory in harmless ways; damage still shows as a CRC or inflate
     * error when the entry is read. */
    x->z = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!x->z) {
        int code = zip_error_code_zip(&ze);
        const char *why = zip_error_strerror(&ze);
        char msg[256];
        snprintf(msg, sizeof msg, "%s", why);
        zip_source_free(src);
        zip_error_fini(&ze);
        if (code == ZIP_ER_NOZIP || code == ZIP_ER_INCONS || code == ZIP_ER_EOF || code == ZIP_ER_READ ||
            code == ZIP_ER_SEEK)
            return err_set(x->e, ST_INVALID, "无法读取「%s」：截断的 zip——文件不完整或已损坏（%s）；请重新下载或用 Excel 重新另存",
                           x->source, msg);
        return err_set(x->e, ST_INVALID, "无法读取「%s」：zip 打不开（%s）；请用 Excel 重新另存为 xlsx", x->source, msg);
    }
    zip_error_fini(&ze);
    return ST_OK;
}

/* Check the directory against the limits before inflating anything. */
static st check_limits(xl *x, size_t max_entries) {
    zip_int64_t n = zip_get_num_entries(x->z, 0);
    if (n < 0 || (zip_uint64_t)n > max_entries)
        return err_set(x->e, ST_TOO_LARGE, "无法读取「%s」：zip 里有 %lld 个文件，超过 %zu 个的上限；这不像是一个电子表格",
                       x->source, (long long)n, max_entries);
    zip_uint64_t total = 0;
    x->names = arena_calloc(&x->mem, (size_t)n + 1, sizeof *x->names);
    if (!x->names) return err_set(x->e, ST_NOMEM, "内存不足");
    for (zip_int64_t i = 0; i < n; i++) {
        zip_stat_t sb;
        if (zip_stat_index(x->z, (zip_uint64_t)i, 0, &sb) == 0 && (sb.valid & ZIP_STAT_SIZE)) total += sb.size;
        if (total > x->max_unzipped)
            return err_set(x->e, ST_TOO_LARGE, "无法读取「%s」：解压后超过 %zu MiB 的上限；请拆成几个文件后再导入",
                           x->source, x->max_unzipped >> 20);
        const char *nm = zip_get_name(x->z, (zip_uint64_t)i, 0);
        if (!nm) continue;
        char *c = arena_strdup(&x->mem, nm[0] == '/' || nm[0] == '\\' ? nm + 1 : nm);
        if (!c) return err_set(x->e, ST_NOMEM, "内存不足");
        for (char *p = c; *p; p++)
            if (*p == '\\') *p = '/';
        x->names[x->nnames++] = (struct zname){c, i};
    }
    qsort(x->names, x->nnames, sizeof *x->names, zname_cmp);
    /* Two entries of one name: readers disagree on which counts (we read the
     * first, Python's zipfile the last, Excel refuses the file), so a file
     * could show one table to a person and another to ejia.  Refused. */
    for (size_t i = 1; i < x->nnames; i++)
        if (strcmp(x->names[i - 1].name, x->names[i].name) == 0)
            return err_set(x->e, ST_INVALID,
                           "无法读取「%s」：xlsx（zip 压缩包）里有两个同名的文件 %s，不同的软件会读出不同的内容"
                           "（Excel 也打不开这样的文件）；请用 Excel 或 WPS 重新另存后再上传",
                           x->source, x->names[i].name);
    return ST_OK;
}

static st read_meta(xl *x) {
    /* The package relationships name the workbook; default xl/workbook.xml. */
    const char *wb = "xl/workbook.xml";
    pstate s;
    pstate_init(&s, x, true);
    XML_SetElementHandler(s.p, rels_start, NULL);
    st r = parse_part(x, &s, "_rels/.rels", false);
    const char *t = r ? NULL : rel_target(&s, "#officeDocument");
    if (t) wb = arena_strdup(&x->mem, t[0] == '/' ? t + 1 : t);
    pstate_free(&s);
    if (r) return r;
    if (locate(x, wb) < 0) {
        const char *what = locate(x, "word/document.xml") >= 0 ? "Word 文档（docx）"
                           : locate(x, "ppt/presentation.xml") >= 0 ? "PowerPoint 文档（pptx）"
                           : locate(x, "content.xml") >= 0 ? "OpenDocument 文件（请另存为 xlsx）"
                                                            : "普通的 zip 压缩包";
        return err_set(x->e, ST_UNSUPPORTED, "无法读取「%s」：不是电子表格，是%s；请上传 xlsx、xls 或 CSV 文件", x->source, what);
    }
    const char *slash = strrchr(wb, '/');
    x->wb_dir = slash ? arena_strndup(&x->mem, wb, (size_t)(slash - wb + 1)) : "";
    const char *rels_path = arena_printf(&x->mem, "%s_rels/%s.rels", x->wb_dir, slash ? slash + 1 : wb);

    pstate_init(&s, x, true);
    XML_SetElementHandler(s.p, wb_start, NULL);
    r = parse_part(x, &s, wb, true);
    pstate_free(&s);
    if (r) return r;
    if (x->nsheets == 0)
        return err_set(x->e, ST_INVALID, "无法读取「%s」：工作簿里没有工作表；请用 Excel 打开检查", x->source);

    pstate_init(&s, x, true);
    XML_SetElementHandler(s.p, rels_start, NULL);
    r = parse_part(x, &s, rels_path, false);
    const char *ss_path = NULL, *sty_path = NULL;
    if (!r) {
        for (int i = 0; i < x->nsheets; i++) {
            const char *tg = rel_target(&s, x->sheets[i].rid);
            x->sheets[i].path = tg ? resolve(x, tg) : arena_printf(&x->mem, "%sworksheets/sheet%d.xml", x->wb_dir, i + 1);
        }
        const char *tg = rel_target(&s, "#sharedStrings");
        ss_path = tg ? resolve(x, tg) : arena_printf(&x->mem, "%ssharedStrings.xml", x->wb_dir);
        tg = rel_target(&s, "#styles");
        sty_path = tg ? resolve(x, tg) : arena_printf(&x->mem, "%sstyles.xml", x->wb_dir);
    }
    pstate_free(&s);
    if (r) return r;

    pstate_init(&s, x, true);
    XML_SetElementHandler(s.p, sty_start, sty_end);
    r = parse_part(x, &s, sty_path, false);
    if (!r && s.nxf) {
        x->xf_kind = arena_alloc(&x->mem, s.nxf);
        if (x->xf_kind) {
            memcpy(x->xf_kind, s.xf, s.nxf);
            x->nxf = s.nxf;
        }
    }
    pstate_free(&s);
    if (r) return r;

    /* The strings' text is shorter than their part: room for it at once, so
     * the buffer does not double (and copy, and fault) its way up to tens of
     * MiB (a directory may lie: at most the unzipped limit, and memory that
     * is reserved but never written costs nothing) */
    zip_int64_t si = locate(x, ss_path);
    zip_stat_t zs;
    if (si >= 0 && zip_stat_index(x->z, (zip_uint64_t)si, 0, &zs) == 0 && (zs.valid & ZIP_STAT_SIZE))
        (void)buf_reserve(&x->ss_text, zs.size < x->max_unzipped ? (size_t)zs.size : x->max_unzipped);
    pstate_init(&s, x, false);
    s.into = &x->ss_text;
    r = scan_part(x, &s, ss_path, false, sst_start, sst_end, NULL);
    pstate_free(&s);
    return r;
}

static int choose_sheet(xl *x, const char *want) {
    if (want) return ledger_sheet_named(want, x->nsheets, sheet_name, x);
    if (x->nsheets == 1) return 0;
    /* The first visible sheet with a header; else the first visible sheet with
     * anything in it; else the first sheet. */
    int first_nonempty = -1;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < x->nsheets; i++) {
            if (x->sheets[i].hidden != (pass == 1)) continue;
            ledger_probe p = {.b = x->b};
            if (parse_sheet(x, i, ledger_probe_row, &p) != ST_OK) {
                err_clear(x->e);   /* a broken sheet we may not need; the chosen one is read in full later */
                continue;
            }
            if (p.found) return i;
            if (p.seen && first_nonempty < 0) first_nonempty = i;
        }
    return first_nonempty >= 0 ? first_nonempty : 0;
}

st ledger_xlsx_read(ledger_builder *b, const unsigned char *data, size_t len, err *e) {
    xl x = {.b = b, .e = e, .source = b->t->source};
    x.max_unzipped = b->o->max_uncompressed ? b->o->max_uncompressed : DEFAULT_MAX_UNZIPPED;
    size_t max_entries = b->o->max_entries ? b->o->max_entries : DEFAULT_MAX_ENTRIES;
    arena_init(&x.mem, 0);
    buf_init(&x.ss_text, 0);
    st r = open_zip(&x, data, len);
    if (!r) r = check_limits(&x, max_entries);
    if (!r) r = read_meta(&x);
    bool ss_owned = false;
    if (!r && x.ss_text.data) {
        /* The shared strings are complete: the table keeps them, and cells
         * that are one of them point there instead of holding a copy. */
        if (!arena_own(&b->t->mem, x.ss_text.data)) {
            x.ss_text.data = NULL;   /* freed by arena_own */
            r = err_set(e, ST_TOO_LARGE, "无法读完「%s」：内容展开后超过 %zu MiB 的上限；请拆成几个文件后再导入",
                        x.source, b->t->mem.cap >> 20);
        } else {
            ss_owned = true;
            b->keep_lo = x.ss_text.data;
            b->keep_hi = x.ss_text.data + x.ss_text.len;
        }
    }
    if (!r) {
        size_t before = x.unzipped;   /* probes do not count against the limit */
        int i = choose_sheet(&x, b->o->sheet);
        x.unzipped = before;
        if (i < 0) {
            char names[512];
            size_t o = 0;
            for (int k = 0; k < x.nsheets && o < sizeof names - 1; k++)
                o += (size_t)snprintf(names + o, sizeof names - o, "%s「%s」", k ? "、" : "", x.sheets[k].name);
            r = err_set(e, ST_INVALID, "「%s」里没有名为「%s」的工作表；有这些：%s", x.source, b->o->sheet, names);
        } else {
            b->t->sheet = arena_strdup(&b->t->mem, x.sheets[i].name);
            r = parse_sheet(&x, i, ledger_builder_row, b);
        }
    }
    if (x.z) zip_discard(x.z);
    b->keep_lo = b->keep_hi = NULL;
    if (!ss_owned) buf_free(&x.ss_text);
    free(x.ss_off);
    free(x.ss_len);
    arena_free(&x.mem);
    return r;
}
