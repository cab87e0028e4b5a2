/* read_xls — legacy Excel (.xls: BIFF5/7 of Excel 95, BIFF8 of Excel 97–2003,
 * and what WPS, Gnumeric and others write as such): our own OLE2 container
 * reader (ole2.c) and BIFF record reader.
 *
 * Why our own: freexl 1.0.6, used before, returned nothing for FORMULA cells
 * (offices' ledgers are full of 合计 and 序号 = ROW(): whole rows vanished),
 * returned OK with no handle for dozens of valid files, missed streams named
 * BOOK/WORKBOOK in capitals, turned error and boolean cells into numbers,
 * dropped Excel 95 rich text and shifted code page 1258 strings; it also read
 * past its own buffers on crafted files, so it ran in a forked child.  The
 * records we need are few and documented ([MS-XLS]); this reader is bounded by
 * the stream it is given (every length checked against what is left), holds
 * one sheet's cells at a time, and is fuzzed like the other readers, so it
 * runs in the server's process.
 *
 * What a cell becomes (as in the xlsx reader): text as written; a number as
 * Excel shows it in General, or a date/time when its XF's number format is
 * one (1904 date system from DATEMODE); a formula its cached result (number,
 * text from the STRING record after it, TRUE/FALSE, or the error text, which
 * is also reported as a problem of its row); booleans TRUE/FALSE.  Excel 95
 * text is converted from the workbook's CODEPAGE with iconv.  Sheet choice as
 * for xlsx: the named one, else the first sheet whose top rows hold a header. */
#include "ledger/read_int.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/utf8.h"
#include "ledger/ole2.h"

#define TEXT_MAX (LEDGER_CELL_MAX + 4)
#define MAX_SHEETS 1024

/* Record types ([MS-XLS] 2.3). */
enum {
    R_FORMULA = 0x0006, R_EOF = 0x000A, R_DATEMODE = 0x0022, R_FILEPASS = 0x002F, R_CONTINUE = 0x003C,
    R_CODEPAGE = 0x0042, R_BOUNDSHEET = 0x0085, R_MULRK = 0x00BD, R_RSTRING = 0x00D6, R_XF = 0x00E0,
    R_SST = 0x00FC, R_LABELSST = 0x00FD, R_NUMBER = 0x0203, R_LABEL = 0x0204, R_BOOLERR = 0x0205,
    R_FORMULA3 = 0x0206, R_STRING = 0x0207, R_RK = 0x027E, R_FORMULA4 = 0x0406, R_FORMAT = 0x041E,
    R_BOF = 0x0809,
};

typedef struct bsheet { size_t pos; uint8_t vis, type; const char *name; } bsheet;

typedef struct xcell {
    uint32_t row, seq;
    uint16_t col;
    uint8_t sst, error;   /* text is shared string `ref`, else `len` bytes at `ref` in the text buffer */
    uint32_t ref, len;
} xcell;

typedef struct biff {
    ledger_builder *b;
    err *e;
    const char *src;
    const unsigned char *s;   /* the workbook stream */
    size_t n;
    int ver;                  /* 8 (Excel 97+) or 5 (Excel 5/95) */
    bool date1904;
    iconv_t cd;               /* BIFF5 text: code page → UTF-8 */
    unsigned char raw[65536]; /* one BIFF5 string's bytes (a count is 16 bits) */
    buf str;                  /* one decoded string */
    char *sst;                /* shared strings, back to back */
    size_t sst_len, sst_cap;
    uint32_t *sst_off, *sst_n;
    size_t nsst, sst_slots;
    struct fmt { uint16_t id; unsigned char kind; } *fmts;
    size_t nfmts, fmts_cap;
    unsigned char *xf;        /* per XF: its number format's kind */
    size_t nxf, xf_cap;
    bsheet sheets[MAX_SHEETS];
    int nsheets;
    arena mem;                /* sheet names */
    /* the sheet being read */
    xcell *cells;
    size_t ncells, cells_cap;
    buf text;
    st status;
    size_t probed;            /* bytes of records looked through while choosing a sheet */
} biff;

