/* clock — see clock.h. */
#include "clock.h"

#include <stdio.h>
#include <time.h>

#include "core/config.h"

int64_t clock_now(void) {
    int64_t t = (int64_t)time(NULL);
    const char *f = cfg_str("test-clock-file");
    if (f && *f) {
        FILE *fp = fopen(f, "r");
        if (fp) {
            long long off = 0;
            char at = 0;
            /* "@<epoch seconds>": the clock stands still there (tests that count seconds exactly) */
            if (fscanf(fp, " %c", &at) == 1 && at == '@') {
                if (fscanf(fp, "%lld", &off) == 1) t = off;
            } else if (at) {
                rewind(fp);
                if (fscanf(fp, "%lld", &off) == 1) t += off;
            }
            fclose(fp);
        }
    }
    return t;
}

void clock_iso(int64_t t, char *out, size_t n) {
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void clock_day(int64_t t, char out[11]) {
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    /* bounded, so the compiler can see it fits */
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u, (unsigned)(tm.tm_mon + 1) % 100u,
             (unsigned)tm.tm_mday % 100u);
}
