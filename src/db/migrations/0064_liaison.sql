-- 0064 领导挂钩联系 (issue 23): leaders (user accounts of the city or a
-- district) linked to enterprises of the register, their visits (走访) and
-- the problems raised at them, each with its follow-up, due day and closing.
--
-- A link holds on day D when `from_day <= D AND (to_day IS NULL OR to_day > D)`,
-- as everywhere else.  A visit and its problems sit where their enterprise is
-- (the scope of every read); the leader's name and title are kept as they were
-- when the link was made.
CREATE TABLE liaison_link (
    id {{ID}},
    leader_id BIGINT NOT NULL REFERENCES users(id),
    leader_name TEXT NOT NULL,                -- the account's name when linked
    title TEXT,                               -- the leader's post (市委常委、组织部部长 …)
    enterprise_id BIGINT NOT NULL REFERENCES enterprise(id),
    from_day TEXT NOT NULL,
    to_day TEXT,
    note TEXT,                                -- why it was made or ended
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0,
    ended_by TEXT
);
CREATE INDEX liaison_link_ent ON liaison_link(enterprise_id, from_day);
CREATE INDEX liaison_link_leader ON liaison_link(leader_id, from_day);

CREATE TABLE liaison_visit (
    id {{ID}},
    link_id BIGINT NOT NULL REFERENCES liaison_link(id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprise(id),
    leader_id BIGINT NOT NULL REFERENCES users(id),
    day TEXT NOT NULL,
    met TEXT NOT NULL,                        -- the people met: names and posts, free text
    summary TEXT,
    recorded_by TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX liaison_visit_ent ON liaison_visit(enterprise_id, day);
CREATE INDEX liaison_visit_leader ON liaison_visit(leader_id, day);

CREATE TABLE liaison_problem (
    id {{ID}},
    visit_id BIGINT NOT NULL REFERENCES liaison_visit(id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprise(id),
    description TEXT NOT NULL,
    follow_up TEXT NOT NULL,                  -- what is to be done
    owner TEXT NOT NULL,                      -- by whom (a person or a department)
    due_day TEXT NOT NULL,
    closed_on TEXT,                           -- NULL = open
    result TEXT,
    closed_by TEXT,
    closed_at BIGINT
);
CREATE INDEX liaison_problem_visit ON liaison_problem(visit_id);
CREATE INDEX liaison_problem_open ON liaison_problem(closed_on, due_day);
