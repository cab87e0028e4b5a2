/* db_doctor — what `ejia doctor` reads from the database: the settings that
 * decide whether a deployment keeps its data through a crash, can be copied
 * to a replica or recovered to a point in time, and has room for its
 * servers' connections (issue 20).  Each finding is {item, value, level,
 * advice}: level "ok", "note" (worth knowing), "warn" (works, but not as a
 * production deployment should) or "bad" (data at risk, or ejia cannot run
 * as set); the advice says what to change, in Chinese. */
#ifndef EJIA_DB_DB_DOCTOR_H
#define EJIA_DB_DB_DOCTOR_H

#include <jansson.h>
#include "db/db.h"

/* Appends the database's findings to out (a JSON array the caller owns).
 * pool: the connections one server opens (db-pool), to compare with what
 * PostgreSQL allows. */
st db_doctor(db *d, int pool, json_t *out, err *e);

/* Appends one finding (the CLI adds its own: the key file). */
void db_doctor_add(json_t *out, const char *item, const char *value, const char *level, const char *advice);

/* Migrations the binary carries that the database has not applied (without applying them). */
st db_migrations_pending(db *d, int *pending, int *latest, err *e);

#endif
