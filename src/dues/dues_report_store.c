/* dues_report_store — the dues reports, the arrears warning and the scorecard's
 * dues section (see dues_report_store.h).  Reads only; all of its SQL is here. */
#include "dues/dues_report_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/scope.h"
#include "base/clock.h"
#include "core/arena.h"
#include "core/config.h"
#include "db/db.h"
#include "dues/dues.h"
#include "meeting/meeting_store.h"
#include "member/member_store.h"

/* the sheets inside the caller's scope ($1, $2), the months $3..$4, a district ($5), an
   organization ($6) with those below it, or its own sheet only ($7 = 1) */
#define DR_WHERE                                                                                                           \
    "WHERE s.month >= $3 AND s.month <= $4 AND "                                                                       \
    SCOPE_COND("$1", "$2", "s.district_code", "s.park_code", "s.org_path", "NULL", "NULL")                              \
    " AND (CAST($5 AS TEXT) IS NULL OR s.district_code = $5)"                                                            \
    " AND (CAST($6 AS BIGINT) = 0 OR (CAST($7 AS BIGINT) = 1 AND s.org_id = $6)"                                        \
    " OR (CAST($7 AS BIGINT) = 0 AND s.org_path LIKE '%/' || CAST($6 AS TEXT) || '/%'))"
#define DR_SUMS                                                                                                            \
    "COUNT(*) AS sheets, CAST(COALESCE(SUM(s.members), 0) AS BIGINT) AS members, "                                     \
    "CAST(COALESCE(SUM(s.due_fen), 0) AS BIGINT) AS due_fen, CAST(COALESCE(SUM(s.paid_fen), 0) AS BIGINT) AS paid_fen, " \
    "CAST(COALESCE(SUM(s.due_fen - s.paid_fen), 0) AS BIGINT) AS owed_fen, "                                              \
    "CAST(COALESCE(SUM(s.paid_members), 0) AS BIGINT) AS paid_members, CAST(COALESCE(SUM(s.nobase), 0) AS BIGINT) AS nobase, " \
    "CASE WHEN COALESCE(SUM(s.due_fen), 0) = 0 THEN 1.0 ELSE 1.0 * SUM(s.paid_fen) / SUM(s.due_fen) END AS rate"

static const char *dr_nz(const char *s) { return s && *s ? s : NULL; }

static void dr_money(json_t *it, const char *key_fen, const char *key) {
    char b[32];
    dues_fen_format(json_integer_value(json_object_get(it, key_fen)), b);
    json_object_set_new(it, key, json_string(b));
}

/* the figures in 元 and the rate in words beside the fen (the screen and the workbook) */
static void dr_words(json_t *it) {
    dr_money(it, "due_fen", "due");
    dr_money(it, "paid_fen", "paid");
    dr_money(it, "owed_fen", "owed");
    int bp = dues_rate_bp(json_integer_value(json_object_get(it, "paid_fen")), json_integer_value(json_object_get(it, "due_fen")));
    char r[16];
    snprintf(r, sizeof r, "%d.%d%%", bp / 100, (bp % 100) / 10);
    json_object_set_new(it, "rate_text", json_string(r));
}

