/* dues — `ejia dues calc --base 3000 [--kind employee|retiree|student|
 * unemployed|farmer|relief]`: the monthly party dues of a member (the
 * calculator secretaries and members ask for), through the same rules and
 * amount parser as the server (dues/dues.h).  No database.  A bad --base or
 * --kind exits 2 with what was wrong and how to write it.
 *
 * `ejia dues sheets --month YYYY-MM`: every organization's sheet of the month
 * made (dues_store_sheets_make, audited as the operating-system user), the
 * counts and the time printed.  `ejia dues owing --person ID [--from YYYY-MM]
 * [--to YYYY-MM]`: the months a member owes (dues_store_owing). */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/uc.h"
#include "core/config.h"
#include "dues/dues.h"
#include "dues/dues_store.h"

int cli_dues(int argc, char **argv);

#define CLI_DUES_USAGE                                                                                     \
    "用法 usage: ejia dues calc --base 月工资基数（元） [--kind employee|retiree|student|unemployed|farmer|relief]\n" \
    "            ejia dues sheets --month YYYY-MM            生成该月全部党组织的党费应交名单\n"                     \
    "            ejia dues owing --person 党员编号 [--from YYYY-MM] [--to YYYY-MM]   欠交党费的月份\n"

static int cli_dues_calc(int argc, char **argv) {
    err e;
    err_clear(&e);
    /* only --base and --kind, each with its value */
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        bool base = !strncmp(a, "--base", 6) && (a[6] == 0 || a[6] == '='), kind = !strncmp(a, "--kind", 6) && (a[6] == 0 || a[6] == '=');
        if ((base || kind) && a[6] == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "ejia: %s 缺少值。\n" CLI_DUES_USAGE, a);
                return 2;
            }
            i++;
        } else if (!base && !kind) {
            fprintf(stderr, "ejia: 不认识的参数“%s”。\n" CLI_DUES_USAGE, a);
            return 2;
        }
    }
    const char *kind_s = cli_flag(argc, argv, "kind");
    int kind = kind_s ? dues_kind_parse(kind_s) : DUES_EMPLOYEE;
    if (kind < 0) {
        fprintf(stderr, "ejia: --kind 的值“%s”无效：应为 employee（在职）、retiree（离退休）、student（学生）、"
                        "unemployed（失业）、farmer（农民）或 relief（享受低保）。\n",
                kind_s);
        return 2;
    }
    const char *base_s = cli_flag(argc, argv, "base");
    int64_t base = 0;
    if (!base_s && dues_kind_rated((dues_kind)kind)) {
        fprintf(stderr, "ejia: 缺少 --base：请写%s的月工资基数（元），如 ejia dues calc --base 3000。\n",
                dues_kind_name((dues_kind)kind));
        return 2;
    }
    if (base_s && dues_amount_parse(base_s, strlen(base_s), &base, &e)) {
        char where[sizeof e.where];
        memcpy(where, e.where, sizeof where);   /* err_set clears it */
        err_set(&e, ST_INVALID, "--base 的值不对：%s", e.msg);
        memcpy(e.where, where, sizeof where);
        return cli_fail(&e);
    }
    dues_rules r;
    dues_amount a;
    if (dues_rules_load(&r, &e) || dues_calc(&r, (dues_kind)kind, base, &a, &e)) return cli_fail(&e);
    char words[256];
    dues_words((dues_kind)kind, base, &a, words);
    printf("%s\n", words);
    return 0;
}

