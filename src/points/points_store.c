/* points_store — see points_store.h.  All of the points module's SQL. */
#include "points/points_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/files.h"
#include "core/config.h"
#include "core/utf8.h"
#include "member/member_store.h"

/* ---- the engine's SQL ---- */

/* The cap period's key of a day, as points_period_key. */
#define PS_PERIOD(P, D)                                                                                              \
    "(CASE " P " WHEN 'month' THEN SUBSTR(" D ", 1, 7) WHEN 'quarter' THEN SUBSTR(" D ", 1, 4) || '-Q' || "         \
    "CAST((CAST(SUBSTR(" D ", 6, 2) AS INTEGER) + 2) / 3 AS TEXT) ELSE SUBSTR(" D ", 1, 4) END)"

/* The activity rows that earn points of a rule without approval, each with the
 * rule of the version in force on its day and its points before the cap. */
#define PS_LOG_ROWS(COND)                                                                                            \
    "SELECT a.id AS activity_id, a.day, a.ref, r.subject, "                                                          \
    "CAST(CASE WHEN r.subject = 'member' THEN a.person_id ELSE a.org_id END AS BIGINT) AS subject_id, "            \
    "r.id AS rule_id, r.code, r.version_id, r.cap, " PS_PERIOD("r.cap_period", "a.day") " AS period, "             \
    "CAST(CASE WHEN r.unit = 'record' THEN r.points ELSE ROUND(COALESCE(a.value, 0) * r.points) END AS BIGINT) AS raw " \
    "FROM activity a JOIN points_rule_version v ON v.effective_from <= a.day "                                      \
    "AND (v.effective_until IS NULL OR a.day < v.effective_until) "                                                  \
    "JOIN points_rule r ON r.version_id = v.id AND r.source = 'log' AND r.kind = a.kind AND r.approval = 0 "         \
    "WHERE " COND " AND ((r.subject = 'member' AND a.person_id IS NOT NULL) OR (r.subject = 'org' AND a.org_id IS NOT NULL))"

/* min(cap, run) - min(cap, run - raw) (points.h) */
#define PS_CAPPED                                                                                                    \
    "CAST(CASE WHEN w.cap IS NULL THEN w.raw ELSE (CASE WHEN w.run > w.cap THEN w.cap ELSE w.run END) - "           \
    "(CASE WHEN w.run - w.raw > w.cap THEN w.cap ELSE w.run - w.raw END) END AS BIGINT)"

/* Lines of the log: run = the raw sum of the key's earlier lines (PRIOR) and of
 * this batch's rows up to this one, in activity order. */
#define PS_LOG_LINES(COND, PRIOR)                                                                                    \
    "SELECT w.subject, w.subject_id, w.rule_id, w.code, w.version_id, w.activity_id, CAST(NULL AS BIGINT) AS claim_id, " \
    "w.ref, w.day, w.period, w.raw, " PS_CAPPED " AS points FROM (SELECT b.*, " PRIOR " + "                        \
    "SUM(CAST(b.raw AS DOUBLE PRECISION)) OVER (PARTITION BY b.subject{{TEXTCMP}}, b.subject_id, b.code{{TEXTCMP}}, " \
    "b.period{{TEXTCMP}} ORDER BY b.activity_id ROWS UNBOUNDED PRECEDING) AS run FROM (" PS_LOG_ROWS(COND) ") b) w"
/* The running sum in DOUBLE PRECISION: PostgreSQL's SUM of a BIGINT is NUMERIC, built and compared
 * for every line (a third of the window's time at 50,000 members); the raw points are whole
 * hundredths, so the sum is exact below 2^53 and the counted points (CAST … AS BIGINT) the same.
 * The partition's text keys are compared bytewise ({{TEXTCMP}}, COLLATE "C" on PostgreSQL): only
 * equal keys matter to a partition, and the database's collation made the sort slower. */

#define PS_PRIOR                                                                                                     \
    "CAST(COALESCE((SELECT SUM(l.raw) FROM points_line l WHERE l.subject = b.subject AND l.subject_id = b.subject_id " \
    "AND l.code = b.code AND l.period = b.period), 0) AS DOUBLE PRECISION)"

/* The decided claims' lines, in the order of decisions (approval rules'
 * codes are fed by claims only, so their caps count in that order). */
#define PS_CLAIM_ROWS                                                                                                \
    "SELECT k.subject, k.subject_id, k.rule_id, COALESCE(r.code, 'deduction') AS code, r.version_id, k.activity_id, " \
    "k.id AS claim_id, COALESCE(a.ref, 'claim:' || CAST(k.id AS TEXT)) AS ref, k.day, "                            \
    "CASE WHEN r.id IS NULL THEN SUBSTR(k.day, 1, 4) ELSE " PS_PERIOD("r.cap_period", "k.day") " END AS period, "  \
    "CAST(CASE WHEN r.id IS NULL THEN k.points WHEN r.unit = 'record' THEN r.points "                               \
    "ELSE ROUND(COALESCE(a.value, 0) * r.points) END AS BIGINT) AS raw, r.cap, k.decided_seq "                      \
    "FROM points_claim k LEFT JOIN points_rule r ON r.id = k.rule_id LEFT JOIN activity a ON a.id = k.activity_id "  \
    "WHERE k.state = 'approved'"
#define PS_CLAIM_LINES                                                                                               \
    "SELECT w.subject, w.subject_id, w.rule_id, w.code, w.version_id, w.activity_id, w.claim_id, w.ref, w.day, w.period, " \
    "w.raw, " PS_CAPPED " AS points FROM (SELECT b.*, SUM(b.raw) OVER (PARTITION BY b.subject, b.subject_id, b.code, " \
    "b.period ORDER BY b.decided_seq, b.claim_id ROWS UNBOUNDED PRECEDING) AS run FROM (" PS_CLAIM_ROWS ") b) w"

#define PS_LINE_COLS "subject, subject_id, rule_id, code, version_id, activity_id, claim_id, ref, day, period, raw, points"

/* The totals of the lines picked by COND (over points_line l) for the month, the quarter and the
 * year, in one pass: the lines' month sums (m), and the quarters' and years' sums of those.  A
 * period has a total when it has a line of points <> 0 (as the rankings read it).  UPSERT: "" into
 * empty totals (the rebuild), or PS_ADD to add to those kept.  SQLite reads the lines in their own
 * order ({{NOT_INDEXED}}; the rowid range of a day still applies), not through points_line_cap. */
