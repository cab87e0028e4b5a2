/* duesbases — every bench member's basis of dues, for bench/dues.
 *
 *   duesbases KEYFILE N   >  i<TAB>kind<TAB>base_sealed<TAB>amount_fen<TAB>rule
 *
 * Person i of bench/lib/members-gen.sh gets a kind and a monthly base drawn
 * from i (arithmetic only, so both databases get the same bases): 80 in 100
 * employees with a wage of 1,500–40,000 元 (every bracket and its edges
 * hit), 10 retirees with a pension of 2,000–9,000 元, 3 students, 3
 * unemployed, 2 farmers, 2 on 低保 (the flat kinds: the setting's amount); one in a hundred declares no base at all
 * (the line is "nobase").  The amount and its rule are the program's own
 * dues_calc and dues_rule_words with the rules in force (the default
 * settings), the base sealed by crypt_seal under the database's key file with
 * the associated data "dues_base:<person id>" as dues_store_base_set seals it,
 * so every column is what the store would have written.  Linked against
 * build/libejia.a. */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypt.h"
#include "core/config.h"
#include "dues/dues.h"

static uint32_t mix(uint32_t x) {
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: duesbases KEYFILE N\n");
        return 2;
    }
    if (sodium_init() < 0) return 1;
    err e;
    err_clear(&e);
    int cargc = 1;
    char *cargv[] = {"duesbases", NULL};
    dues_rules r;
    if (cfg_load(&cargc, cargv, &e) || dues_rules_load(&r, &e)) {
        fprintf(stderr, "duesbases: %s\n", e.msg);
        return 1;
    }
    FILE *kf = fopen(argv[1], "r");
    char hex[80] = {0};
    unsigned char key[32];
    size_t bl = 0;
    if (!kf || !fgets(hex, sizeof hex, kf) || sodium_hex2bin(key, 32, hex, strlen(hex), " \n\r", &bl, NULL) || bl != 32) {
        fprintf(stderr, "duesbases: cannot read the key file %s\n", argv[1]);
        return 1;
    }
    fclose(kf);
    crypt_set_key(key);
    sodium_memzero(key, sizeof key);
    uint64_t n = strtoull(argv[2], NULL, 10);
    for (uint64_t i = 1; i <= n; i++) {
        uint32_t h = mix((uint32_t)i * 2654435761u);
        if (h % 100 == 0) continue;   /* no base declared */
        unsigned k = (h / 100) % 100;
        dues_kind kind = k < 80 ? DUES_EMPLOYEE : k < 90 ? DUES_RETIREE : k < 93 ? DUES_STUDENT : k < 96 ? DUES_UNEMPLOYED
                                  : k < 98 ? DUES_FARMER : DUES_RELIEF;
        int64_t base = 0;
        if (kind == DUES_EMPLOYEE) {
            /* one in ten exactly on a bracket's edge or a fen above it */
            static const int64_t edge[] = {300000, 300001, 500000, 500001, 1000000, 1000001};
            base = (h / 10000) % 10 == 0 ? edge[(h / 100000) % 6] : 150000 + (int64_t)((h / 10000) % 3850000);
        } else if (kind == DUES_RETIREE) {
            base = 200000 + (int64_t)((h / 10000) % 700000);
        }
        dues_amount a;
        if (dues_calc(&r, kind, base, &a, &e)) {
            fprintf(stderr, "duesbases: person %llu: %s\n", (unsigned long long)i, e.msg);
            return 1;
        }
        char rule[256], ad[64], plain[32];
        dues_rule_words(&r, kind, base, &a, rule);
        char *sealed = NULL;
        if (dues_kind_rated(kind)) {
            snprintf(ad, sizeof ad, "dues_base:%llu", (unsigned long long)i);
            snprintf(plain, sizeof plain, "%lld", (long long)base);
            if (crypt_seal(ad, plain, &sealed, &e)) {
                fprintf(stderr, "duesbases: %s\n", e.msg);
                return 1;
            }
        }
        printf("%llu\t%s\t%s\t%lld\t%s\n", (unsigned long long)i, dues_kind_code(kind), sealed ? sealed : "", (long long)a.fen, rule);
        free(sealed);
    }
    return 0;
}
