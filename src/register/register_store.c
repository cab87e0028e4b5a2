/* register_store — all the SQL of the enterprise register (see register.h):
 * the dated writes (create, edit, close, merge), the feed's import and its
 * proposals accepted or refused, the lists.  Every write is one audited act;
 * an accepted proposal runs the write it proposes as a part of its own act. */
#include "register/register.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/scope.h"
#include "base/clock.h"
#include "coverage/coverage.h"
#include "covkept/covkept.h"
#include "ledger/code.h"
#include "member/member_store.h"
#include "org/org.h"
#include "db/db_like.h"

static void rg_today(char out[11]) { clock_day(clock_now(), out); }
static const char *rg_nz(const char *s) { return s && *s ? s : NULL; }

/* ---- one enterprise as the writes read it ---- */

typedef struct rg_ent {
    int64_t id;
    char name[512], uscc[32], district[16], park[16], street[16], reg_from[11], reg_to[11], reg_end[8];
    int zombie;
} rg_ent;

static void rg_cp(char *dst, size_t cap, const char *s) { snprintf(dst, cap, "%s", s ? s : ""); }

static st rg_load(uc *c, int64_t id, const char *field, rg_ent *x, err *e) {
    memset(x, 0, sizeof *x);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT id, name, uscc, district_code, park_code, reg_from, reg_to, reg_end, zombie, street_code FROM enterprise WHERE id = $1",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, id);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        x->id = db_col_int(q, 0);
        rg_cp(x->name, sizeof x->name, db_col_text(q, 1));
        rg_cp(x->uscc, sizeof x->uscc, db_col_text(q, 2));
        rg_cp(x->district, sizeof x->district, db_col_text(q, 3));
        rg_cp(x->park, sizeof x->park, db_col_text(q, 4));
        rg_cp(x->reg_from, sizeof x->reg_from, db_col_text(q, 5));
        rg_cp(x->reg_to, sizeof x->reg_to, db_col_text(q, 6));
        rg_cp(x->reg_end, sizeof x->reg_end, db_col_text(q, 7));
        x->zombie = (int)db_col_int(q, 8);
        rg_cp(x->street, sizeof x->street, db_col_text(q, 9));
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_field(e, ST_NOT_FOUND, field, "企业名录中没有编号为 %lld 的企业。", (long long)id);
    return ST_OK;
}

/* In the register on day: not closed or merged, and the day not before it entered. */
static st rg_active(const rg_ent *x, const char *day, const char *field, err *e) {
    if (x->reg_to[0])
        return err_field(e, ST_CONFLICT, field, "企业“%s”已于 %s %s，不能再修改；它的历史仍保留在企业页上。", x->name, x->reg_to,
                         !strcmp(x->reg_end, "merged") ? "合并到另一家企业" : "关闭（注销）");
    if (x->reg_from[0] && strcmp(day, x->reg_from) < 0)
        return err_field(e, ST_INVALID, "day", "企业“%s”于 %s 纳入名录，日期 %s 在此之前，请改为 %s 或之后。", x->name, x->reg_from, day,
                         x->reg_from);
    return ST_OK;
}

/* A day of the register: a real day, not after today. */
static st rg_day(const char *day, err *e) {
    st s = org_day_check(day, "day", e);
    if (s) return s;
    char today[11];
    rg_today(today);
    if (strcmp(day, today) > 0) return err_field(e, ST_INVALID, "day", "日期 %s 晚于今天（%s），名录只记已发生的变动。", day, today);
    return ST_OK;
}

static st rg_event(uc *c, int64_t ent, const char *day, const char *kind, int64_t other, const char *district, const char *park,
                   const char *before, const char *after, const char *note, int64_t proposal, err *e) {
    return db_run(c->d,
                  "INSERT INTO enterprise_event(enterprise_id, day, kind, other_id, district_code, park_code, before_json, after_json, "
                  "note, proposal_id, actor, created_at) VALUES ($1, $2, $3, CASE WHEN $4 > 0 THEN $4 END, $5, $6, $7, $8, $9, "
                  "CASE WHEN $10 > 0 THEN $10 END, $11, {{NOW}})",
                  e, "ittitttttit", ent, day, kind, other, rg_nz(district), rg_nz(park), before, after, rg_nz(note), proposal,
                  c->who.username ? c->who.username : "system");
}

/* ---- checks of the fields given ---- */

static st rg_check_fields(uc *c, const register_ent_in *in, int64_t self, err *e) {
    if (in->name && (!*in->name || strlen(in->name) > 300))
        return err_field(e, ST_INVALID, "name", "企业名称不能为空，也不能超过 100 个字。");
    if (rg_nz(in->uscc)) {
        char want = 0;
        int bad = 0;
        code_uscc_result r = code_uscc_check(in->uscc, strlen(in->uscc), &want, &bad);
        if (r != CODE_USCC_OK)
            return err_field(e, ST_INVALID, "uscc", "统一社会信用代码“%.40s”无效（%s），请对照营业执照重新填写。", in->uscc,
                             r == CODE_USCC_LENGTH ? "应为 18 位" : r == CODE_USCC_CHECK ? "校验位不符" : "含不允许的字符或组织机构代码部分不符");
        int64_t other = 0;
        st s = db_query_int(c->d, &other, "SELECT id FROM enterprise WHERE uscc = $1 AND id <> $2", e, "ti", in->uscc, self);
        if (!s)
            return err_field(e, ST_CONFLICT, "uscc", "统一社会信用代码 %s 已属于名录中的企业（编号 %lld），同一企业请直接修改或合并。", in->uscc,
                             (long long)other);
        if (s != ST_NOT_FOUND) return s;
    }
    static const struct { const char *field, *kind, *label; } regs[] = {
        {"district_code", "district", "所属区"}, {"street_code", "street", "街道"}, {"park_code", "park", "园区"}};
    const char *vals[] = {in->district_code, in->street_code, in->park_code};
    for (int i = 0; i < 3; i++) {
        if (!rg_nz(vals[i])) continue;
        int64_t n = 0;
        st s = db_query_int(c->d, &n, "SELECT COUNT(*) FROM region WHERE code = $1 AND kind = $2", e, "tt", vals[i], regs[i].kind);
        if (s) return s;
        if (!n) return err_field(e, ST_INVALID, regs[i].field, "%s代码“%.20s”不存在，请从列表中选择。", regs[i].label, vals[i]);
    }
    if (rg_nz(in->category)) {
        static const char *const six[] = {"新闻", "社交", "网游", "电商", "金融", "数据"};
        bool ok = false;
        for (int i = 0; i < 6; i++) ok |= !strcmp(in->category, six[i]);
        if (!ok) return err_field(e, ST_INVALID, "category", "行业类别“%.20s”无效，应为 新闻、社交、网游、电商、金融、数据 之一。", in->category);
    }
    if (in->employees < -1 || in->employees > 10000000) return err_field(e, ST_INVALID, "employees", "从业人数无效。");
    if (in->members < -1 || in->members > 1000000) return err_field(e, ST_INVALID, "members", "党员数无效。");
    if (rg_nz(in->founded_on)) {
        st s = org_day_check(in->founded_on, "founded_on", e);
        if (s) return s;
    }
    return ST_OK;
}

