/* common — small helpers shared by the subcommands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "core/config.h"

db *cli_open_db(void) {
    err e;
    err_clear(&e);
    db *d = NULL;
    int applied = 0;
    if (db_open(cfg_str("db"), &d, &e) || db_migrate(d, &applied, &e)) {
        cli_fail(&e);
        db_close(d);
        return NULL;
    }
    return d;
}

int cli_fail(const err *e) {
    fprintf(stderr, "ejia: %s%s%s%s\n", e->msg, e->where[0] ? "（位置：" : "", e->where,
            e->where[0] ? "）" : "");
    return e->code == ST_INVALID ? 2 : 1;
}

const char *cli_flag(int argc, char **argv, const char *name) {
    size_t n = strlen(name);
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) || strncmp(argv[i] + 2, name, n)) continue;
        if (argv[i][2 + n] == '=') return argv[i] + 3 + n;
        if (argv[i][2 + n] == 0 && i + 1 < argc) return argv[i + 1];
    }
    return NULL;
}

int cli_has(int argc, char **argv, const char *name) {
    size_t n = strlen(name);
    for (int i = 1; i < argc; i++)
        if (!strncmp(argv[i], "--", 2) && !strncmp(argv[i] + 2, name, n) && argv[i][2 + n] == 0) return 1;
    return 0;
}
