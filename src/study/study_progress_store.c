/* study_progress_store — the SQL of the study-hours figures (study_progress_store.h). */
#include "study/study_progress_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/scope.h"
#include "core/arena.h"
#include "member/member_store.h"
#include "member/tally.h"
#include "study/study_credit.h"
#include "study/study_progress.h"

#define SP_FACTS                                                                                             \
    "SELECT m.org_id, CASE WHEN " STUDY_COUNTED_SQL("m") " THEN 1 ELSE 0 END, CASE WHEN " STUDY_LEAD_SQL( \
        "m", "o", "p") " THEN 1 ELSE 0 END FROM member m JOIN org o ON o.id = m.org_id JOIN person p ON p.id = m.person_id " \
                       "WHERE m.person_id = $1"

/* The member's organization, whether they count, whether they lead; found false when no member. */
static st sp_facts(db *d, int64_t person, bool *found, int64_t *org, bool *counted, bool *lead, err *e) {
    *found = *counted = *lead = false;
    *org = 0;
    db_stmt *q;
    st s = db_prepare(d, SP_FACTS, &q, e);
    if (s) return s;
    db_bind_int(q, 1, person);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        *found = true;
        *org = db_col_int(q, 0);
        *counted = db_col_int(q, 1) != 0;
        *lead = db_col_int(q, 2) != 0;
    }
    db_reset(q);
    return r == DB_ERROR ? e->code : ST_OK;
}

/* An organization's district row (study_dist_*, migration 0080): its district ('' for none) and slot, from $1. */
#define SP_DIST "(SELECT COALESCE(o.district_code, '') FROM org o WHERE o.id = CAST($1 AS BIGINT)), CAST(CAST($1 AS BIGINT) % 8 AS INTEGER)"

static st sp_add_org(db *d, int64_t org, int64_t year, int64_t reached, int64_t minutes, err *e) {
    st s = db_run(d,
                  "INSERT INTO study_org_year(org_id, year, reached, minutes) VALUES ($1, $2, $3, $4) "
                  "ON CONFLICT (org_id, year) DO UPDATE SET reached = study_org_year.reached + excluded.reached, "
                  "minutes = study_org_year.minutes + excluded.minutes",
                  e, "iiii", org, year, reached, minutes);
    if (!s)
        s = db_run(d,
                   "INSERT INTO study_dist_year(district_code, slot, year, reached, minutes) VALUES (" SP_DIST ", $2, $3, $4) "
                   "ON CONFLICT (district_code, year, slot) DO UPDATE SET reached = study_dist_year.reached + excluded.reached, "
                   "minutes = study_dist_year.minutes + excluded.minutes",
                   e, "iiii", org, year, reached, minutes);
    return s;
}

/* minutes of a category added to an organization's year and to its district's */
static st sp_add_cat(db *d, int64_t org, int64_t year, const char *category, int64_t minutes, err *e) {
    st s = db_run(d,
                  "INSERT INTO study_org_cat(org_id, year, category, minutes) VALUES ($1, $2, $3, $4) "
                  "ON CONFLICT (org_id, year, category) DO UPDATE SET minutes = study_org_cat.minutes + excluded.minutes",
                  e, "iiti", org, year, category, minutes);
    if (!s)
        s = db_run(d,
                   "INSERT INTO study_dist_cat(district_code, slot, year, category, minutes) VALUES (" SP_DIST ", $2, $3, $4) "
                   "ON CONFLICT (district_code, year, category, slot) DO UPDATE SET minutes = study_dist_cat.minutes + excluded.minutes",
                   e, "iiti", org, year, category, minutes);
    return s;
}

/* A member's year of credits, by category, added to (sign 1) or taken from (sign -1) an organization and its district. */
static st sp_member_cats(uc *c, int64_t person, int64_t year, int64_t org, int sign, err *e) {
    json_t *cats = NULL;
    st s = db_query_json(c->d, &cats,
                         "SELECT category, CAST(SUM(minutes) AS BIGINT) AS minutes FROM study_credit WHERE person_id = $1 AND year = $2 "
                         "GROUP BY category",
                         e, "ii", person, year);
    arena_json(c->mem, cats);
    size_t i;
    json_t *o;
    json_array_foreach(cats, i, o) {
        if (s) break;
        s = sp_add_cat(c->d, org, year, json_string_value(json_object_get(o, "category")),
                       sign * json_integer_value(json_object_get(o, "minutes")), e);
    }
    return s;
}

