/* zombie — the rules of zombie.h over each matched enterprise's records.
 *
 * Every record is read once, in record order, and reduced to evidence — what
 * its status says, its head count — added up per entity.  Only the few
 * entities with a finding are read a second time, entity by entity, to write
 * the reason naming every record behind it. */
#include "ledger/zombie.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/config.h"
#include "ledger/norm.h"

void ledger_zombie_rules_load(ledger_zombie_rules *r) {
    r->min_employees = cfg_int("rule-zombie-min-employees");
}

/* ---- status words ------------------------------------------------------------------ */

/* Simplified and traditional forms: the ledgers are copied from many systems. */
static const struct { const char *w; int bit; } WORDS[] = {
    {"吊销", LEDGER_ZS_REVOKED},   {"吊銷", LEDGER_ZS_REVOKED},   {"注销", LEDGER_ZS_CANCELLED},
    {"註銷", LEDGER_ZS_CANCELLED}, {"注銷", LEDGER_ZS_CANCELLED}, {"撤销", LEDGER_ZS_WITHDRAWN},
    {"撤銷", LEDGER_ZS_WITHDRAWN}, {"停业", LEDGER_ZS_SUSPENDED}, {"停業", LEDGER_ZS_SUSPENDED},
    {"歇业", LEDGER_ZS_SUSPENDED}, {"歇業", LEDGER_ZS_SUSPENDED}, {"清算", LEDGER_ZS_WINDING},
    {"迁出", LEDGER_ZS_MOVED},     {"遷出", LEDGER_ZS_MOVED},     {"存续", LEDGER_ZS_LIVE},
    {"存續", LEDGER_ZS_LIVE},      {"在业", LEDGER_ZS_LIVE},      {"在業", LEDGER_ZS_LIVE},
    {"在营", LEDGER_ZS_LIVE},      {"在營", LEDGER_ZS_LIVE},      {"开业", LEDGER_ZS_LIVE},
    {"開業", LEDGER_ZS_LIVE},      {"正常", LEDGER_ZS_LIVE},      {"在册", LEDGER_ZS_LIVE},
    {"在冊", LEDGER_ZS_LIVE},      {"异常", LEDGER_ZS_ABNORMAL},  {"異常", LEDGER_ZS_ABNORMAL},
};

/* Does the character (3 bytes) or word before p negate what follows?
 * "吊销未注销" is revoked, not cancelled; "未吊销" says nothing. */
static int negated(const char *text, const char *p) {
    static const char *const NEG[] = {"未", "非", "不", "无", "無", "没有", "沒有", NULL};
    for (int i = 0; NEG[i]; i++) {
        size_t l = strlen(NEG[i]);
        if ((size_t)(p - text) >= l && memcmp(p - l, NEG[i], l) == 0) return 1;
    }
    return 0;
}

/* Is the striking off only under way ("拟注销", "申请注销", "注销中")? */
static int pending(const char *text, const char *p, size_t wl) {
    static const char *const PRE[] = {"拟", "擬", "待", "申请", "申請", "正在", NULL};
    for (int i = 0; PRE[i]; i++) {
        size_t l = strlen(PRE[i]);
        if ((size_t)(p - text) >= l && memcmp(p - l, PRE[i], l) == 0) return 1;
    }
    return strncmp(p + wl, "中", 3) == 0;
}

int ledger_zombie_status(const char *text) {
    if (!text || !text[0]) return 0;
    int m = 0;
    /* one pass over the characters: every word is two CJK characters (6
     * bytes), and a status cell is a few characters, so comparing the table
     * at each character beats a search per word (a million records) */
    for (const char *p = text; *p; p++) {
        if (((unsigned char)*p & 0xC0) == 0x80) continue;    /* inside a character */
        for (size_t i = 0; i < sizeof WORDS / sizeof WORDS[0]; i++) {
            const char *w = WORDS[i].w;
            if (p[0] != w[0] || p[1] != w[1] || p[2] != w[2] || strncmp(p + 3, w + 3, 3) != 0) continue;
            if (negated(text, p)) continue;
            int bit = WORDS[i].bit;
            if ((bit & LEDGER_ZS_STRUCK) && pending(text, p, 6)) bit = LEDGER_ZS_PENDING;
            m |= bit;
        }
    }
    /* one cell that says both ("原存续，现注销") is read as the later event:
     * striking off cannot be undone */
    if (m & LEDGER_ZS_STRUCK) m &= ~LEDGER_ZS_LIVE;
    return m;
}

