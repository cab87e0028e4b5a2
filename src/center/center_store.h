/* center_store — 党群服务中心 in the database (migration 0070; issue 19).
 * All of the module's SQL is here; every write is one audited use case
 * (base/uc.h): a center created (center.create) or edited (center.update), a
 * room added (center.room.add), a room booked (center.book) or a booking
 * cancelled (center.booking.cancel).  JSON handed back belongs to the use
 * case's arena (never json_decref it).  The rules are in center.h.
 *
 * Centers are public places: every holder of center.read sees every center
 * and its rooms' bookings (which organization, when).  A center sits in its
 * district (center.write: the city, or the district office for its own). */
#ifndef EJIA_CENTER_CENTER_STORE_H
#define EJIA_CENTER_CENTER_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "auth/scope.h"
#include "base/uc.h"
#include "center/center.h"
#include "core/err.h"

/* A center's fields.  For an edit NULL strings are left as they are;
 * has_coord false leaves the coordinate, clear_coord drops it (then the map
 * draws the district's centroid, labelled 近似位置). */
typedef struct center_in {
    const char *name, *district_code, *address, *hours, *facilities, *contact, *phone, *closed_on;
    bool has_coord, clear_coord;
    int64_t lng_e6, lat_e6;
} center_in;
st center_store_create(uc *c, const center_in *x, int64_t *id, err *e);
st center_store_update(uc *c, int64_t id, const center_in *x, err *e);

typedef struct center_room_in {
    const char *name, *equipment;
    int64_t seats;
} center_room_in;
st center_store_room_add(uc *c, int64_t center_id, const center_room_in *x, int64_t *room_id, err *e);

/* One center: its fields, place ({lng_e6, lat_e6, source: form|centroid,
 * approx}), rooms, and the live bookings from `from_day` on (each with the
 * organization's name); may_write for the caller. */
st center_store_get(uc *c, int64_t id, const char *from_day, json_t **out, err *e);

typedef struct center_filter { const char *district, *q; bool closed; } center_filter;
/* Every center (public), with its district's name, rooms and seats. */
st center_store_list(uc *c, const center_filter *f, json_t **items, err *e);

typedef struct center_booking_in {
    int64_t room_id, org_id, attendees;
    const char *day, *start, *end, *purpose;
} center_booking_in;
/* Book a room of the center (audited "center.book"): the room open for
 * booking, the center not closed, the day from today to
 * center-booking-days-ahead days on, HH:MM with the end after the start;
 * refused (ST_CONFLICT, in Chinese naming the booking in the way) when a live
 * booking of the room overlaps — who holds a span is center_claim_cmp. */
st center_store_book(uc *c, int64_t center_id, const center_booking_in *x, int64_t *id, err *e);
/* Cancel a live booking not yet past (audited "center.booking.cancel"). */
st center_store_cancel(uc *c, int64_t booking_id, err *e);
/* An organization's bookings from `from_day` on (live and cancelled). */
st center_store_of_org(uc *c, int64_t org_id, const char *from_day, json_t **items, err *e);

/* ---- the circle ---- */

/* The centers' places (open ones): [{id, name, district_code, lng_e6, lat_e6,
 * source}] — a coordinate, else the district's centroid ('centroid'). */
st center_store_places(uc *c, json_t **items, err *e);

/* The circle over the caller's enterprises: options from the settings
 * unless given (> 0).  k: how many new centers to suggest (0 = none);
 * extra: centers to try (not saved), each counted like a center. */
typedef struct center_circle_opt {
    double minutes, speed, detour;
    int64_t k;
    const center_pt *extra;
    size_t n_extra;
    bool with_points;          /* add the enterprises' points (for the map) */
    bool plain;                /* every enterprise against every center (the bench's peer) */
} center_circle_opt;
/* {settings, radius_m, estimate note, totals, districts: [{code, name,
 * enterprises, located, covered, share, members, members_covered,
 * members_share}], suggestions: [{lng_e6, lat_e6, enterprises, members,
 * district_code}], points?: [[id, lng, lat, covered]]}.  Enterprises are the
 * registry's inside the caller's scope; an enterprise counts as located only
 * with a coordinate of its own (ledger or form) — one drawn at a centroid
 * is never counted as covered; members by their enterprise (person's
 * employer, current members). */
/* "timing": {load_s, circle_s, suggest_s} — seconds of the reads, the
 * circle and the suggestion (bench/circle). */
st center_store_circle(uc *c, const center_circle_opt *o, json_t **out, err *e);

/* The map layer "centers" (src/app/map_layers.c): {kind: points, fields:
 * [id, name, type, lng_e6, lat_e6, source, radius_m], rows}. */
st center_map_layer(uc *c, const char *day, json_t **out, err *e);

/* The map layer "circle-gaps": the greedy suggestion of new centers over
 * the caller's uncovered enterprises (k = circle-suggest-max): {kind:
 * points, fields: [id (rank), name, type, lng_e6, lat_e6, source,
 * enterprises, members], rows}. */
st center_gaps_layer(uc *c, const char *day, json_t **out, err *e);

/* Where its objects sit: a center in its district; a booking where its
 * organization is. */
extern const scope_resolver center_scope_resolvers[];

#endif
