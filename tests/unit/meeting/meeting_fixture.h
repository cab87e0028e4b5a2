/* meeting_fixture — what the store tests of meetings, their photos and the
 * notices share on top of org_fixture.h: the server's clock set to 10:00
 * China time tomorrow (whatever hour the test runs, a meeting of "today" is
 * planned, held and checked in at a fixed time of day), a branch of one
 * enterprise, and today as the server sees it.  Include after
 * org/org_fixture.h. */
#ifndef EJIA_TEST_MEETING_FIXTURE_H
#define EJIA_TEST_MEETING_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "core/config.h"
#include "meeting/meeting.h"
#include "org/org_store.h"

static char mfx_clock_path[80];

/* The test clock file (/tmp/ejia-<name>-clock-<pid>) at 10:00 tomorrow; 0, or -1 when it cannot be written. */
static inline int mfx_clock_setup(const char *name) {
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    snprintf(mfx_clock_path, sizeof mfx_clock_path, "/tmp/ejia-%s-clock-%d", name, (int)getpid());
    char today[11], tomorrow[11];
    clock_day(time(NULL), today);
    meeting_day_add(today, 1, tomorrow);
    FILE *f = fopen(mfx_clock_path, "w");
    if (!f) return -1;
    fprintf(f, "%lld\n", (long long)(meeting_epoch(tomorrow, "10:00") - (int64_t)time(NULL)));
    fclose(f);
    err e;
    return cfg_set("test-clock-file", mfx_clock_path, &e) ? -1 : 0;
}

static inline void mfx_clock_done(void) { unlink(mfx_clock_path); }

/* A 党支部 of the fixture's enterprise ent, established 2018-01-02. */
static inline int64_t mfx_branch(fx *x, const char *name, char ent) {
    int64_t e0 = fx_ent(x, ent), id = 0;
    org_new o = {.name = name, .kind = "党支部", .day = "2018-01-02", .enterprises = &e0, .n_enterprises = 1, .approved = true};
    err e;
    if (org_store_create(&x->c, &o, &id, &e)) fail_msg("org %s: %s", name, e.msg);
    return id;
}

/* The server's day (the test clock's). */
static inline const char *mfx_today(void) {
    static char d[11];
    clock_day(clock_now(), d);
    return d;
}

#endif
