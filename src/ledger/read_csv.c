/* read_csv — CSV ledgers through libcsv, in whatever encoding they came.
 *
 * Encoding: a byte-order mark wins (UTF-8, UTF-16LE/BE, UTF-32LE/BE);
 * otherwise text that is valid UTF-8 is UTF-8; otherwise it is GB18030 (a
 * superset of GBK and GB2312, which is what Excel on a Chinese Windows
 * writes) or Windows-1252 (Western Excel), chosen by what the bytes look like
 * (see guess_legacy), with a warning when both are plausible.  Text that is
 * none of these is refused, naming the byte where decoding failed.  The delimiter is sniffed (comma, tab, semicolon,
 * vertical bar) from the first lines.  Rows are numbered as a spreadsheet
 * would show them: blank lines count, a quoted line break does not. */
#include "ledger/read_int.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include "core/utf8.h"

/* A row's bytes are capped: a "row" of hundreds of MiB is not a ledger. */
#define ROW_BYTES_MAX (64u * 1024 * 1024)

typedef struct csv_ctx {
    ledger_builder *b;
    buf row;             /* the cells of the current row, back to back */
    size_t *offs, *lens; /* per cell */
    const char **cells;
    int n, cap;
    int sheet_row;
    int last_term;       /* terminator of the previous record, to pair CR LF */
    st status;
    err *e;
} csv_ctx;

static void on_field(void *data, size_t len, void *vctx) {
    csv_ctx *c = vctx;
    if (c->status) return;
    if (c->n >= LEDGER_COLS_MAX + 1) return;   /* further cells are ignored */
    if (c->n == c->cap) {
        int cap = c->cap ? c->cap * 2 : 64;
        size_t *o = realloc(c->offs, (size_t)cap * sizeof *o);
        if (o) c->offs = o;
        size_t *l = realloc(c->lens, (size_t)cap * sizeof *l);
        if (l) c->lens = l;
        const char **p = realloc(c->cells, (size_t)cap * sizeof *p);
        if (p) c->cells = p;
        if (!o || !l || !p) {
            c->status = err_set(c->e, ST_NOMEM, "内存不足，无法读取「%s」", c->b->t->source);
            return;
        }
        c->cap = cap;
    }
    if (len > LEDGER_CELL_MAX + 4) len = LEDGER_CELL_MAX + 4;
    c->offs[c->n] = c->row.len;
    if (buf_append(&c->row, data ? data : "", len) != ST_OK) len = 0;
    c->lens[c->n] = len;
    c->n++;
}

static void on_row(int term, void *vctx) {
    csv_ctx *c = vctx;
    if (c->status) return;
    /* With CSV_REPALL_NL, CR LF reports two ends; the LF of a pair is not a row. */
    bool lf_of_crlf = c->n == 0 && term == '\n' && c->last_term == '\r';
    c->last_term = term;
    if (lf_of_crlf) return;
    c->sheet_row++;
    for (int i = 0; i < c->n; i++) c->cells[i] = c->row.data + c->offs[i];
    bool stop = false;
    c->status = ledger_builder_row(c->b, c->sheet_row, c->n, c->cells, c->lens, &stop, c->e);
    c->n = 0;
    buf_reset(&c->row);
}

static int no_space(unsigned char ch) { (void)ch; return 0; }

/* The delimiter that occurs most in the first lines (outside quotes); comma on a tie. */
static unsigned char sniff_delim(const char *s, size_t n) {
    static const unsigned char cand[] = {',', '\t', ';', '|'};
    size_t count[4] = {0};
    int lines = 0;
    bool q = false;
    for (size_t i = 0; i < n && lines < 20; i++) {
        char ch = s[i];
        if (ch == '"') q = !q;
        else if (!q && ch == '\n') lines++;
        else if (!q)
            for (int k = 0; k < 4; k++)
                if ((unsigned char)ch == cand[k]) count[k]++;
    }
    int best = 0;
    for (int k = 1; k < 4; k++)
        if (count[k] > count[best]) best = k;
    return cand[best];
}

