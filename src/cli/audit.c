/* audit — `ejia audit verify --db DB`: walk the audit trail's hash chain and
 * report the first row that was changed, inserted or removed behind the
 * server's back, and whether the head (the last row's number and hash) still
 * carries its mac — a truncated log with a head rewritten to match shows
 * there.  Exit 0 when intact, 1 when tampered (with the row named), so that a
 * cron job or monitoring can run it; the head's sequence number is printed so
 * such a job can also notice the log moving backwards (a restored backup).
 *
 * `ejia audit seal --db DB`: after the operator has looked into a head
 * without a good mac (a database upgraded from before the mac, or a rewritten
 * head), seal it again.  Refused while the rows themselves do not chain;
 * recorded as an audit.seal row, so it never hides silently. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "base/audit.h"

static int audit_cli_seal(void) {
    db *d = cli_open_db();
    if (!d) return 1;
    err e;
    audit_check c;
    bool sealed = false;
    st s = audit_guard_install(d, &e);
    if (!s) s = audit_seal(d, &c, &sealed, &e);
    db_close(d);
    if (s) return cli_fail(&e);
    if (sealed)
        printf("已重新封存审计链头（第 %lld 条），并记入审计（audit.seal） / audit head sealed\n", (long long)c.head_seq + 1);
    else
        printf("审计链头完好，无需封存 / audit head intact, nothing to do\n");
    return 0;
}

int cli_audit(int argc, char **argv);  /* called from main.c's table */
int cli_audit(int argc, char **argv) {
    const char *sub = argc > 1 ? argv[1] : "";
    if (!strcmp(sub, "seal")) return audit_cli_seal();
    if (strcmp(sub, "verify") != 0) {
        fprintf(stderr, "ejia: 用法：ejia audit verify --db DB\n"
                        "            ejia audit seal --db DB   （核对后重新封存链头，记入审计）\n");
        return 2;
    }
    db *d = cli_open_db();
    if (!d) return 1;
    err e;
    audit_check c;
    st s = audit_verify(d, &c, &e);
    db_close(d);
    if (s) return cli_fail(&e);
    if (c.bad_seq) {
        printf("审计日志已被篡改 / audit trail TAMPERED: 第一处问题在第 %lld 条（seq=%lld）：%s\n", (long long)c.bad_seq,
               (long long)c.bad_seq, c.why);
        return 1;
    }
    printf("审计日志完整 / audit trail intact: %lld 条记录，散列链和链头校验通过（链头第 %lld 条）\n", (long long)c.rows,
           (long long)c.head_seq);
    return 0;
}
