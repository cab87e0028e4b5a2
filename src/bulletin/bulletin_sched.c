/* bulletin_sched — the server issues the bulletin of each finished 旬 by
 * itself (see bulletin.h): a thread wakes every bulletin-check-seconds,
 * opens its own connection and issues, in order, what is missing.  It acts
 * as "system" in the audit trail (nobody asked), through the same use case
 * as a person issuing by hand; the bulletin names "schedule" as its issuer.
 * Of several servers on one database only the one holding the "bulletin"
 * lease issues (base/lease.h); the audit row names that server. */
#include "bulletin/bulletin.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/lease.h"
#include "core/config.h"
#include "core/log.h"

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t th;
    bool running, stop;
} bulletin_sched = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, false, false};

/* The schedule's use case: the whole city, acting as the system. */
static void bulletin_sched_uc(uc *c, db *d, arena *mem) {
    memset(c, 0, sizeof *c);
    c->d = d;
    c->mem = mem;
    c->who.username = "system";
    c->who.role = "system";
    c->who.scope_kind = "city";
    c->who.scope_code = "";
    c->who.address = lease_self();   /* which server of several did it */
}

static int bs_index(const org_xun *x) { return x->y * 36 + (x->m - 1) * 3 + (x->x - 1); }

size_t bulletin_sched_plan(const char *today, const char *asof, const char *newest, org_xun *out, size_t max) {
    /* the last 旬 that has ended before today and ends by asof */
    char yesterday[11], lim[11];
    org_day_add(today, -1, yesterday);
    snprintf(lim, sizeof lim, "%s", asof && strcmp(asof, yesterday) < 0 ? asof : yesterday);
    int y, m, d;
    if (!org_day_parse(lim, &y, &m, &d) || !max) return 0;
    org_xun last = org_xun_of(y, m, d);
    char end[11];
    org_xun_last(&last, end);
    if (strcmp(end, lim) > 0) last = org_xun_prev(&last);
    org_xun n;
    if (!newest || !org_xun_parse(newest, &n)) {
        out[0] = last;
        return 1;
    }
    size_t k = 0;
    for (org_xun x = org_xun_next(&n); k < max && bs_index(&x) <= bs_index(&last); x = org_xun_next(&x)) out[k++] = x;
    return k;
}

enum { BS_MAX = 36 };   /* at most a year of 旬 a round; the next round goes on */

st bulletin_sched_run(uc *c, const char *today, int *issued, err *e) {
    const char *newest = NULL;
    char asof[11];
    org_xun plan[BS_MAX];
    int k = 0;
    st s = bulletin_store_newest(c, &newest, e);
    if (!s) s = coverage_store_asof(c, today, asof, e);
    size_t n = s ? 0 : bulletin_sched_plan(today, asof, newest, plan, BS_MAX);
    for (size_t i = 0; !s && i < n; i++) {
        char period[16];
        org_xun_format(&plan[i], period);
        bulletin_doc *doc = NULL;
        s = bulletin_store_issue(c, &plan[i], "schedule", &doc, e);
        if (!s) {
            k++;
            log_info("bulletin: issued %s", period);
        } else if (s == ST_CONFLICT) {
            s = ST_OK;   /* issued by hand or by another server */
        } else {
            log_warn("bulletin: %s not issued: %s", period, e->msg);
        }
    }
    if (issued) *issued = k;
    return s;
}

static void bulletin_sched_once(void) {
    char today[11];
    clock_day(clock_now(), today);
    err e;
    err_clear(&e);
    db *d = NULL;
    if (db_open(cfg_str("db"), &d, &e)) {
        log_warn("bulletin: cannot open the database: %s", e.msg);
        return;
    }
    arena mem;
    arena_init(&mem, 0);
    uc c;
    bulletin_sched_uc(&c, d, &mem);
    if (bulletin_sched_run(&c, today, NULL, &e)) log_warn("bulletin: schedule: %s", e.msg);
    arena_free(&mem);
    db_close(d);
}

static void *bulletin_sched_main(void *arg) {
    (void)arg;
    lease *l = lease_new(cfg_str("db"), "bulletin");
    pthread_mutex_lock(&bulletin_sched.mu);
    while (!bulletin_sched.stop) {
        pthread_mutex_unlock(&bulletin_sched.mu);
        if (lease_lead(l)) bulletin_sched_once();
        pthread_mutex_lock(&bulletin_sched.mu);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += cfg_int("bulletin-check-seconds");
        while (!bulletin_sched.stop && pthread_cond_timedwait(&bulletin_sched.cv, &bulletin_sched.mu, &ts) == 0) {
        }
    }
    pthread_mutex_unlock(&bulletin_sched.mu);
    lease_free(l);
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
