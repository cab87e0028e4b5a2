/* http — what a route handler sees: the request, its arena, its database
 * connection, the caller, and the helpers to reply.
 *
 * Routes are static tables (method, pattern, permission, handler, summary)
 * exported by each module and listed once in routes.c; the same tables feed
 * the dispatcher, the OpenAPI document (/api/openapi.json) and the access tests.
 *
 * A handler returns ST_OK after setting a reply (http_reply_json etc.), or an
 * error status with the err slot filled; the server turns that into the JSON
 * error body {"error":{"code","message","field","detail"}} with the HTTP status
 * from st_http() (core/err.c) — the one place where that mapping lives. */
#ifndef EJIA_HTTP_HTTP_H
#define EJIA_HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/uc.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "db/db.h"

typedef struct http_req http_req;
typedef st (*http_handler)(http_req *r, err *e);

/* A key a list may be sorted by (?sort=key, ?sort=-key): the name clients use
 * (the item field) and the SQL expression it orders by (static text only). */
/* zh: Chinese text (names, districts, industries) sorted by pinyin, not code point. */
/* keyed: sql is already a pinyin sort key (core/collate.h collate_zh_key, kept
 * in a NOT NULL column beside the name so that an index serves the order): zh
 * for the API document, but no collation is applied to it, and it is ordered
 * bare (no NULLs-last term, which would hide the index). */
typedef struct http_sort_key { const char *key, *sql; bool zh, keyed; } http_sort_key;

/* Body kinds a route accepts; anything else is refused with 415 before the handler. */
typedef enum http_body { HB_NONE = 0, HB_JSON, HB_MULTIPART } http_body;

typedef struct http_route {
    const char *method;     /* "GET", "POST", "PUT", "PATCH", "DELETE" */
    const char *pattern;    /* "/api/ledger/imports/{id}" */
    const char *perm;       /* "public", "login" (any logged-in user), or a permission name */
    http_handler handler;
    http_body body;
    const char *summary;    /* Chinese, for OpenAPI */
    const char *tag;        /* OpenAPI tag, e.g. "ledger" */
    /* The objects the route reaches, checked against the caller's scope
     * before the handler runs (auth/scope.h): "org:{id}", or several, from the
     * path, query or body: "ledger_round:{id} ledger_round_record:{id}/?a".
     * NULL when the route names no object.  Also feeds the access tests. */
    const char *scope;
    /* Lists only.  export: "工作表名[@path]|key:列标题|key:列标题…" — ?format=xlsx answers
     * the same filtered, sorted list (all pages, up to export-row-cap rows) as an
     * Excel file with these columns (key may be a dotted path into the item;
     * "key:标题:bool" shows 0/1 as 否/是; @path when the list is reply.path.items).
     * sort: the keys ?sort= accepts, NULL-terminated; the handler asks http_order(). */
    const char *export;
    const http_sort_key *sort;
    /* The reply is a file to keep (a report, a workbook, a PDF): an export,
     * audited like a list's ?format=xlsx (OpenAPI x-download). */
    bool download;
    /* Exists only when the server runs with the test-routes setting (the test
     * suites' own routes, src/http/test_api.c): not matched, not in OpenAPI otherwise. */
    bool test_only;
    /* A write answered from memory, written on a flush (study heartbeats): a successful request leaves
     * one audit row when it flushed, none otherwise (OpenAPI x-audit-on-flush; the audit check knows). */
    bool audit_on_flush;
} http_route;

/* The caller, filled by the auth module (see http_auth_ops). */
typedef struct http_user {
    int64_t id;              /* 0 = anonymous */
    const char *username;
    const char *name;
    const char *role;
    const char *scope_kind;  /* "city", "district", "park", "org", "self", "enterprise" */
    const char *scope_code;  /* region code or organization id as text */
    int64_t session_id;
    void *ext;               /* auth module's own data (arena-owned) */
} http_user;

/* One uploaded file of a multipart request (streamed to a temp file). */
typedef struct http_upload {
    const char *field;       /* form field name */
    const char *filename;    /* as the browser sent it (base name) */
    const char *path;        /* where to read it: /proc/self/fd/N of a temp file that has no
                                name (unlinked at once, so a crash leaves nothing behind) */
    uint64_t size;
    int fd;                  /* held open until the request ends */
} http_upload;

