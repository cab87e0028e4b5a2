/* ledger_test — helpers shared by the ledger reader tests: read a fixture
 * from memory, find a column by field, find a problem by row and text. */
#ifndef EJIA_TESTS_LEDGER_TEST_H
#define EJIA_TESTS_LEDGER_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ledger/table.h"

static inline ledger_table *read_bytes(const char *name, const void *data, size_t len, const ledger_read_opts *o,
                                       st *code, err *e) {
    ledger_table *t = NULL;
    err tmp;
    if (!e) e = &tmp;
    memset(e, 0, sizeof *e);
    st r = ledger_table_read_mem(name, data, len, o, &t, e);
    if (code) *code = r;
    return t;
}

/* Column of a field, -1 when not mapped. */
static inline int col_of(const ledger_table *t, ledger_field f) {
    for (int c = 0; c < t->ncols; c++)
        if (t->col_field[c] == f) return c;
    return -1;
}

/* The first problem on data row `row` (0 = file/header) whose message contains `text`. */
static inline const ledger_problem *problem_with(const ledger_table *t, int row, const char *text) {
    for (int i = 0; i < t->nproblems; i++)
        if (t->problems[i].row == row && strstr(t->problems[i].msg, text)) return &t->problems[i];
    return NULL;
}

/* The first problem on data row `row` about exactly this value. */
static inline const ledger_problem *problem_about(const ledger_table *t, int row, const char *value) {
    for (int i = 0; i < t->nproblems; i++)
        if (t->problems[i].row == row && t->problems[i].value && strcmp(t->problems[i].value, value) == 0)
            return &t->problems[i];
    return NULL;
}

static inline int problems_on_row(const ledger_table *t, int row) {
    int n = 0;
    for (int i = 0; i < t->nproblems; i++) n += t->problems[i].row == row;
    return n;
}

/* Write bytes to a file under a fresh temporary directory; returns its path
 * (malloc'd).  A test cannot go on without its fixture: failure aborts. */
static inline char *write_temp(const char *name, const void *data, size_t len) {
    char dir[] = "/tmp/ejia-test-XXXXXX";
    if (!mkdtemp(dir)) abort();
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (!p) abort();
    snprintf(p, n, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    if (!f) abort();
    if (len && fwrite(data, 1, len, f) != len) abort();
    fclose(f);
    return p;
}

/* Remove a file made by write_temp and its directory. */
static inline void remove_temp(char *path) {
    remove(path);
    char *slash = strrchr(path, '/');
    if (slash) { *slash = 0; remove(path); }
    free(path);
}

#endif