st study_progress_store_credit(uc *c, int64_t person, int year, const char *category, int64_t minutes, err *e) {
    int64_t total = 0, filed = 0, was = 0;
    db_stmt *q;
    st s = db_prepare(c->d, "SELECT minutes, COALESCE(org_id, 0), reached FROM study_year WHERE person_id = $1 AND year = $2", &q, e);
    if (s) return s;
    db_bind_int(q, 1, person);
    db_bind_int(q, 2, year);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        total = db_col_int(q, 0);
        filed = db_col_int(q, 1);
        was = db_col_int(q, 2);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return ST_OK;
    bool found, counted, lead;
    int64_t org;
    if ((s = sp_facts(c->d, person, &found, &org, &counted, &lead, e))) return s;
    bool first = total == minutes;
    int64_t target = first ? (found && counted ? org : 0) : filed;
    if (!target) return ST_OK;
    int64_t now = total >= study_progress_required(lead) ? 1 : 0;
    if (first) was = 0;
    if (first || now != was)
        s = db_run(c->d, "UPDATE study_year SET org_id = $1, reached = $2 WHERE person_id = $3 AND year = $4", e, "iiii", target, now,
                   person, (int64_t)year);
    if (!s) s = sp_add_org(c->d, target, year, now - was, minutes, e);
    if (!s) s = sp_add_cat(c->d, target, year, category, minutes, e);
    return s;
}

st study_progress_store_refile(uc *c, int64_t person, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, "SELECT year, COALESCE(org_id, 0) AS org_id, reached, minutes FROM study_year WHERE person_id = $1",
                         e, "i", person);
    if (s) return s;
    arena_json(c->mem, rows);
    bool found, counted, lead;
    int64_t org;
    if ((s = sp_facts(c->d, person, &found, &org, &counted, &lead, e))) return s;
    int64_t target = found && counted ? org : 0;
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o) {
        int64_t year = json_integer_value(json_object_get(o, "year"));
        int64_t filed = json_integer_value(json_object_get(o, "org_id"));
        int64_t was = json_integer_value(json_object_get(o, "reached"));
        int64_t min = json_integer_value(json_object_get(o, "minutes"));
        int64_t now = target && min >= study_progress_required(lead) ? 1 : 0;
        if (filed == target && was == now) continue;
        if (filed) {
            s = sp_add_org(c->d, filed, year, -was, -min, e);
            if (!s) s = sp_member_cats(c, person, year, filed, -1, e);
        }
        if (!s)
            s = db_run(c->d, "UPDATE study_year SET org_id = NULLIF($1, 0), reached = $2 WHERE person_id = $3 AND year = $4", e, "iiii",
                       target, now, person, year);
        if (!s && target) s = sp_add_org(c->d, target, year, now, min, e);
        if (!s && target) s = sp_member_cats(c, person, year, target, 1, e);
        if (s) return s;
    }
    return ST_OK;
}

/* The rows between lo and hi of a range: each statement bounded (SQLite 3.40 fails a statement whose
 * journal spills after others spilled, "database or disk is full": src/db/db_sqlite.c). */
enum { SP_CHUNK = 20000 };

st study_progress_store_rebuild(db *d, err *e) {
    int64_t req = study_progress_required(false), lead = study_progress_required(true);
    int64_t p0 = 0, p1 = 0, o1 = 0;
    st s = db_exec(d,
                   "DELETE FROM study_dist_cat; DELETE FROM study_dist_year; DELETE FROM study_org_cat; DELETE FROM study_org_year; "
                   "DELETE FROM study_progress_basis",
                   e);
    if (!s) s = db_query_int(d, &p0, "SELECT COALESCE(MIN(person_id), 0) FROM study_year", e, "");
    if (!s) s = db_query_int(d, &p1, "SELECT COALESCE(MAX(person_id), 0) FROM study_year", e, "");
    /* each member's year filed where they count now, and whether it reached their requirement */
    for (int64_t lo = p0; !s && lo <= p1; lo += SP_CHUNK) {
        s = db_run(d,
                   "UPDATE study_year SET reached = 0, org_id = (SELECT m.org_id FROM member m WHERE m.person_id = study_year.person_id "
                   "AND " STUDY_COUNTED_SQL("m") ") WHERE person_id >= $1 AND person_id < $2",
                   e, "ii", lo, lo + SP_CHUNK);
        if (!s)
            s = db_run(d,
                       "UPDATE study_year SET reached = 1 WHERE person_id >= $3 AND person_id < $4 AND org_id IS NOT NULL AND minutes >= "
                       "(SELECT CASE WHEN " STUDY_LEAD_SQL("m", "o", "p") " THEN CAST($2 AS BIGINT) ELSE CAST($1 AS BIGINT) END "
                       "FROM member m JOIN org o ON o.id = m.org_id JOIN person p ON p.id = m.person_id "
                       "WHERE m.person_id = study_year.person_id)",
                       e, "iiii", req, lead, lo, lo + SP_CHUNK);
    }
    /* the organizations' sums, a range of organizations at a time */
    if (!s) s = db_query_int(d, &o1, "SELECT COALESCE(MAX(id), 0) FROM org", e, "");
    for (int64_t lo = 0; !s && lo <= o1; lo += SP_CHUNK) {
        s = db_run(d,
                   "INSERT INTO study_org_year(org_id, year, reached, minutes) SELECT org_id, year, SUM(reached), SUM(minutes) "
                   "FROM study_year WHERE org_id >= $1 AND org_id < $2 GROUP BY org_id, year",
                   e, "ii", lo, lo + SP_CHUNK);
        if (!s)
            s = db_run(d,
                       "INSERT INTO study_org_cat(org_id, year, category, minutes) SELECT y.org_id, k.year, k.category, SUM(k.minutes) "
                       "FROM study_year y JOIN study_credit k ON k.person_id = y.person_id AND k.year = y.year "
                       "WHERE y.org_id >= $1 AND y.org_id < $2 GROUP BY y.org_id, k.year, k.category",
                       e, "ii", lo, lo + SP_CHUNK);
    }
    /* the districts' sums from the organizations' (the same statements as migration 0080) */
    if (!s)
        s = db_exec(d,
                    "INSERT INTO study_dist_year(district_code, year, slot, reached, minutes) "
                    "SELECT COALESCE(o.district_code, ''), y.year, CAST(y.org_id % 8 AS INTEGER), SUM(y.reached), SUM(y.minutes) "
                    "FROM study_org_year y JOIN org o ON o.id = y.org_id "
                    "GROUP BY COALESCE(o.district_code, ''), y.year, CAST(y.org_id % 8 AS INTEGER); "
                    "INSERT INTO study_dist_cat(district_code, year, category, slot, minutes) "
                    "SELECT COALESCE(o.district_code, ''), k.year, k.category, CAST(k.org_id % 8 AS INTEGER), SUM(k.minutes) "
                    "FROM study_org_cat k JOIN org o ON o.id = k.org_id "
                    "GROUP BY COALESCE(o.district_code, ''), k.year, k.category, CAST(k.org_id % 8 AS INTEGER)",
                    e);
    if (!s)
        s = db_run(d, "INSERT INTO study_progress_basis(id, required, required_lead) VALUES (1, $1, $2)", e, "ii", req, lead);
    return s;
}

