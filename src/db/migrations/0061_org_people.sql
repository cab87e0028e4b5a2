-- 0061 organizations' people and terms (issue 23): the posts of a committee
-- (书记, 副书记, 组织委员 …) held by registry members from a day to a day, and
-- the elections (换届) that start a term, with the vote record kept by content
-- (base/files.h, org-files-dir).
--
-- A post is held on day D when `from_day <= D AND (to_day IS NULL OR to_day > D)`,
-- as everywhere else.  person_id NULL is a name carried over from the old free
-- text (org.secretary, org.committee) that matched no single member of the
-- organization: shown as 未关联 until the office links it or ends it.
-- org.secretary and org.committee stay, kept in step with today's posts by
-- every write here (their readers: the findings, the bulletin, the pages).
CREATE TABLE org_election (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    day TEXT NOT NULL,                        -- the election (选举大会) day: the term starts
    org_kind TEXT NOT NULL,                   -- the organization's kind then (the term's length)
    term_years INTEGER NOT NULL,
    term_end TEXT NOT NULL,                   -- the day the term runs out (day + term_years)
    note TEXT,
    file_name TEXT,                           -- the vote record (表决票、计票单), kept by content
    file_mime TEXT,
    file_size BIGINT,
    file_sha256 TEXT,
    recorded_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX org_election_org ON org_election(org_id, day);

CREATE TABLE org_post (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    post TEXT NOT NULL,                       -- 书记 副书记 组织委员 宣传委员 纪检委员 青年委员 统战委员 委员
    person_id BIGINT REFERENCES person(id),   -- NULL = 未关联 (a carried-over name)
    name TEXT NOT NULL,
    from_day TEXT NOT NULL,
    to_day TEXT,
    election_id BIGINT REFERENCES org_election(id),
    source TEXT NOT NULL CHECK (source IN ('manual', 'election', 'carried')),
    note TEXT,                                -- why it ended, how it was carried over
    created_by TEXT,
    created_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX org_post_org ON org_post(org_id, from_day);
CREATE INDEX org_post_person ON org_post(person_id, from_day);

-- The old names are carried into org_post at the next start (committee_store_carry).
INSERT INTO meta(key, value) VALUES ('org-post-carry', 'yes');
