/* files — uploads kept by content (see files.h). */
#include "base/files.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/files_store.h"
#include "core/config.h"
#include "core/log.h"

const char *files_dir(arena *a, const char *setting) {
    const char *d = cfg_str(setting);
    if (d && *d) return d;
    const char *url = cfg_str("db");
    if (!url || !*url || !strncmp(url, "postgres", 8)) return "var/files";
    return arena_printf(a, "%s.files", !strncmp(url, "sqlite:", 7) ? url + 7 : url);
}

static st files_mkdir(const char *dir, const char *setting, err *e) {
    if (mkdir(dir, 0700) == 0 || errno == EEXIST) return ST_OK;
    return err_set(e, ST_IO, "无法创建文件目录 %s：%s（设置 %s）。", dir, strerror(errno), setting);
}

st files_digest(const char *path, int64_t *size, unsigned char *head, size_t cap, size_t *nhead, char hex[65], err *e) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return err_set(e, ST_IO, "无法读取上传的文件。");
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    unsigned char chunk[16384], out[32];
    *size = 0;
    *nhead = 0;
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) > 0) {
        if (*nhead < cap) {
            size_t k = (size_t)n < cap - *nhead ? (size_t)n : cap - *nhead;
            memcpy(head + *nhead, chunk, k);
            *nhead += k;
        }
        crypto_hash_sha256_update(&h, chunk, (unsigned long long)n);
        *size += n;
    }
    close(fd);
    if (n < 0) return err_set(e, ST_IO, "无法读取上传的文件。");
    crypto_hash_sha256_final(&h, out);
    sodium_bin2hex(hex, 65, out, sizeof out);
    return ST_OK;
}

const char *files_path(arena *a, const char *dir, const char *sha) { return arena_printf(a, "%s/%.2s/%s", dir, sha, sha); }

