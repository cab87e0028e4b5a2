/* log — one line per event on stderr: ISO time, level, message.
 * Request lines: time, method, path, status, duration, user, address and the
 * request id that the reply carried (log_request). */
#ifndef EJIA_CORE_LOG_H
#define EJIA_CORE_LOG_H

typedef enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_QUIET } log_level;

void log_set_level(log_level l);
log_level log_level_parse(const char *s);   /* "debug".."quiet"; LOG_INFO when unknown */
void log_msg(log_level l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_request(const char *method, const char *path, int status, double ms, const char *user,
                 const char *addr, const char *request_id);

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
