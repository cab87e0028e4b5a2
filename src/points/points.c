/* points — see points.h. */
#include "points/points.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool pt_day_ok(const char *d) {
    if (!d || strlen(d) < 10 || d[4] != '-' || d[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9')) return false;
    int m = atoi(d + 5);
    return m >= 1 && m <= 12;
}

bool points_period_key(const char *period, const char *day, char out[16]) {
    if (!period || !pt_day_ok(day)) return false;
    if (!strcmp(period, "month")) memcpy(out, day, 7), out[7] = 0;
    else if (!strcmp(period, "quarter")) memcpy(out, day, 4), out[4] = '-', out[5] = 'Q', out[6] = (char)('0' + (atoi(day + 5) + 2) / 3), out[7] = 0;
    else if (!strcmp(period, "year")) memcpy(out, day, 4), out[4] = 0;
    else return false;
    return true;
}

int64_t points_capped(int64_t cap, int64_t run, int64_t raw) {
    if (cap < 0) return raw;
    int64_t a = run > cap ? cap : run, b = run - raw > cap ? cap : run - raw;
    return a - b;
}

bool points_period_parse(const char *p, char from[11], char until[11]) {
    static const char *const mend[] = {"31", "28", "31", "30", "31", "30", "31", "31", "30", "31", "30", "31"};
    if (!p) return false;
    size_t n = strlen(p);
    for (int i = 0; i < 4; i++)
        if (n < 4 || p[i] < '0' || p[i] > '9') return false;
    int y = atoi(p);
    if (y < 1900 || y > 2999) return false;
    if (n == 4) {
        snprintf(from, 11, "%04d-01-01", y);
        snprintf(until, 11, "%04d-12-31", y);
        return true;
    }
    int m1, m2;
    if (n == 7 && p[4] == '-' && p[5] == 'Q' && p[6] >= '1' && p[6] <= '4') {
        m1 = (p[6] - '1') * 3 + 1;
        m2 = m1 + 2;
    } else if (n == 7 && p[4] == '-' && p[5] >= '0' && p[5] <= '1' && p[6] >= '0' && p[6] <= '9') {
        m1 = m2 = atoi(p + 5);
        if (m1 < 1 || m1 > 12) return false;
    } else {
        return false;
    }
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    snprintf(from, 11, "%04d-%02d-01", y, m1);
    snprintf(until, 11, "%04d-%02d-%s", y, m2, m2 == 2 && leap ? "29" : mend[m2 - 1]);
    return true;
}

bool points_subject_ok(const char *s) { return s && (!strcmp(s, "member") || !strcmp(s, "org")); }
bool points_cap_period_ok(const char *s) { return s && (!strcmp(s, "month") || !strcmp(s, "quarter") || !strcmp(s, "year")); }
bool points_unit_ok(const char *s) { return s && (!strcmp(s, "record") || !strcmp(s, "value")); }
bool points_source_ok(const char *s) { return s && (!strcmp(s, "log") || !strcmp(s, "claim")); }

const char *points_ref_link(const char *ref, char *buf, int n) {
    /* the member's own pages (我的积分 is the member's): the record is listed there */
    static const struct { const char *kind, *page; } map[] = {
        {"meeting", "/me/meetings?meeting="},     {"dues_payment", "/me/dues?payment="}, {"online", "/me/study/courses/"},
        {"offline", "/me/study/hours?offline="}, {"exam", "/me/exams/attempts/"}, {"training", "/me/training?batch="},
        {"develop", "/develop/apply?applicant="}, {"claim", "/me/points?claim="}, {"volunteer", "/me/volunteer?activity="},
    };
    if (!ref) return NULL;
    const char *colon = strchr(ref, ':');
    if (!colon || !colon[1]) return NULL;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strlen(map[i].kind) == (size_t)(colon - ref) && !strncmp(ref, map[i].kind, (size_t)(colon - ref))) {
            snprintf(buf, (size_t)n, "%s%s", map[i].page, colon + 1);
            return buf;
        }
    return NULL;
}

void points_rank(const int64_t *points, int n, int *rank) {
    for (int i = 0; i < n; i++) rank[i] = (i > 0 && points[i] == points[i - 1]) ? rank[i - 1] : i + 1;
}
