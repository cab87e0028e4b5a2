// Ledger rounds (轮次与比对): the rounds, one round's enterprises, the diff and the review queue.
// One file per page, both languages: { 'zh-CN': {...}, en: {...} } with the same keys (locales/index.js).
export default {
  'zh-CN': {
    rounds: {
      title: '轮次与比对', detailTitle: '轮次详情', intro: '台账合并的各个轮次：查看企业、比对两轮差异、审核疑似重复的记录。',
      listTitle: '轮次列表', none: '还没有轮次', back: '返回轮次列表', nth: '第 {n} 轮',
      id: '编号', number: '轮次', name: '名称', records: '记录', entities: '企业', removed: '剔除', review: '待审', time: '时间',
      export: '导出 Excel', verification: '下载核查表',
      tabEntities: '企业', tabDiff: '比对', tabReview: '审核队列',
      kept: '在册', removedTab: '已剔除', searchPh: '按名称或信用代码搜索', search: '搜索', noEntities: '没有符合条件的企业',
      no: '编号', reason: '原因', zombie: '疑似僵尸',
      compareWith: '与另一轮次比对', pickRound: '请选择要比对的轮次', diffOf: '从第 {a} 号轮次到第 {b} 号轮次',
      added: '新增', removedReason: '剔除（原因）', changed: '变更', changes: '变更内容',
      reviewState: '审核状态', stateOpen: '待审', stateDecided: '已决定', stateAll: '全部',
      queueEmpty: '审核队列已清空，没有待审的记录对。', pairOf: '第 {i} / {n} 对（共 {total} 对）', prob: '匹配概率',
      why: '为什么？', pairCaption: '两条记录逐项对照，不同的字段已高亮', field: '字段',
      same: '同一企业', different: '不是同一企业', skip: '跳过', decided: '已记录决定',
      entity: '企业详情', lineage: '来源记录',
      f: { name: '名称', uscc: '统一社会信用代码', code: '信用代码', district: '所属区', address: '地址', category: '行业分类',
        employees: '从业人数', members: '党员数', status: '经营状态', contact: '联系人', phone: '电话', source: '来源文件', row: '行' },
    },
  },
  en: {
    rounds: {
      title: 'Rounds & diffs', detailTitle: 'Round', intro: 'The ledger merge rounds: browse enterprises, compare two rounds, review likely duplicates.',
      listTitle: 'Rounds', none: 'No rounds yet', back: 'Back to rounds', nth: 'Round {n}',
      id: 'ID', number: 'Round', name: 'Name', records: 'Records', entities: 'Enterprises', removed: 'Removed', review: 'To review', time: 'Time',
      export: 'Export Excel', verification: 'Verification template',
      tabEntities: 'Enterprises', tabDiff: 'Diff', tabReview: 'Review queue',
      kept: 'Listed', removedTab: 'Removed', searchPh: 'Search name or credit code', search: 'Search', noEntities: 'No matching enterprises',
      no: 'No.', reason: 'Reason', zombie: 'Possibly dormant',
      compareWith: 'Compare with another round', pickRound: 'Choose a round to compare', diffOf: 'From round #{a} to round #{b}',
      added: 'Added', removedReason: 'Removed (reason)', changed: 'Changed', changes: 'Changes',
      reviewState: 'Review state', stateOpen: 'Open', stateDecided: 'Decided', stateAll: 'All',
      queueEmpty: 'The review queue is empty: no pairs left to decide.', pairOf: 'Pair {i} of {n} ({total} in all)', prob: 'Match probability',
      why: 'Why?', pairCaption: 'Two records field by field; differing fields are highlighted', field: 'Field',
      same: 'Same enterprise', different: 'Not the same', skip: 'Skip', decided: 'Decision recorded',
      entity: 'Enterprise', lineage: 'Source rows',
      f: { name: 'Name', uscc: 'Credit code', code: 'Code', district: 'District', address: 'Address', category: 'Category',
        employees: 'Employees', members: 'Party members', status: 'Status', contact: 'Contact', phone: 'Phone', source: 'Source file', row: 'Row' },
    },
  },
}