/* ---- evidence per record ----------------------------------------------------------- */

/* Field-verification answers that mean "no". */
static int says_no(const char *v) {
    static const char *const NO[] = {"无", "否", "没有", "未经营", "停业", "不正常", "N", "NO", "0", NULL};
    if (!v) return 0;
    for (int i = 0; NO[i]; i++)
        if (strcmp(v, NO[i]) == 0) return 1;
    return strstr(v, "无") != NULL || strstr(v, "未") != NULL;
}

enum { C_NONE = 0, C_ZERO, C_STAFF };   /* head count: not given (or unreadable), too few, some */

typedef struct ev {
    uint16_t st;        /* LEDGER_ZS_* of the status column */
    uint16_t note;      /* LEDGER_ZS_* of a status note in the name */
    uint8_t count;      /* C_* */
    uint8_t noprem, noop;
} ev;

/* A head count: the cleaner leaves digits only, or keeps text it could not
 * read ("约20", "20-30人", "不详") and lists it as a problem.  Such text is
 * read the way a person would, by its first number ("约20" is staff); text
 * without a number is no evidence either way, like a blank. */
static int count_kind(const char *v, long min) {
    if (!v) return C_NONE;
    v += strcspn(v, "0123456789");
    if (!*v) return C_NONE;
    return strtol(v, NULL, 10) < min ? C_ZERO : C_STAFF;
}

static void evidence(const ledger_match_result *r, uint32_t i, long min, ev *x) {
    const ledger_row *row = r->recs[i].row;
    x->st = (uint16_t)ledger_zombie_status(row->val[LF_STATUS]);
    x->note = 0;
    if (r->info[i].note_status) {   /* rare: parse the name again for the note's own words */
        ledger_norm_name nm;
        ledger_norm_name_parse(row->val[LF_NAME], &nm);
        x->note = (uint16_t)ledger_zombie_status(nm.status_note);
    }
    x->count = (uint8_t)count_kind(row->val[LF_EMPLOYEES], min);
    x->noprem = (uint8_t)says_no(row->val[LF_PREMISES]);
    x->noop = (uint8_t)says_no(row->val[LF_OPERATING]);
}

/* A record says struck off (its status or its name's note) / registered and alive. */
static int struck(const ev *x) { return ((x->st | x->note) & LEDGER_ZS_STRUCK) != 0; }
static int live(const ev *x) { return !struck(x) && (x->st & LEDGER_ZS_LIVE); }

/* What the records of one entity add up to (one per entity: kept small). */
typedef struct tally {
    uint32_t struck, live, zero, staff, blank;
    uint16_t any;              /* LEDGER_ZS_* of every status and note */
    uint8_t noprem, noop;
} tally;

static void tally_add(tally *t, const ev *x) {
    t->struck += struck(x);
    t->live += live(x);
    t->zero += x->count == C_ZERO;
    t->staff += x->count == C_STAFF;
    t->blank += x->count == C_NONE;
    t->any = (uint16_t)(t->any | x->st | x->note);
    t->noprem |= x->noprem;
    t->noop |= x->noop;
}

/* ---- reasons ----------------------------------------------------------------------- */

typedef struct writer {
    buf *b;
    const ledger_match_result *r;
    const char *const *names;
    const uint32_t *m;         /* the entity's records */
    const ev *x;
    uint32_t n;
    int definite;              /* removed anyway: no "待实地核查" on its other reasons */
} writer;

static void sep(writer *w) {
    if (w->b->len) buf_puts(w->b, "；");
}

/* "02-网信办.csv 第 17 行、06-思明区摸排.csv 第 40 行" for the records where
 * pick() holds; with value, each followed by "填 N" (its head count). */
