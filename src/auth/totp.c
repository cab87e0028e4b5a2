/* totp — see totp.h. */
#include "totp.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t totp_once = PTHREAD_ONCE_INIT;
static void totp_init(void) { oath_init(); }

st totp_new_secret(char out[33], err *e) {
    pthread_once(&totp_once, totp_init);
    unsigned char raw[20];
    if (sodium_init() < 0) return err_set(e, ST_INTERNAL, "libsodium 初始化失败。");
    randombytes_buf(raw, sizeof raw);
    char *b32 = NULL;
    size_t n = 0;
    if (oath_base32_encode((const char *)raw, sizeof raw, &b32, &n) != OATH_OK || n < 32) {
        free(b32);
        return err_set(e, ST_INTERNAL, "生成动态验证码密钥失败。");
    }
    memcpy(out, b32, 32);
    out[32] = 0;
    free(b32);
    sodium_memzero(raw, sizeof raw);
    return ST_OK;
}

static int totp_raw(const char *b32, char **raw, size_t *n) {
    pthread_once(&totp_once, totp_init);
    return oath_base32_decode(b32, strlen(b32), raw, n);
}

st totp_code(const char *b32, int64_t now, char out[7], err *e) {
    char *raw = NULL;
    size_t n = 0;
    if (totp_raw(b32, &raw, &n) != OATH_OK) return err_set(e, ST_INVALID, "动态验证码密钥格式错误（应为 base32）。");
    int rc = oath_totp_generate(raw, n, (time_t)now, 30, 0, 6, out);
    free(raw);
    return rc == OATH_OK ? ST_OK : err_set(e, ST_INTERNAL, "计算动态验证码失败。");
}

bool totp_check(const char *b32, int64_t now, const char *otp) {
    if (!b32 || !otp || strlen(otp) != 6 || strspn(otp, "0123456789") != 6) return false;
    char *raw = NULL;
    size_t n = 0;
    if (totp_raw(b32, &raw, &n) != OATH_OK) return false;
    int rc = oath_totp_validate(raw, n, (time_t)now, 30, 0, 1, otp);
    sodium_memzero(raw, n);
    free(raw);
    return rc >= 0;
}

bool totp_check_once(const char *b32, int64_t now, const char *otp, int64_t last_step, int64_t *step) {
    if (!b32 || !otp || strlen(otp) != 6 || strspn(otp, "0123456789") != 6) return false;
    char *raw = NULL;
    size_t n = 0;
    if (totp_raw(b32, &raw, &n) != OATH_OK) return false;
    int pos = 0;
    int rc = oath_totp_validate2(raw, n, (time_t)now, 30, 0, 1, &pos, otp);
    sodium_memzero(raw, n);
    free(raw);
    if (rc < 0) return false;
    *step = now / 30 + pos;
    return *step > last_step;
}

char *totp_uri(const char *b32, const char *username) {
    size_t n = strlen(b32) + strlen(username) + 80;
    char *s = malloc(n);
    if (s) snprintf(s, n, "otpauth://totp/ejia:%s?secret=%s&issuer=ejia&digits=6&period=30", username, b32);
    return s;
}
