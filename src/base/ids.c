/* ids — see ids.h. */
#include "base/ids.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/utf8.h"

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static bool valid_date(int y, int m, int d) {
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1) return false;
    int maxd = dim[m - 1] + (m == 2 && is_leap(y));
    return d <= maxd;
}

bool ids_idcard_check(const char *s, size_t n) {
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char map[] = "10X98765432";
    if (n != 18) return false;
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        sum += (s[i] - '0') * w[i];
    }
    int y = (s[6] - '0') * 1000 + (s[7] - '0') * 100 + (s[8] - '0') * 10 + (s[9] - '0');
    int m = (s[10] - '0') * 10 + (s[11] - '0');
    int d = (s[12] - '0') * 10 + (s[13] - '0');
    if (y < 1900 || y > 2099 || !valid_date(y, m, d)) return false;
    char c = s[17] == 'x' ? 'X' : s[17];
    return c == map[sum % 11];
}

int ids_idcard_sex(const char *s, size_t n) {
    if (!ids_idcard_check(s, n)) return 0;
    return (s[16] - '0') % 2 ? 1 : 2;
}

ids_phone_kind ids_phone_check(const char *s, size_t n, char *out) {
    char d[40];
    size_t k = 0, dash = 0;   /* dash: digits before the first separator, 0 = none */
    size_t ext_at = 0;        /* digits before an extension marker */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= '0' && c <= '9') {
            if (k >= sizeof d - 1) return IDS_PHONE_BAD;
            d[k++] = (char)c;
        } else if (c == '-' || c == ' ' || c == '(' || c == ')') {
            if (k && !dash) dash = k;
            else if (k && dash && c == '-' && !ext_at) ext_at = k;   /* 0592-1234567-8001 */
        } else if (c == '+' && k == 0) {
            continue;
        } else if (i + 3 <= n && memcmp(s + i, "转", 3) == 0) {   /* 转 = extension */
            if (!ext_at) ext_at = k;
            i += 2;
        } else {
            return IDS_PHONE_BAD;
        }
    }
    /* Mobile: 11 digits whatever the grouping (138-1234-5678), maybe after 86. */
    const char *m = d;
    size_t ml = k;
    if (ml == 13 && d[0] == '8' && d[1] == '6' && d[2] == '1') { m += 2; ml -= 2; }
    if (ml == 11 && m[0] == '1' && m[1] >= '3' && m[1] <= '9') {
        if (out) { memcpy(out, m, 11); out[11] = 0; }
        return IDS_PHONE_MOBILE;
    }
    size_t main_len = ext_at ? ext_at : k;
    const char *p = d;
    if (main_len == 0) return IDS_PHONE_BAD;
    /* Landline: area code 0 + 2–3 digits, then 7–8 digits; or local 7–8 digits. */
    size_t area = 0;
    if (p[0] == '0') {
        if (dash >= 3 && dash <= 4) area = dash;
        else if (main_len == 11 || main_len == 12) {
            /* Without a dash: 010/02x are 3-digit area codes, the rest 4. */
            area = (p[1] == '1' || p[1] == '2') ? 3 : 4;
        } else return IDS_PHONE_BAD;
    }
    size_t local = main_len - area;
    if (local < 7 || local > 8 || p[area] == '0' || p[area] == '1') return IDS_PHONE_BAD;
    if (out) {
        size_t o = 0;
        if (area) { memcpy(out, p, area); o = area; out[o++] = '-'; }
        memcpy(out + o, p + area, local);
        o += local;
        if (ext_at && k > ext_at) {
            size_t el = k - ext_at;
            if (el > 6) return IDS_PHONE_BAD;
            out[o++] = '-';
            memcpy(out + o, d + ext_at, el);
            o += el;
        }
        out[o] = 0;
    }
    return IDS_PHONE_LANDLINE;
}

bool ids_idcard_normalize(const char *s, size_t n, char out[19]) {
    out[0] = 0;
    if (!s) return false;
    arena a;
    arena_init(&a, 1 << 16);
    size_t len = utf8_valid_prefix(s, n);
    const char *m = len ? utf8_nfkc(&a, s, len, &len) : NULL;
    char d[40];
    size_t k = 0;
    for (size_t i = 0; m && i < len && k < sizeof d - 1; i++) {
        char c = m[i];
        if (c == ' ' || c == '\t' || c == '-') continue;   /* 3502 0319 8506 1500 11, 350203-1985… */
        d[k++] = c == 'x' ? 'X' : c;
    }
    d[k] = 0;
    arena_free(&a);
    if (k == 15) {   /* first generation: YYMMDD, no check character; all born in the 1900s */
        for (size_t i = 0; i < 15; i++)
            if (d[i] < '0' || d[i] > '9') goto keep;
        static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
        static const char map[] = "10X98765432";
        char e[19];
        memcpy(e, d, 6);
        e[6] = '1';
        e[7] = '9';
        memcpy(e + 8, d + 6, 9);
        int sum = 0;
        for (int i = 0; i < 17; i++) sum += (e[i] - '0') * w[i];
        e[17] = map[sum % 11];
        e[18] = 0;
        memcpy(out, e, 19);
        return ids_idcard_check(out, 18);
    }
keep:
    snprintf(out, 19, "%.18s", d);   /* kept as typed, at most 18 characters (what a valid number can be) */
    return k == 18 && ids_idcard_check(out, 18);
}

void ids_idcard_birth(const char *id18, char out[11]) {
    snprintf(out, 11, "%.4s-%.2s-%.2s", id18 + 6, id18 + 10, id18 + 12);
}
