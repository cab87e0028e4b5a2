/* config — see config.h.  Values live in one array parallel to cfg_table;
 * they are set at start-up (single-threaded) and only read afterwards. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CFG_MAX 256
static char *cfg_vals[CFG_MAX];
static int cfg_count = -1;

static int cfg_index(const char *name) {
    for (int i = 0; cfg_table[i].name; i++)
        if (strcmp(cfg_table[i].name, name) == 0) return i;
    return -1;
}

static st cfg_assign(int i, const char *value, const char *origin, err *e) {
    const cfg_def *d = &cfg_table[i];
    if (d->type == CFG_INT || d->type == CFG_NUM) {
        char *end;
        errno = 0;
        double v = strtod(value, &end);
        while (*end && isspace((unsigned char)*end)) end++;
        if (errno || end == value || *end || (d->type == CFG_INT && v != (double)(long)v))
            return err_field(e, ST_INVALID, d->name, "设置 %s（来自%s）的值“%s”不是%s，请改正。",
                             d->name, origin, value, d->type == CFG_INT ? "整数" : "数字");
        if (v < d->min || v > d->max)
            return err_field(e, ST_INVALID, d->name,
                             "设置 %s（来自%s）的值 %s 超出范围 %g–%g，请改正。", d->name, origin,
                             value, d->min, d->max);
    } else if (d->type == CFG_BOOL) {
        if (strcmp(value, "true") && strcmp(value, "false") && strcmp(value, "1") &&
            strcmp(value, "0") && strcmp(value, "yes") && strcmp(value, "no"))
            return err_field(e, ST_INVALID, d->name,
                             "设置 %s（来自%s）应为 true 或 false，而不是“%s”。", d->name, origin,
                             value);
    }
    char *p = strdup(value);
    if (!p) return err_set(e, ST_NOMEM, "内存不足");
    free(cfg_vals[i]);
    cfg_vals[i] = p;
    return ST_OK;
}

st cfg_set(const char *name, const char *value, err *e) {
    int i = cfg_index(name);
    if (i < 0) return err_field(e, ST_INVALID, name, "未知设置 %s（见 ejia help）。", name);
    return cfg_assign(i, value, "程序", e);
}

static void cfg_reset(void) {
    cfg_free();
    cfg_count = 0;
    for (int i = 0; cfg_table[i].name && i < CFG_MAX; i++, cfg_count++)
        cfg_vals[i] = strdup(cfg_table[i].def ? cfg_table[i].def : "");
}

static char *cfg_trim(char *s) {
    while (isspace((unsigned char)*s)) s++;
    char *t = s + strlen(s);
    while (t > s && isspace((unsigned char)t[-1])) *--t = 0;
    return s;
}

static st cfg_load_file(const char *path, err *e) {
    FILE *f = fopen(path, "r");
    if (!f) return err_set(e, ST_IO, "无法打开配置文件 %s：%s", path, strerror(errno));
    char line[4096];
    int n = 0;
    st s = ST_OK;
    while (!s && fgets(line, sizeof line, f)) {
        n++;
        char *p = cfg_trim(line);
        if (!*p || *p == '#') continue;
        char *eq = strchr(p, '=');
        if (!eq) {
            s = err_set(e, ST_INVALID, "配置文件 %s 第 %d 行应为“名称 = 值”。", path, n);
            break;
        }
        *eq = 0;
        char *k = cfg_trim(p), *v = cfg_trim(eq + 1);
        int i = cfg_index(k);
        if (i < 0) {
            s = err_set(e, ST_INVALID, "配置文件 %s 第 %d 行：未知设置 %s。", path, n, k);
            break;
        }
        char origin[300];
        snprintf(origin, sizeof origin, "配置文件第 %d 行", n);
        s = cfg_assign(i, v, origin, e);
    }
    fclose(f);
    return s;
}

st cfg_load(int *argc, char **argv, err *e) {
    cfg_reset();
    /* The config file comes first so that environment and flags override it. */
    const char *file = getenv("EJIA_CONFIG");
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < *argc) file = argv[i + 1];
        else if (strncmp(argv[i], "--config=", 9) == 0) file = argv[i] + 9;
    }
    if (file && *file) {
        st s = cfg_load_file(file, e);
        if (s) return s;
    }
    for (int i = 0; cfg_table[i].name; i++) {
        char env[128] = "EJIA_";
        size_t k = 5;
        for (const char *c = cfg_table[i].name; *c && k < sizeof env - 1; c++)
            env[k++] = *c == '-' ? '_' : (char)toupper((unsigned char)*c);
        env[k] = 0;
        const char *v = getenv(env);
        if (v) {
            st s = cfg_assign(i, v, env, e);
            if (s) return s;
        }
    }
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        char *a = argv[i];
        if (strncmp(a, "--", 2) != 0 || a[2] == 0) {
            argv[out++] = a;
            continue;
        }
        char name[128];
        const char *val = NULL;
        const char *eq = strchr(a, '=');
        size_t nl = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        if (nl >= sizeof name) nl = sizeof name - 1;
        memcpy(name, a + 2, nl);
        name[nl] = 0;
        if (strcmp(name, "config") == 0) {
            if (!eq) i++;
            continue;
        }
        int idx = cfg_index(name);
        if (idx < 0) {
            argv[out++] = a;  /* the subcommand's own flag */
            continue;
        }
        if (eq) val = eq + 1;
        else if (cfg_table[idx].type == CFG_BOOL &&
                 (i + 1 >= *argc || strncmp(argv[i + 1], "--", 2) == 0))
            val = "true";
        else if (i + 1 < *argc) val = argv[++i];
        else return err_field(e, ST_INVALID, name, "选项 --%s 缺少值。", name);
        st s = cfg_assign(idx, val, "命令行", e);
        if (s) return s;
    }
    argv[out] = NULL;
    *argc = out;
    return ST_OK;
}

static const char *cfg_get(const char *name) {
    if (cfg_count < 0) cfg_reset();
    int i = cfg_index(name);
    if (i < 0) {
        fprintf(stderr, "ejia: bug: unknown setting %s\n", name);
        abort();
    }
    return cfg_vals[i] ? cfg_vals[i] : "";
}

const char *cfg_str(const char *name) { return cfg_get(name); }
long cfg_int(const char *name) { return strtol(cfg_get(name), NULL, 10); }
double cfg_num(const char *name) { return strtod(cfg_get(name), NULL); }
bool cfg_bool(const char *name) {
    const char *v = cfg_get(name);
    return strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcmp(v, "yes") == 0;
}

void cfg_print_help(void) {
    const char *group = "";
    for (int i = 0; cfg_table[i].name; i++) {
        const cfg_def *d = &cfg_table[i];
        if (strcmp(group, d->group) != 0) {
            group = d->group;
            printf("\n%s:\n", group);
        }
        char env[128] = "EJIA_";
        size_t k = 5;
        for (const char *c = d->name; *c && k < sizeof env - 1; c++)
            env[k++] = *c == '-' ? '_' : (char)toupper((unsigned char)*c);
        env[k] = 0;
        printf("  --%-24s %s\n  %-26s 默认 default: %s   环境变量 env: %s\n", d->name, d->help, "",
               d->def && *d->def ? d->def : "(空)", env);
    }
}

void cfg_free(void) {
    for (int i = 0; i < CFG_MAX; i++) {
        free(cfg_vals[i]);
        cfg_vals[i] = NULL;
    }
    cfg_count = -1;
}
