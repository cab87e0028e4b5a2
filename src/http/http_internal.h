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

#endif
