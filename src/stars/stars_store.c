/* stars_store — star ratings in the database (stars_store.h; migration
 * 0071).  All of the ratings' SQL; benefit_store.c has the benefits'. */
#include "stars/stars_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "core/config.h"
#include "develop/develop_store.h"
#include "dues/dues_report_store.h"
#include "meeting/meeting_store.h"
#include "points/points_store.h"

static const char *ss_actor(uc *c) { return c->who.username ? c->who.username : "-"; }

static bool ss_city(uc *c) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    return k && !strcmp(k, "city");
}

/* The offices (city, district, park) review drafts; the others see published ratings only. */
static bool ss_office(uc *c) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    return k && (!strcmp(k, "city") || !strcmp(k, "district") || !strcmp(k, "park"));
}

static st ss_city_only(uc *c, const char *what, err *e) {
    if (ss_city(c)) return ST_OK;
    /* the district's and park's offices hold star.confirm for their own rows: the city's steps are a conflict of level for them */
    return err_set(e, ST_CONFLICT, "%s由市级党建办统一进行；区、园区请在评定中审定确认本辖区党组织的星级。", what);
}

/* One organization rated: from the meetings' compliance (the organizations that owe meetings). */
typedef struct ss_org {
    int64_t id;
    const char *name, *district, *park;
} ss_org;

static json_t *ss_rules_json(const assess_rule *rules, const int *min) {
    json_t *a = json_array();
    for (size_t k = 0; stars_criteria[k].key; k++)
        json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:i}", "key", stars_criteria[k].key, "name", stars_criteria[k].name,
                                           "figure", stars_criteria[k].figure, "unit", stars_criteria[k].unit, "weight", rules[k].weight,
                                           "floor", rules[k].floor, "target", rules[k].target));
    json_t *t = json_array();
    for (int s = 1; s <= STARS_MAX; s++) json_array_append_new(t, json_pack("{s:i,s:i}", "stars", s, "min", min[s]));
    return json_pack("{s:o,s:o}", "criteria", a, "thresholds", t);
}

/* Compute every organization's figures, total and stars for the rating's
 * period and keep them (inside the caller's use case). */
