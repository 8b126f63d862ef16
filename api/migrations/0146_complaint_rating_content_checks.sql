-- Issue 25: complaint texts and rating comments pass WeChat's content check (msgSecCheck 2.0) before
-- staff or anyone else sees them. 'none': nothing to check (no comment); 'pending': the check's job
-- has not answered yet; 'pass': shown; 'held': risky or for review, kept for the author and reviewers.
ALTER TABLE complaints
    ADD COLUMN content_check text NOT NULL DEFAULT 'none'
        CHECK (content_check IN ('none', 'pending', 'pass', 'held')),
    ADD COLUMN content_check_result jsonb;
ALTER TABLE ratings
    ADD COLUMN content_check text NOT NULL DEFAULT 'none'
        CHECK (content_check IN ('none', 'pending', 'pass', 'held')),
    ADD COLUMN content_check_result jsonb;
ALTER TABLE rating_comments
    ADD COLUMN content_check text NOT NULL DEFAULT 'none'
        CHECK (content_check IN ('none', 'pending', 'pass', 'held')),
    ADD COLUMN content_check_result jsonb;

CREATE INDEX complaints_content_pending ON complaints (id) WHERE content_check = 'pending';
CREATE INDEX ratings_content_pending ON ratings (id) WHERE content_check = 'pending';
CREATE INDEX rating_comments_content_pending ON rating_comments (id) WHERE content_check = 'pending';
