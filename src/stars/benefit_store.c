/* benefit_store — the benefits (权益) that stars bring, in the database
 * (stars_store.h; migration 0071): the catalogue, the applications and the
 * allocation runs with each applicant's reasons. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "core/config.h"
#include "core/utf8.h"
#include "member/member_store.h"
#include "points/points.h"
#include "points/points_store.h"
#include "stars/stars_store.h"

static const char *bs_actor(uc *c) { return c->who.username ? c->who.username : "-"; }

static bool bs_city(uc *c) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    return k && !strcmp(k, "city");
}

static const char *bs_period_name(const char *kind) {
    return !strcmp(kind, "year") ? "每年" : !strcmp(kind, "quarter") ? "每季度" : "每月";
}

/* The period of kind holding today ("2026", "2026-Q4", "2026-12"). */
static void bs_current(const char *kind, char out[16]) {
    char today[11];
    clock_day(clock_now(), today);
    if (!points_period_key(kind, today, out)) snprintf(out, 16, "%.4s", today);
}

static bool bs_one_of(const char *v, const char *const *set) {
    for (; v && *set; set++)
        if (!strcmp(v, *set)) return true;
    return false;
}

st stars_store_benefit_save(uc *c, int64_t id, const stars_benefit *b, int64_t *out_id, err *e) {
    static const char *const kinds[] = {"venue", "parking", "training", "apartment", "other", NULL};
    static const char *const periods[] = {"year", "quarter", "month", NULL};
    static const char *const who[] = {"org", "member", "both", NULL};
    *out_id = id;
    if (!b->name || utf8_count(b->name, strlen(b->name)) < 2 || utf8_count(b->name, strlen(b->name)) > 60)
        return err_field(e, ST_INVALID, "name", "请填写权益名称（2 至 60 个字），例如“党群服务中心场地使用”。");
    if (!bs_one_of(b->kind, kinds))
        return err_field(e, ST_INVALID, "kind", "权益类别 kind 应为 venue（场地）、parking（停车）、training（培训名额）、apartment（人才公寓）或 other（其他）。");
    if (!bs_one_of(b->period_kind, periods))
        return err_field(e, ST_INVALID, "period_kind", "名额周期 period_kind 应为 year（每年）、quarter（每季度）或 month（每月）。");
    if (!bs_one_of(b->applicants, who))
        return err_field(e, ST_INVALID, "applicants", "申请对象 applicants 应为 org（党组织）、member（党员）或 both（两者）。");
    if (b->quota < 1 || b->quota > cfg_int("benefit-quota-max"))
        return err_field(e, ST_INVALID, "quota", "每期名额 quota 应在 1 至 %lld 之间（设置 benefit-quota-max）。", (long long)cfg_int("benefit-quota-max"));
    st s = uc_begin(c, e);
    if (s) return s;
    if (id) {
        int64_t done = 0;
        s = db_query_int(c->d, &done,
                         "UPDATE benefit SET name = $1, kind = $2, provider = $3, description = $4, quota = $5, period_kind = $6, applicants = $7, "
                         "active = $8, updated_at = $9 WHERE id = $10 RETURNING id",
                         e, "ttttittiii", b->name, b->kind, b->provider, b->description, (int64_t)b->quota, b->period_kind, b->applicants,
                         (int64_t)b->active, clock_now(), id);
        if (s == ST_NOT_FOUND) s = err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的权益。", (long long)id);
    } else {
        s = db_query_int(c->d, out_id,
                         "INSERT INTO benefit(name, kind, provider, description, quota, period_kind, applicants, active, created_by, created_at, updated_at) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
                         e, "ttttittiti", b->name, b->kind, b->provider, b->description, (int64_t)b->quota, b->period_kind, b->applicants,
                         (int64_t)b->active, bs_actor(c), clock_now());
    }
    uc_act a = {id ? "benefit.edit" : "benefit.add", s ? NULL : uc_obj(c, "benefit", *out_id),
                s ? NULL : arena_printf(c->mem, "%s权益“%s”：%s %d 个名额%s", id ? "修改" : "新增", b->name, bs_period_name(b->period_kind), b->quota,
                                        b->active ? "" : "（已停用）")};
    return uc_end(c, s, &a, e);
}