static void list(writer *w, int (*pick)(const ev *), int value) {
    int k = 0;
    for (uint32_t j = 0; j < w->n; j++) {
        if (!pick(&w->x[j])) continue;
        const ledger_row *row = w->r->recs[w->m[j]].row;
        const char *src = w->names ? w->names[w->r->recs[w->m[j]].source] : "";
        buf_printf(w->b, "%s%s 第 %d 行", k++ ? "、" : "", src, row->row);
        if (value) buf_printf(w->b, "填 %s", row->val[LF_EMPLOYEES]);
    }
}

static int p_revoked(const ev *x) { return (x->st & LEDGER_ZS_REVOKED) != 0; }
static int p_cancelled(const ev *x) { return (x->st & LEDGER_ZS_CANCELLED) != 0; }
static int p_withdrawn(const ev *x) { return (x->st & LEDGER_ZS_WITHDRAWN) != 0; }
static int p_note(const ev *x) { return (x->note & LEDGER_ZS_STRUCK) != 0; }
static int p_struck(const ev *x) { return struck(x); }
static int p_live(const ev *x) { return live(x); }
static int p_zero(const ev *x) { return x->count == C_ZERO; }
static int p_staff(const ev *x) { return x->count == C_STAFF; }
static int p_noprem(const ev *x) { return x->noprem; }
static int p_noop(const ev *x) { return x->noop; }
static int p_pending(const ev *x) { return !struck(x) && ((x->st | x->note) & LEDGER_ZS_PENDING); }
static int p_suspended(const ev *x) { return ((x->st | x->note) & LEDGER_ZS_SUSPENDED) != 0; }
static int p_winding(const ev *x) { return ((x->st | x->note) & LEDGER_ZS_WINDING) != 0; }
static int p_moved(const ev *x) { return ((x->st | x->note) & LEDGER_ZS_MOVED) != 0; }
static int p_abnormal(const ev *x) { return ((x->st | x->note) & LEDGER_ZS_ABNORMAL) != 0; }

/* "what（records）" when any record fits. */
static void said(writer *w, const char *what, int (*pick)(const ev *), const char *after) {
    for (uint32_t j = 0; j < w->n; j++)
        if (pick(&w->x[j])) {
            sep(w);
            buf_printf(w->b, "%s（", what);
            list(w, pick, 0);
            buf_printf(w->b, "）%s", after);
            return;
        }
}

/* The registration status: decided when the struck-off records outnumber
 * those saying it is alive, else a contradiction for the field visit. */
static void status_reason(writer *w, const tally *t) {
    if (!t->struck) return;
    if (t->struck > t->live) {
        said(w, "登记状态为吊销", p_revoked, "");
        said(w, "登记状态为注销", p_cancelled, "");
        said(w, "登记状态为撤销", p_withdrawn, "");
        said(w, "名称中注明已注销或吊销", p_note, "");
        if (t->live) {
            buf_printf(w->b, "，另有 %u 条记录登记状态为存续（", t->live);
            list(w, p_live, 0);
            buf_printf(w->b, "），少于注明吊销或注销的 %u 条，以多数为准", t->struck);
        }
        return;
    }
    sep(w);
    buf_printf(w->b, "登记状态不一致%s：吊销或注销 ", w->definite ? "" : "（待实地核查）");
    list(w, p_struck, 0);
    buf_puts(w->b, "，存续 ");
    list(w, p_live, 0);
}

/* The head counts: nobody when every count given is below the minimum,
 * a contradiction for the field visit when others give more. */
static void count_reason(writer *w, const tally *t, long min) {
    if (!t->zero) return;
    sep(w);
    if (!t->staff) {
        if (min <= 1) buf_puts(w->b, "无从业人员：从业人数 ");
        else buf_printf(w->b, "从业人员不足 %ld 人：从业人数 ", min);
        list(w, p_zero, 1);
        buf_puts(w->b, "，没有台账填报更多人数");
        if (t->blank) buf_printf(w->b, "（另有 %u 条记录未填人数）", t->blank);
        return;
    }
    buf_printf(w->b, "从业人数不一致%s：", w->definite ? "" : "（待实地核查）");
    list(w, p_zero, 1);
    buf_puts(w->b, "，而 ");
    list(w, p_staff, 1);
}