struct http_req {
    arena mem;                    /* freed when the request ends */
    const char *method, *path, *addr;
    const http_route *route;
    int nparams;
    const char *param_name[8], *param_val[8];
    buf body;                     /* raw body for JSON routes (capped at max-body) */
    json_t *json;                 /* parsed body (HB_JSON), owned by the request */
    int nuploads;
    http_upload uploads[4];
    int nfields;
    const char *field_name[16], *field_val[16];   /* multipart text fields */
    http_user user;
    void *conn;                   /* struct MHD_Connection * */
    /* The raw query string (after '?', still encoded) of a request built
     * without a connection (conn == NULL: unit tests, fuzz_query); http_query()
     * decodes it as libmicrohttpd decodes a real request's arguments. */
    const char *query;
    void *daemon_ctx;
    db *db_conn;                  /* from the pool, lazily */
    bool on_replica;              /* db_conn is the read replica's (replica.c), not the primary pool's */
    bool replica_served;          /* the handler read the replica: X-Ejia-Db: replica */
    uc use;                       /* the use-case context (http_uc) */
    /* reply */
    int status;
    json_t *reply;                /* owned */
    const char *reply_type;       /* content type for raw replies */
    char *reply_raw;              /* malloc'ed raw body */
    size_t reply_len;
    int reply_fd;                 /* file to send (closed by the server), -1 none */
    int64_t reply_off, reply_count; /* a range of it (http_reply_file_range): count -1 = the whole file */
    const char *content_range;    /* Content-Range of a 206 or 416 */
    bool accept_ranges;           /* Accept-Ranges: bytes */
    const char *reply_disposition;/* Content-Disposition for downloads */
    bool no_store;                /* Cache-Control: no-store (default for /api) */
    const char *set_cookie[3];    /* a session's, and the read replica's ejia_lsn (replica.c) */
    int64_t retry_after;          /* > 0: Retry-After header (seconds), e.g. a paused login (429) */
    int ntmp;
    int tmp_fds[4];               /* http_tempfile(): files without a name, closed when the request ends */
    const char *etag;             /* static files */
    const char *cache_control;    /* static files */
    const char *content_encoding; /* static files: "gzip" when the precompressed copy is sent */
    bool vary_encoding;           /* static files: a precompressed copy exists (Vary: Accept-Encoding) */
    double t_start;
    /* New for every request (16 hex digits): sent as X-Request-Id and as
     * error.request_id, and written in the request's log lines, so that a
     * user's report finds the server's detail (server.c). */
    char request_id[17];
    /* server-internal state */
    void *pp;                     /* MHD post processor */
    int upload_fd;
    bool exporting;               /* ?format=xlsx on a route with an export spec */
    st early;                     /* error found while reading the body */
    err early_err;
    void *conn_state;             /* the connection's deadlines (server.c) */
    uint64_t body_bytes, body_limit; /* body read so far (chunked too) and the cap for this route */
    struct mp_close *mp;          /* multipart: is the closing boundary there? (multipart.h) */
    bool close_after;             /* reply with Connection: close */
    bool authenticated;           /* the caller was identified already (uploads: before the body) */
    bool refused;                 /* body over its limit: 413 written, the rest dropped */
    uint64_t lingered;            /* bytes dropped since */
};

/* Hooks the auth module provides (set before the server starts). */
typedef struct http_auth_ops {
    /* Identify the caller from the request (cookie); leaves user.id 0 when none. */
    st (*authenticate)(http_req *r, err *e);
    /* May the caller use a route needing perm? ST_UNAUTH / ST_FORBIDDEN otherwise. */
    st (*authorize)(http_req *r, const char *perm, err *e);
    /* Called for every denial (401/403) so it can be audited. */
    void (*denied)(http_req *r, st code, const err *e);
    /* Record an event in the audit log (list exports). */
    st (*audit)(http_req *r, const char *action, const char *object, const char *result, const char *detail, err *e);
    /* Are the objects the route names (http_route.scope: in the path, the
     * query or the parsed JSON body) inside the caller's scope?  Called after
     * authorize and after the body is parsed; ST_FORBIDDEN otherwise. */
    st (*objects)(http_req *r, err *e);
} http_auth_ops;
void http_set_auth(const http_auth_ops *ops);
/* Record an audited read (a download that is not a ?format=xlsx list, a
 * reveal) for the caller: uc_audit on the request's context. */
st http_audit(http_req *r, const char *action, const char *object, const char *result, const char *detail, err *e);

/* Request helpers */
db *http_db(http_req *r);                              /* the request's connection */
/* The use-case context (base/uc.h) of the request: its connection, its
 * arena, the caller with role and bound scope, the client address.  Handlers
 * pass it to the domain stores and write through uc_begin/uc_end. */
uc *http_uc(http_req *r);
const char *http_param(http_req *r, const char *name); /* path parameter */
st http_param_int(http_req *r, const char *name, int64_t *out, err *e);
const char *http_query(http_req *r, const char *name); /* decoded, NULL when absent */
/* The value of name in a raw query string ("a=1&b=x+y", no '?'), decoded as
 * libmicrohttpd decodes a request's arguments: pairs split on '&', the name
 * ends at the first '=', '+' is a space, %XX the byte XX (hex digits of either
 * case), a '%' not followed by two hex digits kept as it is; names match
 * ignoring ASCII case and the first pair of that name wins.  NULL when absent
 * or given without '=' ("a&b=1": a is NULL), "" for "a=".  A value with %00 ends
 * there, as the C string MHD hands out does.  Arena-owned; NULL when full. */
