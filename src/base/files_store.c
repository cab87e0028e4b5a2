/* files_store — kept files' bytes in the database (see files_store.h). */
#include "base/files_store.h"

st files_store_has(db *d, const char *sha, bool *has, err *e) {
    int64_t n = 0;
    st s = db_query_int(d, &n, "SELECT COUNT(*) FROM stored_file WHERE sha256 = $1", e, "t", sha);
    *has = !s && n > 0;
    return s;
}

st files_store_chunk(db *d, const char *sha, int64_t n, const void *data, size_t len, err *e) {
    /* a second upload of the same bytes at the same time waits for the first and writes nothing */
    return db_run(d, "INSERT INTO stored_file_chunk(sha256, n, data) VALUES ($1, $2, $3) ON CONFLICT (sha256, n) DO NOTHING", e,
                  "tib", sha, n, data, len);
}

st files_store_done(db *d, const char *sha, int64_t size, int64_t chunks, err *e) {
    return db_run(d, "INSERT INTO stored_file(sha256, size, chunks, created_at) VALUES ($1, $2, $3, {{NOW}}) ON CONFLICT (sha256) DO NOTHING",
                  e, "tii", sha, size, chunks);
}

st files_store_read(db *d, const char *sha, int (*sink)(void *arg, const void *p, size_t n), void *arg, err *e) {
    int64_t chunks = 0;
    st s = db_query_int(d, &chunks, "SELECT chunks FROM stored_file WHERE sha256 = $1", e, "t", sha);
    if (s) return s;
    db_stmt *q = NULL;
    s = db_prepare(d, "SELECT n, data FROM stored_file_chunk WHERE sha256 = $1 ORDER BY n", &q, e);
    if (s) return s;
    db_bind_text(q, 1, sha);
    db_stream(q);   /* a chunk at a time, not a video's worth in memory */
    int64_t want = 0;
    int r = DB_DONE;
    while (!s && (r = db_step(q, e)) == DB_ROW) {
        size_t n = 0;
        const void *p = db_col_blob(q, 1, &n);
        if (db_col_int(q, 0) != want++) s = err_set(e, ST_NOT_FOUND, "数据库中的文件 %.12s… 缺少一部分。", sha);
        else if (sink(arg, p, n)) s = err_set(e, ST_IO, "无法写出文件 %.12s… 的本地副本。", sha);
    }
    if (!s && r == DB_ERROR) s = e->code ? e->code : ST_INTERNAL;
    db_reset(q);
    if (!s && want != chunks) s = err_set(e, ST_NOT_FOUND, "数据库中的文件 %.12s… 缺少一部分。", sha);
    return s;
}