st dues_report_store_report(uc *c, const dues_period *p, const char *by, const dues_report_filter *f, const uc_page *pg,
                            json_t **items, int64_t *total, json_t **sum, err *e) {
    *items = *sum = NULL;
    *total = 0;
    const char *k, *code;
    scope_bind(c, &k, &code);
    int64_t own = f->own ? 1 : 0;
    const char *dist = dr_nz(f->district);
    json_t *sums = NULL;
    st s = db_query_json(c->d, &sums, "SELECT " DR_SUMS " FROM dues_sheet s " DR_WHERE, e, "tttttii", k, code, p->from, p->to, dist,
                         f->org_id, own);
    if (s) return s;
    *sum = arena_json(c->mem, json_incref(json_array_get(sums, 0)));
    json_decref(sums);
    if (!*sum) return err_set(e, ST_NOMEM, "内存不足。");
    dr_words(*sum);
    const char *inner;
    if (!strcmp(by, "city")) {
        inner = "SELECT 'city' AS code, '合计' AS name, CAST(NULL AS TEXT) AS district_code, CAST(NULL AS TEXT) AS district_name, "
                "0 AS org_id, " DR_SUMS " FROM dues_sheet s " DR_WHERE;
    } else if (!strcmp(by, "district")) {
        inner = "SELECT COALESCE(s.district_code, '') AS code, COALESCE(r.name, '未划分区') AS name, s.district_code, "
                "r.name AS district_name, 0 AS org_id, " DR_SUMS " FROM dues_sheet s LEFT JOIN region r ON r.code = s.district_code "
                DR_WHERE " GROUP BY s.district_code, r.name";
    } else {
        inner = "SELECT CAST(s.org_id AS TEXT) AS code, o.name, o.district_code, r.name AS district_name, s.org_id, " DR_SUMS
                " FROM dues_sheet s JOIN org o ON o.id = s.org_id LEFT JOIN region r ON r.code = o.district_code "
                DR_WHERE " GROUP BY s.org_id, o.name, o.district_code, r.name";
    }
    if (!strcmp(by, "city")) *total = 1;
    else if ((s = db_query_int(c->d, total, arena_printf(c->mem, "SELECT COUNT(*) FROM (%s) q", inner), e, "tttttii", k, code, p->from,
                               p->to, dist, f->org_id, own)))
        return s;
    const char *sql = arena_printf(c->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $8 OFFSET $9", inner,
                                   pg && pg->order ? pg->order : "q.code");
    if ((s = db_query_json(c->d, items, sql, e, "tttttiiii", k, code, p->from, p->to, dist, f->org_id, own, pg ? pg->limit : 50,
                           pg ? pg->offset : 0)))
        return s;
    if (!arena_json(c->mem, *items)) return err_set(e, ST_NOMEM, "内存不足。");
    size_t i;
    json_t *it;
    json_array_foreach(*items, i, it) {
        dr_words(it);
        /* the sheets behind the row */
        const char *drill;
        if (!strcmp(by, "org"))
            drill = arena_printf(c->mem, "period=%s&org_id=%lld&own=1", p->code, (long long)json_integer_value(json_object_get(it, "org_id")));
        else if (!strcmp(by, "district"))
            drill = arena_printf(c->mem, "period=%s&district=%s%s", p->code, json_string_value(json_object_get(it, "code")),
                                 f->org_id ? arena_printf(c->mem, "&org_id=%lld", (long long)f->org_id) : "");
        else
            drill = arena_printf(c->mem, "period=%s%s%s%s%s", p->code, dist ? "&district=" : "", dist ? dist : "",
                                 f->org_id ? "&org_id=" : "", f->org_id ? arena_printf(c->mem, "%lld", (long long)f->org_id) : "");
        json_object_set_new(it, "drill", json_string(drill));
    }
    return ST_OK;
}

st dues_report_store_sheets(uc *c, const dues_period *p, const dues_report_filter *f, const uc_page *pg, json_t **items,
                            int64_t *total, err *e) {
    *items = NULL;
    const char *k, *code;
    scope_bind(c, &k, &code);
    int64_t own = f->own ? 1 : 0;
    const char *dist = dr_nz(f->district);
    st s = db_query_int(c->d, total, "SELECT COUNT(*) FROM dues_sheet s " DR_WHERE, e, "tttttii", k, code, p->from, p->to, dist, f->org_id,
                        own);
    if (s) return s;
    const char *sql = arena_printf(
        c->mem,
        "SELECT * FROM (SELECT s.id, s.org_id, o.name AS org_name, s.district_code, r.name AS district_name, s.month, s.members, "
        "s.due_fen, s.paid_fen, s.due_fen - s.paid_fen AS owed_fen, s.paid_members, s.nobase, "
        "CASE WHEN s.due_fen = 0 THEN 1.0 ELSE 1.0 * s.paid_fen / s.due_fen END AS rate, s.made_at "
        "FROM dues_sheet s JOIN org o ON o.id = s.org_id LEFT JOIN region r ON r.code = s.district_code %s"
        ") q ORDER BY %s LIMIT $8 OFFSET $9",
        DR_WHERE, pg && pg->order ? pg->order : "q.month DESC, q.org_id");
    if ((s = db_query_json(c->d, items, sql, e, "tttttiiii", k, code, p->from, p->to, dist, f->org_id, own, pg ? pg->limit : 50,
                           pg ? pg->offset : 0)))
        return s;
    if (!arena_json(c->mem, *items)) return err_set(e, ST_NOMEM, "内存不足。");
    size_t i;
    json_t *it;
    json_array_foreach(*items, i, it) dr_words(it);
    return ST_OK;
}