#define PS_KEY_Q(D) "SUBSTR(" D ", 1, 4) || '-Q' || CAST((CAST(SUBSTR(" D ", 6, 2) AS INTEGER) + 2) / 3 AS TEXT)"
#define PS_KEY_Y "SUBSTR(l.day, 1, 4)"
#define PS_TOTALS(COND, UPSERT)                                                                                      \
    "WITH m AS (SELECT l.subject, l.subject_id, SUBSTR(l.day, 1, 7) AS p, SUM(l.points) AS pts, MAX(l.day) AS d "    \
    "FROM points_line l{{NOT_INDEXED}} WHERE " COND " AND l.points <> 0 GROUP BY l.subject, l.subject_id, SUBSTR(l.day, 1, 7)) " \
    "INSERT INTO points_total(subject, subject_id, period, points, last_day) "                                       \
    "SELECT m.subject, m.subject_id, m.p, m.pts, m.d FROM m "                                                        \
    "UNION ALL SELECT m.subject, m.subject_id, " PS_KEY_Q("m.p") ", SUM(m.pts), MAX(m.d) FROM m "                    \
    "GROUP BY m.subject, m.subject_id, " PS_KEY_Q("m.p") " "                                                         \
    "UNION ALL SELECT m.subject, m.subject_id, SUBSTR(m.p, 1, 4), SUM(m.pts), MAX(m.d) FROM m "                      \
    "GROUP BY m.subject, m.subject_id, SUBSTR(m.p, 1, 4)" UPSERT
#define PS_ADD                                                                                                       \
    " ON CONFLICT (subject, subject_id, period) DO UPDATE SET points = points_total.points + excluded.points, "      \
    "last_day = CASE WHEN excluded.last_day > points_total.last_day THEN excluded.last_day ELSE points_total.last_day END"

/* The totals of the lines after line `after` (the run holds the lock: no one else appends meanwhile). */
static st ps_totals_after(uc *c, int64_t after, err *e) { return db_run(c->d, PS_TOTALS("l.id > $1", PS_ADD), e, "i", after); }

static st ps_watermark(uc *c, int64_t *wm, err *e) {
    char *v = NULL;
    st s = db_query_text(c->d, &v, "SELECT value FROM meta WHERE key = 'points-watermark'", e, "");
    *wm = 0;
    if (s == ST_NOT_FOUND) return ST_OK;
    if (!s) *wm = strtoll(v, NULL, 10);
    free(v);
    return s;
}

