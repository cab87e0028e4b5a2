/* points — `ejia points run|rebuild|verify`: the points engine from the
 * command line (points/points_store.h), acting as the operating-system user.
 * run: the activity log past the watermark read and its lines appended;
 * rebuild: the whole ledger computed again (the bench's full recompute);
 * verify: recompute and compare with the stored ledger (exit 1 when they
 * differ); ranking --period P [--subject member|org] [--district CODE]: the
 * first 20 of a ranking (the store's, as the API answers it).  Each prints
 * what it did and how long it took. */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/uc.h"
#include "points/points_store.h"

int cli_points(int argc, char **argv);

static double cp_secs(const struct timespec *a) {
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (double)(b.tv_sec - a->tv_sec) + (double)(b.tv_nsec - a->tv_nsec) / 1e9;
}

int cli_points(int argc, char **argv) {
    const char *sub = argc > 1 ? argv[1] : NULL;
    if (!sub || (strcmp(sub, "run") && strcmp(sub, "rebuild") && strcmp(sub, "verify") && strcmp(sub, "ranking"))) {
        fprintf(stderr, "用法 usage: ejia points run|rebuild|verify|ranking --period P [--subject member|org] [--district CODE]\n"
                        "  按活动记录计算积分 / 全部重算 / 重算并核对 / 排名前 20\n");
        return 2;
    }
    if (argc > 2 && strcmp(sub, "ranking")) {
        fprintf(stderr, "ejia: 不认识的参数“%s”。\n", argv[2]);
        return 2;
    }
    db *d = cli_open_db();
    if (!d) return 1;
    arena mem;
    arena_init(&mem, 0);
    uc c;
    uc_cli(&c, d, &mem);
    err e;
    err_clear(&e);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = 0;
    st s;
    if (!strcmp(sub, "run")) {
        int64_t lines = 0, claims = 0;
        s = points_store_run_as(&c, true, &lines, &claims, &e);
        if (!s) printf("积分计算完成：新增明细 %lld 条，待审核申报 %lld 件，用时 %.3f 秒\n", (long long)lines, (long long)claims, cp_secs(&t0));
    } else if (!strcmp(sub, "rebuild")) {
        int64_t lines = 0;
        s = points_store_rebuild(&c, &lines, &e);
        if (!s) printf("积分明细全部重新计算：%lld 条，用时 %.3f 秒\n", (long long)lines, cp_secs(&t0));
    } else if (!strcmp(sub, "ranking")) {
        points_ranking_q q = {cli_flag(argc, argv, "subject"), cli_flag(argc, argv, "period"), 0, cli_flag(argc, argv, "district")};
        if (!q.subject) q.subject = "member";
        uc_page pg = {20, 0, NULL};
        json_t *items = NULL;
        int64_t total = 0;
        s = points_store_ranking(&c, &q, &pg, &items, &total, &e);
        if (!s) {
            double secs = cp_secs(&t0);
            size_t i;
            json_t *x;
            json_array_foreach(items, i, x)
                printf("%3lld  %-20s %10.2f  %s\n", (long long)json_integer_value(json_object_get(x, "rank")),
                       json_string_value(json_object_get(x, "name")), (double)json_integer_value(json_object_get(x, "points")) / 100.0,
                       json_string_value(json_object_get(x, "last_day")));
            printf("排名：共 %lld 个，前 %zu 个，用时 %.3f 秒\n", (long long)total, json_array_size(items), secs);
            json_decref(items);
        }
    } else {
        int64_t missing = 0, extra = 0;
        s = points_store_verify(&c, &missing, &extra, &e);
        if (!s) {
            printf("重算与积分明细%s：缺少 %lld 条，多出 %lld 条，用时 %.3f 秒\n", missing || extra ? "不一致" : "一致", (long long)missing,
                   (long long)extra, cp_secs(&t0));
            rc = missing || extra ? 1 : 0;
        }
    }
    if (s) rc = cli_fail(&e);
    arena_free(&mem);
    db_close(d);
    return rc;
}
