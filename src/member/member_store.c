/* member_store — see member_store.h.
 *
 * The current membership lives in `member` (one row per person, with the
 * organization's place and the name's pinyin sort key beside it, so a list
 * is one indexed range); its history in `member_span` (one row per stretch
 * of organization, category and state); what happened in `member_event`.
 * Every write keeps the three in step in one transaction, with its audit row
 * and the enterprise's registered-member counts. */
#include "member/member_store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/scope.h"
#include "base/clock.h"
#include "base/crypt.h"
#include "base/ids.h"
#include "base/mask.h"
#include "core/collate.h"
#include "core/config.h"
#include "member/tally.h"
#include "db/db_like.h"

/* ---- identity ---- */

st member_id_key(const char *id18, char out[33], err *e) {
    unsigned char k[32], h[16];
    st s = crypt_subkey("person-id-number", k, e);
    if (s) return s;
    crypto_generichash(h, sizeof h, (const unsigned char *)id18, strlen(id18), k, sizeof k);
    sodium_memzero(k, sizeof k);
    sodium_bin2hex(out, 33, h, sizeof h);
    return ST_OK;
}

/* The sealed and masked forms of a phone (checked); both NULL when none given. */
static st member_phone(uc *c, const char *phone, char **sealed, const char **masked, err *e) {
    *sealed = NULL;
    *masked = NULL;
    if (!phone || !*phone) return ST_OK;
    char clean[32];
    if (ids_phone_check(phone, strlen(phone), clean) == IDS_PHONE_BAD)
        /* not quoted: the message is kept with a roster's refused rows */
        return err_field(e, ST_INVALID, "phone", "联系电话无效：手机号应为 11 位（1 开头），座机如 0592-5551234。");
    char m[32];
    mask_phone(clean, m, sizeof m);
    *masked = arena_strdup(c->mem, m);
    return crypt_seal("person.phone", clean, sealed, e);
}

/* ---- places ---- */

typedef struct member_org {
    char path[512], district[32], park[32], name[256];
} member_org;

/* An organization that is active on day, with its place. */
static st member_org_load(uc *c, int64_t org_id, const char *day, const char *field, member_org *o, err *e) {
    memset(o, 0, sizeof *o);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT path, COALESCE(district_code, ''), COALESCE(park_code, ''), name, "
                      "CASE WHEN established_on <= $2 AND (dissolved_on IS NULL OR dissolved_on > $2) THEN 1 ELSE 0 END "
                      "FROM org WHERE id = $1",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, org_id);
    db_bind_text(q, 2, day);
    int r = db_step(q, e);
    int active = 0;
    if (r == DB_ROW) {
        snprintf(o->path, sizeof o->path, "%s", db_col_text(q, 0));
        snprintf(o->district, sizeof o->district, "%s", db_col_text(q, 1));
        snprintf(o->park, sizeof o->park, "%s", db_col_text(q, 2));
        snprintf(o->name, sizeof o->name, "%s", db_col_text(q, 3));
        active = (int)db_col_int(q, 4);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_field(e, ST_INVALID, field, "没有编号为 %lld 的党组织。", (long long)org_id);
    if (!active) return err_field(e, ST_INVALID, field, "党组织“%s”在 %s 未成立或已撤销，不能登记党员。", o->name, day);
    return ST_OK;
}

/* The enterprise's people looked up one by one in the registry (a scalar subquery per person, through
 * member's key), not joined: PostgreSQL, planning from statistics older than a long transaction's
 * writes, hashed the whole registry for every recount (5 ms each, the demo's 10,000 acts spent a minute
 * here); one person at a time costs what the enterprise has, whatever the statistics say. */
st member_store_recount(uc *c, int64_t enterprise_id, err *e) {
    if (enterprise_id <= 0) return ST_OK;
    return db_run(c->d,
                  "UPDATE enterprise SET reg_members = q.n, reg_full_members = q.f FROM ("
                  "SELECT COUNT(x.category) AS n, COUNT(CASE WHEN x.category = '正式党员' THEN 1 END) AS f FROM ("
                  "SELECT (SELECT m.category FROM member m WHERE m.person_id = p.id AND m.state IN ('正常', '流动', '失联')) "
                  "AS category FROM person p WHERE p.enterprise_id = $1) x) q "
                  "WHERE id = $1",
                  e, "i", enterprise_id);
}

st member_store_enterprise_merge(uc *c, int64_t from, int64_t into, const char *day, const char *note, int64_t *n, err *e) {
    *n = 0;
    if (from <= 0 || into <= 0 || from == into) return err_set(e, ST_INVALID, "企业合并：两家企业的编号无效。");
    st s = db_query_int(c->d, n, "SELECT COUNT(*) FROM person WHERE enterprise_id = $1", e, "i", from);
    if (s || !*n) return s;
    /* each person's history says it, dated by the merge */
    s = db_run(c->d,
               "INSERT INTO member_event(person_id, day, kind, org_id, note, actor, created_at) "
               "SELECT p.id, $1, 'edited', m.org_id, $2, $3, $4 FROM person p LEFT JOIN member m ON m.person_id = p.id "
               "WHERE p.enterprise_id = $5",
               e, "tttii", day, note, c->who.username ? c->who.username : "-", clock_now(), from);
    if (!s)
        s = db_run(c->d, "UPDATE person SET enterprise_id = $1, updated_at = $2 WHERE enterprise_id = $3", e, "iii", into,
                   clock_now(), from);
    if (!s) s = member_store_recount(c, from, e);
    if (!s) s = member_store_recount(c, into, e);
    return s;
}

static st member_event_add(uc *c, int64_t person, const char *day, const char *kind, int64_t org, int64_t other,
                           const char *category, const char *state, const char *note, err *e) {
    return db_run(c->d,
                  "INSERT INTO member_event(person_id, day, kind, org_id, other_org_id, category, state, note, actor, created_at) "
                  "VALUES ($1, $2, $3, NULLIF($4, 0), NULLIF($5, 0), $6, $7, $8, $9, $10)",
                  e, "ittiitttti", person, day, kind, org, other, category, state, note,
                  c->who.username ? c->who.username : "-", clock_now());
}

static st member_span_open(uc *c, int64_t person, int64_t org, const member_org *o, const char *category,
                           const char *state, const char *from, err *e) {
    return db_run(c->d,
                  "INSERT INTO member_span(person_id, org_id, org_path, district_code, park_code, category, state, from_day) "
                  "VALUES ($1, $2, $3, NULLIF($4, ''), NULLIF($5, ''), $6, $7, $8)",
                  e, "iitttttt", person, org, o->path, o->district, o->park, category, state, from);
}

/* ---- register ---- */