st study_progress_store_upgrade(db *d, int64_t *rows, err *e) {
    *rows = 0;
    int64_t n = 0;
    st s = db_query_int(d, &n, "SELECT COUNT(*) FROM study_progress_basis WHERE id = 1 AND required = $1 AND required_lead = $2", e,
                        "ii", study_progress_required(false), study_progress_required(true));
    if (s || n) return s;
    if ((s = db_begin(d, e))) return s;
    s = study_progress_store_rebuild(d, e);
    if (!s) s = db_query_int(d, rows, "SELECT COUNT(*) FROM study_year WHERE org_id IS NOT NULL", e, "");
    if (s) {
        db_rollback(d);
        return s;
    }
    return db_commit(d, e);
}

/* ---- reading ---- */

st study_progress_store_unit_of(uc *c, study_unit *u, err *e) {
    memset(u, 0, sizeof *u);
    const char *k = c->who.scope_kind ? c->who.scope_kind : "city";
    if (!strcmp(k, "city")) u->kind = "city";
    else if (!strcmp(k, "district") || !strcmp(k, "park")) {
        u->kind = !strcmp(k, "district") ? "district" : "park";
        u->code = c->who.scope_code;
    } else if (!strcmp(k, "org") && c->who.scope_code) {
        u->kind = "org";
        u->org_id = strtoll(c->who.scope_code, NULL, 10);
    } else
        return err_set(e, ST_FORBIDDEN, "学时完成情况只对全市、区、园区和党组织的管理人员开放。");
    return ST_OK;
}

/* The unit's condition over an org row O / a member row M; $1 the code, $2 the organization (text). */
static const char *sp_cond_org(uc *c, const study_unit *u, const char *O) {
    if (!strcmp(u->kind, "district"))
        return arena_printf(c->mem, "%s.district_code = CAST($1 AS TEXT) AND CAST($2 AS TEXT) IS NOT NULL", O);
    if (!strcmp(u->kind, "park")) return arena_printf(c->mem, "%s.park_code = CAST($1 AS TEXT) AND CAST($2 AS TEXT) IS NOT NULL", O);
    if (!strcmp(u->kind, "org"))
        return arena_printf(c->mem, "%s.path LIKE '%%/' || CAST($2 AS TEXT) || '/%%' AND CAST($1 AS TEXT) IS NOT NULL", O);
    return "CAST($1 AS TEXT) IS NOT NULL AND CAST($2 AS TEXT) IS NOT NULL";
}

