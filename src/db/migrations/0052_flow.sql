-- 0052 流动党员: a member working elsewhere for a time, and the organization
-- that manages them meanwhile.
--
-- One row per flow, dated like the registry: open on from_day, closed on
-- to_day (the day they came back; NULL while away), so "managed where on day
-- D" is `from_day <= D AND (to_day IS NULL OR to_day > D)`.  manager_org_id is
-- never NULL: the receiving organization when it is in the system, else the
-- home organization (which keeps managing a member gone where the system has
-- no organization).  The home and managing organizations' places are kept on
-- the row (path, district, park) so that each side's list is one indexed
-- range and the scope check reads one row, as meetings and notices do.
-- A phone given as the contact kept is sealed (crypt_seal) with a masked copy;
-- any other contact (an address, a messaging account) is kept as written.
CREATE TABLE member_flow (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES person(id),
    name TEXT NOT NULL,                                    -- the person's name then (lists)
    home_org_id BIGINT NOT NULL REFERENCES org(id),        -- the member's organization
    home_path TEXT NOT NULL,
    home_district TEXT,
    home_park TEXT,
    manager_org_id BIGINT NOT NULL REFERENCES org(id),     -- 管理组织 meanwhile
    manager_path TEXT NOT NULL,
    manager_district TEXT,
    manager_park TEXT,
    dest_org_id BIGINT REFERENCES org(id),                 -- where they went, when it is an organization in the system
    place TEXT NOT NULL,                                   -- where they went, in words
    reason TEXT NOT NULL,                                  -- 务工经商, 学习进修, …
    direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),   -- registered by the home side (out) or the receiving side (in)
    card_no TEXT,                                          -- 流动党员活动证 number
    contact TEXT,                                          -- a contact that is not a phone, as written
    contact_sealed TEXT,                                   -- a phone, sealed
    contact_masked TEXT,
    from_day TEXT NOT NULL,
    expect_day TEXT,                                       -- expected return
    to_day TEXT,                                           -- closed on that day; NULL while open
    ended TEXT CHECK (ended IN ('returned', 'handed_over')),   -- how it closed: the member came back, or the receiving side took it over
    note TEXT,
    return_note TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0,
    closed_at BIGINT
);
CREATE INDEX member_flow_person ON member_flow(person_id, from_day);
CREATE INDEX member_flow_manager ON member_flow(manager_org_id, from_day);
CREATE INDEX member_flow_home ON member_flow(home_org_id, from_day);
CREATE INDEX member_flow_home_path ON member_flow(home_path);
CREATE INDEX member_flow_manager_path ON member_flow(manager_path);
CREATE INDEX member_flow_open ON member_flow(expect_day) WHERE to_day IS NULL;
