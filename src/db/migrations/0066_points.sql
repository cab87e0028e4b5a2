-- 0066 points (积分管理, issue 18): rules in dated versions, a ledger computed
-- from the activity log (never typed in), claims for what the log cannot see,
-- deductions, and the totals the rankings read.  Points are kept in hundredths
-- (1 积分 = 100), so study hours at 1 point an hour stay exact.

-- A version of the rules, effective from a day (inclusive) until the next
-- version's day (exclusive; NULL = still in force).  The city office adds a
-- version from a day after today: lines already computed keep the version
-- they were computed under, and no activity of a day before the new
-- version's day is ever read under it.
CREATE TABLE points_rule_version (
    id {{ID}},
    effective_from TEXT NOT NULL UNIQUE,
    effective_until TEXT,
    note TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0
);

-- One rule of a version.  source 'log': the activity log's rows of `kind`
-- earn it (for the member, subject 'member', or for the organization,
-- subject 'org'); source 'claim': a claim of this code, approved.  unit
-- 'record': points for each row; 'value': points for each unit of the row's
-- value (hours, months).  cap: at most this many points (hundredths) per
-- subject, code and cap_period (NULL = none); rules of one code share the
-- cap (dues paid and voided).  approval 1: each row becomes a claim that
-- the secretary or the level above approves before it counts.
CREATE TABLE points_rule (
    id {{ID}},
    version_id BIGINT NOT NULL REFERENCES points_rule_version(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    subject TEXT NOT NULL CHECK (subject IN ('member', 'org')),
    source TEXT NOT NULL CHECK (source IN ('log', 'claim')),
    kind TEXT NOT NULL,                       -- the activity kind, or the claim's code
    unit TEXT NOT NULL CHECK (unit IN ('record', 'value')),
    points BIGINT NOT NULL,                   -- hundredths per unit
    cap BIGINT,
    cap_period TEXT NOT NULL CHECK (cap_period IN ('month', 'quarter', 'year')),
    approval INTEGER NOT NULL DEFAULT 0,
    UNIQUE (version_id, subject, kind)
);

-- Claims: what the log cannot see (an award, a 示范岗 title, a technical
-- breakthrough) submitted with evidence; activity rows of a rule that needs
-- approval (kind 'activity', activity_id); deductions (kind 'deduction',
-- decided at once by a points.write holder, points negative).  The subject's
-- place at submission is kept for the scope checks.
CREATE TABLE points_claim (
    id {{ID}},
    subject TEXT NOT NULL CHECK (subject IN ('member', 'org')),
    subject_id BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('claim', 'activity', 'deduction')),
    rule_code TEXT,
    rule_id BIGINT REFERENCES points_rule(id),   -- the rule of the claim's day (none for deductions)
    activity_id BIGINT UNIQUE REFERENCES activity(id),
    day TEXT NOT NULL,
    title TEXT NOT NULL,
    points BIGINT NOT NULL DEFAULT 0,         -- deductions: the (negative) points
    evidence_sha TEXT,
    evidence_name TEXT,
    evidence_mime TEXT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'refused')),
    reason TEXT,
    submitted_by TEXT NOT NULL,
    submitted_at BIGINT NOT NULL DEFAULT 0,
    decided_by TEXT,
    decided_at BIGINT,
    decided_seq BIGINT,                       -- the order of decisions (caps count in it)
    district_code TEXT,
    park_code TEXT,
    org_path TEXT,
    owner_user BIGINT
);
CREATE INDEX points_claim_state ON points_claim(state, id);
CREATE INDEX points_claim_subject ON points_claim(subject, subject_id);