#define BS_COLS                                                                                                           \
    "SELECT b.id, b.name, b.kind, b.provider, b.description, b.quota, b.period_kind, b.applicants, b.active, b.created_at, b.updated_at "

static void bs_decorate(uc *c, json_t *b) {
    char cur[16];
    bs_current(json_string_value(json_object_get(b, "period_kind")), cur);
    json_object_set_new(b, "period", json_string(cur));
    json_object_set_new(b, "period_name", json_string(bs_period_name(json_string_value(json_object_get(b, "period_kind")))));
    json_object_set_new(b, "active", json_boolean(json_integer_value(json_object_get(b, "active")) != 0));
    int64_t n = 0;
    err e;
    if (!db_query_int(c->d, &n, "SELECT COUNT(*) FROM benefit_app WHERE benefit_id = $1 AND period = $2 AND state = 'applied'", &e, "it",
                      json_integer_value(json_object_get(b, "id")), cur))
        json_object_set_new(b, "applications", json_integer(n));
}

st stars_store_benefits(uc *c, json_t **items, err *e) {
    st s = db_query_json(c->d, items, BS_COLS "FROM benefit b WHERE b.active = 1 OR $1 = 1 ORDER BY b.active DESC, b.id", e, "i",
                         (int64_t)bs_city(c));
    if (s) return s;
    size_t i;
    json_t *b;
    json_array_foreach(*items, i, b) bs_decorate(c, b);
    return ST_OK;
}

st stars_store_benefit_get(uc *c, int64_t id, json_t **out, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, BS_COLS "FROM benefit b WHERE b.id = $1 AND (b.active = 1 OR $2 = 1)", e, "ii", id, (int64_t)bs_city(c));
    if (s) return s;
    json_t *b = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    if (!b) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的权益（或已停用）。", (long long)id);
    bs_decorate(c, b);
    *out = b;
    return ST_OK;
}

/* The benefit's row for a write: its name, period kind, applicants, quota, whether active. */
static st bs_benefit(uc *c, int64_t id, json_t **b, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, BS_COLS "FROM benefit b WHERE b.id = $1", e, "i", id);
    if (s) return s;
    arena_json(c->mem, rows);
    *b = json_array_get(rows, 0);
    if (!*b) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的权益。", (long long)id);
    return ST_OK;
}

