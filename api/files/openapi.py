"""The request body of an upload route, as the OpenAPI document states it.

Upload routes read the multipart body as a stream (api/applications/service/upload.py), so
Litestar sees no ``data`` parameter and would publish no request body at all. ``wx.uploadFile``
sends one file under the name given in its ``name`` option, plus ``formData`` fields: the
document names that field, so a mini-program developer knows to pass ``name: "file"``.
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema

FIELD = "file"


@dataclass
class FileUploadOperation(Operation):
    def __post_init__(self) -> None:
        file = Schema(type=OpenAPIType.STRING, format="binary",  # type: ignore[arg-type]
                      description="文件内容（wx.uploadFile 的 name 参数填 file）")
        self.request_body = RequestBody(
            required=True,
            description=f"multipart/form-data，文件字段名 {FIELD}；wx.uploadFile 可直接调用（POST）",
            content={"multipart/form-data": OpenAPIMediaType(schema=Schema(
                type=OpenAPIType.OBJECT, required=[FIELD], properties={FIELD: file}))})
