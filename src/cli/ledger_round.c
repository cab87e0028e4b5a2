/* ledger_round — the campaign's rounds from the command line:
 *   ejia ledger round create --number 1|2|3 [--imports 1,2,3] [--base 4,5]
 *   ejia ledger round verify --base ROUND3          (round 4 from field verification)
 *   ejia ledger round publish --round ROUND4         (the final ledger → enterprise register)
 *   ejia ledger round list
 *   ejia ledger diff A B
 *   ejia ledger export --round R --format xlsx --out FILE
 *   ejia ledger review --round R [--decide A,B,same|different]
 *   ejia ledger verify-template --round R3 [--district 350203] --out FILE.xlsx
 *   ejia ledger verify-import --round R3 FILE
 * Each command is one use case of the stores (round.h, verify.h) with the
 * operating-system user as the actor (cli:<login>), audited like the API's. */
#include "cli.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/uc.h"
#include "core/config.h"
#include "ledger/round.h"
#include "ledger/verify.h"

/* A command's use case: the database and the OS user as the actor. */
typedef struct cmd {
    db *d;
    arena mem;
    uc c;
} cmd;

static bool cmd_open(cmd *x) {
    x->d = cli_open_db();
    if (!x->d) return false;
    arena_init(&x->mem, 0);
    uc_cli(&x->c, x->d, &x->mem);
    return true;
}

static int cmd_close(cmd *x, int rc) {
    arena_free(&x->mem);
    db_close(x->d);
    return rc;
}

static size_t parse_ids(const char *s, int64_t *out, size_t max) {
    size_t n = 0;
    while (s && *s && n < max) {
        char *end;
        long long v = strtoll(s, &end, 10);
        if (end == s) break;
        out[n++] = v;
        s = *end == ',' ? end + 1 : end;
    }
    return n;
}

static void phase(void *ctx, const char *p) {
    (void)ctx;
    if (isatty(2)) fprintf(stderr, "\r\033[K%s……", p);
}

static int round_list(cmd *x) {
    err e;
    json_t *rows;
    if (ledger_round_store_list(&x->c, &rows, &e)) return cli_fail(&e);
    printf("%-5s %-4s %-34s %8s %8s %8s %8s %s\n", "编号", "轮", "名称", "记录", "企业", "剔除", "待审", "已发布");
    for (size_t i = json_array_size(rows); i-- > 0;) {   /* oldest first */
        json_t *o = json_array_get(rows, i);
        printf("%-5lld %-4lld %-34s %8lld %8lld %8lld %8lld %s\n", (long long)json_integer_value(json_object_get(o, "id")),
               (long long)json_integer_value(json_object_get(o, "number")), json_string_value(json_object_get(o, "name")),
               (long long)json_integer_value(json_object_get(o, "records")),
               (long long)json_integer_value(json_object_get(o, "entities")),
               (long long)json_integer_value(json_object_get(o, "removed")),
               (long long)json_integer_value(json_object_get(o, "review")),
               json_is_null(json_object_get(o, "published_at")) ? "" : "是");
    }
    json_decref(rows);
    return 0;
}

static int round_create(cmd *x, int argc, char **argv) {
    const char *num = cli_flag(argc, argv, "number");
    int64_t imports[4096], bases[64];
    ledger_round_spec sp = {num ? atoi(num) : 0, imports, parse_ids(cli_flag(argc, argv, "imports"), imports, 4096), bases,
                            parse_ids(cli_flag(argc, argv, "base"), bases, 64)};
    ledger_round_progress p = {phase, NULL};
    int64_t id;
    err e;
    st s = ledger_round_store_create(&x->c, &sp, &p, &id, &e);
    if (isatty(2)) fprintf(stderr, "\r\033[K");
    if (s) return cli_fail(&e);
    printf("已生成轮次 %lld：\n", (long long)id);
    return round_list(x);
}

