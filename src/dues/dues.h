/* dues — the rules of party dues (党费, 中组部〔2008〕33号; rules.md "Party dues"),
 * pure: a member's monthly amount from their monthly base and kind, and the
 * parser of an amount of money written in 元.  No SQL, no HTTP.
 *
 * Money is int64 fen (0.01 元) throughout, never floating point.  Employees
 * pay one rate on the whole base by bracket (upper bounds inclusive), retirees
 * by their two brackets; students, the unemployed and 低保 recipients a flat
 * amount, farmers a flat amount the office sets within a range.  Every bound,
 * rate (in basis points: 50 = 0.5%), amount and the rounding to the fen is a
 * setting (dues-* in core/config_table.c), read and checked by
 * dues_rules_load. */
#ifndef EJIA_DUES_DUES_H
#define EJIA_DUES_DUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef enum dues_kind {
    DUES_EMPLOYEE,     /* 在职 */
    DUES_RETIREE,      /* 离退休 */
    DUES_STUDENT,      /* 学生 */
    DUES_UNEMPLOYED,   /* 失业 */
    DUES_FARMER,       /* 农民 */
    DUES_RELIEF,       /* 享受低保 */
    DUES_KINDS
} dues_kind;

typedef enum dues_round {
    DUES_ROUND_HALF_UP,     /* "half-up": 0.5 分 and above up (the default) */
    DUES_ROUND_HALF_EVEN,   /* "half-even": 0.5 分 to the even fen */
    DUES_ROUND_DOWN,        /* "down": fractions of a fen dropped */
    DUES_ROUND_UP,          /* "up": any fraction of a fen up */
} dues_round;

/* The largest amount of money the parser accepts and dues_calc takes as a
 * base: 1,000,000,000,000.00 元 (a base times a rate in basis points stays
 * far inside int64). */
#define DUES_FEN_MAX INT64_C(100000000000000)
#define DUES_EMPLOYEE_BRACKETS 4
#define DUES_RETIREE_BRACKETS 2

typedef struct dues_rules {
    int64_t employee_max[DUES_EMPLOYEE_BRACKETS - 1];   /* fen, inclusive, increasing */
    int employee_bp[DUES_EMPLOYEE_BRACKETS];            /* basis points */
    int64_t retiree_max[DUES_RETIREE_BRACKETS - 1];
    int retiree_bp[DUES_RETIREE_BRACKETS];
    int64_t flat[DUES_KINDS];                           /* fen; for the flat kinds only */
    int64_t farmer_min, farmer_max;                     /* the farmers' range, fen */
    dues_round round;
} dues_rules;

/* The rules from the settings (dues-*).  A value that is not an amount in 元,
 * not an integer, out of order (brackets not increasing) or outside its range
 * (the farmers' amount outside theirs) fails with a Chinese message naming
 * the setting and what to write instead (field = the setting). */
st dues_rules_load(dues_rules *r, err *e);

/* "employee" … "relief", or the Chinese names (在职, 离退休, 学生, 失业, 农民, 低保);
 * -1 when none. */
int dues_kind_parse(const char *s);
const char *dues_kind_code(dues_kind k);   /* "employee" */
const char *dues_kind_name(dues_kind k);   /* "在职党员" */
/* Does the kind pay a rate on a base (employee, retiree), not a flat amount? */
bool dues_kind_rated(dues_kind k);
/* "half-up" … "up"; -1 when none. */
int dues_round_parse(const char *s);
const char *dues_round_code(dues_round m);   /* "half-up" */

typedef struct dues_amount {
    int64_t fen;   /* the monthly amount */
    int bp;        /* the rate applied (basis points); 0 for a flat amount */
    bool flat;
    int bracket;   /* the bracket applied, 0 = the first; 0 for a flat amount */
} dues_amount;

/* The monthly dues of a member of kind with a monthly base of base_fen.  The
 * flat kinds ignore the base (it may be 0).  A negative base, a base above
 * DUES_FEN_MAX, or a zero base for a rated kind (an employee or retiree
 * without income pays as unemployed) fails with ST_INVALID. */
st dues_calc(const dues_rules *r, dues_kind kind, int64_t base_fen, dues_amount *out, err *e);
/* base_fen × bp / 10000 rounded to the fen as mode says (base_fen ≥ 0,
 * ≤ DUES_FEN_MAX; 0 ≤ bp ≤ 10000). */
