/* ole2 — the streams of an OLE2 compound file (the container of .xls, and of
 * an encrypted .xlsx); not for use outside src/ledger.
 *
 * Our own reader rather than libgsf: we need three things of the format (the
 * FAT and mini-FAT chains, the root's directory entries, one stream's bytes),
 * about 250 lines, from memory, with every count bounded by the file's size;
 * libgsf would bring GLib objects and its own allocation rules into the
 * readers for the same work.  Untrusted input: a chain that loops or points
 * outside the file ends the stream (it is never followed further than the file
 * has sectors), the directory is walked without recursion and each entry at
 * most once, and nothing allocated is larger than the file. */
#ifndef EJIA_LEDGER_OLE2_H
#define EJIA_LEDGER_OLE2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ole2_entry {
    char name[100];      /* UTF-8: at most 32 UTF-16 units of 3 bytes, and the NUL */
    uint8_t type;        /* 1 storage, 2 stream, 5 root */
    uint32_t left, right, child, start;
    uint64_t size;
} ole2_entry;

typedef struct ole2 {
    const unsigned char *d;
    size_t len;
    uint32_t ssz;            /* sector size: 512 or 4096 */
    uint32_t nsect;          /* sectors in the file */
    uint32_t *fat;           /* nfat entries */
    size_t nfat;
    uint32_t *minifat;
    size_t nminifat;
    ole2_entry *dir;
    size_t ndir;
    unsigned char *mini;     /* the mini stream (root entry's data) */
    size_t nmini;
    uint32_t cutoff;         /* streams smaller than this live in the mini stream */
} ole2;

typedef enum ole2_status { OLE2_OK = 0, OLE2_NOMEM, OLE2_BAD } ole2_status;

/* Parse the header, FAT, mini-FAT and directory of d (which must outlive o). */
ole2_status ole2_open(ole2 *o, const unsigned char *d, size_t len);
/* Index of the stream or storage named `name` (ASCII, any case) directly under
 * the root, or -1. */
int ole2_find(const ole2 *o, const char *name);
/* A stream's bytes (malloc'd, the caller frees), at most its declared size; a
 * chain cut short by damage gives what it has.  NULL on no memory. */
unsigned char *ole2_read(const ole2 *o, int entry, size_t *len);
void ole2_free(ole2 *o);

#endif
