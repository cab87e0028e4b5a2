/* bulletin_sched — the server issues the bulletin of each finished 旬 by
 * itself (see bulletin.h): a thread wakes every bulletin-check-seconds,
 * opens its own connection and issues, in order, what is missing.  It acts
 * as "system" in the audit trail (nobody asked), through the same use case
 * as a person issuing by hand; the bulletin names "schedule" as its issuer. */
#include "bulletin/bulletin.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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
    c->who.address = "system";
}

/* The first 旬 to issue: the one after the newest issued, unless that is more
 * than 36 旬 back or nothing was issued at all — then the last finished one. */
static org_xun bulletin_sched_from(const char *newest, const org_xun *last) {
    org_xun n, x = *last;
    if (!newest || !org_xun_parse(newest, &n)) return x;
    x = org_xun_next(&n);
    org_xun floor = *last;
    for (int i = 0; i < 35; i++) floor = org_xun_prev(&floor);
    char a[16], b[16];
    org_xun_format(&x, a);
    org_xun_format(&floor, b);
    return strcmp(a, b) < 0 ? *last : x;
}

/* Issue every finished 旬 after the last issued one, so a server that was down
 * for a while catches up in order — up to a year (36 旬) back.  When nothing
 * was issued within that year (a new database, or one whose bulletins are
 * historical, like the demo's 2018 campaign), only the last finished one: a
 * year of back issues is for the office to decide, by hand or with the CLI. */
static void bulletin_sched_issue(uc *c, const org_xun *last) {
    err e;
    err_clear(&e);
    const char *newest = NULL;
    st s = bulletin_store_newest(c, &newest, &e);
    org_xun x = bulletin_sched_from(newest, last);
    char lastp[16];
    org_xun_format(last, lastp);
    for (int guard = 0; !s && guard < 36; guard++) {
        char period[16];
        org_xun_format(&x, period);
        if (strcmp(period, lastp) > 0) break;
        bulletin_doc *doc = NULL;
        s = bulletin_store_issue(c, &x, "schedule", &doc, &e);
        if (!s) log_info("bulletin: issued %s", period);
        else if (s == ST_CONFLICT) s = ST_OK;   /* issued by hand or by another server */
        if (s) log_warn("bulletin: %s not issued: %s", period, e.msg);
        x = org_xun_next(&x);
    }
}

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
    arena mem;
    arena_init(&mem, 0);
    uc c;
    bulletin_sched_uc(&c, d, &mem);
    bulletin_sched_issue(&c, &last);
    arena_free(&mem);
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
