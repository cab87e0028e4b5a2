/* serve — run the HTTP server until SIGINT/SIGTERM, then finish in-flight
 * requests and stop.  Migrates the database first; with --demo-if-empty a
 * fresh database gets the demo data (what `make run` uses). */
#include "cli.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "core/config.h"
#include "core/log.h"
#include "study/course_store.h"
#include "demo/demo.h"
#include "http/http.h"
#include "points/points_sched.h"
#include "bulletin/bulletin.h"
#include "dues/dues.h"
#include "notice/notice.h"

/* The demo's one-time passwords go to the terminal of whoever ran `make run`. */
static void serve_say(const char *line) {
    printf("%s\n", line);
    fflush(stdout);
}

static st serve_check_settings(err *e) {
    dues_rules r;
    st s = dues_rules_load(&r, e);
    const dues_way *ways[8];
    size_t n;
    if (!s) s = dues_ways_active(ways, sizeof ways / sizeof *ways, &n, e);
    const notice_channel *ch[NOTICE_CHANNELS_MAX];
    if (!s) s = notice_channels_parse(cfg_str("notice-channels"), ch, &n, e);
    return s;
}

int cli_serve(int argc, char **argv) {
    int bad = cli_no_args("serve", argc, argv);
    if (bad) return bad;
    err e;
    err_clear(&e);
    /* Block the stop signals in every thread; the main thread waits for them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* Settings that are read only when a request needs them are checked now,
       so a mistyped one stops the start with its name instead of failing
       a member's request later. */
    if (serve_check_settings(&e)) return cli_fail(&e);

    db *d = cli_open_db();
    if (!d) return 1;
    if (cfg_bool("demo-if-empty")) {
        int empty = 0;
        if (demo_is_empty(d, &empty, &e)) {
            db_close(d);
            return cli_fail(&e);
        }
        if (empty) {
            printf("首次运行：正在填入演示数据…… / first run: filling demo data...\n");
            demo_ctx c = {.d = d, .rng = {(uint64_t)cfg_int("demo-seed")}, .enterprises = 400, .say = serve_say};
            if (demo_fill(&c, &e)) {
                db_close(d);
                return cli_fail(&e);
            }
        }
    }
    /* Accounts, roles, scope and audit: key file, audit guards, retention purge. */
    if (auth_init(d, &e) || cli_data_upgrade(d, &e)) {
        db_close(d);
        return cli_fail(&e);
    }
    db_close(d);
    http_set_auth(&auth_http_ops);
    auth_check_routes();

    int pool_n = cli_pool_size();
    db_pool *pool = NULL;
    if (db_pool_open(cfg_str("db"), pool_n, &pool, &e)) return cli_fail(&e);
    /* --db-read: lists, statistics and reports from a streaming replica (src/http/replica.c) */
    db_replica *replica = NULL;
    if (*cfg_str("db-read") && (db_replica_open(cfg_str("db-read"), pool_n, &replica, &e) || http_set_replica(replica, &e))) {
        db_replica_close(replica);
        db_pool_close(pool);
        return cli_fail(&e);
    }
    http_server *srv = NULL;
    if (http_server_start(pool, &srv, &e)) {
        db_replica_close(replica);
        db_pool_close(pool);
        return cli_fail(&e);
    }
    if (bulletin_sched_start(&e)) log_warn("%s", e.msg);   /* the 旬 bulletin on schedule */
    if (points_sched_start(&e)) log_warn("%s", e.msg);     /* the points engine on schedule */
    printf("ejia 已启动：http://%s:%u/   (Ctrl-C 停止 / to stop)\n", cfg_str("bind"), http_server_port(srv));
    fflush(stdout);
    log_info("serving on %s:%u db=%s%s", cfg_str("bind"), http_server_port(srv),
             strncmp(cfg_str("db"), "postgres", 8) == 0 ? "postgresql" : cfg_str("db"), replica ? " with a read replica" : "");
    int sig = 0;
    sigwait(&set, &sig);
    log_info("signal %d: finishing in-flight requests", sig);
    bulletin_sched_stop();
    points_sched_stop();
    http_server_stop(srv);
    {   /* the study sessions held in memory (course_store.c), written before the connections close */
        db *fd = db_pool_get(pool);
        int64_t n = 0;
        if (course_store_flush_all(fd, &n, &e)) log_warn("%s", e.msg);
        if (n) log_info("wrote %lld study sessions held in memory", (long long)n);
        db_pool_put(pool, fd);
    }
    bulletin_render_shutdown();   /* font caches of the PDF bulletin, after the last request */
    db_replica_close(replica);
    db_pool_close(pool);
    log_info("stopped");
    return 0;
}
