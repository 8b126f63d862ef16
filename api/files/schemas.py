from __future__ import annotations

from datetime import datetime

from api.types import Schema


class DownloadLinkOut(Schema):
    """A link ``wx.downloadFile`` can fetch without an Authorization header, until ``expires_at``."""

    url: str
    expires_at: datetime
