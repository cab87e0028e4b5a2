/* read — open a ledger file, recognise its format by content, and build the
 * table: header found, rows kept, values cleaned, problems listed.
 *
 * The format is decided from the bytes, never from the file name (offices
 * rename .csv to .xls and export HTML as .xls): a zip is an xlsx, an OLE2
 * compound file is a legacy xls, text is CSV, anything else is refused with a
 * message saying what it looks like.  The builder below is shared by the three
 * readers; it keeps the first rows until it has seen a header, then cleans
 * each data row as it arrives, so nothing but the table itself grows with the
 * file. */
#include "ledger/read_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/utf8.h"

/* Problem values are quoted back to the user; a whole 32 KiB cell helps nobody. */
/* A table's memory is capped: an xlsx can reference one long shared string
 * from millions of cells, so a small file could otherwise expand without end.
 * 1M real rows take about 600 MiB. */
#define TABLE_MEM_MAX ((size_t)3 << 30)   /* default of ledger_read_opts.max_memory */
#define PROBLEM_VALUE_MAX 200

void ledger_col_letters(int col, char *out) {
    char tmp[8];
    int k = 0;
    unsigned c = (unsigned)col + 1;
    while (c && k < 7) {
        tmp[k++] = (char)('A' + (c - 1) % 26);
        c = (c - 1) / 26;
    }
    for (int i = 0; i < k; i++) out[i] = tmp[k - 1 - i];
    out[k] = 0;
}

void ledger_problem_add(ledger_builder *b, int row, int sheet_row, int col, ledger_problem_kind kind,
                        const char *value, size_t vlen, const char *fmt, ...) {
    ledger_table *t = b->t;
    if ((size_t)t->nproblems == b->problems_cap) {
        size_t cap = b->problems_cap ? b->problems_cap * 2 : 64;
        ledger_problem *p = realloc(b->problems, cap * sizeof *p);
        if (!p) return;   /* out of memory: the problem is lost, the row is not */
        b->problems = p;
        b->problems_cap = cap;
    }
    ledger_problem *p = &b->problems[t->nproblems];
    p->row = row;
    p->sheet_row = sheet_row;
    p->col = col;
    p->kind = kind;
    p->column = col >= 0 && col < t->ncols ? t->headers[col] : NULL;
    if (value) {
        if (vlen > PROBLEM_VALUE_MAX) {
            /* Cut at a character boundary and say that it was cut. */
            size_t cut = utf8_valid_prefix(value, PROBLEM_VALUE_MAX);
            p->value = arena_printf(&t->mem, "%.*s…", (int)cut, value);
        } else {
            p->value = arena_strndup(&t->mem, value, vlen);
        }
    } else {
        p->value = NULL;
    }
    va_list ap;
    va_start(ap, fmt);
    char tmp[1024];
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    p->msg = arena_strdup(&t->mem, tmp);
    if (p->msg) t->nproblems++;
}

void ledger_builder_cell_error(ledger_builder *b, int rows_before, int sheet_row, int col, const char *v,
                               size_t n) {
    bool data = b->t->nrows > rows_before;
    ledger_problem_add(b, data ? b->t->nrows : 0, sheet_row, data ? col : -1, LP_WARNING, v, n,
                       "这一格是 Excel 的错误值 %.*s（公式算不出结果），导入的是这段文字而不是数值；"
                       "请在 Excel 里改正这一格的公式或数据后重新导出", (int)(n > 16 ? 16 : n), v);
}

st ledger_probe_row(void *ctx, int sheet_row, int n, const char *const *cells, const size_t *lens, bool *halt, err *e) {
    (void)sheet_row, (void)e;
    ledger_probe *p = ctx;
    bool any = false;
    for (int i = 0; i < n && !any; i++) any = lens[i] > 0;
    if (!any) return ST_OK;   /* an empty row says nothing about the sheet */
    p->seen++;
    if (ledger_field_score(p->b, n, cells, lens) >= 2) p->found = true;
    if (p->found || p->seen >= LEDGER_HEADER_SCAN) *halt = true;
    return ST_OK;
}

int ledger_sheet_named(const char *want, int n, const char *(*name)(const void *ctx, int i), const void *ctx) {
    for (int i = 0; i < n; i++)
        if (strcmp(name(ctx, i), want) == 0) return i;
    char a[256], b[256];
    ledger_field_norm(want, strlen(want), a, sizeof a);
    for (int i = 0; i < n; i++) {
        const char *s = name(ctx, i);
        if (strcmp(ledger_field_norm(s, strlen(s), b, sizeof b), a) == 0) return i;
    }
    return -1;
}