/* Someone with this ID number already: refused, naming where (a transfer is the way to move them). */
static st member_already(uc *c, const char *key, int64_t org_id, int64_t *person, err *e) {
    *person = 0;
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT p.id, m.org_id, o.name AS org_name FROM person p LEFT JOIN member m ON m.person_id = p.id "
                         "LEFT JOIN org o ON o.id = m.org_id WHERE p.id_key = $1",
                         e, "t", key);
    if (s) return s;
    json_t *r = json_array_get(rows, 0);
    if (r) {
        *person = json_integer_value(json_object_get(r, "id"));
        json_t *org = json_object_get(r, "org_id");
        const char *name = json_string_value(json_object_get(r, "org_name"));
        if (org && !json_is_null(org)) {
            if (json_integer_value(org) == org_id)
                s = err_field(e, ST_CONFLICT, "id_number", "此人已在本组织（%s）登记，不能重复登记。", name ? name : "");
            else
                s = err_field(e, ST_CONFLICT, "id_number", "此人已在“%s”登记，请办理组织关系转接。", name ? name : "其他党组织");
            snprintf(e->api_code, sizeof e->api_code, "%s",
                     json_integer_value(org) == org_id ? "already_registered" : "registered_elsewhere");
        }
    }
    json_decref(rows);
    return s;
}

/* The account a registration links to, by id or user name: a party member's own (member, secretary,
 * organization administrator), not linked to anyone yet. */
static st member_account(uc *c, const member_new *m, int64_t *user, err *e) {
    *user = m->user_id;
    if (!m->username || !*m->username) return ST_OK;
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT u.id, u.role, (SELECT p.name FROM person p WHERE p.user_id = u.id) AS linked "
                         "FROM users u WHERE u.username = $1",
                         e, "t", m->username);
    if (s) return s;
    json_t *r = json_array_get(rows, 0);
    const char *role = r ? json_string_value(json_object_get(r, "role")) : NULL;
    const char *linked = r ? json_string_value(json_object_get(r, "linked")) : NULL;
    if (!r) s = err_field(e, ST_INVALID, "username", "没有用户名为“%s”的账号。", m->username);
    else if (strcmp(role, "member") && strcmp(role, "secretary") && strcmp(role, "org_admin"))
        s = err_field(e, ST_INVALID, "username", "账号“%s”不是党员、支部书记或组织管理员账号，不能关联党员档案。", m->username);
    else if (linked) s = err_field(e, ST_CONFLICT, "username", "账号“%s”已关联党员“%s”的档案。", m->username, linked);
    else *user = json_integer_value(json_object_get(r, "id"));
    json_decref(rows);
    return s;
}

st member_store_register_in(uc *c, const member_new *m, const member_checked *k, bool recount, tally *t, int64_t *person,
                            bool *wrote, err *e) {
    if (wrote) *wrote = false;
    char key[33];
    int64_t user = 0;
    st s = member_account(c, m, &user, e);
    if (!s) s = member_id_key(k->id18, key, e);
    int64_t existing = 0;
    if (!s) s = member_already(c, key, m->org_id, &existing, e);
    /* the stretch in this organization starts at the registration day if given, else at joining */
    const char *from = m->day && *m->day ? k->day : k->joined_on;
    member_org o;
    if (!s) s = member_org_load(c, m->org_id, k->day, "org_id", &o, e);
    if (!s && m->enterprise_id > 0) {
        int64_t n = 0;
        s = db_query_int(c->d, &n, "SELECT COUNT(*) FROM enterprise WHERE id = $1", e, "i", m->enterprise_id);
        if (!s && !n) s = err_field(e, ST_INVALID, "enterprise_id", "企业编号 %lld 不在企业台账中。", (long long)m->enterprise_id);
    }
    if (s) return s;
    char *id_sealed = NULL, *ph_sealed = NULL;
    const char *ph_masked = NULL;
    char id_masked[32];
    mask_idcard(k->id18, id_masked, sizeof id_masked);
    s = crypt_seal("person.id_number", k->id18, &id_sealed, e);
    if (!s) s = member_phone(c, m->phone, &ph_sealed, &ph_masked, e);
    int64_t now = clock_now();
    /* every refusal (invalid, someone registered already) comes before this point: a roster
     * import relies on it to refuse a row without a savepoint around it */
    if (wrote) *wrote = !s;
    if (!s && existing) {   /* left once (出党, 去世 keep their row), registered again: the same person */
        *person = existing;
        s = db_run(c->d,
                   "UPDATE person SET name = $1, ethnicity = $2, education = $3, post = $4, phone_sealed = $5, phone_masked = $6, "
                   "enterprise_id = NULLIF($7, 0), updated_at = $8 WHERE id = $9",
                   e, "ttttttiii", m->name, m->ethnicity, m->education, m->post, ph_sealed, ph_masked, m->enterprise_id, now,
                   existing);
    } else if (!s) {
        s = db_query_int(c->d, person,
                         "INSERT INTO person(name, gender, birth_date, id_key, id_sealed, id_masked, ethnicity, education, post, "
                         "phone_sealed, phone_masked, enterprise_id, user_id, created_at, updated_at) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULLIF($12, 0), NULLIF($13, 0), $14, $14) RETURNING id",
                         e, "tttttttttttiii", m->name, k->gender, k->birth, key, id_sealed, id_masked, m->ethnicity,
                         m->education, m->post, ph_sealed, ph_masked, m->enterprise_id, user, now);
        if (s == ST_CONFLICT) s = err_field(e, ST_CONFLICT, "id_number", "此人刚刚已被登记，请刷新后查看。");
    }
    free(id_sealed);
    free(ph_sealed);
    if (s) return s;
    char nk[512];
    collate_zh_key(m->name, nk, sizeof nk);
    s = db_run(c->d,
               "INSERT INTO member(person_id, org_id, org_path, district_code, park_code, name, name_key, category, joined_on, "
               "full_on, state, since, flags, updated_at) VALUES ($1, $2, $3, NULLIF($4, ''), NULLIF($5, ''), $6, $7, $8, $9, "
               "NULLIF($10, ''), $11, $12, NULLIF($13, ''), $14)",
               e, "iittttttttttti", *person, m->org_id, o.path, o.district, o.park, m->name, nk, k->category, k->joined_on,
               k->full_on, k->state, from, k->flags, now);
    /* the stretches: probation until the full-member day, when it falls inside this organization's time */
    if (!s && k->full_on[0] && strcmp(k->full_on, from) > 0) {
        s = member_span_open(c, *person, m->org_id, &o, MEMBER_PROBATION, k->state, from, e);
        if (!s) s = db_run(c->d, "UPDATE member_span SET to_day = $1 WHERE person_id = $2 AND to_day IS NULL", e, "ti",
                           k->full_on, *person);
        if (!s) s = member_span_open(c, *person, m->org_id, &o, MEMBER_FULL, k->state, k->full_on, e);
    } else if (!s) {
        s = member_span_open(c, *person, m->org_id, &o, k->category, k->state, from, e);
    }
    if (!s) s = member_event_add(c, *person, k->joined_on, "joined", m->org_id, 0, MEMBER_PROBATION, NULL, NULL, e);
    if (!s && k->full_on[0])
        s = member_event_add(c, *person, k->full_on, "category", m->org_id, 0, MEMBER_FULL, NULL, "转为正式党员", e);
    if (!s) s = member_event_add(c, *person, k->day, "registered", m->org_id, 0, k->category, k->state,
                                 k->flags[0] ? k->flags : NULL, e);
    if (!s && recount) s = member_store_recount(c, m->enterprise_id, e);
    if (!s) {
        tally_facts f = {k->category, k->state, o.district, o.park, k->gender, m->education, m->ethnicity, k->birth,
                         k->joined_on, m->org_id};
        if (!tally_add(t, &f, 1)) s = err_set(e, ST_NOMEM, "内存不足。");
    }
    return s;
}

