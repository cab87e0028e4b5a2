-- 0057 exams (在线考试): question banks imported from xlsx or CSV, exams that
-- draw their questions at random from a bank, and the members' attempts,
-- scored on the server.  A bank and an exam are kept by the city (district_code
-- NULL) or a district.  Answers are letters: a single choice "B", a multiple
-- choice its letters in order "ACD", true/false "A" (正确) or "B" (错误).

-- A bank, imported from one file (all of it or nothing).
CREATE TABLE exam_bank (
    id {{ID}},
    name TEXT NOT NULL,
    district_code TEXT,                         -- NULL: the city's
    source TEXT NOT NULL,                       -- the file's name
    sha256 TEXT NOT NULL,
    questions INTEGER NOT NULL DEFAULT 0,
    n_single INTEGER NOT NULL DEFAULT 0,
    n_multiple INTEGER NOT NULL DEFAULT 0,
    n_judge INTEGER NOT NULL DEFAULT 0,
    importer TEXT NOT NULL,
    importer_id BIGINT,
    created_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX exam_bank_district ON exam_bank(district_code);

-- One question of a bank: options a JSON array of texts (true/false: none
-- stored, 正确 / 错误 shown).
CREATE TABLE exam_question (
    id {{ID}},
    bank_id BIGINT NOT NULL REFERENCES exam_bank(id),
    seq INTEGER NOT NULL,                       -- its row in the file's order
    kind TEXT NOT NULL CHECK (kind IN ('single', 'multiple', 'judge')),
    stem TEXT NOT NULL,
    options TEXT NOT NULL,
    answer TEXT NOT NULL,
    explanation TEXT,
    category TEXT,
    UNIQUE (bank_id, seq)
);

-- An exam: how many questions of each kind are drawn (n_any: of any kind,
-- when no kind is counted), the time limit, the pass mark (percent), the
-- attempts allowed, who may take it, the days it is open, and the hours a
-- pass grants (credit_minutes 0: none).
CREATE TABLE exam (
    id {{ID}},
    title TEXT NOT NULL,
    bank_id BIGINT NOT NULL REFERENCES exam_bank(id),
    district_code TEXT,                         -- the bank's
    n_any INTEGER NOT NULL DEFAULT 0,
    n_single INTEGER NOT NULL DEFAULT 0,
    n_multiple INTEGER NOT NULL DEFAULT 0,
    n_judge INTEGER NOT NULL DEFAULT 0,
    minutes INTEGER NOT NULL,
    pass_score INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    audience TEXT NOT NULL CHECK (audience IN ('all', 'full', 'probation', 'secretary')),
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'open', 'closed')),
    credit_minutes INTEGER NOT NULL DEFAULT 0,
    credit_category TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX exam_district ON exam(district_code, state);

-- One attempt: the server's clock decides (deadline, epoch seconds); the score
-- is a percent, passed 1 or 0, once submitted (state 'submitted').
CREATE TABLE exam_attempt (
    id {{ID}},
    exam_id BIGINT NOT NULL REFERENCES exam(id),
    person_id BIGINT NOT NULL REFERENCES person(id),
    user_id BIGINT,
    district_code TEXT,                         -- the member's, when started
    org_id BIGINT,
    started_at BIGINT NOT NULL,
    deadline BIGINT NOT NULL,
    submitted_at BIGINT,
    state TEXT NOT NULL CHECK (state IN ('open', 'submitted')),
    late INTEGER NOT NULL DEFAULT 0,            -- submitted after the deadline and its grace
    questions INTEGER NOT NULL,
    correct INTEGER NOT NULL DEFAULT 0,
    score INTEGER NOT NULL DEFAULT 0,
    passed INTEGER NOT NULL DEFAULT 0,
    credited_minutes INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX exam_attempt_exam ON exam_attempt(exam_id, person_id);
CREATE INDEX exam_attempt_person ON exam_attempt(person_id);

-- The questions drawn for an attempt, in the order shown, with the member's
-- answer as saved (NULL: not answered) and, once scored, its points (0, 1, 2
-- halves).
CREATE TABLE exam_attempt_question (
    attempt_id BIGINT NOT NULL REFERENCES exam_attempt(id),
    seq INTEGER NOT NULL,
    question_id BIGINT NOT NULL REFERENCES exam_question(id),
    answer TEXT,
    answered_at BIGINT,
    halves INTEGER,
    PRIMARY KEY (attempt_id, seq)
);

-- The one pass of an exam that granted its hours: a member's first passing
-- attempt; a later pass finds the row and grants nothing more.
CREATE TABLE exam_pass (
    exam_id BIGINT NOT NULL REFERENCES exam(id),
    person_id BIGINT NOT NULL REFERENCES person(id),
    attempt_id BIGINT NOT NULL REFERENCES exam_attempt(id),
    PRIMARY KEY (exam_id, person_id)
);