/* Every reason of one entity, in the order a person checks them: the
 * register, the field visit, the head counts, then what only suggests. */
static void reasons(writer *w, const tally *t, long min) {
    status_reason(w, t);
    said(w, "实地核查：无办公场所", p_noprem, "");
    said(w, "实地核查：未正常经营", p_noop, "");
    count_reason(w, t, min);
    const char *visit = w->definite ? "" : "，待实地核查";
    said(w, "登记状态为正在办理注销或吊销", p_pending, visit);
    said(w, "经营状态为停业或歇业", p_suspended, visit);
    said(w, "正在清算", p_winding, visit);
    said(w, "已迁出", p_moved, visit);
    said(w, "列入经营异常名录或状态异常", p_abnormal, visit);
}

/* ---- the entities ------------------------------------------------------------------ */

st ledger_zombie_find(ledger_match_result *r, const char *const *source_names, const ledger_zombie_rules *rules,
                      arena *a, ledger_zombie **out, size_t *n, err *e) {
    ledger_zombie_rules def;
    if (!rules) {
        ledger_zombie_rules_load(&def);
        rules = &def;
    }
    const long min = rules->min_employees;
    const uint32_t *off, *idx;
    st s = ledger_match_members(r, &off, &idx, e);
    if (s) return s;
    uint32_t most = 1;
    for (size_t k = 0; k < r->nentity; k++)
        if (off[k + 1] - off[k] > most) most = off[k + 1] - off[k];
    size_t cap = 64, cnt = 0;
    ledger_zombie *z = malloc(cap * sizeof *z);
    ev *x = malloc(most * sizeof *x);
    tally *t = calloc(r->nentity ? r->nentity : 1, sizeof *t);
    buf b;
    buf_init(&b, 1 << 16);
    if (!z || !x || !t) goto nomem;
    /* Weigh in record order: the rows lie in memory in that order, so a
     * million records are read front to back rather than hopping between
     * tables entity by entity (those cache misses were most of the time). */
    for (size_t i = 0; i < r->nrec; i++) {
        ev v;
        evidence(r, (uint32_t)i, min, &v);
        tally_add(&t[r->entity[i]], &v);
    }
    for (size_t k = 0; k < r->nentity; k++) {
        const tally *tk = &t[k];
        int definite = tk->struck > tk->live || (tk->zero && !tk->staff) || tk->noprem || tk->noop;
        int suspected = tk->struck || tk->zero ||
                        (tk->any & (LEDGER_ZS_PENDING | LEDGER_ZS_SUSPENDED | LEDGER_ZS_WINDING | LEDGER_ZS_MOVED |
                                    LEDGER_ZS_ABNORMAL));
        if (!definite && !suspected) continue;
        /* the few with a finding: their records again, to name them */
        const uint32_t *m = idx + off[k];
        uint32_t nm = off[k + 1] - off[k];
        for (uint32_t j = 0; j < nm; j++) evidence(r, m[j], min, &x[j]);
        buf_reset(&b);
        writer w = {&b, r, source_names, m, x, nm, definite};
        reasons(&w, tk, min);
        if (cnt == cap) {
            ledger_zombie *nz = realloc(z, cap * 2 * sizeof *nz);
            if (!nz) goto nomem;
            z = nz;
            cap *= 2;
        }
        z[cnt].entity = (uint32_t)k;
        z[cnt].definite = definite;
        z[cnt].reasons = arena_strdup(a, b.data ? b.data : "");
        if (!z[cnt].reasons) goto nomem;
        cnt++;
    }
    buf_free(&b);
    free(x);
    free(t);
    *out = arena_alloc(a, (cnt ? cnt : 1) * sizeof **out);
    if (!*out) { free(z); return err_set(e, ST_NOMEM, "内存不足：无法判定僵尸企业"); }
    if (cnt) memcpy(*out, z, cnt * sizeof *z);
    *n = cnt;
    free(z);
    return ST_OK;
nomem:
    buf_free(&b);
    free(x);
    free(t);
    free(z);
    return err_set(e, ST_NOMEM, "内存不足：无法判定僵尸企业");
}
