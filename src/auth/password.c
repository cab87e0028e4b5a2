/* password — see password.h. */
#include "password.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>


/* The most common passwords of Chinese leaks and of the ASVS lists that fit
 * the length rules; refused whatever the policy. */
static const char *const password_common[] = {
    "12345678", "123456789", "1234567890", "11111111", "88888888", "66666666", "00000000",
    "password", "password1", "password123", "passw0rd", "p@ssw0rd", "P@ssw0rd", "P@ssw0rd1",
    "Aa123456", "Aa123456!", "Qwer1234", "qwer1234", "1qaz2wsx", "1qaz@WSX", "1qaz@WSX3edc",
    "abc12345", "Abc12345", "Abc@1234", "Admin123", "Admin@123", "admin123", "woaini1314",
    "iloveyou", "qwertyuiop", "123456abc", "a123456789", "Aa123456789", "Password@123",
    NULL,
};

static size_t password_chars(const char *s) {
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80) n++;
    return n;
}

st password_policy_check(const char *policy, const char *pw, const char *username, err *e) {
    bool asvs = policy && !strcmp(policy, "asvs");
    size_t min = asvs ? 12 : 8, n = password_chars(pw);
    if (n < min)
        return err_field(e, ST_INVALID, "password", asvs ? "密码太短：至少 %zu 个字符（当前 %zu 个），请换一个更长的密码，可用一句话。"
                                                            : "密码太短：至少 %zu 位（当前 %zu 位），请换一个更长的密码。",
                         min, n);
    if (n > 128) return err_field(e, ST_INVALID, "password", "密码太长：最多 128 个字符。");
    for (const unsigned char *p = (const unsigned char *)pw; *p; p++)
        if (*p < 0x20 || *p == 0x7f) return err_field(e, ST_INVALID, "password", "密码中不能有控制字符（如换行、制表符）。");
    if (!asvs) {
        int up = 0, lo = 0, dg = 0, sy = 0;
        for (const unsigned char *p = (const unsigned char *)pw; *p; p++) {
            if (*p >= 'A' && *p <= 'Z') up = 1;
            else if (*p >= 'a' && *p <= 'z') lo = 1;
            else if (*p >= '0' && *p <= '9') dg = 1;
            else sy = 1;
        }
        if (up + lo + dg + sy < 3)
            return err_field(e, ST_INVALID, "password",
                             "密码须包含大写字母、小写字母、数字、符号中的至少三类（当前只有 %d 类），请加入其他类型的字符。",
                             up + lo + dg + sy);
    }
    if (username && strlen(username) >= 3 && strcasestr(pw, username))
        return err_field(e, ST_INVALID, "password", "密码中不能包含用户名，请换一个密码。");
    for (const char *const *c = password_common; *c; c++)
        if (!strcasecmp(pw, *c)) return err_field(e, ST_INVALID, "password", "这是常见的弱密码，容易被猜中，请换一个密码。");
    return ST_OK;
}

const char *password_policy_text(const char *policy) {
    if (policy && !strcmp(policy, "asvs"))
        return "新密码至少 12 个字符（最多 128 个，可用一句话），不能包含用户名，不能是常见的弱密码。";
    return "新密码至少 8 位，须包含大写字母、小写字母、数字、符号中的至少三类，不能包含用户名，不能是常见的弱密码。";
}

static pthread_once_t password_once = PTHREAD_ONCE_INIT;
static char password_dummy[crypto_pwhash_STRBYTES];
static void password_dummy_init(void) {
    if (sodium_init() < 0) return;
    if (crypto_pwhash_str_alg(password_dummy, "dummy-password-for-timing", 25, PASSWORD_OPSLIMIT,
                              (size_t)PASSWORD_MEMLIMIT, crypto_pwhash_ALG_ARGON2ID13) != 0)
        password_dummy[0] = 0;
}

st password_hash(const char *pw, char out[crypto_pwhash_STRBYTES], err *e) {
    if (sodium_init() < 0) return err_set(e, ST_INTERNAL, "libsodium 初始化失败。");
    if (crypto_pwhash_str_alg(out, pw, strlen(pw), PASSWORD_OPSLIMIT, (size_t)PASSWORD_MEMLIMIT,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return err_set(e, ST_NOMEM, "计算密码散列时内存不足，请稍后重试。");
    return ST_OK;
}

bool password_verify(const char *hash, const char *pw) {
    if (!hash || !pw || sodium_init() < 0) return false;
    return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

void password_dummy_verify(const char *pw) {
    pthread_once(&password_once, password_dummy_init);
    volatile int rc = crypto_pwhash_str_verify(password_dummy, pw ? pw : "", pw ? strlen(pw) : 0);
    (void)rc;  /* the answer is meaningless; only the time spent matters */
}

void password_generate(char out[17]) {
    /* No look-alikes (0/O, 1/l/I); one of each class at fixed random places. */
    static const char up[] = "ABCDEFGHJKLMNPQRSTUVWXYZ", lo[] = "abcdefghijkmnpqrstuvwxyz", dg[] = "23456789",
                      sy[] = "-_.@#%+=", all[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    if (sodium_init() < 0) return;
    for (int i = 0; i < 16; i++) out[i] = all[randombytes_uniform(sizeof all - 1)];
    out[randombytes_uniform(4)] = up[randombytes_uniform(sizeof up - 1)];
    out[4 + randombytes_uniform(4)] = lo[randombytes_uniform(sizeof lo - 1)];
    out[8 + randombytes_uniform(4)] = dg[randombytes_uniform(sizeof dg - 1)];
    out[12 + randombytes_uniform(4)] = sy[randombytes_uniform(sizeof sy - 1)];
    out[16] = 0;
}
