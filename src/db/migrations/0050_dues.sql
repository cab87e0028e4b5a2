-- 0050 party dues (党费): each member's monthly base, dated and sealed; the
-- reductions and waivers approved; each organization's monthly sheet (应交)
-- and its lines; the payments, each with its receipt, and the months each one
-- settled.  Money is integer fen (0.01 元), never floating point; a month is
-- 'YYYY-MM' text, a day 'YYYY-MM-DD'.

-- A member's basis of dues from a month on: the newest from_month <= M
-- applies to month M.  The base itself (工资基数) is personal: it is sealed
-- (crypt_seal, associated data "dues_base:<person_id>") and shown only to the
-- member, their secretary and the city.  amount_fen is the monthly amount the
-- rules gave when it was declared (dues_calc) and rule says why in words; the
-- sheets read these two, never the base.
CREATE TABLE dues_base (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES person(id),
    from_month TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('employee', 'retiree', 'student', 'unemployed', 'farmer', 'relief')),
    base_sealed TEXT,                          -- the base in fen, sealed; NULL for a flat kind
    amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
    rule TEXT NOT NULL,
    declared_by TEXT NOT NULL CHECK (declared_by IN ('member', 'secretary', 'import')),
    actor TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0,
    UNIQUE (person_id, from_month)
);

-- A reduction or waiver (减免) of a member's dues for months from..to
-- (inclusive), approved by someone who is named (the branch meeting's
-- decision, reported to the level above).  amount_fen is the monthly amount
-- owed instead: 0 waives.  A later relief over the same months takes
-- precedence (the highest id); a revoked one no longer applies.
CREATE TABLE dues_relief (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES person(id),
    from_month TEXT NOT NULL,
    to_month TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
    reason TEXT NOT NULL,
    approver TEXT NOT NULL,
    actor TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0,
    revoked_at BIGINT,
    revoke_reason TEXT
);
CREATE INDEX dues_relief_person ON dues_relief(person_id, from_month);

-- An organization's sheet for a month: who owes what.  The organization's
-- place is kept as meetings and notices keep it, so an office's report is one
-- indexed range; due and paid are kept up to date by every write that changes
-- a line (making or refreshing the sheet, a payment, its voiding), so a
-- report sums sheets, never lines.
CREATE TABLE dues_sheet (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    month TEXT NOT NULL,
    org_path TEXT NOT NULL,
    district_code TEXT,
    park_code TEXT,
    members INTEGER NOT NULL DEFAULT 0,        -- lines
    due_fen BIGINT NOT NULL DEFAULT 0,         -- the lines' due
    paid_fen BIGINT NOT NULL DEFAULT 0,        -- paid against the lines' due
    paid_members INTEGER NOT NULL DEFAULT 0,   -- lines paid or waived
    nobase INTEGER NOT NULL DEFAULT 0,         -- lines without a base declared
    made_at BIGINT NOT NULL DEFAULT 0,
    UNIQUE (month, org_id)                     -- month first: a new month's sheets go at the end of the index
);
CREATE INDEX dues_sheet_month_path ON dues_sheet(month, org_path);
CREATE INDEX dues_sheet_month_district ON dues_sheet(month, district_code);

-- One member's line on a sheet.  state: owed, paid, waived (a relief of 0),
-- nobase (no base declared for the month: nothing can be asked yet).
CREATE TABLE dues_line (
    sheet_id BIGINT NOT NULL REFERENCES dues_sheet(id),
    person_id BIGINT NOT NULL REFERENCES person(id),
    month TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES org(id),
    kind TEXT,
    due_fen BIGINT NOT NULL,
    relief_id BIGINT,                          -- the dues_relief applied (no foreign key: the lines are rewritten in bulk)
    state TEXT NOT NULL CHECK (state IN ('owed', 'paid', 'waived', 'nobase')),
    paid_fen BIGINT NOT NULL DEFAULT 0,
    payment_id BIGINT,
    PRIMARY KEY (sheet_id, person_id)
) {{WITHOUT_ROWID}};
-- Month first, as the sheets' key: making a month's sheets appends to the
-- index instead of touching every page of it (SQLite's statement journal
-- would hold a copy of each page changed); a person's line of a month is an
-- equality on both.
-- A member is on one sheet a month: a line paid stays where it was paid.
CREATE UNIQUE INDEX dues_line_month_person ON dues_line(month, person_id);

-- A payment, recorded with its receipt.  way names the channel through which
-- it came (dues.h: the payment ways; 'treasurer' — received by the branch's
-- treasurer — is the one built in; WeChat Pay or UnionPay are added behind
-- the same interface by a deployment that has them).  It covers the months
-- first..last of one member; kind says whether they are this month's,
-- paid in advance (with the branch's consent) or back-paid (at most the
-- setting's months).  voluntary_fen is paid above the dues (自愿多交);
-- central = 1 when it is a voluntary payment of at least the setting's
-- amount, which goes to the central committee.  A voided payment keeps its
-- row and receipt number (who, when, why) and settles nothing.
CREATE TABLE dues_payment (
    id {{ID}},
    receipt_no TEXT NOT NULL UNIQUE,           -- the city's sequence: 2026-000001
    person_id BIGINT NOT NULL REFERENCES person(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    district_code TEXT,
    park_code TEXT,
    first_month TEXT NOT NULL,
    last_month TEXT NOT NULL,
    months INTEGER NOT NULL,
    lines TEXT NOT NULL DEFAULT '[]',          -- JSON [{"month":"2026-01","fen":1500}]: the months as the receipt shows them (kept when voided)
    dues_fen BIGINT NOT NULL CHECK (dues_fen >= 0),
    voluntary_fen BIGINT NOT NULL DEFAULT 0 CHECK (voluntary_fen >= 0),
    central INTEGER NOT NULL DEFAULT 0,
    kind TEXT NOT NULL CHECK (kind IN ('monthly', 'advance', 'back')),
    consent TEXT,                              -- the branch's consent to an advance payment
    way TEXT NOT NULL,
    way_ref TEXT,                              -- the channel's own reference (a bank line, a transaction)
    payer TEXT NOT NULL CHECK (payer IN ('self', 'proxy')),
    proxy_name TEXT,
    paid_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0,
    voided_at BIGINT,
    void_reason TEXT,
    voided_by TEXT
);
CREATE INDEX dues_payment_person ON dues_payment(person_id, first_month);
CREATE INDEX dues_payment_org ON dues_payment(org_id, paid_on);
CREATE INDEX dues_payment_path ON dues_payment(org_path, paid_on);

-- The months a payment settled, one row each: a month is paid once.  A sheet
-- made after an advance payment finds its months here.
CREATE TABLE dues_paid (
    person_id BIGINT NOT NULL REFERENCES person(id),
    month TEXT NOT NULL,
    payment_id BIGINT NOT NULL REFERENCES dues_payment(id),
    fen BIGINT NOT NULL,
    PRIMARY KEY (person_id, month)
) {{WITHOUT_ROWID}};

-- The receipts' sequence, one counter a year for the whole city.
CREATE TABLE dues_receipt_seq (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);