static st ps_set_watermark(uc *c, int64_t wm, err *e) {
    char v[24];
    snprintf(v, sizeof v, "%lld", (long long)wm);
    return db_run(c->d, "INSERT INTO meta(key, value) VALUES ('points-watermark', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                  e, "t", v);
}

/* Rows of rules that need approval become pending claims, where the subject sits. */
static st ps_approval_claims(uc *c, int64_t after, int64_t upto, int64_t *n, err *e) {
    int64_t before = 0, now = 0;
    st s = db_query_int(c->d, &before, "SELECT COUNT(*) FROM points_claim WHERE kind = 'activity'", e, "");
    if (!s)
        s = db_run(c->d,
                   "INSERT INTO points_claim(subject, subject_id, kind, rule_code, rule_id, activity_id, day, title, state, submitted_by, "
                   "submitted_at, district_code, park_code, org_path, owner_user) "
                   "SELECT r.subject, CASE WHEN r.subject = 'member' THEN a.person_id ELSE a.org_id END, 'activity', r.code, r.id, a.id, "
                   "a.day, r.name, 'pending', 'system', $3, "
                   "CASE WHEN r.subject = 'member' THEN m.district_code ELSE o.district_code END, "
                   "CASE WHEN r.subject = 'member' THEN m.park_code ELSE o.park_code END, "
                   "CASE WHEN r.subject = 'member' THEN m.org_path ELSE o.path END, p.user_id "
                   "FROM activity a JOIN points_rule_version v ON v.effective_from <= a.day "
                   "AND (v.effective_until IS NULL OR a.day < v.effective_until) "
                   "JOIN points_rule r ON r.version_id = v.id AND r.source = 'log' AND r.kind = a.kind AND r.approval = 1 "
                   "LEFT JOIN member m ON r.subject = 'member' AND m.person_id = a.person_id "
                   "LEFT JOIN person p ON r.subject = 'member' AND p.id = a.person_id "
                   "LEFT JOIN org o ON o.id = a.org_id "
                   "WHERE a.id > $1 AND a.id <= $2 AND ((r.subject = 'member' AND a.person_id IS NOT NULL) "
                   "OR (r.subject = 'org' AND a.org_id IS NOT NULL)) "
                   "ON CONFLICT (activity_id) DO NOTHING",
                   e, "iii", after, upto, clock_now());
    if (!s) s = db_query_int(c->d, &now, "SELECT COUNT(*) FROM points_claim WHERE kind = 'activity'", e, "");
    if (n) *n = now - before;
    return s;
}

/* On PostgreSQL every activity row below the max id must have committed before it is read past
 * (writers hold ROW EXCLUSIVE until they commit), and appending to the ledger is one at a time
 * (the mode conflicts with itself: runs and decisions queue).  SQLite has one writer anyway. */
static st ps_lock(uc *c, err *e) {
    if (db_kind_of(c->d) != DB_PGSQL) return ST_OK;
    return db_exec(c->d, "LOCK TABLE activity IN SHARE ROW EXCLUSIVE MODE", e);
}

static st ps_run_work(uc *c, void *arg, uc_act *a, err *e) {
    int64_t *out = arg;   /* lines, claims */
    int64_t wm = 0, upto = 0, l0 = 0, l1 = 0;
    st s = ps_lock(c, e);
    if (!s) s = ps_watermark(c, &wm, e);
    if (!s) s = db_query_int(c->d, &upto, "SELECT COALESCE(MAX(id), 0) FROM activity", e, "");
    if (!s) s = db_query_int(c->d, &l0, "SELECT COALESCE(MAX(id), 0) FROM points_line", e, "");
    /* an empty ledger has no earlier lines to add (the first run: no lookup a row) */
    if (!s && upto > wm)
        s = l0 ? db_run(c->d,
                        "INSERT INTO points_line(" PS_LINE_COLS ", created_at) SELECT q.*, $3 FROM ("
                        PS_LOG_LINES("a.id > $1 AND a.id <= $2", PS_PRIOR) ") q",
                        e, "iii", wm, upto, clock_now())
               : db_run(c->d,
                        "INSERT INTO points_line(" PS_LINE_COLS ", created_at) SELECT q.*, $3 FROM ("
                        PS_LOG_LINES("a.id > $1 AND a.id <= $2", "0") ") q",
                        e, "iii", wm, upto, clock_now());
    if (!s && upto > wm) s = ps_totals_after(c, l0, e);
    if (!s && upto > wm) s = ps_approval_claims(c, wm, upto, &out[1], e);
    if (!s) s = db_query_int(c->d, &l1, "SELECT COUNT(*) FROM points_line WHERE id > $1", e, "i", l0);
    if (!s && upto > wm) s = ps_set_watermark(c, upto, e);
    out[0] = l1;
    a->detail = arena_printf(c->mem, "积分计算：读取活动记录（编号 %lld 至 %lld），新增积分明细 %lld 条、待审核申报 %lld 件", (long long)wm + 1,
                             (long long)upto, (long long)out[0], (long long)out[1]);
    return s;
}

st points_store_run(uc *c, int64_t *lines, int64_t *claims, err *e) { return points_store_run_as(c, false, lines, claims, e); }

st points_store_run_as(uc *c, bool asked, int64_t *lines, int64_t *claims, err *e) {
    int64_t out[2] = {0, 0}, wm = 0, upto = 0;
    st s = ps_watermark(c, &wm, e);
    if (!s) s = db_query_int(c->d, &upto, "SELECT COALESCE(MAX(id), 0) FROM activity", e, "");
    /* the timer finds nothing new most of the time and says nothing; a person who asks is answered and audited */
    if (!s && (upto > wm || asked)) {
        uc_act a = {"points.run", "points:ledger", NULL, NULL};
        s = uc_write(c, &a, ps_run_work, out, e);
    }
    if (lines) *lines = s ? 0 : out[0];
    if (claims) *claims = s ? 0 : out[1];
    return s;
}

/* The ledger's indexes (as migration 0079 makes them), dropped and made again around the rebuild's
 * bulk insert: one index built from the finished table is a sort, where the same index kept row by
 * row is a tree walk for every line. */
#define PS_LINE_INDEXES                                                                                              \
    "CREATE INDEX points_line_cap ON points_line(subject, subject_id, code, period); "                               \
    "CREATE INDEX points_line_claim ON points_line(claim_id) WHERE claim_id IS NOT NULL"
#define PS_TOTAL_INDEX "CREATE INDEX points_total_rank ON points_total(period, subject, points DESC, last_day, subject_id)"

/* The rebuild writes into empty tables: emptied (PostgreSQL: TRUNCATE, which with DROP INDEX holds
 * ACCESS EXCLUSIVE on points_line and points_total until the commit — the points pages wait for a
 * rebuild, as they waited for its lock on activity's writers), the lines without their indexes
 * (SQLite: OR IGNORE, so no statement journal — every column is non-NULL by construction, and a
 * line lost would show in verify), the totals by a plain INSERT of one pass, the indexes after. */
static st ps_rebuild_work(uc *c, void *arg, uc_act *a, err *e) {
    int64_t *n = arg, upto = 0;
    bool pg = db_kind_of(c->d) == DB_PGSQL;
    st s = ps_lock(c, e);
    if (!s) s = db_bulk_begin(c->d, e);
    if (!s) s = db_query_int(c->d, &upto, "SELECT COALESCE(MAX(id), 0) FROM activity", e, "");
    if (!s) s = db_exec(c->d, pg ? "TRUNCATE points_line, points_total" : "DELETE FROM points_total; DELETE FROM points_line", e);
    if (!s) s = db_exec(c->d, "DROP INDEX points_line_cap; DROP INDEX points_line_claim; DROP INDEX points_total_rank", e);
    /* PostgreSQL: the totals' key too (SQLite keeps it in the table's definition) — 1,034,000 totals
     * of 50,000 members took 24 s into the keyed table, 5 s unkeyed and 6 s for the key after */
    if (!s && pg) s = db_exec(c->d, "ALTER TABLE points_total DROP CONSTRAINT points_total_pkey", e);
    if (!s)
        s = db_run(c->d,
                   "INSERT{{OR_IGNORE}} INTO points_line(" PS_LINE_COLS ", created_at) SELECT q.*, $2 FROM (" PS_LOG_LINES("a.id <= $1", "0") ") q",
                   e, "ii", upto, clock_now());
    if (!s)
        s = db_run(c->d, "INSERT INTO points_line(" PS_LINE_COLS ", created_at) SELECT q.*, $1 FROM (" PS_CLAIM_LINES ") q", e, "i",
                   clock_now());
    if (!s) s = db_exec(c->d, PS_LINE_INDEXES, e);
    if (!s) s = db_run(c->d, PS_TOTALS("l.id > $1", ""), e, "i", (int64_t)0);
    if (!s && pg) s = db_exec(c->d, "ALTER TABLE points_total ADD PRIMARY KEY (subject, subject_id, period)", e);
    if (!s) s = db_exec(c->d, PS_TOTAL_INDEX, e);
    if (!s) s = ps_approval_claims(c, 0, upto, NULL, e);
    if (!s) s = ps_set_watermark(c, upto, e);
    if (!s) s = db_query_int(c->d, n, "SELECT COUNT(*) FROM points_line", e, "");
    db_bulk_end(c->d);
    a->detail = arena_printf(c->mem, "积分明细按活动记录和已审核的申报全部重新计算：%lld 条", (long long)*n);
    return s;
}

st points_store_rebuild(uc *c, int64_t *lines, err *e) {
    int64_t n = 0;
    uc_act a = {"points.rebuild", "points:ledger", NULL, NULL};
    st s = uc_write(c, &a, ps_rebuild_work, &n, e);
    if (lines) *lines = s ? 0 : n;
    return s;
}

st points_store_verify(uc *c, int64_t *missing, int64_t *extra, err *e) {
    int64_t wm = 0;
    st s = ps_watermark(c, &wm, e);
#define PS_COMPUTED "SELECT cx.* FROM (SELECT q.* FROM (" PS_LOG_LINES("a.id <= $1", "0") ") q UNION ALL SELECT k.* FROM (" PS_CLAIM_LINES ") k) cx"
#define PS_STORED "SELECT " PS_LINE_COLS " FROM points_line WHERE activity_id IS NULL OR activity_id <= $1 OR claim_id IS NOT NULL"
    if (!s) s = db_query_int(c->d, missing, "SELECT COUNT(*) FROM (" PS_COMPUTED " EXCEPT " PS_STORED ") x", e, "i", wm);
    if (!s) s = db_query_int(c->d, extra, "SELECT COUNT(*) FROM (" PS_STORED " EXCEPT " PS_COMPUTED ") x", e, "i", wm);
    /* the totals agree with the lines */
    int64_t bad = 0;
    if (!s)
        s = db_query_int(c->d, &bad,
                         "SELECT COUNT(*) FROM (SELECT l.subject, l.subject_id, " PS_KEY_Y " AS period, SUM(l.points) AS points "
                         "FROM points_line l GROUP BY l.subject, l.subject_id, " PS_KEY_Y " HAVING SUM(l.points) <> 0 "
                         "EXCEPT SELECT subject, subject_id, period, points FROM points_total WHERE LENGTH(period) = 4 AND points <> 0) x",
                         e, "");
    if (!s && extra) *extra += bad;
#undef PS_COMPUTED
#undef PS_STORED
    return s;
}

/* ---- rules ---- */

st points_store_rules(uc *c, json_t **out, err *e) {
    json_t *vs = NULL, *rs = NULL;
    st s = db_query_json(c->d, &vs,
                         "SELECT id, effective_from, effective_until, note, created_by, created_at FROM points_rule_version "
                         "ORDER BY effective_from DESC",
                         e, "");
    if (!s)
        s = db_query_json(c->d, &rs,
                          "SELECT id, version_id, code, name, subject, source, kind, unit, points, cap, cap_period, approval "
                          "FROM points_rule ORDER BY version_id, subject, source, code, kind",
                          e, "");
    if (s) {
        json_decref(vs);
        json_decref(rs);
        return s;
    }
    size_t i, j;
    json_t *v, *r;
    json_array_foreach(vs, i, v) {
        json_t *list = json_array();
        int64_t id = json_integer_value(json_object_get(v, "id"));
        json_array_foreach(rs, j, r) if (json_integer_value(json_object_get(r, "version_id")) == id) json_array_append(list, r);
        json_object_set_new(v, "rules", list);
    }
    json_decref(rs);
    *out = json_pack("{s:o}", "items", vs);
    return ST_OK;
}

typedef struct ps_version_arg {
    const char *from, *note;
    json_t *rules;
    int64_t id;
} ps_version_arg;

static st ps_rule_check(json_t *r, size_t i, err *e) {
    const char *f[] = {"code", "name", "subject", "source", "kind", "unit", "cap_period"};
    for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) {
        json_t *x = json_object_get(r, f[k]);
        if (!json_is_string(x) || !*json_string_value(x) || strlen(json_string_value(x)) > 60)
            return err_field(e, ST_INVALID, "rules", "第 %zu 条规则缺少 %s（或过长），请补全后再保存。", i + 1, f[k]);
    }
    if (!points_subject_ok(json_string_value(json_object_get(r, "subject"))))
        return err_field(e, ST_INVALID, "rules", "第 %zu 条规则的对象 subject 应为 member（党员）或 org（党组织）。", i + 1);
    if (!points_source_ok(json_string_value(json_object_get(r, "source"))))
        return err_field(e, ST_INVALID, "rules", "第 %zu 条规则的来源 source 应为 log（活动记录）或 claim（申报）。", i + 1);
    if (!points_unit_ok(json_string_value(json_object_get(r, "unit"))))
        return err_field(e, ST_INVALID, "rules", "第 %zu 条规则的计分单位 unit 应为 record（每条）或 value（每单位数值）。", i + 1);
    if (!points_cap_period_ok(json_string_value(json_object_get(r, "cap_period"))))
        return err_field(e, ST_INVALID, "rules", "第 %zu 条规则的上限周期 cap_period 应为 month、quarter 或 year。", i + 1);
    json_t *p = json_object_get(r, "points"), *cap = json_object_get(r, "cap");
    if (!json_is_integer(p) || json_integer_value(p) < 0 || json_integer_value(p) > cfg_int("points-rule-max"))
        return err_field(e, ST_INVALID, "rules", "第 %zu 条规则的分值 points（以 0.01 分计）应在 0 至 %lld 之间。", i + 1,
                         (long long)cfg_int("points-rule-max"));
    if (cap && !json_is_null(cap) && (!json_is_integer(cap) || json_integer_value(cap) < 0))
        return err_field(e, ST_INVALID, "rules", "第 %zu 条规则的上限 cap 应为非负整数（以 0.01 分计）或留空（不设上限）。", i + 1);
    return ST_OK;
}

