/* develop — the rules of developing new members (see develop.h): no SQL, no HTTP. */
#include "develop/develop.h"
#include "core/day.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "member/member.h"

static const char *const DEVELOP_STAGES[] = {"入党申请人", "入党积极分子", "发展对象", "预备党员", "正式党员", NULL};

const develop_rule *develop_rule_find(const develop_rule *rules, size_t n, const char *code) {
    for (size_t i = 0; code && i < n; i++)
        if (!strcmp(rules[i].code, code)) return &rules[i];
    return NULL;
}

void develop_add_months(const char *day, int months, char out[11]) { day_add_months(day, months, out); }

int develop_days_between(const char *a, const char *b) { return (int)day_between(a, b); }

void develop_add_days(const char *day, int n, char out[11]) { day_add(day, n, out); }

bool develop_age_ok(const char *birth, const char *day, int min_age) {
    /* born on 29 February: the birthday of a common year is 1 March (as member_years counts) */
    return member_years(birth, day) >= min_age;
}

static const develop_done *develop_done_find(const develop_done *done, size_t nd, const char *code) {
    for (size_t i = 0; code && i < nd; i++)
        if (!strcmp(done[i].code, code)) return &done[i];
    return NULL;
}

/* Months the probation was extended by (0 when it was not). */
static int develop_extension(const develop_done *done, size_t nd) {
    const develop_done *x = develop_done_find(done, nd, DEVELOP_EXTEND);
    return x ? x->months : 0;
}

/* The earliest and the due day of rule r after the steps done ("" when none). */
static void develop_window(const develop_rule *r, const develop_done *done, size_t nd, char from[11], char due[11]) {
    from[0] = due[0] = 0;
    const develop_done *a = r->anchor ? develop_done_find(done, nd, r->anchor) : NULL;
    if (!a) return;
    /* the end of probation moves with an extension */
    int extra = !strcmp(r->code, DEVELOP_FULL) ? develop_extension(done, nd) : 0;
    if (r->min_months > 0) develop_add_months(a->day, r->min_months + extra, from);
    if (r->due_months > 0) develop_add_months(a->day, r->due_months + extra, due);
}

