/* tally — the registry's counts kept as members change (migration 0042), so
 * that the party statistics of the whole city, a district or a park are read
 * from a few thousand counters instead of five million members.
 *
 * A counter is (area, dim, key, category, state) → n: area "c" (the city),
 * "d:<district code>" or "p:<park code>"; dim gender / education / ethnicity
 * (key the value, "未填" when blank), birth_m / joined_m (key the month,
 * "YYYY-MM") and birth_d / joined_d (key the day written month first,
 * "MM-DD-YYYY"); and per organization, area "o:<org id>", one dim "members"
 * (key ""), the members of the organization itself by category and state,
 * for the rankings by organization (issue 16).  Ages and 党龄 on any day D are exact: the months other than
 * D's decide from the month counters, D's month from its days — a city reads
 * a thousand month counters and one month's days, not every day of a century.  Every write of
 * the registry subtracts the person's facts before the change and adds them
 * after it into a tally buffer, and flushes the buffer in the same
 * transaction (tally_store_flush): counts and members commit or roll back
 * together.  A registry written by other means (bench/lib/members-gen.sh,
 * an old database) marks the counts stale; they are rebuilt from the members
 * on the next `ejia serve` or `ejia migrate`, and until then the statistics
 * are counted from the members. */
#ifndef EJIA_MEMBER_TALLY_H
#define EJIA_MEMBER_TALLY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/uc.h"
#include "core/err.h"
#include "db/db.h"

/* One member's facts, as the statistics see them (NULL = blank). */
typedef struct tally_facts {
    const char *category, *state, *district, *park, *gender, *education, *ethnicity, *birth, *joined;
    int64_t org_id;             /* the member's own organization (0: none) */
} tally_facts;

/* The deltas of one use case: owned by whoever creates it (tally_new / tally_free). */
typedef struct tally tally;
tally *tally_new(void);
void tally_free(tally *t);
/* Add (sign +1) or take away (-1) a member's facts; false when out of memory. */
bool tally_add(tally *t, const tally_facts *f, int sign);
size_t tally_size(const tally *t);
/* Walk the non-zero deltas; the strings are the buffer's, valid until it is cleared. */
typedef void (*tally_visit)(void *arg, const char *area, const char *dim, const char *key, const char *category,
                            const char *state, int64_t n);
void tally_each(const tally *t, tally_visit fn, void *arg);
void tally_clear(tally *t);

/* ---- in the database (tally_store.c) ---- */

/* Add the registered person's current facts (sign +1) or take them away (-1). */
st tally_store_person(uc *c, tally *t, int64_t person, int sign, err *e);
/* Write the buffer's deltas to member_tally (inside the caller's transaction) and clear it. */
st tally_store_flush(uc *c, tally *t, err *e);
/* True when the counts are stale (rebuild pending). */
st tally_store_stale(db *d, bool *stale, err *e);
/* Mark the counts stale (a registry written around the store). */
st tally_store_mark_stale(db *d, err *e);
/* Recount from the members when stale (at `ejia serve` / `ejia migrate`); *members = how many were counted. */
st tally_store_upgrade(db *d, int64_t *members, err *e);
/* Rebuild unconditionally. */
st tally_store_rebuild(db *d, int64_t *members, err *e);
/* The counters of one area ("c", "d:350203", "p:P0005") for the given
 * category (NULL = both) and state (NULL = the states that count:
 * 正常, 流动, 失联), summed over the states: the small dimensions and the
 * months, and the days of the month of `day` (YYYY-MM-DD); one call of fn
 * per row. */
typedef void (*tally_row)(void *arg, const char *dim, const char *key, const char *category, int64_t n);
st tally_store_read(uc *c, const char *area, const char *category, const char *state, const char *day, tally_row fn,
                    void *arg, err *e);

#endif
