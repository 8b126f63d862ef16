-- account_merge_close (content follows in this session)
SELECT 1;
