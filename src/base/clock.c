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
            if (fscanf(fp, "%lld", &off) == 1) t += off;
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
