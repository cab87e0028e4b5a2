-- 0051 organization-relation transfers (组织关系接转): a member's membership
-- moved to another organization inside the system (sent, approved by the
-- sending organization, accepted or returned by the receiving one), sent out
-- of the system with a printed letter (介绍信, numbered in the city's
-- sequence, its receipt recorded when it comes back), or registered when a
-- letter from outside arrives.
--
-- A transfer keeps both organizations' places (path, district, park) as the
-- notices and meetings do, so each side's list is one indexed range: the
-- sending side approves, the receiving side accepts.  An organization outside
-- the system is only a name (to_name for a letter out, from_name for one in).
-- Every step is a row of transfer_step (who, when, what was said).
CREATE TABLE transfer (
    id {{ID}},
    kind TEXT NOT NULL CHECK (kind IN ('internal', 'out', 'in')),
    state TEXT NOT NULL CHECK (state IN ('requested', 'sent', 'returned', 'refused', 'accepted', 'cancelled', 'letter', 'completed')),
    person_id BIGINT NOT NULL REFERENCES person(id),
    name TEXT NOT NULL,                       -- the person's name when the transfer began
    category TEXT NOT NULL,                   -- 正式党员 / 预备党员 then
    from_org_id BIGINT REFERENCES org(id),    -- NULL: a letter from outside (from_name)
    from_path TEXT,
    from_district TEXT,
    from_park TEXT,
    from_name TEXT NOT NULL,
    to_org_id BIGINT REFERENCES org(id),      -- NULL: a letter out of the system (to_name)
    to_path TEXT,
    to_district TEXT,
    to_park TEXT,
    to_name TEXT NOT NULL,
    reason TEXT,                              -- why (工作调动, 升学, …)
    by_member INTEGER NOT NULL DEFAULT 0,     -- started by the member themselves
    requested_on TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    approved_on TEXT,
    approved_by TEXT,
    dues_owed TEXT,                           -- the months owed when approved ("2026-05、2026-06"), NULL when paid up
    dues_override TEXT,                       -- the reason given to approve despite them
    accepted_on TEXT,
    accepted_by TEXT,
    closed_on TEXT,                           -- refused, cancelled, accepted or completed
    note TEXT,                                -- the last reason given (refused, returned, cancelled)
    letter_no TEXT,                           -- 厦组转〔2026〕第0001号 (letters out; or the incoming letter's own number)
    letter_year INTEGER,
    letter_seq INTEGER,
    letter_on TEXT,
    valid_until TEXT,
    receipt_on TEXT,
    receipt_note TEXT,
    created_at BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX transfer_person ON transfer(person_id, id);
CREATE INDEX transfer_from ON transfer(from_path, state);
CREATE INDEX transfer_to ON transfer(to_path, state);
CREATE INDEX transfer_from_district ON transfer(from_district, state);
CREATE INDEX transfer_to_district ON transfer(to_district, state);
CREATE INDEX transfer_state ON transfer(state, valid_until);

-- Every step of a transfer, in order: requested, approved, refused, sent
-- again, returned, accepted, cancelled, letter issued, receipt recorded.
CREATE TABLE transfer_step (
    id {{ID}},
    transfer_id BIGINT NOT NULL REFERENCES transfer(id),
    action TEXT NOT NULL,
    day TEXT NOT NULL,
    side TEXT NOT NULL,                       -- sender, receiver, member
    actor TEXT NOT NULL,
    actor_id BIGINT,
    note TEXT,
    at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX transfer_step_transfer ON transfer_step(transfer_id, id);

-- The city's sequence of letters: one counter per year.
CREATE TABLE transfer_counter (
    year INTEGER PRIMARY KEY,
    last_seq INTEGER NOT NULL
);
