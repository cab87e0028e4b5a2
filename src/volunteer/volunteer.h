/* volunteer — 志愿服务 (issue 18): the pure rules of volunteer teams and their
 * activities.  Days, times and the check-in codes are the meetings' own
 * (meeting/meeting.h: meeting_day_ok, meeting_time_ok, meeting_token_*): an
 * activity's code is a meeting token made under the key of another purpose
 * (crypt_subkey "volunteer-checkin"), so one never passes for the other. */
#ifndef EJIA_VOLUNTEER_VOLUNTEER_H
#define EJIA_VOLUNTEER_VOLUNTEER_H

#include <stdbool.h>
#include <stdint.h>

/* An activity's length in hours from "HH:MM" to "HH:MM" of one day, to the
 * hundredth; 0 when end is not after start or a time is malformed. */
double volunteer_length(const char *start, const char *end);

/* Hours an organizer may confirm for one attendee: more than 0, at most max,
 * in hundredths (a quarter of an hour is 0.25). */
bool volunteer_hours_ok(double h, double max);

/* Is the owner kind of a team known ("org": an organization's, e.g. an
 * enterprise's branch; "park": a park's)? */
bool volunteer_owner_ok(const char *kind);

/* Places left of an activity with places and taken (never below 0). */
int64_t volunteer_left(int64_t places, int64_t taken);

#endif
