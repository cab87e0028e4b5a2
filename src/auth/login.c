/* login — the login's steps and the password asked again (see login.h).
 * No SQL here: the steps call the stores of accounts, locks, sessions and
 * the second factor. */
#include "auth/login.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/lockout.h"
#include "auth/password.h"
#include "auth/session.h"
#include "auth/totp.h"
#include "base/clock.h"
#include "base/crypt.h"
#include "core/config.h"

/* c acting as someone else: the account tried (or the name typed), or nobody. */
static uc login_as(const uc *c, int64_t user_id, const char *username, const char *role) {
    uc as = *c;
    as.who.user_id = user_id;
    as.who.username = username;
    as.who.role = role;
    as.who.scope_kind = as.who.scope_code = NULL;
    return as;
}

/* One audit row of a refusal: its actor and its act. */
typedef struct login_row {
    uc who;
    uc_act act;
} login_row;

/* Close a refusal's use case (opened with uc_begin, its counting done)
 * with its rows in order: the earlier ones nested, the last one closing it,
 * so the counts and every row commit together. */
static st login_rows_end(st s, login_row *rows, int n, err *e) {
    for (int i = 0; !s && i < n - 1; i++) s = uc_audit(&rows[i].who, &rows[i].act, e);
    return uc_end(&rows[n - 1].who, s, &rows[n - 1].act, e);
}

/* Who is trying: the account, or a name that is none. */
typedef struct login_who {
    bool known;               /* an account */
    users_row u;              /* when known */
    const char *key;          /* the name a failure counts under: lower-case when valid */
    const char *name;         /* for the audit rows: the account's username, else as typed */
} login_who;

/* ---- 1. the address ---- */

static st login_paused(uc *c, const login_try *t, login_result *res, bool *paused, err *e) {
    st s = lockout_store_addr_until(c, t->client, res->now, &res->until, e);
    if (s || !(*paused = res->until > 0)) return s;
    /* Not even the right password gets through: else the pause would not stop guessing. */
    uc as = login_as(c, 0, t->username, NULL);
    uc_act a = {"auth.login_paused", t->username, "该地址因多次登录失败已暂停登录，未检查密码", "denied"};
    res->outcome = LOGIN_PAUSED;
    return uc_audit(&as, &a, e);
}

/* ---- 2. the name ---- */

static st login_identify(uc *c, const login_try *t, login_who *w, err *e) {
    memset(w, 0, sizeof *w);
    w->key = w->name = t->username;
    char uname[64];
    if (users_username(t->username, uname, NULL) != ST_OK) return ST_OK;  /* no account has such a name */
    /* A name that is no account is counted under the form an account would have. */
    if (!(w->key = arena_strdup(c->mem, uname))) return err_set(e, ST_NOMEM, "内存不足。");
    st s = users_store_load(c, 0, uname, &w->u, e);
    if (s == ST_NOT_FOUND) return ST_OK;
    if (!s) {
        w->known = true;
        w->name = w->u.username;
    }
    return s;
}

/* ---- 3. the lock ---- */

static st login_locked(uc *c, const login_who *w, login_result *res, bool *locked, err *e) {
    int64_t until = w->known ? w->u.locked_until : 0;
    st s = w->known ? ST_OK : lockout_store_name_until(c, w->key, &until, e);
    if (s || !(*locked = until > res->now)) return s;
    uc as = login_as(c, w->known ? w->u.id : 0, w->name, w->known ? w->u.role : NULL);
    uc_act a = {"auth.login_locked", w->name, w->known ? "账号锁定期间尝试登录" : "未知用户名，锁定期间尝试登录", "locked"};
    res->outcome = LOGIN_LOCKED;
    res->until = until;
    return uc_audit(&as, &a, e);
}

/* ---- a failed attempt ---- */

