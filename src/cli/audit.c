/* audit — `ejia audit verify --db DB`: walk the audit trail's hash chain and
 * report the first row that was changed, inserted or removed behind the
 * server's back.  Exit 0 when intact, 1 when tampered (with the row named),
 * so that a cron job or monitoring can run it. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "auth/audit.h"

int cli_audit(int argc, char **argv);  /* called from main.c's table */
int cli_audit(int argc, char **argv) {
    const char *sub = argc > 1 ? argv[1] : "";
    if (strcmp(sub, "verify") != 0) {
        fprintf(stderr, "ejia: 用法：ejia audit verify --db DB\n");
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
    printf("审计日志完整 / audit trail intact: %lld 条记录，散列链校验通过\n", (long long)c.rows);
    return 0;
}