-- The ledger, append-only: each line names its subject, its rule and
-- version, the record it came from (the activity row and its ref, or the
-- claim), the day, the cap period's key, the points before the cap (raw)
-- and the points counted.
CREATE TABLE points_line (
    id {{ID}},
    subject TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    rule_id BIGINT REFERENCES points_rule(id),
    code TEXT NOT NULL,
    version_id BIGINT REFERENCES points_rule_version(id),
    activity_id BIGINT REFERENCES activity(id),
    claim_id BIGINT REFERENCES points_claim(id),
    ref TEXT,
    day TEXT NOT NULL,
    period TEXT NOT NULL,
    raw BIGINT NOT NULL,
    points BIGINT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0
);
-- One index besides the key (each costs the engine's bulk insert): a subject's
-- lines by code and period (the caps, and a member's page); the claims' few.
CREATE INDEX points_line_cap ON points_line(subject, subject_id, code, period);
CREATE INDEX points_line_claim ON points_line(claim_id) WHERE claim_id IS NOT NULL;

-- Totals per subject and period ('2026', '2026-Q3', '2026-09'), kept by every
-- run and decision; the rankings read these.  last_day: the day of the last
-- line counted (ties: the one who got there first ranks first).
CREATE TABLE points_total (
    subject TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    period TEXT NOT NULL,
    points BIGINT NOT NULL,
    last_day TEXT NOT NULL,
    PRIMARY KEY (subject, subject_id, period)
);
CREATE INDEX points_total_rank ON points_total(period, subject, points DESC, last_day, subject_id);

-- The default rules, in force from 2020-01-01 (the city office adds versions).
INSERT INTO points_rule_version(effective_from, note, created_by, created_at)
VALUES ('2020-01-01', '默认积分规则', 'system', 0);
INSERT INTO points_rule(version_id, code, name, subject, source, kind, unit, points, cap, cap_period, approval)
SELECT v.id, r.code, r.name, r.subject, r.source, r.kind, r.unit, r.points, r.cap, r.cap_period, r.approval
FROM points_rule_version v, (
    SELECT 'meeting.attend' AS code, '参加组织生活' AS name, 'member' AS subject, 'log' AS source, 'meeting.attended' AS kind,
           'record' AS unit, 200 AS points, 1000 AS cap, 'month' AS cap_period, 0 AS approval
    UNION ALL SELECT 'study.online', '在线学习（每学时）', 'member', 'log', 'study.online', 'value', 100, 2000, 'month', 0
    UNION ALL SELECT 'study.offline', '线下学习（每学时）', 'member', 'log', 'study.offline', 'value', 100, 2000, 'month', 0
    UNION ALL SELECT 'study.training', '集中培训（每学时）', 'member', 'log', 'study.training', 'value', 100, 4000, 'year', 0
    UNION ALL SELECT 'exam.passed', '考试合格', 'member', 'log', 'study.exam', 'record', 500, 2000, 'year', 0
    UNION ALL SELECT 'dues', '按月交纳党费（每月）', 'member', 'log', 'dues.paid', 'value', 100, 1200, 'year', 0
    UNION ALL SELECT 'dues', '党费作废（每月扣回）', 'member', 'log', 'dues.voided', 'value', 100, 1200, 'year', 0
    UNION ALL SELECT 'develop.probation', '接收为预备党员', 'member', 'log', 'develop.probation', 'record', 500, NULL, 'year', 0
    UNION ALL SELECT 'develop.full', '按期转为正式党员', 'member', 'log', 'develop.full', 'record', 500, NULL, 'year', 0
    UNION ALL SELECT 'volunteer.hours', '志愿服务（每小时）', 'member', 'log', 'volunteer.hours', 'value', 100, 2000, 'year', 0
    UNION ALL SELECT 'claim.award', '获得表彰奖励', 'member', 'claim', 'claim.award', 'record', 1000, 3000, 'year', 1
    UNION ALL SELECT 'claim.title', '获评示范岗', 'member', 'claim', 'claim.title', 'record', 1000, 2000, 'year', 1
    UNION ALL SELECT 'claim.breakthrough', '技术攻关突破', 'member', 'claim', 'claim.breakthrough', 'record', 2000, 4000, 'year', 1
    UNION ALL SELECT 'org.meeting', '组织召开会议', 'org', 'log', 'meeting.held', 'record', 500, 2000, 'month', 0
    UNION ALL SELECT 'org.develop.probation', '发展党员（接收预备党员）', 'org', 'log', 'develop.probation', 'record', 1000, NULL, 'year', 0
    UNION ALL SELECT 'org.develop.full', '预备党员按期转正', 'org', 'log', 'develop.full', 'record', 500, NULL, 'year', 0
    UNION ALL SELECT 'org.alliance', '党建联盟活动', 'org', 'log', 'alliance.activity', 'record', 1000, 4000, 'quarter', 1
    UNION ALL SELECT 'org.award', '组织获得表彰', 'org', 'claim', 'claim.org_award', 'record', 2000, 6000, 'year', 1
) r
WHERE v.effective_from = '2020-01-01';
