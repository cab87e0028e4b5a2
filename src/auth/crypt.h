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
 * database alone reveals nothing; back the key file up separately. */
#ifndef EJIA_AUTH_CRYPT_H
#define EJIA_AUTH_CRYPT_H

#include <stddef.h>
#include "core/err.h"

/* Where the key for this database lives (out gets a path). */
void crypt_key_path(const char *db_url, char *out, size_t n);
/* Load (or create) the key for db_url; idempotent, thread-safe. */
st crypt_init(const char *db_url, err *e);
/* Use this key (tests). */
void crypt_set_key(const unsigned char key[32]);
/* Encrypt plain (NUL-terminated) under associated data ad; *out malloc'ed. */
st crypt_seal(const char *ad, const char *plain, char **out, err *e);
/* Decrypt; *out malloc'ed.  ST_INTERNAL when the value was altered or the key is wrong. */
st crypt_open(const char *ad, const char *sealed, char **out, err *e);

#endif
