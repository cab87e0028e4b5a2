/* db_cmds — `ejia migrate`, `ejia backup --to FILE`, `ejia demo`. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "demo/demo.h"

int cli_migrate(int argc, char **argv) {
    int bad = cli_no_args("migrate", argc, argv);
    if (bad) return bad;
    err e;
    db *d = NULL;
    int applied = 0;
    if (db_open(cfg_str("db"), &d, &e) || db_migrate(d, &applied, &e) || cli_data_upgrade(d, &e)) {
        db_close(d);
        return cli_fail(&e);
    }
    printf("已执行 %d 个迁移 / %d migrations applied\n", applied, applied);
    db_close(d);
    return 0;
}

int cli_backup(int argc, char **argv) {
    const char *to = cli_flag(argc, argv, "to");
    err e;
    if (!to) {
        err_set(&e, ST_INVALID, "请用 --to FILE 指定备份文件。");
        return cli_fail(&e);
    }
    if (access(to, F_OK) == 0) {
        err_set(&e, ST_CONFLICT, "备份文件 %s 已存在，请换一个文件名（不会覆盖）。", to);
        return cli_fail(&e);
    }
    db *d = cli_open_db();
    if (!d) return 1;
    st s = db_backup(d, to, &e);
    db_close(d);
    if (s) {
        unlink(to);
        return cli_fail(&e);
    }
    printf("已备份到 %s / backed up to %s\n", to, to);
    return 0;
}

static void say(const char *line) { printf("%s\n", line); }

int cli_demo(int argc, char **argv) {
    const char *n = cli_flag(argc, argv, "enterprises");
    db *d = cli_open_db();
    if (!d) return 1;
    err e;
    demo_ctx c = {.d = d, .rng = {(uint64_t)cfg_int("demo-seed")}, .enterprises = n ? atoi(n) : 400, .say = say};
    if (c.enterprises < 0 || c.enterprises > 1000000) c.enterprises = 400;
    const char *b = cli_flag(argc, argv, "bulletins");
    if (b && strcmp(b, "yes") && strcmp(b, "no")) {
        fprintf(stderr, "ejia: --bulletins 应为 yes 或 no。\n");
        return 2;
    }
    c.no_bulletins = b && !strcmp(b, "no");
    st s = demo_fill(&c, &e);
    db_close(d);
    if (s) return cli_fail(&e);
    printf("演示数据已填入 / demo data filled\n");
    return 0;
}