st files_keep(arena *a, const char *dir, const char *setting, const char *path, const char *sha, err *e) {
    const char *sub = arena_printf(a, "%s/%.2s", dir, sha);
    const char *dest = files_path(a, dir, sha);
    if (!sub || !dest) return err_set(e, ST_NOMEM, "内存不足。");
    st s = files_mkdir(dir, setting, e);
    if (!s) s = files_mkdir(sub, setting, e);
    if (s) return s;
    if (access(dest, F_OK) == 0) return ST_OK;
    char *tmp = arena_printf(a, "%s/.upload-XXXXXX", sub);
    if (!tmp) return err_set(e, ST_NOMEM, "内存不足。");
    int out = mkstemp(tmp);
    if (out < 0) return err_set(e, ST_IO, "无法保存上传的文件：%s。", strerror(errno));
    int in = open(path, O_RDONLY | O_CLOEXEC);
    unsigned char chunk[16384];
    ssize_t n = in < 0 ? -1 : 0;
    bool ok = in >= 0;
    while (ok && (n = read(in, chunk, sizeof chunk)) > 0)
        for (ssize_t off = 0; ok && off < n;) {
            ssize_t w = write(out, chunk + off, (size_t)(n - off));
            if (w <= 0) ok = false;
            else off += w;
        }
    if (in >= 0) close(in);
    ok = ok && n == 0 && fsync(out) == 0;
    ok = close(out) == 0 && ok;
    if (!ok || rename(tmp, dest) != 0) {
        unlink(tmp);
        return err_set(e, ST_IO, "无法保存上传的文件：%s。", strerror(errno));
    }
    /* the rename itself durable: the folder flushed too */
    int dfd = open(sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    return ST_OK;
}

enum { FILES_CHUNK = 1 << 20 };   /* a chunk row: 1 MiB (a course video is many rows, never one huge value) */

static bool files_shared(const uc *c) { return db_kind_of(c->d) == DB_PGSQL; }

static st files_put_db(uc *c, const char *path, const char *sha, err *e) {
    bool has = false;
    st s = files_store_has(c->d, sha, &has, e);
    if (s || has) return s;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return err_set(e, ST_IO, "无法读取上传的文件：%s。", strerror(errno));
    unsigned char *chunk = malloc(FILES_CHUNK);
    if (!chunk) {
        close(fd);
        return err_set(e, ST_NOMEM, "内存不足。");
    }
    int64_t size = 0, n = 0;
    s = db_begin(c->d, e);   /* the chunks and the row that says the file is whole, at once */
    while (!s) {
        size_t have = 0;
        ssize_t r = 0;
        while (have < FILES_CHUNK && (r = read(fd, chunk + have, FILES_CHUNK - have)) > 0) have += (size_t)r;
        if (r < 0) s = err_set(e, ST_IO, "无法读取上传的文件：%s。", strerror(errno));
        else if (have || !n) s = files_store_chunk(c->d, sha, n++, chunk, have, e);
        size += (int64_t)have;
        if (have < FILES_CHUNK) break;
    }
    if (!s) s = files_store_done(c->d, sha, size, n, e);
    if (!s) s = db_commit(c->d, e);
    else db_rollback(c->d);
    free(chunk);
    close(fd);
    return s;
}

st files_put(uc *c, const char *setting, const char *path, const char *sha, err *e) {
    st s = files_keep(c->mem, files_dir(c->mem, setting), setting, path, sha, e);
    if (!s && files_shared(c)) s = files_put_db(c, path, sha, e);
    return s;
}

typedef struct files_sink {
    int fd;
    crypto_hash_sha256_state h;
} files_sink;

static int files_sink_write(void *arg, const void *p, size_t n) {
    files_sink *k = arg;
    crypto_hash_sha256_update(&k->h, p, (unsigned long long)n);
    for (size_t off = 0; off < n;) {
        ssize_t w = write(k->fd, (const char *)p + off, n - off);
        if (w <= 0) return -1;
        off += (size_t)w;
    }
    return 0;
}

/* The database's copy into dir/<ab>/<sha>: written to a temporary name and
 * renamed once its SHA-256 is checked, so two servers (or two requests)
 * fetching at once each leave a whole file and a reader never sees half. */
static st files_fetch(uc *c, const char *dir, const char *setting, const char *sha, const char *dest, err *e) {
    const char *sub = arena_printf(c->mem, "%s/%.2s", dir, sha);
    char *tmp = arena_printf(c->mem, "%s/%.2s/.fetch-XXXXXX", dir, sha);
    if (!sub || !tmp) return err_set(e, ST_NOMEM, "内存不足。");
    st s = files_mkdir(dir, setting, e);
    if (!s) s = files_mkdir(sub, setting, e);
    if (s) return s;
    files_sink k;
    k.fd = mkstemp(tmp);
    if (k.fd < 0) return err_set(e, ST_IO, "无法在 %s 写入文件副本：%s（设置 %s）。", sub, strerror(errno), setting);
    crypto_hash_sha256_init(&k.h);
    s = files_store_read(c->d, sha, files_sink_write, &k, e);
    unsigned char out[32];
    char hex[65];
    crypto_hash_sha256_final(&k.h, out);
    sodium_bin2hex(hex, sizeof hex, out, sizeof out);
    if (!s && strcmp(hex, sha) != 0) s = err_set(e, ST_IO, "数据库中的文件 %.12s… 已损坏（内容与其 SHA-256 不符），请从备份恢复。", sha);
    if (close(k.fd) != 0 && !s) s = err_set(e, ST_IO, "无法写入文件副本 %s：%s。", tmp, strerror(errno));
    if (!s && rename(tmp, dest) != 0) s = err_set(e, ST_IO, "无法写入文件副本 %s：%s。", dest, strerror(errno));
    if (s) unlink(tmp);
    return s;
}

const char *files_local(uc *c, const char *setting, const char *sha) {
    const char *dir = files_dir(c->mem, setting);
    const char *path = files_path(c->mem, dir, sha);
    if (!path || !sha || !files_shared(c) || access(path, R_OK) == 0) return path;
    err e;
    err_clear(&e);
    st s = files_fetch(c, dir, setting, sha, path, &e);
    if (s && s != ST_NOT_FOUND) log_warn("文件 %.12s…：无法从数据库取得副本（%s）", sha, e.msg);
    return path;
}
