/* err — status codes, error slots and the one status→HTTP mapping. */
#include "err.h"

#include <stdio.h>
#include <string.h>

static const struct { const char *name; int http; } st_table[ST__COUNT] = {
    [ST_OK] = {"ok", 200},
    [ST_INVALID] = {"invalid", 400},
    [ST_NOT_FOUND] = {"not_found", 404},
    [ST_CONFLICT] = {"conflict", 409},
    [ST_UNAUTH] = {"unauthenticated", 401},
    [ST_FORBIDDEN] = {"forbidden", 403},
    [ST_LOCKED] = {"locked", 423},
    [ST_TOO_LARGE] = {"too_large", 413},
    [ST_UNSUPPORTED] = {"unsupported_media_type", 415},
    [ST_RATE] = {"rate_limited", 429},
    [ST_IO] = {"io_error", 500},
    [ST_DB] = {"db_error", 500},
    [ST_NOMEM] = {"out_of_memory", 500},
    [ST_INTERNAL] = {"internal", 500},
    [ST_UNAVAILABLE] = {"unavailable", 503},
};

int st_http(st code) {
    return (code >= 0 && code < ST__COUNT) ? st_table[code].http : 500;
}

const char *st_name(st code) {
    return (code >= 0 && code < ST__COUNT) ? st_table[code].name : "internal";
}

/* The message is formatted into a temporary buffer and copied afterwards:
 * callers often wrap the message they already hold ("数据库不可用：%s",
 * e->msg), and vsnprintf into the buffer it is reading from garbles the text. */
st err_setv(err *e, st code, const char *fmt, va_list ap) {
    if (e) {
        char msg[sizeof e->msg];
        vsnprintf(msg, sizeof msg, fmt, ap);
        e->code = code;
        memcpy(e->msg, msg, sizeof msg);
        e->field[0] = 0;
        e->where[0] = 0;
        e->api_code[0] = 0;
    }
    return code;
}

st err_set(err *e, st code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    err_setv(e, code, fmt, ap);
    va_end(ap);
    return code;
}

st err_field(err *e, st code, const char *field, const char *fmt, ...) {
    /* copied first: field may be e->field itself, which err_setv clears */
    char f[sizeof e->field] = "";
    if (field) snprintf(f, sizeof f, "%s", field);
    va_list ap;
    va_start(ap, fmt);
    err_setv(e, code, fmt, ap);
    va_end(ap);
    if (e) memcpy(e->field, f, sizeof f);
    return code;
}

void err_clear(err *e) {
    if (e) memset(e, 0, sizeof *e);
}