/* Convert with iconv into a malloc'd buffer; on failure *bad = byte offset. */
static char *convert(const char *from, const char *in, size_t len, size_t *out_len, size_t *bad) {
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1) return NULL;
    size_t cap = len * 2 + 16;
    char *out = malloc(cap);
    if (!out) {
        iconv_close(cd);
        return NULL;
    }
    char *ip = (char *)in, *op = out;
    size_t il = len, ol = cap - 1;
    while (il > 0) {
        size_t r = iconv(cd, &ip, &il, &op, &ol);
        if (r != (size_t)-1) break;
        if (errno == E2BIG) {   /* cannot happen with ×2, but stay safe */
            size_t done = (size_t)(op - out);
            cap *= 2;
            char *n = realloc(out, cap);
            if (!n) break;
            out = n;
            op = out + done;
            ol = cap - 1 - done;
            continue;
        }
        *bad = (size_t)(ip - in);
        free(out);
        iconv_close(cd);
        return NULL;
    }
    iconv_close(cd);
    *op = 0;
    *out_len = (size_t)(op - out);
    return out;
}

/* Valid UTF-8 with a few bad bytes: at least ten well-formed multi-byte
 * characters for each bad byte.  GBK text almost never forms well-formed
 * UTF-8 sequences, so it does not pass this, however little Chinese it holds. */
static bool mostly_utf8(const char *s, size_t n, size_t *first_bad, size_t *nbad) {
    const char *p = s, *end = s + n;
    size_t good = 0, bad = 0;
    *first_bad = 0;
    while (p < end) {
        if ((unsigned char)*p < 0x80) { p++; continue; }
        const char *q = p;
        if (utf8_next(&p, end) < 0) {
            if (!bad) *first_bad = (size_t)(q - s);
            bad++;
        } else {
            good++;
        }
    }
    *nbad = bad;
    return bad && good >= 10 * bad;
}

/* Copy with each bad byte replaced by U+FFFD. */
static char *repair_utf8(const char *s, size_t n, size_t *out_len) {
    char *out = malloc(n * 3 + 1);
    if (!out) return NULL;
    const char *p = s, *end = s + n;
    size_t o = 0;
    while (p < end) {
        const char *q = p;
        if ((unsigned char)*p < 0x80) { out[o++] = *p++; continue; }
        if (utf8_next(&p, end) < 0) { memcpy(out + o, "\xEF\xBF\xBD", 3); o += 3; }
        else { memcpy(out + o, q, (size_t)(p - q)); o += (size_t)(p - q); }
    }
    out[o] = 0;
    *out_len = o;
    return out;
}

/* The text as UTF-8: the encoding a file declares (a BOM) or shows, bad
 * bytes of a damaged UTF-8 file replaced and reported.  *s points into the
 * data or into *owned (malloc'ed, the caller frees it). */
typedef struct text {
    const char *s;
    size_t n;
    char *owned;
} text;

static void warn_bad_utf8(ledger_builder *b, size_t nbad, size_t first) {
    ledger_problem_add(b, 0, 0, -1, LP_WARNING, NULL, 0,
                       "文件是 UTF-8 编码，但有 %zu 处字节不是有效的 UTF-8（第一处在第 %zu 字节），已换成“\xEF\xBF\xBD”；"
                       "请核对这些单元格，或重新导出文件", nbad, first);
}

/* UTF-8 with a byte order mark. */
static st decode_utf8_bom(ledger_builder *b, text *x, err *e) {
    ledger_table *t = b->t;
    t->encoding = "UTF-8 BOM";
    x->s += 3;
    x->n -= 3;
    size_t ok = utf8_valid_prefix(x->s, x->n), bad_at, nbad;
    if (ok == x->n) return ST_OK;
    if (!mostly_utf8(x->s, x->n, &bad_at, &nbad))
        return err_set(e, ST_INVALID,
                       "无法读取「%s」：文件开头标明是 UTF-8，但第 %zu 字节起不是有效的 UTF-8（文件可能损坏）；"
                       "请在 Excel 里重新“另存为” CSV UTF-8 或 xlsx", t->source, ok + 4);
    x->owned = repair_utf8(x->s, x->n, &x->n);
    if (!x->owned) return err_set(e, ST_NOMEM, "内存不足，无法读取「%s」", t->source);
    x->s = x->owned;
    warn_bad_utf8(b, nbad, bad_at + 4);
    return ST_OK;
}

/* UTF-16 or UTF-32 (unit 2 or 4 bytes, either byte order) with a byte order
 * mark.  UTF-32 is checked first: FF FE 00 00 begins with UTF-16LE's mark too
 * (read as UTF-16, every cell came out empty). */
