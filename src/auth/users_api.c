/* users_api — the HTTP face of user management and the audit trail: users
 * within the caller's scope (list, create, detail, reveal, unlock, reset,
 * disable) and the audit log (list, export, hash-chain check).  Every change
 * is audited in the same transaction; reveal and reset need the caller's own
 * password again (auth_reauth). */
#include "auth/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "base/audit.h"
#include "base/clock.h"
#include "auth/lockout.h"
#include "auth/password.h"
#include "auth/roles.h"
#include "auth/session.h"
#include "auth/users.h"
#include "core/config.h"
#include "core/jsonx.h"

/* ---- users ---- */

static st h_users_list(http_req *r, err *e) {
    http_page pg;
    st s = http_paging(r, &pg, e);
    if (s) return s;
    const char *role = http_query(r, "role");
    const char *q = http_query(r, "q");
    char like[140] = "";
    if (q && *q) snprintf(like, sizeof like, "%%%.100s%%", q);
#define USERS_WHERE                                                                                                  \
    " FROM users u WHERE "                                                                                            \
    SCOPE_COND("$1", "$2", USERS_DISTRICT_SQL, USERS_PARK_SQL, USERS_ORG_PATH_SQL, USERS_ENTERPRISE_SQL, "u.id") \
    " AND (CAST($3 AS TEXT) IS NULL OR u.role = $3) AND (CAST($4 AS TEXT) IS NULL OR u.username LIKE $4 OR u.name LIKE $4)"
    db *d = http_db(r);
    int64_t total = 0;
    s = db_query_int(d, &total, "SELECT COUNT(*)" USERS_WHERE, e, "tttt", r->user.scope_kind, r->user.scope_code,
                     role, like[0] ? like : NULL);
    if (s) return s;
    const char *order;
    if ((s = http_order(r, "id", "q.id", &order, e))) return s;
    const char *sql = arena_printf(&r->mem, "SELECT q.id FROM (%s) q ORDER BY %s LIMIT $5 OFFSET $6",
                                   "SELECT u.id, u.username, u.name, u.role, u.created_at" USERS_WHERE, order);
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    db_stmt *st_;
    if ((s = db_prepare(d, sql, &st_, e))) return s;
#undef USERS_WHERE
    db_bind_text(st_, 1, r->user.scope_kind);
    db_bind_text(st_, 2, r->user.scope_code);
    db_bind_text(st_, 3, role);
    db_bind_text(st_, 4, like[0] ? like : NULL);
    db_bind_int(st_, 5, pg.size);
    db_bind_int(st_, 6, pg.offset);
    /* a page, or a whole export (up to export-row-cap + 1 rows): arena-owned */
    int64_t *ids = arena_calloc(&r->mem, (size_t)pg.size, sizeof *ids);
    if (!ids) {
        db_reset(st_);
        return err_set(e, ST_NOMEM, "内存不足。");
    }
    int64_t n = 0;
    int rc = DB_DONE; /* pg.size 0 reads nothing */
    while (n < pg.size && (rc = db_step(st_, e)) == DB_ROW) ids[n++] = db_col_int(st_, 0);
    db_reset(st_);
    if (n < pg.size && rc == DB_ERROR) return e->code;
    json_t *items = json_array();
    for (int64_t i = 0; i < n; i++) {
        users_row u;
        if ((s = users_load(d, ids[i], NULL, &u, e))) {
            json_decref(items);
            return s;
        }
        json_array_append_new(items, users_json(&u));
        users_row_free(&u);
    }
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static st h_users_create(http_req *r, err *e) {
    static const char *const allowed[] = {"username", "name", "role", "scope", "password", "id_number", "phone", NULL};
    users_new nu = {0};
    st s = jsonx_only(r->json, allowed, e);
    if (!s) s = jsonx_str(r->json, "username", true, 2, 32, &nu.username, e);
    if (!s) s = jsonx_str(r->json, "name", true, 1, 50, &nu.name, e);
    if (!s) s = jsonx_str(r->json, "role", true, 1, 32, &nu.role, e);
    if (!s) s = jsonx_str(r->json, "scope", false, 0, 64, &nu.scope, e);
    if (!s) s = jsonx_str(r->json, "password", false, 0, 256, &nu.password, e);
    if (!s) s = jsonx_str(r->json, "id_number", false, 0, 32, &nu.id_number, e);
    if (!s) s = jsonx_str(r->json, "phone", false, 0, 32, &nu.phone, e);
    if (s) return s;
    if (roles_cli_only(nu.role)) {
        const roles_role *t = roles_find(nu.role);
        err_field(e, ST_FORBIDDEN, "role",
                  "三权分立：%s账号不能在网页或接口中创建，以免管理员自己设立审计自己的账号。"
                  "请由服务器上的运维人员用命令行创建：ejia user add --db 数据库 --username 用户名 --role %s "
                  "--password-stdin（口令从标准输入读入）。",
                  t->label, t->name);
        snprintf(e->api_code, sizeof e->api_code, "separation_of_duties");
        return ST_FORBIDDEN;
    }
    if (!roles_may_assign(r->user.role, nu.role))
        return err_field(e, ST_FORBIDDEN, "role", "您的角色不能创建“%s”角色的用户。", nu.role);
    char otp[17];
    bool generated = !nu.password || !*nu.password;
    if (generated) {
        password_generate(otp);
        nu.password = otp;
    }
    nu.must_change = true;  /* whoever set it, the new user did not choose it */
    db *d = http_db(r);
    int64_t id = 0;
    char hash[160];
    if ((s = users_hash_password(&nu, hash, sizeof hash, e))) return s;
    nu.password_hash = hash;
    if ((s = db_begin(d, e))) return s;
    s = users_create(d, &nu, &id, e);
    /* The new account must lie inside the creator's own scope. */
    if (!s) {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)id);
        scope_who who = {r->user.scope_kind, r->user.scope_code, r->user.id};
        s = scope_check(d, &who, "user", key, e);
        if (s) err_field(e, ST_FORBIDDEN, "scope", "新用户的数据范围超出了您自己的数据范围。");
    }
    char obj[40], det[160];
    snprintf(obj, sizeof obj, "user:%lld", (long long)id);
    snprintf(det, sizeof det, "用户名 %s，角色 %s，范围 %s", nu.username, nu.role, nu.scope ? nu.scope : "默认");
    if (!s) s = auth_audit_tx(r, "user.create", obj, "ok", det, e);
    if (!s) s = db_commit(d, e);
    else db_rollback(d);
    if (s) return s;
    users_row u;
    if ((s = users_load(d, id, NULL, &u, e))) return s;
    json_t *o = json_pack("{s:o}", "user", users_json(&u));
    users_row_free(&u);
    if (generated) json_object_set_new(o, "one_time_password", json_string(otp));
    return http_reply_json(r, 201, o);
}