static st ps_version_work(uc *c, void *arg, uc_act *a, err *e) {
    ps_version_arg *v = arg;
    char today[11];
    clock_day(clock_now(), today);
    if (strcmp(v->from, today) <= 0)
        return err_field(e, ST_INVALID, "effective_from", "新规则的生效日期 %s 须晚于今天（%s）：规则只对生效之后的活动计分，已有积分不改变。",
                         v->from, today);
    char *last = NULL;
    st s = db_query_text(c->d, &last, "SELECT COALESCE(MAX(day), '') FROM points_line", e, "");
    if (!s && last && strcmp(v->from, last) <= 0)
        s = err_field(e, ST_INVALID, "effective_from", "生效日期 %s 须晚于已计分的最后一天 %s。", v->from, last);
    free(last);
    int64_t clash = 0;
    if (!s) s = db_query_int(c->d, &clash, "SELECT COUNT(*) FROM points_rule_version WHERE effective_from >= $1", e, "t", v->from);
    if (!s && clash)
        s = err_field(e, ST_CONFLICT, "effective_from", "已有自 %s 或更晚生效的规则版本，新版本的生效日期须晚于它。", v->from);
    if (!s) s = db_run(c->d, "UPDATE points_rule_version SET effective_until = $1 WHERE effective_until IS NULL", e, "t", v->from);
    if (!s)
        s = db_query_int(c->d, &v->id,
                         "INSERT INTO points_rule_version(effective_from, note, created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                         e, "ttti", v->from, v->note, c->who.username ? c->who.username : "-", clock_now());
    size_t i;
    json_t *r;
    json_array_foreach(v->rules, i, r) {
        if (s) break;
        json_t *cap = json_object_get(r, "cap");
        bool nocap = !cap || json_is_null(cap);
        s = db_run(c->d,
                   "INSERT INTO points_rule(version_id, code, name, subject, source, kind, unit, points, cap, cap_period, approval) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN CAST($9 AS BIGINT) = 1 THEN NULL ELSE CAST($10 AS BIGINT) END, $11, $12)",
                   e, "ittttttiiiti", v->id, json_string_value(json_object_get(r, "code")), json_string_value(json_object_get(r, "name")),
                   json_string_value(json_object_get(r, "subject")), json_string_value(json_object_get(r, "source")),
                   json_string_value(json_object_get(r, "kind")), json_string_value(json_object_get(r, "unit")),
                   (int64_t)json_integer_value(json_object_get(r, "points")), (int64_t)(nocap ? 1 : 0),
                   (int64_t)(nocap ? 0 : json_integer_value(cap)), json_string_value(json_object_get(r, "cap_period")),
                   (int64_t)(json_is_true(json_object_get(r, "approval")) || json_integer_value(json_object_get(r, "approval")) == 1));
        if (s && strstr(e->msg, "UNIQUE"))
            s = err_field(e, ST_CONFLICT, "rules", "第 %zu 条规则与前面的规则重复（同一对象、同一活动类别只能有一条规则）。", i + 1);
    }
    a->object = uc_obj(c, "points_rule_version", v->id);
    a->detail = arena_printf(c->mem, "新增积分规则版本，自 %s 起生效，共 %zu 条规则", v->from, json_array_size(v->rules));
    return s;
}

st points_store_version_add(uc *c, const char *from, const char *note, json_t *rules, int64_t *id, err *e) {
    char f[16];
    if (!from || strlen(from) != 10 || !points_period_key("month", from, f))
        return err_field(e, ST_INVALID, "effective_from", "生效日期 effective_from 应为 YYYY-MM-DD。");
    if (!json_is_array(rules) || !json_array_size(rules))
        return err_field(e, ST_INVALID, "rules", "请至少填写一条规则（新版本完整列出所有规则）。");
    size_t i;
    json_t *r;
    json_array_foreach(rules, i, r) {
        st s = ps_rule_check(r, i, e);
        if (s) return s;
    }
    ps_version_arg v = {from, note, rules, 0};
    uc_act a = {"points.rule", NULL, NULL, NULL};
    st s = uc_write(c, &a, ps_version_work, &v, e);
    if (id) *id = s ? 0 : v.id;
    return s;
}

/* ---- claims and deductions ---- */


static const char *ps_mime(const unsigned char *h, size_t n) {
    if (n >= 5 && !memcmp(h, "%PDF-", 5)) return "application/pdf";
    if (n >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF) return "image/jpeg";
    if (n >= 8 && !memcmp(h, "\x89PNG\r\n\x1a\n", 8)) return "image/png";
    return NULL;
}

/* Where the subject sits (for the claim's scope): ST_NOT_FOUND when none. */
static st ps_subject_place(uc *c, const char *subject, int64_t id, json_t **row, err *e) {
    json_t *rows = NULL;
    st s = !strcmp(subject, "member")
               ? db_query_json(c->d, &rows,
                               "SELECT m.district_code, m.park_code, m.org_path, p.user_id, m.name FROM member m "
                               "JOIN person p ON p.id = m.person_id WHERE m.person_id = $1",
                               e, "i", id)
               : db_query_json(c->d, &rows,
                               "SELECT district_code, park_code, path AS org_path, CAST(NULL AS BIGINT) AS user_id, name FROM org WHERE id = $1",
                               e, "i", id);
    if (s) return s;
    *row = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    if (!*row)
        return err_set(e, ST_NOT_FOUND, !strcmp(subject, "member") ? "党员名册中没有编号为 %lld 的党员。" : "没有编号为 %lld 的党组织。",
                       (long long)id);
    return ST_OK;
}

typedef struct ps_claim_arg {
    const points_claim_new *n;
    int64_t subject_id, rule_id, id;
    const char *day, *sha, *mime, *name, *kind;
    int64_t points;
    json_t *place;
} ps_claim_arg;

static st ps_claim_insert(uc *c, ps_claim_arg *k, const char *state, err *e) {
    json_t *p = k->place;
    return db_query_int(
        c->d, &k->id,
        "INSERT INTO points_claim(subject, subject_id, kind, rule_code, rule_id, day, title, points, evidence_sha, evidence_name, evidence_mime, "
        "state, submitted_by, submitted_at, district_code, park_code, org_path, owner_user, reason) "
        "VALUES ($1, $2, $3, $4, NULLIF($5, 0), $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, NULLIF($18, 0), $19) RETURNING id",
        e, "tittittitttttitttit", k->n->subject, k->subject_id, k->kind, k->n->code, k->rule_id, k->day, k->n->title, k->points, k->sha,
        k->name, k->mime, state, c->who.username ? c->who.username : "-", clock_now(),
        json_string_value(json_object_get(p, "district_code")), json_string_value(json_object_get(p, "park_code")),
        json_string_value(json_object_get(p, "org_path")), (int64_t)json_integer_value(json_object_get(p, "user_id")),
        !strcmp(k->kind, "deduction") ? k->n->title : NULL);
}

static st ps_claim_work(uc *c, void *arg, uc_act *a, err *e) {
    ps_claim_arg *k = arg;
    st s = ST_OK;
    if (k->sha) s = files_put(c, "points-files-dir", k->n->evidence_path, k->sha, e);
    if (!s) s = ps_claim_insert(c, k, "pending", e);
    a->object = uc_obj(c, "points_claim", k->id);
    a->detail = arena_printf(c->mem, "申报积分：%s（%s，%s）", k->n->title, json_string_value(json_object_get(k->place, "name")), k->day);
    return s;
}

st points_store_claim_submit(uc *c, const points_claim_new *n, bool self, int64_t *id, err *e) {
    *id = 0;
    char today[11];
    clock_day(clock_now(), today);
    ps_claim_arg k = {.n = n, .subject_id = n->subject_id, .day = n->day && *n->day ? n->day : today, .kind = "claim"};
    char f[16];
    if (!points_subject_ok(n->subject)) return err_field(e, ST_INVALID, "subject", "申报对象 subject 应为 member（党员）或 org（党组织）。");
    if (!points_period_key("month", k.day, f) || strlen(k.day) != 10)
        return err_field(e, ST_INVALID, "day", "日期 day 应为 YYYY-MM-DD。");
    if (strcmp(k.day, today) > 0) return err_field(e, ST_INVALID, "day", "申报的事项日期 %s 不能晚于今天。", k.day);
    if (!n->title || utf8_count(n->title, strlen(n->title)) < 2 || utf8_count(n->title, strlen(n->title)) > 100)
        return err_field(e, ST_INVALID, "title", "请填写申报事项（2 至 100 个字），例如“获评市级优秀共产党员”。");
    st s = ST_OK;
    if (self) {
        if (strcmp(n->subject, "member")) return err_field(e, ST_INVALID, "subject", "党员只能为本人申报积分。");
        s = member_store_person_of_user(c, c->who.user_id, &k.subject_id, e);
        if (s == ST_NOT_FOUND) return err_set(e, ST_FORBIDDEN, "您的账号没有关联党员名册中的党员，不能申报积分。");
        if (s) return s;
    }
    if ((s = ps_subject_place(c, n->subject, k.subject_id, &k.place, e))) return s;
    if (!self && (s = scope_check_id(c, !strcmp(n->subject, "member") ? "member" : "org", k.subject_id, e))) goto out;
    s = db_query_int(c->d, &k.rule_id,
                     "SELECT r.id FROM points_rule r JOIN points_rule_version v ON v.id = r.version_id WHERE v.effective_from <= $1 "
                     "AND (v.effective_until IS NULL OR $1 < v.effective_until) AND r.source = 'claim' AND r.code = $2 AND r.subject = $3",
                     e, "ttt", k.day, n->code ? n->code : "", n->subject);
    if (s == ST_NOT_FOUND) {
        s = err_field(e, ST_INVALID, "code", "%s 生效的积分规则中没有“%s”这一申报类别，请从规则列表中选择。", k.day, n->code ? n->code : "");
        goto out;
    }
    if (s) goto out;
    if (n->evidence_path) {
        int64_t size = 0;
        unsigned char head[16];
        size_t nhead = 0;
        char sha[65];
        if ((s = files_digest(n->evidence_path, &size, head, sizeof head, &nhead, sha, e))) goto out;
        if (size <= 0 || size > cfg_int("points-file-max")) {
            s = err_field(e, ST_INVALID, "file", "证明材料应为非空文件，且不超过 %.1f MB。", (double)cfg_int("points-file-max") / 1048576.0);
            goto out;
        }
        k.mime = ps_mime(head, nhead);
        if (!k.mime) {
            s = err_field(e, ST_INVALID, "file", "证明材料须为 PDF 文件或 JPEG、PNG 图片（按文件内容判断）。");
            goto out;
        }
        k.sha = arena_strdup(c->mem, sha);
        k.name = n->evidence_name && *n->evidence_name ? n->evidence_name : "证明材料";
        if (utf8_count(k.name, strlen(k.name)) > 120) {
            s = err_field(e, ST_INVALID, "file", "文件名最多 120 个字。");
            goto out;
        }
    } else if (self) {
        s = err_field(e, ST_INVALID, "file", "请上传证明材料（获奖证书、表彰文件等的照片或 PDF）。");
        goto out;
    }
    uc_act a = {"points.claim", NULL, NULL, NULL};
    s = uc_write(c, &a, ps_claim_work, &k, e);
    if (!s) *id = k.id;
out:
    json_decref(k.place);
    return s;
}

typedef struct ps_decide_arg {
    int64_t id;
    bool approve;
    const char *reason;
} ps_decide_arg;

/* The line of an approved claim: the rule's points, the cap counted over the key's lines before. */
static st ps_claim_line(uc *c, int64_t claim, err *e) {
    int64_t line = 0;
    st s = db_query_int(c->d, &line,
                        "INSERT INTO points_line(" PS_LINE_COLS ", created_at) "
                        "SELECT w.subject, w.subject_id, w.rule_id, w.code, w.version_id, w.activity_id, w.claim_id, w.ref, w.day, "
                        "w.period, w.raw, " PS_CAPPED ", $2 FROM (SELECT b.*, b.raw + COALESCE((SELECT SUM(l.raw) FROM points_line l "
                        "WHERE l.subject = b.subject AND l.subject_id = b.subject_id AND l.code = b.code AND l.period = b.period), 0) AS run "
                        "FROM (" PS_CLAIM_ROWS " AND k.id = $1) b) w RETURNING id",
                        e, "ii", claim, clock_now());
    if (!s) s = ps_totals_after(c, line - 1, e);
    return s;
}

static st ps_decide_work(uc *c, void *arg, uc_act *a, err *e) {
    ps_decide_arg *d = arg;
    json_t *rows = NULL;
    st s = ps_lock(c, e);
    if (!s) s = db_query_json(c->d, &rows, "SELECT state, title, kind FROM points_claim WHERE id = $1", e, "i", d->id);
    json_t *r = s ? NULL : json_array_get(rows, 0);
    if (!s && !r) s = err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的积分申报。", (long long)d->id);
    if (!s && strcmp(json_string_value(json_object_get(r, "state")), "pending"))
        s = err_set(e, ST_CONFLICT, "这件积分申报已经审核过（%s），不能再次审核。",
                    !strcmp(json_string_value(json_object_get(r, "state")), "approved") ? "已通过" : "未通过");
    a->object = uc_obj(c, "points_claim", d->id);
    a->detail = arena_printf(c->mem, "%s积分申报“%s”%s%s", d->approve ? "通过" : "不通过", r ? json_string_value(json_object_get(r, "title")) : "",
                             d->reason ? "：" : "", d->reason ? d->reason : "");
    json_decref(rows);
    if (!s)
        s = db_run(c->d,
                   "UPDATE points_claim SET state = $2, reason = $3, decided_by = $4, decided_at = $5, "
                   "decided_seq = (SELECT COALESCE(MAX(decided_seq), 0) + 1 FROM points_claim) WHERE id = $1",
                   e, "ittti", d->id, d->approve ? "approved" : "refused", d->reason, c->who.username ? c->who.username : "-", clock_now());
    if (!s && d->approve) s = ps_claim_line(c, d->id, e);
    return s;
}

st points_store_claim_decide(uc *c, int64_t id, bool approve, const char *reason, err *e) {
    if (reason && !*reason) reason = NULL;
    if (!approve && !reason) return err_field(e, ST_INVALID, "reason", "不通过时请填写理由，申报人会看到。");
    if (reason && utf8_count(reason, strlen(reason)) > 200) return err_field(e, ST_INVALID, "reason", "理由最多 200 个字。");
    /* the claimant does not decide their own claim */
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, "SELECT owner_user, submitted_by FROM points_claim WHERE id = $1", e, "i", id);
    if (s) return s;
    json_t *r = json_array_get(rows, 0);
    bool own = r && c->who.user_id && (json_integer_value(json_object_get(r, "owner_user")) == c->who.user_id ||
                                       (c->who.username && !strcmp(c->who.username, json_string_value(json_object_get(r, "submitted_by")))));
    json_decref(rows);
    if (!r) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的积分申报。", (long long)id);
    if (own) return err_set(e, ST_CONFLICT, "不能审核本人的积分申报（回避），请由上级党组织或其他负责人审核。");
    ps_decide_arg d = {id, approve, reason};
    uc_act a = {"points.decide", NULL, NULL, NULL};
    return uc_write(c, &a, ps_decide_work, &d, e);
}

