"""What a scanned QR code opens (F108): the progress QR and the licence QR lead a phone camera to a
small HTML page (no login, no personal data, the same facts as the JSON) and, inside WeChat's own
browser, to the same page of the mini-program through a cached URL Link. Programs keep the JSON.

The mini-program itself calls these routes with ``wx.request`` (its user agent also says
MicroMessenger, but it does not ask for HTML), and a ``web-view`` inside the mini-program says
``miniProgram``: both get what they got before.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import structlog
from litestar import Request, Response
from litestar.response import Redirect

from api.applications.service import progress as case_progress  # the function, re-exported
from api.disclosure import page, service
from api.settings import Settings
from wechat import links, pages
from wechat.errors import WechatUnavailable

log = structlog.get_logger("zsb.disclosure")


def in_wechat_browser(request: Request) -> bool:
    agent = request.headers.get("user-agent", "")
    return "MicroMessenger" in agent and "miniProgram" not in agent and page.wants_html(request)


async def _into_miniprogram(request: Request, redis: Any, wechat: Any, target: str, query: dict[str, str]) -> Any:
    """A redirect to the mini-program page, or None (then the HTML page) when WeChat cannot make a link."""
    if not in_wechat_browser(request):
        return None
    try:
        link = await links.url_link(redis, wechat, target, urlencode(query))
    except WechatUnavailable:
        log.warning("urllink_unavailable", page=target)
        return None
    return Redirect(link, status_code=302, headers={"Vary": "Accept, User-Agent", "Cache-Control": "no-store"})


async def progress(request: Request, conn: Any, redis: Any, wechat: Any, public_no: str, *,
                   now: datetime) -> Response:
    result = await case_progress(conn, public_no, now=now)
    redirect = await _into_miniprogram(request, redis, wechat, pages.PROGRESS, {"no": result.public_no})
    return redirect or page.progress(request, result)


async def verify(request: Request, conn: Any, redis: Any, wechat: Any, settings: Settings, token: str) -> Response:
    result = await service.verify(conn, settings, token)
    redirect = await _into_miniprogram(request, redis, wechat, pages.LICENCE_VERIFY, {"token": token})
    return redirect or page.verification(request, result)
