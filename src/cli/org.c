/* org — `ejia org`: coverage and findings from the command line (what the
 * benchmark times, and what an office checks without the browser), through
 * the same store functions as the API, over the whole city.
 *   ejia org coverage --db DB [--date YYYY-MM-DD] [--by city|district|park|street|category]
 *   ejia org findings --db DB [--date YYYY-MM-DD] [--district CODE] */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "coverage/coverage.h"
#include "org/org_store.h"

int cli_org(int argc, char **argv);

static double org_cli_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static st org_cli_coverage(uc *c, const char *day, const char *by_name, err *e) {
    coverage_by by;
    coverage_row *rows = NULL;
    size_t n = 0;
    st s = coverage_by_parse(by_name, &by, e);
    if (!s) s = coverage_store_figures(c, day, by, &rows, &n, e);
    if (s) return s;
    printf("截至 %s 的党组织覆盖（%s） / coverage as of %s:\n", day, coverage_by_name(by), day);
    printf("  %-24s %10s %10s %8s %10s %8s\n", "", "企业", "已覆盖", "覆盖率", "工作覆盖", "比率");
    for (size_t i = 0; i < n; i++)
        printf("  %-24s %10lld %10lld %7.1f%% %10lld %7.1f%%\n", rows[i].name, (long long)rows[i].enterprises,
               (long long)rows[i].covered, coverage_rate(rows[i].covered, rows[i].enterprises), (long long)rows[i].work,
               coverage_rate(rows[i].work, rows[i].enterprises));
    return ST_OK;
}

static st org_cli_findings(uc *c, const char *day, const char *district, err *e) {
    json_t *out = NULL;
    st s = org_store_findings(c, day, district, 0, &out, e);
    if (s) return s;
    printf("截至 %s 的规则提示 / findings as of %s:\n", day, day);
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(out, "counts"), k, v) printf("  %-16s %lld\n", k, (long long)json_integer_value(v));
    printf("  %-16s %lld\n", "joint_groups", (long long)json_integer_value(json_object_get(out, "joint_groups")));
    json_decref(out);
    return ST_OK;
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
    arena mem;
    arena_init(&mem, 0);
    uc c;
    uc_cli(&c, d, &mem);
    double t0 = org_cli_now();
    st s = !strcmp(sub, "coverage") ? org_cli_coverage(&c, day, cli_flag(argc, argv, "by"), &e)
                                    : org_cli_findings(&c, day, cli_flag(argc, argv, "district"), &e);
    double ms = (org_cli_now() - t0) * 1000;
    arena_free(&mem);
    db_close(d);
    if (s) return cli_fail(&e);
    printf("用时 elapsed: %.1f ms\n", ms);
    return 0;
}
