/* district — lookup tables for Xiamen's districts and streets.
 *
 * Small fixed tables searched linearly: 6 districts, 54 streets; a hash
 * would cost more than it saves. */
#include "ledger/district.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "core/utf8.h"

static const district DISTRICTS[] = {
    {350203, "思明区", "思明"},
    {350205, "海沧区", "海沧"},
    {350206, "湖里区", "湖里"},
    {350211, "集美区", "集美"},
    {350212, "同安区", "同安"},
    {350213, "翔安区", "翔安"},
};
#define NDISTRICTS (sizeof DISTRICTS / sizeof DISTRICTS[0])

/* Names used before the 2003 reorganisation and Traditional spellings. */
static const struct { const char *name; int code; } OLD_NAMES[] = {
    {"开元区", 350203}, {"开元", 350203}, {"鼓浪屿区", 350203}, {"鼓浪屿", 350203},
    {"杏林区", 350211}, {"杏林", 350211}, {"思明區", 350203}, {"海滄區", 350205},
    {"海滄", 350205}, {"湖裡區", 350206}, {"湖裡", 350206}, {"湖里區", 350206},
    {"集美區", 350211}, {"同安區", 350212}, {"翔安區", 350213},
};

/* From data/reference/xiamen_3502_streets.csv (code, name, district). */
static const district_street STREETS[] = {
    {350203001L, "厦港街道", 350203},
    {350203003L, "中华街道", 350203},
    {350203005L, "滨海街道", 350203},
    {350203006L, "鹭江街道", 350203},
    {350203007L, "开元街道", 350203},
    {350203008L, "梧村街道", 350203},
    {350203009L, "筼筜街道", 350203},
    {350203010L, "莲前街道", 350203},
    {350203011L, "嘉莲街道", 350203},
    {350203012L, "鼓浪屿街道", 350203},
    {350205001L, "海沧街道", 350205},
    {350205002L, "新阳街道", 350205},
    {350205003L, "嵩屿街道", 350205},
    {350205004L, "东孚街道", 350205},
    {350205403L, "天竺山林场", 350205},
    {350205407L, "厦门海沧保税港区", 350205},
    {350206001L, "湖里街道", 350206},
    {350206002L, "殿前街道", 350206},
    {350206003L, "禾山街道", 350206},
    {350206004L, "江头街道", 350206},
    {350206005L, "金山街道", 350206},
    {350206405L, "火炬高技术开发区", 350206},
    {350206406L, "象屿保税区", 350206},
    {350211001L, "集美街道", 350211},
    {350211002L, "侨英街道", 350211},
    {350211003L, "杏林街道", 350211},
    {350211004L, "杏滨街道", 350211},
    {350211102L, "灌口镇", 350211},
    {350211103L, "后溪镇", 350211},
    {350211401L, "第二农场", 350211},
    {350211402L, "省天马种猪场", 350211},
    {350211403L, "天马华侨农场", 350211},
    {350211404L, "坂头防护林场", 350211},
    {350212001L, "大同街道", 350212},
    {350212002L, "祥平街道", 350212},
    {350212003L, "新民街道", 350212},
    {350212004L, "西柯街道", 350212},
    {350212005L, "祥和街道", 350212},
    {350212006L, "新美街道", 350212},
    {350212007L, "美林街道", 350212},
    {350212105L, "莲花镇", 350212},
    {350212107L, "洪塘镇", 350212},
    {350212109L, "汀溪镇", 350212},
    {350212110L, "五显镇", 350212},
    {350213001L, "大嶝街道", 350213},
    {350213002L, "马巷街道", 350213},
    {350213003L, "新店街道", 350213},
    {350213004L, "凤翔街道", 350213},
    {350213005L, "民安街道", 350213},
    {350213006L, "香山街道", 350213},
    {350213007L, "金海街道", 350213},
    {350213103L, "新圩镇", 350213},
    {350213111L, "内厝镇", 350213},
    {350213404L, "大帽山农场", 350213},
};
#define NSTREETS (sizeof STREETS / sizeof STREETS[0])

const district *district_all(size_t *n) {
    if (n) *n = NDISTRICTS;
    return DISTRICTS;
}

const district *district_by_code(int code) {
    for (size_t i = 0; i < NDISTRICTS; i++)
        if (DISTRICTS[i].code == code) return &DISTRICTS[i];
    return NULL;
}

