/* ledger_import — `ejia ledger import --db DB FILE... [--sheet S] [--mapping M]
 * [--report FILE.xlsx] [--problems] [--importer NAME]`.
 *
 * Each file is read, then stored in one transaction; a file already imported
 * (same SHA-256) is skipped with a note.  A progress bar is drawn on a
 * terminal (stderr) and nothing when output is not a terminal.  Exit 0 when
 * every file was imported or skipped as a duplicate, 1 when any file failed. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "ledger/import.h"

typedef struct bar { const char *label; const char *phase; int tty; int last; } bar;

static void bar_draw(void *ctx, uint64_t done, uint64_t total) {
    bar *b = ctx;
    if (!b->tty || total == 0) return;
    int pct = (int)(done * 100 / total);
    if (pct == b->last) return;
    b->last = pct;
    char cells[31];
    int k = pct * 30 / 100;
    for (int i = 0; i < 30; i++) cells[i] = i < k ? '#' : '.';
    cells[30] = 0;
    fprintf(stderr, "\r%s %s [%s] %3d%%", b->label, b->phase, cells, pct);
    fflush(stderr);
}

static void bar_end(bar *b) {
    if (b->tty) fprintf(stderr, "\r\033[K");
}

static void print_problems(const ledger_table *t, int max) {
    for (int i = 0; i < t->nproblems && i < max; i++) {
        const ledger_problem *p = &t->problems[i];
        printf("  %s 第%d行（表格行 %d）%s%s%s：%s%s%s\n", p->kind == LP_ERROR ? "错误" : "提示", p->row,
               p->sheet_row, p->column ? "「" : "", p->column ? p->column : "", p->column ? "」" : "",
               p->msg ? p->msg : "", p->value ? " 原值：" : "", p->value ? p->value : "");
    }
    if (t->nproblems > max) printf("  ……另有 %d 个问题（用 --report 导出全部）\n", t->nproblems - max);
}

int cli_ledger_import(int argc, char **argv) {
    const char *report = cli_flag(argc, argv, "report");
    int show = cli_has(argc, argv, "problems");
    ledger_read_opts o = {0};
    o.sheet = cli_flag(argc, argv, "sheet");
    o.mapping = cli_flag(argc, argv, "mapping");
    o.max_uncompressed = (size_t)cfg_int("max-unzipped");
    o.max_entries = (size_t)cfg_int("max-zip-entries");
    o.max_cell_text = (size_t)cfg_int("max-cell-text");
    const char *importer = cli_flag(argc, argv, "importer");
    char who_buf[128];
    if (!importer) {
        const char *u = getenv("USER");
        snprintf(who_buf, sizeof who_buf, "cli:%s", u && *u ? u : "unknown");
        importer = who_buf;
    }
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "--", 2)) {
            if (!strchr(argv[i], '=') && strcmp(argv[i], "--problems") != 0) i++;
            continue;
        }
        nfiles++;
    }
    if (!nfiles) {
        fprintf(stderr, "用法 usage: ejia ledger import --db DB [--sheet S] [--mapping 表头=字段,...] "
                        "[--report 问题.xlsx] [--problems] FILE...\n");
        return 2;
    }
    if (report && nfiles > 1) {
        fprintf(stderr, "ejia: --report 只能用于单个文件（每个文件一份报告）。\n");
        return 2;
    }
    db *d = cli_open_db();
    if (!d) return 1;
    int failed = 0, imported = 0, skipped = 0;
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "--", 2)) {
            if (!strchr(argv[i], '=') && strcmp(argv[i], "--problems") != 0) i++;
            continue;
        }
        const char *path = argv[i];
        bar b = {.label = path, .phase = "读取", .tty = isatty(2), .last = -1};
        o.progress = bar_draw;
        o.progress_ctx = &b;
        ledger_table *t = NULL;
        err e;
        err_clear(&e);
        struct stat sb;
        st s = ledger_table_read(path, &o, &t, &e);
        bar_end(&b);
        if (s) {
            fprintf(stderr, "ejia: %s\n", e.msg);
            failed++;
            continue;
        }
        b.phase = "写入";
        b.last = -1;
        int64_t id = 0;
        ledger_import_who who = {.importer = importer, .importer_id = 0, .scope_code = NULL};
        s = ledger_import_store(d, t, stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0, &who, bar_draw, &b, &id, &e);
        bar_end(&b);
        if (s == ST_CONFLICT && id) {
            printf("%s：%s\n", t->source, e.msg);
            skipped++;
        } else if (s) {
            fprintf(stderr, "ejia: 导入 %s 失败，未写入任何数据：%s\n", path, e.msg);
            failed++;
        } else {
            int errors = 0;
            for (int k = 0; k < t->nproblems; k++) errors += t->problems[k].kind == LP_ERROR;
            printf("%s：已导入，编号 %lld；%s%s%s，表头在第 %d 行，%d 行数据，%d 个问题（%d 个错误）\n", t->source,
                   (long long)id, t->format, t->encoding ? " " : "", t->encoding ? t->encoding : "", t->header_row,
                   t->nrows, t->nproblems, errors);
            imported++;
        }
        if (show) print_problems(t, 1000000);
        else if (t->nproblems && !report) print_problems(t, 10);
        if (report) {
            if (ledger_report_xlsx(report, t->source, NULL, t, &e)) {
                fprintf(stderr, "ejia: %s\n", e.msg);
                failed++;
            } else printf("问题报告已写入 %s\n", report);
        }
        ledger_table_free(t);
    }
    db_close(d);
    printf("共 %d 个文件：导入 %d，已导入过 %d，失败 %d\n", nfiles, imported, skipped, failed);
    return failed ? 1 : 0;
}
