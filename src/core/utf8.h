/* utf8 — small UTF-8 helpers shared by every module that handles user text.
 *
 * Validation, codepoint iteration, character counts, trimming (ASCII space
 * plus the full-width U+3000, NBSP, BOM and zero-width spaces that arrive
 * from Excel and Word), NFKC normalisation (utf8proc; folds full-width
 * digits, letters and brackets), and Traditional → Simplified conversion
 * (OpenCC t2s, opened once on first use).  Strings are (pointer, length)
 * pairs; results go into an arena or a capped buf owned by the caller. */
#ifndef EJIA_CORE_UTF8_H
#define EJIA_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

/* True when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF). */
bool utf8_valid(const char *s, size_t n);
/* Length of the longest valid prefix of s[0..n) (a truncated final sequence
 * is not counted); used to find where a file stops being UTF-8. */
size_t utf8_valid_prefix(const char *s, size_t n);

/* Replace, in place, every byte of s[0..n) that is not part of a well-formed
 * sequence with '?' (the length is kept); returns how many were replaced.  For
 * text that must be UTF-8 (JSON) but may hold a user's bytes or be cut inside
 * a character by a printf precision or a full buffer. */
size_t utf8_scrub(char *s, size_t n);

/* Decode the codepoint at *p (p < end) and advance *p.  Invalid bytes yield
 * -1 and advance by one byte, so a loop always terminates. */
int32_t utf8_next(const char **p, const char *end);
/* Encode cp into out (≥ 4 bytes); returns the byte count, 0 when cp is invalid. */
size_t utf8_encode(int32_t cp, char *out);
/* Number of codepoints (invalid bytes count one each). */
size_t utf8_count(const char *s, size_t n);

/* White space for trimming: Unicode White_Space plus BOM and zero-width
 * space/joiners, which Excel users cannot see and never mean. */
bool utf8_is_space(int32_t cp);
/* Trim leading and trailing space (as utf8_is_space) in place: adjusts *s and
 * returns the new length. */
size_t utf8_trim(const char **s, size_t n);

/* NFKC of s[0..n) into the arena (NUL-terminated, *out_len set when not NULL).
 * Returns NULL when s is not valid UTF-8 or the arena is full.  ASCII and
 * plain CJK ideographs are already NFKC and are copied without utf8proc. */
char *utf8_nfkc(arena *a, const char *s, size_t n, size_t *out_len);
/* Same, appended to a capped buffer. */
st utf8_nfkc_buf(buf *b, const char *s, size_t n);
/* True when s[0..n) is certainly unchanged by NFKC (fast check, may say false
 * for some stable strings). */
bool utf8_nfkc_quick(const char *s, size_t n);

/* Traditional → Simplified Chinese (OpenCC "t2s.json", Debian puts it in
 * /usr/share/opencc/).  The converter is opened once, lazily and thread-safely;
 * conversions may run in parallel (OpenCC's converter is immutable after
 * loading).  Returns NULL when the input is not valid UTF-8, OpenCC's data is
 * missing (e filled) or the arena is full. */
char *utf8_t2s(arena *a, const char *s, size_t n, err *e);
/* Close the converter (for leak checkers at exit; optional). */
void utf8_t2s_shutdown(void);

#endif
