/* ledger_import — `ejia ledger import --db DB FILE... [--sheet S] [--mapping M]
 * [--report FILE.xlsx] [--problems] [--importer NAME]`.
 *
 * Each file is read, then stored in one transaction; a file already imported
 * (same SHA-256) is skipped with a note.  A progress bar is drawn on a
 * terminal (stderr) and nothing when output is not a terminal.  Exit 0 when
 * every file was imported or skipped as a duplicate, 1 when any file failed.
 * The actor is the operating-system user (cli:<login>), audited like an
 * upload; --importer only changes the name shown as the importer. */
#include "cli.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/uc.h"
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

/* The file arguments (everything that is not a flag or a flag's value). */
static bool is_file_arg(int argc, char **argv, int *i) {
    if (!strncmp(argv[*i], "--", 2)) {
        if (!strchr(argv[*i], '=') && strcmp(argv[*i], "--problems") != 0) (*i)++;
        return false;
    }
    return *i < argc;
}

typedef struct import_run {
    uc c;
    ledger_read_opts o;
    const char *importer;   /* --importer, else the actor */
    const char *report;
    int show;
    int failed, imported, skipped;
} import_run;

/* Read one file, store it, say what happened. */
static void import_one(import_run *x, const char *path) {
    bar b = {.label = path, .phase = "读取", .tty = isatty(2), .last = -1};
    x->o.progress = bar_draw;
    x->o.progress_ctx = &b;
    ledger_table *t = NULL;
    err e;
    err_clear(&e);
    st s = ledger_table_read(path, &x->o, &t, &e);
    bar_end(&b);
    if (s) {
        fprintf(stderr, "ejia: %s\n", e.msg);
        x->failed++;
        return;
    }
    b.phase = "写入";
    b.last = -1;
    struct stat sb;
    int64_t id = 0;
    ledger_import_in in = {.t = t, .file_size = stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0,
                           .importer = x->importer, .progress = bar_draw, .ctx = &b};
    s = ledger_import_store_add(&x->c, &in, &id, &e);
    bar_end(&b);
    if (s == ST_CONFLICT && id) {
        printf("%s：%s\n", t->source, e.msg);
        x->skipped++;
    } else if (s) {
        fprintf(stderr, "ejia: 导入 %s 失败，未写入任何数据：%s\n", path, e.msg);
        x->failed++;
    } else {
        int errors = 0;
        for (int k = 0; k < t->nproblems; k++) errors += t->problems[k].kind == LP_ERROR;
        printf("%s：已导入，编号 %lld；%s%s%s，表头在第 %d 行，%d 行数据，%d 个问题（%d 个错误）\n", t->source,
               (long long)id, t->format, t->encoding ? " " : "", t->encoding ? t->encoding : "", t->header_row,
               t->nrows, t->nproblems, errors);
        x->imported++;
    }
    if (x->show) print_problems(t, 1000000);
    else if (t->nproblems && !x->report) print_problems(t, 10);
    if (x->report) {
        if (ledger_import_report_xlsx(x->report, t->source, NULL, t, &e)) {
            fprintf(stderr, "ejia: %s\n", e.msg);
            x->failed++;
        } else printf("问题报告已写入 %s\n", x->report);
    }
    ledger_table_free(t);
}

int cli_ledger_import(int argc, char **argv) {
    import_run x;
    memset(&x, 0, sizeof x);
    x.report = cli_flag(argc, argv, "report");
    x.show = cli_has(argc, argv, "problems");
    x.importer = cli_flag(argc, argv, "importer");
    x.o.sheet = cli_flag(argc, argv, "sheet");
    x.o.mapping = cli_flag(argc, argv, "mapping");
    x.o.max_uncompressed = (size_t)cfg_int("max-unzipped");
    x.o.max_entries = (size_t)cfg_int("max-zip-entries");
    x.o.max_cell_text = (size_t)cfg_int("max-cell-text");
    int nfiles = 0;
    for (int i = 1; i < argc; i++) nfiles += is_file_arg(argc, argv, &i);
    if (!nfiles) {
        fprintf(stderr, "用法 usage: ejia ledger import --db DB [--sheet S] [--mapping 表头=字段,...] "
                        "[--report 问题.xlsx] [--problems] FILE...\n");
        return 2;
    }
    if (x.report && nfiles > 1) {
        fprintf(stderr, "ejia: --report 只能用于单个文件（每个文件一份报告）。\n");
        return 2;
    }
    db *d = cli_open_db();
    if (!d) return 1;
    arena mem;
    arena_init(&mem, 0);
    uc_cli(&x.c, d, &mem);   /* the actor: cli:<login> */
    for (int i = 1; i < argc; i++)
        if (is_file_arg(argc, argv, &i)) import_one(&x, argv[i]);
    arena_free(&mem);
    db_close(d);
    printf("共 %d 个文件：导入 %d，已导入过 %d，失败 %d\n", nfiles, x.imported, x.skipped, x.failed);
    return x.failed ? 1 : 0;
}
