/* read_xls — legacy Excel 97–2003 (.xls, BIFF in an OLE2 file) through freexl.
 *
 * freexl decodes the whole workbook on open and hands out cells by row and
 * column; text comes back as UTF-8 whatever code page the file used (GBK
 * files from Chinese Excel included).  Dates are formatted by freexl; plain
 * numbers are written as Excel shows them.  Sheet choice is the same as for
 * xlsx: the named one, else the first sheet whose top rows hold a header.
 *
 * Isolation: fuzzing found freexl 1.0.6 reading past its own stack buffers on
 * crafted files (inside freexl_open, before we see any cell).  We cannot fix
 * the library, so it runs in a forked child that sends the rows back over a
 * pipe; if the child dies, times out or sends garbage, the file is reported
 * as damaged and the server process is untouched.  The child only decodes;
 * header detection and cleaning stay in the parent. */
#include "ledger/read_int.h"

#include <errno.h>
#include <freexl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A hostile header may claim any size; rows beyond Excel's limit are not read. */
#define XLS_MAX_ROWS 1048576u
/* Seconds the child may take before it is killed (a 65,536-row xls takes ~1 s). */
#define XLS_CHILD_SECONDS 120

/* ---- child: decode and send ------------------------------------------- */

typedef struct xrow {
    const char **cells;
    size_t *lens;
    char (*num)[48];   /* formatted numbers, per column */
    unsigned short ncols;
} xrow;

/* Fill r with row `row` of the active sheet; returns the number of cells up
 * to the last non-empty one. */
static int get_row(const void *h, unsigned row, xrow *r) {
    int last = 0;
    for (unsigned short c = 0; c < r->ncols; c++) {
        FreeXL_CellValue v;
        r->cells[c] = "";
        r->lens[c] = 0;
        if (freexl_get_cell_value(h, row, c, &v) != FREEXL_OK) continue;
        const char *s = NULL;
        switch (v.type) {
        case FREEXL_CELL_INT:
            snprintf(r->num[c], sizeof r->num[c], "%d", v.value.int_value);
            s = r->num[c];
            break;
        case FREEXL_CELL_DOUBLE: {
            double d = v.value.double_value;
            if (d == floor(d) && fabs(d) < 1e15) snprintf(r->num[c], sizeof r->num[c], "%.0f", d);
            else snprintf(r->num[c], sizeof r->num[c], "%.15g", d);
            s = r->num[c];
            break;
        }
        case FREEXL_CELL_TEXT: case FREEXL_CELL_SST_TEXT: case FREEXL_CELL_DATE:
        case FREEXL_CELL_DATETIME: case FREEXL_CELL_TIME:
            s = v.value.text_value;
            break;
        default:
            break;
        }
        if (!s || !*s) continue;
        size_t n = strlen(s);
        r->cells[c] = s;
        r->lens[c] = n > LEDGER_CELL_MAX + 4 ? LEDGER_CELL_MAX + 4 : n;
        last = c + 1;
    }
    return last;
}

static const char *why(int rc) {
    switch (rc) {
    case FREEXL_INSUFFICIENT_MEMORY: return "内存不足";
    case FREEXL_INVALID_CFBF_HEADER: return "文件头不对，文件可能被截断或不是 Excel 文件";
    case FREEXL_BIFF_INVALID_BOF: case FREEXL_BIFF_INVALID_SST: return "Excel 数据损坏";
    case FREEXL_INVALID_CHARACTER: return "文字编码无法转换";
    default: return "文件损坏或不是 Excel 97–2003 工作簿";
    }
}

/* Frames on the pipe: one type byte, then
 *   'S' u32 len, name          the chosen sheet
 *   'R' u32 sheet_row, u32 n, n × (u32 len, bytes)
 *   'E' u32 status, u32 len, message
 *   'D'                        done */
static void put_u32(FILE *f, uint32_t v) { fwrite(&v, 4, 1, f); }

static void put_err(FILE *f, st code, const char *msg) {
    fputc('E', f);
    put_u32(f, (uint32_t)code);
    put_u32(f, (uint32_t)strlen(msg));
    fputs(msg, f);
}