static const char *sp_cond_member(uc *c, const study_unit *u, bool own, const char *M) {
    if (!strcmp(u->kind, "district"))
        return arena_printf(c->mem, "%s.district_code = CAST($1 AS TEXT) AND CAST($2 AS TEXT) IS NOT NULL", M);
    if (!strcmp(u->kind, "park")) return arena_printf(c->mem, "%s.park_code = CAST($1 AS TEXT) AND CAST($2 AS TEXT) IS NOT NULL", M);
    if (!strcmp(u->kind, "org") && own)
        return arena_printf(c->mem, "%s.org_id = CAST(CAST($2 AS TEXT) AS BIGINT) AND CAST($1 AS TEXT) IS NOT NULL", M);
    if (!strcmp(u->kind, "org"))
        return arena_printf(c->mem,
                            "%s.org_id IN (SELECT x.id FROM org x WHERE x.path LIKE '%%/' || CAST($2 AS TEXT) || '/%%') "
                            "AND CAST($1 AS TEXT) IS NOT NULL",
                            M);
    return "CAST($1 AS TEXT) IS NOT NULL AND CAST($2 AS TEXT) IS NOT NULL";
}

/* The city's and a district's sums are read from the districts' rows (study_dist_*), whose district_code
   column the district condition of sp_cond_org names. */
static bool sp_by_dist(const study_unit *u) { return !strcmp(u->kind, "city") || !strcmp(u->kind, "district"); }

static const char *sp_p1(const study_unit *u) { return u->code ? u->code : ""; }
static const char *sp_p2(uc *c, const study_unit *u) { return arena_printf(c->mem, "%lld", (long long)u->org_id); }

/* The counted members of a unit: the registry's counters for an area, else the members. */
static st sp_members(uc *c, const study_unit *u, int64_t *n, err *e) {
    bool stale = true;
    st s = tally_store_stale(c->d, &stale, e);
    if (s) return s;
    if (!stale && strcmp(u->kind, "org")) {
        const char *area = !strcmp(u->kind, "city") ? "c" : arena_printf(c->mem, "%s:%s", !strcmp(u->kind, "district") ? "d" : "p", u->code);
        return db_query_int(c->d, n,
                            "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM member_tally WHERE area = $1 AND dim = 'gender' "
                            "AND state IN ('正常', '流动', '失联')",
                            e, "t", area);
    }
    return db_query_int(c->d, n,
                        arena_printf(c->mem, "SELECT COUNT(*) FROM member m WHERE %s AND %s", STUDY_COUNTED_SQL("m"),
                                     sp_cond_member(c, u, false, "m")),
                        e, "tt", sp_p1(u), sp_p2(c, u));
}

static json_t *sp_share(json_t *o, int64_t members, int64_t reached, int64_t minutes) {
    int bp = study_progress_share_bp(reached, members);
    char txt[16];
    study_progress_share_text(bp, txt, sizeof txt);
    json_object_set_new(o, "members", json_integer(members));
    json_object_set_new(o, "reached", json_integer(reached));
    json_object_set_new(o, "not_reached", json_integer(members > reached ? members - reached : 0));
    json_object_set_new(o, "share_bp", json_integer(bp));
    json_object_set_new(o, "share", json_string(txt));
    json_object_set_new(o, "minutes", json_integer(minutes));
    json_object_set_new(o, "hours", json_real((double)minutes / 60.0));
    return o;
}

static int sp_row_cmp(const void *a, const void *b) {
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    int64_t sx = json_integer_value(json_object_get(x, "share_bp")), sy = json_integer_value(json_object_get(y, "share_bp"));
    if (sx != sy) return sx > sy ? -1 : 1;
    int64_t mx = json_integer_value(json_object_get(x, "minutes")), my = json_integer_value(json_object_get(y, "minutes"));
    if (mx != my) return mx > my ? -1 : 1;
    return strcmp(json_string_value(json_object_get(x, "code")), json_string_value(json_object_get(y, "code")));
}

