"""``Idempotency-Key``: the same key from the same caller returns the first result."""

from api.idempotency.service import IdempotencyKey, run_once

__all__ = ["IdempotencyKey", "run_once"]