int cli_ledger_round(int argc, char **argv) {
    const char *verb = argc > 1 ? argv[1] : "";
    err e;
    err_clear(&e);
    if (strcmp(verb, "create") && strcmp(verb, "verify") && strcmp(verb, "publish") && strcmp(verb, "list")) {
        fprintf(stderr, "用法 usage: ejia ledger round create --number 1|2|3 [--imports 1,2] [--base 3,4]\n"
                        "            ejia ledger round verify --base ROUND3 [--force] | publish --round ROUND4 [--force] | list\n"
                        "            （未实地核查的企业超过 ledger-unchecked-max-pct 时须加 --force 确认）\n");
        return 2;
    }
    cmd x;
    if (!cmd_open(&x)) return 1;
    int rc = 0;
    if (!strcmp(verb, "list")) rc = round_list(&x);
    else if (!strcmp(verb, "create")) rc = round_create(&x, argc, argv);
    else if (!strcmp(verb, "verify")) {
        const char *b = cli_flag(argc, argv, "base");
        int64_t id;
        if (ledger_round_store_round4(&x.c, b ? atoll(b) : 0, cli_has(argc, argv, "force"), &id, &e)) rc = cli_fail(&e);
        else printf("已生成第四轮（轮次编号 %lld）\n", (long long)id);
    } else {
        const char *r = cli_flag(argc, argv, "round");
        int n = 0;
        if (ledger_round_store_publish(&x.c, r ? atoll(r) : 0, cli_has(argc, argv, "force"), &n, &e)) rc = cli_fail(&e);
        else printf("已发布：%d 家企业写入企业名录，组织覆盖率以此为准。\n", n);
    }
    return cmd_close(&x, rc);
}

static void print_diff(const json_t *df, int64_t a, int64_t b) {
    json_t *c = json_object_get(df, "counts");
    printf("轮次 %lld → %lld：新增 %lld，剔除 %lld，变更 %lld\n", (long long)a, (long long)b,
           (long long)json_integer_value(json_object_get(c, "added")),
           (long long)json_integer_value(json_object_get(c, "removed")),
           (long long)json_integer_value(json_object_get(c, "changed")));
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(df, "added"), i, o)
        printf("+ %s %s\n", json_string_value(json_object_get(o, "name")),
               json_string_value(json_object_get(o, "uscc")) ? json_string_value(json_object_get(o, "uscc")) : "");
    json_array_foreach(json_object_get(df, "removed"), i, o)
        printf("- %s：%s\n", json_string_value(json_object_get(o, "name")), json_string_value(json_object_get(o, "reason")));
    json_array_foreach(json_object_get(df, "changed"), i, o) {
        printf("~ %s：", json_string_value(json_object_get(o, "name")));
        size_t k;
        json_t *ch;
        json_array_foreach(json_object_get(o, "changes"), k, ch) {
            char *f = json_dumps(json_object_get(ch, "from"), JSON_ENCODE_ANY);
            char *t = json_dumps(json_object_get(ch, "to"), JSON_ENCODE_ANY);
            printf("%s%s %s→%s", k ? "，" : "", json_string_value(json_object_get(ch, "label")), f ? f : "null", t ? t : "null");
            free(f);
            free(t);
        }
        printf("\n");
    }
}

int cli_ledger_diff(int argc, char **argv) {
    int64_t ids[2];
    size_t n = 0;
    for (int i = 1; i < argc && n < 2; i++)
        if (strncmp(argv[i], "--", 2)) ids[n++] = atoll(argv[i]);
        else if (!strchr(argv[i], '=')) i++;
    if (n != 2) {
        fprintf(stderr, "用法 usage: ejia ledger diff [--db DB] ROUND_A ROUND_B\n");
        return 2;
    }
    cmd x;
    if (!cmd_open(&x)) return 1;
    err e;
    json_t *df;
    int rc = 0;
    if (ledger_round_store_diff(&x.c, ids[0], ids[1], &df, &e)) rc = cli_fail(&e);
    else {
        print_diff(df, ids[0], ids[1]);
        json_decref(df);
    }
    return cmd_close(&x, rc);
}

int cli_ledger_export(int argc, char **argv) {
    const char *r = cli_flag(argc, argv, "round"), *out = cli_flag(argc, argv, "out"), *fmt = cli_flag(argc, argv, "format");
    if (!r || !out || (fmt && strcmp(fmt, "xlsx"))) {
        fprintf(stderr, "用法 usage: ejia ledger export [--db DB] --round R --format xlsx --out FILE.xlsx\n");
        return 2;
    }
    cmd x;
    if (!cmd_open(&x)) return 1;
    err e;
    int rc = 0;
    if (ledger_round_store_export(&x.c, atoll(r), cli_flag(argc, argv, "area"), out, &e)) rc = cli_fail(&e);
    else printf("已导出到 %s\n", out);
    return cmd_close(&x, rc);
}