static st decode_bom(ledger_builder *b, text *x, int unit, err *e) {
    bool le = x->s[0] == '\xFF';
    const char *from = unit == 4 ? (le ? "UTF-32LE" : "UTF-32BE") : (le ? "UTF-16LE" : "UTF-16BE");
    b->t->encoding = unit == 4 ? (le ? "UTF-32LE BOM" : "UTF-32BE BOM") : (le ? "UTF-16LE BOM" : "UTF-16BE BOM");
    size_t bad = 0;
    x->owned = convert(from, x->s + unit, x->n - (size_t)unit, &x->n, &bad);
    if (!x->owned)
        return err_set(e, ST_INVALID, "无法读取「%s」：文件标明是 UTF-%d，但第 %zu 字节起无法解码；请重新导出",
                       b->t->source, unit * 8, bad + (size_t)unit + 1);
    x->s = x->owned;
    return ST_OK;
}

/* UTF-16 or UTF-32 text without a byte order mark: ASCII characters leave
 * NUL bytes at fixed places (every second or fourth byte).  Its name, or NULL
 * when the NULs fall anywhere (binary). */
static const char *wide_text(const char *s, size_t n) {
    size_t look = n < 4096 ? n & ~(size_t)3 : 4096, zero[4] = {0};
    if (look < 8) return NULL;
    for (size_t i = 0; i < look; i++) zero[i & 3] += s[i] == 0;
    size_t q = look / 4;   /* bytes per position */
    if (zero[1] + zero[2] + zero[3] >= 3 * q * 9 / 10 && zero[0] < q / 2) return "UTF-32LE";
    if (zero[0] + zero[1] + zero[2] >= 3 * q * 9 / 10 && zero[3] < q / 2) return "UTF-32BE";
    if (zero[1] + zero[3] >= 2 * q * 8 / 10 && zero[0] + zero[2] < q / 2) return "UTF-16LE";
    if (zero[0] + zero[2] >= 2 * q * 8 / 10 && zero[1] + zero[3] < q / 2) return "UTF-16BE";
    return NULL;
}

/* Text that is not UTF-8: GB18030 or Windows-1252?  Most bytes sequences are
 * valid in both ("première" is "premi" + GBK 鑢 + "e"), so look at the pairs
 * GB18030 would make: Chinese text is nearly all GB2312 characters (both
 * bytes A1–FE), while Western text has an accented letter followed by an
 * ASCII letter, which GB18030 can only read as a rare GBK-extension
 * character.  Only rare pairs: Windows-1252.  Both kinds: the majority, with
 * a warning naming the other when the minority is not small. */
static const char *guess_legacy(ledger_builder *b, const char *s, size_t n) {
    size_t common = 0, rare = 0;
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        if (*p < 0x80) { p++; continue; }
        unsigned lead = *p;
        if (p + 1 >= end) { rare++; break; }
        unsigned trail = p[1];
        if (trail >= 0x30 && trail <= 0x39 && p + 3 < end) { rare++; p += 4; continue; }   /* four-byte form */
        if (lead >= 0xA1 && lead <= 0xF7 && trail >= 0xA1 && trail <= 0xFE) common++;
        else rare++;
        p += 2;
    }
    if (!rare) return "GB18030";
    const char *pick = rare > common ? "WINDOWS-1252" : "GB18030";
    /* a few rare characters in Chinese text (names with 堃, 喆) are no doubt */
    size_t lo = common < rare ? common : rare, hi = common < rare ? rare : common;
    if (lo && lo * 10 >= hi)
        ledger_problem_add(b, 0, 0, -1, LP_WARNING, NULL, 0,
                           "文件没有标明编码，按 %s 读取，但也可能是 %s（西文）；如果文字是乱码，请在 Excel 里“另存为” CSV UTF-8 再上传",
                           rare > common ? "Windows-1252（西文）" : "GBK/GB18030（中文）",
                           rare > common ? "GBK/GB18030（中文）" : "Windows-1252");
    return pick;
}