st member_store_register(uc *c, const member_new *m, int64_t *person_id, const char **flags, err *e) {
    member_checked k;
    *person_id = 0;
    if (flags) *flags = NULL;
    st s = member_check(m, &k, e);
    if (s) return s;
    if ((s = crypt_init(c->d, e))) return s;
    tally *t = tally_new();
    if (!t) return err_set(e, ST_NOMEM, "内存不足。");
    if ((s = uc_begin(c, e))) {
        tally_free(t);
        return s;
    }
    s = member_store_register_in(c, m, &k, true, t, person_id, NULL, e);
    if (!s) s = tally_store_flush(c, t, e);
    tally_free(t);
    uc_act a = {"member.register", uc_obj(c, "person", *person_id), arena_printf(c->mem, "登记党员 %s", m->name), NULL};
    s = uc_end(c, s, &a, e);
    if (!s && flags) *flags = k.flags[0] ? arena_strdup(c->mem, k.flags) : NULL;
    if (s) *person_id = 0;
    return s;
}

/* ---- edit ---- */

typedef struct member_now {
    int64_t org_id, enterprise_id;
    char category[32], state[32], since[11], joined_on[11], name[128];
} member_now;

static st member_now_load(uc *c, int64_t person, member_now *n, err *e) {
    memset(n, 0, sizeof *n);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT m.org_id, COALESCE(p.enterprise_id, 0), m.category, m.state, m.since, m.joined_on, p.name "
                      "FROM member m JOIN person p ON p.id = m.person_id WHERE m.person_id = $1",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, person);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        n->org_id = db_col_int(q, 0);
        n->enterprise_id = db_col_int(q, 1);
        snprintf(n->category, sizeof n->category, "%s", db_col_text(q, 2));
        snprintf(n->state, sizeof n->state, "%s", db_col_text(q, 3));
        snprintf(n->since, sizeof n->since, "%s", db_col_text(q, 4));
        snprintf(n->joined_on, sizeof n->joined_on, "%s", db_col_text(q, 5));
        snprintf(n->name, sizeof n->name, "%s", db_col_text(q, 6));
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    return r == DB_ROW ? ST_OK : err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的党员。", (long long)person);
}

static st member_edit_work(uc *c, int64_t person, const member_edit *x, err *e) {
    member_now n;
    st s = member_now_load(c, person, &n, e);
    if (s) return s;
    int64_t now = clock_now();
    if (x->name) {
        if (!*x->name || strlen(x->name) > 90) return err_field(e, ST_INVALID, "name", "请填写姓名（1–30 个字）。");
        char nk[512];
        collate_zh_key(x->name, nk, sizeof nk);
        s = db_run(c->d, "UPDATE person SET name = $1, updated_at = $2 WHERE id = $3", e, "tii", x->name, now, person);
        if (!s) s = db_run(c->d, "UPDATE member SET name = $1, name_key = $2 WHERE person_id = $3", e, "tti", x->name, nk, person);
    }
    if (!s && x->id_number) {
        char id18[19], key[33], birth[11], masked[32];
        if (!ids_idcard_normalize(x->id_number, strlen(x->id_number), id18))
            return err_field(e, ST_INVALID, "id_number", "公民身份号码无效（填了 %zu 位）：应为 18 位（或一代 15 位），出生日期真实，末位校验码正确。",
                             strlen(id18));
        ids_idcard_birth(id18, birth);
        mask_idcard(id18, masked, sizeof masked);
        char *sealed = NULL;
        s = member_id_key(id18, key, e);
        if (!s) s = crypt_seal("person.id_number", id18, &sealed, e);
        if (!s)
            s = db_run(c->d,
                       "UPDATE person SET id_key = $1, id_sealed = $2, id_masked = $3, birth_date = $4, gender = $5, updated_at = $6 "
                       "WHERE id = $7",
                       e, "tttttii", key, sealed, masked, birth, ids_idcard_sex(id18, 18) == 1 ? "男" : "女", now, person);
        free(sealed);
        if (s == ST_CONFLICT) return err_field(e, ST_CONFLICT, "id_number", "另有一人登记了这个公民身份号码，请核对。");
    }
    struct { const char *v, *col; } plain[] = {{x->ethnicity, "ethnicity"}, {x->education, "education"}, {x->post, "post"}};
    for (size_t i = 0; !s && i < sizeof plain / sizeof plain[0]; i++) {
        if (!plain[i].v) continue;
        if (strlen(plain[i].v) > 90) return err_field(e, ST_INVALID, plain[i].col, "“%s”过长（最多 30 个字）。", plain[i].col);
        /* the column names are this table's, never input */
        const char *sql = !strcmp(plain[i].col, "ethnicity") ? "UPDATE person SET ethnicity = NULLIF($1, ''), updated_at = $2 WHERE id = $3"
                          : !strcmp(plain[i].col, "education") ? "UPDATE person SET education = NULLIF($1, ''), updated_at = $2 WHERE id = $3"
                                                               : "UPDATE person SET post = NULLIF($1, ''), updated_at = $2 WHERE id = $3";
        s = db_run(c->d, sql, e, "tii", plain[i].v, now, person);
    }
    if (!s && x->phone) {
        char *sealed = NULL;
        const char *masked = NULL;
        s = member_phone(c, x->phone, &sealed, &masked, e);
        if (!s) s = db_run(c->d, "UPDATE person SET phone_sealed = $1, phone_masked = $2, updated_at = $3 WHERE id = $4", e, "ttii",
                           sealed, masked, now, person);
        free(sealed);
    }
    if (!s && x->enterprise_id >= 0 && x->enterprise_id != n.enterprise_id) {
        if (x->enterprise_id > 0) {
            int64_t k = 0;
            s = db_query_int(c->d, &k, "SELECT COUNT(*) FROM enterprise WHERE id = $1", e, "i", x->enterprise_id);
            if (!s && !k) return err_field(e, ST_INVALID, "enterprise_id", "企业编号 %lld 不在企业台账中。", (long long)x->enterprise_id);
        }
        if (!s) s = db_run(c->d, "UPDATE person SET enterprise_id = NULLIF($1, 0), updated_at = $2 WHERE id = $3", e, "iii",
                           x->enterprise_id, now, person);
        if (!s) s = member_store_recount(c, n.enterprise_id, e);
        if (!s) s = member_store_recount(c, x->enterprise_id, e);
    }
    char today[11];
    member_today(today);
    if (!s) s = member_event_add(c, person, today, "edited", n.org_id, 0, NULL, NULL, "修改个人信息", e);
    return s;
}

/* The counters follow the person: their facts out before the work, in after it. */
static st member_tallied(uc *c, int64_t person, st (*work)(uc *, int64_t, const void *, const char **, err *), const void *x,
                         const char **what, err *e) {
    tally *t = tally_new();
    if (!t) return err_set(e, ST_NOMEM, "内存不足。");
    st s = tally_store_person(c, t, person, -1, e);
    if (!s) s = work(c, person, x, what, e);
    if (!s) s = tally_store_person(c, t, person, 1, e);
    if (!s) s = tally_store_flush(c, t, e);
    tally_free(t);
    return s;
}

