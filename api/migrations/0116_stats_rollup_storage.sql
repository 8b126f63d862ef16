-- The per-day rollups of 0051 are small and updated in place by every change to a case or rating:
-- room on each page lets those updates stay HOT (no new index entries), so the whole-year read
-- does not wade through dead versions between vacuums.
ALTER TABLE stats_case_daily SET (fillfactor = 50);
ALTER TABLE stats_case_workdays SET (fillfactor = 50);
ALTER TABLE stats_rating_daily SET (fillfactor = 50);
