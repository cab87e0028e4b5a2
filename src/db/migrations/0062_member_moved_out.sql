-- 0062 a membership state for a member whose organization relation was
-- transferred out of the system (转出: the introduction letter's receipt came
-- back).  They are still in the party — only no longer on this city's rolls —
-- so 出党, which the receipt used to record, was wrong.  A CHECK cannot be
-- changed in place on SQLite: the table is made again, with its indexes
-- (0040, 0041); nothing refers to it by a foreign key.
CREATE TABLE member_new (
    person_id BIGINT PRIMARY KEY REFERENCES person(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    district_code TEXT,
    park_code TEXT,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('正式党员', '预备党员')),
    joined_on TEXT NOT NULL,
    full_on TEXT,
    state TEXT NOT NULL CHECK (state IN ('正常', '流动', '失联', '停止党籍', '出党', '去世', '转出')),
    since TEXT NOT NULL,
    flags TEXT,
    updated_at BIGINT NOT NULL DEFAULT 0
);
INSERT INTO member_new(person_id, org_id, org_path, district_code, park_code, name, name_key, category, joined_on, full_on,
                       state, since, flags, updated_at)
    SELECT person_id, org_id, org_path, district_code, park_code, name, name_key, category, joined_on, full_on,
           state, since, flags, updated_at FROM member;
DROP TABLE member;
ALTER TABLE member_new RENAME TO member;
CREATE INDEX member_org ON member(org_id, name_key);
CREATE INDEX member_district_name ON member(district_code, name_key);
CREATE INDEX member_park_name ON member(park_code, name_key);
CREATE INDEX member_name ON member(name_key);
CREATE INDEX member_path_name ON member(org_path, name_key);
CREATE INDEX member_district ON member(district_code);
CREATE INDEX member_park ON member(park_code);
