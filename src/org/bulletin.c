/* bulletin — see bulletin.h.  The document is plain JSON so that one shape
 * feeds the API, the stored copy and the three renderings:
 *   {period, title, first_day, last_day, prev_period, prev_day, prev_source
 *    ("issued" | "computed"), generated_at, issued, issued_at, issued_by,
 *    city: {...}, rows: [{code, name, enterprises, covered, rate, work_covered,
 *    work_rate, prev_covered, prev_rate, change, new_orgs, upgrades, findings,
 *    should_form, rank}], notes: [..]}
 * rate and change are percentages (change in percentage points). */
#include "bulletin.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/log.h"
#include "org/cov.h"
#include "org/findings.h"
#include "org/org_store.h"

static json_int_t bulletin_i(const json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }
static double bulletin_f(const json_t *o, const char *k) { return json_number_value(json_object_get(o, k)); }

/* Events of a kind per district in [from, to]. */
static st bulletin_events(db *d, const char *kind, const char *from, const char *to, json_t *rows, const char *field,
                          err *e) {
    db_stmt *q;
    st s = db_prepare(d,
                      "SELECT v.district_code, COUNT(*) FROM org_event v JOIN org o ON o.id = v.org_id "
                      "WHERE v.kind = $1 AND v.day >= $2 AND v.day <= $3 AND o.kind <> '工委' GROUP BY v.district_code",
                      &q, e);
    if (s) return s;
    db_bind_text(q, 1, kind);
    db_bind_text(q, 2, from);
    db_bind_text(q, 3, to);
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        const char *dc = db_col_text(q, 0);
        json_t *row = dc ? json_object_get(rows, dc) : NULL;
        if (row) json_object_set_new(row, field, json_integer(db_col_int(q, 1)));
    }
    db_reset(q);
    return r == DB_ERROR ? e->code : ST_OK;
}

static int bulletin_rank_cmp(const void *a, const void *b) {
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    double rx = bulletin_f(x, "rate"), ry = bulletin_f(y, "rate");
    if (rx != ry) return rx < ry ? 1 : -1;
    double cx = bulletin_f(x, "change"), cy = bulletin_f(y, "change");
    if (cx != cy) return cx < cy ? 1 : -1;
    return strcmp(json_string_value(json_object_get(x, "code")), json_string_value(json_object_get(y, "code")));
}

static st bulletin_stored(db *d, const char *period, json_t **doc, err *e) {
    char *txt = NULL;
    st s = db_query_text(d, &txt, "SELECT data FROM bulletin WHERE period = $1", e, "t", period);
    if (s) return s;
    json_error_t je;
    *doc = json_loads(txt, 0, &je);
    free(txt);
    if (!*doc) return err_set(e, ST_INTERNAL, "已发布的 %s 通报数据损坏：%s", period, je.text);
    return ST_OK;
}

