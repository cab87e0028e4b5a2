/* session — the cookie that carries a session's token (see session.h). */
#include "auth/session.h"

#include <stdio.h>

#include "core/config.h"

void session_cookie(const char *token, char *out, size_t n) {
    snprintf(out, n, SESSION_COOKIE "=%s; HttpOnly; SameSite=Strict; Path=/%s", token,
             cfg_bool("behind-tls") ? "; Secure" : "");
}

void session_cookie_clear(char *out, size_t n) {
    snprintf(out, n, SESSION_COOKIE "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0%s",
             cfg_bool("behind-tls") ? "; Secure" : "");
}
