from __future__ import annotations

from litestar import Controller, get
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.response import Stream

from api import clock
from api.deps import AppSettings
from api.files import service
from api.storage import FILE_HEADERS, storage_for


class DownloadController(Controller):
    path = "/files"
    tags = ["files"]

    # No login: the signed link is the permission (wx.downloadFile sends no Authorization header).
    @get("/{token:str}", opt={"exclude_from_auth": True}, operation_id="downloadSignedFile",
         summary="凭短时签名链接下载文件（供 wx.downloadFile，免登录）")
    async def download(self, token: FromPath[str], settings: AppSettings, state: State) -> Stream:
        key, content_type = service.read(settings, token, now=clock.now(state))
        return Stream(storage_for(settings).read(key), media_type=content_type, headers=FILE_HEADERS)