/* The workbook opened, or an error frame saying why not; *count sheets. */
static const void *child_open(const char *src, const char *path, unsigned *count, FILE *out) {
    char msg[512];
    const void *h = NULL;
    int rc = freexl_open(path, &h);
    if (rc != FREEXL_OK) {
        snprintf(msg, sizeof msg, "无法读取「%s」：xls 文件打不开（%s）；请用 Excel 打开后另存为 xlsx 再上传", src, why(rc));
        put_err(out, ST_INVALID, msg);
        return NULL;
    }
    unsigned int pw = 0;
    if (freexl_get_info(h, FREEXL_BIFF_PASSWORD, &pw) == FREEXL_OK && pw == FREEXL_BIFF_OBFUSCATED) {
        snprintf(msg, sizeof msg, "无法读取「%s」：xls 文件有密码保护；请去掉密码后另存再上传", src);
        put_err(out, ST_INVALID, msg);
        return NULL;
    }
    *count = 0;
    if (freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, count) != FREEXL_OK || *count == 0) {
        snprintf(msg, sizeof msg, "无法读取「%s」：xls 文件里没有工作表；请用 Excel 打开检查", src);
        put_err(out, ST_INVALID, msg);
        return NULL;
    }
    if (*count > 1024) *count = 1024;
    return h;
}

/* The sheet to read: the one named, else the first whose top rows look like
 * a ledger's header, else the first with anything in it; -1 (and an error
 * frame) when the named sheet is missing. */
static int child_sheet(ledger_builder *b, const void *h, unsigned count, xrow *r, FILE *out) {
    int chosen = -1, first_nonempty = -1;
    for (unsigned i = 0; i < count && chosen < 0; i++) {
        const char *name = NULL;
        freexl_get_worksheet_name(h, (unsigned short)i, &name);
        if (b->o->sheet) {
            if (name && strcmp(name, b->o->sheet) == 0) chosen = (int)i;
            continue;
        }
        if (count == 1) return 0;
        unsigned rows = 0;
        unsigned short cols = 0;
        if (freexl_select_active_worksheet(h, (unsigned short)i) != FREEXL_OK ||
            freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK)
            continue;
        r->ncols = cols;
        int seen = 0;
        for (unsigned row = 0; row < rows && seen < LEDGER_HEADER_SCAN; row++) {
            int n = get_row(h, row, r);
            if (!n) continue;
            seen++;
            if (ledger_field_score(b, n, r->cells, r->lens) >= 2) {
                chosen = (int)i;
                break;
            }
        }
        if (seen && first_nonempty < 0) first_nonempty = (int)i;
    }
    if (chosen < 0 && b->o->sheet) {
        char msg[512];
        snprintf(msg, sizeof msg, "「%s」里没有名为「%s」的工作表", b->t->source, b->o->sheet);
        put_err(out, ST_INVALID, msg);
        return -1;
    }
    if (chosen < 0) chosen = first_nonempty >= 0 ? first_nonempty : 0;
    return chosen;
}

/* The chosen sheet's name and rows, then 'D'. */
static void child_send(const char *src, const void *h, int chosen, xrow *r, FILE *out) {
    const char *name = NULL;
    freexl_get_worksheet_name(h, (unsigned short)chosen, &name);
    if (!name) name = "";
    unsigned rows = 0;
    unsigned short cols = 0;
    if (freexl_select_active_worksheet(h, (unsigned short)chosen) != FREEXL_OK ||
        freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "无法读取「%s」：工作表「%s」读不出来；请用 Excel 打开后另存为 xlsx", src, name);
        put_err(out, ST_INVALID, msg);
        return;
    }
    size_t nl = strlen(name) > 255 ? 255 : strlen(name);
    fputc('S', out);
    put_u32(out, (uint32_t)nl);
    fwrite(name, 1, nl, out);
    if (rows > XLS_MAX_ROWS) rows = XLS_MAX_ROWS;
    r->ncols = cols;
    for (unsigned row = 0; row < rows; row++) {
        int n = get_row(h, row, r);
        if (!n) continue;
        fputc('R', out);
        put_u32(out, row + 1);
        put_u32(out, (uint32_t)n);
        for (int c = 0; c < n; c++) {
            put_u32(out, (uint32_t)r->lens[c]);
            fwrite(r->cells[c], 1, r->lens[c], out);
        }
    }
    fputc('D', out);
}

static void child(ledger_builder *b, const char *path, FILE *out) {
    unsigned count = 0;
    const void *h = child_open(b->t->source, path, &count, out);
    if (!h) return;
    xrow r = {0};
    r.cells = calloc(65536, sizeof *r.cells);
    r.lens = calloc(65536, sizeof *r.lens);
    r.num = calloc(65536, sizeof *r.num);
    if (!r.cells || !r.lens || !r.num) {
        put_err(out, ST_NOMEM, "内存不足");
        return;
    }
    int chosen = child_sheet(b, h, count, &r, out);
    if (chosen >= 0) child_send(b->t->source, h, chosen, &r, out);
    /* No frees, no freexl_close: the process ends now. */
}