/* ---- arrears (自行脱党预警) ---- */

static void dr_this_month(char out[8]) {
    char today[11];
    clock_day(clock_now(), today);
    snprintf(out, 8, "%.7s", today);
}

typedef struct dr_person {
    int64_t id;
    const char *name, *category;
    char *dues, *life;                 /* the window's marks */
    json_t *lines, *months;            /* the records behind them, by month index */
} dr_person;

static int dr_cmp(const void *a, const void *b) {
    int64_t x = ((const dr_person *)a)->id, y = ((const dr_person *)b)->id;
    return x < y ? -1 : x > y;
}
static dr_person *dr_find(dr_person *v, size_t n, int64_t id) {
    dr_person key = {.id = id};
    return bsearch(&key, v, n, sizeof *v, dr_cmp);
}

st dues_report_store_arrears(uc *c, int64_t org_id, json_t **out, err *e) {
    *out = NULL;
    st s = scope_check_id(c, "org", org_id, e);
    if (s) return s;
    int need = (int)cfg_int("dues-arrears-months");
    int w = need * 2 > 12 ? need * 2 : 12;
    char this_month[8], last[8], from[8], today[11], from_day[11], to_day[11];
    dr_this_month(this_month);
    dues_month_add(this_month, -1, last);
    dues_month_add(last, -(w - 1), from);
    clock_day(clock_now(), today);
    snprintf(from_day, sizeof from_day, "%s-01", from);
    dues_month_last_day(last, to_day);
    char *org_name = NULL;
    if ((s = db_query_text(c->d, &org_name, "SELECT name FROM org WHERE id = $1", e, "i", org_id))) return s;
    arena_own(c->mem, org_name);

    /* the organization's members as of today, in the party */
    member_standing *roll = NULL;
    size_t n = 0;
    if ((s = member_store_roll(c, org_id, today, &roll, &n, e))) return s;
    dr_person *v = arena_calloc(c->mem, n ? n : 1, sizeof *v);
    if (!v) return err_set(e, ST_NOMEM, "内存不足。");
    for (size_t i = 0; i < n; i++) {
        v[i].id = roll[i].person_id;
        v[i].name = roll[i].name;
        v[i].category = roll[i].category;
        v[i].dues = arena_calloc(c->mem, (size_t)w + 1, 1);
        v[i].life = arena_calloc(c->mem, (size_t)w + 1, 1);
        if (!v[i].dues || !v[i].life) return err_set(e, ST_NOMEM, "内存不足。");
        memset(v[i].dues, DUES_MARK_NONE, (size_t)w);
        memset(v[i].life, DUES_MARK_NONE, (size_t)w);
        v[i].lines = arena_json(c->mem, json_object());
        v[i].months = arena_json(c->mem, json_object());
    }
    qsort(v, n, sizeof *v, dr_cmp);

    /* their months of dues: the lines of the organization's own sheets, month by month (each one
       probe of the sheet's key (month, org_id), then its lines by their key); a month without a
       line here (no sheet, or the member was elsewhere then) does not count.  A month paid in
       advance is a paid line once the sheet is made, so the lines say it all. */
    size_t i;
    json_t *r;
    for (int k = 0; k < w; k++) {
        char m[8];
        dues_month_add(from, k, m);
        json_t *lines = NULL;
        if ((s = db_query_json(c->d, &lines,
                               "SELECT l.person_id, l.state, l.due_fen, l.org_id FROM dues_sheet sh JOIN dues_line l ON l.sheet_id = sh.id "
                               "WHERE sh.month = $1 AND sh.org_id = $2",
                               e, "ti", m, org_id)))
            return s;
        arena_json(c->mem, lines);
        json_array_foreach(lines, i, r) {
            dr_person *x = dr_find(v, n, json_integer_value(json_object_get(r, "person_id")));
            if (!x) continue;
            x->dues[k] = dues_mark_dues(json_string_value(json_object_get(r, "state")), json_integer_value(json_object_get(r, "due_fen")), false);
            json_object_set(x->lines, m, r);
        }
    }

    /* their organizational life: the organization's held meetings they were expected at */
    json_t *life = NULL;
    if ((s = meeting_store_life_months(c, org_id, from_day, to_day, &life, e))) return s;
    json_array_foreach(life, i, r) {
        dr_person *x = dr_find(v, n, json_integer_value(json_object_get(r, "person_id")));
        const char *m = json_string_value(json_object_get(r, "month"));
        if (!x || !m || !dues_month_valid(m)) continue;
        int k = dues_month_diff(from, m);
        if (k < 0 || k >= w) continue;
        x->life[k] = dues_mark_life(json_integer_value(json_object_get(r, "expected")), json_integer_value(json_object_get(r, "attended")),
                                    json_integer_value(json_object_get(r, "excused")));
        json_object_set(x->months, m, r);
    }

    json_t *items = json_array();
    for (size_t j = 0; j < n; j++) {
        dr_person *x = &v[j];
        json_t *reasons = json_array();
        for (int which = 0; which < 2; which++) {
            int first, len;
            if (!dues_arrears_run(which ? x->life : x->dues, w, need, &first, &len)) continue;
            char fm[8], lm[8];
            dues_month_add(from, first, fm);
            dues_month_add(from, first + len - 1, lm);
            json_t *recs = json_array();
            for (int k = first; k < first + len; k++) {
                char m[8];
                dues_month_add(from, k, m);
                json_t *src = json_object_get(which ? x->months : x->lines, m);
                json_t *rec = which ? json_pack("{s:s,s:I,s:I,s:I,s:s}", "month", m, "expected",
                                                (json_int_t)json_integer_value(json_object_get(src, "expected")), "attended",
                                                (json_int_t)json_integer_value(json_object_get(src, "attended")), "excused",
                                                (json_int_t)json_integer_value(json_object_get(src, "excused")), "link",
                                                arena_printf(c->mem, "/meetings?org_id=%lld&own=1&state=held&from=%s-01&to=%s",
                                                             (long long)org_id, m, (dues_month_last_day(m, to_day), to_day)))
                                    : json_pack("{s:s,s:s,s:I,s:I,s:s}", "month", m, "state",
                                                json_string_value(json_object_get(src, "state")) ? json_string_value(json_object_get(src, "state")) : "",
                                                "due_fen", (json_int_t)json_integer_value(json_object_get(src, "due_fen")), "org_id",
                                                (json_int_t)json_integer_value(json_object_get(src, "org_id")), "link",
                                                arena_printf(c->mem, "/dues/reports/sheets?period=%s&org_id=%lld&own=1", m,
                                                             (long long)json_integer_value(json_object_get(src, "org_id"))));
                if (rec && !which) {
                    char b[32];
                    dues_fen_format(json_integer_value(json_object_get(src, "due_fen")), b);
                    json_object_set_new(rec, "due", json_string(b));
                }
                json_array_append_new(recs, rec);
            }
            json_array_append_new(reasons, json_pack("{s:s,s:s,s:s,s:s,s:i,s:o}", "reason", which ? "life" : "dues", "label",
                                                     which ? "连续未参加党的组织生活" : "连续未交纳党费", "first_month", fm,
                                                     "last_month", lm, "months", len, "records", recs));
        }
        if (!json_array_size(reasons)) {
            json_decref(reasons);
            continue;
        }
        json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:o,s:s,s:s}", "person_id", (json_int_t)x->id, "name", x->name ? x->name : "",
                                               "category", x->category ? x->category : "", "reasons", reasons, "dues_marks", x->dues,
                                               "life_marks", x->life));
    }
    *out = json_pack("{s:I,s:s,s:i,s:s,s:s,s:o,s:I,s:s}", "org_id", (json_int_t)org_id, "org_name", org_name ? org_name : "", "need",
                     need, "from", from, "to", last, "items", items, "total", (json_int_t)json_array_size(items), "note",
                     arena_printf(c->mem,
                                  "党员连续%d个月不交纳党费或不参加党的组织生活，又无正当理由的，按自行脱党处理须由支部大会讨论决定，"
                                  "报上级党组织批准；本名单只是提醒，系统不会改变任何人的党籍。",
                                  need));
    if (!*out || !arena_json(c->mem, *out)) return err_set(e, ST_NOMEM, "内存不足。");
    return ST_OK;
}

