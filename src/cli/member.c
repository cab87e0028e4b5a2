/* member — `ejia member import [--db DB] [--report OUT.xlsx] [--create-orgs
 * --district CODE] FILE...`: rosters (花名册) into the registry, a
 * transaction per file, files in name order (so "the first appearance of a
 * person counts" is the order people expect), one problem report for all of
 * them.  The operating-system user is the actor in the audit trail. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/uc.h"
#include "core/arena.h"
#include "member/roster_store.h"

static int cli_member_cmp(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static bool cli_member_takes_value(const char *flag) {
    return strcmp(flag, "--create-orgs") != 0;
}

static int cli_member_import(int argc, char **argv) {
    const char *report = cli_flag(argc, argv, "report");
    roster_opts o = {.create_orgs = cli_has(argc, argv, "create-orgs") != 0, .district = cli_flag(argc, argv, "district")};
    const char **files = calloc((size_t)argc, sizeof *files);
    int n = 0;
    for (int i = 2; files && i < argc; i++) {
        if (!strncmp(argv[i], "--", 2)) {
            if (!strchr(argv[i], '=') && cli_member_takes_value(argv[i])) i++;
            continue;
        }
        files[n++] = argv[i];
    }
    if (!n) {
        fprintf(stderr, "用法 usage: ejia member import --db DB [--report 问题.xlsx] [--create-orgs --district 区划代码] FILE...\n");
        free(files);
        return 2;
    }
    if (o.create_orgs && !o.district) {
        fprintf(stderr, "ejia: --create-orgs 需要 --district 区划代码（新建的党组织所在区，如 350203）。\n");
        free(files);
        return 2;
    }
    qsort(files, (size_t)n, sizeof *files, cli_member_cmp);
    db *d = cli_open_db();
    if (!d) {
        free(files);
        return 1;
    }
    arena mem;
    arena_init(&mem, 0);
    uc c;
    uc_cli(&c, d, &mem);
    json_t *all = json_array();
    int failed = 0, imported = 0, skipped = 0;
    long reg = 0, refused = 0, flagged = 0;
    for (int i = 0; i < n; i++) {
        err e;
        err_clear(&e);
        ledger_table *t = NULL;
        st s = roster_read(files[i], files[i], &t, &e);
        if (s) {
            fprintf(stderr, "ejia: %s\n", e.msg);
            failed++;
            continue;
        }
        roster_result r;
        s = roster_store_import(&c, t, &o, &r, &e);
        if (s == ST_CONFLICT && r.import_id) {
            printf("%s：%s\n", t->source, e.msg);
            skipped++;
        } else if (s) {
            fprintf(stderr, "ejia: %s 未导入：%s\n", t->source, e.msg);
            failed++;
        } else {
            printf("%s → %s%s：%d 行，登记 %d 人，拒绝 %d 行，待核 %d 行\n", t->source, r.org_name,
                   r.org_created ? "（新建）" : "", r.rows, r.registered, r.refused, r.flagged);
            imported++;
            reg += r.registered;
            refused += r.refused;
            flagged += r.flagged;
            size_t k;
            json_t *p;
            int shown = 0;
            json_array_foreach(r.problems, k, p) {
                if (strcmp(json_string_value(json_object_get(p, "kind")), "refused") || shown++ >= 5) continue;
                printf("  表格第 %lld 行：%s\n", (long long)json_integer_value(json_object_get(p, "sheet_row")),
                       json_string_value(json_object_get(p, "message")));
            }
            if (shown > 5) printf("  ……另有 %d 行被拒绝（用 --report 导出全部）\n", shown - 5);
            json_array_append_new(all, json_pack("{s:s,s:O}", "source", t->source, "problems", r.problems));
        }
        json_decref(r.problems);
        ledger_table_free(t);
    }
    if (report) {
        err e;
        if (roster_report_xlsx(report, all, &e)) {
            fprintf(stderr, "ejia: %s\n", e.msg);
            failed++;
        } else {
            printf("问题报告已写入 %s\n", report);
        }
    }
    json_decref(all);
    arena_free(&mem);
    db_close(d);
    free(files);
    printf("共 %d 个文件：导入 %d（登记 %ld 人，拒绝 %ld 行，待核 %ld 行），已导入过 %d，失败 %d\n", n, imported, reg, refused,
           flagged, skipped, failed);
    return failed ? 1 : 0;
}

int cli_member(int argc, char **argv) {
    if (argc >= 2 && !strcmp(argv[1], "import")) return cli_member_import(argc, argv);
    fprintf(stderr, "用法 usage: ejia member import --db DB [--report 问题.xlsx] [--create-orgs --district 区划代码] FILE...\n");
    return 2;
}