void ledger_builder_init(ledger_builder *b, ledger_table *t, const ledger_read_opts *o) {
    memset(b, 0, sizeof *b);
    b->t = t;
    b->o = o;
    buf_init(&b->tmp, 4 * LEDGER_CELL_MAX);
}

void ledger_builder_hint(ledger_builder *b, size_t rows) {
    if (b->rows || rows == 0) return;
    if (rows > (size_t)INT_MAX / 2) rows = (size_t)INT_MAX / 2;
    ledger_row *r = arena_alloc(&b->t->mem, rows * sizeof *r);
    if (!r) return;   /* the growing array will do */
    b->rows = r;
    b->rows_cap = rows;
    b->rows_in_arena = true;
}

void ledger_builder_free(ledger_builder *b) {
    if (!b->rows_in_arena) free(b->rows);
    free(b->problems);
    buf_free(&b->tmp);
    b->rows = NULL;
    b->problems = NULL;
}

static bool blank(const char *s, size_t n) {
    if (n == 0) return true;
    if ((unsigned char)s[0] > ' ' && (unsigned char)s[0] < 0x80) return false;
    return utf8_trim(&s, n) == 0;
}

/* The header row: texts trimmed and NFKC'd for display, fields assigned, a
 * field claimed by two columns kept on the first (the second stays an extra
 * column, and the user is told how to choose otherwise). */
static st set_header(ledger_builder *b, int sheet_row, int n, const char *const *cells,
                     const size_t *lens, err *e) {
    ledger_table *t = b->t;
    if (n > LEDGER_COLS_MAX) n = LEDGER_COLS_MAX;
    t->header_row = sheet_row;

    t->ncols = n;
    t->headers = arena_calloc(&t->mem, (size_t)n ? (size_t)n : 1, sizeof *t->headers);
    t->col_field = arena_calloc(&t->mem, (size_t)n ? (size_t)n : 1, sizeof *t->col_field);
    if (!t->headers || !t->col_field) return err_set(e, ST_NOMEM, "内存不足，无法读取「%s」", t->source);
    int owner[LF__COUNT];
    for (int f = 0; f < LF__COUNT; f++) owner[f] = -1;
    for (int c = 0; c < n; c++) {
        const char *s = cells[c];
        size_t len = lens[c] > 256 ? 256 : lens[c];
        len = utf8_valid_prefix(s, len);
        len = utf8_trim(&s, len);
        char *h = len ? utf8_nfkc(&t->mem, s, len, NULL) : NULL;
        if (!h) {
            char l[8];
            ledger_col_letters(c, l);
            h = arena_printf(&t->mem, "(%s列)", l);
        }
        t->headers[c] = h;
        ledger_field f = len && !b->o->header_field ? ledger_field_for(b, s, len) : LF_NONE;
        if (f != LF_NONE && owner[f] >= 0) {
            ledger_problem_add(b, 0, sheet_row, c, LP_WARNING, h, strlen(h),
                               "「%s」和「%s」两列都像是%s，只用了第一列，这一列作为附加列保留；"
                               "如果应该用这一列，请用映射（--mapping \"%s=%s\"）指定",
                               t->headers[owner[f]], h, ledger_field_label(f), h, ledger_field_name(f));
            f = LF_NONE;
        } else if (f != LF_NONE) {
            owner[f] = c;
        }
        t->col_field[c] = f;
    }
    b->header_found = true;
    return ST_OK;
}

/* Count text kept against max_cell_text.  This is the one place for all three
 * formats: what an import stores grows with the cells' text, and an xlsx can
 * point thousands of cells at one 32 KiB shared string (a 10 KiB file once
 * became a 420 MB import).  Refused here, before anything is stored. */
