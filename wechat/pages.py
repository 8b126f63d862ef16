"""The mini-program's pages: the one list every WeChat message, QR code and link takes its path from.

These are the pages the bureau's mini-program publishes (its ``app.json``). A subscribe message,
an official-account template message or a URL Link that names any other path opens WeChat's
"page not found", so start-up refuses an event whose page is not listed here
(``check_events``, called by ``api.app.create_app`` and the worker's start-up).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

HOME = "pages/index/index"
APPLICATION_DETAIL = "pages/applications/detail"
PROGRESS = "pages/progress/index"          # scene / query ``no``: a case's public number (扫码查进度)
LICENCES = "pages/licences/index"
LICENCE_VERIFY = "pages/licences/verify"   # query ``token``: the signed verification token (亮证核验)
APPOINTMENTS = "pages/appointments/index"
RATING_NEW = "pages/ratings/new"
RATINGS = "pages/ratings/index"
CHAT = "pages/chat/index"
COMPLAINTS = "pages/complaints/index"
STAFF_TASKS = "pages/staff/tasks"
STAFF_COMPLAINTS = "pages/staff/complaints"
STAFF_CALLBACKS = "pages/staff/callbacks"

PAGES: frozenset[str] = frozenset({
    HOME, APPLICATION_DETAIL, PROGRESS, LICENCES, LICENCE_VERIFY, APPOINTMENTS, RATING_NEW, RATINGS, CHAT,
    COMPLAINTS, STAFF_TASKS, STAFF_COMPLAINTS, STAFF_CALLBACKS,
})


# What each page reads from its query, and the notification param that fills it: a message about a
# case opens that case, not the page's empty state.
QUERIES: dict[str, tuple[tuple[str, str], ...]] = {
    APPLICATION_DETAIL: (("no", "publicNo"),),
    PROGRESS: (("no", "publicNo"),),
    COMPLAINTS: (("no", "publicNo"),),
    STAFF_COMPLAINTS: (("no", "publicNo"),),
}


class UnknownPage(Exception):
    """An event or link names a mini-program page that is not in the list; the message names it."""


def checked(path: str) -> str:
    """``path`` when the mini-program has that page; otherwise UnknownPage."""
    if path not in PAGES:
        raise UnknownPage(f"mini-program page {path!r} is not in wechat/pages.py")
    return path


def check_events(events: Mapping[str, Any]) -> None:
    """Refuse to start when an event's WeChat message would open a page the mini-program lacks."""
    wrong = {name: spec.wechat_page for name, spec in events.items()
             if "wechat" in spec.channels and spec.wechat_page not in PAGES}
    if wrong:
        listed = ", ".join(f"{name} -> {page}" for name, page in sorted(wrong.items()))
        raise UnknownPage(f"events point at mini-program pages not in wechat/pages.py: {listed}")


def link(page: str, params: Mapping[str, Any]) -> str:
    """The page path a message opens: the listed page with the query it reads, from the params."""
    query = {name: str(params[param]) for name, param in QUERIES.get(checked(page), ()) if params.get(param)}
    return f"{page}?{urlencode(query)}" if query else page
