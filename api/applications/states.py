"""The application state machine, in one place (the database holds the same table in
``application_transitions`` and refuses anything else; a test keeps the two equal).

draft -> submitted -> needs_supplement | accepted -> in_review -> approved | rejected;
withdrawn before a decision; closed when a gap notice is not answered in time, or when a
qualification exam is not passed in every subject within a year of the first exam (F123).
"""

from __future__ import annotations

from typing import Final

TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    "draft": frozenset({"submitted", "withdrawn"}),
    "submitted": frozenset({"needs_supplement", "accepted", "rejected", "withdrawn"}),
    # a supplemented application returns to where the gap notice stopped it
    "needs_supplement": frozenset({"submitted", "accepted", "in_review", "withdrawn", "closed"}),
    "accepted": frozenset({"in_review", "needs_supplement", "approved", "rejected", "withdrawn"}),
    # closed: the exam at the last step not passed within a year (F123, no decision is made)
    "in_review": frozenset({"needs_supplement", "approved", "rejected", "withdrawn", "closed"}),
    "approved": frozenset(),
    "rejected": frozenset(),
    "withdrawn": frozenset(),
    "closed": frozenset(),
}

STATUS_LABELS: Final[dict[str, str]] = {
    "draft": "草稿",
    "submitted": "待受理",
    "needs_supplement": "待补正",
    "accepted": "已受理",
    "in_review": "审核中",
    "approved": "已办结（准予许可）",
    "rejected": "已办结（不予许可）",
    "withdrawn": "已撤回",
    # ended without a decision: not supplemented in time (F098) or the exam year over (F123);
    # the timeline's last entry says which
    "closed": "已终止",
}

FINAL: Final[frozenset[str]] = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)
# the applicant may edit the form and upload materials only while the case is with them
EDITABLE: Final[frozenset[str]] = frozenset({"draft", "needs_supplement"})
# FAQ F098: 20 working days from the gap notice to supplement, the time limit paused meanwhile
SUPPLEMENT_WORKDAYS: Final[int] = 20
# F098 "因特殊原因无法按时补正的，可在期限内通过客服申请延期一次": once per gap notice, asked for
# before the deadline has passed. The FAQ names no length; 10 working days (half the original
# period) is this product's rule and every answer and timeline entry states the new date.
SUPPLEMENT_EXTENSION_WORKDAYS: Final[int] = 10


def allowed_from(to_status: str) -> list[str]:
    """The statuses from which ``to_status`` may be reached."""
    return sorted(s for s, nxt in TRANSITIONS.items() if to_status in nxt)
