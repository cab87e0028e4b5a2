-- 0030 organizations: party organizations in a tree under the city's working
-- committee, the enterprises each covers over time, party-building
-- instructors (work coverage), every dated change, and the issued 旬
-- bulletins.  Days are 'YYYY-MM-DD' text: they compare as text on both
-- databases, and "as of day D" is `from_day <= D AND (to_day IS NULL OR to_day > D)`.

CREATE TABLE org (
    id {{ID}},
    parent_id BIGINT REFERENCES org(id),
    path TEXT NOT NULL DEFAULT '',      -- "/1/5/9/": this organization and its ancestors (scope checks)
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('工委', '党委', '党总支', '党支部', '联合党支部', '临时党支部')),
    district_code TEXT REFERENCES region(code),
    park_code TEXT REFERENCES region(code),
    street_code TEXT REFERENCES region(code),
    based_on TEXT CHECK (based_on IN ('building', 'park', 'makerspace', 'street', 'enterprise')),
    base_name TEXT,                     -- the building, park or makerspace a joint one is based on
    secretary TEXT,
    committee TEXT,                     -- JSON array of committee member names; NULL = no 支委会
    established_on TEXT NOT NULL,
    dissolved_on TEXT,                  -- day it stopped (dissolved or merged); NULL = active
    created_at BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX org_parent ON org(parent_id);
CREATE INDEX org_path ON org(path);
CREATE INDEX org_district ON org(district_code, established_on);

-- Which organization covers which enterprise, from which day (inclusive) to
-- which day (exclusive).  A joint branch has several rows, one per unit.
CREATE TABLE org_cover (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprise(id),
    joint INTEGER NOT NULL DEFAULT 0,   -- 1 = covered as one unit of a joint organization
    from_day TEXT NOT NULL,
    to_day TEXT
);
CREATE INDEX org_cover_ent ON org_cover(enterprise_id, from_day, to_day);
CREATE INDEX org_cover_org ON org_cover(org_id, from_day);

-- Party-building instructors sent where no organization can be formed.
CREATE TABLE org_instructor (
    id {{ID}},
    enterprise_id BIGINT NOT NULL REFERENCES enterprise(id),
    org_id BIGINT REFERENCES org(id),   -- the organization that sent them, when known
    name TEXT NOT NULL,
    phone TEXT,
    from_day TEXT NOT NULL,
    to_day TEXT
);
CREATE INDEX org_instructor_ent ON org_instructor(enterprise_id, from_day, to_day);

-- Every change, dated: the trail behind every figure.
CREATE TABLE org_event (
    id {{ID}},
    day TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('established', 'upgraded', 'merged', 'split', 'dissolved',
                                       'cover_added', 'cover_removed', 'instructor_assigned',
                                       'instructor_withdrawn')),
    org_id BIGINT REFERENCES org(id),
    enterprise_id BIGINT REFERENCES enterprise(id),
    other_org_id BIGINT REFERENCES org(id),   -- merged into / split from
    district_code TEXT,                       -- where it counts in the bulletin
    from_kind TEXT,
    to_kind TEXT,
    note TEXT,
    actor TEXT,
    created_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX org_event_day ON org_event(day, kind);
CREATE INDEX org_event_org ON org_event(org_id);
CREATE INDEX org_event_ent ON org_event(enterprise_id);

-- Issued bulletins: the figures as announced, kept as they were.
CREATE TABLE bulletin (
    id {{ID}},
    period TEXT NOT NULL UNIQUE,        -- "2018-04-3"
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    data TEXT NOT NULL,                 -- JSON: rows, city line, notes
    issued_by TEXT NOT NULL,            -- user name or "schedule"
    issued_at BIGINT NOT NULL
);

-- The root of the tree: the city's working committee (两新工委).
INSERT INTO org(name, kind, established_on, created_at, updated_at)
VALUES ('市委非公有制经济组织和社会组织工作委员会', '工委', '2000-01-01', {{NOW}}, {{NOW}});
UPDATE org SET path = '/' || CAST(id AS TEXT) || '/' WHERE parent_id IS NULL;
