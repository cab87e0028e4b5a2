/* clean — turn the text of mapped cells into values a program can rely on.
 *
 * Every value is NFKC'd (full-width digits, letters and brackets folded) and
 * trimmed of all kinds of space; white space inside is dropped next to Chinese
 * characters (a stray space in "有限公 司") and collapsed elsewhere.  Then
 * per field: credit codes upper-cased, stripped and checked; counts parsed as
 * integers; dates (text or Excel serials) to YYYY-MM-DD; districts to their
 * GB/T 2260 name and code; phones checked and normalised.  A value that cannot
 * be cleaned stays as written and gets a problem — a row is never dropped. */
#include "ledger/read_int.h"
#include "base/ids.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/utf8.h"
#include "ledger/code.h"
#include "ledger/district.h"

/* Fast check for the common case: no space and NFKC-stable, so the raw cell
 * (minus nothing) is already clean and can be shared instead of copied. */
static bool already_clean(const char *s, size_t n) {
    const char *p = s, *end = s + n;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x80) {
            if (c <= ' ' || c == 0x7F) return false;
            p++;
            continue;
        }
        int32_t cp;
        const unsigned char *u = (const unsigned char *)p;
        if (c >= 0xE0 && c <= 0xEF && end - p >= 3 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
            /* a three-byte character (all of CJK), decoded here; an overlong
             * form or a surrogate is refused as utf8_next refuses it */
            cp = (int32_t)((c & 0x0F) << 12 | (u[1] & 0x3F) << 6 | (u[2] & 0x3F));
            if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
            p += 3;
        } else {
            cp = utf8_next(&p, end);
            if (cp < 0) return false;
        }
        if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)) continue;
        if (cp == 0x3001 || cp == 0x3002 || cp == 0x300A || cp == 0x300B || cp == 0x2014 || cp == 0xB7)
            continue;
        return false;
    }
    return true;
}

/* The general cleaning every value gets; NULL when nothing is left. */
static const char *clean_text(ledger_builder *b, const char *raw, size_t *out_len) {
    arena *a = &b->t->mem;
    size_t n = strlen(raw);
    if (already_clean(raw, n)) {
        *out_len = n;
        return n ? raw : NULL;
    }
    buf_reset(&b->tmp);
    const char *s = raw;
    n = utf8_trim(&s, n);
    if (n == 0) return NULL;
    if (utf8_nfkc_buf(&b->tmp, s, n) != ST_OK) {
        /* Not UTF-8 (cannot happen with our readers) or over the cap: keep as is. */
        *out_len = n;
        return arena_strndup(a, s, n);
    }
    /* Second pass: space handling over the NFKC text. */
    const char *p = b->tmp.data, *end = p + b->tmp.len;
    char *out = arena_alloc(a, b->tmp.len + 1);
    if (!out) return NULL;
    size_t o = 0;
    bool pending_space = false;
    bool prev_wide = false;
    while (p < end) {
        const char *q = p;
        int32_t cp = utf8_next(&q, end);
        if (utf8_is_space(cp) || cp < 0x20) {
            if (o) pending_space = true;
            p = q;
            continue;
        }
        bool wide = cp >= 0x2E80;
        if (pending_space && !wide && !prev_wide) out[o++] = ' ';
        pending_space = false;
        memcpy(out + o, p, (size_t)(q - p));
        o += (size_t)(q - p);
        prev_wide = wide;
        p = q;
    }
    out[o] = 0;
    *out_len = o;
    return o ? out : NULL;
}

/* Words meaning "nothing here" in a code, number, date or phone column. */
static bool placeholder(const char *s) {
    /* Most values start with a non-zero digit or are long: no strcmp for them. */
    if ((s[0] >= '1' && s[0] <= '9') || strnlen(s, 8) > 6) return false;
    static const char *const words[] = {"无", "暂无", "/", "-", "--", "—", "——", "N/A", "NA", "NULL", "空", "未知", "0"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strcmp(s, words[i]) == 0) return true;
    return false;
}

