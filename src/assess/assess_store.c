/* assess_store — the yearly responsibility assessments in the database
 * (assess_store.h; migration 0065).  All of the module's SQL. */
#include "assess/assess_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "core/jsonx.h"

static const char *as_actor(uc *c) { return c->who.username ? c->who.username : "-"; }

static void as_today(char out[11]) { clock_day(clock_now(), out); }

/* The caller's view: the city sees everything; a district or a park its own row of published years. */
static bool as_city(uc *c) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    return k && !strcmp(k, "city");
}

/* The districts and parks of the city, districts first. */
static st as_units(uc *c, assess_unit **out, size_t *n, err *e) {
    *out = NULL;
    *n = 0;
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT code, name, kind, parent_code FROM region WHERE kind IN ('district', 'park') "
                         "ORDER BY CASE WHEN kind = 'district' THEN 0 ELSE 1 END, code",
                         e, "");
    if (s) return s;
    arena_json(c->mem, rows);
    size_t m = json_array_size(rows);
    assess_unit *u = arena_calloc(c->mem, m ? m : 1, sizeof *u);
    if (!u) return err_set(e, ST_NOMEM, "内存不足。");
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        const char *kind = json_string_value(json_object_get(r, "kind"));
        const char *code = json_string_value(json_object_get(r, "code"));
        const char *parent = json_string_value(json_object_get(r, "parent_code"));
        u[i] = (assess_unit){kind, code, json_string_value(json_object_get(r, "name")), !strcmp(kind, "district") ? code : parent};
    }
    *out = u;
    *n = m;
    return ST_OK;
}

static json_t *as_rules_json(const assess_rule *rules) {
    json_t *a = json_array();
    for (size_t k = 0; assess_criteria[k].key; k++)
        json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:i}", "key", assess_criteria[k].key, "name",
                                           assess_criteria[k].name, "figure", assess_criteria[k].figure, "records",
                                           assess_criteria[k].records, "unit", assess_criteria[k].unit, "weight", rules[k].weight, "floor", rules[k].floor,
                                           "target", rules[k].target));
    return a;
}

/* Compute every unit's figures and scores for the assessment's year and
 * keep them (inside the caller's use case). */