/* rows of the ranking: members per part (key, name, n) and kept sums per part (key, reached, minutes). */
static st sp_rows(uc *c, const study_unit *u, int year, const char *by, json_t **out, err *e) {
    json_t *mem = NULL, *sums = NULL;
    st s;
    const char *p1 = sp_p1(u), *p2 = sp_p2(c, u);
    bool stale = true;
    if ((s = tally_store_stale(c->d, &stale, e))) return s;
    if (!strcmp(by, "district")) {
        if (!stale)
            s = db_query_json(c->d, &mem,
                              /* driven from the regions: one primary-key probe per region ('d:<code>', 'gender').
                                 A LIKE 'd:%' over the counters cannot use the key on PostgreSQL (its collation is
                                 not bytewise) and scans every organization's counter too ('o:<id>', 195 k at 5 M). */
                              "SELECT r.code AS code, r.name AS name, CAST(SUM(t.n) AS BIGINT) AS n FROM region r "
                              "JOIN member_tally t ON t.area = 'd:' || r.code AND t.dim = 'gender' "
                              "WHERE t.state IN ('正常', '流动', '失联') AND CAST($1 AS TEXT) IS NOT NULL AND CAST($2 AS TEXT) IS NOT NULL "
                              "GROUP BY r.code, r.name",
                              e, "tt", p1, p2);
        else
            s = db_query_json(c->d, &mem,
                              arena_printf(c->mem,
                                           "SELECT r.code AS code, r.name AS name, COUNT(*) AS n FROM member m JOIN region r ON r.code = m.district_code "
                                           "WHERE %s AND %s GROUP BY r.code, r.name",
                                           STUDY_COUNTED_SQL("m"), sp_cond_member(c, u, false, "m")),
                              e, "tt", p1, p2);
        if (!s && sp_by_dist(u))
            s = db_query_json(c->d, &sums,
                              arena_printf(c->mem,
                                           "SELECT y.district_code AS code, CAST(SUM(y.reached) AS BIGINT) AS reached, CAST(SUM(y.minutes) AS BIGINT) AS minutes "
                                           "FROM study_dist_year y WHERE y.year = $3 AND %s AND y.district_code <> '' GROUP BY y.district_code",
                                           sp_cond_org(c, u, "y")),
                              e, "tti", p1, p2, (int64_t)year);
        else if (!s)
            s = db_query_json(c->d, &sums,
                              arena_printf(c->mem,
                                           "SELECT o.district_code AS code, CAST(SUM(y.reached) AS BIGINT) AS reached, CAST(SUM(y.minutes) AS BIGINT) AS minutes "
                                           "FROM study_org_year y JOIN org o ON o.id = y.org_id WHERE y.year = $3 AND %s "
                                           "AND o.district_code IS NOT NULL GROUP BY o.district_code",
                                           sp_cond_org(c, u, "o")),
                              e, "tti", p1, p2, (int64_t)year);
    } else {
        /* the members of each organization from the registry's counters ("o:<id>", tally.h): a lookup per
           organization of the unit, not a GROUP BY over its members (53 s for a district of 1.6 M) */
        if (!stale)
            s = db_query_json(c->d, &mem,
                              arena_printf(c->mem,
                                           "SELECT CAST(o.id AS TEXT) AS code, o.name AS name, CAST(SUM(t.n) AS BIGINT) AS n FROM org o "
                                           "JOIN member_tally t ON t.area = 'o:' || CAST(o.id AS TEXT) AND t.dim = 'members' AND t.key = '' "
                                           "WHERE %s AND t.state IN ('正常', '流动', '失联') GROUP BY o.id, o.name HAVING SUM(t.n) > 0",
                                           sp_cond_org(c, u, "o")),
                              e, "tt", p1, p2);
        else
            s = db_query_json(c->d, &mem,
                              arena_printf(c->mem,
                                           "SELECT CAST(m.org_id AS TEXT) AS code, o.name AS name, COUNT(*) AS n FROM member m "
                                           "JOIN org o ON o.id = m.org_id WHERE %s AND %s GROUP BY m.org_id, o.name",
                                           STUDY_COUNTED_SQL("m"), sp_cond_member(c, u, false, "m")),
                              e, "tt", p1, p2);
        if (!s)
            s = db_query_json(c->d, &sums,
                              arena_printf(c->mem,
                                           "SELECT CAST(y.org_id AS TEXT) AS code, CAST(SUM(y.reached) AS BIGINT) AS reached, CAST(SUM(y.minutes) AS BIGINT) AS minutes "
                                           "FROM study_org_year y JOIN org o ON o.id = y.org_id WHERE y.year = $3 AND %s GROUP BY y.org_id",
                                           sp_cond_org(c, u, "o")),
                              e, "tti", p1, p2, (int64_t)year);
    }
    arena_json(c->mem, mem);
    arena_json(c->mem, sums);
    if (s) return s;
    json_t *by_code = arena_json(c->mem, json_object());
    size_t i;
    json_t *o;
    json_array_foreach(sums, i, o) json_object_set(by_code, json_string_value(json_object_get(o, "code")), o);
    size_t n = json_array_size(mem);
    json_t **v = arena_alloc(c->mem, (n + 1) * sizeof *v);
    int64_t *shares = arena_alloc(c->mem, (n + 1) * sizeof *shares);
    int *ranks = arena_alloc(c->mem, (n + 1) * sizeof *ranks);
    if (!by_code || !v || !shares || !ranks) return err_set(e, ST_NOMEM, "内存不足。");
    json_array_foreach(mem, i, o) {
        const char *code = json_string_value(json_object_get(o, "code"));
        json_t *k = json_object_get(by_code, code);
        json_t *row = json_pack("{s:s,s:O}", "code", code, "name", json_object_get(o, "name"));
        if (!row) return err_set(e, ST_NOMEM, "内存不足。");
        if (!strcmp(by, "org")) json_object_set_new(row, "id", json_integer(strtoll(code, NULL, 10)));
        sp_share(row, json_integer_value(json_object_get(o, "n")), json_integer_value(json_object_get(k, "reached")),
                 json_integer_value(json_object_get(k, "minutes")));
        json_object_set_new(row, "drill",
                            json_string(arena_printf(c->mem, "/api/study/progress/members?%s=%s&year=%d&reached=0",
                                                     strcmp(by, "org") ? "district" : "org_id", code, year)));
        v[i] = row;
    }
    qsort(v, n, sizeof *v, sp_row_cmp);
    for (i = 0; i < n; i++) shares[i] = json_integer_value(json_object_get(v[i], "share_bp"));
    study_progress_rank(shares, (int)n, ranks);
    json_t *rows = json_array();
    for (i = 0; i < n; i++) {
        json_object_set_new(v[i], "rank", json_integer(ranks[i]));
        json_array_append_new(rows, v[i]);
    }
    *out = rows;
    return ST_OK;
}

