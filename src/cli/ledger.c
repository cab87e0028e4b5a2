/* ledger — `ejia ledger <verb>`: the enterprise-ledger commands, one table. */
#include "cli.h"

#include <stdio.h>
#include <string.h>


static const cli_cmd ledger_cmds[] = {
    {"read", cli_ledger_read, "ejia ledger read [--sheet S] [--mapping M] [--problems | --csv] FILE...",
     "读取台账文件，显示识别出的表头、列映射和问题；--csv 输出读到的表格 / read ledger files and show mapping and problems; --csv prints the table as read"},
    {"import", cli_ledger_import,
     "ejia ledger import --db DB [--sheet S] [--mapping M] [--report 问题.xlsx] [--problems] FILE...",
     "把台账文件导入数据库（每个文件原子导入、相同文件只导入一次）/ import ledger files"},
    {"match", cli_ledger_match, "ejia ledger match [--links OUT.csv] [--zombies OUT.txt] [--review OUT.csv] FILE...",
     "比对多个台账，找出同一企业，输出关联和僵尸企业 / match ledgers: links and zombies"},
    {"explain", cli_ledger_explain, "ejia ledger explain FILE... --a SOURCE:ROW --b SOURCE:ROW",
     "解释两条记录为何合并或不合并 / explain a match decision"},
    {"round", cli_ledger_round, "ejia ledger round create --number 1|2|3 [--imports 1,2] [--base R,R] | verify --base R3 | publish --round R4 | list",
     "四轮次：生成、实地核查后生成第四轮、发布最终台账 / the four rounds"},
    {"diff", cli_ledger_diff, "ejia ledger diff ROUND_A ROUND_B", "两个轮次之间的新增、剔除（含原因）和变更 / diff two rounds"},
    {"export", cli_ledger_export, "ejia ledger export --round R --format xlsx --out FILE", "导出轮次台账 / export a round"},
    {"review", cli_ledger_review, "ejia ledger review --round R | --decide A,B,same|different", "待审记录对与人工判定 / review queue"},
    {"verify-template", cli_ledger_verify_template, "ejia ledger verify-template --round R3 [--district 350203] --out F.xlsx",
     "生成实地核查表 / field verification template"},
    {"verify-import", cli_ledger_verify_import, "ejia ledger verify-import --round R3 FILE", "导回填好的核查表 / import verification"},
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
