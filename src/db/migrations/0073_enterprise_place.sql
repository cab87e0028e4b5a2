-- 0073 where an enterprise was, dated (issue 23): coverage as of a day counts
-- an enterprise in the district and park it had on that day.  The enterprise's
-- own columns stay the present; this table keeps its earlier places, one row
-- per stretch that ended: from from_day (NULL: since it entered the register)
-- until to_day (exclusive, the day of the edit that moved it).  An enterprise
-- that never moved has no row, so the figures' join stays small.  The place
-- of enterprise e on day D is the row with (from_day IS NULL OR from_day <= D)
-- AND to_day > D when there is one, else e's columns.  Written by the
-- register's edit in the same act (register_store.c); filled once from the
-- enterprise_event history (the edits' before/after) at start while the meta
-- key 'enterprise-place-fill' is there (register_store_place_fill).
CREATE TABLE enterprise_place (
    id {{ID}},
    enterprise_id BIGINT NOT NULL REFERENCES enterprise(id),
    from_day TEXT,
    to_day TEXT NOT NULL,
    district_code TEXT,
    park_code TEXT,
    street_code TEXT
);
CREATE INDEX enterprise_place_ent ON enterprise_place(enterprise_id, to_day);
CREATE INDEX enterprise_place_day ON enterprise_place(to_day);
INSERT INTO meta(key, value) VALUES ('enterprise-place-fill', 'yes');