st dues_report_store_arrears_count(uc *c, int64_t *n, err *e) {
    *n = 0;
    if (!c->who.scope_kind || strcmp(c->who.scope_kind, "org") || !c->who.scope_code) return ST_OK;
    int64_t org = strtoll(c->who.scope_code, NULL, 10);
    if (org <= 0) return ST_OK;
    json_t *o = NULL;
    st s = dues_report_store_arrears(c, org, &o, e);
    if (!s) *n = json_integer_value(json_object_get(o, "total"));
    return s;
}

/* ---- the scorecard's section ---- */

st dues_report_store_scorecard(uc *c, int64_t org_id, const meeting_period *p, json_t **out, err *e) {
    *out = NULL;
    char month[8], year0[8];
    dr_this_month(month);
    if (strncmp(p->to, month, 7) < 0) snprintf(month, sizeof month, "%.7s", p->to);
    snprintf(year0, sizeof year0, "%.4s-01", month);
    dues_period pm = {.kind = 'm'}, py = {.kind = 'y'};
    snprintf(pm.code, sizeof pm.code, "%s", month);
    snprintf(pm.from, sizeof pm.from, "%s", month);
    snprintf(pm.to, sizeof pm.to, "%s", month);
    snprintf(py.code, sizeof py.code, "%.4s", month);
    snprintf(py.from, sizeof py.from, "%s", year0);
    snprintf(py.to, sizeof py.to, "%s", month);
    dues_report_filter f = {.org_id = org_id};
    const char *k, *code;
    scope_bind(c, &k, &code);
    json_t *m = NULL, *y = NULL;
    st s = db_query_json(c->d, &m,
                         "SELECT " DR_SUMS ", CAST(COALESCE(SUM(s.members - s.paid_members - s.nobase), 0) AS BIGINT) AS owing "
                         "FROM dues_sheet s " DR_WHERE,
                         e, "tttttii", k, code, pm.from, pm.to, NULL, f.org_id, (int64_t)0);
    if (!s) s = db_query_json(c->d, &y, "SELECT " DR_SUMS " FROM dues_sheet s " DR_WHERE, e, "tttttii", k, code, py.from, py.to, NULL,
                              f.org_id, (int64_t)0);
    arena_json(c->mem, m);
    arena_json(c->mem, y);
    if (s) return s;
    json_t *mo = json_array_get(m, 0), *yo = json_array_get(y, 0);
    if (!mo || !yo) return err_set(e, ST_NOMEM, "内存不足。");
    dr_words(mo);
    dr_words(yo);
    json_object_set_new(mo, "period", json_string(pm.code));
    json_object_set_new(yo, "period", json_string(py.code));
    json_object_set_new(mo, "drill", json_string(arena_printf(c->mem, "period=%s&org_id=%lld", pm.code, (long long)org_id)));
    json_object_set_new(yo, "drill", json_string(arena_printf(c->mem, "period=%s&org_id=%lld", py.code, (long long)org_id)));
    json_t *a = NULL;
    if ((s = dues_report_store_arrears(c, org_id, &a, e))) return s;
    *out = json_pack("{s:O,s:O,s:I,s:I}", "month", mo, "year", yo, "owing", (json_int_t)json_integer_value(json_object_get(mo, "owing")),
                     "at_risk", (json_int_t)json_integer_value(json_object_get(a, "total")));
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}
