/* org — `ejia org`: coverage and findings from the command line (what the
 * benchmark times, and what an office checks without the browser).
 *   ejia org coverage --db DB [--date YYYY-MM-DD] [--by city|district|park|street|category]
 *   ejia org findings --db DB [--date YYYY-MM-DD] [--district CODE] */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "org/cov.h"
#include "org/findings.h"
#include "org/org_store.h"

int cli_org(int argc, char **argv);

static double org_cli_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cli_org(int argc, char **argv) {
    err e;
    err_clear(&e);
    const char *sub = argc > 1 ? argv[1] : "";
    if (strcmp(sub, "coverage") && strcmp(sub, "findings")) {
        fprintf(stderr, "用法 usage: ejia org coverage --db DB [--date YYYY-MM-DD] [--by city|district|park|street|category]\n"
                        "            ejia org findings --db DB [--date YYYY-MM-DD] [--district CODE]\n");
        return 2;
    }
    char today[11];
    org_today(today);
    const char *day = cli_flag(argc, argv, "date");
    if (!day) day = today;
    if (!org_day_parse(day, NULL, NULL, NULL)) {
        fprintf(stderr, "ejia: --date “%s”无效，应为 YYYY-MM-DD。\n", day);
        return 2;
    }
    db *d = cli_open_db();
    if (!d) return 1;
    double t0 = org_cli_now();
    json_t *out = NULL;
    st s;
    if (!strcmp(sub, "coverage")) {
        cov_by by;
        s = cov_by_parse(cli_flag(argc, argv, "by"), &by, &e);
        if (!s) s = cov_figures(d, day, by, "city", "", &out, &e);
        if (!s) {
            printf("截至 %s 的党组织覆盖（%s） / coverage as of %s:\n", day, cov_by_name(by), day);
            printf("  %-24s %10s %10s %8s %10s %8s\n", "", "企业", "已覆盖", "覆盖率", "工作覆盖", "比率");
            size_t i;
            json_t *r;
            json_array_foreach(out, i, r)
                printf("  %-24s %10lld %10lld %7.1f%% %10lld %7.1f%%\n", json_string_value(json_object_get(r, "name")),
                       (long long)json_integer_value(json_object_get(r, "enterprises")),
                       (long long)json_integer_value(json_object_get(r, "covered")), json_number_value(json_object_get(r, "rate")),
                       (long long)json_integer_value(json_object_get(r, "work_covered")),
                       json_number_value(json_object_get(r, "work_rate")));
        }
    } else {
        s = org_findings(d, day, "city", "", cli_flag(argc, argv, "district"), 0, &out, &e);
        if (!s) {
            printf("截至 %s 的规则提示 / findings as of %s:\n", day, day);
            const char *k;
            json_t *v;
            json_object_foreach(json_object_get(out, "counts"), k, v) printf("  %-16s %lld\n", k, (long long)json_integer_value(v));
            printf("  %-16s %lld\n", "joint_groups", (long long)json_integer_value(json_object_get(out, "joint_groups")));
        }
    }
    double ms = (org_cli_now() - t0) * 1000;
    json_decref(out);
    db_close(d);
    if (s) return cli_fail(&e);
    printf("用时 elapsed: %.1f ms\n", ms);
    return 0;
}
