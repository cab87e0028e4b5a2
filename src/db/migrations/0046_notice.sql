-- 0046 notices (通知公告) from the city, a district, a park or an organization
-- to the members below, with a read receipt per recipient.
--
-- A notice keeps the place it was sent to (level and code, and the
-- organization's path, district and park) so that each office's list is one
-- indexed range, as meetings do.  Its audience is resolved when it is
-- published: one notice_recipient row per member of the registry inside the
-- place that day (still in the party: 正常, 流动, 失联); the row is the in-app
-- channel's inbox and its read receipt.  recipients and read_count are kept on
-- the notice so that the lists and the bell read one row, not a count.
CREATE TABLE notice (
    id {{ID}},
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('city', 'district', 'park', 'org')),
    scope_code TEXT NOT NULL,                 -- '3502', a district or park code, or the organization's id
    scope_name TEXT NOT NULL,                 -- 全市, the district's, park's or organization's name then
    org_id BIGINT REFERENCES org(id),
    org_path TEXT,
    district_code TEXT,
    park_code TEXT,
    state TEXT NOT NULL CHECK (state IN ('draft', 'published', 'withdrawn')),
    sender_id BIGINT,                         -- the account that wrote it (NULL: the command line, the demo)
    sender TEXT NOT NULL,
    channels TEXT,                            -- the channels it went out through ("app")
    recipients INTEGER NOT NULL DEFAULT 0,
    read_count INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL DEFAULT 0,
    published_at BIGINT,
    published_on TEXT,                        -- the day (China) it was published: the registry's day
    withdrawn_at BIGINT,
    withdraw_reason TEXT
);
CREATE INDEX notice_state ON notice(state, published_at);
CREATE INDEX notice_district ON notice(district_code, published_at);
CREATE INDEX notice_park ON notice(park_code, published_at);
CREATE INDEX notice_path ON notice(org_path, published_at);

-- Who a published notice went to, and when each read it (NULL: not yet).
CREATE TABLE notice_recipient (
    notice_id BIGINT NOT NULL REFERENCES notice(id),
    person_id BIGINT NOT NULL REFERENCES person(id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,                   -- pinyin sort key, as the registry's
    org_id BIGINT NOT NULL REFERENCES org(id),
    read_at BIGINT,
    PRIMARY KEY (notice_id, person_id)
);
CREATE INDEX notice_recipient_person ON notice_recipient(person_id, read_at, notice_id);
CREATE INDEX notice_recipient_read ON notice_recipient(notice_id, read_at, name_key);

-- The reminders (the bell) count a secretary's open duties: leave asked and
-- not yet answered, planned meetings whose day has passed.  Both are few rows
-- among many: partial indexes on the meetings' own tables keep the counts a
-- short indexed read whatever the number of meetings.
CREATE INDEX meeting_attendee_leave_open ON meeting_attendee(meeting_id) WHERE leave_state = 'requested';
CREATE INDEX meeting_planned_day ON meeting(day) WHERE state = 'planned';
