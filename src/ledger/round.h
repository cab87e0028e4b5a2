/* round — the four rounds of the ledger campaign (四轮次摸清底数) as kept
 * snapshots in the database.
 *
 *   round 1  the department ledgers merged (经信局 first, then 网信办, 商务局 ...)
 *   round 2  the districts' and parks' carpet surveys merged
 *   round 3  everything of two earlier rounds matched again: duplicates merged,
 *            definite zombies removed, suspected ones sent to verification
 *   round 4  round 3 after field verification: enterprises without premises,
 *            not operating, with nobody on site, or not verified are removed
 *
 * Rounds 1–3 run the matcher (ledger/match.c) over the rows stored by imports,
 * applying every decision people made in review.  A round keeps its sources,
 * its enterprises (golden records with lineage to every source row), the
 * removed ones with the reason, and its review queue.  The diff between two
 * rounds follows shared source rows.  Publishing round 4 writes the final
 * ledger into the enterprise register that coverage is measured against.
 *
 * Two halves, as every module here:
 *   round.c        the rules: the records of a round's sources as the matcher
 *                  sees them, a round built in memory from them, round 4 from
 *                  round 3 and its verification, the diff of two rounds, an
 *                  explanation (no SQL); round_xlsx.c writes a round's ledger
 *   round_store.c  all of the rounds' SQL: loading records and decisions,
 *                  saving a round, lists, one round, one enterprise with its
 *                  lineage, the review queue, decisions, round 4, publishing,
 *                  the export; every write one audited use case
 * Field verification (the template, its results) is ledger/verify.h. */
#ifndef EJIA_LEDGER_ROUND_H
#define EJIA_LEDGER_ROUND_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/uc.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "ledger/match.h"
#include "ledger/table.h"

typedef struct ledger_round_progress {
    void (*fn)(void *ctx, const char *phase);   /* "读取台账"、"比对"... */
    void *ctx;
} ledger_round_progress;

/* ---- rules (round.c) ---- */

/* The stored rows of a round's sources, as the matcher sees them, and every
 * decision people made (by record id).  Filled by the store; everything lives
 * in mem or in the arrays freed by ledger_round_input_free. */
typedef struct ledger_round_input {
    arena mem;
    size_t n, cap;
    ledger_row *rows;
    int64_t *rec_id;               /* ledger_record.id of each row */
    int *src;                      /* index of its source */
    ledger_match_rec *recs;        /* built by ledger_round_input_seal */
    const char **source_names;     /* nsources */
    size_t nsources;
    ledger_match_decision *dec;
    size_t ndec, deccap;
} ledger_round_input;

st ledger_round_input_init(ledger_round_input *in, size_t nsources, err *e);
void ledger_round_input_free(ledger_round_input *in);
/* A new zeroed row of source src with record id rec (its strings go in in->mem). */
st ledger_round_input_row(ledger_round_input *in, int src, int64_t rec, ledger_row **row, err *e);
/* A decision about two records (verdict "same" or "different"). */
st ledger_round_input_decision(ledger_round_input *in, int64_t a, int64_t b, const char *verdict, err *e);
/* Every row added: the matcher's records (ST_INVALID when there is none). */
st ledger_round_input_seal(ledger_round_input *in, err *e);

/* The imports a round is built from: the given ones, then those of the base
 * rounds (each once, in order); a round 4 cannot be a base, an import chosen
 * twice is an error.  base_imports[b] lists base round b's imports
 * (NULL-free JSON arrays of integers); *list is calloc'ed. */
st ledger_round_sources(const int64_t *imports, size_t nimports, const json_t *const *base_imports,
                        size_t nbase, int64_t **list, size_t *n, err *e);

/* One enterprise of a round, as stored (ledger_round_entity). */
typedef struct ledger_round_entity {
    int64_t no;
    const char *name, *uscc, *district, *district_code, *address, *category, *park_code;
    const char *street_code;       /* 9 digits or NULL: a record's street in its district, else the address's */
    int64_t employees, members;    /* -1: no ledger gives one */
    int zombie;                    /* 0 none, 1 definite, 2 suspected */
    const char *zombie_reason;     /* NULL when none */
    const char *removed_reason;    /* NULL: kept */
    const char *records;           /* lineage: JSON array of ledger_record ids */
} ledger_round_entity;

