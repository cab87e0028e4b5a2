-- 0054 dues_line without foreign keys.  A month's lines for a province
-- (5,000,000 members) are written by one INSERT … SELECT inside the act's
-- transaction; a foreign key check can abort such a statement, so SQLite kept
-- a statement journal — a copy of every page the statement changed — which
-- outgrew the temporary store ("database or disk is full") and took most of
-- the time.  The lines are written only by dues_store.c from a join of the
-- sheet (which names the organization) and the registry (which names the
-- person), so the keys they checked hold by construction; the sheet, the
-- person and the organization are never deleted while a line names them
-- (a sheet is remade in place, people and organizations are kept).
CREATE TABLE dues_line_new (
    sheet_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    month TEXT NOT NULL,
    org_id BIGINT NOT NULL,
    kind TEXT,
    due_fen BIGINT NOT NULL,
    relief_id BIGINT,
    state TEXT NOT NULL CHECK (state IN ('owed', 'paid', 'waived', 'nobase')),
    paid_fen BIGINT NOT NULL DEFAULT 0,
    payment_id BIGINT,
    PRIMARY KEY (sheet_id, person_id)
) {{WITHOUT_ROWID}};
INSERT INTO dues_line_new(sheet_id, person_id, month, org_id, kind, due_fen, relief_id, state, paid_fen, payment_id)
    SELECT sheet_id, person_id, month, org_id, kind, due_fen, relief_id, state, paid_fen, payment_id FROM dues_line;
DROP TABLE dues_line;
ALTER TABLE dues_line_new RENAME TO dues_line;
CREATE UNIQUE INDEX dues_line_month_person ON dues_line(month, person_id);
