-- 0045 the development pipeline as of any day, kept as it is written rather
-- than worked out when asked.
--
-- develop_due: for each applicant, the stretches of days during which a step
-- with a deadline was its next required one — opened on the day of the step
-- recorded before it, closed on the day of the next step recorded (NULL: still
-- open).  The due list as of a day D is then the stretches with
-- opened_on <= D < closed_on and a deadline within reach: one indexed read,
-- where replaying every file's steps (a million at 200,000 applicants) took
-- seconds.  Rewritten whole for an applicant whenever its steps change (a step,
-- an undo) and for every file when the city office edits the table of steps.
--
-- voted_on, full_on: the days of the two votes on the applicant's row (NULL
-- until they happen), so the figures by stage, category and year are one read
-- of one index.
--
-- Files made before this migration get theirs when the program next starts
-- (develop_store_upgrade, marked by the meta row below).
CREATE TABLE develop_due (
    applicant_id BIGINT NOT NULL REFERENCES develop_applicant(id),
    step TEXT NOT NULL,
    stage TEXT NOT NULL,                                    -- the applicant's stage during the stretch
    from_day TEXT,                                          -- the step's earliest day, if any
    due_day TEXT NOT NULL,
    opened_on TEXT NOT NULL,
    closed_on TEXT
);
CREATE INDEX develop_due_applicant ON develop_due(applicant_id);
CREATE INDEX develop_due_day ON develop_due(due_day, opened_on, closed_on, applicant_id);

ALTER TABLE develop_applicant ADD COLUMN voted_on TEXT;
ALTER TABLE develop_applicant ADD COLUMN full_on TEXT;
-- the figures read only these columns (the scope's and the filters' first): a scan of this index,
-- narrower than the rows (sealed ID numbers, names, notes)
CREATE INDEX develop_applicant_figures ON develop_applicant(district_code, park_code, org_path, user_id, stage,
    status, ent_category, applied_on, voted_on, full_on);

INSERT INTO meta(key, value) VALUES ('develop-due-stale', 'yes');