static st sp_unit_name(uc *c, const study_unit *u, char **name, err *e) {
    if (!strcmp(u->kind, "city")) {
        *name = arena_printf(c->mem, "全市");
        return ST_OK;
    }
    char *t = NULL;
    st s = strcmp(u->kind, "org") ? db_query_text(c->d, &t, "SELECT name FROM region WHERE code = $1", e, "t", u->code)
                                  : db_query_text(c->d, &t, "SELECT name FROM org WHERE id = $1", e, "i", u->org_id);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "没有这个区、园区或党组织，请从列表中选择。");
    if (s) return s;
    *name = arena_printf(c->mem, "%s", t);
    free(t);
    return ST_OK;
}

st study_progress_store_figures(uc *c, const study_unit *u, int year, const char *by, json_t **out, err *e) {
    *out = NULL;
    char *name = NULL;
    int64_t members = 0;
    json_t *sum = NULL, *cats = NULL, *rows = NULL;
    const char *p1 = sp_p1(u), *p2 = sp_p2(c, u);
    /* the city and a district: the districts' rows (a few per district); a park or an organization: its
       organizations' rows */
    bool dist = sp_by_dist(u);
    st s = sp_unit_name(c, u, &name, e);
    if (!s) s = sp_members(c, u, &members, e);
    if (!s)
        s = db_query_json(c->d, &sum,
                          arena_printf(c->mem,
                                       "SELECT CAST(COALESCE(SUM(y.reached), 0) AS BIGINT) AS reached, CAST(COALESCE(SUM(y.minutes), 0) AS BIGINT) AS minutes "
                                       "FROM %s WHERE y.year = $3 AND %s",
                                       dist ? "study_dist_year y" : "study_org_year y JOIN org o ON o.id = y.org_id",
                                       sp_cond_org(c, u, dist ? "y" : "o")),
                          e, "tti", p1, p2, (int64_t)year);
    arena_json(c->mem, sum);
    if (!s)
        s = db_query_json(c->d, &cats,
                          arena_printf(c->mem,
                                       "SELECT k.category, CAST(SUM(k.minutes) AS BIGINT) AS minutes FROM %s "
                                       "WHERE k.year = $3 AND %s GROUP BY k.category HAVING SUM(k.minutes) <> 0 "
                                       "ORDER BY SUM(k.minutes) DESC, k.category",
                                       dist ? "study_dist_cat k" : "study_org_cat k JOIN org o ON o.id = k.org_id",
                                       sp_cond_org(c, u, dist ? "k" : "o")),
                          e, "tti", p1, p2, (int64_t)year);
    if (s) {
        json_decref(cats);
        return s;
    }
    size_t i;
    json_t *o;
    json_array_foreach(cats, i, o) json_object_set_new(o, "hours",
                                                       json_real((double)json_integer_value(json_object_get(o, "minutes")) / 60.0));
    if (by && *by) {
        if ((s = sp_rows(c, u, year, by, &rows, e))) {
            json_decref(cats);
            return s;
        }
    }
    json_t *r0 = json_array_get(sum, 0);
    json_t *f = json_pack("{s:s,s:s,s:s,s:I,s:i,s:I,s:I,s:o,s:o,s:s}", "unit", u->kind, "code", u->code ? u->code : "", "name", name,
                          "org_id", (json_int_t)u->org_id, "year", year, "required_minutes",
                          (json_int_t)study_progress_required(false), "required_lead_minutes",
                          (json_int_t)study_progress_required(true), "by_category", cats, "rows", rows ? rows : json_array(),
                          "rows_by", by ? by : "");
    if (!f) return err_set(e, ST_NOMEM, "内存不足。");
    sp_share(f, members, json_integer_value(json_object_get(r0, "reached")), json_integer_value(json_object_get(r0, "minutes")));
    const char *q = !strcmp(u->kind, "org") ? arena_printf(c->mem, "org_id=%lld", (long long)u->org_id)
                    : !strcmp(u->kind, "city") ? "city=1"
                                               : arena_printf(c->mem, "%s=%s", u->kind, u->code);
    json_object_set_new(f, "drill", json_string(arena_printf(c->mem, "/api/study/progress/members?%s&year=%d&reached=0", q, year)));
    *out = arena_json(c->mem, f);
    return ST_OK;
}

