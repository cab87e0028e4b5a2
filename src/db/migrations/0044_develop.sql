-- 0044 developing new members (发展党员): the steps of the five stages as a
-- table of settings (one city's rule differs from another's: the city office
-- edits it, audited), the applicants' files and every step recorded.
--
-- Days are 'YYYY-MM-DD' text as in the registry.  An applicant is not yet a
-- registry person: their ID number and phone are sealed and masked here, and
-- found by the same keyed hash (member_id_key); the vote that makes them 预备党员
-- registers the person and the membership, and person_id points at it.

-- The steps in their order.  anchor: the step an interval counts from;
-- min_months: not before anchor + min_months (the day itself accepted);
-- due_months: due by anchor + due_months (the calendar and the overdue list);
-- people: who takes part ('contact' 培养联系人: members; 'introducer' 入党介绍人:
-- 正式党员) and how many; days_min / hours_min: the training (either suffices);
-- months_min / months_max: the length of an extension of probation.
-- optional steps may be skipped (an extension, a cancellation).
CREATE TABLE develop_step (
    code TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('入党申请人', '入党积极分子', '发展对象', '预备党员', '正式党员')),
    name TEXT NOT NULL,
    optional INTEGER NOT NULL DEFAULT 0,
    anchor TEXT,
    min_months INTEGER NOT NULL DEFAULT 0,
    due_months INTEGER NOT NULL DEFAULT 0,
    people TEXT CHECK (people IN ('contact', 'introducer')),
    people_min INTEGER NOT NULL DEFAULT 0,
    people_max INTEGER NOT NULL DEFAULT 0,
    days_min INTEGER NOT NULL DEFAULT 0,
    hours_min INTEGER NOT NULL DEFAULT 0,
    months_min INTEGER NOT NULL DEFAULT 0,
    months_max INTEGER NOT NULL DEFAULT 0,
    rule TEXT NOT NULL,                                     -- the rule quoted in a refusal
    updated_by TEXT,
    updated_at BIGINT NOT NULL DEFAULT 0
);
INSERT INTO develop_step(code, seq, stage, name, optional, anchor, min_months, due_months, people, people_min, people_max, days_min, hours_min, months_min, months_max, rule) VALUES
 ('apply',      10, '入党申请人',   '递交入党申请书',       0, NULL,       0,  0, NULL,         0, 0, 0, 0,  0,  0, '年满十八岁的中国工人、农民、军人、知识分子和其他社会阶层的先进分子，可以申请加入中国共产党'),
 ('talk',       20, '入党申请人',   '党组织派人谈话',       0, 'apply',    0,  1, NULL,         0, 0, 0, 0,  0,  0, '党组织收到入党申请书后，应当在一个月内派人同入党申请人谈话'),
 ('activist',   30, '入党积极分子', '确定入党积极分子',     0, 'apply',    0,  0, 'contact',    1, 2, 0, 0,  0,  0, '党组织应当指定一至两名正式党员作入党积极分子的培养联系人'),
 ('target',     40, '发展对象',     '确定发展对象',         0, 'activist', 12, 0, 'introducer', 2, 2, 0, 0,  0,  0, '经过一年以上培养教育和考察的入党积极分子，方可列为发展对象；发展对象应当有两名正式党员作入党介绍人'),
 ('review',     50, '发展对象',     '政治审查',             0, 'target',   0,  0, NULL,         0, 0, 0, 0,  0,  0, '对发展对象应当进行政治审查'),
 ('training',   60, '发展对象',     '集中培训',             0, 'target',   0,  0, NULL,         0, 0, 3, 24, 0,  0, '发展对象在发展为预备党员前，一般应当参加集中培训，培训时间一般不少于三天（或不少于二十四个学时）'),
 ('vote',       70, '预备党员',     '支部大会讨论接收为预备党员', 0, 'target', 0, 0, NULL,      0, 0, 0, 0,  0,  0, '发展党员必须经过支部大会讨论，按照规定的程序和要求进行'),
 ('approve',    80, '预备党员',     '上级党委审批',         0, 'vote',     0,  3, NULL,         0, 0, 0, 0,  0,  0, '上级党委对支部大会通过接收的预备党员，应当在三个月内审批'),
 ('extend',     90, '预备党员',     '延长预备期',           1, 'vote',     0,  0, NULL,        0, 0, 0, 0,  6,  12, '预备党员的预备期为一年；不完全具备党员条件、需要继续考察和教育的，可以延长一次预备期，延长时间不能少于半年，最长不超过一年'),
 ('full',      100, '正式党员',     '支部大会讨论转为正式党员', 0, 'vote',  12, 12, NULL,        0, 0, 0, 0,  0,  0, '预备党员的预备期从支部大会通过其为预备党员之日算起，为一年；预备期满，支部大会讨论其能否转为正式党员'),
 ('cancel',     85, '预备党员',     '取消预备党员资格',     1, 'vote',     0,  0, NULL,         0, 0, 0, 0,  0,  0, '不履行党员义务、不具备党员条件的，应当取消预备党员资格');

