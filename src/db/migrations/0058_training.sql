-- 0058 training batches (轮训, issue 16): a batch kept by the city office, its
-- sessions, the people on its roster (registry members, or accounts that are
-- not party members: an investor, a platform administrator), attendance per
-- session (checked in with the meetings' rotating code, or marked by hand with
-- a reason), completion with a numbered certificate and the batch's hours
-- credited once to registry members (study_credit, source 'training').

CREATE TABLE training_batch (
    id {{ID}},
    name TEXT NOT NULL,                 -- 第一期互联网企业党组织书记培训班
    number INTEGER NOT NULL DEFAULT 1,  -- 期数
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    place TEXT NOT NULL,
    audience TEXT NOT NULL,             -- secretary | investor | admin | member | other
    organizer TEXT NOT NULL,            -- 中共厦门市委组织部
    note TEXT,
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'finished')),
    finished_on TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE training_session (
    id {{ID}},
    batch_id BIGINT NOT NULL REFERENCES training_batch(id),
    day TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    topic TEXT NOT NULL,
    teacher TEXT NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes > 0),   -- 学时 × 60
    place TEXT
);
CREATE INDEX training_session_batch ON training_session(batch_id, day, start_time);

-- One person on a batch's roster: a registry member (person_id) or an account
-- that is not one (user_id), never both.  invited → enrolled (accepted) or
-- declined; enrolled by the office directly; withdrawn with a reason.
CREATE TABLE training_attendee (
    id {{ID}},
    batch_id BIGINT NOT NULL REFERENCES training_batch(id),
    person_id BIGINT REFERENCES person(id),
    user_id BIGINT REFERENCES users(id),
    name TEXT NOT NULL,
    unit TEXT,                          -- the member's organization, the account's enterprise or office
    state TEXT NOT NULL CHECK (state IN ('invited', 'enrolled', 'declined', 'withdrawn')),
    via TEXT NOT NULL,                  -- how they came: org | role | list | invite
    note TEXT,                          -- why withdrawn
    completed_on TEXT,
    cert_no TEXT,
    credited_minutes INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0,
    answered_at BIGINT,
    CHECK ((person_id IS NULL) <> (user_id IS NULL)),
    UNIQUE (batch_id, person_id),
    UNIQUE (batch_id, user_id)
);
CREATE INDEX training_attendee_person ON training_attendee(person_id);
CREATE INDEX training_attendee_user ON training_attendee(user_id);

CREATE TABLE training_attendance (
    session_id BIGINT NOT NULL REFERENCES training_session(id),
    attendee_id BIGINT NOT NULL REFERENCES training_attendee(id),
    how TEXT NOT NULL CHECK (how IN ('checkin', 'manual')),
    at BIGINT NOT NULL,
    reason TEXT,
    actor TEXT NOT NULL,
    PRIMARY KEY (session_id, attendee_id)
);
CREATE INDEX training_attendance_attendee ON training_attendance(attendee_id);

-- The certificates' numbers, one sequence a year.
CREATE TABLE training_cert_seq (
    year INTEGER PRIMARY KEY,
    last_seq INTEGER NOT NULL
);
