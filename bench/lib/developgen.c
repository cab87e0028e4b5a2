/* developgen — N applicants for party membership in every stage, for bench/development.
 *
 *   developgen DBURL N TODAY
 *
 * DBURL is a database `ejia demo` filled (SQLite file or PostgreSQL URL): the
 * applicants go to its living branches in turn.  Applicant i applied on a day
 * of the eight years before TODAY and went as far as the days allow, each step
 * a plausible interval after the one it counts from — talk 5–45 days after the
 * application (a month allowed: some late), activist 20–80 days, target 12–14
 * months later, review and training within weeks, the vote 2–3 months after the
 * target, approval 10–120 days after the vote (three months allowed), the full
 * member a year and up to a month after the vote — and stops at random on the
 * way (one in five at each stage) or where the next day would pass TODAY; one
 * probationer in twenty-five is cancelled.  Every draw is arithmetic on i, so
 * both databases get the same files.
 *
 * The rows are written plainly (one transaction, no audit: a load, not a
 * secretary's acts; the ID columns are unique placeholders), then every file's
 * kept fields — stage, next step and its due day, vote days, the stretches of
 * develop_due — are worked out by the program's own develop_store_rebuild,
 * the function that runs after migration 0045.  Linked against build/libejia.a. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "db/db.h"
#include "develop/develop.h"
#include "develop/develop_store.h"

static uint32_t mix(uint32_t x) {
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}
/* draw k of applicant i in [lo, hi] */
static int draw(int64_t i, int k, int lo, int hi) { return lo + (int)(mix((uint32_t)(i * 131 + k)) % (uint32_t)(hi - lo + 1)); }

static const char *const CATS[] = {"互联网信息服务", "软件和信息技术服务", "电子商务", "数字内容", "金融科技", "其他"};
static const char *const SUR[] = {"陈", "林", "黄", "张", "李", "王", "吴", "刘", "蔡", "杨", "郑", "许"};
static const char *const GIV[] = {"明轩", "思琪", "浩宇", "欣妍", "宇航", "雅婷", "志远", "晓东", "建华", "诗涵"};

typedef struct org_row { int64_t id; char path[256], district[8], park[16]; } org_row;

