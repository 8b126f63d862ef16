-- name: held_by_pause()$
-- (notify.pause.PAUSED_ERROR: the row whose answer paused the channel, and those the pause held back)
SELECT count(*)::int FROM notifications
WHERE status = 'created' AND channel = 'sms' AND error LIKE 'sms channel paused%' AND not_before > now();

-- name: release_paused()
-- The SMS channel was resumed by hand: what the pause held back is due now.
UPDATE notifications SET not_before = now(), updated_at = now()
WHERE status = 'created' AND channel = 'sms' AND error LIKE 'sms channel paused%' AND not_before > now()
RETURNING id;
