/* ledger_read — `ejia ledger read`: read ledger files and show what was
 * understood (format, encoding, sheet, header, column mapping, rows, problems)
 * without storing anything.  For checking a file before importing it, and the
 * entry point the import benchmark times. */
#ifndef EJIA_CLI_LEDGER_READ_H
#define EJIA_CLI_LEDGER_READ_H

/* argv[0] is the subcommand name ("read"); returns the process exit code:
 * 0 all files read, 1 any file could not be read, 2 usage error. */
int cli_ledger_read(int argc, char **argv);

#endif
