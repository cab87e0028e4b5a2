-- 0013 audit: the head (last sequence number and hash) carries an HMAC under a
-- key derived from the key file, like the rows (src/auth/audit.c).  Without it
-- someone with write access could delete the newest rows and set the head to
-- the last row left, and the chain would verify.  NULL = not sealed: a
-- database without audit rows yet, or one from before this migration
-- (`ejia audit verify` says so; `ejia audit seal` seals it, audited).
-- The guards (triggers) that keep the head from moving backwards are installed
-- by audit_guard_install, like those on audit, because their syntax differs.
ALTER TABLE audit_head ADD COLUMN mac TEXT;
