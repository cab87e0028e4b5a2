/* duesbench — times the dues store's figures of issue 17 on a bench registry, for bench/dues.
 *
 *   duesbench DBURL MONTH REPEAT
 *
 * On one connection, as the command line's actor (the whole city, uc_cli):
 *   dues_store_sheets_make(MONTH)    every organization's sheet for the month, one audited act;
 *                                    the first run writes every line, the next REPEAT - 1 bring the
 *                                    sheets up to date (every unpaid line made again)
 *   then, one in three lines marked paid in SQL (so the report sums something), and
 *   dues_report_store_report          the city's collection report of MONTH (by=city), by district,
 *                                    by organization (first page of 50, largest due first), and the
 *                                    city for MONTH's year (the sheets of every month made so far)
 * each REPEAT times (ms; the median printed with the min and max).  The same functions the
 * server's routes call; HTTP adds its JSON.  Linked against build/libejia.a. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "base/uc.h"
#include "core/arena.h"
#include "core/config.h"
#include "db/db.h"
#include "dues/dues_report.h"
#include "dues/dues_report_store.h"
#include "dues/dues_store.h"

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}
/* the process's CPU seconds (user + system): the machine is shared, so the wall time of a
   figure is shown beside the CPU it took */
static double cpu_s(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}
static int cmpd(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
static void show(const char *what, double *v, int n, double target, const char *extra) {
    double w[64];
    memcpy(w, v, sizeof *v * (size_t)n);
    qsort(w, (size_t)n, sizeof *w, cmpd);
    double med = n % 2 ? w[n / 2] : (w[n / 2 - 1] + w[n / 2]) / 2;
    printf("%-58s %10.1f ms  (n %d, min %.1f, max %.1f", what, med, n, w[0], w[n - 1]);
    if (target > 0) printf("; target ≤ %.0f ms: %s", target, med <= target ? "met" : "MISSED");
    printf(")%s\n", extra ? extra : "");
    fflush(stdout);
}
static int fail(const err *e) {
    fprintf(stderr, "duesbench: %s\n", e->msg);
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: duesbench DBURL MONTH REPEAT\n");
        return 2;
    }
    const char *url = argv[1], *month = argv[2];
    int rep = atoi(argv[3]);
    if (rep < 1) rep = 1;
    if (rep > 64) rep = 64;
    err e;
    err_clear(&e);
    int cargc = 3;
    char *cargv[] = {"duesbench", "--db", (char *)url, NULL};
    if (cfg_load(&cargc, cargv, &e)) return fail(&e);
    db *d = NULL;
    int applied = 0;
    if (db_open(url, &d, &e) || db_migrate(d, &applied, &e)) return fail(&e);
    arena mem;
    uc c;
    double t[64];
    int64_t sheets = 0, lines = 0;

    /* the sheets: made, then brought up to date */
    for (int i = 0; i < rep; i++) {
        arena_init(&mem, 0);
        uc_cli(&c, d, &mem);
        double t0 = now_ms(), c0 = cpu_s();
        if (dues_store_sheets_make(&c, month, &sheets, &lines, &e)) return fail(&e);
        t[i] = now_ms() - t0;
        double cpu = cpu_s() - c0;
        arena_free(&mem);
        char x[160];
        snprintf(x, sizeof x, "  (duesbench CPU %.1f s; the database's own on PostgreSQL not counted)%s%lld sheets, %lld lines", cpu,
                 i ? "" : "  → ", i ? 0LL : (long long)sheets, i ? 0LL : (long long)lines);
        if (i) snprintf(x, sizeof x, "  (duesbench CPU %.1f s)", cpu);
        printf("%-58s %10.1f ms%s\n", i ? "dues_store_sheets_make (brought up to date)" : "dues_store_sheets_make (first: every line written)",
               t[i], x);
        fflush(stdout);
    }
    show("dues_store_sheets_make, median of all runs", t, rep, 30000, NULL);

    /* a third of the month's lines paid, as payments would have left them (the sums follow) */
    double t0 = now_ms();
    if (db_run(d, "UPDATE dues_line SET state = 'paid', paid_fen = due_fen WHERE month = $1 AND state = 'owed' AND person_id % 3 = 0", &e, "t",
               month) ||
        db_run(d,
               "UPDATE dues_sheet SET paid_fen = a.paid, paid_members = a.pm FROM (SELECT l.sheet_id, "
               "SUM(CASE WHEN l.state = 'paid' THEN l.paid_fen ELSE 0 END) AS paid, "
               "SUM(CASE WHEN l.state IN ('paid', 'waived') THEN 1 ELSE 0 END) AS pm FROM dues_line l WHERE l.month = $1 "
               "GROUP BY l.sheet_id) a WHERE dues_sheet.id = a.sheet_id",
               &e, "t", month))
        return fail(&e);
    printf("%-58s %10.1f ms\n", "(setup, not a figure: a third of the lines marked paid)", now_ms() - t0);

    struct {
        const char *what, *by, *period;
        double target;
    } q[] = {{"report: the city, the month (by=city)", "city", month, 1000},
             {"report: the month by district", "district", month, 1000},
             {"report: the month by organization, first page of 50", "org", month, 0},
             {"report: the city, the year to date (by=city)", "city", NULL, 0}};
    char year[8];
    snprintf(year, sizeof year, "%.4s", month);
    q[3].period = year;
    for (size_t k = 0; k < sizeof q / sizeof *q; k++) {
        dues_period p;
        if (dues_period_parse(q[k].period, &p, &e)) return fail(&e);
        char extra[160] = "";
        for (int i = 0; i < rep; i++) {
            arena_init(&mem, 0);
            uc_cli(&c, d, &mem);
            dues_report_filter f = {0};
            uc_page pg = {50, 0, "q.due_fen DESC, q.code"};
            json_t *items = NULL, *sum = NULL;
            int64_t total = 0;
            double t1 = now_ms();
            if (dues_report_store_report(&c, &p, q[k].by, &f, &pg, &items, &total, &sum, &e)) return fail(&e);
            t[i] = now_ms() - t1;
            snprintf(extra, sizeof extra, "  → %lld rows; due %s 元, paid %s 元, %s", (long long)total,
                     json_string_value(json_object_get(sum, "due")), json_string_value(json_object_get(sum, "paid")),
                     json_string_value(json_object_get(sum, "rate_text")));
            arena_free(&mem);
        }
        show(q[k].what, t, rep, q[k].target, extra);
    }
    db_close(d);
    return 0;
}
