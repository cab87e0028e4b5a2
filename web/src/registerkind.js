// 企业名录 (issue 23): the six categories of an internet enterprise as the server names them
// (the enterprise table's CHECK; ledger_match_categories) and their i18n keys: the Chinese words are
// data the server sends and expects, the labels come from locales/parts/register.js.
export const ENT_CATEGORIES = [['新闻', 'news'], ['社交', 'social'], ['网游', 'game'], ['电商', 'ecommerce'], ['金融', 'finance'], ['数据', 'data']]
const CAT = Object.fromEntries(ENT_CATEGORIES)
/** A category in the UI language; unknown values as given. */
export const categoryLabel = (t, v) => (CAT[v] ? t(`register.cat.${CAT[v]}`) : v || '')
