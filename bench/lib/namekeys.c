/* namekeys — the pinyin sort keys of generated names, for bench/members.
 *
 *   namekeys SURNAMES GIVEN  >  name<TAB>key lines
 *
 * Every name the bench's SQL can make — one surname character, then one or
 * two characters of GIVEN — with its key from the program's own
 * collate_zh_key (core/collate.h), so member.name_key holds exactly what a
 * registration would have stored.  Linked against build/libejia.a. */
#include <stdio.h>
#include <string.h>

#include "core/collate.h"

/* The UTF-8 characters of s, one per slot (each at most 4 bytes). */
static int chars(const char *s, char out[][5], int max) {
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n < max; n++) {
        int len = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
        memcpy(out[n], p, (size_t)len);
        out[n][len] = 0;
        p += len;
    }
    return n;
}

int main(int argc, char **argv) {
    static char sur[512][5], giv[512][5];
    if (argc != 3) {
        fprintf(stderr, "usage: namekeys SURNAMES GIVEN\n");
        return 2;
    }
    int ns = chars(argv[1], sur, 512), ng = chars(argv[2], giv, 512);
    char name[32], key[512];
    for (int a = 0; a < ns; a++)
        for (int b = 0; b < ng; b++)
            for (int c = -1; c < ng; c++) {
                snprintf(name, sizeof name, "%s%s%s", sur[a], giv[b], c < 0 ? "" : giv[c]);
                if (!collate_zh_key(name, key, sizeof key)) return 1;
                printf("%s\t%s\n", name, key);
            }
    return 0;
}
