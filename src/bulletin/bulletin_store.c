/* bulletin_store — all the SQL of the bulletin (see bulletin.h): what a
 * bulletin is computed from, the issued copies, the list.  Computing is
 * gathering (here) and assembling (bulletin.c).  The bulletin is the city's
 * whoever reads it: its figures are asked for over the whole city. */
#include "bulletin/bulletin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "core/config.h"
#include "meeting/meeting_store.h"
#include "org/org_store.h"

/* The use case seen over the whole city (the same actor, database and memory). */
static uc bulletin_city_view(const uc *c) {
    uc v = *c;
    v.who.scope_kind = "city";
    v.who.scope_code = "";
    return v;
}

/* ---- what a bulletin is computed from ---- */

/* The city's districts, in code order. */
static st bulletin_districts(uc *c, bulletin_inputs *in, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, "SELECT code, name FROM region WHERE kind = 'district' ORDER BY code", e, "");
    if (s) return s;
    size_t n = json_array_size(rows);
    coverage_row *d = arena_calloc(c->mem, n ? n : 1, sizeof *d);
    for (size_t i = 0; d && i < n; i++) {
        const json_t *r = json_array_get(rows, i);
        d[i].key = arena_strdup(c->mem, json_string_value(json_object_get(r, "code")));
        d[i].name = arena_strdup(c->mem, json_string_value(json_object_get(r, "name")));
    }
    json_decref(rows);
    if (!d) return err_set(e, ST_NOMEM, "内存不足。");
    in->districts = d;
    in->ndistricts = n;
    return ST_OK;
}

/* Events of a kind per district in [from, to] (工委 not counted). */
static st bulletin_events(uc *c, const char *kind, const char *from, const char *to, const bulletin_count **out, size_t *n,
                          err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT v.district_code AS code, COUNT(*) AS n FROM org_event v JOIN org o ON o.id = v.org_id "
                         "WHERE v.kind = $1 AND v.day >= $2 AND v.day <= $3 AND o.kind <> '工委' GROUP BY v.district_code",
                         e, "ttt", kind, from, to);
    if (s) return s;
    size_t m = json_array_size(rows);
    bulletin_count *x = arena_calloc(c->mem, m ? m : 1, sizeof *x);
    for (size_t i = 0; x && i < m; i++) {
        const json_t *r = json_array_get(rows, i);
        const char *code = json_string_value(json_object_get(r, "code"));
        x[i].code = code ? arena_strdup(c->mem, code) : NULL;
        x[i].n = json_integer_value(json_object_get(r, "n"));
    }
    json_decref(rows);
    if (!x) return err_set(e, ST_NOMEM, "内存不足。");
    *out = x;
    *n = m;
    return ST_OK;
}