static uint16_t u16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t u32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static double f64(const unsigned char *p) {
    uint64_t v = (uint64_t)u32(p) | (uint64_t)u32(p + 4) << 32;
    double d;
    memcpy(&d, &v, sizeof d);
    return d;
}

/* The record at p: false when no whole record is left. */
static bool rec_at(const biff *x, size_t p, unsigned *type, size_t *len) {
    if (p > x->n || x->n - p < 4) return false;
    *type = u16(x->s + p);
    *len = u16(x->s + p + 2);
    return *len <= x->n - p - 4;
}

/* ---- strings ------------------------------------------------------------ */

/* A cursor over a record and the CONTINUE records after it: long strings
 * (and the SST) go on in CONTINUE records, each string's characters resuming
 * with a fresh flags byte. */
typedef struct cur { const biff *x; size_t rec, len, off; } cur;

static cur cur_at(const biff *x, size_t p, size_t len) { return (cur){x, p + 4, len, 0}; }

static bool cur_next(cur *c) {
    unsigned type;
    size_t len, p = c->rec + c->len;
    if (!rec_at(c->x, p, &type, &len) || type != R_CONTINUE) return false;
    c->rec = p + 4;
    c->len = len;
    c->off = 0;
    return true;
}

/* k bytes into out (NULL: skip them); false when the records end first. */
static bool cur_get(cur *c, unsigned char *out, size_t k) {
    while (k) {
        if (c->off == c->len && !cur_next(c)) return false;
        size_t m = c->len - c->off < k ? c->len - c->off : k;
        if (out) { memcpy(out, c->x->s + c->rec + c->off, m); out += m; }
        c->off += m;
        k -= m;
    }
    return true;
}

static void put_cp(biff *x, uint32_t cp) {
    if (x->str.len + 4 > TEXT_MAX) return;   /* cut; the builder reports cells over the cap */
    char u[4];
    size_t k = utf8_encode((int32_t)cp, u);
    buf_append(&x->str, u, k);
}

/* BIFF8 characters: 8-bit (Latin-1, the high bytes dropped) or UTF-16LE. */
static bool get_chars8(cur *c, size_t cch, bool wide) {
    biff *x = (biff *)c->x;
    uint32_t hi = 0;   /* a high surrogate waiting for its pair */
    for (size_t i = 0; i < cch; i++) {
        if (c->off == c->len) {
            if (!cur_next(c)) return false;
            unsigned char fl;
            if (!cur_get(c, &fl, 1)) return false;
            wide = fl & 1;
        }
        unsigned char b[2] = {0, 0};
        if (!cur_get(c, b, wide ? 2 : 1)) return false;
        uint32_t u = u16(b);
        if (hi && u >= 0xDC00 && u < 0xE000) { put_cp(x, 0x10000 + ((hi - 0xD800) << 10) + (u - 0xDC00)); hi = 0; continue; }
        if (hi) { put_cp(x, 0xFFFD); hi = 0; }
        if (u >= 0xD800 && u < 0xDC00) hi = u;
        else if (u >= 0xDC00 && u < 0xE000) put_cp(x, 0xFFFD);
        else if (u) put_cp(x, u);
    }
    if (hi) put_cp(x, 0xFFFD);
    return true;
}

static void put_utf8(biff *x, const char *s, size_t n) {
    size_t room = x->str.len < TEXT_MAX ? TEXT_MAX - x->str.len : 0;
    if (n > room) n = utf8_valid_prefix(s, room);
    if (n) buf_append(&x->str, s, n);
}

/* BIFF5 bytes in the workbook's code page, converted as one piece and iconv
 * flushed after it: the code page 1258 converter holds a base letter back to
 * combine it with a following accent, and not flushing lost one character
 * per string (freexl's "Format" → "FForma"). */