st bulletin_compute(db *d, const org_xun *x, json_t **out, err *e) {
    char first[11], last[11], plast[11], period[16], pperiod[16], title[64];
    org_xun p = org_xun_prev(x);
    org_xun_first(x, first);
    org_xun_last(x, last);
    org_xun_last(&p, plast);
    org_xun_format(x, period);
    org_xun_format(&p, pperiod);
    org_xun_title(x, title, sizeof title);
    /* One row per district of the city, in code order. */
    json_t *dist = NULL, *now = NULL, *before = NULL, *prevdoc = NULL, *fnd = NULL;
    st s = db_query_json(d, &dist, "SELECT code, name FROM region WHERE kind = 'district' ORDER BY code", e, "");
    if (!s) s = cov_figures(d, last, COV_DISTRICT, "city", "", &now, e);
    const char *prev_source = "computed";
    if (!s) {
        st ps = bulletin_stored(d, pperiod, &prevdoc, e);
        if (ps == ST_OK) prev_source = "issued";
        else if (ps != ST_NOT_FOUND) s = ps;
        else s = cov_figures(d, plast, COV_DISTRICT, "city", "", &before, e);
    }
    if (!s) s = org_findings_by_district(d, last, &fnd, e);
    json_t *rows = json_object();   /* code -> row, while filling */
    size_t i;
    json_t *v;
    if (!s) json_array_foreach(dist, i, v) {
        const char *code = json_string_value(json_object_get(v, "code"));
        json_object_set_new(rows, code, json_pack("{s:s,s:O,s:i,s:i,s:f,s:i,s:f,s:i,s:f,s:f,s:i,s:i,s:i,s:i,s:i}", "code", code,
                                                  "name", json_object_get(v, "name"), "enterprises", 0, "covered", 0,
                                                  "rate", 0.0, "work_covered", 0, "work_rate", 0.0, "prev_covered", 0,
                                                  "prev_rate", 0.0, "change", 0.0, "new_orgs", 0, "upgrades", 0,
                                                  "findings", 0, "should_form", 0, "rank", 0));
    }
    if (!s) json_array_foreach(now, i, v) {
        json_t *row = json_object_get(rows, json_string_value(json_object_get(v, "key")) ? json_string_value(json_object_get(v, "key")) : "");
        if (!row) continue;
        json_object_set(row, "enterprises", json_object_get(v, "enterprises"));
        json_object_set(row, "covered", json_object_get(v, "covered"));
        json_object_set(row, "rate", json_object_get(v, "rate"));
        json_object_set(row, "work_covered", json_object_get(v, "work_covered"));
        json_object_set(row, "work_rate", json_object_get(v, "work_rate"));
    }
    json_t *prev_rows = prevdoc ? json_object_get(prevdoc, "rows") : before;
    if (!s) json_array_foreach(prev_rows, i, v) {
        const char *code = json_string_value(json_object_get(v, prevdoc ? "code" : "key"));
        json_t *row = code ? json_object_get(rows, code) : NULL;
        if (!row) continue;
        json_object_set(row, "prev_covered", json_object_get(v, "covered"));
        json_object_set(row, "prev_rate", json_object_get(v, "rate"));
    }
    if (!s) s = bulletin_events(d, "established", first, last, rows, "new_orgs", e);
    if (!s) s = bulletin_events(d, "upgraded", first, last, rows, "upgrades", e);
    if (!s) {
        const char *code;
        json_object_foreach(fnd, code, v) {
            json_t *row = json_object_get(rows, code);
            if (!row) continue;
            json_object_set(row, "findings", json_object_get(v, "findings"));
            json_object_set(row, "should_form", json_object_get(v, "should_form"));
        }
    }
    json_t *arr = json_array(), *city = NULL;
    if (!s) {
        json_int_t tn = 0, tc = 0, tw = 0, tp = 0, tnew = 0, tup = 0, tf = 0, tsf = 0;
        const char *code;
        json_object_foreach(rows, code, v) {
            double ch = bulletin_f(v, "rate") - bulletin_f(v, "prev_rate");
            /* rounded to 0.1 point, like the rates */
            json_object_set_new(v, "change", json_real((double)(long)(ch * 10 + (ch >= 0 ? 0.5 : -0.5)) / 10.0));
            json_array_append(arr, v);
            tn += bulletin_i(v, "enterprises");
            tc += bulletin_i(v, "covered");
            tw += bulletin_i(v, "work_covered");
            tp += bulletin_i(v, "prev_covered");
            tnew += bulletin_i(v, "new_orgs");
            tup += bulletin_i(v, "upgrades");
            tf += bulletin_i(v, "findings");
            tsf += bulletin_i(v, "should_form");
        }
        size_t n = json_array_size(arr);
        json_t **sorted = calloc(n ? n : 1, sizeof *sorted);
        for (size_t k = 0; sorted && k < n; k++) sorted[k] = json_array_get(arr, k);
        if (sorted) qsort(sorted, n, sizeof *sorted, bulletin_rank_cmp);
        json_t *ranked = json_array();
        for (size_t k = 0; sorted && k < n; k++) {
            json_object_set_new(sorted[k], "rank", json_integer((json_int_t)k + 1));
            json_array_append(ranked, sorted[k]);
        }
        free(sorted);
        json_decref(arr);
        arr = ranked;
        /* the city's previous rate: from the issued city line, else from the districts */
        double prate = prevdoc ? bulletin_f(json_object_get(prevdoc, "city"), "rate") : 0.0;
        json_int_t pn = 0;
        if (!prevdoc) json_array_foreach(before, i, v) pn += bulletin_i(v, "enterprises");
        if (!prevdoc) prate = cov_rate(tp, pn);
        double rate = cov_rate(tc, tn), ch = rate - prate;
        char *cname = NULL;
        if (db_query_text(d, &cname, "SELECT name FROM region WHERE kind = 'city' ORDER BY code LIMIT 1", NULL, "")) cname = NULL;
        city = json_pack("{s:s,s:I,s:I,s:f,s:I,s:f,s:I,s:f,s:f,s:I,s:I,s:I,s:I}", "name", cname ? cname : "全市",
                         "enterprises", tn, "covered", tc, "rate", rate, "work_covered", tw, "work_rate", cov_rate(tw, tn),
                         "prev_covered", prevdoc ? bulletin_i(json_object_get(prevdoc, "city"), "covered") : tp,
                         "prev_rate", prate, "change", (double)(long)(ch * 10 + (ch >= 0 ? 0.5 : -0.5)) / 10.0,
                         "new_orgs", tnew, "upgrades", tup, "findings", tf, "should_form", tsf);
        free(cname);
    }
    json_decref(dist);
    json_decref(now);
    json_decref(before);
    json_decref(prevdoc);
    json_decref(fnd);
    json_decref(rows);
    if (s) {
        json_decref(arr);
        json_decref(city);
        return s;
    }
    char gen[32];
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(gen, sizeof gen, "%Y-%m-%d %H:%M", &tm);
    char n1[200], n2[200], n3[200];
    snprintf(n1, sizeof n1, "统计口径：最终台账中的互联网企业（不含僵尸企业），截至 %s。", last);
    snprintf(n2, sizeof n2, "覆盖率＝已建党组织覆盖的企业数 ÷ 企业总数；工作覆盖另计选派党建指导员的企业。");
    snprintf(n3, sizeof n3, "较上期变化对比%s%s通报（截至 %s）；新建、升格为本旬（%s 至 %s）的数量。",
             !strcmp(prev_source, "issued") ? "已发布的" : "", pperiod, plast, first, last);
    *out = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:o,s:o,s:[s,s,s,s]}", "period", period, "title", title,
                     "first_day", first, "last_day", last, "prev_period", pperiod, "prev_day", plast, "prev_source",
                     prev_source, "generated_at", gen, "issued", 0, "city", city, "rows", arr, "notes", n1, n2, n3,
                     "待办事项＝应建未建、联合组建、选派指导员、应设支委会、可升格、应拆分等规则提示（阈值见系统设置）。");
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