/* The issued copy of a period; ST_NOT_FOUND when it was not issued. */
static st bulletin_stored(uc *c, const char *period, bulletin_doc **doc, err *e) {
    db_stmt *q;
    st s = db_prepare(c->d, "SELECT data, issued_by, issued_at FROM bulletin WHERE period = $1", &q, e);
    if (s) return s;
    db_bind_text(q, 1, period);
    int r = db_step(q, e);
    json_t *j = NULL;
    const char *by = NULL;
    int64_t at = 0;
    if (r == DB_ROW) {
        j = json_loads(db_col_text(q, 0), 0, NULL);
        by = arena_strdup(c->mem, db_col_text(q, 1) ? db_col_text(q, 1) : "-");
        at = db_col_int(q, 2);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_set(e, ST_NOT_FOUND, "%s 的旬报尚未发布。", period);
    s = j ? bulletin_from_json(c->mem, j, doc, e) : err_set(e, ST_INTERNAL, "已发布的 %s 通报数据损坏。", period);
    json_decref(j);
    if (s) return s;
    (*doc)->issued = true;
    (*doc)->issued_by = by;
    (*doc)->issued_at = at;
    return ST_OK;
}

static const char *bulletin_city_name(uc *c) {
    char *name = NULL;
    if (db_query_text(c->d, &name, "SELECT name FROM region WHERE kind = 'city' ORDER BY code LIMIT 1", NULL, "")) name = NULL;
    const char *out = name ? arena_strdup(c->mem, name) : "全市";
    free(name);
    return out ? out : "全市";
}

/* Organizational life: the meeting module's compliance (by district, by organization) in the
 * quarter holding the 旬's last day, judged as of now (the quarter to date). */
static st bulletin_life_gather(uc *city, const bulletin_doc *d, bulletin_inputs *in, err *e) {
    meeting_period p;
    if (!meeting_period_of(d->last_day, 3, &p)) return ST_OK;
    json_t *by_district = NULL, *by_org = NULL;
    st s = meeting_store_compliance(city, &p, "district", NULL, NULL, &by_district, e);
    if (!s && !arena_json(city->mem, by_district)) s = err_set(e, ST_NOMEM, "内存不足。");
    /* the red ones, worst first: a province's 200,000 organizations are not made JSON to find them */
    int64_t red_total = 0;
    if (!s) s = meeting_store_compliance_page(city, &p, NULL, NULL, "red", "-rank", 0, cfg_int("bulletin-red-max"), &by_org, &red_total, e);
    if (!s && !arena_json(city->mem, by_org)) s = err_set(e, ST_NOMEM, "内存不足。");
    if (s) return s;
    in->life_period = arena_strdup(city->mem, p.code);
    in->life_from = arena_strdup(city->mem, p.from);
    in->life_to = arena_strdup(city->mem, p.to);
    in->life_districts = by_district;
    in->life_orgs = by_org;
    in->life_red_max = cfg_int("bulletin-red-max");
    in->life_red_total = red_total;
    return in->life_period && in->life_from && in->life_to ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

/* The organizations established in [from, to] (工委 not counted), by day: "name（district）", at most
 * BULLETIN_NEW_NAMES (the count is the rows' new_orgs). */
static st bulletin_new_names(uc *c, const char *from, const char *to, bulletin_inputs *in, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT o.name, g.name AS district FROM org_event v JOIN org o ON o.id = v.org_id "
                         "LEFT JOIN region g ON g.code = v.district_code "
                         "WHERE v.kind = 'established' AND v.day >= $1 AND v.day <= $2 AND o.kind <> '工委' "
                         "ORDER BY v.day, v.id LIMIT $3",
                         e, "tti", from, to, (int64_t)BULLETIN_NEW_NAMES);
    if (s) return s;
    size_t n = json_array_size(rows);
    const char **names = arena_calloc(c->mem, n ? n : 1, sizeof *names);
    for (size_t i = 0; names && i < n; i++) {
        const json_t *r = json_array_get(rows, i);
        const char *nm = json_string_value(json_object_get(r, "name")), *dn = json_string_value(json_object_get(r, "district"));
        names[i] = dn ? arena_printf(c->mem, "%s（%s）", nm ? nm : "", dn) : arena_strdup(c->mem, nm ? nm : "");
        if (!names[i]) names = NULL;
    }
    json_decref(rows);
    if (!names) return err_set(e, ST_NOMEM, "内存不足。");
    in->new_names = names;
    in->nnew_names = n;
    return ST_OK;
}

/* 印发机关: the setting bulletin-office, else the city's own working committee (the 工委 at the top), else
 * "<city>两新工委"; 抄送: the setting bulletin-cc. */
static void bulletin_print_line(uc *c, bulletin_inputs *in) {
    const char *office = cfg_str("bulletin-office");
    if (!office || !*office) {
        char *top = NULL;
        if (db_query_text(c->d, &top, "SELECT name FROM org WHERE kind = '工委' AND parent_id IS NULL ORDER BY id LIMIT 1", NULL, ""))
            top = NULL;
        office = top && *top ? arena_strdup(c->mem, top) : arena_printf(c->mem, "%s两新工委", in->city_name ? in->city_name : "");
        free(top);
    }
    in->office = office ? office : "";
    const char *cc = cfg_str("bulletin-cc");
    in->cc = cc ? cc : "";
}

/* Everything the 旬 of d is computed from, over the whole city. */
static st bulletin_gather(uc *c, const bulletin_doc *d, bulletin_inputs *in, err *e) {
    uc city = bulletin_city_view(c);
    coverage_row *now = NULL, *before = NULL;
    bulletin_doc *prev = NULL;
    org_district_count *fnd = NULL;
    memset(in, 0, sizeof *in);
    st s = bulletin_districts(c, in, e);
    if (!s) s = coverage_store_figures(&city, d->last_day, COVERAGE_DISTRICT, &now, &in->nnow, e);
    if (!s) {
        st ps = bulletin_stored(c, d->prev_period, &prev, e);
        if (ps == ST_NOT_FOUND) s = coverage_store_figures(&city, d->prev_day, COVERAGE_DISTRICT, &before, &in->nbefore, e);
        else s = ps;
    }
    if (!s) s = bulletin_events(c, "established", d->first_day, d->last_day, &in->established, &in->nestablished, e);
    if (!s) s = bulletin_events(c, "upgraded", d->first_day, d->last_day, &in->upgraded, &in->nupgraded, e);
    if (!s) s = org_store_findings_by_district(&city, d->last_day, &fnd, &in->nfindings, e);
    if (!s) s = bulletin_life_gather(&city, d, in, e);
    if (!s) s = bulletin_new_names(c, d->first_day, d->last_day, in, e);
    in->now = now;
    in->prev = prev;
    in->before = before;
    in->findings = fnd;
    in->city_name = bulletin_city_name(c);
    if (!s) bulletin_print_line(c, in);
    return s;
}

st bulletin_store_compute(uc *c, const org_xun *x, bulletin_doc **out, err *e) {
    bulletin_doc *d = bulletin_new(c->mem, x);
    if (!d) return err_set(e, ST_NOMEM, "内存不足。");
    bulletin_inputs in;
    st s = bulletin_gather(c, d, &in, e);
    if (!s) s = bulletin_assemble(c->mem, d, &in, e);
    if (!s) *out = d;
    return s;
}

st bulletin_store_get(uc *c, const org_xun *x, bulletin_doc **out, err *e) {
    char period[16];
    org_xun_format(x, period);
    st s = bulletin_stored(c, period, out, e);
    return s == ST_NOT_FOUND ? bulletin_store_compute(c, x, out, e) : s;
}

/* ---- issuing ---- */

static st bulletin_not_issued(uc *c, const char *period, err *e) {
    int64_t n = 0;
    st s = db_query_int(c->d, &n, "SELECT COUNT(*) FROM bulletin WHERE period = $1", e, "t", period);
    if (!s && n) s = err_field(e, ST_CONFLICT, "period", "%s 的旬报已经发布过，不能重复发布。", period);
    return s;
}

st bulletin_store_issue(uc *c, const org_xun *x, const char *by, bulletin_doc **out, err *e) {
    char period[16], first[11], last[11], today[11];
    org_xun_format(x, period);
    org_xun_first(x, first);
    org_xun_last(x, last);
    clock_day(clock_now(), today);   /* the clock tests can move (test-clock-file) */
    if (strcmp(last, today) >= 0)
        return err_field(e, ST_INVALID, "period", "%s 尚未结束（截至 %s），旬报须在该旬结束后发布；可先预览。", period, last);
    /* Compute first, outside the write transaction: at a province's size it
     * takes seconds, and SQLite would hold every other writer meanwhile. */
    bulletin_doc *d = NULL;
    st s = bulletin_not_issued(c, period, e);
    if (!s) s = bulletin_store_compute(c, x, &d, e);
    char *txt = NULL;
    if (!s) {
        json_t *j = bulletin_to_json(d);
        txt = j ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);
        if (!txt || !arena_own(c->mem, txt)) s = err_set(e, ST_NOMEM, "内存不足。");
    }
    if (s) return s;
    if ((s = uc_begin(c, e))) return s;
    s = bulletin_not_issued(c, period, e);
    /* another server's schedule may have issued it since: then nothing is inserted, and nothing audited */
    char *got = NULL;
    if (!s)
        s = db_query_text(c->d, &got, "INSERT INTO bulletin(period, first_day, last_day, data, issued_by, issued_at) "
                                      "VALUES ($1, $2, $3, $4, $5, {{NOW}}) ON CONFLICT (period) DO NOTHING RETURNING period",
                          e, "ttttt", period, first, last, txt, by ? by : "-");
    free(got);
    if (s == ST_NOT_FOUND) s = err_field(e, ST_CONFLICT, "period", "%s 的旬报已经发布过，不能重复发布。", period);
    uc_act a = {"bulletin.issue", arena_printf(c->mem, "bulletin:%s", period),
                arena_printf(c->mem, "发布%s旬报（全市覆盖率 %.1f%%）", d->title, d->city.rate)};
    if ((s = uc_end(c, s, &a, e))) return s;
    return bulletin_stored(c, period, out, e);
}

