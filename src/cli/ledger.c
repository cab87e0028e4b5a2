/* ledger — `ejia ledger <verb>`: the enterprise-ledger commands, one table. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cli_ledger_read(int argc, char **argv);
int cli_ledger_match(int argc, char **argv);
int cli_ledger_explain(int argc, char **argv);

static const cli_cmd ledger_cmds[] = {
    {"read", cli_ledger_read, "ejia ledger read [--sheet S] [--mapping M] [--problems] FILE...",
     "读取台账文件，显示识别出的表头、列映射和问题 / read ledger files and show mapping and problems"},
    {"match", cli_ledger_match, "ejia ledger match [--links OUT.csv] [--zombies OUT.txt] [--review OUT.csv] FILE...",
     "比对多个台账，找出同一企业，输出关联和僵尸企业 / match ledgers: links and zombies"},
    {"explain", cli_ledger_explain, "ejia ledger explain FILE... --a SOURCE:ROW --b SOURCE:ROW",
     "解释两条记录为何合并或不合并 / explain a match decision"},
    {NULL, NULL, NULL, NULL},
};

int cli_ledger(int argc, char **argv) {
    if (argc >= 2)
        for (const cli_cmd *c = ledger_cmds; c->name; c++)
            if (strcmp(argv[1], c->name) == 0) return c->fn(argc - 1, argv + 1);
    fprintf(stderr, "用法 usage:\n");
    for (const cli_cmd *c = ledger_cmds; c->name; c++) fprintf(stderr, "  %-70s %s\n", c->usage, c->help);
    return 2;
}
