-- 0059 study progress (学时完成情况): the figures of who has reached their
-- yearly hours, kept per organization so that the city's completion is a
-- few thousand rows, not five million members.
--
-- A member counts in the figures of their current organization when their
-- state is 正常 or 流动 (study_progress.h).  study_year (0055) gets where a
-- member's year is filed: org_id (NULL = not counted) and whether they had
-- reached their requirement; the organization's sums follow every credit in
-- the same transaction, and move with the member (member_store_change).

ALTER TABLE study_year ADD COLUMN org_id BIGINT;
ALTER TABLE study_year ADD COLUMN reached INTEGER NOT NULL DEFAULT 0;
CREATE INDEX study_year_org ON study_year(org_id, year);

-- An organization's own members' year: how many reached, and their minutes.
CREATE TABLE study_org_year (
    org_id BIGINT NOT NULL REFERENCES org(id),
    year INTEGER NOT NULL,
    reached BIGINT NOT NULL DEFAULT 0,
    minutes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, year)
);

-- The same minutes by category.
CREATE TABLE study_org_cat (
    org_id BIGINT NOT NULL REFERENCES org(id),
    year INTEGER NOT NULL,
    category TEXT NOT NULL,
    minutes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, year, category)
);

-- The requirements (minutes) the kept figures were counted with: when the
-- settings differ, or there is no row (credits written by other means: the
-- bench), the figures are counted again from the credits before being read.
CREATE TABLE study_progress_basis (
    id INTEGER PRIMARY KEY,
    required BIGINT NOT NULL,
    required_lead BIGINT NOT NULL
);
