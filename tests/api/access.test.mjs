// access — every route × every role × an object inside and outside the
// role's scope, GENERATED from the route table: the server's /api/openapi.json
// lists each route with x-permission and x-scope, and this file turns every
// entry into a test.  A new route is tested the moment it is registered; a
// route naming a permission missing from data/roles.json, or a scope kind
// this file has no fixture for, fails here until someone adds it.
//
// Expected answers do not come from the server: permissions come from
// data/roles.json (the same table as src/auth/roles.c), and whether an object
// lies inside a scope from the rules written out below (scope.h's contract),
// applied to where the test's own fixture objects sit.
//   no session                         → 401
//   the role lacks the permission      → 403
//   object outside the role's scope    → 403
//   otherwise                          → anything but 401/403
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, Client, backend, ejia, totp, replaceOneTimePassword } from './lib.mjs';

const ROLES = JSON.parse(readFileSync('data/roles.json', 'utf8'));
const DEMO_USER = { sysadmin: 'admin', city: 'city', district: 'siming', park: 'rjy2', org_admin: 'orgadmin', secretary: 'secretary', member: 'member', investor: 'investor', auditor: 'auditor' };


let srv, pw = {};
const who = {};          // role → {client, user}
const fixtures = {};     // scope kind → [{key, loc}]