/* Count it against the account — or, for a name that is no account, against
 * that name, so both lock alike — and against the address; audit it, and
 * the lock and the pause it may start.  The outcome: LOGIN_LOCKED when this
 * failure locked, else refused (LOGIN_BAD_CREDENTIALS or LOGIN_OTP_REQUIRED). */
static st login_failed(uc *c, const login_try *t, const login_who *w, const char *why, login_outcome refused,
                       login_result *res, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    int64_t locked = 0, paused = 0;
    s = w->known ? lockout_store_fail(c, w->u.id, res->now, &locked, e)
                 : lockout_store_name_fail(c, w->key, res->now, &locked, e);
    if (!s) s = lockout_store_addr_fail(c, t->client, res->now, &paused, e);
    uc as = login_as(c, w->known ? w->u.id : 0, w->name, w->known ? w->u.role : NULL);
    login_row rows[3];
    int n = 0;
    rows[n++] = (login_row){as, {"auth.login_failed", w->name, why, "failed"}};
    if (locked) {
        char iso[32];
        clock_iso(locked, iso, sizeof iso);
        rows[n++] = (login_row){as, {"auth.lockout", w->name,
                                     arena_printf(c->mem, "%s连续 %ld 次登录失败，锁定至 %s",
                                                  w->known ? "" : "未知用户名（答复与真实账号相同）：",
                                                  cfg_int("lockout-failures"), iso), "locked"}};
    }
    if (paused) {
        char iso[32];
        clock_iso(paused, iso, sizeof iso);
        rows[n++] = (login_row){login_as(c, 0, NULL, NULL),
                                {"auth.address_paused", arena_printf(c->mem, "address:%s", t->client ? t->client : ""),
                                 arena_printf(c->mem, "该地址 %ld 分钟内登录失败 %ld 次（最后一次用户名 %.64s），暂停其全部登录至 %s",
                                              cfg_int("login-address-minutes"), cfg_int("login-address-failures"),
                                              w->name ? w->name : "", iso), "locked"}};
    }
    if ((s = login_rows_end(s, rows, n, e))) return s;
    res->outcome = locked ? LOGIN_LOCKED : refused;
    res->until = locked;
    return ST_OK;
}

/* ---- 4. the password ---- */

static bool login_password_ok(const login_who *w, const char *password) {
    if (!w->known) {
        password_dummy_verify(password);  /* as slow as a real check */
        return false;
    }
    return password_verify(w->u.password_hash, password) && !w->u.disabled;
}

/* ---- 5. the second factor ---- */

/* *step: the time step of a good code (0 when the account has no second factor). */
static st login_second_factor(const login_try *t, const login_who *w, int64_t now, bool *good, int64_t *step,
                              err *e) {
    *step = 0;
    *good = true;
    if (!w->u.totp_enabled) return ST_OK;
    char *secret = NULL;
    st s = crypt_open("users.totp_secret", w->u.totp_secret_sealed, &secret, e);
    if (s) return s;
    *good = t->otp && *t->otp && totp_check_once(secret, now, t->otp, w->u.totp_last_step, step);
    free(secret);
    return ST_OK;
}

/* ---- 6. the session ---- */

/* The login's use case: a new session (new token: no fixation), the failure
 * count cleared, the code's step taken, the browser's previous session
 * ended; auth.login.  *replayed: a login sent at the same time with the same
 * code took its step first — nothing was written. */