-- An applicant's file.  status: pending (an online application not yet
-- answered), refused (answered: not taken in, reason in answer), active (in
-- the pipeline), cancelled (预备党员资格取消), done (正式党员).
CREATE TABLE develop_applicant (
    id {{ID}},
    name TEXT NOT NULL,
    gender TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    id_key TEXT NOT NULL,
    id_sealed TEXT NOT NULL,
    id_masked TEXT NOT NULL,
    phone_sealed TEXT,
    phone_masked TEXT,
    ethnicity TEXT,
    education TEXT,
    post TEXT,
    enterprise_id BIGINT REFERENCES enterprise(id),
    ent_category TEXT,                                      -- the enterprise's category then (figures by category)
    org_id BIGINT NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    district_code TEXT,
    park_code TEXT,
    stage TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'refused', 'active', 'cancelled', 'done')),
    applied_on TEXT NOT NULL,
    last_step TEXT,                                         -- code of the latest step done
    last_day TEXT,
    next_step TEXT,                                         -- the next required step, its earliest day and due day
    next_from TEXT,
    next_due TEXT,
    answer TEXT,                                            -- the secretary's answer to a refused application
    user_id BIGINT REFERENCES users(id),                    -- the account that applied online
    person_id BIGINT REFERENCES person(id),                 -- the registry person, from the vote on
    created_at BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX develop_applicant_org ON develop_applicant(org_id, stage);
CREATE INDEX develop_applicant_path ON develop_applicant(org_path);
CREATE INDEX develop_applicant_district ON develop_applicant(district_code, next_due);
CREATE INDEX develop_applicant_due ON develop_applicant(next_due);
CREATE INDEX develop_applicant_key ON develop_applicant(id_key);
CREATE INDEX develop_applicant_user ON develop_applicant(user_id);

-- Every step recorded.  undone_on: undone (a correction, audited) — kept, not deleted.
CREATE TABLE develop_record (
    id {{ID}},
    applicant_id BIGINT NOT NULL REFERENCES develop_applicant(id),
    step TEXT NOT NULL REFERENCES develop_step(code),
    day TEXT NOT NULL,
    people TEXT,                                            -- JSON [{person_id, name, category}]
    days INTEGER,
    hours INTEGER,
    months INTEGER,
    note TEXT,
    late INTEGER NOT NULL DEFAULT 0,                        -- recorded after its due day
    actor TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0,
    undone_at BIGINT,
    undone_by TEXT
);
CREATE INDEX develop_record_applicant ON develop_record(applicant_id, day);

-- The documents of a file (入党申请书, 政审材料, 表决记录, ...): the bytes are a file
-- outside the database named by their SHA-256 (setting develop-files-dir), the
-- type checked by the content; removed_at: taken out of the file (kept for the record).
CREATE TABLE develop_document (
    id {{ID}},
    applicant_id BIGINT NOT NULL REFERENCES develop_applicant(id),
    kind TEXT NOT NULL CHECK (kind IN ('application', 'review', 'vote', 'other')),
    filename TEXT NOT NULL,
    mime TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX develop_document_applicant ON develop_document(applicant_id);