static bool eq(const char *s, size_t n, const char *lit) {
    return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

static bool starts(const char *s, size_t n, const char *lit) {
    size_t l = strlen(lit);
    return n >= l && memcmp(s, lit, l) == 0;
}

const district *district_find(const char *s, size_t n) {
    n = utf8_trim(&s, n);
    /* Prefixes a ledger may put before the district. */
    static const char *const prefixes[] = {"福建省", "福建", "厦门市", "厦门"};
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
        if (starts(s, n, prefixes[i])) {
            size_t l = strlen(prefixes[i]);
            s += l;
            n -= l;
            n = utf8_trim(&s, n);
        }
    if (n == 6 || (n == 12 && memcmp(s + 6, "000000", 6) == 0) || (n == 9)) {
        bool digits = true;
        for (size_t i = 0; i < n; i++) digits = digits && s[i] >= '0' && s[i] <= '9';
        if (digits) {
            int code = 0;
            for (size_t i = 0; i < 6; i++) code = code * 10 + (s[i] - '0');
            return district_by_code(code);
        }
    }
    for (size_t i = 0; i < NDISTRICTS; i++)
        if (eq(s, n, DISTRICTS[i].name) || eq(s, n, DISTRICTS[i].short_name)) return &DISTRICTS[i];
    for (size_t i = 0; i < sizeof OLD_NAMES / sizeof *OLD_NAMES; i++)
        if (eq(s, n, OLD_NAMES[i].name)) return district_by_code(OLD_NAMES[i].code);
    return NULL;
}

/* Street names without their 街道 / 镇 suffix, for loose matching. */
static size_t street_stem(const char *name) {
    size_t l = strlen(name);
    if (l > 6 && memcmp(name + l - 6, "街道", 6) == 0) return l - 6;
    if (l > 3 && memcmp(name + l - 3, "镇", 3) == 0) return l - 3;
    return l;
}

const district_street *district_street_find(const char *s, size_t n) {
    n = utf8_trim(&s, n);
    if (n == 0) return NULL;
    for (size_t i = 0; i < NSTREETS; i++) {
        const char *nm = STREETS[i].name;
        if (eq(s, n, nm)) return &STREETS[i];
        size_t stem = street_stem(nm);
        if (stem >= 6 && stem == n && memcmp(s, nm, n) == 0) return &STREETS[i];
    }
    return NULL;
}

/* What an address is searched for: each street's name (its stem when that
 * is three characters or more: 鼓浪屿, 火炬高技术开发区; the full name when the
 * stem is two, 湖里, 集美, also a district or road name).  Every pattern
 * starts with a three-byte character, so one pass over the address looks up
 * at each position that could start one the few streets whose first
 * character hashes alike, instead of one memmem per street: the address is the
 * hottest part of cleaning a row (a tenth of an xlsx import). */
static struct {
    size_t len[NSTREETS];
    uint32_t first[NSTREETS];     /* the pattern's first three bytes */
    uint64_t bucket[1024];        /* by a hash of those bytes: the streets whose pattern starts so */
} pat;

static uint32_t three(const char *s) {
    const unsigned char *u = (const unsigned char *)s;
    return (uint32_t)u[0] << 16 | (uint32_t)u[1] << 8 | u[2];
}
static unsigned hash3(uint32_t v) { return (v ^ (v >> 10)) & 1023; }

static void pat_init(void) {
    for (size_t i = 0; i < NSTREETS; i++) {
        const char *nm = STREETS[i].name;
        size_t stem = street_stem(nm);
        pat.len[i] = stem >= 9 ? stem : strlen(nm);
        pat.first[i] = three(nm);
        pat.bucket[hash3(pat.first[i])] |= (uint64_t)1 << i;
    }
}

/* The streets (bit i for STREETS[i]) whose pattern occurs in s[0..n): the
 * set that one memmem per street would find, at any byte offset. */
static uint64_t streets_in(const char *s, size_t n) {
    _Static_assert(NSTREETS <= 64, "one bit per street");
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, pat_init);
    uint64_t found = 0;
    for (size_t i = 0; i + 3 <= n; i++) {
        if ((unsigned char)s[i] < 0xE0) continue;   /* every pattern starts with a three-byte character */
        uint32_t v = three(s + i);
        for (uint64_t b = pat.bucket[hash3(v)]; b; b &= b - 1) {
            int k = __builtin_ctzll(b);
            if (pat.first[k] == v && pat.len[k] <= n - i && memcmp(s + i, STREETS[k].name, pat.len[k]) == 0)
                found |= (uint64_t)1 << k;
        }
    }
    return found;
}

static bool contains(const char *s, size_t n, const char *lit, size_t l) {
    if (l == 0 || l > n) return false;
    return memmem(s, n, lit, l) != NULL;
}

int district_from_address(const char *s, size_t n) {
    int found = 0;
    for (size_t i = 0; i < NDISTRICTS; i++)
        if (contains(s, n, DISTRICTS[i].name, strlen(DISTRICTS[i].name))) {
            if (found && found != DISTRICTS[i].code) return 0;
            found = DISTRICTS[i].code;
        }
    if (found) return found;
    for (uint64_t m = streets_in(s, n); m; m &= m - 1) {
        const district_street *sp = &STREETS[__builtin_ctzll(m)];
        if (found && found != sp->district) return 0;
        found = sp->district;
    }
    return found;
}

const district_street *district_street_from_address(const char *s, size_t n, int in_district) {
    const district_street *found = NULL;
    for (uint64_t m = streets_in(s, n); m; m &= m - 1) {
        const district_street *sp = &STREETS[__builtin_ctzll(m)];
        if (in_district && sp->district != in_district) continue;
        if (found) return NULL;
        found = sp;
    }
    return found;
}
