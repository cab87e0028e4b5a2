-- 0056 courses (课程) and honest online study time (issue 16, study-courses).
-- A course is kept by the city (district_code NULL) or by a district: an
-- article (sanitized HTML kept in body), a PDF document or a video (the file
-- kept by base/files.h under the sha256, served with range requests).  Its
-- minutes are what it is worth; a video's duration caps what its study can
-- ever credit.  Hours are credited only through study_credit (0055).
CREATE TABLE course (
    id {{ID}},
    kind TEXT NOT NULL CHECK (kind IN ('article', 'pdf', 'video')),
    title TEXT NOT NULL,
    summary TEXT,
    category TEXT NOT NULL,                   -- 理论学习, 党章党规, …
    audience TEXT NOT NULL DEFAULT 'all' CHECK (audience IN ('all', 'committee', 'probationary')),
    minutes BIGINT NOT NULL CHECK (minutes > 0),   -- its 学时 in minutes (a video: at least its length)
    required_year INTEGER,                    -- required of its audience in that year; NULL = optional
    state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published', 'withdrawn')),
    district_code TEXT,                       -- NULL: the city's library
    body TEXT,                                -- article: sanitized HTML
    file_sha TEXT,                            -- pdf/video: the kept file
    file_name TEXT,
    file_size BIGINT,
    file_mime TEXT,
    duration_sec BIGINT,                      -- video: its length (caps credited study)
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX course_place ON course(district_code, state);

-- A member's study of one course: seconds credited so far (the video cap),
-- seconds waiting to make a whole minute, where they stopped (a video's
-- second, an article's scroll share, a PDF's page) and when.
CREATE TABLE course_progress (
    person_id BIGINT NOT NULL REFERENCES person(id),
    course_id BIGINT NOT NULL REFERENCES course(id),
    seconds BIGINT NOT NULL DEFAULT 0,
    pending BIGINT NOT NULL DEFAULT 0,
    position DOUBLE PRECISION NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (person_id, course_id)
);

-- The member's one open study session (one course at a time): opening a
-- course replaces it (the older page's heartbeats then credit nothing).  Each
-- accepted heartbeat is one UPDATE of this row: its sequence number (a replay
-- credits nothing), the time it was accepted (the next may credit at most the
-- real time since), the day's credited seconds (the daily cap), the seconds
-- not yet a whole minute, and the position.  In the database, so that any
-- server may take the next heartbeat.
CREATE TABLE course_session (
    person_id BIGINT PRIMARY KEY REFERENCES person(id),
    course_id BIGINT NOT NULL REFERENCES course(id),
    token TEXT NOT NULL,
    seq BIGINT NOT NULL DEFAULT 0,
    last_at BIGINT NOT NULL,
    day TEXT NOT NULL,
    day_seconds BIGINT NOT NULL DEFAULT 0,
    course_seconds BIGINT NOT NULL DEFAULT 0,     -- credited to this course so far (all sessions)
    pending BIGINT NOT NULL DEFAULT 0,            -- seconds of this course not yet a whole minute
    position DOUBLE PRECISION NOT NULL DEFAULT 0,
    opened_at BIGINT NOT NULL
);

-- Offline study (集中培训, 党课) recorded by an organizer or imported: one
-- record, its members each credited once (study_credit source 'offline').
CREATE TABLE course_offline (
    id {{ID}},
    title TEXT NOT NULL,
    category TEXT NOT NULL,
    day TEXT NOT NULL,
    minutes BIGINT NOT NULL CHECK (minutes > 0),
    org_id BIGINT REFERENCES org(id),         -- the organizer's organization (scope), NULL for city/district
    org_path TEXT,
    district_code TEXT,
    park_code TEXT,
    members BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0
);
