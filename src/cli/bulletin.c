/* bulletin — `ejia bulletin`: write the 旬 bulletin of one period to a file
 * (HTML, xlsx or PDF), and optionally issue it (keep its figures as announced).
 *   ejia bulletin --db DB --period 2018-04-3 --format pdf|xlsx|html --out FILE [--issue]
 *   ejia bulletin list --db DB */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "org/bulletin.h"

int cli_bulletin(int argc, char **argv);

static int bulletin_usage(void) {
    fprintf(stderr, "用法 usage: ejia bulletin --db DB --period 2018-04-3 --format pdf|xlsx|html --out FILE [--issue]\n"
                    "            ejia bulletin list --db DB\n"
                    "  --period  年-月-旬（1 上旬 1–10 日，2 中旬 11–20 日，3 下旬 21 日–月末）\n");
    return 2;
}

static int bulletin_list_cmd(db *d) {
    err e;
    err_clear(&e);
    json_t *items = NULL;
    int64_t total = 0;
    if (bulletin_list(d, NULL, NULL, 1000, 0, &items, &total, &e)) return cli_fail(&e);
    printf("已发布旬报 %lld 期 / issued bulletins:\n", (long long)total);
    size_t i;
    json_t *r;
    json_array_foreach(items, i, r) {
        json_t *c = json_object_get(r, "city");
        printf("  %s  %-16s 覆盖率 %5.1f%%  发布者 %s\n", json_string_value(json_object_get(r, "period")),
               json_string_value(json_object_get(r, "title")), json_number_value(json_object_get(c, "rate")),
               json_string_value(json_object_get(r, "issued_by")));
    }
    json_decref(items);
    return 0;
}

int cli_bulletin(int argc, char **argv) {
    err e;
    err_clear(&e);
    if (argc > 1 && !strcmp(argv[1], "list")) {
        db *d = cli_open_db();
        if (!d) return 1;
        int rc = bulletin_list_cmd(d);
        db_close(d);
        return rc;
    }
    const char *period = cli_flag(argc, argv, "period"), *format = cli_flag(argc, argv, "format"),
               *out = cli_flag(argc, argv, "out");
    if (!period || !out) return bulletin_usage();
    org_xun x;
    if (!org_xun_parse(period, &x)) {
        fprintf(stderr, "ejia: --period “%s”无效，应为 年-月-旬，如 2018-04-3（4 月下旬）。\n", period);
        return 2;
    }
    if (!format) {
        const char *dot = strrchr(out, '.');
        format = dot ? dot + 1 : "";
    }
    if (strcmp(format, "pdf") && strcmp(format, "xlsx") && strcmp(format, "html")) {
        fprintf(stderr, "ejia: --format “%s”无效，应为 pdf、xlsx 或 html。\n", format);
        return 2;
    }
    db *d = cli_open_db();
    if (!d) return 1;
    json_t *doc = NULL;
    st s = cli_has(argc, argv, "issue") ? bulletin_issue(d, &x, "cli", &doc, &e) : bulletin_get(d, &x, &doc, &e);
    if (!s) {
        if (!strcmp(format, "pdf")) s = bulletin_render_pdf(doc, out, &e);
        else if (!strcmp(format, "xlsx")) s = bulletin_render_xlsx(doc, out, &e);
        else {
            buf b;
            buf_init(&b, 0);
            s = bulletin_render_html(doc, &b, &e);
            FILE *f = s ? NULL : fopen(out, "wb");
            if (!s && (!f || fwrite(b.data, 1, b.len, f) != b.len)) s = err_set(&e, ST_IO, "无法写入文件 %s。", out);
            if (f && fclose(f) && !s) s = err_set(&e, ST_IO, "无法写入文件 %s。", out);
            buf_free(&b);
        }
    }
    int rc = 0;
    if (s) rc = cli_fail(&e);
    else {
        json_t *c = json_object_get(doc, "city");
        printf("%s：企业 %lld 家，已覆盖 %lld 家，覆盖率 %.1f%%（较上期 %+.1f 个百分点）→ %s\n",
               json_string_value(json_object_get(doc, "title")), (long long)json_integer_value(json_object_get(c, "enterprises")),
               (long long)json_integer_value(json_object_get(c, "covered")), json_number_value(json_object_get(c, "rate")),
               json_number_value(json_object_get(c, "change")), out);
    }
    json_decref(doc);
    db_close(d);
    bulletin_render_shutdown();
    return rc;
}
