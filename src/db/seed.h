/* seed — reference data loaded into a new database (see seed.c). */
#ifndef EJIA_DB_SEED_H
#define EJIA_DB_SEED_H
#include "core/err.h"
#include "db/db.h"
st db_seed_regions(db *d, err *e);
#endif
