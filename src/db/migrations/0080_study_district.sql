-- 0080 study progress kept per district as well (issue 16): the city's
-- completion and its ranking by district read a few rows per district
-- instead of every organization's row (195,000 at 5,000,000 members, joined
-- to the organizations for their district).
--
-- The rows follow study_org_year / study_org_cat in the same statements'
-- transaction (study_progress_store.c): an organization's sums are added
-- under its district ('' when it has none: the city's own organizations).
-- An organization's district never changes (a split or merge makes new
-- organizations and the members move, which the member's refile carries).
-- slot = org_id % 8 spreads one district's credits over eight rows, so that
-- concurrent credits on PostgreSQL seldom wait for the same row.
CREATE TABLE study_dist_year (
    district_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    slot INTEGER NOT NULL,
    reached BIGINT NOT NULL DEFAULT 0,
    minutes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (district_code, year, slot)
);

CREATE TABLE study_dist_cat (
    district_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    category TEXT NOT NULL,
    slot INTEGER NOT NULL,
    minutes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (district_code, year, category, slot)
);

INSERT INTO study_dist_year(district_code, year, slot, reached, minutes)
    SELECT COALESCE(o.district_code, ''), y.year, CAST(y.org_id % 8 AS INTEGER), SUM(y.reached), SUM(y.minutes)
    FROM study_org_year y JOIN org o ON o.id = y.org_id
    GROUP BY COALESCE(o.district_code, ''), y.year, CAST(y.org_id % 8 AS INTEGER);

INSERT INTO study_dist_cat(district_code, year, category, slot, minutes)
    SELECT COALESCE(o.district_code, ''), k.year, k.category, CAST(k.org_id % 8 AS INTEGER), SUM(k.minutes)
    FROM study_org_cat k JOIN org o ON o.id = k.org_id
    GROUP BY COALESCE(o.district_code, ''), k.year, k.category, CAST(k.org_id % 8 AS INTEGER);
