/* org — `ejia org`: coverage and findings from the command line (what the
 * benchmark times, and what an office checks without the browser), through
 * the same store functions as the API, over the whole city.
 *   ejia org coverage --db DB [--date YYYY-MM-DD] [--by city|district|park|street|category]
 *   ejia org coverage --db DB --verify   (the kept figures against the raw tables, day by day; exit 1 on a difference)
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

static void org_cli_diff(void *arg, const char *day, const char *group, const coverage_sum *raw, const coverage_sum *kept) {
    int64_t *shown = arg;
    if (++*shown > 50) return;   /* the first fifty say enough */
    char g[256];
    snprintf(g, sizeof g, "%s", group);
    const char *part[4] = {"", "", "", ""};
    char *p = g;
    for (int i = 0; i < 4 && p; i++) {
        part[i] = p;
        p = strchr(p, '/');
        if (p) *p++ = 0;
    }
    printf("  %s 区 %s 园区 %s 街道 %s 行业 %s：按原始数据 企业 %lld、已覆盖 %lld、工作覆盖 %lld；保存的 %lld、%lld、%lld\n", day,
           *part[0] ? part[0] : "（无）", *part[1] ? part[1] : "（无）", *part[2] ? part[2] : "（无）", *part[3] ? part[3] : "（无）",
           (long long)raw->n, (long long)raw->covered, (long long)raw->work, (long long)kept->n, (long long)kept->covered,
           (long long)kept->work);
}

/* --verify: 0 when the kept figures agree with the raw tables on every day, else 1 (the differences printed). */
static st org_cli_verify(uc *c, int *differ, err *e) {
    int64_t days = 0, diffs = 0, shown = 0;
    st s = coverage_store_verify(c, org_cli_diff, &shown, &days, &diffs, e);
    if (s) return s;
    if (diffs) {
        if (shown > 50) printf("  ……（只列出前 50 处）\n");
        printf("保存的覆盖数字与原始数据不一致：%lld 天中共 %lld 处不同（见上）。修复：在 meta 表中插入键 coverage-kept-stale"
               "（值 yes）后运行 ejia migrate，即按原始数据重建；并请报告此问题——某处写入没有同步更新保存的数字。\n",
               (long long)days, (long long)diffs);
        *differ = 1;
    } else {
        printf("保存的覆盖数字与原始数据一致：逐日核对 %lld 天，每个区、园区、街道、行业的企业数、已覆盖数、工作覆盖数都相同。\n", (long long)days);
    }
    return ST_OK;
}

static st org_cli_findings(uc *c, const char *day, const char *district, err *e) {
    json_t *out = NULL;
    /* only the counts are printed: they are over every finding whatever the lists' cap, so the lists are
     * capped at one item each (uncapped, a province's lists were a gigabyte of JSON nobody saw) */
    st s = org_store_findings(c, day, district, 1, &out, e);
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
                        "            ejia org coverage --db DB --verify\n"
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
    int differ = 0;
    st s = !strcmp(sub, "coverage") ? (cli_has(argc, argv, "verify") ? org_cli_verify(&c, &differ, &e)
                                                                      : org_cli_coverage(&c, day, cli_flag(argc, argv, "by"), &e))
                                    : org_cli_findings(&c, day, cli_flag(argc, argv, "district"), &e);
    double ms = (org_cli_now() - t0) * 1000;
    arena_free(&mem);
    db_close(d);
    if (s) return cli_fail(&e);
    printf("用时 elapsed: %.1f ms\n", ms);
    return differ;
}
