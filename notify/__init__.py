"""Every message the product sends goes through here: outbox rows first, messages later.

``await enqueue(conn, user_id=..., event="material_gap", params={...}, dedupe_key="gap:42",
subject=("application", 42))`` writes one row per channel inside the caller's transaction; a
repeated call with the same dedupe key does nothing. After commit only the row ids go to arq.
``cancel_pending(conn, subject=("appointment", 7))`` stops what has not been sent yet;
``record_subscriptions(conn, user_id=..., accepted=[...])`` records WeChat authorisations;
``tell_staff(...)`` tells each of a list of staff once about one item (overdue, due soon);
``escalate_once(...)`` does it for each overdue item of a case a job finds, once per item.

Inside: ``outbox`` (this API), ``store`` (the worker's claim and finish), ``delivery`` (the send
jobs), ``channels`` (one Sender per channel, ``sender``: what they share), ``pause`` (the SMS
channel's pause and its admin), ``followers`` (the official account's), ``queue`` (arq).
"""

from notify.outbox import cancel_pending, enqueue, escalate_once, record_subscriptions, tell_staff
from notify import templates_licences  # noqa: F401  (issue 22's events join notify.templates.EVENTS)
from notify import templates_rights  # noqa: F401  (issue 23's events join notify.templates.EVENTS)
from notify import templates_agency  # noqa: F401  (issue 20's 代办 confirmation SMS)
from notify import templates_site_checks  # noqa: F401  (F071's site-check events join them too)

__all__ = ["cancel_pending", "enqueue", "escalate_once", "record_subscriptions", "tell_staff"]