static st member_edit_step(uc *c, int64_t person, const void *x, const char **what, err *e) {
    (void)what;
    return member_edit_work(c, person, x, e);
}

st member_store_edit(uc *c, int64_t person_id, const member_edit *x, err *e) {
    st s = crypt_init(c->d, e);
    if (!s) s = uc_begin(c, e);
    if (s) return s;
    s = member_tallied(c, person_id, member_edit_step, x, NULL, e);
    uc_act a = {"member.edit", uc_obj(c, "person", person_id), "修改党员个人信息", NULL};
    return uc_end(c, s, &a, e);
}

/* ---- dated changes ---- */

static st member_change_work(uc *c, int64_t person, const void *arg, const char **what, err *e) {
    const member_change *x = arg;
    member_now n;
    st s = member_now_load(c, person, &n, e);
    if (s) return s;
    char day[11], today[11];
    member_today(today);
    if (!x->day || !member_day_parse(x->day, day)) return err_field(e, ST_INVALID, "day", "请填写变动日期（YYYY-MM-DD）。");
    if (strcmp(day, today) > 0) return err_field(e, ST_INVALID, "day", "变动日期 %s 晚于今天，请核对。", day);
    if (strcmp(day, n.since) < 0)
        return err_field(e, ST_INVALID, "day", "变动日期 %s 早于当前状态的起始日 %s：请按时间顺序办理。", day, n.since);
    const char *category = x->category && *x->category ? x->category : n.category;
    const char *state = x->state && *x->state ? x->state : n.state;
    if (!member_category_ok(category)) return err_field(e, ST_INVALID, "category", "人员类别应为“正式党员”或“预备党员”。");
    if (!member_state_ok(state)) return err_field(e, ST_INVALID, "state", "党籍状态应为 正常、流动、失联、停止党籍、出党、去世 或 转出（组织关系转出本系统）。");
    if (!strcmp(n.category, MEMBER_FULL) && !strcmp(category, MEMBER_PROBATION))
        return err_field(e, ST_INVALID, "category", "正式党员不能改回预备党员。");
    int64_t org = x->org_id > 0 ? x->org_id : n.org_id;
    bool moved = org != n.org_id, cat = strcmp(category, n.category) != 0, st_ = strcmp(state, n.state) != 0;
    if (!moved && !cat && !st_) return err_set(e, ST_INVALID, "没有任何变动：请选择新的人员类别、党籍状态或党组织。");
    if (moved && !member_state_counts(n.state))
        return err_field(e, ST_INVALID, "org_id", "党籍状态为“%s”的人员不能转入其他党组织。", n.state);
    member_org o;
    if ((s = member_org_load(c, org, day, moved ? "org_id" : "day", &o, e))) return s;
    char full[11] = "";
    if (cat && !strcmp(category, MEMBER_FULL)) {
        if (x->full_on && *x->full_on && !member_day_parse(x->full_on, full))
            return err_field(e, ST_INVALID, "full_on", "转正日期“%s”无效。", x->full_on);
        if (!full[0]) snprintf(full, sizeof full, "%s", day);
    }
    /* one stretch ends, the next begins */
    s = db_run(c->d, "UPDATE member_span SET to_day = $1 WHERE person_id = $2 AND to_day IS NULL", e, "ti", day, person);
    if (!s) s = member_span_open(c, person, org, &o, category, state, day, e);
    if (!s)
        s = db_run(c->d,
                   "UPDATE member SET org_id = $1, org_path = $2, district_code = NULLIF($3, ''), park_code = NULLIF($4, ''), "
                   "category = $5, full_on = CASE WHEN $6 = '' THEN full_on ELSE $6 END, state = $7, since = $8, updated_at = $9 "
                   "WHERE person_id = $10",
                   e, "itttttttii", org, o.path, o.district, o.park, category, full, state, day, clock_now(), person);
    if (!s && moved) s = member_event_add(c, person, day, "moved", org, n.org_id, NULL, NULL, x->note, e);
    if (!s && cat) s = member_event_add(c, person, day, "category", org, 0, category, NULL, x->note, e);
    if (!s && st_)
        s = member_event_add(c, person, day, member_state_counts(state) ? "state" : "left", org, 0, NULL, state, x->note, e);
    if (!s && n.enterprise_id) s = member_store_recount(c, n.enterprise_id, e);
    *what = moved ? "转入其他党组织" : cat ? "人员类别变动" : "党籍状态变动";
    return s;
}

st member_store_change(uc *c, int64_t person_id, const member_change *x, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    const char *what = "";
    s = member_tallied(c, person_id, member_change_work, x, &what, e);
    for (const member_change_hook *h = member_change_hooks; !s && *h; h++) s = (*h)(c, person_id, e);
    uc_act a = {"member.change", uc_obj(c, "person", person_id), what, NULL};
    return uc_end(c, s, &a, e);
}

/* ---- reading ---- */

st member_store_get(uc *c, int64_t person_id, json_t **out, err *e) {
    *out = NULL;
    json_t *rows = NULL, *events = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT p.id, p.name, p.gender, p.birth_date, p.id_masked AS id_number, p.ethnicity, p.education, p.post, "
                         "p.phone_masked AS phone, p.enterprise_id, en.name AS enterprise_name, p.user_id, m.org_id, o.name AS org_name, "
                         "o.kind AS org_kind, o.secretary AS org_secretary, m.category, m.joined_on, m.full_on, m.state, m.since, "
                         "m.flags, m.district_code, m.park_code "
                         "FROM person p JOIN member m ON m.person_id = p.id JOIN org o ON o.id = m.org_id "
                         "LEFT JOIN enterprise en ON en.id = p.enterprise_id WHERE p.id = $1",
                         e, "i", person_id);
    if (s) return s;
    json_t *r = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    if (!r) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的党员。", (long long)person_id);
    s = db_query_json(c->d, &events,
                      "SELECT v.day, v.kind, v.org_id, o.name AS org_name, v.other_org_id, x.name AS other_org_name, v.category, "
                      "v.state, v.note, v.actor FROM member_event v LEFT JOIN org o ON o.id = v.org_id "
                      "LEFT JOIN org x ON x.id = v.other_org_id WHERE v.person_id = $1 ORDER BY v.day, v.id",
                      e, "i", person_id);
    if (s) {
        json_decref(r);
        return s;
    }
    json_t *flags = json_object_get(r, "flags");
    const char *f = json_string_value(flags);
    json_object_set_new(r, "flags", f ? json_string(f) : json_null());
    *out = json_pack("{s:o,s:o}", "member", r, "events", events);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

