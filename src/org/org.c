/* org — the formation rules and the 旬 calendar (see org.h).  Pure C: the
 * store and the API feed these functions with rows they read, so the rules
 * can be tested on hand-made cases without a database. */
#include "org.h"
#include "core/day.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "core/config.h"
#include "core/utf8.h"

void org_thresholds_load(org_thresholds *t) {
    t->branch_min = (int)cfg_int("rule-branch-min");
    t->committee_min = (int)cfg_int("rule-committee-min");
    t->general_min = (int)cfg_int("rule-general-branch-min");
    t->party_min = (int)cfg_int("rule-committee-party-min");
    t->branch_max = (int)cfg_int("rule-branch-max");
    t->joint_max_units = (int)cfg_int("rule-joint-max-units");
    t->key_employees = (int)cfg_int("rule-key-employees");
    t->org_full_min = (int)cfg_int("rule-org-full-min");
    t->committee_seats_min = (int)cfg_int("rule-committee-seats-min");
}

static const struct { const char *code, *label; } org_findings[ORG_F__COUNT] = {
    {"should_form", "应建未建"},      {"joint", "联合组建"},      {"instructor", "选派指导员"},
    {"committee", "应设支委会"},      {"upgrade_general", "可升格为党总支"}, {"upgrade_party", "可升格为党委"},
    {"split", "应拆分"},              {"joint_units", "联合单位超限"},
    {"few_full", "正式党员不足"},     {"no_secretary", "未配备书记"},       {"no_seats", "委员会缺委员"},
};

static int org_bit_index(int bit) {
    for (int i = 0; i < ORG_F__COUNT; i++)
        if (bit == (1 << i)) return i;
    return -1;
}
const char *org_finding_code(int bit) {
    int i = org_bit_index(bit);
    return i < 0 ? "" : org_findings[i].code;
}
const char *org_finding_label(int bit) {
    int i = org_bit_index(bit);
    return i < 0 ? "" : org_findings[i].label;
}

void org_finding_rule(const org_thresholds *t, int bit, char *out, size_t n) {
    if (!n) return;
    out[0] = 0;
    switch (bit) {
    case ORG_F_SHOULD_FORM: snprintf(out, n, "企业正式党员达到 %d 名，尚未单独建立党组织", t->branch_min); break;
    case ORG_F_JOINT: snprintf(out, n, "企业正式党员不足 %d 名，可与邻近企业联合组建", t->branch_min); break;
    case ORG_F_INSTRUCTOR: snprintf(out, n, "企业没有党员、未被覆盖，应选派党建指导员"); break;
    case ORG_F_COMMITTEE: snprintf(out, n, "党支部正式党员达到 %d 名，应设支部委员会", t->committee_min); break;
    case ORG_F_UP_GENERAL: snprintf(out, n, "党员达到 %d 名，可升格为党总支", t->general_min); break;
    case ORG_F_UP_PARTY: snprintf(out, n, "党员达到 %d 名，可成立基层党委", t->party_min); break;
    case ORG_F_SPLIT: snprintf(out, n, "党支部党员超过 %d 名，应拆分（或升格）", t->branch_max); break;
    case ORG_F_JOINT_UNITS: snprintf(out, n, "联合党支部覆盖单位超过 %d 家", t->joint_max_units); break;
    case ORG_F_FEW_FULL: snprintf(out, n, "按党员名册，正式党员少于 %d 名", t->org_full_min); break;
    case ORG_F_NO_SECRETARY: snprintf(out, n, "党支部未配备书记"); break;
    case ORG_F_NO_SEATS: snprintf(out, n, "党委、党总支委员会委员少于 %d 名", t->committee_seats_min); break;
    default: break;
    }
}

static const struct { const char *kind; int rank; } org_kinds[] = {
    {"党支部", 1}, {"联合党支部", 1}, {"临时党支部", 1}, {"党总支", 2}, {"党委", 3}, {"工委", 9},
};
int org_kind_rank(const char *kind) {
    for (size_t i = 0; kind && i < sizeof org_kinds / sizeof org_kinds[0]; i++)
        if (!strcmp(org_kinds[i].kind, kind)) return org_kinds[i].rank;
    return 0;
}
bool org_kind_valid(const char *kind) { return org_kind_rank(kind) != 0; }
bool org_kind_covers(const char *kind) { int r = org_kind_rank(kind); return r >= 1 && r <= 3; }
bool org_kind_joint(const char *kind) { return kind && !strcmp(kind, "联合党支部"); }

