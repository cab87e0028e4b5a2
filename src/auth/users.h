/* users — accounts: creation with every check (username, role, scope,
 * password policy, ID number and phone), loading, and the JSON shape the API
 * and the CLI show (sensitive fields masked; see mask.h).
 *
 * A user's scope kind follows from the role (roles.h); the scope code names
 * the region, organization or enterprise, and is resolved here to its name
 * (思明区, 软件园二期, the enterprise's name) so every reply can show it. */
#ifndef EJIA_AUTH_USERS_H
#define EJIA_AUTH_USERS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "core/err.h"
#include "db/db.h"

/* Where an account sits, as SQL expressions over `users u` (for the scope
 * resolver and for SCOPE_COND in user lists): the district, park,
 * organization path and enterprise of the account's own scope. */
#define USERS_DISTRICT_SQL                                                                             \
    "(CASE u.scope_kind WHEN 'district' THEN u.scope_code "                                            \
    "WHEN 'park' THEN (SELECT parent_code FROM region WHERE code = u.scope_code) "                     \
    "WHEN 'org' THEN (SELECT district_code FROM org WHERE CAST(id AS TEXT) = u.scope_code) "           \
    "WHEN 'enterprise' THEN (SELECT district_code FROM enterprise WHERE CAST(id AS TEXT) = u.scope_code) END)"
#define USERS_PARK_SQL                                                                                 \
    "(CASE u.scope_kind WHEN 'park' THEN u.scope_code "                                                \
    "WHEN 'org' THEN (SELECT park_code FROM org WHERE CAST(id AS TEXT) = u.scope_code) "               \
    "WHEN 'enterprise' THEN (SELECT park_code FROM enterprise WHERE CAST(id AS TEXT) = u.scope_code) END)"
#define USERS_ORG_PATH_SQL                                                                             \
    "(CASE u.scope_kind WHEN 'org' THEN COALESCE((SELECT path FROM org WHERE CAST(id AS TEXT) = u.scope_code), " \
    "'/' || u.scope_code || '/') END)"
#define USERS_ENTERPRISE_SQL "(CASE u.scope_kind WHEN 'enterprise' THEN u.scope_code END)"

typedef struct users_new {
    const char *username, *name, *role;
    const char *scope;        /* code; NULL = the role's default (the city for city-wide roles) */
    const char *password;
    const char *id_number, *phone;  /* optional */
    bool must_change;
    /* The password hashed by users_hash_password before the write transaction
     * (argon2id takes ~20 MiB and tens of ms: not while holding SQLite's one
     * write lock); NULL = hash it here. */
    const char *password_hash;
} users_new;

/* Check u's password against the policy and hash it into hash (≥ 128 bytes);
 * call before db_begin and set u->password_hash = hash. */
st users_hash_password(const users_new *u, char *hash, size_t n, err *e);

typedef struct users_row {
    int64_t id;
    char username[64], name[128], role[32], scope_kind[16], scope_code[64], scope_name[256];
    char password_hash[160];
    int64_t password_changed_at, locked_until, failed_count, totp_last_step;
    bool must_change, disabled, totp_enabled;
    char *totp_secret_sealed;  /* malloc'ed or NULL */
    char *id_number_sealed, *phone_sealed;
} users_row;

/* Lower-case and check a username ([a-z0-9._-], 2–32). */
st users_username(const char *in, char out[64], err *e);
/* Create (inside the caller's transaction); *id gets the new id. */
st users_create(db *d, const users_new *u, int64_t *id, err *e);
/* Load by id or username; ST_NOT_FOUND when absent.  Free with users_row_free. */
st users_load(db *d, int64_t id, const char *username, users_row *out, err *e);
void users_row_free(users_row *u);
/* {"id","username","name","role","role_label","scope":{kind,code,name}, ...}
 * with id_number/phone masked. */
json_t *users_json(const users_row *u);
/* Decrypt the sensitive fields (reveal); strings malloc'ed or NULL. */
st users_reveal(const users_row *u, char **id_number, char **phone, err *e);

#endif
