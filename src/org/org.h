/* org — party organizations in internet enterprises: their formation
 * rules, the checks a new organization must pass, and the 旬 calendar.
 *
 * The module's parts: this header (types and pure rules, org.c); the
 * formation rules over a whole scope and their workbook (findings.h,
 * findings.c, findings_xlsx.c); the store (org_store.h: organizations,
 * covers, instructors and findings in the database, all the SQL); the
 * routes (org_api.c); where its objects sit (org_scope.c).  Coverage
 * (coverage/) and the bulletin (bulletin/) build on it.
 *
 * This header holds the pure part: no SQL, no HTTP.  The rules take the
 * article's three hard indicators (employees, enterprise size, full members)
 * and the thresholds from the settings (rule-* rows in core/config_table.c),
 * and say what each enterprise and each organization still needs:
 *   应建未建 (≥ branch-min members, no own organization), 联合组建 (small
 *   enterprises of one building / park / street grouped to reach branch-min
 *   with ≤ joint-max-units units), 选派指导员 (nothing can be formed),
 *   应设支委会, 可升格为党总支 / 党委, 应拆分.
 * Unit-tested at every threshold edge in tests/unit/org/. */
#ifndef EJIA_ORG_ORG_H
#define EJIA_ORG_ORG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

/* Thresholds (settings; defaults from rules.md). */
typedef struct org_thresholds {
    int branch_min;        /* rule-branch-min: members to form a branch (3) */
    int committee_min;     /* rule-committee-min: members for a 支委会 (7) */
    int general_min;       /* rule-general-branch-min: 党总支 (50) */
    int party_min;         /* rule-committee-party-min: 基层党委 (100) */
    int branch_max;        /* rule-branch-max: split above (50) */
    int joint_max_units;   /* rule-joint-max-units (5) */
    int key_employees;     /* rule-key-employees: a "key" enterprise for an instructor (10) */
    int org_full_min;      /* rule-org-full-min: registered 正式党员 an organization needs (3) */
    int committee_seats_min; /* rule-committee-seats-min: members (委员) a 党委 / 党总支 committee needs (1) */
} org_thresholds;
/* Fill from the settings table. */
void org_thresholds_load(org_thresholds *t);

/* Finding kinds, one bit each. */
enum {
    ORG_F_SHOULD_FORM = 1 << 0,   /* 应建未建 */
    ORG_F_JOINT = 1 << 1,         /* 联合组建 (candidate for a joint branch) */
    ORG_F_INSTRUCTOR = 1 << 2,    /* 选派指导员 */
    ORG_F_COMMITTEE = 1 << 3,     /* 应设支委会 */
    ORG_F_UP_GENERAL = 1 << 4,    /* 可升格为党总支 */
    ORG_F_UP_PARTY = 1 << 5,      /* 可升格为党委 */
    ORG_F_SPLIT = 1 << 6,         /* 应拆分 */
    ORG_F_JOINT_UNITS = 1 << 7,   /* 联合党支部单位数超限 */
    ORG_F_FEW_FULL = 1 << 8,      /* 正式党员不足 (the registry's, rule-org-full-min) */
    ORG_F_NO_SECRETARY = 1 << 9,  /* 未配备书记 (a branch) */
    ORG_F_NO_SEATS = 1 << 10,     /* 委员会缺委员 (a 党委 or 党总支, rule-committee-seats-min) */
    ORG_F__COUNT = 11
};
const char *org_finding_code(int bit);    /* "should_form" ... */
const char *org_finding_label(int bit);   /* "应建未建" ... */
/* The rule behind a finding in words, with the thresholds in force:
 * "正式党员少于 3 名（按党员名册统计）"; into out. */
void org_finding_rule(const org_thresholds *t, int bit, char *out, size_t n);

/* Organization kinds, ordered by rank where it matters (upgrades). */
bool org_kind_valid(const char *kind);          /* 工委 党委 党总支 党支部 联合党支部 临时党支部 */
bool org_kind_covers(const char *kind);         /* every kind but 工委 covers enterprises */
bool org_kind_joint(const char *kind);          /* 联合党支部 */
int org_kind_rank(const char *kind);            /* 党支部/联合/临时 1, 党总支 2, 党委 3, 工委 9, else 0 */