static void put_bytes(biff *x, const unsigned char *p, size_t n) {
    char out[1024];
    char *ip = (char *)p, *op;
    size_t il = n, ol;
    iconv(x->cd, NULL, NULL, NULL, NULL);
    while (il) {
        op = out;
        ol = sizeof out;
        size_t r = iconv(x->cd, &ip, &il, &op, &ol);
        int why = errno;
        put_utf8(x, out, (size_t)(op - out));
        if (r == (size_t)-1 && why != E2BIG) {   /* a byte not in the code page, or cut short */
            put_cp(x, 0xFFFD);
            if (why != EILSEQ) break;
            ip++;
            il--;
        }
    }
    op = out;
    ol = sizeof out;
    iconv(x->cd, NULL, NULL, &op, &ol);
    put_utf8(x, out, (size_t)(op - out));
}

/* A string into x->str: `lenbytes` (1 or 2) of character count, then for
 * BIFF8 a flags byte (and rich-text runs and phonetic data, skipped). */
static bool get_str(biff *x, cur *c, int lenbytes) {
    buf_reset(&x->str);
    unsigned char h[2] = {0, 0};
    if (!cur_get(c, h, (size_t)lenbytes)) return false;
    size_t cch = lenbytes == 1 ? h[0] : u16(h);
    if (x->ver == 5) {   /* the bytes may go on in a CONTINUE record: gathered first */
        if (!cur_get(c, x->raw, cch)) return false;
        put_bytes(x, x->raw, cch);
        return true;
    }
    unsigned char fl, t[4];
    if (!cur_get(c, &fl, 1)) return false;
    size_t runs = 0, ext = 0;
    if (fl & 8) { if (!cur_get(c, t, 2)) return false; runs = u16(t); }
    if (fl & 4) { if (!cur_get(c, t, 4)) return false; ext = u32(t); }
    if (!get_chars8(c, cch, fl & 1)) return false;
    return cur_get(c, NULL, runs * 4) && cur_get(c, NULL, ext);
}

/* ---- workbook globals ----------------------------------------------------- */

static const char *codepage_name(unsigned cp, char *tmp, size_t cap) {
    switch (cp) {
    case 936: return "GB18030";   /* a superset of Chinese Windows' CP936 */
    case 367: case 1200: case 32769: case 0: return "CP1252";
    case 10000: case 32768: return "MACINTOSH";
    default: snprintf(tmp, cap, "CP%u", cp); return tmp;
    }
}

static st fail(biff *x, st code, const char *why) {
    return err_set(x->e, code, "无法读取「%s」：xls 文件已损坏（%s）；请用 Excel 打开后另存为 xlsx 再上传", x->src, why);
}

static void add_fmt(biff *x, uint16_t id, unsigned char kind) {
    if (x->nfmts == x->fmts_cap) {
        size_t cap = x->fmts_cap ? x->fmts_cap * 2 : 64;
        struct fmt *f = realloc(x->fmts, cap * sizeof *f);
        if (!f) return;   /* the format shows as a plain number */
        x->fmts = f;
        x->fmts_cap = cap;
    }
    x->fmts[x->nfmts++] = (struct fmt){id, kind};
}

static void add_xf(biff *x, uint16_t fmt) {
    if (x->nxf == x->xf_cap) {
        size_t cap = x->xf_cap ? x->xf_cap * 2 : 256;
        unsigned char *p = realloc(x->xf, cap);
        if (!p) return;
        x->xf = p;
        x->xf_cap = cap;
    }
    unsigned char k = ledger_num_builtin_kind(fmt);
    for (size_t i = 0; i < x->nfmts; i++)   /* a workbook may redefine a built-in id */
        if (x->fmts[i].id == fmt) k = x->fmts[i].kind;
    x->xf[x->nxf++] = k;
}

