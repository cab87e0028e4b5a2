/* match — entity resolution over enterprise ledgers.
 *
 * Input: records taken from ledger tables (one per data row, any number of
 * sources).  Output: an entity number per record, the accepted links, and a
 * review queue of uncertain pairs.  The stages, each in ledger/match.c:
 *
 *   1. features   every record's name is split by ledger/norm (region, brand,
 *                 trade, form, branch, notes); code, phone, contact, address
 *                 and district are reduced to comparable keys.
 *   2. blocking   records are compared only when they share a key: the same
 *                 code or organisation-code part, phone, brand, brand with one
 *                 character deleted (typos), brand characters sorted
 *                 (swapped characters), former brand, or road and number.
 *                 Keys shared by more than block_cap records are ignored
 *                 (they carry no information), which keeps the cost linear.
 *   3. scoring    each compared pair gets a comparison vector (a level per
 *                 field: name, code, phone, contact, address, district).
 *                 Fellegi–Sunter m and u probabilities and the match prior are
 *                 estimated with EM from the vectors of this very run, so the
 *                 weights follow the data instead of a hand-tuned file.
 *   4. clustering links are applied strongest first with a union-find that
 *                 refuses any merge breaking a hard rule: two different valid
 *                 credit codes, a branch office with its head office (or with
 *                 another branch), or a reviewer's "not the same".  Reviewers'
 *                 "same" decisions are applied first.
 *   5. review     pairs whose match probability falls in the uncertain band
 *                 are listed for a person to decide; decisions come back in
 *                 through ledger_match_opts.decisions on the next run.
 *
 * Threads: stages 1–3 run on opts.threads threads; results do not depend on
 * the number of threads. */
#ifndef EJIA_LEDGER_MATCH_H
#define EJIA_LEDGER_MATCH_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "ledger/table.h"

/* One source record.  The row (and its strings) must outlive the result. */
typedef struct ledger_match_rec {
    int source;               /* index into the caller's source list */
    const ledger_row *row;    /* cleaned fields; row->row is the 1-based data row */
    const char *key;          /* stable key for review decisions, e.g. "02-网信办.csv:17" */
} ledger_match_rec;

typedef enum ledger_match_verdict {
    LEDGER_MATCH_SAME = 1,
    LEDGER_MATCH_DIFFERENT = 2
} ledger_match_verdict;

/* A reviewer's decision about two records, by key. */
typedef struct ledger_match_decision {
    const char *a, *b;
    ledger_match_verdict verdict;
} ledger_match_decision;

typedef struct ledger_match_opts {
    int threads;              /* 0 = online cores, at most 8 */
    double link_prob;         /* link when P(match) >= this (0 = 0.5) */
    /* Review band [review_lo, review_hi) (0,0 = 0.2, 0.8).  On the dev ledgers
     * every pair scored 0.8 or more was right and nearly every pair under 0.2
     * wrong: the band holds the pairs worth a person's time (~1.5% of records). */
    double review_lo;
    double review_hi;
    int block_cap;            /* ignore keys shared by more records (0 = 200) */
    const ledger_match_decision *decisions;
    size_t ndecisions;
} ledger_match_opts;

/* Compared fields and their levels (0 is always "missing on one side"). */
typedef enum ledger_match_field {
    LMF_NAME, LMF_CODE, LMF_PHONE, LMF_CONTACT, LMF_ADDRESS, LMF_DISTRICT, LMF__COUNT
} ledger_match_field;
#define LEDGER_MATCH_MAXLEV 7

/* Why a link was made or refused. */
typedef enum ledger_match_why {
    LMW_SCORE = 0,            /* probability over the link threshold */
    LMW_DECISION,             /* a reviewer said "same" */
    LMW_RULE_CODES,           /* refused: two different valid credit codes */
    LMW_RULE_BRANCH,          /* refused: branch vs head office / other branch */
    LMW_RULE_DECISION         /* refused: a reviewer said "not the same" */
} ledger_match_why;

typedef struct ledger_match_pair {
    uint32_t a, b;            /* record indexes, a < b */
    float weight;             /* log2 likelihood ratio (FS match weight) */
    float prob;               /* posterior P(match) */
    uint8_t lev[LMF__COUNT];  /* comparison vector */
    uint8_t why;              /* ledger_match_why (links and refusals) */
} ledger_match_pair;

/* Per-record facts that later stages (zombie, golden, explain) use. */
typedef struct ledger_match_info {
    const char *name;         /* normalized name text (NFKC, t2s, no spaces) */
    const char *brand, *trade, *branch;
    int8_t category;          /* index into ledger_match_categories or -1 */
    uint8_t is_branch;
    uint8_t note_status;      /* LEDGER_NORM_ST_* from notes in the name */
} ledger_match_info;

