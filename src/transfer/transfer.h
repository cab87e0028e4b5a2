/* transfer — organization-relation transfers (组织关系接转), the pure rules.
 *
 * Three kinds: "internal" (to another organization of the system: the sending
 * organization approves, the receiving one accepts or returns it), "out" (out
 * of the system: on approval a letter 介绍信 is issued, numbered in the city's
 * sequence and valid for transfer-letter-valid-days; its receipt 回执 ends the
 * membership here) and "in" (a letter from outside registered: recorded as
 * accepted at once).
 *
 * The state machine: which action is allowed from which state by which side
 * (the sending organization, the receiving organization, the member) and the
 * state it leads to.  transfer_store.c applies it; nothing else decides it. */
#ifndef EJIA_TRANSFER_TRANSFER_H
#define EJIA_TRANSFER_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>

#define TRANSFER_SENDER "sender"
#define TRANSFER_RECEIVER "receiver"
#define TRANSFER_MEMBER "member"

/* "internal", "out", "in" */
bool transfer_kind_ok(const char *kind);
/* requested, sent, returned, refused, accepted, cancelled, letter, completed */
bool transfer_state_ok(const char *state);
/* Still waiting for someone (requested, sent, returned, letter): one at a time per person. */
bool transfer_state_open(const char *state);

/* The state that action (approve, refuse, cancel, accept, return, resubmit,
 * receipt) by side leads to from state, for a transfer of kind; NULL when it
 * is not allowed. */
const char *transfer_next(const char *kind, const char *state, const char *action, const char *side);
/* Why not, in Chinese ("该转接当前状态为“已接收”，不能再退回。"), into out. */
void transfer_refusal(const char *state, const char *action, char *out, size_t n);

/* The Chinese words of a state, a kind, an action. */
const char *transfer_state_label(const char *state);
const char *transfer_kind_label(const char *kind);
const char *transfer_action_label(const char *action);

/* The letter's number: prefix〔year〕第NNNN号 (four digits at least). */
void transfer_letter_number(const char *prefix, int year, int seq, char *out, size_t n);
/* The last day a letter issued on day is valid (day + days - 1; out 11 bytes). */
void transfer_valid_until(const char *day, int days, char out[11]);
/* A letter not yet returned whose validity ended before today. */
bool transfer_overdue(const char *state, const char *valid_until, const char *today);
/* The month a day falls in, "YYYY-MM" (out 8 bytes). */
void transfer_month(const char *day, char out[8]);

#endif