static st ss_compute(uc *c, int64_t id, const char *period, err *e) {
    char today[11];
    clock_day(clock_now(), today);
    meeting_period mp;
    if (!meeting_period_parse(period, &mp) || !stars_period_ok(cfg_str("star-period"), period))
        return err_field(e, ST_INVALID, "period", "评定期间“%s”无效：按设置 star-period（%s）应写作 %s。", period ? period : "",
                         cfg_str("star-period"), !strcmp(cfg_str("star-period"), "quarter") ? "2025-Q3" : "2025");
    if (strcmp(mp.from, today) > 0)
        return err_field(e, ST_INVALID, "period", "评定期间 %s 尚未开始（从 %s 起），不能评定。", period, mp.from);
    char as_of[11];
    snprintf(as_of, sizeof as_of, "%s", strcmp(today, mp.to) < 0 ? today : mp.to);
    size_t nk = stars_criteria_count();
    assess_rule *rules = arena_calloc(c->mem, nk, sizeof *rules);
    int min[STARS_MAX + 1];
    if (!rules) return err_set(e, ST_NOMEM, "内存不足。");
    st s = stars_rules_load(rules, min, e);
    json_t *orgs = NULL;
    if (!s) s = meeting_store_compliance(c, &mp, "org", NULL, NULL, &orgs, e);
    if (s) return s;
    arena_json(c->mem, orgs);
    /* dues by organization (the sheets of the period) */
    dues_period dp;
    json_t *dues = NULL, *dsum = NULL;
    int64_t dn = 0;
    dues_report_filter df = {0};
    uc_page dpg = {100000, 0, NULL};
    if ((s = dues_period_parse(period, &dp, e))) return s;
    if ((s = dues_report_store_report(c, &dp, "org", &df, &dpg, &dues, &dn, &dsum, e))) return s;   /* the arena's already */
    if ((s = db_run(c->d, "DELETE FROM star_row WHERE rating_id = $1", e, "i", id))) return s;
    int64_t per = cfg_int("star-points-per-org");
    size_t i;
    json_t *o;
    assess_fig *figs = arena_calloc(c->mem, nk, sizeof *figs);
    int *scores = arena_calloc(c->mem, nk, sizeof *scores), *used = arena_calloc(c->mem, nk, sizeof *used);
    if (!figs || !scores || !used) return err_set(e, ST_NOMEM, "内存不足。");
    json_array_foreach(orgs, i, o) {
        int64_t org = json_integer_value(json_object_get(o, "org_id"));
        memset(figs, 0, nk * sizeof *figs);
        for (size_t k = 0; k < nk; k++) {
            const char *key = stars_criteria[k].key;
            assess_fig *f = &figs[k];
            if (!strcmp(key, "points")) {
                int64_t total = 0, den = per * 100;
                if ((s = points_store_unit_total(c, "org", arena_printf(c->mem, "%lld", (long long)org), mp.from, as_of, false, &total, e)))
                    return s;
                *f = (assess_fig){true, total < 0 ? 0 : total > den ? den : total, den, NULL};
            } else if (!strcmp(key, "life")) {
                int64_t due = json_integer_value(json_object_get(o, "due"));
                if (due > 0) *f = (assess_fig){true, json_integer_value(json_object_get(o, "on_time")), due, NULL};
                else f->reason = "本期没有到期应开的组织生活";
            } else if (!strcmp(key, "coverage")) {
                f->reason = "组织覆盖率按区、园区统计，不评到单个党组织";
            } else if (!strcmp(key, "develop")) {
                int64_t overdue = 0, soon = 0;
                if ((s = develop_store_due_counts(c, org, as_of, 36500, &overdue, &soon, e))) return s;
                if (overdue + soon > 0) *f = (assess_fig){true, soon, overdue + soon, NULL};
                else f->reason = "截至该日没有在途的发展步骤";
            } else if (!strcmp(key, "dues")) {
                f->reason = "本期没有应缴党费的党费表";
                size_t j;
                json_t *r;
                json_array_foreach(dues, j, r) {
                    int64_t due = json_integer_value(json_object_get(r, "due_fen"));
                    if (json_integer_value(json_object_get(r, "org_id")) == org && due > 0) {
                        int64_t paid = json_integer_value(json_object_get(r, "paid_fen"));
                        *f = (assess_fig){true, paid < due ? paid : due, due, NULL};
                    }
                }
            }
            scores[k] = f->available ? assess_score(assess_value(f->num, f->den), &rules[k]) : 0;
        }
        int total = 0;
        bool has = assess_total(figs, scores, rules, nk, used, &total);
        int stars = has ? stars_of(total, min) : 0;
        json_t *fa = json_array();
        for (size_t k = 0; k < nk; k++) {
            json_t *x = json_pack("{s:s,s:b,s:i,s:i,s:i,s:i}", "key", stars_criteria[k].key, "available", figs[k].available, "weight",
                                  rules[k].weight, "floor", rules[k].floor, "target", rules[k].target, "weight_used_bp", used[k]);
            if (figs[k].available) {
                json_object_set_new(x, "num", json_integer(figs[k].num));
                json_object_set_new(x, "den", json_integer(figs[k].den));
                json_object_set_new(x, "value", json_real(assess_value(figs[k].num, figs[k].den)));
                json_object_set_new(x, "score", json_real(scores[k] / 100.0));
            } else {
                json_object_set_new(x, "reason", json_string(figs[k].reason ? figs[k].reason : "没有数据"));
            }
            json_array_append_new(fa, x);
        }
        char *text = json_dumps(fa, JSON_COMPACT | JSON_REAL_PRECISION(12));
        json_decref(fa);
        if (!text) return err_set(e, ST_NOMEM, "内存不足。");
        arena_own(c->mem, text);
        s = db_run(c->d,
                   "INSERT INTO star_row(rating_id, org_id, org_name, org_path, district_code, park_code, has_total, total, stars, figures) "
                   "SELECT $1, o.id, o.name, o.path, o.district_code, o.park_code, $3, $4, $5, $6 FROM org o WHERE o.id = $2",
                   e, "iiiiit", id, org, (int64_t)has, (int64_t)total, (int64_t)stars, text);
        if (s) return s;
    }
    json_t *rj = ss_rules_json(rules, min);
    char *rtext = rj ? json_dumps(rj, JSON_COMPACT) : NULL;
    json_decref(rj);
    if (!rtext) return err_set(e, ST_NOMEM, "内存不足。");
    arena_own(c->mem, rtext);
    return db_run(c->d, "UPDATE star_rating SET as_of = $1, rules = $2, computed_at = $3, computed_by = $4 WHERE id = $5", e, "ttiti", as_of,
                  rtext, clock_now(), ss_actor(c), id);
}