/* The SST: shared strings, each kept whole (up to the cell cap). */
static st read_sst(biff *x, size_t p, size_t len) {
    cur c = cur_at(x, p, len);
    unsigned char h[8];
    if (!cur_get(&c, h, 8)) return ST_OK;
    size_t unique = u32(h + 4);
    /* the count is the file's word: trust it no further than the bytes allow
     * (a string takes at least 3 bytes) */
    if (unique > x->n / 3 + 1) unique = x->n / 3 + 1;
    x->sst_off = malloc((unique ? unique : 1) * sizeof *x->sst_off);
    x->sst_n = malloc((unique ? unique : 1) * sizeof *x->sst_n);
    if (!x->sst_off || !x->sst_n) return err_set(x->e, ST_NOMEM, "内存不足");
    x->sst_slots = unique;
    while (x->nsst < unique && get_str(x, &c, 2)) {
        if (x->sst_len + x->str.len > x->sst_cap) {
            size_t cap = (x->sst_cap ? x->sst_cap : 65536);
            while (cap < x->sst_len + x->str.len) cap *= 2;
            char *q = realloc(x->sst, cap);
            if (!q) return err_set(x->e, ST_NOMEM, "内存不足");
            x->sst = q;
            x->sst_cap = cap;
        }
        if (x->str.len) memcpy(x->sst + x->sst_len, x->str.data, x->str.len);
        x->sst_off[x->nsst] = (uint32_t)x->sst_len;
        x->sst_n[x->nsst] = (uint32_t)x->str.len;
        x->sst_len += x->str.len;
        x->nsst++;
    }
    return ST_OK;
}

/* Pass 1 over the globals: version, code page, date system, encryption. */
static st globals_first(biff *x, size_t *end) {
    unsigned type;
    size_t len, p = 0;
    if (!rec_at(x, 0, &type, &len) || (type & 0xFF) != 0x09 || len < 4)
        return fail(x, ST_INVALID, "工作簿数据不是以 BOF 记录开头");
    unsigned vers = u16(x->s + 4), dt = u16(x->s + 6);
    if (type != R_BOF) return err_set(x->e, ST_UNSUPPORTED,
                                      "无法读取「%s」：这是 Excel 2.x–4.0（1987–1992 年）的老格式，无法读取；"
                                      "请用 Excel 或 WPS 打开后另存为 xlsx 再上传", x->src);
    x->ver = vers == 0x0600 ? 8 : 5;
    unsigned cp = 1252;
    for (p = 0; rec_at(x, p, &type, &len); p += 4 + len) {
        const unsigned char *d = x->s + p + 4;
        if (type == R_FILEPASS) return err_set(x->e, ST_UNSUPPORTED, LEDGER_MSG_PASSWORD, x->src);
        if (type == R_CODEPAGE && len >= 2) cp = u16(d);
        if (type == R_DATEMODE && len >= 2) x->date1904 = u16(d) == 1;
        if (type == R_EOF) { p += 4 + len; break; }
    }
    *end = p;
    if (x->ver == 5) {
        char tmp[16];
        x->cd = iconv_open("UTF-8", codepage_name(cp, tmp, sizeof tmp));
        if (x->cd == (iconv_t)-1) x->cd = iconv_open("UTF-8", "CP1252");
        if (x->cd == (iconv_t)-1) return err_set(x->e, ST_INTERNAL, "iconv 不支持 CP1252");
    }
    /* A workbook that is one worksheet (BOF of a sheet first, as some Excel 5
     * exporters write): the stream is its only sheet. */
    if (dt == 0x0010) {
        x->sheets[0] = (bsheet){.pos = 0, .name = "Sheet1"};
        x->nsheets = 1;
    }
    return ST_OK;
}

