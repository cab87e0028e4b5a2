// Words every list shares (export, filters, sorting).
// One file per page, both languages: { 'zh-CN': {...}, en: {...} } with the same keys (locales/index.js).
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
