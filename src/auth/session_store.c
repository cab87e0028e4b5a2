/* session_store — the sessions table: opening, finding, ending and listing
 * sessions (see session.h).  Tokens are kept as their SHA-256 only. */
#include "auth/session.h"

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

st session_store_open(uc *c, int64_t user_id, const char *user_agent, char token[48], int64_t *sid, err *e) {
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(token, 48, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char h[65];
    session_hash(token, h);
    int64_t now = clock_now();
    char ua[256];
    snprintf(ua, sizeof ua, "%s", user_agent ? user_agent : "");
    return db_query_int(c->d, sid,
                        "INSERT INTO sessions(token_hash, user_id, created_at, last_seen, expires_at, address, user_agent) "
                        "VALUES ($1, $2, $3, $3, $4, $5, $6) RETURNING id",
                        e, "tiiitt", h, user_id, now, now + cfg_int("session-absolute"), c->who.address, ua);
}

static void su_cp(char *dst, size_t n, const char *src) { snprintf(dst, n, "%s", src ? src : ""); }

st session_store_lookup_user(uc *c, const char *token, session_user *out, err *e) {
    memset(out, 0, sizeof *out);
    if (!token || strlen(token) != 43) return err_set(e, ST_UNAUTH, "请先登录。");
    char h[65];
    session_hash(token, h);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT s.id, s.user_id, s.last_seen, s.expires_at, u.id, u.username, u.name, u.role, u.scope_kind, "
                      "u.scope_code, u.scope_name, u.must_change_password, u.disabled, "
                      "CASE WHEN u.totp_secret IS NULL THEN 0 ELSE 1 END "
                      "FROM sessions s LEFT JOIN users u ON u.id = s.user_id "
                      "WHERE s.token_hash = $1 AND s.ended_at IS NULL",
                      &q, e);
    if (s) return s;
    db_bind_text(q, 1, h);
    int r = db_step(q, e);
    int64_t last = 0, expires = 0;
    if (r == DB_ROW) {
        out->sid = db_col_int(q, 0);
        out->uid = db_col_int(q, 1);
        last = db_col_int(q, 2);
        expires = db_col_int(q, 3);
        out->has_user = !db_col_null(q, 4);
        su_cp(out->username, sizeof out->username, db_col_text(q, 5));
        su_cp(out->name, sizeof out->name, db_col_text(q, 6));
        su_cp(out->role, sizeof out->role, db_col_text(q, 7));
        su_cp(out->scope_kind, sizeof out->scope_kind, db_col_text(q, 8));
        su_cp(out->scope_code, sizeof out->scope_code, db_col_text(q, 9));
        su_cp(out->scope_name, sizeof out->scope_name, db_col_text(q, 10));
        out->must_change = db_col_int(q, 11) != 0;
        out->disabled = db_col_int(q, 12) != 0;
        out->totp_enabled = db_col_int(q, 13) != 0;
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_set(e, ST_UNAUTH, "登录已失效，请重新登录。");
    int64_t now = clock_now();
    if (now >= expires || now - last >= cfg_int("session-idle")) {
        /* Housekeeping, not an act of anyone's: no audit row. */
        db_run(c->d, "UPDATE sessions SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL", NULL, "ii", now, out->sid);
        memset(out, 0, sizeof *out);
        return err_set(e, ST_UNAUTH, now >= expires ? "登录已超过最长时限，请重新登录。" : "长时间未操作，登录已过期，请重新登录。");
    }
    /* Write last_seen at most every 10 s: a write per request would serialize readers on SQLite. */
    if (now - last >= 10) db_run(c->d, "UPDATE sessions SET last_seen = $1 WHERE id = $2", NULL, "ii", now, out->sid);
    return ST_OK;
}

st session_store_lookup(uc *c, const char *token, int64_t *sid, int64_t *uid, err *e) {
    session_user u;
    st s = session_store_lookup_user(c, token, &u, e);
    *sid = u.sid;
    *uid = u.uid;
    return s;
}

st session_store_end(uc *c, int64_t sid, err *e) {
    return db_run(c->d, "UPDATE sessions SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL", e, "ii", clock_now(),
                  sid);
}

st session_store_end_all(uc *c, int64_t user_id, int64_t keep_sid, err *e) {
    return db_run(c->d, "UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND id <> $3 AND ended_at IS NULL", e,
                  "iii", clock_now(), user_id, keep_sid);
}

st session_store_logout(uc *c, int64_t sid, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    if (sid) s = session_store_end(c, sid, e);
    uc_act a = {"auth.logout", c->who.username ? c->who.username : "-", sid ? NULL : "未登录：没有要结束的会话"};
    return uc_end(c, s, &a, e);
}

st session_store_end_mine(uc *c, int64_t id, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    s = db_run(c->d, "UPDATE sessions SET ended_at = $1 WHERE id = $2 AND user_id = $3 AND ended_at IS NULL", e, "iii",
               clock_now(), id, c->who.user_id);
    uc_act a = {"auth.session_end", uc_obj(c, "session", id), NULL};
    return uc_end(c, s, &a, e);
}

st session_store_list_mine(uc *c, int64_t current_sid, json_t **items, err *e) {
    int64_t now = clock_now();
    st s = db_query_json(c->d, items,
                         "SELECT id, created_at, last_seen, expires_at, address, user_agent FROM sessions "
                         "WHERE user_id = $1 AND ended_at IS NULL AND expires_at > $2 AND last_seen > $3 ORDER BY id DESC",
                         e, "iii", c->who.user_id, now, now - cfg_int("session-idle"));
    if (s) return s;
    size_t i;
    json_t *row;
    json_array_foreach(*items, i, row) {
        json_object_set_new(row, "current", json_boolean(json_integer_value(json_object_get(row, "id")) == current_sid));
    }
    return ST_OK;
}
