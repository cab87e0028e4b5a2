/* ledger_read — `ejia ledger read [--sheet S] [--mapping M] [--problems | --csv] FILE...`
 *
 * Prints, per file, what the readers made of it; exits 1 when any file could
 * not be read at all.  Nothing is stored: this is the dry run of an import.
 * With --csv it prints the table itself (header, then every data row, cells
 * as read, before cleaning) as UTF-8 CSV: what a user needs to see what ejia
 * saw, and what a test can compare with another reader's output. */
#include "cli/ledger_read.h"

#include <stdio.h>
#include <string.h>
#include "ledger/table.h"

static const char USAGE[] =
    "用法: ejia ledger read [--sheet 工作表] [--mapping \"列名=字段,...\"] [--problems | --csv] 文件...\n"
    "  读取台账文件（xlsx、xls、CSV），显示格式、编码、工作表、表头行、列与字段的对应、行数和问题数。\n"
    "  --sheet S      读名为 S 的工作表（默认：第一个有表头的工作表）\n"
    "  --mapping M    指定列的字段，如 \"单位名称=name,统一代码=code\"；字段名：\n"
    "                 seq name code address district street park employees members category\n"
    "                 status contact phone capital founded scope premises operating，none = 附加列\n"
    "  --problems     列出每个问题（行、列、值、原因）\n"
    "  --csv          把读到的表格（表头和每一行，未清洗的原文）以 UTF-8 CSV 输出到标准输出；问题数写到标准错误\n";

/* One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
static void put_field(const char *s) {
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"') putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static void print_csv(const ledger_table *t) {
    for (int c = 0; c < t->ncols; c++) {
        if (c) putchar(',');
        put_field(t->headers[c]);
    }
    if (t->ncols) fputs("\r\n", stdout);
    for (int r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            if (c) putchar(',');
            put_field(t->rows[r].cells[c]);
        }
        fputs("\r\n", stdout);
    }
    /* stdout is the table: what else there is to know goes to stderr */
    if (t->nproblems) fprintf(stderr, "ejia ledger read: 「%s」有 %d 个问题（用 --problems 查看）\n", t->source, t->nproblems);
}

static void print_table(const ledger_table *t, int show_problems) {
    char hex[65];
    for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", t->sha256[i]);
    printf("== %s\n", t->path);
    printf("格式: %s", t->format);
    if (t->encoding) printf("  编码: %s", t->encoding);
    if (t->sheet) printf("  工作表: %s", t->sheet);
    printf("\n表头: 第 %d 行  SHA-256: %s\n", t->header_row, hex);
    printf("列:\n");
    for (int c = 0; c < t->ncols; c++) {
        char l[8];
        ledger_col_letters(c, l);
        ledger_field f = t->col_field[c];
        if (f == LF_NONE) printf("  %-3s %s → (附加列)\n", l, t->headers[c]);
        else printf("  %-3s %s → %s (%s)\n", l, t->headers[c], ledger_field_name(f), ledger_field_label(f));
    }
    int nerr = 0;
    for (int i = 0; i < t->nproblems; i++) nerr += t->problems[i].kind == LP_ERROR;
    printf("行数: %d  问题: %d（错误 %d，警告 %d）\n", t->nrows, t->nproblems, nerr, t->nproblems - nerr);
    if (!show_problems) return;
    for (int i = 0; i < t->nproblems; i++) {
        const ledger_problem *p = &t->problems[i];
        char l[8] = "";
        if (p->col >= 0) ledger_col_letters(p->col, l);
        printf("  %s", p->kind == LP_ERROR ? "错误" : "警告");
        if (p->row) printf(" 第 %d 行（表中第 %d 行）", p->row, p->sheet_row);
        else if (p->sheet_row) printf(" 表中第 %d 行", p->sheet_row);
        if (p->col >= 0) printf(" %s列「%s」", l, p->column ? p->column : "");
        if (p->value && *p->value) printf(" “%s”", p->value);
        printf(": %s\n", p->msg);
    }
}

int cli_ledger_read(int argc, char **argv) {
    ledger_read_opts o = {0};
    int show = 0, csv = 0, nfiles = 0, failed = 0;
    /* Options first (they apply to every file), then files. */
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) { i++; break; }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) { fputs(USAGE, stdout); return 0; }
        if (strcmp(a, "--problems") == 0) show = 1;
        else if (strcmp(a, "--csv") == 0) csv = 1;
        else if ((strcmp(a, "--sheet") == 0 || strcmp(a, "--mapping") == 0) && i + 1 < argc) {
            if (a[2] == 's') o.sheet = argv[++i];
            else o.mapping = argv[++i];
        } else if (strncmp(a, "--sheet=", 8) == 0) o.sheet = a + 8;
        else if (strncmp(a, "--mapping=", 10) == 0) o.mapping = a + 10;
        else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "ejia ledger read: 不认识的选项 %s\n%s", a, USAGE);
            return 2;
        } else break;
    }
    if (csv && (argc - i != 1 || show)) {   /* one table on stdout, nothing else */
        fprintf(stderr, "ejia ledger read: --csv 只能读一个文件，且不能与 --problems 同用\n%s", USAGE);
        return 2;
    }
    for (; i < argc; i++) {
        nfiles++;
        ledger_table *t = NULL;
        err e = {0};
        if (ledger_table_read(argv[i], &o, &t, &e) != ST_OK) {
            fprintf(stderr, "ejia ledger read: %s\n", e.msg);
            failed++;
            continue;
        }
        if (csv) print_csv(t);
        else print_table(t, show);
        ledger_table_free(t);
    }
    if (!nfiles) {
        fputs(USAGE, stderr);
        return 2;
    }
    fflush(stdout);
    return failed ? 1 : 0;
}