static void problem(ledger_builder *b, ledger_row *r, int col, ledger_problem_kind k, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void problem(ledger_builder *b, ledger_row *r, int col, ledger_problem_kind k, const char *fmt, ...) {
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *v = r->cells[col];
    ledger_problem_add(b, r->row, r->sheet_row, col, k, v, strlen(v), "%s", msg);
}

static const char *clean_code(ledger_builder *b, ledger_row *r, int col, const char *v, size_t n) {
    char code[64];
    size_t k = 0;
    for (size_t i = 0; i < n && k < sizeof code - 1; i++) {
        char c = v[i];
        if (c == ' ' || c == '-' || c == '.' || c == '\'') continue;   /* spaces, dashes, Excel's text quote */
        code[k++] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
    }
    code[k] = 0;
    if (k == 0 || placeholder(code)) { r->code_kind = LC_NONE; return NULL; }
    const char *out = strcmp(code, v) == 0 ? v : arena_strdup(&b->t->mem, code);
    if (k == 18) {
        char want = 0;
        int pos = 0;
        switch (code_uscc_check(code, k, &want, &pos)) {
        case CODE_USCC_OK: r->code_kind = LC_USCC; return out;
        case CODE_USCC_CHAR:
            r->code_kind = LC_USCC_BAD;
            problem(b, r, col, LP_ERROR,
                    "统一社会信用代码第 %d 位“%c”不是允许的字符（前 8 位中第 3–8 位只能是数字；全码不含 I、O、Z、S、V）；"
                    "请对照营业执照改正", pos, code[pos - 1]);
            return out;
        case CODE_USCC_ORG_CHECK: {
            char org_want = 0;
            code_org_check(code + 8, 9, &org_want);
            r->code_kind = LC_USCC_BAD;
            problem(b, r, col, LP_ERROR,
                    "统一社会信用代码第 9–17 位（组织机构代码）的校验位应为“%c”，这里是“%c”，代码可能抄错；请对照营业执照改正",
                    org_want ? org_want : '?', code[16]);
            return out;
        }
        case CODE_USCC_CHECK:
            r->code_kind = LC_USCC_BAD;
            problem(b, r, col, LP_ERROR,
                    "统一社会信用代码的校验位（第 18 位）应为“%c”，这里是“%c”，代码可能抄错；请对照营业执照改正",
                    want, code[17]);
            return out;
        case CODE_USCC_LENGTH: break;
        }
    }
    if (code_is_regno(code, k)) {
        r->code_kind = LC_REGNO;
        problem(b, r, col, LP_WARNING,
                "这是 15 位的工商注册号，不是 18 位统一社会信用代码；请在国家企业信用信息公示系统查到新代码后补上");
        return out;
    }
    r->code_kind = LC_OTHER;
    if (k == 9 && code_org_check(code, 9, NULL))
        problem(b, r, col, LP_ERROR, "这是 9 位组织机构代码，不是 18 位统一社会信用代码；请补上统一社会信用代码");
    else
        problem(b, r, col, LP_ERROR, "统一社会信用代码应为 18 位，这里是 %zu 位；请对照营业执照改正",
                utf8_count(code, k));
    return out;
}

/* A non-negative count: "25", "25人", "1,200", "25.0" (Excel numbers). */
static const char *clean_count(ledger_builder *b, ledger_row *r, int col, const char *v) {
    if (placeholder(v) && strcmp(v, "0") != 0) return NULL;
    long long x = 0;
    const char *p = v;
    bool neg = false, any = false;
    if (*p == '-') { neg = true; p++; }
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (x > 1000000000LL) break;
            x = x * 10 + (*p - '0');
            any = true;
        } else if (*p == ',' && any) {
            continue;
        } else {
            break;
        }
    }
    if (any && *p == '.') {   /* 25.0 is 25; 25.5 is not a head count */
        const char *q = p + 1;
        while (*q == '0') q++;
        if (*q == 0) p = q;
    }
    if (any && (strcmp(p, "人") == 0 || strcmp(p, "名") == 0 || strcmp(p, "个") == 0)) p += 3;
    if (!any || *p) {
        problem(b, r, col, LP_ERROR, "“%s”不是整数；%s应填人数，如 25", v, ledger_field_label(b->t->col_field[col]));
        return v;
    }
    if (neg) {
        problem(b, r, col, LP_ERROR, "人数不能是负数；请改正");
        return v;
    }
    /* Already canonical (digits only, no leading zero) is the common case. */
    if (p == v + strspn(v, "0123456789") && (v[0] != '0' || v[1] == 0)) return v;
    char tmp[24];
    snprintf(tmp, sizeof tmp, "%lld", x);
    return arena_strdup(&b->t->mem, tmp);
}

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static bool valid_ymd(int y, int m, int d) {
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return y >= 1800 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= dim[m - 1] + (m == 2 && leap(y));
}