const char *http_query_lookup(arena *a, const char *query, const char *name);
st http_query_int(http_req *r, const char *name, int64_t def, int64_t min, int64_t max,
                  int64_t *out, err *e);
const char *http_header(http_req *r, const char *name);
const char *http_cookie(http_req *r, const char *name);
const char *http_field(http_req *r, const char *name); /* multipart text field */
const http_upload *http_upload_get(http_req *r, const char *field);

/* Paging: page (1-based) and size from the query, bounded.  While a list is
 * exported (?format=xlsx) it is one page of export-row-cap + 1 rows. */
typedef struct http_page { int64_t page, size, offset; } http_page;
st http_paging(http_req *r, http_page *p, err *e);
/* ORDER BY terms for ?sort= from the route's sort keys (listq.c): "expr IS NULL,
 * expr ASC|DESC, tie" (NULLs last on both databases), arena-owned.  def is used
 * when the query has no sort (a key, "-key" for descending).  An unknown key is
 * ST_INVALID naming the keys allowed. */
st http_order(http_req *r, const char *def, const char *tie, const char **order, err *e);
/* The dictionary of list titles and value labels (data/fields.json, embedded;
 * the web build imports the same file): {labels: {name: {value: [zh, en]}},
 * lists: {list: [[key, zh, en, labels?], …]}}.  NULL if it is missing. */
const json_t *http_fields(void);
/* A route's export spec with "工作表|#list" expanded from the dictionary into
 * "工作表|key:标题[:labels=name]|…" (what the OpenAPI document shows as x-export). */
const char *http_export_spec(const char *spec);
/* For lists built in memory: the page asked for (a new array holding
 * references, caller owns) of arr (objects) sorted by the route's ?sort= key
 * (def when absent), and the total.  arr itself is left as it was. */
st http_page_array(http_req *r, json_t *arr, const char *def, json_t **items, int64_t *total, err *e);

/* Replies (take ownership of j) */
st http_reply_json(http_req *r, int status, json_t *j);
st http_reply_raw(http_req *r, int status, const char *type, char *data, size_t len);
st http_reply_file(http_req *r, const char *path, const char *type, const char *download_name,
                   err *e);
st http_reply_empty(http_req *r, int status);
/* A file sent inline, seekable by a phone: Accept-Ranges: bytes; a Range
 * header of one bytes range is answered 206 with Content-Range and only those
 * bytes, an unsatisfiable one 416 (Content-Range: bytes * /size); anything
 * else the whole file.  The server sends it from disk (flat memory). */
st http_reply_file_range(http_req *r, const char *path, const char *type, err *e);
/* Parse a Range header ("bytes=a-b", "bytes=a-", "bytes=-n"; one range) for
 * a file of size bytes: 1 and [*from, *to] (inclusive) when satisfiable, 0
 * when it is absent, malformed or several ranges (the whole file is sent),
 * -1 when unsatisfiable (416).  Pure; fuzzed (fuzz_range). */
int http_range_parse(const char *header, int64_t size, int64_t *from, int64_t *to);
/* A new empty file for a download this request builds (xlsx, PDF): in the
 * upload-dir setting or $TMPDIR or /tmp, owned by the request and removed when
 * the request ends (after the reply is sent).  Write it, then http_reply_file(). */
st http_tempfile(http_req *r, const char **path, err *e);
void http_set_cookie(http_req *r, const char *cookie);   /* full Set-Cookie value, copied */
/* Build the error body for an err (used by the server and by handlers that need it). */
json_t *http_error_json(const err *e, json_t *detail);

/* Route tables */
extern const http_route *const http_route_tables[];    /* routes.c */
const http_route *http_route_match(const char *method, const char *path, http_req *r,
                                   bool *path_exists);
json_t *http_openapi(void);

/* The read replica (--db-read; src/http/replica.c): the GET routes whose
 * pattern is in http_replica_reads (routes.c) read it, unless the caller wrote
 * something the replica has not replayed yet (the ejia_lsn cookie) or the
 * replica cannot serve.  Set before the server starts; ST_INVALID when a
 * pattern names no GET route. */
extern const char *const http_replica_reads[];   /* routes.c, NULL-terminated */
st http_set_replica(db_replica *rp, err *e);

/* Server */
typedef struct http_server http_server;
st http_server_start(db_pool *pool, http_server **out, err *e);
uint16_t http_server_port(http_server *s);
void http_server_stop(http_server *s);   /* finish in-flight requests, then stop */

#endif
