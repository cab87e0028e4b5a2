/* dues_bank — bank statements against a dues sheet (issue 17), pure: no SQL,
 * no HTTP (dues_bank_store.c stores and pays, dues_bank_api.c serves).
 *
 * The reader takes a statement as banks export it — CSV (UTF-8 with or
 * without a byte-order mark, or GBK/GB18030 as Chinese banks write it; comma
 * or tab) or xlsx/xls — through the project's one set of table readers
 * (ledger/table.h, as the roster and ledger imports), with the bank's own
 * header names: 交易日期/记账日期, 贷方金额/收入金额 (or 交易金额 with a sign or a
 * 借贷标志 column), 对方户名/付款人, 对方账号, 摘要/附言/用途.  Title rows above
 * the header (账号, 户名, 起止日期) and the summary lines below the last
 * transaction (合计, 笔数, 打印时间 …) are skipped.  Each transaction becomes a
 * line: the day as YYYY-MM-DD (2026-11-05, 2026/11/05, 20261105, with a time or
 * without), the credit in fen (through dues_amount_parse), the payer's name,
 * account (kept masked only) and memo.  Debits and zero lines are kept, as
 * not payments.  A missing required column, a day or an amount that cannot
 * be read fails with a Chinese message naming the file, the row (as the
 * spreadsheet shows it) and the column.
 *
 * The matcher takes the lines and the members of an organization's sheet
 * with the months they owe (the sheet's month and those before, oldest
 * first) and says who paid which months: a line is a member's when the
 * payer's name is theirs, or the memo names them ("代张三缴纳党费": a proxy);
 * its amount must be the dues of one or more whole months owed, counted from
 * the oldest owed month on (a quarter at once is three).  Nothing is
 * guessed: two members of one name, two members named in one memo, an amount
 * that is no whole number of the months owed, a payer who names nobody —
 * each stays unmatched with its reason in words. */
#ifndef EJIA_DUES_DUES_BANK_H
#define EJIA_DUES_DUES_BANK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

/* One transaction of a statement. */
typedef struct dues_bank_line {
    int row;                  /* the row as the spreadsheet shows it (1-based, title rows counted) */
    char day[11];             /* YYYY-MM-DD */
    int64_t fen;              /* the credit in fen (> 0 when payment) */
    bool payment;             /* a credit above zero; false: a debit or a zero line */
    const char *kind;         /* "credit", "debit", "zero" */
    const char *payer_name;   /* "" when the statement has none */
    const char *payer_account;/* masked: 6222********1234 */
    const char *memo;         /* 摘要/附言/用途, "" when none */
} dues_bank_line;

typedef struct dues_bank_statement {
    arena mem;                /* owns everything below */
    const char *source;       /* the file's name */
    const char *format;       /* "csv", "xlsx", "xls" */
    const char *encoding;     /* CSV: "UTF-8", "UTF-8 BOM", "GB18030"; NULL otherwise */
    uint8_t sha256[32];       /* of the file's bytes */
    int header_row;           /* the header's row as the spreadsheet shows it */
    int nlines;
    dues_bank_line *lines;
    int skipped;              /* summary and blank lines left out */
} dues_bank_statement;

/* Read a statement from memory (name: the file's name, for messages).  The
 * caller frees it with dues_bank_free.  ST_INVALID / ST_UNSUPPORTED /
 * ST_TOO_LARGE with a Chinese message naming the file (and the row and
 * column when a cell is wrong; e->where "第 N 行 X 列"). */
st dues_bank_read_mem(const char *name, const void *data, size_t len, dues_bank_statement **out, err *e);
/* The same from a file. */
st dues_bank_read(const char *path, const char *name, dues_bank_statement **out, err *e);
void dues_bank_free(dues_bank_statement *s);

/* A day as statements write it — 2026-11-05, 2026/11/05, 2026.11.05,
 * 20261105, 2026年11月5日, with or without a time after it — as YYYY-MM-DD
 * (out 11 bytes); false when it is not a real day. */
bool dues_bank_day(const char *s, size_t n, char out[11]);
/* An amount as statements write it: "1,500.00", "+30.00", "-30.00", "¥30.00",
 * "30.00元", "(30.00)" (a debit), with spaces; the sign in *negative.
 * Through dues_amount_parse (its message on failure). */
st dues_bank_amount(const char *s, size_t n, int64_t *fen, bool *negative, err *e);
/* An account shown masked: the first 4 and last 4 digits kept, stars between
 * (6222********1234); 8 characters or fewer keep only the last 4. */
void dues_bank_mask_account(const char *s, char *out, size_t n);
/* A name as compared: NFKC, spaces and the middle dot variants removed. */
char *dues_bank_norm_name(arena *a, const char *s);

/* ---- the matcher ------------------------------------------------------ */

typedef struct dues_bank_owed {
    char month[8];            /* YYYY-MM */
    int64_t fen;              /* the month's dues (> 0) */
} dues_bank_owed;

typedef struct dues_bank_member {
    int64_t person_id;
    const char *name;
    int nowed;                /* months owed, oldest first, up to the sheet's month */
    dues_bank_owed *owed;
    int taken;                /* months taken by lines matched before (the matcher's) */
} dues_bank_member;

typedef struct dues_bank_match {
    int64_t person_id;        /* 0 = unmatched */
    const char *name;         /* the member's name when matched */
    char first[8], last[8];   /* the months paid, inclusive */
    int months;
    bool proxy;               /* paid by someone else for the member */
    const char *proxy_name;   /* the payer then */
    const char *reason;       /* in words: why matched, or why not (Chinese) */
} dues_bank_match;

/* Match each payment line (lines[i].payment) against the members, in the
 * lines' order (a second line of the same member takes the months after the
 * first one's).  out has n entries; lines that are not payments stay
 * unmatched with their reason ("支出，不是缴费").  Strings in a. */
void dues_bank_match_lines(const dues_bank_line *lines, int n, dues_bank_member *members, int nm, arena *a,
                           dues_bank_match *out);

#endif