st stars_store_open(uc *c, const char *period, const char *note, int64_t *id, err *e) {
    *id = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    s = ss_city_only(c, "星级评定的开启和计算", e);
    int64_t have = 0;
    if (!s) {
        s = db_query_int(c->d, &have, "SELECT id FROM star_rating WHERE period = $1", e, "t", period ? period : "");
        if (!s) s = err_field(e, ST_CONFLICT, "period", "%s 的星级评定已经开启（编号 %lld），请在该评定上重新计算，不要重复开启。", period, (long long)have);
        else if (s == ST_NOT_FOUND) s = ST_OK;
    }
    if (!s)
        s = db_query_int(c->d, id,
                         "INSERT INTO star_rating(period, state, as_of, rules, computed_at, computed_by, note, created_by, created_at) "
                         "VALUES ($1, 'draft', '', '{}', 0, '', $2, $3, $4) RETURNING id",
                         e, "ttti", period ? period : "", note && *note ? note : NULL, ss_actor(c), clock_now());
    if (!s) s = ss_compute(c, *id, period, e);
    uc_act a = {"star.open", s ? NULL : uc_obj(c, "star_rating", *id),
                s ? NULL : arena_printf(c->mem, "开启 %s 星级评定并按各项指标提出各党组织的星级（草稿）", period)};
    return uc_end(c, s, &a, e);
}

static st ss_head(uc *c, int64_t id, char period[16], char state[16], err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, "SELECT period, state FROM star_rating WHERE id = $1", e, "i", id);
    if (s) return s;
    arena_json(c->mem, rows);
    json_t *r = json_array_get(rows, 0);
    if (!r) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的星级评定。", (long long)id);
    snprintf(period, 16, "%s", json_string_value(json_object_get(r, "period")));
    snprintf(state, 16, "%s", json_string_value(json_object_get(r, "state")));
    return ST_OK;
}

st stars_store_recompute(uc *c, int64_t id, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    char period[16] = "", state[16] = "";
    int64_t done = 0;
    s = ss_city_only(c, "星级评定的重新计算", e);
    if (!s) s = ss_head(c, id, period, state, e);
    if (!s && strcmp(state, "draft"))
        s = err_set(e, ST_CONFLICT, "%s 星级评定已%s，星级已固定，不能重新计算。", period, stars_state_name(state));
    if (!s) s = db_query_int(c->d, &done, "SELECT COUNT(*) FROM star_row WHERE rating_id = $1 AND confirmed_at IS NOT NULL", e, "i", id);
    if (!s && done > 0)
        s = err_set(e, ST_CONFLICT, "%s 星级评定已有 %lld 个党组织的星级经审定确认，不能再重新计算（重新计算会改变已确认的星级）。", period,
                    (long long)done);
    if (!s) s = ss_compute(c, id, period, e);
    uc_act a = {"star.recompute", uc_obj(c, "star_rating", id), s ? NULL : arena_printf(c->mem, "按当前数据和设置重新计算 %s 星级评定（草稿）", period)};
    return uc_end(c, s, &a, e);
}

