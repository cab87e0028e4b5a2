-- 0043 organizational life (三会一课 and 主题党日): meetings planned and held,
-- the members expected at each (the roll of its day) with their leave and
-- attendance, and the amendments made to a record after it locked.
--
-- A meeting keeps its organization's place (path, district, park) so that a
-- district's list and the city's compliance roll-up are one indexed range, as
-- the registry does.  Days are 'YYYY-MM-DD' text, times 'HH:MM' local (China);
-- starts_at and ends_at are the same instants in epoch seconds, for the
-- check-in window.

CREATE TABLE meeting (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    district_code TEXT,
    park_code TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('支部党员大会', '支委会', '党小组会', '党课', '主题党日', '组织生活会',
                                       '民主评议党员', '谈心谈话')),
    state TEXT NOT NULL CHECK (state IN ('planned', 'held')),
    day TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    place TEXT,
    online_url TEXT,
    topic TEXT,
    minutes TEXT,
    decisions TEXT,
    quorum INTEGER,                           -- 支部党员大会 when held: 1 more than half of 正式党员 present, else 0
    proposed INTEGER NOT NULL DEFAULT 0,      -- 1 = made by "propose my year"
    created_by TEXT,
    created_at BIGINT NOT NULL DEFAULT 0,
    held_at BIGINT,                           -- when the record was first made
    updated_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX meeting_org ON meeting(org_id, day);
CREATE INDEX meeting_path ON meeting(org_path, day);
CREATE INDEX meeting_district ON meeting(district_code, day);
CREATE INDEX meeting_park ON meeting(park_code, day);

-- Everyone expected at a meeting: the organization's roll on its day
-- (member_store_roll), with category as of that day (the quorum counts
-- 正式党员), their leave and their attendance.
CREATE TABLE meeting_attendee (
    meeting_id BIGINT NOT NULL REFERENCES meeting(id),
    person_id BIGINT NOT NULL REFERENCES person(id),
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'expected' CHECK (status IN ('expected', 'present', 'online', 'leave', 'absent')),
    checked_in_at BIGINT,                     -- a phone check-in: once per member per meeting
    leave_state TEXT CHECK (leave_state IN ('requested', 'approved', 'refused')),
    leave_reason TEXT,
    leave_note TEXT,                          -- the secretary's answer
    logged INTEGER NOT NULL DEFAULT 0,        -- 1 = "meeting.attended" written to the activity log
    PRIMARY KEY (meeting_id, person_id)
);
CREATE INDEX meeting_attendee_person ON meeting_attendee(person_id, meeting_id);

-- A change to a locked record: who, when, why, and the record before and after (JSON).
CREATE TABLE meeting_amendment (
    id {{ID}},
    meeting_id BIGINT NOT NULL REFERENCES meeting(id),
    reason TEXT NOT NULL,
    before_json TEXT NOT NULL,
    after_json TEXT NOT NULL,
    actor TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX meeting_amendment_meeting ON meeting_amendment(meeting_id, id);