st member_store_reveal(uc *c, int64_t person_id, char **id18, char **phone, err *e) {
    *id18 = *phone = NULL;
    json_t *rows = NULL;
    st s = crypt_init(c->d, e);
    if (!s) s = db_query_json(c->d, &rows, "SELECT id_sealed, phone_sealed FROM person WHERE id = $1", e, "i", person_id);
    if (s) return s;
    json_t *r = json_array_get(rows, 0);
    if (!r) {
        json_decref(rows);
        return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的党员。", (long long)person_id);
    }
    s = crypt_open("person.id_number", json_string_value(json_object_get(r, "id_sealed")), id18, e);
    const char *ph = json_string_value(json_object_get(r, "phone_sealed"));
    if (!s && ph) s = crypt_open("person.phone", ph, phone, e);
    json_decref(rows);
    uc_act a = {"member.reveal", uc_obj(c, "person", person_id), "查看党员完整身份证号和电话", NULL};
    if (!s) s = uc_audit(c, &a, e);
    if (s) {
        if (*id18) sodium_memzero(*id18, strlen(*id18));
        free(*id18);
        free(*phone);
        *id18 = *phone = NULL;
    }
    return s;
}

/* The full scope condition (for a scope kind none of the above names: fails closed). */
#define MEMBER_SCOPE(M) SCOPE_COND("$1", "$2", M ".district_code", M ".park_code", M ".org_path", "NULL", "p.user_id")

/* q: a whole ID number is looked up by its key, anything else is part of a name. */
static st member_q(uc *c, const char *q, const char **key, const char **like, err *e) {
    *key = *like = NULL;
    if (!q || !*q) return ST_OK;
    char id18[19];
    if (ids_idcard_normalize(q, strlen(q), id18)) {
        char k[33];
        st s = crypt_init(c->d, e);
        if (!s) s = member_id_key(id18, k, e);
        if (s) return s;
        *key = arena_strdup(c->mem, k);
        return ST_OK;
    }
    *like = db_like(c->mem, q);
    return ST_OK;
}

static const char *member_or_null(const char *s) { return s && *s ? s : NULL; }

/* The rows a filter keeps, as of now (member) or of a day (member_span): " FROM ... WHERE ...".
 * $1 $2 the scope, $3..$11 the filters, $12 the day.  The text holds only the
 * caller's scope kind and the filters given (each absent one is referenced as
 * "$N IS NULL", since PostgreSQL wants every bound parameter to appear), so
 * each condition is a plain column comparison an index serves: the generic
 * "($N IS NULL OR col = $N)" form scanned the whole registry for a single ID
 * number (SQLite, and PostgreSQL once it switches to a generic plan).
 * The person is joined only when a condition needs it (member.person_id is a
 * foreign key, so the join neither adds nor drops rows); with_person forces it. */
static const char *member_from(uc *c, bool asof, const char *k, const member_filter *f, const char *key, const char *like,
                               bool with_person) {
    const char *M = asof ? "s" : "m";
    bool self = !strcmp(k, "self");
    bool need_p = with_person || self || key || !(!strcmp(k, "city") || !strcmp(k, "district") || !strcmp(k, "park") ||
                                                  !strcmp(k, "org") || !strcmp(k, "enterprise"));
    bool need_m = !asof || f->joined_from || f->joined_to || like || with_person;
    const char *sc;
    if (!strcmp(k, "city")) sc = "CAST($1 AS TEXT) = 'city' AND COALESCE(CAST($2 AS TEXT), '') = COALESCE(CAST($2 AS TEXT), '')";
    else if (!strcmp(k, "district")) sc = arena_printf(c->mem, "CAST($1 AS TEXT) = 'district' AND %s.district_code = CAST($2 AS TEXT)", M);
    else if (!strcmp(k, "park")) sc = arena_printf(c->mem, "CAST($1 AS TEXT) = 'park' AND %s.park_code = CAST($2 AS TEXT)", M);
    else if (!strcmp(k, "org"))
        sc = arena_printf(c->mem, "CAST($1 AS TEXT) = 'org' AND %s.org_path LIKE '%%/' || CAST($2 AS TEXT) || '/%%'", M);
    else if (!strcmp(k, "enterprise")) sc = "CAST($1 AS TEXT) = 'enterprise' AND CAST(NULL AS TEXT) = CAST($2 AS TEXT)";
    else if (self) sc = "CAST($1 AS TEXT) = 'self' AND CAST(p.user_id AS TEXT) = CAST($2 AS TEXT)";
    else sc = asof ? MEMBER_SCOPE("s") : MEMBER_SCOPE("m");   /* an unknown kind: the full condition, closed */
    const char *from;
    if (asof)
        from = arena_printf(c->mem, " FROM member_span s%s%s WHERE s.from_day <= $12 AND (s.to_day IS NULL OR s.to_day > $12)",
                            need_m ? " JOIN member m ON m.person_id = s.person_id" : "",
                            need_p ? " JOIN person p ON p.id = s.person_id" : "");
    else
        from = arena_printf(c->mem, " FROM member m%s WHERE CAST($12 AS TEXT) IS NOT NULL",
                            need_p ? " JOIN person p ON p.id = m.person_id" : "");
    return arena_printf(
        c->mem, "%s AND %s AND %s AND %s AND %s AND %s AND %s AND %s AND %s AND %s AND %s", from, sc,
        f->org_id ? arena_printf(c->mem, "%s.org_id IN (SELECT x.id FROM org x WHERE x.path LIKE '%%/' || CAST($3 AS TEXT) || '/%%')", M)
                  : "$3 = 0",
        member_or_null(f->district) ? arena_printf(c->mem, "%s.district_code = $4", M) : "CAST($4 AS TEXT) IS NULL",
        member_or_null(f->park) ? arena_printf(c->mem, "%s.park_code = $5", M) : "CAST($5 AS TEXT) IS NULL",
        member_or_null(f->category) ? arena_printf(c->mem, "%s.category = $6", M) : "CAST($6 AS TEXT) IS NULL",
        member_or_null(f->state) ? arena_printf(c->mem, "%s.state = $7", M) : "CAST($7 AS TEXT) IS NULL",
        member_or_null(f->joined_from) ? "m.joined_on >= $8" : "CAST($8 AS TEXT) IS NULL",
        member_or_null(f->joined_to) ? "m.joined_on <= $9" : "CAST($9 AS TEXT) IS NULL",
        key ? "p.id_key = $10" : "CAST($10 AS TEXT) IS NULL", like ? "m.name LIKE $11 ESCAPE '\\'" : "CAST($11 AS TEXT) IS NULL");
}


/* Open the sealed values of a list's rows (an export by those who may reveal). */
static st member_reveal_rows(json_t *items, err *e) {
    size_t i;
    json_t *o;
    st s = ST_OK;
    json_array_foreach(items, i, o) {
        const char *idv = json_string_value(json_object_get(o, "id_sealed"));
        const char *phv = json_string_value(json_object_get(o, "phone_sealed"));
        char *id18 = NULL, *ph = NULL;
        if (idv && (s = crypt_open("person.id_number", idv, &id18, e))) break;
        if (phv && (s = crypt_open("person.phone", phv, &ph, e))) {
            free(id18);
            break;
        }
        if (id18) json_object_set_new(o, "id_number", json_string(id18));
        if (ph) json_object_set_new(o, "phone", json_string(ph));
        if (id18) sodium_memzero(id18, strlen(id18));
        free(id18);
        free(ph);
    }
    json_array_foreach(items, i, o) {
        json_object_del(o, "id_sealed");
        json_object_del(o, "phone_sealed");
    }
    return s;
}

