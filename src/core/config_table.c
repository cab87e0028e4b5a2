/* config_table — every setting of ejia, in one place (see config.h).
 * Party-rule values come from ../shared/docs/rules.md; they are settings
 * because local rules differ. */
#include "config.h"

#define BIG 1e15

const cfg_def cfg_table[] = {
    /* server */
    {"db", CFG_STR, 0, 0, "var/ejia.db", "数据库 database",
     "数据库：SQLite 文件路径（或 sqlite:PATH）或 postgresql://… / SQLite path or PostgreSQL URL"},
    {"bind", CFG_STR, 0, 0, "127.0.0.1", "服务器 server", "监听地址 / listen address"},
    {"port", CFG_INT, 0, 65535, "8080", "服务器 server", "监听端口（0 = 任选） / listen port (0 = any)"},
    {"threads", CFG_INT, 0, 256, "0", "服务器 server", "工作线程数（0 = CPU 核数的 4 倍） / worker threads (0 = 4 per core)"},
    {"web-root", CFG_STR, 0, 0, "web/dist", "服务器 server", "网页界面文件目录 / web UI build folder"},
    {"max-body", CFG_INT, 1024, BIG, "1048576", "服务器 server", "JSON 请求体上限（字节） / JSON body limit (bytes)"},
    {"max-upload", CFG_INT, 1024, BIG, "52428800", "服务器 server", "上传文件上限（字节） / upload limit (bytes)"},
    {"max-unzipped", CFG_INT, 1024, BIG, "536870912", "服务器 server", "xlsx 解压后上限（字节） / xlsx uncompressed limit"},
    {"max-zip-entries", CFG_INT, 1, 1e7, "10000", "服务器 server", "xlsx 条目数上限 / xlsx entry count limit"},
    /* what an import stores grows with the text, not the file: 64 MiB is ~400k real rows */
    {"max-cell-text", CFG_INT, 1024, BIG, "67108864", "服务器 server",
     "每个台账文件单元格文字合计上限（字节，导入时） / total cell text per imported ledger file (bytes)"},
    {"upload-dir", CFG_STR, 0, 0, "", "服务器 server", "上传临时目录（空 = 系统临时目录） / upload temp folder"},
    {"conn-timeout", CFG_INT, 1, 3600, "30", "服务器 server", "连接空闲超时（秒） / connection idle timeout (s)"},
    {"header-timeout", CFG_INT, 1, 3600, "10", "服务器 server", "请求头须在此时间内收完（秒，从连接建立或请求行到达算起） / total deadline for request headers (s)"},
    {"body-timeout", CFG_INT, 1, 86400, "120", "服务器 server", "请求体须在此时间内收完（秒；慢速网络上传大文件时调大） / total deadline for a request body (s)"},
    {"conn-limit", CFG_INT, 1, 1e6, "1024", "服务器 server", "最大连接数 / max connections"},
    {"per-ip-limit", CFG_INT, 0, 1e6, "64", "服务器 server", "每个地址最大连接数（0 = 不限） / max connections per IP"},
    {"behind-tls", CFG_BOOL, 0, 0, "false", "服务器 server", "位于 TLS 反向代理之后（Cookie 加 Secure） / behind a TLS proxy"},
    {"export-row-cap", CFG_INT, 1, 1e7, "100000", "服务器 server", "单次导出行数上限 / rows per export"},
    /* the test suites run with these: an unaudited write fails the request, and every audited route is listed */
    {"audit-check", CFG_BOOL, 0, 0, "false", "测试 tests",
     "成功的写操作或导出若没有恰好一条审计记录即报错（测试用） / fail a write or export that left no single audit row (tests)"},
    {"audit-trace", CFG_STR, 0, 0, "", "测试 tests",
     "把每次成功的写操作和导出（方法、路由、审计行数）追加到此文件（测试用） / append each write/export and its audit rows to this file (tests)"},
    {"test-routes", CFG_BOOL, 0, 0, "false", "测试 tests",
     "启用测试专用接口 /api/test/…（如故意泄漏内存，验证测试能发现泄漏；切勿用于生产） / enable the test-only routes (tests only)"},
    {"log-level", CFG_STR, 0, 0, "info", "服务器 server", "日志级别 debug|info|warn|error|quiet / log level"},
    {"demo-if-empty", CFG_BOOL, 0, 0, "false", "服务器 server", "数据库为空时填入演示数据 / fill demo data into an empty database"},
    {"demo-seed", CFG_INT, 0, 1e9, "2018", "服务器 server", "演示数据随机种子 / demo data seed"},
    {"db-pool", CFG_INT, 1, 256, "0", "数据库 database", "数据库连接数（0 = 线程数+1） / connections (0 = threads+1)"},
    {"busy-timeout", CFG_INT, 0, 600000, "10000", "数据库 database", "SQLite 忙等待（毫秒；其他进程的写入） / SQLite busy timeout (ms; writers of other processes)"},
    {"sqlite-mmap-mb", CFG_INT, 0, 65536, "0", "数据库 database",
     "SQLite 内存映射读取（MB；0 = 关闭；只读为主的大库可开） / SQLite memory-mapped reads (MiB; 0 = off)"},
    /* in-process writers queue (db.c) rather than poll: a login waits out an import's write
     * (about 1 s under max-cell-text); below conn-timeout, so the client gets its 503 */
    {"write-queue-timeout", CFG_INT, 100, 3600000, "20000", "数据库 database",
     "SQLite：写事务排队等待上限（毫秒） / SQLite: how long a write transaction waits for its turn (ms)"},
    /* security */
    {"key-file", CFG_STR, 0, 0, "", "安全 security", "敏感字段加密密钥文件（空 = 数据库旁 .key） / field encryption key file"},
    {"session-idle", CFG_INT, 60, 86400, "1800", "安全 security", "会话空闲超时（秒） / session idle timeout (s)"},
    {"session-absolute", CFG_INT, 60, 604800, "43200", "安全 security", "会话绝对超时（秒） / session absolute timeout (s)"},
    {"lockout-failures", CFG_INT, 1, 100, "5", "安全 security", "锁定前允许的失败次数 / failed logins before lockout"},
    {"lockout-minutes", CFG_INT, 1, 10080, "30", "安全 security", "锁定时长（分钟） / lockout duration (min)"},
    {"login-address-failures", CFG_INT, 1, 1e6, "10", "安全 security", "同一地址在时间窗内允许的登录失败次数，超过即暂停该地址登录 / failed logins per address before it is paused"},
    {"login-address-minutes", CFG_INT, 1, 1440, "15", "安全 security", "按地址计数的时间窗和暂停时长（分钟） / window and pause per address (min)"},
    {"password-policy", CFG_STR, 0, 0, "mlps", "安全 security", "密码策略 mlps（≥8 位三类字符）| asvs（≥12 位） / password policy"},
    {"password-max-age-days", CFG_INT, 0, 3650, "90", "安全 security", "密码有效期（天，到期提醒更换；0 = 不提醒） / password change reminder (days)"},
    {"totp-roles", CFG_STR, 0, 0, "sysadmin", "安全 security", "必须使用动态验证码的角色（逗号分隔，如 sysadmin,city） / roles that must use TOTP"},
    {"test-clock-file", CFG_STR, 0, 0, "", "安全 security", "仅供测试：从此文件读取时钟偏移秒数 / tests only: clock offset file"},
    {"audit-retention-days", CFG_INT, 180, 36500, "180", "安全 security", "审计保留天数（≥180） / audit retention (days)"},
    /* party rules (rules.md) */
    {"member-min-age", CFG_INT, 14, 30, "18", "党建规则 rules", "入党最低年龄（周岁；低于此年龄入党的记录标出待核） / minimum age at joining"},
    {"member-age-bands", CFG_STR, 0, 0, "30,35,40,45,50,55,60", "党建规则 rules", "党内统计年龄段的上限（岁，逗号分隔） / age bands of the statistics"},
    {"member-party-age-bands", CFG_STR, 0, 0, "5,10,20,30,40,50", "党建规则 rules", "党内统计党龄段的上限（年，逗号分隔） / party-age bands"},
    {"member-probation-months", CFG_INT, 1, 36, "12", "党建规则 rules", "预备期（月；超过仍无转正日期的记录标出待核） / probation (months)"},
    {"rule-branch-min", CFG_INT, 1, 100, "3", "党建规则 rules", "成立党支部的最少正式党员数 / members to form a branch"},
    {"rule-committee-min", CFG_INT, 1, 1000, "7", "党建规则 rules", "设支委会的党员数 / members for a branch committee"},
    {"rule-general-branch-min", CFG_INT, 1, 10000, "50", "党建规则 rules", "可升格为党总支的党员数 / members for a general branch"},
    {"rule-committee-party-min", CFG_INT, 1, 100000, "100", "党建规则 rules", "可成立基层党委的党员数 / members for a primary committee"},
    {"rule-branch-max", CFG_INT, 1, 10000, "50", "党建规则 rules", "党支部党员数上限（超过应拆分） / branch size limit"},
    {"rule-joint-max-units", CFG_INT, 2, 100, "5", "党建规则 rules", "联合党支部最多单位数 / units per joint branch"},
    {"rule-key-employees", CFG_INT, 0, 100000, "10", "党建规则 rules", "重点企业从业人数（无党员时优先选派指导员） / employees of a key enterprise"},
    /* organizations and the 旬 bulletin (src/org) */
    {"bulletin-schedule", CFG_BOOL, 0, 0, "true", "党建规则 rules", "服务器在每旬结束后自动发布该旬通报 / issue each finished 旬 bulletin automatically"},
    {"bulletin-check-seconds", CFG_INT, 1, 86400, "300", "党建规则 rules", "自动通报的检查间隔（秒） / how often the bulletin scheduler looks (s)"},
    /* read by the ledger's zombie rules (src/ledger/zombie.h): every ledger that gives a head count gives less */
    {"rule-zombie-min-employees", CFG_INT, 0, 1000, "1", "党建规则 rules",
     "台账填报的从业人数低于此值视为无从业人员（僵尸企业） / a ledger head count below this = nobody works there (a zombie)"},
    /* organizational life, 三会一课 and 主题党日 (src/meeting; rules.md "Organizational life"):
     * how often each kind is due — month | quarter | year | none — and the record's lock,
     * the phone check-in and the compliance lights */
    {"rule-meeting-freq-assembly", CFG_STR, 0, 0, "quarter", "党建规则 rules", "支部党员大会频次 month|quarter|year|none / branch assembly"},
    {"rule-meeting-freq-committee", CFG_STR, 0, 0, "month", "党建规则 rules", "支委会频次（仅设支委会的组织） / committee meeting"},
    {"rule-meeting-freq-group", CFG_STR, 0, 0, "month", "党建规则 rules", "党小组会频次 / party group meeting"},
    {"rule-meeting-freq-lecture", CFG_STR, 0, 0, "quarter", "党建规则 rules", "党课频次 / party lecture"},
    {"rule-meeting-freq-theme-day", CFG_STR, 0, 0, "month", "党建规则 rules", "主题党日频次 / theme party day"},
    {"rule-meeting-freq-life", CFG_STR, 0, 0, "year", "党建规则 rules", "组织生活会频次 / organizational life meeting"},
    {"rule-meeting-freq-appraisal", CFG_STR, 0, 0, "year", "党建规则 rules", "民主评议党员频次 / democratic appraisal"},
    {"rule-meeting-freq-talk", CFG_STR, 0, 0, "year", "党建规则 rules", "谈心谈话频次 / heart-to-heart talks"},
    {"rule-meeting-theme-day", CFG_INT, 0, 28, "0", "党建规则 rules",
     "主题党日固定在每月几日（1–28，遇周末顺延；0 = 每月第一个工作日） / the theme day's day of the month (0 = first working day)"},
    {"rule-meeting-lock-days", CFG_INT, 0, 3650, "30", "党建规则 rules",
     "会议记录在会议日后多少天锁定（之后修改须填写更正理由） / days after a meeting its record locks"},
    {"rule-meeting-checkin-step", CFG_INT, 10, 600, "30", "党建规则 rules", "签到二维码更换间隔（秒） / check-in code step (s)"},
    {"rule-meeting-checkin-before", CFG_INT, 0, 86400, "1800", "党建规则 rules", "会议开始前多少秒可签到 / check-in opens before the start (s)"},
    {"rule-meeting-checkin-after", CFG_INT, 0, 86400, "1800", "党建规则 rules", "会议结束后多少秒仍可签到 / check-in closes after the end (s)"},
    {"rule-meeting-idle-yellow-days", CFG_INT, 1, 3650, "30", "党建规则 rules", "多少天无组织生活亮黄灯 / days without a meeting: yellow"},
    {"rule-meeting-idle-red-days", CFG_INT, 1, 3650, "90", "党建规则 rules", "多少天无组织生活亮红灯 / days without a meeting: red"},
    /* a meeting's photos (src/meeting/meeting_photo_store.c), kept by content like the develop
     * documents (base/files.h), and the bulletin's organizational-life section (src/bulletin) */
    {"meeting-files-dir", CFG_STR, 0, 0, "", "三会一课 meetings",
     "会议照片的存放目录（空 = SQLite 数据库旁的 .files 目录，PostgreSQL 时 var/files） / where meeting photos are kept"},
    {"meeting-photo-max-bytes", CFG_INT, 1024, 104857600, "10485760", "三会一课 meetings",
     "每张会议照片的大小上限（字节；JPEG、PNG 或 WebP） / size limit of one meeting photo (bytes)"},
    {"meeting-photo-max-count", CFG_INT, 1, 1000, "30", "三会一课 meetings", "每次会议最多照片数 / photos per meeting"},
    {"bulletin-red-max", CFG_INT, 0, 1000, "20", "党建规则 rules",
     "旬报组织生活部分列出的红灯党组织最多几个（0 = 不列出） / red organizations listed in the bulletin (at most)"},
    /* developing new members (src/develop): the documents of an applicant's file, kept outside the
     * database as files named by their SHA-256 (the steps and intervals are the develop_step table) */
    {"develop-files-dir", CFG_STR, 0, 0, "", "发展党员 develop",
     "发展党员材料（入党申请书、政审材料、表决记录）的存放目录（空 = SQLite 数据库旁的 .files 目录，PostgreSQL 时 var/files） / where an applicant's documents are kept"},
    {"develop-file-max", CFG_INT, 1024, 104857600, "10485760", "发展党员 develop",
     "每份发展党员材料的大小上限（字节；PDF 或 JPEG、PNG 图片） / size limit of one document (bytes)"},
    /* notices and reminders (src/notice): the channels a published notice goes out through (the
     * in-app inbox only, until a deployment adds SMS or WeChat: docs/internals.md) and how far ahead
     * the bell reminds of meetings */
    {"notice-channels", CFG_STR, 0, 0, "app", "通知公告 notices",
     "通知发送通道，逗号分隔（app = 站内通知；短信、微信须由部署方接入后列入） / channels a notice goes out through"},
    {"rule-remind-meeting-days", CFG_INT, 0, 60, "7", "党建规则 rules", "提前多少天提醒党员参加会议 / days ahead the bell shows a meeting"},
    /* issue 21 item 10: the office's rules on an organization (src/org/org.c org_rules_org) */
    {"rule-org-full-min", CFG_INT, 0, 1000, "3", "党建规则 rules",
     "党组织（含下级）在党员名册上的正式党员少于几名时提示“正式党员不足” / registered full members an organization needs"},
    {"rule-committee-seats-min", CFG_INT, 0, 100, "1", "党建规则 rules",
     "党委、党总支委员会至少几名委员（少于时提示“委员会缺委员”） / members a 党委 or 党总支 committee needs"},
    /* issue 21 item 11: the bulletin as a formal document — its print line (印发机关, 抄送) */
    {"bulletin-office", CFG_STR, 0, 0, "", "旬报 bulletin",
     "旬报的印发机关（空 = 全市最上级的两新工委名称） / the office that issues the bulletin (empty: the city's top working committee)"},
    {"bulletin-cc", CFG_STR, 0, 0, "市委组织部，各区委两新工委", "旬报 bulletin",
     "旬报的抄送单位（印在文末） / to whom the bulletin is copied (printed at its end)"},
    /* issue 21 item 1: round 4 and publishing refused when most enterprises were not checked on site
     * (src/ledger/round_store.c; the confirm dialog may override after showing the counts) */
    {"ledger-unchecked-max-pct", CFG_INT, 0, 100, "50", "党建规则 rules",
     "生成第四轮或发布时，未实地核查的企业占比超过此百分比即拒绝（须确认后继续） / share of unchecked enterprises above which round 4 and publishing are refused (%)"},
    /* issue 17: party dues (中组部〔2008〕33号) — src/dues/dues.c, checked by dues_rules_load.
     * Amounts in 元 (up to two decimals), rates in basis points (万分之一: 50 = 0.5%);
     * one rate on the whole base by bracket, upper bounds inclusive (rules.md "Party dues") */
    {"dues-employee-max-1", CFG_STR, 0, 0, "3000", "党费 dues",
     "在职党员第一档月工资基数上限（元，含本数） / employees' first bracket: monthly base up to (元, inclusive)"},
    {"dues-employee-max-2", CFG_STR, 0, 0, "5000", "党费 dues",
     "在职党员第二档月工资基数上限（元，含本数） / employees' second bracket: up to (元, inclusive)"},
    {"dues-employee-max-3", CFG_STR, 0, 0, "10000", "党费 dues",
     "在职党员第三档月工资基数上限（元，含本数；以上为第四档） / employees' third bracket: up to (元, inclusive; above: the fourth)"},
    {"dues-employee-rate-1", CFG_INT, 0, 10000, "50", "党费 dues", "在职党员第一档费率（万分之一，50 = 0.5%） / employees' first rate (basis points)"},
    {"dues-employee-rate-2", CFG_INT, 0, 10000, "100", "党费 dues", "在职党员第二档费率（万分之一，100 = 1%） / employees' second rate (basis points)"},
    {"dues-employee-rate-3", CFG_INT, 0, 10000, "150", "党费 dues", "在职党员第三档费率（万分之一，150 = 1.5%） / employees' third rate (basis points)"},
    {"dues-employee-rate-4", CFG_INT, 0, 10000, "200", "党费 dues", "在职党员第四档费率（万分之一，200 = 2%） / employees' fourth rate (basis points)"},
    {"dues-retiree-max-1", CFG_STR, 0, 0, "5000", "党费 dues",
     "离退休党员第一档月离退休费上限（元，含本数；以上为第二档） / retirees' first bracket: monthly pension up to (元, inclusive)"},
    {"dues-retiree-rate-1", CFG_INT, 0, 10000, "50", "党费 dues", "离退休党员第一档费率（万分之一，50 = 0.5%） / retirees' first rate (basis points)"},
    {"dues-retiree-rate-2", CFG_INT, 0, 10000, "100", "党费 dues", "离退休党员第二档费率（万分之一，100 = 1%） / retirees' second rate (basis points)"},
    {"dues-flat-student", CFG_STR, 0, 0, "0.20", "党费 dues", "学生党员每月定额（元） / students' flat monthly amount (元)"},
    {"dues-flat-unemployed", CFG_STR, 0, 0, "0.20", "党费 dues", "失业党员每月定额（元） / the unemployed's flat monthly amount (元)"},
    {"dues-flat-relief", CFG_STR, 0, 0, "0.20", "党费 dues",
     "享受低保的党员每月定额（元） / flat monthly amount of members on relief (低保, 元)"},
    {"dues-flat-farmer", CFG_STR, 0, 0, "0.20", "党费 dues",
     "农民党员每月定额（元，须在下面的范围内） / farmers' flat monthly amount (元, within the range below)"},
    {"dues-farmer-min", CFG_STR, 0, 0, "0.20", "党费 dues", "农民党员定额的下限（元） / lowest farmers' amount (元)"},
    {"dues-farmer-max", CFG_STR, 0, 0, "1.00", "党费 dues", "农民党员定额的上限（元） / highest farmers' amount (元)"},
    {"dues-rounding", CFG_STR, 0, 0, "half-up", "党费 dues",
     "党费算到分的舍入方式 half-up（四舍五入）| half-even（五成双）| down（舍去）| up（进一） / rounding to the fen"},
    /* issue 17: payments of dues */
    {"dues-back-max-months", CFG_INT, 0, 120, "6", "党费 dues",
     "补交党费最多可补的月数（本月之前） / months before this one that may still be back-paid"},
    {"dues-advance-max-months", CFG_INT, 0, 12, "3", "党费 dues",
     "经支部同意可预交的月数（本月之后） / months after this one that may be paid in advance (with the branch's consent)"},
    {"dues-central-min", CFG_STR, 0, 0, "1000", "党费 dues",
     "一次自愿多交党费达到此数（元）全部上缴中央 / a voluntary payment of at least this (元) goes to the central committee"},
    {"dues-ways", CFG_STR, 0, 0, "treasurer", "党费 dues",
     "启用的党费缴纳方式（逗号分隔；treasurer = 支部党费收缴员收取） / payment ways in use (comma-separated)"},
    /* issue 17 (transfers, 组织关系接转): the letter out of the system — src/transfer/ */
    {"transfer-letter-prefix", CFG_STR, 0, 0, "厦组转", "组织关系转接 transfer",
     "介绍信编号的字头（编号形如 厦组转〔2026〕第0001号，每年一个序列） / the letter number's prefix (one sequence a year)"},
    {"transfer-letter-valid-days", CFG_INT, 1, 3650, "90", "组织关系转接 transfer",
     "介绍信有效期（天，自开具之日起） / days a letter out of the system stays valid"},
    /* issue 17, dues-report items 1–3: the 自行脱党 warning (arrears) */
    {"dues-arrears-months", CFG_INT, 1, 24, "6", "党费 dues",
     "连续多少个月未交党费或未参加组织生活即提醒书记（自行脱党预警；由支部大会决定，系统不改变党籍） / consecutive months unpaid or without organizational life that warn the secretary"},
    /* issue 16, study-training: training batches (轮训) — src/study/training* */
    {"training-complete-share", CFG_INT, 1, 100, "80", "学习培训 study",
     "培训班学员出勤达到课程总数的多少（百分比）方可结业 / the share of a batch's sessions (percent) an attendee must attend to complete"},
    {"training-cert-prefix", CFG_STR, 0, 0, "厦党培", "学习培训 study",
     "培训结业证书编号的字头（编号形如 厦党培〔2026〕第0001号，每年一个序列） / the certificate number's prefix (one sequence a year)"},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};
