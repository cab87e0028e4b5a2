-- 0011 auth: a TOTP code is accepted once: the last 30-second step used is
-- remembered and a code of that step or an earlier one is refused.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
