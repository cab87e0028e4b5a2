/* demo_stars — star ratings and benefits (星级评定、星级权益, issue 18) in
 * the demo: last year's rating proposed, confirmed and published by the city
 * office, this year's a draft; a catalogue of four benefits, a few
 * organizations' applications for the venue and the training places, and
 * the venue's places allocated — through the same use cases as the office's
 * (stars_store.c), from whatever the other steps left (points included). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/clock.h"
#include "core/log.h"
#include "demo/demo.h"
#include "stars/stars_store.h"

st demo_stars_fill(demo_ctx *c, err *e) {
    char today[11], last[16], now[16];
    clock_day(clock_now(), today);
    int year = atoi(today);
    snprintf(last, sizeof last, "%d", year - 1);
    snprintf(now, sizeof now, "%d", year);
    int64_t lid = 0, nid = 0, n = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    st s = stars_store_open(&c->use, last, "演示：上一年度星级评定，已审定并发布", &lid, e);
    if (!s) s = stars_store_confirm(&c->use, lid, &n, e);
    if (!s) s = stars_store_publish(&c->use, lid, e);
    if (!s) s = stars_store_open(&c->use, now, "演示：本年度星级评定（草稿，待各区、园区审定）", &nid, e);
    static const stars_benefit cat[] = {
        {"党群服务中心场地使用", "venue", "市、区党群服务中心", "星级党组织优先预约党群服务中心的会议室、活动室开展组织生活和主题党日。", 6, "quarter", "org", true},
        {"软件园停车位", "parking", "软件园二期管委会", "为星级党组织的书记提供园区月度停车位。", 3, "month", "both", true},
        {"党务骨干培训名额", "training", "市委党校", "市委党校年度党务骨干示范培训班名额。", 4, "year", "both", true},
        {"人才公寓优先承租", "apartment", "市住房保障中心", "四星级以上党组织推荐的优秀党员可优先承租人才公寓。", 2, "year", "member", true},
    };
    int64_t ids[4] = {0};
    for (int i = 0; i < 4 && !s; i++) s = stars_store_benefit_save(&c->use, 0, &cat[i], &ids[i], e);
    json_t *r = NULL;
    if (!s) s = stars_store_get(&c->use, lid, &r, e);
    if (!s) {
        arena_json(c->use.mem, r);
        json_t *rows = json_object_get(r, "rows");
        /* seven organizations from the middle and the end of the list: stars of every kind apply */
        size_t m = json_array_size(rows), k = 0;
        for (size_t i = 0; i < m && k < 7 && !s; i += m / 7 ? m / 7 : 1, k++) {
            int64_t org = json_integer_value(json_object_get(json_array_get(rows, m - 1 - i), "org_id")), app = 0;
            s = stars_store_apply(&c->use, ids[0], org, "用于季度主题党日活动", &app, e);
            if (!s && k % 2 == 0) s = stars_store_apply(&c->use, ids[2], org, "推荐支部组织委员参加", &app, e);
        }
    }
    int64_t alloc = 0;
    if (!s) s = stars_store_allocate(&c->use, ids[0], NULL, &alloc, e);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!s) log_info("demo: star ratings %s and %s, four benefits and their applications in %.2f s", last, now,
                     (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    return s;
}
