/* users — accounts.
 *
 * The rules (users.c, no SQL): a username's form, the JSON shape the API and
 * the CLI show (sensitive fields masked; see mask.h), opening the sealed
 * fields for a reveal.  The store (users_store.c, all the SQL of accounts):
 * loading, the scoped list, and every change made to an account — creation
 * with every check, reset, unlock, disable and enable, the owner's password
 * change — each one audited use case (uc_begin … uc_end, one audit row).
 * The HTTP handlers (users_api.c, auth_api.c) and the commands (cli/user.c)
 * call the same functions: only the actor differs ("cli:<login>" on the
 * server's shell).
 *
 * A user's scope kind follows from the role (roles.h); the scope code names
 * the region, organization or enterprise, and is resolved to its name (思明区,
 * 软件园二期, the enterprise's name) so every reply can show it.
 *
 * Separation of duties (三权分立): auditor and sysadmin accounts are created,
 * reset, unlocked, disabled and enabled only on the command line
 * (roles_cli_only); the store refuses a web actor creating one, and the
 * routes' managed_user scope refuses the other changes (auth.c). */
#ifndef EJIA_AUTH_USERS_H
#define EJIA_AUTH_USERS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/uc.h"
#include "core/err.h"

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
    const char *password;     /* NULL: a one-time password is generated (users_store_create's otp) */
    const char *id_number, *phone;  /* optional */
    bool must_change;         /* replace the password at the first login */
} users_new;

/* One account.  The sealed strings live in the use case's memory (c->mem). */
typedef struct users_row {
    int64_t id;
    char username[64], name[128], role[32], scope_kind[16], scope_code[64], scope_name[256];
    char password_hash[160];
    int64_t password_changed_at, locked_until, failed_count, totp_last_step;
    bool must_change, disabled, totp_enabled;
    const char *totp_secret_sealed;  /* NULL when the second factor is off */
    const char *id_number_sealed, *phone_sealed;
} users_row;

/* The filters of the user list (GET /api/users). */
typedef struct users_filter {
    const char *role;         /* NULL = every role ("" matches none) */
    const char *q;            /* part of the username or name; NULL = any */
} users_filter;

/* ---- rules (users.c) ---- */

/* Lower-case and check a username ([a-z0-9._-], 2–32). */
st users_username(const char *in, char out[64], err *e);
/* {"id","username","name","role","role_label","scope":{kind,code,name}, ...}
 * with id_number/phone masked. */
json_t *users_json(const users_row *u);
/* Decrypt the sensitive fields (reveal); strings malloc'ed or NULL. */
st users_reveal(const users_row *u, char **id_number, char **phone, err *e);
/* Check and seal the optional ID number and phone of a new account into c's
 * memory (*idn, *ph NULL when not given). */
st users_seal_pii(uc *c, const users_new *u, const char **idn, const char **ph, err *e);

/* ---- store (users_store.c) ---- */

/* Load by id, or by (lower-case) username when id is 0; ST_NOT_FOUND when absent. */
st users_store_load(uc *c, int64_t id, const char *username, users_row *out, err *e);
/* The accounts inside the actor's scope (scope_bind), filtered, one page in
 * pg's order (over id, username, name, role, created_at as q.*; NULL = id),
 * as users_json objects: *items lives as long as c->mem; *total counts every
 * account the filter keeps. */
st users_store_list(uc *c, const users_filter *f, const uc_page *pg, json_t **items, int64_t *total, err *e);
/* user.create.  Every check: the form of the username, the role (which the
 * actor's role must be allowed to assign; auditors and administrators only
 * on the command line), the scope (resolved, and inside the actor's own),
 * the password policy, the ID number and phone.  The password is hashed
 * before the transaction (argon2id takes ~20 MiB and tens of ms: not while
 * holding SQLite's one write lock).  When u->password is NULL a one-time
 * password is generated into otp (else otp is ""). */
st users_store_create(uc *c, const users_new *u, char otp[17], int64_t *id, err *e);
/* user.reset: a new password that must be replaced at the first login —
 * password when given (checked against the policy), else a generated one
 * written to otp — the lock cleared, the second factor too when totp, every
 * session of the account ended. */
st users_store_reset(uc *c, int64_t id, const char *password, bool totp, char otp[17], err *e);
/* user.unlock: the failure count and the lock cleared. */
st users_store_unlock(uc *c, int64_t id, err *e);
/* user.disable (its sessions ended) or user.enable.  Nobody disables or
 * enables their own account. */
st users_store_set_disabled(uc *c, int64_t id, bool disabled, err *e);
/* user.reveal, an audited read: the account's ID number and phone in full
 * (malloc'ed or NULL), returned only once the audit row is committed. */
st users_store_reveal(uc *c, int64_t id, char **id_number, char **phone, err *e);
/* user.password_change for the actor's own account: next must follow the
 * policy (field new_password) and differ from current; the actor's other
 * sessions (all but keep_sid) are ended.  The caller has checked current. */
st users_store_password_change(uc *c, const char *current, const char *next, int64_t keep_sid, err *e);

#endif
