"""Browser tests: Debian's chromium driven by playwright against a real server on loopback.

On a machine without /usr/bin/chromium they are skipped, and the run says so in plain words
(a collection hook, not a silent skip): CI installs chromium (.ci/run), so there they always run.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SKIPPED = "browser tests skipped: chromium not installed"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "console"
_skipped: list[str] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=SKIPPED))
            _skipped.append(item.nodeid)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skipped:
        terminalreporter.write_line(f"{SKIPPED} ({len(_skipped)} tests; apt-get install chromium fonts-noto-cjk)",
                                    yellow=True, bold=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The real app under uvicorn in a background thread (its own event loop), on loopback."""

    def __init__(self, settings: Any) -> None:
        import uvicorn

        from api.app import create_app

        self.app = create_app(settings)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="on", ws="websockets"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        for _ in range(200):
            if self.server.started:
                return self
            if not self.thread.is_alive():
                raise RuntimeError("the console test server did not start")
            threading.Event().wait(0.05)
        raise RuntimeError("the console test server did not start within 10 s")

    def __exit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def live_server(settings: Any) -> LiveServer:
    return LiveServer(settings)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                           args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Iterator[Any]:
    """``await shot(page, "name")`` saves tests/artifacts/console/<test>-<n>-<name>.png (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    async def shot(page: Any, name: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{next(counter):02d}-{name}.png"
        await page.screenshot(path=str(path), full_page=True)
        return path

    yield shot


async def phone_page(browser: Any, base_url: str) -> Any:
    """A 375 px wide phone screen, Chinese locale."""
    context = await browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2,
                                        is_mobile=True, has_touch=True, locale="zh-CN", base_url=base_url)
    return await context.new_page()


async def sign_in_page(page: Any, phone: str, password: str) -> None:
    await page.goto("/console/login")
    await page.fill("input[name=phone]", phone)
    await page.fill("input[name=password]", password)
    await page.click("button:has-text('登录')")
    await page.wait_for_url("**/console/")


def accept_dialogs(page: Any) -> None:
    """Accept every confirm dialog the page opens."""
    page.on("dialog", lambda dialog: dialog.accept())  # hx-confirm asks before disabling or retiring
