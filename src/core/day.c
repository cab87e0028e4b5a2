/* day — see day.h. */
#include "core/day.h"

#include <stdio.h>
#include <stdlib.h>

bool day_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int day_month_days(int y, int m) {
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) return 0;
    return m == 2 && day_leap(y) ? 29 : d[m - 1];
}

long day_number(int y, int m, int d) {
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void day_civil(long z, int *y, int *m, int *d) {
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

void day_format(int y, int m, int d, char out[11]) {
    /* the casts let the compiler see that it fits */
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
}

static long day_of(const char *s) { return day_number(atoi(s), atoi(s + 5), atoi(s + 8)); }

void day_add(const char *day, long n, char out[11]) {
    int y, m, d;
    day_civil(day_of(day) + n, &y, &m, &d);
    day_format(y, m, d, out);
}

long day_between(const char *a, const char *b) { return day_of(b) - day_of(a); }

void day_add_months(const char *day, int months, char out[11]) {
    int y = atoi(day), m = atoi(day + 5), d = atoi(day + 8);
    int t = y * 12 + (m - 1) + months;
    y = t / 12;
    m = t % 12 + 1;
    int last = day_month_days(y, m);
    day_format(y, m, d > last ? last : d, out);
}