/* Pass 2: sheets, shared strings, number formats. */
static st globals_second(biff *x, size_t end) {
    unsigned type;
    size_t len;
    for (size_t p = 0; p < end && rec_at(x, p, &type, &len); p += 4 + len) {
        const unsigned char *d = x->s + p + 4;
        st r = ST_OK;
        if (type == R_BOUNDSHEET && len >= 7 && x->nsheets < MAX_SHEETS) {
            cur c = cur_at(x, p, len);
            c.off = 6;
            const char *name = get_str(x, &c, 1) ? arena_strndup(&x->mem, x->str.data ? x->str.data : "", x->str.len) : NULL;
            if (!name) name = arena_printf(&x->mem, "Sheet%d", x->nsheets + 1);
            if (!name) return err_set(x->e, ST_NOMEM, "内存不足");
            x->sheets[x->nsheets++] = (bsheet){.pos = u32(d), .vis = d[4], .type = d[5], .name = name};
        } else if (type == R_SST && x->ver == 8 && !x->sst_off) {   /* the first SST only */
            r = read_sst(x, p, len);
        } else if (type == R_FORMAT && len >= 3) {
            cur c = cur_at(x, p, len);
            c.off = 2;
            if (get_str(x, &c, x->ver == 8 ? 2 : 1)) {
                buf_putc(&x->str, 0);
                add_fmt(x, u16(d), x->str.data ? ledger_num_code_kind(x->str.data) : 0);
            }
        } else if (type == R_XF && len >= 4) {
            add_xf(x, u16(d + 2));
        }
        if (r) return r;
    }
    return ST_OK;
}

/* ---- a sheet's cells ------------------------------------------------------ */

static xcell *new_cell(biff *x, const unsigned char *d) {
    if (x->ncells == x->cells_cap) {
        size_t cap = x->cells_cap ? x->cells_cap * 2 : 4096;
        xcell *c = realloc(x->cells, cap * sizeof *c);
        if (!c) { x->status = err_set(x->e, ST_NOMEM, "内存不足，无法读取「%s」", x->src); return NULL; }
        x->cells = c;
        x->cells_cap = cap;
    }
    xcell *c = &x->cells[x->ncells];
    *c = (xcell){.row = u16(d), .col = u16(d + 2), .seq = (uint32_t)x->ncells};
    x->ncells++;
    return c;
}

/* Text for a cell: appended to the sheet's text buffer. */
static void set_text(biff *x, xcell *c, const char *s, size_t n) {
    c->ref = (uint32_t)x->text.len;
    c->len = (uint32_t)n;
    if (n && buf_append(&x->text, s, n) != ST_OK) {
        c->len = 0;
        if (!x->status)
            x->status = err_set(x->e, ST_TOO_LARGE, "无法读取「%s」：工作表展开后的文字超过上限；请拆成几个文件后再导入", x->src);
    }
}

static void set_number(biff *x, xcell *c, double v, uint16_t xf) {
    char out[80];
    unsigned char kind = xf < x->nxf ? x->xf[xf] : 0;
    size_t k = kind ? ledger_num_date(v, kind, x->date1904, out, sizeof out) : 0;
    if (!k) k = ledger_num_double(v, out, sizeof out);
    set_text(x, c, out, k);
}

static double rk(uint32_t v) {
    double d;
    if (v & 2) {
        d = (double)((int32_t)(v & ~3u) / 4);
    } else {
        uint64_t b = (uint64_t)(v & ~3u) << 32;
        memcpy(&d, &b, sizeof d);
    }
    return v & 1 ? d / 100 : d;
}

static const char *error_text(unsigned code) {
    switch (code) {
    case 0x00: return "#NULL!";
    case 0x07: return "#DIV/0!";
    case 0x0F: return "#VALUE!";
    case 0x17: return "#REF!";
    case 0x1D: return "#NAME?";
    case 0x24: return "#NUM!";
    case 0x2A: return "#N/A";
    default: return "#GETTING_DATA";
    }
}

static void set_boolerr(biff *x, xcell *c, unsigned v, bool is_err) {
    const char *s = is_err ? error_text(v) : v ? "TRUE" : "FALSE";
    c->error = is_err;
    set_text(x, c, s, strlen(s));
}

