-- 0055 study hours (学时): the one ledger every way of studying credits.
-- Online study (a course's heartbeats), offline study recorded by an
-- organizer or imported, an exam passed and a training batch completed all
-- credit here and nowhere else, so a member's hours, a branch's completion
-- and the points that read the activity log agree.  Time is whole minutes
-- (1 学时 = 60 minutes, rules.md); a year is the calendar year of the day.

-- One credit: a member, a day, a source (online / offline / exam / training)
-- and the record behind it (the course, the offline record, the exam attempt,
-- the batch).  Online study adds to the day's row of the course (one row per
-- member, course and day, not one per heartbeat); the others write one row.
CREATE TABLE study_credit (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES person(id),
    year INTEGER NOT NULL,
    day TEXT NOT NULL,
    minutes BIGINT NOT NULL CHECK (minutes > 0),
    category TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('online', 'offline', 'exam', 'training')),
    source_id BIGINT NOT NULL,
    note TEXT,
    actor TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0,
    UNIQUE (person_id, source, source_id, day)
);
CREATE INDEX study_credit_source ON study_credit(source, source_id);

-- A member's hours of a year, kept by every credit in the same transaction,
-- so progress figures read one row a member, never the credits.
CREATE TABLE study_year (
    person_id BIGINT NOT NULL REFERENCES person(id),
    year INTEGER NOT NULL,
    minutes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (person_id, year)
);