/* The fields as JSON (those given). */
static json_t *rg_fields_json(const register_ent_in *in) {
    json_t *o = json_object();
    const char *keys[] = {"name", "uscc", "district_code", "street_code", "park_code", "address", "category", "business_scope", "founded_on"};
    const char *vals[] = {in->name, in->uscc, in->district_code, in->street_code, in->park_code, in->address, in->category,
                          in->business_scope, in->founded_on};
    for (int i = 0; i < 9; i++)
        if (vals[i]) json_object_set_new(o, keys[i], *vals[i] ? json_string(vals[i]) : json_null());
    if (in->employees >= 0) json_object_set_new(o, "employees", json_integer(in->employees));
    if (in->members >= 0) json_object_set_new(o, "members", json_integer(in->members));
    return o;
}

static const char *rg_dump(uc *c, json_t *o) {
    char *s = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
    const char *r = s ? arena_strdup(c->mem, s) : NULL;
    free(s);
    json_decref(o);
    return r;
}

/* ---- create ---- */

static st rg_create_work(uc *c, const register_ent_in *in, int64_t *id, err *e) {
    if (!rg_nz(in->name)) return err_field(e, ST_INVALID, "name", "请填写企业名称（与营业执照一致）。");
    if (!in->day) return err_field(e, ST_INVALID, "day", "请填写纳入名录的日期（通常为成立日期）。");
    st s = rg_day(in->day, e);
    if (!s) s = rg_check_fields(c, in, 0, e);
    if (!s && !rg_nz(in->district_code)) s = err_field(e, ST_INVALID, "district_code", "请选择企业所属区。");
    covkept_snap k;   /* the kept coverage figures count it from its day (covkept.h) */
    if (!s) s = covkept_before(c, 0, &k, e);
    if (s) return s;
    s = db_query_int(c->d, id,
                     "INSERT INTO enterprise(name, uscc, district_code, street_code, park_code, address, category, employees, members, "
                     "status, zombie, business_scope, founded_on, reg_from, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                     "CASE WHEN $8 >= 0 THEN $8 END, CASE WHEN $9 >= 0 THEN $9 END, '存续', 0, $10, $11, $12, {{NOW}}, {{NOW}}) RETURNING id",
                     e, "tttttttiittt", in->name, rg_nz(in->uscc), rg_nz(in->district_code), rg_nz(in->street_code),
                     rg_nz(in->park_code), rg_nz(in->address), rg_nz(in->category), in->employees, in->members,
                     rg_nz(in->business_scope), rg_nz(in->founded_on), in->day);
    k.ent = *id;
    if (!s) s = covkept_after(c, &k, e);
    if (!s)
        s = rg_event(c, *id, in->day, "created", 0, in->district_code, in->park_code, NULL, rg_dump(c, rg_fields_json(in)), in->note,
                     in->proposal_id, e);
    return s;
}

st register_store_create(uc *c, const register_ent_in *in, int64_t *id, err *e) {
    *id = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    s = rg_create_work(c, in, id, e);
    uc_act a = {"register.create", s ? NULL : uc_obj(c, "enterprise", *id),
                s ? NULL : arena_printf(c->mem, "企业“%s”自 %s 纳入名录", in->name, in->day)};
    return uc_end(c, s, &a, e);
}

/* ---- edit ---- */

/* The place the enterprise leaves on day (a move of its district, park or
 * street) kept as a stretch of enterprise_place that ends that day and began
 * where the one before ended (NULL: since it entered the register), so
 * coverage as of an earlier day counts it where it was (migration 0073).
 * Moves go in order: one dated before the last is refused. */
static st rg_place_keep(uc *c, const rg_ent *x, const char *day, err *e) {
    char *last = NULL;
    st s = db_query_text(c->d, &last, "SELECT MAX(to_day) FROM enterprise_place WHERE enterprise_id = $1", e, "i", x->id);
    if (s == ST_NOT_FOUND) s = ST_OK;
    if (s) return s;
    if (last && !*last) {   /* no stretch yet (MAX of none) */
        free(last);
        last = NULL;
    }
    if (last && strcmp(day, last) < 0) {
        s = err_field(e, ST_INVALID, "day",
                      "企业“%s”的所在区、街道或园区已于 %s 变动过，这次变动的日期 %s 不能早于它：请按时间顺序登记，日期填 %s 或之后。", x->name,
                      last, day, last);
        free(last);
        return s;
    }
    if (!last || strcmp(last, day) < 0)
        s = db_run(c->d,
                   "INSERT INTO enterprise_place(enterprise_id, from_day, to_day, district_code, park_code, street_code) "
                   "VALUES ($1, $2, $3, $4, $5, $6)",
                   e, "ittttt", x->id, last, day, rg_nz(x->district), rg_nz(x->park), rg_nz(x->street));
    free(last);
    return s;
}