st bulletin_get(db *d, const org_xun *x, json_t **out, err *e) {
    char period[16];
    org_xun_format(x, period);
    db_stmt *q;
    st s = db_prepare(d, "SELECT data, issued_by, issued_at FROM bulletin WHERE period = $1", &q, e);
    if (s) return s;
    db_bind_text(q, 1, period);
    int r = db_step(q, e);
    json_t *doc = NULL;
    if (r == DB_ROW) {
        doc = json_loads(db_col_text(q, 0), 0, NULL);
        if (doc) {
            json_object_set_new(doc, "issued", json_true());
            json_object_set_new(doc, "issued_by", json_string(db_col_text(q, 1)));
            json_object_set_new(doc, "issued_at", json_integer(db_col_int(q, 2)));
        }
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r == DB_ROW && !doc) return err_set(e, ST_INTERNAL, "已发布的 %s 通报数据损坏。", period);
    if (doc) {
        *out = doc;
        return ST_OK;
    }
    return bulletin_compute(d, x, out, e);
}

st bulletin_issue(db *d, const org_xun *x, const char *by, json_t **out, err *e) {
    char period[16], first[11], last[11], today[11];
    org_xun_format(x, period);
    org_xun_first(x, first);
    org_xun_last(x, last);
    org_today(today);
    if (strcmp(last, today) >= 0)
        return err_field(e, ST_INVALID, "period", "%s 尚未结束（截至 %s），旬报须在该旬结束后发布；可先预览。", period, last);
    /* Compute first, outside the write transaction: at a province's size it
     * takes seconds, and SQLite would hold every other writer meanwhile. */
    int64_t n = 0;
    st s = db_query_int(d, &n, "SELECT COUNT(*) FROM bulletin WHERE period = $1", e, "t", period);
    if (!s && n) return err_field(e, ST_CONFLICT, "period", "%s 的旬报已经发布过，不能重复发布。", period);
    json_t *doc = NULL;
    if (!s) s = bulletin_compute(d, x, &doc, e);
    char *txt = NULL;
    if (!s) {
        txt = json_dumps(doc, JSON_COMPACT);
        if (!txt) s = err_set(e, ST_NOMEM, "内存不足。");
    }
    if (!s) s = db_begin(d, e);
    if (!s) s = db_query_int(d, &n, "SELECT COUNT(*) FROM bulletin WHERE period = $1", e, "t", period);
    if (!s && n) s = err_field(e, ST_CONFLICT, "period", "%s 的旬报已经发布过，不能重复发布。", period);
    if (!s)
        s = db_run(d, "INSERT INTO bulletin(period, first_day, last_day, data, issued_by, issued_at) "
                      "VALUES ($1, $2, $3, $4, $5, {{NOW}}) ON CONFLICT (period) DO NOTHING",
                   e, "ttttt", period, first, last, txt, by ? by : "-");
    free(txt);
    if (s) {
        db_rollback(d);
        json_decref(doc);
        return s;
    }
    if ((s = db_commit(d, e))) {
        json_decref(doc);
        return s;
    }
    json_decref(doc);
    return bulletin_get(d, x, out, e);
}