static st h_user_get(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (s) return s;
    users_row u;
    if ((s = users_load(http_db(r), id, NULL, &u, e))) return s;
    json_t *o = json_pack("{s:o}", "user", users_json(&u));
    users_row_free(&u);
    return http_reply_json(r, 200, o);
}

static st h_user_reveal(http_req *r, err *e) {
    static const char *const allowed[] = {"password", NULL};
    const char *pw;
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, allowed, e);
    if (!s) s = jsonx_str(r->json, "password", true, 1, 256, &pw, e);
    if (!s) s = auth_reauth(r, pw, e);
    if (s) return s;
    users_row u;
    if ((s = users_load(http_db(r), id, NULL, &u, e))) return s;
    char *idn = NULL, *ph = NULL;
    s = users_reveal(&u, &idn, &ph, e);
    users_row_free(&u);
    char obj[40];
    snprintf(obj, sizeof obj, "user:%lld", (long long)id);
    /* The reveal is only shown once its audit row is committed. */
    if (!s) s = auth_audit(r, "user.reveal", obj, "ok", "查看完整身份证号和电话", e);
    if (s) {
        free(idn);
        free(ph);
        return s;
    }
    json_t *o = json_pack("{s:I,s:s?,s:s?}", "id", (json_int_t)id, "id_number", idn, "phone", ph);
    if (idn) sodium_memzero(idn, strlen(idn));
    free(idn);
    free(ph);
    return http_reply_json(r, 200, o);
}

