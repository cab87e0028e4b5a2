# bench/lib/members-gen.sh — the SQL that fills a registry of N members over
# NB organizations inside the database, for bench/members (sourced; prints SQL).
#
#   members_gen_sql sqlite|pgsql N NB TODAY NAMEKEYS_TSV IDS_CMD
#
# The region tree is the seeded one of Xiamen (6 districts, 54 streets) with the
# demo's 8 parks; the organizations are the demo's shape: the city 工委, a 工委
# per district, per park and per street, then NB branches under the park and
# street 工委 (one in fifty a 党委 with four of the following branches under it).
# Branches have tens of members (3–25), one in 37 a hundred or more, a 党委
# 200–500.  Every person is the registration a roster import would have made —
# person, member, the stretches (probation, then full; a state change for one
# in twenty-five) and the events (joined, category, registered, state/left) —
# with the fields ejia derives filled the way it fills them: gender and birth
# from the ID number, the pinyin sort key of the name from the program's own
# collate_zh_key (bench/lib/namekeys.c, loaded from NAMEKEYS_TSV), the ID number
# its keyed hash (id_key), sealed and masked forms from IDS_CMD (bench/lib/memberids.c,
# the program's own member_id_key, crypt_seal and mask_idcard under the database's
# key file), so a search by the whole number finds the person and a reveal opens it.
# Rows are numbered by i; everything is arithmetic on i, so both databases get
# the same registry.

SUR='王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'
GIV='伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彬鑫斌宇浩凯健俊帆帅旭宁晨婷欣怡佳琪思雨萱博文涵辰睿志鹏海峰建国晓'

