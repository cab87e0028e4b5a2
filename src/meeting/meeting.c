/* meeting — the pure rules of organizational life (see meeting.h). */
#include "meeting/meeting.h"
#include "core/day.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/config.h"

const char *const meeting_kinds[MEETING_KINDS] = {
    "支部党员大会", "支委会", "党小组会", "党课", "主题党日", "组织生活会", "民主评议党员", "谈心谈话",
};

static const char *const meeting_settings[MEETING_KINDS] = {
    "rule-meeting-freq-assembly", "rule-meeting-freq-committee", "rule-meeting-freq-group",     "rule-meeting-freq-lecture",
    "rule-meeting-freq-theme-day", "rule-meeting-freq-life",     "rule-meeting-freq-appraisal", "rule-meeting-freq-talk",
};

int meeting_kind_index(const char *kind) {
    for (int i = 0; kind && i < MEETING_KINDS; i++)
        if (!strcmp(meeting_kinds[i], kind)) return i;
    return -1;
}

const char *meeting_kind_setting(int kind) { return kind >= 0 && kind < MEETING_KINDS ? meeting_settings[kind] : NULL; }

int meeting_freq_parse(const char *s) {
    if (!s) return -1;
    if (!strcmp(s, "month")) return 1;
    if (!strcmp(s, "quarter")) return 3;
    if (!strcmp(s, "year")) return 12;
    if (!strcmp(s, "none")) return 0;
    return -1;
}

int meeting_freq(int kind) {
    const char *name = meeting_kind_setting(kind);
    int f = name ? meeting_freq_parse(cfg_str(name)) : 0;
    return f < 0 ? 0 : f;
}

bool meeting_kind_applies(int kind, const char *org_kind, bool has_committee) {
    if (kind < 0 || kind >= MEETING_KINDS || !org_kind) return false;
    bool branch = !strcmp(org_kind, "党支部") || !strcmp(org_kind, "联合党支部") || !strcmp(org_kind, "临时党支部");
    if (kind == 1) return has_committee && (branch || !strcmp(org_kind, "党总支") || !strcmp(org_kind, "党委"));
    if (branch) return true;
    /* a 党总支 or 党委 holds its committee's meeting and gives 党课; the rest is its branches' */
    return kind == 3 && (!strcmp(org_kind, "党总支") || !strcmp(org_kind, "党委"));
}

/* ---- days ---- */

bool meeting_day_ok(const char *s) {
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    return y >= 1900 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= day_month_days(y, m);
}


void meeting_day_add(const char *day, int n, char out[11]) { day_add(day, n, out); }

long meeting_days_between(const char *a, const char *b) { return day_between(a, b); }

int meeting_weekday(const char *day) {
    long z = day_number(atoi(day), atoi(day + 5), atoi(day + 8));   /* 1970-01-01 was a Thursday */
    return (int)(((z % 7) + 11) % 7);
}

bool meeting_time_ok(const char *t) {
    return t && strlen(t) == 5 && t[2] == ':' && t[0] >= '0' && t[0] <= '2' && t[1] >= '0' && t[1] <= '9' && t[3] >= '0' &&
           t[3] <= '5' && t[4] >= '0' && t[4] <= '9' && atoi(t) <= 23;
}

