/* read_num — numbers as a user reads them in Excel, shared by the xlsx and xls
 * readers: which number formats are dates or times, and the text of a number
 * or a date.  Both file formats store a date as a day count and say only
 * through the cell's format that it is one. */
#include "ledger/read_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Excel's built-in format ids that are dates or times. */
unsigned char ledger_num_builtin_kind(int id) {
    if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || (id >= 34 && id <= 36) || (id >= 50 && id <= 58))
        return LNUM_DATE;
    if (id == 22) return LNUM_DATETIME;
    if (id == 46) return LNUM_HOURS;   /* [h]:mm:ss */
    if ((id >= 18 && id <= 21) || id == 45 || id == 47 || id == 32 || id == 33) return LNUM_TIME;
    return LNUM_NUMBER;
}

unsigned char ledger_num_code_kind(const char *code) {
    bool date = false, time = false;
    unsigned char elapsed = 0;
    for (const char *p = code; *p; p++) {
        char c = *p;
        if (c == '"') { p = strchr(p + 1, '"'); if (!p) break; continue; }
        if (c == '\\' || c == '_' || c == '*') { if (p[1]) p++; continue; }
        if (c == '[') {
            /* [h] [mm] [ss] are elapsed time (the days are part of the count);
             * [Red], [$-804] are not letters of the format */
            const char *close = strchr(p, ']');
            if (!close) break;
            /* only a run of one letter: [h] [hh] [mm] [ss]; [Magenta] is a colour */
            char k = (char)(p[1] | 0x20);
            bool run = close > p + 1 && (k == 'h' || k == 'm' || k == 's');
            for (const char *q = p + 1; run && q < close; q++) run = (char)(*q | 0x20) == k;
            if (!elapsed && run) elapsed = k == 'h' ? LNUM_HOURS : k == 'm' ? LNUM_MINUTES : LNUM_SECONDS;
            p = close;
            continue;
        }
        if ((c == 'G' || c == 'g') && strncasecmp(p, "general", 7) == 0) { p += 6; continue; }
        if (c == 'y' || c == 'Y' || c == 'd' || c == 'D') date = true;
        if (c == 'h' || c == 'H' || c == 's' || c == 'S') time = true;
        if (c == ';') break;   /* the first section decides */
    }
    if (elapsed && !date) return elapsed;
    return date && time ? LNUM_DATETIME : date ? LNUM_DATE : time ? LNUM_TIME : LNUM_NUMBER;
}

size_t ledger_num_double(double d, char *out, size_t cap) {
    int k;
    if (!isfinite(d)) k = snprintf(out, cap, "%s", "#NUM!");
    else if (d == floor(d) && fabs(d) < 1e15) k = snprintf(out, cap, "%.0f", d);
    else k = snprintf(out, cap, "%.15g", d);
    return k > 0 ? (size_t)k : 0;
}

/* Days from 1900-01-00 to 1904-01-01 in Excel's count: a 1904-system serial
 * plus this is the same day in the 1900 system. */
#define EPOCH_1904 1462

size_t ledger_num_date(double d, unsigned char kind, bool date1904, char *out, size_t cap) {
    if (!isfinite(d) || fabs(d) > 1e7) return 0;
    int k = 0;
    if (kind >= LNUM_HOURS) {
        /* elapsed time: the whole count, days included (10.632 days = 255:10:10) */
        long long secs = llround(fabs(d) * 86400.0);
        const char *sign = d < 0 && secs ? "-" : "";
        if (kind == LNUM_HOURS)
            k = snprintf(out, cap, "%s%lld:%02lld:%02lld", sign, secs / 3600, secs / 60 % 60, secs % 60);
        else if (kind == LNUM_MINUTES)
            k = snprintf(out, cap, "%s%lld:%02lld", sign, secs / 60, secs % 60);
        else
            k = snprintf(out, cap, "%s%lld", sign, secs);
        return k > 0 ? (size_t)k : 0;
    }
    char day[16];
    double frac = d - floor(d);
    long secs = lround(frac * 86400.0);
    if (secs >= 86400) { secs = 0; d = floor(d) + 1; }
    if (kind == LNUM_TIME) {
        k = snprintf(out, cap, "%02ld:%02ld:%02ld", secs / 3600, secs / 60 % 60, secs % 60);
    } else if (!ledger_clean_excel_date(date1904 ? d + EPOCH_1904 : d, day)) {
        return 0;
    } else if (kind == LNUM_DATETIME && secs) {
        k = snprintf(out, cap, "%s %02ld:%02ld:%02ld", day, secs / 3600, secs / 60 % 60, secs % 60);
    } else {
        k = snprintf(out, cap, "%s", day);
    }
    return k > 0 ? (size_t)k : 0;
}
