-- 0060 the enterprise register between campaigns (issue 23): an enterprise
-- enters, changes and leaves the register as dated events, so coverage as of
-- any day counts the enterprises in the register on that day; the market
-- regulator's monthly feed is read, matched and turned into proposals that a
-- person accepts (becoming those events) or refuses with a reason.
--
-- "In the register on day D" is `(reg_from IS NULL OR reg_from <= D) AND
-- (reg_to IS NULL OR reg_to > D)`: an enterprise published by a campaign's
-- round has no reg_from (it counts on every day, as before); one created
-- later counts from its day; a closed or merged one stops on its day and
-- keeps its row, covers and events.
ALTER TABLE enterprise ADD COLUMN reg_from TEXT;
ALTER TABLE enterprise ADD COLUMN reg_to TEXT;
ALTER TABLE enterprise ADD COLUMN reg_end TEXT CHECK (reg_end IN ('closed', 'merged'));
ALTER TABLE enterprise ADD COLUMN merged_into BIGINT REFERENCES enterprise(id);
ALTER TABLE enterprise ADD COLUMN business_scope TEXT;
ALTER TABLE enterprise ADD COLUMN founded_on TEXT;

-- Every change of the register, dated: created, edited (the fields before
-- and after), closed, merged (into other_id) and absorbed (the survivor's
-- side of a merge: other_id was merged into it).
CREATE TABLE enterprise_event (
    id {{ID}},
    enterprise_id BIGINT NOT NULL REFERENCES enterprise(id),
    day TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('created', 'edited', 'closed', 'merged', 'absorbed')),
    other_id BIGINT REFERENCES enterprise(id),
    district_code TEXT,                 -- where the enterprise was (scope of the list)
    park_code TEXT,
    before_json TEXT,                   -- the fields changed, before and after (edits)
    after_json TEXT,
    note TEXT,
    proposal_id BIGINT,                 -- the feed's proposal it came from, when accepted
    actor TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX enterprise_event_ent ON enterprise_event(enterprise_id, day);
CREATE INDEX enterprise_event_day ON enterprise_event(day);

-- One feed file read (the same file, by SHA-256, once).
CREATE TABLE register_feed (
    id {{ID}},
    sha256 TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    format TEXT NOT NULL,
    rows INTEGER NOT NULL,
    proposals INTEGER NOT NULL,
    matched INTEGER NOT NULL,           -- rows the matcher found in the register
    skipped INTEGER NOT NULL,           -- rows with nothing to propose (not internet, unchanged, …)
    district_code TEXT,                 -- the importer's district (NULL = the city)
    importer TEXT NOT NULL,
    importer_id BIGINT,
    created_at BIGINT NOT NULL
);

-- What the feed proposes: a new enterprise, a rename, a closing.  Nothing is
-- applied until a person accepts it; a refusal keeps its reason.
CREATE TABLE register_proposal (
    id {{ID}},
    feed_id BIGINT NOT NULL REFERENCES register_feed(id),
    row INTEGER NOT NULL,               -- the feed's data row (sheet_row beside it)
    sheet_row INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('new', 'rename', 'close')),
    enterprise_id BIGINT REFERENCES enterprise(id),   -- matched (rename, close) or created (new, once accepted)
    name TEXT NOT NULL,                 -- as the feed writes it
    old_name TEXT,                      -- the register's name (rename)
    uscc TEXT,
    day TEXT NOT NULL,                  -- the registration's date (成立日期, or the feed's date of the change)
    state TEXT,                         -- 登记状态
    category TEXT,                      -- one of the six
    business_scope TEXT,
    address TEXT,
    district_code TEXT,
    street_code TEXT,
    why TEXT NOT NULL,                  -- in words: why it is proposed (the matcher, the scope words)
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'refused')),
    reason TEXT,                        -- the refusal's reason
    decided_by TEXT,
    decided_at BIGINT,
    UNIQUE (feed_id, row)
);
CREATE INDEX register_proposal_status ON register_proposal(status, district_code);