int64_t meeting_epoch(const char *day, const char *hhmm) {
    struct tm tm = {0};
    tm.tm_year = atoi(day) - 1900;
    tm.tm_mon = atoi(day + 5) - 1;
    tm.tm_mday = atoi(day + 8);
    tm.tm_hour = atoi(hhmm);
    tm.tm_min = atoi(hhmm + 3);
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

/* ---- periods ---- */

static void meeting_period_fill(meeting_period *p, int y, int m0, int months) {
    p->year = y;
    p->month0 = m0;
    p->months = months;
    int ml = m0 + months - 1;
    day_format(y, m0, 1, p->from);
    day_format(y, ml, day_month_days(y, ml), p->to);
    /* the code is the first 4, 7 or 7 characters of the first day, the quarter's with Q */
    memcpy(p->code, p->from, months == 12 ? 4 : 7);
    p->code[months == 12 ? 4 : 7] = 0;
    if (months == 3) {
        p->code[5] = 'Q';
        p->code[6] = (char)('1' + (m0 - 1) / 3);
    }
}

static bool meeting_digits(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

bool meeting_period_parse(const char *s, meeting_period *p) {
    memset(p, 0, sizeof *p);
    if (!s) return false;
    size_t n = strlen(s);
    if (n < 4 || !meeting_digits(s, 4)) return false;
    int y = atoi(s);
    if (y < 1900 || y > 9999) return false;
    if (n == 4) {
        meeting_period_fill(p, y, 1, 12);
        return true;
    }
    if (n == 7 && s[4] == '-' && s[5] == 'Q' && s[6] >= '1' && s[6] <= '4') {
        meeting_period_fill(p, y, (s[6] - '1') * 3 + 1, 3);
        return true;
    }
    if (n == 7 && s[4] == '-' && meeting_digits(s + 5, 2)) {
        int m = atoi(s + 5);
        if (m < 1 || m > 12) return false;
        meeting_period_fill(p, y, m, 1);
        return true;
    }
    return false;
}

bool meeting_period_of(const char *day, int months, meeting_period *p) {
    memset(p, 0, sizeof *p);
    if (!meeting_day_ok(day) || (months != 1 && months != 3 && months != 12)) return false;
    int y = atoi(day), m = atoi(day + 5);
    meeting_period_fill(p, y, (m - 1) / months * months + 1, months);
    return true;
}

bool meeting_stretch(const meeting_period *p, int freq, int i, meeting_period *out) {
    if (freq <= 0 || freq > p->months || i < 0 || (i + 1) * freq > p->months) return false;
    meeting_period_fill(out, p->year, p->month0 + i * freq, freq);
    return true;
}

int meeting_required(int freq, const meeting_period *p, const char *established) {
    int n = 0;
    meeting_period s;
    for (int i = 0; meeting_stretch(p, freq, i, &s); i++)
        if (!established || strcmp(s.to, established) >= 0) n++;
    return n;
}

/* ---- quorum, lock, window ---- */

bool meeting_quorum(int64_t voting, int64_t present) { return voting > 0 && present * 2 > voting; }

bool meeting_locked(const char *day, const char *today, int lock_days) {
    char last[11];
    meeting_day_add(day, lock_days, last);   /* the last day a record may still be changed */
    return strcmp(today, last) > 0;
}

bool meeting_window_open(int64_t now, int64_t starts, int64_t ends, int64_t before, int64_t after) {
    return now >= starts - before && now <= ends + after;
}

/* ---- tokens ---- */

int64_t meeting_step(int64_t now, int64_t step_seconds) {
    if (step_seconds <= 0) step_seconds = 30;
    return now >= 0 ? now / step_seconds : (now - step_seconds + 1) / step_seconds;
}

static void meeting_mac(const unsigned char key[32], int64_t meeting, int64_t step, char hex[33]) {
    char msg[64];
    int n = snprintf(msg, sizeof msg, "ejia-checkin:%lld:%lld", (long long)meeting, (long long)step);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state hs;
    crypto_auth_hmacsha256_init(&hs, key, 32);
    crypto_auth_hmacsha256_update(&hs, (const unsigned char *)msg, (unsigned long long)n);
    crypto_auth_hmacsha256_final(&hs, mac);
    sodium_bin2hex(hex, 33, mac, 16);
}

void meeting_token_make(const unsigned char key[32], int64_t meeting, int64_t step, char out[MEETING_TOKEN_MAX]) {
    char hex[33];
    meeting_mac(key, meeting, step, hex);
    snprintf(out, MEETING_TOKEN_MAX, "%lld.%lld.%s", (long long)meeting, (long long)step, hex);
}

/* A positive decimal without sign or leading zero, up to 18 digits, ending at *end == stop. */
static bool meeting_num(const char *s, char stop, int64_t *out, const char **end) {
    size_t n = 0;
    int64_t v = 0;
    while (s[n] >= '0' && s[n] <= '9' && n < 18) v = v * 10 + (s[n++] - '0');
    if (!n || s[n] != stop || (s[0] == '0' && n > 1)) return false;
    *out = v;
    *end = s + n;
    return true;
}

meeting_token_st meeting_token_check(const unsigned char key[32], const char *tok, int64_t now_step, int64_t grace,
                                     int64_t *meeting, int64_t *step) {
    *meeting = *step = 0;
    const char *p;
    int64_t id, sp;
    if (!tok || strlen(tok) >= MEETING_TOKEN_MAX || !meeting_num(tok, '.', &id, &p) || id <= 0 ||
        !meeting_num(p + 1, '.', &sp, &p) || strlen(p + 1) != 32)
        return MEETING_TOKEN_MALFORMED;
    char hex[33];
    meeting_mac(key, id, sp, hex);
    if (sodium_memcmp(hex, p + 1, 32) != 0) return MEETING_TOKEN_MALFORMED;
    *meeting = id;
    *step = sp;
    if (sp > now_step) return MEETING_TOKEN_FUTURE;
    if (sp < now_step - grace) return MEETING_TOKEN_STALE;
    return MEETING_TOKEN_OK;
}

/* ---- compliance ---- */

const char *meeting_light_name(meeting_light l) { return l == MEETING_RED ? "red" : l == MEETING_YELLOW ? "yellow" : "green"; }

meeting_light meeting_light_of(long idle, bool missing, int yellow_days, int red_days) {
    if (missing || idle >= red_days) return MEETING_RED;
    if (idle >= yellow_days) return MEETING_YELLOW;
    return MEETING_GREEN;
}

const char *meeting_photo_type(const unsigned char *head, size_t n) {
    if (n >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) return "image/jpeg";
    if (n >= 8 && !memcmp(head, "\x89PNG\r\n\x1a\n", 8)) return "image/png";
    if (n >= 12 && !memcmp(head, "RIFF", 4) && !memcmp(head + 8, "WEBP", 4)) return "image/webp";
    return NULL;
}

static unsigned mt_be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static unsigned mt_le16(const unsigned char *p) { return (unsigned)p[1] << 8 | p[0]; }
static uint32_t mt_be32(const unsigned char *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static uint32_t mt_le24(const unsigned char *p) { return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0]; }

/* JPEG: the segments from the start, each FF <marker> [length], up to the first
 * start-of-frame (C0–CF but C4 DHT, C8 JPG, CC DAC): FF Cx len(2) precision(1) height(2) width(2). */
static bool mt_jpeg_size(const unsigned char *p, size_t n, uint32_t *w, uint32_t *h) {
    size_t i = 2;
    while (i + 1 < n) {
        if (p[i] != 0xFF) return false;
        unsigned char m = p[i + 1];
        if (m == 0xFF) {   /* fill byte */
            i++;
            continue;
        }
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD8)) {   /* standalone markers: no length */
            i += 2;
            continue;
        }
        if (m == 0xD9 || m == 0xDA) return false;       /* end of image, or the scan before any frame */
        if (i + 4 > n) return false;
        size_t len = mt_be16(p + i + 2);
        if (len < 2) return false;
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            if (len < 7 || i + 9 > n) return false;
            *h = mt_be16(p + i + 5);
            *w = mt_be16(p + i + 7);
            return true;
        }
        i += 2 + len;
    }
    return false;
}