static st as_compute(uc *c, int64_t id, int year, err *e) {
    char today[11];
    as_today(today);
    assess_period p;
    if (!assess_period_of(year, today, &p))
        return err_field(e, ST_INVALID, "year", "考核年度 %d 无效：应为 2000 年至今年（%.4s 年）之间的年份。", year, today);
    size_t nk = assess_criteria_count();
    assess_rule *rules = arena_calloc(c->mem, nk, sizeof *rules);
    if (!rules) return err_set(e, ST_NOMEM, "内存不足。");
    st s = assess_rules_load(rules, e);
    assess_unit *units = NULL;
    size_t n = 0;
    if (!s) s = as_units(c, &units, &n, e);
    if (s) return s;
    if (!n) return err_set(e, ST_CONFLICT, "系统中还没有区或园区，无法进行责任考核。请先在行政区划中登记区和园区。");
    assess_fig **figs = arena_calloc(c->mem, nk, sizeof *figs);
    if (!figs) return err_set(e, ST_NOMEM, "内存不足。");
    for (size_t k = 0; k < nk; k++) {
        figs[k] = arena_calloc(c->mem, n, sizeof **figs);
        if (!figs[k]) return err_set(e, ST_NOMEM, "内存不足。");
        if ((s = assess_criteria[k].fill(c, &p, units, n, figs[k], e))) return s;
    }
    int *totals = arena_calloc(c->mem, n, sizeof *totals), *ranks = arena_calloc(c->mem, n, sizeof *ranks);
    bool *has = arena_calloc(c->mem, n, sizeof *has);
    assess_fig *uf = arena_calloc(c->mem, nk, sizeof *uf);
    int *scores = arena_calloc(c->mem, n * nk, sizeof *scores), *used = arena_calloc(c->mem, n * nk, sizeof *used);
    if (!totals || !ranks || !has || !uf || !scores || !used) return err_set(e, ST_NOMEM, "内存不足。");
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < nk; k++) {
            uf[k] = figs[k][i];
            scores[i * nk + k] = uf[k].available ? assess_score(assess_value(uf[k].num, uf[k].den), &rules[k]) : 0;
        }
        has[i] = assess_total(uf, &scores[i * nk], rules, nk, &used[i * nk], &totals[i]);
    }
    /* ranks among the units of the same kind */
    for (int pass = 0; pass < 2; pass++) {
        const char *kind = pass ? "park" : "district";
        int *t = arena_calloc(c->mem, n, sizeof *t), *r = arena_calloc(c->mem, n, sizeof *r);
        bool *h = arena_calloc(c->mem, n, sizeof *h);
        size_t *at = arena_calloc(c->mem, n, sizeof *at), m = 0;
        if (!t || !r || !h || !at) return err_set(e, ST_NOMEM, "内存不足。");
        for (size_t i = 0; i < n; i++)
            if (!strcmp(units[i].kind, kind)) {
                t[m] = totals[i];
                h[m] = has[i];
                at[m++] = i;
            }
        assess_rank(t, h, m, r);
        for (size_t j = 0; j < m; j++) ranks[at[j]] = r[j];
    }
    if ((s = db_run(c->d, "DELETE FROM assess_row WHERE assess_id = $1", e, "i", id))) return s;
    for (size_t i = 0; i < n && !s; i++) {
        json_t *fa = json_array();
        for (size_t k = 0; k < nk; k++) {
            const assess_fig *f = &figs[k][i];
            const char *link = assess_criteria[k].link(c, &p, &units[i]);
            json_t *o = json_pack("{s:s,s:b,s:i,s:i,s:i,s:i}", "key", assess_criteria[k].key, "available", f->available, "weight",
                                  rules[k].weight, "floor", rules[k].floor, "target", rules[k].target, "weight_used_bp",
                                  used[i * nk + k]);
            if (f->available) {
                json_object_set_new(o, "num", json_integer(f->num));
                json_object_set_new(o, "den", json_integer(f->den));
                json_object_set_new(o, "value", json_real(assess_value(f->num, f->den)));
                json_object_set_new(o, "score", json_real(scores[i * nk + k] / 100.0));
            } else {
                json_object_set_new(o, "reason", json_string(f->reason ? f->reason : "没有数据"));
            }
            if (link) json_object_set_new(o, "link", json_string(link));
            json_array_append_new(fa, o);
        }
        char *text = json_dumps(fa, JSON_COMPACT | JSON_REAL_PRECISION(12));
        json_decref(fa);
        if (!text) return err_set(e, ST_NOMEM, "内存不足。");
        arena_own(c->mem, text);
        s = db_run(c->d,
                   "INSERT INTO assess_row(assess_id, unit_kind, unit_code, unit_name, district_code, has_total, total, rank, figures) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                   e, "ittttiiit", id, units[i].kind, units[i].code, units[i].name, units[i].district, (int64_t)has[i],
                   (int64_t)totals[i], (int64_t)ranks[i], text);
    }
    if (s) return s;
    json_t *rj = as_rules_json(rules);
    char *rtext = rj ? json_dumps(rj, JSON_COMPACT) : NULL;
    json_decref(rj);
    if (!rtext) return err_set(e, ST_NOMEM, "内存不足。");
    arena_own(c->mem, rtext);
    return db_run(c->d, "UPDATE assess SET as_of = $1, rules = $2, computed_at = $3, computed_by = $4 WHERE id = $5", e, "ttiti",
                  p.as_of, rtext, clock_now(), as_actor(c), id);
}

st assess_store_open(uc *c, int year, const char *note, int64_t *id, err *e) {
    *id = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    int64_t have = 0;
    s = db_query_int(c->d, &have, "SELECT id FROM assess WHERE year = $1", e, "i", (int64_t)year);
    if (!s) s = err_field(e, ST_CONFLICT, "year", "%d 年度的责任考核已经开启（编号 %lld），请在该考核上重新计算，不要重复开启。", year, (long long)have);
    else if (s == ST_NOT_FOUND) s = ST_OK;
    if (!s)
        s = db_query_int(c->d, id,
                         "INSERT INTO assess(year, state, as_of, rules, computed_at, computed_by, note, created_by, created_at) "
                         "VALUES ($1, 'draft', '', '[]', 0, '', $2, $3, $4) RETURNING id",
                         e, "itti", (int64_t)year, note && *note ? note : NULL, as_actor(c), clock_now());
    if (!s) s = as_compute(c, *id, year, e);
    uc_act a = {"assess.open", s ? NULL : uc_obj(c, "assessment", *id),
                s ? NULL : arena_printf(c->mem, "开启 %d 年度责任考核并计算各区、园区的考核指标（草稿）", year)};
    return uc_end(c, s, &a, e);
}