static st h_user_unlock(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (s) return s;
    db *d = http_db(r);
    char obj[40];
    snprintf(obj, sizeof obj, "user:%lld", (long long)id);
    if ((s = db_begin(d, e))) return s;
    s = lockout_clear(d, id, e);
    if (!s) s = auth_audit_tx(r, "user.unlock", obj, "ok", NULL, e);
    if (!s) s = db_commit(d, e);
    else db_rollback(d);
    return s ? s : http_reply_empty(r, 204);
}

static st h_user_reset(http_req *r, err *e) {
    static const char *const allowed[] = {"password", "totp", NULL};
    const char *pw;
    bool totp = false;
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, allowed, e);
    if (!s) s = jsonx_str(r->json, "password", true, 1, 256, &pw, e);
    if (!s) s = jsonx_bool(r->json, "totp", false, false, &totp, e);
    if (s) return s;
    db *d = http_db(r);
    if ((s = auth_reauth(r, pw, e))) return s;
    char otp[17], hash[crypto_pwhash_STRBYTES], obj[40];
    password_generate(otp);
    if ((s = password_hash(otp, hash, e))) return s;
    snprintf(obj, sizeof obj, "user:%lld", (long long)id);
    if ((s = db_begin(d, e))) return s;
    s = db_run(d,
               "UPDATE users SET password_hash = $1, must_change_password = 1, password_changed_at = $2, failed_count = 0, "
               "locked_until = 0, updated_at = $2 WHERE id = $3",
               e, "tii", hash, clock_now(), id);
    if (!s && totp)
        s = db_run(d, "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = 0 WHERE id = $1", e, "i", id);
    if (!s) s = session_end_all(d, id, 0, e);
    if (!s) s = auth_audit_tx(r, "user.reset", obj, "ok", totp ? "重置口令和动态验证码，结束其全部会话" : "重置口令，结束其全部会话", e);
    if (!s) s = db_commit(d, e);
    else db_rollback(d);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id, "one_time_password", otp));
}

static st h_user_disable(http_req *r, err *e) {
    static const char *const allowed[] = {"disabled", NULL};
    bool off = true;
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, allowed, e);
    if (!s) s = jsonx_bool(r->json, "disabled", true, true, &off, e);
    if (s) return s;
    if (id == r->user.id) return err_field(e, ST_INVALID, "disabled", "不能停用自己的账号。");
    db *d = http_db(r);
    char obj[40];
    snprintf(obj, sizeof obj, "user:%lld", (long long)id);
    if ((s = db_begin(d, e))) return s;
    s = db_run(d, "UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3", e, "iii", (int64_t)off, clock_now(), id);
    if (!s && off) s = session_end_all(d, id, 0, e);
    if (!s) s = auth_audit_tx(r, off ? "user.disable" : "user.enable", obj, "ok", NULL, e);
    if (!s) s = db_commit(d, e);
    else db_rollback(d);
    return s ? s : http_reply_empty(r, 204);
}

/* ---- audit ---- */

/* Filters shared by the list and the export: user, action, result, from, to (epoch seconds). */
#define AUDIT_WHERE                                                                                                    \
    " FROM audit WHERE (CAST($1 AS TEXT) IS NULL OR username = $1) AND (CAST($2 AS TEXT) IS NULL OR action LIKE $2) " \
    "AND (CAST($3 AS TEXT) IS NULL OR result = $3) AND at >= $4 AND at <= $5"

typedef struct audit_filter { const char *user, *action, *result; int64_t from, to; char action_like[80]; } audit_filter;

