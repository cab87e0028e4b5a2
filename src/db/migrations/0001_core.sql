-- 0001 core: reference regions (districts, streets, parks) and enterprises.
-- Portable SQL: {{ID}} and {{NOW}} are rewritten per database (src/db/db.c).

CREATE TABLE region (
    code TEXT PRIMARY KEY,             -- GB/T 2260 code for districts/streets; 'P…' for parks
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('city', 'district', 'street', 'park')),
    parent_code TEXT REFERENCES region(code)
);
CREATE INDEX region_parent ON region(parent_code);

-- The enterprise register: golden records of the reconciled ledger (and the demo's).
CREATE TABLE enterprise (
    id {{ID}},
    name TEXT NOT NULL,
    uscc TEXT,                          -- valid unified social credit code, when known
    district_code TEXT REFERENCES region(code),
    street_code TEXT REFERENCES region(code),
    park_code TEXT REFERENCES region(code),
    address TEXT,
    category TEXT CHECK (category IN ('新闻', '社交', '网游', '电商', '金融', '数据')),
    employees INTEGER,
    members INTEGER,                     -- full party members according to the ledger
    status TEXT,
    zombie INTEGER NOT NULL DEFAULT 0,
    zombie_reason TEXT,
    created_at BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX enterprise_uscc ON enterprise(uscc);
CREATE INDEX enterprise_district ON enterprise(district_code);
CREATE INDEX enterprise_park ON enterprise(park_code);

-- Key/value facts about this installation (demo seed, first-run flags).
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
