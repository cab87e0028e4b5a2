/* audit_store — the auditor's queries over the audit table (see audit_store.h). */
#include "auth/audit_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"

#define AUDIT_WHERE                                                                                                    \
    " FROM audit WHERE (CAST($1 AS TEXT) IS NULL OR username = $1) AND (CAST($2 AS TEXT) IS NULL OR action LIKE $2) " \
    "AND (CAST($3 AS TEXT) IS NULL OR result = $3) AND at >= $4 AND at <= $5"

st audit_store_list(uc *c, const audit_filter *f, const uc_page *pg, json_t **items, int64_t *total, err *e) {
    *items = NULL;
    st s = db_query_int(c->d, total, "SELECT COUNT(*)" AUDIT_WHERE, e, "tttii", f->user, f->action, f->result, f->from,
                        f->to);
    if (s) return s;
    const char *sql = arena_printf(c->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $6 OFFSET $7",
                                   "SELECT seq, at, user_id, username, role, action, object, result, address, detail, "
                                   "hash" AUDIT_WHERE,
                                   pg->order ? pg->order : "q.seq DESC");
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    s = db_query_json(c->d, items, sql, e, "tttiiii", f->user, f->action, f->result, f->from, f->to, pg->limit,
                      pg->offset);
    if (s) return s;
    size_t i;
    json_t *row;
    json_array_foreach(*items, i, row) {
        char iso[32];
        clock_iso(json_integer_value(json_object_get(row, "at")), iso, sizeof iso);
        json_object_set_new(row, "time", json_string(iso));
    }
    return ST_OK;
}

static const char *audit_text(db_stmt *q, int col) { return db_col_null(q, col) ? NULL : db_col_text(q, col); }

st audit_store_each(uc *c, const audit_filter *f, int64_t max, st (*row)(void *arg, const audit_line *l, err *e),
                    void *arg, int64_t *n, bool *more, err *e) {
    *n = 0;
    *more = false;
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT seq, at, username, role, action, object, result, address, detail, hash" AUDIT_WHERE
                      " ORDER BY seq LIMIT $6",
                      &q, e);
    if (s) return s;
    db_bind_text(q, 1, f->user);
    db_bind_text(q, 2, f->action);
    db_bind_text(q, 3, f->result);
    db_bind_int(q, 4, f->from);
    db_bind_int(q, 5, f->to);
    db_bind_int(q, 6, max + 1);   /* one more tells whether there are more */
    int rc = DB_DONE;
    while (!s && (rc = db_step(q, e)) == DB_ROW) {
        if (*n == max) {
            *more = true;
            break;
        }
        audit_line l = {db_col_int(q, 0), db_col_int(q, 1), audit_text(q, 2), audit_text(q, 3), audit_text(q, 4),
                        audit_text(q, 5), audit_text(q, 6), audit_text(q, 7), audit_text(q, 8), audit_text(q, 9)};
        s = row(arg, &l, e);
        (*n)++;
    }
    db_reset(q);
    if (!s && rc == DB_ERROR) s = e->code;
    return s;
}

/* ---- what an object is called ---- */

/* Each kind of object the audit rows name: its noun and one SQL row giving
 * its name now ($1 = the key as text; numeric keys are checked first).
 * The tables belong to other modules; this is a read for the auditor only. */