typedef struct ledger_match_stats {
    size_t keys, blocks_used, blocks_capped;
    size_t compared;          /* distinct pairs compared */
    size_t links, refused_codes, refused_branch, refused_decision;
    size_t decisions_applied, decisions_unknown, decisions_conflict;
    int em_iterations;
    double seconds_features, seconds_blocking, seconds_scoring, seconds_cluster;
} ledger_match_stats;

typedef struct ledger_match_result {
    arena mem;                      /* owns everything below */
    size_t nrec;
    const ledger_match_rec *recs;   /* the caller's array (not owned) */
    ledger_match_info *info;        /* nrec */
    uint32_t *entity;               /* nrec: 0..nentity-1, numbered by first record */
    size_t nentity;
    ledger_match_pair *links;       /* merges made (tree edges), nlinks */
    size_t nlinks;
    ledger_match_pair *refused;     /* links refused by a rule, nrefused */
    size_t nrefused;
    ledger_match_pair *review;      /* uncertain pairs, highest weight first */
    size_t nreview;
    double lambda;                  /* estimated share of matches among compared pairs */
    double m[LMF__COUNT][LEDGER_MATCH_MAXLEV], u[LMF__COUNT][LEDGER_MATCH_MAXLEV];
    double link_prob;
    ledger_match_stats stats;
    uint32_t *moff, *midx;          /* ledger_match_members(), built on demand */
    void *priv;                     /* features kept for explain */
} ledger_match_result;

extern const char *const ledger_match_categories[6];   /* 新闻 社交 网游 电商 金融 数据 */

/* Collect records from a table: one per row, key "SOURCE:ROW".  Grows *recs
 * (malloc'd, the caller frees) and keys are allocated in a (the caller's
 * arena, which must outlive the result). */
st ledger_match_add_table(ledger_match_rec **recs, size_t *n, size_t *cap, arena *a,
                          const ledger_table *t, int source, err *e);

st ledger_match_run(const ledger_match_rec *recs, size_t n, const ledger_match_opts *o,
                    ledger_match_result **out, err *e);
void ledger_match_free(ledger_match_result *r);

/* Compare two records of a result (any two, compared or not). */
void ledger_match_compare(const ledger_match_result *r, uint32_t a, uint32_t b,
                          ledger_match_pair *out);
/* Would blocking put them in one block?  Writes the shared key kinds
 * ("code", "phone", "brand" ...) into out (comma separated). */
int ledger_match_shared_keys(const ledger_match_result *r, uint32_t a, uint32_t b,
                             char *out, size_t cap);
/* Hard rule that forbids a and b in one entity, or LMW_SCORE when none. */
ledger_match_why ledger_match_rule(const ledger_match_result *r, uint32_t a, uint32_t b);

/* Names of fields and levels, Chinese, for explanations and the review file. */
const char *ledger_match_field_name(ledger_match_field f);
const char *ledger_match_level_name(ledger_match_field f, int level);
int ledger_match_nlevels(ledger_match_field f);
/* Records of each entity: members of entity k are idx[off[k] .. off[k+1]),
 * in record order.  Built once, kept in r->mem. */
st ledger_match_members(ledger_match_result *r, const uint32_t **off, const uint32_t **idx, err *e);
/* Record index by key, or -1. */
long ledger_match_find(const ledger_match_result *r, const char *key);

/* explain.c: why a and b were (not) merged, as Chinese text.
 * ledger_match_summary: the comparison vector in plain words, one sentence
 * ("名称和所属区相同；地址不同；信用代码一方缺失。"); has_a/has_b say whether each
 * record has the field at all (level 0 then reads "一方缺失", "双方都缺失" or,
 * both filled, "无法比较"); alike says whether the name (normalized) and the
 * address (as written) read the same: at the top level but written
 * differently they read "写法不同，但…相同".  ledger_match_explain_plain: that sentence for a
 * and b into summary, and into out the rest in plain words (how sure, rule
 * or decision, the outcome).  ledger_match_explain: the weights behind it. */
void ledger_match_summary(const uint8_t lev[LMF__COUNT], const uint8_t has_a[LMF__COUNT], const uint8_t has_b[LMF__COUNT],
                          const uint8_t alike[LMF__COUNT], buf *out);
st ledger_match_explain_plain(const ledger_match_result *r, uint32_t a, uint32_t b, buf *summary, buf *out, err *e);
st ledger_match_explain(const ledger_match_result *r, uint32_t a, uint32_t b, buf *out, err *e);

#endif
