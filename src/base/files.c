/* files — uploads kept by content (see files.h). */
#include "base/files.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"

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