st stars_store_confirm(uc *c, int64_t id, int64_t *n, err *e) {
    *n = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    char period[16] = "", state[16] = "";
    const char *k, *code;
    scope_bind(c, &k, &code);
    s = ss_head(c, id, period, state, e);
    if (!s && strcmp(state, "draft"))
        s = err_set(e, ST_CONFLICT, "%s 星级评定当前为“%s”，只有草稿中的星级才能审定确认。", period, stars_state_name(state));
    if (!s)
        s = db_query_int(c->d, n,
                         "SELECT COUNT(*) FROM star_row r WHERE r.rating_id = $1 AND r.confirmed_at IS NULL AND "
                         SCOPE_COND("$2", "$3", "r.district_code", "r.park_code", "r.org_path", "NULL", "NULL"),
                         e, "itt", id, k, code);
    if (!s && *n == 0) s = err_set(e, ST_CONFLICT, "%s 星级评定中本辖区没有待确认的党组织星级（已全部确认）。", period);
    if (!s)
        s = db_run(c->d,
                   "UPDATE star_row SET confirmed_at = $4, confirmed_by = $5 WHERE rating_id = $1 AND confirmed_at IS NULL AND "
                   SCOPE_COND("$2", "$3", "district_code", "park_code", "org_path", "NULL", "NULL"),
                   e, "ittit", id, k, code, clock_now(), ss_actor(c));
    int64_t left = 0;
    if (!s) s = db_query_int(c->d, &left, "SELECT COUNT(*) FROM star_row WHERE rating_id = $1 AND confirmed_at IS NULL", e, "i", id);
    if (!s && left == 0)
        s = db_run(c->d, "UPDATE star_rating SET state = 'confirmed', confirmed_at = $1 WHERE id = $2 AND state = 'draft'", e, "ii", clock_now(),
                   id);
    uc_act a = {"star.confirm", uc_obj(c, "star_rating", id),
                s ? NULL
                  : arena_printf(c->mem, "审定确认 %s 星级评定中 %lld 个党组织的星级%s", period, (long long)*n,
                                 left == 0 ? "（全部党组织已确认，待市级发布）" : "")};
    return uc_end(c, s, &a, e);
}

st stars_store_publish(uc *c, int64_t id, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    char period[16] = "", state[16] = "";
    s = ss_city_only(c, "星级评定的发布", e);
    if (!s) s = ss_head(c, id, period, state, e);
    if (!s && strcmp(state, "confirmed"))
        s = err_set(e, ST_CONFLICT, "%s 星级评定当前为“%s”：各党组织的星级全部审定确认后才能发布。", period, stars_state_name(state));
    int64_t done = 0;
    if (!s)
        s = db_query_int(c->d, &done,
                         "UPDATE star_rating SET state = 'published', published_at = $1, published_by = $2 WHERE id = $3 AND state = 'confirmed' "
                         "RETURNING id",
                         e, "iti", clock_now(), ss_actor(c), id);
    if (s == ST_NOT_FOUND) s = err_set(e, ST_CONFLICT, "%s 星级评定的状态刚被他人更改，请刷新后再试。", period);
    uc_act a = {"star.publish", uc_obj(c, "star_rating", id),
                s ? NULL : arena_printf(c->mem, "发布 %s 星级评定（各党组织可查看本组织的星级和评定依据）", period)};
    return uc_end(c, s, &a, e);
}

#define SS_COLS                                                                                                            \
    "SELECT a.id, a.period, a.state, a.as_of, a.computed_at, a.computed_by, a.confirmed_at, a.published_at, a.published_by, a.note, " \
    "a.created_by, a.created_at, (SELECT COUNT(*) FROM star_row r WHERE r.rating_id = a.id) AS orgs, "                     \
    "(SELECT COUNT(*) FROM star_row r WHERE r.rating_id = a.id AND r.confirmed_at IS NOT NULL) AS confirmed "