st bulletin_store_exported(uc *c, const bulletin_doc *d, const char *format, err *e) {
    uc_act a = {"bulletin.export", arena_printf(c->mem, "bulletin:%s", d->period),
                arena_printf(c->mem, "导出%s旬报（%s%s）", d->title, format, d->issued ? "" : "，预览")};
    return uc_audit(c, &a, e);
}

/* ---- the list ---- */

/* A summary line of an issued bulletin: its title and the city's figures, not the whole table. */
static void bulletin_list_line(uc *c, json_t *row) {
    json_t *j = json_loads(json_string_value(json_object_get(row, "data")), 0, NULL);
    bulletin_doc *d = NULL;
    err e;
    if (j && !bulletin_from_json(c->mem, j, &d, &e)) {
        json_object_set_new(row, "title", json_string(d->title));
        json_object_set_new(row, "city", bulletin_line_json(&d->city, false));
    }
    json_decref(j);
    json_object_del(row, "data");
}

st bulletin_store_list(uc *c, const char *year, const uc_page *pg, json_t **items, int64_t *total, err *e) {
    st s = db_query_int(c->d, total, "SELECT COUNT(*) FROM bulletin WHERE CAST($1 AS TEXT) IS NULL OR period LIKE $1 || '-%'",
                        e, "t", year);
    if (s) return s;
    const char *sql = arena_printf(c->mem,
                                   "SELECT * FROM (SELECT period, first_day, last_day, issued_by, issued_at, data FROM bulletin "
                                   "WHERE CAST($1 AS TEXT) IS NULL OR period LIKE $1 || '-%%') q ORDER BY %s LIMIT $2 OFFSET $3",
                                   pg->order ? pg->order : "q.period DESC");
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    json_t *rows = NULL;
    if ((s = db_query_json(c->d, &rows, sql, e, "tii", year, pg->limit, pg->offset))) return s;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) bulletin_list_line(c, row);
    *items = rows;
    return ST_OK;
}

st bulletin_store_newest(uc *c, const char **period, err *e) {
    char *p = NULL;
    *period = NULL;
    st s = db_query_text(c->d, &p, "SELECT MAX(period) FROM bulletin", e, "");
    if (s == ST_NOT_FOUND) return ST_OK;
    if (!s && p && *p) *period = arena_strdup(c->mem, p);   /* MAX() of no rows: NULL, read as "" */
    free(p);
    return s;
}
