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
 * ledger into the enterprise register that coverage is measured against. */
#ifndef EJIA_LEDGER_ROUND_H
#define EJIA_LEDGER_ROUND_H

#include <jansson.h>
#include <stdint.h>
#include "db/db.h"

typedef struct round_progress {
    void (*fn)(void *ctx, const char *phase);   /* "读取"、"比对"... */
    void *ctx;
} round_progress;

/* Rounds 1–3: match the given imports (in order; earlier wins ties).  For
 * round 3, imports may be empty and base_rounds name the rounds whose imports
 * are taken.  *id gets the new round. */
st round_create(db *d, int number, const int64_t *imports, size_t nimports, const int64_t *base_rounds,
                size_t nbase, const char *who, const round_progress *p, int64_t *id, err *e);
/* Round 4 from a round 3 and its verification records. */
st round_verify(db *d, int64_t base_round, const char *who, int64_t *id, err *e);

/* Diff of two rounds: {"added":[..],"removed":[{..,"reason"}],"changed":[{..,"changes":[..]}]} */
st round_diff(db *d, int64_t a, int64_t b, json_t **out, err *e);

/* A reviewer's decision about two source records ("same" / "different"). */
st round_decide(db *d, int64_t a_record, int64_t b_record, const char *verdict, const char *who, err *e);

/* Field verification: write the template of a round's enterprises (one district or all)
 * to fill in, and read a filled one back (xlsx or CSV), returning how many rows were taken. */
st round_verify_template(db *d, int64_t round, const char *district_code, const char *path, err *e);
st round_verify_import(db *d, int64_t round, const char *path, const char *name, const char *who,
                       const char *area, int *taken, json_t **problems, err *e);
/* One verification through the API; verified_on = the day of the field check
 * (YYYY-MM-DD, NULL when not given). */
st round_verify_set(db *d, int64_t round, int64_t entity_no, int64_t employees, int premises, int operating,
                    const char *verifier, const char *note, const char *verified_on, const char *who, err *e);

/* Export a round's ledger (kept and removed sheets) as xlsx.  area: a district
 * or park code to export only that part, NULL for all.  (Also for round_verify_import:
 * rows of enterprises outside the area are reported, not taken.) */
st round_export_xlsx(db *d, int64_t round, const char *area, const char *path, err *e);
/* Round 4 → the enterprise register.  *n gets the enterprises written. */
st round_publish(db *d, int64_t round, int *n, err *e);

/* Why two records of a round were (not) merged, recomputed from the stored rows. */
st round_explain(db *d, int64_t round, int64_t a_record, int64_t b_record, char **text, err *e);

#endif