static int fail(const err *e) {
    fprintf(stderr, "developgen: %s\n", e->msg);
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: developgen DBURL N TODAY\n");
        return 2;
    }
    const char *url = argv[1], *today = argv[3];
    long n = atol(argv[2]);
    err e;
    err_clear(&e);
    int cargc = 3;
    char *cargv[] = {"developgen", "--db", (char *)url, NULL};
    if (cfg_load(&cargc, cargv, &e)) return fail(&e);
    db *d = NULL;
    int applied = 0;
    if (db_open(url, &d, &e) || db_migrate(d, &applied, &e)) return fail(&e);

    /* the living branches */
    json_t *rows = NULL;
    if (db_query_json(d, &rows,
                      "SELECT id, path, COALESCE(district_code, '') AS district, COALESCE(park_code, '') AS park FROM org "
                      "WHERE kind IN ('党支部', '联合党支部') AND dissolved_on IS NULL ORDER BY id",
                      &e, ""))
        return fail(&e);
    size_t no = json_array_size(rows);
    if (!no) {
        fprintf(stderr, "developgen: no living branch in %s (fill it with `ejia demo` first)\n", url);
        return 1;
    }
    org_row *orgs = calloc(no, sizeof *orgs);
    for (size_t k = 0; k < no; k++) {
        json_t *o = json_array_get(rows, k);
        orgs[k].id = json_integer_value(json_object_get(o, "id"));
        snprintf(orgs[k].path, sizeof orgs[k].path, "%s", json_string_value(json_object_get(o, "path")));
        snprintf(orgs[k].district, sizeof orgs[k].district, "%s", json_string_value(json_object_get(o, "district")));
        snprintf(orgs[k].park, sizeof orgs[k].park, "%s", json_string_value(json_object_get(o, "park")));
    }
    json_decref(rows);

    int64_t first = 0;
    if (db_begin(d, &e) || db_query_int(d, &first, "SELECT COALESCE(MAX(id), 0) FROM develop_applicant", &e, "")) return fail(&e);
    char start[11];
    develop_add_months(today, -96, start);
    int span = develop_days_between(start, today);
    for (long i = 1; i <= n; i++) {
        const org_row *o = &orgs[(size_t)(i % (long)no)];
        char day[11], name[32], birth[11], key[32], masked[24];
        develop_add_days(start, draw(i, 1, 0, span), day);
        snprintf(name, sizeof name, "%s%s", SUR[draw(i, 2, 0, 11)], GIV[draw(i, 3, 0, 9)]);
        develop_add_days(day, -draw(i, 4, 19 * 365, 35 * 365), birth);
        snprintf(key, sizeof key, "bench-%ld", i);
        snprintf(masked, sizeof masked, "3502**********%04ld", i % 10000);
        int64_t id = 0;
        if (db_query_int(d, &id,
                         "INSERT INTO develop_applicant(name, gender, birth_date, id_key, id_sealed, id_masked, education, "
                         "ent_category, org_id, org_path, district_code, park_code, stage, status, applied_on, created_at, "
                         "updated_at) VALUES ($1, $2, $3, $4, 'bench', $5, '大学本科', $6, $7, $8, NULLIF($9, ''), "
                         "NULLIF($10, ''), '入党申请人', 'active', $11, 0, 0) RETURNING id",
                         &e, "tttttti" "tttt", name, draw(i, 5, 0, 1) ? "男" : "女", birth, key, masked,
                         CATS[draw(i, 6, 0, 5)], o->id, o->path, o->district, o->park, day))
            return fail(&e);
        /* the steps: code, days after the step it counts from (a negative count: months) */
        static const struct { const char *code; int from; int lo, hi; bool months; } plan[] = {
            {"apply", -1, 0, 0, false},       {"talk", 0, 5, 45, false},      {"activist", 0, 20, 80, false},
            {"target", 2, 12, 14, true},      {"review", 3, 5, 30, false},    {"training", 3, 20, 50, false},
            {"vote", 3, 60, 90, false},       {"approve", 6, 10, 120, false}, {"full", 6, 365, 395, false},
        };
        char days[9][11];
        for (int s = 0; s < 9; s++) {
            if (s == 0) {
                snprintf(days[0], sizeof days[0], "%s", day);
            } else {
                /* stop at random at a stage's end, or where the day would pass today */
                if ((s == 2 || s == 3 || s == 6 || s == 8) && draw(i, 10 + s, 0, 4) == 0) break;
                int k = draw(i, 20 + s, plan[s].lo, plan[s].hi);
                if (plan[s].months) develop_add_months(days[plan[s].from], k, days[s]);
                else develop_add_days(days[plan[s].from], k, days[s]);
                if (plan[s].months && plan[s].code[0] == 't') develop_add_days(days[s], draw(i, 30, 0, 20), days[s]);
                if (strcmp(days[s], today) > 0) break;
                if (s == 8 && draw(i, 31, 0, 24) == 0) {   /* cancelled instead of made full */
                    develop_add_days(days[6], draw(i, 32, 120, 300), days[s]);
                    if (strcmp(days[s], today) > 0) break;
                    if (db_run(d, "INSERT INTO develop_record(applicant_id, step, day, note, actor, created_at) "
                                  "VALUES ($1, 'cancel', $2, '不具备党员条件', 'bench', 0)", &e, "it", id, days[s]))
                        return fail(&e);
                    break;
                }
            }
            if (db_run(d,
                       "INSERT INTO develop_record(applicant_id, step, day, days, hours, actor, created_at) "
                       "VALUES ($1, $2, $3, $4, $5, 'bench', 0)",
                       &e, "ittii", id, plan[s].code, days[s], s == 5 ? 3 : 0, s == 5 ? 24 : 0))
                return fail(&e);
        }
        if (i % 20000 == 0) fprintf(stderr, "developgen: %ld applicants\n", i);
    }
    if (db_commit(d, &e)) return fail(&e);
    int64_t files = 0;
    if (db_run(d, "INSERT INTO meta(key, value) VALUES ('develop-due-stale', 'yes') ON CONFLICT (key) DO NOTHING", &e, "") ||
        develop_store_rebuild(d, &files, &e))
        return fail(&e);
    fprintf(stderr, "developgen: %lld files worked out (first id %lld)\n", (long long)files, (long long)first + 1);
    free(orgs);
    db_close(d);
    cfg_free();
    return 0;
}
