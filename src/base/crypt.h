/* crypt — encryption of sensitive fields at rest (resident ID numbers,
 * phones, TOTP secrets).
 *
 * libsodium XChaCha20-Poly1305 (authenticated: a changed ciphertext fails to
 * open rather than decrypting to garbage), a random 192-bit nonce per value,
 * and the column name as associated data so a ciphertext copied into another
 * column does not open.  Stored as text "v1." + base64(nonce || ciphertext).
 *
 * The 256-bit key lives in a file outside the database, created at first use
 * with mode 0600: the key-file setting, or beside a SQLite file as <db>.key,
 * or var/ejia.key in the current directory for PostgreSQL.  A copy of the
 * database alone reveals nothing; back the key file up separately.
 *
 * The database remembers a fingerprint of its key (meta 'field-key-check'),
 * so a missing or wrong key file is an error naming the file, never a new
 * key silently made (which would leave every sealed value unreadable and the
 * audit chain unverifiable). */
#ifndef EJIA_AUTH_CRYPT_H
#define EJIA_AUTH_CRYPT_H

#include <stddef.h>
#include "core/err.h"
#include "db/db.h"

/* Where the key for this database lives (out gets a path). */
void crypt_key_path(const char *db_url, char *out, size_t n);
/* Load (or, for a database that has none yet, create) the key of d;
 * idempotent, thread-safe. */
st crypt_init(db *d, err *e);
/* Forget the loaded key (tests). */
void crypt_reset(void);
/* Use this key (tests). */
void crypt_set_key(const unsigned char key[32]);
/* A 32-byte subkey for one purpose (e.g. "audit-chain"), derived from the
 * field key with BLAKE2b; ST_INTERNAL when no key is loaded. */
st crypt_subkey(const char *purpose, unsigned char out[32], err *e);
/* Encrypt plain (NUL-terminated) under associated data ad; *out malloc'ed. */
st crypt_seal(const char *ad, const char *plain, char **out, err *e);
/* Decrypt; *out malloc'ed.  ST_INTERNAL when the value was altered or the key is wrong. */
st crypt_open(const char *ad, const char *sealed, char **out, err *e);

#endif