static st ps_deduct_work(uc *c, void *arg, uc_act *a, err *e) {
    ps_claim_arg *k = arg;
    st s = ps_lock(c, e);
    if (!s) s = ps_claim_insert(c, k, "approved", e);
    if (!s)
        s = db_run(c->d,
                   "UPDATE points_claim SET decided_by = submitted_by, decided_at = submitted_at, "
                   "decided_seq = (SELECT COALESCE(MAX(decided_seq), 0) + 1 FROM points_claim) WHERE id = $1",
                   e, "i", k->id);
    if (!s) s = ps_claim_line(c, k->id, e);
    a->object = uc_obj(c, "points_claim", k->id);
    a->detail = arena_printf(c->mem, "扣减 %s %.2f 分：%s", json_string_value(json_object_get(k->place, "name")), (double)-k->points / 100.0,
                             k->n->title);
    return s;
}

st points_store_deduct(uc *c, const char *subject, int64_t subject_id, const char *day, int64_t points, const char *reason, int64_t *id,
                       err *e) {
    *id = 0;
    char today[11], f[16];
    clock_day(clock_now(), today);
    if (!points_subject_ok(subject)) return err_field(e, ST_INVALID, "subject", "扣分对象 subject 应为 member（党员）或 org（党组织）。");
    if (points <= 0 || points > cfg_int("points-deduct-max"))
        return err_field(e, ST_INVALID, "points", "扣减的分值 points（以 0.01 分计）应在 1 至 %lld 之间。", (long long)cfg_int("points-deduct-max"));
    if (!reason || utf8_count(reason, strlen(reason)) < 2 || utf8_count(reason, strlen(reason)) > 200)
        return err_field(e, ST_INVALID, "reason", "请填写扣分理由（2 至 200 个字），被扣分的党员或党组织会看到。");
    const char *d = day && *day ? day : today;
    if (!points_period_key("month", d, f) || strlen(d) != 10 || strcmp(d, today) > 0)
        return err_field(e, ST_INVALID, "day", "日期 day 应为 YYYY-MM-DD，且不晚于今天。");
    points_claim_new n = {.subject = subject, .subject_id = subject_id, .code = NULL, .day = d, .title = reason};
    ps_claim_arg k = {.n = &n, .subject_id = subject_id, .day = d, .kind = "deduction", .points = -points};
    st s = ps_subject_place(c, subject, subject_id, &k.place, e);
    if (!s) s = scope_check_id(c, !strcmp(subject, "member") ? "member" : "org", subject_id, e);
    uc_act a = {"points.deduct", NULL, NULL, NULL};
    if (!s) s = uc_write(c, &a, ps_deduct_work, &k, e);
    if (!s) *id = k.id;
    json_decref(k.place);
    return s;
}

