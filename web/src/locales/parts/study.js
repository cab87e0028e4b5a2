// 学习培训: the menu group the study pages share (courses, progress, exams, training batches).
// Only the group's label lives here; each page's strings are in its own part.
export default {
  'zh-CN': {
    study: {
      nav: { group: '学习培训' },
    },
  },
  en: {
    study: {
      nav: { group: 'Study and training' },
    },
  },
}
