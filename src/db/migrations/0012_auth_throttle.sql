-- 0012 auth: login throttling by address, and lockout of names that are no
-- account (src/auth/lockout.c): one attacker cannot lock everyone out, and the
-- replies do not tell whether an account exists.

-- Failed logins per source address in a window of login-address-minutes;
-- paused_until > now refuses every login from the address (429).
CREATE TABLE login_throttle (
    address TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,        -- epoch seconds of the window's first failure
    failures INTEGER NOT NULL,
    paused_until BIGINT NOT NULL DEFAULT 0
);

-- Failed logins under names that are no account, counted and locked exactly
-- like users.failed_count / users.locked_until.
CREATE TABLE login_name_failures (
    username TEXT PRIMARY KEY,           -- lower-cased when it is a valid user name
    failed_count INTEGER NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);
CREATE INDEX login_name_failures_updated ON login_name_failures(updated_at);