bool ledger_clean_excel_date(double serial, char *out) {
    /* Serial 1 = 1900-01-01; Excel counts a 1900-02-29 that never was, so
     * from serial 61 on the day count is one too high.  Serial 60 is the
     * phantom day itself: reported as 1900-02-28. */
    if (!(serial >= 1 && serial < 2958466)) return false;
    long days = (long)floor(serial);
    if (days >= 60) days -= 1;
    /* Days since 1970-01-01 (serial 25569), then Hinnant's civil_from_days. */
    long z = days - 25568 + 719468;
    long era = z / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) y++;
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%04ld-%02ld-%02ld", y, m, d);
    memcpy(out, tmp, 11);
    return true;
}

/* Y sep M [sep D] with sep one of - / . 年 月 (日 or 号 after the day), an
 * optional time after the date; the month alone means its 1st. */
static bool parse_ymd(const char *p, int *y, int *m, int *d) {
    char *q;
    long yy = strtol(p, &q, 10);
    if (q - p != 4) return false;
    p = q;
    if (*p == '-' || *p == '/' || *p == '.') p++;
    else if (strncmp(p, "年", 3) == 0) p += 3;
    else return false;
    if (*p < '0' || *p > '9') return false;
    long mm = strtol(p, &q, 10);
    if (q - p > 2) return false;
    p = q;
    long dd = 1;
    if (*p == '-' || *p == '/' || *p == '.') p++;
    else if (strncmp(p, "月", 3) == 0) p += 3;
    else if (*p) return false;
    if (*p) {
        if (*p < '0' || *p > '9') return false;
        dd = strtol(p, &q, 10);
        if (q - p > 2) return false;
        p = q;
        if (strncmp(p, "日", 3) == 0 || strncmp(p, "号", 3) == 0) p += 3;
        /* A time after the date (an Excel datetime exported as text) is dropped. */
        if (*p == ' ' || *p == 'T') p += strlen(p);
        if (*p) return false;
    }
    *y = (int)yy, *m = (int)mm, *d = (int)dd;
    return true;
}

/* Dates as ledgers write them: 2018-03-05, 2018/3/5, 2018.3.5, 2018年3月5日,
 * 20180305, 2018-03; or an Excel serial number (a date cell exported as a
 * plain number). */