/* One record of a sheet.  *str_for: the formula cell waiting for its STRING. */
static void sheet_record(biff *x, unsigned type, size_t p, size_t len, long *str_for) {
    const unsigned char *d = x->s + p + 4;
    xcell *c;
    switch (type) {
    case R_NUMBER:
        if (len >= 14 && (c = new_cell(x, d))) set_number(x, c, f64(d + 6), u16(d + 4));
        break;
    case R_RK:
        if (len >= 10 && (c = new_cell(x, d))) set_number(x, c, rk(u32(d + 6)), u16(d + 4));
        break;
    case R_MULRK:
        for (size_t i = 0; len >= 6 && 4 + 6 * i + 6 <= len - 2; i++) {
            unsigned char at[4];
            memcpy(at, d, 2);
            uint16_t col = (uint16_t)(u16(d + 2) + i);
            at[2] = (unsigned char)(col & 0xFF);
            at[3] = (unsigned char)(col >> 8);
            if (!(c = new_cell(x, at))) break;
            set_number(x, c, rk(u32(d + 4 + 6 * i + 2)), u16(d + 4 + 6 * i));
        }
        break;
    case R_LABEL: case R_RSTRING: {
        if (len < 8) break;
        cur k = cur_at(x, p, len);
        k.off = 6;
        if (get_str(x, &k, 2) && (c = new_cell(x, d))) set_text(x, c, x->str.data, x->str.len);
        break;
    }
    case R_LABELSST:
        if (len >= 10 && (c = new_cell(x, d))) {
            uint32_t i = u32(d + 6);
            c->sst = 1;
            c->ref = i < x->nsst ? i : UINT32_MAX;
        }
        break;
    case R_BOOLERR:
        if (len >= 8 && (c = new_cell(x, d))) set_boolerr(x, c, d[6], d[7]);
        break;
    case R_FORMULA: case R_FORMULA3: case R_FORMULA4:
        if (len < 14 || !(c = new_cell(x, d))) break;
        if (u16(d + 12) != 0xFFFF) {
            set_number(x, c, f64(d + 6), u16(d + 4));
        } else if (d[6] == 0) {   /* text: in the STRING record that follows */
            c->len = 0;
            *str_for = (long)(x->ncells - 1);
            return;
        } else if (d[6] == 1 || d[6] == 2) {
            set_boolerr(x, c, d[8], d[6] == 2);
        }
        break;
    case R_STRING:
        if (*str_for >= 0) {
            cur k = cur_at(x, p, len);
            if (get_str(x, &k, 2)) set_text(x, &x->cells[*str_for], x->str.data, x->str.len);
        }
        break;
    default:
        return;   /* SHRFMLA, ARRAY, TABLE may come between a FORMULA and its STRING */
    }
    *str_for = -1;
}

static st read_sheet_cells(biff *x, size_t pos) {
    x->ncells = 0;
    buf_reset(&x->text);
    unsigned type;
    size_t len;
    if (!rec_at(x, pos, &type, &len) || (type & 0xFF) != 0x09) return ST_OK;   /* no sheet there: empty */
    int depth = 0;
    long str_for = -1;
    size_t p = pos;
    for (; rec_at(x, p, &type, &len) && !x->status; p += 4 + len) {
        if (type == R_BOF) { depth++; continue; }   /* a chart inside the sheet is skipped as a whole */
        if (type == R_EOF && --depth <= 0) break;
        if (depth == 1) sheet_record(x, type, p, len, &str_for);
    }
    x->probed += p - pos;
    return x->status;
}

static int cell_cmp(const void *a, const void *b) {
    const xcell *p = a, *q = b;
    if (p->row != q->row) return p->row < q->row ? -1 : 1;
    if (p->col != q->col) return p->col < q->col ? -1 : 1;
    return p->seq < q->seq ? -1 : p->seq > q->seq;
}

