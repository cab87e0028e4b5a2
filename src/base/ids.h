/* ids — checks for people's identifiers, shared by every module that takes
 * them (accounts, ledgers' contacts, instructors, party members): the
 * resident ID number (居民身份证号, GB 11643-1999) and Chinese phone numbers.
 * Pure functions over (pointer, length). */
#ifndef EJIA_BASE_IDS_H
#define EJIA_BASE_IDS_H

#include <stdbool.h>
#include <stddef.h>

/* GB 11643-1999 resident ID: 17 digits + check (0-9 or X), digits 7–14 a
 * real birth date between 1900-01-01 and 2099-12-31. */
bool ids_idcard_check(const char *s, size_t n);
/* 1 male, 2 female, 0 when the number is not a valid ID. */
int ids_idcard_sex(const char *s, size_t n);

typedef enum ids_phone_kind { IDS_PHONE_BAD = 0, IDS_PHONE_MOBILE, IDS_PHONE_LANDLINE } ids_phone_kind;
/* A single phone number: mobile 1[3-9]xxxxxxxxx (an optional +86 / 86 in
 * front), or landline 0AA(A)-NNNNNNN(N) with or without the dash, or a local
 * 7–8 digit number, optionally with an extension "-NNNN" / "转NNNN".
 * When out is not NULL (≥ 32 bytes) it receives the number cleaned: digits,
 * with a dash between area code and number for landlines. */
ids_phone_kind ids_phone_check(const char *s, size_t n, char *out);

/* A resident ID number as people type it, made the one 18-character form:
 * surrounding and inner spaces dropped, full-width digits and letters folded
 * (NFKC), a lower-case x raised, and a 15-digit number of the first
 * generation converted (century 19 inserted after the region code, the check
 * character computed).  True when the result (out, 19 bytes) is a valid
 * number by ids_idcard_check; false otherwise (out then holds what was read,
 * cut to 18, for a message). */
bool ids_idcard_normalize(const char *s, size_t n, char out[19]);
/* Birth date "YYYY-MM-DD" (out 11 bytes) of a valid 18-character number. */
void ids_idcard_birth(const char *id18, char out[11]);

#endif
