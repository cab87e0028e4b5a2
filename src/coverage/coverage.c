/* coverage — the pure rules of coverage (see coverage.h): how figures are
 * grouped and named, the one rounding of every percentage, the trend's
 * sample days and the marking of the days an interval covers.  No SQL, no
 * HTTP; unit-tested in tests/unit/coverage/. */
#include "coverage/coverage.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "org/org.h"

static const char *const coverage_by_names[] = {"city", "district", "park", "street", "category"};

st coverage_by_parse(const char *s, coverage_by *out, err *e) {
    if (!s || !*s) {
        *out = COVERAGE_CITY;
        return ST_OK;
    }
    for (int i = 0; i < 5; i++)
        if (!strcmp(s, coverage_by_names[i])) {
            *out = (coverage_by)i;
            return ST_OK;
        }
    return err_field(e, ST_INVALID, "by", "by=“%s”无效，应为 city、district、park、street 或 category。", s);
}

const char *coverage_by_name(coverage_by b) { return coverage_by_names[b]; }

double coverage_tenths(double tenths) { return round(tenths) / 10.0; }

double coverage_rate(int64_t part, int64_t n) { return n ? coverage_tenths(1000.0 * (double)part / (double)n) : 0.0; }

double coverage_change(double rate, double prev) { return coverage_tenths((rate - prev) * 10.0); }

json_t *coverage_row_json(const coverage_row *r) {
    return json_pack("{s:s?,s:s,s:I,s:I,s:I,s:f,s:f}", "key", r->key, "name", r->name ? r->name : "", "enterprises",
                     (json_int_t)r->enterprises, "covered", (json_int_t)r->covered, "work_covered", (json_int_t)r->work,
                     "rate", coverage_rate(r->covered, r->enterprises), "work_rate", coverage_rate(r->work, r->enterprises));
}

json_t *coverage_rows_json(const coverage_row *rows, size_t n) {
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) json_array_append_new(a, coverage_row_json(&rows[i]));
    return a;
}

size_t coverage_trend_points(const char *from, const char *to, bool monthly, coverage_point *out, size_t max) {
    int y, m, d;
    if (!org_day_parse(from, &y, &m, &d)) return 0;
    org_xun x = org_xun_of(y, m, d);
    if (monthly) x.x = 3;
    size_t np = 0;
    for (; np < max; np++) {
        char last[11];
        org_xun_last(&x, last);
        bool end = strcmp(last, to) >= 0;
        snprintf(out[np].day, sizeof out[np].day, "%s", end ? to : last);
        org_xun_format(&x, out[np].period);
        if (end) return np + 1;
        x = org_xun_next(&x);
        if (monthly) {
            x = org_xun_next(&x);
            x = org_xun_next(&x);
        }
    }
    return np;
}

/* index of the first day >= s (ndays when none) */
static size_t coverage_lower(const char *const *days, size_t ndays, const char *s) {
    size_t lo = 0, hi = ndays;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(days[mid], s) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

void coverage_mark(const char *const *days, size_t ndays, const char *from, const char *to, unsigned char *flag) {
    size_t lo = coverage_lower(days, ndays, from), hi = to ? coverage_lower(days, ndays, to) : ndays;
    for (size_t i = lo; i < hi; i++) flag[i] = 1;
}

void coverage_asof_rule(const char *today, const char *latest, char out[11]) {
    int y, m, d;
    char stale[11];
    snprintf(out, 11, "%s", today);
    if (!latest || !org_day_parse(latest, &y, &m, &d)) return;
    org_day_add(today, -COVERAGE_ASOF_STALE_DAYS, stale);
    if (strcmp(latest, stale) >= 0) return;
    org_xun x = org_xun_of(y, m, d);
    char end[11];
    org_xun_last(&x, end);
    if (strcmp(end, today) < 0) snprintf(out, 11, "%s", end);
}