static st count_text(ledger_builder *b, int sheet_row, size_t bytes, err *e) {
    size_t cap = b->o->max_cell_text;
    b->text_bytes += bytes;
    if (!cap || b->text_bytes <= cap) return ST_OK;
    char lim[32];
    if (cap >= (1u << 20)) snprintf(lim, sizeof lim, "%zu MiB", cap >> 20);
    else snprintf(lim, sizeof lim, "%zu 字节", cap);
    return err_set(e, ST_TOO_LARGE,
                   "无法导入「%s」：单元格里的文字合计超过 %s 的上限（读到表格第 %d 行时），未导入任何数据；"
                   "台账不会有这么多文字，请检查是否有整列重复的长文本（如每格都是同一大段文字），删去后或拆成几个文件再导入",
                   b->t->source, lim, sheet_row);
}

/* A cell the table can point at: NUL-terminated text in b's kept range, not
 * to be cut. */
static inline bool kept(const ledger_builder *b, const char *s, size_t len) {
    uintptr_t p = (uintptr_t)s;
    return len <= LEDGER_CELL_MAX && p >= (uintptr_t)b->keep_lo && p + len < (uintptr_t)b->keep_hi && s[len] == 0;
}

static st add_row(ledger_builder *b, int sheet_row, int n, const char *const *cells, const size_t *lens,
                  err *e) {
    ledger_table *t = b->t;
    if (t->nrows == INT_MAX - 1) return err_set(e, ST_TOO_LARGE, "「%s」的行数超过上限", t->source);
    int nc = t->ncols;
    int m = n < nc ? n : nc;
    size_t text = 0, copy = 0;
    for (int c = 0; c < m; c++) {
        size_t l = lens[c] > LEDGER_CELL_MAX ? LEDGER_CELL_MAX : lens[c];
        text += l;
        if (l && !kept(b, cells[c], lens[c])) copy += l + 1;
    }
    st cs = count_text(b, sheet_row, text, e);
    if (cs) return cs;
    /* The memory cap counts every cell's text, copied or not: what a table
     * may hold is the same whether its strings were shared or not (one long
     * shared string in every cell is stopped here as before). */
    size_t bytes = (size_t)nc * sizeof(char *) + text + (size_t)m;
    size_t part = (size_t)nc * sizeof(char *) + copy;
    size_t full_r = ((bytes ? bytes : 1) + 15) & ~(size_t)15, part_r = ((part ? part : 1) + 15) & ~(size_t)15;
    arena *a = &t->mem;
    char *blk = a->cap && (full_r > a->cap || a->used > a->cap - full_r) ? NULL : arena_alloc(a, part_r);
    if (!blk)
        return err_set(e, ST_TOO_LARGE, "无法读完「%s」：内容展开后超过 %zu MiB 的上限（第 %d 行）；请拆成几个文件后再导入",
                       t->source, t->mem.cap >> 20, sheet_row);
    a->used += full_r - part_r;
    const char **cv = (const char **)(void *)blk;
    char *sp = blk + (size_t)nc * sizeof(char *);
    int row = t->nrows + 1;
    for (int c = 0; c < nc; c++) {
        if (c >= m || lens[c] == 0) { cv[c] = ""; continue; }
        size_t len = lens[c];
        if (kept(b, cells[c], len)) { cv[c] = cells[c]; continue; }
        if (len > LEDGER_CELL_MAX) {
            size_t cut = utf8_valid_prefix(cells[c], LEDGER_CELL_MAX);
            ledger_problem_add(b, row, sheet_row, c, LP_WARNING, cells[c], len,
                               "单元格内容超过 %d 字节，只保留了前 %zu 字节；请检查这一格是否填错",
                               LEDGER_CELL_MAX, cut);
            len = cut;
        }
        memcpy(sp, cells[c], len);
        sp[len] = 0;
        cv[c] = sp;
        sp += len + 1;
    }
    for (int c = nc; c < n && c < LEDGER_COLS_MAX; c++)
        if (!blank(cells[c], lens[c])) {
            char l[8];
            ledger_col_letters(c, l);
            ledger_problem_add(b, row, sheet_row, -1, LP_WARNING, cells[c], lens[c],
                               "%s列有内容但没有列名（表头只有 %d 列），这一格没有导入；请给这一列加上列名",
                               l, nc);
        }
    if ((size_t)t->nrows == b->rows_cap) {
        size_t cap = b->rows_cap ? b->rows_cap * 2 : 1024;
        ledger_row *r;
        if (b->rows_in_arena) {   /* the hint was short: continue on the heap */
            r = malloc(cap * sizeof *r);
            if (r) memcpy(r, b->rows, (size_t)t->nrows * sizeof *r);
        } else {
            r = realloc(b->rows, cap * sizeof *r);
        }
        if (!r) return err_set(e, ST_NOMEM, "内存不足，无法读完「%s」", t->source);
        b->rows = r;
        b->rows_cap = cap;
        b->rows_in_arena = false;
    }
    ledger_row *r = &b->rows[t->nrows];
    memset(r, 0, sizeof *r);
    r->row = row;
    r->sheet_row = sheet_row;
    r->cells = cv;
    t->nrows++;
    if (!b->o->header_field) ledger_clean_row(b, r);   /* raw rows are the caller's to check */
    if (b->o->progress && (t->nrows & 16383) == 0) b->o->progress(b->o->progress_ctx, (uint64_t)t->nrows, 0);
    return ST_OK;
}

