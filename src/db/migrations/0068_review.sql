-- 0068 content pre-review (内容预审, issue 19): an enterprise's review group of
-- registry members (dated, with a lead), the checklists it reviews against (the
-- city's default and the enterprise's own, each edit a new version: an item keeps
-- the version it was submitted with), the items submitted (a game or its version,
-- an article, an app release: title, description, links, files kept by content in
-- review-files-dir, deadline), the reviewers assigned, their findings per
-- checklist entry, and the decision with its reasons.
--
-- The content (titles, descriptions, files, findings) stays inside the
-- enterprise's scope: an item's place for the scope check is its organization's
-- path and its enterprise, never its district or park, so the offices reach it
-- only through the figures (review_store_figures), which count.
CREATE TABLE review_checklist (
    id {{ID}},
    enterprise_id BIGINT REFERENCES enterprise(id),   -- NULL = the city's default
    name TEXT NOT NULL,
    version INTEGER NOT NULL,                          -- 1, 2, … per owner
    current INTEGER NOT NULL DEFAULT 1,                -- 1 = the version in use (one per owner)
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX review_checklist_owner ON review_checklist(enterprise_id, current);

-- The entries of one checklist version (never changed once written).
CREATE TABLE review_check (
    id {{ID}},
    checklist_id BIGINT NOT NULL REFERENCES review_checklist(id),
    seq INTEGER NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('political', 'historical', 'map', 'violence', 'gambling', 'minors', 'privacy', 'other')),
    title TEXT NOT NULL,
    guide TEXT
);
CREATE INDEX review_check_list ON review_check(checklist_id, seq);

CREATE TABLE review_group (
    id {{ID}},
    enterprise_id BIGINT NOT NULL UNIQUE REFERENCES enterprise(id),
    name TEXT NOT NULL,
    lead_person_id BIGINT REFERENCES person(id),
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0
);

-- A member of the group from a day to a day (to_day NULL: still in it).
CREATE TABLE review_member (
    id {{ID}},
    group_id BIGINT NOT NULL REFERENCES review_group(id),
    person_id BIGINT NOT NULL REFERENCES person(id),
    name TEXT NOT NULL,
    from_day TEXT NOT NULL,
    to_day TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX review_member_group ON review_member(group_id, from_day);

CREATE TABLE review_item (
    id {{ID}},
    enterprise_id BIGINT NOT NULL REFERENCES enterprise(id),
    group_id BIGINT NOT NULL REFERENCES review_group(id),
    checklist_id BIGINT NOT NULL REFERENCES review_checklist(id),   -- the version reviewed against
    org_path TEXT,                  -- the covering organization's path when submitted (scope)
    district_code TEXT,             -- the enterprise's, when submitted (figures only)
    park_code TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('game', 'article', 'app', 'other')),
    title TEXT NOT NULL,
    description TEXT,
    links TEXT,                     -- JSON array of URLs
    deadline TEXT NOT NULL,         -- YYYY-MM-DD
    state TEXT NOT NULL CHECK (state IN ('submitted', 'reviewing', 'decided', 'withdrawn')),
    decision TEXT CHECK (decision IN ('pass', 'pass_changes', 'reject')),
    decision_note TEXT,
    submitted_by TEXT NOT NULL,
    submitted_on TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    decided_by TEXT,
    decided_on TEXT,
    decided_at BIGINT
);
CREATE INDEX review_item_ent ON review_item(enterprise_id, state);
CREATE INDEX review_item_district ON review_item(district_code, submitted_on);

CREATE TABLE review_file (
    id {{ID}},
    item_id BIGINT NOT NULL REFERENCES review_item(id),
    name TEXT NOT NULL,
    mime TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX review_file_item ON review_file(item_id);

-- A reviewer assigned to an item: a member of the group with an account
-- (user_id: only they record its findings).
CREATE TABLE review_assign (
    id {{ID}},
    item_id BIGINT NOT NULL REFERENCES review_item(id),
    person_id BIGINT NOT NULL REFERENCES person(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    assigned_by TEXT NOT NULL,
    assigned_at BIGINT NOT NULL,
    done_at BIGINT,
    UNIQUE (item_id, person_id)
);
CREATE INDEX review_assign_user ON review_assign(user_id, done_at);

CREATE TABLE review_finding (
    id {{ID}},
    assign_id BIGINT NOT NULL REFERENCES review_assign(id),
    check_id BIGINT NOT NULL REFERENCES review_check(id),
    result TEXT NOT NULL CHECK (result IN ('pass', 'issue')),
    note TEXT,
    at BIGINT NOT NULL,
    UNIQUE (assign_id, check_id)
);

-- The reasons of a decision: checklist entries (their category for the figures).
CREATE TABLE review_reason (
    item_id BIGINT NOT NULL REFERENCES review_item(id),
    check_id BIGINT NOT NULL REFERENCES review_check(id),
    category TEXT NOT NULL,
    PRIMARY KEY (item_id, check_id)
);
CREATE INDEX review_reason_cat ON review_reason(category);

-- The city's default checklist, version 1 (the city's rules.write edits it: a new version).
INSERT INTO review_checklist(enterprise_id, name, version, current, created_by, created_at)
VALUES (NULL, '全市内容预审清单', 1, 1, 'migration', {{NOW}});
INSERT INTO review_check(checklist_id, seq, category, title, guide)
SELECT id, 1, 'political', '政治导向', '不得含有违反宪法、危害国家安全、损害国家荣誉和利益的内容' FROM review_checklist WHERE enterprise_id IS NULL AND version = 1;
INSERT INTO review_check(checklist_id, seq, category, title, guide)
SELECT id, 2, 'historical', '历史表述', '不得歪曲、丑化、亵渎、否定英雄烈士事迹和精神，不得歪曲党史国史' FROM review_checklist WHERE enterprise_id IS NULL AND version = 1;
INSERT INTO review_check(checklist_id, seq, category, title, guide)
SELECT id, 3, 'map', '地图与国界', '使用的地图应为标准地图（审图号），国界线、南海诸岛、台湾岛等表示完整准确' FROM review_checklist WHERE enterprise_id IS NULL AND version = 1;
INSERT INTO review_check(checklist_id, seq, category, title, guide)
SELECT id, 4, 'violence', '暴力恐怖', '不得宣扬暴力、恐怖，不得含有血腥、残酷的画面' FROM review_checklist WHERE enterprise_id IS NULL AND version = 1;
INSERT INTO review_check(checklist_id, seq, category, title, guide)
SELECT id, 5, 'gambling', '赌博', '不得含有赌博或变相赌博的玩法' FROM review_checklist WHERE enterprise_id IS NULL AND version = 1;
INSERT INTO review_check(checklist_id, seq, category, title, guide)
SELECT id, 6, 'minors', '未成年人保护', '防沉迷、适龄提示、充值限制符合规定，不得含有诱导未成年人的内容' FROM review_checklist WHERE enterprise_id IS NULL AND version = 1;
INSERT INTO review_check(checklist_id, seq, category, title, guide)
SELECT id, 7, 'privacy', '个人信息保护', '收集使用个人信息遵循合法、正当、必要原则，有隐私政策' FROM review_checklist WHERE enterprise_id IS NULL AND version = 1;
