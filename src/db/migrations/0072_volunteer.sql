-- 0072 volunteers (志愿服务, issue 18): teams of an organization (an
-- enterprise's) or of a park, the members who join them, their activities
-- with places to sign up for, check-in with the meetings' QR codes, and the
-- hours the organizer confirms (written to the activity log as
-- "volunteer.hours", which the points rule of that kind counts).

-- A team sits where its owner is: the organization's district, park and path,
-- or the park (and the park's district) for a park's team.
CREATE TABLE volunteer_team (
    id {{ID}},
    name TEXT NOT NULL,
    owner_kind TEXT NOT NULL CHECK (owner_kind IN ('org', 'park')),
    org_id BIGINT REFERENCES org(id),
    org_path TEXT,
    district_code TEXT,
    park_code TEXT,
    intro TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX volunteer_team_org ON volunteer_team(org_id);

-- Members of a team (they join themselves).
CREATE TABLE volunteer_member (
    team_id BIGINT NOT NULL REFERENCES volunteer_team(id),
    person_id BIGINT NOT NULL REFERENCES person(id),
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (team_id, person_id)
);
CREATE INDEX volunteer_member_person ON volunteer_member(person_id);

-- An activity: its day and times (starts_at/ends_at in seconds, the check-in
-- window), place, places available and taken (taken is raised only while
-- below places, in one UPDATE: the last place goes to one sign-up only),
-- its length in hours (the default of each attendee's confirmed hours).
CREATE TABLE volunteer_activity (
    id {{ID}},
    team_id BIGINT NOT NULL REFERENCES volunteer_team(id),
    title TEXT NOT NULL,
    day TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    place TEXT NOT NULL,
    places INTEGER NOT NULL,
    taken INTEGER NOT NULL DEFAULT 0,
    hours DOUBLE PRECISION NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'cancelled')),
    cancel_reason TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX volunteer_activity_day ON volunteer_activity(day, id);
CREATE INDEX volunteer_activity_team ON volunteer_activity(team_id, day);

-- A sign-up (a cancelled one is deleted: its place is free again), its
-- check-in and the hours confirmed once by the organizer.
CREATE TABLE volunteer_signup (
    activity_id BIGINT NOT NULL REFERENCES volunteer_activity(id),
    person_id BIGINT NOT NULL REFERENCES person(id),
    signed_at BIGINT NOT NULL,
    checked_in_at BIGINT,
    hours DOUBLE PRECISION,
    confirmed_at BIGINT,
    confirmed_by TEXT,
    PRIMARY KEY (activity_id, person_id)
);
CREATE INDEX volunteer_signup_person ON volunteer_signup(person_id);
