-- 0040 the party-member registry (党员名册): people, their one membership,
-- its dated history, the events behind it, and the activity log that the
-- later modules (meetings, study, dues, development, points) write to.
--
-- A person is found across the whole database by a keyed hash of the
-- normalised 18-digit resident ID number (id_key): the number itself is
-- encrypted (id_sealed) and shown masked (id_masked).  Days are 'YYYY-MM-DD'
-- text, "as of day D" is `from_day <= D AND (to_day IS NULL OR to_day > D)`,
-- as for organizations.

CREATE TABLE person (
    id {{ID}},
    name TEXT NOT NULL,
    gender TEXT NOT NULL CHECK (gender IN ('男', '女')),    -- from the ID number
    birth_date TEXT NOT NULL,                              -- from the ID number
    id_key TEXT NOT NULL UNIQUE,                           -- keyed hash of the 18-digit number
    id_sealed TEXT NOT NULL,
    id_masked TEXT NOT NULL,
    ethnicity TEXT,
    education TEXT,
    post TEXT,                                             -- 工作岗位 / 职务
    phone_sealed TEXT,
    phone_masked TEXT,
    enterprise_id BIGINT REFERENCES enterprise(id),        -- employer
    user_id BIGINT UNIQUE REFERENCES users(id),            -- the member's own account, when they have one
    created_at BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX person_enterprise ON person(enterprise_id);

-- The current membership: one per person.  The organization's place and the
-- person's name (with its pinyin sort key) are kept here too, so a district's
-- or branch's list is one indexed range in pinyin order, whatever the
-- registry's size — on a plain index, which tools without ejia's collation
-- (sqlite3, pg_dump) read and check as well.
CREATE TABLE member (
    person_id BIGINT PRIMARY KEY REFERENCES person(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    district_code TEXT,
    park_code TEXT,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,                                -- pinyin sort key (core/collate.h: collate_zh_key)
    category TEXT NOT NULL CHECK (category IN ('正式党员', '预备党员')),
    joined_on TEXT NOT NULL,                               -- 入党日期 (the 支部大会 vote)
    full_on TEXT,                                          -- 转正日期
    state TEXT NOT NULL CHECK (state IN ('正常', '流动', '失联', '停止党籍', '出党', '去世')),
    since TEXT NOT NULL,                                   -- day the current span began
    flags TEXT,                                            -- JSON: warnings found at registration
    updated_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX member_org ON member(org_id, name_key);
CREATE INDEX member_district_name ON member(district_code, name_key);
CREATE INDEX member_park_name ON member(park_code, name_key);
CREATE INDEX member_name ON member(name_key);
CREATE INDEX member_path_name ON member(org_path, name_key);

-- Every stretch of a membership: one row per (organization, category,
-- state) the person was in, from a day to a day.  Lists and statistics as of
-- a past day read these.
CREATE TABLE member_span (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES person(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    district_code TEXT,
    park_code TEXT,
    category TEXT NOT NULL,
    state TEXT NOT NULL,
    from_day TEXT NOT NULL,
    to_day TEXT
);
CREATE INDEX member_span_person ON member_span(person_id, from_day);
CREATE INDEX member_span_org ON member_span(org_id, from_day);
CREATE INDEX member_span_district ON member_span(district_code, from_day);

-- What happened, dated: the history shown on a member's page.
CREATE TABLE member_event (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES person(id),
    day TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('joined', 'registered', 'category', 'moved', 'state', 'left', 'edited')),
    org_id BIGINT REFERENCES org(id),
    other_org_id BIGINT REFERENCES org(id),   -- moved from
    category TEXT,
    state TEXT,
    note TEXT,
    actor TEXT,
    created_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX member_event_person ON member_event(person_id, day);

-- One append-only log of what members and organizations did (a meeting
-- attended, hours studied, dues paid, a development step): written by the
-- modules that own those acts, read by points and duty tracking.
CREATE TABLE activity (
    id {{ID}},
    person_id BIGINT REFERENCES person(id),
    org_id BIGINT REFERENCES org(id),
    kind TEXT NOT NULL,
    at BIGINT NOT NULL,
    day TEXT NOT NULL,
    ref TEXT,                                 -- "meeting:12", "course:3", ...
    value DOUBLE PRECISION
);
CREATE INDEX activity_person ON activity(person_id, day);
CREATE INDEX activity_org ON activity(org_id, day);

-- Roster files (花名册) read into the registry: each file once, every row's fate.
CREATE TABLE roster_import (
    id {{ID}},
    sha256 TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    org_id BIGINT REFERENCES org(id),
    org_path TEXT, district_code TEXT, park_code TEXT,   -- where it counts, for each caller's list
    rows INTEGER NOT NULL,
    registered INTEGER NOT NULL,
    refused INTEGER NOT NULL,
    flagged INTEGER NOT NULL,
    importer TEXT NOT NULL,
    importer_id BIGINT,
    created_at BIGINT NOT NULL
);
CREATE TABLE roster_problem (
    id {{ID}},
    import_id BIGINT NOT NULL REFERENCES roster_import(id) ON DELETE CASCADE,
    row INTEGER NOT NULL,                     -- 1-based data row (header not counted)
    sheet_row INTEGER NOT NULL,               -- the row a user sees in Excel
    col TEXT,                                 -- column letters, NULL = the row
    kind TEXT NOT NULL CHECK (kind IN ('refused', 'flagged')),
    column_name TEXT,
    value TEXT,                               -- masked when personal
    message TEXT NOT NULL
);
CREATE INDEX roster_problem_import ON roster_problem(import_id, sheet_row);

-- The registry's counts kept on the enterprise (same transaction as every
-- change): the formation rules and coverage count registered members where an
-- enterprise has any, the ledger's number where it has none.
ALTER TABLE enterprise ADD COLUMN reg_members INTEGER NOT NULL DEFAULT 0;
ALTER TABLE enterprise ADD COLUMN reg_full_members INTEGER NOT NULL DEFAULT 0;
