"""Links into the mini-program for people scanning our QR codes inside WeChat.

A URL Link (``urllink.generate``) lives at most 30 days and WeChat caps how many an account makes a
day, so each (page, query) is made once and kept in Redis a day less than it lives.
"""

from __future__ import annotations

import hashlib
from typing import Any

from wechat import pages

LINK_DAYS = 30
CACHE_KEY = "zsb:wechat:urllink:{digest}"


async def url_link(redis: Any, gateway: Any, page: str, query: str) -> str:
    """The cached URL Link opening ``page?query``; the page must be one the mini-program has."""
    path = pages.checked(page)
    key = CACHE_KEY.format(digest=hashlib.sha256(f"{path}?{query}".encode()).hexdigest())
    cached = await redis.get(key)
    if cached:
        return cached.decode() if isinstance(cached, bytes) else cached
    link = await gateway.url_link(path, query, days=LINK_DAYS)
    await redis.set(key, link, ex=(LINK_DAYS - 1) * 86400)
    return link