static const struct {
    const char *kind, *noun;
    bool numeric;
    const char *sql;
} audit_kinds[] = {
    {"org", "党组织", true, "SELECT name FROM org WHERE id = CAST($1 AS BIGINT)"},
    {"user", "用户", true, "SELECT name || '（' || username || '）' FROM users WHERE id = CAST($1 AS BIGINT)"},
    {"managed_user", "用户", true, "SELECT name || '（' || username || '）' FROM users WHERE id = CAST($1 AS BIGINT)"},
    {"person", "党员", true, "SELECT name FROM person WHERE id = CAST($1 AS BIGINT)"},
    {"develop", "入党申请人", true, "SELECT name FROM develop_applicant WHERE id = CAST($1 AS BIGINT)"},
    {"meeting", "会议", true,
     "SELECT o.name || ' ' || m.day || ' ' || m.kind FROM meeting m JOIN org o ON o.id = m.org_id "
     "WHERE m.id = CAST($1 AS BIGINT)"},
    {"notice", "通知", true, "SELECT title FROM notice WHERE id = CAST($1 AS BIGINT)"},
    {"transfer", "组织关系转接", true, "SELECT name || ' ' || from_name || ' → ' || to_name FROM transfer WHERE id = CAST($1 AS BIGINT)"},
    {"course", "课程", true, "SELECT title FROM course WHERE id = CAST($1 AS BIGINT)"},
    {"course_offline", "线下学时", true, "SELECT title || ' ' || day FROM course_offline WHERE id = CAST($1 AS BIGINT)"},
    {"training_batch", "培训班", true, "SELECT name FROM training_batch WHERE id = CAST($1 AS BIGINT)"},
    {"flow", "流动党员", true, "SELECT name || ' ' || place FROM member_flow WHERE id = CAST($1 AS BIGINT)"},
    {"ledger_round", "台账轮次", true, "SELECT name FROM ledger_round WHERE id = CAST($1 AS BIGINT)"},
    {"ledger_import", "台账导入", true, "SELECT source FROM ledger_import WHERE id = CAST($1 AS BIGINT)"},
    {"ledger_record", "台账记录", true, "SELECT name FROM ledger_record WHERE id = CAST($1 AS BIGINT)"},
    {"roster_import", "花名册导入", true, "SELECT source FROM roster_import WHERE id = CAST($1 AS BIGINT)"},
    {"exam_bank", "考试题库", true, "SELECT name FROM exam_bank WHERE id = CAST($1 AS BIGINT)"},
    {"exam", "考试", true, "SELECT title FROM exam WHERE id = CAST($1 AS BIGINT)"},
    {"exam_attempt", "考试作答", true,
     "SELECT p.name || ' ' || x.title FROM exam_attempt a JOIN exam x ON x.id = a.exam_id JOIN person p ON p.id = a.person_id "
     "WHERE a.id = CAST($1 AS BIGINT)"},
    {"dues_bank_import", "银行流水对账", true,
     "SELECT o.name || ' ' || i.month || ' ' || i.source FROM dues_bank_import i JOIN org o ON o.id = i.org_id "
     "WHERE i.id = CAST($1 AS BIGINT)"},
    {"org_post", "任职记录", true,
     "SELECT o.name || ' ' || p.post || ' ' || p.name FROM org_post p JOIN org o ON o.id = p.org_id WHERE p.id = CAST($1 AS BIGINT)"},
    {"org_election", "换届选举", true,
     "SELECT o.name || ' ' || x.day || ' 换届选举' FROM org_election x JOIN org o ON o.id = x.org_id WHERE x.id = CAST($1 AS BIGINT)"},
    {"liaison_link", "挂钩联系", true,   /* issue 23, liaison */
     "SELECT l.leader_name || ' 挂钩 ' || e.name FROM liaison_link l JOIN enterprise e ON e.id = l.enterprise_id WHERE l.id = CAST($1 AS BIGINT)"},
    {"liaison_visit", "走访记录", true,
     "SELECT e.name || ' ' || v.day || ' 走访' FROM liaison_visit v JOIN enterprise e ON e.id = v.enterprise_id WHERE v.id = CAST($1 AS BIGINT)"},
    {"liaison_problem", "走访问题", true,
     "SELECT e.name || ' ' || p.description FROM liaison_problem p JOIN enterprise e ON e.id = p.enterprise_id WHERE p.id = CAST($1 AS BIGINT)"},
    {"instructor", "党建指导员", true, "SELECT name FROM org_instructor WHERE id = CAST($1 AS BIGINT)"},
    {"enterprise", "企业", true, "SELECT name FROM enterprise WHERE id = CAST($1 AS BIGINT)"},
    {"register_feed", "登记数据导入", true, "SELECT source FROM register_feed WHERE id = CAST($1 AS BIGINT)"},
    {"register_proposal", "名录变动建议", true, "SELECT name FROM register_proposal WHERE id = CAST($1 AS BIGINT)"},
    {"alliance", "党建联盟", true, "SELECT name FROM alliance WHERE id = CAST($1 AS BIGINT)"},
    {"alliance_activity", "联盟联合活动", true,
     "SELECT a.name || ' ' || x.day || ' ' || x.topic FROM alliance_activity x JOIN alliance a ON a.id = x.alliance_id "
     "WHERE x.id = CAST($1 AS BIGINT)"},
    {"points_claim", "积分申报", true,
     "SELECT title || ' ' || day FROM points_claim WHERE id = CAST($1 AS BIGINT)"},
    {"points_rule_version", "积分规则版本", true, "SELECT '自 ' || effective_from || ' 起' FROM points_rule_version WHERE id = CAST($1 AS BIGINT)"},
    {"center", "党群服务中心", true, "SELECT name FROM center WHERE id = CAST($1 AS BIGINT)"},   /* issue 19 */
    {"center_booking", "活动室预约", true,
     "SELECT o.name || ' ' || b.day || ' ' || b.start_time || '–' || b.end_time FROM center_booking b JOIN org o ON o.id = b.org_id "
     "WHERE b.id = CAST($1 AS BIGINT)"},
    {"region", "区域", false, "SELECT name FROM region WHERE code = $1"},
    {"volunteer_team", "志愿服务队", true, "SELECT name FROM volunteer_team WHERE id = CAST($1 AS BIGINT)"},
    {"volunteer_activity", "志愿服务活动", true,
     "SELECT t.name || ' ' || a.day || ' ' || a.title FROM volunteer_activity a JOIN volunteer_team t ON t.id = a.team_id "
     "WHERE a.id = CAST($1 AS BIGINT)"},
    /* 内容预审: the item by its number and its enterprise, never its title (the content stays in the enterprise) */
    {"review_item", "送审事项", true,
     "SELECT e.name || ' 第 ' || CAST(i.id AS TEXT) || ' 号送审事项' FROM review_item i JOIN enterprise e ON e.id = i.enterprise_id "
     "WHERE i.id = CAST($1 AS BIGINT)"},
    {"review_group", "内容审核小组", true,
     "SELECT e.name || ' ' || g.name FROM review_group g JOIN enterprise e ON e.id = g.enterprise_id WHERE g.id = CAST($1 AS BIGINT)"},
    {"review_checklist", "内容预审清单", false, NULL},
    {"meeting_photo", "会议照片", true, "SELECT filename FROM meeting_photo WHERE id = CAST($1 AS BIGINT)"},
    {"develop_document", "发展党员材料", true, "SELECT filename FROM develop_document WHERE id = CAST($1 AS BIGINT)"},
    {"dues_payment", "党费收据", true,
     "SELECT y.receipt_no || ' ' || p.name FROM dues_payment y JOIN person p ON p.id = y.person_id WHERE y.id = CAST($1 AS BIGINT)"},
    {"dues_sheet", "党费应交名单", true,
     "SELECT o.name || ' ' || s.month FROM dues_sheet s JOIN org o ON o.id = s.org_id WHERE s.id = CAST($1 AS BIGINT)"},
    {"dues_relief", "党费减免", true,
     "SELECT p.name || ' ' || r.from_month || '—' || r.to_month FROM dues_relief r JOIN person p ON p.id = r.person_id "
     "WHERE r.id = CAST($1 AS BIGINT)"},
    {"dues_month", "党费月份", false, NULL},
    {"assessment", "责任考核", true, "SELECT CAST(year AS TEXT) || ' 年度责任考核' FROM assess WHERE id = CAST($1 AS BIGINT)"},
    {"star_rating", "星级评定", true, "SELECT period || ' 星级评定' FROM star_rating WHERE id = CAST($1 AS BIGINT)"},
    {"benefit", "星级权益", true, "SELECT name FROM benefit WHERE id = CAST($1 AS BIGINT)"},
    {"benefit_app", "星级权益申请", true,
     "SELECT a.applicant_name || ' 申请 ' || b.name FROM benefit_app a JOIN benefit b ON b.id = a.benefit_id WHERE a.id = CAST($1 AS BIGINT)"},
    {"session", "登录会话", true, NULL},
    {"develop_step", "发展党员步骤", false, NULL},
    {"ledger_decision", "记录对", false, NULL},
    {"ledger_entity", "轮次中的企业", false, NULL},
    {"address", "来源地址", false, NULL},
    {"audit", "审计日志", false, NULL},
    {"audit_head", "审计日志链头", false, NULL},
};