static st api_audit_filter(http_req *r, audit_filter *f, err *e) {
    memset(f, 0, sizeof *f);
    f->user = http_query(r, "user");
    f->result = http_query(r, "result");
    const char *a = http_query(r, "action");
    if (a && *a) {
        /* "auth." matches every auth.* action. */
        snprintf(f->action_like, sizeof f->action_like, "%.70s%s", a, a[strlen(a) - 1] == '.' ? "%" : "");
        f->action = f->action_like;
    }
    if (f->user && !*f->user) f->user = NULL;
    if (f->result && !*f->result) f->result = NULL;
    st s = http_query_int(r, "from", 0, 0, INT64_MAX / 2, &f->from, e);
    if (!s) s = http_query_int(r, "to", INT64_MAX / 2, 0, INT64_MAX / 2, &f->to, e);
    return s;
}

static st h_audit_list(http_req *r, err *e) {
    http_page pg;
    audit_filter f;
    st s = http_paging(r, &pg, e);
    if (!s) s = api_audit_filter(r, &f, e);
    if (s) return s;
    db *d = http_db(r);
    int64_t total = 0;
    if ((s = db_query_int(d, &total, "SELECT COUNT(*)" AUDIT_WHERE, e, "tttii", f.user, f.action, f.result, f.from, f.to)))
        return s;
    json_t *rows;
    const char *order;
    if ((s = http_order(r, "-seq", "q.seq DESC", &order, e))) return s;
    const char *sql = arena_printf(&r->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $6 OFFSET $7",
                                   "SELECT seq, at, user_id, username, role, action, object, result, address, detail, "
                                   "hash" AUDIT_WHERE,
                                   order);
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    s = db_query_json(d, &rows, sql, e, "tttiiii", f.user, f.action, f.result, f.from, f.to, pg.size, pg.offset);
    if (s) return s;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        char iso[32];
        clock_iso(json_integer_value(json_object_get(row, "at")), iso, sizeof iso);
        json_object_set_new(row, "time", json_string(iso));
    }
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", rows, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static st h_audit_export(http_req *r, err *e) {
    audit_filter f;
    st s = api_audit_filter(r, &f, e);
    if (s) return s;
    const char *path;
    if ((s = http_tempfile(r, &path, e))) return s;
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, "审计日志") : NULL;
    if (!ws) {
        if (wb) workbook_close(wb);
        return err_set(e, ST_IO, "无法生成 xlsx 文件。");
    }
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    static const char *const head[] = {"序号", "时间（UTC）", "用户", "角色", "动作", "对象", "结果", "来源地址", "详情", "散列"};
    static const double widths[] = {8, 22, 14, 12, 22, 30, 8, 16, 40, 20};
    for (int c = 0; c < 10; c++) {
        worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], bold);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
    }
    worksheet_freeze_panes(ws, 1, 0);
    int64_t cap = cfg_int("export-row-cap");
    db *d = http_db(r);
    db_stmt *q;
    s = db_prepare(d,
                   "SELECT seq, at, username, role, action, object, result, address, detail, hash" AUDIT_WHERE
                   " ORDER BY seq LIMIT $6",
                   &q, e);
    int64_t n = 0;
    bool truncated = false;
    if (!s) {
        db_bind_text(q, 1, f.user);
        db_bind_text(q, 2, f.action);
        db_bind_text(q, 3, f.result);
        db_bind_int(q, 4, f.from);
        db_bind_int(q, 5, f.to);
        db_bind_int(q, 6, cap + 1);
        int rc;
        while ((rc = db_step(q, e)) == DB_ROW) {
            if (n == cap) {
                truncated = true;
                break;
            }
            lxw_row_t row = (lxw_row_t)(n + 1);
            char iso[32];
            clock_iso(db_col_int(q, 1), iso, sizeof iso);
            worksheet_write_number(ws, row, 0, (double)db_col_int(q, 0), NULL);
            worksheet_write_string(ws, row, 1, iso, NULL);
            for (int c = 2; c < 10; c++)
                if (!db_col_null(q, c)) worksheet_write_string(ws, row, (lxw_col_t)c, db_col_text(q, c), NULL);
            n++;
        }
        db_reset(q);
        if (rc == DB_ERROR) s = e->code;
    }
    if (truncated)
        worksheet_write_string(ws, (lxw_row_t)(n + 2), 0, "已达导出行数上限（export-row-cap），其余记录未导出；请缩小时间范围分批导出。", bold);
    lxw_error xe = workbook_close(wb);
    if (!s && xe != LXW_NO_ERROR) s = err_set(e, ST_IO, "写入 xlsx 失败：%s", lxw_strerror(xe));
    char det[160];
    snprintf(det, sizeof det, "导出 %lld 条%s；筛选 user=%s action=%s result=%s", (long long)n, truncated ? "（已截断）" : "",
             f.user ? f.user : "", f.action ? f.action : "", f.result ? f.result : "");
    if (!s) s = auth_audit(r, "audit.export", "audit", "ok", det, e);
    if (!s) s = http_reply_file(r, path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                "审计日志.xlsx", e);
    return s;
}

