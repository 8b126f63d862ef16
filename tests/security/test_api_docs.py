"""The API docs pages in production (issue 17 item 13).

The attack surface: /schema served Scalar and Swagger pages whose scripts come from a CDN, so in
production a third party's script ran on the API's own origin. Production now serves only the
machine-readable document; the pages stay for dev and test, or when ZSB_DOCS_UI says so.
"""

from __future__ import annotations

import msgspec
from litestar.testing import AsyncTestClient

from api.app import create_app

CDNS = ("cdn.jsdelivr.net", "unpkg.com", "cdnjs")


async def _docs(settings, **changes) -> dict[str, tuple[int, str, str]]:
    app = create_app(msgspec.structs.replace(settings, **changes))
    async with AsyncTestClient(app=app, timeout=30) as client:
        out = {}
        for path in ("/schema", "/schema/swagger", "/schema/openapi.json"):
            res = await client.get(path)
            out[path] = (res.status_code, res.headers.get("content-type", ""), res.text)
        return out


async def test_production_serves_no_docs_page_and_no_cdn_script(settings):
    docs = await _docs(settings, env="production")
    assert docs["/schema/swagger"][0] == 404
    for path in ("/schema", "/schema/openapi.json"):  # the root answers the document itself, not a page
        status, kind, document = docs[path]
        assert status == 200 and "html" not in kind and "json" in kind, (path, kind)
        assert msgspec.json.decode(document)["info"]["title"] == "掌上办 API"
    assert not any(cdn in text for _, _, text in docs.values() for cdn in CDNS)


async def test_the_docs_pages_stay_in_dev_and_test_and_a_setting_decides_elsewhere(settings):
    for changes, pages in (({}, True), ({"env": "production", "docs_ui": True}, True),
                           ({"docs_ui": False}, False)):
        docs = await _docs(settings, **changes)
        assert ("text/html" in docs["/schema"][1] and docs["/schema/swagger"][0] == 200) is pages, changes
        assert docs["/schema/openapi.json"][0] == 200, changes
