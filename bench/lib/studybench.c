/* studybench — times the study-hours figures of issue 16 on a bench registry, for bench/study.
 *
 *   studybench DBURL migrate              apply the migrations (0055, 0059) and, when the registry's
 *                                         counters are stale, recount them (what `ejia serve` does at start)
 *   studybench DBURL measure YEAR REPEAT [city]   the figures ("city": only the city's completion)
 *
 * measure, on one connection as the command line's actor (the whole city, uc_cli):
 *   study_progress_store_upgrade        the kept sums counted from the credits (once: the bench
 *                                       writes the credits around the store, as after a change of
 *                                       the requirement)
 *   study_progress_store_figures        the city's completion (members, reached, share, minutes by
 *                                       category; ≤ 1 s), the city ranked by district, a district
 *                                       ranked by organization, a branch's drill-down (its members not
 *                                       reached, first page of 50, and every member by hours)
 *   study_progress_store_plain          the peer: the same summary by a direct GROUP BY over the
 *                                       credits joined to the members (no kept sums), for the city and
 *                                       the district — and the two must agree exactly
 * each REPEAT times (ms; the median with the min and max).  The same functions the routes call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "base/uc.h"
#include "core/arena.h"
#include "core/config.h"
#include "db/db.h"
#include "member/tally.h"
#include "study/study_progress_store.h"

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
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
    fprintf(stderr, "studybench: %s\n", e->msg);
    return 1;
}
static int64_t geti(json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }

int main(int argc, char **argv) {
    if (argc < 3 || (strcmp(argv[2], "migrate") && (strcmp(argv[2], "measure") || argc < 5 || argc > 6))) {
        fprintf(stderr, "usage: studybench DBURL migrate | studybench DBURL measure YEAR REPEAT [city]\n");
        return 2;
    }
    const char *url = argv[1];
    err e;
    err_clear(&e);
    int cargc = 3;
    char *cargv[] = {"studybench", "--db", (char *)url, NULL};
    if (cfg_load(&cargc, cargv, &e)) return fail(&e);
    db *d = NULL;
    int applied = 0;
    if (db_open(url, &d, &e) || db_migrate(d, &applied, &e)) return fail(&e);
    if (!strcmp(argv[2], "migrate")) {
        int64_t n = 0;
        double t0 = now_ms();
        if (tally_store_upgrade(d, &n, &e)) return fail(&e);
        printf("migrations applied: %d; the registry's counters recounted for %lld members in %.1f s\n", applied, (long long)n,
               (now_ms() - t0) / 1e3);
        db_close(d);
        return 0;
    }
    int year = atoi(argv[3]), rep = atoi(argv[4]);
    if (rep < 1) rep = 1;
    if (rep > 64) rep = 64;
    arena mem;
    uc c;
    double t[64];
    char extra[200];

    int64_t rows = 0;
    double t0 = now_ms();
    if (study_progress_store_upgrade(d, &rows, &e)) return fail(&e);
    printf("%-58s %10.1f ms  → %lld member-years filed\n", "(setup) the kept sums counted from the credits", now_ms() - t0,
           (long long)rows);

    /* the district and the branch of the drill-down: the district with most members, its largest branch */
    char *district = NULL;
    int64_t branch = 0;
    if (db_query_text(d, &district, "SELECT district_code FROM member WHERE district_code IS NOT NULL GROUP BY district_code ORDER BY COUNT(*) DESC LIMIT 1", &e, "") ||
        db_query_int(d, &branch,
                     "SELECT y.org_id FROM study_org_year y JOIN org o ON o.id = y.org_id WHERE o.district_code = $1 AND y.year = $2 "
                     "ORDER BY y.minutes DESC, y.org_id LIMIT 1",
                     &e, "ti", district, (int64_t)year))
        return fail(&e);

    json_t *kept_city = NULL, *kept_dist = NULL;
    struct {
        const char *what;
        study_unit u;
        const char *by;
        double target;
        json_t **keep;
    } q[] = {{"figures: the city's completion (summary, by category)", {"city", NULL, 0}, NULL, 1000, &kept_city},
             {"figures: the city ranked by district", {"city", NULL, 0}, "district", 1000, NULL},
             {"figures: a district's completion (summary)", {"district", district, 0}, NULL, 0, &kept_dist},
             {"figures: a district ranked by organization", {"district", district, 0}, "org", 0, NULL},
             {"figures: a branch's completion (summary)", {"org", NULL, branch}, NULL, 0, NULL}};
    bool only_city = argc == 6 && !strcmp(argv[5], "city");
    for (size_t k = 0; k < (only_city ? 1 : sizeof q / sizeof *q); k++) {
        for (int i = 0; i < rep; i++) {
            arena_init(&mem, 0);
            uc_cli(&c, d, &mem);
            json_t *f = NULL;
            double t1 = now_ms();
            if (study_progress_store_figures(&c, &q[k].u, year, q[k].by, &f, &e)) return fail(&e);
            t[i] = now_ms() - t1;
            snprintf(extra, sizeof extra, "  → %lld members, %lld reached (%s), %lld rows", (long long)geti(f, "members"),
                     (long long)geti(f, "reached"), json_string_value(json_object_get(f, "share")),
                     (long long)json_array_size(json_object_get(f, "rows")));
            if (q[k].keep && i == 0) *q[k].keep = json_deep_copy(f);
            arena_free(&mem);
        }
        show(q[k].what, t, rep, q[k].target, extra);
    }
    if (only_city) {
        json_decref(kept_city);
        free(district);
        db_close(d);
        return 0;
    }
    /* a branch's drill-down: its members not reached (first page), and every member ranked by hours */
    struct {
        const char *what;
        int reached;
        const char *order;
    } m[] = {{"drill-down: a branch's members not reached (page of 50)", 0, "q.name_key, q.person_id"},
             {"drill-down: a branch's members by hours (page of 50)", -1, "q.minutes DESC, q.person_id"},
             {"drill-down: the city's members not reached (page of 50)", 0, "q.name_key, q.person_id"}};
    for (size_t k = 0; k < sizeof m / sizeof *m; k++) {
        study_unit u = k < 2 ? (study_unit){"org", NULL, branch} : (study_unit){"city", NULL, 0};
        for (int i = 0; i < rep; i++) {
            arena_init(&mem, 0);
            uc_cli(&c, d, &mem);
            json_t *items = NULL;
            int64_t total = 0;
            uc_page pg = {50, 0, m[k].order};
            double t1 = now_ms();
            if (study_progress_store_members(&c, &u, false, year, m[k].reached, &pg, &items, &total, &e)) return fail(&e);
            t[i] = now_ms() - t1;
            snprintf(extra, sizeof extra, "  → %lld members, %zu on the page", (long long)total, json_array_size(items));
            arena_free(&mem);
        }
        show(m[k].what, t, rep, 0, extra);
    }
    /* the peer: a direct GROUP BY over the credits; the figures must agree exactly */
    struct {
        const char *what;
        study_unit u;
        json_t *kept;
    } p[] = {{"peer: the city by a GROUP BY over the credits", {"city", NULL, 0}, kept_city},
             {"peer: the district by a GROUP BY over the credits", {"district", district, 0}, kept_dist}};
    int bad = 0;
    for (size_t k = 0; k < sizeof p / sizeof *p; k++) {
        json_t *f = NULL;
        for (int i = 0; i < rep; i++) {
            arena_init(&mem, 0);
            uc_cli(&c, d, &mem);
            double t1 = now_ms();
            if (study_progress_store_plain(&c, &p[k].u, year, &f, &e)) return fail(&e);
            t[i] = now_ms() - t1;
            bool same = geti(f, "members") == geti(p[k].kept, "members") && geti(f, "reached") == geti(p[k].kept, "reached") &&
                        geti(f, "minutes") == geti(p[k].kept, "minutes");
            snprintf(extra, sizeof extra, "  → %lld members, %lld reached, %lld min: %s the kept figures", (long long)geti(f, "members"),
                     (long long)geti(f, "reached"), (long long)geti(f, "minutes"), same ? "agrees with" : "DIFFERS from");
            bad |= !same;
            arena_free(&mem);
        }
        show(p[k].what, t, rep, 0, extra);
    }
    json_decref(kept_city);
    json_decref(kept_dist);
    free(district);
    db_close(d);
    return bad;
}
