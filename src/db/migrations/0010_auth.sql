-- 0010 auth: accounts, sessions and the audit trail (src/auth/).
-- Sensitive fields (id_number, phone, TOTP secrets) hold ciphertext written by
-- src/auth/crypt.c (XChaCha20-Poly1305, key outside the database), never plain text.
-- The append-only triggers on audit differ per database and are installed by
-- src/auth/audit.c (audit_guard_install) right after migrating.

CREATE TABLE users (
    id {{ID}},
    username TEXT NOT NULL UNIQUE,        -- lower-case [a-z0-9._-], 2–32
    name TEXT NOT NULL,                   -- display name (Chinese)
    role TEXT NOT NULL CHECK (role IN ('city', 'district', 'park', 'org_admin', 'secretary',
                                       'member', 'investor', 'auditor', 'sysadmin')),
    scope_kind TEXT NOT NULL CHECK (scope_kind IN ('city', 'district', 'park', 'org', 'self', 'enterprise')),
    scope_code TEXT NOT NULL,             -- region code, organization id, enterprise id, or user id (self)
    scope_name TEXT NOT NULL,             -- 厦门市 / 思明区 / 软件园二期 / the enterprise's name ...
    password_hash TEXT NOT NULL,          -- libsodium crypto_pwhash_str (argon2id)
    password_changed_at BIGINT NOT NULL DEFAULT 0,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    totp_secret TEXT,                     -- encrypted; set once confirmed
    totp_pending TEXT,                    -- encrypted; between setup and confirmation
    failed_count INTEGER NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0,
    id_number TEXT,                       -- encrypted resident ID number
    phone TEXT,                           -- encrypted phone number
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX users_scope ON users(scope_kind, scope_code);

-- A session is known by the SHA-256 of its cookie token; the token itself is never stored.
CREATE TABLE sessions (
    id {{ID}},
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,           -- absolute end (created + session-absolute)
    ended_at BIGINT,                      -- logout, idle/absolute expiry, ended by the user
    address TEXT,
    user_agent TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

-- The audit trail: append-only, each row chained to the previous one:
-- hash = SHA-256(prev_hash + canonical row text) (see src/auth/audit.c).
CREATE TABLE audit (
    seq BIGINT PRIMARY KEY,               -- 1, 2, 3 ... without gaps (assigned under audit_head's lock)
    at BIGINT NOT NULL,                   -- epoch seconds
    user_id BIGINT,
    username TEXT,
    role TEXT,
    action TEXT NOT NULL,                 -- auth.login, auth.login_failed, access.denied, user.create ...
    object TEXT,
    result TEXT NOT NULL,                 -- ok, failed, denied, locked
    address TEXT,
    detail TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_user ON audit(username);
CREATE INDEX audit_action ON audit(action);

-- One row: the last sequence number and hash.  Updating it takes the row lock
-- that serializes writers on PostgreSQL (SQLite serializes write transactions).
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head(id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Retention purge: rows up to anchor_seq were removed; anchor_hash was the hash
-- of row anchor_seq, so the chain of the rows kept still verifies from it.
-- purge_upto opens the delete trigger for exactly those rows during the purge.
CREATE TABLE audit_anchor (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    anchor_seq BIGINT NOT NULL,
    anchor_hash TEXT NOT NULL,
    purge_upto BIGINT NOT NULL DEFAULT 0
);
INSERT INTO audit_anchor(id, anchor_seq, anchor_hash, purge_upto)
    VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0);