members_gen_sql() {
  local kind=$1 N=$2 NB=$3 TODAY=$4 KEYS=$5 IDS=$6
  local TD=$(( ($(date -u -d "$TODAY" +%s) - $(date -u -d 1950-01-01 +%s)) / 86400 ))   # today, in days from 1950-01-01
  local D0=18262      # 2000-01-01
  local CAP=27574     # 2025-06-30: the latest a full member's joining day
  if [ "$kind" = sqlite ]; then
    SEQ() { echo "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $1) SELECT i FROM s) g"; }
    EACH() { echo "JOIN nums g ON g.i <= $1"; }                # 1..n for each row (nums: 1..500, a rowid range)
    LEAST() { echo "MIN($1, $2)"; }
    DAY() { echo "date(2433282.5 + ($1))"; }                 # days from 1950-01-01 → YYYY-MM-DD
    HEX() { echo "printf('%08x%024x', $1, $2)"; }
    LPAD4() { echo "printf('%04d', $1)"; }
    echo "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -400000; PRAGMA temp_store = FILE;"
    echo "CREATE TEMP TABLE namekey(name TEXT PRIMARY KEY, key TEXT NOT NULL);"
    echo "CREATE TEMP TABLE nums(i INTEGER PRIMARY KEY); INSERT INTO nums SELECT i FROM $(SEQ 500);"
    echo ".mode tabs"
    echo ".import $KEYS namekey"
    echo "CREATE TEMP TABLE pid(i INTEGER PRIMARY KEY, id_key TEXT, id_sealed TEXT, id_masked TEXT, phone_sealed TEXT, phone_masked TEXT);"
    echo ".import '|$IDS' pid"
  else
    SEQ() { echo "generate_series(1, $1) g(i)"; }
    EACH() { echo "CROSS JOIN LATERAL generate_series(1, CAST($1 AS INTEGER)) g(i)"; }
    LEAST() { echo "LEAST($1, $2)"; }
    DAY() { echo "to_char(DATE '1950-01-01' + CAST($1 AS INTEGER), 'YYYY-MM-DD')"; }
    HEX() { echo "lpad(to_hex($1), 8, '0') || lpad(to_hex($2), 24, '0')"; }
    LPAD4() { echo "lpad(CAST($1 AS TEXT), 4, '0')"; }
    # bulk load: the rows are consistent by construction, so the foreign-key
    # triggers are skipped (the private cluster's superuser may)
    echo "SET session_replication_role = replica; SET maintenance_work_mem = '256MB'; SET synchronous_commit = off;"
    echo "CREATE TEMP TABLE namekey(name TEXT PRIMARY KEY, key TEXT NOT NULL);"
    echo "\\copy namekey FROM '$KEYS'"
    echo "CREATE TEMP TABLE pid(i BIGINT PRIMARY KEY, id_key TEXT, id_sealed TEXT, id_masked TEXT, phone_sealed TEXT, phone_masked TEXT);"
    echo "\\copy pid FROM PROGRAM '$IDS'"
  fi
  cat <<EOF
BEGIN;
INSERT INTO region(code, name, kind, parent_code) VALUES
  ('P0001', '软件园一期', 'park', '350203'), ('P0002', '软件园二期', 'park', '350203'), ('P0003', '软件园三期', 'park', '350211'),
  ('P0004', '火炬园', 'park', '350206'), ('P0005', '观音山国际商务营运中心', 'park', '350203'),
  ('P0006', '海沧信息产业园', 'park', '350205'), ('P0007', '翔安火炬产业区', 'park', '350213'), ('P0008', '同安工业集中区', 'park', '350212');
-- 工委: districts 2..7, parks 8..15, streets 16..69 (the root, 1, is seeded)
INSERT INTO org(id, parent_id, path, name, kind, district_code, established_on)
  SELECT 1 + g.i, 1, '/1/' || CAST(1 + g.i AS TEXT) || '/', r.name || '两新工委', '工委', r.code, '2000-01-01'
  FROM (SELECT code, name, ROW_NUMBER() OVER (ORDER BY code) AS i FROM region WHERE kind = 'district') r
  JOIN $(SEQ 6) ON g.i = r.i;
INSERT INTO org(id, parent_id, path, name, kind, district_code, park_code, established_on)
  SELECT 7 + r.i, d.id, d.path || CAST(7 + r.i AS TEXT) || '/', r.name || '党工委', '工委', r.parent_code, r.code, '2000-01-01'
  FROM (SELECT code, name, parent_code, ROW_NUMBER() OVER (ORDER BY code) AS i FROM region WHERE kind = 'park') r
  JOIN org d ON d.id BETWEEN 2 AND 7 AND d.district_code = r.parent_code;
INSERT INTO org(id, parent_id, path, name, kind, district_code, street_code, established_on)
  SELECT 15 + r.i, d.id, d.path || CAST(15 + r.i AS TEXT) || '/', r.name || '党工委', '工委', r.parent_code, r.code, '2000-01-01'
  FROM (SELECT code, name, parent_code, ROW_NUMBER() OVER (ORDER BY code) AS i FROM region WHERE kind = 'street') r
  JOIN org d ON d.id BETWEEN 2 AND 7 AND d.district_code = r.parent_code;
COMMIT;
BEGIN;
-- branches 70..: k = id - 69; three in ten in a park, the rest in a street; k % 50 = 0 a 党委,
-- the four after it (k % 50 in 1..4) its branches
INSERT INTO org(id, parent_id, path, name, kind, district_code, park_code, street_code, established_on)
  SELECT 69 + g.i, w.id, w.path || CAST(69 + g.i AS TEXT) || '/',
         '中共厦门基准' || CAST(g.i AS TEXT) || '科技有限公司' || CASE WHEN g.i % 50 = 0 THEN '委员会' WHEN g.i % 50 = 25 THEN '总支部委员会' ELSE '支部委员会' END,
         CASE WHEN g.i % 50 = 0 THEN '党委' WHEN g.i % 50 = 25 THEN '党总支' WHEN g.i % 10 = 9 THEN '联合党支部' ELSE '党支部' END,
         w.district_code, w.park_code, w.street_code, $(DAY "$D0 + (g.i * 37) % 7670")
  FROM $(SEQ $NB) JOIN org w ON w.id = CASE WHEN g.i % 10 < 3 THEN 8 + g.i % 8 ELSE 16 + g.i % 54 END
  WHERE NOT (g.i % 50 BETWEEN 1 AND 4 AND g.i > 50);
INSERT INTO org(id, parent_id, path, name, kind, district_code, park_code, street_code, established_on)
  SELECT 69 + g.i, p.id, p.path || CAST(69 + g.i AS TEXT) || '/', '中共厦门基准' || CAST(g.i AS TEXT) || '科技有限公司支部委员会', '党支部',
         p.district_code, p.park_code, p.street_code, p.established_on
  FROM $(SEQ $NB) JOIN org p ON p.id = 69 + g.i - g.i % 50
  WHERE g.i % 50 BETWEEN 1 AND 4 AND g.i > 50;
COMMIT;
-- the branches' sizes and where their members' numbers start
CREATE TEMP TABLE osz AS
  SELECT id, size, CAST(SUM(size) OVER (ORDER BY id) - size AS BIGINT) AS lo, established_on FROM (
    SELECT id, established_on, CASE WHEN (id - 69) % 50 = 0 THEN 200 + (id * 7919) % 301
                                    WHEN (id - 69) % 37 = 0 THEN 100 + (id * 7919) % 201
                                    ELSE 3 + (id * 7919) % 23 END AS size
    FROM org WHERE id >= 70) x;
-- every person as whole numbers (days from 1950-01-01), then the rows from them
CREATE TEMP TABLE bp AS
  SELECT i, org_id, est, h, bd, jd, fd, frd,
         CASE WHEN st = '正常' THEN NULL ELSE $(LEAST "(CASE WHEN COALESCE(fd, frd) > frd THEN fd ELSE frd END) + 1 + i % 500" $TD) END AS cd, st
  FROM (
    SELECT i, org_id, est, h, bd, jd, CASE WHEN i % 20 = 7 THEN NULL ELSE jd + 365 END AS fd,
           CASE WHEN jd > est THEN jd ELSE est END AS frd,
           CASE WHEN i % 20 = 7 THEN '正常' ELSE CASE WHEN (h / 101) % 1000 < 960 THEN '正常' WHEN (h / 101) % 1000 < 980 THEN '流动'
                WHEN (h / 101) % 1000 < 990 THEN '失联' WHEN (h / 101) % 1000 < 995 THEN '停止党籍'
                WHEN (h / 101) % 1000 < 998 THEN '出党' ELSE '去世' END END AS st
    FROM (
      SELECT i, org_id, est, h, bd,
             CASE WHEN i % 20 = 7 THEN $TD - 30 - i % 300
                  WHEN bd + 6575 + (h / 31) % 2920 > $CAP - i % 1500 THEN $CAP - i % 1500
                  ELSE bd + 6575 + (h / 31) % 2920 END AS jd
      FROM (
        SELECT o.lo + g.i AS i, o.id AS org_id, (o.lo + g.i) * 2654435761 % 4294967296 AS h,
               ((o.lo + g.i) * 2654435761 % 4294967296) % 18615 AS bd,
               CAST(julianday_of_est AS INTEGER) AS est
        FROM (SELECT id, size, lo, $( [ "$kind" = sqlite ] && echo "julianday(established_on) - 2433282.5" || echo "CAST(established_on AS DATE) - DATE '1950-01-01'") AS julianday_of_est FROM osz) o
        $(EACH o.size)
        WHERE o.lo + g.i <= $N) a) b) c;
CREATE INDEX bp_i ON bp(i);
BEGIN;
INSERT INTO person(id, name, gender, birth_date, id_key, id_sealed, id_masked, ethnicity, education, post, phone_sealed, phone_masked, created_at, updated_at)
  SELECT x.i, nm, CASE WHEN (h / 7) % 100 < 64 THEN '男' ELSE '女' END, $(DAY bd), d.id_key, d.id_sealed, d.id_masked,
         CASE WHEN (h / 13) % 100 < 95 THEN '汉族' WHEN (h / 13) % 100 < 97 THEN '畲族' WHEN (h / 13) % 100 < 98 THEN '回族' ELSE '满族' END,
         CASE (h / 17) % 20 WHEN 0 THEN '研究生' WHEN 1 THEN '研究生' WHEN 2 THEN '研究生' WHEN 3 THEN '大学专科' WHEN 4 THEN '大学专科'
              WHEN 5 THEN '大学专科' WHEN 6 THEN '大学专科' WHEN 7 THEN '中专' WHEN 8 THEN '高中' WHEN 9 THEN '初中' ELSE '大学本科' END,
         CASE (h / 19) % 6 WHEN 0 THEN '软件工程师' WHEN 1 THEN '产品经理' WHEN 2 THEN '运营专员' WHEN 3 THEN '财务' WHEN 4 THEN '销售经理' ELSE '部门经理' END,
         NULLIF(d.phone_sealed, ''), NULLIF(d.phone_masked, ''), 1767225600, 1767225600
  FROM (SELECT i, h, bd, substr('$SUR', CAST(1 + h % 99 AS INTEGER), 1) || substr('$GIV', CAST(1 + (h / 99) % 65 AS INTEGER), 1) ||
               CASE WHEN (h / 6435) % 66 = 0 THEN '' ELSE substr('$GIV', CAST((h / 6435) % 66 AS INTEGER), 1) END AS nm FROM bp) x
  JOIN pid d ON d.i = x.i;
COMMIT;
BEGIN;
INSERT INTO member(person_id, org_id, org_path, district_code, park_code, name, name_key, category, joined_on, full_on, state, since, updated_at)
  SELECT b.i, b.org_id, o.path, o.district_code, o.park_code, p.name, k.key, CASE WHEN b.fd IS NULL THEN '预备党员' ELSE '正式党员' END,
         $(DAY b.jd), CASE WHEN b.fd IS NOT NULL THEN $(DAY b.fd) END, b.st, $(DAY "COALESCE(b.cd, b.frd)"), 1767225600
  FROM bp b JOIN org o ON o.id = b.org_id JOIN person p ON p.id = b.i JOIN namekey k ON k.name = p.name;
COMMIT;
BEGIN;
-- the stretches: probation until the full-member day when it falls inside the branch's time; then the
-- current category until a state change; then that state
INSERT INTO member_span(person_id, org_id, org_path, district_code, park_code, category, state, from_day, to_day)
  SELECT b.i, b.org_id, o.path, o.district_code, o.park_code, '预备党员', '正常', $(DAY b.frd), $(DAY b.fd)
  FROM bp b JOIN org o ON o.id = b.org_id WHERE b.fd > b.frd;
INSERT INTO member_span(person_id, org_id, org_path, district_code, park_code, category, state, from_day, to_day)
  SELECT b.i, b.org_id, o.path, o.district_code, o.park_code, CASE WHEN b.fd IS NULL THEN '预备党员' ELSE '正式党员' END,
         CASE WHEN b.cd IS NULL THEN b.st ELSE '正常' END, $(DAY "CASE WHEN b.fd > b.frd THEN b.fd ELSE b.frd END"),
         CASE WHEN b.cd IS NOT NULL THEN $(DAY b.cd) END
  FROM bp b JOIN org o ON o.id = b.org_id;
INSERT INTO member_span(person_id, org_id, org_path, district_code, park_code, category, state, from_day, to_day)
  SELECT b.i, b.org_id, o.path, o.district_code, o.park_code, '正式党员', b.st, $(DAY b.cd), NULL
  FROM bp b JOIN org o ON o.id = b.org_id WHERE b.cd IS NOT NULL;
COMMIT;
BEGIN;
INSERT INTO member_event(person_id, day, kind, org_id, category, actor, created_at)
  SELECT i, $(DAY jd), 'joined', org_id, '预备党员', 'bench', 1767225600 FROM bp;
INSERT INTO member_event(person_id, day, kind, org_id, category, note, actor, created_at)
  SELECT i, $(DAY fd), 'category', org_id, '正式党员', '转为正式党员', 'bench', 1767225600 FROM bp WHERE fd IS NOT NULL;
INSERT INTO member_event(person_id, day, kind, org_id, category, state, actor, created_at)
  SELECT i, $(DAY frd), 'registered', org_id, CASE WHEN fd IS NULL THEN '预备党员' ELSE '正式党员' END, '正常', 'bench', 1767225600 FROM bp;
INSERT INTO member_event(person_id, day, kind, org_id, state, actor, created_at)
  SELECT i, $(DAY cd), CASE WHEN st IN ('流动', '失联') THEN 'state' ELSE 'left' END, org_id, st, 'bench', 1767225600 FROM bp WHERE cd IS NOT NULL;
COMMIT;
EOF
}
