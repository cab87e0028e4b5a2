-- 0022 ledger: the day the field check was made (the form's 核查日期), which is
-- not the day it was typed in (recorded_at).
ALTER TABLE ledger_verification ADD COLUMN verified_on TEXT;