/* No row looked like a header: take the first non-empty one, say so, and
 * treat the rest of what was kept as data. */
static st fallback_header(ledger_builder *b, err *e) {
    struct pending_row *h = &b->pending[0];
    st r = set_header(b, h->sheet_row, h->n, (const char *const *)h->cells, h->lens, e);
    if (r) return r;
    ledger_problem_add(b, 0, h->sheet_row, -1, LP_WARNING, NULL, 0,
                       "前 %d 行里没有找到表头（表头至少要有两个认识的列名，如%s），"
                       "已把第 %d 行当作表头；如果不对，请改列名或用映射（--mapping）指定",
                       LEDGER_HEADER_SCAN, b->o->header_hint ? b->o->header_hint : "“企业名称”“统一社会信用代码”",
                       h->sheet_row);
    b->text_bytes -= b->pending_bytes;   /* counted again as they become data rows */
    b->pending_bytes = 0;
    for (int i = 1; i < b->npending; i++) {
        struct pending_row *p = &b->pending[i];
        r = add_row(b, p->sheet_row, p->n, (const char *const *)p->cells, p->lens, e);
        if (r) return r;
    }
    b->npending = 0;
    return ST_OK;
}

st ledger_builder_row(void *ctx, int sheet_row, int n, const char *const *cells, const size_t *lens,
                      bool *stop, err *e) {
    ledger_builder *b = ctx;
    (void)stop;
    int last = n;
    while (last > 0 && blank(cells[last - 1], lens[last - 1])) last--;
    if (last == 0) return ST_OK;   /* an empty row is not data */
    if (b->header_found) return add_row(b, sheet_row, n, cells, lens, e);
    if (ledger_field_score(b, last, cells, lens) >= 2) {
        /* a title row above ("中共…支部委员会党员花名册"): rosters name their organization there */
        if (b->npending && b->pending[0].n > 0) {
            const char *ts = b->pending[0].cells[0];
            size_t tl = utf8_valid_prefix(ts, b->pending[0].lens[0] > 256 ? 256 : b->pending[0].lens[0]);
            tl = utf8_trim(&ts, tl);
            if (tl) b->t->title = utf8_nfkc(&b->t->mem, ts, tl, NULL);
        }
        b->npending = 0;
        return set_header(b, sheet_row, last, cells, lens, e);
    }
    /* Keep a copy: this may become the header or data if no header is found. */
    ledger_table *t = b->t;
    struct pending_row *p = &b->pending[b->npending++];
    int keep = last > LEDGER_COLS_MAX ? LEDGER_COLS_MAX : last;
    p->sheet_row = sheet_row;
    p->n = keep;
    p->cells = arena_calloc(&t->mem, (size_t)keep, sizeof *p->cells);
    p->lens = arena_calloc(&t->mem, (size_t)keep, sizeof *p->lens);
    if (!p->cells || !p->lens) return err_set(e, ST_NOMEM, "内存不足，无法读取「%s」", t->source);
    size_t text = 0;
    for (int c = 0; c < keep; c++) text += lens[c] > LEDGER_CELL_MAX + 4 ? LEDGER_CELL_MAX + 4 : lens[c];
    /* Kept rows count too: 20 rows of 16,384 cells of 32 KiB would be 10 GiB. */
    st cs = count_text(b, sheet_row, text, e);
    if (cs) return cs;
    b->pending_bytes += text;
    for (int c = 0; c < keep; c++) {
        size_t len = lens[c] > LEDGER_CELL_MAX + 4 ? LEDGER_CELL_MAX + 4 : lens[c];
        p->cells[c] = arena_strndup(&t->mem, cells[c], len);
        p->lens[c] = len;
        if (!p->cells[c]) return err_set(e, ST_NOMEM, "内存不足，无法读取「%s」", t->source);
    }
    if (b->npending == LEDGER_HEADER_SCAN) return fallback_header(b, e);
    return ST_OK;
}

