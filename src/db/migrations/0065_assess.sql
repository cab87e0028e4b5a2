-- 0065 the yearly responsibility assessment (责任考核) of districts and parks
-- (issue 23; src/assess/).  One assessment a year, opened by the city office:
-- a draft whose figures may be computed again, then confirmed, then published
-- to the districts and parks.  Each row is the snapshot of one unit's figures,
-- scores and total as computed (dated): data that changes afterwards does not
-- change a confirmed or published year.
CREATE TABLE assess (
    id {{ID}},
    year INTEGER NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('draft', 'confirmed', 'published')),
    as_of TEXT NOT NULL,                 -- the day the figures are of (the year's last day, or the day computed)
    rules TEXT NOT NULL,                 -- the criteria as computed (JSON: key, name, weight, floor, target)
    computed_at BIGINT NOT NULL,
    computed_by TEXT NOT NULL,
    confirmed_at BIGINT,
    confirmed_by TEXT,
    published_at BIGINT,
    published_by TEXT,
    note TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE assess_row (
    id {{ID}},
    assess_id BIGINT NOT NULL REFERENCES assess(id),
    unit_kind TEXT NOT NULL CHECK (unit_kind IN ('district', 'park')),
    unit_code TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    district_code TEXT,                  -- the district (a park's: the district it lies in)
    has_total INTEGER NOT NULL,          -- 0: no criterion had a figure
    total INTEGER NOT NULL,              -- hundredths of a point, 0..10000
    rank INTEGER NOT NULL,               -- among the units of its kind, ties sharing a rank; 0 = none
    figures TEXT NOT NULL,               -- JSON array, one per criterion: key, available, num, den, value, score, weight, weight_used_bp, reason, link
    UNIQUE (assess_id, unit_kind, unit_code)
);
