/* testdb — the databases a store's unit test runs on: a SQLite file of its
 * own, and PostgreSQL when EJIA_TEST_PG_URL is set (scripts/check gives each
 * test file a new, empty database there), with the encryption key the test
 * seals under.  One copy of what each store test set up by hand. */
#ifndef EJIA_TEST_TESTDB_H
#define EJIA_TEST_TESTDB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/crypt.h"

typedef struct testdb {
    char lite[64];        /* /tmp/ejia-<name>-<pid>.db */
    const char *urls[2];  /* the SQLite file, then PostgreSQL when given */
    int n;
} testdb;

/* name: a word for the file name; key_byte: every byte of the test's key. */
static inline void testdb_init(testdb *t, const char *name, unsigned char key_byte) {
    memset(t, 0, sizeof *t);
    snprintf(t->lite, sizeof t->lite, "/tmp/ejia-%s-%d.db", name, (int)getpid());
    unlink(t->lite);
    t->urls[t->n++] = t->lite;
    const char *pg = getenv("EJIA_TEST_PG_URL");
    if (pg && *pg) t->urls[t->n++] = pg;
    unsigned char key[32];
    memset(key, key_byte, sizeof key);
    crypt_set_key(key);
}

/* The SQLite file with its WAL and shared-memory files, and the key. */
static inline void testdb_done(testdb *t) {
    static const char *const tails[] = {"", "-wal", "-shm"};
    char p[80];
    for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
        snprintf(p, sizeof p, "%s%s", t->lite, tails[i]);
        unlink(p);
    }
    crypt_reset();
}

#endif
