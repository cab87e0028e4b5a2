/* bulletin — `ejia bulletin`: write the 旬 bulletin of one period to a file
 * (HTML, xlsx or PDF), and optionally issue it (keep its figures as
 * announced), through the same store functions as the API: issuing is the
 * audited use case bulletin.issue, the file an audited export
 * (bulletin.export), both by the operating-system user.
 *   ejia bulletin --db DB --period 2018-04-3 --format pdf|xlsx|html --out FILE [--issue]
 *   ejia bulletin list --db DB */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bulletin/bulletin.h"

int cli_bulletin(int argc, char **argv);

static int bulletin_usage(void) {
    fprintf(stderr, "用法 usage: ejia bulletin --db DB --period 2018-04-3 --format pdf|xlsx|html --out FILE [--issue]\n"
                    "            ejia bulletin list --db DB\n"
                    "  --period  年-月-旬（1 上旬 1–10 日，2 中旬 11–20 日，3 下旬 21 日–月末）\n");
    return 2;
}

static int bulletin_list_cmd(uc *c) {
    err e;
    err_clear(&e);
    json_t *items = NULL;
    int64_t total = 0;
    uc_page page = {1000, 0, NULL};
    if (bulletin_store_list(c, NULL, &page, &items, &total, &e)) return cli_fail(&e);
    printf("已发布旬报 %lld 期 / issued bulletins:\n", (long long)total);
    size_t i;
    json_t *r;
    json_array_foreach(items, i, r) {
        json_t *city = json_object_get(r, "city");
        printf("  %s  %-16s 覆盖率 %5.1f%%  发布者 %s\n", json_string_value(json_object_get(r, "period")),
               json_string_value(json_object_get(r, "title")), json_number_value(json_object_get(city, "rate")),
               json_string_value(json_object_get(r, "issued_by")));
    }
    json_decref(items);
    return 0;
}

static st bulletin_write_html(const bulletin_doc *doc, const char *out, err *e) {
    buf b;
    buf_init(&b, 0);
    st s = bulletin_render_html(doc, &b, e);
    FILE *f = s ? NULL : fopen(out, "wb");
    if (!s && (!f || fwrite(b.data, 1, b.len, f) != b.len)) s = err_set(e, ST_IO, "无法写入文件 %s。", out);
    if (f && fclose(f) && !s) s = err_set(e, ST_IO, "无法写入文件 %s。", out);
    buf_free(&b);
    return s;
}

/* The file, then its audit row; without the row the file goes again. */
static st bulletin_write(uc *c, const bulletin_doc *doc, const char *format, const char *out, err *e) {
    st s = !strcmp(format, "pdf")    ? bulletin_render_pdf(doc, out, e)
           : !strcmp(format, "xlsx") ? bulletin_render_xlsx(doc, out, e)
                                     : bulletin_write_html(doc, out, e);
    if (!s && (s = bulletin_store_exported(c, doc, format, e))) unlink(out);
    return s;
}

static int bulletin_cmd(uc *c, const org_xun *x, bool issue, const char *format, const char *out) {
    err e;
    err_clear(&e);
    bulletin_doc *doc = NULL;
    st s = issue ? bulletin_store_issue(c, x, "cli", &doc, &e) : bulletin_store_get(c, x, &doc, &e);
    if (!s) s = bulletin_write(c, doc, format, out, &e);
    if (s) return cli_fail(&e);
    printf("%s：企业 %lld 家，已覆盖 %lld 家，覆盖率 %.1f%%（较上期 %+.1f 个百分点）→ %s\n", doc->title,
           (long long)doc->city.enterprises, (long long)doc->city.covered, doc->city.rate, doc->city.change, out);
    return 0;
}

int cli_bulletin(int argc, char **argv) {
    bool list = argc > 1 && !strcmp(argv[1], "list");
    const char *period = cli_flag(argc, argv, "period"), *format = cli_flag(argc, argv, "format"),
               *out = cli_flag(argc, argv, "out");
    org_xun x;
    if (!list) {
        if (!period || !out) return bulletin_usage();
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
    }
    db *d = cli_open_db();
    if (!d) return 1;
    arena mem;
    arena_init(&mem, 0);
    uc c;
    uc_cli(&c, d, &mem);
    int rc = list ? bulletin_list_cmd(&c) : bulletin_cmd(&c, &x, cli_has(argc, argv, "issue"), format, out);
    arena_free(&mem);
    db_close(d);
    if (!list) bulletin_render_shutdown();
    return rc;
}
