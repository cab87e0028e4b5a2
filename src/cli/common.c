/* common — small helpers shared by the subcommands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"
#include "committee/committee_store.h"
#include "covkept/covkept.h"
#include "ledger/record.h"
#include "develop/develop_store.h"
#include "meeting/meeting_store.h"
#include "member/tally.h"
#include "org/org_store.h"
#include "register/register.h"
#include "study/study_progress_store.h"

st cli_data_upgrade(db *d, err *e) {
    int64_t n = 0;
    st s = ledger_record_pii_upgrade(d, &n, e);
    if (!s && n) log_info("已加密 %lld 条旧版台账记录中的个人信息 / sealed personal data of %lld ledger records", (long long)n, (long long)n);
    if (!s) s = org_store_pii_upgrade(d, &n, e);
    if (!s && n) log_info("已加密 %lld 条党建指导员电话 / sealed %lld instructor phones", (long long)n, (long long)n);
    if (!s) s = tally_store_upgrade(d, &n, e);
    if (!s && n) log_info("已重新统计 %lld 名党员的计数 / recounted %lld members", (long long)n, (long long)n);
    if (!s) s = develop_store_upgrade(d, &n, e);
    if (!s && n) log_info("已整理 %lld 份发展党员档案的到期记录 / worked out %lld development files", (long long)n, (long long)n);
    if (!s) s = meeting_store_upgrade(d, &n, e);
    if (!s && n) log_info("已按月汇总 %lld 条三会一课记录 / worked out %lld organization-months of meetings", (long long)n, (long long)n);
    if (!s) s = committee_store_carry(d, &n, e);
    if (!s && n) log_info("已把 %lld 个原书记、委员姓名迁入任职记录 / carried %lld secretaries' and committee members' names into posts", (long long)n, (long long)n);
    if (!s) s = register_store_place_fill(d, &n, e);
    if (!s && n) log_info("已按企业名录的变动记录整理 %lld 段企业原所在区、园区 / kept %lld earlier places of enterprises", (long long)n, (long long)n);
    /* after the places' fill: the kept coverage counts enterprises where they were */
    if (!s) s = covkept_store_upgrade(d, &n, e);
    if (!s && n) log_info("已重新统计 %lld 组党组织覆盖数字 / rebuilt the kept coverage of %lld groups", (long long)n, (long long)n);
    if (!s) s = study_progress_store_upgrade(d, &n, e);
    if (!s && n) log_info("已按学时要求重新统计 %lld 名党员的年度学时 / recounted the study figures of %lld member-years", (long long)n, (long long)n);
    return s;
}

db *cli_open_db(void) {
    err e;
    err_clear(&e);
    db *d = NULL;
    int applied = 0;
    if (db_open(cfg_str("db"), &d, &e) || db_migrate(d, &applied, &e)) {
        cli_fail(&e);
        db_close(d);
        return NULL;
    }
    return d;
}

int cli_pool_size(void) {
    int threads = (int)cfg_int("threads");
    if (threads == 0) threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
    int n = (int)cfg_int("db-pool");
    return n ? n : threads + 1;
}

int cli_fail(const err *e) {
    fprintf(stderr, "ejia: %s%s%s%s\n", e->msg, e->where[0] ? "（位置：" : "", e->where,
            e->where[0] ? "）" : "");
    return e->code == ST_INVALID ? 2 : 1;
}

const char *cli_flag(int argc, char **argv, const char *name) {
    size_t n = strlen(name);
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) || strncmp(argv[i] + 2, name, n)) continue;
        if (argv[i][2 + n] == '=') return argv[i] + 3 + n;
        if (argv[i][2 + n] == 0 && i + 1 < argc) return argv[i + 1];
    }
    return NULL;
}

int cli_has(int argc, char **argv, const char *name) {
    size_t n = strlen(name);
    for (int i = 1; i < argc; i++)
        if (!strncmp(argv[i], "--", 2) && !strncmp(argv[i] + 2, name, n) && argv[i][2 + n] == 0) return 1;
    return 0;
}

int cli_no_args(const char *cmd, int argc, char **argv) {
    if (argc <= 1) return 0;
    fprintf(stderr, "ejia %s: 不认识的参数或设置“%s”：设置名称见 ejia help。\n", cmd, argv[1]);
    return 2;
}