unsigned org_rules_enterprise(const org_thresholds *t, const org_ent *e) {
    unsigned f = 0;
    /* A unit with enough members forms its own branch even when a joint one
     * covers it today ("应建必建": joint coverage is for the small). */
    if (e->members >= t->branch_min && !e->own_org) f |= ORG_F_SHOULD_FORM;
    if (!e->covered && e->members > 0 && e->members < t->branch_min) f |= ORG_F_JOINT;
    if (!e->covered && e->members <= 0 && !e->instructor) f |= ORG_F_INSTRUCTOR;
    return f;
}

unsigned org_rules_org(const org_thresholds *t, const org_unit *u) {
    unsigned f = 0;
    int rank = org_kind_rank(u->kind);
    if (rank < 1 || rank > 3) return 0;
    if (rank == 1 && u->members >= t->committee_min && !u->has_committee) f |= ORG_F_COMMITTEE;
    if (rank == 1 && u->members >= t->party_min) f |= ORG_F_UP_PARTY;
    else if (rank == 1 && u->members >= t->general_min) f |= ORG_F_UP_GENERAL;
    if (rank == 2 && u->members >= t->party_min) f |= ORG_F_UP_PARTY;
    /* Above the size limit a branch is split — or upgraded: both are reported. */
    if (rank == 1 && u->members > t->branch_max) f |= ORG_F_SPLIT;
    if (org_kind_joint(u->kind) && u->units > t->joint_max_units) f |= ORG_F_JOINT_UNITS;
    /* the office's rules: a roll of fewer than org_full_min 正式党员 (its own and those
     * below it), a branch without a 书记, a committee (党委, 党总支) without 委员 */
    if (u->registry && u->registry_full < t->org_full_min) f |= ORG_F_FEW_FULL;
    if (rank == 1 && u->no_secretary) f |= ORG_F_NO_SECRETARY;
    if (rank >= 2 && u->seats_known && u->committee_seats < t->committee_seats_min) f |= ORG_F_NO_SEATS;
    return f;
}

void org_building_of(const char *address, char *out, size_t n) {
    if (n) out[0] = 0;
    if (!address || !n) return;
    const char *h = strstr(address, "号");
    if (!h) return;
    size_t len = (size_t)(h - address) + strlen("号");
    if (len >= n) return;   /* too long to be a useful key */
    memcpy(out, address, len);
    out[len] = 0;
}

/* ---- joint plan ---- */
typedef struct org_jitem { const char *district, *key; int members; int64_t id; size_t idx; } org_jitem;

static int org_jcmp(const void *a, const void *b) {
    const org_jitem *x = a, *y = b;
    int c = strcmp(x->district, y->district);
    if (!c) c = strcmp(x->key, y->key);
    if (!c) c = (y->members > x->members) - (y->members < x->members);
    if (!c) c = (x->id > y->id) - (x->id < y->id);
    return c;
}

static const char *org_nz(const char *s) { return s ? s : ""; }

/* Best fit inside one run of the same key: open a bin with the largest unit,
 * then add the smallest unit that completes it, or else the largest left. */
static int org_jrun(const org_thresholds *t, org_jitem *it, size_t n, int *group, int next) {
    bool *used = calloc(n ? n : 1, sizeof *used);
    size_t *bin = calloc((size_t)t->joint_max_units, sizeof *bin);
    if (!used || !bin) {
        free(used);
        free(bin);
        return next;
    }
    for (;;) {
        size_t first = n;
        for (size_t i = 0; i < n; i++)
            if (!used[i]) { first = i; break; }
        if (first == n) break;
        int units = 0, sum = 0;
        bin[units++] = first;
        used[first] = true;
        sum = it[first].members;
        while (sum < t->branch_min && units < t->joint_max_units) {
            int need = t->branch_min - sum;
            size_t pick = n;
            for (size_t i = n; i-- > 0;)
                if (!used[i] && it[i].members >= need) { pick = i; break; }
            if (pick == n)
                for (size_t i = 0; i < n; i++)
                    if (!used[i]) { pick = i; break; }
            if (pick == n) break;
            used[pick] = true;
            bin[units++] = pick;
            sum += it[pick].members;
        }
        if (sum < t->branch_min) {
            /* Nothing more to gain in this run: give the bin back for the next level. */
            for (int k = 0; k < units; k++) used[bin[k]] = false;
            break;
        }
        for (int k = 0; k < units; k++) group[it[bin[k]].idx] = next;
        next++;
    }
    free(used);
    free(bin);
    return next;
}

