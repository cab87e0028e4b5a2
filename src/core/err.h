/* err — the status model used everywhere.
 *
 * Functions that can fail return an st (status) and, when given an err slot,
 * fill it with a Chinese message for the user plus where it happened (field,
 * file/row/column) and what to do.  The mapping of statuses to HTTP codes lives
 * in one place: st_http() in err.c. */
#ifndef EJIA_CORE_ERR_H
#define EJIA_CORE_ERR_H

#include <stdarg.h>
#include <stddef.h>

typedef enum st {
    ST_OK = 0,
    ST_INVALID,      /* bad input from the user: 400 / 422 */
    ST_NOT_FOUND,    /* 404 */
    ST_CONFLICT,     /* duplicate, version clash: 409 */
    ST_UNAUTH,       /* not logged in: 401 */
    ST_FORBIDDEN,    /* logged in, not allowed or outside scope: 403 */
    ST_LOCKED,       /* account locked: 423 */
    ST_TOO_LARGE,    /* body or upload over a limit: 413 */
    ST_UNSUPPORTED,  /* wrong content type / format: 415 */
    ST_RATE,         /* too many requests: 429 */
    ST_IO,           /* file or network failure: 500 */
    ST_DB,           /* database failure: 500 */
    ST_NOMEM,        /* allocation or cap reached: 500 */
    ST_INTERNAL,     /* bug: 500 */
    ST_UNAVAILABLE,  /* shutting down, dependency down: 503 */
    ST__COUNT
} st;

typedef struct err {
    st code;
    char msg[512];     /* Chinese, for the user: what was wrong and what to do */
    char field[64];    /* JSON field or column, "" when none */
    char where[256];   /* file / sheet / row / column, "" when none */
    char api_code[32]; /* overrides st_name() in the API error body ("bad_credentials"); "" = none */
} err;

/* Fill e (if not NULL) and return code. fmt is printf-style; its arguments
 * may point into e itself (wrapping e->msg in a longer message is safe). */
st err_set(err *e, st code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
st err_setv(err *e, st code, const char *fmt, va_list ap);
/* As err_set, also naming the field. */
st err_field(err *e, st code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void err_clear(err *e);

int st_http(st code);              /* HTTP status for a status */
const char *st_name(st code);      /* stable machine code, e.g. "invalid" */

#endif