#define PS_CLAIM_COLS                                                                                                \
    "k.id, k.subject, k.subject_id, k.kind, k.rule_code, k.day, k.title, k.points, k.evidence_name, k.evidence_mime, k.state, " \
    "k.reason, k.submitted_by, k.submitted_at, k.decided_by, k.decided_at, k.activity_id, "                        \
    "CASE WHEN k.subject = 'member' THEN (SELECT m.name FROM member m WHERE m.person_id = k.subject_id) "           \
    "ELSE (SELECT o.name FROM org o WHERE o.id = k.subject_id) END AS subject_name, "                              \
    "(SELECT r.name FROM points_rule r WHERE r.id = k.rule_id) AS rule_name, "                                      \
    "(SELECT SUM(l.points) FROM points_line l WHERE l.claim_id = k.id) AS counted"
#define PS_CLAIM_SCOPE SCOPE_COND("$1", "$2", "k.district_code", "k.park_code", "k.org_path", "NULL", "k.owner_user")

st points_store_claim_get(uc *c, int64_t id, json_t **out, err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, "SELECT " PS_CLAIM_COLS " FROM points_claim k WHERE k.id = $3 AND (" PS_CLAIM_SCOPE " OR k.owner_user = $4)",
                         e, "ttii", k, code, id, c->who.user_id ? c->who.user_id : (int64_t)-1);
    if (s) return s;
    *out = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    if (!*out) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的积分申报（或不在您的管理范围内）。", (long long)id);
    return ST_OK;
}