int org_joint_plan(const org_thresholds *t, const org_ent *c, size_t n, int *group, const char **level) {
    static const char *const levels[] = {"building", "park", "street"};
    for (size_t i = 0; i < n; i++) group[i] = -1;
    if (!n || t->joint_max_units < 1) return 0;
    org_jitem *it = malloc(n * sizeof *it);
    if (!it) return 0;
    int ng = 0;
    for (size_t l = 0; l < 3; l++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            const char *key = l == 0 ? c[i].building : l == 1 ? c[i].park : c[i].street;
            if (group[i] >= 0 || !key || !*key) continue;
            it[m++] = (org_jitem){org_nz(c[i].district), key, c[i].members, c[i].id, i};
        }
        qsort(it, m, sizeof *it, org_jcmp);
        for (size_t a = 0; a < m;) {
            size_t b = a + 1;
            while (b < m && !strcmp(it[a].district, it[b].district) && !strcmp(it[a].key, it[b].key)) b++;
            int before = ng;
            ng = org_jrun(t, it + a, b - a, group, ng);
            for (int g = before; g < ng; g++) level[g] = levels[l];
            a = b;
        }
    }
    free(it);
    return ng;
}

/* ---- a new organization ---- */

st org_day_check(const char *day, const char *field, err *e) {
    if (!day || !*day) return err_field(e, ST_INVALID, field, "请填写日期 %s（格式 YYYY-MM-DD，如 2018-04-30）。", field);
    if (!org_day_parse(day, NULL, NULL, NULL))
        return err_field(e, ST_INVALID, field, "日期 %s=“%s”无效，应为真实日期，格式 YYYY-MM-DD（如 2018-04-30）。", field,
                         day);
    char today[11];
    org_today(today);
    if (strcmp(day, today) > 0) return err_field(e, ST_INVALID, field, "日期 %s=%s 晚于今天，不能登记将来的变动。", field, day);
    return ST_OK;
}

st org_day_arg(const char *value, const char *name, char out[11], err *e) {
    if (!value || !*value) {
        org_today(out);
        return ST_OK;
    }
    if (!org_day_parse(value, NULL, NULL, NULL))
        return err_field(e, ST_INVALID, name, "%s=“%s”不是有效日期，应为 YYYY-MM-DD（如 2018-04-30）。", name, value);
    snprintf(out, 11, "%s", value);
    return ST_OK;
}