static st login_open_session(uc *c, const login_try *t, login_who *w, int64_t step, login_result *res,
                             bool *replayed, err *e) {
    *replayed = false;
    uc as = login_as(c, w->u.id, w->u.username, w->u.role);
    st s = uc_begin(&as, e);
    if (s) return s;
    s = lockout_store_clear(&as, w->u.id, e);
    if (!s && step) {
        /* The step check read the row before this transaction: logins sent
         * together with one code all passed it.  Only the one whose update
         * still finds an older step goes on. */
        bool taken = false;
        s = totp_store_take_step(&as, w->u.id, step, &taken, e);
        if (!s && !taken) {
            *replayed = true;
            s = err_set(e, ST_CONFLICT, "动态验证码已被同时进行的另一次登录用过。");
        }
    }
    if (!s && t->old_token) {
        /* The old cookie names another session: end it, so one browser holds one session. */
        int64_t osid = 0, ouid = 0;
        err oe;
        st ls = session_store_lookup(&as, t->old_token, &osid, &ouid, &oe);
        if (!ls && osid) {
            s = session_store_end(&as, osid, e);
        } else if (ls && ls != ST_UNAUTH) {   /* a dead or unknown cookie is no failure; the database's is */
            *e = oe;
            s = ls;
        }
    }
    if (!s) s = session_store_open(&as, w->u.id, t->user_agent, res->token, &res->sid, e);
    uc_act a = {"auth.login", w->u.username, arena_printf(c->mem, "会话 %lld", (long long)res->sid)};
    s = uc_end(&as, s, &a, e);
    if (*replayed) return ST_OK;
    return s;
}

/* Steps 4–6 for a name that is not locked. */
static st login_verify_and_open(uc *c, const login_try *t, login_who *w, login_result *res, err *e) {
    if (!login_password_ok(w, t->password))
        return login_failed(c, t, w, !w->known ? "未知用户名" : w->u.disabled ? "账号已停用" : "密码错误",
                            LOGIN_BAD_CREDENTIALS, res, e);
    bool good;
    int64_t step;
    st s = login_second_factor(t, w, res->now, &good, &step, e);
    if (s) return s;
    res->otp_given = t->otp && *t->otp;
    if (!good) {
        res->outcome = LOGIN_OTP_REQUIRED;   /* no code yet: nothing to count */
        return res->otp_given ? login_failed(c, t, w, "动态验证码错误", LOGIN_OTP_REQUIRED, res, e) : ST_OK;
    }
    bool replayed;
    if ((s = login_open_session(c, t, w, step, res, &replayed, e))) return s;
    if (replayed)
        return login_failed(c, t, w, "动态验证码已被同时进行的另一次登录用过（重放）", LOGIN_OTP_REQUIRED, res, e);
    res->outcome = LOGIN_OK;
    res->user = w->u;
    res->user.failed_count = 0;
    res->user.locked_until = 0;
    return ST_OK;
}

st login_run(uc *c, const login_try *t, login_result *res, err *e) {
    memset(res, 0, sizeof *res);
    res->now = clock_now();
    bool stop = false;
    st s = login_paused(c, t, res, &stop, e);
    if (s || stop) return s;
    login_who w;
    if ((s = login_identify(c, t, &w, e))) return s;
    if ((s = login_locked(c, &w, res, &stop, e)) || stop) return s;
    return login_verify_and_open(c, t, &w, res, e);
}

st login_reauth(uc *c, const char *what, const char *password, err *e) {
    if (!c->who.user_id) return err_set(e, ST_UNAUTH, "请先登录。");
    if (!password || !*password)
        return err_field(e, ST_INVALID, "password", "此操作需要再次输入您的登录密码（字段 password）。");
    users_row u;
    st s = users_store_load(c, c->who.user_id, NULL, &u, e);
    if (s) return s;
    if (password_verify(u.password_hash, password)) return ST_OK;
    if ((s = uc_begin(c, e))) return s;
    int64_t until = 0;
    s = lockout_store_fail(c, c->who.user_id, clock_now(), &until, e);
    login_row rows[2] = {{*c, {"auth.reauth_failed", what, "再次输入密码错误", "failed"}},
                         {*c, {"auth.lockout", c->who.username, "连续输错密码，账号已锁定", "locked"}}};
    if ((s = login_rows_end(s, rows, until ? 2 : 1, e))) return s;
    err_field(e, ST_FORBIDDEN, "password", "密码不正确，操作未执行。连续输错将锁定账号。");
    snprintf(e->api_code, sizeof e->api_code, "bad_password");
    return ST_FORBIDDEN;
}
