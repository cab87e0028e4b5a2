// Every string of the UI, one file per page under parts/, each holding that page's
// Chinese and English side by side ({ 'zh-CN': { ns: {...} }, en: { ns: {...} } }), so a
// page's two languages are written and reviewed together.  Here the parts are merged
// into one table per language for vue-i18n; a namespace defined by two parts is an error
// (it would silently hide one of them).  tests/e2e/locales.test.mjs checks that every
// part is listed here and that each part's two languages have the same keys.
import app from './parts/app.js'
import login from './parts/login.js'
import dashboard from './parts/dashboard.js'
import ledger from './parts/ledger.js'
import account from './parts/account.js'
import rounds from './parts/rounds.js'
import org from './parts/org.js'
import bulletin from './parts/bulletin.js'
import coverage from './parts/coverage.js'
import verify from './parts/verify.js'
import list from './parts/list.js'
import admin from './parts/admin.js'
import member from './parts/member.js'
import mine from './parts/mine.js'
import develop from './parts/develop.js'
import meeting from './parts/meeting.js'
import notice from './parts/notice.js'
import dues from './parts/dues.js'
import transfer from './parts/transfer.js'
import duesbank from './parts/duesbank.js'
import duesreport from './parts/duesreport.js'
import fields from './parts/fields.js'
import flow from './parts/flow.js'
import study from './parts/study.js'
import exam from './parts/exam.js'
import register from './parts/register.js'
import orgpeople from './parts/orgpeople.js'
import studyprogress from './parts/studyprogress.js'
import course from './parts/course.js'
import training from './parts/training.js'
import alliance from './parts/alliance.js'
import liaison from './parts/liaison.js'
import prereview from './parts/prereview.js'
import assess from './parts/assess.js'
import map from './parts/map.js'
import points from './parts/points.js'
import volunteer from './parts/volunteer.js'
import stars from './parts/stars.js'
import center from './parts/center.js'

export const LANGS = ['zh-CN', 'en']
export const PARTS = { app, login, dashboard, ledger, account, rounds, org, bulletin, coverage, verify, list, admin, member, mine, develop, meeting, notice, dues, transfer, duesbank, duesreport, fields, flow, study, exam, register, orgpeople, studyprogress, course, training, alliance, liaison, prereview, assess, map, points, volunteer, stars, center }

function merge(lang) {
  const out = {}
  for (const [name, part] of Object.entries(PARTS)) {
    for (const [ns, msgs] of Object.entries(part[lang] || {})) {
      if (out[ns]) throw new Error(`locale namespace ${ns} defined twice (parts/${name}.js)`)
      out[ns] = msgs
    }
  }
  return out
}

export const messages = Object.fromEntries(LANGS.map((l) => [l, merge(l)]))
