-- 0063 党建联盟 (issue 23): party-building alliances of organizations across
-- enterprises, a park or an industry; a lead organization (牵头组织) and member
-- organizations, each membership dated, so an alliance's members as of any
-- day are known; and their joint activities (联合活动), recorded like meetings,
-- with photos and a minutes file kept by content (base/files.h,
-- meeting-files-dir).
--
-- A membership holds on day D when `joined_on <= D AND (left_on IS NULL OR
-- left_on > D)`.  The lead organization is a member too (role 'lead', from
-- the founding day).  An alliance sits where its lead organization is.
CREATE TABLE alliance (
    id {{ID}},
    name TEXT NOT NULL,
    kind TEXT NOT NULL,                       -- 跨企业 / 园区 / 行业
    lead_org_id BIGINT NOT NULL REFERENCES org(id),
    description TEXT,
    founded_on TEXT NOT NULL,
    dissolved_on TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX alliance_lead ON alliance(lead_org_id);

CREATE TABLE alliance_member (
    id {{ID}},
    alliance_id BIGINT NOT NULL REFERENCES alliance(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    role TEXT NOT NULL CHECK (role IN ('lead', 'member')),
    joined_on TEXT NOT NULL,
    left_on TEXT,
    note TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX alliance_member_alliance ON alliance_member(alliance_id, joined_on);
CREATE INDEX alliance_member_org ON alliance_member(org_id, joined_on);

CREATE TABLE alliance_activity (
    id {{ID}},
    alliance_id BIGINT NOT NULL REFERENCES alliance(id),
    day TEXT NOT NULL,
    place TEXT NOT NULL,
    topic TEXT NOT NULL,
    content TEXT,                             -- content or minutes (纪要)
    attendance INTEGER NOT NULL DEFAULT 0,    -- how many attended (at least the registry members named)
    recorded_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX alliance_activity_alliance ON alliance_activity(alliance_id, day);

-- The member organizations that took part (members of the alliance on the day).
CREATE TABLE alliance_activity_org (
    activity_id BIGINT NOT NULL REFERENCES alliance_activity(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    PRIMARY KEY (activity_id, org_id)
);

-- The registry members who attended (of a participating organization on the day).
CREATE TABLE alliance_activity_person (
    activity_id BIGINT NOT NULL REFERENCES alliance_activity(id),
    person_id BIGINT NOT NULL REFERENCES person(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    PRIMARY KEY (activity_id, person_id)
);

-- Photos and the minutes file (纪要), kept by content like meeting photos.
CREATE TABLE alliance_activity_file (
    id {{ID}},
    activity_id BIGINT NOT NULL REFERENCES alliance_activity(id),
    kind TEXT NOT NULL CHECK (kind IN ('photo', 'minutes')),
    filename TEXT NOT NULL,
    mime TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX alliance_activity_file_activity ON alliance_activity_file(activity_id);
