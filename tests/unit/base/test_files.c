/* Unit tests for src/base/files: a kept file is in the setting's folder; on
 * PostgreSQL (several servers, issue 20) its bytes are in the database too,
 * so a server whose folder has no copy — here the folder emptied, as on a
 * second machine — gets one back from the database, byte for byte, also for
 * a file of several chunks and for an empty one; a second put of the same
 * bytes adds nothing.  On SQLite the folder is the only copy.  PostgreSQL
 * parts when EJIA_TEST_PG_URL is set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/files.h"
#include "core/config.h"
#include "db/db.h"
#include "../testdb.h"

static testdb tdb;
static char dir[80], src[80];

static int setup(void **state) {
    (void)state;
    testdb_init(&tdb, "filestest", 5);
    snprintf(dir, sizeof dir, "/tmp/ejia-filestest-%d", (int)getpid());
    snprintf(src, sizeof src, "/tmp/ejia-filestest-%d.upload", (int)getpid());
    err e;
    (void)cfg_str("meeting-files-dir");   /* the defaults first, or they would replace the setting */
    return cfg_set("meeting-files-dir", dir, &e) ? -1 : 0;
}

static void rm_dir(void) {
    char cmd[120];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static int teardown(void **state) {
    (void)state;
    rm_dir();
    unlink(src);
    testdb_done(&tdb);
    cfg_free();
    return 0;
}

/* n bytes of a pattern seeded by seed into src; its SHA-256 into hex */
static void make_upload(size_t n, unsigned seed, char hex[65]) {
    FILE *f = fopen(src, "wb");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++) fputc((int)((i * 131 + seed) % 251), f);
    assert_int_equal(fclose(f), 0);
    int64_t size = 0;
    unsigned char head[4];
    size_t nhead = 0;
    err e;
    assert_int_equal(files_digest(src, &size, head, sizeof head, &nhead, hex, &e), ST_OK);
    assert_int_equal(size, (int64_t)n);
}

static bool same_bytes(const char *a, const char *b) {
    FILE *x = fopen(a, "rb"), *y = fopen(b, "rb");
    bool same = x && y;
    for (int cx = 0, cy = 0; same && cx != EOF;) {
        cx = fgetc(x);
        cy = fgetc(y);
        same = cx == cy;
    }
    if (x) fclose(x);
    if (y) fclose(y);
    return same;
}

static void test_kept_and_fetched(void **state) {
    (void)state;
    static const size_t sizes[] = {0, 1000, (2u << 20) + 17};   /* empty, one chunk, three chunks */
    for (int u = 0; u < tdb.n; u++) {
        db *d = NULL;
        err e;
        int applied = 0;
        assert_int_equal(db_open(tdb.urls[u], &d, &e), ST_OK);
        assert_int_equal(db_migrate(d, &applied, &e), ST_OK);
        bool pg = db_kind_of(d) == DB_PGSQL;
        for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
            arena mem;
            arena_init(&mem, 0);
            uc c = {.d = d, .mem = &mem};
            char sha[65];
            make_upload(sizes[i], (unsigned)(u * 10 + i), sha);
            st s = files_put(&c, "meeting-files-dir", src, sha, &e);
            if (s) fprintf(stderr, "%s\n", e.msg);
            assert_int_equal(s, ST_OK);
            assert_int_equal(files_put(&c, "meeting-files-dir", src, sha, &e), ST_OK);   /* again: nothing new */
            const char *path = files_local(&c, "meeting-files-dir", sha);
            assert_int_equal(strncmp(path, dir, strlen(dir)), 0);
            assert_true(same_bytes(path, src));
            int64_t rows = -1;
            assert_int_equal(db_query_int(d, &rows, "SELECT COUNT(*) FROM stored_file WHERE sha256 = $1", &e, "t", sha), ST_OK);
            assert_int_equal(rows, pg ? 1 : 0);
            rm_dir();   /* another server's folder: no copy */
            path = files_local(&c, "meeting-files-dir", sha);
            assert_int_equal(access(path, R_OK) == 0, pg);
            if (pg) assert_true(same_bytes(path, src));
            arena_free(&mem);
        }
        db_close(d);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kept_and_fetched),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