st points_store_claim_evidence(uc *c, int64_t id, const char **path, const char **mime, const char **name, err *e) {
    json_t *o = NULL;
    st s = points_store_claim_get(c, id, &o, e);
    if (s) return s;
    json_decref(o);
    json_t *rows = NULL;
    s = db_query_json(c->d, &rows, "SELECT evidence_sha, evidence_mime, evidence_name FROM points_claim WHERE id = $1", e, "i", id);
    if (s) return s;
    json_t *r = json_array_get(rows, 0);
    const char *sha = json_string_value(json_object_get(r, "evidence_sha"));
    if (!sha) {
        json_decref(rows);
        return err_set(e, ST_NOT_FOUND, "这件积分申报没有上传证明材料。");
    }
    *path = files_local(c, "points-files-dir", sha);
    *mime = arena_strdup(c->mem, json_string_value(json_object_get(r, "evidence_mime")));
    *name = arena_strdup(c->mem, json_string_value(json_object_get(r, "evidence_name")));
    json_decref(rows);
    if (access(*path, R_OK) != 0) return err_set(e, ST_IO, "证明材料文件缺失（%s），请联系系统管理员从备份恢复。", *name);
    uc_act act = {"points.evidence", uc_obj(c, "points_claim", id), arena_printf(c->mem, "下载积分申报 %lld 的证明材料“%s”", (long long)id, *name)};
    return uc_audit(c, &act, e);
}

st points_store_claims(uc *c, const char *state, const uc_page *p, json_t **items, int64_t *total, err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    const char *st_ = state ? state : "";
    st s = db_query_int(c->d, total, "SELECT COUNT(*) FROM points_claim k WHERE " PS_CLAIM_SCOPE " AND ($3 = '' OR k.state = $3)", e, "ttt", k,
                        code, st_);
    if (s) return s;
    /* pending first (oldest first: the queue), then the decided, newest first */
    return db_query_json(c->d, items,
                         "SELECT q.* FROM (SELECT " PS_CLAIM_COLS " FROM points_claim k WHERE " PS_CLAIM_SCOPE
                         " AND ($3 = '' OR k.state = $3)) q ORDER BY CASE WHEN q.state = 'pending' THEN 0 ELSE 1 END, "
                         "CASE WHEN q.state = 'pending' THEN q.id ELSE -q.id END LIMIT $4 OFFSET $5",
                         e, "tttii", k, code, st_, p ? p->limit : 20, p ? p->offset : 0);
}

/* ---- views ---- */

st points_store_lines(uc *c, const char *subject, int64_t subject_id, const char *period, json_t **out, err *e) {
    char from[11], until[11];
    if (!points_period_parse(period, from, until))
        return err_field(e, ST_INVALID, "period", "期间 period 应为年（2026）、季度（2026-Q3）或月份（2026-09）。");
    if (!points_subject_ok(subject)) return err_field(e, ST_INVALID, "subject", "对象应为 member 或 org。");
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT l.id, l.code, l.rule_id, r.name AS rule_name, l.version_id, v.effective_from AS version_from, "
                         "l.activity_id, a.kind AS activity_kind, a.value AS activity_value, l.claim_id, k.title AS claim_title, "
                         "k.kind AS claim_kind, l.ref, l.day, l.period, l.raw, l.points "
                         "FROM points_line l LEFT JOIN points_rule r ON r.id = l.rule_id "
                         "LEFT JOIN points_rule_version v ON v.id = l.version_id LEFT JOIN activity a ON a.id = l.activity_id "
                         "LEFT JOIN points_claim k ON k.id = l.claim_id "
                         "WHERE l.subject = $1 AND l.subject_id = $2 AND l.day >= $3 AND l.day <= $4 ORDER BY l.day DESC, l.id DESC",
                         e, "titt", subject, subject_id, from, until);
    if (s) return s;
    int64_t total = 0;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        total += json_integer_value(json_object_get(r, "points"));
        char lk[96];
        const char *link = points_ref_link(json_string_value(json_object_get(r, "ref")), lk, sizeof lk);
        json_object_set_new(r, "link", link ? json_string(link) : json_null());
        if (!link && json_integer_value(json_object_get(r, "claim_id")))
            json_object_set_new(r, "link", json_sprintf("/me/points?claim=%lld", (long long)json_integer_value(json_object_get(r, "claim_id"))));
    }
    *out = json_pack("{s:s,s:I,s:s,s:s,s:I,s:o}", "subject", subject, "subject_id", (json_int_t)subject_id, "period", period, "from", from,
                     "total", (json_int_t)total, "lines", rows);
    return ST_OK;
}

st points_store_mine(uc *c, const char *period, json_t **out, err *e) {
    int64_t person = 0;
    st s = member_store_person_of_user(c, c->who.user_id, &person, e);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "您的账号没有关联党员名册中的党员，暂无积分。");
    if (!s) s = points_store_lines(c, "member", person, period, out, e);
    if (s) return s;
    json_t *claims = NULL, *codes = NULL;
    s = db_query_json(c->d, &claims,
                      "SELECT " PS_CLAIM_COLS " FROM points_claim k WHERE k.subject = 'member' AND k.subject_id = $1 ORDER BY k.id DESC LIMIT 50", e,
                      "i", person);
    char today[11];
    clock_day(clock_now(), today);
    if (!s)
        s = db_query_json(c->d, &codes,
                          "SELECT r.code, r.name, r.points, r.cap, r.cap_period FROM points_rule r JOIN points_rule_version v ON v.id = r.version_id "
                          "WHERE v.effective_from <= $1 AND (v.effective_until IS NULL OR $1 < v.effective_until) AND r.source = 'claim' "
                          "AND r.subject = 'member' ORDER BY r.code",
                          e, "t", today);
    if (s) {
        json_decref(*out);
        json_decref(claims);
        return s;
    }
    json_object_set_new(*out, "claims", claims);
    json_object_set_new(*out, "claim_codes", codes);
    return ST_OK;
}