static bool org_based_on_valid(const char *b) {
    static const char *const ok[] = {"building", "park", "makerspace", "street", "enterprise"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (!strcmp(b, ok[i])) return true;
    return false;
}

st org_new_check(const org_thresholds *t, const org_new *o, err *e) {
    size_t nl = o->name ? utf8_count(o->name, strlen(o->name)) : 0;
    if (nl < 2 || nl > 100) return err_field(e, ST_INVALID, "name", "请填写党组织名称（2–100 个字），如“中共厦门某某网络科技有限公司支部委员会”。");
    if (!org_kind_valid(o->kind))
        return err_field(e, ST_INVALID, "kind", "kind=“%s”无效，应为 党委、党总支、党支部、联合党支部、临时党支部 或 工委。",
                         o->kind ? o->kind : "");
    st s = org_day_check(o->day, "established_on", e);
    if (s) return s;
    bool joint = org_kind_joint(o->kind), covers = org_kind_covers(o->kind);
    size_t n = o->n_enterprises;
    if (!covers && n) return err_field(e, ST_INVALID, "enterprise_ids", "工委是工作机构，不直接覆盖企业；请建立党组织来覆盖企业。");
    if (joint && (n < 2 || n > (size_t)t->joint_max_units))
        return err_field(e, ST_INVALID, "enterprise_ids", "联合党支部应覆盖 2–%d 家企业（现为 %zu 家）；单家企业请单独组建党支部。",
                         t->joint_max_units, n);
    if (joint && (!o->based_on || !*o->based_on))
        return err_field(e, ST_INVALID, "based_on", "联合党支部须写明依托（based_on）：building 楼宇、park 园区、makerspace 众创空间或 street 街道。");
    if (o->based_on && *o->based_on && !org_based_on_valid(o->based_on))
        return err_field(e, ST_INVALID, "based_on", "based_on=“%s”无效，应为 building、park、makerspace 或 street。", o->based_on);
    if (!joint && strcmp(o->kind, "临时党支部") && n > 1)
        return err_field(e, ST_INVALID, "enterprise_ids", "单独组建的%s只覆盖本企业（现选了 %zu 家）；多家小微企业请组建联合党支部。",
                         o->kind, n);
    if (o->committee && *o->committee) {
        json_error_t je;
        json_t *c = json_loads(o->committee, 0, &je);
        bool ok = c && json_is_array(c);
        json_decref(c);
        if (!ok) return err_field(e, ST_INVALID, "committee", "committee 应为委员姓名的数组，如 [\"张三\",\"李四\",\"王五\"]。");
    }
    return ST_OK;
}

st org_new_members_check(const org_thresholds *t, const org_new *o, int64_t members, err *e) {
    size_t n = o->n_enterprises;
    if (o->approved || !n) return ST_OK;
    bool joint = org_kind_joint(o->kind);
    if (org_kind_covers(o->kind) && strcmp(o->kind, "临时党支部") && members < t->branch_min)
        return err_field(e, ST_INVALID, "enterprise_ids",
                         joint ? "联合党支部所覆盖企业的正式党员合计 %lld 人，不足 %d 人，不能成立；请增加单位或选派党建指导员。"
                               : "该企业正式党员 %lld 人，不足 %d 人，不能单独组建党支部；请联合组建或选派党建指导员。",
                         (long long)members, t->branch_min);
    if (!strcmp(o->kind, "党总支") && members < t->general_min)
        return err_field(e, ST_INVALID, "kind", "正式党员 %lld 人，不足 %d 人，一般不成立党总支；经上级批准的请传 approved=true。",
                         (long long)members, t->general_min);
    if (!strcmp(o->kind, "党委") && members < t->party_min)
        return err_field(e, ST_INVALID, "kind", "正式党员 %lld 人，不足 %d 人，一般不成立基层党委；经上级批准的请传 approved=true。",
                         (long long)members, t->party_min);
    return ST_OK;
}

/* ---- days and 旬 ---- */
int org_month_days(int y, int m) { return day_month_days(y, m); }

bool org_day_parse(const char *s, int *y, int *m, int *d) {
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
    int yy = atoi(s), mm = atoi(s + 5), dd = atoi(s + 8);
    if (yy < 1900 || yy > 2999 || mm < 1 || mm > 12 || dd < 1 || dd > org_month_days(yy, mm)) return false;
    if (y) *y = yy;
    if (m) *m = mm;
    if (d) *d = dd;
    return true;
}

void org_day_format(int y, int m, int d, char out[11]) { day_format(y, m, d, out); }

bool org_xun_parse(const char *s, org_xun *out) {
    if (!s || strlen(s) != 9 || s[4] != '-' || s[7] != '-') return false;
    for (int i = 0; i < 9; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
    int y = atoi(s), m = atoi(s + 5), x = s[8] - '0';
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || x < 1 || x > 3) return false;
    *out = (org_xun){y, m, x};
    return true;
}

void org_xun_format(const org_xun *x, char out[16]) {
    snprintf(out, 16, "%04d-%02d-%d", x->y % 10000, x->m % 100, x->x % 10);
}

org_xun org_xun_of(int y, int m, int d) { return (org_xun){y, m, d <= 10 ? 1 : d <= 20 ? 2 : 3}; }

void org_xun_first(const org_xun *x, char out[11]) { org_day_format(x->y, x->m, (x->x - 1) * 10 + 1, out); }

void org_xun_last(const org_xun *x, char out[11]) {
    org_day_format(x->y, x->m, x->x < 3 ? x->x * 10 : org_month_days(x->y, x->m), out);
}

org_xun org_xun_prev(const org_xun *x) {
    if (x->x > 1) return (org_xun){x->y, x->m, x->x - 1};
    return x->m > 1 ? (org_xun){x->y, x->m - 1, 3} : (org_xun){x->y - 1, 12, 3};
}

org_xun org_xun_next(const org_xun *x) {
    if (x->x < 3) return (org_xun){x->y, x->m, x->x + 1};
    return x->m < 12 ? (org_xun){x->y, x->m + 1, 1} : (org_xun){x->y + 1, 1, 1};
}

void org_xun_title(const org_xun *x, char *out, size_t n) {
    static const char *const names[] = {"上旬", "中旬", "下旬"};
    snprintf(out, n, "%d年%d月%s", x->y, x->m, names[(x->x - 1) % 3]);
}

void org_day_add(const char *day, int delta, char out[11]) {
    int y, m, d;
    if (!org_day_parse(day, &y, &m, &d)) {
        snprintf(out, 11, "%s", day ? day : "");
        return;
    }
    day_civil(day_number(y, m, d) + delta, &y, &m, &d);
    org_day_format(y, m, d, out);
}

void org_today(char out[11]) {
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    org_day_format(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, out);
}
