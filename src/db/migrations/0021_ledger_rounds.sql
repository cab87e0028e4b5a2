-- 0021 ledger rounds (四轮次摸清底数): kept snapshots of the reconciled ledger,
-- reviewers' decisions (re-applied on every later run), field verification,
-- and the link from the published final ledger back to its round.

CREATE TABLE ledger_round (
    id {{ID}},
    number INTEGER NOT NULL CHECK (number BETWEEN 1 AND 4),   -- 1 departments, 2 surveys, 3 cross-check, 4 verified
    name TEXT NOT NULL,
    base_round BIGINT REFERENCES ledger_round(id),           -- round 4: the round 3 it verifies
    records INTEGER NOT NULL,
    entities INTEGER NOT NULL,           -- kept (not removed)
    removed INTEGER NOT NULL,
    review INTEGER NOT NULL,             -- uncertain pairs left for people
    params TEXT NOT NULL,                -- JSON: thresholds, EM estimates, timings
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    published_at BIGINT
);

CREATE TABLE ledger_round_import (
    round_id BIGINT NOT NULL REFERENCES ledger_round(id) ON DELETE CASCADE,
    import_id BIGINT NOT NULL REFERENCES ledger_import(id),
    position INTEGER NOT NULL,           -- order given: earlier sources win ties (经信局 first)
    PRIMARY KEY (round_id, import_id)
);

CREATE TABLE ledger_round_entity (
    round_id BIGINT NOT NULL REFERENCES ledger_round(id) ON DELETE CASCADE,
    entity_no INTEGER NOT NULL,          -- 1-based within the round
    name TEXT NOT NULL, uscc TEXT, district TEXT, district_code TEXT, address TEXT, category TEXT,
    park_code TEXT,                      -- the park named in the address (软件园二期 ...), for park workers
    employees BIGINT, members BIGINT,
    zombie INTEGER NOT NULL DEFAULT 0,   -- 1 definite, 2 suspected (goes to field verification)
    zombie_reason TEXT,
    removed_reason TEXT,                 -- NULL = in this round's ledger
    records TEXT NOT NULL,               -- JSON array of ledger_record ids: the lineage
    PRIMARY KEY (round_id, entity_no)
);

-- record → entity of each round: the diff between rounds follows shared records
CREATE TABLE ledger_round_member (
    round_id BIGINT NOT NULL REFERENCES ledger_round(id) ON DELETE CASCADE,
    record_id BIGINT NOT NULL REFERENCES ledger_record(id),
    entity_no INTEGER NOT NULL,
    PRIMARY KEY (round_id, record_id)
);

CREATE TABLE ledger_round_review (
    round_id BIGINT NOT NULL REFERENCES ledger_round(id) ON DELETE CASCADE,
    a_record BIGINT NOT NULL REFERENCES ledger_record(id),
    b_record BIGINT NOT NULL REFERENCES ledger_record(id),
    prob DOUBLE PRECISION NOT NULL,
    weight DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (round_id, a_record, b_record)
);

-- a person's decision on two records; the latest one counts and is applied on every later run
CREATE TABLE ledger_decision (
    a_record BIGINT NOT NULL REFERENCES ledger_record(id),
    b_record BIGINT NOT NULL REFERENCES ledger_record(id),
    verdict TEXT NOT NULL CHECK (verdict IN ('same', 'different')),
    decided_by TEXT NOT NULL,
    decided_at BIGINT NOT NULL,
    PRIMARY KEY (a_record, b_record)
);

-- field verification of a round's enterprise (round 4's input)
CREATE TABLE ledger_verification (
    round_id BIGINT NOT NULL REFERENCES ledger_round(id) ON DELETE CASCADE,
    entity_no INTEGER NOT NULL,
    employees BIGINT,                    -- counted on site
    premises INTEGER,                    -- 1 has office premises, 0 none
    operating INTEGER,                   -- 1 operating normally, 0 not
    verifier TEXT,
    note TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (round_id, entity_no)
);

ALTER TABLE enterprise ADD COLUMN ledger_round BIGINT;
ALTER TABLE enterprise ADD COLUMN ledger_entity INTEGER;