static st h_audit_verify(http_req *r, err *e) {
    audit_check c;
    st s = audit_verify(http_db(r), &c, e);
    if (s) return s;
    json_t *o = json_pack("{s:b,s:I}", "ok", c.bad_seq == 0, "rows", (json_int_t)c.rows);
    if (c.bad_seq) {
        json_object_set_new(o, "bad_seq", json_integer(c.bad_seq));
        json_object_set_new(o, "why", json_string(c.why));
    }
    return http_reply_json(r, 200, o);
}

/* Lists: sort keys (listq.c).  The audit log has no ?format=xlsx: exporting it
 * is its own permission (audit.export, /api/audit/export.xlsx). */
static const http_sort_key aa_user_sort[] = {
    {"id", "q.id"}, {"username", "q.username"}, {"name", "q.name", true}, {"role", "q.role"}, {NULL, NULL}};
static const http_sort_key aa_audit_sort[] = {
    {"seq", "q.seq"}, {"at", "q.at"}, {"username", "q.username"}, {"action", "q.action"}, {"result", "q.result"},
    {NULL, NULL}};

const http_route users_routes[] = {
    {"GET", "/api/users", "user.read", h_users_list, HB_NONE, "用户列表（本人数据范围内）", "auth", NULL,
     "用户|id:编号|username:用户名|name:姓名|role_label:角色|scope.name:数据范围|phone:电话（脱敏）|locked:已锁定:bool|"
     "disabled:已停用:bool|must_change_password:须改口令:bool|totp.enabled:动态验证码:bool",
     aa_user_sort},
    {"POST", "/api/users", "user.write", h_users_create, HB_JSON, "创建用户", "auth", NULL},
    {"GET", "/api/users/{id}", "user.read", h_user_get, HB_NONE, "用户详情（敏感字段脱敏）", "auth", "user:{id}"},
    {"POST", "/api/users/{id}/reveal", "user.reveal", h_user_reveal, HB_JSON, "查看完整身份证号和电话（需口令，记入审计）",
     "auth", "user:{id}"},
    {"POST", "/api/users/{id}/unlock", "user.write", h_user_unlock, HB_NONE, "解除账号锁定", "auth", "managed_user:{id}"},
    {"POST", "/api/users/{id}/reset", "user.write", h_user_reset, HB_JSON,
     "重置口令（可同时重置动态验证码），返回一次性口令（需口令）", "auth", "managed_user:{id}"},
    {"POST", "/api/users/{id}/disable", "user.write", h_user_disable, HB_JSON, "停用或启用账号", "auth", "managed_user:{id}"},
    {"GET", "/api/audit", "audit.read", h_audit_list, HB_NONE, "审计日志（筛选、分页；导出见 export.xlsx）", "audit", NULL,
     NULL, aa_audit_sort},
    {"GET", "/api/audit/export.xlsx", "audit.export", h_audit_export, HB_NONE, "导出审计日志 xlsx（限行数，记入审计）",
     "audit", NULL},
    {"GET", "/api/audit/verify", "audit.read", h_audit_verify, HB_NONE, "校验审计日志散列链", "audit", NULL},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