st register_store_edit(uc *c, int64_t id, const register_ent_in *in, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    rg_ent x;
    json_t *cur = NULL;
    const char *before = NULL, *after = NULL;
    bool moves = false;
    s = rg_load(c, id, "id", &x, e);
    if (!s && !in->day) s = err_field(e, ST_INVALID, "day", "请填写变动的日期。");
    if (!s) s = rg_day(in->day, e);
    if (!s) s = rg_active(&x, in->day, "id", e);
    if (!s && in->name && !*in->name) s = err_field(e, ST_INVALID, "name", "企业名称不能为空。");
    if (!s) s = rg_check_fields(c, in, id, e);
    if (!s)
        s = db_query_json(c->d, &cur,
                          "SELECT name, uscc, district_code, street_code, park_code, address, category, business_scope, founded_on, "
                          "employees, members FROM enterprise WHERE id = $1",
                          e, "i", id);
    if (!s) {
        /* only what changes: before and after */
        json_t *now = json_array_get(cur, 0), *given = rg_fields_json(in), *b = json_object(), *a = json_object();
        const char *k;
        json_t *v;
        json_object_foreach(given, k, v) {
            json_t *old = json_object_get(now, k);
            if (!old) old = json_null();
            if (!json_equal(old, v)) {
                json_object_set(b, k, old);
                json_object_set(a, k, v);
            }
        }
        json_decref(given);
        if (!json_object_size(a)) {
            json_decref(a);
            json_decref(b);
            s = err_set(e, ST_INVALID, "没有要修改的内容：所填与名录中的“%s”相同。", x.name);
        } else {
            moves = json_object_get(a, "district_code") || json_object_get(a, "park_code") || json_object_get(a, "street_code");
            before = rg_dump(c, b);
            after = rg_dump(c, a);
        }
    }
    json_decref(cur);
    covkept_snap k;   /* a move or a new category moves the kept coverage figures */
    if (!s) s = covkept_before(c, id, &k, e);
    if (!s && moves) s = rg_place_keep(c, &x, in->day, e);
    if (!s)
        s = db_run(c->d,
                   "UPDATE enterprise SET name = COALESCE($1, name), uscc = CASE WHEN CAST($2 AS TEXT) IS NULL THEN uscc ELSE NULLIF($2, '') END, "
                   "district_code = CASE WHEN CAST($3 AS TEXT) IS NULL THEN district_code ELSE NULLIF($3, '') END, "
                   "street_code = CASE WHEN CAST($4 AS TEXT) IS NULL THEN street_code ELSE NULLIF($4, '') END, "
                   "park_code = CASE WHEN CAST($5 AS TEXT) IS NULL THEN park_code ELSE NULLIF($5, '') END, "
                   "address = CASE WHEN CAST($6 AS TEXT) IS NULL THEN address ELSE NULLIF($6, '') END, "
                   "category = CASE WHEN CAST($7 AS TEXT) IS NULL THEN category ELSE NULLIF($7, '') END, "
                   "business_scope = CASE WHEN CAST($8 AS TEXT) IS NULL THEN business_scope ELSE NULLIF($8, '') END, "
                   "founded_on = CASE WHEN CAST($9 AS TEXT) IS NULL THEN founded_on ELSE NULLIF($9, '') END, "
                   "employees = CASE WHEN $10 >= 0 THEN $10 ELSE employees END, members = CASE WHEN $11 >= 0 THEN $11 ELSE members END, "
                   "updated_at = {{NOW}} WHERE id = $12",
                   e, "tttttttttiii", in->name, in->uscc, in->district_code, in->street_code, in->park_code, in->address,
                   in->category, in->business_scope, in->founded_on, in->employees, in->members, id);
    if (!s) s = covkept_after(c, &k, e);
    if (!s)
        s = rg_event(c, id, in->day, "edited", 0, in->district_code ? in->district_code : x.district,
                     in->park_code ? in->park_code : x.park, before, after, in->note, in->proposal_id, e);
    uc_act a = {"register.edit", uc_obj(c, "enterprise", id),
                s ? NULL : arena_printf(c->mem, "企业“%s”自 %s 变更：%s", x.name, in->day, after)};
    return uc_end(c, s, &a, e);
}

/* Fill enterprise_place once from the register's history (migration 0073):
 * each edit that moved an enterprise gave the place before it in its
 * before_json; walking an enterprise's moves back from its present columns
 * gives every earlier place (a field an edit did not change was what it was
 * after the edit), then each stretch runs from the move before it. */
typedef struct rg_move {
    const char *day, *before;
} rg_move;

static st rg_fill_one(db *d, int64_t ent, const char *const cur[3], const rg_move *mv, size_t n, int64_t *count, err *e) {
    static const char *const keys[3] = {"district_code", "park_code", "street_code"};
    /* the places before each move, worked out from the last move back to the first */
    const char *(*old)[3] = calloc(n ? n : 1, sizeof *old);
    if (!old) return err_set(e, ST_NOMEM, "内存不足。");
    json_t **held = calloc(n ? n : 1, sizeof *held);
    if (!held) {
        free(old);
        return err_set(e, ST_NOMEM, "内存不足。");
    }
    const char *now[3] = {cur[0], cur[1], cur[2]};
    for (size_t i = n; i-- > 0;) {
        held[i] = json_loads(mv[i].before, 0, NULL);
        for (int k = 0; k < 3; k++) {
            json_t *v = held[i] ? json_object_get(held[i], keys[k]) : NULL;
            old[i][k] = v ? json_string_value(v) : now[k];   /* JSON null: it had none */
            now[k] = old[i][k];
        }
    }
    st s = ST_OK;
    const char *from = NULL;
    for (size_t i = 0; !s && i < n; i++) {
        if (!from || strcmp(from, mv[i].day) < 0) {
            s = db_run(d,
                       "INSERT INTO enterprise_place(enterprise_id, from_day, to_day, district_code, park_code, street_code) "
                       "VALUES ($1, $2, $3, $4, $5, $6)",
                       e, "ittttt", ent, from, mv[i].day, rg_nz(old[i][0]), rg_nz(old[i][1]), rg_nz(old[i][2]));
            if (!s) (*count)++;
        }
        from = mv[i].day;
    }
    for (size_t i = 0; i < n; i++) json_decref(held[i]);
    free(held);
    free(old);
    return s;
}

