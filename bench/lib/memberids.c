/* memberids — the identity columns of the bench registry's people, for bench/members.
 *
 *   memberids KEYFILE N        >  i<TAB>id_key<TAB>id_sealed<TAB>id_masked<TAB>phone_sealed<TAB>phone_masked
 *   memberids KEYFILE N I      >  the whole ID number of person I (for a find-by-number request)
 *
 * Person i of bench/lib/members-gen.sh has h = i * 2654435761 mod 2^32, is
 * born bd = h mod 18615 days after 1950-01-01 and is a man when (h / 7) mod
 * 100 < 64.  Here each gets a valid 18-digit resident ID number that agrees
 * (region of a Xiamen district, the birthday, the sex digit, the check
 * digit; unique: the n-th person born on a day gets sequence n), and the
 * columns ejia derives from it with the program's own functions under the
 * database's key file: the keyed hash (member_id_key), the sealed number
 * (crypt_seal, so a reveal opens it) and the masked one (mask_idcard); 7 in
 * 10 also a phone, sealed and masked the same way.  Empty fields are NULL
 * (NULLIF in the SQL).  Linked against build/libejia.a. */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypt.h"
#include "base/mask.h"
#include "member/member_store.h"

#define DAYS 18615
static const char *const REGION[] = {"350203", "350205", "350206", "350211", "350212", "350213"};

/* days from 1950-01-01 → YYYYMMDD */
static void ymd(int days, char out[9]) {
    int y = 1950, m = 1;
    static const int ml[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (;;) {
        int yl = (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 366 : 365;
        if (days < yl) break;
        days -= yl;
        y++;
    }
    for (;;) {
        int l = ml[m - 1] + (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
        if (days < l) break;
        days -= l;
        m++;
    }
    snprintf(out, 9, "%04d%02d%02d", y, m, days + 1);
}

static void idnum(uint64_t i, int n, char out[19]) {
    static const int W[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    uint64_t h = i * 2654435761u % 4294967296u;
    int bd = (int)(h % DAYS), male = (h / 7) % 100 < 64;
    char d[9];
    ymd(bd, d);
    /* n-th person born that day: a district by hundreds, then an odd (men) or even sequence */
    int seq = 2 * (n % 500) + (male ? 1 : 0);
    snprintf(out, 19, "%s%s%03d", REGION[(n / 500) % 6], d, seq);
    int sum = 0;
    for (int k = 0; k < 17; k++) sum += (out[k] - '0') * W[k];
    out[17] = "10X98765432"[sum % 11];
    out[18] = 0;
}

int main(int argc, char **argv) {
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: memberids KEYFILE N [I]\n");
        return 2;
    }
    if (sodium_init() < 0) return 1;
    FILE *kf = fopen(argv[1], "r");
    char hex[80] = {0};
    unsigned char key[32];
    size_t bl = 0;
    if (!kf || !fgets(hex, sizeof hex, kf) || sodium_hex2bin(key, 32, hex, strlen(hex), " \n\r", &bl, NULL) || bl != 32) {
        fprintf(stderr, "memberids: cannot read the key file %s\n", argv[1]);
        return 1;
    }
    fclose(kf);
    crypt_set_key(key);
    sodium_memzero(key, sizeof key);
    uint64_t N = strtoull(argv[2], NULL, 10), want = argc == 4 ? strtoull(argv[3], NULL, 10) : 0;
    static unsigned short born[DAYS];
    char id[19], k[33], masked[32], phone[12], pmasked[32];
    err e;
    for (uint64_t i = 1; i <= N; i++) {
        uint64_t h = i * 2654435761u % 4294967296u;
        int n = born[h % DAYS]++;
        if (n >= 3000) {
            fprintf(stderr, "memberids: more than 3000 people born on one day\n");
            return 1;
        }
        idnum(i, n, id);
        if (want) {
            if (i == want) {
                puts(id);
                return 0;
            }
            continue;
        }
        char *sealed = NULL, *psealed = NULL;
        if (member_id_key(id, k, &e) || crypt_seal("person.id_number", id, &sealed, &e)) {
            fprintf(stderr, "memberids: %s\n", e.msg);
            return 1;
        }
        mask_idcard(id, masked, sizeof masked);
        *pmasked = 0;
        if (i % 10 < 7) {
            snprintf(phone, sizeof phone, "13%09llu", (unsigned long long)(i * 7919 % 1000000000u));
            if (crypt_seal("person.phone", phone, &psealed, &e)) return 1;
            mask_phone(phone, pmasked, sizeof pmasked);
        }
        printf("%llu\t%s\t%s\t%s\t%s\t%s\n", (unsigned long long)i, k, sealed, masked, psealed ? psealed : "", pmasked);
        free(sealed);
        free(psealed);
    }
    return want ? 1 : 0;
}