/* The cells, row by row, to fn.  Two records for one cell: the later wins. */
static st emit(biff *x, ledger_row_fn fn, void *ctx) {
    if (x->ncells) qsort(x->cells, x->ncells, sizeof *x->cells, cell_cmp);   /* cells is NULL when none */
    const char **cells = calloc(LEDGER_COLS_MAX + 1, sizeof *cells);
    size_t *lens = calloc(LEDGER_COLS_MAX + 1, sizeof *lens);
    int *errs = calloc(LEDGER_COLS_MAX + 1, sizeof *errs);
    st r = ST_OK;
    if (!cells || !lens || !errs) r = err_set(x->e, ST_NOMEM, "内存不足，无法读取「%s」", x->src);
    bool halt = false;
    for (size_t i = 0; i < x->ncells && !r && !halt;) {
        uint32_t row = x->cells[i].row;
        int n = 0, nerr = 0;
        for (; i < x->ncells && x->cells[i].row == row; i++) {
            const xcell *c = &x->cells[i];
            if (c->col > LEDGER_COLS_MAX) continue;
            const char *s = "";
            size_t l = 0;
            if (c->sst && c->ref < x->nsst && x->sst_n[c->ref]) {   /* x->sst is NULL when every string is empty */
                s = x->sst + x->sst_off[c->ref];
                l = x->sst_n[c->ref];
            }
            else if (!c->sst && c->len) { s = x->text.data + c->ref; l = c->len; }
            while (n <= c->col) { cells[n] = ""; lens[n] = 0; n++; }
            cells[c->col] = s;
            lens[c->col] = l;
            if (c->error && nerr <= LEDGER_COLS_MAX) errs[nerr++] = c->col;
        }
        while (n > 0 && lens[n - 1] == 0) n--;
        if (!n) continue;
        int before = x->b->t->nrows;
        r = fn(ctx, (int)row + 1, n, cells, lens, &halt, x->e);
        if (!r && fn == ledger_builder_row)
            for (int k = 0; k < nerr; k++)
                ledger_builder_cell_error(x->b, before, (int)row + 1, errs[k], cells[errs[k]], lens[errs[k]]);
    }
    free(cells);
    free(lens);
    free(errs);
    return r;
}

/* Probing: does a sheet have a header in its first rows? */
static const char *sheet_name(const void *ctx, int i) { return ((const biff *)ctx)->sheets[i].name; }

/* The sheet to read, as for xlsx; -1 (with the error set) when the named one is missing. */
static int choose_sheet(biff *x, const char *want) {
    if (want) {
        int i = ledger_sheet_named(want, x->nsheets, sheet_name, x);
        if (i >= 0) return i;
        char names[512];
        size_t o = 0;
        for (int k = 0; k < x->nsheets && o < sizeof names - 1; k++)
            o += (size_t)snprintf(names + o, sizeof names - o, "%s「%s」", k ? "、" : "", x->sheets[k].name);
        err_set(x->e, ST_INVALID, "「%s」里没有名为「%s」的工作表；有这些：%s", x->src, want, names);
        return -1;
    }
    int first = -1, first_nonempty = -1, worksheets = 0;
    for (int i = 0; i < x->nsheets; i++)
        if (x->sheets[i].type == 0) { worksheets++; if (first < 0) first = i; }
    if (worksheets <= 1) return first >= 0 ? first : 0;
    /* Sheets normally follow one another, so probing them all reads the
     * stream about once; a crafted file can point 1,024 sheets at overlapping
     * records, so the probes stop after a few passes' worth. */
    size_t budget = 4 * x->n + (1u << 20);
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < x->nsheets && x->probed <= budget; i++) {
            if (x->sheets[i].type != 0 || (x->sheets[i].vis != 0) != (pass == 1)) continue;
            ledger_probe p = {.b = x->b};
            if (read_sheet_cells(x, x->sheets[i].pos) || emit(x, ledger_probe_row, &p)) {
                err_clear(x->e);   /* a sheet we may not need; the chosen one is read in full later */
                x->status = ST_OK;
                continue;
            }
            if (p.found) return i;
            if (p.seen && first_nonempty < 0) first_nonempty = i;
        }
    return first_nonempty >= 0 ? first_nonempty : first;
}