#define PS_RANK_MEMBERS                                                                                              \
    "FROM points_total t JOIN member m ON m.person_id = t.subject_id WHERE t.period = $1 AND t.subject = 'member' "  \
    "AND ($2 = 0 OR m.org_path LIKE '%/' || CAST($2 AS TEXT) || '/%') AND ($3 = '' OR m.district_code = $3) AND "     \
    SCOPE_COND("$4", "$5", "m.district_code", "m.park_code", "m.org_path", "NULL", "NULL")
#define PS_RANK_ORGS                                                                                                 \
    "FROM points_total t JOIN org o ON o.id = t.subject_id WHERE t.period = $1 AND t.subject = 'org' "              \
    "AND ($2 = 0 OR o.path LIKE '%/' || CAST($2 AS TEXT) || '/%') AND ($3 = '' OR o.district_code = $3) AND "        \
    SCOPE_COND("$4", "$5", "o.district_code", "o.park_code", "o.path", "NULL", "NULL")

st points_store_ranking(uc *c, const points_ranking_q *q, const uc_page *p, json_t **items, int64_t *total, err *e) {
    char from[11], until[11];
    if (!q->period || !points_period_parse(q->period, from, until))
        return err_field(e, ST_INVALID, "period", "期间 period 应为年（2026）、季度（2026-Q3）或月份（2026-09）。");
    if (!points_subject_ok(q->subject)) return err_field(e, ST_INVALID, "subject", "排名对象 subject 应为 member（党员）或 org（党组织）。");
    const char *k, *code, *dist = q->district ? q->district : "";
    scope_bind(c, &k, &code);
    bool mem = !strcmp(q->subject, "member");
    int64_t limit = p ? p->limit : 20, offset = p ? p->offset : 0;
    st s = mem ? db_query_int(c->d, total, "SELECT COUNT(*) " PS_RANK_MEMBERS, e, "tittt", q->period, q->org_id, dist, k, code)
               : db_query_int(c->d, total, "SELECT COUNT(*) " PS_RANK_ORGS, e, "tittt", q->period, q->org_id, dist, k, code);
    if (!s)
        s = mem ? db_query_json(c->d, items,
                                "SELECT t.subject_id AS id, m.name, m.org_id, (SELECT o.name FROM org o WHERE o.id = m.org_id) AS org_name, "
                                "t.points, t.last_day " PS_RANK_MEMBERS
                                " ORDER BY t.points DESC, t.last_day, t.subject_id LIMIT $6 OFFSET $7",
                                e, "tittti" "i", q->period, q->org_id, dist, k, code, limit, offset)
                : db_query_json(c->d, items,
                                "SELECT t.subject_id AS id, o.name, o.id AS org_id, o.name AS org_name, t.points, t.last_day " PS_RANK_ORGS
                                " ORDER BY t.points DESC, t.last_day, t.subject_id LIMIT $6 OFFSET $7",
                                e, "tittti" "i", q->period, q->org_id, dist, k, code, limit, offset);
    if (s) return s;
    /* ranks: equal totals share one (1 + how many are strictly ahead) */
    size_t n = json_array_size(*items), i;
    int64_t ahead = 0, prev = 0;
    for (i = 0; i < n && !s; i++) {
        json_t *r = json_array_get(*items, i);
        int64_t pts = json_integer_value(json_object_get(r, "points"));
        if (i == 0 || pts != prev) {
            if (i == 0 && offset > 0)
                s = mem ? db_query_int(c->d, &ahead, "SELECT COUNT(*) " PS_RANK_MEMBERS " AND t.points > $6", e, "tittti", q->period, q->org_id, dist,
                                       k, code, pts)
                        : db_query_int(c->d, &ahead, "SELECT COUNT(*) " PS_RANK_ORGS " AND t.points > $6", e, "tittti", q->period, q->org_id, dist, k,
                                       code, pts);
            else ahead = offset + (int64_t)i;
        }
        prev = pts;
        json_object_set_new(r, "rank", json_integer(ahead + 1));
    }
    return s;
}

st points_store_unit_total(uc *c, const char *unit_kind, const char *unit, const char *from, const char *until, bool with_members,
                           int64_t *total, err *e) {
    *total = 0;
    if (!unit_kind || !unit || !from || !until) return err_set(e, ST_INVALID, "积分合计缺少单位或起止日期。");
    int64_t wm = with_members ? 1 : 0, a = 0;
    st s;
    if (!strcmp(unit_kind, "org")) {
        int64_t id = strtoll(unit, NULL, 10);
        s = db_query_int(c->d, &a,
                         "SELECT COALESCE(SUM(l.points), 0) FROM points_line l WHERE l.day >= $2 AND l.day <= $3 AND "
                         "((l.subject = 'org' AND l.subject_id IN (SELECT o.id FROM org o WHERE o.path LIKE '%/' || CAST($1 AS TEXT) || '/%')) "
                         "OR ($4 = 1 AND l.subject = 'member' AND l.subject_id IN (SELECT m.person_id FROM member m "
                         "WHERE m.org_path LIKE '%/' || CAST($1 AS TEXT) || '/%')))",
                         e, "itti", id, from, until, wm);
    } else if (!strcmp(unit_kind, "member")) {   /* unit = the person's id: their own lines (星级权益的排序) */
        s = db_query_int(c->d, &a,
                         "SELECT COALESCE(SUM(l.points), 0) FROM points_line l WHERE l.subject = 'member' AND l.subject_id = $1 "
                         "AND l.day >= $2 AND l.day <= $3",
                         e, "itt", strtoll(unit, NULL, 10), from, until);
    } else if (!strcmp(unit_kind, "district") || !strcmp(unit_kind, "park")) {
        bool d = !strcmp(unit_kind, "district");
        s = db_query_int(c->d, &a,
                         "SELECT COALESCE(SUM(l.points), 0) FROM points_line l WHERE l.day >= $2 AND l.day <= $3 AND "
                         "((l.subject = 'org' AND l.subject_id IN (SELECT o.id FROM org o WHERE CASE WHEN $5 = 1 THEN o.district_code "
                         "ELSE o.park_code END = $1)) "
                         "OR ($4 = 1 AND l.subject = 'member' AND l.subject_id IN (SELECT m.person_id FROM member m "
                         "WHERE CASE WHEN $5 = 1 THEN m.district_code ELSE m.park_code END = $1)))",
                         e, "tttii", unit, from, until, wm, (int64_t)(d ? 1 : 0));
    } else {
        return err_set(e, ST_INVALID, "积分合计的单位应为 org、member、district 或 park。");
    }
    if (!s) *total = a;
    return s;
}

/* ---- scope ---- */

const scope_resolver points_scope_resolvers[] = {
    /* A claim sits where its subject sat when it was submitted; the member's own account owns it. */
    {"points_claim", true, false, "SELECT district_code, park_code, org_path, NULL, owner_user FROM points_claim WHERE id = CAST($1 AS BIGINT)",
     .noun = "积分申报"},
    /* Rule versions are the city's: only the city scope reaches them. */
    {"points_rule_version", true, false, "SELECT NULL, NULL, NULL, NULL, NULL FROM points_rule_version WHERE id = CAST($1 AS BIGINT)",
     .noun = "积分规则版本"},
    {NULL, false, false, NULL},
};
