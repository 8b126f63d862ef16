-- A follow event is now ordered by when it happened but never later than its arrival
-- (notify/followers.py). A forged unsubscribe dated in the year 2100 made every later genuine
-- subscribe look older and be ignored: bring any such date back to when the row was written.
UPDATE wechat_followers SET changed_at = updated_at WHERE changed_at > updated_at;
