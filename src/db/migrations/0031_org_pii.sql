-- 0031 instructors' phones encrypted at rest: phone holds ciphertext
-- ("v1.…"), phone_masked what lists and exports show; pii = 1 once sealed
-- (older rows are sealed when the server starts).
ALTER TABLE org_instructor ADD COLUMN phone_masked TEXT;
ALTER TABLE org_instructor ADD COLUMN pii INTEGER NOT NULL DEFAULT 0;