st register_store_place_fill(db *d, int64_t *n, err *e) {
    *n = 0;
    int64_t todo = 0;
    st s = db_query_int(d, &todo, "SELECT COUNT(*) FROM meta WHERE key = 'enterprise-place-fill'", e, "");
    if (s || !todo) return s;
    json_t *rows = NULL;
    if ((s = db_begin(d, e))) return s;
    s = db_run(d, "DELETE FROM enterprise_place", e, "");
    if (!s)
        s = db_query_json(d, &rows,
                          "SELECT v.enterprise_id, v.day, v.before_json, e.district_code, e.park_code, e.street_code "
                          "FROM enterprise_event v JOIN enterprise e ON e.id = v.enterprise_id WHERE v.kind = 'edited' "
                          "AND v.before_json IS NOT NULL AND (v.before_json LIKE '%\"district_code\"%' "
                          "OR v.before_json LIKE '%\"park_code\"%' OR v.before_json LIKE '%\"street_code\"%') "
                          "ORDER BY v.enterprise_id, v.day, v.id",
                          e, "");
    size_t total = json_array_size(rows);
    rg_move *mv = calloc(total ? total : 1, sizeof *mv);
    if (!s && !mv) s = err_set(e, ST_NOMEM, "内存不足。");
    for (size_t i = 0; !s && i < total;) {
        json_t *r0 = json_array_get(rows, i);
        int64_t ent = json_integer_value(json_object_get(r0, "enterprise_id"));
        const char *cur[3] = {json_string_value(json_object_get(r0, "district_code")), json_string_value(json_object_get(r0, "park_code")),
                              json_string_value(json_object_get(r0, "street_code"))};
        size_t j = i;
        for (; j < total && json_integer_value(json_object_get(json_array_get(rows, j), "enterprise_id")) == ent; j++) {
            json_t *r = json_array_get(rows, j);
            mv[j - i] = (rg_move){json_string_value(json_object_get(r, "day")), json_string_value(json_object_get(r, "before_json"))};
        }
        s = rg_fill_one(d, ent, cur, mv, j - i, n, e);
        i = j;
    }
    free(mv);
    json_decref(rows);
    if (!s) s = db_run(d, "DELETE FROM meta WHERE key = 'enterprise-place-fill'", e, "");
    /* the places moved the figures of earlier days: the kept coverage is rebuilt (covkept_store_upgrade, after this) */
    if (!s) s = covkept_store_mark_stale(d, e);
    if (!s) return db_commit(d, e);
    db_rollback(d);
    return s;
}

/* ---- close ---- */

/* The enterprise's covers and instructors open on day end that day, each an organizational event. */
static st rg_end_links(uc *c, const rg_ent *x, const char *day, const char *why, err *e) {
    st s = db_run(c->d,
                  "INSERT INTO org_event(day, kind, org_id, enterprise_id, district_code, note, actor, created_at) "
                  "SELECT $1, 'cover_removed', org_id, enterprise_id, $3, $4, $5, {{NOW}} FROM org_cover "
                  "WHERE enterprise_id = $2 AND from_day < $1 AND (to_day IS NULL OR to_day > $1)",
                  e, "tittt", day, x->id, rg_nz(x->district), why, c->who.username ? c->who.username : "system");
    if (!s)
        s = db_run(c->d, "UPDATE org_cover SET to_day = $1 WHERE enterprise_id = $2 AND (to_day IS NULL OR to_day > $1)", e, "ti",
                   day, x->id);
    if (!s)
        s = db_run(c->d,
                   "INSERT INTO org_event(day, kind, org_id, enterprise_id, district_code, note, actor, created_at) "
                   "SELECT $1, 'instructor_withdrawn', org_id, enterprise_id, $3, $4, $5, {{NOW}} FROM org_instructor "
                   "WHERE enterprise_id = $2 AND from_day < $1 AND (to_day IS NULL OR to_day > $1)",
                   e, "tittt", day, x->id, rg_nz(x->district), why, c->who.username ? c->who.username : "system");
    if (!s)
        s = db_run(c->d, "UPDATE org_instructor SET to_day = $1 WHERE enterprise_id = $2 AND (to_day IS NULL OR to_day > $1)", e,
                   "ti", day, x->id);
    return s;
}

st register_store_close(uc *c, int64_t id, const char *day, const char *note, int64_t proposal_id, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    rg_ent x;
    s = rg_load(c, id, "id", &x, e);
    if (!s && !day) s = err_field(e, ST_INVALID, "day", "请填写关闭（注销、吊销）的日期。");
    if (!s) s = rg_day(day, e);
    if (!s) s = rg_active(&x, day, "id", e);
    covkept_snap k;
    if (!s) s = covkept_before(c, id, &k, e);
    if (!s) s = rg_end_links(c, &x, day, "企业关闭（注销、吊销）", e);
    if (!s)
        s = db_run(c->d, "UPDATE enterprise SET reg_to = $1, reg_end = 'closed', updated_at = {{NOW}} WHERE id = $2", e, "ti", day, id);
    if (!s) s = covkept_after(c, &k, e);
    if (!s) s = rg_event(c, id, day, "closed", 0, x.district, x.park, NULL, NULL, note, proposal_id, e);
    uc_act a = {"register.close", uc_obj(c, "enterprise", id),
                s ? NULL : arena_printf(c->mem, "企业“%s”自 %s 关闭%s%s", x.name, day, rg_nz(note) ? "：" : "", rg_nz(note) ? note : "")};
    return uc_end(c, s, &a, e);
}

