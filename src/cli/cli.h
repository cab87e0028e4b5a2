/* cli — the subcommands of `ejia`.  Each is one function taking the
 * arguments left after the settings (core/config) took theirs; each lives in
 * its own file; main.c holds the table. */
#ifndef EJIA_CLI_CLI_H
#define EJIA_CLI_CLI_H

#include "core/err.h"
#include "db/db.h"

typedef struct cli_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *usage;   /* "ejia serve [--port N] ..." */
    const char *help;    /* Chinese, then English */
} cli_cmd;

int cli_serve(int argc, char **argv);
int cli_migrate(int argc, char **argv);
int cli_backup(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_ledger(int argc, char **argv);
int cli_ledger_read(int argc, char **argv);
int cli_ledger_import(int argc, char **argv);
int cli_ledger_match(int argc, char **argv);
int cli_ledger_explain(int argc, char **argv);
int cli_ledger_round(int argc, char **argv);
int cli_ledger_diff(int argc, char **argv);
int cli_ledger_export(int argc, char **argv);
int cli_ledger_review(int argc, char **argv);
int cli_ledger_verify_template(int argc, char **argv);
int cli_ledger_verify_import(int argc, char **argv);
int cli_member(int argc, char **argv);
int cli_dues(int argc, char **argv);
int cli_points(int argc, char **argv);
int cli_doctor(int argc, char **argv);
int cli_center(int argc, char **argv);   /* 十分钟服务圈 (issue 19) */

/* Open the database from the "db" setting and migrate it; prints the error and
 * returns NULL on failure. */
db *cli_open_db(void);
/* The connections one server opens: db-pool, or the threads plus one (serve, doctor). */
int cli_pool_size(void);
/* Data written by older versions brought up to this one (personal data
 * sealed); run by serve and migrate after the schema migrations. */
st cli_data_upgrade(db *d, err *e);
/* Print "ejia: <message>" for an error; returns the exit code 1 (2 for usage). */
int cli_fail(const err *e);
/* A command that takes no arguments of its own refuses any left after the
   settings were read (a mistyped --setting would otherwise be ignored
   silently): 0 when none, else the message printed and 2. */
int cli_no_args(const char *cmd, int argc, char **argv);
/* Value of "--name VALUE" or "--name=VALUE" among argv (subcommand flags). */
const char *cli_flag(int argc, char **argv, const char *name);
int cli_has(int argc, char **argv, const char *name);

#endif
