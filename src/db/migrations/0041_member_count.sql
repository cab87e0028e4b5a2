-- 0041 narrow indexes for counting a district's or park's members: a list's
-- total (the first page of a district of 1.6 million members) is an index-only
-- count, and the (district_code, name_key) index that serves the order is
-- about five times wider per entry (bench/members: the count was most of the
-- page's time at 5 million members).
CREATE INDEX member_district ON member(district_code);
CREATE INDEX member_park ON member(park_code);
