/* http_internal — shared between server.c, static.c and request.c only. */
#ifndef EJIA_HTTP_INTERNAL_H
#define EJIA_HTTP_INTERNAL_H

#include <arpa/inet.h>
#include <microhttpd.h>
#include <sys/socket.h>
#include "http.h"
#include "core/jsonx.h"

struct http_server;
void http_static_init(void);
void http_static_free(void);
void http_static_serve(http_req *r, struct http_server *srv);
void http_static_headers(http_req *r, struct MHD_Response *resp);
/* listq.c: ?format=xlsx — begin before the handler (checks, sets r->exporting),
 * finish after it (turns the JSON list into the file, audits the export). */
st http_export_begin(http_req *r, err *e);
st http_export_finish(http_req *r, const http_auth_ops *ops, err *e);
/* static.c: does an Accept-Encoding value allow gzip? (fuzzed in fuzz_route) */
bool http_accepts_gzip(const char *accept_encoding);
void http_format_addr(const struct sockaddr *sa, char *out, size_t n);
/* request.c: a new request id, 16 hex digits (out has room for 17 bytes). */
void http_new_request_id(char out[17]);
/* request.c: the error as a caller may see it.  Server faults (every 5xx) and
 * anything the database layer wrote may hold SQL, driver, library or file
 * system text: out gets a plain Chinese message naming the request id instead
 * (no field, no where), and the result is true — the caller logs in->msg under
 * that id.  Otherwise out is a copy of in and the result is false. */
bool http_error_public(const err *in, const char *request_id, err *out);
/* json_text.c: what json_dumps(j, JSON_COMPACT) writes (malloc'd, *n bytes,
 * no terminating NUL), without its per-object costs; NULL when it would fail. */
char *http_json_text(const json_t *j, size_t *n);

/* replica.c: the read replica, NULL when --db-read is not set */
db_replica *http_replica(void);
/* A replica connection for this request's handler, or NULL: read the primary
 * (not a replica route, an export, behind the caller's last write, replica down). */
db *http_replica_take(http_req *r);
/* After a request that wrote: the ejia_lsn cookie with the primary's WAL position. */
void http_replica_note_write(http_req *r);

#endif
