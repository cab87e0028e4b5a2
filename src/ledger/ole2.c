/* ole2 — see ole2.h.  Layout from [MS-CFB]: a 512-byte header, then sectors;
 * the FAT (found through the DIFAT: 109 entries in the header, then a chain of
 * DIFAT sectors) links each sector to the next of its stream; small streams
 * live in 64-byte mini sectors inside the root entry's stream, linked by the
 * mini-FAT. */
#include "ledger/ole2.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ENDCHAIN 0xFFFFFFFEu
#define FREESECT 0xFFFFFFFFu
#define NOSTREAM 0xFFFFFFFFu
#define MINI_SIZE 64u

static uint16_t u16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t u32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static const unsigned char *sector(const ole2 *o, uint32_t s) {
    return s < o->nsect ? o->d + (size_t)(s + 1) * o->ssz : NULL;
}

/* Follow a FAT chain from `start`, copying up to `want` bytes (SIZE_MAX: the
 * whole chain).  At most nsect steps: a loop cannot hold us longer than a
 * chain through every sector of the file would. */
static unsigned char *read_chain(const ole2 *o, uint32_t start, size_t want, size_t *len) {
    size_t cap = (size_t)o->nsect * o->ssz;
    if (want < cap) cap = want;
    unsigned char *out = malloc(cap ? cap : 1);
    if (!out) return NULL;
    size_t n = 0;
    uint32_t s = start;
    for (uint32_t steps = 0; n < cap && steps < o->nsect; steps++) {
        const unsigned char *p = sector(o, s);
        if (!p) break;
        size_t k = cap - n < o->ssz ? cap - n : o->ssz;
        memcpy(out + n, p, k);
        n += k;
        s = s < o->nfat ? o->fat[s] : ENDCHAIN;
    }
    *len = n;
    return out;
}

/* The mini stream's counterpart of read_chain. */
static unsigned char *read_mini(const ole2 *o, uint32_t start, size_t want, size_t *len) {
    size_t cap = o->nmini < want ? o->nmini : want;
    unsigned char *out = malloc(cap ? cap : 1);
    if (!out) return NULL;
    size_t n = 0, steps_max = o->nmini / MINI_SIZE + 1;
    uint32_t s = start;
    for (size_t steps = 0; n < cap && steps < steps_max; steps++) {
        size_t off = (size_t)s * MINI_SIZE;
        if (s >= o->nminifat || off + MINI_SIZE > o->nmini) break;
        size_t k = cap - n < MINI_SIZE ? cap - n : MINI_SIZE;
        memcpy(out + n, o->mini + off, k);
        n += k;
        s = o->minifat[s];
    }
    *len = n;
    return out;
}

/* The FAT: its sectors are listed by the DIFAT.  Sectors it names outside
 * the file are left free (truncated files still give what they have). */
static ole2_status load_fat(ole2 *o) {
    const unsigned char *h = o->d;
    uint32_t per = o->ssz / 4;
    uint32_t nfatsect = u32(h + 0x2C);
    if (nfatsect > o->nsect + 1) nfatsect = o->nsect + 1;   /* a FAT longer than the file says nothing more */
    o->nfat = (size_t)nfatsect * per;
    o->fat = malloc((o->nfat ? o->nfat : 1) * sizeof *o->fat);
    if (!o->fat) return OLE2_NOMEM;
    for (size_t i = 0; i < o->nfat; i++) o->fat[i] = FREESECT;
    uint32_t k = 0;   /* FAT sectors placed */
    for (uint32_t i = 0; i < 109 && k < nfatsect; i++, k++) {
        const unsigned char *p = sector(o, u32(h + 0x4C + 4 * i));
        for (uint32_t j = 0; p && j < per; j++) o->fat[(size_t)k * per + j] = u32(p + 4 * j);
    }
    uint32_t dif = u32(h + 0x44);
    for (uint32_t steps = 0; k < nfatsect && steps < o->nsect; steps++) {
        const unsigned char *d = sector(o, dif);
        if (!d) break;
        for (uint32_t i = 0; i + 1 < per && k < nfatsect; i++, k++) {
            const unsigned char *p = sector(o, u32(d + 4 * i));
            for (uint32_t j = 0; p && j < per; j++) o->fat[(size_t)k * per + j] = u32(p + 4 * j);
        }
        dif = u32(d + o->ssz - 4);
    }
    return OLE2_OK;
}

static void entry_name(ole2_entry *e, const unsigned char *p) {
    unsigned n = u16(p + 0x40) / 2;
    if (n > 32) n = 32;
    size_t o = 0;
    for (unsigned i = 0; i < n; i++) {
        unsigned c = u16(p + 2 * i);
        if (!c) break;
        /* names are short and mostly ASCII; others are kept as UTF-8, a
         * surrogate as '?' (no stream we look for has one) */
        if (c >= 0xD800 && c < 0xE000) c = '?';
        if (c < 0x80) e->name[o++] = (char)c;
        else if (c < 0x800) { e->name[o++] = (char)(0xC0 | c >> 6); e->name[o++] = (char)(0x80 | (c & 63)); }
        else {
            e->name[o++] = (char)(0xE0 | c >> 12);
            e->name[o++] = (char)(0x80 | (c >> 6 & 63));
            e->name[o++] = (char)(0x80 | (c & 63));
        }
    }
    e->name[o] = 0;
}

