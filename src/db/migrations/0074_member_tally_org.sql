-- The registry's counters gain one per organization (area 'o:<org id>', dim 'members': its own members by
-- category and state, src/member/tally.h), read by the study rankings by organization instead of a GROUP BY
-- over the members (issue 16: 53 s for a district of 1.6 M members).  The counters of a registry already
-- filled are recounted from the members at the next `ejia serve` or `ejia migrate` (the stale mark, as 0042).
INSERT INTO member_tally(area, dim, key, category, state, n) SELECT '*', 'stale', '', '', '', 1 WHERE EXISTS (SELECT 1 FROM member)
ON CONFLICT (area, dim, key, category, state) DO NOTHING;
