/* replica — which requests read the read replica (--db-read, issue 20).
 *
 * Only the GET routes listed in http_replica_reads (routes.c: lists,
 * statistics and reports whose handlers write nothing) are candidates, and
 * not while they are exported (?format=xlsx) or downloaded: an export writes
 * its audit row.  Authentication, authorization and the scope check run on the
 * primary first; the handler then gets a replica connection instead.
 *
 * Read-your-own-write across several servers: after a request that wrote, the
 * reply sets the cookie ejia_lsn to the primary's WAL position after the
 * commit; a later read goes to the replica only once the replica has replayed
 * that far (db_replica_get), else to the primary.  The cookie travels with the
 * browser, so it holds whichever server behind the balancer answers next.  A
 * forged value only makes its sender's own reads staler or go to the primary. */
#include "http_internal.h"

#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "core/log.h"

#define LSN_COOKIE "ejia_lsn"
#define REPLICA_ROUTES_MAX 32

static db_replica *replica;
static const http_route *replica_routes[REPLICA_ROUTES_MAX];
static size_t nreplica_routes;

st http_set_replica(db_replica *rp, err *e) {
    nreplica_routes = 0;
    for (const char *const *p = http_replica_reads; *p; p++) {
        const http_route *found = NULL;
        for (const http_route *const *t = http_route_tables; *t && !found; t++)
            for (const http_route *rt = *t; rt->method && !found; rt++)
                if (!strcmp(rt->method, "GET") && !strcmp(rt->pattern, *p)) found = rt;
        if (!found)
            return err_set(e, ST_INVALID, "内部错误：读副本路由表（routes.c http_replica_reads）中的 %s 不是任何 GET 接口。", *p);
        if (nreplica_routes == REPLICA_ROUTES_MAX)
            return err_set(e, ST_INVALID, "内部错误：读副本路由超过 %d 个，请调大 REPLICA_ROUTES_MAX。", REPLICA_ROUTES_MAX);
        replica_routes[nreplica_routes++] = found;
    }
    replica = rp;
    return ST_OK;
}

db_replica *http_replica(void) { return replica; }

db *http_replica_take(http_req *r) {
    if (!replica || r->exporting || r->route->download) return NULL;
    bool listed = false;
    for (size_t i = 0; i < nreplica_routes && !listed; i++) listed = replica_routes[i] == r->route;
    if (!listed) return NULL;
    return db_replica_get(replica, http_cookie(r, LSN_COOKIE));
}

void http_replica_note_write(http_req *r) {
    char lsn[32];
    err e;
    if (db_wal_lsn(http_db(r), lsn, &e)) {
        /* the write stands; only the next read goes where it would without the cookie */
        log_warn("req %s: the primary's WAL position is unknown (%s): the next read may not see this write on the replica",
                 r->request_id, e.msg);
        return;
    }
    char cookie[96];
    snprintf(cookie, sizeof cookie, LSN_COOKIE "=%s; HttpOnly; SameSite=Strict; Path=/%s", lsn,
             cfg_bool("behind-tls") ? "; Secure" : "");
    http_set_cookie(r, cookie);
}