function sql(q) {
  const r = backend === 'sqlite'
    ? spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', srv.db.url, q], { encoding: 'utf8' })
    : spawnSync('psql', [srv.db.url, '-qAtc', q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}

// Where things are: the district and park of each region of the demo data.
const REGION = {
  '3502': {}, '350203': { district: '350203' }, '350206': { district: '350206' },
  '350203001': { district: '350203' }, 'P0002': { district: '350203', park: 'P0002' }, 'P0004': { district: '350206', park: 'P0004' },
};

// The containment rules (scope.h), written independently of the server.
function contains(user, loc) {
  const s = user.scope;
  // An account to be changed: only by a role that may create accounts of its role.
  if (loc.manageRole && !(ROLES.roles[user.role].assigns || []).includes(loc.manageRole)) return false;
  if (loc.ownerOnly) return loc.owner === user.id;
  // City-wide objects every area office works on (a ledger round).
  if (loc.areas) return ['city', 'district', 'park'].includes(s.kind);
  if (loc.owner && loc.owner === user.id) return true;
  switch (s.kind) {
    case 'city': return true;
    case 'district': return loc.district === s.code;
    case 'park': return loc.park === s.code;
    case 'enterprise': return loc.enterprise === s.code || (loc.enterprises || []).includes(s.code);
    case 'org': return !!loc.orgPath && loc.orgPath.includes(`/${s.code}/`);
    default: return false;
  }
}

function userLoc(u) {
  const s = u.scope;
  const loc = { owner: u.id };
  if (s.kind === 'district') loc.district = s.code;
  if (s.kind === 'park') Object.assign(loc, REGION[s.code]);
  if (s.kind === 'enterprise') {
    const [row] = sql(`SELECT COALESCE(district_code,''), COALESCE(park_code,'') FROM enterprise WHERE id = ${Number(s.code)}`);
    Object.assign(loc, { district: row[0] || undefined, park: row[1] || undefined, enterprise: s.code });
  }
  if (s.kind === 'org') {
    const rows = sql(`SELECT path, COALESCE(district_code,''), COALESCE(park_code,'') FROM org WHERE id = ${Number(s.code)}`);
    if (rows.length) Object.assign(loc, { orgPath: rows[0][0], district: rows[0][1] || undefined, park: rows[0][2] || undefined });
    else loc.orgPath = `/${s.code}/`;
  }
  return loc;
}

async function login(username, password, extra = {}) {
  const c = new Client(srv.base);
  const r = await c.post('/api/auth/login', { username, password, ...extra });
  assert.equal(r.status, 200, `${username}: ${r.text}`);
  return c;
}

// The administrator's codes: each one a 30-s step later on the server's
// clock (test-clock-file), so no login waits for the next real step.
let adminSecret, clockDir, clock = 0;
const freshOtp = (secret) => {
  clock += 30;
  writeFileSync(path.join(clockDir, 'clock'), String(clock));
  return totp(secret, Math.floor(Date.now() / 1000) + clock);
};
async function loginRole(role) {
  const u = DEMO_USER[role];
  const extra = role === 'sysadmin' && adminSecret ? { otp: freshOtp(adminSecret) } : {};
  return login(u, pw[u], extra);
}

before(async () => {
  clockDir = mkdtempSync(path.join(tmpdir(), 'ejia-access-'));
  writeFileSync(path.join(clockDir, 'clock'), '0');
  srv = await startServer({ demo: true, args: ['--test-clock-file', path.join(clockDir, 'clock'), '--meeting-files-dir', path.join(clockDir, 'files'), '--org-files-dir', path.join(clockDir, 'files'), '--review-files-dir', path.join(clockDir, 'files')], onDemo: (out) => { for (const m of out.matchAll(/^\s+(\w+)\s+(\S+)\s+(\S+)\s+\S/gm)) pw[m[2]] = m[3]; } });
  for (const role of Object.keys(ROLES.roles)) assert.ok(pw[DEMO_USER[role]], `the demo made a ${role} user`);
  // one-time passwords open only the account pages: replace them first
  for (const role of Object.keys(ROLES.roles)) pw[DEMO_USER[role]] = await replaceOneTimePassword(srv.base, DEMO_USER[role], pw[DEMO_USER[role]]);
  // A second district worker, outside 思明区.
  const add = ejia(['user', 'add', '--db', srv.db.url, '--username', 'huli', '--role', 'district', '--scope', '350206', '--password-stdin'], { input: 'Xm-pass-2026-hl\n' });
  assert.equal(add.status, 0, add.stderr);
  // The administrator turns on the second factor, as required.
  const a = await loginRole('sysadmin');
  const setup = await a.post('/api/me/totp/setup', { password: pw.admin });
  assert.equal(setup.status, 200, setup.text);
  adminSecret = setup.data.secret;
  assert.equal((await a.post('/api/me/totp/enable', { otp: freshOtp(adminSecret) })).status, 204);
  for (const role of Object.keys(ROLES.roles)) {
    const c = await loginRole(role);
    const me = await c.get('/api/me');
    assert.equal(me.status, 200);
    assert.equal(me.data.user.role, role);
    who[role] = { client: c, user: me.data.user, session: me.data.session.id };
  }
  const huliC = await login('huli', 'Xm-pass-2026-hl');
  const huli = (await huliC.get('/api/me')).data.user;

  fixtures.region = Object.entries(REGION).map(([key, loc]) => ({ key, loc }));
  fixtures.user = [...Object.values(who).map((w) => w.user), huli].map((u) => ({ key: String(u.id), loc: userLoc(u) }));
  fixtures.managed_user = [...Object.values(who).map((w) => w.user), huli].map((u) => ({ key: String(u.id), loc: { ...userLoc(u), manageRole: u.role } }));
  const ents = sql("SELECT id, COALESCE(district_code,''), COALESCE(park_code,'') FROM enterprise WHERE id IN (SELECT MIN(id) FROM enterprise WHERE park_code = 'P0002' UNION SELECT MIN(id) FROM enterprise WHERE district_code = '350203' AND park_code IS NULL UNION SELECT MIN(id) FROM enterprise WHERE district_code = '350206')");
  const inv = who.investor.user.scope.code;
  fixtures.enterprise = [...ents, ...sql(`SELECT id, COALESCE(district_code,''), COALESCE(park_code,'') FROM enterprise WHERE id = ${Number(inv)}`)]
    .map(([id, d, p]) => ({ key: id, loc: { district: d || undefined, park: p || undefined, enterprise: id } }));
  // Members sit where their organization is; their own account owns the record (the demo member's).
  fixtures.member = sql("SELECT m.person_id, COALESCE(m.district_code,''), COALESCE(m.park_code,''), m.org_path, COALESCE(p.user_id, 0) FROM member m JOIN person p ON p.id = m.person_id WHERE m.person_id IN (SELECT MIN(person_id) FROM member GROUP BY district_code, park_code) OR p.user_id IS NOT NULL")
    .map(([id, d, pk, path, owner]) => ({ key: id, loc: { district: d || undefined, park: pk || undefined, orgPath: path, owner: Number(owner) || undefined } }));
  assert.ok(fixtures.member.length >= 3, 'the demo registers members in several places');
  // Dues payments sit where they were paid (the member's organization then), reliefs where the member is;
  // the member's own account owns both (the demo member's receipts are theirs to open).
  fixtures.dues_payment = [];
  fixtures.dues_relief = [];
  for (const [n, { key: pid, loc }] of fixtures.member.entries()) {
    const [[id]] = sql(`INSERT INTO dues_payment(receipt_no, person_id, org_id, org_path, district_code, park_code, first_month, last_month, months, dues_fen, kind, way, payer, paid_on, recorded_by) SELECT 'access-${n}', m.person_id, m.org_id, m.org_path, m.district_code, m.park_code, '2020-01', '2020-01', 1, 100, 'monthly', 'treasurer', 'self', '2020-01-10', 'test' FROM member m WHERE m.person_id = ${Number(pid)} RETURNING id`);
    fixtures.dues_payment.push({ key: id, loc });
    const [[rid]] = sql(`INSERT INTO dues_relief(person_id, from_month, to_month, amount_fen, reason, approver, actor) VALUES (${Number(pid)}, '2020-01', '2020-02', 0, 'access', 'test', 'test') RETURNING id`);
    fixtures.dues_relief.push({ key: rid, loc });
  }
  // Roster imports count where their organization is; the importer owns theirs.
  fixtures.roster_import = [];
  for (const [n, d] of [[1, '350203'], [2, '350206']]) {
    const [org, path] = sql(`SELECT id, path FROM org WHERE district_code = '${d}' AND kind = '党支部' ORDER BY id LIMIT 1`)[0];
    const id = sql(`INSERT INTO roster_import(sha256, source, org_id, org_path, district_code, rows, registered, refused, flagged, importer, created_at) VALUES ('access-roster-${n}', 'r${n}.csv', ${org}, '${path}', '${d}', 0, 0, 0, 0, 'test', 0) RETURNING id`)[0][0];
    fixtures.roster_import.push({ key: id, loc: { district: d, orgPath: path } });
  }
  // Bank statements (dues) count where their organization is: one in the secretary's, one in each
  // district; the importer owns theirs.
  fixtures.dues_bank_import = [];
  for (const [n, where] of [[1, `id = ${Number(who.secretary.user.scope.code)}`], [2, "district_code = '350203' AND kind = '党支部'"], [3, "district_code = '350206' AND kind = '党支部'"]]) {
    const [[id, p, d, pk]] = sql(`INSERT INTO dues_bank_import(org_id, month, org_path, district_code, park_code, sha256, source, format, importer, created_at) SELECT id, '2026-11', path, district_code, park_code, 'access-bank-${n}', 'b${n}.csv', 'csv', 'test', 0 FROM org WHERE id = (SELECT MIN(id) FROM org WHERE ${where}) RETURNING id, org_path, COALESCE(district_code, ''), COALESCE(park_code, '')`);
    fixtures.dues_bank_import.push({ key: id, loc: { orgPath: p, district: d || undefined, park: pk || undefined } });
  }
  // The register's feeds are city-wide work of every area office (issue 23); its proposals sit
  // where their enterprise is or will be.
  fixtures.register_feed = [];
  fixtures.register_proposal = [];
  for (const [n, d] of [[1, '350203'], [2, '350206'], [3, null]]) {
    const [[fid]] = sql(`INSERT INTO register_feed(sha256, source, format, rows, proposals, matched, skipped, district_code, importer, created_at) VALUES ('access-feed-${n}', 'f${n}.csv', 'csv', 1, 1, 0, 0, ${d ? `'${d}'` : 'NULL'}, 'test', 0) RETURNING id`);
    fixtures.register_feed.push({ key: fid, loc: { areas: true } });
    const [[pid]] = sql(`INSERT INTO register_proposal(feed_id, row, sheet_row, kind, name, day, district_code, why) VALUES (${fid}, 1, 2, 'new', '访问测试网络科技有限公司${n}', '2026-01-05', ${d ? `'${d}'` : 'NULL'}, 'access') RETURNING id`);
    fixtures.register_proposal.push({ key: pid, loc: { district: d || undefined } });
  }
  // Meetings sit where their organization is: one in each administrator's and secretary's
  // organization, one in 湖里区, one in a park.
  const meetingOrgs = new Set([who.secretary.user.scope.code, who.org_admin.user.scope.code,
    sql("SELECT MIN(id) FROM org WHERE district_code = '350206' AND kind = '党支部'")[0][0],
    sql("SELECT MIN(id) FROM org WHERE park_code = 'P0002' AND kind = '党支部'")[0][0]].map(String));
  fixtures.meeting = [...meetingOrgs].map((org) => {
    const [[id, p, d, pk]] = sql(`INSERT INTO meeting(org_id, org_path, district_code, park_code, kind, state, day, start_time, end_time, starts_at, ends_at, created_at) SELECT id, path, district_code, park_code, '党课', 'planned', '2026-01-05', '09:00', '10:00', 0, 0, 0 FROM org WHERE id = ${Number(org)} RETURNING id, org_path, COALESCE(district_code, ''), COALESCE(park_code, '')`);
    return { key: id, loc: { orgPath: p, district: d || undefined, park: pk || undefined } };
  });
  // 流动党员: a flow sits where the member's home organization is (the meetings' organizations).
  const flowPerson = sql('SELECT MIN(person_id) FROM member')[0][0];
  fixtures.flow = [...meetingOrgs].map((org) => {
    const [[id, p, d, pk]] = sql(`INSERT INTO member_flow(person_id, name, home_org_id, home_path, home_district, home_park, manager_org_id, manager_path, manager_district, manager_park, place, reason, direction, from_day, created_by) SELECT ${flowPerson}, '流动', id, path, district_code, park_code, id, path, district_code, park_code, '外地', '务工经商', 'out', '2026-01-05', 'test' FROM org WHERE id = ${Number(org)} RETURNING id, home_path, COALESCE(home_district, ''), COALESCE(home_park, '')`);
    return { key: id, loc: { orgPath: p, district: d || undefined, park: pk || undefined } };
  });
  // A photo of each of those meetings (photo id / meeting id), its bytes kept where the server keeps them.
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
  const sha = createHash('sha256').update(png).digest('hex');
  mkdirSync(path.join(clockDir, 'files', sha.slice(0, 2)), { recursive: true });
  writeFileSync(path.join(clockDir, 'files', sha.slice(0, 2), sha), png);
  fixtures.meeting_photo = fixtures.meeting.map(({ key, loc }) => {
    const [[pid]] = sql(`INSERT INTO meeting_photo(meeting_id, filename, mime, size, sha256, uploaded_by, created_at) VALUES (${Number(key)}, 'access.png', 'image/png', ${png.length}, '${sha}', 'test', 0) RETURNING id`);
    return { key: [pid, key], loc };
  });
  // Posts and elections of organizations (issue 23) sit where their organization is: one in each of the
  // meetings' organizations; an election's vote record kept where the server keeps them.
  fixtures.org_post = fixtures.meeting.map(({ loc }, n) => {
    const [[id]] = sql(`INSERT INTO org_post(org_id, post, name, from_day, source, created_by) SELECT id, '委员', 'access${n}', '2020-01-01', 'carried', 'test' FROM org WHERE path = '${loc.orgPath}' RETURNING id`);
    return { key: id, loc };
  });
  fixtures.org_election = fixtures.meeting.map(({ loc }) => {
    const [[id]] = sql(`INSERT INTO org_election(org_id, day, org_kind, term_years, term_end, file_name, file_mime, file_size, file_sha256, recorded_by) SELECT id, '2001-01-01', kind, 3, '2004-01-01', 'access.png', 'image/png', ${png.length}, '${sha}', 'test' FROM org WHERE path = '${loc.orgPath}' RETURNING id`);
    return { key: id, loc };
  });
  // 党建联盟 (issue 23): an alliance and its joint activities sit where the lead organization is; one led by
  // each of the meetings' organizations, with an activity.
  fixtures.alliance = fixtures.meeting.map(({ loc }, n) => {
    const [[id]] = sql(`INSERT INTO alliance(name, kind, lead_org_id, founded_on, created_by) SELECT 'access 联盟${n}', '行业', id, '2020-01-01', 'test' FROM org WHERE path = '${loc.orgPath}' RETURNING id`);
    return { key: id, loc };
  });
  fixtures.alliance_activity = fixtures.alliance.map(({ key, loc }) => {
    const [[id]] = sql(`INSERT INTO alliance_activity(alliance_id, day, place, topic, attendance, recorded_by) VALUES (${key}, '2020-02-01', '会议室', 'access', 1, 'test') RETURNING id`);
    return { key: id, loc };
  });
  // 志愿服务 (issue 18): a team sits where its owner is (each of the meetings' organizations, and a park),
  // its activities with it.
  fixtures.volunteer_team = fixtures.meeting.map(({ loc }, n) => {
    const [[id]] = sql(`INSERT INTO volunteer_team(name, owner_kind, org_id, org_path, district_code, park_code, created_by) SELECT 'access 志愿队${n}', 'org', id, path, district_code, park_code, 'test' FROM org WHERE path = '${loc.orgPath}' RETURNING id`);
    return { key: id, loc };
  });
  {
    const [[id, d]] = sql("INSERT INTO volunteer_team(name, owner_kind, district_code, park_code, created_by) SELECT 'access 园区志愿队', 'park', parent_code, code, 'test' FROM region WHERE code = 'P0002' RETURNING id, COALESCE(district_code, '')");
    fixtures.volunteer_team.push({ key: id, loc: { district: d || undefined, park: 'P0002' } });
  }
  fixtures.volunteer_activity = fixtures.volunteer_team.map(({ key, loc }) => {
    const [[id]] = sql(`INSERT INTO volunteer_activity(team_id, title, day, start_time, end_time, starts_at, ends_at, place, places, hours, state, created_by) VALUES (${key}, 'access', '2026-01-05', '09:00', '10:00', 0, 0, '某地', 5, 1, 'open', 'test') RETURNING id`);
    return { key: id, loc };
  });
  // 党群服务中心 (issue 19): a center sits in its district (one in 思明区, one in 湖里区); a booking where the
  // organization that booked it is (one by each of the meetings' organizations, in a room of the first).
  fixtures.center = ['350203', '350206'].map((d, n) => {
    const [[id]] = sql(`INSERT INTO center(name, district_code, address, created_by) VALUES ('access 中心${n}', '${d}', '测试地址', 'test') RETURNING id`);
    return { key: id, loc: { district: d } };
  });
  const [[accessRoom]] = sql(`INSERT INTO center_room(center_id, name, seats) VALUES (${fixtures.center[0].key}, 'access', 10) RETURNING id`);
  fixtures.center_booking = fixtures.meeting.map(({ loc }, n) => {
    const [[id]] = sql(`INSERT INTO center_booking(room_id, center_id, org_id, day, start_time, end_time, purpose, state, booked_by) SELECT ${accessRoom}, ${fixtures.center[0].key}, id, '2099-01-0${n + 1}', '09:00', '10:00', 'access', 'booked', 'test' FROM org WHERE path = '${loc.orgPath}' RETURNING id`);
    return { key: id, loc };
  });
  // 领导挂钩联系 (issue 23): a link, its visit and the visit's problem sit where the enterprise is; the
  // linked leader owns them.  One per enterprise fixture, leaders alternating: 思明's office account on an
  // enterprise outside 思明 (owner but not in the district), 湖里's on the others, the city's on the investor's.
  fixtures.liaison_link = [];
  fixtures.liaison_visit = [];
  fixtures.liaison_problem = [];
  fixtures.enterprise.forEach(({ key, loc }, n) => {
    const leader = loc.enterprise === inv ? who.city.user.id : loc.district === '350206' ? who.district.user.id : huli.id;
    const where = { ...loc, owner: leader };
    const [[l]] = sql(`INSERT INTO liaison_link(leader_id, leader_name, enterprise_id, from_day, created_by) VALUES (${leader}, 'access${n}', ${Number(key)}, '2020-01-01', 'test') RETURNING id`);
    const [[v]] = sql(`INSERT INTO liaison_visit(link_id, enterprise_id, leader_id, day, met, recorded_by) VALUES (${l}, ${Number(key)}, ${leader}, '2020-02-01', '总经理', 'test') RETURNING id`);
    const [[p]] = sql(`INSERT INTO liaison_problem(visit_id, enterprise_id, description, follow_up, owner, due_day) VALUES (${v}, ${Number(key)}, 'access', '跟进', '责任人', '2020-03-01') RETURNING id`);
    fixtures.liaison_link.push({ key: l, loc: where });
    fixtures.liaison_visit.push({ key: v, loc: where });
    fixtures.liaison_problem.push({ key: p, loc: where });
  });
  // 内容预审 (issue 19): an enterprise's review work sits with the enterprise and the organization covering
  // it, never in its district or park (the offices see only figures).  The demo investor's enterprise
  // (its group, checklist and items) and a 湖里区 enterprise given the same here; an assignment is its
  // reviewer's alone (the demo member's, and one of the secretary's account).
  const coverPath = (e) => sql(`SELECT COALESCE(MIN(o.path), '') FROM org_cover oc JOIN org o ON o.id = oc.org_id WHERE oc.enterprise_id = ${Number(e)} AND oc.to_day IS NULL`)[0][0];
  const [[huliEnt]] = sql(`SELECT MIN(oc.enterprise_id) FROM org_cover oc JOIN enterprise e ON e.id = oc.enterprise_id WHERE oc.to_day IS NULL AND e.district_code = '350206' AND e.id <> ${Number(inv)}`);
  const [[huliPerson]] = sql(`SELECT MIN(person_id) FROM member WHERE org_id = (SELECT MIN(org_id) FROM org_cover WHERE enterprise_id = ${huliEnt} AND to_day IS NULL)`);
  const [[cl]] = sql('SELECT id FROM review_checklist WHERE enterprise_id IS NULL AND current = 1');
  const [[hg]] = sql(`INSERT INTO review_group(enterprise_id, name, lead_person_id, created_by) VALUES (${huliEnt}, 'access', ${huliPerson}, 'test') RETURNING id`);
  sql(`INSERT INTO review_member(group_id, person_id, name, from_day, created_by) VALUES (${hg}, ${huliPerson}, 'access', '2026-01-05', 'test')`);
  const [[hi]] = sql(`INSERT INTO review_item(enterprise_id, group_id, checklist_id, district_code, kind, title, deadline, state, submitted_by, submitted_on, submitted_at) VALUES (${huliEnt}, ${hg}, ${cl}, '350206', 'game', 'access', '2026-01-09', 'reviewing', 'test', '2026-01-05', 0) RETURNING id`);
  const revLoc = (e) => ({ orgPath: coverPath(e) || undefined, enterprise: String(e) });
  const [[dg]] = sql(`SELECT id FROM review_group WHERE enterprise_id = ${Number(inv)}`);
  const [[di]] = sql(`SELECT MIN(id) FROM review_item WHERE enterprise_id = ${Number(inv)}`);
  fixtures.review_enterprise = [inv, huliEnt].map((e) => ({ key: String(e), loc: revLoc(e) }));
  fixtures.review_group = [[dg, inv], [hg, huliEnt]].map(([g, e]) => ({ key: String(g), loc: revLoc(e) }));
  fixtures.review_member = [[dg, inv], [hg, huliEnt]].map(([g, e]) => ({ key: sql(`SELECT MIN(id) FROM review_member WHERE group_id = ${g}`)[0][0], loc: revLoc(e) }));
  fixtures.review_item = [[di, inv], [hi, huliEnt]].map(([i, e]) => ({ key: String(i), loc: revLoc(e) }));
  fixtures.review_file = [[di, inv], [hi, huliEnt]].map(([i, e]) => ({ key: sql(`INSERT INTO review_file(item_id, name, mime, size, sha256, uploaded_by) VALUES (${i}, 'access.png', 'image/png', ${png.length}, '${sha}', 'test') RETURNING id`)[0][0], loc: revLoc(e) }));
  const [[da, daOwner]] = sql(`SELECT id, user_id FROM review_assign WHERE item_id IN (SELECT id FROM review_item WHERE enterprise_id = ${Number(inv)}) ORDER BY id DESC LIMIT 1`);
  const [[sa]] = sql(`INSERT INTO review_assign(item_id, person_id, user_id, name, assigned_by, assigned_at) VALUES (${hi}, ${huliPerson}, ${who.secretary.user.id}, 'access', 'test', 0) RETURNING id`);
  fixtures.review_assignment = [{ key: String(da), loc: { ownerOnly: true, owner: Number(daOwner) } }, { key: String(sa), loc: { ownerOnly: true, owner: who.secretary.user.id } }];
  // Applicants (develop) sit where the organization that took the application is; the account that applied owns theirs.
  fixtures.develop = [];
  for (const [n, d, owner] of [[1, '350203', 0], [2, '350206', 0], [3, '350203', who.member.user.id]]) {
    const [org, path] = sql(`SELECT id, path FROM org WHERE district_code = '${d}' AND kind = '党支部' ORDER BY id LIMIT 1`)[0];
    const id = sql(`INSERT INTO develop_applicant(name, gender, birth_date, id_key, id_sealed, id_masked, org_id, org_path, district_code, stage, status, applied_on, user_id) VALUES ('申请人${n}', '男', '1990-01-01', 'access-develop-${n}', 'x', '3502**********0000', ${org}, '${path}', '${d}', '入党申请人', 'pending', '2024-01-01', ${owner || 'NULL'}) RETURNING id`)[0][0];
    fixtures.develop.push({ key: id, loc: { district: d, orgPath: path, owner: owner || undefined } });
  }
  // Notices sit where they were addressed: the city's nowhere below the city, a district's and a
  // park's in their area, an organization's where the organization is.
  fixtures.notice = [];
  const addNotice = (level, code, name, org) => {
    const cols = org ? `(SELECT path FROM org WHERE id = ${org}), (SELECT district_code FROM org WHERE id = ${org}), (SELECT park_code FROM org WHERE id = ${org})`
      : level === 'district' ? `NULL, '${code}', NULL` : level === 'park' ? `NULL, (SELECT parent_code FROM region WHERE code = '${code}'), '${code}'` : 'NULL, NULL, NULL';
    const [[id, p, d, pk]] = sql(`INSERT INTO notice(title, body, level, scope_code, scope_name, org_id, org_path, district_code, park_code, state, sender, created_at) VALUES ('access ${level} ${code}', '正文', '${level}', '${code}', '${name}', ${org || 'NULL'}, ${cols}, 'draft', 'test', 0) RETURNING id, COALESCE(org_path, ''), COALESCE(district_code, ''), COALESCE(park_code, '')`);
    fixtures.notice.push({ key: id, loc: { orgPath: p || undefined, district: d || undefined, park: pk || undefined } });
  };
  addNotice('city', '3502', '全市');
  addNotice('district', '350203', '思明区');
  addNotice('district', '350206', '湖里区');
  addNotice('park', 'P0002', '园区');
  for (const org of new Set([who.secretary.user.scope.code, who.org_admin.user.scope.code].map(String))) addNotice('org', org, '组织', Number(org));
  // Transfers: the sending side's steps name one where its sending organization is (transfer), the
  // receiving side's where its receiving organization is (transfer_in; a letter out of the system: nowhere
  // below the city).  One from the secretary's branch to 湖里区, one from 湖里区 to the administrator's
  // organization, one letter out of a park's branch.
  fixtures.transfer = [];
  fixtures.transfer_in = [];
  const orgLoc = (id) => {
    const [[p, d, pk]] = sql(`SELECT path, COALESCE(district_code, ''), COALESCE(park_code, '') FROM org WHERE id = ${Number(id)}`);
    return { orgPath: p, district: d || undefined, park: pk || undefined };
  };
  const huliBranch = sql("SELECT MIN(id) FROM org WHERE district_code = '350206' AND kind = '党支部'")[0][0];
  const parkBranch = sql("SELECT MIN(id) FROM org WHERE park_code = 'P0002' AND kind = '党支部'")[0][0];
  const trPerson = sql('SELECT MIN(person_id) FROM member')[0][0];
  for (const [from, to] of [[who.secretary.user.scope.code, huliBranch], [huliBranch, who.org_admin.user.scope.code], [parkBranch, null]]) {
    const f = orgLoc(from), t = to ? orgLoc(to) : {};
    const [[id]] = sql(`INSERT INTO transfer(kind, state, person_id, name, category, from_org_id, from_path, from_district, from_park, from_name, to_org_id, to_path, to_district, to_park, to_name, requested_on, requested_by) SELECT '${to ? 'internal' : 'out'}', 'requested', ${trPerson}, '转接人', '正式党员', f.id, f.path, f.district_code, f.park_code, f.name, ${to ? 't.id, t.path, t.district_code, t.park_code, t.name' : "NULL, NULL, NULL, NULL, '系统外党组织'"}, '2026-01-05', 'test' FROM org f${to ? ` JOIN org t ON t.id = ${Number(to)}` : ''} WHERE f.id = ${Number(from)} RETURNING id`);
    fixtures.transfer.push({ key: id, loc: f });
    fixtures.transfer_in.push({ key: id, loc: t });
  }
  // Question banks and exams (issue 16) sit where the district that keeps them is; the city's nowhere below the city.
  // Points (issue 18): a claim for each member fixture, where the member sits (their account owns it);
  // the rule versions are the city's (no place: the city scope only).
  fixtures.points_claim = fixtures.member.map(({ key: pid, loc }, n) => {
    const [[id]] = sql(`INSERT INTO points_claim(subject, subject_id, kind, rule_code, day, title, state, submitted_by, submitted_at, district_code, park_code, org_path, owner_user) SELECT 'member', m.person_id, 'claim', 'claim.award', '2026-01-05', '权限测试申报${n}', 'pending', 'test', 0, m.district_code, m.park_code, m.org_path, p.user_id FROM member m JOIN person p ON p.id = m.person_id WHERE m.person_id = ${Number(pid)} RETURNING id`);
    return { key: id, loc };
  });
  fixtures.points_rule_version = sql('SELECT id FROM points_rule_version ORDER BY id LIMIT 1').map(([id]) => ({ key: id, loc: {} }));
  fixtures.exam_bank = [];
  fixtures.exam = [];
  for (const d of ['350203', '350206', null]) {
    const dv = d ? `'${d}'` : 'NULL';
    const [[b]] = sql(`INSERT INTO exam_bank(name, district_code, source, sha256, questions, n_single, importer) VALUES ('access ${d}', ${dv}, 'a.csv', 'access-exam-${d}', 1, 1, 'test') RETURNING id`);
    sql(`INSERT INTO exam_question(bank_id, seq, kind, stem, options, answer) VALUES (${b}, 1, 'single', '题', '["甲","乙"]', 'A')`);
    const [[x]] = sql(`INSERT INTO exam(title, bank_id, district_code, n_any, minutes, pass_score, attempts, audience, opens_on, closes_on, state, created_by) VALUES ('access ${d}', ${b}, ${dv}, 1, 10, 60, 1, 'all', '2026-01-01', '2026-12-31', 'draft', 'test') RETURNING id`);
    fixtures.exam_bank.push({ key: b, loc: { district: d || undefined } });
    fixtures.exam.push({ key: x, loc: { district: d || undefined } });
  }
  // Courses (issue 16): the city's (no district: the city only), one of 思明区 and one of 湖里区.
  fixtures.course = [null, '350203', '350206'].map((d) => {
    const [[id]] = sql(`INSERT INTO course(kind, title, category, audience, minutes, state, district_code, body, created_by, created_at, updated_at) VALUES ('article', '权限测试课程', '理论学习', 'all', 10, 'published', ${d ? `'${d}'` : 'NULL'}, '<p>x</p>', 'test', 0, 0) RETURNING id`);
    return { key: id, loc: d ? { district: d } : {} };
  });
  // Training batches (轮训) are the city office's: inside the city's scope only.
  fixtures.training_batch = sql("INSERT INTO training_batch(name, starts_on, ends_on, place, audience, organizer, created_by) VALUES ('access 培训班', '2026-01-05', '2026-01-06', '党校', 'secretary', '市委组织部', 'test') RETURNING id")
    .map(([id]) => ({ key: id, loc: {} }));
  // The responsibility assessment (责任考核, issue 23) is city-wide: every area office reads its own row of it.
  fixtures.assessment = sql("INSERT INTO assess(year, state, as_of, rules, computed_at, computed_by, created_by) VALUES (2001, 'published', '2001-12-31', '[]', 0, 'test', 'test') RETURNING id")
    .map(([id]) => ({ key: id, loc: { areas: true } }));
  // Star ratings (星级评定, issue 18) are city-wide: every area office reviews its own organizations' rows;
  // the benefits' catalogue is the city's; an organization's application sits where the organization is,
  // a member's belongs to their account only.
  fixtures.star_rating = sql("INSERT INTO star_rating(period, state, as_of, rules, computed_at, computed_by, created_by) VALUES ('2001', 'published', '2001-12-31', '{}', 0, 'test', 'test') RETURNING id")
    .map(([id]) => ({ key: id, loc: { areas: true } }));
  const [[benefit]] = sql("INSERT INTO benefit(name, kind, quota, period_kind, applicants, created_by) VALUES ('权限测试权益', 'other', 1, 'year', 'both', 'test') RETURNING id");
  fixtures.benefit = [{ key: benefit, loc: {} }];
  fixtures.benefit_app = [];
  for (const org of new Set([who.secretary.user.scope.code, who.org_admin.user.scope.code, huliBranch].map(String))) {
    const [[id]] = sql(`INSERT INTO benefit_app(benefit_id, period, applicant, org_id, applicant_name, org_path, district_code, park_code, state, applied_at, applied_by) SELECT ${benefit}, '2026', 'org', o.id, o.name, o.path, o.district_code, o.park_code, 'applied', 0, 'test' FROM org o WHERE o.id = ${Number(org)} RETURNING id`);
    fixtures.benefit_app.push({ key: id, loc: orgLoc(org) });
  }
  for (const { key: pid } of fixtures.member) {
    const [[id, owner]] = sql(`INSERT INTO benefit_app(benefit_id, period, applicant, org_id, person_id, applicant_name, org_path, district_code, park_code, owner_user, state, applied_at, applied_by) SELECT ${benefit}, '2026', 'member', m.org_id, m.person_id, m.name, m.org_path, m.district_code, m.park_code, p.user_id, 'applied', 0, 'test' FROM member m JOIN person p ON p.id = m.person_id WHERE m.person_id = ${Number(pid)} RETURNING id, COALESCE(owner_user, 0)`);
    fixtures.benefit_app.push({ key: id, loc: Number(owner) ? { owner: Number(owner) } : {} });
  }
  // Instructors sit where the enterprise they were sent to is.
  fixtures.instructor = sql("SELECT i.id, COALESCE(e.district_code,''), COALESCE(e.park_code,''), e.id FROM org_instructor i JOIN enterprise e ON e.id = i.enterprise_id WHERE i.id IN (SELECT MIN(i2.id) FROM org_instructor i2 JOIN enterprise e2 ON e2.id = i2.enterprise_id GROUP BY e2.district_code)")
    .map(([id, d, p, ent]) => ({ key: id, loc: { district: d || undefined, park: p || undefined, enterprise: ent } }));
  assert.ok(fixtures.instructor.length >= 2, 'the demo sends instructors in several districts');
  const orgs = sql('SELECT id, path, COALESCE(district_code, \'\'), COALESCE(park_code, \'\') FROM org ORDER BY id LIMIT 20');
  // An organization belongs to the enterprises it covers (an investor sees their enterprise's).
  const covering = (id) => sql(`SELECT DISTINCT enterprise_id FROM org_cover WHERE org_id = ${Number(id)}`).map((r) => r[0]);
  const invOrgs = sql(`SELECT DISTINCT o.id, o.path, COALESCE(o.district_code, ''), COALESCE(o.park_code, '') FROM org o JOIN org_cover c ON c.org_id = o.id WHERE c.enterprise_id = ${Number(inv)}`);
  assert.ok(invOrgs.length > 0, 'the demo investor\'s enterprise is covered by an organization');
  fixtures.org = [...orgs, ...invOrgs].map(([id, p, d, pk]) => ({ key: id, loc: { orgPath: p, district: d || undefined, park: pk || undefined, enterprises: covering(id) } }));
  // Ledger imports: one by a 思明区 worker, one by a 湖里区 worker, one by the city.
  fixtures.ledger_import = [];
  for (const [n, scope, uid] of [[1, '350203', who.district.user.id], [2, '350206', huli.id], [3, '3502', who.city.user.id]]) {
    const id = sql(`INSERT INTO ledger_import(sha256, source, format, header_row, file_size, rows, problems, errors, columns, importer, importer_id, scope_code, created_at) VALUES ('access-test-${n}', 't${n}.csv', 'csv', 1, 10, 0, 0, 0, '[]', 'test', ${uid}, '${scope}', 0) RETURNING id`)[0][0];
    fixtures.ledger_import.push({ key: id, loc: { ...REGION[scope], owner: uid } });
  }
  // A ledger round with one enterprise in 思明区 and one in 湖里区.
  const rid = sql("INSERT INTO ledger_round(number, name, records, entities, removed, review, params, created_by, created_at) VALUES (1, 'access-test', 0, 2, 0, 0, '{}', 'test', 0) RETURNING id")[0][0];
  sql(`INSERT INTO ledger_round_entity(round_id, entity_no, name, district_code, records) VALUES (${rid}, 1, '甲', '350203', '[]'), (${rid}, 2, '乙', '350206', '[]')`);
  fixtures.ledger_entity = [{ key: [rid, '1'], loc: { district: '350203' } }, { key: [rid, '2'], loc: { district: '350206' } }];
  // The round as a whole: city-wide, every area office works on its part.
  fixtures.ledger_round = [{ key: rid, loc: { areas: true } }];
  // A source record in each of the two enterprises (of the 思明区 worker's import).
  const imp = fixtures.ledger_import[0].key;
  const recs = [1, 2].map((no) => {
    const rec = sql(`INSERT INTO ledger_record(import_id, row, sheet_row, name, district_code, cells) VALUES (${imp}, ${no}, ${no + 1}, '记录${no}', '${no === 1 ? '350203' : '350206'}', '[]') RETURNING id`)[0][0];
    sql(`INSERT INTO ledger_round_member(round_id, record_id, entity_no) VALUES (${rid}, ${rec}, ${no})`);
    return rec;
  });
  fixtures.ledger_round_record = [{ key: [rid, recs[0]], loc: { district: '350203' } }, { key: [rid, recs[1]], loc: { district: '350206' } }];
  fixtures.ledger_record = [{ key: recs[0], loc: { district: '350203' } }, { key: recs[1], loc: { district: '350206' } }];
});
after(async () => { await srv.stop(); rmSync(clockDir, { recursive: true, force: true }); });

// Sessions: inside = a spare session of the caller (a DELETE ends it), outside = another user's.
async function sessionObject(role, inside) {
  if (!inside) {
    const other = Object.keys(who).find((r) => r !== role);
    return String(who[other].session);
  }
  const spare = await loginRole(role);
  return String((await spare.get('/api/me')).data.session.id);
}

function pick(kind, user, inside) {
  const f = fixtures[kind];
  if (!f) throw new Error(`no fixture for scope kind "${kind}": add one to tests/api/access.test.mjs`);
  const o = f.find((x) => contains(user, x.loc) === inside);
  return o ? o.key : null;
}

// A route's objects (scope.h): "kind:K" or "kind:K1/K2", space separated; each
// key from the path {p}, the query ?p or the JSON body .p (.p[] an array of ids).
const DECL = /^(\w+):((?:\{\w+\}|\?\w+|\.\w+(?:\[\])?)(?:\/(?:\{\w+\}|\?\w+|\.\w+))?)$/;
function parseScope(scope) {
  if (!scope) return [];
  return scope.split(' ').filter(Boolean).map((d) => {
    const m = d.match(DECL);
    if (!m) throw new Error(`x-scope "${scope}": "${d}" is not kind:{p}, kind:?p, kind:.p or kind:.p[] (or two keys)`);
    const keys = m[2].split('/').map((k) => k[0] === '{' ? { src: 'path', name: k.slice(1, -1) }
      : k[0] === '?' ? { src: 'query', name: k.slice(1) } : { src: 'body', name: k.slice(1).replace('[]', ''), each: k.endsWith('[]') });
    return { kind: m[1], keys };
  });
}

// Place the objects' keys (one per declaration: a string, or an array for
// composite keys) into the path, query and body; any other path parameter "1".
function buildRequest(pattern, refs, keys) {
  const path = {}, query = {}, body = {};
  refs.forEach((ref, i) => {
    const vals = Array.isArray(keys[i]) ? keys[i] : [keys[i]];
    ref.keys.forEach((k, j) => {
      const v = String(vals[j]);
      if (k.src === 'path') path[k.name] = v;
      else if (k.src === 'query') query[k.name] = v;
      else body[k.name] = k.each ? [/^\d+$/.test(v) ? Number(v) : v] : /^\d+$/.test(v) ? Number(v) : v;
    });
  });
  let p = pattern.replace(/\{(\w+)\}/g, (_, n) => encodeURIComponent(path[n] ?? '1'));
  const qs = new URLSearchParams(query).toString();
  if (qs) p += '?' + qs;
  return { path: p, body };
}

async function call(client, method, req, op) {
  const content = op.requestBody?.content || {};
  if (content['multipart/form-data']) {
    const fd = new FormData();
    fd.append('file', new Blob(['x']), 'access-test.csv');
    return client.req(method, req.path, { body: fd });
  }
  if (content['application/json']) return client.req(method, req.path, { json: req.body });
  return client.req(method, req.path);
}

// The keys for one role: every object inside (inside=true), or one object
// outside and the rest inside; null when the fixtures offer no such case.
async function keysFor(role, user, refs, inside) {
  const choose = async (kind, ins) => kind === 'session' ? sessionObject(role, ins) : pick(kind, user, ins);
  if (inside) {
    const keys = [];
    for (const ref of refs) { const k = await choose(ref.kind, true); if (k === null) return null; keys.push(k); }
    return keys;
  }
  for (let i = 0; i < refs.length; i++) {
    const out = await choose(refs[i].kind, false);
    if (out === null) continue;
    const keys = [];
    for (let j = 0; j < refs.length; j++) {
      if (j === i) { keys.push(out); continue; }
      const k = (await choose(refs[j].kind, true)) ?? fixtures[refs[j].kind]?.[0]?.key;
      keys.push(k);
    }
    return keys;
  }
  return null;
}

const spec = await (async () => {
  // The route list is read before the tests are declared, from a short-lived server.
  const s = await startServer({});
  try { return (await new Client(s.base).get('/api/openapi.json')).data; } finally { await s.stop(); }
})();

const routes = [];
for (const [p, item] of Object.entries(spec.paths)) for (const [m, op] of Object.entries(item)) routes.push({ method: m.toUpperCase(), path: p, op });
assert.ok(routes.length >= 10, 'the route table is not empty');

test('every route names a permission the role table knows, and a scope kind with a fixture', () => {
  for (const { method, path: p, op } of routes) {
    const perm = op['x-permission'];
    assert.ok(perm === 'public' || perm === 'login' || perm in ROLES.permissions, `${method} ${p}: permission "${perm}" is not in data/roles.json`);
    for (const ref of parseScope(op['x-scope'])) {
      assert.ok(ref.kind === 'session' || fixtures[ref.kind], `${method} ${p}: no fixture for scope kind "${ref.kind}": add one to tests/api/access.test.mjs`);
      for (const k of ref.keys) if (k.src === 'path') assert.ok(p.includes(`{${k.name}}`), `${method} ${p}: x-scope names a path parameter {${k.name}} the path lacks`);
    }
  }
});

for (const { method, path: p, op } of routes) {
  const perm = op['x-permission'];
  const scope = op['x-scope'];
  const refs = parseScope(scope);
  test(`${method} ${p} [${perm}${scope ? ', ' + scope : ''}]`, async () => {
    const problems = [];
    const anon = new Client(srv.base);
    if (perm === 'public') {
      const r = await call(anon, method, buildRequest(p, [], []), op);
      if ([401, 403].includes(r.status)) problems.push(`anonymous: ${r.status}`);
      assert.deepEqual(problems, []);
      return;
    }
    const anyKeys = refs.map((ref) => ref.kind === 'session' ? String(who.city.session) : fixtures[ref.kind]?.[0]?.key ?? '1');
    const r0 = await call(anon, method, buildRequest(p, refs, anyKeys), op);
    if (r0.status !== 401) problems.push(`no session: want 401, got ${r0.status}`);
    for (const role of Object.keys(ROLES.roles)) {
      const w = who[role];
      const allowed = perm === 'login' || ROLES.roles[role].permissions.includes(perm);
      const cases = [];
      if (!refs.length) cases.push({ label: 'no object', keys: [], inside: true });
      else {
        for (const inside of [true, false]) {
          const keys = await keysFor(role, w.user, refs, inside);
          if (keys !== null) cases.push({ label: `${inside ? 'inside' : 'outside'} ${refs.map((r, i) => `${r.kind} ${keys[i]}`).join(', ')}`, keys, inside });
        }
      }
      for (const c of cases) {
        const r = await call(w.client, method, buildRequest(p, refs, c.keys), op);
        const want = !allowed || !c.inside ? 403 : 'not 401/403';
        const ok = want === 403 ? r.status === 403 : ![401, 403].includes(r.status);
        if (!ok) problems.push(`${role} (${w.user.scope.kind} ${w.user.scope.code}), ${c.label}: want ${want}, got ${r.status} ${JSON.stringify(r.data?.error?.message || '')}`);
      }
    }
    assert.deepEqual(problems, [], problems.join('\n'));
  });
}
