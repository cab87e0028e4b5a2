/* member — `ejia member import [--db DB] [--report OUT.xlsx] [--create-orgs
 * --district CODE] FILE...`: rosters (花名册) into the registry, each file
 * all or nothing, files in name order (so "the first appearance of a person
 * counts" is the order people expect), one problem report for all of them.
 * The operating-system user is the actor in the audit trail.
 *
 * Files are committed in groups of up to 64 (uc_group_begin): a city's first
 * load is thousands of small rosters, and a disk flush per file was most of
 * the time.  What a group imported is printed once the group is committed.
 * When a file of a group fails (or was imported before), the group is rolled
 * back and its files are imported again one by one, each in its own
 * transaction, so a failing file takes nothing else with it. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/uc.h"
#include "core/arena.h"
#include "core/buf.h"
#include "member/roster_store.h"
#include "member/tally.h"

static int cli_member_cmp(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static bool cli_member_takes_value(const char *flag) {
    return strcmp(flag, "--create-orgs") != 0;
}

/* What the files imported so far add up to. */
typedef struct cli_tally {
    int imported, skipped, failed;
    long reg, refused, flagged;
} cli_tally;

/* One file: read it and import it; what to say goes to `said` (printed by the
 * caller once durable), failures to stderr at once (nothing of theirs stays).
 * Returns the import's status (ST_OK, or why the file was not imported). */
static st cli_member_file(uc *c, const roster_opts *o, const char *path, buf *said, cli_tally *n, json_t *all) {
    err e;
    err_clear(&e);
    ledger_table *t = NULL;
    st s = roster_read(path, path, &t, &e);
    if (s) {
        if (!c->group) fprintf(stderr, "ejia: %s\n", e.msg);   /* in a group: said when run again alone */
        n->failed++;
        return s;
    }
    roster_result r;
    s = roster_store_import(c, t, o, &r, &e);
    if (s == ST_CONFLICT && r.import_id) {
        buf_printf(said, "%s：%s\n", t->source, e.msg);
        n->skipped++;
    } else if (s) {
        if (!c->group) fprintf(stderr, "ejia: %s 未导入：%s\n", t->source, e.msg);   /* in a group: said again alone */
        n->failed++;
    } else {
        buf_printf(said, "%s → %s%s：%d 行，登记 %d 人，拒绝 %d 行，待核 %d 行\n", t->source, r.org_name,
                   r.org_created ? "（新建）" : "", r.rows, r.registered, r.refused, r.flagged);
        n->imported++;
        n->reg += r.registered;
        n->refused += r.refused;
        n->flagged += r.flagged;
        size_t k;
        json_t *p;
        int shown = 0;
        json_array_foreach(r.problems, k, p) {
            if (strcmp(json_string_value(json_object_get(p, "kind")), "refused") || shown++ >= 5) continue;
            buf_printf(said, "  表格第 %lld 行：%s\n", (long long)json_integer_value(json_object_get(p, "sheet_row")),
                       json_string_value(json_object_get(p, "message")));
        }
        if (shown > 5) buf_printf(said, "  ……另有 %d 行被拒绝（用 --report 导出全部）\n", shown - 5);
        json_array_append_new(all, json_pack("{s:s,s:O}", "source", t->source, "problems", r.problems));
    }
    json_decref(r.problems);
    ledger_table_free(t);
    return s;
}

static void cli_said(buf *said) {
    if (said->data && said->len) fwrite(said->data, 1, said->len, stdout);
    fflush(stdout);
    buf_reset(said);
}

/* Files [from, to) in one group; false when the group was rolled back (nothing of it stays). */
static bool cli_member_group(uc *c, const roster_opts *o, const char **files, int from, int to, cli_tally *total, json_t *all) {
    err e;
    err_clear(&e);
    if (uc_group_begin(c, &e)) return false;
    buf said;
    buf_init(&said, 0);
    cli_tally n = {0};
    json_t *g = json_array();
    /* the group's statistics counters, written once at its end (a thousand members' months
     * are a few hundred counters) */
    roster_opts go = *o;
    go.counters = tally_new();
    st s = go.counters ? ST_OK : ST_NOMEM;
    for (int i = from; !s && i < to; i++) s = cli_member_file(c, &go, files[i], &said, &n, g);
    err_clear(&e);
    if (!s) s = tally_store_flush(c, go.counters, &e);
    tally_free(go.counters);
    s = uc_group_end(c, s, &e);
    if (!s) {
        cli_said(&said);
        total->imported += n.imported, total->skipped += n.skipped, total->failed += n.failed;
        total->reg += n.reg, total->refused += n.refused, total->flagged += n.flagged;
        json_array_extend(all, g);
    }
    json_decref(g);
    buf_free(&said);
    return !s;
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
    cli_tally total = {0};
    enum { GROUP_FILES = 64 };
    buf said;
    buf_init(&said, 0);
    for (int i = 0; i < n; i += GROUP_FILES) {
        int to = i + GROUP_FILES < n ? i + GROUP_FILES : n;
        if (cli_member_group(&c, &o, files, i, to, &total, all)) continue;
        for (int k = i; k < to; k++) {   /* one by one: each file its own transaction */
            cli_member_file(&c, &o, files[k], &said, &total, all);
            cli_said(&said);
        }
    }
    buf_free(&said);
    int failed = total.failed, imported = total.imported, skipped = total.skipped;
    long reg = total.reg, refused = total.refused, flagged = total.flagged;
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
