/* table — one enterprise ledger read from a file, header found, values cleaned.
 *
 * This is the seam between the readers (read_csv.c, read_xlsx.c, read_xls.c,
 * field.c, clean.c) and everything that consumes ledgers (the importer that
 * stores them, the matcher).  A table owns all its memory in one arena; the
 * caller frees it with ledger_table_free().
 *
 * Rows: `row` is the 1-based data row of the table (header and title rows not
 * counted) — the number used in reports to users alongside `sheet_row`, the
 * physical row number a user sees in Excel (1-based, counting title rows). */
#ifndef EJIA_LEDGER_TABLE_H
#define EJIA_LEDGER_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "core/err.h"

/* Canonical fields.  Header synonyms map to these (field.c). */
typedef enum ledger_field {
    LF_NONE = -1,
    LF_SEQ = 0,     /* 序号 */
    LF_NAME,        /* 企业名称 / 单位名称 / 公司名称 ... */
    LF_CODE,        /* 统一社会信用代码 / 信用代码 / 注册号 ... (cleaned: upper, no spaces) */
    LF_ADDRESS,     /* 经营地址 / 注册地址 / 办公地址 */
    LF_DISTRICT,    /* 所属区 / 辖区 / 区域 (cleaned: "思明区"; see district_code) */
    LF_STREET,      /* 街道 / 镇 */
    LF_PARK,        /* 园区 */
    LF_EMPLOYEES,   /* 从业人数 / 员工人数 / 职工人数 (cleaned: decimal integer) */
    LF_MEMBERS,     /* 党员数 / 正式党员数 (cleaned: decimal integer) */
    LF_CATEGORY,    /* 所属行业 / 行业类别 (as written; the six categories are derived later) */
    LF_STATUS,      /* 状态 / 登记状态 / 经营状态 */
    LF_CONTACT,     /* 联系人 / 负责人 */
    LF_PHONE,       /* 电话 / 联系电话 (cleaned: digits, '-' kept for landlines) */
    LF_CAPITAL,     /* 注册资本 */
    LF_FOUNDED,     /* 成立日期 (cleaned: YYYY-MM-DD) */
    LF_SCOPE,       /* 经营范围 */
    LF_PREMISES,    /* 办公场所 / 有无场所 (field verification) */
    LF_OPERATING,   /* 是否正常经营 (field verification) */
    LF_LNG,         /* 经度 (cleaned: degrees, 6 decimals; the map, issue 19) */
    LF_LAT,         /* 纬度 (cleaned: degrees, 6 decimals) */
    LF__COUNT
} ledger_field;

/* What kind of code LF_CODE holds after cleaning. */
typedef enum ledger_code_kind {
    LC_NONE = 0,     /* empty */
    LC_USCC,         /* valid 18-character unified social credit code */
    LC_USCC_BAD,     /* 18 characters, check character or org-code check fails */
    LC_REGNO,        /* 15-digit registration number (注册号) */
    LC_OTHER         /* anything else */
} ledger_code_kind;

typedef struct ledger_row {
    int row;                         /* 1-based data row */
    int sheet_row;                   /* 1-based physical row in the sheet/file */
    const char *val[LF__COUNT];      /* cleaned value, NULL when empty/absent */
    const char **cells;              /* raw cell text per column (ncols), "" for empty */
    ledger_code_kind code_kind;
    int district_code;               /* GB/T 2260 code (350203...) or 0 */
} ledger_row;

typedef enum ledger_problem_kind { LP_WARNING = 0, LP_ERROR = 1 } ledger_problem_kind;

typedef struct ledger_problem {
    int row;            /* data row (0 = about the file or header) */
    int sheet_row;
    int col;            /* 0-based column, -1 when none */
    ledger_problem_kind kind;
    const char *column; /* header text */
    const char *value;  /* the offending value */
    const char *msg;    /* Chinese: what is wrong and what to do */
} ledger_problem;

typedef struct ledger_table {
    arena mem;                /* owns everything below */
    const char *path;         /* as given */
    const char *source;       /* base name of the file */
    const char *sheet;        /* sheet name (xlsx/xls) or NULL for CSV */
    const char *format;       /* "csv", "xlsx", "xls" */
    const char *encoding;     /* "UTF-8", "UTF-8 BOM", "GB18030" for CSV */
    uint8_t sha256[32];       /* of the file's bytes */
    int header_row;           /* 1-based physical row of the header */
    const char *title;        /* the first cell of the first row above the header (a title row), or NULL */
    int ncols;
    const char **headers;     /* ncols */
    ledger_field *col_field;  /* ncols: canonical field of each column or LF_NONE (kept as extra) */
    int nrows;
    ledger_row *rows;
    int nproblems;
    ledger_problem *problems;
} ledger_table;

typedef struct ledger_read_opts {
    const char *sheet;               /* choose this sheet by name; NULL = detect */
    /* Explicit mapping "header=field,..." (field names as ledger_field_name()),
     * overriding detection; NULL = detect. */
    const char *mapping;
    size_t max_uncompressed;         /* xlsx: refuse beyond this many bytes unzipped (0 = default 512 MiB) */
    size_t max_entries;              /* xlsx: refuse zips with more entries (0 = default 10000) */
    size_t max_memory;               /* cap on the table's memory (0 = default 3 GiB; 1M rows take ~600 MiB) */
    /* Refuse the file (ST_TOO_LARGE) when its cells hold more text than this in
     * total, counted after each cell is cut to its own cap (0 = no such limit;
     * the memory cap still applies).  What an import stores grows with this
     * text, not with the file: an xlsx can point every cell at one long shared
     * string, so a few KiB would otherwise become hundreds of MiB in the
     * database.  Imports pass the max-cell-text setting. */
    size_t max_cell_text;
    /* Another kind of table than a ledger (a party-member roster): header_field
     * names the column a header cell stands for in the caller's own
     * dictionary (0..63, or -1 for none).  The header is then the first row
     * in which it names two or more columns (title rows above are skipped as
     * for ledgers), and the rows are kept raw — no ledger fields, no cleaning,
     * col_field all LF_NONE — for the caller to map and check.  header_hint
     * names two such headers for the message when none is found. */
    int (*header_field)(void *ctx, const char *text, size_t len);
    void *header_ctx;
    const char *header_hint;
    /* Progress: called now and then with bytes or rows done / total (total may be 0). */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
} ledger_read_opts;

/* Read a CSV/xlsx/xls file (format by content, not by name).  Fails only when
 * the file as a whole cannot be read (ST_IO / ST_UNSUPPORTED / ST_INVALID /
 * ST_TOO_LARGE), with a message naming the file and the reason.  Problems in
 * cells never fail: they are listed in table->problems. */
st ledger_table_read(const char *path, const ledger_read_opts *o, ledger_table **out, err *e);
/* Same from memory (used by the fuzz targets and uploads). */
st ledger_table_read_mem(const char *name, const void *data, size_t len,
                         const ledger_read_opts *o, ledger_table **out, err *e);
void ledger_table_free(ledger_table *t);

const char *ledger_field_name(ledger_field f);     /* "name", "code", ... */
const char *ledger_field_label(ledger_field f);    /* "企业名称", ... */
ledger_field ledger_field_by_name(const char *s);  /* LF_NONE when unknown */
/* Column letters as Excel shows them: 0 → "A", 26 → "AA" (out ≥ 8 bytes). */
void ledger_col_letters(int col, char *out);

/* A decimal number of degrees ("118.089123", "24.48°") in millionths of a
 * degree (more than 6 decimals rounded); false when it is not one. */
bool ledger_degrees_e6(const char *v, int64_t *out);

#endif
