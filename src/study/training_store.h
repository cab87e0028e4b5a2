/* training_store — training batches (轮训, issue 16) in the database
 * (migration 0058): batches kept by the city office with their sessions,
 * the roster (registry members, or accounts that are not party members: an
 * investor's, a platform administrator's), enrolment by the office (an
 * organization's members, the accounts of a role, a list) or by invitation
 * (the invitee accepts or declines in their account), withdrawal, attendance
 * per session — checked in with the meetings' rotating code
 * (meeting_token_make / meeting_token_check under a key of its own,
 * rule-meeting-checkin-step, the meetings' window settings, committed in
 * groups through uc_batched) or marked by hand with a reason —, completion
 * (training-complete-share of the sessions) with a certificate numbered per
 * year and the batch's hours credited once through study_credit_add (source
 * "training", the batch's id) to registry members only.  Every write is one
 * audited use case; the certificate's download is audited.  All of the
 * module's SQL is here. */
#ifndef EJIA_STUDY_TRAINING_STORE_H
#define EJIA_STUDY_TRAINING_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "auth/scope.h"
#include "base/uc.h"
#include "core/err.h"
#include "study/training.h"

typedef struct training_batch_in {
    const char *name;
    int64_t number;           /* 期数, >= 1 (0 = 1 on create, unchanged on update) */
    const char *starts_on, *ends_on, *place, *audience, *organizer, *note;
} training_batch_in;
/* A batch created ("training.batch.create") or changed ("training.batch.update";
 * NULL fields unchanged). */
st training_store_create(uc *c, const training_batch_in *b, int64_t *id, err *e);
st training_store_update(uc *c, int64_t id, const training_batch_in *b, err *e);

typedef struct training_session_in {
    const char *day, *start, *end, *topic, *teacher, *place;
    int64_t minutes;          /* the session's 学时 in minutes */
} training_session_in;
/* A session added ("training.session.add"; its day within the batch's dates) or
 * removed ("training.session.remove"; only while nobody attended it). */
st training_store_session_add(uc *c, int64_t batch, const training_session_in *s, int64_t *sid, err *e);
st training_store_session_remove(uc *c, int64_t batch, int64_t sid, err *e);

/* Who to put on the roster ("training.enrol", one act): the members of an
 * organization and the organizations below it (org_id), the accounts of a
 * role (role: secretary, org_admin, investor, …; an account linked to a
 * registry member is put on as that member), and lists of people and
 * accounts.  invite: they are invited and answer in their account;
 * otherwise enrolled at once.  Those already on it are left as they are;
 * one who declined or withdrew is put on again.  *added = how many. */
typedef struct training_enrol {
    int64_t org_id;
    const char *role;
    const int64_t *person_ids;
    size_t n_persons;
    const int64_t *user_ids;
    size_t n_users;
    bool invite;
} training_enrol;
st training_store_enrol(uc *c, int64_t batch, const training_enrol *n, int64_t *added, err *e);
/* Off the roster with a reason ("training.withdraw"); not once completed. */
st training_store_withdraw(uc *c, int64_t batch, int64_t aid, const char *reason, err *e);
/* The invitee answers in their own account ("training.invite.accept" /
 * "training.invite.decline"); ST_NOT_FOUND when the invitation is not theirs. */
st training_store_answer(uc *c, int64_t aid, bool accept, err *e);

/* The session's check-in code of now, only inside its window:
 * {token, url, step_seconds, expires_at, window_from, window_to}. */
st training_store_token(uc *c, int64_t batch, int64_t sid, json_t **out, err *e);
/* The logged-in attendee checks in with a code ("training.checkin"; a
 * refusal is audited with result "refused"). */
st training_store_checkin(uc *c, const char *token, json_t **out, err *e);
/* The organizer marks one attendee present or absent at a session by hand,
 * with a reason ("training.attendance"). */
st training_store_mark(uc *c, int64_t batch, int64_t sid, int64_t aid, bool present, const char *reason, err *e);

/* Completion ("training.complete"), once the batch has ended: each enrolled
 * attendee not yet completed who attended training-complete-share percent of
 * the sessions completes on the batch's last day, with the next certificate
 * number of that year; a registry member is credited the batch's hours
 * (study_credit_add).  Run again later (attendance marked late) it completes
 * only those new.  out: {completed, credited, not_completed}. */
st training_store_complete(uc *c, int64_t batch, json_t **out, err *e);

/* One batch: its sessions, roster (with each one's sessions attended) and the
 * completion share. */
st training_store_get(uc *c, int64_t id, json_t **out, err *e);
typedef struct training_filter {
    const char *q;            /* part of the name */
    const char *state;        /* open | finished | NULL */
    const char *audience;
} training_filter;
st training_store_list(uc *c, const training_filter *f, const uc_page *p, json_t **items, int64_t *total, err *e);
/* People to enrol by name: registry members and accounts that are not (at most 20). */
st training_store_candidates(uc *c, const char *q, json_t **items, err *e);

/* The logged-in person's batches: invitations, enrolments, sessions with
 * their own attendance, certificates. */
st training_store_mine(uc *c, json_t **out, err *e);

/* What the certificate prints; the download is audited ("training.certificate").
 * batch = 0: the caller's own (ST_NOT_FOUND when not theirs). */
typedef struct training_cert {
    const char *number, *name, *unit, *batch, *starts_on, *ends_on, *hours, *organizer, *issued_on;
    int64_t sessions, attended;
} training_cert;
st training_store_certificate(uc *c, int64_t batch, int64_t aid, training_cert *out, err *e);
/* The certificate as one A4 landscape PDF page (training_pdf.c). */
st training_cert_pdf(const training_cert *k, const char *path, err *e);

extern const scope_resolver training_scope_resolvers[];

#endif