st member_store_list(uc *c, const member_filter *f, const uc_page *p, json_t **items, int64_t *total, err *e) {
    *items = NULL;
    *total = 0;
    const char *k, *code, *key, *like;
    scope_bind(c, &k, &code);
    st s = member_q(c, f->q, &key, &like, e);
    if (s) return s;
    if (f->reveal && (s = crypt_init(c->d, e))) return s;
    bool asof = f->as_of && *f->as_of;
    const char *from = member_from(c, asof, k, f, key, like, true);
    const char *from_count = member_from(c, asof, k, f, key, like, false);
    const char *cat = asof ? "s.category" : "m.category", *state = asof ? "s.state" : "m.state";
    const char *org = asof ? "s.org_id" : "m.org_id";
    const char *sql_count = from_count ? arena_printf(c->mem, "SELECT COUNT(*)%s", from_count) : NULL;
    const char *cols = arena_printf(
        c->mem,
        "SELECT p.id, m.name, m.name_key, p.gender, p.birth_date, p.id_masked AS id_number, p.ethnicity, p.education, "
        "p.post, p.phone_masked AS phone, %s AS category, m.joined_on, m.full_on, %s AS state, %s AS org_id, "
        "(SELECT o.name FROM org o WHERE o.id = %s) AS org_name, m.district_code, "
        "(SELECT g.name FROM region g WHERE g.code = m.district_code) AS district_name, p.enterprise_id%s%s",
        cat, state, org, org, f->reveal ? ", p.id_sealed, p.phone_sealed" : "", from);
    const char *sql = arena_printf(c->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $13 OFFSET $14", cols,
                                   p && p->order ? p->order : "q.name_key, q.id");
    if (!from || !from_count || !sql_count || !sql) return err_set(e, ST_NOMEM, "内存不足。");
    const char *asof_day = asof ? f->as_of : "";
    s = db_query_int(c->d, total, sql_count, e, "ttittttttttt", k, code, f->org_id, member_or_null(f->district),
                     member_or_null(f->park), member_or_null(f->category), member_or_null(f->state),
                     member_or_null(f->joined_from), member_or_null(f->joined_to), key, like, asof_day);
    if (!s)
        s = db_query_json(c->d, items, sql, e, "ttitttttttttii", k, code, f->org_id, member_or_null(f->district),
                          member_or_null(f->park), member_or_null(f->category), member_or_null(f->state),
                          member_or_null(f->joined_from), member_or_null(f->joined_to), key, like, asof_day,
                          p ? p->limit : 50, p ? p->offset : 0);
    if (!s && f->reveal) s = member_reveal_rows(*items, e);
    if (!s) {   /* the sort key served the order; it is not for the screen */
        size_t i;
        json_t *o;
        json_array_foreach(*items, i, o) json_object_del(o, "name_key");
    }
    if (s) {
        json_decref(*items);
        *items = NULL;
    }
    return s;
}

/* ---- statistics ---- */

/* The band a value falls in, by the setting's upper bounds "30,35,40": "≤30", "31–35", …, ">40". */
static const char *member_band(arena *a, const char *bounds, int v) {
    int lo = 0;
    const char *p = bounds;
    while (p && *p) {
        char *end;
        long b = strtol(p, &end, 10);
        if (end == p) break;
        if (v <= b) return lo == 0 ? arena_printf(a, "%ld 及以下", b) : arena_printf(a, "%d–%ld", lo, b);
        lo = (int)b + 1;
        p = *end == ',' ? end + 1 : end;
    }
    return arena_printf(a, "%d 及以上", lo);
}

static void member_tally(json_t *o, const char *key, json_int_t n) {
    json_t *v = json_object_get(o, key);
    json_object_set_new(o, key, json_integer((v ? json_integer_value(v) : 0) + n));
}

static int member_label_cmp(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* {"label": n, ...} as [{"label", "count"}]: in the order given (bands), by
 * label (years), or by count, largest first (the rest). */
static json_t *member_pairs(json_t *o, bool by_count, bool by_label) {
    json_t *a = json_array();
    const char *k;
    json_t *v;
    if (by_label) {
        size_t n = json_object_size(o), i = 0;
        const char **keys = calloc(n ? n : 1, sizeof *keys);
        if (!keys) return a;
        json_object_foreach(o, k, v) keys[i++] = k;
        qsort(keys, n, sizeof *keys, member_label_cmp);
        for (i = 0; i < n; i++) json_array_append_new(a, json_pack("{s:s,s:O}", "label", keys[i], "count", json_object_get(o, keys[i])));
        free(keys);
        return a;
    }
    json_object_foreach(o, k, v) json_array_append_new(a, json_pack("{s:s,s:O}", "label", k, "count", v));
    if (by_count) {
        size_t n = json_array_size(a);   /* few labels: insertion sort by count, descending */
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0; j--) {
                json_int_t x = json_integer_value(json_object_get(json_array_get(a, j - 1), "count"));
                json_int_t y = json_integer_value(json_object_get(json_array_get(a, j), "count"));
                /* ties by label, so that the order does not depend on where the counts came from */
                if (x > y || (x == y && strcmp(json_string_value(json_object_get(json_array_get(a, j - 1), "label")),
                                               json_string_value(json_object_get(json_array_get(a, j), "label"))) <= 0))
                    break;
                json_t *t = json_incref(json_array_get(a, j - 1));
                json_array_set(a, j - 1, json_array_get(a, j));
                json_array_set_new(a, j, t);
            }
    }
    return a;
}

/* The marginal counts the statistics show, from either source. */
typedef struct member_acc {
    arena *mem;
    const char *ab, *pb, *day;
    json_t *cat, *gender, *age, *edu, *eth, *party, *years;
    json_int_t all;
} member_acc;

static void member_acc_init(member_acc *x, arena *mem, const char *day) {
    memset(x, 0, sizeof *x);
    x->mem = mem;
    x->day = day;
    x->cat = json_object(), x->gender = json_object(), x->age = json_object(), x->edu = json_object();
    x->eth = json_object(), x->party = json_object(), x->years = json_object();
    /* the categories and genders in their usual order, whatever order the counts come in */
    json_object_set_new(x->cat, MEMBER_FULL, json_integer(0));
    json_object_set_new(x->cat, MEMBER_PROBATION, json_integer(0));
    json_object_set_new(x->gender, "男", json_integer(0));
    json_object_set_new(x->gender, "女", json_integer(0));
    /* bands in their own order: walk the bounds once to create the keys */
    x->ab = cfg_str("member-age-bands"), x->pb = cfg_str("member-party-age-bands");
    for (int v = 0; v <= 120; v++) {
        const char *b = member_band(mem, x->ab, v);
        if (!json_object_get(x->age, b)) json_object_set_new(x->age, b, json_integer(0));
        b = member_band(mem, x->pb, v);
        if (!json_object_get(x->party, b)) json_object_set_new(x->party, b, json_integer(0));
    }
}

static json_t *member_acc_out(member_acc *x) {
    json_t *o = json_pack("{s:s,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "as_of", x->day, "total", x->all, "category",
                          member_pairs(x->cat, false, false), "gender", member_pairs(x->gender, false, false), "age",
                          member_pairs(x->age, false, false), "education", member_pairs(x->edu, true, false), "ethnicity",
                          member_pairs(x->eth, true, false), "party_age", member_pairs(x->party, false, false),
                          "joined_per_year", member_pairs(x->years, false, true));
    json_decref(x->cat);
    json_decref(x->gender);
    json_decref(x->age);
    json_decref(x->edu);
    json_decref(x->eth);
    json_decref(x->party);
    json_decref(x->years);
    return o;
}

