-- 0075 coverage kept as the writes happen (issue 20, src/covkept/covkept.h): the figures of
-- coverage as of any day are read from running sums instead of scanning every enterprise, cover
-- and instructor.  coverage_group: one row per place and category an enterprise of the register
-- has had (district, park, street, category; '' for none).  coverage_cum: per group, on each day
-- its figures changed, the figures from that day on (enterprises in the register and not
-- zombies, covered by an organization, covered or with an instructor) — a group's figures as of
-- day D are its row with the latest day <= D ('0000-00-00' stands for "from the start").  Kept in
-- the same transaction by every write that changes coverage (covers, instructors, the register's
-- enterprises); a bulk load marks them stale (meta key 'coverage-kept-stale') and they are
-- rebuilt from the raw tables at the next `ejia serve` or `ejia migrate` — here, for a database
-- that already has enterprises.  Until then the figures are counted from the raw tables.
CREATE TABLE coverage_group (
    id {{ID}},
    district_code TEXT NOT NULL,
    park_code TEXT NOT NULL,
    street_code TEXT NOT NULL,
    category TEXT NOT NULL
);
CREATE UNIQUE INDEX coverage_group_key ON coverage_group(district_code, park_code, street_code, category);
CREATE TABLE coverage_cum (
    grp BIGINT NOT NULL,
    day TEXT{{TEXTCMP}} NOT NULL,
    n BIGINT NOT NULL,
    covered BIGINT NOT NULL,
    work BIGINT NOT NULL,
    PRIMARY KEY (grp, day)
){{WITHOUT_ROWID}};
INSERT INTO meta(key, value) SELECT 'coverage-kept-stale', 'yes' WHERE EXISTS (SELECT 1 FROM enterprise);
