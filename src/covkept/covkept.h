/* covkept — coverage kept as the writes happen (issue 20, migration 0075),
 * so that coverage as of any day is a lookup, not a scan of every
 * enterprise, cover and instructor.
 *
 * What is kept: per group (an enterprise's district, park, street and
 * category, '' for none) and per day its figures changed, the running sums
 * from that day on — enterprises counted (in the register that day, not a
 * zombie), covered (an org_cover active that day), work-covered (covered or
 * an instructor active).  The figures as of day D are each group's row with
 * the latest day <= D; the coverage store reads them (coverage_store.c).
 * Definitions are those of coverage_store.c's COV_FIG, which stays the
 * reference: `ejia org coverage --verify` compares both day by day.
 *
 * How it is kept: an enterprise's contribution over time is a timeline of
 * deltas worked out from its raw rows (covkept_timeline, pure).  A write
 * that changes an enterprise's coverage takes the timeline before it
 * (covkept_before) and after it (covkept_after), and adds the difference to
 * the running sums in the same transaction — back-dated writes included,
 * since the rows after the day move with it.  Bulk loads (a ledger round,
 * the demo's first pass, data written behind ejia's back) rebuild the whole
 * (covkept_store_rebuild) or mark it stale; stale figures are never read
 * (the coverage store counts from the raw tables meanwhile), and `ejia
 * serve` / `ejia migrate` rebuild them at start.
 *
 * A folder of its own below org, register, ledger and coverage: all four
 * write or read it, and coverage already depends on org. */
#ifndef EJIA_COVKEPT_COVKEPT_H
#define EJIA_COVKEPT_COVKEPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/uc.h"
#include "core/err.h"
#include "db/db.h"

/* "From the start": the day of the first delta of an enterprise that has been in the register all along. */
#define COVKEPT_START "0000-00-00"

/* ---- the timeline (covkept.c, pure) ---- */

typedef struct covkept_span { const char *from, *to; } covkept_span;   /* [from, to), to NULL: open */
/* An earlier place (enterprise_place): from NULL = since it entered the register. */
typedef struct covkept_place { const char *from, *to, *district, *park, *street; } covkept_place;
/* One enterprise's raw rows, as the coverage figures see them (NULL = none). */
typedef struct covkept_ent {
    bool zombie;
    const char *reg_from, *reg_to, *district, *park, *street, *category;
    const covkept_place *places;
    size_t nplaces;
    const covkept_span *covers, *instr;
    size_t ncovers, ninstr;
} covkept_ent;

/* A group: never NULL, "" for none. */
typedef struct covkept_key { const char *district, *park, *street, *category; } covkept_key;
typedef struct covkept_delta {
    char day[11];
    covkept_key key;
    int64_t n, covered, work;
} covkept_delta;

/* Room covkept_timeline needs for x. */
size_t covkept_timeline_max(const covkept_ent *x);
/* x's contribution as deltas in day order (keys point into x's strings): on each day its state
 * changes, −1 from the group it leaves and +1 to the one it enters, or the change of covered and
 * work within one group.  A zombie has none.  Returns how many. */
size_t covkept_timeline(const covkept_ent *x, covkept_delta *out);
/* Sort by (day, key), add up equal ones, drop the zeros; returns how many are left. */
size_t covkept_merge(covkept_delta *d, size_t n);

/* Days as integers for the rebuild's big arrays: 'YYYY-MM-DD' → YYYYMMDD (COVKEPT_START → 0), and back (out 11 bytes). */
int32_t covkept_day_int(const char *day);
void covkept_day_str(int32_t v, char *out);

/* The rebuild's accumulator: groups interned, deltas appended, then sorted into running sums. */
typedef struct covkept_acc covkept_acc;
covkept_acc *covkept_acc_new(void);
void covkept_acc_free(covkept_acc *a);
/* false when out of memory */
bool covkept_acc_add(covkept_acc *a, const covkept_delta *d, size_t n);
size_t covkept_acc_groups(const covkept_acc *a);
covkept_key covkept_acc_group(const covkept_acc *a, size_t g);
/* Sort and sum: then the running rows of every group, in (group, day) order, zero changes left out. */
typedef struct covkept_row { uint32_t grp; int32_t day; int64_t n, covered, work; } covkept_row;
size_t covkept_acc_rows(covkept_acc *a, const covkept_row **rows);

/* ---- the store (covkept_store.c) ---- */

/* The timeline of one enterprise before a write, taken by covkept_before and
 * turned into the difference by covkept_after (arena memory). */
typedef struct covkept_snap {
    int64_t ent;
    bool skip;            /* stale: the rebuild will count it */
    covkept_delta *old;
    size_t n;
} covkept_snap;
/* ent 0: an enterprise about to be created, nothing before it (set snap->ent to its id before covkept_after). */
st covkept_before(uc *c, int64_t ent, covkept_snap *snap, err *e);
st covkept_after(uc *c, covkept_snap *snap, err *e);

/* Stale: the meta key 'coverage-kept-stale' (migration 0075, a bulk load). */
st covkept_store_stale(db *d, bool *stale, err *e);
st covkept_store_mark_stale(db *d, err *e);
/* Rebuild every kept figure from the raw tables (a savepoint inside an open transaction) and clear the stale mark;
 * *groups = the groups kept. */
st covkept_store_rebuild(db *d, int64_t *groups, err *e);
/* At start (`ejia serve`, `ejia migrate`): the rebuild when stale. */
st covkept_store_upgrade(db *d, int64_t *groups, err *e);

#endif