/* The assessment's year and state, for a write. */
static st as_head(uc *c, int64_t id, int *year, char state[16], err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, "SELECT year, state FROM assess WHERE id = $1", e, "i", id);
    if (s) return s;
    arena_json(c->mem, rows);
    json_t *r = json_array_get(rows, 0);
    if (!r) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的责任考核。", (long long)id);
    *year = (int)json_integer_value(json_object_get(r, "year"));
    snprintf(state, 16, "%s", json_string_value(json_object_get(r, "state")));
    return ST_OK;
}

st assess_store_recompute(uc *c, int64_t id, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    int year = 0;
    char state[16] = "";
    s = as_head(c, id, &year, state, e);
    if (!s && strcmp(state, "draft"))
        s = err_set(e, ST_CONFLICT, "%d 年度责任考核已%s，考核结果已固定，不能重新计算。", year, assess_state_name(state));
    if (!s) s = as_compute(c, id, year, e);
    uc_act a = {"assess.recompute", uc_obj(c, "assessment", id),
                s ? NULL : arena_printf(c->mem, "按当前数据和设置重新计算 %d 年度责任考核（草稿）", year)};
    return uc_end(c, s, &a, e);
}

/* Move id from state `from` to `to` (the columns at and by of `to` set). */
static st as_move(uc *c, int64_t id, const char *from, const char *to, const char *action, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    int year = 0;
    char state[16] = "";
    s = as_head(c, id, &year, state, e);
    if (!s && strcmp(state, from))
        s = err_set(e, ST_CONFLICT, "%d 年度责任考核当前为“%s”，只有“%s”的考核才能%s。", year, assess_state_name(state),
                    assess_state_name(from), !strcmp(to, "confirmed") ? "确认" : "发布");
    int64_t done = 0;
    if (!s)
        s = db_query_int(c->d, &done,
                         !strcmp(to, "confirmed")
                             ? "UPDATE assess SET state = 'confirmed', confirmed_at = $1, confirmed_by = $2 WHERE id = $3 AND state = 'draft' RETURNING id"
                             : "UPDATE assess SET state = 'published', published_at = $1, published_by = $2 WHERE id = $3 AND state = 'confirmed' RETURNING id",
                         e, "iti", clock_now(), as_actor(c), id);
    if (s == ST_NOT_FOUND) s = err_set(e, ST_CONFLICT, "%d 年度责任考核的状态刚被他人更改，请刷新后再试。", year);
    uc_act a = {action, uc_obj(c, "assessment", id),
                s ? NULL
                  : arena_printf(c->mem, !strcmp(to, "confirmed") ? "确认 %d 年度责任考核结果" : "发布 %d 年度责任考核结果（各区、园区可查看本单位结果）",
                                 year)};
    return uc_end(c, s, &a, e);
}

st assess_store_confirm(uc *c, int64_t id, err *e) { return as_move(c, id, "draft", "confirmed", "assess.confirm", e); }
st assess_store_publish(uc *c, int64_t id, err *e) { return as_move(c, id, "confirmed", "published", "assess.publish", e); }

#define AS_COLS                                                                                                           \
    "SELECT a.id, a.year, a.state, a.as_of, a.computed_at, a.computed_by, a.confirmed_at, a.confirmed_by, a.published_at, " \
    "a.published_by, a.note, a.created_by, a.created_at, (SELECT COUNT(*) FROM assess_row r WHERE r.assess_id = a.id) AS units "

static void as_named(json_t *items) {
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x)
        json_object_set_new(x, "state_name", json_string(assess_state_name(json_string_value(json_object_get(x, "state")))));
}

st assess_store_list(uc *c, json_t **items, err *e) {
    st s = db_query_json(c->d, items, AS_COLS "FROM assess a WHERE $1 = 1 OR a.state = 'published' ORDER BY a.year DESC", e, "i",
                         (int64_t)as_city(c));
    if (!s) as_named(*items);
    return s;
}