/* ---- merge ---- */

st register_store_merge(uc *c, int64_t id, int64_t into, const char *day, const char *note, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    rg_ent x, y;
    s = rg_load(c, id, "id", &x, e);
    if (!s) s = rg_load(c, into, "into", &y, e);
    if (!s && id == into) s = err_field(e, ST_INVALID, "into", "不能把企业合并到它自己，请选择另一家企业。");
    if (!s && !day) s = err_field(e, ST_INVALID, "day", "请填写合并的日期。");
    if (!s) s = rg_day(day, e);
    if (!s) s = rg_active(&x, day, "id", e);
    if (!s) s = rg_active(&y, day, "into", e);
    const char *who = c->who.username ? c->who.username : "system";
    covkept_snap kx, ky;   /* both enterprises' coverage moves */
    if (!s) s = covkept_before(c, id, &kx, e);
    if (!s) s = covkept_before(c, into, &ky, e);
    /* the survivor carries the other's covers and instructors from their own days */
    if (!s)
        s = db_run(c->d,
                   "INSERT INTO org_cover(org_id, enterprise_id, joint, from_day, to_day) SELECT org_id, $2, joint, from_day, to_day "
                   "FROM org_cover WHERE enterprise_id = $1",
                   e, "ii", id, into);
    if (!s)
        s = db_run(c->d,
                   "INSERT INTO org_event(day, kind, org_id, enterprise_id, district_code, note, actor, created_at) "
                   "SELECT $1, 'cover_added', org_id, $2, $3, $4, $5, {{NOW}} FROM org_cover WHERE enterprise_id = $6 "
                   "AND (to_day IS NULL OR to_day > $1)",
                   e, "tittti", day, into, rg_nz(y.district), arena_printf(c->mem, "企业合并：承接“%s”的覆盖", x.name), who, id);
    if (!s)
        s = db_run(c->d,
                   "INSERT INTO org_instructor(enterprise_id, org_id, name, phone, phone_masked, pii, from_day, to_day) "
                   "SELECT $2, org_id, name, phone, phone_masked, pii, from_day, to_day FROM org_instructor WHERE enterprise_id = $1",
                   e, "ii", id, into);
    if (!s) s = rg_end_links(c, &x, day, arena_printf(c->mem, "企业合并到“%s”", y.name), e);
    /* the survivor was there since the earlier of the two */
    if (!s)
        s = db_run(c->d,
                   "UPDATE enterprise SET reg_from = CASE WHEN reg_from IS NULL OR CAST($2 AS TEXT) IS NULL THEN NULL "
                   "WHEN CAST($2 AS TEXT) < reg_from THEN CAST($2 AS TEXT) ELSE reg_from END, updated_at = {{NOW}} WHERE id = $1",
                   e, "it", into, x.reg_from[0] ? x.reg_from : NULL);
    if (!s)
        s = db_run(c->d, "UPDATE enterprise SET reg_to = $1, reg_end = 'merged', merged_into = $2, updated_at = {{NOW}} WHERE id = $3",
                   e, "tii", day, into, id);
    if (!s) s = covkept_after(c, &kx, e);
    if (!s) s = covkept_after(c, &ky, e);
    /* the people of the registry who work at id work at into from the merge (issue 23) */
    int64_t people = 0;
    if (!s)
        s = member_store_enterprise_merge(c, id, into, day, arena_printf(c->mem, "所在企业“%s”合并到“%s”", x.name, y.name), &people,
                                          e);
    if (!s) s = rg_event(c, id, day, "merged", into, x.district, x.park, NULL, NULL, note, 0, e);
    if (!s) s = rg_event(c, into, day, "absorbed", id, y.district, y.park, NULL, NULL, note, 0, e);
    uc_act a = {"register.merge", uc_obj(c, "enterprise", id),
                s ? NULL : arena_printf(c->mem, "企业“%s”与“%s”为同一企业，自 %s 合并到后者（人员 %lld 名随之转入）", x.name, y.name, day,
                                        (long long)people)};
    return uc_end(c, s, &a, e);
}

/* ---- reads ---- */

#define RG_SCOPE SCOPE_COND("$1", "$2", "e.district_code", "e.park_code", "NULL", "e.id", "NULL")

st register_store_list(uc *c, const register_filter *f, const uc_page *pg, json_t **items, int64_t *total, err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    const char *status = rg_nz(f->status) ? f->status : "active";
    if (strcmp(status, "active") && strcmp(status, "closed") && strcmp(status, "merged") && strcmp(status, "all"))
        return err_field(e, ST_INVALID, "status", "状态 status 应为 active（在册）、closed（已关闭）、merged（已合并）或 all（全部）。");
    char today[11];
    rg_today(today);
#define RG_LIST_WHERE                                                                                                  \
    " FROM enterprise e WHERE " RG_SCOPE " AND (CAST($3 AS TEXT) IS NULL OR e.name LIKE " DB_LIKE_CONTAINS("$3") " OR e.uscc = UPPER($3))" \
    " AND (CAST($4 AS TEXT) IS NULL OR e.district_code = $4) AND (CAST($5 AS TEXT) = 'all'"                            \
    " OR (CAST($5 AS TEXT) = 'active' AND e.reg_to IS NULL AND e.zombie = 0) OR e.reg_end = $5)"
    st s = db_query_int(c->d, total, "SELECT COUNT(*)" RG_LIST_WHERE, e, "ttttt", k, code, rg_nz(f->q), rg_nz(f->district), status);
    if (s) return s;
    const char *sql = arena_printf(
        c->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $7 OFFSET $8",
        "SELECT e.id, e.name, e.uscc, e.district_code, e.street_code, e.park_code, e.category, e.employees, "
        "e.members, e.founded_on, e.reg_from, e.reg_to, e.reg_end, e.merged_into, e.zombie, "
        "CASE WHEN EXISTS (SELECT 1 FROM org_cover v WHERE v.enterprise_id = e.id AND v.from_day <= $6 AND (v.to_day IS NULL OR "
        "v.to_day > $6)) THEN 1 ELSE 0 END AS covered, "
        "(SELECT MAX(v.day) FROM enterprise_event v WHERE v.enterprise_id = e.id) AS last_event" RG_LIST_WHERE,
        pg->order ? pg->order : "q.id");
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    return db_query_json(c->d, items, sql, e, "ttttttii", k, code, rg_nz(f->q), rg_nz(f->district), status, today, pg->limit,
                         pg->offset);
#undef RG_LIST_WHERE
}