static bool audit_digits(const char *s) {
    if (!s || !*s || strlen(s) > 18) return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return false;
    return true;
}

/* "2018-04-3" → "2018年4月下旬旬报" */
static const char *audit_bulletin_name(uc *c, const char *key) {
    int y, m, x;
    char tail;
    if (!key || sscanf(key, "%4d-%2d-%1d%c", &y, &m, &x, &tail) != 3 || m < 1 || m > 12 || x < 1 || x > 3) return NULL;
    static const char *const xun[] = {"上旬", "中旬", "下旬"};
    return arena_printf(c->mem, "旬报：%d年%d月%s", y, m, xun[x - 1]);
}

st audit_store_object_name(uc *c, const char *kind, const char *key, const char **name, err *e) {
    *name = NULL;
    if (!key || !*key) return ST_OK;
    if (!kind) {   /* a username alone (a login, a lockout) */
        char *n = NULL;
        st s = db_query_text(c->d, &n, "SELECT name || '（' || username || '）' FROM users WHERE username = $1", e, "t", key);
        if (s == ST_NOT_FOUND) return ST_OK;
        if (!s) *name = arena_printf(c->mem, "用户：%s", n);
        free(n);
        return s;
    }
    if (!strcmp(kind, "bulletin")) {
        *name = audit_bulletin_name(c, key);
        return ST_OK;
    }
    for (size_t i = 0; i < sizeof audit_kinds / sizeof audit_kinds[0]; i++) {
        if (strcmp(audit_kinds[i].kind, kind) != 0) continue;
        if (audit_kinds[i].numeric && !audit_digits(key)) return ST_OK;
        if (!audit_kinds[i].sql) {
            *name = arena_printf(c->mem, "%s %s%s", audit_kinds[i].noun, audit_kinds[i].numeric ? "#" : "", key);
            return ST_OK;
        }
        char *n = NULL;
        st s = db_query_text(c->d, &n, audit_kinds[i].sql, e, "t", key);
        if (s == ST_NOT_FOUND) {
            *name = arena_printf(c->mem, "%s #%s（已不存在）", audit_kinds[i].noun, key);
            return ST_OK;
        }
        if (!s) *name = arena_printf(c->mem, "%s：%s", audit_kinds[i].noun, n ? n : "");
        free(n);
        return s;
    }
    return ST_OK;
}