st bulletin_list(db *d, const char *year, const char *order, int64_t limit, int64_t offset, json_t **items, int64_t *total,
                 err *e) {
    st s = db_query_int(d, total, "SELECT COUNT(*) FROM bulletin WHERE CAST($1 AS TEXT) IS NULL OR period LIKE $1 || '-%'",
                        e, "t", year);
    if (s) return s;
    json_t *rows = NULL;
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT * FROM (SELECT period, first_day, last_day, issued_by, issued_at, data FROM bulletin "
             "WHERE CAST($1 AS TEXT) IS NULL OR period LIKE $1 || '-%%') q ORDER BY %s LIMIT $2 OFFSET $3",
             order ? order : "q.period DESC");
    if ((s = db_query_json(d, &rows, sql, e, "tii", year, limit, offset))) return s;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        /* a summary line: the title and the city's figures, not the whole table */
        json_t *doc = json_loads(json_string_value(json_object_get(row, "data")), 0, NULL);
        if (doc) {
            json_object_set(row, "title", json_object_get(doc, "title"));
            json_object_set(row, "city", json_object_get(doc, "city"));
        }
        json_decref(doc);
        json_object_del(row, "data");
    }
    *items = rows;
    return ST_OK;
}

/* ---- schedule ---- */

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t th;
    bool running, stop;
} bulletin_sched = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, false, false};

/* Issue every finished 旬 after the last issued one, so a server that was down
 * for a while catches up in order — up to a year (36 旬) back.  When nothing
 * was issued within that year (a new database, or one whose bulletins are
 * historical, like the demo's 2018 campaign), only the last finished one: a
 * year of back issues is for the office to decide, by hand or with the CLI. */
static void bulletin_sched_once(void) {
    char today[11];
    org_today(today);
    int y, m, dd;
    if (!org_day_parse(today, &y, &m, &dd)) return;
    org_xun cur = org_xun_of(y, m, dd), last = org_xun_prev(&cur);
    err e;
    err_clear(&e);
    db *d = NULL;
    if (db_open(cfg_str("db"), &d, &e)) {
        log_warn("bulletin: cannot open the database: %s", e.msg);
        return;
    }
    char *newest = NULL;
    st s = db_query_text(d, &newest, "SELECT MAX(period) FROM bulletin", &e, "");
    org_xun x = last;
    if (!s && newest) {
        org_xun n;
        if (org_xun_parse(newest, &n)) {
            x = org_xun_next(&n);
            /* no more than 36 旬 back */
            org_xun floor = last;
            for (int i = 0; i < 35; i++) floor = org_xun_prev(&floor);
            char a[16], b[16];
            org_xun_format(&x, a);
            org_xun_format(&floor, b);
            if (strcmp(a, b) < 0) x = last;
        }
    }
    free(newest);
    char lastp[16];
    org_xun_format(&last, lastp);
    for (int guard = 0; !s && guard < 36; guard++) {
        char period[16];
        org_xun_format(&x, period);
        if (strcmp(period, lastp) > 0) break;
        json_t *doc = NULL;
        s = bulletin_issue(d, &x, "schedule", &doc, &e);
        json_decref(doc);
        if (!s) log_info("bulletin: issued %s", period);
        else if (s == ST_CONFLICT) s = ST_OK;   /* issued by hand or by another server */
        if (s) log_warn("bulletin: %s not issued: %s", period, e.msg);
        x = org_xun_next(&x);
    }
    db_close(d);
}

static void *bulletin_sched_main(void *arg) {
    (void)arg;
    pthread_mutex_lock(&bulletin_sched.mu);
    while (!bulletin_sched.stop) {
        pthread_mutex_unlock(&bulletin_sched.mu);
        bulletin_sched_once();
        pthread_mutex_lock(&bulletin_sched.mu);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += cfg_int("bulletin-check-seconds");
        while (!bulletin_sched.stop && pthread_cond_timedwait(&bulletin_sched.cv, &bulletin_sched.mu, &ts) == 0) {
        }
    }
    pthread_mutex_unlock(&bulletin_sched.mu);
    return NULL;
}

st bulletin_sched_start(err *e) {
    if (!cfg_bool("bulletin-schedule")) return ST_OK;
    pthread_mutex_lock(&bulletin_sched.mu);
    bulletin_sched.stop = false;
    int rc = bulletin_sched.running ? 0 : pthread_create(&bulletin_sched.th, NULL, bulletin_sched_main, NULL);
    if (!rc) bulletin_sched.running = true;
    pthread_mutex_unlock(&bulletin_sched.mu);
    if (rc) return err_set(e, ST_INTERNAL, "无法启动旬报定时任务。");
    return ST_OK;
}

void bulletin_sched_stop(void) {
    pthread_mutex_lock(&bulletin_sched.mu);
    bool running = bulletin_sched.running;
    bulletin_sched.stop = true;
    pthread_cond_broadcast(&bulletin_sched.cv);
    pthread_mutex_unlock(&bulletin_sched.mu);
    if (running) pthread_join(bulletin_sched.th, NULL);
    bulletin_sched.running = false;
}
