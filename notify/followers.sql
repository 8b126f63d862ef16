-- name: record_follow(oa_openid, following, at)$
-- A follow or unfollow event of the official account. Events are ordered by their CreateTime: a
-- retried or late older event changes nothing (and returns nothing). Returns whether the
-- follower still needs linking to a user (its unionid is not known yet).
INSERT INTO wechat_followers AS f (oa_openid, following, changed_at) VALUES (:oa_openid, :following, :at)
ON CONFLICT (oa_openid) DO UPDATE SET following = EXCLUDED.following, changed_at = EXCLUDED.changed_at,
                                      updated_at = now()
WHERE f.changed_at <= EXCLUDED.changed_at
RETURNING following AND unionid IS NULL;

-- name: unlinked_followers(max_rows)
-- Followers whose unionid is unknown, not asked about in the last day (an account not bound to
-- the Open Platform gets no unionid at all: no point asking every minute).
SELECT oa_openid FROM wechat_followers
WHERE following AND unionid IS NULL AND (looked_up_at IS NULL OR looked_up_at < now() - interval '1 day')
ORDER BY created_at LIMIT :max_rows;

-- name: release_unionid(oa_openid, unionid)!
-- One person, one follower row: an older openid holding the same unionid lets it go.
UPDATE wechat_followers SET unionid = NULL, following = false, updated_at = now()
WHERE unionid = :unionid AND oa_openid <> :oa_openid;

-- name: link_follower(oa_openid, unionid, following)!
UPDATE wechat_followers
SET unionid = coalesce(:unionid, unionid), looked_up_at = now(), updated_at = now(),
    following = following AND :following,
    changed_at = CASE WHEN following AND NOT :following THEN greatest(changed_at, now()) ELSE changed_at END
WHERE oa_openid = :oa_openid;