/* A pair for the review queue, by record id (a < b). */
typedef struct ledger_round_pair {
    int64_t a, b;
    double prob, weight;
} ledger_round_pair;

/* A park and its name, to place an enterprise by its address. */
typedef struct ledger_round_park {
    const char *code, *name;
} ledger_round_park;

/* A round built in memory, ready to be saved: header, enterprises, which
 * enterprise holds each source record, review pairs.  Rounds 1–3 give their
 * enterprises one at a time (ledger_round_entity_at, from the golden records
 * and zombie findings) so that a large round is never held twice; round 4's
 * are an array (ent).  Everything lives in mem (and res, freed by
 * ledger_round_free); the input must outlive the round. */
struct ledger_golden;
struct ledger_zombie;
typedef struct ledger_round {
    arena mem;
    int number;
    const char *name;              /* "第一轮：部门台账合并" ... */
    int64_t base_round;            /* round 4: its round 3; else 0 */
    int64_t records, removed;      /* source records; enterprises removed */
    char *params;                  /* the matcher's figures, JSON text (mem) */
    size_t nent;                   /* enterprises, removed ones included */
    ledger_round_entity *ent;      /* round 4; NULL for rounds 1–3 */
    ledger_round_pair *review;
    size_t nreview;
    /* rounds 1–3: what their enterprises are made from */
    const ledger_round_input *in;
    ledger_match_result *res;
    const struct ledger_golden *golden;
    const struct ledger_zombie *zombies;
    const int32_t *zombie_of;      /* per entity: its zombie finding, -1 none */
    const ledger_round_park *parks;
    size_t nparks;
} ledger_round;

/* The Chinese name of round n (1–4). */
const char *ledger_round_name(int number);
/* Rounds 1–3 are built by matching; round 4 comes from verification. */
st ledger_round_number_check(int number, err *e);
/* Rounds 1–3: match the input (decisions applied), golden records, zombies
 * (removed in round 3, flagged before), parks placed by address (longest
 * name first). */
st ledger_round_build(ledger_round_input *in, int number, const ledger_round_park *parks, size_t nparks,
                      const ledger_round_progress *p, ledger_round *out, err *e);
void ledger_round_free(ledger_round *r);
/* Enterprise k (0-based) of a round; its lineage text and district code are
 * written into scratch (reused from one call to the next). */
st ledger_round_entity_at(const ledger_round *r, size_t k, ledger_round_entity *x, buf *scratch, err *e);
/* How many source records a round 1–3 places, and record i's id and the
 * number of the enterprise holding it. */
size_t ledger_round_members(const ledger_round *r);
void ledger_round_member(const ledger_round *r, size_t i, int64_t *record, int64_t *entity_no);

/* Why two records of the input were (not) merged: *summary the field
 * comparisons in plain words, *plain the rest in plain words, *text the
 * weights behind them (ledger_match_explain_plain / _explain); malloc'ed. */
st ledger_round_explain(ledger_round_input *in, int64_t a_record, int64_t b_record, char **text, char **summary,
                        char **plain, err *e);

/* Diff of two rounds from their enterprises (JSON arrays as stored, any
 * order) and the links between them (objects {ea, eb}: an A and a B entity
 * sharing a source record):
 * {"from","to","added":[..],"removed":[{..,"reason"}],"changed":[{..,"changes":[..]}],"counts":{..}} */
st ledger_round_diff(int64_t a, int64_t b, const json_t *ents_a, const json_t *ents_b, const json_t *links,
                     json_t **out, err *e);
/* Keep only the enterprises of one area (district or park code) in a diff. */
void ledger_round_diff_area(json_t *diff, const char *area);

/* Write a round's ledger (kept and removed sheets) from its enterprises. */
st ledger_round_xlsx(const char *path, const char *round_name, int64_t round, const json_t *rows, err *e);

/* ---- store (round_store.c): every function takes the use case first ---- */

/* Rounds 1–3 from imports (in order; earlier wins ties) and, for round 3,
 * the imports of base rounds.  The work is done before the write
 * transaction; one audited use case (ledger.round_create). */