static void ss_named(json_t *items) {
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x)
        json_object_set_new(x, "state_name", json_string(stars_state_name(json_string_value(json_object_get(x, "state")))));
}

st stars_store_list(uc *c, json_t **items, err *e) {
    st s = db_query_json(c->d, items, SS_COLS "FROM star_rating a WHERE $1 = 1 OR a.state = 'published' ORDER BY a.period DESC", e, "i",
                         (int64_t)ss_office(c));
    if (!s) ss_named(*items);
    return s;
}

/* Decode a row's figures and name each after its criterion. */
static st ss_row_json(json_t *r, json_t *crit, err *e) {
    json_error_t je;
    json_t *f = json_loads(json_string_value(json_object_get(r, "figures")), 0, &je);
    if (!f) return err_set(e, ST_INTERNAL, "星级评定的指标数据已损坏。");
    size_t j, k;
    json_t *x, *cr;
    json_array_foreach(f, j, x) {
        json_object_set_new(x, "weight_used", json_real(json_integer_value(json_object_get(x, "weight_used_bp")) / 100.0));
        json_array_foreach(crit, k, cr) if (json_equal(json_object_get(cr, "key"), json_object_get(x, "key"))) {
            json_object_set(x, "name", json_object_get(cr, "name"));
            json_object_set(x, "unit", json_object_get(cr, "unit"));
        }
    }
    json_object_set_new(r, "figures", f);
    bool has = json_integer_value(json_object_get(r, "has_total")) != 0;
    json_object_set_new(r, "has_total", json_boolean(has));
    json_object_set_new(r, "total", has ? json_real(json_integer_value(json_object_get(r, "total")) / 100.0) : json_null());
    json_object_set_new(r, "confirmed", json_boolean(!json_is_null(json_object_get(r, "confirmed_at")) && json_object_get(r, "confirmed_at")));
    return ST_OK;
}

static st ss_get_head(uc *c, int64_t id, json_t **out, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, SS_COLS ", a.rules FROM star_rating a WHERE a.id = $1 AND ($2 = 1 OR a.state = 'published')", e, "ii",
                         id, (int64_t)ss_office(c));
    if (s) return s;
    arena_json(c->mem, rows);
    json_t *r = json_array_get(rows, 0);
    if (!r) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的已发布星级评定（评定结果发布后才能查看）。", (long long)id);
    ss_named(rows);
    json_error_t je;
    json_t *rules = json_loads(json_string_value(json_object_get(r, "rules")), 0, &je);
    /* _new with a reference of our own either way: json_object_set of a fresh json_array() kept a second
       reference to it, leaked whenever the stored rules had no criteria (ASan in the CI's access test) */
    json_t *cr = rules ? json_object_get(rules, "criteria") : NULL, *th = rules ? json_object_get(rules, "thresholds") : NULL;
    json_object_set_new(r, "criteria", cr ? json_incref(cr) : json_array());
    json_object_set_new(r, "thresholds", th ? json_incref(th) : json_array());
    json_decref(rules);
    json_object_del(r, "rules");
    *out = json_incref(r);
    return ST_OK;
}

static st ss_rows(uc *c, int64_t id, json_t *crit, json_t **rows, err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    st s = db_query_json(c->d, rows,
                         "SELECT r.org_id, r.org_name, r.district_code, r.park_code, r.has_total, r.total, r.stars, r.figures, r.confirmed_at, "
                         "r.confirmed_by FROM star_row r WHERE r.rating_id = $1 AND "
                         SCOPE_COND("$2", "$3", "r.district_code", "r.park_code", "r.org_path", "NULL", "NULL")
                         " ORDER BY r.stars DESC, r.total DESC, r.org_id",
                         e, "itt", id, k, code);
    if (s) return s;
    size_t i;
    json_t *r;
    json_array_foreach(*rows, i, r) if ((s = ss_row_json(r, crit, e))) {
        json_decref(*rows);
        *rows = NULL;
        return s;
    }
    return ST_OK;
}

