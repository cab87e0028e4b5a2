/* read_int — what the ledger readers share; not for use outside src/ledger.
 *
 * Data flows one way: a format reader (read_csv.c, read_xlsx.c, read_xls.c)
 * turns a file into physical rows of UTF-8 cells and hands each row to the
 * builder (read.c).  The builder finds the header (field.c), keeps the rows
 * after it, and has each mapped value cleaned (clean.c), collecting problems.
 * Readers never see fields; the builder never sees file formats. */
#ifndef EJIA_LEDGER_READ_INT_H
#define EJIA_LEDGER_READ_INT_H

#include <stdbool.h>
#include <stdint.h>
#include "core/buf.h"
#include "ledger/table.h"

/* The header is looked for among this many non-empty rows at the top. */
#define LEDGER_HEADER_SCAN 20
/* A cell longer than this is cut (with a problem): no ledger field needs more,
 * and it bounds memory per cell whatever the file says.  Readers pass at most
 * LEDGER_CELL_MAX + 4 bytes of a cell (enough to see that it was longer). */
#define LEDGER_CELL_MAX (32 * 1024)
/* Columns beyond this are ignored (with a problem); Excel's own limit is 16384. */
#define LEDGER_COLS_MAX 16384

typedef struct ledger_map_entry {
    const char *header;   /* normalised header text (see ledger_field_norm) */
    ledger_field field;   /* LF_NONE = keep as an extra column */
} ledger_map_entry;

/* A row handler: readers call it once per physical row, in order.  Cells are
 * UTF-8 (not NUL-terminated), n may be 0 for an empty row.  Setting *stop ends
 * reading early (sheet probing). */
typedef st (*ledger_row_fn)(void *ctx, int sheet_row, int n, const char *const *cells,
                            const size_t *lens, bool *stop, err *e);

typedef struct ledger_builder {
    ledger_table *t;
    const ledger_read_opts *o;
    ledger_map_entry *map;    /* explicit mapping, nmap entries */
    int nmap;
    bool header_found;
    int scanned;              /* non-empty rows looked at for a header */
    /* Rows seen before the header was found, kept in case none is found
     * (then the first of them becomes the header). */
    struct pending_row { int sheet_row, n; char **cells; size_t *lens; } pending[LEDGER_HEADER_SCAN];
    int npending;
    ledger_row *rows;         /* malloc'd while reading, moved into t->mem at the end ... */
    size_t rows_cap;
    bool rows_in_arena;       /* ... unless a size hint let them be written there directly */
    ledger_problem *problems; /* idem */
    size_t problems_cap;
    size_t text_bytes;        /* cell text kept so far (see ledger_read_opts.max_cell_text) */
    size_t pending_bytes;     /* of which in pending rows */
    int wide_rows;            /* rows with more cells than the header, reported once */
    int first_wide_row;
    buf tmp;                  /* scratch for cleaning */
    /* Text that lives as long as the table (an xlsx's shared strings, handed
     * to the table's arena): a cell that is a NUL-terminated string in it is
     * pointed at, not copied (see add_row). */
    const char *keep_lo, *keep_hi;
} ledger_builder;

/* read.c */
/* Choosing a workbook's sheet (xlsx and xls alike): a probe reads a sheet's
 * first non-empty rows until one looks like a header (ledger_probe_row as the
 * row handler). */
typedef struct ledger_probe { ledger_builder *b; int seen; bool found; } ledger_probe;
st ledger_probe_row(void *ctx, int sheet_row, int n, const char *const *cells, const size_t *lens, bool *halt, err *e);
/* The sheet called `want` among n (name(ctx, i) is sheet i's name): by exact
 * name, else by trimmed NFKC'd name ("Sheet1 ", full-width letters); -1 if none. */
int ledger_sheet_named(const char *want, int n, const char *(*name)(const void *ctx, int i), const void *ctx);
void ledger_builder_init(ledger_builder *b, ledger_table *t, const ledger_read_opts *o);
st ledger_builder_row(void *ctx, int sheet_row, int n, const char *const *cells, const size_t *lens,
                      bool *stop, err *e);
st ledger_builder_finish(ledger_builder *b, err *e);
/* A reader that knows about how many rows follow (at most) says so before the
 * first row: the rows are then written straight into the table's arena,
 * sparing a copy of the whole row array at the end (168 MB for 1M rows). */
