/* member — the party-member registry (党员名册): a person, their one
 * membership, and the dated history behind it.
 *
 * A person is known by their resident ID number, checked (GB 11643: length,
 * check character, a real birth date; a 15-digit number is converted to 18)
 * and from which the birth date and gender are taken.  The number and the
 * phone are encrypted at rest and masked on screen; the person is found by a
 * keyed hash of the number.  One person, one membership: registering someone
 * already registered in another organization is refused with the name of
 * that organization ("请办理组织关系转接").
 *
 * The membership is an organization, a category (正式党员 / 预备党员), the
 * joined date (入党日期), the full-member date (转正日期) and a state (正常,
 * 流动, 失联, 停止党籍, 出党, 去世, 转出 — the relation transferred out of the
 * system with a letter: still in the party, off these rolls).  Every change is a dated event and closes
 * one stretch of membership and opens the next (member_span), so "the members
 * of organization X as of day D" is answerable for any past day.
 *
 * This header holds the types and the pure rules (member.c); member_store.h
 * the use cases over the database. */
#ifndef EJIA_MEMBER_MEMBER_H
#define EJIA_MEMBER_MEMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

#define MEMBER_FULL "正式党员"
#define MEMBER_PROBATION "预备党员"

bool member_category_ok(const char *s);
/* 正常, 流动, 失联, 停止党籍, 出党, 去世, 转出 (the relation transferred out of the system) */
bool member_state_ok(const char *s);
/* Still in the party (counted as a member): 正常, 流动, 失联. */
bool member_state_counts(const char *s);

/* A day as rosters write it — 2006-09-25, 2006.09.25, 2006年9月25日,
 * 20060925, 2006/9/25, 2006-9-25, full-width digits, stray spaces, or an
 * Excel day number (1900 system) — as "YYYY-MM-DD" in out (11 bytes).  False
 * when it is not a real day between 1900 and 2099. */
bool member_day_parse(const char *s, char out[11]);
/* Whole years from day a to day b (both "YYYY-MM-DD"), as an age counts them. */
int member_years(const char *from, const char *to);
/* Today in the server's clock, "YYYY-MM-DD". */
void member_today(char out[11]);

/* What a registration or an edit brings. */
typedef struct member_new {
    const char *name;
    const char *id_number;          /* as typed: checked and normalised */
    const char *gender, *birth;     /* as given (a roster's columns), checked against the ID; may be NULL */
    const char *ethnicity, *education, *post, *phone;
    int64_t enterprise_id;          /* employer, 0 = none */
    int64_t org_id;
    const char *category;           /* 正式党员 / 预备党员 */
    const char *joined_on, *full_on;   /* YYYY-MM-DD (full_on may be NULL) */
    const char *state;              /* NULL = 正常 */
    const char *day;                /* the day of the registration (NULL = today) */
    int64_t user_id;                /* the member's own account, 0 = none */
    const char *username;           /* or its user name (a member, secretary or organization administrator account) */
} member_new;

/* The registration checked against the rules.  Refusals go to e (ST_INVALID
 * with the field named: the row cannot be registered); what only deserves a
 * look — gender or birth date disagreeing with the ID number, joined before
 * the minimum age, probation beyond its length with no full-member date — is
 * written into flags (Chinese, "；" between them; empty when none).  On
 * success id18, birth and gender hold what the ID number says. */
typedef struct member_checked {
    char id18[19];
    char birth[11];
    const char *gender;             /* 男 / 女 */
    char joined_on[11], full_on[11];   /* normalised; full_on "" when none */
    const char *category, *state;
    char day[11];
    char flags[512];
} member_checked;
st member_check(const member_new *m, member_checked *out, err *e);

#endif
