// The confirms of round 4 and publishing state in numbers what will happen, as the
// server counts it (GET …/verify/preview, …/publish/preview: nothing is guessed
// here).  When most enterprises were not checked on site the server refuses the
// write unless it is sent with force=1; the confirm says so and only then offers
// "仍然继续".  Each function resolves to { force } to go ahead, or null (cancelled).
import { h } from 'vue'
import { ElMessageBox } from 'element-plus'
import { api } from './api.js'
import { fmtNum } from './format.js'

function pct(part, total) { return total ? Math.floor((part * 100) / total) : 0 } // as the server says it

function box(t, { title, lines, over, plan, confirm, testid }) {
  const body = h('div', { class: 'plan-box', 'data-testid': testid }, [
    ...lines.map((l) => h('p', { class: 'plan-line' }, l)),
    over ? h('p', { class: 'plan-over', style: 'color:#b42318;font-weight:500', 'data-testid': 'plan-over' },
      t('rounds.plan.over', { pct: pct(plan.unchecked, plan.total), max: plan.max_unchecked_pct })) : null,
  ])
  return ElMessageBox.confirm(body, over ? t('rounds.plan.overTitle') : title, {
    confirmButtonText: over ? t('rounds.plan.overConfirm') : confirm,
    cancelButtonText: t('common.cancel'),
    type: over ? 'error' : 'warning',
    customClass: 'plan-dialog',
  }).then(() => ({ force: !!over }), () => null)
}

export async function confirmRound4(t, roundId) {
  const p = await api.get(`/api/ledger/rounds/${roundId}/verify/preview`)
  const lines = [
    t('rounds.plan.round4', { kept: fmtNum(p.kept), removed: fmtNum(p.removed), unchecked: fmtNum(p.unchecked) }),
    t('rounds.plan.round4Of', { total: fmtNum(p.total), checked: fmtNum(p.checked) }),
  ]
  if ((p.reasons || []).length) lines.push(t('rounds.plan.reasons') + p.reasons.map((r) => `${r.reason} ${fmtNum(r.count)}`).join('；'))
  return box(t, { title: t('verify.makeRound4'), lines, over: p.over, plan: p, confirm: t('verify.makeRound4'), testid: 'round4-plan' })
}

export async function confirmPublish(t, roundId) {
  const p = await api.get(`/api/ledger/rounds/${roundId}/publish/preview`)
  const lines = [t('rounds.plan.publish', { kept: fmtNum(p.kept), added: fmtNum(p.added), updated: fmtNum(p.updated) })]
  if (p.leaving) lines.push(t('rounds.plan.leaving', { n: fmtNum(p.leaving) }))
  if (p.unchecked) lines.push(t('rounds.plan.unchecked', { unchecked: fmtNum(p.unchecked) }))
  return box(t, { title: t('verify.publish'), lines, over: p.over, plan: p, confirm: t('verify.publish'), testid: 'publish-plan' })
}
