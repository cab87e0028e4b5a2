/* day — the calendar arithmetic every module's rules use, once: days are
 * "YYYY-MM-DD" (proleptic Gregorian), numbered from 1970-01-01 for sums and
 * differences.  The functions on text take days already checked to be real
 * (each module checks what it accepts, with its own messages). */
#ifndef EJIA_CORE_DAY_H
#define EJIA_CORE_DAY_H

#include <stdbool.h>

bool day_leap(int y);
/* Days of month m (1..12) of year y; 0 for a month out of range. */
int day_month_days(int y, int m);
/* Days since 1970-01-01 of y-m-d, and back (H. Hinnant's days_from_civil / civil_from_days). */
long day_number(int y, int m, int d);
void day_civil(long z, int *y, int *m, int *d);
/* "YYYY-MM-DD" of a day with 0 <= y <= 9999 (out 11 bytes). */
void day_format(int y, int m, int d, char out[11]);
/* day + n days; the days from a to b (b - a). */
void day_add(const char *day, long n, char out[11]);
long day_between(const char *a, const char *b);
/* day + months, on the same day of the month or the month's last (01-31 + 1 month = 02-28 or 02-29). */
void day_add_months(const char *day, int months, char out[11]);

#endif