st stars_store_apply(uc *c, int64_t benefit_id, int64_t org_id, const char *note, int64_t *id, err *e) {
    *id = 0;
    if (note && utf8_count(note, strlen(note)) > 300) return err_field(e, ST_INVALID, "note", "申请说明最多 300 个字。");
    st s = uc_begin(c, e);
    if (s) return s;
    json_t *b = NULL, *who = NULL;
    char period[16] = "";
    const char *applicant = org_id ? "org" : "member";
    int64_t person = 0;
    s = bs_benefit(c, benefit_id, &b, e);
    if (!s) {
        const char *ap = json_string_value(json_object_get(b, "applicants"));
        bs_current(json_string_value(json_object_get(b, "period_kind")), period);
        if (!json_integer_value(json_object_get(b, "active")))
            s = err_set(e, ST_CONFLICT, "权益“%s”已停用，不接受申请。", json_string_value(json_object_get(b, "name")));
        else if (strcmp(ap, "both") && strcmp(ap, applicant))
            s = err_field(e, ST_INVALID, "org_id", "权益“%s”只接受%s申请。", json_string_value(json_object_get(b, "name")),
                          !strcmp(ap, "org") ? "党组织（由党组织管理员或书记代表）" : "党员本人");
    }
    if (!s && org_id) {
        s = scope_check_id(c, "org", org_id, e);
        if (!s)
            s = db_query_json(c->d, &who,
                              "SELECT id AS org_id, name, path, district_code, park_code, CAST(NULL AS BIGINT) AS owner FROM org "
                              "WHERE id = $1 AND dissolved_on IS NULL",
                              e, "i", org_id);
    } else if (!s) {
        s = member_store_person_of_user(c, c->who.user_id, &person, e);
        if (s == ST_NOT_FOUND) s = err_set(e, ST_FORBIDDEN, "您的账号没有关联党员名册中的党员，不能以个人身份申请权益；党组织申请请选择党组织。");
        if (!s)
            s = db_query_json(c->d, &who,
                              "SELECT m.org_id, m.name, m.org_path AS path, m.district_code, m.park_code, p.user_id AS owner FROM member m "
                              "JOIN person p ON p.id = m.person_id WHERE m.person_id = $1",
                              e, "i", person);
    }
    json_t *w = NULL;
    if (!s) {
        arena_json(c->mem, who);
        w = json_array_get(who, 0);
        if (!w) s = err_set(e, ST_NOT_FOUND, org_id ? "没有编号为 %lld 的在册党组织。" : "党员名册中没有您的在册记录（编号 %lld）。",
                            (long long)(org_id ? org_id : person));
    }
    int64_t have = 0;
    if (!s) {
        s = db_query_int(c->d, &have,
                         "SELECT id FROM benefit_app WHERE benefit_id = $1 AND period = $2 AND state = 'applied' AND applicant = $3 AND "
                         "((applicant = 'org' AND org_id = $4) OR (applicant = 'member' AND person_id = $5))",
                         e, "ittii", benefit_id, period, applicant, org_id, person);
        if (!s) s = err_set(e, ST_CONFLICT, "%s已申请过 %s 的“%s”（申请编号 %lld），同一期只能申请一次。", org_id ? "该党组织" : "您", period,
                            json_string_value(json_object_get(b, "name")), (long long)have);
        else if (s == ST_NOT_FOUND) s = ST_OK;
    }
    if (!s) {
        json_t *owner = json_object_get(w, "owner");
        s = db_query_int(c->d, id,
                         "INSERT INTO benefit_app(benefit_id, period, applicant, org_id, person_id, applicant_name, org_path, district_code, park_code, "
                         "owner_user, note, state, applied_at, applied_by) VALUES ($1, $2, $3, $4, NULLIF($5, 0), $6, $7, $8, $9, NULLIF($10, 0), $11, 'applied', $12, $13) "
                         "RETURNING id",
                         e, "ittiittttitit", benefit_id, period, applicant, json_integer_value(json_object_get(w, "org_id")), person,
                         json_string_value(json_object_get(w, "name")), json_string_value(json_object_get(w, "path")),
                         json_string_value(json_object_get(w, "district_code")), json_string_value(json_object_get(w, "park_code")),
                         json_is_integer(owner) ? json_integer_value(owner) : 0, note && *note ? note : NULL, clock_now(), bs_actor(c));
    }
    uc_act a = {"benefit.apply", s ? NULL : uc_obj(c, "benefit_app", *id),
                s ? NULL
                  : arena_printf(c->mem, "%s申请 %s 的权益“%s”", json_string_value(json_object_get(w, "name")), period,
                                 json_string_value(json_object_get(b, "name")))};
    return uc_end(c, s, &a, e);
}

