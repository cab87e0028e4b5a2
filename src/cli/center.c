/* center — `ejia center circle [--k N] [--plain]`: the 10-minute circle over
 * every enterprise of the city (center/center_store.h), acting as the
 * operating-system user; prints the totals, the shares by district and how
 * long each part took.  --plain: every enterprise against every center (the
 * peer of bench/circle) instead of the grid. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/uc.h"
#include "center/center_store.h"

int cli_center(int argc, char **argv) {
    const char *sub = argc > 1 ? argv[1] : NULL;
    if (!sub || strcmp(sub, "circle")) {
        fprintf(stderr, "用法 usage: ejia center circle [--k N] [--plain]\n  十分钟服务圈：覆盖比例（按区）与建议新建中心（k 个）\n");
        return 2;
    }
    center_circle_opt o = {0};
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--plain")) o.plain = true;
        else if (!strcmp(argv[i], "--k") && i + 1 < argc) o.k = atoll(argv[++i]);
        else {
            fprintf(stderr, "ejia: 不认识的参数“%s”。\n", argv[i]);
            return 2;
        }
    }
    db *d = cli_open_db();
    if (!d) return 1;
    arena mem;
    arena_init(&mem, 0);
    uc c;
    uc_cli(&c, d, &mem);
    err e;
    err_clear(&e);
    json_t *out = NULL;
    st s = center_store_circle(&c, &o, &out, &e);
    int rc = 0;
    if (!s) {
        json_t *t = json_object_get(out, "totals"), *tm = json_object_get(out, "timing");
        printf("服务中心 %lld 个，企业 %lld 家（有确切位置 %lld 家），十分钟服务圈内 %lld 家（%.2f%%），党员 %lld 名中 %lld 名（%.2f%%）\n",
               (long long)json_integer_value(json_object_get(out, "centers")), (long long)json_integer_value(json_object_get(t, "enterprises")),
               (long long)json_integer_value(json_object_get(t, "located")), (long long)json_integer_value(json_object_get(t, "covered")),
               json_number_value(json_object_get(t, "share")), (long long)json_integer_value(json_object_get(t, "members")),
               (long long)json_integer_value(json_object_get(t, "members_covered")), json_number_value(json_object_get(t, "members_share")));
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(out, "districts"), i, x)
            printf("  %-8s 企业 %lld，覆盖 %lld（%.2f%%）；党员 %lld，覆盖 %lld（%.2f%%）\n", json_string_value(json_object_get(x, "name")),
                   (long long)json_integer_value(json_object_get(x, "enterprises")), (long long)json_integer_value(json_object_get(x, "covered")),
                   json_number_value(json_object_get(x, "share")), (long long)json_integer_value(json_object_get(x, "members")),
                   (long long)json_integer_value(json_object_get(x, "members_covered")), json_number_value(json_object_get(x, "members_share")));
        json_array_foreach(json_object_get(out, "suggestions"), i, x)
            printf("  建议 %zu：经度 %.6f 纬度 %.6f，新覆盖企业 %lld 家、党员 %lld 名\n", i + 1,
                   (double)json_integer_value(json_object_get(x, "lng_e6")) / 1e6, (double)json_integer_value(json_object_get(x, "lat_e6")) / 1e6,
                   (long long)json_integer_value(json_object_get(x, "enterprises")), (long long)json_integer_value(json_object_get(x, "members")));
        printf("用时：读取 %.3f 秒，%s %.3f 秒，建议 %.3f 秒，合计 %.3f 秒\n", json_number_value(json_object_get(tm, "load_s")),
               o.plain ? "逐一比对（每家企业 × 每个中心）" : "服务圈（网格）", json_number_value(json_object_get(tm, "circle_s")),
               json_number_value(json_object_get(tm, "suggest_s")), json_number_value(json_object_get(tm, "total_s")));
    } else
        rc = cli_fail(&e);
    arena_free(&mem);
    db_close(d);
    return rc;
}