void ledger_builder_hint(ledger_builder *b, size_t rows);
void ledger_builder_free(ledger_builder *b);
/* Record a problem (msg is printf-style, Chinese).  Copies value. */
void ledger_problem_add(ledger_builder *b, int row, int sheet_row, int col, ledger_problem_kind kind,
                        const char *value, size_t vlen, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

/* A cell holding an Excel error value (#DIV/0!, #N/A, ...): the reader passes
 * the text like any other and, after handing the row over, says so here; the
 * problem goes on the data row it became (rows_before = t->nrows before the
 * row was handed over), or on the file when it was not a data row. */
void ledger_builder_cell_error(ledger_builder *b, int rows_before, int sheet_row, int col, const char *v,
                               size_t n);

/* Format readers.  data is the whole file; b->t->source names it in errors. */
st ledger_csv_read(ledger_builder *b, const unsigned char *data, size_t len, err *e);
st ledger_xlsx_read(ledger_builder *b, const unsigned char *data, size_t len, err *e);
/* data is an OLE2 compound file (read.c checked the signature). */
st ledger_xls_read(ledger_builder *b, const unsigned char *data, size_t len, err *e);

/* The password message shared by xls (FILEPASS) and encrypted xlsx (an OLE2
 * file holding EncryptedPackage). */
#define LEDGER_MSG_PASSWORD "无法读取「%s」：文件设置了打开密码（已加密），无法读取；请用 Excel 或 WPS 输入密码打开，" \
    "在“文件 → 信息 → 保护工作簿 → 用密码进行加密”里清空密码（或“另存为”时不设密码）后保存，再上传"

/* read_num.c: what a number format shows. */
enum {
    LNUM_NUMBER = 0, LNUM_DATE, LNUM_DATETIME, LNUM_TIME,   /* time of day */
    LNUM_HOURS, LNUM_MINUTES, LNUM_SECONDS                 /* elapsed: [h]:mm:ss, [mm]:ss, [ss] */
};
/* Kind of an Excel built-in number format id. */
unsigned char ledger_num_builtin_kind(int id);
/* Kind of a format code ("yyyy-mm-dd", "[h]:mm:ss", "0.00"). */
unsigned char ledger_num_code_kind(const char *code);
/* A number as Excel shows it in General: integers without ".0" or exponent,
 * others with 15 significant digits.  Returns the length written. */
size_t ledger_num_double(double d, char *out, size_t cap);
/* A serial day number as a date, date and time, time or elapsed time (kind);
 * 0 when out of range (the caller then writes the number). */
size_t ledger_num_date(double d, unsigned char kind, bool date1904, char *out, size_t cap);

/* field.c */
/* Normalise header text for matching: NFKC, spaces removed, ASCII upper-cased.
 * Writes at most cap-1 bytes into out; returns out. */
char *ledger_field_norm(const char *s, size_t n, char *out, size_t cap);
/* Canonical field for a header (dictionary of synonyms), LF_NONE when unknown. */
ledger_field ledger_field_detect(const char *s, size_t n);
/* Field for a header under an explicit mapping first, the dictionary second. */
ledger_field ledger_field_for(const ledger_builder *b, const char *s, size_t n);
/* How many distinct known fields a row names (≥ 2 makes it a header). */
int ledger_field_score(const ledger_builder *b, int n, const char *const *cells, const size_t *lens);
/* Parse "header=field,header=field" into b->map (in t->mem). */
st ledger_field_parse_mapping(ledger_builder *b, const char *spec, err *e);

/* sha256.c: the SHA-256 of n bytes, with the CPU's SHA instructions when
 * it has them unless portable (libsodium's code: for the test that compares). */
void ledger_sha256(const void *data, size_t n, uint8_t out[32], bool portable);

/* clean.c */
/* Clean the mapped values of r (cells already set), adding problems. */
void ledger_clean_row(ledger_builder *b, ledger_row *r);
/* Excel serial day number → "YYYY-MM-DD" (1900 date system, with Excel's
 * phantom 1900-02-29).  out ≥ 11 bytes; false when out of range. */
bool ledger_clean_excel_date(double serial, char *out);

#endif
