/* ejia — 党建e家: party-building work for non-public internet enterprises.
 * main: settings from flags/environment/file, then the subcommand table. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "cli/cli.h"
#include "core/config.h"
#include "core/log.h"
#include "core/utf8.h"
#include "core/version.h"

static int cli_help(int argc, char **argv);
int cli_bulletin(int argc, char **argv);   /* cli/bulletin.c */
int cli_org(int argc, char **argv);        /* cli/org.c */
int cli_user(int argc, char **argv);   /* cli/user.c */
int cli_audit(int argc, char **argv);  /* cli/audit.c */
static int cli_version(int argc, char **argv) {
    (void)argc;
    (void)argv;
    printf("ejia %s\n", EJIA_VERSION);
    return 0;
}

static const cli_cmd commands[] = {
    {"serve", cli_serve, "ejia serve [--db DB] [--port N] [--bind ADDR] [--web-root DIR]",
     "启动网页服务 / run the web server"},
    {"migrate", cli_migrate, "ejia migrate [--db DB]", "升级数据库结构 / apply database migrations"},
    {"backup", cli_backup, "ejia backup [--db DB] --to FILE", "在线备份 SQLite 数据库 / online SQLite backup"},
    {"doctor", cli_doctor, "ejia doctor [--db DB] [--json]",
     "检查生产环境的关键设置（同步、WAL、连接数、副本、密钥、结构版本） / check the settings that matter in production"},
    {"demo", cli_demo, "ejia demo [--db DB] [--enterprises N] [--bulletins yes|no]", "在新数据库中填入演示数据 / fill demo data"},
    {"ledger", cli_ledger, "ejia ledger read|match|explain ...", "企业台账 / enterprise ledgers"},
    {"user", cli_user, "ejia user add --username NAME --role ROLE [--scope CODE] [--name NAME] --password-stdin | "
                       "reset|unlock|disable|enable --username NAME | list",
     "用户账号 / user accounts"},
    {"audit", cli_audit, "ejia audit verify|seal [--db DB]", "校验审计日志散列链 / verify the audit trail"},
    {"bulletin", cli_bulletin, "ejia bulletin --period 2018-04-3 --format pdf|xlsx|html --out FILE [--issue]",
     "每旬党组织覆盖通报 / the 旬 coverage bulletin"},
    {"org", cli_org, "ejia org coverage|findings [--date D] [--by district]", "党组织覆盖与规则提示 / coverage and findings"},
    {"member", cli_member, "ejia member import [--db DB] [--report 问题.xlsx] [--create-orgs --district CODE] FILE...",
     "导入党员花名册 / load party-member rosters"},
    {"dues", cli_dues,
     "ejia dues calc --base 3000 [--kind employee|retiree|student|unemployed|farmer|relief] | "
     "sheets --month YYYY-MM | owing --person ID [--from YYYY-MM] [--to YYYY-MM]",
     "党费：计算月交金额；生成某月全部应交名单；党员欠交的月份 / dues: the monthly amount; a month's sheets; months owed"},
    {"points", cli_points, "ejia points run|rebuild|verify",
     "积分：按活动记录计算；全部重算；重算并与积分明细核对 / points: run the engine; recompute all; verify the ledger"},
    {"center", cli_center, "ejia center circle [--k N] [--plain]", "十分钟服务圈：覆盖比例与建议新建中心 / the 10-minute circle"},
    {"version", cli_version, "ejia version", "版本 / version"},
    {"help", cli_help, "ejia help", "帮助：命令和全部设置 / commands and settings"},
    {NULL, NULL, NULL, NULL},
};

static int cli_help(int argc, char **argv) {
    (void)argc;
    (void)argv;
    printf("ejia %s — 党建e家\n\n命令 commands:\n", EJIA_VERSION);
    for (const cli_cmd *c = commands; c->name; c++) printf("  %-60s %s\n", c->usage, c->help);
    printf("\n设置 settings（--名称 值，环境变量 EJIA_名称，或 --config 文件中“名称 = 值”）:\n");
    cfg_print_help();
    return 0;
}

int main(int argc, char **argv) {
    err e;
    err_clear(&e);
    /* Dates of the party's work (旬, meeting days, dues months) are China's dates:
     * unless the operator chose otherwise, the server's clock is read in Beijing time. */
    if (!getenv("TZ")) setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    if (cfg_load(&argc, argv, &e)) return cli_fail(&e);
    log_set_level(log_level_parse(cfg_str("log-level")));
    int rc = 2;
    const char *name = argc > 1 ? argv[1] : "help";
    if (!strcmp(name, "--help") || !strcmp(name, "-h")) name = "help";
    const cli_cmd *c = commands;
    for (; c->name; c++)
        if (strcmp(name, c->name) == 0) break;
    if (c->name) rc = c->fn(argc > 1 ? argc - 1 : argc, argc > 1 ? argv + 1 : argv);
    else fprintf(stderr, "ejia: 未知命令“%s”。运行 ejia help 查看全部命令。\n", name);
    utf8_t2s_shutdown();
    cfg_free();
    return rc;
}