/* No mark: UTF-8 (perhaps with a few damaged bytes), else GB18030 or Windows-1252. */
static st decode_plain(ledger_builder *b, text *x, err *e) {
    ledger_table *t = b->t;
    /* NUL bytes do not occur in text of any encoding we accept. */
    if (memchr(x->s, 0, x->n < 65536 ? x->n : 65536)) {
        const char *wide = wide_text(x->s, x->n);
        if (wide)
            return err_set(e, ST_UNSUPPORTED, "无法读取「%s」：文件像是不带 BOM 标记的 %s 文本，这种编码只有带 BOM 时才读取；"
                           "请在 Excel 里“另存为” CSV UTF-8（或用记事本另存为 UTF-8）再上传", t->source, wide);
        return err_set(e, ST_UNSUPPORTED, "无法读取「%s」：不是电子表格（含有二进制内容，既不是 xlsx/xls 也不是文本 CSV）；"
                       "请上传 xlsx、xls 或 CSV 文件", t->source);
    }
    size_t bad_at = 0, nbad = 0;
    if (utf8_valid(x->s, x->n)) {
        t->encoding = "UTF-8";
    } else if (mostly_utf8(x->s, x->n, &bad_at, &nbad)) {
        /* A UTF-8 file with a few damaged bytes (cut or concatenated):
         * decoding it all as GB18030 would garble every character. */
        x->owned = repair_utf8(x->s, x->n, &x->n);
        if (!x->owned) return err_set(e, ST_NOMEM, "内存不足，无法读取「%s」", t->source);
        x->s = x->owned;
        t->encoding = "UTF-8";
        warn_bad_utf8(b, nbad, bad_at + 1);
    } else {
        size_t bad = 0;
        const char *enc = guess_legacy(b, x->s, x->n);
        if (strcmp(enc, "WINDOWS-1252") == 0) {
            x->owned = convert("WINDOWS-1252", x->s, x->n, &x->n, &bad);
            if (x->owned) {
                t->encoding = "Windows-1252";
                x->s = x->owned;
                return ST_OK;
            }
        }
        x->owned = convert("GB18030", x->s, x->n, &x->n, &bad);
        if (!x->owned)
            return err_set(e, ST_INVALID,
                           "无法读取「%s」：无法识别的编码（既不是 UTF-8 也不是 GBK/GB18030，第 %zu 字节起无法解码）；"
                           "请在 Excel 里“另存为” CSV UTF-8 或 xlsx 再上传", t->source, bad + 1);
        t->encoding = "GB18030";
        x->s = x->owned;
    }
    return ST_OK;
}

static st decode(ledger_builder *b, text *x, err *e) {
    if (x->n >= 3 && memcmp(x->s, "\xEF\xBB\xBF", 3) == 0) return decode_utf8_bom(b, x, e);
    if (x->n >= 4 && (memcmp(x->s, "\xFF\xFE\0\0", 4) == 0 || memcmp(x->s, "\0\0\xFE\xFF", 4) == 0))
        return decode_bom(b, x, 4, e);
    if (x->n >= 2 && (memcmp(x->s, "\xFF\xFE", 2) == 0 || memcmp(x->s, "\xFE\xFF", 2) == 0)) return decode_bom(b, x, 2, e);
    return decode_plain(b, x, e);
}

/* The records of UTF-8 text into the builder. */
static st parse(ledger_builder *b, const char *s, size_t n, err *e) {
    ledger_table *t = b->t;
    /* Line breaks bound the number of records: count them (memchr runs at
     * memory speed) so that the rows can go straight into the table. */
    size_t lines = 1;
    for (const char *q = s, *end = s + n; (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++) lines++;
    ledger_builder_hint(b, lines);
    struct csv_parser p;
    if (csv_init(&p, CSV_REPALL_NL) != 0) return err_set(e, ST_NOMEM, "内存不足，无法读取「%s」", t->source);
    csv_set_space_func(&p, no_space);   /* we trim Unicode spaces ourselves */
    /* libcsv grows a field by blk_size at a time (128 bytes by default): a
     * 1 MB cell took 8,000 reallocs, each a copy under ASan (unit test 85 s) */
    csv_set_blk_size(&p, 64 * 1024);
    csv_set_delim(&p, sniff_delim(s, n < 65536 ? n : 65536));
    csv_ctx c = {.b = b, .e = e, .last_term = -1};
    buf_init(&c.row, ROW_BYTES_MAX);
    /* Chunks, so that a failure in the builder stops the parse soon. */
    const size_t chunk = 1 << 20;
    for (size_t off = 0; off < n && !c.status; off += chunk) {
        size_t k = n - off < chunk ? n - off : chunk;
        if (csv_parse(&p, s + off, k, on_field, on_row, &c) != k) {
            c.status = err_set(e, ST_NOMEM, "无法读取「%s」：CSV 解析失败（%s）", t->source,
                               csv_strerror(csv_error(&p)));
            break;
        }
    }
    if (!c.status) csv_fini(&p, on_field, on_row, &c);
    csv_free(&p);
    buf_free(&c.row);
    free(c.offs);
    free(c.lens);
    free(c.cells);
    return c.status;
}

st ledger_csv_read(ledger_builder *b, const unsigned char *data, size_t len, err *e) {
    text x = {(const char *)data, len, NULL};
    st s = decode(b, &x, e);
    if (!s) s = parse(b, x.s, x.n, e);
    free(x.owned);
    return s;
}
