// The posts of a committee as the server names them (committee_posts in src/committee/committee.c)
// and their i18n keys: the Chinese words are data the server sends and expects, the labels come
// from locales/parts/orgpeople.js.
export const COMMITTEE_POSTS = [['书记', 'secretary'], ['副书记', 'deputy'], ['组织委员', 'organization'], ['宣传委员', 'publicity'],
  ['纪检委员', 'discipline'], ['青年委员', 'youth'], ['统战委员', 'unitedFront'], ['委员', 'member']]
const POST = Object.fromEntries(COMMITTEE_POSTS)
export const POSTS = COMMITTEE_POSTS.map(([v]) => v)
export const [SECRETARY, , ORGANIZATION, PUBLICITY, , , , MEMBER] = POSTS
/** A post in the UI language; unknown values as given. */
export const postLabel = (t, v) => (POST[v] ? t(`orgpeople.posts.${POST[v]}`) : v || '')
