"""Demo data (``zsb demo-data``): the bulk-loaded people are verified persons too (F088).

Each gets a made-up but valid resident ID (python-stdnum ``cn.ric``: region 110101, a birth date and
sequence number from a running index past every identity already held, so loads never collide),
encrypted and hashed like any other (api/identity/crypto.py), recorded as a face verification.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from stdnum.cn import ric

from api.identity import crypto
from api.identity.service import q
from api.types import mask_id_number

DAYS = 14600  # birth dates over 40 years from 1960: 14,600 people per sequence number


def demo_number(index: int) -> str:
    """The index-th demo resident ID (distinct for distinct indexes below 14.5 million)."""
    born = date(1960, 1, 1) + timedelta(days=index % DAYS)
    first17 = f"110101{born:%Y%m%d}{index // DAYS % 997:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


async def verify_demo_people(conn: Any, people: list[tuple[int, str]], *, at: datetime) -> int:
    """Record ``(user_id, name)`` people as verified (face) in one COPY; how many were."""
    cipher = crypto.active()
    start = await q.last_identity_id(conn)
    records = []
    for i, (user_id, name) in enumerate(people):
        number = demo_number(start + i)
        kid, blob = cipher.encrypt(number)
        records.append((user_id, "verified", "face", name, "resident_id", blob, kid, cipher.hash("resident_id", number),
                        mask_id_number(number), at, at, at))
    await conn.copy_records_to_table(
        "identities", records=records,
        columns=["user_id", "status", "method", "name", "id_type", "id_cipher", "id_key_id", "id_hash", "id_masked",
                 "verified_at", "created_at", "updated_at"])
    return len(records)
