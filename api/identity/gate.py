"""What needs a verified person (F088): submitting, booking, licences, ratings and complaints.

Browsing guides, the FAQ, progress by number and sites need no login, and drafts may be started
before verification. ``require_verified`` reads the identity record (one indexed read); the
booking rush checks the access token's ``idv`` claim instead (``require_verified_claim``), set when
tokens are issued or refreshed and on the fresh pair a successful verification returns. A token
saying "not verified" may be older than a window or document verification (staff verify the person
while the app holds its token): that rare case reads the identity record once before refusing, so a
person verified minutes ago books at once; a verified token never reads the database.
"""

from __future__ import annotations

from typing import Any

from api.errors import IdentityRequired
from api.identity.schemas import Identity
from api.identity.service import verified_identity


async def require_verified(conn: Any, user_id: int) -> Identity:
    """The account's verified identity, or 409 ``identity_required`` saying how to get one."""
    identity = await verified_identity(conn, user_id)
    if identity is None:
        raise IdentityRequired()
    return identity


async def require_verified_claim(pool: Any, user: Any) -> None:
    """The same rule from the caller's access token (``AuthUser.verified``): no database read when it
    says verified; when it does not, the identity record decides (the claim may predate a window or
    document verification; the next refresh carries the claim)."""
    if getattr(user, "verified", False):
        return
    async with pool.acquire() as conn:
        if await verified_identity(conn, user.id) is None:
            raise IdentityRequired()