static const char *clean_date(ledger_builder *b, ledger_row *r, int col, const char *v) {
    if (placeholder(v)) return NULL;
    char out[64];
    int y = 0, m = 0, d = 0;
    size_t n = strlen(v);
    bool all_digits = n > 0;
    for (size_t i = 0; i < n; i++) all_digits = all_digits && v[i] >= '0' && v[i] <= '9';
    if (all_digits && n == 8) {
        y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
        m = (v[4] - '0') * 10 + (v[5] - '0');
        d = (v[6] - '0') * 10 + (v[7] - '0');
    } else if (!parse_ymd(v, &y, &m, &d)) {
        char *end;
        double serial = strtod(v, &end);
        /* Serials before 1901 are more likely typos than founding dates. */
        if (end != v && *end == 0 && n <= 12 && serial >= 367 && ledger_clean_excel_date(serial, out))
            return arena_strdup(&b->t->mem, out);
        goto bad;
    }
    if (!valid_ymd(y, m, d)) goto bad;
    snprintf(out, sizeof out, "%04d-%02d-%02d", y, m, d);
    return strcmp(out, v) == 0 ? v : arena_strdup(&b->t->mem, out);
bad:
    problem(b, r, col, LP_ERROR, "无法识别的日期“%s”；请写成 2018-03-05 这样的格式", v);
    return v;
}

static const char *clean_district(ledger_builder *b, ledger_row *r, int col, const char *v, size_t n) {
    if (placeholder(v)) return NULL;
    const district *d = district_find(v, n);
    if (d) {
        r->district_code = d->code;
        return d->name;
    }
    problem(b, r, col, LP_WARNING,
            "无法识别的区“%s”；厦门的区是思明、海沧、湖里、集美、同安、翔安（也可写区划代码，如 350203）", v);
    return v;
}

static const char *clean_street(ledger_builder *b, const char *v, size_t n) {
    (void)b;
    const district_street *s = district_street_find(v, n);
    return s ? s->name : v;
}

/* One or more phones separated by / 、 , ; or 或: each checked, joined by "/". */
static const char *clean_phone(ledger_builder *b, ledger_row *r, int col, const char *v, size_t n) {
    if (placeholder(v)) return NULL;
    char out[256];
    size_t o = 0;
    bool bad = false;
    const char *p = v, *end = v + n;
    while (p < end) {
        const char *q = p;
        while (q < end) {
            if (*q == '/' || *q == ',' || *q == ';') break;
            if (end - q >= 3 && (!memcmp(q, "、", 3) || !memcmp(q, "或", 3))) break;
            q++;
        }
        size_t l = (size_t)(q - p);
        const char *s = p;
        l = utf8_trim(&s, l);
        if (l) {
            char one[40];
            if (ids_phone_check(s, l, one) == IDS_PHONE_BAD) {
                bad = true;
                break;
            }
            size_t ol = strlen(one);
            if (o + ol + 2 >= sizeof out) { bad = true; break; }
            if (o) out[o++] = '/';
            memcpy(out + o, one, ol);
            o += ol;
        }
        p = q;
        if (p < end) p += (*p == '/' || *p == ',' || *p == ';') ? 1 : 3;
    }
    if (bad || o == 0) {
        problem(b, r, col, LP_WARNING,
                "电话“%s”不像手机号（11 位，1 开头）或座机号（如 0592-1234567）；请核对", v);
        return v;
    }
    out[o] = 0;
    return strcmp(out, v) == 0 ? v : arena_strdup(&b->t->mem, out);
}

/* 经度/纬度 (the map, issue 19): a decimal number of degrees, with or without
 * ° or 度; kept as 6 decimals.  Anything else is a warning and left empty (the
 * row still imports; the enterprise keeps its approximate place). */
bool ledger_degrees_e6(const char *v, int64_t *out) {
    const char *p = v;
    bool neg = false;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    int64_t whole = 0, frac = 0;
    int nd = 0, nf = 0, up = 0;
    while (*p >= '0' && *p <= '9' && nd < 4) whole = whole * 10 + (*p++ - '0'), nd++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++, nf++) {
            if (nf < 6) frac = frac * 10 + (*p - '0');
            else if (nf == 6) up = *p >= '5';
        }
    if (!strcmp(p, "°") || !strcmp(p, "度")) p += strlen(p);
    if (!nd || *p || nf > 15) return false;
    for (int k = nf < 6 ? nf : 6; k < 6; k++) frac *= 10;
    *out = (neg ? -1 : 1) * (whole * 1000000 + frac + up);
    return true;
}

