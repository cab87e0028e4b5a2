-- 0020 ledger imports: every file read into ejia, every row it held (with its
-- provenance: file, sheet, row, file hash, importer, time) and every problem
-- found in it.  A file (by SHA-256) is imported once.

CREATE TABLE ledger_import (
    id {{ID}},
    sha256 TEXT NOT NULL UNIQUE,        -- hex of the file's bytes: the same file is not imported twice
    source TEXT NOT NULL,               -- the file's base name as the office named it
    format TEXT NOT NULL,               -- csv, xlsx, xls
    encoding TEXT,                      -- CSV only
    sheet TEXT,
    header_row INTEGER NOT NULL,
    file_size BIGINT NOT NULL,
    rows INTEGER NOT NULL,
    problems INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    columns TEXT NOT NULL,              -- JSON [{"header":..,"field":..}] in file order
    importer TEXT NOT NULL,             -- user name (API) or "cli:<login>"
    importer_id BIGINT,                 -- users.id when imported through the API
    scope_code TEXT,                    -- the importer's scope (region code) for list filtering
    created_at BIGINT NOT NULL
);
CREATE INDEX ledger_import_scope ON ledger_import(scope_code);

CREATE TABLE ledger_record (
    id {{ID}},
    import_id BIGINT NOT NULL REFERENCES ledger_import(id) ON DELETE CASCADE,
    row INTEGER NOT NULL,               -- 1-based data row of the file's table
    sheet_row INTEGER NOT NULL,         -- the row number a user sees in Excel
    name TEXT, code TEXT, code_kind TEXT, address TEXT, district TEXT, district_code TEXT,
    street TEXT, park TEXT, employees BIGINT, members BIGINT, category TEXT, status TEXT,
    contact TEXT, phone TEXT, capital TEXT, founded TEXT, business_scope TEXT,
    premises TEXT, operating TEXT,
    cells TEXT NOT NULL,                -- JSON array of the raw cells: nothing of the file is lost
    UNIQUE (import_id, row)
);
CREATE INDEX ledger_record_code ON ledger_record(code);

CREATE TABLE ledger_problem (
    id {{ID}},
    import_id BIGINT NOT NULL REFERENCES ledger_import(id) ON DELETE CASCADE,
    row INTEGER NOT NULL,               -- 0 = about the file or its header
    sheet_row INTEGER NOT NULL,
    col INTEGER NOT NULL,               -- 0-based column, -1 none
    kind TEXT NOT NULL CHECK (kind IN ('error', 'warning')),
    column_name TEXT,
    value TEXT,
    message TEXT NOT NULL
);
CREATE INDEX ledger_problem_import ON ledger_problem(import_id, row);