st register_store_get(uc *c, int64_t id, json_t **out, err *e) {
    json_t *o = NULL, *row = NULL, *events = NULL, *absorbed = NULL;
    st s = coverage_store_enterprise(c, id, &o, e);
    if (s) return s;
    s = db_query_json(c->d, &row,
                      "SELECT e.address, e.business_scope, e.founded_on, e.reg_from, e.reg_to, e.reg_end, e.merged_into, "
                      "m.name AS merged_into_name, e.status FROM enterprise e LEFT JOIN enterprise m ON m.id = e.merged_into WHERE e.id = $1",
                      e, "i", id);
    if (!s)
        s = db_query_json(c->d, &events,
                          "SELECT v.id, v.day, v.kind, v.other_id, x.name AS other_name, v.before_json, v.after_json, v.note, "
                          "v.proposal_id, v.actor FROM enterprise_event v LEFT JOIN enterprise x ON x.id = v.other_id "
                          "WHERE v.enterprise_id = $1 ORDER BY v.day, v.id",
                          e, "i", id);
    if (!s)
        s = db_query_json(c->d, &absorbed,
                          "SELECT id, name, uscc, reg_to AS day FROM enterprise WHERE merged_into = $1 ORDER BY reg_to, id", e, "i", id);
    if (s) {
        json_decref(o);
        json_decref(row);
        json_decref(events);
        json_decref(absorbed);
        return s;
    }
    json_object_update(o, json_array_get(row, 0));
    json_decref(row);
    /* the fields of an edit as objects, not text */
    size_t i;
    json_t *v;
    json_array_foreach(events, i, v) {
        static const char *const keys[] = {"before_json", "after_json"};
        for (int j = 0; j < 2; j++) {
            const char *t = json_string_value(json_object_get(v, keys[j]));
            json_t *p = t ? json_loads(t, 0, NULL) : NULL;
            json_object_set_new(v, j ? "after" : "before", p ? p : json_null());
            json_object_del(v, keys[j]);
        }
    }
    json_object_set_new(o, "register_events", events);
    json_object_set_new(o, "absorbed", absorbed);
    *out = o;
    return ST_OK;
}

/* ---- the feed ---- */

static void rg_hex(const uint8_t *h, char out[65]) {
    for (int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* The whole register as the matcher sees it (the caller frees *ents; strings in c's memory). */
static st rg_register(uc *c, register_ent **ents, size_t *n, err *e) {
    *ents = NULL;
    *n = 0;
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT id, name, uscc, address, district_code, CASE WHEN reg_to IS NULL THEN 1 ELSE 0 END FROM enterprise "
                      "WHERE merged_into IS NULL AND zombie = 0 ORDER BY id",
                      &q, e);
    if (s) return s;
    size_t cap = 0;
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 1024;
            register_ent *m = realloc(*ents, cap * sizeof *m);
            if (!m) {
                db_reset(q);
                return err_set(e, ST_NOMEM, "内存不足。");
            }
            *ents = m;
        }
        register_ent *x = &(*ents)[(*n)++];
        x->id = db_col_int(q, 0);
        x->name = arena_strdup(c->mem, db_col_text(q, 1));
        x->uscc = db_col_null(q, 2) ? NULL : arena_strdup(c->mem, db_col_text(q, 2));
        x->address = db_col_null(q, 3) ? NULL : arena_strdup(c->mem, db_col_text(q, 3));
        x->district = db_col_null(q, 4) ? 0 : atoi(db_col_text(q, 4));
        x->active = db_col_int(q, 5) != 0;
    }
    db_reset(q);
    return r == DB_ERROR ? e->code : ST_OK;
}

/* Is a proposal for the same change already waiting (from an earlier feed)? */
static st rg_pending_dup(uc *c, const register_prop *x, bool *dup, err *e) {
    int64_t n = 0;
    st s = db_query_int(c->d, &n,
                        "SELECT COUNT(*) FROM register_proposal WHERE status = 'pending' AND kind = $1 AND "
                        "((CAST($2 AS TEXT) IS NOT NULL AND uscc = $2) OR ($3 > 0 AND enterprise_id = $3) OR name = $4)",
                        e, "ttit", register_kind_name(x->kind), x->uscc, x->enterprise_id, x->name);
    *dup = n > 0;
    return s;
}

