"""The market-regulation data exchange as a local HTTP server, in the shape README "Enterprises"
documents: ``GET /enterprises/{creditCode}`` with ``X-Api-Key``; 200 the record, 404 unknown."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.fakes.http import FakeRequest, FakeServer

API_KEY = "registry-test-key"


@dataclass
class FakeRegistry:
    records: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.server = FakeServer()
        self.server.routes = _Routes(self)

    @property
    def url(self) -> str:
        host, port = self.server.address
        return f"http://{host}:{port}"

    @property
    def requests(self) -> list[FakeRequest]:
        return self.server.requests

    def answer(self, request: FakeRequest) -> tuple[int, Any]:
        if request.headers.get("x-api-key") != API_KEY:
            return 401, {"error": "bad key"}
        code = request.path.rsplit("/", 1)[-1]
        record = self.records.get(code)
        return (200, record) if record else (404, {"error": "not registered"})

    def close(self) -> None:
        self.server.close()


class _Routes(dict):
    """Every GET under /enterprises/ goes to the registry's one handler."""

    def __init__(self, registry: FakeRegistry) -> None:
        super().__init__()
        self.registry = registry

    def get(self, key: Any, default: Any = None) -> Any:
        method, path = key
        if method == "GET" and path.startswith("/enterprises/"):
            return self.registry.answer
        return default
