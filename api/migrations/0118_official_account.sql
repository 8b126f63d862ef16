-- The WeChat official account (公众号): who follows it, and its template messages as a channel.
-- A follower is known by the account's own openid; the same person's mini-program login is
-- found through the unionid both share (WeChat Open Platform), which user/info tells us after
-- a follow event. Until then the follower's unionid is NULL and nothing is routed to them.
CREATE TABLE wechat_followers (
    oa_openid   text PRIMARY KEY,
    unionid     text,
    following   boolean NOT NULL,
    -- the CreateTime of the event that set `following`: a retried or late older event changes nothing
    changed_at  timestamptz NOT NULL,
    looked_up_at timestamptz,  -- the last user/info call about it
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX wechat_followers_unionid ON wechat_followers (unionid) WHERE unionid IS NOT NULL;
CREATE INDEX wechat_followers_unlinked ON wechat_followers (created_at) WHERE following AND unionid IS NULL;
CREATE INDEX users_unionid ON users (unionid) WHERE unionid IS NOT NULL;

ALTER TABLE notifications DROP CONSTRAINT notifications_channel_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_channel_check
    CHECK (channel IN ('inapp', 'sms', 'wechat', 'wechat_oa'));
