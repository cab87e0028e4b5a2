-- 0023 personal data in ledger records encrypted at rest (ledger/pii.h):
-- contact and phone hold ciphertext ("v1.…"), with masked copies for
-- display; cells holds the raw cells with personal ones masked, and
-- cells_sealed the personal cells themselves, sealed.  pii = 1 once a row is
-- stored that way; rows of older versions (pii = 0) are sealed when the
-- server starts (ledger_pii_upgrade).
ALTER TABLE ledger_record ADD COLUMN contact_masked TEXT;
ALTER TABLE ledger_record ADD COLUMN phone_masked TEXT;
ALTER TABLE ledger_record ADD COLUMN cells_sealed TEXT;
ALTER TABLE ledger_record ADD COLUMN pii INTEGER NOT NULL DEFAULT 0;
CREATE INDEX ledger_record_pii ON ledger_record(pii) WHERE pii = 0;
