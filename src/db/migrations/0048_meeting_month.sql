-- 0048 organizational life kept by organization and month, for compliance at a
-- province's size: the held meetings of each kind, the attendance at them and
-- the last day one was held, per organization and month.  The roll-up of a
-- quarter then reads three months of these rows (one per organization and
-- month with a meeting) instead of every meeting and every attendee row of the
-- quarter: at 200,000 organizations the old reads did not fit a request's
-- memory, and one branch's scorecard scanned every meeting of the city.
--
-- Kept by meeting_store (ms_month_refresh, which keeps meeting_last below too) in the same transaction as every
-- write that changes a held meeting or its attendance; worked out for every
-- organization after this migration, at start (meeting_store_upgrade, marked
-- by the meta row below).
CREATE TABLE meeting_month (
    month TEXT NOT NULL,                      -- 'YYYY-MM'
    org_id BIGINT NOT NULL,
    k0 INTEGER NOT NULL DEFAULT 0,            -- held meetings by kind, in meeting_kinds[] order:
    k1 INTEGER NOT NULL DEFAULT 0,            -- 支部党员大会, 支委会, 党小组会, 党课, 主题党日,
    k2 INTEGER NOT NULL DEFAULT 0,            -- 组织生活会, 民主评议党员, 谈心谈话
    k3 INTEGER NOT NULL DEFAULT 0,
    k4 INTEGER NOT NULL DEFAULT 0,
    k5 INTEGER NOT NULL DEFAULT 0,
    k6 INTEGER NOT NULL DEFAULT 0,
    k7 INTEGER NOT NULL DEFAULT 0,
    attended BIGINT NOT NULL DEFAULT 0,       -- present or online at the month's held meetings
    expected BIGINT NOT NULL DEFAULT 0,       -- on their rolls
    last_day TEXT NOT NULL,                   -- the last day of the month a meeting was held
    PRIMARY KEY (month, org_id)
){{WITHOUT_ROWID}};
-- A period's months in key order without reading the table, on PostgreSQL (an index-only scan: the
-- heap's order made it sort 600,000 rows on disk for a quarter at 200,000 organizations); SQLite's
-- table is this key already.
{{PG_ONLY}}CREATE INDEX meeting_month_cover ON meeting_month(month, org_id) INCLUDE (k0, k1, k2, k3, k4, k5, k6, k7, attended, expected, last_day);
-- one organization's months (its scorecard; the last meeting before a period)
CREATE INDEX meeting_month_org ON meeting_month(org_id, month, last_day);
-- the last day each organization held a meeting, of all time: a roll-up joins it to the organizations
-- (a hash join on PostgreSQL) where a lookup in meeting_month for each of 200,000 took a second.
-- Kept with meeting_month.
CREATE TABLE meeting_last (
    org_id BIGINT PRIMARY KEY,
    last_day TEXT NOT NULL
){{WITHOUT_ROWID}};
INSERT INTO meta(key, value) VALUES ('meeting-month-stale', 'yes');
