-- 0041 narrow indexes for counting a district's or park's members: a list's
-- total (the first page of a district of 1.6 million members) is an index-only
-- count, and the (district_code, name_key) index that serves the order is
-- about five times wider per entry (bench/members: the count was most of the
-- page's time at 5 million members).  A SQLite database analyzed before
-- (sqlite_stat1) is to be analyzed again (ANALYZE member): with statistics for
-- the other indexes and none for these, SQLite takes member_district for a
-- list's order too and sorts the whole district.
CREATE INDEX member_district ON member(district_code);
CREATE INDEX member_park ON member(park_code);