bool meeting_photo_size(const unsigned char *p, size_t n, int *width, int *height) {
    *width = *height = 0;
    const char *type = p ? meeting_photo_type(p, n) : NULL;
    uint32_t w = 0, h = 0;
    bool ok = false;
    if (!type) return false;
    if (!strcmp(type, "image/png")) {
        ok = n >= 24 && !memcmp(p + 12, "IHDR", 4);
        if (ok) w = mt_be32(p + 16), h = mt_be32(p + 20);
    } else if (!strcmp(type, "image/jpeg")) {
        ok = mt_jpeg_size(p, n, &w, &h);
    } else if (n >= 30 && !memcmp(p + 12, "VP8 ", 4)) {   /* lossy: a key frame's start code, then 14-bit sides */
        ok = p[23] == 0x9D && p[24] == 0x01 && p[25] == 0x2A;
        if (ok) w = mt_le16(p + 26) & 0x3FFF, h = mt_le16(p + 28) & 0x3FFF;
    } else if (n >= 25 && !memcmp(p + 12, "VP8L", 4)) {   /* lossless: 0x2F, then 14 bits each of side − 1 */
        ok = p[20] == 0x2F;
        uint32_t b = (uint32_t)p[21] | (uint32_t)p[22] << 8 | (uint32_t)p[23] << 16 | (uint32_t)p[24] << 24;
        if (ok) w = (b & 0x3FFF) + 1, h = ((b >> 14) & 0x3FFF) + 1;
    } else if (n >= 30 && !memcmp(p + 12, "VP8X", 4)) {   /* extended: the canvas, 24 bits each of side − 1 */
        ok = true;
        w = mt_le24(p + 24) + 1, h = mt_le24(p + 27) + 1;
    }
    if (!ok || !w || !h || w > 1000000 || h > 1000000) return false;
    *width = (int)w;
    *height = (int)h;
    return true;
}