st register_store_feed_import(uc *c, const ledger_table *t, const char *day, register_progress progress, void *ctx, int64_t *id,
                              err *e) {
    *id = 0;
    st s = rg_day(day, e);
    if (s) {
        snprintf(e->field, sizeof e->field, "date");
        return s;
    }
    char sha[65];
    rg_hex(t->sha256, sha);
    char *when = NULL;
    s = db_query_text(c->d, &when, "SELECT source || '（编号 ' || CAST(id AS TEXT) || '）' FROM register_feed WHERE sha256 = $1", e,
                      "t", sha);
    if (!s) {
        s = err_field(e, ST_CONFLICT, "file", "这个文件已经导入过：%s，同一文件不重复导入。", when);
        free(when);
        return s;
    }
    if (s != ST_NOT_FOUND) return s;
    const char *k, *code;
    scope_bind(c, &k, &code);
    register_ent *ents = NULL;
    size_t nents = 0;
    register_plan *p = NULL;
    s = rg_register(c, &ents, &nents, e);
    if (!s) s = register_plan_make(t, ents, nents, day, NULL, progress, ctx, &p, e);
    free(ents);
    if (s) return s;
    if (progress) progress(ctx, "保存建议", 0, p->nprops);
    s = uc_begin(c, e);
    if (s) {
        register_plan_free(p);
        return s;
    }
    bool district_only = !strcmp(k, "district");
    int kept = 0, skipped = p->skipped, counts[4] = {0};
    s = db_query_int(c->d, id,
                     "INSERT INTO register_feed(sha256, source, format, rows, proposals, matched, skipped, district_code, importer, "
                     "importer_id, created_at) VALUES ($1, $2, $3, $4, 0, $5, 0, $6, $7, CASE WHEN $8 > 0 THEN $8 END, {{NOW}}) RETURNING id",
                     e, "tttiitti", sha, t->source, t->format, (int64_t)t->nrows, (int64_t)p->matched, district_only ? code : NULL,
                     c->who.username ? c->who.username : "system", c->who.user_id);
    for (size_t i = 0; !s && i < p->nprops; i++) {
        const register_prop *x = &p->props[i];
        bool dup = false;
        /* a district office decides its own district's rows only */
        if (district_only && strcmp(x->district, code)) {
            skipped++;
            continue;
        }
        s = rg_pending_dup(c, x, &dup, e);
        if (s) break;
        if (dup) {
            skipped++;
            continue;
        }
        s = db_run(c->d,
                   "INSERT INTO register_proposal(feed_id, row, sheet_row, kind, enterprise_id, name, old_name, uscc, day, state, "
                   "category, business_scope, address, district_code, street_code, why) VALUES ($1, $2, $3, $4, "
                   "CASE WHEN $5 > 0 THEN $5 END, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
                   e, "iiitittttttttttt", *id, (int64_t)x->row, (int64_t)x->sheet_row, register_kind_name(x->kind), x->enterprise_id,
                   x->name, x->old_name, x->uscc, x->day, x->state, x->category, x->scope, x->address, rg_nz(x->district),
                   rg_nz(x->street), x->why);
        kept++;
        counts[x->kind]++;
    }
    if (!s)
        s = db_run(c->d, "UPDATE register_feed SET proposals = $1, skipped = $2 WHERE id = $3", e, "iii", (int64_t)kept,
                   (int64_t)skipped, *id);
    uc_act a = {"register.feed.import", s ? NULL : uc_obj(c, "register_feed", *id),
                s ? NULL
                  : arena_printf(c->mem, "导入市场监管登记数据“%s”：%d 行，名录中找到 %d 家；建议新增 %d 家、更名 %d 家、关闭 %d 家，待人工确认",
                                 t->source, t->nrows, p->matched, counts[REGISTER_NEW], counts[REGISTER_RENAME],
                                 counts[REGISTER_CLOSE])};
    s = uc_end(c, s, &a, e);
    if (!s && progress) progress(ctx, "保存建议", p->nprops, p->nprops);
    register_plan_free(p);
    if (s) *id = 0;
    return s;
}

/* the city's feeds for every area office, a district's own for it */
#define RG_FEED_SCOPE                                                                                            \
    "(" SCOPE_COND("$1", "$2", "f.district_code", "NULL", "NULL", "NULL", "f.importer_id")                      \
    " OR (f.district_code IS NULL AND CAST($1 AS TEXT) IN ('district', 'park')))"

st register_store_feeds(uc *c, const uc_page *pg, json_t **items, int64_t *total, err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    st s = db_query_int(c->d, total, "SELECT COUNT(*) FROM register_feed f WHERE " RG_FEED_SCOPE, e, "tt", k, code);
    if (s) return s;
    const char *sql = arena_printf(c->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $3 OFFSET $4",
                                   "SELECT f.id, f.source, f.format, f.rows, f.proposals, f.matched, f.skipped, "
                                   "f.district_code, f.importer, f.created_at, (SELECT COUNT(*) FROM register_proposal p WHERE "
                                   "p.feed_id = f.id AND p.status = 'pending') AS pending FROM register_feed f WHERE " RG_FEED_SCOPE,
                                   pg->order ? pg->order : "q.id DESC");
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    return db_query_json(c->d, items, sql, e, "ttii", k, code, pg->limit, pg->offset);
}

st register_store_feed_get(uc *c, int64_t id, json_t **out, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT f.id, f.source, f.format, f.rows, f.proposals, f.matched, f.skipped, f.district_code, f.importer, "
                         "f.created_at FROM register_feed f WHERE f.id = $1",
                         e, "i", id);
    if (s) return s;
    if (!json_array_size(rows)) {
        json_decref(rows);
        return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的登记数据导入记录。", (long long)id);
    }
    *out = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return ST_OK;
}

#define RG_PROP_SCOPE SCOPE_COND("$1", "$2", "p.district_code", "NULL", "NULL", "p.enterprise_id", "NULL")
#define RG_PROP_WHERE                                                                                                     \
    " FROM register_proposal p JOIN register_feed f ON f.id = p.feed_id WHERE " RG_PROP_SCOPE                             \
    " AND (CAST($3 AS TEXT) = 'all' OR p.status = $3) AND ($4 = 0 OR p.feed_id = $4)"

st register_store_proposals(uc *c, const char *status, int64_t feed, const uc_page *pg, json_t **items, int64_t *total, err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    if (!rg_nz(status)) status = "pending";
    if (strcmp(status, "pending") && strcmp(status, "accepted") && strcmp(status, "refused") && strcmp(status, "all"))
        return err_field(e, ST_INVALID, "status", "状态 status 应为 pending（待处理）、accepted（已采纳）、refused（已拒绝）或 all。");
    st s = db_query_int(c->d, total, "SELECT COUNT(*)" RG_PROP_WHERE, e, "ttti", k, code, status, feed);
    if (s) return s;
    const char *sql = arena_printf(c->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $5 OFFSET $6",
                                   "SELECT p.id, p.feed_id, f.source, p.row, p.sheet_row, p.kind, p.enterprise_id, "
                                   "p.name, p.old_name, p.uscc, p.day, p.state, p.category, p.business_scope, p.address, "
                                   "p.district_code, p.street_code, p.why, p.status, p.reason, p.decided_by, p.decided_at" RG_PROP_WHERE,
                                   pg->order ? pg->order : "q.id");
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    return db_query_json(c->d, items, sql, e, "tttiii", k, code, status, feed, pg->limit, pg->offset);
}

