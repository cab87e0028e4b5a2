-- 0079 points_line without foreign keys (issue 18, bench/points).  A full
-- recompute writes every line of the city (26 a member a year) by one
-- INSERT … SELECT, and a day every line of the day: on PostgreSQL each line
-- ran four foreign-key triggers (rule, version, activity, claim: 117 s of the
-- 179 s the lines of 50,000 members took, EXPLAIN ANALYZE in bench/points.txt),
-- and on SQLite a key that can abort the statement made it keep a statement
-- journal of every page it changed (as dues_line, 0054).  The lines are
-- written only by points_store.c from a join of the activity log, the rules of
-- the version in force and the decided claims, so the keys they checked hold
-- by construction; activity rows, rules, versions and claims are never
-- deleted; and `ejia points verify` (GET /api/points/verify) recomputes the
-- lines from those tables and compares both ways, so a line whose record is
-- gone shows as extra.  The indexes are the same (the rebuild drops and makes
-- them again around its bulk insert: points_store.c PS_LINE_INDEXES).
CREATE TABLE points_line_new (
    id {{ID}},
    subject TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    rule_id BIGINT,
    code TEXT NOT NULL,
    version_id BIGINT,
    activity_id BIGINT,
    claim_id BIGINT,
    ref TEXT,
    day TEXT NOT NULL,
    period TEXT NOT NULL,
    raw BIGINT NOT NULL,
    points BIGINT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0
);
INSERT INTO points_line_new(id, subject, subject_id, rule_id, code, version_id, activity_id, claim_id, ref, day, period, raw, points, created_at)
    SELECT id, subject, subject_id, rule_id, code, version_id, activity_id, claim_id, ref, day, period, raw, points, created_at FROM points_line;
DROP TABLE points_line;
ALTER TABLE points_line_new RENAME TO points_line;
{{PG_ONLY}}SELECT setval(pg_get_serial_sequence('points_line', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM points_line), false);
CREATE INDEX points_line_cap ON points_line(subject, subject_id, code, period);
CREATE INDEX points_line_claim ON points_line(claim_id) WHERE claim_id IS NOT NULL;