/* Under a sanitizer (tests, fuzzing) a bad read in freexl is reported and the
 * child dies; the fuzzer's own death hook must not then treat the child's end
 * as the fuzzer's crash.  Weak: absent (NULL) in a normal build. */
extern void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

/* The child starts from a copy of a server: drop its signal handlers, so a
 * fault in freexl ends the child plainly. */
static void child_reset(void) {
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGALRM, SIGPIPE, SIGTERM, SIGINT};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) signal(sigs[i], SIG_DFL);
    if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(NULL);
}

/* ---- parent: receive and build ---------------------------------------- */

static bool get_u32(FILE *f, uint32_t *v) { return fread(v, 4, 1, f) == 1; }

static st receive(ledger_builder *b, FILE *in, bool *done, err *e) {
    const char *src = b->t->source;
    char **cells = NULL;
    size_t *lens = NULL;
    char *data = NULL;
    size_t data_cap = 0;
    st r = ST_OK;
    int type;
    while (!r && (type = fgetc(in)) != EOF) {
        uint32_t a, n;
        if (type == 'D') { *done = true; break; }
        if (type == 'E' && get_u32(in, &a) && get_u32(in, &n) && n < 4096 && a < ST__COUNT) {
            char msg[4096];
            if (fread(msg, 1, n, in) != n) break;
            msg[n] = 0;
            r = err_set(e, (st)a, "%s", msg);
            break;
        }
        if (type == 'S' && get_u32(in, &n) && n < 256) {
            char name[256];
            if (fread(name, 1, n, in) != n) break;
            b->t->sheet = arena_strndup(&b->t->mem, name, n);
            continue;
        }
        if (type != 'R' || !get_u32(in, &a) || !get_u32(in, &n) || n > 65536) break;
        if (!cells) {
            cells = calloc(65536, sizeof *cells);
            lens = calloc(65536, sizeof *lens);
            if (!cells || !lens) { r = err_set(e, ST_NOMEM, "内存不足"); break; }
        }
        /* One buffer for the row: offsets first, pointers once it stops moving. */
        size_t used = 0;
        bool ok = true;
        for (uint32_t c = 0; c < n && ok; c++) {
            uint32_t l;
            if (!get_u32(in, &l) || l > LEDGER_CELL_MAX + 4) { ok = false; break; }
            if (used + l + 1 > data_cap) {
                size_t cap = (used + l + 1) * 2;
                char *d = realloc(data, cap);
                if (!d) { ok = false; break; }
                data = d;
                data_cap = cap;
            }
            if (fread(data + used, 1, l, in) != l) { ok = false; break; }
            lens[c] = l;
            cells[c] = (char *)(uintptr_t)used;
            used += l + 1;
        }
        if (!ok) break;
        for (uint32_t c = 0; c < n; c++) cells[c] = data + (uintptr_t)cells[c];
        bool halt = false;
        r = ledger_builder_row(b, (int)a, (int)n, (const char *const *)cells, lens, &halt, e);
    }
    free(cells);
    free(lens);
    free(data);
    (void)src;
    return r;
}

st ledger_xls_read(ledger_builder *b, const char *path, err *e) {
    const char *src = b->t->source;
    int fds[2];
    if (pipe(fds) < 0) return err_set(e, ST_IO, "无法读取「%s」：%s", src, strerror(errno));
    fflush(NULL);   /* nothing buffered may be written twice */
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return err_set(e, ST_IO, "无法读取「%s」：%s", src, strerror(errno));
    }
    if (pid == 0) {
        close(fds[0]);
        child_reset();
        alarm(XLS_CHILD_SECONDS);
        FILE *out = fdopen(fds[1], "w");
        if (out) {
            setvbuf(out, NULL, _IOFBF, 1 << 16);
            child(b, path, out);
            fflush(out);
        }
        _exit(0);
    }
    close(fds[1]);
    FILE *in = fdopen(fds[0], "r");
    bool done = false;
    st r = in ? receive(b, in, &done, e) : err_set(e, ST_NOMEM, "内存不足");
    if (in) fclose(in);
    else close(fds[0]);
    int status = 0;
    if (r || !done) kill(pid, SIGKILL);   /* we stopped listening: no reason to let it run */
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (r) return r;
    if (!done || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return err_set(e, ST_INVALID, "无法读取「%s」：xls 文件已损坏，读取时出错%s；请用 Excel 打开后另存为 xlsx 再上传", src,
                       WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM ? "（超时）" : "");
    return ST_OK;
}
