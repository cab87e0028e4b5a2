/* demo_assess — the responsibility assessment (责任考核, issue 23) in the
 * demo: last year's, opened, computed, confirmed and published by the city
 * office, and this year's opened as a draft — through the same use cases as
 * the office's (assess_store.c), from whatever the other steps left in the
 * demo city (a criterion with no records that year counts for nobody). */
#include <stdlib.h>
#include <time.h>

#include "assess/assess_store.h"
#include "base/clock.h"
#include "core/log.h"
#include "demo/demo.h"

st demo_assess_fill(demo_ctx *c, err *e) {
    char today[11];
    clock_day(clock_now(), today);
    int year = atoi(today);
    int64_t last = 0, now = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    st s = assess_store_open(&c->use, year - 1, "演示：上一年度的责任考核，已确认并发布", &last, e);
    if (!s) s = assess_store_confirm(&c->use, last, e);
    if (!s) s = assess_store_publish(&c->use, last, e);
    if (!s) s = assess_store_open(&c->use, year, "演示：本年度的责任考核（草稿，年底前可重新计算）", &now, e);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!s) log_info("demo: responsibility assessments %d and %d in %.2f s", year - 1, year,
                     (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    return s;
}
