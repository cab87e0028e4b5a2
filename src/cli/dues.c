/* dues — `ejia dues calc --base 3000 [--kind employee|retiree|student|
 * unemployed|farmer|relief]`: the monthly party dues of a member (the
 * calculator secretaries and members ask for), through the same rules and
 * amount parser as the server (dues/dues.h).  No database.  A bad --base or
 * --kind exits 2 with what was wrong and how to write it. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "dues/dues.h"

int cli_dues(int argc, char **argv);

#define CLI_DUES_USAGE \
    "用法 usage: ejia dues calc --base 月工资基数（元） [--kind employee|retiree|student|unemployed|farmer|relief]\n"

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

int cli_dues(int argc, char **argv) {
    const char *sub = argc > 1 ? argv[1] : "";
    if (strcmp(sub, "calc")) {
        fprintf(stderr, CLI_DUES_USAGE);
        return 2;
    }
    return cli_dues_calc(argc, argv);
}
