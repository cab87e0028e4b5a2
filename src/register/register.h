/* register — the enterprise register between campaigns (issue 23).
 *
 * An enterprise enters the register, changes and leaves it as dated events
 * (enterprise_event, migration 0060): created on a day (reg_from), edited
 * (the fields before and after), closed (reg_to, its covers and instructors
 * ending that day) or merged into another that turned out to be the same
 * (reg_to, merged_into; the survivor carries its covers and instructors from
 * their own days).  Coverage as of day D counts the enterprises in the
 * register on D: `(reg_from IS NULL OR reg_from <= D) AND (reg_to IS NULL OR
 * reg_to > D)` (an enterprise published by a campaign's round has no
 * reg_from).  A closed or merged one keeps its row, covers and events.
 *
 * The feed: the market regulator's registrations as an office receives them
 * (CSV or xlsx: 统一社会信用代码, 企业名称, 成立日期, 登记状态, 经营范围, 住所,
 * 行业 …) read by the ledger's readers (ledger_table_read) and matched with
 * the register by the ledger's matcher (ledger_match_run): a row found in
 * the register under another name is proposed as a rename, a row 注销 or
 * 吊销 found in it as a closing, a row not found whose business scope,
 * industry or name carries one of the setting's words
 * (register-internet-words) as a new internet enterprise (its category by
 * the ledger's words, ledger_norm_category).  Nothing is applied until a
 * person accepts a proposal (it becomes the event above, dated by the
 * registration's date) or refuses it with a reason.
 *
 * Parts: the rules here and in register.c (pure: the plan of a feed, the
 * words, the checks of a day); the store (register_store.c, all the SQL,
 * one audited act per write); the routes (register_api.c). */
#ifndef EJIA_REGISTER_REGISTER_H
#define EJIA_REGISTER_REGISTER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/uc.h"
#include "core/arena.h"
#include "core/err.h"
#include "ledger/table.h"

/* ---- rules (register.c) ---- */

/* The first of the comma-separated words found in any of the texts (scope,
 * industry, name); NULL when none (words NULL = the setting). */
const char *register_internet_word(const char *scope, const char *industry, const char *name, const char *words);
/* One of 新闻 社交 网游 电商 金融 数据 from the industry, the trade words of
 * the name, then the business scope (the ledger's words); "数据" when an
 * internet enterprise names none. */
const char *register_category(const char *industry, const char *name, const char *scope);
/* Two names the same after the ledger's normalization (width, 繁/简, spaces). */
bool register_same_name(const char *a, const char *b);

/* An enterprise of the register as the matcher sees it. */
typedef struct register_ent {
    int64_t id;
    const char *name, *uscc, *address;
    int district;       /* GB/T 2260 code or 0 */
    bool active;        /* in the register today (not closed or merged) */
} register_ent;

typedef enum register_kind { REGISTER_NONE = 0, REGISTER_NEW, REGISTER_RENAME, REGISTER_CLOSE } register_kind;
const char *register_kind_name(register_kind k);   /* "new" "rename" "close" */

/* One proposal of a feed (strings in the plan's arena). */
typedef struct register_prop {
    int row, sheet_row;
    register_kind kind;
    int64_t enterprise_id;       /* matched (rename, close) */
    const char *name, *old_name, *uscc, *day, *state, *category, *scope, *address;
    char district[8];            /* "350203" or "" */
    char street[12];             /* "350203001" or "" */
    const char *why;             /* in words */
} register_prop;

typedef struct register_plan {
    arena mem;
    register_prop *props;
    size_t nprops;
    int rows, matched, skipped;
} register_plan;

/* Progress of a long plan: phase in words, done of total. */
typedef void (*register_progress)(void *ctx, const char *phase, uint64_t done, uint64_t total);

/* Match the feed t with the register ents and decide each row: day is the
 * feed's date (renames and closings; a new enterprise takes its 成立日期, else
 * this day); words NULL = the setting.  The plan is the caller's to free. */
st register_plan_make(const ledger_table *t, const register_ent *ents, size_t nents, const char *day, const char *words,
                      register_progress progress, void *ctx, register_plan **out, err *e);
void register_plan_free(register_plan *p);

/* The feed file read by the ledger's readers (CSV, xlsx, xls); a file that
 * cannot be read is the user's to fix (ST_INVALID naming it). */
st register_feed_read_mem(const char *name, const void *data, size_t len, ledger_table **out, err *e);

/* ---- store (register_store.c): every write one audited act ---- */

/* What an enterprise is given when created or edited (NULL = not given /
 * unchanged; employees and members -1 = not given). */
typedef struct register_ent_in {
    const char *name, *uscc, *district_code, *street_code, *park_code, *address, *category, *business_scope, *founded_on;
    int64_t employees, members;
    const char *day, *note;
    int64_t proposal_id;         /* the feed's proposal it comes from (0 = a person's own entry) */
} register_ent_in;

/* register.create: a new enterprise in the register from in->day. */
st register_store_create(uc *c, const register_ent_in *in, int64_t *id, err *e);
/* register.edit: the fields given change on in->day (before and after kept). */
st register_store_edit(uc *c, int64_t id, const register_ent_in *in, err *e);
/* register.close: out of the register from day; its covers and instructors end that day. */
st register_store_close(uc *c, int64_t id, const char *day, const char *note, int64_t proposal_id, err *e);
/* register.merge: id is the same enterprise as into; id leaves on day, into
 * carries id's covers and instructors from their own days. */
st register_store_merge(uc *c, int64_t id, int64_t into, const char *day, const char *note, err *e);

/* Once after migration 0073 (while the meta key 'enterprise-place-fill' is
 * there): enterprise_place filled from the edits' history; *n stretches. */
st register_store_place_fill(db *d, int64_t *n, err *e);

typedef struct register_filter {
    const char *q, *district, *status;   /* status: active | closed | merged | all (NULL = active) */
} register_filter;
st register_store_list(uc *c, const register_filter *f, const uc_page *pg, json_t **items, int64_t *total, err *e);
/* One enterprise: its row, events, what merged into it, covers and instructors. */
st register_store_get(uc *c, int64_t id, json_t **out, err *e);

/* register.feed.import: the feed read (t), matched and planned; the
 * proposals kept for people.  day: the feed's date. */
st register_store_feed_import(uc *c, const ledger_table *t, const char *day, register_progress progress, void *ctx,
                              int64_t *id, err *e);
st register_store_feeds(uc *c, const uc_page *pg, json_t **items, int64_t *total, err *e);
st register_store_feed_get(uc *c, int64_t id, json_t **out, err *e);
/* Proposals in the caller's scope: status pending | accepted | refused | all (NULL = pending); feed 0 = any. */
st register_store_proposals(uc *c, const char *status, int64_t feed, const uc_page *pg, json_t **items, int64_t *total,
                            err *e);
/* register.proposal.accept: it becomes the event it proposes (*enterprise the enterprise it made or changed). */
st register_store_accept(uc *c, int64_t id, const char *note, int64_t *enterprise, err *e);
/* register.proposal.refuse: kept with its reason. */
st register_store_refuse(uc *c, int64_t id, const char *reason, err *e);

#endif
