-- 0071 star ratings (星级评定) of organizations and the benefits (权益) they
-- bring (issue 18; src/stars/).  A rating is one period's (a year, as set)
-- snapshot, as the responsibility assessment's (0065): proposed by the system
-- (a row per organization with its figures, score and stars), confirmed by
-- the level above (each row by the city, or the district or park it lies in),
-- then published by the city.  A published period never changes.
CREATE TABLE star_rating (
    id {{ID}},
    period TEXT NOT NULL UNIQUE,         -- "2025" (star-period: a year or a quarter)
    state TEXT NOT NULL CHECK (state IN ('draft', 'confirmed', 'published')),
    as_of TEXT NOT NULL,                 -- the day the figures are of
    rules TEXT NOT NULL,                 -- the criteria and thresholds as computed (JSON)
    computed_at BIGINT NOT NULL,
    computed_by TEXT NOT NULL,
    confirmed_at BIGINT,
    published_at BIGINT,
    published_by TEXT,
    note TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE star_row (
    id {{ID}},
    rating_id BIGINT NOT NULL REFERENCES star_rating(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    org_name TEXT NOT NULL,
    org_path TEXT NOT NULL,
    district_code TEXT,
    park_code TEXT,
    has_total INTEGER NOT NULL,
    total INTEGER NOT NULL,              -- hundredths of a point, 0..10000
    stars INTEGER NOT NULL,              -- 1..5 (the thresholds decide; 0 = no figure at all)
    figures TEXT NOT NULL,               -- JSON array, one per criterion (as assess_row.figures)
    confirmed_at BIGINT,
    confirmed_by TEXT,
    UNIQUE (rating_id, org_id)
);
CREATE INDEX star_row_org ON star_row(org_id, rating_id);

-- The benefits' catalogue, kept by the city office.
CREATE TABLE benefit (
    id {{ID}},
    name TEXT NOT NULL,
    kind TEXT NOT NULL,                  -- venue | parking | training | apartment | other
    provider TEXT,
    description TEXT,
    quota INTEGER NOT NULL,              -- places per period
    period_kind TEXT NOT NULL CHECK (period_kind IN ('year', 'quarter', 'month')),
    applicants TEXT NOT NULL CHECK (applicants IN ('org', 'member', 'both')),
    active INTEGER NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL DEFAULT 0
);

-- An application for a period's places: by an organization (its org_admin or
-- secretary) or by a member for themself.
CREATE TABLE benefit_app (
    id {{ID}},
    benefit_id BIGINT NOT NULL REFERENCES benefit(id),
    period TEXT NOT NULL,
    applicant TEXT NOT NULL CHECK (applicant IN ('org', 'member')),
    org_id BIGINT NOT NULL REFERENCES org(id),   -- the organization (a member's: theirs when applying)
    person_id BIGINT,                            -- a member's person; NULL for an organization
    applicant_name TEXT NOT NULL,
    org_path TEXT NOT NULL,
    district_code TEXT,
    park_code TEXT,
    owner_user BIGINT,                           -- the member's account (their own application)
    note TEXT,
    state TEXT NOT NULL CHECK (state IN ('applied', 'withdrawn')),
    applied_at BIGINT NOT NULL,
    applied_by TEXT NOT NULL
);
CREATE INDEX benefit_app_period ON benefit_app(benefit_id, period);

-- An allocation run (dated; the latest of a benefit and period is the one
-- shown) and each applicant's place in it with the reasons.
CREATE TABLE benefit_alloc (
    id {{ID}},
    benefit_id BIGINT NOT NULL REFERENCES benefit(id),
    period TEXT NOT NULL,
    quota INTEGER NOT NULL,
    order_keys TEXT NOT NULL,            -- the order as set: "stars,points,time"
    run_at BIGINT NOT NULL,
    run_by TEXT NOT NULL
);
CREATE INDEX benefit_alloc_period ON benefit_alloc(benefit_id, period, id);

CREATE TABLE benefit_alloc_row (
    id {{ID}},
    alloc_id BIGINT NOT NULL REFERENCES benefit_alloc(id),
    app_id BIGINT NOT NULL REFERENCES benefit_app(id),
    rank INTEGER NOT NULL,
    stars INTEGER NOT NULL,
    star_period TEXT,
    points BIGINT NOT NULL,              -- hundredths
    applied_at BIGINT NOT NULL,
    within INTEGER NOT NULL,
    reason TEXT NOT NULL,
    UNIQUE (alloc_id, app_id)
);
