/* log — see log.h.  Lines are formatted whole and written with one write() so
 * that lines from the server's threads do not interleave. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static log_level cur_level = LOG_INFO;
static const char *level_names[] = {"debug", "info", "warn", "error", "quiet"};

void log_set_level(log_level l) { cur_level = l; }

log_level log_level_parse(const char *s) {
    for (int i = 0; i <= LOG_QUIET; i++)
        if (s && strcmp(s, level_names[i]) == 0) return (log_level)i;
    return LOG_INFO;
}

static size_t log_stamp(char *out, size_t n) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    size_t k = strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
    k += (size_t)snprintf(out + k, n - k, ".%03dZ", (int)(tv.tv_usec / 1000));
    return k;
}

static void log_write(char *line, size_t len, size_t cap) {
    if (len >= cap - 1) len = cap - 2;
    line[len++] = '\n';
    ssize_t r = write(STDERR_FILENO, line, len);
    (void)r;
}

void log_msg(log_level l, const char *fmt, ...) {
    if (l < cur_level) return;
    char line[2048];
    size_t k = log_stamp(line, sizeof line);
    k += (size_t)snprintf(line + k, sizeof line - k, " %s ", level_names[l]);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line + k, sizeof line - k, fmt, ap);
    va_end(ap);
    if (n > 0) k += (size_t)n;
    log_write(line, k > sizeof line - 1 ? sizeof line - 1 : k, sizeof line);
}

void log_request(const char *method, const char *path, int status, double ms, const char *user,
                 const char *addr, const char *request_id) {
    if (LOG_INFO < cur_level) return;
    char line[2048];
    size_t k = log_stamp(line, sizeof line);
    int n = snprintf(line + k, sizeof line - k, " req %s %s %d %.1fms user=%s addr=%s id=%s", method,
                     path, status, ms, user && *user ? user : "-", addr ? addr : "-",
                     request_id && *request_id ? request_id : "-");
    if (n > 0) k += (size_t)n;
    log_write(line, k > sizeof line - 1 ? sizeof line - 1 : k, sizeof line);
}
