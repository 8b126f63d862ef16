"""The account's default postal address (账号中的默认地址, FAQ F131): a licence left at the window
past its 30 days goes there by express."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from api.auth.schemas import AddressOut, AuthUser
from api.db import load_queries

q = load_queries(Path(__file__).parents[1], "address.sql")


async def default_address(conn: Any, user_id: int) -> str | None:
    row = await q.get_address(conn, user_id=user_id)
    return row["address"] if row else None


async def get_address(conn: Any, user: AuthUser) -> AddressOut:
    row = await q.get_address(conn, user_id=user.id)
    return AddressOut(address=row["address"], updated_at=row["updated_at"]) if row else AddressOut(address=None)


async def put_address(conn: Any, user: AuthUser, address: str) -> AddressOut:
    row = await q.put_address(conn, user_id=user.id, address=address.strip())
    return AddressOut(address=row["address"], updated_at=row["updated_at"])