typedef struct rg_prop {
    int64_t id, enterprise_id;
    const char *kind, *name, *uscc, *day, *category, *scope, *address, *district, *street, *status, *state;
} rg_prop;

static const char *rg_col(uc *c, db_stmt *q, int i) { return db_col_null(q, i) ? NULL : arena_strdup(c->mem, db_col_text(q, i)); }

static st rg_prop_load(uc *c, int64_t id, rg_prop *x, err *e) {
    memset(x, 0, sizeof *x);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT id, COALESCE(enterprise_id, 0), kind, name, uscc, day, category, business_scope, address, district_code, "
                      "street_code, status, state FROM register_proposal WHERE id = $1",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, id);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        x->id = db_col_int(q, 0);
        x->enterprise_id = db_col_int(q, 1);
        x->kind = rg_col(c, q, 2);
        x->name = rg_col(c, q, 3);
        x->uscc = rg_col(c, q, 4);
        x->day = rg_col(c, q, 5);
        x->category = rg_col(c, q, 6);
        x->scope = rg_col(c, q, 7);
        x->address = rg_col(c, q, 8);
        x->district = rg_col(c, q, 9);
        x->street = rg_col(c, q, 10);
        x->status = rg_col(c, q, 11);
        x->state = rg_col(c, q, 12);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的名录变动建议。", (long long)id);
    if (strcmp(x->status, "pending"))
        return err_set(e, ST_CONFLICT, "这条建议已经%s，不能再处理。", !strcmp(x->status, "accepted") ? "采纳" : "拒绝");
    return ST_OK;
}

st register_store_accept(uc *c, int64_t id, const char *note, int64_t *enterprise, err *e) {
    *enterprise = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    rg_prop x;
    s = rg_prop_load(c, id, &x, e);
    uc part = uc_part(c);
    const char *what = "";
    if (!s && !strcmp(x.kind, "new")) {
        if (!x.district)
            s = err_field(e, ST_INVALID, "district_code", "登记数据没有写明“%s”所在的区（住所中也没有），请先在名录中手工新增并选择所属区，再拒绝这条建议。", x.name);
        register_ent_in in = {.name = x.name, .uscc = x.uscc, .district_code = x.district, .street_code = x.street,
                              .address = x.address, .category = x.category, .business_scope = x.scope, .founded_on = x.day,
                              .employees = -1, .members = -1, .day = x.day, .note = note, .proposal_id = id};
        if (!s) s = register_store_create(&part, &in, enterprise, e);
        what = "新增";
    } else if (!s && !strcmp(x.kind, "rename")) {
        register_ent_in in = {.name = x.name, .employees = -1, .members = -1, .day = x.day, .note = note, .proposal_id = id};
        *enterprise = x.enterprise_id;
        s = register_store_edit(&part, x.enterprise_id, &in, e);
        what = "更名";
    } else if (!s) {
        *enterprise = x.enterprise_id;
        s = register_store_close(&part, x.enterprise_id, x.day, note ? note : x.state, id, e);
        what = "关闭";
    }
    if (!s)
        s = db_run(c->d,
                   "UPDATE register_proposal SET status = 'accepted', enterprise_id = $1, reason = $2, decided_by = $3, "
                   "decided_at = {{NOW}} WHERE id = $4",
                   e, "itti", *enterprise, rg_nz(note), c->who.username ? c->who.username : "system", id);
    uc_act a = {"register.proposal.accept", uc_obj(c, "register_proposal", id),
                s ? NULL : arena_printf(c->mem, "采纳建议：%s“%s”（%s 起），企业编号 %lld", what, x.name, x.day, (long long)*enterprise)};
    s = uc_end(c, s, &a, e);
    if (s) *enterprise = 0;
    return s;
}

st register_store_refuse(uc *c, int64_t id, const char *reason, err *e) {
    if (!rg_nz(reason)) return err_field(e, ST_INVALID, "reason", "请写明拒绝的原因（例如：非互联网企业、已在名录中、登记信息有误）。");
    st s = uc_begin(c, e);
    if (s) return s;
    rg_prop x;
    s = rg_prop_load(c, id, &x, e);
    if (!s)
        s = db_run(c->d,
                   "UPDATE register_proposal SET status = 'refused', reason = $1, decided_by = $2, decided_at = {{NOW}} WHERE id = $3",
                   e, "tti", reason, c->who.username ? c->who.username : "system", id);
    uc_act a = {"register.proposal.refuse", uc_obj(c, "register_proposal", id),
                s ? NULL : arena_printf(c->mem, "拒绝建议“%s”：%s", x.name, reason)};
    return uc_end(c, s, &a, e);
}

const scope_resolver register_scope_resolvers[] = {
    /* a feed is city-wide work every area office does its own part of (its proposals sit in their districts) */
    {"register_feed", true, false, "SELECT district_code, NULL, NULL, NULL, importer_id FROM register_feed WHERE id = CAST($1 AS BIGINT)",
     .areas = true, .noun = "登记数据导入记录"},
    /* a proposal sits where its enterprise is (or will be) */
    {"register_proposal", true, false,
     "SELECT district_code, NULL, NULL, CAST(enterprise_id AS TEXT), NULL FROM register_proposal WHERE id = CAST($1 AS BIGINT)",
     .noun = "名录变动建议"},
    {NULL, false, false, NULL},
};