st stars_store_get(uc *c, int64_t id, json_t **out, err *e) {
    *out = NULL;
    json_t *head = NULL, *rows = NULL;
    st s = ss_get_head(c, id, &head, e);
    if (!s) s = ss_rows(c, id, json_object_get(head, "criteria"), &rows, e);
    if (s) {
        json_decref(head);
        return s;
    }
    json_object_set_new(head, "rows", rows);
    *out = head;
    return ST_OK;
}

st stars_store_rows(uc *c, int64_t id, json_t **items, err *e) {
    *items = NULL;
    json_t *head = NULL, *rows = NULL;
    st s = ss_get_head(c, id, &head, e);
    if (!s) s = ss_rows(c, id, json_object_get(head, "criteria"), &rows, e);
    json_decref(head);
    if (s) return s;
    json_t *a = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        json_t *o = json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:s}", "org_id", json_object_get(r, "org_id"), "org_name", json_object_get(r, "org_name"),
                              "district_code", json_object_get(r, "district_code"), "stars", json_object_get(r, "stars"), "total",
                              json_object_get(r, "total"), "confirmed", json_object_get(r, "confirmed"), "confirmed_text",
                              json_is_true(json_object_get(r, "confirmed")) ? "已确认" : "待确认");
        size_t j;
        json_t *x;
        json_array_foreach(json_object_get(r, "figures"), j, x) {
            bool av = json_is_true(json_object_get(x, "available"));
            json_object_set_new(o, json_string_value(json_object_get(x, "key")),
                                json_pack("{s:O,s:O,s:O}", "value", av ? json_object_get(x, "value") : json_null(), "score",
                                          av ? json_object_get(x, "score") : json_null(), "weight_used", json_object_get(x, "weight_used")));
        }
        json_array_append_new(a, o);
    }
    json_decref(rows);
    *items = a;
    return ST_OK;
}

st stars_store_org(uc *c, int64_t org_id, json_t **out, err *e) {
    *out = NULL;
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT a.id AS rating_id, a.period, a.as_of, a.published_at, a.rules, r.org_id, r.org_name, r.has_total, r.total, r.stars, "
                         "r.figures, r.confirmed_at FROM star_row r JOIN star_rating a ON a.id = r.rating_id "
                         "WHERE r.org_id = $1 AND a.state = 'published' ORDER BY a.period DESC",
                         e, "i", org_id);
    if (s) return s;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        json_error_t je;
        json_t *rules = json_loads(json_string_value(json_object_get(r, "rules")), 0, &je);
        json_object_del(r, "rules");
        s = ss_row_json(r, rules ? json_object_get(rules, "criteria") : NULL, e);
        json_decref(rules);
        if (s) {
            json_decref(rows);
            return s;
        }
    }
    json_t *first = json_array_get(rows, 0);
    /* "o" with a reference of our own: "O" of a fresh json_integer(0) leaked it when there was no row */
    *out = json_pack("{s:I,s:o,s:o,s:o}", "org_id", (json_int_t)org_id, "level",
                     first ? json_incref(json_object_get(first, "stars")) : json_integer(0), "period",
                     first ? json_incref(json_object_get(first, "period")) : json_null(), "history", rows);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

st stars_store_org_level(uc *c, int64_t org_id, int *level, char *period, err *e) {
    *level = 0;
    if (period) *period = 0;
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT r.stars, a.period FROM star_row r JOIN star_rating a ON a.id = r.rating_id "
                         "WHERE r.org_id = $1 AND a.state = 'published' ORDER BY a.period DESC LIMIT 1",
                         e, "i", org_id);
    if (s) return s;
    json_t *r = json_array_get(rows, 0);
    if (r) {
        *level = (int)json_integer_value(json_object_get(r, "stars"));
        if (period) snprintf(period, 16, "%s", json_string_value(json_object_get(r, "period")));
    }
    json_decref(rows);
    return ST_OK;
}