st stars_store_withdraw(uc *c, int64_t app_id, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    int64_t done = 0, owner = 0;
    /* a member's own application is theirs to withdraw; an organization's, its officers' (the route checked the scope) */
    s = db_query_int(c->d, &owner, "SELECT COALESCE(owner_user, 0) FROM benefit_app WHERE id = $1 AND applicant = 'member'", e, "i", app_id);
    if (!s && owner != c->who.user_id) s = err_set(e, ST_FORBIDDEN, "权益申请 %lld 是党员个人的申请，只有申请人本人可以撤回。", (long long)app_id);
    else if (s == ST_NOT_FOUND) s = ST_OK;
    if (!s)
        s = db_query_int(c->d, &done, "UPDATE benefit_app SET state = 'withdrawn' WHERE id = $1 AND state = 'applied' RETURNING id", e, "i", app_id);
    if (s == ST_NOT_FOUND) s = err_set(e, ST_CONFLICT, "权益申请 %lld 不存在或已撤回。", (long long)app_id);
    uc_act a = {"benefit.withdraw", uc_obj(c, "benefit_app", app_id), s ? NULL : "撤回权益申请"};
    return uc_end(c, s, &a, e);
}

/* The applications of the caller's scope (benefit_id 0 = every benefit; period NULL = each benefit's current
 * one), newest first, each with its place in the latest allocation of its benefit and period. */
#define BS_APP_COLS                                                                                                        \
    "SELECT a.id, a.benefit_id, b.name AS benefit_name, a.period, a.applicant, a.org_id, a.applicant_name, a.district_code, a.park_code, " \
    "a.note, a.state, a.applied_at, "                                                                                      \
    "r.rank, r.stars, r.star_period, r.points, r.within, r.reason, l.run_at AS allocated_at, l.quota "                     \
    "FROM benefit_app a JOIN benefit b ON b.id = a.benefit_id "                                                            \
    "LEFT JOIN benefit_alloc l ON l.id = (SELECT MAX(x.id) FROM benefit_alloc x WHERE x.benefit_id = a.benefit_id AND x.period = a.period) " \
    "LEFT JOIN benefit_alloc_row r ON r.alloc_id = l.id AND r.app_id = a.id "

static void bs_app_decorate(json_t *items) {
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x) {
        json_object_set_new(x, "applicant_kind", json_string(!strcmp(json_string_value(json_object_get(x, "applicant")), "org") ? "党组织" : "党员"));
        json_object_set_new(x, "state_name", json_string(!strcmp(json_string_value(json_object_get(x, "state")), "applied") ? "已申请" : "已撤回"));
        json_t *w = json_object_get(x, "within");
        json_object_set_new(x, "result", json_string(json_is_null(w) || !w ? "待分配" : json_integer_value(w) ? "在名额内" : "未在名额内"));
        if (json_is_integer(json_object_get(x, "points")))
            json_object_set_new(x, "points", json_real((double)json_integer_value(json_object_get(x, "points")) / 100.0));
    }
}

st stars_store_apps(uc *c, int64_t benefit_id, const char *period, json_t **items, err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    st s = db_query_json(c->d, items,
                         BS_APP_COLS "WHERE ($1 = 0 OR a.benefit_id = $1) AND (CAST($2 AS TEXT) = '' OR a.period = CAST($2 AS TEXT)) AND "
                         SCOPE_COND("$3", "$4", "a.district_code", "a.park_code", "a.org_path", "NULL", "a.owner_user")
                         " ORDER BY CASE WHEN r.rank IS NULL THEN 1 ELSE 0 END, r.rank, a.applied_at DESC, a.id DESC",
                         e, "itt" "t", benefit_id, period ? period : "", k, code);
    if (!s) bs_app_decorate(*items);
    return s;
}

st stars_store_my_apps(uc *c, json_t **items, err *e) { return stars_store_apps(c, 0, NULL, items, e); }

static const char *bs_key_name(stars_key k) { return k == STARS_KEY_STARS ? "星级" : k == STARS_KEY_POINTS ? "积分" : "申请时间"; }

