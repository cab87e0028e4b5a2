/* volunteer — the pure rules (volunteer.h). */
#include "volunteer/volunteer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "meeting/meeting.h"

double volunteer_length(const char *start, const char *end) {
    if (!meeting_time_ok(start) || !meeting_time_ok(end)) return 0;
    int a = atoi(start) * 60 + atoi(start + 3), b = atoi(end) * 60 + atoi(end + 3);
    if (b <= a) return 0;
    return round((b - a) * 100.0 / 60.0) / 100.0;
}

bool volunteer_hours_ok(double h, double max) {
    if (!(h > 0) || h > max) return false;
    double c = h * 100.0;
    return fabs(c - round(c)) < 1e-6;
}

bool volunteer_owner_ok(const char *kind) { return kind && (!strcmp(kind, "org") || !strcmp(kind, "park")); }

int64_t volunteer_left(int64_t places, int64_t taken) { return places > taken ? places - taken : 0; }