st develop_check(const develop_rule *rules, size_t n, const develop_done *done, size_t nd, const char *birth, int min_age,
                 const develop_step_in *in, err *e) {
    const develop_rule *r = develop_rule_find(rules, n, in->code);
    if (!r) return err_field(e, ST_INVALID, "step", "没有名为“%s”的发展党员步骤。", in->code ? in->code : "");
    if (!in->day || strlen(in->day) != 10) return err_field(e, ST_INVALID, "day", "请填写“%s”的日期（YYYY-MM-DD）。", r->name);
    if (develop_done_find(done, nd, r->code)) return err_field(e, ST_CONFLICT, "step", "“%s”已经办理过，不能重复办理。", r->name);
    /* a file closed: full member, or probation cancelled */
    if (develop_done_find(done, nd, DEVELOP_FULL) || develop_done_find(done, nd, DEVELOP_CANCEL))
        return err_field(e, ST_INVALID, "step", "该发展对象的程序已经结束（已转为正式党员或已取消预备党员资格），不能再办理“%s”。", r->name);
    /* order: every required step before this one done, none after it */
    for (size_t i = 0; i < n; i++) {
        const develop_rule *p = &rules[i];
        if (p->optional) continue;
        bool has = develop_done_find(done, nd, p->code) != NULL;
        if (p->seq < r->seq && !has)
            return err_field(e, ST_INVALID, "step", "请先办理“%s”，再办理“%s”：发展党员须按程序逐步进行。", p->name, r->name);
        if (p->seq > r->seq && has && !r->optional)
            return err_field(e, ST_INVALID, "step", "“%s”已经办理，不能再补办在它之前的“%s”。", p->name, r->name);
    }
    /* no step dated before one already done */
    for (size_t i = 0; i < nd; i++)
        if (strcmp(in->day, done[i].day) < 0) {
            const develop_rule *p = develop_rule_find(rules, n, done[i].code);
            return err_field(e, ST_INVALID, "day", "“%s”的日期 %s 早于已办理的“%s”（%s），请核对。", r->name, in->day,
                             p ? p->name : done[i].code, done[i].day);
        }
    /* the age at application, from the ID number */
    if (!strcmp(r->code, DEVELOP_APPLY) && birth && !develop_age_ok(birth, in->day, min_age))
        return err_field(e, ST_INVALID, "day", "递交入党申请时（%s）未满 %d 周岁（出生日期 %s，据身份证号）：%s。", in->day, min_age, birth,
                         r->rule);
    /* too early: the day itself is accepted, the day before refused */
    char from[11], due[11];
    develop_window(r, done, nd, from, due);
    if (from[0] && strcmp(in->day, from) < 0) {
        const develop_rule *a = develop_rule_find(rules, n, r->anchor);
        return err_field(e, ST_INVALID, "day", "“%s”最早可于 %s 办理（“%s”之后满 %d 个月）：%s。", r->name, from, a ? a->name : r->anchor,
                         r->min_months + (!strcmp(r->code, DEVELOP_FULL) ? develop_extension(done, nd) : 0), r->rule);
    }
    /* the people: how many, and who may take the role on that day */
    if (r->people) {
        bool intro = !strcmp(r->people, "introducer");
        const char *role = intro ? "入党介绍人" : "培养联系人";
        if ((int)in->n_people < r->people_min || (r->people_max && (int)in->n_people > r->people_max)) {
            if (r->people_min == r->people_max)
                return err_field(e, ST_INVALID, "people", "“%s”须有 %d 名%s（填了 %zu 名）：%s。", r->name, r->people_min, role,
                                 in->n_people, r->rule);
            return err_field(e, ST_INVALID, "people", "“%s”须有 %d 至 %d 名%s（填了 %zu 名）：%s。", r->name, r->people_min,
                             r->people_max, role, in->n_people, r->rule);
        }
        for (size_t i = 0; i < in->n_people; i++) {
            const develop_person *p = &in->people[i];
            if (!p->category)
                return err_field(e, ST_INVALID, "people", "%s“%s”在 %s 不是党员，不能担任%s：%s。", role, p->name ? p->name : "",
                                 in->day, role, r->rule);
            if (strcmp(p->category, MEMBER_FULL))
                return err_field(e, ST_INVALID, "people", "%s“%s”在 %s 是%s，%s须由正式党员担任：%s。", role,
                                 p->name ? p->name : "", in->day, p->category, role, r->rule);
            for (size_t j = 0; j < i; j++)
                if (in->people[j].person_id == p->person_id)
                    return err_field(e, ST_INVALID, "people", "%s“%s”填了两次。", role, p->name);
        }
    } else if (in->n_people) {
        return err_field(e, ST_INVALID, "people", "“%s”不需要填写培养联系人或入党介绍人。", r->name);
    }
    /* training: at least so many days, or so many 学时 */
    if (r->days_min > 0 || r->hours_min > 0) {
        bool ok = (r->days_min > 0 && in->days >= r->days_min) || (r->hours_min > 0 && in->hours >= r->hours_min);
        if (!ok)
            return err_field(e, ST_INVALID, "days", "“%s”的时间不足（%d 天、%d 学时），须不少于 %d 天或 %d 学时：%s。", r->name, in->days,
                             in->hours, r->days_min, r->hours_min, r->rule);
    }
    /* an extension's length */
    if (r->months_min > 0 || r->months_max > 0) {
        if (in->months < r->months_min || (r->months_max > 0 && in->months > r->months_max))
            return err_field(e, ST_INVALID, "months", "“%s”须为 %d 至 %d 个月（填了 %d 个月）：%s。", r->name, r->months_min,
                             r->months_max, in->months, r->rule);
    }
    return ST_OK;
}

