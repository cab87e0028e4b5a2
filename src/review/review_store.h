/* review_store — content pre-review (内容预审, issue 19) in the database
 * (migration 0068).  All of the module's SQL is here; every write is one
 * audited use case (base/uc.h): a group set up (review.group), a member added
 * or ended (review.member.add, review.member.end), a checklist version saved
 * (review.checklist), an item submitted (review.submit), a file added
 * (review.upload), reviewers assigned (review.assign), findings recorded
 * (review.findings), a decision (review.decide), a withdrawal
 * (review.withdraw); a file read back is audited (review.file).
 *
 * Confidentiality: the content (titles, descriptions, links, files, findings)
 * is read only by callers bound to an organization, an enterprise or
 * themselves (an assigned reviewer); the scope resolvers place the content at
 * the enterprise and its covering organization only, so a district or park
 * office is refused by the scope check, and the city (inside every scope) is
 * answered 404 here.  The offices see review_store_figures: counts. */
#ifndef EJIA_REVIEW_REVIEW_STORE_H
#define EJIA_REVIEW_REVIEW_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "auth/scope.h"
#include "base/uc.h"
#include "core/err.h"
#include "review/review.h"

/* ---- checklists ---- */
typedef struct review_check_new {
    const char *category;   /* review_categories[] */
    const char *title;      /* 1–30 characters */
    const char *guide;      /* may be NULL */
} review_check_new;
/* Save a new version of the checklist of enterprise ent (0 = the city's
 * default) (audited "review.checklist"): 1–40 entries; the version in use
 * before stays for the items that were submitted with it. */
st review_store_checklist_save(uc *c, int64_t ent, const char *name, const review_check_new *checks, size_t n, int64_t *id, err *e);
/* The checklist in use for enterprise ent (its own, else the city's; ent 0:
 * the city's): {id, name, version, owner: "city"|"enterprise", checks: […]}. */
st review_store_checklist(uc *c, int64_t ent, json_t **out, err *e);

/* ---- the group ---- */
/* Set up enterprise ent's review group (audited "review.group"): registry
 * members of the organizations covering it today, lead one of them. */
st review_store_group_setup(uc *c, int64_t ent, const char *name, const int64_t *persons, size_t n, int64_t lead, int64_t *id, err *e);
/* Add a member from today (audited "review.member.add"); lead: they become the lead. */
st review_store_member_add(uc *c, int64_t group, int64_t person, bool lead, int64_t *id, err *e);
/* End a membership on day (audited "review.member.end"); the lead cannot leave
 * while lead (make another the lead first). */
st review_store_member_end(uc *c, int64_t member, const char *day, err *e);

/* ---- items ---- */
typedef struct review_item_new {
    const char *kind, *title, *description, *deadline;
    const char *const *links;   /* http(s) URLs */
    size_t nlinks;
} review_item_new;
/* Submit an item (audited "review.submit"): the enterprise's group must have
 * members; the checklist in use is the one it is reviewed against. */
st review_store_submit(uc *c, int64_t ent, const review_item_new *x, int64_t *id, err *e);
/* Add a file (audited "review.upload"): PDF, PNG, JPEG, WebP or ZIP (apk,
 * docx …) by content, up to review-file-max bytes, kept in review-files-dir. */
st review_store_upload(uc *c, int64_t item, const char *path, const char *name, int64_t *id, err *e);
/* Assign reviewers (audited "review.assign"): current members of the group with an account. */
st review_store_assign(uc *c, int64_t item, const int64_t *persons, size_t n, err *e);
typedef struct review_finding_new {
    int64_t check_id;
    const char *result;         /* pass, issue */
    const char *note;           /* required with issue */
} review_finding_new;
/* An assigned reviewer's findings (audited "review.findings"); done: every
 * entry of the checklist has one, the review is handed in. */
st review_store_findings(uc *c, int64_t assign, const review_finding_new *f, size_t n, bool done, err *e);
/* Decide (audited "review.decide"): review-decide-min-done reviewers handed
 * in; reasons are entries of the item's checklist.  by_assign: the decision
 * made by the group's lead through their assignment (0 = a review.write holder). */
st review_store_decide(uc *c, int64_t item, int64_t by_assign, const char *decision, const int64_t *reasons, size_t n, const char *note,
                       err *e);
/* Withdraw an open item (audited "review.withdraw"). */
st review_store_withdraw(uc *c, int64_t item, const char *note, err *e);

/* ---- reads of the content (inside the enterprise's scope only) ---- */
/* Enterprise ent's review page: the group (members, lead), the checklist in
 * use, the items (newest first, overdue marked). */
st review_store_enterprise(uc *c, int64_t ent, json_t **out, err *e);
/* The enterprises whose review work the caller does: the investor's, or those
 * the caller's organization (and those below it) covers now; with their group
 * and open items. */
st review_store_enterprises(uc *c, json_t **items, err *e);
/* One item with its files, reviewers, findings, checklist version and decision. */
st review_store_item(uc *c, int64_t item, json_t **out, err *e);
/* A file to download (audited "review.file"); assign > 0: through that assignment. */
st review_store_file(uc *c, int64_t file, int64_t assign, const char **path, const char **mime, const char **name, err *e);
/* The caller's assignments (我的审核), open first. */
st review_store_mine(uc *c, json_t **items, err *e);
/* One assignment for its reviewer: the item, its files, the checklist, their findings. */
st review_store_assignment(uc *c, int64_t assign, json_t **out, err *e);

/* ---- figures (what the offices see) ---- */
/* by "enterprise" or "district" inside the caller's scope, items submitted
 * from..to (either may be NULL): {items: [{key, name, district_name, items,
 * open, overdue, decided, pass, pass_changes, reject, withdrawn, median_days,
 * p90_days, r_<category>…}], total: {… the same, the roll-up}, reasons:
 * [{category, label, reject, pass_changes}]}.  Counts only. */
st review_store_figures(uc *c, const char *by, const char *from, const char *to, json_t **out, err *e);

extern const scope_resolver review_scope_resolvers[];

#endif
