/* committee_store — organizations' people and terms in the database
 * (migration 0061; issue 23).  All of the module's SQL is here; every write
 * is one audited use case (base/uc.h): a post added (org.post.add), ended
 * (org.post.end), a carried-over name linked to a member (org.post.link), an
 * election recorded (org.election: the old committee's posts end on its day,
 * the new ones start, the term is worked out, the vote record kept with
 * base/files.h in org-files-dir); the vote record read back is audited
 * (org.election.file).  Each write keeps org.secretary and org.committee in
 * step with today's posts, so what reads them (the findings, the bulletin,
 * the organization pages) goes on working. */
#ifndef EJIA_COMMITTEE_COMMITTEE_STORE_H
#define EJIA_COMMITTEE_COMMITTEE_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "auth/scope.h"
#include "base/uc.h"
#include "committee/committee.h"
#include "core/err.h"
#include "db/db.h"

/* Is person_id a secretary, deputy or committee member (any post) of an
 * organization on day?  *org_id (may be NULL) gets the organization of one
 * such post (0 when none); the posts of an organization dissolved by then do
 * not count.  For rules that ask it of a person, e.g. the study hours a
 * committee member owes. */
st committee_store_holds(uc *c, int64_t person_id, const char *day, bool *holds, int64_t *org_id, err *e);

/* One post to hold. */
typedef struct committee_post_new {
    const char *post;             /* committee_posts[] */
    int64_t person_id;            /* a registry member */
    const char *from_day;         /* YYYY-MM-DD, not after today (the election day for an election) */
    const char *note;
} committee_post_new;

/* Add a post to organization org_id (audited "org.post.add").  Refused: an
 * unknown post, a day after today or when the organization was not active, a
 * holder who is not a 正式党员 of the organization that day (the rule named),
 * a second 书记 while one holds the post, the same person in the same post twice. */
st committee_store_post_add(uc *c, int64_t org_id, const committee_post_new *p, int64_t *id, err *e);
/* End a post on day (audited "org.post.end"): not before it began, not after today. */
st committee_store_post_end(uc *c, int64_t post_id, const char *day, const char *note, err *e);
/* Link a carried-over name (未关联) to a registry member (audited
 * "org.post.link"): they must be a 正式党员 of the organization today (or,
 * for an ended post, on the day it began). */
st committee_store_post_link(uc *c, int64_t post_id, int64_t person_id, err *e);
/* The organization of a post (ST_NOT_FOUND when none). */
st committee_store_post_org(uc *c, int64_t post_id, int64_t *org_id, err *e);

/* An election (换届选举): the new committee and the vote record. */
typedef struct committee_election_new {
    const char *day;
    const committee_post_new *posts;   /* from_day ignored: the election day */
    size_t n;
    const char *note;
    const char *file_path, *file_name;   /* the vote record (PDF, JPEG, PNG); NULL = none */
} committee_election_new;
/* Record an election (audited "org.election"): exactly one 书记, each holder
 * a 正式党员 of the organization on the day; the posts open that day end on
 * it; the term runs committee_term_years(kind) from it. */
st committee_store_elect(uc *c, int64_t org_id, const committee_election_new *x, int64_t *id, err *e);
/* The vote record of an election, to download (audited "org.election.file"). */
st committee_store_vote_record(uc *c, int64_t election_id, const char **path, const char **mime, const char **name, err *e);

/* One organization's committee as of day (posts held that day), all its
 * posts (history, newest first), its elections and its term now. */
st committee_store_get(uc *c, int64_t org_id, const char *day, json_t **out, err *e);

/* The terms of the active organizations inside the caller's scope (and below
 * org_id when set): status "overdue", "due" (within org-term-remind-days),
 * "attention" (either), "all"; items in c's memory, unpaged. */
typedef struct committee_term_filter {
    const char *status;
    int64_t org_id;
    const char *q;                /* part of the name */
} committee_term_filter;
st committee_store_terms(uc *c, const committee_term_filter *f, json_t **items, err *e);
/* The reminders (notice/): overdue and due-soon terms inside the caller's scope. */
st committee_store_term_counts(uc *c, int64_t *overdue, int64_t *due, err *e);

/* The old free text carried into posts once (migration 0061 marks it):
 * org.secretary as 书记, org.committee's names as 委员, from the day the
 * organization was established; a name that matches exactly one 正式党员
 * of the organization is linked, the rest stay 未关联.  *n = posts made. */
st committee_store_carry(db *d, int64_t *n, err *e);

/* Where its objects sit: org_post and org_election, where their organization is. */
extern const scope_resolver committee_scope_resolvers[];

#endif
