/* code — checks for the identifiers found in ledgers.
 *
 * 统一社会信用代码 (GB 32100-2015, 18 characters, with the GB 11714
 * organisation code embedded at positions 9–17) and the 15-digit 注册号 used
 * before 2015.  People's identifiers (居民身份证号, phones) are base/ids.h.
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

#endif
