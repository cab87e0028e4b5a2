/* code — GB 32100 / GB 11714 checks and 注册号 recognition.
 *
 * The rules are the published ones (see docs rules "Codes"); each function
 * documents the arithmetic so that a reader can check it against the text. */
#include "ledger/code.h"

#include <string.h>

/* GB 32100-2015 alphabet: 31 characters, I O Z S V left out. */
static const char USCC_ALPHA[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int uscc_value(char c) {
    const char *p = c ? strchr(USCC_ALPHA, c) : NULL;
    return p ? (int)(p - USCC_ALPHA) : -1;
}

/* GB 11714 character values: digits as such, letters A=10 … Z=35. */
static int org_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return -1;
}

bool code_org_check(const char *s, size_t n, char *want) {
    static const int w[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    if (want) *want = 0;
    if (n != 9) return false;
    int sum = 0;
    for (int i = 0; i < 8; i++) {
        int v = org_value(s[i]);
        if (v < 0) return false;
        sum += v * w[i];
    }
    int c = 11 - sum % 11;   /* 10 → X, 11 → 0 */
    char ch = c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
    if (want) *want = ch;
    return s[8] == ch;
}

code_uscc_result code_uscc_check(const char *s, size_t n, char *want, int *bad_pos) {
    if (want) *want = 0;
    if (bad_pos) *bad_pos = 0;
    if (n != 18) return CODE_USCC_LENGTH;
    int sum = 0, pow3 = 1;
    for (int i = 0; i < 17; i++) {
        int v = uscc_value(s[i]);
        /* Positions 3–8 are the GB/T 2260 region: digits only.  Positions 1–2
         * (authority and type) may be letters or digits from the alphabet. */
        if (v < 0 || (i >= 2 && i < 8 && v > 9)) {
            if (bad_pos) *bad_pos = i + 1;
            return CODE_USCC_CHAR;
        }
        sum += v * pow3;   /* weight 3^i mod 31 */
        pow3 = pow3 * 3 % 31;
    }
    char ch = USCC_ALPHA[(31 - sum % 31) % 31];
    if (want) *want = ch;
    if (uscc_value(s[17]) < 0) {
        if (bad_pos) *bad_pos = 18;
        return CODE_USCC_CHAR;
    }
    if (!code_org_check(s + 8, 9, NULL)) return CODE_USCC_ORG_CHECK;
    if (s[17] != ch) return CODE_USCC_CHECK;
    return CODE_USCC_OK;
}

bool code_is_regno(const char *s, size_t n) {
    if (n != 15) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/* GB/T 17710 (ISO 7064) MOD 11,10 hybrid system, used by the 15-digit 注册号. */
bool code_regno_check(const char *s, size_t n) {
    if (!code_is_regno(s, n)) return false;
    int p = 10;
    for (size_t i = 0; i < 14; i++) {
        int t = (s[i] - '0' + p) % 10;
        if (t == 0) t = 10;
        p = (t * 2) % 11;
    }
    int c = (11 - p) % 10;
    return s[14] - '0' == c;
}