/* The slow path: one GROUP BY over the members of the day (spans), for any
 * filter and any day. */
static st member_stats_count(uc *c, const member_filter *f, const char *k, const char *code, const char *day,
                             member_acc *x, err *e) {
    const char *key, *like;
    st s = member_q(c, f->q, &key, &like, e);
    if (s) return s;
    /* one pass, grouped finely; the bands are added up here (few thousand groups at most) */
    const char *sql = arena_printf(
        c->mem,
        "SELECT s.category, p.gender, COALESCE(p.education, '未填') AS education, COALESCE(p.ethnicity, '未填') AS ethnicity, "
        "CAST(substr($12, 1, 4) AS INTEGER) - CAST(substr(p.birth_date, 1, 4) AS INTEGER) - "
        "(CASE WHEN substr(p.birth_date, 6, 5) > substr($12, 6, 5) THEN 1 ELSE 0 END) AS age, "
        "CAST(substr($12, 1, 4) AS INTEGER) - CAST(substr(m.joined_on, 1, 4) AS INTEGER) - "
        "(CASE WHEN substr(m.joined_on, 6, 5) > substr($12, 6, 5) THEN 1 ELSE 0 END) AS party_age, "
        "substr(m.joined_on, 1, 4) AS joined_year, COUNT(*) AS n%s AND s.state IN ('正常', '流动', '失联') "
        "GROUP BY s.category, p.gender, COALESCE(p.education, '未填'), COALESCE(p.ethnicity, '未填'), 5, 6, 7",
        member_from(c, true, k, f, key, like, true));
    json_t *rows = NULL;
    if (!sql || strstr(sql, "(null)")) return err_set(e, ST_NOMEM, "内存不足。");
    s = db_query_json(c->d, &rows, sql, e, "ttittttttttt", k, code, f->org_id, member_or_null(f->district),
                      member_or_null(f->park), member_or_null(f->category), member_or_null(f->state),
                      member_or_null(f->joined_from), member_or_null(f->joined_to), key, like, day);
    if (s) return s;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        json_int_t n = json_integer_value(json_object_get(r, "n"));
        x->all += n;
        member_tally(x->cat, json_string_value(json_object_get(r, "category")), n);
        member_tally(x->gender, json_string_value(json_object_get(r, "gender")), n);
        member_tally(x->edu, json_string_value(json_object_get(r, "education")), n);
        member_tally(x->eth, json_string_value(json_object_get(r, "ethnicity")), n);
        member_tally(x->age, member_band(c->mem, x->ab, (int)json_integer_value(json_object_get(r, "age"))), n);
        member_tally(x->party, member_band(c->mem, x->pb, (int)json_integer_value(json_object_get(r, "party_age"))), n);
        const char *y = json_string_value(json_object_get(r, "joined_year"));
        if (y) member_tally(x->years, y, n);
    }
    json_decref(rows);
    return ST_OK;
}

/* The fast path: today's statistics of the city, a district or a park, from
 * the counters kept with every write (member/tally.h).  *area is NULL when the
 * question is not one of those (an organization's subtree, a past day, a
 * search, a joining period, a member's own scope), or the counters are stale. */
static const char *member_stats_area(uc *c, const member_filter *f, const char *k, const char *code, const char *day) {
    char today[11];
    member_today(today);
    if (strcmp(day, today) || f->org_id || member_or_null(f->q) || member_or_null(f->joined_from) ||
        member_or_null(f->joined_to))
        return NULL;
    const char *d = member_or_null(f->district), *p = member_or_null(f->park);
    if (!strcmp(k, "city")) {
        if (d && p) return NULL;
        return d ? arena_printf(c->mem, "d:%s", d) : p ? arena_printf(c->mem, "p:%s", p) : "c";
    }
    if (!strcmp(k, "district") && code) {
        if (p || (d && strcmp(d, code))) return NULL;   /* a park inside, or another district: counted */
        return arena_printf(c->mem, "d:%s", code);
    }
    if (!strcmp(k, "park") && code) {
        if (d || (p && strcmp(p, code))) return NULL;
        return arena_printf(c->mem, "p:%s", code);
    }
    return NULL;
}

/* The counters of an area, added up: the few small dimensions straight into the
 * statistics, the months and days of birth and joining first into counts per whole
 * year of age, 党龄 and joining year (the bands made once per value at the end). */
typedef struct member_days {
    member_acc *x;
    int64_t age[151], party[151], year[300];   /* years 0..150; joining years 1900..2199 */
} member_days;

/* Whole years from a month ('YYYY-MM', m != the day's month) or a day of the day's month
 * ('MM-DD-YYYY') to the statistics' day: the year's difference, less one before the anniversary. */
static int member_years_of(const char *dim, const char *key, const char *day, bool *skip) {
    int Y = atoi(day), M = atoi(day + 5), D = atoi(day + 8);
    *skip = false;
    if (strstr(dim, "_m")) {   /* YYYY-MM */
        if (strlen(key) < 7) return 0;
        int y = atoi(key), m = atoi(key + 5);
        if (m == M) *skip = true;   /* the day's own month: counted from its days */
        return Y - y - (m > M ? 1 : 0);
    }
    if (strlen(key) < 10) return 0;   /* MM-DD-YYYY */
    int dd = atoi(key + 3), y = atoi(key + 6);
    return Y - y - (dd > D ? 1 : 0);
}

static void member_stats_row(void *arg, const char *dim, const char *key, const char *category, int64_t n) {
    member_days *d = arg;
    member_acc *x = d->x;
    if (!dim || !key) return;
    if (!strncmp(dim, "birth_", 6) || !strncmp(dim, "joined_", 7)) {
        if (!strcmp(dim, "joined_m") && strlen(key) >= 4) {   /* joined per year: every month */
            int y = atoi(key) - 1900;
            if (y >= 0 && y < 300) d->year[y] += n;
        }
        bool skip;
        int v = member_years_of(dim, key, x->day, &skip);
        if (skip) return;
        v = v < 0 ? 0 : v > 150 ? 150 : v;
        if (dim[0] == 'b') d->age[v] += n;
        else d->party[v] += n;
    } else if (!strcmp(dim, "gender")) {   /* everyone has one: the totals come from here */
        x->all += n;
        member_tally(x->gender, key, n);
        member_tally(x->cat, category, n);
    } else if (!strcmp(dim, "education")) {
        member_tally(x->edu, key, n);
    } else if (!strcmp(dim, "ethnicity")) {
        member_tally(x->eth, key, n);
    }
}