st stars_store_allocate(uc *c, int64_t benefit_id, const char *period_in, int64_t *alloc_id, err *e) {
    *alloc_id = 0;
    stars_key keys[STARS_KEYS];
    const char *order = cfg_str("benefit-order");
    st s = stars_order_parse(order, keys, e);
    if (s) return s;
    if ((s = uc_begin(c, e))) return s;
    json_t *b = NULL, *apps = NULL;
    char period[16] = "";
    s = bs_benefit(c, benefit_id, &b, e);
    if (!s) {
        if (period_in && *period_in) snprintf(period, sizeof period, "%s", period_in);
        else bs_current(json_string_value(json_object_get(b, "period_kind")), period);
    }
    char from[11], until[11], today[11];
    clock_day(clock_now(), today);
    if (!s && !points_period_parse(period, from, until))
        s = err_field(e, ST_INVALID, "period", "分配期间“%s”无效，应写作 2026、2026-Q4 或 2026-12。", period);
    if (!s)
        s = db_query_json(c->d, &apps,
                          "SELECT id, applicant, org_id, person_id, applicant_name, applied_at FROM benefit_app "
                          "WHERE benefit_id = $1 AND period = $2 AND state = 'applied' ORDER BY id",
                          e, "it", benefit_id, period);
    size_t n = 0;
    stars_applicant *a = NULL;
    char **star_period = NULL;
    if (!s) {
        arena_json(c->mem, apps);
        n = json_array_size(apps);
        if (!n) s = err_set(e, ST_CONFLICT, "权益“%s”在 %s 还没有申请，无需分配。", json_string_value(json_object_get(b, "name")), period);
    }
    if (!s) {
        a = arena_calloc(c->mem, n, sizeof *a);
        star_period = arena_calloc(c->mem, n, sizeof *star_period);
        if (!a || !star_period) s = err_set(e, ST_NOMEM, "内存不足。");
    }
    /* points over the period's year to the day (or the year's end) */
    char yfrom[11], yuntil[11];
    snprintf(yfrom, sizeof yfrom, "%.4s-01-01", period);
    snprintf(yuntil, sizeof yuntil, "%.4s-12-31", period);
    if (strcmp(today, yuntil) < 0) snprintf(yuntil, sizeof yuntil, "%s", today);
    for (size_t i = 0; i < n && !s; i++) {
        json_t *x = json_array_get(apps, i);
        bool org = !strcmp(json_string_value(json_object_get(x, "applicant")), "org");
        int64_t org_id = json_integer_value(json_object_get(x, "org_id"));
        a[i].id = json_integer_value(json_object_get(x, "id"));
        a[i].applied_at = json_integer_value(json_object_get(x, "applied_at"));
        star_period[i] = arena_calloc(c->mem, 1, 16);
        if (!star_period[i]) s = err_set(e, ST_NOMEM, "内存不足。");
        if (!s) s = stars_store_org_level(c, org_id, &a[i].stars, star_period[i], e);   /* a member: their organization's stars */
        if (!s)
            s = points_store_unit_total(c, org ? "org" : "member",
                                        arena_printf(c->mem, "%lld", (long long)(org ? org_id : json_integer_value(json_object_get(x, "person_id")))),
                                        yfrom, yuntil, false, &a[i].points, e);
    }
    int quota = (int)json_integer_value(json_object_get(b, "quota"));
    if (!s) {
        stars_allocate(a, n, keys, quota);
        s = db_query_int(c->d, alloc_id,
                         "INSERT INTO benefit_alloc(benefit_id, period, quota, order_keys, run_at, run_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                         e, "ititit", benefit_id, period, (int64_t)quota, order, clock_now(), bs_actor(c));
    }
    const char *order_text = arena_printf(c->mem, "%s→%s→%s→申请编号", bs_key_name(keys[0]), bs_key_name(keys[1]), bs_key_name(keys[2]));
    for (size_t i = 0; i < n && !s; i++) {
        size_t at = 0;
        for (size_t j = 0; j < n; j++)
            if (star_period[j] && json_integer_value(json_object_get(json_array_get(apps, j), "id")) == a[i].id) at = j;
        char when[24];
        time_t t = (time_t)a[i].applied_at;
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        const char *stars = a[i].stars ? arena_printf(c->mem, "%d 星（%s 星级评定）", a[i].stars, star_period[at]) : "尚无已发布的星级（按 0 星）";
        const char *reason = arena_printf(c->mem, "%s，积分 %.2f，申请于 %s；按 %s 排第 %d 名，名额 %d 个，%s", stars, (double)a[i].points / 100.0,
                                          when, order_text, a[i].rank, quota, a[i].within ? "在名额内" : "未在名额内");
        s = db_run(c->d,
                   "INSERT INTO benefit_alloc_row(alloc_id, app_id, rank, stars, star_period, points, applied_at, within, reason) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                   e, "iiiitiiit", *alloc_id, a[i].id, (int64_t)a[i].rank, (int64_t)a[i].stars, *star_period[at] ? star_period[at] : NULL,
                   a[i].points, a[i].applied_at, (int64_t)a[i].within, reason);
    }
    uc_act ac = {"benefit.allocate", s ? NULL : uc_obj(c, "benefit", benefit_id),
                 s ? NULL
                   : arena_printf(c->mem, "分配 %s 的权益“%s”：%zu 个申请，名额 %d 个，按 %s 排序", period, json_string_value(json_object_get(b, "name")),
                                  n, quota, order_text)};
    return uc_end(c, s, &ac, e);
}

st stars_store_allocation(uc *c, int64_t benefit_id, const char *period_in, json_t **out, err *e) {
    *out = NULL;
    json_t *b = NULL, *rows = NULL;
    st s = stars_store_benefit_get(c, benefit_id, &b, e);
    if (s) return s;
    arena_json(c->mem, b);
    const char *period = period_in && *period_in ? period_in : json_string_value(json_object_get(b, "period"));
    s = db_query_json(c->d, &rows,
                      "SELECT id, benefit_id, period, quota, order_keys, run_at, run_by FROM benefit_alloc WHERE benefit_id = $1 AND period = $2 "
                      "ORDER BY id DESC LIMIT 1",
                      e, "it", benefit_id, period);
    if (s) return s;
    json_t *head = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    if (!head) return err_set(e, ST_NOT_FOUND, "权益“%s”在 %s 还没有分配结果。", json_string_value(json_object_get(b, "name")), period);
    json_t *items = NULL;
    s = stars_store_apps(c, benefit_id, period, &items, e);
    if (s) {
        json_decref(head);
        return s;
    }
    json_object_set(head, "benefit_name", json_object_get(b, "name"));
    json_object_set_new(head, "rows", items);
    *out = head;
    return ST_OK;
}

const scope_resolver stars_scope_resolvers[] = {
    /* a period's rating is city-wide; each district and park reviews its own organizations' rows */
    {"star_rating", true, false, "SELECT NULL, NULL, NULL, NULL, NULL FROM star_rating WHERE id = CAST($1 AS BIGINT)", .areas = true,
     .noun = "星级评定"},
    /* the catalogue is the city's */
    {"benefit", true, false, "SELECT NULL, NULL, NULL, NULL, NULL FROM benefit WHERE id = CAST($1 AS BIGINT)", .noun = "权益"},
    /* an organization's application sits where the organization does; a member's belongs to their own account only
       (the officers see it in the lists, SCOPE_COND over its place, but do not withdraw it) */
    {"benefit_app", true, false,
     "SELECT CASE WHEN applicant = 'org' THEN district_code END, CASE WHEN applicant = 'org' THEN park_code END, "
     "CASE WHEN applicant = 'org' THEN org_path END, NULL, owner_user FROM benefit_app WHERE id = CAST($1 AS BIGINT)",
     .noun = "权益申请"},
    {NULL, false, false, NULL},
};