/* One enterprise as the rules see it (as of some date). */
typedef struct org_ent {
    int64_t id;
    const char *district, *park, *street, *building;   /* grouping keys; NULL/"" = none */
    int employees, members;
    bool own_org;       /* covered by an organization of its own (not joint) */
    bool covered;       /* covered by any organization */
    bool instructor;    /* has a party-building instructor */
} org_ent;
/* Findings for one enterprise (bits).  ORG_F_JOINT marks a candidate only;
 * org_joint_plan decides the groups, and candidates left out of every group
 * become ORG_F_INSTRUCTOR there. */
unsigned org_rules_enterprise(const org_thresholds *t, const org_ent *e);

/* One organization as the rules see it. */
typedef struct org_unit {
    int64_t id;
    const char *kind;
    int members;        /* full members of the organization (and below) */
    int units;          /* enterprises it covers */
    bool has_committee;
    /* the office's rules; a zero unit (nothing known) raises none of them */
    bool registry;          /* registry_full is known */
    int registry_full;      /* 正式党员 on the registry's rolls (its own and those below it) on the day */
    bool no_secretary;      /* no 书记 on record */
    bool seats_known;       /* committee_seats is known */
    int committee_seats;    /* names in its committee (委员) */
} org_unit;
unsigned org_rules_org(const org_thresholds *t, const org_unit *u);

/* Joint-branch plan over candidates (ORG_F_JOINT enterprises): groups by
 * building, then what is left by park, then by street, each group of one
 * district, reaching branch_min members with at most joint_max_units units.
 * group[i] gets a group number (0..) or -1; level[g] the key kind of group g
 * ("building", "park", "street"); returns the number of groups.  group and
 * level have room for n entries.  Deterministic for a given input order. */
int org_joint_plan(const org_thresholds *t, const org_ent *c, size_t n, int *group, const char **level);

/* Building key of an address: the part up to and including the first "号"
 * (road and number), copied to out; "" when the address has no number. */
void org_building_of(const char *address, char *out, size_t n);

/* A new organization, as a request or the demo describes it (create and split). */
typedef struct org_new {
    const char *name, *kind;
    int64_t parent_id;           /* 0 = the park's, street's or district's 工委, else the city's */
    const char *district, *park, *street;   /* NULL = from the first enterprise */
    const char *based_on, *base_name;       /* joint ones: building / park / makerspace / street */
    const char *secretary;
    const char *committee;       /* JSON array text of names, NULL = no committee */
    const char *day;             /* established on */
    const int64_t *enterprises;  /* covered from that day */
    size_t n_enterprises;
    bool approved;               /* a higher committee approved it below the member threshold */
    const char *note;
} org_new;
/* What a new organization must be before anything is looked up: a name of
 * 2–100 characters, a valid kind, a past day, as many enterprises as its
 * kind takes, a joint one's basis, a committee as a JSON array.  Chinese
 * messages naming the field. */
st org_new_check(const org_thresholds *t, const org_new *o, err *e);
/* Enough full members among its enterprises (members) for its kind, unless
 * a higher committee approved it. */
st org_new_members_check(const org_thresholds *t, const org_new *o, int64_t members, err *e);
/* day (field `field`) is a real calendar day, not after today. */
st org_day_check(const char *day, const char *field, err *e);
/* The day a figure is asked for: value (a query parameter named `name`), or
 * today when NULL or empty; ST_INVALID naming `name` when it is no day. */
st org_day_arg(const char *value, const char *name, char out[11], err *e);

/* ---- dates and 旬 ---- */
/* A day is "YYYY-MM-DD".  A 旬 is a third of a month: 1st–10th, 11th–20th,
 * 21st–end; written "2018-04-3". */
typedef struct org_xun { int y, m, x; } org_xun;
bool org_day_parse(const char *s, int *y, int *m, int *d);   /* strict, real calendar day */
int org_month_days(int y, int m);
void org_day_format(int y, int m, int d, char out[11]);
bool org_xun_parse(const char *s, org_xun *out);
void org_xun_format(const org_xun *x, char out[16]);
org_xun org_xun_of(int y, int m, int d);
void org_xun_first(const org_xun *x, char out[11]);          /* first day */
void org_xun_last(const org_xun *x, char out[11]);           /* last day */
org_xun org_xun_prev(const org_xun *x);
org_xun org_xun_next(const org_xun *x);
/* "2018年4月下旬" */
void org_xun_title(const org_xun *x, char *out, size_t n);
/* The day before / after a day (out may alias nothing). */
void org_day_add(const char *day, int delta, char out[11]);
/* Today in local time. */
void org_today(char out[11]);

#endif