int64_t dues_apply_rate(int64_t base_fen, int bp, dues_round mode);

/* An amount of money in 元 from s[0..n) (need not end in NUL): digits, with
 * optional thousands separators in their places ("3,000.50"), and at most two
 * decimals after a point; white space around it is ignored.  Anything else —
 * empty, a sign, a third decimal, 元 or other text, more than DUES_FEN_MAX —
 * fails with ST_INVALID and a Chinese message saying what is wrong, where
 * (e->where: the character), and how to write it. */
st dues_amount_parse(const char *s, size_t n, int64_t *fen, err *e);
/* The brackets of a rated kind (0 for a flat kind), and bracket k's bounds:
 * above lo (exclusive; 0 for the first) up to hi (inclusive; -1 for the last,
 * which has none), at the rate bp. */
int dues_brackets(dues_kind kind);
void dues_bracket(const dues_rules *r, dues_kind kind, int k, int64_t *lo, int64_t *hi, int *bp);
/* Bracket k in words: "3000 元（含）以下", "3000 元以上至 5000 元（含）",
 * "10000 元以上"; out has room for 128 bytes. */
void dues_bracket_words(const dues_rules *r, dues_kind kind, int k, char out[128]);
/* The line `ejia dues calc` prints, without its newline: "月交党费 30.00 元
 * （月工资基数 3000.01 元 × 1%）", "月交党费 0.20 元（学生党员，每月定额）". */
void dues_words(dues_kind kind, int64_t base_fen, const dues_amount *a, char out[256]);
/* The rule that gave a: "月工资基数 3000.01 元，适用 3000 元以上至 5000 元（含）1%",
 * "月离退休费 5000.00 元，适用 5000 元（含）以下 0.5%", "学生党员每月定额 0.20 元". */
void dues_rule_words(const dues_rules *r, dues_kind kind, int64_t base_fen, const dues_amount *a, char out[256]);
/* An amount in 元 as a bound is written: "3000" when whole, "3000.50" otherwise. */
void dues_yuan_format(int64_t fen, char out[32]);
/* "3000.00" (fen ≥ 0), "-0.50" below zero; out has room for 32 bytes. */
void dues_fen_format(int64_t fen, char out[32]);
/* A rate in basis points as a percentage without trailing zeros: "0.5%",
 * "1.5%", "2%", "0.05%"; out has room for 16 bytes. */
void dues_bp_format(int bp, char out[16]);

/* ---- payment ways ----------------------------------------------------
 * How a payment reaches the branch.  No payment gateway is built in: the one
 * way is "treasurer" — received by the branch's treasurer (收缴员), recorded
 * with a receipt.  A deployment that has WeChat Pay or UnionPay adds a row
 * of its own in a file of its own (src/dues/dues_way_<name>.c) and names it
 * in the setting dues-ways; its confirm checks the channel's reference with
 * the provider before the payment is recorded.  Nothing is ever recorded as
 * paid online without a way that confirmed it. */
typedef struct dues_way {
    const char *name;     /* "treasurer" */
    const char *label;    /* "支部党费收缴员收取" */
    bool online;          /* false: a person received it */
    /* Called inside the recording transaction with the amount and the
       channel's reference; a refusal rolls the payment back.  NULL: nothing
       to confirm. */
    st (*confirm)(const char *ref, int64_t fen, err *e);
} dues_way;
/* The way named, when it is in the table and the setting dues-ways lists it;
 * else NULL with ST_INVALID and a Chinese message naming it and the ways in
 * use (field "way"). */
const dues_way *dues_way_find(const char *name, err *e);
/* The ways in use (dues-ways), in its order; a name it lists that the table
 * lacks fails with a message, so a mistyped setting is seen. */
st dues_ways_active(const dues_way **out, size_t max, size_t *n, err *e);

/* ---- months ----------------------------------------------------------- */

/* "YYYY-MM" with 1 <= month <= 12 and a year 1900..9999; false otherwise. */
bool dues_month_valid(const char *s);
/* Months from a to b ("2026-01" to "2026-03" is 2); a and b valid. */
int dues_month_diff(const char *a, const char *b);
/* The month k months after m (k may be negative); out 8 bytes. */
void dues_month_add(const char *m, int k, char out[8]);
/* The last day of month m, "YYYY-MM-DD"; out 11 bytes. */
void dues_month_last_day(const char *m, char out[11]);

#endif
