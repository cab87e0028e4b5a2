-- 0070 党群服务中心 and the 10-minute circle (issue 19): the centers, their
-- rooms, and the rooms' bookings by organizations.
--   center: a place the city or a district keeps: name, address, hours,
--     facilities, contact; its coordinate in millionths of a degree as the map
--     keeps them (src/map: source 'form' = picked on the map or typed), or none
--     — then it is drawn at its district's centroid, labelled 近似位置
--     ('centroid', worked out when read, as the map does for enterprises).
--   center_room: a room of a center (name, seats, what it has).
--   center_booking: an organization books a room for a day and a time span
--     (HH:MM, end after start); two live bookings of a room never overlap
--     (the store refuses, holding the room's row while it checks).
CREATE TABLE center (
    id {{ID}},
    name TEXT NOT NULL,
    district_code TEXT NOT NULL REFERENCES region(code),
    address TEXT NOT NULL,
    lng_e6 BIGINT,
    lat_e6 BIGINT,
    hours TEXT,
    facilities TEXT,
    contact TEXT,
    phone TEXT,
    closed_on TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX center_district ON center(district_code);

CREATE TABLE center_room (
    id {{ID}},
    center_id BIGINT NOT NULL REFERENCES center(id),
    name TEXT NOT NULL,
    seats INTEGER NOT NULL DEFAULT 0,
    equipment TEXT,
    bookable INTEGER NOT NULL DEFAULT 1,
    booked_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX center_room_center ON center_room(center_id);

CREATE TABLE center_booking (
    id {{ID}},
    room_id BIGINT NOT NULL REFERENCES center_room(id),
    center_id BIGINT NOT NULL REFERENCES center(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    day TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    purpose TEXT NOT NULL,
    attendees INTEGER NOT NULL DEFAULT 0,
    -- displaced: a higher star level asked for an overlapping span while the day was still in its
    -- priority period (center-priority-days); displaced_by names that booking
    state TEXT NOT NULL CHECK (state IN ('booked', 'cancelled', 'displaced')),
    booked_by TEXT NOT NULL,
    booked_at BIGINT NOT NULL DEFAULT 0,
    star_level INTEGER NOT NULL DEFAULT 0,   -- the organization's published stars when it booked (0 = none)
    cancelled_by TEXT,
    cancelled_at BIGINT,
    displaced_by BIGINT REFERENCES center_booking(id)
);
CREATE INDEX center_booking_room ON center_booking(room_id, day);
CREATE INDEX center_booking_org ON center_booking(org_id, day);
