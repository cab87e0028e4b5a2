/* points_sched — the server runs the points engine by itself every
 * points-run-seconds (0 = never; `ejia points run` and POST /api/points/run
 * still do): a thread opens its own connection and runs points_store_run,
 * acting as "system" in the audit trail, through the same use case.  Of
 * several servers on one database only the one holding the "points" lease
 * runs it (base/lease.h); the audit row names that server. */
#include "points/points_sched.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "base/lease.h"
#include "core/config.h"
#include "core/log.h"
#include "points/points_store.h"

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t th;
    bool running, stop;
} points_sched = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, false, false};

static void points_sched_once(void) {
    err e;
    err_clear(&e);
    db *d = NULL;
    if (db_open(cfg_str("db"), &d, &e)) {
        log_warn("points: cannot open the database: %s", e.msg);
        return;
    }
    arena mem;
    arena_init(&mem, 0);
    uc c;
    memset(&c, 0, sizeof c);
    c.d = d;
    c.mem = &mem;
    c.who = (uc_actor){0, "system", "system", "city", "", lease_self()};   /* which server of several did it */
    int64_t lines = 0, claims = 0;
    if (points_store_run(&c, &lines, &claims, &e)) log_warn("points: run: %s", e.msg);
    else if (lines || claims) log_info("points: %lld lines, %lld claims", (long long)lines, (long long)claims);
    arena_free(&mem);
    db_close(d);
}

static void *points_sched_main(void *arg) {
    (void)arg;
    lease *l = lease_new(cfg_str("db"), "points");
    pthread_mutex_lock(&points_sched.mu);
    while (!points_sched.stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += cfg_int("points-run-seconds");
        while (!points_sched.stop && pthread_cond_timedwait(&points_sched.cv, &points_sched.mu, &ts) == 0) {
        }
        if (points_sched.stop) break;
        pthread_mutex_unlock(&points_sched.mu);
        if (lease_lead(l)) points_sched_once();
        pthread_mutex_lock(&points_sched.mu);
    }
    pthread_mutex_unlock(&points_sched.mu);
    lease_free(l);
    return NULL;
}

st points_sched_start(err *e) {
    if (cfg_int("points-run-seconds") <= 0) return ST_OK;
    pthread_mutex_lock(&points_sched.mu);
    points_sched.stop = false;
    int rc = points_sched.running ? 0 : pthread_create(&points_sched.th, NULL, points_sched_main, NULL);
    if (!rc) points_sched.running = true;
    pthread_mutex_unlock(&points_sched.mu);
    if (rc) return err_set(e, ST_INTERNAL, "无法启动积分定时计算任务。");
    return ST_OK;
}

void points_sched_stop(void) {
    pthread_mutex_lock(&points_sched.mu);
    bool running = points_sched.running;
    points_sched.stop = true;
    pthread_cond_broadcast(&points_sched.cv);
    pthread_mutex_unlock(&points_sched.mu);
    if (running) pthread_join(points_sched.th, NULL);
    points_sched.running = false;
}
