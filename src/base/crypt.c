/* crypt — see crypt.h.  The key is process-wide (one database per process)
 * and loaded once under a mutex. */
#include "crypt.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"

static pthread_mutex_t crypt_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char crypt_key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
static int crypt_loaded;

void crypt_key_path(const char *db_url, char *out, size_t n) {
    const char *kf = cfg_str("key-file");
    if (kf && *kf) snprintf(out, n, "%s", kf);
    else if (!db_url || !strncmp(db_url, "postgres", 8)) snprintf(out, n, "var/ejia.key");
    else snprintf(out, n, "%s.key", strncmp(db_url, "sqlite:", 7) == 0 ? db_url + 7 : db_url);
}

void crypt_reset(void) {
    pthread_mutex_lock(&crypt_mu);
    sodium_memzero(crypt_key, sizeof crypt_key);
    crypt_loaded = 0;
    pthread_mutex_unlock(&crypt_mu);
}

void crypt_set_key(const unsigned char key[32]) {
    pthread_mutex_lock(&crypt_mu);
    memcpy(crypt_key, key, sizeof crypt_key);
    crypt_loaded = 1;
    pthread_mutex_unlock(&crypt_mu);
}

static st crypt_read(const char *path, err *e) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return err_set(e, ST_IO, "无法读取密钥文件 %s：%s。请检查路径与权限（设置 key-file）。", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) == 0 && (sb.st_mode & 077))
        log_warn("密钥文件 %s 的权限过宽（%03o），应为 600：chmod 600 %s", path, (unsigned)(sb.st_mode & 0777), path);
    char hex[80];
    ssize_t got = read(fd, hex, sizeof hex - 1);
    close(fd);
    size_t bin_len = 0;
    if (got < 64) return err_set(e, ST_IO, "密钥文件 %s 内容不完整（应为 64 个十六进制字符）。", path);
    hex[got] = 0;
    if (sodium_hex2bin(crypt_key, sizeof crypt_key, hex, (size_t)got, " \n\r", &bin_len, NULL) != 0 ||
        bin_len != sizeof crypt_key)
        return err_set(e, ST_IO, "密钥文件 %s 内容无效（应为 64 个十六进制字符）。", path);
    return ST_OK;
}

static st crypt_create(const char *path, err *e) {
    /* The folder (var/ for PostgreSQL) may not exist yet. */
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = 0;
        mkdir(dir, 0700);
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return errno == EEXIST ? crypt_read(path, e)
                                       : err_set(e, ST_IO, "无法创建密钥文件 %s：%s。", path, strerror(errno));
    randombytes_buf(crypt_key, sizeof crypt_key);
    char hex[2 * sizeof crypt_key + 2];
    sodium_bin2hex(hex, sizeof hex, crypt_key, sizeof crypt_key);
    strcat(hex, "\n");
    size_t len = strlen(hex);
    bool ok = write(fd, hex, len) == (ssize_t)len && fsync(fd) == 0;
    close(fd);
    sodium_memzero(hex, sizeof hex);
    if (!ok) {
        unlink(path);
        return err_set(e, ST_IO, "写入密钥文件 %s 失败。", path);
    }
    log_info("已创建敏感字段密钥文件 %s（请单独备份） / created key file", path);
    return ST_OK;
}

static void crypt_check_value(char out[33]) {
    unsigned char h[16];
    crypto_generichash(h, sizeof h, (const unsigned char *)"ejia key check", 14, crypt_key, sizeof crypt_key);
    sodium_bin2hex(out, 33, h, sizeof h);
}

