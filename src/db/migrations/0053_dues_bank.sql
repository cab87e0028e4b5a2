-- 0053 bank statements against the dues sheets (党费银行流水对账): each
-- statement imported for an organization and month, once (its file's
-- sha256), and each of its lines with what became of it.  Money is integer
-- fen; a month 'YYYY-MM', a day 'YYYY-MM-DD'.

-- One statement imported.  The organization's place is kept as the sheets
-- keep it, so each office's list is one indexed range.  The counts follow
-- every decision on a line.
CREATE TABLE dues_bank_import (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    month TEXT NOT NULL,
    org_path TEXT NOT NULL,
    district_code TEXT,
    park_code TEXT,
    sha256 TEXT NOT NULL UNIQUE,               -- the same file twice is refused
    source TEXT NOT NULL,                      -- the file's name
    format TEXT NOT NULL,                      -- csv, xlsx, xls
    encoding TEXT,                             -- a CSV's: UTF-8, UTF-8 BOM, GB18030
    lines INTEGER NOT NULL DEFAULT 0,
    matched INTEGER NOT NULL DEFAULT 0,
    unmatched INTEGER NOT NULL DEFAULT 0,
    assigned INTEGER NOT NULL DEFAULT 0,
    ignored INTEGER NOT NULL DEFAULT 0,
    notpay INTEGER NOT NULL DEFAULT 0,         -- debits and zero lines
    credit_fen BIGINT NOT NULL DEFAULT 0,      -- the credits' sum
    paid_fen BIGINT NOT NULL DEFAULT 0,        -- of which became payments (matched or assigned)
    importer TEXT NOT NULL,
    importer_id BIGINT,
    created_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX dues_bank_import_org ON dues_bank_import(org_id, month);
CREATE INDEX dues_bank_import_path ON dues_bank_import(org_path, month);

-- One line of a statement (row: as the spreadsheet shows it).  state:
-- matched (a payment made by the import), unmatched (waiting for a person),
-- assigned (a person chose the member and months: a payment), ignored (a
-- person said why not), notpay (a debit or a zero line).  The payer's
-- account is kept masked only: nothing here needs the whole number.
-- reason: why it was matched or not (the matcher's words), or why ignored.
CREATE TABLE dues_bank_line (
    import_id BIGINT NOT NULL REFERENCES dues_bank_import(id),
    row_no INTEGER NOT NULL,
    day TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,                -- a credit > 0; a debit < 0
    payer_name TEXT NOT NULL,
    payer_account TEXT NOT NULL,               -- masked: 6222********1234
    memo TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('matched', 'unmatched', 'assigned', 'ignored', 'notpay')),
    reason TEXT,
    person_id BIGINT REFERENCES person(id),
    first_month TEXT,
    last_month TEXT,
    payment_id BIGINT REFERENCES dues_payment(id),
    decided_by TEXT,
    decided_at BIGINT,
    PRIMARY KEY (import_id, row_no)
) {{WITHOUT_ROWID}};
CREATE INDEX dues_bank_line_payment ON dues_bank_line(payment_id);