static const char *clean_degrees(ledger_builder *b, ledger_row *r, int col, const char *v, bool lng) {
    if (placeholder(v)) return NULL;
    int64_t x;
    int64_t lim = lng ? 180000000 : 90000000;
    if (!ledger_degrees_e6(v, &x) || x < -lim || x > lim) {
        problem(b, r, col, LP_WARNING, "%s“%s”不是以度为单位的小数（如 %s）；这一格未读入，企业在地图上按所在街道或区的中心近似显示",
                lng ? "经度" : "纬度", v, lng ? "118.089123" : "24.479834");
        return NULL;
    }
    char out[32];
    int64_t a = x < 0 ? -x : x;
    snprintf(out, sizeof out, "%s%lld.%06lld", x < 0 ? "-" : "", (long long)(a / 1000000), (long long)(a % 1000000));
    return arena_strdup(&b->t->mem, out);
}

void ledger_clean_row(ledger_builder *b, ledger_row *r) {
    ledger_table *t = b->t;
    int name_col = -1;
    for (int c = 0; c < t->ncols; c++) {
        ledger_field f = t->col_field[c];
        if (f == LF_NONE) continue;
        if (f == LF_NAME) name_col = c;
        const char *raw = r->cells[c];
        if (!raw[0]) continue;
        size_t n;
        const char *v = clean_text(b, raw, &n);
        if (!v) continue;
        switch (f) {
        case LF_CODE: v = clean_code(b, r, c, v, n); break;
        case LF_EMPLOYEES: case LF_MEMBERS: v = clean_count(b, r, c, v); break;
        case LF_FOUNDED: v = clean_date(b, r, c, v); break;
        case LF_DISTRICT: v = clean_district(b, r, c, v, n); break;
        case LF_STREET: v = clean_street(b, v, n); break;
        case LF_PHONE: v = clean_phone(b, r, c, v, n); break;
        case LF_LNG: case LF_LAT: v = clean_degrees(b, r, c, v, f == LF_LNG); break;
        default: break;
        }
        r->val[f] = v;
    }
    if (name_col >= 0 && !r->val[LF_NAME])
        ledger_problem_add(b, r->row, r->sheet_row, name_col, LP_ERROR, "", 0,
                           "企业名称是空的；请补上名称（这一行仍已导入，但无法和其他台账比对）");
    /* Members cannot outnumber the staff they are part of. */
    const char *emp = r->val[LF_EMPLOYEES], *mem = r->val[LF_MEMBERS];
    if (emp && mem) {
        char *e1, *e2;
        long ne = strtol(emp, &e1, 10), nm = strtol(mem, &e2, 10);
        if (!*e1 && !*e2 && nm > ne) {
            int mc = -1;
            for (int c = 0; c < t->ncols; c++) if (t->col_field[c] == LF_MEMBERS) mc = c;
            problem(b, r, mc, LP_WARNING, "党员数（%ld）大于从业人数（%ld）；请核对这两列", nm, ne);
        }
    }
    /* No usable district column: the address (or street) often names one. */
    if (!r->district_code) {
        const char *a = r->val[LF_STREET];
        const district_street *s = a ? district_street_find(a, strlen(a)) : NULL;
        if (s) r->district_code = s->district;
        else if ((a = r->val[LF_ADDRESS])) r->district_code = district_from_address(a, strlen(a));
    }
    /* No street: the address often names one (in the row's district); without it the enterprise
       would count as 街道未填写 on every street chart. */
    if (!r->val[LF_STREET] && r->val[LF_ADDRESS]) {
        const char *a = r->val[LF_ADDRESS];
        const district_street *s = district_street_from_address(a, strlen(a), r->district_code);
        if (s) r->val[LF_STREET] = s->name;
    }
}