typedef struct ledger_round_spec {
    int number;
    const int64_t *imports;
    size_t nimports;
    const int64_t *base_rounds;
    size_t nbase;
} ledger_round_spec;
st ledger_round_store_create(uc *c, const ledger_round_spec *spec, const ledger_round_progress *p, int64_t *id,
                             err *e);
/* Round 4 from a round 3 and its verification results (ledger.round4).
 * When more than ledger-unchecked-max-pct of the enterprises were not checked
 * on site it is refused (ST_CONFLICT, api code "unchecked", the counts in the
 * message) unless force: the person saw the counts and confirmed. */
st ledger_round_store_round4(uc *c, int64_t base_round, bool force, int64_t *id, err *e);
/* What round 4 would be, made now from round 3 base_round (nothing written):
 * {base_round, total, kept, removed, unchecked, checked, max_unchecked_pct,
 *  over, reasons: [{reason, count}]}. */
st ledger_round_store_round4_plan(uc *c, int64_t base_round, json_t **plan, err *e);
/* Round 4 → the enterprise register; *n enterprises written (ledger.publish).
 * Refused like round 4 when too many of its enterprises were unchecked, unless force. */
st ledger_round_store_publish(uc *c, int64_t round, bool force, int *n, err *e);
/* What publishing would do (nothing written): {round, total, kept, removed,
 * unchecked, added, updated, leaving, max_unchecked_pct, over}. */
st ledger_round_store_publish_plan(uc *c, int64_t round, json_t **plan, err *e);
/* A reviewer's decision about two source records, "same" or "different";
 * kept across rounds (ledger.decide). */
st ledger_round_store_decide(uc *c, int64_t a_record, int64_t b_record, const char *verdict, err *e);

/* Every round, newest first (a handful: the caller sorts and pages them).
 * Here and in _get: review is the pairs queued when the round was made;
 * review_open those still undecided, review_decided those decided since
 * (a decision takes effect when the next round is made), both counted in
 * the caller's area like the review queue. */
st ledger_round_store_list(uc *c, json_t **rows, err *e);
/* One round's header; ST_FORBIDDEN for an actor without an area, ST_NOT_FOUND
 * when there is no such round. */
st ledger_round_store_get(uc *c, int64_t id, json_t **round, err *e);
/* The same checks, giving only the round's number. */
st ledger_round_store_number(uc *c, int64_t id, int64_t *number, err *e);

/* A round's enterprises, in the actor's area. */
typedef struct ledger_entity_filter {
    const char *district;          /* a district or park code, the city's choice (an area office gets its own) */
    int removed;                   /* -1 any, 0 kept, 1 removed */
    int verified;                  /* -1 any, 0 not yet, 1 verified */
    const char *q;                 /* part of the name or credit code */
} ledger_entity_filter;
st ledger_round_store_entities(uc *c, int64_t round, const ledger_entity_filter *f, const uc_page *pg,
                               json_t **items, int64_t *total, err *e);
/* One enterprise with every source row behind it and its verification:
 * {"entity", "lineage", "verification"}. */
st ledger_round_store_entity(uc *c, int64_t round, int64_t no, json_t **out, err *e);
/* The diff from round a to b, the actor's area only. */
st ledger_round_store_diff(uc *c, int64_t a, int64_t b, json_t **out, err *e);

/* The review queue: pairs with both records (masked personal data) and any
 * decision, heaviest first; an area office sees a pair only when both records
 * lie in its area.  state: 0 open, 1 decided, 2 all. */
st ledger_round_store_review(uc *c, int64_t round, int state, const uc_page *pg, json_t **items, int64_t *total,
                             err *e);
/* Why two source records of a round were (not) merged (ledger_round_explain); malloc'ed. */
st ledger_round_store_explain(uc *c, int64_t round, int64_t a_record, int64_t b_record, char **text, char **summary,
                              char **plain, err *e);
/* The round's ledger as xlsx at path, the actor's area (or area, the
 * city's choice); an audited download (ledger.export). */
st ledger_round_store_export(uc *c, int64_t round, const char *area, const char *path, err *e);

#endif
