"""What rating and following up can refuse."""

from __future__ import annotations

from api.errors import Conflict, NotFound


class RatingTargetNotFound(NotFound):
    """没有找到要评价的办件或服务。"""

    code = "rating_target_not_found"


class TargetNotFinished(Conflict):
    """服务办结后才能评价。"""

    code = "target_not_finished"


class AlreadyRated(Conflict):
    """您已评价过该服务，评价提交后不能修改，可在7天内追加评论。"""

    code = "already_rated"


class RatingNotFound(NotFound):
    """没有找到该评价。"""

    code = "rating_not_found"


class CommentWindowClosed(Conflict):
    """只能在评价后7天内追加评论，且最多追加5条。"""

    code = "comment_window_closed"