st crypt_init(db *d, err *e) {
    if (sodium_init() < 0) return err_set(e, ST_INTERNAL, "libsodium 初始化失败。");
    pthread_mutex_lock(&crypt_mu);
    st s = ST_OK;
    if (!crypt_loaded) {
        char path[1024], *want = NULL, have[33];
        crypt_key_path(db_url(d), path, sizeof path);
        s = db_query_text(d, &want, "SELECT value FROM meta WHERE key = 'field-key-check'", e, "");
        if (s == ST_NOT_FOUND) s = ST_OK;
        bool exists = access(path, F_OK) == 0;
        if (!s && !exists && want)
            s = err_set(e, ST_IO, "密钥文件 %s 不存在，但该数据库的敏感字段和审计链是用密钥文件加密的：请恢复该文件（或用 key-file 设置指向它）。",
                        path);
        if (!s) s = exists ? crypt_read(path, e) : crypt_create(path, e);
        if (!s) {
            crypt_check_value(have);
            if (want && strcmp(want, have) != 0)
                s = err_set(e, ST_IO, "密钥文件 %s 与该数据库不匹配（指纹不同）：请换成该数据库原来的密钥文件。", path);
            else if (!want)
                s = db_run(d, "INSERT INTO meta(key, value) VALUES ('field-key-check', $1) ON CONFLICT DO NOTHING", e,
                           "t", have);
        }
        free(want);
        if (!s) crypt_loaded = 1;
        else sodium_memzero(crypt_key, sizeof crypt_key);
    }
    pthread_mutex_unlock(&crypt_mu);
    return s;
}

st crypt_subkey(const char *purpose, unsigned char out[32], err *e) {
    if (!crypt_loaded) return err_set(e, ST_INTERNAL, "加密密钥未加载。");
    crypto_generichash(out, 32, (const unsigned char *)purpose, strlen(purpose), crypt_key, sizeof crypt_key);
    return ST_OK;
}

st crypt_seal(const char *ad, const char *plain, char **out, err *e) {
    *out = NULL;
    if (!crypt_loaded) return err_set(e, ST_INTERNAL, "加密密钥未加载。");
    size_t pn = strlen(plain);
    size_t n = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + pn + crypto_aead_xchacha20poly1305_ietf_ABYTES;
    unsigned char *bin = malloc(n);
    size_t b64n = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
    char *txt = malloc(3 + b64n);
    if (!bin || !txt) {
        free(bin);
        free(txt);
        return err_set(e, ST_NOMEM, "内存不足");
    }
    randombytes_buf(bin, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    unsigned long long cl = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(bin + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &cl,
                                               (const unsigned char *)plain, pn, (const unsigned char *)ad,
                                               strlen(ad), NULL, bin, crypt_key);
    memcpy(txt, "v1.", 3);
    sodium_bin2base64(txt + 3, b64n, bin, n, sodium_base64_VARIANT_ORIGINAL);
    free(bin);
    *out = txt;
    return ST_OK;
}

st crypt_open(const char *ad, const char *sealed, char **out, err *e) {
    *out = NULL;
    if (!crypt_loaded) return err_set(e, ST_INTERNAL, "加密密钥未加载。");
    if (!sealed || strncmp(sealed, "v1.", 3) != 0) return err_set(e, ST_INTERNAL, "加密字段格式无法识别。");
    size_t sl = strlen(sealed + 3);
    unsigned char *bin = malloc(sl + 1);
    if (!bin) return err_set(e, ST_NOMEM, "内存不足");
    size_t bl = 0;
    if (sodium_base642bin(bin, sl + 1, sealed + 3, sl, NULL, &bl, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        bl < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES) {
        free(bin);
        return err_set(e, ST_INTERNAL, "加密字段已损坏。");
    }
    size_t cn = bl - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    char *plain = malloc(cn + 1);
    unsigned long long pl = 0;
    if (!plain || crypto_aead_xchacha20poly1305_ietf_decrypt(
                      (unsigned char *)plain, &pl, NULL, bin + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, cn,
                      (const unsigned char *)ad, strlen(ad), bin, crypt_key) != 0) {
        free(bin);
        free(plain);
        return err_set(e, ST_INTERNAL, "加密字段无法解密（数据被改动或密钥文件不对）。");
    }
    free(bin);
    plain[pl] = 0;
    *out = plain;
    return ST_OK;
}