static st member_stats_tallied(uc *c, const member_filter *f, const char *area, member_acc *x, err *e) {
    member_days *d = calloc(1, sizeof *d);
    if (!d) return err_set(e, ST_NOMEM, "内存不足。");
    d->x = x;
    st s = tally_store_read(c, area, member_or_null(f->category), member_or_null(f->state), x->day, member_stats_row, d, e);
    for (int v = 0; !s && v <= 150; v++) {
        if (d->age[v]) member_tally(x->age, member_band(c->mem, x->ab, v), d->age[v]);
        if (d->party[v]) member_tally(x->party, member_band(c->mem, x->pb, v), d->party[v]);
    }
    for (int y = 0; !s && y < 300; y++)
        if (d->year[y]) member_tally(x->years, arena_printf(c->mem, "%04d", 1900 + y), d->year[y]);
    free(d);
    return s;
}

st member_store_stats(uc *c, const member_filter *f, json_t **out, err *e) {
    *out = NULL;
    const char *k, *code;
    scope_bind(c, &k, &code);
    char day[11];
    if (f->as_of && *f->as_of) snprintf(day, sizeof day, "%s", f->as_of);
    else member_today(day);
    const char *area = f->count ? NULL : member_stats_area(c, f, k, code, day);
    bool stale = false;
    st s = area ? tally_store_stale(c->d, &stale, e) : ST_OK;
    if (s) return s;
    member_acc x;
    member_acc_init(&x, c->mem, day);
    s = area && !stale ? member_stats_tallied(c, f, area, &x, e) : member_stats_count(c, f, k, code, day, &x, e);
    *out = member_acc_out(&x);
    if (s) {
        json_decref(*out);
        *out = NULL;
        return s;
    }
    if (*out) json_object_set_new(*out, "source", json_string(area && !stale ? "counters" : "members"));
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

st member_store_me(uc *c, json_t **out, err *e) {
    *out = NULL;
    int64_t person = 0;
    st s = db_query_int(c->d, &person, "SELECT id FROM person WHERE user_id = $1", e, "i", c->who.user_id);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "您的账号还没有关联党员名册中的记录：请联系所在支部书记登记或关联。");
    if (s) return s;
    return member_store_get(c, person, out, e);
}

/* ---- what the later modules read and write ---- */

static void member_standing_read(uc *c, db_stmt *q, member_standing *m) {
    m->person_id = db_col_int(q, 0);
    m->org_id = db_col_int(q, 1);
    m->name = arena_strdup(c->mem, db_col_text(q, 2));
    m->category = arena_strdup(c->mem, db_col_text(q, 3));
    m->state = arena_strdup(c->mem, db_col_text(q, 4));
    m->joined_on = arena_strdup(c->mem, db_col_text(q, 5));
    m->full_on = db_col_null(q, 6) ? NULL : arena_strdup(c->mem, db_col_text(q, 6));
}

#define MEMBER_STANDING_COLS "s.person_id, s.org_id, m.name, s.category, s.state, m.joined_on, m.full_on "
#define MEMBER_ON_DAY "s.from_day <= $2 AND (s.to_day IS NULL OR s.to_day > $2) "
#define MEMBER_FLOW_ON_DAY "f.from_day <= $2 AND (f.to_day IS NULL OR f.to_day > $2) "

st member_store_roll(uc *c, int64_t org_id, const char *day, member_standing **items, size_t *n, err *e) {
    *items = NULL;
    *n = 0;
    db_stmt *q;
    /* Its own members, but for those a flow has another organization manage
     * that day (流动党员, member_flow of migration 0052), and the members of
     * other organizations it manages that day. */
    st s = db_prepare(c->d,
                      "SELECT * FROM (SELECT " MEMBER_STANDING_COLS ", m.name_key FROM member_span s "
                      "JOIN member m ON m.person_id = s.person_id "
                      "WHERE s.org_id = $1 AND " MEMBER_ON_DAY "AND s.state IN ('正常', '流动', '失联') AND NOT EXISTS ("
                      "SELECT 1 FROM member_flow f WHERE f.person_id = s.person_id AND " MEMBER_FLOW_ON_DAY
                      "AND f.manager_org_id <> s.org_id) "
                      "UNION ALL SELECT " MEMBER_STANDING_COLS ", m.name_key FROM member_flow f "
                      "JOIN member_span s ON s.person_id = f.person_id AND " MEMBER_ON_DAY
                      "JOIN member m ON m.person_id = s.person_id "
                      "WHERE f.manager_org_id = $1 AND " MEMBER_FLOW_ON_DAY "AND s.org_id <> $1 "
                      "AND s.state IN ('正常', '流动', '失联')) u "
                      "ORDER BY u.name_key, u.person_id",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, org_id);
    db_bind_text(q, 2, day);
    size_t cap = 0;
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        member_standing *x = arena_push(c->mem, (void **)items, n, &cap, 32, sizeof **items);
        if (!x) {
            db_reset(q);
            return err_set(e, ST_NOMEM, "内存不足。");
        }
        member_standing_read(c, q, x);
        x->roll_org_id = org_id;
    }
    db_reset(q);
    return r == DB_ERROR ? e->code : ST_OK;
}

st member_store_standing(uc *c, int64_t person_id, const char *day, member_standing *out, err *e) {
    memset(out, 0, sizeof *out);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT " MEMBER_STANDING_COLS ", COALESCE((SELECT f.manager_org_id FROM member_flow f "
                      "WHERE f.person_id = s.person_id AND " MEMBER_FLOW_ON_DAY "), s.org_id) "
                      "FROM member_span s JOIN member m ON m.person_id = s.person_id "
                      "WHERE s.person_id = $1 AND " MEMBER_ON_DAY,
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, person_id);
    db_bind_text(q, 2, day);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        member_standing_read(c, q, out);
        out->roll_org_id = db_col_int(q, 7);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    return r == DB_ROW ? ST_OK : err_set(e, ST_NOT_FOUND, "编号为 %lld 的人员在 %s 不是党员。", (long long)person_id, day);
}

st member_store_person_of_user(uc *c, int64_t user_id, int64_t *person_id, err *e) {
    *person_id = 0;
    st s = db_query_int(c->d, person_id, "SELECT id FROM person WHERE user_id = $1", e, "i", user_id);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "您的账号还没有关联党员名册中的记录：请联系所在支部书记登记或关联。");
    return s;
}

st member_store_activity(uc *c, const member_activity *a, err *e) {
    if (!a->kind || !*a->kind || !a->day) return err_set(e, ST_INVALID, "活动记录缺少类别或日期。");
    return db_run(c->d,
                  "INSERT INTO activity(person_id, org_id, kind, at, day, ref, value) "
                  "VALUES (NULLIF($1, 0), NULLIF($2, 0), $3, $4, $5, $6, $7)",
                  e, "iitittd", a->person_id, a->org_id, a->kind, clock_now(), a->day, a->ref, a->value);
}

/* ---- scope ---- */

const scope_resolver member_scope_resolvers[] = {
    /* A member sits where their organization is; their own account owns the record. */
    {"member", true, false,
     "SELECT m.district_code, m.park_code, m.org_path, NULL, p.user_id FROM member m JOIN person p ON p.id = m.person_id "
     "WHERE m.person_id = CAST($1 AS BIGINT)"},
    /* A roster import counts where its organization is; its importer owns it. */
    {"roster_import", true, false,
     "SELECT district_code, park_code, org_path, NULL, importer_id FROM roster_import WHERE id = CAST($1 AS BIGINT)"},
    {NULL, false, false, NULL},
};
