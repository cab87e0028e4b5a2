-- 0042 the registry's counters (member/tally.h): the statistics of the city,
-- a district or a park as of today read a few thousand of these instead of
-- every member.  Kept by every write of the registry in its transaction;
-- area 'c' (city), 'd:<district>' or 'p:<park>'; dim gender, education,
-- ethnicity (key the value), birth_m, joined_m (key 'YYYY-MM') or birth_d,
-- joined_d (key 'MM-DD-YYYY': one month's days of every year are one range).  A row of area
-- '*' says the counters are stale: they are rebuilt from the members by the
-- next `ejia serve` or `ejia migrate` (here: for the members registered
-- before this migration).
CREATE TABLE member_tally (
    area TEXT NOT NULL,
    dim TEXT NOT NULL,
    key TEXT{{TEXTCMP}} NOT NULL,                        -- compared bytewise: a month's days are one range
    category TEXT NOT NULL,
    state TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (area, dim, key, category, state)
){{WITHOUT_ROWID}};
INSERT INTO member_tally(area, dim, key, category, state, n) SELECT '*', 'stale', '', '', '', 1 WHERE EXISTS (SELECT 1 FROM member);
