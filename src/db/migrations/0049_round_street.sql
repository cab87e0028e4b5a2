-- 0049 a round's enterprise keeps its street (issue 21): the ledger column when a record gives
-- one in the enterprise's district, else the street its address names; publishing carries it,
-- and the park, into the register, so the dashboard's streets chart counts published
-- enterprises by street instead of as 街道未填写.
ALTER TABLE ledger_round_entity ADD COLUMN street_code TEXT;
