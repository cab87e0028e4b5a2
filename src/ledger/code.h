/* code — checks for the identifiers found in ledgers.
 *
 * 统一社会信用代码 (GB 32100-2015, 18 characters, with the GB 11714
 * organisation code embedded at positions 9–17), the 15-digit 注册号 used
 * before 2015, 居民身份证号 (GB 11643-1999) and Chinese phone numbers.
 * Pure functions over (pointer, length); inputs are expected already cleaned
 * (upper-cased, no spaces) except for phones. */
#ifndef EJIA_LEDGER_CODE_H
#define EJIA_LEDGER_CODE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum code_uscc_result {
    CODE_USCC_OK = 0,
    CODE_USCC_LENGTH,     /* not 18 characters */
    CODE_USCC_CHAR,       /* a character outside 0-9 A-Z minus I O Z S V (or a non-digit in 1–8) */
    CODE_USCC_ORG_CHECK,  /* embedded organisation code (9–17) fails GB 11714 */
    CODE_USCC_CHECK       /* 18th character is not the GB 32100 check character */
} code_uscc_result;

/* Check a USCC.  When not NULL, *want receives the check character the code
 * should end with (computed from positions 1–17; 0 when it cannot be computed)
 * and *bad_pos the 1-based position of the first bad character. */
code_uscc_result code_uscc_check(const char *s, size_t n, char *want, int *bad_pos);
/* GB 11714 organisation code (9 characters, 8 + check, X allowed as check). */
bool code_org_check(const char *s, size_t n, char *want);
/* 15 digits: a pre-2015 business registration number (注册号).  Recognition
 * only: the number's own check digit (ISO 7064 MOD 11,10) is checked by
 * code_regno_check. */
bool code_is_regno(const char *s, size_t n);
bool code_regno_check(const char *s, size_t n);

/* GB 11643-1999 resident ID: 17 digits + check (0-9 or X), digits 7–14 a
 * real birth date between 1900-01-01 and 2099-12-31. */
bool code_idcard_check(const char *s, size_t n);
/* 1 male, 2 female, 0 when the number is not a valid ID. */
int code_idcard_sex(const char *s, size_t n);

typedef enum code_phone_kind { CODE_PHONE_BAD = 0, CODE_PHONE_MOBILE, CODE_PHONE_LANDLINE } code_phone_kind;
/* A single phone number: mobile 1[3-9]xxxxxxxxx (an optional +86 / 86 in
 * front), or landline 0AA(A)-NNNNNNN(N) with or without the dash, or a local
 * 7–8 digit number, optionally with an extension "-NNNN" / "转NNNN".
 * When out is not NULL (≥ 32 bytes) it receives the number cleaned: digits,
 * with a dash between area code and number for landlines. */
code_phone_kind code_phone_check(const char *s, size_t n, char *out);

#endif
