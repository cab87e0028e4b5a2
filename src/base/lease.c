/* lease — periodic work once across the servers (see lease.h). */
#include "base/lease.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/lease_store.h"
#include "core/log.h"

struct lease {
    char *url, *work;
    db *d;          /* the lease's own connection (PostgreSQL), NULL until opened or after it broke */
    bool held;      /* the lock is ours on d */
    bool told;      /* "another server leads" already logged for this stretch */
};

static bool lease_pg(const char *url) { return url && !strncmp(url, "postgres", 8); }

static char lease_name[300], lease_app[64];
static pthread_once_t lease_name_once = PTHREAD_ONCE_INIT;

/* The session's name is ASCII (PostgreSQL turns anything else in
 * application_name into '?') and at most 63 bytes: the host cut, the pid kept. */
static void lease_name_fill(void) {
    char host[256] = "?";
    if (gethostname(host, sizeof host) != 0) snprintf(host, sizeof host, "?");
    host[sizeof host - 1] = '\0';
    /* both names carry the same first 40 bytes of the host: lease_holder reads the name back from
       application_name and must give what lease_self says (a longer host name failed that in CI) */
    snprintf(lease_name, sizeof lease_name, "%.40s 进程 %ld", host, (long)getpid());
    snprintf(lease_app, sizeof lease_app, "ejia lease %ld %.40s", (long)getpid(), host);
}

const char *lease_self(void) {
    pthread_once(&lease_name_once, lease_name_fill);
    return lease_name;
}

lease *lease_new(const char *url, const char *work) {
    lease *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->url = strdup(url ? url : "");
    l->work = strdup(work);
    if (!l->url || !l->work) {
        lease_free(l);
        return NULL;
    }
    return l;
}

static void lease_drop(lease *l) {
    db_close(l->d);
    l->d = NULL;
    l->held = false;
}

bool lease_lead(lease *l) {
    if (!l) return false;
    if (!lease_pg(l->url)) return true;   /* SQLite: one file, one server */
    err e;
    err_clear(&e);
    if (l->d && lease_store_ping(l->d, &e)) {
        /* the session is gone, and the lock with it: another server may lead by now */
        if (l->held) log_warn("定时任务“%s”：与数据库的专用连接断开（%s），本服务器（%s）不再负责，稍后重试。", l->work, e.msg, lease_self());
        lease_drop(l);
        err_clear(&e);
    }
    if (l->held) return true;
    if (!l->d) {
        lease_self();
        st s = db_open(l->url, &l->d, &e);
        if (!s) s = lease_store_name(l->d, lease_app, &e);
        if (s) {
            log_warn("定时任务“%s”：无法连接数据库以确定由哪台服务器负责（%s），本轮不运行。", l->work, e.msg);
            lease_drop(l);
            return false;
        }
    }
    bool got = false;
    if (lease_store_try(l->d, l->work, &got, &e)) {
        log_warn("定时任务“%s”：无法取得负责权（%s），本轮不运行。", l->work, e.msg);
        lease_drop(l);
        return false;
    }
    if (got) {
        l->held = true;
        l->told = false;
        log_info("定时任务“%s”：由本服务器（%s）负责。", l->work, lease_self());
    } else if (!l->told) {
        l->told = true;
        log_info("定时任务“%s”：已由另一台服务器负责，本服务器（%s）待命，它停止后接手。", l->work, lease_self());
    }
    return got;
}

void lease_free(lease *l) {
    if (!l) return;
    db_close(l->d);
    free(l->url);
    free(l->work);
    free(l);
}

st lease_holder(const char *url, const char *work, char **who, err *e) {
    *who = NULL;
    if (!lease_pg(url)) return err_set(e, ST_NOT_FOUND, "SQLite 数据库只有一台服务器，无需选定负责定时任务的服务器。");
    db *d = NULL;
    char *name = NULL;
    st s = db_open(url, &d, e);
    if (!s) s = lease_store_holder(d, work, &name, e);
    db_close(d);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "目前没有服务器负责定时任务“%s”（没有运行中的 ejia serve，或它关闭了该任务）。", work);
    if (s) return s;
    /* "ejia lease <pid> <host>" → "<host> 进程 <pid>", as lease_self names it */
    long pid = 0;
    int at = 0;
    if (sscanf(name, "ejia lease %ld %n", &pid, &at) == 1 && at > 0) {
        size_t n = strlen(name + at) + 40;
        *who = malloc(n);
        if (*who) snprintf(*who, n, "%s 进程 %ld", name + at, pid);
        free(name);
    } else {
        *who = name;
    }
    return *who ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}
