-- Room on dues_sheet's pages for its sums to be rewritten in place, on PostgreSQL.  A month's sheets are
-- written first and summed after their lines (dues_store.c); at fillfactor 100 every one of the
-- 195,000 rows of a city's month moved to a new page and all four of its indexes took a new entry.
-- With half of each page free the sums' UPDATE is a heap-only one (none of the columns it sets is
-- indexed): 4.5 s → 2.8 s of the month's 30 at 5,000,000 members (bench/dues.txt).  SQLite rewrites
-- a row in place anyway.
{{PG_ONLY}}ALTER TABLE dues_sheet SET (fillfactor = 50);
