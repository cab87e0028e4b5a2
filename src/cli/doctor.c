/* doctor — `ejia doctor [--db DB] [--json]`: the settings that matter in
 * production, each with what to change (issue 20).  It opens the database
 * without migrating it and writes nothing, so it may be run against a live
 * deployment; the exit status is 1 when a finding is "bad" (data at risk or
 * ejia cannot run as set), so a monitoring job can call it. */
#include "cli.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/crypt.h"
#include "base/lease.h"
#include "core/config.h"
#include "db/db_doctor.h"

/* The encryption key: without it the sealed fields and the audit chain cannot be read, so it must exist,
   be readable by the server alone, and be backed up apart from the database. */
static void doctor_key(const char *url, json_t *out) {
    char path[1024];
    crypt_key_path(url, path, sizeof path);
    struct stat sb;
    if (stat(path, &sb) != 0) {
        db_doctor_add(out, "加密密钥", path, "bad", "密钥文件不存在：ejia serve 第一次启动时生成；若已有数据，请从备份恢复该文件（key-file 设置指向它）。");
        return;
    }
    bool open_to_others = (sb.st_mode & 077) != 0;
    db_doctor_add(out, "加密密钥", path, open_to_others ? "warn" : "ok",
                  open_to_others ? "其他用户可读：chmod 600 该文件。"
                                 : "单独备份这个文件（不要和数据库放在同一份备份里）：没有它，加密字段和审计链都无法读取。");
}

/* Which server runs the periodic work (base/lease.h): on PostgreSQL the one holding each lease. */
static void doctor_leader(const char *url, json_t *out) {
    static const char *const works[][2] = {{"bulletin", "旬报定时任务"}, {"points", "积分定时计算"}};
    if (strncmp(url, "postgres", 8)) return;   /* SQLite: one server, which leads */
    for (size_t i = 0; i < sizeof works / sizeof *works; i++) {
        char *who = NULL;
        err e;
        err_clear(&e);
        st s = lease_holder(url, works[i][0], &who, &e);
        char value[400];
        snprintf(value, sizeof value, "由 %s 运行", who ? who : "");
        if (!s) db_doctor_add(out, works[i][1], value, "ok", "");
        else db_doctor_add(out, works[i][1], "无服务器负责", "note", e.msg);
        free(who);
    }
}

static const char *doctor_mark(const char *level) {
    if (!strcmp(level, "ok")) return "正常";
    if (!strcmp(level, "note")) return "提示";
    if (!strcmp(level, "warn")) return "注意";
    return "问题";
}

int cli_doctor(int argc, char **argv) {
    bool as_json = cli_has(argc, argv, "json");
    err e;
    err_clear(&e);
    /* opening a SQLite path that is not there would create an empty database: say so instead */
    const char *url = cfg_str("db");
    const char *file = !strncmp(url, "sqlite:", 7) ? url + 7 : url;
    if (strncmp(url, "postgres", 8) && access(file, F_OK) != 0) {
        err_set(&e, ST_NOT_FOUND, "数据库文件 %s 不存在：请用 --db 指向服务器正在用的数据库（ejia serve 的 --db 设置）。", file);
        return cli_fail(&e);
    }
    db *d = NULL;
    if (db_open(url, &d, &e)) {
        db_close(d);
        return cli_fail(&e);
    }
    json_t *out = json_array();
    st s = db_doctor(d, cli_pool_size(), out, &e);
    if (!s) doctor_key(db_url(d), out);
    if (!s) doctor_leader(db_url(d), out);
    db_close(d);
    if (s) {
        json_decref(out);
        return cli_fail(&e);
    }
    int bad = 0;
    size_t i;
    json_t *f;
    json_array_foreach(out, i, f) bad += !strcmp(json_string_value(json_object_get(f, "level")), "bad");
    if (as_json) {
        char *txt = json_dumps(out, JSON_INDENT(2));
        printf("%s\n", txt);
        free(txt);
    } else {
        json_array_foreach(out, i, f) {
            const char *adv = json_string_value(json_object_get(f, "advice"));
            printf("[%s] %s：%s%s%s\n", doctor_mark(json_string_value(json_object_get(f, "level"))),
                   json_string_value(json_object_get(f, "item")), json_string_value(json_object_get(f, "value")), *adv ? "\n       " : "", adv);
        }
        printf(bad ? "\n%d 项问题需要处理。\n" : "\n没有需要立即处理的问题。\n", bad);
    }
    json_decref(out);
    return bad ? 1 : 0;
}
