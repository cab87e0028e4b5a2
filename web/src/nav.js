// One table for the workbench's pages: it feeds the router (paths, guards) and
// the side menu (labels, icons, order).  A page is shown to a user when their
// role is listed and, if the page names a permission and the server sent a
// permission list, that permission is in it.  Pages marked `soon` are parts of
// the product not built yet: they appear in the menu of the roles that will use
// them, and open a "being built" page, so each role already sees its shape.
import {
  Odometer, Upload, Files, PieChart, Share, Document, User, Calendar,
  Reading, Avatar, OfficeBuilding, Tickets, Setting,
} from '@element-plus/icons-vue'
import { Flag, EditPen, Bell, Wallet, Switch } from '@element-plus/icons-vue'
import { Location } from '@element-plus/icons-vue'
import { Position, Medal } from '@element-plus/icons-vue'
import { session } from './session.js'

export const ALL_ROLES = ['city', 'district', 'park', 'org_admin', 'secretary', 'member', 'investor', 'auditor', 'sysadmin']
const AREA = ['city', 'district', 'park']
const BRANCH = ['org_admin', 'secretary']

export const PAGES = [
  { name: 'dashboard', path: '/', label: 'menu.dashboard', icon: Odometer, roles: ALL_ROLES,
    component: () => import('./views/DashboardView.vue') },
  { name: 'account', path: '/account', label: 'account.title', hidden: true, roles: ALL_ROLES,
    component: () => import('./views/AccountView.vue') },
  { name: 'ledger-imports', path: '/ledger/imports', label: 'menu.ledgerImports', icon: Upload,
    group: 'menu.ledger', roles: AREA, perm: 'ledger.import',
    component: () => import('./views/LedgerImportsView.vue') },
  { name: 'ledger-import', path: '/ledger/imports/:id', label: 'ledger.detailTitle', hidden: true,
    activeMenu: 'ledger-imports', roles: AREA, perm: 'ledger.import',
    component: () => import('./views/LedgerImportDetailView.vue') },
  { name: 'ledger-rounds', path: '/ledger/rounds', label: 'menu.ledgerRounds', icon: Files,
    group: 'menu.ledger', roles: AREA, perm: 'ledger.read',
    component: () => import('./views/LedgerRoundsView.vue') },
  { name: 'ledger-round', path: '/ledger/rounds/:id', label: 'rounds.detailTitle', hidden: true,
    activeMenu: 'ledger-rounds', roles: AREA, perm: 'ledger.read',
    component: () => import('./views/LedgerRoundView.vue') },
  { name: 'coverage', path: '/coverage', label: 'menu.coverage', icon: PieChart, roles: AREA, perm: 'coverage.read',
    component: () => import('./views/CoverageView.vue') },
  // 企业名录 (issue 23): the register between campaigns (create, edit, close, merge; the market regulator's
  // feed and its proposals) and one enterprise's history; writing needs register.write (city, district)
  // 全市地图 (issue 19): coverage by district, enterprises and organizations on a map of Xiamen
  { name: 'map', path: '/map', label: 'map.menu', icon: Location, roles: AREA, perm: 'coverage.read',
    component: () => import('./views/MapView.vue') },
  // 党群服务中心 and the 10-minute circle (issue 19): every center (public), one center's rooms and bookings, the circle's figures
  { name: 'centers', path: '/centers', label: 'center.menu', icon: Location, roles: ALL_ROLES.filter((r) => r !== 'auditor' && r !== 'sysadmin'),
    perm: 'center.read', component: () => import('./views/CentersView.vue') },
  { name: 'center', path: '/centers/:id(\\d+)', label: 'center.detailTitle', hidden: true, activeMenu: 'centers',
    perm: 'center.read', component: () => import('./views/CenterView.vue') },
  { name: 'center-circle', path: '/centers/circle', label: 'center.circle.menu', icon: Location, roles: AREA, perm: 'coverage.read',
    component: () => import('./views/CenterCircleView.vue') },
  { name: 'register', path: '/register', label: 'register.menu', icon: OfficeBuilding, roles: AREA, perm: 'coverage.read',
    component: () => import('./views/RegisterView.vue') },
  { name: 'register-enterprise', path: '/register/enterprises/:id(\\d+)', label: 'register.ent.title', hidden: true, activeMenu: 'register',
    roles: AREA, perm: 'coverage.read', component: () => import('./views/RegisterEnterpriseView.vue') },
  { name: 'orgs', path: '/orgs', label: 'menu.orgs', icon: Share, roles: [...AREA, ...BRANCH], perm: 'org.read',
    component: () => import('./views/OrgsView.vue') },
  { name: 'org', path: '/orgs/:id', label: 'org.detailTitle', hidden: true, activeMenu: 'orgs',
    roles: [...AREA, ...BRANCH], perm: 'org.read', component: () => import('./views/OrgView.vue') },
  // 换届提醒 (issue 23): organizations whose term has run out or runs out soon; the election is recorded on the organization's page
  { name: 'org-terms', path: '/org/terms', label: 'orgpeople.menu', icon: Share, roles: [...AREA, ...BRANCH], perm: 'org.read',
    component: () => import('./views/OrgTermsView.vue') },
  // 党建联盟 (issue 23): the alliances led in one's scope, one alliance's members and joint activities
  { name: 'alliances', path: '/alliances', label: 'alliance.menu', icon: Share, roles: AREA, perm: 'org.read',
    component: () => import('./views/AlliancesView.vue') },
  { name: 'alliance', path: '/alliances/:id(\\d+)', label: 'alliance.detailTitle', hidden: true, activeMenu: 'alliances',
    roles: [...AREA, ...BRANCH], perm: 'org.read', component: () => import('./views/AllianceView.vue') },
  // 领导挂钩联系 (issue 23): problems raised at leaders' visits past their due day (offices in scope); 我的挂钩企业 for the leader
  { name: 'liaison-overdue', path: '/liaison/overdue', label: 'liaison.menu.overdue', icon: OfficeBuilding, group: 'liaison.menu.group', roles: AREA,
    perm: 'coverage.read', component: () => import('./views/LiaisonOverdueView.vue') },
  { name: 'liaison-mine', path: '/liaison/mine', label: 'liaison.menu.mine', icon: OfficeBuilding, group: 'liaison.menu.group', roles: ['city', 'district'],
    perm: 'liaison.write', component: () => import('./views/MyLiaisonView.vue') },
  { name: 'bulletins', path: '/bulletins', label: 'menu.bulletins', icon: Document, roles: AREA, perm: 'bulletin.read',
    component: () => import('./views/BulletinsView.vue') },
  { name: 'bulletin', path: '/bulletins/:period', label: 'bulletin.detailTitle', hidden: true, activeMenu: 'bulletins',
    roles: AREA, perm: 'bulletin.read', component: () => import('./views/BulletinView.vue') },
  { name: 'members', path: '/members', label: 'menu.memberList', icon: User, group: 'menu.members',
    roles: [...AREA, ...BRANCH], perm: 'member.read', component: () => import('./views/MembersView.vue') },
  { name: 'member-imports', path: '/members/imports', label: 'menu.memberImports', icon: User, group: 'menu.members',
    roles: [...AREA, ...BRANCH], perm: 'member.write', component: () => import('./views/MemberImportsView.vue') },
  { name: 'member-import', path: '/members/imports/:id', label: 'roster.detailTitle', hidden: true, activeMenu: 'member-imports',
    roles: [...AREA, ...BRANCH], perm: 'member.read', component: () => import('./views/MemberImportView.vue') },
  { name: 'member-stats', path: '/members/stats', label: 'menu.memberStats', icon: User, group: 'menu.members',
    roles: [...AREA, ...BRANCH], perm: 'member.read', component: () => import('./views/MemberStatsView.vue') },
  { name: 'member', path: '/members/:id(\\d+)', label: 'member.detailTitle', hidden: true, activeMenu: 'members',
    roles: [...AREA, ...BRANCH], perm: 'member.read', component: () => import('./views/MemberView.vue') },
  // 党费对账: a bank statement matched against an organization's month of dues; the unmatched lines decided
  { name: 'dues-bank', path: '/dues/bank', label: 'duesbank.menu', icon: Wallet, group: 'dues.nav.group', roles: [...AREA, ...BRANCH], perm: 'dues.read',
    component: () => import('./views/DuesBankView.vue') },
  // 发展党员: the pipeline, the due list and the figures for the offices and branches; the
  // table of steps (edited by the city office); 我要入党 for members and investors
  { name: 'develop', path: '/develop', label: 'develop.menu.pipeline', icon: Flag, group: 'develop.menu.group',
    roles: [...AREA, ...BRANCH], perm: 'develop.read', component: () => import('./views/DevelopPipelineView.vue') },
  { name: 'develop-due', path: '/develop/due', label: 'develop.menu.due', icon: Flag, group: 'develop.menu.group',
    roles: [...AREA, ...BRANCH], perm: 'develop.read', component: () => import('./views/DevelopDueView.vue') },
  { name: 'develop-figures', path: '/develop/figures', label: 'develop.menu.figures', icon: Flag, group: 'develop.menu.group',
    roles: AREA, perm: 'develop.read', component: () => import('./views/DevelopFiguresView.vue') },
  { name: 'develop-rules', path: '/develop/rules', label: 'develop.menu.rules', icon: Flag, group: 'develop.menu.group',
    roles: [...AREA, ...BRANCH], perm: 'develop.read', component: () => import('./views/DevelopRulesView.vue') },
  { name: 'develop-applicant', path: '/develop/applicants/:id(\\d+)', label: 'develop.detailTitle', hidden: true, activeMenu: 'develop',
    roles: [...AREA, ...BRANCH], perm: 'develop.read', component: () => import('./views/DevelopApplicantView.vue') },
  { name: 'develop-apply', path: '/develop/apply', label: 'develop.menu.apply', icon: EditPen, roles: ['member', 'investor'],
    perm: 'develop.apply', component: () => import('./views/MyDevelopView.vue') },
  // organizational life (三会一课, 主题党日): the branch's meetings, the roll-up of duties, the member's own and the check-in
  { name: 'meetings', path: '/meetings', label: 'menu.meetings', icon: Calendar,
    roles: [...AREA, ...BRANCH], perm: 'meeting.read', component: () => import('./views/MeetingsView.vue') },
  { name: 'meeting-compliance', path: '/meetings/compliance', label: 'meeting.menu.compliance', icon: Calendar,
    roles: [...AREA, ...BRANCH], perm: 'meeting.read', component: () => import('./views/MeetingComplianceView.vue') },
  { name: 'meeting', path: '/meetings/:id(\\d+)', label: 'meeting.detailTitle', hidden: true, activeMenu: 'meetings',
    roles: [...AREA, ...BRANCH], perm: 'meeting.read', component: () => import('./views/MeetingView.vue') },
  { name: 'my-meetings', path: '/me/meetings', label: 'meeting.menu.mine', icon: Calendar, roles: ['secretary', 'member'],
    perm: 'meeting.attend', component: () => import('./views/MyMeetingsView.vue') },
  { name: 'checkin', path: '/checkin', label: 'meeting.checkin.title', hidden: true, activeMenu: 'my-meetings', perm: 'meeting.attend',
    component: () => import('./views/CheckinView.vue') },
  // 通知公告: the offices' and branches' notices with their receipts; 我的通知 for those who receive them
  { name: 'notices', path: '/notices', label: 'notice.menu.list', icon: Bell, roles: [...AREA, ...BRANCH], perm: 'notice.send',
    component: () => import('./views/NoticesView.vue') },
  { name: 'notice', path: '/notices/:id(\\d+)', label: 'notice.detailTitle', hidden: true, activeMenu: 'notices',
    roles: [...AREA, ...BRANCH], perm: 'notice.send', component: () => import('./views/NoticeView.vue') },
  { name: 'my-notices', path: '/me/notices', label: 'notice.menu.mine', icon: Bell, roles: ['org_admin', 'secretary', 'member'],
    perm: 'notice.read', component: () => import('./views/MyNoticesView.vue') },
  // 流动党员: flows out of and into the organizations of one's scope (transfer.read; registering needs transfer.write)
  { name: 'flows', path: '/flows', label: 'flow.menu', icon: Position, roles: ['city', 'district', ...BRANCH], perm: 'transfer.read',
    component: () => import('./views/FlowsView.vue') },
  // 党费: a month's sheets in scope (the branch makes its own and records payments from its lines), the
  // payments with their receipts (void with a reason), a member's bases and reliefs; 我的党费 for the member
  // who pays (what I owe and have paid, my receipts, my base, the calculator); for the branch's accounts the calculator alone
  { name: 'dues-sheets', path: '/dues', label: 'dues.nav.sheets', icon: Wallet, group: 'dues.nav.group',
    roles: [...AREA, ...BRANCH], perm: 'dues.read', component: () => import('./views/DuesSheetsView.vue') },
  { name: 'dues-payments', path: '/dues/payments', label: 'dues.nav.payments', icon: Wallet, group: 'dues.nav.group',
    roles: [...AREA, ...BRANCH], perm: 'dues.read', component: () => import('./views/DuesPaymentsView.vue') },
  { name: 'dues-sheet', path: '/dues/orgs/:id(\\d+)/:month(\\d{4}-\\d{2})', label: 'dues.sheet.title', hidden: true, activeMenu: 'dues-sheets',
    roles: [...AREA, ...BRANCH], perm: 'dues.read', component: () => import('./views/DuesSheetView.vue') },
  { name: 'dues-member', path: '/dues/members/:id(\\d+)', label: 'dues.member.menu', hidden: true, activeMenu: 'dues-sheets',
    roles: [...AREA, ...BRANCH], perm: 'dues.read', component: () => import('./views/DuesMemberView.vue') },
  // 党费收缴情况 up the tree (the sheets behind each row) and the 自行脱党 warning of an organization (issue 17)
  { name: 'dues-reports', path: '/dues/reports', label: 'duesreport.menu.report', icon: Wallet, group: 'dues.nav.group', roles: [...AREA, ...BRANCH], perm: 'dues.read',
    component: () => import('./views/DuesReportView.vue') },
  { name: 'dues-report-sheets', path: '/dues/reports/sheets', label: 'duesreport.sheetsTitle', hidden: true, activeMenu: 'dues-reports',
    roles: [...AREA, ...BRANCH], perm: 'dues.read', component: () => import('./views/DuesReportSheetsView.vue') },
  { name: 'dues-arrears', path: '/dues/arrears', label: 'duesreport.menu.arrears', icon: Wallet, group: 'dues.nav.group', roles: [...AREA, ...BRANCH], perm: 'dues.read',
    component: () => import('./views/DuesArrearsView.vue') },
  { name: 'my-dues', path: '/me/dues', label: 'dues.mine.menu', icon: Wallet, roles: ['org_admin', 'secretary', 'member'],
    component: () => import('./views/MyDuesView.vue') },
  // 组织关系接转: the list and one transfer for the offices and branches; the member's own request and its progress
  { name: 'transfers', path: '/transfers', label: 'transfer.menu', icon: Switch, roles: [...AREA, ...BRANCH], perm: 'transfer.read',
    component: () => import('./views/TransfersView.vue') },
  { name: 'transfer', path: '/transfers/:id(\\d+)', label: 'transfer.detailTitle', hidden: true, activeMenu: 'transfers',
    roles: [...AREA, ...BRANCH], perm: 'transfer.read', component: () => import('./views/TransferView.vue') },
  { name: 'my-transfer', path: '/me/transfer', label: 'transfer.mine', icon: Switch, roles: ['member'], perm: 'transfer.request',
    component: () => import('./views/MyTransferView.vue') },
  // 在线考试 (issue 16): the offices' question banks and exams with their results, under 学习培训; 我的考试 for the
  // member (the exams open to me, taking one against the server's clock, the result with the right answers)
  { name: 'exam-banks', path: '/study/exam-banks', label: 'exam.nav.banks', icon: Reading, group: 'study.nav.group', roles: ['city', 'district'],
    perm: 'study.read', component: () => import('./views/ExamBanksView.vue') },
  { name: 'exam-bank', path: '/study/exam-banks/:id(\\d+)', label: 'exam.bank.title', hidden: true, activeMenu: 'exam-banks', roles: ['city', 'district'],
    perm: 'study.read', component: () => import('./views/ExamBankView.vue') },
  { name: 'exams', path: '/study/exams', label: 'exam.nav.exams', icon: Reading, group: 'study.nav.group', roles: ['city', 'district'],
    perm: 'study.read', component: () => import('./views/ExamsView.vue') },
  { name: 'exam', path: '/study/exams/:id(\\d+)', label: 'exam.exams.title', hidden: true, activeMenu: 'exams', roles: ['city', 'district'],
    perm: 'study.read', component: () => import('./views/ExamView.vue') },
  { name: 'my-exams', path: '/me/exams', label: 'exam.nav.mine', icon: EditPen, roles: ['secretary', 'member'], perm: 'study.learn',
    component: () => import('./views/MyExamsView.vue') },
  { name: 'my-exam-attempt', path: '/me/exams/attempts/:id(\\d+)', label: 'exam.mine.title', hidden: true, activeMenu: 'my-exams',
    roles: ['secretary', 'member'], perm: 'study.learn', component: () => import('./views/MyExamAttemptView.vue') },
  // 学时完成情况 (issue 16): the office's figures with the members behind each, under 学习培训; the member's own hours
  { name: 'study-progress', path: '/study/progress', label: 'studyprogress.menu', icon: Reading, group: 'study.nav.group',
    roles: [...AREA, ...BRANCH], perm: 'study.read', component: () => import('./views/StudyProgressView.vue') },
  { name: 'study-progress-members', path: '/study/progress/members', label: 'studyprogress.membersTitle', hidden: true,
    activeMenu: 'study-progress', roles: [...AREA, ...BRANCH], perm: 'study.read', component: () => import('./views/StudyProgressMembersView.vue') },
  { name: 'my-study-hours', path: '/me/study/hours', label: 'studyprogress.mine.menu', icon: Reading, roles: ['secretary', 'member'],
    perm: 'study.learn', component: () => import('./views/MyStudyHoursView.vue') },
  // 学习培训 (issue 16, study-courses): the course library of the city or a district (study.write), offline hours recorded by an
  // organizer (study.record); 我的学习 for the member (required courses, continue, by category) and the course page itself
  { name: 'courses', path: '/study/courses', label: 'course.menu', icon: Reading, group: 'study.nav.group', roles: ['city', 'district'],
    perm: 'study.write', component: () => import('./views/CoursesView.vue') },
  { name: 'study-offline', path: '/study/offline', label: 'offline.menu', icon: Reading, group: 'study.nav.group',
    roles: ['city', 'district', ...BRANCH], perm: 'study.record', component: () => import('./views/StudyOfflineView.vue') },
  { name: 'my-study', path: '/me/study', label: 'myStudy.menu', icon: Reading, roles: ['secretary', 'member'], perm: 'study.learn',
    component: () => import('./views/MyStudyView.vue') },
  { name: 'course-study', path: '/me/study/courses/:id(\\d+)', label: 'myStudy.open', hidden: true, activeMenu: 'my-study',
    roles: ['secretary', 'member'], perm: 'study.learn', component: () => import('./views/CourseStudyView.vue') },
  // 学习培训 · 轮训 (issue 16): the city office's training batches (sessions, roster, attendance, completion and
  // certificates); 我的培训 for those enrolled or invited (members, secretaries, administrators, investors)
  { name: 'training', path: '/training', label: 'training.menu', icon: Reading, group: 'study.nav.group', roles: ['city'], perm: 'training.write',
    component: () => import('./views/TrainingBatchesView.vue') },
  { name: 'training-batch', path: '/training/:id(\\d+)', label: 'training.detailTitle', hidden: true, activeMenu: 'training', roles: ['city'],
    perm: 'training.write', component: () => import('./views/TrainingBatchView.vue') },
  { name: 'my-training', path: '/me/training', label: 'training.mine.menu', icon: Reading, group: 'study.nav.group',
    roles: ['org_admin', 'secretary', 'member', 'investor'], perm: 'training.read', component: () => import('./views/MyTrainingView.vue') },
  // 内容预审 (issue 19): the enterprise's review queue and one item (its organization and investor, review.write);
  // 我的审核 for the assigned reviewers (review.do, phone first); the figures for the offices and the enterprise side
  // (review.read: counts only, the content never leaves the enterprise)
  { name: 'prereview', path: '/review', label: 'prereview.menu', icon: EditPen, roles: [...BRANCH, 'investor'], perm: 'review.write',
    component: () => import('./views/PrereviewQueueView.vue') },
  { name: 'prereview-item', path: '/review/items/:id(\\d+)', label: 'prereview.item.title', hidden: true, activeMenu: 'prereview',
    roles: [...BRANCH, 'investor'], perm: 'review.write', component: () => import('./views/PrereviewItemView.vue') },
  { name: 'prereview-figures', path: '/review/figures', label: 'prereview.figures.menu', icon: PieChart, roles: [...AREA, ...BRANCH, 'investor'],
    perm: 'review.read', component: () => import('./views/PrereviewFiguresView.vue') },
  { name: 'my-reviews', path: '/me/review', label: 'prereview.mine.menu', icon: EditPen, roles: [...BRANCH, 'member'], perm: 'review.do',
    component: () => import('./views/MyReviewsView.vue') },
  { name: 'my-review', path: '/me/review/:id(\\d+)', label: 'prereview.mine.title', hidden: true, activeMenu: 'my-reviews',
    roles: [...BRANCH, 'member'], perm: 'review.do', component: () => import('./views/MyReviewView.vue') },
  // 责任考核 (issue 23): the city office's yearly assessment of districts and parks; districts and parks see their own published rows
  { name: 'assess', path: '/assess', label: 'assess.menu', icon: Tickets, roles: AREA, perm: 'assess.read',
    component: () => import('./views/AssessView.vue') },
  // 积分 (issue 18): the member's points and every line behind them; the claims to decide and the rankings
  { name: 'my-points', path: '/me/points', label: 'points.mine.menu', icon: Medal, roles: ['secretary', 'member'], perm: 'points.read',
    component: () => import('./views/MyPointsView.vue') },
  { name: 'points', path: '/points', label: 'points.admin.menu', icon: Medal, roles: [...AREA, ...BRANCH], perm: 'points.read',
    component: () => import('./views/PointsView.vue') },
  // 志愿服务 (issue 18): teams, activities, check-in and hours for the organizers; the members' list of upcoming activities
  { name: 'my-volunteer', path: '/me/volunteer', label: 'volunteer.mine.menu', icon: Flag, roles: ['secretary', 'member'], perm: 'volunteer.join',
    component: () => import('./views/MyVolunteerView.vue') },
  { name: 'volunteer', path: '/volunteer', label: 'volunteer.menu', icon: Flag, roles: [...AREA, ...BRANCH], perm: 'volunteer.read',
    component: () => import('./views/VolunteerView.vue') },
  { name: 'volunteer-team', path: '/volunteer/teams/:id', label: 'volunteer.teams', hidden: true, activeMenu: 'volunteer', roles: [...AREA, ...BRANCH],
    perm: 'volunteer.read', component: () => import('./views/VolunteerTeamView.vue') },
  { name: 'volunteer-activity', path: '/volunteer/activities/:id', label: 'volunteer.f.title', hidden: true, activeMenu: 'volunteer', roles: [...AREA, ...BRANCH],
    perm: 'volunteer.read', component: () => import('./views/VolunteerActivityView.vue') },
  // 星级评定、星级权益 (issue 18): the offices' rating of organizations (propose, confirm, publish); the benefits for all
  { name: 'stars', path: '/stars', label: 'stars.menu', icon: Medal, roles: AREA, perm: 'points.read',
    component: () => import('./views/StarsView.vue') },
  { name: 'benefits', path: '/benefits', label: 'benefits.menu', icon: Medal, roles: [...AREA, ...BRANCH, 'member'], perm: 'points.read',
    component: () => import('./views/BenefitsView.vue') },
  { name: 'me', path: '/me', label: 'menu.myProfile', icon: Avatar, roles: ['secretary', 'member'], perm: 'self.read',
    component: () => import('./views/MyMemberView.vue') },
  { name: 'enterprise', path: '/enterprise', label: 'menu.enterprise', icon: OfficeBuilding, roles: ['investor'], perm: 'enterprise.read',
    component: () => import('./views/MyEnterpriseView.vue') },
  { name: 'audit', path: '/audit', label: 'menu.audit', icon: Tickets, roles: ['auditor'], perm: 'audit.read',
    component: () => import('./views/AuditView.vue') },
  { name: 'users', path: '/users', label: 'menu.users', icon: Setting, roles: [...AREA, 'sysadmin'], perm: 'user.read',
    component: () => import('./views/UsersView.vue') },
]

/** May the current user open this page? */
export function allowed(page, user = session.user, perms = session.permissions) {
  if (!user) return false
  if (page.roles && !page.roles.includes(user.role)) return false
  if (page.perm && perms && perms.length > 0 && !perms.includes(page.perm)) return false
  return true
}

/** The side menu for the current user: [{page} | {group, label, children:[page]}]. */
export function menuFor(user = session.user, perms = session.permissions) {
  const out = []
  const groups = new Map()
  for (const p of PAGES) {
    if (p.hidden || !allowed(p, user, perms)) continue
    if (p.group) {
      let g = groups.get(p.group)
      if (!g) { g = { group: p.group, label: p.group, icon: p.icon, children: [] }; groups.set(p.group, g); out.push(g) }
      g.children.push(p)
    } else {
      out.push({ page: p })
    }
  }
  return out
}