void develop_next(const develop_rule *rules, size_t n, const develop_done *done, size_t nd, const develop_rule **next,
                  char from[11], char due[11]) {
    *next = NULL;
    from[0] = due[0] = 0;
    if (develop_done_find(done, nd, DEVELOP_FULL) || develop_done_find(done, nd, DEVELOP_CANCEL)) return;
    const develop_rule *best = NULL;
    for (size_t i = 0; i < n; i++)
        if (!rules[i].optional && !develop_done_find(done, nd, rules[i].code) && (!best || rules[i].seq < best->seq))
            best = &rules[i];
    if (!best) return;
    *next = best;
    develop_window(best, done, nd, from, due);
}

const char *develop_stage(const develop_rule *rules, size_t n, const develop_done *done, size_t nd) {
    const develop_rule *last = NULL;
    for (size_t i = 0; i < nd; i++) {
        const develop_rule *r = develop_rule_find(rules, n, done[i].code);
        if (r && (!last || r->seq > last->seq)) last = r;
    }
    return last ? last->stage : DEVELOP_STAGES[0];
}

static bool develop_stage_ok(const char *s) {
    for (int i = 0; s && DEVELOP_STAGES[i]; i++)
        if (!strcmp(s, DEVELOP_STAGES[i])) return true;
    return false;
}

st develop_rule_check(const develop_rule *r, err *e) {
    if (!r->name || !*r->name) return err_field(e, ST_INVALID, "name", "请填写步骤名称。");
    if (!develop_stage_ok(r->stage))
        return err_field(e, ST_INVALID, "stage", "阶段应为 入党申请人、入党积极分子、发展对象、预备党员 或 正式党员。");
    if (r->seq < 1 || r->seq > 10000) return err_field(e, ST_INVALID, "seq", "顺序号应为 1 至 10000 的整数。");
    if (r->anchor && !strcmp(r->anchor, r->code)) return err_field(e, ST_INVALID, "anchor", "起算步骤不能是本步骤。");
    if (r->min_months < 0 || r->min_months > 120) return err_field(e, ST_INVALID, "min_months", "最短间隔应为 0 至 120 个月。");
    if (r->due_months < 0 || r->due_months > 120) return err_field(e, ST_INVALID, "due_months", "办理时限应为 0 至 120 个月。");
    if ((r->min_months || r->due_months) && !r->anchor)
        return err_field(e, ST_INVALID, "anchor", "设了间隔或时限的步骤须指定起算步骤。");
    if (r->due_months && r->min_months > r->due_months)
        return err_field(e, ST_INVALID, "due_months", "办理时限（%d 个月）不能短于最短间隔（%d 个月）。", r->due_months, r->min_months);
    if (r->people_min < 0 || r->people_max > 10 || r->people_min > r->people_max || (r->people && r->people_max < 1))
        return err_field(e, ST_INVALID, "people_min", "人数应为 0 至 10，且最少人数不大于最多人数。");
    if (r->days_min < 0 || r->days_min > 365 || r->hours_min < 0 || r->hours_min > 1000)
        return err_field(e, ST_INVALID, "days_min", "培训天数应为 0 至 365，学时应为 0 至 1000。");
    if (r->months_min < 0 || r->months_max > 120 || (r->months_max && r->months_min > r->months_max))
        return err_field(e, ST_INVALID, "months_min", "延长月数应为 0 至 120，且最少不大于最多。");
    if (!r->rule || !*r->rule) return err_field(e, ST_INVALID, "rule", "请填写引用的规定原文。");
    return ST_OK;
}

const char *develop_doc_type(const unsigned char *head, size_t n) {
    if (n >= 5 && !memcmp(head, "%PDF-", 5)) return "application/pdf";
    if (n >= 8 && !memcmp(head, "\x89PNG\r\n\x1a\n", 8)) return "image/png";
    if (n >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) return "image/jpeg";
    return NULL;
}

bool develop_doc_kind_ok(const char *kind) {
    return kind && (!strcmp(kind, "application") || !strcmp(kind, "review") || !strcmp(kind, "vote") || !strcmp(kind, "other"));
}
