-- Issue 25: the comment a complainant adds when rating the answer passes WeChat's content check too,
-- before the bureau's staff see it (states as complaints.content_check, migration 0079).
ALTER TABLE complaints
    ADD COLUMN rating_comment_check text NOT NULL DEFAULT 'none'
        CHECK (rating_comment_check IN ('none', 'pending', 'pass', 'held')),
    ADD COLUMN rating_comment_check_result jsonb;

CREATE INDEX complaints_rating_comment_pending ON complaints (id) WHERE rating_comment_check = 'pending';
