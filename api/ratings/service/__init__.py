"""好差评: rating a finished service, appended comments, the rater's own list (reviews), and the
follow-up of bad reviews with the admin side of ratings (followup). Other areas import the names below."""

from __future__ import annotations

from api.ratings.service.followup import (
    NotABadReview, CallBackRequired, AlreadyCalledBack, FollowUpClosed, AlreadyVoided, policy, set_policy,
    open_follow_up, admin_list, admin_get, call_back, close, void, send_invitations, escalate_overdue,
)
from api.ratings.service.reviews import target_of, rate, append_comment, mine, mine_one
