// Strings shared by every list (export, filters, sorting): { 'zh-CN': {...}, en: {...} }.
export default {
  'zh-CN': {
    list: {
      exportXlsx: '导出 Excel',
      filter: '筛选',
      reset: '重置',
      keyword: '关键词',
      asOf: '截至日期',
      noMatch: '没有符合条件的记录',
    },
  },
  en: {
    list: {
      exportXlsx: 'Export Excel',
      filter: 'Filter',
      reset: 'Reset',
      keyword: 'Keyword',
      asOf: 'As of',
      noMatch: 'No records match',
    },
  },
}