ole2_status ole2_open(ole2 *o, const unsigned char *d, size_t len) {
    memset(o, 0, sizeof *o);
    o->d = d;
    o->len = len;
    if (len < 512 || memcmp(d, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) != 0) return OLE2_BAD;
    unsigned shift = u16(d + 0x1E);
    if (shift != 9 && shift != 12) return OLE2_BAD;
    o->ssz = 1u << shift;
    if (len < o->ssz) return OLE2_BAD;
    size_t ns = len / o->ssz - 1;   /* the header takes the first sector's place */
    o->nsect = ns > 0x7FFFFFF0u ? 0x7FFFFFF0u : (uint32_t)ns;
    if (u16(d + 0x20) != 6) return OLE2_BAD;   /* 64-byte mini sectors: the only size in use */
    o->cutoff = u32(d + 0x38);
    ole2_status s = load_fat(o);
    if (s) return s;

    size_t dlen = 0;
    unsigned char *dir = read_chain(o, u32(d + 0x30), SIZE_MAX, &dlen);
    if (!dir) return OLE2_NOMEM;
    o->ndir = dlen / 128;
    o->dir = calloc(o->ndir ? o->ndir : 1, sizeof *o->dir);
    if (!o->dir) { free(dir); return OLE2_NOMEM; }
    for (size_t i = 0; i < o->ndir; i++) {
        const unsigned char *p = dir + i * 128;
        ole2_entry *e = &o->dir[i];
        entry_name(e, p);
        e->type = p[0x42];
        e->left = u32(p + 0x44);
        e->right = u32(p + 0x48);
        e->child = u32(p + 0x4C);
        e->start = u32(p + 0x74);
        /* version 3 files keep garbage in the size's high half */
        e->size = shift == 9 ? u32(p + 0x78) : (uint64_t)u32(p + 0x78) | (uint64_t)u32(p + 0x7C) << 32;
    }
    free(dir);
    if (o->ndir == 0 || o->dir[0].type != 5) return OLE2_BAD;

    o->mini = read_chain(o, o->dir[0].start, o->dir[0].size, &o->nmini);
    if (!o->mini) return OLE2_NOMEM;
    size_t mlen = 0;
    unsigned char *mf = read_chain(o, u32(d + 0x3C), (size_t)u32(d + 0x40) * o->ssz, &mlen);
    if (!mf) return OLE2_NOMEM;
    o->nminifat = mlen / 4;
    o->minifat = malloc((o->nminifat ? o->nminifat : 1) * sizeof *o->minifat);
    if (!o->minifat) { free(mf); return OLE2_NOMEM; }
    for (size_t i = 0; i < o->nminifat; i++) o->minifat[i] = u32(mf + 4 * i);
    free(mf);
    return OLE2_OK;
}

int ole2_find(const ole2 *o, const char *name) {
    if (!o->ndir) return -1;
    /* The root's children form a tree through left/right; walk it with an
     * explicit stack, visiting each entry at most once (a damaged tree may
     * loop or share nodes). */
    unsigned char *seen = calloc(o->ndir, 1);
    /* a visit pops one entry and pushes two: the stack never holds more than ndir + 1 */
    size_t cap = o->ndir + 2;
    uint32_t *stack = malloc(cap * sizeof *stack);
    int found = -1;
    size_t top = 0;
    if (seen && stack) {
        stack[top++] = o->dir[0].child;
        while (top && found < 0) {
            uint32_t i = stack[--top];
            if (i == NOSTREAM || i >= o->ndir || seen[i]) continue;
            seen[i] = 1;
            const ole2_entry *e = &o->dir[i];
            if ((e->type == 1 || e->type == 2) && strcasecmp(e->name, name) == 0) found = (int)i;
            if (top + 2 <= cap) {
                stack[top++] = e->left;
                stack[top++] = e->right;
            }
        }
    }
    free(seen);
    free(stack);
    return found;
}

unsigned char *ole2_read(const ole2 *o, int entry, size_t *len) {
    *len = 0;
    if (entry < 0 || (size_t)entry >= o->ndir) return malloc(1);
    const ole2_entry *e = &o->dir[entry];
    size_t want = e->size > SIZE_MAX ? SIZE_MAX : (size_t)e->size;
    if (e->size < o->cutoff) return read_mini(o, e->start, want, len);
    return read_chain(o, e->start, want, len);
}

void ole2_free(ole2 *o) {
    free(o->fat);
    free(o->minifat);
    free(o->dir);
    free(o->mini);
    memset(o, 0, sizeof *o);
}
