/* password — hashing and the password policy.
 *
 * Hashes are libsodium's crypto_pwhash_str with argon2id, t = 2 and
 * m = 19 MiB (the OWASP / security.md minimum; raise PASSWORD_MEMLIMIT to
 * harden).  The policy is the setting password-policy:
 *   mlps  GB/T 22239 level 3 practice: ≥ 8 characters with at least three
 *         of upper case, lower case, digits, symbols (default);
 *   asvs  OWASP ASVS 2.1: ≥ 12 characters, no composition rules.
 * Both: ≤ 128 characters, not containing the username, not a well-known
 * password. */
#ifndef EJIA_AUTH_PASSWORD_H
#define EJIA_AUTH_PASSWORD_H

#include <sodium.h>
#include <stdbool.h>
#include "core/err.h"

#define PASSWORD_OPSLIMIT 2ULL
#define PASSWORD_MEMLIMIT (19ULL * 1024 * 1024)

/* Check pw against the named policy ("mlps" or "asvs"); ST_INVALID with a
 * Chinese sentence on field "password" saying what to change. */
st password_policy_check(const char *policy, const char *pw, const char *username, err *e);
/* The rules of that policy in one Chinese sentence, to show before the first try. */
const char *password_policy_text(const char *policy);
/* Hash into out (crypto_pwhash_STRBYTES). */
st password_hash(const char *pw, char out[crypto_pwhash_STRBYTES], err *e);
bool password_verify(const char *hash, const char *pw);
/* Spend the time of a verification without a user (unknown usernames answer
 * as slowly as wrong passwords). */
void password_dummy_verify(const char *pw);
/* A random one-time password that satisfies both policies (16 characters). */
void password_generate(char out[17]);

#endif