st ledger_builder_finish(ledger_builder *b, err *e) {
    ledger_table *t = b->t;
    if (!b->header_found && b->npending) {
        st r = fallback_header(b, e);
        if (r) return r;
    }
    if (!b->header_found) {
        ledger_problem_add(b, 0, 0, -1, LP_WARNING, NULL, 0,
                           "%s里没有任何内容（全是空行）；请检查是否选错了文件或工作表",
                           t->sheet ? "工作表" : "文件");
    } else if (!b->o->header_field) {   /* a ledger's must-have columns (other tables check their own) */
        bool have[LF__COUNT] = {0};
        for (int c = 0; c < t->ncols; c++)
            if (t->col_field[c] != LF_NONE) have[t->col_field[c]] = true;
        static const ledger_field need[] = {LF_NAME, LF_CODE};
        for (size_t i = 0; i < sizeof need / sizeof *need; i++)
            if (!have[need[i]])
                ledger_problem_add(b, 0, t->header_row, -1, LP_WARNING, NULL, 0,
                                   "表头里没有找到“%s”列；如果有这一列只是名字不同，请用映射（--mapping \"列名=%s\"）指定",
                                   ledger_field_label(need[i]), ledger_field_name(need[i]));
    }
    /* Move rows and problems into the table's arena: one owner, one free. */
    if (b->rows_in_arena) {
        t->rows = t->nrows ? b->rows : NULL;
    } else {
        if (t->nrows) {
            t->rows = arena_alloc(&t->mem, (size_t)t->nrows * sizeof *t->rows);
            if (!t->rows) return err_set(e, ST_NOMEM, "内存不足，无法读完「%s」", t->source);
            memcpy(t->rows, b->rows, (size_t)t->nrows * sizeof *t->rows);
        }
        free(b->rows);
    }
    b->rows = NULL;
    b->rows_in_arena = false;
    if (t->nproblems) {
        t->problems = arena_alloc(&t->mem, (size_t)t->nproblems * sizeof *t->problems);
        if (!t->problems) return err_set(e, ST_NOMEM, "内存不足，无法读完「%s」", t->source);
        memcpy(t->problems, b->problems, (size_t)t->nproblems * sizeof *t->problems);
    }
    free(b->problems);
    b->problems = NULL;
    if (b->o->progress) b->o->progress(b->o->progress_ctx, (uint64_t)t->nrows, (uint64_t)t->nrows);
    return ST_OK;
}

typedef enum kind { K_CSV, K_XLSX, K_XLS } kind;

static bool has_prefix(const unsigned char *d, size_t len, const char *magic, size_t n) {
    return len >= n && memcmp(d, magic, n) == 0;
}

