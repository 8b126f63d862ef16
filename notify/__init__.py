"""Every message the product sends goes through here: outbox rows first, messages later.

``await enqueue(conn, user_id=..., event="material_gap", params={...}, dedupe_key="gap:42",
subject=("application", 42))`` writes one row per channel inside the caller's transaction; a
repeated call with the same dedupe key does nothing. After commit only the row ids go to arq.
"""

from notify.service import enqueue

__all__ = ["enqueue"]