/* The caller's rows of assessment id (the city: all). */
static st as_rows(uc *c, int64_t id, json_t **rows, err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    st s = db_query_json(c->d, rows,
                         "SELECT unit_kind, unit_code, unit_name, district_code, has_total, total, rank, figures FROM assess_row "
                         "WHERE assess_id = $1 AND (CAST($2 AS TEXT) = 'city' OR (unit_kind = CAST($2 AS TEXT) AND unit_code = CAST($3 AS TEXT))) "
                         "ORDER BY CASE WHEN unit_kind = 'district' THEN 0 ELSE 1 END, CASE WHEN rank = 0 THEN 1 ELSE 0 END, rank, unit_code",
                         e, "itt", id, k, code);
    if (s) return s;
    arena_json(c->mem, *rows);
    size_t i;
    json_t *r;
    json_array_foreach(*rows, i, r) {
        json_error_t je;
        json_t *f = json_loads(json_string_value(json_object_get(r, "figures")), 0, &je);
        if (!f) return err_set(e, ST_INTERNAL, "责任考核 %lld 的指标数据已损坏。", (long long)id);
        size_t j;
        json_t *x;
        json_array_foreach(f, j, x) {
            json_object_set_new(x, "weight_used", json_real(json_integer_value(json_object_get(x, "weight_used_bp")) / 100.0));
        }
        json_object_set_new(r, "figures", f);
        bool has = json_integer_value(json_object_get(r, "has_total")) != 0;
        json_object_set_new(r, "has_total", json_boolean(has));
        json_object_set_new(r, "total", has ? json_real(json_integer_value(json_object_get(r, "total")) / 100.0) : json_null());
        json_object_set_new(r, "kind_name", json_string(!strcmp(json_string_value(json_object_get(r, "unit_kind")), "park") ? "园区" : "区"));
    }
    json_incref(*rows);
    return ST_OK;
}

/* The head of assessment id as the caller may see it; ST_NOT_FOUND otherwise. */
static st as_get_head(uc *c, int64_t id, json_t **out, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, AS_COLS ", a.rules FROM assess a WHERE a.id = $1 AND ($2 = 1 OR a.state = 'published')", e,
                         "ii", id, (int64_t)as_city(c));
    if (s) return s;
    arena_json(c->mem, rows);
    json_t *r = json_array_get(rows, 0);
    if (!r) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的已发布责任考核（考核结果发布后各区、园区才能查看）。", (long long)id);
    as_named(rows);
    json_error_t je;
    json_t *rules = json_loads(json_string_value(json_object_get(r, "rules")), 0, &je);
    json_object_set_new(r, "criteria", rules ? rules : json_array());
    json_object_del(r, "rules");
    *out = json_incref(r);
    return ST_OK;
}

st assess_store_get(uc *c, int64_t id, json_t **out, err *e) {
    *out = NULL;
    json_t *head = NULL, *rows = NULL;
    st s = as_get_head(c, id, &head, e);
    if (!s) s = as_rows(c, id, &rows, e);
    if (s) {
        json_decref(head);
        return s;
    }
    /* each figure named after its criterion as computed */
    json_t *crit = json_object_get(head, "criteria");
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        size_t j;
        json_t *x;
        json_array_foreach(json_object_get(r, "figures"), j, x) {
            size_t k;
            json_t *cr;
            json_array_foreach(crit, k, cr) if (json_equal(json_object_get(cr, "key"), json_object_get(x, "key")))
{
                json_object_set(x, "name", json_object_get(cr, "name"));
                if (json_object_get(cr, "unit")) json_object_set(x, "unit", json_object_get(cr, "unit"));
            }
        }
    }
    json_object_set_new(head, "rows", rows);
    *out = head;
    return ST_OK;
}

st assess_store_rows(uc *c, int64_t id, json_t **items, err *e) {
    *items = NULL;
    json_t *head = NULL, *rows = NULL;
    st s = as_get_head(c, id, &head, e);
    json_decref(head);
    if (!s) s = as_rows(c, id, &rows, e);
    if (s) return s;
    json_t *a = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        json_t *o = json_pack("{s:O,s:O,s:O,s:O,s:O,s:O}", "rank", json_object_get(r, "rank"), "unit_kind",
                              json_object_get(r, "unit_kind"), "unit_code", json_object_get(r, "unit_code"), "unit_name",
                              json_object_get(r, "unit_name"), "kind_name", json_object_get(r, "kind_name"), "total",
                              json_object_get(r, "total"));
        size_t j;
        json_t *x;
        json_array_foreach(json_object_get(r, "figures"), j, x) {
            bool av = json_is_true(json_object_get(x, "available"));
            json_object_set_new(o, json_string_value(json_object_get(x, "key")),
                                json_pack("{s:O,s:O,s:O}", "value", av ? json_object_get(x, "value") : json_null(), "score",
                                          av ? json_object_get(x, "score") : json_null(), "weight_used",
                                          json_object_get(x, "weight_used")));
        }
        json_array_append_new(a, o);
    }
    json_decref(rows);
    *items = a;
    return ST_OK;
}

const scope_resolver assess_scope_resolvers[] = {
    /* the year's assessment is city-wide; each district and park reads its own row once published */
    {"assessment", true, false, "SELECT NULL, NULL, NULL, NULL, NULL FROM assess WHERE id = CAST($1 AS BIGINT)", .areas = true,
     .noun = "责任考核"},
    {NULL, false, false, NULL},
};