st study_progress_store_plain(uc *c, const study_unit *u, int year, json_t **out, err *e) {
    *out = NULL;
    const char *p1 = sp_p1(u), *p2 = sp_p2(c, u);
    const char *mc = sp_cond_member(c, u, false, "m");
    int64_t members = 0, reached = 0, minutes = 0;
    json_t *cats = NULL;
    st s = db_query_int(c->d, &members, arena_printf(c->mem, "SELECT COUNT(*) FROM member m WHERE %s AND %s", STUDY_COUNTED_SQL("m"), mc),
                        e, "tt", p1, p2);
    if (!s)
        s = db_query_int(c->d, &reached,
                         arena_printf(c->mem,
                                      "SELECT COUNT(*) FROM (SELECT k.person_id, SUM(k.minutes) AS s, MAX(CASE WHEN %s THEN CAST($5 AS BIGINT) ELSE CAST($4 AS BIGINT) END) AS req "
                                      "FROM study_credit k "
                                                         "JOIN member m ON m.person_id = k.person_id JOIN org o ON o.id = m.org_id "
                                                         "JOIN person p ON p.id = m.person_id WHERE k.year = $3 AND %s AND %s "
                                                         "GROUP BY k.person_id) t WHERE t.s >= t.req",
                                      STUDY_LEAD_SQL("m", "o", "p"), STUDY_COUNTED_SQL("m"), mc),
                         e, "ttiii", p1, p2, (int64_t)year, study_progress_required(false), study_progress_required(true));
    if (!s)
        s = db_query_int(c->d, &minutes,
                         arena_printf(c->mem,
                                      "SELECT CAST(COALESCE(SUM(k.minutes), 0) AS BIGINT) FROM study_credit k JOIN member m ON m.person_id = k.person_id "
                                      "WHERE k.year = $3 AND %s AND %s",
                                      STUDY_COUNTED_SQL("m"), mc),
                         e, "tti", p1, p2, (int64_t)year);
    if (!s)
        s = db_query_json(c->d, &cats,
                          arena_printf(c->mem,
                                       "SELECT k.category, CAST(SUM(k.minutes) AS BIGINT) AS minutes FROM study_credit k JOIN member m ON m.person_id = k.person_id "
                                       "WHERE k.year = $3 AND %s AND %s GROUP BY k.category ORDER BY SUM(k.minutes) DESC, k.category",
                                       STUDY_COUNTED_SQL("m"), mc),
                          e, "tti", p1, p2, (int64_t)year);
    if (s) return s;
    *out = arena_json(c->mem, json_pack("{s:I,s:I,s:I,s:o}", "members", (json_int_t)members, "reached", (json_int_t)reached, "minutes",
                                        (json_int_t)minutes, "by_category", cats));
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

st study_progress_store_members(uc *c, const study_unit *u, bool own, int year, int reached, const uc_page *pg, json_t **items,
                                int64_t *total, err *e) {
    *items = NULL;
    *total = 0;
    const char *p1 = sp_p1(u), *p2 = sp_p2(c, u);
    const char *rc = reached < 0 ? "CAST($6 AS BIGINT) < 0" : "COALESCE(y.reached, 0) = $6";
    const char *sql = arena_printf(
        c->mem,
        "SELECT q.* FROM (SELECT m.person_id, m.name, m.name_key, m.org_id, o.name AS org_name, COALESCE(y.minutes, 0) AS minutes, "
        "CASE WHEN %s THEN 1 ELSE 0 END AS lead, COALESCE(y.reached, 0) AS reached "
        "FROM member m JOIN org o ON o.id = m.org_id JOIN person p ON p.id = m.person_id "
        "LEFT JOIN study_year y ON y.person_id = m.person_id AND y.year = $3 WHERE %s AND %s AND %s) q "
        "ORDER BY %s LIMIT $4 OFFSET $5",
        STUDY_LEAD_SQL("m", "o", "p"), STUDY_COUNTED_SQL("m"), sp_cond_member(c, u, own, "m"), rc,
        pg->order && *pg->order ? arena_printf(c->mem, "%s, q.person_id", pg->order) : "q.name_key, q.person_id");
    st s = db_query_json(c->d, items, sql, e, "ttiiii", p1, p2, (int64_t)year, pg->limit, pg->offset, (int64_t)reached);
    arena_json(c->mem, *items);
    if (s) return s;
    size_t i;
    json_t *o;
    json_array_foreach(*items, i, o) {
        int64_t need = study_progress_required(json_integer_value(json_object_get(o, "lead")) != 0);
        int64_t min = json_integer_value(json_object_get(o, "minutes"));
        json_object_del(o, "name_key");
        json_object_set_new(o, "hours", json_real((double)min / 60.0));
        json_object_set_new(o, "required_minutes", json_integer(need));
        json_object_set_new(o, "left_minutes", json_integer(need > min ? need - min : 0));
        json_object_set_new(o, "lead", json_boolean(json_integer_value(json_object_get(o, "lead")) != 0));
        json_object_set_new(o, "reached", json_boolean(json_integer_value(json_object_get(o, "reached")) != 0));
    }
    /* the total from the kept sums: the list agrees with the figure it drills from */
    if (own || !strcmp(u->kind, "org")) {
        return db_query_int(c->d, total,
                            arena_printf(c->mem,
                                         "SELECT COUNT(*) FROM member m LEFT JOIN study_year y ON y.person_id = m.person_id AND y.year = $3 "
                                         "WHERE %s AND %s AND %s",
                                         STUDY_COUNTED_SQL("m"), sp_cond_member(c, u, own, "m"),
                                         reached < 0 ? "CAST($4 AS BIGINT) < 0" : "COALESCE(y.reached, 0) = $4"),
                            e, "ttii", p1, p2, (int64_t)year, (int64_t)reached);
    }
    json_t *f = NULL;
    if ((s = study_progress_store_figures(c, u, year, NULL, &f, e))) return s;
    int64_t m = json_integer_value(json_object_get(f, "members")), r = json_integer_value(json_object_get(f, "reached"));
    *total = reached < 0 ? m : reached ? r : (m > r ? m - r : 0);
    return ST_OK;
}

static const char *sp_source_label(const char *s) {
    if (!strcmp(s, "online")) return "在线学习课程";
    if (!strcmp(s, "offline")) return "线下学习登记";
    if (!strcmp(s, "exam")) return "考试通过";
    if (!strcmp(s, "training")) return "培训班结业";
    return s;
}

st study_progress_store_me(uc *c, int year, json_t **out, err *e) {
    *out = NULL;
    int64_t person = 0;
    st s = member_store_person_of_user(c, c->who.user_id, &person, e);
    if (s == ST_NOT_FOUND || (!s && !person)) return err_set(e, ST_NOT_FOUND, "您的账号还没有关联党员档案，无法查看学时。请联系所在支部核对。");
    if (s) return s;
    json_t *me = NULL, *cats = NULL, *credits = NULL;
    s = db_query_json(c->d, &me,
                      "SELECT m.person_id, m.name, o.name AS org_name, CASE WHEN " STUDY_LEAD_SQL(
                          "m", "o", "p") " THEN 1 ELSE 0 END AS lead, COALESCE(y.minutes, 0) AS minutes "
                                         "FROM member m JOIN org o ON o.id = m.org_id JOIN person p ON p.id = m.person_id "
                                         "LEFT JOIN study_year y ON y.person_id = m.person_id AND y.year = $2 WHERE m.person_id = $1",
                      e, "ii", person, (int64_t)year);
    arena_json(c->mem, me);
    if (!s)
        s = db_query_json(c->d, &cats,
                          "SELECT category, CAST(SUM(minutes) AS BIGINT) AS minutes FROM study_credit WHERE person_id = $1 AND year = $2 "
                          "GROUP BY category ORDER BY SUM(minutes) DESC, category",
                          e, "ii", person, (int64_t)year);
    arena_json(c->mem, cats);
    if (!s) s = study_credit_list(c->d, person, year, &credits, e);
    arena_json(c->mem, credits);
    if (s) return s;
    json_t *r = json_array_get(me, 0);
    if (!r) return err_set(e, ST_NOT_FOUND, "您的账号还没有关联党员档案，无法查看学时。请联系所在支部核对。");
    bool lead = json_integer_value(json_object_get(r, "lead")) != 0;
    int64_t min = json_integer_value(json_object_get(r, "minutes")), need = study_progress_required(lead);
    size_t i;
    json_t *o;
    json_array_foreach(cats, i, o) json_object_set_new(o, "hours", json_real((double)json_integer_value(json_object_get(o, "minutes")) / 60.0));
    json_array_foreach(credits, i, o) json_object_set_new(o, "source_label", json_string(sp_source_label(json_string_value(json_object_get(o, "source")))));
    json_object_set_new(r, "lead", json_boolean(lead));
    json_object_set_new(r, "year", json_integer(year));
    json_object_set_new(r, "hours", json_real((double)min / 60.0));
    json_object_set_new(r, "required_minutes", json_integer(need));
    json_object_set_new(r, "left_minutes", json_integer(need > min ? need - min : 0));
    json_object_set_new(r, "reached", json_boolean(min >= need));
    json_object_set(r, "by_category", cats);
    json_object_set(r, "credits", credits);
    *out = r;
    return ST_OK;
}

st study_progress_store_scorecard(uc *c, int64_t org_id, const meeting_period *p, json_t **out, err *e) {
    *out = NULL;
    study_unit u = {.kind = "org", .org_id = org_id};
    json_t *f = NULL;
    st s = study_progress_store_figures(c, &u, p->year, NULL, &f, e);
    if (s) return s;
    json_object_del(f, "rows");
    json_object_del(f, "rows_by");
    *out = json_incref(f);
    return ST_OK;
}