/* The review queue, every pair (the same query as the API's). */
static int review_list(cmd *x, int64_t round) {
    err e;
    json_t *rows;
    int64_t total = 0;
    if (ledger_round_store_review(&x->c, round, 2, NULL, &rows, &total, &e)) return cli_fail(&e);
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o) {
        json_t *a = json_object_get(o, "a"), *b = json_object_get(o, "b"), *v = json_object_get(o, "verdict");
        printf("%lld,%lld  %.2f  %s（%s 第%lld行） ↔ %s（%s 第%lld行）%s%s\n",
               (long long)json_integer_value(json_object_get(o, "a_record")),
               (long long)json_integer_value(json_object_get(o, "b_record")), json_number_value(json_object_get(o, "prob")),
               json_string_value(json_object_get(a, "name")), json_string_value(json_object_get(a, "source")),
               (long long)json_integer_value(json_object_get(a, "row")), json_string_value(json_object_get(b, "name")),
               json_string_value(json_object_get(b, "source")), (long long)json_integer_value(json_object_get(b, "row")),
               json_is_string(v) ? "  已判定：" : "", json_is_string(v) ? json_string_value(v) : "");
    }
    printf("共 %zu 对待审。用 --decide A,B,same|different 记下判定。\n", json_array_size(rows));
    json_decref(rows);
    return 0;
}

int cli_ledger_review(int argc, char **argv) {
    const char *r = cli_flag(argc, argv, "round"), *dec = cli_flag(argc, argv, "decide");
    if (!r && !dec) {
        fprintf(stderr, "用法 usage: ejia ledger review [--db DB] --round R         列出待审的记录对\n"
                        "            ejia ledger review [--db DB] --decide A,B,same|different   记下判定\n");
        return 2;
    }
    cmd x;
    if (!cmd_open(&x)) return 1;
    err e;
    int rc = 0;
    if (dec) {
        char verdict[16] = "";
        long long a = 0, b = 0;
        if (sscanf(dec, "%lld,%lld,%15s", &a, &b, verdict) != 3) {
            fprintf(stderr, "ejia: --decide 的格式是 记录A,记录B,same|different\n");
            rc = 2;
        } else if (ledger_round_store_decide(&x.c, a, b, verdict, &e)) rc = cli_fail(&e);
        else printf("已记下：记录 %lld 与 %lld %s。下次生成轮次时生效。\n", a, b, strcmp(verdict, "same") ? "不是同一企业" : "是同一企业");
    } else rc = review_list(&x, atoll(r));
    return cmd_close(&x, rc);
}

int cli_ledger_verify_template(int argc, char **argv) {
    const char *r = cli_flag(argc, argv, "round"), *out = cli_flag(argc, argv, "out");
    if (!r || !out) {
        fprintf(stderr, "用法 usage: ejia ledger verify-template [--db DB] --round ROUND3 [--district 350203] --out FILE.xlsx\n");
        return 2;
    }
    cmd x;
    if (!cmd_open(&x)) return 1;
    err e;
    int rc = 0;
    if (ledger_verify_store_template(&x.c, atoll(r), cli_flag(argc, argv, "district"), out, &e)) rc = cli_fail(&e);
    else printf("核查表已写入 %s：请填写黄色列，再用 ejia ledger verify-import 导回。\n", out);
    return cmd_close(&x, rc);
}

int cli_ledger_verify_import(int argc, char **argv) {
    const char *r = cli_flag(argc, argv, "round");
    const char *file = NULL;
    for (int i = 1; i < argc; i++)
        if (strncmp(argv[i], "--", 2)) file = argv[i];
        else if (!strchr(argv[i], '=')) i++;
    if (!r || !file) {
        fprintf(stderr, "用法 usage: ejia ledger verify-import [--db DB] --round ROUND3 FILE.xlsx\n");
        return 2;
    }
    cmd x;
    if (!cmd_open(&x)) return 1;
    err e;
    int rc = 0, taken = 0;
    json_t *probs = NULL;
    const char *base = strrchr(file, '/');
    if (ledger_verify_store_import(&x.c, atoll(r), file, base ? base + 1 : file, &taken, &probs, &e)) rc = cli_fail(&e);
    else {
        printf("已导入 %d 条核查结果。\n", taken);
        size_t i;
        json_t *o;
        json_array_foreach(probs, i, o)
            printf("  第%lld行「%s」%s：%s\n", (long long)json_integer_value(json_object_get(o, "row")),
                   json_string_value(json_object_get(o, "column")), json_string_value(json_object_get(o, "value")),
                   json_string_value(json_object_get(o, "message")));
    }
    json_decref(probs);
    return cmd_close(&x, rc);
}
