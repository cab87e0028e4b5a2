/* session — see session.h. */
#include "session.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "core/config.h"

static void session_hash(const char *token, char out[65]) {
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(out, 65, h, sizeof h);
}

st session_create(db *d, int64_t user_id, const char *addr, const char *user_agent, char token[48],
                  int64_t *sid, err *e) {
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(token, 48, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char h[65];
    session_hash(token, h);
    int64_t now = clock_now();
    char ua[256];
    snprintf(ua, sizeof ua, "%s", user_agent ? user_agent : "");
    return db_query_int(d, sid,
                        "INSERT INTO sessions(token_hash, user_id, created_at, last_seen, expires_at, address, user_agent) "
                        "VALUES ($1, $2, $3, $3, $4, $5, $6) RETURNING id",
                        e, "tiiitt", h, user_id, now, now + cfg_int("session-absolute"), addr, ua);
}

st session_lookup(db *d, const char *token, int64_t *sid, int64_t *uid, err *e) {
    *sid = *uid = 0;
    if (!token || strlen(token) != 43) return err_set(e, ST_UNAUTH, "请先登录。");
    char h[65];
    session_hash(token, h);
    db_stmt *q;
    st s = db_prepare(d, "SELECT id, user_id, last_seen, expires_at FROM sessions WHERE token_hash = $1 AND ended_at IS NULL",
                      &q, e);
    if (s) return s;
    db_bind_text(q, 1, h);
    int r = db_step(q, e);
    int64_t last = 0, expires = 0;
    if (r == DB_ROW) {
        *sid = db_col_int(q, 0);
        *uid = db_col_int(q, 1);
        last = db_col_int(q, 2);
        expires = db_col_int(q, 3);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_set(e, ST_UNAUTH, "登录已失效，请重新登录。");
    int64_t now = clock_now();
    if (now >= expires || now - last >= cfg_int("session-idle")) {
        db_run(d, "UPDATE sessions SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL", NULL, "ii", now, *sid);
        *sid = *uid = 0;
        return err_set(e, ST_UNAUTH, now >= expires ? "登录已超过最长时限，请重新登录。" : "长时间未操作，登录已过期，请重新登录。");
    }
    /* Write last_seen at most every 10 s: a write per request would serialize readers on SQLite. */
    if (now - last >= 10) db_run(d, "UPDATE sessions SET last_seen = $1 WHERE id = $2", NULL, "ii", now, *sid);
    return ST_OK;
}

st session_end(db *d, int64_t sid, err *e) {
    return db_run(d, "UPDATE sessions SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL", e, "ii", clock_now(), sid);
}

st session_end_all(db *d, int64_t user_id, int64_t keep_sid, err *e) {
    return db_run(d, "UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND id <> $3 AND ended_at IS NULL", e, "iii",
                  clock_now(), user_id, keep_sid);
}

void session_cookie(const char *token, char *out, size_t n) {
    snprintf(out, n, SESSION_COOKIE "=%s; HttpOnly; SameSite=Strict; Path=/%s", token,
             cfg_bool("behind-tls") ? "; Secure" : "");
}

void session_cookie_clear(char *out, size_t n) {
    snprintf(out, n, SESSION_COOKIE "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0%s",
             cfg_bool("behind-tls") ? "; Secure" : "");
}
