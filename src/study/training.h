/* training — training batches (轮训, issue 16), the pure rules: which
 * audiences and states there are and their Chinese words, when an attendee
 * completes a batch (the share of its sessions attended, a setting), the
 * certificate's number, 学时 given as a decimal turned into minutes.  No SQL,
 * no HTTP.  The store is training_store.c, the certificate training_pdf.c. */
#ifndef EJIA_STUDY_TRAINING_H
#define EJIA_STUDY_TRAINING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* secretary (党组织书记), investor (出资人), admin (平台管理员), member (党员), other */
bool training_audience_ok(const char *audience);
const char *training_audience_label(const char *audience);
/* invited, enrolled, declined, withdrawn */
const char *training_state_label(const char *state);

/* Does an attendee who attended `attended` of `total` sessions complete, the
 * setting asking for share_pct percent?  Never with no sessions or none attended. */
bool training_completes(int64_t attended, int64_t total, int64_t share_pct);

/* The certificate's number: prefix〔year〕第NNNN号 (four digits at least). */
void training_cert_number(const char *prefix, int year, int64_t seq, char *out, size_t n);

/* "3", "1.5", "0.5" 学时 into minutes (whole minutes, > 0, at most 100 学时);
 * false when it is not such a number. */
bool training_hours_minutes(const char *hours, int64_t *minutes);
/* Minutes as 学时 for showing: "3", "1.5", "2.25" (out 24 bytes). */
void training_minutes_hours(int64_t minutes, char out[24]);

#endif
