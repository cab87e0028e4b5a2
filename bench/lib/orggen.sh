# bench/lib/orggen.sh — a province's regions and party organizations generated inside the database,
# shared by bench/coverage and bench/meetings (sourced; ND, NS, NJ set by the caller).
# Rows are numbered by i; everything is arithmetic on i.  orggen_dialect sets $(SEQ n), the dialect's
# row source of 1..n aliased g(i), and $(DATE expr), a day that many days after 2010-01-01.

orggen_dialect() {   # $1 = sqlite | pgsql; prints the session's settings for a bulk load
  if [ "$1" = sqlite ]; then
    SEQ() { echo "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $1) SELECT i FROM s) g"; }
    DATE() { echo "date('2010-01-01', '+' || ($1) || ' days')"; }
    echo "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;"
  else
    SEQ() { echo "generate_series(1, $1) g(i)"; }
    DATE() { echo "to_char(DATE '2010-01-01' + ($1), 'YYYY-MM-DD')"; }
    # bulk load: the generated rows are consistent by construction, so the
    # foreign-key triggers are skipped (the private cluster's superuser may)
    echo "SET session_replication_role = replica;"
  fi
}

# ND districts (a province's counties) with 11 streets each and ND parks
gen_regions() {
  cat <<EOF
BEGIN;
INSERT INTO region(code, name, kind, parent_code) VALUES ('35', '福建省（基准测试）', 'city', NULL);
INSERT INTO region(code, name, kind, parent_code)
  SELECT CAST(350000 + i AS TEXT), '第' || i || '县区', 'district', '35' FROM $(SEQ $ND);
INSERT INTO region(code, name, kind, parent_code)
  SELECT CAST(350000 + (i - 1) / 11 + 1 AS TEXT) || CAST(100 + (i - 1) % 11 AS TEXT), '第' || i || '街道', 'street',
         CAST(350000 + (i - 1) / 11 + 1 AS TEXT) FROM $(SEQ $((ND * 11)));
INSERT INTO region(code, name, kind, parent_code)
  SELECT 'P' || CAST(1000 + i AS TEXT), '第' || i || '园区', 'park', CAST(350000 + i AS TEXT) FROM $(SEQ $ND);
COMMIT;
EOF
}

# NS standalone organizations (every 50th a 党总支), then NJ joint branches (联合党支部), each under its
# district's 工委; every 20th dissolved, every 3rd with a committee
gen_orgs() {
  cat <<EOF
BEGIN;
-- one 工委 per district under the root (id 1), then the organizations under them
-- explicit ids (the root is 1): 工委 2..$((ND + 1)), organizations from $((ND + 2)) on, so paths are computed here
INSERT INTO org(id, parent_id, path, name, kind, district_code, established_on)
  SELECT 1 + i, 1, '/1/' || CAST(1 + i AS TEXT) || '/', '第' || i || '县区两新工委', '工委', CAST(350000 + i AS TEXT), '2009-01-01'
  FROM $(SEQ $ND);
-- standalone: enterprise k = 2i covered by organization i; joint: enterprises from $((2 * NS + 1)) on, four each
INSERT INTO org(id, parent_id, path, name, kind, district_code, established_on, dissolved_on, committee)
  SELECT $((ND + 1)) + i, 2 + i % $ND, '/1/' || CAST(2 + i % $ND AS TEXT) || '/' || CAST($((ND + 1)) + i AS TEXT) || '/', '基准党组织' || i,
         CASE WHEN i <= $NS THEN (CASE WHEN i % 50 = 0 THEN '党总支' ELSE '党支部' END) ELSE '联合党支部' END,
         CAST(350000 + (i % $ND) + 1 AS TEXT), $(DATE "i % 5300"),
         CASE WHEN i % 20 = 7 THEN $(DATE "5300 + i % 200") END,
         CASE WHEN i % 3 = 0 THEN '["甲","乙","丙"]' END
  FROM $(SEQ $((NS + NJ)));
COMMIT;
EOF
}
