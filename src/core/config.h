/* config — one declarative table of settings feeding flags, the environment
 * (EJIA_NAME with '-' → '_'), an optional config file (name = value lines,
 * '#' comments) and `ejia help`.  Precedence: flag > environment > file > default.
 *
 * Every tunable number of the system (limits, timeouts, party rules) is a row
 * in config_table.c; code reads it with cfg_int()/cfg_str()/cfg_bool(). */
#ifndef EJIA_CORE_CONFIG_H
#define EJIA_CORE_CONFIG_H

#include <stdbool.h>
#include "err.h"

typedef enum cfg_type { CFG_STR, CFG_INT, CFG_BOOL, CFG_NUM } cfg_type;

typedef struct cfg_def {
    const char *name;      /* flag name without "--", e.g. "port" */
    cfg_type type;
    double min, max;       /* bounds for INT/NUM */
    const char *def;       /* default, as text */
    const char *group;     /* "服务器", "数据库", ... for help */
    const char *help;      /* Chinese first, then English */
} cfg_def;

extern const cfg_def cfg_table[];   /* NULL-terminated, config_table.c */

/* Reset to defaults, then apply config file (EJIA_CONFIG or --config), the
 * environment and the flags in argv.  Flags that are settings are removed
 * from argv (argc updated); other arguments are left for the subcommand.
 * Fails on a bad value (out of bounds, not a number) naming the setting. */
st cfg_load(int *argc, char **argv, err *e);
/* Set one value (tests, subcommands); validated like the others. */
st cfg_set(const char *name, const char *value, err *e);

const char *cfg_str(const char *name);
long cfg_int(const char *name);
double cfg_num(const char *name);
bool cfg_bool(const char *name);

/* Print the settings table (for `ejia help`). */
void cfg_print_help(void);
void cfg_free(void);

#endif