/* ---- the container ------------------------------------------------------- */

/* The workbook stream, or an error saying what the OLE2 file is instead. */
static st open_stream(biff *x, const unsigned char *data, size_t len, unsigned char **out, size_t *n) {
    ole2 o;
    ole2_status os = ole2_open(&o, data, len);
    st r = ST_OK;
    if (os == OLE2_NOMEM) r = err_set(x->e, ST_NOMEM, "内存不足");
    else if (os) r = fail(x, ST_INVALID, "文件头或目录不对，文件可能被截断");
    int i = -1;
    if (!r) {
        i = ole2_find(&o, "Workbook");   /* BIFF8; any case: some writers use WORKBOOK */
        if (i < 0) i = ole2_find(&o, "Book");   /* BIFF5 */
    }
    if (!r && i < 0) {
        if (ole2_find(&o, "EncryptedPackage") >= 0 || ole2_find(&o, "EncryptionInfo") >= 0)
            r = err_set(x->e, ST_UNSUPPORTED, LEDGER_MSG_PASSWORD, x->src);
        else if (ole2_find(&o, "WordDocument") >= 0)
            r = err_set(x->e, ST_UNSUPPORTED, "无法读取「%s」：不是电子表格，是 Word 文档（doc）；请上传 xlsx、xls 或 CSV 文件", x->src);
        else if (ole2_find(&o, "PowerPoint Document") >= 0)
            r = err_set(x->e, ST_UNSUPPORTED, "无法读取「%s」：不是电子表格，是 PowerPoint 文档（ppt）；请上传 xlsx、xls 或 CSV 文件", x->src);
        else
            r = fail(x, ST_INVALID, "里面没有 Excel 工作簿数据");
    }
    if (!r) {
        *out = ole2_read(&o, i, n);
        if (!*out) r = err_set(x->e, ST_NOMEM, "内存不足");
    }
    ole2_free(&o);
    return r;
}

st ledger_xls_read(ledger_builder *b, const unsigned char *data, size_t len, err *e) {
    /* on the heap: 90 KiB of fixed buffers, too much for a server thread's stack */
    biff *x = calloc(1, sizeof *x);
    if (!x) return err_set(e, ST_NOMEM, "内存不足");
    *x = (biff){.b = b, .e = e, .src = b->t->source, .cd = (iconv_t)-1};
    unsigned char *stream = NULL;
    buf_init(&x->str, TEXT_MAX + 16);
    arena_init(&x->mem, 0);
    st r = open_stream(x, data, len, &stream, &x->n);
    x->s = stream;
    /* a sheet's text is at most a few times its records' bytes (a 6-byte
     * MULRK entry becomes a number of up to 24 characters) */
    buf_init(&x->text, x->n * 8 + (1u << 20));
    size_t end = 0;
    if (!r) r = globals_first(x, &end);
    if (!r) r = globals_second(x, end);
    if (!r && x->nsheets == 0)
        r = err_set(e, ST_INVALID, "无法读取「%s」：xls 文件里没有工作表；请用 Excel 打开检查", x->src);
    int i = -1;
    if (!r) {
        i = choose_sheet(x, b->o->sheet);
        if (i < 0) r = ST_INVALID;
    }
    if (!r) {
        b->t->sheet = arena_strdup(&b->t->mem, x->sheets[i].name);
        r = read_sheet_cells(x, x->sheets[i].pos);
        if (!r) r = emit(x, ledger_builder_row, b);
    }
    if (x->cd != (iconv_t)-1) iconv_close(x->cd);
    free(stream);
    free(x->sst);
    free(x->sst_off);
    free(x->sst_n);
    free(x->fmts);
    free(x->xf);
    free(x->cells);
    buf_free(&x->str);
    buf_free(&x->text);
    arena_free(&x->mem);
    free(x);
    return r;
}