/* Decide the format from the bytes; refuse what is certainly not a table. */
static st sniff(const char *source, const unsigned char *d, size_t len, kind *k, err *e) {
    if (len == 0) return err_set(e, ST_INVALID, "无法读取「%s」：文件是空的（0 字节）；请重新导出后再上传", source);
    if (has_prefix(d, len, "PK\3\4", 4) || has_prefix(d, len, "PK\5\6", 4)) { *k = K_XLSX; return ST_OK; }
    if (has_prefix(d, len, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) { *k = K_XLS; return ST_OK; }
    /* Excel 2.x–4.0 wrote a bare BIFF stream, no OLE2 container: a BOF record
     * (09 00 / 09 02 / 09 04, a short length: a NUL no text has) */
    if (len >= 8 && d[0] == 0x09 && (d[1] == 0x00 || d[1] == 0x02 || d[1] == 0x04) && d[2] >= 4 && d[2] <= 16 &&
        d[3] == 0)
        return err_set(e, ST_UNSUPPORTED,
                       "无法读取「%s」：这是 Excel 2.x–4.0（1987–1992 年）的老格式 xls，无法读取；"
                       "请用 Excel 或 WPS 打开后另存为 xlsx 再上传", source);
    static const struct { const char *magic; size_t n; const char *what; } other[] = {
        {"%PDF", 4, "PDF 文档"}, {"\x89PNG", 4, "PNG 图片"}, {"\xFF\xD8\xFF", 3, "JPEG 图片"},
        {"GIF8", 4, "GIF 图片"}, {"{\\rtf", 5, "RTF 文档"}, {"Rar!", 4, "RAR 压缩包"},
        {"7z\xBC\xAF", 4, "7z 压缩包"}, {"\x1F\x8B", 2, "gzip 压缩包"},
    };
    for (size_t i = 0; i < sizeof other / sizeof *other; i++)
        if (has_prefix(d, len, other[i].magic, other[i].n))
            return err_set(e, ST_UNSUPPORTED, "无法读取「%s」：不是电子表格，看起来是%s；请上传 xlsx、xls 或 CSV 文件",
                           source, other[i].what);
    /* Some systems export an HTML table and call it .xls. */
    size_t look = len < 512 ? len : 512;
    const char *html = memmem(d, look, "<html", 5);
    if (!html) html = memmem(d, look, "<HTML", 5);
    if (!html) html = memmem(d, look, "<table", 6);
    if (html)
        return err_set(e, ST_UNSUPPORTED,
                       "无法读取「%s」：不是电子表格，是网页（HTML）文件；请用 Excel 打开后“另存为” xlsx 再上传", source);
    *k = K_CSV;
    return ST_OK;
}

static const char *base_name(const char *p) {
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static st read_any(const char *name, const unsigned char *d, size_t len,
                   const ledger_read_opts *o, ledger_table **out, err *e) {
    static const ledger_read_opts defaults;
    if (!o) o = &defaults;
    *out = NULL;
    if (sodium_init() < 0) return err_set(e, ST_INTERNAL, "libsodium 初始化失败");
    ledger_table *t = calloc(1, sizeof *t);
    if (!t) return err_set(e, ST_NOMEM, "内存不足");
    arena_init(&t->mem, o->max_memory ? o->max_memory : TABLE_MEM_MAX);
    t->path = arena_strdup(&t->mem, name);
    t->source = t->path ? base_name(t->path) : NULL;
    if (!t->path) {
        free(t);
        return err_set(e, ST_NOMEM, "内存不足");
    }
    ledger_sha256(d, len, t->sha256, false);
    kind k = K_CSV;
    ledger_builder b;
    ledger_builder_init(&b, t, o);
    st r = sniff(t->source, d, len, &k, e);
    if (!r && o->mapping) r = ledger_field_parse_mapping(&b, o->mapping, e);
    if (!r) {
        switch (k) {
        case K_CSV: t->format = "csv"; r = ledger_csv_read(&b, d, len, e); break;
        case K_XLSX: t->format = "xlsx"; r = ledger_xlsx_read(&b, d, len, e); break;
        case K_XLS:
            t->format = "xls";
            r = ledger_xls_read(&b, d, len, e);
            break;
        }
    }
    if (!r) r = ledger_builder_finish(&b, e);
    ledger_builder_free(&b);
    if (r) {
        if (e && !e->where[0]) snprintf(e->where, sizeof e->where, "%s", t->source);
        ledger_table_free(t);
        return r;
    }
    *out = t;
    return ST_OK;
}

st ledger_table_read_mem(const char *name, const void *data, size_t len, const ledger_read_opts *o,
                         ledger_table **out, err *e) {
    return read_any(name ? name : "(内存)", data, len, o, out, e);
}

st ledger_table_read(const char *path, const ledger_read_opts *o, ledger_table **out, err *e) {
    *out = NULL;
    const char *src = base_name(path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return err_set(e, ST_IO, "无法打开「%s」：%s", src, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return err_set(e, ST_IO, "无法读取「%s」：不是普通文件", src);
    }
    size_t len = (size_t)sb.st_size;
    static const unsigned char empty[1];
    const unsigned char *d = empty;
    if (len) {
        /* mmap: a 100 MB CSV is read by the kernel as the parser walks it. */
        void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            close(fd);
            return err_set(e, ST_IO, "无法读取「%s」：%s", src, strerror(errno));
        }
        madvise(m, len, MADV_SEQUENTIAL);
        d = m;
    }
    close(fd);
    st r = read_any(path, d, len, o, out, e);
    if (len) munmap((void *)d, len);
    return r;
}

void ledger_table_free(ledger_table *t) {
    if (!t) return;
    arena_free(&t->mem);
    free(t);
}