static double cli_dues_clock(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Only the flags named (each with its value); 0, or 2 after saying what is wrong. */
static int cli_dues_flags(int argc, char **argv, const char *const *names) {
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        bool known = false, bare = false;
        for (const char *const *n = names; *n; n++) {
            size_t k = strlen(*n);
            if (!strncmp(a, "--", 2) && !strncmp(a + 2, *n, k) && (a[2 + k] == 0 || a[2 + k] == '=')) {
                known = true;
                bare = a[2 + k] == 0;
            }
        }
        if (!known) {
            fprintf(stderr, "ejia: 不认识的参数“%s”。\n" CLI_DUES_USAGE, a);
            return 2;
        }
        if (bare) {
            if (i + 1 >= argc) {
                fprintf(stderr, "ejia: %s 缺少值。\n" CLI_DUES_USAGE, a);
                return 2;
            }
            i++;
        }
    }
    return 0;
}

static int cli_dues_sheets(int argc, char **argv) {
    static const char *const names[] = {"month", NULL};
    int rc = cli_dues_flags(argc, argv, names);
    if (rc) return rc;
    const char *month = cli_flag(argc, argv, "month");
    if (!month) {
        fprintf(stderr, "ejia: 缺少 --month：请写要生成的月份，如 ejia dues sheets --month 2026-11。\n");
        return 2;
    }
    if (!dues_month_valid(month)) {
        fprintf(stderr, "ejia: --month 的值“%s”不是有效的月份：应写作 YYYY-MM，如 2026-11。\n", month);
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
    int64_t sheets = 0, lines = 0;
    double t0 = cli_dues_clock();
    st s = dues_store_sheets_make(&c, month, &sheets, &lines, &e);
    double secs = cli_dues_clock() - t0;
    arena_free(&mem);
    db_close(d);
    if (s) return cli_fail(&e);
    printf("%s 党费应交名单：%lld 个党组织，%lld 名党员 / sheets %lld, lines %lld\n", month, (long long)sheets, (long long)lines,
           (long long)sheets, (long long)lines);
    printf("用时 elapsed: %.2f s\n", secs);
    return 0;
}

static int cli_dues_owing(int argc, char **argv) {
    static const char *const names[] = {"person", "from", "to", NULL};
    int rc = cli_dues_flags(argc, argv, names);
    if (rc) return rc;
    const char *ps = cli_flag(argc, argv, "person");
    char *end = NULL;
    long long person = ps ? strtoll(ps, &end, 10) : 0;
    if (!ps || !*ps || *end || person <= 0) {
        fprintf(stderr, "ejia: %s：请写党员编号，如 ejia dues owing --person 12。\n", ps ? "--person 的值不是党员编号" : "缺少 --person");
        return 2;
    }
    char tm[8], from_d[8];
    dues_store_this_month(tm);
    dues_month_add(tm, -(int)cfg_int("dues-back-max-months"), from_d);
    const char *from = cli_flag(argc, argv, "from"), *to = cli_flag(argc, argv, "to");
    if (!from) from = from_d;
    if (!to) to = tm;
    if (!dues_month_valid(from) || !dues_month_valid(to)) {
        fprintf(stderr, "ejia: --%s 的值“%s”不是有效的月份：应写作 YYYY-MM。\n", dues_month_valid(from) ? "to" : "from",
                dues_month_valid(from) ? to : from);
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
    dues_owing o;
    st s = dues_store_owing(&c, person, from, to, &o, &e);
    arena_free(&mem);
    db_close(d);
    if (s) return cli_fail(&e);
    char fen[32];
    dues_fen_format(o.fen, fen);
    if (!o.months) printf("%s 至 %s 没有欠交的党费。\n", from, to);
    else printf("%s 至 %s 欠交 %d 个月（%s 至 %s），共 %s 元\n", from, to, o.months, o.first_owed, o.last_owed, fen);
    return 0;
}

int cli_dues(int argc, char **argv) {
    const char *sub = argc > 1 ? argv[1] : "";
    if (!strcmp(sub, "calc")) return cli_dues_calc(argc, argv);
    if (!strcmp(sub, "sheets")) return cli_dues_sheets(argc, argv);
    if (!strcmp(sub, "owing")) return cli_dues_owing(argc, argv);
    fprintf(stderr, CLI_DUES_USAGE);
    return 2;
}
