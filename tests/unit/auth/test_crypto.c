/* Unit tests for src/auth/totp, mask and crypt: RFC 6238 test vectors and
 * the ±1 step window; masking of ID numbers and phones; sealed fields open
 * with the right key and column only and reveal nothing in the stored text;
 * the key file is created with mode 0600 and reused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <liboath/oath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/crypt.h"
#include "base/mask.h"
#include "auth/totp.h"
#include "core/config.h"

static void test_totp_rfc6238(void **state) {
    (void)state;
    err e;
    /* RFC 6238 appendix B, SHA-1 secret "12345678901234567890", 6-digit truncation of the 8-digit codes. */
    char *b32 = NULL;
    size_t n = 0;
    oath_init();
    assert_int_equal(oath_base32_encode("12345678901234567890", 20, &b32, &n), OATH_OK);
    char code[7];
    assert_int_equal(totp_code(b32, 59, code, &e), ST_OK);
    assert_string_equal(code, "287082");
    assert_int_equal(totp_code(b32, 1111111109, code, &e), ST_OK);
    assert_string_equal(code, "081804");
    assert_int_equal(totp_code(b32, 1234567890, code, &e), ST_OK);
    assert_string_equal(code, "005924");
    assert_true(totp_check(b32, 1234567890, "005924"));
    assert_true(totp_check(b32, 1234567890 + 30, "005924"));   /* one step of drift */
    assert_false(totp_check(b32, 1234567890 + 95, "005924"));  /* three steps: refused */
    assert_false(totp_check(b32, 1234567890, "005925"));
    assert_false(totp_check(b32, 1234567890, "5924"));
    assert_false(totp_check(b32, 1234567890, "00592a"));
    free(b32);
}

static void test_totp_secret(void **state) {
    (void)state;
    err e;
    char a[33], b[33];
    assert_int_equal(totp_new_secret(a, &e), ST_OK);
    assert_int_equal(totp_new_secret(b, &e), ST_OK);
    assert_int_equal(strlen(a), 32);
    assert_string_not_equal(a, b);
    char code[7];
    assert_int_equal(totp_code(a, 1800000000, code, &e), ST_OK);
    assert_true(totp_check(a, 1800000000, code));
    char *uri = totp_uri(a, "admin");
    assert_non_null(strstr(uri, "otpauth://totp/ejia:admin?secret="));
    assert_non_null(strstr(uri, a));
    free(uri);
}

static void test_mask(void **state) {
    (void)state;
    char m[64];
    mask_idcard("35020319900101123X", m, sizeof m);
    assert_string_equal(m, "3502**********123X");
    mask_idcard("350203900101123", m, sizeof m);   /* old 15-digit number */
    assert_string_equal(m, "3502*******1123");
    mask_phone("13812345678", m, sizeof m);
    assert_string_equal(m, "138****5678");
    mask_phone("0592-1234567", m, sizeof m);
    assert_string_equal(m, "059*****4567");
    mask_phone("12345", m, sizeof m);
    assert_string_equal(m, "*****");
    mask_phone("", m, sizeof m);
    assert_string_equal(m, "");
    mask_phone(NULL, m, sizeof m);
    assert_string_equal(m, "");
}

static void test_crypt(void **state) {
    (void)state;
    err e;
    char dir[] = "/tmp/ejia-crypt-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char dbp[128], key[160];
    snprintf(dbp, sizeof dbp, "%s/x.db", dir);
    crypt_key_path(dbp, key, sizeof key);
    assert_string_equal(key + strlen(dir), "/x.db.key");
    db *d = NULL;
    int applied = 0;
    assert_int_equal(db_open(dbp, &d, &e), ST_OK);
    assert_int_equal(db_migrate(d, &applied, &e), ST_OK);
    assert_int_equal(crypt_init(d, &e), ST_OK);
    struct stat sb;
    assert_int_equal(stat(key, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    char *sealed = NULL, *plain = NULL;
    assert_int_equal(crypt_seal("users.id_number", "35020319900101123X", &sealed, &e), ST_OK);
    assert_null(strstr(sealed, "3502"));
    assert_int_equal(crypt_open("users.id_number", sealed, &plain, &e), ST_OK);
    assert_string_equal(plain, "35020319900101123X");
    free(plain);
    /* Another column's ciphertext does not open here. */
    assert_int_not_equal(crypt_open("users.phone", sealed, &plain, &e), ST_OK);
    /* A flipped character is detected (authenticated encryption). */
    sealed[10] = sealed[10] == 'A' ? 'B' : 'A';
    assert_int_not_equal(crypt_open("users.id_number", sealed, &plain, &e), ST_OK);
    free(sealed);
    /* A different key cannot open it. */
    assert_int_equal(crypt_seal("users.phone", "13812345678", &sealed, &e), ST_OK);
    unsigned char other[32] = {1, 2, 3};
    crypt_set_key(other);
    assert_int_not_equal(crypt_open("users.phone", sealed, &plain, &e), ST_OK);
    free(sealed);
    db_close(d);
    /* The database knows its key: without the file, or with another one, it refuses. */
    crypt_reset();
    rename(key, "/tmp/ejia-crypt-moved.key");
    assert_int_equal(db_open(dbp, &d, &e), ST_OK);
    assert_int_equal(crypt_init(d, &e), ST_IO);
    assert_non_null(strstr(e.msg, "不存在"));
    assert_int_not_equal(access(key, F_OK), 0);   /* no new key made */
    FILE *f = fopen(key, "w");
    fputs("0102030405060708091011121314151617181920212223242526272829303132\n", f);
    fclose(f);
    assert_int_equal(crypt_init(d, &e), ST_IO);
    assert_non_null(strstr(e.msg, "不匹配"));
    rename("/tmp/ejia-crypt-moved.key", key);
    assert_int_equal(crypt_init(d, &e), ST_OK);
    db_close(d);
    char p[200];
    unlink(key);
    unlink(dbp);
    snprintf(p, sizeof p, "%s-wal", dbp);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", dbp);
    unlink(p);
    rmdir(dir);
}

int main(void) {
    err e;
    int argc = 1;
    char *argv[] = {"test", NULL};
    cfg_load(&argc, argv, &e);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_totp_rfc6238),
        cmocka_unit_test(test_totp_secret),
        cmocka_unit_test(test_mask),
        cmocka_unit_test(test_crypt),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    cfg_free();
    return rc;
}
