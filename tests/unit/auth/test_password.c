/* Unit tests for src/auth/password: the two policies say what is wrong in
 * Chinese and refuse exactly what they should; argon2id hashes verify, carry
 * the required cost, and differ per hash (salted); generated one-time
 * passwords pass both policies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "auth/password.h"

static void test_mlps_policy(void **state) {
    (void)state;
    err e;
    assert_int_equal(password_policy_check("mlps", "Abcdef1!", "zhang", &e), ST_OK);
    assert_int_equal(password_policy_check("mlps", "abcdef12", "zhang", &e), ST_INVALID);  /* two classes */
    assert_non_null(strstr(e.msg, "三类"));
    assert_string_equal(e.field, "password");
    assert_int_equal(password_policy_check("mlps", "Ab1!", "zhang", &e), ST_INVALID);      /* short */
    assert_non_null(strstr(e.msg, "至少 8 位"));
    assert_int_equal(password_policy_check("mlps", "Zhang-2026x", "zhang", &e), ST_INVALID); /* has username */
    assert_non_null(strstr(e.msg, "用户名"));
    assert_int_equal(password_policy_check("mlps", "P@ssw0rd", "zhang", &e), ST_INVALID);  /* common */
    assert_int_equal(password_policy_check("mlps", "Abc\ndef1!", "zhang", &e), ST_INVALID); /* control char */
    /* Chinese characters count as symbols and as one character each. */
    assert_int_equal(password_policy_check("mlps", "党建e家Ab12", "zhang", &e), ST_OK);
}

static void test_asvs_policy(void **state) {
    (void)state;
    err e;
    /* No composition rules, only length: a passphrase passes, a short complex one does not. */
    assert_int_equal(password_policy_check("asvs", "correct horse battery", "li", &e), ST_OK);
    assert_int_equal(password_policy_check("asvs", "Abcdef1!xyz", "li", &e), ST_INVALID);
    assert_non_null(strstr(e.msg, "至少 12"));
    assert_int_equal(password_policy_check("asvs", "厦门党建e家平台的密码", "li", &e), ST_INVALID); /* 11 chars */
    assert_int_equal(password_policy_check("asvs", "厦门党建e家平台的登录密码", "li", &e), ST_OK);    /* 13 chars */
    char big[200];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    assert_int_equal(password_policy_check("asvs", big, "li", &e), ST_INVALID);
}

static void test_hash_verify(void **state) {
    (void)state;
    err e;
    char h1[crypto_pwhash_STRBYTES], h2[crypto_pwhash_STRBYTES];
    assert_int_equal(password_hash("Abcdef1!", h1, &e), ST_OK);
    assert_int_equal(password_hash("Abcdef1!", h2, &e), ST_OK);
    assert_string_not_equal(h1, h2);  /* salted */
    assert_true(strncmp(h1, "$argon2id$", 10) == 0);
    /* m ≥ 19 MiB (19456 KiB), t ≥ 2 as the security bar asks. */
    unsigned m = 0, t = 0, p = 0;
    assert_int_equal(sscanf(h1, "$argon2id$v=19$m=%u,t=%u,p=%u$", &m, &t, &p), 3);
    assert_true(m >= 19456);
    assert_true(t >= 2);
    assert_true(password_verify(h1, "Abcdef1!"));
    assert_false(password_verify(h1, "Abcdef1?"));
    assert_false(password_verify(h1, ""));
    assert_false(password_verify(NULL, "x"));
}

static void test_generate(void **state) {
    (void)state;
    err e;
    char a[17], b[17];
    for (int i = 0; i < 50; i++) {
        password_generate(a);
        assert_int_equal(strlen(a), 16);
        assert_int_equal(password_policy_check("mlps", a, "admin", &e), ST_OK);
        assert_int_equal(password_policy_check("asvs", a, "admin", &e), ST_OK);
    }
    password_generate(b);
    assert_string_not_equal(a, b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mlps_policy),
        cmocka_unit_test(test_asvs_policy),
        cmocka_unit_test(test_hash_verify),
        cmocka_unit_test(test_generate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
